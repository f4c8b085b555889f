// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sender: sendmsg(2) fills the write queue with MSS-sized segments;
 * xtcp_push() sends what the peer's window allows; ACKs free what they
 * cover; the retransmission timer resends the oldest unacknowledged segment.
 * Each queued skb holds a segment's payload, with its sequence number in
 * XTCP_SKB_CB(skb)->seg.seq and its length in skb->len.
 */
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "seq.h"
#include "window.h"
#include "xtcp.h"

/* RACK's clock: microseconds, modulo 2^32 (rack.h) */
static u32 xtcp_rack_now_us(void)
{
	return (u32)xtcp_clock_us();
}

/* RACK-TLP for this connection: sysctl recovery bit 0, and SACK */
static bool xtcp_rack_on(struct sock *sk)
{
	return xtcp_sk(sk)->sack_ok &&
	       (READ_ONCE(xtcp_sk_pernet(sk)->recovery) & 1);
}

/* The RTO to arm next, from the estimator, in ms (at least 1). */
static void xtcp_set_rto(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 us = xtcp_rtt_timeout_us(&xs->rtt,
				     READ_ONCE(xn->rto_max_ms) * USEC_PER_MSEC);

	xs->rto_ms = max_t(u32, DIV_ROUND_UP(us, USEC_PER_MSEC), 1);
}

/**
 * xtcp_stream_memory_free - sk_prot->stream_memory_free, as
 * tcp_stream_memory_free(): with XTCP_NOTSENT_LOWAT, writable only while
 * fewer bytes than that wait unsent (twice as few to wake a writer)
 * @sk: the socket
 * @wake: 1 when deciding to wake a writer
 *
 * Return: true if a writer may queue more.
 */
bool xtcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lowat = READ_ONCE(xs->notsent_lowat) ?: U32_MAX;
	u32 notsent = READ_ONCE(xs->tcb.write_seq) - READ_ONCE(xs->tcb.snd_nxt);

	return (u64)notsent << wake < lowat;
}

/* Wake writers when the queue has drained enough (sk_stream_write_space). */
void xtcp_write_space(struct sock *sk)
{
	struct socket_wq *wq;

	if (!sk_stream_is_writeable(sk) || !sk->sk_socket)
		return;
	clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/*
 * Free a segment an ACK took into the forward allocation, without
 * sk_mem_uncharge()'s reclaim: it stays until xtcp_do_rcv() is done with
 * the segment, so the data it carries (and what xtcp_push() queues) is
 * charged from it, not granted anew, and one reclaim returns the rest
 * (as the fast path of tcp_rcv_established() queues data before
 * tcp_ack() frees).
 */
static void xtcp_free_acked(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	WRITE_ONCE(sk->sk_forward_alloc, sk->sk_forward_alloc + skb->truesize);
	consume_skb(skb);
}

/* Any other queued segment: sk_mem_uncharge(), reclaim included. */
static void xtcp_free_queued(struct sock *sk, struct sk_buff *skb)
{
	xtcp_free_acked(sk, skb);
	sk_mem_reclaim(sk);
}

void xtcp_send_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		xtcp_free_queued(sk, skb);
	xtcp_sk(sk)->send_head = NULL;
}

/*
 * Send one queued segment, new or again, at @now (xtcp_clock_us(), read
 * once for the event): PSH where the sender marked a push point
 * (xtcp_mark_push()), as tcp_transmit_skb() sends the flags TCP_SKB_CB()
 * holds.
 */
static void xtcp_xmit_skb(struct sock *sk, struct sk_buff *skb, u64 now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u8 flags = XTCP_ACK | (xtcp_skb_fin(skb) ? XTCP_FIN : 0);

	/* RFC 8985 §6.1: each segment's last transmit time, and if resent */
	cb->xmit_us = (u32)now;
	cb->rack &= ~XTCP_RACK_LOST;
	if (xtcp_seq_before(cb->seg.seq, xs->tcb.snd_nxt))
		cb->rack |= XTCP_RACK_RETRANS;
	/* PRR counts what recovery sends (prr_out) */
	xtcp_cc_sent(&xs->cc, skb->len);

	if (skb->len) {
		flags |= XTCP_SKB_CB(skb)->seg.flags & XTCP_PSH;
		/*
		 * data within the delayed-ACK time of data received: a reply,
		 * the connection is interactive (tcp_event_data_sent())
		 */
		if (xs->bytes_received &&
		    time_before(jiffies, xs->lrcvtime +
					 msecs_to_jiffies(XTCP_DELACK_MS)))
			xs->pingpong = true;
	}
	xtcp_xmit(sk, flags, xtcp_skb_seq(skb), xs->tcb.rcv_nxt, skb, now);
}

/*
 * A push point (RFC 9293 §3.9.1 SEND's PUSH flag): the data queued so far
 * ends at @skb, the write queue's tail; its last segment carries PSH
 * (tcp_mark_push()).
 */
static void xtcp_mark_push(struct xtcp_sock *xs, struct sk_buff *skb)
{
	XTCP_SKB_CB(skb)->seg.flags |= XTCP_PSH;
	xs->pushed_seq = xs->tcb.write_seq;
	xs->pushed_set = true;
}

/* Half the peer's largest window written since the last PSH: push (forced_push()). */
static bool xtcp_forced_push(struct xtcp_sock *xs)
{
	if (!xs->pushed_set) {
		/* the first write: count from the start of the data */
		xs->pushed_seq = xs->tcb.snd_una;
		xs->pushed_set = true;
	}
	return xtcp_seq_after(xs->tcb.write_seq,
			      xs->pushed_seq + (xs->tcb.max_wnd >> 1));
}

/*
 * An empty write-queue skb: headroom for every header below and ours, no
 * linear payload (the payload goes in page fragments, as TCP's does), and
 * its header released so that transmit clones may write theirs in front.
 */
static struct sk_buff *xtcp_alloc_queued(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb_fclone(XTCP_MAX_HEADER, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	__skb_header_release(skb);
	/*
	 * As tcp_stream_alloc_skb(): not CHECKSUM_NONE, or the copy from
	 * user space (skb_do_copy_data_nocache()) sums every byte for
	 * nothing; each transmission sets its own (xtcp_set_csum()).
	 */
	skb->ip_summed = CHECKSUM_PARTIAL;
	return skb;
}

/*
 * Give @skb its own head and fragment list if a transmit clone shares
 * them, keeping its truesize (what sk_wmem_queued counted), as
 * skb_unclone_keeptruesize() does (its helper is not exported).
 */
static int xtcp_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;
	int err;

	if (!skb_cloned(skb))
		return 0;
	err = pskb_expand_head(skb, 0, 0, GFP_ATOMIC);
	skb->truesize = truesize;
	if (!err)
		__skb_header_release(skb);	/* headroom for clones' headers */
	return err;
}

/*
 * Cut @skb after @len bytes; the rest becomes the next queued segment.  A
 * skb sent before may still share its fragment list with a clone below
 * us (in a qdisc, or in the peer's receive queue over veth): it gets its
 * own first, as tcp_fragment() does.
 */
