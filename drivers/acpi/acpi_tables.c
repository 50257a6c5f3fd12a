/*
 * Static ACPI table parser: RSDP -> XSDT/RSDT -> MADT, FADT (-> DSDT),
 * HPET and MCFG, decoded into a struct acpi_info the caller owns.
 *
 * The firmware wrote these bytes and we trust none of them.  Physical
 * memory is reached only through the caller's struct acpi_mapper; each
 * table is mapped header first, its length checked (at least the header,
 * below ACPI_TABLE_MAX_LEN), then mapped whole and checksummed.  A table
 * that fails is logged through the mapper and skipped; the walk goes on.
 * Inside a table every field read is checked against the table length,
 * and variable-length records (MADT entries) stop the walk at the first
 * record that is too short to step over or runs past the end.
 *
 * A pointer from map() is used only until the next map() call, so the
 * caller may back the mapper with one temporary window: root-table
 * entries are re-mapped one at a time and every table is fully decoded
 * before the next mapping.
 *
 * Interface: acpi_parse(), acpi_find_rsdp_in(), acpi_checksum_ok().
 * Pure (kcore); no locks, no allocation.
 */
#include "drivers/acpi/acpi_tables.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define RSDP_MAX_LEN		4096	/* bound for the v2 length */
#define SDT_HDR_LEN		36
#define ROOT_MAX_ENTRIES	512

/* MADT */
#define MADT_ENTRIES_OFF	44
enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_ISO = 2,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_OVERRIDE = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};
#define MADT_LAPIC_ENABLED		(1u << 0)
#define MADT_LAPIC_ONLINE_CAPABLE	(1u << 1)

/* FADT offsets (ACPI 6.x table 5.9). */
#define FADT_V1_LEN		116
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_ACPI_DISABLE	53
#define FADT_PM1A_EVT		56
#define FADT_PM1B_EVT		60
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_PM_TMR		76
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT		148
#define FADT_X_PM1B_EVT		160
#define FADT_X_PM1A_CNT		172
#define FADT_X_PM1B_CNT		184
#define FADT_X_PM_TMR		208
#define GAS_LEN			12

/* HPET and MCFG */
#define HPET_LEN		56
#define MCFG_ENTRIES_OFF	44
#define MCFG_ENTRY_LEN		16

/* Little-endian field readers; no alignment assumed. */
static inline uint16_t rd16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | (p[off + 1] << 8));
}

static inline uint32_t rd32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 |
	       (uint32_t)p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
}

