/*
 * The memory character devices, with Linux's numbers and behaviour:
 *
 *   /dev/null    (1,3)  reads end of file; writes swallow everything
 *   /dev/zero    (1,5)  reads zeros; writes swallow everything
 *   /dev/full    (1,7)  reads zeros; writes fail with -ENOSPC
 *   /dev/random  (1,8)  reads from the kernel generator; writes mix in
 *   /dev/urandom (1,9)  the same (Basalt's generator never blocks once
 *                       random_init() has run, as Linux's since 5.6)
 *   /dev/kmsg    (1,11) the kernel log, one record per read, Linux's text
 *   /dev/console (5,1)  writes to the serial port, reads what it received
 *
 * null, zero and full seek to 0 whatever they are asked and report
 * success, as Linux's null_lseek() does (so fopen(..., "a") works);
 * random and urandom report the position unchanged (noop_llseek); the
 * console cannot seek (-ESPIPE, the VFS default for a missing ->llseek).
 *
 * /dev/kmsg.  Every open file reads on its own: a struct kmsg_reader in
 * file->private_data (made at open for readers, freed at release) holds
 * the sequence number of the next record, starting at the oldest one the
 * log still has.  A read returns exactly one record formatted by
 * kmsg_format(): "<prio>,<seq>,<usec>,-;<text>\n".  As on Linux:
 *   - a buffer too small for the record is -EINVAL, and that record is
 *     skipped (Linux advances before checking the size);
 *   - a reader that fell behind, whose next record was overwritten,
 *     gets -EPIPE once and then continues from the oldest record left;
 *   - lseek(fd, 0, SEEK_SET) moves to the oldest record, SEEK_END past
 *     the newest, SEEK_DATA to the first record after the last clear
 *     (Basalt has no "dmesg -c", so the oldest); a non-zero offset is
 *     -ESPIPE and another whence -EINVAL.
 * Linux blocks a reader with no new record unless O_NONBLOCK is set;
 * Basalt cannot sleep yet, so the read always returns -EAGAIN then.  When
 * wait queues exist, printk should wake readers and this should wait.
 * A write is logged with printk() as one message, at the level of an
 * optional "<N>" prefix, else at Linux's default message level 4
 * (KERN_WARNING, CONFIG_MESSAGE_LOGLEVEL_DEFAULT), and returns the whole
 * count.  Linux's rate limit of user writes is not there.  The log has no
 * facility field, so a user's line reads back with facility 0.
 *
 * The log ring is read with log_read_record() (kernel/printk.c), which
 * silently skips overwritten records and says nothing about where the log
 * begins or ends.  kmsg_fetch() turns its answer into "the record found
 * and whether any were lost"; the start and the end of the log are found
 * by asking it (kmsg_first_seq(), kmsg_end_seq()).  See the notes there.
 *
 * /dev/console.  Writes go to serial_write() (arch/arch.h); the screen
 * console does not get them.  A read takes what serial_getc() has
 * received, without waiting: -EAGAIN if nothing.  Real terminals (ttys,
 * line discipline, blocking reads) come later and will take over (5,1).
 *
 * Locking: each kmsg reader has a mutex for its position and buffers, as
 * Linux's devkmsg_user has; log_read_record() takes log_lock inside.  The
 * other devices keep no state.  Everything runs in process context.
 *
 * Interface: mem_devices_init().
 */
#include "drivers/char/mem.h"
#include "arch/arch.h"
#include "drivers/char/kmsg_format.h"
#include "drivers/char/random.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/sync.h"
#include "mm/mm.h"

#ifdef BASALT_HOST_TEST
/* The host stand-in for arch/arch.h has no serial port yet; the unit
 * test that links this file provides these two. */
void serial_write(const char *s, size_t len);
int serial_getc(void);
#endif

#define MEM_CHUNK		256	/* stack buffer for random and console */
#define KMSG_TEXT_MAX		256	/* a log record is at most 255 bytes */
#define KMSG_WRITE_MAX		1024	/* Linux's PRINTKRB_RECORD_MAX */
#define KMSG_DEFAULT_LEVEL	LOG_WARNING	/* default_message_loglevel */

/* Clear a buffer that held random bytes; a plain memset() before return
 * may be dropped as a dead store. */
static void mem_wipe(void *buf, size_t len)
{
	volatile unsigned char *p = buf;

	while (len--)
		*p++ = 0;
}

/* ---- null, zero, full ------------------------------------------------- */

static ssize_t null_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	(void)file;
	(void)to;
	(void)pos;
	return 0;
}

