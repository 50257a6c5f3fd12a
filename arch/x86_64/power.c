/*
 * Last-resort power control and the QEMU test exit port.  ACPI power-off
 * and the FADT reset register live in drivers/acpi/; these are what is
 * left when ACPI cannot do it.
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "arch/arch.h"

#define QEMU_DEBUG_EXIT_PORT	0xf4
#define KBC_STATUS		0x64
#define KBC_CMD_PULSE_RESET	0xfe

/*
 * Under QEMU with `-device isa-debug-exit,iobase=0xf4`, writing @code
 * makes QEMU exit with status (code << 1) | 1, which is how a test run
 * learns of a panic.  Only done under a hypervisor: on a real PC port
 * 0xf4 may belong to something else.
 */
void arch_debug_exit(uint8_t code)
{
	if (cpu_features.hypervisor)
		outb(QEMU_DEBUG_EXIT_PORT, code);
}

/* Pulse the reset line through the keyboard controller, then triple fault. */
void arch_reboot(void)
{
	struct __packed {
		uint16_t limit;
		uint64_t base;
	} empty_idt = { 0, 0 };

	irq_disable();
	for (int i = 0; i < 100000 && (inb(KBC_STATUS) & 2); i++)
		cpu_relax();
	outb(KBC_STATUS, KBC_CMD_PULSE_RESET);
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
	for (;;)
		hlt();
}

/* Nothing left to try: stop with interrupts off. */
void arch_power_off(void)
{
	irq_disable();
	for (;;)
		hlt();
}
