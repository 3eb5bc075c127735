// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf_inject - GEM_PUSHBUF and the fault path when a step fails halfway,
 * on the nvlf_test driver (its INJECT ioctl), as TAP.
 *
 * Usage: nvlf_inject [--device PATH] [--only NAME[,NAME...]] [--list]
 *
 * Part "steps": for each case, one step of a job fails once (reserving,
 * validating buffer k, the slow path's copy of the relocations, mapping a
 * buffer, relocation k, the submission), with the errors a real run meets
 * (-ERESTARTSYS with the signal that causes it, -ENOMEM, -EAGAIN, -EFAULT,
 * -EBUSY).  After each: the ioctl returned what it must; the buffer list
 * is as upstream leaves it (presumed offsets written back only when the
 * job got as far as applying relocations); no reservation is held (each
 * buffer can be reserved again at once); no kernel mapping is left
 * (/proc/vmallocinfo); and the same request sent again relocates right.
 * A restarted call (-ERESTARTSYS with an SA_RESTART handler) must end
 * with the relocations applied.
 *
 * Part "kmap-leak": a valid relocation followed by one outside its 64 KiB
 * buffer, 200 times: -EINVAL each time and no kernel mapping left behind.
 * Part "messages": refused jobs are explained in the kernel log.
 * Part "populate": allocating a BO's pages for a CPU fault fails: -ENOMEM
 * is SIGBUS for the task, an interrupted allocation faults again.
 *
 * The plan is printed after the last point.
 *
 * Exit status: 0 if every point passed, 1 otherwise, 2 on usage errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define WATCHDOG_S	120
#define BIG_OFFSET	0x10000000ull	/* makes a presumed offset wrong */
#define POISON		0x5eedf00du
#define B_SIZE		(64u * 1024)	/* kmapped with vmap: visible */
#define LEAK_CALLS	200
#define ERESTARTSYS	512		/* the kernel's, never seen by user space */

static struct nvdev dev;
static struct nvbo bo_a, bo_b, bo_c;	/* A: relocated; B: the target */
static volatile uint32_t *map_b;
static volatile int sigusr2_seen;
static char why[256];

/* ------------------------------------------------------------ helpers */

static void on_sigusr2(int sig)
{
	(void)sig;
	sigusr2_seen++;
}

static void on_sigalrm(int sig)
{
	(void)sig;
}

/* SIGUSR2 handler with or without SA_RESTART; SIGALRM interrupts. */
static void signals(bool restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr2;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = on_sigalrm;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
}

/* Set the injection; returns how often the previous setting fired. */
static int inject(uint32_t step, uint32_t index, int error, uint32_t times)
{
	struct drm_nvlf_test_inject in = {
		.step = step, .index = index, .error = error, .times = times,
	};
	int r = nv_ioctl(dev.fd, DRM_IOCTL_NVLF_TEST_INJECT, &in);

	return r ? r : (int)in.fired;
}

/*
 * Kernel mappings of BOs in /proc/vmallocinfo (areas whose caller is
 * ttm_bo_kmap or ttm_bo_vmap: TTM passes no VM_MAP flag), or -1.
 */
static long vmaps(void)
{
	FILE *f = fopen("/proc/vmallocinfo", "re");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " ttm_bo_kmap") || strstr(line, " ttm_bo_vmap"))
			n++;
	fclose(f);
	return n;
}

/* Every buffer can be reserved again at once: 1; what failed in why. */
static int none_held(void)
{
	const struct nvbo *bos[] = { &bo_a, &bo_b, &bo_c };
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(bos); i++) {
		alarm(5);
		r = bo_hold(dev.fd, bos[i]->handle, 0);
		alarm(0);
		if (r) {
			snprintf(why, sizeof(why),
				 "reserving buffer %u again: %s%s", i,
				 strerror(-r), r == -EINTR ?
				 " (still reserved after 5 s)" : "");
			return 0;
		}
	}
	return 1;
}

/* A job over A, B, C: A's presumed offset wrong, two relocations into B. */
struct job {
	struct drm_nouveau_gem_pushbuf req;
	struct drm_nouveau_gem_pushbuf_push push[1];
	struct drm_nouveau_gem_pushbuf_bo bo[3];
	struct drm_nouveau_gem_pushbuf_reloc *reloc;	/* 2 */
	struct drm_nouveau_gem_pushbuf_reloc local[2];
	void *fresh;		/* a not yet faulted-in copy, or NULL */
};

