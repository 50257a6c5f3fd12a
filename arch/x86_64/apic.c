/*
 * Interrupt controllers: the legacy 8259 PICs are masked for good; each
 * CPU's local APIC takes timer ticks, IPIs and end-of-interrupt; the
 * IOAPICs route ISA IRQs (through the MADT's interrupt source overrides)
 * to vectors VEC_IRQ_BASE + irq on the boot CPU.
 *
 * The LAPIC is used in xAPIC (MMIO) mode at the address the MADT gives.
 * ioapic_lock (irq spin, leaf) serialises the IOAPIC's index/data register
 * pair.  LAPIC registers are per CPU and need no lock.
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/apic.h"
#include "kernel/printk.h"
#include "kernel/sync.h"
#include "mm/mm.h"

#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_ESR		0x280
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0

#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_TIMER_PERIODIC	(1u << 17)
#define LVT_NMI			(4u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_STARTUP		(6u << 8)
#define ICR_NMI			(4u << 8)
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_PENDING		(1u << 12)
#define ICR_ALL_BUT_SELF	(3u << 18)
#define TIMER_DIV_16		0x3
#define LAPIC_MIN_TICK_COUNT	1000

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REDIR(n)		(0x10 + 2 * (n))
#define REDIR_MASKED		(1u << 16)
#define REDIR_LEVEL		(1u << 15)
#define REDIR_ACTIVE_LOW	(1u << 13)

struct ioapic {
	volatile uint32_t *mmio;
	uint32_t gsi_base;
	unsigned nr_pins;
};

static volatile uint32_t *lapic_mmio;
static uint32_t lapic_timer_count;	/* per tick, measured once */
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nr_ioapics;
static struct acpi_iso isos[ACPI_MAX_ISOS];
static unsigned nr_isos;
static struct spinlock ioapic_lock = SPINLOCK_INIT("ioapic", LOCK_RANK_IOAPIC);

static uint32_t lapic_read(unsigned reg)
{
	return lapic_mmio[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic_mmio[reg / 4] = v;
}

bool lapic_ready(void)
{
	return lapic_mmio != NULL;
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_VECTOR_BASE	0x20	/* out of the exception range, 0x20-0x2f */

/*
 * Retire the 8259 pair: first move their vectors off the CPU exception
 * range (the BIOS leaves IRQ 0-7 on vectors 8-15, so a spurious IRQ 7
 * would look like exception 15), then mask every line.  Every interrupt
 * now comes through the APICs.
 */
void pic_disable(void)
{
	outb(PIC1_CMD, 0x11);		/* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, PIC_VECTOR_BASE);	/* ICW2: vector base */
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	outb(PIC1_DATA, 1 << 2);	/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);		/* ICW3: cascade identity */
	outb(PIC1_DATA, 0x01);		/* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff);		/* mask everything */
	outb(PIC2_DATA, 0xff);
}

/*
 * Enable this CPU's local APIC: spurious vector, task priority 0, error
 * and LINT0 masked; LINT1 is the NMI line on PCs.
 */
void lapic_init_cpu(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_eoi();
}

static void lapic_wait_icr_idle(void)
{
	for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & ICR_PENDING);
	     i++)
		cpu_relax();
}

static void lapic_send_icr(uint32_t apic_id, uint32_t lo)
{
	lapic_wait_icr_idle();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	lapic_wait_icr_idle();
}

void lapic_send_init(uint32_t apic_id)
{
	lapic_send_icr(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	lapic_send_icr(apic_id, ICR_STARTUP | page);
}

void lapic_send_ipi_all_but_self(uint8_t vector)
{
	lapic_send_icr(0, ICR_ALL_BUT_SELF | vector);
}

void lapic_send_nmi_all_but_self(void)
{
	lapic_wait_icr_idle();
	lapic_write(LAPIC_ICR_HI, 0);
	lapic_write(LAPIC_ICR_LO, ICR_ALL_BUT_SELF | ICR_NMI);
}

/*
 * Measure how many LAPIC timer counts (divide by 16) pass in @ns of
 * @reference time, then remember the count for one tick at @hz.
 */
void lapic_timer_calibrate(uint32_t hz, void (*wait_ns)(uint64_t ns),
			   uint64_t ns)
{
	uint32_t elapsed;

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	wait_ns(ns);
	elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	lapic_timer_count = (uint32_t)((uint64_t)elapsed * 1000000000ull /
				       ns / hz);
	if (lapic_timer_count < LAPIC_MIN_TICK_COUNT) {
		/* A timer that hardly counted would fire without pause. */
		pr_warn("lapic: timer counted only %u in %llu ns; using %u per "
			"tick", elapsed, (unsigned long long)ns,
			LAPIC_MIN_TICK_COUNT);
		lapic_timer_count = LAPIC_MIN_TICK_COUNT;
	}
	pr_info("lapic: timer runs at %llu kHz (bus/16), %u counts per tick",
		(unsigned long long)elapsed * 1000000ull / ns,
		lapic_timer_count);
}

/* Start this CPU's periodic timer on VEC_LAPIC_TIMER (after calibration). */
void lapic_timer_start_periodic(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, lapic_timer_count);
}

