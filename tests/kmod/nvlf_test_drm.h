/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nvlf_test: a DRM driver without hardware that speaks a subset of
 * nouveau's uapi (drm/nouveau_drm.h: the same ioctl numbers and structs) on
 * TTM system-memory buffer objects, for tests only.
 *
 * Supported nouveau ioctls: GETPARAM (CHIPSET_ID, PCI_VENDOR, PCI_DEVICE,
 * BUS_TYPE, FB_SIZE, AGP_SIZE, GRAPH_UNITS, HAS_BO_USAGE, EXEC_PUSH_MAX),
 * CHANNEL_ALLOC, CHANNEL_FREE, GEM_NEW, GEM_PUSHBUF, GEM_CPU_PREP,
 * GEM_CPU_FINI, GEM_INFO.
 *
 * Domains: NOUVEAU_GEM_DOMAIN_VRAM and _GART are two TTM placements (VRAM
 * and TT), both backed by the same system pages, each with its own address
 * space, so a BO that changes domain changes offset.  A "job" of
 * GEM_PUSHBUF runs nothing: its relocations are applied to the BO contents
 * and a fence that signals after the module parameter exec_delay_us is
 * attached to every BO.  GETPARAM CHIPSET_ID answers NVLF_TEST_CHIPSET, a
 * pre-Tesla value: relocations apply as on NV04-NV4x.
 *
 * Test ioctls, in the driver range (below 0x60), above nouveau's:
 */
#ifndef NVLF_TEST_DRM_H
#define NVLF_TEST_DRM_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include <drm.h>
#endif

#if defined(__KERNEL__) && !defined(NVLF_HAVE_UAPI_NOUVEAU_ABI16)
/*
 * Before v6.6 these parts of nouveau's uapi were in nouveau's private
 * nouveau_abi16.h, not in <drm/nouveau_drm.h>: the same ABI, declared here
 * for the kernel side of the test driver.
 */
struct drm_nouveau_channel_alloc {
	__u32 fb_ctxdma_handle;
	__u32 tt_ctxdma_handle;
	__s32 channel;
	__u32 pushbuf_domains;
	__u32 notifier_handle;
	struct {
		__u32 handle;
		__u32 grclass;
	} subchan[8];
	__u32 nr_subchan;
};

struct drm_nouveau_channel_free {
	__s32 channel;
};

struct drm_nouveau_getparam {
	__u64 param;
	__u64 value;
};

#define NOUVEAU_GETPARAM_PCI_VENDOR	3
#define NOUVEAU_GETPARAM_PCI_DEVICE	4
#define NOUVEAU_GETPARAM_BUS_TYPE	5
#define NOUVEAU_GETPARAM_FB_SIZE	8
#define NOUVEAU_GETPARAM_AGP_SIZE	9
#define NOUVEAU_GETPARAM_CHIPSET_ID	11
#define NOUVEAU_GETPARAM_GRAPH_UNITS	13
#define NOUVEAU_GETPARAM_HAS_BO_USAGE	15
#define NOUVEAU_GETPARAM_EXEC_PUSH_MAX	17

#define DRM_IOCTL_NOUVEAU_GETPARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_GETPARAM, struct drm_nouveau_getparam)
#define DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_CHANNEL_ALLOC, struct drm_nouveau_channel_alloc)
#define DRM_IOCTL_NOUVEAU_CHANNEL_FREE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NOUVEAU_CHANNEL_FREE, struct drm_nouveau_channel_free)
#endif

#define NVLF_TEST_DRIVER_NAME "nvlf_test"
#define NVLF_TEST_CHIPSET 0x04

/*
 * BO_MOVE: move BO @handle to @domain (NOUVEAU_GEM_DOMAIN_VRAM, _GART or
 * _CPU for system memory).  Its CPU mappings are invalidated and fault
 * again; with the module parameter move_delay_us the move is pipelined
 * (a kernel fence the fault path must wait for).  @offset: the new offset.
 */
struct drm_nvlf_test_bo_move {
	__u32 handle;
	__u32 domain;
	__u64 offset;
};

/*
 * BO_HOLD: reserve BO @handle, keep the reservation for @ms milliseconds
 * (a signal ends it early: -EINTR), release it.  With the module parameter
 * naive=1 and @touch != 0, also write 4 bytes to user address @touch while
 * holding it: the pre-fix pattern, for tests that must catch it.
 * Out: @reserved_ns and @released_ns, CLOCK_MONOTONIC when the reservation
 * was taken and just before it was released (the bench measures a waiting
 * fault from the release, not from the ioctl's return).
 */
struct drm_nvlf_test_bo_hold {
	__u32 handle;
	__u32 ms;
	__u64 touch;
	__u64 reserved_ns;
	__u64 released_ns;
};

/*
 * INJECT: make one step of what follows fail, for the error-path tests.
 * @step: NVLF_TEST_STEP_* below (NVLF_TEST_STEP_NONE switches it off);
 * @index: which occurrence of the step (buffer k, relocation k, lock pass
 * k; NVLF_TEST_INDEX_ANY for every one); @error: the negative errno the
 * step returns instead of running; @times: how often to fire (0: until
 * switched off).  With @error -ERESTARTSYS the caller is also sent
 * SIGUSR2, as a signal that interrupts a wait would be: its handler runs
 * and, with SA_RESTART, the kernel restarts the ioctl with the same
 * argument.  Out: @fired, how often the setting it replaces fired.  The
 * setting is global to the device; tests set it from one thread.
 */
struct drm_nvlf_test_inject {
	__u32 step;
	__u32 index;
	__s32 error;
	__u32 times;
	__u32 fired;
	__u32 pad;
};

/* GEM_PUSHBUF, in its order (the engine's enum nvlf_pb_step, and ours) */
#define NVLF_TEST_STEP_NONE		0
#define NVLF_TEST_STEP_LOCK		1	/* reserving the buffers, pass k */
#define NVLF_TEST_STEP_VALIDATE		2	/* validating buffer k */
#define NVLF_TEST_STEP_RELOC_COPY	3	/* the slow path's copy of the relocations */
#define NVLF_TEST_STEP_MAP		4	/* mapping buffer k to write to it */
#define NVLF_TEST_STEP_RELOC		5	/* applying relocation k */
#define NVLF_TEST_STEP_SUBMIT		6	/* submitting the job */
/* the fault path: allocating the pages of a BO (ttm_tt_populate) */
#define NVLF_TEST_STEP_POPULATE		7
#define NVLF_TEST_INDEX_ANY		0xffffffffu

#define DRM_NVLF_TEST_BO_MOVE 0x50
#define DRM_NVLF_TEST_BO_HOLD 0x51
#define DRM_NVLF_TEST_INJECT 0x52

#define DRM_IOCTL_NVLF_TEST_BO_MOVE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVLF_TEST_BO_MOVE, struct drm_nvlf_test_bo_move)
#define DRM_IOCTL_NVLF_TEST_BO_HOLD \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVLF_TEST_BO_HOLD, struct drm_nvlf_test_bo_hold)
#define DRM_IOCTL_NVLF_TEST_INJECT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVLF_TEST_INJECT, struct drm_nvlf_test_inject)

#endif /* NVLF_TEST_DRM_H */