static int xtcp_split(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct sk_buff *rest;

	if (xtcp_unclone(skb))
		return -ENOMEM;
	rest = xtcp_alloc_queued(GFP_ATOMIC);
	if (!rest)
		return -ENOMEM;
	if (!sk_wmem_schedule(sk, rest->truesize)) {
		__kfree_skb(rest);
		return -ENOMEM;
	}
	skb_split(skb, rest, len);
	memset(XTCP_SKB_CB(rest), 0, sizeof(*XTCP_SKB_CB(rest)));
	XTCP_SKB_CB(rest)->seg.seq = xtcp_skb_seq(skb) + len;
	/* a FIN, a push point and an EOR follow the last byte (tcp_fragment()) */
	XTCP_SKB_CB(rest)->seg.flags = XTCP_SKB_CB(skb)->seg.flags &
				       (XTCP_FIN | XTCP_PSH);
	XTCP_SKB_CB(rest)->eor = XTCP_SKB_CB(skb)->eor;
	/* sent together: the same transmit time and history (RACK) */
	XTCP_SKB_CB(rest)->rack = XTCP_SKB_CB(skb)->rack;
	XTCP_SKB_CB(rest)->xmit_us = XTCP_SKB_CB(skb)->xmit_us;
	XTCP_SKB_CB(skb)->seg.flags &= ~(XTCP_FIN | XTCP_PSH);
	XTCP_SKB_CB(skb)->eor = false;
	__skb_queue_after(&sk->sk_write_queue, skb, rest);
	sk_wmem_queued_add(sk, rest->truesize);
	sk_mem_charge(sk, rest->truesize);
	return 0;
}

/*
 * The payload one queued skb may carry: one MSS, or with GSO on the route
 * (sk_setup_caps() at connect or accept) a super-segment of whole MSS.
 */
static u32 xtcp_goal(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!sk_can_gso(sk))
		return xs->tcb.snd_mss;
	return xtcp_size_goal(xs->tcb.snd_mss, sk->sk_gso_max_size,
			      sk->sk_gso_max_segs, xs->tcb.max_wnd);
}

/**
 * xtcp_snd_segment_ok() - may the next segment of a queued skb go now?
 * @avail: unsent bytes queued, from SND.NXT on
 * @usable: the usable window (xtcp_snd_usable())
 * @mss: Eff.snd.MSS
 * @max_wnd: the largest window the peer offered
 * @small_out: a short segment is sent and not yet acknowledged
 *	(xtcp_small_outstanding(): Nagle as Linux does it, Minshall's)
 * @nagle: XTCP_NAGLE_* bits
 *
 * Sender SWS avoidance and Nagle (xtcp_snd_should_send()), Nagle off for
 * XTCP_NODELAY and for an skb before the tail (it ends at a MSG_EOR mark or
 * a full fragment list: tcp_write_xmit() passes TCP_NAGLE_PUSH for all but
 * the tail).  A cork (XTCP_CORK, MSG_MORE) holds a partial segment even
 * with nothing in flight (tcp_nagle_check()); the persist timer's override
 * sends it at the latest, an RTO (at least rto_min_ms, 200 ms) later, as
 * TCP's probe timer does.  XTCP_NAGLE_PUSH, setting XTCP_NODELAY, lets
 * it go whatever the cork (TCP_NAGLE_PUSH).
 *
 * Return: true to send a segment now.
 */
bool xtcp_snd_segment_ok(u32 avail, u32 usable, u32 mss, u32 max_wnd,
			 bool small_out, unsigned int nagle)
{
	if (nagle & XTCP_NAGLE_PUSH)
		nagle = XTCP_NAGLE_OFF;
	if ((nagle & XTCP_NAGLE_CORK) && min(avail, usable) < mss)
		return false;
	return xtcp_snd_should_send(avail, usable, mss, max_wnd,
				    nagle & XTCP_NAGLE_OFF, small_out,
				    !(nagle & XTCP_NAGLE_CORK));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_snd_segment_ok);

static void xtcp_tlp_schedule(struct sock *sk, u64 now);
static void xtcp_rack_after_ack(struct sock *sk, bool una_advanced);
static u32 xtcp_rack_pipe(struct sock *sk);

/*
 * Sending starts with nothing in flight: the time since the last segment
 * was idle, which congestion control does not count as growth (CUBIC's
 * epoch moves) and which ends the delivery-rate interval unmeasured.
 */
static void xtcp_send_restart(struct xtcp_sock *xs, u64 now)
{
	if (xs->lsnd_us && now > xs->lsnd_us) {
		xtcp_cc_clock(&xs->cc, now, xs->rtt.min_rtt_us);
		xtcp_cc_tx_start(&xs->cc, now - xs->lsnd_us);
	}
	xs->dr_start_us = now;
	xs->dr_start_acked = xs->bytes_acked;
}

/*
 * Send what may be sent now: within min(SND.WND, cwnd) of SND.UNA (cwnd
 * plus a segment per duplicate ACK for the first two, RFC 3042), as
 * sender SWS avoidance, Nagle and a cork allow (RFC 9293 §3.8.6.2.1 and
 * §3.7.4, xtcp_snd_segment_ok()): a full segment, or all that is queued
 * when no short segment is outstanding (Nagle as Minshall's variant,
 * unless XTCP_NODELAY), or half the
 * largest window the peer offered.  @force is the override timeout of
 * (4): with nothing in flight, send what fits.  @nagle adds XTCP_NAGLE_*
 * bits for this call (MSG_MORE, setting XTCP_NODELAY).  A FIN goes with
 * the last data, or alone, and takes no window.  Whatever is left with
 * nothing in flight waits for the persist timer: probes for a zero
 * window, the override for a small one or a cork.
 */
