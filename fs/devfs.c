/*
 * /dev: a devtmpfs (a tmpfs instance, fs/tmpfs.c) mounted on /dev, into
 * which drivers put their device nodes with devfs_add_node().
 *
 * Drivers often start before the root file system exists, so a node
 * added before devfs_init() has run is queued on devfs_pending (a
 * kmalloc'd list, in the order added) and created when devfs_init()
 * mounts /dev.  After that, devfs_add_node() creates the node at once.
 * "/dev is ready" is checked against the tree itself, not just a flag:
 * the node goes in only if /dev is the root of a devtmpfs mount;
 * otherwise (someone unmounted it; the unit tests build a fresh VFS for
 * every test) it is queued for the next devfs_init().  The flag
 * devfs_started only says that the VFS is up, so that a lookup is safe.
 *
 * Nodes are made with the kernel's credentials (uid 0, gid 0) and no
 * umask, so they get exactly the permission bits the driver asks for, as
 * with Linux's devtmpfs.  A name may hold one directory level
 * ("input/event0"); the directory is made (0755) if missing.
 *
 * Errors are returned to the caller and logged once, with pr_warn, at the
 * place that knows the node's name.
 *
 * Locking: devfs_lock (mutex) guards devfs_pending and devfs_started and
 * serialises node creation.  It is taken outside everything the VFS
 * takes, so the order is: devfs_lock -> namespace_lock -> i_lock ...
 * (the rest as in fs/vfs.h).  May sleep: process context only.
 *
 * Interface (fs/vfs.h): devfs_init(), devfs_add_node().
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/lib/list.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define DEVFS_ROOT_MODE	0755
#define DEVFS_DIR_MODE	0755

/* A node waiting for devfs_init(). */
struct devfs_node {
	struct list_head link;		/* on devfs_pending */
	umode_t mode;
	dev_t dev;
	char name[];			/* NUL-terminated */
};

static struct mutex devfs_lock = MUTEX_INIT("devfs");
static struct list_head devfs_pending = LIST_HEAD_INIT(devfs_pending);
static bool devfs_started;			/* [devfs_lock] */

/*
 * A relative name of one or two non-empty components, neither "." nor
 * "..": "null" or "input/event0".  Returns 0, -EINVAL or -ENAMETOOLONG.
 */
