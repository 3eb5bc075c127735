// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf_badinput - GEM_PUSHBUF bad input on the nvlf_test driver, as TAP.
 *
 * Usage: nvlf_badinput [--device PATH] [--only SUBSTRING] [--list]
 *
 * One test point per case: the ioctl returns the case's defined result
 * and, afterwards, a valid job (with a relocation and a presumed offset
 * to write back) still succeeds, so the device stays usable.  The cases
 * cover NULL and unmapped array pointers (-EFAULT; the relocation array is
 * read only when a presumed offset is wrong), a buffer list on a
 * read-only page (0 and presumed_swallowed+1, or -EFAULT with
 * lockfix_strict_presumed=1), counts over the limits and counts whose
 * byte size overflows 32 bits (-EINVAL), counts at the limits (0),
 * unknown or zero handles and unknown channels (-ENOENT), duplicate
 * handles, indices out of range, relocations outside their buffer and
 * buffers without VRAM or GART in their valid domains (-EINVAL), and a
 * thread that unmaps the relocation array while jobs are submitted (0 or
 * -EFAULT, nothing else).  The table of cases and results is printed as
 * TAP comments at the end, after which comes the plan.
 *
 * Exit status: 0 if every point passed, 1 otherwise, 2 on usage errors.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define BO_PAGES	4
#define BIG_OFFSET	0x10000000ull	/* added to make a presumed offset wrong */
#define WORD_POISON	0x5eedf00du

static struct nvdev dev;
static struct nvbo bo_a, bo_b;		/* A: GART, B: VRAM */
static volatile uint32_t *map_b;
static long page_size;

/* ------------------------------------------------------------ jobs */

struct job {
	struct drm_nouveau_gem_pushbuf req;
	struct drm_nouveau_gem_pushbuf_push push[1];
	struct drm_nouveau_gem_pushbuf_bo bo[3];
	struct drm_nouveau_gem_pushbuf_reloc reloc[2];
};

/*
 * A job over A and B: one push, one relocation writing LOW(A + 0x10) to
 * word 0 of B.  @wrong: A's presumed offset is wrong, so the relocation
 * is applied and A's presumed entry written back.  The arrays live in the
 * struct: do not copy it.
 */
static void job_init(struct job *j, bool wrong)
{
	memset(j, 0, sizeof(*j));
	pb_entry(&j->bo[0], &bo_a);
	pb_entry(&j->bo[1], &bo_b);
	if (wrong)
		j->bo[0].presumed.offset += BIG_OFFSET;
	j->push[0].bo_index = 0;
	j->push[0].offset = 0;
	j->push[0].length = 8;
	j->reloc[0].reloc_bo_index = 1;
	j->reloc[0].reloc_bo_offset = 0;
	j->reloc[0].bo_index = 0;
	j->reloc[0].flags = NOUVEAU_GEM_RELOC_LOW;
	j->reloc[0].data = 0x10;
	j->req.channel = (uint32_t)dev.chan;
	j->req.nr_buffers = 2;
	j->req.buffers = uptr(j->bo);
	j->req.nr_push = 1;
	j->req.push = uptr(j->push);
	j->req.nr_relocs = 1;
	j->req.relocs = uptr(j->reloc);
}

static int refresh_bos(char *msg, size_t len)
{
	int r = bo_info(dev.fd, &bo_a);

	if (!r)
		r = bo_info(dev.fd, &bo_b);
	if (r)
		snprintf(msg, len, "GEM_INFO: %s", strerror(-r));
	return r;
}

/*
 * B's word 0 as relocation @r must have left it, A being where GEM_INFO
 * says, into *@want, and what it holds into *@got; -1 (@msg) if GEM_INFO
 * fails.
 */
static int reloc_word(const struct drm_nouveau_gem_pushbuf_reloc *r,
		      uint32_t *want, uint32_t *got, char *msg, size_t len)
{
	struct drm_nouveau_gem_pushbuf_bo_presumed real;

	if (refresh_bos(msg, len))
		return -1;
	real.valid = 0;
	real.domain = bo_a.domain;
	real.offset = bo_a.offset;
	*want = reloc_value(r, &real);
	*got = map_b[0];
	return 0;
}

