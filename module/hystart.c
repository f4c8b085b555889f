// SPDX-License-Identifier: GPL-2.0
/*
 * HyStart++ (RFC 9406 section 4), with its recommended constants
 * (section 4.3, hystart.h).  A round is a window of data: it begins with
 * windowEnd = SND.NXT and ends with the first ACK that acknowledges
 * windowEnd (SEG.ACK at or beyond it).  In each round the least RTT
 * sample is kept (currentRoundMinRTT) and the samples counted; after at
 * least N_RTT_SAMPLE = 8 samples in a round, a least RTT that grew by
 * RttThresh = max(4 ms, min(lastRoundMinRTT / 8, 16 ms)) or more over
 * the last round's leaves standard slow start for Conservative Slow
 * Start (CSS), whose growth is a quarter of slow start's; a CSS round
 * whose least RTT (again after 8 samples) falls below the one that
 * started CSS (cssBaselineMinRtt) goes back to slow start; CSS_ROUNDS = 5
 * rounds of CSS, the one it began in counted, end slow start: the caller
 * sets ssthresh = cwnd and congestion avoidance follows.
 *
 * Where the RFC leaves a choice:
 * - L, the limit of an ACK's growth (cwnd += min(N, L * SMSS)): 1, not
 *   section 4.3's 8 for a sender that does not pace (XTCP does not).
 *   L = 1 is RFC 5681's slow start, which cc.c keeps for NewReno and for
 *   slow start after a loss; with L = 8 an ACK of many segments (a
 *   stretch ACK, GRO) would release a burst of up to 8 more.  So CSS adds
 *   min(N, SMSS) / 4 per ACK, the fraction of a byte dropped.
 * - Order within an ACK: the round's end is looked at first (the ACK
 *   that acknowledges windowEnd begins the next round, and its sample
 *   counts there, as Linux's tcp_cubic.c does), then the ACK grows cwnd
 *   as the state it found says (slow start or CSS), then its sample is
 *   taken and the RTT tests run (section 4.2's order).
 * - Only the first slow start (ssthresh still "arbitrarily high"), as
 *   section 4.2 says an implementation SHOULD: after a loss or a timeout
 *   cc.c no longer calls it.  A loss during CSS is a loss: the
 *   algorithm's own response, which ends HyStart++ with the rest.
 * - An RTT sample is optional per ACK (0: none); an ACK without one is
 *   grown but not counted.  The caller's samples are each ACK's newest
 *   segment sent only once (Karn), so a round of n ACKs has up to n.
 * - A round may end with nothing more in flight (windowEnd = SND.NXT =
 *   SEG.ACK): the next ACK of new data ends the next round at once; such
 *   a round rarely has 8 samples, and then it decides nothing.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "compat_pure.h"
#include "hystart.h"
#include "seq.h"

/* Start: slow start watched (@on), or HyStart++ not used. */
void xtcp_hystart_init(struct xtcp_hystart *h, bool on)
{
	h->window_end = 0;
	h->last_min_us = XTCP_HYSTART_INF;
	h->cur_min_us = XTCP_HYSTART_INF;
	h->css_base_us = XTCP_HYSTART_INF;
	h->samples = 0;
	h->css_rounds = 0;
	h->state = on ? XTCP_HYSTART_SS : XTCP_HYSTART_OFF;
	h->round_set = false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_hystart_init);

/* RttThresh = max(MIN_RTT_THRESH, min(lastRoundMinRTT / 8, MAX_RTT_THRESH)) */
u32 xtcp_hystart_rtt_thresh(u32 last_min_us)
{
	return clamp_t(u32, last_min_us / XTCP_HYSTART_MIN_RTT_DIVISOR,
		       XTCP_HYSTART_MIN_RTT_THRESH_US,
		       XTCP_HYSTART_MAX_RTT_THRESH_US);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_hystart_rtt_thresh);

/*
 * An ACK of new data, SEG.ACK @ack, with @snd_nxt the highest sequence
 * number sent: if it acknowledges windowEnd (or no round has begun), a
 * round begins: windowEnd = SND.NXT, lastRoundMinRTT = currentRoundMinRTT,
 * currentRoundMinRTT = infinity, rttSampleCount = 0.  Return: true when
 * that completed CSS_ROUNDS rounds of CSS: slow start is over, the caller
 * sets ssthresh = cwnd (and HyStart++ is off from then on).
 */
bool xtcp_hystart_round(struct xtcp_hystart *h, u32 ack, u32 snd_nxt)
{
	if (h->state == XTCP_HYSTART_OFF ||
	    (h->round_set && xtcp_seq_before(ack, h->window_end)))
		return false;
	h->round_set = true;
	h->window_end = snd_nxt;
	h->last_min_us = h->cur_min_us;
	h->cur_min_us = XTCP_HYSTART_INF;
	h->samples = 0;
	if (h->state != XTCP_HYSTART_CSS)
		return false;
	if (h->css_rounds >= XTCP_HYSTART_CSS_ROUNDS) {
		h->state = XTCP_HYSTART_OFF;
		return true;
	}
	h->css_rounds++;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_hystart_round);

/*
 * An ACK in slow start that would grow cwnd by @inc (xtcp_cc_ss_inc()),
 * with the RTT sample @rtt_us (0: none).  Return: what cwnd grows by,
 * @inc in slow start, a quarter of it in CSS (as the state was before this
 * ACK's sample); then the sample is taken and may move slow start to
 * CSS or CSS back to slow start (section 4.2).
 */
u32 xtcp_hystart_grow(struct xtcp_hystart *h, u32 inc, u32 rtt_us)
{
	if (h->state == XTCP_HYSTART_OFF)
		return inc;
	if (h->state == XTCP_HYSTART_CSS)
		inc /= XTCP_HYSTART_CSS_GROWTH_DIVISOR;
	if (!rtt_us)
		return inc;
	h->cur_min_us = min(h->cur_min_us, rtt_us);
	if (h->samples < U8_MAX)
		h->samples++;
	if (h->samples < XTCP_HYSTART_N_RTT_SAMPLE)
		return inc;
	if (h->state == XTCP_HYSTART_SS) {
		if (h->last_min_us != XTCP_HYSTART_INF &&
		    (u64)h->cur_min_us >= (u64)h->last_min_us +
		    xtcp_hystart_rtt_thresh(h->last_min_us)) {
			h->css_base_us = h->cur_min_us;
			h->state = XTCP_HYSTART_CSS;
			h->css_rounds = 1;	/* this partial round counts */
		}
	} else if (h->cur_min_us < h->css_base_us) {
		/* the exit was spurious: slow start again */
		h->css_base_us = XTCP_HYSTART_INF;
		h->state = XTCP_HYSTART_SS;
		h->css_rounds = 0;
	}
	return inc;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_hystart_grow);
