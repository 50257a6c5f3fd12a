/*
 * Host tests for the slab allocator core (mm/slab.c).  Slab pages come
 * from aligned_alloc(); the page source counts gets and puts, can be told
 * to fail, and hands out garbage-filled pages so nothing relies on zeroed
 * memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test/unit/test_rng.h"

#include "kernel/errno.h"
#include "mm/page.h"
#include "mm/slab.h"

struct page_src {
	unsigned gets, puts;
	int pages_left;		/* get_page fails at 0; -1: unlimited */
};

static void *host_get_page(void *ctx)
{
	struct page_src *src = ctx;
	void *p;

	if (src->pages_left == 0)
		return NULL;
	p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(p);
	memset(p, 0xcd, PAGE_SIZE);
	if (src->pages_left > 0)
		src->pages_left--;
	src->gets++;
	return p;
}

static void host_put_page(void *ctx, void *page)
{
	struct page_src *src = ctx;

	assert_int_equal((uintptr_t)page % PAGE_SIZE, 0);
	src->puts++;
	free(page);
}

struct fixture {
	struct page_src src;
	struct slab_page_ops ops;
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->src.pages_left = -1;
	f->ops.get_page = host_get_page;
	f->ops.put_page = host_put_page;
	f->ops.ctx = &f->src;
}

static void fill(void *obj, size_t size, uint8_t tag)
{
	memset(obj, tag, size);
}

static void assert_filled(const void *obj, size_t size, uint8_t tag)
{
	const uint8_t *b = obj;
	size_t i;

	for (i = 0; i < size; i++)
		assert_int_equal(b[i], tag);
}

static void slab_init_rejects_bad_arguments(void **state)
{
	struct fixture f;
	struct slab_cache c;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&c, "zero", 0, 8, &f.ops), -EINVAL);
	assert_int_equal(slab_cache_init(&c, "page", PAGE_SIZE, 8, &f.ops),
			 -EINVAL);
	assert_int_equal(slab_cache_init(&c, "nohdr", PAGE_SIZE - 8, 8, &f.ops),
			 -EINVAL);
	assert_int_equal(slab_cache_init(&c, "huge", (size_t)-1, 8, &f.ops),
			 -EINVAL);
	assert_int_equal(slab_cache_init(&c, "a3", 64, 3, &f.ops), -EINVAL);
	assert_int_equal(slab_cache_init(&c, "a24", 64, 24, &f.ops), -EINVAL);
	assert_int_equal(slab_cache_init(&c, "apage", 64, PAGE_SIZE, &f.ops),
			 -EINVAL);
	/* Fits alone, but not behind a 2048-aligned first object. */
	assert_int_equal(slab_cache_init(&c, "big", 3000, 8, &f.ops), 0);
	assert_int_equal(c.objs_per_slab, 1);
	assert_int_equal(slab_cache_init(&c, "bigal", 3000, 2048, &f.ops),
			 -EINVAL);
	assert_int_equal(f.src.gets, 0);
}

static void slab_init_aligns_to_at_least_8(void **state)
{
	struct fixture f;
	struct slab_cache c;
	size_t align;

	(void)state;
	fixture_init(&f);
	for (align = 0; align <= 8; align = align ? align * 2 : 1) {
		assert_int_equal(slab_cache_init(&c, "small", 12, align,
						 &f.ops), 0);
		assert_int_equal(c.align, 8);
		assert_int_equal(c.stride, 16);
	}
}

/*
 * Fill @c with 3 slabs and one object's worth, check each object and the
 * patterns, then free everything and shrink.
 */
static void exercise_cache(struct fixture *f, size_t size, size_t align)
{
	struct slab_cache c;
	unsigned n, i;
	void **objs;

	assert_int_equal(slab_cache_init(&c, "t", size, align, &f->ops), 0);
	n = 3 * c.objs_per_slab + 1;
	objs = calloc(n, sizeof(*objs));
	assert_non_null(objs);

	for (i = 0; i < n; i++) {
		uintptr_t a;

		objs[i] = slab_alloc(&c);
		assert_non_null(objs[i]);
		a = (uintptr_t)objs[i];
		assert_int_equal(a % c.align, 0);
		assert_int_equal(a % (align > 8 ? align : 8), 0);
		assert_int_not_equal(a % PAGE_SIZE, 0);
		/* The whole object lies inside its page. */
		assert_true(a % PAGE_SIZE + size <= PAGE_SIZE);
		assert_ptr_equal(slab_owner(objs[i]), &c);
		fill(objs[i], size, (uint8_t)(i * 7 + 1));
	}
	assert_int_equal(c.nr_slabs, 4);
	assert_int_equal(c.nr_active_objs, n);
	assert_true(slab_check(&c));
	for (i = 0; i < n; i++)
		assert_filled(objs[i], size, (uint8_t)(i * 7 + 1));

	for (i = 0; i < n; i++)
		slab_free(&c, objs[i]);
	assert_int_equal(c.nr_active_objs, 0);
	assert_true(slab_check(&c));
	slab_shrink(&c);
	assert_int_equal(c.nr_slabs, 0);
	assert_int_equal(f->src.gets, f->src.puts);
	assert_true(slab_check(&c));
	free(objs);
}

