/*
 * Property test for the VFS and tmpfs: random operations run against the
 * real VFS (fs/vfs.h over a fresh tmpfs root) and against a model file
 * system kept in this file, and the two must agree on every result and,
 * after every step, on the whole tree.
 *
 * The model is a plain in-memory tree.  A directory has one slot per
 * name of a small pool (six names, one long enough to live outside the
 * dentry's inline buffer), a regular file is a byte array with a link
 * count and a bitmap of the pages it stores, and a hard link is one more
 * slot pointing at the same file node.  Paths are drawn from the pool,
 * one to three names deep, so names collide all the time: most
 * operations hit something that exists, is of the wrong type, or is an
 * ancestor of the other operand.  Some paths end in ".", ".." or are
 * "/", have "." or ".." between names, or end in a slash.
 *
 * Every step picks an operation with a seeded xorshift generator
 * (test/unit/test_rng.h): open with O_CREAT/O_EXCL/O_TRUNC, pwrite at
 * any offset (past EOF leaves a hole), pread, truncate up or down, link,
 * unlink, rename with flags 0 / RENAME_NOREPLACE / RENAME_EXCHANGE,
 * mkdir, rmdir, stat; up to four files held open across steps (written,
 * read, ftruncate()d and fstat()ed while they are renamed over and
 * unlinked); dcache_prune() as memory pressure; and, in one test, an
 * allocation failure injected into a third of the steps.  The model
 * predicts Linux's result (the rules are below), the VFS runs it, the
 * results must be equal, and the paths the step touched are stat()ed on
 * both sides.  Then (every step by default) a full walk compares the
 * trees: readdir names, d_type and inode numbers, "." and "..", read
 * through small buffers too; lstat type, permission bits, size, blocks
 * and link count (directories: 2 + subdirectories); one inode number per
 * model node (hard links share one, distinct nodes never do); contents
 * byte for byte; and every open handle.  At the end everything is
 * removed through the VFS and shim_vfs_teardown() checks that no file,
 * dentry, inode, page or allocation leaked.
 *
 * The model was checked against Linux 6.18 itself: the same operations
 * through system calls on a fresh tmpfs agree with it over millions of
 * steps.
 *
 * On a mismatch the test prints the test name, seed and step, the
 * operations since the last full check and the command line that replays
 * the run.  Environment overrides, read with getenv():
 *   BASALT_MODEL_SEED=n         seed for every test that runs
 *   BASALT_MODEL_STEPS=n        steps per test
 *   BASALT_MODEL_TEST=name      run only this test (a cmocka filter)
 *   BASALT_MODEL_CHECK_EVERY=n  full tree walk every n steps (default 1)
 *   BASALT_MODEL_TRACE=1        print every operation and its result
 *   BASALT_MODEL_STATS=1        print how often each outcome came up
 * With another seed or step count a test only checks agreement, not
 * that it reached the outcomes it is named for.
 *
 * Linux's rules the model follows (fs/namei.c, checked in this order;
 * root credentials, one file system, no symlinks):
 *
 *  Walks.  Every component but the last must exist (else ENOENT) and be
 *   a directory (else ENOTDIR), checked one component at a time, so the
 *   first bad component decides.  "." stays, ".." goes up, and ".." of
 *   "/" is "/".  A full lookup (stat, truncate, link's old name, open
 *   without O_CREAT) of "name/" wants a directory: ENOTDIR for a file.
 *  open.  O_CREAT with a trailing slash: EISDIR, whatever is there.  A
 *   missing last component: ENOENT without O_CREAT, else a new empty
 *   file.  An existing one with O_CREAT|O_EXCL: EEXIST (also for
 *   directories, ".", ".." and "/").  A directory with O_CREAT: EISDIR;
 *   a directory opened for writing (or with O_TRUNC): EISDIR; opened
 *   read-only it opens, and read() on it gives EISDIR.  O_TRUNC empties
 *   an existing regular file opened for writing.
 *  pwrite past EOF extends the file and the gap reads as zeros; a write
 *   of 0 bytes changes nothing.  pread past EOF returns 0.
 *  truncate.  The path must resolve (ENOENT/ENOTDIR); a directory gives
 *   EISDIR; growing adds zeros, shrinking drops the tail.
 *  Blocks.  tmpfs stores a page once a write touches it; holes and
 *   growing truncates store nothing; shrinking frees the pages wholly
 *   past the new end.  st_blocks is 8 per stored page.
 *  mkdir.  A last component of ".", ".." or "/": EEXIST; an existing
 *   name of any type: EEXIST.  A trailing slash is fine.
 *  rmdir.  Last component "." gives EINVAL, ".." ENOTEMPTY, "/" EBUSY;
 *   then missing ENOENT, not a directory ENOTDIR, not empty ENOTEMPTY.
 *  unlink.  Last component ".", ".." or "/": EISDIR; missing ENOENT; a
 *   directory EISDIR; a file named with a trailing slash ENOTDIR.
 *  link(old, new).  old must resolve (ENOENT/ENOTDIR) first; then the
 *   walk to new's directory; new of ".", ".." or "/": EEXIST; new exists:
 *   EEXIST; new missing but written "new/": ENOENT; only then old being
 *   a directory gives EPERM.
 *  rename(old, new, flags).
 *   1. flags other than NOREPLACE/EXCHANGE/WHITEOUT, or NOREPLACE (or
 *      WHITEOUT) with EXCHANGE: EINVAL, before looking at any path.
 *   2. the walk to old's directory, then to new's directory.
 *   3. old is ".", ".." or "/": EBUSY; new is: EEXIST with NOREPLACE,
 *      else EBUSY.
 *   4. old missing: ENOENT.  NOREPLACE and new exists: EEXIST.
 *      EXCHANGE and new missing: ENOENT.  EXCHANGE and new a file
 *      written "new/": ENOTDIR.  old a file and "old/", or (without
 *      EXCHANGE) "new/": ENOTDIR.
 *   5. The two directories differ and old is new's directory or one of
 *      its ancestors (a directory into its own subtree): EINVAL.  They
 *      differ and new is old's directory or one of its ancestors:
 *      ENOTEMPTY (EINVAL with EXCHANGE) -- even when old is a file.
 *   6. old and new are the same inode (the same name, or two hard links
 *      of one file): success, nothing changes.
 *   7. EXCHANGE swaps the two names, whatever their types.
 *   8. Otherwise over an existing new: directory over a non-directory
 *      ENOTDIR, non-directory over a directory EISDIR, directory over a
 *      non-empty directory ENOTEMPTY; else the victim loses the name.
 *  Open files.  A file lives while it has a name or an open handle: an
 *   unlinked open file keeps its data, fstat() shows nlink 0, and it
 *   goes when the last handle closes.
 *  Modes.  New files and directories get the mode asked for less the
 *   umask.  Link counts: a regular file has one per name; a directory 2
 *   plus its subdirectories (the root too).
 *  Failure.  An operation that fails with ENOMEM changes nothing; a
 *   write that stops early has written exactly what it reports.
 */
/*
 * Plain ISO C from the host's libc: its POSIX types (dev_t and friends in
 * <sys/types.h>, which <stdlib.h> pulls in by default) clash with the
 * kernel's, and nothing here needs them.  Must come before any include.
 */
#define _ISOC11_SOURCE 1

#include "fs/vfs.h"
#include "kernel/errno.h"
#include "test/unit/shim/shim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test/unit/test_rng.h"

#define MODEL_NAMES		6	/* the name pool */
#define MODEL_DOT		MODEL_NAMES	/* component "." */
#define MODEL_DOTDOT		(MODEL_NAMES + 1)	/* component ".." */
#define MODEL_GEN_DEPTH		3	/* generated paths: 1..3 components */
#define MODEL_TREE_DEPTH	6	/* renames may not nest deeper */
#define MODEL_PAGE		4096u
#define MODEL_PATH_MAX		512
#define MODEL_DESC_MAX		(2 * MODEL_PATH_MAX + 128)
#define MODEL_LOG		128	/* operations remembered for reports */
#define MODEL_STAT_SLOTS	64	/* 0: success, else errno */
#define MODEL_CHECK_EVERY	1	/* default full-walk interval */
#define MODEL_DIRENTS		16	/* readdir entries one dir can give */
#define MODEL_HANDLES		4	/* files kept open across steps */
#define MODEL_FILE_PAGES	24	/* offsets and sizes generated below */

static const char *const model_names[MODEL_NAMES] = {
	"a", "b", "c", "dd", "e",
	"a-name-long-enough-to-live-outside-the-inline-dentry-buffer",
};

/* ---- the model ---------------------------------------------------------- */

struct mnode {
	bool is_dir;
	bool ino_known;
	uint64_t ino;			/* the VFS's number for this node */
	uint32_t nlink;			/* files: names pointing here */
	unsigned opens;			/* files: handles open on it */
	uint32_t mode;			/* permission bits */
	uint64_t pages;			/* files: bit n: page n is stored */
	struct mnode *parent;		/* directories; the root: itself */
	struct mnode *child[MODEL_NAMES];	/* directories */
	uint8_t *data;			/* files */
	size_t size;
};

struct mpath {
	int n;				/* components; 0 names "/" */
	int comp[MODEL_TREE_DEPTH + 2];
	bool slash;			/* a trailing "/" after a name */
};

enum op_kind {
	OP_CREATE,		/* open(O_CREAT ...), close */
	OP_OPEN_TRUNC,		/* open(O_TRUNC) of something existing */
	OP_WRITE,		/* open(O_WRONLY/O_RDWR), pwrite, close */
	OP_READ,		/* open(O_RDONLY), pread, close */
	OP_TRUNCATE,
	OP_LINK,
	OP_UNLINK,
	OP_RENAME,
	OP_MKDIR,
	OP_RMDIR,
	OP_STAT,
	OP_FOPEN,		/* open(O_RDWR) into a handle kept open */
	OP_FCLOSE,		/* and the handle's operations: */
	OP_FWRITE,
	OP_FREAD,
	OP_FTRUNCATE,
	OP_FSTAT,
	OP_PRUNE,		/* dcache_prune(): memory pressure */
	OP_KINDS
};

