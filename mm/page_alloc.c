/*
 * Physical page allocator.  At boot, pmm_init() reads the memory map,
 * places the struct page array (one per frame from 0 to the highest usable
 * frame) and a small pool of page-table pages in usable RAM below 4 GiB
 * (the early page tables map only that much), then hands every usable
 * frame that nothing else occupies to the buddy allocator (mm/buddy.c).
 *
 * Never handed out: the first MiB (firmware data, the AP trampoline), the
 * kernel image, the boot modules, the loader's info block, the struct page
 * array and the early pool.
 *
 * zone_lock (irq spin) protects the buddy zone; the early pool is used by
 * the boot CPU alone before other CPUs start.
 * Interface: page_alloc(), page_free(), page_alloc_virt(), mm_get_stats().
 */
#include "mm/mm.h"
#include "mm/buddy.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/sync.h"

#define LOW_RESERVED_END	0x100000ull
#define EARLY_MAPPED_END	(4ull << 30)
#define MAX_RESERVED		(BOOT_MAX_MODULES + 8)

struct phys_range {
	paddr_t start, end;	/* [start, end) */
};

extern char __boot_start[], __kernel_end[];

static struct spinlock zone_lock = SPINLOCK_INIT("zone");
static struct buddy_zone zone;			/* [zone_lock] */
static uint64_t total_usable_bytes;		/* [I] after pmm_init */
static uint64_t reserved_bytes;			/* [I] after pmm_init */
static struct phys_range early_pool;		/* boot CPU only */
static paddr_t early_pool_next;

static struct phys_range reserved[MAX_RESERVED];
static unsigned nr_reserved;
static struct phys_range usable[BOOT_MAX_MMAP];	/* sorted, disjoint */
static unsigned nr_usable;

static void reserve(paddr_t start, paddr_t end)
{
	KASSERT(nr_reserved < MAX_RESERVED);
	reserved[nr_reserved].start = ALIGN_DOWN(start, PAGE_SIZE);
	reserved[nr_reserved].end = ALIGN_UP(end, PAGE_SIZE);
	nr_reserved++;
}

static paddr_t kernel_phys_end(void)
{
	return (paddr_t)__kernel_end - 0xffffffff80000000ull;
}

static bool overlaps_reserved(paddr_t start, paddr_t end)
{
	for (unsigned i = 0; i < nr_reserved; i++)
		if (start < reserved[i].end && reserved[i].start < end)
			return true;
	return false;
}

/*
 * Collect the usable ranges, page-aligned inward, sorted and with overlaps
 * clipped: a loader's map may be unsorted or overlap, and the allocator
 * must never be handed a frame twice.
 */
static void collect_usable_ranges(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mem_range *r = &bi->mmap[i];
		paddr_t s = ALIGN_UP(r->base, PAGE_SIZE);
		paddr_t e = r->base + r->len < r->base ? ~0ull : r->base + r->len;
		unsigned j;

		e = ALIGN_DOWN(e, PAGE_SIZE);
		if (r->type != BOOT_MEM_USABLE || s >= e)
			continue;
		for (j = nr_usable; j > 0 && usable[j - 1].start > s; j--)
			usable[j] = usable[j - 1];
		usable[j].start = s;
		usable[j].end = e;
		nr_usable++;
	}
	for (unsigned i = 1; i < nr_usable; i++) {
		paddr_t covered = MAX(usable[i - 1].end, usable[i - 1].start);

		if (usable[i].start < covered)
			usable[i].start = covered;
		if (usable[i].end < usable[i].start)
			usable[i].end = usable[i].start;
	}
}

/*
 * Find @size bytes of usable RAM below 4 GiB that overlaps nothing
 * reserved, trying each reserved range's end as a candidate start.
 */
static paddr_t find_free_region(uint64_t size)
{
	for (unsigned i = 0; i < nr_usable; i++) {
		paddr_t lo = usable[i].start;
		paddr_t hi = MIN(usable[i].end, EARLY_MAPPED_END);

		for (unsigned j = 0; j <= nr_reserved; j++) {
			paddr_t s = j == nr_reserved ? lo :
				    MAX(lo, reserved[j].end);

			if (s + size <= hi && !overlaps_reserved(s, s + size))
				return s;
		}
	}
	return 0;
}

/* Give [start, end) minus every reserved range to the buddy allocator. */
static void free_unreserved(paddr_t start, paddr_t end, unsigned from)
{
	for (unsigned i = from; i < nr_reserved && start < end; i++) {
		const struct phys_range *r = &reserved[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start > start)
			free_unreserved(start, r->start, i + 1);
		start = MAX(start, r->end);
	}
	if (start < end)
		buddy_free_range(&zone, start >> PAGE_SHIFT,
				 (end - start) >> PAGE_SHIFT);
}

