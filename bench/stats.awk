# SPDX-License-Identifier: GPL-2.0
#
# bench/stats.awk: the statistics of `make bench`, the tables and target
# verdicts bench/run prints after the guest part.
#
#   awk -v figs=... -v judged=1|'' -v sfile=OUT/samples.txt \
#       -f bench/stats.awk OUT/samples.txt OUT/results.txt 2>OUT/missed
#
# Inputs (written by bench/run from the boots' TAP files):
#   sfile, read first   every contention sample of every boot,
#                       "kver set boot name value" (BENCH-SAMPLE lines)
#   results.txt         every figure of every boot, "kver set boot figure
#                       value unit" (BENCH lines)
#   figs                the figure table, one "name unit low high target"
#                       line per figure (bench/figures, part column cut)
#   judged              empty for a smoke run: verdicts are printed but
#                       marked "not judged"
#
# Method, per kernel in the order first seen:
#   * per figure: the median of the stock boots and the median of the
#     ours boots (the middle value, or the mean of the two middle values
#     for an even count);
#   * the pair ratios ours/stock, boot i of ours over boot i of stock (a
#     pair counts if both boots have the figure and stock's is not 0):
#     their min, median and max, and the number of pairs;
#   * "/anon", pages/s figures only: the median over the pairs of the pair
#     ratio divided by that pair's fault_first_anon_1t ratio (the host's
#     speed during the two boots taken out); information only;
#   * contention: every sample of every boot of a set pooled, p50 and p99
#     by nearest rank (rank ceil(p/100 * n)) and the max;
#   * targets: "ratio" figures, median pair ratio >= 0.97; "starve"
#     figures, the largest value over the ours boots <= 6 periods;
#     contend_T{1,10,100}, the pooled ours p99 <= 1 ms.
# Numbers of 1000 or more are printed as integers, others with 3 decimals,
# "-" where there is no value.  The tables and the MET/MISSED lines go to
# stdout; the number of missed targets goes to stderr.
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function num(x) {
	return x == "nan" ? "-" : (x >= 1000 || x <= -1000) ? sprintf("%.0f", x) : sprintf("%.3f", x)
}
function med(a, n) {
	if (!n) return "nan"
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
BEGIN {
	nf = split(figs, L, "\n")
	for (i = 1; i <= nf; i++) {
		split(L[i], w, " ")
		order[i] = w[1]; unit[w[1]] = w[2]; tgt[w[1]] = w[5]
	}
}
function pct(a, n, p,   r) {
	if (!n) return "nan"
	r = int(p / 100 * n + 0.999999)
	if (r < 1) r = 1
	if (r > n) r = n
	return a[r]
}
FILENAME == sfile {
	sn[$1, $2, $4]++
	smp[$1, $2, $4, sn[$1, $2, $4]] = $5
	next
}
{
	k = $1
	if (!(k in kseen)) { kseen[k] = 1; korder[++nk] = k }
	v[k, $2, $3, $4] = $5
	if ($3 + 0 > maxboot) maxboot = $3 + 0
}
END {
	miss = 0
	for (ki = 1; ki <= nk; ki++) {
		k = korder[ki]
		printf "\n%s: ours/stock per pair of boots (boot i of ours / boot i of stock)\n", k
		printf "  %-22s %-8s %12s %12s   %7s %7s %7s  %5s  %s\n", "figure", "unit",
			"stock med", "ours med", "min", "median", "max", "pairs", "/anon"
		ref = "fault_first_anon_1t"
		for (i = 1; i <= nf; i++) {
			f = order[i]; ns = no = nr = na = 0
			delete S; delete O; delete R; delete A
			omax = ""
			for (b = 1; b <= maxboot; b++) {
				hs = ((k, "stock", b, f) in v); ho = ((k, "ours", b, f) in v)
				if (hs) S[++ns] = v[k, "stock", b, f]
				if (ho) {
					O[++no] = v[k, "ours", b, f]
					if (omax == "" || O[no] > omax) omax = O[no]
				}
				if (hs && ho && v[k, "stock", b, f] != 0) {
					R[++nr] = v[k, "ours", b, f] / v[k, "stock", b, f]
					# the same pair divided by its reference ratio
					if (unit[f] == "pages/s" && f != ref && v[k, "ours", b, ref] > 0 &&
					    v[k, "stock", b, ref] > 0)
						A[++na] = R[nr] / (v[k, "ours", b, ref] / v[k, "stock", b, ref])
				}
			}
			if (!ns && !no) continue
			ms = med(S, ns); mo = med(O, no); mr = med(R, nr)
			if (nr) { sort(R, nr); rmin = R[1]; rmax = R[nr] }
			printf "  %-22s %-8s %12s %12s   %7.3f %7.3f %7.3f  %5d  %s\n", f, unit[f],
				num(ms), num(mo), nr ? rmin : 0, nr ? mr : 0, nr ? rmax : 0, nr,
				na ? sprintf("%.3f", med(A, na)) : ""
			if (f == ref)
				refmed[k] = mr
			if (tgt[f] == "ratio") {
				ok = nr && mr >= 0.97
				line[++nl] = sprintf("%s %s: fault throughput ours/stock median %.3f >= 0.97 (anon reference %.3f)", k, f, mr, refmed[k])
			} else if (tgt[f] == "starve") {
				ok = no && omax <= 6
				line[++nl] = sprintf("%s %s: no starvation, ours worst %.2f holder periods <= 6", k, f, omax)
			} else continue
			res[nl] = ok
			if (!ok) miss++
		}
		if (!((k, "ours", "contend_T1") in sn)) continue
		printf "\n%s: contention overhead over every sample of every boot (ms)\n", k
		printf "  %-10s %5s %9s %9s %9s   %5s %9s %9s %9s\n", "hold", "stock", "p50", "p99",
			"max", "ours", "p50", "p99", "max"
		for (t = 1; t <= 100; t *= 10) {
			name = "contend_T" t
			for (si = 1; si <= 2; si++) {
				set = si == 1 ? "stock" : "ours"
				n = sn[k, set, name]; delete A
				for (j = 1; j <= n; j++) A[j] = smp[k, set, name, j]
				sort(A, n)
				P50[set] = pct(A, n, 50); P99[set] = pct(A, n, 99)
				MX[set] = n ? A[n] : "nan"; N[set] = n
			}
			printf "  T=%-8s %5d %9s %9s %9s   %5d %9s %9s %9s\n", t " ms",
				N["stock"], num(P50["stock"]), num(P99["stock"]), num(MX["stock"]),
				N["ours"], num(P50["ours"]), num(P99["ours"]), num(MX["ours"])
			ok = N["ours"] && P99["ours"] <= 1.0
			line[++nl] = sprintf("%s %s: contention overhead p99 over %d samples, ours %.3f ms <= 1 ms (stock %.3f ms)",
				k, name, N["ours"], P99["ours"], P99["stock"])
			res[nl] = ok
			if (!ok) miss++
		}
	}
	if (nl) printf "\nTargets%s:\n", judged ? "" : " (smoke run: not judged)"
	for (i = 1; i <= nl; i++)
		printf "  %-6s %s\n", res[i] ? "MET" : "MISSED", line[i]
	print miss > "/dev/stderr"
}
