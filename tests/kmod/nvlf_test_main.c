// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nvlf_test: a DRM driver without hardware for nouveau-lockfix's tests.
 *
 * It speaks the subset of nouveau's uapi described in nvlf_test_drm.h on
 * TTM buffer objects in system memory, so that the GEM_PUSHBUF discipline
 * (the shared engine in src/pushbuf_engine.c and src/ww_reserve.c, the
 * same code nouveau.ko runs) and the fault path of our ttm.ko can be
 * exercised, and checked by lockdep, on any machine.  Test-only: it is
 * never installed by the package.
 *
 * Locking rule of this file: GEM_PUSHBUF follows the engine's rule (no
 * user memory touched while reserved, except with faults disabled).  The
 * other ioctls take at most one reservation, never with user memory
 * touched under it -- except BO_HOLD in naive mode, whose whole point is
 * to break the rule so that tests can show they catch it.  BOs, TTM,
 * the fences and the fault injection are in nvlf_test_ttm.c.
 */

#define pr_fmt(fmt) "nvlf_test: " fmt

#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_ttm_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/nouveau_drm.h>

#include "nvlf_test_compat.h"
#include <nvlf/pushbuf_engine.h>
#include <nvlf/stats.h>
#include "nvlf_test_drm.h"
#include "nvlf_test_ttm.h"

static bool naive;
module_param(naive, bool, 0644);
MODULE_PARM_DESC(naive, "Pre-fix pattern: GEM_PUSHBUF and BO_HOLD touch user memory while holding reservations (tests only)");

static bool naive_errors;
module_param(naive_errors, bool, 0644);
MODULE_PARM_DESC(naive_errors, "GEM_PUSHBUF's error paths before they were mended: -EAGAIN taken for a faulting copy, mappings left, presumed written back after any failure (tests only)");

static bool lockfix_strict_presumed;
module_param(lockfix_strict_presumed, bool, 0644);
MODULE_PARM_DESC(lockfix_strict_presumed, "Fail GEM_PUSHBUF with -EFAULT when presumed offsets cannot be written back after submission");

static uint exec_delay_us;
module_param(exec_delay_us, uint, 0644);
MODULE_PARM_DESC(exec_delay_us, "Time a job takes to \"execute\" (its fence signals then)");

/* Address space sizes of the two placements, in pages. */
#define NVLF_VRAM_PAGES (256UL << (20 - PAGE_SHIFT))
#define NVLF_GART_PAGES (512UL << (20 - PAGE_SHIFT))
#define NVLF_MAX_CHANNELS 64

struct nvlf_file {
	struct mutex lock;	/* protects channels */
	DECLARE_BITMAP(channels, NVLF_MAX_CHANNELS);
};

static DEFINE_PER_CPU(unsigned long, nvlf_holds);
static DEFINE_PER_CPU(struct nvlf_pb_stats, nvlf_pb_stats);
static struct platform_device *nvlf_pdev;
static struct nvlf_dev *nvlf_the_dev;
static struct dentry *nvlf_debugfs;

static const struct nvlf_stat nvlf_test_stats[] = {
	{ "live_bos", &nvlf_live_bos },
	{ "bo_moves", &nvlf_moves },
	{ "bo_holds", &nvlf_holds },
	{ "pushbuf_jobs", &nvlf_pb_stats.jobs },
	{ "reloc_jobs", &nvlf_pb_stats.reloc_jobs },
	{ "reloc_copy_nofault", &nvlf_pb_stats.reloc_copy_nofault },
	{ "reloc_slowpath", &nvlf_pb_stats.reloc_slowpath },
	{ "presumed_written", &nvlf_pb_stats.presumed_written },
	{ "presumed_swallowed", &nvlf_pb_stats.presumed_swallowed },
	{ "ww_backoffs", &nvlf_pb_stats.ww.backoffs },
	{ "ww_would_fault", &nvlf_pb_stats.ww.would_fault },
	{ }
};

/* ---------------------------------------------------------------------
 * The GEM_PUSHBUF steps for the shared engine.
 */
