// SPDX-License-Identifier: GPL-2.0
/*
 * bench_buf.c - what the sections of nvlf_bench share: BENCH lines, percentiles,
 * buffers of either device (bochs dumb buffers, nvlf_test BOs, anonymous
 * memory), the page-touching loops and CPU pinning.
 */
#define _GNU_SOURCE
#include "bench.h"

void bench(const char *name, double value, const char *unit)
{
	tap_line("BENCH %s %.6g %s", name, value, unit);
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of @n sorted values (p99 of < 100 is the max). */
double pct(const double *v, size_t n, double p)
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

/* Median, min and max of the chunk rates (sorts them). */
double chunk_median(double *r, unsigned int n, double *min, double *max)
{
	qsort(r, n, sizeof(*r), cmp_double);
	*min = n ? r[0] : 0;
	*max = n ? r[n - 1] : 0;
	return n ? (n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2) : 0;
}

/* ------------------------------------------------------------ buffers */

/* Anonymous memory of @size: no object, mapped by buf_map(). */
int buf_new_anon(struct buf *b, uint64_t size)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->anon = true;
	b->bo.size = size;
	return 0;
}

int buf_new_nvlf(struct buf *b, uint64_t size, uint32_t domain)
{
	int r;

	memset(b, 0, sizeof(*b));
	b->fd = dev.fd;
	r = bo_new(dev.fd, domain, size, &b->bo);
	if (r)
		tap_stop("GEM_NEW %s %" PRIu64 " bytes: %s", domain_name(domain),
		     size, strerror(-r));
	return r;
}

int buf_new_dumb(struct buf *b, uint32_t width, uint32_t height)
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
		tap_stop("CREATE_DUMB %ux%ux32: %s", width, height, strerror(-r));
		return r;
	}
	b->bo.handle = c.handle;
	b->bo.size = c.size;
	m.handle = c.handle;
	r = nv_ioctl(bochs_fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	if (r) {
		tap_stop("MAP_DUMB: %s", strerror(-r));
		return r;
	}
	b->bo.map_handle = m.offset;
	return 0;
}

void buf_free(struct buf *b)
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

uint32_t *buf_map(struct buf *b)
{
	uint32_t *p;

	if (b->anon) {
		p = mmap(NULL, b->bo.size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			tap_stop("mmap of %" PRIu64 " anonymous bytes: %s",
			     b->bo.size, strerror(errno));
			return NULL;
		}
		/* page by page, like the BOs: no transparent huge page */
		madvise(p, b->bo.size, MADV_NOHUGEPAGE);
		return p;
	}
	p = bo_map(b->fd, &b->bo);

	if (!p)
		tap_stop("mmap of %s buffer %u (%" PRIu64 " bytes): %s",
		     b->dumb ? "dumb" : "nvlf", b->bo.handle, b->bo.size,
		     strerror(errno));
	return p;
}

/* One word written to each page of [first, first+n): the faulting loop. */
void touch_pages(volatile uint32_t *map, size_t first, size_t n,
		 uint32_t seed)
{
	size_t i;

	for (i = first; i < first + n; i++)
		map[i * (NV_PAGE / 4)] = seed ^ (uint32_t)i;
}

/* Wrong words among the touched ones (read back, no fault any more). */
size_t check_pages(const volatile uint32_t *map, size_t n,
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
bool pinning;

void pin_to(int cpu)
{
	cpu_set_t set;

	if (!pinning)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		diag("sched_setaffinity(cpu %d): %s", cpu, strerror(errno));
}
