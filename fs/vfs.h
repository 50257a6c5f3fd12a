#pragma once
/*
 * The virtual file system: the objects every file system plugs into and
 * the calls the rest of the kernel makes.
 *
 *   struct super_block  one mounted file system instance
 *   struct inode        one file (any type); its data pages live in
 *                       inode->i_data, the page cache (fs/pagecache.c)
 *   struct dentry       one name in a directory, positive (has an inode)
 *                       or negative (cached "no such name"); the dcache
 *                       (fs/dcache.c) hashes them by (parent, name)
 *   struct mount        a super_block attached at a dentry (fs/mount.c)
 *   struct path         (mount, dentry): a place in the tree
 *   struct file         an open file description (fs/file.c)
 *
 * File systems provide const ops tables; generic code calls through the
 * vfs_*() wrappers, which do the shared checks and map a missing slot to
 * one documented error, as Linux does (see the tables below).
 *
 * Reference counts.  Every *_get() has its *_put(); a function that
 * returns an object says whether the caller owns a reference.
 *   inode   i_count: held by each dentry pointing at it, by the file
 *           system while it keeps the inode (tmpfs: while it has links),
 *           and by whoever called igrab().  iput() of the last reference
 *           calls ->evict_inode (which frees on-disk data only if i_nlink
 *           is 0) and then ->destroy_inode.
 *   dentry  d_count: held by each child dentry (on its parent), by paths,
 *           by callers of dget().  A dentry at 0 stays cached on an LRU
 *           until memory pressure or unmount frees it.
 *   mount   m_count: one for being mounted, one per path pointing in.
 *   file    f_count: one per descriptor or kernel user; the last
 *           file_put() calls ->release and drops the path.
 *
 * Lock order in fs/, outermost first (sleep locks before spin locks):
 *   devfs_lock (mutex, fs/devfs.c): adding /dev nodes
 *   namespace_lock (mutex, fs/mount.c): mount and unmount
 *     sb->s_rename_lock (mutex): cross-directory rename
 *       inode->i_lock (mutex)  parent before child; two unrelated
 *                              inodes: lower address first
 *         mapping->tree_lock (spin, rank PAGECACHE)
 *         dcache_lock (spin, rank DCACHE): the hash, LRU, d_count,
 *                     d_parent, d_name, d_inode
 *           mount_lock (spin, rank MOUNT): the mount hash, m_count
 * Path walks take no sleep lock on a dcache hit; a miss takes the
 * directory's i_lock around ->lookup.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/uapi.h"
#include "kernel/cred.h"
#include "kernel/err.h"
#include "kernel/lib/list.h"
#include "kernel/sync.h"
#include "kernel/uaccess.h"

typedef int64_t loff_t;
typedef long ssize_t;
typedef uint32_t umode_t;

/* Kernel-internal device numbers: 12-bit major, 20-bit minor, as Linux. */
typedef uint32_t dev_t;
#define MINORBITS	20
#define MINORMASK	((1u << MINORBITS) - 1)
#define MAJOR(dev)	((unsigned)((dev) >> MINORBITS))
#define MINOR(dev)	((unsigned)((dev) & MINORMASK))
#define MKDEV(ma, mi)	(((dev_t)(ma) << MINORBITS) | (dev_t)(mi))

/* Largest file offset: Linux's MAX_LFS_FILESIZE on 64-bit. */
#define VFS_MAX_FILE_SIZE	INT64_MAX

struct vfs_time {
	int64_t sec;
	uint32_t nsec;
};

struct super_block;
struct inode;
struct dentry;
struct mount;
struct file;
struct kstat;
struct kstatfs;
struct iattr;
struct dir_context;
struct poll_table;
struct vm_area;
struct page;

/* ---- ops tables ------------------------------------------------------ */

/*
 * Missing slots: alloc_inode is required; destroy_inode NULL means
 * kfree(); evict_inode NULL means nothing to free; statfs NULL gives
 * -ENOSYS; put_super NULL means nothing to do.
 */
