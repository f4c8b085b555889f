// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 6298, "Computing TCP's Retransmission Timer", in microseconds.
 * Section numbers below are that RFC's.  See rtt.h for the fixed point.
 *
 * Where the RFC leaves a choice:
 * - G (the clock granularity of (2.2) and (2.3)) is 1 ms, XTCP_RTT_G_US:
 *   it keeps RTO a millisecond above SRTT when RTTVAR has decayed to
 *   nothing, which a microsecond clock alone would not.
 * - (2.4) says RTO SHOULD be rounded up to 1 s; XTCP clamps to the
 *   rto_min sysctl instead (200 ms by default), as Linux does, and (2.5)
 *   to rto_max (120 s by default; the RFC asks at least 60 s).  If the two
 *   sysctls are crossed, rto_max wins.
 * - (2.1): until the first sample RTO is rto_init (1 s by default).  (5.7),
 *   3 s after a SYN timed out, is the caller's: it initializes with
 *   xtcp_rtt_init() when the connection is made (a FIN sent before the
 *   handshake completes is timed from there) and again when data
 *   transfer begins.
 * - Karn (section 3): only a segment sent once is timed, one at a time; any
 *   retransmission while one is timed cancels the measurement, even of an
 *   earlier segment, since the ACK that covers the timed one may then have
 *   been sent for the retransmission.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "compat_pure.h"
#include "rtt.h"
#include "seq.h"

/* A fixed-point value to the nearest µs, halves up. */
static u64 xtcp_rtt_round(u64 x)
{
	return (x + (1ULL << (XTCP_RTT_SHIFT - 1))) >> XTCP_RTT_SHIFT;
}

/* (2.1): no sample yet, RTO = rto_init. */
void xtcp_rtt_init(struct xtcp_rtt *r, u32 rto_init_us)
{
	memset(r, 0, sizeof(*r));
	r->rto_us = rto_init_us;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_init);

/*
 * A measurement R of rtt_us: (2.2) for the first, (2.3) after, then RTO
 * clamped by (2.4) and (2.5).  A new sample also ends any backoff: the note
 * after (5.7) lets the recomputed RTO "collapse" the backed-off one.
 */
void xtcp_rtt_sample(struct xtcp_rtt *r, u32 rtt_us, u32 rto_min_us,
		     u32 rto_max_us)
{
	/* 0 µs (a clock coarser than the path) would read as "no sample" */
	u64 m = (u64)max(rtt_us, 1U) << XTCP_RTT_SHIFT;
	u64 rto;

	if (!r->min_rtt_us || rtt_us < r->min_rtt_us)
		r->min_rtt_us = max(rtt_us, 1U);
	if (!r->srtt_us) {
		/* (2.2) SRTT <- R, RTTVAR <- R/2 (exact: m has no fraction) */
		r->srtt_x = m;
		r->rttvar_x = m >> 1;
	} else {
		/*
		 * (2.3) RTTVAR <- (1 - 1/4) * RTTVAR + 1/4 * |SRTT - R'|
		 *       SRTT <- (1 - 1/8) * SRTT + 1/8 * R'
		 * in that order: RTTVAR takes the SRTT from before this sample.
		 */
		u64 err = r->srtt_x > m ? r->srtt_x - m : m - r->srtt_x;

		r->rttvar_x = (3 * r->rttvar_x + err) >> 2;
		r->srtt_x = (7 * r->srtt_x + m) >> 3;
	}
	/* RTO <- SRTT + max(G, K * RTTVAR), K = 4 */
	rto = r->srtt_x + max((u64)XTCP_RTT_G_US << XTCP_RTT_SHIFT,
			      r->rttvar_x << 2);
	rto = xtcp_rtt_round(rto);
	/* (2.4) at least rto_min, (2.5) at most rto_max */
	rto = max_t(u64, rto, rto_min_us);
	rto = min_t(u64, rto, rto_max_us);

	r->srtt_us = min_t(u64, xtcp_rtt_round(r->srtt_x), U32_MAX);
	r->rttvar_us = min_t(u64, xtcp_rtt_round(r->rttvar_x), U32_MAX);
	r->rto_us = rto;
	r->backoff = 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_sample);

/*
 * A segment that occupies sequence space, ending just before end_seq, was
 * sent at now_us.  Karn (section 3): a retransmission is never timed and
 * spoils the measurement in progress; otherwise, time this one unless
 * another is being timed.
 */
void xtcp_rtt_on_send(struct xtcp_rtt *r, u32 end_seq, u64 now_us,
		      bool retransmission)
{
	if (retransmission) {
		r->timing = false;
		return;
	}
	if (r->timing)
		return;
	r->timing = true;
	r->timed_seq = end_seq;
	r->timed_at_us = now_us;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_on_send);

/*
 * An ACK of new data: if it covers the timed segment (SEG.ACK >= its end),
 * the time since that segment was sent is a sample.  Return: whether one
 * was taken.
 */
bool xtcp_rtt_on_ack(struct xtcp_rtt *r, u32 ack, u64 now_us, u32 rto_min_us,
		     u32 rto_max_us)
{
	u64 rtt;

	if (!r->timing || xtcp_seq_before(ack, r->timed_seq))
		return false;
	r->timing = false;
	rtt = now_us > r->timed_at_us ? now_us - r->timed_at_us : 0;
	xtcp_rtt_sample(r, min_t(u64, rtt, U32_MAX), rto_min_us, rto_max_us);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_on_ack);

/*
 * RFC 7323 §4 (RTTM): an ACK of new data carrying TSecr measured @ts_us
 * (0: none).  If it covers the segment being timed, the timed sample is
 * the better one (microseconds, against the TS clock's milliseconds; as
 * tcp_ack_update_rtt() prefers it) and xtcp_rtt_on_ack() takes it;
 * otherwise this one is a sample, Karn's rule aside: the echoed TSval
 * says which transmission the ACK answers.  Return: whether one was taken.
 */
bool xtcp_rtt_on_ack_ts(struct xtcp_rtt *r, u32 ack, u32 ts_us,
			u32 rto_min_us, u32 rto_max_us)
{
	if (!ts_us || (r->timing && !xtcp_seq_before(ack, r->timed_seq)))
		return false;
	xtcp_rtt_sample(r, ts_us, rto_min_us, rto_max_us);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_on_ack_ts);

/* (5.5) the timer expired: RTO <- RTO * 2, kept as a shift of rto_us. */
void xtcp_rtt_backoff(struct xtcp_rtt *r)
{
	if (r->backoff < XTCP_RTT_MAX_BACKOFF)
		r->backoff++;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_backoff);

/*
 * The timeout to arm now: RTO doubled once per expiry (5.5), at most
 * rto_max, the upper bound (2.5) that (5.5) allows on the doubling.
 */
u32 xtcp_rtt_timeout_us(const struct xtcp_rtt *r, u32 rto_max_us)
{
	return min_t(u64, (u64)r->rto_us << r->backoff, rto_max_us);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_timeout_us);
