/*
 * panic(): the kernel found one of its own invariants broken.  Print the
 * reason, the registers and a backtrace on every console, then halt all
 * CPUs, as a kernel-mode exception does.  Only for
 * kernel bugs: anything user space or a device can cause is an error
 * return instead.
 */
#include "kernel/printk.h"
#include "arch/arch.h"
#include "kernel/lib/format.h"
#include "kernel/percpu.h"

static volatile int panicking;

void panic(const char *fmt, ...)
{
	uint64_t caller_rbp, caller_rip;
	char msg[256];
	va_list ap;

	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		arch_halt_all_cpus();	/* a second panic: just stop */
	printk_panic_mode();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_emerg("Kernel panic on CPU %u: %s", this_cpu()->index, msg);
	/* Report from our caller's point of view: skip panic()'s frame. */
	caller_rbp = *(uint64_t *)__builtin_frame_address(0);
	caller_rip = (uint64_t)__builtin_return_address(0) - 1;
	arch_dump_registers_here(caller_rbp, caller_rip);
	arch_dump_stack(caller_rbp, caller_rip);
	arch_halt_all_cpus();
}
