/*
 * Open file descriptions (struct file) and the calls made on them: the
 * vfs_*() wrappers that check the open mode and map a missing ops slot to
 * its documented error, the kernel's own read/write helpers, and the
 * generic read, write and seek of regular files kept in the page cache.
 *
 * A file holds its path (mount and dentry), so an open file keeps its
 * inode alive after unlink and its mount busy.  f_pos is guarded by
 * f_pos_lock: two threads sharing a description see each read or write
 * move the position as a whole, as POSIX requires of regular files.
 * Writes to one inode are serialised by its i_lock, which also makes
 * O_APPEND's "seek to end, write" atomic.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "mm/mm.h"

static uint64_t nr_files;	/* atomic: open descriptions */

uint64_t vfs_nr_files(void)
{
	return __atomic_load_n(&nr_files, __ATOMIC_RELAXED);
}

static const struct file_ops no_file_ops;

/* Which ops serve an inode: a character device's are its driver's. */
static int pick_file_ops(struct inode *inode, const struct file_ops **out)
{
	switch (inode->i_mode & S_IFMT) {
	case S_IFCHR:
		*out = chrdev_lookup(inode->i_rdev);
		return *out ? 0 : -ENXIO;
	case S_IFBLK:
		return -ENXIO;	/* no block devices yet */
	case S_IFIFO:
	case S_IFSOCK:
		return -ENXIO;	/* pipes and sockets come later */
	default:
		*out = inode->i_fop ? inode->i_fop : &no_file_ops;
		return 0;
	}
}

static uint32_t fmode_from_flags(int flags, const struct file_ops *fops)
{
	uint32_t mode = 0;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		mode = FMODE_READ;
		break;
	case O_WRONLY:
		mode = FMODE_WRITE;
		break;
	case O_RDWR:
		mode = FMODE_READ | FMODE_WRITE;
		break;
	}
	if (fops->llseek)
		mode |= FMODE_LSEEK;
	return mode;
}

/*
 * An empty open file, not yet counted: vfs_open() takes it before doing
 * anything visible, so running out of memory there changes nothing (as
 * Linux allocates its struct file first).  file_open_into() fills it or
 * frees it.
 */
struct file *file_alloc_empty(void)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->f_count = 1;
	mutex_init(&f->f_pos_lock, "f_pos_lock");
	return f;
}

/* Opens @path into @f (from file_alloc_empty(), freed on failure). */
int file_open_into(struct file *f, const struct path *path, int flags)
{
	struct inode *inode = path->dentry->d_inode;
	const struct file_ops *fops;
	int err;

	err = pick_file_ops(inode, &fops);
	if (err) {
		kfree(f);
		return err;
	}
	f->f_path = *path;
	path_get(path);
	f->f_inode = inode;
	f->f_op = fops;
	f->f_mode = fmode_from_flags(flags, fops);
	/* Creation-time flags and the descriptor flag are not status. */
	f->f_flags = (uint32_t)flags &
		     ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC |
				 O_CLOEXEC);
	if (fops->open) {
		err = fops->open(inode, f);
		if (err) {
			path_put(&f->f_path);
			kfree(f);
			return err;
		}
	}
	__atomic_add_fetch(&nr_files, 1, __ATOMIC_RELAXED);
	return 0;
}

struct file *file_get(struct file *f)
{
	__atomic_add_fetch(&f->f_count, 1, __ATOMIC_RELAXED);
	return f;
}

/* Drops a reference; the last one releases the file and its path. */
void file_put(struct file *f)
{
	if (!f)
		return;
	KASSERT(__atomic_load_n(&f->f_count, __ATOMIC_RELAXED) > 0);
	if (__atomic_sub_fetch(&f->f_count, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->f_op->release)
		f->f_op->release(f->f_inode, f);
	path_put(&f->f_path);
	kfree(f);
	__atomic_sub_fetch(&nr_files, 1, __ATOMIC_RELAXED);
}

ssize_t vfs_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return S_ISDIR(f->f_inode->i_mode) ? -EISDIR : -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	if (!iov_iter_count(to))
		return 0;
	return f->f_op->read(f, to, pos);
}

ssize_t vfs_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	if (!iov_iter_count(from))
		return 0;
	return f->f_op->write(f, from, pos);
}

/* read(2) and write(2) on a kernel buffer at the file position. */
ssize_t kernel_read(struct file *f, void *buf, size_t len)
{
	struct iov_iter it;
	ssize_t n;
	loff_t pos;

	iov_iter_buf(&it, false, buf, len);
	mutex_lock(&f->f_pos_lock);
	pos = f->f_pos;
	n = vfs_read(f, &it, &pos);
	if (n > 0)
		f->f_pos = pos;
	mutex_unlock(&f->f_pos_lock);
	return n;
}

ssize_t kernel_write(struct file *f, const void *buf, size_t len)
{
	struct iov_iter it;
	ssize_t n;
	loff_t pos;

	iov_iter_buf(&it, false, (void *)buf, len);
	mutex_lock(&f->f_pos_lock);
	pos = f->f_pos;
	n = vfs_write(f, &it, &pos);
	if (n > 0)
		f->f_pos = pos;
	mutex_unlock(&f->f_pos_lock);
	return n;
}

