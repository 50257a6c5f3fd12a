/*
 * Host tests for drivers/acpi/acpi_tables.c and drivers/acpi/aml_s5.c.
 *
 * A flat array stands in for physical memory; tables are built in it at
 * fixed fake physical addresses and served by a test mapper.  The mapper
 * hands out a fresh heap copy on every call and frees the previous one,
 * so a parser that keeps using a pointer across map() calls, or reads
 * past the length it asked for, trips AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test/unit/test_rng.h"

#include "drivers/acpi/acpi_tables.h"
#include "kernel/errno.h"

#define MEM_SIZE	0x10000
#define RSDP_PHYS	0x1000
#define RSDT_PHYS	0x2000
#define XSDT_PHYS	0x2400
#define MADT_PHYS	0x3000
#define FADT_PHYS	0x4000
#define HPET_PHYS	0x5000
#define MCFG_PHYS	0x5400
#define DSDT_PHYS	0x6000
#define DSDT2_PHYS	0x7000
#define EXTRA_PHYS	0x8000
#define FADT_FULL_LEN	276

static uint8_t mem[MEM_SIZE];
static uint64_t mappable_end = MEM_SIZE;

#define MAX_LOGS 64
static struct {
	void *last;		/* previous mapping, freed on the next map */
	uint64_t max_len;	/* longest length ever asked for */
	unsigned nr_logs;
	char log_sig[MAX_LOGS][5];
	const char *log_msg[MAX_LOGS];
} fake;

/*
 * What every test mapper returns: a fresh exact-size heap copy of
 * mem[phys, phys + len), replacing the previous one, so ASan catches a
 * read past what was asked for and a parser that keeps an old mapping.
 */
static const void *serve_copy(uint64_t phys, uint64_t len)
{
	free(fake.last);
	fake.last = malloc(len);
	assert_non_null(fake.last);
	memcpy(fake.last, mem + phys, len);
	return fake.last;
}

static const void *fake_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	if (len > fake.max_len)
		fake.max_len = len;
	if (phys >= mappable_end || len > mappable_end - phys)
		return NULL;
	return serve_copy(phys, len);
}

static void fake_log(void *ctx, const char *msg, const char *sig,
		     uint64_t value)
{
	(void)ctx;
	(void)value;
	assert_non_null(msg);
	assert_non_null(sig);
	assert_true(strlen(sig) == 0 || strlen(sig) == 4);
	/* Endless logging means a walk that never advances. */
	assert_true(fake.nr_logs < 10000);
	if (fake.nr_logs < MAX_LOGS) {
		strcpy(fake.log_sig[fake.nr_logs], sig);
		fake.log_msg[fake.nr_logs] = msg;
	}
	fake.nr_logs++;
}

static const struct acpi_mapper mapper = {
	.map = fake_map,
	.log = fake_log,
	.ctx = NULL,
};

static bool logged_sig(const char *sig)
{
	unsigned i;

	for (i = 0; i < fake.nr_logs && i < MAX_LOGS; i++)
		if (strcmp(fake.log_sig[i], sig) == 0)
			return true;
	return false;
}

/* ---- byte builders ---- */

static void put16(uint64_t at, uint16_t v)
{
	mem[at] = v & 0xff;
	mem[at + 1] = v >> 8;
}

static void put32(uint64_t at, uint32_t v)
{
	put16(at, v & 0xffff);
	put16(at + 2, v >> 16);
}

static void put64(uint64_t at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

static uint8_t sum_bytes(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Recompute the checksum of the table at @phys over its length field. */
static void sdt_fix(uint64_t phys)
{
	uint32_t len = mem[phys + 4] | mem[phys + 5] << 8 |
		       mem[phys + 6] << 16 | (uint32_t)mem[phys + 7] << 24;

	mem[phys + 9] = 0;
	mem[phys + 9] = (uint8_t)-sum_bytes(mem + phys, len);
}

/* Table under construction: header written, bytes appended at len. */
struct tb {
	uint64_t phys;
	uint32_t len;
};

static void tb_begin(struct tb *b, uint64_t phys, const char *sig,
		     uint8_t rev)
{
	memset(mem + phys, 0, 0x400);
	memcpy(mem + phys, sig, 4);
	mem[phys + 8] = rev;
	memcpy(mem + phys + 10, "BASALT", 6);
	memcpy(mem + phys + 16, "TESTTBL ", 8);
	b->phys = phys;
	b->len = 36;
}

static void tb_u8(struct tb *b, uint8_t v)
{
	mem[b->phys + b->len++] = v;
}

static void tb_u16(struct tb *b, uint16_t v)
{
	put16(b->phys + b->len, v);
	b->len += 2;
}

static void tb_u32(struct tb *b, uint32_t v)
{
	put32(b->phys + b->len, v);
	b->len += 4;
}

static void tb_u64(struct tb *b, uint64_t v)
{
	put64(b->phys + b->len, v);
	b->len += 8;
}

static void tb_bytes(struct tb *b, const void *p, size_t n)
{
	memcpy(mem + b->phys + b->len, p, n);
	b->len += n;
}

static void tb_end(struct tb *b)
{
	put32(b->phys + 4, b->len);
	sdt_fix(b->phys);
}

static void build_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint64_t p = RSDP_PHYS;

	memset(mem + p, 0, 36);
	memcpy(mem + p, "RSD PTR ", 8);
	memcpy(mem + p + 9, "BASALT", 6);
	mem[p + 15] = rev;
	put32(p + 16, rsdt);
	mem[p + 8] = (uint8_t)-sum_bytes(mem + p, 20);
	if (rev >= 2) {
		put32(p + 20, 36);
		put64(p + 24, xsdt);
		mem[p + 32] = (uint8_t)-sum_bytes(mem + p, 36);
	}
}

static void build_root(uint64_t phys, const char *sig, const uint64_t *addrs,
		       unsigned n)
{
	struct tb b;
	unsigned i;

	tb_begin(&b, phys, sig, 1);
	for (i = 0; i < n; i++) {
		if (sig[0] == 'X')
			tb_u64(&b, addrs[i]);
		else
			tb_u32(&b, (uint32_t)addrs[i]);
	}
	tb_end(&b);
}

static void madt_lapic(struct tb *b, uint8_t uid, uint8_t apic, uint32_t fl)
{
	tb_u8(b, 0);
	tb_u8(b, 8);
	tb_u8(b, uid);
	tb_u8(b, apic);
	tb_u32(b, fl);
}

static void madt_ioapic(struct tb *b, uint8_t id, uint32_t addr, uint32_t gsi)
{
	tb_u8(b, 1);
	tb_u8(b, 12);
	tb_u8(b, id);
	tb_u8(b, 0);
	tb_u32(b, addr);
	tb_u32(b, gsi);
}

static void madt_iso(struct tb *b, uint8_t irq, uint32_t gsi, uint16_t fl)
{
	tb_u8(b, 2);
	tb_u8(b, 10);
	tb_u8(b, 0);
	tb_u8(b, irq);
	tb_u32(b, gsi);
	tb_u16(b, fl);
}

static void madt_x2apic(struct tb *b, uint32_t id, uint32_t fl, uint32_t uid)
{
	tb_u8(b, 9);
	tb_u8(b, 16);
	tb_u16(b, 0);
	tb_u32(b, id);
	tb_u32(b, fl);
	tb_u32(b, uid);
}

static void madt_begin(struct tb *b)
{
	tb_begin(b, MADT_PHYS, "APIC", 4);
	tb_u32(b, 0xfee00000);
	tb_u32(b, 1);
}

/*
 * The standard MADT: CPUs 0,1 enabled, 2 disabled, 3 online-capable,
 * x2APIC 0x100; one I/O APIC; ISOs 0->2 and 9 (high, level); an NMI.
 */
static void build_madt(void)
{
	struct tb b;

	madt_begin(&b);
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 1, 1);
	madt_lapic(&b, 2, 2, 0);
	madt_lapic(&b, 3, 3, 2);
	madt_ioapic(&b, 0, 0xfec00000, 0);
	madt_iso(&b, 0, 2, 0);
	madt_iso(&b, 9, 9, 0x000d);
	/* local APIC NMI: all processors, flags 5 (high, edge), LINT1 */
	tb_u8(&b, 4);
	tb_u8(&b, 6);
	tb_u8(&b, 0xff);
	tb_u16(&b, 0x0005);
	tb_u8(&b, 1);
	madt_x2apic(&b, 0x100, 1, 0x20);
	tb_end(&b);
}

static void gas(struct tb *b, uint8_t space, uint8_t width, uint64_t addr)
{
	tb_u8(b, space);
	tb_u8(b, width);
	tb_u8(b, 0);
	tb_u8(b, 1);
	tb_u64(b, addr);
}

/*
 * FADT with legacy blocks at 0x600.., X_ blocks (I/O) at 0x1000.. so the
 * tests can tell which was used, and both DSDT pointers at @dsdt/@x_dsdt.
 * Written in full, then cut to @len.
 */
