#pragma once
/*
 * Moving bytes between the kernel and user space.
 *
 * Every user pointer goes through these, never through a plain
 * dereference, so that a bad pointer from a program is an -EFAULT and not
 * a kernel fault.  They return the number of bytes NOT copied (0 on
 * success), as Linux's do; callers turn a non-zero result into -EFAULT.
 *
 * struct iov_iter is how file code sees a buffer without caring whose it
 * is: a list of segments that are either user addresses (read(2) and
 * readv(2) later) or kernel addresses (the kernel's own file API, the
 * initramfs unpacker, tests).  A file system's read copies out with
 * copy_to_iter() and a short count means the user buffer faulted.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __user

/* First address above user space (canonical lower half). */
#define USER_SPACE_END	0x0000800000000000ull

/* arch/x86_64/uaccess.c (the host tests have a shim) */
size_t copy_to_user(void __user *dst, const void *src, size_t n);
size_t copy_from_user(void *dst, const void __user *src, size_t n);
size_t clear_user(void __user *dst, size_t n);
/* Length copied (excluding the NUL, which is copied too), or -EFAULT, or
 * @max if no NUL came within @max bytes. */
long strncpy_from_user(char *dst, const char __user *src, size_t max);

/* Does [p, p + n) lie inside user space? */
static inline bool user_range_ok(const void __user *p, size_t n)
{
	uint64_t a = (uint64_t)p;

	return a < USER_SPACE_END && n <= USER_SPACE_END - a;
}

/* One segment; laid out as struct iovec, so a user iovec array can be
 * copied in and used as it is. */
struct kvec {
	void *base;
	size_t len;
};

struct iov_iter {
	bool user;		/* segments hold user addresses */
	const struct kvec *seg;	/* current segment */
	unsigned long nr_segs;	/* segments left, including *seg */
	size_t seg_off;		/* bytes of *seg already used */
	size_t count;		/* bytes left over all segments */
	struct kvec single;	/* storage for iov_iter_buf() */
};

/* kernel/iov_iter.c */
void iov_iter_init(struct iov_iter *it, bool user, const struct kvec *segs,
		   unsigned long nr_segs);
void iov_iter_buf(struct iov_iter *it, bool user, void *buf, size_t len);
size_t copy_to_iter(const void *src, size_t n, struct iov_iter *it);
size_t copy_from_iter(void *dst, size_t n, struct iov_iter *it);
size_t zero_to_iter(size_t n, struct iov_iter *it);
void iov_iter_advance(struct iov_iter *it, size_t n);

static inline size_t iov_iter_count(const struct iov_iter *it)
{
	return it->count;
}
