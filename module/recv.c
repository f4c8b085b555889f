// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receiver: segment text goes onto sk_receive_queue in sequence order,
 * the window follows the free receive buffer without ever moving its right
 * edge left (RFC 9293 §3.8.6), and recvmsg(2) copies it out.
 */
#include <linux/log2.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "seq.h"
#include "window.h"
#include "xtcp.h"

/*
 * The window to advertise now (window.c): the free buffer as payload, at
 * the payload/truesize ratio the peer's segments reach (buffer space is
 * counted in truesize), grown only in steps of min(buffer/2, MSS)
 * (receiver SWS avoidance), never less than what was promised: the edge
 * last sent, RCV_WUP + RCV.WND.
 */
static u32 xtcp_rcv_window_now(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	int free = rcvbuf - atomic_read(&sk->sk_rmem_alloc);
	u32 promised = xs->rcv_wup + tcb->rcv_wnd - tcb->rcv_nxt;
	u32 clamp = xs->window_clamp ?: U32_MAX;	/* XTCP_WINDOW_CLAMP */

	if (xtcp_seq_before(xs->rcv_wup + tcb->rcv_wnd, tcb->rcv_nxt))
		promised = 0;
	return xtcp_rcv_window(min(xtcp_win_from_space(max(free, 0),
						       xs->rcv_ratio), clamp),
			       min(xtcp_win_from_space(rcvbuf, xs->rcv_ratio),
				   clamp),
			       xtcp_rcv_mss(xs), promised, tcb->rcv_wscale);
}

/* XTCP_QUICKACK: a delayed ACK goes now (tcp_cleanup_rbuf(sk, 1)). */
void xtcp_ack_now(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ack_pending && xtcp_state_acks_later(xs->tcb.state))
		xtcp_send_ack(sk);
}

/* The window for the segment about to go; xtcp_ack_sent() notes its edge. */
void xtcp_rcv_window_update(struct sock *sk)
{
	xtcp_sk(sk)->tcb.rcv_wnd = xtcp_rcv_window_now(sk);
}

/*
 * The window shift our SYN or SYN,ACK offers, as tcp_select_initial_window():
 * enough for the largest buffer the socket may grow to, max(rmem[2],
 * net.core.rmem_max), or only for its own when SO_RCVBUF fixed it (Linux's
 * window_clamp = tcp_full_space()).  7 for the defaults (6 MB), as Linux.
 */
static u8 xtcp_rcv_wscale(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 space = max_t(u32, READ_ONCE(xtcp_sk_pernet(sk)->rmem[2]),
			  READ_ONCE(sysctl_rmem_max));

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = min(space, xtcp_win_from_space(READ_ONCE(sk->sk_rcvbuf),
						       xs->rcv_ratio));
	if (space <= U16_MAX)
		return 0;
	return min_t(u32, ilog2(space) - 15, XTCP_MAX_WSCALE);
}

/*
 * Before the SYN or SYN,ACK: offer what the receive buffer can hold, and
 * the window shift for it (0 stays 0 once the peer's SYN offered none).
 */
void xtcp_rcv_window_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->tcb.rcv_wnd = xtcp_syn_window(READ_ONCE(sk->sk_rcvbuf), xs->rcv_ratio);
	if (xs->window_clamp)
		xs->tcb.rcv_wnd = min(xs->tcb.rcv_wnd, xs->window_clamp);
	if (xs->tcb.rcv_wscale)
		xs->tcb.rcv_wscale = xtcp_rcv_wscale(sk);
}

/*
 * Copy the receive queue's text into as few skbs as it fills, of a page
 * each, as tcp_collapse() does: segments far smaller than their skbs (a
 * peer's small writes) take many times their payload in truesize, which
 * the window, counted in payload, cannot foresee.  Offsets stay right, as
 * they go by sequence number.  On allocation failure what is left stays as
 * it was.  Stops at a FIN, which must stay on its own skb.
 */