static const char *const op_names[OP_KINDS] = {
	[OP_CREATE] = "create", [OP_OPEN_TRUNC] = "open-trunc",
	[OP_WRITE] = "write", [OP_READ] = "read",
	[OP_TRUNCATE] = "truncate", [OP_LINK] = "link",
	[OP_UNLINK] = "unlink", [OP_RENAME] = "rename",
	[OP_MKDIR] = "mkdir", [OP_RMDIR] = "rmdir", [OP_STAT] = "stat",
	[OP_FOPEN] = "fopen", [OP_FCLOSE] = "fclose", [OP_FWRITE] = "fwrite",
	[OP_FREAD] = "fread", [OP_FTRUNCATE] = "ftruncate",
	[OP_FSTAT] = "fstat", [OP_PRUNE] = "prune",
};

struct op {
	enum op_kind kind;
	struct mpath a, b;		/* b: link and rename targets */
	int oflags;			/* open flags */
	unsigned rflags;		/* rename flags */
	uint64_t off, len;		/* write, read; truncate: len */
	int slot;			/* handle operations */
	long fail_after;		/* allocation to fail, or -1 */
};

/* What an operation returned: err from the call (open for read and
 * write), io the byte count or -errno of the pread/pwrite. */
struct outcome {
	int err;
	ssize_t io;
};

/* How one test weighs the operations and shapes their arguments. */
struct mix {
	unsigned weight[OP_KINDS];
	unsigned special_pct;	/* paths ending in ".", ".." or being "/" */
	unsigned dotdir_pct;	/* paths with a "." or ".." inside */
	unsigned slash_pct;	/* paths with a trailing slash */
	unsigned steer_pct;	/* paths steered onto existing names */
	unsigned related_pct;	/* link/rename targets related to the source */
	unsigned noreplace_pct, exchange_pct, badflags_pct;
	unsigned fail_pct;	/* steps with an allocation failure injected */
};

struct ino_rec {
	uint64_t ino;
	const struct mnode *node;
};

struct ino_list {
	struct ino_rec *rec;
	size_t n, cap;
};

static struct model {
	struct vfs_ctx ctx;
	bool ctx_live;
	struct mnode *root;
	const char *test;
	uint64_t seed;
	unsigned steps;
	unsigned step;
	unsigned check_every;
	unsigned last_check;	/* step of the last full walk that passed */
	bool trace, stats;
	bool replay;		/* seed or steps came from the environment */
	unsigned readdir_turn;	/* picks dir_list_read()'s budget */
	char log[MODEL_LOG][MODEL_DESC_MAX];
	unsigned long outcomes[OP_KINDS][MODEL_STAT_SLOTS];
	struct ino_list inos;	/* scratch for check_tree() */
	unsigned long orphan_ops;	/* handle ops on unlinked files */
	unsigned long enomem_steps;	/* injected failures that surfaced */
	struct {
		struct file *f;		/* the VFS's */
		struct mnode *node;	/* the model's */
	} handle[MODEL_HANDLES];
} M;

#define AT (&M.ctx.cwd)

static void model_fail(const char *fmt, ...) __printf(1, 2);

static void model_fail(const char *fmt, ...)
{
	char msg[MODEL_DESC_MAX + 256];
	unsigned first, s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	first = M.last_check + 1;
	if (M.step >= MODEL_LOG && first < M.step - MODEL_LOG + 1)
		first = M.step - MODEL_LOG + 1;
	print_error("VFS model mismatch in %s: seed 0x%llx, step %u "
		    "(run of %u steps)\n", M.test,
		    (unsigned long long)M.seed, M.step, M.steps);
	print_error("  %s\n", msg);
	print_error("operations since the last full check (step %u):\n",
		    M.last_check);
	for (s = first; s <= M.step; s++)
		print_error("  %5u %s\n", s, M.log[s % MODEL_LOG]);
	print_error("replay: BASALT_MODEL_TEST=%s BASALT_MODEL_SEED=0x%llx "
		    "BASALT_MODEL_STEPS=%u BASALT_MODEL_TRACE=1 "
		    "./test_vfs_model\n", M.test,
		    (unsigned long long)M.seed, M.steps);
	fail_msg("%s seed 0x%llx step %u: %s", M.test,
		 (unsigned long long)M.seed, M.step, msg);
}

/* A new file or directory, made with the mode the VFS calls use (0644,
 * 0755) less the caller's umask. */
static struct mnode *mnode_new(bool is_dir, struct mnode *parent)
{
	struct mnode *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->is_dir = is_dir;
	n->parent = parent ? parent : n;
	n->nlink = is_dir ? 0 : 1;
	n->mode = (is_dir ? 0755 : 0644) & ~M.ctx.umask;
	return n;
}

static void mfile_resize(struct mnode *f, size_t size)
{
	uint64_t keep = (size + MODEL_PAGE - 1) / MODEL_PAGE;
	uint8_t *d;

	/* Shrinking frees every page wholly past the end; the page the end
	 * falls in stays.  Growing stores nothing: the new part is a hole. */
	if (keep < 64)
		f->pages &= (1ull << keep) - 1;
	if (size == 0) {
		free(f->data);
		f->data = NULL;
		f->size = 0;
		return;
	}
	d = realloc(f->data, size);
	assert_non_null(d);
	if (size > f->size)
		memset(d + f->size, 0, size - f->size);
	f->data = d;
	f->size = size;
}

/* Writes @len bytes at @off: every page they touch is stored. */
static void mfile_write(struct mnode *f, uint64_t off, const uint8_t *buf,
			size_t len)
{
	uint64_t pg;

	if (len == 0)
		return;
	if (off + len > f->size)
		mfile_resize(f, off + len);
	memcpy(f->data + off, buf, len);
	for (pg = off / MODEL_PAGE; pg <= (off + len - 1) / MODEL_PAGE; pg++) {
		assert_true(pg < 64);	/* MODEL_FILE_PAGES keeps files small */
		f->pages |= 1ull << pg;
	}
}

static void mnode_free(struct mnode *n)
{
	free(n->data);
	free(n);
}

/* One name of @n went away: a file goes with its last name and last
 * open handle, an (empty) directory at once. */
static void mnode_drop_name(struct mnode *n)
{
	if (!n->is_dir && (--n->nlink || n->opens))
		return;
	mnode_free(n);
}

static void mnode_close(struct mnode *n)
{
	if (!--n->opens && !n->nlink)
		mnode_free(n);
}

static void mnode_free_tree(struct mnode *d)
{
	int i;

	for (i = 0; i < MODEL_NAMES; i++) {
		struct mnode *c = d->child[i];

		if (!c)
			continue;
		d->child[i] = NULL;
		if (c->is_dir)
			mnode_free_tree(c);
		else
			mnode_drop_name(c);
	}
	mnode_free(d);
}

static bool mdir_empty(const struct mnode *d)
{
	int i;

	for (i = 0; i < MODEL_NAMES; i++)
		if (d->child[i])
			return false;
	return true;
}

static uint32_t mnode_nlink(const struct mnode *n)
{
	uint32_t nlink = 2;
	int i;

	if (!n->is_dir)
		return n->nlink;
	for (i = 0; i < MODEL_NAMES; i++)
		if (n->child[i] && n->child[i]->is_dir)
			nlink++;
	return nlink;
}

static bool mnode_is_ancestor_or_self(const struct mnode *anc,
				      const struct mnode *d)
{
	for (;;) {
		if (d == anc)
			return true;
		if (d == M.root)
			return false;
		d = d->parent;
	}
}

static unsigned mnode_depth(const struct mnode *d)
{
	unsigned depth = 0;

	for (; d != M.root; d = d->parent)
		depth++;
	return depth;
}

/* How many levels the deepest name under @n (counting @n) adds. */
static unsigned mnode_height(const struct mnode *n)
{
	unsigned h = 0, c;
	int i;

	if (!n->is_dir)
		return 1;
	for (i = 0; i < MODEL_NAMES; i++) {
		c = n->child[i] ? mnode_height(n->child[i]) : 0;
		h = MAX(h, c);
	}
	return h + 1;
}

/* ---- paths -------------------------------------------------------------- */

enum { LAST_IS_NORM, LAST_IS_DOT, LAST_IS_DOTDOT, LAST_IS_ROOT };

static int path_last_type(const struct mpath *p)
{
	if (p->n == 0)
		return LAST_IS_ROOT;
	if (p->comp[p->n - 1] == MODEL_DOT)
		return LAST_IS_DOT;
	if (p->comp[p->n - 1] == MODEL_DOTDOT)
		return LAST_IS_DOTDOT;
	return LAST_IS_NORM;
}

static int path_last(const struct mpath *p)
{
	return p->comp[p->n - 1];
}

static void path_str(const struct mpath *p, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	if (p->n == 0) {
		snprintf(buf, size, "/");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < p->n; i++) {
		const char *name = p->comp[i] == MODEL_DOT ? "." :
				   p->comp[i] == MODEL_DOTDOT ? ".." :
				   model_names[p->comp[i]];

		len += snprintf(buf + len, size - len, "/%s", name);
		assert_true(len < size);
	}
	if (p->slash)
		snprintf(buf + len, size - len, "/");
}

static void path_parent(const struct mpath *p, struct mpath *out)
{
	*out = *p;
	out->slash = false;
	if (out->n > 0)
		out->n--;
}

/*
 * The walk to the directory holding the last component, as Linux's
 * filename_parentat(): every earlier component must exist and be a
 * directory, and the first that is not decides the error.  "." stays,
 * ".." goes up (and stays at "/").
 */
static int model_parent(const struct mpath *p, struct mnode **dir)
{
	struct mnode *d = M.root;
	int i;

	for (i = 0; i < p->n - 1; i++) {
		struct mnode *c;

		if (p->comp[i] == MODEL_DOT)
			continue;
		if (p->comp[i] == MODEL_DOTDOT) {
			d = d->parent;
			continue;
		}
		c = d->child[p->comp[i]];
		if (!c)
			return -ENOENT;
		if (!c->is_dir)
			return -ENOTDIR;
		d = c;
	}
	*dir = d;
	return 0;
}

/* What the last component names in @dir: follows "." and "..". */
static struct mnode *model_last(struct mnode *dir, const struct mpath *p)
{
	switch (path_last_type(p)) {
	case LAST_IS_ROOT:
		return M.root;
	case LAST_IS_DOT:
		return dir;
	case LAST_IS_DOTDOT:
		return dir->parent;
	default:
		return dir->child[path_last(p)];
	}
}