static ssize_t null_write(struct file *file, struct iov_iter *from,
			  loff_t *pos)
{
	size_t n = iov_iter_count(from);

	(void)file;
	(void)pos;
	iov_iter_advance(from, n);
	return (ssize_t)n;
}

/* Any seek lands on 0 and succeeds: Linux's null_lseek(). */
static loff_t null_llseek(struct file *file, loff_t offset, int whence)
{
	(void)offset;
	(void)whence;
	file->f_pos = 0;
	return 0;
}

static ssize_t zero_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	size_t want = iov_iter_count(to);
	size_t done;

	(void)file;
	(void)pos;
	done = zero_to_iter(want, to);
	if (!done && want)
		return -EFAULT;
	return (ssize_t)done;
}

static ssize_t full_write(struct file *file, struct iov_iter *from,
			  loff_t *pos)
{
	(void)file;
	(void)from;
	(void)pos;
	return -ENOSPC;
}

static const struct file_ops null_fops = {
	.read = null_read,
	.write = null_write,
	.llseek = null_llseek,
};

static const struct file_ops zero_fops = {
	.read = zero_read,
	.write = null_write,
	.llseek = null_llseek,
};

static const struct file_ops full_fops = {
	.read = zero_read,
	.write = full_write,
	.llseek = null_llseek,
};

/* ---- random, urandom -------------------------------------------------- */

static ssize_t random_read(struct file *file, struct iov_iter *to,
			   loff_t *pos)
{
	unsigned char buf[MEM_CHUNK];
	size_t want = iov_iter_count(to);
	size_t done = 0;

	(void)file;
	(void)pos;
	while (iov_iter_count(to)) {
		size_t n = MIN(sizeof(buf), iov_iter_count(to));
		size_t copied;

		random_get_bytes(buf, n);
		copied = copy_to_iter(buf, n, to);
		done += copied;
		if (copied < n)
			break;		/* the user buffer faulted */
	}
	mem_wipe(buf, sizeof(buf));
	if (!done && want)
		return -EFAULT;
	return (ssize_t)done;
}

static ssize_t random_write(struct file *file, struct iov_iter *from,
			    loff_t *pos)
{
	unsigned char buf[MEM_CHUNK];
	size_t want = iov_iter_count(from);
	size_t done = 0;

	(void)file;
	(void)pos;
	while (iov_iter_count(from)) {
		size_t n = MIN(sizeof(buf), iov_iter_count(from));
		size_t got = copy_from_iter(buf, n, from);

		if (got)
			random_add_entropy(buf, got);
		done += got;
		if (got < n)
			break;
	}
	mem_wipe(buf, sizeof(buf));
	if (!done && want)
		return -EFAULT;
	return (ssize_t)done;
}

/* The position never moves: Linux's noop_llseek(). */
static loff_t random_llseek(struct file *file, loff_t offset, int whence)
{
	(void)offset;
	(void)whence;
	return file->f_pos;
}

/* /dev/random and /dev/urandom differ on Linux only in whether a read
 * waits for the generator's first seeding; here it is seeded at boot. */
static const struct file_ops random_fops = {
	.read = random_read,
	.write = random_write,
	.llseek = random_llseek,
};

/* ---- kmsg ------------------------------------------------------------- */

/* [K] kr->lock */
struct kmsg_reader {
	struct mutex lock;
	uint64_t seq;				/* [K] next record to read */
	char text[KMSG_TEXT_MAX];		/* [K] */
	char line[KMSG_FORMAT_MAX(KMSG_TEXT_MAX)];	/* [K] */
};

/*
 * The first record at or after @seq, with up to @size bytes of its text
 * in @text.  Returns false if the log holds none yet.  rec->seq > @seq
 * means the records in between were overwritten.
 *
 * log_read_record() answers with the record's text length and where
 * reading resumes; a record can be empty, so "found one" is told by
 * *next_seq moving (it stays at @seq when there is nothing to read).
 */
static bool kmsg_fetch(uint64_t seq, struct kmsg_record *rec, char *text,
		       size_t size)
{
	uint64_t next;
	uint64_t ts;
	int level;
	size_t len;

	len = log_read_record(seq, &level, &ts, text, size, &next);
	if (next == seq)
		return false;
	rec->seq = next - 1;
	rec->ts_ns = ts;
	rec->facility = KMSG_FACILITY_KERN;
	rec->level = (unsigned)level;
	rec->text = text;
	rec->len = len;
	return true;
}

