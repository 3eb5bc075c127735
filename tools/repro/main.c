// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro: the options, the scenario table and main(): the device,
 * each scenario under the watchdog, the summary and the exit status (0
 * only if every test point passed; 2 for bad usage).  The TAP plan is
 * counted by tests/lib and printed last.
 */
#include "repro.h"

struct repro_opt opt = { NULL, false, false, 0, 2, 100, 300, false };

/* A SIGBUS/SIGSEGV here is a failure: say so in TAP before dying. */
static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	char m[160];
	int n;

	(void)uc;
	n = snprintf(m, sizeof(m),
		     "Bail out! signal %d (%s) at address %p: a fault on a BO mapping failed?\n",
		     sig, sig == SIGBUS ? "SIGBUS" : "SIGSEGV", si->si_addr);
	if (n > 0 && write(1, m, (size_t)n) < 0)
		n = 0;
	_exit(1);
}

static const struct scen {
	const char *name;
	unsigned int points;
	void (*fn)(void);
} scens[] = {
	{ "nested", NESTED_POINTS, scen_nested },
	{ "presumed-ro", RO_POINTS, scen_presumed_ro },
	{ "opposite-order", OPP_POINTS, scen_opposite },
	{ "faulters", FLT_POINTS, scen_faulters },
	{ "mover", MOV_POINTS, scen_mover },
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: nvlf-repro [--device PATH] [--only NAME[,NAME...]] [--stress SECONDS]\n"
"                  [--submit | --reject] [--iterations N] [--threads N]\n"
"                  [--timeout SECONDS] [--injected] [--help]\n"
"\n"
"Reproducer for the nouveau mmap/GEM_PUSHBUF lock inversion; TAP output,\n"
"exit status 0 only if every test point passed.\n"
"\n"
"  --device PATH     DRM node to use (default: the first /dev/dri/card* or\n"
"                    renderD* whose driver is nouveau or nvlf_test)\n"
"  --only NAMES      run only these scenarios (comma-separated):\n"
"      nested         the buffer list, relocations and presumed entries live\n"
"                     in a fresh mapping of a BO of the same job (%d jobs)\n"
"      presumed-ro    the buffer list is read-only: the presumed write-back\n"
"                     fails after submission (0 and presumed_swallowed+1,\n"
"                     or -EFAULT with lockfix_strict_presumed=1)\n"
"      opposite-order threads submit jobs listing the same BOs in opposite\n"
"                     orders (ww backoff in the kernel)\n"
"      faulters       threads fault on mappings of the BOs of running jobs\n"
"      mover          BOs moved between VRAM and GART meanwhile (nvlf_test)\n"
"  --stress SECONDS  run all of it at once for SECONDS, then verify every BO\n"
"                    (alone, unless --only names scenarios too)\n"
"  --submit          on real nouveau, submit jobs: zero-length pushes.\n"
"                    UNTESTED: no NVIDIA GPU was available to the authors.\n"
"                    Without it, every job on nouveau ends with a duplicate\n"
"                    buffer entry, which the kernel rejects (-EINVAL) after\n"
"                    reserving every BO and before anything reaches the GPU;\n"
"                    checks that need a submitted job are then skipped.\n"
"  --reject          end every job with a duplicate entry, as on nouveau\n"
"                    without --submit (to check that mode on nvlf_test)\n"
"  --iterations N    jobs of the nested scenario (others scale with it; %d)\n"
"  --threads N       submitters of opposite-order (default %d)\n"
"  --timeout S       watchdog per scenario (default %u s): a scenario still\n"
"                    running prints every thread's kernel stack, Bail out!\n"
"  --injected        with --stress: the kernel's fault injection is set up\n"
"                    (/sys/kernel/debug/{failslab,fail_page_alloc,\n"
"                    fail_usercopy}, task-filter): turn it on around the\n"
"                    submitters' PUSHBUF and the mover's BO_MOVE calls,\n"
"                    accept the errors it causes (-ENOMEM, -EFAULT,\n"
"                    -EINTR, -EBUSY, -EAGAIN, -ENOSPC), check what failed\n"
"                    jobs leave behind, and that some did fail\n"
"\n"
"Run as root to read /sys/kernel/debug/{nvlf_ttm,nvlf_test,nvlf_nouveau}/stats\n"
"(otherwise the points that need them are skipped).\n",
		100, 100, 2, 300u);
}

