# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernels the host-side tiers use: the lines of scripts/kernel-lines
# whose release is this machine's own (those of NVLF_LINES only, when it is
# set: a CI job of one release), resolved to their newest ABI with an exact
# source package when the suite runs (tests/release/lines; tests/run drops
# the previous run's answer).  Each line is resolved on its own: one the
# archive no longer serves is written to $NVLF_RESOLVED.failed (LINE
# STATUS MESSAGE) and does not take the others with it.  Sets:
#   NVLF_TEST_KERNELS  those kernels, every tested flavour (not -cloud)
#   NVLF_TEST_SOURCES  linux-source-X.Y=VERSION of each
#   NVLF_TEST_CLOUD    their -cloud-amd64 kernels (no nouveau: skipped)
# and nvlf_kernel LINE FLAVOUR, which prints one of them.  Override the
# first two with NVLF_TEST_KERNELS / NVLF_TEST_SOURCES (no resolution then).
# Needs NVLF_TEST_TMP and top.

# shellcheck disable=SC2154 # top: set by the sourcing script
NVLF_RESOLVED=${NVLF_RESOLVED:-$NVLF_TEST_TMP/resolved-host}

# nvlf_host_lines: the lines of this machine's release under test
nvlf_host_lines() {
	local host
	host=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
	"$top/tests/release/lines" list |
		awk -v r="$host" -v only=" ${NVLF_LINES:-} " \
			'$3 == r && (only ~ /^ *$/ || index(only, " " $1 " ")) { print $1 }'
}

# nvlf_resolve: fill $NVLF_RESOLVED once (LINE FLAVOUR KVER VERSION ...)
nvlf_resolve() {
	local l rc
	[ -f "$NVLF_RESOLVED" ] && return 0
	: >"$NVLF_RESOLVED.tmp"
	: >"$NVLF_RESOLVED.failed"
	for l in $(nvlf_host_lines); do
		rc=0
		"$top/tests/release/lines" resolve "$l" >>"$NVLF_RESOLVED.tmp" 2>"$NVLF_RESOLVED.err" || rc=$?
		[ "$rc" = 0 ] || echo "$l $rc $(tail -n 1 "$NVLF_RESOLVED.err")" >>"$NVLF_RESOLVED.failed"
	done
	rm -f "$NVLF_RESOLVED.err"
	mv "$NVLF_RESOLVED.tmp" "$NVLF_RESOLVED"
}

# nvlf_kernel LINE FLAVOUR: the resolved kernel of that line and flavour
nvlf_kernel() {
	nvlf_resolve && awk -v l="$1" -v f="$2" '$1 == l && $2 == f { print $3 }' "$NVLF_RESOLVED"
}

if [ -z "${NVLF_TEST_KERNELS:-}" ]; then
	nvlf_resolve
	while read -r l rc msg; do
		echo "# tests/kernels.sh: kernel line $l did not resolve (status $rc): $msg" >&2
	done <"$NVLF_RESOLVED.failed"
	NVLF_TEST_KERNELS=$(awk '$2 != "cloud-amd64" { print $3 }' "$NVLF_RESOLVED" | paste -sd ' ')
	NVLF_TEST_SOURCES=$(awk '{ split($3, v, "."); print "linux-source-" v[1] "." v[2] "=" $4 }' \
		"$NVLF_RESOLVED" | sort -u | paste -sd ' ')
	NVLF_TEST_CLOUD=$(awk '$2 == "cloud-amd64" { print $3 }' "$NVLF_RESOLVED" | paste -sd ' ')
fi
: "${NVLF_TEST_SOURCES:=}" "${NVLF_TEST_CLOUD:=}"
export NVLF_TEST_KERNELS NVLF_TEST_SOURCES NVLF_TEST_CLOUD
