/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RACK-TLP (RFC 8985): time-based loss detection and tail loss probes.
 * Pure logic, as cc.c, rtt.c and sack.c are: RACK's state (the most
 * recently sent segment known delivered, its RTT), the reordering window,
 * the loss-marking decision for one segment, and TLP's probe timeout.
 * rack.c; the hooks are in send.c (per-segment transmit times, the probe,
 * the marking walk) and input.c.
 *
 * Times are a 32-bit microsecond clock (xtcp_rack_now_us()), compared
 * modulo 2^32 as sequence numbers are: a segment in flight is never 35
 * minutes old.
 */
#ifndef _XTCP_RACK_H
#define _XTCP_RACK_H

#include <linux/types.h>

/* RFC 8985 §7.2: the worst-case delayed ACK timer (WCDelAckT) */
#define XTCP_TLP_WCDELACK_US	200000
/* the shortest probe timeout armed (as TCP_TIMEOUT_MIN bounds Linux's) */
#define XTCP_TLP_MIN_US		10000
/* RFC 8985 §6.2 step 4: the window is kept widened for 16 recoveries */
#define XTCP_RACK_REO_PERSIST	16

struct xtcp_rack {
	u32	xmit_us;	/* RACK.xmit_ts, valid once @set */
	u32	end_seq;	/* RACK.end_seq */
	u32	rtt_us;		/* RACK.rtt: of the segment at RACK.xmit_ts */
	u32	min_rtt_us;	/* RACK.min_RTT: least RTT seen; 0: none */
	u32	fack;		/* the highest end_seq delivered (§6.2 step 3) */
	u32	dsack_round;	/* a D-SACK widens the window once per round:
				 * not again until SND.UNA passes this
				 */
	u8	reo_mult;	/* RACK.reo_wnd_mult, from 1 */
	u8	reo_persist;	/* RACK.reo_wnd_persist */
	bool	set;		/* a segment was delivered: the above hold */
	bool	reo_seen;	/* RACK.reordering_seen */
	bool	dsack_round_set;
	/* TLP (§7) */
	bool	tlp_set;	/* a probe is outstanding: TLP.end_seq holds */
	bool	tlp_retrans;	/* ...and it resent old data (TLP.is_retrans) */
	u32	tlp_end_seq;	/* TLP.end_seq: SND.NXT when it went */
};

void xtcp_rack_init(struct xtcp_rack *r);
bool xtcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2);
void xtcp_rack_update(struct xtcp_rack *r, u32 xmit_us, u32 end_seq,
		      bool retrans, u32 now_us);
void xtcp_rack_dsack(struct xtcp_rack *r, u32 una, u32 snd_nxt);
void xtcp_rack_recovery_done(struct xtcp_rack *r);
u32 xtcp_rack_reo_wnd(const struct xtcp_rack *r, bool recovering,
		      bool dupthresh_sacked, u32 srtt_us);
bool xtcp_rack_lost(const struct xtcp_rack *r, u32 xmit_us, u32 end_seq,
		    u32 reo_wnd, u32 now_us, u32 *left_us);

u32 xtcp_tlp_pto_us(u32 srtt_us, u32 flight_segs);

enum xtcp_tlp_ack {
	XTCP_TLP_NONE,		/* no probe answered (or still waiting) */
	XTCP_TLP_NO_LOSS,	/* the probe was not needed: nothing lost */
	XTCP_TLP_RECOVERED,	/* the probe repaired a loss: reduce cwnd */
};

enum xtcp_tlp_ack xtcp_tlp_on_ack(struct xtcp_rack *r, u32 ack,
				  bool una_advanced, bool dsack,
				  bool dupack);

#endif /* _XTCP_RACK_H */
