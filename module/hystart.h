/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HyStart++ (RFC 9406): leaving slow start when the round-trip time
 * grows, before a loss does it.  Pure logic, as cc.c is: the caller
 * marks the rounds (xtcp_hystart_round(), on every ACK of new data in
 * slow start) and gives each ACK's growth and RTT sample
 * (xtcp_hystart_grow()).  hystart.c says which RFC options it takes; cc.c
 * runs it for the algorithms that ask (struct xtcp_cc_ops's @hystart).
 * RTTs in µs.
 */
#ifndef _XTCP_HYSTART_H
#define _XTCP_HYSTART_H

#include <linux/limits.h>
#include <linux/types.h>

/* RFC 9406 section 4.3's constants */
#define XTCP_HYSTART_MIN_RTT_THRESH_US	4000	/* MIN_RTT_THRESH, 4 ms */
#define XTCP_HYSTART_MAX_RTT_THRESH_US	16000	/* MAX_RTT_THRESH, 16 ms */
#define XTCP_HYSTART_MIN_RTT_DIVISOR	8
#define XTCP_HYSTART_N_RTT_SAMPLE	8
#define XTCP_HYSTART_CSS_GROWTH_DIVISOR	4
#define XTCP_HYSTART_CSS_ROUNDS		5
#define XTCP_HYSTART_INF		U32_MAX	/* an RTT of "infinity" */

enum xtcp_hystart_state {
	XTCP_HYSTART_OFF,	/* not used (sysctl hystart 0, or ended) */
	XTCP_HYSTART_SS,	/* standard slow start, watching the RTT */
	XTCP_HYSTART_CSS,	/* Conservative Slow Start */
};

struct xtcp_hystart {
	u32	window_end;	/* windowEnd: SND.NXT when this round began */
	u32	last_min_us;	/* lastRoundMinRTT */
	u32	cur_min_us;	/* currentRoundMinRTT */
	u32	css_base_us;	/* cssBaselineMinRtt */
	u8	samples;	/* rttSampleCount (saturates) */
	u8	css_rounds;	/* CSS rounds begun, the partial first counted */
	u8	state;		/* enum xtcp_hystart_state */
	bool	round_set;	/* a round has begun: window_end holds */
};

void xtcp_hystart_init(struct xtcp_hystart *h, bool on);
u32 xtcp_hystart_rtt_thresh(u32 last_min_us);
bool xtcp_hystart_round(struct xtcp_hystart *h, u32 ack, u32 snd_nxt);
u32 xtcp_hystart_grow(struct xtcp_hystart *h, u32 inc, u32 rtt_us);

#endif /* _XTCP_HYSTART_H */
