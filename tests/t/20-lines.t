# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Every kernel line of scripts/kernel-lines, the way its users get it.
# Each line resolves now to its newest ABI with an exact linux-source
# package (tests/release/lines).  In that line's own Debian release (this
# machine for its own release, a cached chroot for the others:
# tests/release/root), with that release's compiler, dkms and packages:
#
#  - `make install KVER=...` from a clean clone, as a user runs it: it
#    installs the headers and the exact source package, builds through
#    DKMS (the ABI check inside the build) and installs;
#  - for the point-release lines (trixie's 6.12 with dkms 3.2, bullseye's
#    5.10 with dkms 2.8): installed for the ABI before the newest first,
#    then one `apt-get install` of the newest image, headers and source:
#    DKMS's autoinstall rebuilds (on 6.12 reusing what did not change, in
#    at most a minute), and the older kernel keeps its modules;
#  - the installed modules: ours (version, upstream source, vermagic, the
#    ioctl table and module init bound to our code), the probe results the
#    probes' "lines:" tags promise for that series;
#  - the test driver and the test programs build there;
#  - that release's kernel image boots in QEMU with what the install put in
#    place: a TTM display driver (bochs, or qxl where bochs left TTM) runs
#    through our ttm.ko and its faults through ttm_fault.c, nouveau loads
#    ours cleanly; the fault-path, bad-input and reproducer tests pass with
#    the test driver;
#  - the -cloud flavour: installing its headers does not fail DKMS;
#  - `make uninstall`: the in-tree modules come back (with dkms 3.1 and
#    later from DKMS's original_module), nothing stays under /var/lib/dkms,
#    and the same guest with them fails every "it is ours" check.
# The results go to $NVLF_TEST_TMP/lines/results (tests/release/table makes
# the README's table of them).  NVLF_LINES="7.2 7.3" runs only those lines.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

L=$NVLF_TEST_TMP/lines
rm -rf "$L"
mkdir -p "$L"
small_initramfs
trap small_initramfs_end EXIT
rel=$top/tests/release
name=nouveau-lockfix
version=$("$top/scripts/nvlf-version")
# The lines whose point-release upgrade is tested, at most one per
# release: 6.12-deb13 (with reuse, timed) and 5.10 (dkms 2.8's autoinstall;
# its trees do not reuse, see scripts/nvlf-build).
upgrade_lines=${NVLF_UPGRADE_LINES:-6.12-deb13 5.10}
reuse_line=6.12-deb13
# The guests' checks that only our modules pass.
ours_re='ttm srcversion|ttm version|nvlf_ttm faults counter|nouveau srcversion|nouveau version|nouveau publishes|nvlf-status says'

# --- which kernels ------------------------------------------------------------
# A release's lines resolve there (tests/release/lines asks its apt): this
# machine's at once; the others' in the background, each with its chroot
# (debootstrap, a minute or two cold) and its kernel images, while this
# machine's lines build.
lines=${NVLF_LINES:-$("$rel/lines" list | awk '{ print $1 }' | paste -sd ' ')}
# shellcheck disable=SC2086 # word list by design
releases=$("$rel/lines" list | awk -v l=" $lines " 'index(l, " " $1 " ") { print $3 }' | awk '!seen[$0]++')
# lines_of R: the lines under test that release R carries
lines_of() {
	"$rel/lines" list | awk -v l=" $lines " -v r="$1" 'index(l, " " $1 " ") && $3 == r { print $1 }' | paste -sd ' '
}
# resolve_release R: R ready to install into; the kernels of its lines in
# $L/kernels-R, the ABI before the newest for its line whose upgrade is
# tested in $L/previous-R; the seconds it took in $L/resolved-R
resolve_release() {
	local r=$1 rl u t=$SECONDS
	rl=$(lines_of "$r")
	"$rel/root" "$r" prepare || return 1
	# shellcheck disable=SC2086 # word list by design
	"$rel/lines" resolve $rl >"$L/kernels-$r.new" || return 1
	: >"$L/previous-$r"
	for u in $upgrade_lines; do
		case " $rl " in
		*" $u "*) "$rel/lines" previous "$u" >>"$L/previous-$r" || return 1 ;;
		esac
	done
	echo $((SECONDS - t)) >"$L/resolved-$r"
	mv "$L/kernels-$r.new" "$L/kernels-$r"
}
# release_resolved R: R's point for it; its kernels join $L/kernels and
# $L/previous
release_resolved() {
	local what
	what="$1: its kernel lines ($(lines_of "$1")) resolve to kernels with their exact source"
	if [ ! -f "$L/kernels-$1" ]; then
		not_ok "$what"
		return 1
	fi
	ok "$what ($(cat "$L/resolved-$1")s)"
	diag <"$L/kernels-$1"
	cat "$L/kernels-$1" >>"$L/kernels"
	cat "$L/previous-$1" >>"$L/previous"
}
: >"$L/kernels"
: >"$L/previous"
for r in $releases; do
	"$rel/root" "$r" is-host || continue
	resolve_release "$r" >"$L/resolve-$r.log" 2>&1 || true
	release_resolved "$r" || diag <"$L/resolve-$r.log"
