// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP output: building segments and handing them to IPv4.  A connection
 * sends through its own socket (ip_queue_xmit); answers with no connection
 * behind them (RST to a closed port, RST from LISTEN) go out through the
 * namespace's raw control socket, which does not pin the module.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/route.h>

#include "seq.h"
#include "xtcp.h"

static struct sk_buff *xtcp_alloc_segment(unsigned int hlen, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(skb->data, 0, hlen);
	return skb;
}

/* Fill a header; the checksum is computed by the caller once IPs are known. */
static void xtcp_fill_header(struct tcphdr *th, unsigned int hlen, __be16 sport,
			     __be16 dport, const struct xtcp_reply *r, u16 wnd)
{
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(r->seq);
	th->ack_seq = htonl(r->flags & XTCP_ACK ? r->ack : 0);
	th->doff = hlen / 4;
	((u8 *)th)[13] = r->flags;
	th->window = htons(wnd);
}

/*
 * The device the segment will leave by computes any checksum at
 * csum_start/csum_offset (NETIF_F_HW_CSUM: lo, veth, virtio-net).  A device
 * with only NETIF_F_IP_CSUM knows TCP and UDP, not protocol 253, and
 * sk_route_caps claims HW_CSUM for every GSO-capable route, so the
 * device's own features decide.  The dst checked is the one
 * ip_queue_xmit() is about to use; a stale one means software.
 */
static bool xtcp_csum_offload(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_check(sk, 0);

	return dst && dst->dev && (dst->dev->features & NETIF_F_HW_CSUM);
}

/* The checksum of @skb, whose header is at its data, as @sk sends it. */
static void xtcp_set_csum(struct sock *sk, struct sk_buff *skb,
			  struct tcphdr *th)
{
	struct inet_sock *inet = inet_sk(sk);

	if (xtcp_csum_offload(sk)) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
		th->check = ~csum_tcpudp_magic(inet->inet_saddr,
					       inet->inet_daddr, skb->len,
					       sk->sk_protocol, 0);
		return;
	}
	skb->ip_summed = CHECKSUM_NONE;
	th->check = csum_tcpudp_magic(inet->inet_saddr, inet->inet_daddr,
				      skb->len, sk->sk_protocol,
				      skb_checksum(skb, 0, skb->len, 0));
}

/*
 * A copy of write-queue segment @data to send: a clone sharing its payload
 * (as __tcp_transmit_skb), or, while the previous transmission's clone is
 * still alive below us, a copy of the (header-only) linear part that still
 * shares the pages.  The queued skb's headroom is ours to write headers in
 * (xtcp_new_segment() released its header).
 */
static struct sk_buff *xtcp_clone_segment(struct sk_buff *data)
{
	struct sk_buff *skb;

	if (unlikely(skb_cloned(data)))
		skb = pskb_copy(data, GFP_ATOMIC);
	else
		skb = skb_clone(data, GFP_ATOMIC);
	if (!skb)
		return NULL;
	/* the IP layer reads its own control block from cb */
	memset(skb->cb, 0, sizeof(skb->cb));
	return skb;
}

/**
 * xtcp_xmit - send one segment on connection @sk
 * @sk: a socket with both addresses and ports set, locked
 * @flags: XTCP_* flags; a SYN gets the MSS (and window scale) options, and
 *	   with XTCP_ACK the segment acknowledges RCV.NXT
 * @seq: its sequence number
 * @ack: the acknowledgment number, if @flags has XTCP_ACK
 * @data: a write-queue segment whose payload goes whole, or NULL
 *
 * The queued original stays as it is, to be sent again.
 *
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_xmit(struct sock *sk, u8 flags, u32 seq, u32 ack,
	      struct sk_buff *data)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	unsigned int hlen = XTCP_HLEN;
	struct xtcp_reply r = { .flags = flags, .seq = seq, .ack = ack };
	u8 opts[XTCP_SYN_OPTLEN];
	struct sk_buff *skb;
	struct tcphdr *th;
	int olen = 0;

	if (flags & XTCP_SYN) {
		/* A SYN,ACK offers window scale only if the SYN did (RFC 7323). */
		bool ws = !(flags & XTCP_ACK) || tcb->wscale_ok;

		olen = xtcp_write_syn_options(opts, tcb->mss, ws, tcb->rcv_wscale);
		hlen += olen;
	}
	if (data) {
		skb = xtcp_clone_segment(data);
	} else {
		skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
		if (skb)
			skb_reserve(skb, XTCP_MAX_HEADER);
	}
	if (!skb)
		return -ENOBUFS;
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, hlen);
	xtcp_fill_header(th, hlen, inet->inet_sport, inet->inet_dport, &r,
			 flags & XTCP_RST ? 0 : xtcp_tcb_window(tcb, flags));
	memcpy(th + 1, opts, olen);
	xtcp_set_csum(sk, skb, th);
	/* an orphan's skbs pin it: xtcp_orphans_kill() waits for them */
	skb_set_owner_w(skb, sk);
	xtcp_inc(sock_net(sk), XTCP_MIB_OUT_SEGS);
	xs->segs_out++;
	if (flags & XTCP_RST)
		xtcp_inc(sock_net(sk), XTCP_MIB_OUT_RSTS);
	if (flags & XTCP_ACK)
		xtcp_ack_sent(sk);
	return ip_queue_xmit(sk, skb, &inet->cork.fl);
}

