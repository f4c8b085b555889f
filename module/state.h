/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XTCP state machine (RFC 9293 §3.3.2, §3.10): the transmission control
 * block and the pure functions that move it between the eleven states.
 * Nothing here touches a socket, a timer or a packet: each function takes
 * the TCB and an event, updates the TCB, and says what to send (a reply)
 * and what happened (XTCP_EV_* bits).  state.c implements it; socket.c,
 * input.c and timer.c carry the results out.
 *
 * Only state.c writes tcb->state: the socket side asks for a transition
 * through an event (xtcp_tcb_listen(), _connect(), _close(), _abort(),
 * _delete(), ...) and then copies the result into sk_state with
 * xtcp_sync_state() (trace.c).
 */
#ifndef _XTCP_STATE_H
#define _XTCP_STATE_H

#include <linux/bits.h>
#include <linux/types.h>

#include "wire.h"

/* RFC 9293 §3.3.2 */
enum xtcp_state {
	XTCP_CLOSED,
	XTCP_LISTEN,
	XTCP_SYN_SENT,
	XTCP_SYN_RECEIVED,
	XTCP_ESTABLISHED,
	XTCP_FIN_WAIT_1,
	XTCP_FIN_WAIT_2,
	XTCP_CLOSE_WAIT,
	XTCP_CLOSING,
	XTCP_LAST_ACK,
	XTCP_TIME_WAIT,
	XTCP_NR_STATES
};

/* The transmission control block (RFC 9293 §3.3.1). */
struct xtcp_tcb {
	enum xtcp_state	state;
	bool		passive;	/* SYN_RECEIVED was entered from LISTEN */
	u32		iss;		/* initial send sequence number */
	u32		irs;		/* initial receive sequence number */
	u32		snd_una;	/* oldest unacknowledged */
	u32		snd_nxt;	/* next to send */
	u32		snd_wnd;	/* peer's window, bytes */
	u32		snd_wl1;	/* SEG.SEQ of the last window update */
	u32		snd_wl2;	/* SEG.ACK of the last window update */
	u32		rcv_nxt;	/* next expected */
	u32		rcv_wnd;	/* our window, bytes */
	u16		mss;		/* the MSS we advertise */
	u16		snd_mss;	/* what we may send: min(peer's MSS, ours) */
	u16		min_snd_mss;	/* the least peer MSS taken; 0: any */
	u8		snd_wscale;	/* shift for the peer's window field */
	u8		rcv_wscale;	/* shift for ours; offered in our SYN */
	bool		wscale_ok;	/* both sides sent the option */
	u32		max_wnd;	/* largest window the peer offered */
	u32		write_seq;	/* after the last byte SEND queued */
	u32		snd_sml;	/* end of the last segment sent shorter
					 * than its MSS multiple (Minshall's
					 * Nagle, xtcp_small_outstanding())
					 */
	bool		fin_queued;	/* CLOSE: our FIN takes SEQ write_seq */
};

/* A received segment, as the state machine sees it. */
struct xtcp_seg {
	u32		seq;
	u32		ack;
	u32		len;		/* payload bytes (SYN and FIN not counted) */
	u16		wnd;		/* the window field as received */
	u8		flags;		/* XTCP_SYN, XTCP_ACK, ... */
	struct xtcp_opts opts;
};

/* A segment to send in answer; flags == 0 means none. */
struct xtcp_reply {
	u8		flags;
	u32		seq;
	u32		ack;
};

