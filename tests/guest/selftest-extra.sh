#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-test hook: sourced by smoke.sh (installed as /smoke-extra.sh)
# in the initramfs that tests/guest/selftest builds.  Adds test points,
# some of which must fail on purpose; selftest knows which.
#
# Reads /selftest.env:
#   SELFTEST_VARIANT=stock|unsigned   unsigned: updates/ holds signature-
#                                     stripped copies of Debian's ttm and
#                                     nouveau
#   SELFTEST_VMWGFX_SRCVERSION=...    modinfo -F srcversion vmwgfx.ko (host)
#
# Uses smoke.sh's tap_* helpers, sysfs_equals, $card and /tmp/dmesg.all.

SELFTEST_VARIANT=
SELFTEST_VMWGFX_SRCVERSION=
while IFS= read -r line; do
	case "$line" in
	SELFTEST_VARIANT=*|SELFTEST_VMWGFX_SRCVERSION=*)
		eval "${line%%=*}=\"\${line#*=}\""
		;;
	esac
done </selftest.env

# srcversion comparison, both ways, on a stock module that has
# MODULE_VERSION (vmwgfx loads without its device)
if modprobe vmwgfx >/tmp/modprobe.out 2>&1; then
	tap_ok "selftest: modprobe vmwgfx"
else
	tap_comment </tmp/modprobe.out
	tap_fail "selftest: modprobe vmwgfx"
fi
sysfs_equals /sys/module/vmwgfx/srcversion SELFTEST_VMWGFX_SRCVERSION \
	"$SELFTEST_VMWGFX_SRCVERSION" \
	"selftest: vmwgfx srcversion equals host modinfo (must pass)"
sysfs_equals /sys/module/vmwgfx/srcversion WRONG \
	"0123456789ABCDEF0123456" \
	"selftest: vmwgfx srcversion against a wrong value (must fail)"

# drm_dumb catches corruption and names its offset
if [ -n "$card" ]; then
	"$DRM_DUMB" -x 0x12345 "$card" >/tmp/drm_dumb.x.out 2>&1
	rc=$?
	sed 's/^/drm_dumb -x: /' /tmp/drm_dumb.x.out | tap_comment
	tap_check "selftest: drm_dumb -x 0x12345 $card with injected corruption (must fail)" \
		[ "$rc" = 0 ]
	tap_check "selftest: drm_dumb reports the corrupted byte at offset 0x12345" \
		grep -q 'first wrong byte at offset 0x12345 ' /tmp/drm_dumb.x.out
else
	tap_fail "selftest: drm_dumb -x (no card)"
	tap_fail "selftest: drm_dumb reports the corrupted byte (no card)"
fi

# taint flag E (bit 13) in /sys/module/X/taint: loaded an unsigned module
has_taint_e() {
	grep -q E "/sys/module/$1/taint" 2>/dev/null
}

case "$SELFTEST_VARIANT" in
unsigned)
	tap_check "selftest: ttm came from updates/ (unsigned copy, taint E)" \
		has_taint_e ttm
	tap_check "selftest: nouveau came from updates/ (unsigned copy, taint E)" \
		has_taint_e nouveau
	line=$(grep -m 1 'module verification failed' /tmp/dmesg.all)
	pri=$(echo "$line" | sed -n 's/^<\([0-9]*\)>.*/\1/p')
	echo "# signature message: $line"
	level=$((${pri:-0} & 7))
	if [ -n "$pri" ] && [ "$level" = 5 ]; then
		tap_ok "selftest: signature message is priority 5 (notice): <$pri> & 7 = $level"
	else
		tap_fail "selftest: signature message is priority 5 (notice): <${pri:-?}> & 7 = $level"
	fi
	;;
*)
	if has_taint_e ttm; then
		tap_fail "selftest: ttm came from kernel/ (signed, no taint E)"
	else
		tap_ok "selftest: ttm came from kernel/ (signed, no taint E)"
	fi
	;;
esac
