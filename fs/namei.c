/*
 * Path names: the walk from a string to a (mount, dentry), and every
 * operation that names a file (open, mkdir, link, unlink, rename, ...)
 * with the checks Linux makes, in the order Linux makes them, so that
 * error codes match.
 *
 * The walk reads the caller's string until it meets a symlink; from then
 * on the path still to be resolved lives in one buffer of PATH_MAX bytes,
 * where each link met is replaced by its target followed by the rest of
 * the path, so nested and chained links need no recursion and no stack
 * of buffers, and a walk without links allocates nothing; at most MAXSYMLINKS (40) links are
 * followed per walk (-ELOOP), and a target plus the rest longer than
 * PATH_MAX gives -ENAMETOOLONG.  Each directory searched needs search
 * (exec) permission for the caller's credentials; ".." never climbs above
 * the caller's root and crosses mounts in both directions.
 *
 * A dcache hit costs one hash lookup.  A miss locks the directory's
 * i_lock, looks again (someone may have filled it meanwhile), and asks the
 * file system.  Operations that change a directory hold its i_lock from
 * the lookup of the last component to the end, so the name cannot change
 * under them.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "mm/mm.h"

struct walk {
	const struct vfs_ctx *ctx;
	struct path path;	/* where we are: referenced */
	char *buf;		/* PATH_MAX bytes, from the first symlink on */
	const char *p;		/* next unread byte: the name, or in buf */
	unsigned links;		/* symlinks followed so far */
};

static int walk_start(struct walk *w, const struct vfs_ctx *ctx,
		      const struct path *at, const char *name)
{
	size_t len = strnlen(name, PATH_MAX);

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	w->buf = NULL;
	w->p = name;
	w->ctx = ctx;
	w->links = 0;
	w->path = name[0] == '/' ? ctx->root : (at ? *at : ctx->cwd);
	path_get(&w->path);
	return 0;
}

static void walk_end(struct walk *w)
{
	kfree(w->buf);
	path_put(&w->path);
}

static void walk_jump_root(struct walk *w)
{
	path_put(&w->path);
	w->path = w->ctx->root;
	path_get(&w->path);
}

static bool is_dot(const char *s, size_t len)
{
	return len == 1 && s[0] == '.';
}

static bool is_dotdot(const char *s, size_t len)
{
	return len == 2 && s[0] == '.' && s[1] == '.';
}

static bool mnt_readonly(const struct path *p)
{
	return (p->mnt->m_flags & MNT_RDONLY) ||
	       (p->dentry->d_sb->s_flags & SB_RDONLY);
}

/*
 * The child @name of directory @dir, referenced and possibly negative;
 * the directory's i_lock is held by the caller.  ERR_PTR on failure.
 */
static struct dentry *lookup_locked(struct dentry *dir, const struct qstr *name)
{
	struct inode *inode = dir->d_inode;
	struct dentry *d = d_lookup(dir, name);
	int err;

	if (d)
		return d;
	if (!inode->i_op || !inode->i_op->lookup)
		return ERR_PTR(-ENOTDIR);
	d = d_alloc(dir, name);
	if (!d)
		return ERR_PTR(-ENOMEM);
	err = inode->i_op->lookup(inode, d);
	if (err) {
		dput(d);
		return ERR_PTR(err);
	}
	return d;
}

/* The same without holding the lock: a dcache hit needs none. */
static struct dentry *lookup_fast_or_slow(struct dentry *dir,
					  const struct qstr *name)
{
	struct dentry *d = d_lookup(dir, name);
	struct inode *inode = dir->d_inode;

	if (d)
		return d;
	mutex_lock(&inode->i_lock);
	d = lookup_locked(dir, name);
	mutex_unlock(&inode->i_lock);
	return d;
}

/* Reads the target of symlink @d into a fresh PATH_MAX buffer. */
static char *read_link(struct dentry *d, size_t *len_out, int *err)
{
	struct inode *inode = d->d_inode;
	char *target;
	ssize_t n;

	if (!inode->i_op || !inode->i_op->readlink) {
		*err = -EINVAL;
		return NULL;
	}
	target = kmalloc(PATH_MAX);
	if (!target) {
		*err = -ENOMEM;
		return NULL;
	}
	n = inode->i_op->readlink(d, target, PATH_MAX);
	if (n < 0 || n >= PATH_MAX) {
		kfree(target);
		*err = n < 0 ? (int)n : -ENAMETOOLONG;
		return NULL;
	}
	target[n] = '\0';
	*len_out = (size_t)n;
	return target;
}

