/*
 * A fast-key-erasure random-number generator over ChaCha20, after
 * D. J. Bernstein's design ("Fast-key-erasure random-number generators",
 * 2017).  The whole state that matters is one 256-bit key K.
 *
 * Generating.  Every request runs ChaCha20 under K with nonce 0 and
 * counters 0, 1, 2, ...: the first 32 bytes of that keystream become the
 * next key at once, and the request's output is the keystream that
 * follows, bytes 32 to 32 + len.  The old key is then wiped.  Whoever
 * steals the state afterwards holds only the new key, from which the old
 * one cannot be computed (ChaCha20 is one-way in its key), so every byte
 * already handed out stays secret: forward secrecy, per request.  A
 * request of up to 32 bytes costs one block.  Requests longer than
 * CSPRNG_SEGMENT_BYTES are cut into segments that are served as separate
 * requests, which bounds how much output one key produces (and keeps the
 * 32-bit block counter far from wrapping).
 *
 * What this does and does not promise, and what the tests check: from a
 * given state, a request's output is a prefix of what a longer request
 * would have returned, but two requests are not the same as one: after
 * generate(1), generate(63) continues under a new key, so it shares
 * nothing with bytes 1..63 of generate(64).  No unused keystream is kept
 * between requests: a buffer of pre-generated output would be more key
 * material sitting in memory, and the per-request block is cheap.
 *
 * Reseeding.  csprng_reseed() folds a seed of any length into K:
 *
 *	K0 = K
 *	K(i+1) = first 32 bytes of ChaCha20(key K(i), counter = seed word 3i,
 *		 nonce = (seed word 3i+1, seed word 3i+2, ABSORB))
 *	K = first 32 bytes of ChaCha20(key K(n), counter = low half of len,
 *	    nonce = (high half of len, 0, FINAL))
 *
 * where the seed is taken 12 bytes (three little-endian words) at a time,
 * the last piece zero-padded.  Why this is sound:
 *
 *  - If the attacker does not know K, each step is ChaCha20 used as a
 *    pseudorandom function under a secret key, the very assumption the
 *    cipher itself rests on; so the new key looks random whatever the
 *    seed was, even if the attacker chose it.  Mixing in junk or hostile
 *    input cannot weaken the generator.
 *
 *  - If the attacker does know K (the state leaked), the new key is only
 *    as unpredictable as the seed.  Modelling the block function as a
 *    random function of its 384 variable input bits (the usual heuristic
 *    for using ChaCha or Salsa20 as a compression function, as HChaCha20
 *    and scrypt do), distinct seeds lead to distinct chains except with
 *    probability about q^2 / 2^256, so the seed's entropy carries into
 *    the key up to its 256 bits.  The closing length block makes the zero
 *    padding unambiguous ("ab" and "ab\0" differ), the standard
 *    Merkle-Damgard strengthening.
 *
 *  - The domain word in nonce[2] (0 for output, ABSORB, FINAL) keeps the
 *    block inputs of reseeding disjoint from those of generating, so no
 *    reseed step can reproduce an output block or a ratchet under the
 *    same key.
 *
 * This is not offered as a general hash; it is a keyed chain whose job is
 * to make the new key depend on all of the old key and all of the seed.
 * How much entropy a seed holds is the caller's business: see
 * drivers/char/random.c, which pools small contributions before reseeding
 * so that an attacker cannot guess them one at a time.
 *
 * Interface: csprng_init(), csprng_reseed(), csprng_generate().  Pure
 * code: the state is caller storage and the caller serialises calls.
 */
#include "kernel/lib/csprng.h"
#include "kernel/kassert.h"
#include "kernel/lib/chacha20.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

#define DOMAIN_OUTPUT	0u
#define DOMAIN_ABSORB	1u
#define DOMAIN_FINAL	2u

#define KEY_BYTES	32u
#define ABSORB_BYTES	12u	/* seed bytes per absorbing block */

static const uint32_t output_nonce[3] = { 0, 0, DOMAIN_OUTPUT };

