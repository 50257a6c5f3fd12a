#pragma once
/*
 * Host stand-in for arch/arch.h, for kernel files built into the unit
 * tests (the khost library puts this folder first on the include path).
 * The tests run on one host thread: interrupts do not exist, and the
 * clock is the one the test sets (shim.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NR_CPUS 64

static inline unsigned long arch_irq_save(void)
{
	return 0;
}

static inline void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

static inline void arch_cpu_relax(void)
{
}

uint64_t arch_clock_ns(void);
