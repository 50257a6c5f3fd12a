/*
 * Host tests for fs/initramfs.c: archives built here are unpacked into a
 * fresh VFS (tmpfs root, shim_vfs_setup()) and the tree is checked
 * through the VFS's own calls.  shim_vfs_teardown() after every test
 * checks that nothing (inode, dentry, file, mount, page, allocation) was
 * leaked, so every test is also a refcount test.
 *
 * The newc writer (struct ar, ar_add() and friends) lays members out as
 * cpio -H newc does: a 110-byte header of "070701" and 13 hex fields, the
 * name with its NUL, NULs up to a multiple of 4 from the start of the
 * buffer, the data, NULs again.  Archives handed to initramfs_unpack() are
 * copied into a block of exactly their length so ASan catches any read
 * past the end.
 */
#include "fs/vfs.h"
#include "fs/initramfs.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "shim.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "test/unit/test_rng.h"

#define HDR_LEN		110
#define FIELD(i)	(6 + 8 * (i))
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE,
       F_CHECK, NR_FIELDS };

/* ---- a newc writer ------------------------------------------------------ */

struct ar {
	uint8_t *buf;
	size_t len, cap;
	uint32_t next_ino;
};

struct member {
	const char *name;
	uint32_t mode;
	const void *data;
	size_t size;		/* 0: strlen(data) if data */
	uint32_t ino;		/* 0: a fresh number */
	uint32_t nlink;		/* 0: 2 for directories, else 1 */
	uint32_t uid, gid, mtime;
	uint32_t dev_major, dev_minor;
	uint32_t rdev_major, rdev_minor;
};

static void ar_put(struct ar *a, const void *p, size_t n)
{
	if (a->len + n > a->cap) {
		size_t cap = (a->len + n) * 2 + 256;
		uint8_t *buf = test_malloc(cap);

		assert_non_null(buf);
		if (a->len)
			memcpy(buf, a->buf, a->len);
		test_free(a->buf);
		a->buf = buf;
		a->cap = cap;
	}
	if (n)
		memcpy(a->buf + a->len, p, n);
	a->len += n;
}

/* NULs up to a multiple of 4 from the start of the whole buffer. */
static void ar_pad(struct ar *a)
{
	static const uint8_t zeros[4];

	ar_put(a, zeros, (4 - a->len % 4) % 4);
}

static void ar_free(struct ar *a)
{
	test_free(a->buf);
	memset(a, 0, sizeof(*a));
}

/* Append one member; returns the offset of its header. */
static size_t ar_add(struct ar *a, const struct member *m)
{
	size_t size = m->size ? m->size : m->data ? strlen(m->data) : 0;
	size_t namesize = strlen(m->name) + 1;
	uint32_t ino = m->ino ? m->ino : 1000 + a->next_ino++;
	uint32_t nlink = m->nlink ? m->nlink : S_ISDIR(m->mode) ? 2 : 1;
	uint32_t f[NR_FIELDS] = {
		ino, m->mode, m->uid, m->gid, nlink, m->mtime, (uint32_t)size,
		m->dev_major, m->dev_minor, m->rdev_major, m->rdev_minor,
		(uint32_t)namesize, 0,
	};
	char hdr[HDR_LEN + 1];
	size_t off = a->len;
	int n = snprintf(hdr, sizeof(hdr), "070701");

	for (int i = 0; i < NR_FIELDS; i++)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "%08x", f[i]);
	assert_int_equal(n, HDR_LEN);
	ar_put(a, hdr, HDR_LEN);
	ar_put(a, m->name, namesize);
	ar_pad(a);
	ar_put(a, m->data, size);
	ar_pad(a);
	return off;
}

static size_t ar_trailer(struct ar *a)
{
	return ar_add(a, &(struct member){ .name = "TRAILER!!!", .ino = 0,
					  .nlink = 1 });
}

static size_t ar_file(struct ar *a, const char *name, uint32_t perm,
		      const char *data)
{
	return ar_add(a, &(struct member){ .name = name,
					  .mode = S_IFREG | perm,
					  .data = data });
}

static size_t ar_dir(struct ar *a, const char *name, uint32_t perm)
{
	return ar_add(a, &(struct member){ .name = name,
					  .mode = S_IFDIR | perm });
}

static size_t ar_symlink(struct ar *a, const char *name, const char *target)
{
	return ar_add(a, &(struct member){ .name = name,
					  .mode = S_IFLNK | 0777,
					  .data = target });
}

/* Overwrite header field @field of the member at @hdr. */
static void ar_patch(struct ar *a, size_t hdr, int field, uint32_t v)
{
	char text[9];

	snprintf(text, sizeof(text), "%08x", v);
	memcpy(a->buf + hdr + FIELD(field), text, 8);
}

/* ---- the VFS under test -------------------------------------------------- */

static struct vfs_ctx ctx;

static int setup(void **state)
{
	(void)state;
	shim_vfs_setup();
	vfs_ctx_init_kernel(&ctx);
	shim_log_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vfs_ctx_release(&ctx);
	shim_vfs_teardown();
	return 0;
}

/* Unpack @len bytes of @a, from a block of exactly that size. */
static int unpack_n(const struct ar *a, size_t len, const struct vfs_ctx *c,
		    struct initramfs_stats *st)
{
	uint8_t *copy = test_malloc(len ? len : 1);
	int r;

	memcpy(copy, a->buf, len);
	r = initramfs_unpack(copy, len, c, st);
	test_free(copy);
	return r;
}

static int unpack(const struct ar *a, struct initramfs_stats *st)
{
	return unpack_n(a, a->len, &ctx, st);
}

static int lstat_in(const struct vfs_ctx *c, const char *name,
		    struct kstat *st)
{
	return vfs_stat(c, &c->root, name, 0, st);
}

static int lstat_at(const char *name, struct kstat *st)
{
	return lstat_in(&ctx, name, st);
}

