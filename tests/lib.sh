# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for tests/t/*.t (host side, bash).  The TAP layer is
# tests/lib/tap.sh (ok, not_ok, skip, check, diag, tap_relay): a test file
# prints numbered points and ends with done_testing, which prints its plan;
# tests/run numbers the points of every file into one stream and counts a
# file without its plan (it stopped early) as one more failure.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NVLF_TEST_TMP=${NVLF_TEST_TMP:-/tmp/nvlf-test}
export NVLF_TEST_TMP
mkdir -p "$NVLF_TEST_TMP"
# shellcheck source-path=SCRIPTDIR source=kernels.sh
. "$top/tests/kernels.sh"
# shellcheck source-path=SCRIPTDIR source=lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source-path=SCRIPTDIR source=lib/timing.sh
. "$top/tests/lib/timing.sh"

# tier_lines LINE...: this tier tests those kernel lines (all of them).  In
# a run of other lines only (NVLF_LINES: make check LINES=..., one CI job
# of a matrix per Debian release) it is another job's: its plan is nothing,
# and it says whose it is.
tier_lines() {
	local l
	[ -n "${NVLF_LINES:-}" ] || return 0
	for l in "$@"; do
		case " $NVLF_LINES " in
		*" $l "*) ;;
		*)
			echo "1..0 # SKIP optional: another job's: this tier tests the lines $*, this run NVLF_LINES=$NVLF_LINES"
			exit 0
			;;
		esac
	done
}

# check_fails DESCRIPTION REGEX COMMAND...: the command must exit non-zero
# and print exactly one line of error on stderr, matching REGEX.  make's
# own "make: *** [...] Error N" trailer is not counted: it is not ours.
check_fails() {
	local desc=$1 re=$2 err rc=0
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	err=$(printf '%s\n' "$err" | grep -v '^make\(\[[0-9]*\]\)\{0,1\}: \*\*\* ')
	if [ "$rc" -eq 0 ]; then
		not_ok "$desc (exit status 0)"
	elif [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ]; then
		not_ok "$desc (wanted one line of error, got:)"
		printf '%s\n' "$err" | diag
	elif ! printf '%s\n' "$err" | grep -Eq -- "$re"; then
		not_ok "$desc (message does not match /$re/)"
		printf '%s\n' "$err" | diag
	else
		ok "$desc"
		printf '%s\n' "$err" | diag
	fi
}

# The directory our modules for a kernel are built into.
outdir() {
	echo "$top/out/$1"
}

# small_initramfs: while this test runs, this machine's initramfs-tools
# builds small images (MODULES=list: only what hooks add, ttm and nouveau
# among them); update-initramfs runs at each DKMS change and otherwise
# takes half a minute.  A setting of the test machine, not of the package.
# Call it before setting an EXIT trap that calls small_initramfs_end.
NVLF_INITRAMFS_CONF=/etc/initramfs-tools/conf.d/zz-nvlf-test
small_initramfs() {
	[ -d "${NVLF_INITRAMFS_CONF%/*}" ] || return 0
	echo 'MODULES=list' >"$NVLF_INITRAMFS_CONF"
}
small_initramfs_end() {
	rm -f "$NVLF_INITRAMFS_CONF"
}

# Background jobs whose exit status is read long after they ended.  bash
# forgets the status of an ended job when a later child of the shell is
# given the same PID (pid_max is 32768 on these machines, and an hour of
# kernel builds wraps it); "wait PID" then fails with 127, "not a child
# of this shell".  The job writes its status to a file instead.
# bg_start NAME COMMAND...: run COMMAND in the background as job NAME
# bg_wait NAME: wait until job NAME has ended; its exit status
declare -A nvlf_bg_pid
nvlf_bg_dir=$NVLF_TEST_TMP/bg.$$
bg_start() {
	local name=$1
	shift
	mkdir -p "$nvlf_bg_dir"
	rm -f "$nvlf_bg_dir/$name.rc"
	(
		rc=0
		"$@" || rc=$?
		echo "$rc" >"$nvlf_bg_dir/$name.rc.new"
		mv "$nvlf_bg_dir/$name.rc.new" "$nvlf_bg_dir/$name.rc"
	) &
	nvlf_bg_pid[$name]=$!
}
bg_wait() {
	local pid=${nvlf_bg_pid[$1]:-} f=$nvlf_bg_dir/$1.rc
	if [ -z "$pid" ]; then
		echo "bg_wait: no background job named $1 (bg_start it first)" >&2
		return 125
	fi
	wait "$pid" 2>/dev/null || :
	# bash may have forgotten the job: then it has ended, or its PID is
	# another process's now; its status file says which
	while [ ! -f "$f" ] && kill -0 "$pid" 2>/dev/null; do
		sleep 1
	done
	if [ ! -f "$f" ]; then
		echo "bg_wait: job $1 ended without writing its status (killed?)" >&2
		return 125
	fi
	return "$(cat "$f")"
}

# build_deb DIR: the Debian package as a packager builds it, from what git
# tracks (a clean copy in DIR/nouveau-lockfix-VERSION), into DIR; the log
# in DIR/deb.log
build_deb() {
	local d
	d=$1/nouveau-lockfix-$("$top/scripts/nvlf-version")
	rm -rf "$d"
	mkdir -p "$d"
	(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$d")
	(cd "$d" && dpkg-buildpackage -us -uc -b) >"$1/deb.log" 2>&1
}
