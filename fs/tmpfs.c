/*
 * tmpfs: a file system that lives entirely in memory.  Every boot unpacks
 * the initramfs into one mounted on "/", and /dev is the same code under
 * the name "devtmpfs".  Behaviour follows Linux's tmpfs (mm/shmem.c).
 *
 * Design.  The VFS objects are only a view: the truth is kept here.
 *   - A directory owns a list of struct tmpfs_dirent (name, inode), each
 *     holding an i_count reference on its inode.  That reference, not a
 *     dentry, is what keeps a linked file alive: the dcache above us may
 *     drop a dentry at any time and ->lookup builds it again from the
 *     list.  An unlinked file lives on while dentries or open files still
 *     reference it; the last iput() evicts it.
 *   - Each directory hands its entries a 64-bit cookie from a counter
 *     that only grows; the list stays in cookie order.  readdir positions
 *     are 0 ".", 1 "..", and cookie + 2 for an entry, so a listing that
 *     resumes at a saved position after entries came and went neither
 *     repeats nor skips an entry that was there all along.
 *   - File data is the inode's page cache (inode->i_data) and nothing
 *     else; readpage is NULL, so a missing page is a hole of zeros.  The
 *     cache asks us through ->charge before adding a page, which is where
 *     the size= cap says -ENOSPC.  nr_inodes= caps the inodes (and, as
 *     on Linux, extra hard links) the same way.
 *   - Lookup scans the directory list: linear, fine for the directories
 *     an initramfs holds.  A hash per directory is the next step.
 *   - Unmount: the superblock keeps its own reference on the root inode;
 *     ->put_super walks the tree without recursion, dropping every entry
 *     as if it were unlinked, so every inode is evicted and freed.
 *
 * Interface: tmpfs_fs_type, devtmpfs_fs_type and tmpfs_default_size()
 * (fs/internal.h); everything else is reached through the ops tables.
 *
 * Locking.  The VFS calls directory ops with dir->i_lock held (rename:
 * both parents', cross-directory renames also under sb->s_rename_lock)
 * and ->readdir with the directory's i_lock held, so a directory's entry
 * list needs no lock of its own.  unlink, rmdir and link also get the
 * child's i_lock from the VFS; rename does not, so tmpfs_rename() locks
 * the moved inode and the victim itself (children after parents, lower
 * address first).  The superblock counters are atomics (compare-exchange
 * loops), because ->charge runs with inode locks held and with the page
 * cache in the middle of an insertion.
 * Lock order used here (a slice of the one in fs/vfs.h):
 *   sb->s_rename_lock (mutex, taken by the VFS)
 *     inode->i_lock (mutex): parent before child, two children of a
 *     rename: lower address first
 *       mapping->tree_lock (spin, inside pagecache_truncate())
 *       sb counters: atomics, no lock
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/err.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC		0x01021994
#endif

/* Linux's BOGO_DIRENT_SIZE: a directory's i_size is 20 bytes per entry
 * plus two for "." and "..". */
#define TMPFS_DIRENT_SIZE	20
#define TMPFS_NAME_MAX		255
/* Symlink targets this long or longer are charged one page, as Linux
 * keeps them in a page (shorter ones sit in the inode). */
#define TMPFS_SHORT_SYMLINK	128
#define SECTORS_PER_PAGE	(PAGE_SIZE / 512)

/* ---- private objects ----------------------------------------------------- */

/*
 * One mounted tmpfs.  A limit of 0 means "no limit" (size=0,
 * nr_inodes=0), as on Linux.
 * [I] set by fill_super, then constant  [A] atomic (__atomic builtins)
 */
struct tmpfs_sb_info {
	uint64_t max_pages;		/* [I] size= in pages */
	uint64_t max_inodes;		/* [I] nr_inodes= */
	uint64_t used_pages;		/* [A] data pages and long symlinks */
	uint64_t used_inodes;		/* [A] inodes plus extra hard links */
	uint64_t next_ino;		/* [A] the next inode number */
	struct inode *root;		/* [I] reference held until put_super */
};

/*
 * [I] immutable after creation  [L] this inode's vfs.i_lock
 * Directory fields are unused (dirents empty) for other file types.
 */
struct tmpfs_inode {
	struct inode vfs;
	struct list_head dirents;	/* [L] struct tmpfs_dirent, by cookie */
	struct list_head *buckets;	/* [L] name hash of big directories */
	uint32_t nbuckets;		/* [L] 0: no table, scan the list */
	uint32_t nentries;		/* [L] */
	uint64_t next_cookie;		/* [L] only grows */
	uint64_t parent_ino;		/* [L] directories: what ".." reports */
	char *symlink;			/* [I] target, NUL-terminated */
	bool symlink_charged;		/* [I] a page was charged for it */
};

/*
 * One name in a directory.  [I] immutable  [P] the parent directory's
 * i_lock.  The name is stored inline and NUL-terminated.
 */
struct tmpfs_dirent {
	struct list_head link;		/* [P] on tmpfs_inode.dirents */
	struct list_head hlink;		/* [P] on a bucket, if there is a table */
	uint32_t hash;			/* [I] qstr hash of the name */
	struct inode *inode;		/* [P] i_count reference held */
	uint64_t cookie;		/* [I] readdir position - 2 */
	uint32_t len;			/* [I] */
	char name[];			/* [I] */
};

