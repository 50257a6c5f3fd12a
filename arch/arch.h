#pragma once
/*
 * The interface between generic kernel code and the CPU.  Generic code
 * (kernel/, mm/, fs/, drivers/ outside arch) calls only what is declared
 * here; the x86_64 implementation lives in arch/x86_64/.  The tiny inline
 * ones come from arch/x86_64/arch_inline.h, which nothing else includes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/arch_inline.h"

#define NR_CPUS 64

struct cpu;

/* arch/x86_64/percpu.c */
struct cpu *arch_cpu_by_index(unsigned idx);
unsigned arch_nr_cpus_online(void);

/* arch/x86_64/traps.c */
__attribute__((noreturn)) void arch_halt_all_cpus(void);
void arch_dump_stack(uint64_t rbp, uint64_t rip);
void arch_dump_registers_here(uint64_t rbp, uint64_t rip);

/* arch/x86_64/serial.c */
void serial_init(void);
void serial_write(const char *s, size_t len);
int serial_getc(void);
bool serial_rx_irq_enabled(void);

/* arch/x86_64/crosscall.c */
unsigned arch_call_on_all_cpus(void (*fn)(void *), void *arg);

/* arch/x86_64/cpuinfo.c */
uint64_t arch_max_phys_addr(void);

/* arch/x86_64/random.c */
bool arch_rdseed64(uint64_t *out);
bool arch_rdrand64(uint64_t *out);
uint64_t arch_cycles(void);

/* arch/x86_64/power.c */
__attribute__((noreturn)) void arch_power_off(void);
__attribute__((noreturn)) void arch_reboot(void);
void arch_debug_exit(uint8_t code);

/* arch/x86_64/time.c */
uint64_t arch_clock_ns(void);
uint64_t arch_ns_since_entry(void);

/* arch/x86_64/platform.c: interrupts, clocks, other CPUs; returns CPUs online */
struct acpi_info;
struct platform_options {
	const char *clocksource;	/* "tsc", "hpet" or NULL: best there is */
};
unsigned arch_init_platform(const struct acpi_info *acpi,
			    const struct platform_options *opts);
