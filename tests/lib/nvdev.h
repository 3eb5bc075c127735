/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvdev.h - a DRM device opened by driver name, the nouveau uapi ioctls
 * every test program needs, with the kernel's fault injection around them
 * when NVLF_KINJECT=1 (nvdev.c).  Wrappers return 0 or -errno.
 */
#ifndef NVLF_NVDEV_H
#define NVLF_NVDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm.h>		/* libdrm's copies of the uapi; no libdrm.a */
#include <nouveau_drm.h>
#include "../kmod/nvlf_test_drm.h"

/* libdrm's nouveau_drm.h has the command numbers but not the requests. */
#ifndef DRM_IOCTL_NOUVEAU_GETPARAM
#define NV_IOCTL(dir, nr, type) \
	dir(DRM_COMMAND_BASE + DRM_NOUVEAU_##nr, struct drm_nouveau_##type)
#define DRM_IOCTL_NOUVEAU_GETPARAM	NV_IOCTL(DRM_IOWR, GETPARAM, getparam)
#define DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC	NV_IOCTL(DRM_IOWR, CHANNEL_ALLOC, channel_alloc)
#define DRM_IOCTL_NOUVEAU_CHANNEL_FREE	NV_IOCTL(DRM_IOW, CHANNEL_FREE, channel_free)
#define DRM_IOCTL_NOUVEAU_GEM_NEW	NV_IOCTL(DRM_IOWR, GEM_NEW, gem_new)
#define DRM_IOCTL_NOUVEAU_GEM_PUSHBUF	NV_IOCTL(DRM_IOWR, GEM_PUSHBUF, gem_pushbuf)
#define DRM_IOCTL_NOUVEAU_GEM_INFO	NV_IOCTL(DRM_IOWR, GEM_INFO, gem_info)
#endif

#define NV_PAGE		4096u
#define NV_VRAM		NOUVEAU_GEM_DOMAIN_VRAM
#define NV_GART		NOUVEAU_GEM_DOMAIN_GART
#define NV_CPU		NOUVEAU_GEM_DOMAIN_CPU
#define NV_PLACED	(NV_VRAM | NV_GART)

struct nvdev {
	int fd;
	char path[64];
	char name[32];
	uint64_t chipset;
	int chan;		/* -1: none */
};

/* ioctl() retried on EINTR/EAGAIN, as libdrm's drmIoctl(); 0 or -1. */
int drm_ioctl(int fd, unsigned long request, void *arg);
/* The driver of DRM device @fd: its name, and a line about it; 0 or -1. */
int drm_describe(int fd, char *name, size_t len, char *desc, size_t dlen);
/* The driver name of DRM device @fd into @name; 0 or -1. */
int drv_name(int fd, char *name, size_t len);
/*
 * Open @path, or the first /dev/dri/card* then renderD* node whose driver
 * is @want (NULL: any).  0, or -1 with what was seen in @err.
 */
int nvdev_open(struct nvdev *d, const char *path, const char *want,
	       char *err, size_t errlen);
/* Open the nvlf_test device, read its chipset, allocate a channel. */
int nvdev_setup(struct nvdev *d, const char *path, char *err, size_t errlen);

/*
 * ioctl that restarts on EINTR/EAGAIN; 0 or -errno.  With NVLF_KINJECT=1
 * the call runs with the thread's make-it-fail set, and one that failed
 * by an injection is sent once more without it; a "# kinject: ..." line
 * at exit counts them (tests/guest/progs.sh "runinj").
 */
int nv_ioctl(int fd, unsigned long req, void *arg);
/*
 * This thread's /proc/thread-self/make-it-fail, opened on first use (and
 * again in a forked child); -1 when the kernel has no fault injection.
 */
int mif_fd(void);
/*
 * Set this thread's make-it-fail: its calls into the kernel fail as the
 * armed fault injection says (failslab, fail_page_alloc, fail_usercopy
 * with task-filter).  The write that clears it runs under injection and
 * may fail (fail_usercopy): tried again.  Returns the failed attempts;
 * aborts with a message that names @who when it cannot be set.
 */
long mif_set(bool on, const char *who);
/* ioctl without restart, for calls whose interruption is the point */
int nv_ioctl_once(int fd, unsigned long req, void *arg);
int nv_getparam(int fd, uint64_t param, uint64_t *value);
int nv_channel_alloc(int fd, int *chan);
int nv_channel_free(int fd, int chan);

#endif /* NVLF_NVDEV_H */
