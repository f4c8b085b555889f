// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection tables, one set per network namespace: listeners by
 * (local address, local port) with a wildcard fallback, connections by
 * 4-tuple.  Both are rhashtables; lookups run lock-free under RCU in the
 * receive softirq and take a reference with refcount_inc_not_zero().
 *
 * As TCP's established sockets, connections are freed at once into a
 * SLAB_TYPESAFE_BY_RCU slab (socket.c): memory a reader reaches under RCU
 * stays an XTCP socket, but may be a new one.  So the table's node is the
 * word sk_alloc() keeps, sk_node.next (sk_prot_clear_nulls()), so that a
 * reader on a socket freed and reused follows a pointer, never a NULL, and
 * the rhashtable's nulls marker sends it back to its own chain; and a
 * lookup checks the 4-tuple and namespace again once it holds the
 * reference (xtcp_get(), as TCP's __inet_lookup_established()).  Listeners
 * stay SOCK_RCU_FREE (reuseport groups hand them out with no key to check):
 * a listener lookup only checks it still has a listener (xtcp_get_listener()).
 */
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/sock_reuseport.h>

#include "xtcp.h"

/* a socket's node in its table: the word of struct sock sk_alloc() keeps */
#define XTCP_HNODE_OFFSET	offsetof(struct xtcp_sock, inet.sk.sk_node.next)

static struct rhash_head *xtcp_hnode(struct xtcp_sock *xs)
{
	BUILD_BUG_ON(sizeof(struct rhash_head) !=
		     sizeof(xs->inet.sk.sk_node.next));
	return (struct rhash_head *)&xs->inet.sk.sk_node.next;
}

static const struct rhashtable_params xtcp_ehash_params = {
	.head_offset		= XTCP_HNODE_OFFSET,
	.key_offset		= offsetof(struct xtcp_sock, key),
	.key_len		= sizeof(struct xtcp_key),
	.automatic_shrinking	= true,
	.min_size		= XTCP_HASH_MIN_SIZE,
};

static const struct rhashtable_params xtcp_lhash_params = {
	.head_offset		= XTCP_HNODE_OFFSET,
	.key_offset		= offsetof(struct xtcp_sock, key),
	.key_len		= offsetof(struct xtcp_key, rport),
	.automatic_shrinking	= true,
};

/* The same over IPv6: a socket is in one of the four at most. */
static const struct rhashtable_params xtcp_ehash6_params = {
	.head_offset		= XTCP_HNODE_OFFSET,
	.key_offset		= offsetof(struct xtcp_sock, key6),
	.key_len		= sizeof(struct xtcp_key6),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params xtcp_lhash6_params = {
	.head_offset		= XTCP_HNODE_OFFSET,
	.key_offset		= offsetof(struct xtcp_sock, key6),
	.key_len		= offsetof(struct xtcp_key6, rport),
	.automatic_shrinking	= true,
};

int xtcp_table_init(struct xtcp_net *xn)
{
	int err;

	spin_lock_init(&xn->lhash_lock);
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

/*
 * @sk is about to be hashed as @kind (in a table, or a spare of a reuseport
 * group): say so before lookups can find it (xtcp_get_listener() checks).
 */
static void xtcp_hashed_set(struct sock *sk, enum xtcp_hashed kind)
{
	WRITE_ONCE(xtcp_sk(sk)->hashed, kind);
}

/* @sk is hashed: list it. */
static void xtcp_hashed_add(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);

	spin_lock_bh(&xn->all_lock);
	list_add_tail(&xs->all_node, &xn->all);
	spin_unlock_bh(&xn->all_lock);
}

/* Take unhashed @sk off xtcp_net.all. */
static void xtcp_unlist(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_hashed_set(sk, XTCP_UNHASHED);
	spin_lock_bh(&xn->all_lock);
	list_del_init(&xs->all_node);
	spin_unlock_bh(&xn->all_lock);
}

static int xtcp_hash(struct sock *sk, struct rhashtable *ht,
		     const struct rhashtable_params params,
		     enum xtcp_hashed kind, int in_use)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	/* the key of a hashed socket must not change under the table */
	if (WARN_ON_ONCE(xs->hashed != XTCP_UNHASHED))
		return -EINVAL;
	xtcp_key_set(sk);
	xtcp_hashed_set(sk, kind);
	err = rhashtable_lookup_insert_fast(ht, xtcp_hnode(xs), params);
	if (err) {
		xtcp_hashed_set(sk, XTCP_UNHASHED);
		return err == -EEXIST ? in_use : err;
	}
	xtcp_hashed_add(sk);
	return 0;
}

/* Is @sk bound to the wildcard address (reuseport_alloc()'s bind_inany)? */
static bool xtcp_bound_any(const struct sock *sk)
{
	if (xtcp_sk(sk)->af->family == AF_INET6)
		return ipv6_addr_any(&sk->sk_v6_rcv_saddr);
	return sk->sk_rcv_saddr == htonl(INADDR_ANY);
}

/*
 * SO_REUSEPORT (as inet_reuseport_add_sock()): listening @sk, whose
 * address and port the listener @head holds in the table, joins @head's
 * group if both set the option before listening, under the same user and
 * device.  Only the group's first listener is in the table; lookups pick
 * a member by hash (xtcp_get_listener()).  Caller holds xn->lhash_lock.
 */
static int xtcp_reuseport_join(struct sock *sk, struct sock *head,
			       enum xtcp_hashed kind)
{
	int err;

	if (!head || !rcu_access_pointer(head->sk_reuseport_cb) ||
	    !head->sk_reuseport ||
	    head->sk_ipv6only != sk->sk_ipv6only ||
	    head->sk_bound_dev_if != sk->sk_bound_dev_if ||
	    !uid_eq(sock_i_uid(head), sock_i_uid(sk)))
		return -EADDRINUSE;
	xtcp_hashed_set(sk, kind);
	err = reuseport_add_sock(sk, head, xtcp_bound_any(sk));
	if (err) {
		xtcp_hashed_set(sk, XTCP_UNHASHED);
		return err;
	}
	xtcp_sk(sk)->rp_spare = true;
	xtcp_hashed_add(sk);
	return 0;
}

/* xtcp_hash_listener() under xn->lhash_lock. */
static int xtcp_hash_listener_locked(struct sock *sk, struct rhashtable *ht,
				     const struct rhashtable_params params,
				     enum xtcp_hashed kind, const void *key)
{
	int err = xtcp_hash(sk, ht, params, kind, -EADDRINUSE);
	struct xtcp_sock *head;

	if (!sk->sk_reuseport)
		return err;
	if (!err) {
		/* the group's first: a group of one (inet_reuseport_add_sock()) */
		err = reuseport_alloc(sk, xtcp_bound_any(sk));
		if (err) {
			rhashtable_remove_fast(ht, xtcp_hnode(xtcp_sk(sk)), params);
			xtcp_unlist(sk);
		}
		return err;
	}
	if (err != -EADDRINUSE)
		return err;
	/* the holder stays: listeners leave under lhash_lock */
	rcu_read_lock();
	head = rhashtable_lookup(ht, key, params);
	err = xtcp_reuseport_join(sk, head ? xtcp_to_sk(head) : NULL, kind);
	rcu_read_unlock();
	return err;
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
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	/* freed a grace period after the last reader (the head comment) */
	sock_set_flag(sk, SOCK_RCU_FREE);
	spin_lock_bh(&xn->lhash_lock);
	if (xs->af->family == AF_INET6)
		err = xtcp_hash_listener_locked(sk, &xn->lhash6,
						xtcp_lhash6_params,
						XTCP_HASHED_LISTEN6, &xs->key6);
	else
		err = xtcp_hash_listener_locked(sk, &xn->lhash,
						xtcp_lhash_params,
						XTCP_HASHED_LISTEN, &xs->key);
	spin_unlock_bh(&xn->lhash_lock);
	return err;
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

/*
 * Listener @sk leaves its table (caller holds xn->lhash_lock).  The first
 * listener of a reuseport group hands its place in the table to another
 * member, so that the others keep taking SYNs; then it leaves the group.
 */
static void xtcp_unhash_listener(struct sock *sk, struct rhashtable *ht,
				 const struct rhashtable_params params)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock_reuseport *reuse;
	struct sock *heir = NULL;
	unsigned int i;

	lockdep_assert_held(&xn->lhash_lock);
	rcu_read_lock();
	reuse = rcu_dereference(sk->sk_reuseport_cb);
	/* members come and go under lhash_lock only: socks[] holds still */
	for (i = 0; reuse && !xs->rp_spare && i < reuse->num_socks; i++) {
		if (reuse->socks[i] != sk) {
			heir = reuse->socks[i];
			break;
		}
	}
	rcu_read_unlock();
	if (heir) {
		xtcp_sk(heir)->rp_spare = false;
		rhashtable_replace_fast(ht, xtcp_hnode(xs), xtcp_hnode(xtcp_sk(heir)),
					params);
	} else if (!xs->rp_spare) {
		rhashtable_remove_fast(ht, xtcp_hnode(xs), params);
	}
	xs->rp_spare = false;
	if (reuse)
		reuseport_detach_sock(sk);
}

/* Remove @sk from whichever table holds it; idempotent. */
void xtcp_unhash(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (xs->hashed) {
	case XTCP_HASHED_LISTEN:
		spin_lock_bh(&xn->lhash_lock);
		xtcp_unhash_listener(sk, &xn->lhash, xtcp_lhash_params);
		spin_unlock_bh(&xn->lhash_lock);
		break;
	case XTCP_HASHED_CONN:
		rhashtable_remove_fast(&xn->ehash, xtcp_hnode(xs), xtcp_ehash_params);
		break;
	case XTCP_HASHED_LISTEN6:
		spin_lock_bh(&xn->lhash_lock);
		xtcp_unhash_listener(sk, &xn->lhash6, xtcp_lhash6_params);
		spin_unlock_bh(&xn->lhash_lock);
		break;
	case XTCP_HASHED_CONN6:
		rhashtable_remove_fast(&xn->ehash6, xtcp_hnode(xs),
				       xtcp_ehash6_params);
		break;
	case XTCP_UNHASHED:
		return;
	}
	xtcp_unlist(sk);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_unhash);

/*
 * The connection of @key in @ht, with a reference.  Its memory may be a
 * new socket by the time the reference is taken (the head comment): then
 * the key or namespace differs, and the lookup starts again (as
 * __inet_lookup_established()).  A count of zero is a socket being freed.
 */
static __always_inline struct sock *
xtcp_get(struct rhashtable *ht, const struct net *net, const void *key,
	 const struct rhashtable_params params)
{
	struct xtcp_sock *xs;
	struct sock *sk;

	rcu_read_lock();
again:
	xs = rhashtable_lookup(ht, key, params);
	sk = xs ? xtcp_to_sk(xs) : NULL;
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt)) {
		sk = NULL;
	} else if (sk && unlikely(!net_eq(sock_net(sk), net) ||
				  memcmp((const u8 *)xs + params.key_offset,
					 key, params.key_len))) {
		sock_put(sk);
		goto again;
	}
	rcu_read_unlock();
	return sk;
}

