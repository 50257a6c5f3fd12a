/*
 * The boot-time self-check of the file layer (kernel parameter
 * test.vfs): the same VFS, tmpfs and devfs code as the host tests, but
 * running in the kernel on its real allocator, locks and page cache.  It
 * works in a private tmpfs mounted on a scratch directory, so it cannot
 * disturb the unpacked root, and it ends by checking that every file,
 * mount and page it used was given back.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define SCRATCH "/.vfs-selftest"

struct check_state {
	struct vfs_ctx ctx;
	unsigned checks, failures;
};

static void check(struct check_state *s, bool ok, const char *what, long got)
{
	s->checks++;
	if (ok)
		return;
	s->failures++;
	pr_err("vfs: self-check FAILED: %s (got %ld)", what, got);
}

static long write_at(struct check_state *s, const char *path, loff_t pos,
		     const void *buf, size_t len)
{
	struct file *f;
	long r = vfs_open(&s->ctx, NULL, path, O_WRONLY | O_CREAT, 0644, &f);

	if (r)
		return r;
	r = kernel_pwrite(f, buf, len, pos);
	file_put(f);
	return r;
}

static long read_at(struct check_state *s, const char *path, loff_t pos,
		    void *buf, size_t len)
{
	struct file *f;
	long r = vfs_open(&s->ctx, NULL, path, O_RDONLY, 0, &f);

	if (r)
		return r;
	r = kernel_pread(f, buf, len, pos);
	file_put(f);
	return r;
}

static void check_file_data(struct check_state *s, uint8_t *a, uint8_t *b)
{
	struct kstat st;
	long r;

	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		a[i] = (uint8_t)(i * 7 + 3);
	r = write_at(s, SCRATCH "/data", 100, a, 3 * PAGE_SIZE);
	check(s, r == 3 * PAGE_SIZE, "write across pages", r);
	r = read_at(s, SCRATCH "/data", 100, b, 3 * PAGE_SIZE);
	check(s, r == 3 * PAGE_SIZE && memcmp(a, b, 3 * PAGE_SIZE) == 0,
	      "read back across pages", r);
	r = write_at(s, SCRATCH "/sparse", 40 * PAGE_SIZE, "end", 3);
	check(s, r == 3, "write past a hole", r);
	memset(b, 0xff, PAGE_SIZE);
	r = read_at(s, SCRATCH "/sparse", 5 * PAGE_SIZE, b, PAGE_SIZE);
	check(s, r == PAGE_SIZE && b[0] == 0 && b[PAGE_SIZE - 1] == 0,
	      "hole reads as zeros", r);
	r = write_at(s, SCRATCH "/cut", 0, "0123456789abcdef", 16);
	check(s, r == 16, "write a short file", r);
	r = vfs_truncate(&s->ctx, NULL, SCRATCH "/cut", 10);
	check(s, r == 0, "truncate down", r);
	r = vfs_truncate(&s->ctx, NULL, SCRATCH "/cut", 5000);
	check(s, r == 0, "truncate up", r);
	r = read_at(s, SCRATCH "/cut", 0, b, 5000);
	check(s, r == 5000 && memcmp(b, "0123456789", 10) == 0 &&
		  b[10] == 0 && b[15] == 0 && b[4999] == 0,
	      "truncated tail reads zeros", r);
	r = vfs_stat(&s->ctx, NULL, SCRATCH "/cut", 0, &st);
	check(s, r == 0 && st.size == 5000, "size after truncate", r);
}

static void check_names(struct check_state *s)
{
	struct kstat a, b;
	long r;

	r = vfs_mkdir(&s->ctx, NULL, SCRATCH "/dir", 0755);
	check(s, r == 0, "mkdir", r);
	r = vfs_symlink(&s->ctx, "../data", NULL, SCRATCH "/dir/link");
	check(s, r == 0, "symlink", r);
	r = vfs_link(&s->ctx, NULL, SCRATCH "/data", NULL,
		     SCRATCH "/dir/hard", 0);
	check(s, r == 0, "hard link", r);
	r = vfs_stat(&s->ctx, NULL, SCRATCH "/dir/link", LOOKUP_FOLLOW, &a);
	check(s, r == 0, "stat through symlink", r);
	r = vfs_stat(&s->ctx, NULL, SCRATCH "/dir/hard", 0, &b);
	check(s, r == 0 && a.ino == b.ino && b.nlink == 2,
	      "hard link shares the inode", r);
	r = vfs_rename(&s->ctx, NULL, SCRATCH "/sparse", NULL,
		       SCRATCH "/dir/hard", 0);
	check(s, r == 0, "rename over a file", r);
	r = vfs_rename(&s->ctx, NULL, SCRATCH "/dir", NULL, SCRATCH "/dir/x",
		       0);
	check(s, r == -EINVAL, "rename into own subtree refused", r);
	r = vfs_rmdir(&s->ctx, NULL, SCRATCH "/dir");
	check(s, r == -ENOTEMPTY, "rmdir of a full directory refused", r);
}

static void check_space_limit(struct check_state *s, uint8_t *buf)
{
	long r = 0;

	memset(buf, 0x5a, PAGE_SIZE);
	for (int i = 0; i < 64 && r >= 0; i++)
		r = write_at(s, SCRATCH "/fill", (loff_t)i * PAGE_SIZE, buf,
			     PAGE_SIZE);
	check(s, r == -ENOSPC, "a full tmpfs says ENOSPC", r);
}

static void check_devices(struct check_state *s, uint8_t *a, uint8_t *b)
{
	long r;

	memset(a, 0xff, 64);
	r = read_at(s, "/dev/zero", 0, a, 64);
	check(s, r == 64 && a[0] == 0 && a[63] == 0, "/dev/zero", r);
	r = read_at(s, "/dev/urandom", 0, a, 32);
	check(s, r == 32, "/dev/urandom read", r);
	r = read_at(s, "/dev/urandom", 0, b, 32);
	check(s, r == 32 && memcmp(a, b, 32) != 0,
	      "/dev/urandom reads differ", r);
	r = write_at(s, "/dev/full", 0, "x", 1);
	check(s, r == -ENOSPC, "/dev/full refuses writes", r);
}

/* Negative dentries pile up; reclaim (as under memory pressure) must
 * give them back through the dcache's shrinker. */
