// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for SYN cookies (syncookie.c), the pure encoding: Linux's
 * layout (net/ipv4/syncookies.c), the MSS table, the minute counter's age
 * limit and its wrap, and what a changed tuple, sequence number, key or
 * cookie does to the check.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/siphash.h>

#include "syncookie.h"
#include "xtcp.h"

static const struct xtcp_cookie_key xtcp_ckt_key = {
	.k = {
		{ .key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL } },
		{ .key = { 0x1716151413121110ULL, 0x1f1e1d1c1b1a1918ULL } },
	},
};

static const struct xtcp_cookie_key xtcp_ckt_key2 = {
	.k = {
		{ .key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL } },
		{ .key = { 0x1716151413121110ULL, 0x1f1e1d1c1b1a1919ULL } },
	},
};

/* the SYN: 198.51.100.7:40000 -> 10.0.0.1:7000, SEQ 0x12345678 */
#define CKT_SADDR	htonl(0xc6336407)
#define CKT_DADDR	htonl(0x0a000001)
#define CKT_SPORT	htons(40000)
#define CKT_DPORT	htons(7000)
#define CKT_SEQ		0x12345678U
#define CKT_COUNT	493827U		/* minutes since boot */

static u32 ckt_make(const struct xtcp_cookie_key *k, u32 count, u32 data)
{
	return xtcp_cookie_make(k, CKT_SADDR, CKT_DADDR, CKT_SPORT, CKT_DPORT,
				CKT_SEQ, count, data);
}

static u32 ckt_data(const struct xtcp_cookie_key *k, u32 cookie, u32 count)
{
	return xtcp_cookie_data(k, cookie, CKT_SADDR, CKT_DADDR, CKT_SPORT,
				CKT_DPORT, CKT_SEQ, count);
}

/* Linux's secure_tcp_syn_cookie(), term by term. */
static void xtcp_cookie_layout(struct kunit *test)
{
	u32 h0, h1, data;

	h0 = siphash_4u32((__force u32)CKT_SADDR, (__force u32)CKT_DADDR,
			  (__force u32)CKT_SPORT << 16 | (__force u32)CKT_DPORT,
			  0, &xtcp_ckt_key.k[0]);
	for (data = 0; data < XTCP_COOKIE_MSS_NR; data++) {
		h1 = siphash_4u32((__force u32)CKT_SADDR, (__force u32)CKT_DADDR,
				  (__force u32)CKT_SPORT << 16 |
				  (__force u32)CKT_DPORT,
				  CKT_COUNT, &xtcp_ckt_key.k[1]);
		KUNIT_EXPECT_EQ(test, ckt_make(&xtcp_ckt_key, CKT_COUNT, data),
				h0 + CKT_SEQ + (CKT_COUNT << 24) +
				((h1 + data) & 0xffffff));
	}
	/* the count's low 8 bits sit in the top byte, past the first hash */
	KUNIT_EXPECT_EQ(test, (ckt_make(&xtcp_ckt_key, CKT_COUNT, 0) - h0 -
			       CKT_SEQ) >> 24, CKT_COUNT & 0xff);
}

/* Every index comes back, this minute and the next. */
static void xtcp_cookie_round_trip(struct kunit *test)
{
	u32 data, c;

	for (data = 0; data < XTCP_COOKIE_MSS_NR; data++) {
		c = ckt_make(&xtcp_ckt_key, CKT_COUNT, data);
		KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, CKT_COUNT), data);
		KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, CKT_COUNT + 1),
				data);
		KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(ckt_data(&xtcp_ckt_key, c,
							       CKT_COUNT)),
				xtcp_cookie_mss(data));
	}
}

/* MAX_SYNCOOKIE_AGE: two minutes old, or from the future, is stale. */
static void xtcp_cookie_age(struct kunit *test)
{
	u32 c = ckt_make(&xtcp_ckt_key, CKT_COUNT, 3);

	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, CKT_COUNT + 2),
			XTCP_COOKIE_BAD);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, CKT_COUNT + 100),
			XTCP_COOKIE_BAD);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, CKT_COUNT - 1),
			XTCP_COOKIE_BAD);
	/* 256 minutes on, the 8-bit count has come round: the hash decides */
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(ckt_data(&xtcp_ckt_key, c,
						       CKT_COUNT + 256)), 0);
}

/* The 8-bit count wraps: 0xff then 0x100 is one minute. */
static void xtcp_cookie_count_wrap(struct kunit *test)
{
	u32 c;

	c = ckt_make(&xtcp_ckt_key, 0xff, 2);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, 0x100), 2);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, 0x101), XTCP_COOKIE_BAD);
	c = ckt_make(&xtcp_ckt_key, 0xffffffff, 1);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, 0xffffffff), 1);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, 0), 1);
	KUNIT_EXPECT_EQ(test, ckt_data(&xtcp_ckt_key, c, 1), XTCP_COOKIE_BAD);
}

