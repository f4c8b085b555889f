/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CUBIC congestion control (RFC 9438) in bytes, behind cc.h's struct
 * xtcp_cc_ops.  Pure logic: the clock and the minimum RTT come from the
 * caller (xtcp_cc_clock()).  cubic.c says which RFC options it takes.
 */
#ifndef _XTCP_CUBIC_H
#define _XTCP_CUBIC_H

#include <linux/types.h>

struct xtcp_cc_ops;

/* RFC 9438 section 4.1's constants, as fractions */
#define XTCP_CUBIC_BETA_NUM	7	/* beta_cubic = 0.7 */
#define XTCP_CUBIC_BETA_DEN	10
#define XTCP_CUBIC_C_NUM	4	/* C = 0.4 */
#define XTCP_CUBIC_C_DEN	10
/* alpha_cubic = 3 * (1 - beta) / (1 + beta) = 0.9 / 1.7 = 9 / 17 */
#define XTCP_CUBIC_ALPHA_NUM	9
#define XTCP_CUBIC_ALPHA_DEN	17
/* |t - K| beyond this (2^19 ms, about 524 s) counts as this */
#define XTCP_CUBIC_MAX_OFFS_MS	524288

struct xtcp_cubic {
	u32	w_max;		/* W_max: cwnd before the last reduction,
				 * lowered by fast convergence; 0: none
				 */
	u32	cwnd_prior;	/* cwnd before the last reduction (W_est's
				 * alpha switch, section 4.3)
				 */
	u32	origin;		/* the curve's plateau this epoch: W_max, or
				 * cwnd_epoch when cwnd is already above it
				 */
	u32	k_ms;		/* K of this epoch, ms */
	u32	w_est;		/* W_est, bytes (section 4.3) */
	u64	est_rem;	/* W_est's growth not yet a byte */
	u32	cnt_rem;	/* cwnd's growth not yet a byte, / cwnd */
	bool	epoch_set;	/* a congestion avoidance stage is timed */
	u64	epoch_us;	/* ... since t_epoch, the caller's clock */
};

extern const struct xtcp_cc_ops xtcp_cubic_ops;

u32 xtcp_cubic_root(u64 x);
u32 xtcp_cubic_k_ms(u32 diff, u32 mss);
u32 xtcp_cubic_w(const struct xtcp_cubic *c, u32 t_ms, u32 mss);

#endif /* _XTCP_CUBIC_H */
