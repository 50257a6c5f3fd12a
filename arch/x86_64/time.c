/*
 * Time: the monotonic nanosecond clock and the per-CPU timer tick.
 *
 * Clock source, best first: the TSC when CPUID says it is invariant (it
 * then ticks at a constant rate in every power state), else the HPET main
 * counter, else the TSC anyway (with a warning).  `clocksource=tsc` or
 * `clocksource=hpet` on the command line overrides the choice, as on
 * Linux.  Time 0 is the kernel's
 * entry (boot_entry_tsc); the clock reads 0 until clock_init() has
 * measured the TSC, and continues from the right value afterwards.
 *
 * Calibration: the TSC and the LAPIC timer are measured together over
 * CALIBRATE_NS of HPET time, or of PIT channel 2 time without an HPET.
 * The LAPIC timer then ticks at TICK_HZ on every CPU.
 *
 * Everything here is written by the boot CPU in clock_init() before any
 * other CPU or interrupt reads it, then read-only: no lock.
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/arch.h"
#include "kernel/lib/string.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define TICK_HZ			100
#define CALIBRATE_NS		5000000ull	/* 5 ms */

#define HPET_CAPS		0x000
#define HPET_CONFIG		0x010
#define HPET_COUNTER		0x0f0
#define HPET_CAP_64BIT		(1ull << 13)
#define HPET_CONFIG_ENABLE	1ull

#define PIT_HZ			1193182ull
#define PIT_CH2_DATA		0x42
#define PIT_CMD			0x43
#define PIT_GATE_PORT		0x61

enum clock_source { CLOCK_NONE, CLOCK_TSC, CLOCK_HPET };

extern uint64_t boot_entry_tsc;
static enum clock_source source;
static volatile uint64_t *hpet_mmio;
static uint64_t hpet_period_fs;		/* femtoseconds per HPET tick */
static uint64_t hpet_counter_mask;	/* 32- or 64-bit main counter */
static uint64_t hpet_at_init;
static uint64_t ns_at_init;		/* clock value when clock_init ended */
static uint64_t tsc_khz;

static uint64_t hpet_read(void)
{
	return hpet_mmio[HPET_COUNTER / 8];
}

static uint64_t tsc_to_ns(uint64_t cycles)
{
	return (uint64_t)((unsigned __int128)cycles * 1000000ull / tsc_khz);
}

uint64_t arch_clock_ns(void)
{
	switch (source) {
	case CLOCK_TSC:
		return tsc_to_ns(rdtsc() - boot_entry_tsc);
	case CLOCK_HPET:
		return ns_at_init +
		       (uint64_t)((unsigned __int128)(hpet_read() - hpet_at_init) *
				  hpet_period_fs / 1000000ull);
	default:
		return 0;
	}
}

/* Nanoseconds from kernel entry to now, measured by the TSC. */
uint64_t arch_ns_since_entry(void)
{
	return tsc_khz ? tsc_to_ns(rdtsc() - boot_entry_tsc) : 0;
}

static void hpet_wait_ns(uint64_t ns)
{
	uint64_t ticks = ns * 1000000ull / hpet_period_fs;
	uint64_t start = hpet_read();

	/* The mask makes a 32-bit counter's wrap-around harmless. */
	while (((hpet_read() - start) & hpet_counter_mask) < ticks)
		cpu_relax();
}

/* Busy-wait with PIT channel 2 (one-shot, gate through port 0x61). */
static void pit_wait_ns(uint64_t ns)
{
	uint64_t count = ns * PIT_HZ / 1000000000ull;
	uint8_t gate;

	if (count > 0xffff)
		count = 0xffff;
	gate = inb(PIT_GATE_PORT);
	outb(PIT_GATE_PORT, (gate & ~0x02) & ~0x01);	/* gate low, speaker off */
	outb(PIT_CMD, 0xb0);		/* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01);	/* gate high: count */
	/* Bounded: a machine without a working PIT must still boot. */
	for (long spins = 0; !(inb(PIT_GATE_PORT) & 0x20); spins++) {
		if (spins > 100000000) {
			pr_warn("pit: channel 2 never finished counting; "
				"timer calibration is a guess");
			break;
		}
		cpu_relax();
	}
	outb(PIT_GATE_PORT, gate);
}

