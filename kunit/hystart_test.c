// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for HyStart++ (RFC 9406, hystart.c) on its own and as
 * CUBIC's slow start through cc.c.  SMSS = 1000 bytes; RTTs in µs.
 *
 * The connection the cc.c cases drive (xtcp_t_hs_ack()): ACKs of one
 * SMSS each, and after each the sender fills cwnd (SND.NXT = SND.UNA +
 * cwnd when that is more), from SND.UNA = 0 and cwnd = IW = 10000 with
 * 10000 in flight.  A round begins at the first ACK and then at the ACK
 * that reaches windowEnd, which is SND.NXT before that ACK.  In slow start
 * cwnd after ACK k is 10000 + 1000 * k and SND.NXT 10000 + 2000 * k, so
 * the rounds begin at ACK 1 (windowEnd = 10000), ACK 10 (windowEnd = 9000
 * + 19000 = 28000), ACK 28 (27000 + 37000 = 64000), ACK 64, ACK 136:
 * a_(n+1) = 2 * a_n + 8.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "cc.h"
#include "cubic.h"
#include "hystart.h"

#define MSS		1000
#define INF		XTCP_HYSTART_INF

struct xtcp_t_hs {
	struct xtcp_cc	cc;
	u32		una;
	u32		nxt;
	u32		acks;	/* ACKs so far: the k above */
};

static void xtcp_t_hs_init(struct xtcp_t_hs *t, const struct xtcp_cc_ops *ops,
			   bool on)
{
	memset(t, 0xa5, sizeof(*t));
	xtcp_cc_init_ops(&t->cc, MSS, ops);
	xtcp_cc_hystart(&t->cc, on);
	xtcp_cc_clock(&t->cc, 1000000, 100000);
	t->una = 0;
	t->nxt = t->cc.cwnd;
	t->acks = 0;
}

/* The next ACK of one SMSS, RTT sample @rtt_us (0: none); then send. */
static void xtcp_t_hs_ack(struct xtcp_t_hs *t, u32 rtt_us)
{
	t->una += MSS;
	t->acks++;
	if (rtt_us)
		xtcp_cc_rtt_sample(&t->cc, rtt_us);
	xtcp_cc_on_ack(&t->cc, t->una, MSS, t->nxt - t->una);
	if (t->una + t->cc.cwnd > t->nxt)
		t->nxt = t->una + t->cc.cwnd;
}

/* ACKs until ACK @k, each with RTT @rtt_us. */
static void xtcp_t_hs_ack_to(struct xtcp_t_hs *t, u32 k, u32 rtt_us)
{
	while (t->acks < k)
		xtcp_t_hs_ack(t, rtt_us);
}

/*
 * Two rounds of 100 ms (rounds 0 and 1: ACKs 1..27), then round 2 at
 * 112.5 ms: RttThresh = max(4 ms, min(100 ms / 8, 16 ms)) = 12.5 ms, so
 * 100 + 12.5 is just enough; the 8th sample of round 2 is ACK 35, which
 * still grows as slow start: cwnd = 10000 + 35 * 1000 = 45000.
 */
static void xtcp_t_hs_to_css(struct kunit *test, struct xtcp_t_hs *t)
{
	xtcp_t_hs_init(t, &xtcp_cubic_ops, true);
	xtcp_t_hs_ack_to(t, 27, 100000);
	KUNIT_ASSERT_EQ(test, t->cc.hs.state, (u8)XTCP_HYSTART_SS);
	xtcp_t_hs_ack_to(t, 34, 112500);
	/* seven samples in round 2: not yet */
	KUNIT_EXPECT_EQ(test, t->cc.hs.samples, (u8)7);
	KUNIT_ASSERT_EQ(test, t->cc.hs.state, (u8)XTCP_HYSTART_SS);
	xtcp_t_hs_ack(t, 112500);
	KUNIT_ASSERT_EQ(test, t->cc.hs.state, (u8)XTCP_HYSTART_CSS);
	KUNIT_EXPECT_EQ(test, t->cc.hs.last_min_us, 100000U);
	KUNIT_EXPECT_EQ(test, t->cc.hs.css_base_us, 112500U);
	KUNIT_EXPECT_EQ(test, t->cc.hs.css_rounds, (u8)1);
	KUNIT_EXPECT_EQ(test, t->cc.cwnd, 45000U);
	/* CSS leaves ssthresh alone: still slow start */
	KUNIT_EXPECT_EQ(test, t->cc.ssthresh, XTCP_CC_SSTHRESH_INF);
}