/*
 * Check what a job built by job_init(wrong=true) did, from the presumed
 * entry @a as it is after the call: written back with A's real place and
 * B's word 0 relocated.  1 if so; what was seen in @msg.
 */
static int check_relocated(const struct drm_nouveau_gem_pushbuf_bo *a,
			   const struct drm_nouveau_gem_pushbuf_reloc *r,
			   char *msg, size_t len)
{
	uint32_t want, got;

	if (reloc_word(r, &want, &got, msg, len))
		return 0;
	snprintf(msg, len,
		 "presumed written back: valid=%u %s offset 0x%" PRIx64 " (A is %s 0x%" PRIx64 "); B word 0 = 0x%08x (expected 0x%08x)",
		 a->presumed.valid, domain_name(a->presumed.domain),
		 (uint64_t)a->presumed.offset, domain_name(bo_a.domain),
		 bo_a.offset, got, want);
	return a->presumed.valid == 0 && a->presumed.domain == bo_a.domain &&
	       a->presumed.offset == bo_a.offset && got == want;
}

/* Relocation applied (B word 0), whatever happened to the write-back. */
static int check_reloc_applied(const struct drm_nouveau_gem_pushbuf_reloc *r,
			       char *msg, size_t len)
{
	uint32_t want, got;

	if (reloc_word(r, &want, &got, msg, len))
		return 0;
	snprintf(msg, len, "B word 0 = 0x%08x (relocated value 0x%08x)", got,
		 want);
	return got == want;
}

/* The device still works: a valid job with a relocation succeeds. */
static int valid_job(char *msg, size_t len)
{
	struct job j;
	char m[300];
	int r;

	if (refresh_bos(msg, len))
		return 0;
	job_init(&j, true);
	map_b[0] = WORD_POISON;
	r = nv_pushbuf(dev.fd, &j.req);
	if (r) {
		snprintf(msg, len, "valid job returned %d (%s)", r, strerror(-r));
		return 0;
	}
	if (!check_relocated(&j.bo[0], &j.reloc[0], m, sizeof(m))) {
		snprintf(msg, len, "valid job returned 0 but %s", m);
		return 0;
	}
	snprintf(msg, len, "valid job afterwards: 0");
	return 1;
}

/* A page that is mapped, followed by one that is not (for -EFAULT). */
static uint8_t *page_pair;

static void *unmapped_ptr(void)
{
	return page_pair + page_size;
}

/* ------------------------------------------------------------ cases */

struct result {
	int expect;		/* set by the case when not fixed */
	bool extra_ok;		/* further checks of the case */
	char extra[512];
};

typedef int (*case_fn)(struct result *res);

static int run_job(struct job *j)
{
	return nv_pushbuf(dev.fd, &j->req);
}

/*
 * The simple cases: a job from job_init(), up to four fields changed,
 * each named by where it is in struct job (SET(member, value)).  Values
 * that depend on the run are tokens: V_UNMAPPED (the page that is not
 * mapped), V_B_SIZE_MINUS + n (B's size - n), V_CHAN_PLUS + n (our
 * channel + n).
 */
#define V_UNMAPPED	(1ull << 63)
#define V_B_SIZE_MINUS	(1ull << 62)
#define V_CHAN_PLUS	(1ull << 61)
#define V_TOKENS	(V_UNMAPPED | V_B_SIZE_MINUS | V_CHAN_PLUS)

struct change {
	size_t off, size;	/* size 0: no change */
	uint64_t value;
};

#define SET(member, v) { offsetof(struct job, member),			\
	sizeof(((struct job *)0)->member), (v) }

static uint64_t resolve(uint64_t v)
{
	if (v == V_UNMAPPED)
		return uptr(unmapped_ptr());
	if (v & V_B_SIZE_MINUS)
		return bo_b.size - (v & ~V_TOKENS);
	if (v & V_CHAN_PLUS)
		return (uint64_t)dev.chan + (v & ~V_TOKENS);
	return v;
}

/* a 32- or 64-bit field of @j (little endian: the low bytes) */
static void job_change(struct job *j, const struct change *c)
{
	uint64_t v = resolve(c->value);

	memcpy((char *)j + c->off, &v, c->size);
}

