#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
SACK, RFC 2018 / 2883 / 6675 (issue 14): a scapy peer behind the tun
device xt0, on wire_pkt_test.py's infrastructure (the kernel is
10.99.0.1, this program the peer 10.99.0.2).

Prints "ok - sack: NAME" / "not ok - sack: NAME" (with indented details)
per selected test, and exits 1 if any failed.  argv[1], if given, selects
the tests whose "sack: NAME" contains it; "--list [FILTER]" prints
"sack: NAME" per test without running anything.  Needs root and xtcp.ko.
"""
import errno
import sys

import wire_pkt_test as w
from wire_pkt_test import ACK, PSH, RST, SYN, LOCAL, PEER, MSS_WS

M32 = 0xFFFFFFFF
XTCP_NODELAY = 1
XTCPI_OPT_SACK = 2
SACK_OK = [("NOP", None), ("NOP", None), ("SAckOK", b"")]



def ts_opts(tsval, tsecr=0):
    return [("NOP", None), ("NOP", None), ("Timestamp", (tsval, tsecr))]


def blocks(s):
    """The SACK blocks of a captured segment, as (start, end) pairs."""
    v = s.opt("SAck")
    if not v:
        return []
    return [(v[i] & M32, v[i + 1] & M32) for i in range(0, len(v) - 1, 2)]


def rel(pairs, base):
    """Blocks relative to BASE, for messages and comparisons."""
    return [((a - base) & M32, (b - base) & M32) for a, b in pairs]


def sack_opt(pairs):
    flat = []
    for a, b in pairs:
        flat += [a & M32, b & M32]
    return [("NOP", None), ("NOP", None), ("SAck", tuple(flat))]


def passive(ctx, lport, pport, x, options):
    """A listener on LOCAL:lport, SYN from PEER:pport with OPTIONS, the
    handshake's ACK: (accepted socket, the SYN|ACK)."""
    l = ctx.listener(lport)
    sa = w.syn_synack(ctx, lport, pport, x, options)
    ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1, ack=(sa.seq + 1) & M32))
    a, _ = w.accept_one(ctx, l)
    l.close()
    return a, sa


def passive_ts(ctx, lport, pport, x, tsval):
    """As passive(), the SYN with SACK-permitted and timestamps (TSval
    TSVAL, the ACK's TSVAL + 1): (accepted socket, the SYN|ACK's TSval,
    our ISS + 1, the peer's first sequence number)."""
    l = ctx.listener(lport)
    sa = w.syn_synack(ctx, lport, pport, x, MSS_WS + SACK_OK + ts_opts(tsval))
    tsv = sa.opt("Timestamp")[0]
    una = (sa.seq + 1) & M32
    ctx.tun.send(w.build(pport, lport, ACK, seq=x + 1, ack=una,
                         options=ts_opts(tsval + 1, tsv)))
    a, _ = w.accept_one(ctx, l)
    l.close()
    return a, tsv, una, x + 1


def data(ctx, lport, pport, seq, ack, off, n, rcv):
    """N bytes at RCV + OFF from the peer: the ACK they draw."""
    ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=(rcv + off) & M32,
                         ack=ack, payload=bytes([0x41 + off % 26]) * n))
    return ctx.expect(w.conn(lport, pport), "ACK of [%d, %d)" % (off, off + n))


# ---------------------------------------------------------------- tests

def sack_permitted_answered(ctx):
    """SYN with SACK-permitted: the SYN|ACK answers it, beside timestamps
    too, and XTCP_INFO says so."""
    a, sa = passive(ctx, 45101, 55101, 1000, MSS_WS + SACK_OK)
    ctx.check(sa.has_opt("SAckOK"), "SYN|ACK without SACK-permitted: %s" % sa)
    ctx.eq(sa.doff * 4, 20 + 8 + 4, "header length (MSS, NOP WS, NOP NOP SACK-perm)")
    ctx.check(a.info()["options"] & XTCPI_OPT_SACK, "XTCP_INFO: no SACK")
    ctx.listener(45102)
    sa = w.syn_synack(ctx, 45102, 55102, 2000, MSS_WS + SACK_OK + ts_opts(7))
    ctx.check(sa.has_opt("SAckOK"), "SYN|ACK without SACK-permitted: %s" % sa)
    ctx.check(sa.has_opt("Timestamp"), "SYN|ACK without timestamps: %s" % sa)
    ctx.eq(sa.doff * 4, 20 + 8 + 4 + 12, "header length")


