#!/usr/bin/env bash
# two-vm.sh [--filter TEXT]: XTCP between two machines.  Boots the stock
# 6.1 guest and the 6.12 debug guest at once (scripts/vm-run.sh), joined by
# two emulated NICs, each a pair of QEMU "dgram" netdevs that meet only on
# the host's 127.0.0.1 (UDP ports chosen free here):
#
#   virtio-net  192.0.2.1 (stock) <-> 192.0.2.2 (debug)       every test
#   e1000       198.51.100.1      <-> 198.51.100.2            checksum offload
#
# QEMU's virtio-net offers checksum offload only over a backend with a
# vnet header (tap, vhost), never over dgram: there the guests sum in
# software.  QEMU's e1000 model sums at csum_start/csum_offset itself, so
# the second NIC is where a sender's checksum offload is really on.
#
# Each guest runs tests/twovm-guest.sh; the two meet over the link (see
# tests/twovm_test.c).  Prints "ok - two-vm/KIND/GROUP: NAME" lines; the
# results each guest owes are named beforehand (twovm-guest.sh --list) and
# every one that does not come back is a "not ok", as in run-itests.sh.  A
# guest whose log shows a kernel problem, or that did not finish, adds a
# failing "two-vm/KIND: guest run clean".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

filter=
kernels=(stock debug)
bulk_mb=100
# the families twovm_test runs over: both (make check: "4"), or "4" or
# "6" with --families
families="4 6"
v6_mb=
while [ $# -gt 0 ]; do
	case "$1" in
	--filter) filter=$2; shift 2 ;;
	# bulk_sha256's size (make check: 20; the debug guest moves ~0.5 MB/s)
	--bulk-mb) bulk_mb=$2; shift 2 ;;
	--families) families=$2; shift 2 ;;
	# over IPv6, the bulk and checksum transfers' size (make check: 3)
	--v6-mb) v6_mb=$2; shift 2 ;;
	# trying the rig out: the kernels of the "stock" and "debug" sides
	--kernels) kernels=("$2" "$3"); shift 3 ;;
	*) die "usage: two-vm.sh [--filter TEXT] [--bulk-mb N] [--families \"4 6\"] [--v6-mb N] [--kernels K1 K2]" ;;
	esac
done
build=$XTCP_TOP/build
mkdir -p "$build"
owed=$build/two-vm.owed
if ! "$XTCP_TOP/tests/twovm-guest.sh" --list "$filter" "" "$families" >"$owed" || [ ! -s "$owed" ]; then
	echo "not ok - two-vm: no list of tests (tests/twovm-guest.sh --list)"
	exit 1
fi
# both initramfs images now, not by two guests starting at once
for k in "${kernels[@]}"; do
	xtcp_initramfs "$k" >/dev/null || die "no initramfs for $k"
done

# Four free UDP ports on 127.0.0.1: each NIC's two ends.
mapfile -t p < <(python3 - <<'PY'
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]
for x in s:
    x.bind(("127.0.0.1", 0))
for x in s:
    print(x.getsockname()[1])
PY
)
[ ${#p[@]} = 4 ] || die "no free UDP ports"
# nic ID LOCAL REMOTE MODEL MAC: the QEMU arguments of one NIC
nic() {
	printf '%s\n' --qemu -netdev --qemu \
		"dgram,id=$1,local.type=inet,local.host=127.0.0.1,local.port=$2,remote.type=inet,remote.host=127.0.0.1,remote.port=$3" \
		--qemu -device --qemu "$4,netdev=$1,mac=$5"
}

# a side's name in results: its role, and the kernel if another plays it
side_label() {
	local kernel=${kernels[0]}

	[ "$1" = debug ] && kernel=${kernels[1]}
	if [ "$kernel" = "$1" ]; then
		echo "$1"
	else
		echo "$1-on-$kernel"
	fi
}

t0=$(date +%s)
pids=()
for k in stock debug; do
	if [ $k = stock ]; then
		n=1 a=0 b=1 kernel=${kernels[0]}
	else
		n=2 a=1 b=0 kernel=${kernels[1]}
	fi
	mapfile -t args < <(nic n0 "${p[a]}" "${p[b]}" virtio-net-pci "52:54:00:00:02:0$n"
			    nic n1 "${p[a + 2]}" "${p[b + 2]}" e1000 "52:54:00:00:03:0$n")
	(
		"$XTCP_TOP/scripts/vm-run.sh" --kernel "$kernel" --name "twovm-$k" --timeout 1500 \
			"${args[@]}" -- "$XTCP_TOP/tests/twovm-guest.sh" $k "$filter" "$bulk_mb" "$families" "$v6_mb" 2>&1 |
			sed -u -e "s|^\(not \)\{0,1\}ok - |&two-vm/$(side_label $k)/|;t" -e "s|^|  [$k] |"
		echo "${PIPESTATUS[0]}" >"$build/two-vm-$k.rc"
	) &
	pids+=($!)
done
wait "${pids[@]}"
echo "# two-vm: both guests done in $(( $(date +%s) - t0 )) s"

rc=0
for k in stock debug; do
	if [ "$(cat "$build/two-vm-$k.rc" 2>/dev/null)" = 0 ]; then
		echo "ok - two-vm/$(side_label $k): guest run clean"
	else
		echo "not ok - two-vm/$(side_label $k): guest run clean"
		rc=1
	fi
	"$XTCP_TOP/scripts/owed-results.py" "two-vm/$(side_label $k)" "$owed" \
		"$build/vm/twovm-$k/out" || rc=1
	grep -q '^not ok' "$build/vm/twovm-$k/out" 2>/dev/null && rc=1
done
exit $rc
