// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix: nouveau's legacy GEM_PUSHBUF ioctl.
 *
 * The order of the ioctl (copy in, reserve, validate, relocate, submit,
 * unreserve, write back) is the shared engine's (pushbuf_engine.c); this
 * file supplies the nouveau steps: channel lookup, placement of a buffer
 * in VRAM or GART, the push itself and the fences.
 *
 * Locking rule of this file: every callback below runs with the
 * reservations of all buffers of the job held, and none touches user
 * memory; the engine does all user copies.  The channel is kept alive by
 * the abi16 reference taken in the ioctl.
 *
 * The ioctl's ABI is the target kernel's: the same limits, the same
 * errors, the same outputs.  One thing differs by design: when the job was
 * submitted but its presumed offsets cannot be written back, the ioctl
 * returns 0, counts it (debugfs nvlf_nouveau/stats) and warns, unless
 * lockfix_strict_presumed=1.
 */

#define pr_fmt(fmt) "nouveau-lockfix: " fmt

#include "nvlf_compat.h"

#include <drm/drm_gem_ttm_helper.h>

#include "nouveau_drv.h"
#include "nouveau_dma.h"
#include "nouveau_fence.h"
#include "nouveau_abi16.h"
#include "nouveau_gem.h"
#include "nouveau_chan.h"
#include "nouveau_vmm.h"

#include <nvif/class.h>
#include <nvif/push206e.h>

#include <nvlf/module_wrap.h>
#include <nvlf/pushbuf_engine.h>
#include <nvlf/stats.h>
#include <nvlf/ttm_compat.h>
#include "nvlf_build.h"

static bool lockfix_strict_presumed;
module_param(lockfix_strict_presumed, bool, 0644);
MODULE_PARM_DESC(lockfix_strict_presumed,
		 "Fail GEM_PUSHBUF with -EFAULT when presumed offsets cannot be written back after the job was submitted (default: 0, count and warn)");

static DEFINE_PER_CPU(struct nvlf_pb_stats, nvlf_nv_stats);

static const struct nvlf_stat nvlf_nouveau_stats[] = {
	{ "pushbuf_jobs", &nvlf_nv_stats.jobs },
	{ "reloc_jobs", &nvlf_nv_stats.reloc_jobs },
	{ "reloc_copy_nofault", &nvlf_nv_stats.reloc_copy_nofault },
	{ "reloc_slowpath", &nvlf_nv_stats.reloc_slowpath },
	{ "presumed_written", &nvlf_nv_stats.presumed_written },
	{ "presumed_swallowed", &nvlf_nv_stats.presumed_swallowed },
	{ "ww_backoffs", &nvlf_nv_stats.ww.backoffs },
	{ "ww_would_fault", &nvlf_nv_stats.ww.would_fault },
	{ }
};

/* The driver's state for one call. */
struct nvlf_nv_job {
	struct nvlf_pb_job pb;
	struct nouveau_channel *chan;
	struct nouveau_drm *drm;
	struct nouveau_fence *fence;
	bool sync;
};

static struct nvlf_nv_job *to_nv_job(struct nvlf_pb_job *job)
{
	return container_of(job, struct nvlf_nv_job, pb);
}

static struct nvif_push *nvlf_nv_push(struct nouveau_channel *chan)
{
#ifdef NVLF_HAVE_NVIF_PUSH_EMBEDDED
	return &chan->chan.push;
#else
	return chan->chan.push;
#endif
}

/* Whether the channel takes pushes through an indirect buffer (GPFIFO). */
static bool nvlf_nv_has_ib(struct nouveau_channel *chan)
{
#ifdef NVLF_HAVE_NVIF_CHAN_GPFIFO
	return chan->user.oclass >= NV50_CHANNEL_GPFIFO;
#else
	return chan->dma.ib_max;
#endif
}

static bool nvlf_nv_vm(struct nouveau_channel *chan)
{
	return chan->vmm->vmm.object.oclass >= NVIF_CLASS_VMM_NV50;
}

static struct ttm_buffer_object *nvlf_nv_to_ttm(struct drm_gem_object *gem)
{
	return &nouveau_gem_object(gem)->bo;
}

/*
 * Choose where a buffer goes: among the domains the job allows, stay
 * where it is if that is allowed, else prefer VRAM.
 */
