#pragma once
/*
 * Host shims: what kernel code built into the unit tests (khost) gets
 * instead of the real allocator, locks, log and user copies, plus the
 * hooks tests use to watch and steer them.  One test thread; no
 * concurrency.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocations (kmalloc family) and pages still live. */
long shim_live_allocations(void);
long shim_live_pages(void);
/* Make the allocation @n allocations from now fail (0 = the next one);
 * -1 turns failure injection off.  Counts kmalloc and page_alloc. */
void shim_fail_allocations_after(long n);

/* User copies touching @addr or above copy up to it and report the rest
 * as faulted (NULL: nothing faults). */
void shim_set_user_fault(const void *addr);

/* The clock behind arch_clock_ns() and vfs_now(): each read advances it
 * by 1 ns unless frozen, so times are distinct and increasing. */
void shim_set_time(int64_t sec, uint32_t nsec);
void shim_freeze_time(bool frozen);

/* printk lands in a buffer (and on stderr when BASALT_SHIM_LOG is set). */
bool shim_log_contains(const char *text);
void shim_log_clear(void);
const char *shim_log_text(void);

/* A fresh VFS with a tmpfs root (optionally with mount options), and its
 * teardown, which unmounts everything and fails the test if any file,
 * mount, dentry, inode, page or allocation is left. */
void shim_vfs_setup(void);
void shim_vfs_setup_opts(const char *root_options);
void shim_vfs_teardown(void);