static void build_fadt(uint32_t len, uint32_t dsdt, uint64_t x_dsdt)
{
	struct tb b;

	tb_begin(&b, FADT_PHYS, "FACP", 6);
	tb_u32(&b, 0);			/* 36 FIRMWARE_CTRL */
	tb_u32(&b, dsdt);		/* 40 DSDT */
	tb_u8(&b, 0);			/* 44 reserved */
	tb_u8(&b, 0);			/* 45 preferred PM profile */
	tb_u16(&b, 9);			/* 46 SCI_INT */
	tb_u32(&b, 0xb2);		/* 48 SMI_CMD */
	tb_u8(&b, 0xf1);		/* 52 ACPI_ENABLE */
	tb_u8(&b, 0xf0);		/* 53 ACPI_DISABLE */
	tb_u8(&b, 0);			/* 54 S4BIOS_REQ */
	tb_u8(&b, 0);			/* 55 PSTATE_CNT */
	tb_u32(&b, 0x600);		/* 56 PM1a_EVT_BLK */
	tb_u32(&b, 0);			/* 60 PM1b_EVT_BLK */
	tb_u32(&b, 0x604);		/* 64 PM1a_CNT_BLK */
	tb_u32(&b, 0);			/* 68 PM1b_CNT_BLK */
	tb_u32(&b, 0);			/* 72 PM2_CNT_BLK */
	tb_u32(&b, 0x608);		/* 76 PM_TMR_BLK */
	while (b.len < 108)
		tb_u8(&b, 0);
	tb_u8(&b, 0x32);		/* 108 CENTURY */
	tb_u16(&b, 0x0002);		/* 109 IAPC_BOOT_ARCH: 8042 */
	tb_u8(&b, 0);			/* 111 reserved */
	tb_u32(&b, ACPI_FADT_RESET_REG_SUP | ACPI_FADT_TMR_VAL_EXT);
	gas(&b, ACPI_GAS_IO, 8, 0xcf9);	/* 116 RESET_REG */
	tb_u8(&b, 0x0f);		/* 128 RESET_VALUE */
	tb_u16(&b, 0);			/* 129 ARM_BOOT_ARCH */
	tb_u8(&b, 1);			/* 131 minor version */
	tb_u64(&b, 0);			/* 132 X_FIRMWARE_CTRL */
	tb_u64(&b, x_dsdt);		/* 140 X_DSDT */
	gas(&b, ACPI_GAS_IO, 32, 0x1000);	/* 148 X_PM1a_EVT_BLK */
	gas(&b, ACPI_GAS_IO, 0, 0);		/* 160 X_PM1b_EVT_BLK */
	gas(&b, ACPI_GAS_IO, 16, 0x1004);	/* 172 X_PM1a_CNT_BLK */
	gas(&b, ACPI_GAS_IO, 0, 0);		/* 184 X_PM1b_CNT_BLK */
	gas(&b, ACPI_GAS_IO, 0, 0);		/* 196 X_PM2_CNT_BLK */
	gas(&b, ACPI_GAS_IO, 32, 0x1008);	/* 208 X_PM_TMR_BLK */
	while (b.len < FADT_FULL_LEN)
		tb_u8(&b, 0);
	b.len = len;
	tb_end(&b);
}

/* A DSDT holding some filler AML and Name(_S5_, Package{a, b, 0, 0}). */
static void build_dsdt(uint64_t phys, uint8_t a, uint8_t b_val)
{
	static const uint8_t filler[] = {
		0x10, 0x05, '_', 'S', 'B', '_', 0x00,	/* Scope(_SB) */
		0x08, '_', 'S', '4', '_', 0x0a, 0x01,	/* Name(_S4_, 1) */
	};
	const uint8_t s5[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
		0x0a, a, 0x0a, b_val, 0x00, 0x00,
	};
	struct tb b;

	tb_begin(&b, phys, "DSDT", 2);
	tb_bytes(&b, filler, sizeof(filler));
	tb_bytes(&b, s5, sizeof(s5));
	tb_end(&b);
}

static void build_hpet(uint8_t space)
{
	struct tb b;

	tb_begin(&b, HPET_PHYS, "HPET", 1);
	tb_u32(&b, 0x8086a201);
	gas(&b, space, 64, 0xfed00000);
	tb_u8(&b, 0);			/* HPET number */
	tb_u16(&b, 0x80);		/* minimum tick */
	tb_u8(&b, 0);			/* page protection */
	tb_end(&b);
}

static void mcfg_entry(struct tb *b, uint64_t base, uint16_t seg,
		       uint8_t start, uint8_t end)
{
	tb_u64(b, base);
	tb_u16(b, seg);
	tb_u8(b, start);
	tb_u8(b, end);
	tb_u32(b, 0);
}

static void build_mcfg(void)
{
	struct tb b;

	tb_begin(&b, MCFG_PHYS, "MCFG", 1);
	tb_u64(&b, 0);
	mcfg_entry(&b, 0xb0000000, 0, 0, 255);
	mcfg_entry(&b, 0xc0000000, 1, 0, 63);
	tb_end(&b);
}

static const uint64_t all_tables[] = { MADT_PHYS, FADT_PHYS, HPET_PHYS,
				       MCFG_PHYS };

/*
 * Every table present.  The XSDT lists all four; the RSDT only MADT and
 * FADT, so tests can tell which root table was walked.
 */
static void build_all(uint8_t rsdp_rev)
{
	build_madt();
	build_fadt(FADT_FULL_LEN, DSDT_PHYS, DSDT_PHYS);
	build_dsdt(DSDT_PHYS, 5, 7);
	build_hpet(ACPI_GAS_MEMORY);
	build_mcfg();
	build_root(RSDT_PHYS, "RSDT", all_tables, 2);
	build_root(XSDT_PHYS, "XSDT", all_tables, 4);
	build_rsdp(rsdp_rev, RSDT_PHYS, XSDT_PHYS);
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	mappable_end = MEM_SIZE;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(fake.last);
	fake.last = NULL;
	return 0;
}

static struct acpi_info info;

static int parse(void)
{
	return acpi_parse(&mapper, RSDP_PHYS, NULL, 0, &info);
}

/* Rewrite one byte of a table and keep its checksum valid. */
static void patch8(uint64_t table, uint64_t at, uint8_t v)
{
	mem[at] = v;
	sdt_fix(table);
}

/* ---- checksum and RSDP ---- */

static void checksum_ok_detects_nonzero_sum(void **state)
{
	uint8_t b[4] = { 0x10, 0x20, 0x30, 0xa0 };

	(void)state;
	assert_true(acpi_checksum_ok(b, sizeof(b)));
	b[2]++;
	assert_false(acpi_checksum_ok(b, sizeof(b)));
}

static void parse_v1_rsdp_walks_rsdt(void **state)
{
	(void)state;
	build_all(0);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.rsdp_revision, 0);
	assert_string_equal(info.oem_id, "BASALT");
	assert_false(info.xsdt_used);
	assert_true(info.madt_valid);
	assert_true(info.fadt_valid);
	/* The RSDT does not list HPET or MCFG. */
	assert_false(info.hpet_valid);
	assert_int_equal(info.nr_mcfg, 0);
	assert_true(info.s5_valid);
	assert_int_equal(info.slp_typa, 5);
	assert_int_equal(info.slp_typb, 7);
	assert_int_equal(fake.nr_logs, 0);
}

static void parse_v2_rsdp_walks_xsdt(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.rsdp_revision, 2);
	assert_true(info.xsdt_used);
	assert_true(info.madt_valid);
	assert_true(info.fadt_valid);
	assert_true(info.hpet_valid);
	assert_int_equal(info.nr_mcfg, 2);
	assert_int_equal(fake.nr_logs, 0);
}

static void parse_v2_bad_extended_checksum_falls_back_to_rsdt(void **state)
{
	(void)state;
	build_all(2);
	mem[RSDP_PHYS + 32]++;
	assert_int_equal(parse(), 0);
	assert_false(info.xsdt_used);
	assert_true(info.madt_valid);
	assert_false(info.hpet_valid);
	assert_true(fake.nr_logs > 0);
}

static void parse_v2_bad_length_falls_back_to_rsdt(void **state)
{
	(void)state;
	build_all(2);
	put32(RSDP_PHYS + 20, 20);	/* shorter than a v2 RSDP */
	mem[RSDP_PHYS + 32] = 0;
	mem[RSDP_PHYS + 32] = (uint8_t)-sum_bytes(mem + RSDP_PHYS, 36);
	assert_int_equal(parse(), 0);
	assert_false(info.xsdt_used);
	assert_true(info.fadt_valid);
}

static void parse_v2_bad_xsdt_falls_back_to_rsdt(void **state)
{
	(void)state;
	build_all(2);
	mem[XSDT_PHYS + 40] ^= 0xff;	/* break the XSDT checksum */
	assert_int_equal(parse(), 0);
	assert_false(info.xsdt_used);
	assert_true(info.madt_valid);
	assert_false(info.hpet_valid);
	assert_true(logged_sig("XSDT"));
}

