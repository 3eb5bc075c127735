// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix: the GEM_PUSHBUF engine.
 *
 * Locking rule of this file
 * -------------------------
 * No user memory is touched while a reservation is held, except through
 * nvlf_reserve_copy_*_user(), which then runs with page faults disabled.
 *
 *  1. The push and buffer arrays are copied in before anything is reserved.
 *  2. Every buffer is reserved under one ticket (nvlf_reserve_lock_all()),
 *     then validated by the driver.
 *  3. If a presumed offset was wrong, the relocation array is needed.  It
 *     is copied with faults disabled; if that would fault, every
 *     reservation is dropped, the array is copied with faults enabled and
 *     we go back to 2 (the slow path).
 *  4. Relocations are applied from the kernel copy, the driver submits,
 *     and fences the buffers; then every buffer is unmapped and every
 *     reservation dropped, on success and on every error alike.
 *  5. Only then are the presumed offsets written back to user memory, and
 *     only if the job got as far as applying relocations (as upstream): a
 *     job that failed earlier leaves the buffer list as it was, so that
 *     the same request sent again (a restarted system call, a retry by
 *     user space) relocates again.  A failed write-back of a submitted
 *     job is counted and warned about, not returned, unless the driver
 *     asks for strict reporting.
 *
 * Refused jobs are logged with upstream's messages, rate-limited.
 */

#define pr_fmt(fmt) "nouveau-lockfix: " fmt

#include <linux/device.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include <nvlf/pushbuf_engine.h>
#include <nvlf/stats.h>
#include <nvlf/ttm_compat.h>

/* Bound on waiting for a relocation target to go idle, as nouveau does. */
#define NVLF_RELOC_IDLE_TIMEOUT (15 * HZ)

/*
 * Test builds (NVLF_FAULT_INJECT): the test driver may make step @step
 * fail at its occurrence @k.  Nothing in nouveau.ko.
 */
static int nvlf_pb_inject(struct nvlf_pb_job *job, enum nvlf_pb_step step,
			  unsigned int k)
{
#ifdef NVLF_FAULT_INJECT
	if (job->ops->inject)
		return job->ops->inject(job, step, k);
#endif
	return 0;
}

/* Allocate an array of @n elements of @size and fill it from user memory. */
static void *nvlf_copy_array(struct nvlf_pb_job *job, u64 uptr,
			     u32 n, size_t size, int *err)
{
	size_t bytes;
	void *p;

	if (check_mul_overflow((size_t)n, size, &bytes)) {
		*err = -EINVAL;
		return NULL;
	}
	p = kvmalloc(bytes ? bytes : 1, GFP_KERNEL);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = nvlf_reserve_copy_from_user(&job->wwr, p, u64_to_user_ptr(uptr),
					   bytes);
	if (*err) {
		kvfree(p);
		return NULL;
	}
	return p;
}

/* Steps 1: limits, and the arrays copied in; nothing is reserved yet. */
static int nvlf_pb_copy_in(struct nvlf_pb_job *job)
{
	struct drm_nouveau_gem_pushbuf *req = job->req;
	int err;

	if (req->nr_push > NOUVEAU_GEM_MAX_PUSH) {
		nvlf_pb_err(job, "pushbuf push count exceeds limit: %u max %d\n",
			    req->nr_push, NOUVEAU_GEM_MAX_PUSH);
		return -EINVAL;
	}
	if (req->nr_buffers > NOUVEAU_GEM_MAX_BUFFERS) {
		nvlf_pb_err(job, "pushbuf bo count exceeds limit: %u max %d\n",
			    req->nr_buffers, NOUVEAU_GEM_MAX_BUFFERS);
		return -EINVAL;
	}
	if (req->nr_relocs > NOUVEAU_GEM_MAX_RELOCS) {
		nvlf_pb_err(job, "pushbuf reloc count exceeds limit: %u max %d\n",
			    req->nr_relocs, NOUVEAU_GEM_MAX_RELOCS);
		return -EINVAL;
	}

	job->push = nvlf_copy_array(job, req->push, req->nr_push,
				    sizeof(*job->push), &err);
	if (!job->push)
		return err;
	job->bo = nvlf_copy_array(job, req->buffers, req->nr_buffers,
				  sizeof(*job->bo), &err);
	if (!job->bo)
		return err;
	job->copied_in = true;
	return 0;
}

