/*
 * The screen as the second kernel console ("tty0"): the framebuffer the
 * boot loader set up, or the VGA text buffer when there is none and the
 * firmware does not say VGA is absent.  Rendering is the pure fbcon.c;
 * this file maps the memory and registers the console.  fbcon has no lock
 * of its own: printk's log_lock serialises every write.
 */
#include "drivers/console/fbcon.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/mm.h"

#define VGA_TEXT_BASE	0xb8000
#define FB_MAX_BYTES	(256u << 20)

static struct fbcon screen;

static void screen_write(const char *s, size_t len)
{
	fbcon_write(&screen, s, len);
}

static struct console screen_console = {
	.name = "tty0",
	.write = screen_write,
	.enabled = true,
};

/*
 * Start the screen console on @fb, or on VGA text if @fb is absent and
 * @vga_ok.  Returns 0, or -ENODEV / -EINVAL (with a log line) if there is
 * nothing usable.
 */
int fbcon_console_init(const struct boot_framebuffer *fb, bool vga_ok)
{
	struct boot_framebuffer vga = {
		.type = BOOT_FB_EGA_TEXT, .addr = VGA_TEXT_BASE,
		.pitch = 160, .width = 80, .height = 25, .bpp = 16,
	};
	uint64_t bytes;
	void *va;
	int err;

	if (fb->type == BOOT_FB_NONE) {
		if (!vga_ok)
			return -ENODEV;
		fb = &vga;
	}
	bytes = (uint64_t)fb->pitch * fb->height;
	if (bytes == 0 || bytes > FB_MAX_BYTES) {
		pr_warn("fbcon: framebuffer of %llu bytes ignored",
			(unsigned long long)bytes);
		return -EINVAL;
	}
	va = mm_map_phys(fb->addr, bytes, true);
	if (!va)
		return -EINVAL;
	err = fbcon_init(&screen, fb, va);
	if (err) {
		pr_warn("fbcon: unsupported framebuffer (%ux%u, %u bpp, type "
			"%u): %d", fb->width, fb->height, fb->bpp, fb->type,
			err);
		return err;
	}
	console_register(&screen_console);
	pr_info("fbcon: %s console %ux%u at %#llx",
		fb->type == BOOT_FB_EGA_TEXT ? "VGA text" : "framebuffer",
		fb->width, fb->height, (unsigned long long)fb->addr);
	return 0;
}
