#!/usr/bin/env bash
# Install the Debian packages that building and testing XTCP need.
# Quiet and quick when everything is already there.
set -euo pipefail

pkgs=(
	# the two kernels: Debian's stock 6.1 (image + headers) and 6.12's source
	linux-image-amd64 linux-headers-amd64 linux-source-6.12
	# building the module and the 6.12 kernel
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio
	xz-utils zstd rsync kmod sparse python3
	# dkms_install (the stock guest): dkms.conf through DKMS.  Its depends
	# are the build's (gcc, make, kmod, patch, dpkg-dev, lsb-release); its
	# recommends (sudo, fakeroot, headers) stay out; installing it builds
	# nothing (only a kernel package's hook does, for modules dkms added)
	dkms
	# the QEMU rig and what the guest uses from the host's root
	qemu-system-x86 busybox-static iproute2 iputils-ping python3-scapy
	# two-vm: NIC checksum offload on and off
	ethtool
	# tools_test: the tshark dissector (tools/xtcp.lua), nstat, the man pages
	tshark groff-base man-db
	# tests/preload_test.sh: real programs under tools/xtcp-run
	curl socat netcat-openbsd iperf3 redis-server redis-tools nginx-light
	apache2-utils wrk openssh-server openssh-client
)

missing=()
for p in "${pkgs[@]}"; do
	case "$p" in \#*) continue ;; esac
	dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture: they may not
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
