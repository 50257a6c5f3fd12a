/*
 * Host tests for the framebuffer console (drivers/console/fbcon.c).  Each
 * test renders into a malloc'd buffer laid out like the loader's
 * framebuffer: pitch bytes per row, usually more than the visible row,
 * plus a guard tail.  The buffer starts full of canary bytes that differ
 * from place to place (so even moving padding bytes around shows), and a
 * test can tell that nothing outside width x height was ever written;
 * AddressSanitizer catches anything past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/console/fbcon.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"

#define GUARD		256
#define GREY32		0x00aaaaaau
#define GREY16		((21u << 11) | (42u << 5) | 21u)	/* 5-6-5 */

struct screen {
	struct boot_framebuffer fb;
	struct fbcon c;
	uint8_t *mem;
	size_t size;
	uint32_t bytes_pp;
};

/* The canary byte that belongs at offset @i of a test buffer. */
static uint8_t canary(size_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13);
}

static void fill_canary(uint8_t *mem, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		mem[i] = canary(i);
}

static struct boot_framebuffer rgb_fb(uint8_t bpp, uint32_t w, uint32_t h,
				      uint32_t pitch)
{
	struct boot_framebuffer fb = {
		.type = BOOT_FB_RGB, .addr = 0xfd000000, .pitch = pitch,
		.width = w, .height = h, .bpp = bpp,
	};

	if (bpp == 16) {
		fb.red_pos = 11, fb.red_size = 5;
		fb.green_pos = 5, fb.green_size = 6;
		fb.blue_pos = 0, fb.blue_size = 5;
	} else {
		fb.red_pos = 16, fb.red_size = 8;
		fb.green_pos = 8, fb.green_size = 8;
		fb.blue_pos = 0, fb.blue_size = 8;
	}
	return fb;
}

static struct boot_framebuffer ega_fb(uint32_t cols, uint32_t rows,
				      uint32_t pitch)
{
	struct boot_framebuffer fb = {
		.type = BOOT_FB_EGA_TEXT, .addr = 0xb8000, .pitch = pitch,
		.width = cols, .height = rows, .bpp = 16,
	};

	return fb;
}

/* A canary-filled buffer for @fb, with fbcon_init() already done on it. */
static struct screen *screen_new(struct boot_framebuffer fb)
{
	struct screen *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->fb = fb;
	s->bytes_pp = fb.type == BOOT_FB_EGA_TEXT ? 2 : (fb.bpp + 7) / 8;
	s->size = (size_t)fb.pitch * fb.height + GUARD;
	s->mem = malloc(s->size);
	assert_non_null(s->mem);
	fill_canary(s->mem, s->size);
	assert_int_equal(fbcon_init(&s->c, &s->fb, s->mem), 0);
	return s;
}

static void screen_delete(struct screen *s)
{
	free(s->mem);
	free(s);
}

static void put(struct screen *s, const char *str)
{
	fbcon_write(&s->c, str, strlen(str));
}