/* windowEnd = SND.NXT at a round's start; the round ends when it is ACKed. */
static void xtcp_hystart_rounds(struct kunit *test)
{
	struct xtcp_hystart h;
	struct xtcp_t_hs t;

	xtcp_hystart_init(&h, true);
	KUNIT_EXPECT_FALSE(test, h.round_set);
	/* the first ACK begins a round */
	KUNIT_EXPECT_FALSE(test, xtcp_hystart_round(&h, 100, 5000));
	KUNIT_EXPECT_TRUE(test, h.round_set);
	KUNIT_EXPECT_EQ(test, h.window_end, 5000U);
	xtcp_hystart_grow(&h, MSS, 30000);
	xtcp_hystart_grow(&h, MSS, 20000);
	KUNIT_EXPECT_EQ(test, h.cur_min_us, 20000U);
	KUNIT_EXPECT_EQ(test, h.samples, (u8)2);
	/* below windowEnd: the same round */
	KUNIT_EXPECT_FALSE(test, xtcp_hystart_round(&h, 4999, 9000));
	KUNIT_EXPECT_EQ(test, h.window_end, 5000U);
	KUNIT_EXPECT_EQ(test, h.cur_min_us, 20000U);
	KUNIT_EXPECT_EQ(test, h.last_min_us, INF);
	/* windowEnd acknowledged: the next round */
	KUNIT_EXPECT_FALSE(test, xtcp_hystart_round(&h, 5000, 9000));
	KUNIT_EXPECT_EQ(test, h.window_end, 9000U);
	KUNIT_EXPECT_EQ(test, h.last_min_us, 20000U);
	KUNIT_EXPECT_EQ(test, h.cur_min_us, INF);
	KUNIT_EXPECT_EQ(test, h.samples, (u8)0);
	/* sequence numbers wrap */
	xtcp_hystart_init(&h, true);
	xtcp_hystart_round(&h, 0xfffff000, 0x800);
	KUNIT_EXPECT_EQ(test, h.window_end, 0x800U);
	xtcp_hystart_grow(&h, MSS, 7000);
	xtcp_hystart_round(&h, 0xfffffc00, 0x1000);
	KUNIT_EXPECT_EQ(test, h.window_end, 0x800U);
	xtcp_hystart_round(&h, 0x900, 0x1000);
	KUNIT_EXPECT_EQ(test, h.window_end, 0x1000U);
	KUNIT_EXPECT_EQ(test, h.last_min_us, 7000U);
	/* off: no rounds */
	xtcp_hystart_init(&h, false);
	KUNIT_EXPECT_FALSE(test, xtcp_hystart_round(&h, 100, 5000));
	KUNIT_EXPECT_FALSE(test, h.round_set);

	/* through cc.c: the rounds of the header's connection */
	xtcp_t_hs_init(&t, &xtcp_cubic_ops, true);
	xtcp_t_hs_ack(&t, 100000);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 10000U);
	xtcp_t_hs_ack_to(&t, 9, 100000);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 10000U);
	KUNIT_EXPECT_EQ(test, t.cc.hs.samples, (u8)9);
	xtcp_t_hs_ack(&t, 100000);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 28000U);
	KUNIT_EXPECT_EQ(test, t.cc.hs.samples, (u8)1);
	xtcp_t_hs_ack_to(&t, 27, 100000);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 28000U);
	xtcp_t_hs_ack(&t, 100000);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 64000U);
	/* the sample is used up by the ACK */
	KUNIT_EXPECT_EQ(test, t.cc.rtt_us, 0U);
}

