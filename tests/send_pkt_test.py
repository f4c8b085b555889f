#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
The send path as TCP's (issues 13 and 14): segments injected into and read
from the tun device xt0, on wire_pkt_test.py's infrastructure (the kernel
is 10.99.0.1, this program the peer 10.99.0.2).

Prints "ok - send: NAME" / "not ok - send: NAME" (with indented details)
per selected test, whatever fails (scapy's import, the tun device), and
exits 1 if any failed.  argv[1], if given, selects the tests whose
"send: NAME" contains it; "--list [FILTER]" prints "send: NAME" per test
without running anything (or importing scapy).  Needs root and xtcp.ko.
"""
import fcntl
import os
import sys
import threading
import time

import wire_pkt_test as w
from wire_pkt_test import ACK, FIN, PSH, RST, M32

SO_SNDBUF = 7
MSS = 1400
XTCP_NODELAY, XTCP_CORK = 1, 3
MSG_EOR, MSG_MORE = 0x80, 0x8000
w.libc.send.argtypes = [w.ctypes.c_int, w.ctypes.c_char_p, w.ctypes.c_size_t,
                        w.ctypes.c_int]
w.libc.send.restype = w.ctypes.c_ssize_t


def send_flags(sock, data, flags):
    r = w.libc.send(sock.fd, data, len(data), flags)
    return r if r >= 0 else -w.ctypes.get_errno()


def segs_str(segs, s):
    return ", ".join("%d+%d%s" % ((g.seq - s) & M32, len(g.payload),
                                  "P" if g.flags & PSH else "")
                     for g in segs)


def blocking(sock):
    fl = fcntl.fcntl(sock.fd, fcntl.F_GETFL)
    fcntl.fcntl(sock.fd, fcntl.F_SETFL, fl & ~os.O_NONBLOCK)


def data_of(match):
    return lambda s: match(s) and bool(s.payload)


class Writer(threading.Thread):
    """write(2) of DATA on a blocking socket in its own thread: the
    count it returned (or -errno) in .rc."""

    def __init__(self, sock, data):
        super().__init__(daemon=True)
        self.sock, self.data, self.rc = sock, data, None

    def run(self):
        self.rc = self.sock.send(self.data)


# ---------------------------------------------------------------- tests

def blocking_write_whole(ctx):
    """#13.1: a blocking write of 61,000 bytes with SO_SNDBUF 21,000
    (42,000 after doubling) waits until all of it is queued and returns
    61,000 (tcp_sendmsg_locked: short only on a signal, SO_SNDTIMEO or an
    error), however slowly the peer's ACKs free the buffer: here one ACK
    per segment, 20 ms apart, a window of 8 segments."""
    lport, pport, x = 43300, 53300, 7000000
    n = 61000
    t0 = time.monotonic()
    data = bytes((i * 7) & 0xFF for i in range(n))
    a, s, y = w.established(ctx, lport, pport, x)
    match = w.conn(lport, pport)
    ctx.eq(a.setint(w.SOL_SOCKET, SO_SNDBUF, 21000), 0, "SO_SNDBUF")
    blocking(a)
    wr = Writer(a, data)
    wr.start()
    got = bytearray()
    deadline = time.monotonic() + 30
    while len(got) < n and time.monotonic() < deadline:
        g = ctx.tun.recv(data_of(match), 2.0)
        if g is None:
            break
        off = (g.seq - s) & M32
        if off > len(got):
            continue
        got[off:off + len(g.payload)] = g.payload
        time.sleep(0.02)
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + len(got)) & M32,
                             window=8 * MSS // 32))
    wr.join(5)
    ctx.note("%d bytes in %.1f s" % (len(got), time.monotonic() - t0))
    ctx.eq(len(got), n, "bytes on the wire")
    ctx.check(bytes(got) == data[:len(got)], "the bytes differ from those written")
    ctx.eq(wr.rc, n, "write(2)'s count")
    ctx.tun.send(w.build(pport, lport, RST, seq=y))


def small_window_conn(ctx, lport, pport, x, wnd):
    """A connection accepted from PEER:pport whose peer never offered
    more than WND bytes (SYN and ACK), so that the size goal, half the
    largest window, is WND / 2: (socket, SND.NXT, the peer's next seq)."""
    l = ctx.listener(lport)
    ctx.tun.send(w.build(pport, lport, w.SYN, seq=x, options=w.MSS_WS,
                         window=wnd))
    sa = ctx.expect(w.conn(lport, pport), "SYN|ACK")
    ctx.need(sa.flags == w.SYN | ACK, "want SYN|ACK, got %s" % sa)
    ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1,
                         ack=(sa.seq + 1) & M32, window=wnd >> 5))
    a, _ = w.accept_one(ctx, l)
    l.close()
    return a, (sa.seq + 1) & M32, x + 1


