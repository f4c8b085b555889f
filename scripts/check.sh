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

# step NAME COMMAND...: a step that is one result.  Steps may run at once
# (each has its own log); their lines go to $out whole.
step() {
	local name=$1 s log
	shift
	s=$(date +%s)
	log=$(mktemp "$XTCP_TOP/build/step.XXXXXX")
	if "$@" >"$log" 2>&1; then
		echo "ok - $name ($(( $(date +%s) - s )) s)" | tee -a "$out"
	else
		{ sed 's/^/  | /' "$log" | tail -n 40
		  echo "not ok - $name"; } | tee -a "$out"
	fi
	rm -f "$log"
}

# suite NAME COMMAND...: a step that prints its own ok/not ok lines, into
# $lane_out (check.log, or a parallel lane's own log).  Its non-zero exit is
# a failure even when every line it printed was "ok".
lane_out=$out
suite() {
	local name=$1 rc before
	shift
	before=$(grep -c '^not ok - ' "$lane_out")
	"$@" 2>&1 | tee -a "$lane_out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && [ "$(grep -c '^not ok - ' "$lane_out")" = "$before" ]; then
		echo "not ok - $name: exited $rc" | tee -a "$lane_out"
	fi
}

step "build: 6.12 debug kernel (cached in $XTCP_CACHE)" scripts/build-kernel.sh
# two at a time (2 host cores): 6.12's module beside 6.1's and the user
# programs; checkpatch after, its call-graph check reads build/debug
step "build: module + KUnit against 6.12 (W=1, sparse)" make -s debug C=2 &
step "build: module against Debian 6.1 headers (W=1, sparse)" make -s stock C=2
step "build: user programs (-Wall -Wextra -Werror)" make -s tools
wait
step "checkpatch --strict" scripts/checkpatch.sh
# The guests' jobs run in two lanes at once (2 host cores; the guests spend
# much of their time waiting on timers), each lane taking the next job of
# the list when it is free, longest first, so the lanes balance whatever
# each job costs on this host.  Lane 1 prints as it goes; lane 2 writes
# its own log, shown when both are done.
for k in stock debug; do
	xtcp_initramfs "$k" >/dev/null || echo "not ok - initramfs for $k" | tee -a "$out"
done
queue=$XTCP_TOP/build/check-jobs
printf '%s\n' itests-debug itests-stock two-vm kunit >"$queue"

# next_job: the first job left in the queue, taken off it ("" when none)
next_job() {
	flock "$queue.lock" sh -c 'head -n 1 "$1" && sed -i 1d "$1"' _ "$queue"
}

run_job() {
	local s
	s=$(date +%s)
	case "$1" in
	kunit)
		echo "KUnit in the 6.12 debug guest..."
		suite kunit scripts/run-kunit.sh
		echo "# KUnit: $(( $(date +%s) - s )) s" >>"$lane_out" ;;
	itests-debug)
		echo "integration tests in the 6.12 debug guest..."
		suite itests-debug scripts/run-itests.sh debug
		echo "# debug integration tests: $(( $(date +%s) - s )) s" >>"$lane_out" ;;
	itests-stock)
		echo "integration tests in the stock 6.1 guest..."
		suite itests-stock scripts/run-itests.sh stock
		echo "# stock integration tests: $(( $(date +%s) - s )) s" >>"$lane_out" ;;
	two-vm)
		echo "XTCP between the stock 6.1 and 6.12 debug guests (emulated NICs)..."
		suite two-vm scripts/two-vm.sh --bulk-mb 20 --v6-mb 3
		echo "# two machines: $(( $(date +%s) - s )) s" >>"$lane_out" ;;
	esac
}

lane() {
	local job
	while job=$(next_job) && [ -n "$job" ]; do
		echo "# lane $1: $job" >>"$lane_out"
		run_job "$job"
	done
}

lane2=$XTCP_TOP/build/check-lane2.log
: >"$lane2"
(
	lane_out=$lane2
	lane 2 >/dev/null 2>&1
) &
lane2_pid=$!
echo "two lanes, each taking the next of: $(tr '\n' ' ' <"$queue")"
echo "(lane 2's results are shown below when both are done)"
lane 1
wait "$lane2_pid"
echo "lane 2:"
cat "$lane2" | tee -a "$out"
rm -f "$queue" "$queue.lock"

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
