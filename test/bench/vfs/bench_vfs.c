/*
 * Host micro-benchmarks of the VFS and tmpfs: the real fs/ code, built at
 * -O2 without sanitizers against the unit-test shims (test/unit/shim/),
 * timed with CLOCK_MONOTONIC.  test/bench/vfs/run builds and runs this;
 * test/bench/README.md says what each number means.
 *
 * Each benchmark is a setup that builds the tree it needs under a fresh
 * VFS (tmpfs on "/"), a run function that performs @ops operations and
 * returns the nanoseconds spent on them, and a cleanup that removes what
 * the setup made.  The driver does one warm-up run, then @runs timed
 * runs, and prints one line per benchmark:
 *
 *   bench vfs NAME: median X ns/op (min X, max X, N ops x R runs)
 *
 * where X is a run's time divided by its operation count; I/O benchmarks
 * append the median's throughput as "Y MB/s" (10^6 bytes per second).
 * Nothing here judges a number: a benchmark fails only if a VFS call
 * returns something other than what it must (then it exits with 1).
 *
 * What the shims add to every figure: kmalloc is malloc plus a 0xa5 fill
 * of the block, page_alloc is calloc plus an aligned 4 KiB malloc filled
 * with 0x5a, locks are flag tests, KASSERT is an out-of-line call.  The
 * calib_* lines measure the clock and the shim's 4 KiB kmalloc so that
 * those costs can be told apart from the VFS's own.
 *
 * Kernel headers come before libc ones (see kernel/uapi.h), and <stdlib.h>
 * is left out: its dev_t is not the kernel's.
 */
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "mm/mm.h"
#include "test/unit/shim/shim.h"

#include <stdio.h>
#include <string.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS	101
#define DEFAULT_RUNS	11
#define BIG_DIR_ENTRIES	1000
#define IO_FILE_SIZE	(1u << 20)
#define IO_PASSES	64	/* 1 MiB passes per I/O run */

static struct vfs_ctx ctx;

/* ---- plumbing ------------------------------------------------------------ */

/* KASSERT's host hook (kernel/kassert.h).  The unit tests get it from
 * CMocka; here a broken invariant ends the run. */
void mock_assert(const int result, const char *const expression,
		 const char *const file, const int line)
{
	if (result)
		return;
	fprintf(stderr, "bench_vfs: assertion failed: %s at %s:%d\n",
		expression, file, line);
	fflush(stdout);
	_exit(1);
}

static __attribute__((noreturn)) void fail(const char *what, long got,
					   long want)
{
	fprintf(stderr, "bench_vfs: %s returned %ld, expected %ld\n", what,
		got, want);
	fflush(stdout);
	_exit(1);
}

