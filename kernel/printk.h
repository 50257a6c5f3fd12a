#pragma once
/*
 * Kernel log.  Every message goes into a ring of records (level, time,
 * text) and, if its level is at or below the console log level, out to
 * every enabled console.  Levels are Linux's: 0 emergency .. 7 debug.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/compiler.h"

#define LOG_EMERG	0
#define LOG_ALERT	1
#define LOG_CRIT	2
#define LOG_ERR		3
#define LOG_WARNING	4
#define LOG_NOTICE	5
#define LOG_INFO	6
#define LOG_DEBUG	7

#define LOG_DEFAULT_CONSOLE_LEVEL LOG_INFO

struct console {
	const char *name;		/* "ttyS0", "tty0" */
	void (*write)(const char *s, size_t len);
	bool enabled;
};

/* kernel/printk.c */
__printf(2, 3) void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, va_list ap);
void console_register(struct console *con);
void console_set_loglevel(int level);
void console_select(const char *names);
void printk_panic_mode(void);
size_t log_read_record(uint64_t seq, int *level, uint64_t *ts_ns, char *buf,
		       size_t len, uint64_t *next_seq);

#define pr_emerg(...)	printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...)	printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...)	printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)	printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	printk(LOG_DEBUG, __VA_ARGS__)

/* kernel/panic.c */
__attribute__((noreturn)) __printf(1, 2) void panic(const char *fmt, ...);
