/*
 * Formatted output into a bounded buffer: kvsnprintf() and ksnprintf(),
 * the engine under printk(), panic() and every other place the kernel
 * turns numbers into text.
 *
 * The contract is C99 snprintf(): the return value is the length the whole
 * output would have had, so a caller can detect truncation by comparing it
 * with the buffer size; when size > 0 the buffer always ends up
 * NUL-terminated, and size 0 writes nothing at all (buf may then be NULL).
 *
 * Supported: %d %i %u %x %X %o %c %s %p %%, the length modifiers hh h l ll
 * z t j, the flags '-' '0' '+' ' ' '#', a field width and a precision,
 * either of which may be '*' (a negative '*' width means '-' plus its
 * magnitude, a negative '*' precision means none).  A NULL %s prints
 * "(null)", cut by the precision like any other string.  %p always prints
 * "0x" and 16 lowercase hex digits so pointers line up in logs.
 *
 * The kernel is built with -mgeneral-regs-only, so there is no floating
 * point: %f, %e, %g, %a and any other conversion not listed above (%n
 * too, deliberately) are copied to the output literally, from the '%' to
 * the conversion character, and consume no argument.  A format that ends
 * in the middle of a conversion is copied literally as well.
 *
 * Output goes through struct fmt_out, which counts every character but
 * stores only those that fit, so the formatting code never has to think
 * about truncation.  If the full length does not fit in an int the
 * function returns -EOVERFLOW (C99 asks for "a negative value").
 *
 * Pure code: no locks, no allocation, callable from any context.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/errno.h"
#include "kernel/lib/format.h"

#define FMT_INT_MAX __INT_MAX__

/* Where characters go; pos counts them all, stored or not. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t pos;
};

enum fmt_flags {
	FL_LEFT = 1 << 0,	/* '-' */
	FL_ZERO = 1 << 1,	/* '0' */
	FL_PLUS = 1 << 2,	/* '+' */
	FL_SPACE = 1 << 3,	/* ' ' */
	FL_ALT = 1 << 4,	/* '#' */
};

enum fmt_len {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_T,
	LEN_J,
};

/* One parsed conversion specification. */
struct fmt_spec {
	unsigned int flags;
	int width;		/* 0 when absent */
	int prec;		/* -1 when absent */
	enum fmt_len len;
	char conv;
};

static const char lower_digits[] = "0123456789abcdef";
static const char upper_digits[] = "0123456789ABCDEF";

static void out_char(struct fmt_out *o, char c)
{
	/* The last byte of the buffer is reserved for the terminator. */
	if (o->size && o->pos < o->size - 1)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* @n copies of @c; once the buffer is full only the count moves. */
static void out_pad(struct fmt_out *o, char c, int n)
{
	while (n > 0 && o->size && o->pos < o->size - 1) {
		o->buf[o->pos++] = c;
		n--;
	}
	if (n > 0)
		o->pos += (size_t)n;
}

/* Parse a decimal field, saturating instead of overflowing. */
static int parse_num(const char **fmtp)
{
	const char *p = *fmtp;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';

		if (v > (FMT_INT_MAX - d) / 10)
			v = FMT_INT_MAX;
		else
			v = v * 10 + d;
	}
	*fmtp = p;
	return v;
}

/*
 * Parse flags, width, precision and length after the '%'.  Leaves *fmtp
 * on the conversion character (possibly the terminating NUL) and stores
 * it in sp->conv.  '*' arguments are taken from @ap here.
 */
static void parse_spec(const char **fmtp, va_list *ap, struct fmt_spec *sp)
{
	const char *p = *fmtp;

	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->len = LEN_NONE;

	for (;; p++) {
		if (*p == '-')
			sp->flags |= FL_LEFT;
		else if (*p == '0')
			sp->flags |= FL_ZERO;
		else if (*p == '+')
			sp->flags |= FL_PLUS;
		else if (*p == ' ')
			sp->flags |= FL_SPACE;
		else if (*p == '#')
			sp->flags |= FL_ALT;
		else
			break;
	}

	if (*p == '*') {
		int w = va_arg(*ap, int);

		p++;
		if (w < 0) {
			sp->flags |= FL_LEFT;
			w = w == -FMT_INT_MAX - 1 ? FMT_INT_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_num(&p);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			p++;
			sp->prec = pr < 0 ? -1 : pr;
		} else {
			sp->prec = parse_num(&p);
		}
	}

	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			sp->len = LEN_HH;
			p++;
		} else {
			sp->len = LEN_H;
		}
		p++;
		break;
	case 'l':
		if (p[1] == 'l') {
			sp->len = LEN_LL;
			p++;
		} else {
			sp->len = LEN_L;
		}
		p++;
		break;
	case 'z':
		sp->len = LEN_Z;
		p++;
		break;
	case 't':
		sp->len = LEN_T;
		p++;
		break;
	case 'j':
		sp->len = LEN_J;
		p++;
		break;
	default:
		break;
	}

	sp->conv = *p;
	*fmtp = p;
}

