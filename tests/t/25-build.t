# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The build itself, beyond what 20-lines.t sees through DKMS: our modules
# for this machine's kernels into out/ (the bench and lockdep tiers use
# them; the build cache is warm from 20-lines.t), and each way the build
# stops: the ABI check (on a changed CRC, a missing export, a GPL flag),
# inside the build before nouveau is compiled; an export of ttm_bo_vm.c we
# do not provide; probes that cannot compile; compiler errors, named in the
# one line.  Then the reuse of an earlier build's objects: an object whose
# header changed is rebuilt, and the naive reuse (an object's own source
# compared, nothing else) is shown to ship a stale object.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

T=$NVLF_TEST_TMP/build
rm -rf "$T"
mkdir -p "$T"

# Built from a make, as DKMS builds: the parent's MAKEFLAGS (-w with -C,
# the jobserver) reach nvlf-build and everything it runs.
# shellcheck disable=SC2016 # $(...) here are make's variables
printf 'build:\n\t"$(NVLF_BUILD)" --kver "$(KVER)"\n' >"$T/Makefile"
for k in $NVLF_TEST_KERNELS; do
	t0=$(date +%s)
	if make -C "$T" NVLF_BUILD="$top/scripts/nvlf-build" KVER="$k" >"$T/build-$k.log" 2>&1; then
		ok "$k: ttm.ko and nouveau.ko into out/$k, built from make as DKMS does ($(( $(date +%s) - t0 ))s)"
	else
		not_ok "$k: ttm.ko and nouveau.ko into out/$k"
		tail -n 30 "$T/build-$k.log" | diag
	fi
done

# --- the ABI check: passes on our build, fails on any difference
k=$(nvlf_kernel 6.12-deb12 amd64)
o=$(outdir "$k")
sv=/lib/modules/$k/build/Module.symvers
check "$k: abi-check: ttm.ko exports equal the distro's" "$top/scripts/abi-check" "$k"
# abi_fails DESC SYMVERS REGEX_DETAIL SYMBOL: status 1, the details on
# stdout, one line on stderr that names SYMBOL
abi_fails() {
	local rc=0
	"$top/scripts/abi-check" "$k" --symvers "$2" >"$T/abi.out" 2>"$T/abi.err" || rc=$?
	check "$1" test "$rc" = 1 -a -n "$(grep -E "$3" "$T/abi.out")" \
		-a "$(wc -l <"$T/abi.err")" = 1 -a -n "$(grep "^nouveau-lockfix: ttm.ko for .* is not ABI-identical.*$4" "$T/abi.err")"
	diag <"$T/abi.err"
}
awk -F'\t' 'BEGIN { OFS = "\t" } $2 == "ttm_bo_vm_fault" { $1 = "0xdeadbeef" } { print }' "$sv" >"$T/crc.symvers"
abi_fails "$k: abi-check fails on a changed CRC, one line names the symbol" \
	"$T/crc.symvers" 'ttm_bo_vm_fault .*distro: 0xdeadbeef' ttm_bo_vm_fault
grep -v $'\tttm_bo_vm_access\t' "$sv" >"$T/less.symvers"
abi_fails "$k: abi-check fails on an export the distro lacks" \
	"$T/less.symvers" 'ttm_bo_vm_access .*distro: \(none\)' ttm_bo_vm_access
awk -F'\t' 'BEGIN { OFS = "\t" } $2 == "ttm_bo_vm_reserve" { $4 = "EXPORT_SYMBOL_GPL" } { print }' "$sv" >"$T/gpl.symvers"
abi_fails "$k: abi-check fails on an export the distro has GPL-only" \
	"$T/gpl.symvers" 'ttm_bo_vm_reserve .*distro: .*EXPORT_SYMBOL_GPL' ttm_bo_vm_reserve
check_fails "$k: abi-check without a module says how to build it" \
	"does not exist; fix: build it first \\(make KVER=" \
	"$top/scripts/abi-check" "$k" --ko "$T/none.ko"

