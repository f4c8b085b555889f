// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for SACK (sack.c, and the option in wire.c): the receiver's
 * blocks from segments queued out of order (RFC 2018 §4: the newest
 * first, merged, at most 4 or 3), D-SACK (RFC 2883), the sender's
 * scoreboard, IsLost(), NextSeg() and the pipe of RFC 6675.  The block
 * cases run from sequence numbers that stay small and from ones that
 * cross 2^32.  One case feeds real skbs through the out-of-order queue
 * as recv.c does and checks the blocks against the queue's ranges.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "ofo.h"
#include "sack.h"
#include "seq.h"
#include "wire.h"

#define MSS	1000

struct xtcp_t_sbase {
	const char	*name;
	u32		base;
};

static const struct xtcp_t_sbase xtcp_t_sbases[] = {
	{ "plain", 1000 },
	{ "wrap", 0xfffff000 },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_t_sbases, xtcp_t_sbases, name);

static u32 xtcp_t_b(struct kunit *test)
{
	const struct xtcp_t_sbase *b = test->param_value;

	return b ? b->base : 1000;
}

static void xtcp_t_block(struct kunit *test, const struct xtcp_sack_block *b,
			 u32 start, u32 end)
{
	KUNIT_EXPECT_EQ(test, b->start, start);
	KUNIT_EXPECT_EQ(test, b->end, end);
}

/* ---- the receiver ------------------------------------------------------ */

/* The block holding the newest segment goes first; the others keep order. */
static void xtcp_sack_rcv_order(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block out[4];
	struct xtcp_sack_rcv r;

	xtcp_sack_rcv_reset(&r);
	xtcp_sack_rcv_add(&r, b + 1000, b + 2000);
	xtcp_sack_rcv_add(&r, b + 3000, b + 4000);
	xtcp_sack_rcv_add(&r, b + 5000, b + 6000);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 3);
	xtcp_t_block(test, &out[0], b + 5000, b + 6000);
	xtcp_t_block(test, &out[1], b + 3000, b + 4000);
	xtcp_t_block(test, &out[2], b + 1000, b + 2000);
	/* a segment after the oldest block brings it to the front */
	xtcp_sack_rcv_add(&r, b + 2000, b + 2500);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 3);
	xtcp_t_block(test, &out[0], b + 1000, b + 2500);
	xtcp_t_block(test, &out[1], b + 5000, b + 6000);
	xtcp_t_block(test, &out[2], b + 3000, b + 4000);
}

/* Segments that touch or overlap merge, across several blocks at once. */
static void xtcp_sack_rcv_merge(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block out[4];
	struct xtcp_sack_rcv r;

	xtcp_sack_rcv_reset(&r);
	xtcp_sack_rcv_add(&r, b + 3000, b + 4000);
	xtcp_sack_rcv_add(&r, b + 1000, b + 2000);
	xtcp_sack_rcv_add(&r, b + 5000, b + 6000);
	/* fills both gaps: one block */
	xtcp_sack_rcv_add(&r, b + 1500, b + 5000);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 1);
	xtcp_t_block(test, &out[0], b + 1000, b + 6000);
	/* inside it: still one */
	xtcp_sack_rcv_add(&r, b + 2000, b + 3000);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 1);
	xtcp_t_block(test, &out[0], b + 1000, b + 6000);
	/* an empty or inverted range changes nothing */
	xtcp_sack_rcv_add(&r, b + 9000, b + 9000);
	xtcp_sack_rcv_add(&r, b + 9000, b + 8000);
	KUNIT_EXPECT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 1);
}

/* Four blocks at most, three beside timestamps: the oldest goes. */
static void xtcp_sack_rcv_limit(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block out[4];
	struct xtcp_sack_rcv r;
	int i;

	xtcp_sack_rcv_reset(&r);
	for (i = 0; i < 5; i++)
		xtcp_sack_rcv_add(&r, b + 2000 * i + 1000, b + 2000 * i + 2000);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 4);
	for (i = 0; i < 4; i++)
		xtcp_t_block(test, &out[i], b + 2000 * (4 - i) + 1000,
			     b + 2000 * (4 - i) + 2000);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 3), 3);
	xtcp_t_block(test, &out[2], b + 5000, b + 6000);
	KUNIT_EXPECT_EQ(test, xtcp_sack_rcv_fill(&r, out, 0), 0);
}

