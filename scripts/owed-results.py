#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""owed-results.py LABEL OWED OUT: check a guest's results against the list
of names it owed (one per line in OWED, named on the host beforehand).

OUT holds the guest's "ok - NAME" / "not ok - NAME" lines.  Every owed name
that did not come back is reported (and each group short of results gets
"not ok - LABEL/GROUP: N results missing"), so a program that did not start
or a guest that died cannot shrink the total; a result nobody owed, or one
reported twice, fails too.  Exits 1 on any of these.  Used by run-itests.sh
and two-vm.sh."""
import re
import sys
from collections import Counter, OrderedDict

label, owed_path, out_path = sys.argv[1:]
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
        print(f"  no result for {label}/{n}")
    print(f"not ok - {label}/{group}: {len(names)} results missing")
    bad += 1
owed_set = set(owed)
for name, n in got.items():
    if name not in owed_set:
        # a program's own summary lines, not results
        if name.endswith("with no failing test") or ": exited " in name:
            continue
        print(f"not ok - {label}/{name}: reported but not owed")
        bad += 1
    elif n > 1:
        print(f"not ok - {label}/{name}: reported {n} times")
        bad += 1
print(f"# {label}: {len(owed)} results owed, "
      f"{sum(1 for n in owed if got[n])} came back")
sys.exit(1 if bad else 0)
