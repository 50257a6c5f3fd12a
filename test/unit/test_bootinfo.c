/*
 * Host tests for the boot-information parsers: arch/x86_64/boot_mb2.c
 * (Multiboot2 tags) and arch/x86_64/boot_pvh.c (Xen PVH hvm_start_info).
 *
 * Multiboot2 blocks are built in a scratch buffer and handed to
 * mb2_parse() in a heap copy exactly @avail bytes long, so any read past
 * what the caller vouched for trips AddressSanitizer.  PVH structures sit
 * in a fake physical memory served by a mapper that returns a fresh heap
 * copy per call and frees the previous one (catches stale pointers and
 * reads beyond the mapped length).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test/unit/test_rng.h"

#include "kernel/bootinfo.h"
#include "kernel/errno.h"

static struct boot_info bi;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Boundary values worth writing into this format's fields. */
static const uint8_t mutation_edges[] = { 0x00, 0x01, 0x07, 0x08, 0x10, 0x18,
						  0x20, 0x7f, 0x80, 0xfe, 0xff };

static uint8_t mutate_byte(uint8_t old)
{
	return rng_mutate_byte(old, mutation_edges, sizeof(mutation_edges));
}

/* True if @s holds a NUL within its @cap bytes. */
static bool nul_within(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* ================= Multiboot2 ================= */

#define MB_BUF		65536
#define MB_INFO_PHYS	0x10000

static struct {
	uint8_t buf[MB_BUF];
	uint32_t len;
} mb;

static void mb_begin(void)
{
	memset(&mb, 0, sizeof(mb));
	mb.len = 8;
}

/* Append a tag whose size field is 8 + @plen.  Returns its offset. */
static uint32_t mb_tag(uint32_t type, const void *payload, uint32_t plen)
{
	uint32_t at = mb.len;

	assert_true(at + 8 + plen + 8 <= MB_BUF);
	put32(mb.buf + at, type);
	put32(mb.buf + at + 4, 8 + plen);
	if (plen)
		memcpy(mb.buf + at + 8, payload, plen);
	mb.len += (8 + plen + 7) & ~7u;
	return at;
}

static void mb_end(void)
{
	mb_tag(0, NULL, 0);
	put32(mb.buf, mb.len);
}

/* Parse from an exact-size heap copy of @avail bytes. */
static int mb_parse_avail(uint32_t avail)
{
	uint8_t *copy = calloc(1, avail ? avail : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, mb.buf, avail < MB_BUF ? avail : MB_BUF);
	err = mb2_parse(copy, MB_INFO_PHYS, avail, &bi);
	free(copy);
	return err;
}

static int mb_parse(void)
{
	return mb_parse_avail(mb.len);
}

static void mb_string_tag(uint32_t type, const char *s)
{
	mb_tag(type, s, (uint32_t)strlen(s) + 1);
}

static void mb_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t p[8 + 64];
	size_t n = strlen(name) + 1;

	assert_true(n <= 64);
	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, name, n);
	mb_tag(3, p, (uint32_t)(8 + n));
}

struct mmap_ent {
	uint64_t base, len;
	uint32_t type;
};

/* Memory-map tag with @esize-byte entries (extra bytes filled 0xee). */
static void mb_mmap(const struct mmap_ent *e, unsigned n, uint32_t esize)
{
	static uint8_t p[8 + 256 * 40];
	unsigned i;

	assert_true(n <= 256 && esize <= 40);
	memset(p, 0xee, sizeof(p));
	put32(p, esize);
	put32(p + 4, 0);
	for (i = 0; i < n; i++) {
		uint8_t *q = p + 8 + i * esize;

		put64(q, e[i].base);
		if (esize >= 16)
			put64(q + 8, e[i].len);
		if (esize >= 20)
			put32(q + 16, e[i].type);
		if (esize >= 24)
			put32(q + 20, 0);
	}
	mb_tag(6, p, 8 + n * esize);
}

static void mb_fb(uint8_t type, uint32_t extra)
{
	uint8_t p[32] = { 0 };

	put64(p, 0xfd000000);
	put32(p + 8, 4096);
	put32(p + 12, 1024);
	put32(p + 16, 768);
	p[20] = 32;
	p[21] = type;
	/* p[22..23] reserved; RGB colour info from p[24] */
	p[24] = 16;
	p[25] = 8;
	p[26] = 8;
	p[27] = 8;
	p[28] = 0;
	p[29] = 8;
	mb_tag(8, p, 24 + extra);
}

static void make_rsdp(uint8_t *r, uint8_t rev, uint8_t tagbyte)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	r[15] = rev;
	r[16] = tagbyte;	/* lets a test tell copies apart */
	if (rev >= 2)
		put32(r + 20, 36);
}

static const struct mmap_ent qemu_map[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x7ee0000, 1 },
	{ 0x7fe0000, 0x20000, 3 },
	{ 0x8000000, 0x1000, 4 },
	{ 0x8001000, 0x1000, 5 },
	{ 0xfffc0000, 0x40000, 7 },
};

/* What GRUB hands over on a typical BIOS boot, plus an unknown tag. */
static void mb_build_full(void)
{
	uint8_t rsdp_old[36], rsdp_new[36];
	uint8_t load_base[4] = { 0, 0, 0x10, 0 };

	make_rsdp(rsdp_old, 0, 0x11);
	make_rsdp(rsdp_new, 2, 0x22);
	mb_begin();
	mb_string_tag(1, "console=ttyS0 rdinit=/init");
	mb_string_tag(2, "GRUB 2.06-13+deb12u1");
	mb_module(0x200000, 0x280000, "initramfs.cpio");
	mb_module(0x300000, 0x300400, "");
	mb_tag(21, load_base, 4);
	mb_mmap(qemu_map, 8, 24);
	mb_fb(1, 6);
	mb_tag(14, rsdp_old, 20);
	mb_tag(15, rsdp_new, 36);
	mb_end();
}

