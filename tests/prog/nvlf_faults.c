// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf_faults - tests of the BO fault path (src/ttm_fault.c) through the
 * nvlf_test driver, as TAP.
 *
 * Usage: nvlf_faults [--device PATH] [--only NAME[,NAME...]] [--list]
 *
 * Tests (each a fixed number of test points, plan printed first):
 *   hold-then-fault      a fault on a BO reserved by another thread
 *                        completes, and only after the release; its first
 *                        attempt backs off (reserve_busy_retry grows)
 *   no-mmap-lock-while-waiting
 *                        while a fault waits for a reservation, another
 *                        thread's mmap/munmap is not blocked (the pre-fix
 *                        path, ttm nvlf_naive_fault=1, blocks it ~1.4 s)
 *   signal-while-waiting SIGKILL ends a process waiting in such a fault
 *                        at once; the BO works afterwards and no BO leaks
 *   munmap-race, mremap-race, fork-race
 *                        faulting threads against munmap/mmap, mremap and
 *                        fork; SIGSEGV where the mapping vanished is
 *                        recovered; data verified where defined
 *   proc-mem             /proc/self/mem reads and writes of a BO mapping
 *                        (the vm .access path), also while reserved
 *   madvise              MADV_DONTNEED (refused by Linux on VM_PFNMAP
 *                        mappings), data kept, faults again
 *   move-refault         BO_MOVE invalidates the mapping: it faults again,
 *                        data intact, placement changes
 *   pipelined-move       with move_delay_us > 0 a fault right after
 *                        BO_MOVE waits for the move
 * and a last point: live_bos of nvlf_test returns to its starting value.
 *
 * Counters come from /sys/kernel/debug/nvlf_ttm/stats and
 * /sys/kernel/debug/nvlf_test/stats; points that need them are skipped
 * when debugfs is not mounted.  A test still running after its watchdog
 * (60 s) prints every thread's kernel stack and "Bail out!".
 *
 * Exit status: 0 if every point passed, 1 otherwise, 2 on usage errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "nvlf_common.h"

#include <poll.h>
#include <sys/wait.h>

#define WATCHDOG_S	60

static struct nvdev dev;
static bool have_ttm_stats, have_test_stats;
static char why[384];		/* why the running test stopped early */

__attribute__((format(printf, 1, 2)))
static void stop(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	diag("%s", why);
}

/* A BO of @pages pages in @domain, mapped, filled with pattern @seed. */
struct tbo {
	struct nvbo bo;
	uint32_t *map;
	uint64_t seed;
};

static int tbo_create(int fd, struct tbo *t, uint32_t domain,
		      unsigned int pages, uint64_t seed)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = bo_new(fd, domain, (uint64_t)pages * NV_PAGE, &t->bo);
	if (r) {
		stop("GEM_NEW %s %u pages: %s", domain_name(domain), pages,
		     strerror(-r));
		return -1;
	}
	t->map = bo_map(fd, &t->bo);
	if (!t->map) {
		stop("mmap of BO %u (map_handle 0x%" PRIx64 "): %s",
		     t->bo.handle, t->bo.map_handle, strerror(errno));
		bo_close(fd, &t->bo);
		return -1;
	}
	t->seed = seed;
	pat_fill(t->map, t->bo.size / 4, seed, 0);
	return 0;
}

/* Replace the mapping with a fresh one: no page is faulted in. */
static int tbo_remap(int fd, struct tbo *t)
{
	munmap(t->map, t->bo.size);
	t->map = bo_map(fd, &t->bo);
	if (!t->map) {
		stop("mmap of BO %u again: %s", t->bo.handle, strerror(errno));
		return -1;
	}
	return 0;
}

static void tbo_destroy(int fd, struct tbo *t)
{
	if (t->map)
		munmap(t->map, t->bo.size);
	t->map = NULL;
	bo_close(fd, &t->bo);
}

