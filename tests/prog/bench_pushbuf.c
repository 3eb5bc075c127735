// SPDX-License-Identifier: GPL-2.0
/*
 * bench_pushbuf.c - the nvlf_bench section pushbuf: GEM_PUSHBUF jobs per second,
 * presumed offsets right, wrong, and with every job on the slow path.
 */
#define _GNU_SOURCE
#include "bench.h"

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
			tap_stop("GEM_NEW: %s", strerror(-r));
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
			tap_stop("memfd: %s", strerror(errno));
			goto fail;
		}
		rel = mmap(NULL, NV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   memfd, 0);
		if (rel == MAP_FAILED) {
			rel = NULL;
			tap_stop("mmap memfd: %s", strerror(errno));
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
			tap_stop("madvise(MADV_DONTNEED) of the memfd mapping: %s",
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

void run_pushbufs(void)
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
			    pb_names[m], a->chunks, tap_why()[0] ? tap_why() : "?");
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

