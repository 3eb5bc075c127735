# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Build ttm.ko and nouveau.ko for every tested kernel from its exact
# source package, and check what we can without loading them: the ABI of
# ttm.ko (and that the check catches a difference), the modinfo records,
# the probe results, and that nouveau's ioctl table and module init bind
# to our code.  Then the build's own failure messages.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
T=$NVLF_TEST_TMP/build
rm -rf "$T"
mkdir -p "$T"

# relocs_to KO SYMBOL: number of relocations that reference SYMBOL
relocs_to() {
	readelf -rW "$1" | awk -v s="$2" '$5 == s { n++ } END { print n + 0 }'
}
# defined KO SYMBOL: SYMBOL is defined in KO
defined() {
	readelf -sW "$1" | awk -v s="$2" '$8 == s && $7 != "UND" { f = 1 } END { exit !f }'
}

for k in $NVLF_TEST_KERNELS; do
	o=$(outdir "$k")
	t0=$(date +%s)
	if "$top/scripts/nvlf-build" --kver "$k" >"$T/build-$k.log" 2>&1; then
		ok "$k: ttm.ko and nouveau.ko build ($(( $(date +%s) - t0 ))s)"
	else
		not_ok "$k: ttm.ko and nouveau.ko build"
		tail -n 30 "$T/build-$k.log" | diag
		continue
	fi
	diag <"$o/nvlf-build.env"

	# --- ABI: the check passes, and fails when the ABI differs
	check "$k: abi-check: ttm.ko exports equal the distro's" \
		"$top/scripts/abi-check" "$k"
	sv=/lib/modules/$k/build/Module.symvers
	awk -F'\t' 'BEGIN { OFS = "\t" }
		$2 == "ttm_bo_vm_fault" { $1 = "0xdeadbeef" } { print }' "$sv" >"$T/crc.symvers"
	out=$("$top/scripts/abi-check" "$k" --symvers "$T/crc.symvers" 2>&1) && rc=0 || rc=$?
	check "$k: abi-check fails on a changed CRC and names the symbol" \
		test "$rc" = 1 -a -n "$(grep 'ttm_bo_vm_fault .*distro: 0xdeadbeef' <<<"$out")"
	grep -v $'\tttm_bo_vm_access\t' "$sv" >"$T/less.symvers"
	out=$("$top/scripts/abi-check" "$k" --symvers "$T/less.symvers" 2>&1) && rc=0 || rc=$?
	check "$k: abi-check fails on an export the distro lacks" \
		test "$rc" = 1 -a -n "$(grep 'ttm_bo_vm_access .*distro: (none)' <<<"$out")"
	check_fails "$k: abi-check without a module says how to build it" \
		"does not exist; fix: build it first \\(make KVER=" \
		"$top/scripts/abi-check" "$k" --ko "$T/none.ko"

	# --- modinfo: version and upstream source, in both modules; the
	# source is the linux-source package of the headers' very version
	hv=$(dpkg-query -W -f='${Version}' "linux-headers-$k")
	uv=$(make -s -C "/lib/modules/$k/build" kernelversion 2>/dev/null)
	want="Linux $uv from linux-source-${uv%.*} $hv"
	for m in ttm nouveau; do
		check "$k: $m.ko MODULE_VERSION is $version" \
			test "$(modinfo -F version "$o/$m.ko")" = "$version"
		up=$(modinfo -F nvlf_upstream "$o/$m.ko")
		check "$k: $m.ko records its upstream source ($up)" \
			test "$up" = "$want"
		check "$k: $m.ko vermagic is $k" \
			grep -q "^$k " <<<"$(modinfo -F vermagic "$o/$m.ko")"
	done

	# --- our code is what nouveau.ko and ttm.ko run
	nv=$o/nouveau.ko
	check "$k: nouveau.ko: the ioctl table references our nouveau_gem_ioctl_pushbuf" \
		test "$(relocs_to "$nv" nouveau_gem_ioctl_pushbuf)" -ge 1
	check "$k: nouveau.ko: upstream's handler is renamed and unreferenced" \
		test "$(defined "$nv" nvlf_upstream_gem_ioctl_pushbuf && relocs_to "$nv" nvlf_upstream_gem_ioctl_pushbuf)" = 0
	check "$k: nouveau.ko: our module init wraps upstream's" \
		defined "$nv" nvlf_upstream_init_module
	mod=$(sed -n 's/^NVLF_TREE=//p' "$o/nvlf-build.env")/ttm/ttm.mod
	check "$k: ttm.ko: linked from src/ttm_fault.o, without ttm_bo_vm.o" \
		test -n "$(grep -s 'src/ttm_fault\.o' "$mod")" -a -z "$(grep -s 'ttm_bo_vm\.o' "$mod")"

	# --- the probes see the API of each kernel (6.1: before every
	# tracked change; 6.12: after all of them)
	tree=$(sed -n 's/^NVLF_TREE=//p' "$o/nvlf-build.env")
	n_def=$(grep -c '^#define NVLF_HAVE_' "$tree/generated/nvlf_compat.h" || true)
	n_all=$(grep -c 'NVLF_HAVE_' "$tree/generated/nvlf_compat.h" || true)
	case $k in
	6.1.*) want=0 ;;
	6.12.*) want=$n_all ;;
	*) want='' ;;
	esac
	if [ -n "$want" ]; then
		check "$k: compile probes: $n_def of $n_all APIs found (want $want)" \
			test "$n_def" = "$want" -a "$n_all" -ge 6
	fi
