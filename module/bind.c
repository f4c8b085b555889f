// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP bind table: which local ports the sockets of a network namespace
 * hold, the conflict rule that decides EADDRINUSE, and ephemeral port
 * allocation from the namespace's ip_local_port_range.
 */
#include <linux/errno.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/secure_seq.h>

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
	struct in6_addr a, b;

	ipv6_addr_set_v4mapped(addr_a, &a);
	ipv6_addr_set_v4mapped(addr_b, &b);
	if (!xtcp_addr_overlap(&a, false, &b, false))
		return false;
	return !(reuse_a && reuse_b && !listen_a);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_bind_conflict);

/* @sk's bound address as IPv6: v4-mapped over IPv4, 0.0.0.0 included. */
static void xtcp_bound_addr(const struct sock *sk, struct in6_addr *a)
{
	if (xtcp_sk(sk)->af->family == AF_INET6)
		*a = sk->sk_v6_rcv_saddr;
	else
		ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, a);
}

/*
 * xtcp_bind_conflict() between the holder @other and @sk asking for @addr,
 * across the families (xtcp_addr_overlap()), with SO_REUSEPORT and
 * SO_BINDTODEVICE as inet_bind_conflict() takes them.
 */
static bool xtcp_sk_conflict(const struct sock *other, const struct sock *sk,
			     const struct in6_addr *addr)
{
	struct in6_addr oa;

	xtcp_bound_addr(other, &oa);
	if (!xtcp_addr_overlap(&oa, other->sk_ipv6only, addr, sk->sk_ipv6only))
		return false;
	/* bound to different devices (inet_bind_conflict()) */
	if (other->sk_bound_dev_if && sk->sk_bound_dev_if &&
	    other->sk_bound_dev_if != sk->sk_bound_dev_if)
		return false;
	if (other->sk_reuse && sk->sk_reuse && other->sk_state != TCP_LISTEN)
		return false;
	/* SO_REUSEPORT: both set it before bind, and one user owns both */
	return !(other->sk_reuseport && sk->sk_reuseport &&
		 uid_eq(sock_i_uid((struct sock *)other),
			sock_i_uid((struct sock *)sk)));
}

/*
 * Set @sk's local address (caller holds bind_lock, or @sk is not yet
 * bound): a v4-mapped one makes it an IPv4 socket (xtcp_ipv4_ops), any
 * other an IPv6 one, with its addresses where TCP keeps them.
 */
static void xtcp_set_local(struct sock *sk, const struct in6_addr *addr)
{
	struct inet_sock *inet = inet_sk(sk);

	if (ipv6_addr_v4mapped(addr)) {
		xtcp_sk(sk)->af = &xtcp_ipv4_ops;
		inet->inet_rcv_saddr = addr->s6_addr32[3];
		inet->inet_saddr = addr->s6_addr32[3];
		sk->sk_v6_rcv_saddr = in6addr_any;
		inet6_sk(sk)->saddr = in6addr_any;
	} else {
		xtcp_sk(sk)->af = &xtcp_ipv6_ops;
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		sk->sk_v6_rcv_saddr = *addr;
		inet6_sk(sk)->saddr = *addr;
	}
}

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
EXPORT_SYMBOL_IF_KUNIT(xtcp_ephemeral_candidate);

/*
 * How many TIME_WAIT entries hold a port on one local address (entries
 * always have a specific one).  A bucket keeps its first address's count
 * in itself and the others' in a list: a port's entries seldom have more
 * than one local address, so an entry usually costs no allocation.
 */
struct xtcp_tw_addr {
	struct hlist_node	node;		/* in tw_more; unused in tw_first */
	struct in6_addr		addr;		/* IPv4 v4-mapped */
	u32			count;		/* 0: the slot is free */
};