static void slab_sizes_8_to_2048_fill_without_overlap(void **state)
{
	struct fixture f;
	size_t size;

	(void)state;
	fixture_init(&f);
	for (size = 8; size <= 2048; size *= 2)
		exercise_cache(&f, size, 0);
	assert_true(f.src.gets >= 4 * 9);
}

static void slab_odd_sizes_fill_without_overlap(void **state)
{
	static const size_t sizes[] = { 24, 40, 100, 1, 13, 3000 };
	struct fixture f;
	size_t i;

	(void)state;
	fixture_init(&f);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		exercise_cache(&f, sizes[i], 0);
}

static void slab_alignment_is_honoured(void **state)
{
	static const size_t sizes[] = { 8, 24, 100, 1000 };
	struct fixture f;
	size_t align, i;

	(void)state;
	fixture_init(&f);
	for (align = 16; align <= 2048; align *= 2)
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			exercise_cache(&f, sizes[i], align);
}

static void slab_packs_objects_densely(void **state)
{
	static const size_t sizes[] = { 8, 16, 24, 40, 64, 100, 256, 1024 };
	struct fixture f;
	struct slab_cache c;
	size_t i;

	(void)state;
	fixture_init(&f);
	/* Header and bitmap waste at most ~100 bytes plus one stride. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(slab_cache_init(&c, "d", sizes[i], 0, &f.ops),
				 0);
		assert_true(c.objs_per_slab * c.stride + 128 + c.stride >
			    PAGE_SIZE);
	}
}

static void slab_keeps_at_most_one_empty_slab(void **state)
{
	struct fixture f;
	struct slab_cache c;
	void *objs[3 * 64];
	unsigned i, n;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&c, "k", 1024, 0, &f.ops), 0);
	n = 3 * c.objs_per_slab;
	assert_true(n <= 3 * 64);
	for (i = 0; i < n; i++)
		objs[i] = slab_alloc(&c);
	assert_int_equal(c.nr_slabs, 3);
	assert_int_equal(f.src.gets, 3);

	for (i = 0; i < n; i++)
		slab_free(&c, objs[i]);
	/* Before: 3 full slabs.  After: 1 empty slab cached, 2 returned. */
	assert_int_equal(c.nr_slabs, 1);
	assert_int_equal(c.nr_empty, 1);
	assert_int_equal(f.src.puts, 2);
	assert_true(slab_check(&c));

	/* The cached slab serves the next allocation without a new page. */
	objs[0] = slab_alloc(&c);
	assert_int_equal(f.src.gets, 3);
	slab_free(&c, objs[0]);

	slab_shrink(&c);
	assert_int_equal(c.nr_slabs, 0);
	assert_int_equal(f.src.puts, 3);
	assert_true(slab_check(&c));
}

static void slab_owner_finds_the_cache(void **state)
{
	struct fixture f;
	struct slab_cache a, b;
	void *x, *y;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&a, "a", 32, 0, &f.ops), 0);
	assert_int_equal(slab_cache_init(&b, "b", 32, 0, &f.ops), 0);
	x = slab_alloc(&a);
	y = slab_alloc(&b);
	assert_ptr_equal(slab_owner(x), &a);
	assert_ptr_equal(slab_owner(y), &b);
	/* Any byte inside the object leads to the same header. */
	assert_ptr_equal(slab_owner((char *)x + 31), &a);
	slab_free(&a, x);
	slab_free(&b, y);
	slab_shrink(&a);
	slab_shrink(&b);
	assert_int_equal(f.src.gets, f.src.puts);
}

