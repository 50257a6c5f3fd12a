/*
 * Host tests for fs/cpio.c, the newc archive iterator.
 *
 * Archives are built here by a small writer (struct archive, add_member())
 * that lays members out exactly as cpio -H newc does; damaged ones are
 * made by patching bytes of a good one.  Archives handed to the iterator
 * are copied into a malloc() block of exactly their length so ASan stops
 * the test at any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test/unit/test_rng.h"

#include "fs/cpio.h"
#include "kernel/errno.h"

#define S_REG 0100000
#define S_DIR 0040000
#define S_LNK 0120000
#define S_CHR 0020000
#define S_BLK 0060000
#define S_FIFO 0010000
#define S_SOCK 0140000

#define HDR_LEN 110
/* Offset of header field @i (0 = ino ... 12 = check). */
#define FIELD_OFF(i) (6 + 8 * (i))
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE,
       F_CHECK };

/* ---- a newc writer -------------------------------------------------- */

struct archive {
	uint8_t *buf;
	size_t len, cap;
};

struct member {
	const char *name;
	uint32_t mode;
	const char *data;	/* NULL: no data */
	uint32_t size;		/* 0: strlen(data) */
	uint32_t ino, uid, gid, nlink, mtime;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	uint32_t check;
	const char *magic;	/* NULL: "070701" */
};

static void put(struct archive *a, const void *p, size_t n)
{
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 64;
		a->buf = realloc(a->buf, a->cap);
		assert_non_null(a->buf);
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void pad_to(struct archive *a, size_t align)
{
	static const uint8_t zero[1];

	while (a->len % align)
		put(a, zero, 1);
}

static void put_header(struct archive *a, const char *magic,
		       const uint32_t f[13])
{
	char hdr[HDR_LEN + 1];
	int n = snprintf(hdr, sizeof(hdr), "%s", magic);
	int i;

	for (i = 0; i < 13; i++)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "%08X", f[i]);
	assert_int_equal(n, HDR_LEN);
	put(a, hdr, HDR_LEN);
}

/* Append one member, padded as newc requires.  Returns its offset. */
static size_t add_member(struct archive *a, const struct member *m)
{
	size_t size = m->size ? m->size : m->data ? strlen(m->data) : 0;
	size_t off = a->len;
	uint32_t f[13] = {
		m->ino, m->mode, m->uid, m->gid, m->nlink ? m->nlink : 1,
		m->mtime, (uint32_t)size, m->dev_major, m->dev_minor,
		m->rdev_major, m->rdev_minor, (uint32_t)strlen(m->name) + 1,
		m->check,
	};

	put_header(a, m->magic ? m->magic : "070701", f);
	put(a, m->name, strlen(m->name) + 1);
	pad_to(a, 4);
	if (size)
		put(a, m->data, size);
	pad_to(a, 4);
	return off;
}

static void add_file(struct archive *a, const char *name, const char *data)
{
	struct member m = { .name = name, .mode = S_REG | 0644, .data = data,
			    .ino = (uint32_t)a->len + 1 };

	add_member(a, &m);
}

/* The trailer as GNU cpio writes it: mode 0, nlink 1.  Returns offset. */
static size_t add_trailer(struct archive *a)
{
	struct member m = { .name = "TRAILER!!!" };

	return add_member(a, &m);
}

/* A copy of @n bytes of @a in a block of exactly that size. */
static uint8_t *exact_copy(const struct archive *a, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, a->buf, n);
	return p;
}

/* Run the iterator over the whole of @a; returns the final result. */
static int walk(const uint8_t *buf, size_t len, struct cpio_iter *it,
		size_t *entries)
{
	struct cpio_entry e;
	int r;

	*entries = 0;
	cpio_iter_init(it, buf, len);
	while ((r = cpio_next(it, &e)) == 1)
		(*entries)++;
	return r;
}

static void expect_error(struct archive *a, const char *msg, size_t at)
{
	uint8_t *buf = exact_copy(a, a->len);
	struct cpio_iter it;
	size_t n;

	assert_int_equal(walk(buf, a->len, &it, &n), -EINVAL);
	assert_non_null(it.error);
	assert_string_equal(it.error, msg);
	assert_int_equal(it.error_off, at);
	free(buf);
}

/* A small good archive: one file, then the trailer. */
static void small_archive(struct archive *a)
{
	add_file(a, "hello.txt", "hello, world\n");
	add_trailer(a);
}

