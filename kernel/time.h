#pragma once
/*
 * Wall-clock time for the rest of the kernel (file timestamps, later
 * clock_gettime): the RTC's reading at boot plus the monotonic clock
 * since, in nanoseconds since the Unix epoch.  Until the RTC has been
 * read, the epoch is 0 and times count from 1970.
 */
#include <stdint.h>

/* kernel/time.c (a shim on the host) */
uint64_t ktime_real_ns(void);
void ktime_set_real(int64_t unix_sec);
