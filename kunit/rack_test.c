// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for RACK-TLP (rack.c, RFC 8985): the transmit-time order,
 * RACK's advance (and the spurious-retransmission filter), reordering
 * seen, the reordering window and its D-SACK widening, the loss-marking
 * decision over a small scoreboard, TLP's probe timeout and the outcome
 * of a probe's ACK.  Each case runs with its clock and sequence numbers
 * from small bases and from bases that cross 2^32.
 */
#include <kunit/test.h>

#include "rack.h"
#include "seq.h"

#define MSS	1000

struct xtcp_rack_base {
	const char	*name;
	u32		t;	/* the clock's start, µs */
	u32		seq;	/* the first sequence number */
};

static const struct xtcp_rack_base xtcp_rack_bases[] = {
	{ "plain", 1000, 1000 },
	{ "wrap", 0xffffff00, 0xfffff000 },
	{ "edge", 0x7fffff00, 0x7ffff000 },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_rack_bases, xtcp_rack_bases, name);

static const struct xtcp_rack_base *base(struct kunit *test)
{
	return test->param_value;
}

static void xtcp_rack_sent_after_case(struct kunit *test)
{
	u32 t = base(test)->t, s = base(test)->seq;

	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(t + 1, s, t, s + MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(t, s + MSS, t + 1, s));
	/* one transmission: end_seq orders */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(t, s + MSS, t, s));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(t, s, t, s + MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(t, s, t, s));
}

/* §6.2 steps 1-3: the newest sent delivered segment wins, not the last */
static void xtcp_rack_update_case(struct kunit *test)
{
	u32 t = base(test)->t, s = base(test)->seq;
	struct xtcp_rack r;

	xtcp_rack_init(&r);
	xtcp_rack_update(&r, t + 100, s + 2 * MSS, false, t + 20100);
	KUNIT_EXPECT_TRUE(test, r.set);
	KUNIT_EXPECT_EQ(test, r.xmit_us, t + 100);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 20000u);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 20000u);
	KUNIT_EXPECT_FALSE(test, r.reo_seen);
	/* an older one delivered later: RACK.xmit_ts stays, rtt follows */
	xtcp_rack_update(&r, t, s + MSS, false, t + 30000);
	KUNIT_EXPECT_EQ(test, r.xmit_us, t + 100);
	KUNIT_EXPECT_EQ(test, r.end_seq, s + 2 * MSS);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 30000u);
	/* ...and it was below the highest delivered: reordering */
	KUNIT_EXPECT_TRUE(test, r.reo_seen);
	/* a retransmission "delivered" faster than min_RTT: the original was */
	xtcp_rack_update(&r, t + 29000, s + 3 * MSS, true, t + 30000);
	KUNIT_EXPECT_EQ(test, r.xmit_us, t + 100);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 30000u);
	/* one that took at least min_RTT counts */
	xtcp_rack_update(&r, t + 29000, s + 3 * MSS, true, t + 50000);
	KUNIT_EXPECT_EQ(test, r.xmit_us, t + 29000);
	KUNIT_EXPECT_EQ(test, r.end_seq, s + 3 * MSS);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 21000u);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 20000u);
}

/* §6.2 step 4 */
static void xtcp_rack_reo_wnd_case(struct kunit *test)
{
	u32 t = base(test)->t, s = base(test)->seq;
	struct xtcp_rack r;
	int i;

	xtcp_rack_init(&r);
	xtcp_rack_update(&r, t, s + MSS, false, t + 20000);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 25000), 5000u);
	/* no reordering seen: none in recovery or at DupThresh SACKed */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, true, false, 25000), 0u);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, true, 25000), 0u);
	r.reo_seen = true;
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, true, true, 25000), 5000u);
	/* at most SRTT */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 3000), 3000u);
	/* a D-SACK is reordering seen too */
	r.reo_seen = false;
	xtcp_rack_dsack(&r, s, s + 10 * MSS);
	KUNIT_EXPECT_TRUE(test, r.reo_seen);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, true, true, 25000), 10000u);
	xtcp_rack_init(&r);
	xtcp_rack_update(&r, t, s + MSS, false, t + 20000);
	r.reo_seen = true;
	/* a D-SACK widens it once per round */
	xtcp_rack_dsack(&r, s, s + 10 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 25000), 10000u);
	xtcp_rack_dsack(&r, s + 5 * MSS, s + 10 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 25000), 10000u);
	xtcp_rack_dsack(&r, s + 10 * MSS, s + 20 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 25000), 15000u);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 12000), 12000u);
	/* ...for 16 recoveries, then back to min_RTT / 4 */
	for (i = 0; i < XTCP_RACK_REO_PERSIST - 1; i++)
		xtcp_rack_recovery_done(&r);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 25000), 15000u);
	xtcp_rack_recovery_done(&r);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, false, false, 25000), 5000u);
}

/*
 * §6.2 step 5 on a scoreboard of 5 segments sent 1 ms apart, RTT 20 ms;
 * segment 4 SACKed: 1-3, sent before it, are lost once RACK.rtt +
 * reo_wnd has passed since each was sent, 5 (sent after) never by it.
 */
