// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection tables, one set per network namespace: listeners by
 * (local address, local port) with a wildcard fallback, connections by
 * 4-tuple.  Both are rhashtables; lookups run lock-free under RCU in the
 * receive softirq and take a reference with refcount_inc_not_zero().
 * Sockets are SOCK_RCU_FREE, so a socket found under RCU stays valid memory
 * until the grace period ends even if it is being closed.
 */
#include <linux/rhashtable.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "xtcp.h"

static const struct rhashtable_params xtcp_ehash_params = {
	.head_offset		= offsetof(struct xtcp_sock, hnode),
	.key_offset		= offsetof(struct xtcp_sock, key),
	.key_len		= sizeof(struct xtcp_key),
	.automatic_shrinking	= true,
	.min_size		= XTCP_HASH_MIN_SIZE,
};

static const struct rhashtable_params xtcp_lhash_params = {
	.head_offset		= offsetof(struct xtcp_sock, hnode),
	.key_offset		= offsetof(struct xtcp_sock, key),
	.key_len		= offsetof(struct xtcp_key, rport),
	.automatic_shrinking	= true,
};

/* The same over IPv6: a socket is in one of the four at most. */
static const struct rhashtable_params xtcp_ehash6_params = {
	.head_offset		= offsetof(struct xtcp_sock, hnode),
	.key_offset		= offsetof(struct xtcp_sock, key6),
	.key_len		= sizeof(struct xtcp_key6),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params xtcp_lhash6_params = {
	.head_offset		= offsetof(struct xtcp_sock, hnode),
	.key_offset		= offsetof(struct xtcp_sock, key6),
	.key_len		= offsetof(struct xtcp_key6, rport),
	.automatic_shrinking	= true,
};

int xtcp_table_init(struct xtcp_net *xn)
{
	int err;

	spin_lock_init(&xn->all_lock);
	INIT_LIST_HEAD(&xn->all);
	err = rhashtable_init(&xn->ehash, &xtcp_ehash_params);
	if (err)
		return err;
	err = rhashtable_init(&xn->lhash, &xtcp_lhash_params);
	if (err)
		goto out_ehash;
	err = rhashtable_init(&xn->ehash6, &xtcp_ehash6_params);
	if (err)
		goto out_lhash;
	err = rhashtable_init(&xn->lhash6, &xtcp_lhash6_params);
	if (err)
		goto out_ehash6;
	return 0;
out_ehash6:
	rhashtable_destroy(&xn->ehash6);
out_lhash:
	rhashtable_destroy(&xn->lhash);
out_ehash:
	rhashtable_destroy(&xn->ehash);
	return err;
}

/* Every socket holds its namespace, so both tables are empty here. */
void xtcp_table_destroy(struct xtcp_net *xn)
{
	WARN_ON_ONCE(!list_empty(&xn->all));
	rhashtable_destroy(&xn->lhash6);
	rhashtable_destroy(&xn->ehash6);
	rhashtable_destroy(&xn->lhash);
	rhashtable_destroy(&xn->ehash);
}

/* The table key from the socket's inet addresses. */
void xtcp_key_set(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_key *k = &xtcp_sk(sk)->key;

	if (xtcp_sk(sk)->af->family == AF_INET6) {
		struct xtcp_key6 *k6 = &xtcp_sk(sk)->key6;

		memset(k6, 0, sizeof(*k6));
		k6->laddr = sk->sk_v6_rcv_saddr;
		k6->lport = inet->inet_sport;
		k6->raddr = sk->sk_v6_daddr;
		k6->rport = inet->inet_dport;
		return;
	}
	memset(k, 0, sizeof(*k));
	k->laddr = inet->inet_rcv_saddr;
	k->lport = inet->inet_sport;
	k->raddr = inet->inet_daddr;
	k->rport = inet->inet_dport;
}

static int xtcp_hash(struct sock *sk, struct rhashtable *ht,
		     const struct rhashtable_params params,
		     enum xtcp_hashed kind, int in_use)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	/* the key of a hashed socket must not change under the table */
	if (WARN_ON_ONCE(xs->hashed != XTCP_UNHASHED))
		return -EINVAL;
	xtcp_key_set(sk);
	err = rhashtable_lookup_insert_fast(ht, &xs->hnode, params);
	if (err)
		return err == -EEXIST ? in_use : err;
	xs->hashed = kind;
	spin_lock_bh(&xn->all_lock);
	list_add_tail(&xs->all_node, &xn->all);
	spin_unlock_bh(&xn->all_lock);
	return 0;
}