struct super_ops {
	struct inode *(*alloc_inode)(struct super_block *sb);
	void (*destroy_inode)(struct inode *inode);
	void (*evict_inode)(struct inode *inode);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	void (*put_super)(struct super_block *sb);
};

/*
 * Directory ops run with dir->i_lock held (rename: both parents'), and
 * unlink, rmdir and link with the child's i_lock too; ->rename locks the
 * inodes it moves itself (tmpfs: lower address first).
 * ->lookup fills @dentry with d_add(dentry, inode-or-NULL) and returns 0,
 * or returns -errno for I/O errors; "no such name" is a negative dentry,
 * not an error.  Creating ops d_instantiate() the new inode on success.
 * Missing slots (the errors Linux gives):
 *   lookup -ENOTDIR; create -EACCES; mkdir, mknod, symlink, link,
 *   unlink, rmdir, rename -EPERM; readlink -EINVAL; setattr and getattr
 *   fall back to the generic in-inode versions.
 */
struct inode_ops {
	int (*lookup)(struct inode *dir, struct dentry *dentry);
	int (*create)(struct inode *dir, struct dentry *dentry, umode_t mode,
		      const struct cred *cred);
	int (*mkdir)(struct inode *dir, struct dentry *dentry, umode_t mode,
		     const struct cred *cred);
	int (*mknod)(struct inode *dir, struct dentry *dentry, umode_t mode,
		     dev_t rdev, const struct cred *cred);
	int (*symlink)(struct inode *dir, struct dentry *dentry,
		       const char *target, const struct cred *cred);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *new);
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	/* The VFS has checked every POSIX rule; the fs moves the name and
	 * drops the victim (new_dentry's inode), if any. */
	int (*rename)(struct inode *old_dir, struct dentry *old_dentry,
		      struct inode *new_dir, struct dentry *new_dentry,
		      unsigned flags);
	int (*setattr)(struct dentry *dentry, const struct iattr *attr);
	int (*getattr)(struct dentry *dentry, struct kstat *st);
	/* Copies the target (no NUL) into a kernel buffer; returns length. */
	ssize_t (*readlink)(struct dentry *dentry, char *buf, size_t len);
};

/*
 * Missing slots: open and release do nothing; read, write -EINVAL;
 * llseek -ESPIPE (files that seek set generic_file_llseek); readdir
 * -ENOTDIR; ioctl -ENOTTY; poll reports readable and writable (Linux's
 * DEFAULT_POLLMASK); mmap -ENODEV; fsync -EINVAL.
 */
struct file_ops {
	int (*open)(struct inode *inode, struct file *file);
	void (*release)(struct inode *inode, struct file *file);
	ssize_t (*read)(struct file *file, struct iov_iter *to, loff_t *pos);
	ssize_t (*write)(struct file *file, struct iov_iter *from,
			 loff_t *pos);
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	int (*readdir)(struct file *file, struct dir_context *ctx);
	long (*ioctl)(struct file *file, unsigned cmd, unsigned long arg);
	unsigned (*poll)(struct file *file, struct poll_table *pt);
	int (*mmap)(struct file *file, struct vm_area *vma);
	int (*fsync)(struct file *file, bool datasync);
};

/*
 * How a page cache gets data it does not hold and accounts for pages.
 * readpage NULL: a missing page is a hole and reads as zeros (tmpfs).
 * charge is called before a page is added and may refuse it (-ENOSPC
 * when a tmpfs is full); uncharge after pages are dropped.  Both NULL:
 * no accounting.
 */
struct address_space;
struct aspace_ops {
	int (*readpage)(struct address_space *as, uint64_t index, void *buf);
	int (*charge)(struct address_space *as, uint64_t pages);
	void (*uncharge)(struct address_space *as, uint64_t pages);
};

/* ---- objects ----------------------------------------------------------- */

/*
 * The page cache of one inode: pages indexed by file offset / PAGE_SIZE in
 * a radix tree of 64-way nodes.  [T] tree_lock
 */
struct address_space {
	struct spinlock tree_lock;
	struct inode *host;			/* [I] */
	const struct aspace_ops *ops;		/* [I] */
	void *root;				/* [T] radix tree */
	unsigned height;			/* [T] levels below root */
	uint64_t nrpages;			/* [T] */
};

