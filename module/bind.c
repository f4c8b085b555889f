// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP bind table: which local ports the sockets of a network namespace
 * hold, the conflict rule that decides EADDRINUSE, and ephemeral port
 * allocation from the namespace's ip_local_port_range.
 */
#include <linux/errno.h>
#include <linux/random.h>
#include <net/ip.h>

#include "timewait.h"
#include "xtcp.h"

/**
 * xtcp_bind_conflict - may two sockets hold the same local port?
 * @addr_a: local address of the socket already bound
 * @reuse_a: SO_REUSEADDR on it
 * @listen_a: it is listening
 * @addr_b: local address the new socket asks for
 * @reuse_b: SO_REUSEADDR on the new socket
 *
 * TCP's rule: distinct specific addresses never conflict; otherwise the port
 * can be shared only when both set SO_REUSEADDR and the holder is not
 * listening.
 *
 * Return: true if the new bind must fail with EADDRINUSE.
 */
bool xtcp_bind_conflict(__be32 addr_a, bool reuse_a, bool listen_a,
			__be32 addr_b, bool reuse_b)
{
	if (addr_a != addr_b && addr_a != htonl(INADDR_ANY) &&
	    addr_b != htonl(INADDR_ANY))
		return false;
	return !(reuse_a && reuse_b && !listen_a);
}
EXPORT_SYMBOL_NS_GPL(xtcp_bind_conflict, XTCP_NS);

/**
 * xtcp_ephemeral_candidate - the i-th port to try in [lo, hi]
 * @lo: lowest port of the range
 * @hi: highest port of the range
 * @offset: random start, so that successive sockets do not collide
 * @i: attempt number, 0 <= i <= hi - lo
 *
 * Return: a port in [lo, hi]; i = 0 .. hi - lo visits each exactly once.
 */
u16 xtcp_ephemeral_candidate(u32 lo, u32 hi, u32 offset, u32 i)
{
	u32 span = hi - lo + 1;

	return lo + (u32)(((u64)offset + i) % span);
}
EXPORT_SYMBOL_NS_GPL(xtcp_ephemeral_candidate, XTCP_NS);

static struct hlist_head *xtcp_bind_bucket(struct xtcp_net *xn, u16 port)
{
	return &xn->bind_hash[port & (ARRAY_SIZE(xn->bind_hash) - 1)];
}

/* Caller holds xn->bind_lock. */
static bool xtcp_port_conflicts(struct xtcp_net *xn, struct sock *sk,
				__be32 addr, u16 port, bool any_holder)
{
	struct xtcp_sock *xs;

	hlist_for_each_entry(xs, xtcp_bind_bucket(xn, port), bind_node) {
		struct sock *other = (struct sock *)xs;

		if (other == sk || inet_sk(other)->inet_num != port)
			continue;
		if (any_holder)
			return true;
		if (xtcp_bind_conflict(other->sk_rcv_saddr, other->sk_reuse,
				       other->sk_state == TCP_LISTEN,
				       addr, sk->sk_reuse))
			return true;
	}
	/*
	 * TIME_WAIT entries hold their port for 2*MSL: SO_REUSEADDR binds
	 * over them, ephemeral ports avoid them.
	 */
	if (any_holder)
		return xtcp_tw_port_in_use(sock_net(sk), htonl(INADDR_ANY), port);
	return !sk->sk_reuse && xtcp_tw_port_in_use(sock_net(sk), addr, port);
}

/* Caller holds xn->bind_lock.  Return: a free port, or 0 if none is. */
static u16 xtcp_pick_ephemeral(struct net *net, struct xtcp_net *xn,
			       struct sock *sk, __be32 addr)
{
	u32 offset = get_random_u32();
	int lo, hi;
	u32 i;

	inet_get_local_port_range(net, &lo, &hi);
	if (lo < 1 || hi < lo)
		return 0;
	for (i = 0; i <= (u32)(hi - lo); i++) {
		u16 port = xtcp_ephemeral_candidate(lo, hi, offset, i);

		if (inet_is_local_reserved_port(net, port))
			continue;
		/* An ephemeral port is never shared, even under SO_REUSEADDR. */
		if (!xtcp_port_conflicts(xn, sk, addr, port, true))
			return port;
	}
	return 0;
}

/* Is this TIME_WAIT entry's 4-tuple free for a new connection (tw_reuse)? */
static bool xtcp_tw_reusable(struct net *net, const struct xtcp_tw *tw)
{
	switch (READ_ONCE(xtcp_pernet(net)->tw_reuse_mode)) {
	case 1:
		return true;
	case 2:
		/* as tcp_tw_reuse = 2: no old duplicate lingers on loopback */
		return ipv4_is_loopback(tw->key.laddr) ||
		       ipv4_is_loopback(tw->key.raddr);
	default:
		return false;
	}
}