done
# upgrade_of R: the line of release R whose upgrade is tested, or nothing
upgrade_of() {
	awk '{ print $1; exit }' "$L/previous-$1"
}
# newest_of R: the newest generic kernel of that line
newest_of() {
	awk -v l="$(upgrade_of "$1")" '$1 == l && $2 == "amd64" { print $3 }' "$L/kernels-$1"
}

# --- helpers ------------------------------------------------------------------
# inrel R COMMAND: run a shell command in release R, in its clean clone
inrel() {
	local r=$1
	shift
	"$rel/root" "$r" run bash -c "cd $(clone_in "$r") && $*" </dev/null
}
clone_in() {
	if "$rel/root" "$1" is-host; then echo "$L/clone"; else echo /root/$name; fi
}
# relcp R FROM TO: copy FROM (a path in release R, globs allowed) to TO here
relcp() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	"$rel/root" "$1" host sh -c 'cp -L -r "$NVLF_ROOT"$0 "$1"' "$2" "$3" </dev/null
}
# relput R FROM TO: copy FROM (here) to TO in release R, replacing it
relput() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	"$rel/root" "$1" host sh -c 'rm -rf "$NVLF_ROOT$1" && cp -a "$0" "$NVLF_ROOT$1"' "$2" "$3" </dev/null
}
# relfile R PATH: copy PATH of release R to $L/files/R/PATH, print the copy
relfile() {
	local dst=$L/files/$1$2
	mkdir -p "$(dirname "$dst")"
	relcp "$1" "$2" "$dst" 2>/dev/null || return 1
	echo "$dst"
}
# unko FILE: the module, decompressed, next to it
unko() {
	case $1 in
	*.xz) xz -dc "$1" >"${1%.xz}" ;;
	*.zst) zstd -dcq "$1" >"${1%.zst}" ;;
	esac
	echo "${1%.[xz][zs]*}"
}
relocs_to() {
	readelf -rW "$1" | awk -v s="$2" '$5 == s { n++ } END { print n + 0 }'
}
defined() {
	readelf -sW "$1" | awk -v s="$2" '$8 == s && $7 != "UND" { f = 1 } END { exit !f }'
}
# boot R KVER MODE [ARGS]: a guest of the release's kernel
# (tests/release/boot: numbered TAP, relayed with tap_relay); R empty: only
# its run stage, which needs no release
boot() {
	local r=$1 k=$2 mode=$3
	shift 3
	if [ -z "$r" ]; then
		"$rel/boot" --kver "$k" --mode "$mode" --progs /nonexistent \
			--work "$L/guest" --name "$k $mode" "$@" </dev/null
		return
	fi
	"$rel/root" "$r" host "$rel/boot" --kver "$k" --mode "$mode" \
		--progs "$L/progs-$r" --work "$L/guest" --name "$k $mode" "$@" </dev/null
}
# re TEXT: TEXT as an extended regular expression that matches only it
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}
result() { # LINE FLAVOUR KVER FIELD VALUE
	echo "$1	$2	$3	$4	$5" >>"$L/results"
}

