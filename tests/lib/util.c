// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - clocks, a per-thread random generator and the first-error
 * buffer of the test programs (tests/prog, tools/nvlf-repro).
 */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

__attribute__((format(printf, 2, 3)))
void err_add(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&e->lock);
	if (!e->count++) {
		va_start(ap, fmt);
		vsnprintf(e->first, sizeof(e->first), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&e->lock);
}

void err_reset(struct errbuf *e)
{
	pthread_mutex_lock(&e->lock);
	e->count = 0;
	e->first[0] = '\0';
	pthread_mutex_unlock(&e->lock);
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double ns_to_ms(int64_t ns)
{
	return (double)ns / 1e6;
}

void sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void sleep_ms(unsigned int ms)
{
	sleep_us(ms * 1000);
}

/* xorshift64*, one state per thread */
uint64_t rnd_next(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x2545f4914f6cdd1dull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}
