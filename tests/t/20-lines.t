# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Every kernel line of scripts/kernel-lines (those of NVLF_LINES alone when
# it is set: make check LINES="7.2 7.3"), the way its users get it.  Each
# line resolves now, on its own, to its newest ABI with an exact
# linux-source package (tests/release/lines).  In that line's own Debian
# release (this machine for its own release, a cached chroot for the
# others: tests/release/root), with that release's compiler, dkms and
# packages:
#
#  - `make install KVER=...` from a clean clone, as a user runs it: it
#    installs the headers and the exact source package, builds through
#    DKMS (the ABI check inside the build) and installs;
#  - for the point-release lines (trixie's 6.12 with dkms 3.2, bullseye's
#    5.10 with dkms 2.8): installed for the ABI before the newest first,
#    then one `apt-get install` of the newest image, headers and source:
#    DKMS's autoinstall rebuilds (on 6.12 reusing the objects that did not
#    change), and the older kernel keeps its modules.  A line whose
#    archive serves one ABI only has no upgrade to test, and says so;
#  - the installed modules: ours (version, upstream source, vermagic, the
#    ioctl table and module init bound to our code), the ones DKMS built,
#    the probe results the probes' "lines:" tags promise for that series;
#    on a kernel without symbol CRCs, the ABI check's own failure mode;
#  - the test driver and the test programs build there;
#  - that release's kernel image boots in QEMU with what the install put in
#    place: a TTM display driver (bochs, or qxl where bochs left TTM) runs
#    through our ttm.ko and its faults through ttm_fault.c, the loaded
#    modules are those the build produced, nouveau loads ours cleanly; the
#    fault-path, bad-input and reproducer tests pass with the test driver;
#  - the -cloud flavour: installing its headers does not fail DKMS, which
#    says why in the one line the kernel's own configuration calls for;
#  - `make uninstall`: the in-tree modules come back (with dkms 3.1 and
#    later from DKMS's original_module), nothing stays under /var/lib/dkms,
#    and the same guest with them, told what our build produced, fails
#    every "it is ours" check.
# The guests boot in the background, one after another, while the builds
# go on.  Every point is planned when the tier decides to run it (per
# line, per kernel: tap_expect).  The results go to
# $NVLF_TEST_TMP/lines/results, written from the points' own outcomes;
# a run of every line writes the README's table from them
# (tests/release/table).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

L=$NVLF_TEST_TMP/lines
rm -rf "$L"
mkdir -p "$L"
small_initramfs
trap small_initramfs_end EXIT
tap_expect 0
rel=$top/tests/release
name=nouveau-lockfix
version=$("$top/scripts/nvlf-version")
# The lines whose point-release upgrade is tested, at most one per
# release: 6.12-deb13 (dkms 3.2) and 5.10 (dkms 2.8's autoinstall).  On
# reuse_lines the rebuild must reuse the objects that did not change.
upgrade_lines=${NVLF_UPGRADE_LINES:-6.12-deb13 5.10}
reuse_lines=6.12-deb13
# The guests' checks that only our modules pass.
ours_re='ttm srcversion|ttm version|nvlf_ttm faults counter|nouveau srcversion|nouveau version|nouveau publishes|nvlf-status says'

# --- which kernels ------------------------------------------------------------
all_lines=$("$rel/lines" list | awk '{ print $1 }' | paste -sd ' ')
lines=${NVLF_LINES:-$all_lines}
for l in $lines; do
	case " $all_lines " in
	*" $l "*) ;;
	*)
		tap_expect 1
		not_ok "NVLF_LINES names $l, which is no line of scripts/kernel-lines ($all_lines)"
		done_testing
		exit 0
		;;
	esac
done
# line_field LINE N: column N of the line's row of scripts/kernel-lines
line_field() {
	"$rel/lines" list | awk -v l="$1" -v n="$2" '$1 == l { print $n }'
}
# shellcheck disable=SC2086 # word list by design
releases=$("$rel/lines" list | awk -v l=" $lines " 'index(l, " " $1 " ") { print $3 }' | awk '!seen[$0]++')
# lines_of R: the lines under test that release R carries
lines_of() {
	"$rel/lines" list | awk -v l=" $lines " -v r="$1" 'index(l, " " $1 " ") && $3 == r { print $1 }' | paste -sd ' '
}
is_upgrade_line() {
	case " $upgrade_lines " in *" $1 "*) return 0 ;; esac
	return 1
}