/* What xtcp_tcb_input() found; the caller acts on each bit. */
#define XTCP_EV_DROP		BIT(0)	/* the segment is used up */
#define XTCP_EV_NEW_CHILD	BIT(1)	/* LISTEN got a SYN: make a child */
#define XTCP_EV_SYN_RECEIVED	BIT(2)	/* simultaneous open: now SYN_RECEIVED */
#define XTCP_EV_ESTABLISHED	BIT(3)	/* the connection is up */
#define XTCP_EV_REFUSED		BIT(4)	/* RST to our SYN: ECONNREFUSED */
#define XTCP_EV_RESET		BIT(5)	/* synchronized connection reset: ECONNRESET */
#define XTCP_EV_CHILD_RESET	BIT(6)	/* passive SYN_RECEIVED reset: the listener stays */
#define XTCP_EV_CHALLENGE	BIT(7)	/* the reply is a challenge ACK (RFC 5961) */
#define XTCP_EV_ACKED		BIT(8)	/* SND.UNA advanced */
#define XTCP_EV_TEXT		BIT(9)	/* payload or FIN for the receive path */
#define XTCP_EV_FIN_ACKED	BIT(10)	/* FIN_WAIT_1 -> FIN_WAIT_2 */
#define XTCP_EV_TIME_WAIT	BIT(11)	/* now TIME_WAIT: hand over to a minisock */
#define XTCP_EV_CLOSED		BIT(12)	/* LAST_ACK + ACK of FIN: gone */
#define XTCP_EV_PEER_FIN	BIT(13)	/* the peer's FIN: no more data */
#define XTCP_EV_OOW		BIT(14)	/* the reply ACKs an out-of-window
					 * segment: rate-limited per socket
					 */

/*
 * Our FIN's place in the sequence space: it follows the queued data, so it
 * takes write_seq, and everything queued ends after it.
 */
static inline u32 xtcp_tcb_snd_end(const struct xtcp_tcb *tcb)
{
	return tcb->write_seq + tcb->fin_queued;
}

/* What CLOSE (§3.10.4) asks of the caller. */
enum xtcp_close_action {
	XTCP_CLOSE_DELETE,	/* CLOSED, LISTEN, SYN_SENT: delete the TCB */
	XTCP_CLOSE_SEND_FIN,	/* queue a FIN after the data */
	XTCP_CLOSE_NOTHING,	/* a FIN is already on its way */
};

const char *xtcp_state_name(enum xtcp_state state);
int xtcp_state_to_tcp(enum xtcp_state state);
bool xtcp_seq_acceptable(u32 seq, u32 seg_len, u32 rcv_nxt, u32 rcv_wnd);
u32 xtcp_seg_len(const struct xtcp_seg *seg);
void xtcp_reset_reply(const struct xtcp_seg *seg, struct xtcp_reply *r);

void xtcp_tcb_init(struct xtcp_tcb *tcb, u16 mss, u32 rcv_wnd, u8 rcv_wscale);
bool xtcp_tcb_listen(struct xtcp_tcb *tcb);
void xtcp_tcb_connect(struct xtcp_tcb *tcb, u32 iss, struct xtcp_reply *r);
void xtcp_tcb_accept_syn(struct xtcp_tcb *child, const struct xtcp_seg *syn,
			 u32 iss, struct xtcp_reply *r);
unsigned int xtcp_tcb_input(struct xtcp_tcb *tcb, const struct xtcp_seg *seg,
			    struct xtcp_reply *r);
enum xtcp_close_action xtcp_tcb_close(struct xtcp_tcb *tcb);
unsigned int xtcp_tcb_fin(struct xtcp_tcb *tcb, struct xtcp_reply *r);
bool xtcp_tcb_fin_acked(const struct xtcp_tcb *tcb);
bool xtcp_state_sends(enum xtcp_state state);
bool xtcp_state_receives(enum xtcp_state state);
bool xtcp_state_acks_later(enum xtcp_state state);
bool xtcp_state_keepalive(enum xtcp_state state);
bool xtcp_tcb_retransmit(const struct xtcp_tcb *tcb, struct xtcp_reply *r);
void xtcp_tcb_abort(struct xtcp_tcb *tcb, struct xtcp_reply *r);
void xtcp_tcb_delete(struct xtcp_tcb *tcb);
u16 xtcp_tcb_window(const struct xtcp_tcb *tcb, u8 flags);

#endif /* _XTCP_STATE_H */
