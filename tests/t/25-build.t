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

tier_lines 6.1 6.12-deb12
T=$NVLF_TEST_TMP/build
rm -rf "$T"
mkdir -p "$T"
# the plan: a build per kernel of this machine's lines, then 20 points on
# the 6.12 build
# shellcheck disable=SC2086 # word list by design
tap_expect $(( $(wc -w <<<"$NVLF_TEST_KERNELS") + 20 ))

# Built from a make, as DKMS builds: the parent's MAKEFLAGS (-w with -C,
# the jobserver) reach nvlf-build and everything it runs.
# shellcheck disable=SC2016 # $(...) here are make's variables
printf 'build:\n\t"$(NVLF_BUILD)" --kver "$(KVER)"\n' >"$T/Makefile"
for k in $NVLF_TEST_KERNELS; do
	t0=$(date +%s)
	if make -C "$T" NVLF_BUILD="$top/scripts/nvlf-build" KVER="$k" >"$T/build-$k.log" 2>&1; then
		ok "$k: ttm.ko and nouveau.ko into out/$k, built from make as DKMS does"
	else
		not_ok "$k: ttm.ko and nouveau.ko into out/$k"
		tail -n 30 "$T/build-$k.log" | diag
	fi
	timing build "$k: nvlf-build into out/ (the cache warm from 20-lines)" $(( $(date +%s) - t0 ))
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
check_fails "a ttm_bo_vm.c export that ttm_fault.c lacks stops the build, named, before compiling" \
	"Linux $uv's ttm_bo_vm.c exports ttm_bo_vm_nvlf_new, which src/ttm_fault.c and src/ttm_vma.c do not provide" \
	build_b "$T/o0"
# before anything was compiled: the build log of its tree has no compiler
# line (the tree exists: the source was extracted to read its exports)
check "... before anything was compiled, no module" \
	sh -c "test -n \"\$(ls '$T'/cache/build/*/.nvlf-extracted 2>/dev/null)\" && ! grep -qs 'CC \[M\]' '$T'/cache/build/*/build.log && test ! -e '$T/o0/ttm.ko'"
rm -rf "$T/cache"

copy_source "$b"
cat >>"$b/drivers/gpu/drm/ttm/ttm_tt.c" <<'EOF'
int ttm_nvlf_extra(void);
int ttm_nvlf_extra(void) { return 0; }
EXPORT_SYMBOL(ttm_nvlf_extra);
EOF
check_fails "a ttm.ko whose exports differ fails the build in the ABI check, one line" \
	"ttm.ko for .* is not ABI-identical to the distro's \\(1 of [0-9]+ exports differ: ttm_nvlf_extra\\)" \
	build_b "$T/o1"
# the build log shows ttm compiled and linked, and not one nouveau object
# compiled (our own nouveau objects are compiled first, by design)
blog=$(find "$T/cache/build" -mindepth 2 -maxdepth 2 -name build.log 2>/dev/null | head -n 1)
n_ttm=$(grep -cs 'CC \[M\] .*ttm/ttm_' "${blog:-/nonexistent}" || true)
n_ttm=${n_ttm:-0}
n_nv=$(grep -s 'CC \[M\] .*nouveau/' "${blog:-/nonexistent}" | grep -vc '/nouveau/src/' || true)
check "... before nouveau was compiled ($n_ttm ttm objects compiled, $n_nv of nouveau's), and nothing left the build tree" \
	test -n "$blog" -a "$n_ttm" -ge 5 -a "$n_nv" = 0 -a ! -e "$T/o1/ttm.ko"
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
	read -r rc reused found lut <<<"$(reuse_build def '')"
	check "reuse: a definition added to lut.h: $reused objects reused, lut.o rebuilt, nouveau.ko has it" \
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
