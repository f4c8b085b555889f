// SPDX-License-Identifier: GPL-2.0
/*
 * TCP timestamps, RFC 7323; section numbers below are that RFC's.
 *
 * TSval is a millisecond clock plus a per-connection offset drawn from
 * the two addresses and a secret, as Linux's tcp_ns_to_ts() plus
 * secure_tcp_ts_off(): a peer cannot read our uptime from it, and a new
 * connection between the same hosts continues the same clock, which is
 * what lets a SYN reopen a TIME_WAIT 4-tuple by its timestamp (RFC 6191).
 *
 * The rules here are pure and take the clock as an argument, for KUnit.
 */
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/once.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "compat_pure.h"
#include "seq.h"
#include "ts.h"

static siphash_key_t xtcp_ts_key __read_mostly;

u32 xtcp_ts_clock_ms(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_SEC / XTCP_TS_HZ);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_clock_ms);

/* Never 0: 0 in recent_stamp means "no TS.Recent". */
u32 xtcp_ts_clock_s(void)
{
	return (u32)ktime_get_seconds() + 1;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_clock_s);

u32 xtcp_ts_off(__be32 saddr, __be32 daddr)
{
	get_random_once(&xtcp_ts_key, sizeof(xtcp_ts_key));
	return siphash_2u32((__force u32)saddr, (__force u32)daddr,
			    &xtcp_ts_key);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_off);

u32 xtcp_ts_off6(const struct in6_addr *saddr, const struct in6_addr *daddr)
{
	const struct {
		struct in6_addr s, d;
	} __aligned(SIPHASH_ALIGNMENT) in = { .s = *saddr, .d = *daddr };

	get_random_once(&xtcp_ts_key, sizeof(xtcp_ts_key));
	return siphash(&in, sizeof(in), &xtcp_ts_key);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_off6);

/**
 * xtcp_paws_reject - does PAWS (§5.3) reject a segment?
 * @ts: the connection's timestamps
 * @tsval: the segment's TSval
 * @rst: the segment has RST
 * @now_s: xtcp_ts_clock_s()
 *
 * R1: a TSval older than TS.Recent marks an old duplicate, unless
 * TS.Recent is more than 24 days old (§5.5: the peer's clock may have
 * wrapped meanwhile; tcp_paws_check()).  A RST is never rejected for its
 * timestamp (§5.2 and tcp_paws_discard()'s callers): the peer may have
 * lost its clock.
 *
 * Return: true to drop the segment (and ACK it, §5.3 R1).
 */
bool xtcp_paws_reject(const struct xtcp_ts *ts, u32 tsval, bool rst,
		      u32 now_s)
{
	if (!ts->ok || rst || !ts->recent_stamp)
		return false;
	if ((s32)(tsval - ts->recent) >= 0)
		return false;
	return (s32)(now_s - ts->recent_stamp) <= XTCP_PAWS_IDLE_S;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_paws_reject);

/**
 * xtcp_paws_discard - does PAWS drop a synchronized connection's segment?
 * @ts: the connection's timestamps
 * @tsval: the segment's TSval
 * @rst: the segment has RST
 * @now_s: xtcp_ts_clock_s()
 *
 * xtcp_paws_reject() with XTCP_PAWS_WINDOW ticks of slack, as Linux's
 * tcp_paws_discard() (the TIME_WAIT and SYN rules take none): a
 * retransmission that filled the hole at RCV.NXT renewed TS.Recent, and
 * the next original, sent in the same or the previous tick but overtaken
 * on the way, is new data.  RFC 7323 §5.3 R1 would drop it, and the
 * sender would have to send it again.
 *
 * Return: true to drop the segment (and ACK it).
 */
bool xtcp_paws_discard(const struct xtcp_ts *ts, u32 tsval, bool rst,
		       u32 now_s)
{
	return xtcp_paws_reject(ts, tsval + XTCP_PAWS_WINDOW, rst, now_s);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_paws_discard);

/**
 * xtcp_ts_may_update - may an acceptable segment's TSval become TS.Recent?
 * @ts: the connection's timestamps
 * @tsval: the segment's TSval
 * @seq: its SEG.SEQ
 * @end: SEG.SEQ + SEG.LEN (SYN and FIN counted)
 * @last_ack_sent: RCV.NXT as last acknowledged (Last.ACK.sent)
 * @now_s: xtcp_ts_clock_s()
 *
 * §4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ <= Last.ACK.sent", so
 * that what is echoed is the TSval of the segment that reached what we
 * last acknowledged, not of one sent later (a delayed ACK covering two
 * segments echoes the earlier one's).  The segment must also reach
 * Last.ACK.sent (tcp_sequence()'s left edge); a TS.Recent idle for 24 days
 * is replaced whatever its value (§5.5, tcp_paws_check()).  Call only for
 * a segment that passed PAWS.
 */
bool xtcp_ts_may_update(const struct xtcp_ts *ts, u32 tsval, u32 seq, u32 end,
			u32 last_ack_sent, u32 now_s)
{
	if (!ts->ok || xtcp_seq_after(seq, last_ack_sent) ||
	    xtcp_seq_before(end, last_ack_sent))
		return false;
	return (s32)(tsval - ts->recent) >= 0 || !ts->recent_stamp ||
	       (s32)(now_s - ts->recent_stamp) > XTCP_PAWS_IDLE_S;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_may_update);

void xtcp_ts_store(struct xtcp_ts *ts, u32 tsval, u32 now_s)
{
	ts->recent = tsval;
	ts->recent_stamp = now_s;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_store);

/**
 * xtcp_ts_rtt_us - the RTT measured by a TSecr (§4.1, RTTM)
 * @now_ts: our TSval clock now
 * @tsecr: the TSecr of an ACK that acknowledges new data
 *
 * As tcp_rtt_tsopt_us(): a TSecr of 0 measures nothing (§3.2 allows it
 * only when the ACK bit is off); a TSecr from the future or more than a
 * day back is not ours; less than a tick counts as one tick.
 *
 * Return: the sample in µs, or 0 for none.
 */
u32 xtcp_ts_rtt_us(u32 now_ts, u32 tsecr)
{
	u32 delta = now_ts - tsecr;

	if (!tsecr || (s32)delta < 0 || delta > 24 * 3600 * XTCP_TS_HZ)
		return 0;
	return max(delta, 1U) * (USEC_PER_SEC / XTCP_TS_HZ);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_rtt_us);
