#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
The IP-level socket options XTCP segments carry (issue 13): IP_TOS and
IP_TTL (IPV6_TCLASS and IPV6_UNICAST_HOPS over IPv6) on a client's SYN and
data, and on a listener's child (inherited, as TCP's); SO_BINDTODEVICE and
SO_MARK choosing the route.  A scapy peer behind the tun device xt0, on
wire_pkt_test.py's infrastructure (the kernel is LOCAL, the peer PEER).

Prints "ok - opts: NAME" / "not ok - opts: NAME" per selected test, and
exits 1 if any failed; "--list [FILTER]" lists them.  Needs root and
xtcp.ko.
"""
import ctypes
import errno
import subprocess
import sys

import wire_pkt_test as w
from wire_pkt_test import ACK, SYN, LOCAL, PEER

SOL_IP, IP_TOS, IP_TTL = 0, 1, 2
SOL_IPV6, IPV6_UNICAST_HOPS, IPV6_TCLASS = 41, 16, 67
SO_PRIORITY, SO_BINDTODEVICE, SO_MARK = 12, 25, 36
M32 = 0xFFFFFFFF

# Seg keeps the IP header's traffic class and hop limit too
_seg_init = w.Seg.__init__


def _seg_init_tos(self, t, raw):
    _seg_init(self, t, raw)
    if w.V6:
        ip = w.IPv6(raw)
        self.tos, self.ttl = ip.tc, ip.hlim
    else:
        ip = w.IP(raw)
        self.tos, self.ttl = ip.tos, ip.ttl


w.Seg.__init__ = _seg_init_tos


def set_tos_ttl(ctx, s, tos, ttl):
    if w.V6:
        ctx.need(s.setint(SOL_IPV6, IPV6_TCLASS, tos) == 0, "IPV6_TCLASS")
        ctx.need(s.setint(SOL_IPV6, IPV6_UNICAST_HOPS, ttl) == 0,
                 "IPV6_UNICAST_HOPS")
    else:
        ctx.need(s.setint(SOL_IP, IP_TOS, tos) == 0, "IP_TOS")
        ctx.need(s.setint(SOL_IP, IP_TTL, ttl) == 0, "IP_TTL")


def check_tos_ttl(ctx, seg, tos, ttl, what):
    ctx.eq(seg.tos, tos, what + ": TOS / traffic class")
    ctx.eq(seg.ttl, ttl, what + ": TTL / hop limit")


def tos_ttl_client(ctx):
    """A client's SYN and data carry its IP_TOS and IP_TTL."""
    pport, x = 45301, 7000
    c = w.XSock(ctx)
    set_tos_ttl(ctx, c, 0x28, 33)
    ctx.eq(c.connect(PEER, pport), errno.EINPROGRESS, "connect")
    syn = ctx.expect(lambda s: s.dport == pport and s.flags == SYN, "SYN")
    check_tos_ttl(ctx, syn, 0x28, 33, "SYN")
    ctx.tun.send(w.build(pport, syn.sport, SYN | ACK, seq=x,
                         ack=(syn.seq + 1) & M32, options=w.MSS_WS))
    ctx.expect(lambda s: s.dport == pport and s.flags == ACK, "ACK")
    ctx.eq(c.send(b"d" * 100), 100, "send")
    d = ctx.expect(lambda s: s.dport == pport and s.payload, "data")
    check_tos_ttl(ctx, d, 0x28, 33, "data")


def tos_ttl_child(ctx):
    """A listener's IP_TOS and IP_TTL are its child's: on the SYN|ACK and
    on the data the accepted socket sends."""
    lport, pport, x = 45302, 55302, 9000
    l = w.XSock(ctx)
    set_tos_ttl(ctx, l, 0x48, 44)
    ctx.need(l.bind(LOCAL, lport) == 0, "bind")
    ctx.need(l.listen() == 0, "listen")
    sa = w.handshake(ctx, lport, pport, x)
    check_tos_ttl(ctx, sa, 0x48, 44, "SYN|ACK")
    a, _ = w.accept_one(ctx, l)
    ctx.eq(a.send(b"e" * 100), 100, "send")
    d = ctx.expect(lambda s: s.sport == lport and s.payload, "data")
    check_tos_ttl(ctx, d, 0x48, 44, "child's data")


