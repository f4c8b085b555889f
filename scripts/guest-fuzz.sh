#!/bin/bash
# Runs inside a test guest (make fuzz, through scripts/vm-run.sh): the packet
# fuzzer, then the system call fuzzer, for long.
#
#   guest-fuzz.sh SECONDS SEGMENTS OPS [SEED]
#
# SECONDS (0: no limit) is shared: the first half for packets, the rest for
# system calls; each fuzzer also stops at its count (SEGMENTS, OPS).  With
# no SEED each fuzzer picks one and prints it.  vm-run.sh fails the run on
# any splat, hung task or kmemleak report.
set -u
secs=${1:-0} segs=${2:-10000000} ops=${3:-2000000} seed=${4:-}
tests=$XTCP_TOP/tests
insmod "$XTCP_BUILD/xtcp.ko" || exit 1
half=0
[ "$secs" = 0 ] || half=$((secs / 2))
rc=0
start=$(date +%s)
"$tests/pktfuzz" --run --segments "$segs" --seconds "$half" ${seed:+--seed "$seed"} || rc=1
left=0
[ "$secs" = 0 ] || left=$((secs - ($(date +%s) - start)))
[ "$secs" = 0 ] || [ "$left" -gt 30 ] || left=30
"$tests/sysfuzz" --run --ops "$ops" --seconds "$left" ${seed:+--seed "$seed"} || rc=1
rmmod xtcp || rc=1
exit $rc
