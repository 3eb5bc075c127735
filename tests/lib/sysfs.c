// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - the debugfs counters of nvlf_ttm and nvlf_test ("name value"
 * lines) and module parameters under /sys/module.
 */
#include "sysfs.h"
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counter @name of a "name value" stats file; 0, or -1 if unreadable. */
int stat_get(const char *file, const char *name, long *value)
{
	char line[256];
	size_t n = strlen(name);
	FILE *f = fopen(file, "re");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ' ') {
			*value = strtol(line + n + 1, NULL, 10);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* A counter read before and after something. */

void stat_begin(struct stat_delta *s, const char *file,
		const char *name)
{
	s->file = file;
	s->name = name;
	s->before = 0;
	s->ok = !stat_get(file, name, &s->before);
}

/* Growth since stat_begin(); false if the counter cannot be read. */
bool stat_end(struct stat_delta *s, long *delta)
{
	long now;

	if (!s->ok || stat_get(s->file, s->name, &now))
		return false;
	*delta = now - s->before;
	return true;
}

void stat_missing(const char *file, const char *fmt, ...)
{
	const char *req = getenv("NVLF_REQUIRE_STATS");
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (req && !strcmp(req, "1"))
		tap(0, "%s (cannot read %s, and our module must be loaded here)",
		    what, file);
	else
		tap_skip(file, "%s (cannot read %s)", what, file);
}

/* The first line of @file into @buf (newline stripped); 0 or -1 */
int read_line(const char *file, char *buf, size_t len)
{
	FILE *f = fopen(file, "re");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, (int)len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
	}
	fclose(f);
	return ret;
}

/* /sys/module/MOD/parameters/NAME into @buf (newline stripped); 0 or -1 */
int param_read(const char *mod, const char *name, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	return read_line(path, buf, len);
}

/* Y/1 -> 1, N/0 -> 0, unreadable -> -1 */
int param_bool(const char *mod, const char *name)
{
	char b[32];

	if (param_read(mod, name, b, sizeof(b)))
		return -1;
	return b[0] == 'Y' || b[0] == 'y' || b[0] == '1';
}

long param_long(const char *mod, const char *name, long dflt)
{
	char b[32];

	if (param_read(mod, name, b, sizeof(b)))
		return dflt;
	return strtol(b, NULL, 0);
}
