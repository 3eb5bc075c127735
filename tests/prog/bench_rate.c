// SPDX-License-Identifier: GPL-2.0
/*
 * bench_rate.c - the rate figures of nvlf_bench (sections faults and refault):
 * first faults and refaults, pages per second.
 */
#define _GNU_SOURCE
#include "bench.h"

struct toucher2 {
	pthread_barrier_t go, done;
	volatile uint32_t *map;
	size_t first, n;
	uint32_t seed;
	bool quit;
	pthread_t th;
};

static void *toucher2_fn(void *arg)
{
	struct toucher2 *t = arg;

	pin_to(1);
	for (;;) {
		pthread_barrier_wait(&t->go);
		if (t->quit)
			break;
		touch_pages(t->map, t->first, t->n, t->seed);
		pthread_barrier_wait(&t->done);
	}
	return NULL;
}

/* Touch all @pages of @map, with one helper thread when @t is not NULL. */
static int64_t timed_touch(struct toucher2 *t, volatile uint32_t *map,
			   size_t pages, uint32_t seed)
{
	int64_t t0, t1;

	if (!t) {
		t0 = now_ns();
		touch_pages(map, 0, pages, seed);
		return now_ns() - t0;
	}
	t->map = map;
	t->first = pages / 2;
	t->n = pages - pages / 2;
	t->seed = seed;
	t0 = now_ns();
	pthread_barrier_wait(&t->go);
	touch_pages(map, 0, pages / 2, seed);
	pthread_barrier_wait(&t->done);
	t1 = now_ns();
	return t1 - t0;
}

