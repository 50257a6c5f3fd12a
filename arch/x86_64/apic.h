#pragma once
/* Local APIC and IOAPIC set-up (arch/x86_64/apic.c), arch-internal. */
#include <stdint.h>
#include "drivers/acpi/acpi_tables.h"

int apic_init(const struct acpi_info *acpi);
void lapic_timer_calibrate(uint32_t hz, void (*wait_ns)(uint64_t ns),
			   uint64_t ns);
void lapic_timer_start_periodic(void);
