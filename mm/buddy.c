/*
 * Binary buddy allocator: the pure core under mm/page_alloc.c.
 *
 * A zone is a run of physical frames [base_pfn, base_pfn + nr_pages) with
 * one struct page each in z->pages[].  Free memory is kept as blocks of
 * 2^order frames, order 0..MAX_ORDER, each naturally aligned by absolute
 * pfn so that a block's physical address is aligned to its size even when
 * base_pfn is not.  The buddy of the block at pfn is the block at
 * pfn ^ (1 << order); two free buddies of the same order always merge, so
 * the free lists hold maximal blocks.  A buddy whose pfn falls outside the
 * zone is never looked at.
 *
 * Page states, all read from page->flags:
 *   PG_RESERVED  never handed to the allocator (buddy_init() default)
 *   PG_BUDDY     head of a free block; page->order, on free_list[order]
 *   PG_HEAD      head of an allocated block; page->order, refcount 1
 *   none         a tail frame inside a free or allocated block
 *
 * Interface: buddy_init() marks the whole zone reserved;
 * buddy_free_range() hands usable frames over once at boot;
 * buddy_alloc() / buddy_free() move blocks; buddy_check() verifies
 * everything for tests and debugging.
 *
 * Locking: none here.  The caller holds its zone lock across every call.
 */
#include <stdbool.h>
#include <stdint.h>
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/list.h"
#include "kernel/lib/string.h"
#include "mm/buddy.h"
#include "mm/page.h"

static inline uint64_t order_pages(unsigned order)
{
	return (uint64_t)1 << order;
}

static bool pfn_in_zone(const struct buddy_zone *z, pfn_t pfn)
{
	return pfn >= z->base_pfn && pfn - z->base_pfn < z->nr_pages;
}

/* Caller has checked that @pfn is inside the zone. */
static struct page *zone_page(const struct buddy_zone *z, pfn_t pfn)
{
	return &z->pages[pfn - z->base_pfn];
}

static bool page_in_zone(const struct buddy_zone *z, const struct page *p)
{
	uintptr_t first = (uintptr_t)z->pages;
	uintptr_t addr = (uintptr_t)p;

	return addr >= first &&
	       (addr - first) / sizeof(struct page) < z->nr_pages &&
	       (addr - first) % sizeof(struct page) == 0;
}

static void add_free_block(struct buddy_zone *z, struct page *head,
			   unsigned order)
{
	head->flags = PG_BUDDY;
	head->order = (uint8_t)order;
	head->refcount = 0;
	head->private = 0;
	list_add(&head->list, &z->free_list[order]);
	z->nr_free[order]++;
}

static void del_free_block(struct buddy_zone *z, struct page *head,
			   unsigned order)
{
	list_del(&head->list);
	z->nr_free[order]--;
	head->flags = 0;
	head->order = 0;
}

/*
 * Put the block at @pfn of @order on the free lists, merging it with its
 * free buddies as far as they go.  The block's frames are already clear
 * of PG_RESERVED and PG_HEAD.  Does not touch z->free_pages.
 */
static void free_block(struct buddy_zone *z, pfn_t pfn, unsigned order)
{
	while (order < MAX_ORDER) {
		pfn_t buddy_pfn = pfn ^ order_pages(order);
		struct page *buddy;

		if (!pfn_in_zone(z, buddy_pfn))
			break;
		buddy = zone_page(z, buddy_pfn);
		if (!(buddy->flags & PG_BUDDY) || buddy->order != order)
			break;
		del_free_block(z, buddy, order);
		pfn &= ~order_pages(order);
		order++;
	}
	add_free_block(z, zone_page(z, pfn), order);
}

/*
 * Set up @z over @pages, which has room for @nr_pages entries describing
 * the frames from @base_pfn on.  Zeroes the array and marks every frame
 * PG_RESERVED; nothing is free until buddy_free_range().
 */
