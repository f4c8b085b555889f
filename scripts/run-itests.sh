#!/usr/bin/env bash
# run-itests.sh [--filter TEXT] KERNEL...: the integration tests in each
# guest kernel (stock, debug).  Prints "ok - KERNEL/GROUP: NAME" lines; a
# guest whose log shows a kernel problem adds a failing "KERNEL: guest" line.
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
	"$XTCP_TOP/scripts/vm-run.sh" --kernel "$k" --name "itest-$k" --timeout 900 \
		-- "$XTCP_TOP/tests/run-guest-tests.sh" $filter |
		sed -u "s|^\(not \)\{0,1\}ok - |&$k/|"
	if [ "${PIPESTATUS[0]}" = 0 ]; then
		echo "ok - $k: guest run clean"
	else
		echo "not ok - $k: guest run clean"
		rc=1
	fi
	grep -q '^not ok' "$XTCP_TOP/build/vm/itest-$k/out" && rc=1
done
exit $rc
