#!/bin/bash
# make demo, inside the stock guest: load xtcp.ko, run the demo, unload.
set -e
cd "$(dirname "$0")/.."
insmod "$XTCP_BUILD/xtcp.ko"
echo "insmod xtcp.ko: $(dmesg | grep 'xtcp: IP protocol' | tail -n1 | sed 's/^\[[^]]*\] //')"
tools/xtcp-demo
rmmod xtcp
echo
echo "rmmod xtcp: ok"
