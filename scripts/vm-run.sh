#!/usr/bin/env bash
# vm-run.sh [options] -- COMMAND [ARGS...]
#
# Boot a QEMU/TCG guest whose root is the host's / (read-only, under a tmpfs
# overlay), run COMMAND there in the current directory, and exit with its
# status.  The run fails (exit 1) when the guest log shows a kernel problem:
# KASAN/UBSAN, lockdep, BUG, WARNING, Oops, panic, hung task, or a kmemleak
# leak (scanned after the command).
#
#   --kernel stock|debug  Debian's 6.1 (default) or the 6.12 debug kernel
#   --timeout SEC         hard limit for the whole run (default 600)
#   --smp N, --mem MB     guest CPUs (default 2) and memory (default 1536)
#   --name NAME           results go to build/vm/NAME (default: the kernel)
#   --qemu ARG            one more QEMU argument (repeat it; scripts/two-vm.sh
#                         adds its NICs this way)
#
# The guest sees XTCP_KERNEL (stock|debug) and XTCP_BUILD (the module build
# directory for that kernel) in its environment.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=stock timeout=600 smp=2 mem=1536 name=
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kind=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--qemu) extra+=("$2"); shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1" ;;
	esac
done
[ $# -gt 0 ] || die "usage: vm-run.sh [options] -- COMMAND..."
name=${name:-$kind}

case "$kind" in
stock)
	rel=$(xtcp_stock_release)
	kernel=$XTCP_CACHE/vmlinux-$rel
	if [ ! -s "$kernel" ]; then
		# The uncompressed ELF boots by PVH, skipping ~3 s of decompression.
		mkdir -p "$XTCP_CACHE"
		x=$(xtcp_src_dir)/scripts/extract-vmlinux
		if [ ! -x "$x" ]; then
			x=$XTCP_CACHE/extract-vmlinux
			tar -xOf "$XTCP_SRC_TARBALL" --wildcards '*/scripts/extract-vmlinux' >"$x"
			chmod +x "$x"
		fi
		"$x" "/boot/vmlinuz-$rel" >"$kernel.tmp"
		mv "$kernel.tmp" "$kernel"
	fi
	;;
debug)
	kernel=$("$XTCP_TOP/scripts/build-kernel.sh")/arch/x86/boot/bzImage
	;;
*) die "--kernel stock|debug" ;;
esac

build=$XTCP_TOP/build
res=$build/vm/$name
initrd=$(xtcp_initramfs "$kind")
mkdir -p "$build/vm"

rm -rf "$res"
mkdir -p "$res"
cp "$XTCP_TOP/scripts/guest-stage2.sh" "$res/stage2"
{
	echo "export XTCP_KERNEL=$kind XTCP_BUILD=$build/$kind XTCP_TOP=$XTCP_TOP"
	printf 'cd %q || exit 125\n' "$PWD"
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$res/cmd"
: >"$res/out"

# Show the command's output as it comes.
tail -n +1 -f "$res/out" --pid=$$ 2>/dev/null &
tailer=$!

# la57=off: with 5-level paging, 6.12's identify_cpu() clears the boot
# CPU's LA57 bit for a moment; a timer interrupt in that window makes KASAN
# see every direct-map access as wild (a false "BUG: KASAN:" at ~2 s, before
# any module is loaded).  Four-level paging has no such window.
# no_timer_check: the boot-time check that the IO-APIC timer ticks gives up
# when a loaded host starves the vCPU ("IO-APIC + timer doesn't work!", a
# panic at 0.04 s); virtual machines skip it, as Xen and KVM guests do.
start=$(date +%s.%N)
set +e
timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
	-accel tcg -M q35 -cpu max,la57=off -smp "$smp" -m "$mem" \
	-nodefaults -no-reboot -display none -vga none -nic none \
	-serial "file:$res/console.log" -monitor none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 no_timer_check reboot=t panic=-1 oops=panic loglevel=7 printk.devkmsg=on log_buf_len=8M" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev "local,id=share,path=$res,security_model=none,multidevs=remap" \
	-device virtio-9p-pci,fsdev=share,mount_tag=xtcpshare \
	"${extra[@]}" \
	</dev/null >"$res/qemu.log" 2>&1
qrc=$?
set -e
sleep 0.2
kill "$tailer" 2>/dev/null || true
wait "$tailer" 2>/dev/null || true
[ -z "$(tail -c1 "$res/out")" ] || echo >&2
secs=$(echo "$(date +%s.%N) - $start" | bc)

fail=0
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "vm-run: TIMEOUT after ${timeout}s ($kind); console: $res/console.log" >&2
	fail=1
elif [ ! -f "$res/rc" ]; then
	echo "vm-run: the guest stopped without finishing (qemu rc $qrc); console tail:" >&2
	tail -n 40 "$res/console.log" >&2
	fail=1
fi

# Kernel problems fail the run even when the command passed.
pattern='BUG:|WARNING:|Oops|Kernel panic|general protection fault|KASAN|UBSAN|'
pattern+='possible circular locking|possible recursive locking|inconsistent lock state|'
pattern+='suspicious RCU usage|INFO: task .* blocked for more than|ODEBUG|'
pattern+='unreferenced object|suspected memory leak|Call Trace:'
if grep -E -h "$pattern" "$res/console.log" "$res/dmesg" 2>/dev/null |
	sort -u | head -n 20 >"$res/problems" && [ -s "$res/problems" ]; then
	echo "vm-run: kernel problems in the guest log ($res):" >&2
	sed 's/^/  | /' "$res/problems" >&2
	fail=1
fi
if [ -s "$res/kmemleak" ]; then
	echo "vm-run: kmemleak found leaks:" >&2
	head -n 30 "$res/kmemleak" | sed 's/^/  | /' >&2
	fail=1
fi

rc=$(cat "$res/rc" 2>/dev/null || echo 1)
printf 'vm-run: %s guest, %.1f s, command exit %s%s\n' "$kind" "$secs" "$rc" \
	"$([ $fail = 0 ] || echo ', RUN FAILED')" >&2
[ $fail = 0 ] || exit 1
exit "$rc"
