// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf_bench - the guest half of `make bench` (bench/run): fault-path and
 * GEM_PUSHBUF figures through bochs-drm dumb buffers and the nvlf_test
 * driver, with whichever ttm.ko the guest loaded (Debian's or ours).
 *
 * Usage: nvlf_bench [--device PATH] [--bochs PATH] [--smoke] [--time S]
 *                   [--only SECTION[,SECTION...]] [--list]
 *
 * Output: TAP (plan first, one point per figure, saying how it was
 * measured and what was checked), and for every figure one
 * machine-readable line
 *
 *     BENCH <name> <value> <unit>
 *
 * plus "BENCH-INFO ttm ours|stock <version>" and, for the contention
 * figures, every sample as "BENCH-SAMPLE contend_T<T> <value> ms".
 * bench/run collects these.
 *
 * A rate figure is measured in 5 chunks of --time/5 seconds each,
 * round-robin with the other figures of its section.  pages/s: every
 * round is timed, the value is the rate of the median round; jobs/s: the
 * median chunk rate.
 *
 * Sections and figures:
 *   faults      fault_first_{bochs,nvlf}_{1t,2t}  pages/s
 *               A new buffer each round (bochs: CREATE_DUMB, 2 MiB; nvlf:
 *               GEM_NEW in GART, 4 MiB), mmapped, one word written to
 *               every page (timed: only this loop), checked, unmapped.
 *               2t: two threads, each its half of the same mapping.
 *               fault_first_anon_1t  pages/s
 *               The same on 4 MiB of anonymous memory (no TTM): the
 *               reference for how fast the host ran the guest.
 *   refault     refault_remap_{bochs,nvlf}  pages/s
 *               One buffer, already populated; each round munmap + mmap
 *               (untimed; MADV_DONTNEED returns EINVAL on these VM_PFNMAP
 *               mappings) and every page touched again (timed).
 *               refault_move_nvlf  pages/s
 *               Each round BO_MOVE VRAM <-> GART (untimed; it invalidates
 *               the mapping), then every page touched again (timed).
 *   contention  contend_T{1,10,100}_{p50,p99}  ms; contend_T*_hold  ms
 *               A thread holds the BO's reservation (BO_HOLD of T ms); 1 ms
 *               later the main thread faults on a fresh mapping of it.
 *               Overhead = fault latency minus the part of the hold it
 *               overlapped = completion of the fault minus the release
 *               (BO_HOLD reports when the driver released it, same clock).
 *               _hold: the median real hold (msleep rounds T up to whole
 *               jiffies: 4 ms steps at HZ=250).  100, 100, 30 samples (p99
 *               by nearest rank).
 *   starvation  starve_T{1,10,100}_worst  periods; starve_T*_period  ms
 *               A holder thread reserves the BO again and again (BO_HOLD
 *               of T ms, no gap but the syscall); the main thread faults
 *               on fresh mappings.  Worst fault latency in holder periods;
 *               a fault still waiting after STARVE_CAP periods makes the
 *               holder stop (so the run ends) and counts as starved.  The
 *               point fails above STARVE_BOUND periods.
 *   pushbuf     pushbuf_{valid,reloc,slow}  jobs/s
 *               GEM_PUSHBUF jobs of 4 BOs, 1 push, 16 relocations; only
 *               the ioctl is timed.  valid: presumed offsets right (no
 *               relocation copied: reloc_copy_nofault and reloc_slowpath
 *               stay 0); reloc: presumed wrong, relocations copied with
 *               faults disabled (reloc_copy_nofault grows by the job count,
 *               no slow path); slow: the relocation array is in a shared
 *               memfd mapping whose PTEs are dropped (MADV_DONTNEED) before
 *               every job, so the no-fault copy fails and every job takes
 *               the slow path (reloc_slowpath grows by the job count).
 *
 * Exit status: 0 if every point passed, 1 otherwise, 2 on usage errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "nvlf_common.h"

#include <getopt.h>
#include <drm_mode.h>

#define WATCHDOG_S	300
#define STARVE_BOUND	6	/* periods: the point fails above this */
#define STARVE_CAP	40	/* periods: the holder gives up, "starved" */
#define NRELOC		16
#define NPBBO		4

static struct nvdev dev;
static int bochs_fd = -1;
static char bochs_path[64];
static double budget_s = 2.0;	/* measured time per rate figure */
static bool smoke;
static char why[384];

__attribute__((format(printf, 1, 2)))
static void stop(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	diag("%s", why);
}

static void bench(const char *name, double value, const char *unit)
{
	pthread_mutex_lock(&tap_mutex);
	printf("BENCH %s %.6g %s\n", name, value, unit);
	fflush(stdout);
	pthread_mutex_unlock(&tap_mutex);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of @n sorted values (p99 of < 100 is the max). */
static double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (!n)
		return 0;
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* First line of @file, newline stripped; 0 or -1. */
static int read_line(const char *file, char *buf, size_t len)
{
	FILE *f = fopen(file, "re");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, (int)len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
	}
	fclose(f);
	return ret;
}

/* ------------------------------------------------------------ buffers */

/* A buffer of either device: handle, size, mmap offset. */
struct buf {
	int fd;
	bool dumb;
	bool anon;		/* anonymous memory, the reference figure */
	struct nvbo bo;		/* handle, size, map_handle (dumb too) */
};

/* Anonymous memory of @size: no object, mapped by buf_map(). */
static int buf_new_anon(struct buf *b, uint64_t size)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->anon = true;
	b->bo.size = size;
	return 0;
}

