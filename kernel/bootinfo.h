#pragma once
/*
 * What the boot loader told us, in one protocol-neutral form.  Filled from
 * Multiboot2 tags (arch/x86_64/boot_mb2.c) or from the PVH start info
 * (arch/x86_64/boot_pvh.c) before memory management starts, so everything
 * here is copied into fixed arrays: nothing points back into loader memory
 * except the physical ranges it describes.
 */
#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_MMAP		128
#define BOOT_MAX_MODULES	8
#define BOOT_CMDLINE_MAX	1024
#define BOOT_MODNAME_MAX	64

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIM = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

/*
 * Multiboot2 and PVH both number memory types as the BIOS E820 call does
 * (1 RAM, 3 ACPI tables, 4 ACPI NVS, 5 bad); anything else is reserved.
 */
static inline uint32_t boot_mem_type_from_e820(uint32_t e820_type)
{
	switch (e820_type) {
	case 1:
		return BOOT_MEM_USABLE;
	case 3:
		return BOOT_MEM_ACPI_RECLAIM;
	case 4:
		return BOOT_MEM_ACPI_NVS;
	case 5:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

struct boot_mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* enum boot_mem_type */
};

struct boot_module {
	uint64_t start;		/* physical, inclusive */
	uint64_t end;		/* physical, exclusive */
	char name[BOOT_MODNAME_MAX];	/* module command line, may be "" */
};

enum boot_fb_type {
	BOOT_FB_NONE = 0,
	BOOT_FB_RGB = 1,
	BOOT_FB_EGA_TEXT = 2,
};

struct boot_framebuffer {
	uint32_t type;		/* enum boot_fb_type */
	uint64_t addr;		/* physical */
	uint32_t pitch;		/* bytes per row */
	uint32_t width;		/* pixels, or columns for EGA text */
	uint32_t height;	/* pixels, or rows for EGA text */
	uint8_t bpp;
	uint8_t red_pos, red_size;
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

enum boot_protocol {
	BOOT_PROTO_MULTIBOOT2 = 1,
	BOOT_PROTO_PVH = 2,
};

struct boot_info {
	uint32_t protocol;	/* enum boot_protocol */
	char loader_name[64];
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;

	unsigned nr_mmap;
	struct boot_mem_range mmap[BOOT_MAX_MMAP];

	unsigned nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];

	struct boot_framebuffer fb;

	/* Physical address of the RSDP; 0 if the loader gave none. */
	uint64_t rsdp_phys;
	/* Copy of the RSDP from a Multiboot2 tag (tags 14/15); 0 bytes if none. */
	uint8_t rsdp_copy[36];
	uint32_t rsdp_copy_len;

	/* Physical extent of the loader's own info block, to keep it reserved. */
	uint64_t info_start, info_end;
};

/* arch/x86_64/boot_mb2.c: parse a Multiboot2 information block. */
int mb2_parse(const void *info, uint64_t info_phys, uint32_t avail,
	      struct boot_info *out);
/* arch/x86_64/boot_pvh.c: parse a PVH hvm_start_info through @map. */
struct boot_mapper {
	/* Return a pointer to @len bytes at physical @phys, or NULL. */
	const void *(*map)(void *ctx, uint64_t phys, uint64_t len);
	void *ctx;
};
int pvh_parse(const struct boot_mapper *m, uint64_t start_info_phys,
	      struct boot_info *out);
