#!/bin/bash
# make bench, inside a guest: xtcp-bench with TCP and XTCP side by side.
set -e
cd "$(dirname "$0")/.."
insmod "$XTCP_BUILD/xtcp.ko"
echo "kernel $(uname -r), $(nproc) vCPU, loopback"
tools/xtcp-bench "$@"
rmmod xtcp
