// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for NewReno (cc.c) against RFC 5681 and RFC 6582.  A fixture
 * connection keeps SND.UNA and SND.NXT so that every call gets the flight
 * size and sequence numbers a sender would pass; every expected window is
 * worked out by hand in the comment beside it, with SMSS = 1460 unless
 * said otherwise:
 *
 *   IW = min(10 * SMSS, max(2 * SMSS, 14600))           RFC 6928
 *   slow start: cwnd += N, to ssthresh (Linux; RFC 3465 with no L)
 *   avoidance: +SMSS each time bytes_acked reaches cwnd RFC 5681 3.1
 *   loss: ssthresh = max(FlightSize / 2, 2 * SMSS)      RFC 5681 (4)
 *   3rd dupack: cwnd = ssthresh + 3 * SMSS, recover = highest sent
 *   partial ACK: cwnd -= N, += SMSS if N >= SMSS       RFC 6582 3.2
 *   full ACK: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
 *   timeout: cwnd = 1 SMSS
 *
 * The loss cases run over xtcp_cc_nums[]: sequence numbers that stay
 * small, that cross 2^32 mid-recovery, and with recover at 2^32 - 1.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "cc.h"

#define SMSS		1460
#define INF		XTCP_CC_SSTHRESH_INF

struct xtcp_cc_nums {
	const char	*name;
	u32		iss;
};

static const struct xtcp_cc_nums xtcp_cc_nums[] = {
	{ "plain", 1000 },
	/* 14600 bytes from 0xfffff001 end at 0x2909; partial ACKs cross 0 */
	{ "wrap", 0xfffff000 },
	/* 14600 bytes from ISS + 1 end at 0: recover = 0xffffffff */
	{ "edge", 0u - 14601 },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_cc_nums, xtcp_cc_nums, name);

/* ---- the fixture ------------------------------------------------------- */

struct xtcp_t_conn {
	struct xtcp_cc	cc;
	u32		una;	/* SND.UNA */
	u32		nxt;	/* SND.NXT, the highest sent + 1 */
};

/* A connection just established: SND.UNA = SND.NXT = ISS + 1. */
static void xtcp_t_init(struct xtcp_t_conn *c, u32 mss, u32 iss)
{
	memset(c, 0xa5, sizeof(*c));
	xtcp_cc_init(&c->cc, mss);
	c->una = iss + 1;
	c->nxt = iss + 1;
}

static void xtcp_t_send(struct xtcp_t_conn *c, u32 bytes)
{
	c->nxt += bytes;
}

static u32 xtcp_t_flight(const struct xtcp_t_conn *c)
{
	return c->nxt - c->una;
}

/* An ACK of the next @bytes. */
static enum xtcp_cc_action xtcp_t_ack(struct xtcp_t_conn *c, u32 bytes)
{
	c->una += bytes;
	return xtcp_cc_on_ack(&c->cc, c->una, bytes, xtcp_t_flight(c));
}

static enum xtcp_cc_action xtcp_t_dupack(struct xtcp_t_conn *c)
{
	return xtcp_cc_on_dupack(&c->cc, xtcp_t_flight(c), c->nxt, true);
}

static void xtcp_t_timeout(struct xtcp_t_conn *c)
{
	xtcp_cc_on_timeout(&c->cc, xtcp_t_flight(c), c->nxt);
}

static void xtcp_expect_cc_at(struct kunit *test, int line,
			      const struct xtcp_cc *cc, u32 cwnd, u32 ssthresh,
			      bool in_recovery)
{
	KUNIT_EXPECT_EQ_MSG(test, cc->cwnd, cwnd, "line %d: cwnd", line);
	KUNIT_EXPECT_EQ_MSG(test, xtcp_cc_window(cc), cwnd, "line %d: window", line);
	KUNIT_EXPECT_EQ_MSG(test, cc->ssthresh, ssthresh, "line %d: ssthresh", line);
	KUNIT_EXPECT_EQ_MSG(test, cc->in_recovery, in_recovery,
			    "line %d: in_recovery", line);
}

#define xtcp_expect_cc(test, cc, cwnd, ssthresh, in_recovery) \
	xtcp_expect_cc_at(test, __LINE__, cc, cwnd, ssthresh, in_recovery)

/* @n duplicate ACKs, each of which must return @want. */
static void xtcp_expect_dupacks_at(struct kunit *test, int line,
				   struct xtcp_t_conn *c, int n,
				   enum xtcp_cc_action want)
{
	int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_t_dupack(c), want,
				    "line %d: duplicate ACK %d of %d", line, i + 1, n);
}

