#pragma once
#include "kernel/bootinfo.h"

/* kernel/main.c: generic start-up, called once by the boot CPU. */
__attribute__((noreturn)) void kmain(struct boot_info *bi);
/* kernel/main.c: look up a kernel command-line parameter. */
const char *kernel_param(const char *key);
