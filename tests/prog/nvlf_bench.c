// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf_bench - the guest half of `make bench` (bench/run): fault-path and
 * GEM_PUSHBUF figures through bochs-drm dumb buffers and the nvlf_test
 * driver, with whichever ttm.ko the guest loaded (Debian's or ours).
 *
 * Usage: nvlf_bench [--device PATH] [--bochs PATH] [--smoke] [--time S]
 *                   [--only SECTION[,SECTION...]] [--list]
 *
 * Output: TAP (one point per figure, saying how it was measured and what
 * was checked; the plan after the last point), and for every figure one
 * machine-readable line
 *
 *     BENCH <name> <value> <unit>
 *
 * plus "BENCH-INFO ttm ours|stock <version>" and, for the contention
 * figures, every sample as "BENCH-SAMPLE contend_T<T> <value> ms".
 * bench/run collects these.
 *
 * A rate figure is measured in 5 chunks of --time/5 seconds each,
 * round-robin with the other figures of its section.  pages/s: every
 * round is timed, the value is the rate of the median round; jobs/s: the
 * median chunk rate.
 *
 * Sections and figures:
 *   faults      fault_first_{bochs,nvlf}_{1t,2t}  pages/s
 *               A new buffer each round (bochs: CREATE_DUMB, 2 MiB; nvlf:
 *               GEM_NEW in GART, 4 MiB), mmapped, one word written to
 *               every page (timed: only this loop), checked, unmapped.
 *               2t: two threads, each its half of the same mapping.
 *               fault_first_anon_1t  pages/s
 *               The same on 4 MiB of anonymous memory (no TTM): the
 *               reference for how fast the host ran the guest.
 *   refault     refault_remap_{bochs,nvlf}  pages/s
 *               One buffer, already populated; each round munmap + mmap
 *               (untimed; MADV_DONTNEED returns EINVAL on these VM_PFNMAP
 *               mappings) and every page touched again (timed).
 *               refault_move_nvlf  pages/s
 *               Each round BO_MOVE VRAM <-> GART (untimed; it invalidates
 *               the mapping), then every page touched again (timed).
 *   contention  contend_T{1,10,100}_{p50,p99}  ms; contend_T*_hold  ms
 *               A thread holds the BO's reservation (BO_HOLD of T ms); 1 ms
 *               later the main thread faults on a fresh mapping of it.
 *               Overhead = fault latency minus the part of the hold it
 *               overlapped = completion of the fault minus the release
 *               (BO_HOLD reports when the driver released it, same clock).
 *               _hold: the median real hold (msleep rounds T up to whole
 *               jiffies: 4 ms steps at HZ=250).  100, 100, 30 samples (p99
 *               by nearest rank).
 *   starvation  starve_T{1,10,100}_worst  periods; starve_T*_period  ms
 *               A holder thread reserves the BO again and again (BO_HOLD
 *               of T ms, no gap but the syscall); the main thread faults
 *               on fresh mappings.  Worst fault latency in holder periods;
 *               a fault still waiting after STARVE_CAP periods makes the
 *               holder stop (so the run ends) and counts as starved.  The
 *               point fails above STARVE_BOUND periods.
 *   pushbuf     pushbuf_{valid,reloc,slow}  jobs/s
 *               GEM_PUSHBUF jobs of 4 BOs, 1 push, 16 relocations; only
 *               the ioctl is timed.  valid: presumed offsets right (no
 *               relocation copied: reloc_copy_nofault and reloc_slowpath
 *               stay 0); reloc: presumed wrong, relocations copied with
 *               faults disabled (reloc_copy_nofault grows by the job count,
 *               no slow path); slow: the relocation array is in a shared
 *               memfd mapping whose PTEs are dropped (MADV_DONTNEED) before
 *               every job, so the no-fault copy fails and every job takes
 *               the slow path (reloc_slowpath grows by the job count).
 *
 * Exit status: 0 if every point passed, 1 otherwise, 2 on usage errors.
 */
#define _GNU_SOURCE
#include "bench.h"

#define WATCHDOG_S	300

struct nvdev dev;
int bochs_fd = -1;
double budget_s = 2.0;
bool smoke;
static bool time_set;
static const char *bochs_arg;
static char bochs_path[64];

static void sec_faults(void)
{
	run_rates(true);
}

static void sec_refault(void)
{
	run_rates(false);
}

/* Run @fn once per hold time, each run one TAP point. */
static void per_hold(void (*fn)(unsigned int ms), const char *what)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(holds_ms); i++) {
		unsigned int failed = tap_failures();

		fn(holds_ms[i]);
		tap_stop_check(what, failed);
	}
}

