/*
 * Cross-CPU function calls: arch_call_on_all_cpus(fn, arg) runs fn(arg)
 * on every online CPU, the caller's included, and returns when all are
 * done.  The others run it from the VEC_IPI_CALL interrupt handler, so fn
 * runs with interrupts off and must not sleep or wait for the caller.
 *
 * One call is in flight at a time: call_lock (irq spin) serialises
 * callers and protects the call slot; a CPU in the handler only reads the
 * slot and bumps the atomic done count, which the caller waits on.  The
 * caller keeps its interrupts disabled while waiting, so two CPUs that
 * both want to cross-call cannot wait on each other's IPI: the second
 * spins on call_lock with interrupts enabled until the first finishes.
 */
#include "arch/x86_64/x86.h"
#include "arch/arch.h"
#include "kernel/sync.h"

static struct spinlock call_lock = SPINLOCK_INIT("crosscall",
						 LOCK_RANK_CROSSCALL);
static void (*call_fn)(void *);	/* [call_lock] */
static void *call_arg;		/* [call_lock] */
static unsigned call_done;	/* [A] CPUs that finished this call */

static void crosscall_handler(unsigned vector)
{
	(void)vector;
	call_fn(call_arg);
	__atomic_fetch_add(&call_done, 1, __ATOMIC_RELEASE);
}

void crosscall_init(void)
{
	irq_set_handler(VEC_IPI_CALL, crosscall_handler);
}

/*
 * Run @fn(@arg) on every online CPU and wait for all of them.  Call with
 * interrupts enabled (the lock wait must not block another CPU's IPI) and
 * holding no spinlock.  Returns the number of CPUs that ran @fn.
 */
unsigned arch_call_on_all_cpus(void (*fn)(void *), void *arg)
{
	unsigned others = arch_nr_cpus_online() - 1;
	unsigned long flags = spin_lock_irqsave(&call_lock);

	call_fn = fn;
	call_arg = arg;
	__atomic_store_n(&call_done, 0, __ATOMIC_RELEASE);
	if (others)
		lapic_send_ipi_all_but_self(VEC_IPI_CALL);
	fn(arg);
	while (__atomic_load_n(&call_done, __ATOMIC_ACQUIRE) < others)
		arch_cpu_relax();
	spin_unlock_irqrestore(&call_lock, flags);
	return others + 1;
}
