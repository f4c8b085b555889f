#!/bin/bash
# In a guest: xtcp-bench with an older module, then with this tree's, in
# the same boot, each against TCP: before/after ratios that share a boot.
#   scripts/vm-run.sh --kernel stock --smp 2 -- scripts/bench-compare.sh OLD.ko [xtcp-bench args]
set -e
cd "$(dirname "$0")/.."
old=${1:?usage: bench-compare.sh OLD.ko [xtcp-bench args]}
shift
echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range
for ko in "$old" "$XTCP_BUILD/xtcp.ko"; do
	echo "=== module $ko"
	insmod "$ko"
	tools/xtcp-bench "$@"
	rmmod xtcp
done