# resolve_line LINE: the line's kernels in $L/kernels-LINE, its status in
# $L/status-LINE (0, or what tests/release/lines exited with), and for an
# upgrade line the ABI before the newest in $L/previous-LINE (status in
# $L/pstatus-LINE: 3 when the archive serves one ABI only)
resolve_line() {
	local l=$1 rc=0
	"$rel/lines" resolve "$l" >"$L/kernels-$l" 2>"$L/resolve-$l.err" || rc=$?
	echo "$rc" >"$L/status-$l"
	: >"$L/previous-$l"
	if [ "$rc" = 0 ] && is_upgrade_line "$l"; then
		rc=0
		"$rel/lines" previous "$l" >"$L/previous-$l" 2>>"$L/resolve-$l.err" || rc=$?
		echo "$rc" >"$L/pstatus-$l"
	fi
	return 0
}
# prefetch R: download what R's kernels need (images, headers, sources)
# into its apt cache, while other work goes on
prefetch() {
	local r=$1 l pkgs
	# shellcheck disable=SC2046 # word list by design
	pkgs=$(for l in $(lines_of "$r"); do cat "$L/kernels-$l" "$L/previous-$l"; done |
		"$rel/lines" packages $(lines_of "$r"))
	[ -n "$pkgs" ] || return 0
	# shellcheck disable=SC2086 # word list by design
	"$rel/root" "$r" query apt-get install -y -qq --download-only --no-install-recommends \
		-o APT::Get::Upgrade-By-Source-Package=false $pkgs >"$L/prefetch-$r.log" 2>&1 ||
		echo "prefetch in $r failed (the builds will download)" >>"$L/prefetch-$r.log"
}
# images R: R's base has the kernel images its users have installed
# (the point-release line's newest generic one comes later, by apt-get),
# and a fresh session
images() {
	local r=$1 l k skip target imgs=''
	for l in $(lines_of "$r"); do
		[ "$(cat "$L/status-$l")" = 0 ] || continue
		skip=''
		[ "$(cat "$L/pstatus-$l" 2>/dev/null)" != 0 ] ||
			skip=$(awk '$2 == "amd64" { print $3 }' "$L/kernels-$l")
		while read -r k; do
			[ "$k" = "$skip" ] || imgs="$imgs $k"
		done < <(awk '$2 != "cloud-amd64" { print $3 }' "$L/kernels-$l" "$L/previous-$l")
	done
	target=$("$rel/lines" list | awk -v r="$r" '$3 == r { print $4 }' | tr , '\n' | grep -m1 backports || true)
	# shellcheck disable=SC2086 # word list by design
	NVLF_APT_UPDATED=1 "$rel/root" "$r" images ${target:+-t "$target"} $imgs &&
		"$rel/root" "$r" reset
}
# renice_run COMMAND...: COMMAND at a lower priority than the builds
renice_run() {
	renice -n 10 -p "$BASHPID" >/dev/null
	"$@"
}
# prep_release R: all of R's preparation (in the background for a chroot:
# a minute or two of debootstrap, its lines resolved, its packages
# downloaded and its kernel images installed while this machine's lines
# build); $L/prep-R.rc says how it went
prep_release() {
	local r=$1 l rc=0
	{
		"$rel/root" "$r" prepare &&
			for l in $(lines_of "$r"); do resolve_line "$l"; done &&
			prefetch "$r" &&
			images "$r"
	} || rc=$?
	echo "$rc" >"$L/prep-$r.rc"
	return "$rc"
}
for r in $releases; do
	if "$rel/root" "$r" is-host; then
		# resolved already (tests/kernels.sh, for the deps step)
		for l in $(lines_of "$r"); do
			awk -v l="$l" '$1 == l' "$NVLF_RESOLVED" >"$L/kernels-$l"
			rc=$(awk -v l="$l" '$1 == l { print $2 }' "$NVLF_RESOLVED.failed")
			echo "${rc:-0}" >"$L/status-$l"
			[ -z "$rc" ] || awk -v l="$l" '$1 == l { $1 = $2 = ""; print }' "$NVLF_RESOLVED.failed" >"$L/resolve-$l.err"
			: >"$L/previous-$l"
			if [ "${rc:-0}" = 0 ] && is_upgrade_line "$l"; then
				rc=0
				"$rel/lines" previous "$l" >"$L/previous-$l" 2>>"$L/resolve-$l.err" || rc=$?
				echo "$rc" >"$L/pstatus-$l"
			fi
		done
		# at once: make install's apt would find apt's lock taken
		prefetch "$r"
		echo 0 >"$L/prep-$r.rc"
	else
		bg_start "release-$r" renice_run prep_release "$r" >"$L/prep-$r.log" 2>&1
	fi