static void parse_rejects_bad_rsdp_checksum(void **state)
{
	(void)state;
	build_all(0);
	mem[RSDP_PHYS + 8]++;
	assert_int_equal(parse(), -EINVAL);
	assert_false(info.madt_valid);
}

static void parse_rejects_bad_rsdp_signature(void **state)
{
	(void)state;
	build_all(0);
	mem[RSDP_PHYS] = 'X';		/* checksum recomputed below */
	mem[RSDP_PHYS + 8] = 0;
	mem[RSDP_PHYS + 8] = (uint8_t)-sum_bytes(mem + RSDP_PHYS, 20);
	assert_int_equal(parse(), -EINVAL);
}

static void parse_without_rsdp_returns_enoent(void **state)
{
	(void)state;
	assert_int_equal(acpi_parse(&mapper, 0, NULL, 0, &info), -ENOENT);
}

static void parse_unmappable_rsdp_returns_efault(void **state)
{
	(void)state;
	assert_int_equal(acpi_parse(&mapper, MEM_SIZE + 0x1000, NULL, 0, &info),
			 -EFAULT);
}

static void parse_uses_rsdp_copy(void **state)
{
	uint8_t copy[36];

	(void)state;
	build_all(2);
	memcpy(copy, mem + RSDP_PHYS, sizeof(copy));
	memset(mem + RSDP_PHYS, 0, 36);	/* only the copy is valid */
	assert_int_equal(acpi_parse(&mapper, 0, copy, sizeof(copy), &info), 0);
	assert_true(info.xsdt_used);
	assert_true(info.hpet_valid);
}

static void parse_short_copy_of_v2_rsdp_uses_rsdt(void **state)
{
	uint8_t copy[20];

	(void)state;
	build_all(2);
	memcpy(copy, mem + RSDP_PHYS, sizeof(copy));
	assert_int_equal(acpi_parse(&mapper, 0, copy, sizeof(copy), &info), 0);
	assert_false(info.xsdt_used);
	assert_true(info.madt_valid);
}

static void parse_bad_root_table_returns_einval(void **state)
{
	(void)state;
	build_all(0);
	mem[RSDT_PHYS + 36] ^= 0x01;
	assert_int_equal(parse(), -EINVAL);
	assert_true(logged_sig("RSDT"));
}

/* ---- table validation ---- */

static void parse_skips_table_with_bad_checksum(void **state)
{
	(void)state;
	build_all(2);
	mem[MADT_PHYS + 44] ^= 0x40;
	assert_int_equal(parse(), 0);
	assert_false(info.madt_valid);
	assert_int_equal(info.nr_cpus, 0);
	assert_true(info.fadt_valid);
	assert_true(info.hpet_valid);
	assert_true(logged_sig("APIC"));
}

static void parse_skips_table_past_mappable_region(void **state)
{
	(void)state;
	build_all(2);
	/* The HPET header is mappable but its length runs off the end. */
	mappable_end = HPET_PHYS + 0x40;
	put32(HPET_PHYS + 4, 0x100);
	sdt_fix(HPET_PHYS);
	/* MCFG now lies beyond the mappable end as a whole. */
	assert_int_equal(parse(), 0);
	assert_false(info.hpet_valid);
	assert_int_equal(info.nr_mcfg, 0);
	assert_true(info.madt_valid);
	assert_true(info.fadt_valid);
	assert_true(logged_sig("HPET"));
}

static void parse_skips_table_shorter_than_header(void **state)
{
	(void)state;
	build_all(2);
	put32(HPET_PHYS + 4, 20);
	assert_int_equal(parse(), 0);
	assert_false(info.hpet_valid);
	assert_true(info.madt_valid);
	assert_true(logged_sig("HPET"));
}

static void parse_xsdt_shorter_than_header_falls_back_to_rsdt(void **state)
{
	(void)state;
	build_all(2);
	put32(XSDT_PHYS + 4, 20);
	sdt_fix(XSDT_PHYS);
	assert_int_equal(parse(), 0);
	assert_false(info.xsdt_used);
	assert_true(info.madt_valid);
	assert_true(logged_sig("XSDT"));
}

static void parse_skips_table_with_huge_length(void **state)
{
	(void)state;
	build_all(2);
	put32(HPET_PHYS + 4, 32u << 20);
	assert_int_equal(parse(), 0);
	assert_true(fake.max_len <= ACPI_TABLE_MAX_LEN);
	assert_false(info.hpet_valid);
	assert_int_equal(info.nr_mcfg, 2);
	assert_true(logged_sig("HPET"));
}

static void parse_skips_null_and_unmappable_entries(void **state)
{
	const uint64_t tables[] = { 0, 0xfffffffff000ull, MADT_PHYS };

	(void)state;
	build_all(2);
	build_root(XSDT_PHYS, "XSDT", tables, 3);
	assert_int_equal(parse(), 0);
	assert_true(info.madt_valid);
	assert_int_equal(fake.nr_logs, 2);
}

static void parse_ignores_duplicate_table(void **state)
{
	const uint64_t tables[] = { MADT_PHYS, EXTRA_PHYS };
	struct tb b;

	(void)state;
	build_all(2);
	tb_begin(&b, EXTRA_PHYS, "APIC", 4);
	tb_u32(&b, 0xdead0000);
	tb_u32(&b, 0);
	tb_end(&b);
	build_root(XSDT_PHYS, "XSDT", tables, 2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.lapic_addr, 0xfee00000);
	assert_int_equal(info.nr_cpus, 4);
	assert_true(logged_sig("APIC"));
}

static void parse_ignores_unknown_tables(void **state)
{
	const uint64_t tables[] = { EXTRA_PHYS, MADT_PHYS };
	struct tb b;

	(void)state;
	build_all(2);
	tb_begin(&b, EXTRA_PHYS, "SSDT", 2);
	tb_u32(&b, 0x12345678);
	tb_end(&b);
	build_root(XSDT_PHYS, "XSDT", tables, 2);
	assert_int_equal(parse(), 0);
	assert_true(info.madt_valid);
	assert_int_equal(fake.nr_logs, 0);
}

/* ---- MADT ---- */

static void madt_collects_enabled_and_online_capable_cpus(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.lapic_addr, 0xfee00000);
	assert_int_equal(info.madt_flags, ACPI_MADT_PCAT_COMPAT);
	/* CPU 2 is neither enabled nor online-capable. */
	assert_int_equal(info.nr_cpus, 4);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_true(info.cpus[0].enabled);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_int_equal(info.cpus[1].acpi_uid, 1);
	assert_int_equal(info.cpus[2].apic_id, 3);
	assert_false(info.cpus[2].enabled);
	assert_int_equal(info.cpus[3].apic_id, 0x100);
	assert_int_equal(info.cpus[3].acpi_uid, 0x20);
	assert_true(info.cpus[3].enabled);
}

static void madt_collects_ioapics(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_ioapics, 1);
	assert_int_equal(info.ioapics[0].id, 0);
	assert_int_equal(info.ioapics[0].addr, 0xfec00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
}

static void madt_decodes_iso_polarity_and_trigger(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_isos, 2);
	assert_int_equal(info.isos[0].bus, 0);
	assert_int_equal(info.isos[0].source_irq, 0);
	assert_int_equal(info.isos[0].gsi, 2);
	assert_int_equal(info.isos[0].polarity, ACPI_POLARITY_BUS);
	assert_int_equal(info.isos[0].trigger, ACPI_TRIGGER_BUS);
	assert_int_equal(info.isos[1].source_irq, 9);
	assert_int_equal(info.isos[1].gsi, 9);
	assert_int_equal(info.isos[1].flags, 0x000d);
	assert_int_equal(info.isos[1].polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(info.isos[1].trigger, ACPI_TRIGGER_LEVEL);
}

static void madt_iso_active_low_edge(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	madt_iso(&b, 5, 21, 0x0007);	/* polarity 3 (low), trigger 1 */
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_isos, 1);
	assert_int_equal(info.isos[0].gsi, 21);
	assert_int_equal(info.isos[0].polarity, ACPI_POLARITY_LOW);
	assert_int_equal(info.isos[0].trigger, ACPI_TRIGGER_EDGE);
}

static void madt_collects_lapic_nmis(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_lapic_nmis, 1);
	assert_int_equal(info.lapic_nmis[0].acpi_uid, ACPI_UID_ALL_CPUS);
	assert_int_equal(info.lapic_nmis[0].lint, 1);
	assert_int_equal(info.lapic_nmis[0].polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(info.lapic_nmis[0].trigger, ACPI_TRIGGER_EDGE);
}

static void madt_lapic_override_replaces_header_address(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 5);
	tb_u8(&b, 12);
	tb_u16(&b, 0);
	tb_u64(&b, 0x1234fee00000ull);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.lapic_addr, 0x1234fee00000ull);
	assert_int_equal(info.nr_cpus, 1);
}

static void madt_zero_length_entry_stops_walk(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 0);
	tb_u8(&b, 0);			/* length 0: would loop forever */
	tb_u16(&b, 0);
	madt_lapic(&b, 1, 1, 1);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_true(info.madt_valid);
	assert_int_equal(info.nr_cpus, 1);
	assert_true(logged_sig("APIC"));
}

