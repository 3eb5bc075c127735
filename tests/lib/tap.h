/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - TAP output of the test programs (tap.c).  The library counts
 * the points; tap_done() prints the plan "1..N" after the last one.
 * Every function may be called from any thread; tap_why() by the part
 * that called tap_stop().
 */
#ifndef NVLF_TAP_H
#define NVLF_TAP_H

/* One test point, "ok N - ..." or "not ok N - ...".  Returns @ok. */
__attribute__((format(printf, 2, 3)))
int tap(int ok, const char *fmt, ...);
/* A skipped test point: "ok N - what # SKIP why". */
__attribute__((format(printf, 2, 3)))
void tap_skip(const char *why, const char *fmt, ...);
/* A comment line, "# ..." */
__attribute__((format(printf, 1, 2)))
void diag(const char *fmt, ...);
/* A line of its own, as given (machine-readable output such as BENCH) */
__attribute__((format(printf, 1, 2)))
void tap_line(const char *fmt, ...);

/* points so far, and how many of them failed */
unsigned int tap_points(void);
unsigned int tap_failures(void);

/*
 * The running test stops early: the reason is kept and said as a diag
 * line.  tap_stop_check() after the test: if it stopped and no point
 * failed since @failed_before (tap_failures() at its start), one failed
 * point "WHAT: stopped early (WHY)".  The reason is cleared either way.
 */
__attribute__((format(printf, 1, 2)))
void tap_stop(const char *fmt, ...);
const char *tap_why(void);	/* "" when not stopped */
void tap_stop_check(const char *what, unsigned int failed_before);

/* The plan "1..N"; returns the exit status: 0 if every point passed, 1 */
int tap_done(void);

#endif /* NVLF_TAP_H */
