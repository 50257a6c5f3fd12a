/*
 * Host tests for drivers/char/kmsg_format.c: one log record in the text
 * format of Linux's /dev/kmsg, "<prio>,<seq>,<usec>,-;<text>\n", and the
 * "<N>" prefix of lines written to it.  The expected strings are written
 * out by hand from that format.
 */
#include "drivers/char/kmsg_format.h"
#include "kernel/errno.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

/* Format into a roomy buffer and compare the whole line and its length. */
static void check(const struct kmsg_record *rec, const char *want)
{
	char buf[1024];
	long n;

	memset(buf, '#', sizeof(buf));
	n = kmsg_format(rec, buf, sizeof(buf));
	assert_int_equal(n, (long)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
	assert_int_equal(buf[n], '#');		/* no NUL, nothing more */
}

static struct kmsg_record rec_text(const char *text, size_t len)
{
	struct kmsg_record r = {
		.seq = 0, .ts_ns = 0, .facility = KMSG_FACILITY_KERN,
		.level = 6, .text = text, .len = len,
	};

	return r;
}

static void kmsg_format_kernel_record_header_and_text(void **state)
{
	struct kmsg_record r = rec_text("hello", 5);

	(void)state;
	r.seq = 42;
	r.ts_ns = 3000;
	check(&r, "6,42,3,-;hello\n");
}

static void kmsg_format_prio_is_level_for_kernel_facility(void **state)
{
	struct kmsg_record r = rec_text("x", 1);

	(void)state;
	r.level = 0;
	check(&r, "0,0,0,-;x\n");
	r.level = 3;
	check(&r, "3,0,0,-;x\n");
	r.level = 7;
	check(&r, "7,0,0,-;x\n");
}

static void kmsg_format_prio_combines_facility_and_level(void **state)
{
	struct kmsg_record r = rec_text("x", 1);

	(void)state;
	r.facility = KMSG_FACILITY_USER;
	r.level = 4;
	check(&r, "12,0,0,-;x\n");
	r.facility = 3;		/* LOG_DAEMON */
	r.level = 6;
	check(&r, "30,0,0,-;x\n");
}

static void kmsg_format_level_keeps_three_bits(void **state)
{
	struct kmsg_record r = rec_text("x", 1);

	(void)state;
	r.level = 8 + 5;
	check(&r, "5,0,0,-;x\n");
}

static void kmsg_format_largest_sequence_number(void **state)
{
	struct kmsg_record r = rec_text("x", 1);

	(void)state;
	r.seq = UINT64_MAX;
	check(&r, "6,18446744073709551615,0,-;x\n");
}

static void kmsg_format_timestamp_in_microseconds_truncated(void **state)
{
	struct kmsg_record r = rec_text("x", 1);

	(void)state;
	r.ts_ns = 1234567891ull;	/* 1.234567891 s */
	check(&r, "6,0,1234567,-;x\n");
	r.ts_ns = 999;			/* under a microsecond */
	check(&r, "6,0,0,-;x\n");
	r.ts_ns = UINT64_MAX;
	check(&r, "6,0,18446744073709551,-;x\n");
}

static void kmsg_format_empty_text(void **state)
{
	struct kmsg_record r = rec_text("", 0);

	(void)state;
	r.seq = 1;
	r.ts_ns = 2000;
	check(&r, "6,1,2,-;\n");
}

static void kmsg_format_escapes_control_bytes(void **state)
{
	struct kmsg_record r = rec_text("a\tb\nc\x1f" "d\re", 9);

	(void)state;
	check(&r, "6,0,0,-;a\\x09b\\x0ac\\x1fd\\x0de\n");
}

static void kmsg_format_escapes_nul_byte(void **state)
{
	struct kmsg_record r = rec_text("a\0b", 3);

	(void)state;
	check(&r, "6,0,0,-;a\\x00b\n");
}

static void kmsg_format_escapes_backslash(void **state)
{
	struct kmsg_record r = rec_text("C:\\x", 4);

	(void)state;
	check(&r, "6,0,0,-;C:\\x5cx\n");
}

static void kmsg_format_escapes_del_and_high_bytes_lowercase(void **state)
{
	struct kmsg_record r = rec_text("\x7f\x80\xab\xff", 4);

	(void)state;
	check(&r, "6,0,0,-;\\x7f\\x80\\xab\\xff\n");
}

static void kmsg_format_keeps_printable_ascii(void **state)
{
	char text[95];
	char want[8 + 95 + 3 + 1 + 1];
	size_t w = 8;
	struct kmsg_record r;

	(void)state;
	memcpy(want, "6,0,0,-;", 8);
	for (int i = 0; i < 95; i++) {
		char c = (char)(' ' + i);	/* ' ' .. '~' */

		text[i] = c;
		if (c == '\\') {		/* the one escaped: \x5c */
			memcpy(want + w, "\\x5c", 4);
			w += 4;
		} else {
			want[w++] = c;
		}
	}
	want[w++] = '\n';
	want[w] = '\0';
	r = rec_text(text, sizeof(text));
	check(&r, want);
}

static void kmsg_format_exact_fit_succeeds(void **state)
{
	struct kmsg_record r = rec_text("hello", 5);
	const char *want = "6,0,0,-;hello\n";
	char buf[14 + 1];

	(void)state;
	assert_int_equal(strlen(want), 14);
	buf[14] = '#';
	assert_int_equal(kmsg_format(&r, buf, 14), 14);
	assert_memory_equal(buf, want, 14);
	assert_int_equal(buf[14], '#');
}

static void kmsg_format_one_byte_short_is_einval(void **state)
{
	struct kmsg_record r = rec_text("hello", 5);
	char buf[14];

	(void)state;
	buf[13] = '#';
	assert_int_equal(kmsg_format(&r, buf, 13), -EINVAL);
	assert_int_equal(buf[13], '#');		/* nothing past @size */
}

static void kmsg_format_zero_size_is_einval(void **state)
{
	struct kmsg_record r = rec_text("", 0);

	(void)state;
	assert_int_equal(kmsg_format(&r, NULL, 0), -EINVAL);
}

static void kmsg_format_escape_counts_toward_size(void **state)
{
	/* "6,0,0,-;" + "\x01" (4) + "\n": 13 bytes; 10 would do unescaped */
	struct kmsg_record r = rec_text("\x01", 1);
	char buf[16];

	(void)state;
	assert_int_equal(kmsg_format(&r, buf, 12), -EINVAL);
	assert_int_equal(kmsg_format(&r, buf, 13), 13);
	assert_memory_equal(buf, "6,0,0,-;\\x01\n", 13);
}

static void kmsg_format_max_fits_worst_case(void **state)
{
	static char text[255];
	static char buf[KMSG_FORMAT_MAX(255)];
	struct kmsg_record r = {
		.seq = UINT64_MAX, .ts_ns = UINT64_MAX, .facility = UINT32_MAX,
		.level = 7, .text = text, .len = sizeof(text),
	};
	long n;

	(void)state;
	memset(text, 0xff, sizeof(text));
	n = kmsg_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_true((size_t)n <= sizeof(buf));
	assert_int_equal(buf[n - 1], '\n');
}

/* Defaults as drivers/char/mem.c sets them: level 4, facility user. */
struct parsed {
	const char *rest;
	unsigned level, facility;
};

static struct parsed parse(const char *text)
{
	struct parsed p = { .level = 4, .facility = KMSG_FACILITY_USER };

	p.rest = kmsg_parse_prefix(text, &p.level, &p.facility);
	return p;
}

static void kmsg_parse_prefix_sets_level_and_skips_it(void **state)
{
	const char *text = "<3>disk on fire";
	struct parsed p = parse(text);

	(void)state;
	assert_ptr_equal(p.rest, text + 3);
	assert_int_equal(p.level, 3);
	assert_int_equal(p.facility, KMSG_FACILITY_USER);
}

static void kmsg_parse_prefix_takes_nonzero_facility(void **state)
{
	struct parsed p = parse("<30>daemon");	/* LOG_DAEMON | LOG_INFO */

	(void)state;
	assert_string_equal(p.rest, "daemon");
	assert_int_equal(p.level, 6);
	assert_int_equal(p.facility, 3);
}

static void kmsg_parse_prefix_kernel_facility_keeps_default(void **state)
{
	struct parsed p = parse("<0>fake kernel line");

	(void)state;
	assert_string_equal(p.rest, "fake kernel line");
	assert_int_equal(p.level, 0);
	assert_int_equal(p.facility, KMSG_FACILITY_USER);
}

static void kmsg_parse_prefix_absent_changes_nothing(void **state)
{
	const char *text = "plain";
	struct parsed p = parse(text);

	(void)state;
	assert_ptr_equal(p.rest, text);
	assert_int_equal(p.level, 4);
	assert_int_equal(p.facility, KMSG_FACILITY_USER);
}

static void kmsg_parse_prefix_unclosed_is_text(void **state)
{
	const char *text = "<3 not a prefix";
	struct parsed p = parse(text);

	(void)state;
	assert_ptr_equal(p.rest, text);
	assert_int_equal(p.level, 4);
}

static void kmsg_parse_prefix_non_digit_is_text(void **state)
{
	const char *text = "<b>bold</b>";
	struct parsed p = parse(text);

	(void)state;
	assert_ptr_equal(p.rest, text);
	assert_int_equal(p.level, 4);
}

static void kmsg_parse_prefix_empty_number_is_zero(void **state)
{
	struct parsed p = parse("<>x");		/* simple_strtoul() of "" */

	(void)state;
	assert_string_equal(p.rest, "x");
	assert_int_equal(p.level, 0);
	assert_int_equal(p.facility, KMSG_FACILITY_USER);
}

static void kmsg_parse_prefix_value_wraps_to_32_bits(void **state)
{
	struct parsed p = parse("<4294967310>x");	/* 2^32 + 14 */

	(void)state;
	assert_string_equal(p.rest, "x");
	assert_int_equal(p.level, 6);
	assert_int_equal(p.facility, 1);
}

static void kmsg_parse_prefix_facility_keeps_eight_bits(void **state)
{
	struct parsed p = parse("<2061>x");	/* (257 << 3) | 5 */

	(void)state;
	assert_int_equal(p.level, 5);
	assert_int_equal(p.facility, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kmsg_format_kernel_record_header_and_text),
		cmocka_unit_test(kmsg_format_prio_is_level_for_kernel_facility),
		cmocka_unit_test(kmsg_format_prio_combines_facility_and_level),
		cmocka_unit_test(kmsg_format_level_keeps_three_bits),
		cmocka_unit_test(kmsg_format_largest_sequence_number),
		cmocka_unit_test(kmsg_format_timestamp_in_microseconds_truncated),
		cmocka_unit_test(kmsg_format_empty_text),
		cmocka_unit_test(kmsg_format_escapes_control_bytes),
		cmocka_unit_test(kmsg_format_escapes_nul_byte),
		cmocka_unit_test(kmsg_format_escapes_backslash),
		cmocka_unit_test(kmsg_format_escapes_del_and_high_bytes_lowercase),
		cmocka_unit_test(kmsg_format_keeps_printable_ascii),
		cmocka_unit_test(kmsg_format_exact_fit_succeeds),
		cmocka_unit_test(kmsg_format_one_byte_short_is_einval),
		cmocka_unit_test(kmsg_format_zero_size_is_einval),
		cmocka_unit_test(kmsg_format_escape_counts_toward_size),
		cmocka_unit_test(kmsg_format_max_fits_worst_case),
		cmocka_unit_test(kmsg_parse_prefix_sets_level_and_skips_it),
		cmocka_unit_test(kmsg_parse_prefix_takes_nonzero_facility),
		cmocka_unit_test(kmsg_parse_prefix_kernel_facility_keeps_default),
		cmocka_unit_test(kmsg_parse_prefix_absent_changes_nothing),
		cmocka_unit_test(kmsg_parse_prefix_unclosed_is_text),
		cmocka_unit_test(kmsg_parse_prefix_non_digit_is_text),
		cmocka_unit_test(kmsg_parse_prefix_empty_number_is_zero),
		cmocka_unit_test(kmsg_parse_prefix_value_wraps_to_32_bits),
		cmocka_unit_test(kmsg_parse_prefix_facility_keeps_eight_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
