// SPDX-License-Identifier: GPL-2.0
/*
 * watchdog.c - one watchdog per program: a hang is the symptom the tests
 * look for, so a test still running after its time is reported with
 * every thread's kernel stack.
 */
#define _GNU_SOURCE
#include "watchdog.h"

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/*
 * One watchdog per program: if a test is still running @secs after
 * watchdog_arm(), print every thread's kernel stack (readable by root) and
 * "Bail out!", and exit 1.  A hang is the symptom these tests look for.
 */
static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond = PTHREAD_COND_INITIALIZER;
static int64_t wd_deadline;	/* CLOCK_REALTIME ns, 0 = disarmed */
static char wd_what[128];
static bool wd_started;

static void wd_dump_stacks(void)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char path[300], line[256];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stack",
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		printf("# thread %s kernel stack:\n", de->d_name);
		while (fgets(line, sizeof(line), f))
			printf("#   %s", line);
		fclose(f);
	}
	closedir(dir);
}

static void *wd_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wd_lock);
	for (;;) {
		struct timespec ts;
		int64_t now;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		if (wd_deadline && now >= wd_deadline) {
			printf("# watchdog: %s still running: hang or deadlock?\n",
			       wd_what);
			wd_dump_stacks();
			printf("Bail out! %s hung\n", wd_what);
			fflush(stdout);
			_exit(1);
		}
		if (wd_deadline) {
			ts.tv_sec = wd_deadline / 1000000000;
			ts.tv_nsec = wd_deadline % 1000000000;
			pthread_cond_timedwait(&wd_cond, &wd_lock, &ts);
		} else {
			pthread_cond_wait(&wd_cond, &wd_lock);
		}
	}
	return NULL;
}

void watchdog_arm(unsigned int secs, const char *what)
{
	struct timespec ts;

	pthread_mutex_lock(&wd_lock);
	if (!wd_started) {
		pthread_t t;

		if (!pthread_create(&t, NULL, wd_thread, NULL)) {
			pthread_detach(t);
			wd_started = true;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	wd_deadline = ((int64_t)ts.tv_sec + secs) * 1000000000 + ts.tv_nsec;
	snprintf(wd_what, sizeof(wd_what), "%s (after %u s)", what, secs);
	pthread_cond_signal(&wd_cond);
	pthread_mutex_unlock(&wd_lock);
}

void watchdog_disarm(void)
{
	pthread_mutex_lock(&wd_lock);
	wd_deadline = 0;
	pthread_cond_signal(&wd_cond);
	pthread_mutex_unlock(&wd_lock);
}
