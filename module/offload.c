// SPDX-License-Identifier: GPL-2.0
/*
 * GSO and GRO for IP protocol xtcp_ipproto over IPv4 (inet_add_offload())
 * and IPv6 (inet6_add_offload()).  The header is TCP's, so the rules are
 * TCP's (net/ipv4/tcp_offload.c, net/ipv6/tcpv6_offload.c): a
 * super-segment splits into gso_size pieces whose sequence numbers follow
 * on, FIN and PSH only on the last piece; in-order segments of one flow
 * with identical headers but for the sequence number merge.
 *
 * Which device may segment a super-segment: its gso_type is
 * XTCP_GSO_TYPE, SKB_GSO_TCPV4 | SKB_GSO_SCTP (XTCP_GSO_TYPE6 over IPv6,
 * SKB_GSO_TCPV6 | SKB_GSO_SCTP).  A device takes a GSO skb
 * whole only if it has every feature bit the type names (net_gso_ok()).
 * lo, veth, bridges, bonds and the other software devices have
 * NETIF_F_GSO_SOFTWARE, which holds both bits, and pass the skb on whole.
 * No NIC driver advertises NETIF_F_GSO_SCTP (6.1, 6.12), so a NIC's TSO,
 * which would segment the packet as TCP (protocol 6 in its checksum's
 * pseudo-header), never sees it: validate_xmit_skb() segments it in
 * software first, through xtcp_gso_segment() below.  SKB_GSO_TCPV4 (V6)
 * keeps what the core derives from the type right for our header
 * (skb_gso_transport_seglen(), qdisc_pkt_len_init(): the header is
 * tcp_hdrlen() long).
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/protocol.h>

#include "xtcp.h"

/* The packet's namespace, for counting; GSO runs at a device. */
static void xtcp_offload_count(struct sk_buff *skb, enum xtcp_mib m)
{
	if (skb->dev)
		xtcp_inc(dev_net(skb->dev), m);
}

/*
 * The first payload byte's checksum delta for a piece of @len bytes of
 * transport header and payload, against the pseudo-header checksum of
 * the whole (whose length, complemented, is @oldlen): as tcp_gso_segment.
 */
static __sum16 xtcp_gso_check(__sum16 check, unsigned int oldlen,
			      unsigned int len)
{
	__wsum delta = (__force __wsum)htonl(oldlen + len);

	return ~csum_fold(csum_add(csum_unfold(check), delta));
}

/*
 * Finish one piece's checksum: left to the device (CHECKSUM_PARTIAL) or
 * computed from what skb_segment() summed (CHECKSUM_NONE).
 */
static void xtcp_gso_piece_csum(struct sk_buff *skb, struct tcphdr *th)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(skb, csum_unfold(~th->check));
	else
		th->check = gso_make_checksum(skb, csum_unfold(~th->check));
}

/*
 * The pseudo-header checksum of a super-segment whose data is at our
 * header, as tcp4_gso_segment() and tcp6_gso_segment() (__tcp_v6_send_check())
 * set it up for one from an untrusted source.  Over IPv6 the next header
 * may be an extension header: the protocol is ours.
 */
static __sum16 xtcp_gso_pseudo(const struct sk_buff *skb, bool v6)
{
	const struct ipv6hdr *ip6h;
	const struct iphdr *iph;

	if (v6) {
		ip6h = ipv6_hdr(skb);
		return ~csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, skb->len,
					xtcp_ipproto, 0);
	}
	iph = ip_hdr(skb);
	return ~csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
				  iph->protocol, 0);
}

