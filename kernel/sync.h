#pragma once
/*
 * Spinlocks.  A ticket lock: FIFO fair, one cache line.  spin_lock() is
 * for data never touched from interrupt handlers; spin_lock_irqsave()
 * disables interrupts first, for data that handlers touch too.
 *
 * Global lock order, outermost first (keep in step with
 * docs/architecture.md):
 *   crosscall call_lock (arch/x86_64/crosscall.c): the called function
 *   runs under it, so it may take any lock below
 *   kmalloc_lock (mm/kmalloc.c)
 *     zone_lock (mm/page_alloc.c)
 *   kpt_lock (arch/x86_64/paging.c)
 *     zone_lock
 *   mapping->tree_lock (fs/pagecache.c)
 *     kmalloc_lock, zone_lock
 *   kstack_lock, ioapic_lock, rx_lock, random_lock, dcache_lock,
 *   mount_lock and log_lock are leaves: nothing is taken inside them.
 * A panic ignores log_lock (it may have died holding it).
 *
 * The order is checked, not just written down: every lock has a rank
 * (enum lock_rank, the list above as numbers) and a CPU may only take a
 * lock whose rank is above every rank it holds; spin_lock() panics on a
 * violation, naming both.  Locks of one class are never nested yet, so
 * equal ranks are a violation too.  LOCK_RANK_NONE opts a lock out.
 */
#include <stdbool.h>
#include <stdint.h>
#include "arch/arch.h"

enum lock_rank {
	LOCK_RANK_NONE = 0,		/* not checked */
	LOCK_RANK_CROSSCALL = 5,	/* held while other CPUs run the call */
	LOCK_RANK_PAGECACHE = 8,	/* mapping tree_lock: allocates inside */
	LOCK_RANK_KMALLOC = 10,
	LOCK_RANK_KPT = 10,		/* never nested with kmalloc_lock */
	LOCK_RANK_ZONE = 20,
	LOCK_RANK_KSTACK = 30,
	LOCK_RANK_IOAPIC = 40,
	LOCK_RANK_SERIAL_RX = 41,
	LOCK_RANK_RANDOM = 45,
	LOCK_RANK_DCACHE = 50,		/* dcache_lock */
	LOCK_RANK_MOUNT = 51,		/* mount_lock */
	LOCK_RANK_LOG = 60,		/* innermost: printk works anywhere */
	LOCK_RANK_MAX = 63,
};

struct spinlock {
	volatile uint32_t next;		/* ticket handed to the next locker */
	volatile uint32_t owner;	/* ticket now holding the lock */
	const char *name;
	int holder_cpu;			/* -1 when free: catches self-deadlock */
	uint8_t rank;			/* enum lock_rank */
};

#define SPINLOCK_INIT(n, r)                                                \
	{ .next = 0, .owner = 0, .name = (n), .holder_cpu = -1, .rank = (r) }

/*
 * Would taking a lock of @rank while holding the ranks in @held (bit n =
 * rank n held) break the lock order?  Pure: shared with the unit tests.
 */
static inline bool lock_rank_violates(uint64_t held, unsigned rank)
{
	return rank != LOCK_RANK_NONE && (held >> rank) != 0;
}

void spin_init(struct spinlock *l, const char *name, unsigned rank);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);
bool spin_is_held_by_me(const struct spinlock *l);

/* Disable interrupts, then lock; returns the flags for the unlock. */
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l,
					  unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#define ASSERT_HELD(l) KASSERT(spin_is_held_by_me(l))

/*
 * Sleeping locks, for long critical sections that may allocate memory or
 * (later) wait for I/O: the VFS holds an inode's i_lock across a whole
 * write.  Never taken in interrupt handlers, never while holding a
 * spinlock (might_sleep() checks).  There is no scheduler yet, so a
 * contended mutex waits by spinning; when tasks arrive the wait becomes a
 * sleep on a wait queue and the owner becomes the task, with no change to
 * callers.  Mutexes are not ranked: their order is written next to the
 * code that nests them (fs/ keeps its slice in fs/vfs.h).
 */
struct mutex {
	struct spinlock wait_lock;	/* guards owner */
	int owner;			/* CPU index + 1 of the holder, 0 free */
	const char *name;
};

#define MUTEX_INIT(n)                                                      \
	{ .wait_lock = SPINLOCK_INIT(n, LOCK_RANK_NONE), .owner = 0,       \
	  .name = (n) }

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_held_by_me(const struct mutex *m);

/* Panics if the caller holds a ranked spinlock: it is about to block. */
void might_sleep(void);

#define ASSERT_MUTEX_HELD(m) KASSERT(mutex_is_held_by_me(m))
