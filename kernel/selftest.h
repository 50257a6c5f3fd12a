#pragma once
/* kernel/selftest.c: deliberate faults for tests (test.fault=). */
void selftest_trigger_fault(const char *kind);