static intmax_t fetch_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		/* ssize_t: the signed type of size_t's width. */
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_NONE:
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		/* The unsigned type of ptrdiff_t's width. */
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_NONE:
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Emit one integer: [spaces] [sign or 0x] [zeros] digits [spaces].
 * @mag is the magnitude, @neg its sign (signed conversions only).
 */
static void fmt_integer(struct fmt_out *o, const struct fmt_spec *sp,
			uintmax_t mag, bool neg)
{
	const char *set = sp->conv == 'X' ? upper_digits : lower_digits;
	char digits[24];	/* 22 octal digits cover 64 bits */
	const char *prefix = "";
	unsigned int base = 10;
	char sign = 0;
	int ndigits = 0;
	int zeros, total;
	bool is_signed = sp->conv == 'd' || sp->conv == 'i';

	if (sp->conv == 'o')
		base = 8;
	else if (sp->conv == 'x' || sp->conv == 'X')
		base = 16;

	if (base == 16 && (sp->flags & FL_ALT) && mag != 0)
		prefix = sp->conv == 'X' ? "0X" : "0x";

	while (mag) {
		digits[ndigits++] = set[mag % base];
		mag /= base;
	}

	/* Default precision 1: zero prints "0", but "%.0d" of 0 prints "". */
	zeros = (sp->prec < 0 ? 1 : sp->prec) - ndigits;
	if (zeros < 0)
		zeros = 0;
	/* '#' with %o: the first digit must be a zero. */
	if (base == 8 && (sp->flags & FL_ALT) && zeros == 0)
		zeros = 1;

	if (is_signed) {
		if (neg)
			sign = '-';
		else if (sp->flags & FL_PLUS)
			sign = '+';
		else if (sp->flags & FL_SPACE)
			sign = ' ';
	}

	total = (sign ? 1 : 0) + (prefix[0] ? 2 : 0) + zeros + ndigits;

	/* '0' pads with zeros after the sign, unless '-' or a precision. */
	if ((sp->flags & (FL_ZERO | FL_LEFT)) == FL_ZERO && sp->prec < 0 &&
	    sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}

	if (!(sp->flags & FL_LEFT))
		out_pad(o, ' ', sp->width - total);
	if (sign)
		out_char(o, sign);
	out_mem(o, prefix, prefix[0] ? 2 : 0);
	out_pad(o, '0', zeros);
	while (ndigits)
		out_char(o, digits[--ndigits]);
	if (sp->flags & FL_LEFT)
		out_pad(o, ' ', sp->width - total);
}

/* Emit @n bytes of @s inside the field width. */
static void fmt_field(struct fmt_out *o, const struct fmt_spec *sp,
		      const char *s, size_t n)
{
	int pad = 0;

	if ((size_t)sp->width > n)
		pad = sp->width - (int)n;
	if (!(sp->flags & FL_LEFT))
		out_pad(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->flags & FL_LEFT)
		out_pad(o, ' ', pad);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	/* Never look past the precision: the string need not end in NUL. */
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	fmt_field(o, sp, s, n);
}

static void fmt_pointer(struct fmt_out *o, const struct fmt_spec *sp,
			const void *ptr)
{
	uint64_t v = (uintptr_t)ptr;
	char text[18];
	int i;

	text[0] = '0';
	text[1] = 'x';
	for (i = 17; i >= 2; i--) {
		text[i] = lower_digits[v & 0xf];
		v >>= 4;
	}
	fmt_field(o, sp, text, sizeof(text));
}

/*
 * Format @fmt with the arguments in @ap into @buf, which holds @size bytes.
 * Returns the length of the complete output (excluding the NUL) even when
 * it was truncated, or -EOVERFLOW if that length exceeds INT_MAX.
 * Callable from any context; takes no locks.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .pos = 0 };
	struct fmt_spec sp;
	va_list args;

	/* A va_list parameter cannot portably be passed on by address. */
	va_copy(args, ap);

	while (*fmt) {
		const char *start = fmt;
		char c;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}

		fmt++;
		parse_spec(&fmt, &args, &sp);
		switch (sp.conv) {
		case 'd':
		case 'i': {
			intmax_t v = fetch_signed(&args, sp.len);
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v
					      : (uintmax_t)v;

			fmt_integer(&o, &sp, mag, v < 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			fmt_integer(&o, &sp, fetch_unsigned(&args, sp.len),
				    false);
			break;
		case 'c':
			c = (char)(unsigned char)va_arg(args, int);
			fmt_field(&o, &sp, &c, 1);
			break;
		case 's':
			fmt_string(&o, &sp, va_arg(args, const char *));
			break;
		case 'p':
			fmt_pointer(&o, &sp, va_arg(args, const void *));
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			/* The format ended inside a conversion: copy it. */
			out_mem(&o, start, (size_t)(fmt - start));
			continue;
		default:
			/* Floating point, %n and unknown conversions. */
			out_mem(&o, start, (size_t)(fmt - start) + 1);
			break;
		}
		fmt++;
	}
	va_end(args);

	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	if (o.pos > (size_t)FMT_INT_MAX)
		return -EOVERFLOW;
	return (int)o.pos;
}

/* ksnprintf(): kvsnprintf() with the arguments inline. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
