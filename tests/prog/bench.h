/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what the files of nvlf_bench share: its settings and devices
 * (nvlf_bench.c), buffers, page touching and pinning (bench_buf.c), and
 * the sections (bench_rate.c, bench_hold.c, bench_pushbuf.c).
 */
#ifndef NVLF_BENCH_H
#define NVLF_BENCH_H

#include <drm_mode.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"

#define STARVE_BOUND	6	/* periods: the point fails above this */
#define STARVE_CAP	40	/* periods: the holder gives up, "starved" */
#define NRELOC		16
#define NPBBO		4
#define NCHUNK		5	/* a rate figure is measured in 5 chunks */

/* nvlf_bench.c: the devices and the options */
extern struct nvdev dev;
extern int bochs_fd;
extern double budget_s;		/* measured time per rate figure */
extern bool smoke;

/* "BENCH NAME VALUE UNIT", for bench/run */
void bench(const char *name, double value, const char *unit);
/* qsort comparison of doubles */
int cmp_double(const void *a, const void *b);
/* Nearest-rank percentile of @n sorted values (p99 of < 100 is the max). */
double pct(const double *v, size_t n, double p);
/* Median, min and max of the chunk rates (sorts them). */
double chunk_median(double *r, unsigned int n, double *min, double *max);

/* A buffer of either device: handle, size, mmap offset. */
struct buf {
	int fd;
	bool dumb;
	bool anon;		/* anonymous memory, the reference figure */
	struct nvbo bo;		/* handle, size, map_handle (dumb too) */
};

/* 0, or -errno after tap_stop() */
int buf_new_anon(struct buf *b, uint64_t size);
int buf_new_nvlf(struct buf *b, uint64_t size, uint32_t domain);
int buf_new_dumb(struct buf *b, uint32_t width, uint32_t height);
void buf_free(struct buf *b);
/* NULL after tap_stop() */
uint32_t *buf_map(struct buf *b);
/* One word written to each page of [first, first+n): the faulting loop. */
void touch_pages(volatile uint32_t *map, size_t first, size_t n,
		 uint32_t seed);
/* Wrong words among the touched ones (read back, no fault any more). */
size_t check_pages(const volatile uint32_t *map, size_t n, uint32_t seed);

/* threads pinned to CPUs (two or more CPUs) */
extern bool pinning;
void pin_to(int cpu);

/* the sections: @first: the first-fault figures, or the refault ones */
void run_rates(bool first);
extern const unsigned int holds_ms[3];
void run_contention(unsigned int ms);
void run_starvation(unsigned int ms);
void run_pushbufs(void);

#endif /* NVLF_BENCH_H */
