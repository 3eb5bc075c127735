// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix (nvlf: NouVeau LockFix): the debugfs view of a
 * module's counters.
 *
 * Locking: none.  Each counter is per-CPU and summed over the possible
 * CPUs when read; a reader may see counters, and CPUs, at slightly
 * different instants.  debugfs_remove() waits for readers, so the table
 * outlives every read.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/seq_file.h>

#include <nvlf/stats.h>

static int nvlf_stats_show(struct seq_file *m, void *unused)
{
	const struct nvlf_stat *s;
	unsigned long sum;
	int cpu;

	for (s = m->private; s->name; s++) {
		sum = 0;
		for_each_possible_cpu(cpu)
			sum += *per_cpu_ptr(s->value, cpu);
		/* a gauge counted up on one CPU, down on another: signed */
		seq_printf(m, "%s %ld\n", s->name, (long)sum);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvlf_stats);

/**
 * nvlf_stats_create - publish a counter table in debugfs
 * @dir: name of the directory to create at the debugfs root
 * @table: counters, ended by an entry whose @name is NULL; must stay valid
 *	until nvlf_stats_remove()
 *
 * Return: the directory, or NULL when debugfs is not available.  Failure
 * is not an error: the counters keep counting, they are just not shown.
 */
struct dentry *nvlf_stats_create(const char *dir, const struct nvlf_stat *table)
{
	struct dentry *d = debugfs_create_dir(dir, NULL);

	if (IS_ERR_OR_NULL(d))
		return NULL;
	debugfs_create_file("stats", 0444, d, (void *)table, &nvlf_stats_fops);
	return d;
}

/**
 * nvlf_stats_remove - remove what nvlf_stats_create() published
 * @dir: its return value (NULL is fine)
 */
void nvlf_stats_remove(struct dentry *dir)
{
	debugfs_remove(dir);
}