static bool kmsg_seq_exists_or_later(uint64_t seq)
{
	struct kmsg_record rec;
	char c;

	return kmsg_fetch(seq, &rec, &c, 0);
}

/* The oldest record the log still holds (0 when it is empty). */
static uint64_t kmsg_first_seq(void)
{
	struct kmsg_record rec;
	char c;

	return kmsg_fetch(0, &rec, &c, 0) ? rec.seq : 0;
}

/*
 * The sequence number the next record will get.  printk.c does not
 * export it, so find it: "some record at or after s" is true exactly for
 * s below it, so gallop up from the oldest record, then bisect.  About
 * 2 * log2(records in the ring) calls of log_read_record(), each a short
 * hold of log_lock; records added meanwhile only make the answer a
 * little early, which a reader cannot tell from arriving a moment sooner.
 * To be replaced by a log_next_seq()-style accessor in kernel/printk.c.
 */
static uint64_t kmsg_end_seq(void)
{
	struct kmsg_record rec;
	uint64_t lo, hi, step = 1;
	char c;

	if (!kmsg_fetch(0, &rec, &c, 0))
		return 0;		/* nothing logged yet */
	lo = rec.seq;			/* the oldest record */
	hi = lo + 1;
	while (kmsg_seq_exists_or_later(hi)) {
		lo = hi;
		step *= 2;
		hi = lo + step;
	}
	/* exists(lo), !exists(hi): the end is in (lo, hi] */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (kmsg_seq_exists_or_later(mid))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* Readers get a position; write-only opens need none, as on Linux. */
static int kmsg_open(struct inode *inode, struct file *file)
{
	struct kmsg_reader *kr;

	(void)inode;
	file->private_data = NULL;
	if (!(file->f_mode & FMODE_READ))
		return 0;
	kr = kmalloc(sizeof(*kr));
	if (!kr)
		return -ENOMEM;
	mutex_init(&kr->lock, "kmsg_reader");
	kr->seq = kmsg_first_seq();
	file->private_data = kr;
	return 0;
}

static void kmsg_release(struct inode *inode, struct file *file)
{
	(void)inode;
	kfree(file->private_data);
	file->private_data = NULL;
}

/* One record per call; see the top of the file for the errors. */
static ssize_t kmsg_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct kmsg_reader *kr = file->private_data;
	struct kmsg_record rec;
	ssize_t ret;
	long len;

	(void)pos;
	if (!kr)
		return -EBADF;
	mutex_lock(&kr->lock);
	if (!kmsg_fetch(kr->seq, &rec, kr->text, sizeof(kr->text))) {
		ret = -EAGAIN;		/* Linux sleeps here without O_NONBLOCK */
		goto out_unlock;
	}
	if (rec.seq != kr->seq) {
		kr->seq = rec.seq;	/* lost records: say so once, go on */
		ret = -EPIPE;
		goto out_unlock;
	}
	kr->seq = rec.seq + 1;
	len = kmsg_format(&rec, kr->line, sizeof(kr->line));
	if (len < 0 || (size_t)len > iov_iter_count(to)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (copy_to_iter(kr->line, (size_t)len, to) != (size_t)len)
		ret = -EFAULT;
	else
		ret = len;
out_unlock:
	mutex_unlock(&kr->lock);
	return ret;
}

/* One line into the log: "<N>" picks the level, else level 4. */
static ssize_t kmsg_write(struct file *file, struct iov_iter *from,
			  loff_t *pos)
{
	size_t len = iov_iter_count(from);
	unsigned level = KMSG_DEFAULT_LEVEL;
	unsigned facility = KMSG_FACILITY_USER;	/* not stored: no field */
	const char *line;
	char *buf;

	(void)file;
	(void)pos;
	if (len > KMSG_WRITE_MAX)
		return -EINVAL;
	buf = kmalloc(len + 1);
	if (!buf)
		return -ENOMEM;
	if (copy_from_iter(buf, len, from) != len) {
		kfree(buf);
		return -EFAULT;
	}
	buf[len] = '\0';
	line = kmsg_parse_prefix(buf, &level, &facility);
	printk((int)level, "%s", line);
	kfree(buf);
	return (ssize_t)len;
}

static loff_t kmsg_llseek(struct file *file, loff_t offset, int whence)
{
	struct kmsg_reader *kr = file->private_data;
	uint64_t seq;

	if (!kr)
		return -EBADF;
	if (offset)
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET:
	case SEEK_DATA:		/* after the last clear: none, so the start */
		seq = kmsg_first_seq();
		break;
	case SEEK_END:
		seq = kmsg_end_seq();
		break;
	default:
		return -EINVAL;
	}
	mutex_lock(&kr->lock);
	kr->seq = seq;
	mutex_unlock(&kr->lock);
	return 0;
}

