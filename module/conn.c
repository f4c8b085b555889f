// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connections on the socket side: what the state machine's events mean
 * for a struct sock.  A listener's children are full sockets: a SYN makes
 * one in SYN_RECEIVED on the listener's SYN queue; the ACK of its SYN,ACK
 * moves it to the accept queue; accept() hands it to the user.
 *
 * Ownership: the listener's queues hold one reference on each child, and
 * each queued child holds one on its listener.  Whoever unlinks a child
 * from the queues (under queue_lock) owns both references.  Once the
 * listener has set queues_closed, only the listener's closer unlinks.
 */
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "isn.h"
#include "syncookie.h"
#include "timewait.h"
#include "xtcp.h"

#define XTCP_INIT_RCV_WND	65535	/* until the receive path sizes it */
#define XTCP_RCV_WSCALE		7	/* what our SYN offers */
#define XTCP_MIN_MSS		88

/**
 * xtcp_sync_state - bring the socket along after the state machine moved
 * @sk: the socket, locked (lock_sock() or bh_lock_sock())
 *
 * Only state.c writes tcb.state; whoever calls one of its events calls
 * this next.  sk_state, which core code and lockless readers (poll, the
 * lookup's listener check) see, takes TCP's number for the new state, and
 * xtcp:xtcp_set_state fires if the state changed.
 */
void xtcp_sync_state(struct sock *sk)
{
	enum xtcp_state state = xtcp_sk(sk)->tcb.state;

	lockdep_assert(lockdep_sock_is_held(sk));
	xtcp_trace_sk_state(sk, state);
	/* inet_sk_state_store() without its tracepoint, which is not exported */
	smp_store_release(&sk->sk_state, xtcp_state_to_tcp(state));
}
EXPORT_SYMBOL_NS_GPL(xtcp_sync_state, XTCP_NS);

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
	sk->sk_backlog_rcv = xtcp_do_rcv;
	xs->af = &xtcp_ipv4_ops;
	xs->family = AF_INET;
	xtcp_v6_sock_init(sk);
	sk->sk_write_space = xtcp_write_space;
	sk->sk_destruct = xtcp_destruct;
	sock_set_flag(sk, SOCK_RCU_FREE);
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

/* The MSS to advertise on a path of MTU @mtu, at most @user_mss if set. */
u16 xtcp_mss_for_mtu(u32 mtu, u16 user_mss)
{
	u32 mss = mtu - sizeof(struct iphdr) - XTCP_HLEN;

	if (user_mss && user_mss < mss)
		mss = user_mss;
	return clamp_t(u32, mss, XTCP_MIN_MSS, U16_MAX);
}

/* The MSS to advertise: the route's MTU less the headers, or XTCP_MAXSEG. */
u16 xtcp_route_mss(struct sock *sk)
{
	struct dst_entry *dst;
	u32 mtu;

	/* a listener's child is not locked by its creator: use RCU */
	rcu_read_lock();
	dst = __sk_dst_get(sk);
	mtu = dst ? dst_mtu(dst) : 576;
	rcu_read_unlock();
	/* what the send MSS is cut for, until ICMP says less (icmp.c) */
	xtcp_sk(sk)->pmtu_cookie = mtu;
	return xtcp_af_mss(xtcp_sk(sk)->af, mtu, xtcp_sk(sk)->user_mss);
}

/*
 * Give back what connect() took implicitly: an ephemeral port, or the
 * source address it chose for a socket bound to INADDR_ANY (as TCP does).
 */
