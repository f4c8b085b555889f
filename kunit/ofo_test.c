// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the out-of-order queue (ofo.c), on real skbs: linear ones
 * from alloc_skb() and paged ones built with skb_add_rx_frag().  Payload
 * byte i of a segment is xtcp_t_byte(seq + i, tag), a function of its
 * sequence number, so every trim and every move can be checked byte for
 * byte, and the tag says which copy of overlapping data survived.
 *
 * Every case runs three times, its sequence numbers offset by a base:
 * plain, straddling 2^32 (the queue's offsets 256 and on wrap to 0) and
 * straddling 2^31.  The fixture purges the queue and the output list, so
 * a failed assertion leaks nothing (kmemleak runs after the suites).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "ofo.h"
#include "seq.h"
#include "xtcp.h"

/* the tags: which copy of the data a byte came from */
#define T_OLD	0x00
#define T_NEW	0x5a

#define NO_LIMIT	U32_MAX

struct xtcp_t_base {
	const char	*name;
	u32		base;
};

static const struct xtcp_t_base xtcp_t_bases[] = {
	{ "plain", 1000 },
	{ "wrap", 0xffffff00 },
	{ "edge", 0x7fffff00 },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_t_bases, xtcp_t_bases, name);

struct xtcp_t_ofo {
	struct xtcp_ofo		q;
	struct sk_buff_head	out;
	u32			base;
};

static int xtcp_t_ofo_init(struct kunit *test)
{
	const struct xtcp_t_base *b = test->param_value;
	struct xtcp_t_ofo *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	xtcp_ofo_init(&fx->q);
	__skb_queue_head_init(&fx->out);
	fx->base = b ? b->base : 1000;
	test->priv = fx;
	return 0;
}

static void xtcp_t_ofo_exit(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;

	xtcp_ofo_purge(&fx->q);
	__skb_queue_purge(&fx->out);
}

/* ---- building and checking segments ------------------------------------ */

static u8 xtcp_t_byte(u32 seq, u8 tag)
{
	return (u8)(seq * 7 + (seq >> 8) + (seq >> 24)) ^ tag;
}

static void xtcp_t_fill(u8 *p, u32 seq, u32 len, u8 tag)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = xtcp_t_byte(seq + i, tag);
}

static void xtcp_t_set_cb(struct sk_buff *skb, u32 seq, bool fin)
{
	struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;

	memset(seg, 0, sizeof(*seg));
	seg->seq = seq;
	seg->len = skb->len;
	seg->flags = XTCP_ACK | (fin ? XTCP_FIN : 0);
}

/* A linear segment at sequence number @seq. */
static struct sk_buff *xtcp_t_skb(struct kunit *test, u32 seq, u32 len,
				  bool fin, u8 tag)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	xtcp_t_fill(skb_put(skb, len), seq, len, tag);
	xtcp_t_set_cb(skb, seq, fin);
	return skb;
}

/*
 * A paged segment: @lin bytes in the linear area, then @nfrags page
 * fragments of @frag_len bytes, each at offset 64 of its own page.
 */
static struct sk_buff *xtcp_t_paged_skb(struct kunit *test, u32 seq, u32 lin,
					int nfrags, u32 frag_len, bool fin, u8 tag)
{
	struct sk_buff *skb = alloc_skb(lin, GFP_KERNEL);
	u32 at = seq;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	xtcp_t_fill(skb_put(skb, lin), at, lin, tag);
	at += lin;
	for (i = 0; i < nfrags; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page) {
			kfree_skb(skb);
			KUNIT_FAIL_AND_ABORT(test, "no page");
		}
		xtcp_t_fill((u8 *)page_address(page) + 64, at, frag_len, tag);
		skb_add_rx_frag(skb, i, page, 64, frag_len, PAGE_SIZE);
		at += frag_len;
	}
	xtcp_t_set_cb(skb, seq, fin);
	return skb;
}

