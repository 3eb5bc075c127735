// SPDX-License-Identifier: GPL-2.0
/*
 * bench_hold.c - the nvlf_bench sections contention and starvation: faults on a
 * BO whose reservation another thread holds.
 */
#define _GNU_SOURCE
#include "bench.h"

/* -------------------------------------------------------- contention */

struct holder {
	uint32_t handle;
	uint32_t ms;
	atomic_int started;
	int64_t reserved, released;	/* the driver's clock */
	int rc;
	pthread_t th;
};

static void *holder_fn(void *arg)
{
	struct holder *h = arg;

	pin_to(0);
	atomic_store(&h->started, 1);
	h->rc = bo_hold_at(dev.fd, h->handle, h->ms, &h->reserved, &h->released);
	return NULL;
}

const unsigned int holds_ms[3] = { 1, 10, 100 };

void run_contention(unsigned int ms)
{
	unsigned int n = smoke ? (ms >= 100 ? 2 : 5) : ms >= 100 ? 30 : 100;
	double *ovh = calloc(n, sizeof(double)), *hold = calloc(n, sizeof(double));
	unsigned int i, got = 0, missed = 0, errs = 0, early = 0;
	struct stat_delta retry;
	struct buf b = { .fd = -1 };
	uint32_t *map = NULL;
	char name[64];
	long dr = -1;

	if (!ovh || !hold || buf_new_nvlf(&b, 16 * NV_PAGE, NV_GART))
		goto out;
	map = buf_map(&b);
	if (!map)
		goto out;
	touch_pages(map, 0, 16, 0);
	stat_begin(&retry, NVLF_TTM_STATS, "reserve_busy_retry");
	for (i = 0; i < n; i++) {
		struct holder h = { .handle = b.bo.handle, .ms = ms };
		int64_t t0, t1;
		uint32_t v;

		munmap(map, b.bo.size);
		map = buf_map(&b);
		if (!map)
			goto out;
		if (pthread_create(&h.th, NULL, holder_fn, &h)) {
			tap_stop("pthread_create: %s", strerror(errno));
			goto out;
		}
		while (!atomic_load(&h.started))
			sched_yield();
		/* BO_HOLD reserves at once and sleeps >= 1 jiffy (4 ms) */
		sleep_us(1000);
		t0 = now_ns();
		v = ((volatile uint32_t *)map)[3 * 1024];
		t1 = now_ns();
		pthread_join(h.th, NULL);
		if (h.rc || v != 3) {
			errs++;
			continue;
		}
		if (t0 < h.reserved || t0 >= h.released) {
			missed++;	/* the fault did not start inside the hold */
			continue;
		}
		if (t1 < h.released) {
			early++;	/* done while reserved: it did not wait */
			continue;
		}
		ovh[got] = ns_to_ms(t1 - h.released);
		hold[got] = ns_to_ms(h.released - h.reserved);
		/* every sample, for percentiles over all boots (bench/run) */
		tap_line("BENCH-SAMPLE contend_T%u %.6g ms", ms, ovh[got]);
		got++;
	}
	if (!stat_end(&retry, &dr))
		dr = -1;
	qsort(ovh, got, sizeof(double), cmp_double);
	qsort(hold, got, sizeof(double), cmp_double);
	snprintf(name, sizeof(name), "contend_T%u_p50", ms);
	bench(name, pct(ovh, got, 50), "ms");
	snprintf(name, sizeof(name), "contend_T%u_p99", ms);
	bench(name, pct(ovh, got, 99), "ms");
	snprintf(name, sizeof(name), "contend_T%u_hold", ms);
	bench(name, pct(hold, got, 50), "ms");
	tap(got >= (n + 1) / 2 && !errs && !early,
	    "contend_T%u: %u of %u faults started inside a BO_HOLD(%u ms) (real hold median %.2f ms; %u missed, %u done before the release, %u errors); completion after the release: p50 %.3f ms, p99 %.3f ms, min %.3f, max %.3f%s",
	    ms, got, n, ms, pct(hold, got, 50), missed, early, errs,
	    pct(ovh, got, 50), pct(ovh, got, 99), got ? ovh[0] : 0,
	    got ? ovh[got - 1] : 0,
	    dr >= 0 ? "" : " (no nvlf_ttm counters: stock ttm)");
	if (dr >= 0)
		diag("contend_T%u: nvlf_ttm reserve_busy_retry %+ld", ms, dr);
out:
	if (map)
		munmap(map, b.bo.size);
	buf_free(&b);
	free(ovh);
	free(hold);
}

