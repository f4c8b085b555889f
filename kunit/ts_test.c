// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for TCP timestamps (RFC 7323): the option on the wire
 * (wire.c), PAWS, which TSval TS.Recent takes and the RTT a TSecr
 * measures (ts.c), and how that RTT feeds RFC 6298 (rtt.c).
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "compat.h"
#include "rtt.h"
#include "ts.h"
#include "wire.h"

/* ---- wire.c ------------------------------------------------------------ */

/* The aligned option, byte for byte, and back through the parser. */
static void xtcp_ts_option_round_trip(struct kunit *test)
{
	static const u8 want[XTCP_TS_ALIGNED] = {
		1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0
	};
	u8 opt[XTCP_TS_ALIGNED];
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, xtcp_write_ts_option(opt, 0x12345678, 0x9abcdef0),
			XTCP_TS_ALIGNED);
	KUNIT_EXPECT_MEMEQ(test, opt, want, sizeof(want));
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(opt, sizeof(opt), &o), 0);
	KUNIT_EXPECT_TRUE(test, o.ts_ok);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x12345678U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0x9abcdef0U);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_FALSE(test, o.wscale_ok);
}

/* A SYN's full set: MSS, window scale, timestamps: 20 bytes. */
static void xtcp_ts_syn_options(struct kunit *test)
{
	u8 opt[XTCP_MAX_OPTLEN];
	struct xtcp_opts o;
	int len;

	len = xtcp_write_syn_options(opt, 1448, true, 7);
	len += xtcp_write_ts_option(opt + len, 1, 0);
	KUNIT_ASSERT_EQ(test, len, XTCP_SYN_OPTLEN + XTCP_TS_ALIGNED);
	KUNIT_ASSERT_EQ(test, len % 4, 0);
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(opt, len, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 1448);
	KUNIT_EXPECT_TRUE(test, o.wscale_ok);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_TRUE(test, o.ts_ok);
	KUNIT_EXPECT_EQ(test, o.tsval, 1U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0U);
}

/* Linux's order (MSS, NOP NOP TS, NOP WS) and a bad length, ignored. */
static void xtcp_ts_parse_linux_and_bad(struct kunit *test)
{
	static const u8 linux_syn[] = {
		2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0, 1, 3, 3, 7
	};
	/* kind 8 with length 6: skipped by its length, not an error */
	static const u8 bad[] = { 8, 6, 1, 2, 3, 4, 1, 1 };
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, xtcp_parse_options(linux_syn, sizeof(linux_syn),
						 &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_TRUE(test, o.ts_ok);
	KUNIT_EXPECT_EQ(test, o.tsval, 9U);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(bad, sizeof(bad), &o), 0);
	KUNIT_EXPECT_FALSE(test, o.ts_ok);
	/* cut short: runs past the area */
	KUNIT_EXPECT_EQ(test, xtcp_parse_options(linux_syn + 4, 8, &o), -EINVAL);
}

/* ---- PAWS (§5.3, §5.5) -------------------------------------------------- */

#define T_NOW	1000000U	/* a seconds clock */

static void xtcp_ts_paws(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 1000,
			      .recent_stamp = T_NOW - 5 };

	/* older: rejected; equal or newer: accepted */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 999, false, T_NOW));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 1000 - 0x7fffffff, false,
						 T_NOW));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 1000, false, T_NOW));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 1001, false, T_NOW));
	/* a RST is never rejected for its timestamp (§5.2) */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 999, true, T_NOW));
	/* no timestamps, or no TS.Recent yet: nothing to compare */
	ts.ok = false;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 999, false, T_NOW));
	ts.ok = true;
	ts.recent_stamp = 0;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 999, false, T_NOW));
}

/* The comparison is modulo 2^32 (§5.2): across the wrap. */
static void xtcp_ts_paws_wrap(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 0xfffffff0,
			      .recent_stamp = T_NOW };

	/* 0x10 comes after 0xfffffff0 */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 0x10, false, T_NOW));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 0xffffffe0, false, T_NOW));
	ts.recent = 0x10;
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 0xfffffff0, false, T_NOW));
	/* 2^31 ahead of TS.Recent is "older" (the sign bit) */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 0x80000010, false, T_NOW));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 0x8000000f, false, T_NOW));
}

/*
 * A synchronized connection's data gets XTCP_PAWS_WINDOW ticks of slack
 * (tcp_paws_discard()); TIME_WAIT's rule (xtcp_paws_reject()) none.
 */