/* @skb holds [seq, seq + len) (+FIN) and its bytes carry @tag. */
static void xtcp_t_expect_seg_at(struct kunit *test, int line,
				 const struct sk_buff *skb, u32 seq, u32 len,
				 bool fin, u8 tag)
{
	const struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	u8 *buf;
	u32 i;

	KUNIT_EXPECT_EQ_MSG(test, seg->seq, seq, "line %d: seq", line);
	KUNIT_EXPECT_EQ_MSG(test, skb->len, len, "line %d: skb->len", line);
	KUNIT_EXPECT_EQ_MSG(test, seg->len, len, "line %d: seg.len", line);
	KUNIT_EXPECT_EQ_MSG(test, !!(seg->flags & XTCP_FIN), fin,
			    "line %d: FIN", line);
	KUNIT_EXPECT_EQ_MSG(test, xtcp_skb_end_seq(skb), seq + len + fin,
			    "line %d: end seq", line);
	if (skb->len != len || !len)
		return;
	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, buf, len));
	for (i = 0; i < len; i++) {
		if (buf[i] != xtcp_t_byte(seq + i, tag)) {
			KUNIT_FAIL(test, "line %d: byte %u (seq %#x) is %#x, want %#x",
				   line, i, seq + i, buf[i], xtcp_t_byte(seq + i, tag));
			break;
		}
	}
	kunit_kfree(test, buf);
}

#define xtcp_t_expect_seg(test, skb, seq, len, fin, tag) \
	xtcp_t_expect_seg_at(test, __LINE__, skb, seq, len, fin, tag)

/* One expected queued segment, at offset @off from the base. */
struct xtcp_t_seg {
	u32	off;
	u32	len;
	bool	fin;
	u8	tag;
};

static void xtcp_t_expect_queue_at(struct kunit *test, int line,
				   const struct xtcp_t_seg *want, u32 n)
{
	struct xtcp_t_ofo *fx = test->priv;
	struct sk_buff *skb;
	u32 i = 0, bytes = 0;

	for (i = 0; i < n; i++)
		bytes += want[i].len;
	KUNIT_EXPECT_EQ_MSG(test, xtcp_ofo_segs(&fx->q), n, "line %d: segs", line);
	KUNIT_EXPECT_EQ_MSG(test, xtcp_ofo_bytes(&fx->q), bytes, "line %d: bytes", line);
	i = 0;
	skb_rbtree_walk(skb, &fx->q.root) {
		if (i == n) {
			KUNIT_FAIL(test, "line %d: more than %u segments", line, n);
			break;
		}
		xtcp_t_expect_seg_at(test, line, skb, fx->base + want[i].off,
				     want[i].len, want[i].fin, want[i].tag);
		i++;
	}
	KUNIT_EXPECT_EQ_MSG(test, i, n, "line %d: segments walked", line);
}

#define xtcp_t_expect_queue(test, ...) do {				\
	const struct xtcp_t_seg __want[] = { __VA_ARGS__ };		\
	xtcp_t_expect_queue_at(test, __LINE__, __want, ARRAY_SIZE(__want)); \
} while (0)

static void xtcp_t_expect_empty(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;

	KUNIT_EXPECT_TRUE(test, xtcp_ofo_empty(&fx->q));
	KUNIT_EXPECT_EQ(test, xtcp_ofo_segs(&fx->q), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_ofo_bytes(&fx->q), 0U);
}

/* Insert a linear segment at offset @off; RCV.NXT is at offset @rcv. */
static int xtcp_t_ins(struct kunit *test, u32 rcv, u32 off, u32 len, bool fin,
		      u8 tag, u32 limit)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 seq = fx->base + off;

	return xtcp_ofo_insert(&fx->q, xtcp_t_skb(test, seq, len, fin, tag),
			       fx->base + rcv, limit);
}

/* ---- the segment helpers ----------------------------------------------- */

