#pragma once
/*
 * Fast-key-erasure random-number generator over ChaCha20
 * (kernel/lib/csprng.c).  Pure: the state is caller storage and the caller
 * serialises all calls on one generator (drivers/char/random.c holds
 * random_lock around them).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bytes handed out per key at most: a longer request is served as several
 * back-to-back requests, so the key also turns over inside it.
 */
#define CSPRNG_SEGMENT_BYTES	65536

/* All fields belong to whoever serialises calls on the generator. */
struct csprng {
	uint32_t key[8];		/* new after every request, reseed */
	bool seeded;			/* csprng_reseed() has run */
	uint64_t reseeds;		/* csprng_reseed() calls since init */
	uint64_t requests;		/* keys used for output since init */
	uint64_t bytes_since_reseed;	/* output since the last reseed */
};

/* kernel/lib/csprng.c */
void csprng_init(struct csprng *g);
void csprng_reseed(struct csprng *g, const void *seed, size_t len);
void csprng_generate(struct csprng *g, void *out, size_t len);