struct file_system_type {
	const char *name;
	/* Fill in sb->s_root (and the rest); @data is the mount options. */
	int (*fill_super)(struct super_block *sb, const char *source,
			  const char *data);
	struct list_head list;			/* fs_types, [namespace_lock] */
};

/* [I] set at mount, then constant  [A] atomic  [R] s_rename_lock */
struct super_block {
	const struct super_ops *s_op;		/* [I] */
	struct file_system_type *s_type;	/* [I] */
	struct dentry *s_root;			/* [I] reference held */
	dev_t s_dev;				/* [I] anonymous device number */
	uint32_t s_flags;			/* [I] SB_* */
	uint32_t s_blocksize;			/* [I] */
	uint64_t s_maxbytes;			/* [I] largest file */
	uint64_t s_nr_inodes;			/* [A] live inodes */
	uint64_t s_nr_dentries;			/* [A] live dentries */
	struct mutex s_rename_lock;
	void *s_fs_info;			/* file system's own */
};

#define SB_RDONLY	1u

/*
 * [I] immutable after creation  [L] i_lock  [A] atomic
 * A file system may read and write the [L] fields with i_lock held, or
 * with nobody else able to see the inode yet.
 */
struct inode {
	uint64_t i_ino;				/* [I] */
	umode_t i_mode;				/* [L] type bits [I] */
	kuid_t i_uid;				/* [L] */
	kgid_t i_gid;				/* [L] */
	uint32_t i_nlink;			/* [L] */
	dev_t i_rdev;				/* [I] device nodes */
	uint64_t i_size;			/* [L] writes, truncate */
	uint64_t i_blocks;			/* [L] 512-byte units in use */
	struct vfs_time i_atime, i_mtime, i_ctime;	/* [L] */
	uint32_t i_count;			/* [A] */
	struct super_block *i_sb;		/* [I] */
	const struct inode_ops *i_op;		/* [I] */
	const struct file_ops *i_fop;		/* [I] */
	struct mutex i_lock;
	struct address_space i_data;		/* the page cache */
	void *i_private;
};

struct qstr {
	const char *name;			/* not NUL-terminated */
	uint32_t len;
	uint32_t hash;
};

#define DNAME_INLINE_LEN 40

/* [D] dcache_lock  [I] immutable  [N] namespace_lock */
struct dentry {
	uint32_t d_count;			/* [D] */
	uint32_t d_flags;			/* [D] DCACHE_* */
	uint32_t d_mounted;			/* [N] mounts on this dentry */
	struct dentry *d_parent;		/* [D] reference held; root: self */
	struct inode *d_inode;			/* [D] NULL: negative */
	struct super_block *d_sb;		/* [I] */
	struct qstr d_name;			/* [D] */
	struct list_head d_hash;		/* [D] */
	struct list_head d_lru;			/* [D] unused dentries */
	char d_iname[DNAME_INLINE_LEN];		/* short names live here */
};

#define DCACHE_HASHED	1u	/* findable by lookup */
#define DCACHE_ON_LRU	2u

/* [I] immutable  [N] namespace_lock  [M] mount_lock */
struct mount {
	struct mount *m_parent;			/* [N] self for the root */
	struct dentry *m_mountpoint;		/* [N] reference held */
	struct dentry *m_root;			/* [I] reference held */
	struct super_block *m_sb;		/* [I] */
	uint32_t m_count;			/* [M] */
	uint32_t m_flags;			/* [N] MNT_* */
	struct list_head m_hash;		/* [M] all mounts */
	char m_source[32];			/* [I] for listings */
};

#define MNT_RDONLY	1u
#define MNT_NOSUID	2u
#define MNT_NODEV	4u
#define MNT_NOEXEC	8u

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* FMODE_*: what this open file may do, fixed at open. */
#define FMODE_READ	1u
#define FMODE_WRITE	2u
#define FMODE_LSEEK	4u

/* [I] immutable  [A] atomic  [P] f_pos_lock
 * f_flags is set at open; fcntl(F_SETFL) will need a lock for it. */
