#!/usr/bin/env bash
# mkinitramfs.sh KIND OUT: a busybox initramfs running scripts/guest-init.
# KIND=stock adds the 9p/virtio/overlay modules Debian builds as modules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:?stock|debug}
out=${2:?output file}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp"/{bin,dev,proc,sys,mods}
cp /bin/busybox "$tmp/bin/busybox"
for app in sh mount umount mkdir insmod cat echo reboot switch_root sleep; do
	ln -s busybox "$tmp/bin/$app"
done
install -m 0755 "$XTCP_TOP/scripts/guest-init" "$tmp/init"
if [ "$kind" = stock ]; then
	rel=$(xtcp_stock_release)
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -S "$rel" --show-depends "$m"
	done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
	while read -r ko; do
		cp "$ko" "$tmp/mods/"
		basename "$ko" >>"$tmp/modules.list"
	done
fi
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
