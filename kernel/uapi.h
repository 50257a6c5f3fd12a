#pragma once
/*
 * Linux's user-space ABI, taken from the kernel's UAPI headers (Debian's
 * linux-libc-dev) instead of retyped: file modes, open and *at() flags,
 * struct stat and statx, seek and poll constants, limits.  The build
 * copies only the UAPI folders (linux/, asm/, asm-generic/) into
 * build/uapi and puts that on the include path, so no libc header can
 * sneak into the kernel this way.
 *
 * linux/stat.h hides S_IFMT and friends from glibc programs (glibc's
 * <sys/stat.h> has its own).  In the host unit tests glibc is always
 * there (even <stdint.h> brings it), so __GLIBC__ is hidden around that
 * one include; tests then must not include <sys/stat.h> or <fcntl.h>.
 */
#ifdef __GLIBC__
#undef __GLIBC__
#include <linux/stat.h>
#define __GLIBC__ 2	/* glibc's major version, 2 since 1997 */
#else
#include <linux/stat.h>
#endif
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/poll.h>
#include <asm/stat.h>


/* Linux's kernel-internal shorthands for permission bits. */
#define S_IRWXUGO	(S_IRWXU | S_IRWXG | S_IRWXO)
#define S_IALLUGO	(S_ISUID | S_ISGID | S_ISVTX | S_IRWXUGO)

/* Directory entry types (d_type): Linux keeps these out of its UAPI. */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

static inline unsigned mode_to_dtype(unsigned mode)
{
	return (mode & S_IFMT) >> 12;
}

/* Linux's symlink limit: total links followed during one lookup. */
#define MAXSYMLINKS	40
