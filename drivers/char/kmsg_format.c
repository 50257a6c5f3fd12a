/*
 * Formatting of one kernel log record the way Linux's /dev/kmsg presents
 * it (see kmsg_format.h for the layout), and parsing of the "<N>" prefix
 * of lines written to /dev/kmsg.  Pure: the caller passes the
 * record and the output buffer; nothing here locks, allocates or prints,
 * so the same code runs in the kernel (drivers/char/mem.c) and in the
 * host test test_kmsg_format.
 *
 * The output is built by one pass that counts every byte it would write
 * and stores only those that fit.  A record that does not fit at all is
 * -EINVAL, Linux's answer to a read(2) of /dev/kmsg with too small a
 * buffer: a record is never cut.
 *
 * Interface: kmsg_format(), kmsg_parse_prefix().
 */
#include "drivers/char/kmsg_format.h"
#include "kernel/errno.h"

/* A bounded writer that keeps counting past the end of the buffer. */
struct kmsg_out {
	char *buf;
	size_t size;
	size_t pos;		/* bytes produced so far, stored or not */
};

static void out_char(struct kmsg_out *o, char c)
{
	if (o->pos < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_u64(struct kmsg_out *o, uint64_t v)
{
	char digits[20];	/* UINT64_MAX has 20 */
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out_char(o, digits[--n]);
}

/* The text, with the bytes Linux escapes written as \xNN. */
static void out_text(struct kmsg_out *o, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < ' ' || c >= 127 || c == '\\') {
			out_char(o, '\\');
			out_char(o, 'x');
			out_char(o, hex[c >> 4]);
			out_char(o, hex[c & 0xf]);
		} else {
			out_char(o, (char)c);
		}
	}
}

/*
 * Write @rec into @buf as one /dev/kmsg line, newline included, no NUL.
 * The level keeps its low three bits, as Linux's record field does.
 * Returns the number of bytes written, or -EINVAL if the line is longer
 * than @size (then @buf holds a partial line and must not be used).
 * KMSG_FORMAT_MAX(rec->len) bytes are always enough.
 */
long kmsg_format(const struct kmsg_record *rec, char *buf, size_t size)
{
	struct kmsg_out o = { .buf = buf, .size = size, .pos = 0 };

	out_u64(&o, ((uint64_t)rec->facility << 3) | (rec->level & 7));
	out_char(&o, ',');
	out_u64(&o, rec->seq);
	out_char(&o, ',');
	out_u64(&o, rec->ts_ns / 1000);
	out_char(&o, ',');
	out_char(&o, '-');
	out_char(&o, ';');
	out_text(&o, rec->text, rec->len);
	out_char(&o, '\n');

	if (o.pos > size)
		return -EINVAL;
	return (long)o.pos;
}

/*
 * Read the syslog prefix "<N>" at the start of the NUL-terminated @text
 * written to /dev/kmsg, as Linux does: N is decimal (no digits at all
 * reads as 0; the value wraps to 32 bits), its low three bits are the
 * level and the next eight the facility.  A facility of 0 (the kernel's)
 * leaves *facility as the caller set it, so that user programs cannot
 * pass for the kernel.  Returns the text after the prefix, with *level
 * (and maybe *facility) set; or @text itself, with neither touched, if
 * it does not start with a complete prefix.
 */
const char *kmsg_parse_prefix(const char *text, unsigned *level,
			      unsigned *facility)
{
	const char *p = text + 1;
	uint64_t n = 0;
	unsigned v;

	if (text[0] != '<')
		return text;
	while (*p >= '0' && *p <= '9')
		n = n * 10 + (uint64_t)(*p++ - '0');
	if (*p != '>')
		return text;
	v = (unsigned)n;
	*level = v & 7;
	if ((v >> 3) & 0xff)
		*facility = (v >> 3) & 0xff;
	return p + 1;
}