#define xtcp_expect_dupacks(test, c, n, want) \
	xtcp_expect_dupacks_at(test, __LINE__, c, n, want)

/* Three duplicate ACKs that must start fast retransmit on the third. */
static void xtcp_expect_fast_retransmit_at(struct kunit *test, int line,
					   struct xtcp_t_conn *c)
{
	xtcp_expect_dupacks_at(test, line, c, 2, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ_MSG(test, xtcp_t_dupack(c), XTCP_CC_FAST_RETRANSMIT,
			    "line %d: third duplicate ACK", line);
}

#define xtcp_expect_fast_retransmit(test, c) \
	xtcp_expect_fast_retransmit_at(test, __LINE__, c)

/* ---- initial window (RFC 6928) ----------------------------------------- */

struct xtcp_cc_iw_case {
	const char	*name;
	u32		mss, iw;
};

static const struct xtcp_cc_iw_case xtcp_cc_iw_cases[] = {
	{ "536", 536, 5360 },		/* 10 * 536 < 14600 */
	{ "1095", 1095, 10950 },	/* 10 * 1095 < 14600 */
	{ "1460", 1460, 14600 },	/* 10 * 1460 = 14600 */
	{ "1461", 1461, 14600 },	/* 14610 > 14600 = max(2922, 14600) */
	{ "4380", 4380, 14600 },	/* max(8760, 14600) */
	{ "7300", 7300, 14600 },	/* 2 * 7300 = 14600 */
	{ "7301", 7301, 14602 },	/* 2 * 7301 > 14600 */
	{ "9000", 9000, 18000 },	/* 2 * 9000 */
	{ "65535", 65535, 131070 },	/* 2 * 65535 */
};

KUNIT_ARRAY_PARAM_DESC(xtcp_cc_iw_cases, xtcp_cc_iw_cases, name);

static void xtcp_cc_initial_window(struct kunit *test)
{
	const struct xtcp_cc_iw_case *c = test->param_value;
	struct xtcp_cc cc;

	memset(&cc, 0xa5, sizeof(cc));
	xtcp_cc_init(&cc, c->mss);
	xtcp_expect_cc(test, &cc, c->iw, INF, false);
	KUNIT_EXPECT_EQ(test, cc.mss, c->mss);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, cc.bytes_acked, 0);
	KUNIT_EXPECT_FALSE(test, cc.recover_pending);
	KUNIT_EXPECT_FALSE(test, cc.after_rto);
}

/* ---- slow start and congestion avoidance (RFC 5681 3.1) ---------------- */

static void xtcp_cc_slow_start(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 30000);
	/* 14600 + 1460 */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 1460), XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 16060, INF, false);
	/* a delayed ACK of two segments adds both */
	xtcp_t_ack(&c, 2920);
	xtcp_expect_cc(test, &c.cc, 18980, INF, false);
	/* less than SMSS adds what it acknowledged */
	xtcp_t_ack(&c, 500);
	xtcp_expect_cc(test, &c.cc, 19480, INF, false);
	/* a stretch ACK of ten segments (a GSO super-segment's): all ten */
	xtcp_t_send(&c, 14600);
	xtcp_t_ack(&c, 14600);
	xtcp_expect_cc(test, &c.cc, 34080, INF, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);

	/* SMSS 536: IW 5360, + 1072 */
	xtcp_t_init(&c, 536, 1000);
	xtcp_t_send(&c, 5360);
	xtcp_t_ack(&c, 1072);
	xtcp_expect_cc(test, &c.cc, 6432, INF, false);

	/* a stretch ACK stops at ssthresh: 14600 + min(14600, 2000) */
	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 30000);
	c.cc.ssthresh = 16600;
	xtcp_t_ack(&c, 14600);
	xtcp_expect_cc(test, &c.cc, 16600, 16600, false);
	/* ...or goes one SMSS past cwnd when ssthresh is closer */
	c.cc.cwnd = 16000;
	xtcp_t_ack(&c, 14600);
	xtcp_expect_cc(test, &c.cc, 17460, 16600, false);
}

/*
 * After a timeout at 29200 in flight: ssthresh 14600, cwnd 1460.  Nine
 * ACKs of 1460 bring cwnd to 14600 = ssthresh; from there congestion
 * avoidance adds 1460 once 14600 bytes (ten ACKs) have been acknowledged,
 * then once 16060 (eleven ACKs).
 */