static void xtcp_ofo_skb_trim(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 s = fx->base + 250;		/* [250, 350): crosses 2^32 for "wrap" */
	struct sk_buff *skb;

	skb = xtcp_t_skb(test, s, 100, false, T_OLD);
	__skb_queue_tail(&fx->out, skb);	/* freed by the fixture */
	xtcp_t_expect_seg(test, skb, s, 100, false, T_OLD);
	KUNIT_EXPECT_EQ(test, xtcp_skb_end_seq(skb), s + 100);

	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_front(skb, 0));
	xtcp_t_expect_seg(test, skb, s, 100, false, T_OLD);
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_front(skb, 10));
	xtcp_t_expect_seg(test, skb, s + 10, 90, false, T_OLD);
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_skb_trim_front(skb, 91));
	xtcp_t_expect_seg(test, skb, s + 10, 90, false, T_OLD);

	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(skb, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(skb, 20));
	xtcp_t_expect_seg(test, skb, s + 10, 70, false, T_OLD);
	/* without a FIN the sequence space is the payload */
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_skb_trim_back(skb, 71));
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(skb, 70));
	xtcp_t_expect_seg(test, skb, s + 10, 0, false, T_OLD);
}

static void xtcp_ofo_skb_trim_fin(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 s = fx->base + 200;
	struct sk_buff *a, *b;

	a = xtcp_t_skb(test, s, 100, true, T_OLD);
	__skb_queue_tail(&fx->out, a);
	b = xtcp_t_skb(test, s, 100, true, T_OLD);
	__skb_queue_tail(&fx->out, b);
	/* the FIN is the 101st sequence number */
	KUNIT_EXPECT_EQ(test, xtcp_skb_end_seq(a), s + 101);

	/* all the payload from the front: a FIN-only segment at s + 100 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_front(a, 100));
	xtcp_t_expect_seg(test, a, s + 100, 0, true, T_OLD);
	/* the FIN is not payload: trim_front cannot take it */
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_skb_trim_front(a, 1));
	/* trim_back can */
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_skb_trim_back(a, 2));
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(a, 1));
	xtcp_t_expect_seg(test, a, s + 100, 0, false, T_OLD);

	/* one off the back takes the FIN alone... */
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(b, 1));
	xtcp_t_expect_seg(test, b, s, 100, false, T_OLD);
	/* ...and on a fresh FIN segment, 31 take it and 30 bytes */
	b = xtcp_t_skb(test, s, 100, true, T_OLD);
	__skb_queue_tail(&fx->out, b);
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_skb_trim_back(b, 102));
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(b, 31));
	xtcp_t_expect_seg(test, b, s, 70, false, T_OLD);
}

static void xtcp_ofo_skb_trim_paged(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 s = fx->base + 100;
	struct sk_buff *skb;

	/* [100, 2140): 40 linear bytes, then two fragments of 1000 */
	skb = xtcp_t_paged_skb(test, s, 40, 2, 1000, true, T_NEW);
	__skb_queue_tail(&fx->out, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	KUNIT_EXPECT_EQ(test, skb->data_len, 2000U);
	xtcp_t_expect_seg(test, skb, s, 2040, true, T_NEW);

	/* off the back into the second fragment: FIN + 500 bytes */
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(skb, 501));
	xtcp_t_expect_seg(test, skb, s, 1540, false, T_NEW);
	KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	/* off the front, past the linear part into the first fragment */
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_front(skb, 300));
	xtcp_t_expect_seg(test, skb, s + 300, 1240, false, T_NEW);
	/* and past the end of the first fragment */
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_front(skb, 800));
	xtcp_t_expect_seg(test, skb, s + 1100, 440, false, T_NEW);
	/* the back again, to the last byte */
	KUNIT_EXPECT_EQ(test, 0, xtcp_skb_trim_back(skb, 439));
	xtcp_t_expect_seg(test, skb, s + 1100, 1, false, T_NEW);
}

/* ---- insertion ------------------------------------------------------------ */

static void xtcp_ofo_insert_order(struct kunit *test)
{
	/* RCV.NXT at 100; the segments arrive 400, 200, 600, 300, 500 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 400, 100, false, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 400, 100 });
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 50, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 600, 10, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 1, false, T_OLD, NO_LIMIT));
	/* adjacent on both sides: nothing to trim */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 500, 100, false, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 50 }, { 300, 1 }, { 400, 100 },
			    { 500, 100 }, { 600, 10 });
}

