// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket addresses: struct sockaddr_xtcp has struct sockaddr_in's
 * layout, with family AF_XTCP (or whatever the family parameter says).
 * And the address-family seam: the operations a connection over IPv4 uses
 * (struct xtcp_af_ops; IPv6's are in ipv6.c).
 */
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "isn.h"
#include "xtcp.h"

static_assert(sizeof(struct sockaddr_xtcp) == sizeof(struct sockaddr_in));
static_assert(offsetof(struct sockaddr_xtcp, sxtcp_port) ==
	      offsetof(struct sockaddr_in, sin_port));
static_assert(offsetof(struct sockaddr_xtcp, sxtcp_addr) ==
	      offsetof(struct sockaddr_in, sin_addr));

static_assert(sizeof(struct sockaddr_xtcp6) == sizeof(struct sockaddr_in6));
static_assert(offsetof(struct sockaddr_xtcp6, sxtcp6_port) ==
	      offsetof(struct sockaddr_in6, sin6_port));
static_assert(offsetof(struct sockaddr_xtcp6, sxtcp6_flowinfo) ==
	      offsetof(struct sockaddr_in6, sin6_flowinfo));
static_assert(offsetof(struct sockaddr_xtcp6, sxtcp6_addr) ==
	      offsetof(struct sockaddr_in6, sin6_addr));
static_assert(offsetof(struct sockaddr_xtcp6, sxtcp6_scope_id) ==
	      offsetof(struct sockaddr_in6, sin6_scope_id));

/**
 * xtcp_parse_sockaddr - read an address passed to bind or connect
 * @uaddr: the address, already copied into the kernel
 * @addr_len: its length as the caller gave it
 * @family: the family XTCP registered
 * @a: filled with the address (IPv4 as v4-mapped), if not NULL
 *
 * One socket family serves both IPs, so the length decides, as the
 * family field does for TCP: a struct sockaddr_xtcp (16 bytes, up to 23)
 * is IPv4, a struct sockaddr_xtcp6 (28 bytes, or RFC 2133's 24 without
 * the scope id, as inet6_bind() takes) IPv6.  Shorter than a
 * sockaddr_xtcp is EINVAL, another family EAFNOSUPPORT, as
 * inet_bind_sk() and tcp_v4_connect() answer.  A v4-mapped IPv6 address
 * means IPv4 on the wire; the caller applies the socket's rules to it.
 *
 * Return: 0, -EINVAL or -EAFNOSUPPORT.
 */
int xtcp_parse_sockaddr(const struct sockaddr *uaddr, int addr_len,
			int family, struct xtcp_sockaddr *a)
{
	const struct sockaddr_xtcp6 *sa6 = (const void *)uaddr;
	const struct sockaddr_xtcp *sa = (const void *)uaddr;

	if (!uaddr || addr_len < (int)sizeof(struct sockaddr_xtcp))
		return -EINVAL;
	if (uaddr->sa_family != family)
		return -EAFNOSUPPORT;
	if (!a)
		return 0;
	memset(a, 0, sizeof(*a));
	if (addr_len < SIN6_LEN_RFC2133) {
		ipv6_addr_set_v4mapped(sa->sxtcp_addr, &a->addr);
		a->port = sa->sxtcp_port;
		return 0;
	}
	a->v6 = true;
	memcpy(&a->addr, sa6->sxtcp6_addr, sizeof(a->addr));
	a->port = sa6->sxtcp6_port;
	a->flowinfo = sa6->sxtcp6_flowinfo;
	if (addr_len >= (int)sizeof(struct sockaddr_xtcp6))
		a->scope_id = sa6->sxtcp6_scope_id;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xtcp_parse_sockaddr, XTCP_NS);

/* The same, for callers that only validate (sendto's ignored address). */
int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len, int family)
{
	return xtcp_parse_sockaddr(uaddr, addr_len, family, NULL);
}
EXPORT_SYMBOL_NS_GPL(xtcp_check_sockaddr, XTCP_NS);

/**
 * xtcp_addr_overlap - do two local addresses share a port's space?
 * @a: one socket's bound address, IPv4 as v4-mapped (0.0.0.0 included)
 * @a_v6only: that socket takes no IPv4 (IPV6_V6ONLY)
 * @b: the other's
 * @b_v6only: the other's flag
 *
 * TCP's inet_rcv_saddr_equal() with wildcards: 0.0.0.0 covers every IPv4
 * address; :: every IPv6 one, and every IPv4 one unless v6-only.
 *
 * Return: true if a segment could be for either.
 */
