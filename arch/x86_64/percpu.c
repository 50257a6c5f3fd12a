/*
 * Per-CPU areas.  struct cpu (kernel/percpu.h) for each possible CPU sits
 * in a static array; each CPU points its GS base at its own entry, whose
 * first field points at itself, so this_cpu() is a single %gs-relative
 * load.  Entries are filled by the boot CPU before a CPU starts ([B]).
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"

static struct cpu cpus[NR_CPUS];
static unsigned nr_online;	/* [A] */

static void load_gs_base(struct cpu *c)
{
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	/* Swapped in by swapgs on kernel entry once user mode exists. */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* First thing at boot: spinlocks and printk need this_cpu(). */
void percpu_init_boot_cpu(void)
{
	cpus[0].self = &cpus[0];
	cpus[0].index = 0;
	load_gs_base(&cpus[0]);
}

/* Called on CPU @index itself while it starts. */
void percpu_install(unsigned index)
{
	cpus[index].self = &cpus[index];
	cpus[index].index = index;
	load_gs_base(&cpus[index]);
}

struct cpu *arch_cpu_by_index(unsigned idx)
{
	return idx < NR_CPUS ? &cpus[idx] : NULL;
}

/* Count a CPU as online; called once per CPU as it enters its idle loop. */
void percpu_mark_online(struct cpu *c)
{
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	__atomic_fetch_add(&nr_online, 1, __ATOMIC_ACQ_REL);
}

unsigned arch_nr_cpus_online(void)
{
	return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
}
