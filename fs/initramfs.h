#pragma once
/*
 * The initramfs: the CPIO "newc" archive the boot loader hands over as a
 * module, unpacked into the tmpfs root as Linux does.
 *
 *   fs/initramfs.c       unpacks an archive held in memory into the tree
 *                        under a vfs_ctx's root, and lists a tree; no
 *                        boot knowledge, so host tests drive it
 *   fs/initramfs_boot.c  finds and maps the boot module and runs both
 *                        at boot
 */
#include <stddef.h>
#include <stdint.h>
#include "kernel/bootinfo.h"

struct vfs_ctx;

/* What one initramfs_unpack() did. */
struct initramfs_stats {
	unsigned entries;	/* members unpacked (the trailer not counted) */
	unsigned skipped;	/* members reported and left out */
	unsigned archives;	/* archives begun (several may be joined) */
	uint64_t bytes;		/* data of unpacked members: file contents
				 * and symlink targets */
};

/* fs/initramfs.c */
int initramfs_unpack(const void *archive, size_t len,
		     const struct vfs_ctx *ctx, struct initramfs_stats *st);
void initramfs_list_tree(const struct vfs_ctx *ctx);

/* fs/initramfs_boot.c */
int initramfs_init(const struct boot_info *bi);
