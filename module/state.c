// SPDX-License-Identifier: GPL-2.0
/*
 * The XTCP state machine, one function per state, in the order of RFC 9293
 * §3.10.7 ("SEGMENT ARRIVES").  Pure logic: the TCB in, the TCB updated, a
 * reply and XTCP_EV_* bits out.  See state.h.
 *
 *                     +---------+ ---------\      active OPEN
 *                     |  CLOSED |            \    -----------
 *                     +---------+<---------\   \   create TCB
 *                       |     ^              \   \  snd SYN
 *          passive OPEN |     |   CLOSE        \   \
 *          ------------ |     | ----------       \   \
 *           create TCB  |     | delete TCB         \   \
 *                       V     |                      \   \
 *   rcv RST (note 1)  +---------+            CLOSE    |    \
 *  -------------------|  LISTEN |          ---------- |     |
 * /                   +---------+          delete TCB |     |
 * |        rcv SYN      |     |     SEND              |     |
 * |       -----------   |     |    -------            |     V
 * +--------+ snd SYN,ACK  /       \   snd SYN          +--------+
 * |        |<-----------------           ------------------>|        |
 * |  SYN   |                    rcv SYN                     |  SYN   |
 * |  RCVD  |<-----------------------------------------------|  SENT  |
 * |        |                  snd SYN,ACK                   |        |
 * |        |------------------           -------------------|        |
 * +--------+   rcv ACK of SYN  \       /  rcv SYN,ACK       +--------+
 *    |         --------------   |     |   -----------
 *    |                x         |     |     snd ACK
 *    |                          V     V
 *    |  CLOSE                 +---------+
 *    | -------                |  ESTAB  |
 *    |  snd FIN               +---------+
 *    |                 CLOSE    |     |    rcv FIN
 *    V                -------   |     |    -------
 * +---------+         snd FIN  /       \   snd ACK         +---------+
 * |  FIN    |<----------------          ------------------>|  CLOSE  |
 * | WAIT-1  |------------------                            |   WAIT  |
 * +---------+          rcv FIN  \                          +---------+
 *   | rcv ACK of FIN   -------   |                          CLOSE  |
 *   | --------------   snd ACK   |                         ------- |
 *   V        x                   V                         snd FIN V
 * +---------+               +---------+                    +---------+
 * |FINWAIT-2|               | CLOSING |                    | LAST-ACK|
 * +---------+               +---------+                    +---------+
 *   |              rcv ACK of FIN |                 rcv ACK of FIN |
 *   |  rcv FIN     -------------- |    Timeout=2MSL -------------- |
 *   |  -------            x       V    ------------        x       V
 *    \ snd ACK              +---------+delete TCB          +---------+
 *      -------------------->|TIME-WAIT|------------------->| CLOSED  |
 *                           +---------+                    +---------+
 *
 * (RFC 9293 figure 5.)  TIME-WAIT is kept by a minisock (timewait.c), not
 * by a TCB: xtcp_tcb_input() reports XTCP_EV_TIME_WAIT and the caller
 * hands the connection over.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/tcp_states.h>

#include "compat_pure.h"
#include "seq.h"
#include "state.h"
#include "window.h"

static const char *const xtcp_state_names[XTCP_NR_STATES] = {
	[XTCP_CLOSED]		= "CLOSED",
	[XTCP_LISTEN]		= "LISTEN",
	[XTCP_SYN_SENT]		= "SYN_SENT",
	[XTCP_SYN_RECEIVED]	= "SYN_RECEIVED",
	[XTCP_ESTABLISHED]	= "ESTABLISHED",
	[XTCP_FIN_WAIT_1]	= "FIN_WAIT_1",
	[XTCP_FIN_WAIT_2]	= "FIN_WAIT_2",
	[XTCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[XTCP_CLOSING]		= "CLOSING",
	[XTCP_LAST_ACK]		= "LAST_ACK",
	[XTCP_TIME_WAIT]	= "TIME_WAIT",
};

/*
 * sk_state carries TCP's numbers, which core code reads; TIME_WAIT never
 * goes there (a full socket in TCP_TIME_WAIT would be freed as a minisock).
 */
