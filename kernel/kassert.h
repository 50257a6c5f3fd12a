#pragma once
/*
 * KASSERT(cond): a broken invariant.  In the kernel it panics with the file
 * and line; in host unit tests it is CMocka's mock_assert(), so a test can
 * expect_assert_failure() on it.  This is the one #ifdef between the two
 * builds of a kcore file.
 */
#ifdef BASALT_HOST_TEST
void mock_assert(const int result, const char *const expression,
		 const char *const file, const int line);
#define KASSERT(cond) mock_assert(!!(cond), #cond, __FILE__, __LINE__)
#else
__attribute__((noreturn)) void panic(const char *fmt, ...);
#define KASSERT(cond)                                                      \
	do {                                                               \
		if (__builtin_expect(!(cond), 0))                          \
			panic("assertion failed: %s at %s:%d", #cond,      \
			      __FILE__, __LINE__);                         \
	} while (0)
#endif
