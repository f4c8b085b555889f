#!/usr/bin/env bash
# Build (or reuse) the 6.12 debug test kernel: tinyconfig + scripts/kernel.config,
# out of tree in $XTCP_CACHE, keyed by source version and fragment hash.
# Prints the build directory on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(xtcp_kernel_dir)
src=$(xtcp_src_dir)
if [ -f "$out/.xtcp-done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$XTCP_CACHE"
exec 9>"$XTCP_CACHE/.lock"
flock 9
[ -f "$out/.xtcp-done" ] && { echo "$out"; exit 0; }

log=$XTCP_CACHE/build-$(xtcp_kernel_key).log
echo "building the 6.12 debug kernel into $out (log: $log)" >&2
start=$(date +%s)
if [ ! -f "$src/.xtcp-done" ]; then
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$XTCP_SRC_TARBALL" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.xtcp-done"
	mv "$src.tmp" "$src"
fi

rm -rf "$out"
mkdir -p "$out"
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$XTCP_TOP/scripts/kernel.config"
	make -C "$src" O="$out" olddefconfig
} >"$log" 2>&1 || die "configuring failed, see $log"

# Every option the fragment asks for must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qx "$line" "$out/.config" || { echo "not set: $line" >&2; missing=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || { echo "set: $opt" >&2; missing=1; } ;;
	esac
done <"$XTCP_TOP/scripts/kernel.config"
[ "$missing" = 0 ] || die "the fragment did not apply (see above)"

make -C "$src" O="$out" -j"$(nproc)" all >>"$log" 2>&1 || die "kernel build failed, see $log"
touch "$out/.xtcp-done"
echo "kernel built in $(( $(date +%s) - start )) s" >&2
echo "$out"
