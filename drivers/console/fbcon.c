/*
 * Framebuffer text console, the kernel's second console after the serial
 * port: light grey text on black on whatever screen the boot loader left.
 *
 * Two kinds of screen share one text grid.  On a direct-colour RGB
 * framebuffer (16, 24 or 32 bits per pixel; 15 is stored like 16) we paint
 * the 8x16 glyphs of font8x16.c, one pixel row of a glyph at a time, with
 * foreground and background pixel values computed once in fbcon_init()
 * from the loader's channel positions and sizes.  In EGA text mode each
 * character is a two-byte cell (code, attribute) and the hardware draws the
 * glyph.  Both are "units" of bytes_pp bytes laid out in rows of pitch
 * bytes; a character is cell_w x cell_h units (8x16 pixels, or 1x1 cell),
 * so clearing and scrolling are the same code for both.
 *
 * The byte stream is read like a small terminal: '\n' starts a new line
 * (carriage return implied), '\r' returns to column 0, '\t' moves to the
 * next multiple of 8, '\b' moves back one column, printable ASCII is drawn
 * and every other byte shows as a placeholder (a hollow box; CP437 0xfe in
 * EGA text).  Wrapping is deferred as on a VT100: a character in the last
 * column leaves the cursor just past the edge and the next printable one
 * wraps first, so a full-width line followed by '\n' does not leave an
 * empty line.  At the bottom the screen scrolls one text row: memmove of
 * each unit row, then the last text row is cleared.  Escape sequences
 * (ESC '[' parameters final-byte, and two-byte ESC x) are swallowed, not
 * interpreted; a control byte inside one aborts it and is then handled as
 * usual, and an overlong one is given up so text cannot vanish for good.
 *
 * Nothing outside width x height is ever written; the bytes between the
 * visible row and the pitch belong to the hardware.  Scrolling reads the
 * framebuffer back, which is slow on write-combining video memory; a
 * shadow buffer would fix that once memory allocation exists.
 *
 * Pure (kcore): no allocation, locks or port I/O (so the EGA hardware
 * cursor is left alone).  The caller maps the framebuffer and serialises
 * fbcon_write() and fbcon_clear() under its console lock.
 * Interface: fbcon_init(), fbcon_write(), fbcon_clear().
 */
#include <stdbool.h>

#include "drivers/console/fbcon.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"

#define FG_LEVEL	0xaa	/* light grey: 0xaa in each 8-bit channel */
#define EGA_ATTR	0x07	/* light grey on black */
#define EGA_BLANK	' '
#define EGA_PLACEHOLDER	0xfe	/* CP437 small filled square */
#define TAB_WIDTH	8
#define ASCII_ESC	0x1b
#define ESC_MAX_LEN	32	/* longest escape sequence we keep swallowing */

/* The framebuffer need not be aligned for the unit size (odd pitches). */
typedef uint16_t __attribute__((aligned(1), may_alias)) fb_u16;
typedef uint32_t __attribute__((aligned(1), may_alias)) fb_u32;

static void put_unit(uint8_t *p, uint32_t bytes_pp, uint32_t v)
{
	switch (bytes_pp) {
	case 4:
		*(fb_u32 *)p = v;
		break;
	case 3:
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		break;
	default:
		*(fb_u16 *)p = (uint16_t)v;
		break;
	}
}

/* Scale an 8-bit level into a @size-bit channel at bit @pos. */
static uint32_t channel_value(uint8_t level, uint8_t pos, uint8_t size)
{
	uint64_t max = ((uint64_t)1 << size) - 1;

	return (uint32_t)(((level * max + 127) / 255) << pos);
}

static int channel_check(uint8_t pos, uint8_t size, uint8_t bpp)
{
	if (!size || pos + size > bpp)
		return -EINVAL;
	return 0;
}

static int setup_rgb(struct fbcon *c, const struct boot_framebuffer *fb)
{
	switch (fb->bpp) {
	case 32:
	case 24:
	case 16:
	case 15:
		break;
	default:
		return -EINVAL;
	}
	if (channel_check(fb->red_pos, fb->red_size, fb->bpp) ||
	    channel_check(fb->green_pos, fb->green_size, fb->bpp) ||
	    channel_check(fb->blue_pos, fb->blue_size, fb->bpp))
		return -EINVAL;

	c->bytes_pp = (fb->bpp + 7) / 8;
	c->cell_w = FBCON_GLYPH_W;
	c->cell_h = FBCON_GLYPH_H;
	c->fg = channel_value(FG_LEVEL, fb->red_pos, fb->red_size) |
		channel_value(FG_LEVEL, fb->green_pos, fb->green_size) |
		channel_value(FG_LEVEL, fb->blue_pos, fb->blue_size);
	c->bg = 0;
	return 0;
}

