# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Source lookup (scripts/nvlf-source) and the checks nvlf-build makes
# before compiling anything, on fake headers, trees, tarballs and a fake
# dpkg database: every way to succeed and every error message, once each.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# One pass, no loop over what the machine has: 45 points.
tap_expect 45
src=$top/scripts/nvlf-source
build=$top/scripts/nvlf-build
T=$NVLF_TEST_TMP/source
rm -rf "$T"
mkdir -p "$T/usr/src" "$T/trees" "$T/bin"

# Fakes: dpkg-query and apt-cache answer from files we write.
cp "$top/tests/fake/dpkg-query" "$top/tests/fake/apt-cache" "$T/bin/"
export PATH="$T/bin:$PATH"
export FAKE_DPKG_DB=$T/dpkg.db FAKE_APT_VERSIONS='6.12.117-1~deb12u1'
export NVLF_MODDIR=$T/lib/modules NVLF_SRC_DIRS=$T/usr/src
unset KSRC

K=6.12.117+fake-amd64
Kre='6\.12\.117\+fake-amd64'	# $K as a regular expression
mkmakefile() { # mkmakefile FILE VERSION.PATCHLEVEL.SUBLEVEL
	local IFS=.
	# shellcheck disable=SC2086 # split on dots
	set -- "$1" $2
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
		"$2" "$3" "$4" >"$1"
}
mkheaders() { # mkheaders KVER VERSION DEBIAN_VERSION|-
	local h=$T/usr/src/linux-headers-$1
	rm -rf "$h" "${NVLF_MODDIR:?}/$1"
	mkdir -p "$h/include/generated" "$NVLF_MODDIR/$1"
	# Debian style: the arch Makefile includes the common one.
	mkdir -p "$h-common"
	mkmakefile "$h-common/Makefile" "$2"
	echo "include $h-common/Makefile" >"$h/Makefile"
	printf 'CONFIG_DRM_TTM=m\nCONFIG_DRM_NOUVEAU=m\n' >"$h/.config"
	: >"$h/Module.symvers"
	[ "$3" = - ] || echo "#define LINUX_PACKAGE_ID \" Debian $3\"" \
		>"$h/include/generated/package.h"
	ln -s "$h" "$NVLF_MODDIR/$1/build"
}
mktree() { # mktree DIR VERSION
	mkdir -p "$1/drivers/gpu/drm/ttm" "$1/drivers/gpu/drm/nouveau" \
		"$1/drivers/gpu/drm/i915"
	mkmakefile "$1/Makefile" "$2"
	echo 'ttm-y := ttm_bo_vm.o' >"$1/drivers/gpu/drm/ttm/Makefile"
	echo 'obj-m += nouveau.o' >"$1/drivers/gpu/drm/nouveau/Kbuild"
	echo 'nouveau' >"$1/drivers/gpu/drm/nouveau/nouveau_gem.c"
	echo 'not needed' >"$1/drivers/gpu/drm/i915/i915_drv.c"
	echo 'sub' >"$1/drivers/gpu/drm/Makefile"
}
mktarball() { # mktarball FILE TOPDIR VERSION
	rm -rf "$T/stage"
	mktree "$T/stage/$2" "$3"
	tar -C "$T/stage" -cJf "$1" "$2"
}

mkheaders "$K" 6.12.117 6.12.117-1~deb12u1
echo "$T/usr/src/linux-headers-$K linux-headers-$K 6.12.117-1~deb12u1" >"$FAKE_DPKG_DB"
mktree "$T/trees/good" 6.12.117
mktree "$T/trees/old" 6.12.111
mktarball "$T/trees/good.tar.xz" linux-6.12.117 6.12.117
mktarball "$T/trees/old.tar.xz" linux-6.12.111 6.12.111

# --- errors before any source is looked at
check_fails "no headers: names the headers package" \
	"no kernel headers for 6.9.9-none.*fix: apt-get install linux-headers-6.9.9-none$" \
	"$src" --kver 6.9.9-none resolve
mkheaders 6.12.0-broken 6.12.0 -
echo 'nothing here' >"$T/usr/src/linux-headers-6.12.0-broken-common/Makefile"
check_fails "unreadable headers Makefile: says how to reinstall" \
	"cannot read the kernel version.*apt-get install --reinstall linux-headers-6.12.0-broken" \
	"$src" --kver 6.12.0-broken resolve

# --- nothing matches
check_fails "no source at all: names the exact apt command and KSRC" \
	"no Linux 6.12.117 source for $Kre found; fix: apt-get install linux-source-6.12=6.12.117-1~deb12u1, or name a Linux 6.12.117 tree or tarball with KSRC=" \
	"$src" --kver "$K" resolve
