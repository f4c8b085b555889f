/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP internal definitions shared by the module's files and its KUnit tests.
 */
#ifndef _XTCP_H
#define _XTCP_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <net/inet_sock.h>
#include <uapi/linux/xtcp.h>

#include "compat.h"

/* Module parameters (read-only after load), in af_xtcp.c. */
extern int xtcp_ipproto;
extern int xtcp_family;

/*
 * Per-socket state.  struct inet_sock comes first so that the IPv4 output
 * path (ip_queue_xmit) can treat an XTCP socket as an inet socket; the local
 * address and port live in inet_rcv_saddr/inet_saddr and inet_num/inet_sport.
 */
struct xtcp_sock {
	struct inet_sock	inet;

	struct hlist_node	bind_node;	/* in xtcp_net.bind_hash */
	bool			bound;

	/* SOL_XTCP options (sockopt.c) */
	bool			nodelay;
	u16			user_mss;	/* 0: use the route's MSS */
	u32			keepidle;	/* seconds, 0: sysctl default */
	u32			keepintvl;	/* seconds, 0: sysctl default */
	u8			keepcnt;	/* 0: sysctl default */
	u32			user_timeout;	/* ms, 0: off */
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

#define XTCP_BIND_HASH_BITS	8

/* Per network namespace state (pernet.c). */
struct xtcp_net {
	spinlock_t		bind_lock;	/* guards bind_hash */
	struct hlist_head	bind_hash[1 << XTCP_BIND_HASH_BITS];
};

struct xtcp_net *xtcp_pernet(const struct net *net);
int xtcp_pernet_init(void);
void xtcp_pernet_exit(void);

/* socket.c: the socket family and its calls */
int xtcp_socket_init(void);
void xtcp_socket_exit(void);

/* addr.c: socket address validation */
int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len, int family);

/* bind.c: the per-netns bind table */
bool xtcp_bind_conflict(__be32 addr_a, bool reuse_a, bool listen_a,
			__be32 addr_b, bool reuse_b);
u16 xtcp_ephemeral_candidate(u32 lo, u32 hi, u32 offset, u32 i);
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port);
void xtcp_unbind(struct sock *sk);

/* sockopt.c: SOL_XTCP options */
int xtcp_sockopt_check(int optname, int val);
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);

/* input.c: the IP protocol handler */
int xtcp_v4_rcv(struct sk_buff *skb);
int xtcp_v4_err(struct sk_buff *skb, u32 info);

#endif /* _XTCP_H */
