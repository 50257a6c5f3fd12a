#pragma once
/*
 * Error-valued pointers: a function that returns a pointer and can fail for
 * more than one reason returns ERR_PTR(-Exxx); callers test IS_ERR().
 * The top 4095 addresses are never valid objects, so they carry the errno.
 */
#include <stdbool.h>
#include <stdint.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (uintptr_t)ptr >= (uintptr_t)-MAX_ERRNO;
}