static void xtcp_ofo_insert_before_rcv_nxt(struct kunit *test)
{
	/* wholly before RCV.NXT = 300, or ending at it: nothing new */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 300, 100, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 300, 200, 100, false, T_OLD, NO_LIMIT));
	/* no payload and no FIN: nothing */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 300, 400, 0, false, T_OLD, NO_LIMIT));
	xtcp_t_expect_empty(test);
	/* straddling RCV.NXT: the front is trimmed off */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 300, 250, 100, false, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 300, 50 });
	/* a FIN just at RCV.NXT, its data all received: the FIN alone */
	xtcp_ofo_purge(&((struct xtcp_t_ofo *)test->priv)->q);
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 300, 200, 100, true, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 300, 0, true });
	/* and once RCV.NXT is past the FIN, even that is old */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 301, 200, 100, true, T_OLD, NO_LIMIT));
}

static void xtcp_ofo_insert_duplicate(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	/* the same segment again, with other bytes: the old bytes stay */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 200, 100, false, T_NEW, NO_LIMIT));
	/* inside it, and at each end of it */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 220, 30, false, T_NEW, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 200, 1, false, T_NEW, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 299, 1, false, T_NEW, NO_LIMIT));
	/* partly before RCV.NXT, the rest queued */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 250, 150, 150, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 100, false, T_OLD });
}

static void xtcp_ofo_insert_overlap_left(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	/* [250, 350) over [200, 300): only [300, 350) is new */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 250, 100, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 100, false, T_OLD }, { 300, 50, false, T_NEW });
	/* one byte of overlap */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 349, 11, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 100, false, T_OLD }, { 300, 50, false, T_NEW },
			    { 350, 10, false, T_NEW });
}

static void xtcp_ofo_insert_overlap_right(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	/* [150, 250) under [200, 300): only [150, 200) is new */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 150, 100, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 150, 50, false, T_NEW }, { 200, 100, false, T_OLD });
	/* a FIN in the overlap goes with the bytes it follows */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 120, 40, true, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 120, 30, false, T_NEW }, { 150, 50, false, T_NEW },
			    { 200, 100, false, T_OLD });
}

static void xtcp_ofo_insert_overlap_both(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 400, 100, false, T_OLD, NO_LIMIT));
	/* [250, 450) fills the hole [300, 400) between them exactly */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 250, 200, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 100, false, T_OLD }, { 300, 100, false, T_NEW },
			    { 400, 100, false, T_OLD });
	/* the hole is gone: anything in [200, 500) is a duplicate */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 200, 300, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 100, false, T_OLD }, { 300, 100, false, T_NEW },
			    { 400, 100, false, T_OLD });
}

static void xtcp_ofo_insert_cover(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 50, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 50, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 400, 50, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 500, 50, false, T_OLD, NO_LIMIT));
	/*
	 * [220, 520): trimmed to 250 by [200, 250), covers [300, 350) and
	 * [400, 450) (replaced), cut at 500 by [500, 550): [250, 500).
	 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 220, 300, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 50, false, T_OLD }, { 250, 250, false, T_NEW },
			    { 500, 50, false, T_OLD });
	/* [150, 600) covers all three and takes their place */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 150, 450, true, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 150, 450, true, T_OLD });
}

