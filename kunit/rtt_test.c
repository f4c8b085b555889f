// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the retransmission timeout (rtt.c) against RFC 6298.
 * Every expected value is worked out by hand from the RFC's formulas in the
 * comment beside it, in exact arithmetic, then rounded to the nearest µs
 * (halves up) as rtt.h documents:
 *
 *   first sample R:  SRTT = R, RTTVAR = R/2                        (2.2)
 *   later R':        RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|  (old SRTT)
 *                    SRTT = 7/8 SRTT + 1/8 R'                       (2.3)
 *   RTO = clamp(SRTT + max(G, 4 RTTVAR), rto_min, rto_max), G = 1 ms
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "rtt.h"

#define T_MS		1000U		/* in µs */
#define T_S		1000000U
/* The sysctls' defaults */
#define T_RTO_MIN	(200 * T_MS)
#define T_RTO_MAX	(120 * T_S)
#define T_RTO_INIT	T_S

static void xtcp_expect_rtt_at(struct kunit *test, int line,
			       const struct xtcp_rtt *r, u32 srtt, u32 rttvar,
			       u32 rto)
{
	KUNIT_EXPECT_EQ_MSG(test, r->srtt_us, srtt, "line %d: SRTT", line);
	KUNIT_EXPECT_EQ_MSG(test, r->rttvar_us, rttvar, "line %d: RTTVAR", line);
	KUNIT_EXPECT_EQ_MSG(test, r->rto_us, rto, "line %d: RTO", line);
}

#define xtcp_expect_rtt(test, r, srtt, rttvar, rto) \
	xtcp_expect_rtt_at(test, __LINE__, r, srtt, rttvar, rto)

/* xtcp_rtt_on_ack() with the default sysctls */
static bool xtcp_t_ack(struct xtcp_rtt *r, u32 ack, u64 now_us)
{
	return xtcp_rtt_on_ack(r, ack, now_us, T_RTO_MIN, T_RTO_MAX);
}

/* ---- (2.1) ------------------------------------------------------------- */

static void xtcp_rtt_initial(struct kunit *test)
{
	struct xtcp_rtt r;

	memset(&r, 0xa5, sizeof(r));
	xtcp_rtt_init(&r, T_RTO_INIT);
	/* no sample: SRTT 0, RTO = rto_init (1 s), nothing timed */
	xtcp_expect_rtt(test, &r, 0, 0, T_RTO_INIT);
	KUNIT_EXPECT_EQ(test, r.backoff, 0);
	KUNIT_EXPECT_FALSE(test, r.timing);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), T_RTO_INIT);
	/* an rto_init above rto_max is armed as rto_max */
	xtcp_rtt_init(&r, 3 * T_S);
	KUNIT_EXPECT_EQ(test, r.rto_us, 3 * T_S);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, 2 * T_S), 2 * T_S);
}

/* ---- (2.2) to (2.5): sample sequences ---------------------------------- */

#define XTCP_RTT_MAX_STEPS	3

struct xtcp_rtt_step {
	u32	rtt;			/* the sample R, µs */
	u32	srtt, rttvar, rto;	/* after it */
};

struct xtcp_rtt_seq {
	const char		*name;
	u32			rto_min, rto_max;
	int			n;
	struct xtcp_rtt_step	step[XTCP_RTT_MAX_STEPS];
};

