// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv6: the address-family operations of a connection whose
 * segments travel in IPv6 (struct xtcp_af_ops; IPv4's are in addr.c),
 * routing an active open and a listener's child.  The answers sent from
 * no socket (RST, TIME_WAIT's ACKs) are output.c's, ICMPv6 errors
 * icmp.c's and the protocol handler input.c's, beside IPv4's.  As for TCP over
 * IPv6 (net/ipv6/tcp_ipv6.c), a socket keeps its addresses in
 * sk_v6_daddr, sk_v6_rcv_saddr and its ipv6_pinfo's saddr; a v4-mapped
 * connection of an IPv6 socket runs over IPv4 with xtcp_ipv4_ops.
 */
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/inet6_connection_sock.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/tcp.h>
#include <net/transp_v6.h>
#include <net/xfrm.h>

#include "seq.h"
#include "xtcp.h"

/* inet6_csk_xmit() routes with the socket's addresses and flow label */
int xtcp_v6_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return inet6_csk_xmit(sk, skb, NULL);
}

/*
 * As xtcp_v4_csum_offload(); the route's cookie is IPv6's, so the cached
 * dst is read, not checked (inet6_csk_xmit() checks it right after).
 */
bool xtcp_v6_csum_offload(struct sock *sk)
{
	struct dst_entry *dst;
	bool hw;

	rcu_read_lock();
	dst = __sk_dst_get(sk);
	hw = dst && dst->dev && (dst->dev->features & NETIF_F_HW_CSUM);
	rcu_read_unlock();
	return hw;
}

/* The checksum over the IPv6 pseudo-header (RFC 8200 §8.1). */
void xtcp_v6_send_check(struct sock *sk, struct sk_buff *skb,
			struct tcphdr *th, bool partial)
{
	const struct in6_addr *saddr = &inet6_sk(sk)->saddr;

	if (partial)
		th->check = ~csum_ipv6_magic(saddr, &sk->sk_v6_daddr, skb->len,
					     sk->sk_protocol, 0);
	else
		th->check = csum_ipv6_magic(saddr, &sk->sk_v6_daddr, skb->len,
					    sk->sk_protocol,
					    skb_checksum(skb, 0, skb->len, 0));
}

bool xtcp_v6_skb_matches(const struct sock *sk, const struct sk_buff *skb)
{
	return skb->protocol == htons(ETH_P_IPV6) &&
	       ipv6_addr_equal(&sk->sk_v6_daddr, &ipv6_hdr(skb)->saddr) &&
	       inet_sk(sk)->inet_dport == tcp_hdr(skb)->source;
}

static struct dst_entry *xtcp_v6_update_pmtu(struct sock *sk, u32 mtu)
{
	return inet6_csk_update_pmtu(sk, mtu);
}

const struct xtcp_af_ops xtcp_ipv6_ops = {
	.family		= AF_INET6,
	.net_header_len	= sizeof(struct ipv6hdr),
	.queue_xmit	= xtcp_v6_queue_xmit,
	.send_check	= xtcp_v6_send_check,
	.csum_offload	= xtcp_v6_csum_offload,
	.skb_matches	= xtcp_v6_skb_matches,
	.update_pmtu	= xtcp_v6_update_pmtu,
};

/*
 * The socket's IPv6 state, as inet6_create() sets it for TCP; every XTCP
 * socket has one (inet_sk(sk)->pinet6), used once it runs over IPv6.
 */
void xtcp_v6_sock_init(struct sock *sk)
{
	struct ipv6_pinfo *np = &xtcp_sk(sk)->inet6;

	inet_sk(sk)->pinet6 = np;
	np->hop_limit = -1;	/* the route's */
	sk->sk_ipv6only = READ_ONCE(sock_net(sk)->ipv6.sysctl.bindv6only);
}

/*
 * Route @sk to sk_v6_daddr from its ports, bound device, mark and flow
 * label, as tcp_v6_connect() and inet6_csk_route_req() do; its source is
 * np->saddr, or the bound address while that is unset.  On success the
 * route is stored in @sk and @fl6 holds the source the route chose.
 */
static int xtcp_v6_route(struct sock *sk, struct flowi6 *fl6)
{
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct dst_entry *dst;

	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = sk->sk_protocol;
	fl6->daddr = sk->sk_v6_daddr;
	fl6->saddr = ipv6_addr_any(&np->saddr) ? sk->sk_v6_rcv_saddr : np->saddr;
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->flowi6_mark = sk->sk_mark;
	fl6->fl6_dport = inet->inet_dport;
	fl6->fl6_sport = inet->inet_sport;
	fl6->flowi6_uid = sk->sk_uid;
	fl6->flowlabel = np->flow_label;
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	/*
	 * Super-segments over IPv6 are TCPV6's type (offload.c's
	 * inet6_add_offload()); set before sk_setup_caps() (in
	 * ip6_dst_store()) decides whether the socket may send them.
	 */
	sk->sk_gso_type = XTCP_GSO_TYPE6;
	ip6_dst_store(sk, dst, NULL, NULL);
	return 0;
}

/**
 * xtcp_v6_connect_route - route an active open to sk_v6_daddr
 * @sk: a socket with sk_v6_daddr and inet_dport set, locked
 *
 * Fills the source address if the socket has none, as tcp_v6_connect().
 *
 * Return: 0 or a negative errno.
 */
int xtcp_v6_connect_route(struct sock *sk)
{
	struct flowi6 fl6;
	int err;

	err = xtcp_v6_route(sk, &fl6);
	if (err)
		return err;
	if (ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		xtcp_bind_set_addr6(sk, &fl6.saddr);
	inet6_sk(sk)->saddr = fl6.saddr;
	return 0;
}

/**
 * xtcp_v6_child_init - addresses and route of a listener's child over IPv6
 * @child: the new socket
 * @listener: its listener
 * @skb: the SYN
 *
 * Return: true on success; false if it has no port or route.
 */
bool xtcp_v6_child_init(struct sock *child, struct sock *listener,
			const struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct ipv6_pinfo *np = inet6_sk(child);
	struct inet_sock *inet = inet_sk(child);
	struct flowi6 fl6;

	xtcp_sk(child)->af = &xtcp_ipv6_ops;
	child->sk_v6_rcv_saddr = ip6h->daddr;
	np->saddr = ip6h->daddr;
	child->sk_v6_daddr = ip6h->saddr;
	inet->inet_sport = th->dest;
	inet->inet_dport = th->source;
	inet->inet_num = ntohs(th->dest);
	/* a link-local peer is reached by the interface its SYN came in on */
	if (!child->sk_bound_dev_if &&
	    ipv6_addr_type(&ip6h->saddr) & IPV6_ADDR_LINKLOCAL)
		child->sk_bound_dev_if = skb->skb_iif;
	/* the flow label TCP's child takes: the listener's, or the SYN's */
	np->flow_label = inet6_sk(listener)->flow_label;
	if (!xtcp_bind_inherit(child, listener))
		return false;

	return !xtcp_v6_route(child, &fl6);
}

/*
 * SOL_IPV6's IPV6_TCLASS and IPV6_UNICAST_HOPS, the traffic class and hop
 * limit inet6_csk_xmit() puts on segments, taken as do_ipv6_setsockopt()
 * takes them: ipv6_setsockopt() itself refuses a socket whose family is
 * not AF_INET6, which an XTCP socket's never is.
 */
int xtcp_ipv6_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			 unsigned int optlen)
{
	struct ipv6_pinfo *np = inet6_sk(sk);
	int val, err = 0;

	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	switch (optname) {
	case IPV6_TCLASS:
		if (val < -1 || val > 0xff) {
			err = -EINVAL;
			break;
		}
		/* RFC 3542 §6.5: -1 is the default, 0; ECN is the stack's */
		val = (max(val, 0) & ~INET_ECN_MASK) | (np->tclass & INET_ECN_MASK);
		if (np->tclass != val) {
			np->tclass = val;
			sk_dst_reset(sk);
		}
		break;
	case IPV6_UNICAST_HOPS:
		if (val < -1 || val > 255) {
			err = -EINVAL;
			break;
		}
		np->hop_limit = val;	/* -1: the route's */
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

/* The same two for getsockopt(), as do_ipv6_getsockopt() answers. */
int xtcp_ipv6_getsockopt(struct sock *sk, int optname, char __user *optval,
			 int __user *optlen)
{
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct dst_entry *dst;
	int len, val;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (optname) {
	case IPV6_TCLASS:
		val = np->tclass;
		break;
	case IPV6_UNICAST_HOPS:
		val = np->hop_limit;
		if (val < 0) {
			rcu_read_lock();
			dst = __sk_dst_get(sk);
			if (dst)
				val = ip6_dst_hoplimit(dst);
			rcu_read_unlock();
		}
		if (val < 0)
			val = READ_ONCE(sock_net(sk)->ipv6.devconf_all->hop_limit);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, sizeof(int), len);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
