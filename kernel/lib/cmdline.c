/*
 * Kernel command-line parsing, the way Linux reads its own command line.
 *
 * The boot loader hands over one string such as
 *
 *	console=ttyS0 loglevel=7 quiet rdinit="/bin/sh -x"
 *
 * cmdline_parse() cuts the caller's mutable copy of it in place into
 * params, writing NULs over separators, and records a key and value
 * pointer for each in the caller's params[] array.  Nothing is allocated,
 * so it runs before any allocator exists.
 *
 * Splitting rules, following Linux's next_arg():
 *  - params are separated by runs of whitespace (space, tab, newline, CR,
 *    VT, FF);
 *  - the key is everything before the first '=', the value everything
 *    after it; a param without '=' has a NULL value (a flag like "quiet");
 *  - a double quote toggles "inside quotes", where whitespace does not
 *    split; an unterminated quote runs to the end of the line;
 *  - the quote opening a value (key="a b") or the whole param
 *    ("key=a b") is removed, as is a quote that ends the param; quotes
 *    elsewhere stay as they are.
 * An empty or all-blank line gives no params.  Linux's "--" (hand the rest
 * to init) is not treated specially here; callers that want it can look
 * for a "--" key.
 *
 * Lookups scan from the end, so when a key repeats the last one wins, as
 * on Linux (a boot loader appends, the user's setting comes last).
 *
 * Interface: cmdline_init(), cmdline_parse(), then cmdline_find(),
 * cmdline_has(), cmdline_get(), cmdline_get_uint().  No locks: parse once
 * at boot, read-only afterwards.
 */
#include <stdbool.h>
#include <stddef.h>
#include "kernel/errno.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/string.h"

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\v' || ch == '\f';
}

static char *skip_blanks(char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/*
 * Cut the param starting at @p (neither blank nor NUL) out of the buffer
 * and describe it in *out.  Returns where scanning continues.
 */
static char *split_param(char *p, struct cmdline_param *out)
{
	bool whole_quoted = *p == '"';
	bool in_quotes = whole_quoted;
	char *equals = NULL;
	char *end, *next;

	if (whole_quoted)
		p++;
	for (end = p; *end; end++) {
		if (is_blank(*end) && !in_quotes)
			break;
		if (*end == '"')
			in_quotes = !in_quotes;
		else if (*end == '=' && !equals)
			equals = end;
	}
	next = *end ? end + 1 : end;
	*end = '\0';

	out->key = p;
	out->value = NULL;
	if (equals) {
		char *value = equals + 1;

		*equals = '\0';
		if (*value == '"') {
			value++;
			/* end - 1 is the opening quote if nothing follows */
			if (end[-1] == '"')
				end[-1] = '\0';
		}
		out->value = value;
	}
	if (whole_quoted && end > p && end[-1] == '"')
		end[-1] = '\0';
	return next;
}

/*
 * Set up @c to record at most @max params in @storage.  @storage may be
 * NULL when @max is 0.
 */
void cmdline_init(struct cmdline *c, struct cmdline_param *storage,
		  size_t max)
{
	c->params = storage;
	c->max = max;
	c->count = 0;
	c->overflowed = false;
}

/*
 * Split @buf (modified in place; it must stay alive as long as @c is used)
 * and append its params to @c.  A NULL @buf counts as empty.  Returns 0,
 * or -E2BIG when more params than storage: the first ones are kept and
 * c->overflowed is set.
 */
int cmdline_parse(struct cmdline *c, char *buf)
{
	char *p;

	if (!buf)
		return 0;
	p = skip_blanks(buf);
	while (*p) {
		struct cmdline_param param;

		p = split_param(p, &param);
		if (c->count >= c->max) {
			c->overflowed = true;
			return -E2BIG;
		}
		c->params[c->count++] = param;
		p = skip_blanks(p);
	}
	return 0;
}

/* The last param named @key, or NULL if there is none. */
const struct cmdline_param *cmdline_find(const struct cmdline *c,
					 const char *key)
{
	size_t i = c->count;

	while (i--) {
		if (strcmp(c->params[i].key, key) == 0)
			return &c->params[i];
	}
	return NULL;
}

/* Whether @key appears at all, with or without a value. */
bool cmdline_has(const struct cmdline *c, const char *key)
{
	return cmdline_find(c, key) != NULL;
}

/* The value of the last @key; NULL if absent or given without '='. */
const char *cmdline_get(const struct cmdline *c, const char *key)
{
	const struct cmdline_param *p = cmdline_find(c, key);

	return p ? p->value : NULL;
}

static int hex_digit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decimal, or hex after "0x"/"0X"; digits only, no sign or blanks. */
int cmdline_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long base = 10;
	unsigned long v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d = hex_digit_value(*s);

		if (d < 0 || (unsigned long)d >= base)
			return -EINVAL;
		if (v > (~0UL - (unsigned long)d) / base)
			return -EINVAL;
		v = v * base + (unsigned long)d;
	}
	*out = v;
	return 0;
}

/*
 * Read the last @key's value as an unsigned number into *out.  Returns 0;
 * -ENOENT if @key is absent; -EINVAL if it has no value or the value is
 * not a decimal or 0x-prefixed hex number that fits an unsigned long.
 * *out is written only on success.
 */
int cmdline_get_uint(const struct cmdline *c, const char *key,
		     unsigned long *out)
{
	const struct cmdline_param *p = cmdline_find(c, key);

	if (!p)
		return -ENOENT;
	if (!p->value)
		return -EINVAL;
	return cmdline_parse_ulong(p->value, out);
}
