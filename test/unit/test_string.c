/*
 * Host tests for kernel/lib/string.c.
 *
 * The kernel's functions have the C library's names, so this file
 * includes kernel/lib/string.c with every name remapped to a k-prefixed
 * one (kmemcpy, kmemmove, ...) and only then includes the host headers.
 * The test binary therefore holds both sets and compares the kernel's
 * results with the C library's and with naive reference loops.  Buffers
 * whose ends matter are malloc'ed at their exact size so ASan catches any
 * read or write past them (the rep movsb / rep stosb in memcpy, memmove
 * and memset are invisible to ASan; guard bytes check those instead).
 */
#define memcpy kmemcpy
#define memmove kmemmove
#define memset kmemset
#define memcmp kmemcmp
#define strlen kstrlen
#define strnlen kstrnlen
#define strcmp kstrcmp
#define strncmp kstrncmp
#define strchr kstrchr
#include "kernel/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* A buffer of exactly @n bytes holding @s without its terminator. */
static char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

static void fill_pattern(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 1);
}

static void memcpy_copies_exactly_n_bytes(void **state)
{
	unsigned char src[64], dst[80];
	size_t n;

	(void)state;
	fill_pattern(src, sizeof(src));
	for (n = 0; n <= sizeof(src); n++) {
		memset(dst, 0xee, sizeof(dst));
		assert_ptr_equal(kmemcpy(dst + 3, src, n), dst + 3);
		assert_memory_equal(dst + 3, src, n);
		assert_int_equal(dst[2], 0xee);
		assert_int_equal(dst[3 + n], 0xee);
	}
}

/* kmemmove() @n bytes from @from to @to in a pattern buffer, then compare
 * with a copy through a separate temporary. */
static void check_move(size_t from, size_t to, size_t n)
{
	unsigned char buf[96], want[96], tmp[96];
	size_t i;

	fill_pattern(buf, sizeof(buf));
	fill_pattern(want, sizeof(want));
	for (i = 0; i < n; i++)
		tmp[i] = want[from + i];
	for (i = 0; i < n; i++)
		want[to + i] = tmp[i];
	assert_ptr_equal(kmemmove(buf + to, buf + from, n), buf + to);
	if (memcmp(buf, want, sizeof(buf)) != 0)
		fail_msg("memmove from %zu to %zu len %zu", from, to, n);
}

/* Every shift and length in both directions. */
static void memmove_handles_overlap_both_ways(void **state)
{
	size_t from, to, n;

	(void)state;
	for (from = 0; from < 32; from++)
		for (to = 0; to < 32; to++)
			for (n = 0; n <= 64; n += 3)
				check_move(from, to, n);
}

static void memmove_overlapping_by_one_byte(void **state)
{
	char up[] = "abcdefgh";
	char down[] = "abcdefgh";

	(void)state;
	kmemmove(up + 1, up, 7);
	assert_string_equal(up, "aabcdefg");
	kmemmove(down, down + 1, 7);
	assert_string_equal(down, "bcdefghh");
}

static void memset_fills_with_low_byte_of_c(void **state)
{
	unsigned char buf[40];
	size_t i;

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_ptr_equal(kmemset(buf + 4, 0x1ab, 30), buf + 4);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], i >= 4 && i < 34 ? 0xab : 0);
	kmemset(buf, -1, 0);
	assert_int_equal(buf[0], 0);
}

static void memcmp_compares_bytes_as_unsigned(void **state)
{
	(void)state;
	assert_true(kmemcmp("\x80", "\x01", 1) > 0);
	assert_true(kmemcmp("\x01", "\xff", 1) < 0);
	assert_int_equal(kmemcmp("abc", "abd", 2), 0);
	assert_true(kmemcmp("abc", "abd", 3) < 0);
	assert_true(kmemcmp("abd", "abc", 3) > 0);
	assert_int_equal(kmemcmp("x", "y", 0), 0);
	/* Embedded NULs do not stop memcmp. */
	assert_true(kmemcmp("a\0b", "a\0c", 3) < 0);
}

static void memcmp_sign_matches_libc(void **state)
{
	unsigned char a[8], b[8];
	unsigned int i;

	(void)state;
	srand(7);
	for (i = 0; i < 20000; i++) {
		size_t j, n = (size_t)rand() % 9;

		for (j = 0; j < 8; j++) {
			a[j] = (unsigned char)(rand() % 3 ? 'm' : rand());
			b[j] = (unsigned char)(rand() % 3 ? 'm' : rand());
		}
		assert_int_equal(sign(kmemcmp(a, b, n)), sign(memcmp(a, b, n)));
	}
}

