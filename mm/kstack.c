/*
 * Kernel stacks with guard pages.  Each stack gets a slot of
 * KSTACK_SLOT_PAGES pages in its own virtual region: the lowest page of
 * the slot stays unmapped, so running off the bottom of a stack faults
 * (on the double-fault IST stack) instead of corrupting a neighbour.
 * The stack itself is one buddy block of KSTACK_ORDER.  kstack_free()
 * returns the block and its slot; freed slots are handed out again first,
 * so the page tables of the region stop growing.
 *
 * kstack_lock (spin, a leaf) protects the slot bookkeeping; pages are
 * allocated and mapped after dropping it.
 */
#include "mm/mm.h"
#include "kernel/sync.h"

#define KSTACK_REGION		0xffffc00000000000ull
#define KSTACK_SLOT_PAGES	(KSTACK_PAGES + 1)
#define KSTACK_MAX_SLOTS	(1u << 20)
#define KSTACK_FREE_SLOTS	256	/* remembered for reuse */
#define KSTACK_ORDER		2	/* 2^2 pages = KSTACK_PAGES */
#define NO_SLOT			(~0ull)
_Static_assert((1u << KSTACK_ORDER) == KSTACK_PAGES, "one block per stack");

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack", LOCK_RANK_KSTACK);
static uint64_t next_slot;			/* [kstack_lock] never used */
static uint64_t free_slots[KSTACK_FREE_SLOTS];	/* [kstack_lock] */
static unsigned nr_free_slots;			/* [kstack_lock] */

static uint64_t slot_get(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	uint64_t slot = NO_SLOT;

	if (nr_free_slots)
		slot = free_slots[--nr_free_slots];
	else if (next_slot < KSTACK_MAX_SLOTS)
		slot = next_slot++;
	spin_unlock_irqrestore(&kstack_lock, flags);
	return slot;
}

/* A full list of free slots just forgets the slot: its space is cheap. */
static void slot_put(uint64_t slot)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);

	if (nr_free_slots < KSTACK_FREE_SLOTS)
		free_slots[nr_free_slots++] = slot;
	spin_unlock_irqrestore(&kstack_lock, flags);
}

static uint64_t slot_stack_va(uint64_t slot)
{
	/* The slot's first page is the guard: it is never mapped. */
	return KSTACK_REGION + (slot * KSTACK_SLOT_PAGES + 1) * PAGE_SIZE;
}

/*
 * Returns the top of a fresh, zeroed KSTACK_PAGES stack, or NULL when
 * memory (for the stack or for page tables) runs out.  May be called on
 * any CPU; never sleeps.
 */
void *kstack_alloc(void)
{
	uint64_t slot = slot_get(), stack_va;
	void *pages;
	unsigned mapped;

	if (slot == NO_SLOT)
		return NULL;
	pages = page_alloc_virt(KSTACK_ORDER, true);
	if (!pages)
		goto err_put_slot;
	stack_va = slot_stack_va(slot);
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
err_put_slot:
	slot_put(slot);
	return NULL;
}

/*
 * Give back a stack from kstack_alloc() that no CPU runs on any more and
 * that no other CPU has touched (there is no TLB shootdown yet).
 */
void kstack_free(void *top)
{
	uint64_t stack_va = (uint64_t)top - KSTACK_PAGES * PAGE_SIZE;
	uint64_t slot = (stack_va - KSTACK_REGION) / PAGE_SIZE /
			KSTACK_SLOT_PAGES;
	paddr_t pa = mm_kernel_page_phys(stack_va);

	for (unsigned i = 0; i < KSTACK_PAGES; i++)
		mm_unmap_kernel_page(stack_va + i * PAGE_SIZE);
	if (pa)
		page_free_virt(phys_to_virt(pa), KSTACK_ORDER);
	slot_put(slot);
}
