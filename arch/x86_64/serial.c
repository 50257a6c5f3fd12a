/*
 * 16550 UART on COM1: the first console.  Output is polled (the log must
 * work before interrupts exist and inside panic); input is interrupt
 * driven: serial_irq() drains the receive FIFO into a byte ring that
 * serial_getc() reads from.
 *
 * Locks: rx_lock (irq spinlock) protects the receive ring.  Output takes no
 * lock of its own; printk's log_lock serialises writers.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/sync.h"

#define COM1		0x3f8
#define UART_DATA	0	/* RBR / THR; DLL when DLAB=1 */
#define UART_IER	1	/* DLM when DLAB=1 */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define IER_RX		0x01
#define MCR_DTR_RTS_OUT2 0x0b	/* OUT2 gates the IRQ line on PCs */
#define FCR_ENABLE_CLEAR 0x07	/* enable FIFOs, clear both, trigger 1 */

#define RX_RING_SIZE	1024	/* power of two */

static bool serial_present;
static bool rx_irq_enabled;
static struct spinlock rx_lock = SPINLOCK_INIT("serial_rx", LOCK_RANK_SERIAL_RX);
static uint8_t rx_ring[RX_RING_SIZE];	/* [rx_lock] */
static unsigned rx_head, rx_tail;	/* [rx_lock] */
static uint64_t rx_dropped;		/* [rx_lock] */

/*
 * Program COM1 for 115200 8N1 with FIFOs.  A scratch-register check tells
 * whether a UART is there at all (some PCs have none).
 */
void serial_init(void)
{
	outb(COM1 + UART_SCR, 0x5a);
	if (inb(COM1 + UART_SCR) != 0x5a)
		return;
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1);	/* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	serial_present = true;
}

static void serial_putc(char c)
{
	unsigned spins = 0;

	/* Bounded wait: a wedged UART must not hang the kernel log. */
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY) && spins++ < 100000)
		cpu_relax();
	outb(COM1 + UART_DATA, (uint8_t)c);
}

/* Write @len bytes, turning "\n" into "\r\n" for terminals. */
void serial_write(const char *s, size_t len)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

/* Unmask the receive interrupt; the caller has routed IRQ 4 to us. */
void serial_enable_rx_irq(void)
{
	if (serial_present) {
		outb(COM1 + UART_IER, IER_RX);
		rx_irq_enabled = true;
	}
}

/* IRQ 4 handler: move every received byte into the ring. */
void serial_irq(void)
{
	unsigned long flags;
	unsigned budget = RX_RING_SIZE;	/* a stuck LSR must not wedge us */

	if (!serial_present)
		return;
	flags = spin_lock_irqsave(&rx_lock);
	while ((inb(COM1 + UART_LSR) & LSR_DATA_READY) && budget--) {
		uint8_t c = inb(COM1 + UART_DATA);

		if (rx_head - rx_tail == RX_RING_SIZE) {
			rx_dropped++;
			continue;
		}
		rx_ring[rx_head++ % RX_RING_SIZE] = c;
	}
	spin_unlock_irqrestore(&rx_lock, flags);
}

/*
 * Next received byte, or -1 if none is waiting.  Never sleeps.  Without
 * the receive interrupt (no IOAPIC) it polls the UART instead.
 */
int serial_getc(void)
{
	unsigned long flags;
	int c = -1;

	if (!rx_irq_enabled)
		serial_irq();
	flags = spin_lock_irqsave(&rx_lock);
	if (rx_head != rx_tail)
		c = rx_ring[rx_tail++ % RX_RING_SIZE];
	spin_unlock_irqrestore(&rx_lock, flags);
	return c;
}

bool serial_rx_irq_enabled(void)
{
	return rx_irq_enabled;
}
