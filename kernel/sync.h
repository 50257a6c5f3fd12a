#pragma once
/*
 * Spinlocks.  A ticket lock: FIFO fair, one cache line.  spin_lock() is
 * for data never touched from interrupt handlers; spin_lock_irqsave()
 * disables interrupts first, for data that handlers touch too.
 *
 * Global lock order, outermost first (keep in step with
 * docs/architecture.md):
 *   kmalloc_lock (mm/kmalloc.c)
 *     zone_lock (mm/page_alloc.c)
 *   kpt_lock (arch/x86_64/paging.c)
 *     zone_lock
 *   kstack_lock, ioapic_lock, rx_lock, log_lock are leaves: nothing is
 *   taken inside them.
 * A panic ignores log_lock (it may have died holding it).
 */
#include <stdbool.h>
#include <stdint.h>
#include "arch/arch.h"

struct spinlock {
	volatile uint32_t next;		/* ticket handed to the next locker */
	volatile uint32_t owner;	/* ticket now holding the lock */
	const char *name;
	int holder_cpu;			/* -1 when free: catches self-deadlock */
};

#define SPINLOCK_INIT(n) { .next = 0, .owner = 0, .name = (n), .holder_cpu = -1 }

void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);
bool spin_is_held_by_me(const struct spinlock *l);

/* Disable interrupts, then lock; returns the flags for the unlock. */
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l,
					  unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#define ASSERT_HELD(l) KASSERT(spin_is_held_by_me(l))
