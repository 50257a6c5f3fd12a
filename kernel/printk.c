/*
 * The kernel log: a ring of LOG_RECORDS fixed-size records, each holding
 * one line with its level and a boot-relative timestamp, plus a set of
 * consoles that receive every line at or below the console level.
 *
 * A message is formatted into the record in place, then written to the
 * consoles, all under log_lock (irq-safe, a leaf lock), so lines from
 * different CPUs never interleave.  After a panic, printk_panic_mode()
 * makes printk ignore the lock: the CPU that held it may be stopped.
 *
 * Interface: printk(), console_register(), console_select(),
 * log_read_record() for /dev/kmsg later.
 */
#include "kernel/printk.h"
#include "arch/arch.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/sync.h"

#define LOG_RECORDS	1024
#define LOG_TEXT_MAX	240
#define MAX_CONSOLES	4

struct log_record {
	uint64_t ts_ns;
	uint8_t level;
	uint8_t len;
	char text[LOG_TEXT_MAX];
};

static struct spinlock log_lock = SPINLOCK_INIT("log", LOCK_RANK_LOG);
static struct log_record log_ring[LOG_RECORDS];	/* [log_lock] */
static uint64_t log_next_seq;			/* [log_lock] */
static struct console *consoles[MAX_CONSOLES];	/* [log_lock] */
static unsigned nr_consoles;			/* [log_lock] */
/* Set by the boot CPU from the command line before other CPUs start; after
 * that only a panic changes them, and a panic stops every other CPU. */
static int console_level = LOG_DEFAULT_CONSOLE_LEVEL;
static bool panic_mode;
static char console_selection[128];		/* [log_lock] "" = all */

static void emit_to_consoles(const struct log_record *r)
{
	char prefix[32];
	int n;

	n = ksnprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ",
		      (unsigned long long)(r->ts_ns / 1000000000ull),
		      (unsigned long long)(r->ts_ns / 1000ull % 1000000ull));
	for (unsigned i = 0; i < nr_consoles; i++) {
		if (!consoles[i]->enabled)
			continue;
		consoles[i]->write(prefix, (size_t)n);
		consoles[i]->write(r->text, r->len);
		consoles[i]->write("\n", 1);
	}
}

/* Store one line (without its newline) and show it if its level allows. */
static void log_store_line(int level, uint64_t ts, const char *s, size_t len)
{
	struct log_record *r = &log_ring[log_next_seq++ % LOG_RECORDS];

	if (len > LOG_TEXT_MAX)
		len = LOG_TEXT_MAX;
	r->ts_ns = ts;
	r->level = (uint8_t)level;
	r->len = (uint8_t)len;
	memcpy(r->text, s, len);
	if (level <= console_level)
		emit_to_consoles(r);
}

/*
 * Split a formatted message at newlines, one record per line; a line
 * longer than a record continues in the next records rather than being
 * cut short.
 */
static void log_store(int level, const char *msg, size_t len)
{
	uint64_t ts = arch_clock_ns();
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i != len && msg[i] != '\n')
			continue;
		if (i == start && i == len)
			break;		/* nothing after the last newline */
		do {
			size_t n = MIN(i - start, (size_t)LOG_TEXT_MAX);

			log_store_line(level, ts, msg + start, n);
			start += n;
		} while (start < i);
		start = i + 1;
	}
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[1024];
	unsigned long flags = 0;
	int n;

	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;

	if (!panic_mode)
		flags = spin_lock_irqsave(&log_lock);
	log_store(level, buf, (size_t)n);
	if (!panic_mode)
		spin_unlock_irqrestore(&log_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

static bool name_in_list(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static void replay_to_console(struct console *con)
{
	uint64_t seq = log_next_seq > LOG_RECORDS ? log_next_seq - LOG_RECORDS : 0;
	struct console *saved[MAX_CONSOLES];
	unsigned saved_nr = nr_consoles;

	/* Reuse emit_to_consoles() with @con as the only console. */
	memcpy(saved, consoles, sizeof(saved));
	consoles[0] = con;
	nr_consoles = 1;
	for (; seq < log_next_seq; seq++) {
		const struct log_record *r = &log_ring[seq % LOG_RECORDS];

		if (r->level <= console_level)
			emit_to_consoles(r);
	}
	memcpy(consoles, saved, sizeof(saved));
	nr_consoles = saved_nr;
}

/*
 * Add a console.  It first gets the log so far (a screen that starts late
 * still shows the whole boot), then every new line while enabled.
 */
void console_register(struct console *con)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);

	if (nr_consoles < MAX_CONSOLES) {
		con->enabled = !console_selection[0] ||
			       name_in_list(con->name, console_selection);
		if (con->enabled)
			replay_to_console(con);
		consoles[nr_consoles++] = con;
	}
	spin_unlock_irqrestore(&log_lock, flags);
}

/*
 * Enable exactly the consoles named in @names, a comma-separated list
 * built from every console= parameter ("ttyS0,tty0"), now and for
 * consoles registered later.  Options after a name ("ttyS0,115200") are
 * list items that name no console, so they do no harm.  An empty or
 * too-long list leaves every console enabled.
 */
void console_select(const char *names)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);
	size_t n = strlen(names);

	if (n >= sizeof(console_selection))
		n = 0;
	memcpy(console_selection, names, n);
	console_selection[n] = '\0';
	for (unsigned i = 0; i < nr_consoles; i++)
		consoles[i]->enabled = !n ||
				       name_in_list(consoles[i]->name, names);
	spin_unlock_irqrestore(&log_lock, flags);
}

void console_set_loglevel(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	console_level = level;
}

/* From now on printk never waits for log_lock. */
void printk_panic_mode(void)
{
	panic_mode = true;
	console_level = LOG_DEBUG;
}

/*
 * Copy record @seq into @buf (up to @len bytes, not NUL-terminated) and
 * return its length; 0 if @seq has not been written yet.  Records that
 * were overwritten are skipped: *next_seq says where reading resumes.
 */
size_t log_read_record(uint64_t seq, int *level, uint64_t *ts_ns, char *buf,
		       size_t len, uint64_t *next_seq)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);
	size_t n = 0;

	if (log_next_seq > LOG_RECORDS && seq < log_next_seq - LOG_RECORDS)
		seq = log_next_seq - LOG_RECORDS;
	if (seq < log_next_seq) {
		const struct log_record *r = &log_ring[seq % LOG_RECORDS];

		n = MIN(len, (size_t)r->len);
		memcpy(buf, r->text, n);
		*level = r->level;
		*ts_ns = r->ts_ns;
		seq++;
	}
	*next_seq = seq;
	spin_unlock_irqrestore(&log_lock, flags);
	return n;
}