/* Two relocations, the second on the page that is not mapped. */
static int c_relocs_straddle(struct result *res)
{
	struct drm_nouveau_gem_pushbuf_reloc *r =
		(void *)(page_pair + page_size - sizeof(*r));
	struct job j;

	(void)res;
	job_init(&j, true);
	*r = j.reloc[0];
	j.req.relocs = uptr(r);
	j.req.nr_relocs = 2;
	return run_job(&j);
}

/* The buffer list on a read-only page, presumed wrong: write-back fails. */
static int c_buffers_ro(struct result *res)
{
	int strict = param_bool(NVLF_TEST_DRIVER_NAME, "lockfix_strict_presumed");
	struct drm_nouveau_gem_pushbuf_bo *ro, copy[2];
	struct stat_delta sw;
	char m[200];
	long d = 0;
	bool have;
	struct job j;
	int rc;

	job_init(&j, true);
	ro = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED) {
		snprintf(res->extra, sizeof(res->extra), "mmap: %s",
			 strerror(errno));
		return 1;
	}
	memcpy(ro, j.bo, sizeof(copy));
	memcpy(copy, j.bo, sizeof(copy));
	mprotect(ro, (size_t)page_size, PROT_READ);
	j.req.buffers = uptr(ro);
	map_b[0] = WORD_POISON;
	res->expect = strict == 1 ? -EFAULT : 0;
	stat_begin(&sw, NVLF_TEST_STATS, "presumed_swallowed");

	rc = run_job(&j);

	have = stat_end(&sw, &d);
	res->extra_ok = check_reloc_applied(&j.reloc[0], m, sizeof(m)) &&
			!memcmp(ro, copy, sizeof(copy)) &&
			(!have || d == (strict == 1 ? 0 : 1));
	snprintf(res->extra, sizeof(res->extra),
		 "lockfix_strict_presumed=%s; presumed_swallowed %s%ld (expected +%d); %s; read-only list %s",
		 strict < 0 ? "unreadable (default 0 assumed)" : strict ? "1" : "0",
		 have ? (d >= 0 ? "+" : "") : "unreadable ", have ? d : 0L,
		 strict == 1 ? 0 : 1, m,
		 memcmp(ro, copy, sizeof(copy)) ? "CHANGED" : "unchanged");
	munmap(ro, (size_t)page_size);
	return rc;
}

/* The buffer list on a read-only page, presumed right: nothing to write. */
static int c_buffers_ro_right(struct result *res)
{
	struct drm_nouveau_gem_pushbuf_bo *ro;
	struct job j;
	int rc;

	(void)res;
	job_init(&j, false);
	ro = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		return 1;
	memcpy(ro, j.bo, 2 * sizeof(*ro));
	mprotect(ro, (size_t)page_size, PROT_READ);
	j.req.buffers = uptr(ro);
	rc = run_job(&j);
	munmap(ro, (size_t)page_size);
	return rc;
}

static int c_push_512(struct result *res)
{
	static struct drm_nouveau_gem_pushbuf_push push[NOUVEAU_GEM_MAX_PUSH];
	struct job j;
	unsigned int i;

	(void)res;
	job_init(&j, false);
	for (i = 0; i < NOUVEAU_GEM_MAX_PUSH; i++) {
		push[i].bo_index = i % 2;
		push[i].offset = 8 * (i % 16);
		push[i].length = 8;
	}
	j.req.nr_push = NOUVEAU_GEM_MAX_PUSH;
	j.req.push = uptr(push);
	return run_job(&j);
}

