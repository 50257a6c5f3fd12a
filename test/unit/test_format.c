/*
 * Host tests for kernel/lib/format.c: kvsnprintf() / ksnprintf().
 *
 * Most tests compare against hand-written expected strings.  The
 * *_match_libc tests generate many conversion specifications at run time
 * and compare the output and return value with the host C library's
 * snprintf(), for the combinations whose behaviour C99 defines.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/lib/format.h"

/* Check @fmt against @want, in a roomy buffer and with the exact return. */
#define CHECK(want, fmt, ...)                                              \
	do {                                                               \
		char b_[256];                                              \
		int n_ = ksnprintf(b_, sizeof(b_), fmt, ##__VA_ARGS__);    \
		assert_string_equal(b_, want);                             \
		assert_int_equal(n_, (int)strlen(want));                   \
	} while (0)

/*
 * No format attribute: lets a test pass formats -Wformat rejects (unknown
 * conversions, flags C ignores, NULL strings) or builds at run time.
 */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* CHECK() for formats -Wformat would warn about. */
#define CHECK_UNCHECKED(want, fmt, ...)                                    \
	do {                                                               \
		char b_[256];                                              \
		int n_ = fmt_unchecked(b_, sizeof(b_), fmt, ##__VA_ARGS__); \
		assert_string_equal(b_, want);                             \
		assert_int_equal(n_, (int)strlen(want));                   \
	} while (0)

static void format_plain_text_is_copied(void **state)
{
	(void)state;
	CHECK("hello, world", "hello, world");
	CHECK_UNCHECKED("", "");
	CHECK("100%", "100%%");
}

static void format_signed_decimal(void **state)
{
	(void)state;
	CHECK("0", "%d", 0);
	CHECK("42", "%d", 42);
	CHECK("-42", "%i", -42);
	CHECK("2147483647", "%d", 2147483647);
	CHECK("-2147483648", "%d", -2147483647 - 1);
	CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK("-9223372036854775808", "%jd", INTMAX_MIN);
	CHECK("9223372036854775807", "%ld", (long)INT64_MAX);
}

static void format_unsigned_hex_octal(void **state)
{
	(void)state;
	CHECK("4294967295", "%u", 4294967295u);
	CHECK("deadbeef", "%x", 0xdeadbeefu);
	CHECK("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK("777", "%o", 0777u);
	CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	CHECK("1777777777777777777777", "%llo",
	      (unsigned long long)UINT64_MAX);
}

static void format_length_modifiers_truncate_arguments(void **state)
{
	(void)state;
	CHECK("-1", "%hhd", 255);
	CHECK("255", "%hhu", -1);
	CHECK("ff", "%hhx", 0x1ff);
	CHECK("-1", "%hd", 65535);
	CHECK("65535", "%hu", -1);
	CHECK("12345678901", "%zu", (size_t)12345678901ull);
	CHECK("-5", "%zd", (ptrdiff_t)-5);
	CHECK("-7", "%td", (ptrdiff_t)-7);
	CHECK("7", "%tu", (ptrdiff_t)7);
	CHECK("ffffffffffffffff", "%jx", UINTMAX_MAX);
}

static void format_flags(void **state)
{
	(void)state;
	CHECK("+5", "%+d", 5);
	CHECK("-5", "%+d", -5);
	CHECK(" 5", "% d", 5);
	CHECK_UNCHECKED("+5", "%+ d", 5);
	CHECK("0x1f", "%#x", 0x1f);
	CHECK("0X1F", "%#X", 0x1f);
	CHECK("0", "%#x", 0);
	CHECK("017", "%#o", 017);
	CHECK("0", "%#o", 0);
	CHECK("0", "%#.0o", 0);
	CHECK_UNCHECKED("5", "%+u", 5u);
}

static void format_width_and_justification(void **state)
{
	(void)state;
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("+0042", "%+05d", 42);
	CHECK("0x002a", "%#06x", 42);
	CHECK_UNCHECKED("42   ", "%-05d", 42);
	CHECK("12345", "%3d", 12345);
}

static void format_precision_on_integers(void **state)
{
	(void)state;
	CHECK("00042", "%.5d", 42);
	CHECK("  00042", "%7.5d", 42);
	CHECK_UNCHECKED("  00042", "%07.5d", 42);
	CHECK("-00042", "%.5d", -42);
	CHECK("", "%.0d", 0);
	CHECK("   ", "%3.0x", 0);
	CHECK("0x0000ff", "%#.6x", 0xff);
}

static void format_star_width_and_precision(void **state)
{
	(void)state;
	CHECK("   42", "%*d", 5, 42);
	CHECK("42   |", "%*d|", -5, 42);
	CHECK("00042", "%.*d", 5, 42);
	CHECK("42", "%.*d", -3, 42);
	CHECK("  abc", "%*.*s", 5, 3, "abcdef");
	CHECK("ab   |", "%-*.*s|", 5, 2, "abcdef");
}

static void format_strings_and_chars(void **state)
{
	(void)state;
	CHECK("abc", "%s", "abc");
	CHECK("  abc", "%5s", "abc");
	CHECK("abc  |", "%-5s|", "abc");
	CHECK("ab", "%.2s", "abc");
	CHECK("", "%.0s", "abc");
	CHECK("x", "%c", 'x');
	CHECK("  x", "%3c", 'x');
	CHECK("x  |", "%-3c|", 'x');
	CHECK("a1b", "%c%d%c", 'a', 1, 'b');
}

static void format_string_precision_does_not_read_past_it(void **state)
{
	/* Not NUL-terminated: ASan fails the test if we read byte 3. */
	static const char unterminated[3] = { 'x', 'y', 'z' };
	char buf[16];

	(void)state;
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%.3s", unterminated), 3);
	assert_string_equal(buf, "xyz");
}

static void format_null_string_prints_null(void **state)
{
	const char *null = NULL;

	(void)state;
	CHECK_UNCHECKED("(null)", "%s", null);
	CHECK_UNCHECKED("  (null)", "%8s", null);
	CHECK_UNCHECKED("(nu", "%.3s", null);
}

static void format_pointer_is_0x_and_16_hex_digits(void **state)
{
	(void)state;
	CHECK("0x0000000000000000", "%p", (void *)0);
	CHECK("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	CHECK("0xffffffff80001000", "%p", (void *)0xffffffff80001000UL);
	CHECK("  0x0000000000001234", "%20p", (void *)0x1234UL);
	CHECK("0x0000000000001234  |", "%-20p|", (void *)0x1234UL);
}

static void format_floating_point_prints_literally(void **state)
{
	char buf[64];
	int n;

	(void)state;
	n = fmt_unchecked(buf, sizeof(buf), "a%fb", 1.5);
	assert_string_equal(buf, "a%fb");
	assert_int_equal(n, 4);
	n = fmt_unchecked(buf, sizeof(buf), "%5.2e|%g|%d", 1.0, 2.0, 7);
	/* No argument is consumed for the literal ones: %d takes the int. */
	assert_string_equal(buf, "%5.2e|%g|7");
	assert_int_equal(n, (int)strlen("%5.2e|%g|7"));
}

static void format_unknown_conversion_prints_literally(void **state)
{
	char buf[64];
	int dummy = 0;

	(void)state;
	fmt_unchecked(buf, sizeof(buf), "%y %-4k %d", 9);
	assert_string_equal(buf, "%y %-4k 9");
	/* %n is refused: printed, never written through. */
	fmt_unchecked(buf, sizeof(buf), "ab%n", &dummy);
	assert_string_equal(buf, "ab%n");
	assert_int_equal(dummy, 0);
	fmt_unchecked(buf, sizeof(buf), "%Lf", 1.0);
	assert_string_equal(buf, "%Lf");
}

static void format_incomplete_conversion_at_end_prints_literally(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), "abc%"), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), "x%-08.3l"), 8);
	assert_string_equal(buf, "x%-08.3l");
}