static void mb2_parses_all_tags(void **state)
{
	(void)state;
	mb_build_full();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	assert_string_equal(bi.cmdline, "console=ttyS0 rdinit=/init");
	assert_false(bi.cmdline_truncated);
	assert_string_equal(bi.loader_name, "GRUB 2.06-13+deb12u1");
	assert_int_equal(bi.info_start, MB_INFO_PHYS);
	assert_int_equal(bi.info_end, MB_INFO_PHYS + mb.len);

	assert_int_equal(bi.nr_modules, 2);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x280000);
	assert_string_equal(bi.modules[0].name, "initramfs.cpio");
	assert_string_equal(bi.modules[1].name, "");

	assert_int_equal(bi.nr_mmap, 8);
	assert_int_equal(bi.mmap[0].base, 0);
	assert_int_equal(bi.mmap[0].len, 0x9fc00);
	assert_int_equal(bi.mmap[0].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[3].base, 0x100000);
	assert_int_equal(bi.mmap[3].len, 0x7ee0000);
	assert_int_equal(bi.mmap[4].type, BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(bi.mmap[5].type, BOOT_MEM_ACPI_NVS);
	assert_int_equal(bi.mmap[6].type, BOOT_MEM_BAD);
	assert_int_equal(bi.mmap[7].type, BOOT_MEM_RESERVED);

	assert_int_equal(bi.fb.type, BOOT_FB_RGB);
	assert_int_equal(bi.fb.addr, 0xfd000000);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.red_pos, 16);
	assert_int_equal(bi.fb.red_size, 8);
	assert_int_equal(bi.fb.green_pos, 8);
	assert_int_equal(bi.fb.blue_pos, 0);
	assert_int_equal(bi.fb.blue_size, 8);

	assert_int_equal(bi.rsdp_copy_len, 36);
	assert_int_equal(bi.rsdp_copy[16], 0x22);
	assert_int_equal(bi.rsdp_phys, 0);
}

static void mb2_rejects_total_size_above_avail(void **state)
{
	(void)state;
	mb_build_full();
	assert_int_equal(mb_parse_avail(mb.len - 8), -EINVAL);
	assert_int_equal(bi.protocol, 0);
	assert_int_equal(bi.nr_mmap, 0);
}

static void mb2_rejects_total_size_below_header(void **state)
{
	(void)state;
	mb_build_full();
	put32(mb.buf, 4);
	assert_int_equal(mb_parse(), -EINVAL);
}

static void mb2_rejects_avail_below_header(void **state)
{
	(void)state;
	mb_build_full();
	assert_int_equal(mb_parse_avail(4), -EINVAL);
	assert_int_equal(mb2_parse(NULL, 0, 64, &bi), -EINVAL);
}

static void mb2_rejects_tag_past_total_size(void **state)
{
	uint32_t at;

	(void)state;
	mb_begin();
	mb_string_tag(1, "a");
	at = mb_tag(2, "loader", 7);
	mb_end();
	put32(mb.buf + at + 4, mb.len);	/* size runs past the block */
	assert_int_equal(mb_parse(), -EINVAL);
	assert_string_equal(bi.cmdline, "");
}

static void mb2_rejects_tag_size_below_8(void **state)
{
	uint32_t at;

	(void)state;
	mb_begin();
	at = mb_tag(1, "abc", 4);
	mb_end();
	put32(mb.buf + at + 4, 4);
	assert_int_equal(mb_parse(), -EINVAL);
	put32(mb.buf + at + 4, 0);	/* would never advance */
	assert_int_equal(mb_parse(), -EINVAL);
}

static void mb2_rejects_missing_end_tag(void **state)
{
	(void)state;
	mb_begin();
	mb_string_tag(1, "abc");
	put32(mb.buf, mb.len);
	assert_int_equal(mb_parse(), -EINVAL);
}

static void mb2_rejects_tag_header_cut_by_total_size(void **state)
{
	(void)state;
	mb_begin();
	mb_string_tag(1, "abc");
	put32(mb.buf + mb.len, 0);	/* end tag type, but total stops */
	put32(mb.buf, mb.len + 4);	/* halfway through its header */
	assert_int_equal(mb_parse_avail(mb.len + 4), -EINVAL);
}

static void mb2_rejects_end_tag_past_total_size(void **state)
{
	(void)state;
	mb_begin();
	mb_string_tag(1, "abc");
	mb_end();
	put32(mb.buf + mb.len - 4, 16);	/* end tag: 16 of 8 bytes */
	assert_int_equal(mb_parse(), -EINVAL);
}

static void mb2_skips_unknown_tags(void **state)
{
	uint8_t junk[40];

	(void)state;
	memset(junk, 0xff, sizeof(junk));
	mb_begin();
	mb_tag(0x7777, junk, sizeof(junk));
	mb_string_tag(1, "after");
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_string_equal(bi.cmdline, "after");
}

static void mb2_skips_mmap_with_small_entry_size(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap(qemu_map, 8, 16);
	mb_string_tag(1, "still parsed");
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_mmap, 0);
	assert_string_equal(bi.cmdline, "still parsed");
}

static void mb2_steps_mmap_by_entry_size(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap(qemu_map, 4, 40);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_mmap, 4);
	assert_int_equal(bi.mmap[3].base, 0x100000);
	assert_int_equal(bi.mmap[3].len, 0x7ee0000);
	assert_int_equal(bi.mmap[3].type, BOOT_MEM_USABLE);
}

static void mb2_mmap_ignores_partial_entry(void **state)
{
	uint32_t at;

	(void)state;
	mb_begin();
	at = mb_tag(6, NULL, 0);
	/* Rewrite as: entry_size 24, two entries, then 10 stray bytes. */
	mb.len = at;
	{
		uint8_t p[8 + 2 * 24 + 10] = { 0 };

		put32(p, 24);
		put64(p + 8, 0x1000);
		put64(p + 16, 0x1000);
		put32(p + 24, 1);
		put64(p + 32, 0x100000);
		put64(p + 40, 0x100000);
		put32(p + 48, 1);
		memset(p + 56, 0xab, 10);
		mb_tag(6, p, sizeof(p));
	}
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_mmap, 2);
	assert_int_equal(bi.mmap[1].base, 0x100000);
}

static void mb2_mmap_skips_empty_and_wrapping_ranges(void **state)
{
	const struct mmap_ent e[] = {
		{ 0x1000, 0, 1 },
		{ 0xfffffffffffff000ull, 0x2000, 1 },
		{ 0x100000, 0x1000, 1 },
	};

	(void)state;
	mb_begin();
	mb_mmap(e, 3, 24);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_mmap, 1);
	assert_int_equal(bi.mmap[0].base, 0x100000);
}

static void mb2_keeps_first_mmap_entries_when_too_many(void **state)
{
	static struct mmap_ent e[BOOT_MAX_MMAP + 20];
	unsigned i;

	(void)state;
	for (i = 0; i < BOOT_MAX_MMAP + 20; i++) {
		e[i].base = (uint64_t)i << 20;
		e[i].len = 0x1000;
		e[i].type = 1;
	}
	mb_begin();
	mb_mmap(e, BOOT_MAX_MMAP + 20, 24);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_mmap, BOOT_MAX_MMAP);
	assert_int_equal(bi.mmap[BOOT_MAX_MMAP - 1].base,
			 (uint64_t)(BOOT_MAX_MMAP - 1) << 20);
}

static void mb2_unterminated_cmdline_ends_at_tag_end(void **state)
{
	(void)state;
	mb_begin();
	mb_tag(1, "quiet loglevel=3", 16);	/* no NUL in the tag */
	mb_tag(2, "GRUBXX", 4);		/* "GRUB", unterminated */
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_string_equal(bi.cmdline, "quiet loglevel=3");
	assert_false(bi.cmdline_truncated);
	assert_string_equal(bi.loader_name, "GRUB");
}

