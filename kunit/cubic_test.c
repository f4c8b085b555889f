// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for CUBIC (cubic.c) against RFC 9438's equations, and for
 * the choice of algorithm by name (cc.c).  SMSS = 1000 bytes, so that a
 * window of W segments is W * 1000 bytes.  Every expected number is
 * worked out in the comment beside it:
 *
 *   W_cubic(t) = C * (t - K)^3 + W_max, C = 0.4     section 4.2, Figure 1
 *   K = cbrt((W_max - cwnd_epoch) / C)               section 4.2, Figure 2
 *   W_est += alpha * segments_acked / cwnd,
 *            alpha = 3 * (1 - 0.7) / (1 + 0.7) = 9/17 section 4.3
 *   target = W_cubic(t + RTT) within [cwnd, 1.5 * cwnd]; cwnd +=
 *            (target - cwnd) / cwnd per segment acked sections 4.4, 4.5
 *   loss: ssthresh = 0.7 * FlightSize, W_max = cwnd  section 4.6
 *   fast convergence: W_max = cwnd * 1.7 / 2          section 4.7
 *
 * In ms and bytes (cubic.c): K = floor(cbrt(diff * 10^9 / (0.4 * SMSS)))
 * ms and W_cubic = origin +- floor(floor(4 * |t - K|^3 / 10^4) * SMSS /
 * 10^6) bytes.
 *
 * The usual starting point (xtcp_t_cubic_loss()): cwnd = 100000 (100
 * segments) and a loss with 100000 bytes in flight: ssthresh = cwnd =
 * 70000, W_max = 100000, so K = cbrt(30 / 0.4) = cbrt(75) = 4.2171.. s:
 * 4217 ms (4217^3 = 74991286313 <= 75 * 10^9 < 4218^3).
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "cc.h"
#include "cubic.h"

#define MSS		1000
#define SEC		1000000ULL	/* µs */
#define MS		1000ULL

struct xtcp_t_cubic {
	struct xtcp_cc	cc;
	u32		una;
};

static void xtcp_t_cubic_init(struct xtcp_t_cubic *c)
{
	memset(c, 0xa5, sizeof(*c));
	xtcp_cc_init_ops(&c->cc, MSS, &xtcp_cubic_ops);
	c->una = 1;
}

/* cwnd 100000 in congestion avoidance, then a loss, 100000 in flight. */
static void xtcp_t_cubic_loss(struct xtcp_t_cubic *c)
{
	xtcp_t_cubic_init(c);
	c->cc.cwnd = 100000;
	c->cc.ssthresh = 100000;
	/* ssthresh without recovery's inflation: cwnd = min(cwnd, ssthresh) */
	xtcp_cc_on_probe_recovery(&c->cc, 100000);
}

/* An ACK of @acked new bytes at @now_us, least RTT @rtt_us. */
static void xtcp_t_cubic_ack(struct xtcp_t_cubic *c, u32 acked, u64 now_us,
			     u32 rtt_us)
{
	xtcp_cc_clock(&c->cc, now_us, rtt_us);
	c->una += acked;
	xtcp_cc_on_ack(&c->cc, c->una, acked, c->cc.cwnd);
}

static void xtcp_cubic_root_floor(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(1), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(7), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(8), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(26), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(27), 3U);
	/* 4217^3 = 74991286313 <= 75 * 10^9 < 4218^3 = 75044648232 */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(75000000000ULL), 4217U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(74991286313ULL), 4217U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(74991286312ULL), 4216U);
	/* 2^63 = (2^21)^3 */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(1ULL << 63), 2097152U);
	/* 2642245^3 = 18446724184312856125 <= 2^64 - 1 < 2642246^3 */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_root(U64_MAX), 2642245U);
}

static void xtcp_cubic_k(struct kunit *test)
{
	/* W_max - cwnd_epoch = 30 segments: K = cbrt(30 / 0.4) s = 4217 ms */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k_ms(30000, 1000), 4217U);
	/* the same 30 segments of 1460 bytes */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k_ms(30 * 1460, 1460), 4217U);
	/* 0.4 segments: K = cbrt(1) = 1 s */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k_ms(400, 1000), 1000U);
	/* 3.2 segments: cbrt(8) = 2 s */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k_ms(3200, 1000), 2000U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k_ms(0, 1000), 0U);
}

static void xtcp_cubic_curve(struct kunit *test)
{
	struct xtcp_cubic c = { .origin = 100000, .k_ms = 4217 };

	/* t = 0: 4 * 4217^3 / 10^4 = 29996514, * 1000 / 10^6 = 29996 */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, 0, MSS), 100000U - 29996);
	/* t = 1.1 s: 4 * 3117^3 / 10^4 = 12113521 -> 12113 */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, 1100, MSS), 100000U - 12113);
	/* t = K: the plateau, W_max */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, 4217, MSS), 100000U);
	/* t = K + 2 s: 0.4 * 2^3 = 3.2 segments above */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, 6217, MSS), 103200U);
	/* t = 10 s: 0.4 * 5.783^3 = 77.36 segments above */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, 10000, MSS), 177360U);
	/* far out it saturates */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, U32_MAX, 65535), U32_MAX);
	/* and below 0 it stops at 0 */
	c.origin = 1000;
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(&c, 0, MSS), 0U);
}

