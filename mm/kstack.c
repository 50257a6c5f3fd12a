/*
 * Kernel stacks with guard pages.  Each stack gets a slot of
 * KSTACK_SLOT_PAGES pages in its own virtual region: the lowest page of
 * the slot stays unmapped, so running off the bottom of a stack faults
 * (on the double-fault IST stack) instead of corrupting a neighbour.
 * The stack itself is one buddy block of KSTACK_ORDER.  Slots are never
 * reused yet: today's stacks (CPUs' boot and IST stacks) live forever;
 * freeing comes with threads.
 *
 * kstack_lock (spin) protects next_slot.
 */
#include "mm/mm.h"
#include "kernel/sync.h"

#define KSTACK_REGION		0xffffc00000000000ull
#define KSTACK_SLOT_PAGES	(KSTACK_PAGES + 1)
#define KSTACK_MAX_SLOTS	(1u << 20)
#define KSTACK_ORDER		2	/* 2^2 pages = KSTACK_PAGES */
_Static_assert((1u << KSTACK_ORDER) == KSTACK_PAGES, "one block per stack");

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack", LOCK_RANK_KSTACK);
static uint64_t next_slot;	/* [kstack_lock] */

/*
 * Returns the top of a fresh, zeroed KSTACK_PAGES stack, or NULL when
 * memory (for the stack or for page tables) runs out.  May be called on
 * any CPU; never sleeps.
 */
void *kstack_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	uint64_t slot = next_slot < KSTACK_MAX_SLOTS ? next_slot++ : ~0ull;
	uint64_t stack_va;
	void *pages;
	unsigned mapped;

	spin_unlock_irqrestore(&kstack_lock, flags);
	if (slot == ~0ull)
		return NULL;
	pages = page_alloc_virt(KSTACK_ORDER, true);
	if (!pages)
		return NULL;
	/* The slot's first page is the guard: it is never mapped. */
	stack_va = KSTACK_REGION + (slot * KSTACK_SLOT_PAGES + 1) * PAGE_SIZE;
	for (mapped = 0; mapped < KSTACK_PAGES; mapped++)
		if (mm_map_kernel_page(stack_va + mapped * PAGE_SIZE,
				       virt_to_phys(pages) + mapped * PAGE_SIZE,
				       true) != 0)
			goto err_unmap;
	return (void *)(stack_va + KSTACK_PAGES * PAGE_SIZE);

err_unmap:
	while (mapped--)
		mm_unmap_kernel_page(stack_va + mapped * PAGE_SIZE);
	page_free_virt(pages, KSTACK_ORDER);
	return NULL;
}
