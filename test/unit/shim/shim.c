/*
 * Host implementations of the kernel services khost code calls: kmalloc
 * and pages over malloc (counted, with failure injection), spinlocks and
 * mutexes that check their use (single-threaded tests), printk into a
 * buffer, user copies as plain copies, and a test-controlled clock.
 */
#include "kernel/kassert.h"
#include "kernel/printk.h"
#include "kernel/sync.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "mm/mm.h"
#include "test/unit/shim/shim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long live_allocs, live_pages, fail_countdown = -1;

static bool should_fail(void)
{
	if (fail_countdown < 0)
		return false;
	return fail_countdown-- == 0;
}

long shim_live_allocations(void) { return live_allocs; }
long shim_live_pages(void) { return live_pages; }
void shim_fail_allocations_after(long n) { fail_countdown = n; }

/* A header in front of each block remembers its size for kfree checks. */
struct alloc_hdr {
	size_t size;
	uint64_t magic;
};
#define ALLOC_MAGIC 0x6b6d616c6c6f6321ull

void *kmalloc(size_t size)
{
	struct alloc_hdr *h;

	if (should_fail())
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->size = size;
	h->magic = ALLOC_MAGIC;
	live_allocs++;
	memset(h + 1, 0xa5, size);	/* catch use of uninitialised memory */
	return h + 1;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	struct alloc_hdr *h;

	if (!p)
		return;
	h = (struct alloc_hdr *)p - 1;
	KASSERT(h->magic == ALLOC_MAGIC);
	h->magic = 0;
	live_allocs--;
	free(h);
}

void kmalloc_shrink(void)
{
}

/* The tests call dcache_prune() themselves; nothing reclaims behind
 * their back. */
void shrinker_register(struct shrinker *s)
{
	(void)s;
}

/* Pages: a struct page followed by a pointer to its 4 KiB of data. */
struct host_page {
	struct page page;
	void *data;
};

struct page *page_alloc(unsigned order)
{
	struct host_page *hp;

	KASSERT(order == 0);
	if (should_fail())
		return NULL;
	hp = calloc(1, sizeof(*hp));
	if (!hp)
		return NULL;
	hp->data = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!hp->data) {
		free(hp);
		return NULL;
	}
	memset(hp->data, 0x5a, PAGE_SIZE);
	hp->page.refcount = 1;
	hp->page.flags = PG_HEAD;
	live_pages++;
	return &hp->page;
}

void page_free(struct page *p, unsigned order)
{
	struct host_page *hp = (struct host_page *)p;

	KASSERT(order == 0);
	live_pages--;
	free(hp->data);
	free(hp);
}

void *page_to_virt(const struct page *p)
{
	return ((const struct host_page *)p)->data;
}

void page_get(struct page *p)
{
	KASSERT(p->refcount > 0);
	p->refcount++;
}

void page_put(struct page *p)
{
	KASSERT(p->refcount > 0);
	if (--p->refcount == 0)
		page_free(p, 0);
}

void mm_get_stats(struct mem_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->total_usable_bytes = 256ull << 20;
	st->managed_pages = st->total_usable_bytes / PAGE_SIZE;
	st->free_pages = st->managed_pages - (uint64_t)live_pages;
}

/* Locks: one thread, so a lock is a flag; misuse is an assertion. */
void spin_init(struct spinlock *l, const char *name, unsigned rank)
{
	memset(l, 0, sizeof(*l));
	l->name = name;
	l->rank = (uint8_t)rank;
	l->holder_cpu = -1;
}

void spin_lock(struct spinlock *l)
{
	KASSERT(l->holder_cpu == -1);
	l->holder_cpu = 0;
}

bool spin_trylock(struct spinlock *l)
{
	if (l->holder_cpu != -1)
		return false;
	l->holder_cpu = 0;
	return true;
}

void spin_unlock(struct spinlock *l)
{
	KASSERT(l->holder_cpu == 0);
	l->holder_cpu = -1;
}

bool spin_is_held_by_me(const struct spinlock *l)
{
	return l->holder_cpu == 0;
}

void mutex_init(struct mutex *m, const char *name)
{
	spin_init(&m->wait_lock, name, LOCK_RANK_NONE);
	m->owner = 0;
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	KASSERT(m->owner == 0);
	m->owner = 1;
}

bool mutex_trylock(struct mutex *m)
{
	if (m->owner)
		return false;
	m->owner = 1;
	return true;
}

void mutex_unlock(struct mutex *m)
{
	KASSERT(m->owner == 1);
	m->owner = 0;
}

bool mutex_is_held_by_me(const struct mutex *m)
{
	return m->owner == 1;
}

void might_sleep(void)
{
}

/* The log. */
static char log_buf[1 << 20];
static size_t log_used;

void vprintk(int level, const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return;
	if (getenv("BASALT_SHIM_LOG"))
		fprintf(stderr, "<%d>%s\n", level, line);
	n = (int)strlen(line);
	if (log_used + (size_t)n + 2 > sizeof(log_buf))
		log_used = 0;	/* a long test: forget the oldest */
	memcpy(log_buf + log_used, line, (size_t)n);
	log_used += (size_t)n;
	log_buf[log_used++] = '\n';
	log_buf[log_used] = '\0';
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

bool shim_log_contains(const char *text)
{
	return strstr(log_buf, text) != NULL;
}

void shim_log_clear(void)
{
	log_used = 0;
	log_buf[0] = '\0';
}

const char *shim_log_text(void)
{
	return log_buf;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* User copies: the test's own memory stands in for user space, and
 * bytes at or above shim_user_fault_at (when set) "fault". */
static const char *user_fault_at;

void shim_set_user_fault(const void *addr)
{
	user_fault_at = addr;
}

/* How many of the @n bytes at @p can be copied before the fault. */
static size_t user_ok_bytes(const void *p, size_t n)
{
	const char *c = p;

	if (!user_fault_at || c + n <= user_fault_at)
		return n;
	return c >= user_fault_at ? 0 : (size_t)(user_fault_at - c);
}

size_t copy_to_user(void __user *dst, const void *src, size_t n)
{
	size_t ok = user_ok_bytes(dst, n);

	memcpy(dst, src, ok);
	return n - ok;
}

size_t copy_from_user(void *dst, const void __user *src, size_t n)
{
	size_t ok = user_ok_bytes(src, n);

	memcpy(dst, src, ok);
	return n - ok;
}

size_t clear_user(void __user *dst, size_t n)
{
	size_t ok = user_ok_bytes(dst, n);

	memset(dst, 0, ok);
	return n - ok;
}

long strncpy_from_user(char *dst, const char __user *src, size_t max)
{
	size_t n = strnlen(src, max);

	memcpy(dst, src, n < max ? n + 1 : max);
	return (long)n;
}

/* The clock. */
static uint64_t clock_ns = 1700000000ull * 1000000000ull;
static bool clock_frozen;

void shim_set_time(int64_t sec, uint32_t nsec)
{
	clock_ns = (uint64_t)sec * 1000000000ull + nsec;
}

void shim_freeze_time(bool frozen)
{
	clock_frozen = frozen;
}

uint64_t arch_clock_ns(void)
{
	if (!clock_frozen)
		clock_ns++;
	return clock_ns;
}

uint64_t ktime_real_ns(void)
{
	return arch_clock_ns();
}
