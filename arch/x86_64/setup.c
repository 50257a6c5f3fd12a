/*
 * arch_boot_main(): the first C code, entered from boot.asm on the boot
 * CPU with the early page tables and the boot stack.  It brings up just
 * enough of the CPU to report problems (per-CPU area, serial console,
 * descriptor tables), copies what the boot loader passed into a
 * struct boot_info, and hands over to the generic kmain().
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "arch/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/kmain.h"
#include "kernel/printk.h"

#define MB2_INFO_WINDOW	(1u << 20)	/* we never read more than 1 MiB */
#define EARLY_MAPPED_LIMIT (4ull << 30)	/* boot.asm maps 4 GiB */

static struct boot_info boot_info;
static uint8_t bsp_ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
uint64_t boot_entry_tsc;

static struct console serial_console = {
	.name = "ttyS0",
	.write = serial_write,
	.enabled = true,
};

static const void *early_map(void *ctx, uint64_t phys, uint64_t len)
{
	(void)ctx;
	if (phys == 0 || phys >= EARLY_MAPPED_LIMIT ||
	    len > EARLY_MAPPED_LIMIT - phys)
		return NULL;
	return (const void *)phys_to_virt_early(phys);
}

static void enable_nx(void)
{
	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

static int parse_boot_info(uint32_t proto, uint32_t info_phys)
{
	static const struct boot_mapper mapper = { .map = early_map };

	switch (proto) {
	case BOOT_PROTO_MULTIBOOT2: {
		uint32_t avail = (uint32_t)MIN((uint64_t)MB2_INFO_WINDOW,
					       EARLY_MAPPED_LIMIT - info_phys);
		const void *info = early_map(NULL, info_phys, avail);

		if (!info)
			return -1;
		return mb2_parse(info, info_phys, avail, &boot_info);
	}
	case BOOT_PROTO_PVH:
		return pvh_parse(&mapper, info_phys, &boot_info);
	default:
		return -1;
	}
}

void arch_boot_main(uint32_t proto, uint32_t info_phys)
{
	uint64_t ist_tops[3];

	boot_entry_tsc = rdtsc();
	percpu_init_boot_cpu();
	serial_init();
	console_register(&serial_console);
	cpu_detect_features();
	enable_nx();

	for (int i = 0; i < 3; i++)
		ist_tops[i] = (uint64_t)bsp_ist_stacks[i] + IST_STACK_SIZE;
	idt_init();
	gdt_init_cpu(0, ist_tops);
	idt_load();

	if (parse_boot_info(proto, info_phys) != 0) {
		pr_emerg("boot: unusable boot information (protocol %u at %#x): "
			 "was Basalt started by a Multiboot2 or PVH loader?",
			 proto, info_phys);
		arch_halt_all_cpus();
	}
	kmain(&boot_info);
}