static void __xtcp_push(struct sock *sk, bool force, unsigned int nagle)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct sk_buff *skb;
	bool sent = false;
	u64 now = 0;
	u32 cwnd;

	if (!xtcp_state_sends(tcb->state))
		return;
	/*
	 * With RACK on, cwnd bounds the pipe (RFC 6675 §5, Linux's
	 * tcp_cwnd_test()), not the flight: what is SACKed or lost and not
	 * resent has left the network.  Duplicate ACKs then need no limited
	 * transmit of their own (RFC 3042): each SACKs what it lets go.
	 */
	if (xtcp_rack_on(sk))
		cwnd = xtcp_cc_add(xtcp_cc_window(&xs->cc),
				   tcb->snd_nxt - tcb->snd_una -
				   xtcp_rack_pipe(sk));
	else
		cwnd = xtcp_cc_send_window(&xs->cc);
	while ((skb = xs->send_head)) {
		u32 in_flight = tcb->snd_nxt - tcb->snd_una;
		bool small = xtcp_small_outstanding(tcb->snd_sml, tcb->snd_una,
						    tcb->snd_nxt);
		u32 usable = xtcp_snd_usable(tcb->snd_una, tcb->snd_nxt,
					     tcb->snd_wnd, cwnd);
		/* unsent data, not counting a FIN still to go */
		u32 avail = tcb->write_seq - tcb->snd_nxt;

		bool last = skb_queue_is_last(&sk->sk_write_queue, skb);
		unsigned int how = nagle;

		if (xs->nodelay || !last)
			how |= XTCP_NAGLE_OFF;
		if (xs->cork && last)
			how |= XTCP_NAGLE_CORK;
		if (!last)
			how &= ~XTCP_NAGLE_CORK;
		/* nor Nagle nor a cork holds the FIN (tcp_nagle_test()) */
		if ((how & XTCP_NAGLE_PUSH) || xtcp_skb_fin(skb))
			how = XTCP_NAGLE_OFF;
		if (skb->len &&
		    !xtcp_snd_segment_ok(avail, usable, tcb->snd_mss,
					 tcb->max_wnd, small, how) &&
		    !(force && !in_flight && usable))
			break;
		/* whole segments, up to the goal; a runt waits (Nagle, cork) */
		if (skb->len) {
			bool hold = last && !force &&
				    ((how & XTCP_NAGLE_CORK) ||
				     (small && !(how & XTCP_NAGLE_OFF)));
			u32 len = xtcp_send_split(skb->len, usable, tcb->snd_mss,
						  xtcp_goal(sk), hold);

			if (len < skb->len && xtcp_split(sk, skb, len))
				break;
		}
		/* one clock read for the push, as tcp_write_xmit()'s */
		if (!now)
			now = xtcp_clock_us();
		if (!in_flight)
			xtcp_send_restart(xs, now);
		xs->lsnd_us = now;
		xtcp_xmit_skb(sk, skb, now);
		sent = true;
		tcb->snd_nxt = xtcp_skb_end_seq(skb);
		tcb->snd_sml = xtcp_minshall_update(tcb->snd_sml, tcb->snd_nxt,
						    skb->len, tcb->snd_mss);
		xtcp_rtt_on_send(&xs->rtt, tcb->snd_nxt, now, false);
		xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
				NULL : skb_queue_next(&sk->sk_write_queue, skb);
		/* not running (RFC 6298 (5.1)); an expiry deferred to
		 * release_cb keeps its deadline
		 */
		if (!xtcp_timer_armed(xs, XTCP_TIMER_RTX)) {
			xtcp_set_rto(sk);
			xtcp_rtx_arm_at(sk, xtcp_us_ktime(now));
		}
	}
	if (sent) {
		/* the window is open again */
		xs->persist_backoff = 0;
		xtcp_timer_stop(sk, XTCP_TIMER_PERSIST);
		xtcp_tlp_schedule(sk, now);
	}
	/* Data waits with nothing in flight: no ACK will come to move it. */
	if (xs->send_head && tcb->snd_nxt == tcb->snd_una &&
	    !xtcp_timer_armed(xs, XTCP_TIMER_PERSIST))
		xtcp_persist_arm(sk);
}

/*
 * RFC 8985 §7.2 (tcp_schedule_loss_probe()): with new data sent or an ACK
 * in, and no loss being repaired (not in recovery, no SACKed data, no
 * timeout's resending, no probe outstanding), arm the probe timer PTO
 * from @now (xtcp_clock_us(), the event's), unless the RTO comes first.
 * Linux's conditions: SACK, and the Open state.
 */
static void xtcp_tlp_schedule(struct sock *sk, u64 now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	u32 flight = tcb->snd_nxt - tcb->snd_una;
	ktime_t rto_due = xs->timer_due[XTCP_TIMER_RTX], due;
	u32 pto_ms;

	if (!xtcp_rack_on(sk) || !flight || xs->cc.in_recovery ||
	    xs->cc.dupacks || xs->rto_recovery || xs->sack_sb.n ||
	    xs->rack.tlp_set ||
	    (xs->rack_reo_timer && xtcp_timer_armed(xs, XTCP_TIMER_RACK)))
		return;
	pto_ms = DIV_ROUND_UP(xtcp_tlp_pto_us(xs->rtt.srtt_us,
					      DIV_ROUND_UP(flight, tcb->snd_mss)),
			      USEC_PER_MSEC);
	due = ktime_add_ms(xtcp_us_ktime(now), pto_ms);
	if (rto_due != KTIME_MAX && !ktime_before(due, rto_due))
		return;
	xs->rack_reo_timer = false;
	xtcp_timer_arm_at(sk, XTCP_TIMER_RACK, due);
}

void xtcp_push(struct sock *sk)
{
	__xtcp_push(sk, false, 0);
}

/* The override timeout of §3.8.6.2.1 (4) expired: send what fits. */
void xtcp_push_force(struct sock *sk)
{
	__xtcp_push(sk, true, 0);
}

/*
 * XTCP_NODELAY was set, or XTCP_CORK cleared with it set: what Nagle or
 * the cork holds goes now, as tcp_push_pending_frames() with
 * TCP_NAGLE_PUSH.
 */
void xtcp_push_now(struct sock *sk)
{
	__xtcp_push(sk, false, XTCP_NAGLE_PUSH);
}

/*
 * A probe: <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK>, no data, an old sequence
 * number the peer must answer with an ACK that carries its window
 * (§3.10.7.4: an unacceptable segment draws one).  Both the zero-window
 * probe (RFC 9293 §3.8.6.1) and the keepalive probe (RFC 1122 §4.2.3.6;
 * Linux's tcp_xmit_probe_skb() for both) are this segment.
 */
void xtcp_send_probe(struct sock *sk)
{
	struct xtcp_tcb *tcb = &xtcp_sk(sk)->tcb;

	xtcp_xmit(sk, XTCP_ACK, tcb->snd_una - 1, tcb->rcv_nxt, NULL, 0);
}

/* Count a retransmission of @skb (also for undo: xtcp_cc_dsack()). */
static void xtcp_retransmitted(struct sock *sk, const struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->total_retrans++;
	xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SEGS);
	xtcp_cc_retransmitted(&xs->cc,
			      max(DIV_ROUND_UP(skb->len, xs->tcb.snd_mss), 1U));
}

/* Send @skb of the flight again: timed as Karn says, counted, traced. */
static void xtcp_resend_skb(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 now = xtcp_clock_us();

	xtcp_trace_retransmit(sk, skb);
	xtcp_xmit_skb(sk, skb, now);
	/* Karn: an ACK from now on may answer either copy */
	xtcp_rtt_on_send(&xs->rtt, xtcp_skb_end_seq(skb), now, true);
	xtcp_retransmitted(sk, skb);
}

/* Resend the oldest unacknowledged segment; false if there is none. */
bool xtcp_retransmit_head(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	/* nothing in flight: a closed window is the persist timer's */
	if (!skb || skb == xs->send_head)
		return false;
	/*
	 * One segment, as TCP resends: the rest of a super-segment stays in
	 * flight (the peer may hold it, out of order).  Should the cut fail,
	 * all of it goes again.
	 */
	if (skb->len > xs->tcb.snd_mss &&
	    !xtcp_split(sk, skb, xs->tcb.snd_mss))
		xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SPLITS);
	xtcp_resend_skb(sk, skb);
	return true;
}

/*
 * The last transmission of queued @skb has not left this host: its
 * transmit clone (xtcp_clone_segment(), the fast clone's companion) is
 * still alive below us, in a qdisc, a netem delay, a driver's ring or a
 * local receiver's backlog.  What has not left cannot have been lost on
 * the way; a second copy would only trail the first, and its duplicate
 * would cost the peer a D-SACK and us a reordering window that grew for
 * nothing.  Linux's skb_still_in_host_queue() asks the same (its clone
 * is owned until it leaves; ours is not, xtcp_xmit(), so a clone a local
 * peer queued counts too: SACKed or ACKed, it is not asked about).  A
 * queued skb cut after its transmission (xtcp_split()) has a fresh
 * companion and says no: it is resent as before.
 */
