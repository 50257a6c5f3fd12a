/*
 * kmain(): generic start-up on the boot CPU, entered from
 * arch_boot_main() with the serial console, descriptor tables and a
 * struct boot_info ready.  The order matters: the command line first (it
 * sets the log level), then memory (everything after allocates), ACPI
 * (interrupt routing needs the MADT), the screen console, interrupts,
 * clocks and the other CPUs, the RTC, the random pool, and the files
 * (tmpfs root, initramfs, /dev).  Then "ready",
 * and the boot CPU becomes the serial monitor.
 */
#include "kernel/kmain.h"
#include "arch/arch.h"
#include "drivers/acpi/acpi.h"
#include "drivers/console/fbcon.h"
#include "drivers/char/mem.h"
#include "drivers/char/random.h"
#include "drivers/rtc/rtc.h"
#include "fs/initramfs.h"
#include "fs/vfs.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/string.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/time.h"
#include "mm/mm.h"

#define BASALT_VERSION	"0.1"
#define MAX_PARAMS	64

/* The parsed command line: written by parse_command_line() on the boot CPU
 * before any other CPU runs, read-only afterwards. */
static char cmdline_buf[BOOT_CMDLINE_MAX];
static struct cmdline_param params_storage[MAX_PARAMS];
static struct cmdline params;
static char console_names[128];

/* Every console= value, comma-joined, for console_select(). */
static void collect_console_names(void)
{
	size_t used = 0;

	for (size_t i = 0; i < params.count; i++) {
		const struct cmdline_param *p = &params.params[i];
		size_t n;

		if (strcmp(p->key, "console") != 0 || !p->value)
			continue;
		n = strlen(p->value);
		if (used + n + 2 > sizeof(console_names))
			break;
		if (used)
			console_names[used++] = ',';
		memcpy(console_names + used, p->value, n);
		used += n;
	}
	console_names[used] = '\0';
}

/* quiet, debug and loglevel= in command-line order: the last one wins. */
static void apply_log_params(void)
{
	for (size_t i = 0; i < params.count; i++) {
		const struct cmdline_param *p = &params.params[i];
		unsigned long level;

		if (strcmp(p->key, "quiet") == 0)
			console_set_loglevel(LOG_ERR);
		else if (strcmp(p->key, "debug") == 0)
			console_set_loglevel(LOG_DEBUG);
		else if (strcmp(p->key, "loglevel") == 0 && p->value &&
			 cmdline_parse_ulong(p->value, &level) == 0)
			console_set_loglevel((int)MIN(level,
						      (unsigned long)LOG_DEBUG));
	}
}

static void parse_command_line(const struct boot_info *bi)
{

	memcpy(cmdline_buf, bi->cmdline, sizeof(cmdline_buf));
	cmdline_init(&params, params_storage, MAX_PARAMS);
	if (cmdline_parse(&params, cmdline_buf) != 0)
		pr_warn("cmdline: more than %d parameters; extra ones ignored",
			MAX_PARAMS);
	apply_log_params();
	collect_console_names();
	console_select(console_names);
}

/* The value of kernel parameter @key ("" if it has none), or NULL. */
const char *kernel_param(const char *key)
{
	const struct cmdline_param *p = cmdline_find(&params, key);

	return p ? (p->value ? p->value : "") : NULL;
}

static const char *const mem_type_names[] = {
	[BOOT_MEM_USABLE] = "usable", [BOOT_MEM_RESERVED] = "reserved",
	[BOOT_MEM_ACPI_RECLAIM] = "ACPI data", [BOOT_MEM_ACPI_NVS] = "ACPI NVS",
	[BOOT_MEM_BAD] = "bad",
};

static void log_boot_info(const struct boot_info *bi)
{
	pr_info("Basalt %s booting via %s%s%s%s", BASALT_VERSION,
		bi->protocol == BOOT_PROTO_PVH ? "PVH" : "Multiboot2",
		bi->loader_name[0] ? " (" : "", bi->loader_name,
		bi->loader_name[0] ? ")" : "");
	pr_info("command line: %s", bi->cmdline);
	if (bi->cmdline_truncated)
		pr_warn("command line: longer than %d bytes, the rest is ignored",
			BOOT_CMDLINE_MAX - 1);
	for (unsigned i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mem_range *r = &bi->mmap[i];
		uint32_t t = r->type <= BOOT_MEM_BAD ? r->type : BOOT_MEM_RESERVED;

		pr_debug("memory map: %016llx-%016llx %s",
			 (unsigned long long)r->base,
			 (unsigned long long)(r->base + r->len - 1),
			 mem_type_names[t] ? mem_type_names[t] : "reserved");
	}
}

static void memory_init(const struct boot_info *bi)
{
	struct mem_stats st;

	pmm_init(bi);
	paging_init();
	kmalloc_init();
	mm_get_stats(&st);
	pr_info("mem: %llu KiB usable RAM, %llu KiB free, %llu KiB reserved",
		(unsigned long long)st.total_usable_bytes / 1024,
		(unsigned long long)st.free_pages * (PAGE_SIZE / 1024),
		(unsigned long long)st.reserved_bytes / 1024);
}

static void screen_console_init(const struct boot_info *bi, bool have_acpi)
{
	const struct acpi_info *acpi = acpi_get();
	bool vga_ok = !have_acpi ||
		      !(acpi->iapc_boot_arch & ACPI_IAPC_VGA_NOT_PRESENT);

	fbcon_console_init(&bi->fb, vga_ok);
}

static unsigned cpus_listed(bool have_acpi)
{
	const struct acpi_info *acpi = acpi_get();
	unsigned n = 0;

	for (unsigned i = 0; have_acpi && i < acpi->nr_cpus; i++)
		n += acpi->cpus[i].enabled;
	return n ? n : 1;
}

/*
 * The file layer: a tmpfs root, the initramfs unpacked into it, then /dev
 * on top (mounted after the unpack, as Linux's devtmpfs is, so an archive
 * cannot hide it).  A failure here leaves the kernel without files but
 * still running its monitor.
 */
static void files_init(const struct boot_info *bi)
{
	if (vfs_init(kernel_param("rootflags")) != 0)
		return;
	initramfs_init(bi);
	if (devfs_init() == 0)
		mem_devices_init();
	if (kernel_param("test.vfs"))
		vfs_selftest();
}

static void report_ready(void)
{
	uint64_t ns = arch_ns_since_entry();

	pr_info("basalt: ready in %llu.%03llu ms",
		(unsigned long long)(ns / 1000000),
		(unsigned long long)(ns / 1000 % 1000));
}

void kmain(struct boot_info *bi)
{
	struct platform_options platform_opts;
	const char *fault;
	bool have_acpi;
	unsigned cpus;

	parse_command_line(bi);
	log_boot_info(bi);
	memory_init(bi);
	have_acpi = acpi_init(bi) == 0;
	screen_console_init(bi, have_acpi);
	platform_opts.clocksource = kernel_param("clocksource");
	cpus = arch_init_platform(acpi_get(), &platform_opts);
	pr_info("smp: %u of %u CPUs online", cpus, cpus_listed(have_acpi));
	if (rtc_init(have_acpi ? acpi_get()->century : 0) == 0)
		ktime_set_real(rtc_now_unix());
	random_init();
	files_init(bi);

	fault = kernel_param("test.fault");
	if (fault)
		selftest_trigger_fault(fault);
	report_ready();
	monitor_run();
}