static void madt_length_one_entry_stops_walk(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	tb_u8(&b, 0);
	tb_u8(&b, 1);
	madt_lapic(&b, 1, 1, 1);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_cpus, 0);
	assert_true(logged_sig("APIC"));
}

static void madt_entry_past_table_end_stops_walk(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	madt_lapic(&b, 0, 0, 1);
	/* An I/O APIC entry claiming 12 bytes with only 4 left. */
	tb_u8(&b, 1);
	tb_u8(&b, 12);
	tb_u8(&b, 7);
	tb_u8(&b, 0);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.nr_ioapics, 0);
	assert_true(logged_sig("APIC"));
}

static void madt_trailing_byte_stops_walk(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 0);			/* half an entry header */
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_cpus, 1);
	assert_true(logged_sig("APIC"));
}

static void madt_short_entry_is_skipped(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	/* I/O APIC entry of 8 bytes: too short to hold address and GSI. */
	tb_u8(&b, 1);
	tb_u8(&b, 8);
	tb_u8(&b, 7);
	tb_u8(&b, 0);
	tb_u32(&b, 0xfec00000);
	madt_lapic(&b, 0, 0, 1);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_ioapics, 0);
	assert_int_equal(info.nr_cpus, 1);
	assert_true(logged_sig("APIC"));
}

static void madt_caps_cpus_at_max(void **state)
{
	struct tb b;
	unsigned i;

	(void)state;
	build_all(2);
	madt_begin(&b);
	for (i = 0; i < ACPI_MAX_CPUS + 6; i++)
		madt_lapic(&b, (uint8_t)i, (uint8_t)i, 1);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_cpus, ACPI_MAX_CPUS);
	assert_int_equal(info.cpus[ACPI_MAX_CPUS - 1].apic_id,
			 ACPI_MAX_CPUS - 1);
	assert_true(logged_sig("APIC"));
}

static void madt_dedups_cpu_listed_as_xapic_and_x2apic(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	madt_begin(&b);
	madt_lapic(&b, 0, 0, 1);
	madt_x2apic(&b, 0, 1, 0);
	madt_x2apic(&b, 1, 1, 1);
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_cpus, 2);
	assert_int_equal(info.cpus[1].apic_id, 1);
}

static void madt_too_short_for_header_is_skipped(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	tb_begin(&b, MADT_PHYS, "APIC", 4);
	tb_u32(&b, 0xfee00000);		/* flags missing */
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_false(info.madt_valid);
	assert_int_equal(info.lapic_addr, 0);
	assert_true(logged_sig("APIC"));
}

/* ---- FADT / DSDT ---- */

static void fadt_prefers_x_io_blocks(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.fadt_revision, 6);
	assert_int_equal(info.sci_int, 9);
	assert_int_equal(info.smi_cmd, 0xb2);
	assert_int_equal(info.acpi_enable, 0xf1);
	assert_int_equal(info.acpi_disable, 0xf0);
	assert_int_equal(info.pm1a_evt_blk, 0x1000);
	assert_int_equal(info.pm1a_cnt_blk, 0x1004);
	/* X_PM1b_CNT_BLK is zero: the (zero) legacy field is used. */
	assert_int_equal(info.pm1b_cnt_blk, 0);
	assert_int_equal(info.pm_tmr_blk, 0x1008);
	assert_true(info.pm_tmr_32bit);
	assert_int_equal(info.century, 0x32);
	assert_int_equal(info.iapc_boot_arch, ACPI_IAPC_8042);
}

static void fadt_ignores_x_blocks_outside_io_space(void **state)
{
	(void)state;
	build_all(2);
	patch8(FADT_PHYS, FADT_PHYS + 172, ACPI_GAS_MEMORY);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.pm1a_cnt_blk, 0x604);
	assert_int_equal(info.pm_tmr_blk, 0x1008);
}

static void fadt_v1_length_uses_legacy_fields(void **state)
{
	(void)state;
	build_all(0);
	build_fadt(116, DSDT_PHYS, DSDT2_PHYS);	/* X_DSDT cut off */
	assert_int_equal(parse(), 0);
	assert_true(info.fadt_valid);
	assert_int_equal(info.pm1a_cnt_blk, 0x604);
	assert_int_equal(info.pm_tmr_blk, 0x608);
	assert_false(info.reset_valid);
	assert_int_equal(info.dsdt_phys, DSDT_PHYS);
	assert_true(info.s5_valid);
}

static void fadt_x_field_partly_covered_is_ignored(void **state)
{
	(void)state;
	build_all(2);
	/* 180 bytes: ends inside X_PM1a_CNT_BLK. */
	build_fadt(180, DSDT_PHYS, DSDT_PHYS);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.pm1a_evt_blk, 0x1000);
	assert_int_equal(info.pm1a_cnt_blk, 0x604);
}

static void fadt_reset_reg_decoded(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_true(info.reset_valid);
	assert_int_equal(info.reset_reg.space_id, ACPI_GAS_IO);
	assert_int_equal(info.reset_reg.bit_width, 8);
	assert_int_equal(info.reset_reg.address, 0xcf9);
	assert_int_equal(info.reset_value, 0x0f);
}

static void fadt_reset_reg_requires_flag(void **state)
{
	(void)state;
	build_all(2);
	/* Clear RESET_REG_SUP (bit 10 = byte 113 bit 2). */
	patch8(FADT_PHYS, FADT_PHYS + 113, mem[FADT_PHYS + 113] & ~0x04);
	assert_int_equal(parse(), 0);
	assert_true(info.fadt_valid);
	assert_false(info.reset_valid);
}

static void fadt_reset_reg_requires_length(void **state)
{
	(void)state;
	build_all(2);
	build_fadt(128, DSDT_PHYS, 0);	/* RESET_VALUE not covered */
	assert_int_equal(parse(), 0);
	assert_true(info.fadt_valid);
	assert_false(info.reset_valid);
}

static void fadt_prefers_x_dsdt(void **state)
{
	(void)state;
	build_all(2);
	build_dsdt(DSDT2_PHYS, 3, 4);
	build_fadt(FADT_FULL_LEN, DSDT_PHYS, DSDT2_PHYS);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.dsdt_phys, DSDT2_PHYS);
	assert_int_equal(info.slp_typa, 3);
	assert_int_equal(info.slp_typb, 4);
}

static void fadt_falls_back_to_32bit_dsdt(void **state)
{
	(void)state;
	build_all(2);
	build_dsdt(DSDT2_PHYS, 3, 4);
	mem[DSDT2_PHYS + 40] ^= 0xff;	/* bad checksum */
	build_fadt(FADT_FULL_LEN, DSDT_PHYS, DSDT2_PHYS);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.dsdt_phys, DSDT_PHYS);
	assert_int_equal(info.slp_typa, 5);
	assert_true(logged_sig("DSDT"));
}

static void fadt_without_valid_dsdt_has_no_s5(void **state)
{
	(void)state;
	build_all(2);
	memcpy(mem + DSDT_PHYS, "SSDT", 4);	/* wrong signature */
	sdt_fix(DSDT_PHYS);
	assert_int_equal(parse(), 0);
	assert_true(info.fadt_valid);
	assert_int_equal(info.dsdt_phys, 0);
	assert_false(info.s5_valid);
	assert_true(logged_sig("FACP"));
}

static void dsdt_without_s5_is_reported(void **state)
{
	struct tb b;

	(void)state;
	build_all(2);
	tb_begin(&b, DSDT_PHYS, "DSDT", 2);
	tb_u32(&b, 0x5f345f08);		/* Name(_4_ ... */
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.dsdt_phys, DSDT_PHYS);
	assert_false(info.s5_valid);
	assert_true(logged_sig("DSDT"));
}

static void fadt_too_short_is_skipped(void **state)
{
	(void)state;
	build_all(2);
	build_fadt(100, DSDT_PHYS, 0);
	assert_int_equal(parse(), 0);
	assert_false(info.fadt_valid);
	assert_int_equal(info.pm1a_cnt_blk, 0);
	assert_false(info.s5_valid);
	assert_true(logged_sig("FACP"));
}

/* ---- HPET / MCFG ---- */

static void hpet_base_and_number_parsed(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_true(info.hpet_valid);
	assert_int_equal(info.hpet_base, 0xfed00000);
	assert_int_equal(info.hpet_number, 0);
	assert_int_equal(info.hpet_block_id, 0x8086a201);
	assert_int_equal(info.hpet_min_tick, 0x80);
}

static void hpet_outside_memory_space_is_skipped(void **state)
{
	(void)state;
	build_all(2);
	build_hpet(ACPI_GAS_IO);
	assert_int_equal(parse(), 0);
	assert_false(info.hpet_valid);
	assert_true(logged_sig("HPET"));
}

