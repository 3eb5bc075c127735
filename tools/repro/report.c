// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro: what the scenarios report: kernel counters read before and
 * after, the final verification of every BO word through fresh mappings,
 * the sums of the workers' errors and the texts of the expectations.
 */
#include "repro.h"

const char *stats_drv = NVLF_TEST_STATS;
char setup_err[400];

void err_init(struct errbuf *e)
{
	*e = (struct errbuf)ERRBUF_INIT;
}

const char *err_first(const struct errbuf *e, char *buf, size_t len)
{
	if (!e->count)
		return "";
	snprintf(buf, len, "; first: %s", e->first);
	return buf;
}

void ctr_add(struct ctrs *c, const char *file, const char *name)
{
	if (c->n < MAX_CTR)
		stat_begin(&c->d[c->n++], file, name);
}

/* the counters @names (NULL-terminated) of @file */
void ctr_add_list(struct ctrs *c, const char *file, const char *const *names)
{
	while (*names)
		ctr_add(c, file, *names++);
}

/* Growth of counter @name; false if it cannot be read. */
bool ctr_delta(struct ctrs *c, const char *name, long *d)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->d[i].name, name))
			return stat_end(&c->d[i], d);
	return false;
}

void ctr_diag(struct ctrs *c, const char *what)
{
	char line[600] = "";
	size_t len = 0;
	long d;
	int i;

	for (i = 0; i < c->n; i++) {
		if (!stat_end(&c->d[i], &d))
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %+ld",
					c->d[i].name, d);
		if (len >= sizeof(line))
			break;
	}
	diag("%s counters:%s", what, line[0] ? line : " (debugfs not readable)");
}

/* ------------------------------------------------ final verification */

/* Every word of every shared BO (and meta BOs) through fresh mappings. */
int final_check(struct world *w, struct faulter *f, int nf,
		struct sub *s, int ns, char *msg, size_t len)
{
	long bad = 0, checked = 0;
	char first[300] = "";
	int b, i, j, k;

	for (b = 0; b < NSHARED; b++) {
		uint32_t *m = bo_map(D.nv.fd, &w->sh[b]);

		if (!m) {
			snprintf(msg, len, "mmap: %s", strerror(errno));
			return 0;
		}
		for (i = 0; i < nf; i++) {
			const size_t words = REGION_PAGES * NV_PAGE / 4;
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
				size_t wi = (SLOT_PAGE * NV_PAGE) / 4 +
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
		m = bo_map(D.nv.fd, &s[i].meta);
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

void sums_of(const struct sub *s, int ns, struct sums *t)
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

const char *expect_rc_text(void)
{
	return D.reject ? "-EINVAL (rejected after reserving: duplicate last entry)" : "0";
}

const char *presumed_text(void)
{
	if (D.reject)
		return "left untouched by the rejected jobs";
	if (!D.relocs)
		return "left untouched (GPU with a VM: nouveau relocates nothing)";
	return "written back after the job with valid=0 and the real offset and domain, or untouched where right";
}

const char *reloc_text(void)
{
	if (!D.relocs)
		return "untouched";
	return "hold the relocated value (LOW/HIGH/OR/plain) wherever presumed was wrong, else untouched";
}

void faulter_sum(const struct faulter *f, int nf, long *iters,
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

void skip_n(int n, const char *why, const char *scen)
{
	while (n-- > 0)
		tap_skip(why, "%s", scen);
}

void fail_n(int n, const char *scen, const char *why)
{
	while (n-- > 0)
		tap(0, "%s: not run: %s", scen, why);
}
