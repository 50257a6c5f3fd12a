#pragma once
/*
 * struct page: one per physical frame, in a flat array indexed by
 * (pfn - base_pfn).  Kept small (32 bytes) because there are millions.
 * Pure: shared by the buddy allocator (mm/buddy.c), slab and kernel code.
 */
#include <stdint.h>
#include "kernel/lib/list.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define MAX_ORDER	10	/* largest block: 2^10 pages = 4 MiB */

typedef uint64_t pfn_t;

enum page_flags {
	PG_RESERVED = 1u << 0,	/* not managed by the allocator */
	PG_BUDDY = 1u << 1,	/* head of a free block, on a free list */
	PG_HEAD = 1u << 2,	/* head of an allocated block of order */
	PG_SLAB = 1u << 3,	/* owned by a slab cache */
	PG_KMALLOC_LARGE = 1u << 4,	/* kmalloc() block larger than a slab */
};

struct page {
	struct list_head list;	/* free list link (buddy) or owner's list */
	uint32_t flags;		/* enum page_flags */
	uint8_t order;		/* order of the block this page heads */
	uint8_t pad[3];
	uint32_t refcount;
	uint32_t private;	/* owner's use */
};
_Static_assert(sizeof(struct page) == 32, "struct page must stay 32 bytes");
