// SPDX-License-Identifier: GPL-2.0
/*
 * An XTCP socket's life on the socket side, from sock_init to destruct:
 * what the state machine's events mean for a struct sock.  A connection
 * starts (xtcp_conn_init), completes its handshake (xtcp_established),
 * closes step by step (xtcp_close_progress), and ends (xtcp_done,
 * xtcp_abort); one closed by its user first finishes as an orphan.  A
 * listener's children and its queues are listen.c's.
 */
#include <net/sock.h>

#include "syncookie.h"
#include "timewait.h"
#include "xtcp.h"

#define XTCP_INIT_RCV_WND	65535	/* until the receive path sizes it */
#define XTCP_RCV_WSCALE		7	/* what our SYN offers */

/*
 * The last reference is gone: drop the cached route (inet_sock_destruct()
 * does this for INET sockets; sock_init_data()'s default does nothing).
 */
static void xtcp_destruct(struct sock *sk)
{
	/* a listener's child that never reached the user holds its port */
	xtcp_unbind(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	xtcp_ofo_purge(&xtcp_sk(sk)->ofo);
	xtcp_send_queue_purge(sk);
	xtcp_memory_release(sk);
	dst_release(rcu_dereference_protected(sk->sk_dst_cache, 1));
	RCU_INIT_POINTER(sk->sk_dst_cache, NULL);
}

/* What every XTCP socket needs, user-created or a listener's child. */
void xtcp_sock_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	sk->sk_type = SOCK_STREAM;
	sk->sk_protocol = xtcp_ipproto;
	/* what sk_setup_caps() checks the route's device against (offload.c) */
	sk->sk_gso_type = XTCP_GSO_TYPE;
	/* as inet_create(): segments a user held back go to input.c */
	sk->sk_backlog_rcv = sk->sk_prot->backlog_rcv;
	xs->af = &xtcp_ipv4_ops;
	xs->xn = xtcp_pernet(sock_net(sk));
	xs->family = AF_INET;
	xtcp_v6_sock_init(sk);
	sk->sk_write_space = xtcp_write_space;
	sk->sk_destruct = xtcp_destruct;
	inet->uc_ttl = -1;
	inet->mc_ttl = 1;
	INIT_HLIST_NODE(&xs->bind_node);
	INIT_LIST_HEAD(&xs->all_node);
	INIT_LIST_HEAD(&xs->orphan_node);
	INIT_LIST_HEAD(&xs->syn_queue);
	INIT_LIST_HEAD(&xs->accept_queue);
	INIT_LIST_HEAD(&xs->child_node);
	spin_lock_init(&xs->queue_lock);
	/* no cookie sent: long enough ago that none is checked */
	xs->synq_overflow_ts = jiffies - XTCP_SYNCOOKIE_VALID - 2 * HZ;
	xtcp_ofo_init(&xs->ofo);
	xs->cc_ops = READ_ONCE(xs->xn->cc_default);
	xtcp_timer_init(sk);
	xtcp_tcb_init(&xs->tcb, XTCP_DEFAULT_MSS, XTCP_INIT_RCV_WND,
		      XTCP_RCV_WSCALE);
	xtcp_buffers_init(sk);
	xtcp_pmtu_init(sk, NULL);
	/*
	 * In sync without xtcp_sync_state() (nobody holds the new socket's
	 * lock): sock_init_data() set TCP_CLOSE, the TCB is CLOSED, and so is
	 * traced_state (zeroed by sk_alloc()).
	 */
	xtcp_check_state(sk);
	sk_sockets_allocated_inc(sk);
}

/*
 * Closing states and orphans.  close() of a connection that still has a
 * FIN to deliver (or to wait for) leaves the socket to finish on its own:
 * an orphan, hashed and bound, holding the user's reference, and giving
 * back the module reference sk_alloc() took, so that rmmod is possible;
 * module exit kills what is left (xtcp_orphans_kill()).  When the orphan
 * reaches CLOSED, xtcp_done() destroys it here.
 */
static void xtcp_orphan_destroy(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);

	spin_lock_bh(&xn->all_lock);
	list_del_init(&xtcp_sk(sk)->orphan_node);
	spin_unlock_bh(&xn->all_lock);
	atomic_dec(&xn->orphan_count);
	__skb_queue_purge(&sk->sk_receive_queue);
	xtcp_unbind(sk);
	__module_get(THIS_MODULE);	/* sk_prot_free() puts it */
	sock_put(sk);			/* the user's, kept by close() */
}

/*
 * The connection is over (refused, reset, timed out, closed): CLOSED, out
 * of the tables, timers stopped, an implicitly bound port released, waiters
 * told, an orphan destroyed.
 */
