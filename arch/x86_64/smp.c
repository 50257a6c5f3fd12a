/*
 * Start every CPU the MADT lists.  The boot CPU copies the trampoline
 * (trampoline.asm) to TRAMPOLINE_BASE, identity-maps that page, sends all
 * other CPUs INIT, then starts them one at a time with STARTUP IPIs,
 * handing each its index and a fresh guarded stack through the
 * trampoline's data slots.  Each AP loads its own GDT/TSS/IDT, enables its
 * LAPIC and timer, reports in through ap_checked_in and idles with hlt.
 *
 * One AP is in flight at a time, so the trampoline slots need no lock:
 * the boot CPU writes them, the AP reads them, and ap_checked_in (atomic)
 * hands the turn back.
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define TRAMPOLINE_BASE		0x8000
#define AP_START_TIMEOUT_US	200000
#define SIPI_RETRY_US		1000

extern char ap_trampoline[], tramp_cr3[], tramp_efer_bits[], tramp_stack[],
	tramp_entry[], tramp_cpu_index[];

static volatile int ap_checked_in;
/* [B] each AP's double-fault, NMI and machine-check stack tops */
static uint64_t ap_ist_tops[NR_CPUS][3];

static void *tramp_slot(const char *sym)
{
	return (char *)phys_to_virt(TRAMPOLINE_BASE) + (sym - ap_trampoline);
}

/* A boot stack and three IST stacks for an AP, all or none. */
static void *alloc_ap_stacks(uint64_t ist_tops[3])
{
	void *stack = kstack_alloc();
	int i;

	if (!stack)
		return NULL;
	for (i = 0; i < 3; i++) {
		void *top = kstack_alloc();

		if (!top)
			goto err_free;
		ist_tops[i] = (uint64_t)top;
	}
	return stack;

err_free:
	while (i--)
		kstack_free((void *)ist_tops[i]);
	kstack_free(stack);
	return NULL;
}

/* Only for an AP that never ran or was parked again by INIT. */
static void free_ap_stacks(void *stack, const uint64_t ist_tops[3])
{
	for (int i = 0; i < 3; i++)
		kstack_free((void *)ist_tops[i]);
	kstack_free(stack);
}

/* First C code on an application processor: never returns. */
static __attribute__((noreturn)) void ap_main(unsigned index)
{
	struct cpu *c = arch_cpu_by_index(index);

	percpu_install(index);
	gdt_init_cpu(index, ap_ist_tops[index]);
	idt_load();
	lapic_init_cpu();
	lapic_timer_start_periodic();
	percpu_mark_online(c);
	__atomic_store_n(&ap_checked_in, 1, __ATOMIC_RELEASE);
	for (;;)
		arch_idle();
}

static bool wait_for_check_in(uint64_t timeout_us)
{
	uint64_t end = arch_clock_ns() + timeout_us * 1000;

	while (arch_clock_ns() < end)
		if (__atomic_load_n(&ap_checked_in, __ATOMIC_ACQUIRE))
			return true;
	return __atomic_load_n(&ap_checked_in, __ATOMIC_ACQUIRE);
}

static bool start_ap(unsigned index, uint32_t apic_id)
{
	struct cpu *c = arch_cpu_by_index(index);
	void *stack = alloc_ap_stacks(ap_ist_tops[index]);

	if (!stack) {
		pr_err("smp: no memory for CPU %u's stacks; not starting it",
		       index);
		return false;
	}
	c->index = index;
	c->apic_id = apic_id;
	c->kstack_top = stack;
	*(uint64_t *)tramp_slot(tramp_stack) = (uint64_t)stack;
	*(uint32_t *)tramp_slot(tramp_cpu_index) = index;
	ap_checked_in = 0;

	/* Two STARTUP IPIs, as the MP spec asks, unless the first worked. */
	lapic_send_sipi(apic_id, TRAMPOLINE_BASE >> 12);
	if (wait_for_check_in(SIPI_RETRY_US))
		return true;
	lapic_send_sipi(apic_id, TRAMPOLINE_BASE >> 12);
	if (wait_for_check_in(AP_START_TIMEOUT_US))
		return true;
	lapic_send_init(apic_id);	/* park it again */
	pr_err("smp: CPU %u (APIC id %u) did not start", index, apic_id);
	free_ap_stacks(stack, ap_ist_tops[index]);
	c->kstack_top = NULL;
	return false;
}

static void prepare_trampoline(void)
{
	memcpy(phys_to_virt(TRAMPOLINE_BASE), __ap_trampoline_start,
	       __ap_trampoline_end - __ap_trampoline_start);
	*(uint32_t *)tramp_slot(tramp_cr3) = (uint32_t)paging_kernel_root();
	*(uint32_t *)tramp_slot(tramp_efer_bits) =
		(1u << 8) | (cpu_features.nx ? EFER_NXE : 0);
	*(uint64_t *)tramp_slot(tramp_entry) = (uint64_t)ap_main;
}

/*
 * Start every enabled CPU in the MADT other than this one.  Returns the
 * number of CPUs online afterwards, this one included.
 */
unsigned smp_start_aps(const struct acpi_info *acpi)
{
	uint32_t self = lapic_id();
	unsigned next_index = 1;

	this_cpu()->apic_id = self;
	if (acpi->nr_cpus <= 1)
		return arch_nr_cpus_online();

	/* The first MiB is never allocated, but it must be RAM we may use. */
	if (!pmm_range_is_usable_ram(TRAMPOLINE_BASE, PAGE_SIZE)) {
		pr_err("smp: trampoline page %#x is not usable RAM; one CPU only",
		       TRAMPOLINE_BASE);
		return arch_nr_cpus_online();
	}
	prepare_trampoline();
	if (mm_identity_map_low() != 0) {
		pr_err("smp: no memory to map the trampoline; one CPU only");
		return arch_nr_cpus_online();
	}
	for (unsigned i = 0; i < acpi->nr_cpus; i++)
		if (acpi->cpus[i].enabled && acpi->cpus[i].apic_id != self)
			lapic_send_init(acpi->cpus[i].apic_id);
	/* Real CPUs want 10 ms after INIT; virtual ones do not. */
	if (!cpu_features.hypervisor)
		delay_us(10000);

	for (unsigned i = 0; i < acpi->nr_cpus; i++) {
		const struct acpi_cpu *ac = &acpi->cpus[i];

		if (!ac->enabled || ac->apic_id == self)
			continue;
		if (next_index >= NR_CPUS) {
			pr_warn("smp: more than %d CPUs, ignoring the rest",
				NR_CPUS);
			break;
		}
		if (ac->apic_id > 0xff) {
			pr_warn("smp: APIC id %u needs x2APIC, skipped",
				ac->apic_id);
			continue;
		}
		if (start_ap(next_index, ac->apic_id))
			next_index++;
	}
	mm_identity_unmap_low();
	return arch_nr_cpus_online();
}