/* Pixel (or EGA cell) value at unit (x, y), little-endian. */
static uint32_t unit_at(const struct screen *s, uint32_t x, uint32_t y)
{
	const uint8_t *p = s->mem + (size_t)y * s->fb.pitch +
			   (size_t)x * s->bytes_pp;
	uint32_t v = 0;
	uint32_t i;

	for (i = 0; i < s->bytes_pp; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static const uint8_t *glyph_of(uint8_t ch)
{
	if (ch < FBCON_FONT_FIRST || ch > 0x7e)
		return fbcon_font8x16[FBCON_GLYPH_PLACEHOLDER];
	return fbcon_font8x16[ch - FBCON_FONT_FIRST];
}

/* Does text cell (col, row) show exactly the glyph for @ch in @fg on @bg? */
static bool cell_shows(const struct screen *s, uint32_t col, uint32_t row,
		       uint8_t ch, uint32_t fg, uint32_t bg)
{
	const uint8_t *g = glyph_of(ch);
	uint32_t x, y;

	for (y = 0; y < FBCON_GLYPH_H; y++) {
		for (x = 0; x < FBCON_GLYPH_W; x++) {
			bool on = g[y] & (0x80 >> x);
			uint32_t v = unit_at(s, col * FBCON_GLYPH_W + x,
					     row * FBCON_GLYPH_H + y);

			if (v != (on ? fg : bg))
				return false;
		}
	}
	return true;
}

static bool cell32(const struct screen *s, uint32_t col, uint32_t row,
		   uint8_t ch)
{
	return cell_shows(s, col, row, ch, GREY32, 0);
}

static bool cell_blank(const struct screen *s, uint32_t col, uint32_t row)
{
	return cell_shows(s, col, row, ' ', 0, 0);
}

/* Is every byte past the visible part of each row, and past the end, intact? */
static bool padding_intact(const struct screen *s)
{
	size_t vis = (size_t)s->fb.width * s->bytes_pp;
	size_t i;
	uint32_t y;

	for (y = 0; y < s->fb.height; y++)
		for (i = vis; i < s->fb.pitch; i++)
			if (s->mem[(size_t)y * s->fb.pitch + i] !=
			    canary((size_t)y * s->fb.pitch + i))
				return false;
	for (i = (size_t)s->fb.pitch * s->fb.height; i < s->size; i++)
		if (s->mem[i] != canary(i))
			return false;
	return true;
}

/* 640x480 at 32 bpp with an odd pitch, 13 bytes longer than a row. */
static struct screen *vga32(void)
{
	return screen_new(rgb_fb(32, 640, 480, 640 * 4 + 13));
}

/* ---- fbcon_init() ---- */

static void init_rejects_missing_framebuffer(void **state)
{
	struct boot_framebuffer fb = rgb_fb(32, 640, 480, 2560);
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb.type = BOOT_FB_NONE;
	assert_int_equal(fbcon_init(&c, &fb, mem), -ENODEV);
}

static void init_rejects_unknown_type(void **state)
{
	struct boot_framebuffer fb = rgb_fb(32, 640, 480, 2560);
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb.type = 3;
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
}

static void init_rejects_unsupported_bpp(void **state)
{
	static const uint8_t bad[] = { 0, 1, 4, 8, 12, 31, 48, 64 };
	struct boot_framebuffer fb = rgb_fb(32, 640, 480, 640 * 8);
	uint8_t mem[16];
	struct fbcon c;
	size_t i;

	(void)state;
	fb.red_pos = fb.green_pos = fb.blue_pos = 0;
	fb.red_size = fb.green_size = fb.blue_size = 1;
	for (i = 0; i < sizeof(bad); i++) {
		fb.bpp = bad[i];
		assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	}
}

static void init_rejects_zero_size(void **state)
{
	struct boot_framebuffer fb;
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb = rgb_fb(32, 0, 480, 2560);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(32, 640, 0, 2560);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(32, 640, 480, 0);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = ega_fb(0, 25, 160);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
}

static void init_rejects_absurd_size(void **state)
{
	struct boot_framebuffer fb;
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb = rgb_fb(32, FBCON_MAX_DIM + 1, 480, (FBCON_MAX_DIM + 1) * 4);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(32, 640, FBCON_MAX_DIM + 1, 2560);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(32, 640, 480, FBCON_MAX_PITCH + 1);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(16, 640, 480, 0xffffffffu);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = ega_fb(80, FBCON_MAX_DIM + 1, 160);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
}

static void init_rejects_pitch_shorter_than_row(void **state)
{
	struct boot_framebuffer fb;
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb = rgb_fb(32, 640, 480, 640 * 4 - 1);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(24, 640, 480, 640 * 3 - 1);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(16, 640, 480, 640 * 2 - 1);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = ega_fb(80, 25, 159);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
}

static void init_rejects_screen_smaller_than_a_glyph(void **state)
{
	struct boot_framebuffer fb;
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb = rgb_fb(32, FBCON_GLYPH_W - 1, 480, 64);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(32, 640, FBCON_GLYPH_H - 1, 2560);
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
}

static void init_rejects_channel_outside_pixel(void **state)
{
	struct boot_framebuffer fb;
	uint8_t mem[16];
	struct fbcon c;

	(void)state;
	fb = rgb_fb(16, 640, 480, 1280);
	fb.red_pos = 12;	/* 12 + 5 > 16 */
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(24, 640, 480, 1920);
	fb.blue_pos = 20;	/* 20 + 8 > 24 */
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fb = rgb_fb(32, 640, 480, 2560);
	fb.green_size = 0;
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
}

static void init_rejects_null_mapping(void **state)
{
	struct boot_framebuffer fb = rgb_fb(32, 640, 480, 2560);
	struct fbcon c;

	(void)state;
	assert_int_equal(fbcon_init(&c, &fb, NULL), -EINVAL);
}

static void failed_init_leaves_console_inert(void **state)
{
	struct boot_framebuffer fb = rgb_fb(32, 64, 32, 64 * 4 - 4);
	uint8_t mem[64 * 4 * 32];
	struct fbcon c;
	size_t i;

	(void)state;
	fill_canary(mem, sizeof(mem));
	assert_int_equal(fbcon_init(&c, &fb, mem), -EINVAL);
	fbcon_write(&c, "hello\n", 6);
	fbcon_clear(&c);
	for (i = 0; i < sizeof(mem); i++)
		assert_int_equal(mem[i], canary(i));
}

static void init_clears_screen_to_black(void **state)
{
	/* 643x483: a strip too narrow for a character on each edge. */
	struct screen *s = screen_new(rgb_fb(32, 643, 483, 643 * 4 + 7));
	uint32_t x, y;

	(void)state;
	for (y = 0; y < s->fb.height; y++)
		for (x = 0; x < s->fb.width; x++)
			assert_int_equal(unit_at(s, x, y), 0);
	assert_true(padding_intact(s));
	screen_delete(s);
}

/* ---- colours and glyphs ---- */

static void colours_are_light_grey_on_black(void **state)
{
	struct screen *s32 = screen_new(rgb_fb(32, 64, 32, 256));
	struct screen *s24 = screen_new(rgb_fb(24, 64, 32, 192));
	struct screen *s16 = screen_new(rgb_fb(16, 64, 32, 128));

	(void)state;
	assert_int_equal(s32->c.fg, GREY32);
	assert_int_equal(s32->c.bg, 0);
	assert_int_equal(s24->c.fg, 0xaaaaaa);
	assert_int_equal(s24->c.bg, 0);
	assert_int_equal(s16->c.fg, GREY16);
	assert_int_equal(s16->c.bg, 0);
	screen_delete(s32);
	screen_delete(s24);
	screen_delete(s16);
}

static void wide_channels_scale_the_grey(void **state)
{
	/* 10 bits per channel, blue on top: 0xaa scales to 682 (0x2aa). */
	struct boot_framebuffer fb = rgb_fb(32, 64, 32, 256);
	struct screen *s;

	(void)state;
	fb.red_pos = 0, fb.red_size = 10;
	fb.green_pos = 10, fb.green_size = 10;
	fb.blue_pos = 20, fb.blue_size = 10;
	s = screen_new(fb);
	assert_int_equal(s->c.fg, 0x2aau | 0x2aau << 10 | 0x2aau << 20);
	put(s, "M");
	assert_true(cell_shows(s, 0, 0, 'M', s->c.fg, 0));
	screen_delete(s);
}

static void glyph_A_stays_inside_its_cell(void **state)
{
	struct screen *s = vga32();
	uint32_t x, y, inside = 0;

	(void)state;
	put(s, "A");
	for (y = 0; y < s->fb.height; y++) {
		for (x = 0; x < s->fb.width; x++) {
			uint32_t v = unit_at(s, x, y);
			bool in_cell = x < FBCON_GLYPH_W && y < FBCON_GLYPH_H;

			if (in_cell && v == GREY32)
				inside++;
			if (!in_cell)
				assert_int_equal(v, 0);
		}
	}
	assert_true(inside > 10);
	assert_true(cell32(s, 0, 0, 'A'));
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void characters_advance_one_cell_each(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "Ag!");
	assert_true(cell32(s, 0, 0, 'A'));
	assert_true(cell32(s, 1, 0, 'g'));
	assert_true(cell32(s, 2, 0, '!'));
	assert_true(cell_blank(s, 3, 0));
	assert_true(cell_blank(s, 0, 1));
	screen_delete(s);
}

static void nonprintable_bytes_draw_placeholder(void **state)
{
	struct screen *s = vga32();

	(void)state;
	fbcon_write(&s->c, "\x01\x7f\x80\xff\0", 5);
	assert_true(cell32(s, 0, 0, 0x01));
	assert_true(cell32(s, 1, 0, 0x7f));
	assert_true(cell32(s, 2, 0, 0x80));
	assert_true(cell32(s, 3, 0, 0xff));
	assert_true(cell32(s, 4, 0, 0x00));
	assert_false(cell_blank(s, 0, 0));
	assert_false(cell32(s, 0, 0, '?'));
	screen_delete(s);
}

static void font_glyphs_are_distinct_and_keep_a_gap(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < FBCON_FONT_GLYPHS; i++) {
		bool any = false;

		for (j = 0; j < FBCON_GLYPH_H; j++) {
			assert_int_equal(fbcon_font8x16[i][j] & 1, 0);
			any |= fbcon_font8x16[i][j] != 0;
		}
		/* Only the space is empty. */
		assert_int_equal(any, i != ' ' - FBCON_FONT_FIRST);
		for (j = 0; j < i; j++)
			assert_memory_not_equal(fbcon_font8x16[i],
						fbcon_font8x16[j],
						FBCON_GLYPH_H);
	}
}

static void rgb24_draws_glyphs_and_keeps_padding(void **state)
{
	struct screen *s = screen_new(rgb_fb(24, 320, 200, 320 * 3 + 5));
	int i;

	(void)state;
	put(s, "Hi\tq");
	assert_true(cell_shows(s, 0, 0, 'H', 0xaaaaaa, 0));
	assert_true(cell_shows(s, 1, 0, 'i', 0xaaaaaa, 0));
	assert_true(cell_shows(s, 8, 0, 'q', 0xaaaaaa, 0));
	for (i = 0; i < 40; i++)
		put(s, "a full line of text, longer than forty columns\n");
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void rgb16_draws_glyphs_and_keeps_padding(void **state)
{
	struct screen *s = screen_new(rgb_fb(16, 320, 200, 320 * 2 + 3));
	int i;

	(void)state;
	put(s, "Hi\tq");
	assert_true(cell_shows(s, 0, 0, 'H', GREY16, 0));
	assert_true(cell_shows(s, 1, 0, 'i', GREY16, 0));
	assert_true(cell_shows(s, 8, 0, 'q', GREY16, 0));
	for (i = 0; i < 40; i++)
		put(s, "a full line of text, longer than forty columns\n");
	assert_true(padding_intact(s));
	screen_delete(s);
}

/* ---- cursor movement ---- */

static void wraps_at_right_edge(void **state)
{
	struct screen *s = vga32();	/* 80 columns */
	char line[81];

	(void)state;
	memset(line, 'a', 80);
	line[80] = '\0';
	put(s, line);
	assert_true(cell32(s, 79, 0, 'a'));
	assert_true(cell_blank(s, 0, 1));	/* wrap is deferred */
	put(s, "B");
	assert_true(cell32(s, 0, 1, 'B'));
	assert_true(cell32(s, 79, 0, 'a'));
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void full_line_then_newline_leaves_no_blank_line(void **state)
{
	struct screen *s = vga32();
	char line[81];

	(void)state;
	memset(line, 'x', 80);
	line[80] = '\0';
	put(s, line);
	put(s, "\nZ");
	assert_true(cell32(s, 0, 1, 'Z'));
	assert_true(cell_blank(s, 0, 2));
	screen_delete(s);
}

static void newline_returns_to_column_zero(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "ab\ncd");
	assert_true(cell32(s, 0, 0, 'a'));
	assert_true(cell32(s, 1, 0, 'b'));
	assert_true(cell32(s, 0, 1, 'c'));
	assert_true(cell32(s, 1, 1, 'd'));
	assert_true(cell_blank(s, 2, 1));
	screen_delete(s);
}

static void carriage_return_goes_to_column_zero(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "abc\rX");
	assert_true(cell32(s, 0, 0, 'X'));
	assert_true(cell32(s, 1, 0, 'b'));
	assert_true(cell32(s, 2, 0, 'c'));
	assert_true(cell_blank(s, 0, 1));
	screen_delete(s);
}

static void tab_moves_to_next_multiple_of_8(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "\tA\nabc\tB\n12345678\tC\n1234567\tD");
	assert_true(cell32(s, 8, 0, 'A'));
	assert_true(cell_blank(s, 0, 0));
	assert_true(cell32(s, 8, 1, 'B'));
	assert_true(cell_blank(s, 3, 1));
	assert_true(cell32(s, 16, 2, 'C'));
	assert_true(cell32(s, 8, 3, 'D'));
	screen_delete(s);
}