static void xtcp_cc_slow_start_to_avoidance(struct kunit *test)
{
	struct xtcp_t_conn c;
	int i;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 29200);
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 14600, false);
	xtcp_t_send(&c, 100000);
	for (i = 1; i <= 9; i++) {
		xtcp_t_ack(&c, 1460);
		KUNIT_EXPECT_EQ_MSG(test, c.cc.cwnd, 1460 + i * 1460, "slow start ACK %d", i);
	}
	xtcp_expect_cc(test, &c.cc, 14600, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);
	/* cwnd == ssthresh: congestion avoidance */
	for (i = 1; i <= 9; i++) {
		xtcp_t_ack(&c, 1460);
		KUNIT_EXPECT_EQ_MSG(test, c.cc.cwnd, 14600, "avoidance ACK %d", i);
		KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, i * 1460);
	}
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 16060, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);
	for (i = 1; i <= 10; i++)
		xtcp_t_ack(&c, 1460);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 16060);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 14600);
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 17520, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);
}

/* RFC 5681 does not cut the last slow start step at ssthresh. */
static void xtcp_cc_slow_start_overshoot(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 30000);
	c.cc.cwnd = 14000;
	c.cc.ssthresh = 14600;
	/* 14000 < 14600: slow start, 14000 + 1460 = 15460 */
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 15460, 14600, false);
	/* 15460 > 14600: avoidance, the bytes are counted */
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 15460, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 1460);
}

/* One SMSS per ACK at most; the rest of a stretch ACK's count is kept. */
static void xtcp_cc_avoidance_stretch(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 100000);
	c.cc.ssthresh = 14600;
	/* 20000 >= 14600: cwnd 16060, 20000 - 14600 = 5400 kept */
	xtcp_t_ack(&c, 20000);
	xtcp_expect_cc(test, &c.cc, 16060, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 5400);
	/* 5400 + 10659 = 16059 < 16060 */
	xtcp_t_ack(&c, 10659);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 16060);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 16059);
	/* 16060: cwnd 17520, count 0 */
	xtcp_t_ack(&c, 1);
	xtcp_expect_cc(test, &c.cc, 17520, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);
}

/* ---- fast retransmit and fast recovery --------------------------------- */

/*
 * The avoidance count starts again when fast retransmit cuts the window:
 * 25000 in flight gives ssthresh 12500, cwnd 12500 + 4380 = 16880.  The
 * full ACK, 14600 sent meanwhile, leaves min(12500, 14600 + 1460) = 12500
 * = ssthresh, so the next ACK is counted from 0.
 */
static void xtcp_cc_avoidance_count_reset(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 30000);
	c.cc.ssthresh = 14600;
	xtcp_t_ack(&c, 5000);
	xtcp_expect_cc(test, &c.cc, 14600, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 5000);
	xtcp_expect_fast_retransmit(test, &c);
	xtcp_expect_cc(test, &c.cc, 16880, 12500, true);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);
	xtcp_t_send(&c, 14600);
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 25000), XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 12500, 12500, false);
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 12500, 12500, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 1460);
}

/*
 * Ten segments out, the first lost: 14600 in flight, so on the third
 * duplicate ACK ssthresh = max(7300, 2920) = 7300, cwnd = 7300 + 4380 =
 * 11680, recover = SND.NXT - 1; each later one inflates cwnd by 1460.
 */
static void xtcp_cc_fast_retransmit(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;
	int i;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 14600, INF, false);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, 2);
	KUNIT_EXPECT_EQ(test, xtcp_t_dupack(&c), XTCP_CC_FAST_RETRANSMIT);
	xtcp_expect_cc(test, &c.cc, 11680, 7300, true);
	KUNIT_EXPECT_EQ(test, c.cc.recover, c.nxt - 1);
	KUNIT_EXPECT_EQ(test, c.cc.recover, p->iss + 14600);
	for (i = 1; i <= 7; i++) {
		/* never a second fast retransmit within the episode */
		KUNIT_EXPECT_EQ(test, xtcp_t_dupack(&c), XTCP_CC_NONE);
		KUNIT_EXPECT_EQ(test, c.cc.cwnd, 11680 + i * 1460);
	}
	xtcp_expect_cc(test, &c.cc, 21900, 7300, true);
	KUNIT_EXPECT_EQ(test, c.cc.recover, p->iss + 14600);
}

/*
 * With RACK deciding losses (@dupthresh false) no number of duplicate
 * ACKs starts recovery: cwnd and ssthresh stay, the count still allows
 * limited transmit; in a recovery RACK started, each still inflates cwnd.
 */