# check_installed R LINE FLAVOUR KVER VERSION: our modules are what modprobe
# resolves for KVER in R, and they are ours
check_installed() {
	local r=$1 l=$2 f=$3 k=$4 v=$5 ttm nv mk uv want
	check "$k: DKMS has $name $version installed" \
		inrel "$r" "dkms status -m $name -v $version -k $k | grep -q ': installed'"
	mk=$(relfile "$r" "/var/lib/dkms/$name/$version/$k/x86_64/log/make.log") || mk=/dev/null
	check "$k: the ABI check ran inside the DKMS build and passed" \
		grep -q "^abi-check: $k: ttm.ko exports [0-9]* symbols, each with the distro's" "$mk"
	grep '^abi-check\|^reuse' "$mk" | diag
	result "$l" "$f" "$k" abi "$(sed -n 's/^abi-check: [^ ]*: ttm.ko exports \([0-9]*\) symbols.*/\1 exports/p' "$mk")$(grep -q 'no symbol CRCs' "$mk" && echo ', no CRCs (no MODVERSIONS)' || echo ', CRCs equal')"
	if ! ttm=$(relfile "$r" "$("$rel/root" "$r" run modinfo -k "$k" -F filename ttm </dev/null)") ||
	   ! nv=$(relfile "$r" "$("$rel/root" "$r" run modinfo -k "$k" -F filename nouveau </dev/null)"); then
		not_ok "$k: modinfo finds ttm and nouveau"
		return
	fi
	check "$k: modprobe would load ttm and nouveau from updates/dkms" \
		test -n "$("$rel/root" "$r" run modinfo -k "$k" -F filename ttm nouveau | grep -c /updates/dkms/ | grep -x 2)"
	ttm=$(unko "$ttm") nv=$(unko "$nv")
	# for tests/t/25-build.t's ABI checks of other kernels' formats
	mkdir -p "$L/abi/$k"
	cp "$ttm" "$L/abi/$k/ttm.ko"
	relcp "$r" "/lib/modules/$k/build/Module.symvers" "$L/abi/$k/" 2>/dev/null || true
	uv=${v%%-*}
	want="Linux $uv from linux-source-${uv%.*} $v"
	for m in "$ttm" "$nv"; do
		check "$k: $(basename "$m") MODULE_VERSION is $version" test "$(modinfo -F version "$m")" = "$version"
		check "$k: $(basename "$m") records its upstream source ($want)" \
			test "$(modinfo -F nvlf_upstream "$m")" = "$want"
		check "$k: $(basename "$m") vermagic is $k" grep -q "^$k " <<<"$(modinfo -F vermagic "$m")"
	done
	check "$k: nouveau.ko: the ioctl table references our nouveau_gem_ioctl_pushbuf" \
		test "$(relocs_to "$nv" nouveau_gem_ioctl_pushbuf)" -ge 1
	check "$k: nouveau.ko: upstream's handler is renamed and unreferenced" \
		test "$(defined "$nv" nvlf_upstream_gem_ioctl_pushbuf && relocs_to "$nv" nvlf_upstream_gem_ioctl_pushbuf)" = 0
	check "$k: nouveau.ko: our module init wraps upstream's" defined "$nv" nvlf_upstream_init_module
	check "$k: ttm.ko: the fault path is ttm_fault.c's (its nvlf_ttm_stats table is in it)" \
		test -n "$(readelf -sW "$ttm" | awk '$8 == "nvlf_ttm_stats"')"
}