static uint64_t early_pool_pages(paddr_t top, const struct boot_info *bi)
{
	uint64_t gib = (top >> 30) + 1;

	/* A PD per GiB of direct map, PTs for range edges and the kernel. */
	return 16 + 2 * gib + 4 * bi->nr_mmap +
	       (kernel_phys_end() >> 21) + 8;
}

static void reserve_boot_areas(const struct boot_info *bi)
{
	reserve(0, LOW_RESERVED_END);
	reserve((paddr_t)__boot_start, kernel_phys_end());
	for (unsigned i = 0; i < bi->nr_modules; i++)
		reserve(bi->modules[i].start, bi->modules[i].end);
	if (bi->info_end > bi->info_start)
		reserve(bi->info_start, bi->info_end);
}

/*
 * Build the page allocator from the boot memory map.  Panics only when the
 * machine has no place at all for its own bookkeeping, which no usable
 * memory map allows.
 */
void pmm_init(const struct boot_info *bi)
{
	paddr_t top, where;
	uint64_t nr_pages, array_bytes, pool_bytes;

	collect_usable_ranges(bi);
	top = nr_usable ? usable[nr_usable - 1].end : 0;
	nr_pages = top >> PAGE_SHIFT;
	array_bytes = ALIGN_UP(nr_pages * sizeof(struct page), PAGE_SIZE);
	pool_bytes = early_pool_pages(top, bi) * PAGE_SIZE;
	reserve_boot_areas(bi);
	where = find_free_region(array_bytes + pool_bytes);
	if (!nr_pages || !where)
		panic("mm: no room below 4 GiB for %llu bytes of page structs",
		      (unsigned long long)(array_bytes + pool_bytes));
	reserve(where, where + array_bytes + pool_bytes);
	early_pool.start = early_pool_next = where + array_bytes;
	early_pool.end = where + array_bytes + pool_bytes;

	buddy_init(&zone, phys_to_virt(where), 0, nr_pages);
	for (unsigned i = 0; i < nr_usable; i++) {
		total_usable_bytes += usable[i].end - usable[i].start;
		free_unreserved(usable[i].start, usable[i].end, 0);
	}
	reserved_bytes = total_usable_bytes - zone.free_pages * PAGE_SIZE;
}

/* A zeroed page for early page tables, before the buddy pages are mapped. */
paddr_t pmm_early_alloc_page(void)
{
	paddr_t pa = early_pool_next;

	if (pa + PAGE_SIZE > early_pool.end)
		panic("mm: early page-table pool exhausted");
	early_pool_next += PAGE_SIZE;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/* Return the unused tail of the early pool to the allocator. */
void pmm_release_early_pool(void)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);
	paddr_t start = early_pool_next;

	early_pool_next = early_pool.end;
	if (start < early_pool.end) {
		buddy_free_range(&zone, start >> PAGE_SHIFT,
				 (early_pool.end - start) >> PAGE_SHIFT);
		reserved_bytes -= early_pool.end - start;
	}
	spin_unlock_irqrestore(&zone_lock, flags);
}

/* Allocate 2^@order contiguous frames; NULL when memory is exhausted. */
struct page *page_alloc(unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);
	struct page *p = buddy_alloc(&zone, order);

	spin_unlock_irqrestore(&zone_lock, flags);
	return p;
}

void page_free(struct page *p, unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);

	buddy_free(&zone, p, order);
	spin_unlock_irqrestore(&zone_lock, flags);
}

paddr_t page_to_phys(const struct page *p)
{
	return buddy_page_to_pfn(&zone, p) << PAGE_SHIFT;
}

struct page *phys_to_page(paddr_t pa)
{
	return buddy_pfn_to_page(&zone, pa >> PAGE_SHIFT);
}

/* Allocate and return the direct-map address of 2^@order frames. */
void *page_alloc_virt(unsigned order, bool zero)
{
	struct page *p = page_alloc(order);
	void *va;

	if (!p)
		return NULL;
	va = phys_to_virt(page_to_phys(p));
	if (zero)
		memset(va, 0, PAGE_SIZE << order);
	return va;
}

void page_free_virt(void *va, unsigned order)
{
	page_free(phys_to_page(virt_to_phys(va)), order);
}

void mm_get_stats(struct mem_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);

	st->total_usable_bytes = total_usable_bytes;
	st->managed_pages = zone.managed_pages;
	st->free_pages = zone.free_pages;
	st->reserved_bytes = reserved_bytes;
	spin_unlock_irqrestore(&zone_lock, flags);
}