static void xtcp_cc_dupacks_without_dupthresh(struct kunit *test)
{
	struct xtcp_t_conn c;
	int i;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	for (i = 1; i <= 10; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_on_dupack(&c.cc, xtcp_t_flight(&c),
							c.nxt, false),
				XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 14600, INF, false);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, 10);
	c.cc.dupacks = 1;
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), 14600 + 1460);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery(&c.cc, xtcp_t_flight(&c),
						       c.nxt));
	xtcp_expect_cc(test, &c.cc, 11680, 7300, true);
	KUNIT_EXPECT_EQ(test, xtcp_cc_on_dupack(&c.cc, xtcp_t_flight(&c), c.nxt,
						false), XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 11680 + 1460, 7300, true);
}

/* ssthresh = max(FlightSize / 2, 2 * SMSS), cwnd = ssthresh + 3 * SMSS */
static void xtcp_cc_fast_retransmit_ssthresh(struct kunit *test)
{
	static const struct {
		u32	flight, ssthresh, cwnd;
	} cases[] = {
		{ 2000, 2920, 7300 },		/* 1000 < 2 * SMSS */
		{ 5840, 2920, 7300 },		/* 2920 = 2 * SMSS */
		{ 14601, 7300, 11680 },		/* 7300.5, rounded down */
		{ 100000, 50000, 54380 },	/* FlightSize, not cwnd */
	};
	struct xtcp_t_conn c;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		xtcp_t_init(&c, SMSS, 1000);
		xtcp_t_send(&c, cases[i].flight);
		xtcp_expect_fast_retransmit(test, &c);
		KUNIT_EXPECT_EQ_MSG(test, c.cc.ssthresh, cases[i].ssthresh,
				    "flight %u", cases[i].flight);
		KUNIT_EXPECT_EQ_MSG(test, c.cc.cwnd, cases[i].cwnd,
				    "flight %u", cases[i].flight);
	}
}

/* An ACK of new data restarts the count of duplicates. */
static void xtcp_cc_dupacks_reset(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	/* slow start: 14600 + 1460 */
	xtcp_t_ack(&c, 1460);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, 16060);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 16060, INF, false);
	/* third in a row: 13140 in flight, ssthresh 6570, cwnd 10950 */
	KUNIT_EXPECT_EQ(test, xtcp_t_dupack(&c), XTCP_CC_FAST_RETRANSMIT);
	xtcp_expect_cc(test, &c.cc, 10950, 6570, true);
}

/*
 * Partial ACKs (RFC 6582 3.2 step 3) after a fast retransmit with five
 * duplicate ACKs (cwnd 11680 + 2 * 1460 = 14600, ssthresh 7300), then the
 * full ACK, with 2920 bytes of new data sent meanwhile.
 */
static void xtcp_cc_partial_ack(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;
	u32 recover;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	xtcp_expect_fast_retransmit(test, &c);
	recover = c.cc.recover;
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 14600, 7300, true);

	/* 2920 acknowledged: 14600 - 2920 + 1460 = 13140 */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 2920), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 13140, 7300, true);
	/* duplicates still inflate: 14600 */
	KUNIT_EXPECT_EQ(test, xtcp_t_dupack(&c), XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 14600, 7300, true);
	/* 1000 < SMSS: no SMSS added back, 13600 */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 1000), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 13600, 7300, true);
	/* exactly SMSS: 13600 - 1460 + 1460 (crosses 0 in "wrap") */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 1460), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 13600, 7300, true);
	/* up to recover, one byte short, is partial: 13600 - 9219 + 1460 */
	xtcp_t_send(&c, 2920);
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 9219), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 5841, 7300, true);
	KUNIT_EXPECT_EQ(test, c.una, recover);
	KUNIT_EXPECT_EQ(test, c.cc.recover, recover);

	/*
	 * The last byte up to recover: a full ACK.  2920 in flight:
	 * min(7300, max(2920, 1460) + 1460) = 4380.
	 */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 1), XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 4380, 7300, false);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, 0);
	/* 4380 < 7300: slow start again */
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 5840, 7300, false);
}