static struct sk_buff *__xtcp_gso_segment(struct sk_buff *skb,
					  netdev_features_t features, bool v6)
{
	struct sk_buff *segs = ERR_PTR(-EINVAL);
	unsigned int thlen, oldlen, mss, seq;
	struct tcphdr *th;
	__sum16 newcheck;

	if (!(skb_shinfo(skb)->gso_type & (v6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4)))
		goto out;
	if (!pskb_may_pull(skb, sizeof(*th)))
		goto out;
	th = tcp_hdr(skb);
	thlen = xtcp_hdr_len(th, skb->len);
	if (!thlen)
		goto out;
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		/* from an untrusted source: set up the pseudo-header */
		th->check = xtcp_gso_pseudo(skb, v6);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	}
	if (unlikely(skb_checksum_start(skb) != skb_transport_header(skb)))
		goto out;
	if (!pskb_may_pull(skb, thlen))
		goto out;

	oldlen = ~skb->len;
	__skb_pull(skb, thlen);
	mss = skb_shinfo(skb)->gso_size;
	if (unlikely(!mss || skb->len <= mss))
		goto out;

	if (!(features & NETIF_F_HW_CSUM))
		features &= ~NETIF_F_CSUM_MASK;
	segs = skb_segment(skb, features);
	if (IS_ERR(segs))
		goto out;
	xtcp_offload_count(segs, XTCP_MIB_GSO_SEGMENTED);

	/* frag_list or partial segmentation leaves GSO skbs of n * mss */
	if (skb_is_gso(segs))
		mss *= skb_shinfo(segs)->gso_segs;

	skb = segs;
	th = tcp_hdr(skb);
	seq = ntohl(th->seq);
	newcheck = xtcp_gso_check(th->check, oldlen, thlen + mss);
	while (skb->next) {
		th->fin = 0;
		th->psh = 0;
		th->check = newcheck;
		xtcp_gso_piece_csum(skb, th);
		seq += mss;
		skb = skb->next;
		th = tcp_hdr(skb);
		th->seq = htonl(seq);
	}
	/* the last piece: its own length, and the flags of the whole */
	th->check = xtcp_gso_check(th->check, oldlen,
				   skb_tail_pointer(skb) -
				   skb_transport_header(skb) + skb->data_len);
	xtcp_gso_piece_csum(skb, th);
out:
	return segs;
}

/**
 * xtcp_gso_segment - split a super-segment into gso_size pieces
 * @skb: its data at our header, its network header set (inet_gso_segment())
 * @features: what the device leaving can do
 *
 * As __tcp_gso_segment(): each piece but the last carries gso_size bytes,
 * the sequence numbers follow on, FIN and PSH stay on the last piece
 * only, and every piece's checksum is its own.  A device without
 * NETIF_F_HW_CSUM gets the checksums computed here: one with only
 * NETIF_F_IP_CSUM checksums TCP and UDP, not protocol 253.
 *
 * Return: the list of pieces, or an ERR_PTR.
 */
struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
				 netdev_features_t features)
{
	return __xtcp_gso_segment(skb, features, false);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_gso_segment);

/**
 * xtcp6_gso_segment - xtcp_gso_segment() over IPv6 (tcp6_gso_segment())
 * @skb: its data at our header, its network header set (ipv6_gso_segment())
 * @features: what the device leaving can do
 *
 * ipv6_gso_segment() sets each piece's payload length.
 *
 * Return: the list of pieces, or an ERR_PTR.
 */
struct sk_buff *xtcp6_gso_segment(struct sk_buff *skb,
				  netdev_features_t features)
{
	return __xtcp_gso_segment(skb, features, true);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp6_gso_segment);

/*
 * Chain @skb's payload onto the held packet @p, as skb_gro_receive()'s
 * frag_list path (skb_gro_receive() is not exported): @skb's headers go,
 * the rest joins p's frag_list.
 */
