// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: received segments that lie after RCV.NXT, held
 * until the gap before them fills (RFC 9293 §3.10.7.4, seventh, "process
 * the segment text": segments beyond RCV.NXT are held for later
 * processing).  See ofo.h for the invariants.
 *
 * Overlaps keep the data that was queued first: a new segment is trimmed
 * against its neighbours and dropped when nothing new remains, except that
 * queued segments it covers entirely are replaced by it when it also fills
 * a hole beside or between them (one skb instead of several).  Only payload
 * bytes count against the caller's limit, and a segment that would take the
 * queue past it is refused whole, leaving the queue as it was.
 */
#include <linux/errno.h>
#include <linux/rbtree.h>
#include <linux/skbuff.h>

#include "compat_pure.h"
#include "ofo.h"
#include "seq.h"

/**
 * xtcp_skb_trim_front() - drop payload from the start of a segment
 * @skb: a segment whose header has been pulled; linear or paged
 * @bytes: how many payload bytes to drop, at most skb->len
 *
 * Advances seg.seq by @bytes and keeps seg.len equal to skb->len.  All the
 * payload may go: a FIN-only segment remains.  Paged data before the cut
 * is pulled into the linear area first (pskb_pull()), which may allocate.
 * skb->csum is not updated: the checksum was verified on arrival.
 *
 * Return: 0, -EINVAL if @bytes > skb->len, or -ENOMEM (the skb unchanged).
 */
int xtcp_skb_trim_front(struct sk_buff *skb, u32 bytes)
{
	struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;

	if (bytes > skb->len)
		return -EINVAL;
	if (!bytes)
		return 0;
	if (!pskb_pull(skb, bytes))
		return -ENOMEM;
	seg->seq += bytes;
	seg->len = skb->len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_skb_trim_front);

/**
 * xtcp_skb_trim_back() - drop sequence space from the end of a segment
 * @skb: a segment whose header has been pulled; linear or paged
 * @bytes: how many sequence numbers to drop from the end, FIN included
 *
 * A FIN is the last sequence number, so with XTCP_FIN set the first of
 * @bytes removes it and the rest come off the payload (pskb_trim()).
 * Keeps seg.len equal to skb->len.
 *
 * Return: 0, -EINVAL if @bytes exceeds the segment's sequence space, or
 * -ENOMEM (the skb unchanged).
 */
int xtcp_skb_trim_back(struct sk_buff *skb, u32 bytes)
{
	struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	bool fin = xtcp_skb_fin(skb);
	u32 cut;

	if (bytes > skb->len + fin)
		return -EINVAL;
	if (!bytes)
		return 0;
	cut = bytes - fin;
	if (cut && pskb_trim(skb, skb->len - cut))
		return -ENOMEM;
	if (fin)
		seg->flags &= ~XTCP_FIN;
	seg->len = skb->len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_skb_trim_back);

/**
 * xtcp_ofo_init() - make an empty queue
 * @q: the queue
 */
void xtcp_ofo_init(struct xtcp_ofo *q)
{
	q->root = RB_ROOT;
	q->bytes = 0;
	q->segs = 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ofo_init);

/**
 * xtcp_ofo_purge() - free every queued segment
 * @q: the queue; empty afterwards, ready for use
 */
void xtcp_ofo_purge(struct xtcp_ofo *q)
{
	struct rb_node *p = rb_first(&q->root);

	/* skb_rbtree_purge(), which the kernel does not export */
	while (p) {
		struct sk_buff *skb = rb_to_skb(p);

		p = rb_next(p);
		rb_erase(&skb->rbnode, &q->root);
		kfree_skb(skb);
	}
	q->bytes = 0;
	q->segs = 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ofo_purge);

/* The queued segment with the greatest start at or before @seq, or NULL. */
static struct sk_buff *xtcp_ofo_floor(const struct xtcp_ofo *q, u32 seq)
{
	struct rb_node *n = q->root.rb_node;
	struct sk_buff *best = NULL;

	while (n) {
		struct sk_buff *skb = rb_to_skb(n);

		if (xtcp_seq_leq(xtcp_skb_seq(skb), seq)) {
			best = skb;
			n = n->rb_right;
		} else {
			n = n->rb_left;
		}
	}
	return best;
}

static void xtcp_ofo_link(struct xtcp_ofo *q, struct sk_buff *skb)
{
	struct rb_node **p = &q->root.rb_node, *parent = NULL;
	u32 seq = xtcp_skb_seq(skb);

	while (*p) {
		parent = *p;
		if (xtcp_seq_before(seq, xtcp_skb_seq(rb_to_skb(parent))))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &q->root);
	q->bytes += skb->len;
	q->segs++;
}

/* skb->dev shares its storage with skb->rbnode: leave it NULL, as TCP does. */
static void xtcp_ofo_unlink(struct xtcp_ofo *q, struct sk_buff *skb)
{
	rb_erase(&skb->rbnode, &q->root);
	skb->dev = NULL;
	q->bytes -= skb->len;
	q->segs--;
}

