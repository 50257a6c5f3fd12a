#pragma once
/*
 * The kernel symbol table blob (section .ksyms, written at build time by
 * scripts/gen_ksyms.py) and its lookup (kernel/lib/ksyms.c, pure).
 * Layout, little endian:
 *   struct ksym_header
 *   struct ksym_entry[count], sorted by addr
 *   names: NUL-terminated strings, names_size bytes
 */
#include <stddef.h>
#include <stdint.h>

#define KSYM_MAGIC 0x4d59534b	/* "KSYM" */

struct ksym_header {
	uint32_t magic;
	uint32_t count;
	uint32_t names_offset;	/* from the start of the header */
	uint32_t names_size;
};

struct ksym_entry {
	uint64_t addr;
	uint32_t size;		/* 0 if unknown */
	uint32_t name_offset;	/* into the names block */
};

/* kernel/lib/ksyms.c */
const char *ksym_find(const void *table, size_t len, uint64_t addr,
		      uint64_t *offset, uint64_t *size);