# 7.x: no CRCs (no MODVERSIONS), GPL flags in __kflagstab: on the ttm.ko
# 20-lines.t installed in the trixie chroot, and that kernel's symvers
d7=$(find "$NVLF_TEST_TMP/lines/abi" -maxdepth 1 -name "7.*-amd64" 2>/dev/null | sort | head -n 1)
if [ -n "$d7" ] && [ -f "$d7/ttm.ko" ] && [ -f "$d7/Module.symvers" ]; then
	k7=$(basename "$d7")
	check "$k7: abi-check passes without CRCs (a kernel without MODVERSIONS)" \
		"$top/scripts/abi-check" "$k7" --ko "$d7/ttm.ko" --symvers "$d7/Module.symvers"
	g=$(awk -F'\t' '$3 == "drivers/gpu/drm/ttm/ttm" && $4 == "EXPORT_SYMBOL_GPL" { print $2; exit }' "$d7/Module.symvers")
	awk -F'\t' -v g="$g" 'BEGIN { OFS = "\t" } $2 == g { $4 = "EXPORT_SYMBOL" } { print }' \
		"$d7/Module.symvers" >"$T/7gpl.symvers"
	rc=0
	"$top/scripts/abi-check" "$k7" --ko "$d7/ttm.ko" --symvers "$T/7gpl.symvers" >"$T/abi7.out" 2>&1 || rc=$?
	check "$k7: abi-check reads the GPL flag of $g from __kflagstab" \
		test "$rc" = 1 -a -n "$(grep "^  $g .*ours: .*EXPORT_SYMBOL_GPL" "$T/abi7.out")"
else
	skip "abi-check without CRCs: no 7.x ttm.ko from tests/t/20-lines.t"
fi

# --- failures of the build itself, on copies of the 6.12 source -------------
tree=$(sed -n 's/^NVLF_TREE=//p' "$o/nvlf-build.env" 2>/dev/null || true)
if [ ! -d "$tree/nouveau" ]; then
	not_ok "the build failure checks need the $k build tree"
	exit 0
fi

# --- nouveau's fault handler: the calls that may touch a freed BO are ours
# mended GEM_O: nouveau_gem.o calls our two functions, not upstream's two
mended() {
	local u
	u=$(nm -u "$1" | awk '{ print $2 }')
	grep -qx nvlf_nouveau_fault_reserved <<<"$u" &&
		grep -qx nvlf_nouveau_lru_after_fault <<<"$u" &&
		! grep -qx -e ttm_bo_vm_fault_reserved -e nouveau_bo_add_io_reserve_lru <<<"$u"
}
not_mended() {
	! mended "$1"
}
check "$k: nouveau_ttm_fault() calls nvlf_nouveau_fault_reserved(), which updates the LRU only while the BO is reserved" \
	mended "$tree/nouveau/nouveau_gem.o"
# naive: nouveau_gem.o compiled as upstream has it must fail the same check
cp "$tree/nouveau/nouveau_gem.o" "$T/nouveau_gem.o.ours"
if make -C "/lib/modules/$k/build" M="$tree" nouveau/nouveau_gem.o >"$T/gem-upstream.log" 2>&1; then
	check "$k: the check catches upstream's handler (LRU update after a retry that dropped the BO)" \
		not_mended "$tree/nouveau/nouveau_gem.o"
else
	not_ok "$k: nouveau_gem.o compiles as upstream has it"
	tail -n 20 "$T/gem-upstream.log" | diag
fi
make -C "/lib/modules/$k/build" M="$tree" NVLF_MEND_FAULT=1 nouveau/nouveau_gem.o >>"$T/gem-upstream.log" 2>&1 ||
	cp "$T/nouveau_gem.o.ours" "$tree/nouveau/nouveau_gem.o"
