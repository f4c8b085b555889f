// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for output.c's pure parts: the per-namespace limit on RSTs
 * sent with no connection behind them (sysctl rst_ratelimit).
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/spinlock.h>

#include "xtcp.h"

static void xtcp_rl_init(struct xtcp_ratelimit *rl)
{
	memset(rl, 0, sizeof(*rl));
	spin_lock_init(&rl->lock);
}

/* @limit go in a window, the next is refused, a new window lets @limit go. */
static void xtcp_ratelimit_window(struct kunit *test)
{
	unsigned long t = jiffies;
	struct xtcp_ratelimit rl;
	int i;

	xtcp_rl_init(&rl);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(&rl, t + i, 3));
	KUNIT_EXPECT_FALSE(test, xtcp_ratelimit(&rl, t + 3, 3));
	KUNIT_EXPECT_FALSE(test, xtcp_ratelimit(&rl, t + HZ - 1, 3));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(&rl, t + HZ + i, 3));
	KUNIT_EXPECT_FALSE(test, xtcp_ratelimit(&rl, t + HZ + 3, 3));
}

/*
 * A window begins at the first event, not when the limiter was made: a
 * burst that comes late in "the second" is not split over two windows.
 */
static void xtcp_ratelimit_window_from_first_event(struct kunit *test)
{
	unsigned long t = jiffies;
	struct xtcp_ratelimit rl;
	int i, sent = 0;

	xtcp_rl_init(&rl);
	rl.begin = t;	/* made at t, first event just before t + HZ */
	for (i = 0; i < 20; i++)
		sent += xtcp_ratelimit(&rl, t + HZ - 2 + i, 3);
	KUNIT_EXPECT_EQ(test, sent, 3);
	/* a limiter made long ago begins its window at the first event */
	xtcp_rl_init(&rl);
	rl.begin = t - 5 * HZ;
	KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(&rl, t, 1));
	KUNIT_EXPECT_FALSE(test, xtcp_ratelimit(&rl, t + HZ - 1, 1));
}

/* Limit 0 lets everything go and counts nothing. */
static void xtcp_ratelimit_unlimited(struct kunit *test)
{
	struct xtcp_ratelimit rl;
	int i;

	xtcp_rl_init(&rl);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(&rl, jiffies, 0));
	KUNIT_EXPECT_EQ(test, rl.count, 0);
}

static struct kunit_case xtcp_output_cases[] = {
	KUNIT_CASE(xtcp_ratelimit_window),
	KUNIT_CASE(xtcp_ratelimit_window_from_first_event),
	KUNIT_CASE(xtcp_ratelimit_unlimited),
	{}
};

static struct kunit_suite xtcp_output_suite = {
	.name = "xtcp_output",
	.test_cases = xtcp_output_cases,
};

kunit_test_suites(&xtcp_output_suite);