static inline struct tmpfs_inode *TMPFS_I(struct inode *inode)
{
	return container_of(inode, struct tmpfs_inode, vfs);
}

static inline struct tmpfs_sb_info *TMPFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static const struct super_ops tmpfs_super_ops;
static const struct inode_ops tmpfs_dir_iops;
static const struct inode_ops tmpfs_file_iops;
static const struct inode_ops tmpfs_symlink_iops;
static const struct inode_ops tmpfs_special_iops;
static const struct file_ops tmpfs_file_fops;
static const struct file_ops tmpfs_dir_fops;
static const struct aspace_ops tmpfs_aops;

/* ---- accounting: atomics, callable with any lock held -------------------- */

/* Adds @n to *@used unless that would pass @max (0: unlimited). */
static int counter_charge(uint64_t *used, uint64_t max, uint64_t n)
{
	uint64_t old = __atomic_load_n(used, __ATOMIC_RELAXED);
	uint64_t new;

	do {
		if (__builtin_add_overflow(old, n, &new))
			return -ENOSPC;
		if (max && new > max)
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(used, &old, new, false,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

static void counter_uncharge(uint64_t *used, uint64_t n)
{
	uint64_t old = __atomic_fetch_sub(used, n, __ATOMIC_ACQ_REL);

	KASSERT(old >= n);
}

static int tmpfs_charge_inode(struct tmpfs_sb_info *sbi)
{
	return counter_charge(&sbi->used_inodes, sbi->max_inodes, 1);
}

static void tmpfs_uncharge_inode(struct tmpfs_sb_info *sbi)
{
	counter_uncharge(&sbi->used_inodes, 1);
}

/*
 * aspace_ops->charge: the page cache is about to add @pages pages to
 * @as.  Runs with the file's i_lock held (writes) and possibly inside
 * the cache's own bookkeeping, so it only touches atomics and the
 * inode's i_blocks, which the i_lock holder owns.
 */
static int tmpfs_charge(struct address_space *as, uint64_t pages)
{
	struct inode *inode = as->host;
	int err;

	err = counter_charge(&TMPFS_SB(inode->i_sb)->used_pages,
			     TMPFS_SB(inode->i_sb)->max_pages, pages);
	if (err)
		return err;
	inode->i_blocks += pages * SECTORS_PER_PAGE;
	return 0;
}

static void tmpfs_uncharge(struct address_space *as, uint64_t pages)
{
	struct inode *inode = as->host;

	counter_uncharge(&TMPFS_SB(inode->i_sb)->used_pages, pages);
	KASSERT(inode->i_blocks >= pages * SECTORS_PER_PAGE);
	inode->i_blocks -= pages * SECTORS_PER_PAGE;
}

static const struct aspace_ops tmpfs_aops = {
	.readpage = NULL,	/* holes read as zeros */
	.charge = tmpfs_charge,
	.uncharge = tmpfs_uncharge,
};

/* ---- inodes -------------------------------------------------------------- */

static struct inode *tmpfs_alloc_inode(struct super_block *sb)
{
	struct tmpfs_inode *ti = kzalloc(sizeof(*ti));

	(void)sb;
	if (!ti)
		return NULL;
	list_init(&ti->dirents);
	return &ti->vfs;
}

static void tmpfs_destroy_inode(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	KASSERT(list_empty(&ti->dirents));
	kfree(ti->buckets);
	kfree(ti);
}

/*
 * The last reference is gone (an unlinked file closed, or any inode at
 * unmount; iput() always evicts): give back its pages, its symlink
 * target and its slot.  Nobody else can reach the inode.
 */
static void tmpfs_evict_inode(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	struct tmpfs_sb_info *sbi = TMPFS_SB(inode->i_sb);

	pagecache_truncate(&inode->i_data, 0);	/* uncharges the pages */
	if (ti->symlink) {
		if (ti->symlink_charged)
			counter_uncharge(&sbi->used_pages, 1);
		kfree(ti->symlink);
		ti->symlink = NULL;
	}
	tmpfs_uncharge_inode(sbi);
}

/*
 * A new inode of type and permissions @mode in directory @dir (NULL for
 * the root, whose owner and mode the caller sets).  Returns it with one
 * reference, for the caller to hand to a dirent, or ERR_PTR(-ENOSPC)
 * past nr_inodes, ERR_PTR(-ENOMEM).  The inode is not visible yet, so
 * its [L] fields are written without the lock.
 */
static struct inode *tmpfs_new_inode(struct super_block *sb,
				     struct inode *dir, umode_t mode,
				     dev_t rdev, const struct cred *cred,
				     struct vfs_time now)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	struct tmpfs_inode *ti;
	struct inode *inode;
	int err;

	err = tmpfs_charge_inode(sbi);
	if (err)
		return ERR_PTR(err);
	inode = inode_new(sb);
	if (!inode) {
		tmpfs_uncharge_inode(sbi);
		return ERR_PTR(-ENOMEM);
	}
	ti = TMPFS_I(inode);
	inode->i_ino = __atomic_fetch_add(&sbi->next_ino, 1, __ATOMIC_RELAXED);
	if (dir)
		inode_init_owner(inode, dir, mode, cred);
	else
		inode->i_mode = mode;
	inode->i_rdev = rdev;
	inode->i_nlink = 1;
	inode->i_size = 0;
	inode->i_blocks = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = now;
	mapping_init(&inode->i_data, inode, &tmpfs_aops);

	switch (inode->i_mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &tmpfs_file_iops;
		inode->i_fop = &tmpfs_file_fops;
		break;
	case S_IFDIR:
		inode->i_op = &tmpfs_dir_iops;
		inode->i_fop = &tmpfs_dir_fops;
		inode->i_nlink = 2;		/* "." and its name */
		inode->i_size = 2 * TMPFS_DIRENT_SIZE;
		ti->parent_ino = dir ? dir->i_ino : inode->i_ino;
		break;
	case S_IFLNK:
		inode->i_op = &tmpfs_symlink_iops;
		inode->i_fop = NULL;
		break;
	default:
		/* Device nodes, FIFOs, sockets: the VFS gives them their
		 * file ops (a driver's, the pipe code's). */
		inode->i_op = &tmpfs_special_iops;
		inode->i_fop = NULL;
		break;
	}
	return inode;
}

/*
 * Drop one name of @inode (unlink, rmdir, a rename victim, unmount).
 * The caller holds the parent's and the inode's i_lock (at unmount
 * nobody else is left) and drops the dirent's reference afterwards.
 * As on Linux, a name beyond a file's first gives its nr_inodes slot
 * back at once; the last one waits for eviction.  A directory has one
 * name, and losing it leaves it at 0 links.
 */
static void tmpfs_drop_name(struct inode *inode, struct vfs_time now)
{
	if (S_ISDIR(inode->i_mode)) {
		inode->i_nlink = 0;
	} else {
		KASSERT(inode->i_nlink > 0);
		if (inode->i_nlink > 1)
			tmpfs_uncharge_inode(TMPFS_SB(inode->i_sb));
		inode->i_nlink--;
	}
	inode_touch(inode, now, false, false, true);
}

/* ---- directory entries (dir->i_lock held) -------------------------------- */

static struct tmpfs_dirent *dirent_alloc(const struct qstr *name)
{
	struct tmpfs_dirent *de = kmalloc(sizeof(*de) + name->len + 1);

	if (!de)
		return NULL;
	list_init(&de->link);
	list_init(&de->hlink);
	de->hash = name->hash;
	de->inode = NULL;
	de->cookie = 0;
	de->len = name->len;
	memcpy(de->name, name->name, name->len);
	de->name[name->len] = '\0';
	return de;
}

/*
 * Name lookup.  Small directories are scanned; once one holds more than
 * HASH_MIN_ENTRIES names it gets a hash table, grown fourfold whenever
 * it averages two names a bucket, so lookups stay O(1) however big the
 * directory gets.  Growing is best effort: without memory the old table
 * (or the scan) still gives right answers, only slower.
 */
#define HASH_MIN_ENTRIES	32
#define HASH_MAX_BUCKETS	(1u << 20)

static struct list_head *bucket_of(struct tmpfs_inode *td, uint32_t hash)
{
	return &td->buckets[hash & (td->nbuckets - 1)];
}

static void maybe_grow_table(struct tmpfs_inode *td)
{
	uint32_t n = td->nbuckets ? td->nbuckets * 4 : 64;
	struct list_head *table, *pos;

	if (td->nentries < HASH_MIN_ENTRIES || td->nentries <= 2 * td->nbuckets ||
	    td->nbuckets >= HASH_MAX_BUCKETS)
		return;
	table = kmalloc(n * sizeof(*table));
	if (!table)
		return;
	for (uint32_t i = 0; i < n; i++)
		list_init(&table[i]);
	kfree(td->buckets);
	td->buckets = table;
	td->nbuckets = n;
	list_for_each(pos, &td->dirents) {
		struct tmpfs_dirent *de =
			list_entry(pos, struct tmpfs_dirent, link);

		list_add(&de->hlink, bucket_of(td, de->hash));
	}
}

/* Appends @de, taking over its inode reference, with a fresh cookie. */
static void dirent_link(struct inode *dir, struct tmpfs_dirent *de,
			struct inode *inode)
{
	struct tmpfs_inode *td = TMPFS_I(dir);

	de->inode = inode;
	de->cookie = td->next_cookie++;
	list_add_tail(&de->link, &td->dirents);
	if (td->nbuckets)
		list_add(&de->hlink, bucket_of(td, de->hash));
	td->nentries++;
	dir->i_size += TMPFS_DIRENT_SIZE;
	maybe_grow_table(td);
}

/* Takes @de off its directory; the caller drops de->inode and frees it. */
static void dirent_unlink(struct inode *dir, struct tmpfs_dirent *de)
{
	list_del(&de->link);
	list_del(&de->hlink);
	list_init(&de->hlink);
	TMPFS_I(dir)->nentries--;
	KASSERT(dir->i_size >= TMPFS_DIRENT_SIZE);
	dir->i_size -= TMPFS_DIRENT_SIZE;
}

static bool dirent_matches(const struct tmpfs_dirent *de,
			   const struct qstr *name)
{
	return de->len == name->len &&
	       memcmp(de->name, name->name, name->len) == 0;
}

static struct tmpfs_dirent *dirent_find(struct inode *dir,
					const struct qstr *name)
{
	struct tmpfs_inode *td = TMPFS_I(dir);
	struct list_head *pos;

	if (td->nbuckets) {
		list_for_each(pos, bucket_of(td, name->hash)) {
			struct tmpfs_dirent *de =
				list_entry(pos, struct tmpfs_dirent, hlink);

			if (de->hash == name->hash && dirent_matches(de, name))
				return de;
		}
		return NULL;
	}
	list_for_each(pos, &td->dirents) {
		struct tmpfs_dirent *de =
			list_entry(pos, struct tmpfs_dirent, link);

		if (de->inode && dirent_matches(de, name))
			return de;
	}
	return NULL;
}

static bool dir_is_empty(struct inode *dir)
{
	return TMPFS_I(dir)->nentries == 0;	/* readdir cursors aside */
}

/* The entry for @dentry, which the VFS found positive in @dir. */
static struct tmpfs_dirent *dirent_of(struct inode *dir,
				      struct dentry *dentry)
{
	struct tmpfs_dirent *de = dirent_find(dir, &dentry->d_name);

	KASSERT(de && de->inode == d_inode(dentry));
	return de;
}

/* ---- directory inode ops (dir->i_lock held) ------------------------------ */

static int tmpfs_lookup(struct inode *dir, struct dentry *dentry)
{
	struct tmpfs_dirent *de;

	if (dentry->d_name.len > TMPFS_NAME_MAX)
		return -ENAMETOOLONG;
	de = dirent_find(dir, &dentry->d_name);
	d_add(dentry, de ? igrab(de->inode) : NULL);
	return 0;
}

/*
 * create, mkdir, mknod and symlink end here: a new inode under a new
 * name.  @target is the symlink target or NULL.  The dirent is allocated
 * first, so that nothing has to be undone after the inode exists.
 */
static int tmpfs_make_node(struct inode *dir, struct dentry *dentry,
			   umode_t mode, dev_t rdev, const char *target,
			   const struct cred *cred)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(dir->i_sb);
	struct vfs_time now = vfs_now();
	struct tmpfs_dirent *de;
	struct inode *inode;
	char *copy = NULL;
	size_t tlen = 0;
	bool charged = false;
	int err = -ENOMEM;

	de = dirent_alloc(&dentry->d_name);
	if (!de)
		return -ENOMEM;
	if (target) {
		tlen = strlen(target);
		copy = kmalloc(tlen + 1);
		if (!copy)
			goto err_free_dirent;
		memcpy(copy, target, tlen + 1);
		if (tlen >= TMPFS_SHORT_SYMLINK) {
			err = counter_charge(&sbi->used_pages,
					     sbi->max_pages, 1);
			if (err)
				goto err_free_copy;
			charged = true;
		}
	}
	inode = tmpfs_new_inode(dir->i_sb, dir, mode, rdev, cred, now);
	if (IS_ERR(inode)) {
		err = PTR_ERR(inode);
		goto err_uncharge;
	}
	if (target) {
		TMPFS_I(inode)->symlink = copy;
		TMPFS_I(inode)->symlink_charged = charged;
		inode->i_size = tlen;
		inode->i_blocks = charged ? SECTORS_PER_PAGE : 0;
	}

	dirent_link(dir, de, inode);		/* the new reference */
	if (S_ISDIR(inode->i_mode))
		dir->i_nlink++;			/* the child's ".." */
	inode_touch(dir, now, false, true, true);
	d_instantiate(dentry, igrab(inode));
	return 0;

err_uncharge:
	if (charged)
		counter_uncharge(&sbi->used_pages, 1);
err_free_copy:
	kfree(copy);
err_free_dirent:
	kfree(de);
	return err;
}

static int tmpfs_create(struct inode *dir, struct dentry *dentry,
			umode_t mode, const struct cred *cred)
{
	return tmpfs_make_node(dir, dentry, (mode & ~S_IFMT) | S_IFREG, 0,
			       NULL, cred);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *dentry,
		       umode_t mode, const struct cred *cred)
{
	return tmpfs_make_node(dir, dentry, (mode & ~S_IFMT) | S_IFDIR, 0,
			       NULL, cred);
}

static int tmpfs_mknod(struct inode *dir, struct dentry *dentry,
		       umode_t mode, dev_t rdev, const struct cred *cred)
{
	switch (mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		rdev = 0;
		break;
	default:
		return -EINVAL;
	}
	return tmpfs_make_node(dir, dentry, mode, rdev, NULL, cred);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *dentry,
			 const char *target, const struct cred *cred)
{
	return tmpfs_make_node(dir, dentry, S_IFLNK | 0777, 0, target, cred);
}

/*
 * A second name for the inode behind @old.  As on Linux, an extra name
 * takes an nr_inodes slot.  The VFS has refused directories.
 */
static int tmpfs_link(struct dentry *old, struct inode *dir,
		      struct dentry *dentry)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(dir->i_sb);
	struct inode *inode = d_inode(old);
	struct vfs_time now = vfs_now();
	struct tmpfs_dirent *de;
	int err;

	de = dirent_alloc(&dentry->d_name);
	if (!de)
		return -ENOMEM;
	err = tmpfs_charge_inode(sbi);
	if (err) {
		kfree(de);
		return err;
	}
	inode->i_nlink++;
	inode_touch(inode, now, false, false, true);
	dirent_link(dir, de, igrab(inode));
	inode_touch(dir, now, false, true, true);
	d_instantiate(dentry, igrab(inode));
	return 0;
}