/* Look every handle up and check what can be checked without locks. */
static int nvlf_pb_lookup(struct nvlf_pb_job *job)
{
	struct drm_nouveau_gem_pushbuf *req = job->req;
	const u32 placed = NOUVEAU_GEM_DOMAIN_VRAM | NOUVEAU_GEM_DOMAIN_GART;
	unsigned int i;
	int ret;

	for (i = 0; i < req->nr_push; i++) {
		if (job->push[i].bo_index >= req->nr_buffers) {
			nvlf_pb_err(job, "push %u buffer not in list\n", i);
			return -EINVAL;
		}
	}

	job->buf = kvcalloc(req->nr_buffers, sizeof(*job->buf), GFP_KERNEL);
	if (!job->buf && req->nr_buffers)
		return -ENOMEM;
	ret = nvlf_reserve_init(&job->wwr, req->nr_buffers, true,
				&job->stats->ww);
	if (ret)
		return ret;
	job->wwr.naive = job->naive;

	for (i = 0; i < req->nr_buffers; i++) {
		struct nvlf_pb_buf *buf = &job->buf[i];

		buf->gem = drm_gem_object_lookup(job->file, job->bo[i].handle);
		if (!buf->gem) {
			nvlf_pb_err(job, "Unknown handle 0x%08x\n",
				    job->bo[i].handle);
			return -ENOENT;
		}
		buf->tbo = job->ops->to_ttm(buf->gem);
		if (!buf->tbo) {
			nvlf_pb_err(job, "handle 0x%08x is not a buffer of this driver\n",
				    job->bo[i].handle);
			return -EINVAL;
		}
		if (!(job->bo[i].valid_domains & placed)) {
			nvlf_pb_err(job, "invalid valid domains: 0x%08x\n",
				    job->bo[i].valid_domains);
			return -EINVAL;
		}
		job->wwr.objs[i] = buf->tbo->base.resv;
	}
	return 0;
}

/*
 * Validation order: buffers that must be in VRAM first, then those that
 * must be in GART, then those that may be in either, so that the
 * constrained ones get the room.
 */
static int nvlf_pb_class(const struct drm_nouveau_gem_pushbuf_bo *b)
{
	bool vram = b->valid_domains & NOUVEAU_GEM_DOMAIN_VRAM;
	bool gart = b->valid_domains & NOUVEAU_GEM_DOMAIN_GART;

	return vram && gart ? 2 : gart ? 1 : 0;
}

/*
 * Test builds of the test driver only (NVLF_NAIVE_MODE, job->naive): the
 * pre-fix nouveau wrote a corrected presumed entry back from inside its
 * validation loop, with every reservation held.  Tests use this to show
 * that they catch the pattern.  Never compiled into nouveau.ko.
 */
static void nvlf_pb_naive_presumed(struct nvlf_pb_job *job, unsigned int i)
{
#ifdef NVLF_NAIVE_MODE
	struct drm_nouveau_gem_pushbuf_bo __user *ubo =
		u64_to_user_ptr(job->req->buffers);

	if (job->naive)
		nvlf_reserve_copy_to_user(&job->wwr, &ubo[i].presumed,
					  &job->bo[i].presumed,
					  sizeof(job->bo[i].presumed));
#endif
}

/*
 * Test builds of the test driver only (NVLF_NAIVE_MODE, job->naive_errors):
 * the error paths as this engine had them before they were mended (a
 * driver's -EAGAIN taken for a copy that would fault, relocation mappings
 * left behind, presumed offsets written back after any failure), so that
 * tests can show that they catch each.  Never compiled into nouveau.ko.
 */
static bool nvlf_pb_naive_errors(const struct nvlf_pb_job *job)
{
#ifdef NVLF_NAIVE_MODE
	return job->naive_errors;
#else
	return false;
#endif
}

