# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# timing.sh: the run's timing table (host side).  Whatever takes time in a
# run of the suite (a tier, a module build, a guest boot) writes one line
# to $NVLF_TEST_TMP/timing.tsv; tests/run empties it when it starts and
# prints it as a table when it ends (tests/release/timing-table).  Nothing
# is judged on these figures: a test does not depend on the machine's speed.
#
#   timing KIND NAME SECONDS   KIND: tier, build, guest, step

timing() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"${NVLF_TEST_TMP:-/tmp/nvlf-test}/timing.tsv"
}