static void xtcp_ts_paws_window(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 1000,
			      .recent_stamp = T_NOW - 5 };

	KUNIT_EXPECT_EQ(test, XTCP_PAWS_WINDOW, 1);
	KUNIT_EXPECT_FALSE(test, xtcp_paws_discard(&ts, 1000, false, T_NOW));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_discard(&ts, 999, false, T_NOW));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 999, false, T_NOW));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_discard(&ts, 998, false, T_NOW));
	/* across the wrap */
	ts.recent = 0;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_discard(&ts, 0xffffffff, false,
						   T_NOW));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_discard(&ts, 0xfffffffe, false,
						  T_NOW));
	/* the rest as xtcp_paws_reject(): a RST, no TS.Recent, 24 days */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_discard(&ts, 0xfffffffe, true,
						   T_NOW));
	ts.recent_stamp = T_NOW - XTCP_PAWS_IDLE_S - 1;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_discard(&ts, 0xfffffffe, false,
						   T_NOW));
	ts.recent_stamp = 0;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_discard(&ts, 0xfffffffe, false,
						   T_NOW));
}

/* §5.5: a TS.Recent idle for more than 24 days no longer rejects. */
static void xtcp_ts_paws_24_days(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 5000 };

	ts.recent_stamp = T_NOW - XTCP_PAWS_IDLE_S;
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 4000, false, T_NOW));
	ts.recent_stamp = T_NOW - XTCP_PAWS_IDLE_S - 1;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 4000, false, T_NOW));
	/* ...and any TSval may then replace it */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_may_update(&ts, 4000, 100, 100, 100,
						   T_NOW));
	ts.recent_stamp = T_NOW;
	KUNIT_EXPECT_FALSE(test, xtcp_ts_may_update(&ts, 4000, 100, 100, 100,
						    T_NOW));
}

/* ---- TS.Recent (§4.3) --------------------------------------------------- */

static void xtcp_ts_echo_rule(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 500, .recent_stamp = T_NOW };
	const u32 wup = 10000;	/* Last.ACK.sent */

	/* the segment at Last.ACK.sent, newer TSval: taken */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_may_update(&ts, 600, wup, wup + 100,
						   wup, T_NOW));
	/* equal TSval: taken (>=) */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_may_update(&ts, 500, wup, wup, wup,
						   T_NOW));
	/* one that straddles it, started before: taken */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_may_update(&ts, 600, wup - 50,
						   wup + 50, wup, T_NOW));
	/* after Last.ACK.sent (a second segment before our delayed ACK) */
	KUNIT_EXPECT_FALSE(test, xtcp_ts_may_update(&ts, 700, wup + 100,
						    wup + 200, wup, T_NOW));
	/* an old duplicate wholly below it */
	KUNIT_EXPECT_FALSE(test, xtcp_ts_may_update(&ts, 700, wup - 200,
						    wup - 100, wup, T_NOW));
	/* an older TSval */
	KUNIT_EXPECT_FALSE(test, xtcp_ts_may_update(&ts, 499, wup, wup, wup,
						    T_NOW));
	/* across the sequence wrap */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_may_update(&ts, 600, 0xfffffff0, 0x10,
						   0x5, T_NOW));
	/* and never without timestamps */
	ts.ok = false;
	KUNIT_EXPECT_FALSE(test, xtcp_ts_may_update(&ts, 600, wup, wup, wup,
						    T_NOW));
	/* what is stored */
	ts.ok = true;
	xtcp_ts_store(&ts, 0xabcdef, T_NOW + 3);
	KUNIT_EXPECT_EQ(test, ts.recent, 0xabcdefU);
	KUNIT_EXPECT_EQ(test, ts.recent_stamp, T_NOW + 3);
}

/* ---- RTTM (§4) ---------------------------------------------------------- */

static void xtcp_ts_rtt(struct kunit *test)
{
	/* ms ticks to µs */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1250, 1000), 250000U);
	/* less than a tick is a tick */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1000, 1000), 1000U);
	/* across the wrap */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5, 0xfffffffb), 10000U);
	/* no echo, one from the future, one from days ago: none */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1000, 0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1000, 1001), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(100000000, 1), 0U);
}

#define T_RTO_MIN	200000U
#define T_RTO_MAX	120000000U

/* A TSecr sample where Karn has none: after a retransmission. */
static void xtcp_ts_rtt_karn(struct kunit *test)
{
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, 1000000);
	xtcp_rtt_on_send(&r, 2000, 0, false);
	xtcp_rtt_on_send(&r, 2000, 1000000, true);	/* retransmitted */
	KUNIT_EXPECT_FALSE(test, r.timing);
	/* the ACK echoes the first transmission's TSval: 1.2 s */
	KUNIT_EXPECT_TRUE(test, xtcp_rtt_on_ack_ts(&r, 2000, 1200000,
						   T_RTO_MIN, T_RTO_MAX));
	/* (2.2): SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2 */
	KUNIT_EXPECT_EQ(test, r.srtt_us, 1200000U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 600000U);
	KUNIT_EXPECT_EQ(test, r.rto_us, 3600000U);
	KUNIT_EXPECT_FALSE(test, xtcp_rtt_on_ack(&r, 2000, 2200000, T_RTO_MIN,
						 T_RTO_MAX));
	/* no TSecr sample: nothing */
	KUNIT_EXPECT_FALSE(test, xtcp_rtt_on_ack_ts(&r, 2000, 0, T_RTO_MIN,
						    T_RTO_MAX));
}