/* A full lookup, as stat() does it: a trailing slash wants a directory. */
static int model_lookup(const struct mpath *p, struct mnode **out)
{
	struct mnode *dir;
	int err;

	err = model_parent(p, &dir);
	if (err)
		return err;
	*out = model_last(dir, p);
	if (!*out)
		return -ENOENT;
	return p->slash && !(*out)->is_dir ? -ENOTDIR : 0;
}

/* ---- the model's side of each operation ---------------------------------- */

static int model_open(const struct op *op, struct mnode **out)
{
	int flags = op->oflags;
	struct mnode *dir, *n;
	int err;

	err = model_parent(&op->a, &dir);
	if (err)
		return err;
	if ((flags & O_CREAT) && op->a.slash)
		return -EISDIR;
	n = model_last(dir, &op->a);
	if (!n) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		n = mnode_new(false, NULL);
		dir->child[path_last(&op->a)] = n;
		*out = n;
		return 0;
	}
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (op->a.slash && !n->is_dir)
		return -ENOTDIR;
	if (n->is_dir) {
		if (flags & O_CREAT)
			return -EISDIR;
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
			return -EISDIR;
	} else if (flags & O_TRUNC) {
		mfile_resize(n, 0);
	}
	*out = n;
	return 0;
}

static int model_truncate(const struct op *op)
{
	struct mnode *n;
	int err;

	err = model_lookup(&op->a, &n);
	if (err)
		return err;
	if (n->is_dir)
		return -EISDIR;
	mfile_resize(n, op->len);
	return 0;
}

static int model_link(const struct op *op)
{
	struct mnode *old, *dir;
	int err;

	err = model_lookup(&op->a, &old);
	if (err)
		return err;
	err = model_parent(&op->b, &dir);
	if (err)
		return err;
	if (path_last_type(&op->b) != LAST_IS_NORM)
		return -EEXIST;
	if (dir->child[path_last(&op->b)])
		return -EEXIST;
	if (op->b.slash)
		return -ENOENT;
	if (old->is_dir)
		return -EPERM;
	dir->child[path_last(&op->b)] = old;
	old->nlink++;
	return 0;
}

static int model_unlink(const struct op *op)
{
	struct mnode *dir, *n;
	int err;

	err = model_parent(&op->a, &dir);
	if (err)
		return err;
	if (path_last_type(&op->a) != LAST_IS_NORM)
		return -EISDIR;
	n = dir->child[path_last(&op->a)];
	if (!n)
		return -ENOENT;
	if (n->is_dir)
		return -EISDIR;
	if (op->a.slash)
		return -ENOTDIR;
	dir->child[path_last(&op->a)] = NULL;
	mnode_drop_name(n);
	return 0;
}

static int model_rmdir(const struct op *op)
{
	struct mnode *dir, *n;
	int err;

	err = model_parent(&op->a, &dir);
	if (err)
		return err;
	switch (path_last_type(&op->a)) {
	case LAST_IS_DOT:
		return -EINVAL;
	case LAST_IS_DOTDOT:
		return -ENOTEMPTY;
	case LAST_IS_ROOT:
		return -EBUSY;
	}
	n = dir->child[path_last(&op->a)];
	if (!n)
		return -ENOENT;
	if (!n->is_dir)
		return -ENOTDIR;
	if (!mdir_empty(n))
		return -ENOTEMPTY;
	dir->child[path_last(&op->a)] = NULL;
	mnode_drop_name(n);
	return 0;
}

static int model_mkdir(const struct op *op)
{
	struct mnode *dir;
	int err;

	err = model_parent(&op->a, &dir);
	if (err)
		return err;
	if (path_last_type(&op->a) != LAST_IS_NORM)
		return -EEXIST;
	if (dir->child[path_last(&op->a)])
		return -EEXIST;
	dir->child[path_last(&op->a)] = mnode_new(true, dir);
	return 0;
}