/* Verify the whole BO through @map; 1 if it matches pattern @seed. */
static int tbo_verify(const struct tbo *t, const uint32_t *map, uint64_t seed,
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
static int holder_start(struct holder *h, int fd, uint32_t handle,
			uint32_t ms)
{
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->handle = handle;
	h->ms = ms;
	if (pthread_create(&h->th, NULL, holder_fn, h)) {
		stop("pthread_create (holder) failed");
		return -1;
	}
	h->running = true;
	while (!atomic_load(&h->started))
		sched_yield();
	return 0;
}

static void holder_join(struct holder *h)
{
	if (h->running)
		pthread_join(h->th, NULL);
	h->running = false;
}

/* ---------------------------------------------------- hold-then-fault */

static void test_hold_then_fault(void)
{
	struct stat_delta retry, block;
	struct holder h;
	struct tbo t;
	int64_t tb0, tb1;
	uint32_t got, want;
	const unsigned int page = 5;
	long dr, db;

	if (tbo_create(dev.fd, &t, NV_GART, 16, 0x1001))
		return;
	if (tbo_remap(dev.fd, &t))
		goto out;
	stat_begin(&retry, NVLF_TTM_STATS, "reserve_busy_retry");
	stat_begin(&block, NVLF_TTM_STATS, "reserve_busy_block");

	if (holder_start(&h, dev.fd, t.bo.handle, 800))
		goto out;
	sleep_ms(100);
	tb0 = now_ns();
	got = ((volatile uint32_t *)t.map)[page * 1024 + 7];
	tb1 = now_ns();
	holder_join(&h);
	want = pat_word(t.seed, page * 1024 + 7);

	tap(h.rc == 0 && h.t_end - h.t_start >= 780000000,
	    "hold-then-fault: BO_HOLD(800 ms) by thread A returned %d (%s) after %.0f ms",
	    h.rc, h.rc ? strerror(-h.rc) : "ok", ns_to_ms(h.t_end - h.t_start));
	tap(got == want,
	    "hold-then-fault: B's read of a page not yet faulted in returned the BO's data (got 0x%08x, expected 0x%08x)",
	    got, want);
	tap(h.rc == 0 && tb1 >= h.t_end - 20000000,
	    "hold-then-fault: B's access (started %.0f ms after A's hold) completed %+.1f ms relative to A's release (must be >= -20 ms); B waited %.0f ms",
	    ns_to_ms(tb0 - h.t_start), ns_to_ms(tb1 - h.t_end),
	    ns_to_ms(tb1 - tb0));
	if (stat_end(&retry, &dr) && stat_end(&block, &db))
		tap(dr >= 1,
		    "hold-then-fault: the first fault attempt backed off and retried (reserve_busy_retry %+ld, reserve_busy_block %+ld)",
		    dr, db);
	else
		tap_skip("no " NVLF_TTM_STATS,
			 "hold-then-fault: the first fault attempt backed off and retried");
out:
	tbo_destroy(dev.fd, &t);
}

/* ----------------------------------------- no-mmap-lock-while-waiting */

struct toucher {
	volatile uint32_t *addr;
	uint32_t value;
	int64_t t0, t1;
	atomic_int done;
};

static void *toucher_fn(void *arg)
{
	struct toucher *b = arg;

	b->t0 = now_ns();
	b->value = *b->addr;
	b->t1 = now_ns();
	atomic_store(&b->done, 1);
	return NULL;
}

static void test_no_mmap_lock(void)
{
	struct toucher b = { 0 };
	struct holder h;
	struct tbo t;
	pthread_t bt;
	int64_t c0, c1;
	bool b_waiting, mm_ok = true;
	char mm_err[128] = "";
	uint32_t want;
	int i;

	if (tbo_create(dev.fd, &t, NV_GART, 16, 0x2002))
		return;
	if (tbo_remap(dev.fd, &t))
		goto out;
	b.addr = &t.map[9 * 1024 + 3];
	want = pat_word(t.seed, 9 * 1024 + 3);

	if (holder_start(&h, dev.fd, t.bo.handle, 1500))
		goto out;
	sleep_ms(100);
	if (pthread_create(&bt, NULL, toucher_fn, &b)) {
		stop("pthread_create (B) failed");
		holder_join(&h);
		goto out;
	}
	sleep_ms(200);		/* B is now waiting in its fault */

	b_waiting = !atomic_load(&b.done);
	c0 = now_ns();
	for (i = 0; i < 20; i++) {
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			snprintf(mm_err, sizeof(mm_err), "mmap #%d: %s", i,
				 strerror(errno));
			mm_ok = false;
			break;
		}
		p[0] = (char)i;
		if (munmap(p, 65536)) {
			snprintf(mm_err, sizeof(mm_err), "munmap #%d: %s", i,
				 strerror(errno));
			mm_ok = false;
			break;
		}
	}
	c1 = now_ns();
	pthread_join(bt, NULL);
	holder_join(&h);

	diag("no-mmap-lock-while-waiting: C's 20 mmap+munmap took %.1f ms",
	     ns_to_ms(c1 - c0));
	tap(mm_ok && b_waiting && c1 - c0 <= 300000000,
	    "no-mmap-lock-while-waiting: thread C's 20 anonymous mmap+munmap took %.1f ms (limit 300), started while B waited in a fault%s%s%s",
	    ns_to_ms(c1 - c0), b_waiting ? "" : " (but B's fault had already completed when C started: test proved nothing)",
	    mm_ok ? "" : "; ", mm_err);
	tap(h.rc == 0 && b.value == want && b.t1 >= h.t_end - 20000000,
	    "no-mmap-lock-while-waiting: B's fault completed %+.1f ms relative to A's release (>= -20 ms) with the BO's data (got 0x%08x, expected 0x%08x)",
	    ns_to_ms(b.t1 - h.t_end), b.value, want);
	tap(h.rc == 0 && h.t_end - h.t_start >= 1480000000,
	    "no-mmap-lock-while-waiting: BO_HOLD(1500 ms) returned %d (%s) after %.0f ms",
	    h.rc, h.rc ? strerror(-h.rc) : "ok", ns_to_ms(h.t_end - h.t_start));
out:
	tbo_destroy(dev.fd, &t);
}

/* --------------------------------------------- signal-while-waiting */

