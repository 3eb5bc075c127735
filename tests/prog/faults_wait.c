// SPDX-License-Identifier: GPL-2.0
/*
 * faults_wait.c - the nvlf_faults tests of a fault that waits for a reservation:
 * hold-then-fault, no-mmap-lock-while-waiting, signal-while-waiting.
 */
#define _GNU_SOURCE
#include "faults.h"

/*
 * The order of events in these tests is made by events, not by sleeps: a
 * hold is in place once the driver counted it (holder_start()), a fault
 * waits once TTM counted its wait (reserve_busy_retry when it backed off,
 * reserve_busy_block when it blocked), and the hold ends when the test
 * ends it.  Nothing depends on how fast the machine is.  The bound of a
 * hold (HOLD_BOUND_MS) is reached only when the release never comes: in a
 * naive mode whose deadlock the test must show.
 */
#define HOLD_BOUND_MS 20000

/* ---------------------------------------------------- hold-then-fault */

void test_hold_then_fault(void)
{
	struct stat_delta retry, block;
	struct releaser r;
	struct holder h;
	struct tbo t;
	int64_t tb0, tb1;
	uint32_t got, want;
	const unsigned int page = 5;
	bool waited;
	long dr, db;

	if (tbo_create(dev.fd, &t, NV_GART, 16, 0x1001))
		return;
	if (tbo_remap(dev.fd, &t))
		goto out;
	stat_begin(&retry, NVLF_TTM_STATS, "reserve_busy_retry");
	stat_begin(&block, NVLF_TTM_STATS, "reserve_busy_block");

	if (holder_start(&h, dev.fd, t.bo.handle, HOLD_BOUND_MS))
		goto out;
	/* A releases once B's fault waits for the reservation */
	if (releaser_start(&r, &h, NVLF_TTM_STATS, "reserve_busy_retry",
			   "reserve_busy_block")) {
		holder_release(&h);
		goto out;
	}
	tb0 = now_ns();
	got = ((volatile uint32_t *)t.map)[page * 1024 + 7];
	tb1 = now_ns();
	waited = releaser_join(&r);
	want = pat_word(t.seed, page * 1024 + 7);

	tap(waited && h.rc == -EINTR,
	    "hold-then-fault: thread A held the reservation until B's fault waited for it (BO_HOLD returned %d, %s, after %.0f ms)",
	    h.rc, h.rc ? strerror(-h.rc) : "ok", ns_to_ms(h.t_end - h.t_start));
	tap(got == want,
	    "hold-then-fault: B's read of a page not yet faulted in returned the BO's data (got 0x%08x, expected 0x%08x)",
	    got, want);
	tap(h.released_ns > 0 && tb1 >= h.released_ns,
	    "hold-then-fault: B's access (started %.0f ms after A's hold) completed after A's release (%+.1f ms); B waited %.0f ms",
	    ns_to_ms(tb0 - h.reserved_ns), ns_to_ms(tb1 - h.released_ns),
	    ns_to_ms(tb1 - tb0));
	if (stat_end(&retry, &dr) && stat_end(&block, &db))
		tap(dr >= 1,
		    "hold-then-fault: the first fault attempt backed off and retried (reserve_busy_retry %+ld, reserve_busy_block %+ld)",
		    dr, db);
	else
		stat_missing(NVLF_TTM_STATS,
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

/*
 * A holds the reservation, B faults on the BO and waits for it, C maps and
 * unmaps anonymous memory, which takes mmap_lock for writing.  Fixed, B
 * waits with no lock held: C completes while A still holds the
 * reservation.  Naive, B sleeps holding mmap_lock: C cannot complete until
 * A lets go, which it does only at its bound.
 */
void test_no_mmap_lock(void)
{
	struct toucher b = { 0 };
	struct holder h;
	struct tbo t;
	pthread_t bt;
	int64_t c0, c1;
	bool b_waiting, c_while_held, mm_ok = true;
	char mm_err[128] = "";
	uint32_t want;
	long w0;
	int i;

	if (tbo_create(dev.fd, &t, NV_GART, 16, 0x2002))
		return;
	if (tbo_remap(dev.fd, &t))
		goto out;
	b.addr = &t.map[9 * 1024 + 3];
	want = pat_word(t.seed, 9 * 1024 + 3);

	if (holder_start(&h, dev.fd, t.bo.handle, HOLD_BOUND_MS))
		goto out;
	w0 = stat_sum(NVLF_TTM_STATS, "reserve_busy_retry", "reserve_busy_block");
	if (pthread_create(&bt, NULL, toucher_fn, &b)) {
		tap_stop("pthread_create (B) failed");
		holder_release(&h);
		goto out;
	}
	/* B is waiting in its fault once TTM counted the wait */
	b_waiting = w0 >= 0 &&
		    stat_wait_growth(NVLF_TTM_STATS, "reserve_busy_retry",
				     "reserve_busy_block", w0, &h) &&
		    !atomic_load(&b.done);

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
	c_while_held = holder_holding(&h) && !atomic_load(&b.done);
	holder_release(&h);
	pthread_join(bt, NULL);

	diag("no-mmap-lock-while-waiting: C's 20 mmap+munmap took %.1f ms",
	     ns_to_ms(c1 - c0));
	tap(mm_ok && b_waiting && c_while_held,
	    "no-mmap-lock-while-waiting: thread C's 20 anonymous mmap+munmap completed while B waited in a fault and A still held the reservation%s%s%s%s",
	    b_waiting ? "" : " (but B was never seen waiting: the test proved nothing)",
	    c_while_held ? "" : " (NOT: C completed only after A let go)",
	    mm_ok ? "" : "; ", mm_err);
	tap(b.value == want && h.released_ns > 0 && b.t1 >= h.released_ns,
	    "no-mmap-lock-while-waiting: B's fault completed after A's release (%+.1f ms) with the BO's data (got 0x%08x, expected 0x%08x)",
	    ns_to_ms(b.t1 - h.released_ns), b.value, want);
	tap(h.rc == 0 || h.rc == -EINTR,
	    "no-mmap-lock-while-waiting: A's BO_HOLD returned %d (%s) after %.0f ms",
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

/*
 * A child faults on a BO that A holds; once it waits for the reservation
 * (TTM counted the wait), SIGKILL.  It must die of it while A still holds
 * the reservation: a fault that waits must not outlive its task.
 */
void test_signal(void)
{
	struct nvdev d2;
	struct holder h;
	struct tbo t;
	char err[256], c, msg[400];
	int pfd[2] = { -1, -1 }, status = 0, job;
	long live0 = 0, w0;
	bool have_live, blocked = false, reaped_held = false, works;
	int64_t t_sig = 0, t_reap = 0;
	pid_t pid;

	have_live = !stat_get(NVLF_TEST_STATS, "live_bos", &live0);
	if (nvdev_setup(&d2, dev.path, err, sizeof(err))) {
		tap_stop("second open: %s", err);
		if (d2.fd >= 0)
			close(d2.fd);
		return;
	}
	if (tbo_create(d2.fd, &t, NV_GART, 8, 0x3003)) {
		close(d2.fd);
		return;
	}
	if (tbo_remap(d2.fd, &t) || pipe2(pfd, O_CLOEXEC) ||
	    holder_start(&h, d2.fd, t.bo.handle, HOLD_BOUND_MS)) {
		if (!tap_why()[0])
			tap_stop("pipe2: %s", strerror(errno));
		goto early;
	}
	w0 = stat_sum(NVLF_TTM_STATS, "reserve_busy_retry", "reserve_busy_block");

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		tap_stop("fork: %s", strerror(errno));
		holder_release(&h);
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

	/* the child has started, and waits in its fault */
	if (read(pfd[0], &c, 1) == 1 && c == 's' && w0 >= 0 &&
	    stat_wait_growth(NVLF_TTM_STATS, "reserve_busy_retry",
			     "reserve_busy_block", w0, &h)) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		blocked = poll(&p, 1, 0) == 0 && holder_holding(&h);
	}
	t_sig = now_ns();
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	t_reap = now_ns();
	reaped_held = holder_holding(&h);
	holder_release(&h);

	tap(blocked && reaped_held,
	    "signal-while-waiting: child %s when SIGKILLed, reaped %.1f ms after the signal%s",
	    blocked ? "was blocked in a fault on the held BO" :
		      "was NOT blocked in the fault (its access completed or it never started)",
	    ns_to_ms(t_reap - t_sig),
	    reaped_held ? ", while A still held the reservation" :
			  " only after A let go of the reservation");
	tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "signal-while-waiting: child died of SIGKILL (wait status 0x%x: %s %d)",
	    status, WIFSIGNALED(status) ? "signal" : "exit code",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));

	works = tbo_verify(&t, t.map, t.seed, msg, sizeof(msg));
	if (works) {
		t.seed = 0x3004;
		pat_fill(t.map, t.bo.size / 4, t.seed, 0);
		if (tbo_remap(d2.fd, &t)) {
			works = false;
			snprintf(msg, sizeof(msg), "%s", tap_why());
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
	live_bos_check(have_live, live0, "signal-while-waiting",
		       "after closing everything", "before");
	return;
early:
	tbo_destroy(d2.fd, &t);
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	close(d2.fd);
}

