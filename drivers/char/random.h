#pragma once
/*
 * The kernel random-number generator (drivers/char/random.c), behind
 * /dev/random, /dev/urandom and getrandom(2).
 */
#include <stdbool.h>
#include <stddef.h>

/* drivers/char/random.c */
void random_init(void);
void random_add_entropy(const void *buf, size_t len);
void random_get_bytes(void *out, size_t len);
bool random_has_hw_source(void);