static bool exists(const char *name)
{
	struct kstat st;

	return lstat_at(name, &st) == 0;
}

/* The contents of file @name, NUL-terminated, in @buf; returns length. */
static size_t read_in(const struct vfs_ctx *c, const char *name, char *buf,
		      size_t cap)
{
	struct file *f;
	size_t got = 0;
	ssize_t n;

	assert_int_equal(vfs_open(c, &c->root, name, O_RDONLY, 0, &f), 0);
	while (got < cap - 1 &&
	       (n = kernel_read(f, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	file_put(f);
	buf[got] = '\0';
	return got;
}

static void assert_contents(const char *name, const char *want)
{
	char buf[256];

	read_in(&ctx, name, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void assert_link_target(const char *name, const char *want)
{
	char buf[PATH_MAX];
	ssize_t n = vfs_readlink(&ctx, &ctx.root, name, buf, sizeof(buf));

	assert_true(n >= 0);
	assert_int_equal((size_t)n, strlen(want));
	assert_memory_equal(buf, want, (size_t)n);
}

/* A ctx confined to the root of whatever is mounted on @dir. */
static void confined_ctx(const char *dir, struct vfs_ctx *c)
{
	struct path p;

	assert_int_equal(vfs_path_lookup(&ctx, &ctx.root, dir,
					 LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
					 &p), 0);
	c->root = p;
	c->cwd = p;
	path_get(&p);
	c->cred = &kernel_cred;
	c->umask = 022;
}

static void mount_tmpfs(const char *dir, const char *options)
{
	assert_int_equal(vfs_mkdir(&ctx, &ctx.root, dir, 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "tmpfs", dir, "tmpfs", 0, options),
			 0);
}

/* ---- regular files, directories, symlinks, links, nodes ----------------- */

static void initramfs_files_get_content_mode_owner_and_mtime(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_add(&a, &(struct member){ .name = "motd", .mode = S_IFREG | 0640,
				    .data = "hello, world\n", .uid = 1000,
				    .gid = 100, .mtime = 1700000000 });
	ar_add(&a, &(struct member){ .name = "su", .mode = S_IFREG | 04755,
				    .data = "#!", .uid = 0, .gid = 50,
				    .mtime = 12345 });
	ar_add(&a, &(struct member){ .name = "sg", .mode = S_IFREG | 02711,
				    .data = "x", .uid = 7, .gid = 8 });
	ar_add(&a, &(struct member){ .name = "empty", .mode = S_IFREG | 0 });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.archives, 1);
	assert_int_equal(st.bytes, 13 + 2 + 1);

	assert_int_equal(lstat_at("motd", &ks), 0);
	assert_int_equal(ks.mode, S_IFREG | 0640);
	assert_int_equal(ks.uid, 1000);
	assert_int_equal(ks.gid, 100);
	assert_int_equal(ks.size, 13);
	assert_int_equal(ks.nlink, 1);
	assert_int_equal(ks.mtime.sec, 1700000000);
	assert_int_equal(ks.atime.sec, 1700000000);
	assert_contents("motd", "hello, world\n");

	/* Set-id bits survive the change of owner and the data write. */
	assert_int_equal(lstat_at("su", &ks), 0);
	assert_int_equal(ks.mode, S_IFREG | 04755);
	assert_int_equal(ks.gid, 50);
	assert_int_equal(ks.mtime.sec, 12345);
	assert_int_equal(lstat_at("sg", &ks), 0);
	assert_int_equal(ks.mode, S_IFREG | 02711);
	assert_int_equal(ks.uid, 7);

	assert_int_equal(lstat_at("empty", &ks), 0);
	assert_int_equal(ks.mode, S_IFREG);
	assert_int_equal(ks.size, 0);
	ar_free(&a);
}

static void initramfs_nested_directories_keep_mode_owner_and_mtime(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_add(&a, &(struct member){ .name = "usr", .mode = S_IFDIR | 0755,
				    .mtime = 100 });
	ar_add(&a, &(struct member){ .name = "usr/share", .mode = S_IFDIR |
				    0750, .uid = 3, .gid = 4, .mtime = 200 });
	ar_add(&a, &(struct member){ .name = "usr/share/doc", .mode =
				    S_IFDIR | 01777, .mtime = 300 });
	ar_file(&a, "usr/share/doc/README", 0644, "read me");
	ar_dir(&a, "usr/share/doc/empty", 0700);
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 5);

	/* Entries made inside a directory after it did not move its mtime:
	 * directory times are set last. */
	assert_int_equal(lstat_at("usr", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 0755);
	assert_int_equal(ks.mtime.sec, 100);
	assert_int_equal(lstat_at("usr/share", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 0750);
	assert_int_equal(ks.uid, 3);
	assert_int_equal(ks.gid, 4);
	assert_int_equal(ks.mtime.sec, 200);
	assert_int_equal(lstat_at("usr/share/doc", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 01777);
	assert_int_equal(ks.mtime.sec, 300);
	assert_contents("usr/share/doc/README", "read me");
	assert_int_equal(lstat_at("usr/share/doc/empty", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 0700);
	ar_free(&a);
}

static void initramfs_dot_entry_sets_the_root_attributes(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_add(&a, &(struct member){ .name = ".", .mode = S_IFDIR | 0711,
				    .uid = 5, .gid = 6, .mtime = 4242 });
	ar_file(&a, "./etc", 0600, "e");
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 2);
	assert_int_equal(lstat_at("/", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 0711);
	assert_int_equal(ks.uid, 5);
	assert_int_equal(ks.gid, 6);
	assert_int_equal(ks.mtime.sec, 4242);
	assert_contents("/etc", "e");

	/* The root can only be given directory attributes. */
	ar_free(&a);
	ar_add(&a, &(struct member){ .name = ".", .mode = S_IFREG | 0777 });
	ar_trailer(&a);
	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.skipped, 1);
	assert_true(shim_log_contains("skipping '.'"));
	assert_int_equal(lstat_at("/", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 0711);
	ar_free(&a);
}

static void initramfs_symlinks_keep_relative_and_absolute_targets(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_dir(&a, "bin", 0755);
	ar_file(&a, "bin/busybox", 0755, "BB");
	ar_symlink(&a, "bin/sh", "busybox");
	ar_add(&a, &(struct member){ .name = "init", .mode = S_IFLNK | 0777,
				    .data = "/bin/sh", .uid = 9, .gid = 10,
				    .mtime = 777 });
	ar_symlink(&a, "dangling", "/nowhere/at/all");
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 5);
	assert_int_equal(st.bytes, 2 + 7 + 7 + 15);

	assert_int_equal(lstat_at("bin/sh", &ks), 0);
	assert_true(S_ISLNK(ks.mode));
	assert_link_target("bin/sh", "busybox");
	assert_int_equal(lstat_at("init", &ks), 0);
	assert_true(S_ISLNK(ks.mode));
	assert_int_equal(ks.uid, 9);
	assert_int_equal(ks.gid, 10);
	assert_int_equal(ks.mtime.sec, 777);
	assert_link_target("init", "/bin/sh");
	assert_link_target("dangling", "/nowhere/at/all");
	/* Both resolve: through the relative and the absolute target. */
	assert_contents("init", "BB");
	ar_free(&a);
}

static void initramfs_symlink_target_is_not_nul_terminated_in_archive(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	/* "abc" with no NUL, padded by the writer; then a target that
	 * fills its 4-byte slot exactly, so the next header follows it. */
	ar_symlink(&a, "l3", "abc");
	ar_symlink(&a, "l4", "abcd");
	/* A NUL in the data ends the target, as on Linux. */
	ar_add(&a, &(struct member){ .name = "lnul", .mode = S_IFLNK | 0777,
				    .data = "ab\0cd", .size = 5 });
	ar_file(&a, "after", 0644, "ok");
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 4);
	assert_link_target("l3", "abc");
	assert_link_target("l4", "abcd");
	assert_link_target("lnul", "ab");
	assert_contents("after", "ok");
	ar_free(&a);
}

static void initramfs_empty_or_overlong_symlink_target_is_skipped(void **state)
{
	static char long_target[PATH_MAX + 1];
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	memset(long_target, 'x', PATH_MAX);
	ar_add(&a, &(struct member){ .name = "empty", .mode = S_IFLNK | 0777 });
	ar_symlink(&a, "long", long_target);
	ar_symlink(&a, "fine", "x");
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.skipped, 2);
	assert_false(exists("empty"));
	assert_false(exists("long"));
	assert_true(shim_log_contains("skipping 'empty'"));
	assert_true(shim_log_contains("skipping 'long'"));
	assert_link_target("fine", "x");
	ar_free(&a);
}

static void initramfs_hard_links_share_inode_with_data_on_last_link(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat k1, k2, k3;

	(void)state;
	/* As GNU cpio writes them: same ino, nlink 2, data on the last. */
	ar_add(&a, &(struct member){ .name = "first", .mode = S_IFREG | 0640,
				    .ino = 77, .nlink = 2, .uid = 3,
				    .gid = 4, .mtime = 555 });
	ar_file(&a, "between", 0644, "unrelated");
	ar_add(&a, &(struct member){ .name = "second", .mode = S_IFREG |
				    0640, .ino = 77, .nlink = 2, .uid = 3,
				    .gid = 4, .mtime = 555,
				    .data = "shared data" });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(lstat_at("first", &k1), 0);
	assert_int_equal(lstat_at("second", &k2), 0);
	assert_int_equal(lstat_at("between", &k3), 0);
	assert_int_equal(k1.ino, k2.ino);
	assert_int_not_equal(k1.ino, k3.ino);
	assert_int_equal(k1.nlink, 2);
	assert_int_equal(k2.nlink, 2);
	assert_int_equal(k3.nlink, 1);
	assert_int_equal(k1.size, 11);
	assert_int_equal(k1.mode, S_IFREG | 0640);
	assert_int_equal(k1.uid, 3);
	assert_int_equal(k1.mtime.sec, 555);
	assert_contents("first", "shared data");
	assert_contents("second", "shared data");
	ar_free(&a);
}

static void initramfs_same_ino_on_another_device_is_not_a_link(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat k1, k2;

	(void)state;
	ar_add(&a, &(struct member){ .name = "a", .mode = S_IFREG | 0644,
				    .ino = 5, .nlink = 2, .dev_minor = 1,
				    .data = "A" });
	ar_add(&a, &(struct member){ .name = "b", .mode = S_IFREG | 0644,
				    .ino = 5, .nlink = 2, .dev_minor = 2,
				    .data = "B" });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(lstat_at("a", &k1), 0);
	assert_int_equal(lstat_at("b", &k2), 0);
	assert_int_not_equal(k1.ino, k2.ino);
	assert_contents("a", "A");
	assert_contents("b", "B");
	ar_free(&a);
}

static void initramfs_hard_links_do_not_cross_archives(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat k1, k2;

	(void)state;
	ar_add(&a, &(struct member){ .name = "a", .mode = S_IFREG | 0644,
				    .ino = 9, .nlink = 2, .data = "one" });
	ar_trailer(&a);
	ar_add(&a, &(struct member){ .name = "b", .mode = S_IFREG | 0644,
				    .ino = 9, .nlink = 2, .data = "two" });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.archives, 2);
	assert_int_equal(lstat_at("a", &k1), 0);
	assert_int_equal(lstat_at("b", &k2), 0);
	assert_int_not_equal(k1.ino, k2.ino);
	assert_contents("a", "one");
	assert_contents("b", "two");
	ar_free(&a);
}

static void initramfs_device_nodes_fifo_and_socket_are_made(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_dir(&a, "dev", 0755);
	ar_add(&a, &(struct member){ .name = "dev/console", .mode = S_IFCHR |
				    0600, .rdev_major = 5, .rdev_minor = 1,
				    .uid = 0, .gid = 5, .mtime = 99 });
	ar_add(&a, &(struct member){ .name = "dev/sda1", .mode = S_IFBLK |
				    0660, .rdev_major = 8,
				    .rdev_minor = 0x12345, .gid = 6 });
	ar_add(&a, &(struct member){ .name = "dev/initctl", .mode = S_IFIFO |
				    0620, .uid = 11, .gid = 12 });
	ar_add(&a, &(struct member){ .name = "dev/log", .mode = S_IFSOCK |
				    0666 });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 5);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(lstat_at("dev/console", &ks), 0);
	assert_int_equal(ks.mode, S_IFCHR | 0600);
	assert_int_equal(MAJOR(ks.rdev), 5);
	assert_int_equal(MINOR(ks.rdev), 1);
	assert_int_equal(ks.gid, 5);
	assert_int_equal(ks.mtime.sec, 99);
	assert_int_equal(lstat_at("dev/sda1", &ks), 0);
	assert_int_equal(ks.mode, S_IFBLK | 0660);
	assert_int_equal(ks.rdev, MKDEV(8, 0x12345));
	assert_int_equal(lstat_at("dev/initctl", &ks), 0);
	assert_int_equal(ks.mode, S_IFIFO | 0620);
	assert_int_equal(ks.uid, 11);
	assert_int_equal(ks.gid, 12);
	assert_int_equal(lstat_at("dev/log", &ks), 0);
	assert_int_equal(ks.mode, S_IFSOCK | 0666);
	ar_free(&a);
}

static void initramfs_hard_linked_fifos_share_an_inode(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat k1, k2;

	(void)state;
	ar_add(&a, &(struct member){ .name = "p1", .mode = S_IFIFO | 0640,
				    .ino = 31, .nlink = 2, .uid = 8 });
	ar_add(&a, &(struct member){ .name = "p2", .mode = S_IFIFO | 0640,
				    .ino = 31, .nlink = 2, .uid = 8 });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 2);
	assert_int_equal(lstat_at("p1", &k1), 0);
	assert_int_equal(lstat_at("p2", &k2), 0);
	assert_int_equal(k1.ino, k2.ino);
	assert_int_equal(k1.nlink, 2);
	assert_int_equal(k2.mode, S_IFIFO | 0640);
	assert_int_equal(k2.uid, 8);
	ar_free(&a);
}

static void initramfs_device_number_out_of_range_is_skipped(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	ar_add(&a, &(struct member){ .name = "bigmajor", .mode = S_IFCHR |
				    0600, .rdev_major = 4096 });
	ar_add(&a, &(struct member){ .name = "bigminor", .mode = S_IFCHR |
				    0600, .rdev_minor = 1u << 20 });
	ar_add(&a, &(struct member){ .name = "fine", .mode = S_IFCHR | 0600,
				    .rdev_major = 4095,
				    .rdev_minor = (1u << 20) - 1 });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.skipped, 2);
	assert_false(exists("bigmajor"));
	assert_false(exists("bigminor"));
	assert_true(exists("fine"));
	ar_free(&a);
}

