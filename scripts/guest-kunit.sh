#!/bin/bash
# In the 6.12 debug guest: load xtcp.ko, then xtcp_test.ko, whose suites run
# as it loads; KUnit's KTAP goes to the kernel log, which vm-run.sh keeps.
# Optional $1: a kunit.filter_glob such as "xtcp_bind.*" to run one case.
set -u
ko=${XTCP_BUILD:?}
# printf, not echo: the kernel would keep echo's newline in the glob
[ -n "${1:-}" ] && printf %s "$1" >/sys/module/kunit/parameters/filter_glob
# KUnit runs every case inside insmod, which waits for each one
# uninterruptibly: a slow case on a loaded host is not a hung task.
echo 120 >/proc/sys/kernel/hung_task_timeout_secs
insmod "$ko/xtcp.ko" || exit 1
# The host parses the kernel log from this mark on (the boot's own empty
# KUnit run comes before it).
echo "xtcp-kunit: start" >/dev/kmsg
insmod "$ko/xtcp_test.ko" || exit 1
for r in /sys/kernel/debug/kunit/xtcp_*/results; do
	[ -f "$r" ] && tail -n 1 "$r" | sed "s|^|  debugfs $(basename "$(dirname "$r")"): |"
done
rmmod xtcp_test && rmmod xtcp
