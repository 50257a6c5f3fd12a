/*
 * Unpacking the initramfs: every member of a CPIO "newc" archive held in
 * memory becomes a file, directory, symlink or node in the tree under a
 * vfs_ctx's root, as Linux's init/initramfs.c does it for its rootfs.
 * fs/cpio.c validates and decodes each member; this file only turns
 * members into VFS calls, so it knows nothing about the boot and the host
 * tests run it against the real VFS.
 *
 * Names.  Leading "/" and "./" are stripped, so "/etc/motd", "./etc/motd"
 * and "etc/motd" all land at <root>/etc/motd; "." (or "/") is the root
 * itself, whose mode, owner and times the member sets.  A name with a ".."
 * component is refused: an archive may not climb out of its root.  Paths
 * are resolved with the caller's ctx from ctx->root, so symlinks in the
 * archive ("esc -> /", "esc -> ../..") resolve inside that root too.
 *
 * Members.  Whatever non-directory already sits at a name is unlinked
 * first, and an empty directory is removed for a non-directory, as
 * Linux's clean_path() does; an existing directory for a directory is
 * kept and gets the new attributes.  Each object is created private
 * (0600, 0700) and gets its final owner, then mode (which keeps set-id
 * bits that a change of owner might clear), then times once its data is
 * in.  Directory times are set at the very end, because creating entries
 * inside a directory moves its mtime.
 *
 * Hard links.  newc gives all names of one inode the same (ino, dev) and
 * nlink >= 2.  Like Linux, the first name of each such inode is kept in
 * a small hash table (kmalloc'd, forgotten at each trailer, since inode
 * numbers are only unique within one archive) and later members become
 * vfs_link()s to it.  GNU cpio puts the data on the last link, so a link
 * member with data writes it through its own name.
 *
 * Errors.  A member that cannot be made (no parent, no space, bad name)
 * is reported with "initramfs: skipping '<name>': <why>" and left out; a
 * file whose data did not fit is removed rather than left short.  A parse
 * error ends the unpacking with one message naming the offset; whatever
 * was unpacked before it stays.  Several archives joined back to back
 * (cat a.cpio b.cpio), with NUL padding between, unpack in order, and a
 * later member replaces an earlier one of the same name.
 *
 * initramfs_list_tree() then logs the resulting tree at debug level, one
 * "rootfs:" line per object, so a boot at loglevel=7 shows exactly what
 * the kernel built.
 *
 * Interface: initramfs_unpack(), initramfs_list_tree().  Both may sleep
 * and take only the VFS's own locks, through its public calls.
 */
#include "fs/initramfs.h"
#include "fs/cpio.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/list.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

/* newc header layout, for counting trailers between archives. */
#define NEWC_HDR_LEN		110
#define NEWC_FILESIZE_OFF	(6 + 6 * 8)
#define NEWC_NAMESIZE_OFF	(6 + 11 * 8)

#define LINK_HASH_SIZE		32
/* Data goes into files this much per kernel_write() call. */
#define WRITE_CHUNK		(1u << 20)

/* The first name of an inode that has more links to come. */
struct link_node {
	struct list_head node;
	uint32_t ino, dev_major, dev_minor, type;
	char name[];
};

/* A directory whose times are set once everything is unpacked. */
struct dir_node {
	struct list_head node;
	int64_t mtime;
	char name[];
};

struct unpack {
	const struct vfs_ctx *ctx;
	struct initramfs_stats *st;
	struct list_head links[LINK_HASH_SIZE];
	struct list_head dirs;		/* struct dir_node, archive order */
};

static const char *err_text(int err)
{
	switch (-err) {
	case ENOENT:
		return "no such file or directory";
	case ENOTDIR:
		return "not a directory";
	case EISDIR:
		return "is a directory";
	case EEXIST:
		return "file exists";
	case ENOTEMPTY:
		return "directory not empty";
	case ENOSPC:
		return "no space left on device";
	case ENOMEM:
		return "out of memory";
	case EFBIG:
		return "file too large";
	case ENAMETOOLONG:
		return "file name too long";
	case ELOOP:
		return "too many levels of symbolic links";
	case EMLINK:
		return "too many links";
	case EPERM:
		return "operation not permitted";
	case EACCES:
		return "permission denied";
	case EROFS:
		return "read-only file system";
	case EIO:
		return "I/O error";
	default:
		return "error";
	}
}