static void expect(const char *what, long got, long want)
{
	if (__builtin_expect(got != want, 0))
		fail(what, got, want);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Keeps the compiler from dropping a computation whose result is unused. */
static inline void keep(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void make_dir(const char *path)
{
	expect(path, vfs_mkdir(&ctx, NULL, path, 0755), 0);
}

static void make_file(const char *path)
{
	struct file *f;

	expect(path, vfs_open(&ctx, NULL, path, O_CREAT | O_WRONLY, 0644, &f),
	       0);
	file_put(f);
}

static void remove_file(const char *path)
{
	expect(path, vfs_unlink(&ctx, NULL, path), 0);
}

static void remove_dir(const char *path)
{
	expect(path, vfs_rmdir(&ctx, NULL, path), 0);
}

/* ---- calibration --------------------------------------------------------- */

static uint64_t run_clock(long ops)
{
	uint64_t start = now_ns(), sink = 0;

	for (long i = 0; i < ops; i++)
		sink += now_ns();
	keep(&sink);
	return now_ns() - start;
}

/* What every path walk pays on the host for its PATH_MAX buffer. */
static uint64_t run_kmalloc_4k(long ops)
{
	uint64_t start = now_ns();

	for (long i = 0; i < ops; i++) {
		void *p = kmalloc(PATH_MAX);

		keep(p);
		kfree(p);
	}
	return now_ns() - start;
}

/* ---- path lookup --------------------------------------------------------- */

/* The depth-10 chain: ten directories, then the file. */
static const char *const chain_dirs[] = {
	"/a", "/a/b", "/a/b/c", "/a/b/c/d", "/a/b/c/d/e", "/a/b/c/d/e/f",
	"/a/b/c/d/e/f/g", "/a/b/c/d/e/f/g/h", "/a/b/c/d/e/f/g/h/i",
	"/a/b/c/d/e/f/g/h/i/j",
};
#define DEPTH1_PATH	"/f"
#define DEPTH10_PATH	"/a/b/c/d/e/f/g/h/i/j/f"
#define MISSING_PATH	"/missing"

static void setup_tree(void)
{
	make_file(DEPTH1_PATH);
	for (size_t i = 0; i < sizeof(chain_dirs) / sizeof(chain_dirs[0]); i++)
		make_dir(chain_dirs[i]);
	make_file(DEPTH10_PATH);
}

static void cleanup_tree(void)
{
	remove_file(DEPTH10_PATH);
	for (size_t i = sizeof(chain_dirs) / sizeof(chain_dirs[0]); i-- > 0;)
		remove_dir(chain_dirs[i]);
	remove_file(DEPTH1_PATH);
}

static uint64_t stat_loop(const char *path, long ops, long want)
{
	struct kstat st;
	uint64_t start = now_ns();

	for (long i = 0; i < ops; i++)
		expect(path, vfs_stat(&ctx, NULL, path, 0, &st), want);
	return now_ns() - start;
}

/* Prunes the whole dcache before each lookup; only the lookup is timed
 * (plus one clock read: see calib_clock). */
static uint64_t stat_loop_uncached(const char *path, long ops)
{
	uint64_t total = 0;
	struct kstat st;

	for (long i = 0; i < ops; i++) {
		uint64_t t0;
		int err;

		dcache_prune(SIZE_MAX);
		t0 = now_ns();
		err = vfs_stat(&ctx, NULL, path, 0, &st);
		total += now_ns() - t0;
		expect(path, err, 0);
	}
	return total;
}

static uint64_t run_stat_depth1(long ops)
{
	return stat_loop(DEPTH1_PATH, ops, 0);
}

static uint64_t run_stat_depth10(long ops)
{
	return stat_loop(DEPTH10_PATH, ops, 0);
}

static uint64_t run_stat_depth1_uncached(long ops)
{
	return stat_loop_uncached(DEPTH1_PATH, ops);
}

static uint64_t run_stat_depth10_uncached(long ops)
{
	return stat_loop_uncached(DEPTH10_PATH, ops);
}

static uint64_t run_stat_negative(long ops)
{
	return stat_loop(MISSING_PATH, ops, -ENOENT);
}

/* ---- a directory of 1000 files ------------------------------------------- */

#define BIG_DIR		"/big"

static void big_name(char *buf, size_t len, unsigned i)
{
	snprintf(buf, len, BIG_DIR "/e%04u", i);
}

static void setup_big_dir(void)
{
	char path[64];

	make_dir(BIG_DIR);
	for (unsigned i = 0; i < BIG_DIR_ENTRIES; i++) {
		big_name(path, sizeof(path), i);
		make_file(path);
	}
}

static void cleanup_big_dir(void)
{
	char path[64];

	for (unsigned i = 0; i < BIG_DIR_ENTRIES; i++) {
		big_name(path, sizeof(path), i);
		remove_file(path);
	}
	remove_dir(BIG_DIR);
}

/* The last entry: tmpfs's ->lookup scans all 1000 dirents to find it. */
static uint64_t run_stat_big_dir_uncached(long ops)
{
	char path[64];

	big_name(path, sizeof(path), BIG_DIR_ENTRIES - 1);
	return stat_loop_uncached(path, ops);
}

struct count_ctx {
	struct dir_context dc;
	unsigned seen;
	unsigned budget;	/* entries accepted per vfs_readdir call */
};

static bool count_actor(struct dir_context *dc, const char *name, size_t len,
			uint64_t ino, unsigned type)
{
	struct count_ctx *c = (struct count_ctx *)dc;

	(void)name;
	(void)len;
	(void)ino;
	(void)type;
	if (c->budget == 0)
		return false;
	c->budget--;
	c->seen++;
	return true;
}

/* Lists BIG_DIR @ops times, @per_call entries per vfs_readdir call. */
static uint64_t readdir_loop(long ops, unsigned per_call)
{
	struct count_ctx c = { .dc.actor = count_actor };
	uint64_t start, elapsed;
	struct file *f;

	expect("open " BIG_DIR, vfs_open(&ctx, NULL, BIG_DIR,
					 O_RDONLY | O_DIRECTORY, 0, &f), 0);
	start = now_ns();
	for (long i = 0; i < ops; i++) {
		unsigned before;

		expect("rewind", vfs_llseek(f, 0, SEEK_SET), 0);
		c.seen = 0;
		do {
			before = c.seen;
			c.budget = per_call;
			expect("vfs_readdir", vfs_readdir(f, &c.dc), 0);
		} while (c.seen != before);
		expect("entries listed", c.seen, BIG_DIR_ENTRIES + 2);
	}
	elapsed = now_ns() - start;
	file_put(f);
	return elapsed;
}

static uint64_t run_readdir_1000(long ops)
{
	return readdir_loop(ops, ~0u);
}

static uint64_t run_readdir_1000_by32(long ops)
{
	return readdir_loop(ops, 32);
}

/* ---- changing a directory ------------------------------------------------ */

#define WORK_DIR	"/d"

static void setup_work_dir(void)
{
	make_dir(WORK_DIR);
}

static void cleanup_work_dir(void)
{
	remove_dir(WORK_DIR);
}

static uint64_t run_create_unlink(long ops)
{
	uint64_t start = now_ns();
	struct file *f;

	for (long i = 0; i < ops; i++) {
		expect("create", vfs_open(&ctx, NULL, WORK_DIR "/f",
					  O_CREAT | O_WRONLY, 0644, &f), 0);
		file_put(f);
		expect("unlink", vfs_unlink(&ctx, NULL, WORK_DIR "/f"), 0);
	}
	return now_ns() - start;
}

static uint64_t run_mkdir_rmdir(long ops)
{
	uint64_t start = now_ns();

	for (long i = 0; i < ops; i++) {
		expect("mkdir", vfs_mkdir(&ctx, NULL, WORK_DIR "/s", 0755), 0);
		expect("rmdir", vfs_rmdir(&ctx, NULL, WORK_DIR "/s"), 0);
	}
	return now_ns() - start;
}

/* ---- file data ----------------------------------------------------------- */

#define IO_PATH		"/io"

static struct file *io_file;
static unsigned char io_buf[IO_FILE_SIZE];

static void setup_io(void)
{
	for (size_t i = 0; i < sizeof(io_buf); i++)
		io_buf[i] = (unsigned char)(i * 131 + 7);
	expect("open " IO_PATH, vfs_open(&ctx, NULL, IO_PATH,
					 O_CREAT | O_RDWR, 0644, &io_file), 0);
	/* Overwrite and read find the whole file in the page cache. */
	expect("fill " IO_PATH, kernel_write(io_file, io_buf, sizeof(io_buf)),
	       sizeof(io_buf));
}

static void cleanup_io(void)
{
	file_put(io_file);
	io_file = NULL;
	remove_file(IO_PATH);
}

enum io_kind { IO_WRITE, IO_OVERWRITE, IO_READ };

/*
 * IO_PASSES passes over 1 MiB in @chunk-byte calls; @ops is the number
 * of calls.  IO_WRITE empties the file before each pass (untimed), so
 * every page is allocated anew; the others rewind only.
 */
static uint64_t io_loop(long ops, size_t chunk, enum io_kind kind)
{
	long per_pass = IO_FILE_SIZE / chunk, done = 0;
	uint64_t total = 0;

	while (done < ops) {
		uint64_t t0;

		if (kind == IO_WRITE)
			expect("ftruncate", vfs_ftruncate(io_file, 0), 0);
		expect("rewind", vfs_llseek(io_file, 0, SEEK_SET), 0);
		t0 = now_ns();
		for (long i = 0; i < per_pass; i++) {
			unsigned char *p = io_buf + (size_t)i * chunk;
			ssize_t n = kind == IO_READ ?
					    kernel_read(io_file, p, chunk) :
					    kernel_write(io_file, p, chunk);

			expect(kind == IO_READ ? "kernel_read" :
						 "kernel_write",
			       n, (long)chunk);
		}
		total += now_ns() - t0;
		done += per_pass;
	}
	return total;
}

static uint64_t run_write_4k(long ops)
{
	return io_loop(ops, 4096, IO_WRITE);
}

static uint64_t run_overwrite_4k(long ops)
{
	return io_loop(ops, 4096, IO_OVERWRITE);
}

static uint64_t run_read_4k(long ops)
{
	return io_loop(ops, 4096, IO_READ);
}

static uint64_t run_write_64k(long ops)
{
	return io_loop(ops, 65536, IO_WRITE);
}

static uint64_t run_overwrite_64k(long ops)
{
	return io_loop(ops, 65536, IO_OVERWRITE);
}

static uint64_t run_read_64k(long ops)
{
	return io_loop(ops, 65536, IO_READ);
}

/* ---- the table and the driver -------------------------------------------- */

struct bench {
	const char *name;
	long ops;		/* operations per run */
	size_t bytes;		/* bytes moved per operation; 0: not I/O */
	void (*setup)(void);
	uint64_t (*run)(long ops);	/* returns the ns the ops took */
	void (*cleanup)(void);
};

#define IO_OPS(chunk)	((long)(IO_PASSES * (IO_FILE_SIZE / (chunk))))

static const struct bench benches[] = {
	{ "calib_clock", 1000000, 0, NULL, run_clock, NULL },
	{ "calib_kmalloc_4k", 200000, 0, NULL, run_kmalloc_4k, NULL },
	{ "stat_depth1", 200000, 0, setup_tree, run_stat_depth1,
	  cleanup_tree },
	{ "stat_depth10", 50000, 0, setup_tree, run_stat_depth10,
	  cleanup_tree },
	{ "stat_depth1_uncached", 50000, 0, setup_tree,
	  run_stat_depth1_uncached, cleanup_tree },
	{ "stat_depth10_uncached", 10000, 0, setup_tree,
	  run_stat_depth10_uncached, cleanup_tree },
	{ "stat_negative", 200000, 0, setup_tree, run_stat_negative,
	  cleanup_tree },
	{ "stat_big_dir_uncached", 10000, 0, setup_big_dir,
	  run_stat_big_dir_uncached, cleanup_big_dir },
	{ "create_unlink", 50000, 0, setup_work_dir, run_create_unlink,
	  cleanup_work_dir },
	{ "mkdir_rmdir", 50000, 0, setup_work_dir, run_mkdir_rmdir,
	  cleanup_work_dir },
	{ "write_4k", IO_OPS(4096), 4096, setup_io, run_write_4k, cleanup_io },
	{ "overwrite_4k", IO_OPS(4096), 4096, setup_io, run_overwrite_4k,
	  cleanup_io },
	{ "read_4k", IO_OPS(4096), 4096, setup_io, run_read_4k, cleanup_io },
	{ "write_64k", IO_OPS(65536), 65536, setup_io, run_write_64k,
	  cleanup_io },
	{ "overwrite_64k", IO_OPS(65536), 65536, setup_io, run_overwrite_64k,
	  cleanup_io },
	{ "read_64k", IO_OPS(65536), 65536, setup_io, run_read_64k,
	  cleanup_io },
	{ "readdir_1000", 2000, 0, setup_big_dir, run_readdir_1000,
	  cleanup_big_dir },
	{ "readdir_1000_by32", 500, 0, setup_big_dir, run_readdir_1000_by32,
	  cleanup_big_dir },
};

#define NR_BENCHES	(sizeof(benches) / sizeof(benches[0]))

static double median_of(double *v, unsigned n)
{
	/* Insertion sort: n is at most MAX_RUNS. */
	for (unsigned i = 1; i < n; i++) {
		double x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A fresh VFS around each benchmark; the end proves it left nothing. */
static void vfs_up(void)
{
	shim_fail_allocations_after(-1);
	expect("vfs_init", vfs_init(NULL), 0);
	vfs_ctx_init_kernel(&ctx);
}

static void vfs_down(const char *name)
{
	vfs_ctx_release(&ctx);
	vfs_shutdown();
	if (vfs_nr_files() || vfs_nr_mounts() || dcache_nr_dentries() ||
	    vfs_nr_inodes() || shim_live_pages() || shim_live_allocations()) {
		fprintf(stderr,
			"bench_vfs: %s left files %lu mounts %lu dentries %lu "
			"inodes %lu pages %ld allocations %ld\n",
			name, (unsigned long)vfs_nr_files(),
			(unsigned long)vfs_nr_mounts(),
			(unsigned long)dcache_nr_dentries(),
			(unsigned long)vfs_nr_inodes(), shim_live_pages(),
			shim_live_allocations());
		fflush(stdout);
		_exit(1);
	}
}

static void run_bench(const struct bench *b, unsigned runs)
{
	double per_op[MAX_RUNS], lo, hi, med;

	vfs_up();
	if (b->setup)
		b->setup();
	b->run(b->ops);		/* warm-up: caches, malloc arenas */
	for (unsigned r = 0; r < runs; r++)
		per_op[r] = (double)b->run(b->ops) / (double)b->ops;
	if (b->cleanup)
		b->cleanup();
	vfs_down(b->name);

	lo = hi = per_op[0];
	for (unsigned r = 1; r < runs; r++) {
		lo = per_op[r] < lo ? per_op[r] : lo;
		hi = per_op[r] > hi ? per_op[r] : hi;
	}
	med = median_of(per_op, runs);
	printf("bench vfs %s: median %.1f ns/op (min %.1f, max %.1f, "
	       "%ld ops x %u runs)", b->name, med, lo, hi, b->ops, runs);
	if (b->bytes)
		printf(" %.1f MB/s", (double)b->bytes * 1000.0 / med);
	printf("\n");
	fflush(stdout);
}

static int parse_uint(const char *s, unsigned *out)
{
	unsigned v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: bench_vfs [-r RUNS] [-l] [NAME...]\n"
		    "  -r RUNS  timed runs per benchmark (1..%d, default %d)\n"
		    "  -l       list the benchmarks\n"
		    "  NAME     run only these (default: all)\n",
		MAX_RUNS, DEFAULT_RUNS);
}

static const struct bench *find_bench(const char *name)
{
	for (size_t i = 0; i < NR_BENCHES; i++)
		if (strcmp(benches[i].name, name) == 0)
			return &benches[i];
	return NULL;
}

int main(int argc, char **argv)
{
	bool selected[NR_BENCHES] = { false };
	bool any = false;
	unsigned runs = DEFAULT_RUNS;

	/*
	 * Keep freed memory in the process: by default glibc hands the top
	 * of its heap back to the host kernel when a truncate frees a
	 * megabyte of pages, and the next write pays host page faults,
	 * which say nothing about Basalt.
	 */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	for (int i = 1; i < argc; i++) {
		const struct bench *b;

		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			if (parse_uint(argv[++i], &runs) || runs < 1 ||
			    runs > MAX_RUNS) {
				usage(stderr);
				return 2;
			}
		} else if (strcmp(argv[i], "-l") == 0) {
			for (size_t j = 0; j < NR_BENCHES; j++)
				printf("%s\n", benches[j].name);
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 ||
			   strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if ((b = find_bench(argv[i]))) {
			selected[b - benches] = true;
			any = true;
		} else {
			fprintf(stderr, "bench_vfs: no benchmark %s\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	for (size_t i = 0; i < NR_BENCHES; i++)
		if (!any || selected[i])
			run_bench(&benches[i], runs);
	return 0;
}
