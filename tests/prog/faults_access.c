// SPDX-License-Identifier: GPL-2.0
/*
 * faults_access.c - the nvlf_faults tests of other ways into a BO mapping:
 * /proc/self/mem, madvise, a move that invalidates it, a pipelined move.
 */
#define _GNU_SOURCE
#include "faults.h"

/* --------------------------------------------------------- proc-mem */

void test_proc_mem(void)
{
	struct stat_delta acc;
	struct releaser r;
	struct holder h;
	struct tbo t;
	uint8_t *buf = NULL, *want = NULL;
	int mem = -1;
	ssize_t n;
	const size_t len1 = 2 * NV_PAGE + 100, off1 = 1000;
	const size_t len2 = 3000, off2 = 6000;
	int64_t t0, t1;
	long d;
	bool ok, waited;

	if (tbo_create(dev.fd, &t, NV_GART, 4, 0x7007))
		return;
	buf = malloc(t.bo.size);
	want = malloc(t.bo.size);
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (!buf || !want || mem < 0) {
		tap_stop("open /proc/self/mem: %s", strerror(errno));
		goto out;
	}
	stat_begin(&acc, NVLF_TTM_STATS, "vm_access");

	/* 1: read */
	memcpy(want, t.map, t.bo.size);
	n = pread(mem, buf, len1, (off_t)(uintptr_t)((uint8_t *)t.map + off1));
	tap(n == (ssize_t)len1 && !memcmp(buf, want + off1, len1),
	    "proc-mem: pread of %zu bytes of /proc/self/mem at the mapping + %zu returned %zd%s%s and %s the BO",
	    len1, off1, n, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "",
	    n == (ssize_t)len1 && !memcmp(buf, want + off1, len1) ? "matches" : "does not match");

	/* 2: write */
	pat_fill((uint32_t *)buf, len2 / 4, 0x7008, 0);
	memcpy(want + off2, buf, len2);
	n = pwrite(mem, buf, len2, (off_t)(uintptr_t)((uint8_t *)t.map + off2));
	ok = n == (ssize_t)len2 && !memcmp((void *)t.map, want, t.bo.size);
	tap(ok,
	    "proc-mem: pwrite of %zu bytes at the mapping + %zu returned %zd%s%s; the mapping shows %s",
	    len2, off2, n, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "",
	    ok ? "exactly the written bytes" : "something else");

	/*
	 * 3: read while another thread holds the reservation; it lets go
	 * once the read has started (TTM counted the access, just before it
	 * waits for the reservation)
	 */
	if (holder_start(&h, dev.fd, t.bo.handle, 20000))
		goto out;
	if (releaser_start(&r, &h, NVLF_TTM_STATS, "vm_access", NULL)) {
		holder_release(&h);
		goto out;
	}
	t0 = now_ns();
	n = pread(mem, buf, NV_PAGE, (off_t)(uintptr_t)t.map);
	t1 = now_ns();
	waited = releaser_join(&r);
	ok = n == NV_PAGE && !memcmp(buf, want, NV_PAGE);
	tap(ok && waited && h.rc == -EINTR && t1 >= h.released_ns,
	    "proc-mem: pread while another thread held the reservation (released once the read had started: %s; BO_HOLD %d) returned %zd, %s, completed after the release (%+.1f ms) after waiting %.0f ms",
	    waited ? "yes" : "NO", h.rc, n, ok ? "data right" : "data WRONG",
	    ns_to_ms(t1 - h.released_ns), ns_to_ms(t1 - t0));

	/* 4: counter */
	if (stat_end(&acc, &d))
		tap(d >= 3, "proc-mem: vm_access grew by %ld (>= 3 expected)", d);
	else
		stat_missing(NVLF_TTM_STATS, "proc-mem: vm_access grew");
out:
	if (mem >= 0)
		close(mem);
	free(buf);
	free(want);
	tbo_destroy(dev.fd, &t);
}

/* ---------------------------------------------------------- madvise */

void test_madvise(void)
{
	struct stat_delta faults;
	struct tbo t;
	char msg[200];
	int r, e;
	long d;
	bool ok;

	if (tbo_create(dev.fd, &t, NV_GART, 8, 0x8008))
		return;
	stat_begin(&faults, NVLF_TTM_STATS, "faults");
	r = madvise(t.map, t.bo.size, MADV_DONTNEED);
	e = errno;
	tap(r == 0 || e == EINVAL,
	    "madvise: MADV_DONTNEED on the BO mapping returned %s",
	    r == 0 ? "0" : e == EINVAL ?
		"EINVAL (Linux refuses it on VM_PFNMAP mappings: mm/madvise.c)" :
		strerror(e));
	if (r) {
		/* the PTEs are still there: replace the mapping instead */
		diag("madvise: PTEs not dropped; replacing the mapping to fault again");
		if (tbo_remap(dev.fd, &t))
			goto out;
	}
	ok = tbo_verify(&t, t.map, t.seed, msg, sizeof(msg));
	tap(ok, "madvise: the BO kept its data after %s: %s",
	    r ? "a fresh mmap" : "MADV_DONTNEED", msg);
	if (stat_end(&faults, &d))
		tap(d >= 1, "madvise: reading it back faulted again (faults %+ld)",
		    d);
	else
		stat_missing(NVLF_TTM_STATS,
			     "madvise: reading it back faulted again");
out:
	tbo_destroy(dev.fd, &t);
}

/* ----------------------------------------------------- move-refault */

