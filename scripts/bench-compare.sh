#!/bin/bash
# In a guest: xtcp-bench with an older module, then with this tree's, in
# the same boot, each against TCP: before/after ratios that share a boot.
#   scripts/vm-run.sh --kernel stock --smp 2 -- scripts/bench-compare.sh OLD.ko [xtcp-bench args]
# With --veth first, only bulk over a veth pair at MTU 1500 between two
# namespaces (bench.sh's second part):
#   scripts/vm-run.sh --kernel stock --smp 2 -- scripts/bench-compare.sh --veth OLD.ko -r 5
# --veth6: the same over IPv6 (2001:db8:bc::/64 on the pair).
set -e
cd "$(dirname "$0")/.."
veth=
if [ "$1" = --veth ] || [ "$1" = --veth6 ]; then
	veth=$1
	shift
fi
old=${1:?usage: bench-compare.sh [--veth|--veth6] OLD.ko [xtcp-bench args]}
shift
echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range
if [ -n "$veth" ]; then
	ip netns add bsrv
	ip link add vbc type veth peer name vbs netns bsrv
	ip addr add 198.51.100.1/24 dev vbc
	ip -n bsrv addr add 198.51.100.2/24 dev vbs
	ip link set vbc mtu 1500 up
	ip -n bsrv link set vbs mtu 1500 up
	ip -n bsrv link set lo up
	ip netns exec bsrv sh -c 'echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range'
	if [ "$veth" = --veth6 ]; then
		ip addr add 2001:db8:bc::1/64 dev vbc nodad
		ip -n bsrv addr add 2001:db8:bc::2/64 dev vbs nodad
		set -- -a 2001:db8:bc::2 -s bsrv -w bulk "$@"
	else
		set -- -a 198.51.100.2 -s bsrv -w bulk "$@"
	fi
fi
for ko in "$old" "$XTCP_BUILD/xtcp.ko"; do
	echo "=== module $ko"
	insmod "$ko"
	tools/xtcp-bench "$@"
	if [ -n "$veth" ]; then
		grep -E "OutSegs|OutGsoSkbs|GsoSegmented|GroMerged|RetransS" /proc/net/xtcp_stats || true
	fi
	# closing connections (orphans, FIN_WAIT) hold the module a while
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmmod xtcp 2>/dev/null && break
		sleep 1
	done
	! grep -q '^xtcp ' /proc/modules
done
[ -z "$veth" ] || ip netns del bsrv
