/*
 * Inodes: creation, reference counting, ownership, permission checks and
 * the generic attribute code every file system can use.
 *
 * An inode lives exactly as long as someone holds a reference (i_count).
 * When the last one goes, ->evict_inode frees what the inode owns (tmpfs:
 * its pages; ext2 later: its blocks, if i_nlink is 0) and ->destroy_inode
 * frees the object.  There is no cache of unreferenced inodes yet: tmpfs
 * keeps its inodes alive through its directory entries, and a disk file
 * system will add an inode cache in front of this when it comes.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/string.h"
#include "kernel/time.h"
#include "mm/mm.h"

static uint64_t nr_inodes;	/* atomic: live inodes, all file systems */

uint64_t vfs_nr_inodes(void)
{
	return __atomic_load_n(&nr_inodes, __ATOMIC_RELAXED);
}

/*
 * A new inode of @sb with one reference (the caller's), no links, mode 0
 * and the current time; the file system fills in the rest.  NULL when out
 * of memory.
 */
struct inode *inode_new(struct super_block *sb)
{
	struct inode *inode = sb->s_op->alloc_inode(sb);

	if (!inode)
		return NULL;
	memset(inode, 0, sizeof(*inode));
	inode->i_sb = sb;
	inode->i_count = 1;
	mutex_init(&inode->i_lock, "inode");
	mapping_init(&inode->i_data, inode, NULL);
	inode->i_atime = inode->i_mtime = inode->i_ctime = vfs_now();
	__atomic_add_fetch(&sb->s_nr_inodes, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&nr_inodes, 1, __ATOMIC_RELAXED);
	return inode;
}

/* Takes a reference; the caller must already hold one (or a dentry's). */
struct inode *igrab(struct inode *inode)
{
	KASSERT(__atomic_load_n(&inode->i_count, __ATOMIC_RELAXED) > 0);
	__atomic_add_fetch(&inode->i_count, 1, __ATOMIC_RELAXED);
	return inode;
}

/* Drops a reference; the last one evicts and frees the inode. */
void iput(struct inode *inode)
{
	struct super_block *sb;

	if (!inode)
		return;
	KASSERT(__atomic_load_n(&inode->i_count, __ATOMIC_RELAXED) > 0);
	if (__atomic_sub_fetch(&inode->i_count, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	sb = inode->i_sb;
	if (sb->s_op->evict_inode)
		sb->s_op->evict_inode(inode);
	KASSERT(inode->i_data.nrpages == 0);
	if (sb->s_op->destroy_inode)
		sb->s_op->destroy_inode(inode);
	else
		kfree(inode);
	__atomic_sub_fetch(&sb->s_nr_inodes, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&nr_inodes, 1, __ATOMIC_RELAXED);
}

/*
 * Owner and mode of a new inode as Linux sets them: the caller's fsuid;
 * the parent's group and (for directories) its setgid bit when the parent
 * is setgid, else the caller's fsgid.
 */
void inode_init_owner(struct inode *inode, const struct inode *dir,
		      umode_t mode, const struct cred *cred)
{
	inode->i_uid = cred->fsuid;
	if (dir && (dir->i_mode & S_ISGID)) {
		inode->i_gid = dir->i_gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	} else {
		inode->i_gid = cred->fsgid;
	}
	inode->i_mode = mode;
}

/*
 * May @cred access @inode for @mask (MAY_READ | MAY_WRITE | MAY_EXEC)?
 * The owner class, else the group class, else other, as POSIX says; root
 * may read and write anything, search any directory, and execute a file
 * if any execute bit is set (Linux's CAP_DAC_OVERRIDE).  0 or -EACCES.
 */
int inode_permission(const struct inode *inode, int mask,
		     const struct cred *cred)
{
	umode_t mode = inode->i_mode;
	unsigned granted;

	if (cred->fsuid == inode->i_uid)
		granted = (mode >> 6) & 7;
	else if (cred_in_group(cred, inode->i_gid))
		granted = (mode >> 3) & 7;
	else
		granted = mode & 7;
	if (((unsigned)mask & ~granted & 7) == 0)
		return 0;
	if (!cred_is_root(cred))
		return -EACCES;
	if (!(mask & MAY_EXEC) || S_ISDIR(mode) ||
	    (mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return 0;
	return -EACCES;
}

bool inode_owner_or_root(const struct inode *inode, const struct cred *cred)
{
	return cred_is_root(cred) || cred->fsuid == inode->i_uid;
}

struct vfs_time vfs_now(void)
{
	uint64_t ns = ktime_real_ns();

	return (struct vfs_time){ .sec = (int64_t)(ns / 1000000000),
				  .nsec = (uint32_t)(ns % 1000000000) };
}

/* Sets the chosen timestamps to @now (one reading of vfs_now() for all
 * the inodes an operation changes, so they agree).  Caller holds i_lock
 * or owns the inode exclusively. */
void inode_touch(struct inode *inode, struct vfs_time now, bool atime,
		 bool mtime, bool ctime)
{
	if (atime)
		inode->i_atime = now;
	if (mtime)
		inode->i_mtime = now;
	if (ctime)
		inode->i_ctime = now;
}

void generic_fillattr(struct inode *inode, struct kstat *st)
{
	st->dev = inode->i_sb->s_dev;
	st->ino = inode->i_ino;
	st->mode = inode->i_mode;
	st->nlink = inode->i_nlink;
	st->uid = inode->i_uid;
	st->gid = inode->i_gid;
	st->rdev = inode->i_rdev;
	st->size = inode->i_size;
	st->blksize = inode->i_sb->s_blocksize;
	st->blocks = inode->i_blocks;
	st->atime = inode->i_atime;
	st->mtime = inode->i_mtime;
	st->ctime = inode->i_ctime;
}

/*
 * Copies the attributes in @attr into the inode, except the size, which
 * needs the file system (truncate).  The VFS has checked permissions and
 * holds i_lock.
 */
int generic_setattr(struct dentry *dentry, const struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;

	if (attr->valid & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) |
				(attr->mode & (umode_t)~S_IFMT);
	if (attr->valid & ATTR_UID)
		inode->i_uid = attr->uid;
	if (attr->valid & ATTR_GID)
		inode->i_gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		inode->i_atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		inode->i_mtime = attr->mtime;
	if (attr->valid & ATTR_CTIME)
		inode->i_ctime = attr->ctime;
	return 0;
}

/* Linux's new_encode_dev(): the 32-bit st_dev/st_rdev encoding that
 * glibc's and musl's major()/minor() decode. */
static unsigned long encode_dev(dev_t dev)
{
	unsigned major = MAJOR(dev), minor = MINOR(dev);

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* struct kstat -> the x86_64 struct stat that stat(2) returns. */
void vfs_stat_to_linux(const struct kstat *k, struct stat *out)
{
	memset(out, 0, sizeof(*out));
	out->st_dev = encode_dev(k->dev);
	out->st_ino = k->ino;
	out->st_nlink = k->nlink;
	out->st_mode = k->mode;
	out->st_uid = k->uid;
	out->st_gid = k->gid;
	out->st_rdev = encode_dev(k->rdev);
	out->st_size = (long)k->size;
	out->st_blksize = k->blksize;
	out->st_blocks = (long)k->blocks;
	out->st_atime = (unsigned long)k->atime.sec;
	out->st_atime_nsec = k->atime.nsec;
	out->st_mtime = (unsigned long)k->mtime.sec;
	out->st_mtime_nsec = k->mtime.nsec;
	out->st_ctime = (unsigned long)k->ctime.sec;
	out->st_ctime_nsec = k->ctime.nsec;
}
