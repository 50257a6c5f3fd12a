/*
 * Host tests for /dev: the character-device registry (fs/chrdev.c), the
 * devtmpfs on /dev (fs/devfs.c) and the memory devices
 * (drivers/char/mem.c), all driven through the kernel's file API over a
 * fresh VFS per test (test/unit/shim/shim_vfs.c).
 *
 * What the shims do not provide is stood in for here, and only here:
 *   - random_get_bytes() / random_add_entropy(): drivers/char/random.c
 *     needs RDRAND and the cycle counter, so a deterministic byte stream
 *     replaces it, and added entropy is recorded for inspection;
 *   - serial_write() / serial_getc(): a fake port with an input queue
 *     and a capture of the output;
 *   - log_read_record(): a small fake log ring (FAKE_LOG_RECORDS
 *     records) that the tests fill directly, so /dev/kmsg can be read
 *     back record by record, overwritten and sought through.
 */
#include "fs/internal.h"
#include "drivers/char/mem.h"
#include "drivers/char/random.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "test/unit/shim/shim.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

/* ---- stand-in: the random generator --------------------------------- */

static uint64_t fake_rng_state;
static unsigned char fake_entropy[4096];
static size_t fake_entropy_len;

static unsigned char fake_rng_byte(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned char)(*s >> 24);
}

static void fake_rng_reset(void)
{
	fake_rng_state = 0x243f6a8885a308d3ull;
	fake_entropy_len = 0;
}

void random_get_bytes(void *out, size_t len)
{
	unsigned char *p = out;

	for (size_t i = 0; i < len; i++)
		p[i] = fake_rng_byte(&fake_rng_state);
}

void random_add_entropy(const void *buf, size_t len)
{
	size_t n = len;

	if (n > sizeof(fake_entropy) - fake_entropy_len)
		n = sizeof(fake_entropy) - fake_entropy_len;
	memcpy(fake_entropy + fake_entropy_len, buf, n);
	fake_entropy_len += n;
}

/* ---- stand-in: the serial port -------------------------------------- */

static char serial_in[256];
static size_t serial_in_len, serial_in_pos;
static char serial_out[4096];
static size_t serial_out_len;

static void fake_serial_reset(void)
{
	serial_in_len = serial_in_pos = serial_out_len = 0;
}

static void fake_serial_receive(const char *s)
{
	size_t n = strlen(s);

	assert_true(serial_in_len + n <= sizeof(serial_in));
	memcpy(serial_in + serial_in_len, s, n);
	serial_in_len += n;
}

void serial_write(const char *s, size_t len)
{
	assert_true(serial_out_len + len <= sizeof(serial_out));
	memcpy(serial_out + serial_out_len, s, len);
	serial_out_len += len;
}

int serial_getc(void)
{
	if (serial_in_pos == serial_in_len)
		return -1;
	return (unsigned char)serial_in[serial_in_pos++];
}

/* ---- stand-in: the log ring ----------------------------------------- */

#define FAKE_LOG_RECORDS	8

struct fake_record {
	int level;
	uint64_t ts_ns;
	char text[64];
	size_t len;
};

static struct fake_record fake_log[FAKE_LOG_RECORDS];
static uint64_t fake_log_next;

static void fake_log_reset(void)
{
	fake_log_next = 0;
}

static void fake_log_add(int level, uint64_t ts_ns, const char *text)
{
	struct fake_record *r = &fake_log[fake_log_next++ % FAKE_LOG_RECORDS];

	r->level = level;
	r->ts_ns = ts_ns;
	r->len = strlen(text);
	assert_true(r->len <= sizeof(r->text));
	memcpy(r->text, text, r->len);
}

/* The contract of kernel/printk.c's log_read_record(). */
size_t log_read_record(uint64_t seq, int *level, uint64_t *ts_ns, char *buf,
		       size_t len, uint64_t *next_seq)
{
	size_t n = 0;

	if (fake_log_next > FAKE_LOG_RECORDS &&
	    seq < fake_log_next - FAKE_LOG_RECORDS)
		seq = fake_log_next - FAKE_LOG_RECORDS;
	if (seq < fake_log_next) {
		const struct fake_record *r = &fake_log[seq % FAKE_LOG_RECORDS];

		n = len < r->len ? len : r->len;
		memcpy(buf, r->text, n);
		*level = r->level;
		*ts_ns = r->ts_ns;
		seq++;
	}
	*next_seq = seq;
	return n;
}

