/*
 * Start-up of the file layer: the dentry cache, the built-in file
 * systems, and a tmpfs mounted as "/", into which the initramfs is then
 * unpacked (fs/initramfs.c) and on which /dev is mounted (fs/devfs.c).
 */
#include "fs/internal.h"
#include "kernel/printk.h"

int vfs_init(const char *root_options)
{
	int err;

	dcache_init();
	register_filesystem(&tmpfs_fs_type);
	register_filesystem(&devtmpfs_fs_type);
	/* Linux's rootfs root is 0755, not tmpfs's usual 1777. */
	err = vfs_mount_root("tmpfs", root_options ? root_options : "mode=0755");
	if (err && root_options) {
		pr_warn("vfs: rootflags=%s refused (error %d); using defaults",
			root_options, err);
		err = vfs_mount_root("tmpfs", "mode=0755");
	}
	if (err)
		pr_err("vfs: cannot mount the root tmpfs: error %d", err);
	return err;
}