/* The full ACK's window, option (1), for three flight sizes. */
static void xtcp_cc_full_ack(struct kunit *test)
{
	static const struct {
		u32	sent, cwnd;		/* new data sent in recovery */
	} cases[] = {
		{ 0, 2920 },		/* min(7300, max(0, 1460) + 1460) */
		{ 2920, 4380 },		/* min(7300, 2920 + 1460) */
		{ 8760, 7300 },		/* min(7300, 8760 + 1460) */
	};
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		xtcp_t_init(&c, SMSS, p->iss);
		xtcp_t_send(&c, 14600);
		xtcp_expect_fast_retransmit(test, &c);
		xtcp_expect_dupacks(test, &c, 6, XTCP_CC_NONE);
		xtcp_t_send(&c, cases[i].sent);
		KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 14600), XTCP_CC_NONE);
		KUNIT_EXPECT_EQ_MSG(test, c.cc.cwnd, cases[i].cwnd, "sent %u", cases[i].sent);
		KUNIT_EXPECT_FALSE(test, c.cc.in_recovery);
		KUNIT_EXPECT_EQ(test, c.cc.ssthresh, 7300);
	}
	/* the last left cwnd = ssthresh: avoidance counts the next ACK */
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 7300, 7300, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 1460);
}

/* Partial ACKs of less than SMSS never take cwnd below one segment. */
static void xtcp_cc_partial_ack_floor(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	xtcp_expect_fast_retransmit(test, &c);
	/* a window already deflated to 1500: 1500 - 1000 -> 1460 */
	c.cc.cwnd = 1500;
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 1000), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 1460, 7300, true);
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 1459), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 1460, 7300, true);
	/* 3000 >= cwnd: 0, plus SMSS for a whole segment */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 3000), XTCP_CC_PARTIAL_ACK);
	xtcp_expect_cc(test, &c.cc, 1460, 7300, true);
}

/* ---- timeouts (RFC 5681 3.1, RFC 6582 3.2 step 4) ---------------------- */

/* From slow start: 14600 in flight, ssthresh 7300, cwnd 1460. */
static void xtcp_cc_timeout_slow_start(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 7300, false);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, c.cc.recover, p->iss + 14600);
	KUNIT_EXPECT_TRUE(test, c.cc.recover_pending);
	/* slow start from one segment: 2920 */
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 2920, 7300, false);
}

/* From congestion avoidance: the count is dropped with the window. */
static void xtcp_cc_timeout_avoidance(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 29200);
	c.cc.cwnd = 29200;
	c.cc.ssthresh = 14600;
	c.cc.bytes_acked = 5000;
	/* max(29200 / 2, 2920) = 14600 */
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 14600, false);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);

	/* with 3000 in flight: max(1500, 2920) */
	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 3000);
	c.cc.cwnd = 29200;
	c.cc.ssthresh = 14600;
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 2920, false);
}

/*
 * During fast recovery, with 2920 bytes of new data sent in it: 17520 in
 * flight, ssthresh 8760 from FlightSize (not the 7300 of the recovery),
 * cwnd 1460, recovery over, recover moved to the new highest sequence.
 */
static void xtcp_cc_timeout_in_recovery(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	xtcp_expect_fast_retransmit(test, &c);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	xtcp_t_send(&c, 2920);
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 8760, false);
	KUNIT_EXPECT_EQ(test, c.cc.recover, p->iss + 17520);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, 0);
	/* no inflation and no fast retransmit from the old duplicates */
	xtcp_expect_dupacks(test, &c, 4, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 1460, 8760, false);
}

/*
 * RFC 5681 3.1: when the segment has already been retransmitted by the
 * timer, ssthresh is held.  With 1460 in flight (4) would give 2920.
 */
static void xtcp_cc_timeout_repeated(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 7300, false);
	KUNIT_EXPECT_TRUE(test, c.cc.after_rto);
	xtcp_cc_on_timeout(&c.cc, 1460, c.nxt);
	xtcp_expect_cc(test, &c.cc, 1460, 7300, false);
	/* new data acknowledged: the next expiry is a new loss, 13140 / 2 */
	xtcp_t_ack(&c, 1460);
	KUNIT_EXPECT_FALSE(test, c.cc.after_rto);
	xtcp_t_timeout(&c);
	xtcp_expect_cc(test, &c.cc, 1460, 6570, false);
}

/* ---- the recover rule (RFC 6582 3.2 step 2) ---------------------------- */

/*
 * After a timeout, duplicate ACKs whose cumulative ACK does not go beyond
 * recover (ack - 1 > recover) are the echoes of the go-back-N
 * retransmissions, not a new loss: no fast retransmit, ssthresh kept; even
 * at ack = recover + 1 exactly.  One byte beyond, the next three do.
 */