static int model_rename(const struct op *op)
{
	const unsigned known = RENAME_NOREPLACE | RENAME_EXCHANGE |
			       RENAME_WHITEOUT;
	unsigned fl = op->rflags;
	bool xchg = fl & RENAME_EXCHANGE;
	struct mnode *p1, *p2, *old, *new;
	int err, c1, c2;

	if (fl & ~known)
		return -EINVAL;
	if ((fl & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && xchg)
		return -EINVAL;
	err = model_parent(&op->a, &p1);
	if (err)
		return err;
	err = model_parent(&op->b, &p2);
	if (err)
		return err;
	if (path_last_type(&op->a) != LAST_IS_NORM)
		return -EBUSY;
	if (path_last_type(&op->b) != LAST_IS_NORM)
		return (fl & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	c1 = path_last(&op->a);
	c2 = path_last(&op->b);
	old = p1->child[c1];
	new = p2->child[c2];
	if (!old)
		return -ENOENT;
	if ((fl & RENAME_NOREPLACE) && new)
		return -EEXIST;
	if (xchg && !new)
		return -ENOENT;
	if (xchg && !new->is_dir && op->b.slash)
		return -ENOTDIR;
	if (!old->is_dir && (op->a.slash || (!xchg && op->b.slash)))
		return -ENOTDIR;
	if (p1 != p2) {
		/* lock_rename()'s trap: the child of the upper directory on
		 * the way to the lower one. */
		if (old->is_dir && mnode_is_ancestor_or_self(old, p2))
			return -EINVAL;
		if (new && new->is_dir && mnode_is_ancestor_or_self(new, p1))
			return xchg ? -EINVAL : -ENOTEMPTY;
	}
	if (old == new)
		return 0;
	if (xchg) {
		p1->child[c1] = new;
		p2->child[c2] = old;
		if (old->is_dir)
			old->parent = p2;
		if (new->is_dir)
			new->parent = p1;
		return 0;
	}
	if (new) {
		if (old->is_dir && !new->is_dir)
			return -ENOTDIR;
		if (!old->is_dir && new->is_dir)
			return -EISDIR;
		if (new->is_dir && !mdir_empty(new))
			return -ENOTEMPTY;
		mnode_drop_name(new);
	}
	p1->child[c1] = NULL;
	p2->child[c2] = old;
	if (old->is_dir)
		old->parent = p2;
	return 0;
}

/* Runs @op on the model; @wbuf holds a write's bytes.  A read leaves the
 * file it reads in *node. */
static struct outcome model_apply(const struct op *op, const uint8_t *wbuf,
				  struct mnode **node)
{
	struct outcome o = { 0, 0 };
	struct mnode *n = NULL;

	*node = NULL;
	switch (op->kind) {
	case OP_CREATE:
	case OP_OPEN_TRUNC:
		o.err = model_open(op, &n);
		break;
	case OP_WRITE:
		o.err = model_open(op, &n);
		if (o.err)
			break;
		o.io = (ssize_t)op->len;
		mfile_write(n, op->off, wbuf, op->len);
		break;
	case OP_READ:
		o.err = model_open(op, &n);
		if (o.err)
			break;
		if (n->is_dir)
			o.io = -EISDIR;
		else if (op->off >= n->size)
			o.io = 0;
		else
			o.io = (ssize_t)MIN(op->len, n->size - op->off);
		*node = n;
		break;
	case OP_TRUNCATE:
		o.err = model_truncate(op);
		break;
	case OP_LINK:
		o.err = model_link(op);
		break;
	case OP_UNLINK:
		o.err = model_unlink(op);
		break;
	case OP_RENAME:
		o.err = model_rename(op);
		break;
	case OP_MKDIR:
		o.err = model_mkdir(op);
		break;
	case OP_RMDIR:
		o.err = model_rmdir(op);
		break;
	case OP_STAT:
		o.err = model_lookup(&op->a, &n);
		break;
	case OP_FOPEN:
		o.err = model_open(op, &n);
		if (o.err)
			break;
		n->opens++;
		M.handle[op->slot].node = n;
		break;
	case OP_FCLOSE:
		mnode_close(M.handle[op->slot].node);
		M.handle[op->slot].node = NULL;
		break;
	case OP_FWRITE:
		o.io = (ssize_t)op->len;
		mfile_write(M.handle[op->slot].node, op->off, wbuf, op->len);
		break;
	case OP_FREAD:
		n = M.handle[op->slot].node;
		if (op->off < n->size)
			o.io = (ssize_t)MIN(op->len, n->size - op->off);
		*node = n;
		break;
	case OP_FTRUNCATE:
		mfile_resize(M.handle[op->slot].node, op->len);
		break;
	case OP_FSTAT:
	case OP_PRUNE:
	case OP_KINDS:
		break;
	}
	if (op->kind >= OP_FOPEN && op->kind <= OP_FSTAT &&
	    M.handle[op->slot].node && !M.handle[op->slot].node->nlink)
		M.orphan_ops++;
	return o;
}

/* ---- the VFS's side ---------------------------------------------------- */

/* Runs @op on the VFS; every file it opens, but for a handle, is closed
 * again before it returns, so a failing comparison leaks nothing. */
static struct outcome vfs_apply(const struct op *op, const uint8_t *wbuf,
				uint8_t *rbuf, struct kstat *st)
{
	char a[MODEL_PATH_MAX], b[MODEL_PATH_MAX];
	struct outcome o = { 0, 0 };
	struct file *f = NULL;

	path_str(&op->a, a, sizeof(a));
	path_str(&op->b, b, sizeof(b));
	switch (op->kind) {
	case OP_CREATE:
	case OP_OPEN_TRUNC:
		o.err = vfs_open(&M.ctx, AT, a, op->oflags, 0644, &f);
		break;
	case OP_WRITE:
		o.err = vfs_open(&M.ctx, AT, a, op->oflags, 0644, &f);
		if (!o.err)
			o.io = kernel_pwrite(f, wbuf, op->len,
					     (loff_t)op->off);
		break;
	case OP_READ:
		o.err = vfs_open(&M.ctx, AT, a, op->oflags, 0644, &f);
		if (!o.err)
			o.io = kernel_pread(f, rbuf, op->len,
					    (loff_t)op->off);
		break;
	case OP_TRUNCATE:
		o.err = vfs_truncate(&M.ctx, AT, a, op->len);
		break;
	case OP_LINK:
		o.err = vfs_link(&M.ctx, AT, a, AT, b, 0);
		break;
	case OP_UNLINK:
		o.err = vfs_unlink(&M.ctx, AT, a);
		break;
	case OP_RENAME:
		o.err = vfs_rename(&M.ctx, AT, a, AT, b, op->rflags);
		break;
	case OP_MKDIR:
		o.err = vfs_mkdir(&M.ctx, AT, a, 0755);
		break;
	case OP_RMDIR:
		o.err = vfs_rmdir(&M.ctx, AT, a);
		break;
	case OP_STAT:
		o.err = vfs_stat(&M.ctx, AT, a, 0, st);
		break;
	case OP_FOPEN:
		o.err = vfs_open(&M.ctx, AT, a, op->oflags, 0644, &f);
		if (!o.err)
			M.handle[op->slot].f = f;
		f = NULL;
		break;
	case OP_FCLOSE:
		file_put(M.handle[op->slot].f);
		M.handle[op->slot].f = NULL;
		break;
	case OP_FWRITE:
		o.io = kernel_pwrite(M.handle[op->slot].f, wbuf, op->len,
				     (loff_t)op->off);
		break;
	case OP_FREAD:
		o.io = kernel_pread(M.handle[op->slot].f, rbuf, op->len,
				    (loff_t)op->off);
		break;
	case OP_FTRUNCATE:
		o.err = vfs_ftruncate(M.handle[op->slot].f, op->len);
		break;
	case OP_FSTAT:
		o.err = vfs_fstat(M.handle[op->slot].f, st);
		break;
	case OP_PRUNE:
		dcache_prune(op->len);
		break;
	case OP_KINDS:
		break;
	}
	if (f && !o.err)
		file_put(f);
	return o;
}

/* ---- comparing ---------------------------------------------------------- */

/* Does the VFS's lstat of @path agree with model node @n?  Learns the
 * node's inode number the first time it sees it. */
static void compare_stat(const char *path, struct mnode *n,
			 const struct kstat *st)
{
	uint32_t nlink = mnode_nlink(n);

	if (n->is_dir && !S_ISDIR(st->mode))
		model_fail("%s: mode 0%o, model has a directory", path,
			   (unsigned)st->mode);
	if (!n->is_dir && !S_ISREG(st->mode))
		model_fail("%s: mode 0%o, model has a regular file", path,
			   (unsigned)st->mode);
	if ((st->mode & 07777) != n->mode)
		model_fail("%s: mode 0%o, model 0%o", path,
			   (unsigned)st->mode & 07777, (unsigned)n->mode);
	if (st->nlink != nlink)
		model_fail("%s: nlink %u, model %u", path,
			   (unsigned)st->nlink, (unsigned)nlink);
	if (!n->is_dir && st->size != n->size)
		model_fail("%s: size %llu, model %zu", path,
			   (unsigned long long)st->size, n->size);
	/* tmpfs stores the pages written to and no others: holes are free,
	 * shrinking frees what lies past the end. */
	if (!n->is_dir &&
	    st->blocks != (uint64_t)__builtin_popcountll(n->pages) * 8)
		model_fail("%s: %llu blocks, model %d pages (%#llx)", path,
			   (unsigned long long)st->blocks,
			   __builtin_popcountll(n->pages),
			   (unsigned long long)n->pages);
	if (!n->ino_known) {
		n->ino = st->ino;
		n->ino_known = true;
	} else if (st->ino != n->ino) {
		model_fail("%s: inode %llu, was %llu", path,
			   (unsigned long long)st->ino,
			   (unsigned long long)n->ino);
	}
}

/* stat @p on both sides: the same error, or the same attributes. */
static void check_path(const struct mpath *p)
{
	char path[MODEL_PATH_MAX];
	struct mnode *n = NULL;
	struct kstat st;
	int want, got;

	path_str(p, path, sizeof(path));
	want = model_lookup(p, &n);
	memset(&st, 0, sizeof(st));
	got = vfs_stat(&M.ctx, AT, path, 0, &st);
	if (want != got)
		model_fail("stat %s: vfs %d, model %d", path, got, want);
	if (!got)
		compare_stat(path, n, &st);
}

/* Reads all of open file @f and compares it with file node @n.  Returns
 * whether they differ, and how in @why. */
static bool file_data_differs(struct file *f, const struct mnode *n,
			      char *why, size_t len)
{
	size_t cap = n->size + 64, i;
	uint8_t *buf = malloc(cap);
	uint8_t tail[16];
	ssize_t got, past;

	assert_non_null(buf);
	got = kernel_pread(f, buf, cap, 0);
	past = kernel_pread(f, tail, sizeof(tail), (loff_t)n->size);
	if (got != (ssize_t)n->size) {
		snprintf(why, len, "pread gave %zd bytes, model size %zu", got,
			 n->size);
		goto differ;
	}
	for (i = 0; i < n->size; i++) {
		if (buf[i] != n->data[i]) {
			snprintf(why, len, "byte %zu is 0x%02x, model 0x%02x",
				 i, buf[i], n->data[i]);
			goto differ;
		}
	}
	free(buf);
	if (past != 0) {
		snprintf(why, len, "pread at EOF (%zu) gave %zd, want 0",
			 n->size, past);
		return true;
	}
	return false;

differ:
	free(buf);
	return true;
}

/* Reads the whole of @path and compares it with file node @n. */
static void check_contents(const char *path, const struct mnode *n)
{
	struct file *f;
	char why[128];
	bool differs;
	int err;

	err = vfs_open(&M.ctx, AT, path, O_RDONLY, 0, &f);
	if (err) {
		model_fail("open %s for reading: %d", path, err);
		return;
	}
	differs = file_data_differs(f, n, why, sizeof(why));
	file_put(f);
	if (differs)
		model_fail("%s: %s", path, why);
}

/* fstat and read an open handle: the file may have lost all its names. */
static void check_handle(int slot)
{
	struct mnode *n = M.handle[slot].node;
	char label[32], why[128];
	struct kstat st;
	int err;

	snprintf(label, sizeof(label), "handle %d", slot);
	err = vfs_fstat(M.handle[slot].f, &st);
	if (err)
		model_fail("fstat %s: %d", label, err);
	compare_stat(label, n, &st);
	if (file_data_differs(M.handle[slot].f, n, why, sizeof(why)))
		model_fail("%s: %s", label, why);
}

struct dirent_rec {
	char name[80];
	size_t len;
	uint64_t ino;
	unsigned type;
};

struct dir_list {
	struct dir_context ctx;
	struct dirent_rec ent[MODEL_DIRENTS];
	int n;
	bool overflow;
	int budget;		/* entries one call may take; 0: any */
	int taken;		/* in this call */
};

static bool dir_list_actor(struct dir_context *ctx, const char *name,
			   size_t len, uint64_t ino, unsigned type)
{
	struct dir_list *l = container_of(ctx, struct dir_list, ctx);
	struct dirent_rec *e;

	if (l->budget && l->taken == l->budget)
		return false;	/* "buffer full": comes first next time */
	l->taken++;
	if (l->n == MODEL_DIRENTS || len >= sizeof(e->name)) {
		l->overflow = true;
		return false;
	}
	e = &l->ent[l->n++];
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->len = len;
	e->ino = ino;
	e->type = type;
	return true;
}

/*
 * Lists @path: readdir until a call adds nothing.  Calls take all they
 * are given, or (in turn) only one, two or three entries, as a small
 * getdents() buffer would, so the directory's cursor has to resume at
 * the right entry.  0 or -errno; -E2BIG for more entries than a model
 * directory can have.
 */
static int dir_list_read(const char *path, struct dir_list *l)
{
	struct file *f;
	int err, round, before;

	memset(l, 0, sizeof(*l));
	l->ctx.actor = dir_list_actor;
	l->budget = (int)(M.readdir_turn++ % 4);
	err = vfs_open(&M.ctx, AT, path, O_RDONLY | O_DIRECTORY, 0, &f);
	if (err)
		return err;
	for (round = 0; round < 4 * MODEL_DIRENTS; round++) {
		before = l->n;
		l->taken = 0;
		err = vfs_readdir(f, &l->ctx);
		if (err || l->overflow || l->n == before)
			break;
	}
	file_put(f);
	if (l->overflow)
		return -E2BIG;
	return err;
}

static void ino_list_add(struct ino_list *il, const struct mnode *n)
{
	if (il->n == il->cap) {
		il->cap = il->cap ? 2 * il->cap : 64;
		il->rec = realloc(il->rec, il->cap * sizeof(*il->rec));
		assert_non_null(il->rec);
	}
	il->rec[il->n].ino = n->ino;
	il->rec[il->n].node = n;
	il->n++;
}

static int ino_rec_cmp(const void *x, const void *y)
{
	const struct ino_rec *a = x, *b = y;

	return a->ino < b->ino ? -1 : a->ino > b->ino;
}

static int name_index(const struct dirent_rec *e)
{
	int i;

	for (i = 0; i < MODEL_NAMES; i++)
		if (strlen(model_names[i]) == e->len &&
		    !memcmp(model_names[i], e->name, e->len))
			return i;
	return -1;
}

/* Compares directory @path (already stat()ed against @d) and everything
 * below it with the model. */
static void walk_dir(char *path, struct mnode *d, struct ino_list *il)
{
	size_t plen = strlen(path);
	bool seen[MODEL_NAMES] = { false };
	int dots = 0, dotdots = 0, names = 0, want = 0;
	struct dir_list l;
	int err, i;

	err = dir_list_read(path, &l);
	if (err)
		model_fail("readdir %s: %d", path, err);
	for (i = 0; i < l.n; i++) {
		const struct dirent_rec *e = &l.ent[i];
		int k;

		if (!strcmp(e->name, ".") || !strcmp(e->name, "..")) {
			bool dot = e->len == 1;
			const struct mnode *t = dot ? d : d->parent;

			dots += dot;
			dotdots += !dot;
			if (e->type != DT_DIR || e->ino != t->ino)
				model_fail("readdir %s: \"%s\" type %u ino "
					   "%llu, want %u %llu", path, e->name,
					   e->type, (unsigned long long)e->ino,
					   DT_DIR,
					   (unsigned long long)t->ino);
			continue;
		}
		k = name_index(e);
		if (k < 0 || seen[k] || !d->child[k])
			model_fail("readdir %s: unexpected %s\"%s\"", path,
				   k >= 0 && seen[k] ? "second " : "",
				   e->name);
		seen[k] = true;
		names++;
	}
	for (i = 0; i < MODEL_NAMES; i++)
		want += d->child[i] != NULL;
	if (dots != 1 || dotdots != 1 || names != want)
		model_fail("readdir %s: %d \".\", %d \"..\", %d names; model "
			   "has %d names", path, dots, dotdots, names, want);

	for (i = 0; i < l.n; i++) {
		const struct dirent_rec *e = &l.ent[i];
		struct mnode *c;
		struct kstat st;
		int k = name_index(e);

		if (k < 0)
			continue;
		c = d->child[k];
		snprintf(path + plen, MODEL_PATH_MAX - plen, "%s%s",
			 plen > 1 ? "/" : "", e->name);
		err = vfs_stat(&M.ctx, AT, path, 0, &st);
		if (err)
			model_fail("stat %s (listed by readdir): %d", path,
				   err);
		compare_stat(path, c, &st);
		if (e->ino != st.ino || e->type != mode_to_dtype(st.mode))
			model_fail("readdir %s: \"%s\" ino %llu type %u, stat "
				   "says %llu %u", path, e->name,
				   (unsigned long long)e->ino, e->type,
				   (unsigned long long)st.ino,
				   mode_to_dtype(st.mode));
		ino_list_add(il, c);
		if (c->is_dir)
			walk_dir(path, c, il);
		else
			check_contents(path, c);
		path[plen] = '\0';
	}
}

/* The full comparison of the real tree with the model. */
static void check_tree(void)
{
	char path[MODEL_PATH_MAX] = "/";
	struct ino_list *il = &M.inos;
	struct kstat st;
	int err, slot;
	size_t i;

	err = vfs_stat(&M.ctx, AT, path, 0, &st);
	if (err)
		model_fail("stat /: %d", err);
	compare_stat(path, M.root, &st);
	il->n = 0;
	ino_list_add(il, M.root);
	walk_dir(path, M.root, il);
	for (slot = 0; slot < MODEL_HANDLES; slot++) {
		if (!M.handle[slot].node)
			continue;
		check_handle(slot);
		ino_list_add(il, M.handle[slot].node);
	}

	qsort(il->rec, il->n, sizeof(*il->rec), ino_rec_cmp);
	for (i = 1; i < il->n; i++)
		if (il->rec[i].ino == il->rec[i - 1].ino &&
		    il->rec[i].node != il->rec[i - 1].node)
			model_fail("inode %llu belongs to two different files",
				   (unsigned long long)il->rec[i].ino);
}

/* ---- generating operations ---------------------------------------------- */

/* What a steered path should preferably end in. */
enum want { WANT_ANY, WANT_FILE, WANT_DIR };

/* A random existing child of @d of the kind wanted, or -1. */
static int pick_child(const struct mnode *d, enum want want)
{
	int idx[MODEL_NAMES], n = 0, i;

	for (i = 0; i < MODEL_NAMES; i++) {
		const struct mnode *c = d->child[i];

		if (c && (want == WANT_ANY || c->is_dir == (want == WANT_DIR)))
			idx[n++] = i;
	}
	return n ? idx[rng() % n] : -1;
}

/* Reservoir-samples, into *out, one name below @d of the kind wanted;
 * *seen counts the candidates so far. */
static void sample_name(const struct mnode *d, struct mpath *cur,
			enum want want, struct mpath *out, unsigned *seen)
{
	int i;

	for (i = 0; i < MODEL_NAMES; i++) {
		const struct mnode *c = d->child[i];

		if (!c)
			continue;
		cur->comp[cur->n++] = i;
		if ((want == WANT_ANY || c->is_dir == (want == WANT_DIR)) &&
		    rng() % ++*seen == 0)
			*out = *cur;
		if (c->is_dir)
			sample_name(c, cur, want, out, seen);
		cur->n--;
	}
}

/*
 * A path for an operation.  A steered one is an existing name of the
 * kind @want (anywhere in the tree) or, when any kind will do, sometimes
 * a sibling of one, which is usually free; the others are one to three
 * names from the pool that now and then walk through existing
 * directories and mostly miss.  Then, as the mix says, a "." or ".."
 * goes between two names, a slash at the end, or the path becomes "/"
 * or ends in "." or "..".
 */
static void gen_path(struct mpath *p, const struct mix *mix, enum want want)
{
	const struct mnode *d = M.root;
	struct mpath cur = { 0, { 0 }, false };
	unsigned seen = 0;
	int depth, i;

	if (rng() % 100 < mix->steer_pct) {
		sample_name(M.root, &cur, want, p, &seen);
		if (seen) {
			if (want == WANT_ANY && rng() % 3 == 0)
				p->comp[p->n - 1] = (int)(rng() % MODEL_NAMES);
			goto special;
		}
	}
	depth = 1 + (int)(rng() % MODEL_GEN_DEPTH);
	for (i = 0; i < depth; i++) {
		int c = (int)(rng() % MODEL_NAMES);

		if (d && d->is_dir && i < depth - 1 && rng() % 2) {
			int pick = pick_child(d, WANT_DIR);

			if (pick >= 0)
				c = pick;
		}
		p->comp[i] = c;
		d = d && d->is_dir ? d->child[c] : NULL;
	}
	p->n = depth;
special:
	p->slash = false;
	if (p->n > 0 && p->n <= MODEL_TREE_DEPTH &&
	    rng() % 100 < mix->dotdir_pct) {
		/* "." or ".." before one of the names: "/a/../b" */
		int at = (int)(rng() % (unsigned)p->n);

		memmove(&p->comp[at + 1], &p->comp[at],
			(size_t)(p->n - at) * sizeof(p->comp[0]));
		p->comp[at] = rng() % 2 ? MODEL_DOT : MODEL_DOTDOT;
		p->n++;
	}
	if (rng() % 100 < mix->slash_pct && p->n > 0 &&
	    path_last_type(p) == LAST_IS_NORM)
		p->slash = true;
	if (rng() % 100 >= mix->special_pct)
		return;
	p->slash = false;
	switch (rng() % 3) {
	case 0:
		p->n = 0;
		break;
	default:
		if (p->n < MODEL_GEN_DEPTH && rng() % 2)
			p->n++;
		p->comp[p->n - 1] = rng() % 2 ? MODEL_DOT : MODEL_DOTDOT;
		break;
	}
}

/* Every path (up to @max) under @d that names @target. */
static void find_names(const struct mnode *d, struct mpath *cur,
		       const struct mnode *target, struct mpath *out, int *n,
		       int max)
{
	int i;

	for (i = 0; i < MODEL_NAMES && *n < max; i++) {
		const struct mnode *c = d->child[i];

		if (!c)
			continue;
		cur->comp[cur->n++] = i;
		if (c == target)
			out[(*n)++] = *cur;
		else if (c->is_dir && cur->n < MODEL_TREE_DEPTH)
			find_names(c, cur, target, out, n, max);
		cur->n--;
	}
}

/* The second path of a link or rename: often the same name, a name
 * inside the first, one of its ancestors, or another hard link. */
static void gen_target(struct op *op, const struct mix *mix)
{
	const struct mpath *a = &op->a;
	struct mpath *b = &op->b;
	unsigned r = rng() % 100;
	struct mnode *n;

	if (r >= mix->related_pct) {
		gen_path(b, mix, WANT_ANY);
		return;
	}
	switch (r % 4) {
	case 0:
		*b = *a;
		return;
	case 1:
		if (a->n > 0 && a->n < MODEL_GEN_DEPTH &&
		    path_last_type(a) == LAST_IS_NORM) {
			*b = *a;
			b->comp[b->n++] = (int)(rng() % MODEL_NAMES);
			return;
		}
		break;
	case 2:
		if (a->n > 1) {
			*b = *a;
			b->n = 1 + (int)(rng() % (unsigned)(a->n - 1));
			return;
		}
		break;
	case 3:
		if (!model_lookup(a, &n) && !n->is_dir && n->nlink > 1) {
			struct mpath names[8], cur = { 0, { 0 }, false };
			int count = 0;

			find_names(M.root, &cur, n, names, &count, 8);
			if (count) {
				*b = names[rng() % (unsigned)count];
				return;
			}
		}
		break;
	}
	gen_path(b, mix, WANT_ANY);
}

/* Would this rename, if it worked, nest the tree deeper than the model
 * can name?  Depth is bounded so paths stay short. */
static bool rename_too_deep(const struct op *op)
{
	struct mnode *p1, *p2, *old = NULL, *new = NULL;

	if (model_parent(&op->a, &p1) || model_parent(&op->b, &p2) ||
	    path_last_type(&op->a) != LAST_IS_NORM ||
	    path_last_type(&op->b) != LAST_IS_NORM)
		return false;
	old = p1->child[path_last(&op->a)];
	new = p2->child[path_last(&op->b)];
	if (old && mnode_depth(p2) + mnode_height(old) > MODEL_TREE_DEPTH)
		return true;
	return new && mnode_depth(p1) + mnode_height(new) > MODEL_TREE_DEPTH;
}

static uint64_t gen_offset_any(size_t size)
{
	switch (rng() % 6) {
	case 0:
		return 0;
	case 1:
		return size;
	case 2:
		return rng() % (size + 1);
	case 3:
		return size + rng() % (2 * MODEL_PAGE);	/* leaves a hole */
	case 4:
		return (rng() % 6) * MODEL_PAGE;
	default:					/* straddles a page */
		return (1 + rng() % 5) * MODEL_PAGE - 1 - rng() % 8;
	}
}

static uint64_t gen_length(void)
{
	switch (rng() % 5) {
	case 0:
		return rng() % 4;
	case 1:
		return rng() % 64;
	case 2:
		return MODEL_PAGE;
	case 3:
		return rng() % (3 * MODEL_PAGE + 1);
	default:
		return rng() % MODEL_PAGE;
	}
}

static uint64_t gen_truncate_any(size_t size)
{
	switch (rng() % 7) {
	case 0:
		return 0;
	case 1:
		return size / 2;
	case 2:
		return size ? size - 1 : 0;
	case 3:
		return size + 1 + rng() % MODEL_PAGE;
	case 4:
		return (rng() % 7) * MODEL_PAGE;
	case 5:
		return (1 + rng() % 6) * MODEL_PAGE + 1 - rng() % 3;
	default:
		return rng() % (6 * MODEL_PAGE);
	}
}

/* Offsets and sizes stay below MODEL_FILE_PAGES pages. */
static uint64_t gen_offset(size_t size)
{
	return gen_offset_any(size) % (MODEL_FILE_PAGES * MODEL_PAGE);
}

static uint64_t gen_truncate_size(size_t size)
{
	return gen_truncate_any(size) % (MODEL_FILE_PAGES * MODEL_PAGE);
}

static enum op_kind gen_kind(const struct mix *mix)
{
	unsigned total = 0, r;
	int k;

	for (k = 0; k < OP_KINDS; k++)
		total += mix->weight[k];
	r = (unsigned)(rng() % total);
	for (k = 0; k < OP_KINDS; k++) {
		if (r < mix->weight[k])
			return (enum op_kind)k;
		r -= mix->weight[k];
	}
	return OP_STAT;
}

static unsigned gen_rename_flags(const struct mix *mix)
{
	unsigned r = rng() % 100;

	if (r < mix->badflags_pct)
		return rng() % 2 ? RENAME_NOREPLACE | RENAME_EXCHANGE : 1u << 7;
	r -= mix->badflags_pct;
	if (r < mix->noreplace_pct)
		return RENAME_NOREPLACE;
	r -= mix->noreplace_pct;
	if (r < mix->exchange_pct)
		return RENAME_EXCHANGE;
	return 0;
}

static bool is_handle_op(enum op_kind kind)
{
	return kind >= OP_FOPEN && kind <= OP_FSTAT;
}

/* A handle operation on an open slot; fopen takes a free one (or turns
 * into fclose when all are taken), the rest turn into fopen when none is
 * open. */
static void gen_handle_op(struct op *op)
{
	int used[MODEL_HANDLES], nused = 0, free_slot = -1, i;
	size_t size;

	for (i = 0; i < MODEL_HANDLES; i++) {
		if (M.handle[i].node)
			used[nused++] = i;
		else if (free_slot < 0)
			free_slot = i;
	}
	if (op->kind == OP_FOPEN && free_slot < 0)
		op->kind = OP_FCLOSE;
	else if (op->kind != OP_FOPEN && !nused)
		op->kind = OP_FOPEN;
	if (op->kind == OP_FOPEN) {
		op->slot = free_slot;
		op->oflags = O_RDWR;
		if (rng() % 3 == 0)
			op->oflags |= O_CREAT;
		if (rng() % 4 == 0)
			op->oflags |= O_TRUNC;
		return;
	}
	op->slot = used[rng() % (unsigned)nused];
	size = M.handle[op->slot].node->size;
	switch (op->kind) {
	case OP_FWRITE:
		op->off = gen_offset(size);
		op->len = gen_length();
		break;
	case OP_FREAD:
		op->off = rng() % (size + 1);
		op->len = rng() % 4 ? gen_length() : size + MODEL_PAGE;
		break;
	case OP_FTRUNCATE:
		op->len = gen_truncate_size(size);
		break;
	default:
		break;
	}
}

static void gen_op(struct op *op, const struct mix *mix)
{
	struct mnode *n;
	size_t size = 0;
	int tries;

	static const enum want wants[OP_KINDS] = {
		[OP_OPEN_TRUNC] = WANT_FILE, [OP_WRITE] = WANT_FILE,
		[OP_READ] = WANT_FILE, [OP_TRUNCATE] = WANT_FILE,
		[OP_LINK] = WANT_FILE, [OP_UNLINK] = WANT_FILE,
		[OP_RMDIR] = WANT_DIR, [OP_FOPEN] = WANT_FILE,
	};

	memset(op, 0, sizeof(*op));
	op->kind = gen_kind(mix);
	op->fail_after = -1;
	if (rng() % 100 < mix->fail_pct)
		op->fail_after = (long)(rng() % 8);
	gen_path(&op->a, mix, wants[op->kind]);
	if (!model_lookup(&op->a, &n) && !n->is_dir)
		size = n->size;
	switch (op->kind) {
	case OP_CREATE:
		op->oflags = O_CREAT | (rng() % 2 ? O_WRONLY : O_RDWR);
		if (rng() % 3 == 0)
			op->oflags |= O_EXCL;
		if (rng() % 3 == 0)
			op->oflags |= O_TRUNC;
		break;
	case OP_OPEN_TRUNC:
		op->oflags = O_TRUNC | (rng() % 2 ? O_WRONLY : O_RDWR);
		break;
	case OP_WRITE:
		op->oflags = rng() % 2 ? O_WRONLY : O_RDWR;
		op->off = gen_offset(size);
		op->len = gen_length();
		break;
	case OP_READ:
		op->oflags = O_RDONLY;
		op->off = rng() % 4 ? rng() % (size + 1) : gen_offset(size);
		op->len = rng() % 4 ? gen_length() : size + MODEL_PAGE;
		break;
	case OP_TRUNCATE:
		op->len = gen_truncate_size(size);
		break;
	case OP_LINK:
		gen_target(op, mix);
		break;
	case OP_RENAME:
		op->rflags = gen_rename_flags(mix);
		for (tries = 0; tries < 8; tries++) {
			gen_target(op, mix);
			if (!rename_too_deep(op))
				return;
		}
		op->kind = OP_STAT;
		break;
	case OP_FOPEN:
	case OP_FCLOSE:
	case OP_FWRITE:
	case OP_FREAD:
	case OP_FTRUNCATE:
	case OP_FSTAT:
		gen_handle_op(op);
		break;
	case OP_PRUNE:
		op->len = rng() % 2 ? 1 + rng() % 16 : 1u << 30;
		break;
	default:
		break;
	}
}

static void describe(const struct op *op, char *buf, size_t size)
{
	char a[MODEL_PATH_MAX], b[MODEL_PATH_MAX];
	int f = op->oflags;

	path_str(&op->a, a, sizeof(a));
	path_str(&op->b, b, sizeof(b));
	switch (op->kind) {
	case OP_CREATE:
	case OP_OPEN_TRUNC:
		snprintf(buf, size, "%s %s %s%s%s%s", op_names[op->kind], a,
			 (f & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_WRONLY",
			 f & O_CREAT ? "|O_CREAT" : "",
			 f & O_EXCL ? "|O_EXCL" : "",
			 f & O_TRUNC ? "|O_TRUNC" : "");
		break;
	case OP_WRITE:
	case OP_READ:
		snprintf(buf, size, "%s %s off %llu len %llu",
			 op_names[op->kind], a, (unsigned long long)op->off,
			 (unsigned long long)op->len);
		break;
	case OP_TRUNCATE:
		snprintf(buf, size, "truncate %s to %llu", a,
			 (unsigned long long)op->len);
		break;
	case OP_LINK:
		snprintf(buf, size, "link %s -> %s", a, b);
		break;
	case OP_RENAME:
		snprintf(buf, size, "rename %s -> %s flags %s", a, b,
			 op->rflags == 0 ? "0" :
			 op->rflags == RENAME_NOREPLACE ? "NOREPLACE" :
			 op->rflags == RENAME_EXCHANGE ? "EXCHANGE" :
			 op->rflags == (RENAME_NOREPLACE | RENAME_EXCHANGE) ?
			 "NOREPLACE|EXCHANGE" : "bogus (1<<7)");
		break;
	case OP_FOPEN:
		snprintf(buf, size, "fopen #%d %s O_RDWR%s%s", op->slot, a,
			 f & O_CREAT ? "|O_CREAT" : "",
			 f & O_TRUNC ? "|O_TRUNC" : "");
		break;
	case OP_FWRITE:
	case OP_FREAD:
		snprintf(buf, size, "%s #%d off %llu len %llu",
			 op_names[op->kind], op->slot,
			 (unsigned long long)op->off,
			 (unsigned long long)op->len);
		break;
	case OP_FTRUNCATE:
		snprintf(buf, size, "ftruncate #%d to %llu", op->slot,
			 (unsigned long long)op->len);
		break;
	case OP_FCLOSE:
	case OP_FSTAT:
		snprintf(buf, size, "%s #%d", op_names[op->kind], op->slot);
		break;
	case OP_PRUNE:
		snprintf(buf, size, "prune up to %llu unused dentries",
			 (unsigned long long)op->len);
		break;
	default:
		snprintf(buf, size, "%s %s", op_names[op->kind], a);
		break;
	}
	if (op->fail_after >= 0) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, " [allocation %ld fails]",
			 op->fail_after);
	}
}

/* ---- running ------------------------------------------------------------ */

static void record(const struct op *op, const struct outcome *o)
{
	int slot = o->err ? -o->err : o->io < 0 ? (int)-o->io : 0;

	if (slot < 0 || slot >= MODEL_STAT_SLOTS)
		slot = MODEL_STAT_SLOTS - 1;
	M.outcomes[op->kind][slot]++;
}

static void run_op(const struct op *op)
{
	char *log = M.log[M.step % MODEL_LOG];
	uint8_t *wbuf = NULL, *rbuf = NULL;
	struct outcome want, got;
	struct mnode *node;
	struct mpath parent;
	struct kstat st;
	size_t len, i;

	describe(op, log, MODEL_DESC_MAX);
	if (op->kind == OP_WRITE || op->kind == OP_FWRITE) {
		wbuf = malloc(op->len + 1);
		assert_non_null(wbuf);
		for (i = 0; i < op->len; i++)
			wbuf[i] = (uint8_t)rng();
	}
	if (op->kind == OP_READ || op->kind == OP_FREAD) {
		rbuf = malloc(op->len + 1);
		assert_non_null(rbuf);
	}
	/*
	 * The VFS first, so that an injected allocation failure can decide
	 * what the model does: -ENOMEM must leave everything as it was (the
	 * checks below and the next walk hold it to that), a short write
	 * must have written what it says.
	 */
	if (op->fail_after >= 0)
		shim_fail_allocations_after(op->fail_after);
	got = vfs_apply(op, wbuf, rbuf, &st);
	if (op->fail_after >= 0)
		shim_fail_allocations_after(-1);
	if (op->fail_after >= 0 &&
	    (got.err == -ENOMEM || got.io == -ENOMEM)) {
		M.enomem_steps++;
		want = got;
		node = NULL;
	} else {
		struct op mop = *op;

		if (op->fail_after >= 0 && got.io >= 0 &&
		    (size_t)got.io < op->len &&
		    (op->kind == OP_WRITE || op->kind == OP_FWRITE))
			mop.len = (uint64_t)got.io;
		want = model_apply(&mop, wbuf, &node);
	}
	free(wbuf);
	len = strlen(log);
	snprintf(log + len, MODEL_DESC_MAX - len, ": model %d/%zd, vfs %d/%zd",
		 want.err, want.io, got.err, got.io);
	if (M.trace)
		print_message("%5u %s\n", M.step, log);
	record(op, &want);

	if (want.err != got.err || want.io != got.io) {
		free(rbuf);
		model_fail("%s", log);
		return;
	}
	if ((op->kind == OP_READ || op->kind == OP_FREAD) && want.io > 0 &&
	    memcmp(rbuf, node->data + op->off, (size_t)want.io)) {
		free(rbuf);
		model_fail("%s: bytes read differ from the model", log);
		return;
	}
	free(rbuf);

	if (is_handle_op(op->kind) && M.handle[op->slot].node)
		check_handle(op->slot);
	if ((is_handle_op(op->kind) && op->kind != OP_FOPEN) ||
	    op->kind == OP_PRUNE)
		return;
	/* The names this step touched, and their directories. */
	check_path(&op->a);
	path_parent(&op->a, &parent);
	check_path(&parent);
	if (op->kind == OP_LINK || op->kind == OP_RENAME) {
		check_path(&op->b);
		path_parent(&op->b, &parent);
		check_path(&parent);
	}
	if (!want.err && (op->kind == OP_WRITE || op->kind == OP_TRUNCATE ||
			  op->kind == OP_OPEN_TRUNC)) {
		char path[MODEL_PATH_MAX];

		path_str(&op->a, path, sizeof(path));
		model_lookup(&op->a, &node);
		check_contents(path, node);
	}
}

/* Removes everything below @d, deepest first, as ordinary steps. */
static void remove_below(struct mpath *p, struct mnode *d)
{
	int i;

	for (i = 0; i < MODEL_NAMES; i++) {
		struct mnode *c = d->child[i];
		struct op op;

		if (!c)
			continue;
		p->comp[p->n++] = i;
		if (c->is_dir)
			remove_below(p, c);
		memset(&op, 0, sizeof(op));
		op.kind = c->is_dir ? OP_RMDIR : OP_UNLINK;
		op.a = *p;
		op.fail_after = -1;
		M.step++;
		run_op(&op);
		p->n--;
	}
}

static void print_stats(void)
{
	int k, e;

	print_message("%s: outcomes over %u steps (0 = success, else "
		      "errno: count)\n", M.test, M.steps);
	for (k = 0; k < OP_KINDS; k++) {
		char line[512];
		size_t len = 0;

		for (e = 0; e < MODEL_STAT_SLOTS; e++)
			if (M.outcomes[k][e])
				len += snprintf(line + len, sizeof(line) - len,
						" %d:%lu", e, M.outcomes[k][e]);
		line[len] = '\0';
		print_message("  %-10s%s\n", op_names[k], line);
	}
}

static unsigned long long env_number(const char *name,
				     unsigned long long dflt)
{
	const char *s = getenv(name);
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return dflt;
	v = strtoull(s, &end, 0);
	if (*end) {
		print_error("ignoring %s=%s: not a number\n", name, s);
		return dflt;
	}
	return v;
}

/*
 * One property run: @steps random operations from @seed with weights
 * @mix, compared step by step and walk by walk, then the tree is emptied
 * through the VFS.  M.outcomes then holds how often each result came up,
 * for the test to check that the run exercised what it is named for.
 */
static void model_run(const char *test, uint64_t seed, unsigned steps,
		      const struct mix *mix)
{
	struct mpath root = { 0, { 0 }, false };
	struct kstat st;
	struct op op;
	int slot;

	M.test = test;
	M.seed = env_number("BASALT_MODEL_SEED", seed);
	M.steps = (unsigned)env_number("BASALT_MODEL_STEPS", steps);
	M.replay = M.seed != seed || M.steps != steps;
	M.check_every = (unsigned)env_number("BASALT_MODEL_CHECK_EVERY",
					     MODEL_CHECK_EVERY);
	if (!M.check_every)
		M.check_every = 1;
	M.trace = env_number("BASALT_MODEL_TRACE", 0);
	M.stats = env_number("BASALT_MODEL_STATS", 0);
	rng_seed(M.seed);

	M.root = mnode_new(true, NULL);
	/* The root's mode is the mount's choice (the shim mounts "/" 0755,
	 * as Linux's rootfs); take it as found. */
	assert_int_equal(vfs_stat(&M.ctx, AT, "/", 0, &st), 0);
	M.root->mode = st.mode & 07777;
	snprintf(M.log[0], MODEL_DESC_MAX, "(initial check)");
	check_tree();
	for (M.step = 1; M.step <= M.steps; M.step++) {
		gen_op(&op, mix);
		run_op(&op);
		if (M.step % M.check_every == 0) {
			check_tree();
			M.last_check = M.step;
		}
	}
	M.step = M.steps;
	check_tree();
	M.last_check = M.step;
	/* Names first, so the handles still open hold the last references
	 * to unlinked files; then the handles. */
	remove_below(&root, M.root);
	for (slot = 0; slot < MODEL_HANDLES; slot++) {
		if (!M.handle[slot].node)
			continue;
		memset(&op, 0, sizeof(op));
		op.kind = OP_FCLOSE;
		op.slot = slot;
		op.fail_after = -1;
		M.step++;
		run_op(&op);
	}
	check_tree();
	if (M.stats)
		print_stats();
}

/*
 * Did the run produce outcome @err (0 or -errno) of @kind at least once?
 * Only the built-in seeds promise that; a replay with another seed or
 * length is checked for agreement alone.
 */
static void assert_seen(enum op_kind kind, int err)
{
	if (!M.replay && !M.outcomes[kind][-err])
		fail_msg("%s: %s never gave %d in %u steps (seed 0x%llx): the "
			 "generator no longer reaches it", M.test,
			 op_names[kind], err, M.steps,
			 (unsigned long long)M.seed);
}

/* Like assert_seen(), for the counters that are not outcomes. */
static void assert_happened(const char *what, unsigned long count)
{
	if (!M.replay && !count)
		fail_msg("%s: no %s in %u steps (seed 0x%llx): the generator "
			 "no longer reaches it", M.test, what, M.steps,
			 (unsigned long long)M.seed);
}

/* ---- fixtures and tests ------------------------------------------------- */

/* Empties whatever the VFS holds, ignoring errors: after a failed run the
 * model cannot be trusted to know. */
static void real_remove_below(char *path, int depth)
{
	size_t plen = strlen(path);
	struct dir_list l;
	struct kstat st;
	int i;

	if (depth > 2 * MODEL_TREE_DEPTH || dir_list_read(path, &l))
		return;
	for (i = 0; i < l.n; i++) {
		if (!strcmp(l.ent[i].name, ".") || !strcmp(l.ent[i].name, ".."))
			continue;
		snprintf(path + plen, MODEL_PATH_MAX - plen, "%s%s",
			 plen > 1 ? "/" : "", l.ent[i].name);
		if (!vfs_stat(&M.ctx, AT, path, 0, &st)) {
			if (S_ISDIR(st.mode)) {
				real_remove_below(path, depth + 1);
				vfs_rmdir(&M.ctx, AT, path);
			} else {
				vfs_unlink(&M.ctx, AT, path);
			}
		}
		path[plen] = '\0';
	}
}

static int model_setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	shim_vfs_setup();
	vfs_ctx_init_kernel(&M.ctx);
	M.ctx_live = true;
	return 0;
}

