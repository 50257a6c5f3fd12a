#pragma once
/*
 * Bounded formatted output (kernel/lib/format.c): the kernel's snprintf.
 * C99 snprintf() semantics for the integer, character, string and pointer
 * conversions; no floating point.  The format attributes let gcc check
 * every caller's arguments with -Wformat.
 */
#include <stdarg.h>
#include <stddef.h>
#include "kernel/lib/compiler.h"

/* kernel/lib/format.c */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__printf(3, 0);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