/*
 * Makes w->buf hold the target of symlink @link followed by @rest, the
 * unwalked remainder (starting with its '/' if there is one; it may lie
 * in w->buf itself), and continues from the directory holding the link
 * (or the root for an absolute target).
 */
static int walk_into_link(struct walk *w, struct dentry *link,
			  const char *rest)
{
	size_t tlen, rlen = strlen(rest);
	char *target;
	int err;

	if (++w->links > MAXSYMLINKS)
		return -ELOOP;
	target = read_link(link, &tlen, &err);
	if (!target)
		return err;
	if (tlen == 0) {
		kfree(target);
		return -ENOENT;	/* Linux: an empty link resolves nowhere */
	}
	if (tlen + rlen >= PATH_MAX) {
		kfree(target);
		return -ENAMETOOLONG;
	}
	if (!w->buf) {
		w->buf = kmalloc(PATH_MAX);
		if (!w->buf) {
			kfree(target);
			return -ENOMEM;
		}
	}
	memmove(w->buf + tlen, rest, rlen + 1);
	memcpy(w->buf, target, tlen);
	kfree(target);
	w->p = w->buf;
	if (w->buf[0] == '/')
		walk_jump_root(w);
	return 0;
}

/*
 * Walks the path at w->p.  With @last NULL the whole path is resolved into w->path
 * (following a final symlink if LOOKUP_FOLLOW).  With @last set, the walk
 * stops before the final component: w->path is its directory and *last
 * describes the name (pointing into the name or w->buf).
 */