done

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
# relko R DIR MODULE: the file of MODULE.ko (any compression) in DIR of R,
# copied here and decompressed; fails if there is none
relko() {
	local f
	f=$("$rel/root" "$1" run sh -c "ls $2/$3.ko $2/$3.ko.xz $2/$3.ko.zst $2/$3.ko.gz 2>/dev/null | head -n 1" </dev/null)
	[ -n "$f" ] && f=$(relfile "$1" "$f") && decompressed "$f"
}
# decompressed FILE: the module, decompressed, next to it
decompressed() {
	case $1 in
	*.xz) xz -dc "$1" >"${1%.xz}" ;;
	*.zst) zstd -dcq "$1" >"${1%.zst}" ;;
	*.gz) gzip -dc "$1" >"${1%.gz}" ;;
	esac
	echo "${1%.ko*}.ko"
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
# ere TEXT: TEXT as an extended regular expression that matches only it
ere() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}
result() { # LINE FLAVOUR KVER FIELD VALUE
	echo "$1	$2	$3	$4	$5" >>"$L/results"
}
# mark NAME: whether the points since mark_start (or the last mark) all
# passed, kept as $L/ok-NAME
# shellcheck disable=SC2154 # tap_failed: tests/lib/tap.sh's
mark() {
	if [ "$tap_failed" = "${mark_failed:-0}" ]; then
		touch "$L/ok-$1"
	fi
	mark_failed=$tap_failed
}
mark_start() {
	mark_failed=$tap_failed
}

# --- guests: prepared in their release, booted in the background ------------
# One guest at a time, in the order queued, while the builds go on; their
# points are relayed at the end.  The checks inside a guest do not depend
# on the machine's speed, so a guest may share the CPUs with a build.
gq=$L/queue
mkdir -p "$gq"
gq_n=0
guests=()
# guest_queue JOB KVER MODE: boot the prepared guest JOB ("KVER MODE")
guest_queue() {
	gq_n=$((gq_n + 1))
	echo "$1 $2 $3" >"$gq/$(printf %04d $gq_n).new"
	mv "$gq/$(printf %04d $gq_n).new" "$gq/$(printf %04d $gq_n).job"
	guests+=("$1")
}
guest_runner() {
	local f job k m rc
	while :; do
		f=$(find "$gq" -name '*.job' | sort | head -n 1)
		if [ -z "$f" ]; then
			[ -e "$gq/end" ] && return 0
			sleep 1
			continue
		fi
		read -r job k m <"$f"
		rc=0
		boot "" "$k" "$m" --stage run >"$L/$job.tap" 2>"$L/$job.err" || rc=$?
		echo "$rc" >"$L/$job.rc"
		mv "$f" "${f%.job}.done"
	done
}
bg_start guests guest_runner
# prepare R KVER MODE [ARGS]: make the guest's initramfs in R now; queue it,
# or relay why it could not be made
prepare() {
	local r=$1 k=$2 m=$3 job
	shift 3
	job=$m-$k
	if boot "$r" "$k" "$m" "$@" --stage prepare >"$L/$job.prep" 2>&1; then
		guest_queue "$job" "$k" "$m"
		return 0
	fi
	tap_relay "" <"$L/$job.prep"
	return 1
}

