/*
 * The kernel monitor: until there is a shell, the boot CPU reads lines
 * from the serial console (interrupt driven; it sleeps in hlt between
 * bytes) and runs a handful of commands.  Every received line is logged,
 * which is how the integration tests see that input arrives.
 */
#include "kernel/monitor.h"
#include "arch/arch.h"
#include "drivers/acpi/acpi.h"
#include "drivers/rtc/rtc.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define LINE_MAX 128

struct command {
	const char *name;
	void (*run)(const char *args);
	const char *help;
};

static void cmd_help(const char *args);

static void cmd_echo(const char *args)
{
	pr_notice("monitor: %s", args);
}

static void cmd_mem(const char *args)
{
	struct mem_stats st;

	(void)args;
	mm_get_stats(&st);
	pr_notice("monitor: %llu KiB usable, %llu KiB free, %llu KiB reserved",
		  (unsigned long long)st.total_usable_bytes / 1024,
		  (unsigned long long)st.free_pages * (PAGE_SIZE / 1024),
		  (unsigned long long)st.reserved_bytes / 1024);
}

static void cmd_cpus(const char *args)
{
	(void)args;
	for (unsigned i = 0; i < NR_CPUS; i++) {
		struct cpu *c = arch_cpu_by_index(i);

		if (!c || !c->online)
			continue;
		pr_notice("monitor: cpu %u: APIC id %u, %llu timer ticks, "
			  "%llu interrupts", i, c->apic_id,
			  (unsigned long long)c->timer_ticks,
			  (unsigned long long)c->irqs);
	}
}

static void cmd_uptime(const char *args)
{
	uint64_t ns = arch_clock_ns();

	(void)args;
	pr_notice("monitor: up %llu.%03llu s",
		  (unsigned long long)(ns / 1000000000ull),
		  (unsigned long long)(ns / 1000000ull % 1000));
}

static void cmd_date(const char *args)
{
	char buf[32];

	(void)args;
	rtc_format_now(buf, sizeof(buf));
	pr_notice("monitor: %s", buf);
}

/* Print the whole log ring, hidden levels included, straight to ttyS0. */
static void cmd_dmesg(const char *args)
{
	char text[256], line[300];
	uint64_t seq = 0, next, ts;
	size_t len;
	int level, n;

	(void)args;
	while ((len = log_read_record(seq, &level, &ts, text, sizeof(text),
				      &next)) > 0 || next != seq) {
		n = ksnprintf(line, sizeof(line), "[%5llu.%06llu] <%d> %.*s\n",
			      (unsigned long long)(ts / 1000000000ull),
			      (unsigned long long)(ts / 1000ull % 1000000ull),
			      level, (int)len, text);
		serial_write(line, (size_t)MIN(n, (int)sizeof(line) - 1));
		seq = next;
	}
}

static void cmd_memtest(const char *args)
{
	struct mm_selftest_report r;

	(void)args;
	mm_selftest(&r);
	pr_notice("memtest: %u CPUs, %llu allocations, %llu failed, "
		  "%llu errors; free pages %llu before, %llu after", r.cpus,
		  (unsigned long long)r.allocations,
		  (unsigned long long)r.failures,
		  (unsigned long long)r.errors,
		  (unsigned long long)r.free_before,
		  (unsigned long long)r.free_after);
}

static void cmd_poweroff(const char *args)
{
	(void)args;
	acpi_power_off();
}

static void cmd_reboot(const char *args)
{
	(void)args;
	acpi_reboot();
}

static const struct command commands[] = {
	{ "help", cmd_help, "list commands" },
	{ "echo", cmd_echo, "print the rest of the line" },
	{ "mem", cmd_mem, "memory totals" },
	{ "cpus", cmd_cpus, "online CPUs and their interrupt counts" },
	{ "uptime", cmd_uptime, "time since the kernel started" },
	{ "date", cmd_date, "wall-clock time" },
	{ "dmesg", cmd_dmesg, "the kernel log ring, every level" },
	{ "memtest", cmd_memtest, "allocator stress on every CPU at once" },
	{ "ls", monitor_ls, "list a directory (default /)" },
	{ "cat", monitor_cat, "print a text file (its first 4 KiB)" },
	{ "hd", monitor_hd, "hex of a file's first 32 bytes" },
	{ "poweroff", cmd_poweroff, "ACPI power-off" },
	{ "reboot", cmd_reboot, "reset the machine" },
};

static void cmd_help(const char *args)
{
	(void)args;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		pr_notice("monitor: %-8s %s", commands[i].name,
			  commands[i].help);
}

static void run_line(char *line)
{
	char *args = strchr(line, ' ');

	pr_notice("monitor: received \"%s\"", line);
	if (args)
		*args++ = '\0';
	else
		args = line + strlen(line);
	if (!*line)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(line, commands[i].name) == 0) {
			commands[i].run(args);
			return;
		}
	}
	pr_notice("monitor: unknown command \"%s\"; try help", line);
}

/* Show what is typed, as a terminal in cooked mode would. */
static void echo_input(int c)
{
	char ch = (char)c;

	if (c == '\r' || c == '\n')
		serial_write("\n", 1);
	else if (c == 0x7f || c == '\b')
		serial_write("\b \b", 3);
	else if (c >= 0x20 && c < 0x7f)
		serial_write(&ch, 1);
}

/* Read and run lines forever on the boot CPU. */
void monitor_run(void)
{
	char line[LINE_MAX];
	size_t len = 0;
	bool overlong = false;

	pr_notice("monitor: type 'help' for commands");
	for (;;) {
		int c = serial_getc();

		if (c < 0) {
			if (serial_rx_irq_enabled())
				arch_idle();	/* the serial IRQ wakes us */
			else
				arch_cpu_relax();
			continue;
		}
		echo_input(c);
		if (c == '\r' || c == '\n') {
			line[len] = '\0';
			if (overlong)
				pr_notice("monitor: line longer than %d bytes "
					  "ignored", LINE_MAX - 1);
			else if (len)
				run_line(line);
			len = 0;
			overlong = false;
		} else if (c == 0x7f || c == '\b') {
			if (len)
				len--;
		} else if (len < LINE_MAX - 1) {
			line[len++] = (char)c;
		} else {
			overlong = true;
		}
	}
}