/*
 * The sockets holding one local port, as TCP's inet_bind_bucket, and the
 * TIME_WAIT entries holding it (as TCP's keep theirs): one per port in use,
 * in the namespace's bind_table, a resizable hash (an
 * rhashtable keyed by port) that grows and shrinks with the number of
 * ports in use, so that finding a port's holders costs the same with ten
 * sockets or a million.  Everything here is under xn->bind_lock; the table
 * is looked up under that lock only.
 */
struct xtcp_bind_bucket {
	struct rhash_head	node;
	u16			port;		/* the key, host order */
	u32			owners;		/* sockets on @head */
	u32			fixed;		/* ...of them not bound by connect() */
	struct hlist_head	head;		/* the sockets, by bind_node */
	u32			tw;		/* TIME_WAIT entries on the port */
	struct xtcp_tw_addr	tw_first;	/* ...per local address: one here */
	struct hlist_head	tw_more;	/* ...the others' here */
	struct rcu_head		rcu;
};

static const struct rhashtable_params xtcp_bind_params = {
	.head_offset		= offsetof(struct xtcp_bind_bucket, node),
	.key_offset		= offsetof(struct xtcp_bind_bucket, port),
	.key_len		= sizeof(u16),
	.automatic_shrinking	= true,
	.min_size		= XTCP_HASH_MIN_SIZE,
};

int xtcp_bind_init(struct xtcp_net *xn)
{
	spin_lock_init(&xn->bind_lock);
	return rhashtable_init(&xn->bind_table, &xtcp_bind_params);
}

/*
 * Every socket holds its namespace, and TIME_WAIT entries go before this
 * (xtcp_tw_net_exit()), so no port is held here.
 */
void xtcp_bind_destroy(struct xtcp_net *xn)
{
	WARN_ON_ONCE(atomic_read(&xn->bind_table.nelems));
	rhashtable_destroy(&xn->bind_table);
}

/**
 * xtcp_bind_ports - how many local ports sockets or TIME_WAIT entries hold
 * @net: namespace
 *
 * Return: the number of bind buckets (for the tests).
 */
unsigned int xtcp_bind_ports(struct net *net)
{
	return atomic_read(&xtcp_pernet(net)->bind_table.nelems);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_bind_ports);

/* Caller holds xn->bind_lock.  Return: @port's bucket, NULL if free. */
static struct xtcp_bind_bucket *xtcp_bb_find(struct xtcp_net *xn, u16 port)
{
	lockdep_assert_held(&xn->bind_lock);
	return rhashtable_lookup_fast(&xn->bind_table, &port, xtcp_bind_params);
}

/* Caller holds xn->bind_lock.  Return: @port's bucket, made if need be. */
static struct xtcp_bind_bucket *xtcp_bb_get(struct xtcp_net *xn, u16 port)
{
	struct xtcp_bind_bucket *bb = xtcp_bb_find(xn, port);

	if (bb)
		return bb;
	bb = kzalloc(sizeof(*bb), GFP_ATOMIC);
	if (!bb)
		return NULL;
	bb->port = port;
	INIT_HLIST_HEAD(&bb->head);
	INIT_HLIST_HEAD(&bb->tw_more);
	if (rhashtable_insert_fast(&xn->bind_table, &bb->node,
				   xtcp_bind_params)) {
		kfree(bb);
		return NULL;
	}
	return bb;
}

/* Caller holds xn->bind_lock: a bucket nothing holds goes. */
static void xtcp_bb_put(struct xtcp_net *xn, struct xtcp_bind_bucket *bb)
{
	if (bb->owners || bb->tw)
		return;
	WARN_ON_ONCE(!hlist_empty(&bb->tw_more));
	rhashtable_remove_fast(&xn->bind_table, &bb->node, xtcp_bind_params);
	kfree_rcu(bb, rcu);
}

/* Caller holds xn->bind_lock: @sk holds @bb's port from now on. */
static void xtcp_bb_add(struct xtcp_bind_bucket *bb, struct sock *sk,
			bool by_connect)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	hlist_add_head(&xs->bind_node, &bb->head);
	bb->owners++;
	bb->fixed += !by_connect;
	xs->bind_bucket = bb;
	xs->bound = true;
	xs->connect_bound = by_connect;
}

