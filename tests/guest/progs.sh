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
# PLAN_FILE lines, in order (the points each line must give are planned
# as the line is read: a point that does not come fails the run):
#   modprobe MODULE [PARAM=VALUE...]   one test point
#   ours                               one point: our ttm.ko is loaded (its
#                                      nvlf_ttm/stats is there); from here
#                                      on a program that cannot read our
#                                      counters fails the proof that needs
#                                      them (NVLF_REQUIRE_STATS=1) instead
#                                      of skipping it
#   set PATH VALUE                     write VALUE to a sysfs file
#   run SECONDS PROGRAM [ARGS...]      a TAP program; each of its test points
#                                      becomes one of ours ("PROGRAM: ...");
#                                      killed after SECONDS (a failure)
#   fails TEXT                         the next xfail's program must fail a
#                                      point whose description holds TEXT
#                                      (one line per kind of point)
#   xfail SECONDS PROGRAM [ARGS...]    a TAP program that must fail, as the
#                                      naive modes must: it exits 1 with its
#                                      whole plan, each "fails" line named a
#                                      point that failed, and no other point
#                                      failed; a
#                                      timeout, a crash or a missing program
#                                      is not that failure
#   expect log clean                   what the kernel log must show at the
#   expect lockdep clean|circular      end: clean = no lockdep, hung task,
#                                      KASAN, oops or warning report at all
#                                      (lockdep: and lockdep is on, still on,
#                                      and saw both lock classes); circular
#                                      = a circular locking report between
#                                      mmap_lock and a BO reservation
#   kmemleak                           scan for leaks (the kernel must have
#                                      kmemleak)
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
# NVLF_GUEST_LIB: where tap.sh and common.sh are (tests/t/00-lint.t runs
# this script on the host to show what xfail accepts)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "${NVLF_GUEST_LIB:-/lib/nvlf}/tap.sh"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "${NVLF_GUEST_LIB:-/lib/nvlf}/common.sh"

tap_expect 0
expect_what='' expect_how=''
do_kmemleak=''
rm -f /tmp/xfail.want

# run_prog MODE SECONDS PROGRAM ARGS...: MODE run, or xfail (the points
# named by the "fails" lines before it must fail, nothing else)
run_prog() {
	mode=$1 secs=$2
	shift 2
	name=$(basename "$1")
	start=$(date +%s)
	tap_expect 1
	timeout "$secs" "$@" >/tmp/prog.out 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	if [ "$mode" = xfail ]; then
		xfail_judge "$name" "$rc" "$took"
		return
	fi
	tap_relay "$name" </tmp/prog.out
	if [ "$rc" = 0 ]; then
		ok "$name exits 0 (${took}s)"
	elif [ "$rc" = 143 ] || [ "$rc" = 137 ]; then
		not_ok "$name killed after ${secs}s"
	else
		not_ok "$name exits $rc (${took}s)"
	fi
}