/* ---- helpers -------------------------------------------------------- */

static int dev_open(const char *path, int flags, struct file **out)
{
	struct vfs_ctx ctx;
	int err;

	vfs_ctx_init_kernel(&ctx);
	err = vfs_open(&ctx, NULL, path, flags, 0, out);
	vfs_ctx_release(&ctx);
	return err;
}

static struct file *open_ok(const char *path, int flags)
{
	struct file *f = NULL;

	assert_int_equal(dev_open(path, flags, &f), 0);
	assert_non_null(f);
	return f;
}

static int dev_stat(const char *path, struct kstat *st)
{
	struct vfs_ctx ctx;
	int err;

	vfs_ctx_init_kernel(&ctx);
	err = vfs_stat(&ctx, NULL, path, 0, st);
	vfs_ctx_release(&ctx);
	return err;
}

static void assert_node(const char *path, umode_t mode, dev_t rdev)
{
	struct kstat st;

	assert_int_equal(dev_stat(path, &st), 0);
	assert_int_equal(st.mode, mode);
	assert_int_equal(st.rdev, rdev);
	assert_int_equal(st.uid, 0);
	assert_int_equal(st.gid, 0);
}

static void fresh_fakes(void)
{
	fake_rng_reset();
	fake_serial_reset();
	fake_log_reset();
}

/* A VFS with /dev mounted and the memory devices in it. */
static int setup_dev(void **state)
{
	(void)state;
	fresh_fakes();
	shim_vfs_setup();
	assert_int_equal(devfs_init(), 0);
	assert_int_equal(mem_devices_init(), 0);
	return 0;
}

/* A VFS with nothing on /dev yet. */
static int setup_vfs_only(void **state)
{
	(void)state;
	fresh_fakes();
	shim_vfs_setup();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	shim_vfs_teardown();
	return 0;
}

static const struct file_ops dummy_fops;
static const struct file_ops other_fops;

/* ---- /dev itself ---------------------------------------------------- */

static void devfs_init_mounts_devtmpfs_on_dev(void **state)
{
	struct vfs_ctx ctx;
	struct path p;
	struct kstat st;

	(void)state;
	assert_int_equal(dev_stat("/dev", &st), 0);
	assert_int_equal(st.mode, S_IFDIR | 0755);
	vfs_ctx_init_kernel(&ctx);
	assert_int_equal(vfs_path_lookup(&ctx, NULL, "/dev", LOOKUP_FOLLOW,
					 &p), 0);
	assert_ptr_equal(p.mnt->m_sb->s_type, &devtmpfs_fs_type);
	assert_ptr_equal(p.dentry, p.mnt->m_root);
	path_put(&p);
	vfs_ctx_release(&ctx);
}

static void devfs_init_again_does_not_mount_twice(void **state)
{
	uint64_t mounts = vfs_nr_mounts();

	(void)state;
	assert_int_equal(devfs_init(), 0);
	assert_int_equal(vfs_nr_mounts(), mounts);
	assert_node("/dev/null", S_IFCHR | 0666, MKDEV(1, 3));
}

static void devfs_init_uses_existing_dev_directory(void **state)
{
	struct vfs_ctx ctx;

	(void)state;
	vfs_ctx_init_kernel(&ctx);
	assert_int_equal(vfs_mkdir(&ctx, NULL, "/dev", 0700), 0);
	vfs_ctx_release(&ctx);
	assert_int_equal(devfs_init(), 0);
	assert_int_equal(devfs_add_node("null", S_IFCHR | 0666,
					MKDEV(1, 3)), 0);
	assert_node("/dev/null", S_IFCHR | 0666, MKDEV(1, 3));
}