static int nvlf_nv_set_domain(struct nouveau_bo *nvbo,
			      const struct drm_nouveau_gem_pushbuf_bo *b)
{
	const u32 both = NOUVEAU_GEM_DOMAIN_VRAM | NOUVEAU_GEM_DOMAIN_GART;
	u32 wanted = b->write_domains ? b->write_domains : b->read_domains;
	u32 ok = wanted & b->valid_domains & nvbo->valid_domains;
	u32 mem_type = nvlf_bo_res(&nvbo->bo)->mem_type;
	u32 where;

	if (!ok)
		return -EINVAL;

	if ((ok & NOUVEAU_GEM_DOMAIN_VRAM) && mem_type == TTM_PL_VRAM)
		where = NOUVEAU_GEM_DOMAIN_VRAM;
	else if ((ok & NOUVEAU_GEM_DOMAIN_GART) && mem_type == TTM_PL_TT)
		where = NOUVEAU_GEM_DOMAIN_GART;
	else if (ok & NOUVEAU_GEM_DOMAIN_VRAM)
		where = NOUVEAU_GEM_DOMAIN_VRAM;
	else
		where = NOUVEAU_GEM_DOMAIN_GART;

	nouveau_bo_placement_set(nvbo, where, b->valid_domains & ~both);
	return 0;
}

static int nvlf_nv_validate(struct nvlf_pb_job *job, unsigned int i)
{
	struct nvlf_nv_job *nj = to_nv_job(job);
	struct nouveau_channel *chan = nj->chan;
	struct nouveau_bo *nvbo = nouveau_gem_object(job->buf[i].gem);
	struct drm_nouveau_gem_pushbuf_bo *b = &job->bo[i];
	u32 domain;
	int ret;

	if (nvlf_nv_vm(chan)) {
		job->buf[i].drv = nouveau_vma_find(nvbo, chan->vmm);
		if (!job->buf[i].drv)
			return -EINVAL;
	}

	ret = nvlf_nv_set_domain(nvbo, b);
	if (!ret)
		ret = nouveau_bo_validate(nvbo, true, false);
	if (!ret)
		ret = nouveau_fence_sync(nvbo, chan, !!b->write_domains, true);
	if (ret)
		return ret;

	/* Relocations exist only for GPUs without a virtual memory. */
	if (nj->drm->client.device.info.family >= NV_DEVICE_INFO_V0_TESLA)
		return 0;

	switch (nvlf_bo_res(&nvbo->bo)->mem_type) {
	case TTM_PL_VRAM:
		domain = NOUVEAU_GEM_DOMAIN_VRAM;
		break;
	case TTM_PL_TT:
		domain = NOUVEAU_GEM_DOMAIN_GART;
		break;
	default:
		domain = 0;	/* never where user space presumes */
		break;
	}
	if (b->presumed.offset == nvbo->offset && (b->presumed.domain & domain))
		return 0;

	b->presumed.offset = nvbo->offset;
	b->presumed.domain = domain == NOUVEAU_GEM_DOMAIN_GART ?
		NOUVEAU_GEM_DOMAIN_GART : NOUVEAU_GEM_DOMAIN_VRAM;
	b->presumed.valid = 0;
	return 1;
}

/* One indirect-buffer entry: @length bytes of pushes at GPU address @addr. */
static void nvlf_nv_ib_entry(struct nouveau_channel *chan, u64 addr,
			     u32 length)
{
#if defined(NVLF_HAVE_NVIF_CHAN_GPFIFO) || defined(NVLF_HAVE_NV50_DMA_PUSH_NO_PREFETCH)
	u32 len = length & ~NOUVEAU_GEM_PUSHBUF_NO_PREFETCH;
	bool no_prefetch = length & NOUVEAU_GEM_PUSHBUF_NO_PREFETCH;
#endif

#if defined(NVLF_HAVE_NVIF_CHAN_GPFIFO)
	nvif_chan_gpfifo_push(&chan->chan, addr, len, no_prefetch);
#elif defined(NVLF_HAVE_NV50_DMA_PUSH_NO_PREFETCH)
	nv50_dma_push(chan, addr, len, no_prefetch);
#else
	/* before the flag had a name and an argument, it rode in the length */
	nv50_dma_push(chan, addr, length);
#endif
}

/* GPUs with an indirect buffer: one IB entry per push. */
static int nvlf_nv_push_ib(struct nvlf_nv_job *nj)
{
	struct nvlf_pb_job *job = &nj->pb;
	struct nouveau_channel *chan = nj->chan;
	unsigned int i;
	int ret;

#ifdef NVLF_HAVE_NVIF_CHAN_GPFIFO
	ret = nvif_chan_gpfifo_wait(&chan->chan, job->req->nr_push + 1, 16);
#else
	ret = nouveau_dma_wait(chan, job->req->nr_push + 1, 16);
#endif
	if (ret) {
		nvlf_pb_err(job, "nv50cal_space: %d\n", ret);
		return ret;
	}

	for (i = 0; i < job->req->nr_push; i++) {
		const struct drm_nouveau_gem_pushbuf_push *p = &job->push[i];
		struct nouveau_vma *vma = job->buf[p->bo_index].drv;

		nvlf_nv_ib_entry(chan, vma->addr + p->offset, p->length);
	}
#ifdef NVLF_HAVE_NVIF_CHAN_GPFIFO_POST
	/*
	 * The semaphore that tracks how far the GPU has read; its space was
	 * reserved by the wait above, so, as upstream, its status is not
	 * checked.  The fence emitted next kicks the entries.
	 */
	nvif_chan_gpfifo_post(&chan->chan);
#endif
	return 0;
}

