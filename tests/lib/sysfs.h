/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs.h - debugfs counters of nvlf_ttm and nvlf_test, module parameters
 * (sysfs.c).
 */
#ifndef NVLF_SYSFS_H
#define NVLF_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#define NVLF_DEBUGFS	"/sys/kernel/debug"
#define NVLF_TEST_STATS	NVLF_DEBUGFS "/nvlf_test/stats"
#define NVLF_TTM_STATS	NVLF_DEBUGFS "/nvlf_ttm/stats"

/* Counter @name of a "name value" stats file; 0, or -1 if unreadable. */
int stat_get(const char *file, const char *name, long *value);

/* A counter read before and after something. */
struct stat_delta {
	const char *file;
	const char *name;
	long before;
	bool ok;
};

void stat_begin(struct stat_delta *s, const char *file, const char *name);
/* Growth since stat_begin(); false if the counter cannot be read. */
bool stat_end(struct stat_delta *s, long *delta);

/*
 * A point whose proof needs counters of @file that cannot be read.  Where
 * our module must be loaded (NVLF_REQUIRE_STATS=1: the guest plan's
 * "ours"), a failure: a guest that runs the distro's ABI-identical ttm.ko
 * must not pass these proofs by skipping them.  Elsewhere (the reproducer
 * on a tester's machine, debugfs not mounted) a skip that names the file.
 */
__attribute__((format(printf, 2, 3)))
void stat_missing(const char *file, const char *fmt, ...);

/* The first line of @file into @buf (newline stripped); 0 or -1 */
int read_line(const char *file, char *buf, size_t len);
/* /sys/module/MOD/parameters/NAME into @buf (newline stripped); 0 or -1 */
int param_read(const char *mod, const char *name, char *buf, size_t len);
/* Y/1 -> 1, N/0 -> 0, unreadable -> -1 */
int param_bool(const char *mod, const char *name);
/* the parameter as a number, @dflt if unreadable */
long param_long(const char *mod, const char *name, long dflt);

#endif /* NVLF_SYSFS_H */
