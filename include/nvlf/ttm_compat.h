/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: the TTM and dma-resv interfaces where they differ
 * between the kernel lines, for src/ttm_fault.c and src/pushbuf_engine.c.
 * Each branch is chosen by a compile probe of scripts/probes/ (results in
 * the generated nvlf_compat.h) that names the upstream change.
 *
 * Include it after the TTM headers.
 */
#ifndef NVLF_TTM_COMPAT_H
#define NVLF_TTM_COMPAT_H

#include <linux/dma-resv.h>
#include <linux/pfn.h>

#include "nvlf_compat.h"

/* The BO's current placement (probe ttm_bo_resource.c). */
static inline struct ttm_resource *nvlf_bo_res(struct ttm_buffer_object *bo)
{
#ifdef NVLF_HAVE_TTM_BO_RESOURCE
	return bo->resource;
#else
	return &bo->mem;
#endif
}

/* The BO's size in pages (probe ttm_bo_num_pages.c). */
static inline unsigned long nvlf_bo_pages(const struct ttm_buffer_object *bo)
{
#ifdef NVLF_HAVE_TTM_BO_NUM_PAGES
	return bo->num_pages;
#else
	return PFN_UP(bo->base.size);
#endif
}

/* The driver's callbacks of a TTM device (probe ttm_device_funcs.c). */
#ifdef NVLF_HAVE_TTM_DEVICE_FUNCS
#define nvlf_bdev_funcs(bdev) ((bdev)->funcs)
#else
#define nvlf_bdev_funcs(bdev) ((bdev)->driver)
#endif

/*
 * Wait for the fences of @resv: those of the kernel's own work (moves,
 * clears) or, with @all, every fence.  Before the usage classes (probe
 * dma_resv_usage.c) the kernel's work was the exclusive fence.  Returns
 * what dma_resv_wait_timeout() returns.
 */
static inline long nvlf_resv_wait(struct dma_resv *resv, bool all, bool intr,
				  unsigned long timeout)
{
#if defined(NVLF_HAVE_DMA_RESV_USAGE)
	return dma_resv_wait_timeout(resv, all ? DMA_RESV_USAGE_BOOKKEEP :
				     DMA_RESV_USAGE_KERNEL, intr, timeout);
#elif defined(NVLF_HAVE_DMA_RESV_WAIT_TIMEOUT)
	return dma_resv_wait_timeout(resv, all, intr, timeout);
#else
	return dma_resv_wait_timeout_rcu(resv, all, intr, timeout);
#endif
}

/* Whether the kernel's fences of @resv (see nvlf_resv_wait()) signalled. */
static inline bool nvlf_resv_idle(struct dma_resv *resv)
{
#if defined(NVLF_HAVE_DMA_RESV_USAGE)
	return dma_resv_test_signaled(resv, DMA_RESV_USAGE_KERNEL);
#elif defined(NVLF_HAVE_DMA_RESV_WAIT_TIMEOUT)
	return dma_resv_test_signaled(resv, false);
#else
	return dma_resv_test_signaled_rcu(resv, false);
#endif
}

#endif /* NVLF_TTM_COMPAT_H */
