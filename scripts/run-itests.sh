#!/usr/bin/env bash
# run-itests.sh [--filter TEXT] KERNEL...: the integration tests in each
# guest kernel (stock, debug).  Prints "ok - KERNEL/GROUP: NAME" lines.
#
# The results each guest owes are named beforehand on the host
# (tests/run-guest-tests.sh --list): every owed name that does not come
# back is a "not ok" of its own, and each group short of results gets a
# "not ok - KERNEL/GROUP: N results missing" line, so a program that did
# not start or a guest that died cannot shrink the total.  A result nobody
# owed, or one reported twice, fails too.  A guest whose log shows a kernel
# problem, or that did not finish, adds a failing "KERNEL: guest run clean".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

filter=
if [ "${1:-}" = --filter ]; then
	filter=$2
	shift 2
fi
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(stock debug)
rc=0
for k in "${kernels[@]}"; do
	res=$XTCP_TOP/build/vm/itest-$k
	owed=$XTCP_TOP/build/itest-$k.owed
	mkdir -p "$XTCP_TOP/build"
	if ! XTCP_KERNEL=$k "$XTCP_TOP/tests/run-guest-tests.sh" --list "$filter" >"$owed" ||
	   [ ! -s "$owed" ]; then
		echo "not ok - $k: no list of tests (tests/run-guest-tests.sh --list)"
		rc=1
		continue
	fi
	"$XTCP_TOP/scripts/vm-run.sh" --kernel "$k" --name "itest-$k" --timeout 3000 \
		-- "$XTCP_TOP/tests/run-guest-tests.sh" "$filter" |
		sed -u "s|^\(not \)\{0,1\}ok - |&$k/|"
	if [ "${PIPESTATUS[0]}" = 0 ]; then
		echo "ok - $k: guest run clean"
	else
		echo "not ok - $k: guest run clean"
		rc=1
	fi
	"$XTCP_TOP/scripts/owed-results.py" "$k" "$owed" "$res/out" || rc=1
	grep -q '^not ok' "$res/out" && rc=1
done
exit $rc
