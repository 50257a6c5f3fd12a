/*
 * Segmented I/O buffers (kernel/iov_iter.c): copies walk the segments in
 * order, skip empty ones, stop at the total, and advance exactly.
 */
#include "kernel/uaccess.h"
#include "kernel/lib/string.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

static void iov_copy_to_iter_spans_segments(void **state)
{
	char a[3], b[0 + 1], c[5];
	struct kvec segs[] = { { a, 3 }, { b, 0 }, { c, 5 } };
	struct iov_iter it;

	(void)state;
	iov_iter_init(&it, false, segs, 3);
	assert_int_equal(iov_iter_count(&it), 8);
	assert_int_equal(copy_to_iter("abcdefgh", 8, &it), 8);
	assert_memory_equal(a, "abc", 3);
	assert_memory_equal(c, "defgh", 5);
	assert_int_equal(iov_iter_count(&it), 0);
	/* a full iterator takes nothing more */
	assert_int_equal(copy_to_iter("x", 1, &it), 0);
}

static void iov_copy_from_iter_resumes_mid_segment(void **state)
{
	char src1[] = "hello", src2[] = "world";
	struct kvec segs[] = { { src1, 5 }, { src2, 5 } };
	struct iov_iter it;
	char out[11] = { 0 };

	(void)state;
	iov_iter_init(&it, false, segs, 2);
	assert_int_equal(copy_from_iter(out, 3, &it), 3);
	assert_int_equal(copy_from_iter(out + 3, 7, &it), 7);
	assert_string_equal(out, "helloworld");
}

static void iov_advance_then_zero_fill(void **state)
{
	char buf[8];
	struct iov_iter it;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	iov_iter_buf(&it, false, buf, sizeof(buf));
	iov_iter_advance(&it, 2);
	assert_int_equal(zero_to_iter(100, &it), 6);
	assert_memory_equal(buf, "xx\0\0\0\0\0\0", 8);
}

static void iov_user_range_check_rejects_kernel_addresses(void **state)
{
	(void)state;
	assert_true(user_range_ok((void *)0x1000, 4096));
	assert_false(user_range_ok((void *)(USER_SPACE_END - 1), 2));
	assert_false(user_range_ok((void *)0xffff800000000000ull, 1));
	assert_false(user_range_ok((void *)0x1000, (size_t)-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iov_copy_to_iter_spans_segments),
		cmocka_unit_test(iov_copy_from_iter_resumes_mid_segment),
		cmocka_unit_test(iov_advance_then_zero_fill),
		cmocka_unit_test(iov_user_range_check_rejects_kernel_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
