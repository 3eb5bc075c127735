// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nvlf_test's memory: buffer objects, their TTM placements and moves,
 * the fences of its pretend GPU, and the test-set fault injection.
 * The ioctls and the driver are in nvlf_test_main.c.
 *
 * Locking rule of this file: TTM calls in with the BO reserved, as its
 * contract says; nothing here takes another reservation.  The fault
 * injection setting is read and written under nvlf_inject_lock, which is
 * innermost and never held across anything else.
 */

#define pr_fmt(fmt) "nvlf_test: " fmt

#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_gem_ttm_helper.h>
#include <drm/nouveau_drm.h>

#include <nvlf/stats.h>
#include "nvlf_test_ttm.h"
#include "nvlf_test_drm.h"

static uint move_delay_us;
module_param(move_delay_us, uint, 0644);
MODULE_PARM_DESC(move_delay_us, "Time a BO move takes (> 0: pipelined moves)");

DEFINE_PER_CPU(unsigned long, nvlf_live_bos);
DEFINE_PER_CPU(unsigned long, nvlf_moves);
struct workqueue_struct *nvlf_wq;

/* ---------------------------------------------------------------------
 * Fences: a "GPU" that finishes after a delay.
 */
struct nvlf_fence {
	struct dma_fence base;
	struct delayed_work work;
};

static const char *nvlf_fence_driver(struct dma_fence *f)
{
	return "nvlf_test";
}

static const char *nvlf_fence_timeline(struct dma_fence *f)
{
	return "job";
}

static const struct dma_fence_ops nvlf_fence_ops = {
	.get_driver_name = nvlf_fence_driver,
	.get_timeline_name = nvlf_fence_timeline,
};

static void nvlf_fence_work(struct work_struct *w)
{
	struct nvlf_fence *f = container_of(to_delayed_work(w),
					    struct nvlf_fence, work);

	dma_fence_signal(&f->base);
	dma_fence_put(&f->base);
}

/**
 * nvlf_fence_create - a fence of the "GPU" that signals after a delay
 * @nd: the device
 * @delay_us: microseconds until it signals; 0: signalled already
 *
 * Return: the fence, or NULL when out of memory.
 */
struct dma_fence *nvlf_fence_create(struct nvlf_dev *nd, uint delay_us)
{
	struct nvlf_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	dma_fence_init(&f->base, &nvlf_fence_ops, &nd->fence_lock,
		       nd->fence_context, atomic64_inc_return(&nd->fence_seqno));
	if (!delay_us) {
		dma_fence_signal(&f->base);
		return &f->base;
	}
	INIT_DELAYED_WORK(&f->work, nvlf_fence_work);
	dma_fence_get(&f->base);	/* for the work */
	queue_delayed_work(nvlf_wq, &f->work, usecs_to_jiffies(delay_us));
	return &f->base;
}

/* ---------------------------------------------------------------------
 * Fault injection (DRM_IOCTL_NVLF_TEST_INJECT): one setting per device.
 */
static DEFINE_SPINLOCK(nvlf_inject_lock);
static struct drm_nvlf_test_inject nvlf_inject_cfg;

/**
 * nvlf_inject - the error a test asked step @step to fail with
 * @step: NVLF_TEST_STEP_*
 * @k: which occurrence of the step (buffer or relocation index)
 *
 * An injected -ERESTARTSYS also sends the task a signal, as if one had
 * interrupted the step's wait.
 *
 * Return: the error to return instead of running the step, or 0.
 */
int nvlf_inject(u32 step, u32 k)
{
	struct drm_nvlf_test_inject *c = &nvlf_inject_cfg;
	int err = 0;

	spin_lock(&nvlf_inject_lock);
	if (c->step == step &&
	    (c->index == NVLF_TEST_INDEX_ANY || c->index == k) &&
	    (!c->times || c->fired < c->times)) {
		c->fired++;
		err = c->error;
	}
	spin_unlock(&nvlf_inject_lock);

	/* As if a signal had interrupted the step's wait. */
	if (err == -ERESTARTSYS)
		send_sig(SIGUSR2, current, 0);
	return err;
}

