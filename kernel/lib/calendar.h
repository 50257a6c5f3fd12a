#pragma once
/* Civil (proleptic Gregorian, UTC) dates <-> seconds since 1970. Pure. */
#include <stdbool.h>
#include <stdint.h>

struct civil_time {
	int64_t year;
	unsigned month;		/* 1..12 */
	unsigned day;		/* 1..31 */
	unsigned hour, minute, second;
};

/* kernel/lib/calendar.c */
bool civil_time_valid(const struct civil_time *t);
int64_t civil_to_unix(const struct civil_time *t);
void unix_to_civil(int64_t secs, struct civil_time *t);