/* Report @e as left out: @why, and the error if there is one. */
static void skip(struct unpack *u, const struct cpio_entry *e,
		 const char *why, int err)
{
	if (err)
		pr_warn("initramfs: skipping '%s': %s: %s (%d)", e->name, why,
			err_text(err), err);
	else
		pr_warn("initramfs: skipping '%s': %s", e->name, why);
	u->st->skipped++;
}

/* ---- names ------------------------------------------------------------- */

static bool has_dotdot(const char *name)
{
	const char *p = name;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!slash)
			return false;
		p = slash + 1;
	}
}

/*
 * The name @e is created at, relative to the root ("." for the root
 * itself), or NULL with *why saying why the member is skipped.
 */
static const char *clean_name(const struct cpio_entry *e, const char **why)
{
	const char *name = e->name;

	if (e->name_len == 0) {
		*why = "empty name";
		return NULL;
	}
	if (e->name_len >= PATH_MAX) {
		*why = "name too long";
		return NULL;
	}
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			break;
	}
	if (has_dotdot(name)) {
		*why = "name contains \"..\"";
		return NULL;
	}
	if (name[0] == '\0' || strcmp(name, ".") == 0) {
		if (!S_ISDIR(e->mode)) {
			*why = "the root can only be a directory";
			return NULL;
		}
		return ".";
	}
	return name;
}

/* ---- attributes ---------------------------------------------------------- */

static int set_attr(struct unpack *u, const char *name, unsigned valid,
		    const struct iattr *from)
{
	struct iattr a = *from;

	a.valid = valid;
	/* flags 0: a symlink's own attributes, never its target's. */
	return vfs_setattr_path(u->ctx, &u->ctx->root, name, 0, &a);
}

static void fill_times(struct iattr *a, int64_t mtime)
{
	a->mtime.sec = mtime;
	a->mtime.nsec = 0;
	a->atime = a->mtime;
}

/*
 * Owner, then mode (unless @with_mode is false: symlinks), then times
 * (unless @with_times is false: directories get theirs at the end).
 * Failures are reported; the object stays.
 */
static void apply_attrs(struct unpack *u, const char *name,
			const struct cpio_entry *e, bool with_mode,
			bool with_times)
{
	struct iattr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.uid = e->uid;
	a.gid = e->gid;
	a.mode = e->mode;
	fill_times(&a, (int64_t)e->mtime);

	err = set_attr(u, name, ATTR_UID | ATTR_GID, &a);
	if (!err && with_mode)
		err = set_attr(u, name, ATTR_MODE, &a);
	if (!err && with_times)
		err = set_attr(u, name, ATTR_MTIME | ATTR_ATIME, &a);
	if (err)
		pr_warn("initramfs: '%s': cannot set attributes: %s (%d)",
			e->name, err_text(err), err);
}

/* Remember a directory's mtime for dirs_set_times(). */
static void dir_defer_times(struct unpack *u, const char *name,
			    const struct cpio_entry *e)
{
	size_t len = strlen(name);
	struct dir_node *d = kmalloc(sizeof(*d) + len + 1);

	if (!d) {
		struct iattr a;

		/* Out of memory: an early mtime beats none. */
		pr_warn("initramfs: '%s': out of memory, directory time set "
			"early", e->name);
		memset(&a, 0, sizeof(a));
		fill_times(&a, (int64_t)e->mtime);
		set_attr(u, name, ATTR_MTIME | ATTR_ATIME, &a);
		return;
	}
	d->mtime = (int64_t)e->mtime;
	memcpy(d->name, name, len + 1);
	list_add_tail(&d->node, &u->dirs);
}

/* @name is no longer a directory of ours: no times for it at the end. */
static void dirs_forget(struct unpack *u, const char *name)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &u->dirs) {
		struct dir_node *d = list_entry(pos, struct dir_node, node);

		if (strcmp(d->name, name) == 0) {
			list_del(&d->node);
			kfree(d);
		}
	}
}

static void dirs_set_times(struct unpack *u)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &u->dirs) {
		struct dir_node *d = list_entry(pos, struct dir_node, node);
		struct iattr a;
		int err;

		memset(&a, 0, sizeof(a));
		fill_times(&a, d->mtime);
		err = set_attr(u, d->name, ATTR_MTIME | ATTR_ATIME, &a);
		if (err && err != -ENOENT)
			pr_warn("initramfs: '%s': cannot set times: %s (%d)",
				d->name, err_text(err), err);
		list_del(&d->node);
		kfree(d);
	}
}

