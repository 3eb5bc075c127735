#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest smoke test for nouveau-lockfix; runs as /test.sh under busybox ash
# in the initramfs from tests/vm/mkinitramfs and prints TAP (the TAP layer
# /lib/nvlf/tap.sh, the card wait of /lib/nvlf/common.sh).
#
# usage: smoke.sh [EXPECT_FILE]     (default /expect.env)
#
# EXPECT_FILE holds KEY=VALUE lines (no quoting, '#' comments):
#   EXPECT_TTM_SRCVERSION=...      modinfo -F srcversion ttm.ko (host side)
#   EXPECT_NOUVEAU_SRCVERSION=...  modinfo -F srcversion nouveau.ko
#   EXPECT_VERSION=...             MODULE_VERSION of our ttm.ko
#   DRM_DUMB=/bin/drm_dumb         (optional) the dumb-buffer test program
#   CARD_WAIT=60                   (optional) the longest wait for the card
#                                  (a bound: the wait ends when it appears)
#   CARD_MODULE=bochs              (optional) the TTM driver of QEMU's display
#   CARD_DRIVER=bochs-drm          (optional) its driver name in sysfs
#                                  (qxl/qxl where bochs no longer uses TTM)
#
# Test points:
#   modprobe CARD_MODULE; a DRM card bound to CARD_DRIVER appears;
#   ttm srcversion and version are ours;
#   drm_dumb passes; the nvlf_ttm "faults" counter grows while it runs;
#   modprobe nouveau; nouveau srcversion and version are ours, it shows
#   our counters (nvlf_nouveau/stats) and parameter; no kernel message of
#   priority err or worse (<= 3) while nouveau loads;
#   nvlf-status says ours is loaded;
#   no oops/BUG/WARNING in the kernel log and no such taint flag.
# Every point comes, whatever happened before it: 13 points.
# The kernel's "module verification failed: signature and/or required key
# missing" message is a notice (priority 5), expected for our unsigned
# modules: it is reported as a comment, never as a failure.

EXPECT_FILE=${1:-/expect.env}
DRM_DUMB=/bin/drm_dumb
CARD_WAIT=60
CARD_MODULE=bochs
CARD_DRIVER=bochs-drm
STATS=/sys/kernel/debug/nvlf_ttm/stats

# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. /lib/nvlf/tap.sh
# shellcheck source-path=SCRIPTDIR source=common.sh
. /lib/nvlf/common.sh
tap_expect 13

# compare the contents of a sysfs file with an expected value
# sysfs_equals FILE EXPECT_NAME EXPECTED DESCRIPTION
sysfs_equals() {
	if [ -z "$3" ]; then
		not_ok "$4 ($2 not set in $EXPECT_FILE)"
	elif [ ! -r "$1" ]; then
		not_ok "$4 (no $1: module loaded without MODULE_VERSION, i.e. not ours)"
	else
		_got=$(cat "$1")
		if [ "$_got" = "$3" ]; then
			ok "$4 ($_got)"
		else
			not_ok "$4 (got $_got, want $3)"
		fi
	fi
}

# value of counter $1 in the nvlf_ttm stats file, empty if none
stat_get() {
	[ -r "$STATS" ] && awk -v k="$1" '$1 == k { print $2; exit }' "$STATS"
}

# lines of a raw (dmesg -r) log whose priority is <= $2; "<N>" with
# N = facility * 8 + priority; prefix-less lines continue the last record
dmesg_prio_le() {
	awk -v max="$2" '
		match($0, /^<[0-9]+>/) {
			pri = substr($0, 2, RLENGTH - 2) % 8
		}
		pri <= max { print }
	' pri=7 "$1"
}

# --- expectations ----------------------------------------------------------
EXPECT_TTM_SRCVERSION=
EXPECT_NOUVEAU_SRCVERSION=
EXPECT_VERSION=
if [ -r "$EXPECT_FILE" ]; then
	while IFS= read -r line; do
		case "$line" in
		EXPECT_TTM_SRCVERSION=*|EXPECT_NOUVEAU_SRCVERSION=*|EXPECT_VERSION=*|DRM_DUMB=*|CARD_WAIT=*|CARD_MODULE=*|CARD_DRIVER=*)
			eval "${line%%=*}=\"\${line#*=}\""
			;;
		esac
	done <"$EXPECT_FILE"
	echo "# expectations from $EXPECT_FILE:"
	grep -v '^[[:space:]]*\(#\|$\)' "$EXPECT_FILE" | diag
else
	echo "# no $EXPECT_FILE: srcversion/version checks will fail"
fi
echo "# kernel $(uname -r)"

dmesg -r >/tmp/dmesg.boot

# --- the card: a TTM driver for QEMU's display ----------------------------
modprobe_point "$CARD_MODULE"
if wait_card "$CARD_DRIVER" "$CARD_WAIT"; then
	ok "$CARD_DRIVER card appears: $card (after ~${card_after}s)"
else
	not_ok "$CARD_DRIVER card appears within ${CARD_WAIT}s"
fi

# --- ttm is ours -------------------------------------------------------------
sysfs_equals /sys/module/ttm/srcversion EXPECT_TTM_SRCVERSION \
	"$EXPECT_TTM_SRCVERSION" "ttm srcversion"
sysfs_equals /sys/module/ttm/version EXPECT_VERSION \
	"$EXPECT_VERSION" "ttm version"

# --- fault path --------------------------------------------------------------
faults_before=$(stat_get faults)
if [ -r "$STATS" ]; then
	echo "# $STATS before drm_dumb:"
	diag <"$STATS"
fi

if [ -z "$card" ]; then
	not_ok "drm_dumb (no $CARD_DRIVER card)"
