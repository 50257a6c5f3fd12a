#pragma once
/*
 * One kernel log record in the text format of Linux's /dev/kmsg
 * (drivers/char/kmsg_format.c, pure: host-tested by test_kmsg_format):
 *
 *	<prio>,<seq>,<usec>,<flag>;<text>\n
 *
 * prio is facility * 8 + level (syslog's encoding; facility 0 is the
 * kernel, 1 user programs), seq the record's sequence number, usec its
 * timestamp in microseconds, flag '-' (Linux writes 'c' only for
 * continuation fragments, which Basalt's log does not have).  Bytes of
 * the text below ' ', from 127 up, and the backslash itself are written
 * as \xNN with two lower-case hex digits, so a record is always one
 * printable line.
 *
 * Writes to /dev/kmsg may start with a syslog prefix "<N>" naming the
 * level and facility of the line; kmsg_parse_prefix() reads it.
 */
#include <stddef.h>
#include <stdint.h>

#define KMSG_FACILITY_KERN	0
#define KMSG_FACILITY_USER	1

struct kmsg_record {
	uint64_t seq;
	uint64_t ts_ns;		/* nanoseconds since boot */
	unsigned facility;	/* KMSG_FACILITY_* */
	unsigned level;		/* LOG_EMERG (0) .. LOG_DEBUG (7) */
	const char *text;	/* @len bytes, not NUL-terminated */
	size_t len;
};

/* The longest header: an 11-digit prio, two 20-digit numbers, 5 marks. */
#define KMSG_HEADER_MAX		64
/* Room enough for any record with @len bytes of text (each may take 4). */
#define KMSG_FORMAT_MAX(len)	(KMSG_HEADER_MAX + 4 * (size_t)(len) + 1)

/* drivers/char/kmsg_format.c */
long kmsg_format(const struct kmsg_record *rec, char *buf, size_t size);
const char *kmsg_parse_prefix(const char *text, unsigned *level,
			      unsigned *facility);
