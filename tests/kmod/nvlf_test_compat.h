/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nvlf_test: the TTM and dma-resv interfaces where the kernel lines
 * differ, for the test driver only.  Each branch is chosen by a compile
 * probe of scripts/probes/ (its comment names the upstream change).
 * Include it after the kernel's headers.
 */
#ifndef NVLF_TEST_COMPAT_H
#define NVLF_TEST_COMPAT_H

#include <linux/dma-resv.h>
#include <drm/drm_vma_manager.h>

#include "nvlf_compat.h"
#ifdef NVLF_HAVE_TTM_BO_H
#include <drm/ttm/ttm_bo.h>
#else
#include <drm/ttm/ttm_bo_api.h>
#include <drm/ttm/ttm_bo_driver.h>
#endif
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_tt.h>
#ifdef NVLF_HAVE_TTM_POOL
#include <drm/ttm/ttm_pool.h>
#else
#include <drm/ttm/ttm_page_alloc.h>
#endif
#ifdef NVLF_HAVE_TTM_DEVICE_FUNCS
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_range_manager.h>
#else
/* The names before the device naming cleanup (probe ttm_device_funcs.c). */
#define ttm_device ttm_bo_device
#define ttm_device_funcs ttm_bo_driver
#endif
#include <nvlf/ttm_compat.h>

/* Set up @bdev without DMA-coherent or DMA32 pages. */
static inline int nvlf_test_ttm_init(struct ttm_device *bdev,
				     struct ttm_device_funcs *funcs,
				     struct device *dev,
				     struct address_space *mapping,
				     struct drm_vma_offset_manager *vma)
{
#if defined(NVLF_HAVE_TTM_DEVICE_INIT_ALLOC_FLAGS)
	return ttm_device_init(bdev, funcs, dev, mapping, vma, 0);
#elif defined(NVLF_HAVE_TTM_DEVICE_FUNCS)
	return ttm_device_init(bdev, funcs, dev, mapping, vma, false, false);
#else
	return ttm_bo_device_init(bdev, funcs, mapping, vma, false);
#endif
}

static inline void nvlf_test_ttm_fini(struct ttm_device *bdev)
{
#ifdef NVLF_HAVE_TTM_DEVICE_FUNCS
	ttm_device_fini(bdev);
#else
	ttm_bo_device_release(bdev);
#endif
}

/* Room for one more fence in @resv (probe dma_resv_reserve_fences.c). */
static inline int nvlf_test_reserve_fence(struct dma_resv *resv)
{
#ifdef NVLF_HAVE_DMA_RESV_RESERVE_FENCES
	return dma_resv_reserve_fences(resv, 1);
#else
	return dma_resv_reserve_shared(resv, 1);
#endif
}

/*
 * Add the fence of a job that reads or, with @write, writes the BO of
 * @resv.  Before the usage classes (probe dma_resv_usage.c) a writer's
 * fence was the exclusive one.
 */
static inline void nvlf_test_add_fence(struct dma_resv *resv,
				       struct dma_fence *fence, bool write)
{
#ifdef NVLF_HAVE_DMA_RESV_USAGE
	dma_resv_add_fence(resv, fence, write ? DMA_RESV_USAGE_WRITE :
			   DMA_RESV_USAGE_READ);
#else
	if (write)
		dma_resv_add_excl_fence(resv, fence);
	else
		dma_resv_add_shared_fence(resv, fence);
#endif
}

/*
 * What a CPU access waits for: the writers, and with @write the readers
 * too.  nvlf_test_resv_wait() returns what dma_resv_wait_timeout() does.
 */
static inline long nvlf_test_resv_wait(struct dma_resv *resv, bool write,
				       unsigned long timeout)
{
#if defined(NVLF_HAVE_DMA_RESV_USAGE)
	return dma_resv_wait_timeout(resv, write ? DMA_RESV_USAGE_READ :
				     DMA_RESV_USAGE_WRITE, true, timeout);
#elif defined(NVLF_HAVE_DMA_RESV_WAIT_TIMEOUT)
	return dma_resv_wait_timeout(resv, write, true, timeout);
#else
	return dma_resv_wait_timeout_rcu(resv, write, true, timeout);
#endif
}

static inline bool nvlf_test_resv_idle(struct dma_resv *resv, bool write)
{
#if defined(NVLF_HAVE_DMA_RESV_USAGE)
	return dma_resv_test_signaled(resv, write ? DMA_RESV_USAGE_READ :
				      DMA_RESV_USAGE_WRITE);
#elif defined(NVLF_HAVE_DMA_RESV_WAIT_TIMEOUT)
	return dma_resv_test_signaled(resv, write);
#else
	return dma_resv_test_signaled_rcu(resv, write);
#endif
}

#endif /* NVLF_TEST_COMPAT_H */
