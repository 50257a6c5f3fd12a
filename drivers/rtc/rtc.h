#pragma once
/* CMOS real-time clock: wall-clock time at boot (drivers/rtc/rtc.c). */
#include <stddef.h>
#include <stdint.h>

int rtc_init(uint8_t century_reg);
int64_t rtc_now_unix(void);
void rtc_format_now(char *buf, size_t len);