static void patch_field(struct archive *a, size_t hdr, int field,
			uint32_t v)
{
	char text[9];

	snprintf(text, sizeof(text), "%08X", v);
	memcpy(a->buf + hdr + FIELD_OFF(field), text, 8);
}

/* ---- valid archives ------------------------------------------------- */

static void cpio_reads_every_member_type(void **state)
{
	struct archive a = { 0 };
	struct member members[] = {
		{ .name = ".", .mode = S_DIR | 0755, .ino = 1, .nlink = 3,
		  .uid = 0, .gid = 0, .mtime = 1700000000 },
		{ .name = "bin", .mode = S_DIR | 0755, .ino = 2, .nlink = 2 },
		{ .name = "bin/sh", .mode = S_REG | 04755, .ino = 3,
		  .data = "\x7f" "ELF binary", .uid = 1000, .gid = 100,
		  .mtime = 0x12345678 },
		{ .name = "bin/ash", .mode = S_LNK | 0777, .ino = 4,
		  .data = "sh" },
		/* Hard links: same ino, data only on the last one. */
		{ .name = "etc-a", .mode = S_REG | 0600, .ino = 5, .nlink = 2 },
		{ .name = "etc-b", .mode = S_REG | 0600, .ino = 5, .nlink = 2,
		  .data = "shared" },
		{ .name = "dev/console", .mode = S_CHR | 0600, .ino = 6,
		  .rdev_major = 5, .rdev_minor = 1, .dev_major = 8,
		  .dev_minor = 3 },
		{ .name = "dev/vda", .mode = S_BLK | 0660, .ino = 7,
		  .rdev_major = 254, .rdev_minor = 0 },
		{ .name = "run/fifo", .mode = S_FIFO | 0644, .ino = 8 },
		{ .name = "run/sock", .mode = S_SOCK | 0755, .ino = 9 },
		/* Data that needs no padding, and 3 bytes of it. */
		{ .name = "four", .mode = S_REG | 0644, .ino = 10,
		  .data = "abcd" },
		{ .name = "x", .mode = S_REG | 0644, .ino = 11,
		  .data = "abcde" },
	};
	struct cpio_entry e;
	struct cpio_iter it;
	uint8_t *buf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		add_member(&a, &members[i]);
	add_trailer(&a);
	buf = exact_copy(&a, a.len);

	cpio_iter_init(&it, buf, a.len);
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const struct member *m = &members[i];
		size_t size = m->data ? strlen(m->data) : 0;

		assert_int_equal(cpio_next(&it, &e), 1);
		assert_string_equal(e.name, m->name);
		assert_int_equal(e.name_len, strlen(m->name));
		assert_int_equal(e.size, size);
		if (size)
			assert_memory_equal(e.data, m->data, size);
		/* Data starts on a 4-byte boundary of the archive. */
		assert_int_equal(((const uint8_t *)e.data - buf) % 4, 0);
		assert_int_equal(e.ino, m->ino);
		assert_int_equal(e.mode, m->mode);
		assert_int_equal(e.uid, m->uid);
		assert_int_equal(e.gid, m->gid);
		assert_int_equal(e.nlink, m->nlink ? m->nlink : 1);
		assert_int_equal(e.mtime, m->mtime);
		assert_int_equal(e.dev_major, m->dev_major);
		assert_int_equal(e.dev_minor, m->dev_minor);
		assert_int_equal(e.rdev_major, m->rdev_major);
		assert_int_equal(e.rdev_minor, m->rdev_minor);
	}
	assert_int_equal(cpio_next(&it, &e), 0);
	assert_true(it.done);
	assert_null(it.error);
	/* Stays at the end. */
	assert_int_equal(cpio_next(&it, &e), 0);
	free(buf);
	free(a.buf);
}

static void cpio_returns_names_as_stored(void **state)
{
	static const char *const names[] = { "./init", "/abs/path", "../up",
					     "a/../b" };
	struct archive a = { 0 };
	struct cpio_entry e;
	struct cpio_iter it;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		add_file(&a, names[i], "x");
	add_trailer(&a);
	cpio_iter_init(&it, a.buf, a.len);
	for (i = 0; i < 4; i++) {
		assert_int_equal(cpio_next(&it, &e), 1);
		assert_string_equal(e.name, names[i]);
	}
	assert_int_equal(cpio_next(&it, &e), 0);
	free(a.buf);
}

