# SPDX-License-Identifier: GPL-2.0
#
# bench/host-load.awk: one line saying how busy the host was when the
# guests of `make bench` booted.
#
#   awk -f bench/host-load.awk OUT/host.log
#
# Input: OUT/host.log, one line per boot written by bench/run before it:
# "kver set boot cc1=N qemu=N dkms=N load=L" (host_load in bench/run).
# Prints the largest count of other compilers (cc1), QEMU guests and DKMS
# builds over the boots ("idle" if all are 0, else "NOT idle") and the
# range of the 1-minute load average.
{
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "load") {
			if (NR == 1 || kv[2] < lo) lo = kv[2]
			if (kv[2] > hi) hi = kv[2]
		} else if (kv[2] + 0 > m[kv[1]] + 0) m[kv[1]] = kv[2] + 0
	}
}
END {
	busy = m["cc1"] + m["qemu"] + m["dkms"]
	printf "Host at the start of the %d boots: at most %d other cc1, %d other QEMU, %d dkms running (%s); load average %s..%s\n",
		NR, m["cc1"], m["qemu"], m["dkms"], busy ? "NOT idle" : "idle", lo, hi
}
