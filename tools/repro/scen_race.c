// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro scenarios of races: faulters (threads fault on the BOs of
 * running jobs) and mover (BOs moved meanwhile, nvlf_test only).
 */
#include "repro.h"

void scen_faulters(void)
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
	CTR_ADD(&c, NVLF_TTM_STATS, "faults", "reserve_busy_retry",
		"reserve_busy_block");
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
		stat_missing(NVLF_TTM_STATS,
			     "faulters: the faults went through ttm");
	tap(final_check(&w, f, nf, &s, 1, msg, sizeof(msg)),
	    "faulters: final contents through fresh mappings: %s", msg);
	ctr_diag(&c, "faulters");
	world_fini(&w);
}

void scen_mover(void)
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
	CTR_ADD(&c, NVLF_TTM_STATS, "faults", "move_wait_retry", "move_wait_block",
		"move_wait_nowait", "reserve_busy_retry");
	CTR_ADD(&c, stats_drv, "presumed_written", "ww_backoffs");
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
		stat_missing(NVLF_TTM_STATS, "mover: faults went through ttm");
	ctr_diag(&c, "mover");
	world_fini(&w);
}
