/*
 * The kernel random-number generator: one fast-key-erasure ChaCha20
 * generator (kernel/lib/csprng.c) for the whole machine, seeded once at
 * boot and reseeded as it runs.  It will back /dev/random, /dev/urandom
 * and getrandom(2); it never blocks once random_init() has run.
 *
 * Seeding.  random_init() gathers every source it has: up to 256 bits
 * from RDSEED (the CPU's entropy source proper), up to 256 bits from
 * RDRAND (its DRBG), and RANDOM_JITTER_SAMPLES cycle-counter deltas
 * measured around short busy loops, whose low bits wobble with cache,
 * pipeline, interrupt and (under a hypervisor) host scheduling noise.
 * Nothing here estimates how much entropy the jitter holds; it is simply
 * all mixed in, so the seed is at least as strong as the best source
 * present.  One log line names the sources that worked.  A machine
 * without RDRAND and RDSEED (old CPUs, QEMU's default TCG model) starts
 * from jitter alone, which is weaker; random_has_hw_source() tells
 * callers which case they are in.
 *
 * Later entropy.  random_add_entropy() does not touch the output
 * generator.  It is absorbed into a second generator used only as a pool,
 * and the pool is folded into the output generator at the next reseed.
 * Reseeding straight away from each small contribution would let someone
 * who once learned the state guess every few-bit addition in turn and
 * keep following it; pooling means a reseed brings in all that has
 * arrived at once.
 *
 * Reseeding.  After RANDOM_RESEED_BYTES of output, or once
 * RANDOM_POOL_MIN bytes of new entropy are waiting, the next
 * random_get_bytes() reseeds: 32 bytes drawn from the pool, fresh RDRAND
 * words when the CPU has them, and the cycle counter.  The RDRAND
 * instructions run before random_lock is taken, since on some CPUs (and
 * with some microcode mitigations) each one costs microseconds.
 *
 * Locking.  random_lock guards both generators and the pending count; it
 * is a leaf (rank LOCK_RANK_RANDOM): nothing, not even printk, is called
 * while it is held.  Output is produced RANDOM_CHUNK bytes per hold, so a
 * large request never keeps the lock, or another CPU waiting for it,
 * busy for long; each chunk is its own generator request, so the key is
 * erased after every chunk too.  The lock is taken with spin_lock(), not
 * spin_lock_irqsave(): nothing calls in from interrupt handlers yet.  A
 * handler that wants to feed entropy or draw bytes must first turn these
 * into the irqsave forms, or it will find the lock held by the very code
 * it interrupted.
 *
 * Interface: random_init(), random_add_entropy(), random_get_bytes(),
 * random_has_hw_source().
 */
#include "drivers/char/random.h"
#include "arch/arch.h"
#include "kernel/kassert.h"
#include "kernel/lib/chacha20.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/csprng.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/sync.h"

#define RANDOM_CHUNK		256		/* output bytes per lock hold */
#define RANDOM_RESEED_BYTES	(64u * 1024)	/* reseed after this output */
#define RANDOM_POOL_MIN		64		/* pending bytes: reseed */
#define RANDOM_HW_WORDS		4		/* 64-bit words per source */
#define RANDOM_JITTER_SAMPLES	256
#define RANDOM_JITTER_BATCH	32		/* samples per pool absorb */

/* [I] set by random_init() before random_ready  [R] random_lock */
static struct spinlock random_lock;
static struct csprng random_crng;	/* [R] hands out the output */
static struct csprng random_pool;	/* [R] absorbs random_add_entropy() */
static size_t random_pending;		/* [R] bytes absorbed since reseed */
static bool random_hw;			/* [I] RDSEED or RDRAND worked */
static bool random_ready;		/* set last by random_init() */

/* Append up to @max words from @src to @buf; returns how many it got. */
static unsigned read_hw(bool (*src)(uint64_t *), uint64_t *buf,
			unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < max; i++)
		if (src(&buf[n]))
			n++;
	return n;
}

/*
 * Time RANDOM_JITTER_SAMPLES short busy loops with the cycle counter and
 * absorb the deltas into the pool.  Each loop's length depends on the
 * previous delta, so one sample's noise perturbs the next measurement.
 */
static void absorb_jitter(void)
{
	uint64_t samples[RANDOM_JITTER_BATCH];
	uint64_t prev = 0;

	for (unsigned done = 0; done < RANDOM_JITTER_SAMPLES;
	     done += RANDOM_JITTER_BATCH) {
		for (unsigned i = 0; i < RANDOM_JITTER_BATCH; i++) {
			uint64_t t0 = arch_cycles();

			for (unsigned j = 0; j < 16 + (prev & 31); j++)
				arch_cpu_relax();
			prev = arch_cycles() - t0;
			samples[i] = prev;
		}
		spin_lock(&random_lock);
		csprng_reseed(&random_pool, samples, sizeof(samples));
		spin_unlock(&random_lock);
	}
	chacha20_wipe(samples, sizeof(samples));
}