/* Caller holds xn->bind_lock: @sk lets its port go; an empty bucket goes. */
static void xtcp_bb_del(struct xtcp_net *xn, struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_bind_bucket *bb = xs->bind_bucket;

	lockdep_assert_held(&xn->bind_lock);
	hlist_del_init(&xs->bind_node);
	bb->owners--;
	bb->fixed -= !xs->connect_bound;
	xs->bind_bucket = NULL;
	xs->bound = false;
	xs->connect_bound = false;
	xtcp_bb_put(xn, bb);
}

/* ---- TIME_WAIT's hold on ports ------------------------------------------ */

/* Caller holds xn->bind_lock.  Return: @addr's count in @bb, if it has one. */
static struct xtcp_tw_addr *xtcp_bb_tw_addr(struct xtcp_bind_bucket *bb,
					    const struct in6_addr *addr)
{
	struct xtcp_tw_addr *a;

	if (bb->tw_first.count && ipv6_addr_equal(&bb->tw_first.addr, addr))
		return &bb->tw_first;
	hlist_for_each_entry(a, &bb->tw_more, node)
		if (ipv6_addr_equal(&a->addr, addr))
			return a;
	return NULL;
}

/*
 * Caller holds xn->bind_lock.  Do entries hold @bb's port on @addr?  Any
 * does for 0.0.0.0 and ::, as an IPv6 wildcard bind may take IPv4 too.
 */
static bool xtcp_bb_tw_in_use(struct xtcp_bind_bucket *bb,
			      const struct in6_addr *addr)
{
	if (xtcp_addr_wildcard(addr))
		return bb->tw;
	return xtcp_bb_tw_addr(bb, addr);
}

/**
 * xtcp_bind_tw_hold - a TIME_WAIT entry holds a local port
 * @net: namespace
 * @addr: the entry's local address, IPv4 v4-mapped
 * @port: its local port, host order
 *
 * The port stays in use, for bind(2) and for ephemeral ports, until
 * xtcp_bind_tw_release(): the entry counts in the port's bind bucket.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_bind_tw_hold(struct net *net, const struct in6_addr *addr, u16 port)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_bind_bucket *bb;
	struct xtcp_tw_addr *a;
	int err = 0;

	spin_lock_bh(&xn->bind_lock);
	bb = xtcp_bb_get(xn, port);
	if (!bb) {
		err = -ENOMEM;
		goto out;
	}
	a = xtcp_bb_tw_addr(bb, addr);
	if (!a && !bb->tw_first.count) {
		a = &bb->tw_first;
		a->addr = *addr;
	} else if (!a) {
		a = kzalloc(sizeof(*a), GFP_ATOMIC);
		if (!a) {
			xtcp_bb_put(xn, bb);
			err = -ENOMEM;
			goto out;
		}
		a->addr = *addr;
		hlist_add_head(&a->node, &bb->tw_more);
	}
	a->count++;
	bb->tw++;
out:
	spin_unlock_bh(&xn->bind_lock);
	return err;
}

/* xtcp_bind_tw_release() with xn->bind_lock held. */
void __xtcp_bind_tw_release(struct net *net, const struct in6_addr *addr,
			    u16 port)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_bind_bucket *bb = xtcp_bb_find(xn, port);
	struct xtcp_tw_addr *a = bb ? xtcp_bb_tw_addr(bb, addr) : NULL;

	if (WARN_ON_ONCE(!a))
		return;
	if (!--a->count && a != &bb->tw_first) {
		hlist_del(&a->node);
		kfree(a);
	}
	bb->tw--;
	xtcp_bb_put(xn, bb);
}

/**
 * xtcp_bind_tw_release - a TIME_WAIT entry lets its local port go
 * @net: namespace
 * @addr: as given to xtcp_bind_tw_hold()
 * @port: the same
 */