static int xtcp_gro_merge(struct sk_buff *p, struct sk_buff *skb)
{
	unsigned int offset = skb_gro_offset(skb);
	unsigned int headlen = skb_headlen(skb);
	unsigned int len = skb_gro_len(skb);
	unsigned int max = min_t(unsigned int, GRO_LEGACY_MAX_SIZE,
				 READ_ONCE(p->dev->gro_max_size));

	if (p->pp_recycle != skb->pp_recycle || skb_zcopy(p) || skb_zcopy(skb))
		return -ETOOMANYREFS;
	if (p->len + len >= max || NAPI_GRO_CB(skb)->flush)
		return -E2BIG;
	/* skb_segment() cannot split the linear part of a frag_list member */
	if (headlen > offset + skb_shinfo(p)->gso_size)
		return -E2BIG;
	if (offset > headlen) {
		/* the headers were read from frag0: they end in frags[0] */
		unsigned int eat = offset - headlen;

		if (!skb_shinfo(skb)->nr_frags ||
		    skb_frag_size(&skb_shinfo(skb)->frags[0]) < eat)
			return -EINVAL;
		skb_frag_off_add(&skb_shinfo(skb)->frags[0], eat);
		skb_frag_size_sub(&skb_shinfo(skb)->frags[0], eat);
		skb->data_len -= eat;
		skb->len -= eat;
		offset = headlen;
	}
	__skb_pull(skb, offset);

	/* socket ownership, if any, goes with the aggregate */
	skb->destructor = NULL;
	skb->sk = NULL;
	if (NAPI_GRO_CB(p)->last == p)
		skb_shinfo(p)->frag_list = skb;
	else
		NAPI_GRO_CB(p)->last->next = skb;
	NAPI_GRO_CB(p)->last = skb;
	__skb_header_release(skb);

	NAPI_GRO_CB(p)->count += NAPI_GRO_CB(skb)->count;
	p->data_len += len;
	p->truesize += skb->truesize;
	p->len += len;
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

/*
 * GRO (tcp_gro_receive()'s rules): @skb merges into the held packet of its
 * flow (the same ports; inet_gro_receive() matched the addresses) when it
 * follows it in sequence, its header is the same but for the sequence
 * number (ACK, window, options) and the flags FIN and PSH, and it is no
 * larger than the first one's payload.  A short segment, or one with
 * PSH, FIN, SYN, RST or URG, ends the packet.
 */
static struct sk_buff *__xtcp_gro_receive(struct list_head *head,
					  struct sk_buff *skb)
{
	unsigned int off, hlen, thlen, len, mss = 1, i;
	struct sk_buff *pp = NULL, *p;
	struct tcphdr *th, *th2;
	__be32 flags;
	int flush = 1;

	off = skb_gro_offset(skb);
	hlen = off + sizeof(*th);
	th = skb_gro_header(skb, hlen, off);
	if (unlikely(!th))
		goto out;
	thlen = xtcp_hdr_len(th, skb_gro_len(skb));
	if (!thlen)
		goto out;
	hlen = off + thlen;
	th = skb_gro_header(skb, hlen, off);
	if (unlikely(!th))
		goto out;
	skb_gro_pull(skb, thlen);

	len = skb_gro_len(skb);
	flags = tcp_flag_word(th);

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		th2 = tcp_hdr(p);
		if (*(u32 *)&th->source ^ *(u32 *)&th2->source) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		goto found;
	}
	p = NULL;
	goto out_check_final;

found:
	th2 = tcp_hdr(p);
	flush = (__force int)((flags ^ tcp_flag_word(th2)) &
			      ~(TCP_FLAG_CWR | TCP_FLAG_FIN | TCP_FLAG_PSH));
	flush |= (__force int)(flags & TCP_FLAG_CWR);
	flush |= (__force int)(th->ack_seq ^ th2->ack_seq);
	for (i = sizeof(*th); i < thlen; i += 4)
		flush |= *(u32 *)((u8 *)th + i) ^ *(u32 *)((u8 *)th2 + i);
	flush |= xtcp_gro_network_flush(th, th2, p);

	mss = skb_shinfo(p)->gso_size;
	if (unlikely(skb_is_gso(skb)))
		flush |= mss != skb_shinfo(skb)->gso_size;
	else
		flush |= (len - 1) >= mss;
	flush |= (ntohl(th2->seq) + skb_gro_len(p)) ^ ntohl(th->seq);

	if (flush || xtcp_gro_merge(p, skb)) {
		mss = 1;
		goto out_check_final;
	}
	tcp_flag_word(th2) |= flags & (TCP_FLAG_FIN | TCP_FLAG_PSH);

out_check_final:
	/* a segment shorter than the first ends the packet */
	if (unlikely(skb_is_gso(skb)))
		flush = len != NAPI_GRO_CB(skb)->count * skb_shinfo(skb)->gso_size;
	else
		flush = len < mss;
	flush |= (__force int)(flags & (TCP_FLAG_URG | TCP_FLAG_PSH |
					TCP_FLAG_RST | TCP_FLAG_SYN |
					TCP_FLAG_FIN));
	if (p && (!NAPI_GRO_CB(skb)->same_flow || flush))
		pp = p;
out:
	NAPI_GRO_CB(skb)->flush |= (flush != 0);
	return pp;
}

