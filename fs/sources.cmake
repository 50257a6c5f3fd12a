# fs/: the VFS, tmpfs, devfs and the initramfs.  The VFS and the file
# systems build on the host too (KHOST_SOURCES, against test/unit/shim/).
set(dir ${CMAKE_CURRENT_LIST_DIR})
list(APPEND KERNEL_SOURCES
	${dir}/initramfs_boot.c
	${dir}/vfs_selftest.c)
list(APPEND KHOST_SOURCES
	${dir}/inode.c
	${dir}/super.c
	${dir}/dcache.c
	${dir}/mount.c
	${dir}/namei.c
	${dir}/file.c
	${dir}/pagecache.c
	${dir}/vfs.c
	${dir}/tmpfs.c
	${dir}/chrdev.c
	${dir}/devfs.c
	${dir}/initramfs.c)
list(APPEND KCORE_SOURCES
	${dir}/cpio.c)
