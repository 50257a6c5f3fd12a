/*
 * The VFS core over tmpfs: path walk (dot, dot-dot, symlinks, limits,
 * trailing slashes, permissions), mounts, open files, the dentry cache
 * and reference counting.  Each test gets a fresh VFS and its teardown
 * checks that nothing leaked.
 */
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "mm/mm.h"
#include "test/unit/shim/shim.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

static struct vfs_ctx ctx;

static int setup(void **state)
{
	(void)state;
	shim_vfs_setup();
	vfs_ctx_init_kernel(&ctx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vfs_ctx_release(&ctx);
	shim_vfs_teardown();
	return 0;
}

static void write_file(const char *path, const char *text)
{
	struct file *f;

	assert_int_equal(vfs_open(&ctx, NULL, path, O_WRONLY | O_CREAT |
				  O_TRUNC, 0644, &f), 0);
	assert_int_equal(kernel_write(f, text, strlen(text)),
			 (ssize_t)strlen(text));
	file_put(f);
}

static void expect_content(const char *path, const char *text)
{
	char buf[256] = { 0 };
	struct file *f;

	assert_int_equal(vfs_open(&ctx, NULL, path, O_RDONLY, 0, &f), 0);
	assert_int_equal(kernel_read(f, buf, sizeof(buf) - 1),
			 (ssize_t)strlen(text));
	assert_string_equal(buf, text);
	file_put(f);
}

static int stat_of(const char *path, unsigned flags, struct kstat *st)
{
	return vfs_stat(&ctx, NULL, path, flags, st);
}

static void vfs_root_is_an_empty_directory(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(stat_of("/", 0, &st), 0);
	assert_true(S_ISDIR(st.mode));
	assert_int_equal(st.nlink, 2);
}

static void vfs_create_write_read_back(void **state)
{
	(void)state;
	write_file("/hello", "hello, world");
	expect_content("/hello", "hello, world");
}

static void vfs_dot_and_dotdot_resolve(void **state)
{
	struct kstat a, b;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/a", 0755), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/a/b", 0755), 0);
	write_file("/a/f", "x");
	assert_int_equal(stat_of("/a/b/../f", 0, &a), 0);
	assert_int_equal(stat_of("/a/./b/./../f", 0, &b), 0);
	assert_int_equal(a.ino, b.ino);
	/* ".." at the root stays at the root */
	assert_int_equal(stat_of("/../../a/f", 0, &b), 0);
	assert_int_equal(a.ino, b.ino);
}

static void vfs_symlinks_relative_absolute_nested(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/d", 0755), 0);
	write_file("/d/target", "data");
	assert_int_equal(vfs_symlink(&ctx, "target", NULL, "/d/rel"), 0);
	assert_int_equal(vfs_symlink(&ctx, "/d/target", NULL, "/abs"), 0);
	assert_int_equal(vfs_symlink(&ctx, "/d", NULL, "/dirlink"), 0);
	assert_int_equal(vfs_symlink(&ctx, "dirlink/rel", NULL, "/chain"), 0);
	expect_content("/d/rel", "data");
	expect_content("/abs", "data");
	expect_content("/dirlink/target", "data");
	expect_content("/chain", "data");
	/* no-follow sees the link itself */
	assert_int_equal(stat_of("/chain", 0, &st), 0);
	assert_true(S_ISLNK(st.mode));
	assert_int_equal(stat_of("/chain", LOOKUP_FOLLOW, &st), 0);
	assert_true(S_ISREG(st.mode));
}

static void vfs_symlink_loop_gives_eloop(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(vfs_symlink(&ctx, "/l2", NULL, "/l1"), 0);
	assert_int_equal(vfs_symlink(&ctx, "/l1", NULL, "/l2"), 0);
	assert_int_equal(stat_of("/l1", LOOKUP_FOLLOW, &st), -ELOOP);
	assert_int_equal(stat_of("/l1/x", 0, &st), -ELOOP);
}

