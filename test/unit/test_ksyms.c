/* Unit tests for kernel/lib/ksyms.c: the backtrace symbol lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/lib/ksyms.h"

/* A table like gen_ksyms.py writes: alpha [0x1000,+0x10), beta at
 * 0x1010 of unknown size, gamma [0x2000,+0x20). */
struct table {
	struct ksym_header h;
	struct ksym_entry e[3];
	char names[17];
};

static struct table make_table(void)
{
	struct table t;

	memset(&t, 0, sizeof(t));
	t.h.magic = KSYM_MAGIC;
	t.h.count = 3;
	t.h.names_offset = offsetof(struct table, names);
	t.h.names_size = sizeof(t.names);
	t.e[0] = (struct ksym_entry){ 0x1000, 0x10, 0 };
	t.e[1] = (struct ksym_entry){ 0x1010, 0, 6 };
	t.e[2] = (struct ksym_entry){ 0x2000, 0x20, 11 };
	memcpy(t.names, "alpha\0beta\0gamma", 17);
	return t;
}

static void ksym_finds_containing_function(void **state)
{
	struct table t = make_table();
	uint64_t off, size;

	(void)state;
	assert_string_equal(ksym_find(&t, sizeof(t), 0x1004, &off, &size),
			    "alpha");
	assert_int_equal(off, 4);
	assert_int_equal(size, 0x10);
	assert_string_equal(ksym_find(&t, sizeof(t), 0x2000, &off, &size),
			    "gamma");
	assert_int_equal(off, 0);
}

static void ksym_unknown_size_reaches_next_symbol(void **state)
{
	struct table t = make_table();
	uint64_t off, size;

	(void)state;
	assert_string_equal(ksym_find(&t, sizeof(t), 0x1fff, &off, &size),
			    "beta");
	assert_int_equal(off, 0x1fff - 0x1010);
}

static void ksym_misses_outside_symbols(void **state)
{
	struct table t = make_table();
	uint64_t off, size;

	(void)state;
	assert_null(ksym_find(&t, sizeof(t), 0xfff, &off, &size));
	assert_null(ksym_find(&t, sizeof(t), 0x2020, &off, &size));
}

static void ksym_rejects_damaged_tables(void **state)
{
	struct table t;
	uint64_t off, size;

	(void)state;
	t = make_table();
	t.h.magic = 0;
	assert_null(ksym_find(&t, sizeof(t), 0x1004, &off, &size));
	t = make_table();
	t.h.count = 0x10000000;		/* entries past the end */
	assert_null(ksym_find(&t, sizeof(t), 0x1004, &off, &size));
	t = make_table();
	t.h.names_size = 0xffffffff;	/* names past the end */
	assert_null(ksym_find(&t, sizeof(t), 0x1004, &off, &size));
	t = make_table();
	t.e[0].name_offset = 9999;	/* name outside the block */
	assert_null(ksym_find(&t, sizeof(t), 0x1004, &off, &size));
	t = make_table();
	t.names[16] = 'x';		/* last name not terminated */
	assert_null(ksym_find(&t, sizeof(t), 0x2004, &off, &size));
	assert_null(ksym_find(&t, 8, 0x1004, &off, &size));	/* truncated */
	assert_null(ksym_find(NULL, 0, 0x1004, &off, &size));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ksym_finds_containing_function),
		cmocka_unit_test(ksym_unknown_size_reaches_next_symbol),
		cmocka_unit_test(ksym_misses_outside_symbols),
		cmocka_unit_test(ksym_rejects_damaged_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