struct file {
	struct path f_path;			/* [I] reference held */
	struct inode *f_inode;			/* [I] */
	const struct file_ops *f_op;		/* [I] */
	uint32_t f_mode;			/* [I] FMODE_* */
	uint32_t f_flags;			/* [I] O_* status flags */
	uint32_t f_count;			/* [A] */
	loff_t f_pos;				/* [P] */
	struct mutex f_pos_lock;
	void *private_data;
};

/* ---- attributes -------------------------------------------------------- */

struct kstat {
	dev_t dev;
	uint64_t ino;
	umode_t mode;
	uint32_t nlink;
	kuid_t uid;
	kgid_t gid;
	dev_t rdev;
	uint64_t size;
	uint32_t blksize;
	uint64_t blocks;
	struct vfs_time atime, mtime, ctime;
};

struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen;
};

#define ATTR_MODE	(1u << 0)
#define ATTR_UID	(1u << 1)
#define ATTR_GID	(1u << 2)
#define ATTR_SIZE	(1u << 3)
#define ATTR_ATIME	(1u << 4)
#define ATTR_MTIME	(1u << 5)
#define ATTR_CTIME	(1u << 6)

struct iattr {
	unsigned valid;				/* ATTR_* */
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	uint64_t size;
	struct vfs_time atime, mtime, ctime;
};

/*
 * readdir: the file system calls dir_emit() for each entry from ctx->pos
 * on, and sets ctx->pos to the position of the next entry after each one
 * accepted; dir_emit() returns false when the caller's buffer is full
 * (the entry was not taken and will come first next time).
 */
struct dir_context {
	bool (*actor)(struct dir_context *ctx, const char *name, size_t len,
		      uint64_t ino, unsigned type);
	loff_t pos;
};

static inline bool dir_emit(struct dir_context *ctx, const char *name,
			    size_t len, uint64_t ino, unsigned type)
{
	return ctx->actor(ctx, name, len, ino, type);
}

/* ---- the caller's view: root, working directory, credentials, umask -- */

struct vfs_ctx {
	struct path root;
	struct path cwd;
	const struct cred *cred;
	umode_t umask;
};

/* Lookup flags. */
#define LOOKUP_FOLLOW		1u	/* follow a symlink in the last part */
#define LOOKUP_DIRECTORY	2u	/* the result must be a directory */
#define LOOKUP_EMPTY		4u	/* "" names the starting directory */

/* Access masks for inode_permission(). */
#define MAY_EXEC	1
#define MAY_WRITE	2
#define MAY_READ	4

/* ---- fs/inode.c -------------------------------------------------------- */
struct inode *inode_new(struct super_block *sb);	/* i_count 1 */
struct inode *igrab(struct inode *inode);		/* +1, returns inode */
void iput(struct inode *inode);				/* -1; may evict */
void inode_init_owner(struct inode *inode, const struct inode *dir,
		      umode_t mode, const struct cred *cred);
int inode_permission(const struct inode *inode, int mask,
		     const struct cred *cred);
bool inode_owner_or_root(const struct inode *inode, const struct cred *cred);
struct vfs_time vfs_now(void);
void inode_touch(struct inode *inode, struct vfs_time now, bool atime,
		 bool mtime, bool ctime);
void generic_fillattr(struct inode *inode, struct kstat *st);
int generic_setattr(struct dentry *dentry, const struct iattr *attr);
void vfs_stat_to_linux(const struct kstat *k, struct stat *out);
uint64_t vfs_nr_inodes(void);