void xtcp_bind_tw_release(struct net *net, const struct in6_addr *addr,
			  u16 port)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	spin_lock_bh(&xn->bind_lock);
	__xtcp_bind_tw_release(net, addr, port);
	spin_unlock_bh(&xn->bind_lock);
}

/**
 * xtcp_tw_port_in_use6 - do TIME_WAIT entries hold a local port?
 * @net: namespace
 * @addr: local address (IPv4 v4-mapped); 0.0.0.0 and :: ask about every
 *	address
 * @port: local port, host order
 *
 * Entries always have a specific local address, so one on @port conflicts
 * with a bind to that address or to the wildcard.
 *
 * Return: true if any entry on @port has local address @addr (any, for
 * the wildcards).
 */
bool xtcp_tw_port_in_use6(struct net *net, const struct in6_addr *addr,
			  u16 port)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_bind_bucket *bb;
	bool used;

	spin_lock_bh(&xn->bind_lock);
	bb = xtcp_bb_find(xn, port);
	used = bb && xtcp_bb_tw_in_use(bb, addr);
	spin_unlock_bh(&xn->bind_lock);
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_port_in_use6);

/* The same for an IPv4 address (INADDR_ANY for every address). */
bool xtcp_tw_port_in_use(struct net *net, __be32 addr, u16 port)
{
	struct in6_addr a;

	ipv6_addr_set_v4mapped(addr, &a);
	return xtcp_tw_port_in_use6(net, &a, port);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_port_in_use);

/* ---- conflicts and ephemeral ports -------------------------------------- */

/* Caller holds xn->bind_lock. */
static bool xtcp_port_conflicts(struct xtcp_net *xn, struct sock *sk,
				const struct in6_addr *addr, u16 port,
				bool any_holder)
{
	struct xtcp_bind_bucket *bb = xtcp_bb_find(xn, port);
	struct xtcp_sock *xs;

	lockdep_assert_held(&xn->bind_lock);
	if (bb && any_holder)
		return true;
	if (bb) {
		hlist_for_each_entry(xs, &bb->head, bind_node) {
			struct sock *other = xtcp_to_sk(xs);

			if (other == sk)
				continue;
			if (xtcp_sk_conflict(other, sk, addr))
				return true;
		}
	}
	/*
	 * TIME_WAIT entries hold their port for 2*MSL: SO_REUSEADDR binds
	 * over them, ephemeral ports avoid them.  So does SO_REUSEPORT, a
	 * server restarting (TCP's entries keep the option; ours do not
	 * record it, so any entry gives way).
	 */
	return bb && !sk->sk_reuse && !sk->sk_reuseport &&
	       xtcp_bb_tw_in_use(bb, addr);
}

/* Caller holds xn->bind_lock.  Return: a free port, or 0 if none is. */
static u16 xtcp_pick_ephemeral(struct net *net, struct xtcp_net *xn,
			       struct sock *sk, const struct in6_addr *addr)
{
	u32 offset = get_random_u32();
	int lo, hi;
	u32 i;

