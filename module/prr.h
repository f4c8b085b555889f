/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Proportional Rate Reduction (RFC 6937): how much fast recovery lets go
 * on each ACK, so that cwnd comes down to ssthresh in step with what the
 * peer delivers instead of in one cut (RFC 5681's cwnd = ssthresh + 3 *
 * SMSS with inflation), and so that a burst of losses does not starve the
 * sender below ssthresh.  Linux's tcp_cwnd_reduction(), which recovery
 * uses with RACK on.  Pure logic, in bytes: cc.c holds one per connection
 * and sets cwnd to what xtcp_prr_cwnd() returns; the caller gives it the
 * pipe (RFC 6675 §4: bytes in the network, SACKed and lost ones out) and
 * what each ACK delivered, and reports what it sends (xtcp_prr_sent()).
 */
#ifndef _XTCP_PRR_H
#define _XTCP_PRR_H

#include <linux/types.h>

struct xtcp_prr {
	u32	recover_fs;	/* RecoverFS: cwnd when recovery began, as
				 * Linux's prior_cwnd (RFC 6937: FlightSize)
				 */
	u32	delivered;	/* prr_delivered: bytes delivered since */
	u32	out;		/* prr_out: bytes sent since, new or again */
};

void xtcp_prr_init(struct xtcp_prr *p, u32 recover_fs);
u32 xtcp_prr_cwnd(struct xtcp_prr *p, u32 delivered, u32 pipe, u32 ssthresh,
		  u32 mss, bool una_advanced, bool newly_lost);

/* @bytes went out during recovery, new data or a retransmission. */
static inline void xtcp_prr_sent(struct xtcp_prr *p, u32 bytes)
{
	p->out = p->out > U32_MAX - bytes ? U32_MAX : p->out + bytes;
}

#endif /* _XTCP_PRR_H */
