/*
 * Ticket spinlocks (see kernel/sync.h).  Taking a lock this CPU already
 * holds would spin forever, so it panics with the lock's name instead;
 * taking locks out of rank order panics too (see enum lock_rank).  The
 * held ranks live in the CPU's struct cpu: spinlocks are never held
 * across a switch to another CPU.
 */
#include "kernel/sync.h"
#include "kernel/kassert.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

void spin_init(struct spinlock *l, const char *name, unsigned rank)
{
	l->next = 0;
	l->owner = 0;
	l->name = name;
	l->holder_cpu = -1;
	l->rank = (uint8_t)rank;
}

static void check_rank(const struct spinlock *l, struct cpu *c)
{
	uint64_t held = c->held_lock_ranks;

	if (likely(!lock_rank_violates(held, l->rank)))
		return;
	panic("lock order violation on CPU %u: taking %s (rank %u) while "
	      "holding rank %u", c->index, l->name, l->rank,
	      63 - (unsigned)__builtin_clzll(held));
}

static void note_held(const struct spinlock *l, struct cpu *c)
{
	if (l->rank != LOCK_RANK_NONE)
		c->held_lock_ranks |= 1ull << l->rank;
}

void spin_lock(struct spinlock *l)
{
	struct cpu *c = this_cpu();
	int me = (int)c->index;
	uint32_t ticket;

	if (unlikely(l->holder_cpu == me))
		panic("spinlock %s: recursive lock on CPU %d", l->name, me);
	check_rank(l, c);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
	l->holder_cpu = me;
	note_held(l, c);
}

bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expected = owner;

	struct cpu *c = this_cpu();

	/* No rank check: a trylock that fails cannot deadlock. */
	if (!__atomic_compare_exchange_n(&l->next, &expected, owner + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	l->holder_cpu = (int)c->index;
	note_held(l, c);
	return true;
}

void spin_unlock(struct spinlock *l)
{
	struct cpu *c = this_cpu();

	KASSERT(l->holder_cpu == (int)c->index);
	if (l->rank != LOCK_RANK_NONE)
		c->held_lock_ranks &= ~(1ull << l->rank);
	l->holder_cpu = -1;
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

bool spin_is_held_by_me(const struct spinlock *l)
{
	return l->holder_cpu == (int)this_cpu()->index;
}
