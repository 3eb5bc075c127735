/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: the GEM_PUSHBUF engine, shared by nouveau and the test
 * driver.  The engine owns the order of operations (copy in, look up,
 * reserve, validate, relocate, submit, unreserve, write back); a driver
 * supplies what its hardware needs through struct nvlf_pb_ops.
 */
#ifndef NVLF_PUSHBUF_ENGINE_H
#define NVLF_PUSHBUF_ENGINE_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <drm/nouveau_drm.h>

#include "nvlf_compat.h"
#ifdef NVLF_HAVE_TTM_BO_H
#include <drm/ttm/ttm_bo.h>
#else
#include <drm/ttm/ttm_bo_api.h>
#endif

#include <nvlf/ww_reserve.h>

struct device;
struct drm_file;
struct drm_gem_object;
struct nvlf_pb_job;

/**
 * enum nvlf_pb_step - the engine's steps that can fail, for fault injection
 * @NVLF_PB_LOCK: reserving every buffer; occurrence k is the k-th pass (0
 *	first, 1 after the slow path, ...)
 * @NVLF_PB_RELOC_COPY: the slow path's copy of the relocation array
 * @NVLF_PB_MAP: mapping buffer k to write into it
 * @NVLF_PB_RELOC: applying relocation k
 *
 * The driver's own steps (&nvlf_pb_ops.validate, .submit) fail where the
 * driver makes them fail.
 */
enum nvlf_pb_step {
	NVLF_PB_LOCK = 1,
	NVLF_PB_RELOC_COPY,
	NVLF_PB_MAP,
	NVLF_PB_RELOC,
};

/**
 * struct nvlf_pb_buf - the engine's state for one entry of the buffer list
 * @gem: the GEM object the handle names (a reference is held)
 * @tbo: its TTM buffer object
 * @drv: the driver's per-buffer cookie, set by &nvlf_pb_ops.validate
 * @kmap: kernel mapping for relocations, valid while @mapped
 * @mapped: @kmap is set up
 */
struct nvlf_pb_buf {
	struct drm_gem_object *gem;
	struct ttm_buffer_object *tbo;
	void *drv;
	struct ttm_bo_kmap_obj kmap;
	bool mapped;
};

/**
 * struct nvlf_pb_ops - what a driver does at each step of a job
 * @to_ttm: the TTM BO of a GEM object of this driver
 * @validate: with every reservation held: place buffer @i as the job asks
 *	and order it after its pending work; when the buffer is not where
 *	job->bo[i].presumed says, update that entry (valid = 0) and return 1.
 *	Return 0 when presumed is right, or a negative error code.
 * @submit: with every reservation held and relocations applied: queue the
 *	pushes.  Set job->submitted once the job can no longer be taken back.
 *	Return 0 or a negative error code.
 * @fence_buf: with every reservation held, for a submitted job: make
 *	buffer @i wait for the job.
 * @inject: test builds only (NVLF_FAULT_INJECT): the error step @step
 *	returns at its occurrence @k instead of running, or 0 to run it.
 */
struct nvlf_pb_ops {
	struct ttm_buffer_object *(*to_ttm)(struct drm_gem_object *gem);
	int (*validate)(struct nvlf_pb_job *job, unsigned int i);
	int (*submit)(struct nvlf_pb_job *job);
	void (*fence_buf)(struct nvlf_pb_job *job, unsigned int i);
#ifdef NVLF_FAULT_INJECT
	int (*inject)(struct nvlf_pb_job *job, enum nvlf_pb_step step,
		      unsigned int k);
#endif
};

/**
 * struct nvlf_pb_stats - what the engine counts
 * @jobs: jobs submitted
 * @reloc_jobs: jobs whose relocations were applied
 * @reloc_copy_nofault: relocation arrays copied while reserved, without
 *	faulting
 * @reloc_slowpath: relocation copies that would have faulted: all
 *	reservations dropped, copied with faults enabled, reserved again
 * @presumed_written: presumed offsets written back to user memory
 * @presumed_swallowed: write-backs that failed after the job was submitted
 *	and were not reported (lockfix_strict_presumed=0)
 * @ww: the reservation helpers' counters
 */
struct nvlf_pb_stats {
	unsigned long jobs;
	unsigned long reloc_jobs;
	unsigned long reloc_copy_nofault;
	unsigned long reloc_slowpath;
	unsigned long presumed_written;
	unsigned long presumed_swallowed;
	struct nvlf_reserve_stats ww;
};

/**
 * struct nvlf_pb_job - one GEM_PUSHBUF call
 * @ops: the driver's steps
 * @file: the caller's DRM file, for handle lookup
 * @dev: the device the error messages name
 * @who: the client the error messages name (e.g. "comm[pid]")
 * @req: the ioctl argument, already in kernel memory
 * @stats: per-CPU counters to update
 * @strict_presumed: report a failed presumed write-back of a submitted job
 *	as -EFAULT instead of counting it
 * @naive: test driver only: copy user memory while reserved (pre-fix)
 * @naive_errors: test driver only: the error paths before they were
 *	mended (tests show that they catch them)
 * @push: kernel copy of the push array
 * @bo: kernel copy of the buffer array; presumed entries are updated here
 * @reloc: kernel copy of the relocation array, NULL until needed
 * @buf: per-buffer state, indexed like @bo
 * @wwr: the reservations of every buffer
 * @copied_in: the push and buffer arrays were read
 * @need_relocs: a presumed offset was wrong: relocations are needed
 * @write_back: the job got as far as applying relocations: the corrected
 *	presumed offsets are written back to user space, whatever happens
 *	next (a job that fails before leaves the buffer list untouched, so
 *	that sending it again relocates again)
 * @submitted: set by &nvlf_pb_ops.submit
 *
 * The driver fills @ops to @naive_errors and may embed the job in its own
 * structure; the engine owns the rest.
 */
struct nvlf_pb_job {
	const struct nvlf_pb_ops *ops;
	struct drm_file *file;
	struct device *dev;
	const char *who;
	struct drm_nouveau_gem_pushbuf *req;
	struct nvlf_pb_stats __percpu *stats;
	bool strict_presumed;
	bool naive;
	bool naive_errors;

	struct drm_nouveau_gem_pushbuf_push *push;
	struct drm_nouveau_gem_pushbuf_bo *bo;
	struct drm_nouveau_gem_pushbuf_reloc *reloc;
	struct nvlf_pb_buf *buf;
	struct nvlf_reserve wwr;
	bool copied_in;
	bool need_relocs;
	bool write_back;
	bool submitted;
};

/*
 * Why a job was refused, in upstream's words, naming the device and the
 * client; rate-limited, since user space can repeat it at will.
 */
#define nvlf_pb_err(job, fmt, ...)					\
	do {								\
		const struct nvlf_pb_job *_j = (job);			\
									\
		dev_err_ratelimited(_j->dev, "%s: " fmt, _j->who,	\
				    ##__VA_ARGS__);			\
	} while (0)

int nvlf_pushbuf_run(struct nvlf_pb_job *job);
int nvlf_pushbuf_wr32(struct nvlf_pb_job *job, unsigned int i, u64 offset,
		      u32 value);

#endif /* NVLF_PUSHBUF_ENGINE_H */
