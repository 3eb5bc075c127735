# SPDX-License-Identifier: GPL-2.0
#
# bench/check.awk: the plausibility check of one guest boot of `make bench`
# (bench/run's check_dir runs it once per boot).
#
#   awk -v figs="$(figures_for guest)" -f bench/check.awk
#
# Input: the boot's figures, one "name value unit" line each (the BENCH
# lines of its TAP output).  figs: the figure table, one "name unit low
# high target" line per figure (bench/figures without its part column).
# Prints one line per problem, nothing if the boot is sound: a figure in
# the wrong unit, not a number, outside its low..high bounds, missing,
# reported more than once; a contention p50 above its p99; no figures at
# all.  Figures not in the table are ignored.
BEGIN {
	n = split(figs, L, "\n")
	for (i = 1; i <= n; i++) {
		split(L[i], w, " ")
		unit[w[1]] = w[2]; lo[w[1]] = w[3]; hi[w[1]] = w[4]
		order[i] = w[1]
	}
	nf = n
}
{
	seen[$1]++
	if (!($1 in unit))
		next
	if ($3 != unit[$1])
		printf "%s in %s, expected %s\n", $1, $3, unit[$1]
	else if ($2 !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/)
		printf "%s = \"%s\" is not a number\n", $1, $2
	else if ($2 + 0 < lo[$1] + 0 || $2 + 0 > hi[$1] + 0)
		printf "%s = %s %s is implausible (outside %s..%s)\n", $1, $2, $3, lo[$1], hi[$1]
	val[$1] = $2 + 0
}
END {
	if (!NR) {
		print "no figures at all"
		exit
	}
	for (i = 1; i <= nf; i++) {
		f = order[i]
		if (!seen[f])
			printf "%s missing\n", f
		else if (seen[f] > 1)
			printf "%s reported %d times\n", f, seen[f]
	}
	for (t = 1; t <= 100; t *= 10) {
		p = "contend_T" t "_"
		if ((p "p50") in val && (p "p99") in val && val[p "p50"] > val[p "p99"])
			printf "%sp50 %s > p99 %s\n", p, val[p "p50"], val[p "p99"]
	}
}
