/*
 * Kernel symbol table for backtraces.  The build links the kernel twice:
 * the second link adds section .ksyms, generated from the first link's
 * `nm` output by scripts/gen_ksyms.py, at the very end of the image so
 * that no other address moves.  Layout (little endian):
 *   struct ksym_header; struct ksym_entry[count] sorted by addr; names.
 */
#include "arch/x86_64/x86.h"

#define KSYM_MAGIC 0x4d59534b	/* "KSYM" */

struct ksym_header {
	uint32_t magic;
	uint32_t count;
	uint32_t names_offset;	/* from the start of the header */
	uint32_t names_size;
};

struct ksym_entry {
	uint64_t addr;
	uint32_t size;
	uint32_t name_offset;	/* into the names block */
};

/*
 * Find the function containing @addr.  Returns its name and sets *offset
 * and *size, or returns NULL if no symbol covers @addr (or the table is
 * missing, as in the first link).
 */
const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	const struct ksym_header *h = (const void *)__ksyms_start;
	const struct ksym_entry *e = (const void *)(h + 1);
	const char *names = (const char *)h + h->names_offset;
	uint32_t lo = 0, hi;

	if ((char *)h + sizeof(*h) > __kernel_end || h->magic != KSYM_MAGIC)
		return NULL;
	hi = h->count;
	while (lo < hi) {	/* first entry with addr > @addr */
		uint32_t mid = lo + (hi - lo) / 2;

		if (e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e += lo - 1;
	if (e->size && addr >= e->addr + e->size)
		return NULL;
	if (e->name_offset >= h->names_size)
		return NULL;
	*offset = addr - e->addr;
	*size = e->size;
	return names + e->name_offset;
}
