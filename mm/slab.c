/*
 * Slab allocator core: fixed-size objects carved from one-page slabs.
 *
 * A slab is a single PAGE_SIZE-aligned page obtained through the cache's
 * slab_page_ops.  It starts with a struct slab header followed by an
 * allocation bitmap (one bit per object), then the objects at
 * first_offset + i * stride.  Because the header comes first, no object
 * starts on a page boundary, and the owner of any object is found by
 * masking its address down to the page and reading the header.
 *
 * Objects are handed out in two ways: first from the slab's free list,
 * threaded through the first word of freed objects, then by carving the
 * next never-used object (s->carved counts those), so a new slab costs a
 * header write rather than a walk over every object.  The bitmap makes a
 * double free, or a free of a pointer never handed out, an O(1) KASSERT.
 *
 * Each slab sits on one of three cache lists: partial (some free), full
 * (none free), empty (all free).  slab_alloc() prefers partial slabs, then
 * the empty one, then asks for a page.  slab_free() keeps at most one
 * empty slab and gives any other back at once; slab_shrink() gives back
 * all of them.
 *
 * Interface: slab_cache_init(), slab_alloc(), slab_free(), slab_owner(),
 * slab_shrink(), slab_check().
 *
 * Locking: none here.  The caller serialises every call on one cache and
 * must make the page callbacks safe to call under its lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/list.h"
#include "kernel/lib/string.h"
#include "mm/page.h"
#include "mm/slab.h"

#define SLAB_MAGIC	0x51ab0b1eu

struct slab {
	uint32_t magic;		/* SLAB_MAGIC while owned by a cache */
	uint16_t inuse;		/* objects handed out */
	uint16_t carved;	/* objects [0, carved) have ever been used */
	struct slab_cache *cache;
	struct list_head link;	/* on cache->partial, full or empty */
	void *freelist;		/* freed objects, linked by first word */
	uint64_t map[];		/* bit i: object i is allocated */
};

_Static_assert(PAGE_SIZE / SLAB_MIN_ALIGN <= UINT16_MAX,
	       "object counts must fit struct slab's uint16_t fields");

static size_t slab_header_size(unsigned nr_objs)
{
	return offsetof(struct slab, map) +
	       (nr_objs + 63) / 64 * sizeof(uint64_t);
}

static struct slab *slab_of(const void *obj)
{
	return (struct slab *)ALIGN_DOWN((uintptr_t)obj, PAGE_SIZE);
}

static void *slab_obj(const struct slab_cache *c, const struct slab *s,
		      unsigned idx)
{
	return (char *)s + c->first_offset + (size_t)idx * c->stride;
}

/*
 * Index of @obj in @s, or -1 if it is not at an object boundary of a slot
 * that has ever been handed out.
 */
static long slab_obj_index(const struct slab_cache *c, const struct slab *s,
			   const void *obj)
{
	uintptr_t off = (uintptr_t)obj - (uintptr_t)s;

	if (off < c->first_offset)
		return -1;
	off -= c->first_offset;
	if (off % c->stride || off / c->stride >= s->carved)
		return -1;
	return (long)(off / c->stride);
}

static bool map_test(const struct slab *s, unsigned idx)
{
	return s->map[idx / 64] & ((uint64_t)1 << (idx % 64));
}

static void map_set(struct slab *s, unsigned idx)
{
	s->map[idx / 64] |= (uint64_t)1 << (idx % 64);
}

static void map_clear(struct slab *s, unsigned idx)
{
	s->map[idx / 64] &= ~((uint64_t)1 << (idx % 64));
}

/*
 * Lay out a slab for objects of @obj_size at @align: the largest object
 * count whose header, bitmap and objects fit in one page.
 */
static int slab_layout(struct slab_cache *c, size_t obj_size, size_t align)
{
	size_t stride, first;
	unsigned n;

	if (obj_size == 0 || obj_size >= PAGE_SIZE || align >= PAGE_SIZE)
		return -EINVAL;
	stride = ALIGN_UP(obj_size, align);
	for (n = PAGE_SIZE / stride; n > 0; n--) {
		first = ALIGN_UP(slab_header_size(n), align);
		if (first + (size_t)(n - 1) * stride + obj_size <= PAGE_SIZE)
			break;
	}
	if (n == 0)
		return -EINVAL;
	c->stride = stride;
	c->first_offset = first;
	c->objs_per_slab = n;
	return 0;
}

