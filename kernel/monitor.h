#pragma once
/* kernel/monitor.c: the serial-console command loop (until there is a shell). */
__attribute__((noreturn)) void monitor_run(void);