FAKE_APT_VERSIONS='6.12.111-1~deb12u1' check_fails \
	"no source and not in the apt sources: says so, points to KSRC" \
	"linux-source-6.12 6.12.117-1~deb12u1 is not in your apt sources; fix: name a Linux 6.12.117 tree or tarball with KSRC=" \
	"$src" --kver "$K" resolve
mkheaders 6.12.117-selfbuilt 6.12.117 -
check_fails "no source, headers not from Debian: asks for KSRC only" \
	"no Linux 6.12.117 source for 6.12.117-selfbuilt found; fix: name a Linux 6.12.117 source tree or tarball with KSRC=/path$" \
	"$src" --kver 6.12.117-selfbuilt resolve
check_fails "package spec for non-Debian headers: refused" \
	"do not come from a Debian package; fix: name a Linux 6.12.117 source tree or tarball with KSRC=" \
	"$src" --kver 6.12.117-selfbuilt package
check "package spec for Debian headers is the exact source package" \
	test "$("$src" --kver "$K" package)" = "linux-source-6.12=6.12.117-1~deb12u1"

# --- the distro source package: mismatch, then match
mktarball "$T/usr/src/linux-source-6.12.tar.xz" linux-source-6.12 6.12.111
echo "$T/usr/src/linux-source-6.12.tar.xz linux-source-6.12 6.12.111-1~deb12u1" >>"$FAKE_DPKG_DB"
check_fails "source package of another version: names both and the fix" \
	"linux-source-6.12 is 6.12.111-1~deb12u1 but the headers of $Kre \\(linux-headers-$Kre\\) are 6.12.117-1~deb12u1; fix: apt-get install linux-source-6.12=6.12.117-1~deb12u1" \
	"$src" --kver "$K" resolve
mktarball "$T/usr/src/linux-source-6.12.tar.xz" linux-source-6.12 6.12.117
sed -i 's/ linux-source-6.12 6.12.111-1~deb12u1$/ linux-source-6.12 6.12.117-1~deb12u1/' "$FAKE_DPKG_DB"
out=$("$src" --kver "$K" resolve 2>&1) || true
check "matching source package is found and described" \
	grep -q "^NVLF_SRC_DESC=linux-source-6.12\\\\ 6.12.117-1~deb12u1$" <<<"$out"
printf '%s\n' "$out" | diag
check "source package extracts" "$src" --kver "$K" extract "$T/x-deb"
check "extraction holds ttm, nouveau and the top Makefile" \
	test -f "$T/x-deb/drivers/gpu/drm/ttm/Makefile" -a \
	-f "$T/x-deb/drivers/gpu/drm/nouveau/nouveau_gem.c" -a -f "$T/x-deb/Makefile"
check "extraction holds nothing else (one pass, only what the build needs)" \
	test ! -e "$T/x-deb/drivers/gpu/drm/i915" -a ! -e "$T/x-deb/drivers/gpu/drm/Makefile"

# --- /lib/modules/KVER/source, when it is a full tree, comes before /usr/src
ln -s "$T/trees/good" "$NVLF_MODDIR/$K/source"
check "/lib/modules/KVER/source is used when it is a full tree" \
	grep -q "^NVLF_SRC_KIND=tree" <<<"$("$src" --kver "$K" resolve)"
rm "$NVLF_MODDIR/$K/source"
mkdir "$NVLF_MODDIR/$K/source"
check "/lib/modules/KVER/source is skipped when it is not a full tree" \
	grep -q "^NVLF_SRC_KIND=tarball" <<<"$("$src" --kver "$K" resolve)"

# --- KSRC: the user's tree or tarball comes first
check "KSRC tree that matches: used" \
	grep -q "^NVLF_SRC_PATH=$T/trees/good$" <<<"$("$src" --kver "$K" --ksrc "$T/trees/good" resolve)"
check "KSRC tree extracts" "$src" --kver "$K" --ksrc "$T/trees/good" extract "$T/x-tree"
check "KSRC= in the environment works like --ksrc" \
	grep -q "^NVLF_SRC_KIND=tarball" <<<"$(KSRC=$T/trees/good.tar.xz "$src" --kver "$K" resolve)"
check "KSRC tarball that matches: extracts" \
	"$src" --kver "$K" --ksrc "$T/trees/good.tar.xz" extract "$T/x-tar"
check_fails "KSRC that does not exist" \
	"KSRC=$T/nope does not exist; fix: point KSRC at a Linux 6.12.117 source tree or tarball" \
	"$src" --kver "$K" --ksrc "$T/nope" resolve