/*
 * Under RCU: listener @xs, or the member of its SO_REUSEPORT group that
 * @hash picks (reuseport_select_sock(), no BPF program: XTCP has no skb
 * layout for one), with a reference.
 */
static struct sock *xtcp_get_listener(struct xtcp_sock *xs, u32 hash)
{
	struct sock *sk = xs ? xtcp_to_sk(xs) : NULL;
	struct sock *sel;

	if (sk && rcu_access_pointer(sk->sk_reuseport_cb)) {
		sel = reuseport_select_sock(sk, hash, NULL, 0);
		if (sel)
			sk = sel;
	}
	if (!sk || !refcount_inc_not_zero(&sk->sk_refcnt))
		return NULL;
	/* not a listener: one that left lhash for ehash (turned active) */
	switch (READ_ONCE(xtcp_sk(sk)->hashed)) {
	case XTCP_HASHED_LISTEN:
	case XTCP_HASHED_LISTEN6:
		return sk;
	default:
		sock_put(sk);
		return NULL;
	}
}

static siphash_aligned_key_t xtcp_rp_secret;

/**
 * xtcp_reuseport_hash - the hash that spreads @skb's connection over a
 * reuseport group: of the 4-tuple, keyed, as inet_ehashfn()
 * @skb: a segment, its IP and XTCP headers set
 *
 * Return: the hash.
 */