bool xtcp_addr_overlap(const struct in6_addr *a, bool a_v6only,
		       const struct in6_addr *b, bool b_v6only)
{
	bool a4 = ipv6_addr_v4mapped(a), b4 = ipv6_addr_v4mapped(b);

	if (ipv6_addr_any(a))
		return !b4 || !a_v6only;
	if (ipv6_addr_any(b))
		return !a4 || !b_v6only;
	if (a4 != b4)
		return false;
	if (a4)
		return a->s6_addr32[3] == b->s6_addr32[3] ||
		       !a->s6_addr32[3] || !b->s6_addr32[3];
	return ipv6_addr_equal(a, b);
}
EXPORT_SYMBOL_NS_GPL(xtcp_addr_overlap, XTCP_NS);

/**
 * xtcp_sk_addr6 - a socket's local or remote address as IPv6
 * @sk: the socket
 * @peer: the remote address, else the local one
 * @a: filled: the address, v4-mapped for a connection over IPv4
 */
void xtcp_sk_addr6(const struct sock *sk, bool peer, struct in6_addr *a)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (xtcp_sk(sk)->af->family == AF_INET6) {
		if (peer)
			*a = sk->sk_v6_daddr;
		else if (ipv6_addr_any(&sk->sk_v6_rcv_saddr))
			*a = inet6_sk(sk)->saddr;
		else
			*a = sk->sk_v6_rcv_saddr;
		return;
	}
	ipv6_addr_set_v4mapped(peer ? inet->inet_daddr :
			       inet->inet_rcv_saddr ?: inet->inet_saddr, a);
}

/* The ISN for the connection a SYN in @skb opens (RFC 9293 §3.4.1). */
u32 xtcp_skb_isn(const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (xtcp_skb_v6(skb))
		return xtcp_isn6(&ipv6_hdr(skb)->daddr, &ipv6_hdr(skb)->saddr,
				 th->dest, th->source);
	return xtcp_isn(ip_hdr(skb)->daddr, ip_hdr(skb)->saddr, th->dest,
			th->source);
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

/* ---- IPv4 (and v4-mapped connections of IPv6 sockets) ----------------- */

static int xtcp_v4_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return ip_queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
}

/*
 * The device the segment will leave by computes any checksum at
 * csum_start/csum_offset (NETIF_F_HW_CSUM: lo, veth, virtio-net).  A device
 * with only NETIF_F_IP_CSUM knows TCP and UDP, not protocol 253, and
 * sk_route_caps claims HW_CSUM for every GSO-capable route, so the
 * device's own features decide.  The dst checked is the one
 * ip_queue_xmit() is about to use; a stale one means software.
 */
static bool xtcp_v4_csum_offload(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_check(sk, 0);

	return dst && dst->dev && (dst->dev->features & NETIF_F_HW_CSUM);
}

/* The checksum over the IPv4 pseudo-header (RFC 9293 §3.1). */
static void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb,
			       struct tcphdr *th, bool partial)
{
	struct inet_sock *inet = inet_sk(sk);

	if (partial)
		th->check = ~csum_tcpudp_magic(inet->inet_saddr,
					       inet->inet_daddr, skb->len,
					       sk->sk_protocol, 0);
	else
		th->check = csum_tcpudp_magic(inet->inet_saddr,
					      inet->inet_daddr, skb->len,
					      sk->sk_protocol,
					      skb_checksum(skb, 0, skb->len, 0));
}

static bool xtcp_v4_skb_matches(const struct sock *sk, const struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);

	return !xtcp_skb_v6(skb) &&
	       inet->inet_daddr == ip_hdr(skb)->saddr &&
	       inet->inet_dport == tcp_hdr(skb)->source;
}

const struct xtcp_af_ops xtcp_ipv4_ops = {
	.family		= AF_INET,
	.net_header_len	= sizeof(struct iphdr),
	.queue_xmit	= xtcp_v4_queue_xmit,
	.send_check	= xtcp_v4_send_check,
	.csum_offload	= xtcp_v4_csum_offload,
	.skb_matches	= xtcp_v4_skb_matches,
	.update_pmtu	= inet_csk_update_pmtu,
};

/**
 * xtcp_af_mss - the MSS to advertise on a path of MTU @mtu
 * @af: the address family the path is
 * @mtu: the path MTU
 * @user_mss: XTCP_MAXSEG, 0 if not set
 *
 * Return: @mtu less the IP header of @af and ours, at most @user_mss.
 */
u16 xtcp_af_mss(const struct xtcp_af_ops *af, u32 mtu, u16 user_mss)
{
	/* xtcp_mss_for_mtu() takes off an IPv4 header */
	return xtcp_mss_for_mtu(mtu - (af->net_header_len -
				       sizeof(struct iphdr)), user_mss);
}
EXPORT_SYMBOL_NS_GPL(xtcp_af_mss, XTCP_NS);
