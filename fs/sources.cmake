# fs/: file systems.  For now the initramfs archive parser and its walk.
set(dir ${CMAKE_CURRENT_LIST_DIR})
list(APPEND KERNEL_SOURCES
	${dir}/initramfs.c)
list(APPEND KCORE_SOURCES
	${dir}/cpio.c)
