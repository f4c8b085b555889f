#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Several packet-test programs (*_pkt_test.py) in one Python process, so
that scapy is imported once: under TCG its import takes seconds per
process, tens of seconds in the debug guest.

    XTCP_PKT_SUITES="wire_pkt_test.py hostile_pkt_test.py ..." \\
        pkt_suites.py [--list] [FILTER]

runs each named program's main() in turn with the same arguments, so each
selects, lists and prints exactly as when run alone, and after each prints
its wall time as run-guest-tests.sh does for a program ("# time: NAME N s",
NAME ending in 6 in a v6 run).  A program that raises instead of returning
gets a "not ok - NAME: crashed" line.  Exits 1 if any program failed.
"""
import importlib
import os
import sys
import time
import traceback


def main():
    names = os.environ.get("XTCP_PKT_SUITES", "").split()
    if not names:
        print("not ok - pkt_suites: XTCP_PKT_SUITES names no program")
        return 1
    args = sys.argv[1:]
    listing = bool(args) and args[0] == "--list"
    v6 = os.environ.get("XTCP_TEST_FAMILY") == "6"
    failed = 0
    for name in names:
        t0 = time.monotonic()
        sys.argv = [name] + args
        try:
            # each *_pkt_test.py has a main(), as "python3 NAME" runs it
            rc = importlib.import_module(name[:-3]).main()
        except SystemExit as e:
            rc = e.code
        except BaseException:
            # listing, the lines on stdout are test names: say it apart
            out = sys.stderr if listing else sys.stdout
            for line in traceback.format_exc().rstrip().splitlines():
                print("  | " + line, file=out)
            if not listing:
                print("not ok - %s: crashed" % name)
            rc = 1
        sys.stdout.flush()
        failed += rc not in (0, None)
        if not listing:
            print("# time: %s%s %d s" % (name, "6" if v6 else "",
                                        time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
