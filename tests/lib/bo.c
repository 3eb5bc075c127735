// SPDX-License-Identifier: GPL-2.0
/*
 * bo.c - buffer objects of the nvlf_test driver (nouveau's GEM uapi plus
 * the driver's BO_MOVE and BO_HOLD) and GEM_PUSHBUF helpers.
 */
#define _GNU_SOURCE
#include "bo.h"

#include <string.h>
#include <sys/mman.h>

static void bo_from_info(struct nvbo *bo,
			 const struct drm_nouveau_gem_info *i)
{
	bo->handle = i->handle;
	bo->domain = i->domain;
	bo->size = i->size;
	bo->offset = i->offset;
	bo->map_handle = i->map_handle;
}

int bo_new(int fd, uint32_t domain, uint64_t size,
	   struct nvbo *bo)
{
	struct drm_nouveau_gem_new n;
	int r;

	memset(&n, 0, sizeof(n));
	n.info.domain = domain;
	n.info.size = size;
	n.align = NV_PAGE;
	r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_NEW, &n);
	if (!r)
		bo_from_info(bo, &n.info);
	return r;
}

/* Refresh domain, offset, map_handle of @bo. */
int bo_info(int fd, struct nvbo *bo)
{
	struct drm_nouveau_gem_info i;
	int r;

	memset(&i, 0, sizeof(i));
	i.handle = bo->handle;
	r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_INFO, &i);
	if (!r)
		bo_from_info(bo, &i);
	return r;
}

int bo_close(int fd, struct nvbo *bo)
{
	struct drm_gem_close c = { .handle = bo->handle };
	int r;

	if (!bo->handle)
		return 0;
	r = nv_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
	bo->handle = 0;
	return r;
}

/* mmap the whole BO (at @fixed with MAP_FIXED if not NULL); NULL on error */
void *bo_map_at(int fd, const struct nvbo *bo, void *fixed)
{
	void *p = mmap(fixed, bo->size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (fixed ? MAP_FIXED : 0), fd,
		       (off_t)bo->map_handle);

	return p == MAP_FAILED ? NULL : p;
}

void *bo_map(int fd, const struct nvbo *bo)
{
	return bo_map_at(fd, bo, NULL);
}

int bo_move(int fd, uint32_t handle, uint32_t domain,
	    uint64_t *offset)
{
	struct drm_nvlf_test_bo_move m = { .handle = handle, .domain = domain };
	int r = nv_ioctl(fd, DRM_IOCTL_NVLF_TEST_BO_MOVE, &m);

	if (!r && offset)
		*offset = m.offset;
	return r;
}

/*
 * Not restarted: an interrupted hold returns -EINTR.  @reserved_ns and
 * @released_ns (may be NULL): CLOCK_MONOTONIC when the driver took and
 * released the reservation.
 */
int bo_hold_at(int fd, uint32_t handle, uint32_t ms,
	       int64_t *reserved_ns, int64_t *released_ns)
{
	struct drm_nvlf_test_bo_hold h = { .handle = handle, .ms = ms };
	int r = nv_ioctl_once(fd, DRM_IOCTL_NVLF_TEST_BO_HOLD, &h);

	if (reserved_ns)
		*reserved_ns = (int64_t)h.reserved_ns;
	if (released_ns)
		*released_ns = (int64_t)h.released_ns;
	return r;
}

int bo_hold(int fd, uint32_t handle, uint32_t ms)
{
	return bo_hold_at(fd, handle, ms, NULL, NULL);
}

const char *domain_name(uint32_t d)
{
	switch (d) {
	case NV_VRAM: return "VRAM";
	case NV_GART: return "GART";
	case NV_CPU: return "CPU";
	case 0: return "none";
	default: return "mixed";
	}
}

/* ------------------------------------------------------------ pushbufs */

int nv_pushbuf(int fd, struct drm_nouveau_gem_pushbuf *req)
{
	return nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, req);
}

uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The word a relocation writes when its buffer is at @p (the ABI rule). */
uint32_t reloc_value(const struct drm_nouveau_gem_pushbuf_reloc *r,
		     const struct drm_nouveau_gem_pushbuf_bo_presumed *p)
{
	uint64_t addr = p->offset + r->data;
	uint32_t v;

	if (r->flags & NOUVEAU_GEM_RELOC_LOW)
		v = (uint32_t)addr;
	else if (r->flags & NOUVEAU_GEM_RELOC_HIGH)
		v = (uint32_t)(addr >> 32);
	else
		v = r->data;
	if (r->flags & NOUVEAU_GEM_RELOC_OR)
		v |= p->domain == NV_GART ? r->tor : r->vor;
	return v;
}

/* Fill a buffer-list entry for @bo, presumed right (valid=1). */
void pb_entry(struct drm_nouveau_gem_pushbuf_bo *e,
	      const struct nvbo *bo)
{
	memset(e, 0, sizeof(*e));
	e->user_priv = bo->handle;
	e->handle = bo->handle;
	e->read_domains = NV_PLACED;
	e->valid_domains = NV_PLACED;
	e->presumed.valid = 1;
	e->presumed.domain = bo->domain;
	e->presumed.offset = bo->offset;
}
