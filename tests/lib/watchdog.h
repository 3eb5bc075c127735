/* SPDX-License-Identifier: GPL-2.0 */
/*
 * watchdog.h - one watchdog per program (watchdog.c): if a test is still
 * running @secs after watchdog_arm(), every thread's kernel stack
 * (readable by root) and "Bail out! WHAT hung" are printed, and the
 * program exits 1.
 */
#ifndef NVLF_WATCHDOG_H
#define NVLF_WATCHDOG_H

void watchdog_arm(unsigned int secs, const char *what);
void watchdog_disarm(void);

#endif /* NVLF_WATCHDOG_H */