uv=$(sed -n 's/^NVLF_UPSTREAM_VERSION=//p' "$o/nvlf-build.env")
# copy_source DIR: the 6.12 source of $k as a KSRC tree
copy_source() {
	rm -rf "$1"
	mkdir -p "$1/drivers/gpu/drm"
	(cd "$tree" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' ttm nouveau) | tar -xf - -C "$1/drivers/gpu/drm"
	mv "$1/drivers/gpu/drm/nouveau/Kbuild.upstream" "$1/drivers/gpu/drm/nouveau/Kbuild"
	rm -f "$1/drivers/gpu/drm/ttm/Kbuild"
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
		"$(cut -d. -f1 <<<"$uv")" "$(cut -d. -f2 <<<"$uv")" "$(cut -d. -f3 <<<"$uv")" >"$1/Makefile"
}
b=$T/src
build_b() { # OUT: build $k from $b in a cache of its own
	NVLF_CACHE=$T/cache "$top/scripts/nvlf-build" --kver "$k" --ksrc "$b" --out "$1"
}

copy_source "$b"
echo 'EXPORT_SYMBOL(ttm_bo_vm_nvlf_new);' >>"$b/drivers/gpu/drm/ttm/ttm_bo_vm.c"
t0=$(date +%s)
check_fails "a ttm_bo_vm.c export that ttm_fault.c lacks stops the build, named, before compiling" \
	"Linux $uv's ttm_bo_vm.c exports ttm_bo_vm_nvlf_new, which src/ttm_fault.c and src/ttm_vma.c do not provide" \
	build_b "$T/o0"
check "... within a minute ($(( $(date +%s) - t0 ))s), no module" test "$(( $(date +%s) - t0 ))" -lt 60 -a ! -e "$T/o0/ttm.ko"

copy_source "$b"
cat >>"$b/drivers/gpu/drm/ttm/ttm_tt.c" <<'EOF'
int ttm_nvlf_extra(void);
int ttm_nvlf_extra(void) { return 0; }
EXPORT_SYMBOL(ttm_nvlf_extra);
EOF
t0=$(date +%s)
check_fails "a ttm.ko whose exports differ fails the build in the ABI check, one line" \
	"ttm.ko for .* is not ABI-identical to the distro's \\(1 of [0-9]+ exports differ: ttm_nvlf_extra\\)" \
	build_b "$T/o1"
check "... before nouveau was compiled ($(( $(date +%s) - t0 ))s), and nothing left the build tree" \
	test -z "$(grep -s 'CC \[M\] .*nouveau/nv' "$T"/cache/build/*/build.log)" -a ! -e "$T/o1/ttm.ko"
rm -rf "$T/cache"

copy_source "$b"
echo '#error deliberately broken' >>"$b/drivers/gpu/drm/nouveau/nouveau_chan.h"
check_fails "probes that cannot compile stop the build with one line" \
	"the compile probes cannot build against .* \\(canary_nouveau failed\\); see .*probe.log" \
	build_b "$T/o2"
rm -rf "$T/cache"

copy_source "$b"
echo 'int nvlf_broken(void) { return }' >>"$b/drivers/gpu/drm/ttm/ttm_tt.c"
check_fails "a compile error in ttm: the one line has the first compiler error" \
	"^nouveau-lockfix: building ttm.ko for .* failed: ttm/ttm_tt.c:[0-9]+:[0-9]+: error: .*; full log: .*build.log$" \
	build_b "$T/o3"
check "a failed build leaves no modules in the output directory" test ! -e "$T/o3/ttm.ko" -a ! -e "$T/o3/nouveau.ko"
rm -rf "$T/cache"

copy_source "$b"
echo '#error deliberately broken' >>"$b/drivers/gpu/drm/nouveau/nvif/object.c"
check_fails "a compile error in nouveau: the one line has the first compiler error" \
	"^nouveau-lockfix: building ttm.ko and nouveau.ko for .* failed: nouveau/nvif/object.c:[0-9]+:[0-9]+: error: #error deliberately broken; full log: .*build.log$" \
	build_b "$T/o4"
rm -rf "$T/cache"

# --- reuse: an earlier build's objects, and only the right ones --------------
# The donor is this kernel's build tree (hard links, in a cache of the test's
# own); the new source differs in dispnv50/lut.h, which dispnv50/lut.c
# includes:
#  def      a definition is added: lut.o must be rebuilt (nouveau.ko has it);
#           the two naive reuses must ship the stale lut.o instead: the one
#           that compares an object's own source only, and the one that takes
#           any addition to a header for harmless;
#  proto    a prototype of a function nothing calls is added: lut.o is
#           reused (a declaration makes no code);
#  called   a prototype of a function lut.c calls is added: lut.o is rebuilt.
# reuse_build CASE NAIVE: build the changed source, print "STATUS REUSED"
reuse_build() {
	local mark="nvlf-reuse-$1-$2-$$"
	rm -rf "$T/cache"
	mkdir -p "$T/cache/build"
	cp -al "$tree" "$T/cache/build/"
	copy_source "$b"
	case $1 in
	def)
		printf '#ifndef NVLF_REUSE_MARK\n#define NVLF_REUSE_MARK\nstatic const char nvlf_reuse_mark[] __used = "%s";\n#endif\n' \
			"$mark" >>"$b/drivers/gpu/drm/nouveau/dispnv50/lut.h"
		;;
	proto)
		echo 'int nvlf_reuse_nobody_calls_this(struct nv50_lut *lut, int n);' \
			>>"$b/drivers/gpu/drm/nouveau/dispnv50/lut.h"
		;;
	called)
		# nv50_lut_fini is lut.c's own function: an identical, legal
		# redeclaration of a function lut.c names
		echo 'void nv50_lut_fini(struct nv50_lut *);' \
			>>"$b/drivers/gpu/drm/nouveau/dispnv50/lut.h"
		;;
	esac
	rc=0
	NVLF_KEEP_TREES=1 NVLF_REUSE_NAIVE=$2 build_b "$T/o-$1-$2" >"$T/reuse-$1-$2.log" 2>&1 || rc=$?
	found=$(strings "$T/o-$1-$2/nouveau.ko" 2>/dev/null | grep -c "$mark" || true)
	# lut.o compiled by this build: not in the donor's own log (a copy)
	lut=$(find "$T/cache/build" -mindepth 2 -maxdepth 2 -name build.log \
		! -path "$T/cache/build/$(basename "$tree")/*" -exec cat {} + 2>/dev/null |
		grep -c 'CC \[M\] .*/dispnv50/lut\.o$' || true)
	reused=$(sed -n 's/^reuse: \([0-9]*\) of.*/\1/p' "$T/reuse-$1-$2.log")
	echo "$rc ${reused:-0} $found $lut"
}
if [ -f "$tree/.nvlf-reuse/meta" ] && [ -f "$tree/nouveau/dispnv50/lut.o" ] &&
   grep -qx 'void nv50_lut_fini(struct nv50_lut \*);' "$tree/nouveau/dispnv50/lut.h"; then
	t0=$(date +%s)
	read -r rc reused found lut <<<"$(reuse_build def '')"
	check "reuse: a definition added to lut.h: $reused objects reused, lut.o rebuilt, nouveau.ko has it ($(( $(date +%s) - t0 ))s)" \
		test "$rc" = 0 -a "$reused" -gt 100 -a "$found" -ge 1 -a "$lut" = 1
	read -r rc reused found lut <<<"$(reuse_build def 1)"
	check "naive reuse (own source only) is caught: nouveau.ko lacks the definition" \
		test "$rc" = 0 -a "$found" = 0
	read -r rc reused found lut <<<"$(reuse_build def benign)"
	check "naive reuse (any header addition harmless) is caught: nouveau.ko lacks the definition" \
		test "$rc" = 0 -a "$found" = 0
	read -r rc reused found lut <<<"$(reuse_build proto '')"
	check "reuse: a prototype nothing calls added to lut.h: lut.o reused too ($reused objects)" \
		test "$rc" = 0 -a "$lut" = 0 -a "$reused" -gt 100
	read -r rc reused found lut <<<"$(reuse_build called '')"
	check "reuse: a prototype of a function lut.c names added to lut.h: lut.o rebuilt" \
		test "$rc" = 0 -a "$lut" = 1
	rm -rf "$T/cache"
else
	not_ok "reuse: the $k build tree has no reuse record, no dispnv50/lut.o or no nv50_lut_fini prototype"
fi

done_testing