/* 1024 relocations into distinct words of B; verifies every word. */
static int c_relocs_1024(struct result *res)
{
	static struct drm_nouveau_gem_pushbuf_reloc rel[NOUVEAU_GEM_MAX_RELOCS];
	struct drm_nouveau_gem_pushbuf_bo_presumed *p;
	struct job j;
	unsigned int i, bad = 0, first = 0;
	int rc;

	job_init(&j, true);
	for (i = 0; i < NOUVEAU_GEM_MAX_RELOCS; i++) {
		rel[i].reloc_bo_index = 1;
		rel[i].reloc_bo_offset = 4 * i;
		rel[i].bo_index = 0;
		rel[i].flags = i % 3 == 0 ? NOUVEAU_GEM_RELOC_LOW :
			       i % 3 == 1 ? NOUVEAU_GEM_RELOC_HIGH : 0;
		rel[i].data = 0x1000 * i + 3;
		map_b[i] = WORD_POISON;
	}
	j.req.nr_relocs = NOUVEAU_GEM_MAX_RELOCS;
	j.req.relocs = uptr(rel);
	rc = run_job(&j);
	p = &j.bo[0].presumed;
	for (i = 0; i < NOUVEAU_GEM_MAX_RELOCS; i++)
		if (map_b[i] != reloc_value(&rel[i], p) && !bad++)
			first = i;
	res->extra_ok = !rc && p->valid == 0 && !bad;
	snprintf(res->extra, sizeof(res->extra),
		 "presumed valid=%u offset 0x%" PRIx64 "; %u of 1024 words wrong%s",
		 p->valid, (uint64_t)p->offset, bad,
		 bad ? " (first shown below)" : "");
	if (bad)
		diag("relocs-1024: word %u = 0x%08x, expected 0x%08x", first,
		     map_b[first], reloc_value(&rel[first], p));
	return rc;
}

/* 1024 distinct BOs (A, B and 1022 more). */
static int c_buffers_1024(struct result *res)
{
	static struct drm_nouveau_gem_pushbuf_bo b[NOUVEAU_GEM_MAX_BUFFERS];
	static struct nvbo extra[NOUVEAU_GEM_MAX_BUFFERS];
	struct job j;
	unsigned int i, made = 0;
	int rc = 0;

	job_init(&j, false);
	b[0] = j.bo[0];
	b[1] = j.bo[1];
	for (i = 2; i < NOUVEAU_GEM_MAX_BUFFERS; i++) {
		rc = bo_new(dev.fd, NV_GART, NV_PAGE, &extra[i]);
		if (rc) {
			snprintf(res->extra, sizeof(res->extra),
				 "GEM_NEW of BO #%u: %s", i, strerror(-rc));
			break;
		}
		made++;
		pb_entry(&b[i], &extra[i]);
	}
	if (!rc) {
		j.req.nr_buffers = NOUVEAU_GEM_MAX_BUFFERS;
		j.req.buffers = uptr(b);
		rc = run_job(&j);
		snprintf(res->extra, sizeof(res->extra), "%u extra BOs", made);
	} else {
		rc = 1;	/* not a kernel result: fails the case */
	}
	for (i = 2; i < 2 + made; i++)
		bo_close(dev.fd, &extra[i]);
	return rc;
}

static int c_reloc_last_word(struct result *res)
{
	struct job j;
	uint32_t want, got;
	size_t w = bo_b.size / 4 - 1;
	int rc;

	job_init(&j, true);
	j.reloc[0].reloc_bo_offset = (uint32_t)(bo_b.size - 4);
	map_b[w] = WORD_POISON;
	rc = run_job(&j);
	want = reloc_value(&j.reloc[0], &j.bo[0].presumed);
	got = map_b[w];
	res->extra_ok = got == want;
	snprintf(res->extra, sizeof(res->extra),
		 "last word of B = 0x%08x (expected 0x%08x)", got, want);
	return rc;
}

/* ------------------------------------------------ munmap race case */

struct unmapper {
	uint8_t *page;
	struct drm_nouveau_gem_pushbuf_reloc reloc;
	atomic_int stop;
	long cycles;
	char err[160];
};

