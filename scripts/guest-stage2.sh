#!/bin/bash
# Stage 2, PID 1 in the guest's overlay root: set up the system, run the
# command the host left in /xtcp/cmd, collect rc/dmesg/kmemleak, power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
# busybox is static: one file to fetch over 9p, where mount needs five.
mount() { busybox mount "$@"; }
mount -t proc proc /proc
mark() { echo "xtcp-stage2: $1" >/dev/kmsg; }
mark start
mount -t sysfs sysfs /sys
# /tmp stays the host's (under the overlay): the clone under test may live there.
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /run/netns
mount -t devpts devpts /dev/pts
# what udev would make: bash's <(...) needs /dev/fd (dkms uses it)
ln -sfn /proc/self/fd /dev/fd
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mark mounts
hostname xtcp-guest
ip link set lo up
echo 30 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null

leak=/sys/kernel/debug/kmemleak
# Boot-time suspects are not the test's: forget them.
[ -w $leak ] && echo clear >$leak
mark cleared

bash /xtcp/cmd >/xtcp/out 2>&1 </dev/null
echo $? >/xtcp/rc.tmp

if [ -w $leak ]; then
	# kmemleak reports only objects older than 5 s.  A scan costs seconds
	# here, so scan once, and again only to confirm what the first found.
	sleep 5
	echo scan >$leak
	if [ -n "$(cat $leak)" ]; then
		echo scan >$leak
		cat $leak >/xtcp/kmemleak
	fi
fi
dmesg >/xtcp/dmesg
mv /xtcp/rc.tmp /xtcp/rc
sync
reboot -f