static void vfs_forty_links_resolve_forty_one_do_not(void **state)
{
	char name[32], target[32];
	struct kstat st;

	(void)state;
	write_file("/f0", "end");
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/f%d", i);
		snprintf(target, sizeof(target), "f%d", i - 1);
		assert_int_equal(vfs_symlink(&ctx, target, NULL, name), 0);
	}
	assert_int_equal(stat_of("/f40", LOOKUP_FOLLOW, &st), 0);
	assert_true(S_ISREG(st.mode));
	assert_int_equal(stat_of("/f41", LOOKUP_FOLLOW, &st), -ELOOP);
}

static void vfs_name_limits(void **state)
{
	char name[PATH_MAX + 8];
	struct kstat st;

	(void)state;
	name[0] = '/';
	memset(name + 1, 'x', 256);
	name[257] = '\0';
	assert_int_equal(stat_of(name, 0, &st), -ENAMETOOLONG);
	name[256] = '\0';	/* 255 bytes: fine, just absent */
	assert_int_equal(stat_of(name, 0, &st), -ENOENT);
	assert_int_equal(vfs_mkdir(&ctx, NULL, name, 0755), 0);
	for (size_t i = 0; i < PATH_MAX; i += 2) {
		name[i] = '/';
		name[i + 1] = '.';
	}
	name[PATH_MAX] = '\0';
	assert_int_equal(stat_of(name, 0, &st), -ENAMETOOLONG);
	name[PATH_MAX - 2] = '\0';	/* 4094 bytes */
	assert_int_equal(stat_of(name, 0, &st), 0);
}

static void vfs_enotdir_and_enoent(void **state)
{
	struct kstat st;

	(void)state;
	write_file("/file", "x");
	assert_int_equal(stat_of("/file/x", 0, &st), -ENOTDIR);
	assert_int_equal(stat_of("/file/", 0, &st), -ENOTDIR);
	assert_int_equal(stat_of("/missing/x", 0, &st), -ENOENT);
	assert_int_equal(stat_of("", 0, &st), -ENOENT);
	assert_int_equal(stat_of("/missing", 0, &st), -ENOENT);
}

static void vfs_trailing_slash_follows_symlink_to_dir(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/dir", 0755), 0);
	assert_int_equal(vfs_symlink(&ctx, "dir", NULL, "/ld"), 0);
	assert_int_equal(stat_of("/ld/", 0, &st), 0);
	assert_true(S_ISDIR(st.mode));
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/new/", 0755), 0);
	assert_int_equal(vfs_mknod(&ctx, NULL, "/newfile/", S_IFREG | 0644, 0),
			 -ENOENT);
}

static void vfs_search_permission_is_checked(void **state)
{
	struct cred user = { .uid = 1000, .euid = 1000, .fsuid = 1000,
			     .gid = 1000, .egid = 1000, .fsgid = 1000 };
	struct vfs_ctx uctx = ctx;
	struct kstat st;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/private", 0700), 0);
	write_file("/private/secret", "s");
	uctx.cred = &user;
	assert_int_equal(vfs_stat(&uctx, NULL, "/private/secret", 0, &st),
			 -EACCES);
	/* root bypasses */
	assert_int_equal(stat_of("/private/secret", 0, &st), 0);
	assert_int_equal(vfs_mkdir(&uctx, NULL, "/private/mine", 0755), -EACCES);
}

static void vfs_relative_lookup_from_a_directory(void **state)
{
	struct path at;
	struct kstat st;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/base", 0755), 0);
	write_file("/base/f", "x");
	assert_int_equal(vfs_path_lookup(&ctx, NULL, "/base", 0, &at), 0);
	assert_int_equal(vfs_stat(&ctx, &at, "f", 0, &st), 0);
	assert_int_equal(vfs_stat(&ctx, &at, "../base/f", 0, &st), 0);
	path_put(&at);
}

