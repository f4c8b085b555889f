#!/bin/bash
# make demo, inside the stock guest: load xtcp.ko, run the demo, unload.
set -e
cd "$(dirname "$0")/.."
insmod "$XTCP_BUILD/xtcp.ko"
echo "insmod xtcp.ko: $(dmesg | grep 'xtcp: IP protocol' | tail -n1 | sed 's/^\[[^]]*\] //')"
# the demo prints state transitions from the tracepoint xtcp:xtcp_set_state
[ -d /sys/kernel/tracing/events ] ||
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
tools/xtcp-demo
rmmod xtcp
echo
echo "rmmod xtcp: ok"
