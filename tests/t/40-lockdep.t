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
#                the reproducer and a stress run, then the fault tests, bad
#                input and a reproducer stress run with the kernel's
#                failslab, fail_page_alloc and fail_usercopy failing 2% of
#                the calls inside their ioctls: no lockdep, hung-task,
#                KASAN or leak report, no kernel mapping of a BO left,
#                every failed call sent again gives the right answer,
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
#                populate): nvlf_inject must fail; naive_errors=1 under
#                the kernel's fault injection: the reproducer's stress run
#                must leave kernel mappings of BOs behind.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../vm/lib.sh
. "$top/tests/vm/lib.sh"

tier_lines 6.12-deb12
G=$NVLF_TEST_TMP/lockdep
rm -rf "$G"
mkdir -p "$G"
# the plan: 3 builds, 3 guests (each a point of its own or two, and the
# guest's points, planned by the guest)
tap_expect 7

t0=$(date +%s)
if ! vars=$("$top/tests/lockdep/build-kernel" --print-vars 2>"$G/kernel.log"); then
	not_ok "the lockdep kernel builds"
	tail -n 30 "$G/kernel.log" | diag
	done_testing
	exit 0
fi
eval "$vars"
ok "the lockdep kernel $NVLF_LOCKDEP_KVER is built"
timing step "the lockdep kernel (waited for, or built; tests/lockdep/build-kernel)" $(( $(date +%s) - t0 ))

k=$NVLF_LOCKDEP_KVER
t0=$(date +%s)
if ! o=$("$top/tests/lockdep/build-modules" 2>"$G/build.log"); then
	not_ok "our modules build for $k (test build)"
	tail -n 30 "$G/build.log" | diag
	done_testing
	exit 0
fi
ok "our modules build for $k (test build)"
timing step "our modules' test build for $k (waited for, or built)" $(( $(date +%s) - t0 ))
upd=$G/updates
mkdir -p "$upd"
cp "$o/ttm.ko" "$o/nouveau.ko" "$upd/"
if ! NVLF_KDIR=$NVLF_LOCKDEP_KDIR "$top/tests/kmod/build" --kver "$k" \
	--ttm-out "$o" --out "$upd" >"$G/kmod.log" 2>&1; then
	not_ok "the test driver builds for $k"
	diag <"$G/kmod.log"
	done_testing
	exit 0
fi
ok "the test driver builds for $k"
if ! build_progs "$G"; then
	not_ok "the test programs build"
	diag <"$G/prog.log"
	done_testing
	exit 0
fi

export GUEST_KERNEL=$NVLF_LOCKDEP_KERNEL GUEST_MODDIR=$NVLF_LOCKDEP_MODDIR
export GUEST_SMP=2 GUEST_MEM=2048 GUEST_TIMEOUT=900

# --- fixed: everything passes, and the kernel stays silent
cat >"$G/fixed.plan" <<'EOF'
modprobe nvlf_test
ours
set /sys/module/nvlf_test/parameters/move_delay_us 200000
run 600 /bin/nvlf_faults
set /sys/module/nvlf_test/parameters/move_delay_us 2000
run 600 /bin/nvlf_badinput
run 600 /bin/nvlf_inject
run 600 /bin/nvlf-repro
run 600 /bin/nvlf-repro --stress 30
# the kernel's own fault injection inside the ioctls: whatever fails
# where, nothing stays held, mapped or leaked, the kernel stays silent; a
# job whose presumed write-back failed says so (strict), and is sent again
vmaps save
set /sys/module/nvlf_test/parameters/lockfix_strict_presumed 1
inject failslab 2
inject fail_page_alloc 2
inject fail_usercopy 2
runinj 300 /bin/nvlf_badinput
runinj 300 /bin/nvlf_faults --only hold-then-fault,munmap-race,fork-race,proc-mem,move-refault
run SOAK_LIMIT /bin/nvlf-repro --stress SOAK_SECONDS --injected
injected failslab
injected fail_page_alloc
injected fail_usercopy
set /sys/module/nvlf_test/parameters/lockfix_strict_presumed 0
run 300 /bin/nvlf_inject --only steps,kmap-leak
vmaps same
modprobe nouveau
stats /sys/kernel/debug/nvlf_ttm/stats
stats /sys/kernel/debug/nvlf_test/stats
kmemleak
expect lockdep clean
EOF
# the reproducer's stress run under fault injection: NVLF_SOAK_SECONDS
# (make soak: 600), 20 s in make check
soak=${NVLF_SOAK_SECONDS:-20}
sed -i "s/SOAK_LIMIT/$((soak + 300))/; s/SOAK_SECONDS/$soak/" "$G/fixed.plan"
GUEST_TIMEOUT=$((900 + soak))
guest_progs "$k" fixed "$G/fixed.plan" "$upd" && rc=0 || rc=$?
GUEST_TIMEOUT=900
check "fixed mode under lockdep passed as a whole" test "$rc" = 0
check "fixed mode: the reproducer's stress run forced ww backoffs (DEBUG_WW_MUTEX_SLOWPATH)" \
	grep -Eq '^# ww_backoffs [1-9]' "$G/fixed.tap"