static void cpio_accepts_crc_magic_without_checking_sum(void **state)
{
	struct archive a = { 0 };
	struct member m = { .name = "f", .mode = S_REG | 0644, .data = "abc",
			    .check = 0xdeadbeef, .magic = "070702" };
	struct member t = { .name = "TRAILER!!!", .magic = "070702" };
	struct cpio_entry e;
	struct cpio_iter it;

	(void)state;
	add_member(&a, &m);
	add_member(&a, &t);
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "f");
	assert_memory_equal(e.data, "abc", 3);
	assert_int_equal(cpio_next(&it, &e), 0);
	free(a.buf);
}

static void cpio_accepts_lowercase_hex(void **state)
{
	struct archive a = { 0 };
	struct cpio_entry e;
	struct cpio_iter it;

	(void)state;
	add_file(&a, "f", "x");
	add_trailer(&a);
	/* mode 0x81a4 = S_REG | 0644, written in lower case. */
	memcpy(a.buf + FIELD_OFF(F_MODE), "000081a4", 8);
	memcpy(a.buf + FIELD_OFF(F_MTIME), "abcdef01", 8);
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_int_equal(e.mode, S_REG | 0644);
	assert_int_equal(e.mtime, 0xabcdef01);
	free(a.buf);
}

static void cpio_empty_data_points_inside_archive(void **state)
{
	struct archive a = { 0 };
	struct member d = { .name = "dir", .mode = S_DIR | 0755 };
	struct cpio_entry e;
	struct cpio_iter it;

	(void)state;
	add_member(&a, &d);
	add_trailer(&a);
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_int_equal(e.size, 0);
	assert_true((const uint8_t *)e.data >= a.buf &&
		    (const uint8_t *)e.data <= a.buf + a.len);
	free(a.buf);
}

static void cpio_continues_into_concatenated_archive(void **state)
{
	struct archive a = { 0 };
	struct cpio_entry e;
	struct cpio_iter it;
	uint8_t *buf;

	(void)state;
	add_file(&a, "first", "1");
	add_trailer(&a);
	pad_to(&a, 512);	/* as cpio pads to its block size */
	add_file(&a, "second", "22");
	add_file(&a, "first", "override");
	add_trailer(&a);
	/* A third archive with no padding in between. */
	add_file(&a, "third", "333");
	add_trailer(&a);
	pad_to(&a, 512);
	buf = exact_copy(&a, a.len);

	cpio_iter_init(&it, buf, a.len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "first");
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "second");
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "first");
	assert_memory_equal(e.data, "override", 8);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "third");
	assert_int_equal(cpio_next(&it, &e), 0);
	free(buf);
	free(a.buf);
}

static void cpio_nul_padding_after_trailer_is_accepted(void **state)
{
	struct archive a = { 0 };
	struct cpio_iter it;
	uint8_t *buf;
	size_t n;

	(void)state;
	small_archive(&a);
	pad_to(&a, 4096);
	buf = exact_copy(&a, a.len);
	assert_int_equal(walk(buf, a.len, &it, &n), 0);
	assert_int_equal(n, 1);
	free(buf);
	free(a.buf);
}

static void cpio_trailer_padding_may_be_cut_at_end(void **state)
{
	struct archive a = { 0 };
	struct cpio_iter it;
	size_t trailer, n, cut;

	(void)state;
	add_file(&a, "f", "x");
	trailer = add_trailer(&a);
	/* Header + "TRAILER!!!\0" is 121 bytes; 3 bytes of padding follow. */
	for (cut = trailer + HDR_LEN + 11; cut <= a.len; cut++) {
		uint8_t *buf = exact_copy(&a, cut);

		assert_int_equal(walk(buf, cut, &it, &n), 0);
		assert_int_equal(n, 1);
		free(buf);
	}
	free(a.buf);
}

/* ---- damaged archives ----------------------------------------------- */

static void cpio_truncated_at_every_offset_is_einval(void **state)
{
	struct archive a = { 0 };
	struct member m = { .name = "dev/null", .mode = S_CHR | 0666,
			    .rdev_major = 1, .rdev_minor = 3 };
	struct cpio_iter it;
	size_t trailer, name_end, cut, n;

	(void)state;
	add_file(&a, "a", "some data");
	add_member(&a, &m);
	add_file(&a, "longer/name/here", "abc");
	trailer = add_trailer(&a);
	name_end = trailer + HDR_LEN + 11;

	for (cut = 0; cut < name_end; cut++) {
		uint8_t *buf = exact_copy(&a, cut);

		if (walk(buf, cut, &it, &n) != -EINVAL)
			fail_msg("truncated at %zu not rejected", cut);
		if (strcmp(it.error, "missing trailer") != 0 &&
		    strcmp(it.error, "truncated header") != 0 &&
		    strcmp(it.error, "entry runs past end of archive") != 0)
			fail_msg("truncated at %zu: %s", cut, it.error);
		assert_true(it.error_off <= cut);
		free(buf);
	}
	free(a.buf);
}

