// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro --stress SECONDS: every kind of thread at once (submitters in
 * both orders, a nested one, faulters, the mover), then verify every BO.
 */
#include "repro.h"

void scen_stress(void)
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
	CTR_ADD(&c, NVLF_TTM_STATS, "faults", "reserve_busy_retry",
		"reserve_busy_block", "move_wait_retry", "move_wait_block",
		"vm_access");
	CTR_ADD(&c, stats_drv, "pushbuf_jobs", "reloc_slowpath",
		"reloc_copy_nofault", "presumed_written", "ww_backoffs",
		"ww_would_fault");

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