/* ---- hard links ---------------------------------------------------------- */

static struct list_head *link_bucket(struct unpack *u,
				     const struct cpio_entry *e)
{
	uint32_t h = e->ino ^ e->dev_major * 31 ^ e->dev_minor * 131;

	return &u->links[h % LINK_HASH_SIZE];
}

static bool link_matches(const struct link_node *l, const struct cpio_entry *e)
{
	return l->ino == e->ino && l->dev_major == e->dev_major &&
	       l->dev_minor == e->dev_minor &&
	       l->type == (e->mode & S_IFMT);
}

/* The first name of @e's inode, or NULL if @e is the first (or alone). */
static const char *link_find(struct unpack *u, const struct cpio_entry *e)
{
	struct list_head *head = link_bucket(u, e), *pos;

	if (e->nlink < 2)
		return NULL;
	list_for_each(pos, head) {
		struct link_node *l = list_entry(pos, struct link_node, node);

		if (link_matches(l, e))
			return l->name;
	}
	return NULL;
}

/* Remember @name as the first of @e's names, if more are to come. */
static void link_remember(struct unpack *u, const struct cpio_entry *e,
			  const char *name)
{
	size_t len = strlen(name);
	struct link_node *l;

	if (e->nlink < 2)
		return;
	l = kmalloc(sizeof(*l) + len + 1);
	if (!l) {
		pr_warn("initramfs: '%s': out of memory, its other hard links "
			"become separate files", e->name);
		return;
	}
	l->ino = e->ino;
	l->dev_major = e->dev_major;
	l->dev_minor = e->dev_minor;
	l->type = e->mode & S_IFMT;
	memcpy(l->name, name, len + 1);
	list_add(&l->node, link_bucket(u, e));
}

static void links_forget(struct unpack *u)
{
	for (unsigned i = 0; i < LINK_HASH_SIZE; i++) {
		struct list_head *pos, *tmp;

		list_for_each_safe(pos, tmp, &u->links[i]) {
			list_del(pos);
			kfree(list_entry(pos, struct link_node, node));
		}
	}
}

/* ---- creating objects ---------------------------------------------------- */

/*
 * Make room at @name for an object of @e's type: unlink a non-directory,
 * remove an (empty) directory unless a directory is wanted.  Returns 1 if
 * a directory is there and stays, 0 if the name is free, or -errno.
 */
static int make_room(struct unpack *u, const char *name,
		     const struct cpio_entry *e)
{
	const struct path *at = &u->ctx->root;
	struct kstat st;
	int err;

	err = vfs_stat(u->ctx, at, name, 0, &st);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (S_ISDIR(st.mode)) {
		if (S_ISDIR(e->mode))
			return 1;
		err = vfs_rmdir(u->ctx, at, name);
		if (!err)
			dirs_forget(u, name);
		return err;
	}
	return vfs_unlink(u->ctx, at, name);
}

/* make_room(), reporting the entry as skipped when that fails. */
static int clean_path(struct unpack *u, const char *name,
		      const struct cpio_entry *e)
{
	int err = make_room(u, name, e);

	if (err < 0)
		skip(u, e, "cannot replace what is there", err);
	return err;
}

static int write_all(struct file *f, const uint8_t *p, uint64_t size)
{
	while (size) {
		size_t chunk = (size_t)MIN(size, (uint64_t)WRITE_CHUNK);
		ssize_t n = kernel_write(f, p, chunk);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		p += n;
		size -= (uint64_t)n;
	}
	return 0;
}

/*
 * Open @name with @flags and write @e's data; on failure remove the name
 * rather than leave a short file.
 */
static int write_file(struct unpack *u, const char *name,
		      const struct cpio_entry *e, int flags)
{
	struct file *f;
	int err;

	err = vfs_open(u->ctx, &u->ctx->root, name, flags, 0600, &f);
	if (err) {
		skip(u, e, "cannot create file", err);
		return err;
	}
	err = write_all(f, e->data, e->size);
	file_put(f);
	if (err) {
		skip(u, e, "cannot write data", err);
		vfs_unlink(u->ctx, &u->ctx->root, name);
	}
	return err;
}

