/*
 * The monitor's file commands (ls, cat, hd): a way to look at the tree
 * from the serial console before there is a shell, and what the
 * integration tests use to read /dev nodes through the real VFS.
 */
#include "kernel/monitor.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "fs/cpio.h"

struct ls_ctx {
	struct dir_context dir;
	const struct vfs_ctx *vctx;
	const struct path *at;
	unsigned shown;
};

static bool ls_actor(struct dir_context *dc, const char *name, size_t len,
		     uint64_t ino, unsigned type)
{
	struct ls_ctx *c = container_of(dc, struct ls_ctx, dir);
	char mode[11] = "?---------";
	char namebuf[NAME_MAX + 1];
	struct kstat st;

	(void)type;
	memcpy(namebuf, name, len);
	namebuf[len] = '\0';
	if (vfs_stat(c->vctx, c->at, namebuf, 0, &st) == 0)
		cpio_mode_string(st.mode, mode);
	else
		st.size = 0;
	pr_notice("monitor: %s %8llu %6llu %s", mode,
		  (unsigned long long)st.size, (unsigned long long)ino,
		  namebuf);
	c->shown++;
	return true;
}

/* The file commands need a root file system, which boot may have failed
 * to mount (it said why then). */
static bool have_files(void)
{
	if (vfs_has_root())
		return true;
	pr_notice("monitor: no root file system");
	return false;
}

void monitor_ls(const char *args)
{
	const char *path = *args ? args : "/";
	struct vfs_ctx vctx;
	struct ls_ctx c = { .dir.actor = ls_actor };
	struct file *f;
	struct path at;
	int err;

	if (!have_files())
		return;
	vfs_ctx_init_kernel(&vctx);
	err = vfs_path_lookup(&vctx, NULL, path, LOOKUP_FOLLOW, &at);
	if (err)
		goto out;
	err = vfs_open(&vctx, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f);
	if (!err) {
		c.vctx = &vctx;
		c.at = &at;
		err = vfs_readdir(f, &c.dir);
		file_put(f);
	}
	path_put(&at);
out:
	if (err)
		pr_notice("monitor: ls %s: error %d", path, err);
	vfs_ctx_release(&vctx);
}

/* Reads up to @max bytes of @path into @buf; bytes or -errno. */
static ssize_t read_head(const char *path, void *buf, size_t max)
{
	struct vfs_ctx vctx;
	struct file *f;
	ssize_t n;

	if (!vfs_has_root())
		return -ENOENT;
	vfs_ctx_init_kernel(&vctx);
	n = vfs_open(&vctx, NULL, path, O_RDONLY, 0, &f);
	if (n == 0) {
		n = kernel_read(f, buf, max);
		file_put(f);
	}
	vfs_ctx_release(&vctx);
	return n;
}

/* Prints a text file line by line (the first 4 KiB). */
void monitor_cat(const char *args)
{
	static char buf[4096 + 1];
	ssize_t n = read_head(args, buf, sizeof(buf) - 1);
	char *line, *nl;

	if (n < 0) {
		pr_notice("monitor: cat %s: error %d", args, (int)n);
		return;
	}
	buf[n] = '\0';
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			pr_notice("monitor: %s", line);
			break;
		}
		*nl = '\0';
		pr_notice("monitor: %s", line);
	}
}

/* Hex of the first 32 bytes: for device files such as /dev/urandom. */
void monitor_hd(const char *args)
{
	uint8_t buf[32];
	char hex[sizeof(buf) * 3 + 1];
	ssize_t n = read_head(args, buf, sizeof(buf));

	if (n < 0) {
		pr_notice("monitor: hd %s: error %d", args, (int)n);
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		ksnprintf(hex + i * 3, 4, "%02x ", buf[i]);
	hex[n ? n * 3 - 1 : 0] = '\0';
	pr_notice("monitor: %s: %d bytes: %s", args, (int)n, hex);
}