/* ---- several archives, replacing what is there ---------------------------- */

static void initramfs_concatenated_archive_replaces_earlier_file(void **state)
{
	static const uint8_t zeros[512];
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_dir(&a, "etc", 0755);
	ar_file(&a, "etc/config", 0644, "old config, rather long");
	ar_file(&a, "etc/keep", 0644, "kept");
	ar_trailer(&a);
	ar_put(&a, zeros, sizeof(zeros));	/* as cat of padded images */
	ar_add(&a, &(struct member){ .name = "etc/config", .mode = S_IFREG |
				    0600, .data = "new", .uid = 1 });
	ar_file(&a, "etc/added", 0644, "added");
	ar_trailer(&a);
	ar_put(&a, zeros, 100);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.archives, 2);
	assert_int_equal(st.entries, 5);
	assert_contents("etc/config", "new");
	assert_int_equal(lstat_at("etc/config", &ks), 0);
	assert_int_equal(ks.mode, S_IFREG | 0600);
	assert_int_equal(ks.uid, 1);
	assert_int_equal(ks.size, 3);
	assert_contents("etc/keep", "kept");
	assert_contents("etc/added", "added");
	ar_free(&a);
}

static void initramfs_replaces_symlink_without_following_it(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_file(&a, "victim", 0644, "untouched");
	ar_symlink(&a, "trap", "victim");
	ar_symlink(&a, "dirtrap", "victim");
	ar_trailer(&a);
	/* Second archive: a file and a directory where the symlinks are. */
	ar_file(&a, "trap", 0600, "new file");
	ar_dir(&a, "dirtrap", 0700);
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 5);
	assert_contents("victim", "untouched");
	assert_int_equal(lstat_at("trap", &ks), 0);
	assert_true(S_ISREG(ks.mode));
	assert_contents("trap", "new file");
	assert_int_equal(lstat_at("dirtrap", &ks), 0);
	assert_true(S_ISDIR(ks.mode));
	ar_free(&a);
}

