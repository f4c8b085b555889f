#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
SYN cookies on the wire, over IPv4 ("cookie: NAME") and, with
XTCP_TEST_FAMILY=6, over IPv6 ("cookie6: NAME"), on wire_pkt_test.py's
tun device (the kernel is 10.99.0.1 or 2001:db8:99::1, this program the
peer .2 behind it).  tests/syncookie_test.c floods IPv4 listeners through
a raw socket; this is the handshake of one cookie, segment by segment, in
either family.

"--list [FILTER]" names the tests; FILTER selects them.  Needs root and
xtcp.ko.
"""
import sys

import wire_pkt_test as w
from wire_pkt_test import ACK, RST, SYN, MSS_WS

M32 = 0xFFFFFFFF


def cookie_handshake(ctx):
    """syncookies=2: a SYN gets a cookie SYN|ACK (the MSS it kept, no
    timestamps: syncookie.c) and leaves no child behind (nothing in
    /proc/net/xtcp[6]); the ACK that returns the cookie makes the
    connection, accept() hands it over, and its data is read.
    SyncookiesSent and SyncookiesRecv count one each."""
    lport, pport, x = 43700, 53700, 7000000
    match = w.conn(lport, pport)
    with w.Sysctls(syncookies=2):
        l = ctx.listener(lport)
        s0 = w.stats()
        ctx.tun.send(w.build(pport, lport, SYN, seq=x, options=MSS_WS))
        sa = ctx.expect(match, "SYN|ACK")
        ctx.need(sa.flags == SYN | ACK and sa.ack == x + 1,
                 "want SYN|ACK ack=%d, got %s" % (x + 1, sa))
        ctx.eq(sa.opt("MSS") is not None, True, "MSS option on the SYN|ACK")
        ctx.eq(sa.opt("Timestamp"), None, "timestamps on a cookie SYN|ACK")
        ctx.eq(w.proc_state(lport, pport), None, "a child for a cookie")
        s1 = w.stats()
        ctx.eq(s1.get("SyncookiesSent", 0) - s0.get("SyncookiesSent", 0), 1,
               "SyncookiesSent")
        ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1,
                             ack=(sa.seq + 1) & M32, payload=b"cookie"))
        a, _ = w.accept_one(ctx, l)
        ctx.eq(a.recv(), b"cookie", "what the accepted socket reads")
        ack = ctx.expect(lambda g: match(g) and g.flags & ACK and
                         g.ack == (x + 1 + 6) & M32, "ACK of the data")
        ctx.eq(ack.seq, (sa.seq + 1) & M32, "its seq")
        s2 = w.stats()
        ctx.eq(s2.get("SyncookiesRecv", 0) - s0.get("SyncookiesRecv", 0), 1,
               "SyncookiesRecv")
        ctx.tun.send(w.build(pport, lport, RST, seq=x + 1 + 6))


def cookie_forged(ctx):
    """An ACK whose cookie is not one we sent (SEG.ACK - 1 changed) makes
    no connection: the listener is not readable, SyncookiesFailed
    counts it, and a RST answers it as an ACK to a listener."""
    lport, pport, x = 43701, 53701, 7100000
    match = w.conn(lport, pport)
    with w.Sysctls(syncookies=2):
        l = ctx.listener(lport)
        s0 = w.stats()
        ctx.tun.send(w.build(pport, lport, SYN, seq=x, options=MSS_WS))
        sa = ctx.expect(match, "SYN|ACK")
        ctx.need(sa.flags == SYN | ACK, "want SYN|ACK, got %s" % sa)
        ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1,
                             ack=(sa.seq + 1 + 0x01000000) & M32))
        rst = ctx.expect(match, "RST")
        ctx.eq(rst.flags & RST, RST, "answer to a forged cookie")
        ctx.eq(l.poll(1, 200) & 1, 0, "listener readable")
        s1 = w.stats()
        ctx.eq(s1.get("SyncookiesFailed", 0) - s0.get("SyncookiesFailed", 0),
               1, "SyncookiesFailed")


TESTS = [
    cookie_handshake,
    cookie_forged,
]


def main():
    return w.run_suite("cookie", TESTS)


if __name__ == "__main__":
    sys.exit(main())
