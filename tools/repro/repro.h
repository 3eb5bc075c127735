/* SPDX-License-Identifier: GPL-2.0 */
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
 * This header: what the files of tools/repro/ share (the device, the BOs
 * of a scenario, the submitter, faulter and mover threads, the checks).
 * Files: main.c (options, scenario table), device.c (device, channel, the
 * scenarios' ioctl wrapper and BOs), injected.c (--injected), submitter.c
 * (shared BOs, jobs), workers.c (faulter and mover threads), report.c
 * (counters, sums, final check), scen_submit.c (nested, presumed-ro,
 * opposite-order), scen_race.c (faulters, mover), stress.c (--stress).
 * TAP, the device's ioctls, BOs, patterns, counters and the watchdog come
 * from the test library tests/lib (tests/lib/testlib.h), the test
 * driver's uapi from tests/kmod/nvlf_test_drm.h.
 *
 * Build: make -C tools O=DIR  ->  DIR/nvlf-repro (see tools/Makefile).
 * Run it as root for the kernel counters (debugfs) and module parameters.
 * See usage() in main.c for the options and scenarios.
 */
#ifndef NVLF_REPRO_H
#define NVLF_REPRO_H

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

#include "testlib.h"	/* tests/lib: TAP, device, BOs, counters, watchdog */

#ifndef NOUVEAU_FIFO_ENGINE_GR
#define NOUVEAU_FIFO_ENGINE_GR 0x01	/* Kepler+ CHANNEL_ALLOC engine */
#endif
#define NVLF_NOUVEAU_STATS NVLF_DEBUGFS "/nvlf_nouveau/stats"

/* ----------------------------------------------------------- options */

struct repro_opt {
	const char *device;
	bool submit;
	bool reject;
	long stress_s;
	int threads;
	int iterations;
	unsigned int timeout;
	bool injected;
};
extern struct repro_opt opt;

/* ------------------------------------------------------------ errors */

void err_init(struct errbuf *e);
/* "" or "; first: ..." for a message */
const char *err_first(const struct errbuf *e, char *buf, size_t len);

/* --------------------------------------------------------- counters */

extern const char *stats_drv;	/* the driver's nvlf stats file */

/* A set of counters read before and after a scenario. */
#define MAX_CTR 12
struct ctrs {
	struct stat_delta d[MAX_CTR];
	int n;
};

void ctr_add(struct ctrs *c, const char *file, const char *name);
void ctr_add_list(struct ctrs *c, const char *file, const char *const *names);
/* CTR_ADD(&c, file, "name", ...): several counters of one file, in order */
#define CTR_ADD(c, file, ...) \
	ctr_add_list(c, file, (const char *const[]){ __VA_ARGS__, NULL })
bool ctr_delta(struct ctrs *c, const char *name, long *d);
void ctr_diag(struct ctrs *c, const char *what);

/* ------------------------------------------------------------ device */

struct repro_dev {
	struct nvdev nv;
	bool test;		/* nvlf_test */
	bool nouveau;
	bool reject;		/* nouveau without --submit: jobs end in -EINVAL */
	bool relocs;		/* the kernel applies relocations */
	uint32_t push_len;
	const char *module;	/* for /sys/module/MODULE/parameters */
};
extern struct repro_dev D;

bool injected(int rc);
void make_it_fail(bool on);
void inject_this_thread(void);
int xioctl(unsigned long req, void *arg);
int dev_setup(char *err, size_t len);

/* a BO of @pages pages in @domain (on nouveau: GART) */
int repro_bo_new(uint32_t domain, unsigned int pages, struct nvbo *b);

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
#define META_BUF	(1 * NV_PAGE + 0x100)
#define META_RELOC	(20 * NV_PAGE - 2 * sizeof(struct drm_nouveau_gem_pushbuf_reloc))
#define META_TGT	(30 * NV_PAGE)
#define MAX_ENT		(NSHARED + 2)	/* meta + shared + duplicate */
#define RELOCS_PER_ENT	2
#define MAX_RELOCS	((NSHARED + 1) * RELOCS_PER_ENT)
#define OBJ_META	NSHARED		/* object index of the meta BO */

struct world {
	struct nvbo sh[NSHARED];
	uint32_t *map[NSHARED];
	bool moving;		/* a mover runs: placements change */
	atomic_int stop;
};

int world_init(struct world *w, char *err, size_t len);
void world_fini(struct world *w);

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

	struct nvbo meta;
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

void sub_init(struct sub *s, struct world *w, int id);
int sub_make_nested(struct sub *s, char *err, size_t len);
void sub_fini(struct sub *s);
void sub_job(struct sub *s, long it);
void *sub_thread(void *arg);

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

void *faulter_thread(void *arg);
void faulter_init(struct faulter *f, struct world *w, int id, long min_iters);

/* -------------------------------------------------------------- mover */

struct mover {
	struct world *w;
	pthread_t th;
	long moves;
	struct errbuf err;
};

void *mover_thread(void *arg);

/* ---------------------------------------------------------- checks */

int final_check(struct world *w, struct faulter *f, int nf,
		struct sub *s, int ns, char *msg, size_t len);

struct sums {
	long jobs, rc_bad, pr_bad, rl_bad, injected, unknown;
	char rc_first[420], pr_first[420], rl_first[420];
};

void sums_of(const struct sub *s, int ns, struct sums *t);
const char *expect_rc_text(void);
const char *presumed_text(void);
const char *reloc_text(void);
void faulter_sum(const struct faulter *f, int nf, long *iters,
		 long *remaps, long *bad, char *first, size_t len);

/* ------------------------------------------------------- scenarios */

extern char setup_err[400];
void skip_n(int n, const char *why, const char *scen);
void fail_n(int n, const char *scen, const char *why);
int start_subs(struct sub *s, int n);

#define NESTED_POINTS 5
#define RO_POINTS 4
#define OPP_POINTS 3
#define FLT_POINTS 4
#define MOV_POINTS 5
#define STRESS_POINTS 5
void scen_nested(void);
void scen_presumed_ro(void);
void scen_opposite(void);
void scen_faulters(void);
void scen_mover(void);
void scen_stress(void);

#endif /* NVLF_REPRO_H */
