// SPDX-License-Identifier: GPL-2.0
/*
 * faults_bo.c - the buffer objects of nvlf_faults' tests (mapped, filled with a
 * pattern), the thread that holds a BO's reservation, and the wait for
 * live_bos to come back.
 */
#define _GNU_SOURCE
#include "faults.h"

int tbo_create(int fd, struct tbo *t, uint32_t domain,
	       unsigned int pages, uint64_t seed)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = bo_new(fd, domain, (uint64_t)pages * NV_PAGE, &t->bo);
	if (r) {
		tap_stop("GEM_NEW %s %u pages: %s", domain_name(domain), pages,
		     strerror(-r));
		return -1;
	}
	t->map = bo_map(fd, &t->bo);
	if (!t->map) {
		tap_stop("mmap of BO %u (map_handle 0x%" PRIx64 "): %s",
		     t->bo.handle, t->bo.map_handle, strerror(errno));
		bo_close(fd, &t->bo);
		return -1;
	}
	t->seed = seed;
	pat_fill(t->map, t->bo.size / 4, seed, 0);
	return 0;
}

/* Replace the mapping with a fresh one: no page is faulted in. */
int tbo_remap(int fd, struct tbo *t)
{
	munmap(t->map, t->bo.size);
	t->map = bo_map(fd, &t->bo);
	if (!t->map) {
		tap_stop("mmap of BO %u again: %s", t->bo.handle, strerror(errno));
		return -1;
	}
	return 0;
}

void tbo_destroy(int fd, struct tbo *t)
{
	if (t->map)
		munmap(t->map, t->bo.size);
	t->map = NULL;
	bo_close(fd, &t->bo);
}

/* Verify the whole BO through @map; 1 if it matches pattern @seed. */
int tbo_verify(const struct tbo *t, const uint32_t *map, uint64_t seed,
	       char *msg, size_t len)
{
	char m[160];
	size_t bad = pat_check(map, t->bo.size / 4, seed, 0, m, sizeof(m));

	if (bad)
		snprintf(msg, len, "%zu of %" PRIu64 " words wrong, first %s",
			 bad, t->bo.size / 4, m);
	else
		snprintf(msg, len, "all %" PRIu64 " words match", t->bo.size / 4);
	return !bad;
}

/* ------------------------------------------------------------ holder */

static void *holder_fn(void *arg)
{
	struct holder *h = arg;

	h->t_start = now_ns();
	atomic_store(&h->started, 1);
	h->rc = bo_hold(h->fd, h->handle, h->ms);
	h->t_end = now_ns();
	return NULL;
}

/* Start a BO_HOLD of @ms in a thread; return once it has been issued. */
int holder_start(struct holder *h, int fd, uint32_t handle,
		 uint32_t ms)
{
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->handle = handle;
	h->ms = ms;
	if (pthread_create(&h->th, NULL, holder_fn, h)) {
		tap_stop("pthread_create (holder) failed");
		return -1;
	}
	h->running = true;
	while (!atomic_load(&h->started))
		sched_yield();
	return 0;
}

void holder_join(struct holder *h)
{
	if (h->running)
		pthread_join(h->th, NULL);
	h->running = false;
}

static long live_bos_settle(long live0)
{
	long live = -1;
	int i;

	for (i = 0; i < 100; i++) {
		if (!stat_get(NVLF_TEST_STATS, "live_bos", &live) &&
		    live == live0)
			break;
		sleep_ms(50);
	}
	return live;
}

void live_bos_check(bool have, long live0, const char *test,
		    const char *after, const char *then)
{
	long live;

	if (!have) {
		tap_skip("no " NVLF_TEST_STATS,
			 "%s: live_bos back to its starting value", test);
		return;
	}
	live = live_bos_settle(live0);
	tap(live == live0, "%s: %s live_bos is %ld (was %ld %s)", test, after,
	    live, live0, then);
}
