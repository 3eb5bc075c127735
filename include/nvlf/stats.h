/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: event counters of a module, shown in debugfs as
 * /sys/kernel/debug/<dir>/stats, one "name value" line per counter.
 *
 * Counters are per-CPU (DEFINE_PER_CPU, or a member of a per-CPU struct):
 * counting on a hot path (every fault, every job) is one this_cpu_inc(),
 * no cache line shared between CPUs.  A read sums the CPUs.
 */
#ifndef NVLF_STATS_H
#define NVLF_STATS_H

#include <linux/percpu.h>

struct dentry;

/**
 * struct nvlf_stat - one named counter
 * @name: the name printed in the stats file
 * @value: the per-CPU counter; the table does not own it
 */
struct nvlf_stat {
	const char *name;
	unsigned long __percpu *value;
};

struct dentry *nvlf_stats_create(const char *dir, const struct nvlf_stat *table);
void nvlf_stats_remove(struct dentry *dir);

/* count one event in a per-CPU counter (an lvalue, e.g. stats->jobs) */
#define nvlf_count(c) this_cpu_inc(c)

#endif /* NVLF_STATS_H */
