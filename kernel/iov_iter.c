/*
 * Segmented buffers for file I/O (see kernel/uaccess.h).  Copies walk the
 * segments in order; a user segment goes through copy_to_user() or
 * copy_from_user(), and the first fault stops the copy with the bytes
 * done so far, which is what read(2) and write(2) report back.
 */
#include "kernel/uaccess.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

/* The caller has checked that the lengths add up without overflow (the
 * readv(2) layer caps the total at SSIZE_MAX as Linux does). */
void iov_iter_init(struct iov_iter *it, bool user, const struct kvec *segs,
		   unsigned long nr_segs)
{
	it->user = user;
	it->seg = segs;
	it->nr_segs = nr_segs;
	it->seg_off = 0;
	it->count = 0;
	for (unsigned long i = 0; i < nr_segs; i++)
		it->count += segs[i].len;
}

/* One buffer: the iterator keeps the segment itself. */
void iov_iter_buf(struct iov_iter *it, bool user, void *buf, size_t len)
{
	it->single.base = buf;
	it->single.len = len;
	iov_iter_init(it, user, &it->single, 1);
}

/* Skip empty segments so that it->seg has room whenever count > 0. */
static void skip_used_segments(struct iov_iter *it)
{
	while (it->nr_segs && it->seg_off >= it->seg->len) {
		it->seg++;
		it->nr_segs--;
		it->seg_off = 0;
	}
}

void iov_iter_advance(struct iov_iter *it, size_t n)
{
	n = MIN(n, it->count);
	it->count -= n;
	while (n) {
		size_t step;

		skip_used_segments(it);
		step = MIN(n, it->seg->len - it->seg_off);
		it->seg_off += step;
		n -= step;
	}
	if (!it->count)
		skip_used_segments(it);
}

enum copy_dir { TO_ITER, FROM_ITER, ZERO_ITER };

/* Returns the bytes not copied in this piece (non-zero only on a fault). */
static size_t copy_piece(enum copy_dir dir, bool user, char *seg_ptr,
			 char *kptr, size_t n)
{
	switch (dir) {
	case TO_ITER:
		if (user)
			return copy_to_user(seg_ptr, kptr, n);
		memcpy(seg_ptr, kptr, n);
		return 0;
	case FROM_ITER:
		if (user)
			return copy_from_user(kptr, seg_ptr, n);
		memcpy(kptr, seg_ptr, n);
		return 0;
	case ZERO_ITER:
		if (user)
			return clear_user(seg_ptr, n);
		memset(seg_ptr, 0, n);
		return 0;
	}
	return n;
}

static size_t iterate(enum copy_dir dir, char *kbuf, size_t n,
		      struct iov_iter *it)
{
	size_t done = 0;

	n = MIN(n, it->count);
	while (done < n) {
		char *seg_ptr;
		size_t step, missed;

		skip_used_segments(it);
		seg_ptr = (char *)it->seg->base + it->seg_off;
		step = MIN(n - done, it->seg->len - it->seg_off);
		missed = copy_piece(dir, it->user, seg_ptr,
				    kbuf ? kbuf + done : NULL, step);
		step -= missed;
		it->seg_off += step;
		it->count -= step;
		done += step;
		if (missed)
			break;
	}
	return done;
}

size_t copy_to_iter(const void *src, size_t n, struct iov_iter *it)
{
	return iterate(TO_ITER, (char *)src, n, it);
}

size_t copy_from_iter(void *dst, size_t n, struct iov_iter *it)
{
	return iterate(FROM_ITER, dst, n, it);
}

size_t zero_to_iter(size_t n, struct iov_iter *it)
{
	return iterate(ZERO_ITER, NULL, n, it);
}
