/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvlf_common.h - helpers shared by the tests/prog programs that talk to
 * the nvlf_test driver (tests/kmod/nvlf_test.c): TAP output, device
 * lookup, nouveau uapi ioctl wrappers, debugfs counters, module
 * parameters, clocks, data patterns, SIGSEGV recovery and a watchdog.
 *
 * Header-only (static inline), so each program is one translation unit.
 * Include it after defining _GNU_SOURCE.
 *
 * Conventions: ioctl wrappers return 0 or -errno; every helper that can
 * fail writes what it saw into a caller's buffer or returns a value the
 * caller reports.  Nothing here prints except the TAP and diag helpers.
 */
#ifndef NVLF_COMMON_H
#define NVLF_COMMON_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before including nvlf_common.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <xf86drm.h>
#include <nouveau_drm.h>	/* libdrm's copy of the nouveau uapi */
#include "../kmod/nvlf_test_drm.h"

/* libdrm's nouveau_drm.h has the command numbers but not the requests. */
#ifndef DRM_IOCTL_NOUVEAU_GETPARAM
#define DRM_IOCTL_NOUVEAU_GETPARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_GETPARAM, struct drm_nouveau_getparam)
#endif
#ifndef DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC
#define DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_CHANNEL_ALLOC, struct drm_nouveau_channel_alloc)
#endif
#ifndef DRM_IOCTL_NOUVEAU_CHANNEL_FREE
#define DRM_IOCTL_NOUVEAU_CHANNEL_FREE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NOUVEAU_CHANNEL_FREE, struct drm_nouveau_channel_free)
#endif
#ifndef DRM_IOCTL_NOUVEAU_GEM_NEW
#define DRM_IOCTL_NOUVEAU_GEM_NEW \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_GEM_NEW, struct drm_nouveau_gem_new)
#endif
#ifndef DRM_IOCTL_NOUVEAU_GEM_PUSHBUF
#define DRM_IOCTL_NOUVEAU_GEM_PUSHBUF \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_GEM_PUSHBUF, struct drm_nouveau_gem_pushbuf)
#endif
#ifndef DRM_IOCTL_NOUVEAU_GEM_INFO
#define DRM_IOCTL_NOUVEAU_GEM_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_GEM_INFO, struct drm_nouveau_gem_info)
#endif

#define NV_PAGE		4096u
#define NV_VRAM		NOUVEAU_GEM_DOMAIN_VRAM
#define NV_GART		NOUVEAU_GEM_DOMAIN_GART
#define NV_CPU		NOUVEAU_GEM_DOMAIN_CPU
#define NV_PLACED	(NV_VRAM | NV_GART)

#define NVLF_DEBUGFS	"/sys/kernel/debug"
#define NVLF_TEST_STATS	NVLF_DEBUGFS "/nvlf_test/stats"
#define NVLF_TTM_STATS	NVLF_DEBUGFS "/nvlf_ttm/stats"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ TAP */

static pthread_mutex_t tap_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned int tap_num, tap_failed, tap_planned;

static inline void tap_plan(unsigned int n)
{
	tap_planned = n;
	printf("1..%u\n", n);
	fflush(stdout);
}

static inline void tap_vpoint(int ok, const char *directive, const char *fmt,
			      va_list ap)
{
	pthread_mutex_lock(&tap_mutex);
	tap_num++;
	if (!ok)
		tap_failed++;
	printf("%sok %u - ", ok ? "" : "not ", tap_num);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&tap_mutex);
}

/* One test point.  Returns @ok. */
__attribute__((format(printf, 2, 3)))
static inline int tap(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vpoint(ok, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

/* A skipped test point: "ok N - what # SKIP why". */
__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	char dir[512];
	va_list ap;

	snprintf(dir, sizeof(dir), "SKIP %s", why);
	va_start(ap, fmt);
	tap_vpoint(1, dir, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&tap_mutex);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&tap_mutex);
}

/* Emit failed points until @upto points exist (a test that stopped early). */
static inline void tap_pad(unsigned int upto, const char *test, const char *why)
{
	while (tap_num < upto)
		tap(0, "%s: point %u not reached (%s)", test, tap_num + 1,
		    why && *why ? why : "test stopped early");
}