static void tab_stops_at_last_column(void **state)
{
	struct screen *s = vga32();
	char line[78];

	(void)state;
	memset(line, '-', 77);
	line[77] = '\0';
	put(s, line);
	put(s, "\tE");
	assert_true(cell32(s, 79, 0, 'E'));
	assert_true(cell_blank(s, 0, 1));
	screen_delete(s);
}

static void backspace_moves_back_one_column(void **state)
{
	struct screen *s = vga32();
	char line[81];

	(void)state;
	put(s, "ab\bX\n\bY");
	assert_true(cell32(s, 0, 0, 'a'));
	assert_true(cell32(s, 1, 0, 'X'));
	assert_true(cell32(s, 0, 1, 'Y'));	/* no move left of column 0 */
	/* After a full line the cursor sits on the last column. */
	memset(line, 'z', 80);
	line[80] = '\0';
	put(s, "\n");
	put(s, line);
	put(s, "\bW");
	assert_true(cell32(s, 78, 2, 'W'));
	assert_true(cell32(s, 79, 2, 'z'));
	screen_delete(s);
}

/* ---- scrolling ---- */

static void scrolling_moves_row1_to_row0_and_blanks_last(void **state)
{
	struct screen *s = vga32();	/* 30 text rows */
	uint32_t rows = 480 / FBCON_GLYPH_H, r, y, x;
	size_t row_bytes = 640 * 4;
	uint8_t *saved;
	char text[2] = "A";

	(void)state;
	for (r = 0; r < rows; r++) {
		text[0] = (char)('A' + r % 26);
		put(s, text);
		put(s, "bc");
		if (r + 1 < rows)
			put(s, "\n");
	}
	assert_true(cell32(s, 0, rows - 1, 'A' + (rows - 1) % 26));

	/* Keep text row 1 as pixels, then push everything up one row. */
	saved = malloc(FBCON_GLYPH_H * row_bytes);
	assert_non_null(saved);
	for (y = 0; y < FBCON_GLYPH_H; y++)
		memcpy(saved + y * row_bytes,
		       s->mem + (size_t)(FBCON_GLYPH_H + y) * s->fb.pitch,
		       row_bytes);
	put(s, "\n");
	for (y = 0; y < FBCON_GLYPH_H; y++)
		assert_memory_equal(s->mem + (size_t)y * s->fb.pitch,
				    saved + y * row_bytes, row_bytes);
	free(saved);

	assert_true(cell32(s, 0, 0, 'B'));
	assert_true(cell32(s, 0, rows - 2, 'A' + (rows - 1) % 26));
	assert_true(cell32(s, 2, rows - 2, 'c'));
	for (y = (rows - 1) * FBCON_GLYPH_H; y < rows * FBCON_GLYPH_H; y++)
		for (x = 0; x < s->fb.width; x++)
			assert_int_equal(unit_at(s, x, y), 0);
	put(s, "Z");
	assert_true(cell32(s, 0, rows - 1, 'Z'));
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void scrolling_without_padding_moves_whole_screen(void **state)
{
	/* pitch == row: the single-memmove path. */
	struct screen *s = screen_new(rgb_fb(32, 64, 48, 64 * 4));

	(void)state;
	put(s, "1\n2\n3\n4");
	assert_true(cell32(s, 0, 0, '2'));
	assert_true(cell32(s, 0, 1, '3'));
	assert_true(cell32(s, 0, 2, '4'));
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void wrap_on_last_row_scrolls(void **state)
{
	struct screen *s = screen_new(rgb_fb(32, 16, 32, 16 * 4 + 1));

	(void)state;
	put(s, "abcdef");	/* 2 columns, 2 rows */
	assert_true(cell32(s, 0, 0, 'c'));
	assert_true(cell32(s, 1, 0, 'd'));
	assert_true(cell32(s, 0, 1, 'e'));
	assert_true(cell32(s, 1, 1, 'f'));
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void clear_blanks_screen_and_homes_cursor(void **state)
{
	struct screen *s = vga32();
	uint32_t x, y;

	(void)state;
	put(s, "some text\nmore\x1b[");
	fbcon_clear(&s->c);
	for (y = 0; y < s->fb.height; y++)
		for (x = 0; x < s->fb.width; x++)
			assert_int_equal(unit_at(s, x, y), 0);
	put(s, "K");	/* not swallowed: the half escape is forgotten */
	assert_true(cell32(s, 0, 0, 'K'));
	assert_true(padding_intact(s));
	screen_delete(s);
}

/* ---- escape sequences ---- */

static void csi_sequences_are_swallowed(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "\x1b[1;31mX\x1b[0mY\x1b[2J\x1b[?25lZ");
	assert_true(cell32(s, 0, 0, 'X'));
	assert_true(cell32(s, 1, 0, 'Y'));
	assert_true(cell32(s, 2, 0, 'Z'));
	assert_true(cell_blank(s, 3, 0));
	screen_delete(s);
}

static void escape_split_across_writes_is_swallowed(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "\x1b");
	put(s, "[");
	put(s, "12");
	put(s, ";4H");
	put(s, "Q");
	assert_true(cell32(s, 0, 0, 'Q'));
	assert_true(cell_blank(s, 1, 0));
	screen_delete(s);
}

static void two_byte_escape_is_swallowed(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "\x1b" "cA\x1b(BB\x1b" "7C");
	assert_true(cell32(s, 0, 0, 'A'));
	assert_true(cell32(s, 1, 0, 'B'));
	assert_true(cell32(s, 2, 0, 'C'));
	assert_true(cell_blank(s, 3, 0));
	screen_delete(s);
}