void xtcp_done(struct sock *sk, int err)
{
	xtcp_tcb_delete(&xtcp_sk(sk)->tcb);
	xtcp_sync_state(sk);
	/* an orphan is destroyed below: traced while it has its addresses */
	if (test_bit(XTCP_ORPHANED, &xtcp_sk(sk)->flags))
		xtcp_trace_sk_event(sk, XTCP_TRACE_DESTROY_SOCK);
	xtcp_unhash(sk);
	xtcp_timers_stop(sk);
	xtcp_send_queue_purge(sk);
	xtcp_ofo_purge(&xtcp_sk(sk)->ofo);
	xtcp_put_local(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (err) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	}
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	if (test_and_clear_bit(XTCP_ORPHANED, &xtcp_sk(sk)->flags))
		xtcp_orphan_destroy(sk);
}

/*
 * Abort (RFC 9293 §3.10.5): RST for a synchronized connection, then CLOSED,
 * waiters told @err (0: none).  close() with unread data does this (data
 * would be lost, as Linux decides), and so does SO_LINGER with a zero
 * timeout, and a keepalive or orphan that gives up.
 */
void xtcp_abort(struct sock *sk, int err)
{
	struct xtcp_reply r;

	xtcp_tcb_abort(&xtcp_sk(sk)->tcb, &r);
	xtcp_sync_state(sk);
	if (r.flags & XTCP_RST)
		xtcp_trace_sk_event(sk, XTCP_TRACE_SEND_RESET);
	if (r.flags)
		xtcp_send(sk, &r);
	xtcp_done(sk, err);
}

/*
 * close() hands the connection over; @sk is locked, its FIN queued.  Past
 * max_orphans the oldest is reset, from a work item: it takes each
 * orphan's socket lock, which this caller's own forbids.
 */
void xtcp_orphan(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);

	sock_owned_by_me(sk);
	set_bit(XTCP_ORPHANED, &xtcp_sk(sk)->flags);
	spin_lock_bh(&xn->all_lock);
	list_add_tail(&xtcp_sk(sk)->orphan_node, &xn->orphans);
	spin_unlock_bh(&xn->all_lock);
	if (atomic_inc_return(&xn->orphan_count) > READ_ONCE(xn->max_orphans))
		schedule_work(&xn->orphan_reap);
	module_put(THIS_MODULE);
	if (xtcp_sk(sk)->tcb.state == XTCP_FIN_WAIT_2)
		xtcp_fin_wait2_arm(sk);
}

/*
 * The TCB moved on the close side (XTCP_EV_FIN_ACKED, _PEER_FIN,
 * _TIME_WAIT, _CLOSED) and sk_state with it (the caller synced it): bring
 * the rest of the socket along.
 */
void xtcp_close_progress(struct sock *sk, unsigned int ev)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (ev & XTCP_EV_CLOSED) {
		xtcp_done(sk, 0);
		return;
	}
	if (ev & XTCP_EV_TIME_WAIT) {
		/*
		 * 2MSL is a TIME_WAIT entry's (timewait.c), which takes over
		 * the 4-tuple and the port before the socket lets them go;
		 * the socket itself is done, its CLOSED not traced (the
		 * entry's expiry is the connection's).
		 */
		if (!xtcp_tw_enter(sk))
			xs->traced_state = XTCP_CLOSED;
		xtcp_done(sk, 0);
		return;
	}
	if (xs->tcb.state == XTCP_FIN_WAIT_2 &&
	    test_bit(XTCP_ORPHANED, &xs->flags))
		xtcp_fin_wait2_arm(sk);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (ev & XTCP_EV_PEER_FIN)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/* The oldest orphan of @xn, held; NULL if none. */
static struct sock *xtcp_oldest_orphan(struct xtcp_net *xn)
{
	struct xtcp_sock *xs;
	struct sock *sk = NULL;

	spin_lock_bh(&xn->all_lock);
	xs = list_first_entry_or_null(&xn->orphans, struct xtcp_sock,
				      orphan_node);
	if (xs) {
		sk = xtcp_to_sk(xs);
		sock_hold(sk);
	}
	spin_unlock_bh(&xn->all_lock);
	return sk;
}

/* Reset the oldest orphans until max_orphans are left (OrphanOverflow). */
void xtcp_orphan_reap(struct work_struct *work)
{
	struct xtcp_net *xn = container_of(work, struct xtcp_net, orphan_reap);
	struct sock *sk;

	while (atomic_read(&xn->orphan_count) > READ_ONCE(xn->max_orphans)) {
		sk = xtcp_oldest_orphan(xn);
		if (!sk)
			return;
		lock_sock(sk);
		if (test_bit(XTCP_ORPHANED, &xtcp_sk(sk)->flags)) {
			xtcp_inc(xn->net, XTCP_MIB_ORPHAN_OVERFLOW);
			xtcp_abort(sk, 0);
		}
		release_sock(sk);
		sock_put(sk);
		cond_resched();
	}
}

/*
 * How many retransmissions or zero-window probes an orphan gets: the
 * orphan_retries sysctl; 0 means 8 while the backed-off RTO is below
 * rto_max_ms (@alive), none once it reaches it (tcp_orphan_retries()).
 */