void xtcp_put_local(struct sock *sk)
{
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		xtcp_unbind(sk);
	else if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		xtcp_bind_set_addr6(sk, NULL);
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
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

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
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

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
	int retries = READ_ONCE(xtcp_pernet(sock_net(sk))->orphan_retries);

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

/* A passive child reached ESTABLISHED: SYN queue -> accept queue. */
static void xtcp_child_ready(struct sock *child)
{
	struct xtcp_sock *cxs = xtcp_sk(child);
	struct sock *parent = cxs->parent;
	struct xtcp_sock *pxs = xtcp_sk(parent);

	spin_lock_bh(&pxs->queue_lock);
	if (pxs->queues_closed) {
		/* the listener is closing; its closer resets this child */
		spin_unlock_bh(&pxs->queue_lock);
		return;
	}
	list_move_tail(&cxs->child_node, &pxs->accept_queue);
	pxs->syn_qlen--;
	sk_acceptq_added(parent);
	spin_unlock_bh(&pxs->queue_lock);
	parent->sk_data_ready(parent);
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
	xs->rto_ms = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_init_ms);
	xtcp_rtt_init(&xs->rtt, xs->rto_ms * USEC_PER_MSEC);
	xtcp_cc_init(&xs->cc, xs->tcb.snd_mss);
}

/*
 * The handshake completed (SYN_SENT or SYN_RECEIVED -> ESTABLISHED; the
 * caller synced sk_state).
 */
void xtcp_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_rtx_stop(sk);
	xs->retries = 0;
	xs->rto_ms = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_init_ms);
	/* our SYN was acknowledged: an ICMP error before it is stale */
	WRITE_ONCE(sk->sk_err_soft, 0);
	/* the data path starts after the SYNs */
	xs->copied_seq = xs->tcb.rcv_nxt;
	xs->rcv_wup = xs->tcb.rcv_nxt;
	xtcp_pmtu_established(sk);
	xtcp_rtt_init(&xs->rtt, xs->rto_ms * USEC_PER_MSEC);
	xtcp_cc_init(&xs->cc, xs->tcb.snd_mss);
	xtcp_rcv_space_init(sk);
	xtcp_sndbuf_expand(sk);
	xtcp_keepalive_reset(sk);
	if (xs->parent) {
		xtcp_child_ready(sk);
	} else {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
}

/*
 * A passive child in SYN_RECEIVED dies (RST, a new SYN, SYN,ACK retries
 * exhausted); the listener goes on listening.  The child is locked.
 */
void xtcp_child_drop(struct sock *child)
{
	struct xtcp_sock *cxs = xtcp_sk(child);
	struct sock *parent = cxs->parent;
	struct xtcp_sock *pxs;
	bool owner;

	sock_owned_by_me(child);
	xtcp_tcb_delete(&cxs->tcb);
	xtcp_sync_state(child);
	xtcp_unhash(child);
	xtcp_rtx_stop(child);
	xtcp_unbind(child);
	if (!parent)
		return;
	pxs = xtcp_sk(parent);
	spin_lock_bh(&pxs->queue_lock);
	owner = !pxs->queues_closed;
	if (owner) {
		list_del_init(&cxs->child_node);
		pxs->syn_qlen--;
	}
	spin_unlock_bh(&pxs->queue_lock);
	if (!owner)
		return;
	cxs->parent = NULL;
	sock_put(parent);
	sock_put(child);	/* the queue's reference; the caller holds one */
}

/*
 * Make the child of @listener for the SYN in @skb.  The listener is not
 * locked (input.c): what it reads of it, a setsockopt() may change
 * meanwhile, as on TCP.
 */
static struct sock *xtcp_child_create(struct sock *listener, struct sk_buff *skb)
{
	struct net *net = sock_net(listener);
	struct xtcp_sock *lxs = xtcp_sk(listener), *cxs;
	struct sock *child;
	bool ok;

	child = xtcp_sk_alloc(net, GFP_ATOMIC, 0);
	if (!child)
		return NULL;
	cxs = xtcp_sk(child);
	cxs->family = lxs->family;	/* an IPv6 listener's see v4-mapped names */
	child->sk_ipv6only = listener->sk_ipv6only;
	child->sk_uid = listener->sk_uid;
	child->sk_mark = listener->sk_mark;
	child->sk_priority = listener->sk_priority;
	child->sk_bound_dev_if = listener->sk_bound_dev_if;
	child->sk_rcvbuf = listener->sk_rcvbuf;
	child->sk_sndbuf = listener->sk_sndbuf;
	child->sk_userlocks = listener->sk_userlocks;
	child->sk_reuse = listener->sk_reuse;
	cxs->nodelay = lxs->nodelay;
	cxs->user_mss = lxs->user_mss;
	cxs->keepidle = lxs->keepidle;
	cxs->keepintvl = lxs->keepintvl;
	cxs->keepcnt = lxs->keepcnt;
	cxs->user_timeout = lxs->user_timeout;
	sock_valbool_flag(child, SOCK_KEEPOPEN, sock_flag(listener, SOCK_KEEPOPEN));
	xtcp_pmtu_init(child, listener);
	cxs->traced_state = XTCP_LISTEN;	/* it leaves LISTEN, as TCP's children */