static void control_byte_aborts_escape(void **state)
{
	struct screen *s = vga32();

	(void)state;
	put(s, "\x1b[12\nQ");
	assert_true(cell_blank(s, 0, 0));
	assert_true(cell32(s, 0, 1, 'Q'));
	screen_delete(s);
}

static void runaway_escape_is_abandoned(void **state)
{
	struct screen *s = vga32();
	char seq[2 + 100 + 1];

	(void)state;
	seq[0] = '\x1b';
	seq[1] = '[';
	memset(seq + 2, '5', 100);
	seq[102] = '\0';
	put(s, seq);
	/* Some of the digits must have come out as text. */
	assert_true(cell32(s, 0, 0, '5'));
	screen_delete(s);
}

/* ---- EGA text mode ---- */

static void ega_init_fills_blank_cells(void **state)
{
	struct screen *s = screen_new(ega_fb(80, 25, 160));
	uint32_t x, y;

	(void)state;
	for (y = 0; y < 25; y++)
		for (x = 0; x < 80; x++)
			assert_int_equal(unit_at(s, x, y), 0x0720);
	assert_true(padding_intact(s));
	screen_delete(s);
}

static void ega_writes_char_and_attribute(void **state)
{
	struct screen *s = screen_new(ega_fb(80, 25, 160));

	(void)state;
	put(s, "Hi\n\tx");
	assert_int_equal(s->mem[0], 'H');
	assert_int_equal(s->mem[1], 0x07);
	assert_int_equal(s->mem[2], 'i');
	assert_int_equal(s->mem[3], 0x07);
	assert_int_equal(s->mem[4], ' ');
	assert_int_equal(s->mem[160 + 16], 'x');
	assert_int_equal(s->mem[160 + 17], 0x07);
	screen_delete(s);
}