/* Send what the state machine asked for (no payload). */
int xtcp_send(struct sock *sk, const struct xtcp_reply *r)
{
	return xtcp_xmit(sk, r->flags, r->seq, r->ack, NULL);
}
EXPORT_SYMBOL_NS_GPL(xtcp_send, XTCP_NS);

/* At most @limit events a second (0: no limit), counted in @stamp/@count. */
bool xtcp_ratelimit(unsigned long *stamp, atomic_t *count, int limit)
{
	unsigned long now = jiffies;

	if (!limit)
		return true;
	if (time_after_eq(now, READ_ONCE(*stamp) + HZ)) {
		WRITE_ONCE(*stamp, now);
		atomic_set(count, 0);
	}
	return atomic_inc_return(count) <= limit;
}

/*
 * Answer @in_skb with no connection behind the answer: @r with window
 * field @wnd; a SYN,ACK (a SYN cookie's) carries the MSS option, the
 * route's MTU less the headers, at most @user_mss if set.
 */
static void xtcp_send_ctl_opts(struct net *net, struct sk_buff *in_skb,
			       const struct xtcp_reply *r, u16 wnd,
			       u16 user_mss)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct iphdr *iph = ip_hdr(in_skb);
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	struct sock *ctl = xn->ctl_sk;
	unsigned int hlen = XTCP_HLEN;
	u8 opts[XTCP_SYN_OPTLEN];
	struct flowi4 fl4;
	struct sk_buff *skb;
	struct rtable *rt;
	struct tcphdr *th;

	if (!r->flags || !ctl)
		return;
	if ((r->flags & XTCP_RST) &&
	    !xtcp_ratelimit(&xn->rst_stamp, &xn->rst_count,
			    READ_ONCE(xn->rst_ratelimit))) {
		xtcp_inc(net, XTCP_MIB_RST_RATELIMITED);
		return;
	}
	flowi4_init_output(&fl4, inet_iif(in_skb), 0, 0, RT_SCOPE_UNIVERSE,
			   ctl->sk_protocol, 0, iph->saddr, iph->daddr,
			   in_th->source, in_th->dest, sock_net_uid(net, NULL));
	rt = ip_route_output_flow(net, &fl4, ctl);
	if (IS_ERR(rt))
		return;
	/* no window scale: see syncookie.c */
	if (r->flags & XTCP_SYN)
		hlen += xtcp_write_syn_options(opts,
					       xtcp_mss_for_mtu(dst_mtu(&rt->dst),
								user_mss),
					       false, 0);
	skb = xtcp_alloc_segment(hlen, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	th = tcp_hdr(skb);
	xtcp_fill_header(th, hlen, in_th->dest, in_th->source, r, wnd);
	if (hlen > XTCP_HLEN)
		memcpy(th + 1, opts, hlen - XTCP_HLEN);
	th->check = xtcp_checksum(th, hlen, iph->daddr, iph->saddr,
				  ctl->sk_protocol);
	skb->ip_summed = CHECKSUM_NONE;
	skb_dst_set(skb, &rt->dst);
	xtcp_inc(net, XTCP_MIB_OUT_SEGS);
	if (r->flags & XTCP_RST)
		xtcp_inc(net, XTCP_MIB_OUT_RSTS);
	local_bh_disable();
	bh_lock_sock(ctl);
	ip_build_and_send_pkt(skb, ctl, fl4.saddr, fl4.daddr, NULL, 0);
	bh_unlock_sock(ctl);
	local_bh_enable();
}

/**
 * xtcp_send_ctl_wnd - answer @in_skb with no connection behind the answer
 * @net: the namespace @in_skb arrived in
 * @in_skb: the segment being answered (addresses and ports are swapped)
 * @r: what to send, usually a RST from xtcp_reset_reply()
 * @wnd: the window field (TIME_WAIT's ACKs carry the last one sent)
 */
void xtcp_send_ctl_wnd(struct net *net, struct sk_buff *in_skb,
		       const struct xtcp_reply *r, u16 wnd)
{
	xtcp_send_ctl_opts(net, in_skb, r, wnd, 0);
}

/**
 * xtcp_send_ctl_synack - a SYN cookie's SYN,ACK, from no socket
 * @net: the namespace the SYN arrived in
 * @in_skb: the SYN
 * @r: the SYN,ACK: <SEQ=cookie><ACK=SEG.SEQ+1><CTL=SYN,ACK>
 * @wnd: the window field
 * @user_mss: the listener's XTCP_MAXSEG, 0 if none
 */
void xtcp_send_ctl_synack(struct net *net, struct sk_buff *in_skb,
			  const struct xtcp_reply *r, u16 wnd, u16 user_mss)
{
	xtcp_send_ctl_opts(net, in_skb, r, wnd, user_mss);
}

void xtcp_send_ctl(struct net *net, struct sk_buff *in_skb,
		   const struct xtcp_reply *r)
{
	xtcp_send_ctl_wnd(net, in_skb, r, 0);
}
EXPORT_SYMBOL_NS_GPL(xtcp_send_ctl, XTCP_NS);