/* A later name of an inode whose first name is @old. */
static int make_link(struct unpack *u, const char *old, const char *name,
		     const struct cpio_entry *e)
{
	int err;

	err = clean_path(u, name, e);
	if (err < 0)
		return err;
	err = vfs_link(u->ctx, &u->ctx->root, old, &u->ctx->root, name, 0);
	if (err) {
		skip(u, e, "cannot make hard link", err);
		return err;
	}
	if (S_ISREG(e->mode) && e->size) {
		err = write_file(u, name, e, O_WRONLY | O_TRUNC | O_NOFOLLOW);
		if (err)
			return err;
	}
	apply_attrs(u, name, e, true, true);
	return 0;
}

static int make_file(struct unpack *u, const char *name,
		     const struct cpio_entry *e)
{
	int err;

	err = clean_path(u, name, e);
	if (err < 0)
		return err;
	err = write_file(u, name, e, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC |
			 O_NOFOLLOW);
	if (err)
		return err;
	apply_attrs(u, name, e, true, true);
	link_remember(u, e, name);
	return 0;
}

static int make_dir(struct unpack *u, const char *name,
		    const struct cpio_entry *e)
{
	int err = 1;

	if (strcmp(name, ".") != 0)
		err = clean_path(u, name, e);
	if (err < 0)
		return err;
	if (err == 0) {
		err = vfs_mkdir(u->ctx, &u->ctx->root, name, 0700);
		if (err) {
			skip(u, e, "cannot make directory", err);
			return err;
		}
	}
	apply_attrs(u, name, e, true, false);
	dir_defer_times(u, name, e);
	return 0;
}

static int make_symlink(struct unpack *u, const char *name,
			const struct cpio_entry *e)
{
	char *target;
	size_t len;
	int err;

	if (e->size >= PATH_MAX) {
		skip(u, e, "symlink target too long", 0);
		return -ENAMETOOLONG;
	}
	/* The target is the data, cut at a NUL as Linux does. */
	len = strnlen(e->data, (size_t)e->size);
	if (len == 0) {
		skip(u, e, "empty symlink target", 0);
		return -EINVAL;
	}
	target = kmalloc(len + 1);
	if (!target) {
		skip(u, e, "cannot copy symlink target", -ENOMEM);
		return -ENOMEM;
	}
	memcpy(target, e->data, len);
	target[len] = '\0';

	err = clean_path(u, name, e);
	if (err < 0)
		goto out;
	err = vfs_symlink(u->ctx, target, &u->ctx->root, name);
	if (err) {
		skip(u, e, "cannot make symlink", err);
		goto out;
	}
	apply_attrs(u, name, e, false, true);
out:
	kfree(target);
	return err;
}

/* Character and block devices, FIFOs and sockets. */
static int make_node(struct unpack *u, const char *name,
		     const struct cpio_entry *e)
{
	dev_t dev = 0;
	int err;

	if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
		if (e->rdev_major > MAJOR(~(dev_t)0) ||
		    e->rdev_minor > MINORMASK) {
			skip(u, e, "device number out of range", 0);
			return -EOVERFLOW;
		}
		dev = MKDEV(e->rdev_major, e->rdev_minor);
	}
	err = clean_path(u, name, e);
	if (err < 0)
		return err;
	err = vfs_mknod(u->ctx, &u->ctx->root, name,
			(e->mode & S_IFMT) | 0600, dev);
	if (err) {
		skip(u, e, "cannot make node", err);
		return err;
	}
	apply_attrs(u, name, e, true, true);
	link_remember(u, e, name);
	return 0;
}

/* Unpack one member; a failure has been reported and counted. */
static void unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	const char *why = NULL;
	const char *name = clean_name(e, &why);
	const char *old;
	int err;

	if (!name) {
		skip(u, e, why, 0);
		return;
	}
	old = S_ISDIR(e->mode) || S_ISLNK(e->mode) ? NULL : link_find(u, e);
	if (old && strcmp(old, name) != 0)
		err = make_link(u, old, name, e);
	else if (S_ISREG(e->mode))
		err = make_file(u, name, e);
	else if (S_ISDIR(e->mode))
		err = make_dir(u, name, e);
	else if (S_ISLNK(e->mode))
		err = make_symlink(u, name, e);
	else
		err = make_node(u, name, e);
	if (err)
		return;
	u->st->entries++;
	u->st->bytes += e->size;
}

/* ---- the archive --------------------------------------------------------- */

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return false;
	}
	*out = v;
	return true;
}