/* Section 4.6: the loss's ssthresh, W_max, cwnd_prior; recovery's cwnd. */
static void xtcp_cubic_decrease(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_init(&c);
	c.cc.cwnd = 100000;
	c.cc.ssthresh = 100000;
	/* third duplicate ACK: ssthresh = 0.7 * 100000, cwnd + 3 SMSS */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery(&c.cc, 100000, 100001));
	KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 70000U);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 73000U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_max, 100000U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.cwnd_prior, 100000U);
	KUNIT_EXPECT_FALSE(test, c.cc.priv.cubic.epoch_set);
	/* full ACK, 69000 left in flight: min(ssthresh, 69000 + SMSS) */
	xtcp_cc_clock(&c.cc, 0, 0);
	KUNIT_EXPECT_EQ(test, xtcp_cc_on_ack(&c.cc, 100001, 31000, 69000),
			XTCP_CC_NONE);
	KUNIT_EXPECT_FALSE(test, c.cc.in_recovery);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 70000U);

	/* the floor: 0.7 * 2000 = 1400 < 2 * SMSS */
	xtcp_t_cubic_init(&c);
	xtcp_cc_on_probe_recovery(&c.cc, 2000);
	KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 2000U);
}

/* Section 4.7: a loss below the last W_max lowers it further. */
static void xtcp_cubic_fast_convergence(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_max, 100000U);
	/* the window got back to 90000 only: W_max = 90000 * 1.7 / 2 */
	c.cc.cwnd = 90000;
	xtcp_cc_on_probe_recovery(&c.cc, 95000);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_max, 76500U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.cwnd_prior, 90000U);
	/* 0.7 * FlightSize */
	KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 66500U);
	/* beyond W_max again: W_max = cwnd */
	c.cc.cwnd = 120000;
	xtcp_cc_on_probe_recovery(&c.cc, 120000);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_max, 120000U);
	KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 84000U);
}

/*
 * The first ACK of congestion avoidance starts the epoch: K = 4217 ms,
 * W_est = cwnd_epoch = 70000 plus 9/17 * 1 segment / 70 segments =
 * 9 * 1000 * 1000 / (17 * 70000) = 7.56 -> 7 bytes.  W_cubic(0) = 70004
 * < W_est = 70007: the Reno-friendly region, cwnd = W_est.
 */
static void xtcp_cubic_epoch_start(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 70000U);
	KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 70000U);
	xtcp_t_cubic_ack(&c, 1000, 10 * SEC, 100 * MS);
	KUNIT_EXPECT_TRUE(test, c.cc.priv.cubic.epoch_set);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.epoch_us, 10 * SEC);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.k_ms, 4217U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.origin, 100000U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_est, 70007U);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 70007U);
}

/*
 * Section 4.4, the concave region: 1 s into the epoch with RTT 100 ms, a
 * whole window acknowledged takes cwnd to target = W_cubic(1.1 s) =
 * 87887 (xtcp_cubic_curve()), within 1.5 * cwnd; W_est = 70007 + 529 is
 * far below W_cubic(1 s) = 86683.
 */
static void xtcp_cubic_concave(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	xtcp_t_cubic_ack(&c, 1000, 10 * SEC, 100 * MS);
	xtcp_t_cubic_ack(&c, 70007, 11 * SEC, 100 * MS);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 87887U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_est, 70536U);
	/* at the same instant target is cwnd already: no growth */
	xtcp_t_cubic_ack(&c, 40000, 11 * SEC, 100 * MS);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 87887U);
}

/*
 * Section 4.4: target is at most 1.5 * cwnd.  20 s into the epoch the
 * curve is far above, so a window's ACKs take cwnd from 70007 to
 * 70007 + 35003 = 105010; half a window gets half of that.
 */
static void xtcp_cubic_target_cap(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	xtcp_t_cubic_ack(&c, 1000, 10 * SEC, 100 * MS);
	xtcp_t_cubic_ack(&c, 35000, 30 * SEC, 100 * MS);
	/* 35003 * 35000 / 70007 = 17499.7 -> 17499 */
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 87506U);
}

/*
 * Section 4.3: with a small RTT the curve hardly moves in a few RTTs
 * while W_est grows 9/17 of a segment per RTT: ten windows 1 ms apart
 * leave cwnd = W_est = 70000 + 10 * 9000 / 17 = 75294 (W_cubic(9 ms) =
 * 70196).  With RTT 1 s the same ten windows follow the curve: each takes
 * cwnd to W_cubic(t + RTT), the last (t = 9 s) to W_cubic(10 s) = 177360.
 */