static void vfs_mount_and_dotdot_crosses_back(void **state)
{
	struct kstat root_st, st;
	struct path p;

	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/mnt", 0755), 0);
	write_file("/mnt/hidden", "under");
	assert_int_equal(vfs_mount(&ctx, "t", "/mnt", "tmpfs", 0, NULL), 0);
	assert_int_equal(stat_of("/mnt/hidden", 0, &st), -ENOENT);
	write_file("/mnt/inside", "in");
	assert_int_equal(stat_of("/", 0, &root_st), 0);
	assert_int_equal(stat_of("/mnt/..", 0, &st), 0);
	assert_int_equal(st.ino, root_st.ino);
	assert_int_equal(st.dev, root_st.dev);
	assert_int_equal(stat_of("/mnt", 0, &st), 0);
	assert_int_not_equal(st.dev, root_st.dev);
	/* busy while a file or path inside is held */
	assert_int_equal(vfs_path_lookup(&ctx, NULL, "/mnt/inside", 0, &p), 0);
	assert_int_equal(vfs_umount(&ctx, "/mnt"), -EBUSY);
	path_put(&p);
	assert_int_equal(vfs_umount(&ctx, "/mnt"), 0);
	expect_content("/mnt/hidden", "under");
	assert_int_equal(vfs_umount(&ctx, "/"), -EBUSY);
}

static void vfs_unmount_refuses_nested_mounts(void **state)
{
	(void)state;
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/m", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "a", "/m", "tmpfs", 0, NULL), 0);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/m/n", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "b", "/m/n", "tmpfs", 0, NULL), 0);
	assert_int_equal(vfs_umount(&ctx, "/m"), -EBUSY);
	assert_int_equal(vfs_umount(&ctx, "/m/n"), 0);
	assert_int_equal(vfs_umount(&ctx, "/m"), 0);
	assert_int_equal(vfs_umount(&ctx, "/m"), -EINVAL);
}

static void vfs_unlinked_open_file_keeps_its_data(void **state)
{
	struct file *f;
	char buf[8] = { 0 };

	(void)state;
	write_file("/tmpf", "keep");
	assert_int_equal(vfs_open(&ctx, NULL, "/tmpf", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_unlink(&ctx, NULL, "/tmpf"), 0);
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "keep");
	file_put(f);
}

static void vfs_dcache_prune_frees_unused_dentries(void **state)
{
	uint64_t before;
	struct kstat st;
	char name[32];

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "/n%d", i);
		write_file(name, "x");
		snprintf(name, sizeof(name), "/absent%d", i);
		assert_int_equal(stat_of(name, 0, &st), -ENOENT);
	}
	before = dcache_nr_dentries();
	assert_true(before >= 100);
	assert_true(dcache_prune(1000) >= 100);
	assert_true(dcache_nr_dentries() < before);
	/* everything still reachable through the file system */
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "/n%d", i);
		expect_content(name, "x");
	}
}

static void vfs_open_flags(void **state)
{
	struct file *f;

	(void)state;
	write_file("/e", "x");
	assert_int_equal(vfs_open(&ctx, NULL, "/e", O_CREAT | O_EXCL | O_WRONLY,
				  0644, &f), -EEXIST);
	assert_int_equal(vfs_open(&ctx, NULL, "/", O_WRONLY, 0, &f), -EISDIR);
	assert_int_equal(vfs_open(&ctx, NULL, "/e", O_RDONLY | O_DIRECTORY, 0,
				  &f), -ENOTDIR);
	assert_int_equal(vfs_symlink(&ctx, "/e", NULL, "/le"), 0);
	assert_int_equal(vfs_open(&ctx, NULL, "/le", O_RDONLY | O_NOFOLLOW, 0,
				  &f), -ELOOP);
	/* O_CREAT through a dangling symlink creates its target */
	assert_int_equal(vfs_symlink(&ctx, "/created", NULL, "/dangling"), 0);
	assert_int_equal(vfs_open(&ctx, NULL, "/dangling", O_CREAT | O_WRONLY,
				  0644, &f), 0);
	file_put(f);
	expect_content("/created", "");
}

/* A file system with almost nothing: every missing slot must give the
 * error fs/vfs.h documents. */
static struct inode *bare_alloc_inode(struct super_block *sb)
{
	(void)sb;
	return kzalloc(sizeof(struct inode));
}

static int bare_lookup(struct inode *dir, struct dentry *dentry)
{
	(void)dir;
	d_add(dentry, NULL);
	return 0;
}

static const struct super_ops bare_sops = { .alloc_inode = bare_alloc_inode };
static const struct inode_ops bare_dir_iops = { .lookup = bare_lookup };

