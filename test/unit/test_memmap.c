/*
 * Unit tests for mm/memmap.c: the boot memory map reduced to usable
 * ranges, room-finding, and carving out reservations.  Besides hand-made
 * hostile maps, a randomized test compares every function against a
 * page-by-page bitmap model over a small address space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/memmap.h"
#include "test/unit/test_rng.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define PG 4096ull

static struct boot_mem_range ram(uint64_t base, uint64_t len)
{
	struct boot_mem_range r = { base, len, BOOT_MEM_USABLE };

	return r;
}

static struct boot_mem_range other(uint64_t base, uint64_t len, uint32_t t)
{
	struct boot_mem_range r = { base, len, t };

	return r;
}

static void memmap_sorts_and_merges_overlaps(void **state)
{
	struct boot_mem_range map[] = {
		ram(8 * MiB, 4 * MiB),		/* overlaps the next one */
		ram(1 * MiB, 9 * MiB),
		ram(2 * MiB, 1 * MiB),		/* nested */
		ram(12 * MiB, 1 * MiB),		/* touches the first */
		ram(20 * MiB, 0),		/* empty */
	};
	struct phys_range out[8];
	unsigned n;

	(void)state;
	n = memmap_usable_ranges(map, 5, 1ull << 40, out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].start, 1 * MiB);
	assert_int_equal(out[0].end, 13 * MiB);
}

static void memmap_drops_partial_pages_and_other_types(void **state)
{
	struct boot_mem_range map[] = {
		ram(0x1001, 0x3000),			/* [0x1001, 0x4001) */
		other(0x10000, 0x10000, BOOT_MEM_RESERVED),
		other(0x20000, 0x10000, BOOT_MEM_ACPI_RECLAIM),
		ram(0x30000, 0xfff),			/* less than a page */
	};
	struct phys_range out[8];
	unsigned n;

	(void)state;
	n = memmap_usable_ranges(map, 4, 1ull << 40, out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].start, 0x2000);
	assert_int_equal(out[0].end, 0x4000);
}

static void memmap_clips_wrapping_and_unaddressable_ranges(void **state)
{
	struct boot_mem_range map[] = {
		ram(0xfffffffffffff000ull, 0x10000),	/* wraps past 2^64 */
		ram(60 * MiB, UINT64_MAX),		/* absurd length */
		ram(1ull << 46, 1 * MiB),		/* beyond MAXPHYADDR */
	};
	struct phys_range out[8];
	unsigned n;

	(void)state;
	n = memmap_usable_ranges(map, 3, 64 * MiB, out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].start, 60 * MiB);
	assert_int_equal(out[0].end, 64 * MiB);
}

static void memmap_keeps_at_most_max_out_ranges(void **state)
{
	struct boot_mem_range map[4];
	struct phys_range out[2];
	unsigned n;

	(void)state;
	for (int i = 0; i < 4; i++)
		map[i] = ram((uint64_t)i * 2 * MiB, MiB);
	n = memmap_usable_ranges(map, 4, 1ull << 40, out, 2);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].start, 2 * MiB);
}

static void memmap_find_free_skips_reservations(void **state)
{
	struct phys_range usable[] = { { 0, 640 * KiB }, { MiB, 32 * MiB } };
	struct phys_range reserved[] = {
		{ 0, MiB },			/* low memory */
		{ MiB, 3 * MiB },		/* kernel */
		{ 4 * MiB, 5 * MiB },		/* a module */
	};

	(void)state;
	/* 1 MiB fits between the kernel and the module. */
	assert_int_equal(memmap_find_free(usable, 2, reserved, 3, MiB,
					  UINT64_MAX), 3 * MiB);
	/* 2 MiB does not: it goes after the module. */
	assert_int_equal(memmap_find_free(usable, 2, reserved, 3, 2 * MiB,
					  UINT64_MAX), 5 * MiB);
	/* Nothing fits below a low limit, nor anything too big. */
	assert_int_equal(memmap_find_free(usable, 2, reserved, 3, 2 * MiB,
					  6 * MiB), 0);
	assert_int_equal(memmap_find_free(usable, 2, reserved, 3, 64 * MiB,
					  UINT64_MAX), 0);
}

struct emitted {
	struct phys_range r[64];
	unsigned n;
};