static void mcfg_entries_parsed(void **state)
{
	(void)state;
	build_all(2);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_mcfg, 2);
	assert_int_equal(info.mcfg[0].base, 0xb0000000);
	assert_int_equal(info.mcfg[0].segment, 0);
	assert_int_equal(info.mcfg[0].start_bus, 0);
	assert_int_equal(info.mcfg[0].end_bus, 255);
	assert_int_equal(info.mcfg[1].base, 0xc0000000);
	assert_int_equal(info.mcfg[1].segment, 1);
	assert_int_equal(info.mcfg[1].end_bus, 63);
}

static void mcfg_caps_entries_and_skips_bad_ranges(void **state)
{
	struct tb b;
	unsigned i;

	(void)state;
	build_all(2);
	tb_begin(&b, MCFG_PHYS, "MCFG", 1);
	tb_u64(&b, 0);
	mcfg_entry(&b, 0xa0000000, 9, 10, 5);	/* start > end */
	for (i = 0; i < ACPI_MAX_MCFG + 2; i++)
		mcfg_entry(&b, 0xb0000000 + i * 0x10000000ull, (uint16_t)i, 0,
			   255);
	tb_u8(&b, 0xee);			/* partial entry */
	tb_end(&b);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_mcfg, ACPI_MAX_MCFG);
	assert_int_equal(info.mcfg[0].segment, 0);
	assert_int_equal(info.mcfg[ACPI_MAX_MCFG - 1].segment,
			 ACPI_MAX_MCFG - 1);
	assert_true(logged_sig("MCFG"));
}

/* ---- acpi_find_rsdp_in ---- */

static void find_rsdp_in_finds_aligned_rsdp(void **state)
{
	uint64_t phys = 0;

	(void)state;
	build_rsdp(0, RSDT_PHYS, 0);
	assert_int_equal(acpi_find_rsdp_in(mem, MEM_SIZE, 0, &phys), 0);
	assert_int_equal(phys, RSDP_PHYS);
}

static void find_rsdp_in_ignores_unaligned_rsdp(void **state)
{
	uint64_t phys = 0;

	(void)state;
	build_rsdp(0, RSDT_PHYS, 0);
	memmove(mem + RSDP_PHYS + 4, mem + RSDP_PHYS, 20);
	memset(mem + RSDP_PHYS, 0, 4);
	assert_int_equal(acpi_find_rsdp_in(mem, MEM_SIZE, 0, &phys), -ENOENT);
}

static void find_rsdp_in_uses_physical_alignment(void **state)
{
	uint64_t phys = 0;

	(void)state;
	build_rsdp(0, RSDT_PHYS, 0);
	/* Area starts 8 bytes into a paragraph: the RSDP is at offset 8. */
	assert_int_equal(acpi_find_rsdp_in(mem + RSDP_PHYS - 8, 64, 0xe0008,
					   &phys), 0);
	assert_int_equal(phys, 0xe0010);
}

static void find_rsdp_in_rejects_bad_v2_checksum(void **state)
{
	uint64_t phys = 0;

	(void)state;
	build_rsdp(2, RSDT_PHYS, XSDT_PHYS);
	mem[RSDP_PHYS + 32]++;
	assert_int_equal(acpi_find_rsdp_in(mem, MEM_SIZE, 0, &phys), -ENOENT);
}

static void find_rsdp_in_rejects_rsdp_cut_by_area_end(void **state)
{
	uint64_t phys = 0;

	(void)state;
	build_rsdp(2, RSDT_PHYS, XSDT_PHYS);
	assert_int_equal(acpi_find_rsdp_in(mem + RSDP_PHYS, 32, RSDP_PHYS,
					   &phys), -ENOENT);
	assert_int_equal(acpi_find_rsdp_in(mem + RSDP_PHYS, 36, RSDP_PHYS,
					   &phys), 0);
	assert_int_equal(phys, RSDP_PHYS);
}

static void find_rsdp_in_returns_enoent_when_absent(void **state)
{
	uint64_t phys = 0;

	(void)state;
	assert_int_equal(acpi_find_rsdp_in(mem, MEM_SIZE, 0, &phys), -ENOENT);
	assert_int_equal(acpi_find_rsdp_in(mem, 10, 0, &phys), -ENOENT);
}

/* ---- acpi_find_s5 ---- */

/* Run acpi_find_s5 on an exact-size heap copy so overreads are caught. */
static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, aml, len);
	*a = *b = 0xaa;
	err = acpi_find_s5(copy, len, a, b);
	free(copy);
	return err;
}

static void s5_byte_prefix(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
				0x0a, 0x05, 0x0a, 0x06 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 6);
}

static void s5_word_and_dword_prefixes(void **state)
{
	/* Package(3){Word 7, DWord 3, QWord ...}: 19 bytes from PkgLength. */
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x13, 0x03,
				0x0b, 0x07, 0x00,
				0x0c, 0x03, 0x00, 0x00, 0x00,
				0x0e, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 3);
}

static void s5_qword_prefix(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x0c, 0x02,
				0x0e, 2, 0, 0, 0, 0, 0, 0, 0,
				0x01 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 1);
}

static void s5_zero_one_ones_ops(void **state)
{
	const uint8_t zero_one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04,
				     0x02, 0x00, 0x01 };
	const uint8_t ones[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
				 0xff, 0x00 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(zero_one, sizeof(zero_one), &a, &b), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(s5(ones, sizeof(ones), &a, &b), 0);
	assert_int_equal(a, 0xff);
	assert_int_equal(b, 0);
}

static void s5_qemu_all_zero_package(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				0x00, 0x00, 0x00, 0x00 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
}

static void s5_root_prefixed_name(void **state)
{
	const uint8_t aml[] = { 0x00, 0x08, '\\', '_', 'S', '5', '_', 0x12,
				0x06, 0x02, 0x0a, 0x07, 0x0a, 0x07 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 7);
}

static void s5_multibyte_pkglength(void **state)
{
	/* Two-byte PkgLength: lead 0x47 (1 follow byte, low nibble 7),
	 * then 0x00: length 7 = 2 length bytes + count + 4 elements. */
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00,
				0x02, 0x0a, 0x03, 0x0a, 0x04 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 3);
	assert_int_equal(b, 4);
}

static void s5_single_element_package(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
				0x0b, 0x05, 0x06 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 6);
}

static void s5_truncated_package_is_einval(void **state)
{
	/* PkgLength claims 6 bytes but the buffer ends after 3. */
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
				0x0a, 0x05 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), -EINVAL);
}

static void s5_element_past_package_end_is_einval(void **state)
{
	/* PkgLength 4 ends after one byte element; the second is outside. */
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
				0x0a, 0x05, 0x0a, 0x06 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), -EINVAL);
}

static void s5_cut_integer_or_pkglength_is_einval(void **state)
{
	const uint8_t dword[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
				  0x00, 0x0c, 0x01 };
	const uint8_t pkglen[] = { 0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x00 };
	const uint8_t no_pkglen[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(dword, sizeof(dword), &a, &b), -EINVAL);
	assert_int_equal(s5(pkglen, sizeof(pkglen), &a, &b), -EINVAL);
	assert_int_equal(s5(no_pkglen, sizeof(no_pkglen), &a, &b), -EINVAL);
}

static void s5_name_without_package_is_einval(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	const uint8_t empty_pkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02,
				      0x00 };
	const uint8_t string_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05,
					0x02, 0x0d, 'a', 0x00 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), -EINVAL);
	assert_int_equal(s5(empty_pkg, sizeof(empty_pkg), &a, &b), -EINVAL);
	assert_int_equal(s5(string_elem, sizeof(string_elem), &a, &b),
			 -EINVAL);
}

static void s5_absent_is_enoent(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02,
				0x00, 0x00, '_', 'S', '5', '_', 0x08, '_',
				'S', '5' };
	uint8_t a, b;

	(void)state;
	/* "_S5_" not after a NameOp, and a NameOp cut short. */
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), -ENOENT);
	assert_int_equal(s5(aml, 0, &a, &b), -ENOENT);
}

static void s5_skips_bad_candidate_and_finds_next(void **state)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x0d, 'x', 0x00,
				0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
				0x01, 0x01 };
	uint8_t a, b;

	(void)state;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 1);
}

/* ---- random corruption ---- */

/* Boundary values worth writing into this format's fields. */
static const uint8_t mutation_edges[] = { 0x00, 0x01, 0x02, 0x08, 0x0c, 0x10,
						  0x24, 0x40, 0x7f, 0x80, 0xff };

