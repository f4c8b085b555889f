/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The retransmission timeout of RFC 6298, in microseconds: the smoothed
 * round-trip time and its variation, Karn's rule for which segments may be
 * timed, and exponential backoff.  Pure logic: the caller passes the clock
 * and the sysctls (rto_min_ms, rto_max_ms, rto_init_ms, as µs) and arms the
 * timer for xtcp_rtt_timeout_us().
 *
 * Precision.  (2.3) divides by 4 and 8 on every sample, so SRTT and RTTVAR
 * are kept in fixed point with XTCP_RTT_SHIFT fraction bits (srtt_x,
 * rttvar_x).  Each update truncates once, by less than 2^-16 µs, and what
 * carries over shrinks by 7/8 (SRTT) or 3/4 (RTTVAR) per sample, so the
 * state stays within 2^-12 µs of the RFC's formulas computed exactly (RTO
 * = SRTT + 4 * RTTVAR within 2^-10 µs), however many samples.  srtt_us,
 * rttvar_us and rto_us are those values rounded to the nearest µs, halves
 * up (RTO is SRTT + max(G, 4 * RTTVAR) in fixed point, rounded once, then
 * clamped): each is the exact formula's value to within 1/2 µs, plus that
 * drift.
 *
 * RFC choices, see rtt.c: G = 1 ms; the lower clamp is the rto_min sysctl
 * (200 ms by default, as Linux) instead of (2.4)'s 1 s; the upper clamp
 * (2.5) is rto_max; a sample of 0 µs counts as 1 µs.
 */
#ifndef _XTCP_RTT_H
#define _XTCP_RTT_H

#include <linux/types.h>

#define XTCP_RTT_SHIFT		16	/* fraction bits of srtt_x, rttvar_x */
#define XTCP_RTT_G_US		1000	/* clock granularity G of (2.2), (2.3) */
#define XTCP_RTT_MAX_BACKOFF	31	/* rto_us << backoff fits in 63 bits */

struct xtcp_rtt {
	u32	srtt_us;	/* SRTT, rounded; 0: no sample yet */
	u32	rttvar_us;	/* RTTVAR, rounded */
	u32	rto_us;		/* RTO of (2.1)-(2.5), before backoff */
	u8	backoff;	/* timer expiries since the last sample (5.5) */
	bool	timing;		/* a segment is being timed (Karn) */
	u32	timed_seq;	/* ... the sequence number just past it */
	u64	timed_at_us;	/* ... and when it was sent */
	u64	srtt_x;		/* SRTT << XTCP_RTT_SHIFT, the state (2.3) uses */
	u64	rttvar_x;	/* RTTVAR << XTCP_RTT_SHIFT */
	u32	min_rtt_us;	/* the least sample; 0: none yet */
};

void xtcp_rtt_init(struct xtcp_rtt *r, u32 rto_init_us);
void xtcp_rtt_sample(struct xtcp_rtt *r, u32 rtt_us, u32 rto_min_us,
		     u32 rto_max_us);
void xtcp_rtt_on_send(struct xtcp_rtt *r, u32 end_seq, u64 now_us,
		      bool retransmission);
bool xtcp_rtt_on_ack(struct xtcp_rtt *r, u32 ack, u64 now_us, u32 rto_min_us,
		     u32 rto_max_us);
bool xtcp_rtt_on_ack_ts(struct xtcp_rtt *r, u32 ack, u32 ts_us,
			u32 rto_min_us, u32 rto_max_us);
void xtcp_rtt_backoff(struct xtcp_rtt *r);
u32 xtcp_rtt_timeout_us(const struct xtcp_rtt *r, u32 rto_max_us);

#endif /* _XTCP_RTT_H */