def sack_absent_when_not_offered(ctx):
    """SYN without SACK-permitted: none in the SYN|ACK, no blocks later
    for out-of-order data; XTCP_INFO says no SACK."""
    a, sa = passive(ctx, 45103, 55103, 3000, MSS_WS)
    ctx.check(not sa.has_opt("SAckOK"), "SYN|ACK with SACK-permitted: %s" % sa)
    ack = data(ctx, 45103, 55103, 0, (sa.seq + 1) & M32, 200, 100, 3001)
    ctx.eq(ack.ack, 3001, "ack")
    ctx.check(not ack.has_opt("SAck"), "SACK blocks not permitted: %s" % ack)
    ctx.eq(a.info()["options"] & XTCPI_OPT_SACK, 0, "XTCP_INFO options")


def sack_sysctl_off(ctx):
    """sack=0: a SYN's SACK-permitted goes unanswered and our SYN offers
    none; sack=1: our SYN offers it, and a SYN|ACK without it turns SACK
    off for the connection."""
    with w.Sysctls(sack=0):
        ctx.listener(45104)
        sa = w.syn_synack(ctx, 45104, 55104, 4000, MSS_WS + SACK_OK)
        ctx.check(not sa.has_opt("SAckOK"), "SYN|ACK with SACK-permitted: %s" % sa)
        c = w.XSock(ctx)
        ctx.need(c.bind(LOCAL, 45105) == 0, "bind")
        ctx.need(c.connect(PEER, 55105) == errno.EINPROGRESS, "connect")
        syn = ctx.expect(w.conn(45105, 55105), "SYN")
        ctx.check(not syn.has_opt("SAckOK"), "SYN with SACK-permitted: %s" % syn)
        c.close()
    c = w.XSock(ctx)
    ctx.need(c.bind(LOCAL, 45106) == 0, "bind")
    ctx.need(c.connect(PEER, 55106) == errno.EINPROGRESS, "connect")
    syn = ctx.expect(lambda s: s.sport == 45106 and s.flags == SYN, "SYN")
    ctx.check(syn.has_opt("SAckOK"), "SYN without SACK-permitted: %s" % syn)
    ctx.tun.send(w.build(55106, 45106, SYN | ACK, seq=9000,
                         ack=(syn.seq + 1) & M32, options=MSS_WS))
    ctx.expect(lambda s: s.sport == 45106 and s.flags == ACK, "ACK")
    ctx.eq(c.info()["options"] & XTCPI_OPT_SACK, 0, "XTCP_INFO options")


def sack_blocks_out_of_order(ctx):
    """Out-of-order data draws SACK blocks (RFC 2018 §4): the block of
    the newest segment first, merged when a gap fills, at most 4, the
    oldest dropped; across 2^32; RCV.NXT reaching a block removes it."""
    x = 0xFFFFFE00      # the peer's data crosses 2^32
    lport, pport = 45110, 55110
    a, sa = passive(ctx, lport, pport, x, MSS_WS + SACK_OK)
    r = (x + 1) & M32
    una = (sa.seq + 1) & M32

    def step(off, want):
        s = data(ctx, lport, pport, 0, una, off, 100, r)
        ctx.eq(s.ack, r, "ack after [%d, %d)" % (off, off + 100))
        ctx.eq(rel(blocks(s), r), want, "blocks after [%d, %d)" % (off, off + 100))

    step(200, [(200, 300)])
    step(400, [(400, 500), (200, 300)])
    step(300, [(200, 500)])
    step(600, [(600, 700), (200, 500)])
    step(800, [(800, 900), (600, 700), (200, 500)])
    step(1000, [(1000, 1100), (800, 900), (600, 700), (200, 500)])
    step(1200, [(1200, 1300), (1000, 1100), (800, 900), (600, 700)])
    # the hole at RCV.NXT fills: the ACK moves to 500, the blocks above stay
    s = data(ctx, lport, pport, 0, una, 0, 200, r)
    ctx.eq((s.ack - r) & M32, 500, "ack after the hole")
    ctx.eq(rel(blocks(s), r), [(1200, 1300), (1000, 1100), (800, 900),
                               (600, 700)], "blocks after the hole")


