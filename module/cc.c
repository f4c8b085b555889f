// SPDX-License-Identifier: GPL-2.0
/*
 * Loss recovery for every algorithm and NewReno's growth: RFC 5681 (slow
 * start, congestion avoidance, fast retransmit and fast recovery) with RFC
 * 6582's partial acknowledgments, in bytes.  See cc.h for the arguments.
 * What an algorithm decides goes through cc->ops (struct xtcp_cc_ops):
 * growth on an ACK of new data outside recovery, ssthresh on a loss, the
 * timeout, the end of recovery, sending after idle; NewReno's own are
 * below, CUBIC's in cubic.c.  The rest, and what follows, is shared:
 * recovery's cwnd = ssthresh + 3 * SMSS, its inflation and deflation,
 * and a timeout's cwnd = 1 SMSS.
 *
 * Where the RFCs leave a choice:
 * - Initial window: RFC 6928 section 2, min(10 * SMSS, max(2 * SMSS,
 *   14600)); ssthresh starts "arbitrarily high" (RFC 5681 section 3.1) as
 *   U32_MAX, which no computed ssthresh (at most 2^31) can equal.
 * - Slow start (cwnd < ssthresh): cwnd += N per ACK of N new bytes, as
 *   Linux counts every segment acknowledged (RFC 3465 byte counting with
 *   no limit L; RFC 5681 (2)'s min(N, SMSS) is L = 1 SMSS, which behind
 *   a receiver acknowledging GSO super-segments hardly grows cwnd at all),
 *   up to ssthresh; like RFC 5681, the last increment may overshoot
 *   ssthresh by less than SMSS (xtcp_cc_ss_inc()).
 * - cwnd == ssthresh: congestion avoidance (RFC 5681 allows either).
 * - Congestion avoidance: byte counting, RFC 5681 section 3.1's
 *   recommendation, in RFC 3465 section 2.1's order: bytes_acked += N, and
 *   when bytes_acked >= cwnd, bytes_acked -= cwnd and then cwnd += SMSS
 *   (RFC 5681: "incremented by up to SMSS bytes"); at most one SMSS per
 *   ACK, the rest of a large ACK's count is kept for the next.
 *   bytes_acked restarts at 0 whenever cwnd is cut (fast retransmit,
 *   timeout) or SMSS changes; nothing is counted during fast recovery.
 * - Fast retransmit: on the third duplicate ACK (RFC 5681 section 3.2 step
 *   2), only if the cumulative ACK covers more than recover (RFC 6582 3.2
 *   step 2), which RFC 6582 spells "ack_number - 1 > recover": at least one
 *   byte beyond the highest one sent at the last fast retransmit or
 *   timeout.  recover_pending records that this has not happened yet; it is
 *   cleared by the first ACK of new data that gets there.  This stands in
 *   for step 1's "recover = ISS": with it, read with that same test, losing
 *   the first data segment (duplicate ACKs for ISS + 1) could never be
 *   fast retransmitted, and a recover left 2^31 bytes behind would compare
 *   the wrong way round.  The heuristics of RFC 6582 section 4, which MAY
 *   fast retransmit even then, are not used: such a loss waits for the
 *   retransmission timer.
 * - Full ACK, ending fast recovery (RFC 6582 3.2 step 3): option (1),
 *   cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), not (2) cwnd =
 *   ssthresh: (2) can release a burst when little is in flight, and the
 *   RFC then asks for a burst limit the sender does not have.
 * - Partial ACK: cwnd -= N, += SMSS if N >= SMSS (RFC 6582 3.2 step 3),
 *   never below one SMSS (a floor the RFC does not state; only a run of
 *   partial ACKs of less than SMSS each can reach it).  "Reset the
 *   retransmit timer" on it is the caller's, who restarts the timer on every
 *   ACK of new data anyway (RFC 6298 (5.3)).
 * - Timeout: ssthresh per RFC 5681 (4) and cwnd = LW = 1 SMSS (section
 *   3.1), except that ssthresh is "held constant" when the segment has
 *   already been retransmitted by the timer, which is the case when the
 *   timer expires again with no new data acknowledged since (after_rto);
 *   recover = the highest sequence number sent (RFC 6582 3.2 step 4).
 * - Limited transmit (RFC 3042 section 2): the first and the second
 *   duplicate ACK in a row, outside fast recovery, each let one more SMSS
 *   out (xtcp_cc_send_window()): FlightSize up to cwnd + 2 * SMSS, cwnd
 *   itself unchanged.  The caller sends only new data with it, and only
 *   what the peer's window allows.  Not after a third duplicate ACK that
 *   the recover rule kept from fast retransmitting (RFC 3042 speaks of the
 *   first two), nor after a timeout until new data is acknowledged (the
 *   peer holds what the timer resends again; Linux's Loss state neither).
 * - Slow start may be HyStart++'s (RFC 9406, hystart.c) for an algorithm
 *   that asks (ops->hystart: CUBIC), when the connection has it on
 *   (xtcp_cc_hystart(), the sysctl hystart), and only while ssthresh is
 *   still the initial one: the rounds are marked here on every ACK of new
 *   data outside recovery, SND.NXT being SEG.ACK + FlightSize; the growth
 *   and the RTT sample (xtcp_cc_rtt_sample(), before the ACK) are the
 *   algorithm's xtcp_cc_hystart_grow().  When CSS's rounds are over,
 *   ssthresh = cwnd (congestion avoidance from this ACK on), and
 *   XTCP_CC_EV_HYSTART_EXIT tells the caller.  NewReno keeps RFC 5681's
 *   slow start: its numbers are the ones the packet tests pin.
 * - Recovery's cwnd may instead be PRR's (RFC 6937, prr.c): with RACK on,
 *   as Linux does, the caller enters recovery with
 *   xtcp_cc_enter_recovery_prr() and gives every ACK's delivered bytes and
 *   pipe to xtcp_cc_prr_ack(), which sets cwnd = pipe + what PRR allows;
 *   cwnd is neither inflated by duplicate ACKs nor deflated by partial
 *   ones, and the full ACK leaves cwnd = ssthresh (RFC 6937 §3,
 *   tcp_end_cwnd_reduction()): PRR has brought pipe to about ssthresh, the
 *   burst option (2) above guards against is not there.
 * - Undo (RFC 2883 section 5, Linux's tcp_try_undo_dsack()): when D-SACKs
 *   account for every retransmission since the last fast recovery began
 *   (xtcp_cc_retransmitted(), xtcp_cc_dsack()), it answered no loss: cwnd
 *   and ssthresh return to at least what they were, recovery ends.  Not
 *   for a recovery that resent nothing, nor after a timeout or a probe's
 *   cut; no timestamp-based (Eifel, RFC 3522) undo.
 * - Not here: sending new data during recovery is the caller's, within
 *   xtcp_cc_window(); the restart after idle of RFC 5681 section 4.1 is not
 *   implemented.
 * Every addition to cwnd saturates at U32_MAX.
 */