/* RCV.NXT reaching a block removes it, the others stay in order. */
static void xtcp_sack_rcv_advance_case(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block out[4];
	struct xtcp_sack_rcv r;

	xtcp_sack_rcv_reset(&r);
	xtcp_sack_rcv_add(&r, b + 1000, b + 2000);
	xtcp_sack_rcv_add(&r, b + 5000, b + 6000);
	xtcp_sack_rcv_add(&r, b + 3000, b + 4000);
	xtcp_sack_rcv_advance(&r, b + 2000);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 2);
	xtcp_t_block(test, &out[0], b + 3000, b + 4000);
	xtcp_t_block(test, &out[1], b + 5000, b + 6000);
	xtcp_sack_rcv_advance(&r, b + 6000);
	KUNIT_EXPECT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 0);
}

/*
 * RFC 2883 §4: the D-SACK block first, then the block holding it, then
 * the rest; a second duplicate touching the first extends it.
 */
static void xtcp_sack_rcv_dsack_case(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block out[4];
	struct xtcp_sack_rcv r;

	xtcp_sack_rcv_reset(&r);
	xtcp_sack_rcv_dsack(&r, b, b + 500);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 1);
	xtcp_t_block(test, &out[0], b, b + 500);
	xtcp_sack_rcv_dsack(&r, b + 500, b + 800);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 1);
	xtcp_t_block(test, &out[0], b, b + 800);

	xtcp_sack_rcv_reset(&r);
	xtcp_sack_rcv_add(&r, b + 1000, b + 2000);
	xtcp_sack_rcv_add(&r, b + 3000, b + 4000);
	xtcp_sack_rcv_add(&r, b + 5000, b + 6000);
	xtcp_sack_rcv_dsack(&r, b + 3200, b + 3400);
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 4), 4);
	xtcp_t_block(test, &out[0], b + 3200, b + 3400);
	xtcp_t_block(test, &out[1], b + 3000, b + 4000);
	xtcp_t_block(test, &out[2], b + 5000, b + 6000);
	xtcp_t_block(test, &out[3], b + 1000, b + 2000);
	/* beside timestamps the oldest block gives way */
	KUNIT_ASSERT_EQ(test, xtcp_sack_rcv_fill(&r, out, 3), 3);
	xtcp_t_block(test, &out[2], b + 5000, b + 6000);
}

/* An skb of @len payload bytes at @seq, for the out-of-order queue. */
static struct sk_buff *xtcp_t_seg(struct kunit *test, u32 seq, u32 len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(skb_put(skb, len), 0x5a, len);
	memset(XTCP_SKB_CB(skb), 0, sizeof(*XTCP_SKB_CB(skb)));
	XTCP_SKB_CB(skb)->seg.seq = seq;
	XTCP_SKB_CB(skb)->seg.len = len;
	return skb;
}

/*
 * Segments through the out-of-order queue as recv.c passes them: every
 * block is a run of queued data, and every run of queued data is a
 * block (fewer than 5 runs here); a duplicate is a D-SACK.
 */
static void xtcp_sack_rcv_from_ofo(struct kunit *test)
{
	static const u32 segs[][2] = {
		{ 3000, 1000 }, { 5000, 1000 }, { 4000, 1000 }, { 8000, 500 },
		{ 7000, 1000 }, { 1500, 500 }, { 5000, 1000 },
	};
	u32 b = xtcp_t_b(test), rcv_nxt = b + 1000;
	struct xtcp_sack_block out[4];
	struct xtcp_sack_rcv r;
	struct xtcp_ofo q;
	struct rb_node *p;
	int i, n, rc;

	xtcp_ofo_init(&q);
	xtcp_sack_rcv_reset(&r);
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		u32 s = b + segs[i][0], e = s + segs[i][1];

		rc = xtcp_ofo_insert(&q, xtcp_t_seg(test, s, segs[i][1]),
				     rcv_nxt, U32_MAX);
		if (!rc)
			xtcp_sack_rcv_add(&r, s, e);
		else if (rc == XTCP_OFO_NOTHING_NEW)
			xtcp_sack_rcv_dsack(&r, s, e);
	}
	/* runs: [1500, 2000) [3000, 6000) [7000, 8500); the last a duplicate */
	n = xtcp_sack_rcv_fill(&r, out, 4);
	KUNIT_ASSERT_EQ(test, n, 4);
	xtcp_t_block(test, &out[0], b + 5000, b + 6000);
	xtcp_t_block(test, &out[1], b + 3000, b + 6000);
	xtcp_t_block(test, &out[2], b + 1500, b + 2000);
	xtcp_t_block(test, &out[3], b + 7000, b + 8500);
	/* each run of the queue is one of the blocks */
	for (p = rb_first(&q.root); p;) {
		struct sk_buff *skb = rb_to_skb(p);
		u32 s = xtcp_skb_seq(skb), e = xtcp_skb_end_seq(skb);
		bool found = false;

		for (p = rb_next(p); p && xtcp_skb_seq(rb_to_skb(p)) == e;
		     p = rb_next(p))
			e = xtcp_skb_end_seq(rb_to_skb(p));
		for (i = 1; i < n; i++)
			found |= out[i].start == s && out[i].end == e;
		KUNIT_EXPECT_TRUE(test, found);
	}
	xtcp_ofo_purge(&q);
}

