/*
 * Mounts: the table of file systems attached to the tree, and the two
 * moves a path walk makes across them (down into a mount, follow_mounts;
 * up out of one at "..", follow_dotdot).
 *
 * Each mount has its own superblock (one instance per mount; sharing a
 * superblock between mounts comes with bind mounts, if ever).  A mount is
 * found by (parent mount, mountpoint dentry) in one list; the mountpoint
 * dentry counts its mounts in d_mounted so that a walk only searches the
 * list at dentries that have one.
 *
 * namespace_lock (a mutex) serialises mount and unmount, which allocate
 * and call into file systems.  mount_lock (a spinlock) guards the list
 * and every m_count, so a walker can step into a mount and take its
 * reference atomically with respect to an unmount removing it.  An
 * unmount succeeds only when the caller's own reference and the
 * "mounted" reference are the only ones (m_count == 2) and nothing is
 * mounted below: otherwise -EBUSY, as Linux without MNT_DETACH.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

static struct mutex namespace_lock = MUTEX_INIT("namespace_lock");
static struct spinlock mount_lock = SPINLOCK_INIT("mount_lock",
						  LOCK_RANK_MOUNT);
static struct list_head mounts = LIST_HEAD_INIT(mounts);	/* [mount_lock] */
static struct list_head fs_types = LIST_HEAD_INIT(fs_types);	/* [namespace_lock] */
static struct mount *root_mount;				/* [namespace_lock] */
static uint64_t nr_mounts;					/* [mount_lock] */

uint64_t vfs_nr_mounts(void)
{
	uint64_t n;

	spin_lock(&mount_lock);
	n = nr_mounts;
	spin_unlock(&mount_lock);
	return n;
}

static struct file_system_type *find_fs_type(const char *name)
{
	struct list_head *pos;

