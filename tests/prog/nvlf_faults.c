// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf_faults - tests of the BO fault path (src/ttm_fault.c) through the
 * nvlf_test driver, as TAP.
 *
 * Usage: nvlf_faults [--device PATH] [--only NAME[,NAME...]] [--list]
 *
 * The tests are the parts table below, one row each with what it shows
 * (`nvlf_faults --list` prints their names); a last point checks that
 * live_bos of nvlf_test returns to its starting value.
 *
 * Counters come from /sys/kernel/debug/nvlf_ttm/stats and
 * /sys/kernel/debug/nvlf_test/stats; points that need them are skipped
 * when debugfs is not mounted.  A test still running after its watchdog
 * (60 s) prints every thread's kernel stack and "Bail out!".
 *
 * Exit status: 0 if every point passed, 1 otherwise, 2 on usage errors.
 */
#define _GNU_SOURCE
#include "faults.h"

#define WATCHDOG_S	60

struct nvdev dev;
static long live0;
static bool have_live;

static bool begin(void)
{
	bool have_ttm_stats = !access(NVLF_TTM_STATS, R_OK);
	bool have_test_stats = !access(NVLF_TEST_STATS, R_OK);

	have_live = !stat_get(NVLF_TEST_STATS, "live_bos", &live0);
	return tap(1, "nvlf_test device %s: chipset 0x%" PRIx64 ", channel %d; counters: nvlf_ttm %s, nvlf_test %s; ttm nvlf_naive_fault=%d",
		   dev.path, dev.chipset, dev.chan,
		   have_ttm_stats ? "yes" : "no",
		   have_test_stats ? "yes" : "no",
		   param_bool("ttm", "nvlf_naive_fault"));
}

/* the last point, once the device is closed */
static void closed(void)
{
	live_bos_check(have_live, live0, "cleanup", "after closing the device",
		       "at the start");
}

/*
 * The tests, in order.  To add one: its function in the faults_*.c file
 * of its kind (faults.h says which), its prototype in faults.h, its row
 * here.
 */
static const struct nvlf_part tests[] = {
	/*
	 * a fault on a BO reserved by another thread completes, and only
	 * after the release; its first attempt backs off
	 * (reserve_busy_retry grows)
	 */
	{ .name = "hold-then-fault", .fn = test_hold_then_fault },
	/*
	 * while a fault waits for a reservation, another thread's
	 * mmap/munmap is not blocked (the pre-fix path, ttm
	 * nvlf_naive_fault=1, blocks it ~1.4 s)
	 */
	{ .name = "no-mmap-lock-while-waiting", .fn = test_no_mmap_lock },
	/*
	 * SIGKILL ends a process waiting in such a fault at once; the BO
	 * works afterwards and no BO leaks
	 */
	{ .name = "signal-while-waiting", .fn = test_signal },
	/*
	 * faulting threads against munmap/mmap, mremap and fork; SIGSEGV
	 * where the mapping vanished is recovered; data verified where
	 * defined
	 */
	{ .name = "munmap-race", .fn = test_munmap_race },
	{ .name = "mremap-race", .fn = test_mremap_race },
	{ .name = "fork-race", .fn = test_fork_race },
	/* /proc/self/mem reads and writes of a BO mapping (the vm .access
	 * path), also while reserved
	 */
	{ .name = "proc-mem", .fn = test_proc_mem },
	/* MADV_DONTNEED (refused on VM_PFNMAP), data kept, faults again */
	{ .name = "madvise", .fn = test_madvise },
	/* BO_MOVE invalidates the mapping: it faults again, data intact,
	 * placement changes
	 */
	{ .name = "move-refault", .fn = test_move_refault },
	/* with move_delay_us > 0 a fault right after BO_MOVE waits for it */
	{ .name = "pipelined-move", .fn = test_pipelined_move },
};

static const struct nvlf_prog prog = {
	.name = "nvlf_faults",
	NVLF_PARTS(tests),
	.watchdog_s = WATCHDOG_S,
	.dev = &dev,
	.begin = begin,
	.closed = closed,
};

NVLF_MAIN(prog)