/* RTTs flat: slow start goes on, cwnd + SMSS per ACK of SMSS. */
static void xtcp_hystart_flat(struct kunit *test)
{
	struct xtcp_t_hs t;

	xtcp_t_hs_init(&t, &xtcp_cubic_ops, true);
	xtcp_t_hs_ack_to(&t, 136, 100000);	/* rounds 0..3, ACKs 1..135 */
	/* windowEnd = SND.NXT before ACK 136: 10000 + 2000 * 135 */
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 280000U);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_SS);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, XTCP_CC_SSTHRESH_INF);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 10000U + 136U * 1000U);
	/* 100 + 12.5 - 0.001 ms: still below the threshold */
	xtcp_t_hs_ack_to(&t, 300, 112499);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_SS);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 10000U + 300U * 1000U);
	KUNIT_EXPECT_EQ(test, t.cc.events, (u8)0);
}

/*
 * The rise of RttThresh after 8 samples enters CSS (xtcp_t_hs_to_css());
 * then each ACK of SMSS adds SMSS / 4.
 */
static void xtcp_hystart_css_growth(struct kunit *test)
{
	struct xtcp_t_hs t;

	xtcp_t_hs_to_css(test, &t);
	xtcp_t_hs_ack(&t, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 45250U);
	xtcp_t_hs_ack_to(&t, 63, 120000);
	/* 45000 + (63 - 35) * 250 */
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 52000U);
	/* an ACK of half a segment: 500 / 4 */
	xtcp_cc_on_ack(&t.cc, t.una + 500, 500, t.nxt - t.una - 500);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 52125U);
	/* of three: all three count (xtcp_cc_ss_inc()), / 4 */
	xtcp_cc_on_ack(&t.cc, t.una + 3500, 3000, t.nxt - t.una - 3500);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 52875U);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, XTCP_CC_SSTHRESH_INF);
}

/*
 * CSS_ROUNDS = 5 rounds of CSS, the partial round 2 counted: rounds 3..6
 * begin at ACK 64, 115 (windowEnd = 63000 + cwnd 52000), 179 (114000 +
 * 45000 + 79 * 250 = 178750), 259 (178000 + 45000 + 143 * 250 =
 * 258750); round 7 would begin at ACK 359 (258000 + 45000 + 223 * 250 =
 * 358750): there CSS is over and ssthresh = cwnd = 45000 + (358 - 35) *
 * 250 = 125750, congestion avoidance from that ACK on.
 */
static void xtcp_hystart_css_exit(struct kunit *test)
{
	struct xtcp_t_hs t;

	xtcp_t_hs_to_css(test, &t);
	xtcp_t_hs_ack_to(&t, 64, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.hs.css_rounds, (u8)2);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 115000U);
	xtcp_t_hs_ack_to(&t, 115, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.hs.css_rounds, (u8)3);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 178750U);
	xtcp_t_hs_ack_to(&t, 179, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.hs.css_rounds, (u8)4);
	xtcp_t_hs_ack_to(&t, 259, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.hs.css_rounds, (u8)5);
	KUNIT_EXPECT_EQ(test, t.cc.hs.window_end, 358750U);
	xtcp_t_hs_ack_to(&t, 358, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_CSS);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 125750U);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, XTCP_CC_SSTHRESH_INF);
	KUNIT_EXPECT_EQ(test, t.cc.events, (u8)0);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_hystart_active(&t.cc));
	xtcp_t_hs_ack(&t, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, 125750U);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_OFF);
	KUNIT_EXPECT_EQ(test, t.cc.events, (u8)XTCP_CC_EV_HYSTART_EXIT);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_hystart_active(&t.cc));
	/* CUBIC's congestion avoidance: K = 0 from cwnd, less than 1/4 */
	KUNIT_EXPECT_GE(test, t.cc.cwnd, 125750U);
	KUNIT_EXPECT_LT(test, t.cc.cwnd, 125750U + 250U);
	KUNIT_EXPECT_TRUE(test, t.cc.priv.cubic.epoch_set);
}