static struct ttm_buffer_object *nvlf_pb_to_ttm(struct drm_gem_object *gem)
{
	return gem->funcs == &nvlf_gem_funcs ? &gem_to_nvlf_bo(gem)->tbo : NULL;
}

static int nvlf_pb_validate(struct nvlf_pb_job *job, unsigned int i)
{
	struct drm_nouveau_gem_pushbuf_bo *b = &job->bo[i];
	struct nvlf_bo *bo = to_nvlf_bo(job->buf[i].tbo);
	struct ttm_operation_ctx ctx = { .interruptible = true };
	u32 wanted = b->write_domains ? b->write_domains : b->read_domains;
	u32 ok = wanted & b->valid_domains & bo->valid_domains;
	u32 now = nvlf_domain_of(nvlf_bo_res(&bo->tbo)->mem_type);
	u32 domain;
	int ret;

	ret = nvlf_inject(NVLF_TEST_STEP_VALIDATE, i);
	if (ret)
		return ret;
	if (!(ok & (NOUVEAU_GEM_DOMAIN_VRAM | NOUVEAU_GEM_DOMAIN_GART)))
		return -EINVAL;
	domain = (ok & now) ? now : (ok & NOUVEAU_GEM_DOMAIN_VRAM) ?
		NOUVEAU_GEM_DOMAIN_VRAM : NOUVEAU_GEM_DOMAIN_GART;

	nvlf_bo_place(bo, domain);
	ret = nvlf_bo_validate(bo, &ctx);
	if (!ret)
		ret = nvlf_test_reserve_fence(bo->tbo.base.resv);
	if (ret)
		return ret;

	if (b->presumed.offset == nvlf_bo_offset(bo) &&
	    (b->presumed.domain & domain))
		return 0;
	b->presumed.offset = nvlf_bo_offset(bo);
	b->presumed.domain = domain;
	b->presumed.valid = 0;
	return 1;
}

/* A GEM_PUSHBUF call: the engine's job and the "GPU" work it made. */
struct nvlf_job {
	struct nvlf_pb_job pb;
	struct nvlf_dev *nd;
	struct dma_fence *fence;
};

static int nvlf_pb_submit(struct nvlf_pb_job *job)
{
	struct nvlf_job *nj = container_of(job, struct nvlf_job, pb);
	int ret = nvlf_inject(NVLF_TEST_STEP_SUBMIT, 0);

	if (ret)
		return ret;
	nj->fence = nvlf_fence_create(nj->nd, READ_ONCE(exec_delay_us));
	if (!nj->fence)
		return -ENOMEM;
	job->submitted = true;
	return 0;
}

static void nvlf_pb_fence_buf(struct nvlf_pb_job *job, unsigned int i)
{
	struct nvlf_job *nj = container_of(job, struct nvlf_job, pb);

	nvlf_test_add_fence(job->buf[i].tbo->base.resv, nj->fence,
			    job->bo[i].write_domains);
}

/* The engine's steps by their uapi numbers. */
static const u32 nvlf_pb_steps[] = {
	[NVLF_PB_LOCK] = NVLF_TEST_STEP_LOCK,
	[NVLF_PB_RELOC_COPY] = NVLF_TEST_STEP_RELOC_COPY,
	[NVLF_PB_MAP] = NVLF_TEST_STEP_MAP,
	[NVLF_PB_RELOC] = NVLF_TEST_STEP_RELOC,
};

static int nvlf_pb_inject(struct nvlf_pb_job *job, enum nvlf_pb_step step,
			  unsigned int k)
{
	if (WARN_ON_ONCE(step >= ARRAY_SIZE(nvlf_pb_steps)))
		return 0;
	return nvlf_inject(nvlf_pb_steps[step], k);
}

static const struct nvlf_pb_ops nvlf_pb_ops = {
	.to_ttm = nvlf_pb_to_ttm,
	.validate = nvlf_pb_validate,
	.submit = nvlf_pb_submit,
	.fence_buf = nvlf_pb_fence_buf,
	.inject = nvlf_pb_inject,
};

