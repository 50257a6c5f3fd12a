/*
 * CPIO "newc" archive reader: the pure half of the initramfs.  It walks an
 * archive held in memory and hands out one validated entry at a time; the
 * caller (fs/initramfs.c) decides what to create from it.
 *
 * Format (the "new ASCII" format of cpio -H newc, also "crc" with magic
 * 070702, whose checksum we accept but do not verify): each member is
 *
 *	header   110 bytes: magic "070701" or "070702", then 13 fields of
 *	         8 ASCII hex digits: ino mode uid gid nlink mtime filesize
 *	         devmajor devminor rdevmajor rdevminor namesize check
 *	name     namesize bytes including the terminating NUL, then NULs up
 *	         to a multiple of 4 from the start of the archive
 *	data     filesize bytes, then NULs up to a multiple of 4
 *
 * and the archive ends with a member named "TRAILER!!!".  Hard links are
 * members sharing an ino; symlinks keep their target as data.
 *
 * Everything in the archive is untrusted, since a bad initramfs must give
 * an error and not a wild read: every hex digit is checked, the name must
 * end in its first NUL exactly at namesize - 1, the file type must be a
 * real one, and name and data must lie inside the buffer.  Bounds are
 * checked by comparing a length with the bytes remaining, never by adding
 * an untrusted size to an offset, so nothing can wrap around.
 *
 * Like Linux, after a trailer we skip NUL padding and carry on if another
 * archive follows (initramfs images are often several archives joined
 * with cat), and we allow the trailer's own padding to be cut off at the
 * end of the input.  A header after padding must sit on a 4-byte
 * boundary, or its padding rules would disagree with the writer's.
 *
 * Interface: cpio_iter_init(), then cpio_next() until it returns 0 (end)
 * or -EINVAL (it->error and it->error_off say what and where; the error
 * sticks).  cpio_type_char() and cpio_mode_string() format modes for
 * ls-style listings.  No locks; the archive must not change meanwhile.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fs/cpio.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

#define CPIO_HDR_LEN 110
#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8

/* Header fields in archive order, after the magic. */
enum cpio_field {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	NR_FIELDS,
};

_Static_assert(CPIO_MAGIC_LEN + NR_FIELDS * CPIO_FIELD_LEN == CPIO_HDR_LEN,
	       "newc header layout");

/* File types in mode, as in struct stat (octal, Linux values). */
#define CPIO_S_IFMT 0170000
#define CPIO_S_IFSOCK 0140000
#define CPIO_S_IFLNK 0120000
#define CPIO_S_IFREG 0100000
#define CPIO_S_IFBLK 0060000
#define CPIO_S_IFDIR 0040000
#define CPIO_S_IFCHR 0020000
#define CPIO_S_IFIFO 0010000
#define CPIO_S_ISUID 04000
#define CPIO_S_ISGID 02000
#define CPIO_S_ISVTX 01000

static const char trailer_name[] = "TRAILER!!!";
static const char past_end[] = "entry runs past end of archive";

static int iter_fail(struct cpio_iter *it, size_t hdr_off, const char *msg)
{
	it->error = msg;
	it->error_off = hdr_off;
	return -EINVAL;
}

/* Bytes of NUL padding after offset @off up to the next multiple of 4. */
static size_t pad4(size_t off)
{
	return (4 - (off & 3)) & 3;
}

/* Whether the @avail (possibly < 6) bytes at @p can start a magic. */
static bool magic_matches(const uint8_t *p, size_t avail)
{
	static const char prefix[] = "07070";
	size_t i;

	for (i = 0; i < CPIO_MAGIC_LEN - 1 && i < avail; i++) {
		if (p[i] != (uint8_t)prefix[i])
			return false;
	}
	return avail < CPIO_MAGIC_LEN || p[5] == '1' || p[5] == '2';
}

/* Parse 8 hex digits at @p; false if any of them is not one. */
static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < CPIO_FIELD_LEN; i++) {
		uint8_t c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static bool mode_type_known(uint32_t mode)
{
	if (mode & ~(uint32_t)0177777)
		return false;
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFSOCK:
	case CPIO_S_IFLNK:
	case CPIO_S_IFREG:
	case CPIO_S_IFBLK:
	case CPIO_S_IFDIR:
	case CPIO_S_IFCHR:
	case CPIO_S_IFIFO:
		return true;
	default:
		return false;
	}
}

/*
 * Check the magic and decode all fields of the header at @off into @f.
 * Returns 0 or -EINVAL with the iterator's error set.
 */
static int read_header(struct cpio_iter *it, size_t off,
		       uint32_t f[NR_FIELDS])
{
	const uint8_t *hdr = it->base + off;
	size_t avail = it->len - off;
	int i;

	if (!magic_matches(hdr, avail))
		return iter_fail(it, off, "bad magic");
	if (avail < CPIO_HDR_LEN)
		return iter_fail(it, off, "truncated header");
	for (i = 0; i < NR_FIELDS; i++) {
		const uint8_t *p = hdr + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN;

		if (!parse_hex8(p, &f[i]))
			return iter_fail(it, off, "bad hex digit in header");
	}
	return 0;
}