static int walk(struct walk *w, unsigned flags, struct nameidata_last *last)
{
	bool trailing_slash = false;

	if (!*w->p && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	for (;;) {
		struct dentry *child;
		struct inode *dir;
		struct qstr name;
		const char *comp, *q;
		size_t len;
		bool is_last;
		struct path next;
		int err;

		while (*w->p == '/')
			w->p++;
		if (!*w->p) {
			if (last) {
				last->last_type = LAST_ROOT;
				qstr_init(&last->last, "/", 1);
				last->trailing_slash = false;
			}
			break;
		}
		comp = w->p;
		for (q = comp; *q && *q != '/'; q++)
			;
		len = (size_t)(q - comp);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		w->p = q;
		while (*w->p == '/')
			w->p++;
		is_last = !*w->p;
		trailing_slash = is_last && q != w->p;

		dir = w->path.dentry->d_inode;
		if (!S_ISDIR(dir->i_mode))
			return -ENOTDIR;
		err = inode_permission(dir, MAY_EXEC, w->ctx->cred);
		if (err)
			return err;

		if (is_last && last) {
			qstr_init(&last->last, comp, len);
			last->trailing_slash = trailing_slash;
			last->last_type = is_dot(comp, len) ? LAST_DOT :
					  is_dotdot(comp, len) ? LAST_DOTDOT :
					  LAST_NORM;
			return 0;
		}
		if (is_dot(comp, len))
			continue;
		if (is_dotdot(comp, len)) {
			follow_dotdot(&w->path, &w->ctx->root);
			continue;
		}
		qstr_init(&name, comp, len);
		child = lookup_fast_or_slow(w->path.dentry, &name);
		if (IS_ERR(child))
			return (int)PTR_ERR(child);
		if (!child->d_inode) {
			dput(child);
			return -ENOENT;
		}
		if (S_ISLNK(child->d_inode->i_mode) &&
		    (!is_last || (flags & LOOKUP_FOLLOW) || trailing_slash)) {
			/* rest: from the '/' after the component, if any */
			err = walk_into_link(w, child, q);
			dput(child);
			if (err)
				return err;
			continue;
		}
		next.mnt = mntget(w->path.mnt);
		next.dentry = child;	/* the lookup's reference moves here */
		follow_mounts(&next);
		path_put(&w->path);
		w->path = next;
	}
	if (((flags & LOOKUP_DIRECTORY) || trailing_slash) &&
	    !S_ISDIR(w->path.dentry->d_inode->i_mode))
		return -ENOTDIR;
	return 0;
}

int vfs_path_lookup(const struct vfs_ctx *ctx, const struct path *at,
		    const char *name, unsigned flags, struct path *out)
{
	struct walk w;
	int err = walk_start(&w, ctx, at, name);

	if (err)
		return err;
	err = walk(&w, flags, NULL);
	if (!err) {
		*out = w.path;
		path_get(out);
	}
	walk_end(&w);
	return err;
}

/*
 * Walks to the parent of the last component of @name; on success the
 * walk (released with walk_end) holds the parent in w->path and the name
 * in *last.
 */
static int walk_parent(struct walk *w, const struct vfs_ctx *ctx,
		       const struct path *at, const char *name,
		       struct nameidata_last *last)
{
	int err = walk_start(w, ctx, at, name);

	if (err)
		return err;
	err = walk(w, 0, last);
	if (err)
		walk_end(w);
	return err;
}

/* May the caller add a name to directory @dir (at @where)? */
static int may_create(const struct path *where, struct inode *dir,
		      const struct cred *cred)
{
	if (mnt_readonly(where))
		return -EROFS;
	return inode_permission(dir, MAY_WRITE | MAY_EXEC, cred);
}

/*
 * May the caller remove @victim from @dir?  Linux's may_delete(): write
 * and search on the directory, the sticky-bit rule, the type check
 * (@isdir: the caller wants a directory), and no mountpoints.
 */
static int may_delete(const struct path *where, struct inode *dir,
		      struct dentry *victim, bool isdir,
		      const struct cred *cred)
{
	struct inode *inode = victim->d_inode;
	int err;

	if (!inode)
		return -ENOENT;
	if (mnt_readonly(where))
		return -EROFS;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC, cred);
	if (err)
		return err;
	if ((dir->i_mode & S_ISVTX) && !cred_is_root(cred) &&
	    cred->fsuid != inode->i_uid && cred->fsuid != dir->i_uid)
		return -EPERM;
	if (isdir && !S_ISDIR(inode->i_mode))
		return -ENOTDIR;
	if (!isdir && S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (victim->d_mounted)
		return -EBUSY;
	return 0;
}

/*
 * The negative dentry where a new object will go, with the parent's
 * i_lock held and referenced in w (Linux's filename_create): an existing
 * name is -EEXIST; a trailing slash is only allowed for directories.
 */
static struct dentry *create_begin(struct walk *w,
				   const struct nameidata_last *last,
				   bool want_dir)
{
	struct inode *dir = w->path.dentry->d_inode;
	struct dentry *d;

	if (last->last_type != LAST_NORM)
		return ERR_PTR(-EEXIST);
	mutex_lock(&dir->i_lock);
	d = lookup_locked(w->path.dentry, &last->last);
	if (IS_ERR(d))
		goto out_unlock;
	if (d->d_inode) {
		dput(d);
		d = ERR_PTR(-EEXIST);
		goto out_unlock;
	}
	if (last->trailing_slash && !want_dir) {
		dput(d);
		d = ERR_PTR(-ENOENT);
		goto out_unlock;
	}
	return d;
out_unlock:
	mutex_unlock(&dir->i_lock);
	return d;
}

static void create_end(struct walk *w, struct dentry *d)
{
	dput(d);
	mutex_unlock(&w->path.dentry->d_inode->i_lock);
}

/* What to create: a symlink if @target is set, else by the type in @mode. */
struct create_req {
	umode_t mode;
	dev_t dev;
	const char *target;
};

/* Calls the file system's creating op; a missing slot gives Linux's
 * error (-EACCES for create, -EPERM for the rest). */
static int call_create_op(struct inode *dir, struct dentry *d,
			  const struct create_req *r, const struct cred *cred)
{
	const struct inode_ops *op = dir->i_op;

	if (r->target)
		return op && op->symlink ?
			op->symlink(dir, d, r->target, cred) : -EPERM;
	switch (r->mode & S_IFMT) {
	case S_IFDIR:
		return op && op->mkdir ? op->mkdir(dir, d, r->mode, cred) :
					 -EPERM;
	case S_IFREG:
		return op && op->create ? op->create(dir, d, r->mode, cred) :
					  -EACCES;
	default:
		return op && op->mknod ?
			op->mknod(dir, d, r->mode, r->dev, cred) : -EPERM;
	}
}

/* mkdir, mknod and symlink: a new name in its directory. */
static int create_at(const struct vfs_ctx *ctx, const struct path *at,
		     const char *name, const struct create_req *r)
{
	struct nameidata_last last;
	struct dentry *d;
	struct inode *dir;
	struct walk w;
	int err;

	err = walk_parent(&w, ctx, at, name, &last);
	if (err)
		return err;
	d = create_begin(&w, &last, S_ISDIR(r->mode) && !r->target);
	if (IS_ERR(d)) {
		err = (int)PTR_ERR(d);
		goto out;
	}
	dir = w.path.dentry->d_inode;
	err = may_create(&w.path, dir, ctx->cred);
	if (!err && !r->target && (S_ISCHR(r->mode) || S_ISBLK(r->mode)) &&
	    (w.path.mnt->m_flags & MNT_NODEV))
		err = -EPERM;
	if (!err)
		err = call_create_op(dir, d, r, ctx->cred);
	create_end(&w, d);
out:
	walk_end(&w);
	return err;
}

int vfs_mkdir(const struct vfs_ctx *ctx, const struct path *at,
	      const char *name, umode_t mode)
{
	struct create_req r = {
		.mode = S_IFDIR | (mode & (S_IRWXUGO | S_ISVTX) & ~ctx->umask),
	};

	return create_at(ctx, at, name, &r);
}

/* Linux's mknod rules: regular files, FIFOs and sockets for anyone,
 * devices for root only, directories never (use mkdir). */
static int check_mknod_mode(umode_t mode, const struct cred *cred)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	case S_IFCHR:
	case S_IFBLK:
		return cred_is_root(cred) ? 0 : -EPERM;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

int vfs_mknod(const struct vfs_ctx *ctx, const struct path *at,
	      const char *name, umode_t mode, dev_t dev)
{
	struct create_req r = { .dev = dev };
	int err;

	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	err = check_mknod_mode(mode, ctx->cred);
	if (err)
		return err;
	r.mode = (mode & S_IFMT) | (mode & S_IALLUGO & ~ctx->umask);
	return create_at(ctx, at, name, &r);
}

int vfs_symlink(const struct vfs_ctx *ctx, const char *target,
		const struct path *at, const char *name)
{
	size_t tlen = strnlen(target, PATH_MAX);
	struct create_req r = { .mode = S_IFLNK | 0777, .target = target };

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PATH_MAX)
		return -ENAMETOOLONG;
	return create_at(ctx, at, name, &r);
}