static void sec_contention(void)
{
	per_hold(run_contention, "contention");
}

static void sec_starvation(void)
{
	per_hold(run_starvation, "starvation");
}

/* The first bochs-drm node; waits for the card (modprobe is asynchronous). */
static int open_bochs(const char *path, char *err, size_t len)
{
	struct nvdev d;
	int i;

	for (i = 0; i < 100; i++) {
		if (!nvdev_open(&d, path, NULL, err, len) &&
		    !strncmp(d.name, "bochs", 5)) {
			snprintf(bochs_path, sizeof(bochs_path), "%s", d.path);
			return d.fd;
		}
		if (d.fd >= 0) {
			snprintf(err, len, "%s: driver %s", d.path, d.name);
			close(d.fd);
		}
		if (path)
			break;
		sleep_ms(100);
	}
	return -1;
}

static int option(int opt, const char *arg)
{
	switch (opt) {
	case 'b':
		bochs_arg = arg;
		return 0;
	case 't':
		budget_s = strtod(arg, NULL);
		time_set = true;
		if (budget_s <= 0 || budget_s > 600) {
			fprintf(stderr, "nvlf_bench: --time wants 0 < SECONDS <= 600\n");
			return -1;
		}
		return 0;
	case 's':
		smoke = true;
		return 0;
	}
	return -1;
}

/* Which ttm.ko: ours has a version, the in-tree one none. */
static void before(void)
{
	char ver[64];

	if (smoke && !time_set)
		budget_s = 0.1;
	if (read_line("/sys/module/ttm/version", ver, sizeof(ver)))
		tap_line("BENCH-INFO ttm stock -");
	else
		tap_line("BENCH-INFO ttm ours %s", ver);
}

static bool begin(void)
{
	char err[256];

	pinning = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	pin_to(0);
	tap(1, "nvlf_test device %s, channel %d; time per rate figure %.2f s%s; %ld CPUs%s",
	    dev.path, dev.chan, budget_s, smoke ? " (smoke)" : "",
	    sysconf(_SC_NPROCESSORS_ONLN),
	    pinning ? " (main thread on CPU 0, second threads pinned too)" : " (no pinning)");
	bochs_fd = open_bochs(bochs_arg, err, sizeof(err));
	tap(bochs_fd >= 0, "bochs-drm device %s", bochs_fd >= 0 ? bochs_path : err);
	return true;
}

static void end(void)
{
	if (bochs_fd >= 0)
		close(bochs_fd);
}

static const struct nvlf_part sections[] = {
	{ .name = "faults", .fn = sec_faults },
	{ .name = "refault", .fn = sec_refault },
	{ .name = "contention", .fn = sec_contention },
	{ .name = "starvation", .fn = sec_starvation },
	{ .name = "pushbuf", .fn = run_pushbufs },
};

static const struct option opts[] = {
	{ "bochs", required_argument, NULL, 'b' },
	{ "time", required_argument, NULL, 't' },
	{ "smoke", no_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static const struct nvlf_prog prog = {
	.name = "nvlf_bench",
	NVLF_PARTS(sections),
	.watchdog_s = WATCHDOG_S,
	.opts = opts,
	.optstring = "b:t:s",
	.usage_opts = "[--bochs PATH] [--smoke] [--time SECONDS]",
	.option = option,
	.dev = &dev,
	.before = before,
	.begin = begin,
	.end = end,
};

NVLF_MAIN(prog)