static void format_truncates_and_returns_full_length(void **state)
{
	char buf[8];
	int n;

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	n = ksnprintf(buf, 5, "%s-%d", "hello", 12345);
	assert_int_equal(n, 11);
	assert_string_equal(buf, "hell");
	/* Bytes past size are untouched. */
	assert_int_equal(buf[5], 'Z');

	memset(buf, 'Z', sizeof(buf));
	n = ksnprintf(buf, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');
}

static void format_size_zero_writes_nothing(void **state)
{
	char buf[4] = { 'Q', 'Q', 'Q', 'Q' };

	(void)state;
	assert_int_equal(ksnprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'Q');
	assert_int_equal(ksnprintf(NULL, 0, "%s%s", "ab", "cd"), 4);
}

static void format_huge_width_counts_without_writing(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%100000d", 1), 100000);
	assert_string_equal(buf, "       ");
}

static void format_length_over_int_max_is_eoverflow(void **state)
{
	char buf[4];

	(void)state;
	/* Two fields of INT_MAX / 2 + 1 each: one more than INT_MAX. */
	assert_true(fmt_unchecked(buf, sizeof(buf), "%*d%*d",
				  1073741824, 1, 1073741824, 1) < 0);
}

/* --- cross-checks against the host libc ------------------------------- */

static void expect_same(const char *fmt, char *kbuf, int kn, char *lbuf,
			int ln)
{
	if (kn != ln || strcmp(kbuf, lbuf) != 0)
		fail_msg("format \"%s\": kernel \"%s\" (%d), libc \"%s\" (%d)",
			 fmt, kbuf, kn, lbuf, ln);
}

static const long long sample_values[] = {
	0, 1, -1, 7, -8, 42, 255, 256, -129, 32767, -32768, 65535, 65536,
	2147483647LL, -2147483648LL, 4294967295LL, 1234567890123LL,
	INT64_MAX, INT64_MIN,
};

static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };

/* Call both formatters with @v passed as the type @len asks for. */
static void compare_integer(const char *fmt, const char *len, long long v)
{
	char kbuf[128], lbuf[128];
	int kn, ln;

#define BOTH(arg)                                                          \
	do {                                                               \
		kn = fmt_unchecked(kbuf, sizeof(kbuf), fmt, arg);          \
		ln = snprintf(lbuf, sizeof(lbuf), fmt, arg);               \
	} while (0)
	if (!strcmp(len, "l"))
		BOTH((long)v);
	else if (!strcmp(len, "ll"))
		BOTH(v);
	else if (!strcmp(len, "z"))
		BOTH((size_t)v);
	else if (!strcmp(len, "j"))
		BOTH((intmax_t)v);
	else if (!strcmp(len, "t"))
		BOTH((ptrdiff_t)v);
	else
		BOTH((int)v);
#undef BOTH
	expect_same(fmt, kbuf, kn, lbuf, ln);
}

/* One conversion, every length modifier, every sample value. */
static void compare_conversion(const char *flags, const char *width,
			       const char *prec, char conv)
{
	char fmt[64];
	size_t l, v;

	for (l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags, width, prec,
			 lengths[l], conv);
		for (v = 0; v < sizeof(sample_values) / sizeof(sample_values[0]);
		     v++)
			compare_integer(fmt, lengths[l], sample_values[v]);
	}
}

static void format_integers_match_libc(void **state)
{
	static const char *const flag_sets[] = {
		"", "-", "0", "+", " ", "#", "-0", "+0", " 0", "#0", "-+",
		"- ", "-#", "+ ", "0+#", "-0 #+",
	};
	static const char *const widths[] = { "", "1", "5", "12", "25" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".4",
					     ".21" };
	static const char convs[] = "diuxXo";
	size_t f, w, p, c;

	(void)state;
	for (c = 0; convs[c]; c++) {
		bool decimal = convs[c] == 'd' || convs[c] == 'i' ||
			       convs[c] == 'u';

		for (f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++) {
			/* '#' with d, i or u is undefined behaviour. */
			if (decimal && strchr(flag_sets[f], '#'))
				continue;
			for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
				for (p = 0; p < sizeof(precs) / sizeof(precs[0]);
				     p++)
					compare_conversion(flag_sets[f],
							   widths[w], precs[p],
							   convs[c]);
		}
	}
}

