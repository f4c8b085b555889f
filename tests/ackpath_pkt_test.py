#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
What a peer sees of XTCP's receive and ACK side (issue 14), against a
scapy peer on the tun device xt0 (wire_pkt_test.py's infrastructure: the
kernel is 10.99.0.1, this program the peer 10.99.0.2): data after
shutdown(SHUT_RD), spurious window updates, XTCP_MAXSEG's value, RFC 3042
limited transmit, and the choices where XTCP differs from Linux TCP on
purpose (Documentation/design.md), each pinned.

Prints "ok - ackpath: NAME" / "not ok - ackpath: NAME" (with indented
details) per selected test, and exits 1 if any failed.  argv[1], if given,
selects the tests whose "ackpath: NAME" contains it; "--list [FILTER]"
prints "ackpath: NAME" per test without running anything (or importing
scapy).  Needs root and xtcp.ko.
"""
import ctypes
import errno
import select
import socket
import sys
import time

import wire_pkt_test as w
from wire_pkt_test import ACK, FIN, PSH, RST, SYN, LOCAL, PEER

SHUT_RD = 0
XTCP_NODELAY, XTCP_MAXSEG = 1, 2
XTCP_QUICKACK = 12
SO_SNDBUF, SO_RCVBUF = 7, 8
w.libc.shutdown.argtypes = [ctypes.c_int, ctypes.c_int]
w.libc.shutdown.restype = ctypes.c_int

M32 = 0xFFFFFFFF
WS5 = [("MSS", 1000), ("NOP", None), ("WScale", 5)]


def getint(sock, level, name):
    v = ctypes.c_int(-1)
    n = ctypes.c_uint(4)
    if w.libc.getsockopt(sock.fd, level, name, ctypes.byref(v),
                         ctypes.byref(n)):
        return -ctypes.get_errno()
    return v.value


def passive(ctx, lport, pport, x, options=WS5, listener=None):
    """An accepted connection from PEER:pport whose SYN had SEQ=x: (the
    accepted socket, our ISS)."""
    l = listener or ctx.listener(lport)
    sa = w.syn_synack(ctx, lport, pport, x, options)
    ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1, ack=(sa.seq + 1) & M32))
    a, _ = w.accept_one(ctx, l)
    return a, sa.seq


def read_all(sock, want, timeout_ms=2000):
    """Read until WANT bytes (or nothing more within the timeout)."""
    got = b""
    deadline = time.monotonic() + timeout_ms / 1000.0
    while len(got) < want:
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0 or not sock.poll(select.POLLIN, left) & select.POLLIN:
            break
        r = sock.recv()
        if not isinstance(r, bytes) or not r:
            break
        got += r
    return got


def data_from(ctx, match, wait):
    return [g for g in ctx.tun.collect(match, wait) if g.payload]


# ---------------------------------------------------------------- tests

def shut_rd_data_acked(ctx):
    """#1: data after shutdown(SHUT_RD) in ESTABLISHED is acknowledged
    and queued, as TCP does (tcp_rcv_established() knows no SHUT_RD), so
    the peer does not retransmit it until it gives up; read() returns it
    (tcp_recvmsg() looks at the queue before RCV_SHUTDOWN)."""
    lport, pport, x = 43601, 52601, 1000000
    data = b"after-shut-rd" * 10
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=5000):
        a, iss = passive(ctx, lport, pport, x)
        ctx.eq(w.libc.shutdown(a.fd, SHUT_RD), 0, "shutdown(SHUT_RD)")
        ctx.tun.drain()
        ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=x + 1,
                             ack=(iss + 1) & M32, payload=data))
        acks = ctx.tun.collect(match, 0.5)
        ctx.note("after the data: %s" % ", ".join(str(g) for g in acks))
        ctx.check(any(g.ack == (x + 1 + len(data)) & M32 for g in acks),
                  "no ACK covers the %d bytes sent after SHUT_RD" % len(data))
        ctx.check(not any(g.flags & RST for g in acks), "RST for the data")
        ctx.eq(w.proc_state(lport, pport), w.ST_ESTABLISHED, "state")
        got = a.recv()
        ctx.eq(got, data, "read() after SHUT_RD")
        # full segments, ACKed at once (every second one), none dropped
        seq = x + 1 + len(data)
        bulk = bytes(range(250)) * 12
        for off in range(0, len(bulk), 1000):
            ctx.tun.send(w.build(pport, lport, ACK, seq=seq + off,
                                 ack=(iss + 1) & M32,
                                 payload=bulk[off:off + 1000]))
        end = (seq + len(bulk)) & M32
        k = ctx.tun.recv(lambda g: match(g) and g.ack == end, 1.0)
        ctx.check(k is not None, "no ACK of the %d bytes sent next" % len(bulk))
        ctx.eq(read_all(a, len(bulk)), bulk, "read() of them")
        ctx.tun.send(w.build(pport, lport, RST, seq=end))


def no_spurious_acks(ctx):
    """#2: read() on an empty queue, and close() with nothing ever
    received, send no pure ACK (tcp_cleanup_rbuf(): a window update only
    when the window grew by enough); close() sends only its FIN.  A read
    of a few bytes from a large window sends no update either."""
    lport, pport, x = 43602, 52602, 2000000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=5000):
        a, iss = passive(ctx, lport, pport, x)
        ctx.expect_none(match, "segment after the handshake")
        ctx.eq(a.recv(), -errno.EAGAIN, "read() with nothing received")
        ctx.eq(a.poll(select.POLLIN, 200), 0, "poll with nothing received")
        ctx.eq(a.recv(), -errno.EAGAIN, "read() again")
        ctx.expect_none(match, "segment after read() on an empty queue")
        # a little data: its (delayed) ACK, then the read sends nothing
        ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=x + 1,
                             ack=(iss + 1) & M32, payload=b"hello"))
        k = ctx.expect(match, "ACK of 5 bytes")
        ctx.eq(k.ack, (x + 6) & M32, "its ack")
        ctx.eq(a.recv(), b"hello", "read()")
        ctx.eq(a.recv(), -errno.EAGAIN, "read() after it")
        ctx.expect_none(match, "window update after reading 5 bytes")
        ctx.tun.drain()
        a.close()
        got = ctx.tun.collect(match, 0.5)
        ctx.note("after close(): %s" % ", ".join(str(g) for g in got))
        ctx.check(got, "nothing after close()")
        ctx.check(all(g.flags & FIN for g in got),
                  "a segment without FIN after close(): %s" %
                  [w.flag_str(g.flags) for g in got])
        ctx.tun.send(w.build(pport, lport, RST, seq=x + 6))

        # an active open that never received data: close() sends its FIN only
        lport, pport, y = 43603, 52603, 2100000
        match = w.conn(lport, pport)
        c = w.XSock(ctx)
        ctx.need(c.bind(LOCAL, lport) == 0, "bind")
        ctx.need(c.connect(PEER, pport) == errno.EINPROGRESS, "connect")
        syn = ctx.expect(match, "SYN")
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y,
                             ack=(syn.seq + 1) & M32, options=WS5))
        ctx.expect(match, "ACK of the SYN|ACK")
        ctx.eq(c.recv(), -errno.EAGAIN, "read() with nothing received")
        ctx.expect_none(match, "segment after read() on an empty queue")
        c.close()
        got = ctx.tun.collect(match, 0.5)
        ctx.check(got and all(g.flags & FIN for g in got),
                  "after close(): %s" % [w.flag_str(g.flags) for g in got])
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def maxseg_effective(ctx):
    """#3: getsockopt(XTCP_MAXSEG) is the MSS in use once connected, as
    TCP_MAXSEG (do_tcp_getsockopt(): mss_cache): 1100 on a connection
    accepted from, or connected to, a peer that offered 1100 behind a
    1460 route; before a connection the user's value, else 536."""
    lport, pport, x = 43604, 52604, 3000000
    with w.Sysctls(rto_init_ms=5000):
        l = ctx.listener(lport)
        ctx.eq(getint(l, w.SOL_XTCP, XTCP_MAXSEG), 536, "a listener's")
        a, iss = passive(ctx, lport, pport, x, [("MSS", 1100)], listener=l)
        ctx.eq(a.info()["snd_mss"], 1100, "XTCP_INFO snd_mss (accepted)")
        ctx.eq(getint(a, w.SOL_XTCP, XTCP_MAXSEG), 1100, "accepted")
        ctx.tun.send(w.build(pport, lport, RST, seq=x + 1))

        lport, pport, y = 43605, 52605, 3100000
        match = w.conn(lport, pport)
        c = w.XSock(ctx)
        ctx.eq(getint(c, w.SOL_XTCP, XTCP_MAXSEG), 536, "before connect")
        ctx.need(c.bind(LOCAL, lport) == 0, "bind")
        ctx.need(c.connect(PEER, pport) == errno.EINPROGRESS, "connect")
        syn = ctx.expect(match, "SYN")
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y,
                             ack=(syn.seq + 1) & M32, options=[("MSS", 1100)]))
        ctx.expect(match, "ACK of the SYN|ACK")
        ctx.eq(getint(c, w.SOL_XTCP, XTCP_MAXSEG), 1100, "connected")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))

        # the user's value, before a connection, and what it clamps
        c = w.XSock(ctx)
        ctx.eq(c.setint(w.SOL_XTCP, XTCP_MAXSEG, 800), 0, "XTCP_MAXSEG 800")
        ctx.eq(getint(c, w.SOL_XTCP, XTCP_MAXSEG), 800, "the user's, before connect")