def take_acking(ctx, match, s, y, pport, lport, n, wnd):
    """Data segments until N bytes came, each ACKed at once (window
    WND): the segments, in order of arrival."""
    got, have = [], 0
    while have < n:
        g = ctx.tun.recv(match, 1.0)
        if g is None:
            break
        got.append(g)
        have = max(have, ((g.seq - s) & M32) + len(g.payload))
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + have) & M32,
                             window=wnd >> 5))
    return got


def psh_last_of_write(ctx):
    """#13.2: PSH on the last segment of each write (tcp_mark_push() in
    tcp_push()), not on every segment sent as the queue's tail: with a
    peer window of 5600 (a size goal of 2 segments), a 7,000-byte write
    leaves as five segments, PSH on the fifth; then a 3,000-byte one,
    PSH on its last segment.  A segment within a write may carry PSH
    only as a forced push: more than half the largest window written
    since the last PSH (forced_push())."""
    lport, pport, x = 43301, 53301, 7100000
    wnd = 4 * MSS
    a, s, y = small_window_conn(ctx, lport, pport, x, wnd)
    match = data_of(w.conn(lport, pport))
    ends, pushed = [], 0
    for n in (7000, 3000):
        ends.append(n + (ends[-1] if ends else 0))
        ctx.eq(a.send(bytes(n)), n, "write %d" % n)
        got = take_acking(ctx, match, s, y, pport, lport, ends[-1], wnd)
        ctx.note("write %d: %s" % (n, segs_str(got, s)))
        for g in got:
            end = ((g.seq - s) & M32) + len(g.payload)
            if end in ends:
                ctx.check(g.flags & PSH, "no PSH at the end of a write: %s" % g)
            elif g.flags & PSH:
                ctx.check(end - pushed > wnd // 2,
                          "PSH %d bytes after the last (not forced): %s"
                          % (end - pushed, g))
            if g.flags & PSH:
                pushed = end
    ctx.eq(sum(len(g.payload) for g in got), 3000, "bytes of the second write")
    ctx.tun.send(w.build(pport, lport, RST, seq=y))


def eor_not_coalesced(ctx):
    """#13.3: data written with MSG_EOR is never coalesced with a later
    write (TCP_SKB_CB(skb)->eor, tcp_skb_can_collapse_to()).  With a
    segment in flight, 100 bytes with MSG_EOR and then 100 without: the
    EOR skb is no longer the tail and goes alone at once (tcp_write_xmit
    pushes all but the tail), the second waits for the ACK (Nagle); no
    segment carries bytes of both."""
    lport, pport, x = 43302, 53302, 7200000
    a, s, y = w.established(ctx, lport, pport, x)
    match = data_of(w.conn(lport, pport))
    ctx.eq(a.send(bytes(MSS)), MSS, "write one segment")
    ctx.expect(match, "the first segment")
    ctx.eq(send_flags(a, b"E" * 100, MSG_EOR), 100, "send MSG_EOR")
    ctx.eq(a.send(b"n" * 100), 100, "write after it")
    got = ctx.tun.collect(match, 0.5)
    ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + MSS) & M32))
    got += ctx.tun.collect(match, 0.5)
    ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + MSS + 100) & M32))
    got += ctx.tun.collect(match, 0.5)
    ctx.note("segments: %s" % segs_str(got, s))
    ctx.eq(sum(len(g.payload) for g in got), 200, "bytes after the first segment")
    for g in got:
        start = (g.seq - s) & M32
        ctx.check(start + len(g.payload) <= MSS + 100 or start >= MSS + 100,
                  "a segment across the EOR mark: %s" % g)
    ctx.tun.send(w.build(pport, lport, RST, seq=y))


