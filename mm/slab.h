#pragma once
/*
 * Slab allocator core: caches of fixed-size objects carved from single
 * PAGE_SIZE-aligned pages.  Pure (kcore): pages come and go through
 * struct slab_page_ops, and the caller serialises all calls on a cache
 * (the kernel's kmalloc holds a per-cache lock).
 *
 * Every object lies strictly inside its page, after the slab header at the
 * page start, so a slab object is never page-aligned; kfree() relies on
 * that to tell slab objects from whole-page blocks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/list.h"

#define SLAB_MIN_ALIGN	8

/*
 * Where slab pages come from.  get_page() returns one PAGE_SIZE-aligned
 * page (contents undefined) or NULL; put_page() takes one back.
 */
struct slab_page_ops {
	void *(*get_page)(void *ctx);
	void (*put_page)(void *ctx, void *page);
	void *ctx;
};

/*
 * One cache.  [I] fixed by slab_cache_init()  [C] the caller's cache lock.
 * A slab is on exactly one of partial (some objects free), full (none
 * free) or empty (all free; at most one kept unless slab_shrink()).
 */
struct slab_cache {
	const char *name;		/* [I] for debugging only */
	size_t obj_size;		/* [I] as requested */
	size_t align;			/* [I] max(align, SLAB_MIN_ALIGN) */
	size_t stride;			/* [I] distance between objects */
	size_t first_offset;		/* [I] object 0, from the page start */
	unsigned objs_per_slab;		/* [I] */
	struct list_head partial;	/* [C] */
	struct list_head full;		/* [C] */
	struct list_head empty;		/* [C] */
	uint64_t nr_slabs;		/* [C] pages held, on any list */
	uint64_t nr_empty;		/* [C] slabs on the empty list */
	uint64_t nr_active_objs;	/* [C] objects handed out */
	const struct slab_page_ops *ops;	/* [I] */
};

/* mm/slab.c */
int slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size,
		    size_t align, const struct slab_page_ops *ops);
void *slab_alloc(struct slab_cache *c);
void slab_free(struct slab_cache *c, void *obj);
struct slab_cache *slab_owner(const void *obj);
void slab_shrink(struct slab_cache *c);
bool slab_check(const struct slab_cache *c);