# --- one kernel ---------------------------------------------------------------
# check_installed R LINE FLAVOUR KVER VERSION: our modules are what modprobe
# resolves for KVER in R, ours, the ones DKMS built; $L/expect-KVER gets
# what the build produced, for the guests
check_installed() {
	local r=$1 l=$2 f=$3 k=$4 v=$5 ttm nv mk uv want bttm bnv abi m dk
	tap_expect 14
	dk=/var/lib/dkms/$name/$version/$k/x86_64
	check "$k: DKMS has $name $version installed" \
		inrel "$r" "dkms status -m $name -v $version -k $k | grep -q ': installed'"
	mk=$(relfile "$r" "$dk/log/make.log") || mk=/dev/null
	abi=$(sed -n 's/^abi-check: [^ ]*: ttm.ko exports \([0-9]*\) symbols, each with the distro'"'"'s \(CRC\)\{0,1\}.*/\1 \2/p' "$mk")
	mark_start
	check "$k: the ABI check ran inside the DKMS build and passed" test -n "$abi"
	grep '^abi-check\|^reuse' "$mk" | diag
	case $abi in
	*CRC) result "$l" "$f" "$k" abi "${abi% *} exports, CRCs equal" ;;
	?*) result "$l" "$f" "$k" abi "${abi% *} exports, no CRCs (no MODVERSIONS)" ;;
	*) result "$l" "$f" "$k" abi "FAILED (the ABI check did not pass in the DKMS build)" ;;
	esac
	ttm='' nv=''
	if ttm=$(relfile "$r" "$("$rel/root" "$r" run modinfo -k "$k" -F filename ttm </dev/null)") &&
	   nv=$(relfile "$r" "$("$rel/root" "$r" run modinfo -k "$k" -F filename nouveau </dev/null)"); then
		ttm=$(decompressed "$ttm") nv=$(decompressed "$nv")
	fi
	check "$k: modprobe would load ttm and nouveau from updates/dkms" \
		test -n "$("$rel/root" "$r" run modinfo -k "$k" -F filename ttm nouveau </dev/null | grep -c /updates/dkms/ | grep -x 2)"
	uv=${v%%-*}
	want="Linux $uv from linux-source-${uv%.*} $v"
	for m in "${ttm:-/nonexistent/ttm.ko}" "${nv:-/nonexistent/nouveau.ko}"; do
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
	# What the build produced: DKMS's own copy of the modules it built.
	# The guests compare the modules they load with it.
	bttm=$(relko "$r" "$dk/module" ttm) || bttm=/nonexistent
	bnv=$(relko "$r" "$dk/module" nouveau) || bnv=/nonexistent
	{
		echo "EXPECT_VERSION=$(modinfo -F version "$bttm" 2>/dev/null)"
		echo "EXPECT_TTM_SRCVERSION=$(modinfo -F srcversion "$bttm" 2>/dev/null)"
		echo "EXPECT_NOUVEAU_SRCVERSION=$(modinfo -F srcversion "$bnv" 2>/dev/null)"
	} >"$L/expect-$k"
	check "$k: the installed modules are the ones DKMS built (srcversion $(sed -n 's/^EXPECT_TTM_SRCVERSION=//p' "$L/expect-$k"), $(sed -n 's/^EXPECT_NOUVEAU_SRCVERSION=//p' "$L/expect-$k"))" \
		test -n "$(sed -n 's/^EXPECT_TTM_SRCVERSION=\(.\)/\1/p' "$L/expect-$k")" -a \
		"$(modinfo -F srcversion "$bttm")" = "$(modinfo -F srcversion "$ttm")" -a \
		"$(modinfo -F srcversion "$bnv")" = "$(modinfo -F srcversion "$nv")"
	# A kernel without symbol CRCs (CONFIG_MODVERSIONS off: Debian's 7.x):
	# the ABI check compares types and namespaces, and reads the GPL flags
	# from __kflagstab; shown failing on a flag changed in the symvers.
	if ! inrel "$r" "grep -q '^CONFIG_MODVERSIONS=y' /lib/modules/$k/build/.config"; then
		abi_without_crcs "$r" "$k" "$ttm"
	fi
}
# abi_without_crcs R KVER TTM_KO: the ABI check on a kernel without CRCs
abi_without_crcs() {
	local r=$1 k=$2 ttm=$3 sv g rc=0
	tap_expect 2
	# /lib/modules/K/build is a link that relfile would follow here, not
	# in the release: the headers' own directory
	sv=$(relfile "$r" "/usr/src/linux-headers-$k/Module.symvers") || sv=/nonexistent
	check "$k: abi-check passes without CRCs (a kernel without MODVERSIONS)" \
		"$top/scripts/abi-check" "$k" --ko "$ttm" --symvers "$sv"
	g=$(awk -F'\t' '$3 == "drivers/gpu/drm/ttm/ttm" && $4 == "EXPORT_SYMBOL_GPL" { print $2; exit }' "$sv" 2>/dev/null)
	awk -F'\t' -v g="$g" 'BEGIN { OFS = "\t" } $2 == g { $4 = "EXPORT_SYMBOL" } { print }' \
		"$sv" >"$L/gpl-$k.symvers" 2>/dev/null
	"$top/scripts/abi-check" "$k" --ko "$ttm" --symvers "$L/gpl-$k.symvers" >"$L/abi-gpl-$k.out" 2>&1 || rc=$?
	check "$k: abi-check reads the GPL flag of ${g:-a GPL export} from __kflagstab: a symvers that says otherwise fails it" \
		test "$rc" = 1 -a -n "$g" -a -n "$(grep "^  $g .*ours: .*EXPORT_SYMBOL_GPL" "$L/abi-gpl-$k.out")"
}