#include <linux/indirect_call_wrapper.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "cc.h"
#include "compat_pure.h"
#include "seq.h"

#define XTCP_CC_IW_BYTES	14600	/* RFC 6928 section 2 */

/* RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)) */
static u32 xtcp_cc_iw(u32 mss)
{
	return min(10 * mss, max(2 * mss, (u32)XTCP_CC_IW_BYTES));
}

/* ---- NewReno ------------------------------------------------------------ */

static void xtcp_newreno_init(struct xtcp_cc *cc)
{
}

/* RFC 5681 (2) and section 3.1 with RFC 3465 section 2.1 */
static void xtcp_newreno_cong_avoid(struct xtcp_cc *cc, u32 acked)
{
	if (cc->cwnd < cc->ssthresh) {
		xtcp_cc_ss_grow(cc, acked);
		return;
	}
	cc->bytes_acked = xtcp_cc_add(cc->bytes_acked, acked);
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		cc->cwnd = xtcp_cc_add(cc->cwnd, cc->mss);
	}
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS) */
static u32 xtcp_newreno_ssthresh(struct xtcp_cc *cc, u32 flight)
{
	return max(flight / 2, 2 * cc->mss);
}

const struct xtcp_cc_ops xtcp_newreno_ops = {
	.name		= "newreno",
	.init		= xtcp_newreno_init,
	.cong_avoid	= xtcp_newreno_cong_avoid,
	.ssthresh	= xtcp_newreno_ssthresh,
};
EXPORT_SYMBOL_IF_KUNIT(xtcp_newreno_ops);

