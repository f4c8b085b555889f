#!/usr/bin/env bash
# make check: build for both kernels (W=1, sparse), checkpatch, KUnit in the
# 6.12 debug guest, the integration tests in both guests.  Every step prints
# "ok - ..." / "not ok - ..." lines; the last line is "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$XTCP_TOP"

out=$XTCP_TOP/build/check.log
mkdir -p build
: >"$out"
t0=$(date +%s)

# step NAME COMMAND...: a step that is one test.
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

# suite COMMAND...: a step that prints its own ok/not ok lines.
suite() {
	"$@" 2>&1 | tee -a "$out"
	true
}

step "build: 6.12 debug kernel (cached in $XTCP_CACHE)" scripts/build-kernel.sh
step "build: module against Debian 6.1 headers (W=1, sparse)" make -s stock C=2
step "build: module + KUnit against 6.12 (W=1, sparse)" make -s debug C=2
step "build: user programs (-Wall -Wextra -Werror)" make -s tools
step "checkpatch --strict" scripts/checkpatch.sh
echo "KUnit in the 6.12 debug guest..."
suite scripts/run-kunit.sh
echo "integration tests in the stock 6.1 and 6.12 debug guests..."
suite scripts/run-itests.sh stock debug

pass=$(grep -c '^ok - ' "$out")
fail=$(grep -c '^not ok - ' "$out")
echo "check took $(( $(date +%s) - t0 )) s; failures:"
grep '^not ok - ' "$out" | sed 's/^/  /'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
