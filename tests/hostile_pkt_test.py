#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
XTCP against a hostile or merely unusual peer (issue 11): segments injected
into and read from the tun device xt0, on wire_pkt_test.py's infrastructure
(the kernel is 10.99.0.1, this program the peer 10.99.0.2).

Prints "ok - hostile: NAME" / "not ok - hostile: NAME" (with indented
details) per selected test, whatever fails (scapy's import, the tun
device), and exits 1 if any failed.  argv[1], if given, selects the tests
whose "hostile: NAME" contains it; "--list [FILTER]" prints "hostile: NAME"
per test without running anything (or importing scapy).  Needs root and
xtcp.ko.
"""
import ctypes
import errno
import os
import select
import struct
import sys
import time

import wire_pkt_test as w
from wire_pkt_test import ACK, FIN, PSH, RST, SYN, LOCAL, PEER, MSS_WS

SHUT_WR = 1
w.libc.shutdown.argtypes = [ctypes.c_int, ctypes.c_int]
w.libc.shutdown.restype = ctypes.c_int

M32 = 0xFFFFFFFF


def shutdown_wr(sock):
    return 0 if w.libc.shutdown(sock.fd, SHUT_WR) == 0 else ctypes.get_errno()


def active_open(ctx, lport, pport):
    """A non-blocking connect from LOCAL:lport (an ephemeral port if None)
    to PEER:pport: (socket, SYN)."""
    c = w.XSock(ctx)
    if lport is not None:
        ctx.need(c.bind(LOCAL, lport) == 0, "bind %s:%d" % (LOCAL, lport))
    rc = c.connect(PEER, pport)
    ctx.need(rc == errno.EINPROGRESS, "connect: %s" % os.strerror(rc))
    if lport is None:
        syn = ctx.expect(lambda s: s.src == LOCAL and s.dport == pport, "SYN")
    else:
        syn = ctx.expect(w.conn(lport, pport), "SYN")
    ctx.need(syn.flags == SYN, "want SYN, got %s" % syn)
    return c, syn


def simultaneous_synrecv(ctx, lport, pport, y):
    """connect(), and the peer's SYN <SEQ=y> crossing ours: SYN_RECEIVED
    (active).  (socket, our ISS, the local port)."""
    c, syn = active_open(ctx, lport, pport)
    lport = syn.sport
    ctx.tun.send(w.build(pport, lport, SYN, seq=y, options=MSS_WS))
    sa = ctx.expect(w.conn(lport, pport), "SYN|ACK")
    ctx.need(sa.flags == SYN | ACK and sa.seq == syn.seq and sa.ack == y + 1,
             "want our SYN|ACK, got %s" % sa)
    ctx.need(w.proc_state(lport, pport) == w.ST_SYN_RECV,
             "state %s, want SYN_RECEIVED" % w.proc_state(lport, pport))
    return c, syn.seq, lport


def read_all(ctx, sock, want, timeout_ms=2000):
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


def resend_as_asked(ctx, lport, pport, y0, ack_to, data, acks):
    """The peer resends DATA (first byte at y0) from the highest ACK the
    kernel sent (ACKS), as a TCP sender would; the ACK it draws."""
    taken = max(((a.ack - y0) & M32 for a in acks), default=0)
    ctx.check(taken in (0, len(data)),
              "ACK %s bytes into the %d of the SYN's text (neither none nor all)"
              % (taken, len(data)))
    if taken >= len(data):
        return
    ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=(y0 + taken) & M32,
                         ack=ack_to, payload=data[taken:]))
    k = ctx.expect(lambda s: w.conn(lport, pport)(s) and
                   s.ack == (y0 + len(data)) & M32, "ACK of the resent text")
    return k


# ---------------------------------------------------------------- tests

def connect_after_synrecv_shutdown(ctx):
    """#7: shutdown(SHUT_WR) in an active SYN_RECEIVED leaves the socket
    SS_DISCONNECTING: connect() fails with EINVAL, as TCP's does, and
    neither starts a connection nor gives up the (ephemeral) port of the
    one in the table."""
    pport, y = 52100, 1000000
    with w.Sysctls(rto_init_ms=5000):
        c, iss, lport = simultaneous_synrecv(ctx, None, pport, y)
        ctx.eq(shutdown_wr(c), 0, "shutdown(SHUT_WR)")
        ctx.eq(c.connect(PEER, pport), errno.EINVAL, "connect after shutdown")
        ctx.eq(c.connect(PEER, pport + 1), errno.EINVAL,
               "connect elsewhere after shutdown")
        name = c.sockname()
        ctx.eq(name and name[2], lport, "the local port after connect")
        b = w.XSock(ctx)
        ctx.eq(b.bind(LOCAL, lport), errno.EADDRINUSE,
               "bind to the connection's port")
        ctx.check(w.proc_state(lport, pport) is not None,
                  "the connection left /proc/net/xtcp")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))
        ctx.eq(w.wait_state(lport, pport, None), None, "entry after RST")


def synack_text_not_shifted(ctx):
    """#4: text on a SYN|ACK is queued at SEQ+1 or ignored (only the SYN
    ACKed), never shifted: the peer resends from the ACK and the reader
    gets exactly what was sent."""
    lport, pport, y = 43105, 52105, 2000000
    data = b"ABCDEF"
    with w.Sysctls(rto_init_ms=5000):
        c, syn = active_open(ctx, lport, pport)
        s = syn.seq
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(s + 1) & M32,
                             options=MSS_WS, payload=data))
        acks = ctx.tun.collect(w.conn(lport, pport), 0.5)
        ctx.need(acks, "no ACK of the SYN|ACK")
        for a in acks:
            ctx.check(a.flags & ACK and not a.flags & (SYN | RST | FIN),
                      "answer to the SYN|ACK: %s" % a)
        ctx.note("ACKs: %s" % ", ".join("ack=y+%d" % ((a.ack - y) & M32)
                                         for a in acks))
        resend_as_asked(ctx, lport, pport, y + 1, (s + 1) & M32, data, acks)
        got = read_all(ctx, c, len(data))
        ctx.eq(got, data, "what the application reads")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1 + len(data)))


def syn_text_to_listener(ctx):
    """#4: text on a SYN to a listener is queued at SEQ+1 or ignored;
    resent as the SYN|ACK asks, the accepted socket reads it intact."""
    lport, pport, x = 43110, 52110, 3000000
    data = b"ABCDEF"
    with w.Sysctls(rto_init_ms=5000):
        l = ctx.listener(lport)
        ctx.tun.send(w.build(pport, lport, SYN, seq=x, options=MSS_WS,
                             payload=data))
        sa = ctx.expect(w.conn(lport, pport), "SYN|ACK")
        ctx.need(sa.flags == SYN | ACK, "want SYN|ACK, got %s" % sa)
        taken = (sa.ack - (x + 1)) & M32
        ctx.check(taken in (0, len(data)), "SYN|ACK acks %d bytes of text" % taken)
        ctx.tun.send(w.build(pport, lport, ACK, seq=(x + 1 + taken) & M32,
                             ack=(sa.seq + 1) & M32,
                             payload=data[taken:] if taken < len(data) else b""))
        a, _ = w.accept_one(ctx, l)
        ctx.eq(read_all(ctx, a, len(data)), data, "what the application reads")
        ctx.tun.send(w.build(pport, lport, RST, seq=x + 1 + len(data)))


def data_segments(ctx, lport, pport, total, ack_seq, first, timeout=8.0):
    """Collect data segments (first byte at FIRST) until TOTAL bytes came,
    ACKing each at once with <SEQ=ack_seq>: (the segments, bytes covered)."""
    match = w.conn(lport, pport)
    segs, got = [], 0
    deadline = time.monotonic() + timeout
    while got < total and time.monotonic() < deadline:
        s = ctx.tun.recv(match, deadline - time.monotonic())
        if s is None:
            break
        if not s.payload:
            continue
        segs.append(s)
        end = (s.seq + len(s.payload) - first) & M32
        got = max(got, end)
        ctx.tun.send(w.build(pport, lport, ACK, seq=ack_seq,
                             ack=(first + got) & M32))
    return segs, got


def check_mss_floor(ctx, segs, got, total, floor, what):
    sizes = [len(s.payload) for s in segs]
    ctx.note("%s: %d segments in %.0f ms, sizes %s%s" % (
        what, len(segs), (segs[-1].t - segs[0].t) * 1000 if segs else 0,
        sizes[:8], " ... %s" % sizes[-3:] if len(sizes) > 8 else ""))
    ctx.eq(got, total, "%s: bytes sent" % what)
    short = [s for s in segs[:-1] if len(s.payload) < floor]
    ctx.check(not short, "%s: %d segments under min_snd_mss %d before the "
              "last, the first: %s" % (what, len(short), floor,
                                       short[0] if short else None))


def peer_mss_clamped(ctx):
    """#5 (CVE-2019-11479): a peer MSS of 1, on a SYN|ACK or on a SYN, is
    raised to min_snd_mss (default 48): the segments carry at least 48
    bytes when there are that many to send."""
    ctx.need(os.path.exists(w.SYSCTL + "min_snd_mss"),
             "no /proc/sys/net/xtcp/min_snd_mss")
    ctx.eq(w.sysctl_get("min_snd_mss"), 48, "min_snd_mss default")
    floor = 48
    total = 1000
    with w.Sysctls(rto_init_ms=5000):
        # active open, MSS 1 on the SYN|ACK
        lport, pport, y = 43115, 52115, 4000000
        c, syn = active_open(ctx, lport, pport)
        s = syn.seq
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(s + 1) & M32,
                             options=[("MSS", 1)]))
        ctx.expect(w.conn(lport, pport), "ACK of the SYN|ACK")
        ctx.eq(c.send(b"a" * total), total, "send")
        segs, got = data_segments(ctx, lport, pport, total, y + 1, (s + 1) & M32)
        check_mss_floor(ctx, segs, got, total, floor, "active")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))

        # passive open, MSS 1 on the SYN
        lport, pport, x = 43116, 52116, 5000000
        l = ctx.listener(lport)
        ctx.tun.send(w.build(pport, lport, SYN, seq=x, options=[("MSS", 1)]))
        sa = ctx.expect(w.conn(lport, pport), "SYN|ACK")
        ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1, ack=(sa.seq + 1) & M32))
        a, _ = w.accept_one(ctx, l)
        ctx.eq(a.send(b"p" * total), total, "send")
        segs, got = data_segments(ctx, lport, pport, total, x + 1,
                                  (sa.seq + 1) & M32)
        check_mss_floor(ctx, segs, got, total, floor, "passive")
        ctx.tun.send(w.build(pport, lport, RST, seq=x + 1))


def synrecv_close_fin_paced(ctx):
    """#9: shutdown(SHUT_WR) in an active SYN_RECEIVED: the FIN goes on the
    retransmission timer's initial RTO (rto_init_ms 300), not a burst of
    1 ms RTOs ending in ETIMEDOUT, and the unacknowledged SYN|ACK is resent
    with it; the peer's ACK then takes it to FIN_WAIT_2.  The timer runs
    from an earlier segment of ours (RFC 6298 5.1: a send does not restart
    a running timer), so the first resend comes at most 300 ms after the
    FIN (at 300 when shutdown() follows at once, sooner on a slow guest),
    the next one backed off, 600 ms later."""
    lport, pport, y = 43120, 52120, 6000000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=300, rto_min_ms=200):
        c, iss, _ = simultaneous_synrecv(ctx, lport, pport, y)
        ctx.eq(shutdown_wr(c), 0, "shutdown(SHUT_WR)")
        got = ctx.tun.collect(match, 1.6)
        ctx.need(got, "nothing sent after shutdown")
        t0 = got[0].t
        fins = [g for g in got if g.flags & FIN]
        synacks = [g for g in got if g.flags & SYN]
        ctx.note("after shutdown: %s" % ", ".join(
            "%s at %.0f ms" % (w.flag_str(g.flags), (g.t - t0) * 1000)
            for g in got[:20]))
        ctx.check(3 <= len(fins) <= 4, "%d FINs in 1.6 s, want 3..4" % len(fins))
        for f in fins:
            ctx.check(f.seq == (iss + 1) & M32 and f.ack == y + 1,
                      "FIN %s: want seq ISS+1, ack y+1" % f)
        if len(fins) >= 3:
            ctx.check((fins[1].t - fins[0].t) * 1000 <= 300 * 1.4,
                      "first FIN retransmission %.0f ms after the FIN, want "
                      "at most the RTO, 300 ms" % ((fins[1].t - fins[0].t) * 1000))
            ctx.near((fins[2].t - fins[1].t) * 1000, 600,
                     "second FIN retransmission (backed off)")
        ctx.check(synacks, "the SYN|ACK was never resent")
        for g in synacks:
            ctx.check(g.flags & ACK and g.seq == iss and g.ack == y + 1,
                      "resent SYN|ACK %s: want seq ISS, ack y+1" % g)
        ctx.eq(c.so_error(), 0, "SO_ERROR (no ETIMEDOUT)")
        ctx.eq(w.proc_state(lport, pport), w.ST_FIN_WAIT1, "state")
        # the peer ACKs our SYN and FIN
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=(iss + 2) & M32))
        ctx.eq(w.wait_state(lport, pport, w.ST_FIN_WAIT2), w.ST_FIN_WAIT2,
               "state after the ACK of SYN and FIN")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))
        ctx.eq(w.wait_state(lport, pport, None), None, "entry after RST")


def reconnect_after_reset_clean(ctx):
    """#10: data and FIN received, then a RST before the second connect()
    saw the connection: connect() reports ECONNRESET, and a new connect()
    on the same socket starts clean: no POLLIN, recv() EAGAIN (not the old
    data, not the old end of file) until new data, which reads intact;
    close() then sends FIN, not RST."""
    lport, pport, y, y2 = 43125, 52125, 7000000, 8000000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=5000):
        c, syn = active_open(ctx, lport, pport)
        s = syn.seq
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(s + 1) & M32,
                             options=MSS_WS))
        ctx.expect(match, "ACK of the SYN|ACK")
        ctx.tun.send(w.build(pport, lport, ACK | PSH | FIN, seq=y + 1,
                             ack=(s + 1) & M32, payload=b"stale"))
        ctx.expect(lambda g: match(g) and g.ack == y + 7, "ACK of the data and FIN")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 7))
        ctx.eq(w.wait_state(lport, pport, None), None, "entry after RST")
        ctx.eq(c.connect(PEER, pport), errno.ECONNRESET, "connect after the RST")

        rc = c.connect(PEER, pport)
        ctx.need(rc == errno.EINPROGRESS, "second connect: %s" % os.strerror(rc))
        syn2 = ctx.expect(match, "second SYN")
        ctx.need(syn2.flags == SYN, "want SYN, got %s" % syn2)
        s2 = syn2.seq
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y2, ack=(s2 + 1) & M32,
                             options=MSS_WS))
        ctx.expect(match, "ACK of the second SYN|ACK")
        ev = c.poll(select.POLLOUT, 2000)
        ctx.check(ev & select.POLLOUT, "not writable (revents %#x)" % ev)
        ctx.eq(c.connect(PEER, pport), 0, "connect reports the new connection")
        ev = c.poll(select.POLLIN, 200)
        ctx.check(not ev & select.POLLIN, "readable with nothing received (revents %#x)"
                  % ev)
        ctx.eq(c.recv(), -errno.EAGAIN, "recv with nothing received")
        ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=y2 + 1, ack=(s2 + 1) & M32,
                             payload=b"fresh"))
        ctx.eq(read_all(ctx, c, 5), b"fresh", "the new connection's data")
        ctx.tun.drain()
        c.close()
        f = ctx.expect(match, "FIN after close")
        ctx.eq(w.flag_str(f.flags), "ACK|FIN", "close() sends")
        ctx.tun.send(w.build(pport, lport, RST, seq=y2 + 6))


def limit_allows(t0, interval=0.5):
    """ACKs one per-connection limit lets through since T0: one now and
    one per INTERVAL begun since, and one for a boundary crossed."""
    return 2 + int((time.monotonic() - t0) / interval)


def flood(ctx, pkts, match):
    """Send the prebuilt segments PKTS back to back (scapy is too slow to
    build them as we go); the replies MATCH picks up, and the per-connection
    limit's allowance for the time it all took."""
    t0 = time.monotonic()
    for p in pkts:
        ctx.tun.send(p)
    got = ctx.tun.collect(match, 1.0)
    return got, limit_allows(t0)


