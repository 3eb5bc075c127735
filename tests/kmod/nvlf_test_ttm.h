/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nvlf_test: what nvlf_test_ttm.c (BOs, TTM, fences, fault injection)
 * gives nvlf_test_main.c (ioctls, driver).  Test-only.
 */
#ifndef NVLF_TEST_TTM_H
#define NVLF_TEST_TTM_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <drm/drm_device.h>
#include <drm/drm_gem.h>

#include "nvlf_test_compat.h"

struct dma_fence;
struct drm_nouveau_gem_info;

struct nvlf_dev {
	struct drm_device drm;
	struct ttm_device bdev;
	u64 fence_context;
	atomic64_t fence_seqno;
	spinlock_t fence_lock;	/* protects the fences' signalling */
};

struct nvlf_bo {
	struct ttm_buffer_object tbo;
	struct ttm_place places[3];
	struct ttm_placement placement;
	u32 valid_domains;
};

DECLARE_PER_CPU(unsigned long, nvlf_live_bos);
DECLARE_PER_CPU(unsigned long, nvlf_moves);
extern struct workqueue_struct *nvlf_wq;
extern struct ttm_device_funcs nvlf_ttm_funcs;
extern const struct drm_gem_object_funcs nvlf_gem_funcs;

static inline struct nvlf_dev *to_nvlf(struct drm_device *drm)
{
	return container_of(drm, struct nvlf_dev, drm);
}

static inline struct nvlf_bo *to_nvlf_bo(struct ttm_buffer_object *tbo)
{
	return container_of(tbo, struct nvlf_bo, tbo);
}

static inline struct nvlf_bo *gem_to_nvlf_bo(struct drm_gem_object *gem)
{
	return to_nvlf_bo(container_of(gem, struct ttm_buffer_object, base));
}

struct dma_fence *nvlf_fence_create(struct nvlf_dev *nd, uint delay_us);
int nvlf_inject(u32 step, u32 k);
int nvlf_ioctl_inject(struct drm_device *drm, void *data,
		      struct drm_file *file);
u32 nvlf_domain_of(u32 mem_type);
void nvlf_bo_place(struct nvlf_bo *bo, u32 domain);
int nvlf_bo_validate(struct nvlf_bo *bo, struct ttm_operation_ctx *ctx);
void nvlf_bo_destroy(struct ttm_buffer_object *tbo);
u64 nvlf_bo_offset(struct nvlf_bo *bo);
void nvlf_bo_info(struct nvlf_bo *bo, u32 handle,
		  struct drm_nouveau_gem_info *info);

#endif /* NVLF_TEST_TTM_H */