static uint8_t mutate_byte(uint8_t old)
{
	return rng_mutate_byte(old, mutation_edges, sizeof(mutation_edges));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * The table sets the acpi_parse() corruption test works on.  Each table
 * is a region of exactly its built length (the RSDP's region is 48
 * bytes, as if firmware had a longer RSDP, so a corrupted RSDP length
 * can be mapped); the region mapper refuses any request not wholly
 * inside one region, and what it does return is a fresh heap copy of
 * exactly the requested length.  So a parser that believes a corrupted
 * length or pointer gets NULL, and one that reads past what it mapped
 * trips ASan.
 */
enum rt_index {
	RT_RSDP, RT_XSDT, RT_RSDT, RT_MADT, RT_FADT, RT_HPET, RT_MCFG,
	RT_DSDT, RT_COUNT
};

#define RT_RSDP_REGION	48
#define RT_MAX_HOT	320

struct rt_table {
	uint64_t phys;
	uint32_t len;
	unsigned nr_hot;
	uint16_t hot[RT_MAX_HOT];	/* offsets worth corrupting */
};

/* Set 0: the standard tables; set 1: a MADT past every array cap. */
static struct rt_set {
	struct rt_table t[RT_COUNT];
	uint8_t base[MEM_SIZE];		/* memory as built */
} rt_sets[2];

static struct rt_table *rt;		/* tables of the set in use */

static unsigned rt_map_calls;

static bool rt_mappable(uint64_t phys, uint64_t len)
{
	unsigned i;

	for (i = 0; i < RT_COUNT; i++)
		if (phys >= rt[i].phys && phys - rt[i].phys <= rt[i].len &&
		    len <= rt[i].len - (phys - rt[i].phys))
			return true;
	return false;
}

static const void *region_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	rt_map_calls++;
	if (len > fake.max_len)
		fake.max_len = len;
	if (len == 0 || !rt_mappable(phys, len))
		return NULL;
	return serve_copy(phys, len);
}

static const struct acpi_mapper region_mapper = {
	.map = region_map,
	.log = fake_log,
	.ctx = NULL,
};

static void rt_hot(unsigned t, uint32_t from, uint32_t to)
{
	while (from < to) {
		assert_true(rt[t].nr_hot < RT_MAX_HOT);
		rt[t].hot[rt[t].nr_hot++] = (uint16_t)from++;
	}
}