/* A valid job over @bo on @fd/@chan: 0 or -errno. */
static int simple_job(int fd, int chan, const struct nvbo *bo)
{
	struct drm_nouveau_gem_pushbuf_push push = { .bo_index = 0,
						     .offset = 0, .length = 8 };
	struct drm_nouveau_gem_pushbuf_bo b;
	struct drm_nouveau_gem_pushbuf req;

	pb_entry(&b, bo);
	memset(&req, 0, sizeof(req));
	req.channel = (uint32_t)chan;
	req.nr_buffers = 1;
	req.buffers = uptr(&b);
	req.nr_push = 1;
	req.push = uptr(&push);
	return nv_pushbuf(fd, &req);
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms);
}

static void test_signal(void)
{
	struct nvdev d2;
	struct holder h;
	struct tbo t;
	char err[256], c, msg[400];
	int pfd[2] = { -1, -1 }, status = 0, r, job;
	long live0 = 0, live = -1;
	bool have_live, blocked = false, reaped = false, works;
	int64_t t_sig = 0, t_reap = 0;
	pid_t pid;

	have_live = !stat_get(NVLF_TEST_STATS, "live_bos", &live0);
	if (nvdev_setup(&d2, dev.path, err, sizeof(err))) {
		stop("second open: %s", err);
		if (d2.fd >= 0)
			close(d2.fd);
		return;
	}
	if (tbo_create(d2.fd, &t, NV_GART, 8, 0x3003)) {
		close(d2.fd);
		return;
	}
	if (tbo_remap(d2.fd, &t) || pipe2(pfd, O_CLOEXEC) ||
	    holder_start(&h, d2.fd, t.bo.handle, 2000)) {
		if (!why[0])
			stop("pipe2: %s", strerror(errno));
		goto early;
	}
	sleep_ms(100);

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		stop("fork: %s", strerror(errno));
		holder_join(&h);
		goto early;
	}
	if (pid == 0) {
		volatile uint32_t v;
		ssize_t w;

		w = write(pfd[1], "s", 1);
		v = t.map[3 * 1024];
		(void)v;
		w = write(pfd[1], "d", 1);
		(void)w;
		_exit(0);
	}

	if (wait_readable(pfd[0], 2000) == 1 && read(pfd[0], &c, 1) == 1 &&
	    c == 's') {
		sleep_ms(200);
		blocked = wait_readable(pfd[0], 0) == 0;
	}
	t_sig = now_ns();
	kill(pid, SIGKILL);
	while (now_ns() - t_sig < 3000000000LL) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			reaped = true;
			t_reap = now_ns();
			break;
		}
		usleep(1000);
	}
	if (!reaped) {
		waitpid(pid, &status, 0);
		t_reap = now_ns();
	}

	tap(blocked && reaped && t_reap - t_sig <= 500000000,
	    "signal-while-waiting: child %s when SIGKILLed, reaped %.1f ms after the signal (limit 500)%s",
	    blocked ? "was blocked in a fault on the held BO" :
		      "was NOT blocked in the fault (its access completed or it never started)",
	    ns_to_ms(t_reap - t_sig),
	    reaped ? "" : " (not reaped within 3 s)");
	tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "signal-while-waiting: child died of SIGKILL (wait status 0x%x: %s %d)",
	    status, WIFSIGNALED(status) ? "signal" : "exit code",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));

	holder_join(&h);
	works = tbo_verify(&t, t.map, t.seed, msg, sizeof(msg));
	if (works) {
		t.seed = 0x3004;
		pat_fill(t.map, t.bo.size / 4, t.seed, 0);
		if (tbo_remap(d2.fd, &t)) {
			works = false;
			snprintf(msg, sizeof(msg), "%s", why);
		} else {
			works = tbo_verify(&t, t.map, t.seed, msg, sizeof(msg));
		}
	}
	job = simple_job(d2.fd, d2.chan, &t.bo);
	tap(works && job == 0,
	    "signal-while-waiting: afterwards the BO works: hold returned %d, mapping read/write (%s), a job with it returned %d (%s)",
	    h.rc, msg, job, job ? strerror(-job) : "ok");

	tbo_destroy(d2.fd, &t);
	close(pfd[0]);
	close(pfd[1]);
	nv_channel_free(d2.fd, d2.chan);
	close(d2.fd);
	if (!have_live) {
		tap_skip("no " NVLF_TEST_STATS,
			 "signal-while-waiting: live_bos back to its starting value");
		return;
	}
	for (r = 0; r < 100; r++) {
		if (!stat_get(NVLF_TEST_STATS, "live_bos", &live) &&
		    live == live0)
			break;
		sleep_ms(50);
	}
	tap(live == live0,
	    "signal-while-waiting: after closing everything live_bos is %ld (was %ld before)",
	    live, live0);
	return;
early:
	tbo_destroy(d2.fd, &t);
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	close(d2.fd);
}

/* ------------------------------------------------------- race tests */

#define RACE_FAULTERS	3
#define RACE_PAGES	16	/* 4 per faulter, the rest for the racer */
#define PAGE_UNDEF	UINT64_MAX

struct race {
	int fd;
	struct tbo t;
	uint8_t *base;			/* where faulters look for the BO */
	uint8_t *alt;			/* mremap: the other place, or NULL */
	atomic_int where;		/* mremap: 0 base, 1 alt (a hint) */
	atomic_int stop;
	atomic_int finished;		/* faulters that have returned */
	int iters;			/* accesses per faulter */
	bool own_maps;			/* fork: each faulter its own VMA */
	struct errbuf err;
	atomic_long segv, ops, bus;
	atomic_int segv_noted;		/* the first SIGSEGV is described */
	char segv_first[200];
	uint64_t page_seed[RACE_FAULTERS][4];
};

