#pragma once
/*
 * The ChaCha20 block function of RFC 8439 (kernel/lib/chacha20.c) and the
 * few helpers its users need.  Pure: no allocation, no locks, no output.
 *
 * Keys and nonces are passed as 32-bit words, already converted from the
 * little-endian byte strings the RFC writes them as; chacha20_load_le32()
 * does that conversion for callers that hold bytes.
 */
#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_WORDS	8	/* 256-bit key */
#define CHACHA20_NONCE_WORDS	3	/* 96-bit nonce */
#define CHACHA20_BLOCK_SIZE	64	/* bytes of keystream per block */

/* kernel/lib/chacha20.c */
void chacha20_block(const uint32_t key[8], uint32_t counter,
		    const uint32_t nonce[3], uint8_t out[64]);
uint32_t chacha20_xor(const uint32_t key[8], uint32_t counter,
		      const uint32_t nonce[3], void *dst, const void *src,
		      size_t len);
void chacha20_load_le32(uint32_t *words, const uint8_t *bytes, size_t nwords);
void chacha20_wipe(void *p, size_t len);