/*
 * A CSS round whose least RTT (after 8 samples) falls below the baseline
 * (112.5 ms) goes back to slow start: round 3 begins at ACK 64, its 8th
 * sample is ACK 71, which still grows by 250 (cwnd 52000 + 8 * 250); ACK
 * 72 grows by SMSS.
 */
static void xtcp_hystart_css_resume(struct kunit *test)
{
	struct xtcp_t_hs t;

	xtcp_t_hs_to_css(test, &t);
	/* at the baseline is not below it */
	xtcp_t_hs_ack_to(&t, 63, 112500);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_CSS);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 52000U);
	xtcp_t_hs_ack_to(&t, 70, 112499);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_CSS);
	xtcp_t_hs_ack(&t, 112499);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_SS);
	KUNIT_EXPECT_EQ(test, t.cc.hs.css_base_us, INF);
	KUNIT_EXPECT_EQ(test, t.cc.hs.css_rounds, (u8)0);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 54000U);
	xtcp_t_hs_ack(&t, 112499);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 55000U);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, XTCP_CC_SSTHRESH_INF);
}

/* One round of 8 samples at @last, the next of 8 at @cur: CSS or not? */
static bool xtcp_t_hs_rise(u32 last, u32 cur)
{
	struct xtcp_hystart h;
	int i;

	xtcp_hystart_init(&h, true);
	xtcp_hystart_round(&h, 0, 100);
	for (i = 0; i < 8; i++)
		xtcp_hystart_grow(&h, MSS, last);
	xtcp_hystart_round(&h, 100, 200);
	for (i = 0; i < 8; i++)
		xtcp_hystart_grow(&h, MSS, cur);
	return h.state == XTCP_HYSTART_CSS;
}

/* RttThresh = max(4 ms, min(lastRoundMinRTT / 8, 16 ms)) */
static void xtcp_hystart_thresh(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(0), 4000U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(20000), 4000U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(32007), 4000U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(32008), 4001U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(100000), 12500U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(128000), 16000U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(1000000), 16000U);
	KUNIT_EXPECT_EQ(test, xtcp_hystart_rtt_thresh(INF - 1), 16000U);
	/* 10 ms: 10 / 8 = 1.25 ms, clamped up to 4 */
	KUNIT_EXPECT_FALSE(test, xtcp_t_hs_rise(10000, 13999));
	KUNIT_EXPECT_TRUE(test, xtcp_t_hs_rise(10000, 14000));
	/* 1 s: 125 ms, clamped down to 16 */
	KUNIT_EXPECT_FALSE(test, xtcp_t_hs_rise(1000000, 1015999));
	KUNIT_EXPECT_TRUE(test, xtcp_t_hs_rise(1000000, 1016000));
	/* 64 ms: 8 ms, within */
	KUNIT_EXPECT_FALSE(test, xtcp_t_hs_rise(64000, 71999));
	KUNIT_EXPECT_TRUE(test, xtcp_t_hs_rise(64000, 72000));
	/* a round with no sample has no lastRoundMinRTT: nothing to compare */
	{
		struct xtcp_hystart h;
		int i;

		xtcp_hystart_init(&h, true);
		xtcp_hystart_round(&h, 0, 100);
		xtcp_hystart_round(&h, 100, 200);
		for (i = 0; i < 20; i++)
			xtcp_hystart_grow(&h, MSS, 1000000);
		KUNIT_EXPECT_EQ(test, h.state, (u8)XTCP_HYSTART_SS);
	}
}

