#!/usr/bin/env bash
# make check: build for both kernels (W=1, sparse), checkpatch, KUnit in the
# 6.12 debug guest, the integration tests in both guests, and the two guests
# against each other (two-vm.sh).  Every result is an
# "ok - ..." / "not ok - ..." line ("ok - ... # SKIP" counts as skipped); the
# last line is "N passed, N failed" (", N skipped" when there are any), after
# a line saying what the numbers are made of.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$XTCP_TOP"

out=$XTCP_TOP/build/check.log
mkdir -p build
: >"$out"
t0=$(date +%s)

# step NAME COMMAND...: a step that is one result.
step() {
	local name=$1 s
	shift
	s=$(date +%s)
	if "$@" >"build/step.log" 2>&1; then
		echo "ok - $name ($(( $(date +%s) - s )) s)" | tee -a "$out"
	else
		sed 's/^/  | /' build/step.log | tail -n 40
		echo "not ok - $name" | tee -a "$out"
	fi
}

# suite NAME COMMAND...: a step that prints its own ok/not ok lines.  Its
# non-zero exit is a failure even when every line it printed was "ok".
suite() {
	local name=$1 rc before
	shift
	before=$(grep -c '^not ok - ' "$out")
	"$@" 2>&1 | tee -a "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && [ "$(grep -c '^not ok - ' "$out")" = "$before" ]; then
		echo "not ok - $name: exited $rc" | tee -a "$out"
	fi
}

step "build: 6.12 debug kernel (cached in $XTCP_CACHE)" scripts/build-kernel.sh
step "build: module against Debian 6.1 headers (W=1, sparse)" make -s stock C=2
step "build: module + KUnit against 6.12 (W=1, sparse)" make -s debug C=2
step "build: user programs (-Wall -Wextra -Werror)" make -s tools
step "checkpatch --strict" scripts/checkpatch.sh
echo "KUnit in the 6.12 debug guest..."
suite kunit scripts/run-kunit.sh
echo "integration tests in the stock 6.1 and 6.12 debug guests..."
suite itests scripts/run-itests.sh stock debug
# Two stock guests: the stock <-> debug pair (make two-vm) has not yet
# finished a run inside a guest's time limit here (the debug guest moves
# ~0.5 MB/s over the link under TCG); see README, "Two machines".
echo "XTCP between two guests (stock 6.1 <-> stock 6.1, emulated NICs)..."
suite two-vm scripts/two-vm.sh --kernels stock stock --bulk-mb 20

# What the total is made of: results per kind, each "ok"/"not ok" line once.
count() { grep -E "$1" "$out" | grep -Ec "$2"; }
res='^(not )?ok - '
kinds="builds and checkpatch $(count "$res" ' - (build|checkpatch)'),"
kinds+=" KUnit $(count "$res" ' - kunit: ')"
kinds+=" (one per case, each parameter instance its own),"
for k in stock debug; do
	kinds+=" $k guest $(count "$res" " - $k/")"
	kinds+=" (+1 for the clean run),"
done
kinds+=" two-vm $(count "$res" ' - two-vm/') (both guests' sides, +2 for the clean runs),"
pass=$(grep '^ok - ' "$out" | grep -vc ' # SKIP')
skip=$(grep '^ok - ' "$out" | grep -c ' # SKIP')
fail=$(grep -c '^not ok - ' "$out")
echo "check took $(( $(date +%s) - t0 )) s; results: ${kinds%,}"
if [ "$skip" != 0 ]; then
	echo "skipped:"
	grep '^ok - .* # SKIP' "$out" | sed 's/^/  /'
fi
echo "failures:"
grep '^not ok - ' "$out" | sed 's/^/  /'
if [ "$skip" != 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
