#pragma once
/*
 * Declarations shared inside fs/ only.  Everything the rest of the kernel
 * may call is in fs/vfs.h.
 */
#include "fs/vfs.h"

/* fs/tmpfs.c: "tmpfs" and "devtmpfs" (the same code; devtmpfs is what
 * fs/devfs.c mounts on /dev). */
extern struct file_system_type tmpfs_fs_type;
extern struct file_system_type devtmpfs_fs_type;

/* fs/tmpfs.c: mount option "size=" in bytes (with k, m, g suffixes) and
 * "nr_inodes="; the default size cap is half of RAM, as Linux's. */
uint64_t tmpfs_default_size(void);

/* fs/mount.c */
struct mount *mntget(struct mount *m);	/* +1, returns m */
void mntput(struct mount *m);		/* -1; the last frees an unmounted m */

/* fs/namei.c: the last component of a path and the directory it is in. */
struct nameidata_last {
	struct path parent;	/* referenced */
	struct qstr last;	/* points into the caller's buffer */
	bool trailing_slash;	/* "name/" */
	int last_type;		/* LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT */
};
enum { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };
