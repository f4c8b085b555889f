// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the keepalive arithmetic (keepalive.c,
 * xtcp_keepalive_next()): when probes go out, when the connection is
 * declared dead, and what holds it back.  The expected times are worked out
 * by hand from tcp_keepalive_timer()'s rules: first probe after the idle
 * time, then one every interval, dead at idle + cnt * interval; with a user
 * timeout U, dead at the first expiry at or after U with a probe out.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "keepalive.h"

#define T_S	1000U		/* in ms */

/*
 * Drive the function as the socket does: the peer fell silent at 0, the
 * timer first runs at @first_ms; every probe is counted; nothing answers.
 * Fills @probe_at with the probe times (at most @max) and returns the
 * time of death, or 0 if it did not come within @limit_ms.
 */
static u64 xtcp_ka_run(const struct xtcp_ka_params *p, u64 first_ms,
		       u64 *probe_at, unsigned int max, unsigned int *nprobes,
		       u64 limit_ms)
{
	u64 t = first_ms;
	u32 probes = 0, next;

	*nprobes = 0;
	while (t <= limit_ms) {
		switch (xtcp_keepalive_next(p, t, probes, false, &next)) {
		case XTCP_KA_DEAD:
			return t;
		case XTCP_KA_PROBE:
			if (*nprobes < max)
				probe_at[*nprobes] = t;
			(*nprobes)++;
			probes++;
			break;
		case XTCP_KA_WAIT:
			break;
		}
		if (!next)
			return 0;	/* would spin: a bug the caller reports */
		t += next;
	}
	return 0;
}

/* Before the idle time is up: wait for the rest of it. */
static void xtcp_ka_idle_not_up(struct kunit *test)
{
	struct xtcp_ka_params p = { 1 * T_S, 1 * T_S, 3, 0 };
	u32 next = 0;

	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 0, 0, false, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 400, 0, false, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 600U);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 999, 0, false, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 1U);
	/* at the idle time exactly: the first probe, the next one an interval on */
	p.intvl_ms = 5 * T_S;
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 1 * T_S, 0, false, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, next, 5 * T_S);
}

/* idle 1 s, interval 1 s, 3 probes: probes at 1, 2, 3 s; dead at 4 s. */
static void xtcp_ka_small_values(struct kunit *test)
{
	struct xtcp_ka_params p = { 1 * T_S, 1 * T_S, 3, 0 };
	unsigned int n;
	u64 at[8], dead;

	dead = xtcp_ka_run(&p, p.idle_ms, at, ARRAY_SIZE(at), &n, 100 * T_S);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_EQ(test, at[0], 1ULL * T_S);
	KUNIT_EXPECT_EQ(test, at[1], 2ULL * T_S);
	KUNIT_EXPECT_EQ(test, at[2], 3ULL * T_S);
	KUNIT_EXPECT_EQ(test, dead, 4ULL * T_S);
}

/* Linux's defaults, 7200 s, 75 s, 9: dead at 7200 + 9 * 75 = 7875 s. */
static void xtcp_ka_defaults(struct kunit *test)
{
	struct xtcp_ka_params p = { 7200 * T_S, 75 * T_S, 9, 0 };
	unsigned int n;
	u64 at[16], dead;

	dead = xtcp_ka_run(&p, p.idle_ms, at, ARRAY_SIZE(at), &n, 10000ULL * T_S);
	KUNIT_EXPECT_EQ(test, n, 9U);
	KUNIT_EXPECT_EQ(test, at[0], 7200ULL * T_S);
	KUNIT_EXPECT_EQ(test, at[8], (7200ULL + 8 * 75) * T_S);
	KUNIT_EXPECT_EQ(test, dead, 7875ULL * T_S);
}

/* One probe allowed: probe at idle, dead one interval later. */
static void xtcp_ka_one_probe(struct kunit *test)
{
	struct xtcp_ka_params p = { 10 * T_S, 2 * T_S, 1, 0 };
	unsigned int n;
	u64 at[4], dead;

	dead = xtcp_ka_run(&p, p.idle_ms, at, ARRAY_SIZE(at), &n, 100 * T_S);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, at[0], 10ULL * T_S);
	KUNIT_EXPECT_EQ(test, dead, 12ULL * T_S);
}