static int model_teardown(void **state)
{
	char path[MODEL_PATH_MAX] = "/";
	int slot;

	(void)state;
	for (slot = 0; slot < MODEL_HANDLES; slot++) {
		if (M.handle[slot].f)
			file_put(M.handle[slot].f);
		if (M.handle[slot].node)
			mnode_close(M.handle[slot].node);
		M.handle[slot].f = NULL;
		M.handle[slot].node = NULL;
	}
	if (M.ctx_live) {
		real_remove_below(path, 0);
		vfs_ctx_release(&M.ctx);
		M.ctx_live = false;
	}
	if (M.root) {
		mnode_free_tree(M.root);
		M.root = NULL;
	}
	free(M.inos.rec);
	M.inos.rec = NULL;
	shim_vfs_teardown();
	return 0;
}

/* Every operation, the namespace ones a little more often. */
static const struct mix mix_balanced = {
	.weight = {
		[OP_CREATE] = 10, [OP_OPEN_TRUNC] = 3, [OP_WRITE] = 10,
		[OP_READ] = 5, [OP_TRUNCATE] = 5, [OP_LINK] = 8,
		[OP_UNLINK] = 8, [OP_RENAME] = 14, [OP_MKDIR] = 10,
		[OP_RMDIR] = 7, [OP_STAT] = 4, [OP_FOPEN] = 3,
		[OP_FCLOSE] = 2, [OP_FWRITE] = 3, [OP_FREAD] = 2,
		[OP_FTRUNCATE] = 2, [OP_FSTAT] = 1, [OP_PRUNE] = 2,
	},
	.special_pct = 4, .steer_pct = 60, .related_pct = 25,
	.dotdir_pct = 3, .slash_pct = 3,
	.noreplace_pct = 15, .exchange_pct = 15, .badflags_pct = 2,
};