static uint32_t ioapic_read(struct ioapic *io, unsigned reg)
{
	io->mmio[IOAPIC_REGSEL / 4] = reg;
	return io->mmio[IOAPIC_WINDOW / 4];
}

static void ioapic_write(struct ioapic *io, unsigned reg, uint32_t v)
{
	io->mmio[IOAPIC_REGSEL / 4] = reg;
	io->mmio[IOAPIC_WINDOW / 4] = v;
}

static struct ioapic *ioapic_for_gsi(uint32_t gsi)
{
	for (unsigned i = 0; i < nr_ioapics; i++)
		if (gsi >= ioapics[i].gsi_base &&
		    gsi < ioapics[i].gsi_base + ioapics[i].nr_pins)
			return &ioapics[i];
	return NULL;
}

/*
 * Map the local APIC and the IOAPICs described by the MADT and mask every
 * IOAPIC pin.  Returns 0, or -ENODEV without a usable MADT (we do not
 * support PIC-only machines).
 */
int apic_init(const struct acpi_info *acpi)
{
	if (!acpi->madt_valid || !acpi->lapic_addr || !acpi->nr_ioapics) {
		pr_err("apic: no usable MADT: interrupts cannot be routed");
		return -1;
	}
	lapic_mmio = mm_map_mmio(acpi->lapic_addr, PAGE_SIZE);
	for (unsigned i = 0; i < acpi->nr_ioapics; i++) {
		struct ioapic *io = &ioapics[nr_ioapics];

		io->mmio = mm_map_mmio(acpi->ioapics[i].addr, PAGE_SIZE);
		io->gsi_base = acpi->ioapics[i].gsi_base;
		io->nr_pins = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
		for (unsigned pin = 0; pin < io->nr_pins; pin++)
			ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
		pr_info("ioapic: id %u at %#x, GSIs %u-%u",
			acpi->ioapics[i].id, acpi->ioapics[i].addr,
			io->gsi_base, io->gsi_base + io->nr_pins - 1);
		nr_ioapics++;
	}
	nr_isos = acpi->nr_isos;
	for (unsigned i = 0; i < nr_isos; i++)
		isos[i] = acpi->isos[i];
	pic_disable();
	lapic_init_cpu();
	return 0;
}

/*
 * Route ISA IRQ @isa_irq to @vector on the CPU with APIC id @dest_apic,
 * honouring an interrupt source override (which may move it to another
 * GSI and change its polarity or trigger mode).
 */
void ioapic_route_isa_irq(unsigned isa_irq, unsigned vector,
			  uint32_t dest_apic)
{
	uint32_t gsi = isa_irq, lo = vector;
	struct ioapic *io;
	unsigned long flags;

	for (unsigned i = 0; i < nr_isos; i++) {
		if (isos[i].bus != 0 || isos[i].source_irq != isa_irq)
			continue;
		gsi = isos[i].gsi;
		if (isos[i].polarity == ACPI_POLARITY_LOW)
			lo |= REDIR_ACTIVE_LOW;
		if (isos[i].trigger == ACPI_TRIGGER_LEVEL)
			lo |= REDIR_LEVEL;
	}
	io = ioapic_for_gsi(gsi);
	if (!io) {
		pr_err("ioapic: no IOAPIC serves GSI %u (ISA IRQ %u)", gsi,
		       isa_irq);
		return;
	}
	flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(io, IOAPIC_REDIR(gsi - io->gsi_base) + 1, dest_apic << 24);
	ioapic_write(io, IOAPIC_REDIR(gsi - io->gsi_base), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	pr_debug("ioapic: ISA IRQ %u -> GSI %u -> vector %#x%s%s", isa_irq, gsi,
		 vector, (lo & REDIR_ACTIVE_LOW) ? " active-low" : "",
		 (lo & REDIR_LEVEL) ? " level" : "");
}