/* NV25 to NV4x: a CALL into each push. */
static int nvlf_nv_push_call(struct nvlf_nv_job *nj)
{
	struct nvlf_pb_job *job = &nj->pb;
	struct nvif_push *push = nvlf_nv_push(nj->chan);
	unsigned int i;
	int ret;

	ret = PUSH_WAIT(push, job->req->nr_push * 2);
	if (ret) {
		nvlf_pb_err(job, "cal_space: %d\n", ret);
		return ret;
	}

	for (i = 0; i < job->req->nr_push; i++) {
		const struct drm_nouveau_gem_pushbuf_push *p = &job->push[i];
		struct nouveau_bo *nvbo =
			nouveau_gem_object(job->buf[p->bo_index].gem);

		PUSH_CALL(push, nvbo->offset + p->offset);
		PUSH_DATA(push, 0);
	}
	return 0;
}

/*
 * Older GPUs: a JUMP into each push, whose last word must jump back to
 * the ring.  User space guesses that word (req->suffix0); when the guess
 * is wrong we patch it in the push buffer.
 */
static int nvlf_nv_push_jump(struct nvlf_nv_job *nj)
{
	struct nvlf_pb_job *job = &nj->pb;
	struct nouveau_channel *chan = nj->chan;
	struct nvif_push *push = nvlf_nv_push(chan);
	unsigned int i, j;
	int ret;

	ret = PUSH_WAIT(push, job->req->nr_push * (2 + NOUVEAU_DMA_SKIPS));
	if (ret) {
		nvlf_pb_err(job, "jmp_space: %d\n", ret);
		return ret;
	}

	for (i = 0; i < job->req->nr_push; i++) {
		const struct drm_nouveau_gem_pushbuf_push *p = &job->push[i];
		struct nouveau_bo *nvbo =
			nouveau_gem_object(job->buf[p->bo_index].gem);
		u32 back = 0x20000000 |
			(chan->push.addr + ((chan->dma.cur + 2) << 2));

		if (back != job->req->suffix0) {
			ret = nvlf_pushbuf_wr32(job, p->bo_index,
						(u64)p->offset + p->length - 8,
						back);
			if (ret) {
				WIND_RING(chan);
				return ret;
			}
		}

		PUSH_JUMP(push, nvbo->offset + p->offset);
		PUSH_DATA(push, 0);
		for (j = 0; j < NOUVEAU_DMA_SKIPS; j++)
			PUSH_DATA(push, 0);
	}
	return 0;
}

static int nvlf_nv_submit(struct nvlf_pb_job *job)
{
	struct nvlf_nv_job *nj = to_nv_job(job);
	struct nouveau_channel *chan = nj->chan;
	int ret;

	if (nvlf_nv_has_ib(chan))
		ret = nvlf_nv_push_ib(nj);
	else if (nj->drm->client.device.info.chipset >= 0x25)
		ret = nvlf_nv_push_call(nj);
	else
		ret = nvlf_nv_push_jump(nj);
	if (ret)
		return ret;

#ifdef NVLF_HAVE_NOUVEAU_FENCE_NEW_FENCE_FIRST
	ret = nouveau_fence_new(&nj->fence, chan);
#else
	ret = nouveau_fence_new(chan, false, &nj->fence);
#endif
	if (ret) {
		nvlf_pb_err(job, "error fencing pushbuf: %d\n", ret);
		WIND_RING(chan);
		return ret;
	}
	job->submitted = true;

	if (nj->sync) {
		ret = nouveau_fence_wait(nj->fence, false, false);
		if (!ret) {
			ret = dma_fence_get_status(&nj->fence->base);
			if (ret == 1)
				ret = 0;
		}
	}
	return ret;
}

static void nvlf_nv_fence_buf(struct nvlf_pb_job *job, unsigned int i)
{
	struct nvlf_nv_job *nj = to_nv_job(job);
	struct nouveau_bo *nvbo = nouveau_gem_object(job->buf[i].gem);
	struct nouveau_vma *vma = job->buf[i].drv;

	nouveau_bo_fence(nvbo, nj->fence, !!job->bo[i].write_domains);
	if (nvlf_nv_vm(nj->chan)) {
		nouveau_fence_unref(&vma->fence);
		dma_fence_get(&nj->fence->base);
		vma->fence = nj->fence;
	}
}