static void strlen_counts_to_the_nul(void **state)
{
	(void)state;
	assert_int_equal(kstrlen(""), 0);
	assert_int_equal(kstrlen("a"), 1);
	assert_int_equal(kstrlen("hello\0world"), 5);
}

static void strnlen_never_reads_past_max(void **state)
{
	char *p = exact("abcdef", 6);

	(void)state;
	assert_int_equal(kstrnlen(p, 6), 6);
	assert_int_equal(kstrnlen(p, 3), 3);
	assert_int_equal(kstrnlen(p, 0), 0);
	assert_int_equal(kstrnlen("ab", 10), 2);
	free(p);
}

static void strcmp_orders_like_unsigned_bytes(void **state)
{
	(void)state;
	assert_int_equal(kstrcmp("", ""), 0);
	assert_int_equal(kstrcmp("abc", "abc"), 0);
	assert_true(kstrcmp("abc", "abd") < 0);
	assert_true(kstrcmp("abd", "abc") > 0);
	assert_true(kstrcmp("ab", "abc") < 0);
	assert_true(kstrcmp("abc", "ab") > 0);
	assert_true(kstrcmp("\xe9", "e") > 0);
	assert_true(kstrcmp("a", "a\x80") < 0);
}

static void strcmp_sign_matches_libc(void **state)
{
	char a[6], b[6];
	unsigned int i;

	(void)state;
	srand(11);
	for (i = 0; i < 20000; i++) {
		size_t j;

		for (j = 0; j < 5; j++) {
			a[j] = (char)(rand() % 4 ? 'a' + rand() % 2 : rand());
			b[j] = (char)(rand() % 4 ? 'a' + rand() % 2 : rand());
		}
		a[5] = b[5] = '\0';
		assert_int_equal(sign(kstrcmp(a, b)), sign(strcmp(a, b)));
		for (j = 0; j <= 6; j++)
			assert_int_equal(sign(kstrncmp(a, b, j)),
					 sign(strncmp(a, b, j)));
	}
}

static void strncmp_stops_at_n(void **state)
{
	(void)state;
	assert_int_equal(kstrncmp("abcX", "abcY", 3), 0);
	assert_true(kstrncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(kstrncmp("a", "b", 0), 0);
	assert_true(kstrncmp("\xff", "\x01", 1) > 0);
}

static void strncmp_stops_at_nul(void **state)
{
	(void)state;
	/* Equal up to a shared terminator: bytes after it are not looked at. */
	assert_int_equal(kstrncmp("ab\0x", "ab\0y", 4), 0);
	assert_true(kstrncmp("ab", "abc", 10) < 0);
	assert_true(kstrncmp("abc", "ab", 10) > 0);
}

static void strncmp_never_reads_past_n(void **state)
{
	char *a = exact("prefix", 6);
	char *b = exact("prefix", 6);

	(void)state;
	assert_int_equal(kstrncmp(a, b, 6), 0);
	b[5] = 'y';
	assert_true(kstrncmp(a, b, 6) < 0);
	free(a);
	free(b);
}

static void strchr_finds_first_match_or_terminator(void **state)
{
	const char *s = "hello";

	(void)state;
	assert_ptr_equal(kstrchr(s, 'l'), s + 2);
	assert_ptr_equal(kstrchr(s, 'h'), s);
	assert_ptr_equal(kstrchr(s, '\0'), s + 5);
	assert_null(kstrchr(s, 'z'));
	assert_null(kstrchr("", 'a'));
	/* c is converted to char. */
	assert_ptr_equal(kstrchr(s, 'o' + 256), s + 4);
	assert_ptr_equal(kstrchr("a\xe9z", 0xe9), (const char *)"a\xe9z" + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memcpy_copies_exactly_n_bytes),
		cmocka_unit_test(memmove_handles_overlap_both_ways),
		cmocka_unit_test(memmove_overlapping_by_one_byte),
		cmocka_unit_test(memset_fills_with_low_byte_of_c),
		cmocka_unit_test(memcmp_compares_bytes_as_unsigned),
		cmocka_unit_test(memcmp_sign_matches_libc),
		cmocka_unit_test(strlen_counts_to_the_nul),
		cmocka_unit_test(strnlen_never_reads_past_max),
		cmocka_unit_test(strcmp_orders_like_unsigned_bytes),
		cmocka_unit_test(strcmp_sign_matches_libc),
		cmocka_unit_test(strncmp_stops_at_n),
		cmocka_unit_test(strncmp_stops_at_nul),
		cmocka_unit_test(strncmp_never_reads_past_n),
		cmocka_unit_test(strchr_finds_first_match_or_terminator),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
