/*
 * Xen PVH start-of-day information parser.
 *
 * A PVH boot (QEMU -kernel with an ELF carrying the Xen PVH note) enters
 * the kernel with %ebx holding the physical address of a
 * struct hvm_start_info:
 *
 *    0 magic (0x336ec578)   4 version   8 flags   12 nr_modules
 *   16 modlist_paddr       24 cmdline_paddr       32 rsdp_paddr
 *   40 memmap_paddr        48 memmap_entries      52 reserved   (v1+)
 *
 * modlist_paddr points at nr_modules entries {paddr, size, cmdline_paddr,
 * reserved} of 32 bytes; memmap_paddr at memmap_entries E820-style
 * entries {addr, size, u32 type, u32 reserved} of 24 bytes.  A zero
 * address means "not present".
 *
 * Everything is reached through the caller's struct boot_mapper with
 * bounded lengths, and each mapped pointer is used only until the next
 * map() call.  Strings are read through a window of at most the
 * destination size.  Only the first BOOT_MAX_MODULES modules and
 * BOOT_MAX_MMAP memory ranges are looked at.  A version 0 structure has
 * no memory map; we then return 0 with nr_mmap == 0 and the kernel must
 * find memory another way.
 *
 * Pure (kcore) though it lives under arch/.  Interface: pvh_parse().
 */
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

#define PVH_MAGIC		0x336ec578u
#define PVH_INFO_V0_LEN		40
#define PVH_INFO_V1_LEN		56
#define PVH_MODLIST_ENTRY_LEN	32
#define PVH_MEMMAP_ENTRY_LEN	24
#define PVH_PAGE_SIZE		4096u

/* The fields of hvm_start_info we use, copied out of the mapping. */
struct pvh_start {
	uint32_t version;
	uint32_t nr_modules;
	uint64_t modlist;
	uint64_t cmdline;
	uint64_t rsdp;
	uint64_t memmap;
	uint32_t memmap_entries;
};

static inline uint32_t rd32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 |
	       (uint32_t)p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
}

static inline uint64_t rd64(const uint8_t *p, size_t off)
{
	return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static const uint8_t *pvh_map(const struct boot_mapper *m, uint64_t phys,
			      uint64_t len)
{
	if (phys == 0 || len == 0 || phys > UINT64_MAX - len)
		return NULL;
	return m->map(m->ctx, phys, len);
}

/*
 * Copy the C string at physical @phys into @dst (@cap bytes, always
 * NUL-terminated).  We map a @cap-byte window; if that is refused (the
 * string sits near the end of mappable memory) we retry with the window
 * up to the next page boundary.  Returns true if no NUL was found within
 * the window and the copy was cut short; an unmappable or absent string
 * reads as "".
 */
static bool pvh_read_string(const struct boot_mapper *m, uint64_t phys,
			    char *dst, size_t cap)
{
	const uint8_t *p;
	size_t window = cap, n;

	dst[0] = '\0';
	p = pvh_map(m, phys, window);
	if (!p) {
		window = PVH_PAGE_SIZE - (phys & (PVH_PAGE_SIZE - 1));
		window = MIN(window, cap);
		p = pvh_map(m, phys, window);
		if (!p)
			return false;
	}
	n = strnlen((const char *)p, window);
	if (n < window) {
		memcpy(dst, p, n + 1);
		return false;
	}
	n = MIN(window, cap - 1);
	memcpy(dst, p, n);
	dst[n] = '\0';
	return true;
}

static void pvh_modules(const struct boot_mapper *m,
			const struct pvh_start *si, struct boot_info *out)
{
	struct boot_module *mod;
	uint64_t paddr, size, name;
	const uint8_t *e;
	uint32_t i, n = MIN(si->nr_modules, (uint32_t)BOOT_MAX_MODULES);
	uint64_t at;

	if (si->modlist == 0)
		return;
	for (i = 0; i < n; i++) {
		at = si->modlist + (uint64_t)i * PVH_MODLIST_ENTRY_LEN;
		e = pvh_map(m, at, PVH_MODLIST_ENTRY_LEN);
		if (!e)
			continue;
		paddr = rd64(e, 0);
		size = rd64(e, 8);
		name = rd64(e, 16);
		if (paddr == 0 || paddr > UINT64_MAX - size)
			continue;
		mod = &out->modules[out->nr_modules++];
		mod->start = paddr;
		mod->end = paddr + size;
		/* The entry mapping is dead after this call. */
		pvh_read_string(m, name, mod->name, sizeof(mod->name));
	}
}

static void pvh_memmap(const struct boot_mapper *m,
		       const struct pvh_start *si, struct boot_info *out)
{
	struct boot_mem_range *r;
	const uint8_t *tab, *e;
	uint64_t base, len;
	uint32_t i, n = MIN(si->memmap_entries, (uint32_t)BOOT_MAX_MMAP);

	if (si->version < 1 || si->memmap == 0 || n == 0)
		return;
	tab = pvh_map(m, si->memmap, (uint64_t)n * PVH_MEMMAP_ENTRY_LEN);
	if (!tab)
		return;
	for (i = 0; i < n; i++) {
		e = tab + (size_t)i * PVH_MEMMAP_ENTRY_LEN;
		base = rd64(e, 0);
		len = rd64(e, 8);
		if (len == 0 || base > UINT64_MAX - len)
			continue;
		r = &out->mmap[out->nr_mmap++];
		r->base = base;
		r->len = len;
		r->type = boot_mem_type_from_e820(rd32(e, 16));
	}
}

/*
 * Parse the hvm_start_info at physical @start_info_phys through @m into
 * *out (zeroed first).  Returns 0, -EFAULT if the structure cannot be
 * mapped, or -EINVAL on a bad magic.  Unmappable command lines, modules
 * or memory maps are left out (empty) rather than failing the boot; a
 * version 0 structure gives nr_mmap == 0.  Pure; no locks.
 */
int pvh_parse(const struct boot_mapper *m, uint64_t start_info_phys,
	      struct boot_info *out)
{
	struct pvh_start si = { 0 };
	const uint8_t *p;
	uint64_t info_len = PVH_INFO_V0_LEN;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!m || !m->map)
		return -EINVAL;
	p = pvh_map(m, start_info_phys, PVH_INFO_V0_LEN);
	if (!p)
		return -EFAULT;
	if (rd32(p, 0) != PVH_MAGIC)
		return -EINVAL;
	si.version = rd32(p, 4);
	si.nr_modules = rd32(p, 12);
	si.modlist = rd64(p, 16);
	si.cmdline = rd64(p, 24);
	si.rsdp = rd64(p, 32);
	if (si.version >= 1) {
		p = pvh_map(m, start_info_phys, PVH_INFO_V1_LEN);
		if (p) {
			si.memmap = rd64(p, 40);
			si.memmap_entries = rd32(p, 48);
			info_len = PVH_INFO_V1_LEN;
		}
	}

	out->protocol = BOOT_PROTO_PVH;
	out->rsdp_phys = si.rsdp;
	out->info_start = start_info_phys;
	out->info_end = start_info_phys + info_len;
	out->cmdline_truncated = pvh_read_string(m, si.cmdline, out->cmdline,
						 sizeof(out->cmdline));
	pvh_modules(m, &si, out);
	pvh_memmap(m, &si, out);
	return 0;
}