/* More CPUs, I/O APICs, overrides and NMIs than acpi_info holds. */
static void build_madt_crowded(void)
{
	struct tb b;
	unsigned i;

	madt_begin(&b);
	for (i = 0; i < ACPI_MAX_CPUS + 4; i++)
		madt_lapic(&b, (uint8_t)i, (uint8_t)i, 1);
	for (i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic(&b, (uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
	for (i = 0; i < ACPI_MAX_ISOS + 2; i++)
		madt_iso(&b, (uint8_t)i, i, 0x000d);
	for (i = 0; i < ACPI_MAX_LAPIC_NMIS + 2; i++) {
		tb_u8(&b, 4);
		tb_u8(&b, 6);
		tb_u8(&b, (uint8_t)i);
		tb_u16(&b, 0x0005);
		tb_u8(&b, 1);
	}
	madt_x2apic(&b, 0x100, 1, 0x100);
	tb_u8(&b, 5);			/* local APIC address override */
	tb_u8(&b, 12);
	tb_u16(&b, 0);
	tb_u64(&b, 0xfee00000);
	tb_end(&b);
	assert_true(MADT_PHYS + b.len <= FADT_PHYS);
}

/* Build a v2 table set, note each table's hot bytes, keep a copy. */
static void rt_build(struct rt_set *set, bool crowded)
{
	static const uint64_t phys[RT_COUNT] = {
		RSDP_PHYS, XSDT_PHYS, RSDT_PHYS, MADT_PHYS, FADT_PHYS,
		HPET_PHYS, MCFG_PHYS, DSDT_PHYS,
	};
	uint32_t off;
	unsigned t;

	memset(mem, 0, sizeof(mem));
	build_all(2);
	if (crowded)
		build_madt_crowded();
	memset(set->t, 0, sizeof(set->t));
	rt = set->t;
	for (t = 0; t < RT_COUNT; t++) {
		rt[t].phys = phys[t];
		rt[t].len = t == RT_RSDP ? RT_RSDP_REGION :
					   get32(mem + phys[t] + 4);
		if (t != RT_RSDP)
			rt_hot(t, 0, 10);	/* signature, length, csum */
	}
	rt_hot(RT_RSDP, 15, 36);	/* revision, pointers, length */
	rt_hot(RT_XSDT, 36, rt[RT_XSDT].len);
	rt_hot(RT_RSDT, 36, rt[RT_RSDT].len);
	rt_hot(RT_MADT, 36, 44);
	for (off = 44; off < rt[RT_MADT].len; off += mem[MADT_PHYS + off + 1])
		rt_hot(RT_MADT, off, off + 2);	/* entry type, length */
	rt_hot(RT_FADT, 40, 44);		/* DSDT */
	rt_hot(RT_FADT, 112, 129);		/* flags, RESET_REG, value */
	rt_hot(RT_FADT, 140, 149);		/* X_DSDT, X_PM1a_EVT space */
	rt_hot(RT_FADT, 172, 173);
	rt_hot(RT_FADT, 208, 209);
	rt_hot(RT_HPET, 36, rt[RT_HPET].len);
	rt_hot(RT_MCFG, 36, rt[RT_MCFG].len);
	rt_hot(RT_DSDT, 36, rt[RT_DSDT].len);
	memcpy(set->base, mem, sizeof(mem));
}

/* An address a corrupted pointer might hold: another table or an edge. */
static uint64_t rt_random_addr(void)
{
	unsigned t = (unsigned)(rng() % RT_COUNT);

	switch (rng() % 6) {
	case 0:
	case 1:
		return rt[t].phys;
	case 2:
		return rt[t].phys + 1 + rng() % 16;
	case 3:
		return rt[t].phys + rt[t].len - rng() % 40;
	case 4:
		return 0;
	default:
		return rng() % 2 ? rng() : UINT64_MAX - rng() % 64;
	}
}

/* Point one of the pointers in the set somewhere else. */
static unsigned rt_mutate_pointer(void)
{
	uint64_t v = rt_random_addr();

	switch (rng() % 6) {
	case 0:
		put32(RSDP_PHYS + 16, (uint32_t)v);
		return RT_RSDP;
	case 1:
		put64(RSDP_PHYS + 24, v);
		return RT_RSDP;
	case 2:
		put64(XSDT_PHYS + 36 + 8 * (rng() % 4), v);
		return RT_XSDT;
	case 3:
		put32(RSDT_PHYS + 36 + 4 * (rng() % 2), (uint32_t)v);
		return RT_RSDT;
	case 4:
		put32(FADT_PHYS + 40, (uint32_t)v);
		return RT_FADT;
	default:
		put64(FADT_PHYS + 140, v);
		return RT_FADT;
	}
}

/* Rewrite a length field with a value near an edge. */
static void rt_mutate_length(unsigned t)
{
	static const uint32_t odd[] = { 0, 20, 35, 36, 37, 4096, 4097,
					ACPI_TABLE_MAX_LEN,
					ACPI_TABLE_MAX_LEN + 1, 0xffffffffu };
	uint64_t at = rt[t].phys + (t == RT_RSDP ? 20 : 4);
	uint32_t v;

	switch (rng() % 5) {
	case 0:
		v = rt[t].len - 1 - (uint32_t)(rng() % 24);
		break;
	case 1:
	case 2:			/* cut anywhere after the header */
		v = 36 + (uint32_t)(rng() % (rt[t].len - 36));
		break;
	case 3:
		v = rt[t].len + 1 + (uint32_t)(rng() % 8);
		break;
	default:
		v = odd[rng() % (sizeof(odd) / sizeof(odd[0]))];
		break;
	}
	put32(at, v);
}

/*
 * End the MADT right after one of its entries and make that entry
 * shorter than its type needs: a parser that trusts the type rather
 * than the length then reads past the table.
 */
static void rt_mutate_madt_tail(const struct rt_set *set)
{
	const uint8_t *b = set->base + MADT_PHYS;
	uint32_t len = get32(b + 4), off, n = 0, pick;
	uint8_t elen;

	for (off = 44; off < len; off += b[off + 1])
		n++;
	pick = (uint32_t)(rng() % n);
	for (off = 44; pick--; off += b[off + 1])
		;
	elen = (uint8_t)(2 + rng() % (b[off + 1] - 2));
	mem[MADT_PHYS + off + 1] = elen;
	put32(MADT_PHYS + 4, off + elen);
}

static void rt_mutate_signature(unsigned t)
{
	static const char *const sigs[] = { "APIC", "FACP", "HPET", "MCFG",
					    "DSDT", "XSDT", "RSDT", "SSDT" };

	if (t == RT_RSDP)
		mem[RSDP_PHYS + rng() % 8] ^= 0x20;
	else
		memcpy(mem + rt[t].phys, sigs[rng() % 8], 4);
}

/* Make the table's checksums agree with its (maybe corrupted) bytes. */
static void rt_fix_checksum(unsigned t)
{
	uint64_t p = rt[t].phys;
	uint32_t n;

	if (t == RT_RSDP) {
		mem[p + 8] = 0;
		mem[p + 8] = (uint8_t)-sum_bytes(mem + p, 20);
		n = get32(mem + p + 20);
		if (n > 32) {
			n = n < rt[t].len ? n : rt[t].len;
			mem[p + 32] = 0;
			mem[p + 32] = (uint8_t)-sum_bytes(mem + p, n);
		}
		return;
	}
	n = get32(mem + p + 4);
	if (n < 10)
		return;
	n = n < rt[t].len ? n : rt[t].len;
	mem[p + 9] = 0;
	mem[p + 9] = (uint8_t)-sum_bytes(mem + p, n);
}

static void acpi_check_result(int r)
{
	unsigned i, j;

	assert_true(r == 0 || r == -EINVAL || r == -EFAULT || r == -ENOENT);
	assert_true(fake.max_len <= ACPI_TABLE_MAX_LEN);
	if (r)
		return;
	assert_true(info.oem_id[6] == '\0');
	assert_true(!info.xsdt_used || info.rsdp_revision >= 2);
	assert_true(info.nr_cpus <= ACPI_MAX_CPUS);
	assert_true(info.nr_ioapics <= ACPI_MAX_IOAPICS);
	assert_true(info.nr_isos <= ACPI_MAX_ISOS);
	assert_true(info.nr_lapic_nmis <= ACPI_MAX_LAPIC_NMIS);
	assert_true(info.nr_mcfg <= ACPI_MAX_MCFG);
	if (!info.madt_valid)
		assert_true(info.nr_cpus + info.nr_ioapics + info.nr_isos +
			    info.nr_lapic_nmis == 0);
	for (i = 0; i < info.nr_cpus; i++)
		for (j = i + 1; j < info.nr_cpus; j++)
			assert_true(info.cpus[i].apic_id !=
				    info.cpus[j].apic_id);
	for (i = 0; i < info.nr_mcfg; i++)
		assert_true(info.mcfg[i].start_bus <= info.mcfg[i].end_bus);
	if (info.hpet_valid)
		assert_true(info.hpet_base != 0);
	/* A DSDT is only recorded once its header mapped and validated. */
	if (info.dsdt_phys)
		assert_true(info.fadt_valid &&
			    rt_mappable(info.dsdt_phys, 36));
	if (info.s5_valid)
		assert_true(info.dsdt_phys != 0);
}

static void parse_random_corruption_never_reads_out_of_bounds(void **state)
{
	unsigned iter, t, results[4] = { 0 }, deep = 0, capped = 0, touched;

	(void)state;
	rng_seed(0x616370695f66757aull);
	rt_build(&rt_sets[1], true);
	rt_build(&rt_sets[0], false);

	for (iter = 0; iter < 10000; iter++) {
		struct rt_set *set = &rt_sets[rng() % 2];
		unsigned flips = 1 + (unsigned)(rng() % 4);
		uint8_t *copy = NULL;
		size_t copy_len = 0;
		uint64_t rsdp = RSDP_PHYS;
		int r, want = 0;

		rt = set->t;
		for (t = 0; t < RT_COUNT; t++)
			memcpy(mem + rt[t].phys, set->base + rt[t].phys,
			       rt[t].len);
		touched = 0;
		while (flips--) {
			uint64_t at;

			t = (unsigned)(rng() % RT_COUNT);
			switch (rng() % 10) {
			case 0:
				t = rt_mutate_pointer();
				break;
			case 1:
			case 2:
				rt_mutate_length(t);
				break;
			case 3:
				rt_mutate_signature(t);
				break;
			case 4:
			case 5:
			case 6:
				at = rt[t].phys +
				     rt[t].hot[rng() % rt[t].nr_hot];
				mem[at] = mutate_byte(mem[at]);
				break;
			case 7:
				rt_mutate_madt_tail(set);
				t = RT_MADT;
				break;
			default:
				at = rt[t].phys + rng() % rt[t].len;
				mem[at] = mutate_byte(mem[at]);
				break;
			}
			touched |= 1u << t;
		}
		/* Mostly keep checksums right so parsing goes past them. */
		if (rng() % 4)
			for (t = 0; t < RT_COUNT; t++)
				if (touched & (1u << t))
					rt_fix_checksum(t);

		switch (rng() % 32) {
		case 0:		/* a Multiboot2 copy of the RSDP */
		case 1:
			copy_len = 36 - rng() % 24;
			copy = malloc(copy_len);
			assert_non_null(copy);
			memcpy(copy, mem + RSDP_PHYS, copy_len);
			rsdp = 0;
			break;
		case 2:		/* no RSDP at all */
			rsdp = 0;
			want = -ENOENT;
			break;
		case 3:		/* a pointer that cannot be mapped */
			rsdp = rng() % 2 ?
				RSDP_PHYS + RT_RSDP_REGION - 19 + rng() % 16 :
				MEM_SIZE + rng() % 0x1000;
			want = -EFAULT;
			break;
		}
		fake.nr_logs = 0;
		rt_map_calls = 0;
		r = acpi_parse(&region_mapper, rsdp, copy, copy_len, &info);
		acpi_check_result(r);
		if (want)
			assert_int_equal(r, want);
		else
			assert_true(r == 0 || r == -EINVAL);
		/* Root entries and tables are bounded: the walk ends. */
		assert_true(rt_map_calls < 64);
		free(copy);
		results[r == 0 ? 0 : r == -EINVAL ? 1 : r == -EFAULT ? 2 : 3]++;
		if (r == 0 && info.madt_valid && info.fadt_valid &&
		    info.s5_valid && info.hpet_valid && info.nr_mcfg)
			deep++;
		if (r == 0 && info.nr_cpus == ACPI_MAX_CPUS &&
		    info.nr_ioapics == ACPI_MAX_IOAPICS &&
		    info.nr_isos == ACPI_MAX_ISOS &&
		    info.nr_lapic_nmis == ACPI_MAX_LAPIC_NMIS)
			capped++;
	}
	/* Every outcome happened; many sets decoded deep or to the caps. */
	assert_true(results[0] > 1000 && results[1] > 100);
	assert_true(results[2] > 0 && results[3] > 0);
	assert_true(deep > 1000 && capped > 1000);
}

/* ---- acpi_find_rsdp_in: random corruption ---- */

/* Independent statement of what a findable RSDP is. */
static bool rsdp_found_at(const uint8_t *a, size_t len, size_t off)
{
	const uint8_t *p = a + off;
	uint32_t n;

	if (len - off < 20 || memcmp(p, "RSD PTR ", 8) != 0 ||
	    sum_bytes(p, 20) != 0)
		return false;
	if (p[15] < 2)
		return true;
	if (len - off < 36)
		return false;
	n = get32(p + 20);
	return n >= 36 && n <= len - off && sum_bytes(p, n) == 0;
}

static void find_rsdp_in_random_corruption_never_reads_out_of_bounds(
	void **state)
{
	unsigned iter, results[2] = { 0 };

	(void)state;
	rng_seed(0x727364705f66757aull);
	for (iter = 0; iter < 10000; iter++) {
		size_t len = rng() % 160, off, first, i;
		uint64_t phys = 0xe0000 + rng() % 32, found = 0;
		uint8_t *a = malloc(len ? len : 1);
		unsigned plants = 1 + (unsigned)(rng() % 2), flips;
		int r;

		assert_non_null(a);
		for (i = 0; i < len; i++)
			a[i] = rng() % 4 ? 0 : (uint8_t)rng();
		/* Plant RSDPs on paragraphs, some cut off by the end. */
		while (plants-- && len >= 8) {
			uint8_t r36[64];
			size_t n;

			off = (16 - (phys & 15)) & 15;
			off += 16 * (rng() % (len / 16 + 1));
			if (off >= len)
				continue;
			n = len - off;
			memset(r36, 0, sizeof(r36));
			memcpy(r36, "RSD PTR ", 8);
			memcpy(r36 + 9, "BASALT", 6);
			r36[15] = rng() % 3 ? 2 : 0;
			r36[8] = (uint8_t)-sum_bytes(r36, 20);
			if (r36[15] >= 2) {
				uint32_t elen = rng() % 4 ? 36 :
						36 + (uint32_t)(rng() % 28);

				r36[20] = (uint8_t)elen;
				r36[32] = (uint8_t)-sum_bytes(r36, elen);
			}
			memcpy(a + off, r36, n < sizeof(r36) ? n : sizeof(r36));
		}
		flips = (unsigned)(rng() % 3);
		while (flips-- && len)
			a[rng() % len] = mutate_byte(a[rng() % len]);

		first = len;
		for (off = (16 - (phys & 15)) & 15; len >= 20 && off < len;
		     off += 16)
			if (rsdp_found_at(a, len, off)) {
				first = off;
				break;
			}
		r = acpi_find_rsdp_in(a, len, phys, &found);
		if (first == len) {
			assert_int_equal(r, -ENOENT);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(found, phys + first);
			assert_int_equal(found & 15, 0);
		}
		results[r == 0]++;
		free(a);
	}
	assert_true(results[0] > 1000 && results[1] > 1000);
}

/* ---- acpi_find_s5: random input ---- */

/* Does @p hold a NameOp [\] "_S5_" that acpi_find_s5() must look at? */
static bool s5_has_candidate(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] != 0x08)
			continue;
		if (len - i >= 5 && memcmp(p + i + 1, "_S5_", 4) == 0)
			return true;
		if (len - i >= 6 && p[i + 1] == '\\' &&
		    memcmp(p + i + 2, "_S5_", 4) == 0)
			return true;
	}
	return false;
}