/*
 * @slow: the relocation array lives in a fresh shared mapping, not yet
 * faulted in, so that copying it with reservations held would fault: the
 * engine takes the slow path.
 */
static int job_init(struct job *j, bool slow)
{
	memset(j, 0, sizeof(*j));
	pb_entry(&j->bo[0], &bo_a);
	pb_entry(&j->bo[1], &bo_b);
	pb_entry(&j->bo[2], &bo_c);
	j->bo[0].presumed.offset += BIG_OFFSET;
	j->push[0].bo_index = 1;
	j->push[0].length = 8;
	j->local[0] = (struct drm_nouveau_gem_pushbuf_reloc) {
		.reloc_bo_index = 1, .reloc_bo_offset = 0, .bo_index = 0,
		.flags = NOUVEAU_GEM_RELOC_LOW, .data = 0x10,
	};
	j->local[1] = (struct drm_nouveau_gem_pushbuf_reloc) {
		.reloc_bo_index = 1, .reloc_bo_offset = 4, .bo_index = 0,
		.flags = NOUVEAU_GEM_RELOC_LOW, .data = 0x20,
	};
	j->reloc = j->local;
	if (slow) {
		int fd = memfd_create("nvlf-relocs", MFD_CLOEXEC);

		if (fd < 0 || pwrite(fd, j->local, sizeof(j->local), 0) !=
		    (ssize_t)sizeof(j->local)) {
			snprintf(why, sizeof(why), "memfd: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		j->fresh = mmap(NULL, NV_PAGE, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (j->fresh == MAP_FAILED) {
			snprintf(why, sizeof(why), "mmap: %s", strerror(errno));
			j->fresh = NULL;
			return -1;
		}
		j->reloc = j->fresh;
	}
	j->req.channel = (uint32_t)dev.chan;
	j->req.nr_buffers = 3;
	j->req.buffers = uptr(j->bo);
	j->req.nr_push = 1;
	j->req.push = uptr(j->push);
	j->req.nr_relocs = 2;
	j->req.relocs = uptr(j->reloc);
	return 0;
}

static void job_fini(struct job *j)
{
	if (j->fresh)
		munmap(j->fresh, NV_PAGE);
}

/* B's two words hold what the relocations write for A's real place. */
static int relocated(void)
{
	struct drm_nouveau_gem_pushbuf_bo_presumed real = { 0 };
	struct drm_nouveau_gem_pushbuf_reloc r0 = {
		.flags = NOUVEAU_GEM_RELOC_LOW, .data = 0x10,
	}, r1 = r0;
	uint32_t w0 = map_b[0], w1 = map_b[1];

	r1.data = 0x20;
	if (bo_info(dev.fd, &bo_a))
		return 0;
	real.domain = bo_a.domain;
	real.offset = bo_a.offset;
	snprintf(why, sizeof(why),
		 "B words 0x%08x 0x%08x, relocated values 0x%08x 0x%08x (A in %s at 0x%" PRIx64 ")",
		 w0, w1, reloc_value(&r0, &real), reloc_value(&r1, &real),
		 domain_name(bo_a.domain), bo_a.offset);
	return w0 == reloc_value(&r0, &real) && w1 == reloc_value(&r1, &real);
}

/* The buffer list after the call is @before, with A written back if @wb. */
static int list_as_upstream(const struct job *j,
			    const struct drm_nouveau_gem_pushbuf_bo *before,
			    bool wb)
{
	struct drm_nouveau_gem_pushbuf_bo want[3];

	memcpy(want, before, sizeof(want));
	if (wb) {
		if (bo_info(dev.fd, &bo_a))
			return 0;
		want[0].presumed.valid = 0;
		want[0].presumed.domain = bo_a.domain;
		want[0].presumed.offset = bo_a.offset;
	}
	snprintf(why, sizeof(why),
		 "A's entry: valid=%u %s 0x%" PRIx64 "; expected %s",
		 j->bo[0].presumed.valid, domain_name(j->bo[0].presumed.domain),
		 (uint64_t)j->bo[0].presumed.offset,
		 wb ? "written back" : "untouched");
	return !memcmp(want, j->bo, sizeof(want));
}

/* ------------------------------------------------------------ steps */

struct step_case {
	const char *name;
	uint32_t step, index;
	int error;
	uint32_t times;		/* 0: every time while the call runs */
	bool slow;		/* relocations not faulted in: slow path */
	bool restart;		/* SIGUSR2 handler with SA_RESTART */
	int ret;		/* what the ioctl returns */
	bool wb;		/* presumed offsets written back (upstream) */
};

/* Validating buffer K: interrupted (restarted or not), -ENOMEM, -EAGAIN. */
#define VALIDATE_CASES(K)						\
	{ "validate buffer " #K ", signal", NVLF_TEST_STEP_VALIDATE, K,	\
	  -ERESTARTSYS, 1, false, false, -EINTR, false },		\
	{ "validate buffer " #K ", signal, restarted",			\
	  NVLF_TEST_STEP_VALIDATE, K, -ERESTARTSYS, 1, false, true, 0, true }, \
	{ "validate buffer " #K ", -ENOMEM", NVLF_TEST_STEP_VALIDATE, K,	\
	  -ENOMEM, 1, false, false, -ENOMEM, false },			\
	{ "validate buffer " #K ", -EAGAIN", NVLF_TEST_STEP_VALIDATE, K,	\
	  -EAGAIN, 1, false, false, -EAGAIN, false }

static const struct step_case cases[] = {
	{ "lock pass 0, signal", NVLF_TEST_STEP_LOCK, 0, -ERESTARTSYS, 1, false, false, -EINTR, false },
	{ "re-lock after the slow path, signal", NVLF_TEST_STEP_LOCK, 1, -ERESTARTSYS, 1, true, false, -EINTR, false },
	{ "re-lock after the slow path, signal, restarted", NVLF_TEST_STEP_LOCK, 1, -ERESTARTSYS, 1, true, true, 0, true },
	VALIDATE_CASES(0),
	VALIDATE_CASES(1),
	VALIDATE_CASES(2),
	{ "validate buffer 1, -EAGAIN three times, slow path", NVLF_TEST_STEP_VALIDATE, 1, -EAGAIN, 3, true, false, -EAGAIN, false },
	{ "slow-path copy, -EFAULT", NVLF_TEST_STEP_RELOC_COPY, 0, -EFAULT, 1, true, false, -EFAULT, false },
	{ "slow-path copy, -ENOMEM", NVLF_TEST_STEP_RELOC_COPY, 0, -ENOMEM, 1, true, false, -ENOMEM, false },
	{ "map buffer 1, -ENOMEM", NVLF_TEST_STEP_MAP, 1, -ENOMEM, 1, false, false, -ENOMEM, true },
	{ "relocation 0, -EBUSY", NVLF_TEST_STEP_RELOC, 0, -EBUSY, 1, false, false, -EBUSY, true },
	{ "relocation 1, -EBUSY", NVLF_TEST_STEP_RELOC, 1, -EBUSY, 1, true, false, -EBUSY, true },
	{ "relocation 1, -ENOMEM", NVLF_TEST_STEP_RELOC, 1, -ENOMEM, 1, false, false, -ENOMEM, true },
	{ "submission, -ENOMEM", NVLF_TEST_STEP_SUBMIT, 0, -ENOMEM, 1, false, false, -ENOMEM, true },
	{ "submission, signal, restarted", NVLF_TEST_STEP_SUBMIT, 0, -ERESTARTSYS, 1, true, true, 0, true },
};
static void poison_b(void)
{
	map_b[0] = POISON;
	map_b[1] = POISON;
}

static void run_case(const struct step_case *c)
{
	struct drm_nouveau_gem_pushbuf_bo before[3];
	struct job j;
	long v0, v1;
	int r, fired;

	signals(c->restart);
	poison_b();
	if (job_init(&j, c->slow)) {
		tap(0, "%s: setup: %s", c->name, why);
		return;
	}
	memcpy(before, j.bo, sizeof(before));
	sigusr2_seen = 0;
	v0 = vmaps();
	inject(c->step, c->index, c->error, c->times);
	r = nv_ioctl_once(dev.fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &j.req);
	fired = inject(NVLF_TEST_STEP_NONE, 0, 0, 0);
	v1 = vmaps();

	if (c->restart)
		tap(r == 0 && fired >= 1 && sigusr2_seen == 1 && relocated(),
		    "%s: the restarted call returned %s after the signal (injected %d times, SIGUSR2 seen %d times); %s",
		    c->name, strerror(-r), fired, sigusr2_seen, why);
	else
		tap(r == c->ret && fired >= 1,
		    "%s: returned %s (expected %s; injected %d times)",
		    c->name, strerror(-r), strerror(-c->ret), fired);
	r = list_as_upstream(&j, before, c->wb);
	tap(r, "%s: the buffer list is as upstream leaves it: %s", c->name,
	    why);
	tap(none_held(), "%s: no reservation left held%s%s", c->name,
	    why[0] ? ": " : "", why);
	why[0] = '\0';
	tap(v0 >= 0 && v1 == v0, "%s: no kernel mapping of a BO left (%ld before, %ld after)",
	    c->name, v0, v1);

	/*
	 * The same request again.  A job that failed before relocating left
	 * the list as it was: this is what a restarted call or a retry
	 * sends.  One that got further told user space where its buffers
	 * are; user space writes its next words for those, so the request
	 * that must still work is the one first sent.
	 */
	if (c->wb)
		memcpy(j.bo, before, sizeof(before));
	poison_b();
	r = nv_ioctl(dev.fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &j.req);
	tap(r == 0 && relocated(),
	    "%s: sent again (%s), it returned %s and relocated: %s", c->name,
	    c->wb ? "the list as first sent" : "the list as left",
	    strerror(-r), why);
	job_fini(&j);
}

static void test_steps(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		why[0] = '\0';
		run_case(&cases[i]);
	}
	signals(false);
}

