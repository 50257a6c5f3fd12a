#pragma once
/*
 * The initramfs, kernel side (fs/initramfs.c): find the boot module that
 * holds the CPIO archive and walk it.  Unpacking into a tmpfs root comes
 * with the VFS; for now the walk validates the archive and lists it.
 */
#include "kernel/bootinfo.h"

int initramfs_init(const struct boot_info *bi);
