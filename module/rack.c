// SPDX-License-Identifier: GPL-2.0
/*
 * RACK-TLP (RFC 8985), the pure part: see rack.h.  Linux's
 * net/ipv4/tcp_recovery.c (tcp_rack_*) and tcp_output.c
 * (tcp_schedule_loss_probe()) do the same; where they differ from the RFC
 * the comment says which is followed.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "rack.h"
#include "seq.h"

void xtcp_rack_init(struct xtcp_rack *r)
{
	memset(r, 0, sizeof(*r));
	r->reo_mult = 1;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_init);

/*
 * RFC 8985 §6.2 RACK_sent_after(): was (t1, seq1) sent after (t2, seq2)?
 * Equal times (one transmission of several segments) order by end_seq.
 */
bool xtcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && xtcp_seq_after(seq1, seq2));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_sent_after);

/*
 * RFC 8985 §6.2 steps 1-3: a segment sent at @xmit_us and ending at
 * @end_seq was newly delivered (cumulatively ACKed or SACKed) at @now_us.
 * A retransmitted one whose RTT is below min_RTT was most likely delivered
 * by its original (step 2; tcp_rack_advance()): it does not advance RACK.
 * Reordering is seen when a segment never retransmitted is delivered
 * below the highest delivered end_seq (step 3).
 */
void xtcp_rack_update(struct xtcp_rack *r, u32 xmit_us, u32 end_seq,
		      bool retrans, u32 now_us)
{
	u32 rtt = now_us - xmit_us;

	if ((s32)rtt < 0)
		rtt = 0;
	if (!retrans && r->set && xtcp_seq_before(end_seq, r->fack))
		r->reo_seen = true;
	if (!r->set || xtcp_seq_after(end_seq, r->fack))
		r->fack = end_seq;
	if (retrans && r->min_rtt_us && rtt < r->min_rtt_us)
		return;
	if (!retrans && (!r->min_rtt_us || rtt < r->min_rtt_us))
		r->min_rtt_us = max(rtt, 1U);
	r->rtt_us = rtt;
	if (!r->set || xtcp_rack_sent_after(xmit_us, end_seq, r->xmit_us,
					    r->end_seq)) {
		r->xmit_us = xmit_us;
		r->end_seq = end_seq;
	}
	r->set = true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_update);

/*
 * RFC 8985 §6.2 step 4: a D-SACK says a retransmission was spurious, the
 * window too small: widen it by min_RTT/4, once per round trip (until
 * SND.UNA passes what was SND.NXT at the last widening), and keep it for
 * XTCP_RACK_REO_PERSIST recoveries.  It is also reordering seen (step
 * 3): the original arrived, after the sender gave up on it.  Without
 * that, a late original that RACK had already resent never sets
 * reo_seen (step 3 skips retransmitted segments), and the window stays 0
 * in recovery however many D-SACKs come; Linux's tcp_sacktag_one() takes
 * a D-SACKed retransmission as reordering in the same way.
 */
void xtcp_rack_dsack(struct xtcp_rack *r, u32 una, u32 snd_nxt)
{
	r->reo_seen = true;
	if (r->dsack_round_set && xtcp_seq_before(una, r->dsack_round))
		return;
	if (r->reo_mult < U8_MAX)
		r->reo_mult++;
	r->reo_persist = XTCP_RACK_REO_PERSIST;
	r->dsack_round = snd_nxt;
	r->dsack_round_set = true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_dsack);

/* §6.2 step 4: a recovery ended; after 16 without a D-SACK, back to 1. */
void xtcp_rack_recovery_done(struct xtcp_rack *r)
{
	if (r->reo_persist && --r->reo_persist)
		return;
	r->reo_mult = 1;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_recovery_done);

/*
 * RFC 8985 §6.2 step 4, RACK.reo_wnd: none before any reordering was seen
 * while in recovery (@recovering) or once DupThresh segments are SACKed
 * (@dupthresh_sacked), as RFC 6675 would; else min_RTT / 4 times
 * reo_wnd_mult, at most SRTT.
 */
u32 xtcp_rack_reo_wnd(const struct xtcp_rack *r, bool recovering,
		      bool dupthresh_sacked, u32 srtt_us)
{
	if (!r->reo_seen && (recovering || dupthresh_sacked))
		return 0;
	return min_t(u64, (u64)(r->min_rtt_us / 4) * r->reo_mult, srtt_us);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_reo_wnd);

/*
 * RFC 8985 §6.2 step 5 for one segment not delivered, sent at @xmit_us and
 * ending at @end_seq: lost if it was sent before RACK.xmit_ts and has
 * waited RACK.rtt + @reo_wnd since (tcp_rack_detect_loss()).  Otherwise
 * *@left_us is how long it still may (0: it was sent after RACK.xmit_ts,
 * nothing says anything about it yet).
 */
bool xtcp_rack_lost(const struct xtcp_rack *r, u32 xmit_us, u32 end_seq,
		    u32 reo_wnd, u32 now_us, u32 *left_us)
{
	s64 left;

	*left_us = 0;
	if (!r->set ||
	    !xtcp_rack_sent_after(r->xmit_us, r->end_seq, xmit_us, end_seq))
		return false;
	left = (s64)r->rtt_us + reo_wnd - (s32)(now_us - xmit_us);
	if (left <= 0)
		return true;
	*left_us = min_t(s64, left, U32_MAX);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rack_lost);

/*
 * RFC 8985 §7.2: PTO = 2 * SRTT, plus WCDelAckT when one segment is in
 * flight (its ACK may be delayed), 1 s with no RTT sample; at least
 * XTCP_TLP_MIN_US.  The caller arms it only if the RTO would come later.
 */
u32 xtcp_tlp_pto_us(u32 srtt_us, u32 flight_segs)
{
	u64 pto;

	if (!srtt_us)
		return USEC_PER_SEC;
	pto = 2 * (u64)srtt_us;
	if (flight_segs == 1)
		pto += XTCP_TLP_WCDELACK_US;
	return clamp_t(u64, pto, XTCP_TLP_MIN_US, U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tlp_pto_us);

/*
 * RFC 8985 §7.4 (tcp_process_tlp_ack()): an ACK of @ack while a probe is
 * outstanding.  A probe of new data acknowledged: nothing was lost, or
 * RACK and SACK repair it.  A retransmitting probe: a D-SACK for it, or a
 * pure duplicate ACK at TLP.end_seq, says both copies arrived (no loss);
 * an ACK beyond TLP.end_seq says the probe repaired a loss, for which
 * congestion control must respond.  An ACK below TLP.end_seq changes
 * nothing.
 */
enum xtcp_tlp_ack xtcp_tlp_on_ack(struct xtcp_rack *r, u32 ack,
				  bool una_advanced, bool dsack, bool dupack)
{
	if (!r->tlp_set || xtcp_seq_before(ack, r->tlp_end_seq))
		return XTCP_TLP_NONE;
	if (!r->tlp_retrans || dsack) {
		r->tlp_set = false;
		return XTCP_TLP_NO_LOSS;
	}
	if (xtcp_seq_after(ack, r->tlp_end_seq)) {
		r->tlp_set = false;
		return XTCP_TLP_RECOVERED;
	}
	if (!una_advanced && dupack) {
		r->tlp_set = false;
		return XTCP_TLP_NO_LOSS;
	}
	return XTCP_TLP_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tlp_on_ack);