static void collect(void *ctx, uint64_t start, uint64_t end)
{
	struct emitted *e = ctx;

	assert_true(e->n < 64);
	e->r[e->n].start = start;
	e->r[e->n].end = end;
	e->n++;
}

static void memmap_subtract_handles_overlapping_reservations(void **state)
{
	struct phys_range reserved[] = {
		{ 5 * PG, 9 * PG }, { 2 * PG, 3 * PG }, { 7 * PG, 12 * PG },
		{ 20 * PG, 40 * PG },
	};
	struct emitted e = { .n = 0 };

	(void)state;
	memmap_subtract(0, 30 * PG, reserved, 4, collect, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.r[0].start, 0);
	assert_int_equal(e.r[0].end, 2 * PG);
	assert_int_equal(e.r[1].start, 3 * PG);
	assert_int_equal(e.r[1].end, 5 * PG);
	assert_int_equal(e.r[2].start, 12 * PG);
	assert_int_equal(e.r[2].end, 20 * PG);
}

/* --- randomized comparison with a page bitmap ---------------------------- */

#define MODEL_PAGES 512		/* a 2 MiB world */

static uint64_t rnd(uint64_t n)
{
	return rng() % n;
}

static void model_mark(bool *pages, uint64_t start, uint64_t end, bool v)
{
	for (uint64_t a = start; a < end; a += PG)
		pages[a / PG] = v;
}

static void memmap_random_maps_match_page_model(void **state)
{
	(void)state;
	for (int iter = 0; iter < 2000; iter++) {
		struct boot_mem_range map[12];
		struct phys_range out[12], res[4];
		bool model[MODEL_PAGES] = { false }, got[MODEL_PAGES] = { false };
		unsigned n = 1 + rnd(12), nres = rnd(4), count;
		struct emitted e = { .n = 0 };

		for (unsigned i = 0; i < n; i++) {
			uint64_t base = rnd(MODEL_PAGES * PG);
			uint64_t len = rnd(MODEL_PAGES * PG / 4);

			map[i] = rnd(4) ? ram(base, len) :
				 other(base, len, BOOT_MEM_RESERVED);
			if (map[i].type != BOOT_MEM_USABLE)
				continue;
			/* Whole pages only, clipped to the world. */
			uint64_t s = (base + PG - 1) / PG * PG;
			uint64_t t = (base + len) / PG * PG;

			if (t > MODEL_PAGES * PG)
				t = MODEL_PAGES * PG;
			model_mark(model, s, t, true);
		}
		count = memmap_usable_ranges(map, n, MODEL_PAGES * PG, out, 12);
		for (unsigned i = 0; i < count; i++) {
			assert_true(out[i].start < out[i].end);
			if (i)
				assert_true(out[i - 1].end < out[i].start);
			model_mark(got, out[i].start, out[i].end, true);
		}
		assert_memory_equal(model, got, sizeof(model));

		/* Subtracting reservations leaves exactly the model's rest. */
		for (unsigned i = 0; i < nres; i++) {
			res[i].start = rnd(MODEL_PAGES) * PG;
			res[i].end = res[i].start + rnd(MODEL_PAGES / 4) * PG;
			model_mark(model, res[i].start,
				   res[i].end < MODEL_PAGES * PG ? res[i].end :
				   MODEL_PAGES * PG, false);
		}
		memset(got, 0, sizeof(got));
		for (unsigned i = 0; i < count; i++)
			memmap_subtract(out[i].start, out[i].end, res, nres,
					collect, &e);
		for (unsigned i = 0; i < e.n; i++) {
			assert_true(e.r[i].start < e.r[i].end);
			model_mark(got, e.r[i].start, e.r[i].end, true);
		}
		assert_memory_equal(model, got, sizeof(model));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memmap_sorts_and_merges_overlaps),
		cmocka_unit_test(memmap_drops_partial_pages_and_other_types),
		cmocka_unit_test(memmap_clips_wrapping_and_unaddressable_ranges),
		cmocka_unit_test(memmap_keeps_at_most_max_out_ranges),
		cmocka_unit_test(memmap_find_free_skips_reservations),
		cmocka_unit_test(memmap_subtract_handles_overlapping_reservations),
		cmocka_unit_test(memmap_random_maps_match_page_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