/* Step 2, after reserving: let the driver place every buffer. */
static int nvlf_pb_validate(struct nvlf_pb_job *job)
{
	unsigned int i;
	int class, ret;

	for (class = 0; class < 3; class++) {
		for (i = 0; i < job->req->nr_buffers; i++) {
			if (nvlf_pb_class(&job->bo[i]) != class)
				continue;
			ret = job->ops->validate(job, i);
			if (ret < 0)
				return ret;
			if (ret > 0) {
				job->need_relocs = true;
				nvlf_pb_naive_presumed(job, i);
			}
		}
	}
	return 0;
}

/*
 * Step 3, with every reservation held: get the relocation array without
 * faulting.  Returns NVLF_RESERVE_WOULD_FAULT when the slow path is needed.
 */
static int nvlf_pb_relocs_nofault(struct nvlf_pb_job *job)
{
	struct drm_nouveau_gem_pushbuf *req = job->req;
	int err = 0;

	if (job->reloc || !req->nr_relocs)
		return 0;
	job->reloc = nvlf_copy_array(job, req->relocs, req->nr_relocs,
				     sizeof(*job->reloc), &err);
	if (job->reloc)
		nvlf_count(job->stats->reloc_copy_nofault);
	return err;
}

/* Step 3, slow path, with nothing reserved: copy with faults enabled. */
static int nvlf_pb_relocs_slow(struct nvlf_pb_job *job)
{
	struct drm_nouveau_gem_pushbuf *req = job->req;
	int err = 0;

	WARN_ON(nvlf_reserve_held(&job->wwr) ||
		(job->reloc && !nvlf_pb_naive_errors(job)));
	nvlf_count(job->stats->reloc_slowpath);
	err = nvlf_pb_inject(job, NVLF_PB_RELOC_COPY, 0);
	if (err)
		return err;
	job->reloc = nvlf_copy_array(job, req->relocs, req->nr_relocs,
				     sizeof(*job->reloc), &err);
	return err;
}

/* Map buffer @i for writing; nvlf_pb_unlock() unmaps it. */
static int nvlf_pb_map(struct nvlf_pb_job *job, unsigned int i)
{
	struct nvlf_pb_buf *buf = &job->buf[i];
	int ret;

	if (buf->mapped)
		return 0;
	ret = nvlf_pb_inject(job, NVLF_PB_MAP, i);
	if (!ret)
		ret = ttm_bo_kmap(buf->tbo, 0, PFN_UP(buf->tbo->base.size),
				  &buf->kmap);
	if (ret) {
		nvlf_pb_err(job, "failed kmap for reloc\n");
		return ret;
	}
	buf->mapped = true;
	return 0;
}

/**
 * nvlf_pushbuf_wr32 - write a 32-bit word into a reserved buffer of a job
 * @job: the job, with every reservation held
 * @i: index of the buffer in the job's buffer list
 * @offset: byte offset in the buffer (aligned down to 4 bytes)
 * @value: the word
 *
 * Return: 0, -EINVAL when @offset is outside the buffer, or the error of
 * mapping it.
 */
int nvlf_pushbuf_wr32(struct nvlf_pb_job *job, unsigned int i, u64 offset,
		      u32 value)
{
	struct nvlf_pb_buf *buf = &job->buf[i];
	bool is_iomem;
	u8 *virt;
	int ret;

	if (offset + 4 > buf->tbo->base.size)
		return -EINVAL;
	ret = nvlf_pb_map(job, i);
	if (ret)
		return ret;

	virt = ttm_kmap_obj_virtual(&buf->kmap, &is_iomem);
	virt += offset & ~3ULL;
	/* Both in CPU byte order, as the GPU reads them. */
	if (is_iomem)
		memcpy_toio((void __force __iomem *)virt, &value, sizeof(value));
	else
		WRITE_ONCE(*(u32 *)virt, value);
	return 0;
}

/* The word relocation @r writes, from where its buffer really is. */
static u32 nvlf_reloc_value(const struct drm_nouveau_gem_pushbuf_reloc *r,
			    const struct drm_nouveau_gem_pushbuf_bo *b)
{
	u64 addr = b->presumed.offset + r->data;
	u32 v;

	if (r->flags & NOUVEAU_GEM_RELOC_LOW)
		v = lower_32_bits(addr);
	else if (r->flags & NOUVEAU_GEM_RELOC_HIGH)
		v = upper_32_bits(addr);
	else
		v = r->data;

	if (r->flags & NOUVEAU_GEM_RELOC_OR)
		v |= b->presumed.domain == NOUVEAU_GEM_DOMAIN_GART ?
			r->tor : r->vor;
	return v;
}