/**
 * nvlf_ioctl_inject - DRM_IOCTL_NVLF_TEST_INJECT: set the one injection
 * @drm: the device
 * @data: struct drm_nvlf_test_inject; ->fired returns how often the
 *	previous setting fired
 * @file: the caller
 *
 * Return: 0, or -EINVAL for a setting that makes no sense.
 */
int nvlf_ioctl_inject(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_nvlf_test_inject *req = data;
	u32 fired;

	if (req->step > NVLF_TEST_STEP_POPULATE || req->error > 0 ||
	    req->error < -MAX_ERRNO || req->pad)
		return -EINVAL;
	spin_lock(&nvlf_inject_lock);
	fired = nvlf_inject_cfg.fired;
	nvlf_inject_cfg = *req;
	nvlf_inject_cfg.fired = 0;
	spin_unlock(&nvlf_inject_lock);
	req->fired = fired;
	return 0;
}

/* ---------------------------------------------------------------------
 * TTM: three placements of the same system pages.
 */
static u32 nvlf_mem_type(u32 domain)
{
	if (domain & NOUVEAU_GEM_DOMAIN_VRAM)
		return TTM_PL_VRAM;
	if (domain & NOUVEAU_GEM_DOMAIN_GART)
		return TTM_PL_TT;
	return TTM_PL_SYSTEM;
}

/**
 * nvlf_domain_of - the nouveau GEM domain of a TTM memory type
 * @mem_type: TTM_PL_*
 *
 * Return: NOUVEAU_GEM_DOMAIN_VRAM, _GART or _CPU.
 */
u32 nvlf_domain_of(u32 mem_type)
{
	switch (mem_type) {
	case TTM_PL_VRAM:
		return NOUVEAU_GEM_DOMAIN_VRAM;
	case TTM_PL_TT:
		return NOUVEAU_GEM_DOMAIN_GART;
	default:
		return NOUVEAU_GEM_DOMAIN_CPU;
	}
}

/**
 * nvlf_bo_place - make @domain the only placement of @bo
 * @bo: the BO
 * @domain: a NOUVEAU_GEM_DOMAIN_* bit
 */
void nvlf_bo_place(struct nvlf_bo *bo, u32 domain)
{
	memset(bo->places, 0, sizeof(bo->places));
	bo->places[0].mem_type = nvlf_mem_type(domain);
#ifndef NVLF_HAVE_TTM_CACHING
	bo->places[0].flags = TTM_PL_FLAG_CACHED;
#endif
	bo->placement.num_placement = 1;
	bo->placement.placement = bo->places;
#ifndef NVLF_HAVE_TTM_PL_FLAG_DESIRED
	bo->placement.num_busy_placement = 1;
	bo->placement.busy_placement = bo->places;
#endif
}

static struct ttm_tt *nvlf_tt_create(struct ttm_buffer_object *tbo,
				     u32 page_flags)
{
	struct ttm_tt *tt = kzalloc(sizeof(*tt), GFP_KERNEL);

#ifdef NVLF_HAVE_TTM_CACHING
	if (tt && ttm_tt_init(tt, tbo, page_flags, ttm_cached, 0)) {
#else
	if (tt && ttm_tt_init(tt, tbo, page_flags)) {
#endif
		kfree(tt);
		return NULL;
	}
	return tt;
}

/* Allocate the pages of a BO, unless the test injects a failure. */
static int nvlf_tt_populate(struct ttm_device *bdev, struct ttm_tt *tt,
			    struct ttm_operation_ctx *ctx)
{
	int err = nvlf_inject(NVLF_TEST_STEP_POPULATE, 0);

	if (err)
		return err;
#ifdef NVLF_HAVE_TTM_POOL
	return ttm_pool_alloc(&bdev->pool, tt, ctx);
#else
	return ttm_pool_populate(tt, ctx);
#endif
}

static void nvlf_tt_unpopulate(struct ttm_device *bdev, struct ttm_tt *tt)
{
#ifdef NVLF_HAVE_TTM_POOL
	ttm_pool_free(&bdev->pool, tt);
#else
	ttm_pool_unpopulate(tt);
#endif
}

static void nvlf_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
#ifdef NVLF_HAVE_TTM_TT_DESTROY_COMMON
	ttm_tt_destroy_common(bdev, tt);
#endif
	ttm_tt_fini(tt);
	kfree(tt);
}

