# build/initramfs.cpio: the tree under initramfs/root plus device nodes
# that git cannot store.  Listed explicitly so a new file triggers a rebuild.
set(INITRAMFS_ROOT ${CMAKE_SOURCE_DIR}/initramfs/root)
set(INITRAMFS_FILES
	${INITRAMFS_ROOT}/etc/basalt-release
	${INITRAMFS_ROOT}/etc/motd)
set(INITRAMFS_CPIO ${CMAKE_BINARY_DIR}/initramfs.cpio)
add_custom_command(OUTPUT ${INITRAMFS_CPIO}
	COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/mkcpio.py
		--node /dev/console:c:5:1:600
		--node /dev/null:c:1:3:666
		${INITRAMFS_ROOT} ${INITRAMFS_CPIO}
	DEPENDS ${INITRAMFS_FILES} ${CMAKE_SOURCE_DIR}/scripts/mkcpio.py
	COMMENT "Packing initramfs.cpio")
add_custom_target(initramfs ALL DEPENDS ${INITRAMFS_CPIO})
