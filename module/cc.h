/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Congestion control: loss recovery (fast retransmit and fast recovery of
 * RFC 5681, with RFC 6582's response to partial acknowledgments, or with
 * RFC 6937's PRR setting cwnd: prr.c) shared by
 * every algorithm, and a small interface, struct xtcp_cc_ops, for what the
 * algorithms differ in: how cwnd grows on an ACK of new data and what
 * ssthresh a loss leaves.  Two algorithms: NewReno (RFC 5681, cc.c) and
 * CUBIC (RFC 9438, cubic.c); "reno" is NewReno under Linux's name.  All in
 * bytes.  Pure logic: the caller says what happened (an ACK of new data, a
 * duplicate ACK as RFC 5681 section 2 defines it, a retransmission
 * timeout), passes the clock and the minimum RTT (xtcp_cc_clock()) and
 * sends what the window and the returned action allow.  cc.c says which
 * RFC options it takes.
 *
 * Arguments the functions share:
 *   flight   FlightSize (RFC 5681 section 2): bytes sent and not yet
 *            cumulatively acknowledged; for an ACK, after that ACK.
 *   snd_nxt  one past the highest sequence number sent so far (SND.MAX if
 *            the sender ever pulls SND.NXT back to retransmit).
 */
#ifndef _XTCP_CC_H
#define _XTCP_CC_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include "cubic.h"
#include "hystart.h"
#include "prr.h"

#define XTCP_CC_DUPTHRESH	3		/* RFC 5681 section 3.2 */
#define XTCP_CC_SSTHRESH_INF	U32_MAX		/* no loss seen yet */
#define XTCP_CC_NAME_MAX	16		/* TCP_CA_NAME_MAX */

struct xtcp_cc;

/**
 * struct xtcp_cc_ops - what a congestion-control algorithm decides
 * @name: its name, as setsockopt(XTCP_CONGESTION) takes it
 * @init: set its own state; cwnd (the initial window) and ssthresh are set
 * @cong_avoid: an ACK of @acked new bytes outside recovery: grow cwnd
 *	(slow start below ssthresh, congestion avoidance above)
 * @ssthresh: a loss (entering fast recovery, a timeout, a probe's repair;
 *	cwnd is not yet cut): return the new ssthresh, at least 2 * SMSS
 * @on_rto: the retransmission timer expired (after @ssthresh); optional
 * @recovery_exit: fast recovery ended with a full ACK; optional
 * @tx_start: sending resumes with nothing in flight, idle for @idle_us;
 *	optional
 * @hystart: its slow start is HyStart++'s (RFC 9406) when the connection
 *	has it on (xtcp_cc_hystart()): @cong_avoid grows with
 *	xtcp_cc_hystart_grow() below ssthresh
 *
 * The clock and the minimum RTT are in struct xtcp_cc (xtcp_cc_clock()).
 */
struct xtcp_cc_ops {
	const char	*name;
	void		(*init)(struct xtcp_cc *cc);
	void		(*cong_avoid)(struct xtcp_cc *cc, u32 acked);
	u32		(*ssthresh)(struct xtcp_cc *cc, u32 flight);
	void		(*on_rto)(struct xtcp_cc *cc);
	void		(*recovery_exit)(struct xtcp_cc *cc);
	void		(*tx_start)(struct xtcp_cc *cc, u64 idle_us);
	bool		hystart;
};

struct xtcp_cc {
	const struct xtcp_cc_ops *ops;	/* the algorithm */
	u64	now_us;		/* the caller's clock at this event */
	u32	min_rtt_us;	/* least RTT seen, 0: none (xtcp_cc_clock()) */
	u32	cwnd;		/* congestion window, bytes */
	u32	ssthresh;	/* slow start threshold, bytes */
	u32	mss;		/* SMSS, bytes (1..65535) */
	u32	recover;	/* highest sequence number sent at the last
				 * fast retransmit or timeout (RFC 6582)
				 */
	u32	bytes_acked;	/* congestion avoidance byte count (RFC 3465) */
	u8	dupacks;	/* duplicate ACKs in a row (saturates) */
	bool	in_recovery;	/* in fast recovery (RFC 6582) */
	bool	prr_on;		/* ...and PRR sets its cwnd (RFC 6937,
				 * xtcp_cc_enter_recovery_prr())
				 */
	bool	recover_pending; /* no cumulative ACK has covered more than
				  * recover since it was set: a third
				  * duplicate ACK may not fast retransmit
				  */
	bool	after_rto;	/* the timer expired and no new data has been
				 * acknowledged since: the segment at SND.UNA
				 * was retransmitted by the timer
				 */
	/* undo of a needless recovery (Linux's undo_marker and friends) */
	u32	undo_marker;	/* SND.UNA when it began, while @undo_set */
	u32	prior_cwnd;	/* cwnd before its cut */
	u32	prior_ssthresh;	/* ssthresh before it */
	s32	undo_retrans;	/* segments resent since, not D-SACKed;
				 * -1: none resent
				 */
	bool	undo_set;	/* the last recovery may still be undone */
	u8	events;		/* XTCP_CC_EV_*, for the caller to take */
	u32	rtt_us;		/* this ACK's RTT sample, 0: none
				 * (xtcp_cc_rtt_sample())
				 */
	struct xtcp_hystart hs;	/* HyStart++ (hystart.c) */
	struct xtcp_prr prr;	/* PRR's (prr.c), while @prr_on */
	union {
		struct xtcp_cubic cubic;	/* CUBIC's (cubic.c) */
	} priv;
};

/* What happened for the caller to count (cc->events; it clears them). */
#define XTCP_CC_EV_HYSTART_EXIT	BIT(0)	/* HyStart++ ended slow start */

/* What the caller must do besides sending what cwnd allows. */
enum xtcp_cc_action {
	XTCP_CC_NONE,
	/* third duplicate ACK: retransmit the segment at SND.UNA */
	XTCP_CC_FAST_RETRANSMIT,
	/* partial ACK in fast recovery: retransmit the segment at SND.UNA */
	XTCP_CC_PARTIAL_ACK,
};

extern const struct xtcp_cc_ops xtcp_newreno_ops;

const struct xtcp_cc_ops *xtcp_cc_find(const char *name);
void xtcp_cc_init(struct xtcp_cc *cc, u32 mss);
void xtcp_cc_init_ops(struct xtcp_cc *cc, u32 mss,
		      const struct xtcp_cc_ops *ops);
void xtcp_cc_clock(struct xtcp_cc *cc, u64 now_us, u32 min_rtt_us);
void xtcp_cc_tx_start(struct xtcp_cc *cc, u64 idle_us);
void xtcp_cc_hystart(struct xtcp_cc *cc, bool on);
bool xtcp_cc_hystart_active(const struct xtcp_cc *cc);
void xtcp_cc_rtt_sample(struct xtcp_cc *cc, u32 rtt_us);
void xtcp_cc_hystart_grow(struct xtcp_cc *cc, u32 acked);
enum xtcp_cc_action xtcp_cc_on_ack(struct xtcp_cc *cc, u32 ack, u32 acked,
				   u32 flight);
enum xtcp_cc_action xtcp_cc_on_dupack(struct xtcp_cc *cc, u32 flight,
				      u32 snd_nxt, bool dupthresh);
void xtcp_cc_on_timeout(struct xtcp_cc *cc, u32 flight, u32 snd_nxt);
void xtcp_cc_on_probe_recovery(struct xtcp_cc *cc, u32 flight);
bool xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 flight, u32 snd_nxt);
bool xtcp_cc_enter_recovery_prr(struct xtcp_cc *cc, u32 flight, u32 snd_nxt);
void xtcp_cc_prr_ack(struct xtcp_cc *cc, u32 delivered, u32 pipe,
		     bool una_advanced, bool newly_lost);