/* ---- the sender -------------------------------------------------------- */

/* RFC 2883 §4: below the cumulative ACK, or inside the second block. */
static void xtcp_sack_dsack_detect(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block blk[2] = {
		{ b + 1000, b + 2000 }, { b + 3000, b + 4000 },
	};

	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(blk, 1, b + 2000));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(blk, 2, b + 1000));
	blk[0].start = b + 3000;
	blk[0].end = b + 3500;
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(blk, 2, b + 1000));
	blk[0].end = b + 4500;
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(blk, 2, b + 1000));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(blk, 0, b + 1000));
}

/* Blocks join sorted and merged, cut to the flight; bad ones are ignored. */
static void xtcp_sack_sb_update_case(struct kunit *test)
{
	u32 b = xtcp_t_b(test), una = b, nxt = b + 10 * MSS;
	struct xtcp_sack_block blk[4] = {
		{ b + 5 * MSS, b + 6 * MSS },
		{ b + 2 * MSS, b + 3 * MSS },
		{ b + 8 * MSS, b + 11 * MSS },	/* past SND.NXT */
		{ b + 7 * MSS, b + 6 * MSS },	/* inverted */
	};
	struct xtcp_sack_sb sb;

	xtcp_sack_sb_reset(&sb);
	KUNIT_EXPECT_EQ(test, xtcp_sack_sb_update(&sb, blk, 4, una, nxt),
			2 * MSS);
	KUNIT_ASSERT_EQ(test, sb.n, 2);
	xtcp_t_block(test, &sb.r[0], b + 2 * MSS, b + 3 * MSS);
	xtcp_t_block(test, &sb.r[1], b + 5 * MSS, b + 6 * MSS);
	/* one block bridging both, and the same again: nothing new after */
	blk[0].start = b + 3 * MSS;
	blk[0].end = b + 5 * MSS;
	KUNIT_EXPECT_EQ(test, xtcp_sack_sb_update(&sb, blk, 1, una, nxt),
			2 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_sack_sb_update(&sb, blk, 1, una, nxt), 0);
	KUNIT_ASSERT_EQ(test, sb.n, 1);
	xtcp_t_block(test, &sb.r[0], b + 2 * MSS, b + 6 * MSS);
	KUNIT_EXPECT_EQ(test, sb.sacked, 4 * MSS);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_sb_sacked(&sb, b + 2 * MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_sb_sacked(&sb, b + 6 * MSS));
	/* the cumulative ACK takes part of it */
	xtcp_sack_sb_advance(&sb, b + 3 * MSS);
	KUNIT_ASSERT_EQ(test, sb.n, 1);
	xtcp_t_block(test, &sb.r[0], b + 3 * MSS, b + 6 * MSS);
	KUNIT_EXPECT_EQ(test, sb.sacked, 3 * MSS);
	xtcp_sack_sb_advance(&sb, b + 6 * MSS);
	KUNIT_EXPECT_EQ(test, sb.n, 0);
	KUNIT_EXPECT_EQ(test, sb.sacked, 0);
}