static int tmpfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct tmpfs_dirent *de = dirent_of(dir, dentry);
	struct inode *inode = de->inode;
	struct vfs_time now = vfs_now();

	dirent_unlink(dir, de);
	tmpfs_drop_name(inode, now);
	inode_touch(dir, now, false, true, true);
	kfree(de);
	iput(inode);		/* the dentry still holds one */
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct tmpfs_dirent *de = dirent_of(dir, dentry);
	struct inode *inode = de->inode;
	struct vfs_time now = vfs_now();

	if (!dir_is_empty(inode))
		return -ENOTEMPTY;
	dirent_unlink(dir, de);
	tmpfs_drop_name(inode, now);
	KASSERT(dir->i_nlink > 2);
	dir->i_nlink--;
	inode_touch(dir, now, false, true, true);
	kfree(de);
	iput(inode);
	return 0;
}

/* A directory moved from @from to @to: fix the parents' link counts. */
static void move_dir_links(struct inode *moved, struct inode *from,
			   struct inode *to)
{
	if (!S_ISDIR(moved->i_mode) || from == to)
		return;
	KASSERT(from->i_nlink > 2);
	from->i_nlink--;
	to->i_nlink++;
	TMPFS_I(moved)->parent_ino = to->i_ino;
}

/*
 * The two inodes a rename changes besides the parents (the victim may be
 * NULL or the same inode).  They are never a parent of the rename nor
 * each other's ancestor (the VFS checked), so they nest inside the
 * parents' locks in address order.
 */