def send_flight(ctx, lport, pport, y, segs, mss=1000):
    """An active open to a peer with MSS MSS and a large window, NODELAY,
    and SEGS full segments written: (socket, ISS, the data segments that
    left within 0.5 s)."""
    match = w.conn(lport, pport)
    c = w.XSock(ctx)
    ctx.need(c.bind(LOCAL, lport) == 0, "bind")
    ctx.need(c.setint(w.SOL_XTCP, XTCP_NODELAY, 1) == 0, "XTCP_NODELAY")
    # room for all SEGS: over IPv6 (no GSO yet) each segment is an skb of
    # its own, and the default buffer took 18 of 40
    ctx.need(c.setint(w.SOL_SOCKET, SO_SNDBUF, 4 * segs * mss) == 0, "SO_SNDBUF")
    ctx.need(c.connect(PEER, pport) == errno.EINPROGRESS, "connect")
    syn = ctx.expect(match, "SYN")
    iss = syn.seq
    ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(iss + 1) & M32,
                         options=[("MSS", mss), ("NOP", None), ("WScale", 7)]))
    ctx.expect(match, "ACK of the SYN|ACK")
    ctx.need(c.info()["snd_mss"] == mss, "snd_mss %d" % c.info()["snd_mss"])
    # the scaled window the duplicate ACKs will carry (a SYN's is not
    # scaled): else the first of them is a window update, no duplicate
    ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=(iss + 1) & M32,
                         window=65535))
    ctx.expect_none(match, "answer to a window update", wait=0.1)
    ctx.eq(c.send(bytes(segs * mss)), segs * mss, "send")
    first = data_from(ctx, match, 0.5)
    return c, iss, first


