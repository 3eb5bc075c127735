#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest script: load modules, run TAP test programs, then judge the
# kernel's health.  Runs as /test.sh under busybox ash in an initramfs from
# tests/vm/mkinitramfs; prints one TAP stream (the TAP layer
# /lib/nvlf/tap.sh relays each program's points as its own).
#
# usage: progs.sh [PLAN_FILE]     (default /plan)
#
# PLAN_FILE lines, in order:
#   modprobe MODULE [PARAM=VALUE...]   one test point
#   set PATH VALUE                     write VALUE to a sysfs file
#   run SECONDS PROGRAM [ARGS...]      a TAP program; each of its test points
#                                      becomes one of ours ("PROGRAM: ...");
#                                      killed after SECONDS (a failure)
#   xfail SECONDS PROGRAM [ARGS...]    a TAP program that must FAIL (at least
#                                      one "not ok"): the naive modes
#   expect lockdep none|circular       what the kernel log must show:
#                                      none = no lockdep, hung task, KASAN,
#                                      oops or warning report at all;
#                                      circular = a circular locking report
#                                      between mmap_lock and a BO reservation
#   kmemleak                           scan for leaks (if the kernel has it)
#   stats FILE                         print a stats file as comments
#   inject KIND PERCENT                arm the kernel's fault injection KIND
#                                      (failslab, fail_page_alloc,
#                                      fail_usercopy) for tasks that set
#                                      make-it-fail: PERCENT % of their
#                                      calls fail, silently
#   injected KIND                      disarm KIND; one point: it failed at
#                                      least one call since it was armed
#   runinj SECONDS PROGRAM [ARGS...]   as run, with NVLF_KINJECT=1: the
#                                      program's ioctls run under the armed
#                                      injection, and one that fails is sent
#                                      again without (tests/lib/nvdev.c)
#   vmaps save|same|leaked             count the kernel mappings of BOs
#                                      (/proc/vmallocinfo); same: no more
#                                      than at the last save; leaked: more
#                                      (a naive mode that must leak)
# '#' lines are comments.

PLAN=${1:-/plan}
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. /lib/nvlf/tap.sh
# shellcheck source-path=SCRIPTDIR source=common.sh
. /lib/nvlf/common.sh

expect_lockdep=none
do_kmemleak=''

run_prog() { # run_prog MODE SECONDS PROGRAM ARGS...
	mode=$1 secs=$2
	shift 2
	name=$(basename "$1")
	start=$(date +%s)
	timeout "$secs" "$@" >/tmp/prog.out 2>&1
	rc=$?
	tap_relay "$name" "$mode" </tmp/prog.out
	took=$(($(date +%s) - start))
	if [ "$mode" = xfail ]; then
		if [ "$tap_relay_failed" -gt 0 ] || [ "$rc" != 0 ]; then
			ok "$name fails as it must here ($tap_relay_failed failed points, exit $rc, ${took}s)"
		else
			not_ok "$name was expected to fail here but passed (${took}s)"
		fi
	elif [ "$rc" = 0 ]; then
		ok "$name exits 0 (${took}s)"
	elif [ "$rc" = 143 ] || [ "$rc" = 137 ]; then
		not_ok "$name killed after ${secs}s"
	else
		not_ok "$name exits $rc (${took}s)"
	fi
}

# fault injection: "times" counts down from this with every failed call
INJ_TIMES=100000000

# inject KIND PERCENT: arm /sys/kernel/debug/KIND for marked tasks
inject() {
	d=/sys/kernel/debug/$1
	[ -d "$d" ] || { echo "this kernel has no $d (needs CONFIG_FAULT_INJECTION_DEBUG_FS and the option for $1)"; return 1; }
	echo 0 >"$d/probability" &&
	echo 1 >"$d/interval" && echo 0 >"$d/space" && echo 0 >"$d/verbose" &&
	echo Y >"$d/task-filter" && echo "$INJ_TIMES" >"$d/times" &&
	{ [ ! -e "$d/ignore-gfp-wait" ] || echo N >"$d/ignore-gfp-wait"; } &&
	{ [ ! -e "$d/ignore-gfp-highmem" ] || echo N >"$d/ignore-gfp-highmem"; } &&
	{ [ ! -e "$d/min-order" ] || echo 0 >"$d/min-order"; } &&
	echo "$2" >"$d/probability"
}

# kernel mappings of BOs (TTM's vmap() passes no VM_MAP flag: by caller)
vmaps() {
	grep -c -e ' ttm_bo_kmap' -e ' ttm_bo_vmap' /proc/vmallocinfo
}