/*
 * Zero the generator.  It must be reseeded before the first
 * csprng_generate(): an all-zero key is public knowledge.
 */
void csprng_init(struct csprng *g)
{
	chacha20_wipe(g->key, sizeof(g->key));
	g->seeded = false;
	g->reseeds = 0;
	g->requests = 0;
	g->bytes_since_reseed = 0;
}

/* One link of the reseed chain: k = first half of ChaCha20(k, ...). */
static void absorb(uint32_t k[8], uint32_t counter, uint32_t n0, uint32_t n1,
		   uint32_t domain)
{
	uint32_t nonce[3] = { n0, n1, domain };
	uint8_t block[CHACHA20_BLOCK_SIZE];

	chacha20_block(k, counter, nonce, block);
	chacha20_load_le32(k, block, 8);
	chacha20_wipe(block, sizeof(block));
	chacha20_wipe(nonce, sizeof(nonce));
}

/*
 * Fold @len bytes at @seed into the key (see the top of the file) and mark
 * the generator seeded.  Any length works, including 0, which still turns
 * the key over.  The caller serialises calls on @g.
 */
void csprng_reseed(struct csprng *g, const void *seed, size_t len)
{
	const uint8_t *p = seed;
	uint64_t total = len;
	uint8_t chunk[ABSORB_BYTES];
	uint32_t k[8], w[3];

	memcpy(k, g->key, sizeof(k));
	while (len > 0) {
		size_t n = MIN(len, (size_t)ABSORB_BYTES);

		memset(chunk, 0, sizeof(chunk));
		memcpy(chunk, p, n);
		chacha20_load_le32(w, chunk, 3);
		absorb(k, w[0], w[1], w[2], DOMAIN_ABSORB);
		p += n;
		len -= n;
	}
	absorb(k, (uint32_t)total, (uint32_t)(total >> 32), 0, DOMAIN_FINAL);
	memcpy(g->key, k, sizeof(k));

	chacha20_wipe(k, sizeof(k));
	chacha20_wipe(w, sizeof(w));
	chacha20_wipe(chunk, sizeof(chunk));
	g->seeded = true;
	g->reseeds++;
	g->bytes_since_reseed = 0;
}

/* One request of at most CSPRNG_SEGMENT_BYTES: ratchet the key, then fill. */
static void generate_segment(struct csprng *g, uint8_t *out, size_t len)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	uint32_t k[8];
	uint32_t counter = 0;
	size_t n;

	memcpy(k, g->key, sizeof(k));
	chacha20_block(k, counter++, output_nonce, block);
	chacha20_load_le32(g->key, block, 8);	/* old key now only in k */

	n = MIN(len, (size_t)(CHACHA20_BLOCK_SIZE - KEY_BYTES));
	if (n > 0) {		/* a 0-byte request may pass out == NULL */
		memcpy(out, block + KEY_BYTES, n);
		out += n;
		len -= n;
	}
	while (len >= CHACHA20_BLOCK_SIZE) {
		chacha20_block(k, counter++, output_nonce, out);
		out += CHACHA20_BLOCK_SIZE;
		len -= CHACHA20_BLOCK_SIZE;
	}
	if (len > 0) {
		chacha20_block(k, counter, output_nonce, block);
		memcpy(out, block, len);
	}

	chacha20_wipe(k, sizeof(k));
	chacha20_wipe(block, sizeof(block));
	g->requests++;
}

/*
 * Fill @out with @len random bytes and replace the key, so nothing in the
 * state can recompute them.  Any length, including 0 (which still turns
 * the key over).  The generator must have been reseeded at least once.
 * The caller serialises calls on @g.
 */
void csprng_generate(struct csprng *g, void *out, size_t len)
{
	uint8_t *p = out;

	KASSERT(g->seeded);
	for (;;) {
		size_t n = MIN(len, (size_t)CSPRNG_SEGMENT_BYTES);

		generate_segment(g, p, n);
		g->bytes_since_reseed += n;
		len -= n;
		if (len == 0)
			break;
		p += n;
	}
}