static const struct xtcp_rtt_seq xtcp_rtt_seqs[] = {
	{ "100ms 200ms 50ms", T_RTO_MIN, T_RTO_MAX, 3, {
		/* (2.2): 100000, 50000; RTO = 100000 + 4 * 50000 */
		{ 100 * T_MS,	100000, 50000, 300000 },
		/*
		 * RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 200000| = 62500
		 * (with the new SRTT it would be 59375)
		 * SRTT = 7/8 * 100000 + 1/8 * 200000 = 112500
		 * RTO = 112500 + 4 * 62500 = 362500
		 */
		{ 200 * T_MS,	112500, 62500, 362500 },
		/*
		 * RTTVAR = 3/4 * 62500 + 1/4 * |112500 - 50000| = 62500
		 * SRTT = 7/8 * 112500 + 1/8 * 50000 = 104687.5 -> 104688
		 * RTO = 104687.5 + 250000 = 354687.5 -> 354688
		 */
		{ 50 * T_MS,	104688, 62500, 354688 },
	} },
	{ "rto_min clamp", T_RTO_MIN, T_RTO_MAX, 3, {
		/* 10000 + 4 * 5000 = 30000, raised to rto_min */
		{ 10 * T_MS,	10000, 5000, T_RTO_MIN },
		/*
		 * RTTVAR = 3750 + 1/4 * 10000 = 6250, SRTT = 8750 + 2500 =
		 * 11250; 11250 + 25000 = 36250 -> rto_min
		 */
		{ 20 * T_MS,	11250, 6250, T_RTO_MIN },
		/*
		 * RTTVAR = 3/4 * 6250 + 1/4 * |11250 - 500000| = 4687.5 +
		 * 122187.5 = 126875; SRTT = 7/8 * 11250 + 62500 = 72343.75;
		 * RTO = 72343.75 + 507500 = 579843.75 -> 579844, above the clamp
		 */
		{ 500 * T_MS,	72344, 126875, 579844 },
	} },
	{ "rto_min 1 ms", T_MS, T_RTO_MAX, 3, {
		/* the same samples with the lowest rto_min: no clamp */
		{ 10 * T_MS,	10000, 5000, 30000 },
		{ 20 * T_MS,	11250, 6250, 36250 },
		{ 500 * T_MS,	72344, 126875, 579844 },
	} },
	{ "rto_max clamp", T_RTO_MIN, T_RTO_MAX, 2, {
		/* 60 s + 4 * 30 s = 180 s -> 120 s */
		{ 60 * T_S,	60 * T_S, 30 * T_S, T_RTO_MAX },
		/*
		 * RTTVAR = 22.5 s + 1/4 * 59 s = 37.25 s, SRTT = 52.5 s +
		 * 0.125 s = 52.625 s; RTO = 52.625 + 149 s -> 120 s
		 */
		{ 1 * T_S,	52625000, 37250000, T_RTO_MAX },
	} },
	{ "low rto_max", T_RTO_MIN, 250 * T_MS, 1, {
		{ 100 * T_MS,	100000, 50000, 250 * T_MS },
	} },
	/* crossed sysctls: rto_max wins */
	{ "rto_min > rto_max", 500 * T_MS, 300 * T_MS, 1, {
		{ 10 * T_MS,	10000, 5000, 300 * T_MS },
	} },
	{ "microseconds", T_MS, T_RTO_MAX, 3, {
		/* RTTVAR 1.5 -> 2; RTO = 3 + max(1000, 6) */
		{ 3,		3, 2, 1003 },
		/*
		 * RTTVAR = 1.125 + 1/4 * |3 - 4| = 1.375 -> 1;
		 * SRTT = 21/8 + 4/8 = 3.125 -> 3; RTO = 1003.125 -> 1003
		 */
		{ 4,		3, 1, 1003 },
		/*
		 * RTTVAR = 3/4 * 1.375 + 1/4 * |3.125 - 8| = 1.03125 +
		 * 1.21875 = 2.25 -> 2; SRTT = 7/8 * 3.125 + 1 = 3.734375 -> 4;
		 * RTO = 1003.734375 -> 1004
		 */
		{ 8,		4, 2, 1004 },
	} },
	/* 0 µs is taken as 1 µs: SRTT 1, RTTVAR 0.5 -> 1, RTO 1 + 1000 */
	{ "zero", T_MS, T_RTO_MAX, 2, {
		{ 0,		1, 1, 1001 },
		/* a second 0: RTTVAR = 3/8 + 0 -> 0, SRTT stays 1 (not "none") */
		{ 0,		1, 0, 1001 },
	} },
	/* the largest sample: no overflow anywhere */
	{ "u32 max", T_RTO_MIN, U32_MAX, 1, {
		/* RTTVAR = 2147483647.5 -> 2147483648; RTO far above u32 */
		{ U32_MAX,	U32_MAX, 2147483648U, U32_MAX },
	} },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_rtt_seqs, xtcp_rtt_seqs, name);

static void xtcp_rtt_sequence(struct kunit *test)
{
	const struct xtcp_rtt_seq *c = test->param_value;
	struct xtcp_rtt r;
	int i;

	xtcp_rtt_init(&r, T_RTO_INIT);
	for (i = 0; i < c->n; i++) {
		const struct xtcp_rtt_step *s = &c->step[i];

		xtcp_rtt_sample(&r, s->rtt, c->rto_min, c->rto_max);
		KUNIT_EXPECT_EQ_MSG(test, r.srtt_us, s->srtt, "sample %d: SRTT", i + 1);
		KUNIT_EXPECT_EQ_MSG(test, r.rttvar_us, s->rttvar, "sample %d: RTTVAR", i + 1);
		KUNIT_EXPECT_EQ_MSG(test, r.rto_us, s->rto, "sample %d: RTO", i + 1);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_rtt_timeout_us(&r, c->rto_max), s->rto,
				    "sample %d: timeout", i + 1);
	}
}