static void setup_ega(struct fbcon *c)
{
	c->bytes_pp = 2;
	c->cell_w = 1;
	c->cell_h = 1;
	c->fg = EGA_ATTR << 8;
	c->bg = EGA_BLANK | EGA_ATTR << 8;
}

static uint8_t *unit_addr(const struct fbcon *c, uint32_t x, uint32_t y)
{
	return c->fb + (size_t)y * c->pitch + (size_t)x * c->bytes_pp;
}

/* Paint unit rows [y, y + n), units [0, w) of each, with the background. */
static void fill_bg(struct fbcon *c, uint32_t y, uint32_t n, uint32_t w)
{
	uint8_t *first = unit_addr(c, 0, y);
	size_t span = (size_t)w * c->bytes_pp;
	uint32_t i;

	for (i = 0; i < w; i++)
		put_unit(first + (size_t)i * c->bytes_pp, c->bytes_pp, c->bg);
	for (i = 1; i < n; i++)
		memcpy(first + (size_t)i * c->pitch, first, span);
}

static void scroll_up(struct fbcon *c)
{
	size_t span = (size_t)c->cols * c->cell_w * c->bytes_pp;
	size_t text_row = (size_t)c->cell_h * c->pitch;
	uint32_t lines = (c->rows - 1) * c->cell_h;
	uint32_t y;

	if (span == c->pitch) {
		memmove(c->fb, c->fb + text_row, (size_t)lines * c->pitch);
	} else {
		for (y = 0; y < lines; y++) {
			uint8_t *dst = unit_addr(c, 0, y);

			memmove(dst, dst + text_row, span);
		}
	}
	fill_bg(c, lines, c->cell_h, c->cols * c->cell_w);
}

static void newline(struct fbcon *c)
{
	c->col = 0;
	if (c->row + 1 < c->rows)
		c->row++;
	else
		scroll_up(c);
}

/* One pixel row of a glyph: 8 pixels from the bits of @bits, MSB first. */
static void draw_glyph_row(uint8_t *p, uint32_t bytes_pp, uint8_t bits,
			   uint32_t fg, uint32_t bg)
{
	unsigned int x;

	switch (bytes_pp) {
	case 4:
		for (x = 0; x < FBCON_GLYPH_W; x++, bits <<= 1)
			*(fb_u32 *)(p + 4 * x) = (bits & 0x80) ? fg : bg;
		break;
	case 2:
		for (x = 0; x < FBCON_GLYPH_W; x++, bits <<= 1)
			*(fb_u16 *)(p + 2 * x) = (bits & 0x80) ? fg : bg;
		break;
	default:
		for (x = 0; x < FBCON_GLYPH_W; x++, bits <<= 1)
			put_unit(p + 3 * x, 3, (bits & 0x80) ? fg : bg);
		break;
	}
}

/* Draw @ch in the cell under the cursor; the cursor does not move. */
static void draw_char(struct fbcon *c, uint8_t ch)
{
	uint8_t *p = unit_addr(c, c->col * c->cell_w, c->row * c->cell_h);
	bool printable = ch >= FBCON_FONT_FIRST && ch < 0x7f;
	const uint8_t *glyph;
	unsigned int y;

	if (c->type == BOOT_FB_EGA_TEXT) {
		put_unit(p, 2, (printable ? ch : EGA_PLACEHOLDER) | c->fg);
		return;
	}
	glyph = fbcon_font8x16[printable ? ch - FBCON_FONT_FIRST :
				FBCON_GLYPH_PLACEHOLDER];
	for (y = 0; y < FBCON_GLYPH_H; y++, p += c->pitch)
		draw_glyph_row(p, c->bytes_pp, glyph[y], c->fg, c->bg);
}

static void put_printable(struct fbcon *c, uint8_t ch)
{
	if (c->col >= c->cols)
		newline(c);
	draw_char(c, ch);
	c->col++;
}

static void tab(struct fbcon *c)
{
	uint32_t next = (c->col / TAB_WIDTH + 1) * TAB_WIDTH;

	/* Like a terminal, stop in the last column rather than wrap. */
	if (c->col < c->cols)
		c->col = MIN(next, c->cols - 1);
}