/*
 * The checksum is known good, or checked here over the pseudo-header of
 * the packet's family (tcp4_gro_receive(), tcp6_gro_receive()); a bad one
 * is not merged and reaches input.c, which counts and drops it.
 */
static struct sk_buff *xtcp_gro_receive(struct list_head *head,
					struct sk_buff *skb)
{
	if (!NAPI_GRO_CB(skb)->flush &&
	    skb_gro_checksum_validate(skb, xtcp_ipproto, inet_gro_compute_pseudo)) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return __xtcp_gro_receive(head, skb);
}

static struct sk_buff *xtcp6_gro_receive(struct list_head *head,
					 struct sk_buff *skb)
{
	if (!NAPI_GRO_CB(skb)->flush &&
	    skb_gro_checksum_validate(skb, xtcp_ipproto, ip6_gro_compute_pseudo)) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return __xtcp_gro_receive(head, skb);
}

/*
 * A merged packet is a super-segment as the sender's stack builds it
 * (tcp4_gro_complete(), tcp6_gro_complete()): the pseudo-header checksum
 * of the whole (the caller's), for the device or xtcp_gso_segment()
 * should it be forwarded, and its type.
 */
static void __xtcp_gro_complete(struct sk_buff *skb, struct tcphdr *th,
				unsigned int gso_type)
{
	if (skb->encapsulation)
		skb->inner_transport_header = skb->transport_header;
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	skb_shinfo(skb)->gso_type |= gso_type;
	xtcp_offload_count(skb, XTCP_MIB_GRO_MERGED);
}

/* The IPv4 header is 20 bytes (inet_gro_receive() takes no options). */
static int xtcp_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct iphdr *iph = (struct iphdr *)(skb->data + thoff -
						   sizeof(struct iphdr));
	struct tcphdr *th = (struct tcphdr *)(skb->data + thoff);

	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
				       skb->len - thoff, iph->protocol, 0);
	__xtcp_gro_complete(skb, th, XTCP_GSO_TYPE);
	return 0;
}

/*
 * As tcp6_gro_complete(): extension headers may lie between the IPv6
 * header and ours (ipv6_gro_complete() counted them in @thoff), so the
 * IPv6 header is where GRO found it (compat.h).
 */
static int xtcp6_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct ipv6hdr *ip6h = xtcp_gro_ipv6_hdr(skb);
	struct tcphdr *th = (struct tcphdr *)(skb->data + thoff);

	th->check = ~csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
				     skb->len - thoff, xtcp_ipproto, 0);
	__xtcp_gro_complete(skb, th, XTCP_GSO_TYPE6);
	return 0;
}

static const struct net_offload xtcp_offload = {
	.callbacks = {
		.gso_segment	= xtcp_gso_segment,
		.gro_receive	= xtcp_gro_receive,
		.gro_complete	= xtcp_gro_complete,
	},
};

static const struct net_offload xtcp6_offload = {
	.callbacks = {
		.gso_segment	= xtcp6_gso_segment,
		.gro_receive	= xtcp6_gro_receive,
		.gro_complete	= xtcp6_gro_complete,
	},
};

/*
 * Before the protocol handlers (af_xtcp.c): GRO may hand a merged packet
 * up as soon as a handler exists.
 */
int xtcp_offload_init(void)
{
	/* 0 or -1, as inet_add_protocol() */
	if (inet_add_offload(&xtcp_offload, xtcp_ipproto))
		return -EBUSY;
	if (inet6_add_offload(&xtcp6_offload, xtcp_ipproto)) {
		inet_del_offload(&xtcp_offload, xtcp_ipproto);
		return -EBUSY;
	}
	return 0;
}

/*
 * After the protocol handlers are gone; inet(6)_del_offload() waits for
 * the callbacks running (synchronize_net()).
 */
void xtcp_offload_exit(void)
{
	inet6_del_offload(&xtcp6_offload, xtcp_ipproto);
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
}