void xtcp_cc_sent(struct xtcp_cc *cc, u32 bytes);
void xtcp_cc_retransmitted(struct xtcp_cc *cc, u32 segs);
bool xtcp_cc_dsack(struct xtcp_cc *cc, u32 end_seq, u32 segs);
u32 xtcp_cc_window(const struct xtcp_cc *cc);
u32 xtcp_cc_send_window(const struct xtcp_cc *cc);

/* helpers the algorithms share */

/* a + b, saturating at U32_MAX */
static inline u32 xtcp_cc_add(u32 a, u32 b)
{
	return a > U32_MAX - b ? U32_MAX : a + b;
}

/*
 * Slow start's growth for an ACK of N bytes: N, every segment it
 * acknowledges (Linux's tcp_slow_start(), RFC 3465 with no limit L), but
 * no further than ssthresh or one SMSS, whichever is more (RFC 5681's last
 * step may overshoot ssthresh by less than SMSS).  RFC 5681 (2)'s
 * min(N, SMSS) grows cwnd by one SMSS per ACK: behind a receiver that
 * acknowledges each GSO super-segment (45 segments at MTU 1500) at once,
 * that is 2% a round trip, not slow start at all.
 */
static inline u32 xtcp_cc_ss_inc(const struct xtcp_cc *cc, u32 acked)
{
	u32 room = cc->ssthresh > cc->cwnd ? cc->ssthresh - cc->cwnd : 0;

	return min(acked, max(room, cc->mss));
}

static inline void xtcp_cc_ss_grow(struct xtcp_cc *cc, u32 acked)
{
	cc->cwnd = xtcp_cc_add(cc->cwnd, xtcp_cc_ss_inc(cc, acked));
}

#endif /* _XTCP_CC_H */
