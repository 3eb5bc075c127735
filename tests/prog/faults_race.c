// SPDX-License-Identifier: GPL-2.0
/*
 * faults_race.c - the nvlf_faults race tests: faulting threads against munmap/mmap,
 * mremap and fork; SIGSEGV where the mapping vanished is recovered.
 */
#define _GNU_SOURCE
#include "faults.h"

/* ------------------------------------------------------- race tests */

#define RACE_FAULTERS	3
#define RACE_PAGES	16	/* 4 per faulter, the rest for the racer */
#define PAGE_UNDEF	UINT64_MAX

struct race {
	int fd;
	struct tbo t;
	uint8_t *base;			/* where faulters look for the BO */
	uint8_t *alt;			/* mremap: the other place, or NULL */
	atomic_int where;		/* mremap: 0 base, 1 alt (a hint) */
	atomic_int stop;
	atomic_int finished;		/* faulters that have returned */
	int iters;			/* accesses per faulter */
	bool own_maps;			/* fork: each faulter its own VMA */
	struct errbuf err;
	atomic_long segv, ops, bus;
	atomic_int segv_noted;		/* the first SIGSEGV is described */
	char segv_first[200];
	uint64_t page_seed[RACE_FAULTERS][4];
};

struct faulter_arg {
	struct race *r;
	int id;
	uint64_t rs;		/* random state (in memory: survives longjmp) */
};

/* One faulter: fill one of its pages with a pattern and read it back. */
static void *race_faulter(void *arg)
{
	struct faulter_arg *fa = arg;
	struct race *r = fa->r;
	volatile int i, tries;
	uint8_t *volatile own = NULL;

	if (r->own_maps)
		own = bo_map(r->fd, &r->t.bo);

	/*
	 * i counts completed accesses; a SIGSEGV (the mapping was not there)
	 * does not, and yields so that the racer can put it back.
	 */
	for (i = 0, tries = 0; i < r->iters && tries < 20 * r->iters &&
	     !atomic_load(&r->stop); tries++) {
		sigjmp_buf jb;
		int sig;
		volatile unsigned int pg = (unsigned int)(rnd_next(&fa->rs) % 4);
		volatile uint64_t seed = ((uint64_t)fa->id << 32) | (uint64_t)i;
		unsigned int page_no = (unsigned int)fa->id * 4 + pg;
		uint8_t *base;
		char m[160];

		r->page_seed[fa->id][pg] = PAGE_UNDEF;
		sig = sigsetjmp(jb, 1);
		if (sig) {
			if (sig == SIGSEGV) {
				atomic_fetch_add(&r->segv, 1);
				sched_yield();
				if (!atomic_exchange(&r->segv_noted, 1))
					snprintf(r->segv_first, sizeof(r->segv_first),
						 "faulter %d: %s at %p (base %p, alt %p, hint %d)",
						 fa->id, seg_code == SEGV_MAPERR ? "SEGV_MAPERR" :
						 seg_code == SEGV_ACCERR ? "SEGV_ACCERR" : "SIGSEGV",
						 (void *)seg_addr, (void *)r->base,
						 (void *)r->alt, atomic_load(&r->where));
			} else {
				atomic_fetch_add(&r->bus, 1);
				err_add(&r->err, "faulter %d: signal %d (%s) at %p",
					fa->id, sig, strsignal(sig),
					(void *)seg_addr);
				i++;
			}
			continue;
		}
		if (r->own_maps) {
			if (i % 8 == 7) {
				munmap(own, r->t.bo.size);
				own = bo_map(r->fd, &r->t.bo);
			}
			if (!own) {
				err_add(&r->err, "faulter %d: mmap: %s", fa->id,
					strerror(errno));
				break;
			}
			base = own;
		} else if (r->alt && atomic_load(&r->where)) {
			base = r->alt;
		} else {
			base = r->base;
		}
		seg_jump = &jb;
		{
			volatile uint32_t *p = (volatile uint32_t *)
				(base + (size_t)page_no * NV_PAGE);

			pat_fill(p, 1024, seed, (uint64_t)page_no * 1024);
			if (pat_check(p, 1024, seed, (uint64_t)page_no * 1024,
				      m, sizeof(m))) {
				seg_jump = NULL;
				err_add(&r->err,
					"faulter %d: page %u read back wrong after writing it: %s",
					fa->id, page_no, m);
				i++;
				continue;
			}
		}
		seg_jump = NULL;
		r->page_seed[fa->id][pg] = seed;
		atomic_fetch_add(&r->ops, 1);
		i++;
	}
	if (own)
		munmap(own, r->t.bo.size);
	atomic_fetch_add(&r->finished, 1);
	return NULL;
}