static void xtcp_rcv_collapse(struct sock *sk)
{
	struct sk_buff *skb, *n = NULL;
	struct sk_buff_head done;
	u32 off = 0;

	__skb_queue_head_init(&done);
	while ((skb = skb_peek(&sk->sk_receive_queue)) &&
	       !xtcp_skb_fin(skb)) {
		u32 chunk;

		if (off == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
			off = 0;
			continue;
		}
		if (!n || !skb_tailroom(n)) {
			n = alloc_skb(SKB_WITH_OVERHEAD(PAGE_SIZE), GFP_ATOMIC);
			if (!n)
				break;
			memset(XTCP_SKB_CB(n), 0, sizeof(*XTCP_SKB_CB(n)));
			XTCP_SKB_CB(n)->seg.seq = xtcp_skb_seq(skb) + off;
			skb_set_owner_r(n, sk);
			__skb_queue_tail(&done, n);
		}
		chunk = min_t(u32, skb->len - off, skb_tailroom(n));
		if (WARN_ON_ONCE(skb_copy_bits(skb, off, skb_tail_pointer(n), chunk)))
			break;
		skb_put(n, chunk);
		XTCP_SKB_CB(n)->seg.len = n->len;
		off += chunk;
	}
	/* a partly copied skb keeps the rest */
	if (skb && off && xtcp_skb_trim_front(skb, off))
		WARN_ON_ONCE(1);
	skb_queue_splice(&done, &sk->sk_receive_queue);
}

/*
 * Is there room for @skb, whose text lies in the window?  The buffer is
 * sk_rcvbuf in truesize, and the window offered fits in it at the ratio
 * measured here (xtcp_rcv_window_update()); twice that absorbs segments
 * smaller than those measured.  Out-of-order data must fit in the buffer
 * proper.  In-order data is what the window promised and what lets RCV.NXT
 * and the reader advance: when memory is short for it, the receive queue
 * is collapsed, then the out-of-order queue goes (none of it was
 * acknowledged, there is no SACK); only then is the segment dropped.
 * Drops count in sk_drops, as the socket core's do.
 */
static bool xtcp_rcv_room(struct sock *sk, struct sk_buff *skb, bool in_order)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	/*
	 * SO_RCVBUFFORCE allows INT_MAX - 1: twice that needs 64 bits, and
	 * sk_rmem_alloc (an int) must keep room for the skb it adds
	 */
	s64 limit = min_t(s64, 2LL * rcvbuf, INT_MAX - SZ_16M);
	bool room = true;

	xs->rcv_ratio = xtcp_rcv_ratio(xs->rcv_ratio, skb->len, skb->truesize,
				       rcvbuf);
	xs->rcv_mss = max_t(u32, xs->rcv_mss, min_t(u32, skb->len, U16_MAX));
	if (!in_order) {
		room = (s64)atomic_read(&sk->sk_rmem_alloc) + skb->truesize <=
		       rcvbuf;
	} else if (atomic_read(&sk->sk_rmem_alloc) > limit) {
		xtcp_rcv_collapse(sk);
		if (atomic_read(&sk->sk_rmem_alloc) > limit) {
			/* reneging, as RFC 2018 §8 allows */
			xtcp_ofo_purge(&xs->ofo);
			xs->sack_rcv.nblocks = 0;
		}
		room = atomic_read(&sk->sk_rmem_alloc) <= limit;
	}
	/* and the protocol's memory (mem, memory.c), as tcp_try_rmem_schedule() */
	if (room && !sk_rmem_schedule(sk, skb, skb->truesize)) {
		room = false;
		if (in_order) {
			xtcp_rcv_collapse(sk);
			xtcp_ofo_purge(&xs->ofo);
			xs->sack_rcv.nblocks = 0;
			room = sk_rmem_schedule(sk, skb, skb->truesize);
		}
		if (!room)
			xtcp_sk_inc(sk, XTCP_MIB_RCV_MEM_DROPS);
	}
	if (!room)
		atomic_inc(&sk->sk_drops);	/* SO_MEMINFO shows it */
	return room;
}

