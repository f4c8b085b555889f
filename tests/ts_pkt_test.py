#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
TCP timestamps, RFC 7323 (issue 14): a scapy peer behind the tun device
xt0, on wire_pkt_test.py's infrastructure (the kernel is 10.99.0.1, this
program the peer 10.99.0.2).

Prints "ok - ts: NAME" / "not ok - ts: NAME" (with indented details) per
selected test, and exits 1 if any failed.  argv[1], if given, selects the
tests whose "ts: NAME" contains it; "--list [FILTER]" prints "ts: NAME" per
test without running anything.  Needs root and xtcp.ko.
"""
import errno
import sys
import time

import wire_pkt_test as w
from wire_pkt_test import ACK, FIN, PSH, RST, SYN, LOCAL, PEER, MSS_WS

M32 = 0xFFFFFFFF
TS_HLEN = 12            # NOP, NOP, the option: what every segment carries
XTCPI_OPT_TIMESTAMPS = 1



def ts_opts(tsval, tsecr=0):
    return [("NOP", None), ("NOP", None), ("Timestamp", (tsval, tsecr))]


def syn_ts(tsval):
    return MSS_WS + ts_opts(tsval)


def seg_ts(s):
    """(TSval, TSecr) of a segment we captured, or None."""
    return s.opt("Timestamp")


def send(ctx, pport, lport, flags, seq, ack, tsval, tsecr, payload=b""):
    ctx.tun.send(w.build(pport, lport, flags, seq=seq, ack=ack,
                         options=ts_opts(tsval, tsecr), payload=payload))


def ts_handshake(ctx, lport, pport, x, tsval):
    """A listener on LOCAL:lport, SYN (TSval tsval), SYN|ACK, ACK (TSval
    tsval + 1): (the accepted socket, our ISS + 1, the SYN|ACK's TSval)."""
    l = ctx.listener(lport)
    sa = w.syn_synack(ctx, lport, pport, x, syn_ts(tsval))
    ts = seg_ts(sa)
    ctx.need(ts is not None, "SYN|ACK without timestamps: %s" % sa)
    una = (sa.seq + 1) & M32
    send(ctx, pport, lport, ACK, x + 1, una, tsval + 1, ts[0])
    a, _ = w.accept_one(ctx, l)
    l.close()
    return a, una, ts[0]


# ---------------------------------------------------------------- tests

def ts_answered_when_offered(ctx):
    """SYN with TS: the SYN|ACK answers it (TSecr = the SYN's TSval), and
    the send MSS leaves room for the option."""
    a, una, tsv = ts_handshake(ctx, 44101, 54101, 1000, 777000)
    info = a.info()
    ctx.check(info["options"] & XTCPI_OPT_TIMESTAMPS, "XTCP_INFO: no timestamps")
    ctx.eq(info["snd_mss"], 1400 - TS_HLEN, "snd_mss (peer MSS 1400 less 12)")
    ctx.eq(info["ts_recent"], 777001, "TS.Recent (the ACK's TSval)")
    ctx.check(tsv != 0, "TSval 0")


def ts_synack_echo_and_layout(ctx):
    """The SYN|ACK's options: MSS, NOP WS, NOP NOP TS (20 bytes), TSecr
    echoing the SYN's TSval."""
    ctx.listener(44102)
    sa = w.syn_synack(ctx, 44102, 54102, 2000, syn_ts(0xfffffff0))
    ctx.eq(sa.doff * 4, 20 + 20, "header length")
    ts = seg_ts(sa)
    ctx.need(ts is not None, "no timestamps: %s" % sa)
    ctx.eq(ts[1], 0xfffffff0, "TSecr")
    ctx.eq(sa.opt("MSS"), ctx.tun.mtu - w.IP_HLEN - 20,
           "MSS option (not cut for TS)")


def ts_absent_when_not_offered(ctx):
    """SYN without TS: none in the SYN|ACK, nor on later segments."""
    l = ctx.listener(44103)
    sa = w.syn_synack(ctx, 44103, 54103, 3000, MSS_WS)
    ctx.check(not sa.has_opt("Timestamp"), "SYN|ACK with timestamps: %s" % sa)
    ctx.eq(sa.doff * 4, 28, "header length")
    ctx.tun.send(w.build(54103, 44103, ACK, seq=3001, ack=(sa.seq + 1) & M32))
    a, _ = w.accept_one(ctx, l)
    ctx.eq(a.send(b"x" * 100), 100, "send")
    d = ctx.expect(w.conn(44103, 54103), "data")
    ctx.check(not d.has_opt("Timestamp"), "data with timestamps: %s" % d)
    ctx.eq(d.doff * 4, 20, "data header length")
    ctx.eq(a.info()["snd_mss"], 1400, "snd_mss")


def ts_sysctl_off(ctx):
    """timestamps=0: a SYN's TS goes unanswered; our SYN offers none.
    timestamps=1: our SYN offers TS with TSecr 0."""
    with w.Sysctls(timestamps=0):
        ctx.listener(44104)
        sa = w.syn_synack(ctx, 44104, 54104, 4000, syn_ts(5))
        ctx.check(not sa.has_opt("Timestamp"), "SYN|ACK with timestamps: %s" % sa)
        c = w.XSock(ctx)
        ctx.need(c.bind(LOCAL, 44105) == 0, "bind")
        ctx.need(c.connect(PEER, 54105) == errno.EINPROGRESS, "connect")
        syn = ctx.expect(w.conn(44105, 54105), "SYN")
        ctx.check(not syn.has_opt("Timestamp"), "SYN with timestamps: %s" % syn)
        c.close()
    c = w.XSock(ctx)
    ctx.need(c.bind(LOCAL, 44106) == 0, "bind")
    ctx.need(c.connect(PEER, 54106) == errno.EINPROGRESS, "connect")
    syn = ctx.expect(lambda s: s.sport == 44106 and s.flags == SYN, "SYN")
    ts = seg_ts(syn)
    ctx.need(ts is not None, "SYN without timestamps: %s" % syn)
    ctx.eq(ts[1], 0, "SYN's TSecr")
    # MSS, NOP WS, NOP NOP SACK-permitted (sack=1), NOP NOP TS
    ctx.eq(syn.doff * 4, 44, "SYN header length")
    # the peer answers without TS: the connection goes without
    iss = syn.seq
    ctx.tun.send(w.build(54106, 44106, SYN | ACK, seq=9000, ack=(iss + 1) & M32,
                         options=MSS_WS))
    ack = ctx.expect(lambda s: s.sport == 44106 and s.flags == ACK, "ACK")
    ctx.check(not ack.has_opt("Timestamp"), "ACK with timestamps: %s" % ack)
    ctx.eq(c.info()["options"] & XTCPI_OPT_TIMESTAMPS, 0, "XTCP_INFO options")


def ts_active_open(ctx):
    """Our SYN offers TS, the peer's SYN|ACK answers: the ACK echoes it."""
    c = w.XSock(ctx)
    ctx.need(c.bind(LOCAL, 44107) == 0, "bind")
    ctx.need(c.connect(PEER, 54107) == errno.EINPROGRESS, "connect")
    syn = ctx.expect(w.conn(44107, 54107), "SYN")
    ts = seg_ts(syn)
    ctx.need(ts is not None, "SYN without timestamps: %s" % syn)
    ctx.tun.send(w.build(54107, 44107, SYN | ACK, seq=9000, ack=(syn.seq + 1) & M32,
                         options=MSS_WS + ts_opts(123456, ts[0])))
    ack = ctx.expect(w.conn(44107, 54107), "ACK")
    ctx.eq(ack.flags, ACK, "flags")
    t2 = seg_ts(ack)
    ctx.need(t2 is not None, "ACK without timestamps: %s" % ack)
    ctx.eq(t2[1], 123456, "ACK's TSecr")
    ctx.check(((t2[0] - ts[0]) & M32) < 0x80000000, "TSval went back")
    info = c.info()
    ctx.eq(info["snd_mss"], 1400 - TS_HLEN, "snd_mss")


def ts_every_segment_echo(ctx):
    """Every segment carries TS; TSecr echoes the last in-window TSval
    that reached Last.ACK.sent, not a later out-of-order one (§4.3)."""
    x = 5000
    a, una, _ = ts_handshake(ctx, 44110, 54110, x, 1000)
    # in order, TSval 1100: ACKed (after the delayed-ACK timer) echoing 1100
    send(ctx, 54110, 44110, ACK | PSH, x + 1, una, 1100, 0, b"a" * 100)
    s = ctx.expect(w.conn(44110, 54110), "ACK of data", timeout=2.0)
    ctx.eq(s.ack, x + 101, "ack")
    ctx.eq(seg_ts(s) and seg_ts(s)[1], 1100, "TSecr after in-order data")
    # a segment past a hole, TSval 1300: duplicate ACK echoing 1100 still
    send(ctx, 54110, 44110, ACK | PSH, x + 201, una, 1300, 0, b"c" * 100)
    s = ctx.expect(w.conn(44110, 54110), "duplicate ACK")
    ctx.eq(s.ack, x + 101, "dup ack")
    ctx.eq(seg_ts(s) and seg_ts(s)[1], 1100, "TSecr after out-of-order data")
    # the hole, TSval 1200: the ACK covers both, echoing 1200
    send(ctx, 54110, 44110, ACK | PSH, x + 101, una, 1200, 0, b"b" * 100)
    s = ctx.expect(lambda s: s.sport == 44110 and s.ack == x + 301,
                   "ACK of the filled hole")
    ctx.eq(seg_ts(s) and seg_ts(s)[1], 1200, "TSecr after the hole")
    ctx.eq(a.recv(1000), b"a" * 100 + b"b" * 100 + b"c" * 100, "data")
    # our data and our FIN carry it too
    ctx.eq(a.send(b"z" * 50), 50, "send")
    d = ctx.expect(lambda s: s.sport == 44110 and s.payload, "data")
    ctx.eq(seg_ts(d) and seg_ts(d)[1], 1200, "data's TSecr")
    send(ctx, 54110, 44110, ACK, x + 301, (una + 50) & M32, 1400, seg_ts(d)[0])
    a.close()
    f = ctx.expect(lambda s: s.sport == 44110 and s.flags & FIN, "FIN")
    ctx.eq(seg_ts(f) and seg_ts(f)[1], 1400, "FIN's TSecr")
    ctx.check(((seg_ts(f)[0] - seg_ts(d)[0]) & M32) < 0x80000000, "TSval went back")


def ts_paws_drops_stale(ctx):
    """In-window data with a TSval older than TS.Recent: dropped (not
    delivered) and ACKed, PAWSEstab counted; with a fresh TSval it is
    delivered.  A RST with an old TSval still resets (§5.2)."""
    x = 7000
    a, una, _ = ts_handshake(ctx, 44120, 54120, x, 50000)
    before = w.stats().get("PAWSEstab", 0)
    send(ctx, 54120, 44120, ACK | PSH, x + 1, una, 40000, 0, b"s" * 100)
    s = ctx.expect(w.conn(44120, 54120), "ACK of the stale segment")
    ctx.eq(s.ack, x + 1, "ack (nothing taken)")
    ctx.eq(seg_ts(s) and seg_ts(s)[1], 50001, "TSecr (TS.Recent kept)")
    ctx.eq(a.recv(1000), -errno.EAGAIN, "recv after the stale segment")
    ctx.eq(w.stats().get("PAWSEstab", 0) - before, 1, "PAWSEstab")
    # across the wrap: 0x80000000 after 50001 is older too
    send(ctx, 54120, 44120, ACK | PSH, x + 1, una, (50001 + 0x80000000) & M32, 0,
         b"s" * 100)
    ctx.expect(w.conn(44120, 54120), "ACK of the second stale segment")
    ctx.eq(a.recv(1000), -errno.EAGAIN, "recv after the second")
    send(ctx, 54120, 44120, ACK | PSH, x + 1, una, 50002, 0, b"f" * 100)
    s = ctx.expect(lambda s: s.sport == 44120 and s.ack == x + 101, "ACK of fresh data")
    ctx.eq(a.recv(1000), b"f" * 100, "the fresh segment's data")
    send(ctx, 54120, 44120, RST, x + 101, 0, 1, 0)
    deadline = time.monotonic() + 2
    while w.proc_state(44120, 54120) is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    ctx.eq(w.proc_state(44120, 54120), None, "state after a RST with an old TSval")


def ts_rtt_from_tsecr(ctx):
    """RTTM: the ACK of a retransmission (Karn: no sample) echoes the
    first transmission's TSval, 1 s before: SRTT is about 1 s."""
    x = 8000
    with w.Sysctls(rto_init_ms=1000):
        a, una, _ = ts_handshake(ctx, 44130, 54130, x, 9000)
        ctx.eq(a.info()["srtt"], 0, "SRTT before any sample")
        ctx.eq(a.send(b"r" * 100), 100, "send")
        d1 = ctx.expect(lambda s: s.sport == 44130 and s.payload, "data")
        d2 = ctx.expect(lambda s: s.sport == 44130 and s.payload,
                        "retransmission", timeout=5.0)
        ctx.eq(d2.seq, d1.seq, "retransmitted seq")
        waited = (d2.t - d1.t) * 1000
        send(ctx, 54130, 44130, ACK, x + 1, (una + 100) & M32, 9002, seg_ts(d1)[0])
        time.sleep(0.2)
        info = a.info()
        srtt_ms = info["srtt"] / 1000.0
        ctx.note("retransmitted after %.0f ms; SRTT %.0f ms, RTO %d us" %
                 (waited, srtt_ms, info["rto"]))
        ctx.check(srtt_ms >= 0.8 * waited and srtt_ms <= waited + 1000,
                  "SRTT %.0f ms, want about %.0f ms (the TSecr's age)" %
                  (srtt_ms, waited))


TESTS = [
    ts_answered_when_offered,
    ts_synack_echo_and_layout,
    ts_absent_when_not_offered,
    ts_sysctl_off,
    ts_active_open,
    ts_every_segment_echo,
    ts_paws_drops_stale,
    ts_rtt_from_tsecr,
]


def main():
    return w.run_suite("ts", TESTS)


if __name__ == "__main__":
    sys.exit(main())