/* the same, under the name Linux gives it */
static const struct xtcp_cc_ops xtcp_reno_ops = {
	.name		= "reno",
	.init		= xtcp_newreno_init,
	.cong_avoid	= xtcp_newreno_cong_avoid,
	.ssthresh	= xtcp_newreno_ssthresh,
};

/* ---- the interface ------------------------------------------------------ */

static const struct xtcp_cc_ops *const xtcp_cc_all[] = {
	&xtcp_cubic_ops, &xtcp_newreno_ops, &xtcp_reno_ops,
};

/* The algorithm called @name, or NULL. */
const struct xtcp_cc_ops *xtcp_cc_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xtcp_cc_all); i++)
		if (!strcmp(xtcp_cc_all[i]->name, name))
			return xtcp_cc_all[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_find);

static u32 xtcp_cc_loss_ssthresh(struct xtcp_cc *cc, u32 flight)
{
	return max(cc->ops->ssthresh(cc, flight), 2 * cc->mss);
}

/* A connection's start with algorithm @ops, SMSS @mss. */
void xtcp_cc_init_ops(struct xtcp_cc *cc, u32 mss,
		      const struct xtcp_cc_ops *ops)
{
	memset(cc, 0, sizeof(*cc));
	cc->ops = ops ?: &xtcp_newreno_ops;
	cc->mss = mss;
	cc->cwnd = xtcp_cc_iw(mss);
	cc->ssthresh = XTCP_CC_SSTHRESH_INF;
	cc->ops->init(cc);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_init_ops);

/* The same with NewReno. */
void xtcp_cc_init(struct xtcp_cc *cc, u32 mss)
{
	xtcp_cc_init_ops(cc, mss, &xtcp_newreno_ops);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_init);

/*
 * The clock (µs, any origin) and the least RTT seen (µs, 0: none) for the
 * calls that follow: CUBIC's curve runs on them.
 */
void xtcp_cc_clock(struct xtcp_cc *cc, u64 now_us, u32 min_rtt_us)
{
	cc->now_us = now_us;
	cc->min_rtt_us = min_rtt_us;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_clock);

/* HyStart++ for this connection's first slow start, or not (@on). */
void xtcp_cc_hystart(struct xtcp_cc *cc, bool on)
{
	xtcp_hystart_init(&cc->hs, on);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_hystart);

/*
 * HyStart++ is watching this slow start: the algorithm has it, it is on
 * and not over, and no loss has set ssthresh (RFC 9406 section 4.2).
 */
bool xtcp_cc_hystart_active(const struct xtcp_cc *cc)
{
	return cc->ops->hystart && cc->hs.state != XTCP_HYSTART_OFF &&
	       cc->ssthresh == XTCP_CC_SSTHRESH_INF;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_hystart_active);

/* The RTT sample (µs, at least 1) of the ACK xtcp_cc_on_ack() takes next. */
void xtcp_cc_rtt_sample(struct xtcp_cc *cc, u32 rtt_us)
{
	cc->rtt_us = rtt_us;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_rtt_sample);

/*
 * Slow start's growth for an ACK of @acked bytes: HyStart++'s (with the
 * ACK's RTT sample) while it is active, else RFC 5681's.
 */
void xtcp_cc_hystart_grow(struct xtcp_cc *cc, u32 acked)
{
	if (!xtcp_cc_hystart_active(cc)) {
		xtcp_cc_ss_grow(cc, acked);
		return;
	}
	cc->cwnd = xtcp_cc_add(cc->cwnd,
			       xtcp_hystart_grow(&cc->hs,
						 xtcp_cc_ss_inc(cc, acked),
						 cc->rtt_us));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_hystart_grow);