static void initramfs_existing_directory_is_kept_and_updated(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_dir(&a, "d", 0755);
	ar_file(&a, "d/inside", 0644, "in");
	ar_trailer(&a);
	ar_add(&a, &(struct member){ .name = "d", .mode = S_IFDIR | 0700,
				    .uid = 4, .mtime = 31 });
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(lstat_at("d", &ks), 0);
	assert_int_equal(ks.mode, S_IFDIR | 0700);
	assert_int_equal(ks.uid, 4);
	assert_int_equal(ks.mtime.sec, 31);
	assert_contents("d/inside", "in");
	ar_free(&a);
}

static void initramfs_file_over_nonempty_directory_is_skipped(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct kstat ks;

	(void)state;
	ar_dir(&a, "full", 0755);
	ar_file(&a, "full/x", 0644, "x");
	ar_dir(&a, "empty", 0755);
	ar_file(&a, "full", 0644, "file");
	ar_file(&a, "empty", 0644, "file");
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.skipped, 1);
	assert_true(shim_log_contains("skipping 'full'"));
	assert_int_equal(lstat_at("full", &ks), 0);
	assert_true(S_ISDIR(ks.mode));
	assert_contents("full/x", "x");
	/* An empty directory is replaced, as Linux's clean_path() does. */
	assert_contents("empty", "file");
	ar_free(&a);
}

