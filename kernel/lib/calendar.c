/*
 * Calendar arithmetic for the RTC and, later, for time system calls.
 * Days are counted from 1970-01-01 with the usual era trick: shift the
 * year to start in March so the leap day falls at the end, then count
 * 400-year eras of 146097 days.
 */
#include "kernel/lib/calendar.h"

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30,
						31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool civil_time_valid(const struct civil_time *t)
{
	return t->month >= 1 && t->month <= 12 && t->day >= 1 &&
	       t->day <= days_in_month(t->year, t->month) && t->hour < 24 &&
	       t->minute < 60 && t->second < 60;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Seconds since the epoch for a valid @t (see civil_time_valid()). */
int64_t civil_to_unix(const struct civil_time *t)
{
	return days_from_civil(t->year, t->month, t->day) * 86400 +
	       t->hour * 3600 + t->minute * 60 + t->second;
}

void unix_to_civil(int64_t secs, struct civil_time *t)
{
	int64_t days = floor_div(secs, 86400);
	int64_t rem = secs - days * 86400;
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	t->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	t->year = yoe + era * 400 + (t->month <= 2);
	t->hour = (unsigned)(rem / 3600);
	t->minute = (unsigned)(rem / 60 % 60);
	t->second = (unsigned)(rem % 60);
}