/*
 * Set up @c for objects of @obj_size bytes aligned to @align (a power of
 * two; 0 means the minimum, SLAB_MIN_ALIGN).  @name and @ops must outlive
 * the cache.  Returns 0, or -EINVAL if the alignment is not a power of two
 * or not even one object fits in a page beside the slab header.
 */
int slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size,
		    size_t align, const struct slab_page_ops *ops)
{
	int err;

	KASSERT(ops && ops->get_page && ops->put_page);
	if (align == 0)
		align = SLAB_MIN_ALIGN;
	if (align & (align - 1))
		return -EINVAL;
	align = MAX(align, (size_t)SLAB_MIN_ALIGN);
	err = slab_layout(c, obj_size, align);
	if (err)
		return err;

	c->name = name;
	c->obj_size = obj_size;
	c->align = align;
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
	c->nr_slabs = 0;
	c->nr_empty = 0;
	c->nr_active_objs = 0;
	c->ops = ops;
	return 0;
}

/* A fresh slab with no object used, on no list; NULL if no page. */
static struct slab *slab_new(struct slab_cache *c)
{
	struct slab *s = c->ops->get_page(c->ops->ctx);

	if (!s)
		return NULL;
	KASSERT(((uintptr_t)s & (PAGE_SIZE - 1)) == 0);
	memset(s, 0, slab_header_size(c->objs_per_slab));
	s->magic = SLAB_MAGIC;
	s->cache = c;
	list_init(&s->link);
	c->nr_slabs++;
	return s;
}

/* Unlink @s (all objects free) and give its page back. */
static void slab_release(struct slab_cache *c, struct slab *s)
{
	KASSERT(s->inuse == 0);
	list_del(&s->link);
	s->magic = 0;	/* a stale slab_owner() on this page now asserts */
	c->nr_slabs--;
	c->ops->put_page(c->ops->ctx, s);
}

/* Take one free object out of @s, which has one. */
static void *slab_take(struct slab_cache *c, struct slab *s)
{
	void *obj;
	long idx;

	if (s->freelist) {
		obj = s->freelist;
		idx = slab_obj_index(c, s, obj);
		/* A use-after-free write into the link lands here. */
		KASSERT(idx >= 0 && !map_test(s, (unsigned)idx));
		s->freelist = *(void **)obj;
	} else {
		KASSERT(s->carved < c->objs_per_slab);
		idx = s->carved++;
		obj = slab_obj(c, s, (unsigned)idx);
	}
	map_set(s, (unsigned)idx);
	s->inuse++;
	return obj;
}

/*
 * Allocate one object from @c.  Returns it (contents undefined), or NULL
 * if a new slab was needed and get_page() had none.  Caller holds the
 * cache lock.
 */
void *slab_alloc(struct slab_cache *c)
{
	struct slab *s;
	void *obj;

	if (!list_empty(&c->partial)) {
		s = list_first_entry(&c->partial, struct slab, link);
	} else if (!list_empty(&c->empty)) {
		s = list_first_entry(&c->empty, struct slab, link);
		c->nr_empty--;
	} else {
		s = slab_new(c);
		if (!s)
			return NULL;
	}

	obj = slab_take(c, s);
	list_del(&s->link);
	list_add(&s->link,
		 s->inuse == c->objs_per_slab ? &c->full : &c->partial);
	c->nr_active_objs++;
	return obj;
}

/*
 * Give @obj back to @c.  Asserts that @obj was handed out by @c and is not
 * free already.  May return a page through put_page() when a second slab
 * becomes empty.  Caller holds the cache lock.
 */
void slab_free(struct slab_cache *c, void *obj)
{
	struct slab *s;
	long idx;

	KASSERT(slab_owner(obj) == c);
	s = slab_of(obj);
	idx = slab_obj_index(c, s, obj);
	KASSERT(idx >= 0);
	KASSERT(map_test(s, (unsigned)idx));

	map_clear(s, (unsigned)idx);
	*(void **)obj = s->freelist;
	s->freelist = obj;
	s->inuse--;
	c->nr_active_objs--;

	list_del(&s->link);
	if (s->inuse > 0) {
		list_add(&s->link, &c->partial);
		return;
	}
	list_add(&s->link, &c->empty);
	if (++c->nr_empty > 1) {
		/* Keep the slab just emptied; it is the warmer one. */
		slab_release(c, list_entry(c->empty.prev, struct slab, link));
		c->nr_empty--;
	}
}