static void *unmapper_fn(void *arg)
{
	struct unmapper *u = arg;

	while (!atomic_load(&u->stop)) {
		void *p;

		if (munmap(u->page, (size_t)page_size)) {
			snprintf(u->err, sizeof(u->err), "munmap: %s",
				 strerror(errno));
			break;
		}
		sched_yield();
		p = mmap(u->page, (size_t)page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (p != u->page) {
			snprintf(u->err, sizeof(u->err),
				 "mmap at %p again: %s (got %p)",
				 (void *)u->page, strerror(errno), p);
			break;
		}
		memcpy(u->page, &u->reloc, sizeof(u->reloc));
		u->cycles++;
	}
	return NULL;
}

static int c_munmap_race(struct result *res)
{
	struct unmapper u;
	pthread_t th;
	long n0 = 0, nfault = 0, nother = 0;
	int first_other = 0, i, rc;
	struct job j;

	memset(&u, 0, sizeof(u));
	u.page = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u.page == MAP_FAILED) {
		snprintf(res->extra, sizeof(res->extra), "mmap: %s",
			 strerror(errno));
		return 1;
	}
	job_init(&j, true);
	u.reloc = j.reloc[0];
	memcpy(u.page, &u.reloc, sizeof(u.reloc));
	if (pthread_create(&th, NULL, unmapper_fn, &u)) {
		snprintf(res->extra, sizeof(res->extra), "pthread_create failed");
		munmap(u.page, (size_t)page_size);
		return 1;
	}
	for (i = 0; i < 3000; i++) {
		job_init(&j, true);
		j.req.relocs = uptr(u.page);
		rc = run_job(&j);
		if (rc == 0)
			n0++;
		else if (rc == -EFAULT)
			nfault++;
		else if (!nother++)
			first_other = rc;
	}
	atomic_store(&u.stop, 1);
	pthread_join(th, NULL);
	munmap(u.page, (size_t)page_size);
	res->extra_ok = nother == 0 && !u.err[0];
	snprintf(res->extra, sizeof(res->extra),
		 "3000 calls against %ld munmap+mmap cycles: %ld returned 0, %ld -EFAULT, %ld something else%s%s%s%s",
		 u.cycles, n0, nfault, nother,
		 nother ? " (first: " : "", nother ? strerror(-first_other) : "",
		 nother ? ")" : "", u.err[0] ? u.err : "");
	/* the result of a single call is not the point here */
	res->expect = rc;
	return rc;
}

/* ------------------------------------------------------------ table */

#define SPECIAL 1	/* expected result computed by the case */

/* A case: a simple one (@wrong, @set) or one of its own (@fn). */
struct bcase {
	int expect;
	bool wrong;		/* job_init(wrong): relocations needed */
	bool dup;		/* entry 2 of the buffer list a copy of entry 0 */
	struct change set[4];
	case_fn fn;
};

static void run_case(void);

#define CASE(nm, exp, ...) { .name = (nm), .fn = run_case,		\
	.arg = &(const struct bcase){ .expect = (exp), __VA_ARGS__ } }
/* the smallest count whose size in bytes does not fit in 32 bits */
#define OVF(type) ((uint32_t)(0x100000000ull / sizeof(type) + 1))

