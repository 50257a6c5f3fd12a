/*
 * User-memory copies (see kernel/uaccess.h).  No program runs in user
 * mode yet, so for now these check that the range lies in the user half
 * and copy; the page-fault fix-up that turns an unmapped user address
 * into -EFAULT (an exception table consulted by the fault handler) comes
 * with user mode, behind this same interface.
 */
#include "kernel/uaccess.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

size_t copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (!user_range_ok(dst, n))
		return n;
	memcpy(dst, src, n);
	return 0;
}

size_t copy_from_user(void *dst, const void __user *src, size_t n)
{
	if (!user_range_ok(src, n))
		return n;
	memcpy(dst, src, n);
	return 0;
}

size_t clear_user(void __user *dst, size_t n)
{
	if (!user_range_ok(dst, n))
		return n;
	memset(dst, 0, n);
	return 0;
}

long strncpy_from_user(char *dst, const char __user *src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (!user_range_ok(src + i, 1))
			return -EFAULT;
		dst[i] = src[i];
		if (!dst[i])
			return (long)i;
	}
	return (long)max;
}