static void xtcp_cc_recover_after_timeout(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;
	u32 recover;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	xtcp_t_timeout(&c);
	recover = c.cc.recover;
	xtcp_t_ack(&c, 2920);
	xtcp_expect_cc(test, &c.cc, 4380, 7300, false);
	xtcp_expect_dupacks(test, &c, 3, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 4380, 7300, false);

	/* up to recover + 1: everything sent before the timeout; slow start
	 * stops at ssthresh
	 */
	xtcp_t_ack(&c, 11680);
	KUNIT_EXPECT_EQ(test, c.una, recover + 1);
	xtcp_expect_cc(test, &c.cc, 7300, 7300, false);
	KUNIT_EXPECT_TRUE(test, c.cc.recover_pending);
	xtcp_t_send(&c, 5840);
	xtcp_expect_dupacks(test, &c, 3, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 7300, 7300, false);

	/* beyond recover: congestion avoidance counts 1460 */
	xtcp_t_ack(&c, 1460);
	KUNIT_EXPECT_FALSE(test, c.cc.recover_pending);
	xtcp_expect_cc(test, &c.cc, 7300, 7300, false);
	/* 4380 in flight: ssthresh max(2190, 2920), cwnd 2920 + 4380 */
	xtcp_expect_fast_retransmit(test, &c);
	xtcp_expect_cc(test, &c.cc, 7300, 2920, true);
	KUNIT_EXPECT_EQ(test, c.cc.recover, c.nxt - 1);
}

/*
 * A full ACK that stops at recover + 1 ends recovery but not the episode:
 * duplicates of it do not start a second fast retransmit (ssthresh would
 * be cut twice for one loss).  Past it, they do.
 */
static void xtcp_cc_recover_same_episode(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	xtcp_expect_fast_retransmit(test, &c);
	xtcp_t_send(&c, 2920);
	/* full ACK: min(7300, 2920 + 1460) */
	KUNIT_EXPECT_EQ(test, xtcp_t_ack(&c, 14600), XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 4380, 7300, false);
	xtcp_expect_dupacks(test, &c, 3, XTCP_CC_NONE);
	xtcp_expect_cc(test, &c.cc, 4380, 7300, false);

	/* 4380 + 1460; then 1460 + 2920 in flight */
	xtcp_t_ack(&c, 1460);
	xtcp_expect_cc(test, &c.cc, 5840, 7300, false);
	xtcp_t_send(&c, 2920);
	xtcp_expect_fast_retransmit(test, &c);
	/* max(4380 / 2, 2920) = 2920, + 4380 */
	xtcp_expect_cc(test, &c.cc, 7300, 2920, true);
	KUNIT_EXPECT_EQ(test, c.cc.recover, p->iss + 14600 + 2920 + 2920);
}

/*
 * The first data segment lost: duplicate ACKs for ISS + 1.  RFC 6582 step
 * 1's recover = ISS, with the "ack - 1 > recover" test, would refuse this;
 * with no loss episode yet, XTCP fast retransmits.
 */
static void xtcp_cc_recover_first_segment(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 14600);
	KUNIT_EXPECT_EQ(test, c.una, p->iss + 1);
	xtcp_expect_fast_retransmit(test, &c);
	xtcp_expect_cc(test, &c.cc, 11680, 7300, true);
}

/* ---- limits ----------------------------------------------------------- */

static void xtcp_cc_saturation(struct kunit *test)
{
	struct xtcp_t_conn c;

	/* slow start */
	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	c.cc.cwnd = U32_MAX - 100;
	xtcp_t_ack(&c, 1460);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, U32_MAX);

	/* avoidance: the count saturates too, then one SMSS (saturating) */
	c.cc.ssthresh = 14600;
	c.cc.bytes_acked = U32_MAX - 10;
	xtcp_t_ack(&c, 1460);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, U32_MAX);
	KUNIT_EXPECT_EQ(test, c.cc.bytes_acked, 0);

	/* inflation, and the duplicate counter stops at 255 */
	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	xtcp_expect_fast_retransmit(test, &c);
	xtcp_expect_dupacks(test, &c, 297, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, c.cc.dupacks, U8_MAX);
	/* 11680 + 297 * 1460 */
	xtcp_expect_cc(test, &c.cc, 445300, 7300, true);
	c.cc.cwnd = U32_MAX - 100;
	xtcp_t_dupack(&c);
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, U32_MAX);
}

/* An "ACK" of nothing is not one: no field changes. */
static void xtcp_cc_ack_nothing(struct kunit *test)
{
	struct xtcp_t_conn c;
	struct xtcp_cc before;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	memcpy(&before, &c.cc, sizeof(before));
	KUNIT_EXPECT_EQ(test, xtcp_cc_on_ack(&c.cc, c.una, 0, 14600), XTCP_CC_NONE);
	KUNIT_EXPECT_MEMEQ(test, &c.cc, &before, sizeof(before));
}