/* A full scoreboard keeps the lowest ranges. */
static void xtcp_sack_sb_full(struct kunit *test)
{
	u32 b = xtcp_t_b(test), nxt = b + 200 * MSS;
	struct xtcp_sack_block blk;
	struct xtcp_sack_sb sb;
	int i;

	xtcp_sack_sb_reset(&sb);
	for (i = XTCP_SACK_SB_RANGES; i >= 0; i--) {
		blk.start = b + (2 * i + 1) * MSS;
		blk.end = blk.start + MSS;
		xtcp_sack_sb_update(&sb, &blk, 1, b, nxt);
	}
	KUNIT_ASSERT_EQ(test, sb.n, XTCP_SACK_SB_RANGES);
	xtcp_t_block(test, &sb.r[0], b + MSS, b + 2 * MSS);
	KUNIT_EXPECT_EQ(test, sb.sacked, XTCP_SACK_SB_RANGES * MSS);
	for (i = 1; i < sb.n; i++)
		KUNIT_EXPECT_TRUE(test, xtcp_seq_before(sb.r[i - 1].end,
							sb.r[i].start));
}

/*
 * Segments 1-5 sent, 1 acknowledged, 3-5 SACKed (the packet test's
 * case): 2 is lost and the only hole; once resent, nothing is left.
 */
static void xtcp_sack_hole_only_two(struct kunit *test)
{
	u32 b = xtcp_t_b(test), una = b + MSS, nxt = b + 5 * MSS, s, e;
	struct xtcp_sack_block blk = { b + 2 * MSS, b + 5 * MSS };
	struct xtcp_sack_sb sb;

	xtcp_sack_sb_reset(&sb);
	xtcp_sack_sb_update(&sb, &blk, 1, una, nxt);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_lost(&sb, una, MSS));
	KUNIT_ASSERT_TRUE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	KUNIT_EXPECT_EQ(test, s, una);
	KUNIT_EXPECT_EQ(test, e, una + MSS);
	KUNIT_EXPECT_EQ(test, xtcp_sack_lost(&sb, una, MSS), MSS);
	/* RFC 6675 SetPipe: 4 in flight, 3 SACKed, 1 lost: 0 */
	KUNIT_EXPECT_EQ(test, xtcp_sack_pipe(&sb, una, nxt, MSS), 0);
	sb.high_rxt = e;
	sb.rxt_set = true;
	KUNIT_EXPECT_FALSE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	KUNIT_EXPECT_EQ(test, xtcp_sack_retrans(&sb, una), MSS);
	KUNIT_EXPECT_EQ(test, xtcp_sack_pipe(&sb, una, nxt, MSS), MSS);
}

/* IsLost(): more than 2 SMSS SACKed above, or 3 discontiguous ranges. */
static void xtcp_sack_is_lost_case(struct kunit *test)
{
	u32 b = xtcp_t_b(test), nxt = b + 20 * MSS;
	struct xtcp_sack_block blk[3] = {
		{ b + 2 * MSS, b + 3 * MSS },
		{ b + 4 * MSS, b + 5 * MSS },
		{ b + 6 * MSS, b + 6 * MSS + 10 },
	};
	struct xtcp_sack_sb sb;

	xtcp_sack_sb_reset(&sb);
	xtcp_sack_sb_update(&sb, blk, 2, b, nxt);
	/* 2 SMSS above, in two ranges: not yet */
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_lost(&sb, b, MSS));
	/* a third range, however short */
	xtcp_sack_sb_update(&sb, &blk[2], 1, b, nxt);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_lost(&sb, b, MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_lost(&sb, b + 3 * MSS, MSS));
	/* one range of 2 SMSS + 1 byte */
	xtcp_sack_sb_reset(&sb);
	blk[0].end = blk[0].start + 2 * MSS + 1;
	xtcp_sack_sb_update(&sb, blk, 1, b, nxt);
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_lost(&sb, b, MSS));
	blk[0].end--;
	xtcp_sack_sb_reset(&sb);
	xtcp_sack_sb_update(&sb, blk, 1, b, nxt);
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_lost(&sb, b, MSS));
}

/*
 * Holes in order from HighRxt, one SMSS at a time, only while lost: with
 * 10 segments out and 2, 4, 6-9 SACKed, 1 and 3 are lost (3 and more
 * SMSS above them), 5 too (4 above), 10 is not (nothing above).
 */