static inline uint64_t rd64(const uint8_t *p, size_t off)
{
	return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static void acpi_log(const struct acpi_mapper *m, const char *msg,
		     const char *sig, uint64_t value)
{
	if (m->log)
		m->log(m->ctx, msg, sig, value);
}

static const uint8_t *acpi_map(const struct acpi_mapper *m, uint64_t phys,
			       uint64_t len)
{
	if (phys == 0 || len == 0 || phys > UINT64_MAX - len)
		return NULL;
	return m->map(m->ctx, phys, len);
}

/* Copy a 4-byte signature for logging; junk bytes become '?'. */
static void sig_copy(char dst[5], const uint8_t *src)
{
	int i;

	for (i = 0; i < 4; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[4] = '\0';
}

/*
 * True if the bytes of @p sum to zero modulo 256, the checksum rule of
 * every ACPI structure.
 */
bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* ---- RSDP ---- */

struct rsdp_view {
	uint8_t revision;
	char oem_id[7];
	uint32_t rsdt;
	uint64_t xsdt;
	bool v2_ok;		/* extended length and checksum verified */
};

static bool rsdp_v1_ok(const uint8_t *p)
{
	return memcmp(p, "RSD PTR ", 8) == 0 &&
	       acpi_checksum_ok(p, RSDP_V1_LEN);
}

/* @p has @avail readable bytes; for revision >= 2 check length/xsum. */
static bool rsdp_v2_ok(const uint8_t *p, size_t avail)
{
	uint32_t len;

	if (p[15] < 2 || avail < RSDP_V2_LEN)
		return false;
	len = rd32(p, 20);
	return len >= RSDP_V2_LEN && len <= avail && acpi_checksum_ok(p, len);
}

static int rsdp_decode(const uint8_t *p, size_t avail, struct rsdp_view *v)
{
	if (avail < RSDP_V1_LEN || !rsdp_v1_ok(p))
		return -EINVAL;
	v->revision = p[15];
	memcpy(v->oem_id, p + 9, 6);
	v->oem_id[6] = '\0';
	v->rsdt = rd32(p, 16);
	v->v2_ok = rsdp_v2_ok(p, avail);
	v->xsdt = v->v2_ok ? rd64(p, 24) : 0;
	return 0;
}

/*
 * Map the RSDP at @phys as far as it claims to extend: 20 bytes, then 36
 * for revision 2+, then its length field if that is larger and sane.
 * Each step that fails falls back to the previous size.
 */
static const uint8_t *rsdp_map(const struct acpi_mapper *m, uint64_t phys,
			       size_t *avail)
{
	const uint8_t *p;
	uint32_t len;

	*avail = RSDP_V1_LEN;
	p = acpi_map(m, phys, RSDP_V1_LEN);
	if (!p || p[15] < 2)
		return p;
	p = acpi_map(m, phys, RSDP_V2_LEN);
	if (!p)
		return acpi_map(m, phys, RSDP_V1_LEN);
	*avail = RSDP_V2_LEN;
	len = rd32(p, 20);
	if (len <= RSDP_V2_LEN || len > RSDP_MAX_LEN)
		return p;
	p = acpi_map(m, phys, len);
	if (p) {
		*avail = len;
		return p;
	}
	return acpi_map(m, phys, RSDP_V2_LEN);
}

/*
 * Scan @len bytes at @area (physical address @area_phys) on 16-byte
 * physical boundaries for a valid RSDP, as the BIOS search of the EBDA
 * and 0xE0000-0xFFFFF requires.  A revision 2+ candidate must also pass
 * its extended checksum within the area.  Returns 0 with *rsdp_phys set,
 * or -ENOENT.
 */
int acpi_find_rsdp_in(const void *area, size_t len, uint64_t area_phys,
		      uint64_t *rsdp_phys)
{
	const uint8_t *base = area;
	size_t off;

	if (!area || len < RSDP_V1_LEN)
		return -ENOENT;
	for (off = (16 - (area_phys & 15)) & 15; off <= len - RSDP_V1_LEN;
	     off += 16) {
		const uint8_t *p = base + off;

		if (!rsdp_v1_ok(p))
			continue;
		if (p[15] >= 2 && !rsdp_v2_ok(p, len - off))
			continue;
		*rsdp_phys = area_phys + off;
		return 0;
	}
	return -ENOENT;
}

/* ---- System description tables ---- */

/*
 * Map and validate the table at @phys: header mappable, length sane,
 * whole table mappable, checksum good, and signature @want if given.
 * Returns the mapped table with *len and @sig set, or NULL after logging.
 */
static const uint8_t *sdt_map(const struct acpi_mapper *m, uint64_t phys,
			      const char *want, uint32_t *len, char sig[5])
{
	const uint8_t *t;

	sig[0] = '\0';
	t = acpi_map(m, phys, SDT_HDR_LEN);
	if (!t) {
		acpi_log(m, "table header not mappable", want ? want : "",
			 phys);
		return NULL;
	}
	sig_copy(sig, t);
	*len = rd32(t, 4);
	if (want && memcmp(t, want, 4) != 0) {
		acpi_log(m, "unexpected table signature", sig, phys);
		return NULL;
	}
	if (*len < SDT_HDR_LEN || *len > ACPI_TABLE_MAX_LEN) {
		acpi_log(m, "bad table length, skipped", sig, *len);
		return NULL;
	}
	t = acpi_map(m, phys, *len);
	if (!t) {
		acpi_log(m, "table runs past mappable memory, skipped", sig,
			 phys);
		return NULL;
	}
	if (!acpi_checksum_ok(t, *len)) {
		acpi_log(m, "bad table checksum, skipped", sig, phys);
		return NULL;
	}
	return t;
}

/* ---- MADT ---- */

static void madt_add_cpu(const struct acpi_mapper *m, struct acpi_info *out,
			 uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	unsigned i;

	if (!(flags & (MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAPABLE)))
		return;
	/* Firmware may list a CPU as both xAPIC and x2APIC. */
	for (i = 0; i < out->nr_cpus; i++)
		if (out->cpus[i].apic_id == apic_id)
			return;
	if (out->nr_cpus == ACPI_MAX_CPUS) {
		acpi_log(m, "too many CPUs, ignored", "APIC", apic_id);
		return;
	}
	out->cpus[out->nr_cpus].apic_id = apic_id;
	out->cpus[out->nr_cpus].acpi_uid = uid;
	out->cpus[out->nr_cpus].enabled = flags & MADT_LAPIC_ENABLED;
	out->nr_cpus++;
}

static void madt_add_ioapic(const struct acpi_mapper *m,
			    struct acpi_info *out, const uint8_t *e)
{
	struct acpi_ioapic *io;

	if (out->nr_ioapics == ACPI_MAX_IOAPICS) {
		acpi_log(m, "too many I/O APICs, ignored", "APIC", e[2]);
		return;
	}
	io = &out->ioapics[out->nr_ioapics++];
	io->id = e[2];
	io->addr = rd32(e, 4);
	io->gsi_base = rd32(e, 8);
}

static void madt_add_iso(const struct acpi_mapper *m, struct acpi_info *out,
			 const uint8_t *e)
{
	struct acpi_iso *iso;
	uint16_t flags = rd16(e, 8);

	if (out->nr_isos == ACPI_MAX_ISOS) {
		acpi_log(m, "too many interrupt overrides, ignored", "APIC",
			 e[3]);
		return;
	}
	iso = &out->isos[out->nr_isos++];
	iso->bus = e[2];
	iso->source_irq = e[3];
	iso->gsi = rd32(e, 4);
	iso->flags = flags;
	iso->polarity = flags & 3;
	iso->trigger = (flags >> 2) & 3;
}

static void madt_add_nmi(const struct acpi_mapper *m, struct acpi_info *out,
			 uint32_t uid, uint16_t flags, uint8_t lint)
{
	struct acpi_lapic_nmi *nmi;

	if (out->nr_lapic_nmis == ACPI_MAX_LAPIC_NMIS) {
		acpi_log(m, "too many local APIC NMIs, ignored", "APIC", uid);
		return;
	}
	nmi = &out->lapic_nmis[out->nr_lapic_nmis++];
	nmi->acpi_uid = uid;
	nmi->lint = lint;
	nmi->polarity = flags & 3;
	nmi->trigger = (flags >> 2) & 3;
}

/* Minimum length of each MADT entry type we decode; 0: not decoded. */
static uint8_t madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_ISO:
		return 10;
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_LAPIC_OVERRIDE:
		return 12;
	case MADT_X2APIC:
		return 16;
	case MADT_X2APIC_NMI:
		return 12;
	default:
		return 0;
	}
}

