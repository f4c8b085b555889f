// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (RFC 9438) in bytes, behind struct xtcp_cc_ops: a window that
 * grows as W_cubic(t) = C * (t - K)^3 + W_max (section 4.2) after a loss,
 * never slower than Reno would (section 4.3).  Loss recovery itself (the
 * third duplicate ACK, RACK's losses, partial and full ACKs, the
 * timeout's cwnd of 1 SMSS) is cc.c's, as for NewReno.  The arithmetic is
 * Linux's tcp_cubic.c's in spirit (an integer cube root, fixed-point time)
 * with the RFC's constants exactly: C = 0.4, beta_cubic = 0.7.
 *
 * Units.  Windows are bytes; the RFC's segments are bytes / SMSS, so with
 * W in bytes the curve is W_cubic(t) = C * SMSS * (t - K)^3 + W_max and
 * K = cbrt((W_max - cwnd_epoch) / (C * SMSS)).  Time is the caller's clock
 * in µs (xtcp_cc_clock()), t and K are whole milliseconds: K =
 * cbrt((W_max - cwnd_epoch) * 10^9 / (0.4 * SMSS)) ms, the floor of the
 * exact cube root (xtcp_cubic_root()).  |t - K| is capped at 2^19 ms
 * (about 524 s, where the curve is far beyond any 32-bit window), so
 * 0.4 * |t - K|^3 * SMSS fits 64 bits.
 *
 * Where the RFC leaves a choice:
 * - Slow start, below ssthresh, is HyStart++'s (RFC 9406, hystart.c:
 *   cwnd += min(N, SMSS) per ACK until the RTT grows, then a quarter of
 *   that for at most 5 rounds, then ssthresh = cwnd) when the sysctl
 *   hystart is on, as Linux's tcp_cubic.c runs HyStart; else, and after
 *   a loss, NewReno's (cwnd += min(N, SMSS) per ACK).
 * - RTT in W_cubic(t + RTT) (section 4.4) is the least RTT seen (Linux's
 *   delay_min); none yet counts as 0.
 * - t_epoch is the first ACK of congestion avoidance after a loss (or the
 *   connection's first), as section 4.2 says; cwnd_epoch is cwnd then,
 *   and W_est starts there (section 4.3).  If cwnd_epoch is not below
 *   W_max (no loss yet, or after a timeout, section 4.8), K = 0 and the
 *   curve's plateau is cwnd_epoch instead of W_max.
 * - Reno-friendly region (section 4.3): W_est += alpha * N * SMSS / cwnd
 *   for an ACK of N bytes, alpha = 3 * (1 - beta) / (1 + beta) = 9/17
 *   until W_est reaches cwnd_prior, then 1 (the RFC's SHOULD).  When
 *   W_cubic(t) < W_est, cwnd = max(cwnd, W_est).
 * - Concave and convex regions (sections 4.4 and 4.5): target =
 *   W_cubic(t + RTT) kept within [cwnd, 1.5 * cwnd]; an ACK of N bytes
 *   adds (target - cwnd) * N / cwnd (the RFC's (target - cwnd) / cwnd per
 *   SMSS acknowledged), never beyond target.  The fractions left over are
 *   carried to the next ACK (cnt_rem, est_rem).
 * - Multiplicative decrease (section 4.6): ssthresh = max(FlightSize *
 *   0.7, 2 * SMSS) as the RFC's flight_size * beta_cubic; cwnd is then
 *   cc.c's (ssthresh + 3 * SMSS in fast recovery, ssthresh at its end).
 *   cwnd_prior = cwnd.
 * - Fast convergence (section 4.7): W_max = cwnd * (1 + 0.7) / 2 when cwnd
 *   is below the last W_max, else cwnd.
 * - Timeout (section 4.8): ssthresh as on a loss, then W_max is forgotten
 *   and the epoch ends, so the next congestion avoidance starts with K = 0
 *   from the cwnd it has then (Linux resets its state in TCP_CA_Loss).
 * - After idle (sending resumes with nothing in flight), t_epoch moves
 *   forward by the idle time, no further than now, as Linux's
 *   CA_EVENT_TX_START does, so an idle period does not count as growth.
 * Every addition saturates at U32_MAX.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "cc.h"
#include "compat_pure.h"

#define XTCP_NSEC_PER_MSEC3	1000000000ULL	/* (10^3 ms / s)^3 */

/* The floor of the cube root of @x (Hacker's Delight's icbrt64). */
u32 xtcp_cubic_root(u64 x)
{
	u64 y = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cubic_root);

/*
 * K in ms (section 4.2, Figure 2) for W_max - cwnd_epoch = @diff bytes:
 * cbrt(diff / SMSS / C) s = cbrt(diff * 10^9 * 10 / (4 * SMSS)) ms.
 * diff * 2.5 * 10^9 < 2^32 * 2^32 fits.
 */
u32 xtcp_cubic_k_ms(u32 diff, u32 mss)
{
	u64 x = (u64)diff * (XTCP_NSEC_PER_MSEC3 * XTCP_CUBIC_C_DEN /
			     XTCP_CUBIC_C_NUM);

	return xtcp_cubic_root(div_u64(x, mss));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cubic_k_ms);

/*
 * W_cubic(t) in bytes (section 4.2, Figure 1) for @t_ms since the epoch:
 * origin +- 0.4 * SMSS * |t - K|^3 / 10^9, |t - K| in ms.
 */
u32 xtcp_cubic_w(const struct xtcp_cubic *c, u32 t_ms, u32 mss)
{
	u64 offs = t_ms >= c->k_ms ? t_ms - c->k_ms : c->k_ms - t_ms;
	u64 d;

	offs = min_t(u64, offs, XTCP_CUBIC_MAX_OFFS_MS);
	/*
	 * C_NUM * offs^3 * SMSS / (C_DEN * 10^9), in two steps that fit:
	 * 4 * 2^57 = 2^59; / 10^4 < 2^46; * SMSS (< 2^16) < 2^62
	 */
	d = div_u64(XTCP_CUBIC_C_NUM * offs * offs * offs, 10000) * mss;
	d = div_u64(d, XTCP_CUBIC_C_DEN * XTCP_NSEC_PER_MSEC3 / 10000);
	if (t_ms < c->k_ms)
		return d >= c->origin ? 0 : c->origin - (u32)d;
	return min_t(u64, (u64)c->origin + d, U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cubic_w);

static void xtcp_cubic_init(struct xtcp_cc *cc)
{
	memset(&cc->priv.cubic, 0, sizeof(cc->priv.cubic));
}

/* A congestion avoidance stage starts: t_epoch, cwnd_epoch, K, W_est. */
static void xtcp_cubic_epoch(struct xtcp_cc *cc)
{
	struct xtcp_cubic *c = &cc->priv.cubic;

	c->epoch_set = true;
	c->epoch_us = cc->now_us;
	c->w_est = cc->cwnd;
	c->est_rem = 0;
	c->cnt_rem = 0;
	if (c->w_max > cc->cwnd) {
		c->k_ms = xtcp_cubic_k_ms(c->w_max - cc->cwnd, cc->mss);
		c->origin = c->w_max;
	} else {
		c->k_ms = 0;
		c->origin = cc->cwnd;
	}
}

/* ms since t_epoch, plus @extra_us */
static u32 xtcp_cubic_t_ms(const struct xtcp_cc *cc, u32 extra_us)
{
	const struct xtcp_cubic *c = &cc->priv.cubic;
	u64 t = cc->now_us > c->epoch_us ? cc->now_us - c->epoch_us : 0;

	return min_t(u64, div_u64(t + extra_us, 1000), U32_MAX);
}

/* Section 4.3: W_est grows by alpha * N * SMSS / cwnd. */
static void xtcp_cubic_est(struct xtcp_cc *cc, u32 acked)
{
	struct xtcp_cubic *c = &cc->priv.cubic;
	bool reno = c->w_est >= c->cwnd_prior;
	u64 num = reno ? 1 : XTCP_CUBIC_ALPHA_NUM;
	u64 den = (reno ? 1 : XTCP_CUBIC_ALPHA_DEN) * (u64)cc->cwnd;
	u64 n = num * acked * cc->mss + c->est_rem;
	u64 inc = div64_u64(n, den);

	c->est_rem = n - inc * den;
	c->w_est = min_t(u64, (u64)c->w_est + inc, U32_MAX);
}

static void xtcp_cubic_cong_avoid(struct xtcp_cc *cc, u32 acked)
{
	struct xtcp_cubic *c = &cc->priv.cubic;
	u32 target, rem;
	u64 n, inc;

	if (cc->cwnd < cc->ssthresh) {
		xtcp_cc_hystart_grow(cc, acked);
		return;
	}
	if (!c->epoch_set)
		xtcp_cubic_epoch(cc);
	xtcp_cubic_est(cc, acked);
	/* Reno-friendly region (section 4.3) */
	if (xtcp_cubic_w(c, xtcp_cubic_t_ms(cc, 0), cc->mss) < c->w_est) {
		cc->cwnd = max(cc->cwnd, c->w_est);
		return;
	}
	/* concave or convex region (sections 4.4, 4.5) */
	target = xtcp_cubic_w(c, xtcp_cubic_t_ms(cc, cc->min_rtt_us), cc->mss);
	target = clamp_t(u64, target, cc->cwnd, (u64)cc->cwnd + cc->cwnd / 2);
	n = (u64)(target - cc->cwnd) * acked + c->cnt_rem;
	inc = div_u64_rem(n, cc->cwnd, &rem);
	c->cnt_rem = rem;
	cc->cwnd = min_t(u64, (u64)cc->cwnd + inc, target);
}

/* Sections 4.6 and 4.7: a loss. */
static u32 xtcp_cubic_ssthresh(struct xtcp_cc *cc, u32 flight)
{
	struct xtcp_cubic *c = &cc->priv.cubic;

	c->epoch_set = false;
	if (cc->cwnd < c->w_max)
		c->w_max = div_u64((u64)cc->cwnd *
				   (XTCP_CUBIC_BETA_DEN + XTCP_CUBIC_BETA_NUM),
				   2 * XTCP_CUBIC_BETA_DEN);
	else
		c->w_max = cc->cwnd;
	c->cwnd_prior = cc->cwnd;
	return max_t(u64, div_u64((u64)flight * XTCP_CUBIC_BETA_NUM,
				  XTCP_CUBIC_BETA_DEN), 2 * cc->mss);
}

/* Section 4.8: after a timeout the curve starts again from K = 0. */
static void xtcp_cubic_on_rto(struct xtcp_cc *cc)
{
	struct xtcp_cubic *c = &cc->priv.cubic;

	c->w_max = 0;
	c->epoch_set = false;
}

/* Idle time is not growth time (Linux's CA_EVENT_TX_START). */
static void xtcp_cubic_tx_start(struct xtcp_cc *cc, u64 idle_us)
{
	struct xtcp_cubic *c = &cc->priv.cubic;

	if (!c->epoch_set)
		return;
	c->epoch_us = min(c->epoch_us + idle_us, cc->now_us);
}

const struct xtcp_cc_ops xtcp_cubic_ops = {
	.name		= "cubic",
	.init		= xtcp_cubic_init,
	.cong_avoid	= xtcp_cubic_cong_avoid,
	.ssthresh	= xtcp_cubic_ssthresh,
	.on_rto		= xtcp_cubic_on_rto,
	.tx_start	= xtcp_cubic_tx_start,
	.hystart	= true,
};
EXPORT_SYMBOL_IF_KUNIT(xtcp_cubic_ops);
