# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernels the host-side tiers use: the lines of scripts/kernel-lines
# whose release is this machine's own, resolved to their newest ABI with an
# exact source package when the suite runs (tests/release/lines; tests/run
# drops the previous run's answer).  Sets:
#   NVLF_TEST_KERNELS  those kernels, every tested flavour (not -cloud)
#   NVLF_TEST_SOURCES  linux-source-X.Y=VERSION of each
#   NVLF_TEST_CLOUD    their -cloud-amd64 kernels (no nouveau: skipped)
# and nvlf_kernel LINE FLAVOUR, which prints one of them.  Override the
# first two with NVLF_TEST_KERNELS / NVLF_TEST_SOURCES (no resolution then).
# Needs NVLF_TEST_TMP and top.

# shellcheck disable=SC2154 # top: set by the sourcing script
NVLF_RESOLVED=${NVLF_RESOLVED:-$NVLF_TEST_TMP/resolved-host}

# nvlf_resolve: fill $NVLF_RESOLVED once (LINE FLAVOUR KVER VERSION ...)
nvlf_resolve() {
	local host lines
	[ -s "$NVLF_RESOLVED" ] && return 0
	host=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
	lines=$("$top/tests/release/lines" list | awk -v r="$host" '$3 == r { print $1 }')
	[ -n "$lines" ] || { : >"$NVLF_RESOLVED"; return 0; }
	# shellcheck disable=SC2086 # word list by design
	"$top/tests/release/lines" resolve $lines >"$NVLF_RESOLVED.tmp" &&
		mv "$NVLF_RESOLVED.tmp" "$NVLF_RESOLVED"
}

# nvlf_kernel LINE FLAVOUR: the resolved kernel of that line and flavour
nvlf_kernel() {
	nvlf_resolve && awk -v l="$1" -v f="$2" '$1 == l && $2 == f { print $3 }' "$NVLF_RESOLVED"
}

if [ -z "${NVLF_TEST_KERNELS:-}" ]; then
	if nvlf_resolve; then
		NVLF_TEST_KERNELS=$(awk '$2 != "cloud-amd64" { print $3 }' "$NVLF_RESOLVED" | paste -sd ' ')
		NVLF_TEST_SOURCES=$(awk '{ split($3, v, "."); print "linux-source-" v[1] "." v[2] "=" $4 }' \
			"$NVLF_RESOLVED" | sort -u | paste -sd ' ')
		NVLF_TEST_CLOUD=$(awk '$2 == "cloud-amd64" { print $3 }' "$NVLF_RESOLVED" | paste -sd ' ')
	else
		echo "# tests/kernels.sh: the kernel lines could not be resolved (see above)" >&2
		NVLF_TEST_KERNELS='' NVLF_TEST_SOURCES='' NVLF_TEST_CLOUD=''
	fi
fi
: "${NVLF_TEST_SOURCES:=}" "${NVLF_TEST_CLOUD:=}"
export NVLF_TEST_KERNELS NVLF_TEST_SOURCES NVLF_TEST_CLOUD
