#pragma once
/*
 * Kernel command-line parser (kernel/lib/cmdline.c): splits a mutable copy
 * of the boot loader's command line into key[=value] params, Linux style,
 * into storage the caller provides.  The params point into that buffer,
 * which must outlive them.
 */
#include <stdbool.h>
#include <stddef.h>

struct cmdline_param {
	const char *key;
	const char *value;	/* NULL when the param has no '=' */
};

struct cmdline {
	struct cmdline_param *params;	/* caller's storage */
	size_t max;			/* entries in params[] */
	size_t count;			/* entries filled in */
	bool overflowed;		/* a param did not fit */
};

/* kernel/lib/cmdline.c */
void cmdline_init(struct cmdline *c, struct cmdline_param *storage,
		  size_t max);
int cmdline_parse(struct cmdline *c, char *buf);
const struct cmdline_param *cmdline_find(const struct cmdline *c,
					 const char *key);
bool cmdline_has(const struct cmdline *c, const char *key);
const char *cmdline_get(const struct cmdline *c, const char *key);
/* A decimal or 0x-hex number: 0, or -EINVAL (also on overflow). */
int cmdline_parse_ulong(const char *s, unsigned long *out);
int cmdline_get_uint(const struct cmdline *c, const char *key,
		     unsigned long *out);
