// SPDX-License-Identifier: GPL-2.0
/*
 * Selective acknowledgments, pure: see sack.h.
 *
 * The receiver keeps its blocks as Linux's selective_acks[] does
 * (tcp_sack_new_ofo_skb(), tcp_sack_remove()): a segment queued out of
 * order joins, or starts, a block that moves to the front (RFC 2018 §4:
 * "the first SACK block ... MUST specify the contiguous block of data
 * containing the segment which triggered this ACK"); the others keep
 * their order, most recent first; a fifth pushes the oldest out (its data
 * stays queued, only unreported until it changes again); RCV.NXT reaching
 * a block removes it.
 *
 * The sender's scoreboard is a short sorted list of SACKed ranges over
 * [SND.UNA, SND.NXT), not flags on the write queue's skbs: a super-segment
 * SACKed in part needs no split, and the write queue stays as send.c
 * keeps it.  RFC 6675's IsLost() and the pipe are computed from it; a hole
 * is IsLost() throughout, since nothing inside it is SACKed.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "compat_pure.h"
#include "sack.h"
#include "seq.h"

void xtcp_sack_rcv_reset(struct xtcp_sack_rcv *r)
{
	memset(r, 0, sizeof(*r));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_rcv_reset);

/* Do [a) and [b) overlap or touch? */
static bool xtcp_sack_touch(const struct xtcp_sack_block *a,
			    const struct xtcp_sack_block *b)
{
	return xtcp_seq_leq(a->start, b->end) && xtcp_seq_leq(b->start, a->end);
}

static void xtcp_sack_union(struct xtcp_sack_block *a,
			    const struct xtcp_sack_block *b)
{
	if (xtcp_seq_before(b->start, a->start))
		a->start = b->start;
	if (xtcp_seq_after(b->end, a->end))
		a->end = b->end;
}

/**
 * xtcp_sack_rcv_add - [@start, @end) was queued out of order
 * @r: the receiver's blocks
 * @start: the segment's first sequence number
 * @end: the one after its last
 *
 * The segment merges with every block it overlaps or touches; the result
 * is the first block, the others follow in their order; beyond
 * XTCP_SACK_MAX_BLOCKS the oldest is forgotten.
 */
void xtcp_sack_rcv_add(struct xtcp_sack_rcv *r, u32 start, u32 end)
{
	struct xtcp_sack_block nb = { start, end }, keep[XTCP_SACK_MAX_BLOCKS];
	int i, k = 0;

	if (!xtcp_seq_before(start, end))
		return;
	for (i = 0; i < r->nblocks; i++) {
		if (xtcp_sack_touch(&r->blocks[i], &nb))
			xtcp_sack_union(&nb, &r->blocks[i]);
		else
			keep[k++] = r->blocks[i];
	}
	/* a merge may reach a block seen before the one that made it touch */
	for (i = 0; i < k; i++) {
		if (xtcp_sack_touch(&keep[i], &nb)) {
			xtcp_sack_union(&nb, &keep[i]);
			memmove(&keep[i], &keep[i + 1], (k - i - 1) * sizeof(nb));
			k--;
			i = -1;
		}
	}
	r->blocks[0] = nb;
	k = min(k, XTCP_SACK_MAX_BLOCKS - 1);
	memcpy(&r->blocks[1], keep, k * sizeof(nb));
	r->nblocks = k + 1;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_rcv_add);

/* RCV.NXT moved to @rcv_nxt: blocks it reached are in order now. */
void xtcp_sack_rcv_advance(struct xtcp_sack_rcv *r, u32 rcv_nxt)
{
	int i, k = 0;

	for (i = 0; i < r->nblocks; i++)
		if (xtcp_seq_after(r->blocks[i].start, rcv_nxt))
			r->blocks[k++] = r->blocks[i];
	r->nblocks = k;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_rcv_advance);

/*
 * A duplicate [@start, @end) arrived (RFC 2883 §4): report it in the first
 * block of the next ACK.  A second duplicate before that ACK replaces the
 * first, or extends it when they touch (tcp_dsack_extend()).
 */
void xtcp_sack_rcv_dsack(struct xtcp_sack_rcv *r, u32 start, u32 end)
{
	struct xtcp_sack_block nb = { start, end };

	if (!xtcp_seq_before(start, end))
		return;
	if (r->dsack_set && xtcp_sack_touch(&r->dsack, &nb))
		xtcp_sack_union(&r->dsack, &nb);
	else
		r->dsack = nb;
	r->dsack_set = true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_rcv_dsack);

/**
 * xtcp_sack_rcv_fill - the blocks for the next ACK
 * @r: the receiver's blocks
 * @out: at least @max blocks
 * @max: how many fit (4, 3 beside timestamps, fewer on a data segment)
 *
 * The D-SACK block first, then (RFC 2883 §4.2.1, "the second block
 * SHOULD specify the block containing the duplicate") the block holding
 * it, then the rest most recent first.
 *
 * Return: the number of blocks written.
 */
int xtcp_sack_rcv_fill(const struct xtcp_sack_rcv *r,
		       struct xtcp_sack_block *out, int max)
{
	int i, n = 0, holder = -1;