/* ---- damaged archives ---------------------------------------------------- */

static void build_three_files(struct ar *a, size_t hdr[3])
{
	hdr[0] = ar_file(a, "one", 0644, "1");
	hdr[1] = ar_file(a, "two", 0644, "22");
	hdr[2] = ar_file(a, "three", 0644, "333");
	ar_trailer(a);
}

static void initramfs_truncated_archive_keeps_earlier_entries(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	char msg[80];
	size_t hdr[3];

	(void)state;
	build_three_files(&a, hdr);
	/* Cut in the middle of the third member's header. */
	assert_int_equal(unpack_n(&a, hdr[2] + 50, &ctx, &st), -EINVAL);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.archives, 1);
	assert_contents("one", "1");
	assert_contents("two", "22");
	assert_false(exists("three"));
	snprintf(msg, sizeof(msg), "corrupt archive at offset %zu", hdr[2]);
	assert_true(shim_log_contains(msg));
	ar_free(&a);
}

static void initramfs_truncated_file_data_is_not_created(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	size_t hdr[3];

	(void)state;
	build_three_files(&a, hdr);
	/* Cut inside "two"'s data: the member is never handed out. */
	assert_int_equal(unpack_n(&a, hdr[1] + HDR_LEN + 4 + 1, &ctx, &st),
			 -EINVAL);
	assert_int_equal(st.entries, 1);
	assert_true(exists("one"));
	assert_false(exists("two"));
	ar_free(&a);
}

static void initramfs_bad_hex_digit_stops_with_einval(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	char msg[80];
	size_t hdr[3];

	(void)state;
	build_three_files(&a, hdr);
	a.buf[hdr[1] + FIELD(F_MODE) + 3] = 'g';
	assert_int_equal(unpack(&a, &st), -EINVAL);
	assert_int_equal(st.entries, 1);
	assert_true(exists("one"));
	assert_false(exists("two"));
	assert_false(exists("three"));
	snprintf(msg, sizeof(msg), "corrupt archive at offset %zu: bad hex",
		 hdr[1]);
	assert_true(shim_log_contains(msg));
	ar_free(&a);
}

static void initramfs_bad_magic_stops_with_einval(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	size_t hdr[3];

	(void)state;
	build_three_files(&a, hdr);
	memcpy(a.buf + hdr[2], "070707", 6);	/* the old binary-ish magic */
	assert_int_equal(unpack(&a, &st), -EINVAL);
	assert_int_equal(st.entries, 2);
	assert_false(exists("three"));
	assert_true(shim_log_contains("bad magic"));

	/* And at the very start: nothing at all. */
	shim_log_clear();
	memcpy(a.buf, "07070X", 6);
	assert_int_equal(unpack(&a, &st), -EINVAL);
	assert_true(shim_log_contains("corrupt archive at offset 0"));
	ar_free(&a);
}

static void initramfs_huge_filesize_is_refused(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	size_t hdr[3];

	(void)state;
	build_three_files(&a, hdr);
	ar_patch(&a, hdr[1], F_FILESIZE, 0xffffffffu);
	assert_int_equal(unpack(&a, &st), -EINVAL);
	assert_int_equal(st.entries, 1);
	assert_false(exists("two"));
	assert_true(shim_log_contains("past end"));
	ar_free(&a);
}

static void initramfs_garbage_after_last_archive_is_an_error(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	ar_file(&a, "x", 0644, "x");
	ar_trailer(&a);
	ar_put(&a, "junkjunk", 8);
	assert_int_equal(unpack(&a, &st), -EINVAL);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.archives, 2);
	assert_contents("x", "x");
	ar_free(&a);
}

/* ---- names --------------------------------------------------------------- */

static void initramfs_absolute_and_dot_slash_names_land_inside_root(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct vfs_ctx jail;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, &ctx.root, "jail", 0755), 0);
	confined_ctx("/jail", &jail);
	ar_dir(&a, "/abs", 0755);
	ar_file(&a, "/abs/path", 0644, "A");
	ar_file(&a, "./dotted", 0644, "D");
	ar_file(&a, "//.//./twice", 0644, "T");
	ar_trailer(&a);

	assert_int_equal(unpack_n(&a, a.len, &jail, &st), 0);
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.skipped, 0);
	vfs_ctx_release(&jail);
	assert_contents("/jail/abs/path", "A");
	assert_contents("/jail/dotted", "D");
	assert_contents("/jail/twice", "T");
	assert_false(exists("/abs"));
	assert_false(exists("/dotted"));
	ar_free(&a);
}

static void initramfs_dotdot_names_are_skipped(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, &ctx.root, "a", 0755), 0);
	ar_file(&a, "../evil", 0644, "e1");
	ar_file(&a, "a/../../evil2", 0644, "e2");
	ar_file(&a, "a/..", 0644, "e3");
	ar_file(&a, "/../evil4", 0644, "e4");
	ar_add(&a, &(struct member){ .name = "", .mode = S_IFREG | 0644 });
	ar_file(&a, "a/..b", 0644, "fine");	/* not a ".." component */
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.skipped, 5);
	assert_true(shim_log_contains("skipping '../evil'"));
	assert_true(shim_log_contains("skipping 'a/../../evil2'"));
	assert_true(shim_log_contains("skipping ''"));
	assert_false(exists("evil"));
	assert_false(exists("evil2"));
	assert_false(exists("evil4"));
	assert_contents("a/..b", "fine");
	ar_free(&a);
}

