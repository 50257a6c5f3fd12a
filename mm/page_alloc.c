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
#include "mm/memmap.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "arch/arch.h"
#include "kernel/sync.h"

#define LOW_RESERVED_END	0x100000ull
#define EARLY_MAPPED_END	(4ull << 30)
#define MIN_MANAGED_TOP		(4ull << 20)	/* stop shrinking here */
#define MAX_RESERVED		(BOOT_MAX_MODULES + 8)

extern char __boot_start[], __kernel_end[];

static struct spinlock zone_lock = SPINLOCK_INIT("zone", LOCK_RANK_ZONE);
static struct buddy_zone zone;			/* [zone_lock] */
static uint64_t total_usable_bytes;		/* [I] after pmm_init */
static uint64_t reserved_bytes;			/* [zone_lock] after pmm_init */
static struct phys_range early_pool;		/* boot CPU only */
static paddr_t early_pool_next;

/* Boot CPU only: pmm_init(), then pmm_release_boot_module() at start-up. */
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

static void free_to_buddy(void *ctx, uint64_t start, uint64_t end)
{
	(void)ctx;
	buddy_free_range(&zone, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT);
}

static uint64_t bookkeeping_bytes(paddr_t top, const struct boot_info *bi)
{
	uint64_t array = ALIGN_UP((top >> PAGE_SHIFT) * sizeof(struct page),
				  PAGE_SIZE);

	return array + early_pool_pages(top, bi) * PAGE_SIZE;
}

/*
 * Place the struct page array and the early pool for RAM up to @*top.  If
 * there is no room below 4 GiB for them, manage less memory (with a
 * warning) rather than give up.  Returns the physical address, 0 if even
 * MIN_MANAGED_TOP does not fit.
 */
static paddr_t place_bookkeeping(const struct boot_info *bi, paddr_t *top)
{
	paddr_t where;

	for (;;) {
		where = memmap_find_free(usable, nr_usable, reserved,
					 nr_reserved, bookkeeping_bytes(*top, bi),
					 EARLY_MAPPED_END);
		if (where || *top <= MIN_MANAGED_TOP)
			return where;
		*top = MAX(ALIGN_DOWN(*top / 2, PAGE_SIZE), MIN_MANAGED_TOP);
		pr_warn("mm: no room for page structs below 4 GiB; managing "
			"only the first %llu MiB", (unsigned long long)(*top >> 20));
	}
}

/* Forget usable RAM at or above @top (the allocator will not manage it). */
static void clip_usable_ranges(paddr_t top)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nr_usable; i++) {
		if (usable[i].start >= top)
			break;
		usable[n] = usable[i];
		usable[n].end = MIN(usable[n].end, top);
		n++;
	}
	nr_usable = n;
}

/*
 * The usable RAM the allocator manages: sorted, disjoint, page-aligned.
 * paging_init() direct-maps exactly these.  Valid after pmm_init().
 */
unsigned pmm_usable_ranges(const struct phys_range **ranges)
{
	*ranges = usable;
	return nr_usable;
}

/* Is [pa, pa + len) usable RAM according to the boot memory map? */
bool pmm_range_is_usable_ram(paddr_t pa, uint64_t len)
{
	for (unsigned i = 0; i < nr_usable; i++)
		if (pa >= usable[i].start && len <= usable[i].end - pa)
			return true;
	return false;
}

/*
 * Build the page allocator from the boot memory map.  A map the machine
 * cannot run with (no usable RAM with room for the bookkeeping) stops the
 * boot with a message naming the problem.
 */
void pmm_init(const struct boot_info *bi)
{
	paddr_t top, where;
	uint64_t bytes;

	nr_usable = memmap_usable_ranges(bi->mmap, bi->nr_mmap,
					 arch_max_phys_addr(), usable,
					 BOOT_MAX_MMAP);
	top = nr_usable ? usable[nr_usable - 1].end : 0;
	reserve_boot_areas(bi);
	where = place_bookkeeping(bi, &top);
	if (!where) {
		pr_emerg("mm: the memory map has no usable RAM the kernel can "
			 "manage (%u usable ranges)", nr_usable);
		arch_halt_all_cpus();
	}
	bytes = bookkeeping_bytes(top, bi);
	reserve(where, where + bytes);
	early_pool.start = early_pool_next = where + bytes -
		early_pool_pages(top, bi) * PAGE_SIZE;
	early_pool.end = where + bytes;

	clip_usable_ranges(top);
	buddy_init(&zone, phys_to_virt(where), 0, top >> PAGE_SHIFT);
	for (unsigned i = 0; i < nr_usable; i++)
		memmap_subtract(usable[i].start, usable[i].end, reserved,
				nr_reserved, free_to_buddy, NULL);
	total_usable_bytes = memmap_total(usable, nr_usable);
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

struct release_ctx {
	uint64_t bytes;
};

static void release_to_buddy(void *ctx, uint64_t start, uint64_t end)
{
	struct release_ctx *c = ctx;

	buddy_free_range(&zone, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT);
	c->bytes += end - start;
}

/*
 * Gives back the frames of a boot module whose contents are no longer
 * needed (the initramfs, once unpacked), as Linux frees the initrd.  Only
 * whole pages of usable RAM inside [start, end) that no other boot
 * reservation touches go back, and a module is released at most once.
 * Returns the bytes freed.  Boot CPU, during start-up.
 */
uint64_t pmm_release_boot_module(paddr_t start, paddr_t end)
{
	paddr_t own_start = ALIGN_DOWN(start, PAGE_SIZE);
	paddr_t own_end = ALIGN_UP(end, PAGE_SIZE);
	struct release_ctx c = { 0 };
	unsigned long flags;
	unsigned own = nr_reserved;

	if (end <= start || !pmm_range_is_usable_ram(own_start,
						     own_end - own_start))
		return 0;
	for (unsigned i = 0; i < nr_reserved; i++)
		if (reserved[i].start == own_start && reserved[i].end == own_end)
			own = i;
	if (own == nr_reserved)
		return 0;	/* not a module, or released already */
	reserved[own] = reserved[--nr_reserved];
	flags = spin_lock_irqsave(&zone_lock);
	memmap_subtract(ALIGN_UP(start, PAGE_SIZE), ALIGN_DOWN(end, PAGE_SIZE),
			reserved, nr_reserved, release_to_buddy, &c);
	reserved_bytes -= c.bytes;
	spin_unlock_irqrestore(&zone_lock, flags);
	return c.bytes;
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
static struct page *try_alloc(unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);
	struct page *p = buddy_alloc(&zone, order);

	spin_unlock_irqrestore(&zone_lock, flags);
	return p;
}

/* 2^@order frames, or NULL when even reclaim (mm/reclaim.c) found none. */
struct page *page_alloc(unsigned order)
{
	struct page *p = try_alloc(order);

	if (!p && mm_reclaim())
		p = try_alloc(order);
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

void *page_to_virt(const struct page *p)
{
	return phys_to_virt(page_to_phys(p));
}

void page_get(struct page *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

void page_put(struct page *p)
{
	if (__atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		page_free(p, 0);
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