static bool xtcp_still_in_host(struct sock *sk, const struct sk_buff *skb)
{
	const struct sk_buff_fclones *fclones;

	if (skb->fclone != SKB_FCLONE_ORIG)
		return false;
	fclones = container_of(skb, struct sk_buff_fclones, skb1);
	if (refcount_read(&fclones->fclone_ref) == 1)
		return false;
	xtcp_sk_inc(sk, XTCP_MIB_SPURIOUS_RTX_HOSTQ);
	return true;
}

/*
 * Resend [@start, @end) of the flight (a hole the scoreboard chose, or
 * RACK marked lost): the queued skb holding @start is cut so that a
 * segment begins there and ends at @end at the latest; not while the
 * last copy is still in this host (xtcp_still_in_host()).  Return: the
 * sequence number after what went, or @start if nothing did.
 */
static u32 xtcp_retransmit_range(struct sock *sk, u32 start, u32 end)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff_head *q = &sk->sk_write_queue;
	struct sk_buff *skb;

	skb_queue_walk(q, skb) {
		if (skb == xs->send_head)
			return start;
		if (xtcp_seq_after(xtcp_skb_end_seq(skb), start))
			break;
	}
	if (skb == (struct sk_buff *)q || skb == xs->send_head ||
	    xtcp_seq_after(xtcp_skb_seq(skb), start) ||
	    xtcp_still_in_host(sk, skb))
		return start;
	if (xtcp_skb_seq(skb) != start) {
		if (xtcp_split(sk, skb, start - xtcp_skb_seq(skb)))
			return start;
		xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SPLITS);
		skb = skb_queue_next(q, skb);
	}
	if (skb->len > end - start && !xtcp_split(sk, skb, end - start))
		xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SPLITS);
	xtcp_resend_skb(sk, skb);
	return xtcp_skb_end_seq(skb);
}

/*
 * RFC 6675 §5 (C): in SACK recovery, while cwnd - pipe >= 1 SMSS, resend
 * the next hole NextSeg() finds lost (@first: entering recovery, step
 * (4.3): the first one whatever the pipe).  cwnd during recovery is
 * ssthresh, (4.2); cc.c's inflated window is left to new data, which
 * xtcp_push() sends after.  Return: true if anything went.
 */
static bool xtcp_sack_retransmit(struct sock *sk, bool first)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sack_sb *sb = &xs->sack_sb;
	struct xtcp_tcb *tcb = &xs->tcb;
	u32 mss = tcb->snd_mss, start, end, sent_end;
	u32 pipe = xtcp_sack_pipe(sb, tcb->snd_una, tcb->snd_nxt, mss);
	bool sent = false;

	while (first || pipe + mss <= xs->cc.ssthresh) {
		if (!xtcp_sack_next_hole(sb, tcb->snd_una, tcb->snd_nxt, mss,
					 &start, &end))
			break;
		sent_end = xtcp_retransmit_range(sk, start, end);
		if (sent_end == start)
			break;
		xtcp_sk_inc(sk, XTCP_MIB_FAST_RETRANS);
		sb->high_rxt = sent_end;
		sb->rxt_set = true;
		pipe += sent_end - start;
		sent = true;
		first = false;
	}
	return sent;
}

/*
 * The segment at SND.UNA goes again as NewReno would send it (no hole
 * the scoreboard calls lost); with SACK, HighRxt notes it.
 */
static void xtcp_retransmit_una(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!xtcp_retransmit_head(sk))
		return;
	xtcp_sk_inc(sk, XTCP_MIB_FAST_RETRANS);
	if (!xs->sack_ok)
		return;
	xs->sack_sb.high_rxt = xtcp_skb_end_seq(skb);
	xs->sack_sb.rxt_set = true;
}

/*
 * The path MTU dropped (icmp.c): every segment in flight larger than the
 * new send MSS was dropped on the way, with DF.  Cut them to the MSS and
 * send them again now, not at the RTO; segments that fit may have arrived
 * and are left alone.  Not a congestion signal: cwnd stays
 * (tcp_simple_retransmit()).
 */
void xtcp_mtu_retransmit(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff_head *q = &sk->sk_write_queue;
	u32 mss = xs->tcb.snd_mss, lost_end = xs->tcb.snd_una;
	struct sk_buff *skb = skb_peek(q), *head = skb;
	bool rearm = false;

	if (!xtcp_state_sends(xs->tcb.state))
		return;
	for (; skb && skb != xs->send_head;
	     skb = skb_queue_is_last(q, skb) ? NULL : skb_queue_next(q, skb)) {
		if (skb->len > mss) {
			/* this one was too big: all of its pieces go */
			lost_end = xtcp_skb_end_seq(skb);
			if (xtcp_split(sk, skb, mss))
				break;
		}
		if (!xtcp_seq_before(xtcp_skb_seq(skb), lost_end))
			continue;
		xtcp_resend_skb(sk, skb);
		rearm |= skb == head;
	}
	/* the head went again: its RTO starts now (tcp_xmit_retransmit_queue()) */
	if (rearm)
		xtcp_rtx_arm(sk);
}

/*
 * The retransmission timer expired with data outstanding (RFC 6298 5.4-5.6,
 * RFC 5681 (4)): shrink cwnd to one segment, resend the oldest segment,
 * back off.
 * Return: 0, or the error to end the connection with (XTCP_USER_TIMEOUT).
 */
int xtcp_data_rto(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	u64 now = xtcp_clock_us();
	struct sk_buff *skb;

	/*
	 * XTCP_USER_TIMEOUT (RFC 5482): data unacknowledged that long ends the
	 * connection.  The oldest segment has waited one RTO at the first
	 * expiry of an episode.
	 */
	if (!xs->rtx_start_us)
		xs->rtx_start_us = now - (u64)xs->rto_ms * USEC_PER_MSEC;
	if (xs->user_timeout &&
	    now - xs->rtx_start_us >= (u64)xs->user_timeout * USEC_PER_MSEC)
		return xtcp_timeout_errno(sk);
	xtcp_cc_on_timeout(&xs->cc, tcb->snd_nxt - tcb->snd_una, tcb->snd_nxt);
	/* RFC 2018 §8: after a timeout the SACK information is not trusted */
	if (xs->sack_ok)
		xtcp_sack_sb_reset(&xs->sack_sb);
	if (!xtcp_retransmit_head(sk))
		return 0;
	xtcp_sk_inc(sk, XTCP_MIB_TIMEOUTS);
	/* no probe outlives a timeout (tcp_retransmit_timer()) */
	xs->rack.tlp_set = false;
	xtcp_timer_stop(sk, XTCP_TIMER_RACK);
	xs->rack_reo_timer = false;
	xs->rack_lost = 0;
	/* nothing SACKed is trusted, nothing marked lost stays so */
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		XTCP_SKB_CB(skb)->rack &= ~(XTCP_RACK_SACKED | XTCP_RACK_LOST);
	}
	/* all of the flight is suspect: resend each hole as ACKs reveal it */
	xs->rto_high = tcb->snd_nxt;
	xs->rto_recovery = true;
	xs->retries++;
	xtcp_rtt_backoff(&xs->rtt);
	xtcp_set_rto(sk);
	if (xs->user_timeout) {
		/* do not sleep past the user timeout */
		u64 left = (u64)xs->user_timeout * USEC_PER_MSEC -
			   (now - xs->rtx_start_us);

		xs->rto_ms = clamp_t(u64, DIV_ROUND_UP_ULL(left, USEC_PER_MSEC),
				     1, xs->rto_ms);
	}
	xtcp_rtx_arm(sk);
	return 0;
}