struct faulter_arg {
	struct race *r;
	int id;
	uint64_t rs;		/* random state (in memory: survives longjmp) */
};

/* One faulter: fill one of its pages with a pattern and read it back. */
static void *race_faulter(void *arg)
{
	struct faulter_arg *fa = arg;
	struct race *r = fa->r;
	volatile int i, tries;
	uint8_t *volatile own = NULL;

	if (r->own_maps)
		own = bo_map(r->fd, &r->t.bo);

	/*
	 * i counts completed accesses; a SIGSEGV (the mapping was not there)
	 * does not, and yields so that the racer can put it back.
	 */
	for (i = 0, tries = 0; i < r->iters && tries < 20 * r->iters &&
	     !atomic_load(&r->stop); tries++) {
		sigjmp_buf jb;
		int sig;
		volatile unsigned int pg = (unsigned int)(rnd_next(&fa->rs) % 4);
		volatile uint64_t seed = ((uint64_t)fa->id << 32) | (uint64_t)i;
		unsigned int page_no = (unsigned int)fa->id * 4 + pg;
		uint8_t *base;
		char m[160];

		r->page_seed[fa->id][pg] = PAGE_UNDEF;
		sig = sigsetjmp(jb, 1);
		if (sig) {
			if (sig == SIGSEGV) {
				atomic_fetch_add(&r->segv, 1);
				sched_yield();
				if (!atomic_exchange(&r->segv_noted, 1))
					snprintf(r->segv_first, sizeof(r->segv_first),
						 "faulter %d: %s at %p (base %p, alt %p, hint %d)",
						 fa->id, seg_code == SEGV_MAPERR ? "SEGV_MAPERR" :
						 seg_code == SEGV_ACCERR ? "SEGV_ACCERR" : "SIGSEGV",
						 (void *)seg_addr, (void *)r->base,
						 (void *)r->alt, atomic_load(&r->where));
			} else {
				atomic_fetch_add(&r->bus, 1);
				err_add(&r->err, "faulter %d: signal %d (%s) at %p",
					fa->id, sig, strsignal(sig),
					(void *)seg_addr);
				i++;
			}
			continue;
		}
		if (r->own_maps) {
			if (i % 8 == 7) {
				munmap(own, r->t.bo.size);
				own = bo_map(r->fd, &r->t.bo);
			}
			if (!own) {
				err_add(&r->err, "faulter %d: mmap: %s", fa->id,
					strerror(errno));
				break;
			}
			base = own;
		} else if (r->alt && atomic_load(&r->where)) {
			base = r->alt;
		} else {
			base = r->base;
		}
		seg_jump = &jb;
		{
			volatile uint32_t *p = (volatile uint32_t *)
				(base + (size_t)page_no * NV_PAGE);

			pat_fill(p, 1024, seed, (uint64_t)page_no * 1024);
			if (pat_check(p, 1024, seed, (uint64_t)page_no * 1024,
				      m, sizeof(m))) {
				seg_jump = NULL;
				err_add(&r->err,
					"faulter %d: page %u read back wrong after writing it: %s",
					fa->id, page_no, m);
				i++;
				continue;
			}
		}
		seg_jump = NULL;
		r->page_seed[fa->id][pg] = seed;
		atomic_fetch_add(&r->ops, 1);
		i++;
	}
	if (own)
		munmap(own, r->t.bo.size);
	atomic_fetch_add(&r->finished, 1);
	return NULL;
}

static int race_start(struct race *r, pthread_t *th, struct faulter_arg *fa)
{
	int i;

	for (i = 0; i < RACE_FAULTERS; i++) {
		fa[i].r = r;
		fa[i].id = i;
		fa[i].rs = 0x9e3779b9u * (uint64_t)(i + 1);
		if (pthread_create(&th[i], NULL, race_faulter, &fa[i])) {
			stop("pthread_create (faulter %d) failed", i);
			atomic_store(&r->stop, 1);
			while (i--)
				pthread_join(th[i], NULL);
			return -1;
		}
	}
	return 0;
}

static void race_join(pthread_t *th)
{
	int i;

	for (i = 0; i < RACE_FAULTERS; i++)
		pthread_join(th[i], NULL);
}

static int race_init(struct race *r, uint64_t seed)
{
	int i, j;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->err.lock, NULL);
	r->fd = dev.fd;
	r->iters = 3000;
	for (i = 0; i < RACE_FAULTERS; i++)
		for (j = 0; j < 4; j++)
			r->page_seed[i][j] = PAGE_UNDEF;
	if (tbo_create(dev.fd, &r->t, NV_GART, RACE_PAGES, seed))
		return -1;
	r->base = (uint8_t *)r->t.map;
	return 0;
}