static void mb2_long_cmdline_is_truncated(void **state)
{
	static char s[1500];

	(void)state;
	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	mb_begin();
	mb_string_tag(1, s);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

static void mb2_cmdline_one_byte_too_long_is_truncated(void **state)
{
	static char s[BOOT_CMDLINE_MAX + 1];

	(void)state;
	memset(s, 'z', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	mb_begin();
	mb_string_tag(1, s);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

static void mb2_cmdline_that_fits_is_not_truncated(void **state)
{
	static char s[BOOT_CMDLINE_MAX];

	(void)state;
	memset(s, 'y', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	mb_begin();
	mb_string_tag(1, s);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_false(bi.cmdline_truncated);
	assert_string_equal(bi.cmdline, s);
}

static void mb2_long_loader_and_module_names_are_cut(void **state)
{
	char s[200];
	uint8_t p[8 + 200];

	(void)state;
	memset(s, 'n', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	put32(p, 0x1000);
	put32(p + 4, 0x2000);
	memcpy(p + 8, s, sizeof(s));
	mb_begin();
	mb_string_tag(2, s);
	mb_tag(3, p, sizeof(p));
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(strlen(bi.loader_name), sizeof(bi.loader_name) - 1);
	assert_int_equal(bi.nr_modules, 1);
	assert_int_equal(strlen(bi.modules[0].name), BOOT_MODNAME_MAX - 1);
}

static void mb2_keeps_first_modules_when_too_many(void **state)
{
	char name[8];
	unsigned i;

	(void)state;
	mb_begin();
	for (i = 0; i < BOOT_MAX_MODULES + 3; i++) {
		name[0] = 'm';
		name[1] = (char)('a' + i);
		name[2] = '\0';
		mb_module(0x100000 * (i + 1), 0x100000 * (i + 1) + 0x1000,
			  name);
	}
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
	assert_string_equal(bi.modules[0].name, "ma");
	assert_string_equal(bi.modules[BOOT_MAX_MODULES - 1].name, "mh");
}

static void mb2_skips_module_with_end_before_start(void **state)
{
	uint8_t short_mod[4] = { 0 };

	(void)state;
	mb_begin();
	mb_module(0x300000, 0x200000, "backwards");
	mb_tag(3, short_mod, sizeof(short_mod));	/* no mod_end */
	mb_module(0x400000, 0x400000, "empty");
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.nr_modules, 1);
	assert_string_equal(bi.modules[0].name, "empty");
}

static void mb2_prefers_new_rsdp_whatever_the_order(void **state)
{
	uint8_t rsdp_old[36], rsdp_new[36];

	(void)state;
	make_rsdp(rsdp_old, 0, 0x11);
	make_rsdp(rsdp_new, 2, 0x22);
	mb_begin();
	mb_tag(15, rsdp_new, 36);
	mb_tag(14, rsdp_old, 20);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.rsdp_copy_len, 36);
	assert_int_equal(bi.rsdp_copy[16], 0x22);
}

static void mb2_old_rsdp_alone_copies_20_bytes(void **state)
{
	uint8_t rsdp_old[36];

	(void)state;
	make_rsdp(rsdp_old, 0, 0x11);
	memset(rsdp_old + 20, 0x99, 4);	/* tag padding, not RSDP */
	mb_begin();
	mb_tag(14, rsdp_old, 24);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.rsdp_copy_len, 20);
	assert_memory_equal(bi.rsdp_copy, "RSD PTR ", 8);
	assert_int_equal(bi.rsdp_copy[20], 0);
}

static void mb2_short_rsdp_tag_is_skipped(void **state)
{
	uint8_t r[36];

	(void)state;
	make_rsdp(r, 2, 0x22);
	mb_begin();
	mb_tag(15, r, 12);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.rsdp_copy_len, 0);
}

static void mb2_ega_text_framebuffer(void **state)
{
	(void)state;
	mb_begin();
	mb_fb(2, 0);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.fb.type, BOOT_FB_EGA_TEXT);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.red_size, 0);
}

static void mb2_indexed_or_short_framebuffer_ignored(void **state)
{
	(void)state;
	mb_begin();
	mb_fb(0, 6);		/* indexed colour */
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.fb.type, BOOT_FB_NONE);
	mb_begin();
	mb_fb(1, 4);		/* RGB without the full colour info */
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.fb.type, BOOT_FB_NONE);
	assert_int_equal(bi.fb.addr, 0);
}

/* ---- Multiboot2: random corruption ---- */

#define MB_MAX_TAGS	64

/* A valid block saved from mb.buf, with the offsets of its headers. */
struct mb_sample {
	uint8_t *bytes;
	uint32_t len;
	unsigned nr_hdrs;
	uint32_t hdr[MB_MAX_TAGS];	/* 0 (block header), then each tag */
};

/*
 * Padding between tags is unspecified; fill it with 0xa5 rather than
 * zero, so a field read from padding is not a harmless zero.
 */
static void mb_sample_take(struct mb_sample *s)
{
	uint32_t off = 8, size;

	s->len = mb.len;
	s->bytes = malloc(mb.len);
	assert_non_null(s->bytes);
	memcpy(s->bytes, mb.buf, mb.len);
	s->nr_hdrs = 0;
	s->hdr[s->nr_hdrs++] = 0;
	while (off < mb.len) {
		assert_true(s->nr_hdrs < MB_MAX_TAGS);
		s->hdr[s->nr_hdrs++] = off;
		size = get32(mb.buf + off + 4);
		memset(s->bytes + off + size, 0xa5, ((size + 7) & ~7u) - size);
		off += (size + 7) & ~7u;
	}
}

/*
 * More of everything than boot_info holds: modules and memory ranges
 * past their caps, so corruption also runs through the overflow paths.
 */
static void mb_build_crowded(void)
{
	static struct mmap_ent e[BOOT_MAX_MMAP + 4];
	uint8_t rsdp_old[36], longmod[8 + 100];
	char name[8];
	unsigned i;

	for (i = 0; i < BOOT_MAX_MMAP + 4; i++) {
		e[i].base = (uint64_t)i << 21;
		e[i].len = 0x100000 + i;
		e[i].type = 1 + i % 7;
	}
	make_rsdp(rsdp_old, 0, 0x11);
	mb_begin();
	mb_string_tag(2, "GRUB");
	/* A name longer than boot_module.name holds. */
	put32(longmod, 0x800000);
	put32(longmod + 4, 0x900000);
	memset(longmod + 8, 'n', sizeof(longmod) - 9);
	longmod[sizeof(longmod) - 1] = '\0';
	mb_tag(3, longmod, sizeof(longmod));
	for (i = 0; i < BOOT_MAX_MODULES + 2; i++) {
		name[0] = 'm';
		name[1] = (char)('a' + i);
		name[2] = '\0';
		mb_module(0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000 +
			  0x800, name);
	}
	mb_mmap(e, BOOT_MAX_MMAP + 4, 24);
	mb_string_tag(1, "root=/dev/vda init=/sbin/init");
	mb_fb(2, 0);
	mb_tag(14, rsdp_old, 20);
	mb_end();
}