	lockdep_assert_held(&xn->bind_lock);
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
static bool xtcp_tw_reusable(struct net *net, bool loopback)
{
	switch (READ_ONCE(xtcp_pernet(net)->tw_reuse_mode)) {
	case 1:
		return true;
	case 2:
		/* as tcp_tw_reuse = 2: no old duplicate lingers on loopback */
		return loopback;
	default:
		return false;
	}
}

/*
 * xtcp_tw_take() once the entry, if any, is found (its reference ours);
 * @bind_locked: the caller holds bind_lock (connect()'s port search).
 */
static int xtcp_tw_take_entry(struct net *net, struct xtcp_tw *tw,
			      bool loopback, u32 *isn, bool bind_locked)
{
	if (!tw)
		return 0;
	if (!xtcp_tw_reusable(net, loopback) ||
	    !xtcp_tw_reuse_ts_ok(&tw->st, xtcp_ts_clock_s())) {
		xtcp_tw_put(tw);
		return -EADDRNOTAVAIL;
	}
	*isn = tw->st.snd_nxt + 65535 + 2 ?: 1;
	if (bind_locked)
		xtcp_tw_kill_bound(tw);
	else
		xtcp_tw_kill(tw);
	xtcp_inc(net, XTCP_MIB_TW_REUSED);
	xtcp_tw_put(tw);
	return 1;
}

static int xtcp_tw_take_key(struct net *net, const struct xtcp_key *key,
			    u32 *isn, bool bind_locked)
{
	return xtcp_tw_take_entry(net, xtcp_tw_lookup(net, key),
				  ipv4_is_loopback(key->laddr) ||
				  ipv4_is_loopback(key->raddr), isn, bind_locked);
}

static int xtcp_tw_take_key6(struct net *net, const struct xtcp_key6 *key,
			     u32 *isn, bool bind_locked)
{
	return xtcp_tw_take_entry(net, xtcp_tw_lookup6(net, key),
				  ipv6_addr_loopback(&key->laddr) ||
				  ipv6_addr_loopback(&key->raddr), isn,
				  bind_locked);
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
 * As tcp_twsk_unique(): tw_reuse must allow it (1, or 2 over loopback),
 * and the old connection must have had timestamps with a TS.Recent set
 * before the current second (xtcp_tw_reuse_ts_ok()).
 *
 * Return: 0 when no entry holds @key, 1 when one did and the rule let the
 * connection have it (the entry is gone), -EADDRNOTAVAIL otherwise.
 */
int xtcp_tw_take(struct net *net, const struct xtcp_key *key, u32 *isn)
{
	return xtcp_tw_take_key(net, key, isn, false);
}

/* The same for an IPv6 4-tuple. */
int xtcp_tw_take6(struct net *net, const struct xtcp_key6 *key, u32 *isn)
{
	return xtcp_tw_take_key6(net, key, isn, false);
}

/*
 * Where connect()'s port search starts for a remote end: as
 * __inet_hash_connect(), a keyed hash of the addresses and remote port
 * (RFC 6056 §3.3.4, algorithm 4: "double-hash port selection") plus a
 * perturbation that moves past each port taken.  Successive connections
 * to one remote end so try the ports after the last one taken, which are
 * the ones held longest, rather than random ones: the search stays short
 * even when nearly every port of the range is in use for that remote end.
 */
#define XTCP_PERTURB_SIZE	256
static u32 xtcp_port_perturb[XTCP_PERTURB_SIZE];

/*
 * Is the 4-tuple of @sk with local port @port free, and a TIME_WAIT entry
 * of it taken over if tw_reuse allows (xtcp_tw_take())?
 * Return: 0 or 1 as xtcp_tw_take(), negative if the 4-tuple is taken.
 */
static int xtcp_tuple_free(struct sock *sk, __be32 saddr, __be32 daddr,
			   u16 port, __be16 dport, u32 *isn)
{
	struct net *net = sock_net(sk);
	struct xtcp_key key;

	if (xtcp_sk(sk)->af->family == AF_INET6) {
		struct xtcp_key6 key6 = {
			.laddr = sk->sk_v6_rcv_saddr, .lport = htons(port),
			.raddr = sk->sk_v6_daddr, .rport = dport,
		};

		if (xtcp_conn_hashed6(net, &key6))
			return -EADDRNOTAVAIL;
		return xtcp_tw_take_key6(net, &key6, isn, true);
	}
	key.laddr = saddr;
	key.lport = htons(port);
	key.raddr = daddr;
	key.rport = dport;
	if (xtcp_conn_hashed(net, &key))
		return -EADDRNOTAVAIL;
	return xtcp_tw_take_key(net, &key, isn, true);
}

static int __xtcp_bind_connect(struct sock *sk, u64 hash, __be32 saddr,
			       __be32 daddr, __be16 dport, u32 *isn)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct inet_sock *inet = inet_sk(sk);
	bool v6 = xtcp_sk(sk)->af->family == AF_INET6;
	u32 index = hash & (XTCP_PERTURB_SIZE - 1);
	u32 offset = READ_ONCE(xtcp_port_perturb[index]) + (u32)(hash >> 32);
	int lo, hi, ret = -EADDRNOTAVAIL;
	struct xtcp_bind_bucket *bb;
	u32 i;

	inet_get_local_port_range(net, &lo, &hi);
	if (lo < 1 || hi < lo)
		return -EADDRNOTAVAIL;
	spin_lock_bh(&xn->bind_lock);
	for (i = 0; i <= (u32)(hi - lo); i++) {
		u16 port = xtcp_ephemeral_candidate(lo, hi, offset, i);
		int err;

		if (inet_is_local_reserved_port(net, port))
			continue;
		bb = xtcp_bb_find(xn, port);
		/* a port bind() holds, or a listener's, is never shared */
		if (bb && bb->fixed)
			continue;
		/*
		 * Held while a TIME_WAIT entry of the port goes: the bucket
		 * is ours next, not freed and made again (__inet_hash_connect()
		 * binds before it unhashes the entry).
		 */
		if (bb)
			bb->owners++;
		ret = xtcp_tuple_free(sk, saddr, daddr, port, dport, isn);
		if (bb)
			bb->owners--;
		if (ret < 0)
			continue;	/* nothing went: @bb still has a holder */
		if (!v6) {
			inet->inet_rcv_saddr = saddr;
			inet->inet_saddr = saddr;
			inet->inet_daddr = daddr;
		}
		inet->inet_num = port;
		inet->inet_sport = htons(port);
		inet->inet_dport = dport;
		err = xtcp_hash_connection(sk);
		if (!err) {
			bb = xtcp_bb_get(xn, port);
			if (bb) {
				xtcp_bb_add(bb, sk, true);
				break;
			}
			xtcp_unhash(sk);
			err = -ENOMEM;
		}
		inet->inet_num = 0;
		inet->inet_sport = 0;
		if (!v6)
			inet->inet_daddr = 0;
		inet->inet_dport = 0;
		/*
		 * a TIME_WAIT entry may have gone with nothing in its place;
		 * @bb is the bucket the lookup above found, or NULL when the
		 * port had none (and xtcp_bb_get() could make none)
		 */
		if (bb)
			xtcp_bb_put(xn, bb);
		ret = err;
		/* a bound socket's connect took the 4-tuple meanwhile */
		if (err != -EADDRNOTAVAIL)
			break;
	}
	spin_unlock_bh(&xn->bind_lock);
	if (ret >= 0) {
		/* past the port taken, with a little randomness (as TCP) */
		i = max_t(u32, i, get_random_u32_below(8));
		WRITE_ONCE(xtcp_port_perturb[index],
			   READ_ONCE(xtcp_port_perturb[index]) + i + 1);
	}
	return ret;
}

/**
 * xtcp_bind_connect - the local port of connect() on an unbound socket
 * @sk: the socket, locked, its route (and so @saddr) settled
 * @saddr: local address
 * @daddr: remote address
 * @dport: remote port
 * @isn: set as xtcp_tw_take() sets it, when a TIME_WAIT entry is taken over
 *
 * A port from ip_local_port_range that no bind() holds and whose 4-tuple
 * no connection has (connections that took their port in connect() share
 * it when their remote ends differ, as __inet_hash_connect()); TIME_WAIT
 * entries of other remote ends do not matter, and one of this remote end
 * only if tw_reuse says so.  Each port tried costs three hash lookups.
 * The socket is put in the connection table with the port, under the
 * bind lock, so that two connects cannot take the same 4-tuple.
 *
 * Return: 0, 1 if a TIME_WAIT entry was taken over, -EADDRNOTAVAIL when
 * every port is taken for this remote end, or -ENOMEM.
 */
int xtcp_bind_connect(struct sock *sk, __be32 saddr, __be32 daddr,
		      __be16 dport, u32 *isn)
{
	return __xtcp_bind_connect(sk, secure_ipv4_port_ephemeral(saddr, daddr,
								  dport),
				   saddr, daddr, dport, isn);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_bind_connect);

/**
 * xtcp_bind_connect6 - xtcp_bind_connect() over IPv6
 * @sk: the socket, locked, with sk_v6_rcv_saddr and sk_v6_daddr settled
 * @dport: remote port
 * @isn: as for xtcp_bind_connect()
 *
 * Return: as xtcp_bind_connect().
 */
int xtcp_bind_connect6(struct sock *sk, __be16 dport, u32 *isn)
{
	u64 hash = secure_ipv6_port_ephemeral(sk->sk_v6_rcv_saddr.s6_addr32,
					      sk->sk_v6_daddr.s6_addr32, dport);

	return __xtcp_bind_connect(sk, hash, 0, 0, dport, isn);
}

/**
 * xtcp_bind_port6 - give @sk the local address @addr and port @port
 * @sk: an unbound socket, locked by the caller
 * @addr: local address, IPv4 v4-mapped; :: or ::ffff:0.0.0.0 for all
 * @port: local port (host order), 0 for an ephemeral one
 *
 * Return: 0, -EADDRINUSE if the port is held or, for @port 0, if no
 * ephemeral port is free (what bind(2) gives on TCP; connect's implicit
 * bind turns the latter into -EADDRNOTAVAIL), or -ENOMEM.
 */
int xtcp_bind_port6(struct sock *sk, const struct in6_addr *addr, u16 port)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct inet_sock *inet = inet_sk(sk);
	int err = 0;

