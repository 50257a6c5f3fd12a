/*
 * Kernel stacks with guard pages.  Each stack gets a slot of
 * KSTACK_SLOT_PAGES pages in its own virtual region: the lowest page of
 * the slot stays unmapped, so running off the bottom of a stack faults
 * (on the double-fault IST stack) instead of corrupting a neighbour.
 * Slots are never reused yet: stacks live as long as their CPU.
 *
 * kstack_lock (spin) protects next_slot.
 */
#include "mm/mm.h"
#include "kernel/sync.h"

#define KSTACK_REGION		0xffffc00000000000ull
#define KSTACK_SLOT_PAGES	(KSTACK_PAGES + 1)
#define KSTACK_MAX_SLOTS	(1u << 20)

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t next_slot;	/* [kstack_lock] */

/* Returns the top of a fresh KSTACK_PAGES stack, or NULL. */
void *kstack_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	uint64_t slot = next_slot < KSTACK_MAX_SLOTS ? next_slot++ : ~0ull;
	uint64_t base;

	spin_unlock_irqrestore(&kstack_lock, flags);
	if (slot == ~0ull)
		return NULL;
	base = KSTACK_REGION + slot * KSTACK_SLOT_PAGES * PAGE_SIZE;
	for (unsigned i = 1; i < KSTACK_SLOT_PAGES; i++) {
		void *page = page_alloc_virt(0, true);

		if (!page ||
		    mm_map_kernel_page(base + i * PAGE_SIZE, virt_to_phys(page),
				       true) != 0)
			return NULL;	/* boot-time only: leaking is moot */
	}
	return (void *)(base + KSTACK_SLOT_PAGES * PAGE_SIZE);
}