/* Give a tag another type, so its payload is read as something else. */
static void mb_mutate_type(uint8_t *buf, const struct mb_sample *s)
{
	static const uint32_t types[] = { 0, 1, 2, 3, 6, 8, 14, 15, 21, 99 };
	uint32_t at;

	if (s->nr_hdrs < 2)
		return;
	at = s->hdr[1 + rng() % (s->nr_hdrs - 1)];
	put32(buf + at, types[rng() % (sizeof(types) / sizeof(types[0]))]);
}

/*
 * Rewrite a whole size field (block total_size or a tag size) with a
 * value near a framing edge: off by a little, exactly to the end of the
 * block, one past it, below a header, or huge.
 */
static void mb_mutate_size(uint8_t *buf, const struct mb_sample *s)
{
	uint32_t at = s->hdr[rng() % s->nr_hdrs];
	uint32_t field = at == 0 ? 0 : at + 4;
	uint32_t old = get32(buf + field), v;

	switch (rng() % 6) {
	case 0:
		v = old + 1 + (uint32_t)(rng() % 16);
		break;
	case 1:
		v = old - 1 - (uint32_t)(rng() % 16);
		break;
	case 2:
		v = s->len - at;
		break;
	case 3:
		v = s->len - at + 1 + (uint32_t)(rng() % 8);
		break;
	case 4:
		v = (uint32_t)(rng() % 9);
		break;
	default:
		v = 0xffffffffu - (uint32_t)(rng() % 16);
		break;
	}
	put32(buf + field, v);
}

/*
 * The framing rule, stated independently of the parser: total_size in
 * [8, avail]; from offset 8, tags on 8-byte boundaries, each with its
 * 8-byte header and size (at least 8) inside total_size, until an end
 * tag.  mb2_parse() must accept exactly the blocks that obey it.
 */
static bool mb_framing_ok(const uint8_t *p, uint32_t avail)
{
	uint32_t total = get32(p), size;
	uint64_t off = 8;

	if (total < 8 || total > avail)
		return false;
	while (off + 8 <= total) {
		size = get32(p + off + 4);
		if (size < 8 || off + size > total)
			return false;
		if (get32(p + off) == 0)
			return true;
		off += ((uint64_t)size + 7) & ~7ull;
	}
	return false;
}

/* Tag offsets; a block of MB_BUF bytes holds at most MB_BUF / 8 tags. */
static uint32_t mb_tag_offs[MB_BUF / 8];

/*
 * Fill mb_tag_offs with the offsets of the tags (end tag excluded) of a
 * block whose framing is good; returns how many.
 */
static unsigned mb_tags(const uint8_t *p)
{
	uint32_t total = get32(p);
	uint64_t off = 8;
	unsigned n = 0;

	while (off + 8 <= total && get32(p + off) != 0) {
		assert_true(n < MB_BUF / 8);
		mb_tag_offs[n++] = (uint32_t)off;
		off += ((uint64_t)get32(p + off + 4) + 7) & ~7ull;
	}
	return n;
}

/*
 * The containment checks below catch a parser that reads a field past
 * the end of its tag: such reads stay inside the buffer, where ASan
 * cannot see them, but the value then matches no field of a whole tag.
 */

/* A memory range came from a whole entry of some memory-map tag. */
static bool mb_mmap_entry_in_tag(const uint8_t *p,
				 const struct boot_mem_range *r)
{
	unsigned i, n = mb_tags(p);
	uint32_t size, esize, e;
	const uint8_t *t;

	for (i = 0; i < n; i++) {
		t = p + mb_tag_offs[i];
		size = get32(t + 4);
		if (get32(t) != 6 || size < 16)
			continue;
		esize = get32(t + 8);
		for (e = 16; esize >= 24 && size - e >= esize; e += esize)
			if (get32(t + e) == (uint32_t)r->base &&
			    get32(t + e + 4) == r->base >> 32 &&
			    get32(t + e + 8) == (uint32_t)r->len &&
			    get32(t + e + 12) == r->len >> 32)
				return true;
	}
	return false;
}

/* A module came from a module tag long enough to hold start and end. */
static bool mb_module_in_tag(const uint8_t *p, const struct boot_module *m)
{
	unsigned i, n = mb_tags(p);
	const uint8_t *t;

	for (i = 0; i < n; i++) {
		t = p + mb_tag_offs[i];
		if (get32(t) == 3 && get32(t + 4) >= 16 &&
		    get32(t + 8) == m->start && get32(t + 12) == m->end)
			return true;
	}
	return false;
}

/* RGB colour fields came from a framebuffer tag that holds them. */
static bool mb_rgb_in_tag(const uint8_t *p, const struct boot_framebuffer *fb)
{
	const uint8_t want[6] = { fb->red_pos, fb->red_size, fb->green_pos,
				  fb->green_size, fb->blue_pos,
				  fb->blue_size };
	unsigned i, n = mb_tags(p);
	const uint8_t *t;

	for (i = 0; i < n; i++) {
		t = p + mb_tag_offs[i];
		if (get32(t) == 8 && get32(t + 4) >= 38 && t[29] == 1 &&
		    memcmp(t + 32, want, 6) == 0)
			return true;
	}
	return false;
}

