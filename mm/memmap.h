#pragma once
/*
 * Pure helpers over physical memory ranges (mm/memmap.c): turn a boot
 * loader's memory map, which may be unsorted, overlapping or absurd, into
 * sorted disjoint page-aligned usable ranges, find room among them, and
 * carve reserved ranges out.  Host-tested; no locks, no allocation.
 */
#include <stdbool.h>
#include <stdint.h>
#include "kernel/bootinfo.h"

struct phys_range {
	uint64_t start, end;	/* [start, end), page-aligned */
};

/* mm/memmap.c */
unsigned memmap_usable_ranges(const struct boot_mem_range *map, unsigned n,
			      uint64_t max_phys, struct phys_range *out,
			      unsigned max_out);
uint64_t memmap_find_free(const struct phys_range *usable, unsigned nr_usable,
			  const struct phys_range *reserved,
			  unsigned nr_reserved, uint64_t size, uint64_t limit);
void memmap_subtract(uint64_t start, uint64_t end,
		     const struct phys_range *reserved, unsigned nr_reserved,
		     void (*emit)(void *ctx, uint64_t start, uint64_t end),
		     void *ctx);
uint64_t memmap_total(const struct phys_range *r, unsigned n);