static void check_reclaim(struct check_state *s)
{
	char name[32];
	struct kstat st;
	uint64_t before, piled;

	before = dcache_nr_dentries();
	for (int i = 0; i < 200; i++) {
		ksnprintf(name, sizeof(name), "/.absent-%d", i);
		vfs_stat(&s->ctx, NULL, name, 0, &st);
	}
	piled = dcache_nr_dentries();
	check(s, piled >= before + 200, "negative dentries are cached",
	      (long)(piled - before));
	mm_reclaim();
	check(s, dcache_nr_dentries() + 200 <= piled,
	      "reclaim prunes unused dentries", (long)dcache_nr_dentries());
}

/* Returns the number of failed checks (each already reported). */
unsigned vfs_selftest(void)
{
	struct check_state s = { 0 };
	uint64_t files = vfs_nr_files(), mounts = vfs_nr_mounts();
	struct mem_stats before, after;
	uint8_t *a, *b;
	long r;

	a = kmalloc(3 * PAGE_SIZE);
	b = kmalloc(3 * PAGE_SIZE);
	if (!a || !b) {
		kfree(a);
		kfree(b);
		pr_err("vfs: self-check FAILED: no memory for buffers");
		return 1;
	}
	mm_get_stats(&before);
	vfs_ctx_init_kernel(&s.ctx);
	r = vfs_mkdir(&s.ctx, NULL, SCRATCH, 0700);
	check(&s, r == 0, "scratch directory", r);
	r = vfs_mount(&s.ctx, "selftest", SCRATCH, "tmpfs", 0, "size=128k");
	check(&s, r == 0, "mount scratch tmpfs", r);
	if (r == 0) {
		check_file_data(&s, a, b);
		check_names(&s);
		check_space_limit(&s, a);
		r = vfs_umount(&s.ctx, SCRATCH);
		check(&s, r == 0, "unmount scratch tmpfs", r);
	}
	check_devices(&s, a, b);
	check_reclaim(&s);
	r = vfs_rmdir(&s.ctx, NULL, SCRATCH);
	check(&s, r == 0, "remove scratch directory", r);
	vfs_ctx_release(&s.ctx);
	check(&s, vfs_nr_files() == files, "no open file left", 0);
	check(&s, vfs_nr_mounts() == mounts, "no mount left", 0);
	kfree(a);
	kfree(b);
	kmalloc_shrink();
	dcache_prune(SIZE_MAX);
	mm_get_stats(&after);
	/* Slab pages shared with long-lived objects may stay; the page
	 * cache (40+ pages here) must not. */
	check(&s, after.free_pages + 16 >= before.free_pages,
	      "pages given back", (long)(before.free_pages - after.free_pages));
	if (!s.failures)
		pr_info("vfs: self-check passed (%u checks)", s.checks);
	return s.failures;
}