/**
 * xtcp_tw_take - may a new connection have this 4-tuple, which TIME_WAIT
 * may hold?
 * @net: namespace
 * @key: the 4-tuple
 * @isn: set, when the entry is taken over, to the ISN the connection
 *	must start from: past anything the old one sent (SND.NXT + 65537,
 *	as TCP), so that no old segment is mistaken for a new one
 *
 * Return: 0 when no entry holds @key, 1 when one did and tw_reuse let the
 * connection have it (the entry is gone), -EADDRNOTAVAIL otherwise.
 */
int xtcp_tw_take(struct net *net, const struct xtcp_key *key, u32 *isn)
{
	struct xtcp_tw *tw = xtcp_tw_lookup(net, key);

	if (!tw)
		return 0;
	if (!xtcp_tw_reusable(net, tw)) {
		xtcp_tw_put(tw);
		return -EADDRNOTAVAIL;
	}
	*isn = tw->st.snd_nxt + 65535 + 2 ?: 1;
	xtcp_tw_kill(tw);
	xtcp_inc(net, XTCP_MIB_TW_REUSED);
	xtcp_tw_put(tw);
	return 1;
}

/*
 * Caller holds xn->bind_lock.  Would a connection from @saddr:@port to
 * @daddr:@dport clash with a holder of @port?  Connections that took
 * their port in connect() share it with each other when their remote
 * ends differ (__inet_hash_connect()); a port bound with bind(), or a
 * listener's, is never shared this way.
 */
static bool xtcp_connect_clash(struct xtcp_net *xn, struct sock *sk,
			       __be32 saddr, u16 port, __be32 daddr,
			       __be16 dport)
{
	struct xtcp_sock *xs;

	hlist_for_each_entry(xs, xtcp_bind_bucket(xn, port), bind_node) {
		struct sock *other = xtcp_to_sk(xs);

		if (other == sk || inet_sk(other)->inet_num != port)
			continue;
		if (!xs->connect_bound)
			return true;
		if (other->sk_rcv_saddr == saddr &&
		    inet_sk(other)->inet_daddr == daddr &&
		    inet_sk(other)->inet_dport == dport)
			return true;
	}
	return false;
}

/**
 * xtcp_bind_connect - the local port of connect() on an unbound socket
 * @sk: the socket, locked, its route (and so @saddr) settled
 * @saddr: local address
 * @daddr: remote address
 * @dport: remote port
 * @isn: set as xtcp_tw_take() sets it, when a TIME_WAIT entry is taken over
 *
 * A port from ip_local_port_range that no other connection uses for the
 * same remote end and no bind() holds; TIME_WAIT entries of other remote
 * ends do not matter, and one of this remote end only if tw_reuse says so.
 * The remote end is set with the port, under the bind lock, so that two
 * connects cannot take the same 4-tuple.
 *
 * Return: 0, 1 if a TIME_WAIT entry was taken over, or -EADDRNOTAVAIL.
 */
int xtcp_bind_connect(struct sock *sk, __be32 saddr, __be32 daddr,
		      __be16 dport, u32 *isn)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct inet_sock *inet = inet_sk(sk);
	u32 offset = get_random_u32();
	int lo, hi, ret = -EADDRNOTAVAIL;
	u32 i;

	inet_get_local_port_range(net, &lo, &hi);
	if (lo < 1 || hi < lo)
		return -EADDRNOTAVAIL;
	spin_lock_bh(&xn->bind_lock);
	for (i = 0; i <= (u32)(hi - lo); i++) {
		u16 port = xtcp_ephemeral_candidate(lo, hi, offset, i);
		struct xtcp_key key = {
			.laddr = saddr, .lport = htons(port),
			.raddr = daddr, .rport = dport,
		};

		if (inet_is_local_reserved_port(net, port) ||
		    xtcp_connect_clash(xn, sk, saddr, port, daddr, dport))
			continue;
		ret = xtcp_tw_take(net, &key, isn);
		if (ret < 0)
			continue;
		inet->inet_rcv_saddr = saddr;
		inet->inet_saddr = saddr;
		inet->inet_num = port;
		inet->inet_sport = htons(port);
		inet->inet_daddr = daddr;
		inet->inet_dport = dport;
		hlist_add_head(&xtcp_sk(sk)->bind_node,
			       xtcp_bind_bucket(xn, port));
		xtcp_sk(sk)->bound = true;
		xtcp_sk(sk)->connect_bound = true;
		break;
	}
	spin_unlock_bh(&xn->bind_lock);
	return ret;
}