static const u8 xtcp_tcp_states[XTCP_NR_STATES] = {
	[XTCP_CLOSED]		= TCP_CLOSE,
	[XTCP_LISTEN]		= TCP_LISTEN,
	[XTCP_SYN_SENT]		= TCP_SYN_SENT,
	[XTCP_SYN_RECEIVED]	= TCP_SYN_RECV,
	[XTCP_ESTABLISHED]	= TCP_ESTABLISHED,
	[XTCP_FIN_WAIT_1]	= TCP_FIN_WAIT1,
	[XTCP_FIN_WAIT_2]	= TCP_FIN_WAIT2,
	[XTCP_CLOSE_WAIT]	= TCP_CLOSE_WAIT,
	[XTCP_CLOSING]		= TCP_CLOSING,
	[XTCP_LAST_ACK]		= TCP_LAST_ACK,
	[XTCP_TIME_WAIT]	= TCP_CLOSE,
};

const char *xtcp_state_name(enum xtcp_state state)
{
	return state < XTCP_NR_STATES ? xtcp_state_names[state] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_name);

int xtcp_state_to_tcp(enum xtcp_state state)
{
	return state < XTCP_NR_STATES ? xtcp_tcp_states[state] : TCP_CLOSE;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_to_tcp);

/* SEG.LEN: payload plus one for each of SYN and FIN (§3.4). */
u32 xtcp_seg_len(const struct xtcp_seg *seg)
{
	return seg->len + !!(seg->flags & XTCP_SYN) + !!(seg->flags & XTCP_FIN);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_seg_len);

/* §3.10.7.4: the four cases of the segment acceptability test. */
bool xtcp_seq_acceptable(u32 seq, u32 seg_len, u32 rcv_nxt, u32 rcv_wnd)
{
	if (!seg_len)
		return rcv_wnd ? xtcp_seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd)
			       : seq == rcv_nxt;
	if (!rcv_wnd)
		return false;
	return xtcp_seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd) ||
	       xtcp_seq_in(seq + seg_len - 1, rcv_nxt, rcv_nxt + rcv_wnd);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_seq_acceptable);

/*
 * §3.10.7.1: the answer to a segment for no connection (or CLOSED):
 * with ACK, <SEQ=SEG.ACK><CTL=RST>; without, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>.  A RST is never answered.
 */
