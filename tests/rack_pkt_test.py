#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
RACK-TLP, RFC 8985 (issue 14): a scapy peer behind the tun device xt0, on
wire_pkt_test.py's infrastructure (the kernel is 10.99.0.1, this program
the peer 10.99.0.2).  The RTO is held at 5 s (rto_min_ms) so that what
goes again before it is a probe or RACK's doing, never the timer's: the
tests look at which segments go, not when (a loaded host's scapy peer
may take a second to answer).

Prints "ok - rack: NAME" / "not ok - rack: NAME" (with indented details)
per selected test, and exits 1 if any failed.  argv[1], if given, selects
the tests whose "rack: NAME" contains it; "--list [FILTER]" prints
"rack: NAME" per test without running anything.  Needs root and xtcp.ko.
"""
import errno
import sys
import time

import wire_pkt_test as w
from wire_pkt_test import ACK, RST, SYN, LOCAL, PEER

M32 = 0xFFFFFFFF
XTCP_NODELAY = 1
SACK_OK = [("NOP", None), ("NOP", None), ("SAckOK", b"")]
SLOW_RTO = dict(rto_init_ms=5000, rto_min_ms=5000)


def sack_opt(pairs):
    flat = []
    for a, b in pairs:
        flat += [a & M32, b & M32]
    return [("NOP", None), ("NOP", None), ("SAck", tuple(flat))]


def opened(ctx, lport, pport, y, mss=1000, opts=SACK_OK, window=65535):
    """An active open to a peer with MSS MSS and OPTS, window WINDOW
    (scale 7: the peer's window is WINDOW << 7 after the handshake),
    NODELAY: (socket, its ISS + 1)."""
    match = w.conn(lport, pport)
    c = w.XSock(ctx)
    ctx.need(c.bind(LOCAL, lport) == 0, "bind")
    ctx.need(c.setint(w.SOL_XTCP, XTCP_NODELAY, 1) == 0, "XTCP_NODELAY")
    ctx.need(c.connect(PEER, pport) == errno.EINPROGRESS, "connect")
    syn = ctx.expect(match, "SYN")
    ctx.tun.send(w.build(pport, lport, SYN | ACK, seq=y, ack=(syn.seq + 1) & M32,
                         options=[("MSS", mss), ("NOP", None),
                                  ("WScale", 7)] + opts))
    ctx.expect(match, "ACK of the SYN|ACK")
    ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=(syn.seq + 1) & M32,
                         window=window))
    ctx.expect_none(match, "answer to a window update", wait=0.1)
    return c, (syn.seq + 1) & M32


def data_segs(ctx, match, want, what):
    """The first WANT data segments that leave (within 2 s)."""
    got = []
    for _ in range(want):
        g = ctx.expect(lambda s: match(s) and s.payload, what, timeout=2.0)
        got.append(g)
    return got


def flight(ctx, c, match, write, segs, what="the flight"):
    """WRITE bytes written on C, the first SEGS data segments that
    leave: (the segments, the sequence number after each)."""
    ctx.eq(c.send(bytes(write)), write, "send")
    d = data_segs(ctx, match, segs, what)
    return d, [(g.seq + len(g.payload)) & M32 for g in d]


def show(segs, base):
    return ", ".join("seq=%d len=%d" % ((g.seq - base) & M32, len(g.payload))
                     for g in segs)


def delta(before, after, name):
    return after.get(name, 0) - before.get(name, 0)


def resent(ctx, match, seq):
    """Data segments until one at SEQ leaves (within 4 s each), then
    what follows within 0.3 s: (the segments, whether SEQ was among them)."""
    got = []
    while not any(g.seq == seq for g in got):
        g = ctx.tun.recv(lambda s: match(s) and s.payload, 4.0)
        if g is None:
            break
        got.append(g)
    got += [g for g in ctx.tun.collect(match, 0.3) if g.payload]
    return got, any(g.seq == seq for g in got)


def sack_from_3(ctx, c, match, lport, pport, y, last):
    """Five segments written on C and sent; one ACK of 1 that SACKs 3 to
    LAST (1-based): (the segments, their ends, what went again, whether
    2 was among it)."""
    d, end = flight(ctx, c, match, 5000, 5)
    ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[0],
                         window=65535,
                         options=sack_opt([(d[2].seq, end[last - 1])])))
    got, ok = resent(ctx, match, d[1].seq)
    return d, end, got, ok


# ---------------------------------------------------------------- tests

def tlp_tail_drop_probe(ctx):
    """Five segments out; the peer ACKs three, the last two are lost
    (a tail drop: no duplicate ACK will come).  Before the RTO, one
    loss probe goes: the last segment again
    (RFC 8985 §7.3, no new data queued), counted by TCPLossProbes; its
    ACK, then an ACK of new data beyond it, count TCPLossProbeRecovery
    (§7.4).  The old sender sent nothing before the RTO."""
    lport, pport, y = 46301, 56301, 1000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        d, end = flight(ctx, c, match, 5000, 5)
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[2],
                             window=65535))
        g = ctx.tun.recv(lambda s: match(s) and s.payload, 4.0)
        got = ([g] if g else []) + [g for g in ctx.tun.collect(match, 0.3)
                                    if g.payload]
        ctx.note("after the ACK of 3: %s" % show(got, iss1))
        ctx.check(len(got) == 1 and got[0].seq == d[4].seq and
                  len(got[0].payload) == len(d[4].payload),
                  "want one probe, segment 5 again; got %s" % show(got, iss1))
        ctx.eq(delta(before, w.stats(), "TCPLossProbes"), 1, "TCPLossProbes")
        # the probe filled the tail: all is acknowledged, then new data
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[4],
                             window=65535))
        ctx.eq(c.send(b"n" * 500), 500, "send after")
        g = ctx.expect(lambda s: match(s) and s.payload, "new data")
        ctx.eq(g.seq, end[4], "new data's seq")
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[4] + 500,
                             window=65535))
        ctx.expect_none(lambda s: match(s) and s.payload, "data after", wait=0.2)
        ctx.eq(delta(before, w.stats(), "TCPLossProbeRecovery"), 1,
               "TCPLossProbeRecovery")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def tlp_new_data_probe(ctx):
    """Fourteen segments written, ten (the initial window) out, nothing
    ACKed: the probe is new data, segment 11, which the peer's window
    takes though cwnd does not (RFC 8985 §7.3), a PTO of 1 s after
    (no RTT sample yet, §7.2); one probe only, until an ACK."""
    lport, pport, y = 46302, 56302, 2000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        ctx.eq(c.send(bytes(14000)), 14000, "send")
        d = data_segs(ctx, match, 10, "the initial window")
        # no RTT sample yet: PTO is 1 s (RFC 8985 §7.2)
        g = ctx.tun.recv(lambda s: match(s) and s.payload, 4.0)
        got = ([g] if g else []) + [g for g in ctx.tun.collect(match, 0.3)
                                    if g.payload]
        ctx.note("after the flight: %s" % show(got, iss1))
        end10 = (d[9].seq + len(d[9].payload)) & M32
        ctx.check(len(got) == 1 and got[0].seq == end10,
                  "want one probe of new data at %d; got %s" %
                  ((end10 - iss1) & M32, show(got, iss1)))
        ctx.eq(delta(before, w.stats(), "TCPLossProbes"), 1, "TCPLossProbes")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def tlp_off(ctx):
    """recovery=0 (RACK-TLP off, as tcp_recovery's bit): the tail drop
    of tlp_tail_drop_probe draws nothing before the RTO; and no probe
    without SACK either (RFC 8985 §7: TLP needs SACK)."""
    for k, (kv, opts) in enumerate(((dict(SLOW_RTO, recovery=0), SACK_OK),
                                    (SLOW_RTO, []))):
        lport, pport, y = 46303 + k, 56303 + k, 3000000
        match = w.conn(lport, pport)
        with w.Sysctls(**kv):
            before = w.stats()
            c, iss1 = opened(ctx, lport, pport, y, opts=opts)
            d, end = flight(ctx, c, match, 5000, 5)
            ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[2],
                                 window=65535))
            got = [g for g in ctx.tun.collect(match, 0.6) if g.payload]
            ctx.check(not got, "%s: want nothing before the RTO, got %s" %
                      (kv, show(got, iss1)))
            ctx.eq(delta(before, w.stats(), "TCPLossProbes"), 0,
                   "TCPLossProbes")
            ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def rack_one_sack_marks_lost(ctx):
    """Five segments out, 1 ACKed, then one duplicate ACK SACKing 3 only:
    RFC 6675 calls nothing lost (one segment SACKed, not DupThresh), RACK
    does: 2 was sent before 3, which is delivered, and RACK.rtt plus the
    reordering window has passed (RFC 8985 §6.2), at once or at the
    reordering timer.  2 alone goes again, 4 and 5 (sent after 3) do
    not; fast recovery is counted."""
    lport, pport, y = 46310, 56310, 4000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        # one ACK: 1 acknowledged, 3 SACKed
        d, end, got, _ = sack_from_3(ctx, c, match, lport, pport, y, 3)
        ctx.note("after the SACK of 3: %s" % show(got, iss1))
        # (a probe of 5 may have gone before the ACK: PTO 1 s, no sample)
        ctx.check([g.seq for g in got if g.seq != d[4].seq] == [d[1].seq],
                  "want segment 2 alone resent, got %s" % show(got, iss1))
        after = w.stats()
        ctx.eq(delta(before, after, "TCPSackRecovery"), 1, "TCPSackRecovery")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def rack_lost_retransmit(ctx):
    """A retransmission lost too (RFC 8985 §6.2 step 2, the case
    duplicate-ACK counting cannot see): five segments out, 1 ACKed, 3-5
    SACKed, so RACK resends 2.  Then segment 6 goes, new data sent after
    that retransmission, and the peer SACKs 3-6 but still not 2: 6 was
    sent after 2's retransmission and has arrived, so that retransmission
    is lost as well and 2 goes a third time, before any RTO (5 s),
    counted by TCPLostRetransmit."""
    lport, pport, y = 46311, 56311, 5000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        d, end, got, ok = sack_from_3(ctx, c, match, lport, pport, y, 5)
        ctx.note("after the SACK of 3-5: %s" % show(got, iss1))
        ctx.need(ok, "segment 2 resent once (got %s)" % show(got, iss1))
        ctx.eq(delta(before, w.stats(), "TCPLostRetransmit"), 0,
               "TCPLostRetransmit after the first retransmission")
        ctx.eq(c.send(bytes(1000)), 1000, "send segment 6")
        g6 = ctx.expect(lambda s: match(s) and s.payload and
                        s.seq == end[4], "segment 6 (new data)")
        end6 = (g6.seq + len(g6.payload)) & M32
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[0],
                             window=65535,
                             options=sack_opt([(d[2].seq, end6)])))
        got, ok = resent(ctx, match, d[1].seq)
        ctx.note("after the SACK of 3-6: %s" % show(got, iss1))
        ctx.check(ok, "want segment 2 a third time before the RTO, got %s" %
                  show(got, iss1))
        # (RACK's resend alone counts it: not the timer's, not a probe's;
        # TCPTimeouts is the namespace's, where earlier suites' orphans
        # may time out meanwhile)
        ctx.eq(delta(before, w.stats(), "TCPLostRetransmit"), 1,
               "TCPLostRetransmit")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def rack_reordering_waits(ctx):
    """Once reordering was seen (RFC 8985 §6.2 step 3), three duplicate
    ACKs SACKing 3-5 do not make 2 lost at once: RACK waits min_RTT / 4
    more (§6.2 step 4), where duplicate-ACK counting (RFC 6675) resends at
    the third; the ACK of all that follows at once says 2 was only late.
    The peer answers 0.8 s late (so the wait is 200 ms).  Flight 0, one
    segment, gives the RTT.  Flight 1: 3 SACKed, then all ACKed (2 came
    after 3: reordering seen).  Flight 2: 1 ACKed, three duplicate ACKs
    SACK 3, 3-4, 3-5, then all ACKed.  Nothing goes again, no recovery is
    counted.  The module that counted duplicate ACKs beside RACK resent 2
    at the third."""
    lport, pport, y = 46312, 56312, 6000000
    rtt = 0.8
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        for flight, segs, sacks in ((0, 1, 0), (1, 5, 1), (2, 5, 3)):
            ctx.eq(c.send(bytes(segs * 1000)), segs * 1000,
                   "send flight %d" % flight)
            d = data_segs(ctx, match, segs, "flight %d" % flight)
            end = [(g.seq + len(g.payload)) & M32 for g in d]
            time.sleep(rtt)
            acks = [w.build(pport, lport, ACK, seq=y + 1, ack=end[0],
                            window=65535)]
            for k in range(sacks):
                acks.append(w.build(pport, lport, ACK, seq=y + 1, ack=end[0],
                                    window=65535,
                                    options=sack_opt([(d[2].seq, end[2 + k])])))
            acks.append(w.build(pport, lport, ACK, seq=y + 1, ack=end[-1],
                                window=65535))
            for a in acks:
                ctx.tun.send(a)
            got = [g for g in ctx.tun.collect(match, 0.5) if g.payload]
            i = c.info()
            ctx.note("after flight %d: srtt %d us, min_rtt %d us" %
                     (flight, i["srtt"], i["min_rtt"]))
            ctx.check(not got, "flight %d: want nothing resent, got %s" %
                      (flight, show(got, iss1)))
        after = w.stats()
        for name in ("TCPSackRecovery", "TCPFastRetrans", "TCPLossProbes"):
            ctx.eq(delta(before, after, name), 0, name)
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def prr_sack_burst(ctx):
    """PRR (RFC 6937) and the pipe (RFC 6675 §4), as Linux recovers with
    RACK on.  NewReno, MSS 1000, ten segments out (cwnd 10000).  ACK 1
    SACKs 2-4: 1 is lost, recovery starts with ssthresh 5000; pipe is
    6000 and PRR lets ceil(3000 * 5000 / 10000) = 1500 go: 1 again and
    nothing more.  ACK 2 SACKs 2-10 at once (an ACK standing for six
    segments): pipe is 1000 (the retransmission), and PRR's slow-start
    bound lets ssthresh - pipe = 4000 go: four new segments, 11-14.  ACK
    3 covers 1-10: recovery ends with cwnd = ssthresh = 5000, four in
    flight, so one more, 15.  The sender that inflated cwnd by one SMSS
    per duplicate ACK and held new data to cwnd - FlightSize sent nothing
    at ACK 2 (cwnd 9000, flight 10000) and two at ACK 3."""
    lport, pport, y = 46313, 56313, 7000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        d, end = flight(ctx, c, match, 20000, 10)

        def ack(n, sack_end=None):
            opts = sack_opt([(d[1].seq, sack_end)]) if sack_end else []
            ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=n,
                                 window=65535, options=opts))
            got = [g for g in ctx.tun.collect(match, 0.5) if g.payload]
            return [((g.seq - iss1) & M32, len(g.payload)) for g in got]

        got = ack(iss1, end[3])
        ctx.need(delta(before, w.stats(), "TCPLossProbes") == 0,
                 "no loss probe before the peer answered (PTO 1 s)")
        ctx.check(got == [(0, 1000)],
                  "ACK 1 (SACK 2-4): want 1 alone again, got %s" % got)
        got = ack(iss1, end[9])
        ctx.check(got == [(k * 1000, 1000) for k in range(10, 14)],
                  "ACK 2 (SACK 2-10): want 11-14 new, got %s" % got)
        got = ack(end[9])
        ctx.check(got == [(14000, 1000)],
                  "ACK 3 (all of 1-10): want 15 alone, got %s" % got)
        i = c.info()
        ctx.eq(i["snd_ssthresh"], 5000, "ssthresh")
        ctx.eq(i["snd_cwnd"], 5000, "cwnd after recovery")
        after = w.stats()
        ctx.eq(delta(before, after, "TCPSackRecovery"), 1, "TCPSackRecovery")
        ctx.eq(delta(before, after, "TCPFastRetrans"), 1, "TCPFastRetrans")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def rack_host_queue(ctx):
    """A segment RACK calls lost whose last transmission has not left the
    host (here: it waits in the tun's queue, unread) is not sent again:
    it cannot have been lost, and a second copy would only trail the
    first, as Linux's skb_still_in_host_queue() holds it back
    (TCPSpuriousRtxHostQueues).  Five segments out, one write each,
    nothing read; 1 ACKed, 3-5 SACKed: the tun then yields 1-5 once
    each.  The same ACK again, the queue read: now 2 goes again."""
    lport, pport, y = 46314, 56314, 8000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        for _ in range(5):
            ctx.eq(c.send(bytes(1000)), 1000, "send")
        deadline = time.monotonic() + 2
        while (c.info()["snd_nxt"] != (iss1 + 5000) & M32 and
               time.monotonic() < deadline):
            time.sleep(0.01)
        ctx.need(c.info()["snd_nxt"] == (iss1 + 5000) & M32,
                 "5 segments sent (SND.NXT %d)" % ((c.info()["snd_nxt"] - iss1) & M32))
        sack = sack_opt([((iss1 + 2000) & M32, (iss1 + 5000) & M32)])
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1,
                             ack=(iss1 + 1000) & M32, window=65535,
                             options=sack))
        time.sleep(0.2)
        got = [g for g in ctx.tun.collect(match, 0.5) if g.payload]
        ctx.check([(g.seq - iss1) & M32 for g in got] ==
                  [k * 1000 for k in range(5)],
                  "want 1-5 once each, got %s" % show(got, iss1))
        ctx.check(delta(before, w.stats(), "TCPSpuriousRtxHostQueues") >= 1,
                  "TCPSpuriousRtxHostQueues not counted")
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1,
                             ack=(iss1 + 1000) & M32, window=65535,
                             options=sack))
        got, ok = resent(ctx, match, (iss1 + 1000) & M32)
        ctx.check(ok, "2 not resent once its first copy left: %s" %
                  show(got, iss1))
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def rack_dsack_undo(ctx):
    """A recovery whose every retransmission the peer reports as a
    duplicate (D-SACK, RFC 2883) answered no loss: its cut is undone
    (Linux's tcp_try_undo_dsack(), TCPDSACKUndo).  Five segments out
    (cwnd 10 x MSS 1000), 1 ACKed, 3-5 SACKed: RACK resends 2, recovery
    sets ssthresh 2000.  Then the peer ACKs 1-5 with a D-SACK of 2 (its
    original came late): cwnd is back to 10000 and more (slow start
    again, ssthresh unset), not 2000."""
    lport, pport, y = 46315, 56315, 9000000
    match = w.conn(lport, pport)
    with w.Sysctls(**SLOW_RTO):
        before = w.stats()
        c, iss1 = opened(ctx, lport, pport, y)
        d, end, got, ok = sack_from_3(ctx, c, match, lport, pport, y, 5)
        ctx.need(ok, "segment 2 resent (got %s)" % show(got, iss1))
        ctx.need(c.info()["snd_ssthresh"] == 2000,
                 "ssthresh %d in recovery" % c.info()["snd_ssthresh"])
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[4],
                             window=65535,
                             options=sack_opt([(d[1].seq, end[1])])))
        time.sleep(0.2)
        i = c.info()
        ctx.check(i["snd_cwnd"] >= 10000,
                  "cwnd %d after the D-SACK, want 10000 or more" % i["snd_cwnd"])
        ctx.check(i["snd_ssthresh"] > 10000,
                  "ssthresh %d after the D-SACK, want unset" % i["snd_ssthresh"])
        after = w.stats()
        ctx.eq(delta(before, after, "TCPDSACKRecv"), 1, "TCPDSACKRecv")
        ctx.eq(delta(before, after, "TCPDSACKUndo"), 1, "TCPDSACKUndo")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


TESTS = [
    rack_one_sack_marks_lost,
    rack_lost_retransmit,
    rack_reordering_waits,
    prr_sack_burst,
    rack_host_queue,
    rack_dsack_undo,
    tlp_tail_drop_probe,
    tlp_new_data_probe,
    tlp_off,
]


def main():
    return w.run_suite("rack", TESTS)


if __name__ == "__main__":
    sys.exit(main())
