#!/usr/bin/env bash
# checkpatch.pl --strict (from the 6.12 tree) on every kernel source file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cp=$(xtcp_src_dir)/scripts/checkpatch.pl
[ -x "$cp" ] || die "no 6.12 tree at $(xtcp_src_dir) (run: make kernel)"
cd "$XTCP_TOP"
files=$(ls module/*.[ch] kunit/*.[ch] include/uapi/linux/*.h | grep -v '^module/compat.h$')
rc=0
# shellcheck disable=SC2086
"$cp" --no-tree --strict --terse --show-types -f $files || rc=1
# The compat header is where version tests belong.
"$cp" --no-tree --strict --terse --show-types --ignore LINUX_VERSION_CODE \
	-f module/compat.h || rc=1
exit $rc
