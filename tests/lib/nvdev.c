// SPDX-License-Identifier: GPL-2.0
/*
 * nvdev.c - opening a DRM device by driver name, the nouveau uapi ioctls
 * every test program needs (GETPARAM, CHANNEL_ALLOC/FREE), and the
 * kernel's fault injection around them (NVLF_KINJECT=1).
 *
 * Conventions: ioctl wrappers return 0 or -errno.
 */
#define _GNU_SOURCE
#include "nvdev.h"
#include "tap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

/*
 * ioctl() restarted while it fails with EINTR or EAGAIN, as libdrm's
 * drmIoctl() does (the programs link no libdrm: Debian 11 has no
 * libdrm.a).  0, or -1 with errno.
 */
int drm_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, request, arg);
	while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/*
 * The driver of DRM device @fd: "NAME", and in @desc (if not NULL)
 * "NAME MAJOR.MINOR.PATCH (DESC)".  0, or -1 when @fd is not a DRM device.
 */
int drm_describe(int fd, char *name, size_t len, char *desc, size_t dlen)
{
	char n[64] = "", d[128] = "";
	struct drm_version v = {
		.name = n, .name_len = sizeof(n) - 1,
		.desc = d, .desc_len = sizeof(d) - 1,
	};

	if (drm_ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -1;
	n[v.name_len < sizeof(n) ? v.name_len : sizeof(n) - 1] = '\0';
	d[v.desc_len < sizeof(d) ? v.desc_len : sizeof(d) - 1] = '\0';
	snprintf(name, len, "%s", n);
	if (desc)
		snprintf(desc, dlen, "%s %d.%d.%d (%s)", n, v.version_major,
			 v.version_minor, v.version_patchlevel, d);
	return 0;
}

int drv_name(int fd, char *name, size_t len)
{
	return drm_describe(fd, name, len, NULL, 0);
}

/*
 * Open @path, or the first /dev/dri/card* then renderD* node whose driver
 * is @want.  0, or -1 with what was seen in @err.
 */
int nvdev_open(struct nvdev *d, const char *path,
	       const char *want, char *err, size_t errlen)
{
	static const char *const pfx[] = { "card", "renderD" };
	char seen[256] = "";
	unsigned int p, i;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->chan = -1;
	if (path) {
		d->fd = open(path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0) {
			snprintf(err, errlen, "open %s: %s", path,
				 strerror(errno));
			return -1;
		}
		snprintf(d->path, sizeof(d->path), "%s", path);
		if (drv_name(d->fd, d->name, sizeof(d->name))) {
			snprintf(err, errlen, "%s: DRM_IOCTL_VERSION failed: not a DRM device?",
				 path);
			close(d->fd);
			d->fd = -1;
			return -1;
		}
		if (want && strcmp(d->name, want)) {
			snprintf(err, errlen, "%s: driver is \"%s\", not \"%s\"",
				 path, d->name, want);
			close(d->fd);
			d->fd = -1;
			return -1;
		}
		return 0;
	}
	for (p = 0; p < ARRAY_SIZE(pfx); p++) {
		for (i = p ? 128 : 0; i < (p ? 192u : 64u); i++) {
			char dev[64], name[32];
			int fd;

			snprintf(dev, sizeof(dev), "/dev/dri/%s%u", pfx[p], i);
			fd = open(dev, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (drv_name(fd, name, sizeof(name)) ||
			    (want && strcmp(name, want))) {
				size_t n = strlen(seen);

				snprintf(seen + n, sizeof(seen) - n, " %s=%s",
					 dev, name);
				close(fd);
				continue;
			}
			d->fd = fd;
			snprintf(d->path, sizeof(d->path), "%s", dev);
			snprintf(d->name, sizeof(d->name), "%s", name);
			return 0;
		}
	}
	snprintf(err, errlen, "no /dev/dri node with driver \"%s\" (seen:%.150s)",
		 want ? want : "*", seen[0] ? seen : " none");
	return -1;
}

/*
 * The kernel's fault injection around nv_ioctl() (NVLF_KINJECT=1 in the
 * environment; failslab, fail_page_alloc and fail_usercopy armed with
 * task-filter by the caller, tests/guest/progs.sh "inject").  Only the
 * ioctl itself runs with the calling thread's make-it-fail set: user space
 * between the calls never sees an injected failure.  A call that fails
 * with an error injection can cause while an injection fired (the kinds'
 * "times" counted down) is sent once more without it, and that answer is
 * what the program checks: the same request sent again, after whatever
 * the failed attempt left behind, must give the correct result.
 */
static struct {
	atomic_int enabled;		/* -1: environment not read yet */
	atomic_long calls, fired, sent_again;
} nv_kinject = { .enabled = -1 };

static void nv_kinject_report(void)
{
	diag("kinject: %ld ioctls under fault injection, %ld with an injected failure, %ld failed by it and were sent again",
	     atomic_load(&nv_kinject.calls), atomic_load(&nv_kinject.fired),
	     atomic_load(&nv_kinject.sent_again));
}

static void nv_kinject_setup(void)
{
	const char *e = getenv("NVLF_KINJECT");

	if (e && !strcmp(e, "1"))
		atexit(nv_kinject_report);
	atomic_store(&nv_kinject.enabled, e && !strcmp(e, "1"));
}

/*
 * The sum of the kinds' "times", which counts down with every injected
 * failure.  debugfs attributes cannot be pread: opened each time.
 */
static long nv_kinject_times(void)
{
	static const char *const path[] = {
		"/sys/kernel/debug/failslab/times",
		"/sys/kernel/debug/fail_page_alloc/times",
		"/sys/kernel/debug/fail_usercopy/times",
	};
	char buf[32];
	long sum = 0;
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < 3; i++) {
		fd = open(path[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = 0;
			sum += strtol(buf, NULL, 10);
		}
	}
	return sum;
}

int mif_fd(void)
{
	static __thread pid_t tid;
	static __thread int fd = -1;

	/* a forked child has its own task: its own file */
	if (tid != gettid()) {
		if (fd >= 0)
			close(fd);
		tid = gettid();
		fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	}
	return fd;
}

long mif_set(bool on, const char *who)
{
	int fd = mif_fd();
	long tries;

	for (tries = 0; fd >= 0 && tries < 100000; tries++)
		if (write(fd, on ? "1" : "0", 1) == 1)
			return tries;
	fprintf(stderr, "%s: cannot set /proc/thread-self/make-it-fail to %d: %s\n",
		who, on, fd < 0 ? "cannot open it" : strerror(errno));
	abort();
}

/* whether NVLF_KINJECT=1 puts this program's ioctls under injection */
static bool nv_kinject_on(void)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;

	if (atomic_load(&nv_kinject.enabled) < 0) {
		pthread_mutex_lock(&once);
		if (atomic_load(&nv_kinject.enabled) < 0)
			nv_kinject_setup();
		pthread_mutex_unlock(&once);
	}
	return atomic_load(&nv_kinject.enabled) > 0;
}

/*
 * GEM_PUSHBUF's buffer list as first sent.  A call that failed after it
 * began relocating wrote presumed offsets back (as upstream does); the
 * request that must still work is the one first sent (nvlf_inject.c).
 * Copied through a pipe, by the kernel: a list at a bad address (the
 * bad-input tests) is left alone (-EFAULT), not a crash.
 */
struct nv_kinject_list {
	void *user, *copy;
	size_t len;
};

/* copy @len bytes from @from to @to; false if either is unreadable/unwritable */
static bool nv_copy_checked(void *to, const void *from, size_t len)
{
	int p[2];
	bool ok;

	if (pipe2(p, O_CLOEXEC))
		return false;
	ok = write(p[1], from, len) == (ssize_t)len &&
	     read(p[0], to, len) == (ssize_t)len;
	close(p[0]);
	close(p[1]);
	return ok;
}

static void nv_kinject_save(unsigned long req, const void *arg,
			    struct nv_kinject_list *l)
{
	const struct drm_nouveau_gem_pushbuf *pb = arg;

	memset(l, 0, sizeof(*l));
	if (req != DRM_IOCTL_NOUVEAU_GEM_PUSHBUF || !pb->nr_buffers ||
	    pb->nr_buffers > 1024)	/* 40 KiB: fits a pipe */
		return;
	l->user = (void *)(uintptr_t)pb->buffers;
	l->len = pb->nr_buffers * sizeof(struct drm_nouveau_gem_pushbuf_bo);
	l->copy = malloc(l->len);
	if (l->copy && !nv_copy_checked(l->copy, l->user, l->len)) {
		free(l->copy);
		l->copy = NULL;
	}
}

static void nv_kinject_restore(struct nv_kinject_list *l, bool put)
{
	if (!l->copy)
		return;
	if (put)
		nv_copy_checked(l->user, l->copy, l->len);
	free(l->copy);
}

/* an error the kernel's fault injection can cause in our ioctls */
static bool nv_kinject_errno(int e)
{
	return e == ENOMEM || e == EFAULT || e == EINTR || e == EAGAIN ||
	       e == ENOSPC || e == EBUSY;
}

/* ioctl that restarts on EINTR/EAGAIN; 0 or -errno */
int nv_ioctl(int fd, unsigned long req, void *arg)
{
	int mif = nv_kinject_on() ? mif_fd() : -1;
	struct nv_kinject_list list;
	bool fired, again;
	long before, own;
	int r, e;

	if (mif >= 0) {
		nv_kinject_save(req, arg, &list);
		before = nv_kinject_times();
		own = mif_set(true, "NVLF_KINJECT=1");
		r = ioctl(fd, req, arg);
		e = errno;
		own += mif_set(false, "NVLF_KINJECT=1");
		/* another thread's injections count too: sent again then */
		fired = before - nv_kinject_times() > own;
		atomic_fetch_add(&nv_kinject.calls, 1);
		atomic_fetch_add(&nv_kinject.fired, fired);
		again = r && fired && nv_kinject_errno(e);
		nv_kinject_restore(&list, again);
		if (!r)
			return 0;
		if (again)
			atomic_fetch_add(&nv_kinject.sent_again, 1);
		else if (e != EINTR && e != EAGAIN)
			return -e;
	}
	do {
		r = ioctl(fd, req, arg);
	} while (r == -1 && (errno == EINTR || errno == EAGAIN));
	return r ? -errno : 0;
}

/* ioctl without restart, for calls whose interruption is the point */
int nv_ioctl_once(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

int nv_getparam(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nouveau_getparam g = { .param = param };
	int r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &g);

	if (!r)
		*value = g.value;
	return r;
}

int nv_channel_alloc(int fd, int *chan)
{
	struct drm_nouveau_channel_alloc a;
	int r;

	memset(&a, 0, sizeof(a));
	a.fb_ctxdma_handle = 0xbeef0201;
	a.tt_ctxdma_handle = 0xbeef0202;
	r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &a);
	if (!r)
		*chan = a.channel;
	return r;
}

int nv_channel_free(int fd, int chan)
{
	struct drm_nouveau_channel_free f = { .channel = chan };

	return nv_ioctl(fd, DRM_IOCTL_NOUVEAU_CHANNEL_FREE, &f);
}

/* Open the nvlf_test device, read its chipset, allocate a channel. */
int nvdev_setup(struct nvdev *d, const char *path, char *err,
		size_t errlen)
{
	int r;

	if (nvdev_open(d, path, NVLF_TEST_DRIVER_NAME, err, errlen))
		return -1;
	r = nv_getparam(d->fd, NOUVEAU_GETPARAM_CHIPSET_ID, &d->chipset);
	if (r) {
		snprintf(err, errlen, "%s: GETPARAM CHIPSET_ID: %s", d->path,
			 strerror(-r));
		return -1;
	}
	r = nv_channel_alloc(d->fd, &d->chan);
	if (r) {
		snprintf(err, errlen, "%s: CHANNEL_ALLOC: %s", d->path,
			 strerror(-r));
		return -1;
	}
	return 0;
}