def sack_blocks_with_timestamps(ctx):
    """Beside timestamps 3 blocks at most (40 bytes of options)."""
    lport, pport = 45111, 55111
    _, tsv, una, r = passive_ts(ctx, lport, pport, 20000, 100)
    s = None
    for k, off in enumerate((200, 400, 600, 800)):
        ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=r + off, ack=una,
                             options=ts_opts(102 + k, tsv), payload=b"t" * 100))
        s = ctx.expect(w.conn(lport, pport), "ACK of [%d, %d)" % (off, off + 100))
    ctx.eq(rel(blocks(s), r), [(800, 900), (600, 700), (400, 500)], "blocks")
    ctx.eq(s.doff * 4, 60, "header length (TS, 3 blocks)")


def sack_dsack(ctx):
    """A duplicate draws a D-SACK block first in the next ACK (RFC 2883):
    for data below RCV.NXT, and for data already queued out of order
    (then followed by the block holding it)."""
    x = 30000
    lport, pport = 45112, 55112
    a, sa = passive(ctx, lport, pport, x, MSS_WS + SACK_OK)
    una = (sa.seq + 1) & M32
    r = x + 1
    before = w.stats()
    ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=r, ack=una,
                         payload=b"d" * 100))
    ctx.expect(w.conn(lport, pport), "ACK of [0, 100)", timeout=2.0)
    s = data(ctx, lport, pport, 0, una, 0, 100, r)
    ctx.eq(s.ack, r + 100, "ack after the duplicate")
    ctx.eq(rel(blocks(s), r), [(0, 100)], "D-SACK of the old duplicate")
    s = data(ctx, lport, pport, 0, una, 300, 100, r)
    ctx.eq(rel(blocks(s), r), [(300, 400)], "block")
    s = data(ctx, lport, pport, 0, una, 300, 100, r)
    ctx.eq(rel(blocks(s), r), [(300, 400), (300, 400)],
           "D-SACK of the out-of-order duplicate, then its block")
    # reported once: the next ACK has the block only
    s = data(ctx, lport, pport, 0, una, 500, 100, r)
    ctx.eq(rel(blocks(s), r), [(500, 600), (300, 400)], "blocks after")
    after = w.stats()
    ctx.eq(after.get("TCPDSACKOldSent", 0) - before.get("TCPDSACKOldSent", 0),
           1, "TCPDSACKOldSent")
    ctx.eq(after.get("TCPDSACKOfoSent", 0) - before.get("TCPDSACKOfoSent", 0),
           1, "TCPDSACKOfoSent")
    ctx.eq(a.recv(1000), b"d" * 100, "data")


