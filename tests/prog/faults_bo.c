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

static void holder_sig(int sig)
{
	(void)sig;	/* only to interrupt BO_HOLD (no SA_RESTART) */
}

static void *holder_fn(void *arg)
{
	struct holder *h = arg;

	h->t_start = now_ns();
	atomic_store(&h->started, 1);
	h->rc = bo_hold_at(h->fd, h->handle, h->ms, &h->reserved_ns,
			   &h->released_ns);
	h->t_end = now_ns();
	atomic_store(&h->done, 1);
	return NULL;
}

/*
 * Counter @name in the "name value" lines of @text; -1 if it is not there.
 */
static long stat_in(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/*
 * The sum of counters @n1 and @n2 (@n2 may be NULL); -1 if unreadable.
 * With open() and read() into the stack: nothing here allocates memory,
 * since a naive fault path may hold this process's mmap_lock while the
 * releaser reads (malloc may need it, and would wait for ever).
 */
long stat_sum(const char *file, const char *n1, const char *n2)
{
	char text[4096];
	long a, b = 0;
	ssize_t len;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len < 0)
		return -1;
	text[len] = '\0';
	a = stat_in(text, n1);
	if (n2)
		b = stat_in(text, n2);
	if (a < 0 || b < 0)
		return -1;
	return a + b;
}

bool stat_wait_growth(const char *file, const char *n1, const char *n2,
		      long before, struct holder *h)
{
	long now;

	for (;;) {
		now = stat_sum(file, n1, n2);
		if (now > before)
			return true;
		if (now < 0 || atomic_load(&h->done))
			return false;
		sleep_ms(1);
	}
}

int holder_start(struct holder *h, int fd, uint32_t handle,
		 uint32_t ms)
{
	struct sigaction sa;
	long holds0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = holder_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->handle = handle;
	h->ms = ms;
	holds0 = stat_sum(NVLF_TEST_STATS, "bo_holds", NULL);
	if (holds0 < 0) {
		tap_stop("cannot read bo_holds in %s: the holder cannot tell when it holds the reservation",
			 NVLF_TEST_STATS);
		return -1;
	}
	if (pthread_create(&h->th, NULL, holder_fn, h)) {
		tap_stop("pthread_create (holder) failed");
		return -1;
	}
	h->running = true;
	/* the driver counts a hold once it has the reservation */
	if (!stat_wait_growth(NVLF_TEST_STATS, "bo_holds", NULL, holds0, h)) {
		holder_join(h);
		tap_stop("BO_HOLD of BO %u returned %d without holding it",
			 handle, h->rc);
		return -1;
	}
	return 0;
}

bool holder_holding(struct holder *h)
{
	return h->running && !atomic_load(&h->done);
}

void holder_release(struct holder *h)
{
	/*
	 * The thread is in the ioctl: a signal sent now ends its sleep, or
	 * stays pending until the sleep starts (which then ends at once).
	 */
	while (holder_holding(h)) {
		pthread_kill(h->th, SIGUSR1);
		sleep_ms(1);
	}
	holder_join(h);
}

void holder_join(struct holder *h)
{
	if (h->running)
		pthread_join(h->th, NULL);
	h->running = false;
}

static void *releaser_fn(void *arg)
{
	struct releaser *r = arg;

	r->seen = stat_wait_growth(r->file, r->n1, r->n2, r->before, r->h);
	holder_release(r->h);
	return NULL;
}

int releaser_start(struct releaser *r, struct holder *h, const char *file,
		   const char *n1, const char *n2)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->file = file;
	r->n1 = n1;
	r->n2 = n2;
	r->before = stat_sum(file, n1, n2);
	r->readable = r->before >= 0;
	if (pthread_create(&r->th, NULL, releaser_fn, r)) {
		tap_stop("pthread_create (releaser) failed");
		return -1;
	}
	return 0;
}

bool releaser_join(struct releaser *r)
{
	pthread_join(r->th, NULL);
	return r->seen;
}

static long live_bos_settle(long live0)
{
	long live = -1;
	int i;

	for (i = 0; i < 1200; i++) {
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
		stat_missing(NVLF_TEST_STATS,
			     "%s: live_bos back to its starting value", test);
		return;
	}
	live = live_bos_settle(live0);
	tap(live == live0, "%s: %s live_bos is %ld (was %ld %s)", test, after,
	    live, live0, then);
}
