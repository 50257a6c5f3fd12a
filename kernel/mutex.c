/*
 * Mutexes (see kernel/sync.h).  Until the scheduler exists there is
 * nothing to sleep on, so mutex_lock() spins on the owner field; the
 * interface and the rules (no spinlock held, not in interrupts) are the
 * final ones, so callers need no change when waiting becomes sleeping.
 * Taking a mutex this CPU already holds would never finish: it panics
 * with the mutex's name instead.
 */
#include "kernel/sync.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

void mutex_init(struct mutex *m, const char *name)
{
	spin_init(&m->wait_lock, name, LOCK_RANK_NONE);
	m->owner = 0;
	m->name = name;
}

static int my_owner_token(void)
{
	return (int)this_cpu()->index + 1;
}

bool mutex_trylock(struct mutex *m)
{
	bool got = false;

	spin_lock(&m->wait_lock);
	if (m->owner == 0) {
		m->owner = my_owner_token();
		got = true;
	}
	spin_unlock(&m->wait_lock);
	return got;
}

void mutex_lock(struct mutex *m)
{
	might_sleep();
	if (unlikely(READ_ONCE(m->owner) == my_owner_token()))
		panic("mutex %s: recursive lock", m->name);
	while (!mutex_trylock(m))
		while (READ_ONCE(m->owner) != 0)
			arch_cpu_relax();
}

void mutex_unlock(struct mutex *m)
{
	KASSERT(m->owner == my_owner_token());
	spin_lock(&m->wait_lock);
	m->owner = 0;
	spin_unlock(&m->wait_lock);
}

bool mutex_is_held_by_me(const struct mutex *m)
{
	return READ_ONCE(m->owner) == my_owner_token();
}

void might_sleep(void)
{
	uint64_t held = this_cpu()->held_lock_ranks;

	if (unlikely(held))
		panic("might_sleep() with a spinlock of rank %u held",
		      63 - (unsigned)__builtin_clzll(held));
}
