#!/usr/bin/env bash
# checkpatch.pl --strict (from the 6.12 tree) on every kernel source file,
# and, when build/debug holds a build, no new call cycle between the
# module's files (scripts/callgraph.sh --check).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cp=$(xtcp_src_dir)/scripts/checkpatch.pl
[ -x "$cp" ] || die "no 6.12 tree at $(xtcp_src_dir) (run: make kernel)"
cd "$XTCP_TOP"
files=$(ls module/*.[ch] kunit/*.[ch] include/uapi/linux/*.h | grep -Ev '^module/compat(_pure)?\.h$')
rc=0
# shellcheck disable=SC2086
"$cp" --no-tree --strict --terse --show-types -f $files || rc=1
# The compat headers are where version tests belong.  compat_pure.h's
# fallback for <kunit/visibility.h> is that header's own #else, which
# checkpatch takes for a misplaced export with an unused argument.
"$cp" --no-tree --strict --terse --show-types --ignore LINUX_VERSION_CODE \
	-f module/compat.h || rc=1
"$cp" --no-tree --strict --terse --show-types \
	--ignore LINUX_VERSION_CODE,EXPORT_SYMBOL,MACRO_ARG_UNUSED \
	-f module/compat_pure.h || rc=1
# Calls go down the layers (Documentation/design.md, "Layers and the call
# graph"); make check builds build/debug before this.
if [ -f build/debug/xtcp.mod ]; then
	if ! cg=$(scripts/callgraph.sh --check build/debug 2>&1); then
		printf '%s\n' "$cg" | sed -n '/cycles (strongly/,$p' >&2
		rc=1
	fi
else
	echo "checkpatch.sh: no build/debug: call graph not checked" >&2
fi
exit $rc
