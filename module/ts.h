/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP timestamps (RFC 7323 §3-§5): the per-connection state, the clock
 * TSval is read from, and the pure rules (PAWS, which TSval TS.Recent
 * takes, the RTT a TSecr measures).  ts.c.
 */
#ifndef _XTCP_TS_H
#define _XTCP_TS_H

#include <linux/math64.h>
#include <linux/time64.h>
#include <linux/types.h>

struct in6_addr;

/* RFC 7323 §5.5: TS.Recent older than 24 days is invalid (seconds). */
#define XTCP_PAWS_IDLE_S	(60 * 60 * 24 * 24)
/*
 * Ticks a synchronized connection's data may be older than TS.Recent and
 * pass (Linux's TCP_PAWS_WINDOW): an original sent in the tick before a
 * retransmission that overtook it (xtcp_paws_discard()).
 */
#define XTCP_PAWS_WINDOW	1
/* milliseconds: TSval ticks once a ms, as Linux's tcp_clock_ts() */
#define XTCP_TS_HZ		1000

/* A connection's timestamps (Linux's rx_opt.ts_recent and friends). */
struct xtcp_ts {
	bool	ok;		/* both SYNs carried the option (§3.2) */
	u32	off;		/* TSval = ms clock + off (xtcp_ts_off()) */
	u32	recent;		/* TS.Recent: the TSval to echo (§4.3) */
	u32	recent_stamp;	/* seconds clock when it was set, 0: never */
};

/* The ms clock TSval is read from, and the seconds clock of recent_stamp. */
u32 xtcp_ts_clock_ms(void);
u32 xtcp_ts_clock_s(void);

static inline u32 xtcp_ts_now(const struct xtcp_ts *ts)
{
	return xtcp_ts_clock_ms() + ts->off;
}

/* TSval at @now_us, a ktime_get() reading in microseconds: the same clock */
static inline u32 xtcp_ts_at(const struct xtcp_ts *ts, u64 now_us)
{
	return (u32)div_u64(now_us, USEC_PER_SEC / XTCP_TS_HZ) + ts->off;
}

u32 xtcp_ts_off(__be32 saddr, __be32 daddr);
u32 xtcp_ts_off6(const struct in6_addr *saddr, const struct in6_addr *daddr);

bool xtcp_paws_reject(const struct xtcp_ts *ts, u32 tsval, bool rst,
		      u32 now_s);
bool xtcp_paws_discard(const struct xtcp_ts *ts, u32 tsval, bool rst,
		       u32 now_s);
bool xtcp_ts_may_update(const struct xtcp_ts *ts, u32 tsval, u32 seq, u32 end,
			u32 last_ack_sent, u32 now_s);
void xtcp_ts_store(struct xtcp_ts *ts, u32 tsval, u32 now_s);
u32 xtcp_ts_rtt_us(u32 now_ts, u32 tsecr);

#endif /* _XTCP_TS_H */
