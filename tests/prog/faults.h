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

/*
 * A thread that holds a BO's reservation (BO_HOLD) until the test releases
 * it (holder_release(): a signal ends the hold, BO_HOLD returns -EINTR).
 * Nothing here waits a guessed time: holder_start() returns once the
 * reservation is held (the driver's bo_holds counter grew), and a test
 * releases it on an event (a fault that waits, an access that started).
 * @ms only bounds a hold whose release never comes (the naive modes).
 */
struct holder {
	int fd;
	uint32_t handle;
	uint32_t ms;
	atomic_int started, done;
	int64_t t_start, t_end;
	int64_t reserved_ns, released_ns;	/* the kernel's, CLOCK_MONOTONIC */
	int rc;
	pthread_t th;
	bool running;
};

/* Start a BO_HOLD of at most @ms; 0 once the reservation is held, or -1
 * after tap_stop(). */
int holder_start(struct holder *h, int fd, uint32_t handle, uint32_t ms);
/* whether the hold is still in place */
bool holder_holding(struct holder *h);
/* End the hold now, if it is still in place, and join the thread. */
void holder_release(struct holder *h);
void holder_join(struct holder *h);

/*
 * A thread that releases @h as soon as a fault or access is waiting on
 * it: when the sum of counters @n1 and @n2 (@n2 may be NULL) of stats file
 * @file grows past its value at releaser_start().  releaser_join() says
 * whether it saw that (else the hold ended on its own: the bound @ms).
 */
struct releaser {
	struct holder *h;
	const char *file, *n1, *n2;
	long before;
	bool seen, readable;
	pthread_t th;
};

int releaser_start(struct releaser *r, struct holder *h, const char *file,
		   const char *n1, const char *n2);
bool releaser_join(struct releaser *r);
/* Wait until the counters grew or @h ended; true if they grew. */
bool stat_wait_growth(const char *file, const char *n1, const char *n2,
		      long before, struct holder *h);
/* The sum of counters @n1 and @n2 (@n2 may be NULL); -1 if unreadable. */
long stat_sum(const char *file, const char *n1, const char *n2);

/*
 * One point: live_bos of nvlf_test comes back to @live0 (TTM may free
 * BOs from a workqueue: it waits up to 60 s, a bound, not a measure),
 * "TEST: AFTER live_bos is N (was LIVE0 THEN)"; see stat_missing() if
 * not @have.
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