/*
 * A duplicate ACK (RFC 5681 §2): the third starts fast retransmit and
 * NewReno's fast recovery (RFC 6582); later ones inflate cwnd, which may
 * let new data go (the caller pushes).  With RACK on, RACK alone marks
 * losses and starts recovery (RFC 8985 §3.4, Linux's tcp_time_to_recover()
 * and tcp_identify_packet_loss()): counting duplicate ACKs would take
 * each reordering of three segments for a loss.
 */
void xtcp_dupack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	bool recovering = xs->cc.in_recovery;

	if (xtcp_rack_on(sk)) {
		xtcp_cc_on_dupack(&xs->cc, tcb->snd_nxt - tcb->snd_una,
				  tcb->snd_nxt, false);
		xtcp_rack_after_ack(sk, false);
		return;
	}
	/*
	 * RFC 6675 §5: with SACK, recovery also starts when the scoreboard
	 * says SND.UNA IsLost(), before the third duplicate ACK: this one
	 * counts as the third
	 */
	if (xs->sack_ok && !recovering &&
	    xs->cc.dupacks < XTCP_CC_DUPTHRESH - 1 &&
	    xtcp_sack_is_lost(&xs->sack_sb, tcb->snd_una, tcb->snd_mss))
		xs->cc.dupacks = XTCP_CC_DUPTHRESH - 1;
	if (xtcp_cc_on_dupack(&xs->cc, tcb->snd_nxt - tcb->snd_una,
			      tcb->snd_nxt, true) == XTCP_CC_FAST_RETRANSMIT) {
		if (!xs->sack_ok) {
			xtcp_retransmit_una(sk);
			return;
		}
		xtcp_sk_inc(sk, XTCP_MIB_SACK_RECOVERY);
		xs->sack_sb.rxt_set = false;
		if (!xtcp_sack_retransmit(sk, true))
			xtcp_retransmit_una(sk);
	} else if (xs->sack_ok && recovering) {
		xtcp_sack_retransmit(sk, false);
	}
	xtcp_rack_after_ack(sk, false);
}

/*
 * Drop the first @len acknowledged bytes of a queued skb, as tcp_trim_head():
 * fragments are released or cut, nothing is copied (pskb_pull() would pull
 * the rest of a fragment into the linear part).  The skb gets its own
 * fragment list first if a transmit clone still shares it.
 */
static int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo;
	u32 eat = len;
	int i, k = 0;

	if (xtcp_unclone(skb))
		return -ENOMEM;
	if (skb_headlen(skb))
		return pskb_pull(skb, len) ? 0 : -ENOMEM;
	shinfo = skb_shinfo(skb);
	for (i = 0; i < shinfo->nr_frags; i++) {
		u32 size = skb_frag_size(&shinfo->frags[i]);

		if (size <= eat) {
			skb_frag_unref(skb, i);
			eat -= size;
			continue;
		}
		shinfo->frags[k] = shinfo->frags[i];
		if (eat) {
			skb_frag_off_add(&shinfo->frags[k], eat);
			skb_frag_size_sub(&shinfo->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	shinfo->nr_frags = k;
	skb->data_len -= len;
	skb->len = skb->data_len;
	return 0;
}

/*
 * XTCP_INFO's delivery rate: the bytes acknowledged in an interval over
 * its length, taken at the first ACK at least an SRTT (and 1 ms) after
 * the interval began, which begins the next.  An interval also begins
 * when sending starts with nothing in flight (xtcp_send_restart(), so idle
 * time is not counted).  Until an interval has been that long, the
 * shorter one so far gives the rate.
 */
static void xtcp_delivery_sample(struct xtcp_sock *xs, u64 now)
{
	u64 span = now - xs->dr_start_us;
	bool full;

	if (!xs->dr_start_us || now < xs->dr_start_us) {
		xs->dr_start_us = now;
		xs->dr_start_acked = xs->bytes_acked;
		return;
	}
	full = span >= max_t(u64, xs->rtt.srtt_us, USEC_PER_MSEC);
	if (span && (full || !xs->delivery_rate))
		xs->delivery_rate = div64_u64((xs->bytes_acked -
					       xs->dr_start_acked) *
					      USEC_PER_SEC, span);
	if (full) {
		xs->dr_start_us = now;
		xs->dr_start_acked = xs->bytes_acked;
	}
}

/*
 * SND.UNA advanced from @prior_una: free what it covers, feed the RTT
 * estimator (Karn) and NewReno, restart or stop the timer (RFC 6298 5.2-5.3).
 */
void xtcp_clean_acked(struct sock *sk, u32 prior_una)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	u32 una = tcb->snd_una;
	u64 now = xs->rcv_mstamp_us;
	struct sk_buff *skb;
	bool recovering, timed = false;
	u32 sent_us = 0;

	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != xs->send_head) {
		bool partial = xtcp_seq_after(xtcp_skb_end_seq(skb), una);

		if (partial && !xtcp_seq_after(una, xtcp_skb_seq(skb)))
			break;
		/* the newest segment acknowledged: its send time, Karn's rule */
		sent_us = XTCP_SKB_CB(skb)->xmit_us;
		timed = !(XTCP_SKB_CB(skb)->rack & XTCP_RACK_RETRANS);
		if (partial) {
			/* partly acknowledged: keep the rest (and the FIN) */
			if (!xtcp_trim_head(sk, skb, una - xtcp_skb_seq(skb)))
				XTCP_SKB_CB(skb)->seg.seq = una;
			break;
		}
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_free_acked(sk, skb);
	}
	/* HyStart++ (RFC 9406) takes an RTT sample from every ACK */
	if (timed && (s32)((u32)now - sent_us) >= 0 &&
	    xtcp_cc_hystart_active(&xs->cc))
		xtcp_cc_rtt_sample(&xs->cc, max((u32)now - sent_us, 1U));
	xs->bytes_acked += una - prior_una;
	xtcp_delivery_sample(xs, now);
	/* something got through: an ICMP error before is stale (tcp_ack()) */
	WRITE_ONCE(sk->sk_err_soft, 0);
	xs->retries = 0;
	xs->rtx_start_us = 0;
	xtcp_rtt_on_ack(&xs->rtt, una, now,
			READ_ONCE(xn->rto_min_ms) * USEC_PER_MSEC,
			READ_ONCE(xn->rto_max_ms) * USEC_PER_MSEC);
	recovering = xs->cc.in_recovery;
	xtcp_cc_clock(&xs->cc, now, xs->rtt.min_rtt_us);
	if (xtcp_cc_on_ack(&xs->cc, una, una - prior_una,
			   tcb->snd_nxt - una) == XTCP_CC_PARTIAL_ACK &&
	    !xtcp_rack_on(sk)) {
		/*
		 * With SACK the holes the scoreboard calls lost; SND.UNA's
		 * segment as NewReno would only if none is and it was not
		 * resent in this recovery yet.  With RACK on, nothing here:
		 * RACK resends what it marks (xtcp_rack_after_ack() below).
		 */
		if (!xs->sack_ok)
			xtcp_retransmit_una(sk);
		else if (!xtcp_sack_retransmit(sk, false) &&
			 (!xs->sack_sb.rxt_set ||
			  !xtcp_seq_after(xs->sack_sb.high_rxt, una)))
			xtcp_retransmit_una(sk);
	} else if (xs->rto_recovery) {
		/*
		 * After a timeout every ACK below the old SND.NXT stops at the
		 * next hole (the receiver keeps what came after it): resend
		 * that segment now instead of waiting for another timeout.
		 */
		if (xtcp_seq_before(una, xs->rto_high))
			xtcp_retransmit_head(sk);
		else
			xs->rto_recovery = false;
	}
	/* recovery is over: HighRxt starts again with the next one */
	if (!xs->cc.in_recovery)
		xs->sack_sb.rxt_set = false;
	if (recovering && !xs->cc.in_recovery)
		xtcp_rack_recovery_done(&xs->rack);
	xtcp_rack_after_ack(sk, true);
	xtcp_set_rto(sk);
	if (tcb->snd_nxt != una) {
		xtcp_rtx_arm_at(sk, xtcp_us_ktime(now));	/* RFC 6298 (5.3) */
		xtcp_tlp_schedule(sk, now);
	} else {
		xtcp_timer_idle(xs, XTCP_TIMER_RTX);	/* (5.2) */
		xtcp_timer_idle(xs, XTCP_TIMER_RACK);
	}
	xtcp_sndbuf_expand(sk);
	/*
	 * wake a writer only if one waited for room (tcp_check_space()):
	 * the queue's other sleeper, a reader, must not be woken for nothing
	 * on every ACK; pairs with the set_bit and recheck in xtcp_poll() and
	 * before sk_stream_wait_memory()
	 */
	smp_mb();
	if (sk->sk_socket && test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		sk->sk_write_space(sk);
}

/* The tail skb if new data can still go into it, else NULL. */
static struct sk_buff *xtcp_tail_with_room(struct sock *sk, u32 goal)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	/* nothing joins an EOR (tcp_skb_can_collapse_to()) */
	if (!skb || !xs->send_head || skb->len >= goal || xtcp_skb_fin(skb) ||
	    XTCP_SKB_CB(skb)->eor ||
	    skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)
		return NULL;
	return skb;
}