static void mem_nodes_have_linux_numbers_and_modes(void **state)
{
	(void)state;
	assert_node("/dev/null", S_IFCHR | 0666, MKDEV(1, 3));
	assert_node("/dev/zero", S_IFCHR | 0666, MKDEV(1, 5));
	assert_node("/dev/full", S_IFCHR | 0666, MKDEV(1, 7));
	assert_node("/dev/random", S_IFCHR | 0666, MKDEV(1, 8));
	assert_node("/dev/urandom", S_IFCHR | 0666, MKDEV(1, 9));
	assert_node("/dev/kmsg", S_IFCHR | 0644, MKDEV(1, 11));
	assert_node("/dev/console", S_IFCHR | 0600, MKDEV(5, 1));
}

static void devfs_nodes_added_before_init_appear_after_it(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(devfs_add_node("early", S_IFCHR | 0640,
					MKDEV(1, 3)), 0);
	assert_int_equal(devfs_add_node("input/mice", S_IFCHR | 0600,
					MKDEV(13, 63)), 0);
	assert_int_equal(dev_stat("/dev/early", &st), -ENOENT);
	assert_int_equal(devfs_init(), 0);
	assert_node("/dev/early", S_IFCHR | 0640, MKDEV(1, 3));
	assert_node("/dev/input/mice", S_IFCHR | 0600, MKDEV(13, 63));
}

static void devfs_queued_mem_devices_work_after_init(void **state)
{
	struct file *f;
	char buf[4] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(mem_devices_init(), 0);
	assert_int_equal(devfs_init(), 0);
	f = open_ok("/dev/zero", O_RDONLY);
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), 4);
	assert_int_equal(buf[0] | buf[1] | buf[2] | buf[3], 0);
	file_put(f);
}

static void devfs_subdirectory_node(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(devfs_add_node("input/event0", S_IFCHR | 0640,
					MKDEV(13, 64)), 0);
	assert_int_equal(devfs_add_node("input/event1", S_IFCHR | 0640,
					MKDEV(13, 65)), 0);
	assert_int_equal(dev_stat("/dev/input", &st), 0);
	assert_int_equal(st.mode, S_IFDIR | 0755);
	assert_node("/dev/input/event0", S_IFCHR | 0640, MKDEV(13, 64));
	assert_node("/dev/input/event1", S_IFCHR | 0640, MKDEV(13, 65));
}

static void devfs_block_node(void **state)
{
	(void)state;
	assert_int_equal(devfs_add_node("vda", S_IFBLK | 0660,
					MKDEV(254, 0)), 0);
	assert_node("/dev/vda", S_IFBLK | 0660, MKDEV(254, 0));
}

static void devfs_rejects_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "/null", "a/b/c", "input/", "a//b", ".", "..", "../etc",
		"input/..", "./x",
	};
	char longname[NAME_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		shim_log_clear();
		assert_int_equal(devfs_add_node(bad[i], S_IFCHR | 0600,
						MKDEV(1, 3)), -EINVAL);
		assert_true(shim_log_contains("devfs"));
	}
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(devfs_add_node(longname, S_IFCHR | 0600,
					MKDEV(1, 3)), -ENAMETOOLONG);
}

static void devfs_rejects_non_device_mode(void **state)
{
	struct kstat st;

	(void)state;
	assert_int_equal(devfs_add_node("file", S_IFREG | 0644, 0), -EINVAL);
	assert_int_equal(devfs_add_node("dir", S_IFDIR | 0755, 0), -EINVAL);
	assert_int_equal(dev_stat("/dev/file", &st), -ENOENT);
}

static void devfs_existing_name_is_eexist_and_logged(void **state)
{
	(void)state;
	shim_log_clear();
	assert_int_equal(devfs_add_node("null", S_IFCHR | 0666,
					MKDEV(1, 3)), -EEXIST);
	assert_true(shim_log_contains("/dev/null"));
}

static void devfs_queue_out_of_memory_is_enomem(void **state)
{
	struct kstat st;

	(void)state;
	shim_fail_allocations_after(0);
	assert_int_equal(devfs_add_node("lost", S_IFCHR | 0600,
					MKDEV(1, 3)), -ENOMEM);
	shim_fail_allocations_after(-1);
	assert_int_equal(devfs_init(), 0);
	assert_int_equal(dev_stat("/dev/lost", &st), -ENOENT);
}

