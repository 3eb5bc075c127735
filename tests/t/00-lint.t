# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Style and provenance: shellcheck on every script; checkpatch --strict,
# kernel-doc and kernel-doc coverage on our C; and no run of lines in src/
# shared with the upstream files it replaces (ttm_bo_vm.c, nouveau_gem.c)
# of any tested kernel.  Each checker is shown to fail on a bad input.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

tier_lines 6.1 6.12-deb12
cd "$top" || exit 2
L=$NVLF_TEST_TMP/lint
mkdir -p "$L"
# one pass over the tree, each check and the bad input it must catch
tap_expect 35
# fails_with STATUS REGEX COMMAND...: COMMAND exits STATUS (a control that
# passes on 127, a missing tool, proves nothing) and prints REGEX
fails_with() {
	local want=$1 re=$2 rc=0 out
	shift 2
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] && grep -Eq -- "$re" <<<"$out" && return 0
	echo "exit $rc (wanted $want); output:"
	printf '%s\n' "$out" | tail -n 5
	return 1
}

# --- shell
# and the sourced files, which have no #! line (tests/lib.sh,
# tests/lib/tap.sh, tests/vm/lib.sh, tests/guest/common.sh, ...)
scripts=$({ grep -rlE '^#!/bin/(ba)?sh' scripts tests tools bench .ci 2>/dev/null
	ls tests/*.sh tests/*/*.sh tests/t/*.t; } | sort -u)
# shellcheck disable=SC2086 # word list by design
check "shellcheck: $(wc -w <<<"$scripts") scripts clean" shellcheck -x $scripts
printf '#!/bin/bash\necho %s1\n' '$' >"$L/bad.sh"
check "shellcheck catches an unquoted variable (exit 1, SC2086)" \
	fails_with 1 SC2086 shellcheck "$L/bad.sh"

# --- kernel tools from the 6.12 source package, one pass over the tarball
tools=$L/linux-source-6.12/scripts
if [ ! -x "$tools/checkpatch.pl" ]; then
	tar -xf /usr/src/linux-source-6.12.tar.xz -C "$L" \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch \
		linux-source-6.12/scripts/kernel-doc \
		linux-source-6.12/drivers/gpu/drm/ttm/ttm_bo_vm.c \
		linux-source-6.12/drivers/gpu/drm/nouveau/nouveau_gem.c
fi
if [ ! -f "$L/linux-source-6.1/drivers/gpu/drm/ttm/ttm_bo_vm.c" ]; then
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$L" \
		linux-source-6.1/drivers/gpu/drm/ttm/ttm_bo_vm.c \
		linux-source-6.1/drivers/gpu/drm/nouveau/nouveau_gem.c
fi

cfiles=$(ls src/*.c include/nvlf/*.h tests/kmod/*.[ch] scripts/probes/*.[ch])
# -ENOSYS: GEM_PUSHBUF returns it to VM_BIND clients, as upstream does;
# the ABI is not ours to change.
# shellcheck disable=SC2086 # word list by design
check "checkpatch --strict: src/ and include/ clean" \
	"$tools/checkpatch.pl" --strict --no-tree --quiet --ignore ENOSYS --file $cfiles
printf 'int  foo(void){\nreturn 0 ;}\n' >"$L/bad.c"
check "checkpatch catches bad style (exit 1, the open brace named)" \
	fails_with 1 "ERROR: open brace '\\{' following function definitions" \
	"$tools/checkpatch.pl" --strict --no-tree --quiet --file "$L/bad.c"

out=$(for f in src/*.c include/nvlf/*.h; do "$tools/kernel-doc" -none -Wall "$f"; done 2>&1)
check "kernel-doc: no warnings" test -z "$out"
printf '%s\n' "$out" | grep . | diag
check "every non-static function has kernel-doc" tests/kdoc-coverage src/*.c
check "the kernel-doc coverage check catches a missing comment (exit 1, foo named)" \
	fails_with 1 "bad.c:1: foo has no kernel-doc comment" tests/kdoc-coverage "$L/bad.c"

# --- counters on hot paths are per-CPU (include/nvlf/stats.h), never one
# shared atomic every CPU writes
shared_counter='atomic(64|_long)?_t[[:space:]]|atomic(64|_long)?_(inc|dec|add|sub)(_return)?\('
check "src/ and include/ count with per-CPU counters, no shared atomic" \
	sh -c "! grep -nE '$shared_counter' src/*.c include/nvlf/*.h"
printf 'static atomic_long_t nvlf_jobs;\nvoid f(void) { atomic_long_inc(&nvlf_jobs); }\n' >"$L/shared.c"
check "the per-CPU counter check catches a shared atomic counter" \
	sh -c "test \$(grep -cE '$shared_counter' '$L/shared.c') = 2"

# --- the runner: every file is held to its plan (a file that stops early,
# or whose plan does not match its points, fails), skips are not passes;
# the files use the real TAP layer, tests/lib/tap.sh
tap=". '$top/tests/lib/tap.sh'"
printf '%s\nok one\nexit 0\nok two\ndone_testing\n' "$tap" >"$L/early.t"
printf '%s\nok one\nskip not here\ndone_testing\n' "$tap" >"$L/whole.t"
printf '%s\nok one\nok two\necho 1..3\n' "$tap" >"$L/short.t"
printf '%s\nok one\ndone_testing\nok two\n' "$tap" >"$L/after.t"
for t in early whole short after; do
	NVLF_TEST_TMP=$L/runner NVLF_CI='' tests/run --no-deps "$L/$t.t" >"$L/$t.out" 2>&1 || true
done
check "tests/run: a test file that exits 0 before its plan is a failure" \
	sh -c "head -n 1 '$L/early.out' | grep -qx 'TAP version 13' && tail -n 1 '$L/early.out' | grep -qx '1 passed, 1 failed' && grep -q 'not ok 2 - \[early\] test file ended before its plan (stopped early; points printed: 1)' '$L/early.out'"
# show it (without its closing line, which is not this run's)
grep -v '^[0-9]* passed, [0-9]* failed$' "$L/early.out" | diag
check "tests/run: a whole test file passes, its skip counted as a skip" \
	sh -c "tail -n 1 '$L/whole.out' | grep -qx '1 passed, 0 failed' && grep -q ', 1 skipped\$' '$L/whole.out' && grep -qx 'ok 2 - \[whole\] # SKIP not here' '$L/whole.out'"
check "tests/run: a plan that does not match the points printed is a failure" \
	sh -c "tail -n 1 '$L/short.out' | grep -qx '2 passed, 1 failed' && grep -q 'plan 1..3, points printed: 2' '$L/short.out'"
check "tests/run: a point after the plan is a failure" \
	sh -c "tail -n 1 '$L/after.out' | grep -qx '2 passed, 1 failed' && grep -q 'plan 1..1, points printed: 2' '$L/after.out'"

# A file with "# tests/run: alongside A.t" runs at the same time as A.t
# (A.t waits for a sign of it, up to a bound of 60 s that a run one after
# another reaches, and never gives) and its points follow A.t's.
# shellcheck disable=SC2016 # the test file's own code
printf '%s\nfor i in $(seq 600); do [ -e %s ] && break; sleep 0.1; done\ncheck "b ran meanwhile" test -e %s\ndone_testing\n' \
	"$tap" "$L/b-started" "$L/b-started" >"$L/a.t"
printf '%s\n# tests/run: alongside a.t\ntouch %s\nok b\ndone_testing\n' "$tap" "$L/b-started" >"$L/b.t"
rm -f "$L/b-started"
NVLF_TEST_TMP=$L/runner NVLF_CI='' tests/run --no-deps "$L/b.t" "$L/a.t" >"$L/ab.out" 2>&1 || true
check "tests/run: a file marked alongside another runs at the same time, its points after the other's" \
	sh -c "tail -n 1 '$L/ab.out' | grep -qx '2 passed, 0 failed' && grep -A1 '^# --- a\$' '$L/ab.out' | grep -qx 'ok 1 - \[a\] b ran meanwhile' && grep -A1 '^# --- b\$' '$L/ab.out' | grep -qx 'ok 2 - \[b\] b'"
grep -v '^[0-9]* passed, [0-9]* failed$' "$L/ab.out" | diag

# The plan comes from what a file must run: a point that does not come
# (a branch that printed nothing) fails the file; a relayed stream brings
# its own plan, and one without a plan fails.
printf '%s\ntap_expect 3\nok one\nok two\ndone_testing\n' "$tap" >"$L/vanish.t"
printf 'ok 1 - a\nok 2 - b\n1..2\n' >"$L/relayed.tap"
printf 'ok 1 - a\n' >"$L/noplan.tap"
printf '%s\ntap_expect 1\nok one\ntap_relay r <%s\ntap_relay s <%s\ndone_testing\n' \
	"$tap" "$L/relayed.tap" "$L/noplan.tap" >"$L/relay.t"
for t in vanish relay; do
	NVLF_TEST_TMP=$L/runner NVLF_CI='' tests/run --no-deps "$L/$t.t" >"$L/$t.out" 2>&1 || true
done
check "tests/run: a planned point that never came fails the file" \
	sh -c "tail -n 1 '$L/vanish.out' | grep -qx '2 passed, 1 failed' && grep -q 'plan 1..3, points printed: 2' '$L/vanish.out'"
check "tap_relay: a relayed plan joins the file's; a stream without one is a failure" \
	sh -c "tail -n 1 '$L/relay.out' | grep -qx '4 passed, 1 failed' && grep -q 'not ok 5 - \[relay\] s: its TAP stream ended without a plan' '$L/relay.out'"
grep -v '^[0-9]* passed, [0-9]* failed$' "$L/relay.out" | diag
# In CI (tests/run --ci, NVLF_CI=1) a skipped proof fails; a skip marked
# optional (an optional tool absent, nothing there to prove) does not.
printf '%s\nok one\nskip_optional no such kernel here\ndone_testing\n' "$tap" >"$L/optional.t"
NVLF_TEST_TMP=$L/runner tests/run --no-deps --ci "$L/whole.t" >"$L/whole-ci.out" 2>&1 || true
NVLF_TEST_TMP=$L/runner NVLF_CI=1 tests/run --no-deps "$L/optional.t" >"$L/optional-ci.out" 2>&1 || true
check "tests/run --ci: a skipped proof is a failure" \
	sh -c "tail -n 1 '$L/whole-ci.out' | grep -qx '1 passed, 1 failed' && grep -q 'not ok 2 - \[whole\] # SKIP not here (a proof skipped: a failure in CI)' '$L/whole-ci.out'"
check "tests/run with NVLF_CI=1: an optional skip stays a skip" \
	sh -c "tail -n 1 '$L/optional-ci.out' | grep -qx '1 passed, 0 failed' && grep -q ', 1 skipped\$' '$L/optional-ci.out'"

# The guests' xfail (tests/guest/progs.sh, under busybox's sh as in a
# guest): a naive mode must fail the point it names, with the program's
# own exit status 1 and its whole plan; a hang, a missing program or
# another point failing is not that failure.
g=$L/guest-lib
mkdir -p "$g"
cp tests/lib/tap.sh tests/guest/common.sh "$g/"
printf '#!/bin/sh\necho "ok 1 - alpha"\necho "not ok 2 - beta: failed as named"\necho 1..2\nexit 1\n' >"$L/x-named.sh"
printf '#!/bin/sh\necho "ok 1 - alpha"\nsleep 30\n' >"$L/x-hang.sh"
printf '#!/bin/sh\necho "not ok 1 - gamma"\necho "ok 2 - beta: failed as named"\necho 1..2\nexit 1\n' >"$L/x-other.sh"
chmod +x "$L"/x-*.sh
{
	for p in "$L/x-named.sh" "$L/x-hang.sh" /nonexistent/x-missing "$L/x-other.sh"; do
		echo "fails beta: failed as named"
		echo "xfail 2 $p"
	done
	echo "expect log clean"
} >"$L/xfail.plan"
NVLF_GUEST_LIB=$g busybox sh tests/guest/progs.sh "$L/xfail.plan" >"$L/xfail.out" 2>&1 || true
check "xfail: a program that fails the named point, exit 1, whole plan: expected" \
	grep -q '^ok [0-9]* - x-named.sh fails as it must here' "$L/xfail.out"
check "xfail: a hang, a missing program and another point failing are not the expected failure (3 of 3 refused)" \
	test "$(grep -c '^not ok [0-9]* - x-\(hang.sh\|missing\|other.sh\) fails as it must here: exit' "$L/xfail.out")" = 3
grep -E '^(not )?ok [0-9]+ - x-' "$L/xfail.out" | diag

# --- tests/lowest: a background job in a session of its own takes only the
# CPU nothing else wants.  What decides it, read rather than timed: the
# command runs in a session of its own, at nice 19, and that session's
# autogroup (the scheduler shares the CPUs between autogroups, whatever
# their processes' nice values) at nice 19 too.  The naive way, setsid and
# nice -n 19, leaves the autogroup at 0: caught.
# prio_of WAY...: "SESSION-IS-NEW NICE AUTOGROUP-NICE" of a command run
# through WAY
prio_of() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	"$@" sh -c 'test "$(ps -o sid= -p $$)" != "$0" && echo new || echo same
		ps -o ni= -p $$
		sed -n "s/.* nice //p" /proc/self/autogroup 2>/dev/null || echo none' \
		"$(ps -o sid= -p $$ | tr -d ' ')" | tr -s ' \n' ' '
}
read -r sess ni ag <<<"$(prio_of tests/lowest)"
check "tests/lowest: a session of its own ($sess), nice $ni, its autogroup at nice $ag" \
	test "$sess" = new -a "$ni" = 19 -a "$ag" = 19
if [ -r /proc/self/autogroup ]; then
	read -r sess ni ag <<<"$(prio_of setsid nice -n 19)"
	check "the naive way (setsid nice -n 19) is caught: its autogroup stays at nice $ag" \
		test "$ag" != 19
else
	skip_optional "the naive way (setsid nice -n 19) is held back here too: no scheduler autogroups"
fi

# --- the test library: a background job's exit status is read long after
# it ended (20-lines.t's kernel images, an hour later).  bash forgets the
# status of an ended job when a later child of the shell is given the
# same PID (pid_max is 32768 on these machines: an hour of builds wraps
# it), and "wait PID" then fails with 127.  A bare "wait" makes bash
# forget in the same way, on purpose, here.
# shellcheck disable=SC2016 # expanded by the inner shell
check "plain 'wait PID' loses the status of a job bash forgot (what bg_wait is for)" \
	bash -c '(exit 3) & p=$!; sleep 0.2; wait; wait $p 2>/dev/null; test $? = 127'
# shellcheck disable=SC2016 # expanded by the inner shell
check "bg_wait: a failed job's status after bash forgot the job" \
	bash -c ". '$top/tests/lib.sh'; bg_start a sh -c 'exit 3'; sleep 0.2; wait; bg_wait a; test \$? = 3"
check "bg_wait: a job that succeeded, after bash forgot it" \
	bash -c ". '$top/tests/lib.sh'; bg_start a true; sleep 0.2; wait; bg_wait a"
check "bg_wait: waits for a job still running" \
	bash -c ". '$top/tests/lib.sh'; bg_start a sh -c 'sleep 1; echo done >$L/bg.out'; bg_wait a && grep -qx done $L/bg.out"

# --- probes: each names the upstream change it tracks (a block fit for
# the generated header), its macro after its file name, series that
# scripts/kernel-lines has, and a macro our code uses (nvlf-probe --check)
rm -f "$L/probes.err"
bad_probes=''
for f in scripts/probes/*.c; do
	case $f in */canary_*) continue ;; esac
	scripts/nvlf-probe --check "$f" 2>>"$L/probes.err" || bad_probes="$bad_probes $(basename "$f")"
done
check "every probe's tags are right${bad_probes:+ (not:$bad_probes)}" \
	test -z "$bad_probes"
diag <"$L/probes.err"
printf '/*\n * define: NVLF_HAVE_PROBE_BADTAGS\n * tracks: x (v6.1)\n * lines: 6.13 6.1\n */\nint nvlf_probe(void);\n' \
	>"$L/probe_badtags.c"
printf '/*\n * define: NVLF_HAVE_X\n * tracks: x (v6.1)\n * lines: 6.1\n */\nint nvlf_probe(void);\n' \
	>"$L/probe_badname.c"
check "nvlf-probe --check catches an unknown series, a macro our code does not use, a macro not named after the file" \
	sh -c "! scripts/nvlf-probe --check '$L/probe_badtags.c' 2>'$L/badtags.err' && grep -q 'lines: 6.13 is no series' '$L/badtags.err' && grep -q 'NVLF_HAVE_PROBE_BADTAGS is used nowhere' '$L/badtags.err' && ! scripts/nvlf-probe --check '$L/probe_badname.c' 2>'$L/badname.err' && grep -q 'not NVLF_HAVE_PROBE_BADNAME' '$L/badname.err'"
printf '/*\n * define: NVLF_HAVE_X\n * tracks: upstream commit 0123456789ab ("x: y")\n *\tends mid-line */\nint nvlf_probe(void) { return 0; } /* code */\n' \
	>"$L/probe_midline.c"
scripts/nvlf-probe --comment "$L/probe_midline.c" >"$L/probe_midline.h" 2>&1 || true
check "a probe's comment that ends mid-line gives a comment without its code" \
	sh -c "grep -q 'ends mid-line\$' '$L/probe_midline.h' && ! grep -q nvlf_probe '$L/probe_midline.h' && test \$(grep -c '\*/' '$L/probe_midline.h') = 1"
printf '/*\n * define: NVLF_HAVE_X\n * lines: 6.1\n */\nint nvlf_probe(void);\n' >"$L/probe_untracked.c"
check "a probe without tracks: is refused in one line" \
	sh -c "! scripts/nvlf-probe --comment '$L/probe_untracked.c' 2>'$L/untracked.err' && test \$(wc -l <'$L/untracked.err') = 1"

# --- one place for each piece of code: no run of 8 identical lines (what
# tests/dup-lines counts) stands in two places; prose and data files aside
code=$(git ls-files | grep -vE '(^|/)(README[^/]*|[^/]*\.md|[^/]*\.txt|changelog|copyright|[^/]*\.1)$|^bench/results/|^tests/release/table$')
# shellcheck disable=SC2086 # word list by design
check "no run of 8 identical lines stands in two places ($(wc -w <<<"$code") files)" \
	tests/dup-lines $code
seq -f 'printf "line %g of a copied block\n"' 1 8 >"$L/dup8.sh"
{ echo 'echo another file'; cat "$L/dup8.sh"; } >"$L/dup8b.sh"
head -n 7 "$L/dup8.sh" >"$L/dup7.sh"
check "the duplicate check catches 8 copied lines, not 7" \
	sh -c "! tests/dup-lines '$L/dup8.sh' '$L/dup8b.sh' >/dev/null && tests/dup-lines '$L/dup7.sh' '$L/dup8b.sh'"

# --- provenance: our code is our own
up="$L/linux-source-6.12/drivers/gpu/drm/ttm/ttm_bo_vm.c
$L/linux-source-6.12/drivers/gpu/drm/nouveau/nouveau_gem.c
$L/linux-source-6.1/drivers/gpu/drm/ttm/ttm_bo_vm.c
$L/linux-source-6.1/drivers/gpu/drm/nouveau/nouveau_gem.c"
# shellcheck disable=SC2086 # word list by design
check "src/ shares no run of 6 lines with the upstream files it replaces" \
	tests/no-upstream-copy src/*.c -- $up
sed -n '/^vm_fault_t ttm_bo_vm_fault(struct vm_fault \*vmf)/,/^}/p' \
	"$L/linux-source-6.12/drivers/gpu/drm/ttm/ttm_bo_vm.c" >"$L/copied.c"
# shellcheck disable=SC2086 # word list by design
check "the provenance check catches an upstream function pasted into src/" \
	sh -c "test -s '$L/copied.c' && ! tests/no-upstream-copy src/*.c '$L/copied.c' -- $(tr '\n' ' ' <<<"$up") >/dev/null"

# --- the README's table of kernel lines comes from a test run and names
# every line of scripts/kernel-lines
missing=''
for l in $(tests/release/lines list | awk '{ print $1 }'); do
	awk '/^From the test run of / { t = 1 } t && /^  / { rows = 1 }
	     t && rows && /^$/ { exit } t' README | grep -q "^  $l " || missing="$missing $l"
done
check "README's table of supported kernels has every line of scripts/kernel-lines${missing:+ (missing:$missing)}" \
	test -z "$missing" -a -n "$(grep '^From the test run of ' README)"

done_testing