def oow_acks_ratelimited(ctx):
    """#3: 300 empty out-of-window segments draw one ACK per
    invalid_ratelimit_ms (500 by default), not one each; the rest are
    counted in AckSkippedSeq.  Out-of-window data is still answered each
    time (its ACK may have been lost)."""
    ctx.need(os.path.exists(w.SYSCTL + "invalid_ratelimit_ms"),
             "no /proc/sys/net/xtcp/invalid_ratelimit_ms")
    ctx.eq(w.sysctl_get("invalid_ratelimit_ms"), 500, "invalid_ratelimit_ms default")
    lport, pport = 43130, 52130
    a, z, y = w.established(ctx, lport, pport, 6000000)
    pkts = [w.build(pport, lport, ACK, seq=(y + 3000000 + i) & M32, ack=z)
            for i in range(300)]
    before = w.stats()
    got, allowed = flood(ctx, pkts, w.conn(lport, pport))
    ctx.check(1 <= len(got) <= allowed,
              "%d ACKs for 300 out-of-window segments, want 1..%d" % (len(got), allowed))
    skipped = w.stats()["AckSkippedSeq"] - before["AckSkippedSeq"]
    # a few may be dropped before XTCP sees them (backlog)
    ctx.check(250 <= skipped + len(got) <= 300,
              "AckSkippedSeq %d + ACKs %d, want 250..300" % (skipped, len(got)))
    for i in range(5):
        ctx.tun.send(w.build(pport, lport, ACK, seq=(y - 100) & M32, ack=z,
                             payload=b"old data!!"))
        r = ctx.expect(w.conn(lport, pport), "ACK of old data #%d" % i)
        ctx.eq((r.seq, r.ack), (z, y), "ACK of old data")
    ctx.eq(w.proc_state(lport, pport), w.ST_ESTABLISHED, "still established")
    ctx.tun.send(w.build(pport, lport, RST, seq=y))


