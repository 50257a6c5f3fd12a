# Host unit tests: the pure kernel files (KCORE_SOURCES) built for the host
# with AddressSanitizer and UBSan into kcore_host, and one CMocka program
# per test file, each registered with ctest.
set(UNIT_CFLAGS -std=gnu11 -g -O1 -DBASALT_HOST_TEST
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -Wall -Wextra -Werror)
set(UNIT_LDFLAGS -fsanitize=address,undefined)

add_library(kcore_host STATIC ${KCORE_SOURCES})
target_include_directories(kcore_host PUBLIC ${CMAKE_SOURCE_DIR})
target_compile_options(kcore_host PRIVATE ${UNIT_CFLAGS})

# khost: kernel files that need allocation, locks and time (the VFS and
# file systems), built against the stand-ins in test/unit/shim/.  The shim
# folder comes first on the include path so its arch/arch.h replaces the
# real one.
add_library(khost STATIC ${KHOST_SOURCES}
	${CMAKE_SOURCE_DIR}/test/unit/shim/shim.c
	${CMAKE_SOURCE_DIR}/test/unit/shim/shim_vfs.c)
target_include_directories(khost BEFORE PUBLIC
	${CMAKE_SOURCE_DIR}/test/unit/shim)
target_include_directories(khost PUBLIC ${CMAKE_SOURCE_DIR})
target_include_directories(khost SYSTEM PUBLIC ${UAPI_DIR})
target_compile_options(khost PRIVATE ${UNIT_CFLAGS})
target_link_libraries(khost PUBLIC kcore_host)

# basalt_unit_test(NAME): test/unit/NAME.c linked with kcore_host.
function(basalt_unit_test name)
	add_executable(${name} ${CMAKE_SOURCE_DIR}/test/unit/${name}.c)
	target_compile_options(${name} PRIVATE ${UNIT_CFLAGS})
	target_link_options(${name} PRIVATE ${UNIT_LDFLAGS})
	target_link_libraries(${name} PRIVATE kcore_host cmocka)
	set_target_properties(${name} PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/unit)
	add_test(NAME ${name} COMMAND ${name})
endfunction()

# basalt_khost_test(NAME): like basalt_unit_test, over khost.
function(basalt_khost_test name)
	basalt_unit_test(${name})
	target_include_directories(${name} BEFORE PRIVATE
		${CMAKE_SOURCE_DIR}/test/unit/shim)
	target_link_libraries(${name} PRIVATE khost)
endfunction()

basalt_unit_test(test_format)
basalt_unit_test(test_string)	# includes kernel/lib/string.c itself
basalt_unit_test(test_cmdline)
basalt_unit_test(test_calendar)
basalt_unit_test(test_ksyms)
basalt_unit_test(test_cpio)
basalt_unit_test(test_memmap)
basalt_unit_test(test_buddy)
basalt_unit_test(test_slab)
basalt_unit_test(test_acpi)
basalt_unit_test(test_bootinfo)
basalt_unit_test(test_fbcon)
basalt_unit_test(test_chacha20)
basalt_khost_test(test_iov_iter)
basalt_unit_test(test_kmsg_format)
basalt_khost_test(test_vfs)
basalt_khost_test(test_tmpfs)
basalt_khost_test(test_devfs)
basalt_khost_test(test_initramfs)
basalt_khost_test(test_vfs_model)