static void cpio_empty_input_is_missing_trailer(void **state)
{
	struct cpio_entry e;
	struct cpio_iter it;

	(void)state;
	cpio_iter_init(&it, NULL, 0);
	assert_int_equal(cpio_next(&it, &e), -EINVAL);
	assert_string_equal(it.error, "missing trailer");
}

static void cpio_rejects_missing_trailer(void **state)
{
	struct archive a = { 0 };
	struct cpio_iter it;
	size_t n;

	(void)state;
	add_file(&a, "a", "1");
	add_file(&a, "b", "2");
	expect_error(&a, "missing trailer", a.len);
	assert_int_equal(walk(a.buf, a.len, &it, &n), -EINVAL);
	assert_int_equal(n, 2);
	free(a.buf);
}

static void cpio_rejects_bad_magic(void **state)
{
	static const char *const bad[] = { "070707", "070700", "070703",
					   "170701", "07070 ", "\0\0\0\0\0\0" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct archive a = { 0 };
		size_t second;

		add_file(&a, "ok", "fine");
		second = a.len;
		small_archive(&a);
		memcpy(a.buf + second, bad[i], 6);
		expect_error(&a, "bad magic", second);
		free(a.buf);
	}
}

static void cpio_rejects_bad_hex_digit_in_every_position(void **state)
{
	static const char bad[] = { 'g', 'G', ' ', 'x', '\0', '-', 0x80 };
	struct archive a = { 0 };
	size_t pos, i;

	(void)state;
	small_archive(&a);
	for (pos = 6; pos < HDR_LEN; pos++) {
		for (i = 0; i < sizeof(bad); i++) {
			uint8_t saved = a.buf[pos];

			a.buf[pos] = (uint8_t)bad[i];
			expect_error(&a, "bad hex digit in header", 0);
			a.buf[pos] = saved;
		}
	}
	free(a.buf);
}

static void cpio_rejects_huge_filesize(void **state)
{
	struct archive a = { 0 };

	(void)state;
	small_archive(&a);
	patch_field(&a, 0, F_FILESIZE, 0xffffffff);
	expect_error(&a, "entry runs past end of archive", 0);
	free(a.buf);
}

static void cpio_rejects_filesize_one_past_end(void **state)
{
	struct archive a = { 0 };
	struct member m = { .name = "f", .mode = S_REG | 0644, .data = "abcd" };
	size_t off;

	(void)state;
	off = add_member(&a, &m);
	/* Claim one byte more than the archive holds after the name. */
	patch_field(&a, off, F_FILESIZE, (uint32_t)(a.len - 112 + 1));
	expect_error(&a, "entry runs past end of archive", off);
	free(a.buf);
}

static void cpio_rejects_huge_namesize(void **state)
{
	struct archive a = { 0 };

	(void)state;
	small_archive(&a);
	patch_field(&a, 0, F_NAMESIZE, 0xffffffff);
	expect_error(&a, "entry runs past end of archive", 0);
	free(a.buf);
}

static void cpio_rejects_namesize_zero(void **state)
{
	struct archive a = { 0 };

	(void)state;
	small_archive(&a);
	patch_field(&a, 0, F_NAMESIZE, 0);
	expect_error(&a, "name size is zero", 0);
	free(a.buf);
}

static void cpio_rejects_name_without_nul(void **state)
{
	struct archive a = { 0 };

	(void)state;
	small_archive(&a);
	/* "hello.txt\0" is 10 bytes; say 9 so the last byte is 't'. */
	patch_field(&a, 0, F_NAMESIZE, 9);
	expect_error(&a, "name not NUL-terminated", 0);
	/* Say 11: the last byte is the data's 'h', with a NUL before it. */
	patch_field(&a, 0, F_NAMESIZE, 11);
	expect_error(&a, "name not NUL-terminated", 0);
	free(a.buf);
}

