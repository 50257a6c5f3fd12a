/*
 * The kernel's own symbol table.  The build links the kernel twice: the
 * second link adds section .ksyms, generated from the first link's `nm`
 * output by scripts/gen_ksyms.py, at the very end of the image so that no
 * other address moves.  The format and the lookup are kernel/lib/ksyms.c.
 */
#include "arch/x86_64/x86.h"
#include "kernel/lib/ksyms.h"

/* The function containing @addr, or NULL (also in the first link). */
const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	return ksym_find(__ksyms_start, (size_t)(__kernel_end - __ksyms_start),
			 addr, offset, size);
}
