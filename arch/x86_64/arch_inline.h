#pragma once
/* Inline halves of arch/arch.h: only arch/arch.h includes this file. */
#include <stdint.h>
#include "arch/x86_64/cpu.h"

/* Disable interrupts; return the previous state for arch_irq_restore(). */
static inline unsigned long arch_irq_save(void)
{
	unsigned long flags = read_rflags();

	irq_disable();
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

static inline bool arch_irqs_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}

static inline void arch_irq_enable(void)
{
	irq_enable();
}

static inline void arch_irq_disable(void)
{
	irq_disable();
}

static inline void arch_cpu_relax(void)
{
	cpu_relax();
}

/* Wait for the next interrupt with interrupts enabled (idle loop). */
static inline void arch_idle(void)
{
	safe_halt();
}

/* This CPU's struct cpu, through GS (arch/x86_64/percpu.c sets it up). */
static inline struct cpu *arch_this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Port I/O for generic drivers (ACPI, RTC, PCI legacy). */
static inline void arch_outb(uint16_t port, uint8_t v) { outb(port, v); }
static inline void arch_outw(uint16_t port, uint16_t v) { outw(port, v); }
static inline void arch_outl(uint16_t port, uint32_t v) { outl(port, v); }
static inline uint8_t arch_inb(uint16_t port) { return inb(port); }
static inline uint16_t arch_inw(uint16_t port) { return inw(port); }
static inline uint32_t arch_inl(uint16_t port) { return inl(port); }