static void backspace(struct fbcon *c)
{
	/* A pending wrap means the cursor is really on the last column. */
	if (c->col >= c->cols)
		c->col = c->cols - 1;
	if (c->col > 0)
		c->col--;
}

/*
 * Feed @ch to an escape sequence in progress.  Returns true if it was
 * swallowed, false if it ended the sequence without belonging to it and
 * must be handled as ordinary input.
 */
static bool escape_byte(struct fbcon *c, uint8_t ch)
{
	bool intermediate = ch >= 0x20 && ch <= 0x2f;

	if (ch < 0x20 || ch > 0x7e) {
		c->esc = FBCON_ESC_NONE;	/* control byte: abort */
		return false;
	}
	if (++c->esc_len > ESC_MAX_LEN) {
		c->esc = FBCON_ESC_NONE;	/* runaway: give up */
		return true;
	}
	if (c->esc == FBCON_ESC_SEEN) {
		if (ch == '[')
			c->esc = FBCON_ESC_CSI;
		else if (!intermediate)
			c->esc = FBCON_ESC_NONE;	/* ESC x is complete */
		return true;
	}
	/* CSI: parameters and intermediates are 0x20..0x3f, then a final. */
	if (ch >= 0x40)
		c->esc = FBCON_ESC_NONE;
	return true;
}

static void put_byte(struct fbcon *c, uint8_t ch)
{
	if (c->esc != FBCON_ESC_NONE && escape_byte(c, ch))
		return;

	switch (ch) {
	case '\n':
		newline(c);
		break;
	case '\r':
		c->col = 0;
		break;
	case '\t':
		tab(c);
		break;
	case '\b':
		backspace(c);
		break;
	case ASCII_ESC:
		c->esc = FBCON_ESC_SEEN;
		c->esc_len = 0;
		break;
	default:
		put_printable(c, ch);
		break;
	}
}

/*
 * Set up @c on the framebuffer @fb described by the loader, mapped at
 * @vaddr, and clear the screen.  Takes no locks, does not sleep.
 * Returns 0, -ENODEV if the loader gave no framebuffer, or -EINVAL for an
 * unsupported type or pixel format or nonsensical geometry (zero or over
 * FBCON_MAX_DIM in either direction, a pitch shorter than a row or over
 * FBCON_MAX_PITCH, a screen smaller than one character).  On failure @c
 * is left inert: fbcon_write() and fbcon_clear() on it do nothing.
 */
int fbcon_init(struct fbcon *c, const struct boot_framebuffer *fb,
	       void *vaddr)
{
	int err;

	memset(c, 0, sizeof(*c));
	switch (fb->type) {
	case BOOT_FB_NONE:
		return -ENODEV;
	case BOOT_FB_RGB:
		err = setup_rgb(c, fb);
		if (err)
			goto err_reset;
		break;
	case BOOT_FB_EGA_TEXT:
		setup_ega(c);
		break;
	default:
		return -EINVAL;
	}

	err = -EINVAL;
	if (!vaddr || !fb->width || !fb->height ||
	    fb->width > FBCON_MAX_DIM || fb->height > FBCON_MAX_DIM)
		goto err_reset;
	if ((uint64_t)fb->pitch < (uint64_t)fb->width * c->bytes_pp ||
	    fb->pitch > FBCON_MAX_PITCH)
		goto err_reset;
	c->cols = fb->width / c->cell_w;
	c->rows = fb->height / c->cell_h;
	if (!c->cols || !c->rows)
		goto err_reset;

	c->type = fb->type;
	c->pitch = fb->pitch;
	c->width = fb->width;
	c->height = fb->height;
	c->fb = vaddr;
	fbcon_clear(c);
	return 0;

err_reset:
	memset(c, 0, sizeof(*c));
	return err;
}

/*
 * Show @len bytes of @s on the console, scrolling as needed.  Caller
 * serialises calls on @c.  Does not sleep.
 */
void fbcon_write(struct fbcon *c, const char *s, size_t len)
{
	size_t i;

	if (!c->fb)
		return;
	for (i = 0; i < len; i++)
		put_byte(c, (uint8_t)s[i]);
}

/*
 * Blank the whole visible screen (including any strip too narrow for a
 * character), home the cursor and forget any half-read escape sequence.
 * Caller serialises calls on @c.  Does not sleep.
 */
void fbcon_clear(struct fbcon *c)
{
	if (!c->fb)
		return;
	fill_bg(c, 0, c->height, c->width);
	c->col = 0;
	c->row = 0;
	c->esc = FBCON_ESC_NONE;
	c->esc_len = 0;
}