/*
 * The cache that owns slab object @obj, read from the header of its page.
 * Asserts that @obj lies in a live slab.  Needs no lock: the header's
 * cache pointer does not change while the object is allocated.
 */
struct slab_cache *slab_owner(const void *obj)
{
	const struct slab *s = slab_of(obj);

	KASSERT(obj && ((uintptr_t)obj & (PAGE_SIZE - 1)) != 0);
	KASSERT(s->magic == SLAB_MAGIC);
	return s->cache;
}

/* Give every empty slab of @c back through put_page().  Cache lock held. */
void slab_shrink(struct slab_cache *c)
{
	while (!list_empty(&c->empty))
		slab_release(c, list_first_entry(&c->empty, struct slab, link));
	c->nr_empty = 0;
}

static unsigned popcount64(uint64_t x)
{
	unsigned n = 0;

	/* No __builtin_popcount: it may call libgcc, which the kernel lacks. */
	for (; x; x &= x - 1)
		n++;
	return n;
}

/* One slab's header, bitmap and free list agree with each other. */
static bool slab_check_one(const struct slab_cache *c, const struct slab *s)
{
	unsigned words = (c->objs_per_slab + 63) / 64;
	unsigned i, set = 0, nfree = 0;
	const void *obj;

	if (s->magic != SLAB_MAGIC || s->cache != c)
		return false;
	if (s->inuse > s->carved || s->carved > c->objs_per_slab)
		return false;
	for (i = 0; i < words; i++)
		set += popcount64(s->map[i]);
	for (i = s->carved; i < words * 64; i++)
		if (map_test(s, i))
			return false;
	if (set != s->inuse)
		return false;

	for (obj = s->freelist; obj; obj = *(void *const *)obj) {
		long idx;

		if (slab_of(obj) != s || nfree++ >= s->carved)
			return false;	/* foreign pointer or a cycle */
		idx = slab_obj_index(c, s, obj);
		if (idx < 0 || map_test(s, (unsigned)idx))
			return false;
	}
	return nfree == (unsigned)(s->carved - s->inuse);
}

/*
 * Check every slab on @list: sound, and holding between @min_inuse and
 * @max_inuse objects.  Adds to the slab and object counts.
 */
static bool slab_check_list(const struct slab_cache *c,
			    const struct list_head *list, unsigned min_inuse,
			    unsigned max_inuse, uint64_t *slabs,
			    uint64_t *objs)
{
	const struct list_head *pos;
	uint64_t n = 0;

	for (pos = list->next; pos != list; pos = pos->next) {
		const struct slab *s = list_entry(pos, struct slab, link);

		if (pos->next->prev != pos || n++ >= c->nr_slabs)
			return false;
		if (!slab_check_one(c, s))
			return false;
		if (s->inuse < min_inuse || s->inuse > max_inuse)
			return false;
		*objs += s->inuse;
	}
	*slabs += n;
	return true;
}

/*
 * Walk every slab of @c; true if all is consistent: each slab is on the
 * list its fill level says, bitmaps match the in-use counts, free lists
 * hold only free object slots, and the cache counters add up.  Tests and
 * debugging.  Caller holds the cache lock.
 */
bool slab_check(const struct slab_cache *c)
{
	unsigned n = c->objs_per_slab;
	uint64_t slabs = 0, objs = 0, empties = 0;

	if (n == 0 || c->first_offset == 0 ||
	    c->first_offset + (size_t)(n - 1) * c->stride + c->obj_size >
		    PAGE_SIZE)
		return false;
	if (!slab_check_list(c, &c->empty, 0, 0, &empties, &objs))
		return false;
	if (!slab_check_list(c, &c->partial, 1, n - 1, &slabs, &objs) ||
	    !slab_check_list(c, &c->full, n, n, &slabs, &objs))
		return false;
	return empties == c->nr_empty && empties <= 1 &&
	       slabs + empties == c->nr_slabs && objs == c->nr_active_objs;
}
