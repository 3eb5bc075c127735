/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bo.h - buffer objects of the nvlf_test driver and GEM_PUSHBUF helpers
 * (bo.c).  Functions return 0 or -errno unless said otherwise.
 */
#ifndef NVLF_BO_H
#define NVLF_BO_H

#include "nvdev.h"

struct nvbo {
	uint32_t handle;
	uint32_t domain;	/* as GEM_INFO reports it */
	uint64_t size;
	uint64_t offset;
	uint64_t map_handle;
};

int bo_new(int fd, uint32_t domain, uint64_t size, struct nvbo *bo);
/* Refresh domain, offset, map_handle of @bo. */
int bo_info(int fd, struct nvbo *bo);
/* GEM_CLOSE (nothing if the handle is 0); the handle becomes 0 */
int bo_close(int fd, struct nvbo *bo);
/* mmap the whole BO (at @fixed with MAP_FIXED if not NULL); NULL on error */
void *bo_map_at(int fd, const struct nvbo *bo, void *fixed);
void *bo_map(int fd, const struct nvbo *bo);
/* nvlf_test BO_MOVE to @domain; the new offset into @offset (may be NULL) */
int bo_move(int fd, uint32_t handle, uint32_t domain, uint64_t *offset);
/*
 * nvlf_test BO_HOLD for @ms, not restarted: an interrupted hold returns
 * -EINTR.  @reserved_ns and @released_ns (may be NULL): CLOCK_MONOTONIC
 * when the driver took and released the reservation.
 */
int bo_hold_at(int fd, uint32_t handle, uint32_t ms, int64_t *reserved_ns,
	       int64_t *released_ns);
int bo_hold(int fd, uint32_t handle, uint32_t ms);
/* "VRAM", "GART", "CPU", "none" or "mixed" */
const char *domain_name(uint32_t d);

int nv_pushbuf(int fd, struct drm_nouveau_gem_pushbuf *req);
/* a pointer as the uapi's 64-bit field */
uint64_t uptr(const void *p);
/* The word a relocation writes when its buffer is at @p (the ABI rule). */
uint32_t reloc_value(const struct drm_nouveau_gem_pushbuf_reloc *r,
		     const struct drm_nouveau_gem_pushbuf_bo_presumed *p);
/* Fill a buffer-list entry for @bo, presumed right (valid=1). */
void pb_entry(struct drm_nouveau_gem_pushbuf_bo *e, const struct nvbo *bo);

#endif /* NVLF_BO_H */
