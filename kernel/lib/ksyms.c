/*
 * Symbol lookup for backtraces: binary search of the sorted entries for
 * the last symbol at or below an address.  The blob is checked before
 * use (a damaged table must not turn a crash report into a second
 * crash): every count, offset and name must lie inside @len bytes.
 */
#include "kernel/lib/ksyms.h"
#include <stdbool.h>

static bool table_ok(const struct ksym_header *h, size_t len)
{
	uint64_t entries_end;

	if (len < sizeof(*h) || h->magic != KSYM_MAGIC)
		return false;
	entries_end = sizeof(*h) + (uint64_t)h->count * sizeof(struct ksym_entry);
	return entries_end <= h->names_offset &&
	       (uint64_t)h->names_offset + h->names_size <= len;
}

static bool name_ok(const char *names, uint32_t size, uint32_t off)
{
	for (uint32_t i = off; i < size; i++)
		if (names[i] == '\0')
			return true;
	return false;
}

/*
 * The function containing @addr in @table (@len bytes): returns its name
 * and sets *offset and *size; NULL if the table is invalid or no symbol
 * covers @addr.  A symbol of unknown size (0) covers up to the next one.
 */
const char *ksym_find(const void *table, size_t len, uint64_t addr,
		      uint64_t *offset, uint64_t *size)
{
	const struct ksym_header *h = table;
	const struct ksym_entry *e;
	const char *names;
	uint32_t lo = 0, hi;

	if (!table || !table_ok(h, len))
		return NULL;
	e = (const struct ksym_entry *)(h + 1);
	names = (const char *)table + h->names_offset;
	hi = h->count;
	while (lo < hi) {	/* first entry above @addr */
		uint32_t mid = lo + (hi - lo) / 2;

		if (e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e += lo - 1;
	if (e->size && addr - e->addr >= e->size)
		return NULL;
	if (!name_ok(names, h->names_size, e->name_offset))
		return NULL;
	*offset = addr - e->addr;
	*size = e->size;
	return names + e->name_offset;
}