static void slab_owner_asserts_on_foreign_page(void **state)
{
	char *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	(void)state;
	assert_non_null(page);
	memset(page, 0, PAGE_SIZE);
	expect_assert_failure(slab_owner(page + 64));
	/* A page-aligned address is never a slab object. */
	expect_assert_failure(slab_owner(page));
	free(page);
}

static void slab_double_free_asserts(void **state)
{
	struct fixture f;
	struct slab_cache c;
	void *a, *b;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&c, "df", 64, 0, &f.ops), 0);
	a = slab_alloc(&c);
	b = slab_alloc(&c);

	slab_free(&c, a);
	expect_assert_failure(slab_free(&c, a));
	assert_true(slab_check(&c));

	/* Also once the slab is entirely free and sitting on the empty list. */
	slab_free(&c, b);
	expect_assert_failure(slab_free(&c, b));
	expect_assert_failure(slab_free(&c, a));
	assert_int_equal(c.nr_active_objs, 0);
	assert_true(slab_check(&c));
	slab_shrink(&c);
	assert_int_equal(f.src.gets, f.src.puts);
}

static void slab_free_of_bad_pointer_asserts(void **state)
{
	struct fixture f;
	struct slab_cache c, other;
	char *a, *b;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&c, "c", 24, 0, &f.ops), 0);
	assert_int_equal(slab_cache_init(&other, "o", 24, 0, &f.ops), 0);
	a = slab_alloc(&c);
	b = slab_alloc(&c);
	assert_non_null(a);
	assert_non_null(b);

	expect_assert_failure(slab_free(&other, a));	/* wrong cache */
	expect_assert_failure(slab_free(&c, a + 8));	/* inside an object */
	/* A slot that exists but was never handed out. */
	expect_assert_failure(slab_free(&c, b + 2 * c.stride));
	/* The header area in front of the first object. */
	expect_assert_failure(slab_free(&c, a - c.first_offset + 8));
	assert_int_equal(c.nr_active_objs, 2);
	assert_true(slab_check(&c));

	slab_free(&c, a);
	slab_free(&c, b);
	slab_shrink(&c);
	assert_int_equal(f.src.gets, f.src.puts);
}

static void slab_alloc_asserts_on_corrupted_free_list(void **state)
{
	struct fixture f;
	struct slab_cache c;
	void *a, *b;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&c, "uaf", 32, 0, &f.ops), 0);
	a = slab_alloc(&c);
	b = slab_alloc(&c);
	slab_free(&c, a);
	/* A use-after-free write makes a's link point at live object b. */
	*(void **)a = b;
	assert_false(slab_check(&c));
	assert_ptr_equal(slab_alloc(&c), a);
	expect_assert_failure(slab_alloc(&c));
	/* The cache is beyond repair: drop its only page by hand. */
	assert_int_equal(c.nr_slabs, 1);
	free((void *)((uintptr_t)a & ~(uintptr_t)(PAGE_SIZE - 1)));
}

static void slab_get_page_failure_returns_null(void **state)
{
	struct fixture f;
	struct slab_cache c;
	void *objs[2 * 128 + 1];
	unsigned i, n;

	(void)state;
	fixture_init(&f);
	f.src.pages_left = 2;
	assert_int_equal(slab_cache_init(&c, "f", 32, 0, &f.ops), 0);
	assert_true(c.objs_per_slab <= 128);
	n = 2 * c.objs_per_slab;
	for (i = 0; i < n; i++) {
		objs[i] = slab_alloc(&c);
		assert_non_null(objs[i]);
	}
	assert_null(slab_alloc(&c));
	assert_null(slab_alloc(&c));
	assert_int_equal(c.nr_slabs, 2);
	assert_int_equal(c.nr_active_objs, n);
	assert_true(slab_check(&c));

	/* A freed slot is reused without asking for a page. */
	slab_free(&c, objs[3]);
	objs[3] = slab_alloc(&c);
	assert_non_null(objs[3]);
	assert_int_equal(f.src.gets, 2);

	for (i = 0; i < n; i++)
		slab_free(&c, objs[i]);
	slab_shrink(&c);
	assert_int_equal(f.src.gets, f.src.puts);
	assert_true(slab_check(&c));
}

