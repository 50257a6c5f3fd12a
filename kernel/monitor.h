#pragma once
/* kernel/monitor.c: the serial-console command loop (until there is a shell). */
__attribute__((noreturn)) void monitor_run(void);

/* kernel/monitor_files.c: file commands; @args is the path. */
void monitor_ls(const char *args);
void monitor_cat(const char *args);
void monitor_hd(const char *args);