	sock_owned_by_me(sk);
	spin_lock_bh(&xn->bind_lock);
	if (!port) {
		port = xtcp_pick_ephemeral(net, xn, sk, addr);
		if (!port)
			err = -EADDRINUSE;
	} else if (xtcp_port_conflicts(xn, sk, addr, port, false)) {
		err = -EADDRINUSE;
	}
	if (!err) {
		struct xtcp_bind_bucket *bb = xtcp_bb_get(xn, port);

		if (bb) {
			xtcp_set_local(sk, addr);
			inet->inet_num = port;
			inet->inet_sport = htons(port);
			xtcp_bb_add(bb, sk, false);
		} else {
			err = -ENOMEM;
		}
	}
	spin_unlock_bh(&xn->bind_lock);
	return err;
}

/* xtcp_bind_port6() with an IPv4 address (INADDR_ANY for listen()). */
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port)
{
	struct in6_addr a;

	ipv6_addr_set_v4mapped(addr, &a);
	return xtcp_bind_port6(sk, &a, port);
}

/**
 * xtcp_bind_inherit - a listener's new child holds the listener's port
 * @child: the child, its inet_num and local address already its own
 * @listener: its listener (not locked: listeners take SYNs locklessly)
 *
 * As TCP's children share their listener's bind bucket
 * (__inet_inherit_port()): while the connection lives, the port is not
 * free for a bind() without SO_REUSEADDR on both sides, even after the
 * listener has closed, nor for an ephemeral port.  No conflict check:
 * the listener holds the port, if it still has one.
 *
 * Return: false if the listener has let its port go (the child is dropped).
 */