static int race_start(struct race *r, pthread_t *th, struct faulter_arg *fa)
{
	int i;

	for (i = 0; i < RACE_FAULTERS; i++) {
		fa[i].r = r;
		fa[i].id = i;
		fa[i].rs = 0x9e3779b9u * (uint64_t)(i + 1);
		if (pthread_create(&th[i], NULL, race_faulter, &fa[i])) {
			tap_stop("pthread_create (faulter %d) failed", i);
			atomic_store(&r->stop, 1);
			while (i--)
				pthread_join(th[i], NULL);
			return -1;
		}
	}
	return 0;
}

static void race_join(pthread_t *th)
{
	int i;

	for (i = 0; i < RACE_FAULTERS; i++)
		pthread_join(th[i], NULL);
}

static int race_init(struct race *r, uint64_t seed)
{
	int i, j;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->err.lock, NULL);
	r->fd = dev.fd;
	r->iters = 3000;
	for (i = 0; i < RACE_FAULTERS; i++)
		for (j = 0; j < 4; j++)
			r->page_seed[i][j] = PAGE_UNDEF;
	if (tbo_create(dev.fd, &r->t, NV_GART, RACE_PAGES, seed))
		return -1;
	r->base = (uint8_t *)r->t.map;
	return 0;
}

/* Point: no unexpected signal, every completed access verified. */
static void race_report(struct race *r, const char *test, const char *what)
{
	long unarmed = atomic_load(&seg_unarmed);

	tap(r->err.count == 0 && unarmed == 0,
	    "%s: %d faulters, %ld verified page accesses against %s: %ld SIGSEGV recovered, %ld other signals, %ld errors%s%s",
	    test, RACE_FAULTERS, atomic_load(&r->ops), what,
	    atomic_load(&r->segv), atomic_load(&r->bus) + unarmed,
	    r->err.count, r->err.count ? "; first: " : "", r->err.first);
	if (atomic_load(&r->segv_noted))
		diag("%s: first SIGSEGV: %s", test, r->segv_first);
}

/* Point: through a fresh mapping, every page whose last access completed. */
static void race_final(struct race *r, const char *test)
{
	uint32_t *m = bo_map(dev.fd, &r->t.bo);
	unsigned int checked = 0, bad = 0;
	char first[200] = "";
	int f, pg;

	if (!m) {
		tap(0, "%s: final check: mmap: %s", test, strerror(errno));
		return;
	}
	for (f = 0; f < RACE_FAULTERS; f++) {
		for (pg = 0; pg < 4; pg++) {
			unsigned int page_no = (unsigned int)f * 4 + (unsigned int)pg;
			uint64_t s = r->page_seed[f][pg];
			char msg[160];

			if (s == PAGE_UNDEF)
				continue;
			checked++;
			if (pat_check(m + (size_t)page_no * 1024, 1024, s,
				      (uint64_t)page_no * 1024, msg,
				      sizeof(msg))) {
				if (!bad++)
					snprintf(first, sizeof(first),
						 "page %u: %s", page_no, msg);
			}
		}
	}
	munmap(m, r->t.bo.size);
	tap(!bad && checked > 0,
	    "%s: final contents through a fresh mapping: %u of %u pages with a defined last write are right%s%s",
	    test, checked - bad, checked, bad ? "; first wrong: " : "", first);
}

void test_munmap_race(void)
{
	struct faulter_arg fa[RACE_FAULTERS];
	pthread_t th[RACE_FAULTERS];
	struct race r;
	long cycles = 0;

	if (race_init(&r, 0x4004))
		return;
	if (race_start(&r, th, fa))
		goto out;
	while (atomic_load(&r.finished) < RACE_FAULTERS) {
		void *p;

		if (munmap(r.base, r.t.bo.size)) {
			err_add(&r.err, "racer: munmap: %s", strerror(errno));
			break;
		}
		p = mmap(r.base, r.t.bo.size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED_NOREPLACE, dev.fd,
			 (off_t)r.t.bo.map_handle);
		if (p != r.base) {
			/* the faulters may not touch a foreign mapping */
			err_add(&r.err, "racer: mmap at %p again: %s (got %p)",
				(void *)r.base, strerror(errno), p);
			atomic_store(&r.stop, 1);
			break;
		}
		cycles++;
		if (cycles % 4 == 0)
			sched_yield();
	}
	atomic_store(&r.stop, 1);
	race_join(th);
	{
		char what[64];

		snprintf(what, sizeof(what), "%ld munmap+mmap cycles", cycles);
		race_report(&r, "munmap-race", what);
	}
	race_final(&r, "munmap-race");
out:
	tbo_destroy(dev.fd, &r.t);
}

