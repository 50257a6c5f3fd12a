#pragma once
/*
 * The memory character devices (drivers/char/mem.c), with Linux's
 * numbers: major 1 holds /dev/null (1,3), zero (1,5), full (1,7),
 * random (1,8), urandom (1,9) and kmsg (1,11); /dev/console is (5,1).
 */

#define MEM_MAJOR	1
#define TTYAUX_MAJOR	5

#define MEM_NULL_MINOR		3
#define MEM_ZERO_MINOR		5
#define MEM_FULL_MINOR		7
#define MEM_RANDOM_MINOR	8
#define MEM_URANDOM_MINOR	9
#define MEM_KMSG_MINOR		11
#define TTYAUX_CONSOLE_MINOR	1

/* drivers/char/mem.c */
int mem_devices_init(void);