static long parse_long(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "nvlf-repro: bad %s: %s (%ld..%ld)\n", what, s,
			min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "only", required_argument, NULL, 'o' },
		{ "stress", required_argument, NULL, 's' },
		{ "submit", no_argument, NULL, 'S' },
		{ "reject", no_argument, NULL, 'R' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "injected", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool sel[ARRAY_SIZE(scens)];
	const char *only = NULL;
	struct sigaction sa;
	char err[400];
	unsigned int i, plan = 1;
	int c;

	while ((c = getopt_long(argc, argv, "d:o:s:SRi:t:T:Ih", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.device = optarg;
			break;
		case 'o':
			only = optarg;
			break;
		case 's':
			opt.stress_s = parse_long(optarg, "--stress", 1, 86400);
			break;
		case 'S':
			opt.submit = true;
			break;
		case 'R':
			opt.reject = true;
			break;
		case 'I':
			opt.injected = true;
			break;
		case 'i':
			opt.iterations = (int)parse_long(optarg, "--iterations", 2, 1000000);
			break;
		case 't':
			opt.threads = (int)parse_long(optarg, "--threads", 2, MAX_SUBS);
			break;
		case 'T':
			opt.timeout = (unsigned int)parse_long(optarg, "--timeout", 1, 86400);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (opt.injected && !opt.stress_s) {
		fprintf(stderr, "nvlf-repro: --injected applies to --stress SECONDS only\n");
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(scens); i++)
		sel[i] = !only && !opt.stress_s;
	if (only) {
		char *list = strdup(only), *tok, *save = NULL;

		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			for (i = 0; i < ARRAY_SIZE(scens); i++)
				if (!strcmp(tok, scens[i].name))
					break;
			if (i == ARRAY_SIZE(scens)) {
				fprintf(stderr, "nvlf-repro: unknown scenario %s\n", tok);
				usage(stderr);
				return 2;
			}
			sel[i] = true;
		}
		free(list);
	}
	for (i = 0; i < ARRAY_SIZE(scens); i++)
		if (sel[i])
			plan += scens[i].points;
	if (opt.stress_s)
		plan += STRESS_POINTS;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fatal_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	/* the plan "1..N" comes last (tap_done()); @plan pads and checks */
	if (dev_setup(err, sizeof(err))) {
		tap(0, "device: %s", err);
		while (tap_points() < plan)
			tap(0, "not run: no device");
		return tap_done();
	}
	tap(1, "device %s: driver %s, chipset 0x%" PRIx64 ", channel %d; %s",
	    D.nv.path, D.nv.name, D.nv.chipset, D.nv.chan,
	    D.reject ? "every job is rejected after reserving (duplicate last entry; on nouveau nothing reaches the GPU)" :
	    D.nouveau ? "nouveau with --submit: zero-length pushes (UNTESTED)" :
	    "test driver: full checks");
	if (D.nouveau && opt.submit && D.nv.chipset >= 0x50)
		diag("chipset 0x%" PRIx64 " has a VM: nouveau applies no relocations; presumed checks only verify nothing changes",
		     D.nv.chipset);
	if (access(NVLF_TTM_STATS, R_OK))
		diag("%s not readable: not our ttm.ko, debugfs not mounted, or not root", NVLF_TTM_STATS);

	for (i = 0; i < ARRAY_SIZE(scens); i++) {
		unsigned int start = tap_points();

		if (!sel[i])
			continue;
		diag("--- %s", scens[i].name);
		watchdog_arm(opt.timeout, scens[i].name);
		scens[i].fn();
		watchdog_disarm();
		if (tap_points() != start + scens[i].points)
			diag("BUG: scenario %s emitted %u points, planned %u",
			     scens[i].name, tap_points() - start, scens[i].points);
	}
	if (opt.stress_s) {
		diag("--- stress %ld s", opt.stress_s);
		watchdog_arm(opt.timeout + (unsigned int)opt.stress_s, "stress");
		scen_stress();
		watchdog_disarm();
	}

	if (D.nv.chan >= 0)
		nv_channel_free(D.nv.fd, D.nv.chan);
	close(D.nv.fd);
	if (tap_points() != plan) {
		diag("planned %u test points, ran %u", plan, tap_points());
		tap_done();
		return 1;
	}
	diag("nvlf-repro: %u of %u test points failed", tap_failures(),
	     tap_points());
	return tap_done();
}
