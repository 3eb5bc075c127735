# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The lockdep tier.  A minimal kernel from the same linux-source-6.12
# package with PROVE_LOCKING, DEBUG_ATOMIC_SLEEP (might_fault() checks the
# mmap_lock order), DEBUG_WW_MUTEX_SLOWPATH (forced -EDEADLK backoffs),
# DEBUG_LIST, a short hung-task timeout, and KASAN/kmemleak as
# tests/lockdep/config says; our ttm.ko, nouveau.ko and the test driver built
# for it with the naive modes compiled in (never in what we install).
#
#  fixed:        fault tests, bad input, error injection (nvlf_inject),
#                the reproducer and a stress run: no lockdep, hung-task,
#                KASAN or leak report, no kernel mapping of a BO left,
#                contents right;
#  naive pushbuf: nvlf_test naive=1 (user copies while reserved): lockdep
#                must report the mmap_lock <-> reservation inversion (the
#                nested scenario would also deadlock for real; it is not run
#                there: a killed self-deadlocked job is not worth a crash);
#  naive fault:  ttm nvlf_naive_fault=1 (first attempts block holding
#                mmap_lock): the fault tests that prove mmap_lock is free
#                while a fault waits must fail; nvlf_test naive_errors=1
#                (GEM_PUSHBUF's error paths before they were mended) and
#                ttm nvlf_naive_populate=1 (VM_FAULT_OOM for a failed
#                populate): nvlf_inject must fail.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. "$top/tests/guest-lib.sh"

G=$NVLF_TEST_TMP/lockdep
rm -rf "$G"
mkdir -p "$G"

t0=$(date +%s)
if ! vars=$("$top/tests/lockdep/build-kernel" --print-vars 2>"$G/kernel.log"); then
	not_ok "the lockdep kernel builds"
	tail -n 30 "$G/kernel.log" | diag
	exit 0
fi
eval "$vars"
ok "the lockdep kernel $NVLF_LOCKDEP_KVER is built ($(( $(date +%s) - t0 ))s)"

k=$NVLF_LOCKDEP_KVER
o=$top/out/$k-test
t0=$(date +%s)
if ! NVLF_KDIR=$NVLF_LOCKDEP_KDIR "$top/scripts/nvlf-build" --kver "$k" \
	--ksrc "$NVLF_LOCKDEP_SRC" --test-build --out "$o" >"$G/build.log" 2>&1; then
	not_ok "our modules build for $k (test build)"
	tail -n 30 "$G/build.log" | diag
	exit 0
fi
ok "our modules build for $k (test build, $(( $(date +%s) - t0 ))s)"
upd=$G/updates
mkdir -p "$upd"
cp "$o/ttm.ko" "$o/nouveau.ko" "$upd/"
if ! NVLF_KDIR=$NVLF_LOCKDEP_KDIR "$top/tests/kmod/build" --kver "$k" \
	--ttm-out "$o" --out "$upd" >"$G/kmod.log" 2>&1; then
	not_ok "the test driver builds for $k"
	diag <"$G/kmod.log"
	exit 0
fi
ok "the test driver builds for $k"
if ! build_progs "$G"; then
	not_ok "the test programs build"
	diag <"$G/prog.log"
	exit 0
fi

export GUEST_KERNEL=$NVLF_LOCKDEP_KERNEL GUEST_MODDIR=$NVLF_LOCKDEP_MODDIR
export GUEST_SMP=2 GUEST_MEM=2048 GUEST_TIMEOUT=900

# --- fixed: everything passes, and the kernel stays silent
cat >"$G/fixed.plan" <<'EOF'
modprobe nvlf_test
set /sys/module/nvlf_test/parameters/move_delay_us 200000
run 600 /bin/nvlf_faults
set /sys/module/nvlf_test/parameters/move_delay_us 2000
run 600 /bin/nvlf_badinput
run 600 /bin/nvlf_inject
run 600 /bin/nvlf-repro
run 600 /bin/nvlf-repro --stress 30
vmaps save
run 300 /bin/nvlf_inject --only steps,kmap-leak
vmaps same
modprobe nouveau
stats /sys/kernel/debug/nvlf_ttm/stats
stats /sys/kernel/debug/nvlf_test/stats
kmemleak
expect lockdep none
EOF
t0=$(date +%s)
guest_progs "$k" fixed "$G/fixed.plan" "$upd" && rc=0 || rc=$?
check "fixed mode under lockdep passed as a whole ($(( $(date +%s) - t0 ))s)" test "$rc" = 0
check "fixed mode: the reproducer's stress run forced ww backoffs (DEBUG_WW_MUTEX_SLOWPATH)" \
	grep -Eq '^# ww_backoffs [1-9]' "$G/fixed.tap"

# --- naive pushbuf: lockdep must catch it
cat >"$G/naive-pushbuf.plan" <<'EOF'
modprobe nvlf_test naive=1
run 300 /bin/nvlf-repro --only presumed-ro
expect lockdep circular
EOF
t0=$(date +%s)
guest_progs "$k" naive-pushbuf "$G/naive-pushbuf.plan" "$upd" && rc=0 || rc=$?
check "naive pushbuf: caught, as the tests must ($(( $(date +%s) - t0 ))s)" test "$rc" = 0

# --- naive fault path, error paths, populate: the tests must catch them
cat >"$G/naive-fault.plan" <<'EOF'
modprobe nvlf_test
set /sys/module/ttm/parameters/nvlf_naive_fault 1
xfail 300 /bin/nvlf_faults --only no-mmap-lock-while-waiting
xfail 300 /bin/nvlf_faults --only hold-then-fault
set /sys/module/ttm/parameters/nvlf_naive_fault 0
# the error paths before they were mended: the injection tests catch them
set /sys/module/nvlf_test/parameters/naive_errors 1
xfail 300 /bin/nvlf_inject --only steps
xfail 300 /bin/nvlf_inject --only kmap-leak
set /sys/module/nvlf_test/parameters/naive_errors 0
set /sys/module/ttm/parameters/nvlf_naive_populate 1
xfail 300 /bin/nvlf_inject --only populate
expect lockdep none
EOF
t0=$(date +%s)
guest_progs "$k" naive-fault "$G/naive-fault.plan" "$upd" && rc=0 || rc=$?
check "naive fault path, error paths and populate: caught, as the tests must ($(( $(date +%s) - t0 ))s)" test "$rc" = 0