/* Fewer than 8 samples in a round decide nothing, however high. */
static void xtcp_hystart_few_samples(struct kunit *test)
{
	struct xtcp_hystart h;
	int i;

	xtcp_hystart_init(&h, true);
	xtcp_hystart_round(&h, 0, 100);
	for (i = 0; i < 8; i++)
		xtcp_hystart_grow(&h, MSS, 10000);
	xtcp_hystart_round(&h, 100, 200);
	/* 7 samples and many ACKs without one */
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_EQ(test, xtcp_hystart_grow(&h, MSS, 900000),
				(u32)MSS);
	for (i = 0; i < 30; i++)
		xtcp_hystart_grow(&h, MSS, 0);
	KUNIT_EXPECT_EQ(test, h.samples, (u8)7);
	KUNIT_EXPECT_EQ(test, h.state, (u8)XTCP_HYSTART_SS);
	/* the 8th */
	xtcp_hystart_grow(&h, MSS, 900000);
	KUNIT_EXPECT_EQ(test, h.state, (u8)XTCP_HYSTART_CSS);
	/* in CSS, too: 7 low samples do not resume slow start */
	xtcp_hystart_round(&h, 200, 300);
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_EQ(test, xtcp_hystart_grow(&h, MSS, 10000),
				(u32)MSS / 4);
	KUNIT_EXPECT_EQ(test, h.state, (u8)XTCP_HYSTART_CSS);
	xtcp_hystart_grow(&h, MSS, 10000);
	KUNIT_EXPECT_EQ(test, h.state, (u8)XTCP_HYSTART_SS);
}

/*
 * Where HyStart++ does not run: off (the sysctl), for NewReno, after a
 * loss set ssthresh (only the first slow start), in fast recovery.
 */
static void xtcp_hystart_not_used(struct kunit *test)
{
	struct xtcp_t_hs t;

	/* off: the RTT rise of xtcp_t_hs_to_css() changes nothing */
	xtcp_t_hs_init(&t, &xtcp_cubic_ops, false);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_hystart_active(&t.cc));
	xtcp_t_hs_ack_to(&t, 27, 100000);
	xtcp_t_hs_ack_to(&t, 400, 500000);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 10000U + 400U * 1000U);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, XTCP_CC_SSTHRESH_INF);
	KUNIT_EXPECT_FALSE(test, t.cc.hs.round_set);
	/* NewReno keeps RFC 5681's slow start */
	xtcp_t_hs_init(&t, &xtcp_newreno_ops, true);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_hystart_active(&t.cc));
	xtcp_t_hs_ack_to(&t, 27, 100000);
	xtcp_t_hs_ack_to(&t, 400, 500000);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 10000U + 400U * 1000U);
	KUNIT_EXPECT_EQ(test, t.cc.hs.state, (u8)XTCP_HYSTART_SS);
	KUNIT_EXPECT_FALSE(test, t.cc.hs.round_set);
	/* a loss in CSS: CUBIC's response, and HyStart++ is over */
	xtcp_t_hs_to_css(test, &t);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_hystart_active(&t.cc));
	xtcp_cc_on_probe_recovery(&t.cc, 40000);
	KUNIT_EXPECT_EQ(test, t.cc.ssthresh, 28000U);	/* 0.7 * 40000 */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_hystart_active(&t.cc));
	/* a timeout: slow start again, RFC 5681's */
	xtcp_cc_on_timeout(&t.cc, 40000, t.nxt);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, (u32)MSS);
	xtcp_t_hs_ack(&t, 100000);
	KUNIT_EXPECT_EQ(test, t.cc.cwnd, 2U * MSS);
	KUNIT_EXPECT_EQ(test, t.cc.events, (u8)0);
	/* fast recovery: the rounds stop (no ACK goes through cong_avoid) */
	xtcp_t_hs_init(&t, &xtcp_cubic_ops, true);
	xtcp_t_hs_ack(&t, 100000);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery(&t.cc, 9000, t.nxt));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_hystart_active(&t.cc));
}

static struct kunit_case xtcp_hystart_cases[] = {
	KUNIT_CASE(xtcp_hystart_rounds),
	KUNIT_CASE(xtcp_hystart_flat),
	KUNIT_CASE(xtcp_hystart_css_growth),
	KUNIT_CASE(xtcp_hystart_css_exit),
	KUNIT_CASE(xtcp_hystart_css_resume),
	KUNIT_CASE(xtcp_hystart_thresh),
	KUNIT_CASE(xtcp_hystart_few_samples),
	KUNIT_CASE(xtcp_hystart_not_used),
	{}
};

static struct kunit_suite xtcp_hystart_suite = {
	.name = "xtcp_hystart",
	.test_cases = xtcp_hystart_cases,
};

kunit_test_suites(&xtcp_hystart_suite);
