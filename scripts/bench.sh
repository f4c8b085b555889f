#!/bin/bash
# make bench, inside a guest: xtcp-bench with TCP and XTCP interleaved, on
# loopback and over a veth pair at MTU 1500 between two namespaces.
# Arguments go to xtcp-bench (e.g. -r 7).  With -w naming only the scale
# workloads (churn, many, tw), only those run, on loopback.
# --profile (first): instead, each workload once under perf (cpu-clock,
# all CPUs, call graphs), its top symbols written to $XTCP_PROFILE_DIR
# (default /xtcp, the run's results directory: build/vm/NAME on the host)
# as profile-WORKLOAD.txt.
# --count N [WORKLOAD] (first): instead, N units of one workload (connect:
# connect/accept/close, the default; rr: transactions; bulk: MiB) of each
# protocol under perf stat (allocations, timer arms, segments, context
# switches), printed per unit, TCP beside XTCP.
set -e
cd "$(dirname "$0")/.."
profile=0 count=0 icount=0
# --icount (first of all): the guest runs under QEMU -icount shift=0 (make
# bench ICOUNT=1); the figures are said to be in guest instructions
if [ "${1:-}" = --icount ]; then
	icount=1
	shift
fi
if [ "${1:-}" = --profile ]; then
	profile=1
	shift
elif [ "${1:-}" = --count ]; then
	count=$2 cwork=connect
	shift 2
	case "${1:-}" in
	connect|rr|bulk) cwork=$1; shift ;;
	esac
fi
insmod "$XTCP_BUILD/xtcp.ko"
# ephemeral ports above the benchmark's fixed ones (43000-43002): a
# client's port in TIME_WAIT would make a listen() there fail
echo "50000 65000" >/proc/sys/net/ipv4/ip_local_port_range
# the scale workloads hold two descriptors a connection
echo 4200000 >/proc/sys/fs/nr_open
echo 8400000 >/proc/sys/fs/file-max
# One TIME_WAIT budget for both: TCP's default scales with memory (8192
# entries in a 1.5 GiB guest; past it a connection closes without
# TIME_WAIT), XTCP's is 262144.  Each keeps TIME_WAIT for every
# connection of connect and churn, as RFC 9293 has it.
tw_max=$(cat /proc/sys/net/xtcp/max_tw_buckets)
echo "$tw_max" >/proc/sys/net/ipv4/tcp_max_tw_buckets
echo "kernel $(uname -r), $(nproc) vCPU, $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MiB, max_tw_buckets $tw_max (TCP and XTCP)"
if [ "$icount" = 1 ]; then
	echo "# the guest's clock counts its instructions (QEMU -icount shift=0): a"
	echo "# microsecond is 1000 instructions, X/s is per 10^9 instructions, and"
	echo "# a ratio compares the work each stack makes the CPU do"
fi

work=bulk,rr,connect
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	[ "${args[i]}" = -w ] && work=${args[i + 1]}
done

if [ "$count" != 0 ]; then
	events=kmem:kmem_cache_alloc,kmem:kmalloc,kmem:mm_page_alloc,skb:kfree_skb,skb:consume_skb
	events+=,timer:hrtimer_start,timer:hrtimer_cancel,timer:timer_start,timer:timer_cancel
	events+=,net:net_dev_xmit,irq:softirq_entry,sched:sched_switch,sched:sched_wakeup
	for p in tcp xtcp; do
		case $cwork in
		connect) set -- -c "$count" ;;
		rr) set -- -n "$count" ;;
		bulk) set -- -m "$count" ;;
		esac
		perf stat -a -x, -e "$events" -o /run/count-$p.csv -- \
			tools/xtcp-bench -p $p -w $cwork "$@"
	done
	case $cwork in
	connect) unit="connection (connect + accept + close, both ends)" ;;
	rr) unit="1-byte transaction (both ends)" ;;
	bulk) unit="MiB of bulk (both ends)" ;;
	esac
	echo "# per $unit, $count of each, $(nproc) vCPU"
	printf '%-26s %10s %10s %8s\n' event TCP XTCP XTCP/TCP
	python3 - "$count" /run/count-tcp.csv /run/count-xtcp.csv <<'PY'
import sys
n = int(sys.argv[1])
def read(path):
    d = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) > 2 and f[0].replace(".", "").isdigit():
            d[f[2]] = float(f[0])
    return d
t, x = read(sys.argv[2]), read(sys.argv[3])
for k in t:
    a, b = t[k] / n, x.get(k, 0) / n
    print(f"{k:26s} {a:10.2f} {b:10.2f} {b / a if a else 0:8.2f}")
PY
	rmmod xtcp
	exit 0
fi

if [ $profile = 1 ]; then
	out=${XTCP_PROFILE_DIR:-/xtcp}
	perf=$(command -v perf)
	for w in ${work//,/ }; do
		echo "== profile: $w"
		"$perf" record -q -a -g -e cpu-clock -o /run/perf-$w.data -- \
			tools/xtcp-bench "$@" -r 1 -w "$w"
		{
			echo "# perf record -a -g -e cpu-clock: xtcp-bench -w $w ($(nproc) vCPU, TCP and XTCP runs together)"
			"$perf" report -i /run/perf-$w.data --stdio --no-children \
				--sort sym --percent-limit 0.05 -g none 2>/dev/null |
				grep -v '^$' | head -n 60
		} >"$out/profile-$w.txt"
		head -n 20 "$out/profile-$w.txt"
		rm -f /run/perf-$w.data
	done
	rmmod xtcp
	exit 0
fi

echo "== loopback"
tools/xtcp-bench "$@"
case ",$work," in
*,bulk,*) ;;
*) rmmod xtcp; exit 0 ;;
esac
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
