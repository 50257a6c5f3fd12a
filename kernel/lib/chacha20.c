/*
 * ChaCha20, the block function of RFC 8439: a 256-bit key, a 32-bit block
 * counter and a 96-bit nonce go in, 64 bytes of keystream come out.  It is
 * here to drive the kernel's random-number generator (kernel/lib/csprng.c)
 * and may later serve anything else that needs a stream cipher.
 *
 * Why ChaCha20: it uses only 32-bit additions, rotations and exclusive-ors,
 * so it needs no lookup tables (nothing secret-dependent touches memory,
 * so no cache-timing leaks), no floating-point or vector registers (the
 * kernel is built -mgeneral-regs-only) and no special instructions.  It is
 * one of the most studied stream ciphers, and the same primitive already
 * backs Linux's /dev/urandom and OpenBSD's arc4random, so the construction
 * above it is a well-trodden one.
 *
 * The state is a 4x4 matrix of words: the constant "expand 32-byte k",
 * the eight key words, the counter and the three nonce words.  Twenty
 * rounds (ten "double rounds": quarter-rounds down the four columns, then
 * along the four diagonals) scramble a copy; the original is added back
 * word by word, which is what makes the function one-way in the key; the
 * sixteen words are then written out little-endian.  Serialisation is done
 * with shifts rather than by copying words, so the code gives the RFC's
 * bytes on any host, and compilers turn it into plain stores on x86.
 *
 * Interface: chacha20_block() for one block, chacha20_xor() to encrypt or
 * decrypt a run of bytes, chacha20_load_le32() to turn key or nonce bytes
 * into words, chacha20_wipe() to erase key material in a way the compiler
 * cannot optimise out.  Pure code: callers own all storage and locking.
 */
#include "kernel/lib/chacha20.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"

/* "expand 32-byte k" as four little-endian words (RFC 8439 section 2.3). */
#define SIGMA0	0x61707865u
#define SIGMA1	0x3320646eu
#define SIGMA2	0x79622d32u
#define SIGMA3	0x6b206574u

static inline uint32_t rotl32(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static inline void quarter_round(uint32_t *x, unsigned a, unsigned b,
				 unsigned c, unsigned d)
{
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 7);
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * Write 64 bytes of keystream for block @counter of the stream named by
 * @key and @nonce into @out.  The scratch state is wiped before return,
 * so nothing key-derived is left on the stack beyond @out itself.
 */
void chacha20_block(const uint32_t key[8], uint32_t counter,
		    const uint32_t nonce[3], uint8_t out[64])
{
	uint32_t in[16], x[16];
	unsigned i;

	in[0] = SIGMA0;
	in[1] = SIGMA1;
	in[2] = SIGMA2;
	in[3] = SIGMA3;
	for (i = 0; i < 8; i++)
		in[4 + i] = key[i];
	in[12] = counter;
	in[13] = nonce[0];
	in[14] = nonce[1];
	in[15] = nonce[2];

	for (i = 0; i < 16; i++)
		x[i] = in[i];
	for (i = 0; i < 10; i++) {
		/* columns */
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		/* diagonals */
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + in[i]);

	chacha20_wipe(x, sizeof(x));
	chacha20_wipe(in, sizeof(in));
}

/*
 * Exclusive-or @len bytes of @src with the keystream starting at block
 * @counter and write them to @dst (encryption and decryption are the same
 * operation; @dst may equal @src).  A final partial block uses the front
 * of its keystream and discards the rest.  Returns the counter of the
 * first block not used, for a caller that continues the stream at a block
 * boundary.  The counter must not wrap: at most 2^32 blocks per nonce.
 */
uint32_t chacha20_xor(const uint32_t key[8], uint32_t counter,
		      const uint32_t nonce[3], void *dst, const void *src,
		      size_t len)
{
	const uint8_t *s = src;
	uint8_t *d = dst;
	uint8_t ks[CHACHA20_BLOCK_SIZE];
	uint64_t blocks = (len + CHACHA20_BLOCK_SIZE - 1) / CHACHA20_BLOCK_SIZE;

	KASSERT((uint64_t)counter + blocks <= (1ull << 32));
	while (len > 0) {
		size_t n = MIN(len, (size_t)CHACHA20_BLOCK_SIZE);

		chacha20_block(key, counter++, nonce, ks);
		for (size_t i = 0; i < n; i++)
			d[i] = s[i] ^ ks[i];
		d += n;
		s += n;
		len -= n;
	}
	chacha20_wipe(ks, sizeof(ks));
	return counter;
}

/* Read @nwords little-endian 32-bit words from @bytes into @words. */
void chacha20_load_le32(uint32_t *words, const uint8_t *bytes, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++, bytes += 4)
		words[i] = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
			   (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

/*
 * Zero @len bytes at @p.  A plain memset() of a buffer that is about to
 * go out of scope is a dead store the compiler may delete; stores through
 * a volatile pointer must all happen, so keys really are erased.
 */
void chacha20_wipe(void *p, size_t len)
{
	volatile uint8_t *v = p;

	while (len--)
		*v++ = 0;
}
