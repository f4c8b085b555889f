#!/usr/bin/env bash
# run-kunit.sh [FILTER]: run the KUnit suites in the 6.12 debug guest and
# parse the kernel log with the kernel's own tools/testing/kunit/kunit.py.
# FILTER is a kunit.filter_glob, e.g. 'xtcp_bind' or 'xtcp_bind.xtcp_bind_sockets'.
# Prints "ok - kunit: SUITE.CASE" / "not ok - ..." per case (each instance
# of a parameterised case as SUITE.CASE.PARAM, the case itself too).  Fails,
# with a "not ok" line each time, when a case fails, a case the sources owe
# (scripts/kunit-cases.py) did not report, kunit.py cannot parse the log,
# or the guest log shows a kernel problem.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

filter=${1:-}
res=$XTCP_TOP/build/vm/kunit
"$XTCP_TOP/scripts/vm-run.sh" --kernel debug --name kunit --timeout 1200 \
	-- "$XTCP_TOP/scripts/guest-kunit.sh" $filter
vmrc=$?

log=$res/dmesg
[ -s "$log" ] || log=$res/console.log
sed -n '/xtcp-kunit: start/,$p' "$log" >"$res/ktap.log"
python3 "$(xtcp_src_dir)/tools/testing/kunit/kunit.py" parse \
	--json="$res/kunit.json" "$res/ktap.log" >"$res/kunit-parse.txt" 2>&1
parserc=$?

# The cases the sources owe (scripts/kunit-cases.py; a case function that
# no suite registers fails there), each of which must report: a suite that
# crashed or stopped part-way cannot shrink the total.
owed=$res/owed
python3 "$XTCP_TOP/scripts/kunit-cases.py" "$XTCP_TOP/kunit" >"$owed" 2>"$res/owed.err"
owedrc=$?
sed 's/^/not ok - kunit: /' "$res/owed.err"
python3 - "$res/kunit.json" "$filter" "$owed" <<'PY'
import fnmatch, json, sys
path, flt, owed_path = sys.argv[1:]
owed = [l.strip() for l in open(owed_path) if l.strip()]
if flt:
    glob = flt if "." in flt else flt + ".*"
    owed = [o for o in owed if fnmatch.fnmatch(o, glob)]
try:
    root = json.load(open(path))
except Exception as e:
    print(f"not ok - kunit: parse ({e})")
    for o in owed:
        print(f"not ok - kunit: {o} (no result)")
    sys.exit(1)
bad = 0
reported = set()
def walk(group, prefix, depth):
    """depth 1: suites; a group below a suite is a parameterised case."""
    global bad
    for g in group.get("sub_groups", []):
        if depth >= 1:
            reported.add(prefix + g["name"])
        walk(g, prefix + g["name"] + ".", depth + 1)
    for c in group.get("test_cases", []):
        name = prefix + c["name"]
        if depth == 1:
            reported.add(name)
        skip = c["status"] == "SKIP"
        ok = c["status"] == "PASS" or skip
        bad += not ok
        print(f"{'ok' if ok else 'not ok'} - kunit: {name}"
              + ("" if ok else f" ({c['status']})") + (" # SKIP" if skip else ""))
walk(root, "", 0)
missing = [o for o in owed if o not in reported]
for o in missing:
    print(f"not ok - kunit: {o} (no result)")
bad += len(missing)
print(f"# kunit: {len(owed)} cases owed, {len(owed) - len(missing)} reported")
sys.exit(1 if bad else 0)
PY
pyrc=$?
if [ $parserc != 0 ]; then
	echo "not ok - kunit: kunit.py parse exited $parserc"
fi
if [ $parserc != 0 ] || [ $pyrc != 0 ] || [ $vmrc != 0 ] || [ $owedrc != 0 ]; then
	sed 's/^/  | /' "$res/kunit-parse.txt" | tail -n 30
	[ $vmrc = 0 ] || echo "not ok - kunit: guest run (kernel problems or exit $vmrc)"
	exit 1
fi
