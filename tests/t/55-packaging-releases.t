# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The DKMS lifecycle on Debian 13 (trixie, dkms 3.2) and Debian 11
# (bullseye, dkms 2.8), in the chroots that tests/t/20-lines.t installed
# into (their build caches are warm; 20-lines.t covered the first install,
# the autoinstall of a new kernel with its point-release rebuild, the
# -cloud skip and make uninstall).  In each:
#  - install again after uninstall; dkms uninstall and install of one
#    kernel; the in-tree ttm.ko and nouveau.ko go to DKMS's original_module
#    while ours are installed and come back (dkms 3.1 and later do that
#    themselves), or stay where they are under kernel/ (dkms 2.8 leaves
#    them there on Debian); the initramfs follows each step;
#  - the .deb: on Debian 11 built there as its packager builds it
#    (dpkg-buildpackage, with the dh_dkms of dkms 2.8: there is no dh-dkms
#    package), elsewhere the one built on this machine (arch all, as
#    tests/t/50-packaging.t builds it);
#    installed, it builds for every kernel with headers and skips the
#    -cloud one in one line; purged, nothing stays.
# Nothing here touches this machine's DKMS or packages, nor anything of
# tests/t/50-packaging.t's, so the two run at the same time (each spends
# most of its time in one dpkg, DKMS or initramfs process):
# tests/run: alongside 50-packaging.t
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

rel=$top/tests/release
name=nouveau-lockfix
version=$("$top/scripts/nvlf-version")
clone=/root/$name
tap_expect 0