void test_mremap_race(void)
{
	struct faulter_arg fa[RACE_FAULTERS];
	pthread_t th[RACE_FAULTERS];
	struct race r;
	uint8_t *area, *cur;
	long moves = 0;
	size_t sz;

	if (race_init(&r, 0x5005))
		return;
	sz = r.t.bo.size;
	/* two slots; the one without the BO is PROT_NONE: never foreign */
	area = mmap(NULL, 2 * sz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		tap_stop("mmap of %zu bytes PROT_NONE: %s", 2 * sz, strerror(errno));
		goto out;
	}
	cur = mremap(r.t.map, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, area);
	if (cur != area) {
		tap_stop("mremap of the BO mapping into place: %s", strerror(errno));
		munmap(area, 2 * sz);
		goto out;
	}
	r.t.map = (uint32_t *)area;
	r.base = area;
	r.alt = area + sz;
	if (race_start(&r, th, fa)) {
		r.t.map = NULL;
		munmap(area, 2 * sz);
		goto out;
	}
	while (atomic_load(&r.finished) < RACE_FAULTERS) {
		uint8_t *to = cur == r.base ? r.alt : r.base;
		void *p = mremap(cur, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, to);

		if (p != to) {
			err_add(&r.err, "racer: mremap %p -> %p: %s",
				(void *)cur, (void *)to, strerror(errno));
			break;
		}
		atomic_store(&r.where, to == r.alt);
		p = mmap(cur, sz, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != cur) {
			err_add(&r.err, "racer: refilling the old place %p: %s",
				(void *)cur, strerror(errno));
			atomic_store(&r.stop, 1);
			break;
		}
		cur = to;
		moves++;
		if (moves % 4 == 0)
			sched_yield();
	}
	atomic_store(&r.stop, 1);
	race_join(th);
	{
		char what[64];

		snprintf(what, sizeof(what), "%ld mremap(MREMAP_MAYMOVE) moves",
			 moves);
		race_report(&r, "mremap-race", what);
	}
	race_final(&r, "mremap-race");
	munmap(area, 2 * sz);
	r.t.map = NULL;
out:
	tbo_destroy(dev.fd, &r.t);
}

void test_fork_race(void)
{
	struct faulter_arg fa[RACE_FAULTERS];
	pthread_t th[RACE_FAULTERS];
	volatile uint32_t *fp;
	struct race r;
	int forks = 0, bad_children = 0, n;
	char first[200] = "";

	if (race_init(&r, 0x6006))
		return;
	r.own_maps = true;
	r.iters = 1500;
	fp = (volatile uint32_t *)(r.base + 15 * NV_PAGE);
	if (race_start(&r, th, fa))
		goto out;
	for (n = 0; n < 200 && !atomic_load(&r.stop); n++) {
		uint32_t v = pat_word(0x6007, (uint64_t)n);
		int status;
		pid_t pid;

		fp[0] = v;
		fp[1] = 0;
		pid = fork();
		if (pid < 0) {
			err_add(&r.err, "fork #%d: %s", n, strerror(errno));
			break;
		}
		if (pid == 0) {
			/* only the inherited mapping; no libc state */
			uint32_t seen = fp[0];

			fp[1] = ~seen;
			_exit(seen == v ? 0 : 3);
		}
		if (waitpid(pid, &status, 0) != pid) {
			err_add(&r.err, "waitpid #%d: %s", n, strerror(errno));
			break;
		}
		forks++;
		if (!WIFEXITED(status) || WEXITSTATUS(status) || fp[1] != ~v) {
			if (!bad_children++)
				snprintf(first, sizeof(first),
					 "child #%d: wait status 0x%x (%s), wrote 0x%08x, expected 0x%08x",
					 n, status,
					 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
					 WEXITSTATUS(status) == 3 ? "saw a wrong value" : "exit",
					 fp[1], ~v);
		}
	}
	atomic_store(&r.stop, 1);
	race_join(th);
	{
		char what[64];

		snprintf(what, sizeof(what), "%d forks", forks);
		race_report(&r, "fork-race", what);
	}
	tap(forks == 200 && bad_children == 0,
	    "fork-race: %d of 200 children forked while faulting read the parent's word through the inherited mapping, wrote theirs back and exited 0%s%s",
	    forks - bad_children, bad_children ? "; first bad: " : "", first);
	race_final(&r, "fork-race");
out:
	tbo_destroy(dev.fd, &r.t);
}

