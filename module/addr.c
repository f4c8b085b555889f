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
#include <net/tcp.h>

#include "xtcp.h"

static_assert(sizeof(struct sockaddr_xtcp) == sizeof(struct sockaddr_in));
static_assert(offsetof(struct sockaddr_xtcp, sxtcp_port) ==
	      offsetof(struct sockaddr_in, sin_port));
static_assert(offsetof(struct sockaddr_xtcp, sxtcp_addr) ==
	      offsetof(struct sockaddr_in, sin_addr));

/**
 * xtcp_check_sockaddr - validate an address passed to bind or connect
 * @uaddr: the address, already copied into the kernel
 * @addr_len: its length as the caller gave it
 * @family: the family XTCP registered
 *
 * As inet_bind_sk() and tcp_v4_connect(): shorter than a sockaddr_xtcp is
 * EINVAL, another family EAFNOSUPPORT.  XTCP has no IPv6 yet, and once it
 * has, the length will tell the families apart (a sockaddr_in6-sized
 * address with family AF_XTCP): until then such an address is refused
 * rather than its first bytes read as IPv4.
 *
 * Return: 0, -EINVAL or -EAFNOSUPPORT.
 */
int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len, int family)
{
	if (!uaddr || addr_len < (int)sizeof(struct sockaddr_xtcp))
		return -EINVAL;
	if (uaddr->sa_family != family)
		return -EAFNOSUPPORT;
	if (addr_len >= (int)sizeof(struct sockaddr_in6))
		return -EAFNOSUPPORT;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xtcp_check_sockaddr, XTCP_NS);

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

	return skb->protocol == htons(ETH_P_IP) &&
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
