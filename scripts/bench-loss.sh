#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-loss, inside a guest: a benchmark, not a test (issue 14).
# Bulk goodput of XTCP and kernel TCP between two namespaces over a veth
# pair (MTU 1500), the client's side under netem: 20 ms delay and 1%, 5%,
# 10% loss of the data (the ACK direction is left clean), medians of 15
# below 5% loss and of 3 from it (a run at 5% takes 15 s; at 1% whether a
# loss hits the first round trips moves a run 3x either way, and medians
# of 7 moved the ratio from 0.80 to 1.16 between boots), or of LOSS_RUNS
# (xtcp-bench -r; TCP and XTCP interleaved), printed as
# MB/s and the XTCP/TCP ratio.  Arguments: the MiB per transfer (default
# 4), then the loss percentages (default "1 5 10 1r"; "Nr" adds reordering).  After each loss level, the
# sender's recovery counters over that level's runs and the receiver's
# (its duplicates: D-SACKs sent, PAWS drops): kernel TCP's
# (/proc/net/netstat, /proc/net/snmp) and XTCP's (/proc/net/xtcp_stats),
# those SWANT and RWANT name (empty: every counter that moved).
set -eu
cd "$(dirname "$0")/.."
mib=${1:-4}
losses=${2:-1 5 10 1r}
lsmod | grep -q '^xtcp ' || insmod "$XTCP_BUILD/xtcp.ko"
ip netns add lsrv
trap 'ip netns del lsrv 2>/dev/null; rmmod xtcp 2>/dev/null || true' EXIT
ip link add vlc type veth peer name vls netns lsrv
ip addr add 198.51.100.1/24 dev vlc
ip -n lsrv addr add 198.51.100.2/24 dev vls
# One segment per skb from both stacks: netem drops a GSO skb whole
# (sch_netem.c segments only to corrupt), so with GSO "1%" would be 1% of
# super-segments, and a stack that sends fewer, larger skbs would lose
# fewer, longer bursts (a 64 KiB one is 45 segments).  A real path loses
# packets; so does this one.
ip link set vlc mtu 1500 gso_max_segs 1 up
ip -n lsrv link set vls mtu 1500 up
ip -n lsrv link set lo up
ip netns exec lsrv sh -c 'echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range'
# "Name value" lines: TCP's TcpExt and Tcp counters, or XTCP's
tcp_counters() {
	cat /proc/net/netstat /proc/net/snmp | awk '
		$1 == "TcpExt:" || $1 == "Tcp:" {
			if (!h[$1]) { for (i = 2; i <= NF; i++) n[$1, i] = $i; h[$1] = 1; next }
			for (i = 2; i <= NF; i++) print n[$1, i], $i; h[$1] = 0 }'
}
xtcp_counters() {
	cat /proc/net/xtcp_stats
}
# the counters that moved, of those that tell where goodput went
delta() {
	sort "$1" >"$1.s"
	sort "$2" >"$2.s"
	join "$1.s" "$2.s" | awk -v want="$3" '
		BEGIN { split(want, w, " "); for (i in w) k[w[i]] = 1 }
		(want == "" || $1 in k) && $3 - $2 { printf " %s=%d", $1, $3 - $2 }'
	echo
}
want="${SWANT-OutSegs RetransSegs TCPTimeouts TCPFastRetrans TCPLossProbes TCPLossProbeRecovery TCPSackRecovery TCPSACKReneging TCPDSACKRecv TCPLostRetransmit TCPSpuriousRTOs TCPLossUndo TCPSackRecoveryFail TCPRenoRecovery TCPDSACKUndo TCPSpuriousRtxHostQueues}"
# the receiver's: duplicates it saw (each one a segment resent in vain)
rwant="${RWANT-InSegs OutSegs PAWSEstab TCPDSACKOldSent TCPDSACKOfoSent}"
cdir=$(mktemp -d)
echo "# bulk $mib MiB over veth (gso_max_segs 1), 20 ms delay, $(nproc) vCPU"
echo "# sack=$(cat /proc/sys/net/xtcp/sack) timestamps=$(cat /proc/sys/net/xtcp/timestamps)"
for loss in $losses; do
	# "Nr": N% loss and reordering, the delay 20 ms +- 5 ms per packet
	# (netem's queue sorts by send time, so jitter reorders)
	case $loss in
	*r)	loss=${loss%r}; jitter="5ms"; what="loss $loss%, jitter 5 ms (reordering)" ;;
	*)	jitter=""; what="loss $loss%" ;;
	esac
	# shellcheck disable=SC2086 # no jitter: no word
	tc qdisc replace dev vlc root netem delay 20ms $jitter loss "$loss"%
	# (netem takes "0.5"; the shell compares the whole part)
	whole=${loss%%.*}
	runs=${LOSS_RUNS:-$((${whole:-0} < 5 ? 15 : 3))}
	echo "== $what, medians of $runs"
	tcp_counters >"$cdir/t0"
	xtcp_counters >"$cdir/x0"
	ip netns exec lsrv bash -c "$(declare -f tcp_counters xtcp_counters); tcp_counters >$cdir/rt0; xtcp_counters >$cdir/rx0"
	tools/xtcp-bench -a 198.51.100.2 -s lsrv -w bulk -m "$mib" -r "$runs"
	tcp_counters >"$cdir/t1"
	xtcp_counters >"$cdir/x1"
	ip netns exec lsrv bash -c "$(declare -f tcp_counters xtcp_counters); tcp_counters >$cdir/rt1; xtcp_counters >$cdir/rx1"
	echo -n "TCP sender: "
	delta "$cdir/t0" "$cdir/t1" "$want"
	echo -n "XTCP sender:"
	delta "$cdir/x0" "$cdir/x1" "$want"
	echo -n "TCP receiver: "
	delta "$cdir/rt0" "$cdir/rt1" "$rwant"
	echo -n "XTCP receiver:"
	delta "$cdir/rx0" "$cdir/rx1" "$rwant"
done
tc qdisc del dev vlc root
