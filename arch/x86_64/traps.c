/*
 * Trap dispatch: CPU exceptions, device interrupts and IPIs all arrive in
 * trap_dispatch() from the stubs in traps.asm.
 *
 * An exception in kernel mode is a kernel bug: print the exception name,
 * the decoded error code, CR2 for page faults, every register and a
 * symbolized backtrace, then stop every CPU (arch_halt_all_cpus()).
 * Interrupt vectors go to the handler registered with irq_set_handler();
 * the handler table is written only during boot, before the vector can
 * fire, so it takes no lock.
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "arch/arch.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

volatile bool system_halting;
static unsigned cpus_stopped;	/* [A] CPUs parked by the halt NMI */
static irq_handler_t irq_handlers[256];

static const char *const exception_names[32] = {
	[0] = "Divide error (#DE)",
	[1] = "Debug (#DB)",
	[2] = "Non-maskable interrupt (NMI)",
	[3] = "Breakpoint (#BP)",
	[4] = "Overflow (#OF)",
	[5] = "BOUND range exceeded (#BR)",
	[6] = "Invalid opcode (#UD)",
	[7] = "Device not available (#NM)",
	[8] = "Double fault (#DF)",
	[9] = "Coprocessor segment overrun",
	[10] = "Invalid TSS (#TS)",
	[11] = "Segment not present (#NP)",
	[12] = "Stack-segment fault (#SS)",
	[13] = "General protection fault (#GP)",
	[14] = "Page fault (#PF)",
	[16] = "x87 floating-point error (#MF)",
	[17] = "Alignment check (#AC)",
	[18] = "Machine check (#MC)",
	[19] = "SIMD floating-point error (#XM)",
	[20] = "Virtualization exception (#VE)",
	[21] = "Control protection exception (#CP)",
	[28] = "Hypervisor injection exception (#HV)",
	[29] = "VMM communication exception (#VC)",
	[30] = "Security exception (#SX)",
};

void irq_set_handler(unsigned vector, irq_handler_t fn)
{
	irq_handlers[vector & 0xff] = fn;
}

static void describe_page_fault_error(uint64_t err)
{
	pr_emerg("  error code %#llx: %s, %s access in %s mode%s%s%s",
		 (unsigned long long)err,
		 (err & 1) ? "protection violation" : "page not present",
		 (err & 16) ? "instruction fetch" : (err & 2) ? "write" : "read",
		 (err & 4) ? "user" : "kernel",
		 (err & 8) ? ", reserved bit set in a page-table entry" : "",
		 (err & 32) ? ", protection key" : "",
		 (err & 0x8000) ? ", SGX" : "");
	pr_emerg("  CR2 (faulting address) = %016llx",
		 (unsigned long long)read_cr2());
}

/* #TS, #NP, #SS, #GP: the error code names a selector (or is zero). */
static void describe_selector_error(uint64_t err)
{
	static const char *const tables[4] = { "GDT", "IDT", "LDT", "IDT" };

	if (err == 0) {
		pr_emerg("  error code 0 (not caused by a segment selector)");
		return;
	}
	pr_emerg("  error code %#llx: %s index %llu%s",
		 (unsigned long long)err, tables[(err >> 1) & 3],
		 (unsigned long long)((err >> 3) & 0x1fff),
		 (err & 1) ? ", external event" : "");
}

static void describe_error_code(const struct trap_frame *tf)
{
	switch (tf->vector) {
	case 14:
		describe_page_fault_error(tf->error_code);
		break;
	case 10:
	case 11:
	case 12:
	case 13:
		describe_selector_error(tf->error_code);
		break;
	case 8:
	case 17:
		pr_emerg("  error code %#llx", (unsigned long long)tf->error_code);
		break;
	default:
		break;
	}
}

