#!/usr/bin/env bash
# build-module.sh KDIR OUTDIR [make args...]: build xtcp.ko (and xtcp_test.ko
# when KDIR has KUnit) against KDIR in OUTDIR.  The sources are copied there
# so that builds for different kernels never share objects.  Any compiler or
# sparse warning fails the build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?KDIR}
out=${2:?OUTDIR}
shift 2
[ -d "$kdir" ] || die "no kernel tree at $kdir"

mkdir -p "$out"
rsync -a --delete --include='*/' --include='*.[ch]' --include=Kbuild \
	--exclude='*' "$XTCP_TOP/Kbuild" "$XTCP_TOP/module" "$XTCP_TOP/kunit" \
	"$XTCP_TOP/include" "$out/" --exclude='*.mod.c'
log=$out/build.log
if ! make -C "$kdir" M="$out" "$@" modules >"$log" 2>&1; then
	cat "$log" >&2
	die "build against $kdir failed"
fi
if grep -E 'warning:|error:|^.*: (warning|error) ' "$log" >&2; then
	die "build against $kdir has warnings (above)"
fi
ls "$out"/*.ko | sed "s|^|built |"