	/* the SYN's IP, not the listener's: v4 SYNs reach dual-stack ones */
	if (xtcp_skb_v6(skb))
		ok = xtcp_v6_child_init(child, listener, skb);
	else
		ok = xtcp_bind_child_v4(child, listener, skb);
	if (!ok) {
		sk_free(child);
		return NULL;
	}
	cxs->tcb.mss = xtcp_route_mss(child);
	cxs->tcb.min_snd_mss = READ_ONCE(xtcp_pernet(net)->min_snd_mss);
	xtcp_rcv_window_init(child);
	xtcp_conn_init(child);
	return child;
}

/*
 * The child for @syn: in SYN_RECEIVED with ISS @iss, on @listener's SYN
 * queue and hashed by its 4-tuple; a SYN's child sends its SYN,ACK and
 * arms the retransmission timer, a cookie's has sent it already.
 * Return: the child with a reference for the caller, or NULL.
 */
static struct sock *xtcp_child_start(struct sock *listener,
				     struct sk_buff *skb,
				     const struct xtcp_seg *syn, u32 iss,
				     bool cookie)
{
	struct xtcp_sock *lxs = xtcp_sk(listener), *cxs;
	struct xtcp_reply r;
	struct sock *child;
	bool queued = false, ok = false;

	child = xtcp_child_create(listener, skb);
	if (!child) {
		xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_DROPS);
		return NULL;
	}
	cxs = xtcp_sk(child);
	sock_hold(child);	/* the caller's */
	local_bh_disable();
	bh_lock_sock_nested(child);
	xtcp_tcb_accept_syn(&cxs->tcb, syn, iss, &r);
	xtcp_sync_state(child);
	spin_lock(&lxs->queue_lock);
	if (!lxs->queues_closed) {
		sock_hold(listener);
		cxs->parent = listener;
		list_add_tail(&cxs->child_node, &lxs->syn_queue);
		lxs->syn_qlen++;
		queued = true;
	}
	spin_unlock(&lxs->queue_lock);
	if (queued && xtcp_hash_connection(child) == 0) {
		xtcp_inc(sock_net(child), XTCP_MIB_PASSIVE_OPENS);
		if (!cookie) {
			xtcp_send(child, &r);
			xtcp_rtx_arm(child);
		}
		ok = true;
	} else if (queued) {
		/* The 4-tuple already has a child (a racing SYN): drop this one. */
		xtcp_child_drop(child);
	} else {
		xtcp_tcb_delete(&cxs->tcb);
		xtcp_sync_state(child);
		sock_put(child);	/* sk_alloc's: it was never queued */
	}
	bh_unlock_sock(child);
	local_bh_enable();
	if (ok)
		return child;
	sock_put(child);
	return NULL;
}

/*
 * LISTEN + SYN (RFC 9293 §3.10.7.2), as tcp_conn_request(): a child in
 * SYN_RECEIVED, hashed by its 4-tuple, sends SYN,ACK and arms its
 * retransmission timer.  With the SYN queue full (or syncookies=2) the
 * SYN gets a cookie instead (syncookie.c), or is dropped with
 * syncookies=0 (the peer retries); with the accept queue full it is
 * dropped (ListenOverflows).  Every drop counts ListenDrops.
 */
