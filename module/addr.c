// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP addresses and paths: struct sockaddr_xtcp has struct sockaddr_in's
 * layout, with family AF_XTCP (or whatever the family parameter says); the
 * address-family seam: the operations a connection over IPv4 uses (struct
 * xtcp_af_ops; IPv6's are in ipv6.c); the MSS a route allows, and the path
 * MTU a socket starts with and keeps.
 */
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <linux/netdevice.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "isn.h"
#include "xtcp.h"

#define XTCP_MIN_MSS		88

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
EXPORT_SYMBOL_IF_KUNIT(xtcp_parse_sockaddr);

/* The same, for callers that only validate (sendto's ignored address). */
int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len, int family)
{
	return xtcp_parse_sockaddr(uaddr, addr_len, family, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_check_sockaddr);

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
EXPORT_SYMBOL_IF_KUNIT(xtcp_addr_overlap);

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

/* ---- IPv4 (and v4-mapped connections of IPv6 sockets) ----------------- */

int xtcp_v4_queue_xmit(struct sock *sk, struct sk_buff *skb)
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
bool xtcp_v4_csum_offload(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_check(sk, 0);

	return dst && dst->dev && (dst->dev->features & NETIF_F_HW_CSUM);
}

/* The checksum over the IPv4 pseudo-header (RFC 9293 §3.1). */
void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb,
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

bool xtcp_v4_skb_matches(const struct sock *sk, const struct sk_buff *skb)
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

/* DF and ICMP reporting for a new socket: its listener's, or the defaults. */
void xtcp_pmtu_init(struct sock *sk, const struct sock *parent)
{
	struct inet_sock *inet = inet_sk(sk);

	if (parent) {
		inet->pmtudisc = inet_sk(parent)->pmtudisc;
		xtcp_inet_set_recverr(sk, xtcp_inet_recverr(parent));
		return;
	}
	/* as inet_create() */
	inet->pmtudisc = READ_ONCE(sock_net(sk)->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
}

/* The send MSS for path MTU @pmtu (tcp_sync_mss()); it only goes down. */
void xtcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = pmtu - xs->af->net_header_len - XTCP_HLEN;

	/* as tcp_mtu_to_mss(): never below tcp_min_snd_mss */
	mss = max_t(u32, mss, xs->tcb.min_snd_mss);
	/* ...less the options every segment carries */
	if (xs->ts.ok)
		mss -= XTCP_TS_ALIGNED;
	xs->pmtu_cookie = pmtu;
	if (mss < xs->tcb.snd_mss)
		xs->tcb.snd_mss = mss;
}

/*
 * The handshake set the send MSS from the peer's option: hold it to the
 * path MTU learned meanwhile (tcp_init_transfer() syncs the MSS with
 * icsk_pmtu_cookie the same way).
 */
void xtcp_pmtu_established(struct sock *sk)
{
	if (xtcp_sk(sk)->pmtu_cookie)
		xtcp_sync_mss(sk, xtcp_sk(sk)->pmtu_cookie);
}

/*
 * RFC 7323 timestamps for a connection whose addresses are set: offered
 * (@ok, an active open, before its SYN) or agreed (a listener's child).
 * TSval's offset is the addresses' (xtcp_ts_off()), local first.
 */
void xtcp_ts_conn_init(struct sock *sk, bool ok)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	memset(&xs->ts, 0, sizeof(xs->ts));
	xs->ts.ok = ok;
	if (xs->af->family == AF_INET6)
		xs->ts.off = xtcp_ts_off6(&sk->sk_v6_rcv_saddr, &sk->sk_v6_daddr);
	else
		xs->ts.off = xtcp_ts_off(inet_sk(sk)->inet_saddr,
					 inet_sk(sk)->inet_daddr);
}

/*
 * The peer's SYN or SYN,ACK, whose options just set the send MSS: if we
 * offered timestamps and it did too (§3.2), TS.Recent is its TSval and
 * every segment gives the option's 12 bytes of the MSS (the peer's MSS
 * counts data only, RFC 9293 §3.7.1; tcp_mtu_to_mss()); else none.
 */
void xtcp_ts_syn_rcvd(struct sock *sk, const struct xtcp_seg *syn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->ts.ok)
		return;
	if (!syn->opts.ts_ok) {
		xs->ts.ok = false;
		return;
	}
	xtcp_ts_store(&xs->ts, syn->opts.tsval, xtcp_ts_clock_s());
	if (xs->tcb.snd_mss > 2 * XTCP_TS_ALIGNED)
		xs->tcb.snd_mss -= XTCP_TS_ALIGNED;
}
