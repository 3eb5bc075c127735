// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro - reproducer for the nouveau mmap/GEM_PUSHBUF lock inversion
 * (LKML 2013, "[RFC PATCH] drm/nouveau: fix nested locking in mmap
 * handler"), for testers and for the lockdep test tier of nouveau-lockfix.
 *
 * It makes GEM_PUSHBUF read its arrays from, and write presumed offsets
 * back to, a mapping of a buffer object (BO) of the same job, submits jobs
 * that list the same BOs in opposite orders, faults on BO mappings from
 * other threads while jobs run and (on the nvlf_test driver) moves BOs
 * between VRAM and GART meanwhile.  A kernel with the bug deadlocks (the
 * watchdog then prints every thread's kernel stack and "Bail out!") or,
 * with lockdep, reports a circular locking dependency in the kernel log;
 * a fixed kernel passes every check.  Output is TAP.
 *
 * One self-contained file (testers build it alone):
 *   cc -std=gnu11 -O2 -Wall -Wextra -I/usr/include/libdrm -pthread -static \
 *      -o nvlf-repro nvlf-repro.c -ldrm
 * or: make -C tools O=DIR  ->  DIR/nvlf-repro
 *
 * Run it as root for the kernel counters (debugfs) and module parameters.
 * See usage() for the options and scenarios.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
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
#include <sys/types.h>

#include <xf86drm.h>
#include <nouveau_drm.h>	/* libdrm's copy of the nouveau uapi */

/* ---------------------------------------------------------------- uapi */

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
#ifndef NOUVEAU_FIFO_ENGINE_GR
#define NOUVEAU_FIFO_ENGINE_GR 0x01	/* Kepler+ CHANNEL_ALLOC engine */
#endif

/*
 * The nvlf_test driver's test ioctl BO_MOVE: a copy of
 * tests/kmod/nvlf_test_drm.h, which this file must not need.  tools/Makefile
 * checks that REPRO_BO_MOVE_NR equals DRM_NVLF_TEST_BO_MOVE there.
 */
#define REPRO_TEST_DRIVER "nvlf_test"
#define REPRO_BO_MOVE_NR 0x50
struct repro_bo_move {
	uint32_t handle;
	uint32_t domain;
	uint64_t offset;
};
#define DRM_IOCTL_REPRO_BO_MOVE \
	DRM_IOWR(DRM_COMMAND_BASE + REPRO_BO_MOVE_NR, struct repro_bo_move)

#define PG		4096u
#define VRAM		NOUVEAU_GEM_DOMAIN_VRAM
#define GART		NOUVEAU_GEM_DOMAIN_GART
#define CPU		NOUVEAU_GEM_DOMAIN_CPU
#define PLACED		(VRAM | GART)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ----------------------------------------------------------------- TAP */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int tap_num, tap_failed, tap_planned;

static void tap_vpoint(int ok, const char *directive, const char *fmt,
		       va_list ap)
{
	pthread_mutex_lock(&out_lock);
	tap_num++;
	if (!ok)
		tap_failed++;
	printf("%sok %u - ", ok ? "" : "not ", tap_num);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

__attribute__((format(printf, 2, 3)))
static int tap(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vpoint(ok, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

__attribute__((format(printf, 2, 3)))
static void tap_skip(const char *why, const char *fmt, ...)
{
	char d[400];
	va_list ap;

	snprintf(d, sizeof(d), "SKIP %s", why);
	va_start(ap, fmt);
	tap_vpoint(1, d, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

struct errbuf {
	pthread_mutex_t lock;
	long count;
	char first[400];
};

__attribute__((format(printf, 2, 3)))
static void err_add(struct errbuf *e, const char *fmt, ...)
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

static void err_init(struct errbuf *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
}

/* "" or "; first: ..." for a message */
static const char *err_first(const struct errbuf *e, char *buf, size_t len)
{
	if (!e->count)
		return "";
	snprintf(buf, len, "; first: %s", e->first);
	return buf;
}

/* ------------------------------------------------------ time, patterns */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint32_t pat_word(uint64_t seed, uint64_t idx)
{
	uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ull ^
		     (idx + 1) * 0xd1b54a32d192ed03ull;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	return (uint32_t)(x ^ (x >> 32));
}

/* ---------------------------------------------------- counters, params */

static char stats_drv[96];	/* the driver's nvlf stats file */
#define STATS_TTM "/sys/kernel/debug/nvlf_ttm/stats"

static int stat_get(const char *file, const char *name, long *value)
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

/* A set of counters read before and after a scenario. */
#define MAX_CTR 12
struct ctrs {
	const char *file[MAX_CTR];
	const char *name[MAX_CTR];
	long before[MAX_CTR];
	bool ok[MAX_CTR];
	int n;
};

static void ctr_add(struct ctrs *c, const char *file, const char *name)
{
	if (c->n == MAX_CTR)
		return;
	c->file[c->n] = file;
	c->name[c->n] = name;
	c->ok[c->n] = !stat_get(file, name, &c->before[c->n]);
	c->n++;
}

/* Growth of counter @name; false if it cannot be read. */
static bool ctr_delta(const struct ctrs *c, const char *name, long *d)
{
	long now;
	int i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->name[i], name))
			continue;
		if (!c->ok[i] || stat_get(c->file[i], name, &now))
			return false;
		*d = now - c->before[i];
		return true;
	}
	return false;
}

static void ctr_diag(const struct ctrs *c, const char *what)
{
	char line[600] = "";
	size_t len = 0;
	long d;
	int i;

	for (i = 0; i < c->n; i++) {
		if (!ctr_delta(c, c->name[i], &d))
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %+ld",
					c->name[i], d);
		if (len >= sizeof(line))
			break;
	}
	diag("%s counters:%s", what, line[0] ? line : " (debugfs not readable)");
}

static int param_bool(const char *mod, const char *name)
{
	char path[200], b[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(b, sizeof(b), f))
		b[0] = '\0';
	fclose(f);
	return b[0] == 'Y' || b[0] == 'y' || b[0] == '1';
}

/* ------------------------------------------------------------ watchdog */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond = PTHREAD_COND_INITIALIZER;
static int64_t wd_deadline;	/* CLOCK_REALTIME ns; 0: disarmed */
static char wd_what[128];
static bool wd_started;

static void dump_stacks(void)
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

static void *wd_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wd_lock);
	for (;;) {
		struct timespec ts;
		int64_t now;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		if (wd_deadline && now >= wd_deadline) {
			printf("# watchdog: %s: still running; a deadlock?\n",
			       wd_what);
			dump_stacks();
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

static void watchdog_arm(unsigned int secs, const char *what)
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

static void watchdog_disarm(void)
{
	pthread_mutex_lock(&wd_lock);
	wd_deadline = 0;
	pthread_cond_signal(&wd_cond);
	pthread_mutex_unlock(&wd_lock);
}

/* A SIGBUS/SIGSEGV here is a failure: say so in TAP before dying. */
static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	char m[160];
	int n;

	(void)uc;
	n = snprintf(m, sizeof(m),
		     "Bail out! signal %d (%s) at address %p: a fault on a BO mapping failed?\n",
		     sig, sig == SIGBUS ? "SIGBUS" : "SIGSEGV", si->si_addr);
	if (n > 0 && write(1, m, (size_t)n) < 0)
		n = 0;
	_exit(1);
}

/* -------------------------------------------------------------- device */

static struct {
	const char *device;
	bool submit;
	bool reject;
	long stress_s;
	int threads;
	int iterations;
	unsigned int timeout;
	bool injected;
} opt = { NULL, false, false, 0, 2, 100, 300, false };

/*
 * --injected: an error the kernel's fault injection (failslab,
 * fail_page_alloc, fail_usercopy) can cause, which the stress run accepts;
 * what the ioctls leave behind is still checked.
 */
static bool injected(int rc)
{
	return opt.injected &&
	       (rc == -ENOMEM || rc == -EFAULT || rc == -EINTR ||
		rc == -EBUSY || rc == -EAGAIN || rc == -ENOSPC);
}

/*
 * --injected: the PUSHBUF and BO_MOVE calls of the stress run's submitters
 * and mover run with their thread's make-it-fail set, so that what the
 * caller armed (failslab, fail_page_alloc, fail_usercopy with task-filter)
 * fails inside those calls and nowhere else: user space between the calls,
 * the faulters and the setup never see an injected failure.  The write
 * that sets it may itself be failed by fail_usercopy: tried again.  The
 * test programs' twin is nv_kinject_set() in tests/prog/nvlf_common.h;
 * this file stays self-contained so that testers can build it alone.
 */
static __thread int mif_fd = -1;

static void make_it_fail(bool on)
{
	int tries;

	if (mif_fd < 0)
		return;
	for (tries = 0; tries < 100000; tries++)
		if (write(mif_fd, on ? "1" : "0", 1) == 1)
			return;
	fprintf(stderr, "nvlf-repro: --injected: cannot set /proc/thread-self/make-it-fail to %d: %s\n",
		on, strerror(errno));
	abort();
}

/* this thread's calls from now on run under fault injection */
static void inject_this_thread(void)
{
	if (opt.injected && mif_fd < 0)
		mif_fd = open("/proc/thread-self/make-it-fail",
			      O_WRONLY | O_CLOEXEC);
}

static struct {
	int fd;
	char path[64];
	char name[32];
	bool test;		/* nvlf_test */
	bool nouveau;
	uint64_t chipset;
	int chan;
	bool reject;		/* nouveau without --submit: jobs end in -EINVAL */
	bool relocs;		/* the kernel applies relocations */
	uint32_t push_len;
	const char *module;	/* for /sys/module/MODULE/parameters */
} D = { .fd = -1, .chan = -1 };

static int xioctl(unsigned long req, void *arg)
{
	int r;

	do {
		make_it_fail(true);
		r = ioctl(D.fd, req, arg);
		make_it_fail(false);
	} while (r == -1 && (errno == EINTR || errno == EAGAIN));
	return r ? -errno : 0;
}

static int drv_name(int fd, char *name, size_t len)
{
	drmVersionPtr v = drmGetVersion(fd);

	if (!v)
		return -1;
	snprintf(name, len, "%s", v->name ? v->name : "");
	drmFreeVersion(v);
	return 0;
}

static bool wanted_driver(const char *n)
{
	return !strcmp(n, "nouveau") || !strcmp(n, REPRO_TEST_DRIVER);
}

static int dev_open(char *err, size_t len)
{
	static const char *const pfx[] = { "card", "renderD" };
	char seen[300] = "";
	unsigned int p, i;

	if (opt.device) {
		D.fd = open(opt.device, O_RDWR | O_CLOEXEC);
		if (D.fd < 0) {
			snprintf(err, len, "open %s: %s", opt.device,
				 strerror(errno));
			return -1;
		}
		if (drv_name(D.fd, D.name, sizeof(D.name)) ||
		    !wanted_driver(D.name)) {
			snprintf(err, len,
				 "%s: driver \"%s\" is neither nouveau nor %s",
				 opt.device, D.name, REPRO_TEST_DRIVER);
			return -1;
		}
		snprintf(D.path, sizeof(D.path), "%s", opt.device);
		return 0;
	}
	for (p = 0; p < ARRAY_SIZE(pfx); p++) {
		for (i = p ? 128 : 0; i < (p ? 192u : 64u); i++) {
			char dev[64], name[32] = "";
			int fd;

			snprintf(dev, sizeof(dev), "/dev/dri/%s%u", pfx[p], i);
			fd = open(dev, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (drv_name(fd, name, sizeof(name)) ||
			    !wanted_driver(name)) {
				size_t n = strlen(seen);

				snprintf(seen + n, sizeof(seen) - n, " %s=%s",
					 dev, name);
				close(fd);
				continue;
			}
			D.fd = fd;
			snprintf(D.path, sizeof(D.path), "%s", dev);
			snprintf(D.name, sizeof(D.name), "%s", name);
			return 0;
		}
	}
	snprintf(err, len,
		 "no /dev/dri/card* or renderD* with driver nouveau or %s (seen:%s); use --device",
		 REPRO_TEST_DRIVER, seen[0] ? seen : " none");
	return -1;
}

static int chan_try(uint32_t fb, uint32_t tt)
{
	struct drm_nouveau_channel_alloc a;
	int r;

	memset(&a, 0, sizeof(a));
	a.fb_ctxdma_handle = fb;
	a.tt_ctxdma_handle = tt;
	r = xioctl(DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &a);
	if (!r)
		D.chan = a.channel;
	return r;
}

/* libdrm's ways: Kepler+ names an engine, older GPUs two ctxdma handles */
static int chan_alloc(void)
{
	bool kepler = D.nouveau && D.chipset >= 0xe0;
	int r;

	r = kepler ? chan_try(~0u, NOUVEAU_FIFO_ENGINE_GR) :
		     chan_try(0xbeef0201, 0xbeef0202);
	if (r)
		r = kepler ? chan_try(0xbeef0201, 0xbeef0202) :
			     chan_try(~0u, NOUVEAU_FIFO_ENGINE_GR);
	return r;
}

static int dev_setup(char *err, size_t len)
{
	struct drm_nouveau_getparam g = { .param = NOUVEAU_GETPARAM_CHIPSET_ID };
	int r;

	if (dev_open(err, len))
		return -1;
	D.test = !strcmp(D.name, REPRO_TEST_DRIVER);
	D.nouveau = !D.test;
	D.module = D.test ? REPRO_TEST_DRIVER : "nouveau";
	snprintf(stats_drv, sizeof(stats_drv), "/sys/kernel/debug/%s/stats",
		 D.test ? REPRO_TEST_DRIVER : "nvlf_nouveau");
	r = xioctl(DRM_IOCTL_NOUVEAU_GETPARAM, &g);
	if (r) {
		snprintf(err, len, "%s (%s): GETPARAM CHIPSET_ID: %s", D.path,
			 D.name, strerror(-r));
		return -1;
	}
	D.chipset = g.value;
	r = chan_alloc();
	if (r) {
		snprintf(err, len, "%s (%s): CHANNEL_ALLOC: %s", D.path, D.name,
			 strerror(-r));
		return -1;
	}
	D.reject = (D.nouveau && !opt.submit) || opt.reject;
	/* nouveau relocates only for GPUs without a VM (before NV50) */
	D.relocs = !D.reject && (D.test || D.chipset < 0x50);
	D.push_len = D.test ? 8 : 0;
	return 0;
}

/* ----------------------------------------------------------------- BOs */

struct bo {
	uint32_t handle;
	uint32_t domain;
	uint64_t size;
	uint64_t offset;
	uint64_t map_handle;
};

static void bo_set(struct bo *b, const struct drm_nouveau_gem_info *i)
{
	b->handle = i->handle;
	b->domain = i->domain;
	b->size = i->size;
	b->offset = i->offset;
	b->map_handle = i->map_handle;
}

static int bo_new(uint32_t domain, unsigned int pages, struct bo *b)
{
	struct drm_nouveau_gem_new n;
	int r;

	memset(&n, 0, sizeof(n));
	/* real nouveau: GART, which any GPU can map for the CPU */
	n.info.domain = D.test ? domain : GART;
	n.info.size = (uint64_t)pages * PG;
	n.align = PG;
	r = xioctl(DRM_IOCTL_NOUVEAU_GEM_NEW, &n);
	if (!r)
		bo_set(b, &n.info);
	return r;
}

static int bo_info(struct bo *b)
{
	struct drm_nouveau_gem_info i;
	int r;

	memset(&i, 0, sizeof(i));
	i.handle = b->handle;
	r = xioctl(DRM_IOCTL_NOUVEAU_GEM_INFO, &i);
	if (!r)
		bo_set(b, &i);
	return r;
}

static void bo_close(struct bo *b)
{
	struct drm_gem_close c = { .handle = b->handle };

	if (b->handle)
		xioctl(DRM_IOCTL_GEM_CLOSE, &c);
	b->handle = 0;
}

static void *bo_map(const struct bo *b, void *fixed)
{
	void *p = mmap(fixed, b->size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (fixed ? MAP_FIXED : 0), D.fd,
		       (off_t)b->map_handle);

	return p == MAP_FAILED ? NULL : p;
}

static const char *dom_name(uint32_t d)
{
	switch (d) {
	case VRAM: return "VRAM";
	case GART: return "GART";
	case CPU: return "CPU";
	default: return "?";
	}
}

static uint32_t reloc_value(const struct drm_nouveau_gem_pushbuf_reloc *r,
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
		v |= p->domain == GART ? r->tor : r->vor;
	return v;
}

/* ------------------------------------------------------------- world */

/*
 * The shared BOs of a scenario.  Layout of each (SH_PAGES pages):
 *   pages 0..15   four faulter regions of 4 pages (faulter f: 4f..4f+3)
 *   page 16       relocation slots: submitter s writes words 16s, 16s+1
 *   pages 17..19  unused
 * A nested submitter also has its own "meta" BO (META_PAGES pages):
 *   page 0        push array         page 1   buffer list
 *   pages 19..20  relocation array, across the page boundary
 *   page 30       relocation targets in the meta BO itself
 * Faulting in page 0 maps at most 16 pages (TTM_BO_VM_NUM_PREFAULT), so
 * the relocation array is not mapped when the kernel reads it with
 * reservations held unless it was touched first.
 */
#define NSHARED		4
#define SH_PAGES	20
#define REGION_PAGES	4
#define NFAULTERS	4
#define SLOT_PAGE	16
#define MAX_SUBS	16
#define META_PAGES	32
#define META_PUSH	0
#define META_BUF	(1 * PG + 0x100)
#define META_RELOC	(20 * PG - 2 * sizeof(struct drm_nouveau_gem_pushbuf_reloc))
#define META_TGT	(30 * PG)
#define MAX_ENT		(NSHARED + 2)	/* meta + shared + duplicate */
#define RELOCS_PER_ENT	2
#define MAX_RELOCS	((NSHARED + 1) * RELOCS_PER_ENT)
#define OBJ_META	NSHARED		/* object index of the meta BO */

struct world {
	struct bo sh[NSHARED];
	uint32_t *map[NSHARED];
	bool moving;		/* a mover runs: placements change */
	atomic_int stop;
};

static int world_init(struct world *w, char *err, size_t len)
{
	static const uint32_t dom[NSHARED] = { VRAM, GART, VRAM, GART };
	int i, r;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < NSHARED; i++) {
		r = bo_new(dom[i], SH_PAGES, &w->sh[i]);
		if (r) {
			snprintf(err, len, "GEM_NEW %s %u pages: %s",
				 dom_name(dom[i]), SH_PAGES, strerror(-r));
			return -1;
		}
		w->map[i] = bo_map(&w->sh[i], NULL);
		if (!w->map[i]) {
			snprintf(err, len, "mmap of BO %u: %s", w->sh[i].handle,
				 strerror(errno));
			return -1;
		}
		/* every word known: zero, then the owners write theirs */
		memset(w->map[i], 0, w->sh[i].size);
	}
	return 0;
}

static void world_fini(struct world *w)
{
	int i;

	for (i = 0; i < NSHARED; i++) {
		if (w->map[i])
			munmap(w->map[i], w->sh[i].size);
		bo_close(&w->sh[i]);
	}
}

/* ---------------------------------------------------------- submitter */

enum pmode { PM_WRONG, PM_LAST, PM_ALT };

struct sub {
	struct world *w;
	int id;			/* relocation slot */
	bool reverse;		/* shared BOs listed in reverse order */
	bool nested;		/* arrays in a mapping of the meta BO */
	enum pmode pmode;
	long iters;		/* 0: until w->stop */
	pthread_t th;

	struct bo meta;
	uint8_t *mmeta;
	/* last real placement per object (shared 0..3, meta) */
	struct drm_nouveau_gem_pushbuf_bo_presumed last[NSHARED + 1];
	/* what must be in each relocation target at the end */
	uint32_t final[NSHARED + 1][RELOCS_PER_ENT];

	long jobs, slow_layout, fast_layout;
	long injected;		/* jobs failed by fault injection */
	long unknown;		/* words a failed write-back left unknown */
	struct errbuf e_rc, e_presumed, e_reloc;
};

static struct bo *obj_bo(struct sub *s, int obj)
{
	return obj == OBJ_META ? &s->meta : &s->w->sh[obj];
}

static volatile uint32_t *obj_word(struct sub *s, int obj, int j)
{
	if (obj == OBJ_META)
		return (volatile uint32_t *)(s->mmeta + META_TGT) + j;
	return s->w->map[obj] + (SLOT_PAGE * PG) / 4 + s->id * 16 + j;
}

static uint32_t obj_word_offset(struct sub *s, int obj, int j)
{
	if (obj == OBJ_META)
		return META_TGT + 4 * (uint32_t)j;
	return SLOT_PAGE * PG + 4 * (uint32_t)(s->id * 16 + j);
}

static void sub_init(struct sub *s, struct world *w, int id)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->w = w;
	s->id = id;
	err_init(&s->e_rc);
	err_init(&s->e_presumed);
	err_init(&s->e_reloc);
	for (i = 0; i < NSHARED; i++) {
		s->last[i].valid = 1;
		s->last[i].domain = w->sh[i].domain;
		s->last[i].offset = w->sh[i].offset;
	}
}

static int sub_make_nested(struct sub *s, char *err, size_t len)
{
	int r = bo_new(GART, META_PAGES, &s->meta);

	s->nested = true;
	if (r) {
		snprintf(err, len, "GEM_NEW meta BO: %s", strerror(-r));
		return -1;
	}
	s->mmeta = bo_map(&s->meta, NULL);
	if (!s->mmeta) {
		snprintf(err, len, "mmap meta BO: %s", strerror(errno));
		return -1;
	}
	memset(s->mmeta, 0, s->meta.size);
	s->last[OBJ_META].valid = 1;
	s->last[OBJ_META].domain = s->meta.domain;
	s->last[OBJ_META].offset = s->meta.offset;
	return 0;
}

static void sub_fini(struct sub *s)
{
	if (s->mmeta)
		munmap(s->mmeta, s->meta.size);
	s->mmeta = NULL;
	bo_close(&s->meta);
}

static bool sub_done(struct sub *s, long it)
{
	if (s->iters)
		return it >= s->iters || atomic_load(&s->w->stop) > 1;
	return atomic_load(&s->w->stop) != 0;
}

/* One job, checked.  @it: iteration number. */
static void sub_job(struct sub *s, long it)
{
	static const uint32_t ftab[] = {
		NOUVEAU_GEM_RELOC_LOW, NOUVEAU_GEM_RELOC_HIGH,
		NOUVEAU_GEM_RELOC_LOW | NOUVEAU_GEM_RELOC_OR,
		NOUVEAU_GEM_RELOC_HIGH | NOUVEAU_GEM_RELOC_OR, 0,
		NOUVEAU_GEM_RELOC_OR,
	};
	struct drm_nouveau_gem_pushbuf_push lpush[1], *push = lpush;
	struct drm_nouveau_gem_pushbuf_bo lbo[MAX_ENT], *ent = lbo,
		sent[MAX_ENT];
	struct drm_nouveau_gem_pushbuf_reloc lrel[MAX_RELOCS], *rel = lrel;
	struct drm_nouveau_gem_pushbuf req;
	uint32_t poison[MAX_RELOCS];
	int obj[MAX_ENT], nent = 0, nobj, nrel = 0, e, j, k, rc;
	bool wrong, slow = false, active;
	int expect = D.reject ? -EINVAL : 0;
	bool failed;

	wrong = s->pmode == PM_WRONG || (s->pmode == PM_ALT && !(it & 1));
	if (s->nested) {
		push = (void *)(s->mmeta + META_PUSH);
		ent = (void *)(s->mmeta + META_BUF);
		rel = (void *)(s->mmeta + META_RELOC);
		obj[nent++] = OBJ_META;
	}
	for (k = 0; k < NSHARED; k++)
		obj[nent++] = s->reverse ? NSHARED - 1 - k : k;
	nobj = nent;

	for (e = 0; e < nobj; e++) {
		struct drm_nouveau_gem_pushbuf_bo *b = &sent[e];
		struct bo *bo = obj_bo(s, obj[e]);

		memset(b, 0, sizeof(*b));
		b->user_priv = ((uint64_t)s->id << 32) | (uint64_t)e;
		b->handle = bo->handle;
		b->read_domains = PLACED;
		b->valid_domains = PLACED;
		b->presumed = s->last[obj[e]];
		b->presumed.valid = 1;
		if (wrong)	/* never a real offset */
			b->presumed.offset = 0x7f0000000000ull +
				((uint64_t)it << 12);
	}
	if (D.reject)		/* rejected after every BO is reserved */
		sent[nent++] = sent[0];

	for (e = 0; e < nobj; e++) {
		for (j = 0; j < RELOCS_PER_ENT; j++) {
			struct drm_nouveau_gem_pushbuf_reloc *r = &lrel[nrel];

			memset(r, 0, sizeof(*r));
			r->reloc_bo_index = (uint32_t)e;
			r->reloc_bo_offset = obj_word_offset(s, obj[e], j);
			r->bo_index = (uint32_t)((e + 1 + j) % nobj);
			r->flags = ftab[(it + 2 * e + j) % ARRAY_SIZE(ftab)];
			r->data = pat_word(((uint64_t)s->id << 40) | (uint64_t)it,
					   (uint64_t)nrel);
			r->vor = 0x10u << j;
			r->tor = 0x100u << j;
			poison[nrel] = 0xdead0000u ^ (uint32_t)(it << 4) ^
				       (uint32_t)nrel;
			*obj_word(s, obj[e], j) = poison[nrel];
			nrel++;
		}
	}
	lpush[0].bo_index = (uint32_t)(nobj - 1);
	lpush[0].offset = 0;
	lpush[0].length = D.push_len;

	if (s->nested) {
		memcpy(push, lpush, sizeof(lpush));
		memcpy(ent, sent, (size_t)nent * sizeof(*ent));
		memcpy(rel, lrel, (size_t)nrel * sizeof(*rel));
		/* a fresh mapping: nothing faulted in (same address) */
		if (!bo_map(&s->meta, s->mmeta)) {
			err_add(&s->e_rc, "job %ld: mmap MAP_FIXED of the meta BO: %s",
				it, strerror(errno));
			return;
		}
		slow = !(it & 1);
		if (slow) {
			s->slow_layout++;
		} else {
			/* fast layout: relocations faulted in beforehand */
			volatile uint8_t *p = (volatile uint8_t *)rel;
			uint8_t x = p[0];

			x ^= p[sizeof(*rel) * (size_t)(nrel - 1)];
			(void)x;
			s->fast_layout++;
		}
	} else {
		memcpy(ent, sent, (size_t)nent * sizeof(*ent));
	}

	memset(&req, 0, sizeof(req));
	req.channel = (uint32_t)D.chan;
	req.nr_buffers = (uint32_t)nent;
	req.buffers = (uint64_t)(uintptr_t)ent;
	req.nr_relocs = (uint32_t)nrel;
	req.relocs = (uint64_t)(uintptr_t)rel;
	req.nr_push = 1;
	req.push = (uint64_t)(uintptr_t)push;
	rc = xioctl(DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &req);
	s->jobs++;
	/* failed by fault injection: untouched, or as far as it got */
	failed = rc != expect && injected(rc);
	s->injected += failed;
	if (rc != expect && !failed)
		err_add(&s->e_rc, "job %ld (%s layout, %s presumed): returned %d (%s), expected %d",
			it, s->nested ? (slow ? "slow" : "fast") : "plain",
			wrong ? "wrong" : "last known", rc, strerror(-rc),
			expect);
	active = rc == 0 && D.relocs;

	/* presumed entries as the kernel left them */
	for (e = 0; e < nobj; e++) {
		const struct drm_nouveau_gem_pushbuf_bo *a = &ent[e];
		const struct bo *bo = obj_bo(s, obj[e]);

		if (a->handle != sent[e].handle ||
		    a->user_priv != sent[e].user_priv) {
			err_add(&s->e_presumed, "job %ld entry %d: handle/user_priv changed",
				it, e);
			continue;
		}
		if ((!active && !(failed && D.relocs)) || a->presumed.valid) {
			if (memcmp(&a->presumed, &sent[e].presumed,
				   sizeof(a->presumed)))
				err_add(&s->e_presumed,
					"job %ld entry %d: presumed changed to valid=%u %s 0x%" PRIx64 " although %s",
					it, e, a->presumed.valid,
					dom_name(a->presumed.domain),
					(uint64_t)a->presumed.offset,
					active ? "valid stayed 1" : "no write-back was due");
			else if (active && wrong)
				err_add(&s->e_presumed,
					"job %ld entry %d: the kernel kept the wrong presumed offset 0x%" PRIx64,
					it, e, (uint64_t)a->presumed.offset);
			continue;
		}
		/* written back: where the BO really is */
		if (a->presumed.domain != VRAM && a->presumed.domain != GART)
			err_add(&s->e_presumed, "job %ld entry %d: written-back domain %u",
				it, e, a->presumed.domain);
		else if (!s->w->moving &&
			 (a->presumed.domain != bo->domain ||
			  a->presumed.offset != bo->offset))
			err_add(&s->e_presumed,
				"job %ld entry %d: written back %s 0x%" PRIx64 ", GEM_INFO said %s 0x%" PRIx64,
				it, e, dom_name(a->presumed.domain),
				(uint64_t)a->presumed.offset,
				dom_name(bo->domain), bo->offset);
		s->last[obj[e]] = a->presumed;
	}

	/* relocation targets, read through the mappings */
	for (k = 0; k < nrel; k++) {
		const struct drm_nouveau_gem_pushbuf_reloc *r = &lrel[k];
		const struct drm_nouveau_gem_pushbuf_bo *b = &ent[r->bo_index];
		int eo = obj[r->reloc_bo_index];
		int jj = k % RELOCS_PER_ENT;
		bool applied = (active || failed) && b->presumed.valid == 0;
		uint32_t want = applied ? reloc_value(r, &b->presumed) : poison[k];
		uint32_t got = *obj_word(s, eo, jj);

		/* a failed job may have stopped before this relocation */
		if (failed && applied && got == poison[k])
			want = poison[k];
		/*
		 * or relocated it and then failed to write the presumed entry
		 * back: where to, user space cannot know (only then)
		 */
		if (failed && !applied && got != poison[k] &&
		    !memcmp(&b->presumed, &sent[r->bo_index].presumed,
			    sizeof(b->presumed))) {
			s->unknown++;
			s->final[eo][jj] = got;
			continue;
		}

		if (got != want)
			err_add(&s->e_reloc,
				"job %ld reloc %d (flags 0x%x, into entry %u word 0x%x, from entry %u %s): 0x%08x, expected 0x%08x (%s)",
				it, k, r->flags, r->reloc_bo_index,
				r->reloc_bo_offset, r->bo_index,
				dom_name(b->presumed.domain), got, want,
				applied ? "relocated" : "untouched");
		s->final[eo][jj] = want;
	}
}

static void *sub_thread(void *arg)
{
	struct sub *s = arg;
	long it;

	inject_this_thread();
	for (it = 0; !sub_done(s, it); it++)
		sub_job(s, it);
	return NULL;
}

/* ------------------------------------------------------------ faulter */

struct faulter {
	struct world *w;
	int id;
	long min_iters;
	pthread_t th;
	uint32_t *map[NSHARED];	/* own mappings, renewed every 4 rounds */
	uint64_t seed[NSHARED];	/* what each region holds */
	long iters, remaps;
	struct errbuf err;
};

static void *faulter_thread(void *arg)
{
	struct faulter *f = arg;
	const size_t words = REGION_PAGES * PG / 4;
	const size_t first = (size_t)f->id * words;
	long it;
	int b;

	for (it = 0; ; it++) {
		if (atomic_load(&f->w->stop) && it >= f->min_iters)
			break;
		if (it % 4 == 0) {
			for (b = 0; b < NSHARED; b++) {
				if (f->map[b])
					munmap(f->map[b], f->w->sh[b].size);
				f->map[b] = bo_map(&f->w->sh[b], NULL);
				if (!f->map[b]) {
					err_add(&f->err, "faulter %d: mmap: %s",
						f->id, strerror(errno));
					return NULL;
				}
			}
			f->remaps++;
		}
		for (b = 0; b < NSHARED; b++) {
			volatile uint32_t *p = f->map[b] + first;
			uint64_t seed = ((uint64_t)f->id << 48) |
					((uint64_t)it << 8) | (uint64_t)b;
			size_t i;

			for (i = 0; i < words; i++)
				p[i] = pat_word(seed, first + i);
			f->seed[b] = seed;
		}
		for (b = 0; b < NSHARED; b++) {
			volatile uint32_t *p = f->map[b] + first;
			size_t i;

			for (i = 0; i < words; i++) {
				uint32_t want = pat_word(f->seed[b], first + i);

				if (p[i] != want) {
					err_add(&f->err,
						"faulter %d round %ld BO %d word %zu: 0x%08x, expected 0x%08x",
						f->id, it, b, first + i, p[i],
						want);
					break;
				}
			}
		}
		f->iters++;
	}
	for (b = 0; b < NSHARED; b++)
		if (f->map[b])
			munmap(f->map[b], f->w->sh[b].size);
	return NULL;
}

static void faulter_init(struct faulter *f, struct world *w, int id,
			 long min_iters)
{
	memset(f, 0, sizeof(*f));
	f->w = w;
	f->id = id;
	f->min_iters = min_iters;
	err_init(&f->err);
}

/* -------------------------------------------------------------- mover */

struct mover {
	struct world *w;
	pthread_t th;
	long moves;
	struct errbuf err;
};

static void *mover_thread(void *arg)
{
	static const uint32_t cycle[] = { VRAM, GART, VRAM, GART, CPU };
	struct mover *m = arg;
	long round;
	int b;

	inject_this_thread();
	for (round = 0; !atomic_load(&m->w->stop); round++) {
		for (b = 0; b < NSHARED; b++) {
			struct repro_bo_move mv = {
				.handle = m->w->sh[b].handle,
				.domain = cycle[(round + b) % ARRAY_SIZE(cycle)],
			};
			int r = xioctl(DRM_IOCTL_REPRO_BO_MOVE, &mv);

			if (r && !injected(r))
				err_add(&m->err, "BO_MOVE of BO %d to %s: %d (%s)",
					b, dom_name(mv.domain), r, strerror(-r));
			else if (!r)
				m->moves++;
		}
		usleep(500);
	}
	return NULL;
}

/* ------------------------------------------------ final verification */

/* Every word of every shared BO (and meta BOs) through fresh mappings. */
static int final_check(struct world *w, struct faulter *f, int nf,
		       struct sub *s, int ns, char *msg, size_t len)
{
	long bad = 0, checked = 0;
	char first[300] = "";
	int b, i, j, k;

	for (b = 0; b < NSHARED; b++) {
		uint32_t *m = bo_map(&w->sh[b], NULL);

		if (!m) {
			snprintf(msg, len, "mmap: %s", strerror(errno));
			return 0;
		}
		for (i = 0; i < nf; i++) {
			const size_t words = REGION_PAGES * PG / 4;
			const size_t f0 = (size_t)f[i].id * words;

			if (!f[i].iters)
				continue;
			for (k = 0; k < (int)words; k++) {
				uint32_t want = pat_word(f[i].seed[b], f0 + (size_t)k);

				checked++;
				if (m[f0 + (size_t)k] != want && !bad++)
					snprintf(first, sizeof(first),
						 "BO %d faulter %d region word %d: 0x%08x, expected 0x%08x",
						 b, f[i].id, k, m[f0 + (size_t)k], want);
			}
		}
		for (i = 0; i < ns; i++) {
			if (!s[i].jobs)
				continue;
			for (j = 0; j < RELOCS_PER_ENT; j++) {
				size_t wi = (SLOT_PAGE * PG) / 4 +
					    (size_t)s[i].id * 16 + (size_t)j;

				checked++;
				if (m[wi] != s[i].final[b][j] && !bad++)
					snprintf(first, sizeof(first),
						 "BO %d submitter %d slot word %d: 0x%08x, expected 0x%08x",
						 b, s[i].id, j, m[wi], s[i].final[b][j]);
			}
		}
		munmap(m, w->sh[b].size);
	}
	for (i = 0; i < ns; i++) {
		uint32_t *m;

		if (!s[i].nested || !s[i].jobs)
			continue;
		m = bo_map(&s[i].meta, NULL);
		if (!m) {
			snprintf(msg, len, "mmap meta: %s", strerror(errno));
			return 0;
		}
		for (j = 0; j < RELOCS_PER_ENT; j++) {
			checked++;
			if (m[META_TGT / 4 + (size_t)j] != s[i].final[OBJ_META][j] &&
			    !bad++)
				snprintf(first, sizeof(first),
					 "meta BO of submitter %d word %d: 0x%08x, expected 0x%08x",
					 s[i].id, j, m[META_TGT / 4 + (size_t)j],
					 s[i].final[OBJ_META][j]);
		}
		munmap(m, s[i].meta.size);
	}
	snprintf(msg, len, "%ld of %ld words right%s%s", checked - bad,
		 checked, bad ? "; first wrong: " : "", first);
	return !bad && checked > 0;
}

/* --------------------------------------------- summaries of workers */

struct sums {
	long jobs, rc_bad, pr_bad, rl_bad, injected, unknown;
	char rc_first[420], pr_first[420], rl_first[420];
};

static void sums_of(const struct sub *s, int ns, struct sums *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ns; i++) {
		t->jobs += s[i].jobs;
		t->injected += s[i].injected;
		t->unknown += s[i].unknown;
		if (s[i].e_rc.count && !t->rc_bad)
			snprintf(t->rc_first, sizeof(t->rc_first), "; first: %.380s",
				 s[i].e_rc.first);
		if (s[i].e_presumed.count && !t->pr_bad)
			snprintf(t->pr_first, sizeof(t->pr_first), "; first: %.380s",
				 s[i].e_presumed.first);
		if (s[i].e_reloc.count && !t->rl_bad)
			snprintf(t->rl_first, sizeof(t->rl_first), "; first: %.380s",
				 s[i].e_reloc.first);
		t->rc_bad += s[i].e_rc.count;
		t->pr_bad += s[i].e_presumed.count;
		t->rl_bad += s[i].e_reloc.count;
	}
}

static const char *expect_rc_text(void)
{
	return D.reject ? "-EINVAL (rejected after reserving: duplicate last entry)" : "0";
}

static const char *presumed_text(void)
{
	if (D.reject)
		return "left untouched by the rejected jobs";
	if (!D.relocs)
		return "left untouched (GPU with a VM: nouveau relocates nothing)";
	return "written back after the job with valid=0 and the real offset and domain, or untouched where right";
}

static const char *reloc_text(void)
{
	if (!D.relocs)
		return "untouched";
	return "hold the relocated value (LOW/HIGH/OR/plain) wherever presumed was wrong, else untouched";
}

static void faulter_sum(const struct faulter *f, int nf, long *iters,
			long *remaps, long *bad, char *first, size_t len)
{
	int i;

	*iters = *remaps = *bad = 0;
	first[0] = '\0';
	for (i = 0; i < nf; i++) {
		*iters += f[i].iters;
		*remaps += f[i].remaps;
		if (f[i].err.count && !*bad)
			snprintf(first, len, "; first: %.380s", f[i].err.first);
		*bad += f[i].err.count;
	}
}

/* ---------------------------------------------------------- scenarios */

static char setup_err[400];

static void skip_n(int n, const char *why, const char *scen)
{
	while (n-- > 0)
		tap_skip(why, "%s", scen);
}

static void fail_n(int n, const char *scen, const char *why)
{
	while (n-- > 0)
		tap(0, "%s: not run: %s", scen, why);
}

#define NESTED_POINTS 5
static void scen_nested(void)
{
	struct world w;
	struct sub s;
	struct ctrs c = { .n = 0 };
	struct sums t;
	long it, dslow = 0, dfast = 0;
	bool hs, hf;

	memset(&s, 0, sizeof(s));
	if (world_init(&w, setup_err, sizeof(setup_err)) ||
	    (sub_init(&s, &w, 0),
	     sub_make_nested(&s, setup_err, sizeof(setup_err)))) {
		tap(0, "nested: setup: %s", setup_err);
		fail_n(NESTED_POINTS - 1, "nested", "setup failed");
		sub_fini(&s);
		world_fini(&w);
		return;
	}
	s.pmode = PM_WRONG;
	tap(1, "nested: meta BO of %u pages (%s 0x%" PRIx64 ") holds the push array, buffer list (with presumed) and relocations; %d shared BOs",
	    META_PAGES, dom_name(s.meta.domain), s.meta.offset, NSHARED);
	ctr_add(&c, stats_drv, "reloc_slowpath");
	ctr_add(&c, stats_drv, "reloc_copy_nofault");
	ctr_add(&c, stats_drv, "ww_would_fault");
	ctr_add(&c, stats_drv, "presumed_written");
	ctr_add(&c, STATS_TTM, "faults");

	for (it = 0; it < opt.iterations; it++)
		sub_job(&s, it);
	sums_of(&s, 1, &t);

	tap(!t.rc_bad,
	    "nested: %ld jobs with their arrays in a fresh mapping of a BO of the job returned %s: %ld unexpected%s",
	    t.jobs, expect_rc_text(), t.rc_bad, t.rc_first);
	tap(!t.pr_bad, "nested: presumed entries %s: %ld errors%s",
	    presumed_text(), t.pr_bad, t.pr_first);
	tap(!t.rl_bad, "nested: relocation targets %s: %ld errors%s",
	    reloc_text(), t.rl_bad, t.rl_first);
	hs = ctr_delta(&c, "reloc_slowpath", &dslow);
	hf = ctr_delta(&c, "reloc_copy_nofault", &dfast);
	if (!D.relocs)
		tap_skip(D.reject ? "jobs are rejected before relocations are read (nouveau without --submit, or --reject)" :
			 "this GPU has a VM: nouveau reads no relocations",
			 "nested: relocation slow path taken when the array was not faulted in");
	else if (!hs || !hf)
		tap_skip("driver counters not readable (debugfs mounted? root?)",
			 "nested: relocation slow path taken when the array was not faulted in");
	else
		tap(dslow >= s.slow_layout && dfast >= s.fast_layout,
		    "nested: reloc_slowpath %+ld (>= %ld jobs whose relocations were not faulted in), reloc_copy_nofault %+ld (>= %ld jobs whose were)",
		    dslow, s.slow_layout, dfast, s.fast_layout);
	ctr_diag(&c, "nested");
	sub_fini(&s);
	world_fini(&w);
}

#define RO_POINTS 4
static void scen_presumed_ro(void)
{
	struct drm_nouveau_gem_pushbuf_bo *ro, copy[2];
	struct drm_nouveau_gem_pushbuf_reloc rel[2];
	struct drm_nouveau_gem_pushbuf_push push = { .length = 0 };
	struct drm_nouveau_gem_pushbuf req;
	struct drm_nouveau_gem_pushbuf_bo_presumed real;
	struct bo x = { 0 }, y = { 0 };
	uint32_t *my = NULL, w0, w1, e0, e1;
	struct ctrs c = { .n = 0 };
	int strict, expect, rc, r;
	long d = 0;
	char why[200];

	if (D.reject) {
		skip_n(RO_POINTS, "needs a submitted job; jobs are rejected before submission (nouveau without --submit, or --reject)",
		       "presumed-ro");
		return;
	}
	if (!D.relocs) {
		snprintf(why, sizeof(why),
			 "chipset 0x%" PRIx64 " has a VM: nouveau writes no presumed offsets back",
			 D.chipset);
		skip_n(RO_POINTS, why, "presumed-ro");
		return;
	}
	r = bo_new(GART, 4, &x);
	if (!r)
		r = bo_new(VRAM, 4, &y);
	ro = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	if (!r && ro != MAP_FAILED)
		my = bo_map(&y, NULL);
	if (r || ro == MAP_FAILED || !my) {
		tap(0, "presumed-ro: setup: %s", r ? strerror(-r) : strerror(errno));
		fail_n(RO_POINTS - 1, "presumed-ro", "setup failed");
		goto out;
	}
	memset(ro, 0, PG);
	ro[0].handle = x.handle;
	ro[1].handle = y.handle;
	for (r = 0; r < 2; r++) {
		ro[r].read_domains = PLACED;
		ro[r].valid_domains = PLACED;
		ro[r].presumed.valid = 1;
	}
	ro[0].presumed.domain = x.domain;
	ro[0].presumed.offset = x.offset + 0x100000000ull;	/* wrong */
	ro[1].presumed.domain = y.domain;
	ro[1].presumed.offset = y.offset;
	memcpy(copy, ro, sizeof(copy));
	if (mprotect(ro, PG, PROT_READ)) {
		tap(0, "presumed-ro: mprotect PROT_READ: %s", strerror(errno));
		fail_n(RO_POINTS - 1, "presumed-ro", "setup failed");
		goto out;
	}
	memset(rel, 0, sizeof(rel));
	rel[0].reloc_bo_index = 1;
	rel[0].reloc_bo_offset = 0;
	rel[0].bo_index = 0;
	rel[0].flags = NOUVEAU_GEM_RELOC_LOW;
	rel[0].data = 0x40;
	rel[1].reloc_bo_index = 1;
	rel[1].reloc_bo_offset = 4;
	rel[1].bo_index = 0;
	rel[1].flags = NOUVEAU_GEM_RELOC_HIGH | NOUVEAU_GEM_RELOC_OR;
	rel[1].vor = 0x1;
	rel[1].tor = 0x2;
	my[0] = 0xdeadbeef;
	my[1] = 0xdeadbeef;
	push.bo_index = 1;
	push.length = D.push_len;

	strict = param_bool(D.module, "lockfix_strict_presumed");
	expect = strict == 1 ? -EFAULT : 0;
	ctr_add(&c, stats_drv, "presumed_swallowed");
	memset(&req, 0, sizeof(req));
	req.channel = (uint32_t)D.chan;
	req.nr_buffers = 2;
	req.buffers = (uint64_t)(uintptr_t)ro;
	req.nr_relocs = 2;
	req.relocs = (uint64_t)(uintptr_t)rel;
	req.nr_push = 1;
	req.push = (uint64_t)(uintptr_t)&push;
	rc = xioctl(DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &req);

	tap(rc == expect,
	    "presumed-ro: buffer list on a read-only page, presumed wrong: returned %d (%s), expected %s (/sys/module/%s/parameters/lockfix_strict_presumed: %s)",
	    rc, rc ? strerror(-rc) : "ok", expect ? "-EFAULT" : "0", D.module,
	    strict < 0 ? "unreadable, default N assumed" : strict ? "Y" : "N");
	if (ctr_delta(&c, "presumed_swallowed", &d))
		tap(d == (strict == 1 ? 0 : 1),
		    "presumed-ro: presumed_swallowed %+ld (expected %+d)", d,
		    strict == 1 ? 0 : 1);
	else
		tap_skip("driver counters not readable (debugfs mounted? root?)",
			 "presumed-ro: presumed_swallowed counted");
	r = bo_info(&x);
	real.valid = 0;
	real.domain = x.domain;
	real.offset = x.offset;
	e0 = reloc_value(&rel[0], &real);
	e1 = reloc_value(&rel[1], &real);
	w0 = ((volatile uint32_t *)my)[0];
	w1 = ((volatile uint32_t *)my)[1];
	tap(!r && w0 == e0 && w1 == e1,
	    "presumed-ro: relocations applied anyway: words 0x%08x 0x%08x, expected 0x%08x 0x%08x (X at %s 0x%" PRIx64 ")",
	    w0, w1, e0, e1, dom_name(x.domain), x.offset);
	tap(!memcmp(ro, copy, sizeof(copy)),
	    "presumed-ro: the read-only buffer list is %s",
	    memcmp(ro, copy, sizeof(copy)) ? "CHANGED" : "unchanged");
out:
	if (my)
		munmap(my, y.size);
	if (ro != MAP_FAILED)
		munmap(ro, PG);
	bo_close(&x);
	bo_close(&y);
}

static int start_subs(struct sub *s, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pthread_create(&s[i].th, NULL, sub_thread, &s[i])) {
			while (i--)
				pthread_join(s[i].th, NULL);
			return -1;
		}
	}
	return 0;
}

