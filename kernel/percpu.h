#pragma once
/*
 * Per-CPU data.  Each CPU's GS base points at its struct cpu, whose first
 * field points at itself, so this_cpu() is one load (arch_this_cpu()).
 * Fields are only written by their own CPU unless tagged otherwise.
 * [B] written by the boot CPU before the CPU starts, then read-only
 * [A] atomic
 */
#include <stdbool.h>
#include <stdint.h>
#include "arch/arch.h"

struct cpu {
	struct cpu *self;		/* [B] must stay first: %gs:0 */
	unsigned index;			/* [B] 0 = boot CPU */
	uint32_t apic_id;		/* [B] */
	bool online;			/* [A] set by the CPU once it idles */
	uint64_t timer_ticks;		/* LAPIC timer interrupts taken */
	uint64_t irqs;			/* device interrupts taken */
	void *kstack_top;		/* [B] top of this CPU's boot stack */
	uint64_t held_lock_ranks;	/* bit n: a rank-n spinlock is held */
};

static inline struct cpu *this_cpu(void)
{
	return arch_this_cpu();
}
