/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - clocks, a per-thread random generator and the first-error
 * buffer of the test programs (util.c).
 */
#ifndef NVLF_UTIL_H
#define NVLF_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* First error of a test, kept for messages; @count counts them all. */
struct errbuf {
	pthread_mutex_t lock;
	long count;
	char first[384];
};

#define ERRBUF_INIT { PTHREAD_MUTEX_INITIALIZER, 0, "" }

__attribute__((format(printf, 2, 3)))
void err_add(struct errbuf *e, const char *fmt, ...);
void err_reset(struct errbuf *e);

/* CLOCK_MONOTONIC in ns */
int64_t now_ns(void);
double ns_to_ms(int64_t ns);
/* sleeps @ms, restarted after signals */
void sleep_ms(unsigned int ms);
void sleep_us(unsigned int us);
/* xorshift64*, one state per thread */
uint64_t rnd_next(uint64_t *s);

#endif /* NVLF_UTIL_H */