# check_probes R KVER SERIES: the probe results on KVER are what the probes'
# "lines:" tags say for its series; our code shares no run of lines with
# the files of a series it replaces (00-lint.t checks 6.1 and 6.12 already)
check_probes() {
	local r=$1 k=$2 series=$3 tree hdr bad='' p def want got up1 up2
	tap_expect 1
	if ! tree=$(inrel "$r" "sed -n 's/^NVLF_TREE=//p' /tmp/nvlf-out/$k/nvlf-build.env") ||
	   ! hdr=$(relfile "$r" "$tree/generated/nvlf_compat.h"); then
		not_ok "$k: probe results found"
	else
		for p in "$top"/scripts/probes/*.c; do
			def=$(sed -n 's/^ \* define: *\([A-Z0-9_]*\).*/\1/p' "$p")
			[ -n "$def" ] || continue
			want=no got=no
			grep -q "^ \* lines:.* $series\( \|$\)" <<<"$(sed 's/lines:/lines: /' "$p")" && want=yes
			grep -q "^#define $def 1" "$hdr" && got=yes
			[ "$want" = "$got" ] || bad="$bad $def(want $want, got $got)"
		done
		check "$k: each probe's result is what its lines: tag says for $series${bad:+:$bad}" test -z "$bad"
	fi
	case " $provenance_done " in *" $series "*) return ;; esac
	provenance_done="$provenance_done $series"
	tap_expect 1
	if up1=$(relfile "$r" "$tree/ttm/ttm_bo_vm.c") && up2=$(relfile "$r" "$tree/nouveau/nouveau_gem.c"); then
		check "Linux $series: src/ shares no run of 6 lines with its ttm_bo_vm.c and nouveau_gem.c" \
			"$top/tests/no-upstream-copy" "$top"/src/*.c -- "$up1" "$up2"
	else
		not_ok "Linux $series: src/ shares no run of 6 lines with its ttm_bo_vm.c and nouveau_gem.c (the build tree's copies cannot be read)"
	fi
}
provenance_done='6.1 6.12'

# kernel R LINE FLAVOUR KVER VERSION [FIRST]: install for KVER the user's
# way (make install; the newest kernel of an upgrade line through the
# upgrade), check what was installed, build the test driver, queue the
# guests
kernel() {
	local r=$1 l=$2 f=$3 k=$4 v=$5 first=${6:-} t0 s0 k0 v0 series secs mk reuse reused objs mk_start m rc
	series=$(line_field "$l" 2)
	t0=$(date +%s)
	if [ "$(cat "$L/pstatus-$l" 2>/dev/null)" = 0 ] && [ "$f" = amd64 ]; then
		# The point release: installed for the ABI before, then one
		# apt-get run brings the new image, headers and source.
		read -r _ _ k0 v0 _ <"$L/previous-$l"
		tap_expect 6
		s0=$(date +%s)
		if inrel "$r" "make install KVER=$k0" >"$L/install-$k0.log" 2>&1; then
			ok "$k0: make install KVER=$k0"
		else
			not_ok "$k0: make install KVER=$k0"
			tail -n 20 "$L/install-$k0.log" | diag
		fi
		timing build "$k0: make install (apt, DKMS build)" $(( $(date +%s) - s0 ))
		s0=$(date +%s)
		if inrel "$r" "apt-get install -y --no-install-recommends linux-image-$k linux-headers-$k linux-source-$series=$v" \
			>"$L/upgrade-$k.log" 2>&1; then
			ok "$k: one apt-get install of its image, headers and linux-source-$series ($v0 -> $v)"
		else
			not_ok "$k: one apt-get install of its image, headers and linux-source-$series"
			tail -n 30 "$L/upgrade-$k.log" | diag
		fi
		timing build "$k: apt-get install of the point release, DKMS autoinstall" $(( $(date +%s) - s0 ))
		grep -E 'nouveau-lockfix|Autoinstall' "$L/upgrade-$k.log" | diag
		mk=$(relfile "$r" "/var/lib/dkms/$name/$version/$k/x86_64/log/make.log") || mk=/dev/null
		secs=$(sed -n 's/^# elapsed time: \([0-9]*\):\([0-9]*\):\([0-9]*\)$/\1 \2 \3/p' "$mk" |
			awk '{ print $1 * 3600 + $2 * 60 + $3 }')
		reuse=$(sed -n 's/^reuse: //p' "$mk" | tail -n 1)
		# dkms 2.8 logs no elapsed time, only the build's start (line 2)
		mk_start=$(sed -n 2p "$mk")
		mk_start=$( [ -n "$mk_start" ] && date -d "$mk_start" +%s 2>/dev/null || echo 0)
		check "$k: DKMS's autoinstall rebuilt it in the same apt run (reuse: ${reuse:-none})" \
			test -n "$secs" -o "$mk_start" -ge "$s0"
		[ -z "$secs" ] || timing build "$k: the DKMS rebuild of the point release (make.log)" "$secs"
		# "N of M objects from DONOR (MODE)"
		reused=$(sed -n 's/^\([0-9][0-9]*\) of [0-9][0-9]* objects.*/\1/p' <<<"$reuse")
		objs=$(sed -n 's/^[0-9][0-9]* of \([0-9][0-9]*\) objects.*/\1/p' <<<"$reuse")
		case " $reuse_lines " in
		*" $l "*)
			# What makes the rebuild short: the objects whose inputs did
			# not change are reused; at least nine in ten of them here
			# (6.12.117 -> 6.12.118: 735 of 743).
			tap_expect 1
			check "$k: the point-release rebuild reused the objects that did not change (${reused:-0} of ${objs:-?}, at least 90 %)" \
				test -n "$reused" -a "${reused:-0}" -ge 1 -a $(( ${reused:-0} * 10 )) -ge $(( ${objs:-1} * 9 ))
			;;
		esac
		check "$k0: keeps its modules after the upgrade" \
			inrel "$r" "dkms status -m $name -v $version -k $k0 | grep -q ': installed'"
		# Its source has moved on: make install for it says how to get
		# the matching source back, and changes nothing.
		check_fails "$k0: make install now names the source it needs, replaces nothing" \
			"$(ere "$k0") needs linux-source-$(ere "$series $v0"), and linux-source-$(ere "$series $v") is installed .*; fix: apt-get install linux-source-$(ere "$series=$v0"), then rerun" \
			inrel "$r" "make -s install KVER=$k0"
		check "$k0: still has its modules, and linux-source-$series is still $v" \
			inrel "$r" "dkms status -m $name -v $version -k $k0 | grep -q ': installed' && test \"\$(dpkg-query -W -f='\${Version}' linux-source-$series)\" = '$v'"
		result "$l" "$f" "$k" build "DKMS autoinstall after $k0, ${secs:+${secs}s, }${reused:-no} objects reused"
	else
		tap_expect 1
		if inrel "$r" "make install KVER=$k" >"$L/install-$k.log" 2>&1; then
			ok "$k: make install KVER=$k"
			result "$l" "$f" "$k" build "make install, $(( $(date +%s) - t0 ))s"
		else
			not_ok "$k: make install KVER=$k"
			tail -n 20 "$L/install-$k.log" | diag
			result "$l" "$f" "$k" build FAILED
		fi
		timing build "$k: make install (apt, DKMS build)" $(( $(date +%s) - t0 ))
		diag <"$L/install-$k.log"
	fi
	result "$l" "$f" "$k" release "$r"
	# shellcheck disable=SC2016 # a dpkg-query format
	result "$l" "$f" "$k" dkms "dkms $("$rel/root" "$r" run dpkg-query -W -f='${Version}' dkms </dev/null | sed 's/-.*//')"
	result "$l" "$f" "$k" source "linux-source-$series $v"
	check_installed "$r" "$l" "$f" "$k" "$v"

	# The test programs (once per release) and the test driver.
	if [ -n "$first" ]; then
		if ! "$rel/root" "$r" is-host; then
			tap_expect 1
			check "$r: libdrm-dev and pkg-config install there (the test programs' build needs them)" \
				inrel "$r" "apt-get install -y -qq --no-install-recommends libdrm-dev pkg-config"
		fi
		tap_expect 1
		if inrel "$r" "rm -rf /tmp/nvlf-progs && make -s -C tests/prog O=/tmp/nvlf-progs && make -s -C tools O=/tmp/nvlf-progs" \
			>"$L/progs-$r.log" 2>&1 &&
		   mkdir -p "$L/progs-$r" &&
		   relcp "$r" "/tmp/nvlf-progs/*" "$L/progs-$r"; then
			ok "$r: the test programs and the reproducer build there"
		else
			not_ok "$r: the test programs and the reproducer build there"
			tail -n 20 "$L/progs-$r.log" | diag
		fi
	fi
	tap_expect 1
	if inrel "$r" "scripts/nvlf-build --kver $k --out /tmp/nvlf-out/$k && rm -rf /tmp/nvlf-kmod/$k && tests/kmod/build --kver $k --ttm-out /tmp/nvlf-out/$k --out /tmp/nvlf-kmod/$k" \
		>"$L/kmod-$k.log" 2>&1 && mkdir -p "$L/kmod-$k" &&
	   relcp "$r" "/tmp/nvlf-kmod/$k/nvlf_test.ko" "$L/kmod-$k/"; then
		ok "$k: the test driver builds"
	else
		not_ok "$k: the test driver builds"
		tail -n 20 "$L/kmod-$k.log" | diag
	fi
	check_probes "$r" "$k" "$series"

	# The guests, with what the install put in place: prepared now,
	# booted in the background.
	tap_expect 2
	for m in ours faults; do
		rc=0
		prepare "$r" "$k" "$m" --kmod "$L/kmod-$k" --expect "$L/expect-$k" || rc=$?
		if [ "$rc" != 0 ]; then
			not_ok "$k: the $m guest could be prepared"
		else
			ok "$k: the $m guest is prepared"
		fi
	done
	echo "$l $f $k" >>"$L/ran"
}