static const struct nvlf_pb_ops nvlf_nv_ops = {
	.to_ttm = nvlf_nv_to_ttm,
	.validate = nvlf_nv_validate,
	.submit = nvlf_nv_submit,
	.fence_buf = nvlf_nv_fence_buf,
};

/* What user space must append to its next push, per GPU generation. */
static void nvlf_nv_suffix(struct nouveau_channel *chan,
			   struct nouveau_drm *drm,
			   struct drm_nouveau_gem_pushbuf *req)
{
	req->suffix1 = 0;
	if (nvlf_nv_has_ib(chan))
		req->suffix0 = 0;
	else if (drm->client.device.info.chipset >= 0x25)
		req->suffix0 = 0x00020000;
	else
		req->suffix0 = 0x20000000 |
			(chan->push.addr + ((chan->dma.cur + 2) << 2));
}

static struct nouveau_channel *nvlf_nv_channel(struct nouveau_abi16 *abi16,
					       int id)
{
	struct nouveau_abi16_chan *c;

	list_for_each_entry(c, &abi16->channels, head)
		if (c->chan->chid == id)
			return c->chan;
	return NULL;
}

/**
 * nouveau_gem_ioctl_pushbuf - DRM_NOUVEAU_GEM_PUSHBUF, with lock discipline
 * @dev: the DRM device
 * @data: struct drm_nouveau_gem_pushbuf, in kernel memory
 * @file_priv: the caller
 *
 * Replaces the target kernel's function of the same name (whose body
 * nouveau_gem.o keeps under another name, unreferenced).  No user memory
 * is touched while a reservation is held: see pushbuf_engine.c.
 *
 * Return: 0 or a negative error code, as the target kernel's ioctl.
 */
int nouveau_gem_ioctl_pushbuf(struct drm_device *dev, void *data,
			      struct drm_file *file_priv)
{
	struct nouveau_abi16 *abi16 = nouveau_abi16_get(file_priv);
	struct drm_nouveau_gem_pushbuf *req = data;
	struct nvlf_nv_job nj = { };
	int ret = 0;

	if (unlikely(!abi16))
		return -ENOMEM;
#ifdef NVLF_HAVE_NOUVEAU_CLI_UVMM
	/* Clients that use VM_BIND submit with EXEC instead. */
	if (unlikely(nouveau_cli_uvmm(nouveau_cli(file_priv))))
		return nouveau_abi16_put(abi16, -ENOSYS);
#endif

	nj.chan = nvlf_nv_channel(abi16, req->channel);
	if (!nj.chan)
		return nouveau_abi16_put(abi16, -ENOENT);
	if (unlikely(atomic_read(&nj.chan->killed)))
		return nouveau_abi16_put(abi16, -ENODEV);

	nj.drm = nouveau_drm(dev);
	nj.sync = req->vram_available & NOUVEAU_GEM_PUSHBUF_SYNC;
	req->vram_available = nj.drm->gem.vram_available;
	req->gart_available = nj.drm->gem.gart_available;

	if (req->nr_push) {
		nj.pb.ops = &nvlf_nv_ops;
		nj.pb.file = file_priv;
		nj.pb.dev = dev->dev;
		nj.pb.who = nouveau_cli(file_priv)->name;
		nj.pb.req = req;
		nj.pb.stats = &nvlf_nv_stats;
		nj.pb.strict_presumed = READ_ONCE(lockfix_strict_presumed);
		ret = nvlf_pushbuf_run(&nj.pb);
		nouveau_fence_unref(&nj.fence);
		/* Failures before the lists were read leave the suffix. */
		if (!nj.pb.copied_in)
			return nouveau_abi16_put(abi16, ret);
	}

	nvlf_nv_suffix(nj.chan, nj.drm, req);
	return nouveau_abi16_put(abi16, ret);
}

/*
 * nouveau.ko has one module init and exit, in nouveau_drm.o; Kbuild renames
 * them (see nvlf/module_wrap.h) so that ours wrap them and add the counters.
 */
static struct dentry *nvlf_nouveau_debugfs;

static int __init nvlf_nouveau_init(void)
{
	int ret = nvlf_upstream_init_module();

	if (ret)
		return ret;
	nvlf_nouveau_debugfs = nvlf_stats_create("nvlf_nouveau",
						 nvlf_nouveau_stats);
	return 0;
}

static void __exit nvlf_nouveau_exit(void)
{
	nvlf_stats_remove(nvlf_nouveau_debugfs);
	nvlf_upstream_cleanup_module();
}

module_init(nvlf_nouveau_init);
module_exit(nvlf_nouveau_exit);
MODULE_VERSION(NVLF_VERSION);
MODULE_INFO(nvlf_upstream, NVLF_UPSTREAM);