/* Point: no unexpected signal, every completed access verified. */
static void race_report(struct race *r, const char *test, const char *what)
{
	long unarmed = atomic_load(&seg_unarmed);

	tap(r->err.count == 0 && unarmed == 0,
	    "%s: %d faulters, %ld verified page accesses against %s: %ld SIGSEGV recovered, %ld other signals, %ld errors%s%s",
	    test, RACE_FAULTERS, atomic_load(&r->ops), what,
	    atomic_load(&r->segv), atomic_load(&r->bus) + unarmed,
	    r->err.count, r->err.count ? "; first: " : "", r->err.first);
	if (atomic_load(&r->segv_noted))
		diag("%s: first SIGSEGV: %s", test, r->segv_first);
}

/* Point: through a fresh mapping, every page whose last access completed. */
static void race_final(struct race *r, const char *test)
{
	uint32_t *m = bo_map(dev.fd, &r->t.bo);
	unsigned int checked = 0, bad = 0;
	char first[200] = "";
	int f, pg;

	if (!m) {
		tap(0, "%s: final check: mmap: %s", test, strerror(errno));
		return;
	}
	for (f = 0; f < RACE_FAULTERS; f++) {
		for (pg = 0; pg < 4; pg++) {
			unsigned int page_no = (unsigned int)f * 4 + (unsigned int)pg;
			uint64_t s = r->page_seed[f][pg];
			char msg[160];

			if (s == PAGE_UNDEF)
				continue;
			checked++;
			if (pat_check(m + (size_t)page_no * 1024, 1024, s,
				      (uint64_t)page_no * 1024, msg,
				      sizeof(msg))) {
				if (!bad++)
					snprintf(first, sizeof(first),
						 "page %u: %s", page_no, msg);
			}
		}
	}
	munmap(m, r->t.bo.size);
	tap(!bad && checked > 0,
	    "%s: final contents through a fresh mapping: %u of %u pages with a defined last write are right%s%s",
	    test, checked - bad, checked, bad ? "; first wrong: " : "", first);
}

static void test_munmap_race(void)
{
	struct faulter_arg fa[RACE_FAULTERS];
	pthread_t th[RACE_FAULTERS];
	struct race r;
	long cycles = 0;

	if (race_init(&r, 0x4004))
		return;
	if (race_start(&r, th, fa))
		goto out;
	while (atomic_load(&r.finished) < RACE_FAULTERS) {
		void *p;

		if (munmap(r.base, r.t.bo.size)) {
			err_add(&r.err, "racer: munmap: %s", strerror(errno));
			break;
		}
		p = mmap(r.base, r.t.bo.size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED_NOREPLACE, dev.fd,
			 (off_t)r.t.bo.map_handle);
		if (p != r.base) {
			/* the faulters may not touch a foreign mapping */
			err_add(&r.err, "racer: mmap at %p again: %s (got %p)",
				(void *)r.base, strerror(errno), p);
			atomic_store(&r.stop, 1);
			break;
		}
		cycles++;
		if (cycles % 4 == 0)
			sched_yield();
	}
	atomic_store(&r.stop, 1);
	race_join(th);
	{
		char what[64];

		snprintf(what, sizeof(what), "%ld munmap+mmap cycles", cycles);
		race_report(&r, "munmap-race", what);
	}
	race_final(&r, "munmap-race");
out:
	tbo_destroy(dev.fd, &r.t);
}

static void test_mremap_race(void)
{
	struct faulter_arg fa[RACE_FAULTERS];
	pthread_t th[RACE_FAULTERS];
	struct race r;
	uint8_t *area, *cur;
	long moves = 0;
	size_t sz;

	if (race_init(&r, 0x5005))
		return;
	sz = r.t.bo.size;
	/* two slots; the one without the BO is PROT_NONE: never foreign */
	area = mmap(NULL, 2 * sz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		stop("mmap of %zu bytes PROT_NONE: %s", 2 * sz, strerror(errno));
		goto out;
	}
	cur = mremap(r.t.map, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, area);
	if (cur != area) {
		stop("mremap of the BO mapping into place: %s", strerror(errno));
		munmap(area, 2 * sz);
		goto out;
	}
	r.t.map = (uint32_t *)area;
	r.base = area;
	r.alt = area + sz;
	if (race_start(&r, th, fa)) {
		r.t.map = NULL;
		munmap(area, 2 * sz);
		goto out;
	}
	while (atomic_load(&r.finished) < RACE_FAULTERS) {
		uint8_t *to = cur == r.base ? r.alt : r.base;
		void *p = mremap(cur, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, to);

		if (p != to) {
			err_add(&r.err, "racer: mremap %p -> %p: %s",
				(void *)cur, (void *)to, strerror(errno));
			break;
		}
		atomic_store(&r.where, to == r.alt);
		p = mmap(cur, sz, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != cur) {
			err_add(&r.err, "racer: refilling the old place %p: %s",
				(void *)cur, strerror(errno));
			atomic_store(&r.stop, 1);
			break;
		}
		cur = to;
		moves++;
		if (moves % 4 == 0)
			sched_yield();
	}
	atomic_store(&r.stop, 1);
	race_join(th);
	{
		char what[64];

		snprintf(what, sizeof(what), "%ld mremap(MREMAP_MAYMOVE) moves",
			 moves);
		race_report(&r, "mremap-race", what);
	}
	race_final(&r, "mremap-race");
	munmap(area, 2 * sz);
	r.t.map = NULL;
out:
	tbo_destroy(dev.fd, &r.t);
}