/* Step 4: patch the buffers from the kernel copy of the relocations. */
static int nvlf_pb_apply_relocs(struct nvlf_pb_job *job)
{
	struct drm_nouveau_gem_pushbuf *req = job->req;
	unsigned int i;

	for (i = 0; i < req->nr_relocs; i++) {
		const struct drm_nouveau_gem_pushbuf_reloc *r = &job->reloc[i];
		struct ttm_buffer_object *target;
		long idle;
		int ret;

		ret = nvlf_pb_inject(job, NVLF_PB_RELOC, i);
		if (ret)
			return ret;
		if (r->bo_index >= req->nr_buffers) {
			nvlf_pb_err(job, "reloc bo index invalid\n");
			return -EINVAL;
		}
		if (job->bo[r->bo_index].presumed.valid)
			continue;
		if (r->reloc_bo_index >= req->nr_buffers) {
			nvlf_pb_err(job, "reloc container bo index invalid\n");
			return -EINVAL;
		}

		target = job->buf[r->reloc_bo_index].tbo;
		if ((u64)r->reloc_bo_offset + 4 > target->base.size) {
			nvlf_pb_err(job, "reloc outside of bo\n");
			return -EINVAL;
		}

		/* The GPU may still read the word we are about to change. */
		idle = nvlf_resv_wait(target->base.resv, true, false,
				      NVLF_RELOC_IDLE_TIMEOUT);
		if (idle <= 0) {
			ret = idle ? idle : -EBUSY;
			nvlf_pb_err(job, "reloc wait_idle failed: %d\n", ret);
			return ret;
		}

		ret = nvlf_pushbuf_wr32(job, r->reloc_bo_index,
					r->reloc_bo_offset,
					nvlf_reloc_value(r, &job->bo[r->bo_index]));
		if (ret)
			return ret;
	}
	nvlf_count(job->stats->reloc_jobs);
	return 0;
}

/* Reserve every buffer of the job (pass @pass of the job's loop). */
static int nvlf_pb_lock(struct nvlf_pb_job *job, unsigned int pass)
{
	int ret = nvlf_pb_inject(job, NVLF_PB_LOCK, pass);

	if (!ret)
		ret = nvlf_reserve_lock_all(&job->wwr);
	if (ret == -EINVAL)
		nvlf_pb_err(job, "multiple instances of buffer 0x%08x on validation list\n",
			    job->bo[job->wwr.dup].handle);
	return ret;
}

/*
 * Undo nvlf_pb_lock(), on every path: fence every buffer if the job was
 * submitted, unmap what relocations or the driver mapped, unreserve.
 */
static void nvlf_pb_unlock(struct nvlf_pb_job *job)
{
	unsigned int i;

	for (i = 0; i < job->req->nr_buffers; i++) {
		struct nvlf_pb_buf *buf = &job->buf[i];

		if (job->submitted)
			job->ops->fence_buf(job, i);
		if (buf->mapped) {
			ttm_bo_kunmap(&buf->kmap);
			buf->mapped = false;
		}
	}
	nvlf_reserve_unlock_all(&job->wwr);
}

/*
 * Steps 2 to 4, up to submission.  Returns with every reservation held
 * and 0, or with nothing held (and nothing mapped) and an error.
 */