/* ---- fs/dcache.c ------------------------------------------------------- */
void dcache_init(void);
struct dentry *d_alloc_root(struct inode *root_inode);	/* takes the ref */
struct dentry *d_lookup(struct dentry *parent, const struct qstr *name);
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name);
void d_add(struct dentry *dentry, struct inode *inode);	/* takes the ref */
void d_instantiate(struct dentry *dentry, struct inode *inode); /* same */
void d_delete(struct dentry *dentry);	/* after unlink/rmdir succeeded */
void d_drop(struct dentry *dentry);	/* unhash; holders keep it */
void d_move(struct dentry *dentry, struct dentry *target);
struct dentry *dget(struct dentry *dentry);
struct dentry *dget_parent(struct dentry *dentry);
void dput(struct dentry *dentry);
struct inode *d_inode(const struct dentry *dentry);
bool d_is_ancestor(const struct dentry *anc, const struct dentry *d);
void qstr_init(struct qstr *q, const char *name, size_t len);
size_t dcache_prune(size_t max);	/* frees unused dentries */
void dcache_prune_sb(struct super_block *sb);
uint64_t dcache_nr_dentries(void);

/* ---- fs/mount.c -------------------------------------------------------- */
int register_filesystem(struct file_system_type *type);
int vfs_mount_root(const char *fstype, const char *data);
bool vfs_has_root(void);
void vfs_root_path(struct path *out);			/* referenced */
void path_get(const struct path *p);
void path_put(const struct path *p);
bool path_equal(const struct path *a, const struct path *b);
int vfs_mount(const struct vfs_ctx *ctx, const char *source,
	      const char *target, const char *fstype, unsigned mnt_flags,
	      const char *data);
int vfs_umount(const struct vfs_ctx *ctx, const char *target);
/* Steps into whatever is mounted on p (repeatedly); p stays referenced. */
void follow_mounts(struct path *p);
/* Moves p to its parent across mounts, stopping at root. */
void follow_dotdot(struct path *p, const struct path *root);
void vfs_ctx_init_kernel(struct vfs_ctx *ctx);	/* kernel_cred, "/" */
void vfs_ctx_release(struct vfs_ctx *ctx);
uint64_t vfs_nr_mounts(void);

/* ---- fs/namei.c -------------------------------------------------------- */
int vfs_path_lookup(const struct vfs_ctx *ctx, const struct path *at,
		    const char *name, unsigned flags, struct path *out);
int vfs_open(const struct vfs_ctx *ctx, const struct path *at,
	     const char *name, int flags, umode_t mode, struct file **out);
int vfs_mkdir(const struct vfs_ctx *ctx, const struct path *at,
	      const char *name, umode_t mode);
int vfs_mknod(const struct vfs_ctx *ctx, const struct path *at,
	      const char *name, umode_t mode, dev_t dev);
int vfs_symlink(const struct vfs_ctx *ctx, const char *target,
		const struct path *at, const char *name);
int vfs_link(const struct vfs_ctx *ctx, const struct path *old_at,
	     const char *old_name, const struct path *new_at,
	     const char *new_name, unsigned flags);
int vfs_unlink(const struct vfs_ctx *ctx, const struct path *at,
	       const char *name);
int vfs_rmdir(const struct vfs_ctx *ctx, const struct path *at,
	      const char *name);
int vfs_rename(const struct vfs_ctx *ctx, const struct path *old_at,
	       const char *old_name, const struct path *new_at,
	       const char *new_name, unsigned flags);
ssize_t vfs_readlink(const struct vfs_ctx *ctx, const struct path *at,
		     const char *name, char *buf, size_t len);
int vfs_stat(const struct vfs_ctx *ctx, const struct path *at,
	     const char *name, unsigned flags, struct kstat *st);
int vfs_setattr_path(const struct vfs_ctx *ctx, const struct path *at,
		     const char *name, unsigned flags, struct iattr *attr);
int vfs_truncate(const struct vfs_ctx *ctx, const struct path *at,
		 const char *name, uint64_t length);
int vfs_getattr(const struct path *p, struct kstat *st);
int vfs_setattr(const struct path *p, struct iattr *attr,
		const struct cred *cred);
int vfs_truncate_path(const struct path *p, uint64_t length,
		      const struct cred *cred, bool check_perm);

/* ---- fs/file.c --------------------------------------------------------- */
/* vfs_open()'s two halves: an empty file taken before anything visible
 * happens, then the open of @path into it (permission checks are the
 * caller's; character devices switch to their driver's ops here). */