# uninstall R: make uninstall in R; the in-tree modules back; the stock
# guests prepared and queued
uninstall() {
	local r=$1 k l f
	tap_expect 2
	mark_start
	if inrel "$r" "make uninstall" >"$L/uninstall-$r.log" 2>&1; then
		ok "$r: make uninstall"
	else
		not_ok "$r: make uninstall"
		diag <"$L/uninstall-$r.log"
	fi
	check "$r: nothing of $name under /var/lib/dkms or in DKMS" \
		inrel "$r" "test ! -e /var/lib/dkms/$name && test -z \"\$(dkms status -m $name)\""
	mark "uninstall-$r"
	while read -r k; do
		tap_expect 1
		check "$k: modprobe resolves the in-tree ttm and nouveau again" \
			inrel "$r" "modinfo -k $k -F filename ttm | grep -q /kernel/drivers/gpu/drm/ttm/ && modinfo -k $k -F filename nouveau | grep -q /kernel/drivers/gpu/drm/nouveau/"
		mark "intree-$k"
	done < <(awk -v r="$r" '$4 == r { print $3 }' "$L/installed")
	while read -r l f k; do
		tap_expect 1
		if prepare "$r" "$k" stock --expect "$L/expect-$k"; then
			ok "$k: the stock guest is prepared"
		else
			not_ok "$k: the stock guest could be prepared"
		fi
	done < <(awk -v r="$r" '$4 == r && $5 == "ran" { print $1, $2, $3 }' "$L/installed")
}