static void slab_check_detects_corruption(void **state)
{
	struct fixture f;
	struct slab_cache c;
	void *a, *b;

	(void)state;
	fixture_init(&f);
	assert_int_equal(slab_cache_init(&c, "chk", 64, 0, &f.ops), 0);
	a = slab_alloc(&c);
	b = slab_alloc(&c);
	assert_true(slab_check(&c));

	c.nr_active_objs++;
	assert_false(slab_check(&c));
	c.nr_active_objs--;

	c.nr_slabs++;
	assert_false(slab_check(&c));
	c.nr_slabs--;

	/* A free list that loops back on itself. */
	slab_free(&c, a);
	*(void **)a = a;
	assert_false(slab_check(&c));
	*(void **)a = NULL;
	assert_true(slab_check(&c));

	slab_free(&c, b);
	slab_shrink(&c);
	assert_true(slab_check(&c));
}

static void slab_random_stress_keeps_objects_intact(void **state)
{
	enum { NCACHES = 4, MAX_LIVE = 3000, STEPS = 30000 };
	static const size_t sizes[NCACHES] = { 24, 100, 512, 8 };
	static const size_t aligns[NCACHES] = { 0, 32, 0, 0 };
	struct live {
		void *obj;
		unsigned cache;
		uint8_t tag;
	} *live = calloc(MAX_LIVE, sizeof(*live));
	struct fixture f;
	struct slab_cache c[NCACHES];
	unsigned nlive = 0, step, k, nnull = 0, nalloc = 0;

	(void)state;
	assert_non_null(live);
	fixture_init(&f);
	for (k = 0; k < NCACHES; k++)
		assert_int_equal(slab_cache_init(&c[k], "s", sizes[k],
						 aligns[k], &f.ops), 0);
	rng_seed(0x2545f4914f6cdd1dull);

	for (step = 0; step < STEPS; step++) {
		unsigned r = rng() % 100;

		/* Now and then let the page source run dry for a step. */
		f.src.pages_left = r < 3 ? 0 : -1;
		k = rng() % NCACHES;
		if (nlive < MAX_LIVE && (nlive == 0 || r < 52)) {
			void *obj = slab_alloc(&c[k]);

			if (!obj) {
				assert_int_equal(f.src.pages_left, 0);
				nnull++;
			} else {
				assert_int_equal((uintptr_t)obj % c[k].align,
						 0);
				assert_ptr_equal(slab_owner(obj), &c[k]);
				live[nlive].obj = obj;
				live[nlive].cache = k;
				live[nlive].tag = (uint8_t)rng();
				fill(obj, sizes[k], live[nlive].tag);
				nlive++;
				nalloc++;
			}
		} else {
			unsigned j = rng() % nlive;

			k = live[j].cache;
			assert_filled(live[j].obj, sizes[k], live[j].tag);
			slab_free(&c[k], live[j].obj);
			live[j] = live[--nlive];
		}
		if (r == 99)
			slab_shrink(&c[k]);
		assert_true(slab_check(&c[k]));
	}
	assert_true(nalloc > 10000);
	assert_true(nnull > 0);

	f.src.pages_left = -1;
	while (nlive) {
		nlive--;
		k = live[nlive].cache;
		assert_filled(live[nlive].obj, sizes[k], live[nlive].tag);
		slab_free(&c[k], live[nlive].obj);
	}
	for (k = 0; k < NCACHES; k++) {
		assert_int_equal(c[k].nr_active_objs, 0);
		assert_true(slab_check(&c[k]));
		slab_shrink(&c[k]);
		assert_int_equal(c[k].nr_slabs, 0);
	}
	assert_int_equal(f.src.gets, f.src.puts);
	free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slab_init_rejects_bad_arguments),
		cmocka_unit_test(slab_init_aligns_to_at_least_8),
		cmocka_unit_test(slab_sizes_8_to_2048_fill_without_overlap),
		cmocka_unit_test(slab_odd_sizes_fill_without_overlap),
		cmocka_unit_test(slab_alignment_is_honoured),
		cmocka_unit_test(slab_packs_objects_densely),
		cmocka_unit_test(slab_keeps_at_most_one_empty_slab),
		cmocka_unit_test(slab_owner_finds_the_cache),
		cmocka_unit_test(slab_owner_asserts_on_foreign_page),
		cmocka_unit_test(slab_double_free_asserts),
		cmocka_unit_test(slab_free_of_bad_pointer_asserts),
		cmocka_unit_test(slab_alloc_asserts_on_corrupted_free_list),
		cmocka_unit_test(slab_get_page_failure_returns_null),
		cmocka_unit_test(slab_check_detects_corruption),
		cmocka_unit_test(slab_random_stress_keeps_objects_intact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