# --- naive pushbuf: lockdep must catch it
cat >"$G/naive-pushbuf.plan" <<'EOF'
modprobe nvlf_test naive=1
ours
run 300 /bin/nvlf-repro --only presumed-ro
expect lockdep circular
EOF
guest_progs "$k" naive-pushbuf "$G/naive-pushbuf.plan" "$upd" && rc=0 || rc=$?
check "naive pushbuf: caught, as the tests must" test "$rc" = 0

# --- naive fault path, error paths, populate: the tests must catch them
cat >"$G/naive-fault.plan" <<'EOF'
modprobe nvlf_test
ours
set /sys/module/ttm/parameters/nvlf_naive_fault 1
fails no-mmap-lock-while-waiting: thread C's 20 anonymous mmap+munmap completed while B waited
xfail 300 /bin/nvlf_faults --only no-mmap-lock-while-waiting
fails hold-then-fault: the first fault attempt backed off and retried
xfail 300 /bin/nvlf_faults --only hold-then-fault
set /sys/module/ttm/parameters/nvlf_naive_fault 0
# the error paths before they were mended: the injection tests catch them,
# each kind of damage the naive engine does: the presumed offsets written
# back after a job that failed before relocating (so the same request,
# sent again, is not relocated), -EAGAIN of a faulting copy taken for a
# failure, kernel mappings of BOs left behind
set /sys/module/nvlf_test/parameters/naive_errors 1
fails : the buffer list is as upstream leaves it: A's entry
fails : sent again (the list as left), it returned Success and relocated: B words 0x5eedf00d
fails : the restarted call returned Success after the signal
fails : returned Success (expected Resource temporarily unavailable
fails : no kernel mapping of a BO left
xfail 300 /bin/nvlf_inject --only steps
fails kmap-leak: 200 calls with a relocation outside
xfail 300 /bin/nvlf_inject --only kmap-leak
# ... and the kernel's fault injection catches them too: mappings left
set /sys/module/nvlf_test/parameters/lockfix_strict_presumed 1
vmaps save
inject failslab 2
inject fail_page_alloc 2
inject fail_usercopy 2
run 300 /bin/nvlf-repro --stress 20 --injected
injected failslab
injected fail_page_alloc
injected fail_usercopy
vmaps leaked
set /sys/module/nvlf_test/parameters/lockfix_strict_presumed 0
set /sys/module/nvlf_test/parameters/naive_errors 0
set /sys/module/ttm/parameters/nvlf_naive_populate 1
fails populate: -ENOMEM allocating the pages is SIGBUS for the task
xfail 300 /bin/nvlf_inject --only populate
expect lockdep clean
EOF
guest_progs "$k" naive-fault "$G/naive-fault.plan" "$upd" && rc=0 || rc=$?
check "naive fault path, error paths and populate: caught, as the tests must" test "$rc" = 0

done_testing
