/*
 * The C memory and string functions the kernel provides for itself, with
 * exactly the declarations in kernel/lib/string.h.  The host unit tests
 * normally use the C library's versions; test/unit/test_string.c includes
 * this file with the names remapped to test it.
 *
 * gcc is allowed to emit calls to memcpy, memmove, memset and memcmp even
 * with -ffreestanding, and at -O2 it turns copy and fill loops into such
 * calls.  A loop inside memcpy() would then call memcpy() forever.  So
 * the three copy/fill functions are x86 string instructions in inline
 * asm (this file is kernel-only, the one place outside arch/x86_64/ where
 * that is allowed) and the remaining loops are ones gcc has no pattern
 * for; the optimize attribute below keeps it that way for every function
 * here.  rep movsb / rep stosb are fast on every CPU with ERMSB and never
 * slow enough to matter for the sizes the kernel copies.
 *
 * Pure: no locks, callable from any context including interrupts.
 */
#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/string.h"

/* clang has no such attribute; -ffreestanding alone stops its idioms. */
#ifdef __clang__
#define NO_LIBCALLS
#else
#define NO_LIBCALLS                                                        \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	asm volatile("rep movsb"
		     : "+D"(d), "+S"(src), "+c"(n)
		     :
		     : "memory");
	return dst;
}

/*
 * Copies correctly whatever the overlap: forwards (rep movsb, which moves
 * one byte at a time in address order as far as software can tell) when
 * dst is below src or the ranges are disjoint, backwards in a plain loop
 * when dst overlaps the end of src.  The backward case stays out of the
 * direction flag so an interrupt can never see DF set.
 */
NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d - (uintptr_t)s >= n) {
		asm volatile("rep movsb"
			     : "+D"(d), "+S"(s), "+c"(n)
			     :
			     : "memory");
	} else {
		while (n) {
			n--;
			d[n] = s[n];
		}
	}
	return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	asm volatile("rep stosb"
		     : "+D"(d), "+c"(n)
		     : "a"(c)
		     : "memory");
	return dst;
}

/* Bytes compare as unsigned char, as C requires. */
NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a;
	const unsigned char *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

NO_LIBCALLS size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Length of @s, but never reads more than @max bytes. */
NO_LIBCALLS size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

NO_LIBCALLS int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	if (*p == *q)
		return 0;
	return *p < *q ? -1 : 1;
}

/* strcmp() over at most @n bytes; stops at the first NUL in either. */
NO_LIBCALLS int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (!*p)
			break;
	}
	return 0;
}

/* First @c (as a char) in @s; the terminator itself is found for c == 0. */
NO_LIBCALLS char *strchr(const char *s, int c)
{
	const char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)(uintptr_t)s;	/* C's signature */
		if (!*s)
			return NULL;
	}
}