static void xtcp_ofo_insert_limit(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;

	/* exactly 300 bytes fit under 300 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, 300));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 400, 100, false, T_OLD, 300));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 600, 100, false, T_OLD, 300));
	/* one byte more does not, and changes nothing */
	KUNIT_EXPECT_EQ(test, -ENOBUFS, xtcp_t_ins(test, 100, 800, 1, false, T_NEW, 300));
	/* the limit is on what remains after trimming: [250, 350) is 50 new */
	KUNIT_EXPECT_EQ(test, -ENOBUFS, xtcp_t_ins(test, 100, 250, 100, false, T_NEW, 349));
	/* a covering segment is charged its size less what it replaces */
	KUNIT_EXPECT_EQ(test, -ENOBUFS, xtcp_t_ins(test, 100, 350, 200, false, T_NEW, 399));
	xtcp_t_expect_queue(test, { 200, 100 }, { 400, 100 }, { 600, 100 });
	/* a duplicate is a duplicate, full queue or not */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 400, 100, false, T_NEW, 300));
	/* a FIN carries no payload: it fits a full queue */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 700, 0, true, T_OLD, 300));
	/* 300 - 100 + 200 = 400 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 350, 200, false, T_NEW, 400));
	/* 400 + 50 = 450 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 250, 100, false, T_NEW, 450));
	xtcp_t_expect_queue(test, { 200, 100, false, T_OLD }, { 300, 50, false, T_NEW },
			    { 350, 200, false, T_NEW }, { 600, 100, false, T_OLD },
			    { 700, 0, true });
	KUNIT_EXPECT_EQ(test, xtcp_ofo_bytes(&fx->q), 450U);
	/* a lower limit later refuses any growth, but keeps what is queued */
	KUNIT_EXPECT_EQ(test, -ENOBUFS, xtcp_t_ins(test, 100, 150, 1, false, T_NEW, 100));
	KUNIT_EXPECT_EQ(test, xtcp_ofo_segs(&fx->q), 5U);
}

static void xtcp_ofo_insert_fin(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;

	/* [300, 400) + FIN at 400: the stream ends at 401 */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 100, true, T_OLD, NO_LIMIT));
	/* nothing after the FIN: data, or another FIN */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 401, 100, false, T_NEW, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 400, 100, true, T_NEW, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 500, 10, true, T_NEW, NO_LIMIT));
	/* the same FIN segment again */
	KUNIT_EXPECT_EQ(test, XTCP_OFO_NOTHING_NEW,
			xtcp_t_ins(test, 100, 300, 100, true, T_NEW, NO_LIMIT));
	/* [200, 450) is cut at the FIN, then at [300, 401): [200, 300) */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 250, false, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 200, 100, false, T_NEW }, { 300, 100, true, T_OLD });

	/* a FIN before queued data is wrong; the data stays, the FIN goes */
	xtcp_ofo_purge(&fx->q);
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 150, 50, true, T_NEW, NO_LIMIT));
	/* a FIN where the queued data starts is wrong as well */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 250, 50, true, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 150, 50, false, T_NEW }, { 250, 50, false, T_NEW },
			    { 300, 100, false, T_OLD });
	/* a FIN right after the queued data: a FIN-only segment */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 100, true, T_NEW, NO_LIMIT));
	xtcp_t_expect_queue(test, { 150, 50, false, T_NEW }, { 250, 50, false, T_NEW },
			    { 300, 100, false, T_OLD }, { 400, 0, true });
}

/* Trimming and covering on paged skbs, checked after a drain. */
static void xtcp_ofo_insert_paged(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	struct sk_buff *skb;
	u32 b = fx->base;

	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 1000, 100, false, T_OLD, NO_LIMIT));
	/* [500, 1050): 100 linear + 2 x 225 paged; keeps [500, 1000) */
	skb = xtcp_t_paged_skb(test, b + 500, 100, 2, 225, false, T_NEW);
	KUNIT_EXPECT_EQ(test, 0, xtcp_ofo_insert(&fx->q, skb, b + 100, NO_LIMIT));
	/* [1050, 2100) + FIN, paged from the start: keeps [1100, 2100) + FIN */
	skb = xtcp_t_paged_skb(test, b + 1050, 0, 3, 350, true, T_NEW);
	KUNIT_EXPECT_EQ(test, 0, xtcp_ofo_insert(&fx->q, skb, b + 100, NO_LIMIT));
	xtcp_t_expect_queue(test, { 500, 500, false, T_NEW }, { 1000, 100, false, T_OLD },
			    { 1100, 1000, true, T_NEW });
	/* RCV.NXT 700: the first is trimmed in its first fragment */
	KUNIT_EXPECT_EQ(test, b + 2101, xtcp_ofo_drain(&fx->q, b + 700, &fx->out));
	xtcp_t_expect_empty(test);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&fx->out), 3U);
	skb = skb_peek(&fx->out);
	xtcp_t_expect_seg(test, skb, b + 700, 300, false, T_NEW);
	skb = skb_peek_next(skb, &fx->out);
	xtcp_t_expect_seg(test, skb, b + 1000, 100, false, T_OLD);
	skb = skb_peek_next(skb, &fx->out);
	xtcp_t_expect_seg(test, skb, b + 1100, 1000, true, T_NEW);
}