static const struct nvlf_part cases[] = {
	CASE("push pointer NULL", -EFAULT, .set = { SET(req.push, 0) }),
	CASE("buffers pointer NULL", -EFAULT, .set = { SET(req.buffers, 0) }),
	CASE("relocs pointer NULL, relocations needed", -EFAULT, .wrong = true,
	     .set = { SET(req.relocs, 0) }),
	CASE("relocs pointer NULL, not needed (presumed right)", 0,
	     .set = { SET(req.relocs, 0) }),
	CASE("push pointer unmapped", -EFAULT, .set = { SET(req.push, V_UNMAPPED) }),
	CASE("buffers pointer unmapped", -EFAULT,
	     .set = { SET(req.buffers, V_UNMAPPED) }),
	CASE("relocs pointer unmapped, relocations needed", -EFAULT,
	     .wrong = true, .set = { SET(req.relocs, V_UNMAPPED) }),
	CASE("relocs array running into an unmapped page", -EFAULT,
	     .fn = c_relocs_straddle),
	CASE("buffers on a read-only page, write-back needed", SPECIAL,
	     .fn = c_buffers_ro),
	CASE("buffers on a read-only page, presumed right", 0,
	     .fn = c_buffers_ro_right),
	CASE("nr_push 513", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_push, NOUVEAU_GEM_MAX_PUSH + 1) }),
	CASE("nr_buffers 1025", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_buffers, NOUVEAU_GEM_MAX_BUFFERS + 1) }),
	CASE("nr_relocs 1025", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_relocs, NOUVEAU_GEM_MAX_RELOCS + 1) }),
	CASE("nr_push 0xffffffff", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_push, 0xffffffffu) }),
	CASE("nr_buffers 0xffffffff", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_buffers, 0xffffffffu) }),
	CASE("nr_relocs 0xffffffff", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_relocs, 0xffffffffu) }),
	CASE("nr_push 0x0aaaaaab (x24 bytes > 4 GiB)", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_push, OVF(struct drm_nouveau_gem_pushbuf_push)) }),
	CASE("nr_buffers 0x06666667 (x40 bytes > 4 GiB)", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_buffers, OVF(struct drm_nouveau_gem_pushbuf_bo)) }),
	CASE("nr_relocs 0x0924924a (x28 bytes > 4 GiB)", -EINVAL, .wrong = true,
	     .set = { SET(req.nr_relocs, OVF(struct drm_nouveau_gem_pushbuf_reloc)) }),
	CASE("nr_push 512 (the limit)", 0, .fn = c_push_512),
	CASE("nr_relocs 1024 (the limit), all applied", 0, .fn = c_relocs_1024),
	CASE("nr_buffers 1024 (the limit)", 0, .fn = c_buffers_1024),
	CASE("unknown handle", -ENOENT, .set = { SET(bo[1].handle, 0x7fff0000) }),
	CASE("handle 0", -ENOENT, .set = { SET(bo[1].handle, 0) }),
	CASE("duplicate handle", -EINVAL,
	     .dup = true, .set = { SET(req.nr_buffers, 3) }),
	CASE("push bo_index == nr_buffers", -EINVAL,
	     .set = { SET(push[0].bo_index, 2) }),
	CASE("push bo_index 0xffffffff", -EINVAL,
	     .set = { SET(push[0].bo_index, 0xffffffffu) }),
	CASE("reloc bo_index out of range", -EINVAL, .wrong = true,
	     .set = { SET(reloc[0].bo_index, 2) }),
	CASE("reloc reloc_bo_index out of range", -EINVAL, .wrong = true,
	     .set = { SET(reloc[0].reloc_bo_index, 2) }),
	/* relocations are read and checked only when a presumed offset is wrong */
	CASE("bad relocation, not needed (presumed right)", 0,
	     .set = { SET(reloc[0].bo_index, 7), SET(reloc[0].reloc_bo_index, 9),
		      SET(reloc[0].reloc_bo_offset, 0xfffffff0u) }),
	CASE("reloc_bo_offset = size - 2", -EINVAL, .wrong = true,
	     .set = { SET(reloc[0].reloc_bo_offset, V_B_SIZE_MINUS + 2) }),
	CASE("reloc_bo_offset = size", -EINVAL, .wrong = true,
	     .set = { SET(reloc[0].reloc_bo_offset, V_B_SIZE_MINUS + 0) }),
	CASE("reloc_bo_offset = 0xfffffffc", -EINVAL, .wrong = true,
	     .set = { SET(reloc[0].reloc_bo_offset, 0xfffffffcu) }),
	CASE("reloc_bo_offset = size - 4 (last word)", 0,
	     .fn = c_reloc_last_word),
	CASE("valid_domains 0", -EINVAL, .set = { SET(bo[1].valid_domains, 0) }),
	CASE("valid_domains CPU only", -EINVAL,
	     .set = { SET(bo[1].valid_domains, NV_CPU), SET(bo[1].read_domains, NV_CPU) }),
	CASE("unknown channel", -ENOENT,
	     .set = { SET(req.channel, V_CHAN_PLUS + 0x1000) }),
	CASE("nr_push 0, arrays unmapped (does nothing)", 0,
	     .set = { SET(req.nr_push, 0), SET(req.push, V_UNMAPPED),
		      SET(req.buffers, V_UNMAPPED), SET(req.relocs, V_UNMAPPED) }),
	CASE("relocs array unmapped by another thread, 3000 calls", SPECIAL,
	     .fn = c_munmap_race),
};