int vfs_link(const struct vfs_ctx *ctx, const struct path *old_at,
	     const char *old_name, const struct path *new_at,
	     const char *new_name, unsigned flags)
{
	struct nameidata_last last;
	struct path old;
	struct dentry *d;
	struct inode *dir, *inode;
	struct walk w;
	int err;

	if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = vfs_path_lookup(ctx, old_at, old_name,
			      (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) |
			      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0), &old);
	if (err)
		return err;
	err = walk_parent(&w, ctx, new_at, new_name, &last);
	if (err)
		goto out_old;
	d = create_begin(&w, &last, false);
	if (IS_ERR(d)) {
		err = (int)PTR_ERR(d);
		goto out_walk;
	}
	dir = w.path.dentry->d_inode;
	inode = old.dentry->d_inode;
	err = -EXDEV;
	if (old.mnt != w.path.mnt)
		goto out_end;
	err = may_create(&w.path, dir, ctx->cred);
	if (err)
		goto out_end;
	err = -EPERM;
	if (S_ISDIR(inode->i_mode) || !dir->i_op || !dir->i_op->link)
		goto out_end;
	mutex_lock(&inode->i_lock);
	/* A file unlinked meanwhile (open but nameless) cannot come back. */
	err = inode->i_nlink == 0 ? -ENOENT :
				    dir->i_op->link(old.dentry, dir, d);
	mutex_unlock(&inode->i_lock);
out_end:
	create_end(&w, d);
out_walk:
	walk_end(&w);
out_old:
	path_put(&old);
	return err;
}

/* Looks up the victim of unlink/rmdir with the parent's i_lock taken. */
static struct dentry *delete_begin(struct walk *w,
				   const struct nameidata_last *last)
{
	struct inode *dir = w->path.dentry->d_inode;
	struct dentry *d;

	mutex_lock(&dir->i_lock);
	d = lookup_locked(w->path.dentry, &last->last);
	if (!IS_ERR(d) && !d->d_inode) {
		dput(d);
		d = ERR_PTR(-ENOENT);
	}
	if (IS_ERR(d))
		mutex_unlock(&dir->i_lock);
	return d;
}

/*
 * The end of unlink and rmdir: remove the victim named by @last with the
 * parent's and the victim's i_lock held.  @isdir: rmdir.
 */
static int delete_last(struct walk *w, const struct nameidata_last *last,
		       bool isdir)
{
	struct inode *dir = w->path.dentry->d_inode, *inode;
	int (*op)(struct inode *, struct dentry *) = NULL;
	struct dentry *d = delete_begin(w, last);
	int err;

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	inode = d->d_inode;
	if (!isdir && last->trailing_slash)
		err = S_ISDIR(inode->i_mode) ? -EISDIR : -ENOTDIR;
	else
		err = may_delete(&w->path, dir, d, isdir, w->ctx->cred);
	if (!err && isdir && (d == w->ctx->root.dentry || d->d_parent == d))
		err = -EBUSY;
	if (dir->i_op)
		op = isdir ? dir->i_op->rmdir : dir->i_op->unlink;
	if (!err && !op)
		err = -EPERM;
	if (!err) {
		mutex_lock(&inode->i_lock);
		err = op(dir, d);
		mutex_unlock(&inode->i_lock);
	}
	if (!err)
		d_delete(d);
	create_end(w, d);
	return err;
}