static void model_mixed_ops_match_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x6d6f64656c2d3031ull, 6000, &mix_balanced);
	assert_seen(OP_CREATE, 0);
	assert_seen(OP_RENAME, 0);
	assert_seen(OP_RENAME, -ENOTEMPTY);
	assert_seen(OP_RMDIR, -ENOTEMPTY);
	assert_seen(OP_LINK, -EPERM);
	assert_seen(OP_UNLINK, -EISDIR);
	assert_seen(OP_MKDIR, -ENOTDIR);
}

static void model_long_mixed_run_matches_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x1f2e3d4c5b6a7988ull, 8000, &mix_balanced);
	assert_seen(OP_WRITE, 0);
	assert_seen(OP_TRUNCATE, -EISDIR);
	assert_seen(OP_RENAME, -EINVAL);
}

/* Writes, reads, truncates and O_TRUNC over few names: holes, page
 * boundaries, growing and shrinking, data shared by hard links and by
 * open handles, files that live on unlinked while open. */
static const struct mix mix_file_data = {
	.weight = {
		[OP_CREATE] = 8, [OP_OPEN_TRUNC] = 4, [OP_WRITE] = 20,
		[OP_READ] = 10, [OP_TRUNCATE] = 10, [OP_LINK] = 4,
		[OP_UNLINK] = 6, [OP_RENAME] = 4, [OP_MKDIR] = 2,
		[OP_RMDIR] = 1, [OP_STAT] = 2, [OP_FOPEN] = 5,
		[OP_FCLOSE] = 3, [OP_FWRITE] = 10, [OP_FREAD] = 5,
		[OP_FTRUNCATE] = 5, [OP_FSTAT] = 2,
	},
	.special_pct = 2, .steer_pct = 85, .related_pct = 30,
	.dotdir_pct = 0, .slash_pct = 2,
	.noreplace_pct = 10, .exchange_pct = 10, .badflags_pct = 0,
};