#define OPP_POINTS 3
static void scen_opposite(void)
{
	struct sub s[MAX_SUBS];
	struct world w;
	struct ctrs c = { .n = 0 };
	struct sums t;
	int n = opt.threads < 2 ? 2 : opt.threads > MAX_SUBS ? MAX_SUBS : opt.threads;
	int i;
	long d;

	if (world_init(&w, setup_err, sizeof(setup_err))) {
		tap(0, "opposite-order: setup: %s", setup_err);
		fail_n(OPP_POINTS - 1, "opposite-order", "setup failed");
		world_fini(&w);
		return;
	}
	for (i = 0; i < n; i++) {
		sub_init(&s[i], &w, i);
		s[i].reverse = i & 1;
		s[i].pmode = PM_ALT;
		s[i].iters = (long)opt.iterations * 5;
	}
	ctr_add(&c, stats_drv, "pushbuf_jobs");
	ctr_add(&c, stats_drv, "ww_backoffs");
	ctr_add(&c, stats_drv, "reloc_jobs");
	if (start_subs(s, n)) {
		tap(0, "opposite-order: pthread_create failed");
		fail_n(OPP_POINTS - 1, "opposite-order", "no threads");
		world_fini(&w);
		return;
	}
	for (i = 0; i < n; i++)
		pthread_join(s[i].th, NULL);
	sums_of(s, n, &t);
	tap(!t.rc_bad,
	    "opposite-order: %d threads x %ld jobs over the same %d BOs, listed in opposite orders: all returned %s; %ld unexpected%s",
	    n, s[0].iters, NSHARED, expect_rc_text(), t.rc_bad, t.rc_first);
	tap(!t.pr_bad && !t.rl_bad,
	    "opposite-order: presumed entries %s, relocation targets %s: %ld + %ld errors%s%s",
	    presumed_text(), reloc_text(), t.pr_bad, t.rl_bad, t.pr_first,
	    t.rl_first);
	if (ctr_delta(&c, "pushbuf_jobs", &d))
		tap(d == (D.reject ? 0 : t.jobs),
		    "opposite-order: pushbuf_jobs %+ld (expected %+ld)", d,
		    D.reject ? 0 : t.jobs);
	else
		tap_skip("driver counters not readable (debugfs mounted? root?)",
			 "opposite-order: pushbuf_jobs counts every job");
	ctr_diag(&c, "opposite-order");
	world_fini(&w);
}

