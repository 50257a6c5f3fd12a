#pragma once
/*
 * Framebuffer text console: kernel text on the screen the boot loader set
 * up, either a direct-colour RGB framebuffer (we draw 8x16 glyphs) or EGA
 * text mode (the hardware draws them).  Pure code: the caller maps the
 * framebuffer, hands over its virtual address and serialises calls.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct boot_framebuffer;

#define FBCON_GLYPH_W		8
#define FBCON_GLYPH_H		16
/* Largest width or height (pixels, or cells for EGA text) we accept. */
#define FBCON_MAX_DIM		16384
/* Largest pitch we accept: a maximal 32 bpp row, with room for padding. */
#define FBCON_MAX_PITCH		(2 * FBCON_MAX_DIM * 4)

/* Font layout: printable ASCII, then the placeholder for other bytes. */
#define FBCON_FONT_FIRST	0x20
#define FBCON_FONT_GLYPHS	96
#define FBCON_GLYPH_PLACEHOLDER	(FBCON_FONT_GLYPHS - 1)

enum fbcon_esc_state {
	FBCON_ESC_NONE = 0,	/* plain text */
	FBCON_ESC_SEEN,		/* after ESC */
	FBCON_ESC_CSI,		/* after ESC '[', until a final byte */
};

/*
 * One console on one framebuffer; the caller owns the storage.
 * [I] set by fbcon_init(), then immutable.  [C] the caller's console lock.
 * A "unit" below is a pixel on RGB framebuffers and a character cell in
 * EGA text mode; cell_w x cell_h units make one character.
 */
struct fbcon {
	uint8_t *fb;		/* [I] mapped framebuffer; NULL if not set up */
	uint32_t type;		/* [I] enum boot_fb_type */
	uint32_t pitch;		/* [I] bytes from one unit row to the next */
	uint32_t width;		/* [I] units per row */
	uint32_t height;	/* [I] unit rows */
	uint32_t bytes_pp;	/* [I] bytes per unit */
	uint32_t cell_w;	/* [I] units per character, across */
	uint32_t cell_h;	/* [I] units per character, down */
	uint32_t cols;		/* [I] text columns */
	uint32_t rows;		/* [I] text rows */
	uint32_t fg;		/* [I] RGB: foreground pixel; EGA: attr << 8 */
	uint32_t bg;		/* [I] RGB: background pixel; EGA: blank cell */
	uint32_t col;		/* [C] cursor; == cols: wrap pending */
	uint32_t row;		/* [C] cursor row */
	uint8_t esc;		/* [C] enum fbcon_esc_state */
	uint8_t esc_len;	/* [C] bytes swallowed in this escape so far */
};

/* drivers/console/fbcon.c */
int fbcon_init(struct fbcon *c, const struct boot_framebuffer *fb,
	       void *vaddr);
void fbcon_write(struct fbcon *c, const char *s, size_t len);
void fbcon_clear(struct fbcon *c);

/* drivers/console/font8x16.c: glyph (byte - FBCON_FONT_FIRST), MSB left. */
extern const uint8_t fbcon_font8x16[FBCON_FONT_GLYPHS][FBCON_GLYPH_H];

/* drivers/console/fbcon_console.c (kernel only) */
int fbcon_console_init(const struct boot_framebuffer *fb, bool vga_ok);