/* One entry, @elen bytes, already known to lie inside the table. */
static void madt_entry(const struct acpi_mapper *m, struct acpi_info *out,
		       const uint8_t *e, uint8_t elen)
{
	uint8_t type = e[0], need = madt_min_len(type);

	if (need == 0)
		return;		/* a type we do not use */
	if (elen < need) {
		acpi_log(m, "MADT entry too short, skipped", "APIC", type);
		return;
	}
	switch (type) {
	case MADT_LAPIC:
		madt_add_cpu(m, out, e[3], e[2], rd32(e, 4));
		break;
	case MADT_IOAPIC:
		madt_add_ioapic(m, out, e);
		break;
	case MADT_ISO:
		madt_add_iso(m, out, e);
		break;
	case MADT_LAPIC_NMI:
		madt_add_nmi(m, out, e[2] == 0xff ? ACPI_UID_ALL_CPUS : e[2],
			     rd16(e, 3), e[5]);
		break;
	case MADT_LAPIC_OVERRIDE:
		out->lapic_addr = rd64(e, 4);
		break;
	case MADT_X2APIC:
		madt_add_cpu(m, out, rd32(e, 4), rd32(e, 12), rd32(e, 8));
		break;
	case MADT_X2APIC_NMI:
		madt_add_nmi(m, out, rd32(e, 4), rd16(e, 2), e[8]);
		break;
	}
}