/* Sending resumes with nothing in flight after @idle_us without sending. */
void xtcp_cc_tx_start(struct xtcp_cc *cc, u64 idle_us)
{
	if (cc->ops->tx_start)
		cc->ops->tx_start(cc, idle_us);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_tx_start);

static enum xtcp_cc_action xtcp_cc_ack(struct xtcp_cc *cc, u32 ack,
				       u32 acked, u32 flight)
{
	if (!acked)
		return XTCP_CC_NONE;
	cc->dupacks = 0;
	cc->after_rto = false;
	/* RFC 6582 3.2 step 2: "covers more than recover" */
	if (cc->recover_pending && xtcp_seq_after(ack - 1, cc->recover))
		cc->recover_pending = false;

	if (cc->in_recovery) {
		/* RFC 6582 3.2 step 3: all data up to and including recover? */
		if (xtcp_seq_geq(ack - 1, cc->recover)) {
			/* full: option (1), or PRR's ssthresh; leave */
			if (cc->prr_on)
				cc->cwnd = cc->ssthresh;
			else
				cc->cwnd = min(cc->ssthresh,
					       xtcp_cc_add(max(flight, cc->mss),
							   cc->mss));
			cc->in_recovery = false;
			cc->prr_on = false;
			if (cc->ops->recovery_exit)
				cc->ops->recovery_exit(cc);
			return XTCP_CC_NONE;
		}
		/* partial: PRR's ACK sets cwnd (xtcp_cc_prr_ack()) */
		if (cc->prr_on)
			return XTCP_CC_PARTIAL_ACK;
		/* else deflate by what left, add back SMSS for a segment */
		cc->cwnd = cc->cwnd > acked ? cc->cwnd - acked : 0;
		if (acked >= cc->mss)
			cc->cwnd = xtcp_cc_add(cc->cwnd, cc->mss);
		cc->cwnd = max(cc->cwnd, cc->mss);
		return XTCP_CC_PARTIAL_ACK;
	}

	/* HyStart++'s rounds end when SND.NXT at their start is acknowledged */
	if (xtcp_cc_hystart_active(cc) &&
	    xtcp_hystart_round(&cc->hs, ack, ack + flight)) {
		cc->ssthresh = cc->cwnd;
		cc->events |= XTCP_CC_EV_HYSTART_EXIT;
	}
	/* slow start and congestion avoidance: the algorithm's (the default's
	 * by a direct call, not a retpoline)
	 */
	INDIRECT_CALL_1(cc->ops->cong_avoid, xtcp_newreno_cong_avoid, cc, acked);
	return XTCP_CC_NONE;
}

/*
 * An ACK that advanced SND.UNA to ack, by acked bytes; flight is what is
 * still outstanding after it.  The RTT sample given before it
 * (xtcp_cc_rtt_sample()) is used up.  Return: XTCP_CC_PARTIAL_ACK when
 * the segment at the new SND.UNA must be retransmitted.
 */
enum xtcp_cc_action xtcp_cc_on_ack(struct xtcp_cc *cc, u32 ack, u32 acked,
				   u32 flight)
{
	enum xtcp_cc_action a = xtcp_cc_ack(cc, ack, acked, flight);

	cc->rtt_us = 0;
	return a;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_on_ack);

/*
 * Enter fast recovery (RFC 5681 3.2 steps 2 and 3): the third duplicate
 * ACK, or a loss RACK found (RFC 8985 §6.3), which skips the recover rule
 * (RFC 6582's guard for duplicate ACKs; RACK's losses are each segment's
 * own).
 * Return: false if already in recovery.
 */