/*
 * The timer armed for the idle time at establishment, but the peer spoke
 * at 0.7 s: at 1 s only 0.3 s of silence has passed, so wait 0.7 s more.
 */
static void xtcp_ka_peer_spoke(struct kunit *test)
{
	struct xtcp_ka_params p = { 1 * T_S, 1 * T_S, 3, 0 };
	u32 next = 0;

	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 300, 0, false, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 700U);
	/* an answer after two probes: the count starts over with the silence */
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 0, 0, false, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
}

/*
 * Data outstanding: the retransmission timer watches the peer; keepalive
 * neither probes nor gives up, whatever the silence or the count.
 */
static void xtcp_ka_busy(struct kunit *test)
{
	struct xtcp_ka_params p = { 1 * T_S, 1 * T_S, 3, 0 };
	u32 next = 0;

	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 5 * T_S, 0, true, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 50 * T_S, 3, true, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
	/* and once idle again, the count it had decides */
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 50 * T_S, 3, false, &next),
			XTCP_KA_DEAD);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 50 * T_S, 2, false, &next),
			XTCP_KA_PROBE);
}

/* The count decides exactly: cnt - 1 probes out is alive, cnt is dead. */
static void xtcp_ka_count_edge(struct kunit *test)
{
	struct xtcp_ka_params p = { 1 * T_S, 1 * T_S, 127, 0 };
	u32 next = 0;

	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 200 * T_S, 126, false, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 200 * T_S, 127, false, &next),
			XTCP_KA_DEAD);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 200 * T_S, 128, false, &next),
			XTCP_KA_DEAD);
	/* silences beyond 32 bits of ms change nothing */
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 1ULL << 40, 0, false, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
}

/*
 * A user timeout (RFC 5482) replaces the count: idle 1 s, interval 1 s,
 * cnt 9, U = 2.5 s: probes at 1 s and 2 s, the next look at 2.5 s (not
 * 3 s), dead there, with 2 of the 9 probes spent.
 */
static void xtcp_ka_user_timeout(struct kunit *test)
{
	struct xtcp_ka_params p = { 1 * T_S, 1 * T_S, 9, 2500 };
	unsigned int n;
	u64 at[16], dead;
	u32 next = 0;

	dead = xtcp_ka_run(&p, p.idle_ms, at, ARRAY_SIZE(at), &n, 100 * T_S);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_EQ(test, at[0], 1ULL * T_S);
	KUNIT_EXPECT_EQ(test, at[1], 2ULL * T_S);
	KUNIT_EXPECT_EQ(test, dead, 2500ULL);
	/* past U with no probe out yet: one probe first */
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 3 * T_S, 0, false, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
	/* the count alone no longer kills: 9 probes, U not reached */
	p.user_timeout_ms = 60 * T_S;
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_next(&p, 30 * T_S, 9, false, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, next, 1 * T_S);
	/* U shorter than the idle time: dead one interval after the first probe */
	p.user_timeout_ms = 500;
	dead = xtcp_ka_run(&p, p.idle_ms, at, ARRAY_SIZE(at), &n, 100 * T_S);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, dead, 2ULL * T_S);
}

static struct kunit_case xtcp_keepalive_cases[] = {
	KUNIT_CASE(xtcp_ka_idle_not_up),
	KUNIT_CASE(xtcp_ka_small_values),
	KUNIT_CASE(xtcp_ka_defaults),
	KUNIT_CASE(xtcp_ka_one_probe),
	KUNIT_CASE(xtcp_ka_peer_spoke),
	KUNIT_CASE(xtcp_ka_busy),
	KUNIT_CASE(xtcp_ka_count_edge),
	KUNIT_CASE(xtcp_ka_user_timeout),
	{}
};

static struct kunit_suite xtcp_keepalive_suite = {
	.name = "xtcp_keepalive",
	.test_cases = xtcp_keepalive_cases,
};

kunit_test_suites(&xtcp_keepalive_suite);