static void lock_children(struct inode *a, struct inode *b)
{
	if (b && b != a && b < a) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	mutex_lock(&a->i_lock);
	if (b && b != a)
		mutex_lock(&b->i_lock);
}

static void unlock_children(struct inode *a, struct inode *b)
{
	if (b && b != a)
		mutex_unlock(&b->i_lock);
	mutex_unlock(&a->i_lock);
}

/*
 * RENAME_EXCHANGE: both names stay where they are and trade inodes, so
 * neither entry changes its readdir position.  Both inodes are locked.
 */
static void tmpfs_exchange(struct inode *old_dir, struct tmpfs_dirent *a,
			   struct inode *new_dir, struct tmpfs_dirent *b)
{
	struct inode *ia = a->inode, *ib = b->inode;
	struct vfs_time now = vfs_now();

	a->inode = ib;
	b->inode = ia;
	if (S_ISDIR(ia->i_mode) != S_ISDIR(ib->i_mode)) {
		if (S_ISDIR(ia->i_mode))
			move_dir_links(ia, old_dir, new_dir);
		else
			move_dir_links(ib, new_dir, old_dir);
	} else if (S_ISDIR(ia->i_mode) && old_dir != new_dir) {
		TMPFS_I(ia)->parent_ino = new_dir->i_ino;
		TMPFS_I(ib)->parent_ino = old_dir->i_ino;
	}
	inode_touch(ia, now, false, false, true);
	inode_touch(ib, now, false, false, true);
	inode_touch(old_dir, now, false, true, true);
	inode_touch(new_dir, now, false, true, true);
}

