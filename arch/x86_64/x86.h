#pragma once
/*
 * Declarations shared inside arch/x86_64/ only.  Generic code uses
 * arch/arch.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/bootinfo.h"
#include "kernel/lib/compiler.h"

#define KERNEL_VMA	0xffffffff80000000ull
#define DIRECT_MAP_BASE	0xffff800000000000ull

#define GDT_KERNEL_CODE	0x08
#define GDT_KERNEL_DATA	0x10
#define GDT_USER32_CODE	0x18
#define GDT_USER_DATA	0x20
#define GDT_USER_CODE	0x28
#define GDT_TSS		0x30
#define GDT_ENTRIES	8	/* TSS takes two slots */

#define IST_DOUBLE_FAULT 1
#define IST_NMI		2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE	8192

#define VEC_IRQ_BASE	32	/* ISA IRQ n arrives on vector 32 + n */
#define VEC_LAPIC_TIMER	0xf0
#define VEC_IPI_CALL	0xf1	/* run a function: arch_call_on_all_cpus() */
#define VEC_SPURIOUS	0xff

/* Saved by the stubs in traps.asm, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame layout");

struct __packed tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes");

static inline uint64_t phys_to_virt_early(uint64_t phys)
{
	return phys + DIRECT_MAP_BASE;
}

/* boot.asm / linker.ld */
extern char __boot_start[], __boot_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __bss_start[], __bss_end[];
extern char __ksyms_start[], __kernel_end[];
extern char __ap_trampoline_start[], __ap_trampoline_end[];
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];

/* gdt.c */
void gdt_init_cpu(unsigned cpu_index, uint64_t ist_tops[3]);
void idt_init(void);
void idt_load(void);
void gdt_set_ist(unsigned cpu_index, unsigned ist, uint64_t top);

/* traps.c */
void trap_dispatch(struct trap_frame *tf);
typedef void (*irq_handler_t)(unsigned vector);
void irq_set_handler(unsigned vector, irq_handler_t fn);
extern volatile bool system_halting;

/* percpu.c */
struct cpu;
void percpu_init_boot_cpu(void);
void percpu_install(unsigned index);
void percpu_mark_online(struct cpu *c);

/* serial.c */
void serial_irq(void);
void serial_enable_rx_irq(void);

/* time.c, crosscall.c, smp.c: started by platform.c */
struct acpi_info;
void clock_init(const struct acpi_info *acpi, const char *clocksource);
void crosscall_init(void);
unsigned smp_start_aps(const struct acpi_info *acpi);

/* ksyms.c */
const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

/* apic.c */
void lapic_init_cpu(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
void lapic_send_nmi_all_but_self(void);
void lapic_send_ipi_all_but_self(uint8_t vector);
bool lapic_ready(void);
void ioapic_route_isa_irq(unsigned isa_irq, unsigned vector, uint32_t dest_apic);
void pic_disable(void);

/* time.c */
void delay_us(uint64_t us);

/* cpuinfo.c */
struct cpu_features {
	bool nx, pdpe1gb, invariant_tsc, hypervisor, x2apic, tsc_deadline;
	bool rdrand, rdseed, smep, smap, umip, xsave;
	uint8_t phys_addr_bits;		/* MAXPHYADDR */
	char vendor[13];
	char hypervisor_sig[13];
};
extern struct cpu_features cpu_features;
void cpu_detect_features(void);