/*
 * RFC 2883 §4: [@start, @end) arrived again; its D-SACK goes in the next
 * ACK (xtcp_xmit()), counted as @mib (TCPDSACKOldSent, TCPDSACKOfoSent).
 */
void xtcp_dsack_set(struct sock *sk, u32 start, u32 end, enum xtcp_mib mib)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok || start == end)
		return;
	xtcp_sack_rcv_dsack(&xs->sack_rcv, start, end);
	xtcp_sk_inc(sk, mib);
}

void xtcp_send_ack(struct sock *sk)
{
	struct xtcp_tcb *tcb = &xtcp_sk(sk)->tcb;

	xtcp_rcv_window_update(sk);
	xtcp_xmit(sk, XTCP_ACK, tcb->snd_nxt, tcb->rcv_nxt, NULL, 0);
}

/* Bytes received and not yet read (tcp_inq()): the peer's FIN is not one. */
u32 xtcp_inq(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	s32 answ = READ_ONCE(xs->tcb.rcv_nxt) - READ_ONCE(xs->copied_seq);

	if (answ > 0 && sock_flag(sk, SOCK_DONE))
		answ--;
	return max(answ, 0);
}

/*
 * The peer's FIN is next in sequence (§3.10.7.4, eighth): RCV.NXT takes
 * it, readers see end of file (recv() returns 0, EPOLLIN | EPOLLRDHUP),
 * and the state moves on (xtcp_tcb_fin()).  The FIN is ACKed at once,
 * except in CLOSE_WAIT when @now is false (no data with it, or too little
 * to ACK at once): there the ACK waits as a delayed ACK, as tcp_fin()'s,
 * so that a close() soon after sends it on our FIN, one segment fewer.
 * Return: xtcp_tcb_fin()'s events (never 0), for xtcp_close_progress().
 */
