// SPDX-License-Identifier: GPL-2.0
/*
 * prog.c - the main of a test program made of parts: options, device
 * setup, selection and running of the parts, the plan, the exit status.
 */
#define _GNU_SOURCE
#include "prog.h"
#include "seg.h"
#include "tap.h"
#include "watchdog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct nvlf_part *current;

const struct nvlf_part *nvlf_part_current(void)
{
	return current;
}

static void usage(FILE *f, const struct nvlf_prog *p)
{
	size_t i;

	fprintf(f, "usage: %s [--device PATH]%s%s [--only %s] [--list] [--help]\n",
		p->name, p->usage_opts ? " " : "",
		p->usage_opts ? p->usage_opts : "",
		p->only_substring ? "SUBSTRING" : "NAME[,NAME...]");
	if (p->only_substring)
		return;
	fputs("parts:", f);
	for (i = 0; i < p->nparts; i++)
		fprintf(f, " %s", p->parts[i].name);
	fputc('\n', f);
}

static bool matches(const struct nvlf_prog *p, const char *name,
		    const char *only)
{
	char *list, *tok, *save = NULL;
	bool found = false;

	if (!only)
		return true;
	if (p->only_substring)
		return strstr(name, only);
	list = strdup(only);
	for (tok = list ? strtok_r(list, ",", &save) : NULL; tok && !found;
	     tok = strtok_r(NULL, ",", &save))
		found = !strcmp(tok, name);
	free(list);
	return found;
}

/* The parts @only selects into @sel; -1 (message printed) if wrong. */
static int select_parts(const struct nvlf_prog *p, const char *only,
			bool *sel)
{
	char *list, *tok, *save = NULL;
	size_t i, n = 0;

	for (i = 0; i < p->nparts; i++) {
		sel[i] = matches(p, p->parts[i].name, only);
		n += sel[i];
	}
	if (p->only_substring) {
		if (!n)
			fprintf(stderr, "%s: no case matches \"%s\"\n", p->name,
				only);
		return n ? 0 : -1;
	}
	list = only ? strdup(only) : NULL;
	for (tok = list ? strtok_r(list, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < p->nparts; i++)
			if (!strcmp(tok, p->parts[i].name))
				break;
		if (i == p->nparts) {
			fprintf(stderr, "%s: unknown part %s\n", p->name, tok);
			free(list);
			return -1;
		}
	}
	free(list);
	return 0;
}

/* 1: go on; 0: exit with *status */
static int parse(int argc, char **argv, const struct nvlf_prog *p,
		 const char **path, const char **only, int *status)
{
	static const struct option base[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "only", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
	};
	struct option opts[32];
	char optstring[64];
	size_t n = 0, i;
	int opt;

	memcpy(opts, base, sizeof(base));
	n = sizeof(base) / sizeof(base[0]);
	for (i = 0; p->opts && p->opts[i].name && n < 31; i++)
		opts[n++] = p->opts[i];
	memset(&opts[n], 0, sizeof(opts[n]));
	snprintf(optstring, sizeof(optstring), "d:o:lh%s",
		 p->optstring ? p->optstring : "");
	*status = 0;
	while ((opt = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			*path = optarg;
			break;
		case 'o':
			*only = optarg;
			break;
		case 'l':
			for (i = 0; i < p->nparts; i++)
				printf("%s\n", p->parts[i].name);
			return 0;
		case 'h':
			usage(stdout, p);
			return 0;
		case '?':
			usage(stderr, p);
			*status = 2;
			return 0;
		default:
			if (!p->option || p->option(opt, optarg)) {
				usage(stderr, p);
				*status = 2;
				return 0;
			}
		}
	}
	if (optind != argc) {
		usage(stderr, p);
		*status = 2;
		return 0;
	}
	return 1;
}

int nvlf_main(int argc, char **argv, const struct nvlf_prog *p)
{
	const char *path = NULL, *only = NULL;
	bool *sel;
	char err[256];
	int status;
	size_t i;

	if (!parse(argc, argv, p, &path, &only, &status))
		return status;
	sel = calloc(p->nparts ? p->nparts : 1, sizeof(*sel));
	if (!sel || select_parts(p, only, sel)) {
		if (sel && !p->only_substring)
			usage(stderr, p);
		free(sel);
		return 2;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	seg_install();
	if (p->before)
		p->before();
	if (nvdev_setup(p->dev, path, err, sizeof(err)) ||
	    (p->setup && p->setup(err, sizeof(err)))) {
		tap(0, "%s: %s",
		    p->device_point ? p->device_point : "nvlf_test device", err);
		free(sel);
		tap_done();
		return 1;
	}
	if (p->begin && !p->begin()) {
		free(sel);
		tap_done();
		return 1;
	}
	for (i = 0; i < p->nparts; i++) {
		unsigned int failed = tap_failures(), points = tap_points();

		if (!sel[i])
			continue;
		current = &p->parts[i];
		if (!p->only_substring)
			diag("--- %s", current->name);
		if (p->watchdog_s)
			watchdog_arm(p->watchdog_s, current->name);
		current->fn();
		if (p->watchdog_s)
			watchdog_disarm();
		tap_stop_check(current->name, failed);
		/* a part that returned before its first point is a failure */
		if (tap_points() == points)
			tap(0, "%s: printed no test point", current->name);
	}
	current = NULL;
	free(sel);
	if (p->end)
		p->end();
	nv_channel_free(p->dev->fd, p->dev->chan);
	close(p->dev->fd);
	if (p->closed)
		p->closed();
	return tap_done();
}
