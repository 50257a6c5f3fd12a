#pragma once
/*
 * Static ACPI tables, decoded into one flat struct acpi_info.  The parsers
 * are pure (kcore): they see physical memory only through a caller-supplied
 * struct acpi_mapper, treat every byte they read as untrusted, and report
 * anything malformed through the mapper's log callback before skipping it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS		64
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_ISOS		16
#define ACPI_MAX_LAPIC_NMIS	16
#define ACPI_MAX_MCFG		8

/* Tables longer than this are treated as corrupt. */
#define ACPI_TABLE_MAX_LEN	(16u << 20)

struct acpi_mapper {
	/*
	 * Return a pointer to @len readable bytes at physical @phys, or NULL
	 * if that range cannot be mapped.  The parser uses a pointer only
	 * until its next call to map(), so a single reusable window works.
	 */
	const void *(*map)(void *ctx, uint64_t phys, uint64_t len);
	/*
	 * Report a problem or a notable fact (may be NULL).  @msg is a short
	 * static string, @sig the 4-character table signature or "", @value
	 * one number that goes with the message (an address, length, ...).
	 */
	void (*log)(void *ctx, const char *msg, const char *sig,
		    uint64_t value);
	void *ctx;
};

/* Generic Address Structure, ACPI 5.2.3.2. */
enum acpi_gas_space {
	ACPI_GAS_MEMORY = 0,
	ACPI_GAS_IO = 1,
	ACPI_GAS_PCI_CFG = 2,
};

struct acpi_gas {
	uint8_t space_id;	/* enum acpi_gas_space */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};

struct acpi_cpu {
	uint32_t apic_id;	/* xAPIC or x2APIC id */
	uint32_t acpi_uid;	/* ACPI processor UID */
	bool enabled;		/* false: online-capable only (hot-plug) */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;		/* physical MMIO base */
	uint32_t gsi_base;
};

/* MPS INTI flags, used by interrupt source overrides and NMI entries. */
enum acpi_polarity {
	ACPI_POLARITY_BUS = 0,	/* conforms to the bus (ISA: high) */
	ACPI_POLARITY_HIGH = 1,
	ACPI_POLARITY_LOW = 3,
};

enum acpi_trigger {
	ACPI_TRIGGER_BUS = 0,	/* conforms to the bus (ISA: edge) */
	ACPI_TRIGGER_EDGE = 1,
	ACPI_TRIGGER_LEVEL = 3,
};

struct acpi_iso {
	uint8_t bus;		/* 0: ISA */
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags;		/* raw MPS INTI flags */
	uint8_t polarity;	/* enum acpi_polarity */
	uint8_t trigger;	/* enum acpi_trigger */
};

#define ACPI_UID_ALL_CPUS	0xffffffffu

struct acpi_lapic_nmi {
	uint32_t acpi_uid;	/* ACPI_UID_ALL_CPUS: every processor */
	uint8_t lint;		/* LINT0 or LINT1 */
	uint8_t polarity;	/* enum acpi_polarity */
	uint8_t trigger;	/* enum acpi_trigger */
};

struct acpi_mcfg {
	uint64_t base;		/* ECAM base for bus 0 of this segment */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
};

/* FADT flags and IA-PC boot architecture flags we look at. */
#define ACPI_FADT_TMR_VAL_EXT		(1u << 8)
#define ACPI_FADT_RESET_REG_SUP		(1u << 10)
#define ACPI_FADT_HW_REDUCED		(1u << 20)
#define ACPI_IAPC_LEGACY_DEVICES	(1u << 0)
#define ACPI_IAPC_8042			(1u << 1)
#define ACPI_IAPC_VGA_NOT_PRESENT	(1u << 2)
#define ACPI_IAPC_MSI_NOT_SUPPORTED	(1u << 3)
#define ACPI_MADT_PCAT_COMPAT		(1u << 0)

struct acpi_info {
	/* RSDP */
	uint8_t rsdp_revision;
	char oem_id[7];		/* NUL-terminated */
	bool xsdt_used;		/* false: tables came from the RSDT */

	/* MADT ("APIC") */
	bool madt_valid;
	uint64_t lapic_addr;	/* type 5 override wins over the header */
	uint32_t madt_flags;	/* ACPI_MADT_PCAT_COMPAT: 8259s present */
	unsigned nr_cpus;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned nr_isos;
	struct acpi_iso isos[ACPI_MAX_ISOS];
	unsigned nr_lapic_nmis;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];

	/* FADT ("FACP"); I/O port numbers, 0 when absent. */
	bool fadt_valid;
	uint8_t fadt_revision;
	uint32_t fadt_flags;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm_tmr_blk;
	bool pm_tmr_32bit;	/* ACPI_FADT_TMR_VAL_EXT */
	uint8_t century;	/* CMOS index of the century, 0 if none */
	uint16_t iapc_boot_arch;	/* ACPI_IAPC_* */
	bool reset_valid;	/* RESET_REG_SUP set and fields present */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint64_t dsdt_phys;	/* the DSDT actually used, 0 if none */

	/* HPET */
	bool hpet_valid;
	uint64_t hpet_base;	/* system-memory address */
	uint8_t hpet_number;
	uint32_t hpet_block_id;	/* event timer block id */
	uint16_t hpet_min_tick;

	/* MCFG */
	unsigned nr_mcfg;
	struct acpi_mcfg mcfg[ACPI_MAX_MCFG];

	/* \_S5_ from the DSDT: values for PM1x_CNT.SLP_TYP to power off. */
	bool s5_valid;
	uint8_t slp_typa;
	uint8_t slp_typb;
};

/* drivers/acpi/acpi_tables.c */
bool acpi_checksum_ok(const void *p, size_t len);
int acpi_find_rsdp_in(const void *area, size_t len, uint64_t area_phys,
		      uint64_t *rsdp_phys);
int acpi_parse(const struct acpi_mapper *m, uint64_t rsdp_phys,
	       const void *rsdp_copy, size_t rsdp_copy_len,
	       struct acpi_info *out);

/* drivers/acpi/aml_s5.c */
int acpi_find_s5(const void *dsdt_aml, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb);