/* ------------------------------------------------------------ kmap-leak */

static void test_kmap_leak(void)
{
	struct job j;
	long v0, v1;
	int i, r, bad = 0;

	if (job_init(&j, false)) {
		tap(0, "kmap-leak: setup: %s", why);
		return;
	}
	/* relocation 0 maps B; relocation 1 is 64 bytes past its end */
	j.local[1].reloc_bo_offset = B_SIZE + 64;
	v0 = vmaps();
	for (i = 0; i < LEAK_CALLS; i++) {
		j.bo[0].presumed.offset = bo_a.offset + BIG_OFFSET;
		j.bo[0].presumed.valid = 1;
		r = nv_ioctl(dev.fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &j.req);
		bad += r != -EINVAL;
	}
	v1 = vmaps();
	tap(!bad && v0 >= 0 && v1 - v0 < LEAK_CALLS / 20,
	    "kmap-leak: %d calls with a relocation outside a %u KiB buffer after a valid one: %d did not return EINVAL; kernel mappings of BOs %ld before, %ld after",
	    LEAK_CALLS, B_SIZE / 1024, bad, v0, v1);
	job_fini(&j);
}

/* ------------------------------------------------------------ messages */

/* The kernel log since @fd was opened contains @text. */
static int kmsg_has(int fd, const char *text)
{
	char rec[1024];
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			return 0;
		rec[n] = '\0';
		if (strstr(rec, text))
			return 1;
	}
}

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static void test_messages(void)
{
	char text[64];
	struct job j;
	int fd, r;

	if (job_init(&j, false)) {
		tap(0, "messages: setup: %s", why);
		return;
	}
	/*
	 * The messages are rate-limited per call site (10 in 5 s): whatever
	 * ran before (bad-input tests, say) may have used the window up.
	 */
	sleep(6);
	fd = kmsg_open();
	j.bo[2].handle = 0x7fff0001;
	r = nv_ioctl(dev.fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &j.req);
	snprintf(text, sizeof(text), "Unknown handle 0x%08x", 0x7fff0001);
	tap(r == -ENOENT && kmsg_has(fd, text),
	    "messages: an unknown handle (%s) is logged: \"%s\"",
	    strerror(-r), text);
	close(fd);
	job_fini(&j);

	job_init(&j, false);
	fd = kmsg_open();
	j.local[1].reloc_bo_offset = B_SIZE;
	r = nv_ioctl(dev.fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &j.req);
	tap(r == -EINVAL && kmsg_has(fd, "reloc outside of bo"),
	    "messages: a relocation outside its buffer (%s) is logged: \"reloc outside of bo\"",
	    strerror(-r));
	close(fd);
	job_fini(&j);

	job_init(&j, false);
	fd = kmsg_open();
	inject(NVLF_TEST_STEP_VALIDATE, 1, -ENOMEM, 1);
	r = nv_ioctl(dev.fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &j.req);
	inject(NVLF_TEST_STEP_NONE, 0, 0, 0);
	snprintf(text, sizeof(text), "validate: %d", -ENOMEM);
	tap(r == -ENOMEM && kmsg_has(fd, text),
	    "messages: a failed validation (%s) is logged: \"%s\"",
	    strerror(-r), text);
	close(fd);
	job_fini(&j);
}

