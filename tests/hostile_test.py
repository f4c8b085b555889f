#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
XTCP against a hostile or merely unusual peer (issue 11): segments injected
into and read from the tun device xt0, on wire_test.py's infrastructure
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
import signal
import sys
import time
import traceback

import wire_test as w
from wire_test import ACK, FIN, PSH, RST, SYN, LOCAL, PEER, MSS_WS

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
    retransmission timer's initial RTO (rto_init_ms 300: 0, 300, 900 ms),
    not a burst of 1 ms RTOs ending in ETIMEDOUT, and the unacknowledged
    SYN|ACK is resent with it; the peer's ACK then takes it to FIN_WAIT_2."""
    lport, pport, y = 43120, 52120, 6000000
    match = w.conn(lport, pport)
    with w.Sysctls(rto_init_ms=300, rto_min_ms=200):
        c, iss, _ = simultaneous_synrecv(ctx, lport, pport, y)
        ctx.eq(shutdown_wr(c), 0, "shutdown(SHUT_WR)")
        got = ctx.tun.collect(match, 1.3)
        ctx.need(got, "nothing sent after shutdown")
        t0 = got[0].t
        fins = [g for g in got if g.flags & FIN]
        synacks = [g for g in got if g.flags & SYN]
        ctx.note("after shutdown: %s" % ", ".join(
            "%s at %.0f ms" % (w.flag_str(g.flags), (g.t - t0) * 1000)
            for g in got[:20]))
        ctx.check(1 <= len(fins) <= 4, "%d FINs in 1.3 s, want 1..4" % len(fins))
        for f in fins:
            ctx.check(f.seq == (iss + 1) & M32 and f.ack == y + 1,
                      "FIN %s: want seq ISS+1, ack y+1" % f)
        if len(fins) >= 2:
            ctx.near((fins[1].t - fins[0].t) * 1000, 300, "first FIN retransmission")
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
        after = w.stats()
        ctx.eq(after["OrphanTimeouts"] - before["OrphanTimeouts"], 1, "OrphanTimeouts")


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


TESTS = [
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


def on_alarm(signum, frame):
    raise w.Timeout("test took longer than its alarm")


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = sys.argv[1:]
    listing = bool(args) and args[0] == "--list"
    if listing:
        args = args[1:]
    filt = args[0] if args else ""
    tests = [t for t in TESTS if filt in "hostile: " + t.__name__]
    if listing:
        for t in tests:
            print("hostile: %s" % t.__name__)
        return 0
    if not tests:
        return 0
    t_start = time.monotonic()
    try:
        w.load_scapy()
        tun = w.Tun(w.TUN)
    except Exception:
        why = traceback.format_exc().rstrip()
        for t in tests:
            print("not ok - hostile: %s" % t.__name__)
        for line in why.splitlines():
            print("  | " + line)
        return 1
    failed = 0
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        for t in tests:
            ctx = w.Ctx(tun)
            try:
                tun.drain()
                signal.alarm(40)
                t(ctx)
            except w.Fail as e:
                ctx.errors.append(str(e))
            except BaseException:
                ctx.errors.append(traceback.format_exc().rstrip())
            finally:
                signal.alarm(0)
                try:
                    ctx.close()
                except Exception:
                    ctx.errors.append(traceback.format_exc().rstrip())
            if ctx.errors:
                failed += 1
                print("not ok - hostile: %s" % t.__name__)
                for e in ctx.errors:
                    for line in e.splitlines():
                        print("  | " + line)
            else:
                print("ok - hostile: %s" % t.__name__)
            for n in ctx.notes:
                print("# %s: %s" % (t.__name__, n))
    finally:
        tun.close()
    print("# hostile_test: %d tests in %.1f s" % (len(tests),
                                                  time.monotonic() - t_start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