/*
 * Move the name @old_dentry in @old_dir to @new_dentry in @new_dir.  The
 * VFS has checked the POSIX rules (types match, no move into the own
 * subtree, NOREPLACE against an existing name); emptiness of a victim
 * directory is ours to check, as on Linux.  A victim keeps its entry,
 * which is pointed at the moved inode; otherwise the moved inode gets a
 * new entry (and cookie) in @new_dir.  Everything that can fail happens
 * before the first change.
 */
static int tmpfs_rename(struct inode *old_dir, struct dentry *old_dentry,
			struct inode *new_dir, struct dentry *new_dentry,
			unsigned flags)
{
	struct tmpfs_dirent *src, *dst, *de = NULL;
	struct inode *inode, *victim;
	struct vfs_time now;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	src = dirent_of(old_dir, old_dentry);
	dst = dirent_find(new_dir, &new_dentry->d_name);
	inode = src->inode;
	victim = dst ? dst->inode : NULL;
	if (flags & RENAME_EXCHANGE) {
		if (!dst)
			return -ENOENT;
		lock_children(inode, victim);
		tmpfs_exchange(old_dir, src, new_dir, dst);
		unlock_children(inode, victim);
		return 0;
	}
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (victim == inode)
		return 0;	/* two names of one file: POSIX does nothing */
	if (!dst) {
		de = dirent_alloc(&new_dentry->d_name);
		if (!de)
			return -ENOMEM;
	}

	lock_children(inode, victim);
	if (victim && S_ISDIR(victim->i_mode) && !dir_is_empty(victim)) {
		unlock_children(inode, victim);
		return -ENOTEMPTY;	/* de is NULL: there is a victim */
	}
	now = vfs_now();
	dirent_unlink(old_dir, src);
	if (victim) {
		dst->inode = inode;	/* src's reference moves over */
		tmpfs_drop_name(victim, now);
		if (S_ISDIR(victim->i_mode)) {
			KASSERT(new_dir->i_nlink > 2);
			new_dir->i_nlink--;
		}
	} else {
		dirent_link(new_dir, de, inode);
	}
	kfree(src);
	move_dir_links(inode, old_dir, new_dir);
	inode_touch(inode, now, false, false, true);
	inode_touch(old_dir, now, false, true, true);
	inode_touch(new_dir, now, false, true, true);
	unlock_children(inode, victim);
	if (victim)
		iput(victim);	/* the victim's dirent reference */
	return 0;
}

