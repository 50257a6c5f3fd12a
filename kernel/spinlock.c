/*
 * Ticket spinlocks (see kernel/sync.h).  Taking a lock this CPU already
 * holds would spin forever, so it panics with the lock's name instead.
 */
#include "kernel/sync.h"
#include "kernel/kassert.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

void spin_init(struct spinlock *l, const char *name)
{
	l->next = 0;
	l->owner = 0;
	l->name = name;
	l->holder_cpu = -1;
}

void spin_lock(struct spinlock *l)
{
	int me = (int)this_cpu()->index;
	uint32_t ticket;

	if (unlikely(l->holder_cpu == me))
		panic("spinlock %s: recursive lock on CPU %d", l->name, me);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
	l->holder_cpu = me;
}

bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expected = owner;

	if (!__atomic_compare_exchange_n(&l->next, &expected, owner + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	l->holder_cpu = (int)this_cpu()->index;
	return true;
}

void spin_unlock(struct spinlock *l)
{
	KASSERT(l->holder_cpu == (int)this_cpu()->index);
	l->holder_cpu = -1;
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

bool spin_is_held_by_me(const struct spinlock *l)
{
	return l->holder_cpu == (int)this_cpu()->index;
}