/*
 * G: with samples that never vary, RTTVAR decays as 50000 * (3/4)^(n-1)
 * and SRTT stays 100000.  4 * RTTVAR falls below G = 1000 when
 * (3/4)^(n-1) < 1/200: (3/4)^18 = 387420489 / 68719476736 = 0.005637 is
 * not, (3/4)^19 = 0.004228 is.  So, with rto_min at 1 ms:
 *   n = 2:  RTTVAR 37500, RTO 250000
 *   n = 19: RTTVAR = 50000 * 0.005637 = 281.886 -> 282,
 *           RTO = 100000 + 1127.54 -> 101128
 *   n = 20: RTTVAR = 211.414 -> 211, 4 * RTTVAR = 845.7 < G,
 *           RTO = 100000 + 1000 = 101000
 * (µs arithmetic truncating at every step would reach 210 at n = 20.)
 */
static void xtcp_rtt_granularity(struct kunit *test)
{
	struct xtcp_rtt r;
	int n;

	xtcp_rtt_init(&r, T_RTO_INIT);
	for (n = 1; n <= 20; n++) {
		xtcp_rtt_sample(&r, 100 * T_MS, T_MS, T_RTO_MAX);
		KUNIT_EXPECT_EQ_MSG(test, r.srtt_us, 100000, "n = %d", n);
		if (n == 2)
			xtcp_expect_rtt(test, &r, 100000, 37500, 250000);
		if (n == 19)
			xtcp_expect_rtt(test, &r, 100000, 282, 101128);
	}
	xtcp_expect_rtt(test, &r, 100000, 211, 101000);
	/* and it stays at SRTT + G from then on */
	for (n = 21; n <= 60; n++)
		xtcp_rtt_sample(&r, 100 * T_MS, T_MS, T_RTO_MAX);
	xtcp_expect_rtt(test, &r, 100000, 0, 101000);
}

/* ---- Karn's algorithm (section 3) -------------------------------------- */

#define XTCP_T_SEG	1460

/* Where the timed segments start: plainly, across 2^32, ending at 0. */
struct xtcp_rtt_nums {
	const char	*name;
	u32		seq;
};

static const struct xtcp_rtt_nums xtcp_rtt_nums[] = {
	{ "plain", 1000 },
	/* the first segment spans 2^32: 0xfffffc00 + 1460 = 0x1b4 */
	{ "wrap", 0xfffffc00 },
	/* the first segment ends exactly at 2^32: timed_seq 0 */
	{ "edge", 0u - XTCP_T_SEG },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_rtt_nums, xtcp_rtt_nums, name);

static void xtcp_rtt_karn_timing(struct kunit *test)
{
	const struct xtcp_rtt_nums *p = test->param_value;
	u32 a = p->seq + XTCP_T_SEG, b = a + XTCP_T_SEG;
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, T_RTO_INIT);
	/* nothing timed: an ACK takes no sample */
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, a, 5 * T_S));

	xtcp_rtt_on_send(&r, a, 10 * T_S, false);
	KUNIT_EXPECT_TRUE(test, r.timing);
	KUNIT_EXPECT_EQ(test, r.timed_seq, a);
	/* one at a time: the next segment does not replace it */
	xtcp_rtt_on_send(&r, b, 10 * T_S + 10 * T_MS, false);
	KUNIT_EXPECT_EQ(test, r.timed_seq, a);
	KUNIT_EXPECT_EQ(test, r.timed_at_us, 10ULL * T_S);

	/* an ACK short of its end, by one byte or by most of it: no sample */
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, a - 1, 10 * T_S + 50 * T_MS));
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, p->seq + 100, 10 * T_S + 50 * T_MS));
	KUNIT_EXPECT_TRUE(test, r.timing);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 0);

	/* ACK = its end, 100 ms after it was sent: (2.2) with R = 100 ms */
	KUNIT_EXPECT_TRUE(test, xtcp_t_ack(&r, a, 10 * T_S + 100 * T_MS));
	KUNIT_EXPECT_FALSE(test, r.timing);
	xtcp_expect_rtt(test, &r, 100000, 50000, 300000);
	/* b was never timed: its ACK takes nothing */
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, b, 10 * T_S + 200 * T_MS));
	xtcp_expect_rtt(test, &r, 100000, 50000, 300000);

	/* the next new segment is timed; an ACK beyond its end covers it */
	xtcp_rtt_on_send(&r, b + XTCP_T_SEG, 11 * T_S, false);
	KUNIT_EXPECT_TRUE(test, xtcp_t_ack(&r, b + 5 * XTCP_T_SEG,
					   11 * T_S + 200 * T_MS));
	/* (2.3) with R' = 200 ms: as the first sequence's second step */
	xtcp_expect_rtt(test, &r, 112500, 62500, 362500);
}

