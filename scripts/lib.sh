# shellcheck shell=bash
# Shared settings for the XTCP rig scripts (sourced, never run).

XTCP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XTCP_CACHE=${XTCP_CACHE:-/var/cache/xtcp}
XTCP_SRC_TARBALL=${XTCP_SRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Debian's package version of the 6.12 source, e.g. 6.12.117-1.
xtcp_src_version() {
	dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed (run: make deps)"
}

# Cache key of the debug kernel: source version + fragment + compiler.
xtcp_kernel_key() {
	local h
	h=$( { cat "$XTCP_TOP/scripts/kernel.config"; gcc --version | head -n1; } |
		sha256sum | cut -c1-12)
	echo "$(xtcp_src_version)-$h"
}

xtcp_kernel_dir() { echo "$XTCP_CACHE/kernel-$(xtcp_kernel_key)"; }
xtcp_src_dir() { echo "$XTCP_CACHE/src-$(xtcp_src_version)"; }

# The newest Debian 6.1 kernel installed: headers dir, vmlinuz, release.
xtcp_stock_release() {
	local r
	r=$(find /lib/modules -maxdepth 1 -name '6.1.*-amd64' -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
	[ -n "$r" ] || die "no Debian 6.1 kernel under /lib/modules (run: make deps)"
	echo "$r"
}
xtcp_stock_headers() { echo "/usr/src/linux-headers-$(xtcp_stock_release)"; }

# The guest's initramfs for KIND (stock|debug), made when missing or older
# than its sources; prints its path.  Two guests starting at once (make
# two-vm) must not both make it: scripts/two-vm.sh calls this first.
xtcp_initramfs() {
	local initrd=$XTCP_TOP/build/initramfs-$1.cpio.gz
	if [ ! -s "$initrd" ] || [ "$XTCP_TOP/scripts/guest-init" -nt "$initrd" ] ||
	   [ "$XTCP_TOP/scripts/mkinitramfs.sh" -nt "$initrd" ]; then
		mkdir -p "$XTCP_TOP/build"
		"$XTCP_TOP/scripts/mkinitramfs.sh" "$1" "$initrd" >&2
	fi
	echo "$initrd"
}