/* pread(2)/pwrite(2): an explicit position, f_pos untouched. */
ssize_t kernel_pread(struct file *f, void *buf, size_t len, loff_t pos)
{
	struct iov_iter it;

	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	iov_iter_buf(&it, false, buf, len);
	return vfs_read(f, &it, &pos);
}

ssize_t kernel_pwrite(struct file *f, const void *buf, size_t len,
		      loff_t pos)
{
	struct iov_iter it;

	if (!(f->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	iov_iter_buf(&it, false, (void *)buf, len);
	return vfs_write(f, &it, &pos);
}

loff_t vfs_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t r;

	if (!f->f_op->llseek)
		return -ESPIPE;
	mutex_lock(&f->f_pos_lock);
	r = f->f_op->llseek(f, offset, whence);
	mutex_unlock(&f->f_pos_lock);
	return r;
}

/*
 * lseek(2) for files whose size is i_size.  Holes are not tracked, so
 * SEEK_DATA finds data at once and SEEK_HOLE only at the end, which
 * Linux allows.  f_pos_lock held (vfs_llseek).
 */
loff_t generic_file_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t size = (loff_t)READ_ONCE(f->f_inode->i_size), base, pos;
	loff_t max = (loff_t)f->f_inode->i_sb->s_maxbytes;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->f_pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (offset < 0 || offset >= size)
			return -ENXIO;
		base = 0;
		if (whence == SEEK_HOLE)
			offset = size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, offset, &pos) || pos < 0 || pos > max)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

int vfs_readdir(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = f->f_inode;
	int err;

	if (!S_ISDIR(inode->i_mode) || !f->f_op->readdir)
		return -ENOTDIR;
	mutex_lock(&f->f_pos_lock);
	mutex_lock(&inode->i_lock);
	if (inode->i_nlink == 0) {
		err = -ENOENT;	/* removed while open: Linux lists nothing */
	} else {
		ctx->pos = f->f_pos;
		err = f->f_op->readdir(f, ctx);
		f->f_pos = ctx->pos;
	}
	mutex_unlock(&inode->i_lock);
	mutex_unlock(&f->f_pos_lock);
	return err;
}

int vfs_fstat(struct file *f, struct kstat *st)
{
	return vfs_getattr(&f->f_path, st);
}

int vfs_ftruncate(struct file *f, uint64_t length)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EINVAL;
	return vfs_truncate_path(&f->f_path, length, NULL, false);
}

long vfs_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	if (!f->f_op->ioctl)
		return -ENOTTY;
	return f->f_op->ioctl(f, cmd, arg);
}

unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
	if (!f->f_op->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return f->f_op->poll(f, pt);
}

int vfs_fsync(struct file *f, bool datasync)
{
	if (!f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, datasync);
}

/*
 * Linux's relatime: update atime only if it is older than mtime or ctime
 * or more than a day old, so reads rarely dirty the inode.
 */
static void touch_atime(struct file *f)
{
	struct inode *inode = f->f_inode;
	struct vfs_time now;

	if (f->f_flags & O_NOATIME)
		return;
	now = vfs_now();
	mutex_lock(&inode->i_lock);
	if (inode->i_atime.sec <= inode->i_mtime.sec ||
	    inode->i_atime.sec <= inode->i_ctime.sec ||
	    now.sec - inode->i_atime.sec >= 24 * 3600)
		inode->i_atime = now;
	mutex_unlock(&inode->i_lock);
}

ssize_t generic_file_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = f->f_inode;
	uint64_t size = READ_ONCE(inode->i_size);
	size_t n;
	ssize_t r;

	if ((uint64_t)*pos >= size)
		return 0;
	n = (size_t)MIN((uint64_t)iov_iter_count(to), size - (uint64_t)*pos);
	r = pagecache_read(&inode->i_data, to, *pos, n);
	if (r > 0) {
		*pos += r;
		touch_atime(f);
	}
	return r;
}

ssize_t generic_file_write(struct file *f, struct iov_iter *from,
			   loff_t *pos)
{
	struct inode *inode = f->f_inode;
	uint64_t max = inode->i_sb->s_maxbytes;
	size_t n;
	ssize_t r;

	mutex_lock(&inode->i_lock);
	if (f->f_flags & O_APPEND)
		*pos = (loff_t)inode->i_size;
	if ((uint64_t)*pos >= max) {
		r = -EFBIG;
		goto out;
	}
	n = (size_t)MIN((uint64_t)iov_iter_count(from), max - (uint64_t)*pos);
	r = pagecache_write(&inode->i_data, from, *pos, n);
	if (r > 0) {
		*pos += r;
		if ((uint64_t)*pos > inode->i_size)
			inode->i_size = (uint64_t)*pos;
		inode_touch(inode, vfs_now(), false, true, true);
	}
out:
	mutex_unlock(&inode->i_lock);
	return r;
}
