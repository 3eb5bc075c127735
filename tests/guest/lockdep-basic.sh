#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest script (busybox ash, /test.sh of tests/vm/mkinitramfs) that shows
# the lockdep test kernel does what tests rely on; prints TAP
# (/lib/nvlf/tap.sh).  Run by tests/lockdep/boot-test.
#
# Test points: lockdep is on (/proc/lockdep_stats, debug_locks 1); debugfs
# is mounted; kmemleak is present and a scan works (unless the kernel
# command line says kmemleak=off); the hung task timeout
# is lowered; modprobe bochs gives a bochs-drm /dev/dri/cardN; modprobe
# nouveau and qxl load (no device to bind); no lockdep report, WARNING,
# BUG or KASAN report in the kernel log, and lockdep still on at the end.

CARD_WAIT=10
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. /lib/nvlf/tap.sh
# shellcheck source-path=SCRIPTDIR source=common.sh
. /lib/nvlf/common.sh

# debug_locks value from /proc/lockdep_stats (1 = lockdep on, 0 = it has
# turned itself off, e.g. after a first report)
debug_locks() {
	awk -F: '$1 ~ /debug_locks/ { gsub(/ /, "", $2); print $2 }' /proc/lockdep_stats
}

echo "# kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs, $(cat /proc/cmdline)"

# --- lockdep -------------------------------------------------------------------
if [ -r /proc/lockdep_stats ] && [ "$(debug_locks)" = 1 ]; then
	grep -E 'lock-classes|direct dependencies|dependency chains|debug_locks' \
		/proc/lockdep_stats | diag
	ok "lockdep is on (/proc/lockdep_stats, debug_locks 1)"
else
	dmesg | grep -i lockdep | diag
	not_ok "lockdep is on (/proc/lockdep_stats: $(debug_locks 2>&1))"
fi

# --- debugfs, kmemleak, hung task timeout --------------------------------------
if grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	ok "debugfs mounted on /sys/kernel/debug"
else
	not_ok "debugfs mounted on /sys/kernel/debug"
fi

# kmemleak is on unless the kernel command line says kmemleak=off; when
# off, /sys/kernel/debug/kmemleak still exists but a scan fails (EPERM)
KMEMLEAK=/sys/kernel/debug/kmemleak
if grep -q 'kmemleak=off' /proc/cmdline; then
	if [ -e "$KMEMLEAK" ] && echo scan >"$KMEMLEAK" 2>/dev/null; then
		not_ok "kmemleak off with kmemleak=off (a scan works)"
	else
		ok "kmemleak off with kmemleak=off # SKIP kmemleak checks"
	fi
elif [ -e "$KMEMLEAK" ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	if echo scan >"$KMEMLEAK"; then
		t1=$(cut -d' ' -f1 /proc/uptime)
		n=$(grep -c '^unreferenced object' "$KMEMLEAK")
		ok "kmemleak present, scan took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s, $n suspected leaks after boot"
		echo clear >"$KMEMLEAK"
	else
		not_ok "kmemleak scan (echo scan >$KMEMLEAK failed; kmemleak disabled?)"
		dmesg | grep -i kmemleak | diag
	fi
else
	not_ok "kmemleak present ($KMEMLEAK)"
fi

hung=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null)
if [ "$hung" = 20 ]; then
	ok "hung task timeout is 20s"
else
	not_ok "hung task timeout is 20s (got ${hung:-nothing})"
fi

# --- DRM -----------------------------------------------------------------------
modprobe_point bochs
if wait_card bochs-drm "$CARD_WAIT"; then
	ok "bochs-drm card appears: $card (after ~${card_after}s, at uptime $(cut -d' ' -f1 /proc/uptime)s)"
else
	not_ok "bochs-drm card appears within ${CARD_WAIT}s"
fi
for m in nouveau qxl; do
	modprobe_point "$m"
done
echo "# modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"

# --- kernel health ---------------------------------------------------------------
dmesg >/tmp/dmesg.all
grep -nE 'possible circular|possible recursive|inconsistent lock|lock held when returning|suspicious RCU|BUG:|WARNING:|Oops|KASAN|blocked for more than|soft lockup|hard LOCKUP|INFO: lockdep is turned off' \
	/tmp/dmesg.all >/tmp/dmesg.bad
if [ -s /tmp/dmesg.bad ]; then
	# the whole log: a lockdep report is only useful with its chain
	diag </tmp/dmesg.all
	not_ok "no lockdep report, WARNING, BUG or KASAN report in the kernel log ($(wc -l </tmp/dmesg.bad) lines)"
else
	ok "no lockdep report, WARNING, BUG or KASAN report in the kernel log"
fi
if [ "$(debug_locks)" = 1 ]; then
	ok "lockdep still on at the end"
else
	not_ok "lockdep still on at the end (debug_locks $(debug_locks))"
fi

done_testing
tap_status