bool xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 flight, u32 snd_nxt)
{
	if (cc->in_recovery)
		return false;
	/* what an undo restores (tcp_init_undo(), tcp_current_ssthresh()) */
	cc->undo_set = true;
	cc->undo_marker = snd_nxt - flight;
	cc->undo_retrans = -1;
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = max(cc->ssthresh, cc->cwnd / 2 + cc->cwnd / 4);
	cc->ssthresh = xtcp_cc_loss_ssthresh(cc, flight);
	cc->cwnd = xtcp_cc_add(cc->ssthresh, 3 * cc->mss);
	cc->recover = snd_nxt - 1;
	cc->recover_pending = true;
	cc->in_recovery = true;
	cc->prr_on = false;
	cc->bytes_acked = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_enter_recovery);

/*
 * The same with PRR (RFC 6937) setting cwnd from here on: ssthresh and
 * recover as above, cwnd as it was until the ACK's xtcp_cc_prr_ack()
 * (Linux's tcp_init_cwnd_reduction()).
 * Return: false if already in recovery.
 */
bool xtcp_cc_enter_recovery_prr(struct xtcp_cc *cc, u32 flight, u32 snd_nxt)
{
	u32 cwnd = cc->cwnd;

	if (!xtcp_cc_enter_recovery(cc, flight, snd_nxt))
		return false;
	cc->cwnd = cwnd;
	cc->prr_on = true;
	xtcp_prr_init(&cc->prr, cwnd);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_enter_recovery_prr);

/*
 * An ACK in a PRR recovery that delivered @delivered bytes (cumulatively
 * or by SACK), leaving @pipe bytes in the network (RFC 6675's pipe, after
 * the ACK's loss marking); @una_advanced: it moved SND.UNA; @newly_lost:
 * it made segments lost.  cwnd becomes what PRR lets be in the network,
 * at least one SMSS; outside such a recovery, or with nothing delivered,
 * nothing changes.
 */
void xtcp_cc_prr_ack(struct xtcp_cc *cc, u32 delivered, u32 pipe,
		     bool una_advanced, bool newly_lost)
{
	if (!cc->in_recovery || !cc->prr_on || !delivered)
		return;
	/* at least one SMSS: with nothing in the network, one may go */
	cc->cwnd = max(xtcp_prr_cwnd(&cc->prr, delivered, pipe, cc->ssthresh,
				     cc->mss, una_advanced, newly_lost),
		       cc->mss);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_prr_ack);

/* @bytes of data went out, new or again: PRR's prr_out while it runs. */
void xtcp_cc_sent(struct xtcp_cc *cc, u32 bytes)
{
	if (cc->in_recovery && cc->prr_on)
		xtcp_prr_sent(&cc->prr, bytes);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_sent);

/*
 * @segs segments were sent again (a fast retransmission, RACK's, a
 * timeout's): while the last recovery may be undone, each must be shown
 * needless by a D-SACK first (tcp_retransmit_skb()'s undo_retrans).
 */