/* ---- draining -------------------------------------------------------------- */

static void xtcp_ofo_drain_hole(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;

	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 400, 100, true, T_OLD, NO_LIMIT));
	/* RCV.NXT 100, then 199: a hole before 200, nothing moves */
	KUNIT_EXPECT_EQ(test, fx->base + 100, xtcp_ofo_drain(&fx->q, fx->base + 100, &fx->out));
	KUNIT_EXPECT_EQ(test, fx->base + 199, xtcp_ofo_drain(&fx->q, fx->base + 199, &fx->out));
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&fx->out));
	xtcp_t_expect_queue(test, { 200, 100 }, { 400, 100, true });
	/* RCV.NXT 200: the first moves; the hole [300, 400) holds the rest */
	KUNIT_EXPECT_EQ(test, fx->base + 300, xtcp_ofo_drain(&fx->q, fx->base + 200, &fx->out));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&fx->out), 1U);
	xtcp_t_expect_seg(test, skb_peek(&fx->out), fx->base + 200, 100, false, T_OLD);
	xtcp_t_expect_queue(test, { 400, 100, true });
}

static void xtcp_ofo_drain_fill(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 b = fx->base, at, n = 0;
	struct sk_buff *skb;

	/* the segments of [150, 650) but [150, 200), in a scrambled order */
	static const u32 offs[] = { 500, 250, 600, 200, 450, 300, 400, 350, 550 };
	int i;

	for (i = 0; i < ARRAY_SIZE(offs); i++)
		KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 150, offs[i], 50, false,
						    T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, b + 150, xtcp_ofo_drain(&fx->q, b + 150, &fx->out));
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&fx->out));
	/* [150, 220) arrives in order: RCV.NXT 220, inside [200, 250) */
	KUNIT_EXPECT_EQ(test, b + 650, xtcp_ofo_drain(&fx->q, b + 220, &fx->out));
	xtcp_t_expect_empty(test);
	/* in order, contiguous, the first trimmed to start at 220 */
	KUNIT_EXPECT_EQ(test, skb_queue_len(&fx->out), 9U);
	at = b + 220;
	skb_queue_walk(&fx->out, skb) {
		u32 len = n ? 50 : 30;

		xtcp_t_expect_seg(test, skb, at, len, false, T_OLD);
		at += len;
		n++;
	}
	KUNIT_EXPECT_EQ(test, at, b + 650);
}

static void xtcp_ofo_drain_stale(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 b = fx->base;

	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 500, 100, false, T_OLD, NO_LIMIT));
	/*
	 * An in-order segment took RCV.NXT to 400 past both: they go, freed,
	 * nothing is delivered twice, and the hole before 500 stays.
	 */
	KUNIT_EXPECT_EQ(test, b + 400, xtcp_ofo_drain(&fx->q, b + 400, &fx->out));
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&fx->out));
	xtcp_t_expect_queue(test, { 500, 100 });
	/* to 599: one byte of it is new */
	KUNIT_EXPECT_EQ(test, b + 600, xtcp_ofo_drain(&fx->q, b + 599, &fx->out));
	KUNIT_ASSERT_EQ(test, skb_queue_len(&fx->out), 1U);
	xtcp_t_expect_seg(test, skb_peek(&fx->out), b + 599, 1, false, T_OLD);
	xtcp_t_expect_empty(test);
	/* an empty queue leaves RCV.NXT alone */
	KUNIT_EXPECT_EQ(test, b + 7, xtcp_ofo_drain(&fx->q, b + 7, &fx->out));
}