static void model_file_data_matches_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x646174612d303032ull, 5000, &mix_file_data);
	assert_seen(OP_WRITE, 0);
	assert_seen(OP_READ, 0);
	assert_seen(OP_READ, -EISDIR);
	assert_seen(OP_TRUNCATE, 0);
	assert_seen(OP_OPEN_TRUNC, 0);
	assert_seen(OP_WRITE, -EISDIR);
	assert_seen(OP_FWRITE, 0);
	assert_seen(OP_FTRUNCATE, 0);
	assert_happened("handle use after the last unlink", M.orphan_ops);
}

/* Hard links: link, unlink and rename between names of one inode, with
 * handles open on some of them. */
static const struct mix mix_links = {
	.weight = {
		[OP_CREATE] = 10, [OP_WRITE] = 8, [OP_READ] = 2,
		[OP_TRUNCATE] = 3, [OP_LINK] = 25, [OP_UNLINK] = 15,
		[OP_RENAME] = 20, [OP_MKDIR] = 6, [OP_RMDIR] = 4,
		[OP_STAT] = 4, [OP_FOPEN] = 3, [OP_FCLOSE] = 2,
		[OP_FWRITE] = 2, [OP_FSTAT] = 2,
	},
	.special_pct = 3, .steer_pct = 80, .related_pct = 45,
	.dotdir_pct = 0, .slash_pct = 2,
	.noreplace_pct = 15, .exchange_pct = 15, .badflags_pct = 0,
};

