# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A short run of `make bench` (bench/run --smoke): one boot with Debian's
# stock ttm.ko and one with ours, a tiny workload of tests/prog/nvlf_bench
# each, for one kernel.  The figures are not judged against the targets
# (too short, and the machine may be busy); what is checked is that the
# bench runs, that every figure comes out of both boots within its
# plausibility bounds, and that bench/run's checks do fail on a doctored
# result (a figure zeroed, one missing, the wrong ttm.ko, a failed guest).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

tier_lines 6.1 6.12-deb12
cd "$top" || exit 2
# the plan: the run, 2 per boot, 2 on the summary, 7 doctored results
tap_expect 14
B=$NVLF_TEST_TMP/bench
rm -rf "$B"
mkdir -p "$B"
k=${NVLF_BENCH_SMOKE_KVER:-${NVLF_TEST_KERNELS%% *}}
if [ ! -f "$(outdir "$k")/ttm.ko" ]; then
	not_ok "$k: the bench needs our ttm.ko in $(outdir "$k") (tests/t/25-build.t builds it)"
	done_testing
	exit 0
fi

t0=$(date +%s)
rc=0
bench/run --bench guest --smoke --boots 1 --kver "$k" --no-build --out "$B/run" \
	>"$B/run.log" 2>&1 || rc=$?
timing step "$k: bench/run --smoke (two boots)" $(($(date +%s) - t0))
if [ "$rc" = 0 ]; then
	ok "$k: bench/run --smoke: a stock and an ours boot ran, every figure plausible"
else
	not_ok "$k: bench/run --smoke exited $rc"
	tail -n 40 "$B/run.log" | diag
fi
g=$B/run/guest/$k
for s in stock ours; do
	n=$(grep -c '^\(# \)\{0,1\}BENCH ' "$g/$s-1.tap" 2>/dev/null || true)
	check "$k $s boot: nvlf_bench printed 26 BENCH figures (got ${n:-0})" test "${n:-0}" = 26
	check "$k $s boot: the guest loaded the $s ttm.ko" \
		grep -q "^\(# \)\{0,1\}BENCH-INFO ttm $s" "$g/$s-1.tap"
done
check "$k: the summary has an ours/stock line for every figure" \
	test "$(grep -cE '^  [A-Za-z_0-9]+ +(pages/s|ms|periods|jobs/s) ' "$B/run.log")" = 26
check "$k: the summary gives a verdict for every target (7 throughput, 3 p99, 3 starvation)" \
	test "$(grep -cE '^  (MET|MISSED) ' "$B/run.log")" = 13
grep -E '^(Host|  fault_first|  contend_T1_p99|  starve_T1_worst|  pushbuf_slow)' "$B/run.log" | diag

# doctor NAME REGEX SED_SCRIPT [FILE]: a copy of the results with FILE
# (default ours-1.tap) edited by SED_SCRIPT; bench/run --summarize must
# fail on it (status 1) with a line matching REGEX.
doctor() {
	local name=$1 re=$2 script=$3 file=${4:-ours-1.tap} d o rc=0
	d=$B/doctored-${name// /-}
	rm -rf "$d"
	cp -r "$B/run" "$d"
	sed -i "$script" "$d/guest/$k/$file"
	o=$(bench/run --summarize "$d" 2>&1) || rc=$?
	if [ "$rc" = 1 ] && printf '%s\n' "$o" | grep -qE "$re"; then
		ok "bench/run catches $name"
		printf '%s\n' "$o" | grep -E "$re" | head -n 1 | diag
	else
		not_ok "bench/run catches $name (status $rc; wanted 1 and /$re/)"
		printf '%s\n' "$o" | grep 'FAIL' | head -n 5 | diag
	fi
}
if [ -f "$g/ours-1.tap" ]; then
	doctor "a zero figure" 'fault_first_nvlf_1t = 0 pages/s is implausible' \
		's/BENCH fault_first_nvlf_1t [^ ]*/BENCH fault_first_nvlf_1t 0/'
	doctor "a missing figure" 'contend_T10_p99 missing' '/BENCH contend_T10_p99 /d'
	doctor "p50 above p99" 'contend_T1_p50 .* > p99' \
		's/BENCH contend_T1_p50 [^ ]*/BENCH contend_T1_p50 999/'
	doctor "a hold shorter than T" 'contend_T100_hold = 5 ms is implausible' \
		's/BENCH contend_T100_hold [^ ]*/BENCH contend_T100_hold 5/'
	doctor "missing contention samples" 'no contention samples for T=10' \
		'/BENCH-SAMPLE contend_T10 /d'
	doctor "the wrong ttm.ko" 'loaded stock ttm.ko, not ours' \
		's/BENCH-INFO ttm ours/BENCH-INFO ttm stock/'
	doctor "a failed guest" 'stock boot 1: the guest run failed' 's/^0$/1/' stock-1.rc
else
	not_ok "bench/run's checks can be tested (no results from the smoke run)"
fi

done_testing