/*
 * RFC 3042: the first two duplicate ACKs in a row let one more SMSS each
 * out, cwnd unchanged; not the third, not in fast recovery, not after a
 * timeout before new data is acknowledged; an ACK of new data ends it.
 */
static void xtcp_cc_limited_transmit(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	xtcp_t_send(&c, 14600);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), 14600);
	xtcp_expect_dupacks(test, &c, 1, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), 14600 + SMSS);
	xtcp_expect_dupacks(test, &c, 1, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), 14600 + 2 * SMSS);
	xtcp_expect_cc(test, &c.cc, 14600, INF, false);
	KUNIT_EXPECT_EQ(test, xtcp_t_dupack(&c), XTCP_CC_FAST_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), c.cc.cwnd);
	/* a full ACK ends recovery; duplicates after it count again */
	xtcp_t_ack(&c, 14600);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), c.cc.cwnd);
	xtcp_t_send(&c, 4 * SMSS);
	xtcp_expect_dupacks(test, &c, 1, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), c.cc.cwnd + SMSS);
	/* after a timeout, none until new data is acknowledged */
	xtcp_t_timeout(&c);
	xtcp_expect_dupacks(test, &c, 2, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), SMSS);
	xtcp_t_ack(&c, SMSS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), c.cc.cwnd);
	xtcp_expect_dupacks(test, &c, 1, XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&c.cc), c.cc.cwnd + SMSS);
}

/* ---- undo (RFC 2883 §5, Linux's tcp_try_undo_dsack()) ------------------ */

/*
 * Slow start to cwnd 12 SMSS with 10 in flight, then a recovery (PRR's
 * entry: cwnd kept, ssthresh 5 SMSS) that resends @resent segments.
 */
static void xtcp_t_undo_setup(struct xtcp_t_conn *c, u32 iss, u32 resent)
{
	xtcp_t_init(c, SMSS, iss);
	xtcp_t_send(c, 12 * SMSS);
	xtcp_t_ack(c, 2 * SMSS);
	xtcp_cc_enter_recovery_prr(&c->cc, xtcp_t_flight(c), c->nxt);
	while (resent--)
		xtcp_cc_retransmitted(&c->cc, 1);
}

static void xtcp_cc_dsack_undo(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;
	u32 m;

	xtcp_t_undo_setup(&c, p->iss, 2);
	m = c.una;	/* where the recovery began */
	xtcp_expect_cc(test, &c.cc, 12 * SMSS, 5 * SMSS, true);
	/* a D-SACK at or below where it began: not its retransmission */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, m, 1));
	/* one of two shown needless: nothing yet */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, m + SMSS, 1));
	xtcp_expect_cc(test, &c.cc, 12 * SMSS, 5 * SMSS, true);
	/* both: cwnd and ssthresh back (ssthresh was INF), recovery over */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&c.cc, m + 2 * SMSS, 1));
	xtcp_expect_cc(test, &c.cc, 12 * SMSS, INF, false);
	KUNIT_EXPECT_FALSE(test, c.cc.prr_on);
	/* once */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, m + 3 * SMSS, 1));

	/* one D-SACK block for two segments undoes as two */
	xtcp_t_undo_setup(&c, p->iss, 2);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&c.cc, c.una + 2 * SMSS, 2));

	/* after the full ACK (cwnd = ssthresh) a late D-SACK still undoes */
	xtcp_t_undo_setup(&c, p->iss, 1);
	m = c.una;
	xtcp_t_ack(&c, xtcp_t_flight(&c));
	xtcp_expect_cc(test, &c.cc, 5 * SMSS, 5 * SMSS, false);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&c.cc, m + SMSS, 1));
	xtcp_expect_cc(test, &c.cc, 12 * SMSS, INF, false);
}

