/*
 * Multiboot2 boot information parser.
 *
 * GRUB leaves a block of tags in memory: a u32 total_size, a reserved u32,
 * then tags {u32 type, u32 size, payload} each starting on an 8-byte
 * boundary, closed by an end tag (type 0, size 8).  We copy what the
 * kernel needs into struct boot_info (kernel/bootinfo.h): command line,
 * loader name, modules, memory map, framebuffer and the RSDP copy.
 *
 * The block is untrusted input and the caller can only promise @avail
 * readable bytes at @info.  A first pass checks the framing alone:
 * total_size within [8, avail], every tag header and body inside
 * total_size, every size at least 8, and an end tag reached.  Any
 * failure there rejects the whole block with -EINVAL.  The second pass
 * decodes tags whose framing is now known good; a tag whose payload is
 * too small or inconsistent for its type is skipped on its own, strings
 * without a NUL end at the tag end, and arrays that overflow boot_info
 * keep their first entries.
 *
 * Lives under arch/ because only x86 boots this way, but it is pure
 * (kcore): it only reads @info and writes @out.
 * Interface: mb2_parse().
 */
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

#define MB2_HDR_LEN		8	/* info header; each tag header */
#define MB2_TAG_ALIGN		8
#define MB2_MODULE_LEN		16	/* header, mod_start, mod_end */
#define MB2_MMAP_HDR_LEN	16	/* + entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN	24
#define MB2_FB_COMMON_LEN	32
#define MB2_FB_RGB_LEN		38
#define MB2_RSDP_V1_LEN		20

enum mb2_fb_type {
	MB2_FB_INDEXED = 0,
	MB2_FB_RGB = 1,
	MB2_FB_EGA_TEXT = 2,
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

/*
 * Copy the string in @src[0..srclen) (ending at the first NUL, or at
 * srclen without one) into @dst of @cap bytes, always NUL-terminated.
 * Returns true if it had to be truncated.
 */
static bool mb2_copy_string(char *dst, size_t cap, const uint8_t *src,
			    size_t srclen)
{
	size_t n = strnlen((const char *)src, srclen);
	bool truncated = n > cap - 1;

	if (truncated)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return truncated;
}

/* Framing pass: every tag inside total_size, sizes sane, end tag found. */
static int mb2_check(const uint8_t *p, uint32_t total)
{
	uint64_t off = MB2_HDR_LEN;
	uint32_t size;

	while (off < total) {
		if (total - off < MB2_HDR_LEN)
			return -EINVAL;
		size = rd32(p, off + 4);
		if (size < MB2_HDR_LEN || size > total - off)
			return -EINVAL;
		if (rd32(p, off) == MB2_TAG_END)
			return 0;
		off += ALIGN_UP((uint64_t)size, MB2_TAG_ALIGN);
	}
	return -EINVAL;		/* no end tag */
}

static void mb2_module(const uint8_t *t, uint32_t size,
		       struct boot_info *out)
{
	struct boot_module *mod;
	uint32_t start, end;

	if (size < MB2_MODULE_LEN || out->nr_modules == BOOT_MAX_MODULES)
		return;
	start = rd32(t, 8);
	end = rd32(t, 12);
	if (end < start)
		return;
	mod = &out->modules[out->nr_modules++];
	mod->start = start;
	mod->end = end;
	mb2_copy_string(mod->name, sizeof(mod->name), t + MB2_MODULE_LEN,
			size - MB2_MODULE_LEN);
}

static void mb2_mmap(const uint8_t *t, uint32_t size, struct boot_info *out)
{
	struct boot_mem_range *r;
	uint32_t esize, off;
	uint64_t base, len;

	if (size < MB2_MMAP_HDR_LEN)
		return;
	esize = rd32(t, 8);
	if (esize < MB2_MMAP_ENTRY_MIN)
		return;		/* cannot be stepped through safely */
	for (off = MB2_MMAP_HDR_LEN; size - off >= esize; off += esize) {
		if (out->nr_mmap == BOOT_MAX_MMAP)
			return;
		base = rd64(t, off);
		len = rd64(t, off + 8);
		if (len == 0 || base > UINT64_MAX - len)
			continue;
		r = &out->mmap[out->nr_mmap++];
		r->base = base;
		r->len = len;
		r->type = boot_mem_type_from_e820(rd32(t, off + 16));
	}
}

static void mb2_framebuffer(const uint8_t *t, uint32_t size,
			    struct boot_info *out)
{
	struct boot_framebuffer fb = { 0 };

