/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The out-of-order queue (RFC 9293 §3.10.7.4, seventh: segments that lie in
 * the window but after RCV.NXT are held until the gap before them fills).
 *
 * A queued skb's payload is skb->data for skb->len bytes (the header has
 * been pulled); it occupies the sequence numbers
 * [XTCP_SKB_CB(skb)->seg.seq, xtcp_skb_end_seq(skb)), its FIN, if any, last.
 * The queue is an rbtree keyed by seq (as Linux's TCP out_of_order_queue)
 * and keeps these invariants:
 *
 * - segments never overlap, and every one holds at least one sequence
 *   number (payload or FIN);
 * - at most one segment carries a FIN, and it is the last one;
 * - @bytes, the payload queued, never exceeds the limit the caller passed
 *   to the insertion that made it.
 *
 * Nothing here locks: the socket lock serializes all of it.
 */
#ifndef _XTCP_OFO_H
#define _XTCP_OFO_H

#include <linux/build_bug.h>
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "state.h"

/* A received segment's control block: its header, parsed (input.c). */
struct xtcp_skb_cb {
	struct xtcp_seg	seg;
	/* write queue: MSG_EOR ended a write here; nothing joins it (send.c) */
	bool		eor;
	/* write queue: RACK (rack.c): XTCP_RACK_* bits, the last send's time */
	u8		rack;
	u32		xmit_us;
};

#define XTCP_RACK_RETRANS	BIT(0)	/* sent more than once */
#define XTCP_RACK_SACKED	BIT(1)	/* delivered: SACKed, seen by RACK */
#define XTCP_RACK_LOST		BIT(2)	/* RACK marked it lost, not resent yet */

#define XTCP_SKB_CB(skb) ((struct xtcp_skb_cb *)&((skb)->cb[0]))
static_assert(sizeof(struct xtcp_skb_cb) <= sizeof_field(struct sk_buff, cb));

/* A queued segment's sequence number (send and receive queues alike). */
static inline u32 xtcp_skb_seq(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->seg.seq;
}

static inline bool xtcp_skb_fin(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->seg.flags & XTCP_FIN;
}

/*
 * The sequence number after a queued segment, its header pulled: the
 * payload, and a FIN takes the one after it (RFC 9293 §3.4).
 */
static inline u32 xtcp_skb_end_seq(const struct sk_buff *skb)
{
	return xtcp_skb_seq(skb) + skb->len + xtcp_skb_fin(skb);
}

/* xtcp_ofo_insert(): the segment held nothing new and was freed. */
#define XTCP_OFO_NOTHING_NEW	1

/**
 * struct xtcp_ofo - an out-of-order queue
 * @root: the segments, keyed by XTCP_SKB_CB(skb)->seg.seq
 * @bytes: payload bytes queued (FINs not counted)
 * @segs: segments queued
 */
struct xtcp_ofo {
	struct rb_root	root;
	u32		bytes;
	u32		segs;
};

int xtcp_skb_trim_front(struct sk_buff *skb, u32 bytes);
int xtcp_skb_trim_back(struct sk_buff *skb, u32 bytes);

void xtcp_ofo_init(struct xtcp_ofo *q);
void xtcp_ofo_purge(struct xtcp_ofo *q);
int xtcp_ofo_insert(struct xtcp_ofo *q, struct sk_buff *skb, u32 rcv_nxt,
		    u32 limit_bytes);
u32 xtcp_ofo_drain(struct xtcp_ofo *q, u32 rcv_nxt, struct sk_buff_head *out);

/**
 * xtcp_ofo_empty() - is the queue empty?
 * @q: the queue
 *
 * Return: true when no segment is queued.
 */
static inline bool xtcp_ofo_empty(const struct xtcp_ofo *q)
{
	return RB_EMPTY_ROOT(&q->root);
}

/**
 * xtcp_ofo_bytes() - payload bytes queued
 * @q: the queue
 *
 * Return: the payload bytes held, FINs not counted.
 */
static inline u32 xtcp_ofo_bytes(const struct xtcp_ofo *q)
{
	return q->bytes;
}

/**
 * xtcp_ofo_segs() - segments queued
 * @q: the queue
 *
 * Return: the number of skbs held.
 */
static inline u32 xtcp_ofo_segs(const struct xtcp_ofo *q)
{
	return q->segs;
}

#endif /* _XTCP_OFO_H */
