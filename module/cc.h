/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NewReno congestion control: slow start, congestion avoidance, fast
 * retransmit and fast recovery of RFC 5681, with RFC 6582's response to
 * partial acknowledgments, in bytes.  Pure logic: the caller says what
 * happened (an ACK of new data, a duplicate ACK as RFC 5681 section 2
 * defines it, a retransmission timeout) and sends what the window and the
 * returned action allow.  cc.c says which RFC options it takes.
 *
 * Arguments the functions share:
 *   flight   FlightSize (RFC 5681 section 2): bytes sent and not yet
 *            cumulatively acknowledged; for an ACK, after that ACK.
 *   snd_nxt  one past the highest sequence number sent so far (SND.MAX if
 *            the sender ever pulls SND.NXT back to retransmit).
 */
#ifndef _XTCP_CC_H
#define _XTCP_CC_H

#include <linux/limits.h>
#include <linux/types.h>

#define XTCP_CC_DUPTHRESH	3		/* RFC 5681 section 3.2 */
#define XTCP_CC_SSTHRESH_INF	U32_MAX		/* no loss seen yet */

struct xtcp_cc {
	u32	cwnd;		/* congestion window, bytes */
	u32	ssthresh;	/* slow start threshold, bytes */
	u32	mss;		/* SMSS, bytes (1..65535) */
	u32	recover;	/* highest sequence number sent at the last
				 * fast retransmit or timeout (RFC 6582)
				 */
	u32	bytes_acked;	/* congestion avoidance byte count (RFC 3465) */
	u8	dupacks;	/* duplicate ACKs in a row (saturates) */
	bool	in_recovery;	/* in fast recovery (RFC 6582) */
	bool	recover_pending; /* no cumulative ACK has covered more than
				  * recover since it was set: a third
				  * duplicate ACK may not fast retransmit
				  */
	bool	after_rto;	/* the timer expired and no new data has been
				 * acknowledged since: the segment at SND.UNA
				 * was retransmitted by the timer
				 */
};

/* What the caller must do besides sending what cwnd allows. */
enum xtcp_cc_action {
	XTCP_CC_NONE,
	/* third duplicate ACK: retransmit the segment at SND.UNA */
	XTCP_CC_FAST_RETRANSMIT,
	/* partial ACK in fast recovery: retransmit the segment at SND.UNA */
	XTCP_CC_PARTIAL_ACK,
};

void xtcp_cc_init(struct xtcp_cc *cc, u32 mss);
enum xtcp_cc_action xtcp_cc_on_ack(struct xtcp_cc *cc, u32 ack, u32 acked,
				   u32 flight);
enum xtcp_cc_action xtcp_cc_on_dupack(struct xtcp_cc *cc, u32 flight,
				      u32 snd_nxt);
void xtcp_cc_on_timeout(struct xtcp_cc *cc, u32 flight, u32 snd_nxt);
void xtcp_cc_on_probe_recovery(struct xtcp_cc *cc, u32 flight);
bool xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 flight, u32 snd_nxt);
u32 xtcp_cc_window(const struct xtcp_cc *cc);
u32 xtcp_cc_send_window(const struct xtcp_cc *cc);

#endif /* _XTCP_CC_H */