def far(n):
    """An address no route leads to (TEST-NET-1 / 2001:db8:77::)."""
    return "2001:db8:77::%d" % n if w.V6 else "192.0.2.%d" % n


def bindtodevice_routes(ctx):
    """SO_BINDTODEVICE xt0: the SYN to an address no route knows leaves by
    xt0 (on-link, as for TCP), where an unbound socket has no route."""
    # IPv6's lookup takes no destination on-link for a bound socket: the
    # fallback is IPv4's (ip_route_output_key_hash_rcu())
    ctx.v4_only("the on-link fallback of a bound socket is IPv4 routing's")
    c = w.XSock(ctx)
    r = c.connect(far(7), 45303)
    ctx.check(r in (errno.ENETUNREACH, errno.EHOSTUNREACH),
              "unbound connect to %s: %s, want no route" % (far(7),
                                                          errno.errorcode.get(r, r)))
    c = w.XSock(ctx)
    dev = ctypes.create_string_buffer(w.TUN.encode())
    ctx.need(w.libc.setsockopt(c.fd, w.SOL_SOCKET, SO_BINDTODEVICE, dev,
                               len(w.TUN) + 1) == 0, "SO_BINDTODEVICE")
    ctx.eq(c.connect(far(8), 45304), errno.EINPROGRESS, "bound connect")
    syn = ctx.expect(lambda s: s.dport == 45304 and s.flags == SYN,
                     "SYN out of xt0")
    ctx.eq(syn.dst, far(8), "SYN's destination")


def mark_routes(ctx):
    """SO_MARK 7 with a rule sending mark 7 to a table whose route leads
    out of xt0: the SYN leaves there; without the mark, no route."""
    fam = "-6" if w.V6 else "-4"
    net = "2001:db8:77::/64" if w.V6 else "192.0.2.0/24"
    # the debug kernel has no policy routing (CONFIG_IP_MULTIPLE_TABLES)
    if subprocess.run(["ip", fam, "rule", "show"], capture_output=True).returncode:
        raise w.Skip("no policy routing in this kernel: SO_MARK routes "
                     "nothing here (the stock guest checks it)")
    subprocess.run(["ip", fam, "route", "add", net, "dev", w.TUN, "table",
                    "177"], check=True)
    subprocess.run(["ip", fam, "rule", "add", "fwmark", "7", "table", "177"],
                   check=True)
    try:
        c = w.XSock(ctx)
        r = c.connect(far(9), 45305)
        ctx.check(r in (errno.ENETUNREACH, errno.EHOSTUNREACH),
                  "connect without the mark: %s, want no route" %
                  errno.errorcode.get(r, r))
        c = w.XSock(ctx)
        ctx.need(c.setint(w.SOL_SOCKET, SO_MARK, 7) == 0, "SO_MARK")
        ctx.need(c.setint(w.SOL_SOCKET, SO_PRIORITY, 5) == 0, "SO_PRIORITY")
        ctx.eq(c.connect(far(9), 45306), errno.EINPROGRESS, "marked connect")
        syn = ctx.expect(lambda s: s.dport == 45306 and s.flags == SYN,
                         "SYN out of xt0")
        ctx.eq(syn.dst, far(9), "SYN's destination")
    finally:
        subprocess.run(["ip", fam, "rule", "del", "fwmark", "7", "table",
                        "177"])
        subprocess.run(["ip", fam, "route", "flush", "table", "177"])


TESTS = [
    tos_ttl_client,
    tos_ttl_child,
    bindtodevice_routes,
    mark_routes,
]


def main():
    return w.run_suite("opts", TESTS)


if __name__ == "__main__":
    sys.exit(main())
