#pragma once
/*
 * CPIO "newc" archive reader (fs/cpio.c): a validating iterator over an
 * archive held in memory, such as the initramfs.  Pure: it only reads the
 * bytes it is given and never trusts a length field.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One archive member.  name and data point into the archive. */
struct cpio_entry {
	const char *name;	/* as stored, NUL-terminated */
	size_t name_len;	/* strlen(name) */
	const void *data;	/* file contents or symlink target */
	uint64_t size;		/* bytes at data */
	uint32_t ino, mode, uid, gid, nlink;
	uint64_t mtime;
	uint32_t dev_major, dev_minor;
	uint32_t rdev_major, rdev_minor;	/* device nodes */
};

struct cpio_iter {
	const uint8_t *base;	/* archive start; padding counts from it */
	size_t len;		/* archive bytes */
	size_t off;		/* next header */
	const char *error;	/* static message once cpio_next() failed */
	size_t error_off;	/* offset of the header that failed */
	bool done;		/* the last trailer was reached */
};

/* fs/cpio.c */
void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);
int cpio_next(struct cpio_iter *it, struct cpio_entry *out);
const char *cpio_type_char(uint32_t mode);
void cpio_mode_string(uint32_t mode, char out[11]);