static void xtcp_sack_next_hole_case(struct kunit *test)
{
	u32 b = xtcp_t_b(test), una = b, nxt = b + 10 * MSS, s, e;
	struct xtcp_sack_block blk[3] = {
		{ b + 1 * MSS, b + 2 * MSS },
		{ b + 3 * MSS, b + 4 * MSS },
		{ b + 5 * MSS, b + 9 * MSS },
	};
	struct xtcp_sack_sb sb;

	xtcp_sack_sb_reset(&sb);
	xtcp_sack_sb_update(&sb, blk, 3, una, nxt);
	KUNIT_ASSERT_TRUE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	KUNIT_EXPECT_EQ(test, s, b);
	KUNIT_EXPECT_EQ(test, e, b + MSS);
	sb.high_rxt = e;
	sb.rxt_set = true;
	KUNIT_ASSERT_TRUE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	KUNIT_EXPECT_EQ(test, s, b + 2 * MSS);
	sb.high_rxt = e;
	KUNIT_ASSERT_TRUE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	KUNIT_EXPECT_EQ(test, s, b + 4 * MSS);
	KUNIT_EXPECT_EQ(test, e, b + 5 * MSS);
	sb.high_rxt = e;
	KUNIT_EXPECT_FALSE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	/* 3 lost, 7 SACKed, 3 resent of 10: pipe = 0 + 3 */
	KUNIT_EXPECT_EQ(test, xtcp_sack_lost(&sb, una, MSS), 3 * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_sack_pipe(&sb, una, nxt, MSS), 4 * MSS);
	/* a hole longer than SMSS goes one SMSS at a time */
	xtcp_sack_sb_reset(&sb);
	xtcp_sack_sb_update(&sb, &blk[2], 1, una, nxt);
	KUNIT_ASSERT_TRUE(test, xtcp_sack_next_hole(&sb, una, nxt, MSS, &s, &e));
	KUNIT_EXPECT_EQ(test, e - s, MSS);
}

/* ---- the option -------------------------------------------------------- */

static void xtcp_sack_wire(struct kunit *test)
{
	u32 b = xtcp_t_b(test);
	struct xtcp_sack_block in[3] = {
		{ b, b + 100 }, { b + 200, b + 300 }, { b + 400, b + 500 },
	}, out[4];
	struct xtcp_opts o;
	u8 opt[40];
	int len;

	len = xtcp_write_sack_perm(opt);
	KUNIT_ASSERT_EQ(test, len, 4);
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(opt, len, &o), 0);
	KUNIT_EXPECT_TRUE(test, o.sack_perm);
	KUNIT_EXPECT_EQ(test, o.sack_len, 0);

	len = xtcp_write_ts_option(opt, 1, 2);
	len += xtcp_write_sack_option(opt + len, in, 3);
	KUNIT_ASSERT_EQ(test, len, 40);
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(opt, len, &o), 0);
	KUNIT_EXPECT_TRUE(test, o.ts_ok);
	KUNIT_EXPECT_FALSE(test, o.sack_perm);
	KUNIT_ASSERT_EQ(test, o.sack_len, 26);
	KUNIT_EXPECT_EQ(test, o.sack_off, 14);
	KUNIT_ASSERT_EQ(test, xtcp_sack_blocks(opt + o.sack_off, out), 3);
	xtcp_t_block(test, &out[0], b, b + 100);
	xtcp_t_block(test, &out[2], b + 400, b + 500);

	/* a SACK option of a length no block count gives is ignored */
	opt[0] = XTCP_OPT_SACK;
	opt[1] = 11;
	opt[11] = XTCP_OPT_EOL;
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(opt, 12, &o), 0);
	KUNIT_EXPECT_EQ(test, o.sack_len, 0);
	/* ...and a SACK-permitted of a wrong length */
	opt[0] = XTCP_OPT_SACK_PERM;
	opt[1] = 3;
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(opt, 3, &o), 0);
	KUNIT_EXPECT_FALSE(test, o.sack_perm);
}

static struct kunit_case xtcp_sack_test_cases[] = {
	KUNIT_CASE_PARAM(xtcp_sack_rcv_order, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_rcv_merge, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_rcv_limit, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_rcv_advance_case, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_rcv_dsack_case, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_rcv_from_ofo, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_dsack_detect, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_sb_update_case, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_sb_full, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_hole_only_two, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_is_lost_case, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_next_hole_case, xtcp_t_sbases_gen_params),
	KUNIT_CASE_PARAM(xtcp_sack_wire, xtcp_t_sbases_gen_params),
	{}
};

static struct kunit_suite xtcp_sack_suite = {
	.name = "xtcp_sack",
	.test_cases = xtcp_sack_test_cases,
};

kunit_test_suites(&xtcp_sack_suite);