static void xtcp_rtt_karn_retransmission(struct kunit *test)
{
	const struct xtcp_rtt_nums *p = test->param_value;
	u32 a = p->seq + XTCP_T_SEG, b = a + XTCP_T_SEG;
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, T_RTO_INIT);
	xtcp_rtt_on_send(&r, a, 0, false);
	/* a is retransmitted: whichever copy the ACK answers is unknown */
	xtcp_rtt_on_send(&r, a, 1 * T_S, true);
	KUNIT_EXPECT_FALSE(test, r.timing);
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, a, 1 * T_S + 100 * T_MS));
	xtcp_expect_rtt(test, &r, 0, 0, T_RTO_INIT);

	/* a retransmission never starts a measurement */
	xtcp_rtt_on_send(&r, a, 2 * T_S, true);
	KUNIT_EXPECT_FALSE(test, r.timing);

	/* a later new segment is timed again */
	xtcp_rtt_on_send(&r, b, 3 * T_S, false);
	KUNIT_EXPECT_TRUE(test, r.timing);
	KUNIT_EXPECT_EQ(test, r.timed_seq, b);
	KUNIT_EXPECT_TRUE(test, xtcp_t_ack(&r, b, 3 * T_S + 40 * T_MS));
	/* R = 40 ms: 40000, 20000, 40000 + 80000 -> rto_min */
	xtcp_expect_rtt(test, &r, 40000, 20000, T_RTO_MIN);

	/* retransmitting an earlier segment also spoils the measurement */
	xtcp_rtt_on_send(&r, b + XTCP_T_SEG, 4 * T_S, false);
	xtcp_rtt_on_send(&r, b, 4 * T_S + 300 * T_MS, true);
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, b + XTCP_T_SEG, 4 * T_S + 400 * T_MS));
	xtcp_expect_rtt(test, &r, 40000, 20000, T_RTO_MIN);
}

/*
 * A timeout backs off; the ACK of the retransmission takes no sample, so
 * the backed-off RTO stays (Karn); the first sample from new data ends it.
 */
static void xtcp_rtt_karn_backoff(struct kunit *test)
{
	const struct xtcp_rtt_nums *p = test->param_value;
	u32 a = p->seq + XTCP_T_SEG, b = a + XTCP_T_SEG;
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, T_RTO_INIT);
	xtcp_rtt_on_send(&r, a, 0, false);
	/* the timer expires at 1 s: (5.5) 2 s next, and a goes again */
	xtcp_rtt_backoff(&r);
	xtcp_rtt_on_send(&r, a, 1 * T_S, true);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), 2 * T_S);
	KUNIT_EXPECT_FALSE(test, xtcp_t_ack(&r, a, 1 * T_S + 50 * T_MS));
	KUNIT_EXPECT_EQ(test, r.backoff, 1);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), 2 * T_S);

	/* b, new, is timed and acknowledged 50 ms later */
	xtcp_rtt_on_send(&r, b, 2 * T_S, false);
	KUNIT_EXPECT_TRUE(test, xtcp_t_ack(&r, b, 2 * T_S + 50 * T_MS));
	KUNIT_EXPECT_EQ(test, r.backoff, 0);
	/* 50000 + 4 * 25000 = 150000 -> rto_min */
	xtcp_expect_rtt(test, &r, 50000, 25000, T_RTO_MIN);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), T_RTO_MIN);
}

/* The clock: a sample longer than 2^32 µs, and one that went backwards. */
static void xtcp_rtt_clock_edges(struct kunit *test)
{
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, T_RTO_INIT);
	xtcp_rtt_on_send(&r, 100, 1000, false);
	KUNIT_EXPECT_TRUE(test, xtcp_t_ack(&r, 100, 1000 + (1ULL << 33)));
	/* capped at U32_MAX µs, as the "u32 max" sequence */
	xtcp_expect_rtt(test, &r, U32_MAX, 2147483648U, T_RTO_MAX);

	xtcp_rtt_init(&r, T_RTO_INIT);
	xtcp_rtt_on_send(&r, 100, 5000, false);
	KUNIT_EXPECT_TRUE(test, xtcp_rtt_on_ack(&r, 100, 4000, T_MS, T_RTO_MAX));
	/* taken as 1 µs, as the "zero" sequence */
	xtcp_expect_rtt(test, &r, 1, 1, 1001);
}