/* -------------------------------------------------------- starvation */

struct serial_holder {
	uint32_t handle, ms;
	atomic_int quit;
	atomic_llong fault_t0;	/* a fault in progress since (0: none) */
	atomic_int gave_up;
	long holds;
	int64_t t_first, t_last;
	int rc;
	pthread_t th;
};

static void *serial_holder_fn(void *arg)
{
	struct serial_holder *s = arg;

	pin_to(1);
	s->t_first = now_ns();
	while (!atomic_load(&s->quit)) {
		long long f0 = atomic_load(&s->fault_t0);

		if (s->holds > 4 && f0) {
			double period = (double)(now_ns() - s->t_first) / s->holds;

			if ((double)(now_ns() - f0) > STARVE_CAP * period) {
				/* starved: stop, so that the fault can end */
				atomic_store(&s->gave_up, 1);
				while (atomic_load(&s->fault_t0) &&
				       !atomic_load(&s->quit))
					sleep_us(1000);
				continue;
			}
		}
		s->rc = bo_hold(dev.fd, s->handle, s->ms);
		if (s->rc)
			break;
		s->holds++;
		s->t_last = now_ns();
	}
	return NULL;
}

void run_starvation(unsigned int ms)
{
	unsigned int n = smoke ? (ms >= 100 ? 1 : 3) :
			 ms >= 100 ? 5 : ms >= 10 ? 15 : 20;
	struct serial_holder s = { 0 };
	struct buf b = { .fd = -1 };
	uint32_t *map = NULL;
	double worst = 0, worst_ms = 0, period = 0, lat_sum = 0;
	unsigned int i, done = 0, bad = 0;
	char name[64];
	bool started = false;

	if (buf_new_nvlf(&b, 16 * NV_PAGE, NV_GART))
		return;
	map = buf_map(&b);
	if (!map)
		goto out;
	touch_pages(map, 0, 16, 0);
	s.handle = b.bo.handle;
	s.ms = ms;
	if (pthread_create(&s.th, NULL, serial_holder_fn, &s)) {
		tap_stop("pthread_create: %s", strerror(errno));
		goto out;
	}
	started = true;
	sleep_us(3 * ms * 1000 + 20000);	/* a few holds: a period */

	for (i = 0; i < n && !s.rc; i++) {
		int64_t t0, t1;
		uint32_t v;

		munmap(map, b.bo.size);
		map = buf_map(&b);
		if (!map)
			goto out;
		/* land in a different phase of the holder's cycle each time */
		sleep_us((i * 37 % 100) * ms * 10);
		t0 = now_ns();
		atomic_store(&s.fault_t0, (long long)t0);
		v = ((volatile uint32_t *)map)[5 * 1024];
		t1 = now_ns();
		atomic_store(&s.fault_t0, 0);
		bad += v != 5;
		period = (double)(s.t_last - s.t_first) / (double)(s.holds ? s.holds : 1);
		if (period > 0 && (double)(t1 - t0) / period > worst) {
			worst = (double)(t1 - t0) / period;
			worst_ms = ns_to_ms(t1 - t0);
		}
		lat_sum += ns_to_ms(t1 - t0);
		done++;
	}
	atomic_store(&s.quit, 1);
	pthread_join(s.th, NULL);
	started = false;
	period = (double)(s.t_last - s.t_first) / (double)(s.holds ? s.holds : 1);

	snprintf(name, sizeof(name), "starve_T%u_worst", ms);
	bench(name, worst, "periods");
	snprintf(name, sizeof(name), "starve_T%u_period", ms);
	bench(name, period / 1e6, "ms");
	tap(done == n && !bad && !s.rc && !atomic_load(&s.gave_up) &&
	    worst <= STARVE_BOUND,
	    "starve_T%u: a holder reserved the BO %ld times back to back (BO_HOLD %u ms, period %.2f ms, rc %d); %u of %u faults completed, mean %.2f ms, worst %.2f ms = %.2f periods (bound %d)%s%s",
	    ms, s.holds, ms, period / 1e6, s.rc, done, n,
	    done ? lat_sum / done : 0, worst_ms, worst, STARVE_BOUND,
	    atomic_load(&s.gave_up) ? "; STARVED: the holder had to give up" : "",
	    bad ? "; wrong data" : "");
out:
	if (started) {
		atomic_store(&s.quit, 1);
		pthread_join(s.th, NULL);
	}
	if (map)
		munmap(map, b.bo.size);
	buf_free(&b);
}