static int nvlf_pb_reserve_and_prepare(struct nvlf_pb_job *job)
{
	unsigned int pass = 0;
	int ret;

	for (;;) {
		ret = nvlf_pb_lock(job, pass++);
		if (ret)
			return ret;
		ret = nvlf_pb_validate(job);
		if (ret == -EAGAIN && nvlf_pb_naive_errors(job))
			ret = NVLF_RESERVE_WOULD_FAULT;
		if (ret < 0) {
			if (ret != -ERESTARTSYS)
				nvlf_pb_err(job, "validate: %d\n", ret);
			goto unlock;
		}
		if (!ret && !job->need_relocs)
			return 0;
		if (!ret)
			ret = nvlf_pb_relocs_nofault(job);
		if (ret != NVLF_RESERVE_WOULD_FAULT)
			break;

		/* Slow path: no reservation may be held while we fault. */
		nvlf_pb_unlock(job);
		ret = nvlf_pb_relocs_slow(job);
		if (ret)
			return ret;
	}
	if (ret)
		goto unlock;

	/* From here on, user space learns where its buffers are. */
	job->write_back = true;
	ret = nvlf_pb_apply_relocs(job);
	if (!ret)
		return 0;
	nvlf_pb_err(job, "reloc apply: %d\n", ret);
	if (nvlf_pb_naive_errors(job)) {
		nvlf_reserve_unlock_all(&job->wwr);	/* mappings left */
		return ret;
	}
unlock:
	nvlf_pb_unlock(job);
	return ret;
}

/*
 * Step 5, with nothing reserved: tell user space where the buffers whose
 * presumed offsets were wrong really are.
 */
static int nvlf_pb_write_presumed(struct nvlf_pb_job *job, int ret)
{
	struct drm_nouveau_gem_pushbuf_bo __user *ubo =
		u64_to_user_ptr(job->req->buffers);
	unsigned int i;

	WARN_ON(nvlf_reserve_held(&job->wwr));
	for (i = 0; i < job->req->nr_buffers; i++) {
		const struct drm_nouveau_gem_pushbuf_bo *b = &job->bo[i];

		if (b->presumed.valid)
			continue;
		if (!nvlf_reserve_copy_to_user(&job->wwr, &ubo[i].presumed,
					       &b->presumed, sizeof(b->presumed))) {
			nvlf_count(job->stats->presumed_written);
			continue;
		}

		/* The job ran: presumed is only a hint for the next one. */
		if (job->submitted && !job->strict_presumed) {
			nvlf_count(job->stats->presumed_swallowed);
			pr_warn_ratelimited("%s[%d]: presumed offsets not written back (buffer list no longer writable); job submitted anyway\n",
					    current->comm, task_pid_nr(current));
			return ret;
		}
		return ret ? ret : -EFAULT;
	}
	return ret;
}

static void nvlf_pb_cleanup(struct nvlf_pb_job *job)
{
	unsigned int i;

	if (job->buf) {
		for (i = 0; i < job->req->nr_buffers; i++)
			if (job->buf[i].gem)
				drm_gem_object_put(job->buf[i].gem);
	}
	nvlf_reserve_fini(&job->wwr);
	kvfree(job->buf);
	kvfree(job->reloc);
	kvfree(job->bo);
	kvfree(job->push);
}

/**
 * nvlf_pushbuf_run - run one GEM_PUSHBUF job
 * @job: the job; the driver has filled in @ops, @file, @req, @stats,
 *	@strict_presumed and @naive, and zeroed the rest
 *
 * Must be called with no reservation held.  job->req->nr_push must not be
 * zero (a call without pushes does nothing but report, which is the
 * driver's part).
 *
 * Return: 0, or a negative error code: -EINVAL for counts over the
 * limits, push or relocation indices out of range, a buffer listed twice,
 * a buffer without VRAM or GART in its valid domains, or a relocation
 * outside its buffer; -ENOENT for an unknown handle; -EFAULT for user
 * memory that cannot be read (or written, see @strict_presumed);
 * -ENOMEM; -ERESTARTSYS when a signal interrupted a wait; or what the
 * driver's steps return.
 */
int nvlf_pushbuf_run(struct nvlf_pb_job *job)
{
	int ret;

	ret = nvlf_pb_copy_in(job);
	if (!ret)
		ret = nvlf_pb_lookup(job);
	if (!ret)
		ret = nvlf_pb_reserve_and_prepare(job);
	if (!ret) {
		ret = job->ops->submit(job);
		nvlf_pb_unlock(job);
	}
	if (job->submitted)
		nvlf_count(job->stats->jobs);
	if (job->write_back ||
	    (job->need_relocs && nvlf_pb_naive_errors(job)))
		ret = nvlf_pb_write_presumed(job, ret);

	nvlf_pb_cleanup(job);
	return ret;
}