/**
 * xtcp_ofo_insert() - queue a segment that arrived out of order
 * @q: the queue
 * @skb: the segment, header pulled, seg.seq and seg.flags set; not on any
 *	list.  Consumed in every case.
 * @rcv_nxt: RCV.NXT; sequence space before it is trimmed off
 * @limit_bytes: the most payload the queue may hold once @skb is in it
 *
 * Trims what lies before @rcv_nxt, then what overlaps segments already
 * queued (their data is kept), and removes the queued segments @skb covers
 * entirely when it also fills a hole between or beside them.  A queued FIN
 * ends the stream: nothing after it is taken.  A new FIN with data queued
 * at or after it is dropped (the data stays).  When the result would hold
 * more than @limit_bytes of payload, nothing changes.  A segment starting
 * at @rcv_nxt is taken too (xtcp_ofo_drain() then moves it at once).  The
 * queue's sequence numbers must span less than 2^31 (any window does).
 *
 * Ownership: on 0 the queue owns @skb; otherwise @skb has been freed here.
 *
 * Return: 0 if queued; XTCP_OFO_NOTHING_NEW if @skb held no sequence
 * number that was neither before @rcv_nxt nor queued already (a duplicate);
 * -ENOBUFS if it did not fit under @limit_bytes; -ENOMEM if trimming it
 * failed.  The queue is unchanged unless 0 is returned.
 */
int xtcp_ofo_insert(struct xtcp_ofo *q, struct sk_buff *skb, u32 rcv_nxt,
		    u32 limit_bytes)
{
	u32 seq = xtcp_skb_seq(skb), end = xtcp_skb_end_seq(skb);
	u32 orig_seq = seq, orig_end = end, covered = 0, ncovered = 0, len;
	struct sk_buff *prev, *next, *last;
	bool fin = xtcp_skb_fin(skb);
	int err;

	/* Already received. */
	if (xtcp_seq_before(seq, rcv_nxt))
		seq = rcv_nxt;

	last = skb_rb_last(&q->root);
	if (last && xtcp_skb_fin(last)) {
		/* Nothing follows a queued FIN, not even another FIN. */
		u32 fin_seq = xtcp_skb_end_seq(last) - 1;

		if (xtcp_seq_after(end, fin_seq))
			end = fin_seq;
	} else if (last && fin &&
		   xtcp_seq_geq(xtcp_skb_end_seq(last), end)) {
		/* Data is queued at or after the new FIN: that FIN is wrong. */
		end--;
	}
	if (!xtcp_seq_before(seq, end))
		goto nothing_new;

	/* The segment before: its data wins. */
	prev = xtcp_ofo_floor(q, seq);
	if (prev) {
		u32 prev_end = xtcp_skb_end_seq(prev);

		if (xtcp_seq_geq(prev_end, end))
			goto nothing_new;
		if (xtcp_seq_after(prev_end, seq))
			seq = prev_end;
	}

	/*
	 * The segments after: those inside [seq, end) are replaced; the first
	 * one that reaches past end keeps its data and cuts ours short.
	 */
	next = prev ? skb_rb_next(prev) : skb_rb_first(&q->root);
	for (; next && xtcp_seq_before(xtcp_skb_seq(next), end);
	     next = skb_rb_next(next)) {
		if (xtcp_seq_after(xtcp_skb_end_seq(next), end)) {
			end = xtcp_skb_seq(next);
			break;
		}
		covered += next->len;
		ncovered++;
	}
	fin = fin && end == orig_end;
	len = end - seq - fin;
	/* Only queued segments, back to back, and no FIN of its own. */
	if (len == covered && !fin)
		goto nothing_new;

	/* The bound, before anything changes. */
	if ((u64)q->bytes - covered + len > limit_bytes) {
		kfree_skb(skb);
		return -ENOBUFS;
	}

	/* The back first: less for pskb_pull() to copy from a paged skb. */
	err = xtcp_skb_trim_back(skb, orig_end - end);
	if (!err)
		err = xtcp_skb_trim_front(skb, seq - orig_seq);
	if (err) {
		kfree_skb(skb);
		return err;
	}

	next = prev ? skb_rb_next(prev) : skb_rb_first(&q->root);
	while (ncovered--) {
		struct sk_buff *gone = next;

		next = skb_rb_next(next);
		xtcp_ofo_unlink(q, gone);
		consume_skb(gone);
	}
	xtcp_ofo_link(q, skb);
	return 0;

nothing_new:
	consume_skb(skb);
	return XTCP_OFO_NOTHING_NEW;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ofo_insert);

/**
 * xtcp_ofo_drain() - move the segments that the gap no longer holds back
 * @q: the queue
 * @rcv_nxt: RCV.NXT, after the in-order segment has been taken
 * @out: where they go, appended at the tail in sequence order; not locked
 *	here (pass a private list, or hold the lock that guards it)
 *
 * Every queued segment that starts at or before @rcv_nxt leaves the queue:
 * one with nothing after @rcv_nxt is freed, any other has its
 * already-received front trimmed off, goes to @out, and moves @rcv_nxt to
 * its end (past its FIN, if it has one).  Segments on @out have skb->dev
 * NULL (its storage was the rbtree's).  Should trimming fail for lack of
 * memory, the segment stays queued and draining stops there; the next
 * call retries it.
 *
 * Return: the new RCV.NXT.
 */
u32 xtcp_ofo_drain(struct xtcp_ofo *q, u32 rcv_nxt, struct sk_buff_head *out)
{
	struct sk_buff *skb;

	while ((skb = skb_rb_first(&q->root))) {
		u32 seq = xtcp_skb_seq(skb), end = xtcp_skb_end_seq(skb);

		if (xtcp_seq_after(seq, rcv_nxt))
			break;
		if (!xtcp_seq_after(end, rcv_nxt)) {
			xtcp_ofo_unlink(q, skb);
			consume_skb(skb);
			continue;
		}
		if (seq != rcv_nxt) {
			u32 len = skb->len;

			/* seq stays after its predecessor: the key order holds */
			if (xtcp_skb_trim_front(skb, rcv_nxt - seq))
				break;
			q->bytes -= len - skb->len;
		}
		xtcp_ofo_unlink(q, skb);
		__skb_queue_tail(out, skb);
		rcv_nxt = end;
	}
	return rcv_nxt;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ofo_drain);