/*
 * The trailers in [from, to): the iterator has already walked (and
 * validated) them, and NUL padding, between two members or up to the end;
 * it does not say how many archives it crossed, so count them here.
 */
static unsigned count_trailers(const uint8_t *base, size_t from, size_t to)
{
	unsigned n = 0;

	while (from < to) {
		uint32_t namesize, filesize;

		if (base[from] == 0) {
			from++;
			continue;
		}
		if (to - from < NEWC_HDR_LEN ||
		    !hex8(base + from + NEWC_NAMESIZE_OFF, &namesize) ||
		    !hex8(base + from + NEWC_FILESIZE_OFF, &filesize))
			break;
		n++;
		from = ALIGN_UP(from + NEWC_HDR_LEN + namesize, 4);
		from = ALIGN_UP(from + filesize, 4);
	}
	return n;
}

static void log_entry(const struct cpio_entry *e)
{
	char mode[11];

	cpio_mode_string(e->mode, mode);
	pr_debug("initramfs:   %s %6llu %.*s", mode,
		 (unsigned long long)e->size, (int)e->name_len, e->name);
}

/*
 * Unpack the @len bytes at @archive (one or more newc archives back to
 * back) into the tree under ctx->root, with ctx's credentials.  Fills
 * *st.  Returns 0, or -EINVAL after a parse error (reported, with what
 * came before it left unpacked).  Members that fail are reported and
 * counted in st->skipped, not errors.  May sleep.
 */
int initramfs_unpack(const void *archive, size_t len,
		     const struct vfs_ctx *ctx, struct initramfs_stats *st)
{
	struct unpack u = { .ctx = ctx, .st = st };
	struct cpio_iter it;
	struct cpio_entry e;
	size_t prev = 0;
	int r;

	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < LINK_HASH_SIZE; i++)
		list_init(&u.links[i]);
	list_init(&u.dirs);

	cpio_iter_init(&it, archive, len);
	while ((r = cpio_next(&it, &e)) == 1) {
		size_t hdr = (size_t)((const uint8_t *)e.name - it.base) -
			     NEWC_HDR_LEN;

		if (hdr != prev) {
			/* A new archive: its inode numbers are its own. */
			st->archives += count_trailers(it.base, prev, hdr);
			links_forget(&u);
		}
		prev = it.off;
		log_entry(&e);
		unpack_entry(&u, &e);
	}
	if (r < 0) {
		st->archives += count_trailers(it.base, prev, it.error_off) + 1;
		pr_err("initramfs: corrupt archive at offset %zu: %s; "
		       "stopped after %u entries", it.error_off, it.error,
		       st->entries);
	} else {
		st->archives += count_trailers(it.base, prev, len);
	}
	links_forget(&u);
	dirs_set_times(&u);
	return r < 0 ? -EINVAL : 0;
}

/* ---- listing the tree ---------------------------------------------------- */

#define LIST_MAX_DEPTH		32
#define LIST_MAX_ENTRIES	100000u
/* Room for a full-depth path of full-length names. */
#define LIST_PATH_MAX		(LIST_MAX_DEPTH * (NAME_MAX + 1) + 2)

/* One directory's names: NUL-terminated strings in buf, found by off[]. */
struct name_list {
	char *buf;
	size_t used, cap;
	uint32_t *off;
	size_t n, max;
};

struct name_collector {
	struct dir_context dctx;
	struct name_list *nl;
	bool full;		/* a name did not fit: grow and go on */
	size_t need;		/* bytes that name needs */
	size_t taken;		/* entries the last vfs_readdir() took */
};

/* One directory being listed. */
struct list_level {
	struct file *dir;
	struct name_list names;
	size_t next;		/* the next name to show */
	size_t path_len;	/* strlen of this directory's path */
};

struct lister {
	const struct vfs_ctx *ctx;
	char *path;		/* LIST_PATH_MAX bytes: the object's path */
	size_t path_len;
	char *target;		/* PATH_MAX bytes: a symlink's target */
	struct list_level *levels;	/* LIST_MAX_DEPTH of them */
	unsigned count;
};

/* dir_emit() actor: copies names; never allocates (it may run locked). */
static bool collect_name(struct dir_context *dctx, const char *name,
			 size_t len, uint64_t ino, unsigned type)
{
	struct name_collector *c =
		container_of(dctx, struct name_collector, dctx);
	struct name_list *nl = c->nl;

	(void)ino;
	(void)type;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.')) {
		c->taken++;
		return true;
	}
	if (nl->n == nl->max || len + 1 > nl->cap - nl->used) {
		c->full = true;
		c->need = len + 1;
		return false;
	}
	memcpy(nl->buf + nl->used, name, len);
	nl->buf[nl->used + len] = '\0';
	nl->off[nl->n++] = (uint32_t)nl->used;
	nl->used += len + 1;
	c->taken++;
	return true;
}