static void xtcp_cubic_friendly_small_rtt(struct kunit *test)
{
	struct xtcp_t_cubic c;
	int i;

	xtcp_t_cubic_loss(&c);
	for (i = 0; i < 10; i++)
		xtcp_t_cubic_ack(&c, c.cc.cwnd, 5 * SEC + i * MS, 1 * MS);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 75294U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_est, 75294U);
	KUNIT_EXPECT_LT(test, xtcp_cubic_w(&c.cc.priv.cubic, 9, MSS), 75294U);

	xtcp_t_cubic_loss(&c);
	for (i = 0; i < 10; i++)
		xtcp_t_cubic_ack(&c, c.cc.cwnd, 5 * SEC + i * SEC, 1 * SEC);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 177360U);
	KUNIT_EXPECT_LT(test, c.cc.priv.cubic.w_est, 80000U);
}

/*
 * W_est's alpha is 1 once W_est reaches cwnd_prior (section 4.3): from
 * cwnd = W_est = 100000 on, a window adds a whole segment.
 */
static void xtcp_cubic_friendly_alpha(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	xtcp_t_cubic_ack(&c, 1000, 5 * SEC, 1 * MS);
	c.cc.priv.cubic.w_est = 100000;
	c.cc.priv.cubic.est_rem = 0;
	c.cc.cwnd = 100000;
	xtcp_t_cubic_ack(&c, 100000, 5 * SEC + 1 * MS, 1 * MS);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_est, 101000U);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 101000U);
}

/*
 * Section 4.8: a timeout: ssthresh = 0.7 * FlightSize, cwnd = 1 SMSS, and
 * W_max forgotten, so the next epoch has K = 0 and its plateau at the
 * cwnd it starts with.
 */
static void xtcp_cubic_timeout(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	xtcp_t_cubic_ack(&c, 1000, 10 * SEC, 100 * MS);
	xtcp_cc_on_timeout(&c.cc, 50000, c.una + 50000);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 1000U);
	KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 35000U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.w_max, 0U);
	KUNIT_EXPECT_FALSE(test, c.cc.priv.cubic.epoch_set);
	/* slow start back to 35000: 34 ACKs of a segment */
	while (c.cc.cwnd < 35000)
		xtcp_t_cubic_ack(&c, 1000, 12 * SEC, 100 * MS);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 35000U);
	xtcp_t_cubic_ack(&c, 1000, 13 * SEC, 100 * MS);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.k_ms, 0U);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.origin, 35000U);
}

/* Idle time moves t_epoch forward, never past now. */
static void xtcp_cubic_idle(struct kunit *test)
{
	struct xtcp_t_cubic c;

	xtcp_t_cubic_loss(&c);
	xtcp_t_cubic_ack(&c, 1000, 10 * SEC, 100 * MS);
	xtcp_cc_clock(&c.cc, 13 * SEC, 100 * MS);
	xtcp_cc_tx_start(&c.cc, 2 * SEC);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.epoch_us, 12 * SEC);
	xtcp_cc_tx_start(&c.cc, 5 * SEC);
	KUNIT_EXPECT_EQ(test, c.cc.priv.cubic.epoch_us, 13 * SEC);
}

/* Names: cubic, newreno and reno; anything else is unknown. */
static void xtcp_cc_find_names(struct kunit *test)
{
	const struct xtcp_cc_ops *ops;
	struct xtcp_cc cc;

	KUNIT_EXPECT_PTR_EQ(test, xtcp_cc_find("cubic"), &xtcp_cubic_ops);
	KUNIT_EXPECT_PTR_EQ(test, xtcp_cc_find("newreno"), &xtcp_newreno_ops);
	ops = xtcp_cc_find("reno");
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_EXPECT_STREQ(test, ops->name, "reno");
	KUNIT_EXPECT_NULL(test, xtcp_cc_find("bogus"));
	KUNIT_EXPECT_NULL(test, xtcp_cc_find(""));
	KUNIT_EXPECT_NULL(test, xtcp_cc_find("cubic "));
	/* reno is NewReno: ssthresh = FlightSize / 2 */
	xtcp_cc_init_ops(&cc, MSS, ops);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	xtcp_cc_on_probe_recovery(&cc, 100000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 50000U);
	/* xtcp_cc_init() is NewReno's */
	xtcp_cc_init(&cc, MSS);
	KUNIT_EXPECT_PTR_EQ(test, cc.ops, &xtcp_newreno_ops);
}

static struct kunit_case xtcp_cubic_cases[] = {
	KUNIT_CASE(xtcp_cubic_root_floor),
	KUNIT_CASE(xtcp_cubic_k),
	KUNIT_CASE(xtcp_cubic_curve),
	KUNIT_CASE(xtcp_cubic_decrease),
	KUNIT_CASE(xtcp_cubic_fast_convergence),
	KUNIT_CASE(xtcp_cubic_epoch_start),
	KUNIT_CASE(xtcp_cubic_concave),
	KUNIT_CASE(xtcp_cubic_target_cap),
	KUNIT_CASE(xtcp_cubic_friendly_small_rtt),
	KUNIT_CASE(xtcp_cubic_friendly_alpha),
	KUNIT_CASE(xtcp_cubic_timeout),
	KUNIT_CASE(xtcp_cubic_idle),
	KUNIT_CASE(xtcp_cc_find_names),
	{}
};

static struct kunit_suite xtcp_cubic_suite = {
	.name = "xtcp_cubic",
	.test_cases = xtcp_cubic_cases,
};

kunit_test_suites(&xtcp_cubic_suite);