def sack_paws_dsack(ctx):
    """Timestamps beside SACK.  The original of a segment the peer resent
    arrives after the retransmission, with the older TSval: PAWS drops it
    (RFC 7323 §5.3), and its duplicate ACK carries a D-SACK for it (RFC
    2883; Linux's tcp_send_dupack()), or the sender never learns that its
    retransmission was spurious.  A TSval one tick older than TS.Recent
    passes (Linux's TCP_PAWS_WINDOW): an original sent in the tick before
    a retransmission that overtook it is new data, not an old duplicate."""
    lport, pport = 45113, 55113
    a, tsv, una, r = passive_ts(ctx, lport, pport, 31000, 1000)

    def seg(off, n, tsval):
        ctx.tun.send(w.build(pport, lport, ACK | PSH, seq=(r + off) & M32,
                             ack=una, options=ts_opts(tsval, tsv),
                             payload=bytes([0x61 + off // 100]) * n))

    match = w.conn(lport, pport)
    before = w.stats()
    # [100, 200) (TSval 1010) past a hole, then the hole's retransmission
    # [0, 100) (TSval 1020): RCV.NXT 200, TS.Recent 1020
    seg(100, 100, 1010)
    s = ctx.expect(match, "ACK of [100, 200)")
    ctx.eq(rel(blocks(s), r), [(100, 200)], "block")
    seg(0, 100, 1020)
    s = ctx.expect(lambda s: match(s) and s.ack == (r + 200) & M32,
                   "ACK of the filled hole", timeout=2.0)
    # the original of [0, 100), TSval 1005: PAWS drops it, the ACK says
    # D-SACK [0, 100)
    seg(0, 100, 1005)
    s = ctx.expect(match, "ACK of the stale duplicate")
    ctx.eq(s.ack, (r + 200) & M32, "ack")
    ctx.eq(rel(blocks(s), r), [(0, 100)], "D-SACK of the PAWS-dropped duplicate")
    ctx.eq(s.opt("Timestamp") and s.opt("Timestamp")[1], 1020, "TSecr")
    after = w.stats()
    ctx.eq(after.get("PAWSEstab", 0) - before.get("PAWSEstab", 0), 1,
           "PAWSEstab")
    ctx.eq(after.get("TCPDSACKOldSent", 0) - before.get("TCPDSACKOldSent", 0),
           1, "TCPDSACKOldSent")
    # new data [200, 300) sent a tick before the retransmission (TSval
    # 1019): taken
    seg(200, 100, 1019)
    s = ctx.expect(lambda s: match(s) and s.ack == (r + 300) & M32,
                   "ACK of [200, 300) (TSval one tick old)", timeout=2.0)
    # two ticks (TSval 1018): an old duplicate, dropped (no D-SACK: the
    # data is new)
    seg(300, 100, 1018)
    s = ctx.expect(match, "ACK of [300, 400) (TSval two ticks old)")
    ctx.eq(s.ack, (r + 300) & M32, "ack (nothing taken)")
    ctx.eq(blocks(s), [], "blocks")
    ctx.eq(a.recv(1000), b"a" * 100 + b"b" * 100 + b"c" * 100, "data")
    ctx.tun.send(w.build(pport, lport, RST, seq=(r + 300) & M32))


def flight(ctx, lport, pport, y, segs, mss=1000, opts=SACK_OK):
    """An active open to a peer with MSS MSS, SACK-permitted, a large
    window, NODELAY, and SEGS full segments written: (socket, the data
    segments that left)."""
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
    ctx.need(c.info()["snd_mss"] == mss, "snd_mss %d" % c.info()["snd_mss"])
    ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=(syn.seq + 1) & M32,
                         window=65535))
    ctx.expect_none(match, "answer to a window update", wait=0.1)
    ctx.eq(c.send(bytes(segs * mss)), segs * mss, "send")
    got = [g for g in ctx.tun.collect(match, 0.5) if g.payload]
    ctx.need(len(got) == segs, "%d segments sent, want %d" % (len(got), segs))
    return c, got


def sack_only_hole_resent(ctx):
    """Segments 1-5 out, 1 ACKed, 3-5 SACKed by three duplicate ACKs: 2
    is fast-retransmitted, and 3-5 are never sent again (RFC 6675);
    TCPSackRecovery counts it, XTCP_INFO shows what is SACKed; a D-SACK
    after is counted, a block past SND.NXT discarded."""
    lport, pport, y = 45120, 55120, 6000000
    match = w.conn(lport, pport)
    # recovery=0: RFC 6675 alone (no probe while the peer is slow)
    with w.Sysctls(rto_init_ms=3000, rto_min_ms=3000, recovery=0):
        before = w.stats()
        c, d = flight(ctx, lport, pport, y, 5)
        end = [(g.seq + len(g.payload)) & M32 for g in d]
        ack = d[1].seq
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=ack, window=65535))
        for k in (3, 4, 5):
            ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=ack,
                                 window=65535,
                                 options=sack_opt([(d[2].seq, end[k - 1])])))
        got = [g for g in ctx.tun.collect(match, 0.5) if g.payload]
        ctx.note("after the SACKs: %s" % ", ".join(
            "seq=%d len=%d" % ((g.seq - d[0].seq) & M32, len(g.payload))
            for g in got))
        ctx.check(len(got) == 1 and got[0].seq == d[1].seq and
                  len(got[0].payload) == len(d[1].payload),
                  "want segment 2 alone resent, got %s" % [str(g) for g in got])
        info = c.info()
        ctx.eq(info["sacked"], 3000, "XTCP_INFO sacked")
        ctx.eq(info["retrans"], 1000, "XTCP_INFO retrans")
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[4],
                             window=65535))
        ctx.expect_none(lambda s: match(s) and s.payload, "data after the full ACK",
                        wait=0.3)
        ctx.eq(c.info()["sacked"], 0, "XTCP_INFO sacked after the full ACK")
        # a D-SACK for 2 (its first copy arrived too), and a block past
        # SND.NXT, which is discarded
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[4],
                             window=65535,
                             options=sack_opt([(d[1].seq, end[1]),
                                               (end[4], end[4] + 1000)])))
        ctx.expect_none(lambda s: match(s) and s.payload, "data after the D-SACK",
                        wait=0.3)
        after = w.stats()
        for name, want in (("TCPSackRecovery", 1), ("TCPDSACKRecv", 1),
                           ("TCPSACKDiscard", 1)):
            ctx.eq(after.get(name, 0) - before.get(name, 0), want, name)
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def sack_reneging(ctx):
    """The peer SACKs 3-5, then acknowledges only up to 3 (it dropped
    what it SACKed, RFC 2018 §8): counted as TCPSACKReneging, and the
    transfer still completes: 3 goes again at once (the partial ACK)."""
    lport, pport, y = 45121, 55121, 7000000
    match = w.conn(lport, pport)
    # recovery=0: RFC 6675 alone (no probe while the peer is slow)
    with w.Sysctls(rto_init_ms=3000, rto_min_ms=3000, recovery=0):
        before = w.stats()
        c, d = flight(ctx, lport, pport, y, 5)
        end = [(g.seq + len(g.payload)) & M32 for g in d]
        ack = d[1].seq
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=ack, window=65535))
        for k in (3, 4, 5):
            ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=ack,
                                 window=65535,
                                 options=sack_opt([(d[2].seq, end[k - 1])])))
        ctx.expect(lambda s: match(s) and s.payload and s.seq == d[1].seq,
                   "fast retransmit of 2")
        ctx.eq(c.info()["sacked"], 3000, "XTCP_INFO sacked")
        # 2 arrived, 3-5 were dropped: the ACK stops at 3
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=d[2].seq,
                             window=65535))
        g = ctx.expect(lambda s: match(s) and s.payload and s.seq == d[2].seq,
                       "segment 3 resent", timeout=2.0)
        ctx.eq(len(g.payload), len(d[2].payload), "its length")
        after = w.stats()
        ctx.check(after.get("TCPSACKReneging", 0) >
                  before.get("TCPSACKReneging", 0), "TCPSACKReneging not counted")
        # everything arrives now: the transfer completes
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=end[4],
                             window=65535))
        ctx.eq(c.send(b"z" * 100), 100, "send after")
        g = ctx.expect(lambda s: match(s) and s.payload, "new data")
        ctx.eq(g.seq, end[4], "new data's seq")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


