# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Packaging, against Debian's real dkms, initramfs-tools, dpkg, lintian and
# rpmbuild, for kernels that are installed but not running:
#  - every failure a user can meet prints one line with the fix, exits
#    non-zero and leaves nothing installed;
#  - the DKMS lifecycle: install, uninstall (in-tree modules back), install
#    again, autoinstall for a second kernel, the -cloud flavour skipped,
#    signing with a configured key, removal; the initramfs follows;
#  - the .deb (dh-dkms): built, lintian-clean, installed for every installed
#    kernel, purged without leftovers;
#  - the RPM spec builds (rpmbuild -bs, -bb).
# The system is left as found: nouveau-lockfix not installed.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

tier_lines 6.1 6.12-deb12
cd "$top" || exit 2
P=$NVLF_TEST_TMP/packaging
rm -rf "$P"
mkdir -p "$P"
name=nouveau-lockfix
version=$(scripts/nvlf-version)
# This machine's kernel lines, resolved now (tests/kernels.sh); the -cloud
# kernel if the archive has one
K1=$(nvlf_kernel 6.12-deb12 amd64)
K2=$(nvlf_kernel 6.1 amd64)
KC=$(nvlf_kernel 6.12-deb12 cloud-amd64)
if [ -z "$K1" ] || [ -z "$K2" ]; then
	tap_expect 1
	not_ok "the kernels of this machine's lines resolve (6.12-deb12, 6.1)"
	done_testing
	exit 0
fi
# the plan: 41 points, 2 per kernel of this machine's lines, 6 on the
# -cloud kernel (1 when the archive has none)
n_cloud=1
[ -z "$KC" ] || n_cloud=6
tap_expect $(( 41 + 2 * $(wc -w <<<"$NVLF_TEST_KERNELS") + n_cloud ))
# re TEXT: TEXT as an extended regular expression that matches only it
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}
K1re=$(re "$K1")
K1v=$(dpkg-query -W -f='${Version}' "linux-headers-$K1" 2>/dev/null || apt-cache show "linux-headers-$K1" | sed -n 's/^Version: //p' | head -n 1)
K1u=${K1v%%-*}
# apt, as this test uses it, must not upgrade a linux-source package as a
# side effect of installing headers of the same source package
apt_nvlf() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-o APT::Get::Upgrade-By-Source-Package=false "$@"
}
testconf=/etc/dkms/framework.conf.d/nvlf-test.conf

clean_slate() {
	# --force-remove-reinstreq: also after a run interrupted inside dpkg
	dpkg --purge --force-remove-reinstreq nouveau-lockfix-dkms >/dev/null 2>&1 || true
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/$name-$version" "/etc/initramfs-tools/hooks/$name" "$testconf" \
		"/etc/kernel/header_postinst.d/$name"
}
# nothing_installed: no trace of the package in DKMS, /usr/src, /lib/modules
nothing_installed() {
	[ -z "$(dkms status -m "$name" 2>/dev/null)" ] &&
		[ ! -e "/usr/src/$name-$version" ] && [ ! -e "/var/lib/dkms/$name" ] &&
		[ -z "$(find /lib/modules/*/updates/dkms -name 'ttm.ko*' -o -name 'nouveau.ko*' 2>/dev/null)" ]
}
# ours KVER: modprobe would load our ttm and nouveau for KVER
ours() {
	[ -n "$(modinfo -k "$1" -F nvlf_upstream ttm 2>/dev/null)" ] &&
		[ -n "$(modinfo -k "$1" -F nvlf_upstream nouveau 2>/dev/null)" ] &&
		modinfo -k "$1" -F filename ttm | grep -q "/updates/dkms/"
}
# intree KVER: modprobe would load the distro's ttm and nouveau
intree() {
	modinfo -k "$1" -F filename ttm | grep -q "/kernel/drivers/gpu/drm/ttm/" &&
		modinfo -k "$1" -F filename nouveau | grep -q "/kernel/drivers/gpu/drm/nouveau/"
}
# initrd_matches KVER: the initramfs of KVER holds exactly the ttm.ko and
# nouveau.ko files modprobe resolves
initrd_matches() {
	local d=$P/initrd-$1 m f g
	rm -rf "$d"
	unmkinitramfs "/boot/initrd.img-$1" "$d" || return 1
	for m in ttm nouveau; do
		f=$(modinfo -k "$1" -F filename "$m")
		g=$(find "$d" -name "$m.ko*" | head -n 1)
		[ -n "$g" ] || { echo "no $m.ko in the initramfs of $1"; return 1; }
		# initramfs-tools may store modules decompressed
		[ "$(xz -dcf <"$f" | sha256sum)" = "$(xz -dcf <"$g" | sha256sum)" ] ||
			{ echo "$g ($(modinfo -F srcversion "$g")) differs from $f ($(modinfo -F srcversion "$f"))"; return 1; }
	done
}