void buddy_init(struct buddy_zone *z, struct page *pages, pfn_t base_pfn,
		uint64_t nr_pages)
{
	unsigned order;
	uint64_t i;

	KASSERT(base_pfn + nr_pages >= base_pfn);
	z->pages = pages;
	z->base_pfn = base_pfn;
	z->nr_pages = nr_pages;
	for (order = 0; order <= MAX_ORDER; order++) {
		list_init(&z->free_list[order]);
		z->nr_free[order] = 0;
	}
	z->free_pages = 0;
	z->managed_pages = 0;

	memset(pages, 0, (size_t)nr_pages * sizeof(struct page));
	for (i = 0; i < nr_pages; i++) {
		list_init(&pages[i].list);
		pages[i].flags = PG_RESERVED;
	}
}

/*
 * Hand the frames [@start, @start + @count) to the allocator.  Every frame
 * must still be reserved (each is given exactly once).  The range is cut
 * into the largest naturally aligned blocks that fit, so the cost is one
 * flag store per frame plus a few list operations per 2^MAX_ORDER frames.
 * Blocks merge with free neighbours handed over by earlier calls.
 */
void buddy_free_range(struct buddy_zone *z, pfn_t start, uint64_t count)
{
	pfn_t pfn, end;
	uint64_t i;

	KASSERT(start >= z->base_pfn);
	KASSERT(count <= z->nr_pages &&
		start - z->base_pfn <= z->nr_pages - count);
	if (count == 0)
		return;

	for (i = 0; i < count; i++) {
		struct page *p = zone_page(z, start + i);

		KASSERT(p->flags == PG_RESERVED);
		p->flags = 0;
	}

	end = start + count;
	for (pfn = start; pfn < end;) {
		unsigned order = MAX_ORDER;

		while ((pfn & (order_pages(order) - 1)) ||
		       order_pages(order) > end - pfn)
			order--;
		free_block(z, pfn, order);
		pfn += order_pages(order);
	}
	z->free_pages += count;
	z->managed_pages += count;
}

/*
 * Allocate a naturally aligned block of 2^@order frames.  Returns its head
 * page (PG_HEAD, order recorded, refcount 1), or NULL if no block that
 * large is free or @order exceeds MAX_ORDER.  Caller holds the zone lock.
 */
struct page *buddy_alloc(struct buddy_zone *z, unsigned order)
{
	struct page *head;
	unsigned k;
	pfn_t pfn;

	if (order > MAX_ORDER)
		return NULL;
	for (k = order; k <= MAX_ORDER; k++)
		if (!list_empty(&z->free_list[k]))
			break;
	if (k > MAX_ORDER)
		return NULL;

	head = list_first_entry(&z->free_list[k], struct page, list);
	pfn = buddy_page_to_pfn(z, head);
	del_free_block(z, head, k);
	/* Give back the upper half at each step down. */
	while (k > order) {
		k--;
		add_free_block(z, zone_page(z, pfn + order_pages(k)), k);
	}

	head->flags = PG_HEAD;
	head->order = (uint8_t)order;
	head->refcount = 1;
	head->private = 0;
	z->free_pages -= order_pages(order);
	return head;
}

/*
 * Return the block headed by @head, allocated with buddy_alloc(z, @order).
 * Asserts that @head is an allocated head of that order in this zone, so a
 * double free, a wrong order or a reserved frame stops here.  Caller holds
 * the zone lock.
 */
void buddy_free(struct buddy_zone *z, struct page *head, unsigned order)
{
	pfn_t pfn;

	KASSERT(order <= MAX_ORDER);
	KASSERT(page_in_zone(z, head));
	KASSERT(!(head->flags & PG_RESERVED));
	KASSERT(!(head->flags & PG_BUDDY));
	KASSERT(head->flags & PG_HEAD);
	KASSERT(head->order == order);
	pfn = buddy_page_to_pfn(z, head);
	KASSERT((pfn & (order_pages(order) - 1)) == 0);
	KASSERT(pfn - z->base_pfn + order_pages(order) <= z->nr_pages);

	head->flags = 0;
	head->order = 0;
	head->refcount = 0;
	head->private = 0;
	list_init(&head->list);
	free_block(z, pfn, order);
	z->free_pages += order_pages(order);
}

