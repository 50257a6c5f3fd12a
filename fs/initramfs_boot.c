/*
 * The initramfs at boot: find the boot module that holds it (the one
 * named "initramfs", else the first), make its bytes readable, unpack it
 * into the root file system with fs/initramfs.c, report what happened and
 * list the result at debug level.  A missing, unreadable or corrupt
 * module is reported and the kernel boots on with whatever got unpacked.
 *
 * Interface: initramfs_init(), called once from kmain() after vfs_init()
 * has mounted the tmpfs root.  Runs before anything else uses the tree,
 * so it takes no lock of its own.
 */
#include "fs/initramfs.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "mm/mm.h"

static const struct boot_module *pick_module(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nr_modules; i++)
		if (strcmp(bi->modules[i].name, "initramfs") == 0)
			return &bi->modules[i];
	return bi->nr_modules ? &bi->modules[0] : NULL;
}

/*
 * The module's bytes, readable: loaders put modules in RAM, which the
 * direct map covers; anything else the loader claims is mapped on demand
 * or, if that is impossible, refused.
 */
static const void *map_module(const struct boot_module *mod)
{
	uint64_t len = mod->end - mod->start;

	if (mod->end <= mod->start)
		return NULL;
	if (pmm_range_is_usable_ram(mod->start, len))
		return phys_to_virt(mod->start);
	return mm_map_phys(mod->start, len, false);
}

/*
 * Unpack the initramfs module of @bi into "/" and list the tree (debug
 * level).  Returns 0; -ENOENT without a module; -EINVAL if the module is
 * unreadable or corrupt (reported; what came before the damage stays
 * unpacked).  The archive's memory goes back to the page allocator
 * afterwards, as Linux frees the initrd.  May sleep.
 */
int initramfs_init(const struct boot_info *bi)
{
	const struct boot_module *mod = pick_module(bi);
	struct initramfs_stats st;
	struct vfs_ctx ctx;
	const void *archive;
	uint64_t freed;
	int err;

	if (!mod) {
		pr_warn("initramfs: no boot module given: booting without one");
		return -ENOENT;
	}
	archive = map_module(mod);
	if (!archive) {
		pr_err("initramfs: module at %#llx-%#llx is empty or not "
		       "readable; booting without it",
		       (unsigned long long)mod->start,
		       (unsigned long long)mod->end);
		return -EINVAL;
	}

	vfs_ctx_init_kernel(&ctx);
	err = initramfs_unpack(archive, (size_t)(mod->end - mod->start), &ctx,
			       &st);
	pr_info("initramfs: unpacked %u entries (%llu bytes) from %u "
		"archive(s), skipped %u", st.entries,
		(unsigned long long)st.bytes, st.archives, st.skipped);
	freed = pmm_release_boot_module(mod->start, mod->end);
	if (freed)
		pr_info("initramfs: freed %llu KiB of archive memory",
			(unsigned long long)freed / 1024);
	initramfs_list_tree(&ctx);
	vfs_ctx_release(&ctx);
	return err;
}