def challenge_acks_per_connection(ctx):
    """#2 (CVE-2016-5696): challenge ACKs are limited per connection, with
    no budget shared across the namespace: 600 in-window inexact RSTs at
    one connection draw at most one challenge ACK per 500 ms, and another
    connection still gets its challenge ACK at once."""
    ctx.eq(w.sysctl_get("challenge_ack_limit"), 0, "challenge_ack_limit default (none)")
    a, za, ya = w.established(ctx, 43131, 52131, 6100000)
    b, zb, yb = w.established(ctx, 43132, 52132, 6200000)
    pkts = [w.build(52131, 43131, RST, seq=(ya + 10 + i) & M32) for i in range(600)]
    before = w.stats()
    got, allowed = flood(ctx, pkts, w.conn(43131, 52131))
    ctx.check(1 <= len(got) <= allowed,
              "%d challenge ACKs for 600 RSTs, want 1..%d" % (len(got), allowed))
    after = w.stats()
    ctx.eq(after["ChallengeAcks"] - before["ChallengeAcks"], len(got), "ChallengeAcks")
    skipped = after["AckSkippedChallenge"] - before["AckSkippedChallenge"]
    ctx.check(500 <= skipped + len(got) <= 600,
              "AckSkippedChallenge %d + ACKs %d, want 500..600" % (skipped, len(got)))
    ctx.tun.send(w.build(52132, 43132, RST, seq=(yb + 10) & M32))
    r = ctx.expect(w.conn(43132, 52132), "the other connection's challenge ACK")
    ctx.eq((w.flag_str(r.flags), r.seq, r.ack), ("ACK", zb, yb), "challenge ACK")
    ctx.eq(w.proc_state(43131, 52131), w.ST_ESTABLISHED, "still established")
    for lport, pport, y in ((43131, 52131, ya), (43132, 52132, yb)):
        ctx.tun.send(w.build(pport, lport, RST, seq=y))


