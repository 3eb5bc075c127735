/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faults.h - what the files of nvlf_faults share: the device, the test
 * buffer objects and the reservation holder (faults_bo.c), and the tests:
 * faults_wait.c a fault that waits for a reservation (and a signal while
 * it waits), faults_race.c faulting threads against changes of the
 * mapping, faults_access.c the other ways a mapping is used or changed
 * (/proc/PID/mem, madvise, moves: refault, pipelined).  nvlf_faults.c runs
 * them from its parts table.
 */
#ifndef NVLF_FAULTS_H
#define NVLF_FAULTS_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

/* the nvlf_test device (nvlf_faults.c) */
extern struct nvdev dev;

/* A BO of @pages pages in @domain, mapped, filled with pattern @seed. */
struct tbo {
	struct nvbo bo;
	uint32_t *map;
	uint64_t seed;
};

/* 0, or -1 after tap_stop() */
int tbo_create(int fd, struct tbo *t, uint32_t domain, unsigned int pages,
	       uint64_t seed);
/* Replace the mapping with a fresh one: no page is faulted in. */
int tbo_remap(int fd, struct tbo *t);
void tbo_destroy(int fd, struct tbo *t);
/* Verify the whole BO through @map; 1 if it matches pattern @seed. */
int tbo_verify(const struct tbo *t, const uint32_t *map, uint64_t seed,
	       char *msg, size_t len);

/* A thread that holds a BO's reservation (BO_HOLD) for @ms. */
struct holder {
	int fd;
	uint32_t handle;
	uint32_t ms;
	atomic_int started;
	int64_t t_start, t_end;
	int rc;
	pthread_t th;
	bool running;
};

/* Start a BO_HOLD of @ms in a thread; return once it has been issued. */
int holder_start(struct holder *h, int fd, uint32_t handle, uint32_t ms);
void holder_join(struct holder *h);

/*
 * One point: live_bos of nvlf_test comes back to @live0 (within 5 s),
 * "TEST: AFTER live_bos is N (was LIVE0 THEN)"; skipped if not @have.
 */
void live_bos_check(bool have, long live0, const char *test,
		    const char *after, const char *then);

void test_hold_then_fault(void);
void test_no_mmap_lock(void);
void test_signal(void);
void test_munmap_race(void);
void test_mremap_race(void);
void test_fork_race(void);
void test_proc_mem(void);
void test_madvise(void);
void test_move_refault(void);
void test_pipelined_move(void);

#endif /* NVLF_FAULTS_H */
