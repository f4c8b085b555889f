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
	if ! "$XTCP_TOP/tests/run-guest-tests.sh" --list "$filter" >"$owed" ||
	   [ ! -s "$owed" ]; then
		echo "not ok - $k: no list of tests (tests/run-guest-tests.sh --list)"
		rc=1
		continue
	fi
	"$XTCP_TOP/scripts/vm-run.sh" --kernel "$k" --name "itest-$k" --timeout 1500 \
		-- "$XTCP_TOP/tests/run-guest-tests.sh" "$filter" |
		sed -u "s|^\(not \)\{0,1\}ok - |&$k/|"
	if [ "${PIPESTATUS[0]}" = 0 ]; then
		echo "ok - $k: guest run clean"
	else
		echo "not ok - $k: guest run clean"
		rc=1
	fi
	python3 - "$k" "$owed" "$res/out" <<'PY' || rc=1
import re, sys
from collections import Counter, OrderedDict
kernel, owed_path, out_path = sys.argv[1:]
owed = [l.strip() for l in open(owed_path) if l.strip()]
try:
    out = open(out_path, errors="replace").read().splitlines()
except OSError:
    out = []
got = Counter()
for line in out:
    m = re.match(r"^(?:not )?ok - (.*?)(?: # SKIP.*)?$", line)
    if m:
        got[m.group(1)] += 1
bad = 0
missing = OrderedDict()
for name in owed:
    if got[name] == 0:
        missing.setdefault(name.split(":")[0], []).append(name)
for group, names in missing.items():
    for n in names:
        print(f"  no result for {kernel}/{n}")
    print(f"not ok - {kernel}/{group}: {len(names)} results missing")
    bad += 1
owed_set = set(owed)
for name, n in got.items():
    if name not in owed_set and not name.endswith("with no failing test"):
        if ": exited " in name:
            continue
        print(f"not ok - {kernel}/{name}: reported but not owed")
        bad += 1
    elif n > 1:
        print(f"not ok - {kernel}/{name}: reported {n} times")
        bad += 1
print(f"# {kernel}: {len(owed)} results owed, "
      f"{sum(1 for n in owed if got[n])} came back")
sys.exit(1 if bad else 0)
PY
	grep -q '^not ok' "$res/out" && rc=1
done
exit $rc