static void check_escape_through_symlink(const char *target)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct vfs_ctx jail;
	struct kstat ks;

	mount_tmpfs("mnt", "");
	confined_ctx("/mnt", &jail);
	ar_symlink(&a, "esc", target);
	ar_file(&a, "esc/evil", 0644, "gotcha");
	ar_dir(&a, "esc/evildir", 0755);
	ar_add(&a, &(struct member){ .name = "esc/evilnode", .mode = S_IFIFO |
				    0600 });
	ar_trailer(&a);

	assert_int_equal(unpack_n(&a, a.len, &jail, &st), 0);
	vfs_ctx_release(&jail);
	assert_int_equal(lstat_at("/evil", &ks), -ENOENT);
	assert_int_equal(lstat_at("/evildir", &ks), -ENOENT);
	assert_int_equal(lstat_at("/evilnode", &ks), -ENOENT);
	/* The symlink resolved inside the confined root. */
	assert_contents("/mnt/evil", "gotcha");
	assert_int_equal(lstat_at("/mnt/evildir", &ks), 0);
	assert_int_equal(lstat_at("/mnt/evilnode", &ks), 0);
	assert_int_equal(vfs_umount(&ctx, "/mnt"), 0);
	ar_free(&a);
}

static void initramfs_symlink_to_slash_stays_inside_confined_root(void **state)
{
	(void)state;
	check_escape_through_symlink("/");
}

static void initramfs_symlink_to_dotdot_stays_inside_confined_root(void **state)
{
	(void)state;
	check_escape_through_symlink("../..");
}

static void initramfs_name_too_long_is_skipped(void **state)
{
	static char name[PATH_MAX + 10];
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	memset(name, 'n', PATH_MAX + 5);
	ar_file(&a, name, 0644, "x");
	ar_file(&a, "ok", 0644, "x");
	ar_trailer(&a);
	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.skipped, 1);
	assert_true(exists("ok"));
	ar_free(&a);
}

/* ---- failures while creating ----------------------------------------------- */

static void initramfs_missing_parent_skips_only_that_entry(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;

	(void)state;
	ar_file(&a, "before", 0644, "b");
	ar_file(&a, "nodir/file", 0644, "lost");
	ar_symlink(&a, "nodir/link", "x");
	ar_file(&a, "after", 0644, "a");
	ar_trailer(&a);

	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.skipped, 2);
	assert_true(shim_log_contains("skipping 'nodir/file'"));
	assert_true(shim_log_contains("skipping 'nodir/link'"));
	assert_contents("before", "b");
	assert_contents("after", "a");
	assert_false(exists("nodir"));
	ar_free(&a);
}

static void initramfs_file_bigger_than_tmpfs_leaves_no_partial_file(void **state)
{
	static char big[16 * 1024 + 1];
	static char page[4096 + 1];
	struct ar a = { 0 };
	struct initramfs_stats st;
	struct vfs_ctx small;

	(void)state;
	memset(big, 'B', sizeof(big) - 1);
	memset(page, 'P', sizeof(page) - 1);
	/* Two pages: "small" takes one, "big" fills the other and fails. */
	mount_tmpfs("mnt", "size=8k");
	confined_ctx("/mnt", &small);
	ar_file(&a, "small", 0644, "tiny");
	ar_file(&a, "big", 0644, big);
	/* Fits only if the partial "big" gave its page back. */
	ar_file(&a, "later", 0644, page);
	ar_trailer(&a);

	assert_int_equal(unpack_n(&a, a.len, &small, &st), 0);
	vfs_ctx_release(&small);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.bytes, 4 + 4096);
	assert_true(shim_log_contains("skipping 'big': cannot write data: "
				      "no space left"));
	assert_false(exists("/mnt/big"));
	assert_contents("/mnt/small", "tiny");
	assert_true(exists("/mnt/later"));
	assert_int_equal(vfs_umount(&ctx, "/mnt"), 0);
	ar_free(&a);
}

/* ---- robustness ---------------------------------------------------------- */

/* An archive with a bit of everything, and a second one after it. */
static void build_everything(struct ar *a)
{
	static const uint8_t zeros[64];

	ar_add(a, &(struct member){ .name = ".", .mode = S_IFDIR | 0755 });
	ar_dir(a, "bin", 0755);
	ar_file(a, "bin/prog", 04755, "\x7f" "ELF and some more bytes");
	ar_symlink(a, "bin/sh", "prog");
	ar_symlink(a, "abs", "/bin/prog");
	ar_dir(a, "d", 0700);
	ar_dir(a, "d/e", 0700);
	ar_dir(a, "d/e/f", 0700);
	ar_add(a, &(struct member){ .name = "d/e/f/h1", .mode = S_IFREG |
				   0600, .ino = 50, .nlink = 2 });
	ar_add(a, &(struct member){ .name = "d/h2", .mode = S_IFREG | 0600,
				   .ino = 50, .nlink = 2, .data = "linked" });
	ar_add(a, &(struct member){ .name = "null", .mode = S_IFCHR | 0666,
				   .rdev_major = 1, .rdev_minor = 3 });
	ar_add(a, &(struct member){ .name = "fifo", .mode = S_IFIFO | 0600 });
	ar_trailer(a);
	ar_put(a, zeros, sizeof(zeros));
	ar_file(a, "bin/prog", 0755, "replaced");
	ar_file(a, "late", 0644, "late");
	ar_trailer(a);
}

static const uint8_t cpio_edges[] = {
	'0', '1', '7', '9', 'a', 'f', 'F', 'g', 0, 0xff, '/', '.',
};