clean_slate
# Leave the system as found even when this test is interrupted.
small_initramfs
trap 'clean_slate; small_initramfs_end; rmdir /lib/modules/6.12.0-nvlf-noheaders 2>/dev/null || true' EXIT
check "start: nothing of $name is installed" nothing_installed
# The -cloud flavour's headers (no nouveau there): for the "unsupported"
# message now, for the autoinstall skip later.
if [ -n "$KC" ] && ! apt_nvlf "linux-headers-$KC" >"$P/cloud0.log" 2>&1; then
	diag <"$P/cloud0.log"
fi

# --- failures: one line each, nothing left behind --------------------------
check_fails "make install for a kernel that is not installed" \
	"kernel 6\\.99\\.0-none is not installed \\(no /lib/modules/6\\.99\\.0-none\\); fix: install it, or name an installed one with KVER=" \
	make -s install KVER=6.99.0-none
mkdir -p /lib/modules/6.12.0-nvlf-noheaders
NVLF_NO_AUTO_DEPS=1 check_fails "make install without headers names the package" \
	"no kernel headers for 6\\.12\\.0-nvlf-noheaders; fix: apt-get install linux-headers-6\\.12\\.0-nvlf-noheaders$" \
	make -s install KVER=6.12.0-nvlf-noheaders
rmdir /lib/modules/6.12.0-nvlf-noheaders
NVLF_NO_AUTO_DEPS=1 NVLF_SRC_DIRS=/nonexistent check_fails \
	"make install without a matching source names the exact source package" \
	"no Linux $(re "$K1u") source for $K1re found; fix: apt-get install linux-source-$(re "${K1u%.*}=$K1v")" \
	make -s install KVER="$K1"
# the reason the kernel's own configuration gives
if [ -n "$KC" ]; then
	kc_ttm=$(sed -n 's/^CONFIG_DRM_TTM=//p' "/lib/modules/$KC/build/.config" 2>/dev/null)
	kc_nv=$(sed -n 's/^CONFIG_DRM_NOUVEAU=//p' "/lib/modules/$KC/build/.config" 2>/dev/null)
	check_fails "make install for the -cloud flavour says it is not supported, and why (its .config)" \
		"$(re "$KC") is not supported: it has CONFIG_DRM_TTM=${kc_ttm:-n} and CONFIG_DRM_NOUVEAU=${kc_nv:-n}, not both =m.*fix: name a kernel with both as modules" \
		make -s install KVER="$KC"
else
	skip_optional "this machine's 6.12 line has no -cloud kernel in the archive: no unsupported flavour to refuse"
fi
NVLF_NO_AUTO_DEPS=1 PATH=/usr/bin:/bin check_fails "make install without DKMS names the package" \
	"DKMS is not installed; fix: apt-get install dkms$" \
	make -s install KVER="$K1"
printf 'mok_signing_key="/nonexistent/nvlf.key"\nmok_certificate="/nonexistent/nvlf.der"\n' >"$testconf"
check_fails "make install with a configured signing key that is missing" \
	"the module signing key or certificate /nonexistent/nvlf.key set in $testconf does not exist.*mokutil --import" \
	make -s install KVER="$K1"
rm -f "$testconf"
check "after those failures nothing is installed" nothing_installed

# a build that fails inside DKMS is rolled back too
b=$P/broken
tree=$(sed -n 's/^NVLF_TREE=//p' "$(outdir "$K1")/nvlf-build.env" 2>/dev/null || true)
if [ -d "$tree/nouveau" ]; then
	mkdir -p "$b/drivers/gpu/drm"
	cp -r "$tree/ttm" "$tree/nouveau" "$b/drivers/gpu/drm/"
	mv "$b/drivers/gpu/drm/nouveau/Kbuild.upstream" "$b/drivers/gpu/drm/nouveau/Kbuild"
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
		"$(cut -d. -f1 <<<"$K1u")" "$(cut -d. -f2 <<<"$K1u")" "$(cut -d. -f3 <<<"$K1u")" >"$b/Makefile"
	echo 'int nvlf_broken(void) { return }' >>"$b/drivers/gpu/drm/ttm/ttm_tt.c"
	echo '#error deliberately broken' >>"$b/drivers/gpu/drm/nouveau/nvif/object.c"
	KSRC=$b NVLF_CACHE=$P/cache check_fails "a build that fails under DKMS: one line" \
		"dkms build for $K1re failed: building ttm.ko for $K1re failed: ttm/ttm_tt.c:[0-9]+:[0-9]+: error: .*; full log: .*; fix: see that log and /var/lib/dkms/nouveau-lockfix/.*/make.log" \
		make -s install KVER="$K1"
	check "... and it is rolled back: nothing installed" nothing_installed