static void cpio_rejects_nul_inside_name(void **state)
{
	struct archive a = { 0 };

	(void)state;
	small_archive(&a);
	a.buf[HDR_LEN + 3] = '\0';
	expect_error(&a, "name not NUL-terminated", 0);
	free(a.buf);
}

static void cpio_rejects_unknown_file_type(void **state)
{
	static const uint32_t modes[] = { 0, 0644, 0170644, 0030644,
					  0050644, 0110644, 0x10000 | S_REG };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct archive a = { 0 };

		small_archive(&a);
		patch_field(&a, 0, F_MODE, modes[i]);
		expect_error(&a, "bad file type in mode", 0);
		free(a.buf);
	}
}

static void cpio_rejects_garbage_after_trailer(void **state)
{
	struct archive a = { 0 };
	size_t at;

	(void)state;
	small_archive(&a);
	pad_to(&a, 64);
	at = a.len;
	put(&a, "junk", 4);
	expect_error(&a, "bad magic", at);
	free(a.buf);
}

static void cpio_rejects_truncated_second_archive(void **state)
{
	struct archive a = { 0 };
	size_t at;

	(void)state;
	small_archive(&a);
	at = a.len;
	put(&a, "070701000000", 12);
	expect_error(&a, "truncated header", at);
	free(a.buf);
}

static void cpio_rejects_misaligned_second_archive(void **state)
{
	struct archive a = { 0 };
	struct archive b = { 0 };

	(void)state;
	small_archive(&a);
	put(&a, "\0", 1);
	small_archive(&b);
	put(&a, b.buf, b.len);
	expect_error(&a, "misaligned header", a.len - b.len);
	free(a.buf);
	free(b.buf);
}

static void cpio_errors_are_sticky(void **state)
{
	struct archive a = { 0 };
	struct cpio_entry e;
	struct cpio_iter it;

	(void)state;
	small_archive(&a);
	a.buf[0] = 'X';
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), -EINVAL);
	a.buf[0] = '0';	/* repairing the buffer changes nothing */
	assert_int_equal(cpio_next(&it, &e), -EINVAL);
	assert_string_equal(it.error, "bad magic");
	free(a.buf);
}

/*
 * Corrupt a valid archive 10,000 times, a few random bytes at a time, and
 * walk it.  Anything may come back but a crash or an out-of-bounds read;
 * every byte of every returned name and data is touched so ASan sees it.
 */
static void check_entry_bounds(const uint8_t *buf, size_t len,
			       const struct cpio_entry *e)
{
	const uint8_t *name = (const uint8_t *)e->name;
	const uint8_t *data = e->data;
	volatile uint8_t sink = 0;
	size_t i;

	assert_true(name >= buf && name + e->name_len < buf + len);
	assert_int_equal(strlen(e->name), e->name_len);
	assert_true(data >= buf && data <= buf + len);
	assert_true(e->size <= (uint64_t)(buf + len - data));
	for (i = 0; i < e->size; i++)
		sink ^= data[i];
	(void)sink;
}

static void cpio_random_corruption_never_reads_out_of_bounds(void **state)
{
	static const char hexish[] = "0123456789abcdefABCDEF\0 7";
	const size_t nhex = sizeof(hexish) - 1;
	struct archive a = { 0 };
	struct member m[] = {
		{ .name = "dir", .mode = S_DIR | 0755, .ino = 1 },
		{ .name = "dir/file", .mode = S_REG | 0644, .ino = 2,
		  .data = "contents of a file that is long enough" },
		{ .name = "dir/link", .mode = S_LNK | 0777, .ino = 3,
		  .data = "file" },
		{ .name = "dev/tty", .mode = S_CHR | 0620, .ino = 4,
		  .rdev_major = 5 },
	};
	size_t iter, i, results[3] = { 0 };

	(void)state;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		add_member(&a, &m[i]);
	add_trailer(&a);
	add_file(&a, "second-archive", "y");
	add_trailer(&a);

	for (iter = 0; iter < 10000; iter++) {
		size_t len = a.len - (rng() % 4 == 0 ? rng() % 8 : 0);
		uint8_t *buf = exact_copy(&a, len);
		unsigned flips = 1 + (unsigned)(rng() % 4);
		struct cpio_entry e;
		struct cpio_iter it;
		int r, steps = 0;

		while (flips--) {
			size_t pos = rng() % len;

			/* Mostly plausible digits, so parsing gets deep. */
			if (rng() % 2)
				buf[pos] = (uint8_t)hexish[rng() % nhex];
			else
				buf[pos] = (uint8_t)rng();
		}
		cpio_iter_init(&it, buf, len);
		while ((r = cpio_next(&it, &e)) == 1) {
			check_entry_bounds(buf, len, &e);
			assert_true(++steps < 100);
		}
		assert_true(r == 0 || r == -EINVAL);
		if (r == -EINVAL) {
			assert_non_null(it.error);
			assert_true(it.error_off <= len);
		}
		results[r == 0 ? 0 : 1]++;
		free(buf);
	}
	/* Both outcomes happened, so the loop exercised real parsing. */
	assert_true(results[0] > 0 && results[1] > 0);
	free(a.buf);
}