static void initramfs_random_corruption_never_crashes_or_leaks(void **state)
{
	struct ar good = { 0 };
	uint64_t seed;

	(void)state;
	build_everything(&good);
	/* The pristine archive unpacks completely. */
	{
		struct initramfs_stats st;

		assert_int_equal(unpack(&good, &st), 0);
		assert_int_equal(st.entries, 14);
		assert_int_equal(st.skipped, 0);
		assert_int_equal(st.archives, 2);
	}
	vfs_ctx_release(&ctx);
	shim_vfs_teardown();

	for (seed = 1; seed <= 400; seed++) {
		struct initramfs_stats st;
		uint8_t *buf;
		size_t len = good.len;
		int flips, r;

		rng_seed(seed);
		buf = test_malloc(len);
		memcpy(buf, good.buf, len);
		flips = 1 + (int)(rng() % 4);
		for (int i = 0; i < flips; i++) {
			size_t at = rng() % len;

			buf[at] = rng_mutate_byte(buf[at], cpio_edges,
						  sizeof(cpio_edges));
		}
		if (rng() % 4 == 0)
			len = rng() % len;	/* and sometimes cut short */

		shim_vfs_setup();
		vfs_ctx_init_kernel(&ctx);
		r = initramfs_unpack(buf, len, &ctx, &st);
		if (r != 0 && r != -EINVAL)
			fail_msg("seed %llu: returned %d",
				 (unsigned long long)seed, r);
		initramfs_list_tree(&ctx);
		vfs_ctx_release(&ctx);
		shim_vfs_teardown();	/* asserts nothing leaked */
		test_free(buf);
	}

	/* The test's own teardown expects a live VFS. */
	shim_vfs_setup();
	vfs_ctx_init_kernel(&ctx);
	ar_free(&good);
}

static void initramfs_allocation_failures_are_reported_not_leaked(void **state)
{
	struct ar good = { 0 };
	int clean_runs = 0;

	(void)state;
	build_everything(&good);
	vfs_ctx_release(&ctx);
	shim_vfs_teardown();

	/*
	 * Fail the n-th allocation for every n, until runs come out clean
	 * (n is past the last allocation) ten times in a row.
	 */
	for (int n = 0; n < 5000 && clean_runs < 10; n++) {
		struct initramfs_stats st;
		int r;

		shim_vfs_setup();
		vfs_ctx_init_kernel(&ctx);
		shim_log_clear();
		shim_fail_allocations_after(n);
		r = unpack(&good, &st);
		initramfs_list_tree(&ctx);
		shim_fail_allocations_after(-1);
		assert_int_equal(r, 0);
		assert_int_equal(st.entries + st.skipped, 14);
		/* Every failure the code sees leaves a line in the log. */
		if (!shim_log_contains("skipping") &&
		    !shim_log_contains("cannot") &&
		    !shim_log_contains("out of memory")) {
			assert_int_equal(st.entries, 14);
			clean_runs++;
		} else {
			clean_runs = 0;
		}
		vfs_ctx_release(&ctx);
		shim_vfs_teardown();	/* asserts nothing leaked */
	}
	assert_int_equal(clean_runs, 10);

	shim_vfs_setup();
	vfs_ctx_init_kernel(&ctx);
	ar_free(&good);
}

/* ---- listing --------------------------------------------------------------- */

/* The "rootfs:" line initramfs_list_tree() must give for @path. */
static void expect_listed(const char *path, const char *mode,
			  const char *size, const char *target)
{
	char line[512];
	struct kstat ks;

	assert_int_equal(lstat_at(path, &ks), 0);
	snprintf(line, sizeof(line), "rootfs: %s %u %u %u %s ino=%llu %s%s%s",
		 mode, ks.nlink, ks.uid, ks.gid, size,
		 (unsigned long long)ks.ino, path, target ? " -> " : "",
		 target ? target : "");
	if (!shim_log_contains(line))
		fail_msg("not listed: \"%s\"", line);
}

static void initramfs_list_tree_logs_every_object(void **state)
{
	struct ar a = { 0 };
	struct initramfs_stats st;
	char size[32];
	struct kstat ks;

	(void)state;
	ar_dir(&a, ".", 0755);
	ar_dir(&a, "etc", 0755);
	ar_add(&a, &(struct member){ .name = "etc/shadow", .mode = S_IFREG |
				    0640, .uid = 0, .gid = 42,
				    .data = "root:*:" });
	ar_add(&a, &(struct member){ .name = "etc/sudo", .mode = S_IFREG |
				    04711, .data = "s" });
	ar_symlink(&a, "etc/mtab", "/proc/mounts");
	ar_add(&a, &(struct member){ .name = "tty0", .mode = S_IFCHR | 0620,
				    .rdev_major = 4, .rdev_minor = 0 });
	ar_add(&a, &(struct member){ .name = "tmp", .mode = S_IFDIR |
				    01777 });
	ar_trailer(&a);
	assert_int_equal(unpack(&a, &st), 0);

	shim_log_clear();
	initramfs_list_tree(&ctx);
	assert_int_equal(lstat_at("/", &ks), 0);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)ks.size);
	expect_listed("/", "drwxr-xr-x", size, NULL);
	assert_int_equal(lstat_at("/etc", &ks), 0);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)ks.size);
	expect_listed("/etc", "drwxr-xr-x", size, NULL);
	expect_listed("/etc/shadow", "-rw-r-----", "7", NULL);
	expect_listed("/etc/sudo", "-rws--x--x", "1", NULL);
	expect_listed("/etc/mtab", "lrwxrwxrwx", "12", "/proc/mounts");
	expect_listed("/tty0", "crw--w----", "4,0", NULL);
	assert_int_equal(lstat_at("/tmp", &ks), 0);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)ks.size);
	expect_listed("/tmp", "drwxrwxrwt", size, NULL);
	ar_free(&a);
}