/*
 * What removing ".", ".." or "/" gives, as Linux: unlink says -EISDIR;
 * rmdir("..") -ENOTEMPTY, rmdir(".") -EINVAL, rmdir("/") -EBUSY.
 */
static int special_last_error(int last_type, bool isdir)
{
	if (!isdir)
		return -EISDIR;
	switch (last_type) {
	case LAST_DOTDOT:
		return -ENOTEMPTY;
	case LAST_DOT:
		return -EINVAL;
	default:
		return -EBUSY;
	}
}

static int delete_at(const struct vfs_ctx *ctx, const struct path *at,
		     const char *name, bool isdir)
{
	struct nameidata_last last;
	struct walk w;
	int err;

	err = walk_parent(&w, ctx, at, name, &last);
	if (err)
		return err;
	if (last.last_type == LAST_NORM)
		err = delete_last(&w, &last, isdir);
	else
		err = special_last_error(last.last_type, isdir);
	walk_end(&w);
	return err;
}

int vfs_unlink(const struct vfs_ctx *ctx, const struct path *at,
	       const char *name)
{
	return delete_at(ctx, at, name, false);
}

int vfs_rmdir(const struct vfs_ctx *ctx, const struct path *at,
	      const char *name)
{
	return delete_at(ctx, at, name, true);
}

/*
 * Locks the two parents of a rename in an order every renamer agrees on
 * (Linux's lock_rename): with different parents, the superblock's rename
 * lock first, so that "is one an ancestor of the other" cannot change,
 * then the ancestor before the descendant, else lower address first.
 */
static void lock_rename(struct dentry *p1, struct dentry *p2)
{
	struct inode *a = p1->d_inode, *b = p2->d_inode;

	if (p1 == p2) {
		mutex_lock(&a->i_lock);
		return;
	}
	mutex_lock(&p1->d_sb->s_rename_lock);
	if (d_is_ancestor(p2, p1) || (!d_is_ancestor(p1, p2) && b < a)) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	mutex_lock(&a->i_lock);
	mutex_lock(&b->i_lock);
}

static void unlock_rename(struct dentry *p1, struct dentry *p2)
{
	mutex_unlock(&p1->d_inode->i_lock);
	if (p1 != p2) {
		mutex_unlock(&p2->d_inode->i_lock);
		mutex_unlock(&p1->d_sb->s_rename_lock);
	}
}

struct rename_args {
	const struct vfs_ctx *ctx;
	struct walk *ow, *nw;
	struct nameidata_last *ol, *nl;
	struct dentry *od, *nd;
	unsigned flags;
};

/* Every check of Linux's do_renameat2() and vfs_rename() that needs the
 * two dentries; both parents are locked. */
static int rename_checks(struct rename_args *a)
{
	struct inode *odir = a->ow->path.dentry->d_inode;
	struct inode *ndir = a->nw->path.dentry->d_inode;
	struct inode *oi = a->od->d_inode, *ni = a->nd->d_inode;
	bool exchange = a->flags & RENAME_EXCHANGE;
	bool odir_is = S_ISDIR(oi->i_mode);
	int err;

	if ((a->flags & RENAME_NOREPLACE) && ni)
		return -EEXIST;
	if (exchange && !ni)
		return -ENOENT;
	if (exchange && a->nl->trailing_slash && !S_ISDIR(ni->i_mode))
		return -ENOTDIR;
	/* Trailing slashes are only for directories. */
	if (!odir_is) {
		if (a->ol->trailing_slash)
			return -ENOTDIR;
		if (!exchange && a->nl->trailing_slash)
			return -ENOTDIR;
	}
	/* Source an ancestor of the target's directory: into itself. */
	if (d_is_ancestor(a->od, a->nw->path.dentry))
		return -EINVAL;
	/* Target an ancestor of the source's directory. */
	if (ni && d_is_ancestor(a->nd, a->ow->path.dentry))
		return exchange ? -EINVAL : -ENOTEMPTY;
	if (oi == ni)
		return 1;	/* same file: nothing to do, success */
	err = may_delete(&a->ow->path, odir, a->od, odir_is, a->ctx->cred);
	if (err)
		return err;
	if (ni)
		err = may_delete(&a->nw->path, ndir, a->nd,
				 exchange ? S_ISDIR(ni->i_mode) : odir_is,
				 a->ctx->cred);
	else
		err = may_create(&a->nw->path, ndir, a->ctx->cred);
	if (err)
		return err;
	/* Moving a directory rewrites its "..": it must be writable. */
	if (odir != ndir && odir_is)
		err = inode_permission(oi, MAY_WRITE, a->ctx->cred);
	if (!err && exchange && odir != ndir && S_ISDIR(ni->i_mode))
		err = inode_permission(ni, MAY_WRITE, a->ctx->cred);
	if (err)
		return err;
	if (!odir->i_op || !odir->i_op->rename)
		return -EPERM;
	return 0;
}