static void dump_registers(const struct trap_frame *tf)
{
	pr_emerg("  RIP: %04llx:%016llx RFLAGS: %016llx",
		 (unsigned long long)tf->cs, (unsigned long long)tf->rip,
		 (unsigned long long)tf->rflags);
	pr_emerg("  RSP: %04llx:%016llx",
		 (unsigned long long)tf->ss, (unsigned long long)tf->rsp);
	pr_emerg("  RAX: %016llx RBX: %016llx RCX: %016llx",
		 (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
		 (unsigned long long)tf->rcx);
	pr_emerg("  RDX: %016llx RSI: %016llx RDI: %016llx",
		 (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
		 (unsigned long long)tf->rdi);
	pr_emerg("  RBP: %016llx R8:  %016llx R9:  %016llx",
		 (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
		 (unsigned long long)tf->r9);
	pr_emerg("  R10: %016llx R11: %016llx R12: %016llx",
		 (unsigned long long)tf->r10, (unsigned long long)tf->r11,
		 (unsigned long long)tf->r12);
	pr_emerg("  R13: %016llx R14: %016llx R15: %016llx",
		 (unsigned long long)tf->r13, (unsigned long long)tf->r14,
		 (unsigned long long)tf->r15);
	pr_emerg("  CR0: %016llx CR3: %016llx CR4: %016llx",
		 (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
		 (unsigned long long)read_cr4());
}

static bool in_kernel_text(uint64_t addr)
{
	return addr >= (uint64_t)__text_start && addr < (uint64_t)__text_end;
}

/*
 * Print the registers as they are here, for panic(): the caller's frame
 * pointer and return address stand in for RBP and RIP.
 */
void arch_dump_registers_here(uint64_t rbp, uint64_t rip)
{
	struct trap_frame tf = { 0 };

	__asm__ volatile("mov %%rax, %0\n\tmov %%rbx, %1\n\tmov %%rcx, %2\n\t"
			 "mov %%rdx, %3\n\tmov %%rsi, %4\n\tmov %%rdi, %5"
			 : "=m"(tf.rax), "=m"(tf.rbx), "=m"(tf.rcx),
			   "=m"(tf.rdx), "=m"(tf.rsi), "=m"(tf.rdi));
	__asm__ volatile("mov %%r8, %0\n\tmov %%r9, %1\n\tmov %%r10, %2\n\t"
			 "mov %%r11, %3\n\tmov %%r12, %4\n\tmov %%r13, %5\n\t"
			 "mov %%r14, %6\n\tmov %%r15, %7\n\tmov %%rsp, %8"
			 : "=m"(tf.r8), "=m"(tf.r9), "=m"(tf.r10),
			   "=m"(tf.r11), "=m"(tf.r12), "=m"(tf.r13),
			   "=m"(tf.r14), "=m"(tf.r15), "=m"(tf.rsp));
	__asm__ volatile("mov %%cs, %0\n\tmov %%ss, %1"
			 : "=m"(tf.cs), "=m"(tf.ss));
	tf.rbp = rbp;
	tf.rip = rip;
	tf.rflags = read_rflags();
	dump_registers(&tf);
}

static void print_frame(uint64_t addr)
{
	uint64_t off, size;
	const char *name = NULL;

	/* Only code has symbols; data addresses would match a marker. */
	if (in_kernel_text(addr))
		name = ksym_lookup(addr, &off, &size);

	if (name)
		pr_emerg("  [<%016llx>] %s+0x%llx/0x%llx", (unsigned long long)addr,
			 name, (unsigned long long)off,
			 (unsigned long long)size);
	else
		pr_emerg("  [<%016llx>] ?", (unsigned long long)addr);
}

static bool frame_pointer_ok(uint64_t rbp)
{
	/* Kernel stacks live in the kernel image or the direct map. */
	return rbp >= DIRECT_MAP_BASE && (rbp & 7) == 0 &&
	       rbp < (uint64_t)-16;
}

/*
 * Print the call chain: @rip first, then each return address found by
 * following saved frame pointers from @rbp (the kernel is built with
 * -fno-omit-frame-pointer).  Bounded in depth; stops at any implausible
 * frame pointer rather than faulting on it.
 */
void arch_dump_stack(uint64_t rbp, uint64_t rip)
{
	uint64_t last = 0, repeats = 0;

	pr_emerg(" Call trace:");
	print_frame(rip);
	for (int depth = 0; depth < 4096 && frame_pointer_ok(rbp); depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];

		if (!in_kernel_text(ret))
			break;
		/* Deep recursion: show a frame twice, then count the rest. */
		if (ret == last && ++repeats >= 2) {
			if (frame[0] <= rbp)
				break;
			rbp = frame[0];
			continue;
		}
		if (repeats >= 2)
			pr_emerg("  ... the frame above %llu more times",
				 (unsigned long long)(repeats - 1));
		if (ret != last)
			repeats = 0;
		last = ret;
		/* The call instruction is just before the return address. */
		print_frame(ret - 1);
		if (frame[0] <= rbp)
			break;	/* stacks grow down: callers sit higher */
		rbp = frame[0];
	}
	if (repeats >= 2)
		pr_emerg("  ... the frame above %llu more times",
			 (unsigned long long)(repeats - 1));
}

/* A jump or call into nowhere leaves the caller's return address on top
 * of the stack: show it, since the frame-pointer chain skips that caller. */
static void print_stray_caller(const struct trap_frame *tf)
{
	const uint64_t *sp = (const uint64_t *)tf->rsp;

	if (in_kernel_text(tf->rip) || !frame_pointer_ok(tf->rsp) ||
	    !in_kernel_text(sp[0]))
		return;
	pr_emerg(" Called from:");
	print_frame(sp[0] - 1);
}

static __attribute__((noreturn)) void kernel_exception(struct trap_frame *tf)
{
	const char *name = tf->vector < 32 ? exception_names[tf->vector] : NULL;

	printk_panic_mode();
	pr_emerg("EXCEPTION: %s in kernel mode on CPU %u",
		 name ? name : "Reserved exception", this_cpu()->index);
	describe_error_code(tf);
	dump_registers(tf);
	print_stray_caller(tf);
	arch_dump_stack(tf->rbp, tf->rip);
	arch_halt_all_cpus();
}

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;) {
		irq_disable();
		hlt();
	}
}

/* Stop here for good, counted as stopped for the CPU that is halting all. */
static __attribute__((noreturn)) void park_this_cpu(void)
{
	__atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE);
	halt_forever();
}

