#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest script (busybox ash, /test.sh of tests/guest/mkinitramfs) that shows
# the lockdep test kernel does what tests rely on; prints TAP.  Run by
# tests/lockdep/boot-test.
#
# Test points: lockdep is on (/proc/lockdep_stats, debug_locks 1); debugfs
# is mounted; kmemleak is present and a scan works (unless the kernel
# command line says kmemleak=off); the hung task timeout
# is lowered; modprobe bochs gives a bochs-drm /dev/dri/cardN; modprobe
# nouveau and qxl load (no device to bind); no lockdep report, WARNING,
# BUG or KASAN report in the kernel log, and lockdep still on at the end.

CARD_WAIT=10
tap_n=0
tap_failed=0

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

tap_fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

tap_comment() {
	sed 's/^/# /'
}

# debug_locks value from /proc/lockdep_stats (1 = lockdep on, 0 = it has
# turned itself off, e.g. after a first report)
debug_locks() {
	awk -F: '$1 ~ /debug_locks/ { gsub(/ /, "", $2); print $2 }' /proc/lockdep_stats
}

echo "# kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs, $(cat /proc/cmdline)"

# --- lockdep -------------------------------------------------------------------
if [ -r /proc/lockdep_stats ] && [ "$(debug_locks)" = 1 ]; then
	grep -E 'lock-classes|direct dependencies|dependency chains|debug_locks' \
		/proc/lockdep_stats | tap_comment
	tap_ok "lockdep is on (/proc/lockdep_stats, debug_locks 1)"
else
	dmesg | grep -i lockdep | tap_comment
	tap_fail "lockdep is on (/proc/lockdep_stats: $(debug_locks 2>&1))"
fi

# --- debugfs, kmemleak, hung task timeout --------------------------------------
if grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	tap_ok "debugfs mounted on /sys/kernel/debug"
else
	tap_fail "debugfs mounted on /sys/kernel/debug"
fi

# kmemleak is on unless the kernel command line says kmemleak=off; when
# off, /sys/kernel/debug/kmemleak still exists but a scan fails (EPERM)
KMEMLEAK=/sys/kernel/debug/kmemleak
if grep -q 'kmemleak=off' /proc/cmdline; then
	if [ -e "$KMEMLEAK" ] && echo scan >"$KMEMLEAK" 2>/dev/null; then
		tap_fail "kmemleak off with kmemleak=off (a scan works)"
	else
		tap_ok "kmemleak off with kmemleak=off # SKIP kmemleak checks"
	fi
elif [ -e "$KMEMLEAK" ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	if echo scan >"$KMEMLEAK"; then
		t1=$(cut -d' ' -f1 /proc/uptime)
		n=$(grep -c '^unreferenced object' "$KMEMLEAK")
		tap_ok "kmemleak present, scan took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s, $n suspected leaks after boot"
		echo clear >"$KMEMLEAK"
	else
		tap_fail "kmemleak scan (echo scan >$KMEMLEAK failed; kmemleak disabled?)"
		dmesg | grep -i kmemleak | tap_comment
	fi
else
	tap_fail "kmemleak present ($KMEMLEAK)"
fi

hung=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null)
if [ "$hung" = 20 ]; then
	tap_ok "hung task timeout is 20s"
else
	tap_fail "hung task timeout is 20s (got ${hung:-nothing})"
fi

# --- DRM -----------------------------------------------------------------------
if modprobe bochs >/tmp/modprobe.out 2>&1; then
	tap_ok "modprobe bochs"
else
	tap_comment </tmp/modprobe.out
	tap_fail "modprobe bochs"
fi
card=
i=0
while [ -z "$card" ] && [ "$i" -le $((CARD_WAIT * 10)) ]; do
	for c in /sys/class/drm/card[0-9]*; do
		[ -e "$c/device/driver" ] || continue
		case "$c" in *-*) continue ;; esac	# connectors: card0-Virtual-1
		drv=$(basename "$(readlink "$c/device/driver")")
		if [ "$drv" = bochs-drm ] && [ -c "/dev/dri/${c##*/}" ]; then
			card=/dev/dri/${c##*/}
			break
		fi
	done
	[ -n "$card" ] || { sleep 0.1; i=$((i + 1)); }
done
if [ -n "$card" ]; then
	tap_ok "bochs-drm card appears: $card (after ~$((i / 10)).$((i % 10))s, at uptime $(cut -d' ' -f1 /proc/uptime)s)"
else
	find /sys/class/drm /dev/dri -maxdepth 1 2>&1 | tap_comment
	tap_fail "bochs-drm card appears within ${CARD_WAIT}s"
fi
for m in nouveau qxl; do
	if modprobe "$m" >/tmp/modprobe.out 2>&1; then
		tap_ok "modprobe $m"
	else
		tap_comment </tmp/modprobe.out
		tap_fail "modprobe $m"
	fi
done
echo "# modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"

# --- kernel health ---------------------------------------------------------------
dmesg >/tmp/dmesg.all
grep -nE 'possible circular|possible recursive|inconsistent lock|lock held when returning|suspicious RCU|BUG:|WARNING:|Oops|KASAN|blocked for more than|soft lockup|hard LOCKUP|INFO: lockdep is turned off' \
	/tmp/dmesg.all >/tmp/dmesg.bad
if [ -s /tmp/dmesg.bad ]; then
	# the whole log: a lockdep report is only useful with its chain
	tap_comment </tmp/dmesg.all
	tap_fail "no lockdep report, WARNING, BUG or KASAN report in the kernel log ($(wc -l </tmp/dmesg.bad) lines)"
else
	tap_ok "no lockdep report, WARNING, BUG or KASAN report in the kernel log"
fi
if [ "$(debug_locks)" = 1 ]; then
	tap_ok "lockdep still on at the end"
else
	tap_fail "lockdep still on at the end (debug_locks $(debug_locks))"
fi

echo "1..$tap_n"
[ "$tap_failed" = 0 ]
