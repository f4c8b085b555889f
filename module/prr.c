// SPDX-License-Identifier: GPL-2.0
/*
 * Proportional Rate Reduction (RFC 6937), the pure part: see prr.h.
 * Where RFC 6937 and Linux's tcp_cwnd_reduction() (6.12) differ, Linux is
 * followed, and the comment says so:
 * - RecoverFS is cwnd when recovery began (prior_cwnd), not FlightSize:
 *   with SACKed data in flight FlightSize overstates what the network
 *   held, and the proportional part would let too little out.
 * - The slow-start reduction bound (PRR-SSRB, §3.1) is
 *   min(ssthresh - pipe, max(prr_delivered - prr_out, DeliveredData)
 *   + MSS), the MSS added only when the ACK advanced SND.UNA and found
 *   nothing newly lost (as RFC 6937's update, draft-ietf-tcpm-prr-rfc6937bis,
 *   and Linux 6.12 have it).
 * - Entering recovery, the first retransmission goes whatever the
 *   arithmetic says (at least one MSS while nothing was sent).
 * The result is cwnd = pipe + sndcnt: what the sender may send now,
 * retransmissions first, is cwnd - pipe.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "compat_pure.h"
#include "prr.h"

/* Recovery begins with cwnd @recover_fs (bytes, at least 1). */
void xtcp_prr_init(struct xtcp_prr *p, u32 recover_fs)
{
	p->recover_fs = max(recover_fs, 1U);
	p->delivered = 0;
	p->out = 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_prr_init);

/**
 * xtcp_prr_cwnd() - cwnd after one ACK in recovery (RFC 6937 §3.1)
 * @p: the recovery's PRR state
 * @delivered: DeliveredData: bytes this ACK newly acknowledged, cumulatively
 *	or by SACK; 0 leaves @p as it was
 * @pipe: RFC 6675's pipe after the ACK (and after loss marking)
 * @ssthresh: the recovery's ssthresh
 * @mss: SMSS
 * @una_advanced: the ACK moved SND.UNA
 * @newly_lost: the ACK made segments lost
 *
 * Return: cwnd, pipe + sndcnt; @pipe alone when nothing may go.
 */
u32 xtcp_prr_cwnd(struct xtcp_prr *p, u32 delivered, u32 pipe, u32 ssthresh,
		  u32 mss, bool una_advanced, bool newly_lost)
{
	u64 sndcnt;

	if (!delivered)
		return pipe;
	p->delivered = p->delivered > U32_MAX - delivered ? U32_MAX :
		       p->delivered + delivered;
	if (pipe > ssthresh) {
		/* proportional: ceil(prr_delivered * ssthresh / RecoverFS) */
		u64 due = div_u64((u64)p->delivered * ssthresh +
				  p->recover_fs - 1, p->recover_fs);

		sndcnt = due > p->out ? due - p->out : 0;
	} else {
		/* PRR-SSRB: catch up to ssthresh, at most so fast */
		sndcnt = max_t(u64, p->delivered > p->out ?
				    p->delivered - p->out : 0, delivered);
		if (una_advanced && !newly_lost)
			sndcnt += mss;
		sndcnt = min_t(u64, sndcnt, ssthresh - pipe);
	}
	/* the fast retransmit itself (tcp_cwnd_reduction()) */
	if (!p->out)
		sndcnt = max_t(u64, sndcnt, mss);
	return min_t(u64, (u64)pipe + sndcnt, U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_prr_cwnd);
