#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
kunit-cases.py KUNIT_DIR: the KUnit cases the sources owe, as "suite.case"
lines (a parameterised case once: its instances are checked by kunit.py's
parse of the run).  Exits 1, naming them, when a function shaped like a case
(static void NAME(struct kunit *test)) is neither registered in a suite nor
called by other test code: a case dropped from its suite's array.
"""
import glob
import os
import re
import sys

root = sys.argv[1]
src = {p: open(p).read() for p in sorted(glob.glob(os.path.join(root, "*.c")))}
allsrc = "\n".join(src.values())
owed, bad = [], []
for path, s in src.items():
    arrays = {}
    for m in re.finditer(r"static struct kunit_case (\w+)\[\]\s*=\s*\{(.*?)\};", s, re.S):
        arrays[m.group(1)] = re.findall(r"KUNIT_CASE\w*\(\s*(\w+)", m.group(2))
    registered = set()
    for m in re.finditer(r"static struct kunit_suite \w+\s*=\s*\{(.*?)\};", s, re.S):
        name = re.search(r'\.name\s*=\s*"(\w+)"', m.group(1)).group(1)
        cases = re.search(r"\.test_cases\s*=\s*(\w+)", m.group(1)).group(1)
        for c in arrays.get(cases, []):
            owed.append(f"{name}.{c}")
            registered.add(c)
    for fn in re.findall(r"^static void (\w+)\(struct kunit \*test\)$", s, re.M):
        if fn in registered:
            continue
        # called (or referenced) anywhere but at its definition: a helper
        if len(re.findall(r"\b%s\b" % fn, allsrc)) > 1:
            continue
        bad.append(f"{os.path.basename(path)}: {fn}")
for c in owed:
    print(c)
for b in bad:
    print(f"not registered in any suite: {b}", file=sys.stderr)
sys.exit(1 if bad or not owed else 0)