/**
 * xtcp_hash_listener - make @sk findable by SYNs to its local address
 * @sk: a bound socket entering LISTEN
 *
 * Return: 0, or -EADDRINUSE when another socket listens on the same
 * address and port.
 */
int xtcp_hash_listener(struct sock *sk)
{
	if (xtcp_sk(sk)->af->family == AF_INET6)
		return xtcp_hash(sk, &xtcp_pernet(sock_net(sk))->lhash6,
				 xtcp_lhash6_params, XTCP_HASHED_LISTEN6,
				 -EADDRINUSE);
	return xtcp_hash(sk, &xtcp_pernet(sock_net(sk))->lhash,
			 xtcp_lhash_params, XTCP_HASHED_LISTEN, -EADDRINUSE);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_hash_listener);

/**
 * xtcp_hash_connection - make @sk findable by its 4-tuple
 * @sk: a socket with local and remote address and port set
 *
 * Return: 0, or -EADDRNOTAVAIL when the 4-tuple is in use.
 */
int xtcp_hash_connection(struct sock *sk)
{
	if (xtcp_sk(sk)->af->family == AF_INET6)
		return xtcp_hash(sk, &xtcp_pernet(sock_net(sk))->ehash6,
				 xtcp_ehash6_params, XTCP_HASHED_CONN6,
				 -EADDRNOTAVAIL);
	return xtcp_hash(sk, &xtcp_pernet(sock_net(sk))->ehash,
			 xtcp_ehash_params, XTCP_HASHED_CONN, -EADDRNOTAVAIL);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_hash_connection);

/* Remove @sk from whichever table holds it; idempotent. */
void xtcp_unhash(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (xs->hashed) {
	case XTCP_HASHED_LISTEN:
		rhashtable_remove_fast(&xn->lhash, &xs->hnode, xtcp_lhash_params);
		break;
	case XTCP_HASHED_CONN:
		rhashtable_remove_fast(&xn->ehash, &xs->hnode, xtcp_ehash_params);
		break;
	case XTCP_HASHED_LISTEN6:
		rhashtable_remove_fast(&xn->lhash6, &xs->hnode,
				       xtcp_lhash6_params);
		break;
	case XTCP_HASHED_CONN6:
		rhashtable_remove_fast(&xn->ehash6, &xs->hnode,
				       xtcp_ehash6_params);
		break;
	case XTCP_UNHASHED:
		return;
	}
	xs->hashed = XTCP_UNHASHED;
	spin_lock_bh(&xn->all_lock);
	list_del_init(&xs->all_node);
	spin_unlock_bh(&xn->all_lock);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_unhash);

/* Under RCU: take a reference unless the socket is already being freed. */
static struct sock *xtcp_get(struct xtcp_sock *xs)
{
	struct sock *sk = xs ? xtcp_to_sk(xs) : NULL;

	return sk && refcount_inc_not_zero(&sk->sk_refcnt) ? sk : NULL;
}

/**
 * xtcp_lookup_connection - the socket of a 4-tuple
 * @net: namespace
 * @laddr: local address
 * @lport: local port
 * @raddr: remote address
 * @rport: remote port
 *
 * Return: the socket with a reference held, or NULL.
 */