# xfail_judge NAME STATUS SECONDS: /tmp/prog.out is a run that must fail
# the points named in /tmp/xfail.want (text in their descriptions, one a
# line) and only them.  Each of those becomes a passing "(expected to fail)"
# point, any other failing point stays a failure, and one more point
# judges the whole: exit status 1 (the program's own "a point failed"),
# its whole plan, every named point failed.
xfail_judge() {
	touch /tmp/xfail.want
	# shellcheck disable=SC2016 # an awk program
	awk '
		FILENAME == ARGV[1] { if ($0 != "") want[++n] = $0; next }
		/^not ok / {
			d = $0; sub(/^not ok [0-9]* - /, "", d)
			for (i = 1; i <= n; i++)
				if (index(d, want[i])) {
					hit[i] = 1
					$0 = "ok 0 - (expected to fail) " d
					break
				}
		}
		{ print }
		END { for (i = 1; i <= n; i++) if (!hit[i]) print want[i] > "/tmp/xfail.missed" }
	' /tmp/xfail.want /tmp/prog.out >/tmp/prog.relay
	tap_relay "$1" </tmp/prog.relay
	missed=0
	if [ -s /tmp/xfail.missed ]; then
		echo "# named point(s) that did not fail:"
		diag </tmp/xfail.missed
		missed=$(grep -c . /tmp/xfail.missed)
	fi
	if [ "$2" = 1 ] && [ "$tap_relay_plan" = "$tap_relay_points" ] &&
	   [ "$missed" = 0 ] && [ -s /tmp/xfail.want ]; then
		ok "$1 fails as it must here: the $(grep -c . /tmp/xfail.want) named point(s) failed, exit 1 (${3}s)"
	else
		not_ok "$1 fails as it must here: exit $2 (1 wanted), plan 1..${tap_relay_plan:-?} for $tap_relay_points points, $missed of $(grep -c . /tmp/xfail.want) named point(s) did not fail (${3}s)"
	fi
	rm -f /tmp/xfail.want /tmp/xfail.missed
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
		tap_expect 1
		# shellcheck disable=SC2086 # parameters are words
		modprobe_point "$a" $b $rest
		;;
	ours)
		tap_expect 1
		export NVLF_REQUIRE_STATS=1
		if [ -r /sys/kernel/debug/nvlf_ttm/stats ]; then
			ok "our ttm.ko is loaded: /sys/kernel/debug/nvlf_ttm/stats is there"
		else
			not_ok "our ttm.ko is loaded: no /sys/kernel/debug/nvlf_ttm/stats (the distro's ttm.ko, or no debugfs)"
		fi
		;;
	set)
		tap_expect 1
		if echo "$b" >"$a" 2>/tmp/set.out; then
			ok "set $a = $b"
		else
			diag </tmp/set.out
			not_ok "set $a = $b"
		fi
		;;
	fails)
		echo "$a${b:+ $b}${rest:+ $rest}" >>/tmp/xfail.want
		;;
	run|xfail)
		# shellcheck disable=SC2086 # arguments are words
		run_prog "$verb" "$a" $b $rest
		;;
	expect)
		expect_what=$a expect_how=$b
		case "$a $b" in
		'log clean'|'lockdep circular') tap_expect 1 ;;
		'lockdep clean') tap_expect 3 ;;
		*) tap_expect 1; not_ok "unknown plan line: expect $a $b" ;;
		esac
		;;
	kmemleak)
		tap_expect 1
		do_kmemleak=1
		;;
	inject)
		tap_expect 1
		if inject "$a" "$b" >/tmp/inj.err 2>&1; then
			ok "inject $a: $b% of the calls of marked tasks fail"
		else
			diag </tmp/inj.err
			not_ok "inject $a $b"
		fi
		;;
	injected)
		tap_expect 1
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
		tap_expect 1
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
		[ "$a" = save ] || tap_expect 1
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
		else
			echo "# no $a"
		fi
		;;
	*)
		tap_expect 1
		not_ok "unknown plan line: $verb $a $b $rest"
		;;
	esac
done <"$PLAN"

# --- kernel health ----------------------------------------------------------
if [ -n "$do_kmemleak" ]; then
	if [ ! -w /sys/kernel/debug/kmemleak ]; then
		not_ok "kmemleak: this kernel has none (/sys/kernel/debug/kmemleak), and the plan asks for it"
	# a kmemleak that is off refuses the scan: not a pass
	elif ! { echo scan >/sys/kernel/debug/kmemleak &&
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
fi

dmesg >/tmp/dmesg.all
bad='possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning to user space|still has locks held|sleeping function called from invalid context|blocked for more than|BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|soft lockup|hard LOCKUP|list_add corruption|list_del corruption'
grep -E "$bad" /tmp/dmesg.all >/tmp/dmesg.bad
case "$expect_how" in
clean)
	if [ -s /tmp/dmesg.bad ]; then
		grep -E -A 40 "$bad" /tmp/dmesg.all | head -n 120 | diag
		not_ok "kernel log: no lockdep, hung-task, KASAN, oops or warning report ($(wc -l </tmp/dmesg.bad) lines)"
	else
		ok "kernel log: no lockdep, hung-task, KASAN, oops or warning report"
	fi
	if [ "$expect_what" = lockdep ]; then
		if ! [ -r /proc/lockdep_stats ]; then
			not_ok "lockdep is on: no /proc/lockdep_stats (a kernel without CONFIG_PROVE_LOCKING)"
		elif grep -q 'debug_locks: *1' /proc/lockdep_stats; then
			ok "lockdep is still on (debug_locks 1): it checked the whole run"
		else
			not_ok "lockdep turned itself off during the run"
		fi
		# lockdep saw both classes, and the order mmap_lock -> reservation
		if grep -qs 'reservation_ww_class_mutex' /proc/lockdep &&
		   grep -qs 'mmap_lock' /proc/lockdep; then
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
'')
	tap_expect 1
	not_ok "the plan says nothing of the kernel log (an expect line)"
	;;
esac

done_testing
echo "# progs: $tap_failed of $tap_n failed"
tap_status