def time_wait(ctx, lport, pport, x):
    """A connection from PEER:pport closed by us first, then by the peer:
    TIME_WAIT.  (our SND.NXT after the FIN, the peer's after its FIN)."""
    a, z, y = w.established(ctx, lport, pport, x)
    a.close()
    f = ctx.expect(w.conn(lport, pport), "our FIN")
    ctx.need(f.flags & FIN, "want FIN, got %s" % f)
    ctx.tun.send(w.build(pport, lport, FIN | ACK, seq=y, ack=(z + 1) & M32))
    ctx.expect(w.conn(lport, pport), "ACK of the peer's FIN")
    ctx.need(w.wait_state(lport, pport, w.ST_TIME_WAIT) == w.ST_TIME_WAIT,
             "not in TIME_WAIT")
    return (z + 1) & M32, (y + 1) & M32


def time_wait_acks_ratelimited(ctx):
    """#2/#3 for TIME_WAIT entries: 200 empty segments off RCV.NXT draw one
    ACK per invalid_ratelimit_ms (AckSkippedTimeWait), not one each."""
    lport, pport = 43133, 52133
    z, y = time_wait(ctx, lport, pport, 6300000)
    pkts = [w.build(pport, lport, ACK, seq=(y + 5000 + i) & M32, ack=z)
            for i in range(200)]
    before = w.stats()
    got, allowed = flood(ctx, pkts, w.conn(lport, pport))
    ctx.check(1 <= len(got) <= allowed,
              "%d ACKs from TIME_WAIT for 200 segments, want 1..%d" % (len(got), allowed))
    skipped = w.stats()["AckSkippedTimeWait"] - before["AckSkippedTimeWait"]
    ctx.check(160 <= skipped + len(got) <= 200,
              "AckSkippedTimeWait %d + ACKs %d, want 160..200" % (skipped, len(got)))
    ctx.tun.send(w.build(pport, lport, RST, seq=y))