static void test_fork_race(void)
{
	struct faulter_arg fa[RACE_FAULTERS];
	pthread_t th[RACE_FAULTERS];
	volatile uint32_t *fp;
	struct race r;
	int forks = 0, bad_children = 0, n;
	char first[200] = "";

	if (race_init(&r, 0x6006))
		return;
	r.own_maps = true;
	r.iters = 1500;
	fp = (volatile uint32_t *)(r.base + 15 * NV_PAGE);
	if (race_start(&r, th, fa))
		goto out;
	for (n = 0; n < 200 && !atomic_load(&r.stop); n++) {
		uint32_t v = pat_word(0x6007, (uint64_t)n);
		int status;
		pid_t pid;

		fp[0] = v;
		fp[1] = 0;
		pid = fork();
		if (pid < 0) {
			err_add(&r.err, "fork #%d: %s", n, strerror(errno));
			break;
		}
		if (pid == 0) {
			/* only the inherited mapping; no libc state */
			uint32_t seen = fp[0];

			fp[1] = ~seen;
			_exit(seen == v ? 0 : 3);
		}
		if (waitpid(pid, &status, 0) != pid) {
			err_add(&r.err, "waitpid #%d: %s", n, strerror(errno));
			break;
		}
		forks++;
		if (!WIFEXITED(status) || WEXITSTATUS(status) || fp[1] != ~v) {
			if (!bad_children++)
				snprintf(first, sizeof(first),
					 "child #%d: wait status 0x%x (%s), wrote 0x%08x, expected 0x%08x",
					 n, status,
					 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
					 WEXITSTATUS(status) == 3 ? "saw a wrong value" : "exit",
					 fp[1], ~v);
		}
	}
	atomic_store(&r.stop, 1);
	race_join(th);
	{
		char what[64];

		snprintf(what, sizeof(what), "%d forks", forks);
		race_report(&r, "fork-race", what);
	}
	tap(forks == 200 && bad_children == 0,
	    "fork-race: %d of 200 children forked while faulting read the parent's word through the inherited mapping, wrote theirs back and exited 0%s%s",
	    forks - bad_children, bad_children ? "; first bad: " : "", first);
	race_final(&r, "fork-race");
out:
	tbo_destroy(dev.fd, &r.t);
}

/* --------------------------------------------------------- proc-mem */

static void test_proc_mem(void)
{
	struct stat_delta acc;
	struct holder h;
	struct tbo t;
	uint8_t *buf = NULL, *want = NULL;
	int mem = -1;
	ssize_t n;
	const size_t len1 = 2 * NV_PAGE + 100, off1 = 1000;
	const size_t len2 = 3000, off2 = 6000;
	int64_t t0, t1;
	long d;
	bool ok;

	if (tbo_create(dev.fd, &t, NV_GART, 4, 0x7007))
		return;
	buf = malloc(t.bo.size);
	want = malloc(t.bo.size);
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (!buf || !want || mem < 0) {
		stop("open /proc/self/mem: %s", strerror(errno));
		goto out;
	}
	stat_begin(&acc, NVLF_TTM_STATS, "vm_access");

	/* 1: read */
	memcpy(want, t.map, t.bo.size);
	n = pread(mem, buf, len1, (off_t)(uintptr_t)((uint8_t *)t.map + off1));
	tap(n == (ssize_t)len1 && !memcmp(buf, want + off1, len1),
	    "proc-mem: pread of %zu bytes of /proc/self/mem at the mapping + %zu returned %zd%s%s and %s the BO",
	    len1, off1, n, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "",
	    n == (ssize_t)len1 && !memcmp(buf, want + off1, len1) ? "matches" : "does not match");

	/* 2: write */
	pat_fill((uint32_t *)buf, len2 / 4, 0x7008, 0);
	memcpy(want + off2, buf, len2);
	n = pwrite(mem, buf, len2, (off_t)(uintptr_t)((uint8_t *)t.map + off2));
	ok = n == (ssize_t)len2 && !memcmp((void *)t.map, want, t.bo.size);
	tap(ok,
	    "proc-mem: pwrite of %zu bytes at the mapping + %zu returned %zd%s%s; the mapping shows %s",
	    len2, off2, n, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "",
	    ok ? "exactly the written bytes" : "something else");

	/* 3: read while another thread holds the reservation */
	if (holder_start(&h, dev.fd, t.bo.handle, 300))
		goto out;
	sleep_ms(50);
	t0 = now_ns();
	n = pread(mem, buf, NV_PAGE, (off_t)(uintptr_t)t.map);
	t1 = now_ns();
	holder_join(&h);
	ok = n == NV_PAGE && !memcmp(buf, want, NV_PAGE);
	tap(ok && h.rc == 0 && t1 >= h.t_end - 20000000,
	    "proc-mem: pread during a 300 ms BO_HOLD (rc %d) returned %zd, %s, completed %+.1f ms relative to the release (>= -20 ms) after waiting %.0f ms",
	    h.rc, n, ok ? "data right" : "data WRONG",
	    ns_to_ms(t1 - h.t_end), ns_to_ms(t1 - t0));

	/* 4: counter */
	if (stat_end(&acc, &d))
		tap(d >= 3, "proc-mem: vm_access grew by %ld (>= 3 expected)", d);
	else
		tap_skip("no " NVLF_TTM_STATS, "proc-mem: vm_access grew");
out:
	if (mem >= 0)
		close(mem);
	free(buf);
	free(want);
	tbo_destroy(dev.fd, &t);
}