static void xtcp_ofo_drain_fin(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 b = fx->base;

	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 300, 100, true, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	/* RCV.NXT moves over the data and the FIN */
	KUNIT_EXPECT_EQ(test, b + 401, xtcp_ofo_drain(&fx->q, b + 200, &fx->out));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&fx->out), 2U);
	xtcp_t_expect_seg(test, skb_peek_tail(&fx->out), b + 300, 100, true, T_OLD);
	xtcp_t_expect_empty(test);

	/* a FIN-only segment: RCV.NXT moves by one */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 500, 600, 0, true, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 600, 0, true });
	KUNIT_EXPECT_EQ(test, b + 601, xtcp_ofo_drain(&fx->q, b + 600, &fx->out));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&fx->out), 3U);
	xtcp_t_expect_seg(test, skb_peek_tail(&fx->out), b + 600, 0, true, T_OLD);

	/* data all received in order, FIN still new: the FIN moves alone */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 700, 800, 50, true, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, b + 851, xtcp_ofo_drain(&fx->q, b + 850, &fx->out));
	xtcp_t_expect_seg(test, skb_peek_tail(&fx->out), b + 850, 0, true, T_OLD);
	xtcp_t_expect_empty(test);
}

static void xtcp_ofo_purge_reuse(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;

	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 200, 100, false, T_OLD, NO_LIMIT));
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 400, 100, true, T_OLD, NO_LIMIT));
	xtcp_ofo_purge(&fx->q);
	xtcp_t_expect_empty(test);
	/* usable again, and the purged FIN no longer limits it */
	KUNIT_EXPECT_EQ(test, 0, xtcp_t_ins(test, 100, 600, 10, false, T_OLD, NO_LIMIT));
	xtcp_t_expect_queue(test, { 600, 10 });
}

/*
 * Against a model, as the receive path would drive it: random segments in
 * the window [RCV.NXT, RCV.NXT + 1500) (some starting before RCV.NXT, some
 * at it), every one through the queue, a drain after each, the same bytes
 * for the same sequence numbers, and a 1200-byte limit.  When the segment
 * at RCV.NXT does not fit, the caller makes room by purging (as Linux
 * prunes its out-of-order queue).  The queue must always hold exactly the
 * bytes the model has after RCV.NXT, in order and disjoint, each insertion
 * must return what the model predicts, and the drains must deliver the
 * stream byte for byte.
 */
#define XTCP_T_STREAM	48000
#define XTCP_T_WINDOW	1500
#define XTCP_T_LIMIT	1200

static u32 xtcp_t_rand(u32 *state)
{
	*state = *state * 1103515245 + 12345;
	return *state >> 8;
}

/* set bits in [a, b) */
static u32 xtcp_t_weight(const unsigned long *map, u32 a, u32 b)
{
	return bitmap_weight(map, b) - bitmap_weight(map, a);
}