/* ---- mode formatting ------------------------------------------------ */

static void cpio_type_char_names_each_type(void **state)
{
	(void)state;
	assert_string_equal(cpio_type_char(S_REG | 0644), "-");
	assert_string_equal(cpio_type_char(S_DIR | 0755), "d");
	assert_string_equal(cpio_type_char(S_LNK | 0777), "l");
	assert_string_equal(cpio_type_char(S_CHR), "c");
	assert_string_equal(cpio_type_char(S_BLK), "b");
	assert_string_equal(cpio_type_char(S_FIFO), "p");
	assert_string_equal(cpio_type_char(S_SOCK), "s");
	assert_string_equal(cpio_type_char(0170000), "?");
}

static void cpio_mode_string_formats_like_ls(void **state)
{
	char s[11];

	(void)state;
	cpio_mode_string(S_DIR | 0755, s);
	assert_string_equal(s, "drwxr-xr-x");
	cpio_mode_string(S_REG | 0644, s);
	assert_string_equal(s, "-rw-r--r--");
	cpio_mode_string(S_LNK | 0777, s);
	assert_string_equal(s, "lrwxrwxrwx");
	cpio_mode_string(S_REG | 04755, s);
	assert_string_equal(s, "-rwsr-xr-x");
	cpio_mode_string(S_REG | 06644, s);
	assert_string_equal(s, "-rwSr-Sr--");
	cpio_mode_string(S_DIR | 01777, s);
	assert_string_equal(s, "drwxrwxrwt");
	cpio_mode_string(S_DIR | 01770, s);
	assert_string_equal(s, "drwxrwx--T");
	cpio_mode_string(S_CHR | 0620, s);
	assert_string_equal(s, "crw--w----");
	cpio_mode_string(0, s);
	assert_string_equal(s, "?---------");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpio_reads_every_member_type),
		cmocka_unit_test(cpio_returns_names_as_stored),
		cmocka_unit_test(cpio_accepts_crc_magic_without_checking_sum),
		cmocka_unit_test(cpio_accepts_lowercase_hex),
		cmocka_unit_test(cpio_empty_data_points_inside_archive),
		cmocka_unit_test(cpio_continues_into_concatenated_archive),
		cmocka_unit_test(cpio_nul_padding_after_trailer_is_accepted),
		cmocka_unit_test(cpio_trailer_padding_may_be_cut_at_end),
		cmocka_unit_test(cpio_truncated_at_every_offset_is_einval),
		cmocka_unit_test(cpio_empty_input_is_missing_trailer),
		cmocka_unit_test(cpio_rejects_missing_trailer),
		cmocka_unit_test(cpio_rejects_bad_magic),
		cmocka_unit_test(cpio_rejects_bad_hex_digit_in_every_position),
		cmocka_unit_test(cpio_rejects_huge_filesize),
		cmocka_unit_test(cpio_rejects_filesize_one_past_end),
		cmocka_unit_test(cpio_rejects_huge_namesize),
		cmocka_unit_test(cpio_rejects_namesize_zero),
		cmocka_unit_test(cpio_rejects_name_without_nul),
		cmocka_unit_test(cpio_rejects_nul_inside_name),
		cmocka_unit_test(cpio_rejects_unknown_file_type),
		cmocka_unit_test(cpio_rejects_garbage_after_trailer),
		cmocka_unit_test(cpio_rejects_truncated_second_archive),
		cmocka_unit_test(cpio_rejects_misaligned_second_archive),
		cmocka_unit_test(cpio_errors_are_sticky),
		cmocka_unit_test(cpio_random_corruption_never_reads_out_of_bounds),
		cmocka_unit_test(cpio_type_char_names_each_type),
		cmocka_unit_test(cpio_mode_string_formats_like_ls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