mkdir -p "$T/trees/empty"
check_fails "KSRC directory that is no kernel tree" \
	"KSRC=$T/trees/empty is not a kernel source tree.*fix: point KSRC at a Linux 6.12.117 tree or tarball" \
	"$src" --kver "$K" --ksrc "$T/trees/empty" resolve
echo x >"$T/trees/notes.txt"
check_fails "KSRC file that is no tarball" \
	"KSRC=$T/trees/notes.txt is neither a directory nor a .tar.\\{xz,gz,bz2,zst\\} tarball" \
	"$src" --kver "$K" --ksrc "$T/trees/notes.txt" resolve
check_fails "KSRC tree of another version: refused before building" \
	"KSRC=$T/trees/old is Linux 6.12.111 but $Kre was built from Linux 6.12.117; fix: apt-get install linux-source-6.12=6.12.117-1~deb12u1, or name a Linux 6.12.117 tree or tarball with KSRC=" \
	"$src" --kver "$K" --ksrc "$T/trees/old" extract "$T/x-old"
check_fails "KSRC tarball of another version: refused" \
	"KSRC=$T/trees/old.tar.xz is Linux 6.12.111 but $Kre was built from Linux 6.12.117" \
	"$src" --kver "$K" --ksrc "$T/trees/old.tar.xz" extract "$T/x-old"
check "a refused extraction leaves nothing behind" \
	test ! -e "$T/x-old" -a -z "$(ls -d "$T"/x-old.tmp.* 2>/dev/null)"
rm -rf "$T/stage" && mkdir -p "$T/stage/linux-x/drivers/gpu/drm/ttm"
echo 'ttm-y := ttm_bo_vm.o' >"$T/stage/linux-x/drivers/gpu/drm/ttm/Makefile"
mkmakefile "$T/stage/linux-x/Makefile" 6.12.117
tar -C "$T/stage" -cJf "$T/trees/partial.tar.xz" linux-x
check_fails "KSRC tarball without nouveau: refused" \
	"KSRC=$T/trees/partial.tar.xz has no drivers/gpu/drm/nouveau; fix: name a complete Linux 6.12.117 source with KSRC=" \
	"$src" --kver "$K" --ksrc "$T/trees/partial.tar.xz" extract "$T/x-partial"
rm -rf "$T/stage" && mktree "$T/stage/linux-y" 6.12.117 && rm "$T/stage/linux-y/Makefile"
tar -C "$T/stage" -cJf "$T/trees/nomakefile.tar.xz" linux-y
check_fails "KSRC tarball without a top-level Makefile: refused" \
	"KSRC=$T/trees/nomakefile.tar.xz has no readable top-level Makefile" \
	"$src" --kver "$K" --ksrc "$T/trees/nomakefile.tar.xz" extract "$T/x-nomf"
head -c "$(( $(stat -c %s "$T/trees/good.tar.xz") / 2 ))" "$T/trees/good.tar.xz" \
	>"$T/trees/truncated.tar.xz"
check_fails "KSRC tarball that is truncated: says it cannot extract" \
	"cannot extract $T/trees/truncated.tar.xz" \
	"$src" --kver "$K" --ksrc "$T/trees/truncated.tar.xz" extract "$T/x-trunc"

# --- nvlf-build refuses early, with the same one-line messages
check_fails "build without headers: names the headers package" \
	"no kernel headers for 6.9.9-none.*apt-get install linux-headers-6.9.9-none" \
	"$build" --kver 6.9.9-none --out "$T/o"
rm "$T/usr/src/linux-headers-$K/.config"
check_fails "build with headers lacking .config" \
	"the headers of $Kre have no .config.*apt-get install --reinstall linux-headers-$Kre" \
	"$build" --kver "$K" --out "$T/o"
mkheaders 6.12.117+fake-cloud-amd64 6.12.117 6.12.117-1~deb12u1
printf 'CONFIG_DRM_TTM=m\n# CONFIG_DRM_NOUVEAU is not set\n' \
	>"$T/usr/src/linux-headers-6.12.117+fake-cloud-amd64/.config"
rc=0
msg=$("$build" --kver 6.12.117+fake-cloud-amd64 --out "$T/o" 2>&1) || rc=$?
check "a kernel without CONFIG_DRM_NOUVEAU=m is skipped with status 3" test "$rc" = 3
check "... and one clear line" \
	grep -qx "nouveau-lockfix: skipping 6.12.117+fake-cloud-amd64: it has CONFIG_DRM_TTM=m and CONFIG_DRM_NOUVEAU=n, not both =m (nothing to replace)" <<<"$msg"
