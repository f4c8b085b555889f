#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-loss, inside a guest: a benchmark, not a test (issue 14).
# Bulk goodput of XTCP and kernel TCP between two namespaces over a veth
# pair (MTU 1500), the client's side under netem: 20 ms delay and 1%, 5%,
# 10% loss of the data (the ACK direction is left clean), medians of 3
# (xtcp-bench -r 3, TCP and XTCP interleaved), printed as MB/s and the
# XTCP/TCP ratio.  Arguments: the MiB per transfer (default 4), then the
# loss percentages (default "1 5 10").
set -eu
cd "$(dirname "$0")/.."
mib=${1:-4}
losses=${2:-1 5 10}
lsmod | grep -q '^xtcp ' || insmod "$XTCP_BUILD/xtcp.ko"
ip netns add lsrv
trap 'ip netns del lsrv 2>/dev/null; rmmod xtcp 2>/dev/null || true' EXIT
ip link add vlc type veth peer name vls netns lsrv
ip addr add 198.51.100.1/24 dev vlc
ip -n lsrv addr add 198.51.100.2/24 dev vls
ip link set vlc mtu 1500 up
ip -n lsrv link set vls mtu 1500 up
ip -n lsrv link set lo up
ip netns exec lsrv sh -c 'echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range'
echo "# bulk $mib MiB over veth, 20 ms delay, medians of 3, $(nproc) vCPU"
echo "# sack=$(cat /proc/sys/net/xtcp/sack) timestamps=$(cat /proc/sys/net/xtcp/timestamps)"
for loss in $losses; do
	tc qdisc replace dev vlc root netem delay 20ms loss "$loss"%
	echo "== loss $loss%"
	tools/xtcp-bench -a 198.51.100.2 -s lsrv -w bulk -m "$mib" -r 3
done
tc qdisc del dev vlc root
