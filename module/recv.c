// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receiver: segment text goes onto sk_receive_queue in sequence order,
 * the window follows the free receive buffer without ever moving its right
 * edge left (RFC 9293 §3.8.6), and recvmsg(2) copies it out.
 */
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "seq.h"
#include "xtcp.h"

/* The window to advertise: the free buffer, never less than promised. */
void xtcp_rcv_window_update(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	int free = READ_ONCE(sk->sk_rcvbuf) - atomic_read(&sk->sk_rmem_alloc);
	u32 promised = xs->rcv_wup + tcb->rcv_wnd - tcb->rcv_nxt;
	/* buffer space is counted in truesize: offer half of it as payload */
	u32 wnd = max(free, 0) / 2;

	if (xtcp_seq_before(xs->rcv_wup + tcb->rcv_wnd, tcb->rcv_nxt))
		promised = 0;
	wnd = min_t(u32, wnd, (u32)U16_MAX << tcb->rcv_wscale);
	wnd = round_down(wnd, 1U << tcb->rcv_wscale);
	tcb->rcv_wnd = max(wnd, promised);
}

/* Every segment with ACK carries RCV.NXT and the window: note what we sent. */
void xtcp_ack_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcv_wup = xs->tcb.rcv_nxt;
	if (xs->ack_pending) {
		xs->ack_pending = 0;
		xtcp_delack_stop(sk);
	}
}

void xtcp_send_ack(struct sock *sk)
{
	struct xtcp_tcb *tcb = &xtcp_sk(sk)->tcb;

	xtcp_rcv_window_update(sk);
	xtcp_xmit(sk, XTCP_ACK, tcb->snd_nxt, tcb->rcv_nxt, NULL, 0, 0);
}

/*
 * Segment text (§3.10.7.4, seventh): in-order data joins the receive queue
 * and RCV.NXT advances; old bytes are trimmed.  Out-of-order data is dropped
 * for now (the sender's timer resends it).  Every data segment is answered
 * with an ACK.
 *
 * Return: true if the receive queue took @skb.
 */
bool xtcp_data_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	bool queued = false, now = true;

	xs->segs_in++;
	if (!seg->len)
		return false;	/* a FIN alone: the teardown's business */
	/* from here on skb->data is the payload */
	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	if (xtcp_seq_before(seg->seq, tcb->rcv_nxt)) {
		u32 old = tcb->rcv_nxt - seg->seq;

		if (old >= seg->len || !pskb_pull(skb, old))
			goto ack;
		seg->seq += old;
		seg->len -= old;
	}
	if (seg->seq != tcb->rcv_nxt)
		goto ack;	/* out of order */
	if (seg->len > tcb->rcv_wnd && !pskb_trim(skb, tcb->rcv_wnd))
		seg->len = tcb->rcv_wnd;
	/* the window bounds the bytes; this bounds their overhead */
	if (!seg->len ||
	    atomic_read(&sk->sk_rmem_alloc) > 2 * READ_ONCE(sk->sk_rcvbuf))
		goto ack;
	skb_dst_drop(skb);
	skb_orphan(skb);
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	tcb->rcv_nxt += seg->len;
	xs->bytes_received += seg->len;
	queued = true;
	/* RFC 9293 §3.8.6.3: ACK every second full segment, else within 40 ms */
	xs->ack_pending += seg->len;
	now = xs->ack_pending >= 2 * tcb->mss;
	sk->sk_data_ready(sk);
ack:
	if (now)
		xtcp_send_ack(sk);
	else
		xtcp_delack_arm(sk);
	return queued;
}

/* After the user read: reopen the window if it grew by an MSS or more. */
static void xtcp_cleanup_rbuf(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	u32 before = xs->rcv_wup + tcb->rcv_wnd - tcb->rcv_nxt;

	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
				     TCPF_FIN_WAIT2)))
		return;
	xtcp_rcv_window_update(sk);
	if (tcb->rcv_wnd >= before + tcb->mss ||
	    (before < tcb->mss && tcb->rcv_wnd >= tcb->mss))
		xtcp_xmit(sk, XTCP_ACK, tcb->snd_nxt, tcb->rcv_nxt, NULL, 0, 0);
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
			off = *seq - XTCP_SKB_CB(skb)->seg.seq;
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
		xtcp_cleanup_rbuf(sk);
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
			kfree_skb(skb);
		}
	}
	if (!(flags & MSG_PEEK))
		xtcp_cleanup_rbuf(sk);
out:
	release_sock(sk);
	return copied ? copied : err;
}
