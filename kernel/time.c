/*
 * Wall-clock time (see kernel/time.h): one offset between the monotonic
 * clock and the Unix epoch, fixed when the RTC is read at boot and when
 * the time is set later.
 */
#include "kernel/time.h"
#include "arch/arch.h"
#include "kernel/lib/compiler.h"

/* Written at boot before other CPUs read it, and by settimeofday later. */
static int64_t real_offset_ns;

uint64_t ktime_real_ns(void)
{
	return (uint64_t)((int64_t)arch_clock_ns() + READ_ONCE(real_offset_ns));
}

void ktime_set_real(int64_t unix_sec)
{
	WRITE_ONCE(real_offset_ns,
		   unix_sec * 1000000000 - (int64_t)arch_clock_ns());
}