static int rename_locked(struct rename_args *a)
{
	struct inode *odir = a->ow->path.dentry->d_inode;
	struct inode *ndir = a->nw->path.dentry->d_inode;
	int err;

	a->od = lookup_locked(a->ow->path.dentry, &a->ol->last);
	if (IS_ERR(a->od))
		return (int)PTR_ERR(a->od);
	err = -ENOENT;
	if (!a->od->d_inode)
		goto out_od;
	a->nd = lookup_locked(a->nw->path.dentry, &a->nl->last);
	if (IS_ERR(a->nd)) {
		err = (int)PTR_ERR(a->nd);
		goto out_od;
	}
	err = rename_checks(a);
	if (err == 1) {
		err = 0;
		goto out_nd;
	}
	if (err)
		goto out_nd;
	err = odir->i_op->rename(odir, a->od, ndir, a->nd, a->flags);
	if (err)
		goto out_nd;
	if (a->flags & RENAME_EXCHANGE) {
		d_drop(a->od);
		d_drop(a->nd);
	} else {
		d_move(a->od, a->nd);
	}
out_nd:
	dput(a->nd);
out_od:
	dput(a->od);
	return err;
}

int vfs_rename(const struct vfs_ctx *ctx, const struct path *old_at,
	       const char *old_name, const struct path *new_at,
	       const char *new_name, unsigned flags)
{
	struct nameidata_last ol, nl;
	struct walk ow, nw;
	struct rename_args a = { .ctx = ctx, .ow = &ow, .nw = &nw,
				 .ol = &ol, .nl = &nl, .flags = flags };
	int err;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	err = walk_parent(&ow, ctx, old_at, old_name, &ol);
	if (err)
		return err;
	err = walk_parent(&nw, ctx, new_at, new_name, &nl);
	if (err)
		goto out_old;
	err = -EXDEV;
	if (ow.path.mnt != nw.path.mnt)
		goto out_new;
	err = -EBUSY;
	if (ol.last_type != LAST_NORM)
		goto out_new;
	if (nl.last_type != LAST_NORM) {
		err = flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
		goto out_new;
	}
	err = -EROFS;
	if (mnt_readonly(&nw.path))
		goto out_new;
	lock_rename(ow.path.dentry, nw.path.dentry);
	err = rename_locked(&a);
	unlock_rename(ow.path.dentry, nw.path.dentry);
out_new:
	walk_end(&nw);
out_old:
	walk_end(&ow);
	return err;
}

ssize_t vfs_readlink(const struct vfs_ctx *ctx, const struct path *at,
		     const char *name, char *buf, size_t len)
{
	struct path p;
	struct inode *inode;
	ssize_t n;
	int err;

	err = vfs_path_lookup(ctx, at, name, LOOKUP_EMPTY, &p);
	if (err)
		return err;
	inode = p.dentry->d_inode;
	if (!S_ISLNK(inode->i_mode) || !inode->i_op || !inode->i_op->readlink)
		n = -EINVAL;
	else
		n = inode->i_op->readlink(p.dentry, buf, len);
	path_put(&p);
	return n;
}

int vfs_getattr(const struct path *p, struct kstat *st)
{
	struct inode *inode = p->dentry->d_inode;

	if (inode->i_op && inode->i_op->getattr)
		return inode->i_op->getattr(p->dentry, st);
	generic_fillattr(inode, st);
	return 0;
}

int vfs_stat(const struct vfs_ctx *ctx, const struct path *at,
	     const char *name, unsigned flags, struct kstat *st)
{
	struct path p;
	int err = vfs_path_lookup(ctx, at, name, flags, &p);

	if (err)
		return err;
	err = vfs_getattr(&p, st);
	path_put(&p);
	return err;
}