/*
 * After a trailer at @next: skip NUL padding.  Returns true if another
 * archive's header follows (it->off points at it), false at the end.
 */
static bool skip_to_next_archive(struct cpio_iter *it, size_t next)
{
	while (next < it->len && it->base[next] == 0)
		next++;
	it->off = next;
	return next < it->len;
}

static void fill_entry(struct cpio_entry *out, const uint32_t f[NR_FIELDS],
		       const char *name, const void *data)
{
	out->name = name;
	out->name_len = f[F_NAMESIZE] - 1;
	out->data = data;
	out->size = f[F_FILESIZE];
	out->ino = f[F_INO];
	out->mode = f[F_MODE];
	out->uid = f[F_UID];
	out->gid = f[F_GID];
	out->nlink = f[F_NLINK];
	out->mtime = f[F_MTIME];
	out->dev_major = f[F_DEVMAJOR];
	out->dev_minor = f[F_DEVMINOR];
	out->rdev_major = f[F_RDEVMAJOR];
	out->rdev_minor = f[F_RDEVMINOR];
}

/* Start iterating over the @len bytes at @archive. */
void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
	it->base = archive;
	it->len = len;
	it->off = 0;
	it->error = NULL;
	it->error_off = 0;
	it->done = false;
}

/*
 * Decode the next member into *out.  Returns 1 with an entry; 0 once the
 * last trailer has been passed (and on every later call); or -EINVAL with
 * it->error and it->error_off set, also on every later call.  The
 * trailer itself is never returned.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *out)
{
	uint32_t f[NR_FIELDS];

	if (it->error)
		return -EINVAL;
	if (it->done)
		return 0;

	for (;;) {
		size_t off = it->off;
		size_t name_end, data_off, data_end, next, pad;
		const char *name;
		uint32_t namesize;
		bool trailer;
		int err;

		if (off >= it->len)
			return iter_fail(it, off, "missing trailer");
		err = read_header(it, off, f);
		if (err)
			return err;

		namesize = f[F_NAMESIZE];
		if (namesize == 0)
			return iter_fail(it, off, "name size is zero");
		if (namesize > it->len - off - CPIO_HDR_LEN)
			return iter_fail(it, off, past_end);
		name = (const char *)it->base + off + CPIO_HDR_LEN;
		if (strnlen(name, namesize) != (size_t)namesize - 1)
			return iter_fail(it, off, "name not NUL-terminated");
		name_end = off + CPIO_HDR_LEN + namesize;

		trailer = namesize == sizeof(trailer_name) &&
			  memcmp(name, trailer_name, namesize) == 0;
		/* GNU cpio writes the trailer with mode 0. */
		if (!trailer && !mode_type_known(f[F_MODE]))
			return iter_fail(it, off, "bad file type in mode");

		pad = pad4(name_end);
		if (pad > it->len - name_end) {
			/* Only an empty trailer may lose its padding. */
			if (!trailer || f[F_FILESIZE] != 0)
				return iter_fail(it, off, past_end);
			pad = it->len - name_end;
		}
		data_off = name_end + pad;
		if (f[F_FILESIZE] > it->len - data_off)
			return iter_fail(it, off, past_end);
		data_end = data_off + f[F_FILESIZE];
		/* The last padding may be cut off by the end of the input. */
		next = data_end + MIN(pad4(data_end), it->len - data_end);

		if (!trailer) {
			it->off = next;
			fill_entry(out, f, name, it->base + data_off);
			return 1;
		}
		if (!skip_to_next_archive(it, next)) {
			it->done = true;
			return 0;
		}
		if (it->off & 3)
			return iter_fail(it, it->off, "misaligned header");
	}
}

/* One-character file type for ls-style listings; "?" if unknown. */
const char *cpio_type_char(uint32_t mode)
{
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFREG:
		return "-";
	case CPIO_S_IFDIR:
		return "d";
	case CPIO_S_IFLNK:
		return "l";
	case CPIO_S_IFCHR:
		return "c";
	case CPIO_S_IFBLK:
		return "b";
	case CPIO_S_IFIFO:
		return "p";
	case CPIO_S_IFSOCK:
		return "s";
	default:
		return "?";
	}
}

/*
 * Write @mode as ls shows it, e.g. "drwxr-xr-x" or "-rwsr-x--T", into
 * @out (10 characters and a NUL).
 */
void cpio_mode_string(uint32_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	out[0] = cpio_type_char(mode)[0];
	for (i = 0; i < 9; i++)
		out[1 + i] = mode & (0400u >> i) ? rwx[i] : '-';
	if (mode & CPIO_S_ISUID)
		out[3] = out[3] == 'x' ? 's' : 'S';
	if (mode & CPIO_S_ISGID)
		out[6] = out[6] == 'x' ? 's' : 'S';
	if (mode & CPIO_S_ISVTX)
		out[9] = out[9] == 'x' ? 't' : 'T';
	out[10] = '\0';
}