/* ---------------------------------------------------------------------
 * ioctls.
 */
static int nvlf_ioctl_getparam(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_nouveau_getparam *p = data;

	switch (p->param) {
	case NOUVEAU_GETPARAM_CHIPSET_ID:
		p->value = NVLF_TEST_CHIPSET;
		break;
	case NOUVEAU_GETPARAM_PCI_VENDOR:
	case NOUVEAU_GETPARAM_PCI_DEVICE:
		p->value = 0;
		break;
	case NOUVEAU_GETPARAM_BUS_TYPE:
		p->value = 2;	/* PCI, as nouveau reports it */
		break;
	case NOUVEAU_GETPARAM_FB_SIZE:
		p->value = NVLF_VRAM_PAGES << PAGE_SHIFT;
		break;
	case NOUVEAU_GETPARAM_AGP_SIZE:
		p->value = NVLF_GART_PAGES << PAGE_SHIFT;
		break;
	case NOUVEAU_GETPARAM_GRAPH_UNITS:
	case NOUVEAU_GETPARAM_HAS_BO_USAGE:
		p->value = 1;
		break;
	case NOUVEAU_GETPARAM_EXEC_PUSH_MAX:
		p->value = NOUVEAU_GEM_MAX_PUSH;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int nvlf_ioctl_channel_alloc(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct drm_nouveau_channel_alloc *req = data;
	struct nvlf_file *nf = file->driver_priv;
	unsigned int id;

	mutex_lock(&nf->lock);
	id = find_first_zero_bit(nf->channels, NVLF_MAX_CHANNELS);
	if (id < NVLF_MAX_CHANNELS)
		__set_bit(id, nf->channels);
	mutex_unlock(&nf->lock);
	if (id >= NVLF_MAX_CHANNELS)
		return -ENOSPC;

	req->channel = id;
	req->pushbuf_domains = NOUVEAU_GEM_DOMAIN_VRAM | NOUVEAU_GEM_DOMAIN_GART;
	req->notifier_handle = 0;
	req->nr_subchan = 0;
	return 0;
}

static bool nvlf_channel_exists(struct nvlf_file *nf, int id)
{
	bool ok;

	if (id < 0 || id >= NVLF_MAX_CHANNELS)
		return false;
	mutex_lock(&nf->lock);
	ok = test_bit(id, nf->channels);
	mutex_unlock(&nf->lock);
	return ok;
}

static int nvlf_ioctl_channel_free(struct drm_device *drm, void *data,
				   struct drm_file *file)
{
	struct drm_nouveau_channel_free *req = data;
	struct nvlf_file *nf = file->driver_priv;

	if (!nvlf_channel_exists(nf, req->channel))
		return -ENOENT;
	mutex_lock(&nf->lock);
	__clear_bit(req->channel, nf->channels);
	mutex_unlock(&nf->lock);
	return 0;
}

static int nvlf_ioctl_gem_new(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	const u32 domains = NOUVEAU_GEM_DOMAIN_CPU | NOUVEAU_GEM_DOMAIN_VRAM |
			    NOUVEAU_GEM_DOMAIN_GART;
	struct drm_nouveau_gem_new *req = data;
	struct nvlf_dev *nd = to_nvlf(drm);
	u64 size = PAGE_ALIGN(req->info.size);
	struct nvlf_bo *bo;
	u32 handle;
	int ret;

	if (!size || size > (NVLF_VRAM_PAGES << PAGE_SHIFT) / 4)
		return -EINVAL;
	if (!(req->info.domain & domains))
		return -EINVAL;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return -ENOMEM;
	drm_gem_private_object_init(drm, &bo->tbo.base, size);
	bo->tbo.base.funcs = &nvlf_gem_funcs;
	bo->valid_domains = req->info.domain & domains;
	nvlf_bo_place(bo, req->info.domain);
	nvlf_count(nvlf_live_bos);

	/* On failure TTM calls nvlf_bo_destroy(). */
#ifdef NVLF_HAVE_TTM_BO_INIT_VALIDATE
	ret = ttm_bo_init_validate(&nd->bdev, &bo->tbo, ttm_bo_type_device,
				   &bo->placement, 0, true, NULL, NULL,
				   nvlf_bo_destroy);
#else
	ret = ttm_bo_init(&nd->bdev, &bo->tbo, size, ttm_bo_type_device,
			  &bo->placement, 0, true,
			  ttm_bo_dma_acc_size(&nd->bdev, size, sizeof(*bo)),
			  NULL, NULL, nvlf_bo_destroy);
#endif
	if (ret)
		return ret;

	ret = drm_gem_handle_create(file, &bo->tbo.base, &handle);
	if (!ret)
		nvlf_bo_info(bo, handle, &req->info);
	drm_gem_object_put(&bo->tbo.base);
	return ret;
}

/*
 * Look @handle up and run @op on its BO with the reservation held (taken
 * interruptibly): GEM_INFO, BO_MOVE and BO_HOLD.
 */
static int nvlf_with_reserved(struct drm_file *file, u32 handle,
			      int (*op)(struct nvlf_bo *bo, void *req),
			      void *req)
{
	struct drm_gem_object *gem = drm_gem_object_lookup(file, handle);
	struct nvlf_bo *bo;
	int ret;

	if (!gem)
		return -ENOENT;
	bo = gem_to_nvlf_bo(gem);
	ret = ttm_bo_reserve(&bo->tbo, true, false, NULL);
	if (!ret) {
		ret = op(bo, req);
		ttm_bo_unreserve(&bo->tbo);
	}
	drm_gem_object_put(gem);
	return ret;
}

static int nvlf_gem_info_op(struct nvlf_bo *bo, void *data)
{
	struct drm_nouveau_gem_info *req = data;

	nvlf_bo_info(bo, req->handle, req);
	return 0;
}

static int nvlf_ioctl_gem_info(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_nouveau_gem_info *req = data;

	return nvlf_with_reserved(file, req->handle, nvlf_gem_info_op, req);
}

static int nvlf_ioctl_cpu_prep(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_nouveau_gem_cpu_prep *req = data;
	struct drm_gem_object *gem = drm_gem_object_lookup(file, req->handle);
	bool write = req->flags & NOUVEAU_GEM_CPU_PREP_WRITE;
	long ret;

	if (!gem)
		return -ENOENT;
	if (req->flags & NOUVEAU_GEM_CPU_PREP_NOWAIT)
		ret = nvlf_test_resv_idle(gem->resv, write) ? 1 : 0;
	else
		ret = nvlf_test_resv_wait(gem->resv, write, 30 * HZ);
	drm_gem_object_put(gem);
	if (ret < 0)
		return ret;
	return ret ? 0 : -EBUSY;
}

static int nvlf_ioctl_cpu_fini(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_nouveau_gem_cpu_fini *req = data;
	struct drm_gem_object *gem = drm_gem_object_lookup(file, req->handle);

	if (!gem)
		return -ENOENT;
	drm_gem_object_put(gem);
	return 0;
}

static int nvlf_ioctl_pushbuf(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_nouveau_gem_pushbuf *req = data;
	struct nvlf_job job = {
		.pb = {
			.ops = &nvlf_pb_ops,
			.file = file,
			.dev = drm->dev,
			.who = current->comm,
			.req = req,
			.stats = &nvlf_pb_stats,
			.strict_presumed = READ_ONCE(lockfix_strict_presumed),
			.naive = READ_ONCE(naive),
			.naive_errors = READ_ONCE(naive_errors),
		},
		.nd = to_nvlf(drm),
	};
	int ret = 0;

	if (!nvlf_channel_exists(file->driver_priv, req->channel))
		return -ENOENT;
	req->vram_available = NVLF_VRAM_PAGES << PAGE_SHIFT;
	req->gart_available = NVLF_GART_PAGES << PAGE_SHIFT;
	if (req->nr_push)
		ret = nvlf_pushbuf_run(&job.pb);
	if (job.fence)
		dma_fence_put(job.fence);
	req->suffix0 = 0;
	req->suffix1 = 0;
	return ret;
}

static int nvlf_bo_move_op(struct nvlf_bo *bo, void *data)
{
	struct drm_nvlf_test_bo_move *req = data;
	struct ttm_operation_ctx ctx = { .interruptible = true };
	int ret;

	nvlf_bo_place(bo, req->domain);
	ret = nvlf_bo_validate(bo, &ctx);
	req->offset = nvlf_bo_offset(bo);
	return ret;
}

static int nvlf_ioctl_bo_move(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_nvlf_test_bo_move *req = data;

	return nvlf_with_reserved(file, req->handle, nvlf_bo_move_op, req);
}

/*
 * Hold the reservation for req->ms.  @req is drm_ioctl()'s kernel copy:
 * it is copied out to user space after we return, with the reservation
 * released.
 */
static int nvlf_bo_hold_op(struct nvlf_bo *bo, void *data)
{
	struct drm_nvlf_test_bo_hold *req = data;
	u32 __user *touch = u64_to_user_ptr(req->touch);
	u32 mark = 0x4e564c46;	/* "NVLF" */
	unsigned long left;
	int ret = 0;

	req->reserved_ns = ktime_get_ns();
	nvlf_count(nvlf_holds);
	left = msleep_interruptible(req->ms);
	/* Naive only: the pre-fix pattern, user memory while reserved. */
	if (READ_ONCE(naive) && touch && copy_to_user(touch, &mark, sizeof(mark)))
		ret = -EFAULT;
	req->released_ns = ktime_get_ns();
	if (!ret && left)
		ret = -EINTR;
	return ret;
}

static int nvlf_ioctl_bo_hold(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_nvlf_test_bo_hold *req = data;

	return nvlf_with_reserved(file, req->handle, nvlf_bo_hold_op, req);
}

#define NVLF_IOCTL(n, f) DRM_IOCTL_DEF_DRV(n, f, DRM_RENDER_ALLOW)
static const struct drm_ioctl_desc nvlf_ioctls[] = {
	NVLF_IOCTL(NOUVEAU_GETPARAM, nvlf_ioctl_getparam),
	NVLF_IOCTL(NOUVEAU_CHANNEL_ALLOC, nvlf_ioctl_channel_alloc),
	NVLF_IOCTL(NOUVEAU_CHANNEL_FREE, nvlf_ioctl_channel_free),
	NVLF_IOCTL(NOUVEAU_GEM_NEW, nvlf_ioctl_gem_new),
	NVLF_IOCTL(NOUVEAU_GEM_PUSHBUF, nvlf_ioctl_pushbuf),
	NVLF_IOCTL(NOUVEAU_GEM_CPU_PREP, nvlf_ioctl_cpu_prep),
	NVLF_IOCTL(NOUVEAU_GEM_CPU_FINI, nvlf_ioctl_cpu_fini),
	NVLF_IOCTL(NOUVEAU_GEM_INFO, nvlf_ioctl_gem_info),
	NVLF_IOCTL(NVLF_TEST_BO_MOVE, nvlf_ioctl_bo_move),
	NVLF_IOCTL(NVLF_TEST_BO_HOLD, nvlf_ioctl_bo_hold),
	NVLF_IOCTL(NVLF_TEST_INJECT, nvlf_ioctl_inject),
};

static int nvlf_open(struct drm_device *drm, struct drm_file *file)
{
	struct nvlf_file *nf = kzalloc(sizeof(*nf), GFP_KERNEL);

	if (!nf)
		return -ENOMEM;
	mutex_init(&nf->lock);
	file->driver_priv = nf;
	return 0;
}

static void nvlf_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct nvlf_file *nf = file->driver_priv;

	mutex_destroy(&nf->lock);
	kfree(nf);
}

DEFINE_DRM_GEM_FOPS(nvlf_fops);

/* Not const: before v5.11 devm_drm_dev_alloc() took a non-const driver. */
static struct drm_driver nvlf_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.open = nvlf_open,
	.postclose = nvlf_postclose,
	.ioctls = nvlf_ioctls,
	.num_ioctls = ARRAY_SIZE(nvlf_ioctls),
	.fops = &nvlf_fops,
	.name = NVLF_TEST_DRIVER_NAME,
	.desc = "nouveau-lockfix test driver",
#ifdef NVLF_HAVE_DRM_DRIVER_DATE
	.date = "20261125",
#endif
	.major = 1,
	.minor = 0,
};