	if (max <= 0)
		return 0;
	if (r->dsack_set) {
		out[n++] = r->dsack;
		for (i = 0; i < r->nblocks; i++) {
			if (xtcp_seq_leq(r->blocks[i].start, r->dsack.start) &&
			    xtcp_seq_leq(r->dsack.end, r->blocks[i].end)) {
				holder = i;
				if (n < max)
					out[n++] = r->blocks[i];
				break;
			}
		}
	}
	for (i = 0; i < r->nblocks && n < max; i++)
		if (i != holder)
			out[n++] = r->blocks[i];
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_rcv_fill);

void xtcp_sack_sb_reset(struct xtcp_sack_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_sb_reset);

/**
 * xtcp_sack_is_dsack - does an ACK's first block report a duplicate?
 * @b: the ACK's blocks
 * @n: how many
 * @ack: its cumulative acknowledgment
 *
 * RFC 2883 §4: the first block lies below the cumulative ACK, or within
 * the second block (tcp_check_dsack()).
 *
 * Return: true if b[0] is a D-SACK block.
 */
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *b, int n, u32 ack)
{
	if (n < 1)
		return false;
	if (xtcp_seq_before(b[0].start, ack))
		return true;
	return n > 1 && xtcp_seq_geq(b[0].start, b[1].start) &&
	       xtcp_seq_leq(b[0].end, b[1].end);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_is_dsack);

/* Insert [@nb) into the sorted list, merging; forget the highest if full. */
static u32 xtcp_sack_sb_insert(struct xtcp_sack_sb *sb,
			       struct xtcp_sack_block nb)
{
	u32 before = sb->sacked, sum = 0;
	int i = 0, j;

	/* the first range that ends at or after nb's start */
	while (i < sb->n && xtcp_seq_before(sb->r[i].end, nb.start))
		i++;
	/* swallow every range that touches */
	j = i;
	while (j < sb->n && xtcp_seq_leq(sb->r[j].start, nb.end)) {
		xtcp_sack_union(&nb, &sb->r[j]);
		j++;
	}
	if (j == i && sb->n == XTCP_SACK_SB_RANGES) {
		/* full: keep the lowest ranges, they decide what is lost */
		if (i == sb->n)
			return 0;
		sb->n--;
	}
	memmove(&sb->r[i + 1], &sb->r[j], (sb->n - j) * sizeof(nb));
	sb->n -= j - i - 1;
	sb->r[i] = nb;
	for (i = 0; i < sb->n; i++)
		sum += sb->r[i].end - sb->r[i].start;
	sb->sacked = sum;
	return sum > before ? sum - before : 0;
}

/*
 * May block @b go on the scoreboard?  Not empty or inverted, not past
 * @snd_nxt, not wholly below @una (tcp_is_sackblock_valid()).
 */
bool xtcp_sack_block_ok(const struct xtcp_sack_block *b, u32 una, u32 snd_nxt)
{
	return xtcp_seq_before(b->start, b->end) &&
	       !xtcp_seq_after(b->end, snd_nxt) && xtcp_seq_after(b->end, una);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_block_ok);

/**
 * xtcp_sack_sb_update - take an ACK's SACK blocks
 * @sb: the scoreboard
 * @b: the blocks, as received; a D-SACK block should not be passed
 * @n: how many
 * @una: SND.UNA after the ACK
 * @snd_nxt: the highest sequence number sent, plus one
 *
 * Blocks are cut to [@una, @snd_nxt); one that is empty then, or inverted,
 * is ignored (RFC 2018 §8 lets a sender discard what it cannot use;
 * tcp_is_sackblock_valid()).
 *
 * Return: bytes newly SACKed.
 */
u32 xtcp_sack_sb_update(struct xtcp_sack_sb *sb,
			const struct xtcp_sack_block *b, int n, u32 una,
			u32 snd_nxt)
{
	u32 added = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct xtcp_sack_block nb = b[i];

		if (!xtcp_sack_block_ok(&nb, una, snd_nxt))
			continue;
		if (xtcp_seq_before(nb.start, una))
			nb.start = una;
		added += xtcp_sack_sb_insert(sb, nb);
	}
	return added;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_sb_update);

/* SND.UNA moved to @una: what it covers is no longer SACK's. */
void xtcp_sack_sb_advance(struct xtcp_sack_sb *sb, u32 una)
{
	int i, k = 0;

	for (i = 0; i < sb->n; i++) {
		struct xtcp_sack_block *r = &sb->r[i];

		if (!xtcp_seq_after(r->end, una)) {
			sb->sacked -= r->end - r->start;
			continue;
		}
		if (xtcp_seq_before(r->start, una)) {
			sb->sacked -= una - r->start;
			r->start = una;
		}
		sb->r[k++] = *r;
	}
	sb->n = k;
	if (sb->rxt_set && xtcp_seq_before(sb->high_rxt, una))
		sb->high_rxt = una;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_sb_advance);