static const char *errname(int rc)
{
	static char buf[32];

	switch (rc) {
	case 0: return "0";
	case -EFAULT: return "-EFAULT";
	case -EINVAL: return "-EINVAL";
	case -ENOENT: return "-ENOENT";
	case -ENOMEM: return "-ENOMEM";
	case -EBUSY: return "-EBUSY";
	case -ENODEV: return "-ENODEV";
	case -ENOSYS: return "-ENOSYS";
	case -ERANGE: return "-ERANGE";
	case -E2BIG: return "-E2BIG";
	default:
		snprintf(buf, sizeof(buf), "%d", rc);
		return buf;
	}
}

/* the table printed at the end: case -> result */
static char results[ARRAY_SIZE(cases)][160];
static unsigned int nresults;

/* One case: its call, then a valid job; one point. */
static void run_case(void)
{
	const struct nvlf_part *p = nvlf_part_current();
	const struct bcase *c = p->arg;
	struct result res;
	char vmsg[400];
	bool ok, vok;
	unsigned int k;
	struct job j;
	int rc;

	memset(&res, 0, sizeof(res));
	res.expect = c->expect;
	res.extra_ok = true;
	if (c->fn) {
		rc = c->fn(&res);
	} else {
		job_init(&j, c->wrong);
		if (c->dup)
			j.bo[2] = j.bo[0];
		for (k = 0; k < ARRAY_SIZE(c->set); k++)
			job_change(&j, &c->set[k]);
		rc = run_job(&j);
	}
	vok = valid_job(vmsg, sizeof(vmsg));
	ok = rc == res.expect && res.extra_ok && vok;
	tap(ok, "%s: returned %s (expected %s)%s%s; %s", p->name,
	    errname(rc), errname(res.expect), res.extra[0] ? "; " : "",
	    res.extra, vmsg);
	if (c->fn == c_munmap_race)
		snprintf(results[nresults++], sizeof(results[0]), "%-52s %s",
			 p->name, "0 or -EFAULT");
	else
		snprintf(results[nresults++], sizeof(results[0]), "%-52s %s%s",
			 p->name, errname(rc),
			 rc == res.expect ? "" : "  (UNEXPECTED)");
}

/* A and B, B mapped, and a page pair whose second page is not mapped. */
static int setup(char *err, size_t len)
{
	int r;

	page_size = sysconf(_SC_PAGESIZE);
	r = bo_new(dev.fd, NV_GART, BO_PAGES * NV_PAGE, &bo_a);
	if (!r)
		r = bo_new(dev.fd, NV_VRAM, BO_PAGES * NV_PAGE, &bo_b);
	if (r) {
		snprintf(err, len, "GEM_NEW: %s", strerror(-r));
		return -1;
	}
	map_b = bo_map(dev.fd, &bo_b);
	page_pair = mmap(NULL, 2 * (size_t)page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!map_b || page_pair == MAP_FAILED ||
	    munmap(page_pair + page_size, (size_t)page_size)) {
		snprintf(err, len, "mmap: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The first point: a valid job works; the cases need it. */
static bool begin(void)
{
	char msg[400];
	int r = valid_job(msg, sizeof(msg));

	return tap(r, "setup: %s: A %s 0x%" PRIx64 ", B %s 0x%" PRIx64 ", channel %d; %s",
		   dev.path, domain_name(bo_a.domain), bo_a.offset,
		   domain_name(bo_b.domain), bo_b.offset, dev.chan, msg);
}

static void end(void)
{
	unsigned int i;

	diag("GEM_PUSHBUF bad input on %s (lockfix_strict_presumed=%d): case -> result",
	     NVLF_TEST_DRIVER_NAME,
	     param_bool(NVLF_TEST_DRIVER_NAME, "lockfix_strict_presumed"));
	for (i = 0; i < nresults; i++)
		diag("  %s", results[i]);
	munmap((void *)map_b, bo_b.size);
	bo_close(dev.fd, &bo_a);
	bo_close(dev.fd, &bo_b);
}

static const struct nvlf_prog prog = {
	.name = "nvlf_badinput",
	NVLF_PARTS(cases),
	.only_substring = true,
	.watchdog_s = 120,
	.dev = &dev,
	.device_point = "setup",
	.setup = setup,
	.begin = begin,
	.end = end,
};

NVLF_MAIN(prog)
