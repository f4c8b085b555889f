#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run under tools/xtcp-run by preload_test.sh: what a TCP program sees of
a socket libxtcp-preload.so moved to XTCP.  Prints what failed, exits 1."""
import errno
import os
import socket
import struct
import sys

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


def listening(port):
    """Is there an XTCP listener on PORT (/proc/net/xtcp{,6}, st 0A)?"""
    for f in ("/proc/net/xtcp", "/proc/net/xtcp6"):
        try:
            for line in open(f).read().splitlines()[1:]:
                p = line.split()
                if p[1].endswith(":%04X" % port) and p[3] == "0A":
                    return True
        except OSError:
            pass
    return False


def pair(fam, host, lhost=None):
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((lhost or host, 0))
    ls.listen(4)
    port = ls.getsockname()[1]
    c = socket.socket(fam if lhost is None else socket.AF_INET, socket.SOCK_STREAM)
    c.connect((host, port))
    s, peer = ls.accept()
    return ls, c, s, peer, port


# IPv4: family, protocol and addresses as TCP's
ls, c, s, peer, port = pair(socket.AF_INET, "127.0.0.1")
check(listening(port), "listener on port %d is in /proc/net/xtcp" % port)
check(ls.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_INET, "SO_DOMAIN AF_INET")
check(ls.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == socket.IPPROTO_TCP, "SO_PROTOCOL TCP")
check(ls.getsockname() == ("127.0.0.1", port), "getsockname %r" % (ls.getsockname(),))
check(peer == c.getsockname(), "accept's peer %r is the client's name %r" % (peer, c.getsockname()))
check(c.getpeername() == ("127.0.0.1", port), "getpeername %r" % (c.getpeername(),))
check(s.family == socket.AF_INET, "accepted socket's family")
c.sendall(b"x" * 100000)
got = b""
while len(got) < 100000:
    got += s.recv(65536)
check(got == b"x" * 100000, "data through")

# IPPROTO_TCP options: mapped, no-ops, unknown
T = socket.IPPROTO_TCP
c.setsockopt(T, socket.TCP_NODELAY, 1)
check(c.getsockopt(T, socket.TCP_NODELAY) == 1, "TCP_NODELAY reads back")
c.setsockopt(T, socket.TCP_KEEPIDLE, 77)
check(c.getsockopt(T, socket.TCP_KEEPIDLE) == 77, "TCP_KEEPIDLE reads back")
c.setsockopt(T, socket.TCP_KEEPINTVL, 9)
check(c.getsockopt(T, socket.TCP_KEEPINTVL) == 9, "TCP_KEEPINTVL reads back")
c.setsockopt(T, socket.TCP_KEEPCNT, 4)
check(c.getsockopt(T, socket.TCP_KEEPCNT) == 4, "TCP_KEEPCNT reads back")
c.setsockopt(T, socket.TCP_USER_TIMEOUT, 5000)
check(c.getsockopt(T, socket.TCP_USER_TIMEOUT) == 5000, "TCP_USER_TIMEOUT reads back")
try:
    c.setsockopt(T, socket.TCP_KEEPIDLE, 0)
    check(False, "TCP_KEEPIDLE 0 refused")
except OSError as e:
    check(e.errno == errno.EINVAL, "TCP_KEEPIDLE 0: EINVAL, not %s" % e)
info = c.getsockopt(T, socket.TCP_INFO, 104)
check(len(info) == 104, "TCP_INFO length %d" % len(info))
state = info[0]
snd_mss = struct.unpack_from("I", info, 16)[0]
cwnd = struct.unpack_from("I", info, 80)[0]
check(state == 1, "TCP_INFO tcpi_state %d is ESTABLISHED" % state)
check(snd_mss > 0 and cwnd > 0, "TCP_INFO snd_mss %d, snd_cwnd %d" % (snd_mss, cwnd))
info = s.getsockopt(T, socket.TCP_INFO, 232)
check(struct.unpack_from("Q", info, 128)[0] == 100000, "TCP_INFO tcpi_bytes_received")
# the sender's RTT: tcpi_rtt at 68, tcpi_min_rtt at 148 (XTCP_INFO's min RTT)
info = c.getsockopt(T, socket.TCP_INFO, 232)
rtt, min_rtt = struct.unpack_from("I", info, 68)[0], struct.unpack_from("I", info, 148)[0]
check(0 < min_rtt <= rtt, "TCP_INFO tcpi_min_rtt %d, tcpi_rtt %d" % (min_rtt, rtt))
check(c.getsockopt(T, socket.TCP_CONGESTION, 16).rstrip(b"\0") == b"reno", "TCP_CONGESTION reno")
c.setsockopt(T, socket.TCP_CONGESTION, b"reno")
c.setsockopt(T, socket.TCP_CONGESTION, b"cubic")
check(c.getsockopt(T, socket.TCP_CONGESTION, 16).rstrip(b"\0") == b"cubic", "TCP_CONGESTION cubic")
c.setsockopt(T, socket.TCP_CONGESTION, b"reno")
check(c.getsockopt(T, socket.TCP_CONGESTION, 16).rstrip(b"\0") == b"reno", "TCP_CONGESTION reno again")
try:
    c.setsockopt(T, socket.TCP_CONGESTION, b"bbr")
    check(False, "TCP_CONGESTION bbr refused")
except OSError as e:
    check(e.errno == errno.ENOENT, "TCP_CONGESTION bbr: ENOENT, not %s" % e)
for opt in (socket.TCP_QUICKACK, socket.TCP_DEFER_ACCEPT, socket.TCP_FASTOPEN,
            socket.TCP_NOTSENT_LOWAT, socket.TCP_CORK):
    c.setsockopt(T, opt, 1)
c.setsockopt(T, socket.TCP_CORK, 0)
c.setsockopt(T, socket.TCP_NOTSENT_LOWAT, 0)
# the options XTCP has are mapped, not ignored
c.setsockopt(T, socket.TCP_SYNCNT, 3)
check(c.getsockopt(T, socket.TCP_SYNCNT) == 3, "TCP_SYNCNT is XTCP_SYNCNT")
check(c.getsockopt(T, socket.TCP_LINGER2) == 60, "TCP_LINGER2 is XTCP_LINGER2")
check(c.getsockopt(T, socket.TCP_QUICKACK) == 1, "TCP_QUICKACK is XTCP_QUICKACK")
# SO_REUSEPORT: two listeners on one port (XTCP_REUSEPORT before 6.5)
r1 = socket.socket()
r1.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
r1.bind(("127.0.0.1", 0))
r1.listen()
r2 = socket.socket()
r2.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
r2.bind(("127.0.0.1", r1.getsockname()[1]))
r2.listen()
check(r2.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1, "SO_REUSEPORT")
r1.close()
r2.close()
try:
    c.setsockopt(T, 19, 1)  # TCP_REPAIR
    check(False, "TCP_REPAIR refused")
except OSError as e:
    check(e.errno == errno.ENOPROTOOPT, "TCP_REPAIR: ENOPROTOOPT, not %s" % e)

# descriptors: dup and dup2 copies are XTCP's too; a closed number reused
# by a kernel socket is the kernel's again
d = os.dup(c.fileno())
dc = socket.socket(fileno=d)
check(dc.family == socket.AF_INET and dc.proto == socket.IPPROTO_TCP,
      "dup'ed socket: family %s proto %s" % (dc.family, dc.proto))
check(dc.getpeername() == ("127.0.0.1", port), "dup'ed getpeername")
dc.detach()
os.close(d)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
check(u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == socket.IPPROTO_UDP, "UDP stays the kernel's")
u.close()
os.dup2(c.fileno(), 200)
check(socket.socket(fileno=os.dup(200)).family == socket.AF_INET, "dup2'ed socket family")
os.close(200)
for x in (c, s, ls):
    x.close()
k = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
check(k.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_UNIX, "AF_UNIX stays the kernel's")
k.close()

# IPv6, and a dual-stack listener's v4 peer as ::ffff:127.0.0.1
ls, c, s, peer, port = pair(socket.AF_INET6, "::1")
check(listening(port), "v6 listener on port %d is in /proc/net/xtcp6" % port)
check(ls.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_INET6, "SO_DOMAIN AF_INET6")
check(ls.getsockname()[:2] == ("::1", port), "v6 getsockname %r" % (ls.getsockname(),))
check(peer[:2] == c.getsockname()[:2], "v6 accept's peer %r" % (peer,))
for x in (c, s, ls):
    x.close()
ls, c, s, peer, port = pair(socket.AF_INET6, "127.0.0.1", "::")
check(peer[0] == "::ffff:127.0.0.1" and peer[1] == c.getsockname()[1],
      "dual-stack accept's peer %r" % (peer,))
check(c.getpeername() == ("127.0.0.1", port), "v4 client of a v6 listener: getpeername %r" % (c.getpeername(),))
for x in (c, s, ls):
    x.close()

print("%d checks failed" % len(fails))
sys.exit(1 if fails else 0)
