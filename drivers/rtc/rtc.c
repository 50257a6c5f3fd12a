/*
 * CMOS RTC (MC146818-compatible).  Read once at boot: wall-clock time is
 * then the boot value plus the monotonic clock.  Registers may be BCD or
 * binary and the hour 12- or 24-hour, as status register B says; a read
 * is retried until two consecutive reads agree, so an update that ticks
 * over mid-read is never mixed in.  The century comes from the CMOS
 * register the FADT names, else the year is taken as 20xx.
 *
 * Written once by rtc_init() on the boot CPU, then read-only: no lock.
 */
#include "drivers/rtc/rtc.h"
#include "arch/arch.h"
#include "kernel/errno.h"
#include "kernel/lib/calendar.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define NMI_DISABLE	0x80
#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define STATUS_A_UIP	0x80
#define STATUS_B_24H	0x02
#define STATUS_B_BINARY	0x04
#define HOUR_PM		0x80

struct rtc_raw {
	uint8_t sec, min, hour, day, mon, year, century;
};

static int64_t boot_unix;
static uint64_t boot_clock_ns;

static uint8_t cmos_read(uint8_t reg)
{
	arch_outb(CMOS_INDEX, NMI_DISABLE | reg);
	return arch_inb(CMOS_DATA);
}

static void read_raw(struct rtc_raw *r, uint8_t century_reg)
{
	for (int i = 0; i < 100000 && (cmos_read(RTC_STATUS_A) & STATUS_A_UIP);
	     i++)
		arch_cpu_relax();
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = century_reg ? cmos_read(century_reg) : 0;
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static void decode(const struct rtc_raw *r, uint8_t status_b,
		   struct civil_time *t)
{
	bool bcd = !(status_b & STATUS_B_BINARY);
	bool pm = r->hour & HOUR_PM;
	unsigned hour = r->hour & ~HOUR_PM;
	unsigned century;

#define V(x) (bcd ? from_bcd(x) : (unsigned)(x))
	t->second = V(r->sec);
	t->minute = V(r->min);
	hour = V(hour);
	t->day = V(r->day);
	t->month = V(r->mon);
	century = r->century ? V(r->century) : 20;
	t->year = century * 100 + V(r->year);
#undef V
	if (!(status_b & STATUS_B_24H))
		hour = (hour % 12) + (pm ? 12 : 0);
	t->hour = hour;
}

/* Read the RTC; returns 0, or -EIO if it holds no valid date. */
int rtc_init(uint8_t century_reg)
{
	struct rtc_raw a, b;
	struct civil_time t;
	int tries = 0;

	read_raw(&a, century_reg);
	do {
		b = a;
		read_raw(&a, century_reg);
	} while (memcmp(&a, &b, sizeof(a)) != 0 && ++tries < 5);
	decode(&a, cmos_read(RTC_STATUS_B), &t);
	boot_clock_ns = arch_clock_ns();
	if (!civil_time_valid(&t)) {
		pr_warn("rtc: invalid date in CMOS; wall clock starts at 1970");
		return -EIO;
	}
	boot_unix = civil_to_unix(&t);
	pr_info("rtc: %04lld-%02u-%02u %02u:%02u:%02u UTC", (long long)t.year,
		t.month, t.day, t.hour, t.minute, t.second);
	return 0;
}

int64_t rtc_now_unix(void)
{
	return boot_unix +
	       (int64_t)((arch_clock_ns() - boot_clock_ns) / 1000000000ull);
}

void rtc_format_now(char *buf, size_t len)
{
	struct civil_time t;

	unix_to_civil(rtc_now_unix(), &t);
	ksnprintf(buf, len, "%04lld-%02u-%02u %02u:%02u:%02u UTC",
		  (long long)t.year, t.month, t.day, t.hour, t.minute,
		  t.second);
}
