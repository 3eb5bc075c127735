# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2154 # top, G, tap_planned: set by tests/lib.sh, the test file, tests/lib/tap.sh
#
# Host-side helpers for what boots guests (tests/t/40-lockdep.t,
# tests/release/boot): the test programs built, a guest of
# tests/guest/progs.sh booted through tests/vm/boot, and the guest's test
# points relayed as the caller's own (tests/lib/tap.sh must be sourced).

# build_progs DIR: the static test programs and the reproducer into DIR
build_progs() {
	make -s -C "$top/tests/prog" O="$1" >"$1/prog.log" 2>&1 &&
		make -s -C "$top/tools" O="$1" >>"$1/prog.log" 2>&1
}

# guest_time NAME LOG: the boot time tests/vm/run printed in LOG, to the
# run's timing table (tests/lib/timing.sh must be sourced)
guest_time() {
	local secs
	secs=$(sed -n 's/^run: .*: boot to power-off \([0-9.]*\)s, .*/\1/p' "$2" | tail -n 1)
	timing guest "$1" "${secs:-?}"
}

# guest_result NAME STATUS TAP CONSOLE: the points of a guest run (its TAP
# file, STATUS the status of tests/vm/boot) as ours, "NAME: ..."; a run
# that left no TAP is one failed point, with the end of its console.
guest_result() {
	local name=$1 rc=$2 tap=$3 console=$4
	if [ ! -s "$tap" ]; then
		# in place of the guest's points (a planned caller counts one)
		[ -z "$tap_planned" ] || tap_expect 1
		not_ok "$name: the guest ran (run status $rc)"
		tail -n 50 "$console" | diag
		return 0
	fi
	tap_relay "$name" <"$tap"
	[ "$rc" = 0 ] || tail -n 30 "$console" | diag
}

# guest_progs KVER NAME PLAN UPDATES_DIR [tests/vm/boot ARGS...]: boot KVER
# with UPDATES_DIR's modules, the programs of $G and tests/guest/progs.sh
# following PLAN; relay the guest's test points, prefixed with NAME.
# Returns the runner's status.  Set GUEST_KERNEL / GUEST_MODDIR for a
# kernel that is not in /boot and /lib/modules.
guest_progs() {
	local k=$1 name=$2 plan=$3 upd=$4 rc=0 p
	shift 4
	local args=(--kver "$k" --initrd "$G/$name.cpio.gz" --mk-log "$G/$name.mk.log"
		--script "$top/tests/guest/progs.sh" --updates "$upd" --module nvlf_test
		--add "$plan:/plan"
		--timeout "${GUEST_TIMEOUT:-600}" --mem "${GUEST_MEM:-1024}"
		--tap "$G/$name.tap" --log "$G/$name.console")
	for p in drm_dumb nvlf_faults nvlf_badinput nvlf_inject nvlf-repro; do
		[ ! -x "$G/$p" ] || args+=(--add "$G/$p:/bin/$p")
	done
	[ -z "${GUEST_MODDIR:-}" ] || args+=(--moddir "$GUEST_MODDIR")
	[ -z "${GUEST_KERNEL:-}" ] || args+=(--kernel "$GUEST_KERNEL")
	[ -z "${GUEST_SMP:-}" ] || args+=(--smp "$GUEST_SMP")
	"$top/tests/vm/boot" "${args[@]}" "$@" >"$G/$name.run.log" 2>&1 || rc=$?
	guest_time "$name" "$G/$name.run.log"
	if [ "$rc" = 4 ]; then
		[ -z "$tap_planned" ] || tap_expect 1
		not_ok "$name: initramfs"
		diag <"$G/$name.mk.log"
		return 2
	fi
	guest_result "$name" "$rc" "$G/$name.tap" "$G/$name.console"
	return "$rc"
}
