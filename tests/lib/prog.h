/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prog.h - the main of a test program made of parts (prog.c): options,
 * device setup, one watchdog per part, selection of parts, the TAP plan
 * and the exit status.
 */
#ifndef NVLF_PROG_H
#define NVLF_PROG_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "nvdev.h"

/* A part of a program: a test, a benchmark section, a bad-input case. */
struct nvlf_part {
	const char *name;
	void (*fn)(void);
	const void *arg;	/* for fn, through nvlf_part_current() */
};

/* .parts and .nparts of struct nvlf_prog from an array */
#define NVLF_PARTS(a) .parts = (a), .nparts = sizeof(a) / sizeof((a)[0])

struct nvlf_prog {
	const char *name;		/* "nvlf_faults": messages, usage */
	const struct nvlf_part *parts;
	size_t nparts;
	/*
	 * --only: false: NAME[,NAME...] exactly, and "# --- PART" comes
	 * before each part; true: a SUBSTRING of names, no such line
	 */
	bool only_substring;
	/* each part runs under the watchdog for this long (0: none) */
	unsigned int watchdog_s;
	/* further options: long ones, their short letters, a usage text */
	const struct option *opts;
	const char *optstring;
	const char *usage_opts;
	/* an option of @opts; 0, or -1 for a usage error (message printed) */
	int (*option)(int opt, const char *arg);
	/* the device: nvdev_setup() of --device PATH into *dev */
	struct nvdev *dev;
	/* the point that fails when setup fails: "WHAT: error" (NULL: "nvlf_test device") */
	const char *device_point;
	/* before the device is opened (may be NULL) */
	void (*before)(void);
	/* after the device is set up; 0, or -1 with @err (may be NULL) */
	int (*setup)(char *err, size_t len);
	/* the first points; false stops the program (may be NULL) */
	bool (*begin)(void);
	/* after the parts: last points, cleanup (may be NULL) */
	void (*end)(void);
	/* after the device's channel is freed and the device closed */
	void (*closed)(void);
};

/*
 * Parse the options (--device PATH, --only, --list, --help and @p's),
 * set up the device, run the selected parts in order, each followed by
 * tap_stop_check(), print the plan.  Returns the exit status: 0 if every
 * point passed, 1 otherwise, 2 on a usage error.
 */
int nvlf_main(int argc, char **argv, const struct nvlf_prog *p);
/* the part running now */
const struct nvlf_part *nvlf_part_current(void);

/* a program's main(): nvlf_main() of struct nvlf_prog @p */
#define NVLF_MAIN(p)						\
int main(int argc, char **argv)					\
{								\
	return nvlf_main(argc, argv, &(p));			\
}

#endif /* NVLF_PROG_H */