printf '%s\n' "$msg" | diag
check "nothing was built or cached for it" test ! -e "$T/o"

# --- a kernel line no probe has seen: refused before any source is
# extracted (its build cache stays empty), with the lines known and the
# override
for v in 7.99.1 5.4.280; do
	mkheaders "$v+fake-amd64" "$v" "$v-1"
	rm -rf "$T/cache"
	NVLF_CACHE=$T/cache check_fails "Linux ${v%.*}: refused as outside the kernel lines known, with the override" \
		"$v\+fake-amd64 is Linux ${v%.*}, outside the kernel lines this version knows \(5\.10, 6\.1, .*7\.3\), so our probes do not cover its API; fix: .*NVLF_UNTESTED_KERNEL=1$" \
		"$build" --kver "$v+fake-amd64" --out "$T/o"
	check "... before any source was extracted: nothing in its build cache, nothing built" \
		test ! -e "$T/o" -a -z "$(ls -A "$T/cache" 2>/dev/null)"
done
rc=0
NVLF_UNTESTED_KERNEL=1 "$top/scripts/nvlf-buildable" "7.99.1+fake-amd64" 2>"$T/untested.err" || rc=$?
check "NVLF_UNTESTED_KERNEL=1 lets it past the line check (to the source lookup: status $rc)" \
	sh -c "! grep -q 'outside the kernel lines' '$T/untested.err' && test $rc = 2"
mkheaders 6.6.60+fake-amd64 6.6.60 6.6.60-1
rc=0
"$top/scripts/nvlf-buildable" "6.6.60+fake-amd64" 2>"$T/between.err" || rc=$?
check "a series between two known lines (6.6) is not refused as unknown" \
	sh -c "! grep -q 'outside the kernel lines' '$T/between.err'"

# --- a Debian flavour its line does not list (5.10's -rt kernel is built
# from a patched source): refused with status 4 and the override; the
# line's own flavour and a flavour Debian does not have are not
for f in rt-amd64 amd64 custom; do
	mkheaders "5.10.262+fake-$f" 5.10.262 5.10.262-1
done
rc=0
"$top/scripts/nvlf-buildable" "5.10.262+fake-rt-amd64" 2>"$T/flavour.err" || rc=$?
check "5.10's rt-amd64 flavour: refused with status 4 ($rc)" test "$rc" = 4
check "... in one line that names the flavour to use and the override" \
	grep -qx "nouveau-lockfix: 5.10.262+fake-rt-amd64 is the rt-amd64 flavour of Linux 5.10, which this version does not support there .*; fix: use the amd64 flavour, or try anyway with NVLF_UNTESTED_KERNEL=1" "$T/flavour.err"
diag <"$T/flavour.err"
for f in amd64 custom; do
	rc=0
	"$top/scripts/nvlf-buildable" "5.10.262+fake-$f" 2>"$T/flavour.err" || rc=$?
	check "5.10's $f flavour is not refused for its flavour (status $rc)" \
		sh -c "! grep -q 'flavour' '$T/flavour.err'"
done

# A tree that cannot be read: a tar that fails to archive it stands in
# for an unreadable file (root reads everything).
mkdir -p "$T/badtar"
cat >"$T/badtar/tar" <<'TAR'
#!/bin/sh
[ "$1" = -cf ] && { echo "tar: ./drivers: Cannot open: Permission denied" >&2; exit 2; }
exec /bin/tar "$@"
TAR
chmod +x "$T/badtar/tar"
PATH="$T/badtar:$PATH" check_fails "KSRC tree that cannot be read: says so" \
	"cannot copy the ttm and nouveau sources from $T/trees/good \\(tar: ./drivers: Cannot open: Permission denied\\); fix: check that the tree is readable" \
	"$src" --kver "$K" --ksrc "$T/trees/good" extract "$T/x-unreadable"


# The package version is read in one place (scripts/nvlf-version); the
# packaging files that must state it too agree with it.
v=$("$top/scripts/nvlf-version")
check "version $v: packaging/nouveau-lockfix.spec and debian/changelog agree with dkms.conf" \
	sh -c "grep -qx 'Version: *$v' '$top/packaging/nouveau-lockfix.spec' && head -n 1 '$top/debian/changelog' | grep -q '^nouveau-lockfix ($v)'"
sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION=""/' "$top/dkms.conf" >"$T/dkms.conf"
check_fails "nvlf-version: a dkms.conf without PACKAGE_VERSION is refused, named" \
	"no PACKAGE_VERSION=.* line in $T/dkms.conf" "$top/scripts/nvlf-version" "$T"

done_testing