# lifecycle R: the points above in release R
lifecycle() {
	local r=$1 P=$NVLF_TEST_TMP/packaging-$1 kernels k kk dv deb rc t0 cloud
	rm -rf "$P"
	mkdir -p "$P"
	if ! "$rel/root" "$r" run test -d "$clone" </dev/null 2>/dev/null; then
		tap_expect 1
		not_ok "$r: the chroot of tests/t/20-lines.t is there (run it first)"
		return 0
	fi
	inrel() {
		"$rel/root" "$r" run bash -c "cd $clone && $*" </dev/null
	}
	# The kernels that have headers there, and one to play with.
	kernels=$(inrel "ls /lib/modules" | while read -r kk; do
		inrel "test -e /lib/modules/$kk/build/Makefile" && echo "$kk"
	done)
	k=$(printf '%s\n' "$kernels" | grep -- '-amd64$' | grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -n 1)
	cloud=$(printf '%s\n' "$kernels" | grep -- '-cloud-amd64$' | sort -V | tail -n 1)
	if [ -z "$k" ]; then
		tap_expect 1
		not_ok "$r: a kernel with headers to install for"
		return 0
	fi
	diag <<<"$r: kernels with headers: $(echo "$kernels" | paste -sd ' ')"
	# the plan: 19 points, 2 per kernel with headers (not -cloud)
	tap_expect $(( 19 + 2 * $(printf '%s\n' "$kernels" | grep -v -e '-cloud-' -e '^$' | wc -l) ))
	# shellcheck disable=SC2016 # a dpkg-query format
	dv=$(inrel "dpkg-query -W -f='\${Version}' dkms")
	# ours KVER / intree KVER: what modprobe resolves in the chroot
	ours() {
		inrel "modinfo -k $1 -F filename ttm nouveau | grep -c /updates/dkms/ | grep -qx 2 && test -n \"\$(modinfo -k $1 -F nvlf_upstream ttm)\""
	}
	intree() {
		inrel "modinfo -k $1 -F filename ttm | grep -q /kernel/drivers/gpu/drm/ttm/ && modinfo -k $1 -F filename nouveau | grep -q /kernel/drivers/gpu/drm/nouveau/"
	}
	# aside KVER: where the in-tree modules are while ours are installed:
	# in DKMS's original_module (dkms >= 3.1), else still under kernel/
	aside() {
		if dpkg --compare-versions "$dv" ge 3.1; then
			inrel "ls /var/lib/dkms/$name/original_module/$1/x86_64/ttm.ko* /var/lib/dkms/$name/original_module/$1/x86_64/nouveau.ko*" >/dev/null 2>&1
		else
			inrel "ls /lib/modules/$1/kernel/drivers/gpu/drm/ttm/ttm.ko* /lib/modules/$1/kernel/drivers/gpu/drm/nouveau/nouveau.ko* && test ! -e /var/lib/dkms/$name/original_module" >/dev/null 2>&1
		fi
	}
	# initrd KVER: the initramfs holds the ttm.ko modprobe resolves
	initrd() {
		inrel "d=\$(mktemp -d) && unmkinitramfs /boot/initrd.img-$1 \$d && f=\$(find \$d -name 'ttm.ko*' | head -n 1) && test -n \"\$f\" && g=\$(modinfo -k $1 -F filename ttm) && test \"\$(xz -dcf <\$f | sha256sum)\" = \"\$(xz -dcf <\$g | sha256sum)\"; rc=\$?; rm -rf \$d; exit \$rc"
	}

	check "$r: start: $name is not in DKMS (20-lines.t uninstalled it)" inrel "test -z \"\$(dkms status -m $name)\""
	t0=$(date +%s)
	check "$r: make install KVER=$k again after make uninstall" inrel "make -s install KVER=$k"
	timing step "packaging in $r: make install KVER=$k again" $(( $(date +%s) - t0 ))
	check "$r: $k: ours" ours "$k"
	if dpkg --compare-versions "$dv" ge 3.1; then
		check "$r: $k: the in-tree modules are kept in DKMS's original_module (dkms $dv)" aside "$k"
	else
		check "$r: $k: the in-tree modules stay under kernel/, no original_module (dkms $dv)" aside "$k"
	fi
	check "$r: $k: the initramfs holds our ttm.ko" initrd "$k"
	check "$r: dkms uninstall -k $k" inrel "dkms uninstall -m $name -v $version -k $k"
	check "$r: $k: the in-tree modules are back" intree "$k"
	check "$r: $k: the initramfs holds the in-tree ttm.ko again" initrd "$k"
	check "$r: dkms install -k $k again" inrel "dkms install -m $name -v $version -k $k"
	check "$r: $k: ours again" ours "$k"
	check "$r: make uninstall" inrel "make -s uninstall"
	check "$r: after make uninstall: the in-tree modules for $k" intree "$k"
	check "$r: after make uninstall: nothing under /var/lib/dkms" inrel "test ! -e /var/lib/dkms/$name"

	# --- the .deb -------------------------------------------------------------------
	deb=/tmp/deb/$name-dkms_${version}_all.deb
	case " ${NVLF_DEB_BUILT_IN:-bullseye} " in
	*" $r "*)
		rc=0
		inrel "apt-get install -y -qq --no-install-recommends build-essential dpkg-dev debhelper >/dev/null && rm -rf /tmp/deb && mkdir -p /tmp/deb && cp -r $clone /tmp/deb/$name-$version && cd /tmp/deb/$name-$version && dpkg-buildpackage -us -uc -b" \
			>"$P/deb.log" 2>&1 || rc=$?
		check "$r: dpkg-buildpackage makes $(basename "$deb") there" \
			test "$rc" = 0 -a -n "$(inrel "ls $deb" 2>/dev/null)"
		if [ "$rc" != 0 ]; then
			tail -n 20 "$P/deb.log" | diag
			return 0
		fi
		;;
	*)
		local hdeb
		hdeb=$P/deb/$(basename "$deb")
		mkdir -p "$P/deb"
		rc=0
		build_deb "$P/deb" || rc=$?
		check "$r: dpkg-buildpackage makes $(basename "$deb") on this machine" \
			test "$rc" = 0 -a -f "$hdeb"
		if [ "$rc" != 0 ]; then
			tail -n 20 "$P/deb/deb.log" | diag
			return 0
		fi
		# shellcheck disable=SC2016 # expanded by the inner shell
		"$rel/root" "$r" host sh -c 'mkdir -p "$NVLF_ROOT/tmp/deb" && cp "$0" "$NVLF_ROOT$1"' "$hdeb" "$deb" </dev/null
		;;
	esac
	t0=$(date +%s)
	rc=0
	inrel "dpkg -i $deb" >"$P/dpkg-i.log" 2>&1 || rc=$?
	timing step "packaging in $r: dpkg -i of the .deb, every kernel built" $(( $(date +%s) - t0 ))
	check "$r: dpkg -i builds and installs" test "$rc" = 0
	[ "$rc" = 0 ] || tail -n 20 "$P/dpkg-i.log" | diag
	grep "^nouveau-lockfix:" "$P/dpkg-i.log" | diag
	for kk in $kernels; do
		case $kk in *-cloud-*) continue ;; esac
		# What to expect, from dpkg rather than from the code under test:
		# the installed linux-source-X.Y is of its headers' version or not
		# (20-lines.t's point-release upgrade left the older ABI without
		# its source)
		# shellcheck disable=SC2016 # dpkg-query formats
		hv=$(inrel "dpkg-query -W -f='\${Version}' linux-headers-$kk")
		# shellcheck disable=SC2016 # dpkg-query formats
		sv=$(inrel "dpkg-query -W -f='\${Version}' linux-source-$(cut -d. -f1,2 <<<"$kk")" 2>/dev/null)
		if [ -n "$hv" ] && [ "$hv" = "$sv" ]; then
			check "$r: the .deb installed ours for $kk (its source $sv is there)" ours "$kk"
		else
			check "$r: the .deb skipped $kk, whose linux-source moved on ($sv, its headers $hv), saying so" \
				grep -q "^nouveau-lockfix: skipped $kk: linux-source-.* is .* but the headers of $kk .*; fix: apt-get install linux-source-" "$P/dpkg-i.log"
		fi
	done
	if [ -n "$cloud" ]; then
		check "$r: the .deb skipped $cloud (no nouveau) in one line" \
			grep -q "^nouveau-lockfix: skipped $cloud: .*CONFIG_DRM_NOUVEAU=n" "$P/dpkg-i.log"
	else
		skip_optional "$r: no -cloud kernel has headers here (the archive has none for its lines): no skip to show"
	fi
	# Purging removes the build cache; keep a hard-linked copy to put back
	# afterwards, so that the next make check stays warm.
	cache=/var/cache/nouveau-lockfix
	inrel "rm -rf $cache/keep && cp -al $cache/build $cache/keep"
	rc=0
	inrel "dpkg --purge $name-dkms" >"$P/purge.log" 2>&1 || rc=$?
	check "$r: dpkg --purge" test "$rc" = 0
	check "$r: after purge, the build cache $cache/build is gone" inrel "test ! -e $cache/build"
	inrel "mv $cache/keep $cache/build"
	for kk in $kernels; do
		case $kk in *-cloud-*) continue ;; esac
		check "$r: after purge, $kk has its in-tree modules" intree "$kk"
	done
	check "$r: after purge, nothing under /var/lib/dkms and nothing in DKMS" \
		inrel "test ! -e /var/lib/dkms/$name && test -z \"\$(dkms status -m $name)\""
}

# the releases whose lines this run tests (all, or those of NVLF_LINES)
for r in ${NVLF_PACKAGING_RELEASES:-trixie bullseye}; do
	if [ -n "${NVLF_LINES:-}" ] && [ -z "$("$rel/lines" list |
		awk -v r="$r" -v l=" $NVLF_LINES " '$3 == r && index(l, " " $1 " ")')" ]; then
		echo "# $r: none of its lines is in NVLF_LINES ($NVLF_LINES): another job's"
		continue
	fi
	lifecycle "$r"
done

done_testing