static struct sk_buff *xtcp_new_segment(struct sock *sk, gfp_t gfp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	skb = xtcp_alloc_queued(gfp);
	if (!skb)
		return NULL;
	/* a FIN (__GFP_NOFAIL) is charged whatever the protocol's memory */
	if (!sk_wmem_schedule(sk, skb->truesize) && !(gfp & __GFP_NOFAIL)) {
		__kfree_skb(skb);
		return NULL;
	}
	memset(XTCP_SKB_CB(skb), 0, sizeof(*XTCP_SKB_CB(skb)));
	XTCP_SKB_CB(skb)->seg.seq = xs->tcb.write_seq;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	if (!xs->send_head)
		xs->send_head = skb;
	return skb;
}

/*
 * Copy up to @chunk bytes of @msg into @skb's last page fragment, or a new
 * one from the socket's page frag (tcp_sendmsg_locked's way).  Return the
 * bytes copied, 0 when a page or the memory to charge it could not be had,
 * or -EFAULT.
 */
static int xtcp_copy_to_frag(struct sock *sk, struct sk_buff *skb,
			     struct msghdr *msg, size_t chunk)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int err;

	if (!sk_page_frag_refill(sk, pfrag))
		return 0;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;
	chunk = min_t(size_t, chunk, pfrag->size - pfrag->offset);
	/* the protocol's memory (mem); the copy charges what it adds */
	if (!sk_wmem_schedule(sk, chunk))
		return 0;
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, chunk);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], chunk);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, chunk);
		get_page(pfrag->page);
	}
	pfrag->offset += chunk;
	return chunk;
}

/*
 * CLOSE or shutdown(SHUT_WR) queued a FIN (RFC 9293 §3.10.4; the TCB
 * gave it SEQ write_seq): it rides on the last unsent segment, or goes
 * alone.  Process context, the socket locked.
 */
void xtcp_send_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	sock_owned_by_me(sk);
	if (!skb || !xs->send_head)
		skb = xtcp_new_segment(sk, sk->sk_allocation | __GFP_NOFAIL);
	XTCP_SKB_CB(skb)->seg.flags |= XTCP_FIN;
	xtcp_push(sk);
}

/*
 * The end of a write, or a wait for buffer space: the tail becomes a push
 * point unless MSG_MORE says more follows (then it is held as by a cork,
 * for this call), and what may go goes (tcp_push()).
 */
static void xtcp_push_tail(struct sock *sk, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (skb && xs->send_head &&
	    (!(flags & MSG_MORE) || xtcp_forced_push(xs)))
		xtcp_mark_push(xs, skb);
	__xtcp_push(sk, false, flags & MSG_MORE ? XTCP_NAGLE_CORK : 0);
}

/* sendmsg(2), send(2), write(2): queue the data and send what may go. */
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int flags = msg->msg_flags, err;
	size_t copied = 0;
	long timeo;

	/*
	 * A stream socket ignores sendto()'s address, as TCP does; but one
	 * XTCP cannot serve (an IPv6 one, another family) is refused.
	 */
	if (msg->msg_name &&
	    xtcp_check_sockaddr(msg->msg_name, msg->msg_namelen,
				xtcp_family) == -EAFNOSUPPORT)
		return -EAFNOSUPPORT;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto out_err;
	}
	while (msg_data_left(msg)) {
		u32 goal = xtcp_goal(sk);
		struct sk_buff *skb;
		size_t chunk;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto out_err;
		skb = xtcp_tail_with_room(sk, goal);
		if (!skb) {
			if (!sk_stream_memory_free(sk))
				goto wait;
			skb = xtcp_new_segment(sk, sk->sk_allocation);
			if (!skb)
				goto wait;
		}
		chunk = min_t(size_t, msg_data_left(msg), goal - skb->len);
		err = xtcp_copy_to_frag(sk, skb, msg, chunk);
		if (err < 0)
			goto out_err;
		if (!err) {
			/* no fragment slot left: the next skb takes the rest */
			if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)
				continue;
			goto wait;	/* no page */
		}
		chunk = err;
		xs->tcb.write_seq += chunk;
		copied += chunk;
		if (!msg_data_left(msg)) {
			/* the write ends here: the push below marks it */
			if (flags & MSG_EOR)
				XTCP_SKB_CB(skb)->eor = true;
			break;
		}
		/* a full skb goes now, the last one with the push below */
		if (skb->len < goal)
			continue;
		if (xtcp_forced_push(xs))
			xtcp_mark_push(xs, skb);
		xtcp_push(sk);
		continue;
wait:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		/* all that is queued goes before we sleep (tcp_push() without MSG_MORE) */
		xtcp_push_tail(sk, flags & ~MSG_MORE);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto out_err;
	}
	xtcp_push_tail(sk, flags);
	release_sock(sk);
	return copied;