/* ---- attributes, symlinks ------------------------------------------------ */

/*
 * ATTR_SIZE cuts or extends the page cache (a grown file reads zeros up
 * to the new size; no page is added until written), then the generic
 * code does the rest.  The VFS holds the inode's i_lock and has checked
 * permissions and the size limit.
 */
static int tmpfs_setattr(struct dentry *dentry, const struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	struct iattr rest = *attr;

	if (attr->valid & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		rest.valid &= ~ATTR_SIZE;
		if (attr->size != inode->i_size) {
			struct vfs_time now = vfs_now();

			pagecache_truncate(&inode->i_data, attr->size);
			inode->i_size = attr->size;
			inode_touch(inode, now, false, true, true);
		}
		if (!rest.valid)
			return 0;
	}
	return generic_setattr(dentry, &rest);
}

static ssize_t tmpfs_readlink(struct dentry *dentry, char *buf, size_t len)
{
	struct inode *inode = d_inode(dentry);
	size_t n = MIN(len, (size_t)inode->i_size);

	memcpy(buf, TMPFS_I(inode)->symlink, n);
	return (ssize_t)n;
}

/* ---- directory files ----------------------------------------------------- */

/*
 * Positions: 0 ".", 1 "..", cookie + 2 for an entry.  Entries are in
 * cookie order, so resuming at ctx->pos skips exactly the entries
 * already returned.  To make resuming O(1), each open directory keeps a
 * cursor: a dirent with no inode, left in the list just after the last
 * entry returned, remembering the position it stands for.  Lookups,
 * listings and the emptiness check step over cursors.  After a seek the
 * position no longer matches the cursor and the list is scanned from the
 * start instead.  The VFS holds the directory's i_lock.
 */
static int tmpfs_dir_open(struct inode *inode, struct file *file)
{
	struct qstr none = { .name = "", .len = 0, .hash = 0 };
	struct tmpfs_dirent *cursor = dirent_alloc(&none);

	(void)inode;
	if (!cursor)
		return -ENOMEM;
	file->private_data = cursor;
	return 0;
}

static void tmpfs_dir_release(struct inode *inode, struct file *file)
{
	struct tmpfs_dirent *cursor = file->private_data;

	mutex_lock(&inode->i_lock);
	list_del(&cursor->link);
	mutex_unlock(&inode->i_lock);
	kfree(cursor);
}

static int tmpfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file->f_inode;
	struct tmpfs_inode *td = TMPFS_I(dir);
	struct tmpfs_dirent *cursor = file->private_data;
	struct list_head *pos, *start = &td->dirents;
	bool full = false;

	if (ctx->pos < 0)
		return -EINVAL;
	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, dir->i_ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!dir_emit(ctx, "..", 2, td->parent_ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	if (!list_empty(&cursor->link) && cursor->cookie == (uint64_t)ctx->pos)
		start = &cursor->link;
	for (pos = start->next; pos != &td->dirents; pos = pos->next) {
		struct tmpfs_dirent *de =
			list_entry(pos, struct tmpfs_dirent, link);

		if (!de->inode || de->cookie + 2 < (uint64_t)ctx->pos)
			continue;
		if (!dir_emit(ctx, de->name, de->len, de->inode->i_ino,
			      mode_to_dtype(de->inode->i_mode))) {
			full = true;
			break;
		}
		ctx->pos = (loff_t)(de->cookie + 3);
	}
	/* Park the cursor before the first entry not yet returned. */
	list_del(&cursor->link);
	list_init(&cursor->link);
	if (full)
		list_insert_between(&cursor->link, pos->prev, pos);
	else
		list_add_tail(&cursor->link, &td->dirents);
	cursor->cookie = (uint64_t)ctx->pos;
	return 0;
}

/* Nothing to write back: memory is the backing store. */
static int tmpfs_fsync(struct file *file, bool datasync)
{
	(void)file;
	(void)datasync;
	return 0;
}

/* ---- ops tables ---------------------------------------------------------- */

static const struct inode_ops tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_symlink_iops = {
	.setattr = tmpfs_setattr,
	.readlink = tmpfs_readlink,
};

static const struct inode_ops tmpfs_special_iops = {
	.setattr = tmpfs_setattr,
};

static const struct file_ops tmpfs_file_fops = {
	.read = generic_file_read,
	.write = generic_file_write,
	.llseek = generic_file_llseek,
	.fsync = tmpfs_fsync,
};

static const struct file_ops tmpfs_dir_fops = {
	.open = tmpfs_dir_open,
	.release = tmpfs_dir_release,
	.readdir = tmpfs_readdir,
	.llseek = generic_file_llseek,
	.fsync = tmpfs_fsync,
};