/* Another tuple, sequence number or key: no valid MSS comes out. */
static void xtcp_cookie_bound_to_tuple(struct kunit *test)
{
	u32 c = ckt_make(&xtcp_ckt_key, CKT_COUNT, 1);
	u32 d;

#define CKT_BAD(expr) KUNIT_EXPECT_EQ_MSG(test, xtcp_cookie_mss(expr), 0, #expr)
	CKT_BAD(xtcp_cookie_data(&xtcp_ckt_key, c, htonl(0xc6336408), CKT_DADDR,
				 CKT_SPORT, CKT_DPORT, CKT_SEQ, CKT_COUNT));
	CKT_BAD(xtcp_cookie_data(&xtcp_ckt_key, c, CKT_SADDR, htonl(0x0a000002),
				 CKT_SPORT, CKT_DPORT, CKT_SEQ, CKT_COUNT));
	CKT_BAD(xtcp_cookie_data(&xtcp_ckt_key, c, CKT_SADDR, CKT_DADDR,
				 htons(40001), CKT_DPORT, CKT_SEQ, CKT_COUNT));
	CKT_BAD(xtcp_cookie_data(&xtcp_ckt_key, c, CKT_SADDR, CKT_DADDR,
				 CKT_SPORT, htons(7001), CKT_SEQ, CKT_COUNT));
	/* ports swapped: the answer's direction is not the SYN's */
	CKT_BAD(xtcp_cookie_data(&xtcp_ckt_key, c, CKT_DADDR, CKT_SADDR,
				 CKT_DPORT, CKT_SPORT, CKT_SEQ, CKT_COUNT));
	CKT_BAD(xtcp_cookie_data(&xtcp_ckt_key, c, CKT_SADDR, CKT_DADDR,
				 CKT_SPORT, CKT_DPORT, CKT_SEQ + 0x10000, CKT_COUNT));
	CKT_BAD(ckt_data(&xtcp_ckt_key2, c, CKT_COUNT));
	/* a forged cookie off by more than the table */
	CKT_BAD(ckt_data(&xtcp_ckt_key, c + 0x10000, CKT_COUNT));
	CKT_BAD(ckt_data(&xtcp_ckt_key, c ^ 0x00800000, CKT_COUNT));
	CKT_BAD(ckt_data(&xtcp_ckt_key, ~c, CKT_COUNT));
#undef CKT_BAD
	/*
	 * As in Linux, the data is added below the hash: a cookie a little
	 * off decodes to a neighbouring index (the guess still has to hit
	 * 4 of 2^24 values).
	 */
	d = ckt_data(&xtcp_ckt_key, c + 1, CKT_COUNT);
	KUNIT_EXPECT_TRUE(test, d == 2 || xtcp_cookie_mss(d) == 0);
}

/* Linux's msstab and __cookie_v4_init_sequence()'s rounding down. */
static void xtcp_cookie_mss_table(struct kunit *test)
{
	static const struct { u16 mss; u32 index; } t[] = {
		{ 0, 0 }, { 1, 0 }, { 48, 0 }, { 535, 0 }, { 536, 0 },
		{ 1299, 0 }, { 1300, 1 }, { 1439, 1 }, { 1440, 2 },
		{ 1452, 2 }, { 1459, 2 }, { 1460, 3 }, { 1461, 3 },
		{ 9000, 3 }, { 65495, 3 }, { 65535, 3 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_cookie_mss_index(t[i].mss),
				    t[i].index, "mss %u", t[i].mss);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(0), 536);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(1), 1300);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(2), 1440);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(3), 1460);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(4), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(XTCP_COOKIE_BAD), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(0x123456), 0);
}

/* Cookies of neighbouring SYNs differ (nothing to learn from one). */
static void xtcp_cookie_spread(struct kunit *test)
{
	u32 a = ckt_make(&xtcp_ckt_key, CKT_COUNT, 0);
	u32 b = xtcp_cookie_make(&xtcp_ckt_key, CKT_SADDR, CKT_DADDR,
				 htons(40001), CKT_DPORT, CKT_SEQ, CKT_COUNT, 0);

	KUNIT_EXPECT_NE(test, a, b);
	/* the SYN's sequence number goes in as is */
	KUNIT_EXPECT_EQ(test, xtcp_cookie_make(&xtcp_ckt_key, CKT_SADDR,
					       CKT_DADDR, CKT_SPORT, CKT_DPORT,
					       CKT_SEQ + 5, CKT_COUNT, 0),
			a + 5);
}

static struct kunit_case xtcp_syncookie_cases[] = {
	KUNIT_CASE(xtcp_cookie_layout),
	KUNIT_CASE(xtcp_cookie_round_trip),
	KUNIT_CASE(xtcp_cookie_age),
	KUNIT_CASE(xtcp_cookie_count_wrap),
	KUNIT_CASE(xtcp_cookie_bound_to_tuple),
	KUNIT_CASE(xtcp_cookie_mss_table),
	KUNIT_CASE(xtcp_cookie_spread),
	{}
};

static struct kunit_suite xtcp_syncookie_suite = {
	.name = "xtcp_syncookie",
	.test_cases = xtcp_syncookie_cases,
};

kunit_test_suites(&xtcp_syncookie_suite);
