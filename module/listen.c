// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP listeners.  A listener's children are full sockets: a SYN makes
 * one in SYN_RECEIVED on the listener's SYN queue (or a SYN cookie stands
 * for it until the ACK comes back); the ACK of its SYN,ACK moves it to the
 * accept queue; accept() hands it to the user.
 *
 * Ownership: the listener's queues hold one reference on each child, and
 * each queued child holds one on its listener.  Whoever unlinks a child
 * from the queues (under queue_lock) owns both references.  Once the
 * listener has set queues_closed, only the listener's closer unlinks.
 */
#include <linux/sched/signal.h>
#include <net/ip.h>
#include <net/sock.h>

#include "syncookie.h"
#include "xtcp.h"

/* A passive child reached ESTABLISHED: SYN queue -> accept queue. */
void xtcp_child_ready(struct sock *child)
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
	/*
	 * traced here, with its addresses (should a closing listener own the
	 * queue now, xtcp_child_abort() finds it CLOSED and does not again)
	 */
	if (parent)
		xtcp_trace_sk_event(child, XTCP_TRACE_DESTROY_SOCK);
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

	/* the listener's family and proto (socket.c), as sk_clone_lock() */
	child = sk_alloc(net, listener->sk_family, GFP_ATOMIC,
			 listener->sk_prot, 0);
	if (!child)
		return NULL;
	sock_init_data(NULL, child);
	xtcp_sock_init(child);
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
	child->sk_reuseport = listener->sk_reuseport;	/* as sk_clone_lock() */
	/* IP_TOS, IP_TTL, IPV6_TCLASS, IPV6_UNICAST_HOPS: TCP's children copy */
	inet_sk(child)->tos = inet_sk(listener)->tos;
	inet_sk(child)->uc_ttl = inet_sk(listener)->uc_ttl;
	cxs->inet6.tclass = lxs->inet6.tclass;
	cxs->inet6.hop_limit = lxs->inet6.hop_limit;
	cxs->nodelay = lxs->nodelay;
	cxs->user_mss = lxs->user_mss;
	cxs->keepidle = lxs->keepidle;
	cxs->keepintvl = lxs->keepintvl;
	cxs->keepcnt = lxs->keepcnt;
	cxs->user_timeout = lxs->user_timeout;
	cxs->syncnt = lxs->syncnt;
	cxs->linger2_ms = lxs->linger2_ms;
	cxs->window_clamp = lxs->window_clamp;
	cxs->notsent_lowat = lxs->notsent_lowat;
	cxs->defer_accept = lxs->defer_accept;
	cxs->cc_ops = READ_ONCE(lxs->cc_ops);	/* setsockopt may race */
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
	/* a cookie's SYN,ACK carried no timestamps (syncookie.c) */
	xtcp_ts_conn_init(child, !cookie &&
			  READ_ONCE(xtcp_pernet(sock_net(child))->timestamps));
	xtcp_ts_syn_rcvd(child, syn);
	/* SACK-permitted answered only when offered; a cookie cannot keep it */
	xtcp_sack_conn_init(cxs, !cookie && syn->opts.sack_perm &&
			    READ_ONCE(xtcp_pernet(sock_net(child))->sack));
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
		cookie = xtcp_syn_flood_action(listener);
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
	bool live;

	lock_sock_nested(child, SINGLE_DEPTH_NESTING);
	live = cxs->tcb.state != XTCP_CLOSED;
	xtcp_tcb_abort(&cxs->tcb, &r);
	xtcp_sync_state(child);
	if (r.flags)
		xtcp_send(child, &r);
	if (live)
		xtcp_trace_sk_event(child, XTCP_TRACE_DESTROY_SOCK);
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
static void xtcp_listener_stop(struct sock *sk)
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

/* CLOSE in LISTEN (§3.10.4): the children are reset, LISTEN -> CLOSED. */
void xtcp_listener_close(struct sock *sk)
{
	xtcp_listener_stop(sk);
	xtcp_tcb_close(&xtcp_sk(sk)->tcb);
	xtcp_sync_state(sk);
}

/*
 * SEND in LISTEN (§3.10.2), connect() on a listener: passive turns
 * active, if nothing is pending.  @sk is locked.
 * Return: 0 (@sk is CLOSED now), or -EISCONN.
 */
int xtcp_listener_connect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	spin_lock_bh(&xs->queue_lock);
	err = list_empty(&xs->syn_queue) && list_empty(&xs->accept_queue) ?
	      0 : -EISCONN;
	if (!err)
		xs->queues_closed = true;
	spin_unlock_bh(&xs->queue_lock);
	if (!err)
		xtcp_listener_close(sk);
	return err;
}

/* Wait for a child on the accept queue; lock held, dropped while asleep. */
static int xtcp_wait_child(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	while (!READ_ONCE(sk->sk_ack_backlog)) {
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		release_sock(sk);
		*timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeo);
		lock_sock(sk);
		if (sk->sk_state != TCP_LISTEN) {
			err = -EINVAL;
			break;
		}
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/* accept(2) and accept4(2): the first established child. */
int xtcp_do_accept(struct socket *sock, struct socket *newsock, int flags,
		   bool kern)
{
	struct sock *sk = sock->sk, *child = NULL;
	struct xtcp_sock *xs = xtcp_sk(sk), *cxs;
	long timeo;
	int err;

	lock_sock(sk);
	if (sk->sk_state != TCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	err = xtcp_wait_child(sk, &timeo);
	if (err)
		goto out;
	spin_lock_bh(&xs->queue_lock);
	cxs = list_first_entry_or_null(&xs->accept_queue, struct xtcp_sock,
				       child_node);
	if (cxs) {
		list_del_init(&cxs->child_node);
		sk_acceptq_removed(sk);
		child = xtcp_to_sk(cxs);
	}
	spin_unlock_bh(&xs->queue_lock);
	if (!child) {
		err = -EAGAIN;
		goto out;
	}
	release_sock(sk);

	lock_sock_nested(child, SINGLE_DEPTH_NESTING);
	sock_graft(child, newsock);
	xtcp_custom_sockopt(newsock);
	newsock->state = SS_CONNECTED;
	cxs->parent = NULL;
	release_sock(child);
	sock_put(sk);		/* the child's reference on its listener */
	return 0;
out:
	release_sock(sk);
	return err;
}