static const struct file_ops kmsg_fops = {
	.open = kmsg_open,
	.release = kmsg_release,
	.read = kmsg_read,
	.write = kmsg_write,
	.llseek = kmsg_llseek,
};

/* ---- console ---------------------------------------------------------- */

static ssize_t console_write(struct file *file, struct iov_iter *from,
			     loff_t *pos)
{
	char buf[MEM_CHUNK];
	size_t want = iov_iter_count(from);
	size_t done = 0;

	(void)file;
	(void)pos;
	while (iov_iter_count(from)) {
		size_t n = MIN(sizeof(buf), iov_iter_count(from));
		size_t got = copy_from_iter(buf, n, from);

		serial_write(buf, got);
		done += got;
		if (got < n)
			break;
	}
	if (!done && want)
		return -EFAULT;
	return (ssize_t)done;
}

/*
 * What the serial port has received, without waiting.  A byte taken from
 * the port is gone even if the user buffer then faults; a tty will keep
 * its own buffer.
 */
static ssize_t console_read(struct file *file, struct iov_iter *to,
			    loff_t *pos)
{
	char buf[MEM_CHUNK];
	size_t want = iov_iter_count(to);
	size_t done = 0;

	(void)file;
	(void)pos;
	while (iov_iter_count(to)) {
		size_t room = MIN(sizeof(buf), iov_iter_count(to));
		size_t n = 0;
		size_t copied;
		int c;

		while (n < room && (c = serial_getc()) >= 0)
			buf[n++] = (char)c;
		if (!n)
			break;
		copied = copy_to_iter(buf, n, to);
		done += copied;
		if (copied < n) {
			if (!done)
				return -EFAULT;
			break;
		}
		if (n < room)
			break;		/* the port is empty */
	}
	if (!done && want)
		return -EAGAIN;		/* a tty will sleep here */
	return (ssize_t)done;
}

static const struct file_ops console_fops = {
	.read = console_read,
	.write = console_write,
};

/* ---- registration ----------------------------------------------------- */

struct mem_dev {
	const char *name;
	unsigned major, minor;
	umode_t mode;
	const struct file_ops *fops;
};

static const struct mem_dev mem_devs[] = {
	{ "null", MEM_MAJOR, MEM_NULL_MINOR, 0666, &null_fops },
	{ "zero", MEM_MAJOR, MEM_ZERO_MINOR, 0666, &zero_fops },
	{ "full", MEM_MAJOR, MEM_FULL_MINOR, 0666, &full_fops },
	{ "random", MEM_MAJOR, MEM_RANDOM_MINOR, 0666, &random_fops },
	{ "urandom", MEM_MAJOR, MEM_URANDOM_MINOR, 0666, &random_fops },
	{ "kmsg", MEM_MAJOR, MEM_KMSG_MINOR, 0644, &kmsg_fops },
	{ "console", TTYAUX_MAJOR, TTYAUX_CONSOLE_MINOR, 0600, &console_fops },
};

/*
 * Claim one number.  Finding our own table there already is success:
 * mem_devices_init() may run again (the unit tests build a fresh /dev
 * for every test, and the registry outlives it).
 */
static int mem_register(const struct mem_dev *d)
{
	int err;

	err = chrdev_register(d->major, d->minor, 1,
			      d->major == MEM_MAJOR ? "mem" : "/dev/console",
			      d->fops);
	if (err == -EBUSY && chrdev_lookup(MKDEV(d->major, d->minor)) ==
				     d->fops)
		err = 0;
	return err;
}

/*
 * Register null, zero, full, random, urandom, kmsg and console and add
 * their nodes to /dev (now, or when devfs_init() runs).  A device whose
 * number cannot be claimed gets no node; the others are still set up.
 * May sleep.  Returns 0 or the first error.
 */
int mem_devices_init(void)
{
	int first_err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mem_devs); i++) {
		const struct mem_dev *d = &mem_devs[i];
		int err;

		err = mem_register(d);
		if (err) {
			pr_warn("mem: cannot register %s (%u,%u): error %d\n",
				d->name, d->major, d->minor, err);
		} else {
			/* devfs_add_node() logs its own failures */
			err = devfs_add_node(d->name, S_IFCHR | d->mode,
					     MKDEV(d->major, d->minor));
		}
		if (err && !first_err)
			first_err = err;
	}
	return first_err;
}