#define FLT_POINTS 4
static void scen_faulters(void)
{
	struct faulter f[NFAULTERS];
	struct world w;
	struct sub s;
	struct ctrs c = { .n = 0 };
	struct sums t;
	char first[420], msg[500];
	long iters, remaps, bad, d;
	int i, nf = 0;

	if (world_init(&w, setup_err, sizeof(setup_err))) {
		tap(0, "faulters: setup: %s", setup_err);
		fail_n(FLT_POINTS - 1, "faulters", "setup failed");
		world_fini(&w);
		return;
	}
	sub_init(&s, &w, 0);
	s.pmode = PM_ALT;
	s.iters = (long)opt.iterations * 2;
	ctr_add(&c, STATS_TTM, "faults");
	ctr_add(&c, STATS_TTM, "reserve_busy_retry");
	ctr_add(&c, STATS_TTM, "reserve_busy_block");
	ctr_add(&c, stats_drv, "ww_would_fault");
	for (i = 0; i < NFAULTERS; i++) {
		faulter_init(&f[i], &w, i, 8);
		if (pthread_create(&f[i].th, NULL, faulter_thread, &f[i]))
			break;
		nf++;
	}
	sub_thread(&s);
	atomic_store(&w.stop, 1);
	for (i = 0; i < nf; i++)
		pthread_join(f[i].th, NULL);

	sums_of(&s, 1, &t);
	tap(!t.rc_bad && !t.pr_bad && !t.rl_bad,
	    "faulters: %ld jobs while %d threads faulted on the same BOs: returned %s (%ld unexpected), presumed/relocations right (%ld errors)%s%s%s",
	    t.jobs, nf, expect_rc_text(), t.rc_bad, t.pr_bad + t.rl_bad,
	    t.rc_first, t.pr_first, t.rl_first);
	faulter_sum(f, nf, &iters, &remaps, &bad, first, sizeof(first));
	tap(nf == NFAULTERS && !bad && iters > 0,
	    "faulters: %d threads, %ld rounds (%ld fresh mappings), each writing and reading back its own region of every BO: %ld mismatches%s",
	    nf, iters, remaps, bad, first);
	if (ctr_delta(&c, "faults", &d))
		tap(d >= remaps,
		    "faulters: ttm faults %+ld (>= %ld fresh mappings)", d,
		    remaps);
	else
		tap_skip("nvlf_ttm counters not readable (our ttm.ko? debugfs? root?)",
			 "faulters: the faults went through ttm");
	tap(final_check(&w, f, nf, &s, 1, msg, sizeof(msg)),
	    "faulters: final contents through fresh mappings: %s", msg);
	ctr_diag(&c, "faulters");
	world_fini(&w);
}