/* Double whichever part of @nl is full; -E2BIG past the listing limit. */
static int names_grow(struct name_list *nl, size_t need)
{
	if (nl->n == nl->max) {
		size_t max = nl->max ? nl->max * 2 : 64;
		uint32_t *off;

		if (nl->max > LIST_MAX_ENTRIES)
			return -E2BIG;
		off = kmalloc(max * sizeof(*off));
		if (!off)
			return -ENOMEM;
		if (nl->n)
			memcpy(off, nl->off, nl->n * sizeof(*off));
		kfree(nl->off);
		nl->off = off;
		nl->max = max;
	}
	if (need > nl->cap - nl->used) {
		size_t cap = MAX(nl->cap ? nl->cap * 2 : 1024, nl->used + need);
		char *buf;

		if (cap > UINT32_MAX)
			return -E2BIG;
		buf = kmalloc(cap);
		if (!buf)
			return -ENOMEM;
		if (nl->used)
			memcpy(buf, nl->buf, nl->used);
		kfree(nl->buf);
		nl->buf = buf;
		nl->cap = cap;
	}
	return 0;
}

static void names_free(struct name_list *nl)
{
	kfree(nl->buf);
	kfree(nl->off);
	memset(nl, 0, sizeof(*nl));
}

static int read_names(struct file *dir, struct name_list *nl)
{
	struct name_collector c = {
		.dctx = { .actor = collect_name, .pos = 0 },
		.nl = nl,
	};
	int err;

	for (;;) {
		c.full = false;
		c.taken = 0;
		err = vfs_readdir(dir, &c.dctx);
		if (err)
			return err;
		if (c.full) {
			err = names_grow(nl, c.need);
			if (err == -E2BIG)
				return 0;	/* list what fits; the limit ends it */
			if (err)
				return err;
			continue;
		}
		if (c.taken == 0)
			return 0;
	}
}

static int names_cmp(const struct name_list *nl, size_t a, size_t b)
{
	return strcmp(nl->buf + nl->off[a], nl->buf + nl->off[b]);
}

static void names_swap(struct name_list *nl, size_t a, size_t b)
{
	uint32_t t = nl->off[a];

	nl->off[a] = nl->off[b];
	nl->off[b] = t;
}

static void sift_down(struct name_list *nl, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;

		if (l < n && names_cmp(nl, l, big) > 0)
			big = l;
		if (r < n && names_cmp(nl, r, big) > 0)
			big = r;
		if (big == i)
			return;
		names_swap(nl, i, big);
		i = big;
	}
}

/* Heapsort: byte order, in place, no allocation, n log n at worst. */
static void names_sort(struct name_list *nl)
{
	size_t n = nl->n;

	for (size_t i = n / 2; i-- > 0;)
		sift_down(nl, i, n);
	while (n > 1) {
		names_swap(nl, 0, --n);
		sift_down(nl, 0, n);
	}
}

/*
 * Log the object @name under @at (whose path is l->path) as one line.
 * Returns 1 for a directory, 0 for anything else, or -errno.
 */
static int show_object(struct lister *l, const struct path *at,
		       const char *name)
{
	struct kstat st;
	char mode[11];
	ssize_t tlen = 0;
	int err;

	err = vfs_stat(l->ctx, at, name, 0, &st);
	if (err) {
		pr_debug("rootfs: %s: cannot stat: %s (%d)", l->path,
			 err_text(err), err);
		return err;
	}
	if (S_ISLNK(st.mode)) {
		tlen = vfs_readlink(l->ctx, at, name, l->target, PATH_MAX);
		if (tlen < 0) {
			pr_debug("rootfs: %s: cannot read link: %s (%zd)",
				 l->path, err_text((int)tlen), tlen);
			tlen = 0;
		}
	}
	cpio_mode_string(st.mode, mode);
	if (S_ISCHR(st.mode) || S_ISBLK(st.mode))
		pr_debug("rootfs: %s %u %u %u %u,%u ino=%llu %s", mode,
			 st.nlink, st.uid, st.gid, MAJOR(st.rdev),
			 MINOR(st.rdev), (unsigned long long)st.ino, l->path);
	else
		pr_debug("rootfs: %s %u %u %u %llu ino=%llu %s%s%.*s", mode,
			 st.nlink, st.uid, st.gid,
			 (unsigned long long)st.size,
			 (unsigned long long)st.ino, l->path,
			 S_ISLNK(st.mode) ? " -> " : "", (int)tlen, l->target);
	l->count++;
	return S_ISDIR(st.mode) ? 1 : 0;
}