bool xtcp_bind_inherit(struct sock *child, struct sock *listener)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(child));
	struct xtcp_bind_bucket *bb;

	spin_lock_bh(&xn->bind_lock);
	/*
	 * Listeners take SYNs without their lock: this one may have let its
	 * port go meanwhile (closed, or connect() on it), found by sysfuzz.
	 */
	bb = xtcp_sk(listener)->bind_bucket;
	if (bb)
		xtcp_bb_add(bb, child, false);
	spin_unlock_bh(&xn->bind_lock);
	return bb;
}

/**
 * xtcp_bind_recheck - may bound @sk start listening?
 * @sk: the socket, locked by the caller
 *
 * A port shared under SO_REUSEADDR cannot have two listeners on
 * overlapping addresses (TCP's inet_csk_listen_start() check); under
 * SO_REUSEPORT it can.
 *
 * Return: 0 or -EADDRINUSE.
 */
int xtcp_bind_recheck(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct in6_addr addr;
	struct xtcp_sock *xs;
	int err = 0;

	sock_owned_by_me(sk);
	spin_lock_bh(&xn->bind_lock);
	xtcp_bound_addr(sk, &addr);
	hlist_for_each_entry(xs, &xtcp_sk(sk)->bind_bucket->head, bind_node) {
		struct sock *other = xtcp_to_sk(xs);

		if (other == sk)
			continue;
		if (xtcp_sk_conflict(other, sk, &addr)) {
			err = -EADDRINUSE;
			break;
		}
	}
	spin_unlock_bh(&xn->bind_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_bind_recheck);

/**
 * xtcp_bind_set_addr - change the local address of a bound socket
 * @sk: the socket, locked by the caller
 * @addr: the new address: connect() narrows INADDR_ANY to the route's
 *        source, a failed connect widens it back
 */
void xtcp_bind_set_addr(struct sock *sk, __be32 addr)
{
	struct in6_addr a;

	ipv6_addr_set_v4mapped(addr, &a);
	xtcp_bind_set_addr6(sk, &a);
}

/*
 * The same with an IPv6 address (v4-mapped for IPv4); NULL is the
 * wildcard of the user's family, which connect() gives back.
 */
void xtcp_bind_set_addr6(struct sock *sk, const struct in6_addr *addr)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct in6_addr any;

	sock_owned_by_me(sk);
	if (!addr) {
		any = in6addr_any;
		if (xtcp_sk(sk)->family == AF_INET)
			ipv6_addr_set_v4mapped(htonl(INADDR_ANY), &any);
		addr = &any;
	}
	spin_lock_bh(&xn->bind_lock);
	xtcp_set_local(sk, addr);
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
	xtcp_bb_del(xn, sk);
	inet->inet_num = 0;
	inet->inet_sport = 0;
	inet->inet_rcv_saddr = 0;
	inet->inet_saddr = 0;
	sk->sk_v6_rcv_saddr = in6addr_any;
	inet6_sk(sk)->saddr = in6addr_any;
	spin_unlock_bh(&xn->bind_lock);
}