#define MOV_POINTS 5
static void scen_mover(void)
{
	struct faulter f[2];
	struct sub s[2];
	struct mover m;
	struct world w;
	struct ctrs c = { .n = 0 };
	struct sums t;
	char first[420], msg[500], eb[420];
	long iters, remaps, bad, d;
	int i, nf = 0;

	if (!D.test) {
		skip_n(MOV_POINTS, "BO_MOVE is a test ioctl of nvlf_test; nouveau has none",
		       "mover");
		return;
	}
	if (world_init(&w, setup_err, sizeof(setup_err))) {
		tap(0, "mover: setup: %s", setup_err);
		fail_n(MOV_POINTS - 1, "mover", "setup failed");
		world_fini(&w);
		return;
	}
	w.moving = true;
	for (i = 0; i < 2; i++) {
		sub_init(&s[i], &w, i);
		s[i].reverse = i;
		s[i].pmode = PM_LAST;
		s[i].iters = (long)opt.iterations * 2;
	}
	memset(&m, 0, sizeof(m));
	m.w = &w;
	err_init(&m.err);
	ctr_add(&c, STATS_TTM, "faults");
	ctr_add(&c, STATS_TTM, "move_wait_retry");
	ctr_add(&c, STATS_TTM, "move_wait_block");
	ctr_add(&c, STATS_TTM, "move_wait_nowait");
	ctr_add(&c, STATS_TTM, "reserve_busy_retry");
	ctr_add(&c, stats_drv, "presumed_written");
	ctr_add(&c, stats_drv, "ww_backoffs");
	for (i = 0; i < 2; i++) {
		faulter_init(&f[i], &w, i, 8);
		if (pthread_create(&f[i].th, NULL, faulter_thread, &f[i]))
			break;
		nf++;
	}
	if (pthread_create(&m.th, NULL, mover_thread, &m)) {
		atomic_store(&w.stop, 1);
		for (i = 0; i < nf; i++)
			pthread_join(f[i].th, NULL);
		tap(0, "mover: pthread_create failed");
		fail_n(MOV_POINTS - 1, "mover", "no threads");
		world_fini(&w);
		return;
	}
	if (start_subs(s, 2)) {
		s[0].jobs = s[1].jobs = 0;
		err_add(&s[0].e_rc, "pthread_create failed");
	} else {
		pthread_join(s[0].th, NULL);
		pthread_join(s[1].th, NULL);
	}
	atomic_store(&w.stop, 1);
	pthread_join(m.th, NULL);
	for (i = 0; i < nf; i++)
		pthread_join(f[i].th, NULL);

	tap(!m.err.count && m.moves > 0,
	    "mover: %ld BO_MOVEs between VRAM, GART and CPU returned 0: %ld failed%s",
	    m.moves, m.err.count, err_first(&m.err, eb, sizeof(eb)));
	sums_of(s, 2, &t);
	tap(!t.rc_bad && !t.pr_bad && !t.rl_bad,
	    "mover: %ld jobs with stale presumed offsets returned %s (%ld unexpected), presumed entries and relocation targets consistent (%ld errors)%s%s%s",
	    t.jobs, expect_rc_text(), t.rc_bad, t.pr_bad + t.rl_bad, t.rc_first, t.pr_first,
	    t.rl_first);
	faulter_sum(f, nf, &iters, &remaps, &bad, first, sizeof(first));
	tap(nf == 2 && !bad && iters > 0,
	    "mover: 2 faulters, %ld rounds on BOs being moved: %ld mismatches%s",
	    iters, bad, first);
	tap(final_check(&w, f, nf, s, 2, msg, sizeof(msg)),
	    "mover: final contents through fresh mappings: %s", msg);
	if (ctr_delta(&c, "faults", &d))
		tap(d > 0, "mover: ttm faults %+ld while mappings were invalidated by moves", d);
	else
		tap_skip("nvlf_ttm counters not readable (our ttm.ko? debugfs? root?)",
			 "mover: faults went through ttm");
	ctr_diag(&c, "mover");
	world_fini(&w);
}