/* ---- the registry --------------------------------------------------- */

static void chrdev_register_overlap_is_ebusy(void **state)
{
	(void)state;
	assert_int_equal(chrdev_register(240, 0, 4, "t", &dummy_fops), 0);
	assert_int_equal(chrdev_register(240, 0, 4, "t", &dummy_fops), -EBUSY);
	assert_int_equal(chrdev_register(240, 3, 2, "t", &other_fops), -EBUSY);
	assert_int_equal(chrdev_register(240, 0, 1, "t", &other_fops), -EBUSY);
	assert_int_equal(chrdev_register(240, 4, 1, "t", &other_fops), 0);
	assert_int_equal(chrdev_register(241, 0, 4, "t", &other_fops), 0);
}

static void chrdev_register_rejects_bad_numbers(void **state)
{
	(void)state;
	assert_int_equal(chrdev_register(4096, 0, 1, "t", &dummy_fops),
			 -EINVAL);
	assert_int_equal(chrdev_register(0, 0, 1, "t", &dummy_fops), -EINVAL);
	assert_int_equal(chrdev_register(242, 0, 0, "t", &dummy_fops),
			 -EINVAL);
	assert_int_equal(chrdev_register(242, 1u << 20, 1, "t", &dummy_fops),
			 -EINVAL);
	assert_int_equal(chrdev_register(242, (1u << 20) - 1, 2, "t",
					 &dummy_fops), -EINVAL);
	assert_int_equal(chrdev_register(242, 0, UINT32_MAX, "t",
					 &dummy_fops), -EINVAL);
	assert_int_equal(chrdev_register(242, 0, 1, "t", NULL), -EINVAL);
	/* the largest numbers there are */
	assert_int_equal(chrdev_register(4095, (1u << 20) - 1, 1, "t",
					 &dummy_fops), 0);
	assert_ptr_equal(chrdev_lookup(MKDEV(4095, (1u << 20) - 1)),
			 &dummy_fops);
}

static void chrdev_lookup_finds_the_range(void **state)
{
	(void)state;
	assert_int_equal(chrdev_register(243, 10, 5, "t", &dummy_fops), 0);
	assert_null(chrdev_lookup(MKDEV(243, 9)));
	assert_ptr_equal(chrdev_lookup(MKDEV(243, 10)), &dummy_fops);
	assert_ptr_equal(chrdev_lookup(MKDEV(243, 14)), &dummy_fops);
	assert_null(chrdev_lookup(MKDEV(243, 15)));
	assert_null(chrdev_lookup(MKDEV(244, 10)));
}

static void open_unregistered_node_is_enxio(void **state)
{
	struct file *f = NULL;

	(void)state;
	assert_int_equal(devfs_add_node("nothing", S_IFCHR | 0600,
					MKDEV(250, 7)), 0);
	assert_int_equal(dev_open("/dev/nothing", O_RDONLY, &f), -ENXIO);
	assert_null(f);
}

static int counted_opens;

static int counting_open(struct inode *inode, struct file *file)
{
	(void)inode;
	(void)file;
	counted_opens++;
	return 0;
}

static const struct file_ops counting_fops = { .open = counting_open };

static void open_registered_node_calls_driver_open(void **state)
{
	struct file *f;

	(void)state;
	assert_int_equal(chrdev_register(245, 0, 1, "t", &counting_fops), 0);
	assert_int_equal(devfs_add_node("counted", S_IFCHR | 0600,
					MKDEV(245, 0)), 0);
	counted_opens = 0;
	f = open_ok("/dev/counted", O_RDONLY);
	assert_int_equal(counted_opens, 1);
	assert_ptr_equal(f->f_op, &counting_fops);
	file_put(f);
}

/* ---- null, zero, full ----------------------------------------------- */

static void zero_reads_zeros(void **state)
{
	struct file *f = open_ok("/dev/zero", O_RDONLY);
	char buf[5000];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	file_put(f);
}