static void mb_check_result(int r, const uint8_t *buf, uint32_t len)
{
	static const struct boot_info zero;
	unsigned i;

	assert_true(r == 0 || r == -EINVAL);
	assert_int_equal(r == 0, mb_framing_ok(buf, len));
	if (r) {
		/* A rejected block leaves nothing half-parsed behind. */
		assert_memory_equal(&bi, &zero, sizeof(bi));
		return;
	}
	assert_int_equal(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	assert_int_equal(bi.info_start, MB_INFO_PHYS);
	assert_true(bi.info_end >= bi.info_start + 8);
	assert_true(bi.info_end <= bi.info_start + len);
	assert_true(nul_within(bi.cmdline, sizeof(bi.cmdline)));
	assert_true(nul_within(bi.loader_name, sizeof(bi.loader_name)));
	if (bi.cmdline_truncated)
		assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_true(bi.nr_mmap <= BOOT_MAX_MMAP);
	for (i = 0; i < bi.nr_mmap; i++) {
		assert_true(bi.mmap[i].len != 0);
		assert_true(bi.mmap[i].base <= UINT64_MAX - bi.mmap[i].len);
		assert_true(bi.mmap[i].type >= BOOT_MEM_USABLE &&
			    bi.mmap[i].type <= BOOT_MEM_BAD);
		assert_true(mb_mmap_entry_in_tag(buf, &bi.mmap[i]));
	}
	assert_true(bi.nr_modules <= BOOT_MAX_MODULES);
	for (i = 0; i < bi.nr_modules; i++) {
		assert_true(bi.modules[i].start <= bi.modules[i].end);
		assert_true(nul_within(bi.modules[i].name,
				       sizeof(bi.modules[i].name)));
		assert_true(mb_module_in_tag(buf, &bi.modules[i]));
	}
	assert_true(bi.rsdp_copy_len == 0 ||
		    (bi.rsdp_copy_len >= 20 &&
		     bi.rsdp_copy_len <= sizeof(bi.rsdp_copy)));
	assert_true(bi.fb.type == BOOT_FB_NONE || bi.fb.type == BOOT_FB_RGB ||
		    bi.fb.type == BOOT_FB_EGA_TEXT);
	if (bi.fb.type == BOOT_FB_RGB)
		assert_true(mb_rgb_in_tag(buf, &bi.fb));
}

static void mb2_random_corruption_never_reads_out_of_bounds(void **state)
{
	struct mb_sample samples[2];
	unsigned iter, results[2] = { 0 }, deep = 0;

	(void)state;
	rng_seed(0x6d62325f66757a7aull);
	mb_build_full();
	mb_sample_take(&samples[0]);
	mb_build_crowded();
	mb_sample_take(&samples[1]);

	for (iter = 0; iter < 10000; iter++) {
		/* The crowded block one time in four. */
		const struct mb_sample *s = &samples[rng() % 4 == 0 ? 1 : 0];
		unsigned flips = 1 + (unsigned)(rng() % 4);
		uint8_t *buf = malloc(s->len);
		uint32_t pos, avail;
		int r;

		assert_non_null(buf);
		memcpy(buf, s->bytes, s->len);
		while (flips--) {
			switch (rng() % 8) {
			case 0:
				mb_mutate_size(buf, s);
				continue;
			case 1:
				mb_mutate_type(buf, s);
				continue;
			case 2:
			case 3:
				/*
				 * A byte of some header (type, size) or of
				 * the fields right after it (entry_size,
				 * mod_start, framebuffer address).
				 */
				pos = s->hdr[rng() % s->nr_hdrs] +
				      (uint32_t)(rng() % 16);
				if (pos >= s->len)
					pos = s->len - 1 -
					      (uint32_t)(rng() % 8);
				break;
			default:
				pos = (uint32_t)(rng() % s->len);
				break;
			}
			buf[pos] = mutate_byte(buf[pos]);
		}
		/*
		 * Exactly @avail bytes: ASan sees any read past them.  Now
		 * and then the caller vouches for no more than the block
		 * claims, so a read past total_size leaves the buffer too.
		 */
		avail = s->len;
		if (rng() % 4 == 0 && get32(buf) >= 8 && get32(buf) < s->len) {
			uint8_t *cut = malloc(get32(buf));

			assert_non_null(cut);
			avail = get32(buf);
			memcpy(cut, buf, avail);
			free(buf);
			buf = cut;
		}
		r = mb2_parse(buf, MB_INFO_PHYS, avail, &bi);
		mb_check_result(r, buf, avail);
		results[r == 0 ? 0 : 1]++;
		if (r == 0 && bi.nr_modules && bi.nr_mmap)
			deep++;
		free(buf);
	}
	/* Both outcomes, and many blocks decoded deep into their tags. */
	assert_true(results[0] > 1000 && results[1] > 1000);
	assert_true(deep > 1000);
	free(samples[0].bytes);
	free(samples[1].bytes);
}

/* ================= PVH ================= */

#define PVH_MEM		0x20000
#define SI_PHYS		0x1000
#define CMDLINE_PHYS	0x2000
#define MODLIST_PHYS	0x3000
#define MODNAME_PHYS	0x3800
#define MEMMAP_PHYS	0x4000

static uint8_t pmem[PVH_MEM];
static uint64_t pmem_end;
static void *last_map;
static uint64_t max_map_len;

/*
 * What every test mapper returns: a fresh exact-size heap copy of
 * pmem[phys, phys + len), replacing the previous one, so ASan catches a
 * read past what was asked for and a parser that keeps an old mapping.
 */
static const void *serve_copy(uint64_t phys, uint64_t len)
{
	free(last_map);
	last_map = malloc(len);
	assert_non_null(last_map);
	memcpy(last_map, pmem + phys, len);
	return last_map;
}

static const void *pvh_test_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	if (len > max_map_len)
		max_map_len = len;
	if (phys >= pmem_end || len > pmem_end - phys)
		return NULL;
	return serve_copy(phys, len);
}

static const struct boot_mapper pvh_mapper = {
	.map = pvh_test_map,
	.ctx = NULL,
};

static int pvh_setup(void **state)
{
	(void)state;
	memset(pmem, 0, sizeof(pmem));
	pmem_end = PVH_MEM;
	max_map_len = 0;
	return 0;
}

static int pvh_teardown(void **state)
{
	(void)state;
	free(last_map);
	last_map = NULL;
	return 0;
}

static void pvh_put_module(unsigned i, uint64_t paddr, uint64_t size,
			   uint64_t name)
{
	uint8_t *e = pmem + MODLIST_PHYS + i * 32;

	put64(e, paddr);
	put64(e + 8, size);
	put64(e + 16, name);
	put64(e + 24, 0);
}

static void pvh_put_mem(unsigned i, uint64_t addr, uint64_t size,
			uint32_t type)
{
	uint8_t *e = pmem + MEMMAP_PHYS + i * 24;

	put64(e, addr);
	put64(e + 8, size);
	put32(e + 16, type);
	put32(e + 20, 0);
}

/* Version 1 start info as QEMU builds it: cmdline, initrd, memmap. */
static void pvh_build(uint32_t version)
{
	uint8_t *si = pmem + SI_PHYS;

	put32(si, 0x336ec578);
	put32(si + 4, version);
	put32(si + 8, 0);
	put32(si + 12, 1);			/* nr_modules */
	put64(si + 16, MODLIST_PHYS);
	put64(si + 24, CMDLINE_PHYS);
	put64(si + 32, 0xf5a40);		/* rsdp */
	put64(si + 40, MEMMAP_PHYS);
	put32(si + 48, 5);
	put32(si + 52, 0);
	strcpy((char *)pmem + CMDLINE_PHYS, "console=ttyS0 quiet");
	strcpy((char *)pmem + MODNAME_PHYS, "initrd");
	pvh_put_module(0, 0x7f00000, 0x80000, MODNAME_PHYS);
	pvh_put_mem(0, 0x0, 0x9fc00, 1);
	pvh_put_mem(1, 0x9fc00, 0x400, 2);
	pvh_put_mem(2, 0x100000, 0x7ee0000, 1);
	pvh_put_mem(3, 0x7fe0000, 0x20000, 3);
	pvh_put_mem(4, 0xfffc0000, 0x40000, 4);
}