#define STRESS_POINTS 5
static void scen_stress(void)
{
	struct faulter f[NFAULTERS];
	struct sub s[3];
	struct mover m;
	struct world w;
	struct ctrs c = { .n = 0 };
	struct sums t;
	char first[420], msg[500], eb[420];
	long iters, remaps, bad, d;
	int i, nf = 0, ns = 0;
	bool mover = D.test, mover_started = false;
	int64_t end;

	if (world_init(&w, setup_err, sizeof(setup_err))) {
		tap(0, "stress: setup: %s", setup_err);
		fail_n(STRESS_POINTS - 1, "stress", "setup failed");
		world_fini(&w);
		return;
	}
	w.moving = mover;
	for (i = 0; i < 3; i++)
		sub_init(&s[i], &w, i);
	s[0].pmode = s[1].pmode = PM_ALT;
	s[1].reverse = true;
	s[2].pmode = PM_WRONG;
	if (sub_make_nested(&s[2], setup_err, sizeof(setup_err))) {
		tap(0, "stress: setup: %s", setup_err);
		fail_n(STRESS_POINTS - 1, "stress", "setup failed");
		sub_fini(&s[2]);
		world_fini(&w);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.w = &w;
	err_init(&m.err);
	ctr_add(&c, STATS_TTM, "faults");
	ctr_add(&c, STATS_TTM, "reserve_busy_retry");
	ctr_add(&c, STATS_TTM, "reserve_busy_block");
	ctr_add(&c, STATS_TTM, "move_wait_retry");
	ctr_add(&c, STATS_TTM, "move_wait_block");
	ctr_add(&c, STATS_TTM, "vm_access");
	ctr_add(&c, stats_drv, "pushbuf_jobs");
	ctr_add(&c, stats_drv, "reloc_slowpath");
	ctr_add(&c, stats_drv, "reloc_copy_nofault");
	ctr_add(&c, stats_drv, "presumed_written");
	ctr_add(&c, stats_drv, "ww_backoffs");
	ctr_add(&c, stats_drv, "ww_would_fault");

	for (i = 0; i < NFAULTERS; i++) {
		faulter_init(&f[i], &w, i, 1);
		if (pthread_create(&f[i].th, NULL, faulter_thread, &f[i]))
			break;
		nf++;
	}
	if (mover && !pthread_create(&m.th, NULL, mover_thread, &m))
		mover_started = true;
	for (i = 0; i < 3; i++) {
		if (pthread_create(&s[i].th, NULL, sub_thread, &s[i]))
			break;
		ns++;
	}
	end = now_ns() + (int64_t)opt.stress_s * 1000000000;
	while (now_ns() < end)
		usleep(50000);
	atomic_store(&w.stop, 1);
	for (i = 0; i < ns; i++)
		pthread_join(s[i].th, NULL);
	if (mover_started)
		pthread_join(m.th, NULL);
	for (i = 0; i < nf; i++)
		pthread_join(f[i].th, NULL);

	sums_of(s, ns, &t);
	tap(ns == 3 && !t.rc_bad && (!opt.injected || t.injected > 0),
	    "stress: %ld jobs in %ld s by 3 submitters (two in opposite orders, one with its arrays in a BO of its jobs) returned %s: %ld unexpected%s%s",
	    t.jobs, opt.stress_s, expect_rc_text(), t.rc_bad, t.rc_first,
	    !opt.injected ? "" : t.injected ?
	    "; the rest failed by injected faults, as they may" :
	    "; with --injected, none failed by an injected fault: was fault injection on?");
	if (opt.injected)
		diag("stress: %ld jobs failed by injected faults; %ld relocated words of theirs unverifiable (presumed write-back failed)",
		     t.injected, t.unknown);
	tap(!t.pr_bad && !t.rl_bad,
	    "stress: presumed entries and relocation targets consistent: %ld errors%s%s",
	    t.pr_bad + t.rl_bad, t.pr_first, t.rl_first);
	faulter_sum(f, nf, &iters, &remaps, &bad, first, sizeof(first));
	tap(nf == NFAULTERS && !bad && iters > 0,
	    "stress: %d faulters, %ld rounds (%ld fresh mappings): %ld mismatches%s",
	    nf, iters, remaps, bad, first);
	if (!mover)
		tap_skip("BO_MOVE is a test ioctl of nvlf_test; nouveau has none",
			 "stress: mover");
	else
		tap(mover_started && !m.err.count && m.moves > 0,
		    "stress: mover: %ld BO_MOVEs returned 0, %ld failed%s",
		    m.moves, m.err.count, err_first(&m.err, eb, sizeof(eb)));
	tap(final_check(&w, f, nf, s, ns, msg, sizeof(msg)),
	    "stress: final contents of every BO through fresh mappings: %s",
	    msg);
	diag("stress: jobs %ld (nested %ld), faulter rounds %ld, fresh mappings %ld, moves %ld",
	     t.jobs, s[2].jobs, iters, remaps, m.moves);
	if (ctr_delta(&c, "faults", &d))
		diag("stress: faults %ld", d);
	ctr_diag(&c, "stress");
	sub_fini(&s[2]);
	world_fini(&w);
}

/* ---------------------------------------------------------------- main */

static const struct scen {
	const char *name;
	int points;
	void (*fn)(void);
} scens[] = {
	{ "nested", NESTED_POINTS, scen_nested },
	{ "presumed-ro", RO_POINTS, scen_presumed_ro },
	{ "opposite-order", OPP_POINTS, scen_opposite },
	{ "faulters", FLT_POINTS, scen_faulters },
	{ "mover", MOV_POINTS, scen_mover },
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: nvlf-repro [--device PATH] [--only NAME[,NAME...]] [--stress SECONDS]\n"
"                  [--submit | --reject] [--iterations N] [--threads N]\n"
"                  [--timeout SECONDS] [--injected] [--help]\n"
"\n"
"Reproducer for the nouveau mmap/GEM_PUSHBUF lock inversion; TAP output,\n"
"exit status 0 only if every test point passed.\n"
"\n"
"  --device PATH     DRM node to use (default: the first /dev/dri/card* or\n"
"                    renderD* whose driver is nouveau or nvlf_test)\n"
"  --only NAMES      run only these scenarios (comma-separated):\n"
"      nested         the buffer list, relocations and presumed entries live\n"
"                     in a fresh mapping of a BO of the same job (%d jobs)\n"
"      presumed-ro    the buffer list is read-only: the presumed write-back\n"
"                     fails after submission (0 and presumed_swallowed+1,\n"
"                     or -EFAULT with lockfix_strict_presumed=1)\n"
"      opposite-order threads submit jobs listing the same BOs in opposite\n"
"                     orders (ww backoff in the kernel)\n"
"      faulters       threads fault on mappings of the BOs of running jobs\n"
"      mover          BOs moved between VRAM and GART meanwhile (nvlf_test)\n"
"  --stress SECONDS  run all of it at once for SECONDS, then verify every BO\n"
"                    (alone, unless --only names scenarios too)\n"
"  --submit          on real nouveau, submit jobs: zero-length pushes.\n"
"                    UNTESTED: no NVIDIA GPU was available to the authors.\n"
"                    Without it, every job on nouveau ends with a duplicate\n"
"                    buffer entry, which the kernel rejects (-EINVAL) after\n"
"                    reserving every BO and before anything reaches the GPU;\n"
"                    checks that need a submitted job are then skipped.\n"
"  --reject          end every job with a duplicate entry, as on nouveau\n"
"                    without --submit (to check that mode on nvlf_test)\n"
"  --iterations N    jobs of the nested scenario (others scale with it; %d)\n"
"  --threads N       submitters of opposite-order (default %d)\n"
"  --timeout S       watchdog per scenario (default %u s): a scenario still\n"
"                    running prints every thread's kernel stack, Bail out!\n"
"  --injected        with --stress: the kernel's fault injection is set up\n"
"                    (/sys/kernel/debug/{failslab,fail_page_alloc,\n"
"                    fail_usercopy}, task-filter): turn it on around the\n"
"                    submitters' PUSHBUF and the mover's BO_MOVE calls,\n"
"                    accept the errors it causes (-ENOMEM, -EFAULT,\n"
"                    -EINTR, -EBUSY, -EAGAIN, -ENOSPC), check what failed\n"
"                    jobs leave behind, and that some did fail\n"
"\n"
"Run as root to read /sys/kernel/debug/{nvlf_ttm,nvlf_test,nvlf_nouveau}/stats\n"
"(otherwise the points that need them are skipped).\n",
		100, 100, 2, 300u);
}

