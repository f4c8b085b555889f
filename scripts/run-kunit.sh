#!/usr/bin/env bash
# run-kunit.sh [FILTER]: run the KUnit suites in the 6.12 debug guest and
# parse the kernel log with the kernel's own tools/testing/kunit/kunit.py.
# FILTER is a kunit.filter_glob, e.g. 'xtcp_bind' or 'xtcp_bind.xtcp_bind_sockets'.
# Prints "ok - kunit: SUITE.CASE" / "not ok - ..." per case.  Fails when a
# case fails, a suite in kunit/*.c did not report, or the guest log shows
# a kernel problem.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

filter=${1:-}
res=$XTCP_TOP/build/vm/kunit
"$XTCP_TOP/scripts/vm-run.sh" --kernel debug --name kunit --timeout 600 \
	-- "$XTCP_TOP/scripts/guest-kunit.sh" $filter
vmrc=$?

log=$res/dmesg
[ -s "$log" ] || log=$res/console.log
sed -n '/xtcp-kunit: start/,$p' "$log" >"$res/ktap.log"
python3 "$(xtcp_src_dir)/tools/testing/kunit/kunit.py" parse \
	--json="$res/kunit.json" "$res/ktap.log" >"$res/kunit-parse.txt" 2>&1
parserc=$?

# Suites the sources declare must all have reported (unless filtered out).
expected=$(grep -ho '\.name = "xtcp_[a-z0-9_]*"' "$XTCP_TOP"/kunit/*.c |
	sed 's/.*"\(.*\)"/\1/' | sort -u)
python3 - "$res/kunit.json" "$filter" $expected <<'PY'
import json, sys
path, flt, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    root = json.load(open(path))
except Exception as e:
    print(f"not ok - kunit: parse ({e})")
    sys.exit(1)
bad = 0
seen = set()
def walk(group, prefix):
    global bad
    for g in group.get("sub_groups", []):
        seen.add(g["name"])
        walk(g, g["name"] + ".")
    for c in group.get("test_cases", []):
        ok = c["status"] in ("PASS", "SKIP")
        bad += not ok
        print(f"{'ok' if ok else 'not ok'} - kunit: {prefix}{c['name']}"
              + ("" if ok else f" ({c['status']})"))
walk(root, "")
for s in expected:
    if flt and not s.startswith(flt.split(".")[0]):
        continue
    if s not in seen:
        print(f"not ok - kunit: {s} (suite did not report)")
        bad += 1
sys.exit(1 if bad else 0)
PY
pyrc=$?
if [ $parserc != 0 ] || [ $pyrc != 0 ] || [ $vmrc != 0 ]; then
	sed 's/^/  | /' "$res/kunit-parse.txt" | tail -n 30
	[ $vmrc = 0 ] || echo "not ok - kunit: guest run (kernel problems or exit $vmrc)"
	exit 1
fi