/* Is @seq SACKed? */
bool xtcp_sack_sb_sacked(const struct xtcp_sack_sb *sb, u32 seq)
{
	int i;

	for (i = 0; i < sb->n; i++)
		if (xtcp_seq_leq(sb->r[i].start, seq) &&
		    xtcp_seq_before(seq, sb->r[i].end))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_sb_sacked);

/**
 * xtcp_sack_is_lost - RFC 6675 §4 IsLost(SeqNum)
 * @sb: the scoreboard
 * @seq: a sequence number not SACKed
 * @mss: SMSS
 *
 * True when DupThresh discontiguous SACKed ranges lie above @seq, or more
 * than (DupThresh - 1) * SMSS bytes above it are SACKed.
 */
bool xtcp_sack_is_lost(const struct xtcp_sack_sb *sb, u32 seq, u32 mss)
{
	u32 bytes = 0;
	int i, ranges = 0;

	for (i = sb->n - 1; i >= 0; i--) {
		const struct xtcp_sack_block *r = &sb->r[i];

		if (!xtcp_seq_after(r->end, seq))
			break;
		bytes += r->end - (xtcp_seq_after(r->start, seq) ?
				   r->start : seq);
		ranges++;
	}
	return ranges >= XTCP_SACK_DUPTHRESH ||
	       bytes > (XTCP_SACK_DUPTHRESH - 1) * mss;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_is_lost);

/**
 * xtcp_sack_next_hole - RFC 6675 §4 NextSeg(), rule (1)
 * @sb: the scoreboard
 * @una: SND.UNA
 * @snd_nxt: the highest sequence number sent, plus one
 * @mss: SMSS: the most one retransmission takes
 * @start: the hole's first sequence number
 * @end: ...and the one after the part to send now
 *
 * The lowest sequence number above HighRxt that is not SACKed and is
 * IsLost(): rules (2) (new data) and (3) (unSACKed data not yet lost)
 * are the caller's and not taken; rule (4)'s rescue neither.
 *
 * Return: true if there is one.
 */
bool xtcp_sack_next_hole(const struct xtcp_sack_sb *sb, u32 una,
			 u32 snd_nxt, u32 mss, u32 *start, u32 *end)
{
	u32 cur = una, stop = snd_nxt;
	int i;

	if (sb->rxt_set && xtcp_seq_after(sb->high_rxt, cur))
		cur = sb->high_rxt;
	for (i = 0; i < sb->n; i++) {
		const struct xtcp_sack_block *r = &sb->r[i];

		if (!xtcp_seq_after(r->end, cur))
			continue;
		if (xtcp_seq_leq(r->start, cur)) {
			cur = r->end;
			continue;
		}
		stop = r->start;
		break;
	}
	if (!xtcp_seq_before(cur, stop) || !xtcp_sack_is_lost(sb, cur, mss))
		return false;
	*start = cur;
	*end = stop - cur > mss ? cur + mss : stop;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_next_hole);

/* Bytes in the holes from @una up to the highest SACKed range that IsLost(). */
u32 xtcp_sack_lost(const struct xtcp_sack_sb *sb, u32 una, u32 mss)
{
	u32 lost = 0, from = una;
	int i;

	for (i = 0; i < sb->n; i++) {
		const struct xtcp_sack_block *r = &sb->r[i];

		if (xtcp_seq_after(r->start, from) &&
		    xtcp_sack_is_lost(sb, from, mss))
			lost += r->start - from;
		from = r->end;
	}
	return lost;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_lost);

/* Bytes not SACKed in [@una, HighRxt): all retransmitted in this recovery. */
u32 xtcp_sack_retrans(const struct xtcp_sack_sb *sb, u32 una)
{
	u32 retrans, from = una;
	int i;

	if (!sb->rxt_set || !xtcp_seq_after(sb->high_rxt, una))
		return 0;
	retrans = sb->high_rxt - una;
	for (i = 0; i < sb->n; i++) {
		const struct xtcp_sack_block *r = &sb->r[i];
		u32 s = r->start, e = r->end;

		if (!xtcp_seq_before(s, sb->high_rxt))
			break;
		if (xtcp_seq_after(e, sb->high_rxt))
			e = sb->high_rxt;
		if (xtcp_seq_before(s, from))
			s = from;
		if (xtcp_seq_after(e, s))
			retrans -= e - s;
	}
	return retrans;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_retrans);

/**
 * xtcp_sack_pipe - RFC 6675 §4 SetPipe(), in bytes
 * @sb: the scoreboard
 * @una: SND.UNA
 * @snd_nxt: the highest sequence number sent, plus one
 * @mss: SMSS
 *
 * Every octet in flight not SACKed counts once unless IsLost(), and once
 * more if it was retransmitted in this recovery.
 *
 * Return: the pipe.
 */
u32 xtcp_sack_pipe(const struct xtcp_sack_sb *sb, u32 una, u32 snd_nxt,
		   u32 mss)
{
	u32 flight = snd_nxt - una, out = flight;
	u32 lost = xtcp_sack_lost(sb, una, mss);

	out = sb->sacked + lost < flight ? flight - sb->sacked - lost : 0;
	return out + xtcp_sack_retrans(sb, una);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_pipe);