static inline int tap_exit_status(void)
{
	if (tap_num != tap_planned) {
		diag("planned %u test points, ran %u", tap_planned, tap_num);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

/* First error of a test, kept for tap_pad() and for messages. */
struct errbuf {
	pthread_mutex_t lock;
	long count;
	char first[384];
};

#define ERRBUF_INIT { PTHREAD_MUTEX_INITIALIZER, 0, "" }

__attribute__((format(printf, 2, 3)))
static inline void err_add(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&e->lock);
	if (!e->count++) {
		va_start(ap, fmt);
		vsnprintf(e->first, sizeof(e->first), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&e->lock);
}

static inline void err_reset(struct errbuf *e)
{
	pthread_mutex_lock(&e->lock);
	e->count = 0;
	e->first[0] = '\0';
	pthread_mutex_unlock(&e->lock);
}

/* ----------------------------------------------------------------- time */

static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline double ns_to_ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ------------------------------------------------------------- patterns */

/* 32-bit word @idx of pattern @seed: differs on every word and seed. */
static inline uint32_t pat_word(uint64_t seed, uint64_t idx)
{
	uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ull ^
		     (idx + 1) * 0xd1b54a32d192ed03ull;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	return (uint32_t)(x ^ (x >> 32));
}

static inline void pat_fill(volatile uint32_t *p, size_t words, uint64_t seed,
			    uint64_t first_idx)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = pat_word(seed, first_idx + i);
}

/*
 * Compare @words words with a pattern.  Returns the number of wrong words;
 * the first is described in @msg.
 */
static inline size_t pat_check(const volatile uint32_t *p, size_t words,
			       uint64_t seed, uint64_t first_idx, char *msg,
			       size_t msglen)
{
	size_t i, bad = 0;

	if (msglen)
		msg[0] = '\0';
	for (i = 0; i < words; i++) {
		uint32_t want = pat_word(seed, first_idx + i);
		uint32_t got = p[i];

		if (got == want)
			continue;
		if (!bad++ && msglen)
			snprintf(msg, msglen,
				 "word %zu (byte 0x%zx): expected 0x%08x, got 0x%08x",
				 (size_t)(first_idx + i),
				 (size_t)(first_idx + i) * 4, want, got);
	}
	return bad;
}

/* xorshift64*, one state per thread */
static inline uint64_t rnd_next(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x2545f4914f6cdd1dull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* --------------------------------------------------------------- device */

struct nvdev {
	int fd;
	char path[64];
	char name[32];
	uint64_t chipset;
	int chan;		/* -1: none */
};

static inline int drv_name(int fd, char *name, size_t len)
{
	drmVersionPtr v = drmGetVersion(fd);

	if (!v)
		return -1;
	snprintf(name, len, "%s", v->name ? v->name : "");
	drmFreeVersion(v);
	return 0;
}

/*
 * Open @path, or the first /dev/dri/card* then renderD* node whose driver
 * is @want.  0, or -1 with what was seen in @err.
 */
static inline int nvdev_open(struct nvdev *d, const char *path,
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
			snprintf(err, errlen, "%s: drmGetVersion failed: not a DRM device?",
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

static inline void nv_kinject_report(void)
{
	diag("kinject: %ld ioctls under fault injection, %ld with an injected failure, %ld failed by it and were sent again",
	     atomic_load(&nv_kinject.calls), atomic_load(&nv_kinject.fired),
	     atomic_load(&nv_kinject.sent_again));
}

static inline void nv_kinject_setup(void)
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
static inline long nv_kinject_times(void)
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

/* this thread's make-it-fail, or -1 when injection is off */
static inline int nv_kinject_fd(void)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
	static __thread pid_t tid;
	static __thread int fd = -1;

	if (atomic_load(&nv_kinject.enabled) < 0) {
		pthread_mutex_lock(&once);
		if (atomic_load(&nv_kinject.enabled) < 0)
			nv_kinject_setup();
		pthread_mutex_unlock(&once);
	}
	if (!atomic_load(&nv_kinject.enabled))
		return -1;
	/* a forked child has its own task: its own file */
	if (tid != gettid()) {
		if (fd >= 0)
			close(fd);
		tid = gettid();
		fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	}
	return fd;
}

/*
 * Set make-it-fail.  Writing "0" runs under injection: fail_usercopy may
 * fail it, and nothing else can.  Returns the failed attempts.
 */
static inline long nv_kinject_set(int fd, bool on)
{
	long tries;

	for (tries = 0; tries < 100000; tries++)
		if (write(fd, on ? "1" : "0", 1) == 1)
			return tries;
	fprintf(stderr, "cannot set /proc/thread-self/make-it-fail to %d (NVLF_KINJECT=1): %s\n",
		on, strerror(errno));
	abort();
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
static inline bool nv_copy_checked(void *to, const void *from, size_t len)
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

static inline void nv_kinject_save(unsigned long req, const void *arg,
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

static inline void nv_kinject_restore(struct nv_kinject_list *l, bool put)
{
	if (!l->copy)
		return;
	if (put)
		nv_copy_checked(l->user, l->copy, l->len);
	free(l->copy);
}

/* an error the kernel's fault injection can cause in our ioctls */
static inline bool nv_kinject_errno(int e)
{
	return e == ENOMEM || e == EFAULT || e == EINTR || e == EAGAIN ||
	       e == ENOSPC || e == EBUSY;
}

/* ioctl that restarts on EINTR/EAGAIN; 0 or -errno */
static inline int nv_ioctl(int fd, unsigned long req, void *arg)
{
	int mif = nv_kinject_fd();
	struct nv_kinject_list list;
	bool fired, again;
	long before, own;
	int r, e;

	if (mif >= 0) {
		nv_kinject_save(req, arg, &list);
		before = nv_kinject_times();
		own = nv_kinject_set(mif, true);
		r = ioctl(fd, req, arg);
		e = errno;
		own += nv_kinject_set(mif, false);
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
static inline int nv_ioctl_once(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int nv_getparam(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nouveau_getparam g = { .param = param };
	int r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &g);

	if (!r)
		*value = g.value;
	return r;
}

static inline int nv_channel_alloc(int fd, int *chan)
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

static inline int nv_channel_free(int fd, int chan)
{
	struct drm_nouveau_channel_free f = { .channel = chan };

	return nv_ioctl(fd, DRM_IOCTL_NOUVEAU_CHANNEL_FREE, &f);
}

/* Open the nvlf_test device, read its chipset, allocate a channel. */
static inline int nvdev_setup(struct nvdev *d, const char *path, char *err,
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

/* ------------------------------------------------------------------ BOs */

struct nvbo {
	uint32_t handle;
	uint32_t domain;	/* as GEM_INFO reports it */
	uint64_t size;
	uint64_t offset;
	uint64_t map_handle;
};

static inline void bo_from_info(struct nvbo *bo,
				const struct drm_nouveau_gem_info *i)
{
	bo->handle = i->handle;
	bo->domain = i->domain;
	bo->size = i->size;
	bo->offset = i->offset;
	bo->map_handle = i->map_handle;
}

static inline int bo_new(int fd, uint32_t domain, uint64_t size,
			 struct nvbo *bo)
{
	struct drm_nouveau_gem_new n;
	int r;

	memset(&n, 0, sizeof(n));
	n.info.domain = domain;
	n.info.size = size;
	n.align = NV_PAGE;
	r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_NEW, &n);
	if (!r)
		bo_from_info(bo, &n.info);
	return r;
}

/* Refresh domain, offset, map_handle of @bo. */
static inline int bo_info(int fd, struct nvbo *bo)
{
	struct drm_nouveau_gem_info i;
	int r;

	memset(&i, 0, sizeof(i));
	i.handle = bo->handle;
	r = nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_INFO, &i);
	if (!r)
		bo_from_info(bo, &i);
	return r;
}

static inline int bo_close(int fd, struct nvbo *bo)
{
	struct drm_gem_close c = { .handle = bo->handle };
	int r;

	if (!bo->handle)
		return 0;
	r = nv_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
	bo->handle = 0;
	return r;
}

/* mmap the whole BO (at @fixed with MAP_FIXED if not NULL); NULL on error */
static inline void *bo_map_at(int fd, const struct nvbo *bo, void *fixed)
{
	void *p = mmap(fixed, bo->size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (fixed ? MAP_FIXED : 0), fd,
		       (off_t)bo->map_handle);

	return p == MAP_FAILED ? NULL : p;
}

static inline void *bo_map(int fd, const struct nvbo *bo)
{
	return bo_map_at(fd, bo, NULL);
}

static inline int bo_move(int fd, uint32_t handle, uint32_t domain,
			  uint64_t *offset)
{
	struct drm_nvlf_test_bo_move m = { .handle = handle, .domain = domain };
	int r = nv_ioctl(fd, DRM_IOCTL_NVLF_TEST_BO_MOVE, &m);

	if (!r && offset)
		*offset = m.offset;
	return r;
}

/*
 * Not restarted: an interrupted hold returns -EINTR.  @reserved_ns and
 * @released_ns (may be NULL): CLOCK_MONOTONIC when the driver took and
 * released the reservation.
 */
static inline int bo_hold_at(int fd, uint32_t handle, uint32_t ms,
			     int64_t *reserved_ns, int64_t *released_ns)
{
	struct drm_nvlf_test_bo_hold h = { .handle = handle, .ms = ms };
	int r = nv_ioctl_once(fd, DRM_IOCTL_NVLF_TEST_BO_HOLD, &h);

	if (reserved_ns)
		*reserved_ns = (int64_t)h.reserved_ns;
	if (released_ns)
		*released_ns = (int64_t)h.released_ns;
	return r;
}

static inline int bo_hold(int fd, uint32_t handle, uint32_t ms)
{
	return bo_hold_at(fd, handle, ms, NULL, NULL);
}

static inline const char *domain_name(uint32_t d)
{
	switch (d) {
	case NV_VRAM: return "VRAM";
	case NV_GART: return "GART";
	case NV_CPU: return "CPU";
	case 0: return "none";
	default: return "mixed";
	}
}

/* ------------------------------------------------------------ pushbufs */

static inline int nv_pushbuf(int fd, struct drm_nouveau_gem_pushbuf *req)
{
	return nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, req);
}

static inline uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The word a relocation writes when its buffer is at @p (the ABI rule). */
static inline uint32_t reloc_value(const struct drm_nouveau_gem_pushbuf_reloc *r,
				   const struct drm_nouveau_gem_pushbuf_bo_presumed *p)
{
	uint64_t addr = p->offset + r->data;
	uint32_t v;

	if (r->flags & NOUVEAU_GEM_RELOC_LOW)
		v = (uint32_t)addr;
	else if (r->flags & NOUVEAU_GEM_RELOC_HIGH)
		v = (uint32_t)(addr >> 32);
	else
		v = r->data;
	if (r->flags & NOUVEAU_GEM_RELOC_OR)
		v |= p->domain == NV_GART ? r->tor : r->vor;
	return v;
}

/* Fill a buffer-list entry for @bo, presumed right (valid=1). */
static inline void pb_entry(struct drm_nouveau_gem_pushbuf_bo *e,
			    const struct nvbo *bo)
{
	memset(e, 0, sizeof(*e));
	e->user_priv = bo->handle;
	e->handle = bo->handle;
	e->read_domains = NV_PLACED;
	e->valid_domains = NV_PLACED;
	e->presumed.valid = 1;
	e->presumed.domain = bo->domain;
	e->presumed.offset = bo->offset;
}

/* ------------------------------------------- debugfs counters, params */

/* Counter @name of a "name value" stats file; 0, or -1 if unreadable. */
static inline int stat_get(const char *file, const char *name, long *value)
{
	char line[256];
	size_t n = strlen(name);
	FILE *f = fopen(file, "re");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ' ') {
			*value = strtol(line + n + 1, NULL, 10);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* A counter read before and after something. */
struct stat_delta {
	const char *file;
	const char *name;
	long before;
	bool ok;
};

static inline void stat_begin(struct stat_delta *s, const char *file,
			      const char *name)
{
	s->file = file;
	s->name = name;
	s->before = 0;
	s->ok = !stat_get(file, name, &s->before);
}

/* Growth since stat_begin(); false if the counter cannot be read. */
static inline bool stat_end(struct stat_delta *s, long *delta)
{
	long now;

	if (!s->ok || stat_get(s->file, s->name, &now))
		return false;
	*delta = now - s->before;
	return true;
}

/* /sys/module/MOD/parameters/NAME into @buf (newline stripped); 0 or -1 */
static inline int param_read(const char *mod, const char *name, char *buf,
			     size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Y/1 -> 1, N/0 -> 0, unreadable -> -1 */
static inline int param_bool(const char *mod, const char *name)
{
	char b[32];

	if (param_read(mod, name, b, sizeof(b)))
		return -1;
	return b[0] == 'Y' || b[0] == 'y' || b[0] == '1';
}

static inline long param_long(const char *mod, const char *name, long dflt)
{
	char b[32];

	if (param_read(mod, name, b, sizeof(b)))
		return dflt;
	return strtol(b, NULL, 0);
}

/* ------------------------------------------------ SIGSEGV/SIGBUS recovery */

/*
 * A thread that touches memory which may vanish under it arms a jump
 * buffer; the handler jumps back with the signal number.  A signal with
 * no jump buffer armed is unexpected: it is counted, described on stderr
 * and the default action is restored, so the access kills the process.
 */
static __thread sigjmp_buf *volatile seg_jump;
static __thread volatile void *seg_addr;
static __thread volatile int seg_code;	/* si_code: SEGV_MAPERR, SEGV_ACCERR... */
static atomic_long seg_unarmed;

static inline void seg_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (seg_jump) {
		sigjmp_buf *jb = seg_jump;

		seg_jump = NULL;
		seg_addr = si->si_addr;
		seg_code = si->si_code;
		siglongjmp(*jb, sig);
	}
	atomic_fetch_add(&seg_unarmed, 1);
	{
		static const char m[] = "# unexpected SIGSEGV/SIGBUS outside a guarded access\n";
		ssize_t w = write(1, m, sizeof(m) - 1);

		(void)w;
	}
	signal(sig, SIG_DFL);
}

static inline void seg_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = seg_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* -------------------------------------------------------------- watchdog */

/*
 * One watchdog per program: if a test is still running @secs after
 * watchdog_arm(), print every thread's kernel stack (readable by root) and
 * "Bail out!", and exit 1.  A hang is the symptom these tests look for.
 */
static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond = PTHREAD_COND_INITIALIZER;
static int64_t wd_deadline;	/* CLOCK_REALTIME ns, 0 = disarmed */
static char wd_what[128];
static bool wd_started;

static inline void wd_dump_stacks(void)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char path[300], line[256];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stack",
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		printf("# thread %s kernel stack:\n", de->d_name);
		while (fgets(line, sizeof(line), f))
			printf("#   %s", line);
		fclose(f);
	}
	closedir(dir);
}

static inline void *wd_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wd_lock);
	for (;;) {
		struct timespec ts;
		int64_t now;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		if (wd_deadline && now >= wd_deadline) {
			printf("# watchdog: %s still running: hang or deadlock?\n",
			       wd_what);
			wd_dump_stacks();
			printf("Bail out! %s hung\n", wd_what);
			fflush(stdout);
			_exit(1);
		}
		if (wd_deadline) {
			ts.tv_sec = wd_deadline / 1000000000;
			ts.tv_nsec = wd_deadline % 1000000000;
			pthread_cond_timedwait(&wd_cond, &wd_lock, &ts);
		} else {
			pthread_cond_wait(&wd_cond, &wd_lock);
		}
	}
	return NULL;
}

static inline void watchdog_arm(unsigned int secs, const char *what)
{
	struct timespec ts;

	pthread_mutex_lock(&wd_lock);
	if (!wd_started) {
		pthread_t t;

		if (!pthread_create(&t, NULL, wd_thread, NULL)) {
			pthread_detach(t);
			wd_started = true;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	wd_deadline = ((int64_t)ts.tv_sec + secs) * 1000000000 + ts.tv_nsec;
	snprintf(wd_what, sizeof(wd_what), "%s (after %u s)", what, secs);
	pthread_cond_signal(&wd_cond);
	pthread_mutex_unlock(&wd_lock);
}

static inline void watchdog_disarm(void)
{
	pthread_mutex_lock(&wd_lock);
	wd_deadline = 0;
	pthread_cond_signal(&wd_cond);
	pthread_mutex_unlock(&wd_lock);
}

/*
 * A program's parts (tests or benchmark sections): each emits exactly
 * @points TAP points.
 */
struct nvlf_part {
	const char *name;
	unsigned int points;
	void (*fn)(void);
};

/*
 * Select the parts named in @only (comma-separated; NULL: all) into @sel
 * and return the number of TAP points they plan, or -1 (message printed)
 * for an unknown name.
 */
static inline int parts_select(const char *prog, const struct nvlf_part *p,
			       size_t n, const char *only, bool *sel)
{
	char *list, *tok, *save = NULL;
	unsigned int points = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sel[i] = !only;
	list = only ? strdup(only) : NULL;
	for (tok = list ? strtok_r(list, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n; i++)
			if (!strcmp(tok, p[i].name))
				break;
		if (i == n) {
			fprintf(stderr, "%s: unknown part %s\n", prog, tok);
			free(list);
			return -1;
		}
		sel[i] = true;
	}
	free(list);
	for (i = 0; i < n; i++)
		if (sel[i])
			points += p[i].points;
	return (int)points;
}

static inline void parts_usage(FILE *f, const char *prog,
			       const struct nvlf_part *p, size_t n)
{
	size_t i;

	fprintf(f, "usage: %s [--device PATH] [--only NAME[,NAME...]] [--list] [--help]\nparts:",
		prog);
	for (i = 0; i < n; i++)
		fprintf(f, " %s", p[i].name);
	fputc('\n', f);
}

/*
 * The options of a program made of parts: --device PATH (into *path),
 * --only NAME[,NAME...] (into @sel), --list, --help.  Returns the number
 * of TAP points the selected parts plan, or -1 when the program is to
 * exit with *status (0 after --list or --help, 2 on a usage error).
 */
static inline int parts_args(int argc, char **argv, const char *prog,
			     const struct nvlf_part *p, size_t n, bool *sel,
			     const char **path, int *status)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "only", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL;
	int opt, points;
	size_t i;

	*status = 0;
	while ((opt = getopt_long(argc, argv, "d:o:lh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			*path = optarg;
			break;
		case 'o':
			only = optarg;
			break;
		case 'l':
			for (i = 0; i < n; i++)
				printf("%s\n", p[i].name);
			return -1;
		case 'h':
			parts_usage(stdout, prog, p, n);
			return -1;
		default:
			parts_usage(stderr, prog, p, n);
			*status = 2;
			return -1;
		}
	}
	points = optind == argc ? parts_select(prog, p, n, only, sel) : -1;
	if (points < 0) {
		parts_usage(stderr, prog, p, n);
		*status = 2;
	}
	return points;
}

/*
 * Run the selected parts in order, each under the watchdog; @reset is
 * called before each (may be NULL) and @why gives the reason a part that
 * stopped early reports for its missing points.
 */
static inline void parts_run(const struct nvlf_part *p, size_t n,
			     const bool *sel, unsigned int watchdog_s,
			     void (*reset)(void), const char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int start = tap_num;

		if (!sel[i])
			continue;
		if (reset)
			reset();
		diag("--- %s", p[i].name);
		watchdog_arm(watchdog_s, p[i].name);
		p[i].fn();
		watchdog_disarm();
		tap_pad(start + p[i].points, p[i].name, why);
		if (tap_num > start + p[i].points)
			diag("BUG: %s emitted %u points, planned %u", p[i].name,
			     tap_num - start, p[i].points);
	}
}

#endif /* NVLF_COMMON_H */
