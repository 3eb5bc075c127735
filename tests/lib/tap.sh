# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tap.sh: the shell TAP layer, one file for both sides.  Sourced by the
# host's test files (through tests/lib.sh, bash) and by the guest scripts
# (tests/guest/*.sh, busybox ash: tests/vm/mkinitramfs installs this file
# in every initramfs as /lib/nvlf/tap.sh).  POSIX sh only.
#
# It numbers the test points and counts them; done_testing prints the plan
# "1..N" after the last one.  tests/run (host) and tests/vm/run (guest)
# require that plan: a script that stops before it printed its plan, or
# whose plan does not match the points it printed, has failed.
#
#   ok DESCRIPTION            a passing point:   "ok N - DESCRIPTION"
#   not_ok DESCRIPTION        a failing point:   "not ok N - DESCRIPTION"
#   skip REASON               a skipped point:   "ok N # SKIP REASON"
#   check DESCRIPTION CMD...  one point from CMD's exit status; CMD's output
#                             (its last 20 lines) as comments if it failed
#   diag                      stdin as TAP comments ("# ...")
#   tap_relay PREFIX [xfail]  stdin, another TAP stream, as points of ours
#   done_testing              the plan; the last line of a test script
#   tap_status                exit status 0 when no point failed
# Counters: tap_n points, tap_failed failed, tap_skipped skipped.

tap_n=0
tap_failed=0
tap_skipped=0

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

# tap_relay PREFIX [xfail]: each point of the TAP stream on stdin (numbered
# or not) becomes one of ours, "PREFIX: DESCRIPTION" (DESCRIPTION alone for
# an empty PREFIX), a skip staying a skip.  With xfail, a failing point is
# expected (a naive mode the tests must catch): it becomes a passing
# "(expected to fail)" one.  Comments pass as they are, plans and version
# lines are dropped, anything else becomes a comment.  Sets
# tap_relay_failed to the number of failing points seen.  Feed it from a
# file (tap_relay P <FILE), not a pipe: a pipe would run it in a subshell,
# and the points it relays would not be counted.
tap_relay() {
	tap_relay_failed=0
	tap_pfx=${1:+$1: }
	while IFS= read -r tap_line; do
		case $tap_line in
		"ok "*|"not ok "*)
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
				if [ "${2:-}" = xfail ]; then
					ok "$tap_pfx(expected to fail) $tap_rest"
				else
					not_ok "$tap_pfx$tap_rest"
				fi
				;;
			esac
			;;
		"1.."*|"TAP version "*) ;;
		"#"*) echo "$tap_line" ;;
		*) echo "# $tap_line" ;;
		esac
	done
}

done_testing() {
	echo "1..$tap_n"
}

tap_status() {
	[ "$tap_failed" = 0 ]
}