static void format_star_forms_match_libc(void **state)
{
	static const int stars[] = { -30, -5, -1, 0, 1, 3, 9, 30 };
	char kbuf[128], lbuf[128];
	size_t i, j;
	int kn, ln;

	(void)state;
	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++) {
			kn = fmt_unchecked(kbuf, sizeof(kbuf), "[%*.*d|%*.*s]",
					   stars[i], stars[j], -1234, stars[j],
					   stars[i], "string");
			ln = snprintf(lbuf, sizeof(lbuf), "[%*.*d|%*.*s]",
				      stars[i], stars[j], -1234, stars[j],
				      stars[i], "string");
			expect_same("[%*.*d|%*.*s]", kbuf, kn, lbuf, ln);
		}
}

static void format_strings_match_libc(void **state)
{
	static const char *const specs[] = {
		"%s", "%10s", "%-10s", "%.0s", "%.3s", "%10.3s", "%-10.3s",
		"%1s", "%.20s", "%c", "%5c", "%-5c", "%%", "a%sb%cc",
	};
	static const char *const strs[] = { "", "a", "hello", "hello world!" };
	char kbuf[128], lbuf[128];
	size_t i, j;
	int kn, ln;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		for (j = 0; j < 4; j++) {
			if (strchr(specs[i], 's')) {
				kn = fmt_unchecked(kbuf, sizeof(kbuf), specs[i],
						   strs[j], 'q');
				ln = snprintf(lbuf, sizeof(lbuf), specs[i],
					      strs[j], 'q');
			} else {
				kn = fmt_unchecked(kbuf, sizeof(kbuf), specs[i],
						   'A' + (int)j);
				ln = snprintf(lbuf, sizeof(lbuf), specs[i],
					      'A' + (int)j);
			}
			expect_same(specs[i], kbuf, kn, lbuf, ln);
		}
}

static void format_truncation_matches_libc_at_every_size(void **state)
{
	const char *fmt = "%s=%08x,%-6d|%c";
	char kbuf[64], lbuf[64];
	size_t size;
	int kn, ln;

	(void)state;
	for (size = 0; size < 40; size++) {
		memset(kbuf, 'K', sizeof(kbuf));
		memset(lbuf, 'K', sizeof(lbuf));
		kn = ksnprintf(kbuf, size, "%s=%08x,%-6d|%c", "key", 0xbeefu,
			       -12, '!');
		ln = snprintf(lbuf, size, "%s=%08x,%-6d|%c", "key", 0xbeefu,
			      -12, '!');
		assert_int_equal(kn, ln);
		if (memcmp(kbuf, lbuf, sizeof(kbuf)) != 0)
			fail_msg("%s differs at size %zu", fmt, size);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_plain_text_is_copied),
		cmocka_unit_test(format_signed_decimal),
		cmocka_unit_test(format_unsigned_hex_octal),
		cmocka_unit_test(format_length_modifiers_truncate_arguments),
		cmocka_unit_test(format_flags),
		cmocka_unit_test(format_width_and_justification),
		cmocka_unit_test(format_precision_on_integers),
		cmocka_unit_test(format_star_width_and_precision),
		cmocka_unit_test(format_strings_and_chars),
		cmocka_unit_test(format_string_precision_does_not_read_past_it),
		cmocka_unit_test(format_null_string_prints_null),
		cmocka_unit_test(format_pointer_is_0x_and_16_hex_digits),
		cmocka_unit_test(format_floating_point_prints_literally),
		cmocka_unit_test(format_unknown_conversion_prints_literally),
		cmocka_unit_test(format_incomplete_conversion_at_end_prints_literally),
		cmocka_unit_test(format_truncates_and_returns_full_length),
		cmocka_unit_test(format_size_zero_writes_nothing),
		cmocka_unit_test(format_huge_width_counts_without_writing),
		cmocka_unit_test(format_length_over_int_max_is_eoverflow),
		cmocka_unit_test(format_integers_match_libc),
		cmocka_unit_test(format_star_forms_match_libc),
		cmocka_unit_test(format_strings_match_libc),
		cmocka_unit_test(format_truncation_matches_libc_at_every_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