def cork_full_segments(ctx):
    """#13.4: XTCP_CORK (TCP_CORK): ten 140-byte writes leave as one full
    1400-byte segment; 300 bytes more wait, also once that segment is
    acknowledged; uncorking sends them at once (nothing in flight: Nagle
    does not hold them either)."""
    lport, pport, x = 43303, 53303, 7300000
    with w.Sysctls(rto_init_ms=3000):
        a, s, y = w.established(ctx, lport, pport, x)
        match = data_of(w.conn(lport, pport))
        ctx.need(a.setint(w.SOL_XTCP, XTCP_CORK, 1) == 0, "setsockopt(XTCP_CORK)")
        for i in range(10):
            ctx.eq(a.send(bytes(140)), 140, "write %d" % i)
        ctx.eq(a.send(bytes(300)), 300, "write 300")
        got = ctx.tun.collect(match, 0.5)
        ctx.note("corked: %s" % segs_str(got, s))
        ctx.eq([len(g.payload) for g in got], [MSS], "segments while corked")
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + MSS) & M32))
        ctx.expect_none(match, "segment while corked after the ACK", wait=0.5)
        t0 = time.monotonic()
        ctx.eq(a.setint(w.SOL_XTCP, XTCP_CORK, 0), 0, "uncork")
        g = ctx.expect(match, "the held 300 bytes after uncorking", timeout=1.0)
        ctx.note("uncorked: %s after %.0f ms" % (segs_str([g], s),
                                                (g.t - t0) * 1000))
        ctx.eq(len(g.payload), 300, "the held segment")
        ctx.check(g.flags & PSH, "no PSH on the held segment: %s" % g)
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


def cork_held_at_most_rto(ctx):
    """#13.4: corked partial data is not held for ever: with nothing in
    flight it leaves when the persist timer's override fires, an RTO
    (here rto_init_ms = 200 ms) after the write, as TCP's probe timer
    sends it (the 200 ms ceiling of tcp(7)'s TCP_CORK)."""
    lport, pport, x = 43304, 53304, 7400000
    with w.Sysctls(rto_init_ms=200):
        a, s, y = w.established(ctx, lport, pport, x)
        match = data_of(w.conn(lport, pport))
        ctx.need(a.setint(w.SOL_XTCP, XTCP_CORK, 1) == 0, "setsockopt(XTCP_CORK)")
        t0 = time.monotonic()
        ctx.eq(a.send(bytes(300)), 300, "write 300")
        g = ctx.expect(match, "the corked segment", timeout=3.0)
        ms = (g.t - t0) * 1000
        ctx.note("left after %.0f ms" % ms)
        # the RTO: 200 ms, or more from the handshake's RTT sample under TCG
        ctx.check(100 <= ms <= 3000, "corked data left after %.0f ms" % ms)
        ctx.eq(len(g.payload), 300, "the corked segment")
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


def cork_fin_not_held(ctx):
    """A FIN is never held by a cork (Linux's tcp_nagle_test(): "nor for
    the final FIN"): corked 300 bytes and then shutdown(SHUT_WR) leave at
    once, data and FIN in one segment, not when the persist timer's
    override fires (here 3 s).  nginx with Debian's tcp_nopush and no
    keep-alive shut down each response this way and waited 200 ms."""
    lport, pport, x = 43307, 53307, 7700000
    with w.Sysctls(rto_init_ms=3000):
        a, s, y = w.established(ctx, lport, pport, x)
        match = w.conn(lport, pport)
        ctx.need(a.setint(w.SOL_XTCP, XTCP_CORK, 1) == 0, "setsockopt(XTCP_CORK)")
        ctx.eq(a.send(bytes(300)), 300, "write 300")
        ctx.expect_none(data_of(match), "data while corked", wait=0.3)
        t0 = time.monotonic()
        ctx.eq(w.libc.shutdown(a.fd, 1), 0, "shutdown(SHUT_WR)")
        g = ctx.expect(lambda p: match(p) and (bool(p.payload) or p.flags & FIN),
                       "the data and FIN", timeout=2.5)
        ms = (g.t - t0) * 1000
        ctx.note("after shutdown: %s%s after %.0f ms" %
                 (segs_str([g], s), " FIN" if g.flags & FIN else "", ms))
        ctx.eq(len(g.payload), 300, "the corked data")
        ctx.check(g.flags & FIN, "no FIN with the corked data: %s" % g)
        ctx.check(ms < 1000, "left %.0f ms after shutdown, want at once" % ms)
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


