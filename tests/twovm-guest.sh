#!/bin/bash
# Runs inside each of the two guests of scripts/two-vm.sh (the stock 6.1
# and the 6.12 debug kernel, joined by two emulated NICs): brings up the
# NICs, loads xtcp.ko, meets the other guest over the link and runs
# twovm_test there.  Prints "ok - GROUP: NAME" / "not ok - GROUP: NAME".
#
#   twovm-guest.sh stock|debug [FILTER [BULK_MB [FAMILIES [V6_MB]]]]   this guest's side
#   twovm-guest.sh --list [FILTER [- [FAMILIES]]]   the results each guest owes
# FAMILIES: "4 6" (the default), "4" or "6"
# V6_MB: over IPv6, the bulk and checksum-offload transfers' size in MB
# instead of BULK_MB and 8 (make check: 3, for time)
#
# NICs, found by MAC (N = 1 stock, 2 debug; scripts/two-vm.sh sets them):
#   52:54:00:00:02:0N  virtio-net  192.0.2.N/24, 2001:db8:2::N/64     every test
#   52:54:00:00:03:0N  e1000       198.51.100.N/24, 2001:db8:3::N/64  checksum offload
# twovm_test runs once per family: over IPv4 ("twovm4"), over IPv6 ("twovm6").
set -u
cd "$(dirname "$0")" || exit 1

# t NAME COMMAND...: one result of this script's own.
t() {
	local name=$1 out
	shift
	local want=1
	case "twovm: $name" in *"$filter"*) ;; *) want=0 ;; esac
	if [ "$role" = --list ]; then
		[ $want = 0 ] || echo "twovm: $name"
		return 0
	fi
	# the steps run whatever FILTER says; a failure is reported even
	# when not owed (the host then fails it as such)
	if out=$("$@" 2>&1); then
		[ $want = 0 ] || echo "ok - twovm: $name"
		[ $want = 0 ] || [ -z "$out" ] || echo "$out" | sed 's/^/# /'
	else
		echo "not ok - twovm: $name"
		echo "$out" | sed 's/^/  | /'
		return 1
	fi
}

role=${1:?stock|debug|--list}
filter=${2:-}
families=${4:-4 6}
if [ "$role" = --list ]; then
	t nics_up true
	t peer_met true
	for fam in $families; do
		XT_TWOVM_FAMILY=$fam ./twovm_test --list "$filter"
	done
	t rmmod_after_the_tests true
	exit 0
fi
case "$role" in
stock) n=1 ;;
debug) n=2 ;;
*) echo "unknown role $role" >&2; exit 2 ;;
esac
ko=${XTCP_BUILD:-/nonexistent}/xtcp.ko

# The interface with MAC $1, waiting for its driver up to 10 s.
dev_of() {
	local _ d
	for _ in $(seq 100); do
		d=$(ip -br link | awk -v m="$1" '$3 == m { print $1 }')
		[ -n "$d" ] && { echo "$d"; return 0; }
		sleep 0.1
	done
	return 1
}

nics_up() {
	# Debian builds both drivers as modules; the debug kernel has them built in
	[ "${XTCP_KERNEL:-}" != stock ] || modprobe -a virtio_net e1000 || return 1
	dev=$(dev_of 52:54:00:00:02:0$n) && csum_dev=$(dev_of 52:54:00:00:03:0$n) ||
		{ ip -br link; return 1; }
	ip addr add 192.0.2.$n/24 dev "$dev" &&
	ip addr add 2001:db8:2::$n/64 dev "$dev" nodad && ip link set "$dev" up &&
	ip addr add 198.51.100.$n/24 dev "$csum_dev" &&
	ip addr add 2001:db8:3::$n/64 dev "$csum_dev" nodad &&
	ip link set "$csum_dev" up || return 1
	echo "virtio-net $dev ($(ethtool -i "$dev" | sed -n 's/^driver: //p')):" \
		"$(ethtool -k "$dev" | grep -E '^tx-checksumming|tx-checksum-ip-generic' | tr -s '\t\n' '  ')"
	echo "e1000 $csum_dev ($(ethtool -i "$csum_dev" | sed -n 's/^driver: //p')):" \
		"$(ethtool -k "$csum_dev" | grep -E '^tx-checksumming|tx-checksum-ip-generic' | tr -s '\t\n' '  ')"
	# client ports above every fixed port of twovm_test (42000..42199)
	echo "50000 65001" >/proc/sys/net/ipv4/ip_local_port_range
	insmod "$ko"
}

dev=eth0 csum_dev=eth1
if ! t nics_up nics_up; then
	ip -br addr
fi
# nics_up ran in a subshell: find the names again
dev=$(dev_of 52:54:00:00:02:0$n) csum_dev=$(dev_of 52:54:00:00:03:0$n)
export XT_TWOVM_BULK_MB=${3:-100} XT_TWOVM_ROLE=$role XT_TWOVM_FAMILY=4 XT_TWOVM_DEV=$dev XT_TWOVM_CSUM_DEV=$csum_dev
ip -br addr | sed 's/^/# /'
# The guests boot at their own speed (the debug one slower): wait long here.
t peer_met ./twovm_test --sync hello 300
v6_mb=${5:-}
for fam in $families; do
	if [ "$fam" = 6 ] && [ -n "$v6_mb" ]; then
		XT_TWOVM_BULK_MB=$v6_mb XT_TWOVM_CSUM_MB=$v6_mb \
			XT_TWOVM_FAMILY=$fam ./twovm_test "$filter"
	else
		XT_TWOVM_FAMILY=$fam ./twovm_test "$filter"
	fi
done
./twovm_test --sync bye 120 || echo "# the other guest did not reach the end"
# what IPv6 and ICMPv6 saw (a protocol error would show here first)
grep -E '^(Ip6InUnknownProtos|Ip6InDiscards|Icmp6(In|Out)(ParmProblems|DestUnreachs|PktTooBigs))' \
	/proc/net/snmp6 | tr -s ' \t' ' ' | sed 's/^/# /'
nstat -az TcpExtPFMemallocDrop 2>/dev/null | sed -n 's/^TcpExt/# /p'
grep -iE 'drop|backlog' /proc/net/xtcp_stats | grep -v ' 0$' | sed 's/^/# /'
tc qdisc del dev "$dev" root 2>/dev/null
# Nothing may stay armed once the last socket is gone: rmmod within 5 s
rmmod_soon() {
	local _
	for _ in $(seq 50); do
		rmmod xtcp 2>/dev/null && return 0
		sleep 0.1
	done
	echo "refcnt $(cat /sys/module/xtcp/refcnt)"
	# sockets still allocated (the stock kernel gives XTCP a slab of its own)
	grep -E '^XTCP' /proc/slabinfo | cut -c1-60
	# A socket's last segments waiting in a TX ring (virtio-net frees
	# sent skbs lazily) would go with more traffic: a leak would not.
	ping -6 -c 2 -i 0.2 -W 1 2001:db8:2::$((3 - n)) >/dev/null 2>&1
	ping -6 -c 2 -i 0.2 -W 1 2001:db8:3::$((3 - n)) >/dev/null 2>&1
	sleep 1
	echo "after ping -6 on both NICs: refcnt $(cat /sys/module/xtcp/refcnt)"
	cat /proc/net/xtcp /proc/net/xtcp6
	grep -iE '^(protocol|xtcp)' /proc/net/protocols | cut -c1-60
	grep -E 'Orphans|TimeWait|Estab|Opens' /proc/net/xtcp_stats
	ps ax
	return 1
}
t rmmod_after_the_tests rmmod_soon
exit 0