static int pvh_run(void)
{
	return pvh_parse(&pvh_mapper, SI_PHYS, &bi);
}

static void pvh_parses_v1_with_modules_and_memmap(void **state)
{
	(void)state;
	pvh_build(1);
	assert_int_equal(pvh_run(), 0);
	assert_int_equal(bi.protocol, BOOT_PROTO_PVH);
	assert_string_equal(bi.cmdline, "console=ttyS0 quiet");
	assert_false(bi.cmdline_truncated);
	assert_int_equal(bi.rsdp_phys, 0xf5a40);
	assert_int_equal(bi.rsdp_copy_len, 0);
	assert_int_equal(bi.info_start, SI_PHYS);
	assert_int_equal(bi.info_end, SI_PHYS + 56);

	assert_int_equal(bi.nr_modules, 1);
	assert_int_equal(bi.modules[0].start, 0x7f00000);
	assert_int_equal(bi.modules[0].end, 0x7f80000);
	assert_string_equal(bi.modules[0].name, "initrd");

	assert_int_equal(bi.nr_mmap, 5);
	assert_int_equal(bi.mmap[0].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].len, 0x7ee0000);
	assert_int_equal(bi.mmap[3].type, BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(bi.mmap[4].type, BOOT_MEM_ACPI_NVS);
}

static void pvh_rejects_bad_magic(void **state)
{
	(void)state;
	pvh_build(1);
	pmem[SI_PHYS] ^= 1;
	assert_int_equal(pvh_run(), -EINVAL);
	assert_int_equal(bi.protocol, 0);
	assert_int_equal(bi.nr_mmap, 0);
}

static void pvh_unmappable_start_info_is_efault(void **state)
{
	(void)state;
	assert_int_equal(pvh_parse(&pvh_mapper, PVH_MEM + 0x1000, &bi),
			 -EFAULT);
	assert_int_equal(pvh_parse(&pvh_mapper, 0, &bi), -EFAULT);
	/* The first 40 bytes fit, the v1 tail does not. */
	pvh_build(1);
	pmem_end = SI_PHYS + 48;
	assert_int_equal(pvh_run(), 0);
	assert_int_equal(bi.nr_mmap, 0);
	assert_int_equal(bi.info_end, SI_PHYS + 40);
}

static void pvh_version0_has_no_memmap(void **state)
{
	(void)state;
	pvh_build(0);
	assert_int_equal(pvh_run(), 0);
	assert_int_equal(bi.nr_mmap, 0);
	assert_int_equal(bi.nr_modules, 1);
	assert_string_equal(bi.cmdline, "console=ttyS0 quiet");
	assert_int_equal(bi.info_end, SI_PHYS + 40);
}