def answer_zero_window(ctx, lport, pport, y, z, seconds):
    """Play a receiver that answers every segment with window 0 for up to
    SECONDS; return the first RST we get, or None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = ctx.tun.recv(w.conn(lport, pport), deadline - time.monotonic())
        if s is None:
            return None
        if s.flags & RST:
            return s
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=z, window=0))
    return None


def orphan_zero_window_reset(ctx):
    """#6: an orphan whose peer answers every zero-window probe with window
    0 is reset once its probes have backed off to rto_max_ms
    (orphan_retries 0, as tcp_orphan_retries), counted in OrphanTimeouts;
    before, it probed for ever, holding its send buffer."""
    with w.Sysctls(rto_init_ms=200, rto_min_ms=100, rto_max_ms=800):
        lport, pport = 43134, 52134
        a, z, y = w.established(ctx, lport, pport, 6400000)
        ctx.tun.send(w.build(pport, lport, ACK, seq=y, ack=z, window=0))
        time.sleep(0.1)
        ctx.eq(a.send(b"q" * 4000), 4000, "send into the closed window")
        before = w.stats()
        a.close()
        r = answer_zero_window(ctx, lport, pport, y, z, 15)
        ctx.need(r is not None, "no RST from the orphan in 15 s of window 0")
        ctx.eq(w.wait_state(lport, pport, None), None, "the orphan is gone")
        # orphans earlier tests left may time out too under rto_max_ms 800
        n = w.stats()["OrphanTimeouts"] - before["OrphanTimeouts"]
        ctx.check(n >= 1, "OrphanTimeouts rose by %d, want at least 1" % n)


def max_orphans_resets_oldest(ctx):
    """#6: past max_orphans the oldest orphan is reset (OrphanOverflow);
    the newer ones stay.  The limit is set two above the orphans earlier
    tests left: the third close resets one, ours if there were none."""
    active = w.stats()["OrphansActive"]
    with w.Sysctls(max_orphans=active + 2, rto_init_ms=5000, rto_min_ms=5000):
        conns = []
        for i in range(3):
            lport, pport = 43140 + i, 52140 + i
            a, z, y = w.established(ctx, lport, pport, 6500000 + 1000 * i)
            conns.append((a, lport, pport, y))
        before = w.stats()
        for a, lport, pport, y in conns:
            a.close()
            f = ctx.expect(w.conn(lport, pport), "FIN of %d" % lport)
            ctx.need(f.flags & FIN, "want FIN, got %s" % f)
        _, lport, pport, y = conns[0]
        if active == 0:
            ctx.expect(lambda s: s.sport == lport and s.flags & RST,
                       "RST of the oldest orphan")
            ctx.eq(w.wait_state(lport, pport, None), None, "the oldest orphan is gone")
        else:
            ctx.note("%d orphans from earlier tests: the oldest of those goes" % active)
            time.sleep(0.5)
        for _, lport, pport, _ in conns[1:]:
            ctx.eq(w.proc_state(lport, pport), w.ST_FIN_WAIT1,
                   "orphan %d still there" % lport)
        after = w.stats()
        ctx.eq(after["OrphanOverflow"] - before["OrphanOverflow"], 1, "OrphanOverflow")
        ctx.check(after["OrphansActive"] <= active + 2,
                  "OrphansActive %d, want at most %d" % (after["OrphansActive"], active + 2))
        for _, lport, pport, y in conns[1:]:
            ctx.tun.send(w.build(pport, lport, RST, seq=y))


def max_tw_buckets_overflow(ctx):
    """#6: at max_tw_buckets a connection closes without a TIME_WAIT entry
    (TimeWaitOverflow), as TCP does."""
    active = w.stats()["TimeWaitActive"]
    with w.Sysctls(max_tw_buckets=active + 1):
        before = w.stats()
        time_wait(ctx, 43150, 52150, 6600000)
        lport, pport = 43151, 52151
        a, z, y = w.established(ctx, lport, pport, 6700000)
        a.close()
        ctx.expect(w.conn(lport, pport), "our FIN")
        ctx.tun.send(w.build(pport, lport, FIN | ACK, seq=y, ack=(z + 1) & M32))
        ctx.expect(w.conn(lport, pport), "ACK of the peer's FIN")
        ctx.eq(w.wait_state(lport, pport, None), None, "no TIME_WAIT entry")
        after = w.stats()
        ctx.eq(after["TimeWaitOverflow"] - before["TimeWaitOverflow"], 1,
               "TimeWaitOverflow")
        ctx.eq(after["TimeWaitActive"], active + 1, "TimeWaitActive")


# ---------------------------------------------------------------- ICMP (#8)

SOL_IP, IP_RECVERR = 0, 11
ICMP_UNREACH, FRAG_NEEDED = 3, 4


# Over IPv6, ICMP's (type, code) as ICMPv6's (RFC 4443): port, protocol
# (parameter problem, unrecognized next header), host (address), network
# (no route) unreachable, time exceeded, parameter problem, and "packet
# too big" for "fragmentation needed".
ICMP6_OF = {(3, 3): (1, 4), (3, 2): (4, 1), (3, 1): (1, 3), (3, 0): (1, 0),
            (11, 0): (3, 0), (12, 0): (4, 0), (3, 4): (2, 0)}


def icmp6_error(code, src, sport, dst, dport, seq, mtu, typ, frm):
    """icmp_error() over IPv6: ICMPv6's message for ICMP's TYP, CODE."""
    t6, c6 = ICMP6_OF[(typ, code)]
    quoted = bytes(w.IPv6(src=src, dst=dst, nh=w.PROTO, hlim=64,
                          plen=40)) + struct.pack("!HHI", sport, dport, seq)
    # type, code, checksum, then the MTU (packet too big) or zero
    body = struct.pack("!BBHI", t6, c6, 0, mtu if t6 == 2 else 0) + quoted
    # over RFC 8200 §8.1's pseudo-header with next header 58 (ICMPv6)
    pseudo = w.pseudo_header(frm, LOCAL, len(body))[:36] + struct.pack("!I", 58)
    csum = ~w.inet_sum(pseudo + body) & 0xFFFF
    body = body[:2] + struct.pack("!H", csum) + body[4:]
    return bytes(w.IPv6(src=frm, dst=LOCAL, hlim=64, nh=58,
                        plen=len(body))) + body


def icmp_error(code, src, sport, dst, dport, seq, mtu=0, typ=ICMP_UNREACH,
               frm=PEER):
    """An ICMP error from FRM quoting a segment SRC:sport -> DST:dport
    <SEQ=seq> (the IP header and the first 8 bytes of ours)."""
    if w.V6:
        return icmp6_error(code, src, sport, dst, dport, seq, mtu, typ, frm)
    from scapy.layers.inet import ICMP, IP
    from scapy.packet import Raw
    quoted = bytes(IP(src=src, dst=dst, proto=w.PROTO, ttl=64, flags="DF",
                      len=20 + 40)) + struct.pack("!HHI", sport, dport, seq)
    icmp = ICMP(type=typ, code=code)
    if typ == ICMP_UNREACH and code == FRAG_NEEDED:
        icmp.nexthopmtu = mtu
    return bytes(IP(src=frm, dst=LOCAL, ttl=64) / icmp / Raw(quoted))


def stat(name):
    return w.stats().get(name, 0)


def icmp_syn_sent(ctx):
    """SYN_SENT: an ICMP error quoting a sequence number other than our
    SYN's (RFC 5927: SND.UNA..SND.NXT) or another port is ignored and
    counted (OutOfWindowIcmps); one quoting the SYN ends the attempt at
    once with its errno: port unreachable ECONNREFUSED, protocol
    ENOPROTOOPT, host EHOSTUNREACH, network ENETUNREACH; time exceeded
    EHOSTUNREACH, parameter problem EPROTO.  The SYNs carry DF."""
    pport = 52130
    cases = [(3, ICMP_UNREACH, errno.ECONNREFUSED),
             (2, ICMP_UNREACH, errno.ENOPROTOOPT),
             (1, ICMP_UNREACH, errno.EHOSTUNREACH),
             (0, ICMP_UNREACH, errno.ENETUNREACH),
             (0, 11, errno.EHOSTUNREACH),
             (0, 12, errno.EPROTO)]
    if w.V6:
        # icmpv6_err_convert()'s: a parameter problem (the protocol's
        # "unrecognized next header" too) is EPROTO
        cases[1] = (2, ICMP_UNREACH, errno.EPROTO)
    with w.Sysctls(rto_init_ms=5000):
        for i, (code, typ, want) in enumerate(cases):
            lport = 43130 + i
            c, syn = active_open(ctx, lport, pport)
            ctx.check(syn.df, "SYN without DF: %s" % syn)
            s = syn.seq
            oow = stat("OutOfWindowIcmps")
            for bad in ((s + 2) & M32, (s - 1) & M32, (s + 100000) & M32):
                ctx.tun.send(icmp_error(code, LOCAL, lport, PEER, pport, bad,
                                        typ=typ))
            ctx.tun.send(icmp_error(code, LOCAL, lport + 100, PEER, pport, s,
                                    typ=typ))
            time.sleep(0.1)
            ctx.eq(w.proc_state(lport, pport), w.ST_SYN_SENT,
                   "type %d code %d, out of window: state" % (typ, code))
            ctx.eq(stat("OutOfWindowIcmps") - oow, 3,
                   "type %d code %d: OutOfWindowIcmps" % (typ, code))
            ctx.eq(c.so_error(), 0, "SO_ERROR after ICMP out of window")
            t0 = time.monotonic()
            ctx.tun.send(icmp_error(code, LOCAL, lport, PEER, pport,
                                    s if i % 2 else (s + 1) & M32, typ=typ))
            ev = c.poll(select.POLLOUT, 2000)
            ctx.note("type %d code %d: revents %#x after %.0f ms" % (
                typ, code, ev, (time.monotonic() - t0) * 1000))
            ctx.eq(c.so_error(), want, "type %d code %d: SO_ERROR" % (typ, code))
            ctx.eq(w.wait_state(lport, pport, None), None,
                   "type %d code %d: entry" % (typ, code))
            c.close()


def icmp_rto_revert(ctx):
    """RFC 6069: a host unreachable for the retransmission of SND.UNA
    undoes one backoff: the next retransmission comes one RTO after it,
    not two (1.5 s, not 3), or at once if the ICMP came later than that.
    Without IP_RECVERR the error is soft: no POLLERR, SO_ERROR reads it,
    the connection goes on."""
    lport, pport, y = 43140, 52140, 9000000
    match = w.conn(lport, pport)
    rto = 1500
    with w.Sysctls(rto_init_ms=rto, rto_min_ms=200):
        c, syn = active_open(ctx, lport, pport)
        s = syn.seq
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(s + 1) & M32,
                             options=MSS_WS))
        ctx.expect(match, "ACK of the SYN|ACK")
        ctx.eq(c.send(b"x" * 100), 100, "send")
        first = ctx.expect(lambda g: match(g) and g.payload, "data")
        una = first.seq
        rtx, sent = [], []
        for k in range(3):
            r = ctx.expect(lambda g: match(g) and g.payload, "retransmission %d" % k,
                           timeout=7.0)
            ctx.eq(r.seq, una, "retransmission %d seq" % k)
            rtx.append(r)
            if k < 2:
                ctx.tun.send(icmp_error(1, LOCAL, lport, PEER, pport, una))
                sent.append(time.monotonic())
        d = [(rtx[k + 1].t - rtx[k].t) * 1000 for k in range(2)]
        late = [(sent[k] - rtx[k].t) * 1000 for k in range(2)]
        ctx.note("first retransmission %.0f ms after the data, then %s ms; "
                 "ICMPs %s ms after theirs" % (
                     (rtx[0].t - first.t) * 1000, ", ".join("%.0f" % x for x in d),
                     ", ".join("%.0f" % x for x in late)))
        for k, x in enumerate(d):
            want = max(rto, late[k])
            ctx.need(want < 1.8 * rto, "ICMP %d sent %.0f ms late: cannot tell "
                     "a reverted backoff from none" % (k, late[k]))
            ctx.check(0.7 * rto <= x <= want + 0.5 * rto,
                      "retransmission %d -> %d: %.0f ms, want %.0f (backoff "
                      "reverted; %d if not)" % (k, k + 1, x, want, 2 * rto))
        ev = c.poll(select.POLLIN, 0)
        ctx.check(not ev & select.POLLERR, "POLLERR without IP_RECVERR")
        ctx.eq(c.so_error(), errno.EHOSTUNREACH, "SO_ERROR (the soft error)")
        ctx.eq(w.proc_state(lport, pport), w.ST_ESTABLISHED, "state")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def icmp_recverr(ctx):
    """ESTABLISHED with IP_RECVERR: an error quoting a sequence number
    outside SND.UNA..SND.NXT is ignored; one inside is reported at once
    (POLLERR, recv() EHOSTUNREACH), and the connection goes on: the
    data is then acknowledged and more goes."""
    lport, pport, y = 43145, 52145, 9100000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=3000):
        c, syn = active_open(ctx, lport, pport)
        s = syn.seq
        ctx.eq(c.setint(SOL_IP, IP_RECVERR, 1), 0, "IP_RECVERR")
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(s + 1) & M32,
                             options=MSS_WS))
        ctx.expect(match, "ACK of the SYN|ACK")
        ctx.eq(c.send(b"y" * 100), 100, "send")
        d = ctx.expect(lambda g: match(g) and g.payload, "data")
        oow = stat("OutOfWindowIcmps")
        for bad in ((d.seq - 1) & M32, (d.seq + 101) & M32):
            ctx.tun.send(icmp_error(1, LOCAL, lport, PEER, pport, bad))
        ev = c.poll(select.POLLIN, 200)
        ctx.check(not ev & select.POLLERR, "POLLERR for an ICMP out of window")
        ctx.eq(stat("OutOfWindowIcmps") - oow, 2, "OutOfWindowIcmps")
        ctx.tun.send(icmp_error(1, LOCAL, lport, PEER, pport, (d.seq + 100) & M32))
        ev = c.poll(select.POLLIN, 1000)
        ctx.check(ev & select.POLLERR, "no POLLERR (revents %#x)" % ev)
        ctx.eq(c.recv(), -errno.EHOSTUNREACH, "recv after the error")
        ctx.eq(w.proc_state(lport, pport), w.ST_ESTABLISHED, "state")
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=(d.seq + 100) & M32))
        ctx.eq(c.send(b"z" * 10), 10, "send after the error")
        more = ctx.expect(lambda g: match(g) and g.payload, "more data")
        ctx.eq(more.seq, (d.seq + 100) & M32, "its seq")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def icmp_frag_needed(ctx):
    """Path MTU (RFC 1191): data carries DF; "fragmentation needed" with
    MTU 1000 quoting a segment in flight cuts the send MSS to 960 and
    resends what was in flight at once (not at the 2 s RTO), in segments
    that fit, still with DF (over IPv6: "packet too big" with MTU 1280, so
    MSS 1220, and only the segments bigger than that); what was held
    back (Nagle) follows in such segments too, and the peer gets every
    byte right.  One quoting
    a sequence number not in flight changes nothing.  (Its own peer
    address: the learned MTU stays with the route for 10 minutes.)"""
    # over IPv6: "packet too big" with MTU 1280 (IPv6's least), the MSS
    # 1280 - 60; IPv6 has no DF (routers never fragment it)
    peer = "2001:db8:99::7" if w.V6 else "10.99.0.7"
    router = "2001:db8:99::fe" if w.V6 else "10.99.0.254"
    mtu = 1280 if w.V6 else 1000
    mss = mtu - w.IP_HLEN - 20
    lport, pport, y = 43150, 52150, 9200000
    match = lambda g: (g.src == LOCAL and g.dst == peer and g.sport == lport
                       and g.dport == pport)
    data = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(4000))
    with w.Sysctls(rto_init_ms=2000, rto_min_ms=2000):
        c = w.XSock(ctx)
        ctx.need(c.bind(LOCAL, lport) == 0, "bind")
        # no Nagle: all 4000 bytes in flight at once
        ctx.need(c.setint(w.SOL_XTCP, 1, 1) == 0, "XTCP_NODELAY")
        ctx.need(c.connect(peer, pport) == errno.EINPROGRESS, "connect")
        syn = ctx.expect(match, "SYN")
        s = syn.seq
        ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(s + 1) & M32,
                             options=[("MSS", 1400)], src=peer))
        ctx.expect(match, "ACK of the SYN|ACK")
        ctx.eq(c.info()["snd_mss"], 1400, "MSS before")
        ctx.eq(c.send(data), len(data), "send")
        first = ctx.tun.collect(lambda g: match(g) and g.payload, 0.3)
        ctx.need(first, "no data")
        ctx.note("sent: %s" % [len(g.payload) for g in first])
        for g in first:
            ctx.check(g.df, "data without DF: %s" % g)
        # not in flight: nothing happens
        ctx.tun.send(icmp_error(FRAG_NEEDED, LOCAL, lport, peer, pport,
                                (s + 1 + len(data) + 10) & M32, mtu=mtu,
                                frm=router))
        ctx.expect_none(lambda g: match(g) and g.payload, "segment after an "
                        "ICMP out of window", wait=0.3)
        ctx.eq(c.info()["snd_mss"], 1400, "MSS after an ICMP out of window")
        t0 = time.monotonic()
        ctx.tun.send(icmp_error(FRAG_NEEDED, LOCAL, lport, peer, pport,
                                first[0].seq, mtu=mtu, frm=router))
        got = ctx.tun.collect(lambda g: match(g) and g.payload, 1.0)
        ctx.note("after the ICMP: %s" % ", ".join(
            "%d at %.0f ms" % (len(g.payload), (g.t - t0) * 1000) for g in got))
        ctx.need(got, "nothing resent within 1 s")
        ctx.check(got[0].t - t0 < w.FAST_RTX_MS / 1000.0,
                  "first resent %.0f ms after the ICMP" % ((got[0].t - t0) * 1000))
        for g in got:
            ctx.check(len(g.payload) <= mss and g.df,
                      "resent segment too big or without DF: %s" % g)
        ctx.eq(c.info()["snd_mss"], mss, "MSS after")
        flight = sum(len(g.payload) for g in first)
        buf = bytearray(len(data))
        have = set()

        def take(segs):
            for g in segs:
                off = (g.seq - (s + 1)) & M32
                buf[off:off + len(g.payload)] = g.payload
                have.update(range(off, off + len(g.payload)))
        # what fits the new MSS went through: only what was too big is
        # resent (tcp_simple_retransmit()), judged per queued skb as
        # tcp_skb_seglen() does: a super-segment whose pieces were too big
        # goes again whole, its shorter last piece too.  Over IPv4 (MSS
        # 960) that is all of it; over IPv6 (1220) the 1200-byte piece
        # goes again only if it left as a GSO super-segment's tail.
        fit = [g for g in first if len(g.payload) <= mss]
        take(fit)
        take(got)
        resent = sum(len(g.payload) for g in got)
        too_big = sum(len(g.payload) for g in first if len(g.payload) > mss)
        ctx.check(too_big <= resent <= flight,
                  "bytes resent %d: want the %d too big for the new MSS, "
                  "at most the %d in flight" % (resent, too_big, flight))
        ctx.eq(len(have), flight, "bytes in flight, resent or fitting")
        # the rest goes once the flight is acknowledged
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1,
                             ack=(s + 1 + flight) & M32, src=peer))
        rest = ctx.tun.collect(lambda g: match(g) and g.payload, 0.5)
        ctx.note("then: %s" % [len(g.payload) for g in rest])
        for g in rest:
            ctx.check(len(g.payload) <= mss and g.df,
                      "later segment too big or without DF: %s" % g)
        take(rest)
        ctx.eq(len(have), len(data), "bytes sent in all")
        ctx.check(bytes(buf) == data, "the bytes differ from those sent")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1, src=peer))


TESTS = [
    icmp_syn_sent,
    icmp_rto_revert,
    icmp_recverr,
    icmp_frag_needed,
    connect_after_synrecv_shutdown,
    synack_text_not_shifted,
    syn_text_to_listener,
    peer_mss_clamped,
    synrecv_close_fin_paced,
    reconnect_after_reset_clean,
    oow_acks_ratelimited,
    challenge_acks_per_connection,
    time_wait_acks_ratelimited,
    orphan_zero_window_reset,
    max_orphans_resets_oldest,
    max_tw_buckets_overflow,
]


def main():
    return w.run_suite("hostile", TESTS)


if __name__ == "__main__":
    sys.exit(main())