/* The pfn of @p, which must be one of @z's pages. */
pfn_t buddy_page_to_pfn(const struct buddy_zone *z, const struct page *p)
{
	KASSERT(page_in_zone(z, p));
	return z->base_pfn + (pfn_t)(p - z->pages);
}

/* The page of @pfn, or NULL if @pfn is outside @z. */
struct page *buddy_pfn_to_page(const struct buddy_zone *z, pfn_t pfn)
{
	if (!pfn_in_zone(z, pfn))
		return NULL;
	return zone_page(z, pfn);
}

/* Every free list is well linked, counted and holds valid free heads. */
static bool check_free_lists(const struct buddy_zone *z)
{
	uint64_t total = 0;
	unsigned order;

	for (order = 0; order <= MAX_ORDER; order++) {
		const struct list_head *h = &z->free_list[order];
		const struct list_head *pos;
		uint64_t n = 0;

		for (pos = h->next; pos != h; pos = pos->next) {
			const struct page *p =
				list_entry(pos, struct page, list);
			pfn_t pfn;

			if (pos->next->prev != pos || n++ > z->nr_pages)
				return false;
			if (!page_in_zone(z, p))
				return false;
			if ((p->flags & (PG_BUDDY | PG_HEAD | PG_RESERVED)) !=
			    PG_BUDDY || p->order != order)
				return false;
			pfn = buddy_page_to_pfn(z, p);
			if (pfn & (order_pages(order) - 1))
				return false;
			if (pfn - z->base_pfn + order_pages(order) >
			    z->nr_pages)
				return false;
		}
		if (n != z->nr_free[order])
			return false;
		total += n << order;
	}
	return total == z->free_pages;
}

/*
 * A block head at @pfn: aligned, inside the zone, tails unmarked, and if
 * free, not mergeable with its buddy.
 */
static bool check_block(const struct buddy_zone *z, pfn_t pfn)
{
	const struct page *head = zone_page(z, pfn);
	unsigned order = head->order;
	uint64_t i, n;

	if (order > MAX_ORDER)
		return false;
	n = order_pages(order);
	if ((pfn & (n - 1)) || pfn - z->base_pfn + n > z->nr_pages)
		return false;
	for (i = 1; i < n; i++)
		if (zone_page(z, pfn + i)->flags &
		    (PG_BUDDY | PG_HEAD | PG_RESERVED))
			return false;
	if ((head->flags & PG_BUDDY) && order < MAX_ORDER) {
		pfn_t buddy_pfn = pfn ^ n;

		if (pfn_in_zone(z, buddy_pfn)) {
			const struct page *b = zone_page(z, buddy_pfn);

			if ((b->flags & PG_BUDDY) && b->order == order)
				return false;
		}
	}
	return true;
}

/*
 * Walk the whole zone and its free lists; true if all is consistent:
 * counts match the lists, every free block is an aligned PG_BUDDY head,
 * blocks don't overlap, free buddies are merged, and every frame is
 * reserved or inside exactly one block.  O(nr_pages): tests and debug only.
 * Caller holds the zone lock.
 */
bool buddy_check(const struct buddy_zone *z)
{
	uint64_t i = 0, reserved = 0, free_heads = 0, listed = 0;
	unsigned order;

	if (!check_free_lists(z))
		return false;

	while (i < z->nr_pages) {
		const struct page *p = &z->pages[i];
		uint32_t kind = p->flags & (PG_RESERVED | PG_BUDDY | PG_HEAD);

		if (kind == PG_RESERVED) {
			reserved++;
			i++;
			continue;
		}
		if (kind != PG_BUDDY && kind != PG_HEAD)
			return false;	/* orphan, or two states at once */
		if (!check_block(z, z->base_pfn + i))
			return false;
		if (kind == PG_BUDDY)
			free_heads++;
		i += order_pages(p->order);
	}

	for (order = 0; order <= MAX_ORDER; order++)
		listed += z->nr_free[order];
	return free_heads == listed &&
	       z->managed_pages + reserved == z->nr_pages &&
	       z->free_pages <= z->managed_pages;
}