u32 xtcp_reuseport_hash(const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	u32 ports = (u32)ntohs(th->source) << 16 | ntohs(th->dest);

	net_get_random_once(&xtcp_rp_secret, sizeof(xtcp_rp_secret));
	if (xtcp_skb_v6(skb)) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		return siphash_3u32(ipv6_addr_hash(&ip6h->saddr),
				    ipv6_addr_hash(&ip6h->daddr),
				    ports, &xtcp_rp_secret);
	}
	return siphash_3u32((__force u32)ip_hdr(skb)->saddr,
			    (__force u32)ip_hdr(skb)->daddr, ports,
			    &xtcp_rp_secret);
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

	return xtcp_get(&xn->ehash, net, &k, xtcp_ehash_params);
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
 * @hash: xtcp_reuseport_hash() of the SYN: picks a reuseport group's member
 *
 * A listener bound to @laddr wins over one bound to INADDR_ANY.
 *
 * Return: the socket with a reference held, or NULL.
 */
struct sock *xtcp_lookup_listener(struct net *net, __be32 laddr, __be16 lport,
				  u32 hash)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_key k = { .laddr = laddr, .lport = lport };
	struct sock *sk;

	struct xtcp_key6 k6 = { .lport = lport };
	struct xtcp_sock *xs;

	rcu_read_lock();
	sk = xtcp_get_listener(rhashtable_lookup(&xn->lhash, &k,
						 xtcp_lhash_params), hash);
	if (!sk && laddr != htonl(INADDR_ANY)) {
		k.laddr = htonl(INADDR_ANY);
		sk = xtcp_get_listener(rhashtable_lookup(&xn->lhash, &k,
							 xtcp_lhash_params),
				       hash);
	}
	/* a dual-stack listener on :: takes IPv4 too (v4-mapped children) */
	if (!sk) {
		xs = rhashtable_lookup(&xn->lhash6, &k6, xtcp_lhash6_params);
		if (xs && !xtcp_to_sk(xs)->sk_ipv6only)
			sk = xtcp_get_listener(xs, hash);
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

	return xtcp_get(&xn->ehash6, net, &k, xtcp_ehash6_params);
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
				   const struct in6_addr *laddr, __be16 lport,
				   u32 hash)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_key6 k = { .laddr = *laddr, .lport = lport };
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_get_listener(rhashtable_lookup(&xn->lhash6, &k,
						 xtcp_lhash6_params), hash);
	if (!sk && !ipv6_addr_any(laddr)) {
		k.laddr = in6addr_any;
		sk = xtcp_get_listener(rhashtable_lookup(&xn->lhash6, &k,
							 xtcp_lhash6_params),
				       hash);
	}
	rcu_read_unlock();
	return sk;
}