static void zero_write_consumes_count(void **state)
{
	struct file *f = open_ok("/dev/zero", O_WRONLY);

	(void)state;
	assert_int_equal(kernel_write(f, "abc", 3), 3);
	file_put(f);
}

static void null_read_is_eof(void **state)
{
	struct file *f = open_ok("/dev/null", O_RDONLY);
	char buf[16];

	(void)state;
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), 0);
	file_put(f);
}

static void null_write_returns_count(void **state)
{
	struct file *f = open_ok("/dev/null", O_WRONLY);
	char buf[10000];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(kernel_write(f, buf, sizeof(buf)), sizeof(buf));
	file_put(f);
}

static void full_write_is_enospc(void **state)
{
	struct file *f = open_ok("/dev/full", O_RDWR);

	(void)state;
	assert_int_equal(kernel_write(f, "x", 1), -ENOSPC);
	file_put(f);
}

static void full_reads_zeros(void **state)
{
	struct file *f = open_ok("/dev/full", O_RDONLY);
	char buf[64];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	file_put(f);
}

static void null_zero_full_seek_to_zero_and_succeed(void **state)
{
	static const char *const names[] = {
		"/dev/null", "/dev/zero", "/dev/full",
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct file *f = open_ok(names[i], O_RDWR);

		f->f_pos = 77;
		assert_int_equal(vfs_llseek(f, 100, SEEK_SET), 0);
		assert_int_equal(f->f_pos, 0);
		f->f_pos = 77;
		assert_int_equal(vfs_llseek(f, -5, SEEK_END), 0);
		assert_int_equal(f->f_pos, 0);
		assert_int_equal(vfs_llseek(f, 1, 12345), 0);
		file_put(f);
	}
}

/* ---- random, urandom ------------------------------------------------ */

