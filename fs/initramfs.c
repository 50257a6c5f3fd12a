/*
 * Find the initramfs among the boot modules (the one named "initramfs",
 * else the first), walk its CPIO entries with the validating parser in
 * fs/cpio.c, list them at debug level and report a summary.  A corrupt
 * archive is reported with its offset and reason and then ignored as a
 * whole: the kernel boots on without an initramfs.
 */
#include "fs/initramfs.h"
#include "fs/cpio.h"
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

static void log_entry(const struct cpio_entry *e)
{
	char mode[11];

	cpio_mode_string(e->mode, mode);
	pr_debug("initramfs:   %s %6llu %.*s", mode,
		 (unsigned long long)e->size, (int)e->name_len, e->name);
}

/*
 * Returns the number of entries, -ENOENT without a module, or -EINVAL for
 * a corrupt archive (already reported).
 */
int initramfs_init(const struct boot_info *bi)
{
	const struct boot_module *mod = pick_module(bi);
	const void *archive;
	struct cpio_iter it;
	struct cpio_entry e;
	uint64_t bytes = 0;
	int count = 0, r;

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
	cpio_iter_init(&it, archive, mod->end - mod->start);
	while ((r = cpio_next(&it, &e)) == 1) {
		log_entry(&e);
		bytes += e.size;
		count++;
	}
	if (r < 0) {
		pr_err("initramfs: corrupt archive at offset %zu: %s; "
		       "booting without it", it.error_off, it.error);
		return -EINVAL;
	}
	pr_info("initramfs: %d entries, %llu bytes of file data", count,
		(unsigned long long)bytes);
	return count;
}