static void ega_nonprintable_shows_placeholder(void **state)
{
	struct screen *s = screen_new(ega_fb(80, 25, 160));

	(void)state;
	put(s, "\x01\xc3\x1b[31m!");
	assert_int_equal(unit_at(s, 0, 0), 0x07fe);
	assert_int_equal(unit_at(s, 1, 0), 0x07fe);
	assert_int_equal(unit_at(s, 2, 0), 0x0700 | '!');
	assert_int_equal(unit_at(s, 3, 0), 0x0720);
	screen_delete(s);
}

static void ega_scrolls_and_blanks_last_row(void **state)
{
	struct screen *s = screen_new(ega_fb(80, 25, 160));
	char text[3] = "a\n";
	uint32_t r, x;

	(void)state;
	for (r = 0; r < 25; r++) {
		text[0] = (char)('a' + r);
		put(s, text);
	}
	/* 25 newlines on 25 rows: "a" scrolled off, "b" on top. */
	assert_int_equal(unit_at(s, 0, 0), 0x0700 | 'b');
	assert_int_equal(unit_at(s, 0, 23), 0x0700 | 'y');
	for (x = 0; x < 80; x++)
		assert_int_equal(unit_at(s, x, 24), 0x0720);
	put(s, "Z");
	assert_int_equal(unit_at(s, 0, 24), 0x0700 | 'Z');
	screen_delete(s);
}