static void xtcp_ofo_model(struct kunit *test)
{
	struct xtcp_t_ofo *fx = test->priv;
	u32 rnd = 42, rcv = 0, iter, purges = 0, refused = 0, dups = 0;
	unsigned long *have;
	struct sk_buff *skb;

	have = kunit_kcalloc(test, BITS_TO_LONGS(XTCP_T_STREAM + 1),
			     sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, have);

	for (iter = 0; iter < 8000 && rcv < XTCP_T_STREAM; iter++) {
		u32 r = xtcp_t_rand(&rnd), off, end, from, want_new, bytes;
		u32 last_end = fx->base + rcv, held = 0, n = 0, at;
		int ret, want;

		if (r % 8 == 0)
			off = rcv;
		else if (r % 8 == 1)
			off = rcv - min(rcv, xtcp_t_rand(&rnd) % 200);
		else
			off = rcv + xtcp_t_rand(&rnd) % XTCP_T_WINDOW;
		end = off + 1 + xtcp_t_rand(&rnd) % 300;
		end = min3(end, rcv + XTCP_T_WINDOW, (u32)XTCP_T_STREAM);
		if (off >= end)
			continue;
		from = max(off, rcv);
		want_new = end > from ? end - from - xtcp_t_weight(have, from, end) : 0;
		bytes = xtcp_ofo_bytes(&fx->q);
		if (!want_new)
			want = XTCP_OFO_NOTHING_NEW;
		else if (bytes + want_new > XTCP_T_LIMIT)
			want = -ENOBUFS;
		else
			want = 0;
		ret = xtcp_ofo_insert(&fx->q, xtcp_t_skb(test, fx->base + off,
							 end - off, false, T_OLD),
				      fx->base + rcv, XTCP_T_LIMIT);
		KUNIT_ASSERT_EQ_MSG(test, ret, want, "iteration %u: [%u, %u) at %u",
				    iter, off, end, rcv);
		dups += ret == XTCP_OFO_NOTHING_NEW;
		if (ret == -ENOBUFS) {
			refused++;
			KUNIT_EXPECT_EQ(test, xtcp_ofo_bytes(&fx->q), bytes);
			if (off > rcv)
				continue;
			/* make room for the in-order segment */
			xtcp_ofo_purge(&fx->q);
			bitmap_clear(have, rcv, XTCP_T_STREAM - rcv);
			purges++;
			ret = xtcp_ofo_insert(&fx->q,
					      xtcp_t_skb(test, fx->base + off, end - off,
							 false, T_OLD),
					      fx->base + rcv, XTCP_T_LIMIT);
			KUNIT_ASSERT_EQ(test, ret, 0);
		}
		if (!ret)
			bitmap_set(have, from, end - from);

		/* sorted, disjoint, after RCV.NXT, and exactly the model's bytes */
		skb_rbtree_walk(skb, &fx->q.root) {
			u32 s = XTCP_SKB_CB(skb)->seg.seq;

			KUNIT_EXPECT_TRUE(test, xtcp_seq_geq(s, last_end));
			KUNIT_EXPECT_GT(test, skb->len, 0U);
			KUNIT_EXPECT_EQ(test, xtcp_t_weight(have, s - fx->base,
							    s - fx->base + skb->len),
					skb->len);
			last_end = s + skb->len;
			held += skb->len;
			n++;
		}
		KUNIT_EXPECT_EQ(test, held, xtcp_ofo_bytes(&fx->q));
		KUNIT_EXPECT_EQ(test, n, xtcp_ofo_segs(&fx->q));
		KUNIT_EXPECT_LE(test, held, (u32)XTCP_T_LIMIT);
		KUNIT_EXPECT_EQ(test, held, xtcp_t_weight(have, rcv, XTCP_T_STREAM));
		KUNIT_ASSERT_EQ(test, test->status, KUNIT_SUCCESS);

		/* RCV.NXT moves to the first byte not yet received */
		at = rcv;
		rcv = find_next_zero_bit(have, XTCP_T_STREAM + 1, rcv);
		KUNIT_EXPECT_EQ(test, xtcp_ofo_drain(&fx->q, fx->base + at, &fx->out),
				fx->base + rcv);
		while ((skb = __skb_dequeue(&fx->out))) {
			xtcp_t_expect_seg(test, skb, fx->base + at, skb->len, false, T_OLD);
			at += skb->len;
			kfree_skb(skb);
		}
		KUNIT_ASSERT_EQ(test, at, rcv);
	}
	/* the whole stream went through, and every path was taken */
	KUNIT_EXPECT_EQ(test, rcv, (u32)XTCP_T_STREAM);
	KUNIT_EXPECT_GT(test, dups, 0U);
	KUNIT_EXPECT_GT(test, refused, 0U);
	kunit_info(test, "%u segments, %u duplicates, %u refused, %u purges",
		   iter, dups, refused, purges);
}

static struct kunit_case xtcp_ofo_cases[] = {
	KUNIT_CASE_PARAM(xtcp_ofo_skb_trim, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_skb_trim_fin, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_skb_trim_paged, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_order, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_before_rcv_nxt, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_duplicate, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_overlap_left, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_overlap_right, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_overlap_both, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_cover, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_limit, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_fin, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_insert_paged, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_drain_hole, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_drain_fill, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_drain_stale, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_drain_fin, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_purge_reuse, xtcp_t_bases_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_model, xtcp_t_bases_gen_params),
	{}
};

static struct kunit_suite xtcp_ofo_suite = {
	.name = "xtcp_ofo",
	.init = xtcp_t_ofo_init,
	.exit = xtcp_t_ofo_exit,
	.test_cases = xtcp_ofo_cases,
};

kunit_test_suites(&xtcp_ofo_suite);