static void madt_parse(const struct acpi_mapper *m, struct acpi_info *out,
		       const uint8_t *t, uint32_t len)
{
	uint32_t off = MADT_ENTRIES_OFF;
	uint8_t elen;

	if (len < MADT_ENTRIES_OFF) {
		acpi_log(m, "MADT too short, skipped", "APIC", len);
		return;
	}
	out->madt_valid = true;
	out->lapic_addr = rd32(t, 36);
	out->madt_flags = rd32(t, 40);
	while (off < len) {
		if (len - off < 2) {
			acpi_log(m, "MADT ends inside an entry header", "APIC",
				 off);
			break;
		}
		elen = t[off + 1];
		/* Too short to step over, or past the end: stop, never spin. */
		if (elen < 2) {
			acpi_log(m, "MADT entry length < 2, walk stopped",
				 "APIC", off);
			break;
		}
		if (elen > len - off) {
			acpi_log(m, "MADT entry runs past end, walk stopped",
				 "APIC", off);
			break;
		}
		madt_entry(m, out, t + off, elen);
		off += elen;
	}
}

/* ---- FADT and DSDT ---- */

/*
 * A PM register block's I/O port: the 64-bit X_ field when the table is
 * long enough to hold it and it names a nonzero port in I/O space, else
 * the legacy 32-bit field.
 */
static uint32_t fadt_io_block(const uint8_t *t, uint32_t len,
			      size_t legacy_off, size_t x_off)
{
	uint64_t addr;

	if (len >= x_off + GAS_LEN && t[x_off] == ACPI_GAS_IO) {
		addr = rd64(t, x_off + 4);
		if (addr != 0 && addr <= 0xffff)
			return (uint32_t)addr;
	}
	return rd32(t, legacy_off);
}

static void gas_decode(const uint8_t *p, struct acpi_gas *g)
{
	g->space_id = p[0];
	g->bit_width = p[1];
	g->bit_offset = p[2];
	g->access_size = p[3];
	g->address = rd64(p, 4);
}

/* Validate the DSDT at @phys and pull \_S5_ from it. */
static bool dsdt_load(const struct acpi_mapper *m, struct acpi_info *out,
		      uint64_t phys)
{
	const uint8_t *t;
	uint32_t len;
	char sig[5];
	int err;

	t = sdt_map(m, phys, "DSDT", &len, sig);
	if (!t)
		return false;
	out->dsdt_phys = phys;
	err = acpi_find_s5(t + SDT_HDR_LEN, len - SDT_HDR_LEN, &out->slp_typa,
			   &out->slp_typb);
	if (err) {
		acpi_log(m, "no usable \\_S5_ package in DSDT", "DSDT",
			 (uint64_t)-err);
		out->slp_typa = out->slp_typb = 0;
		return true;
	}
	out->s5_valid = true;
	return true;
}

static void fadt_parse(const struct acpi_mapper *m, struct acpi_info *out,
		       const uint8_t *t, uint32_t len)
{
	uint64_t x_dsdt = 0;
	uint32_t dsdt;

	if (len < FADT_V1_LEN) {
		acpi_log(m, "FADT too short, skipped", "FACP", len);
		return;
	}
	out->fadt_valid = true;
	out->fadt_revision = t[8];
	out->fadt_flags = rd32(t, FADT_FLAGS);
	out->sci_int = rd16(t, FADT_SCI_INT);
	out->smi_cmd = rd32(t, FADT_SMI_CMD);
	out->acpi_enable = t[FADT_ACPI_ENABLE];
	out->acpi_disable = t[FADT_ACPI_DISABLE];
	out->pm1a_evt_blk = fadt_io_block(t, len, FADT_PM1A_EVT,
					  FADT_X_PM1A_EVT);
	out->pm1b_evt_blk = fadt_io_block(t, len, FADT_PM1B_EVT,
					  FADT_X_PM1B_EVT);
	out->pm1a_cnt_blk = fadt_io_block(t, len, FADT_PM1A_CNT,
					  FADT_X_PM1A_CNT);
	out->pm1b_cnt_blk = fadt_io_block(t, len, FADT_PM1B_CNT,
					  FADT_X_PM1B_CNT);
	out->pm_tmr_blk = fadt_io_block(t, len, FADT_PM_TMR, FADT_X_PM_TMR);
	out->pm_tmr_32bit = out->fadt_flags & ACPI_FADT_TMR_VAL_EXT;
	out->century = t[FADT_CENTURY];
	out->iapc_boot_arch = rd16(t, FADT_IAPC_BOOT_ARCH);
	if ((out->fadt_flags & ACPI_FADT_RESET_REG_SUP) &&
	    len > FADT_RESET_VALUE) {
		gas_decode(t + FADT_RESET_REG, &out->reset_reg);
		out->reset_value = t[FADT_RESET_VALUE];
		out->reset_valid = out->reset_reg.address != 0;
	}
	dsdt = rd32(t, FADT_DSDT);
	if (len >= FADT_X_DSDT + 8)
		x_dsdt = rd64(t, FADT_X_DSDT);

	/* Everything needed from @t is copied: it may be unmapped now. */
	if (x_dsdt && dsdt_load(m, out, x_dsdt))
		return;
	if (dsdt && dsdt != x_dsdt && dsdt_load(m, out, dsdt))
		return;
	acpi_log(m, "no valid DSDT", "FACP", x_dsdt ? x_dsdt : dsdt);
}