/* ---- superblock ---------------------------------------------------------- */

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	uint64_t used;

	memset(st, 0, sizeof(*st));
	st->type = TMPFS_MAGIC;
	st->bsize = PAGE_SIZE;
	st->namelen = TMPFS_NAME_MAX;
	if (sbi->max_pages) {
		used = __atomic_load_n(&sbi->used_pages, __ATOMIC_RELAXED);
		st->blocks = sbi->max_pages;
		st->bfree = st->bavail =
			used < sbi->max_pages ? sbi->max_pages - used : 0;
	}
	if (sbi->max_inodes) {
		used = __atomic_load_n(&sbi->used_inodes, __ATOMIC_RELAXED);
		st->files = sbi->max_inodes;
		st->ffree = used < sbi->max_inodes ? sbi->max_inodes - used : 0;
	}
	return 0;
}

/*
 * Unmount: take every entry down as unlink would, without recursion (a
 * tree may be deeper than a kernel stack allows).  A directory's entries
 * move onto the work list before its own entry is dropped, so dropping
 * the last reference evicts each inode while the sb info still exists.
 * The VFS (shutdown_super()) has freed every dentry of the file system
 * before ->put_super, so these references are the last ones.
 */
static void tmpfs_forget_tree(struct tmpfs_sb_info *sbi)
{
	struct list_head work;
	struct vfs_time now = vfs_now();
	struct inode *root = sbi->root;

	list_init(&work);
	while (!list_empty(&TMPFS_I(root)->dirents)) {
		struct list_head *n = TMPFS_I(root)->dirents.next;

		list_del(n);
		list_add_tail(n, &work);
	}
	while (!list_empty(&work)) {
		struct tmpfs_dirent *de =
			list_first_entry(&work, struct tmpfs_dirent, link);
		struct inode *inode = de->inode;
		struct tmpfs_inode *ti = TMPFS_I(inode);

		list_del(&de->link);
		while (!list_empty(&ti->dirents)) {
			struct list_head *n = ti->dirents.next;

			list_del(n);
			list_add_tail(n, &work);
		}
		tmpfs_drop_name(inode, now);
		kfree(de);
		iput(inode);
	}
	root->i_nlink = 0;
	sbi->root = NULL;
	iput(root);
}

/*
 * Frees the tree and the sb info.  If an inode outlives this (someone
 * still holds a reference: a bug elsewhere), its eviction will need the
 * sb info, so it is kept and the leak reported, as the VFS does with the
 * superblock itself.
 */
static void tmpfs_put_super(struct super_block *sb)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	uint64_t inodes, pages;

	if (!sbi)
		return;
	if (sbi->root)
		tmpfs_forget_tree(sbi);
	inodes = __atomic_load_n(&sbi->used_inodes, __ATOMIC_RELAXED);
	pages = __atomic_load_n(&sbi->used_pages, __ATOMIC_RELAXED);
	if (inodes || pages) {
		pr_err("tmpfs: unmounted with %llu inodes and %llu pages "
		       "still in use", (unsigned long long)inodes,
		       (unsigned long long)pages);
		return;
	}
	kfree(sbi);
	sb->s_fs_info = NULL;
}

static const struct super_ops tmpfs_super_ops = {
	.alloc_inode = tmpfs_alloc_inode,
	.destroy_inode = tmpfs_destroy_inode,
	.evict_inode = tmpfs_evict_inode,
	.statfs = tmpfs_statfs,
	.put_super = tmpfs_put_super,
};

/* ---- mount options ------------------------------------------------------- */

struct tmpfs_options {
	uint64_t max_pages;
	uint64_t max_inodes;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
};

static uint64_t ram_bytes(void)
{
	struct mem_stats st;

	mm_get_stats(&st);
	if (st.managed_pages)
		return st.managed_pages * PAGE_SIZE;
	return ALIGN_DOWN(st.total_usable_bytes, PAGE_SIZE);
}

/*
 * Half of RAM, in whole pages: the default size= cap, as Linux's.
 */
uint64_t tmpfs_default_size(void)
{
	return ALIGN_DOWN(ram_bytes() / 2, PAGE_SIZE);
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * An unsigned number at the start of [*s, end): base 0 reads "0x" as hex
 * and a leading 0 as octal, as Linux's simple_strtoull(s, 0).  Advances
 * *s past it.  -EINVAL without digits or on overflow.
 */
static int parse_u64(const char **s, const char *end, unsigned base,
		     uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (base == 0) {
		base = 10;
		if (end - p >= 3 && p[0] == '0' &&
		    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
			base = 16;
			p += 2;
		} else if (end - p >= 1 && p[0] == '0') {
			base = 8;
		}
	}
	if (p == end || digit_value(*p) >= (int)base)
		return -EINVAL;
	for (; p < end && digit_value(*p) < (int)base; p++) {
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)digit_value(*p), &v))
			return -EINVAL;
	}
	*s = p;
	*out = v;
	return 0;
}

/* Linux's memparse(): a number with an optional k/m/g/t/p/e suffix. */
static int parse_mem(const char **s, const char *end, uint64_t *out)
{
	static const char suffixes[] = "kmgtpe";
	uint64_t v;
	int err;

	err = parse_u64(s, end, 0, &v);
	if (err)
		return err;
	if (*s < end) {
		for (unsigned i = 0; suffixes[i]; i++) {
			char c = **s;

			if (c != suffixes[i] && c != suffixes[i] - 'a' + 'A')
				continue;
			if (v > (UINT64_MAX >> (10 * (i + 1))))
				return -EINVAL;
			v <<= 10 * (i + 1);
			(*s)++;
			break;
		}
	}
	*out = v;
	return 0;
}