struct sock *xtcp_lookup_connection(struct net *net, __be32 laddr, __be16 lport,
				    __be32 raddr, __be16 rport)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_key k = {
		.laddr = laddr, .lport = lport, .raddr = raddr, .rport = rport,
	};
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_get(rhashtable_lookup(&xn->ehash, &k, xtcp_ehash_params));
	rcu_read_unlock();
	return sk;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_lookup_connection);

/**
 * xtcp_conn_hashed - is a connection in the table with this 4-tuple?
 * @net: namespace
 * @key: the 4-tuple
 *
 * Takes no reference, so that a caller under a lock that socket
 * destruction takes (bind_lock) never drops the last one.
 *
 * Return: true if one is.
 */
bool xtcp_conn_hashed(struct net *net, const struct xtcp_key *key)
{
	bool found;

	rcu_read_lock();
	found = rhashtable_lookup(&xtcp_pernet(net)->ehash, key,
				  xtcp_ehash_params);
	rcu_read_unlock();
	return found;
}

/**
 * xtcp_lookup_listener - the listener for a local address and port
 * @net: namespace
 * @laddr: local address the segment was sent to
 * @lport: local port
 *
 * A listener bound to @laddr wins over one bound to INADDR_ANY.
 *
 * Return: the socket with a reference held, or NULL.
 */
struct sock *xtcp_lookup_listener(struct net *net, __be32 laddr, __be16 lport)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_key k = { .laddr = laddr, .lport = lport };
	struct sock *sk;

	struct xtcp_key6 k6 = { .lport = lport };
	struct xtcp_sock *xs;

	rcu_read_lock();
	sk = xtcp_get(rhashtable_lookup(&xn->lhash, &k, xtcp_lhash_params));
	if (!sk && laddr != htonl(INADDR_ANY)) {
		k.laddr = htonl(INADDR_ANY);
		sk = xtcp_get(rhashtable_lookup(&xn->lhash, &k, xtcp_lhash_params));
	}
	/* a dual-stack listener on :: takes IPv4 too (v4-mapped children) */
	if (!sk) {
		xs = rhashtable_lookup(&xn->lhash6, &k6, xtcp_lhash6_params);
		if (xs && !xtcp_to_sk(xs)->sk_ipv6only)
			sk = xtcp_get(xs);
	}
	rcu_read_unlock();
	return sk;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_lookup_listener);

/* xtcp_lookup_connection() over IPv6. */
struct sock *xtcp_lookup_connection6(struct net *net,
				     const struct in6_addr *laddr, __be16 lport,
				     const struct in6_addr *raddr, __be16 rport)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_key6 k = {
		.laddr = *laddr, .lport = lport, .raddr = *raddr, .rport = rport,
	};
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_get(rhashtable_lookup(&xn->ehash6, &k, xtcp_ehash6_params));
	rcu_read_unlock();
	return sk;
}

/* xtcp_conn_hashed() over IPv6. */
bool xtcp_conn_hashed6(struct net *net, const struct xtcp_key6 *key)
{
	bool found;

	rcu_read_lock();
	found = rhashtable_lookup(&xtcp_pernet(net)->ehash6, key,
				  xtcp_ehash6_params);
	rcu_read_unlock();
	return found;
}

/* xtcp_lookup_listener() over IPv6: @laddr's, else one on ::. */
struct sock *xtcp_lookup_listener6(struct net *net,
				   const struct in6_addr *laddr, __be16 lport)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_key6 k = { .laddr = *laddr, .lport = lport };
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_get(rhashtable_lookup(&xn->lhash6, &k, xtcp_lhash6_params));
	if (!sk && !ipv6_addr_any(laddr)) {
		k.laddr = in6addr_any;
		sk = xtcp_get(rhashtable_lookup(&xn->lhash6, &k,
						xtcp_lhash6_params));
	}
	rcu_read_unlock();
	return sk;
}