static unsigned int xtcp_fin_rcv(struct sock *sk, bool now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_reply r;
	unsigned int ev;

	ev = xtcp_tcb_fin(&xs->tcb, &r);
	xtcp_sync_state(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	xtcp_ofo_purge(&xs->ofo);
	xs->sack_rcv.nblocks = 0;
	if (!now && xs->tcb.state == XTCP_CLOSE_WAIT) {
		xs->ack_pending++;
		xtcp_delack_arm(sk);
	} else {
		xtcp_send_ack(sk);
	}
	return ev;
}

/*
 * Segment text (§3.10.7.4, seventh): in-order data joins the receive queue
 * and RCV.NXT advances over it and over whatever the out-of-order queue can
 * now add; old bytes are trimmed; data after a hole waits in the
 * out-of-order queue, within the window.  An out-of-order segment, or one
 * that fills a hole, is ACKed at once (RFC 5681 §4.2); other data every
 * second full segment or after 40 ms.  A FIN is taken when it is next in
 * sequence, with or after in-order data; an out-of-order FIN is dropped
 * (its data is kept) and the peer sends it again.  Text on a SYN,ACK
 * (SYN_SENT's sixth step) starts at SEG.SEQ + 1; a listener and
 * SYN_RECEIVED ignore text on a SYN (only the SYN is ACKed; the peer
 * resends it).  A FIN taken sets @fin_ev, for the caller to carry on
 * closing (xtcp_close_progress()); it is left alone otherwise.
 *
 * Return: true if the receive path took @skb.
 */
bool xtcp_data_rcv(struct sock *sk, struct sk_buff *skb, unsigned int *fin_ev)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	bool fin = seg->flags & XTCP_FIN;
	bool taken = false, now = true;
	u32 before, room;

	xs->segs_in++;
	/* text (and FIN) on a SYN,ACK: the SYN took SEG.SEQ, the text follows */
	if (seg->flags & XTCP_SYN) {
		seg->seq++;
		seg->flags &= ~XTCP_SYN;
	}
	if (!seg->len) {
		/* a FIN alone */
		if (fin && seg->seq == tcb->rcv_nxt)
			*fin_ev = xtcp_fin_rcv(sk, false);
		else
			xtcp_send_ack(sk);
		return false;
	}
	/* from here on skb->data is the payload */
	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	seg->flags &= ~XTCP_FIN;
	if (xtcp_seq_before(seg->seq, tcb->rcv_nxt)) {
		u32 old = tcb->rcv_nxt - seg->seq;

		xtcp_dsack_set(sk, seg->seq, seg->seq + min(old, seg->len),
			       XTCP_MIB_DSACK_OLD_SENT);
		if (old >= seg->len) {
			/* the data is old; the FIN may be next */
			if (fin && seg->seq + seg->len == tcb->rcv_nxt) {
				*fin_ev = xtcp_fin_rcv(sk, true);
				return false;
			}
			goto ack;
		}
		if (!pskb_pull(skb, old))
			goto ack;
		seg->seq += old;
		seg->len -= old;
	}
	/* keep what fits in the window: [RCV.NXT, RCV.NXT + RCV.WND) */
	room = tcb->rcv_nxt + tcb->rcv_wnd - seg->seq;
	if (xtcp_seq_after(seg->seq, tcb->rcv_nxt + tcb->rcv_wnd))
		room = 0;
	if (seg->len > room && !pskb_trim(skb, room)) {
		seg->len = room;
		fin = false;	/* it came after what we keep */
	}
	/* the window bounds the bytes; this bounds their overhead */
	if (!seg->len || !xtcp_rcv_room(sk, skb, seg->seq == tcb->rcv_nxt))
		goto ack;
	skb_dst_drop(skb);
	skb_orphan(skb);
	skb_set_owner_r(skb, sk);
	taken = true;
	if (seg->seq != tcb->rcv_nxt) {
		u32 start = seg->seq, end = seg->seq + seg->len;

		/* after a hole; the queue frees what it does not keep */
		switch (xtcp_ofo_insert(&xs->ofo, skb, tcb->rcv_nxt,
					tcb->rcv_wnd)) {
		case 0:
			/* RFC 2018 §4: the block holding it goes first */
			if (xs->sack_ok)
				xtcp_sack_rcv_add(&xs->sack_rcv, start, end);
			break;
		case XTCP_OFO_NOTHING_NEW:
			xtcp_dsack_set(sk, start, end, XTCP_MIB_DSACK_OFO_SENT);
			break;
		}
		goto ack;
	}
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	before = tcb->rcv_nxt;
	tcb->rcv_nxt += seg->len;
	if (!fin && !xtcp_ofo_empty(&xs->ofo))
		tcb->rcv_nxt = xtcp_ofo_drain(&xs->ofo, tcb->rcv_nxt,
					      &sk->sk_receive_queue);
	if (xs->sack_rcv.nblocks)
		xtcp_sack_rcv_advance(&xs->sack_rcv, tcb->rcv_nxt);
	xs->bytes_received += tcb->rcv_nxt - before;
	xtcp_rcv_rtt_measure(sk);
	xs->ack_pending += tcb->rcv_nxt - before;
	xs->ack_pushed = xtcp_ack_pushed(xs->ack_pushed, seg->len,
					 xtcp_rcv_mss(xs), seg->flags & XTCP_PSH);
	xs->lrcvtime = jiffies;
	/*
	 * at once: every second full segment, or data that filled all
	 * (the queue drained) or part of a gap (out-of-order data is still
	 * held), RFC 5681 §4.2, as __tcp_ack_snd_check()
	 */
	now = xs->ack_pending >= min(2 * xtcp_rcv_mss(xs), tcb->rcv_wnd / 2) ||
	      tcb->rcv_nxt - before != seg->len || !xtcp_ofo_empty(&xs->ofo);
	/* XTCP_QUICKACK: the next segments are ACKed at once */
	if (xs->quickack && !now) {
		xs->quickack--;
		now = true;
	}
	sk->sk_data_ready(sk);
	if (fin) {
		/* the FIN follows the data just queued */
		*fin_ev = xtcp_fin_rcv(sk, now);
		return taken;
	}
ack:
	if (now)
		xtcp_send_ack(sk);
	else
		xtcp_delack_arm(sk);
	return taken;
}