def limited_transmit(ctx):
    """#4, RFC 3042: the initial window's 10 segments in flight, 2 more
    queued, the first lost: the first and the second duplicate ACK each
    release one new segment (cwnd + 2 SMSS at most, the window allowing),
    the third fast-retransmits the first (RFC 5681 §3.2)."""
    lport, pport, y = 43606, 52606, 4000000
    mss = 1000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=3000, rto_min_ms=3000):
        c, iss, first = send_flight(ctx, lport, pport, y, 12, mss)
        ctx.note("first flight: %d segments" % len(first))
        ctx.need(len(first) == 10, "the initial window sent %d segments, "
                 "want 10" % len(first))
        una = (iss + 1) & M32
        out = []
        for k in (1, 2, 3):
            ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=una,
                                 window=65535))
            got = data_from(ctx, match, 0.3)
            out.append(got)
            ctx.note("dupack %d: %s" % (k, ", ".join(
                "seq=iss+%d len=%d" % ((g.seq - iss) & M32, len(g.payload))
                for g in got)))
        for k in (0, 1):
            want = (iss + 1 + (10 + k) * mss) & M32
            ctx.check(len(out[k]) == 1 and out[k][0].seq == want and
                      len(out[k][0].payload) == mss,
                      "dupack %d: want one new segment at iss+%d, got %s" %
                      (k + 1, (want - iss) & M32,
                       [str(g) for g in out[k]]))
        ctx.check(len(out[2]) >= 1 and out[2][0].seq == una,
                  "dupack 3: want the fast retransmit of iss+1, got %s" %
                  [str(g) for g in out[2]])
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def slow_start_per_ack(ctx):
    """As Linux (tcp_slow_start(), design.md): slow start grows cwnd by
    every byte an ACK covers, not by min(N, SMSS) (RFC 5681 (2)): one
    ACK for the whole initial window of 10 segments lets 20 go, as a
    receiver acknowledging a GSO super-segment at once needs.  The old
    rule sent 11."""
    lport, pport, y = 43607, 52607, 5000000
    mss = 1000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=3000, rto_min_ms=3000):
        c, iss, first = send_flight(ctx, lport, pport, y, 40, mss)
        ctx.need(len(first) == 10, "the initial window sent %d segments, "
                 "want 10" % len(first))
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1,
                             ack=(iss + 1 + 10 * mss) & M32, window=65535))
        got = data_from(ctx, match, 0.5)
        ctx.note("after one ACK of 10 segments: %d segments" % len(got))
        ctx.eq(len(got), 20, "segments after one stretch ACK")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def linux_syn_wscale(ctx, lport, pport, rcvbuf):
    """The window scale a real TCP socket's SYN offers from LOCAL:lport
    to PEER:pport (it leaves by xt0 too), SO_RCVBUF RCVBUF if not None."""
    t = socket.socket(w.FAMILY, socket.SOCK_STREAM)
    proto = w.PROTO
    try:
        t.setblocking(False)
        if rcvbuf is not None:
            t.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        t.bind((LOCAL, lport))
        try:
            t.connect((PEER, pport))
        except BlockingIOError:
            pass
        w.PROTO = 6     # the tun reader keeps only this protocol's
        syn = ctx.expect(lambda g: g.src == LOCAL and g.sport == lport and
                         g.dport == pport and g.flags == SYN, "TCP's SYN")
        return syn.opt("WScale")
    finally:
        w.PROTO = proto
        t.close()


