/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selective acknowledgments: RFC 2018 (SACK), RFC 2883 (D-SACK) and
 * RFC 6675 (loss recovery from a SACK scoreboard).  Pure logic on
 * sequence ranges, as cc.c and rtt.c are: the receiver's blocks (what to
 * report, most recent first) and the sender's scoreboard (what the peer
 * said it holds, which holes are lost, the pipe).  sack.c.
 *
 * A block is [start, end), sequence numbers modulo 2^32 (RFC 2018 §3:
 * "Left Edge" is the first sequence number of the block, "Right Edge" the
 * one after its last).
 */
#ifndef _XTCP_SACK_H
#define _XTCP_SACK_H

#include <linux/types.h>

#include "wire.h"

/* RFC 2018 §3: 40 bytes of options hold 4 blocks, 3 beside timestamps */
#define XTCP_SACK_MAX_BLOCKS	4
#define XTCP_SACK_MAX_BLOCKS_TS	3
/* the sender's scoreboard: SACKed ranges kept (more are forgotten) */
#define XTCP_SACK_SB_RANGES	32
/* RFC 6675 §2: DupThresh */
#define XTCP_SACK_DUPTHRESH	3

/*
 * The receiver's side: the blocks of out-of-order data to report, most
 * recently changed first (RFC 2018 §4), merged and disjoint, and a
 * D-SACK block (RFC 2883) for the next ACK.
 */
struct xtcp_sack_rcv {
	struct xtcp_sack_block	blocks[XTCP_SACK_MAX_BLOCKS];
	struct xtcp_sack_block	dsack;
	u8			nblocks;
	bool			dsack_set;
};

/*
 * The sender's scoreboard (RFC 6675 §3): the SACKed ranges above SND.UNA,
 * sorted, disjoint and not adjacent; HighRxt; bytes SACKed.
 */
struct xtcp_sack_sb {
	struct xtcp_sack_block	r[XTCP_SACK_SB_RANGES];
	u8			n;
	bool			rxt_set;	/* high_rxt is valid */
	u32			high_rxt;	/* RFC 6675 HighRxt, exclusive */
	u32			sacked;		/* bytes in r[] */
};

void xtcp_sack_rcv_reset(struct xtcp_sack_rcv *r);
void xtcp_sack_rcv_add(struct xtcp_sack_rcv *r, u32 start, u32 end);
void xtcp_sack_rcv_advance(struct xtcp_sack_rcv *r, u32 rcv_nxt);
void xtcp_sack_rcv_dsack(struct xtcp_sack_rcv *r, u32 start, u32 end);
int xtcp_sack_rcv_fill(const struct xtcp_sack_rcv *r,
		       struct xtcp_sack_block *out, int max);

void xtcp_sack_sb_reset(struct xtcp_sack_sb *sb);
bool xtcp_sack_block_ok(const struct xtcp_sack_block *b, u32 una,
			u32 snd_nxt);
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *b, int n, u32 ack);
u32 xtcp_sack_sb_update(struct xtcp_sack_sb *sb,
			const struct xtcp_sack_block *b, int n, u32 una,
			u32 snd_nxt);
void xtcp_sack_sb_advance(struct xtcp_sack_sb *sb, u32 una);
bool xtcp_sack_sb_sacked(const struct xtcp_sack_sb *sb, u32 seq);
bool xtcp_sack_is_lost(const struct xtcp_sack_sb *sb, u32 seq, u32 mss);
bool xtcp_sack_next_hole(const struct xtcp_sack_sb *sb, u32 una,
			 u32 snd_nxt, u32 mss, u32 *start, u32 *end);
u32 xtcp_sack_lost(const struct xtcp_sack_sb *sb, u32 una, u32 mss);
u32 xtcp_sack_retrans(const struct xtcp_sack_sb *sb, u32 una);
u32 xtcp_sack_pipe(const struct xtcp_sack_sb *sb, u32 una, u32 snd_nxt,
		   u32 mss);

#endif /* _XTCP_SACK_H */