def sack_without_sack_newreno(ctx):
    """Without SACK the NewReno path: three duplicate ACKs resend
    segment 2, and a SACK option the peer sends anyway is ignored."""
    lport, pport, y = 45122, 55122, 8000000
    match = w.conn(lport, pport)
    # recovery=0: RFC 6675 alone (no probe while the peer is slow)
    with w.Sysctls(rto_init_ms=3000, rto_min_ms=3000, recovery=0):
        before = w.stats()
        c, d = flight(ctx, lport, pport, y, 5, opts=[])
        ctx.eq(c.info()["options"] & XTCPI_OPT_SACK, 0, "XTCP_INFO options")
        end = [(g.seq + len(g.payload)) & M32 for g in d]
        ack = d[1].seq
        ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=ack, window=65535))
        for k in (3, 4, 5):
            ctx.tun.send(w.build(pport, lport, ACK, seq=y + 1, ack=ack,
                                 window=65535,
                                 options=sack_opt([(d[2].seq, end[k - 1])])))
        got = [g for g in ctx.tun.collect(match, 0.5) if g.payload]
        ctx.check(len(got) >= 1 and got[0].seq == d[1].seq,
                  "want the fast retransmit of 2, got %s" % [str(g) for g in got])
        ctx.eq(c.info()["sacked"], 0, "XTCP_INFO sacked")
        after = w.stats()
        ctx.eq(after.get("TCPSackRecovery", 0) - before.get("TCPSackRecovery", 0),
               0, "TCPSackRecovery")
        ctx.tun.send(w.build(pport, lport, RST, seq=y + 1))


TESTS = [
    sack_permitted_answered,
    sack_absent_when_not_offered,
    sack_sysctl_off,
    sack_blocks_out_of_order,
    sack_blocks_with_timestamps,
    sack_dsack,
    sack_paws_dsack,
    sack_only_hole_resent,
    sack_reneging,
    sack_without_sack_newreno,
]


def main():
    return w.run_suite("sack", TESTS)


if __name__ == "__main__":
    sys.exit(main())