def wscale_as_linux(ctx):
    """Item 5: the SYN's window scale is the one Linux's TCP offers for the
    same buffers (tcp_select_initial_window(): the largest buffer the
    socket may grow to, or its SO_RCVBUF if set), compared with a real TCP
    SYN on this machine: 7 for the defaults (6 MB), less for a small
    SO_RCVBUF, more when rmem_max is raised."""
    match = lambda lp, pp: (lambda g: g.src == LOCAL and g.sport == lp and
                            g.dport == pp)
    port = 43608
    rmax = int(open("/proc/sys/net/core/rmem_max").read())
    try:
        for rcvbuf, rmem_max in ((None, None), (32768, None), (300000, None),
                                 (None, 16 << 20)):
            if rmem_max is not None:
                with open("/proc/sys/net/core/rmem_max", "w") as f:
                    f.write("%d\n" % rmem_max)
            want = linux_syn_wscale(ctx, port, 52608, rcvbuf)
            c = w.XSock(ctx)
            if rcvbuf is not None:
                ctx.need(c.setint(w.SOL_SOCKET, SO_RCVBUF, rcvbuf) == 0,
                         "SO_RCVBUF")
            ctx.need(c.bind(LOCAL, port + 1) == 0, "bind")
            ctx.need(c.connect(PEER, 52609) == errno.EINPROGRESS, "connect")
            syn = ctx.expect(match(port + 1, 52609), "SYN")
            what = "SO_RCVBUF %s, rmem_max %s" % (rcvbuf, rmem_max or rmax)
            ctx.note("%s: TCP %s, XTCP %s" % (what, want, syn.opt("WScale")))
            ctx.eq(syn.opt("WScale"), want, "window scale, " + what)
            if rcvbuf is None and rmem_max is None:
                ctx.eq(want, 7, "TCP's for the defaults")
            c.close()
            ctx.tun.send(w.build(52609, port + 1, RST | ACK, seq=0,
                                 ack=(syn.seq + 1) & M32))
            port += 2
    finally:
        with open("/proc/sys/net/core/rmem_max", "w") as f:
            f.write("%d\n" % rmax)


