#pragma once
/*
 * The unit tests' random numbers: xorshift64* with an explicit seed, so
 * every run on every host sees the same sequence and a failure reproduces
 * from its seed and iteration.  Header-only; each test program has its
 * own state.
 */
#include <stddef.h>
#include <stdint.h>

static uint64_t test_rng_state = 0x9e3779b97f4a7c15ull;

static inline void rng_seed(uint64_t seed)
{
	test_rng_state = seed ? seed : 1;	/* xorshift never leaves 0 */
}

static inline uint64_t rng(void)
{
	test_rng_state ^= test_rng_state >> 12;
	test_rng_state ^= test_rng_state << 25;
	test_rng_state ^= test_rng_state >> 27;
	return test_rng_state * 0x2545f4914f6cdd1dull;
}

/*
 * A byte for a corruption test to write over @old: a bit flip, one of the
 * @n @edges (boundary values worth trying for the format at hand), a
 * nudge by -1/0/+1, or noise.
 */
static inline uint8_t rng_mutate_byte(uint8_t old, const uint8_t *edges,
				      size_t n)
{
	switch (rng() % 4) {
	case 0:
		return old ^ (uint8_t)(1u << (rng() % 8));
	case 1:
		return edges[rng() % n];
	case 2:
		return (uint8_t)(old + 1 - (uint8_t)(rng() % 3));
	default:
		return (uint8_t)rng();
	}
}
