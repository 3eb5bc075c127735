/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: event counters of a module, shown in debugfs as
 * /sys/kernel/debug/<dir>/stats, one "name value" line per counter.
 */
#ifndef NVLF_STATS_H
#define NVLF_STATS_H

#include <linux/atomic.h>

struct dentry;

/**
 * struct nvlf_stat - one named counter
 * @name: the name printed in the stats file
 * @value: the counter; the table does not own it
 */
struct nvlf_stat {
	const char *name;
	atomic_long_t *value;
};

struct dentry *nvlf_stats_create(const char *dir, const struct nvlf_stat *table);
void nvlf_stats_remove(struct dentry *dir);

#define nvlf_count(c) atomic_long_inc(&(c))

#endif /* NVLF_STATS_H */