static long parse_long(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "nvlf-repro: bad %s: %s (%ld..%ld)\n", what, s,
			min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "only", required_argument, NULL, 'o' },
		{ "stress", required_argument, NULL, 's' },
		{ "submit", no_argument, NULL, 'S' },
		{ "reject", no_argument, NULL, 'R' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "injected", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool sel[ARRAY_SIZE(scens)];
	const char *only = NULL;
	struct sigaction sa;
	char err[400];
	unsigned int i;
	int c, plan = 1;

	while ((c = getopt_long(argc, argv, "d:o:s:SRi:t:T:Ih", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.device = optarg;
			break;
		case 'o':
			only = optarg;
			break;
		case 's':
			opt.stress_s = parse_long(optarg, "--stress", 1, 86400);
			break;
		case 'S':
			opt.submit = true;
			break;
		case 'R':
			opt.reject = true;
			break;
		case 'I':
			opt.injected = true;
			break;
		case 'i':
			opt.iterations = (int)parse_long(optarg, "--iterations", 2, 1000000);
			break;
		case 't':
			opt.threads = (int)parse_long(optarg, "--threads", 2, MAX_SUBS);
			break;
		case 'T':
			opt.timeout = (unsigned int)parse_long(optarg, "--timeout", 1, 86400);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (opt.injected && !opt.stress_s) {
		fprintf(stderr, "nvlf-repro: --injected applies to --stress SECONDS only\n");
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(scens); i++)
		sel[i] = !only && !opt.stress_s;
	if (only) {
		char *list = strdup(only), *tok, *save = NULL;

		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			for (i = 0; i < ARRAY_SIZE(scens); i++)
				if (!strcmp(tok, scens[i].name))
					break;
			if (i == ARRAY_SIZE(scens)) {
				fprintf(stderr, "nvlf-repro: unknown scenario %s\n", tok);
				usage(stderr);
				return 2;
			}
			sel[i] = true;
		}
		free(list);
	}
	for (i = 0; i < ARRAY_SIZE(scens); i++)
		if (sel[i])
			plan += scens[i].points;
	if (opt.stress_s)
		plan += STRESS_POINTS;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fatal_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	tap_planned = (unsigned int)plan;
	printf("1..%d\n", plan);
	if (dev_setup(err, sizeof(err))) {
		tap(0, "device: %s", err);
		while (tap_num < tap_planned)
			tap(0, "not run: no device");
		return 1;
	}
	tap(1, "device %s: driver %s, chipset 0x%" PRIx64 ", channel %d; %s",
	    D.path, D.name, D.chipset, D.chan,
	    D.reject ? "every job is rejected after reserving (duplicate last entry; on nouveau nothing reaches the GPU)" :
	    D.nouveau ? "nouveau with --submit: zero-length pushes (UNTESTED)" :
	    "test driver: full checks");
	if (D.nouveau && opt.submit && D.chipset >= 0x50)
		diag("chipset 0x%" PRIx64 " has a VM: nouveau applies no relocations; presumed checks only verify nothing changes",
		     D.chipset);
	if (access(STATS_TTM, R_OK))
		diag("%s not readable: not our ttm.ko, debugfs not mounted, or not root", STATS_TTM);

	for (i = 0; i < ARRAY_SIZE(scens); i++) {
		unsigned int start = tap_num;

		if (!sel[i])
			continue;
		diag("--- %s", scens[i].name);
		watchdog_arm(opt.timeout, scens[i].name);
		scens[i].fn();
		watchdog_disarm();
		if (tap_num != start + (unsigned int)scens[i].points)
			diag("BUG: scenario %s emitted %u points, planned %d",
			     scens[i].name, tap_num - start, scens[i].points);
	}
	if (opt.stress_s) {
		diag("--- stress %ld s", opt.stress_s);
		watchdog_arm(opt.timeout + (unsigned int)opt.stress_s, "stress");
		scen_stress();
		watchdog_disarm();
	}

	if (D.chan >= 0) {
		struct drm_nouveau_channel_free cf = { .channel = D.chan };

		xioctl(DRM_IOCTL_NOUVEAU_CHANNEL_FREE, &cf);
	}
	close(D.fd);
	if (tap_num != tap_planned) {
		diag("planned %u test points, ran %u", tap_planned, tap_num);
		return 1;
	}
	diag("nvlf-repro: %u of %u test points failed", tap_failed, tap_num);
	return tap_failed ? 1 : 0;
}