static bool hpet_setup(const struct acpi_info *acpi)
{
	uint64_t caps;

	if (!acpi->hpet_valid)
		return false;
	hpet_mmio = mm_map_mmio(acpi->hpet_base, PAGE_SIZE);
	if (!hpet_mmio)
		return false;
	caps = hpet_mmio[HPET_CAPS / 8];
	hpet_period_fs = caps >> 32;
	/* The spec bounds the period to 100 ns; zero or more is broken. */
	if (hpet_period_fs == 0 || hpet_period_fs > 100000000ull) {
		pr_warn("hpet: bad tick period %llu fs, not using it",
			(unsigned long long)hpet_period_fs);
		return false;
	}
	hpet_mmio[HPET_CONFIG / 8] |= HPET_CONFIG_ENABLE;
	hpet_counter_mask = (caps & HPET_CAP_64BIT) ? ~0ull : 0xffffffffull;
	if (!(caps & HPET_CAP_64BIT))
		pr_info("hpet: 32-bit counter: used for calibration only");
	return true;
}

static void timer_tick(unsigned vector)
{
	(void)vector;
	this_cpu()->timer_ticks++;
}

/*
 * Measure the TSC and the LAPIC timer, pick the clock source (@clocksource
 * names one, or NULL), and start the boot CPU's tick.  Runs after
 * apic_init(); without a LAPIC it still sets up the clock, with no tick.
 */
static enum clock_source choose_source(bool hpet64, const char *wanted)
{
	if (wanted && strcmp(wanted, "tsc") == 0)
		return CLOCK_TSC;
	if (wanted && strcmp(wanted, "hpet") == 0) {
		if (hpet64)
			return CLOCK_HPET;
		pr_warn("clock: clocksource=hpet, but there is no 64-bit HPET");
	} else if (wanted) {
		pr_warn("clock: unknown clocksource=%s (tsc, hpet)", wanted);
	}
	if (cpu_features.invariant_tsc)
		return CLOCK_TSC;
	if (hpet64)
		return CLOCK_HPET;
	pr_warn("clock: TSC is not invariant and there is no 64-bit HPET: "
		"the clock may drift");
	return CLOCK_TSC;
}

void clock_init(const struct acpi_info *acpi, const char *clocksource)
{
	bool have_hpet = hpet_setup(acpi);
	void (*wait_ns)(uint64_t) = have_hpet ? hpet_wait_ns : pit_wait_ns;
	uint64_t t0, t1;

	t0 = rdtsc();
	if (lapic_ready())
		lapic_timer_calibrate(TICK_HZ, wait_ns, CALIBRATE_NS);
	else
		wait_ns(CALIBRATE_NS);	/* no LAPIC: the TSC alone */
	t1 = rdtsc();
	tsc_khz = (t1 - t0) * 1000000ull / CALIBRATE_NS;
	if (tsc_khz == 0)
		tsc_khz = 1;

	ns_at_init = arch_ns_since_entry();
	if (have_hpet)
		hpet_at_init = hpet_read();
	source = choose_source(have_hpet && hpet_counter_mask == ~0ull,
			       clocksource);
	pr_info("clock: TSC at %llu.%03llu MHz, calibrated against %s; "
		"clock source %s", (unsigned long long)tsc_khz / 1000,
		(unsigned long long)tsc_khz % 1000, have_hpet ? "HPET" : "PIT",
		source == CLOCK_TSC ? "TSC" : "HPET");
	if (lapic_ready()) {
		irq_set_handler(VEC_LAPIC_TIMER, timer_tick);
		lapic_timer_start_periodic();
	}
}

/* Busy-wait for @us microseconds on the clock source. */
void delay_us(uint64_t us)
{
	uint64_t end = arch_clock_ns() + us * 1000ull;

	while (arch_clock_ns() < end)
		cpu_relax();
}