else
	not_ok "the DKMS build-failure check needs the $K1 build tree (25-build.t)"
fi

# --- the lifecycle -----------------------------------------------------------
t0=$(date +%s)
check "make install KVER=$K1 (apt deps, dkms add/build/install, no --force)" \
	make -s install KVER="$K1"
check "$K1: modinfo -k shows our ttm and nouveau in updates/dkms" ours "$K1"
check "$K1: both carry version $version" \
	test "$(modinfo -k "$K1" -F version ttm)$(modinfo -k "$K1" -F version nouveau)" = "$version$version"
check "$K1: the initramfs holds exactly our ttm.ko and nouveau.ko" initrd_matches "$K1"
out=$(tools/nvlf-status --kver "$K1") && rc=0 || rc=$?
check "nvlf-status: installed for $K1 but not loaded (exit 1)" test "$rc" = 1
diag <<<"$out"
check "dkms uninstall -k $K1" dkms uninstall -m "$name" -v "$version" -k "$K1"
check "$K1: the in-tree modules are back" intree "$K1"
check "$K1: the initramfs holds the in-tree ttm.ko and nouveau.ko again" initrd_matches "$K1"
check "dkms install -k $K1 again" dkms install -m "$name" -v "$version" -k "$K1"
check "$K1: ours again" ours "$K1"
timing step "packaging: the DKMS lifecycle for $K1 (install, uninstall, install)" $(( $(date +%s) - t0 ))

# A kernel installed afterwards: its headers' postinst runs dkms autoinstall.
t0=$(date +%s)
apt_nvlf --reinstall "linux-headers-$K2" >"$P/k2.log" 2>&1 && rc=0 || rc=$?
check "installing another kernel's headers ($K2) runs autoinstall for it" \
	test "$rc" = 0
timing step "packaging: the headers of $K2 installed, DKMS autoinstall" $(( $(date +%s) - t0 ))
check "$K2: ours after autoinstall" ours "$K2"
check "$K2: the initramfs holds exactly our modules" initrd_matches "$K2"

# The -cloud flavour has no nouveau: skipped, without an error.
not_installed_for() {
	! dkms status -m "$name" -k "$1" | grep -q installed
}
if [ -n "$KC" ]; then
	apt_nvlf --reinstall "linux-headers-$KC" >"$P/cloud.log" 2>&1 && rc=0 || rc=$?
	check "installing -cloud headers succeeds (autoinstall does not fail)" test "$rc" = 0
	check "... with one line saying why $name is skipped there" \
		test "$(grep -cE "^nouveau-lockfix: skipping $(re "$KC"): it has CONFIG_DRM_TTM=${kc_ttm:-n} and CONFIG_DRM_NOUVEAU=${kc_nv:-n}" "$P/cloud.log")" = 1
	check "... and no DKMS error" test -z "$(grep -i 'error' "$P/cloud.log")"
	grep -E "dkms|$name" "$P/cloud.log" | diag
	check "... and nothing installed for $KC" not_installed_for "$KC"
fi

# Signing with a configured key (a throwaway pair).
openssl req -new -x509 -nodes -days 1 -subj "/CN=nvlf throwaway key/" \
	-newkey rsa:2048 -keyout "$P/mok.key" -outform DER -out "$P/mok.der" >/dev/null 2>&1
printf 'mok_signing_key="%s"\nmok_certificate="%s"\n' "$P/mok.key" "$P/mok.der" >"$testconf"
dkms remove -m "$name" -v "$version" -k "$K1" >/dev/null 2>&1
dkms install -m "$name" -v "$version" -k "$K1" >"$P/sign.log" 2>&1 && rc=0 || rc=$?
check "dkms install with the configured key" test "$rc" = 0
for m in ttm nouveau; do
	check "$K1: $m.ko is signed by the configured key" \
		test "$(modinfo -k "$K1" -F signer $m)" = "nvlf throwaway key"
done
rm -f "$testconf"

check "make uninstall: $name removed from DKMS" make -s uninstall
check "after make uninstall: in-tree modules for $K1" intree "$K1"
check "after make uninstall: in-tree modules for $K2" intree "$K2"
check "after make uninstall: the initramfs of $K1 holds the in-tree modules" initrd_matches "$K1"
check "after make uninstall: nothing installed" nothing_installed

