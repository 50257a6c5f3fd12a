/*
 * Physical memory ranges from the boot loader.  The loader's map is input
 * we do not trust: ranges may come in any order, overlap, nest, have zero
 * length, wrap past 2^64 or lie beyond what the CPU can address.
 * memmap_usable_ranges() reduces it to what the page allocator can use;
 * memmap_find_free() and memmap_subtract() place and exclude the kernel's
 * own reservations.  All ranges are half-open and page-aligned.
 */
#include "mm/memmap.h"
#include "kernel/lib/compiler.h"

#define PAGE_MASK_LOW 0xfffull

static uint64_t align_down_page(uint64_t v)
{
	return v & ~PAGE_MASK_LOW;
}

/* Round up without wrapping: values in the last page stay unaligned-high. */
static uint64_t align_up_page(uint64_t v, uint64_t ceiling)
{
	if (v > ceiling - PAGE_MASK_LOW)
		return ceiling;
	return (v + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
}

static void insert_sorted(struct phys_range *out, unsigned *n,
			  uint64_t start, uint64_t end)
{
	unsigned j;

	for (j = *n; j > 0 && out[j - 1].start > start; j--)
		out[j] = out[j - 1];
	out[j].start = start;
	out[j].end = end;
	(*n)++;
}

/* Merge overlapping or touching neighbours of a start-sorted array. */
static unsigned merge_sorted(struct phys_range *r, unsigned n)
{
	unsigned w = 0;

	for (unsigned i = 0; i < n; i++) {
		if (w && r[i].start <= r[w - 1].end) {
			r[w - 1].end = MAX(r[w - 1].end, r[i].end);
			continue;
		}
		r[w++] = r[i];
	}
	return w;
}

/*
 * Write the usable RAM of @map (@n entries) into @out as sorted, disjoint,
 * page-aligned ranges below @max_phys (the CPU's physical address limit).
 * Partial pages at range edges are dropped; overlapping or touching
 * ranges are merged.  Usable entries after the first @max_out are
 * ignored.  Returns the number of ranges written.
 */
unsigned memmap_usable_ranges(const struct boot_mem_range *map, unsigned n,
			      uint64_t max_phys, struct phys_range *out,
			      unsigned max_out)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n && count < max_out; i++) {
		uint64_t base = map[i].base, end;

		if (map[i].type != BOOT_MEM_USABLE || base >= max_phys)
			continue;
		end = map[i].len > max_phys - base ? max_phys : base + map[i].len;
		base = align_up_page(base, max_phys);
		end = align_down_page(end);
		if (base < end)
			insert_sorted(out, &count, base, end);
	}
	return merge_sorted(out, count);
}

static bool overlaps_any(uint64_t start, uint64_t end,
			 const struct phys_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (start < r[i].end && r[i].start < end)
			return true;
	return false;
}

/*
 * The lowest page-aligned start of @size bytes inside one usable range,
 * below @limit, overlapping no reserved range; 0 if there is none (page 0
 * is never a valid answer: the first MiB is always reserved).
 */
uint64_t memmap_find_free(const struct phys_range *usable, unsigned nr_usable,
			  const struct phys_range *reserved,
			  unsigned nr_reserved, uint64_t size, uint64_t limit)
{
	uint64_t best = 0;

	for (unsigned i = 0; i < nr_usable; i++) {
		uint64_t hi = MIN(usable[i].end, limit);

		/* Candidates: the range start and the end of each reservation. */
		for (unsigned j = 0; j <= nr_reserved; j++) {
			uint64_t s = j == nr_reserved ? usable[i].start :
				     MAX(usable[i].start, reserved[j].end);

			if (s == 0 || s > hi || size > hi - s ||
			    overlaps_any(s, s + size, reserved, nr_reserved))
				continue;
			if (!best || s < best)
				best = s;
		}
	}
	return best;
}

/*
 * Call @emit for each maximal piece of [start, end) that no reserved
 * range covers, in address order.  Reserved ranges may be in any order
 * and may overlap each other.
 */
void memmap_subtract(uint64_t start, uint64_t end,
		     const struct phys_range *reserved, unsigned nr_reserved,
		     void (*emit)(void *ctx, uint64_t start, uint64_t end),
		     void *ctx)
{
	while (start < end) {
		uint64_t covered_to = start, next_cut = end;

		for (unsigned i = 0; i < nr_reserved; i++) {
			const struct phys_range *r = &reserved[i];

			if (r->start <= start && start < r->end)
				covered_to = MAX(covered_to, r->end);
			else if (r->start > start && r->start < next_cut)
				next_cut = r->start;
		}
		if (covered_to > start) {
			start = MIN(covered_to, end);
			continue;
		}
		emit(ctx, start, next_cut);
		start = next_cut;
	}
}

uint64_t memmap_total(const struct phys_range *r, unsigned n)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < n; i++)
		total += r[i].end - r[i].start;
	return total;
}
