// SPDX-License-Identifier: GPL-2.0
/*
 * tap.c - TAP output of the test programs: points counted here, the plan
 * printed after the last one (tap_done()), comments, and the reason a
 * test stopped early.
 */
#include "tap.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t tap_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned int tap_num, tap_failed;
static char tap_reason[384];

static void tap_vpoint(int ok, const char *directive, const char *fmt,
		       va_list ap)
{
	pthread_mutex_lock(&tap_mutex);
	tap_num++;
	if (!ok)
		tap_failed++;
	printf("%sok %u - ", ok ? "" : "not ", tap_num);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&tap_mutex);
}

int tap(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vpoint(ok, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	char dir[512];
	va_list ap;

	snprintf(dir, sizeof(dir), "SKIP %s", why);
	va_start(ap, fmt);
	tap_vpoint(1, dir, fmt, ap);
	va_end(ap);
}

static void tap_vline(const char *prefix, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&tap_mutex);
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&tap_mutex);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("# ", fmt, ap);
	va_end(ap);
}

void tap_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("", fmt, ap);
	va_end(ap);
}

unsigned int tap_points(void)
{
	unsigned int n;

	pthread_mutex_lock(&tap_mutex);
	n = tap_num;
	pthread_mutex_unlock(&tap_mutex);
	return n;
}

unsigned int tap_failures(void)
{
	unsigned int n;

	pthread_mutex_lock(&tap_mutex);
	n = tap_failed;
	pthread_mutex_unlock(&tap_mutex);
	return n;
}

void tap_stop(const char *fmt, ...)
{
	char why[sizeof(tap_reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&tap_mutex);
	memcpy(tap_reason, why, sizeof(why));
	pthread_mutex_unlock(&tap_mutex);
	diag("%s", why);
}

const char *tap_why(void)
{
	return tap_reason;	/* the part's own thread, after tap_stop() */
}

void tap_stop_check(const char *what, unsigned int failed_before)
{
	char why[sizeof(tap_reason)];

	pthread_mutex_lock(&tap_mutex);
	memcpy(why, tap_reason, sizeof(why));
	tap_reason[0] = '\0';
	pthread_mutex_unlock(&tap_mutex);
	if (why[0] && tap_failures() == failed_before)
		tap(0, "%s: stopped early (%s)", what, why);
}

int tap_done(void)
{
	pthread_mutex_lock(&tap_mutex);
	printf("1..%u\n", tap_num);
	fflush(stdout);
	pthread_mutex_unlock(&tap_mutex);
	return tap_failed ? 1 : 0;
}
