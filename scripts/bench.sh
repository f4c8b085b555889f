#!/bin/bash
# make bench, inside a guest: xtcp-bench with TCP and XTCP interleaved, on
# loopback and over a veth pair at MTU 1500 between two namespaces.
# Arguments go to xtcp-bench (e.g. -r 7).
set -e
cd "$(dirname "$0")/.."
insmod "$XTCP_BUILD/xtcp.ko"
# ephemeral ports above the benchmark's fixed ones (43000-43002): a
# client's port in TIME_WAIT would make a listen() there fail
echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range
echo "kernel $(uname -r), $(nproc) vCPU"
echo "== loopback"
tools/xtcp-bench "$@"
ip netns add bsrv
ip link add vbc type veth peer name vbs netns bsrv
ip addr add 198.51.100.1/24 dev vbc
ip -n bsrv addr add 198.51.100.2/24 dev vbs
ip link set vbc mtu 1500 up
ip -n bsrv link set vbs mtu 1500 up
ip -n bsrv link set lo up
ip netns exec bsrv sh -c 'echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range'
echo "== veth, MTU 1500, server in another namespace"
tools/xtcp-bench -a 198.51.100.2 -s bsrv -w bulk "$@"
ip netns del bsrv
rmmod xtcp
