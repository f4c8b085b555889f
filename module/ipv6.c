// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv6: the address-family operations of a connection whose
 * segments travel in IPv6 (struct xtcp_af_ops; IPv4's are in addr.c),
 * routing an active open and a listener's child, the answers sent from
 * no socket (RST, TIME_WAIT's ACKs), and ICMPv6 errors.  As for TCP over
 * IPv6 (net/ipv6/tcp_ipv6.c), a socket keeps its addresses in
 * sk_v6_daddr, sk_v6_rcv_saddr and its ipv6_pinfo's saddr; a v4-mapped
 * connection of an IPv6 socket runs over IPv4 with xtcp_ipv4_ops.
 */
#include <linux/icmpv6.h>
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
static int xtcp_v6_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return inet6_csk_xmit(sk, skb, NULL);
}

/*
 * As xtcp_v4_csum_offload(); the route's cookie is IPv6's, so the cached
 * dst is read, not checked (inet6_csk_xmit() checks it right after).
 */
static bool xtcp_v6_csum_offload(struct sock *sk)
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
static void xtcp_v6_send_check(struct sock *sk, struct sk_buff *skb,
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

static bool xtcp_v6_skb_matches(const struct sock *sk, const struct sk_buff *skb)
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
 * Segments of a connection over IPv6 leave one MSS at a time: offload.c's
 * GSO and GRO are IPv4's (inet_add_offload()), so a super-segment would
 * find no segmentation below IPv6.  sk_gso_disable() keeps the route's
 * capabilities from offering it again when inet6_csk_xmit() re-routes.
 */
static void xtcp_v6_setup_caps(struct sock *sk, struct dst_entry *dst)
{
	ip6_dst_store(sk, dst, NULL, NULL);
	sk_gso_disable(sk);
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
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct flowi6 fl6 = {};
	struct dst_entry *dst;

	fl6.flowi6_proto = sk->sk_protocol;
	fl6.daddr = sk->sk_v6_daddr;
	fl6.saddr = ipv6_addr_any(&np->saddr) ? sk->sk_v6_rcv_saddr : np->saddr;
	fl6.flowi6_oif = sk->sk_bound_dev_if;
	fl6.flowi6_mark = sk->sk_mark;
	fl6.fl6_dport = inet->inet_dport;
	fl6.fl6_sport = inet->inet_sport;
	fl6.flowi6_uid = sk->sk_uid;
	fl6.flowlabel = np->flow_label;
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	if (ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		xtcp_bind_set_addr6(sk, &fl6.saddr);
	np->saddr = fl6.saddr;
	xtcp_v6_setup_caps(sk, dst);
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
	struct flowi6 fl6 = {};
	struct dst_entry *dst;

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

	fl6.flowi6_proto = xtcp_ipproto;
	fl6.daddr = ip6h->saddr;
	fl6.saddr = ip6h->daddr;
	fl6.flowi6_oif = child->sk_bound_dev_if;
	fl6.flowi6_mark = child->sk_mark;
	fl6.fl6_dport = th->source;
	fl6.fl6_sport = th->dest;
	fl6.flowi6_uid = child->sk_uid;
	dst = ip6_dst_lookup_flow(sock_net(child), child, &fl6, NULL);
	if (IS_ERR(dst))
		return false;
	xtcp_v6_setup_caps(child, dst);
	return true;
}

/**
 * xtcp_v6_send_ctl - answer an IPv6 segment with no connection behind it
 * @net: the namespace @in_skb arrived in
 * @in_skb: the segment (addresses and ports are swapped)
 * @r: what to send
 * @wnd: the window field
 * @user_mss: the MSS option's limit for a SYN,ACK, 0 if none
 *
 * As tcp_v6_send_response(): through the namespace's IPv6 control socket.
 */
void xtcp_v6_send_ctl(struct net *net, struct sk_buff *in_skb,
		      const struct xtcp_reply *r, u16 wnd, u16 user_mss)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(in_skb);
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	struct sock *ctl = xtcp_pernet(net)->ctl_sk6;
	unsigned int hlen = XTCP_HLEN;
	u8 opts[XTCP_SYN_OPTLEN];
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct sk_buff *skb;
	struct tcphdr *th;

	if (!ctl)
		return;
	fl6.flowi6_proto = xtcp_ipproto;
	fl6.daddr = ip6h->saddr;
	fl6.saddr = ip6h->daddr;
	fl6.fl6_dport = in_th->source;
	fl6.fl6_sport = in_th->dest;
	/*
	 * The interface it came in on, for loopback and link-local peers:
	 * skb_iif, as IP6CB()'s iif is gone under our control block (TCP
	 * keeps it in its own, tcp_v6_iif())
	 */
	if (rt6_need_strict(&fl6.daddr))
		fl6.flowi6_oif = in_skb->skb_iif;
	fl6.flowi6_uid = sock_net_uid(net, NULL);
	dst = ip6_dst_lookup_flow(net, ctl, &fl6, NULL);
	if (IS_ERR(dst))
		return;
	/* no window scale: see syncookie.c */
	if (r->flags & XTCP_SYN)
		hlen += xtcp_write_syn_options(opts,
					       xtcp_af_mss(&xtcp_ipv6_ops,
							   dst_mtu(dst),
							   user_mss),
					       false, 0);
	skb = xtcp_alloc_segment(hlen, GFP_ATOMIC);
	if (!skb) {
		dst_release(dst);
		return;
	}
	th = tcp_hdr(skb);
	xtcp_fill_header(th, hlen, in_th->dest, in_th->source, r, wnd);
	if (hlen > XTCP_HLEN)
		memcpy(th + 1, opts, hlen - XTCP_HLEN);
	th->check = csum_ipv6_magic(&fl6.saddr, &fl6.daddr, hlen, xtcp_ipproto,
				    csum_partial(th, hlen, 0));
	skb->ip_summed = CHECKSUM_NONE;
	skb_dst_set(skb, dst);
	xtcp_inc(net, XTCP_MIB_OUT_SEGS);
	if (r->flags & XTCP_RST)
		xtcp_inc(net, XTCP_MIB_OUT_RSTS);
	local_bh_disable();
	bh_lock_sock(ctl);
	ip6_xmit(ctl, skb, &fl6, 0, NULL, 0, 0);
	bh_unlock_sock(ctl);
	local_bh_enable();
}

/**
 * xtcp_v6_err - an ICMPv6 error quoting one of our segments
 * @skb: the ICMPv6 message, its data at the quoted IPv6 header
 * @opt: unused
 * @type: ICMPv6 type
 * @code: ICMPv6 code
 * @offset: where our header starts in @skb's data
 * @info: the MTU for "packet too big"
 *
 * The rules of xtcp_v4_err() (icmp.c), with ICMPv6's types: "packet too
 * big" lowers the path MTU (RFC 8201), unreachables and the rest are hard
 * errors while connecting and soft ones after (RFC 1122 §4.2.3.9,
 * icmpv6_err_convert()).
 *
 * Return: 0, or -ENOENT when no connection has the quoted 4-tuple.
 */
int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt, u8 type,
		u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *hdr = (const struct ipv6hdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + offset);
	struct net *net = dev_net(skb->dev);
	struct xtcp_icmp_err e = { .seq = ntohl(th->seq) };
	struct sock *sk;
	int err;

	/* we sent it: its source is our address and port */
	sk = xtcp_lookup_connection6(net, &hdr->saddr, th->source, &hdr->daddr,
				     th->dest);
	if (!sk) {
		struct xtcp_key6 key = {
			.laddr = hdr->saddr, .lport = th->source,
			.raddr = hdr->daddr, .rport = th->dest,
		};

		__ICMP6_INC_STATS(net, __in6_dev_get(skb->dev),
				  ICMP6_MIB_INERRORS);
		return xtcp_tw_exists6(net, &key) ? 0 : -ENOENT;
	}
	if (!ipv6_addr_equal(&sk->sk_v6_daddr, &hdr->daddr) ||
	    inet_sk(sk)->inet_dport != th->dest)
		goto out;
	switch (type) {
	case ICMPV6_PKT_TOOBIG:
		e.kind = XTCP_ICMP_MTU;
		/* RFC 8201 §4: below IPV6_MIN_MTU is no MTU to use */
		e.mtu = max_t(u32, ntohl(info), IPV6_MIN_MTU);
		break;
	case NDISC_REDIRECT:
		e.kind = XTCP_ICMP_REDIRECT;
		break;
	default:
		e.kind = XTCP_ICMP_ERROR;
		/* fatal: icmpv6_err_convert()'s own answer */
		e.fatal = icmpv6_err_convert(type, code, &err);
		e.err = err;
		e.unreach = type == ICMPV6_DEST_UNREACH &&
			    (code == ICMPV6_NOROUTE || code == ICMPV6_ADDR_UNREACH);
		break;
	}
	xtcp_icmp_apply(sk, skb, &e);
out:
	sock_put(sk);
	return 0;
}