/*
 * Linux's setattr_prepare(): who may change what.  Mode: the owner or
 * root (a non-root owner outside the file's group loses S_ISGID).  Owner:
 * root only, or a no-op.  Group: root, or the owner choosing one of their
 * groups.  Explicit times: the owner or root.  Then a chown of a
 * non-directory clears the set-id bits, as Linux does.
 */
static int setattr_prepare(struct inode *inode, struct iattr *attr,
			   const struct cred *cred)
{
	bool owner_or_root = inode_owner_or_root(inode, cred);

	if ((attr->valid & ATTR_UID) && attr->uid != inode->i_uid &&
	    !cred_is_root(cred))
		return -EPERM;
	if ((attr->valid & ATTR_GID) && !cred_is_root(cred) &&
	    (cred->fsuid != inode->i_uid ||
	     (attr->gid != inode->i_gid && !cred_in_group(cred, attr->gid))))
		return -EPERM;
	if (attr->valid & ATTR_MODE) {
		kgid_t gid = attr->valid & ATTR_GID ? attr->gid : inode->i_gid;

		if (!owner_or_root)
			return -EPERM;
		if (!cred_is_root(cred) && !cred_in_group(cred, gid))
			attr->mode &= (umode_t)~S_ISGID;
	}
	if ((attr->valid & (ATTR_ATIME | ATTR_MTIME)) && !owner_or_root)
		return -EPERM;
	if ((attr->valid & (ATTR_UID | ATTR_GID)) && !S_ISDIR(inode->i_mode) &&
	    !(attr->valid & ATTR_MODE)) {
		umode_t mode = inode->i_mode & (umode_t)~S_ISUID;

		if (mode & S_IXGRP)
			mode &= (umode_t)~S_ISGID;
		if (mode != inode->i_mode) {
			attr->mode = mode;
			attr->valid |= ATTR_MODE;
		}
	}
	return 0;
}

/* Applies @attr to the inode at @p (i_lock taken here). */
int vfs_setattr(const struct path *p, struct iattr *attr,
		const struct cred *cred)
{
	struct inode *inode = p->dentry->d_inode;
	int err;

	if (mnt_readonly(p))
		return -EROFS;
	mutex_lock(&inode->i_lock);
	err = setattr_prepare(inode, attr, cred);
	if (err)
		goto out;
	if (!(attr->valid & ATTR_CTIME)) {
		attr->ctime = vfs_now();
		attr->valid |= ATTR_CTIME;
	}
	if (inode->i_op && inode->i_op->setattr)
		err = inode->i_op->setattr(p->dentry, attr);
	else if (attr->valid & ATTR_SIZE)
		err = -EPERM;
	else
		err = generic_setattr(p->dentry, attr);
out:
	mutex_unlock(&inode->i_lock);
	return err;
}

int vfs_setattr_path(const struct vfs_ctx *ctx, const struct path *at,
		     const char *name, unsigned flags, struct iattr *attr)
{
	struct path p;
	int err = vfs_path_lookup(ctx, at, name, flags, &p);

	if (err)
		return err;
	err = vfs_setattr(&p, attr, ctx->cred);
	path_put(&p);
	return err;
}

/* truncate(2)'s checks on the file at @p, then the size change.  With
 * @check_perm false (ftruncate, O_TRUNC) the open already checked. */
int vfs_truncate_path(const struct path *p, uint64_t length,
		      const struct cred *cred, bool check_perm)
{
	struct inode *inode = p->dentry->d_inode;
	struct iattr attr = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };
	int err;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (check_perm) {
		err = inode_permission(inode, MAY_WRITE, cred);
		if (err)
			return err;
	}
	if (mnt_readonly(p))
		return -EROFS;
	if (length > inode->i_sb->s_maxbytes)
		return -EFBIG;
	attr.size = length;
	attr.mtime = attr.ctime = vfs_now();
	mutex_lock(&inode->i_lock);
	/* truncate(2) to the same size changes no times; ftruncate(2) and
	 * O_TRUNC (check_perm false) always do, as on Linux. */
	if (check_perm && inode->i_size == length)
		attr.valid = ATTR_SIZE;
	err = inode->i_op && inode->i_op->setattr ?
		inode->i_op->setattr(p->dentry, &attr) : -EPERM;
	mutex_unlock(&inode->i_lock);
	return err;
}