# cloud R LINE: the line's -cloud kernel (no nouveau): installing its
# headers runs DKMS's autoinstall, which must skip us without failing the
# installation, in one line whose reason is the kernel's own configuration
cloud() {
	local r=$1 l=$2 k rc ttm nv cfg
	k=$(awk '$2 == "cloud-amd64" { print $3 }' "$L/kernels-$l")
	if [ -z "$k" ]; then
		tap_expect 1
		skip_optional "$l: the archive has no -cloud kernel of this line: no skip to test"
		return
	fi
	tap_expect 3
	rc=0
	inrel "$r" "apt-get install -y --reinstall --no-install-recommends -o APT::Get::Upgrade-By-Source-Package=false linux-headers-$k" \
		>"$L/cloud-$k.log" 2>&1 || rc=$?
	check "$k: installing its headers succeeds (DKMS's autoinstall does not fail)" test "$rc" = 0
	cfg=$(relfile "$r" "/usr/src/linux-headers-$k/.config") || cfg=/dev/null
	ttm=$(sed -n 's/^CONFIG_DRM_TTM=//p' "$cfg") nv=$(sed -n 's/^CONFIG_DRM_NOUVEAU=//p' "$cfg")
	check "$k: with one line saying why $name is skipped (its .config: CONFIG_DRM_TTM=${ttm:-n}, CONFIG_DRM_NOUVEAU=${nv:-n})" \
		test -s "$cfg" -a "$(grep -cE "^nouveau-lockfix: skipping $(ere "$k"): it has CONFIG_DRM_TTM=${ttm:-n} and CONFIG_DRM_NOUVEAU=${nv:-n}" "$L/cloud-$k.log")" = 1
	check "$k: nothing installed for it" \
		inrel "$r" "! dkms status -m $name -k $k | grep -q installed"
	grep -iE 'dkms|nouveau-lockfix|error' "$L/cloud-$k.log" | diag
}