/* ---------------------------------------------------------------------
 * Device and module.
 */
static void nvlf_ttm_fini(struct drm_device *drm, void *unused)
{
	struct nvlf_dev *nd = to_nvlf(drm);

	ttm_range_man_fini(&nd->bdev, TTM_PL_VRAM);
	ttm_range_man_fini(&nd->bdev, TTM_PL_TT);
	nvlf_test_ttm_fini(&nd->bdev);
}

static int nvlf_create(struct device *dev)
{
	struct nvlf_dev *nd;
	int ret;

	nd = devm_drm_dev_alloc(dev, &nvlf_driver, struct nvlf_dev, drm);
	if (IS_ERR(nd))
		return PTR_ERR(nd);
	spin_lock_init(&nd->fence_lock);
	nd->fence_context = dma_fence_context_alloc(1);

	ret = nvlf_test_ttm_init(&nd->bdev, &nvlf_ttm_funcs, dev,
				 nd->drm.anon_inode->i_mapping,
				 nd->drm.vma_offset_manager);
	if (ret)
		return ret;
	ret = ttm_range_man_init(&nd->bdev, TTM_PL_TT, true, NVLF_GART_PAGES);
	if (!ret)
		ret = ttm_range_man_init(&nd->bdev, TTM_PL_VRAM, true,
					 NVLF_VRAM_PAGES);
	if (ret) {
		ttm_range_man_fini(&nd->bdev, TTM_PL_TT);
		nvlf_test_ttm_fini(&nd->bdev);
		return ret;
	}
	ret = drmm_add_action_or_reset(&nd->drm, nvlf_ttm_fini, NULL);
	if (!ret)
		ret = drm_dev_register(&nd->drm, 0);
	if (!ret)
		nvlf_the_dev = nd;
	return ret;
}