static void initramfs_list_tree_is_sorted_and_depth_first(void **state)
{
	static const char *const order[] = {
		" /\n", " /a\n", " /a/x\n", " /a/y\n", " /b\n", " /c\n",
		" /c/z\n",
	};
	struct ar a = { 0 };
	struct initramfs_stats st;
	const char *log, *at;

	(void)state;
	/* Archive order differs from sorted order. */
	ar_file(&a, "b", 0644, "");
	ar_dir(&a, "c", 0755);
	ar_dir(&a, "a", 0755);
	ar_file(&a, "c/z", 0644, "");
	ar_file(&a, "a/y", 0644, "");
	ar_file(&a, "a/x", 0644, "");
	ar_trailer(&a);
	assert_int_equal(unpack(&a, &st), 0);

	shim_log_clear();
	initramfs_list_tree(&ctx);
	log = shim_log_text();
	at = log;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *hit = strstr(at, order[i]);

		if (!hit)
			fail_msg("\"%s\" missing or out of order in:\n%s",
				 order[i], log);
		at = hit + 1;
	}
	ar_free(&a);
}

static void initramfs_list_tree_stops_at_depth_32(void **state)
{
	char path[2 * 40 + 1] = "";
	struct ar a = { 0 };
	struct initramfs_stats st;
	char want[128];

	(void)state;
	for (int i = 0; i < 40; i++) {
		strcat(path, i ? "/d" : "d");
		ar_dir(&a, path, 0755);
	}
	ar_trailer(&a);
	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, 40);

	shim_log_clear();
	initramfs_list_tree(&ctx);
	/* Level 32 ("/d" 32 times) is listed, level 33 is not. */
	strcpy(path, "");
	for (int i = 0; i < 32; i++)
		strcat(path, "/d");
	snprintf(want, sizeof(want), " %s\n", path);
	assert_true(shim_log_contains(want));
	assert_true(shim_log_contains("deeper than 32 levels"));
	strcat(path, "/d");
	snprintf(want, sizeof(want), " %s\n", path);
	assert_false(shim_log_contains(want));
	ar_free(&a);
}

static void initramfs_list_tree_stops_after_100000_entries(void **state)
{
	enum { DIRS = 250, FILES = 400 };	/* 1 + 250 * 401 objects */
	struct ar a = { 0 };
	struct initramfs_stats st;
	char name[32], last[40], next[40];
	unsigned k, d, f;

	(void)state;
	/* More inodes than the default cap (half of RAM in pages). */
	vfs_ctx_release(&ctx);
	shim_vfs_teardown();
	shim_vfs_setup_opts("nr_inodes=200000");
	vfs_ctx_init_kernel(&ctx);
	/* Spread over directories: a huge one would only time tmpfs. */
	for (d = 0; d < DIRS; d++) {
		snprintf(name, sizeof(name), "d%03u", d);
		ar_dir(&a, name, 0755);
		for (f = 0; f < FILES; f++) {
			snprintf(name, sizeof(name), "d%03u/f%03u", d, f);
			ar_file(&a, name, 0644, "");
		}
	}
	ar_trailer(&a);
	assert_int_equal(unpack(&a, &st), 0);
	assert_int_equal(st.entries, DIRS * (FILES + 1));

	/* Line 1 is "/"; directory d's line is 2 + d * 401, then its
	 * files.  Line 100000 is the last one shown. */
	k = 100000 - 2;
	d = k / (FILES + 1);
	f = k % (FILES + 1);
	assert_true(f > 0 && f < FILES);
	snprintf(last, sizeof(last), " /d%03u/f%03u\n", d, f - 1);
	snprintf(next, sizeof(next), " /d%03u/f%03u\n", d, f);
	shim_log_clear();
	initramfs_list_tree(&ctx);
	assert_true(shim_log_contains(last));
	assert_false(shim_log_contains(next));
	assert_true(shim_log_contains("listing stopped after 100000 "
				      "entries"));
	ar_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(initramfs_files_get_content_mode_owner_and_mtime),
		T(initramfs_nested_directories_keep_mode_owner_and_mtime),
		T(initramfs_dot_entry_sets_the_root_attributes),
		T(initramfs_symlinks_keep_relative_and_absolute_targets),
		T(initramfs_symlink_target_is_not_nul_terminated_in_archive),
		T(initramfs_empty_or_overlong_symlink_target_is_skipped),
		T(initramfs_hard_links_share_inode_with_data_on_last_link),
		T(initramfs_same_ino_on_another_device_is_not_a_link),
		T(initramfs_hard_links_do_not_cross_archives),
		T(initramfs_device_nodes_fifo_and_socket_are_made),
		T(initramfs_hard_linked_fifos_share_an_inode),
		T(initramfs_device_number_out_of_range_is_skipped),
		T(initramfs_concatenated_archive_replaces_earlier_file),
		T(initramfs_replaces_symlink_without_following_it),
		T(initramfs_existing_directory_is_kept_and_updated),
		T(initramfs_file_over_nonempty_directory_is_skipped),
		T(initramfs_truncated_archive_keeps_earlier_entries),
		T(initramfs_truncated_file_data_is_not_created),
		T(initramfs_bad_hex_digit_stops_with_einval),
		T(initramfs_bad_magic_stops_with_einval),
		T(initramfs_huge_filesize_is_refused),
		T(initramfs_garbage_after_last_archive_is_an_error),
		T(initramfs_absolute_and_dot_slash_names_land_inside_root),
		T(initramfs_dotdot_names_are_skipped),
		T(initramfs_symlink_to_slash_stays_inside_confined_root),
		T(initramfs_symlink_to_dotdot_stays_inside_confined_root),
		T(initramfs_name_too_long_is_skipped),
		T(initramfs_missing_parent_skips_only_that_entry),
		T(initramfs_file_bigger_than_tmpfs_leaves_no_partial_file),
		T(initramfs_random_corruption_never_crashes_or_leaks),
		T(initramfs_allocation_failures_are_reported_not_leaked),
		T(initramfs_list_tree_logs_every_object),
		T(initramfs_list_tree_is_sorted_and_depth_first),
		T(initramfs_list_tree_stops_at_depth_32),
		T(initramfs_list_tree_stops_after_100000_entries),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