/**
 * xtcp_bind_port - give @sk the local address @addr and port @port
 * @sk: an unbound socket, locked by the caller
 * @addr: local address (network order), INADDR_ANY for all
 * @port: local port (host order), 0 for an ephemeral one
 *
 * Return: 0, or -EADDRINUSE if the port is held or, for @port 0, if no
 * ephemeral port is free (what bind(2) gives on TCP; connect's implicit
 * bind turns the latter into -EADDRNOTAVAIL).
 */
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct inet_sock *inet = inet_sk(sk);
	int err = 0;

	spin_lock_bh(&xn->bind_lock);
	if (!port) {
		port = xtcp_pick_ephemeral(net, xn, sk, addr);
		if (!port)
			err = -EADDRINUSE;
	} else if (xtcp_port_conflicts(xn, sk, addr, port, false)) {
		err = -EADDRINUSE;
	}
	if (!err) {
		inet->inet_rcv_saddr = addr;
		inet->inet_saddr = addr;
		inet->inet_num = port;
		inet->inet_sport = htons(port);
		hlist_add_head(&xtcp_sk(sk)->bind_node,
			       xtcp_bind_bucket(xn, port));
		xtcp_sk(sk)->bound = true;
	}
	spin_unlock_bh(&xn->bind_lock);
	return err;
}

/**
 * xtcp_bind_inherit - a listener's new child holds the listener's port
 * @child: the child, its inet_num and local address already its own
 *
 * As TCP's children share their listener's bind bucket
 * (__inet_inherit_port()): while the connection lives, the port is not
 * free for a bind() without SO_REUSEADDR on both sides, even after the
 * listener has closed, nor for an ephemeral port.  No conflict check:
 * the listener holds the port now.
 */
void xtcp_bind_inherit(struct sock *child)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(child));
	struct xtcp_sock *cxs = xtcp_sk(child);

	spin_lock_bh(&xn->bind_lock);
	hlist_add_head(&cxs->bind_node,
		       xtcp_bind_bucket(xn, inet_sk(child)->inet_num));
	cxs->bound = true;
	spin_unlock_bh(&xn->bind_lock);
}

/**
 * xtcp_bind_recheck - may bound @sk start listening?
 * @sk: the socket, locked by the caller
 *
 * A port shared under SO_REUSEADDR cannot have two listeners on
 * overlapping addresses (TCP's inet_csk_listen_start() check).
 *
 * Return: 0 or -EADDRINUSE.
 */
int xtcp_bind_recheck(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs;
	u16 port = inet_sk(sk)->inet_num;
	int err = 0;

	spin_lock_bh(&xn->bind_lock);
	hlist_for_each_entry(xs, xtcp_bind_bucket(xn, port), bind_node) {
		struct sock *other = xtcp_to_sk(xs);

		if (other == sk || inet_sk(other)->inet_num != port)
			continue;
		if (xtcp_bind_conflict(other->sk_rcv_saddr, other->sk_reuse,
				       other->sk_state == TCP_LISTEN,
				       sk->sk_rcv_saddr, sk->sk_reuse)) {
			err = -EADDRINUSE;
			break;
		}
	}
	spin_unlock_bh(&xn->bind_lock);
	return err;
}
EXPORT_SYMBOL_NS_GPL(xtcp_bind_recheck, XTCP_NS);

/**
 * xtcp_bind_set_addr - change the local address of a bound socket
 * @sk: the socket, locked by the caller
 * @addr: the new address: connect() narrows INADDR_ANY to the route's
 *        source, a failed connect widens it back
 */
void xtcp_bind_set_addr(struct sock *sk, __be32 addr)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);

	spin_lock_bh(&xn->bind_lock);
	inet->inet_rcv_saddr = addr;
	inet->inet_saddr = addr;
	spin_unlock_bh(&xn->bind_lock);
}

/**
 * xtcp_unbind - release @sk's local port, if it holds one
 * @sk: the socket, locked by the caller (or unreferenced, being destroyed)
 */
void xtcp_unbind(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);

	if (!xtcp_sk(sk)->bound)
		return;
	spin_lock_bh(&xn->bind_lock);
	hlist_del_init(&xtcp_sk(sk)->bind_node);
	xtcp_sk(sk)->bound = false;
	xtcp_sk(sk)->connect_bound = false;
	inet->inet_num = 0;
	inet->inet_sport = 0;
	inet->inet_rcv_saddr = 0;
	inet->inet_saddr = 0;
	spin_unlock_bh(&xn->bind_lock);
}
