# mm/: physical pages, kernel heap, kernel stacks.
set(dir ${CMAKE_CURRENT_LIST_DIR})
list(APPEND KERNEL_SOURCES
	${dir}/page_alloc.c
	${dir}/kmalloc.c
	${dir}/kstack.c
	${dir}/reclaim.c
	${dir}/mm_selftest.c)
list(APPEND KCORE_SOURCES
	${dir}/buddy.c
	${dir}/memmap.c
	${dir}/slab.c)