out_err:
	xtcp_push_tail(sk, flags);
	if (copied) {
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * RFC 8985 §7.3 (tcp_send_loss_probe()): the probe timer expired.  A new
 * segment goes if one is queued and the peer's window takes it (cwnd
 * aside), else the last segment sent goes again; either way TLP.end_seq
 * is SND.NXT, the probe is counted and the RTO restarts from now.
 */
static void xtcp_send_loss_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct sk_buff_head *q = &sk->sk_write_queue;
	struct sk_buff *skb = xs->send_head;
	u32 mss = tcb->snd_mss;
	u64 now;

	if (tcb->snd_nxt == tcb->snd_una || xs->cc.in_recovery ||
	    xs->rto_recovery || xs->rack.tlp_set)
		return;
	if (skb && !xtcp_seq_after(xtcp_skb_seq(skb) + min(skb->len, mss),
				   tcb->snd_una + tcb->snd_wnd) &&
	    (skb->len <= mss || !xtcp_split(sk, skb, mss))) {
		now = xtcp_clock_us();
		xtcp_xmit_skb(sk, skb, now);
		tcb->snd_nxt = xtcp_skb_end_seq(skb);
		tcb->snd_sml = xtcp_minshall_update(tcb->snd_sml, tcb->snd_nxt,
						    skb->len, mss);
		xtcp_rtt_on_send(&xs->rtt, tcb->snd_nxt, now, false);
		xs->send_head = skb_queue_is_last(q, skb) ? NULL :
				skb_queue_next(q, skb);
		xs->rack.tlp_retrans = false;
	} else {
		/* the last segment sent: the tail of the skb before send_head */
		skb = skb ? skb_queue_prev(q, skb) : skb_peek_tail(q);
		if (skb->len > mss && !xtcp_split(sk, skb, skb->len - mss)) {
			xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SPLITS);
			skb = skb_queue_next(q, skb);
		}
		now = xtcp_clock_us();
		xtcp_xmit_skb(sk, skb, now);
		xtcp_rtt_on_send(&xs->rtt, xtcp_skb_end_seq(skb), now, true);
		xtcp_retransmitted(sk, skb);
		xs->rack.tlp_retrans = true;
	}
	xs->rack.tlp_set = true;
	xs->rack.tlp_end_seq = tcb->snd_nxt;
	xtcp_sk_inc(sk, XTCP_MIB_LOSS_PROBES);
	xtcp_set_rto(sk);
	xtcp_rtx_arm(sk);
}

/*
 * Where [@seq, @end) stops being all SACKed or all not: the first edge of
 * a scoreboard range inside it, or @end.  A queued skb is cut there, as
 * tcp_match_skb_to_sack() cuts, so that RACK sees each part delivered or
 * not.
 */
static u32 xtcp_rack_sack_edge(const struct xtcp_sack_sb *sb, u32 seq, u32 end)
{
	u32 edge = end;
	int i;

	for (i = 0; i < sb->n; i++) {
		if (xtcp_seq_after(sb->r[i].start, seq) &&
		    xtcp_seq_before(sb->r[i].start, edge))
			edge = sb->r[i].start;
		if (xtcp_seq_after(sb->r[i].end, seq) &&
		    xtcp_seq_before(sb->r[i].end, edge))
			edge = sb->r[i].end;
	}
	return edge;
}

/* Is all of [@seq, @end) SACKed?  (The scoreboard's ranges are disjoint.) */
static bool xtcp_rack_sacked(const struct xtcp_sack_sb *sb, u32 seq, u32 end)
{
	return xtcp_sack_sb_sacked(sb, seq) && xtcp_sack_sb_sacked(sb, end - 1);
}

/*
 * RFC 8985 §6.2 step 5, §6.3 (tcp_rack_detect_loss()): mark every segment
 * in flight, not SACKed, that RACK finds lost; arm the reordering timer
 * for the longest wait left.  Return: bytes newly marked lost.
 */
static u32 xtcp_rack_detect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct sk_buff *skb;
	u32 now = xtcp_rack_now_us(), reo, left, wait = 0, lost = 0;

	reo = xtcp_rack_reo_wnd(&xs->rack, xs->cc.in_recovery,
				xs->sack_sb.sacked >= XTCP_SACK_DUPTHRESH * tcb->snd_mss,
				xs->rtt.srtt_us);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (skb == xs->send_head)
			break;
		if (cb->rack & (XTCP_RACK_SACKED | XTCP_RACK_LOST))
			continue;
		if (xtcp_rack_lost(&xs->rack, cb->xmit_us, xtcp_skb_end_seq(skb),
				   reo, now, &left)) {
			cb->rack |= XTCP_RACK_LOST;
			lost += xtcp_skb_end_seq(skb) - xtcp_skb_seq(skb);
		} else {
			wait = max(wait, left);
		}
	}
	if (wait) {
		xs->rack_reo_timer = true;
		xtcp_timer_arm(sk, XTCP_TIMER_RACK,
			       DIV_ROUND_UP(wait, USEC_PER_MSEC));
	}
	return lost;
}

/* Bytes RACK marked lost and not sent again. */
static u32 xtcp_rack_lost_bytes(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	u32 lost = 0;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		if (XTCP_SKB_CB(skb)->rack & XTCP_RACK_LOST)
			lost += xtcp_skb_end_seq(skb) - xtcp_skb_seq(skb);
	}
	return lost;
}

/*
 * RFC 6675 §4's pipe with RACK's marks (Linux's tcp_packets_in_flight()):
 * the flight less what the scoreboard holds SACKed and what RACK marked
 * lost and was not sent again (a retransmission is in the pipe once):
 * @lost, xtcp_rack_lost_bytes() if the caller has it, else U32_MAX.
 * Nothing is either while nothing is SACKed and no loss is being
 * repaired: then the flight, without a walk.
 */
static u32 xtcp_rack_pipe_lost(struct sock *sk, u32 lost)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 flight = xs->tcb.snd_nxt - xs->tcb.snd_una, out;

	if (!xs->sack_sb.n && !xs->cc.in_recovery && !xs->rto_recovery)
		return flight;
	if (lost == U32_MAX)
		lost = xtcp_rack_lost_bytes(sk);
	out = xs->sack_sb.sacked + lost;
	return flight > out ? flight - out : 0;
}

static u32 xtcp_rack_pipe(struct sock *sk)
{
	return xtcp_rack_pipe_lost(sk, U32_MAX);
}

/*
 * Resend what RACK marked lost, oldest sequence first, a segment at a
 * time while the pipe leaves room in cwnd (PRR's in recovery; RFC 6675
 * (4.2)'s ssthresh in a recovery entered before RACK was on); @first,
 * entering recovery: the first whatever the pipe ((4.3)).  HighRxt
 * follows, so that NextSeg() does not send the same again.
 */