static void ega_wraps_and_keeps_padding(void **state)
{
	/* Odd pitch wider than the 40 visible cells. */
	struct screen *s = screen_new(ega_fb(40, 3, 40 * 2 + 7));
	char line[41];
	int i;

	(void)state;
	memset(line, 'w', 40);
	line[40] = '\0';
	put(s, line);
	put(s, "V");
	assert_int_equal(unit_at(s, 39, 0), 0x0700 | 'w');
	assert_int_equal(unit_at(s, 0, 1), 0x0700 | 'V');
	for (i = 0; i < 10; i++)
		put(s, "scrolling past the bottom of the screen\n");
	assert_true(padding_intact(s));
	screen_delete(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_rejects_missing_framebuffer),
		cmocka_unit_test(init_rejects_unknown_type),
		cmocka_unit_test(init_rejects_unsupported_bpp),
		cmocka_unit_test(init_rejects_zero_size),
		cmocka_unit_test(init_rejects_absurd_size),
		cmocka_unit_test(init_rejects_pitch_shorter_than_row),
		cmocka_unit_test(init_rejects_screen_smaller_than_a_glyph),
		cmocka_unit_test(init_rejects_channel_outside_pixel),
		cmocka_unit_test(init_rejects_null_mapping),
		cmocka_unit_test(failed_init_leaves_console_inert),
		cmocka_unit_test(init_clears_screen_to_black),
		cmocka_unit_test(colours_are_light_grey_on_black),
		cmocka_unit_test(wide_channels_scale_the_grey),
		cmocka_unit_test(glyph_A_stays_inside_its_cell),
		cmocka_unit_test(characters_advance_one_cell_each),
		cmocka_unit_test(nonprintable_bytes_draw_placeholder),
		cmocka_unit_test(font_glyphs_are_distinct_and_keep_a_gap),
		cmocka_unit_test(rgb24_draws_glyphs_and_keeps_padding),
		cmocka_unit_test(rgb16_draws_glyphs_and_keeps_padding),
		cmocka_unit_test(wraps_at_right_edge),
		cmocka_unit_test(full_line_then_newline_leaves_no_blank_line),
		cmocka_unit_test(newline_returns_to_column_zero),
		cmocka_unit_test(carriage_return_goes_to_column_zero),
		cmocka_unit_test(tab_moves_to_next_multiple_of_8),
		cmocka_unit_test(tab_stops_at_last_column),
		cmocka_unit_test(backspace_moves_back_one_column),
		cmocka_unit_test(scrolling_moves_row1_to_row0_and_blanks_last),
		cmocka_unit_test(scrolling_without_padding_moves_whole_screen),
		cmocka_unit_test(wrap_on_last_row_scrolls),
		cmocka_unit_test(clear_blanks_screen_and_homes_cursor),
		cmocka_unit_test(csi_sequences_are_swallowed),
		cmocka_unit_test(escape_split_across_writes_is_swallowed),
		cmocka_unit_test(two_byte_escape_is_swallowed),
		cmocka_unit_test(control_byte_aborts_escape),
		cmocka_unit_test(runaway_escape_is_abandoned),
		cmocka_unit_test(ega_init_fills_blank_cells),
		cmocka_unit_test(ega_writes_char_and_attribute),
		cmocka_unit_test(ega_nonprintable_shows_placeholder),
		cmocka_unit_test(ega_scrolls_and_blanks_last_row),
		cmocka_unit_test(ega_wraps_and_keeps_padding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
