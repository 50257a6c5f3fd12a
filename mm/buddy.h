#pragma once
/*
 * Binary buddy allocator over one contiguous array of struct page.  Pure
 * (kcore): no locking, the caller (mm/page_alloc.c) holds the zone lock
 * around every call.  Blocks are naturally aligned by absolute pfn.
 */
#include <stdbool.h>
#include <stdint.h>
#include "kernel/lib/list.h"
#include "mm/page.h"

/*
 * One zone: the frames [base_pfn, base_pfn + nr_pages), described by
 * pages[0 .. nr_pages).  All fields belong to the caller's zone lock.
 */
struct buddy_zone {
	struct page *pages;
	pfn_t base_pfn;
	uint64_t nr_pages;
	struct list_head free_list[MAX_ORDER + 1];	/* free block heads */
	uint64_t nr_free[MAX_ORDER + 1];	/* blocks on free_list[order] */
	uint64_t free_pages;	/* frames on all free lists */
	uint64_t managed_pages;	/* frames ever given to buddy_free_range() */
};

/* mm/buddy.c */
void buddy_init(struct buddy_zone *z, struct page *pages, pfn_t base_pfn,
		uint64_t nr_pages);
void buddy_free_range(struct buddy_zone *z, pfn_t start, uint64_t count);
struct page *buddy_alloc(struct buddy_zone *z, unsigned order);
void buddy_free(struct buddy_zone *z, struct page *head, unsigned order);
pfn_t buddy_page_to_pfn(const struct buddy_zone *z, const struct page *p);
struct page *buddy_pfn_to_page(const struct buddy_zone *z, pfn_t pfn);
bool buddy_check(const struct buddy_zone *z);
