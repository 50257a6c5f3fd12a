#pragma once
#include "kernel/bootinfo.h"

/* kernel/main.c: generic start-up, called once by the boot CPU. */
__attribute__((noreturn)) void kmain(struct boot_info *bi);
