# build/basalt.iso: GRUB hybrid image (BIOS + UEFI, also bootable as a raw
# disk) holding the kernel, the initramfs and scripts/grub.cfg.
set(ISO_DIR ${CMAKE_BINARY_DIR}/iso)
set(ISO ${CMAKE_BINARY_DIR}/basalt.iso)
add_custom_command(OUTPUT ${ISO}
	COMMAND ${CMAKE_COMMAND} -E rm -rf ${ISO_DIR}
	COMMAND ${CMAKE_COMMAND} -E make_directory ${ISO_DIR}/boot/grub
	COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:basalt> ${ISO_DIR}/boot/basalt.elf
	COMMAND ${CMAKE_COMMAND} -E copy ${INITRAMFS_CPIO} ${ISO_DIR}/boot/initramfs.cpio
	COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/scripts/grub.cfg ${ISO_DIR}/boot/grub/grub.cfg
	COMMAND grub-mkrescue --quiet -o ${ISO} ${ISO_DIR} 2> ${CMAKE_BINARY_DIR}/grub-mkrescue.log
		|| (cat ${CMAKE_BINARY_DIR}/grub-mkrescue.log && false)
	DEPENDS basalt ${INITRAMFS_CPIO} ${CMAKE_SOURCE_DIR}/scripts/grub.cfg
	COMMENT "Building basalt.iso with grub-mkrescue")
add_custom_target(iso ALL DEPENDS ${ISO})