void xtcp_reset_reply(const struct xtcp_seg *seg, struct xtcp_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (seg->flags & XTCP_RST)
		return;
	if (seg->flags & XTCP_ACK) {
		r->flags = XTCP_RST;
		r->seq = seg->ack;
	} else {
		r->flags = XTCP_RST | XTCP_ACK;
		r->ack = seg->seq + xtcp_seg_len(seg);
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_reset_reply);

static void xtcp_reply(struct xtcp_reply *r, u8 flags, u32 seq, u32 ack)
{
	r->flags = flags;
	r->seq = seq;
	r->ack = ack;
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, the answer to most oddities */
static void xtcp_reply_ack(const struct xtcp_tcb *tcb, struct xtcp_reply *r)
{
	xtcp_reply(r, XTCP_ACK, tcb->snd_nxt, tcb->rcv_nxt);
}

/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
static void xtcp_reply_synack(const struct xtcp_tcb *tcb, struct xtcp_reply *r)
{
	xtcp_reply(r, XTCP_SYN | XTCP_ACK, tcb->iss, tcb->rcv_nxt);
}

void xtcp_tcb_init(struct xtcp_tcb *tcb, u16 mss, u32 rcv_wnd, u8 rcv_wscale)
{
	memset(tcb, 0, sizeof(*tcb));
	tcb->state = XTCP_CLOSED;
	tcb->mss = mss;
	tcb->snd_mss = min_t(u16, mss, XTCP_DEFAULT_MSS);
	tcb->rcv_wnd = rcv_wnd;
	tcb->rcv_wscale = min_t(u8, rcv_wscale, XTCP_MAX_WSCALE);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_init);

/*
 * OPEN, passive (§3.10.1): CLOSED -> LISTEN.  Return: false (and no
 * change) from any other state.
 */
bool xtcp_tcb_listen(struct xtcp_tcb *tcb)
{
	if (tcb->state != XTCP_CLOSED)
		return false;
	tcb->state = XTCP_LISTEN;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_listen);

/*
 * OPEN, active (§3.10.1), and SEND in LISTEN (§3.10.2): CLOSED or LISTEN
 * -> SYN_SENT, sending <SEQ=ISS><CTL=SYN>.
 */
void xtcp_tcb_connect(struct xtcp_tcb *tcb, u32 iss, struct xtcp_reply *r)
{
	tcb->state = XTCP_SYN_SENT;
	tcb->passive = false;
	tcb->iss = iss;
	tcb->snd_una = iss;
	tcb->snd_nxt = iss + 1;		/* a SYN takes one sequence number */
	tcb->write_seq = tcb->snd_nxt;	/* data follows the SYN */
	tcb->snd_sml = tcb->snd_nxt;
	xtcp_reply(r, XTCP_SYN, iss, 0);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_connect);

/* The options of the peer's SYN or SYN|ACK (RFC 9293 §3.7.1, RFC 7323). */
static void xtcp_tcb_syn_options(struct xtcp_tcb *tcb, const struct xtcp_seg *seg)
{
	u16 peer_mss = seg->opts.mss ?: XTCP_DEFAULT_MSS;

	/* a tiny MSS is 40 bytes of header per byte (CVE-2019-11479) */
	peer_mss = max(peer_mss, tcb->min_snd_mss);
	tcb->snd_mss = min(tcb->mss, peer_mss);
	tcb->wscale_ok = seg->opts.wscale_ok;
	if (tcb->wscale_ok) {
		tcb->snd_wscale = min_t(u8, seg->opts.wscale, XTCP_MAX_WSCALE);
	} else {
		tcb->snd_wscale = 0;
		tcb->rcv_wscale = 0;
	}
	/* The window of a SYN is never scaled (RFC 7323 §2.2). */
	tcb->snd_wnd = seg->wnd;
	tcb->max_wnd = seg->wnd;
	tcb->snd_wl1 = seg->seq;
	tcb->snd_wl2 = seg->ack;
	tcb->irs = seg->seq;
	tcb->rcv_nxt = seg->seq + 1;
}

/*
 * LISTEN + SYN (§3.10.7.2, third): the child's TCB.  It enters SYN_RECEIVED
 * and sends <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
 */
void xtcp_tcb_accept_syn(struct xtcp_tcb *child, const struct xtcp_seg *syn,
			 u32 iss, struct xtcp_reply *r)
{
	xtcp_tcb_syn_options(child, syn);
	child->state = XTCP_SYN_RECEIVED;
	child->passive = true;
	child->iss = iss;
	child->snd_una = iss;
	child->snd_nxt = iss + 1;
	child->write_seq = child->snd_nxt;
	child->snd_sml = child->snd_nxt;
	xtcp_reply_synack(child, r);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_accept_syn);

/* §3.10.7.1 CLOSED: everything but a RST draws a RST. */
static unsigned int xtcp_closed_input(struct xtcp_tcb *tcb,
				      const struct xtcp_seg *seg,
				      struct xtcp_reply *r)
{
	xtcp_reset_reply(seg, r);
	return XTCP_EV_DROP;
}

/* §3.10.7.2 LISTEN */
static unsigned int xtcp_listen_input(struct xtcp_tcb *tcb,
				      const struct xtcp_seg *seg,
				      struct xtcp_reply *r)
{
	/* first, check for a RST: ignore it */
	if (seg->flags & XTCP_RST)
		return XTCP_EV_DROP;
	/* second, an ACK is bad here: <SEQ=SEG.ACK><CTL=RST> */
	if (seg->flags & XTCP_ACK) {
		xtcp_reply(r, XTCP_RST, seg->ack, 0);
		return XTCP_EV_DROP;
	}
	/* third, a SYN: the caller makes a child in SYN_RECEIVED */
	if (seg->flags & XTCP_SYN)
		return XTCP_EV_NEW_CHILD | XTCP_EV_DROP;
	/* fourth, anything else: drop */
	return XTCP_EV_DROP;
}

/* §3.10.7.3 SYN_SENT */
static unsigned int xtcp_syn_sent_input(struct xtcp_tcb *tcb,
					const struct xtcp_seg *seg,
					struct xtcp_reply *r)
{
	bool ack_ok = false;

	/* first, the ACK: unacceptable unless ISS < SEG.ACK =< SND.NXT */
	if (seg->flags & XTCP_ACK) {
		if (!xtcp_seq_in_ack(seg->ack, tcb->iss, tcb->snd_nxt)) {
			if (!(seg->flags & XTCP_RST))
				xtcp_reply(r, XTCP_RST, seg->ack, 0);
			return XTCP_EV_DROP;
		}
		ack_ok = true;
	}
	/* second, RST: with an acceptable ACK the connection is refused */
	if (seg->flags & XTCP_RST) {
		if (!ack_ok)
			return XTCP_EV_DROP;
		tcb->state = XTCP_CLOSED;
		return XTCP_EV_REFUSED | XTCP_EV_DROP;
	}
	/* fourth, SYN (the third, security, does not apply) */
	if (!(seg->flags & XTCP_SYN))
		return XTCP_EV_DROP;
	xtcp_tcb_syn_options(tcb, seg);
	if (ack_ok) {
		tcb->snd_una = seg->ack;
		/* our SYN is acknowledged: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT> */
		tcb->state = XTCP_ESTABLISHED;
		xtcp_reply_ack(tcb, r);
		/* text or FIN on the SYN,ACK: continue at the sixth step */
		if (seg->len || (seg->flags & XTCP_FIN))
			return XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_TEXT;
		return XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP;
	}
	/* simultaneous open: SYN_RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
	tcb->state = XTCP_SYN_RECEIVED;
	xtcp_reply_synack(tcb, r);
	return XTCP_EV_SYN_RECEIVED | XTCP_EV_DROP;
}

/* The window update of §3.10.7.4 (fifth, ESTABLISHED). */
static void xtcp_tcb_update_window(struct xtcp_tcb *tcb,
				   const struct xtcp_seg *seg)
{
	if (xtcp_seq_before(tcb->snd_wl1, seg->seq) ||
	    (tcb->snd_wl1 == seg->seq && xtcp_seq_leq(tcb->snd_wl2, seg->ack))) {
		tcb->snd_wnd = (u32)seg->wnd << tcb->snd_wscale;
		tcb->snd_wl1 = seg->seq;
		tcb->snd_wl2 = seg->ack;
		tcb->max_wnd = max(tcb->max_wnd, tcb->snd_wnd);
	}
}

/*
 * The states in which the send path works: data and our FIN may be sent,
 * resent and acknowledged (after the handshake, until our FIN's ACK).
 */
bool xtcp_state_sends(enum xtcp_state state)
{
	switch (state) {
	case XTCP_ESTABLISHED:
	case XTCP_CLOSE_WAIT:
	case XTCP_FIN_WAIT_1:
	case XTCP_CLOSING:
	case XTCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_sends);

/*
 * The states that take segment text (§3.10.7.4, seventh): until the
 * peer's FIN.  Data in CLOSE_WAIT, CLOSING and LAST_ACK is ignored.
 */
bool xtcp_state_receives(enum xtcp_state state)
{
	switch (state) {
	case XTCP_ESTABLISHED:
	case XTCP_FIN_WAIT_1:
	case XTCP_FIN_WAIT_2:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_receives);

/*
 * The states in which a held-back (delayed) ACK is still owed: those that
 * receive, and CLOSE_WAIT, where the peer's FIN's ACK may wait for our
 * own FIN (xtcp_fin_rcv()).
 */
bool xtcp_state_acks_later(enum xtcp_state state)
{
	return xtcp_state_receives(state) || state == XTCP_CLOSE_WAIT;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_acks_later);

/*
 * The states in which the keepalive timer runs: the synchronized ones but
 * TIME_WAIT.  Probes need nothing outstanding, which our unacknowledged
 * FIN rules out in FIN_WAIT_1, CLOSING and LAST_ACK, so they go out in
 * ESTABLISHED, CLOSE_WAIT and FIN_WAIT_2 (as Linux's), and a connection
 * that moves on from FIN_WAIT_1 to FIN_WAIT_2 keeps its timer.
 */
bool xtcp_state_keepalive(enum xtcp_state state)
{
	return xtcp_state_sends(state) || state == XTCP_FIN_WAIT_2;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_keepalive);

/* Has the peer acknowledged our FIN (it takes SEQ write_seq)? */
bool xtcp_tcb_fin_acked(const struct xtcp_tcb *tcb)
{
	return tcb->fin_queued && tcb->snd_una == xtcp_tcb_snd_end(tcb);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_fin_acked);

/*
 * §3.10.7.4 in SYN_RECEIVED, before the first check: what completes or
 * repeats the handshake though its sequence number is old.
 */
static unsigned int xtcp_synced_handshake(struct xtcp_tcb *tcb,
					  const struct xtcp_seg *seg,
					  struct xtcp_reply *r)
{
	if (tcb->state != XTCP_SYN_RECEIVED)
		return 0;

	/* A retransmitted SYN: our SYN,ACK was lost, send it again. */
	if ((seg->flags & (XTCP_SYN | XTCP_ACK | XTCP_RST)) == XTCP_SYN &&
	    seg->seq == tcb->irs) {
		xtcp_reply_synack(tcb, r);
		return XTCP_EV_DROP;
	}

	/*
	 * Simultaneous open (figure 8): the peer's SYN,ACK <SEQ=IRS><ACK=ISS+1>
	 * is old by its sequence number, but it acknowledges our SYN: take it
	 * as the ACK that completes the handshake (Linux does the same), so
	 * the whole exchange is four segments.
	 */
	if (!tcb->passive &&
	    (seg->flags & (XTCP_SYN | XTCP_ACK | XTCP_RST | XTCP_FIN)) ==
	    (XTCP_SYN | XTCP_ACK) &&
	    seg->seq == tcb->irs && seg->ack == tcb->snd_nxt) {
		tcb->state = XTCP_ESTABLISHED;
		tcb->snd_una = seg->ack;
		tcb->snd_wnd = seg->wnd;	/* a SYN's window is not scaled */
		tcb->max_wnd = max(tcb->max_wnd, tcb->snd_wnd);
		tcb->snd_wl1 = seg->seq;
		tcb->snd_wl2 = seg->ack;
		return XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP;
	}
	return 0;
}

/* §3.10.7.4, first: the sequence number; an unacceptable one draws an ACK */
static unsigned int xtcp_synced_seq(const struct xtcp_tcb *tcb,
				    const struct xtcp_seg *seg,
				    struct xtcp_reply *r)
{
	if (xtcp_seq_acceptable(seg->seq, xtcp_seg_len(seg), tcb->rcv_nxt,
				tcb->rcv_wnd))
		return 0;
	if (seg->flags & XTCP_RST)
		return XTCP_EV_DROP;
	xtcp_reply_ack(tcb, r);
	return XTCP_EV_OOW | XTCP_EV_DROP;
}

/* §3.10.7.4, second: RST (RFC 5961 §3: only the exact one resets) */
static unsigned int xtcp_synced_rst(struct xtcp_tcb *tcb,
				    const struct xtcp_seg *seg,
				    struct xtcp_reply *r)
{
	unsigned int ev;

	if (!(seg->flags & XTCP_RST))
		return 0;
	if (seg->seq != tcb->rcv_nxt) {
		xtcp_reply_ack(tcb, r);
		return XTCP_EV_CHALLENGE | XTCP_EV_DROP;
	}
	if (tcb->state == XTCP_SYN_RECEIVED)
		ev = tcb->passive ? XTCP_EV_CHILD_RESET : XTCP_EV_REFUSED;
	else
		ev = XTCP_EV_RESET;
	tcb->state = XTCP_CLOSED;
	return ev | XTCP_EV_DROP;
}

/* §3.10.7.4, fourth: SYN (the third, security, does not apply) */
static unsigned int xtcp_synced_syn(struct xtcp_tcb *tcb,
				    const struct xtcp_seg *seg,
				    struct xtcp_reply *r)
{
	if (!(seg->flags & XTCP_SYN))
		return 0;
	if (tcb->state == XTCP_SYN_RECEIVED && tcb->passive) {
		/* a new SYN in the window: return to LISTEN */
		tcb->state = XTCP_CLOSED;
		return XTCP_EV_CHILD_RESET | XTCP_EV_DROP;
	}
	/* RFC 5961 §4: challenge ACK */
	xtcp_reply_ack(tcb, r);
	return XTCP_EV_CHALLENGE | XTCP_EV_DROP;
}

/* §3.10.7.4, fifth, in the closing states: has our FIN been acknowledged? */
static unsigned int xtcp_synced_fin_acked(struct xtcp_tcb *tcb)
{
	if (!xtcp_tcb_fin_acked(tcb))
		return 0;
	switch (tcb->state) {
	case XTCP_FIN_WAIT_1:
		tcb->state = XTCP_FIN_WAIT_2;
		return XTCP_EV_FIN_ACKED;
	case XTCP_CLOSING:
		tcb->state = XTCP_TIME_WAIT;
		return XTCP_EV_TIME_WAIT | XTCP_EV_DROP;
	case XTCP_LAST_ACK:
		tcb->state = XTCP_CLOSED;
		return XTCP_EV_CLOSED | XTCP_EV_DROP;
	default:
		return 0;
	}
}

/* §3.10.7.4, fifth: the ACK field; without it the segment is dropped */
static unsigned int xtcp_synced_ack(struct xtcp_tcb *tcb,
				    const struct xtcp_seg *seg,
				    struct xtcp_reply *r)
{
	unsigned int ev = 0;

	if (!(seg->flags & XTCP_ACK))
		return XTCP_EV_DROP;

	if (tcb->state == XTCP_SYN_RECEIVED) {
		if (!xtcp_seq_in_ack(seg->ack, tcb->snd_una, tcb->snd_nxt)) {
			xtcp_reply(r, XTCP_RST, seg->ack, 0);
			return XTCP_EV_DROP;
		}
		tcb->state = XTCP_ESTABLISHED;
		tcb->snd_wnd = (u32)seg->wnd << tcb->snd_wscale;
		tcb->max_wnd = max(tcb->max_wnd, tcb->snd_wnd);
		tcb->snd_wl1 = seg->seq;
		tcb->snd_wl2 = seg->ack;
		ev |= XTCP_EV_ESTABLISHED;
	}

	/* ESTABLISHED and on: an ACK of something not yet sent (RFC 5961 §5.2) */
	if (xtcp_seq_after(seg->ack, tcb->snd_nxt)) {
		xtcp_reply_ack(tcb, r);
		return ev | XTCP_EV_CHALLENGE | XTCP_EV_DROP;
	}
	/* RFC 5961 §5.2: an ACK older than SND.UNA - MAX.SND.WND */
	if (xtcp_seq_before(seg->ack, tcb->snd_una - tcb->max_wnd)) {
		xtcp_reply_ack(tcb, r);
		return ev | XTCP_EV_CHALLENGE | XTCP_EV_DROP;
	}
	if (xtcp_seq_after(seg->ack, tcb->snd_una)) {
		tcb->snd_una = seg->ack;
		ev |= XTCP_EV_ACKED;
	}
	if (xtcp_seq_leq(tcb->snd_una, seg->ack))
		xtcp_tcb_update_window(tcb, seg);
	return ev | xtcp_synced_fin_acked(tcb);
}

/*
 * §3.10.7.4, sixth to eighth: XTCP has no urgent data (URG is ignored);
 * text and FIN go to the receive path, which calls xtcp_tcb_fin() when the
 * FIN is next in sequence.  Once the peer's FIN is in (CLOSE_WAIT,
 * CLOSING, LAST_ACK) text is ignored.
 */
static unsigned int xtcp_synced_text(const struct xtcp_tcb *tcb,
				     const struct xtcp_seg *seg)
{
	if ((seg->len || (seg->flags & XTCP_FIN)) &&
	    xtcp_state_receives(tcb->state))
		return XTCP_EV_TEXT;
	return 0;
}

/*
 * §3.10.7.4, every state from SYN_RECEIVED on, one step at a time: a step
 * that ends the segment's processing returns XTCP_EV_DROP among its bits.
 */
static unsigned int xtcp_synced_input(struct xtcp_tcb *tcb,
				      const struct xtcp_seg *seg,
				      struct xtcp_reply *r)
{
	unsigned int ev;

	ev = xtcp_synced_handshake(tcb, seg, r);
	if (!ev)
		ev = xtcp_synced_seq(tcb, seg, r);
	if (!ev)
		ev = xtcp_synced_rst(tcb, seg, r);
	if (!ev)
		ev = xtcp_synced_syn(tcb, seg, r);
	if (!ev)
		ev = xtcp_synced_ack(tcb, seg, r);
	if (ev & XTCP_EV_DROP)
		return ev;
	return ev | xtcp_synced_text(tcb, seg);
}

/**
 * xtcp_tcb_fin - the peer's FIN, next in sequence (§3.10.7.4, eighth)
 * @tcb: the connection
 * @r: filled with the ACK of the FIN
 *
 * RCV.NXT takes the FIN's sequence number.  ESTABLISHED (and SYN_RECEIVED)
 * -> CLOSE_WAIT; FIN_WAIT_1 -> CLOSING (our FIN is not yet acknowledged,
 * else the same segment made it FIN_WAIT_2); FIN_WAIT_2 -> TIME_WAIT; the
 * other states stay where they are.
 *
 * Return: XTCP_EV_PEER_FIN, with XTCP_EV_TIME_WAIT for FIN_WAIT_2.
 */
unsigned int xtcp_tcb_fin(struct xtcp_tcb *tcb, struct xtcp_reply *r)
{
	tcb->rcv_nxt++;
	xtcp_reply_ack(tcb, r);
	switch (tcb->state) {
	case XTCP_SYN_RECEIVED:
	case XTCP_ESTABLISHED:
		tcb->state = XTCP_CLOSE_WAIT;
		return XTCP_EV_PEER_FIN;
	case XTCP_FIN_WAIT_1:
		tcb->state = XTCP_CLOSING;
		return XTCP_EV_PEER_FIN;
	case XTCP_FIN_WAIT_2:
		tcb->state = XTCP_TIME_WAIT;
		return XTCP_EV_PEER_FIN | XTCP_EV_TIME_WAIT;
	default:
		return XTCP_EV_PEER_FIN;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_fin);

/**
 * xtcp_tcb_close - CLOSE (§3.10.4), and shutdown(SHUT_WR)
 * @tcb: the connection
 *
 * CLOSED, LISTEN and SYN_SENT close at once; SYN_RECEIVED and ESTABLISHED
 * go to FIN_WAIT_1 and CLOSE_WAIT to LAST_ACK, with a FIN queued after the
 * data (it takes SEQ write_seq); the other states already sent theirs.
 *
 * Return: what the caller must do.
 */
enum xtcp_close_action xtcp_tcb_close(struct xtcp_tcb *tcb)
{
	switch (tcb->state) {
	case XTCP_CLOSED:
	case XTCP_LISTEN:
	case XTCP_SYN_SENT:
		tcb->state = XTCP_CLOSED;
		return XTCP_CLOSE_DELETE;
	case XTCP_SYN_RECEIVED:
	case XTCP_ESTABLISHED:
		tcb->state = XTCP_FIN_WAIT_1;
		break;
	case XTCP_CLOSE_WAIT:
		tcb->state = XTCP_LAST_ACK;
		break;
	default:
		return XTCP_CLOSE_NOTHING;
	}
	tcb->fin_queued = true;
	return XTCP_CLOSE_SEND_FIN;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_close);

/**
 * xtcp_tcb_input - SEGMENT ARRIVES (§3.10.7) for a connection's TCB
 * @tcb: the connection
 * @seg: the segment
 * @r: filled with the segment to send in answer (flags 0: none)
 *
 * Return: XTCP_EV_* bits.
 */
unsigned int xtcp_tcb_input(struct xtcp_tcb *tcb, const struct xtcp_seg *seg,
			    struct xtcp_reply *r)
{
	memset(r, 0, sizeof(*r));
	switch (tcb->state) {
	case XTCP_CLOSED:
		return xtcp_closed_input(tcb, seg, r);
	case XTCP_LISTEN:
		return xtcp_listen_input(tcb, seg, r);
	case XTCP_SYN_SENT:
		return xtcp_syn_sent_input(tcb, seg, r);
	case XTCP_TIME_WAIT:	/* kept by the TIME_WAIT table, not a TCB */
	case XTCP_NR_STATES:
		return XTCP_EV_DROP;
	default:
		return xtcp_synced_input(tcb, seg, r);
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_input);

/**
 * xtcp_tcb_retransmit - what the retransmission timer resends
 * @tcb: the connection
 * @r: the segment
 *
 * SYN in SYN_SENT; SYN,ACK in SYN_RECEIVED, and in FIN_WAIT_1 entered from
 * SYN_RECEIVED while our SYN is unacknowledged (its FIN is the send
 * path's).
 *
 * Return: false if the state has nothing to retransmit here.
 */
bool xtcp_tcb_retransmit(const struct xtcp_tcb *tcb, struct xtcp_reply *r)
{
	memset(r, 0, sizeof(*r));
	switch (tcb->state) {
	case XTCP_SYN_SENT:
		xtcp_reply(r, XTCP_SYN, tcb->iss, 0);
		return true;
	case XTCP_SYN_RECEIVED:
		xtcp_reply_synack(tcb, r);
		return true;
	case XTCP_FIN_WAIT_1:
		/* closed in SYN_RECEIVED: our SYN is still unacknowledged */
		if (tcb->snd_una != tcb->iss)
			return false;
		xtcp_reply_synack(tcb, r);
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_retransmit);

/*
 * ABORT (§3.10.5): a synchronized connection (and SYN_RECEIVED) sends
 * <SEQ=SND.NXT><CTL=RST>; LISTEN and SYN_SENT just close.
 */
void xtcp_tcb_abort(struct xtcp_tcb *tcb, struct xtcp_reply *r)
{
	memset(r, 0, sizeof(*r));
	switch (tcb->state) {
	case XTCP_SYN_RECEIVED:
	case XTCP_ESTABLISHED:
	case XTCP_FIN_WAIT_1:
	case XTCP_FIN_WAIT_2:
	case XTCP_CLOSE_WAIT:
		xtcp_reply(r, XTCP_RST, tcb->snd_nxt, 0);
		break;
	default:
		break;
	}
	tcb->state = XTCP_CLOSED;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_abort);

/*
 * Delete the TCB, from any state, sending nothing: the connection ended
 * without a segment of ours (a timeout, §3.10.8; a child that never
 * completed its handshake; TIME_WAIT handed over to a minisock).  -> CLOSED
 */
void xtcp_tcb_delete(struct xtcp_tcb *tcb)
{
	tcb->state = XTCP_CLOSED;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_delete);

/* The window field to send: SYNs are never scaled (RFC 7323 §2.2). */
u16 xtcp_tcb_window(const struct xtcp_tcb *tcb, u8 flags)
{
	return xtcp_window_field(tcb->rcv_wnd,
				 flags & XTCP_SYN ? 0 : tcb->rcv_wscale);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tcb_window);