static int devfs_check_name(const char *name)
{
	const char *p = name;
	unsigned parts = 0;

	if (strnlen(name, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 0 || ++parts > 2)
			return -EINVAL;
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static void devfs_ctx_init(struct vfs_ctx *ctx)
{
	vfs_ctx_init_kernel(ctx);
	ctx->umask = 0;
}

/*
 * Find /dev if it is the root of a devtmpfs mount: 0 with a referenced
 * path in *out; -ENOENT if there is no devtmpfs there (no /dev, or not a
 * directory, or another file system); or the lookup's error (-ENOMEM).
 */
static int devfs_find(const struct vfs_ctx *ctx, struct path *out)
{
	int err;

	err = vfs_path_lookup(ctx, &ctx->root, "/dev",
			      LOOKUP_FOLLOW | LOOKUP_DIRECTORY, out);
	if (err == -ENOENT || err == -ENOTDIR)
		return -ENOENT;
	if (err)
		return err;
	if (out->mnt->m_sb->s_type != &devtmpfs_fs_type ||
	    out->dentry != out->mnt->m_root) {
		path_put(out);
		return -ENOENT;
	}
	return 0;
}

/* Make /dev if it is missing and mount a fresh devtmpfs on it. */
static int devfs_mount(const struct vfs_ctx *ctx)
{
	int err;

	err = vfs_mkdir(ctx, &ctx->root, "/dev", DEVFS_ROOT_MODE);
	if (err && err != -EEXIST) {
		pr_warn("devfs: cannot create /dev: error %d\n", err);
		return err;
	}
	err = vfs_mount(ctx, "devtmpfs", "/dev", devtmpfs_fs_type.name, 0,
			"mode=0755");
	if (err)
		pr_warn("devfs: cannot mount devtmpfs on /dev: error %d\n",
			err);
	return err;
}

/* Create /dev/@name (and its directory, if it has one).  devfs_lock held. */
static int devfs_create_locked(const struct vfs_ctx *ctx,
			       const struct path *dev, const char *name,
			       umode_t mode, dev_t rdev)
{
	const char *slash = strchr(name, '/');
	int err;

	if (slash) {
		char dir[NAME_MAX + 1];		/* devfs_check_name() bounds it */
		size_t n = (size_t)(slash - name);

		memcpy(dir, name, n);
		dir[n] = '\0';
		err = vfs_mkdir(ctx, dev, dir, DEVFS_DIR_MODE);
		if (err && err != -EEXIST)
			goto out;
	}
	err = vfs_mknod(ctx, dev, name, mode, rdev);
out:
	if (err)
		pr_warn("devfs: cannot create /dev/%s: error %d\n", name, err);
	return err;
}

/* Keep a node for devfs_init().  devfs_lock held. */
static int devfs_queue_locked(const char *name, umode_t mode, dev_t rdev)
{
	size_t len = strlen(name);
	struct devfs_node *node;

	node = kmalloc(sizeof(*node) + len + 1);
	if (!node) {
		pr_warn("devfs: no memory to queue /dev/%s\n", name);
		return -ENOMEM;
	}
	node->mode = mode;
	node->dev = rdev;
	memcpy(node->name, name, len + 1);
	list_add_tail(&node->link, &devfs_pending);
	return 0;
}

/*
 * Create every queued node, in the order added, and free the queue.  A
 * node that fails is logged and dropped.  Returns the first error, or 0.
 * devfs_lock held.
 */
static int devfs_create_pending_locked(const struct vfs_ctx *ctx,
				       const struct path *dev)
{
	struct list_head *pos, *tmp;
	int first_err = 0;

	list_for_each_safe(pos, tmp, &devfs_pending) {
		struct devfs_node *node =
			list_entry(pos, struct devfs_node, link);
		int err;

		err = devfs_create_locked(ctx, dev, node->name, node->mode,
					  node->dev);
		if (err && !first_err)
			first_err = err;
		list_del(&node->link);
		kfree(node);
	}
	return first_err;
}

/*
 * Mount a devtmpfs on /dev (making the directory 0755 if needed; nothing
 * is mounted again if one is there already) and create the nodes added
 * so far.  Runs with the kernel's credentials, after vfs_init() and the
 * root mount.  May sleep.  Returns 0, or the error of the mount (the
 * queue is kept) or of the first node that could not be made (the others
 * are still made; failed nodes are dropped).
 */
int devfs_init(void)
{
	struct vfs_ctx ctx;
	struct path dev;
	int err;

	devfs_ctx_init(&ctx);
	mutex_lock(&devfs_lock);
	err = devfs_find(&ctx, &dev);
	if (err == -ENOENT) {
		err = devfs_mount(&ctx);
		if (err)
			goto out_unlock;	/* logged */
		err = devfs_find(&ctx, &dev);
	}
	if (err) {
		pr_warn("devfs: cannot find /dev: error %d\n", err);
		goto out_unlock;
	}
	devfs_started = true;
	err = devfs_create_pending_locked(&ctx, &dev);
	path_put(&dev);
out_unlock:
	mutex_unlock(&devfs_lock);
	vfs_ctx_release(&ctx);
	return err;
}

/*
 * Add the device node /dev/@name: @mode is S_IFCHR or S_IFBLK plus the
 * permission bits, @dev the device number.  @name is relative to /dev
 * and may hold one directory ("input/event0").  Before devfs_init() the
 * node is queued (the name is copied) and made by devfs_init(); after it
 * the node is made now.  May sleep.  Returns 0, -EINVAL (bad name or
 * mode), -ENAMETOOLONG, -ENOMEM, or the error of the creation (-EEXIST
 * if the name is taken).
 */
int devfs_add_node(const char *name, umode_t mode, dev_t dev)
{
	struct vfs_ctx ctx;
	struct path devpath;
	int err;

	err = devfs_check_name(name);
	if (err) {
		pr_warn("devfs: bad node name \"%s\": error %d\n", name, err);
		return err;
	}
	if (!S_ISCHR(mode) && !S_ISBLK(mode)) {
		pr_warn("devfs: /dev/%s is not a device (mode %o)\n", name,
			(unsigned)mode);
		return -EINVAL;
	}
	mode &= S_IFMT | 07777;

	mutex_lock(&devfs_lock);
	if (devfs_started) {
		devfs_ctx_init(&ctx);
		err = devfs_find(&ctx, &devpath);
		if (!err) {
			err = devfs_create_locked(&ctx, &devpath, name, mode,
						  dev);
			path_put(&devpath);
			vfs_ctx_release(&ctx);
			goto out_unlock;
		}
		vfs_ctx_release(&ctx);
		if (err != -ENOENT) {
			pr_warn("devfs: cannot find /dev for %s: error %d\n",
				name, err);
			goto out_unlock;
		}
		/* /dev is not a devtmpfs (any more): wait for devfs_init(). */
	}
	err = devfs_queue_locked(name, mode, dev);
out_unlock:
	mutex_unlock(&devfs_lock);
	return err;
}