/* ------------------------------------------------------------ populate */

/* Write then read a word of @p, catching SIGBUS: 0, or the signal. */
static int touch(volatile uint32_t *p, uint32_t v, uint32_t *got)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);

	if (sig)
		return sig;
	seg_jump = &jb;
	*p = v;
	*got = *p;
	seg_jump = NULL;
	return 0;
}

static void test_populate(void)
{
	struct nvbo bo;
	volatile uint32_t *p;
	uint32_t got = 0;
	int sig, fired;

	signals(false);
	if (bo_new(dev.fd, NV_CPU, NV_PAGE, &bo) ||
	    !(p = bo_map(dev.fd, &bo))) {
		tap(0, "populate: a CPU BO and its mapping: %s",
		    strerror(errno));
		return;
	}
	inject(NVLF_TEST_STEP_POPULATE, NVLF_TEST_INDEX_ANY, -ENOMEM, 1);
	sig = touch(p, 0x1234, &got);
	fired = inject(NVLF_TEST_STEP_NONE, 0, 0, 0);
	tap(sig == SIGBUS && fired == 1,
	    "populate: -ENOMEM allocating the pages is SIGBUS for the task (got %s; injected %d times)",
	    sig ? strsignal(sig) : "no signal, the access went through", fired);
	sig = touch(p, 0x1234, &got);
	tap(!sig && got == 0x1234,
	    "populate: once the allocation succeeds the access works (%s, read 0x%x)",
	    sig ? strsignal(sig) : "no signal", got);
	munmap((void *)p, bo.size);
	bo_close(dev.fd, &bo);

	if (bo_new(dev.fd, NV_CPU, NV_PAGE, &bo) ||
	    !(p = bo_map(dev.fd, &bo))) {
		tap(0, "populate: a second CPU BO: %s", strerror(errno));
		return;
	}
	sigusr2_seen = 0;
	inject(NVLF_TEST_STEP_POPULATE, NVLF_TEST_INDEX_ANY, -ERESTARTSYS, 1);
	sig = touch(p, 0x5678, &got);
	fired = inject(NVLF_TEST_STEP_NONE, 0, 0, 0);
	tap(!sig && got == 0x5678 && fired == 1 && sigusr2_seen == 1,
	    "populate: an interrupted allocation faults again and the access works (%s, read 0x%x; injected %d times, SIGUSR2 seen %d times)",
	    sig ? strsignal(sig) : "no signal", got, fired, sigusr2_seen);
	munmap((void *)p, bo.size);
	bo_close(dev.fd, &bo);
}