/* The timed segment's µs sample is preferred when the ACK covers it. */
static void xtcp_ts_rtt_prefers_timed(struct kunit *test)
{
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, 1000000);
	xtcp_rtt_on_send(&r, 3000, 100, false);
	/* an ACK short of the timed segment: the TSecr sample */
	KUNIT_EXPECT_TRUE(test, xtcp_rtt_on_ack_ts(&r, 2000, 4000, T_RTO_MIN,
						   T_RTO_MAX));
	KUNIT_EXPECT_EQ(test, r.srtt_us, 4000U);
	KUNIT_EXPECT_TRUE(test, r.timing);
	/* one that covers it: left to xtcp_rtt_on_ack() (200 µs) */
	KUNIT_EXPECT_FALSE(test, xtcp_rtt_on_ack_ts(&r, 3000, 1000, T_RTO_MIN,
						    T_RTO_MAX));
	KUNIT_EXPECT_TRUE(test, xtcp_rtt_on_ack(&r, 3000, 300, T_RTO_MIN,
						T_RTO_MAX));
	/* (2.3): SRTT = 7/8 * 4000 + 1/8 * 200 */
	KUNIT_EXPECT_EQ(test, r.srtt_us, 3525U);
}

/* The offset: the addresses' (so a new connection continues the clock). */
static void xtcp_ts_offset(struct kunit *test)
{
	struct in6_addr a = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct in6_addr b = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };

	KUNIT_EXPECT_EQ(test, xtcp_ts_off(htonl(0x0a000001), htonl(0x0a000002)),
			xtcp_ts_off(htonl(0x0a000001), htonl(0x0a000002)));
	KUNIT_EXPECT_NE(test, xtcp_ts_off(htonl(0x0a000001), htonl(0x0a000002)),
			xtcp_ts_off(htonl(0x0a000001), htonl(0x0a000003)));
	KUNIT_EXPECT_EQ(test, xtcp_ts_off6(&a, &b), xtcp_ts_off6(&a, &b));
	KUNIT_EXPECT_NE(test, xtcp_ts_off6(&a, &b), xtcp_ts_off6(&b, &a));
}

/*
 * A push's TSval is xtcp_ts_at() of the clock the push read: the ms
 * clock's reading of that moment plus the offset (modulo 2^32), never
 * behind a TSval read before it nor ahead of one read after it, so that
 * the push's segments never carry a later time than an ACK sent after
 * them (the peer's PAWS would drop them).
 */
static void xtcp_ts_at_clock(struct kunit *test)
{
	struct xtcp_ts ts = { .off = 0xfffffff0 };
	u32 before, at, after;
	int i;

	KUNIT_EXPECT_EQ(test, xtcp_ts_at(&ts, 0), 0xfffffff0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_at(&ts, 999), 0xfffffff0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_at(&ts, 1000), 0xfffffff1U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_at(&ts, 16000), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_at(&ts, 16000ULL + 1000ULL * U32_MAX), 0xffffffffU);
	for (i = 0; i < 1000; i++) {
		before = xtcp_ts_now(&ts);
		at = xtcp_ts_at(&ts, ktime_to_us(ktime_get()));
		after = xtcp_ts_now(&ts);
		KUNIT_EXPECT_GE(test, (s32)(at - before), 0);
		KUNIT_EXPECT_GE(test, (s32)(after - at), 0);
		/* the same clock: a loop turn takes far less than 100 ms */
		KUNIT_EXPECT_LT(test, (s32)(after - before), 100);
	}
}

static struct kunit_case xtcp_ts_test_cases[] = {
	KUNIT_CASE(xtcp_ts_option_round_trip),
	KUNIT_CASE(xtcp_ts_syn_options),
	KUNIT_CASE(xtcp_ts_parse_linux_and_bad),
	KUNIT_CASE(xtcp_ts_paws),
	KUNIT_CASE(xtcp_ts_paws_wrap),
	KUNIT_CASE(xtcp_ts_paws_window),
	KUNIT_CASE(xtcp_ts_paws_24_days),
	KUNIT_CASE(xtcp_ts_echo_rule),
	KUNIT_CASE(xtcp_ts_rtt),
	KUNIT_CASE(xtcp_ts_rtt_karn),
	KUNIT_CASE(xtcp_ts_rtt_prefers_timed),
	KUNIT_CASE(xtcp_ts_offset),
	KUNIT_CASE(xtcp_ts_at_clock),
	{}
};

static struct kunit_suite xtcp_ts_suite = {
	.name = "xtcp_ts",
	.test_cases = xtcp_ts_test_cases,
};

kunit_test_suites(&xtcp_ts_suite);