int vfs_truncate(const struct vfs_ctx *ctx, const struct path *at,
		 const char *name, uint64_t length)
{
	struct path p;
	int err = vfs_path_lookup(ctx, at, name, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_truncate_path(&p, length, ctx->cred, true);
	path_put(&p);
	return err;
}

/* Linux's may_open(): type and permission checks for an existing file. */
static int may_open(const struct path *p, int flags, const struct cred *cred)
{
	struct inode *inode = p->dentry->d_inode;
	int acc = flags & O_ACCMODE, mask = 0;

	if (S_ISLNK(inode->i_mode))
		return -ELOOP;
	if (S_ISDIR(inode->i_mode) &&
	    (acc != O_RDONLY || (flags & (O_TRUNC | O_CREAT))))
		return -EISDIR;
	if ((S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)) &&
	    (p->mnt->m_flags & MNT_NODEV))
		return -EACCES;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	if ((mask & MAY_WRITE) && S_ISREG(inode->i_mode) && mnt_readonly(p))
		return -EROFS;
	return inode_permission(inode, mask, cred);
}

/*
 * open(2) with O_CREAT: find or create the last component in its
 * directory, following a symlink there (even a dangling one, whose target
 * is then created, as Linux does) unless O_EXCL or O_NOFOLLOW.
 */
static int open_create(const struct vfs_ctx *ctx, const struct path *at,
		       const char *name, int flags, umode_t mode,
		       struct path *out, bool *created)
{
	struct nameidata_last last;
	struct dentry *d;
	struct inode *dir;
	struct walk w;
	int err;

	err = walk_parent(&w, ctx, at, name, &last);
	if (err)
		return err;
	for (;;) {
		/* Linux: a trailing slash is -EISDIR first; ".", ".." and
		 * "/" name an existing directory: O_EXCL says -EEXIST. */
		if (last.trailing_slash) {
			err = -EISDIR;
			break;
		}
		if (last.last_type != LAST_NORM) {
			err = flags & O_EXCL ? -EEXIST : -EISDIR;
			break;
		}
		dir = w.path.dentry->d_inode;
		mutex_lock(&dir->i_lock);
		d = lookup_locked(w.path.dentry, &last.last);
		if (IS_ERR(d)) {
			mutex_unlock(&dir->i_lock);
			err = (int)PTR_ERR(d);
			break;
		}
		if (!d->d_inode) {
			struct create_req r = {
				.mode = S_IFREG | (mode & S_IALLUGO & ~ctx->umask),
			};

			err = may_create(&w.path, dir, ctx->cred);
			if (!err)
				err = call_create_op(dir, d, &r, ctx->cred);
			mutex_unlock(&dir->i_lock);
			*created = !err;
		} else {
			mutex_unlock(&dir->i_lock);
			err = flags & O_EXCL ? -EEXIST : 0;
		}
		if (!err && S_ISLNK(d->d_inode->i_mode) && !*created) {
			if (flags & O_NOFOLLOW) {
				err = -ELOOP;
			} else {
				err = walk_into_link(&w, d, "");
				if (!err)
					err = walk(&w, 0, &last);
				dput(d);
				if (err)
					break;
				continue;
			}
		}
		if (err) {
			dput(d);
			break;
		}
		out->mnt = mntget(w.path.mnt);
		out->dentry = d;	/* the lookup's reference moves here */
		follow_mounts(out);
		break;
	}
	walk_end(&w);
	return err;
}

/*
 * open(2).  The struct file is allocated first and O_TRUNC applied after
 * the open succeeded, as on Linux, so that running out of memory leaves
 * the file as it was.
 */
int vfs_open(const struct vfs_ctx *ctx, const struct path *at,
	     const char *name, int flags, umode_t mode, struct file **out)
{
	struct file *f = file_alloc_empty();
	bool created = false;
	struct path p;
	int err;

	if (!f)
		return -ENOMEM;
	if (flags & O_CREAT) {
		err = open_create(ctx, at, name, flags, mode, &p, &created);
	} else {
		unsigned lf = flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW;

		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		err = vfs_path_lookup(ctx, at, name, lf, &p);
	}
	if (err) {
		kfree(f);
		return err;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(p.dentry->d_inode->i_mode))
		err = -ENOTDIR;
	else if (!created)
		err = may_open(&p, flags, ctx->cred);
	if (err) {
		kfree(f);
		goto out;
	}
	err = file_open_into(f, &p, flags);
	if (err)
		goto out;
	if ((flags & O_TRUNC) && !created && S_ISREG(p.dentry->d_inode->i_mode))
		err = vfs_truncate_path(&p, 0, ctx->cred, false);
	if (err)
		file_put(f);
	else
		*out = f;
out:
	path_put(&p);
	return err;
}
