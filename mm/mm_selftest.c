/*
 * Memory self-test, run on demand (monitor `memtest`): every online CPU at
 * once allocates and frees kmalloc objects of mixed sizes, whole page
 * blocks and a guarded kernel stack, writes a pattern unique to the CPU, slot and offset into each,
 * and checks it before freeing.  Afterwards every page must be back:
 * the free page count before and after (with empty slabs returned) must
 * match.  It proves the allocator locks under real concurrency; a
 * corrupted pattern or a lost page is counted as an error.
 */
#include "mm/mm.h"
#include "arch/arch.h"
#include "kernel/percpu.h"

#define SLOTS		64
#define ITERATIONS	3000

struct memtest_shared {
	uint64_t allocations;	/* [A] */
	uint64_t errors;	/* [A] */
	uint64_t failures;	/* [A] allocations that returned NULL */
};

struct slot {
	uint8_t *ptr;
	size_t size;
	int order;		/* -1: kmalloc object, else page block */
};

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static uint8_t pattern(unsigned cpu, unsigned slot, size_t off)
{
	return (uint8_t)(cpu * 31 + slot * 7 + off);
}

static void fill(struct slot *s, unsigned cpu, unsigned idx)
{
	for (size_t i = 0; i < s->size; i++)
		s->ptr[i] = pattern(cpu, idx, i);
}

static uint64_t count_bad(const struct slot *s, unsigned cpu, unsigned idx)
{
	uint64_t bad = 0;

	for (size_t i = 0; i < s->size; i++)
		bad += s->ptr[i] != pattern(cpu, idx, i);
	return bad != 0;
}

static void release(struct slot *s)
{
	if (s->order < 0)
		kfree(s->ptr);
	else
		page_free_virt(s->ptr, (unsigned)s->order);
	s->ptr = NULL;
}

static bool acquire(struct slot *s, uint64_t *rng)
{
	uint64_t r = next_random(rng);

	if (r % 8 == 0) {		/* one in eight: a page block */
		s->order = (int)((r >> 8) % 3);
		s->size = PAGE_SIZE << s->order;
		s->ptr = page_alloc_virt((unsigned)s->order, false);
	} else {			/* 1 .. 4096 bytes, small ones likelier */
		s->order = -1;
		s->size = 1 + (size_t)((r >> 8) % ((r >> 40) % 2 ? 256 : 4096));
		s->ptr = kmalloc(s->size);
	}
	return s->ptr != NULL;
}

/* A kernel stack: every byte writable, and all of it given back. */
static uint64_t kstack_round_trip(unsigned cpu)
{
	uint8_t *top = kstack_alloc();
	size_t len = KSTACK_PAGES * PAGE_SIZE;
	uint64_t bad = 0;

	if (!top)
		return 1;
	for (size_t i = 0; i < len; i++)
		top[-1 - (long)i] = pattern(cpu, 0, i);
	for (size_t i = 0; i < len; i++)
		bad += top[-1 - (long)i] != pattern(cpu, 0, i);
	kstack_free(top);
	return bad != 0;
}

static void memtest_on_cpu(void *arg)
{
	struct memtest_shared *sh = arg;
	unsigned cpu = this_cpu()->index;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (cpu + 1);
	struct slot slots[SLOTS] = { { NULL, 0, 0 } };
	uint64_t allocations = 0, errors = 0, failures = 0;

	for (unsigned i = 0; i < ITERATIONS; i++) {
		unsigned idx = next_random(&rng) % SLOTS;
		struct slot *s = &slots[idx];

		if (s->ptr) {
			errors += count_bad(s, cpu, idx);
			release(s);
		} else if (acquire(s, &rng)) {
			allocations++;
			fill(s, cpu, idx);
		} else {
			failures++;
		}
	}
	errors += kstack_round_trip(cpu);
	for (unsigned idx = 0; idx < SLOTS; idx++) {
		if (slots[idx].ptr) {
			errors += count_bad(&slots[idx], cpu, idx);
			release(&slots[idx]);
		}
	}
	__atomic_fetch_add(&sh->allocations, allocations, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->errors, errors, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->failures, failures, __ATOMIC_RELAXED);
}

static uint64_t free_pages_now(void)
{
	struct mem_stats st;

	kmalloc_shrink();
	mm_get_stats(&st);
	return st.free_pages;
}

/* Run the test on every online CPU; fills *r.  Never sleeps. */
void mm_selftest(struct mm_selftest_report *r)
{
	struct memtest_shared sh = { 0, 0, 0 };

	r->free_before = free_pages_now();
	r->cpus = arch_call_on_all_cpus(memtest_on_cpu, &sh);
	r->free_after = free_pages_now();
	r->allocations = sh.allocations;
	r->errors = sh.errors;
	r->failures = sh.failures;
}