/*
 * Fold the pool, up to @nhw words at @hw and the cycle counter into the
 * output generator.  Takes random_lock.
 */
static void reseed_crng(const uint64_t *hw, unsigned nhw)
{
	uint8_t seed[32 + 8 + 8 * 2 * RANDOM_HW_WORDS];
	uint64_t now = arch_cycles();
	size_t len = 32;

	KASSERT(nhw <= 2 * RANDOM_HW_WORDS);
	memcpy(seed + len, &now, sizeof(now));
	len += sizeof(now);
	memcpy(seed + len, hw, nhw * sizeof(*hw));
	len += nhw * sizeof(*hw);

	spin_lock(&random_lock);
	csprng_generate(&random_pool, seed, 32);
	random_pending = 0;
	csprng_reseed(&random_crng, seed, len);
	spin_unlock(&random_lock);

	chacha20_wipe(seed, sizeof(seed));
}

/* A periodic reseed from random_get_bytes(): the pool plus fresh RDRAND. */
static void reseed_periodic(void)
{
	uint64_t hw[RANDOM_HW_WORDS];
	unsigned n = read_hw(arch_rdrand64, hw, RANDOM_HW_WORDS);

	reseed_crng(hw, n);
	chacha20_wipe(hw, sizeof(hw));
}

/*
 * Seed the generator from every source the machine has and log which
 * ones those were.  Call once, on one CPU, before anything asks for
 * random bytes; takes random_lock and may spin for a few microseconds.
 */
void random_init(void)
{
	uint64_t hw[2 * RANDOM_HW_WORDS];
	unsigned nseed, nrand;

	spin_init(&random_lock, "random", LOCK_RANK_RANDOM);
	csprng_init(&random_crng);
	csprng_init(&random_pool);
	random_pending = 0;

	nseed = read_hw(arch_rdseed64, hw, RANDOM_HW_WORDS);
	nrand = read_hw(arch_rdrand64, hw + nseed, RANDOM_HW_WORDS);
	absorb_jitter();
	reseed_crng(hw, nseed + nrand);
	chacha20_wipe(hw, sizeof(hw));

	random_hw = nseed + nrand > 0;
	__atomic_store_n(&random_ready, true, __ATOMIC_RELEASE);
	pr_info("random: seeded from %s%s%u cycle-counter jitter samples%s\n",
		nseed ? "RDSEED, " : "", nrand ? "RDRAND, " : "",
		RANDOM_JITTER_SAMPLES,
		random_hw ? "" : " only (no hardware source)");
}

/*
 * Mix @len bytes at @buf into the pool; they reach the output at the next
 * reseed.  Harmless even if the bytes are guessable or hostile.  Takes
 * random_lock; not from interrupt handlers (see the top of the file).
 */
void random_add_entropy(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	KASSERT(__atomic_load_n(&random_ready, __ATOMIC_ACQUIRE));
	while (len > 0) {
		size_t n = MIN(len, (size_t)RANDOM_CHUNK);

		spin_lock(&random_lock);
		csprng_reseed(&random_pool, p, n);
		random_pending += n;
		spin_unlock(&random_lock);
		p += n;
		len -= n;
	}
}

/*
 * Fill @out with @len random bytes.  Never blocks; @out must be kernel
 * memory that cannot fault (copy to user space from a bounce buffer).
 * Takes random_lock once per RANDOM_CHUNK bytes and drops it in between;
 * may pause to reseed (see the top of the file).  Not from interrupt
 * handlers.  Must not be called before random_init().
 */
void random_get_bytes(void *out, size_t len)
{
	uint8_t *p = out;

	KASSERT(__atomic_load_n(&random_ready, __ATOMIC_ACQUIRE));
	while (len > 0) {
		size_t n = MIN(len, (size_t)RANDOM_CHUNK);
		bool due;

		spin_lock(&random_lock);
		csprng_generate(&random_crng, p, n);
		due = random_crng.bytes_since_reseed >= RANDOM_RESEED_BYTES ||
		      random_pending >= RANDOM_POOL_MIN;
		spin_unlock(&random_lock);
		if (due)
			reseed_periodic();
		p += n;
		len -= n;
	}
}

/*
 * Did RDSEED or RDRAND contribute to the boot seed?  If not, the seed came
 * from timing jitter alone.  Valid after random_init().
 */
bool random_has_hw_source(void)
{
	return random_hw;
}
