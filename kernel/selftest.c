/*
 * Deliberate faults for the integration tests: `test.fault=<kind>` on the
 * command line makes the kernel die in a known way so the tests can check
 * what a crash prints.  Each kind has its own non-inlined function so the
 * backtrace must name it.
 */
#include "kernel/selftest.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

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

static const struct {
	const char *kind;
	void (*fn)(void);
} faults[] = {
	{ "pf", selftest_fault_page_fault },
	{ "ud", selftest_fault_invalid_opcode },
	{ "gp", selftest_fault_general_protection },
	{ "de", selftest_fault_divide_error },
	{ "panic", selftest_fault_panic },
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
	pr_err("selftest: unknown test.fault=%s (pf, ud, gp, de, panic)", kind);
}