/* ---- HPET and MCFG ---- */

static void hpet_parse(const struct acpi_mapper *m, struct acpi_info *out,
		       const uint8_t *t, uint32_t len)
{
	struct acpi_gas base;

	if (len < HPET_LEN) {
		acpi_log(m, "HPET table too short, skipped", "HPET", len);
		return;
	}
	gas_decode(t + 40, &base);
	if (base.space_id != ACPI_GAS_MEMORY || base.address == 0) {
		acpi_log(m, "HPET not in system memory, skipped", "HPET",
			 base.space_id);
		return;
	}
	out->hpet_valid = true;
	out->hpet_base = base.address;
	out->hpet_block_id = rd32(t, 36);
	out->hpet_number = t[52];
	out->hpet_min_tick = rd16(t, 53);
}

static void mcfg_parse(const struct acpi_mapper *m, struct acpi_info *out,
		       const uint8_t *t, uint32_t len)
{
	const uint8_t *e;
	struct acpi_mcfg *c;
	uint32_t off;

	if (len < MCFG_ENTRIES_OFF) {
		acpi_log(m, "MCFG too short, skipped", "MCFG", len);
		return;
	}
	if ((len - MCFG_ENTRIES_OFF) % MCFG_ENTRY_LEN)
		acpi_log(m, "MCFG has a partial entry, ignored", "MCFG", len);
	for (off = MCFG_ENTRIES_OFF; len - off >= MCFG_ENTRY_LEN;
	     off += MCFG_ENTRY_LEN) {
		e = t + off;
		if (e[10] > e[11]) {
			acpi_log(m, "MCFG entry bus range inverted, skipped",
				 "MCFG", rd64(e, 0));
			continue;
		}
		if (out->nr_mcfg == ACPI_MAX_MCFG) {
			acpi_log(m, "too many MCFG entries, ignored", "MCFG",
				 rd64(e, 0));
			break;
		}
		c = &out->mcfg[out->nr_mcfg++];
		c->base = rd64(e, 0);
		c->segment = rd16(e, 8);
		c->start_bus = e[10];
		c->end_bus = e[11];
	}
}

/* ---- The walk ---- */

/* The tables we decode; the first checksum-valid one of each kind wins. */
static const struct {
	char sig[5];
	void (*parse)(const struct acpi_mapper *m, struct acpi_info *out,
		      const uint8_t *t, uint32_t len);
} sdt_handlers[] = {
	{ "APIC", madt_parse },
	{ "FACP", fadt_parse },
	{ "HPET", hpet_parse },
	{ "MCFG", mcfg_parse },
};

/*
 * Validate the table at @phys and decode it if it is one we use.  @seen
 * has bit i set once sdt_handlers[i] has run.
 */
static void sdt_parse(const struct acpi_mapper *m, struct acpi_info *out,
		      uint64_t phys, unsigned *seen)
{
	const uint8_t *t;
	uint32_t len;
	char sig[5];
	size_t i;

	t = sdt_map(m, phys, NULL, &len, sig);
	if (!t)
		return;
	for (i = 0; i < ARRAY_SIZE(sdt_handlers); i++) {
		if (memcmp(t, sdt_handlers[i].sig, 4) != 0)
			continue;
		if (*seen & (1u << i)) {
			acpi_log(m, "duplicate table ignored", sig, phys);
			return;
		}
		*seen |= 1u << i;
		sdt_handlers[i].parse(m, out, t, len);
		return;
	}
}

