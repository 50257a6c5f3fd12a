/*
 * Host tests for the buddy allocator core (mm/buddy.c).  Each test builds
 * a zone over a malloc'd struct page array sized exactly to the zone, so
 * AddressSanitizer catches any look at a buddy outside the zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test/unit/test_rng.h"

#include "mm/buddy.h"

#define NPAGES(order) ((uint64_t)1 << (order))

struct zone_fixture {
	struct buddy_zone z;
	struct page *pages;
};

static struct zone_fixture *zone_new(pfn_t base, uint64_t nr)
{
	struct zone_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->pages = malloc((nr ? nr : 1) * sizeof(struct page));
	assert_non_null(f->pages);
	/* Garbage first: buddy_init() must clear the array itself. */
	memset(f->pages, 0xa5, (nr ? nr : 1) * sizeof(struct page));
	buddy_init(&f->z, f->pages, base, nr);
	return f;
}

static void zone_delete(struct zone_fixture *f)
{
	free(f->pages);
	free(f);
}

static pfn_t pfn_of(struct zone_fixture *f, struct page *p)
{
	return buddy_page_to_pfn(&f->z, p);
}

static void buddy_init_marks_every_page_reserved(void **state)
{
	struct zone_fixture *f = zone_new(100, 300);
	uint64_t i;

	(void)state;
	for (i = 0; i < 300; i++) {
		assert_int_equal(f->pages[i].flags, PG_RESERVED);
		assert_int_equal(f->pages[i].refcount, 0);
		assert_int_equal(f->pages[i].order, 0);
	}
	assert_int_equal(f->z.free_pages, 0);
	assert_int_equal(f->z.managed_pages, 0);
	assert_null(buddy_alloc(&f->z, 0));
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_alloc_and_free_every_order(void **state)
{
	struct zone_fixture *f = zone_new(0, 4 * NPAGES(MAX_ORDER));
	unsigned order;

	(void)state;
	buddy_free_range(&f->z, 0, 4 * NPAGES(MAX_ORDER));
	for (order = 0; order <= MAX_ORDER; order++) {
		uint64_t before = f->z.free_pages;
		struct page *p = buddy_alloc(&f->z, order);

		assert_non_null(p);
		assert_int_equal(p->flags, PG_HEAD);
		assert_int_equal(p->order, order);
		assert_int_equal(p->refcount, 1);
		assert_int_equal(pfn_of(f, p) % NPAGES(order), 0);
		assert_int_equal(f->z.free_pages, before - NPAGES(order));
		assert_true(buddy_check(&f->z));

		buddy_free(&f->z, p, order);
		assert_int_equal(f->z.free_pages, before);
		assert_int_equal(p->refcount, 0);
		assert_true(buddy_check(&f->z));
	}
	assert_int_equal(f->z.nr_free[MAX_ORDER], 4);
	zone_delete(f);
}

static void buddy_alloc_splits_and_free_merges_back(void **state)
{
	struct zone_fixture *f = zone_new(0, NPAGES(MAX_ORDER));
	struct page *p;
	unsigned order;

	(void)state;
	buddy_free_range(&f->z, 0, NPAGES(MAX_ORDER));
	assert_int_equal(f->z.nr_free[MAX_ORDER], 1);

	/* Before: one order-10 block.  After alloc(0): one block of each
	 * order 0..9, the halves split off on the way down. */
	p = buddy_alloc(&f->z, 0);
	assert_non_null(p);
	assert_int_equal(pfn_of(f, p), 0);
	for (order = 0; order < MAX_ORDER; order++) {
		assert_int_equal(f->z.nr_free[order], 1);
		assert_non_null(buddy_pfn_to_page(&f->z, NPAGES(order)));
		assert_int_equal(buddy_pfn_to_page(&f->z, NPAGES(order))->flags,
				 PG_BUDDY);
		assert_int_equal(buddy_pfn_to_page(&f->z, NPAGES(order))->order,
				 order);
	}
	assert_int_equal(f->z.nr_free[MAX_ORDER], 0);
	assert_true(buddy_check(&f->z));

	/* Freeing it merges all the way back to the single order-10 block. */
	buddy_free(&f->z, p, 0);
	for (order = 0; order < MAX_ORDER; order++)
		assert_int_equal(f->z.nr_free[order], 0);
	assert_int_equal(f->z.nr_free[MAX_ORDER], 1);
	assert_int_equal(f->pages[0].flags, PG_BUDDY);
	assert_int_equal(f->pages[0].order, MAX_ORDER);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_single_pages_freed_in_random_order_merge_fully(void **state)
{
	uint64_t n = 2 * NPAGES(MAX_ORDER);
	struct zone_fixture *f = zone_new(0, n);
	struct page **live = calloc(n, sizeof(*live));
	uint64_t i;

	(void)state;
	assert_non_null(live);
	buddy_free_range(&f->z, 0, n);
	for (i = 0; i < n; i++) {
		live[i] = buddy_alloc(&f->z, 0);
		assert_non_null(live[i]);
	}
	assert_int_equal(f->z.free_pages, 0);
	rng_seed(0x1234567);
	for (i = n - 1; i > 0; i--) {
		uint64_t j = rng() % (i + 1);
		struct page *t = live[i];

		live[i] = live[j];
		live[j] = t;
	}
	for (i = 0; i < n; i++)
		buddy_free(&f->z, live[i], 0);
	assert_int_equal(f->z.nr_free[MAX_ORDER], 2);
	assert_int_equal(f->z.free_pages, n);
	assert_true(buddy_check(&f->z));
	free(live);
	zone_delete(f);
}

static void buddy_exhausted_zone_returns_null(void **state)
{
	uint64_t n = NPAGES(MAX_ORDER);
	struct zone_fixture *f = zone_new(0, n);
	struct page **live = calloc(n, sizeof(*live));
	uint64_t i;

	(void)state;
	assert_non_null(live);
	buddy_free_range(&f->z, 0, n);
	for (i = 0; i < n; i++) {
		live[i] = buddy_alloc(&f->z, 0);
		assert_non_null(live[i]);
	}
	assert_null(buddy_alloc(&f->z, 0));
	assert_null(buddy_alloc(&f->z, MAX_ORDER));
	assert_true(buddy_check(&f->z));

	/* One page back: order 0 works again, order 1 still cannot. */
	buddy_free(&f->z, live[5], 0);
	assert_null(buddy_alloc(&f->z, 1));
	live[5] = buddy_alloc(&f->z, 0);
	assert_ptr_equal(live[5], &f->pages[5]);
	assert_null(buddy_alloc(&f->z, 0));

	for (i = 0; i < n; i++)
		buddy_free(&f->z, live[i], 0);
	assert_int_equal(f->z.nr_free[MAX_ORDER], 1);
	free(live);
	zone_delete(f);
}

static void buddy_alloc_above_max_order_returns_null(void **state)
{
	struct zone_fixture *f = zone_new(0, 4 * NPAGES(MAX_ORDER));

	(void)state;
	buddy_free_range(&f->z, 0, 4 * NPAGES(MAX_ORDER));
	assert_null(buddy_alloc(&f->z, MAX_ORDER + 1));
	assert_null(buddy_alloc(&f->z, 64));
	assert_int_equal(f->z.free_pages, 4 * NPAGES(MAX_ORDER));
	zone_delete(f);
}

static void buddy_hole_in_range_is_never_handed_out(void **state)
{
	uint64_t n = 4096, got = 0;
	struct zone_fixture *f = zone_new(0, n);
	struct page *p;
	uint64_t i;

	(void)state;
	buddy_free_range(&f->z, 0, 1000);
	buddy_free_range(&f->z, 1100, n - 1100);
	assert_int_equal(f->z.free_pages, n - 100);
	assert_int_equal(f->z.managed_pages, n - 100);
	assert_true(buddy_check(&f->z));

	while ((p = buddy_alloc(&f->z, 0)) != NULL) {
		pfn_t pfn = pfn_of(f, p);

		assert_false(pfn >= 1000 && pfn < 1100);
		got++;
	}
	assert_int_equal(got, n - 100);
	for (i = 1000; i < 1100; i++)
		assert_int_equal(f->pages[i].flags, PG_RESERVED);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_large_blocks_skip_hole(void **state)
{
	uint64_t n = 4 * NPAGES(MAX_ORDER);
	struct zone_fixture *f = zone_new(0, n);
	struct page *p;

	(void)state;
	/* Reserve one frame in the second max block. */
	buddy_free_range(&f->z, 0, 1500);
	buddy_free_range(&f->z, 1501, n - 1501);
	assert_int_equal(f->z.nr_free[MAX_ORDER], 3);
	while ((p = buddy_alloc(&f->z, MAX_ORDER)) != NULL)
		assert_int_not_equal(pfn_of(f, p) / NPAGES(MAX_ORDER), 1);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_unaligned_base_aligns_blocks_by_pfn(void **state)
{
	pfn_t base = 1000003;	/* odd, far from any 1024 boundary */
	uint64_t n = 5000, got = 0;
	struct zone_fixture *f = zone_new(base, n);
	struct page *p;
	unsigned order;

	(void)state;
	buddy_free_range(&f->z, base, n);
	assert_int_equal(f->z.free_pages, n);
	assert_true(buddy_check(&f->z));

	for (order = 0; order <= MAX_ORDER; order++) {
		struct list_head *pos;

		list_for_each(pos, &f->z.free_list[order]) {
			p = list_entry(pos, struct page, list);
			assert_int_equal(pfn_of(f, p) % NPAGES(order), 0);
		}
	}

	p = buddy_alloc(&f->z, MAX_ORDER);
	assert_non_null(p);
	assert_int_equal(pfn_of(f, p) % NPAGES(MAX_ORDER), 0);
	assert_true(pfn_of(f, p) >= base);
	assert_true(pfn_of(f, p) + NPAGES(MAX_ORDER) <= base + n);
	buddy_free(&f->z, p, MAX_ORDER);

	/* Every frame, including the ragged edges, comes out exactly once. */
	while ((p = buddy_alloc(&f->z, 0)) != NULL) {
		assert_true(pfn_of(f, p) >= base && pfn_of(f, p) < base + n);
		got++;
	}
	assert_int_equal(got, n);
	zone_delete(f);
}

static void buddy_adjacent_ranges_merge(void **state)
{
	uint64_t n = NPAGES(MAX_ORDER);
	struct zone_fixture *f = zone_new(0, n);
	unsigned order;

	(void)state;
	buddy_free_range(&f->z, 0, 5);
	buddy_free_range(&f->z, 700, n - 700);
	buddy_free_range(&f->z, 5, 695);
	for (order = 0; order < MAX_ORDER; order++)
		assert_int_equal(f->z.nr_free[order], 0);
	assert_int_equal(f->z.nr_free[MAX_ORDER], 1);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

/*
 * 2M frames (8 GiB) handed over in one call, starting 3 frames past an
 * aligned boundary: the range must go in as maximal aligned blocks (a few
 * small ones climbing to the first 4 MiB boundary, then only top-order
 * blocks, then a few small ones at the end), not page by page.  The block
 * counts prove the shape; no timing is measured.
 */
static void buddy_free_range_of_2m_pages_inserts_maximal_blocks(void **state)
{
	uint64_t n = 2 * 1024 * 1024;
	uint64_t start = 3, count = n - 8;	/* [3, n - 5) */
	struct zone_fixture *f = zone_new(0, n);
	uint64_t blocks = 0;
	unsigned order;

	(void)state;
	buddy_free_range(&f->z, start, count);
	for (order = 0; order <= MAX_ORDER; order++)
		blocks += f->z.nr_free[order];
	/* Head [3, 1024): 1021 frames = orders 0, 2..9 = 9 blocks.
	 * Tail [n - 1024, n - 5): 1019 frames = orders 9..3, 1, 0 = 9. */
	assert_int_equal(f->z.nr_free[MAX_ORDER], n / NPAGES(MAX_ORDER) - 2);
	assert_int_equal(blocks, (n / NPAGES(MAX_ORDER) - 2) + 9 + 9);
	assert_int_equal(f->z.free_pages, count);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_random_stress_keeps_invariants(void **state)
{
	enum { MAX_LIVE = 512, STEPS = 6000 };
	pfn_t base = 777;
	uint64_t n = 6000, hole_lo = 2000, hole_hi = 2100;
	struct zone_fixture *f = zone_new(base, n);
	struct page *live[MAX_LIVE];
	unsigned live_order[MAX_LIVE];
	uint64_t initial_free, initial_nr_free[MAX_ORDER + 1];
	uint64_t live_pages = 0;
	uint8_t *used = calloc(n, 1);
	unsigned nlive = 0, step, order, nalloc = 0, nnull = 0;
	uint64_t i;

	(void)state;
	assert_non_null(used);
	buddy_free_range(&f->z, base, hole_lo);
	buddy_free_range(&f->z, base + hole_hi, n - hole_hi);
	initial_free = f->z.free_pages;
	memcpy(initial_nr_free, f->z.nr_free, sizeof(initial_nr_free));
	rng_seed(0x9e3779b97f4a7c15ull);

	for (step = 0; step < STEPS; step++) {
		bool do_alloc = nlive == 0 ||
				(nlive < MAX_LIVE && rng() % 100 < 55);

		if (do_alloc) {
			struct page *p;
			uint64_t idx;

			/* Mostly small orders, now and then any order. */
			if (rng() % 4 == 0)
				order = rng() % (MAX_ORDER + 1);
			else
				order = rng() % 4;
			p = buddy_alloc(&f->z, order);
			if (!p) {
				unsigned k;

				/* NULL only when no block is big enough. */
				for (k = order; k <= MAX_ORDER; k++)
					assert_int_equal(f->z.nr_free[k], 0);
				nnull++;
				goto check;
			}
			assert_int_equal(p->flags, PG_HEAD);
			assert_int_equal(pfn_of(f, p) % NPAGES(order), 0);
			idx = pfn_of(f, p) - base;
			assert_true(idx + NPAGES(order) <= n);
			for (i = idx; i < idx + NPAGES(order); i++) {
				assert_int_equal(used[i], 0);
				assert_false(i >= hole_lo && i < hole_hi);
				used[i] = 1;
			}
			live[nlive] = p;
			live_order[nlive++] = order;
			live_pages += NPAGES(order);
			nalloc++;
		} else {
			unsigned j = rng() % nlive;
			uint64_t idx = pfn_of(f, live[j]) - base;

			for (i = idx; i < idx + NPAGES(live_order[j]); i++)
				used[i] = 0;
			buddy_free(&f->z, live[j], live_order[j]);
			live_pages -= NPAGES(live_order[j]);
			live[j] = live[--nlive];
			live_order[j] = live_order[nlive];
		}
check:
		assert_true(buddy_check(&f->z));
		assert_int_equal(f->z.free_pages, initial_free - live_pages);
	}
	/* The run must have exercised both success and exhaustion. */
	assert_true(nalloc > 1000);
	assert_true(nnull > 0);

	while (nlive) {
		nlive--;
		buddy_free(&f->z, live[nlive], live_order[nlive]);
	}
	assert_true(buddy_check(&f->z));
	assert_int_equal(f->z.free_pages, initial_free);
	for (order = 0; order <= MAX_ORDER; order++)
		assert_int_equal(f->z.nr_free[order], initial_nr_free[order]);
	free(used);
	zone_delete(f);
}

static void buddy_double_free_asserts(void **state)
{
	struct zone_fixture *f = zone_new(0, NPAGES(MAX_ORDER));
	struct page *a, *b;

	(void)state;
	buddy_free_range(&f->z, 0, NPAGES(MAX_ORDER));
	a = buddy_alloc(&f->z, 2);
	b = buddy_alloc(&f->z, 2);
	assert_non_null(a);
	assert_non_null(b);

	/* b still allocated, so a stays a free PG_BUDDY head. */
	buddy_free(&f->z, a, 2);
	expect_assert_failure(buddy_free(&f->z, a, 2));
	assert_true(buddy_check(&f->z));

	/* Now b merges away completely: its head is a plain tail frame. */
	buddy_free(&f->z, b, 2);
	expect_assert_failure(buddy_free(&f->z, b, 2));
	assert_int_equal(f->z.nr_free[MAX_ORDER], 1);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_free_with_wrong_order_asserts(void **state)
{
	struct zone_fixture *f = zone_new(0, NPAGES(MAX_ORDER));
	struct page *p;

	(void)state;
	buddy_free_range(&f->z, 0, NPAGES(MAX_ORDER));
	p = buddy_alloc(&f->z, 3);
	assert_non_null(p);
	expect_assert_failure(buddy_free(&f->z, p, 2));
	expect_assert_failure(buddy_free(&f->z, p, 4));
	expect_assert_failure(buddy_free(&f->z, p, MAX_ORDER + 1));
	/* A tail frame of the block is not a head. */
	expect_assert_failure(buddy_free(&f->z, p + 1, 0));
	buddy_free(&f->z, p, 3);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_free_of_reserved_page_asserts(void **state)
{
	struct zone_fixture *f = zone_new(0, 64);

	(void)state;
	buddy_free_range(&f->z, 0, 32);
	expect_assert_failure(buddy_free(&f->z, &f->pages[40], 0));
	/* Even one that looks like an allocated head. */
	f->pages[40].flags |= PG_HEAD;
	expect_assert_failure(buddy_free(&f->z, &f->pages[40], 0));
	f->pages[40].flags = PG_RESERVED;
	assert_int_equal(f->z.free_pages, 32);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

static void buddy_free_range_twice_asserts(void **state)
{
	struct zone_fixture *f = zone_new(0, 64);

	(void)state;
	buddy_free_range(&f->z, 0, 32);
	expect_assert_failure(buddy_free_range(&f->z, 16, 32));
	expect_assert_failure(buddy_free_range(&f->z, 32, 64));
	zone_delete(f);
}

static void buddy_pfn_page_conversions_round_trip(void **state)
{
	pfn_t base = 4097;
	struct zone_fixture *f = zone_new(base, 100);

	(void)state;
	assert_ptr_equal(buddy_pfn_to_page(&f->z, base), &f->pages[0]);
	assert_ptr_equal(buddy_pfn_to_page(&f->z, base + 99), &f->pages[99]);
	assert_null(buddy_pfn_to_page(&f->z, base - 1));
	assert_null(buddy_pfn_to_page(&f->z, base + 100));
	assert_null(buddy_pfn_to_page(&f->z, 0));
	assert_int_equal(buddy_page_to_pfn(&f->z, &f->pages[42]), base + 42);
	zone_delete(f);
}

static void buddy_check_detects_corruption(void **state)
{
	struct zone_fixture *f = zone_new(0, NPAGES(MAX_ORDER));
	struct page *p;

	(void)state;
	buddy_free_range(&f->z, 0, NPAGES(MAX_ORDER));
	p = buddy_alloc(&f->z, 0);
	assert_true(buddy_check(&f->z));

	f->z.nr_free[3]++;
	assert_false(buddy_check(&f->z));
	f->z.nr_free[3]--;

	f->z.free_pages++;
	assert_false(buddy_check(&f->z));
	f->z.free_pages--;

	/* A tail frame claiming to head a block overlaps its neighbour. */
	f->pages[513].flags = PG_HEAD;
	assert_false(buddy_check(&f->z));
	f->pages[513].flags = 0;

	/* A lost allocated head leaves orphan frames. */
	p->flags = 0;
	assert_false(buddy_check(&f->z));
	p->flags = PG_HEAD;

	/* Two free buddies of one order that did not merge. */
	f->pages[0].flags = PG_BUDDY;
	f->pages[0].order = 0;
	assert_false(buddy_check(&f->z));
	f->pages[0].flags = PG_HEAD;

	assert_true(buddy_check(&f->z));
	buddy_free(&f->z, p, 0);
	assert_true(buddy_check(&f->z));
	zone_delete(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buddy_init_marks_every_page_reserved),
		cmocka_unit_test(buddy_alloc_and_free_every_order),
		cmocka_unit_test(buddy_alloc_splits_and_free_merges_back),
		cmocka_unit_test(
			buddy_single_pages_freed_in_random_order_merge_fully),
		cmocka_unit_test(buddy_exhausted_zone_returns_null),
		cmocka_unit_test(buddy_alloc_above_max_order_returns_null),
		cmocka_unit_test(buddy_hole_in_range_is_never_handed_out),
		cmocka_unit_test(buddy_large_blocks_skip_hole),
		cmocka_unit_test(buddy_unaligned_base_aligns_blocks_by_pfn),
		cmocka_unit_test(buddy_adjacent_ranges_merge),
		cmocka_unit_test(buddy_free_range_of_2m_pages_inserts_maximal_blocks),
		cmocka_unit_test(buddy_random_stress_keeps_invariants),
		cmocka_unit_test(buddy_double_free_asserts),
		cmocka_unit_test(buddy_free_with_wrong_order_asserts),
		cmocka_unit_test(buddy_free_of_reserved_page_asserts),
		cmocka_unit_test(buddy_free_range_twice_asserts),
		cmocka_unit_test(buddy_pfn_page_conversions_round_trip),
		cmocka_unit_test(buddy_check_detects_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
