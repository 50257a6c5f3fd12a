/*
 * Host tests for kernel/lib/cmdline.c: splitting, quoting, lookups,
 * numbers and running out of storage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/errno.h"
#include "kernel/lib/cmdline.h"

#define MAX_PARAMS 16

struct fixture {
	char buf[256];
	struct cmdline_param storage[MAX_PARAMS];
	struct cmdline c;
};

static struct fixture fx;

/* Parse a copy of @line into fx with room for @max params. */
static int parse(const char *line, size_t max)
{
	assert_true(strlen(line) < sizeof(fx.buf));
	assert_true(max <= MAX_PARAMS);
	strcpy(fx.buf, line);
	cmdline_init(&fx.c, fx.storage, max);
	return cmdline_parse(&fx.c, fx.buf);
}

static void expect_param(size_t i, const char *key, const char *value)
{
	assert_true(i < fx.c.count);
	assert_string_equal(fx.c.params[i].key, key);
	if (value)
		assert_string_equal(fx.c.params[i].value, value);
	else
		assert_null(fx.c.params[i].value);
}

static void cmdline_empty_string_gives_no_params(void **state)
{
	(void)state;
	assert_int_equal(parse("", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 0);
	assert_int_equal(parse(" \t\n  ", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 0);
	assert_false(cmdline_has(&fx.c, ""));
}

static void cmdline_null_buffer_gives_no_params(void **state)
{
	(void)state;
	cmdline_init(&fx.c, fx.storage, MAX_PARAMS);
	assert_int_equal(cmdline_parse(&fx.c, NULL), 0);
	assert_int_equal(fx.c.count, 0);
}

static void cmdline_splits_on_any_whitespace(void **state)
{
	(void)state;
	assert_int_equal(parse("  a=1\tb\n\nc=3 \r d  ", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 4);
	expect_param(0, "a", "1");
	expect_param(1, "b", NULL);
	expect_param(2, "c", "3");
	expect_param(3, "d", NULL);
	assert_false(fx.c.overflowed);
}

static void cmdline_key_is_text_before_first_equals(void **state)
{
	(void)state;
	assert_int_equal(parse("root=LABEL=root a==b =v e=", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 4);
	expect_param(0, "root", "LABEL=root");
	expect_param(1, "a", "=b");
	expect_param(2, "", "v");
	/* "e=" has an empty value, which is not the same as no value. */
	expect_param(3, "e", "");
}

static void cmdline_quoted_value_keeps_spaces(void **state)
{
	(void)state;
	assert_int_equal(parse("init=/bin/sh rdinit=\"/bin/sh -x  -c\" quiet",
			       MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 3);
	expect_param(0, "init", "/bin/sh");
	expect_param(1, "rdinit", "/bin/sh -x  -c");
	expect_param(2, "quiet", NULL);
}

static void cmdline_whole_param_quoted(void **state)
{
	(void)state;
	assert_int_equal(parse("\"key=x y\" \"flag with space\" z",
			       MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 3);
	expect_param(0, "key", "x y");
	expect_param(1, "flag with space", NULL);
	expect_param(2, "z", NULL);
}

static void cmdline_unterminated_quote_runs_to_end(void **state)
{
	(void)state;
	assert_int_equal(parse("a=1 msg=\"hello  world b=2", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 2);
	expect_param(0, "a", "1");
	expect_param(1, "msg", "hello  world b=2");

	assert_int_equal(parse("x=\"", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 1);
	expect_param(0, "x", "");
}

static void cmdline_empty_quoted_value(void **state)
{
	(void)state;
	assert_int_equal(parse("k=\"\" j", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 2);
	expect_param(0, "k", "");
	expect_param(1, "j", NULL);
}

static void cmdline_inner_quotes_are_kept(void **state)
{
	(void)state;
	/* Like Linux, only an opening quote and a closing one at the end go. */
	assert_int_equal(parse("a=x\"y z\"w b", MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 2);
	expect_param(0, "a", "x\"y z\"w");
	expect_param(1, "b", NULL);
}

static void cmdline_last_occurrence_wins(void **state)
{
	const struct cmdline_param *p;

	(void)state;
	assert_int_equal(parse("console=tty0 loglevel=3 console=ttyS0 ro rw",
			       MAX_PARAMS), 0);
	assert_string_equal(cmdline_get(&fx.c, "console"), "ttyS0");
	p = cmdline_find(&fx.c, "console");
	assert_ptr_equal(p, &fx.c.params[2]);
	assert_string_equal(cmdline_get(&fx.c, "loglevel"), "3");
}

static void cmdline_find_missing_key_returns_null(void **state)
{
	(void)state;
	assert_int_equal(parse("quiet loglevel=3", MAX_PARAMS), 0);
	assert_null(cmdline_find(&fx.c, "root"));
	assert_null(cmdline_find(&fx.c, "loglevel=3"));
	assert_null(cmdline_find(&fx.c, "log"));
	assert_null(cmdline_get(&fx.c, "root"));
	assert_false(cmdline_has(&fx.c, "root"));
}

static void cmdline_has_sees_flags_and_values(void **state)
{
	(void)state;
	assert_int_equal(parse("quiet root=/dev/vda", MAX_PARAMS), 0);
	assert_true(cmdline_has(&fx.c, "quiet"));
	assert_true(cmdline_has(&fx.c, "root"));
	/* A flag has no value. */
	assert_null(cmdline_get(&fx.c, "quiet"));
	assert_string_equal(cmdline_get(&fx.c, "root"), "/dev/vda");
}

static void cmdline_overflow_keeps_first_params(void **state)
{
	(void)state;
	assert_int_equal(parse("a b c d e", 3), -E2BIG);
	assert_true(fx.c.overflowed);
	assert_int_equal(fx.c.count, 3);
	expect_param(0, "a", NULL);
	expect_param(2, "c", NULL);
	assert_false(cmdline_has(&fx.c, "d"));
}

static void cmdline_exact_fit_is_not_overflow(void **state)
{
	(void)state;
	assert_int_equal(parse("a b c  ", 3), 0);
	assert_false(fx.c.overflowed);
	assert_int_equal(fx.c.count, 3);
}

static void cmdline_zero_storage_overflows_on_first_param(void **state)
{
	(void)state;
	cmdline_init(&fx.c, NULL, 0);
	strcpy(fx.buf, "  ");
	assert_int_equal(cmdline_parse(&fx.c, fx.buf), 0);
	strcpy(fx.buf, "x");
	assert_int_equal(cmdline_parse(&fx.c, fx.buf), -E2BIG);
	assert_true(fx.c.overflowed);
	assert_int_equal(fx.c.count, 0);
}

static void cmdline_parse_appends_to_earlier_params(void **state)
{
	char second[32] = "b=2 a=3";

	(void)state;
	assert_int_equal(parse("a=1", MAX_PARAMS), 0);
	assert_int_equal(cmdline_parse(&fx.c, second), 0);
	assert_int_equal(fx.c.count, 3);
	assert_string_equal(cmdline_get(&fx.c, "a"), "3");
	assert_string_equal(cmdline_get(&fx.c, "b"), "2");
}

static void cmdline_get_uint_parses_decimal_and_hex(void **state)
{
	unsigned long v = 0;

	(void)state;
	assert_int_equal(parse("a=0 b=42 c=0x1F d=0XfF e=007 "
			       "f=18446744073709551615 g=0xffffffffffffffff",
			       MAX_PARAMS), 0);
	assert_int_equal(cmdline_get_uint(&fx.c, "a", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cmdline_get_uint(&fx.c, "b", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cmdline_get_uint(&fx.c, "c", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(cmdline_get_uint(&fx.c, "d", &v), 0);
	assert_int_equal(v, 0xff);
	/* Leading zeros are still decimal, not octal. */
	assert_int_equal(cmdline_get_uint(&fx.c, "e", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(cmdline_get_uint(&fx.c, "f", &v), 0);
	assert_true(v == 18446744073709551615UL);
	assert_int_equal(cmdline_get_uint(&fx.c, "g", &v), 0);
	assert_true(v == 0xffffffffffffffffUL);
}

static void cmdline_get_uint_missing_key_is_enoent(void **state)
{
	unsigned long v = 99;

	(void)state;
	assert_int_equal(parse("a=1", MAX_PARAMS), 0);
	assert_int_equal(cmdline_get_uint(&fx.c, "b", &v), -ENOENT);
	assert_int_equal(v, 99);
}

static void cmdline_get_uint_rejects_bad_numbers(void **state)
{
	static const char *const keys[] = {
		"flag", "empty", "neg", "plus", "alpha", "tail", "hex0", "hexg",
		"sp", "dec_over", "hex_over", "dec_far_over",
	};
	unsigned long v = 99;
	size_t i;

	(void)state;
	assert_int_equal(parse("flag empty= neg=-1 plus=+1 alpha=abc tail=12k "
			       "hex0=0x hexg=0x1g sp=\" 1\" "
			       "dec_over=18446744073709551616 "
			       "hex_over=0x10000000000000000 "
			       "dec_far_over=99999999999999999999999",
			       MAX_PARAMS), 0);
	assert_int_equal(fx.c.count, 12);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (cmdline_get_uint(&fx.c, keys[i], &v) != -EINVAL)
			fail_msg("key %s accepted", keys[i]);
		assert_int_equal(v, 99);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmdline_empty_string_gives_no_params),
		cmocka_unit_test(cmdline_null_buffer_gives_no_params),
		cmocka_unit_test(cmdline_splits_on_any_whitespace),
		cmocka_unit_test(cmdline_key_is_text_before_first_equals),
		cmocka_unit_test(cmdline_quoted_value_keeps_spaces),
		cmocka_unit_test(cmdline_whole_param_quoted),
		cmocka_unit_test(cmdline_unterminated_quote_runs_to_end),
		cmocka_unit_test(cmdline_empty_quoted_value),
		cmocka_unit_test(cmdline_inner_quotes_are_kept),
		cmocka_unit_test(cmdline_last_occurrence_wins),
		cmocka_unit_test(cmdline_find_missing_key_returns_null),
		cmocka_unit_test(cmdline_has_sees_flags_and_values),
		cmocka_unit_test(cmdline_overflow_keeps_first_params),
		cmocka_unit_test(cmdline_exact_fit_is_not_overflow),
		cmocka_unit_test(cmdline_zero_storage_overflows_on_first_param),
		cmocka_unit_test(cmdline_parse_appends_to_earlier_params),
		cmocka_unit_test(cmdline_get_uint_parses_decimal_and_hex),
		cmocka_unit_test(cmdline_get_uint_missing_key_is_enoent),
		cmocka_unit_test(cmdline_get_uint_rejects_bad_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