def ack_partial_gap_fill(ctx):
    """RFC 5681 §4.2: a segment that fills part of a gap is ACKed at
    once, not after the delayed-ACK timer (Linux ACKs every segment while
    out-of-order data is held, __tcp_ack_snd_check()).  One segment in
    order: its ACK comes from the timer (DelayedACKs counts it, which
    shows the counter works); then 4 (out of order, ACKed at once), 2
    (part of the gap: the old module held its ACK for the timer), 3 (the
    rest): each ACKed at once, DelayedACKs unchanged."""
    lport, pport, x = 43609, 52609, 9000000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=5000):
        a, iss = passive(ctx, lport, pport, x)
        ctx.tun.drain()
        before = w.stats()

        def seg(k):
            return w.build(pport, lport, ACK, seq=x + 1 + k * 1000,
                           ack=(iss + 1) & M32,
                           payload=bytes([k]) * 1000)

        ctx.tun.send(seg(0))
        k = ctx.expect(match, "the delayed ACK of segment 1", timeout=1.0)
        ctx.eq(k.ack, (x + 1001) & M32, "its ack")
        ctx.expect_none(match, "a second ACK of segment 1", wait=0.2)
        ctx.eq(w.stats().get("DelayedACKs", 0) - before.get("DelayedACKs", 0),
               1, "DelayedACKs after segment 1")
        for k, ack in ((3, 1001), (1, 2001), (2, 4001)):
            ctx.tun.send(seg(k))
            g = ctx.expect(match, "the ACK of segment %d" % (k + 1), timeout=1.0)
            ctx.eq(g.ack, (x + ack) & M32, "segment %d's ack" % (k + 1))
            ctx.expect_none(match, "a second ACK of segment %d" % (k + 1),
                            wait=0.2)
            ctx.eq(w.stats().get("DelayedACKs", 0) -
                   before.get("DelayedACKs", 0), 1,
                   "DelayedACKs after segment %d" % (k + 1))
        ctx.eq(read_all(a, 4000), b"".join(bytes([k]) * 1000 for k in range(4)),
               "read() of the four")
        ctx.tun.send(w.build(pport, lport, RST, seq=x + 4001))


def delacks():
    return w.stats().get("DelayedACKs", 0)


