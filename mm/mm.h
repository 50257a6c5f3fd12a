#pragma once
/*
 * Memory management, public interface.
 *   Physical pages: page_alloc()/page_free() over a buddy allocator with a
 *   struct page per frame (mm/page_alloc.c).
 *   Kernel heap: kmalloc()/kzalloc()/kfree() on power-of-two slab caches,
 *   whole pages above 2 KiB (mm/kmalloc.c).
 *   Kernel address space: every RAM byte at DIRECT_MAP_BASE + phys,
 *   MMIO through mm_map_mmio(), kernel stacks with a guard page below
 *   (mm/kstack.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/bootinfo.h"
#include "mm/page.h"

#define DIRECT_MAP_BASE	0xffff800000000000ull
#define KSTACK_PAGES	4	/* 16 KiB kernel stacks */

typedef uint64_t paddr_t;

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)va - DIRECT_MAP_BASE;
}

struct mem_stats {
	uint64_t total_usable_bytes;	/* usable RAM in the memory map */
	uint64_t managed_pages;		/* given to the page allocator */
	uint64_t free_pages;
	uint64_t reserved_bytes;	/* kernel, modules, struct pages, ... */
};

/* mm/page_alloc.c */
void pmm_init(const struct boot_info *bi);
struct page *page_alloc(unsigned order);
void page_free(struct page *p, unsigned order);
paddr_t page_to_phys(const struct page *p);
struct page *phys_to_page(paddr_t pa);
void *page_alloc_virt(unsigned order, bool zero);
void page_free_virt(void *va, unsigned order);
void mm_get_stats(struct mem_stats *st);
paddr_t pmm_early_alloc_page(void);
void pmm_release_early_pool(void);
uint64_t pmm_release_boot_module(paddr_t start, paddr_t end);
struct phys_range;
unsigned pmm_usable_ranges(const struct phys_range **ranges);
bool pmm_range_is_usable_ram(paddr_t pa, uint64_t len);

/* mm/kmalloc.c */
void kmalloc_init(void);
void kmalloc_shrink(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

/* mm/mm_selftest.c */
struct mm_selftest_report {
	unsigned cpus;
	uint64_t allocations, errors, failures;
	uint64_t free_before, free_after;	/* pages */
};
void mm_selftest(struct mm_selftest_report *r);

/* mm/kstack.c */
void *kstack_alloc(void);	/* returns the top; NULL when out of memory */
void kstack_free(void *top);

/* arch/x86_64/paging.c (the MMU side of mm) */
void paging_init(void);
void *mm_map_phys(paddr_t pa, size_t size, bool uncached);
void *mm_map_mmio(paddr_t pa, size_t size);
paddr_t paging_kernel_root(void);
int mm_map_kernel_page(uint64_t va, paddr_t pa, bool writable);
void mm_unmap_kernel_page(uint64_t va);
paddr_t mm_kernel_page_phys(uint64_t va);
int mm_identity_map_low(void);
void mm_identity_unmap_low(void);

/* mm/page_alloc.c: single pages shared by several owners (page cache,
 * later mappings).  page_alloc(0) returns a page with refcount 1;
 * page_put() of the last reference frees it. */
void *page_to_virt(const struct page *p);
void page_get(struct page *p);
void page_put(struct page *p);

/*
 * mm/reclaim.c: caches that give memory back under pressure.  ->scan
 * frees up to @nr objects and returns how many it freed; it runs with no
 * spinlock held and must only trylock locks that allocation paths may
 * hold.
 */
struct shrinker {
	const char *name;
	size_t (*scan)(size_t nr);
};
#define SHRINK_BATCH	1024
void shrinker_register(struct shrinker *s);
bool mm_reclaim(void);
