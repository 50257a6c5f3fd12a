#pragma once
/*
 * ACPI, kernel side: find and decode the firmware tables once at boot
 * (drivers/acpi/acpi.c over the pure parsers in acpi_tables.c), then power
 * off and reset the machine the way the FADT and DSDT say.
 */
#include "drivers/acpi/acpi_tables.h"
#include "kernel/bootinfo.h"

/* drivers/acpi/acpi.c */
int acpi_init(const struct boot_info *bi);
const struct acpi_info *acpi_get(void);
__attribute__((noreturn)) void acpi_power_off(void);
__attribute__((noreturn)) void acpi_reboot(void);