def ack_after_read(ctx):
    """A read that drains what a push brought sends the delayed ACK at
    once when no reply is coming (__tcp_cleanup_rbuf()): a sender whose
    writes end in a short segment is not left waiting for the timer (or
    its next write) to free what it queued.  Each round the peer sends a
    full segment and a 40-byte tail (one write as a sender splits it:
    less than two full segments, so no ACK on arrival), the application
    reads both, and the ACK must follow with DelayedACKs unchanged.  A
    round the timer beat the read (a slow guest) decides nothing; three
    rounds must decide.  The old module left every one to the timer."""
    lport, pport, x = 43610, 52610, 9100000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=5000):
        a, iss = passive(ctx, lport, pport, x)
        ctx.tun.drain()
        seq, decided = x + 1, 0
        for _ in range(8):
            before = delacks()
            ctx.tun.send(w.build(pport, lport, ACK, seq=seq,
                                 ack=(iss + 1) & M32, payload=b"f" * 1000))
            ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=seq + 1000,
                                 ack=(iss + 1) & M32, payload=b"t" * 40))
            got = read_all(a, 1040)
            ctx.need(got == b"f" * 1000 + b"t" * 40,
                     "read %d bytes, want 1040" % len(got))
            acks = ctx.tun.collect(match, 0.3)
            seq += 1040
            if delacks() != before:
                continue   # the timer beat the read: decides nothing
            decided += 1
            ctx.check(len(acks) == 1 and acks[0].ack == seq & M32,
                      "want one ACK of %d, got %s" %
                      (seq & M32, ", ".join(str(g) for g in acks) or
                       "none"))
            if decided == 3:
                break
        ctx.check(decided == 3, "ACKed by the read in %d rounds of 8, want "
                  "3 (the rest went when the delayed-ACK timer fired)" %
                  decided)
        ctx.tun.send(w.build(pport, lport, RST, seq=seq))


def reply_carries_ack(ctx):
    """Request and response: once the application has answered within
    the delayed-ACK time (TCP's pingpong mode, tcp_event_data_sent()),
    the read of the next request sends no pure ACK; the reply carries it,
    one segment per request.  A delayed-ACK timeout ends the mode (the
    reply did not come), as TCP's does; such a round decides nothing."""
    lport, pport, x = 43611, 52611, 9200000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=5000):
        a, iss = passive(ctx, lport, pport, x)
        ctx.need(a.setint(w.SOL_XTCP, XTCP_NODELAY, 1) == 0, "XTCP_NODELAY")
        ctx.tun.drain()
        seq, una, decided = x + 1, iss + 1, 0
        for r in range(8):
            before = delacks()
            # XTCP_QUICKACK reads 0 in the mode, as TCP_QUICKACK does
            interactive = getint(a, w.SOL_XTCP, XTCP_QUICKACK) == 0
            ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=seq,
                                 ack=una & M32, payload=b"q" * 10))
            ctx.need(read_all(a, 10) == b"q" * 10, "the request")
            ctx.need(a.send(b"r" * 20) == 20, "the reply")
            got = ctx.tun.collect(match, 0.2)
            seq += 10
            una += 20
            ctx.tun.send(w.build(pport, lport, ACK, seq=seq, ack=una & M32))
            if not interactive or delacks() != before:
                continue   # the first reply starts the mode; or it ended
            decided += 1
            ctx.check(len(got) == 1 and len(got[0].payload) == 20 and
                      got[0].ack == seq & M32,
                      "round %d: want the reply alone carrying the ACK, "
                      "got %s" % (r, ", ".join(str(g) for g in got)))
            if decided == 3:
                break
        ctx.check(decided == 3, "%d rounds decided of 8, want 3" % decided)
        ctx.tun.send(w.build(pport, lport, RST, seq=seq))


TESTS = [
    shut_rd_data_acked,
    no_spurious_acks,
    maxseg_effective,
    limited_transmit,
    slow_start_per_ack,
    wscale_as_linux,
    ack_partial_gap_fill,
    ack_after_read,
    reply_carries_ack,
]


def main():
    return w.run_suite("ackpath", TESTS)


if __name__ == "__main__":
    sys.exit(main())