static void nvlf_evict_flags(struct ttm_buffer_object *tbo,
			     struct ttm_placement *placement)
{
	static const struct ttm_place sys = {
		.mem_type = TTM_PL_SYSTEM,
#ifndef NVLF_HAVE_TTM_CACHING
		.flags = TTM_PL_FLAG_CACHED,
#endif
	};

	placement->num_placement = 1;
	placement->placement = &sys;
#ifndef NVLF_HAVE_TTM_PL_FLAG_DESIRED
	placement->num_busy_placement = 1;
	placement->busy_placement = &sys;
#endif
}

#ifdef NVLF_HAVE_TTM_TT_BIND_CB
/*
 * This TTM binds the pages to each placement through the driver, and
 * moves between page-backed placements itself (ttm_bo_move_ttm()): the
 * driver's move is never called for ours, and binding has nothing to do.
 */
static int nvlf_tt_bind(struct ttm_device *bdev, struct ttm_tt *tt,
			struct ttm_resource *mem)
{
	return 0;
}

static void nvlf_tt_unbind(struct ttm_device *bdev, struct ttm_tt *tt)
{
}

/**
 * nvlf_bo_validate - move @bo to its placement
 * @bo: the BO, reserved
 * @ctx: the caller's TTM operation context
 *
 * With move_delay_us a move is pipelined: TTM has switched the placement
 * already (every placement uses the same pages), and the move leaves
 * what ttm_bo_move_accel_cleanup() leaves after a copy by the GPU, a
 * fence that stands for the copy as the exclusive fence and bo->moving.
 * CPU faults must wait for it.  BOs evicted on the way move at once.
 *
 * Return: 0, or what ttm_bo_validate() returned.
 */
int nvlf_bo_validate(struct nvlf_bo *bo, struct ttm_operation_ctx *ctx)
{
	struct nvlf_dev *nd = container_of(bo->tbo.bdev, struct nvlf_dev, bdev);
	u32 was = nvlf_bo_res(&bo->tbo)->mem_type;
	uint delay = READ_ONCE(move_delay_us);
	struct dma_fence *fence;
	int ret;

	ret = ttm_bo_validate(&bo->tbo, &bo->placement, ctx);
	if (ret || nvlf_bo_res(&bo->tbo)->mem_type == was)
		return ret;
	nvlf_count(nvlf_moves);
	if (!delay)
		return 0;
	fence = nvlf_fence_create(nd, delay);
	if (!fence)
		return -ENOMEM;
	dma_resv_add_excl_fence(bo->tbo.base.resv, fence);
	dma_fence_put(bo->tbo.moving);
	bo->tbo.moving = fence;
	return 0;
}
#else
/**
 * nvlf_bo_validate - move @bo to its placement (nvlf_move() does it)
 * @bo: the BO, reserved
 * @ctx: the caller's TTM operation context
 *
 * Return: what ttm_bo_validate() returns.
 */
int nvlf_bo_validate(struct nvlf_bo *bo, struct ttm_operation_ctx *ctx)
{
	return ttm_bo_validate(&bo->tbo, &bo->placement, ctx);
}

/*
 * Every placement uses the BO's own ttm_tt pages, so a move copies
 * nothing.  With move_delay_us it is pipelined: a fence stands for the
 * copy, and CPU faults must wait for it.
 */
