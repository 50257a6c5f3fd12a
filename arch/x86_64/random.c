/*
 * The CPU's random-number instructions and cycle counter, for the kernel
 * random-number generator (drivers/char/random.c).
 *
 * RDSEED returns output of the CPU's entropy conditioner directly, meant
 * for seeding other generators; RDRAND returns output of a DRBG that the
 * conditioner reseeds, fine for mixing in but weaker as a sole seed.  Both
 * report success in the carry flag and both can fail when the hardware is
 * drained (RDSEED far more often, since it cannot stretch its input), so
 * each call here retries up to RETRIES times, pausing between tries, and
 * then gives up: callers treat them as optional sources and never loop
 * forever.  Whether the instructions exist comes from cpu_features, which
 * cpuinfo.c fills from CPUID (RDRAND: leaf 1 ECX bit 30; RDSEED: leaf 7
 * EBX bit 18) on the boot CPU before anything can call these.
 *
 * Some AMD processors have been known to come back from suspend with
 * RDRAND setting the carry flag yet returning all ones every time.  A
 * value of ~0 is therefore counted as a failure: it costs one genuine
 * value in 2^64 and turns that erratum into "no hardware source".
 *
 * arch_cycles() is the time-stamp counter, not serialised: for timing
 * jitter the small reordering noise is welcome, not a problem.
 *
 * No state, no locks: callable from any context.  The inline asm sits in
 * this file's own static wrappers rather than in cpu.h because nothing
 * else issues these instructions.
 */
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"

#define RETRIES		10

static inline bool rdrand64(uint64_t *v)
{
	bool ok;

	__asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static inline bool rdseed64(uint64_t *v)
{
	bool ok;

	__asm__ volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

/* Try @insn up to RETRIES times; true with a plausible value in *out. */
static bool try_hw(bool (*insn)(uint64_t *), uint64_t *out)
{
	uint64_t v;

	for (int i = 0; i < RETRIES; i++) {
		if (insn(&v) && v != ~0ull) {
			*out = v;
			return true;
		}
		cpu_relax();
	}
	return false;
}

/*
 * 64 bits from the CPU's entropy source (RDSEED).  Returns false, leaving
 * *out alone, if the CPU lacks RDSEED or it kept failing.
 */
bool arch_rdseed64(uint64_t *out)
{
	if (!cpu_features.rdseed)
		return false;
	return try_hw(rdseed64, out);
}

/*
 * 64 bits from the CPU's DRBG (RDRAND).  Returns false, leaving *out
 * alone, if the CPU lacks RDRAND or it kept failing.
 */
bool arch_rdrand64(uint64_t *out)
{
	if (!cpu_features.rdrand)
		return false;
	return try_hw(rdrand64, out);
}

/* The cycle counter (RDTSC), for timing jitter; not a clock. */
uint64_t arch_cycles(void)
{
	return rdtsc();
}