static void xtcp_rack_lost_case(struct kunit *test)
{
	u32 t = base(test)->t, s = base(test)->seq;
	u32 xmit[5], end[5], left, now, reo;
	struct xtcp_rack r;
	int i;

	for (i = 0; i < 5; i++) {
		xmit[i] = t + i * 1000;
		end[i] = s + (i + 1) * MSS;
	}
	xtcp_rack_init(&r);
	KUNIT_EXPECT_FALSE(test, xtcp_rack_lost(&r, xmit[0], end[0], 0,
						t + 100000, &left));
	KUNIT_EXPECT_EQ(test, left, 0u);
	now = xmit[3] + 20000;
	xtcp_rack_update(&r, xmit[3], end[3], false, now);
	reo = xtcp_rack_reo_wnd(&r, false, false, 20000);
	KUNIT_EXPECT_EQ(test, reo, 5000u);
	/* at the SACK: each has 20 + 5 - (its age) ms left */
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_FALSE(test, xtcp_rack_lost(&r, xmit[i], end[i], reo,
							now, &left));
		KUNIT_EXPECT_EQ(test, left, 25000u - (now - xmit[i]));
	}
	KUNIT_EXPECT_FALSE(test, xtcp_rack_lost(&r, xmit[4], end[4], reo, now,
						&left));
	KUNIT_EXPECT_EQ(test, left, 0u);
	/* the reordering timer for segment 1 fires: 1 is lost, 2 and 3 not */
	now = xmit[0] + 25000;
	KUNIT_EXPECT_TRUE(test, xtcp_rack_lost(&r, xmit[0], end[0], reo, now,
					       &left));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_lost(&r, xmit[1], end[1], reo, now,
						&left));
	KUNIT_EXPECT_EQ(test, left, 1000u);
	/* in recovery, no reordering seen: no window, all three lost now */
	reo = xtcp_rack_reo_wnd(&r, true, false, 20000);
	now = xmit[3] + 20000;
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, xtcp_rack_lost(&r, xmit[i], end[i], reo,
						       now, &left));
	/* 1 resent after 5 was sent: not lost until something newer is SACKed */
	KUNIT_EXPECT_FALSE(test, xtcp_rack_lost(&r, xmit[4] + 1000, end[0], reo,
						now, &left));
	xtcp_rack_update(&r, xmit[4], end[4], false, xmit[4] + 20000);
	KUNIT_EXPECT_FALSE(test, xtcp_rack_lost(&r, xmit[4] + 1000, end[0], reo,
						xmit[4] + 20000, &left));
	/* the resent 1 is lost again when the newer 5 is SACKed long after */
	xtcp_rack_update(&r, xmit[4] + 2000, end[4], false, xmit[4] + 22000);
	KUNIT_EXPECT_TRUE(test, xtcp_rack_lost(&r, xmit[4] + 1000, end[0], reo,
					       xmit[4] + 22000, &left));
}

/* §7.2 */
static void xtcp_tlp_pto_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(0, 5), 1000000u);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(20000, 5), 40000u);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(20000, 1), 240000u);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(1000, 2), (u32)XTCP_TLP_MIN_US);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(U32_MAX, 2), U32_MAX);
}

/* §7.4: what the ACKs after a probe say */
static void xtcp_tlp_ack_case(struct kunit *test)
{
	u32 s = base(test)->seq, e = s + 5 * MSS;
	struct xtcp_rack r;

	xtcp_rack_init(&r);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e, true, false, false),
			XTCP_TLP_NONE);
	/* a retransmitting probe: below TLP.end_seq nothing is decided */
	r.tlp_set = true;
	r.tlp_retrans = true;
	r.tlp_end_seq = e;
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e - MSS, true, false, false),
			XTCP_TLP_NONE);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e, true, false, false),
			XTCP_TLP_NONE);
	KUNIT_EXPECT_TRUE(test, r.tlp_set);
	/* beyond it: the probe repaired a loss */
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e + MSS, true, false, false),
			XTCP_TLP_RECOVERED);
	KUNIT_EXPECT_FALSE(test, r.tlp_set);
	/* a D-SACK of the probe: both copies arrived */
	r.tlp_set = true;
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e, false, true, false),
			XTCP_TLP_NO_LOSS);
	/* a pure duplicate ACK at TLP.end_seq: the same */
	r.tlp_set = true;
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e, false, false, true),
			XTCP_TLP_NO_LOSS);
	/* a probe of new data: acknowledged, done */
	r.tlp_set = true;
	r.tlp_retrans = false;
	KUNIT_EXPECT_EQ(test, xtcp_tlp_on_ack(&r, e, true, false, false),
			XTCP_TLP_NO_LOSS);
	KUNIT_EXPECT_FALSE(test, r.tlp_set);
}

static struct kunit_case xtcp_rack_test_cases[] = {
	KUNIT_CASE_PARAM(xtcp_rack_sent_after_case, xtcp_rack_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_rack_update_case, xtcp_rack_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_rack_reo_wnd_case, xtcp_rack_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_rack_lost_case, xtcp_rack_bases_gen_params),
	KUNIT_CASE(xtcp_tlp_pto_case),
	KUNIT_CASE_PARAM(xtcp_tlp_ack_case, xtcp_rack_bases_gen_params),
	{}
};

static struct kunit_suite xtcp_rack_suite = {
	.name = "xtcp_rack",
	.test_cases = xtcp_rack_test_cases,
};

kunit_test_suites(&xtcp_rack_suite);