static void urandom_two_reads_differ(void **state)
{
	struct file *f = open_ok("/dev/urandom", O_RDONLY);
	unsigned char a[32], b[32];

	(void)state;
	assert_int_equal(kernel_read(f, a, sizeof(a)), sizeof(a));
	assert_int_equal(kernel_read(f, b, sizeof(b)), sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	file_put(f);
}

static void random_read_returns_generator_bytes(void **state)
{
	struct file *f = open_ok("/dev/random", O_RDONLY);
	unsigned char got[1000], want[1000];
	uint64_t s;

	(void)state;
	fake_rng_reset();
	s = fake_rng_state;
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = fake_rng_byte(&s);
	/* longer than one chunk of the driver's stack buffer */
	assert_int_equal(kernel_read(f, got, sizeof(got)), sizeof(got));
	assert_memory_equal(got, want, sizeof(got));
	file_put(f);
}

static void random_write_mixes_in_and_returns_count(void **state)
{
	struct file *f = open_ok("/dev/urandom", O_WRONLY);
	unsigned char seed[700];

	(void)state;
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (unsigned char)(i * 7);
	assert_int_equal(kernel_write(f, seed, sizeof(seed)), sizeof(seed));
	assert_int_equal(fake_entropy_len, sizeof(seed));
	assert_memory_equal(fake_entropy, seed, sizeof(seed));
	file_put(f);
}

static void random_seek_keeps_position(void **state)
{
	struct file *f = open_ok("/dev/random", O_RDONLY);

	(void)state;
	assert_int_equal(vfs_llseek(f, 100, SEEK_SET), 0);
	f->f_pos = 5;
	assert_int_equal(vfs_llseek(f, 100, SEEK_SET), 5);
	assert_int_equal(vfs_llseek(f, 0, SEEK_END), 5);
	assert_int_equal(f->f_pos, 5);
	file_put(f);
}

/* ---- kmsg ----------------------------------------------------------- */

/* Read one record as a string; returns read()'s result. */
static ssize_t kmsg_read_str(struct file *f, char *buf, size_t size)
{
	ssize_t n = kernel_read(f, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The next read from @f returns exactly the line @want. */
static void assert_kmsg_line(struct file *f, const char *want)
{
	char buf[512];

	assert_int_equal(kmsg_read_str(f, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void kmsg_read_returns_one_record_in_linux_format(void **state)
{
	struct file *f;

	(void)state;
	fake_log_add(6, 1500000, "hello");
	fake_log_add(3, 2000000999, "disk\ton fire");
	f = open_ok("/dev/kmsg", O_RDONLY);
	assert_kmsg_line(f, "6,0,1500,-;hello\n");
	assert_kmsg_line(f, "3,1,2000000,-;disk\\x09on fire\n");
	file_put(f);
}

static void kmsg_read_without_new_record_is_eagain(void **state)
{
	struct file *f = open_ok("/dev/kmsg", O_RDONLY);
	char buf[256];

	(void)state;
	assert_int_equal(kmsg_read_str(f, buf, sizeof(buf)), -EAGAIN);
	fake_log_add(4, 0, "late");
	assert_kmsg_line(f, "4,0,0,-;late\n");
	assert_int_equal(kmsg_read_str(f, buf, sizeof(buf)), -EAGAIN);
	file_put(f);
}

static void kmsg_small_buffer_is_einval_and_skips_record(void **state)
{
	struct file *f;
	char buf[256];

	(void)state;
	fake_log_add(6, 0, "first");
	fake_log_add(6, 0, "second");
	f = open_ok("/dev/kmsg", O_RDONLY);
	assert_int_equal(kernel_read(f, buf, 5), -EINVAL);
	/* Linux moves past the record before checking the size */
	assert_kmsg_line(f, "6,1,0,-;second\n");
	file_put(f);
}

static void kmsg_buffer_of_exact_record_size_is_enough(void **state)
{
	const char *want = "6,0,0,-;exact\n";
	struct file *f;
	char buf[14];

	(void)state;
	assert_int_equal(strlen(want), sizeof(buf));
	fake_log_add(6, 0, "exact");
	f = open_ok("/dev/kmsg", O_RDONLY);
	assert_int_equal(kernel_read(f, buf, sizeof(buf) - 1), -EINVAL);
	assert_int_equal(vfs_llseek(f, 0, SEEK_SET), 0);
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), sizeof(buf));
	assert_memory_equal(buf, want, sizeof(buf));
	file_put(f);
}

static void kmsg_reader_behind_gets_epipe_once(void **state)
{
	struct file *f;
	char buf[256];

	(void)state;
	fake_log_add(6, 0, "r0");
	f = open_ok("/dev/kmsg", O_RDONLY);		/* at seq 0 */
	for (int i = 1; i < FAKE_LOG_RECORDS + 3; i++)
		fake_log_add(6, 0, "rN");		/* seq 0..2 lost */
	assert_int_equal(kmsg_read_str(f, buf, sizeof(buf)), -EPIPE);
	assert_kmsg_line(f, "6,3,0,-;rN\n");
	assert_kmsg_line(f, "6,4,0,-;rN\n");
	file_put(f);
}

static void kmsg_open_starts_at_oldest_record(void **state)
{
	struct file *f;

	(void)state;
	for (int i = 0; i < FAKE_LOG_RECORDS + 2; i++)
		fake_log_add(6, 0, "r");
	f = open_ok("/dev/kmsg", O_RDONLY);
	assert_kmsg_line(f, "6,2,0,-;r\n");
	file_put(f);
}

static void kmsg_each_open_has_its_own_position(void **state)
{
	struct file *a, *b;

	(void)state;
	fake_log_add(6, 0, "one");
	fake_log_add(6, 0, "two");
	a = open_ok("/dev/kmsg", O_RDONLY);
	b = open_ok("/dev/kmsg", O_RDONLY);
	assert_kmsg_line(a, "6,0,0,-;one\n");
	assert_kmsg_line(a, "6,1,0,-;two\n");
	assert_kmsg_line(b, "6,0,0,-;one\n");
	file_put(a);
	file_put(b);
}

static void kmsg_seek_end_skips_to_new_records(void **state)
{
	struct file *f;
	char buf[256];

	(void)state;
	for (int i = 0; i < 1000; i++)
		fake_log_add(6, 0, "old");
	f = open_ok("/dev/kmsg", O_RDONLY);
	assert_int_equal(vfs_llseek(f, 0, SEEK_END), 0);
	assert_int_equal(kmsg_read_str(f, buf, sizeof(buf)), -EAGAIN);
	fake_log_add(5, 0, "new");
	assert_kmsg_line(f, "5,1000,0,-;new\n");
	file_put(f);
}

static void kmsg_seek_end_on_empty_log(void **state)
{
	struct file *f = open_ok("/dev/kmsg", O_RDONLY);

	(void)state;
	assert_int_equal(vfs_llseek(f, 0, SEEK_END), 0);
	fake_log_add(6, 0, "first");
	assert_kmsg_line(f, "6,0,0,-;first\n");
	file_put(f);
}

static void kmsg_seek_set_and_data_go_to_oldest(void **state)
{
	struct file *f;

	(void)state;
	for (int i = 0; i < FAKE_LOG_RECORDS + 5; i++)
		fake_log_add(6, 0, "r");
	f = open_ok("/dev/kmsg", O_RDONLY);
	assert_int_equal(vfs_llseek(f, 0, SEEK_END), 0);
	assert_int_equal(vfs_llseek(f, 0, SEEK_SET), 0);
	assert_kmsg_line(f, "6,5,0,-;r\n");
	assert_int_equal(vfs_llseek(f, 0, SEEK_DATA), 0);
	assert_kmsg_line(f, "6,5,0,-;r\n");
	file_put(f);
}

static void kmsg_seek_errors_as_linux(void **state)
{
	struct file *f = open_ok("/dev/kmsg", O_RDONLY);

	(void)state;
	assert_int_equal(vfs_llseek(f, 1, SEEK_SET), -ESPIPE);
	assert_int_equal(vfs_llseek(f, 0, SEEK_CUR), -EINVAL);
	assert_int_equal(vfs_llseek(f, 0, SEEK_HOLE), -EINVAL);
	file_put(f);
}

static void kmsg_write_logs_line_without_prefix(void **state)
{
	struct file *f = open_ok("/dev/kmsg", O_WRONLY);
	const char *msg = "<3>disk on fire\n";

	(void)state;
	shim_log_clear();
	assert_int_equal(kernel_write(f, msg, strlen(msg)), strlen(msg));
	assert_true(shim_log_contains("disk on fire"));
	assert_false(shim_log_contains("<3>"));
	assert_int_equal(kernel_write(f, "plain", 5), 5);
	assert_true(shim_log_contains("plain"));
	file_put(f);
}

static void kmsg_write_too_long_is_einval(void **state)
{
	struct file *f = open_ok("/dev/kmsg", O_WRONLY);
	static char big[1025];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(kernel_write(f, big, sizeof(big)), -EINVAL);
	assert_int_equal(kernel_write(f, big, 1024), 1024);
	file_put(f);
}

static void kmsg_write_only_open_keeps_no_reader(void **state)
{
	long before = shim_live_allocations();
	struct file *f = open_ok("/dev/kmsg", O_WRONLY);

	(void)state;
	/* one allocation: the file itself, no reader */
	assert_int_equal(shim_live_allocations(), before + 1);
	assert_int_equal(vfs_llseek(f, 0, SEEK_SET), -EBADF);
	file_put(f);
	assert_int_equal(shim_live_allocations(), before);
}

static void kmsg_reader_freed_at_release(void **state)
{
	long before = shim_live_allocations();
	struct file *f = open_ok("/dev/kmsg", O_RDONLY);

	(void)state;
	assert_int_equal(shim_live_allocations(), before + 2);
	file_put(f);
	assert_int_equal(shim_live_allocations(), before);
}

/* ---- console -------------------------------------------------------- */

static void console_write_goes_to_serial(void **state)
{
	struct file *f = open_ok("/dev/console", O_WRONLY);

	(void)state;
	assert_int_equal(kernel_write(f, "hi there\n", 9), 9);
	assert_int_equal(serial_out_len, 9);
	assert_memory_equal(serial_out, "hi there\n", 9);
	file_put(f);
}

static void console_read_takes_received_bytes(void **state)
{
	struct file *f = open_ok("/dev/console", O_RDONLY);
	char buf[16];

	(void)state;
	fake_serial_receive("abcde");
	assert_int_equal(kernel_read(f, buf, 2), 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "cde", 3);
	file_put(f);
}

static void console_read_with_nothing_received_is_eagain(void **state)
{
	struct file *f = open_ok("/dev/console", O_RDONLY);
	char buf[16];

	(void)state;
	assert_int_equal(kernel_read(f, buf, sizeof(buf)), -EAGAIN);
	file_put(f);
}

static void console_cannot_seek(void **state)
{
	struct file *f = open_ok("/dev/console", O_RDWR);

	(void)state;
	assert_int_equal(vfs_llseek(f, 0, SEEK_SET), -ESPIPE);
	file_put(f);
}

#define DEV_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_dev, teardown)
#define VFS_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, setup_vfs_only, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DEV_TEST(devfs_init_mounts_devtmpfs_on_dev),
		DEV_TEST(devfs_init_again_does_not_mount_twice),
		VFS_TEST(devfs_init_uses_existing_dev_directory),
		DEV_TEST(mem_nodes_have_linux_numbers_and_modes),
		VFS_TEST(devfs_nodes_added_before_init_appear_after_it),
		VFS_TEST(devfs_queued_mem_devices_work_after_init),
		DEV_TEST(devfs_subdirectory_node),
		DEV_TEST(devfs_block_node),
		DEV_TEST(devfs_rejects_bad_names),
		DEV_TEST(devfs_rejects_non_device_mode),
		DEV_TEST(devfs_existing_name_is_eexist_and_logged),
		VFS_TEST(devfs_queue_out_of_memory_is_enomem),
		DEV_TEST(chrdev_register_overlap_is_ebusy),
		DEV_TEST(chrdev_register_rejects_bad_numbers),
		DEV_TEST(chrdev_lookup_finds_the_range),
		DEV_TEST(open_unregistered_node_is_enxio),
		DEV_TEST(open_registered_node_calls_driver_open),
		DEV_TEST(zero_reads_zeros),
		DEV_TEST(zero_write_consumes_count),
		DEV_TEST(null_read_is_eof),
		DEV_TEST(null_write_returns_count),
		DEV_TEST(full_write_is_enospc),
		DEV_TEST(full_reads_zeros),
		DEV_TEST(null_zero_full_seek_to_zero_and_succeed),
		DEV_TEST(urandom_two_reads_differ),
		DEV_TEST(random_read_returns_generator_bytes),
		DEV_TEST(random_write_mixes_in_and_returns_count),
		DEV_TEST(random_seek_keeps_position),
		DEV_TEST(kmsg_read_returns_one_record_in_linux_format),
		DEV_TEST(kmsg_read_without_new_record_is_eagain),
		DEV_TEST(kmsg_small_buffer_is_einval_and_skips_record),
		DEV_TEST(kmsg_buffer_of_exact_record_size_is_enough),
		DEV_TEST(kmsg_reader_behind_gets_epipe_once),
		DEV_TEST(kmsg_open_starts_at_oldest_record),
		DEV_TEST(kmsg_each_open_has_its_own_position),
		DEV_TEST(kmsg_seek_end_skips_to_new_records),
		DEV_TEST(kmsg_seek_end_on_empty_log),
		DEV_TEST(kmsg_seek_set_and_data_go_to_oldest),
		DEV_TEST(kmsg_seek_errors_as_linux),
		DEV_TEST(kmsg_write_logs_line_without_prefix),
		DEV_TEST(kmsg_write_too_long_is_einval),
		DEV_TEST(kmsg_write_only_open_keeps_no_reader),
		DEV_TEST(kmsg_reader_freed_at_release),
		DEV_TEST(console_write_goes_to_serial),
		DEV_TEST(console_read_takes_received_bytes),
		DEV_TEST(console_read_with_nothing_received_is_eagain),
		DEV_TEST(console_cannot_seek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