static int toucher2_start(struct toucher2 *t)
{
	memset(t, 0, sizeof(*t));
	pthread_barrier_init(&t->go, NULL, 2);
	pthread_barrier_init(&t->done, NULL, 2);
	if (pthread_create(&t->th, NULL, toucher2_fn, t)) {
		tap_stop("pthread_create: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void toucher2_tap_stop(struct toucher2 *t)
{
	t->quit = true;
	pthread_barrier_wait(&t->go);
	pthread_join(t->th, NULL);
	pthread_barrier_destroy(&t->go);
	pthread_barrier_destroy(&t->done);
}

/* ------------------------------------------------------ rate figures */

enum kind { K_FIRST, K_REMAP, K_MOVE };

enum mem { M_NVLF, M_BOCHS, M_ANON };

static const char *const mem_name[] = {
	[M_NVLF] = "nvlf GART",
	[M_BOCHS] = "bochs dumb",
	[M_ANON] = "anonymous",
};

struct rate_case {
	const char *name;
	enum mem mem;
	int threads;
	enum kind kind;
};

/*
 * fault_first_anon_1t goes through the core mm only (no TTM): the same
 * in both module sets, it shows how fast the host let the guest run
 * during that boot, i.e. how much of an ours/stock ratio is host noise.
 */
static const struct rate_case rate_cases[] = {
	{ "fault_first_anon_1t", M_ANON, 1, K_FIRST },
	{ "fault_first_bochs_1t", M_BOCHS, 1, K_FIRST },
	{ "fault_first_bochs_2t", M_BOCHS, 2, K_FIRST },
	{ "fault_first_nvlf_1t", M_NVLF, 1, K_FIRST },
	{ "fault_first_nvlf_2t", M_NVLF, 2, K_FIRST },
	{ "refault_remap_bochs", M_BOCHS, 1, K_REMAP },
	{ "refault_remap_nvlf", M_NVLF, 1, K_REMAP },
	{ "refault_move_nvlf", M_NVLF, 1, K_MOVE },
};

static int new_case_buf(const struct rate_case *c, struct buf *b)
{
	/* bochs: 2 MiB of the 16 MiB of VRAM; nvlf and anon: 4 MiB */
	switch (c->mem) {
	case M_BOCHS:
		return buf_new_dumb(b, 1024, 512);
	case M_ANON:
		return buf_new_anon(b, 4u << 20);
	default:
		return buf_new_nvlf(b, 4u << 20, NV_GART);
	}
}

/*
 * What the chunks of one figure measured.  A figure is measured in NCHUNK
 * chunks, round-robin with the other figures of its section, and every
 * round (one buffer's pages, 1 to 3 ms) is timed on its own.  The figure is
 * the rate of the median round: a burst of host activity (a vCPU thread
 * descheduled for a few ms, which on this 2-CPU host happens several times
 * a second) spoils the rounds it hits, not the figure.  The mean rate
 * (all pages over all the time) and the chunk rates are in the TAP line.
 */

struct rate_acc {
	double rate[NCHUNK];
	unsigned int chunks;
	size_t pages, total, bad;
	long rounds;
	int64_t busy;
	double *round_ns;	/* every round's time */
	size_t nround, round_cap;
	bool failed;
	int madv_rc, madv_err;
};

static int acc_round(struct rate_acc *acc, int64_t ns)
{
	if (acc->nround == acc->round_cap) {
		size_t cap = acc->round_cap ? 2 * acc->round_cap : 4096;
		double *r = realloc(acc->round_ns, cap * sizeof(*r));

		if (!r) {
			tap_stop("out of memory for %zu round times", cap);
			return -1;
		}
		acc->round_ns = r;
		acc->round_cap = cap;
	}
	acc->round_ns[acc->nround++] = (double)ns;
	return 0;
}

/* One chunk of figure @c: about @secs of measured time, at least 3 rounds. */
static void rate_chunk(const struct rate_case *c, double secs,
		       struct rate_acc *acc)
{
	struct toucher2 t2, *t = NULL;
	struct buf b = { .fd = -1 };
	uint32_t *map = NULL;
	int64_t busy = 0, ns;
	size_t total = 0;
	long rounds = 0;
	uint32_t dom = NV_GART;

	if (c->mem == M_BOCHS && bochs_fd < 0) {
		tap_stop("no bochs-drm device");
		acc->failed = true;
		return;
	}
	if (c->threads == 2) {
		if (toucher2_start(&t2)) {
			acc->failed = true;
			return;
		}
		t = &t2;
	}

	if (c->kind != K_FIRST) {
		/* one buffer, populated and mapped before timing */
		if (new_case_buf(c, &b))
			goto fail;
		map = buf_map(&b);
		if (!map)
			goto fail;
		acc->pages = b.bo.size / NV_PAGE;
		touch_pages(map, 0, acc->pages, 0);
		acc->madv_rc = madvise(map, b.bo.size, MADV_DONTNEED);
		acc->madv_err = errno;
	}

	while (rounds < 3 || busy < (int64_t)(secs * 1e9)) {
		uint32_t seed = (uint32_t)(acc->rounds + rounds) * 0x9e3779b9u + 1;

		switch (c->kind) {
		case K_FIRST:
			if (new_case_buf(c, &b))
				goto fail;
			map = buf_map(&b);
			if (!map)
				goto fail;
			acc->pages = b.bo.size / NV_PAGE;
			break;
		case K_REMAP:
			munmap(map, b.bo.size);
			map = buf_map(&b);
			if (!map)
				goto fail;
			break;
		case K_MOVE: {
			int r;

			dom = dom == NV_GART ? NV_VRAM : NV_GART;
			r = bo_move(dev.fd, b.bo.handle, dom, NULL);
			if (r) {
				tap_stop("BO_MOVE to %s: %s", domain_name(dom),
				     strerror(-r));
				goto fail;
			}
			break;
		}
		}
		ns = timed_touch(t, map, acc->pages, seed);
		if (acc_round(acc, ns))
			goto fail;
		busy += ns;
		acc->bad += check_pages(map, acc->pages, seed);
		total += acc->pages;
		rounds++;
		if (c->kind == K_FIRST) {
			munmap(map, b.bo.size);
			map = NULL;
			buf_free(&b);
		}
		if (rounds > 1000000)
			break;
	}
	acc->rate[acc->chunks++] = (double)total / ((double)busy / 1e9);
	acc->total += total;
	acc->busy += busy;
	acc->rounds += rounds;
	goto out;
fail:
	acc->failed = true;
out:
	if (map)
		munmap(map, b.bo.size);
	buf_free(&b);
	if (t)
		toucher2_tap_stop(t);
}

/* The figures of @kind_first (K_FIRST) or the others, round-robin. */
void run_rates(bool first)
{
	struct rate_acc acc[ARRAY_SIZE(rate_cases)];
	unsigned int i, k;

	memset(acc, 0, sizeof(acc));
	for (k = 0; k < NCHUNK; k++)
		for (i = 0; i < ARRAY_SIZE(rate_cases); i++) {
			if ((rate_cases[i].kind == K_FIRST) != first ||
			    acc[i].failed)
				continue;
			rate_chunk(&rate_cases[i], budget_s / NCHUNK, &acc[i]);
		}
	for (i = 0; i < ARRAY_SIZE(rate_cases); i++) {
		const struct rate_case *c = &rate_cases[i];
		struct rate_acc *a = &acc[i];
		double rate, lo, hi, med;

		if ((c->kind == K_FIRST) != first)
			continue;
		if (a->failed || a->chunks != NCHUNK) {
			tap(0, "%s: measurement failed after %u chunks: %s",
			    c->name, a->chunks, tap_why()[0] ? tap_why() : "?");
			continue;
		}
		chunk_median(a->rate, a->chunks, &lo, &hi);
		qsort(a->round_ns, a->nround, sizeof(double), cmp_double);
		med = pct(a->round_ns, a->nround, 50);
		rate = med > 0 ? (double)a->pages / (med / 1e9) : 0;
		if (c->kind != K_FIRST)
			diag("%s: MADV_DONTNEED on the mapping returned %s (measured after munmap+mmap%s instead)",
			     c->name, a->madv_rc ? strerror(a->madv_err) : "0",
			     c->kind == K_MOVE ? " and BO_MOVE" : "");
		bench(c->name, rate, "pages/s");
		tap(a->bad == 0 && rate > 0 && a->nround == (size_t)a->rounds,
		    "%s: %zu pages of %zu-page %s buffers in %ld rounds, %.3f s of faulting; median round %.3f ms = %.0f pages/s (rounds %.3f..%.3f ms; mean %.0f pages/s, %d chunks %.0f..%.0f); %zu wrong words on read-back",
		    c->name, a->total, a->pages,
		    mem_name[c->mem], a->rounds,
		    (double)a->busy / 1e9, med / 1e6, rate,
		    a->nround ? a->round_ns[0] / 1e6 : 0,
		    a->nround ? a->round_ns[a->nround - 1] / 1e6 : 0,
		    a->busy ? (double)a->total / ((double)a->busy / 1e9) : 0,
		    NCHUNK, lo, hi, a->bad);
	}
	for (i = 0; i < ARRAY_SIZE(rate_cases); i++)
		free(acc[i].round_ns);
}

