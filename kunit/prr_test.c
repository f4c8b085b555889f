// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for Proportional Rate Reduction (prr.c, RFC 6937) and its
 * place in congestion control (cc.c: entering recovery with PRR, cwnd per
 * ACK, the end of recovery).  MSS = 1000 so that every window below can
 * be worked out by hand; the comment beside each says how:
 *
 *   pipe > ssthresh:  sndcnt = ceil(prr_delivered * ssthresh / RecoverFS)
 *                              - prr_out
 *   pipe <= ssthresh: sndcnt = min(ssthresh - pipe,
 *                                  max(prr_delivered - prr_out, delivered)
 *                                  [+ MSS if SND.UNA moved, nothing lost])
 *   nothing sent yet: sndcnt >= MSS;  cwnd = pipe + sndcnt
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>

#include "cc.h"
#include "prr.h"

#define MSS	1000

/*
 * RFC 6937 §6's first case: RecoverFS 20 segments, ssthresh 10 (Reno),
 * one segment lost, then an ACK per segment delivered.  A sender that
 * sends whole segments while pipe + MSS <= cwnd sends the retransmission
 * at the first ACK, then one segment per two ACKs while pipe > ssthresh
 * (k even: ceil(k * 10 / 20) - out = 1), nothing at the ACK that brings
 * pipe to ssthresh (16), and then one per ACK, holding pipe at ssthresh.
 */
static void xtcp_prr_proportional(struct kunit *test)
{
	static const u8 want[] = {
		/* ACK 1..19 */
		1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1,
	};
	struct xtcp_prr p;
	u32 pipe = 20 * MSS, cwnd, total = 0;
	unsigned int k;

	xtcp_prr_init(&p, 20 * MSS);
	for (k = 0; k < ARRAY_SIZE(want); k++) {
		u32 sent = 0;

		pipe -= MSS;			/* delivered (SACKed) */
		if (!k)
			pipe -= MSS;		/* and the lost one marked */
		cwnd = xtcp_prr_cwnd(&p, MSS, pipe, 10 * MSS, MSS, false, !k);
		KUNIT_EXPECT_GE_MSG(test, cwnd, pipe, "ACK %d", k + 1);
		while (pipe + MSS <= cwnd) {
			xtcp_prr_sent(&p, MSS);
			pipe += MSS;
			sent++;
		}
		KUNIT_EXPECT_EQ_MSG(test, sent, (u32)want[k], "ACK %d", k + 1);
		total += sent;
	}
	/* as much sent as ssthresh: pipe is ssthresh when recovery ends */
	KUNIT_EXPECT_EQ(test, total, 10u);
	KUNIT_EXPECT_EQ(test, p.out, 10u * MSS);
	KUNIT_EXPECT_EQ(test, p.delivered, 19u * MSS);
	KUNIT_EXPECT_EQ(test, pipe, 10u * MSS);
}

/* PRR-SSRB: below ssthresh, catch up by what was delivered, no faster. */
static void xtcp_prr_slow_start_bound(struct kunit *test)
{
	struct xtcp_prr p;

	/* RecoverFS 10, ssthresh 5: 3 SACKed, 1 lost, pipe 6 */
	xtcp_prr_init(&p, 10 * MSS);
	/* proportional: ceil(3000 * 5000 / 10000) = 1500 */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, 3 * MSS, 6 * MSS, 5 * MSS, MSS,
					    false, true), 7500u);
	xtcp_prr_sent(&p, MSS);		/* the retransmission: pipe 7 */
	/* six more SACKed at once: pipe 1, max(9000 - 1000, 6000) -> 4000 */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, 6 * MSS, MSS, 5 * MSS, MSS,
					    false, false), 5000u);

	/* out 3000: max(1000 - 3000 -> 0, 1000) = 1000 */
	xtcp_prr_init(&p, 10 * MSS);
	xtcp_prr_sent(&p, 3 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, MSS, MSS, 5 * MSS, MSS,
					    false, false), 2000u);
	/* SND.UNA moved, nothing newly lost: one MSS more */
	xtcp_prr_init(&p, 10 * MSS);
	xtcp_prr_sent(&p, 3 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, MSS, MSS, 5 * MSS, MSS,
					    true, false), 3000u);
	/* ...but not when the ACK found a loss */
	xtcp_prr_init(&p, 10 * MSS);
	xtcp_prr_sent(&p, 3 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, MSS, MSS, 5 * MSS, MSS,
					    true, true), 2000u);
	/* never past ssthresh: pipe 4500, at most 500 */
	xtcp_prr_init(&p, 10 * MSS);
	xtcp_prr_sent(&p, MSS);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, 8 * MSS, 4500, 5 * MSS, MSS,
					    true, false), 5000u);
	/* pipe at ssthresh: nothing */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, MSS, 5 * MSS, 5 * MSS, MSS,
					    true, false), 5000u);
}

/* The first ACK of a recovery lets the fast retransmit go, later ones not. */
static void xtcp_prr_first_retransmit(struct kunit *test)
{
	struct xtcp_prr p;

	xtcp_prr_init(&p, 100 * MSS);
	/* ceil(100 * 50000 / 100000) = 50 bytes: raised to one MSS */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, 100, 90 * MSS, 50 * MSS, MSS,
					    false, true), 91u * MSS);
	xtcp_prr_sent(&p, MSS);
	/* ceil(200 * 50000 / 100000) = 100 < 1000 sent: nothing */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, 100, 90 * MSS, 50 * MSS, MSS,
					    false, false), 90u * MSS);
	KUNIT_EXPECT_EQ(test, p.delivered, 200u);
}