/* What may not be undone. */
static void xtcp_cc_dsack_no_undo(struct kunit *test)
{
	const struct xtcp_cc_nums *p = test->param_value;
	struct xtcp_t_conn c;

	/* nothing was resent (as Linux's undo_retrans -1): no undo */
	xtcp_t_undo_setup(&c, p->iss, 0);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, c.una + SMSS, 1));
	xtcp_expect_cc(test, &c.cc, 12 * SMSS, 5 * SMSS, true);
	/* a timeout's cut stays */
	xtcp_t_undo_setup(&c, p->iss, 1);
	xtcp_t_timeout(&c);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, c.una + SMSS, 1));
	KUNIT_EXPECT_EQ(test, c.cc.cwnd, SMSS);
	/* as does a tail loss probe's */
	xtcp_t_undo_setup(&c, p->iss, 1);
	xtcp_t_ack(&c, xtcp_t_flight(&c));
	xtcp_cc_on_probe_recovery(&c.cc, 4 * SMSS);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, c.una, 1));
	xtcp_expect_cc(test, &c.cc, 2 * SMSS, 2 * SMSS, false);
	/* the count saturates: one D-SACK cannot cancel S32_MAX */
	xtcp_t_undo_setup(&c, p->iss, 1);
	xtcp_cc_retransmitted(&c.cc, U32_MAX);
	KUNIT_EXPECT_EQ(test, c.cc.undo_retrans, S32_MAX);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, c.una + SMSS, 1));
	/* with no recovery yet, nothing to undo */
	xtcp_t_init(&c, SMSS, p->iss);
	xtcp_t_send(&c, 4 * SMSS);
	xtcp_cc_retransmitted(&c.cc, 1);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&c.cc, c.una + SMSS, 1));
}

/* A finite ssthresh comes back as max(ssthresh, 3/4 cwnd) at entry. */
static void xtcp_cc_dsack_undo_ssthresh(struct kunit *test)
{
	struct xtcp_t_conn c;

	xtcp_t_init(&c, SMSS, 1000);
	c.cc.ssthresh = 4 * SMSS;
	c.cc.cwnd = 8 * SMSS;
	xtcp_t_send(&c, 8 * SMSS);
	xtcp_cc_enter_recovery_prr(&c.cc, xtcp_t_flight(&c), c.nxt);
	xtcp_expect_cc(test, &c.cc, 8 * SMSS, 4 * SMSS, true);
	xtcp_cc_retransmitted(&c.cc, 1);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&c.cc, c.una + SMSS, 1));
	xtcp_expect_cc(test, &c.cc, 8 * SMSS, 6 * SMSS, false);
}

static struct kunit_case xtcp_cc_test_cases[] = {
	KUNIT_CASE_PARAM(xtcp_cc_initial_window, xtcp_cc_iw_cases_gen_params),
	KUNIT_CASE(xtcp_cc_slow_start),
	KUNIT_CASE(xtcp_cc_slow_start_to_avoidance),
	KUNIT_CASE(xtcp_cc_slow_start_overshoot),
	KUNIT_CASE(xtcp_cc_avoidance_stretch),
	KUNIT_CASE_PARAM(xtcp_cc_fast_retransmit, xtcp_cc_nums_gen_params),
	KUNIT_CASE(xtcp_cc_fast_retransmit_ssthresh),
	KUNIT_CASE(xtcp_cc_dupacks_without_dupthresh),
	KUNIT_CASE(xtcp_cc_dupacks_reset),
	KUNIT_CASE(xtcp_cc_avoidance_count_reset),
	KUNIT_CASE_PARAM(xtcp_cc_partial_ack, xtcp_cc_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_cc_full_ack, xtcp_cc_nums_gen_params),
	KUNIT_CASE(xtcp_cc_partial_ack_floor),
	KUNIT_CASE_PARAM(xtcp_cc_timeout_slow_start, xtcp_cc_nums_gen_params),
	KUNIT_CASE(xtcp_cc_timeout_avoidance),
	KUNIT_CASE_PARAM(xtcp_cc_timeout_in_recovery, xtcp_cc_nums_gen_params),
	KUNIT_CASE(xtcp_cc_timeout_repeated),
	KUNIT_CASE_PARAM(xtcp_cc_recover_after_timeout, xtcp_cc_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_cc_recover_same_episode, xtcp_cc_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_cc_recover_first_segment, xtcp_cc_nums_gen_params),
	KUNIT_CASE(xtcp_cc_saturation),
	KUNIT_CASE(xtcp_cc_ack_nothing),
	KUNIT_CASE(xtcp_cc_limited_transmit),
	KUNIT_CASE_PARAM(xtcp_cc_dsack_undo, xtcp_cc_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_cc_dsack_no_undo, xtcp_cc_nums_gen_params),
	KUNIT_CASE(xtcp_cc_dsack_undo_ssthresh),
	{}
};

static struct kunit_suite xtcp_cc_suite = {
	.name = "xtcp_cc",
	.test_cases = xtcp_cc_test_cases,
};

kunit_test_suites(&xtcp_cc_suite);
