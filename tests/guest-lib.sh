# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2154 # top, G: set by lib.sh and the test file
#
# Helpers for the test files that boot guests with our modules, the test
# driver and the test programs (tests/t/35-*.t, 40-*.t).

# build_progs DIR: the static test programs and the reproducer into DIR
build_progs() {
	make -s -C "$top/tests/prog" O="$1" >"$1/prog.log" 2>&1 &&
		make -s -C "$top/tools" O="$1" >>"$1/prog.log" 2>&1
}

# guest_progs KVER NAME PLAN UPDATES_DIR [MKINITRAMFS ARGS...]: boot KVER
# with UPDATES_DIR's modules, the programs of $G and tests/guest/progs.sh
# following PLAN; relay the guest's test points, prefixed with NAME.
# Returns the runner's status.  Set GUEST_KERNEL / GUEST_MODDIR for a
# kernel that is not in /boot and /lib/modules.
guest_progs() {
	local k=$1 name=$2 plan=$3 upd=$4 rc=0 line p
	shift 4
	local mk=(--kver "$k" --out "$G/$name.cpio.gz" --script "$top/tests/guest/progs.sh"
		--updates "$upd" --module nvlf_test --add "$plan:/plan")
	for p in drm_dumb nvlf_faults nvlf_badinput nvlf_inject nvlf-repro; do
		[ ! -x "$G/$p" ] || mk+=(--add "$G/$p:/bin/$p")
	done
	[ -z "${GUEST_MODDIR:-}" ] || mk+=(--moddir "$GUEST_MODDIR")
	local run=(--kver "$k" --initrd "$G/$name.cpio.gz" --timeout "${GUEST_TIMEOUT:-600}"
		--mem "${GUEST_MEM:-1024}" --tap "$G/$name.tap" --log "$G/$name.console")
	[ -z "${GUEST_KERNEL:-}" ] || run+=(--kernel "$GUEST_KERNEL")
	[ -z "${GUEST_SMP:-}" ] || run+=(--smp "$GUEST_SMP")
	if ! "$top/tests/guest/mkinitramfs" "${mk[@]}" "$@" >"$G/$name.mk.log" 2>&1; then
		not_ok "$name: initramfs"
		diag <"$G/$name.mk.log"
		return 2
	fi
	"$top/tests/guest/run" "${run[@]}" >/dev/null 2>&1 || rc=$?
	if [ ! -s "$G/$name.tap" ]; then
		not_ok "$name: the guest ran (run status $rc)"
		tail -n 50 "$G/$name.console" | diag
		return "$rc"
	fi
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$name: ${line#ok * - }" ;;
		"not ok "*) not_ok "$name: ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$G/$name.tap"
	[ "$rc" = 0 ] || tail -n 30 "$G/$name.console" | diag
	return "$rc"
}