/*
 * Walk the root table at @phys (@sig "XSDT" with 8-byte entries or
 * "RSDT" with 4-byte ones).  Returns -EINVAL if the root table itself is
 * unusable; bad entries are logged and skipped.
 */
static int root_walk(const struct acpi_mapper *m, struct acpi_info *out,
		     uint64_t phys, const char *sig, uint32_t esize)
{
	const uint8_t *t;
	uint32_t len, n, i;
	uint64_t addr;
	unsigned seen = 0;
	char s[5];

	t = sdt_map(m, phys, sig, &len, s);
	if (!t)
		return -EINVAL;
	n = (len - SDT_HDR_LEN) / esize;
	if ((len - SDT_HDR_LEN) % esize)
		acpi_log(m, "root table has a partial entry", sig, len);
	if (n > ROOT_MAX_ENTRIES) {
		acpi_log(m, "root table too long, truncated", sig, n);
		n = ROOT_MAX_ENTRIES;
	}
	for (i = 0; i < n; i++) {
		/* Re-map the entry: parsing a table may reuse the window. */
		t = acpi_map(m, phys + SDT_HDR_LEN + (uint64_t)i * esize,
			     esize);
		if (!t) {
			acpi_log(m, "root table entry not mappable", sig, i);
			continue;
		}
		addr = esize == 8 ? rd64(t, 0) : rd32(t, 0);
		if (addr == 0) {
			acpi_log(m, "null root table entry", sig, i);
			continue;
		}
		sdt_parse(m, out, addr, &seen);
	}
	return 0;
}

/*
 * Parse the ACPI tables reachable from an RSDP into *out (zeroed first).
 * The RSDP comes from @rsdp_copy when @rsdp_copy_len > 0 (Multiboot2 gives
 * a copy), else is mapped at @rsdp_phys.  Revision 2+ RSDPs with a good
 * extended checksum use the XSDT; otherwise, or if the XSDT is bad, the
 * RSDT.  Returns 0 even if some tables were skipped (they were logged),
 * -ENOENT if no RSDP was given, -EFAULT if it could not be mapped, or
 * -EINVAL if the RSDP is invalid or neither root table is usable.
 * Pure; no locks.
 */
int acpi_parse(const struct acpi_mapper *m, uint64_t rsdp_phys,
	       const void *rsdp_copy, size_t rsdp_copy_len,
	       struct acpi_info *out)
{
	struct rsdp_view v;
	const uint8_t *p;
	size_t avail;
	int err;

	if (!m || !m->map || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (rsdp_copy_len > 0 && rsdp_copy) {
		p = rsdp_copy;
		avail = rsdp_copy_len;
	} else if (rsdp_phys) {
		p = rsdp_map(m, rsdp_phys, &avail);
		if (!p) {
			acpi_log(m, "RSDP not mappable", "", rsdp_phys);
			return -EFAULT;
		}
	} else {
		return -ENOENT;
	}
	err = rsdp_decode(p, avail, &v);
	if (err) {
		acpi_log(m, "bad RSDP signature or checksum", "", rsdp_phys);
		return err;
	}
	out->rsdp_revision = v.revision;
	memcpy(out->oem_id, v.oem_id, sizeof(out->oem_id));

	if (v.revision >= 2 && !v.v2_ok)
		acpi_log(m, "bad RSDP v2 length or checksum, using RSDT", "",
			 v.revision);
	if (v.xsdt) {
		if (root_walk(m, out, v.xsdt, "XSDT", 8) == 0) {
			out->xsdt_used = true;
			return 0;
		}
		acpi_log(m, "XSDT unusable, using RSDT", "XSDT", v.xsdt);
	}
	if (!v.rsdt) {
		acpi_log(m, "RSDP has no RSDT address", "", 0);
		return -EINVAL;
	}
	return root_walk(m, out, v.rsdt, "RSDT", 4);
}