# --- each release, this machine's first ----------------------------------------
: >"$L/installed"
: >"$L/ran"
while read -r r; do
	if ! "$rel/root" "$r" is-host; then
		bg_wait "release-$r" || :
	fi
	# each line: resolved on its own
	rl=''
	for l in $(lines_of "$r"); do
		tap_expect 1
		rc=$(cat "$L/status-$l" 2>/dev/null || echo 2)
		if [ "$rc" = 0 ] && [ -s "$L/kernels-$l" ]; then
			ok "$l: resolves in $r to kernels with their exact source"
			diag <"$L/kernels-$l"
			rl="$rl $l"
		else
			not_ok "$l: resolves in $r to kernels with their exact source (status $rc)"
			[ ! -f "$L/resolve-$l.err" ] || diag <"$L/resolve-$l.err"
		fi
		if is_upgrade_line "$l" && [ "$rc" = 0 ]; then
			tap_expect 1
			case $(cat "$L/pstatus-$l" 2>/dev/null) in
			0) ok "$l: the ABI before the newest, with its source, to upgrade from: $(awk '{ print $3, $4 }' "$L/previous-$l")" ;;
			3) skip_optional "$l: no upgrade to test: $(tail -n 1 "$L/resolve-$l.err")" ;;
			*) not_ok "$l: the ABI before the newest, with its source, to upgrade from"; diag <"$L/resolve-$l.err" ;;
			esac
		fi
	done
	# the release ready: its base, kernel images and session, and a
	# clean clone (what git tracks, nothing built) in it
	tap_expect 1
	n_tracked=$(cd "$top" && git ls-files | wc -l)
	rm -rf "$L/clone"
	mkdir -p "$L/clone"
	rc=0
	[ "$(cat "$L/prep-$r.rc" 2>/dev/null)" = 0 ] || rc=1
	(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$L/clone") || rc=2
	"$rel/root" "$r" is-host || relput "$r" "$L/clone" "/root/$name" || rc=3
	n_there=$(inrel "$r" "find . -type f | wc -l" 2>/dev/null || echo 0)
	if [ "$rc" = 0 ] && [ "$n_there" = "$n_tracked" ]; then
		ok "$r: ready: its kernel images, and a clean clone ($n_there files)"
	else
		not_ok "$r: ready: its kernel images, and a clean clone (status $rc; $n_there of $n_tracked files there)"
		tail -n 20 "$L/prep-$r.log" 2>/dev/null | diag
		continue
	fi

	first=1
	for l in $rl; do
		while read -r _ f k v _; do
			[ "$f" != cloud-amd64 ] || continue
			kernel "$r" "$l" "$f" "$k" "$v" "$first"
			first=''
			echo "$l $f $k $r ran" >>"$L/installed"
			if [ "$f" = amd64 ] && [ "$(cat "$L/pstatus-$l" 2>/dev/null)" = 0 ]; then
				read -r _ _ k0 _ <"$L/previous-$l"
				echo "$l $f $k0 $r previous" >>"$L/installed"
			fi
		done <"$L/kernels-$l"
		cloud "$r" "$l"
	done
	uninstall "$r"
done < <(for r in $releases; do
	if "$rel/root" "$r" is-host; then echo "0 $r"; else echo "1 $r"; fi
done | sort -s -n | cut -d' ' -f2)

# --- the guests' points ----------------------------------------------------------
touch "$gq/end"
bg_wait guests || :
# guest_points JOB: relay a booted guest's points; its status
guest_points() {
	local rc
	rc=$(cat "$L/$1.rc" 2>/dev/null || echo 2)
	tap_relay "" <"$L/$1.tap"
	return "$rc"
}
while read -r l f k; do
	r=$(awk -v k="$k" '$3 == k { print $4; exit }' "$L/installed")
	tap_expect 2
	rc=0 rc2=0
	if [ -f "$L/ours-$k.rc" ]; then guest_points "ours-$k" || rc=$?; else rc=none; fi
	check "$k: guest with the installed modules passed" test "$rc" = 0
	if [ -f "$L/faults-$k.rc" ]; then guest_points "faults-$k" || rc2=$?; else rc2=none; fi
	check "$k: fault-path, bad-input and reproducer guest passed" test "$rc2" = 0
	nf=$(cat "$L/ours-$k.tap" "$L/faults-$k.tap" 2>/dev/null | grep -c '^not ok' || true)
	np=$(cat "$L/ours-$k.tap" "$L/faults-$k.tap" 2>/dev/null | grep -c '^ok' || true)
	if [ "$nf" = 0 ] && [ "$rc" = 0 ] && [ "$rc2" = 0 ]; then
		result "$l" "$f" "$k" guest "passed ($np points)"
	else
		result "$l" "$f" "$k" guest "FAILED ($nf of $((np + nf)) points, status $rc/$rc2)"
	fi
	# after uninstall, with the in-tree modules: every "ours" check fails,
	# the others pass
	tap_expect 2
	rc=0
	if [ -f "$L/stock-$k.rc" ]; then
		rc=$(cat "$L/stock-$k.rc")
		# its "ours" checks must fail: relayed as expected failures
		sed -E "s/^not ok ([0-9]+) - ($(ere "$k") stock: ($ours_re))/ok \1 - (expected to fail with the in-tree modules) \2/" \
			"$L/stock-$k.tap" >"$L/stock-$k.relay"
		tap_relay "" <"$L/stock-$k.relay"
	else
		rc=none
	fi
	n_ours=$(grep -Ec "^not ok [0-9]+ - $(ere "$k") stock: ($ours_re)" "$L/stock-$k.tap" 2>/dev/null || true)
	n_want=$(grep -Ec "^(not )?ok [0-9]+ - $(ere "$k") ours: ($ours_re)" "$L/ours-$k.tap" 2>/dev/null || true)
	n_ours=${n_ours:-0} n_want=${n_want:-0}
	mark_start
	check "$k: after uninstall, with the in-tree modules, all $n_want 'ours' checks fail ($n_ours did)" \
		test "$n_ours" = "$n_want" -a "$n_want" -ge 7
	n_other=$(grep -E '^not ok ' "$L/stock-$k.tap" 2>/dev/null | grep -Evc " stock: ($ours_re)" || true)
	check "$k: after uninstall, the other guest checks still pass" test "$n_other" = 0 -a "$rc" = 1
	grep -E '^not ok ' "$L/stock-$k.tap" 2>/dev/null | diag
	mark "stock-$k"
	if [ -e "$L/ok-uninstall-$r" ] && [ -e "$L/ok-intree-$k" ] && [ -e "$L/ok-stock-$k" ]; then
		result "$l" "$f" "$k" uninstall "in-tree modules back"
	else
		result "$l" "$f" "$k" uninstall "FAILED"
	fi
done <"$L/ran"

# The table of supported kernels, from this run's results; a run of every
# line writes it into the README of the tree it ran from.
if [ -s "$L/results" ]; then
	"$rel/table" "$L/results" >"$L/table" 2>&1 && diag <"$L/table"
	if [ -z "${NVLF_LINES:-}" ] && [ -w "$top/README" ]; then
		"$rel/table" --readme "$top/README" "$L/results"
	fi
fi

done_testing
