/*
 * Deliberate faults for the integration tests: `test.fault=<kind>` on the
 * command line makes the kernel die in a known way so the tests can check
 * what a crash prints.  Each kind has its own non-inlined function so the
 * backtrace must name it.
 */
#include "kernel/selftest.h"
#include <stdint.h>
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/sync.h"

__attribute__((noinline)) static void selftest_fault_page_fault(void)
{
	volatile uintptr_t addr = 0x10;		/* nothing is mapped there */

	*(volatile uint64_t *)addr = 0xbad;
}

__attribute__((noinline)) static void selftest_fault_invalid_opcode(void)
{
	__builtin_trap();			/* ud2 */
}

__attribute__((noinline)) static void selftest_fault_general_protection(void)
{
	/* A non-canonical address: #GP, not #PF. */
	volatile uintptr_t addr = 0x8000000000000000ull;

	*(volatile uint64_t *)addr = 1;
}

__attribute__((noinline)) static void selftest_fault_divide_error(void)
{
	/* Both operands volatile, or gcc folds 1 / n into a compare. */
	volatile unsigned num = 100, zero = 0;
	volatile unsigned x = num / zero;

	(void)x;
}

__attribute__((noinline)) static void selftest_fault_panic(void)
{
	panic("deliberate panic requested by test.fault=panic");
}

/* W^X: kernel text is mapped read-only. */
__attribute__((noinline)) static void selftest_fault_write_text(void)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)selftest_trigger_fault;

	*text = 0xc3;
}

/* W^X: kernel data is mapped no-execute. */
__attribute__((noinline)) static void selftest_fault_exec_data(void)
{
	static uint8_t ret_insn[16] = { 0xc3 };	/* "ret", in .data */
	void (*volatile fn)(void) = (void (*)(void))(uintptr_t)ret_insn;

	fn();
}

/*
 * Recurse until the stack runs into the unmapped guard page below it.
 * The page fault cannot push its frame on the dead stack, so the CPU
 * raises a double fault, which runs on its own IST stack and reports.
 */
static volatile unsigned overflow_depth_limit = ~0u;	/* never reached */

__attribute__((noinline)) static unsigned selftest_overflow_recurse(unsigned n)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)n;
	if (n >= overflow_depth_limit)
		return pad[0];
	return selftest_overflow_recurse(n + 1) + pad[0];
}

__attribute__((noinline)) static void selftest_fault_stack_overflow(void)
{
	selftest_overflow_recurse(0);
}

/* Take two locks against their ranks: the lock checker must panic. */
__attribute__((noinline)) static void selftest_fault_lock_order(void)
{
	static struct spinlock inner = SPINLOCK_INIT("selftest_inner",
						     LOCK_RANK_ZONE);
	static struct spinlock outer = SPINLOCK_INIT("selftest_outer",
						     LOCK_RANK_KMALLOC);
	unsigned long flags = spin_lock_irqsave(&inner);

	spin_lock(&outer);
	spin_unlock(&outer);
	spin_unlock_irqrestore(&inner, flags);
}

static const struct {
	const char *kind;
	void (*fn)(void);
} faults[] = {
	{ "pf", selftest_fault_page_fault },
	{ "ud", selftest_fault_invalid_opcode },
	{ "gp", selftest_fault_general_protection },
	{ "de", selftest_fault_divide_error },
	{ "panic", selftest_fault_panic },
	{ "wx", selftest_fault_write_text },
	{ "nx", selftest_fault_exec_data },
	{ "stack", selftest_fault_stack_overflow },
	{ "lockorder", selftest_fault_lock_order },
};

/* Trigger the fault named @kind; returns only for an unknown kind. */
void selftest_trigger_fault(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++) {
		if (strcmp(kind, faults[i].kind) == 0) {
			pr_notice("selftest: triggering fault '%s'", kind);
			faults[i].fn();
		}
	}
	pr_err("selftest: unknown test.fault=%s "
	       "(pf, ud, gp, de, panic, wx, nx, stack, lockorder)", kind);
}
