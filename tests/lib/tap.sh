# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tap.sh: the shell TAP layer, one file for both sides.  Sourced by the
# host's test files (through tests/lib.sh, bash) and by the guest scripts
# (tests/guest/*.sh, busybox ash: tests/vm/mkinitramfs installs this file
# in every initramfs as /lib/nvlf/tap.sh).  POSIX sh only.
#
# It numbers the test points and counts them.  The plan comes from what
# the script must run, not from what it printed: a script says, as it
# decides what it must run, how many points that is (tap_expect), and a
# relayed stream adds its own plan.  done_testing prints that plan "1..N"
# after the last point.  tests/run (host) and tests/vm/run (guest) require
# the plan: a script that stops before it printed its plan, or that
# printed other than the points it planned (one that vanished in a branch
# nobody counted), has failed.
#
#   tap_expect N              N more points must come
#   ok DESCRIPTION            a passing point:   "ok N - DESCRIPTION"
#   not_ok DESCRIPTION        a failing point:   "not ok N - DESCRIPTION"
#   skip REASON               a proof that did not run: "ok N # SKIP REASON";
#                             a failure in CI (tests/run --ci)
#   skip_optional REASON      nothing to prove here (an optional tool is
#                             absent, the archive has no such kernel):
#                             "ok N # SKIP optional: REASON"
#   check DESCRIPTION CMD...  one point from CMD's exit status; CMD's output
#                             (its last 20 lines) as comments if it failed
#   diag                      stdin as TAP comments ("# ...")
#   tap_relay PREFIX          stdin, another TAP stream, as points of ours
#   done_testing              the plan; the last line of a test script
#   tap_status                exit status 0 when no point failed
# Counters: tap_n points, tap_failed failed, tap_skipped skipped,
# tap_planned the points planned (empty until tap_expect: then the plan is
# the points printed, for scripts too small to plan).

tap_n=0
tap_failed=0
tap_skipped=0
tap_planned=''

tap_expect() {
	tap_planned=$((${tap_planned:-0} + $1))
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

skip() {
	tap_n=$((tap_n + 1))
	tap_skipped=$((tap_skipped + 1))
	echo "ok $tap_n # SKIP $*"
}

skip_optional() {
	skip "optional: $*"
}

diag() {
	sed 's/^/# /'
}

check() {
	tap_desc=$1
	shift
	if tap_out=$("$@" 2>&1); then
		ok "$tap_desc"
	else
		not_ok "$tap_desc"
		printf '%s\n' "$tap_out" | tail -n 20 | diag
	fi
}

# tap_relay PREFIX: each point of the TAP stream on stdin (numbered or not)
# becomes one of ours, "PREFIX: DESCRIPTION" (DESCRIPTION alone for an
# empty PREFIX), a skip staying a skip, a failure a failure (an expected
# failure is judged before: tests/guest/progs.sh's xfail).  Comments pass
# as they are, plans and version lines are dropped, anything else becomes
# a comment.  The stream's own plan joins ours (tap_expect); a stream
# without one, or whose plan does not match its points, adds one failed
# point saying so.  Sets
# tap_relay_failed to the number of failing points seen and
# tap_relay_points to the number relayed.  Feed it from a file
# (tap_relay P <FILE), not a pipe: a pipe would run it in a subshell, and
# the points it relays would not be counted.
tap_relay() {
	tap_relay_failed=0
	tap_relay_points=0
	tap_relay_plan=''
	tap_pfx=${1:+$1: }
	while IFS= read -r tap_line; do
		case $tap_line in
		"ok "*|"not ok "*)
			tap_relay_points=$((tap_relay_points + 1))
			tap_rest=${tap_line#not }
			tap_rest=${tap_rest#ok}
			tap_rest=${tap_rest# }
			tap_rest=${tap_rest#"${tap_rest%%[!0-9]*}"}
			tap_rest=${tap_rest# }
			tap_rest=${tap_rest#- }
			case $tap_line in
			"ok "*)
				case $tap_rest in
				"#"*)	# "ok N # SKIP why": no description
					tap_n=$((tap_n + 1))
					tap_skipped=$((tap_skipped + 1))
					echo "ok $tap_n${1:+ - $1} $tap_rest"
					;;
				*"# SKIP"*|*"# skip"*)
					tap_n=$((tap_n + 1))
					tap_skipped=$((tap_skipped + 1))
					echo "ok $tap_n - $tap_pfx$tap_rest"
					;;
				*) ok "$tap_pfx$tap_rest" ;;
				esac
				;;
			*)
				tap_relay_failed=$((tap_relay_failed + 1))
				not_ok "$tap_pfx$tap_rest"
				;;
			esac
			;;
		"1.."*)
			tap_relay_plan=${tap_line#1..}
			tap_relay_plan=${tap_relay_plan%%[!0-9]*}
			;;
		"TAP version "*) ;;
		"#"*) echo "$tap_line" ;;
		*) echo "# $tap_line" ;;
		esac
	done
	if [ -z "$tap_relay_plan" ]; then
		[ -z "$tap_planned" ] || tap_expect $((tap_relay_points + 1))
		not_ok "${tap_pfx}its TAP stream ended without a plan ($tap_relay_points points: it stopped early)"
	elif [ "$tap_relay_plan" != "$tap_relay_points" ]; then
		[ -z "$tap_planned" ] || tap_expect $((tap_relay_plan + 1))
		not_ok "${tap_pfx}its plan was 1..$tap_relay_plan, it printed $tap_relay_points points"
	else
		[ -z "$tap_planned" ] || tap_expect "$tap_relay_plan"
	fi
}

done_testing() {
	echo "1..${tap_planned:-$tap_n}"
}

tap_status() {
	[ "$tap_failed" = 0 ]
}