/* size=N[k|m|g|t|p|e] bytes or size=N% of RAM; 0 means unlimited. */
static int parse_size(const char *s, const char *end, uint64_t *pages)
{
	uint64_t bytes;
	int err;

	err = parse_mem(&s, end, &bytes);
	if (err)
		return err;
	if (s < end && *s == '%') {
		uint64_t ram = ram_bytes();
		uint64_t hi, lo;

		s++;
		if (__builtin_mul_overflow(ram / 100, bytes, &hi) ||
		    __builtin_mul_overflow(ram % 100, bytes, &lo) ||
		    __builtin_add_overflow(hi, lo / 100, &bytes))
			return -EINVAL;
	}
	if (s != end)
		return -EINVAL;
	*pages = bytes / PAGE_SIZE + (bytes % PAGE_SIZE != 0);
	return 0;
}

static int parse_count(const char *s, const char *end, uint64_t *out)
{
	int err = parse_mem(&s, end, out);

	if (!err && s != end)
		err = -EINVAL;
	return err;
}

static int parse_u32(const char *s, const char *end, unsigned base,
		     uint32_t *out)
{
	uint64_t v;
	int err = parse_u64(&s, end, base, &v);

	if (err)
		return err;
	if (s != end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static bool key_is(const char *key, size_t klen, const char *want)
{
	return strlen(want) == klen && memcmp(key, want, klen) == 0;
}

/* One "key=value" option of length @len at @opt. */
static int parse_option(struct tmpfs_options *o, const char *opt, size_t len)
{
	const char *end = opt + len, *val;
	size_t klen = 0;
	uint32_t v32;
	int err;

	while (klen < len && opt[klen] != '=')
		klen++;
	if (klen == len)
		return -EINVAL;	/* every option we know takes a value */
	val = opt + klen + 1;
	if (key_is(opt, klen, "size"))
		return parse_size(val, end, &o->max_pages);
	if (key_is(opt, klen, "nr_blocks"))
		return parse_count(val, end, &o->max_pages);
	if (key_is(opt, klen, "nr_inodes"))
		return parse_count(val, end, &o->max_inodes);
	if (key_is(opt, klen, "mode")) {
		err = parse_u32(val, end, 8, &v32);
		if (!err)
			o->mode = v32 & 07777;
		return err;
	}
	if (key_is(opt, klen, "uid") || key_is(opt, klen, "gid")) {
		err = parse_u32(val, end, 0, &v32);
		if (err || v32 == UINT32_MAX)	/* (uid_t)-1 is no uid */
			return -EINVAL;
		if (opt[0] == 'u')
			o->uid = v32;
		else
			o->gid = v32;
		return 0;
	}
	return -EINVAL;
}

/* A comma-separated list; empty items are skipped.  @data may be NULL. */
static int parse_options(struct tmpfs_options *o, const char *data)
{
	const char *p = data;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int err;

		if (len) {
			err = parse_option(o, p, len);
			if (err)
				return err;
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* ---- mounting ------------------------------------------------------------ */

static int tmpfs_fill_common(struct super_block *sb, const char *data,
			     umode_t root_mode)
{
	struct tmpfs_options o = {
		.max_pages = tmpfs_default_size() / PAGE_SIZE,
		.max_inodes = ram_bytes() / PAGE_SIZE / 2,
		.mode = root_mode,
	};
	struct tmpfs_sb_info *sbi;
	struct inode *root;
	struct dentry *dentry;
	int err;

	err = parse_options(&o, data);
	if (err)
		return err;
	sbi = kzalloc(sizeof(*sbi));
	if (!sbi)
		return -ENOMEM;
	sbi->max_pages = o.max_pages;
	sbi->max_inodes = o.max_inodes;
	sbi->next_ino = 1;		/* the root is inode 1 */
	sb->s_fs_info = sbi;
	sb->s_op = &tmpfs_super_ops;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_maxbytes = VFS_MAX_FILE_SIZE;

	root = tmpfs_new_inode(sb, NULL, S_IFDIR | o.mode, 0, NULL, vfs_now());
	if (IS_ERR(root)) {
		err = PTR_ERR(root);
		goto err_free_sbi;
	}
	root->i_uid = o.uid;
	root->i_gid = o.gid;
	sbi->root = root;		/* inode_new()'s reference */
	dentry = d_alloc_root(igrab(root));
	if (!dentry) {
		err = -ENOMEM;
		goto err_put_root;
	}
	sb->s_root = dentry;
	return 0;

err_put_root:
	sbi->root = NULL;
	root->i_nlink = 0;
	iput(root);
err_free_sbi:
	sb->s_fs_info = NULL;
	kfree(sbi);
	return err;
}

static int tmpfs_fill_super(struct super_block *sb, const char *source,
			    const char *data)
{
	(void)source;
	return tmpfs_fill_common(sb, data, S_ISVTX | 0777);
}

static int devtmpfs_fill_super(struct super_block *sb, const char *source,
			       const char *data)
{
	(void)source;
	return tmpfs_fill_common(sb, data, 0755);
}

struct file_system_type tmpfs_fs_type = {
	.name = "tmpfs",
	.fill_super = tmpfs_fill_super,
};

struct file_system_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.fill_super = devtmpfs_fill_super,
};
