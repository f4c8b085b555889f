#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Timestamps in TIME_WAIT (RFC 7323, RFC 6191; issue 14), as Linux's
tcp_timewait_state_process() and tcp_v4_timewait_ack() keep them: a scapy
peer behind the tun device xt0, on wire_pkt_test.py's infrastructure (the
kernel is 10.99.0.1, this program the peer 10.99.0.2; over IPv6 with
XTCP_TEST_FAMILY=6, as "twts6").

Each test brings a connection with timestamps to TIME_WAIT (we close
first, the peer's FIN carries TSval T, so TS.Recent is T), then:
  - a retransmitted FIN draws an ACK with the timestamps option, TSecr =
    TS.Recent, TSval from the connection's clock;
  - a SYN with an old sequence number but a TSval newer than TS.Recent
    reopens the 4-tuple (a SYN|ACK); with TS.Recent's own TSval it does not;
  - PAWS: a bare ACK at RCV.NXT with an old TSval is ACKed (not taken as
    the peer's keepalive of the entry), a SYN above RCV.NXT with an old
    TSval does not reopen, a RST with an old TSval does not kill
    (tcp_paws_reject() rejects a RST while TS.Recent is under a minute
    old); each counts PAWSTimewait.

Prints "ok - twts: NAME" / "not ok - twts: NAME" per selected test;
"--list [FILTER]" lists them.  Needs root and xtcp.ko.
"""
import sys

import wire_pkt_test as w
from wire_pkt_test import ACK, FIN, RST, SYN, MSS_WS
from ts_pkt_test import M32, send, seg_ts, syn_ts


def newer(a, b):
    """TSval a is after b (mod 2^32)."""
    return a != b and ((a - b) & M32) < 0x80000000


def time_wait_ts(ctx, lport, pport, x, tsval):
    """A connection from PEER:pport with timestamps, closed by us first,
    then by the peer, whose FIN carries TSval tsval + 2: TIME_WAIT.  The
    listener stays open.  Returns (the listener, our SND.NXT, RCV.NXT,
    TS.Recent, the TSval of our last segment)."""
    l = ctx.listener(lport)
    sa = w.syn_synack(ctx, lport, pport, x, syn_ts(tsval))
    ts = seg_ts(sa)
    ctx.need(ts is not None, "SYN|ACK without timestamps: %s" % sa)
    z = (sa.seq + 1) & M32
    send(ctx, pport, lport, ACK, x + 1, z, tsval + 1, ts[0])
    a, _ = w.accept_one(ctx, l)
    ctx.tun.drain()
    a.close()
    f = ctx.expect(w.conn(lport, pport), "our FIN")
    ctx.need(f.flags & FIN, "want FIN, got %s" % f)
    fts = seg_ts(f)
    ctx.need(fts is not None, "FIN without timestamps: %s" % f)
    recent = tsval + 2
    send(ctx, pport, lport, FIN | ACK, x + 1, (z + 1) & M32, recent, fts[0])
    k = ctx.expect(w.conn(lport, pport), "ACK of the peer's FIN")
    ctx.need(k.ack == x + 2, "want the ACK of the FIN, got %s" % k)
    kts = seg_ts(k)
    ctx.need(kts is not None, "ACK without timestamps: %s" % k)
    ctx.need(w.wait_state(lport, pport, w.ST_TIME_WAIT) == w.ST_TIME_WAIT,
             "not in TIME_WAIT")
    ctx.tun.drain()
    return l, (z + 1) & M32, x + 2, recent, kts[0]


def check_tw_ack(ctx, s, snd_nxt, rcv_nxt, recent, last_tsval, what):
    """S is TIME_WAIT's ACK: <SEQ=SND.NXT><ACK=RCV.NXT>, TSecr = TS.Recent,
    TSval on the connection's clock (not before its last, not 10 s on)."""
    ctx.eq((w.flag_str(s.flags), s.seq, s.ack), ("ACK", snd_nxt, rcv_nxt),
           what + ": flags, seq, ack")
    ts = seg_ts(s)
    if not ctx.check(ts is not None, what + ": no timestamps option: %s" % s):
        return None
    ctx.eq(ts[1], recent, what + ": TSecr")
    ctx.check(ts[0] == last_tsval or newer(ts[0], last_tsval),
              "%s: TSval %d before the connection's last, %d" %
              (what, ts[0], last_tsval))
    ctx.check(((ts[0] - last_tsval) & M32) < 10000,
              "%s: TSval %d is %d ms after the connection's last: not its "
              "clock" % (what, ts[0], (ts[0] - last_tsval) & M32))
    return ts


# ---------------------------------------------------------------- tests

def tw_fin_ack_carries_ts(ctx):
    """(a) The peer's FIN again: ACKed with TSecr = TS.Recent (its FIN's
    TSval) and our TSval; a bare ACK at RCV.NXT with a newer TSval then
    advances TS.Recent, which the next ACK echoes."""
    lport, pport, x = 44501, 54501, 100000
    l, z, y, recent, last = time_wait_ts(ctx, lport, pport, x, 300000)
    send(ctx, pport, lport, FIN | ACK, x + 1, z, recent + 5, last)
    s = ctx.expect(w.conn(lport, pport), "ACK of the FIN again")
    check_tw_ack(ctx, s, z, y, recent, last, "ACK of the FIN again")
    # an acceptable empty segment: dropped silently, its TSval recorded
    send(ctx, pport, lport, ACK, y, z, recent + 10, last)
    ctx.expect_none(w.conn(lport, pport), "answer to a bare ACK at RCV.NXT",
                    wait=0.3)
    send(ctx, pport, lport, FIN | ACK, x + 1, z, recent + 11, last)
    s = ctx.expect(w.conn(lport, pport), "ACK of the FIN a third time")
    check_tw_ack(ctx, s, z, y, recent + 10, last, "after TS.Recent advanced")
    ctx.eq(w.proc_state(lport, pport), w.ST_TIME_WAIT, "state")
    l.close()


def tw_syn_newer_ts_reopens(ctx):
    """(b) RFC 6191: a SYN below RCV.NXT with TS.Recent's own TSval is an
    old duplicate (ACKed); with a newer TSval it reopens the 4-tuple: a
    SYN|ACK echoing it, TimeWaitRecycled counted."""
    lport, pport, x = 44502, 54502, 200000
    l, z, y, recent, last = time_wait_ts(ctx, lport, pport, x, 400000)
    old = (x - 50000) & M32
    with w.Sysctls(invalid_ratelimit_ms=0):
        ctx.tun.send(w.build(pport, lport, SYN, seq=old,
                             options=syn_ts(recent)))
        s = ctx.expect(w.conn(lport, pport), "answer to an old SYN")
        check_tw_ack(ctx, s, z, y, recent, last, "answer to an old SYN")
        ctx.eq(w.proc_state(lport, pport), w.ST_TIME_WAIT,
               "state after the old SYN")
        before = w.stats()
        ctx.tun.send(w.build(pport, lport, SYN, seq=old,
                             options=syn_ts(recent + 100)))
        sa = ctx.expect(w.conn(lport, pport), "answer to the newer SYN")
    ctx.eq(w.flag_str(sa.flags), w.flag_str(SYN | ACK), "the newer SYN's answer")
    ctx.eq(sa.ack, (old + 1) & M32, "SYN|ACK's ack")
    ts = seg_ts(sa)
    ctx.check(ts is not None and ts[1] == recent + 100,
              "SYN|ACK's TSecr: %s, want %d" % (ts, recent + 100))
    after = w.stats()
    ctx.eq(after.get("TimeWaitRecycled", 0) - before.get("TimeWaitRecycled", 0),
           1, "TimeWaitRecycled")
    ctx.check(w.proc_state(lport, pport) != w.ST_TIME_WAIT,
              "the entry is still there")
    ctx.tun.send(w.build(pport, lport, RST, seq=(old + 1) & M32))
    l.close()


def tw_paws_drops_stale(ctx):
    """(c) PAWS in TIME_WAIT (Linux answers each with an ACK, and drops a
    RST): a bare ACK at RCV.NXT with an old TSval is ACKed echoing
    TS.Recent; a SYN above RCV.NXT with an old TSval is ACKed, not
    SYN|ACKed; a RST at RCV.NXT with an old TSval leaves the entry, as
    with tw_rfc1337 0 one with a current TSval kills it.  PAWSTimewait
    counts the three."""
    lport, pport, x = 44503, 54503, 300000
    l, z, y, recent, last = time_wait_ts(ctx, lport, pport, x, 500000)
    stale = recent - 10
    with w.Sysctls(invalid_ratelimit_ms=0, tw_rfc1337=0):
        before = w.stats()
        send(ctx, pport, lport, ACK, y, z, stale, last)
        s = ctx.expect(w.conn(lport, pport), "ACK of a stale bare ACK")
        check_tw_ack(ctx, s, z, y, recent, last, "ACK of a stale bare ACK")
        ctx.tun.send(w.build(pport, lport, SYN, seq=(y + 100000) & M32,
                             options=MSS_WS + [("NOP", None), ("NOP", None),
                                               ("Timestamp", (stale, 0))]))
        s = ctx.expect(w.conn(lport, pport), "answer to a stale SYN")
        check_tw_ack(ctx, s, z, y, recent, last, "answer to a stale SYN")
        ctx.eq(w.proc_state(lport, pport), w.ST_TIME_WAIT,
               "state after the stale SYN")
        send(ctx, pport, lport, RST, y, 0, stale, 0)
        ctx.expect_none(w.conn(lport, pport), "answer to a stale RST", wait=0.3)
        ctx.eq(w.proc_state(lport, pport), w.ST_TIME_WAIT,
               "state after the stale RST")
        after = w.stats()
        ctx.eq(after.get("PAWSTimewait", 0) - before.get("PAWSTimewait", 0),
               3, "PAWSTimewait")
        send(ctx, pport, lport, RST, y, 0, recent, 0)
        ctx.eq(w.wait_state(lport, pport, None), None,
               "state after a RST with TS.Recent's TSval")
    l.close()


TESTS = [
    tw_fin_ack_carries_ts,
    tw_syn_newer_ts_reopens,
    tw_paws_drops_stale,
]


def main():
    return w.run_suite("twts", TESTS)


if __name__ == "__main__":
    sys.exit(main())