/* ---- backoff (5.5) ----------------------------------------------------- */

/* The least sample is kept (XTCP_INFO's min RTT); 0 µs counts as 1. */
static void xtcp_rtt_min(struct kunit *test)
{
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, T_MS);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 0U);
	xtcp_rtt_sample(&r, 5000, T_MS, T_RTO_MAX);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 5000U);
	xtcp_rtt_sample(&r, 7000, T_MS, T_RTO_MAX);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 5000U);
	xtcp_rtt_sample(&r, 3000, T_MS, T_RTO_MAX);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 3000U);
	KUNIT_EXPECT_GE(test, r.srtt_us, r.min_rtt_us);
	xtcp_rtt_sample(&r, 0, T_MS, T_RTO_MAX);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 1U);
	/* a new connection starts without one */
	xtcp_rtt_init(&r, T_MS);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 0U);
}

static void xtcp_rtt_backoff_doubling(struct kunit *test)
{
	/* 1 s doubled: 1, 2, 4, ..., 64 s, then 128 s capped at 120 s */
	static const u32 want[] = {
		1 * T_S, 2 * T_S, 4 * T_S, 8 * T_S, 16 * T_S, 32 * T_S, 64 * T_S,
		T_RTO_MAX, T_RTO_MAX, T_RTO_MAX,
	};
	struct xtcp_rtt r;
	int i;

	xtcp_rtt_init(&r, T_RTO_INIT);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), want[i],
				    "after %d expiries", i);
		KUNIT_EXPECT_EQ(test, r.backoff, i);
		xtcp_rtt_backoff(&r);
	}
	/* rto_us itself is not doubled: the backoff is a shift on top */
	KUNIT_EXPECT_EQ(test, r.rto_us, T_RTO_INIT);
}

static void xtcp_rtt_backoff_bounded(struct kunit *test)
{
	struct xtcp_rtt r;
	int i;

	xtcp_rtt_init(&r, T_RTO_INIT);
	/*
	 * rto_max = U32_MAX: 1 s << 12 = 4096000000 still fits in 32 bits,
	 * << 13 = 8192000000 does not and is clamped (a 32-bit shift would
	 * have wrapped to 3897032704).
	 */
	for (i = 0; i < 12; i++)
		xtcp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, U32_MAX), 4096000000U);
	xtcp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, U32_MAX), U32_MAX);
	/* the count stops at XTCP_RTT_MAX_BACKOFF; the shift never overflows */
	for (i = 0; i < 100; i++)
		xtcp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, r.backoff, XTCP_RTT_MAX_BACKOFF);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, U32_MAX), U32_MAX);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), T_RTO_MAX);

	/* a sample ends the backoff (RFC 6298 after (5.7)) */
	xtcp_rtt_sample(&r, 100 * T_MS, T_RTO_MIN, T_RTO_MAX);
	KUNIT_EXPECT_EQ(test, r.backoff, 0);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), 300 * T_MS);
	/* and backoff doubles the sampled RTO: 300, 600, 1200 ms */
	xtcp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), 600 * T_MS);
	xtcp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, xtcp_rtt_timeout_us(&r, T_RTO_MAX), 1200 * T_MS);
}

static struct kunit_case xtcp_rtt_test_cases[] = {
	KUNIT_CASE(xtcp_rtt_initial),
	KUNIT_CASE_PARAM(xtcp_rtt_sequence, xtcp_rtt_seqs_gen_params),
	KUNIT_CASE(xtcp_rtt_granularity),
	KUNIT_CASE_PARAM(xtcp_rtt_karn_timing, xtcp_rtt_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_rtt_karn_retransmission, xtcp_rtt_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_rtt_karn_backoff, xtcp_rtt_nums_gen_params),
	KUNIT_CASE(xtcp_rtt_clock_edges),
	KUNIT_CASE(xtcp_rtt_min),
	KUNIT_CASE(xtcp_rtt_backoff_doubling),
	KUNIT_CASE(xtcp_rtt_backoff_bounded),
	{}
};

static struct kunit_suite xtcp_rtt_suite = {
	.name = "xtcp_rtt",
	.test_cases = xtcp_rtt_test_cases,
};

kunit_test_suites(&xtcp_rtt_suite);