void xtcp_cc_retransmitted(struct xtcp_cc *cc, u32 segs)
{
	if (!cc->undo_set)
		return;
	cc->undo_retrans = min_t(s64, (s64)max(cc->undo_retrans, 0) + segs,
				 S32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_retransmitted);

/*
 * An ACK's D-SACK block ending at @end_seq says @segs segments arrived
 * twice (RFC 2883).  Past where the last recovery began, they were
 * retransmissions since, needless (tcp_sacktag_one() and
 * tcp_check_dsack() count them so).  Once every retransmission since is
 * accounted so, the recovery answered no loss at all: undo its cut (RFC
 * 2883 §5, Linux's tcp_try_undo_dsack(), in recovery or after it): cwnd
 * and ssthresh back to at least what they were, recovery over.  Reno's
 * undo (tcp_reno_undo_cwnd()) serves CUBIC too, as in Linux.
 * Return: true if the cut was undone (TCPDSACKUndo).
 */
bool xtcp_cc_dsack(struct xtcp_cc *cc, u32 end_seq, u32 segs)
{
	if (!cc->undo_set || cc->undo_retrans <= 0 ||
	    !xtcp_seq_after(end_seq, cc->undo_marker))
		return false;
	cc->undo_retrans -= min_t(u32, segs, cc->undo_retrans);
	if (cc->undo_retrans)
		return false;
	cc->cwnd = max(cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max(cc->ssthresh, cc->prior_ssthresh);
	cc->undo_set = false;
	cc->in_recovery = false;
	cc->prr_on = false;
	cc->bytes_acked = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_dsack);

/*
 * A duplicate ACK.  @dupthresh: counting them detects loss (RFC 5681);
 * false when RACK does (RFC 8985 §3.4: RACK replaces DupThresh, as
 * Linux's tcp_time_to_recover() with RACK on), and they only inflate
 * cwnd in recovery and allow limited transmit.  Return:
 * XTCP_CC_FAST_RETRANSMIT on the third when the recover rule lets it
 * start fast recovery.
 */
enum xtcp_cc_action xtcp_cc_on_dupack(struct xtcp_cc *cc, u32 flight,
				      u32 snd_nxt, bool dupthresh)
{
	if (cc->dupacks < U8_MAX)
		cc->dupacks++;
	if (cc->in_recovery) {
		/* PRR's ACK sets cwnd (xtcp_cc_prr_ack()) */
		if (cc->prr_on)
			return XTCP_CC_NONE;
		/* RFC 5681 3.2 step 4: a segment has left the network */
		cc->cwnd = xtcp_cc_add(cc->cwnd, cc->mss);
		return XTCP_CC_NONE;
	}
	/* RFC 6582 3.2 step 2: not while the ACK is within recover */
	if (!dupthresh || cc->dupacks != XTCP_CC_DUPTHRESH ||
	    cc->recover_pending)
		return XTCP_CC_NONE;
	/* RFC 5681 3.2 steps 2 and 3 */
	xtcp_cc_enter_recovery(cc, flight, snd_nxt);
	return XTCP_CC_FAST_RETRANSMIT;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_on_dupack);

/* The retransmission timer expired (RFC 5681 section 3.1, RFC 6582 step 4). */
void xtcp_cc_on_timeout(struct xtcp_cc *cc, u32 flight, u32 snd_nxt)
{
	if (!cc->after_rto)
		cc->ssthresh = xtcp_cc_loss_ssthresh(cc, flight);
	cc->after_rto = true;
	/* a timeout's cut is not undone by D-SACKs (no F-RTO here) */
	cc->undo_set = false;
	if (cc->ops->on_rto)
		cc->ops->on_rto(cc);
	cc->cwnd = cc->mss;
	cc->bytes_acked = 0;
	cc->dupacks = 0;
	cc->in_recovery = false;
	cc->prr_on = false;
	cc->recover = snd_nxt - 1;
	cc->recover_pending = true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_on_timeout);

/*
 * A tail loss probe repaired a loss (RFC 8985 §7.4.2): the response of
 * fast recovery without its retransmissions, as Linux's CWR state ends
 * at once: ssthresh as (4), cwnd no more than it.
 */
void xtcp_cc_on_probe_recovery(struct xtcp_cc *cc, u32 flight)
{
	cc->ssthresh = xtcp_cc_loss_ssthresh(cc, flight);
	cc->cwnd = min(cc->cwnd, cc->ssthresh);
	cc->bytes_acked = 0;
	cc->undo_set = false;	/* an undo would lift this cut too */
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_on_probe_recovery);

/* What congestion control lets the sender have in flight. */
u32 xtcp_cc_window(const struct xtcp_cc *cc)
{
	return cc->cwnd;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_window);

/*
 * What the sender may have in flight of new data: cwnd, plus one SMSS for
 * each of the first two duplicate ACKs in a row (RFC 3042 limited
 * transmit).
 */
u32 xtcp_cc_send_window(const struct xtcp_cc *cc)
{
	if (cc->in_recovery || cc->after_rto || !cc->dupacks ||
	    cc->dupacks >= XTCP_CC_DUPTHRESH)
		return cc->cwnd;
	return xtcp_cc_add(cc->cwnd, cc->dupacks * cc->mss);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_send_window);