elif [ ! -x "$DRM_DUMB" ]; then
	not_ok "drm_dumb (no $DRM_DUMB in the initramfs)"
else
	"$DRM_DUMB" "$card" >/tmp/drm_dumb.out 2>&1
	rc=$?
	sed 's/^/drm_dumb: /' /tmp/drm_dumb.out | diag
	if [ "$rc" = 0 ] && grep -q '^1\.\.[1-9]' /tmp/drm_dumb.out &&
	   ! grep -q '^not ok' /tmp/drm_dumb.out; then
		ok "drm_dumb $card: mmap/fork pattern checks pass"
	else
		not_ok "drm_dumb $card (exit status $rc)"
	fi
fi

faults_after=$(stat_get faults)
if [ ! -r "$STATS" ]; then
	not_ok "nvlf_ttm faults counter grows during drm_dumb (no $STATS: our ttm.ko is not loaded)"
elif [ -z "$faults_before" ] || [ -z "$faults_after" ]; then
	diag <"$STATS"
	not_ok "nvlf_ttm faults counter grows during drm_dumb (no 'faults' line in $STATS)"
elif [ "$faults_after" -gt "$faults_before" ]; then
	echo "# $STATS after drm_dumb:"
	diag <"$STATS"
	ok "nvlf_ttm faults counter grows during drm_dumb ($faults_before -> $faults_after)"
else
	diag <"$STATS"
	not_ok "nvlf_ttm faults counter grows during drm_dumb ($faults_before -> $faults_after)"
fi

# --- nouveau -----------------------------------------------------------------
dmesg -r -c >/tmp/dmesg.pre-nouveau
modprobe_point nouveau
sleep 1
dmesg -r -c >/tmp/dmesg.nouveau

sysfs_equals /sys/module/nouveau/srcversion EXPECT_NOUVEAU_SRCVERSION \
	"$EXPECT_NOUVEAU_SRCVERSION" "nouveau srcversion"

sysfs_equals /sys/module/nouveau/version EXPECT_VERSION \
	"$EXPECT_VERSION" "nouveau version"

# our module init wraps nouveau's: it publishes the pushbuf counters and
# the module carries our parameter
NV_STATS=/sys/kernel/debug/nvlf_nouveau/stats
if [ -r "$NV_STATS" ] && grep -q '^pushbuf_jobs 0$' "$NV_STATS" &&
   [ -r /sys/module/nouveau/parameters/lockfix_strict_presumed ]; then
	diag <"$NV_STATS"
	ok "nouveau publishes nvlf_nouveau/stats and lockfix_strict_presumed"
else
	not_ok "nouveau publishes nvlf_nouveau/stats and lockfix_strict_presumed (not our nouveau.ko?)"
fi

# tools/nvlf-status, as a tester would run it: ours is loaded (exit 0)
if [ ! -x /bin/nvlf-status ]; then
	not_ok "nvlf-status says ours is loaded (no /bin/nvlf-status in the initramfs)"
else
	/bin/nvlf-status >/tmp/status.out 2>&1
	rc=$?
	diag </tmp/status.out
	/bin/nvlf-status --json >/tmp/status.json 2>&1
	n_ours=$(grep -o '"loaded_is_ours":true' /tmp/status.json | wc -l)
	if [ "$rc" = 0 ] && grep -q 'ours is loaded' /tmp/status.out &&
	   [ "$n_ours" = 2 ] && grep -q '"faults":[1-9]' /tmp/status.json; then
		ok "nvlf-status says ours is loaded (exit 0; --json: both modules ours, counters shown)"
	else
		diag </tmp/status.json
		not_ok "nvlf-status says ours is loaded (exit $rc, $n_ours modules ours in --json)"
	fi
fi

echo "# kernel messages while loading nouveau (first 30):"
head -n 30 /tmp/dmesg.nouveau | sed 's/^/kernel: /' | diag
dmesg_prio_le /tmp/dmesg.nouveau 3 >/tmp/dmesg.nouveau.err
if [ -s /tmp/dmesg.nouveau.err ]; then
	sed 's/^/kernel: /' /tmp/dmesg.nouveau.err | diag
	not_ok "no kernel message of priority err or worse while loading nouveau ($(grep -c '^<' /tmp/dmesg.nouveau.err) found)"
else
	ok "no kernel message of priority err or worse while loading nouveau ($(grep -c '^<' /tmp/dmesg.nouveau) messages)"
fi

# --- whole-run kernel health -------------------------------------------------
dmesg -r >/tmp/dmesg.post
cat /tmp/dmesg.boot /tmp/dmesg.pre-nouveau /tmp/dmesg.nouveau \
	/tmp/dmesg.post >/tmp/dmesg.all
grep 'module verification failed' /tmp/dmesg.all |
	sed 's/^/note (expected for unsigned modules, priority = N \& 7 = 5, notice): /' |
	diag
grep -E 'Oops|BUG:|WARNING:|general protection|Call Trace|circular locking|recursive locking|blocked for more than|soft lockup|UBSAN|KASAN' \
	/tmp/dmesg.all | sort -u >/tmp/dmesg.bad
tainted=$(cat /proc/sys/kernel/tainted)
# M machine check (4), B bad page (5), D oops (7), W warning (9),
# L soft lockup (14)
bad_taint=$((tainted & ((1 << 4) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 14))))
echo "# /proc/sys/kernel/tainted = $tainted"
if [ -s /tmp/dmesg.bad ] || [ "$bad_taint" != 0 ]; then
	sed 's/^/kernel: /' /tmp/dmesg.bad | diag
	not_ok "no oops/BUG/WARNING in the kernel log (taint $tainted)"
else
	ok "no oops/BUG/WARNING in the kernel log"
fi

done_testing
echo "# smoke: $tap_failed of $tap_n failed"
tap_status