static void model_hard_links_match_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x6c696e6b2d303033ull, 6000, &mix_links);
	assert_seen(OP_LINK, 0);
	assert_seen(OP_LINK, -EEXIST);
	assert_seen(OP_LINK, -EPERM);
	assert_seen(OP_UNLINK, 0);
	assert_seen(OP_RENAME, 0);
	assert_seen(OP_FSTAT, 0);
	assert_happened("handle use after the last unlink", M.orphan_ops);
}

/* Plain renames: file over file, directory over (non-)empty directory,
 * across directories, into the own subtree, onto an ancestor. */
static const struct mix mix_renames = {
	.weight = {
		[OP_CREATE] = 10, [OP_WRITE] = 4, [OP_LINK] = 4,
		[OP_UNLINK] = 4, [OP_RENAME] = 40, [OP_MKDIR] = 14,
		[OP_RMDIR] = 4, [OP_STAT] = 2, [OP_PRUNE] = 2,
	},
	.special_pct = 2, .steer_pct = 75, .related_pct = 35,
	.dotdir_pct = 3, .slash_pct = 5,
	.noreplace_pct = 0, .exchange_pct = 0, .badflags_pct = 0,
};

static void model_renames_match_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x72656e6d2d303034ull, 6000, &mix_renames);
	assert_seen(OP_RENAME, 0);
	assert_seen(OP_RENAME, -EINVAL);
	assert_seen(OP_RENAME, -ENOTEMPTY);
	assert_seen(OP_RENAME, -EISDIR);
	assert_seen(OP_RENAME, -ENOTDIR);
	assert_seen(OP_RENAME, -ENOENT);
}

/* RENAME_NOREPLACE and RENAME_EXCHANGE, including a file swapped with a
 * directory and directories swapped across parents. */
static const struct mix mix_rename_flags = {
	.weight = {
		[OP_CREATE] = 10, [OP_WRITE] = 3, [OP_LINK] = 4,
		[OP_UNLINK] = 3, [OP_RENAME] = 40, [OP_MKDIR] = 12,
		[OP_RMDIR] = 3, [OP_STAT] = 2,
	},
	.special_pct = 3, .steer_pct = 80, .related_pct = 35,
	.dotdir_pct = 0, .slash_pct = 15,
	.noreplace_pct = 40, .exchange_pct = 50, .badflags_pct = 3,
};

static void model_rename_noreplace_and_exchange_match_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x786368672d303035ull, 6000, &mix_rename_flags);
	assert_seen(OP_RENAME, 0);
	assert_seen(OP_RENAME, -EEXIST);
	assert_seen(OP_RENAME, -ENOENT);
	assert_seen(OP_RENAME, -EINVAL);
}

/* Directory trees: mkdir, rmdir and renames of whole subtrees. */
static const struct mix mix_dirs = {
	.weight = {
		[OP_CREATE] = 6, [OP_WRITE] = 2, [OP_LINK] = 2,
		[OP_UNLINK] = 3, [OP_RENAME] = 25, [OP_MKDIR] = 30,
		[OP_RMDIR] = 20, [OP_STAT] = 3, [OP_PRUNE] = 3,
	},
	.special_pct = 3, .steer_pct = 85, .related_pct = 30,
	.dotdir_pct = 5, .slash_pct = 5,
	.noreplace_pct = 10, .exchange_pct = 20, .badflags_pct = 0,
};

static void model_directory_trees_match_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x747265652d303036ull, 6000, &mix_dirs);
	assert_seen(OP_MKDIR, 0);
	assert_seen(OP_MKDIR, -EEXIST);
	assert_seen(OP_RMDIR, 0);
	assert_seen(OP_RMDIR, -ENOTEMPTY);
	assert_seen(OP_RMDIR, -ENOTDIR);
	assert_seen(OP_RENAME, -EINVAL);
}

/* ".", ".." and "/" as the last component, and bogus rename flags. */
static const struct mix mix_dots = {
	.weight = {
		[OP_CREATE] = 8, [OP_OPEN_TRUNC] = 3, [OP_WRITE] = 4,
		[OP_READ] = 3, [OP_TRUNCATE] = 4, [OP_LINK] = 8,
		[OP_UNLINK] = 8, [OP_RENAME] = 12, [OP_MKDIR] = 12,
		[OP_RMDIR] = 10, [OP_STAT] = 6,
	},
	.special_pct = 35, .steer_pct = 70, .related_pct = 20,
	.dotdir_pct = 20, .slash_pct = 20,
	.noreplace_pct = 20, .exchange_pct = 20, .badflags_pct = 5,
};

static void model_dot_dotdot_and_root_match_linux(void **state)
{
	(void)state;
	model_run(__func__, 0x646f74732d303037ull, 5000, &mix_dots);
	assert_seen(OP_RMDIR, -EINVAL);
	assert_seen(OP_RMDIR, -EBUSY);
	assert_seen(OP_RENAME, -EBUSY);
	assert_seen(OP_MKDIR, -EEXIST);
	assert_seen(OP_UNLINK, -EISDIR);
	assert_seen(OP_CREATE, -EISDIR);
	assert_seen(OP_STAT, 0);
}

/* Every operation, a third of them with one allocation failing. */
static const struct mix mix_alloc_failures = {
	.weight = {
		[OP_CREATE] = 10, [OP_OPEN_TRUNC] = 3, [OP_WRITE] = 10,
		[OP_READ] = 3, [OP_TRUNCATE] = 5, [OP_LINK] = 8,
		[OP_UNLINK] = 8, [OP_RENAME] = 14, [OP_MKDIR] = 10,
		[OP_RMDIR] = 7, [OP_STAT] = 4, [OP_FOPEN] = 3,
		[OP_FCLOSE] = 2, [OP_FWRITE] = 4, [OP_FREAD] = 1,
		[OP_FTRUNCATE] = 2, [OP_FSTAT] = 1, [OP_PRUNE] = 3,
	},
	.special_pct = 3, .steer_pct = 70, .related_pct = 25,
	.dotdir_pct = 2, .slash_pct = 2,
	.noreplace_pct = 15, .exchange_pct = 15, .badflags_pct = 1,
	.fail_pct = 35,
};

static void model_failed_allocations_change_nothing(void **state)
{
	(void)state;
	model_run(__func__, 0x656e6f6d2d303039ull, 5000,
		  &mix_alloc_failures);
	assert_happened("-ENOMEM", M.enomem_steps);
	assert_seen(OP_CREATE, 0);
	assert_seen(OP_RENAME, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(model_mixed_ops_match_linux,
						model_setup, model_teardown),
		cmocka_unit_test_setup_teardown(
			model_long_mixed_run_matches_linux, model_setup,
			model_teardown),
		cmocka_unit_test_setup_teardown(model_file_data_matches_linux,
						model_setup, model_teardown),
		cmocka_unit_test_setup_teardown(model_hard_links_match_linux,
						model_setup, model_teardown),
		cmocka_unit_test_setup_teardown(model_renames_match_linux,
						model_setup, model_teardown),
		cmocka_unit_test_setup_teardown(
			model_rename_noreplace_and_exchange_match_linux,
			model_setup, model_teardown),
		cmocka_unit_test_setup_teardown(
			model_directory_trees_match_linux, model_setup,
			model_teardown),
		cmocka_unit_test_setup_teardown(
			model_dot_dotdot_and_root_match_linux, model_setup,
			model_teardown),
		cmocka_unit_test_setup_teardown(
			model_failed_allocations_change_nothing, model_setup,
			model_teardown),
	};
	const char *only = getenv("BASALT_MODEL_TEST");

	if (only && *only)
		cmocka_set_test_filter(only);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