static int bare_fill_super(struct super_block *sb, const char *source,
			   const char *data)
{
	struct inode *root;

	(void)source;
	(void)data;
	sb->s_op = &bare_sops;
	root = inode_new(sb);
	if (!root)
		return -ENOMEM;
	root->i_ino = 1;
	root->i_mode = S_IFDIR | 0777;
	root->i_nlink = 2;
	root->i_op = &bare_dir_iops;
	sb->s_root = d_alloc_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type bare_type = {
	.name = "bare",
	.fill_super = bare_fill_super,
};

static void vfs_missing_ops_give_documented_errors(void **state)
{
	struct file *f;

	(void)state;
	assert_int_equal(register_filesystem(&bare_type), 0);
	assert_int_equal(register_filesystem(&bare_type), -EBUSY);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/bare", 0755), 0);
	assert_int_equal(vfs_mount(&ctx, "b", "/bare", "bare", 0, NULL), 0);
	assert_int_equal(vfs_mount(&ctx, "b", "/bare", "nosuchfs", 0, NULL),
			 -ENODEV);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/bare/d", 0755), -EPERM);
	assert_int_equal(vfs_open(&ctx, NULL, "/bare/f", O_CREAT | O_WRONLY,
				  0644, &f), -EACCES);
	assert_int_equal(vfs_symlink(&ctx, "x", NULL, "/bare/l"), -EPERM);
	assert_int_equal(vfs_mknod(&ctx, NULL, "/bare/p", S_IFIFO | 0644, 0),
			 -EPERM);
	assert_int_equal(vfs_rename(&ctx, NULL, "/bare/a", NULL, "/bare/b", 0),
			 -ENOENT);
	assert_int_equal(vfs_open(&ctx, NULL, "/bare", O_RDONLY, 0, &f), 0);
	{
		struct dir_context dc = { 0 };
		char byte;

		assert_int_equal(vfs_readdir(f, &dc), -ENOTDIR);
		assert_int_equal(kernel_read(f, &byte, 1), -EISDIR);
		assert_int_equal(vfs_llseek(f, 0, SEEK_SET), -ESPIPE);
		assert_int_equal(vfs_ioctl(f, 0x5401, 0), -ENOTTY);
		assert_int_equal(vfs_fsync(f, false), -EINVAL);
		assert_int_equal(vfs_poll(f, NULL),
				 POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	}
	file_put(f);
	assert_int_equal(vfs_umount(&ctx, "/bare"), 0);
}

static void vfs_chmod_chown_rules(void **state)
{
	struct cred user = { .uid = 1000, .euid = 1000, .fsuid = 1000,
			     .gid = 100, .egid = 100, .fsgid = 100 };
	struct vfs_ctx uctx = ctx;
	struct iattr attr = { 0 };
	struct kstat st;

	(void)state;
	uctx.cred = &user;
	write_file("/owned", "x");
	attr.valid = ATTR_UID | ATTR_GID;
	attr.uid = 1000;
	attr.gid = 100;
	assert_int_equal(vfs_setattr_path(&ctx, NULL, "/owned", 0, &attr), 0);
	/* the owner may chmod, and set-gid survives only in their group */
	attr = (struct iattr){ .valid = ATTR_MODE, .mode = 02755 };
	assert_int_equal(vfs_setattr_path(&uctx, NULL, "/owned", 0, &attr), 0);
	assert_int_equal(stat_of("/owned", 0, &st), 0);
	assert_int_equal(st.mode & 07777, 02755);
	/* giving the file away is root's privilege */
	attr = (struct iattr){ .valid = ATTR_UID, .uid = 0 };
	assert_int_equal(vfs_setattr_path(&uctx, NULL, "/owned", 0, &attr),
			 -EPERM);
	/* a group the owner is not in */
	attr = (struct iattr){ .valid = ATTR_GID, .gid = 5 };
	assert_int_equal(vfs_setattr_path(&uctx, NULL, "/owned", 0, &attr),
			 -EPERM);
	/* root's chown clears set-gid on a group-executable file */
	attr = (struct iattr){ .valid = ATTR_GID, .gid = 5 };
	assert_int_equal(vfs_setattr_path(&ctx, NULL, "/owned", 0, &attr), 0);
	assert_int_equal(stat_of("/owned", 0, &st), 0);
	assert_int_equal(st.mode & 07777, 0755);
	assert_int_equal(st.gid, 5);
}

/* A user buffer that faults part-way: write(2) reports the bytes that
 * made it, and the new page holds zeros, never old memory, past them. */
static void vfs_faulting_user_write_is_short_and_leaks_nothing(void **state)
{
	static char buf[2 * 4096];
	char back[2 * 4096];
	struct iov_iter it;
	struct file *f;
	loff_t pos = 0;

	(void)state;
	memset(buf, 'u', sizeof(buf));
	assert_int_equal(vfs_open(&ctx, NULL, "/w", O_RDWR | O_CREAT, 0644,
				  &f), 0);
	iov_iter_buf(&it, true, buf, sizeof(buf));
	shim_set_user_fault(buf + 5000);
	assert_int_equal(vfs_write(f, &it, &pos), 5000);
	shim_set_user_fault(NULL);
	assert_int_equal(pos, 5000);
	iov_iter_buf(&it, true, buf, sizeof(buf));
	shim_set_user_fault(buf);
	pos = 0;
	assert_int_equal(vfs_write(f, &it, &pos), -EFAULT);
	shim_set_user_fault(NULL);
	assert_int_equal(vfs_ftruncate(f, sizeof(back)), 0);
	assert_int_equal(kernel_pread(f, back, sizeof(back), 0), sizeof(back));
	for (size_t i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], i < 5000 ? 'u' : 0);
	file_put(f);
}

/* stat(2)'s struct stat: Linux's x86_64 layout and new_encode_dev(),
 * which is what musl's and glibc's major()/minor() decode. */
static void vfs_kstat_converts_to_linux_struct_stat(void **state)
{
	struct kstat k;
	struct stat st;

	(void)state;
	assert_int_equal(vfs_mknod(&ctx, NULL, "/null", S_IFCHR | 0666,
				   MKDEV(1, 3)), 0);
	assert_int_equal(vfs_mknod(&ctx, NULL, "/big", S_IFCHR | 0600,
				   MKDEV(250, 0x12345)), 0);
	assert_int_equal(stat_of("/null", 0, &k), 0);
	vfs_stat_to_linux(&k, &st);
	assert_int_equal(st.st_rdev, 0x103);
	assert_int_equal(st.st_mode, S_IFCHR | 0666);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_ino, k.ino);
	assert_int_equal(st.st_mtime, k.mtime.sec);
	assert_int_equal(st.st_mtime_nsec, k.mtime.nsec);
	assert_int_equal(MAJOR(k.dev), 0);	/* tmpfs: anonymous */
	assert_int_equal(st.st_dev, (MINOR(k.dev) & 0xff) |
				    ((unsigned long)(MINOR(k.dev) & ~0xffu) << 12));
	assert_int_equal(stat_of("/big", 0, &k), 0);
	vfs_stat_to_linux(&k, &st);
	/* minor's low byte, major, then the rest of the minor above */
	assert_int_equal(st.st_rdev, 0x45 | (250 << 8) | (0x123ul << 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(vfs_root_is_an_empty_directory),
		T(vfs_create_write_read_back),
		T(vfs_dot_and_dotdot_resolve),
		T(vfs_symlinks_relative_absolute_nested),
		T(vfs_symlink_loop_gives_eloop),
		T(vfs_forty_links_resolve_forty_one_do_not),
		T(vfs_name_limits),
		T(vfs_enotdir_and_enoent),
		T(vfs_trailing_slash_follows_symlink_to_dir),
		T(vfs_search_permission_is_checked),
		T(vfs_relative_lookup_from_a_directory),
		T(vfs_mount_and_dotdot_crosses_back),
		T(vfs_unmount_refuses_nested_mounts),
		T(vfs_unlinked_open_file_keeps_its_data),
		T(vfs_dcache_prune_frees_unused_dentries),
		T(vfs_open_flags),
		T(vfs_missing_ops_give_documented_errors),
		T(vfs_chmod_chown_rules),
		T(vfs_faulting_user_write_is_short_and_leaks_nothing),
		T(vfs_kstat_converts_to_linux_struct_stat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