	list_for_each(pos, &fs_types) {
		struct file_system_type *t =
			list_entry(pos, struct file_system_type, list);

		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

int register_filesystem(struct file_system_type *type)
{
	int err = 0;

	mutex_lock(&namespace_lock);
	if (find_fs_type(type->name))
		err = -EBUSY;
	else
		list_add_tail(&type->list, &fs_types);
	mutex_unlock(&namespace_lock);
	return err;
}

struct mount *mntget(struct mount *m)
{
	spin_lock(&mount_lock);
	KASSERT(m->m_count > 0);
	m->m_count++;
	spin_unlock(&mount_lock);
	return m;
}

static void shutdown_super(struct super_block *sb)
{
	dcache_prune_sb(sb);
	dput(sb->s_root);
	if (sb->s_op->put_super)
		sb->s_op->put_super(sb);
	if (sb->s_nr_inodes || sb->s_nr_dentries)
		pr_err("vfs: %s unmounted with %llu inodes and %llu dentries "
		       "still referenced", sb->s_type->name,
		       (unsigned long long)sb->s_nr_inodes,
		       (unsigned long long)sb->s_nr_dentries);
	else
		sb_free(sb);	/* leaked objects point at it: keep it then */
}

/* The last reference to an unmounted mount: free it and its fs. */
static void mount_destroy(struct mount *m)
{
	struct super_block *sb = m->m_sb;

	dput(m->m_root);
	kfree(m);
	shutdown_super(sb);
}

void mntput(struct mount *m)
{
	bool last;

	if (!m)
		return;
	spin_lock(&mount_lock);
	KASSERT(m->m_count > 0);
	last = --m->m_count == 0;
	spin_unlock(&mount_lock);
	if (last)
		mount_destroy(m);
}

void path_get(const struct path *p)
{
	mntget(p->mnt);
	dget(p->dentry);
}

void path_put(const struct path *p)
{
	dput(p->dentry);
	mntput(p->mnt);
}

bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* A superblock of @type_name filled from @source and @data. */
static int make_super(const char *type_name, const char *source,
		      const char *data, struct super_block **out)
{
	struct file_system_type *type = find_fs_type(type_name);
	struct super_block *sb;
	int err;

	if (!type)
		return -ENODEV;
	sb = sb_alloc(type);
	if (!sb)
		return -ENOMEM;
	err = type->fill_super(sb, source, data);
	if (err) {
		sb_free(sb);
		return err;
	}
	*out = sb;
	return 0;
}

static struct mount *mount_alloc(struct super_block *sb, const char *source)
{
	struct mount *m = kzalloc(sizeof(*m));
	size_t n;

	if (!m)
		return NULL;
	m->m_sb = sb;
	m->m_root = dget(sb->s_root);
	m->m_count = 1;		/* the "mounted" reference */
	n = source ? strnlen(source, sizeof(m->m_source) - 1) : 0;
	memcpy(m->m_source, source ? source : "", n);
	m->m_source[n] = '\0';
	return m;
}

/* Makes @m visible on @at (m_parent, m_mountpoint set by the caller);
 * namespace_lock held. */
static void attach_mount(struct mount *m)
{
	spin_lock(&mount_lock);
	list_add(&m->m_hash, &mounts);
	if (m->m_parent != m)
		m->m_mountpoint->d_mounted++;
	nr_mounts++;
	spin_unlock(&mount_lock);
}

int vfs_mount_root(const char *fstype, const char *data)
{
	struct super_block *sb;
	struct mount *m;
	int err;

	mutex_lock(&namespace_lock);
	err = -EBUSY;
	if (root_mount)
		goto out_unlock;
	err = make_super(fstype, "rootfs", data, &sb);
	if (err)
		goto out_unlock;
	err = -ENOMEM;
	m = mount_alloc(sb, "rootfs");
	if (!m) {
		shutdown_super(sb);
		goto out_unlock;
	}
	m->m_parent = m;
	m->m_mountpoint = dget(m->m_root);
	attach_mount(m);
	root_mount = m;
	err = 0;
out_unlock:
	mutex_unlock(&namespace_lock);
	return err;
}

/* Is there a root file system?  Without one (no memory at boot) the
 * file layer is unusable and callers must not build a vfs_ctx. */
bool vfs_has_root(void)
{
	return READ_ONCE(root_mount) != NULL;
}

void vfs_root_path(struct path *out)
{
	KASSERT(root_mount);
	out->mnt = mntget(root_mount);
	out->dentry = dget(root_mount->m_root);
}

/*
 * The most recent mount on (@mnt, @dentry), referenced, or NULL.  Most
 * dentries have no mount: d_mounted is read first without the lock (a
 * mount racing with this walk may be seen or not, either is a valid
 * order), so the common case costs no lock.
 */
static struct mount *lookup_mount(struct mount *mnt, struct dentry *dentry)
{
	struct mount *found = NULL;
	struct list_head *pos;

	if (!READ_ONCE(dentry->d_mounted))
		return NULL;
	spin_lock(&mount_lock);
	if (dentry->d_mounted) {
		list_for_each(pos, &mounts) {
			struct mount *m = list_entry(pos, struct mount, m_hash);

			if (m->m_parent == mnt && m->m_mountpoint == dentry &&
			    m != mnt) {
				m->m_count++;
				found = m;
				break;
			}
		}
	}
	spin_unlock(&mount_lock);
	return found;
}

void follow_mounts(struct path *p)
{
	struct mount *m;

	while ((m = lookup_mount(p->mnt, p->dentry))) {
		struct path old = *p;

		p->mnt = m;
		p->dentry = dget(m->m_root);
		path_put(&old);
	}
}

void follow_dotdot(struct path *p, const struct path *root)
{
	for (;;) {
		struct path old = *p;

		if (path_equal(p, root))
			break;
		if (p->dentry != p->mnt->m_root) {
			p->dentry = dget_parent(p->dentry);
			dput(old.dentry);
			break;
		}
		if (p->mnt->m_parent == p->mnt)
			break;		/* the root of everything */
		/* At a mount's root: continue from its mountpoint. */
		mutex_lock(&namespace_lock);
		p->mnt = mntget(old.mnt->m_parent);
		p->dentry = dget(old.mnt->m_mountpoint);
		mutex_unlock(&namespace_lock);
		path_put(&old);
	}
	follow_mounts(p);
}

int vfs_mount(const struct vfs_ctx *ctx, const char *source,
	      const char *target, const char *fstype, unsigned mnt_flags,
	      const char *data)
{
	struct super_block *sb;
	struct path at;
	struct mount *m;
	int err;

	if (!cred_is_root(ctx->cred))
		return -EPERM;
	err = vfs_path_lookup(ctx, NULL, target,
			      LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &at);
	if (err)
		return err;
	mutex_lock(&namespace_lock);
	err = make_super(fstype, source, data, &sb);
	if (err)
		goto out_unlock;
	err = -ENOMEM;
	m = mount_alloc(sb, source ? source : fstype);
	if (!m) {
		shutdown_super(sb);
		goto out_unlock;
	}
	m->m_flags = mnt_flags;
	m->m_parent = at.mnt;
	m->m_mountpoint = dget(at.dentry);
	attach_mount(m);
	err = 0;
out_unlock:
	mutex_unlock(&namespace_lock);
	path_put(&at);
	return err;
}

static bool has_children_locked(const struct mount *mnt)
{
	struct list_head *pos;

	list_for_each(pos, &mounts) {
		struct mount *m = list_entry(pos, struct mount, m_hash);

		if (m->m_parent == mnt && m != mnt)
			return true;
	}
	return false;
}

/*
 * Takes @m out of the tree if nothing but the "mounted" reference and
 * @extra_refs others hold it and nothing is mounted below; namespace_lock
 * held.  Returns -EBUSY otherwise.
 */
static int detach_mount(struct mount *m, uint32_t extra_refs)
{
	int err = -EBUSY;

	spin_lock(&mount_lock);
	if (m->m_count == 1 + extra_refs && !has_children_locked(m)) {
		list_del(&m->m_hash);
		if (m->m_parent != m)
			m->m_mountpoint->d_mounted--;
		nr_mounts--;
		err = 0;
	}
	spin_unlock(&mount_lock);
	return err;
}

int vfs_umount(const struct vfs_ctx *ctx, const char *target)
{
	struct mount *m;
	struct path at;
	int err;

	if (!cred_is_root(ctx->cred))
		return -EPERM;
	err = vfs_path_lookup(ctx, NULL, target, LOOKUP_FOLLOW, &at);
	if (err)
		return err;
	m = at.mnt;
	if (at.dentry != m->m_root) {
		path_put(&at);
		return -EINVAL;
	}
	mutex_lock(&namespace_lock);
	err = m == root_mount ? -EBUSY : detach_mount(m, 1);
	mutex_unlock(&namespace_lock);
	path_put(&at);
	if (err)
		return err;
	dput(m->m_mountpoint);
	mntput(m);		/* the "mounted" reference: destroys it */
	return 0;
}

void vfs_ctx_init_kernel(struct vfs_ctx *ctx)
{
	vfs_root_path(&ctx->root);
	vfs_root_path(&ctx->cwd);
	ctx->cred = &kernel_cred;
	ctx->umask = 0;
}

void vfs_ctx_release(struct vfs_ctx *ctx)
{
	path_put(&ctx->root);
	path_put(&ctx->cwd);
}

/* A mount with nothing mounted below it, other than the root; NULL when
 * only the root is left.  namespace_lock held. */
static struct mount *pick_leaf_mount(void)
{
	struct list_head *pos;
	struct mount *found = NULL;

	spin_lock(&mount_lock);
	list_for_each(pos, &mounts) {
		struct mount *m = list_entry(pos, struct mount, m_hash);

		if (m != root_mount && !has_children_locked(m)) {
			found = m;
			break;
		}
	}
	spin_unlock(&mount_lock);
	return found;
}

/*
 * Unmounts everything, leaves first, and forgets the file-system types:
 * the unit tests' teardown.  Anything still referenced is reported (and
 * leaked) rather than freed under its users.
 */
void vfs_shutdown(void)
{
	struct mount *m;

	mutex_lock(&namespace_lock);
	while ((m = pick_leaf_mount())) {
		if (detach_mount(m, 0)) {
			pr_err("vfs: shutdown: %s still in use", m->m_source);
			break;
		}
		mutex_unlock(&namespace_lock);
		dput(m->m_mountpoint);
		mntput(m);
		mutex_lock(&namespace_lock);
	}
	m = root_mount;
	if (m && detach_mount(m, 0) == 0) {
		root_mount = NULL;
		mutex_unlock(&namespace_lock);
		dput(m->m_mountpoint);
		mntput(m);
		mutex_lock(&namespace_lock);
	} else if (m) {
		pr_err("vfs: shutdown: / still in use");
	}
	list_init(&fs_types);
	mutex_unlock(&namespace_lock);
}