/* Run acpi_find_s5() on exactly @len heap bytes and check the contract. */
static int s5_random_check(const uint8_t *aml, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	uint8_t a = 0xaa, b = 0xbb;
	int r;

	assert_non_null(copy);
	memcpy(copy, aml, len);
	r = acpi_find_s5(copy, len, &a, &b);
	free(copy);
	assert_true(r == 0 || r == -EINVAL || r == -ENOENT);
	assert_int_equal(r == -ENOENT, !s5_has_candidate(aml, len));
	if (r) {
		/* Failure leaves the outputs alone. */
		assert_int_equal(a, 0xaa);
		assert_int_equal(b, 0xbb);
	}
	return r;
}

static void s5_random_bytes_never_read_out_of_bounds(void **state)
{
	static const uint8_t alphabet[] = { 0x08, '\\', '_', 'S', '5', 0x12,
					    0x0a, 0x0b, 0x0c, 0x0e, 0x00,
					    0x01, 0xff, 0x40, 0x80, 0xc0 };
	static const uint8_t root_head[] = { 0x08, '\\', '_', 'S', '5', '_',
					     0x12 };
	static const uint8_t head[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	unsigned iter, results[3] = { 0 };
	uint8_t buf[48];

	(void)state;
	rng_seed(0x73355f6279746573ull);
	for (iter = 0; iter < 10000; iter++) {
		size_t len = rng() % sizeof(buf), i, at;
		int r;

		for (i = 0; i < len; i++)
			buf[i] = rng() % 4 ? alphabet[rng() % sizeof(alphabet)]
					   : (uint8_t)rng();
		/* Usually plant a name, with or without '\', maybe cut. */
		if (len && rng() % 4) {
			bool root = rng() % 2;
			const uint8_t *h = root ? root_head : head;
			size_t hl = root ? sizeof(root_head) : sizeof(head);

			at = rng() % len;
			for (i = 0; i < hl && at + i < len; i++)
				buf[at + i] = h[i];
			/* Often a small PkgLength and count to follow. */
			if (rng() % 2 && at + hl + 2 <= len) {
				buf[at + hl] = (uint8_t)(rng() % 10);
				buf[at + hl + 1] = (uint8_t)(rng() % 4);
			}
		}
		r = s5_random_check(buf, len);
		results[r == 0 ? 0 : r == -EINVAL ? 1 : 2]++;
	}
	assert_true(results[0] > 100 && results[1] > 1000 && results[2] > 1000);
}

static void s5_random_mutations_of_valid_packages(void **state)
{
	/* Valid Name(_S5_, Package) encodings, each after a little AML. */
	static const uint8_t pkgs[][26] = {
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x05,
		  0x0a, 0x06 },
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x13, 0x03, 0x0b, 0x07,
		  0x00, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x0e, 1, 2, 3, 4, 5,
		  6, 7, 8 },
		{ 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00,
		  0x00, 0x00, 0x00 },
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a,
		  0x03, 0x0a, 0x04 },
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05,
		  0x06 },
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x86, 0x00, 0x00, 0x02,
		  0x01, 0xff },
	};
	static const size_t lens[] = { 12, 25, 13, 13, 11, 12 };
	static const uint8_t prologue[] = { 0x10, 0x05, '_', 'S', 'B', '_',
					    0x00, 0x08, '_', 'S', '4', '_',
					    0x0a, 0x01 };
	unsigned iter, results[3] = { 0 };
	uint8_t buf[64];
	size_t k;

	(void)state;
	/* Each sample is valid before it is corrupted. */
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
		assert_int_equal(s5_random_check(pkgs[k], lens[k]), 0);

	rng_seed(0x73355f6d75746174ull);
	for (iter = 0; iter < 10000; iter++) {
		size_t pre = rng() % 2 ? sizeof(prologue) : 0, len, at;
		unsigned flips = 1 + (unsigned)(rng() % 3);
		int r;

		k = rng() % (sizeof(lens) / sizeof(lens[0]));
		memcpy(buf, prologue, pre);
		memcpy(buf + pre, pkgs[k], lens[k]);
		len = pre + lens[k];
		while (flips--) {
			/* Mostly the package: op, PkgLength, count, data. */
			if (rng() % 4)
				at = pre + 5 + rng() % (lens[k] - 5);
			else
				at = rng() % len;
			buf[at] = mutate_byte(buf[at]);
		}
		switch (rng() % 4) {
		case 0:		/* cut short */
			len -= rng() % 5;
			break;
		case 1:		/* trailing junk */
			at = rng() % 8;
			while (at--)
				buf[len++] = (uint8_t)rng();
			break;
		}
		r = s5_random_check(buf, len);
		results[r == 0 ? 0 : r == -EINVAL ? 1 : 2]++;
	}
	assert_true(results[0] > 1000 && results[1] > 1000 && results[2] > 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(checksum_ok_detects_nonzero_sum),
		T(parse_v1_rsdp_walks_rsdt),
		T(parse_v2_rsdp_walks_xsdt),
		T(parse_v2_bad_extended_checksum_falls_back_to_rsdt),
		T(parse_v2_bad_length_falls_back_to_rsdt),
		T(parse_v2_bad_xsdt_falls_back_to_rsdt),
		T(parse_rejects_bad_rsdp_checksum),
		T(parse_rejects_bad_rsdp_signature),
		T(parse_without_rsdp_returns_enoent),
		T(parse_unmappable_rsdp_returns_efault),
		T(parse_uses_rsdp_copy),
		T(parse_short_copy_of_v2_rsdp_uses_rsdt),
		T(parse_bad_root_table_returns_einval),
		T(parse_skips_table_with_bad_checksum),
		T(parse_skips_table_past_mappable_region),
		T(parse_skips_table_shorter_than_header),
		T(parse_xsdt_shorter_than_header_falls_back_to_rsdt),
		T(parse_skips_table_with_huge_length),
		T(parse_skips_null_and_unmappable_entries),
		T(parse_ignores_duplicate_table),
		T(parse_ignores_unknown_tables),
		T(madt_collects_enabled_and_online_capable_cpus),
		T(madt_collects_ioapics),
		T(madt_decodes_iso_polarity_and_trigger),
		T(madt_iso_active_low_edge),
		T(madt_collects_lapic_nmis),
		T(madt_lapic_override_replaces_header_address),
		T(madt_zero_length_entry_stops_walk),
		T(madt_length_one_entry_stops_walk),
		T(madt_entry_past_table_end_stops_walk),
		T(madt_trailing_byte_stops_walk),
		T(madt_short_entry_is_skipped),
		T(madt_caps_cpus_at_max),
		T(madt_dedups_cpu_listed_as_xapic_and_x2apic),
		T(madt_too_short_for_header_is_skipped),
		T(fadt_prefers_x_io_blocks),
		T(fadt_ignores_x_blocks_outside_io_space),
		T(fadt_v1_length_uses_legacy_fields),
		T(fadt_x_field_partly_covered_is_ignored),
		T(fadt_reset_reg_decoded),
		T(fadt_reset_reg_requires_flag),
		T(fadt_reset_reg_requires_length),
		T(fadt_prefers_x_dsdt),
		T(fadt_falls_back_to_32bit_dsdt),
		T(fadt_without_valid_dsdt_has_no_s5),
		T(dsdt_without_s5_is_reported),
		T(fadt_too_short_is_skipped),
		T(hpet_base_and_number_parsed),
		T(hpet_outside_memory_space_is_skipped),
		T(mcfg_entries_parsed),
		T(mcfg_caps_entries_and_skips_bad_ranges),
		T(find_rsdp_in_finds_aligned_rsdp),
		T(find_rsdp_in_ignores_unaligned_rsdp),
		T(find_rsdp_in_uses_physical_alignment),
		T(find_rsdp_in_rejects_bad_v2_checksum),
		T(find_rsdp_in_rejects_rsdp_cut_by_area_end),
		T(find_rsdp_in_returns_enoent_when_absent),
		T(s5_byte_prefix),
		T(s5_word_and_dword_prefixes),
		T(s5_qword_prefix),
		T(s5_zero_one_ones_ops),
		T(s5_qemu_all_zero_package),
		T(s5_root_prefixed_name),
		T(s5_multibyte_pkglength),
		T(s5_single_element_package),
		T(s5_truncated_package_is_einval),
		T(s5_element_past_package_end_is_einval),
		T(s5_cut_integer_or_pkglength_is_einval),
		T(s5_name_without_package_is_einval),
		T(s5_absent_is_enoent),
		T(s5_skips_bad_candidate_and_finds_next),
		T(parse_random_corruption_never_reads_out_of_bounds),
		T(find_rsdp_in_random_corruption_never_reads_out_of_bounds),
		T(s5_random_bytes_never_read_out_of_bounds),
		T(s5_random_mutations_of_valid_packages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