static int __init nvlf_init(void)
{
	int ret;

	nvlf_wq = alloc_workqueue("nvlf_test", WQ_UNBOUND, 0);
	if (!nvlf_wq)
		return -ENOMEM;
	nvlf_pdev = platform_device_register_simple("nvlf_test", -1, NULL, 0);
	if (IS_ERR(nvlf_pdev)) {
		ret = PTR_ERR(nvlf_pdev);
		goto err_wq;
	}
	if (!devres_open_group(&nvlf_pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_pdev;
	}
	ret = nvlf_create(&nvlf_pdev->dev);
	if (ret)
		goto err_group;
	nvlf_debugfs = nvlf_stats_create("nvlf_test", nvlf_test_stats);
	return 0;

err_group:
	devres_release_group(&nvlf_pdev->dev, NULL);
err_pdev:
	platform_device_unregister(nvlf_pdev);
err_wq:
	destroy_workqueue(nvlf_wq);
	return ret;
}

static void __exit nvlf_exit(void)
{
	nvlf_stats_remove(nvlf_debugfs);
	drm_dev_unregister(&nvlf_the_dev->drm);
	/* Pending fences use the device's lock: let them signal first. */
	flush_workqueue(nvlf_wq);
	devres_release_group(&nvlf_pdev->dev, NULL);
	platform_device_unregister(nvlf_pdev);
	destroy_workqueue(nvlf_wq);
}

module_init(nvlf_init);
module_exit(nvlf_exit);
MODULE_DESCRIPTION("nouveau-lockfix test driver (nouveau uapi subset on TTM, no hardware)");
MODULE_LICENSE("Dual MIT/GPL");