/*
 * After the user read @copied bytes (as __tcp_cleanup_rbuf()): a delayed
 * ACK goes now if xtcp_ack_after_read() says the peer is waiting for it;
 * else a window update goes out only when the read freed a lot, that is
 * when what the peer may still send is at most half of what the buffer
 * holds and the window we can offer now (receiver SWS avoidance applied,
 * window.c) is at least twice that.  A read that took nothing (an empty queue) sends
 * nothing, nor does one after the peer's FIN.
 */
static void xtcp_cleanup_rbuf(struct sock *sk, size_t copied)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	u32 left = xs->rcv_wup + tcb->rcv_wnd - tcb->rcv_nxt;
	u32 now;

	if (!copied || (sk->sk_shutdown & RCV_SHUTDOWN) ||
	    !xtcp_state_receives(tcb->state))
		return;
	if (xtcp_ack_after_read(xs->ack_pending, xtcp_rcv_mss(xs),
				xs->ack_pushed, xs->pingpong,
				!atomic_read(&sk->sk_rmem_alloc))) {
		xtcp_send_ack(sk);
		return;
	}
	if (xtcp_seq_before(xs->rcv_wup + tcb->rcv_wnd, tcb->rcv_nxt))
		left = 0;
	if (2ULL * left > xtcp_win_from_space(READ_ONCE(sk->sk_rcvbuf),
					      xs->rcv_ratio))
		return;
	now = xtcp_rcv_window_now(sk);
	if (now && now >= 2ULL * left)
		xtcp_send_ack(sk);
}

/*
 * recvmsg(2), recv(2), read(2): TCP's semantics, including MSG_PEEK,
 * MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC (discard), SO_RCVTIMEO and signals;
 * 0 once the peer has closed its side.
 */
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 peek_seq, *seq;
	size_t copied = 0;
	long timeo;
	int target, err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = &xs->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = xs->copied_seq;
		seq = &peek_seq;
	}

	while (copied < len) {
		struct sk_buff *skb, *last = NULL;
		u32 off, chunk;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			last = skb;
			off = *seq - xtcp_skb_seq(skb);
			if (off < skb->len)
				goto found;
		}
		/* nothing to read */
		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			/* tcp_recvmsg()'s order: FIN, then error, then shutdown */
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				err = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				err = -ENOTCONN;
				break;
			}
			if (!timeo) {
				err = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				err = sock_intr_errno(timeo);
				break;
			}
		}
		if (!(flags & MSG_PEEK))
			xtcp_cleanup_rbuf(sk, copied);
		sk_wait_data(sk, &timeo, last);
		continue;
found:
		chunk = min_t(size_t, skb->len - off, len - copied);
		if (!(flags & MSG_TRUNC)) {
			if (skb_copy_datagram_msg(skb, off, msg, chunk)) {
				if (!copied)
					err = -EFAULT;
				break;
			}
		}
		*seq += chunk;
		copied += chunk;
		if (!(flags & MSG_PEEK) && off + chunk == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	}
	if (!(flags & MSG_PEEK)) {
		if (copied)
			xtcp_rcv_space_adjust(sk);
		xtcp_cleanup_rbuf(sk, copied);
	}
out:
	release_sock(sk);
	return copied ? copied : err;
}
