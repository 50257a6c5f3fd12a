/*
 * Unit tests for kernel/lib/chacha20.c (the RFC 8439 block function,
 * checked against the RFC's published vectors) and kernel/lib/csprng.c
 * (the fast-key-erasure generator built on it: determinism, key erasure,
 * reseeding, request and segment boundaries, and coarse statistics over
 * a fixed seed, so no test can be flaky).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/lib/chacha20.h"
#include "kernel/lib/csprng.h"

/* RFC 8439 section 2.3.2: key 00 01 .. 1f, block counter 1. */
static const uint8_t rfc_key[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const uint8_t block_nonce[12] = {
	0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x4a,
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t block_out[64] = {
	0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
	0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
	0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03,
	0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
	0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09,
	0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
	0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9,
	0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
};

/* RFC 8439 appendix A.1, test vector #1: zero key, nonce and counter. */
static const uint8_t zero_key_out[64] = {
	0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90,
	0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
	0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a,
	0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7,
	0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d,
	0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37,
	0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1, 0x1c,
	0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
};

/* RFC 8439 section 2.4.2: same key, this nonce, initial counter 1. */
static const uint8_t sunscreen_nonce[12] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4a,
	0x00, 0x00, 0x00, 0x00,
};

static const char sunscreen_text[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you "
	"only one tip for the future, sunscreen would be it.";

static const uint8_t sunscreen_cipher[114] = {
	0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80,
	0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
	0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2,
	0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
	0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab,
	0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
	0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab,
	0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
	0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61,
	0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
	0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06,
	0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
	0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6,
	0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
	0x87, 0x4d,
};
_Static_assert(sizeof(sunscreen_text) - 1 == sizeof(sunscreen_cipher),
	       "the RFC's plaintext is 114 bytes");

static void chacha20_block_matches_rfc8439_2_3_2(void **state)
{
	uint32_t key[8], nonce[3];
	uint8_t out[64];

	(void)state;
	chacha20_load_le32(key, rfc_key, 8);
	chacha20_load_le32(nonce, block_nonce, 3);
	chacha20_block(key, 1, nonce, out);
	assert_memory_equal(out, block_out, sizeof(out));
}

static void chacha20_block_matches_rfc8439_zero_key(void **state)
{
	const uint32_t key[8] = { 0 }, nonce[3] = { 0 };
	uint8_t out[64];

	(void)state;
	chacha20_block(key, 0, nonce, out);
	assert_memory_equal(out, zero_key_out, sizeof(out));
}

static void chacha20_xor_matches_rfc8439_2_4_2(void **state)
{
	uint32_t key[8], nonce[3];
	uint8_t buf[sizeof(sunscreen_cipher)];
	uint32_t next;

	(void)state;
	chacha20_load_le32(key, rfc_key, 8);
	chacha20_load_le32(nonce, sunscreen_nonce, 3);
	next = chacha20_xor(key, 1, nonce, buf, sunscreen_text, sizeof(buf));
	assert_memory_equal(buf, sunscreen_cipher, sizeof(buf));
	assert_int_equal(next, 3);	/* 114 bytes: blocks 1 and 2 */

	/* Decryption is the same operation, here in place. */
	chacha20_xor(key, 1, nonce, buf, buf, sizeof(buf));
	assert_memory_equal(buf, sunscreen_text, sizeof(buf));
}

static void chacha20_load_le32_reads_little_endian(void **state)
{
	const uint8_t bytes[8] = { 0x01, 0x02, 0x03, 0x04,
				   0xfc, 0xfd, 0xfe, 0xff };
	uint32_t w[2];

	(void)state;
	chacha20_load_le32(w, bytes, 2);
	assert_int_equal(w[0], 0x04030201u);
	assert_int_equal(w[1], 0xfffefdfcu);
}

static void chacha20_wipe_zeroes_every_byte(void **state)
{
	uint8_t buf[37], zero[37] = { 0 };

	(void)state;
	memset(buf, 0xa5, sizeof(buf));
	chacha20_wipe(buf + 1, 35);
	assert_int_equal(buf[0], 0xa5);
	assert_memory_equal(buf + 1, zero, 35);
	assert_int_equal(buf[36], 0xa5);
}

/* A generator reseeded from a short test string. */
static void seeded(struct csprng *g, const char *seed)
{
	csprng_init(g);
	csprng_reseed(g, seed, strlen(seed));
}

static void csprng_same_seed_gives_same_stream(void **state)
{
	struct csprng a, b;
	uint8_t x[300], y[300];

	(void)state;
	seeded(&a, "basalt test seed");
	seeded(&b, "basalt test seed");
	for (int i = 0; i < 5; i++) {
		csprng_generate(&a, x, sizeof(x));
		csprng_generate(&b, y, sizeof(y));
		assert_memory_equal(x, y, sizeof(x));
	}
}

static void csprng_different_seed_gives_different_stream(void **state)
{
	struct csprng a, b;
	uint8_t x[64], y[64];

	(void)state;
	seeded(&a, "basalt test seed");
	seeded(&b, "basalt test seeD");
	csprng_generate(&a, x, sizeof(x));
	csprng_generate(&b, y, sizeof(y));
	assert_memory_not_equal(x, y, sizeof(x));
}

/* Zero padding of the last 12-byte piece must not merge "ab" and "ab\0". */
static void csprng_reseed_length_is_part_of_the_seed(void **state)
{
	struct csprng a, b;

	(void)state;
	csprng_init(&a);
	csprng_init(&b);
	csprng_reseed(&a, "ab", 2);
	csprng_reseed(&b, "ab\0", 3);
	assert_memory_not_equal(a.key, b.key, sizeof(a.key));
}

/* Flipping any one bit of a seed of several pieces changes the key. */
static void csprng_reseed_depends_on_every_seed_byte(void **state)
{
	uint8_t seed[40];
	struct csprng base, g;

	(void)state;
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 29 + 3);
	csprng_init(&base);
	csprng_reseed(&base, seed, sizeof(seed));
	for (size_t i = 0; i < sizeof(seed); i++) {
		seed[i] ^= 0x10;
		csprng_init(&g);
		csprng_reseed(&g, seed, sizeof(seed));
		assert_memory_not_equal(g.key, base.key, sizeof(g.key));
		seed[i] ^= 0x10;
	}
}

/* Fast key erasure: after any request the old key is gone from the state. */
static void csprng_generate_replaces_key(void **state)
{
	struct csprng g;
	uint32_t before[8];
	uint8_t out[200];

	(void)state;
	seeded(&g, "erase me");
	for (size_t len = 0; len <= 200; len += 50) {
		memcpy(before, g.key, sizeof(before));
		csprng_generate(&g, out, len);
		assert_memory_not_equal(g.key, before, sizeof(before));
	}
	memcpy(before, g.key, sizeof(before));
	csprng_generate(&g, NULL, 0);	/* even an empty request turns it */
	assert_memory_not_equal(g.key, before, sizeof(before));
}

/*
 * The construction pinned down: the next key is keystream bytes 0..31
 * under the current key with nonce 0, and the output is the keystream
 * straight after it.
 */
static void csprng_output_is_keystream_after_new_key(void **state)
{
	static const uint32_t nonce[3] = { 0, 0, 0 };
	struct csprng g;
	uint32_t key[8], next_key[8];
	uint8_t ks[4 * 64], out[200];

	(void)state;
	seeded(&g, "pin the design");
	memcpy(key, g.key, sizeof(key));
	for (uint32_t i = 0; i < 4; i++)
		chacha20_block(key, i, nonce, ks + 64 * i);
	chacha20_load_le32(next_key, ks, 8);

	csprng_generate(&g, out, sizeof(out));
	assert_memory_equal(out, ks + 32, sizeof(out));
	assert_memory_equal(g.key, next_key, sizeof(next_key));
}

static void csprng_reseed_changes_output(void **state)
{
	struct csprng a, b;
	uint8_t x[64], y[64];

	(void)state;
	seeded(&a, "same start");
	seeded(&b, "same start");
	csprng_reseed(&b, "more entropy", 12);
	csprng_generate(&a, x, sizeof(x));
	csprng_generate(&b, y, sizeof(y));
	assert_memory_not_equal(x, y, sizeof(x));

	/* An empty reseed still turns the key over. */
	seeded(&a, "same start");
	seeded(&b, "same start");
	csprng_reseed(&b, NULL, 0);
	csprng_generate(&a, x, sizeof(x));
	csprng_generate(&b, y, sizeof(y));
	assert_memory_not_equal(x, y, sizeof(x));
}

/*
 * Requests are not a byte stream: from the same state, generate(1) then
 * generate(63) agrees with generate(64) only in the first byte (a request
 * is a prefix of a longer first request), and the rest comes from a new
 * key.  The states afterwards differ too.
 */
static void csprng_two_requests_differ_from_one(void **state)
{
	struct csprng a, b;
	uint8_t split[64], whole[64];

	(void)state;
	seeded(&a, "request based");
	seeded(&b, "request based");
	csprng_generate(&a, split, 1);
	csprng_generate(&a, split + 1, 63);
	csprng_generate(&b, whole, 64);
	assert_int_equal(split[0], whole[0]);
	assert_memory_not_equal(split + 1, whole + 1, 63);
	assert_memory_not_equal(a.key, b.key, sizeof(a.key));
}

/* A request past CSPRNG_SEGMENT_BYTES is served as back-to-back requests. */
static void csprng_long_request_is_cut_into_segments(void **state)
{
	const size_t len = CSPRNG_SEGMENT_BYTES + 100;
	uint8_t *whole = malloc(len), *parts = malloc(len);
	struct csprng a, b;

	(void)state;
	assert_non_null(whole);
	assert_non_null(parts);
	seeded(&a, "segments");
	seeded(&b, "segments");
	csprng_generate(&a, whole, len);
	csprng_generate(&b, parts, CSPRNG_SEGMENT_BYTES);
	csprng_generate(&b, parts + CSPRNG_SEGMENT_BYTES, 100);
	assert_memory_equal(whole, parts, len);
	assert_memory_equal(a.key, b.key, sizeof(a.key));
	assert_int_equal(a.requests, 2);
	free(whole);
	free(parts);
}

static void csprng_counts_reseeds_and_output(void **state)
{
	struct csprng g;
	uint8_t out[100];

	(void)state;
	csprng_init(&g);
	assert_false(g.seeded);
	csprng_reseed(&g, "x", 1);
	assert_true(g.seeded);
	csprng_generate(&g, out, sizeof(out));
	csprng_generate(&g, out, 10);
	assert_int_equal(g.bytes_since_reseed, 110);
	assert_int_equal(g.requests, 2);
	csprng_reseed(&g, "y", 1);
	assert_int_equal(g.reseeds, 2);
	assert_int_equal(g.bytes_since_reseed, 0);
}

static void csprng_generate_before_reseed_asserts(void **state)
{
	struct csprng g;
	uint8_t out[16];

	(void)state;
	csprng_init(&g);
	expect_assert_failure(csprng_generate(&g, out, sizeof(out)));
}

/*
 * Byte frequencies over 1 MiB, in 256-byte requests from a fixed seed.
 * Each count should be near 4096 (standard deviation about 64); the
 * chi-square statistic has 255 degrees of freedom, mean 255, standard
 * deviation about 22.6.  The bounds are many deviations wide on both
 * sides: too flat would mean something counter-like, not random.
 */
static void csprng_byte_frequencies_are_flat(void **state)
{
	const size_t total = 1u << 20, expect = total / 256;
	uint64_t counts[256] = { 0 };
	uint8_t buf[256];
	struct csprng g;
	double chi2 = 0;

	(void)state;
	seeded(&g, "frequency test");
	for (size_t done = 0; done < total; done += sizeof(buf)) {
		csprng_generate(&g, buf, sizeof(buf));
		for (size_t i = 0; i < sizeof(buf); i++)
			counts[buf[i]]++;
	}
	for (int v = 0; v < 256; v++) {
		double d = (double)counts[v] - (double)expect;

		assert_in_range(counts[v], expect - 400, expect + 400);
		chi2 += d * d / (double)expect;
	}
	assert_true(chi2 > 150.0);
	assert_true(chi2 < 400.0);
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void csprng_small_requests_are_all_distinct(void **state)
{
	enum { N = 10000 };
	uint8_t (*out)[16] = malloc(N * sizeof(*out));
	struct csprng g;

	(void)state;
	assert_non_null(out);
	seeded(&g, "distinct");
	for (int i = 0; i < N; i++)
		csprng_generate(&g, out[i], 16);
	qsort(out, N, sizeof(*out), cmp16);
	for (int i = 1; i < N; i++)
		assert_memory_not_equal(out[i - 1], out[i], 16);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chacha20_block_matches_rfc8439_2_3_2),
		cmocka_unit_test(chacha20_block_matches_rfc8439_zero_key),
		cmocka_unit_test(chacha20_xor_matches_rfc8439_2_4_2),
		cmocka_unit_test(chacha20_load_le32_reads_little_endian),
		cmocka_unit_test(chacha20_wipe_zeroes_every_byte),
		cmocka_unit_test(csprng_same_seed_gives_same_stream),
		cmocka_unit_test(csprng_different_seed_gives_different_stream),
		cmocka_unit_test(csprng_reseed_length_is_part_of_the_seed),
		cmocka_unit_test(csprng_reseed_depends_on_every_seed_byte),
		cmocka_unit_test(csprng_generate_replaces_key),
		cmocka_unit_test(csprng_output_is_keystream_after_new_key),
		cmocka_unit_test(csprng_reseed_changes_output),
		cmocka_unit_test(csprng_two_requests_differ_from_one),
		cmocka_unit_test(csprng_long_request_is_cut_into_segments),
		cmocka_unit_test(csprng_counts_reseeds_and_output),
		cmocka_unit_test(csprng_generate_before_reseed_asserts),
		cmocka_unit_test(csprng_byte_frequencies_are_flat),
		cmocka_unit_test(csprng_small_requests_are_all_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