static int buf_new_nvlf(struct buf *b, uint64_t size, uint32_t domain)
{
	int r;

	memset(b, 0, sizeof(*b));
	b->fd = dev.fd;
	r = bo_new(dev.fd, domain, size, &b->bo);
	if (r)
		stop("GEM_NEW %s %" PRIu64 " bytes: %s", domain_name(domain),
		     size, strerror(-r));
	return r;
}

static int buf_new_dumb(struct buf *b, uint32_t width, uint32_t height)
{
	struct drm_mode_create_dumb c = { .width = width, .height = height,
					  .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	int r;

	memset(b, 0, sizeof(*b));
	b->fd = bochs_fd;
	b->dumb = true;
	r = nv_ioctl(bochs_fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	if (r) {
		stop("CREATE_DUMB %ux%ux32: %s", width, height, strerror(-r));
		return r;
	}
	b->bo.handle = c.handle;
	b->bo.size = c.size;
	m.handle = c.handle;
	r = nv_ioctl(bochs_fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	if (r) {
		stop("MAP_DUMB: %s", strerror(-r));
		return r;
	}
	b->bo.map_handle = m.offset;
	return 0;
}

static void buf_free(struct buf *b)
{
	if (!b->bo.handle)
		return;
	if (b->dumb) {
		struct drm_mode_destroy_dumb d = { .handle = b->bo.handle };

		nv_ioctl(b->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
		b->bo.handle = 0;
	} else {
		bo_close(b->fd, &b->bo);
	}
}

static uint32_t *buf_map(struct buf *b)
{
	uint32_t *p;

	if (b->anon) {
		p = mmap(NULL, b->bo.size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			stop("mmap of %" PRIu64 " anonymous bytes: %s",
			     b->bo.size, strerror(errno));
			return NULL;
		}
		/* page by page, like the BOs: no transparent huge page */
		madvise(p, b->bo.size, MADV_NOHUGEPAGE);
		return p;
	}
	p = bo_map(b->fd, &b->bo);

	if (!p)
		stop("mmap of %s buffer %u (%" PRIu64 " bytes): %s",
		     b->dumb ? "dumb" : "nvlf", b->bo.handle, b->bo.size,
		     strerror(errno));
	return p;
}

/* One word written to each page of [first, first+n): the faulting loop. */
static void touch_pages(volatile uint32_t *map, size_t first, size_t n,
			uint32_t seed)
{
	size_t i;

	for (i = first; i < first + n; i++)
		map[i * (NV_PAGE / 4)] = seed ^ (uint32_t)i;
}

/* Wrong words among the touched ones (read back, no fault any more). */
static size_t check_pages(const volatile uint32_t *map, size_t n,
			  uint32_t seed)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += map[i * (NV_PAGE / 4)] != (seed ^ (uint32_t)i);
	return bad;
}

/* ---------------------------------------------- two-thread touching */

/*
 * Where the threads run, with two CPUs or more (the guest has two): the
 * main thread on CPU 0 throughout, the second toucher of the 2t figures
 * and the starvation section's holder on CPU 1, the contention section's
 * holder on CPU 0 next to the fault it delays.  The scheduler's own
 * placement (both touchers on one CPU in one boot, not in the next) is the
 * same in both module sets but noise.  Contention: a wake-up across vCPUs
 * also waits until this 2-CPU host schedules the other vCPU's thread,
 * which puts host-scheduling tails of several ms into both sets' p99;
 * the holder on the fault's CPU keeps that out.  Starvation: the holder
 * on its own CPU can take the reservation again the moment it dropped
 * it, the harder case for the waiter.
 */
static bool pinning;

static void pin_to(int cpu)
{
	cpu_set_t set;

	if (!pinning)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		diag("sched_setaffinity(cpu %d): %s", cpu, strerror(errno));
}

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
		stop("pthread_create: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void toucher2_stop(struct toucher2 *t)
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
#define NCHUNK 5

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
			stop("out of memory for %zu round times", cap);
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
		stop("no bochs-drm device");
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
				stop("BO_MOVE to %s: %s", domain_name(dom),
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
		toucher2_stop(t);
}

/* Median, min and max of the chunk rates (sorts them). */
static double chunk_median(double *r, unsigned int n, double *min, double *max)
{
	qsort(r, n, sizeof(*r), cmp_double);
	*min = n ? r[0] : 0;
	*max = n ? r[n - 1] : 0;
	return n ? (n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2) : 0;
}

/* The figures of @kind_first (K_FIRST) or the others, round-robin. */
static void run_rates(bool first)
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
			    c->name, a->chunks, why[0] ? why : "?");
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

static const unsigned int holds_ms[] = { 1, 10, 100 };

static void run_contention(unsigned int ms)
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
			stop("pthread_create: %s", strerror(errno));
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
		pthread_mutex_lock(&tap_mutex);
		printf("BENCH-SAMPLE contend_T%u %.6g ms\n", ms, ovh[got]);
		pthread_mutex_unlock(&tap_mutex);
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

static void run_starvation(unsigned int ms)
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
		stop("pthread_create: %s", strerror(errno));
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

/* ----------------------------------------------------------- pushbuf */

enum pb_mode { PB_VALID, PB_RELOC, PB_SLOW };

static const char *const pb_names[] = { "pushbuf_valid", "pushbuf_reloc",
					 "pushbuf_slow" };

struct pb_acc {
	double rate[NCHUNK];
	unsigned int chunks;
	long jobs, errs, d[4];	/* d: counter growth, summed over chunks */
	int first_err;
	int64_t busy;
	bool failed, have;
};

/* One chunk of pushbuf figure @mode: about @secs of ioctl time. */
static void pb_chunk(enum pb_mode mode, double secs, struct pb_acc *acc)
{
	static const char *const ctr[] = { "pushbuf_jobs", "reloc_copy_nofault",
					   "reloc_slowpath", "reloc_jobs" };
	struct drm_nouveau_gem_pushbuf_push push = { .bo_index = 0,
						     .offset = 0, .length = 8 };
	struct drm_nouveau_gem_pushbuf_bo ents[NPBBO];
	struct drm_nouveau_gem_pushbuf_reloc lrel[NRELOC], *rel = lrel;
	struct drm_nouveau_gem_pushbuf req;
	struct stat_delta sd[4];
	struct nvbo bos[NPBBO];
	long d, jobs = 0;
	int64_t busy = 0;
	int memfd = -1, r = 0;
	unsigned int i;

	memset(bos, 0, sizeof(bos));
	for (i = 0; i < NPBBO; i++) {
		r = bo_new(dev.fd, NV_GART, 64 * 1024, &bos[i]);
		if (r) {
			stop("GEM_NEW: %s", strerror(-r));
			goto fail;
		}
	}
	for (i = 0; i < NRELOC; i++) {
		memset(&lrel[i], 0, sizeof(lrel[i]));
		lrel[i].reloc_bo_index = 0;
		lrel[i].reloc_bo_offset = 1024 + 4 * i;
		lrel[i].bo_index = i % NPBBO;
		lrel[i].flags = NOUVEAU_GEM_RELOC_LOW | NOUVEAU_GEM_RELOC_OR;
		lrel[i].data = 0x100 * i;
		lrel[i].vor = 1;
		lrel[i].tor = 2;
	}
	if (mode == PB_SLOW) {
		memfd = memfd_create("nvlf_bench_relocs", MFD_CLOEXEC);
		if (memfd < 0 || ftruncate(memfd, NV_PAGE)) {
			stop("memfd: %s", strerror(errno));
			goto fail;
		}
		rel = mmap(NULL, NV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   memfd, 0);
		if (rel == MAP_FAILED) {
			rel = NULL;
			stop("mmap memfd: %s", strerror(errno));
			goto fail;
		}
		memcpy(rel, lrel, sizeof(lrel));
	}
	for (i = 0; i < 4; i++)
		stat_begin(&sd[i], NVLF_TEST_STATS, ctr[i]);

	while (jobs < 3 || busy < (int64_t)(secs * 1e9)) {
		int64_t t0;

		for (i = 0; i < NPBBO; i++) {
			pb_entry(&ents[i], &bos[i]);
			if (mode != PB_VALID)	/* never a real offset */
				ents[i].presumed.offset += 0x10000000;
		}
		if (mode == PB_SLOW && madvise(rel, NV_PAGE, MADV_DONTNEED)) {
			stop("madvise(MADV_DONTNEED) of the memfd mapping: %s",
			     strerror(errno));
			goto fail;
		}
		memset(&req, 0, sizeof(req));
		req.channel = (uint32_t)dev.chan;
		req.nr_buffers = NPBBO;
		req.buffers = uptr(ents);
		req.nr_relocs = NRELOC;
		req.relocs = uptr(rel);
		req.nr_push = 1;
		req.push = uptr(&push);
		t0 = now_ns();
		r = nv_pushbuf(dev.fd, &req);
		busy += now_ns() - t0;
		jobs++;
		if (r && !acc->errs++)
			acc->first_err = r;
		/* a job with wrong presumed offsets must have them written back */
		if (mode != PB_VALID && !r && ents[0].presumed.valid &&
		    !acc->errs++)
			acc->first_err = -EPROTO;
		if (jobs > 10000000)
			break;
	}
	for (i = 0; i < 4; i++) {
		if (stat_end(&sd[i], &d))
			acc->d[i] += d;
		else
			acc->have = false;
	}
	acc->rate[acc->chunks++] = (double)jobs / ((double)busy / 1e9);
	acc->jobs += jobs;
	acc->busy += busy;
	goto out;
fail:
	acc->failed = true;
out:
	if (rel && rel != lrel)
		munmap(rel, NV_PAGE);
	if (memfd >= 0)
		close(memfd);
	for (i = 0; i < NPBBO; i++)
		bo_close(dev.fd, &bos[i]);
}

static void run_pushbufs(void)
{
	struct pb_acc acc[3];
	unsigned int k;
	int m;

	memset(acc, 0, sizeof(acc));
	for (m = PB_VALID; m <= PB_SLOW; m++)
		acc[m].have = true;
	for (k = 0; k < NCHUNK; k++)
		for (m = PB_VALID; m <= PB_SLOW; m++)
			if (!acc[m].failed)
				pb_chunk(m, budget_s / NCHUNK, &acc[m]);
	for (m = PB_VALID; m <= PB_SLOW; m++) {
		struct pb_acc *a = &acc[m];
		const long *d = a->d;
		double rate, lo, hi;
		bool ok;

		if (a->failed || a->chunks != NCHUNK) {
			tap(0, "%s: measurement failed after %u chunks: %s",
			    pb_names[m], a->chunks, why[0] ? why : "?");
			continue;
		}
		rate = chunk_median(a->rate, a->chunks, &lo, &hi);
		bench(pb_names[m], rate, "jobs/s");
		switch (m) {
		case PB_VALID:
			ok = d[1] == 0 && d[2] == 0 && d[3] == 0;
			break;
		case PB_RELOC:
			ok = d[1] == a->jobs && d[2] == 0 && d[3] == a->jobs;
			break;
		default:
			ok = d[2] == a->jobs && d[3] == a->jobs;
			break;
		}
		tap(a->have && ok && !a->errs && d[0] == a->jobs,
		    "%s: %ld jobs (%d BOs, %d relocs) in %.3f s of ioctl; median of %d chunks %.0f jobs/s (chunks %.0f..%.0f); %ld failed%s%s; counters: pushbuf_jobs %+ld, reloc_copy_nofault %+ld, reloc_slowpath %+ld, reloc_jobs %+ld%s",
		    pb_names[m], a->jobs, NPBBO, NRELOC, (double)a->busy / 1e9,
		    NCHUNK, rate, lo, hi, a->errs,
		    a->errs ? ", first: " : "",
		    a->errs ? strerror(-a->first_err) : "",
		    d[0], d[1], d[2], d[3],
		    a->have ? "" : " (" NVLF_TEST_STATS " unreadable)");
	}
}

/* -------------------------------------------------------------- main */

static void sec_faults(void)
{
	why[0] = '\0';
	run_rates(true);
}

static void sec_refault(void)
{
	why[0] = '\0';
	run_rates(false);
}

/* Run @fn once per hold time, each run padded to its one TAP point. */
static void per_hold(void (*fn)(unsigned int ms), const char *what)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(holds_ms); i++) {
		unsigned int start = tap_num;

		why[0] = '\0';
		fn(holds_ms[i]);
		tap_pad(start + 1, what, why);
	}
}

static void sec_contention(void)
{
	per_hold(run_contention, "contention");
}

static void sec_starvation(void)
{
	per_hold(run_starvation, "starvation");
}

static void sec_pushbuf(void)
{
	why[0] = '\0';
	run_pushbufs();
}

static const struct nvlf_part sections[] = {
	{ "faults", 5, sec_faults },
	{ "refault", 3, sec_refault },
	{ "contention", 3, sec_contention },
	{ "starvation", 3, sec_starvation },
	{ "pushbuf", 3, sec_pushbuf },
};

/* The first bochs-drm node; waits for the card (modprobe is asynchronous). */
static int open_bochs(const char *path, char *err, size_t len)
{
	struct nvdev d;
	int i;

	for (i = 0; i < 100; i++) {
		if (!nvdev_open(&d, path, NULL, err, len) &&
		    !strncmp(d.name, "bochs", 5)) {
			snprintf(bochs_path, sizeof(bochs_path), "%s", d.path);
			return d.fd;
		}
		if (d.fd >= 0) {
			snprintf(err, len, "%s: driver %s", d.path, d.name);
			close(d.fd);
		}
		if (path)
			break;
		sleep_ms(100);
	}
	return -1;
}

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: nvlf_bench [--device PATH] [--bochs PATH] [--smoke] [--time SECONDS]\n"
		   "                  [--only SECTION[,SECTION...]] [--list] [--help]\nsections:");
	for (i = 0; i < ARRAY_SIZE(sections); i++)
		fprintf(f, " %s", sections[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bochs", required_argument, NULL, 'b' },
		{ "only", required_argument, NULL, 'o' },
		{ "time", required_argument, NULL, 't' },
		{ "smoke", no_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool sel[ARRAY_SIZE(sections)];
	const char *path = NULL, *bpath = NULL, *only = NULL;
	bool time_set = false;
	unsigned int i, plan = 2;
	char err[256], ver[64];
	int opt, n;

	while ((opt = getopt_long(argc, argv, "d:b:o:t:slh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'b':
			bpath = optarg;
			break;
		case 'o':
			only = optarg;
			break;
		case 't':
			budget_s = strtod(optarg, NULL);
			time_set = true;
			if (budget_s <= 0 || budget_s > 600) {
				fprintf(stderr, "nvlf_bench: --time wants 0 < SECONDS <= 600\n");
				return 2;
			}
			break;
		case 's':
			smoke = true;
			break;
		case 'l':
			for (i = 0; i < ARRAY_SIZE(sections); i++)
				printf("%s\n", sections[i].name);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (smoke && !time_set)
		budget_s = 0.1;
	n = parts_select("nvlf_bench", sections, ARRAY_SIZE(sections), only,
			 sel);
	if (n < 0) {
		usage(stderr);
		return 2;
	}
	plan += n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(plan);
	if (read_line("/sys/module/ttm/version", ver, sizeof(ver)))
		printf("BENCH-INFO ttm stock -\n");	/* in-tree: no version */
	else
		printf("BENCH-INFO ttm ours %s\n", ver);

	if (nvdev_setup(&dev, path, err, sizeof(err))) {
		tap(0, "nvlf_test device: %s", err);
		tap_pad(plan, "nvlf_bench", "no nvlf_test device");
		return 1;
	}
	pinning = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	pin_to(0);
	tap(1, "nvlf_test device %s, channel %d; time per rate figure %.2f s%s; %ld CPUs%s",
	    dev.path, dev.chan, budget_s, smoke ? " (smoke)" : "",
	    sysconf(_SC_NPROCESSORS_ONLN),
	    pinning ? " (main thread on CPU 0, second threads pinned too)" : " (no pinning)");
	bochs_fd = open_bochs(bpath, err, sizeof(err));
	tap(bochs_fd >= 0, "bochs-drm device %s", bochs_fd >= 0 ? bochs_path : err);

	parts_run(sections, ARRAY_SIZE(sections), sel, WATCHDOG_S, NULL, "");
	if (bochs_fd >= 0)
		close(bochs_fd);
	nv_channel_free(dev.fd, dev.chan);
	close(dev.fd);
	return tap_exit_status();
}