/* Open the directory @name under @at as level @depth and read it. */
static int push_level(struct lister *l, unsigned depth,
		      const struct path *at, const char *name)
{
	struct list_level *lv = &l->levels[depth];
	int err;

	memset(lv, 0, sizeof(*lv));
	err = vfs_open(l->ctx, at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
		       0, &lv->dir);
	if (err)
		goto fail;
	err = read_names(lv->dir, &lv->names);
	if (err) {
		file_put(lv->dir);
		names_free(&lv->names);
		goto fail;
	}
	names_sort(&lv->names);
	lv->path_len = l->path_len;
	return 0;

fail:
	pr_debug("rootfs: %s: cannot list: %s (%d)", l->path, err_text(err),
		 err);
	return err;
}

static void pop_level(struct lister *l, unsigned depth)
{
	struct list_level *lv = &l->levels[depth];

	file_put(lv->dir);
	names_free(&lv->names);
}

/* Set l->path to the path of @name in level @depth's directory. */
static bool path_set(struct lister *l, unsigned depth, const char *name)
{
	size_t base = l->levels[depth].path_len;
	size_t len = strlen(name);

	if (depth == 0)
		base = 0;	/* the root's path is "/", not a prefix */
	if (base + 1 + len + 1 > LIST_PATH_MAX)
		return false;
	l->path[base] = '/';
	memcpy(l->path + base + 1, name, len + 1);
	l->path_len = base + 1 + len;
	return true;
}

/*
 * Depth-first walk with an explicit stack of levels, so deep trees cost
 * heap rather than kernel stack.
 */
static void list_walk(struct lister *l)
{
	int depth = 0;

	memcpy(l->path, "/", 2);
	l->path_len = 1;
	if (show_object(l, &l->ctx->root, "/") != 1)
		return;
	if (push_level(l, 0, &l->ctx->root, "/"))
		return;

	while (depth >= 0) {
		struct list_level *lv = &l->levels[depth];
		const char *name;

		if (lv->next == lv->names.n) {
			pop_level(l, depth--);
			continue;
		}
		name = lv->names.buf + lv->names.off[lv->next++];
		if (l->count >= LIST_MAX_ENTRIES) {
			pr_debug("rootfs: listing stopped after %u entries",
				 l->count);
			break;
		}
		if (!path_set(l, depth, name)) {
			pr_debug("rootfs: path too long under %.*s",
				 (int)lv->path_len, l->path);
			continue;
		}
		if (show_object(l, &lv->dir->f_path, name) != 1)
			continue;
		if (depth + 1 >= LIST_MAX_DEPTH) {
			pr_debug("rootfs: %s: deeper than %d levels, not listed",
				 l->path, LIST_MAX_DEPTH);
			continue;
		}
		if (push_level(l, depth + 1, &lv->dir->f_path, name) == 0)
			depth++;
	}
	while (depth >= 0)
		pop_level(l, depth--);
}

/*
 * Log every object under ctx's root at debug level, depth-first, each
 * directory's entries in byte order, one line each:
 *   rootfs: <mode> <nlink> <uid> <gid> <size or maj,min> ino=<ino> <path>
 * with " -> <target>" after a symlink.  Stops at LIST_MAX_DEPTH levels and
 * LIST_MAX_ENTRIES objects, saying so.  May sleep.
 */
void initramfs_list_tree(const struct vfs_ctx *ctx)
{
	struct lister l = { .ctx = ctx };

	l.path = kmalloc(LIST_PATH_MAX);
	l.target = kmalloc(PATH_MAX);
	l.levels = kzalloc(LIST_MAX_DEPTH * sizeof(*l.levels));
	if (!l.path || !l.target || !l.levels)
		pr_warn("rootfs: out of memory, cannot list the tree");
	else
		list_walk(&l);
	kfree(l.levels);
	kfree(l.target);
	kfree(l.path);
}
