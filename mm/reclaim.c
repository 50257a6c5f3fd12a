/*
 * Memory reclaim: when an allocation finds no free memory, caches that
 * can give memory back (the dentry cache first) are asked to shrink, and
 * empty slab pages go back to the page allocator; then the allocation is
 * tried once more.
 *
 * Reclaim calls into subsystems that take their own locks and free
 * memory, so it only runs where that is safe: with interrupts on and no
 * ranked spinlock held by this CPU.  An allocation made under a spinlock
 * (the page cache's tree_lock, kmalloc's own lock) simply fails instead;
 * its caller's caller, which holds nothing, retries with reclaim.
 *
 * Shrinkers register once at start-up and stay: a fixed array, appended
 * to atomically, read without a lock.
 */
#include "mm/mm.h"
#include "arch/arch.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

#define MAX_SHRINKERS 8

static struct shrinker *shrinkers[MAX_SHRINKERS];
static unsigned nr_shrinkers;	/* atomic; entries below it are set */

void shrinker_register(struct shrinker *s)
{
	unsigned slot = __atomic_fetch_add(&nr_shrinkers, 1, __ATOMIC_ACQ_REL);

	if (slot >= MAX_SHRINKERS) {
		pr_warn("mm: no room for shrinker %s", s->name);
		return;
	}
	__atomic_store_n(&shrinkers[slot], s, __ATOMIC_RELEASE);
}

static bool reclaim_allowed(void)
{
	return arch_irqs_enabled() && this_cpu()->held_lock_ranks == 0;
}

/* Shrinks every cache; true if anything was freed (worth a retry). */
bool mm_reclaim(void)
{
	unsigned n = __atomic_load_n(&nr_shrinkers, __ATOMIC_ACQUIRE);
	struct mem_stats before, after;
	size_t freed = 0;

	if (!reclaim_allowed())
		return false;
	mm_get_stats(&before);
	for (unsigned i = 0; i < n && i < MAX_SHRINKERS; i++) {
		struct shrinker *s = __atomic_load_n(&shrinkers[i],
						     __ATOMIC_ACQUIRE);

		if (s)
			freed += s->scan(SHRINK_BATCH);
	}
	kmalloc_shrink();
	mm_get_stats(&after);
	return freed || after.free_pages > before.free_pages;
}
