# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# In a guest of each tested Debian kernel, with our ttm.ko and the test
# driver nvlf_test: the fault-path tests (tests/prog/nvlf_faults.c), the
# GEM_PUSHBUF bad-input tests (tests/prog/nvlf_badinput.c) and a short run
# of the reproducer (tools/nvlf-repro).  These kernels have no lockdep; the
# lockdep tier (40-lockdep.t) runs the same programs under it.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. "$top/tests/guest-lib.sh"

G=$NVLF_TEST_TMP/faults
rm -rf "$G"
mkdir -p "$G"
if ! build_progs "$G"; then
	not_ok "the test programs build"
	diag <"$G/prog.log"
	exit 0
fi

cat >"$G/plan" <<'EOF'
modprobe nvlf_test
# pipelined moves slow enough for nvlf_faults to time the wait
set /sys/module/nvlf_test/parameters/move_delay_us 200000
run 300 /bin/nvlf_faults
set /sys/module/nvlf_test/parameters/move_delay_us 2000
run 300 /bin/nvlf_badinput
run 300 /bin/nvlf-repro --stress 10
stats /sys/kernel/debug/nvlf_ttm/stats
stats /sys/kernel/debug/nvlf_test/stats
expect lockdep none
EOF

for k in $NVLF_TEST_KERNELS; do
	o=$(outdir "$k")
	upd=$G/updates-$k
	mkdir -p "$upd"
	if ! cp "$o/ttm.ko" "$upd/" 2>/dev/null; then
		not_ok "$k: needs our ttm.ko in $o (tests/t/20-build.t builds it)"
		continue
	fi
	if ! "$top/tests/kmod/build" --kver "$k" --out "$upd" >"$G/kmod-$k.log" 2>&1; then
		not_ok "$k: the test driver builds"
		diag <"$G/kmod-$k.log"
		continue
	fi
	ok "$k: the test driver builds"
	t0=$(date +%s)
	GUEST_SMP=2 guest_progs "$k" "$k" "$G/plan" "$upd" && rc=0 || rc=$?
	check "$k: fault, bad-input and reproducer guest passed ($(( $(date +%s) - t0 ))s)" \
		test "$rc" = 0
done