/* An ACK that delivered nothing changes nothing; the arithmetic saturates. */
static void xtcp_prr_edges(struct kunit *test)
{
	struct xtcp_prr p;

	xtcp_prr_init(&p, 10 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, 0, 7 * MSS, 5 * MSS, MSS,
					    false, false), 7u * MSS);
	KUNIT_EXPECT_EQ(test, p.delivered, 0u);
	KUNIT_EXPECT_EQ(test, p.out, 0u);
	/* RecoverFS 0 is taken as 1: no division by zero */
	xtcp_prr_init(&p, 0);
	KUNIT_EXPECT_EQ(test, p.recover_fs, 1u);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, MSS, 5 * MSS, 2 * MSS, MSS,
					    false, false), 5u * MSS + 2000000u);
	/* counts stop at U32_MAX, cwnd too */
	xtcp_prr_init(&p, 1);
	p.delivered = U32_MAX - 10;
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&p, MSS, U32_MAX - 1, 5 * MSS, MSS,
					    false, false), U32_MAX);
	KUNIT_EXPECT_EQ(test, p.delivered, U32_MAX);
	p.out = U32_MAX - 10;
	xtcp_prr_sent(&p, MSS);
	KUNIT_EXPECT_EQ(test, p.out, U32_MAX);
}

/*
 * cc.c with PRR: ssthresh as RFC 5681 (4) on entry, cwnd as it was until
 * the ACK's PRR; no inflation by duplicate ACKs, no deflation by partial
 * ACKs; prr_out counted only in recovery; the full ACK leaves cwnd =
 * ssthresh; a timeout ends PRR.
 */
static void xtcp_prr_cc_recovery(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = 1, nxt = 1 + 10 * MSS;	/* recover = 10000 */

	xtcp_cc_init(&cc, MSS);			/* IW 10000 */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery_prr(&cc, nxt - una, nxt));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_enter_recovery_prr(&cc, nxt - una, nxt));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5u * MSS);	/* 10000 / 2 */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10u * MSS);
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	KUNIT_EXPECT_TRUE(test, cc.prr_on);
	KUNIT_EXPECT_EQ(test, cc.prr.recover_fs, 10u * MSS);

	KUNIT_EXPECT_EQ(test, xtcp_cc_on_dupack(&cc, nxt - una, nxt, false),
			XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10u * MSS);
	xtcp_cc_prr_ack(&cc, 3 * MSS, 6 * MSS, false, true);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7500u);
	xtcp_cc_sent(&cc, MSS);
	KUNIT_EXPECT_EQ(test, cc.prr.out, (u32)MSS);
	xtcp_cc_prr_ack(&cc, 6 * MSS, MSS, false, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5u * MSS);
	/* nothing delivered: cwnd stays */
	xtcp_cc_prr_ack(&cc, 0, 0, false, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5u * MSS);
	/* a partial ACK: PARTIAL_ACK, cwnd untouched */
	una += 2 * MSS;
	KUNIT_EXPECT_EQ(test, xtcp_cc_on_ack(&cc, una, 2 * MSS, nxt - una),
			XTCP_CC_PARTIAL_ACK);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5u * MSS);
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	/* pipe 0, nothing PRR allows: one MSS all the same */
	xtcp_cc_sent(&cc, 20 * MSS);
	xtcp_cc_prr_ack(&cc, 1, 0, false, true);
	KUNIT_EXPECT_EQ(test, cc.cwnd, (u32)MSS);
	/* the full ACK: ssthresh, PRR over */
	nxt += 4 * MSS;
	una = 1 + 10 * MSS + 1;
	KUNIT_EXPECT_EQ(test, xtcp_cc_on_ack(&cc, una, 8 * MSS + 1, nxt - una),
			XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5u * MSS);
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_FALSE(test, cc.prr_on);
	/* outside recovery neither call does anything */
	xtcp_cc_sent(&cc, MSS);
	KUNIT_EXPECT_EQ(test, cc.prr.out, 21u * MSS);
	xtcp_cc_prr_ack(&cc, MSS, MSS, true, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5u * MSS);

	/* a timeout ends it; RFC 5681's recovery is never PRR's */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery_prr(&cc, nxt - una, nxt));
	xtcp_cc_on_timeout(&cc, nxt - una, nxt);
	KUNIT_EXPECT_FALSE(test, cc.prr_on);
	KUNIT_EXPECT_EQ(test, cc.cwnd, (u32)MSS);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery(&cc, 10 * MSS, nxt));
	KUNIT_EXPECT_FALSE(test, cc.prr_on);
}

static struct kunit_case xtcp_prr_test_cases[] = {
	KUNIT_CASE(xtcp_prr_proportional),
	KUNIT_CASE(xtcp_prr_slow_start_bound),
	KUNIT_CASE(xtcp_prr_first_retransmit),
	KUNIT_CASE(xtcp_prr_edges),
	KUNIT_CASE(xtcp_prr_cc_recovery),
	{}
};

static struct kunit_suite xtcp_prr_suite = {
	.name = "xtcp_prr",
	.test_cases = xtcp_prr_test_cases,
};

kunit_test_suites(&xtcp_prr_suite);
