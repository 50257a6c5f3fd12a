/* Unit tests for kernel/lib/calendar.c: civil dates <-> Unix seconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "kernel/lib/calendar.h"

static struct civil_time date(int64_t y, unsigned mo, unsigned d, unsigned h,
			      unsigned mi, unsigned s)
{
	struct civil_time t = { y, mo, d, h, mi, s };

	return t;
}

static void calendar_epoch_is_zero(void **state)
{
	struct civil_time t = date(1970, 1, 1, 0, 0, 0);

	(void)state;
	assert_int_equal(civil_to_unix(&t), 0);
}

static void calendar_known_dates(void **state)
{
	struct civil_time a = date(2000, 2, 29, 12, 0, 0);
	struct civil_time b = date(2038, 1, 19, 3, 14, 8);
	struct civil_time c = date(1969, 12, 31, 23, 59, 59);

	(void)state;
	assert_int_equal(civil_to_unix(&a), 951825600);
	assert_int_equal(civil_to_unix(&b), 2147483648LL);
	assert_int_equal(civil_to_unix(&c), -1);
}

static void calendar_rejects_invalid_dates(void **state)
{
	struct civil_time feb29_1900 = date(1900, 2, 29, 0, 0, 0);
	struct civil_time feb29_2000 = date(2000, 2, 29, 0, 0, 0);
	struct civil_time month13 = date(2024, 13, 1, 0, 0, 0);
	struct civil_time day0 = date(2024, 1, 0, 0, 0, 0);
	struct civil_time hour24 = date(2024, 1, 1, 24, 0, 0);
	struct civil_time apr31 = date(2024, 4, 31, 0, 0, 0);

	(void)state;
	assert_false(civil_time_valid(&feb29_1900));
	assert_true(civil_time_valid(&feb29_2000));
	assert_false(civil_time_valid(&month13));
	assert_false(civil_time_valid(&day0));
	assert_false(civil_time_valid(&hour24));
	assert_false(civil_time_valid(&apr31));
}

/* Every 7919 seconds from 1900 to 2200: agrees with libc's gmtime_r. */
static void calendar_round_trips_against_libc(void **state)
{
	(void)state;
	for (int64_t s = -2208988800LL; s < 7258118400LL; s += 7919 * 97) {
		time_t tt = (time_t)s;
		struct tm tm;
		struct civil_time t;

		gmtime_r(&tt, &tm);
		unix_to_civil(s, &t);
		assert_int_equal(t.year, tm.tm_year + 1900);
		assert_int_equal(t.month, (unsigned)tm.tm_mon + 1);
		assert_int_equal(t.day, (unsigned)tm.tm_mday);
		assert_int_equal(t.hour, (unsigned)tm.tm_hour);
		assert_int_equal(t.minute, (unsigned)tm.tm_min);
		assert_int_equal(t.second, (unsigned)tm.tm_sec);
		assert_true(civil_time_valid(&t));
		assert_int_equal(civil_to_unix(&t), s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calendar_epoch_is_zero),
		cmocka_unit_test(calendar_known_dates),
		cmocka_unit_test(calendar_rejects_invalid_dates),
		cmocka_unit_test(calendar_round_trips_against_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