# probes R KVER: the probe results on KVER are what the probes' "lines:"
# tags say for its series
check_probes() {
	local r=$1 k=$2 tree hdr series bad='' p def want got
	if ! tree=$(inrel "$r" "sed -n 's/^NVLF_TREE=//p' /tmp/nvlf-out/$k/nvlf-build.env") ||
	   ! hdr=$(relfile "$r" "$tree/generated/nvlf_compat.h"); then
		not_ok "$k: probe results found"
		return
	fi
	series=$(sed -n 's/^#define NVLF_UPSTREAM "Linux \([0-9]*\.[0-9]*\)\..*/\1/p' \
		"$(relfile "$r" "$tree/generated/nvlf_build.h")")
	for p in "$top"/scripts/probes/*.c; do
		def=$(sed -n 's/^ \* define: *\([A-Z0-9_]*\).*/\1/p' "$p")
		[ -n "$def" ] || continue
		want=no got=no
		grep -q "^ \* lines:.* $series\( \|$\)" <<<"$(sed 's/lines:/lines: /' "$p")" && want=yes
		grep -q "^#define $def 1" "$hdr" && got=yes
		[ "$want" = "$got" ] || bad="$bad $def(want $want, got $got)"
	done
	check "$k: each probe's result is what its lines: tag says for $series${bad:+:$bad}" test -z "$bad"
	# our code is our own: no run of lines shared with the files of this
	# series that it replaces (00-lint.t checks 6.1 and 6.12 already)
	case " $provenance_done " in *" $series "*) return ;; esac
	provenance_done="$provenance_done $series"
	if up1=$(relfile "$r" "$tree/ttm/ttm_bo_vm.c") && up2=$(relfile "$r" "$tree/nouveau/nouveau_gem.c"); then
		check "Linux $series: src/ shares no run of 6 lines with its ttm_bo_vm.c and nouveau_gem.c" \
			"$top/tests/no-upstream-copy" "$top"/src/*.c -- "$up1" "$up2"
	fi
}
provenance_done='6.1 6.12'

# The kernel images of the other releases go in (in the background) while
# this machine's lines build, at the priority of a build that shares the
# CPUs with a guest: the first ones are needed twenty minutes later, and
# this machine's first build (apt, its source, its probes) is on the
# critical path.
# prep_images R: R's base has the kernel images its users have installed
# (the point-release line's newest generic one comes later, by apt-get),
# and a fresh session
prep_images() {
	local r=$1 rk prev newest='' target imgs='' k
	rk=$(awk '$2 != "cloud-amd64" { print $3 }' "$L/kernels-$r")
	prev=$(awk '{ print $3 }' "$L/previous-$r")
	[ -z "$prev" ] || newest=$(newest_of "$r")
	target=$("$rel/lines" list | awk -v r="$r" '$3 == r { print $4 }' | tr , '\n' | grep -m1 backports || true)
	for k in $rk $prev; do
		[ "$k" = "$newest" ] || imgs="$imgs $k"
	done
	# shellcheck disable=SC2086 # word list by design
	"$rel/root" "$r" images ${target:+-t "$target"} $imgs && "$rel/root" "$r" reset
}
# prep_release R: all of R's preparation, in the background
prep_release() {
	renice -n 10 -p "$BASHPID" >/dev/null
	resolve_release "$1" && prep_images "$1"
}
for r in $releases; do
	"$rel/root" "$r" is-host && continue
	bg_start "release-$r" prep_release "$r" >"$L/images-$r.log" 2>&1
done

# Guests boot in the background while the next kernel builds: a build
# leaves about a third of the two CPUs idle (apt, extraction, probes,
# linking, compression, depmod, initramfs), a guest takes one or two.
# The builds run at a lower priority meanwhile, so that the guests' timing
# checks keep their CPU.  One guest job at a time.
guest_job='' guest_pid=''
# guests_start LINE FLAVOUR KVER: boot the prepared ours and faults guests
guests_start() {
	(
		rc=0
		boot "" "$3" ours --stage run >"$L/ours-$3.tap" || rc=$?
		echo "$rc" >"$L/ours-$3.rc"
		rc=0
		boot "" "$3" faults --stage run >"$L/faults-$3.tap" || rc=$?
		echo "$rc" >"$L/faults-$3.rc"
	) &
	guest_pid=$! guest_job="$1 $2 $3"
}
# guests_collect: wait for the guest job, relay its test points, judge it
guests_collect() {
	local l f k rc rc2 nf np
	[ -n "$guest_job" ] || return 0
	wait "$guest_pid" || true
	read -r l f k <<<"$guest_job"
	guest_job=''
	rc=$(cat "$L/ours-$k.rc" 2>/dev/null || echo 2)
	rc2=$(cat "$L/faults-$k.rc" 2>/dev/null || echo 2)
	tap_relay "" <"$L/ours-$k.tap"
	check "$k: guest with the installed modules passed" test "$rc" = 0
	tap_relay "" <"$L/faults-$k.tap"
	check "$k: fault-path, bad-input and reproducer guest passed" test "$rc2" = 0
	nf=$(cat "$L/ours-$k.tap" "$L/faults-$k.tap" | grep -c '^not ok' || true)
	np=$(cat "$L/ours-$k.tap" "$L/faults-$k.tap" | grep -c '^ok' || true)
	if [ "$nf" = 0 ] && [ "$rc" = 0 ] && [ "$rc2" = 0 ]; then
		result "$l" "$f" "$k" guest "passed ($np points)"
	else
		result "$l" "$f" "$k" guest "FAILED ($nf of $((np + nf)) points)"
	fi
}
# lowprio COMMAND...: a command (or function) at a lower CPU priority
# while a guest job runs
lowprio() {
	if [ -z "$guest_job" ]; then
		"$@"
		return
	fi
	(renice -n 10 -p "$BASHPID" >/dev/null && "$@")
}

# --- each release, this machine's first ----------------------------------------
while read -r r; do
	host=''
	"$rel/root" "$r" is-host && host=1
	# The release's kernels, and their images as its users have them
	# installed.
	t0=$(date +%s)
	if [ -n "$host" ]; then
		[ -f "$L/kernels-$r" ] || continue
	else
		rc=0
		bg_wait "release-$r" || rc=$?
		if ! release_resolved "$r"; then
			diag <"$L/images-$r.log"
			continue
		fi
		if [ "$rc" != 0 ]; then
			not_ok "$r: kernel images installed"
			diag <"$L/images-$r.log"
			continue
		fi
	fi
	rk=$(awk -v r="$r" '$5 == r && $2 != "cloud-amd64" { print $3 }' "$L/kernels")
	cloud=$(awk -v r="$r" '$5 == r && $2 == "cloud-amd64" { print $3 }' "$L/kernels")
	prev=''
	newest=''
	if [ -n "$(upgrade_of "$r")" ]; then
		prev=$(awk -v r="$r" '$5 == r { print $3 }' "$L/previous")
		newest=$(newest_of "$r")
	fi
	# A clean clone: what git tracks, nothing built.
	rm -rf "$L/clone"
	mkdir -p "$L/clone"
	(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$L/clone")
	[ -n "$host" ] || relput "$r" "$L/clone" "/root/$name"
	ok "$r: ready: kernel images, a clean clone ($(( $(date +%s) - t0 ))s)"

	first=1
	while read -r l f k v _ _; do
		[ "$f" != cloud-amd64 ] || continue
		t0=$(date +%s)
		if [ "$k" = "$newest" ]; then
			# The point release: installed for the ABI before, then one
			# apt-get run brings the new image, headers and source.
			read -r _ _ k0 v0 _ < <(awk -v r="$r" '$5 == r' "$L/previous")
			# timed alone: no guest job beside it
			guests_collect
			s0=$(date +%s)
			if lowprio inrel "$r" "make install KVER=$k0" >"$L/install-$k0.log" 2>&1; then
				ok "$k0: make install KVER=$k0 ($(( $(date +%s) - s0 ))s)"
			else
				not_ok "$k0: make install KVER=$k0"
				tail -n 20 "$L/install-$k0.log" | diag
			fi
			series=$(cut -d. -f1,2 <<<"$k")
			s0=$(date +%s)
			if lowprio inrel "$r" "apt-get install -y --no-install-recommends linux-image-$k linux-headers-$k linux-source-$series=$v" \
				>"$L/upgrade-$k.log" 2>&1; then
				ok "$k: one apt-get install of its image, headers and linux-source-$series ($v0 -> $v) ($(( $(date +%s) - s0 ))s)"
			else
				not_ok "$k: one apt-get install of its image, headers and linux-source-$series"
				tail -n 30 "$L/upgrade-$k.log" | diag
			fi
			grep -E 'nouveau-lockfix|Autoinstall' "$L/upgrade-$k.log" | diag
			mk=$(relfile "$r" "/var/lib/dkms/$name/$version/$k/x86_64/log/make.log") || mk=/dev/null
			secs=$(sed -n 's/^# elapsed time: \([0-9]*\):\([0-9]*\):\([0-9]*\)$/\1 \2 \3/p' "$mk" |
				awk '{ print $1 * 3600 + $2 * 60 + $3 }')
			reuse=$(sed -n 's/^reuse: //p' "$mk")
			# dkms 2.8 logs no elapsed time, only the build's start (line 2)
			mk_start=$(sed -n 2p "$mk")
			mk_start=$( [ -n "$mk_start" ] && date -d "$mk_start" +%s 2>/dev/null || echo 0)
			check "$k: DKMS's autoinstall rebuilt it in the same apt run (${secs:-?}s; reuse: ${reuse:-none})" \
				test -n "$secs" -o "$mk_start" -ge "$s0"
			if [ "$l" = "$reuse_line" ]; then
				check "$k: the point-release rebuild took at most ${NVLF_REBUILD_TARGET:-60}s (${secs:-?}s)" \
					test "${secs:-9999}" -le "${NVLF_REBUILD_TARGET:-60}"
			fi
			check "$k0: keeps its modules after the upgrade" \
				inrel "$r" "dkms status -m $name -v $version -k $k0 | grep -q ': installed'"
			# Its source has moved on: make install for it says how to get
			# the matching source back, and changes nothing.
			check_fails "$k0: make install now names the source it needs, replaces nothing" \
				"$(re "$k0") needs linux-source-$(re "$series $v0"), and linux-source-$(re "$series $v") is installed .*; fix: apt-get install linux-source-$(re "$series=$v0"), then rerun" \
				inrel "$r" "make -s install KVER=$k0"
			check "$k0: still has its modules, and linux-source-$series is still $v" \
				inrel "$r" "dkms status -m $name -v $version -k $k0 | grep -q ': installed' && test \"\$(dpkg-query -W -f='\${Version}' linux-source-$series)\" = '$v'"
			reused=${reuse%% from *}
			result "$l" "$f" "$k" build "DKMS autoinstall after $k0, ${secs:+${secs}s, }${reused:-no objects} reused"
		else
			if lowprio inrel "$r" "make install KVER=$k" >"$L/install-$k.log" 2>&1; then
				ok "$k: make install KVER=$k ($(( $(date +%s) - t0 ))s)"
				result "$l" "$f" "$k" build "make install, $(( $(date +%s) - t0 ))s"
			else
				not_ok "$k: make install KVER=$k"
				tail -n 20 "$L/install-$k.log" | diag
				result "$l" "$f" "$k" build FAILED
				continue
			fi
			diag <"$L/install-$k.log"
		fi
		result "$l" "$f" "$k" release "$r"
		# shellcheck disable=SC2016 # a dpkg-query format
		result "$l" "$f" "$k" dkms "dkms $("$rel/root" "$r" run dpkg-query -W -f='${Version}' dkms </dev/null | sed 's/-.*//')"
		result "$l" "$f" "$k" source "linux-source-$(cut -d. -f1,2 <<<"$k") $v"
		check_installed "$r" "$l" "$f" "$k" "$v"

		# The test programs (once per release) and the test driver.
		if [ -n "$first" ]; then
			first=''
			if [ -z "$host" ]; then
				inrel "$r" "apt-get install -y -qq --no-install-recommends libdrm-dev pkg-config" \
					>"$L/progs-$r.log" 2>&1 || true
			fi
			if inrel "$r" "rm -rf /tmp/nvlf-progs && make -s -C tests/prog O=/tmp/nvlf-progs && make -s -C tools O=/tmp/nvlf-progs" \
				>>"$L/progs-$r.log" 2>&1 &&
			   mkdir -p "$L/progs-$r" &&
			   relcp "$r" "/tmp/nvlf-progs/*" "$L/progs-$r"; then
				ok "$r: the test programs and the reproducer build there"
			else
				not_ok "$r: the test programs and the reproducer build there"
				tail -n 20 "$L/progs-$r.log" | diag
			fi
		fi
		kmod=$L/kmod-$k
		if inrel "$r" "scripts/nvlf-build --kver $k --out /tmp/nvlf-out/$k && rm -rf /tmp/nvlf-kmod/$k && tests/kmod/build --kver $k --ttm-out /tmp/nvlf-out/$k --out /tmp/nvlf-kmod/$k" \
			>"$L/kmod-$k.log" 2>&1 && mkdir -p "$kmod" &&
		   relcp "$r" "/tmp/nvlf-kmod/$k/nvlf_test.ko" "$kmod/"; then
			ok "$k: the test driver builds"
		else
			not_ok "$k: the test driver builds"
			tail -n 20 "$L/kmod-$k.log" | diag
		fi
		check_probes "$r" "$k"

		# The guests, with what the install put in place: prepared now,
		# booted in the background while the next kernel builds.
		prepared=1
		for m in ours faults; do
			boot "$r" "$k" "$m" --kmod "$kmod" --stage prepare >"$L/$m-$k.tap" ||
				{ prepared=''; tap_relay "" <"$L/$m-$k.tap"; }
		done
		guests_collect
		if [ -n "$prepared" ]; then
			guests_start "$l" "$f" "$k"
		else
			result "$l" "$f" "$k" guest "FAILED (no guest)"
		fi
	done < <(awk -v r="$r" '$5 == r' "$L/kernels")
	guests_collect

	# -cloud: no nouveau.  Installing its headers runs DKMS's autoinstall,
	# which must skip us without failing the installation.
	for k in $cloud; do
		rc=0
		inrel "$r" "apt-get install -y --reinstall --no-install-recommends -o APT::Get::Upgrade-By-Source-Package=false linux-headers-$k" \
			>"$L/cloud-$k.log" 2>&1 || rc=$?
		check "$k: installing its headers succeeds (DKMS's autoinstall does not fail)" test "$rc" = 0
		check "$k: with one line saying why $name is skipped" \
			test "$(grep -c "^nouveau-lockfix: skipping $k: it has CONFIG_DRM_TTM=n and CONFIG_DRM_NOUVEAU=n" "$L/cloud-$k.log")" = 1
		check "$k: nothing installed for it" \
			inrel "$r" "! dkms status -m $name -k $k | grep -q installed"
		grep -iE 'dkms|nouveau-lockfix|error' "$L/cloud-$k.log" | diag
	done

	# make uninstall: the in-tree modules are back, nothing stays.
	if inrel "$r" "make uninstall" >"$L/uninstall-$r.log" 2>&1; then
		ok "$r: make uninstall"
	else
		not_ok "$r: make uninstall"
		diag <"$L/uninstall-$r.log"
	fi
	check "$r: nothing of $name under /var/lib/dkms or in DKMS" \
		inrel "$r" "test ! -e /var/lib/dkms/$name && test -z \"\$(dkms status -m $name)\""
	for k in $rk $prev; do
		check "$k: modprobe resolves the in-tree ttm and nouveau again" \
			inrel "$r" "modinfo -k $k -F filename ttm | grep -q /kernel/drivers/gpu/drm/ttm/ && modinfo -k $k -F filename nouveau | grep -q /kernel/drivers/gpu/drm/nouveau/"
	done
	for k in $rk; do
		l=$(awk -v k="$k" '$3 == k { print $1 }' "$L/kernels")
		f=$(awk -v k="$k" '$3 == k { print $2 }' "$L/kernels")
		rc=0
		boot "$r" "$k" stock >"$L/stock-$k.tap" || rc=$?
		n_ours=$(grep -Ec "^not ok [0-9]+ - $(re "$k") stock: ($ours_re)" "$L/stock-$k.tap" || true)
		n_want=$(grep -Ec "^(not )?ok [0-9]+ - $(re "$k") ours: ($ours_re)" "$L/ours-$k.tap" || true)
		check "$k: after uninstall, with the in-tree modules, all $n_want 'ours' checks fail ($n_ours did)" \
			test "$n_ours" = "$n_want" -a "$n_want" -ge 7
		n_other=$(grep -E '^not ok ' "$L/stock-$k.tap" | grep -Evc " stock: ($ours_re)" || true)
		check "$k: after uninstall, the other guest checks still pass" test "$n_other" = 0 -a "$rc" = 1
		grep -E '^not ok ' "$L/stock-$k.tap" | diag
		result "$l" "$f" "$k" uninstall "in-tree modules back"
	done
done < <(for r in $releases; do
	if "$rel/root" "$r" is-host; then echo "0 $r"; else echo "1 $r"; fi
done | sort -s -n | cut -d' ' -f2)

"$rel/table" "$L/results" >"$L/table" 2>&1 && diag <"$L/table"

done_testing