static void xtcp_rack_retransmit(struct sock *sk, bool first)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct sk_buff_head *q = &sk->sk_write_queue;
	u32 mss = tcb->snd_mss, lost, pipe, allowed, len, end, sent;
	struct sk_buff *skb;

	lost = xtcp_rack_lost_bytes(sk);
	if (!lost)
		return;
	pipe = xtcp_rack_pipe_lost(sk, lost);
	allowed = xs->cc.in_recovery && !xs->cc.prr_on ? xs->cc.ssthresh :
		  xtcp_cc_window(&xs->cc);
	for (skb = skb_peek(q); skb && skb != xs->send_head;
	     skb = skb_queue_is_last(q, skb) ? NULL : skb_queue_next(q, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		bool again = cb->rack & XTCP_RACK_RETRANS;

		if (!(cb->rack & XTCP_RACK_LOST))
			continue;
		len = min_t(u32, skb->len ?: 1, mss);
		if (pipe + len > allowed && !first)
			break;
		/*
		 * Marked lost, not yet gone from this host: the reordering
		 * window was too small, as a D-SACK of its needless copy
		 * would have said a round trip later (§6.2 step 4)
		 */
		if (xtcp_still_in_host(sk, skb)) {
			xtcp_rack_dsack(&xs->rack, tcb->snd_una, tcb->snd_nxt);
			break;
		}
		first = false;
		end = xtcp_skb_seq(skb) + len;
		sent = xtcp_retransmit_range(sk, xtcp_skb_seq(skb), end);
		if (sent == xtcp_skb_seq(skb))
			break;
		xtcp_sk_inc(sk, XTCP_MIB_FAST_RETRANS);
		if (again)
			xtcp_sk_inc(sk, XTCP_MIB_LOST_RETRANSMIT);
		pipe += sent - xtcp_skb_seq(skb);
		if (!xs->sack_sb.rxt_set ||
		    xtcp_seq_after(sent, xs->sack_sb.high_rxt))
			xs->sack_sb.high_rxt = sent;
		xs->sack_sb.rxt_set = true;
	}
}

/*
 * RACK found @lost bytes lost (at an ACK that delivered @delivered bytes
 * and moved SND.UNA or not, or at its timer): outside recovery and a
 * timeout's resending, that starts fast recovery (RFC 8985 §6.3) with
 * PRR's response (RFC 6937, as Linux); in it, PRR sets cwnd for the
 * ACK; the lost ones go as cwnd allows, new data after them (the caller
 * pushes).
 */
static void xtcp_rack_repair(struct sock *sk, u32 lost, u32 delivered,
			     bool una_advanced)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	bool entered = false;

	if (lost && !xs->cc.in_recovery && !xs->rto_recovery &&
	    xtcp_cc_enter_recovery_prr(&xs->cc, tcb->snd_nxt - tcb->snd_una,
				       tcb->snd_nxt)) {
		xtcp_sk_inc(sk, XTCP_MIB_SACK_RECOVERY);
		xs->sack_sb.rxt_set = false;
		xs->rack.tlp_set = false;
		entered = true;
		/* at the timer, as one segment delivered (tcp_rack_reo_timeout()) */
		if (!delivered)
			delivered = tcb->snd_mss;
	}
	/* the pipe is a walk: only for an ACK PRR takes (xtcp_cc_prr_ack()) */
	if (xs->cc.in_recovery && xs->cc.prr_on && delivered)
		xtcp_cc_prr_ack(&xs->cc, delivered, xtcp_rack_pipe(sk),
				una_advanced, lost);
	xtcp_rack_retransmit(sk, entered);
}

/* XTCP_TIMER_RACK expired: RACK's reordering timeout, or TLP's probe. */
void xtcp_rack_timer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xtcp_rack_on(sk) || xs->tcb.snd_nxt == xs->tcb.snd_una)
		return;
	if (!xs->rack_reo_timer) {
		xtcp_send_loss_probe(sk);
		return;
	}
	xs->rack_reo_timer = false;
	xtcp_rack_repair(sk, xtcp_rack_detect(sk), 0, false);
	xtcp_push(sk);
}

/*
 * RACK-TLP's part of an ACK of @prior_una..SND.UNA, after the scoreboard
 * took its SACK blocks (@dsack: one was a D-SACK) and before the ACKed
 * segments are freed: each segment newly delivered, cumulatively or by
 * SACK, advances RACK (RFC 8985 §6.2); the probe's outcome (§7.4); with
 * anything SACKed or being repaired, the loss marking (§6.3).
 */
void xtcp_rack_ack(struct sock *sk, u32 prior_una, bool dsack, bool dupack)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	struct xtcp_sack_sb *sb = &xs->sack_sb;
	u32 now = (u32)xs->rcv_mstamp_us, una = tcb->snd_una;
	struct sk_buff *skb;
	bool advanced = false;

	if (!xtcp_rack_on(sk))
		return;
	/* the scoreboard was forgotten (reneging): so is what it SACKed */
	if (!sb->n && xs->rack_sacked) {
		xs->rack_sacked = false;
		skb_queue_walk(&sk->sk_write_queue, skb) {
			if (skb == xs->send_head)
				break;
			if (xtcp_seq_after(xtcp_skb_end_seq(skb), una))
				XTCP_SKB_CB(skb)->rack &= ~XTCP_RACK_SACKED;
		}
	}
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 end = xtcp_skb_end_seq(skb);

		if (skb == xs->send_head || (!sb->n && xtcp_seq_after(end, una)))
			break;
		if (cb->rack & XTCP_RACK_SACKED)
			continue;
		if (xtcp_seq_after(end, una)) {
			u32 edge = xtcp_rack_sack_edge(sb, xtcp_skb_seq(skb), end);

			/* part SACKed: cut it there, the rest is the next skb */
			if (edge != end && skb->len &&
			    !xtcp_split(sk, skb, edge - xtcp_skb_seq(skb)))
				end = edge;
			if (!xtcp_rack_sacked(sb, xtcp_skb_seq(skb), end))
				continue;
			xs->rack_sacked = true;
		}
		cb->rack |= XTCP_RACK_SACKED;
		cb->rack &= ~XTCP_RACK_LOST;
		xtcp_rack_update(&xs->rack, cb->xmit_us, end,
				 cb->rack & XTCP_RACK_RETRANS, now);
		advanced = true;
	}
	if (dsack)
		xtcp_rack_dsack(&xs->rack, una, tcb->snd_nxt);
	if (xtcp_tlp_on_ack(&xs->rack, una, una != prior_una, dsack,
			    dupack) == XTCP_TLP_RECOVERED) {
		xtcp_sk_inc(sk, XTCP_MIB_LOSS_PROBE_RECOVERY);
		xtcp_cc_on_probe_recovery(&xs->cc, tcb->snd_nxt - una);
	}
	if (advanced && (sb->n || xs->cc.in_recovery || xs->rto_recovery))
		xs->rack_lost += xtcp_rack_detect(sk);
}

/*
 * After congestion control took the ACK (xtcp_clean_acked(), which moved
 * SND.UNA: @una_advanced, or xtcp_dupack()): recovery for what
 * xtcp_rack_ack() found lost, PRR's cwnd for what the ACK delivered
 * (xs->ack_delivered, input.c), and the resending.
 */
static void xtcp_rack_after_ack(struct sock *sk, bool una_advanced)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lost = xs->rack_lost;

	if (!xtcp_rack_on(sk))
		return;
	xs->rack_lost = 0;
	xtcp_rack_repair(sk, lost, xs->ack_delivered, una_advanced);
}
