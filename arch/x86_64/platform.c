/*
 * arch_init_platform(): after memory management and ACPI, bring up the
 * interrupt controllers, the clocks, the serial receive interrupt, guarded
 * exception stacks for the boot CPU, and every other CPU.
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/apic.h"
#include "arch/arch.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define ISA_IRQ_COM1 4

static void serial_irq_handler(unsigned vector)
{
	(void)vector;
	this_cpu()->irqs++;
	serial_irq();
}

/* The boot CPU's IST stacks were static; give it guarded ones now. */
static void guard_boot_cpu_ist_stacks(void)
{
	static const unsigned ists[3] = { IST_DOUBLE_FAULT, IST_NMI,
					  IST_MACHINE_CHECK };

	for (int i = 0; i < 3; i++) {
		void *top = kstack_alloc();

		if (top)
			gdt_set_ist(0, ists[i], (uint64_t)top);
	}
}

/* Returns the number of CPUs online. */
unsigned arch_init_platform(const struct acpi_info *acpi,
			    const struct platform_options *opts)
{
	bool have_apic;

	percpu_mark_online(this_cpu());
	guard_boot_cpu_ist_stacks();
	have_apic = apic_init(acpi) == 0;
	clock_init(acpi, opts->clocksource);
	if (!have_apic) {
		pr_err("platform: running on one CPU without interrupts or timer; "
		       "the serial console is polled");
		return 1;
	}
	crosscall_init();
	irq_set_handler(VEC_IRQ_BASE + ISA_IRQ_COM1, serial_irq_handler);
	ioapic_route_isa_irq(ISA_IRQ_COM1, VEC_IRQ_BASE + ISA_IRQ_COM1,
			     lapic_id());
	serial_enable_rx_irq();
	arch_irq_enable();
	return smp_start_aps(acpi);
}
