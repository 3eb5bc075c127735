# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# common.sh: code the guest scripts share (busybox ash, inside the QEMU
# guest).  tests/vm/mkinitramfs installs it in every initramfs as
# /lib/nvlf/common.sh, next to the TAP layer /lib/nvlf/tap.sh, which it
# needs (ok, not_ok, diag).
#
#   modprobe_point MODULE [PARAM=VALUE...]   one test point: "modprobe ..."
#                                            loads; its output as comments
#                                            if it does not
#   wait_card DRIVER SECONDS                 wait for a DRM card bound to
#                                            DRIVER; see below

# modprobe_point MODULE [PARAM=VALUE...]
modprobe_point() {
	if modprobe "$@" >/tmp/modprobe.out 2>&1; then
		ok "modprobe $*"
	else
		diag </tmp/modprobe.out
		not_ok "modprobe $*"
	fi
}

# wait_card DRIVER SECONDS: wait up to SECONDS for a DRM card (not a
# connector: card0-VGA-1) whose device is bound to DRIVER and whose
# /dev/dri node exists.  Found: sets card=/dev/dri/cardN and card_after
# (the wait, "S.T" seconds) and returns 0.  Not found: prints what
# /sys/class/drm and /dev/dri hold as comments and returns 1.
wait_card() {
	card=
	card_i=0
	while [ -z "$card" ] && [ "$card_i" -le $(($2 * 10)) ]; do
		for card_c in /sys/class/drm/card[0-9]*; do
			[ -e "$card_c/device/driver" ] || continue
			case $card_c in *-*) continue ;; esac
			card_drv=$(basename "$(readlink "$card_c/device/driver")")
			if [ "$card_drv" = "$1" ] && [ -c "/dev/dri/${card_c##*/}" ]; then
				card=/dev/dri/${card_c##*/}
				break
			fi
		done
		[ -n "$card" ] || { sleep 0.1; card_i=$((card_i + 1)); }
	done
	# shellcheck disable=SC2034 # for the caller
	card_after=$((card_i / 10)).$((card_i % 10))
	[ -n "$card" ] && return 0
	find /sys/class/drm /dev/dri -maxdepth 1 2>&1 | diag
	return 1
}
