# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Boot each tested kernel's own Debian image in QEMU (TCG) with a busybox
# initramfs carrying our modules in updates/, and run tests/guest/smoke.sh
# there: bochs binds through our ttm.ko, dumb-buffer mmaps (and fork)
# work and fault through our ttm_fault.c, nouveau loads ours without
# errors.  Then the same guest with Debian's stock modules, where every
# "it is ours" check must fail: the smoke test can tell the difference.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

G=$NVLF_TEST_TMP/guest
rm -rf "$G"
mkdir -p "$G"
if ! make -s -C "$top/tests/prog" O="$G" >"$G/prog.log" 2>&1; then
	not_ok "drm_dumb builds"
	diag <"$G/prog.log"
	exit 0
fi

# The checks that can only pass with our modules loaded.
ours_re='ttm srcversion|ttm version|nvlf_ttm faults counter|nouveau srcversion|nouveau version|nouveau publishes|nvlf-status says'

# guest KVER NAME [--updates DIR]: build an initramfs, boot it, leave the
# guest's TAP in $G/NAME.tap; returns run's status.
guest() {
	local k=$1 name=$2
	shift 2
	tests/guest/mkinitramfs --kver "$k" --out "$G/$name.cpio.gz" \
		--script tests/guest/smoke.sh --add "$G/drm_dumb:/bin/drm_dumb" \
		--add "$top/tools/nvlf-status:/bin/nvlf-status" \
		--add "$G/expect-$k.env:/expect.env" "$@" >"$G/$name.mk.log" 2>&1 ||
		{ diag <"$G/$name.mk.log"; return 2; }
	tests/guest/run --kver "$k" --initrd "$G/$name.cpio.gz" --timeout 300 \
		--mem 1024 --tap "$G/$name.tap" >"$G/$name.console" 2>&1
}

cd "$top" || exit 2
for k in $NVLF_TEST_KERNELS; do
	o=$(outdir "$k")
	if [ ! -f "$o/ttm.ko" ] || [ ! -f "$o/nouveau.ko" ]; then
		not_ok "$k: guest tests need our modules in $o (tests/t/20-build.t builds them)"
		continue
	fi
	{
		echo "EXPECT_TTM_SRCVERSION=$(modinfo -F srcversion "$o/ttm.ko")"
		echo "EXPECT_NOUVEAU_SRCVERSION=$(modinfo -F srcversion "$o/nouveau.ko")"
		echo "EXPECT_VERSION=$(modinfo -F version "$o/ttm.ko")"
	} >"$G/expect-$k.env"
	mkdir -p "$G/updates-$k"
	cp "$o/ttm.ko" "$o/nouveau.ko" "$G/updates-$k/"

	# --- ours: every guest check passes
	t0=$(date +%s)
	rc=0
	guest "$k" "ours-$k" --updates "$G/updates-$k" || rc=$?
	if [ ! -s "$G/ours-$k.tap" ]; then
		not_ok "$k: guest with our modules ran (run status $rc)"
		tail -n 40 "$G/ours-$k.console" | diag
		continue
	fi
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$k guest: ${line#ok * - }" ;;
		"not ok "*) not_ok "$k guest: ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$G/ours-$k.tap"
	check "$k: guest with our modules passed as a whole ($(( $(date +%s) - t0 ))s)" \
		test "$rc" = 0
	[ "$rc" = 0 ] || tail -n 40 "$G/ours-$k.console" | diag

	# --- stock: the "ours" checks must fail, the others must pass
	rc=0
	guest "$k" "stock-$k" || rc=$?
	n_ours=$(grep -Ec "^not ok [0-9]+ - ($ours_re)" "$G/stock-$k.tap" || true)
	n_want=$(grep -Ec "^(not )?ok [0-9]+ - ($ours_re)" "$G/ours-$k.tap" || true)
	check "$k: with Debian's modules all $n_want 'ours' checks fail ($n_ours did)" \
		test "$n_ours" = "$n_want" -a "$n_want" -ge 7
	n_other=$(grep -E '^not ok ' "$G/stock-$k.tap" | grep -Evc " - ($ours_re)" || true)
	check "$k: with Debian's modules the other checks still pass" \
		test "$n_other" = 0 -a "$rc" = 1
	grep -E '^not ok ' "$G/stock-$k.tap" | diag
done