/* ---------------------------------------------------------- madvise */

static void test_madvise(void)
{
	struct stat_delta faults;
	struct tbo t;
	char msg[200];
	int r, e;
	long d;
	bool ok;

	if (tbo_create(dev.fd, &t, NV_GART, 8, 0x8008))
		return;
	stat_begin(&faults, NVLF_TTM_STATS, "faults");
	r = madvise(t.map, t.bo.size, MADV_DONTNEED);
	e = errno;
	tap(r == 0 || e == EINVAL,
	    "madvise: MADV_DONTNEED on the BO mapping returned %s",
	    r == 0 ? "0" : e == EINVAL ?
		"EINVAL (Linux refuses it on VM_PFNMAP mappings: mm/madvise.c)" :
		strerror(e));
	if (r) {
		/* the PTEs are still there: replace the mapping instead */
		diag("madvise: PTEs not dropped; replacing the mapping to fault again");
		if (tbo_remap(dev.fd, &t))
			goto out;
	}
	ok = tbo_verify(&t, t.map, t.seed, msg, sizeof(msg));
	tap(ok, "madvise: the BO kept its data after %s: %s",
	    r ? "a fresh mmap" : "MADV_DONTNEED", msg);
	if (stat_end(&faults, &d))
		tap(d >= 1, "madvise: reading it back faulted again (faults %+ld)",
		    d);
	else
		tap_skip("no " NVLF_TTM_STATS, "madvise: reading it back faulted again");
out:
	tbo_destroy(dev.fd, &t);
}

/* ----------------------------------------------------- move-refault */

static int move_and_check(struct tbo *t, uint32_t to, char *msg, size_t len)
{
	uint64_t before_off = t->bo.offset, off = 0;
	uint32_t before_dom = t->bo.domain;
	int r = bo_move(dev.fd, t->bo.handle, to, &off);
	int ri;

	if (r) {
		snprintf(msg, len, "BO_MOVE to %s: %s", domain_name(to),
			 strerror(-r));
		return 0;
	}
	ri = bo_info(dev.fd, &t->bo);
	snprintf(msg, len,
		 "BO_MOVE %s->%s returned offset 0x%" PRIx64 " (was 0x%" PRIx64 "); GEM_INFO: %s (%s) offset 0x%" PRIx64 "%s",
		 domain_name(before_dom), domain_name(to), off, before_off,
		 ri ? strerror(-ri) : "ok", domain_name(t->bo.domain),
		 t->bo.offset, off == before_off ? " (same offset, other address space)" : "");
	return !ri && t->bo.domain == to && t->bo.offset == off &&
	       (off != before_off || to != before_dom);
}

static void test_move_refault(void)
{
	struct stat_delta faults;
	struct tbo t;
	char msg[300], vmsg[200];
	uint32_t *fresh;
	long d;
	bool ok;

	if (tbo_create(dev.fd, &t, NV_GART, 8, 0x9009))
		return;
	if (bo_info(dev.fd, &t.bo) || t.bo.domain != NV_GART) {
		stop("new GART BO: GEM_INFO says domain %s",
		     domain_name(t.bo.domain));
		goto out;
	}
	tap(move_and_check(&t, NV_VRAM, msg, sizeof(msg)),
	    "move-refault: %s", msg);
	stat_begin(&faults, NVLF_TTM_STATS, "faults");
	ok = tbo_verify(&t, t.map, t.seed, vmsg, sizeof(vmsg));
	tap(ok, "move-refault: data intact through the old mapping after the move: %s",
	    vmsg);
	if (stat_end(&faults, &d))
		tap(d >= 1,
		    "move-refault: the move invalidated the mapping: reading it faulted again (faults %+ld)",
		    d);
	else
		tap_skip("no " NVLF_TTM_STATS,
			 "move-refault: reading after the move faulted again");

	ok = move_and_check(&t, NV_GART, msg, sizeof(msg));
	t.seed = 0x900a;
	pat_fill(t.map, t.bo.size / 4, t.seed, 0);
	fresh = bo_map(dev.fd, &t.bo);
	if (!fresh) {
		tap(0, "move-refault: back to GART: mmap: %s", strerror(errno));
		goto out;
	}
	ok = tbo_verify(&t, fresh, t.seed, vmsg, sizeof(vmsg)) && ok;
	munmap(fresh, t.bo.size);
	tap(ok, "move-refault: back: %s; written through the old mapping, read through a fresh one: %s",
	    msg, vmsg);
out:
	tbo_destroy(dev.fd, &t);
}

/* --------------------------------------------------- pipelined-move */

