/*
 * A fresh VFS for each unit test, and the teardown that proves the test
 * left nothing behind: every file closed, every mount gone, every dentry,
 * inode, page and allocation freed.
 */
#include "fs/vfs.h"
#include "test/unit/shim/shim.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

void shim_vfs_setup_opts(const char *root_options)
{
	shim_log_clear();
	shim_fail_allocations_after(-1);
	assert_int_equal(vfs_init(root_options), 0);
}

void shim_vfs_setup(void)
{
	shim_vfs_setup_opts(NULL);
}

void shim_vfs_teardown(void)
{
	shim_fail_allocations_after(-1);
	assert_int_equal(vfs_nr_files(), 0);
	vfs_shutdown();
	assert_int_equal(vfs_nr_mounts(), 0);
	assert_int_equal(dcache_nr_dentries(), 0);
	assert_int_equal(vfs_nr_inodes(), 0);
	assert_int_equal(shim_live_pages(), 0);
	assert_int_equal(shim_live_allocations(), 0);
}
