/*
 * kmalloc(): the kernel heap.  Requests up to KMALLOC_MAX_SLAB bytes come
 * from one of the power-of-two slab caches (16 .. 2048 bytes, mm/slab.c);
 * larger ones get a whole buddy block of the smallest fitting order, with
 * the order remembered in its struct page.  kfree() tells them apart by
 * alignment: slab objects never start on a page boundary (the slab header
 * is there), large blocks always do.
 *
 * kmalloc_lock (irq spin) protects all the caches; it nests inside nothing
 * and takes zone_lock inside (through slab_page_get()).
 */
#include "mm/mm.h"
#include "mm/slab.h"
#include "kernel/kassert.h"
#include "kernel/lib/string.h"
#include "kernel/sync.h"

#define KMALLOC_MIN_SHIFT	4
#define KMALLOC_MAX_SHIFT	11
#define KMALLOC_MAX_SLAB	(1u << KMALLOC_MAX_SHIFT)
#define NR_KMALLOC_CACHES	(KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)

static const char *const cache_names[NR_KMALLOC_CACHES] = {
	"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
	"kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};

static struct spinlock kmalloc_lock = SPINLOCK_INIT("kmalloc", LOCK_RANK_KMALLOC);
static struct slab_cache caches[NR_KMALLOC_CACHES];	/* [kmalloc_lock] */

static void *slab_page_get(void *ctx)
{
	struct page *p;

	(void)ctx;
	p = page_alloc(0);
	if (!p)
		return NULL;
	p->flags |= PG_SLAB;
	return phys_to_virt(page_to_phys(p));
}

static void slab_page_put(void *ctx, void *va)
{
	(void)ctx;
	page_free(phys_to_page(virt_to_phys(va)), 0);
}

static const struct slab_page_ops kmalloc_page_ops = {
	.get_page = slab_page_get,
	.put_page = slab_page_put,
};

void kmalloc_init(void)
{
	for (unsigned i = 0; i < NR_KMALLOC_CACHES; i++) {
		int err = slab_cache_init(&caches[i], cache_names[i],
					  1u << (i + KMALLOC_MIN_SHIFT), 0,
					  &kmalloc_page_ops);
		KASSERT(err == 0);
	}
}

/* Give every completely empty slab back to the page allocator. */
void kmalloc_shrink(void)
{
	unsigned long flags = spin_lock_irqsave(&kmalloc_lock);

	for (unsigned i = 0; i < NR_KMALLOC_CACHES; i++)
		slab_shrink(&caches[i]);
	spin_unlock_irqrestore(&kmalloc_lock, flags);
}

static unsigned cache_index(size_t size)
{
	unsigned shift = KMALLOC_MIN_SHIFT;

	while ((1ul << shift) < size)
		shift++;
	return shift - KMALLOC_MIN_SHIFT;
}

static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *kmalloc_large(size_t size)
{
	unsigned order = order_for(size);
	struct page *p;

	if (order > MAX_ORDER)
		return NULL;
	p = page_alloc(order);
	if (!p)
		return NULL;
	p->flags |= PG_KMALLOC_LARGE;
	p->private = order;
	return phys_to_virt(page_to_phys(p));
}

/* Allocate @size bytes; NULL if @size is 0 or memory is exhausted. */
void *kmalloc(size_t size)
{
	unsigned long flags;
	void *p;

	if (size == 0)
		return NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (size > KMALLOC_MAX_SLAB) {
			p = kmalloc_large(size);
		} else {
			flags = spin_lock_irqsave(&kmalloc_lock);
			p = slab_alloc(&caches[cache_index(size)]);
			spin_unlock_irqrestore(&kmalloc_lock, flags);
		}
		if (p || !mm_reclaim())
			break;
	}
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *ptr)
{
	unsigned long flags;

	if (!ptr)
		return;
	if (((uintptr_t)ptr & (PAGE_SIZE - 1)) == 0) {
		struct page *p = phys_to_page(virt_to_phys(ptr));

		KASSERT(p && (p->flags & PG_KMALLOC_LARGE));
		p->flags &= ~PG_KMALLOC_LARGE;
		page_free(p, p->private);
		return;
	}
	flags = spin_lock_irqsave(&kmalloc_lock);
	slab_free(slab_owner(ptr), ptr);
	spin_unlock_irqrestore(&kmalloc_lock, flags);
}
