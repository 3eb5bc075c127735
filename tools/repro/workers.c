// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro: the threads beside the submitters: faulters (write and
 * read back patterns through fresh mappings of the shared BOs) and the
 * mover (BO_MOVE between VRAM, GART and CPU on nvlf_test).
 */
#include "repro.h"

void *faulter_thread(void *arg)
{
	struct faulter *f = arg;
	const size_t words = REGION_PAGES * NV_PAGE / 4;
	const size_t first = (size_t)f->id * words;
	long it;
	int b;

	for (it = 0; ; it++) {
		if (atomic_load(&f->w->stop) && it >= f->min_iters)
			break;
		if (it % 4 == 0) {
			for (b = 0; b < NSHARED; b++) {
				if (f->map[b])
					munmap(f->map[b], f->w->sh[b].size);
				f->map[b] = bo_map(D.nv.fd, &f->w->sh[b]);
				if (!f->map[b]) {
					err_add(&f->err, "faulter %d: mmap: %s",
						f->id, strerror(errno));
					return NULL;
				}
			}
			f->remaps++;
		}
		for (b = 0; b < NSHARED; b++) {
			f->seed[b] = ((uint64_t)f->id << 48) |
				     ((uint64_t)it << 8) | (uint64_t)b;
			pat_fill(f->map[b] + first, words, f->seed[b], first);
		}
		for (b = 0; b < NSHARED; b++) {
			volatile uint32_t *p = f->map[b] + first;
			size_t i;

			for (i = 0; i < words; i++) {
				uint32_t want = pat_word(f->seed[b], first + i);

				if (p[i] != want) {
					err_add(&f->err,
						"faulter %d round %ld BO %d word %zu: 0x%08x, expected 0x%08x",
						f->id, it, b, first + i, p[i],
						want);
					break;
				}
			}
		}
		f->iters++;
	}
	for (b = 0; b < NSHARED; b++)
		if (f->map[b])
			munmap(f->map[b], f->w->sh[b].size);
	return NULL;
}

void faulter_init(struct faulter *f, struct world *w, int id,
		  long min_iters)
{
	memset(f, 0, sizeof(*f));
	f->w = w;
	f->id = id;
	f->min_iters = min_iters;
	err_init(&f->err);
}

void *mover_thread(void *arg)
{
	static const uint32_t cycle[] = { NV_VRAM, NV_GART, NV_VRAM, NV_GART, NV_CPU };
	struct mover *m = arg;
	long round;
	int b;

	inject_this_thread();
	for (round = 0; !atomic_load(&m->w->stop); round++) {
		for (b = 0; b < NSHARED; b++) {
			struct drm_nvlf_test_bo_move mv = {
				.handle = m->w->sh[b].handle,
				.domain = cycle[(round + b) % ARRAY_SIZE(cycle)],
			};
			int r = xioctl(DRM_IOCTL_NVLF_TEST_BO_MOVE, &mv);

			if (r && !injected(r))
				err_add(&m->err, "BO_MOVE of BO %d to %s: %d (%s)",
					b, domain_name(mv.domain), r, strerror(-r));
			else if (!r)
				m->moves++;
		}
		usleep(500);
	}
	return NULL;
}