static int nvlf_move(struct ttm_buffer_object *tbo, bool evict,
		     struct ttm_operation_ctx *ctx, struct ttm_resource *new_mem,
		     struct ttm_place *hop)
{
	struct nvlf_dev *nd = container_of(tbo->bdev, struct nvlf_dev, bdev);
	uint delay = READ_ONCE(move_delay_us);
	struct dma_fence *fence;
	int ret;

	nvlf_count(nvlf_moves);
	if (!tbo->resource || !delay) {
		ttm_bo_move_null(tbo, new_mem);
		return 0;
	}

	ret = dma_resv_reserve_fences(tbo->base.resv, 1);
	if (ret)
		return ret;
	fence = nvlf_fence_create(nd, delay);
	if (!fence)
		return -ENOMEM;
	ret = ttm_bo_move_accel_cleanup(tbo, fence, evict, false, new_mem);
	dma_fence_put(fence);
	return ret;
}
#endif

static int nvlf_io_mem_reserve(struct ttm_device *bdev,
			       struct ttm_resource *mem)
{
	mem->bus.is_iomem = false;
#ifdef NVLF_HAVE_TTM_CACHING
	mem->bus.caching = ttm_cached;
#endif
	return 0;
}

struct ttm_device_funcs nvlf_ttm_funcs = {
	.ttm_tt_create = nvlf_tt_create,
	.ttm_tt_populate = nvlf_tt_populate,
	.ttm_tt_unpopulate = nvlf_tt_unpopulate,
	.ttm_tt_destroy = nvlf_tt_destroy,
	.eviction_valuable = ttm_bo_eviction_valuable,
	.evict_flags = nvlf_evict_flags,
#ifdef NVLF_HAVE_TTM_TT_BIND_CB
	.ttm_tt_bind = nvlf_tt_bind,
	.ttm_tt_unbind = nvlf_tt_unbind,
#else
	.move = nvlf_move,
#endif
	.io_mem_reserve = nvlf_io_mem_reserve,
};

/* ---------------------------------------------------------------------
 * GEM objects.
 */
static void nvlf_gem_free(struct drm_gem_object *gem)
{
#ifdef NVLF_HAVE_TTM_BO_FINI
	ttm_bo_fini(&gem_to_nvlf_bo(gem)->tbo);
#else
	ttm_bo_put(&gem_to_nvlf_bo(gem)->tbo);
#endif
}

const struct drm_gem_object_funcs nvlf_gem_funcs = {
	.free = nvlf_gem_free,
	.mmap = drm_gem_ttm_mmap,
};

/**
 * nvlf_bo_destroy - TTM's destroy callback of our BOs
 * @tbo: the BO, released by TTM
 */
void nvlf_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct nvlf_bo *bo = to_nvlf_bo(tbo);

	drm_gem_object_release(&tbo->base);
	kfree(bo);
	this_cpu_dec(nvlf_live_bos);
}

/**
 * nvlf_bo_offset - where @bo is in its placement's address space
 * @bo: the BO, reserved or otherwise kept from moving
 *
 * Return: the offset in bytes.
 */
u64 nvlf_bo_offset(struct nvlf_bo *bo)
{
	return (u64)nvlf_bo_res(&bo->tbo)->start << PAGE_SHIFT;
}

/**
 * nvlf_bo_info - fill in nouveau's GEM_INFO answer for @bo
 * @bo: the BO
 * @handle: its handle in the caller's file
 * @info: the answer
 */
void nvlf_bo_info(struct nvlf_bo *bo, u32 handle,
		  struct drm_nouveau_gem_info *info)
{
	info->handle = handle;
	info->domain = nvlf_domain_of(nvlf_bo_res(&bo->tbo)->mem_type);
	info->size = bo->tbo.base.size;
	info->offset = nvlf_bo_offset(bo);
	info->map_handle = drm_vma_node_offset_addr(&bo->tbo.base.vma_node);
	info->tile_mode = 0;
	info->tile_flags = 0;
}
