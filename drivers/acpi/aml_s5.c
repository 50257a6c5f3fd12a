/*
 * Find the \_S5_ sleep package in a DSDT without an AML interpreter.
 *
 * Powering off through ACPI needs the SLP_TYPa/SLP_TYPb values of the S5
 * state, which firmware publishes as a named package in the DSDT:
 *
 *   NameOp(0x08) ['\'] "_S5_" PackageOp(0x12) PkgLength NumElements
 *   <integer SLP_TYPa> <integer SLP_TYPb> ...
 *
 * We scan the byte stream for that shape rather than evaluating the
 * namespace.  That is the classic shortcut and it works on QEMU and on
 * the firmware we care about; a DSDT that computes \_S5 in a method is
 * not supported.  Every read is checked against both the end of the
 * buffer and the end of the package, so a truncated or lying PkgLength
 * gives -EINVAL rather than a read past the table.
 *
 * Interface: acpi_find_s5().  Pure; no locks.
 */
#include "drivers/acpi/acpi_tables.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		0x5c	/* '\' */
#define AML_ONES_OP		0xff

/*
 * Decode a PkgLength at @pos.  Its lead byte's top two bits count the
 * bytes that follow (0-3); with none, the low six bits are the length,
 * otherwise the low nibble is bits 0-3 and each following byte adds eight
 * more bits.  The length counts from the lead byte itself.
 */
static int aml_pkg_length(const uint8_t *p, size_t len, size_t pos,
			  uint32_t *pkglen, size_t *nbytes)
{
	uint8_t lead;
	uint32_t val;
	size_t extra, i;

	if (pos >= len)
		return -EINVAL;
	lead = p[pos];
	extra = lead >> 6;
	if (extra > len - pos - 1)
		return -EINVAL;
	if (extra == 0) {
		val = lead & 0x3f;
	} else {
		val = lead & 0x0f;
		for (i = 1; i <= extra; i++)
			val |= (uint32_t)p[pos + i] << (4 + 8 * (i - 1));
	}
	*pkglen = val;
	*nbytes = extra + 1;
	return 0;
}

/*
 * Decode one integer data object at *pos, which must end at or before
 * @end.  Advances *pos past it.
 */
static int aml_integer(const uint8_t *p, size_t end, size_t *pos,
		       uint64_t *val)
{
	size_t width, i;
	uint8_t op;

	if (*pos >= end)
		return -EINVAL;
	op = p[*pos];
	switch (op) {
	case AML_ZERO_OP:
		*val = 0;
		*pos += 1;
		return 0;
	case AML_ONE_OP:
		*val = 1;
		*pos += 1;
		return 0;
	case AML_ONES_OP:
		*val = ~(uint64_t)0;
		*pos += 1;
		return 0;
	case AML_BYTE_PREFIX:
		width = 1;
		break;
	case AML_WORD_PREFIX:
		width = 2;
		break;
	case AML_DWORD_PREFIX:
		width = 4;
		break;
	case AML_QWORD_PREFIX:
		width = 8;
		break;
	default:
		return -EINVAL;
	}
	if (width > end - *pos - 1)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < width; i++)
		*val |= (uint64_t)p[*pos + 1 + i] << (8 * i);
	*pos += 1 + width;
	return 0;
}

/*
 * Parse the package that should follow the name "_S5_" at @pos.
 * SLP_TYP is a 3-bit field; we hand back the low byte of each value and
 * leave masking to whoever writes PM1x_CNT.
 */
static int aml_s5_package(const uint8_t *p, size_t len, size_t pos,
			  uint8_t *slp_typa, uint8_t *slp_typb)
{
	uint64_t a, b;
	uint32_t pkglen;
	size_t nbytes, end;
	uint8_t count;
	int err;

	if (pos >= len || p[pos] != AML_PACKAGE_OP)
		return -EINVAL;
	pos++;
	err = aml_pkg_length(p, len, pos, &pkglen, &nbytes);
	if (err)
		return err;
	/* The package must cover its own length bytes and NumElements. */
	if (pkglen < nbytes + 1 || pkglen > len - pos)
		return -EINVAL;
	end = pos + pkglen;
	pos += nbytes;
	count = p[pos++];
	if (count == 0)
		return -EINVAL;

	err = aml_integer(p, end, &pos, &a);
	if (err)
		return err;
	if (count >= 2) {
		err = aml_integer(p, end, &pos, &b);
		if (err)
			return err;
	} else {
		/* Old firmware: one value, SLP_TYPb in its second byte. */
		b = a >> 8;
	}
	*slp_typa = (uint8_t)a;
	*slp_typb = (uint8_t)b;
	return 0;
}

/*
 * Scan @len bytes of AML (a DSDT body; the 36-byte header may be included
 * or not) for Name(_S5_, Package(){a, b, ...}) and return a and b.
 * Returns 0, -ENOENT if no _S5_ object exists, or -EINVAL if every _S5_
 * found was malformed (not a package, truncated, non-integer values).
 */
int acpi_find_s5(const void *dsdt_aml, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb)
{
	const uint8_t *p = dsdt_aml;
	int result = -ENOENT;
	size_t i, pos;

	if (!p)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (p[i] != AML_NAME_OP)
			continue;
		pos = i + 1;
		if (pos < len && p[pos] == AML_ROOT_CHAR)
			pos++;
		if (len - pos < 4 || memcmp(p + pos, "_S5_", 4) != 0)
			continue;
		/* A match that does not parse may be stray bytes: go on. */
		if (aml_s5_package(p, len, pos + 4, slp_typa, slp_typb) == 0)
			return 0;
		result = -EINVAL;
	}
	return result;
}
