/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testlib.h - nouveau-lockfix's (nvlf: NouVeau LockFix) test library of
 * tests/lib in one include: TAP, clocks and errors, patterns, the device
 * and its ioctls, BOs, debugfs counters and module parameters, SIGSEGV
 * recovery, the watchdog and the main of a test program.
 */
#ifndef NVLF_TESTLIB_H
#define NVLF_TESTLIB_H

#include "bo.h"
#include "nvdev.h"
#include "pattern.h"
#include "prog.h"
#include "seg.h"
#include "sysfs.h"
#include "tap.h"
#include "util.h"
#include "watchdog.h"

#endif /* NVLF_TESTLIB_H */