# --- the Debian package --------------------------------------------------------
build_deb "$P/deb" && rc=0 || rc=$?
deb=$P/deb/$name-dkms_${version}_all.deb
check "dpkg-buildpackage makes $(basename "$deb")" test "$rc" = 0 -a -f "$deb"
[ "$rc" = 0 ] || tail -n 20 "$P/deb/deb.log" | diag
# lintian's status (lintian(1)): 0 nothing at its fail-on level (errors),
# 2 something at it, 1 lintian itself failed; a missing lintian is 127
rc=0
lintian "$deb" >"$P/lintian.log" 2>&1 || rc=$?
check "lintian: no errors (exit $rc)" test "$rc" = 0 -a -z "$(grep '^E:' "$P/lintian.log")"
diag <"$P/lintian.log"
# ... and it catches one: the same package without its copyright file
rm -rf "$P/deb-bad"
mkdir -p "$P/deb-bad"
rc=0
if dpkg-deb -R "$deb" "$P/deb-bad/root" 2>"$P/lintian-bad.log" &&
   rm -f "$P/deb-bad/root/usr/share/doc/$name-dkms/copyright" &&
   dpkg-deb -b "$P/deb-bad/root" "$P/deb-bad/bad.deb" >>"$P/lintian-bad.log" 2>&1; then
	lintian "$P/deb-bad/bad.deb" >>"$P/lintian-bad.log" 2>&1 || rc=$?
else
	rc=none
fi
check "lintian catches a package without its copyright file (exit $rc, E: no-copyright-file)" \
	test "$rc" = 2 -a -n "$(grep '^E: .*no-copyright-file' "$P/lintian-bad.log")"
t0=$(date +%s)
dpkg -i "$deb" >"$P/dpkg-i.log" 2>&1 && rc=0 || rc=$?
timing step "packaging: dpkg -i of the .deb, every kernel built" $(( $(date +%s) - t0 ))
check "dpkg -i builds and installs" test "$rc" = 0
[ "$rc" = 0 ] || tail -n 20 "$P/dpkg-i.log" | diag
for k in $NVLF_TEST_KERNELS; do
	check "the .deb installed ours for $k" ours "$k"
done
if [ -n "$KC" ]; then
	check "the .deb skipped $KC" not_installed_for "$KC"
fi
grep "^nouveau-lockfix:" "$P/dpkg-i.log" | diag
# Purging removes the build cache; keep a hard-linked copy to put back
# afterwards, so that the next make check stays warm.
cache=/var/cache/nouveau-lockfix/build
rm -rf "$P/cache-keep"
[ ! -d "$cache" ] || cp -al "$cache" "$P/cache-keep"
dpkg --purge "$name-dkms" >"$P/purge.log" 2>&1 && rc=0 || rc=$?
check "dpkg --purge" test "$rc" = 0
check "after purge, the build cache $cache is gone" test ! -e "$cache"
if [ -d "$P/cache-keep" ]; then
	mkdir -p "$(dirname "$cache")"
	mv "$P/cache-keep" "$cache"
fi
for k in $NVLF_TEST_KERNELS; do
	check "after purge, $k has its in-tree modules" intree "$k"
done
check "after purge, no tree under /var/lib/dkms and nothing installed" nothing_installed

# --- RPM ------------------------------------------------------------------------
r=$P/rpm
mkdir -p "$r/SOURCES"
git ls-files | tar -czf "$r/SOURCES/$name-$version.tar.gz" \
	--transform "s,^,$name-$version/," -T -
check "rpmbuild -bs" rpmbuild --define "_topdir $r" -bs "packaging/$name.spec"
check "rpmbuild -bb" rpmbuild --define "_topdir $r" -bb "packaging/$name.spec"
rpms=$(rpm -qlp "$r"/RPMS/noarch/dkms-"$name"-"$version"-*.noarch.rpm 2>/dev/null)
check "the RPM holds dkms.conf, the sources and nvlf-status" \
	test -n "$(grep -x "/usr/src/$name-$version/dkms.conf" <<<"$rpms")" -a \
	-n "$(grep -x "/usr/src/$name-$version/src/ttm_fault.c" <<<"$rpms")" -a \
	-n "$(grep -x /usr/bin/nvlf-status <<<"$rpms")"

# --- one version everywhere ------------------------------------------------------
check "dkms.conf, debian/changelog and the RPM spec agree on $version" \
	test "$(dpkg-parsechangelog -S Version)" = "$version" -a \
	"$(sed -n 's/^Version: *//p' packaging/$name.spec)" = "$version"

clean_slate

done_testing
