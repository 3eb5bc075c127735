// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro scenarios of submission: nested (arrays in a mapping of a BO
 * of the job), presumed-ro (read-only buffer list) and opposite-order
 * (threads listing the same BOs in opposite orders).
 */
#include "repro.h"

void scen_nested(void)
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
	    META_PAGES, domain_name(s.meta.domain), s.meta.offset, NSHARED);
	CTR_ADD(&c, stats_drv, "reloc_slowpath", "reloc_copy_nofault",
		"ww_would_fault", "presumed_written");
	ctr_add(&c, NVLF_TTM_STATS, "faults");

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
		stat_missing(stats_drv,
			     "nested: relocation slow path taken when the array was not faulted in");
	else
		tap(dslow >= s.slow_layout && dfast >= s.fast_layout,
		    "nested: reloc_slowpath %+ld (>= %ld jobs whose relocations were not faulted in), reloc_copy_nofault %+ld (>= %ld jobs whose were)",
		    dslow, s.slow_layout, dfast, s.fast_layout);
	ctr_diag(&c, "nested");
	sub_fini(&s);
	world_fini(&w);
}

void scen_presumed_ro(void)
{
	struct drm_nouveau_gem_pushbuf_bo *ro, copy[2];
	struct drm_nouveau_gem_pushbuf_reloc rel[2];
	struct drm_nouveau_gem_pushbuf_push push = { .length = 0 };
	struct drm_nouveau_gem_pushbuf req;
	struct drm_nouveau_gem_pushbuf_bo_presumed real;
	struct nvbo x = { 0 }, y = { 0 };
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
			 D.nv.chipset);
		skip_n(RO_POINTS, why, "presumed-ro");
		return;
	}
	r = repro_bo_new(NV_GART, 4, &x);
	if (!r)
		r = repro_bo_new(NV_VRAM, 4, &y);
	ro = mmap(NULL, NV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	if (!r && ro != MAP_FAILED)
		my = bo_map(D.nv.fd, &y);
	if (r || ro == MAP_FAILED || !my) {
		tap(0, "presumed-ro: setup: %s", r ? strerror(-r) : strerror(errno));
		fail_n(RO_POINTS - 1, "presumed-ro", "setup failed");
		goto out;
	}
	memset(ro, 0, NV_PAGE);
	ro[0].handle = x.handle;
	ro[1].handle = y.handle;
	for (r = 0; r < 2; r++) {
		ro[r].read_domains = NV_PLACED;
		ro[r].valid_domains = NV_PLACED;
		ro[r].presumed.valid = 1;
	}
	ro[0].presumed.domain = x.domain;
	ro[0].presumed.offset = x.offset + 0x100000000ull;	/* wrong */
	ro[1].presumed.domain = y.domain;
	ro[1].presumed.offset = y.offset;
	memcpy(copy, ro, sizeof(copy));
	if (mprotect(ro, NV_PAGE, PROT_READ)) {
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
	req.channel = (uint32_t)D.nv.chan;
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
		stat_missing(stats_drv, "presumed-ro: presumed_swallowed counted");
	r = bo_info(D.nv.fd, &x);
	real.valid = 0;
	real.domain = x.domain;
	real.offset = x.offset;
	e0 = reloc_value(&rel[0], &real);
	e1 = reloc_value(&rel[1], &real);
	w0 = ((volatile uint32_t *)my)[0];
	w1 = ((volatile uint32_t *)my)[1];
	tap(!r && w0 == e0 && w1 == e1,
	    "presumed-ro: relocations applied anyway: words 0x%08x 0x%08x, expected 0x%08x 0x%08x (X at %s 0x%" PRIx64 ")",
	    w0, w1, e0, e1, domain_name(x.domain), x.offset);
	tap(!memcmp(ro, copy, sizeof(copy)),
	    "presumed-ro: the read-only buffer list is %s",
	    memcmp(ro, copy, sizeof(copy)) ? "CHANGED" : "unchanged");
out:
	if (my)
		munmap(my, y.size);
	if (ro != MAP_FAILED)
		munmap(ro, NV_PAGE);
	bo_close(D.nv.fd, &x);
	bo_close(D.nv.fd, &y);
}

void scen_opposite(void)
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
	CTR_ADD(&c, stats_drv, "pushbuf_jobs", "ww_backoffs", "reloc_jobs");
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
		stat_missing(stats_drv,
			     "opposite-order: pushbuf_jobs counts every job");
	ctr_diag(&c, "opposite-order");
	world_fini(&w);
}