static int move_and_check(struct tbo *t, uint32_t to, char *msg, size_t len)
{
	uint64_t before_off = t->bo.offset, off = 0;
	uint32_t before_dom = t->bo.domain;
	int r = bo_move(dev.fd, t->bo.handle, to, &off);
	int ri;

	if (r) {
		snprintf(msg, len, "BO_MOVE to %s: %s", domain_name(to),
			 strerror(-r));
		return 0;
	}
	ri = bo_info(dev.fd, &t->bo);
	snprintf(msg, len,
		 "BO_MOVE %s->%s returned offset 0x%" PRIx64 " (was 0x%" PRIx64 "); GEM_INFO: %s (%s) offset 0x%" PRIx64 "%s",
		 domain_name(before_dom), domain_name(to), off, before_off,
		 ri ? strerror(-ri) : "ok", domain_name(t->bo.domain),
		 t->bo.offset, off == before_off ? " (same offset, other address space)" : "");
	return !ri && t->bo.domain == to && t->bo.offset == off &&
	       (off != before_off || to != before_dom);
}

void test_move_refault(void)
{
	struct stat_delta faults;
	struct tbo t;
	char msg[300], vmsg[200];
	uint32_t *fresh;
	long d;
	bool ok;

	if (tbo_create(dev.fd, &t, NV_GART, 8, 0x9009))
		return;
	if (bo_info(dev.fd, &t.bo) || t.bo.domain != NV_GART) {
		tap_stop("new GART BO: GEM_INFO says domain %s",
		     domain_name(t.bo.domain));
		goto out;
	}
	tap(move_and_check(&t, NV_VRAM, msg, sizeof(msg)),
	    "move-refault: %s", msg);
	stat_begin(&faults, NVLF_TTM_STATS, "faults");
	ok = tbo_verify(&t, t.map, t.seed, vmsg, sizeof(vmsg));
	tap(ok, "move-refault: data intact through the old mapping after the move: %s",
	    vmsg);
	if (stat_end(&faults, &d))
		tap(d >= 1,
		    "move-refault: the move invalidated the mapping: reading it faulted again (faults %+ld)",
		    d);
	else
		stat_missing(NVLF_TTM_STATS,
			     "move-refault: reading after the move faulted again");

	ok = move_and_check(&t, NV_GART, msg, sizeof(msg));
	t.seed = 0x900a;
	pat_fill(t.map, t.bo.size / 4, t.seed, 0);
	fresh = bo_map(dev.fd, &t.bo);
	if (!fresh) {
		tap(0, "move-refault: back to GART: mmap: %s", strerror(errno));
		goto out;
	}
	ok = tbo_verify(&t, fresh, t.seed, vmsg, sizeof(vmsg)) && ok;
	munmap(fresh, t.bo.size);
	tap(ok, "move-refault: back: %s; written through the old mapping, read through a fresh one: %s",
	    msg, vmsg);
out:
	tbo_destroy(dev.fd, &t);
}

/* --------------------------------------------------- pipelined-move */

void test_pipelined_move(void)
{
	static const char *const n[] = { "move_wait_retry", "move_wait_block",
					 "move_wait_nowait" };
	long delay_us = param_long(NVLF_TEST_DRIVER_NAME, "move_delay_us", -1);
	struct stat_delta s[3];
	struct tbo t;
	int64_t t0, t1, t2;
	uint32_t got, want;
	long dsum = 0, dv;
	bool have = true;
	unsigned int i;
	int r;

	if (delay_us <= 0) {
		char reason[128];

		snprintf(reason, sizeof(reason),
			 "/sys/module/nvlf_test/parameters/move_delay_us is %s",
			 delay_us < 0 ? "unreadable" : "0");
		tap_skip(reason, "pipelined-move: data intact");
		tap_skip(reason, "pipelined-move: the fault waited for the move");
		tap_skip(reason, "pipelined-move: timing");
		return;
	}
	if (tbo_create(dev.fd, &t, NV_GART, 8, 0xa00a))
		return;
	for (i = 0; i < 3; i++)
		stat_begin(&s[i], NVLF_TTM_STATS, n[i]);
	t0 = now_ns();
	r = bo_move(dev.fd, t.bo.handle, NV_VRAM, NULL);
	t1 = now_ns();
	got = ((volatile uint32_t *)t.map)[1024 + 5];
	t2 = now_ns();
	want = pat_word(t.seed, 1024 + 5);
	tap(r == 0 && got == want,
	    "pipelined-move: BO_MOVE returned %d; a read right after it got 0x%08x (expected 0x%08x)",
	    r, got, want);
	for (i = 0; i < 3; i++) {
		if (stat_end(&s[i], &dv))
			dsum += dv;
		else
			have = false;
	}
	if (have)
		tap(dsum >= 1,
		    "pipelined-move: the fault waited for the move (move_wait_retry+block+nowait %+ld)",
		    dsum);
	else
		stat_missing(NVLF_TTM_STATS,
			     "pipelined-move: the fault waited for the move");
	if (delay_us < 50000)
		tap_skip("move_delay_us < 50000: too short to time",
			 "pipelined-move: BO_MOVE returned after %.1f ms, the read completed %.1f ms after BO_MOVE started (move_delay_us %ld)",
			 ns_to_ms(t1 - t0), ns_to_ms(t2 - t0), delay_us);
	else
		tap(t2 - t0 >= delay_us * 1000 - 20000000,
		    "pipelined-move: BO_MOVE returned after %.1f ms, the read completed %.1f ms after BO_MOVE started (move_delay_us %ld: >= %.1f ms expected)",
		    ns_to_ms(t1 - t0), ns_to_ms(t2 - t0), delay_us,
		    delay_us / 1000.0 - 20);
	tbo_destroy(dev.fd, &t);
}
