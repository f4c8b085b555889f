/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): a is "before" b
 * when the signed 32-bit distance from a to b is positive.
 */
#ifndef _XTCP_SEQ_H
#define _XTCP_SEQ_H

#include <linux/types.h>

static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

/* a <= b */
static inline bool xtcp_seq_leq(u32 a, u32 b)
{
	return !xtcp_seq_after(a, b);
}

/* a >= b */
static inline bool xtcp_seq_geq(u32 a, u32 b)
{
	return !xtcp_seq_before(a, b);
}

/* lo <= x < hi, the half-open interval RFC 9293's acceptability test uses */
static inline bool xtcp_seq_in(u32 x, u32 lo, u32 hi)
{
	return xtcp_seq_leq(lo, x) && xtcp_seq_before(x, hi);
}

/* lo < x <= hi, as in "SND.UNA < SEG.ACK =< SND.NXT" */
static inline bool xtcp_seq_in_ack(u32 x, u32 lo, u32 hi)
{
	return xtcp_seq_before(lo, x) && xtcp_seq_leq(x, hi);
}

#endif /* _XTCP_SEQ_H */