def msg_more_holds(ctx):
    """#13.4: MSG_MORE holds a partial segment as a cork does, for that
    write: 300 bytes with MSG_MORE wait; 300 more without go with them
    in one segment, PSH."""
    lport, pport, x = 43305, 53305, 7500000
    with w.Sysctls(rto_init_ms=3000):
        a, s, y = w.established(ctx, lport, pport, x)
        match = data_of(w.conn(lport, pport))
        ctx.eq(send_flags(a, bytes(300), MSG_MORE), 300, "send MSG_MORE")
        ctx.expect_none(match, "segment after MSG_MORE", wait=0.5)
        ctx.eq(a.send(bytes(300)), 300, "write 300")
        got = ctx.tun.collect(match, 0.5)
        ctx.note("segments: %s" % segs_str(got, s))
        ctx.eq([len(g.payload) for g in got], [600], "segments")
        ctx.check(got and got[-1].flags & PSH, "no PSH on the last segment")
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


def nodelay_pushes(ctx):
    """#13.4: setting XTCP_NODELAY sends what Nagle holds at once
    (__tcp_sock_set_nodelay(): tcp_push_pending_frames()): 100 bytes
    in flight, 100 more held behind them, sent by XTCP_NODELAY."""
    lport, pport, x = 43306, 53306, 7600000
    with w.Sysctls(rto_init_ms=3000):
        a, s, y = w.established(ctx, lport, pport, x)
        match = data_of(w.conn(lport, pport))
        ctx.eq(a.send(bytes(100)), 100, "write a runt")
        ctx.expect(match, "the first runt")
        ctx.eq(a.send(bytes(100)), 100, "write 100")
        ctx.expect_none(match, "the runt under Nagle", wait=0.5)
        ctx.eq(a.setint(w.SOL_XTCP, XTCP_NODELAY, 1), 0, "XTCP_NODELAY")
        g = ctx.expect(match, "the runt after XTCP_NODELAY", timeout=0.5)
        ctx.eq(len(g.payload), 100, "the runt")
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


def minshall_runt(ctx):
    """Nagle as Linux does it (Minshall's variant, tcp_minshall_check()):
    a runt waits only behind an unacknowledged runt, not behind full
    segments.  A full segment and then 100 bytes: both go without an
    ACK (RFC 896's rule held the 100 until the peer's delayed ACK: 40 ms
    a response for nginx with keep-alive and tcp_nopush); 100 more wait,
    also past an ACK of the full segment, and go when the first runt is
    acknowledged."""
    lport, pport, x = 43308, 53308, 7800000
    with w.Sysctls(rto_init_ms=3000):
        a, s, y = w.established(ctx, lport, pport, x)
        match = data_of(w.conn(lport, pport))
        ctx.eq(a.send(bytes(MSS)), MSS, "write one segment")
        ctx.expect(match, "the full segment")
        ctx.eq(a.send(b"a" * 100), 100, "write 100")
        g = ctx.expect(match, "the runt behind a full segment", timeout=0.5)
        ctx.eq(((g.seq - s) & M32, len(g.payload)), (MSS, 100), "the runt")
        ctx.eq(a.send(b"b" * 100), 100, "write 100 more")
        ctx.expect_none(match, "a second runt while the first is out", wait=0.5)
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + MSS) & M32))
        ctx.expect_none(match, "a second runt after the full segment's ACK",
                        wait=0.5)
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=(s + MSS + 100) & M32))
        g = ctx.expect(match, "the second runt after the first's ACK", timeout=0.5)
        ctx.eq(((g.seq - s) & M32, len(g.payload)), (MSS + 100, 100),
               "the second runt")
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


TESTS = [
    blocking_write_whole,
    psh_last_of_write,
    eor_not_coalesced,
    cork_full_segments,
    cork_held_at_most_rto,
    cork_fin_not_held,
    msg_more_holds,
    nodelay_pushes,
    minshall_runt,
]


def main():
    return w.run_suite("send", TESTS, alarm_s=60)


if __name__ == "__main__":
    sys.exit(main())