/* ------------------------------------------------------------ main */

/* Three BOs: A in GART, B (64 KiB) and C in VRAM; B mapped. */
static int setup(char *err, size_t len)
{
	int r = bo_new(dev.fd, NV_GART, NV_PAGE, &bo_a);

	if (!r)
		r = bo_new(dev.fd, NV_VRAM, B_SIZE, &bo_b);
	if (!r)
		r = bo_new(dev.fd, NV_VRAM, NV_PAGE, &bo_c);
	if (r) {
		snprintf(err, len, "GEM_NEW: %s", strerror(-r));
		return -1;
	}
	map_b = bo_map(dev.fd, &bo_b);
	if (!map_b) {
		snprintf(err, len, "mmap of B: %s", strerror(errno));
		return -1;
	}
	r = inject(NVLF_TEST_STEP_NONE, 0, 0, 0);
	if (r < 0) {
		snprintf(err, len, "INJECT: %s (a test driver without fault injection?)",
			 strerror(-r));
		return -1;
	}
	return 0;
}

static bool begin(void)
{
	return tap(1, "nvlf_test device %s with fault injection: chipset 0x%" PRIx64 ", channel %d",
		   dev.path, dev.chipset, dev.chan);
}

static void end(void)
{
	inject(NVLF_TEST_STEP_NONE, 0, 0, 0);
}

static const struct nvlf_part tests[] = {
	{ .name = "messages", .fn = test_messages },
	{ .name = "steps", .fn = test_steps },
	{ .name = "kmap-leak", .fn = test_kmap_leak },
	{ .name = "populate", .fn = test_populate },
};

static const struct nvlf_prog prog = {
	.name = "nvlf_inject",
	NVLF_PARTS(tests),
	.watchdog_s = WATCHDOG_S,
	.dev = &dev,
	.device_point = "nvlf_test device with fault injection",
	.setup = setup,
	.begin = begin,
	.end = end,
};

NVLF_MAIN(prog)