void trap_dispatch(struct trap_frame *tf)
{
	unsigned vec = (unsigned)tf->vector;

	if (vec == 2) {
		if (system_halting)
			park_this_cpu();	/* another CPU panicked */
		/* Like Linux: an NMI nobody claims is reported, not fatal. */
		pr_warn("trap: NMI for unknown reason on CPU %u",
			this_cpu()->index);
		return;
	}
	if (vec < 32)
		kernel_exception(tf);
	if (vec == VEC_SPURIOUS)
		return;		/* spurious: no EOI */
	if (irq_handlers[vec])
		irq_handlers[vec](vec);
	else
		pr_warn("trap: unexpected interrupt vector %u", vec);
	if (vec >= VEC_IRQ_BASE)
		lapic_eoi();
}

/*
 * Stop every CPU for good: NMI the others (their NMI handler sees
 * system_halting and halts), tell a test harness through the QEMU debug
 * exit port, then halt here.
 */
void arch_halt_all_cpus(void)
{
	unsigned others = arch_nr_cpus_online();

	irq_disable();
	others = others ? others - 1 : 0;
	if (__atomic_exchange_n(&system_halting, true, __ATOMIC_SEQ_CST))
		park_this_cpu();	/* another CPU is already doing this */
	if (lapic_ready() && others)
		lapic_send_nmi_all_but_self();
	/* Bounded wait (no clock needed) for the others to report. */
	for (long spins = 0; spins < 50000000 &&
	     __atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE) < others; spins++)
		cpu_relax();
	pr_emerg("System halted: %u of %u CPUs stopped.",
		 __atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE) + 1,
		 others + 1);
	arch_debug_exit(1);
	halt_forever();
}