void xtcp_new_child(struct sock *listener, struct sk_buff *skb)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(listener));
	struct xtcp_sock *lxs = xtcp_sk(listener);
	struct sock *child;
	bool cookie = false;
	u32 max_syn;

	max_syn = min_t(u32, READ_ONCE(xn->max_syn_backlog),
			max_t(u32, READ_ONCE(listener->sk_max_ack_backlog), 1));
	if (READ_ONCE(xn->syncookies) == 2 ||
	    READ_ONCE(lxs->syn_qlen) >= max_syn) {
		/* SYN cookies are IPv4's (syncookie.c): IPv6 SYNs are dropped */
		cookie = !xtcp_skb_v6(skb) && xtcp_syn_flood_action(listener);
		if (!cookie)
			goto drop;
	}
	if (sk_acceptq_is_full(listener)) {
		xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_OVERFLOWS);
		goto drop;
	}
	if (cookie) {
		xtcp_cookie_synack(listener, skb);
		return;
	}
	child = xtcp_child_start(listener, skb, &XTCP_SKB_CB(skb)->seg,
				 xtcp_skb_isn(skb), false);
	if (child)
		sock_put(child);
	return;
drop:
	xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_DROPS);
}

/**
 * xtcp_cookie_child - the child a valid SYN cookie stands for
 * @listener: the listener (not locked: input.c)
 * @skb: the ACK that returned the cookie
 * @mss: the peer's MSS the cookie kept
 *
 * cookie_v4_check() and tcp_get_cookie_sock(): the SYN is rebuilt from
 * the ACK (SEG.SEQ - 1, the MSS, no window scale, see syncookie.c) and
 * its child made in SYN_RECEIVED with ISS SEG.ACK - 1, without a
 * SYN,ACK or a timer: the caller hands it @skb, the ACK of that SYN,ACK.
 * A full accept queue drops the ACK, as tcp_v4_syn_recv_sock() does.
 *
 * Return: the child with a reference for the caller, or NULL.
 */
struct sock *xtcp_cookie_child(struct sock *listener, struct sk_buff *skb,
			       u16 mss)
{
	const struct xtcp_seg *ack = &XTCP_SKB_CB(skb)->seg;
	struct xtcp_seg syn = {
		.seq	= ack->seq - 1,
		.wnd	= ack->wnd,
		.flags	= XTCP_SYN,
		.opts	= { .mss = mss },
	};

	if (sk_acceptq_is_full(listener)) {
		xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_OVERFLOWS);
		xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_DROPS);
		return NULL;
	}
	return xtcp_child_start(listener, skb, &syn, ack->ack - 1, true);
}

/* Reset and release one child of a closing listener (process context). */
static void xtcp_child_abort(struct sock *listener, struct sock *child)
{
	struct xtcp_sock *cxs = xtcp_sk(child);
	struct xtcp_reply r;

	lock_sock_nested(child, SINGLE_DEPTH_NESTING);
	xtcp_tcb_abort(&cxs->tcb, &r);
	xtcp_sync_state(child);
	if (r.flags)
		xtcp_send(child, &r);
	xtcp_unhash(child);
	xtcp_timers_stop_sync(child);
	xtcp_unbind(child);
	sock_set_flag(child, SOCK_DEAD);
	release_sock(child);
	cxs->parent = NULL;
	sock_put(listener);
	sock_put(child);
}

/*
 * Stop listening: out of the listener table, and every child, half-open or
 * waiting for accept(), is reset.  Process context, @sk locked.
 */
void xtcp_listener_stop(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk), *cxs, *tmp;
	LIST_HEAD(children);

	sock_owned_by_me(sk);
	xtcp_unhash(sk);
	spin_lock_bh(&xs->queue_lock);
	xs->queues_closed = true;
	list_splice_init(&xs->syn_queue, &children);
	list_splice_init(&xs->accept_queue, &children);
	xs->syn_qlen = 0;
	WRITE_ONCE(sk->sk_ack_backlog, 0);
	spin_unlock_bh(&xs->queue_lock);

	list_for_each_entry_safe(cxs, tmp, &children, child_node) {
		list_del_init(&cxs->child_node);
		xtcp_child_abort(sk, xtcp_to_sk(cxs));
	}
}