static void test_pipelined_move(void)
{
	static const char *const n[] = { "move_wait_retry", "move_wait_block",
					 "move_wait_nowait" };
	long delay_us = param_long(NVLF_TEST_DRIVER_NAME, "move_delay_us", -1);
	struct stat_delta s[3];
	struct tbo t;
	int64_t t0, t1, t2;
	uint32_t got, want;
	long dsum = 0, dv;
	bool have = true;
	unsigned int i;
	int r;

	if (delay_us <= 0) {
		char reason[128];

		snprintf(reason, sizeof(reason),
			 "/sys/module/nvlf_test/parameters/move_delay_us is %s",
			 delay_us < 0 ? "unreadable" : "0");
		tap_skip(reason, "pipelined-move: data intact");
		tap_skip(reason, "pipelined-move: the fault waited for the move");
		tap_skip(reason, "pipelined-move: timing");
		return;
	}
	if (tbo_create(dev.fd, &t, NV_GART, 8, 0xa00a))
		return;
	for (i = 0; i < 3; i++)
		stat_begin(&s[i], NVLF_TTM_STATS, n[i]);
	t0 = now_ns();
	r = bo_move(dev.fd, t.bo.handle, NV_VRAM, NULL);
	t1 = now_ns();
	got = ((volatile uint32_t *)t.map)[1024 + 5];
	t2 = now_ns();
	want = pat_word(t.seed, 1024 + 5);
	tap(r == 0 && got == want,
	    "pipelined-move: BO_MOVE returned %d; a read right after it got 0x%08x (expected 0x%08x)",
	    r, got, want);
	for (i = 0; i < 3; i++) {
		if (stat_end(&s[i], &dv))
			dsum += dv;
		else
			have = false;
	}
	if (have)
		tap(dsum >= 1,
		    "pipelined-move: the fault waited for the move (move_wait_retry+block+nowait %+ld)",
		    dsum);
	else
		tap_skip("no " NVLF_TTM_STATS,
			 "pipelined-move: the fault waited for the move");
	if (delay_us < 50000)
		tap_skip("move_delay_us < 50000: too short to time",
			 "pipelined-move: BO_MOVE returned after %.1f ms, the read completed %.1f ms after BO_MOVE started (move_delay_us %ld)",
			 ns_to_ms(t1 - t0), ns_to_ms(t2 - t0), delay_us);
	else
		tap(t2 - t0 >= delay_us * 1000 - 20000000,
		    "pipelined-move: BO_MOVE returned after %.1f ms, the read completed %.1f ms after BO_MOVE started (move_delay_us %ld: >= %.1f ms expected)",
		    ns_to_ms(t1 - t0), ns_to_ms(t2 - t0), delay_us,
		    delay_us / 1000.0 - 20);
	tbo_destroy(dev.fd, &t);
}

/* ------------------------------------------------------------ main */

static const struct nvlf_part tests[] = {
	{ "hold-then-fault", 4, test_hold_then_fault },
	{ "no-mmap-lock-while-waiting", 3, test_no_mmap_lock },
	{ "signal-while-waiting", 4, test_signal },
	{ "munmap-race", 2, test_munmap_race },
	{ "mremap-race", 2, test_mremap_race },
	{ "fork-race", 3, test_fork_race },
	{ "proc-mem", 4, test_proc_mem },
	{ "madvise", 3, test_madvise },
	{ "move-refault", 4, test_move_refault },
	{ "pipelined-move", 3, test_pipelined_move },
};

static void clear_why(void)
{
	why[0] = '\0';
}

int main(int argc, char **argv)
{
	bool sel[ARRAY_SIZE(tests)];
	const char *path = NULL;
	unsigned int i, plan = 2;
	char err[256];
	int n, status;
	long live0 = 0, live = -1;
	bool have_live;

	n = parts_args(argc, argv, "nvlf_faults", tests, ARRAY_SIZE(tests), sel,
		       &path, &status);
	if (n < 0)
		return status;
	plan += n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(plan);
	seg_install();
	if (nvdev_setup(&dev, path, err, sizeof(err))) {
		tap(0, "nvlf_test device: %s", err);
		tap_pad(plan, "nvlf_faults", "no device");
		return 1;
	}
	have_ttm_stats = !access(NVLF_TTM_STATS, R_OK);
	have_test_stats = !access(NVLF_TEST_STATS, R_OK);
	have_live = !stat_get(NVLF_TEST_STATS, "live_bos", &live0);
	tap(1, "nvlf_test device %s: chipset 0x%" PRIx64 ", channel %d; counters: nvlf_ttm %s, nvlf_test %s; ttm nvlf_naive_fault=%d",
	    dev.path, dev.chipset, dev.chan, have_ttm_stats ? "yes" : "no",
	    have_test_stats ? "yes" : "no",
	    param_bool("ttm", "nvlf_naive_fault"));

	parts_run(tests, ARRAY_SIZE(tests), sel, WATCHDOG_S, clear_why, why);

	nv_channel_free(dev.fd, dev.chan);
	close(dev.fd);
	if (!have_live) {
		tap_skip("no " NVLF_TEST_STATS,
			 "cleanup: live_bos back to its starting value");
	} else {
		for (i = 0; i < 100; i++) {
			if (!stat_get(NVLF_TEST_STATS, "live_bos", &live) &&
			    live == live0)
				break;
			sleep_ms(50);
		}
		tap(live == live0,
		    "cleanup: after closing the device live_bos is %ld (was %ld at the start)",
		    live, live0);
	}
	return tap_exit_status();
}