/**
 * xtcp_bind_child_v4 - addresses and route of a listener's child over IPv4
 * @child: the new socket
 * @listener: its listener (maybe an IPv6 one: a v4-mapped child)
 * @skb: the SYN
 *
 * Return: true on success; false if it has no port or route.
 */
bool xtcp_bind_child_v4(struct sock *child, struct sock *listener,
			const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct inet_sock *inet = inet_sk(child);
	struct flowi4 *fl4;
	struct rtable *rt;

	xtcp_sk(child)->af = &xtcp_ipv4_ops;
	inet->inet_saddr = iph->daddr;
	inet->inet_rcv_saddr = iph->daddr;
	inet->inet_daddr = iph->saddr;
	inet->inet_sport = th->dest;
	inet->inet_dport = th->source;
	inet->inet_num = ntohs(th->dest);
	if (!xtcp_bind_inherit(child, listener))
		return false;

	/* ip_queue_xmit() takes the addresses from cork.fl: route with it */
	fl4 = &inet->cork.fl.u.ip4;
	flowi4_init_output(fl4, child->sk_bound_dev_if, child->sk_mark, 0,
			   RT_SCOPE_UNIVERSE, xtcp_ipproto, 0, iph->saddr,
			   iph->daddr, th->source, th->dest, child->sk_uid);
	rt = ip_route_output_flow(sock_net(child), fl4, child);
	if (IS_ERR(rt))
		return false;
	sk_setup_caps(child, &rt->dst);
	return true;
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
