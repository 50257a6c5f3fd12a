/*
 * ACPI glue: give the pure table parsers (acpi_tables.c) a view of
 * physical memory, keep the decoded struct acpi_info for the rest of the
 * kernel, and implement power-off (PM1x_CNT <- SLP_TYP | SLP_EN with the
 * \_S5 values) and reset (the FADT reset register).
 *
 * acpi_info is written once by acpi_init() on the boot CPU before other
 * CPUs start, then read-only: no lock.
 */
#include "drivers/acpi/acpi.h"
#include "arch/arch.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define SLP_EN		(1u << 13)
#define BIOS_AREA_START	0xe0000
#define BIOS_AREA_LEN	0x20000
#define EBDA_PTR	0x40e

static struct acpi_info info;
static bool info_valid;

static const void *acpi_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	return mm_map_phys(phys, len, false);
}

static void acpi_log(void *ctx, const char *msg, const char *sig,
		     uint64_t value)
{
	(void)ctx;
	pr_warn("acpi: %s%s%s (%#llx)", sig && *sig ? sig : "",
		sig && *sig ? ": " : "", msg, (unsigned long long)value);
}

static const struct acpi_mapper mapper = {
	.map = acpi_map,
	.log = acpi_log,
};

/*
 * Legacy BIOS search: the first KiB of the EBDA, then 0xE0000-0xFFFFF.
 * None of it is RAM we manage, so each area is mapped before it is read.
 */
static uint64_t find_rsdp_legacy(void)
{
	const uint16_t *ebda_ptr = mm_map_phys(EBDA_PTR, 2, false);
	const void *area;
	uint64_t rsdp = 0, ebda = ebda_ptr ? (uint64_t)*ebda_ptr << 4 : 0;

	if (ebda >= 0x80000 && ebda < 0xa0000) {
		area = mm_map_phys(ebda, 1024, false);
		if (area && acpi_find_rsdp_in(area, 1024, ebda, &rsdp) == 0)
			return rsdp;
	}
	area = mm_map_phys(BIOS_AREA_START, BIOS_AREA_LEN, false);
	if (area && acpi_find_rsdp_in(area, BIOS_AREA_LEN, BIOS_AREA_START,
				      &rsdp) == 0)
		return rsdp;
	return 0;
}

static void log_summary(void)
{
	pr_info("acpi: %s tables from %s, OEM \"%s\": %u CPUs, %u IOAPICs, "
		"%u overrides%s%s", info.xsdt_used ? "XSDT" : "RSDT",
		info.rsdp_revision >= 2 ? "ACPI 2.0+" : "ACPI 1.0",
		info.oem_id, info.nr_cpus, info.nr_ioapics, info.nr_isos,
		info.hpet_valid ? ", HPET" : "", info.nr_mcfg ? ", MCFG" : "");
	pr_info("acpi: power-off via PM1a_CNT %#x%s, SLP_TYPa %u; reset %s",
		info.pm1a_cnt_blk, info.s5_valid ? "" : " (no \\_S5, guessing)",
		info.slp_typa, info.reset_valid ? "via FADT register" :
						  "via keyboard controller");
}

/*
 * Find the RSDP (from the loader, else by the legacy BIOS search) and
 * decode the tables.  Returns 0 or -ENOENT; never fails the boot by
 * itself: the caller decides what a machine without ACPI can do.
 */
int acpi_init(const struct boot_info *bi)
{
	uint64_t rsdp = bi->rsdp_phys;
	int err;

	if (!rsdp && !bi->rsdp_copy_len)
		rsdp = find_rsdp_legacy();
	err = acpi_parse(&mapper, rsdp, bi->rsdp_copy_len ? bi->rsdp_copy : NULL,
			 bi->rsdp_copy_len, &info);
	if (err) {
		pr_err("acpi: no valid RSDP found (%d): no ACPI", err);
		return -ENOENT;
	}
	info_valid = true;
	log_summary();
	return 0;
}

const struct acpi_info *acpi_get(void)
{
	return &info;
}

static void pm1_write(uint32_t port, uint8_t slp_typ)
{
	uint16_t v;

	if (!port)
		return;
	v = arch_inw((uint16_t)port);
	v = (uint16_t)((v & ~(7u << 10)) | ((uint16_t)(slp_typ & 7) << 10) | SLP_EN);
	arch_outw((uint16_t)port, v);
}

/* Enter S5.  If the firmware ignores us, say so and stop the CPUs. */
void acpi_power_off(void)
{
	arch_irq_disable();
	if (info_valid && info.fadt_valid && info.pm1a_cnt_blk) {
		pr_notice("acpi: powering off (PM1a_CNT %#x, SLP_TYPa %u)",
			  info.pm1a_cnt_blk, info.slp_typa);
		pm1_write(info.pm1a_cnt_blk, info.slp_typa);
		pm1_write(info.pm1b_cnt_blk, info.slp_typb);
		for (int i = 0; i < 10000000; i++)
			arch_cpu_relax();
	}
	pr_emerg("acpi: power-off failed; halting instead");
	arch_power_off();
}

void acpi_reboot(void)
{
	arch_irq_disable();
	pr_notice("acpi: rebooting");
	if (info_valid && info.reset_valid &&
	    info.reset_reg.space_id == ACPI_GAS_IO)
		arch_outb((uint16_t)info.reset_reg.address, info.reset_value);
	arch_reboot();
}