done

# --- failures of the build itself, on a copy of the 6.12 source
k=6.12.117+deb12-amd64
tree=$(sed -n 's/^NVLF_TREE=//p' "$(outdir "$k")/nvlf-build.env" 2>/dev/null || true)
if [ -d "$tree/nouveau" ]; then
	b=$T/broken
	mkdir -p "$b/drivers/gpu/drm"
	cp -r "$tree/ttm" "$tree/nouveau" "$b/drivers/gpu/drm/"
	mv "$b/drivers/gpu/drm/nouveau/Kbuild.upstream" "$b/drivers/gpu/drm/nouveau/Kbuild"
	printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\n' >"$b/Makefile"

	cp "$b/drivers/gpu/drm/nouveau/nouveau_chan.h" "$T/chan.h"
	echo '#error deliberately broken' >>"$b/drivers/gpu/drm/nouveau/nouveau_chan.h"
	NVLF_CACHE=$T/cache check_fails "probes that cannot compile stop the build with one line" \
		"the compile probes cannot build against .* \\(canary_nouveau failed\\); see .*probe.log" \
		"$top/scripts/nvlf-build" --kver "$k" --ksrc "$b" --out "$T/o1"
	cp "$T/chan.h" "$b/drivers/gpu/drm/nouveau/nouveau_chan.h"

	# Break both modules: a failing sub-make waits for the other one.
	echo 'int nvlf_broken(void) { return }' >>"$b/drivers/gpu/drm/ttm/ttm_tt.c"
	echo '#error deliberately broken' >>"$b/drivers/gpu/drm/nouveau/nvif/object.c"
	out=$(NVLF_CACHE=$T/cache "$top/scripts/nvlf-build" --kver "$k" --ksrc "$b" --out "$T/o2" 2>&1) && rc=0 || rc=$?
	check "a compile error fails the build and points to the full log" \
		test "$rc" != 0 -a -n "$(grep -E '^nouveau-lockfix: building ttm.ko and nouveau.ko for .* failed; full log: .*build.log$' <<<"$out")"
	tail -n 3 <<<"$out" | diag
	check "a failed build leaves no modules in the output directory" \
		test ! -e "$T/o2/ttm.ko" -a ! -e "$T/o2/nouveau.ko"
	rm -rf "$b" "$T/cache"
else
	not_ok "build failure checks need the $k build tree"
fi