int xtcp_orphan_retries(struct sock *sk, bool alive)
{
	int retries = READ_ONCE(xtcp_sk_pernet(sk)->orphan_retries);

	if (READ_ONCE(sk->sk_err_soft) && !alive)
		retries = 0;
	if (!retries && alive)
		retries = 8;
	return retries;
}

/*
 * Module exit: abort every orphan left in @net and wait until nothing of
 * it can run module code (timers stopped).  Its segments still queued
 * below IP do not refer to it, so the wait is bounded.  Process context.
 */
void xtcp_orphans_kill(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct sock *sk;

	for (;;) {
		sk = xtcp_oldest_orphan(xn);
		if (!sk)
			return;
		lock_sock(sk);
		if (test_bit(XTCP_ORPHANED, &xtcp_sk(sk)->flags))
			xtcp_abort(sk, 0);
		xtcp_timers_stop_sync(sk);
		release_sock(sk);
		/* nothing below holds it (xtcp_xmit() sets no owner) */
		sock_put(sk);
	}
}

/*
 * connect() on a socket that had a connection: nothing of it may reach the
 * new one, as tcp_disconnect() sees to.  What it received stayed readable
 * after it ended (the reader takes it, then the error or end of file);
 * now its queues go, with its end of file, its TCB (the FIN it queued, the
 * window scale a peer without the option turned off) and its counters.
 * @sk is locked and in CLOSED.
 */
void xtcp_conn_forget(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sock_owned_by_me(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	xtcp_ofo_purge(&xs->ofo);
	xtcp_send_queue_purge(sk);
	sock_reset_flag(sk, SOCK_DONE);
	WRITE_ONCE(sk->sk_err_soft, 0);
	xtcp_tcb_init(&xs->tcb, XTCP_DEFAULT_MSS, XTCP_INIT_RCV_WND,
		      XTCP_RCV_WSCALE);
	xtcp_sync_state(sk);
	xs->ack_pending = 0;
	xs->ack_pushed = 0;
	xs->probes_out = 0;
	xs->persist_backoff = 0;
	xs->rto_recovery = false;
	xs->rtx_start_us = 0;
	xs->total_retrans = 0;
	xs->bytes_acked = 0;
	xs->bytes_received = 0;
	xs->segs_in = 0;
	xs->segs_out = 0;
	xs->rcv_mss = 0;
}

/*
 * A new connection (connect(), a listener's child): its retransmission
 * timer starts at rto_init_ms, and the RTT estimator and congestion state
 * are ready before the handshake completes, for a FIN that close() or
 * shutdown() sends in SYN_RECEIVED.  xtcp_established() starts them again
 * with the MSS the handshake agreed.
 */
void xtcp_conn_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->retries = 0;
	xs->rto_ms = READ_ONCE(xtcp_sk_pernet(sk)->rto_init_ms);
	xtcp_rtt_init(&xs->rtt, xs->rto_ms * USEC_PER_MSEC);
	xtcp_cc_init_ops(&xs->cc, xs->tcb.snd_mss, xs->cc_ops);
	xtcp_cc_hystart(&xs->cc, READ_ONCE(xtcp_sk_pernet(sk)->hystart));
}

/*
 * The handshake completed (SYN_SENT or SYN_RECEIVED -> ESTABLISHED; the
 * caller synced sk_state).  A listener's child goes to the accept queue
 * next: the caller's xtcp_child_ready().
 */
void xtcp_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	/*
	 * The SYN's retransmission is over.  Its deadline goes; the hrtimer
	 * stays queued until the next deadline moves it or it expires with
	 * nothing due, as tcp_ack() clears ICSK_TIME_RETRANS and leaves the
	 * timer: a cancel here and a start for the first data or FIN cost
	 * two rbtree operations with interrupts off on every connection.
	 */
	xtcp_timer_idle(xs, XTCP_TIMER_RTX);
	xs->retries = 0;
	xs->rto_ms = READ_ONCE(xtcp_sk_pernet(sk)->rto_init_ms);
	/* our SYN was acknowledged: an ICMP error before it is stale */
	WRITE_ONCE(sk->sk_err_soft, 0);
	/* the data path starts after the SYNs */
	xs->copied_seq = xs->tcb.rcv_nxt;
	xs->rcv_wup = xs->tcb.rcv_nxt;
	xtcp_pmtu_established(sk);
	xtcp_rtt_init(&xs->rtt, xs->rto_ms * USEC_PER_MSEC);
	xtcp_cc_init_ops(&xs->cc, xs->tcb.snd_mss, xs->cc_ops);
	xtcp_cc_hystart(&xs->cc, READ_ONCE(xtcp_sk_pernet(sk)->hystart));
	xtcp_rcv_space_init(sk);
	xtcp_sndbuf_expand(sk);
	xtcp_keepalive_reset(sk);
	/* a listener's child wakes its listener instead (xtcp_child_ready()) */
	if (!xs->parent) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
}