while read -r verb a b rest; do
	case "$verb" in
	''|'#'*) continue ;;
	modprobe)
		# shellcheck disable=SC2086 # parameters are words
		modprobe_point "$a" $b $rest
		;;
	set)
		if echo "$b" >"$a" 2>/tmp/set.out; then
			ok "set $a = $b"
		else
			diag </tmp/set.out
			not_ok "set $a = $b"
		fi
		;;
	run|xfail)
		# shellcheck disable=SC2086 # arguments are words
		run_prog "$verb" "$a" $b $rest
		;;
	expect)
		expect_lockdep=$b
		;;
	kmemleak)
		do_kmemleak=1
		;;
	inject)
		if inject "$a" "$b" >/tmp/inj.err 2>&1; then
			ok "inject $a: $b% of the calls of marked tasks fail"
		else
			diag </tmp/inj.err
			not_ok "inject $a $b"
		fi
		;;
	injected)
		d=/sys/kernel/debug/$a
		left=$(cat "$d/times" 2>/dev/null) || left=$INJ_TIMES
		echo 0 >"$d/probability" 2>/dev/null
		if [ $((INJ_TIMES - left)) -gt 0 ]; then
			ok "$a failed $((INJ_TIMES - left)) calls of the marked ioctls"
		else
			not_ok "$a failed no call since it was armed (no ioctl ran with make-it-fail set, or $d is missing)"
		fi
		;;
	runinj)
		export NVLF_KINJECT=1
		# shellcheck disable=SC2086 # arguments are words
		run_prog run "$a" $b $rest
		unset NVLF_KINJECT
		calls=$(sed -n 's/^# kinject: \([0-9]*\) ioctls.*/\1/p' /tmp/prog.out)
		if [ "${calls:-0}" -gt 0 ]; then
			ok "$name: $(sed -n 's/^# kinject: //p' /tmp/prog.out)"
		else
			not_ok "$name: none of its ioctls ran under fault injection"
		fi
		;;
	vmaps)
		if [ "$a" = save ]; then
			vmaps0=$(vmaps)
			echo "# kernel mappings of BOs: $vmaps0"
		elif [ "$a" = leaked ]; then
			if [ "$(vmaps)" -gt "${vmaps0:-0}" ]; then
				ok "kernel mappings of BOs left, as this naive mode must: $vmaps0 at the save, $(vmaps) now"
			else
				not_ok "kernel mappings of BOs left, as this naive mode must: $vmaps0 at the save, $(vmaps) now (none)"
			fi
		elif [ "$(vmaps)" -le "${vmaps0:-0}" ]; then
			ok "no kernel mapping of a BO left: $vmaps0 at the save, $(vmaps) now"
		else
			grep -e ' ttm_bo_kmap' -e ' ttm_bo_vmap' /proc/vmallocinfo | tail -n 20 | diag
			not_ok "no kernel mapping of a BO left: $vmaps0 at the save, $(vmaps) now"
		fi
		;;
	stats)
		if [ -r "$a" ]; then
			echo "# $a:"
			diag <"$a"
		fi
		;;
	*)
		not_ok "unknown plan line: $verb $a $b $rest"
		;;
	esac
done <"$PLAN"

# --- kernel health ----------------------------------------------------------
if [ -n "$do_kmemleak" ]; then
	if [ -w /sys/kernel/debug/kmemleak ]; then
		# a kmemleak that is off refuses the scan: not a pass
		if ! { echo scan >/sys/kernel/debug/kmemleak &&
		       sleep 1 &&
		       echo scan >/sys/kernel/debug/kmemleak; } 2>/tmp/kml.err; then
			diag </tmp/kml.err
			not_ok "kmemleak: scan refused (kmemleak is off)"
		elif ! cat /sys/kernel/debug/kmemleak >/tmp/leaks; then
			not_ok "kmemleak: report unreadable"
		elif [ -s /tmp/leaks ]; then
			head -n 60 /tmp/leaks | diag
			not_ok "kmemleak: no leaks ($(grep -c '^unreferenced object' /tmp/leaks) found)"
		else
			ok "kmemleak: no leaks"
		fi
	else
		echo "# kmemleak: not in this kernel"
	fi
fi

dmesg >/tmp/dmesg.all
bad='possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning to user space|still has locks held|sleeping function called from invalid context|blocked for more than|BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|soft lockup|hard LOCKUP|list_add corruption|list_del corruption'
grep -E "$bad" /tmp/dmesg.all >/tmp/dmesg.bad
case "$expect_lockdep" in
none)
	if [ -s /tmp/dmesg.bad ]; then
		grep -E -A 40 "$bad" /tmp/dmesg.all | head -n 120 | diag
		not_ok "kernel log: no lockdep, hung-task, KASAN, oops or warning report ($(wc -l </tmp/dmesg.bad) lines)"
	else
		ok "kernel log: no lockdep, hung-task, KASAN, oops or warning report"
	fi
	if [ -r /proc/lockdep_stats ]; then
		if grep -q 'debug_locks: *1' /proc/lockdep_stats; then
			ok "lockdep is still on (debug_locks 1): it checked the whole run"
		else
			not_ok "lockdep turned itself off during the run"
		fi
		# lockdep saw both classes, and the order mmap_lock -> reservation
		if grep -q 'reservation_ww_class_mutex' /proc/lockdep &&
		   grep -q 'mmap_lock' /proc/lockdep; then
			ok "lockdep tracked mmap_lock and reservation_ww_class_mutex"
		else
			not_ok "lockdep tracked mmap_lock and reservation_ww_class_mutex"
		fi
	fi
	;;
circular)
	grep -A 60 'possible circular locking dependency detected' \
		/tmp/dmesg.all | head -n 60 >/tmp/splat
	if [ -s /tmp/splat ] && grep -q 'mmap_lock' /tmp/splat &&
	   grep -q 'reservation_ww_class_mutex' /tmp/splat; then
		diag </tmp/splat
		ok "kernel log: lockdep reports the mmap_lock <-> reservation inversion"
	else
		grep -E -A 30 "$bad" /tmp/dmesg.all | head -n 80 | diag
		not_ok "kernel log: lockdep reports the mmap_lock <-> reservation inversion (no such report)"
	fi
	;;
*)
	not_ok "unknown lockdep expectation $expect_lockdep"
	;;
esac

done_testing
echo "# progs: $tap_failed of $tap_n failed"
tap_status