struct file *file_alloc_empty(void);
int file_open_into(struct file *f, const struct path *path, int flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);
ssize_t vfs_read(struct file *f, struct iov_iter *to, loff_t *pos);
ssize_t vfs_write(struct file *f, struct iov_iter *from, loff_t *pos);
ssize_t kernel_read(struct file *f, void *buf, size_t len);	/* f_pos */
ssize_t kernel_write(struct file *f, const void *buf, size_t len);
ssize_t kernel_pread(struct file *f, void *buf, size_t len, loff_t pos);
ssize_t kernel_pwrite(struct file *f, const void *buf, size_t len,
		      loff_t pos);
loff_t vfs_llseek(struct file *f, loff_t offset, int whence);
loff_t generic_file_llseek(struct file *f, loff_t offset, int whence);
/* Read and write for regular files kept in the page cache (tmpfs, and
 * ext2 later): bounds, O_APPEND, EFBIG, i_size and times. */
ssize_t generic_file_read(struct file *f, struct iov_iter *to, loff_t *pos);
ssize_t generic_file_write(struct file *f, struct iov_iter *from,
			   loff_t *pos);
int vfs_readdir(struct file *f, struct dir_context *ctx);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_ftruncate(struct file *f, uint64_t length);
long vfs_ioctl(struct file *f, unsigned cmd, unsigned long arg);
unsigned vfs_poll(struct file *f, struct poll_table *pt);
int vfs_fsync(struct file *f, bool datasync);
uint64_t vfs_nr_files(void);

/* ---- fs/pagecache.c ---------------------------------------------------- */
void mapping_init(struct address_space *as, struct inode *host,
		  const struct aspace_ops *ops);
/* The page at @index with a reference, or NULL if none is cached. */
struct page *pagecache_find(struct address_space *as, uint64_t index);
/* Inserts @page (the cache takes the caller's reference); -EEXIST if a
 * page is already there. */
int pagecache_insert(struct address_space *as, uint64_t index,
		     struct page *page);
/* Cuts the cache to a file of @size bytes: drops every page wholly past
 * it and zeroes the rest of the page @size ends in, so a later extension
 * reads zeros.  Returns the pages dropped. */
uint64_t pagecache_truncate(struct address_space *as, uint64_t size);
/* Copies up to @n bytes at @pos out of the cache into @to; holes read
 * as zeros.  Stops early at a user-buffer fault.  Returns bytes copied or
 * -errno.  The caller bounds @n by the file size. */
ssize_t pagecache_read(struct address_space *as, struct iov_iter *to,
		       loff_t pos, size_t n);
/* Copies up to @n bytes from @from into the cache at @pos, adding pages
 * as needed.  Returns bytes copied, or -errno if none could be. */
ssize_t pagecache_write(struct address_space *as, struct iov_iter *from,
			loff_t pos, size_t n);

/* ---- fs/super.c -------------------------------------------------------- */
struct super_block *sb_alloc(struct file_system_type *type);
void sb_free(struct super_block *sb);

/* ---- fs/chrdev.c: character devices ----------------------------------- */
/*
 * Drivers register a file_ops table for a range of minors; opening a
 * character-device inode on any file system switches the file to that
 * table and calls its ->open.  An unregistered number opens with -ENXIO,
 * as on Linux.
 */
int chrdev_register(unsigned major, unsigned minor_first,
		    unsigned minor_count, const char *name,
		    const struct file_ops *fops);
const struct file_ops *chrdev_lookup(dev_t dev);

/* ---- fs/devfs.c: /dev ---------------------------------------------------- */
/* devtmpfs: a tmpfs whose nodes drivers add; mounted on /dev at boot. */
int devfs_init(void);
int devfs_add_node(const char *name, umode_t mode, dev_t dev);

/* ---- fs/vfs.c: start-up ------------------------------------------------ */
/* Registers the file systems and mounts a tmpfs as "/" (@root_options are
 * its mount options, NULL for none). */
int vfs_init(const char *root_options);
/* Unmounts everything and drops the root: the unit tests' teardown. */
void vfs_shutdown(void);
/* fs/vfs_selftest.c: the test.vfs boot check; returns failed checks. */
unsigned vfs_selftest(void);