	if (size < MB2_FB_COMMON_LEN)
		return;
	switch (t[29]) {
	case MB2_FB_RGB:
		if (size < MB2_FB_RGB_LEN)
			return;
		fb.type = BOOT_FB_RGB;
		fb.red_pos = t[32];
		fb.red_size = t[33];
		fb.green_pos = t[34];
		fb.green_size = t[35];
		fb.blue_pos = t[36];
		fb.blue_size = t[37];
		break;
	case MB2_FB_EGA_TEXT:
		fb.type = BOOT_FB_EGA_TEXT;
		break;
	default:
		return;		/* indexed colour: not supported */
	}
	fb.addr = rd64(t, 8);
	fb.pitch = rd32(t, 16);
	fb.width = rd32(t, 20);
	fb.height = rd32(t, 24);
	fb.bpp = t[28];
	out->fb = fb;
}

/* Tags 14 and 15; a new (v2+) RSDP wins whatever the tag order. */
static void mb2_rsdp(const uint8_t *t, uint32_t size, bool is_new,
		     bool *have_new, struct boot_info *out)
{
	size_t n = size - MB2_HDR_LEN;

	if (n < MB2_RSDP_V1_LEN || (!is_new && *have_new))
		return;
	if (!is_new)
		n = MB2_RSDP_V1_LEN;
	n = MIN(n, sizeof(out->rsdp_copy));
	memset(out->rsdp_copy, 0, sizeof(out->rsdp_copy));
	memcpy(out->rsdp_copy, t + MB2_HDR_LEN, n);
	out->rsdp_copy_len = n;
	*have_new = is_new;
}

/*
 * Parse the Multiboot2 information block at @info (physical @info_phys),
 * of which the caller can read @avail bytes, into *out (zeroed first).
 * Returns 0, or -EINVAL if the block's framing is broken (bad total_size,
 * a tag outside the block or shorter than 8 bytes, no end tag); then *out
 * stays zeroed.  Malformed individual tags are skipped.  Pure; no locks.
 */
int mb2_parse(const void *info, uint64_t info_phys, uint32_t avail,
	      struct boot_info *out)
{
	const uint8_t *p = info, *t;
	bool have_new_rsdp = false;
	uint32_t total, type, size;
	uint64_t off;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!p || avail < MB2_HDR_LEN)
		return -EINVAL;
	total = rd32(p, 0);
	if (total < MB2_HDR_LEN || total > avail || mb2_check(p, total))
		return -EINVAL;

	out->protocol = BOOT_PROTO_MULTIBOOT2;
	out->info_start = info_phys;
	out->info_end = info_phys + total;
	/* mb2_check() vouched for every header up to the end tag. */
	for (off = MB2_HDR_LEN; off < total;
	     off += ALIGN_UP((uint64_t)size, MB2_TAG_ALIGN)) {
		t = p + off;
		type = rd32(t, 0);
		size = rd32(t, 4);
		switch (type) {
		case MB2_TAG_END:
			return 0;
		case MB2_TAG_CMDLINE:
			out->cmdline_truncated = mb2_copy_string(
				out->cmdline, sizeof(out->cmdline),
				t + MB2_HDR_LEN, size - MB2_HDR_LEN);
			break;
		case MB2_TAG_LOADER_NAME:
			mb2_copy_string(out->loader_name,
					sizeof(out->loader_name),
					t + MB2_HDR_LEN, size - MB2_HDR_LEN);
			break;
		case MB2_TAG_MODULE:
			mb2_module(t, size, out);
			break;
		case MB2_TAG_MMAP:
			mb2_mmap(t, size, out);
			break;
		case MB2_TAG_FRAMEBUFFER:
			mb2_framebuffer(t, size, out);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			mb2_rsdp(t, size, type == MB2_TAG_ACPI_NEW,
				 &have_new_rsdp, out);
			break;
		default:
			break;	/* unknown tags are skipped */
		}
	}
	return 0;
}