static void pvh_unmappable_pointers_are_skipped(void **state)
{
	uint8_t *si = pmem + SI_PHYS;

	(void)state;
	pvh_build(1);
	put64(si + 16, 0x7fff0000);		/* modlist */
	put64(si + 24, 0xfffffffffffffff0ull);	/* cmdline: wraps */
	put64(si + 40, PVH_MEM - 24);		/* memmap: 1 of 5 fits */
	assert_int_equal(pvh_run(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_false(bi.cmdline_truncated);
	assert_int_equal(bi.nr_modules, 0);
	assert_int_equal(bi.nr_mmap, 0);
	assert_int_equal(bi.rsdp_phys, 0xf5a40);
}

static void pvh_null_pointers_mean_absent(void **state)
{
	uint8_t *si = pmem + SI_PHYS;

	(void)state;
	pvh_build(1);
	put64(si + 16, 0);
	put64(si + 24, 0);
	put64(si + 40, 0);
	assert_int_equal(pvh_run(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.nr_modules, 0);
	assert_int_equal(bi.nr_mmap, 0);
}

static void pvh_unterminated_cmdline_is_truncated(void **state)
{
	(void)state;
	pvh_build(1);
	memset(pmem + CMDLINE_PHYS, 'c', 2000);
	assert_int_equal(pvh_run(), 0);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_true(max_map_len <= BOOT_CMDLINE_MAX);
}

static void pvh_cmdline_near_end_of_memory_is_read(void **state)
{
	uint64_t at = PVH_MEM - 16;

	(void)state;
	pvh_build(1);
	put64(pmem + SI_PHYS + 24, at);
	strcpy((char *)pmem + at, "ro root=vda");
	assert_int_equal(pvh_run(), 0);
	assert_string_equal(bi.cmdline, "ro root=vda");
	assert_false(bi.cmdline_truncated);
}

static void pvh_caps_modules_and_memmap(void **state)
{
	uint8_t *si = pmem + SI_PHYS;
	unsigned i;

	(void)state;
	pvh_build(1);
	put32(si + 12, 1000000);
	put32(si + 48, 0xffffffff);
	for (i = 0; i < BOOT_MAX_MODULES + 2; i++)
		pvh_put_module(i, 0x1000000 + i * 0x100000, 0x1000,
			       MODNAME_PHYS);
	for (i = 0; i < BOOT_MAX_MMAP + 2; i++)
		pvh_put_mem(i, (uint64_t)i << 20, 0x1000, 1);
	assert_int_equal(pvh_run(), 0);
	assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
	assert_int_equal(bi.modules[BOOT_MAX_MODULES - 1].start,
			 0x1000000 + (BOOT_MAX_MODULES - 1) * 0x100000);
	assert_int_equal(bi.nr_mmap, BOOT_MAX_MMAP);
	assert_int_equal(bi.mmap[BOOT_MAX_MMAP - 1].base,
			 (uint64_t)(BOOT_MAX_MMAP - 1) << 20);
	assert_true(max_map_len <= BOOT_MAX_MMAP * 24);
}

static void pvh_skips_bad_modules_and_ranges(void **state)
{
	uint8_t *si = pmem + SI_PHYS;

	(void)state;
	pvh_build(1);
	put32(si + 12, 3);
	pvh_put_module(0, 0, 0x1000, 0);			/* paddr 0 */
	pvh_put_module(1, 0xfffffffffffff000ull, 0x2000, 0);	/* wraps */
	pvh_put_module(2, 0x500000, 0x1000, 0);			/* ok */
	pvh_put_mem(0, 0x1000, 0, 1);				/* empty */
	pvh_put_mem(1, 0xffffffffffff0000ull, 0x20000, 1);	/* wraps */
	assert_int_equal(pvh_run(), 0);
	assert_int_equal(bi.nr_modules, 1);
	assert_int_equal(bi.modules[0].start, 0x500000);
	assert_string_equal(bi.modules[0].name, "");
	assert_int_equal(bi.nr_mmap, 3);
	assert_int_equal(bi.mmap[0].base, 0x100000);
}

static void pvh_unterminated_module_name_is_cut(void **state)
{
	(void)state;
	pvh_build(1);
	memset(pmem + MODNAME_PHYS, 'm', 300);
	assert_int_equal(pvh_run(), 0);
	assert_int_equal(strlen(bi.modules[0].name), BOOT_MODNAME_MAX - 1);
}

/* ---- PVH: random corruption ---- */

/*
 * Layout for the corruption test.  Each object sits in a region of its
 * own and the mapper refuses any request that is not wholly inside one
 * region, so a parser that trusts a corrupted count or pointer gets NULL
 * rather than neighbouring bytes; each mapping is still a fresh heap copy
 * of exactly the requested length.  The command line and one module name
 * end exactly at the end of their page, so reading them takes the
 * shrunken-window retry in the parser.
 */
#define RND_SI_PHYS		0x1000
#define RND_SI_LEN		56
#define RND_CMD_PAGE		0x2000
#define RND_MODLIST_PHYS	0x5000
#define RND_NR_MODS		3	/* listed; the region holds more */
#define RND_MODLIST_CAP		(BOOT_MAX_MODULES + 2)
#define RND_NAME_PAGE		0x6000
#define RND_MEMMAP_PHYS		0x8000
#define RND_NR_MEM		8
#define RND_MEMMAP_CAP		(BOOT_MAX_MMAP + 2)

static const char rnd_cmdline[] = "console=ttyS0 root=/dev/vda quiet";
static const char rnd_name0[] = "initrd";
static const char rnd_name1[] = "vmlinux.debug";
#define RND_CMD_PHYS	(RND_CMD_PAGE + 0x1000 - sizeof(rnd_cmdline))
#define RND_NAME0_PHYS	(RND_NAME_PAGE + 0x1000 - sizeof(rnd_name0))
#define RND_NAME1_PHYS	(RND_NAME_PAGE + 0x100)

static const struct {
	uint64_t start, len;
} rnd_regions[] = {
	{ RND_SI_PHYS, RND_SI_LEN },
	{ RND_CMD_PAGE, 0x1000 },
	{ RND_MODLIST_PHYS, RND_MODLIST_CAP * 32 },
	{ RND_NAME_PAGE, 0x1000 },
	{ RND_MEMMAP_PHYS, RND_MEMMAP_CAP * 24 },
};

static unsigned rnd_map_calls;

static bool rnd_mappable(uint64_t phys, uint64_t len)
{
	size_t i;

	for (i = 0; i < sizeof(rnd_regions) / sizeof(rnd_regions[0]); i++) {
		uint64_t s = rnd_regions[i].start, l = rnd_regions[i].len;

		if (phys >= s && phys - s <= l && len <= l - (phys - s))
			return true;
	}
	return false;
}

static const void *pvh_region_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	rnd_map_calls++;
	if (len > max_map_len)
		max_map_len = len;
	if (len == 0 || !rnd_mappable(phys, len))
		return NULL;
	return serve_copy(phys, len);
}

static const struct boot_mapper pvh_region_mapper = {
	.map = pvh_region_map,
	.ctx = NULL,
};

static void pvh_build_random_base(void)
{
	uint8_t *si = pmem + RND_SI_PHYS;
	uint8_t *e;
	unsigned i;

	put32(si, 0x336ec578);
	put32(si + 4, 1);
	put32(si + 8, 0);
	put32(si + 12, RND_NR_MODS);
	put64(si + 16, RND_MODLIST_PHYS);
	put64(si + 24, RND_CMD_PHYS);
	put64(si + 32, 0xf5a40);
	put64(si + 40, RND_MEMMAP_PHYS);
	put32(si + 48, RND_NR_MEM);
	put32(si + 52, 0);
	memcpy(pmem + RND_CMD_PHYS, rnd_cmdline, sizeof(rnd_cmdline));
	memcpy(pmem + RND_NAME0_PHYS, rnd_name0, sizeof(rnd_name0));
	memcpy(pmem + RND_NAME1_PHYS, rnd_name1, sizeof(rnd_name1));
	/* Entries past the listed counts: a corrupted count finds them. */
	for (i = 0; i < RND_MODLIST_CAP; i++) {
		e = pmem + RND_MODLIST_PHYS + i * 32;
		put64(e, 0x7000000 + i * 0x400000);
		put64(e + 8, 0x80000 + i);
		put64(e + 16, i == 0 ? RND_NAME0_PHYS :
			      i == 1 ? RND_NAME1_PHYS : 0);
		put64(e + 24, 0);
	}
	for (i = 0; i < RND_MEMMAP_CAP; i++) {
		e = pmem + RND_MEMMAP_PHYS + i * 24;
		put64(e, (uint64_t)i << 24);
		put64(e + 8, 0x9fc00 + i * 0x1000);
		put32(e + 16, 1 + i % 6);
		put32(e + 20, 0);
	}
}

/* An address a corrupted pointer might hold: mostly near an edge. */
static uint64_t pvh_random_addr(void)
{
	size_t r = rng() % (sizeof(rnd_regions) / sizeof(rnd_regions[0]));
	uint64_t end = rnd_regions[r].start + rnd_regions[r].len;

	switch (rng() % 5) {
	case 0:
		return rnd_regions[r].start + rng() % 8;
	case 1:
		return end - rng() % 72;
	case 2:
		return 0;
	case 3:
		return rng() % 2 ? rng() : UINT64_MAX - rng() % 64;
	default:
		return rng() % 2 ? RND_CMD_PHYS : RND_NAME0_PHYS;
	}
}

static void pvh_mutate(void)
{
	static const uint32_t si_ptrs[] = { 16, 24, 40 };
	uint8_t *si = pmem + RND_SI_PHYS;
	uint64_t at;

	switch (rng() % 8) {
	case 0:
		if (rng() % 3)
			put64(si + si_ptrs[rng() % 3], pvh_random_addr());
		else
			put64(pmem + RND_MODLIST_PHYS + 32 * (rng() % 3) +
				      16, pvh_random_addr());
		return;
	case 1:
		put32(si + (rng() % 2 ? 12 : 48),
		      rng() % 4 ? (uint32_t)(rng() % (BOOT_MAX_MMAP + 4)) :
				  0xffffffffu - (uint32_t)(rng() % 4));
		return;
	case 2:
	case 3:
		at = RND_SI_PHYS + rng() % RND_SI_LEN;
		break;
	case 4:
		at = RND_MODLIST_PHYS + rng() % (RND_NR_MODS * 32);
		break;
	case 5:
		at = RND_MEMMAP_PHYS + rng() % (RND_NR_MEM * 24);
		break;
	case 6:
		at = RND_CMD_PHYS + rng() % sizeof(rnd_cmdline);
		break;
	default:
		at = rng() % 2 ? RND_NAME0_PHYS + rng() % sizeof(rnd_name0) :
				 RND_NAME1_PHYS + rng() % sizeof(rnd_name1);
		break;
	}
	pmem[at] = mutate_byte(pmem[at]);
}

/* What pvh_parse() must say about the start info at @phys. */
static int pvh_expected_result(uint64_t phys)
{
	if (phys == 0 || !rnd_mappable(phys, 40))
		return -EFAULT;
	return get32(pmem + phys) == 0x336ec578 ? 0 : -EINVAL;
}

static void pvh_check_result(int r, uint64_t phys)
{
	static const struct boot_info zero;
	const uint8_t *si = pmem + phys;
	uint32_t nr_mods, nr_mem;
	unsigned i;

	assert_int_equal(r, pvh_expected_result(phys));
	if (r) {
		assert_memory_equal(&bi, &zero, sizeof(bi));
		return;
	}
	nr_mods = get32(si + 12);
	nr_mem = get32(si + 48);
	assert_int_equal(bi.protocol, BOOT_PROTO_PVH);
	assert_int_equal(bi.info_start, phys);
	if (get32(si + 4) >= 1 && rnd_mappable(phys, 56))
		assert_int_equal(bi.info_end, phys + 56);
	else
		assert_int_equal(bi.info_end, phys + 40);
	assert_int_equal(bi.rsdp_phys, get32(si + 32) |
				       (uint64_t)get32(si + 36) << 32);
	assert_true(nul_within(bi.cmdline, sizeof(bi.cmdline)));
	/* Cut short at the window (cap or page end), never empty. */
	if (bi.cmdline_truncated)
		assert_true(strlen(bi.cmdline) > 0);
	assert_true(bi.nr_modules <= BOOT_MAX_MODULES);
	assert_true(bi.nr_modules <= nr_mods);
	for (i = 0; i < bi.nr_modules; i++) {
		assert_true(bi.modules[i].start != 0);
		assert_true(bi.modules[i].start <= bi.modules[i].end);
		assert_true(nul_within(bi.modules[i].name,
				       sizeof(bi.modules[i].name)));
	}
	assert_true(bi.nr_mmap <= BOOT_MAX_MMAP);
	if (get32(si + 4) == 0)
		assert_int_equal(bi.nr_mmap, 0);
	else
		assert_true(bi.nr_mmap <= nr_mem);
	for (i = 0; i < bi.nr_mmap; i++) {
		assert_true(bi.mmap[i].len != 0);
		assert_true(bi.mmap[i].base <= UINT64_MAX - bi.mmap[i].len);
	}
}

static void pvh_random_corruption_never_reads_out_of_bounds(void **state)
{
	static uint8_t base[PVH_MEM];
	unsigned iter, results[3] = { 0 }, deep = 0, capped = 0;
	size_t i;

	(void)state;
	rng_seed(0x7076685f66757a7aull);
	pvh_build_random_base();
	memcpy(base, pmem, sizeof(base));

	for (iter = 0; iter < 10000; iter++) {
		unsigned flips = 1 + (unsigned)(rng() % 4);
		uint64_t phys = RND_SI_PHYS;
		int r;

		for (i = 0; i < sizeof(rnd_regions) / sizeof(rnd_regions[0]);
		     i++)
			memcpy(pmem + rnd_regions[i].start,
			       base + rnd_regions[i].start,
			       rnd_regions[i].len);
		while (flips--)
			pvh_mutate();
		/* Now and then the start info pointer itself is off. */
		if (rng() % 64 == 0)
			phys = RND_SI_PHYS - 8 + rng() % 32;
		rnd_map_calls = 0;
		r = pvh_parse(&pvh_region_mapper, phys, &bi);
		pvh_check_result(r, phys);
		/* Bounded work: caps hold whatever the counts say. */
		assert_true(rnd_map_calls <= 2 + 2 + 3 * BOOT_MAX_MODULES + 1);
		results[r == 0 ? 0 : r == -EINVAL ? 1 : 2]++;
		if (r == 0 && bi.nr_modules && bi.nr_mmap && bi.cmdline[0])
			deep++;
		if (bi.nr_modules == BOOT_MAX_MODULES ||
		    bi.nr_mmap == BOOT_MAX_MMAP)
			capped++;
	}
	assert_true(max_map_len <= BOOT_MAX_MMAP * 24);
	assert_true(results[0] > 1000 && results[1] > 0 && results[2] > 0);
	assert_true(deep > 1000 && capped > 100);
}

#define MB(fn) cmocka_unit_test(fn)
#define PVH(fn) cmocka_unit_test_setup_teardown(fn, pvh_setup, pvh_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		MB(mb2_parses_all_tags),
		MB(mb2_rejects_total_size_above_avail),
		MB(mb2_rejects_total_size_below_header),
		MB(mb2_rejects_avail_below_header),
		MB(mb2_rejects_tag_past_total_size),
		MB(mb2_rejects_tag_size_below_8),
		MB(mb2_rejects_missing_end_tag),
		MB(mb2_rejects_tag_header_cut_by_total_size),
		MB(mb2_rejects_end_tag_past_total_size),
		MB(mb2_skips_unknown_tags),
		MB(mb2_skips_mmap_with_small_entry_size),
		MB(mb2_steps_mmap_by_entry_size),
		MB(mb2_mmap_ignores_partial_entry),
		MB(mb2_mmap_skips_empty_and_wrapping_ranges),
		MB(mb2_keeps_first_mmap_entries_when_too_many),
		MB(mb2_unterminated_cmdline_ends_at_tag_end),
		MB(mb2_long_cmdline_is_truncated),
		MB(mb2_cmdline_one_byte_too_long_is_truncated),
		MB(mb2_cmdline_that_fits_is_not_truncated),
		MB(mb2_long_loader_and_module_names_are_cut),
		MB(mb2_keeps_first_modules_when_too_many),
		MB(mb2_skips_module_with_end_before_start),
		MB(mb2_prefers_new_rsdp_whatever_the_order),
		MB(mb2_old_rsdp_alone_copies_20_bytes),
		MB(mb2_short_rsdp_tag_is_skipped),
		MB(mb2_ega_text_framebuffer),
		MB(mb2_indexed_or_short_framebuffer_ignored),
		MB(mb2_random_corruption_never_reads_out_of_bounds),
		PVH(pvh_parses_v1_with_modules_and_memmap),
		PVH(pvh_rejects_bad_magic),
		PVH(pvh_unmappable_start_info_is_efault),
		PVH(pvh_version0_has_no_memmap),
		PVH(pvh_unmappable_pointers_are_skipped),
		PVH(pvh_null_pointers_mean_absent),
		PVH(pvh_unterminated_cmdline_is_truncated),
		PVH(pvh_cmdline_near_end_of_memory_is_read),
		PVH(pvh_caps_modules_and_memmap),
		PVH(pvh_skips_bad_modules_and_ranges),
		PVH(pvh_unterminated_module_name_is_cut),
		PVH(pvh_random_corruption_never_reads_out_of_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
