// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP output: building segments and handing them to IP.  A connection
 * sends through its own socket (its xtcp_af_ops); answers with no connection
 * behind them (RST to a closed port, RST from LISTEN) go out through the
 * namespace's raw control socket, which does not pin the module.
 */
#include <linux/indirect_call_wrapper.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "seq.h"
#include "xtcp.h"

struct sk_buff *xtcp_alloc_segment(unsigned int hlen, gfp_t gfp)
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
void xtcp_fill_header(struct tcphdr *th, unsigned int hlen, __be16 sport,
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

/* The checksum of @skb, whose header is at its data, as @sk sends it. */
static void xtcp_set_csum(struct sock *sk, struct sk_buff *skb,
			  struct tcphdr *th)
{
	/*
	 * A super-segment is always CHECKSUM_PARTIAL: the device, or
	 * xtcp_gso_segment() for a device without NETIF_F_HW_CSUM, sums
	 * each piece.
	 */
	const struct xtcp_af_ops *af = xtcp_sk(sk)->af;
	bool partial = skb_is_gso(skb) ||
		       INDIRECT_CALL_2(af->csum_offload, xtcp_v4_csum_offload,
				       xtcp_v6_csum_offload, sk);

	if (partial) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		skb->ip_summed = CHECKSUM_NONE;
	}
	INDIRECT_CALL_2(af->send_check, xtcp_v4_send_check, xtcp_v6_send_check,
			sk, skb, th, partial);
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

/*
 * A queued segment longer than one MSS leaves as a super-segment of
 * gso_size pieces (as __tcp_transmit_skb() sets gso_segs/gso_size): lo and
 * veth carry it whole, any other device segments it (offload.c).  A
 * shorter one must not keep a type from an earlier, longer transmission.
 * @skb is the transmit clone: its shared info is its own or shared with
 * the queued original only (xtcp_clone_segment()).
 */
static void xtcp_set_gso(struct sock *sk, struct sk_buff *skb, u32 mss)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	if (skb->len <= mss) {
		shinfo->gso_size = 0;
		shinfo->gso_segs = 0;
		shinfo->gso_type = 0;
		return;
	}
	shinfo->gso_size = mss;
	shinfo->gso_segs = DIV_ROUND_UP(skb->len, mss);
	shinfo->gso_type = sk->sk_gso_type;
	xtcp_sk_inc(sk, XTCP_MIB_OUT_GSO_SKBS);
}

/*
 * Hand a connection's segment to IP (its address family's): the one place
 * they leave by, which a KUnit test redirects to capture what is sent
 * (kunit/fixture.c).
 */
int xtcp_ip_xmit(struct sock *sk, struct sk_buff *skb)
{
	KUNIT_STATIC_STUB_REDIRECT(xtcp_ip_xmit, sk, skb);
	return INDIRECT_CALL_2(xtcp_sk(sk)->af->queue_xmit, xtcp_v4_queue_xmit,
			       xtcp_v6_queue_xmit, sk, skb);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ip_xmit);

/*
 * The SACK option for a segment with ACK (RFC 2018 §4), written at @opt
 * where @room bytes are left: a D-SACK block first (RFC 2883), then the
 * blocks of out-of-order data, most recent first.  A segment with @data
 * takes no more blocks than its payload leaves room for in one SMSS (the
 * send MSS counts the timestamps' 12 bytes, not these: tcp_current_mss()
 * counts both, XTCP sends the blocks where they fit), a super-segment
 * none.  Return: bytes written.
 */
static int xtcp_sack_options(struct xtcp_sock *xs, u8 *opt, int room,
			     const struct sk_buff *data)
{
	struct xtcp_sack_block b[XTCP_SACK_MAX_BLOCKS];
	int max = xs->ts.ok ? XTCP_SACK_MAX_BLOCKS_TS : XTCP_SACK_MAX_BLOCKS;
	int n;

	if (!xs->sack_rcv.nblocks && !xs->sack_rcv.dsack_set)
		return 0;
	max = min(max, (room - XTCP_SACK_ALIGNED_BASE) / XTCP_SACK_BLOCKLEN);
	if (data) {
		u32 left = data->len < xs->tcb.snd_mss ?
			   xs->tcb.snd_mss - data->len : 0;

		max = min_t(int, max, left < XTCP_SACK_ALIGNED_BASE ? 0 :
			    (left - XTCP_SACK_ALIGNED_BASE) / XTCP_SACK_BLOCKLEN);
	}
	n = xtcp_sack_rcv_fill(&xs->sack_rcv, b, max);
	if (!n)
		return 0;
	/* reported once (tcp_established_options() clears it the same way) */
	xs->sack_rcv.dsack_set = false;
	return xtcp_write_sack_option(opt, b, n);
}

/**
 * xtcp_xmit - send one segment on connection @sk
 * @sk: a socket with both addresses and ports set, locked
 * @flags: XTCP_* flags; a SYN gets the MSS (and window scale) options, and
 *	   with XTCP_ACK the segment acknowledges RCV.NXT; any but a RST
 *	   gets the timestamps option if the connection uses it
 * @seq: its sequence number
 * @ack: the acknowledgment number, if @flags has XTCP_ACK
 * @data: a write-queue segment whose payload goes whole, or NULL
 * @now_us: the clock its push read (xtcp_clock_us()), for TSval as
 *	    tcp_skb_timestamp_ts() takes it from the skb's stamp; 0: read it
 *
 * The queued original stays as it is, to be sent again.
 *
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_xmit(struct sock *sk, u8 flags, u32 seq, u32 ack,
	      struct sk_buff *data, u64 now_us)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	unsigned int hlen = XTCP_HLEN;
	struct xtcp_reply r = { .flags = flags, .seq = seq, .ack = ack };
	u8 opts[XTCP_MAX_OPTLEN];
	struct sk_buff *skb;
	struct tcphdr *th;
	int olen = 0;

	if (flags & XTCP_SYN) {
		/* A SYN,ACK offers window scale only if the SYN did (RFC 7323). */
		bool ws = !(flags & XTCP_ACK) || tcb->wscale_ok;

		olen = xtcp_write_syn_options(opts, tcb->mss, ws, tcb->rcv_wscale);
		/*
		 * RFC 2018 §2: SACK-permitted on a SYN, and on a SYN,ACK only
		 * if the SYN had it (the child's sack_ok says both)
		 */
		if (xs->sack_ok)
			olen += xtcp_write_sack_perm(opts + olen);
	}
	/*
	 * RFC 7323 §3.2: once both SYNs carried timestamps, every segment
	 * but a RST does (as tcp_established_options()); a SYN's TSecr is 0
	 * and a SYN,ACK's echoes the SYN's TSval.
	 */
	if (xs->ts.ok && !(flags & XTCP_RST))
		olen += xtcp_write_ts_option(opts + olen, now_us ?
					     xtcp_ts_at(&xs->ts, now_us) :
					     xtcp_ts_now(&xs->ts),
					     flags & XTCP_ACK ?
					     xs->ts.recent : 0);
	if (xs->sack_ok && (flags & (XTCP_ACK | XTCP_SYN | XTCP_RST)) == XTCP_ACK)
		olen += xtcp_sack_options(xs, opts + olen,
					  XTCP_MAX_OPTLEN - olen, data);
	hlen += olen;
	if (data) {
		skb = xtcp_clone_segment(data);
		if (skb)
			xtcp_set_gso(sk, skb, tcb->snd_mss);
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
	/*
	 * No owner: the write queue's original is what the send buffer
	 * counts (sk_wmem_queued), and a clone stuck below us (a netem
	 * delay, a tun nobody reads) must not pin the socket, whose memory
	 * and destructor are this module's: rmmod would wait for it.  So
	 * skb->sk is NULL below IP, as for the control socket's replies.
	 */
	/* a super-segment counts as the segments it becomes, as TCP's do */
	xtcp_sk_add(sk, XTCP_MIB_OUT_SEGS,
		    max_t(u16, skb_shinfo(skb)->gso_segs, 1));
	xs->segs_out += max_t(u16, skb_shinfo(skb)->gso_segs, 1);
	if (flags & XTCP_RST)
		xtcp_sk_inc(sk, XTCP_MIB_OUT_RSTS);
	if (flags & XTCP_ACK)
		xtcp_ack_sent(sk);
	return xtcp_ip_xmit(sk, skb);
}

/* Send what the state machine asked for (no payload). */
int xtcp_send(struct sock *sk, const struct xtcp_reply *r)
{
	return xtcp_xmit(sk, r->flags, r->seq, r->ack, NULL, 0);
}

/**
 * xtcp_ratelimit - may one more event go in this one-second window?
 * @rl: the limiter: when its window began, how many went in it
 * @now: jiffies
 * @limit: events a second; 0 means no limit
 *
 * A window begins with the first event after the last one ended, so a
 * burst is judged from its own start (not from when the namespace was
 * made, which could split it over two windows).  Under a lock: a window's
 * reset on one CPU and a count on another must not interleave, or one
 * event too many goes.
 *
 * Return: true if the event may go.
 */
bool xtcp_ratelimit(struct xtcp_ratelimit *rl, unsigned long now, int limit)
{
	bool ok;

	if (!limit)
		return true;
	spin_lock_bh(&rl->lock);
	if (!rl->count || time_after_eq(now, rl->begin + HZ)) {
		rl->begin = now;
		rl->count = 0;
	}
	ok = rl->count < limit;
	rl->count += ok;
	spin_unlock_bh(&rl->lock);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ratelimit);

/**
 * xtcp_oow_ratelimited - may one more out-of-window or challenge ACK go?
 * @net: the namespace (invalid_ratelimit_ms, the counter)
 * @last: the socket's or TIME_WAIT entry's stamp, jiffies of the last one
 * @mib: what to count when it may not
 *
 * At most one every invalid_ratelimit_ms per connection, as Linux's
 * __tcp_oow_rate_limited(): an ACK loop cannot spin, a reflector gets one
 * ACK for many segments, and, the limit being the connection's own, an
 * off-path attacker learns nothing from a budget shared with others
 * (CVE-2016-5696).  Lockless, as Linux's: a race sends one ACK more.
 *
 * Return: true if the ACK is not to be sent.
 */
bool xtcp_oow_ratelimited(struct net *net, u32 *last, enum xtcp_mib mib)
{
	u32 ms = READ_ONCE(xtcp_pernet(net)->invalid_ratelimit_ms);
	u32 now = (u32)jiffies, val = READ_ONCE(*last);

	if (val) {
		s32 elapsed = (s32)(now - val);

		if (elapsed >= 0 && elapsed < (s32)msecs_to_jiffies(ms)) {
			xtcp_inc(net, mib);
			return true;
		}
	}
	WRITE_ONCE(*last, now);
	return false;
}

/*
 * The same for the ACK that answers out-of-window segment @seg: one with
 * data or a FIN (a retransmission whose ACK was lost) is always answered;
 * ACK loops and reflectors' bait are empty or SYNs (tcp_oow_rate_limited()).
 */
bool xtcp_oow_seg_ratelimited(struct net *net, const struct xtcp_seg *seg,
			      u32 *last, enum xtcp_mib mib)
{
	if (xtcp_seg_len(seg) && !(seg->flags & XTCP_SYN))
		return false;
	return xtcp_oow_ratelimited(net, last, mib);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_oow_seg_ratelimited);

/**
 * xtcp_challenge_allowed - may a challenge ACK (RFC 5961 §7) go?
 * @net: the namespace
 * @last: the connection's stamp, as for xtcp_oow_ratelimited()
 *
 * First the connection's own limit; then, only if challenge_ack_limit is
 * set (0, the default, as Linux 6.x: none), a namespace budget per second
 * drawn at random between half and one and a half times the limit, as
 * tcp_send_challenge_ack() does, so that counting the ACKs tells an
 * attacker little.  Counts ChallengeAcks or why not.
 *
 * Return: true if it may be sent.
 */
bool xtcp_challenge_allowed(struct net *net, u32 *last)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int limit = READ_ONCE(xn->challenge_ack_limit);
	unsigned long now = jiffies / HZ;

	if (xtcp_oow_ratelimited(net, last, XTCP_MIB_ACK_SKIPPED_CHALLENGE))
		return false;
	if (limit) {
		if (now != READ_ONCE(xn->challenge_stamp)) {
			u32 half = ((u32)limit + 1) / 2;

			WRITE_ONCE(xn->challenge_stamp, now);
			atomic_set(&xn->challenge_count,
				   half + get_random_u32() % (u32)limit);
		}
		if (atomic_dec_if_positive(&xn->challenge_count) < 0) {
			xtcp_inc(net, XTCP_MIB_CHALLENGE_LIMITED);
			return false;
		}
	}
	xtcp_inc(net, XTCP_MIB_CHALLENGE_ACKS);
	return true;
}

/*
 * xtcp_v6_send_ctl - answer an IPv6 segment with no connection behind it
 * @net: the namespace @in_skb arrived in
 * @in_skb: the segment (addresses and ports are swapped)
 * @r: what to send
 * @wnd: the window field
 * @user_mss: the MSS option's limit for a SYN,ACK, 0 if none
 * @ts: the timestamps option to send, or NULL
 *
 * As tcp_v6_send_response(): through the namespace's IPv6 control socket.
 */
static void xtcp_v6_send_ctl(struct net *net, struct sk_buff *in_skb,
			     const struct xtcp_reply *r, u16 wnd,
			     u16 user_mss, const struct xtcp_ctl_ts *ts)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(in_skb);
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	struct sock *ctl = xtcp_pernet(net)->ctl_sk6;
	unsigned int hlen = XTCP_HLEN;
	u8 opts[XTCP_SYN_OPTLEN + XTCP_TS_ALIGNED];
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
	if (ts)
		hlen += xtcp_write_ts_option(opts + hlen - XTCP_HLEN,
					     ts->tsval, ts->tsecr);
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

/*
 * Answer @in_skb with no connection behind the answer: @r with window
 * field @wnd; a SYN,ACK (a SYN cookie's) carries the MSS option, the
 * route's MTU less the headers, at most @user_mss if set; @ts, if not
 * NULL, is the timestamps option (TIME_WAIT's ACKs).
 */
static void xtcp_send_ctl_opts(struct net *net, struct sk_buff *in_skb,
			       const struct xtcp_reply *r, u16 wnd,
			       u16 user_mss, const struct xtcp_ctl_ts *ts)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	struct sock *ctl = xn->ctl_sk;
	const struct iphdr *iph;
	unsigned int hlen = XTCP_HLEN;
	u8 opts[XTCP_SYN_OPTLEN + XTCP_TS_ALIGNED];
	struct flowi4 fl4;
	struct sk_buff *skb;
	struct rtable *rt;
	struct tcphdr *th;

	if (!r->flags || !ctl)
		return;
	if ((r->flags & XTCP_RST) &&
	    !xtcp_ratelimit(&xn->rst_limit, jiffies,
			    READ_ONCE(xn->rst_ratelimit))) {
		xtcp_inc(net, XTCP_MIB_RST_RATELIMITED);
		return;
	}
	if (xtcp_skb_v6(in_skb)) {
		xtcp_v6_send_ctl(net, in_skb, r, wnd, user_mss, ts);
		return;
	}
	iph = ip_hdr(in_skb);
	flowi4_init_output(&fl4, inet_iif(in_skb), 0, 0, RT_SCOPE_UNIVERSE,
			   ctl->sk_protocol, 0, iph->saddr, iph->daddr,
			   in_th->source, in_th->dest, sock_net_uid(net, NULL));
	rt = ip_route_output_flow(net, &fl4, ctl);
	if (IS_ERR(rt))
		return;
	/* no window scale: see syncookie.c */
	if (r->flags & XTCP_SYN)
		hlen += xtcp_write_syn_options(opts,
					       xtcp_af_mss(&xtcp_ipv4_ops,
							   dst_mtu(&rt->dst),
							   user_mss),
					       false, 0);
	if (ts)
		hlen += xtcp_write_ts_option(opts + hlen - XTCP_HLEN,
					     ts->tsval, ts->tsecr);
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
	xtcp_send_ctl_opts(net, in_skb, r, wnd, 0, NULL);
}

/**
 * xtcp_send_ctl_ts - xtcp_send_ctl_wnd() with the timestamps option
 * @net: the namespace @in_skb arrived in
 * @in_skb: the segment being answered
 * @r: what to send (not a SYN: TIME_WAIT's ACKs)
 * @wnd: the window field
 * @ts: TSval and TSecr, as tcp_v4_timewait_ack() sends them
 */
void xtcp_send_ctl_ts(struct net *net, struct sk_buff *in_skb,
		      const struct xtcp_reply *r, u16 wnd,
		      const struct xtcp_ctl_ts *ts)
{
	xtcp_send_ctl_opts(net, in_skb, r, wnd, 0, ts);
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
	xtcp_send_ctl_opts(net, in_skb, r, wnd, user_mss, NULL);
}

void xtcp_send_ctl(struct net *net, struct sk_buff *in_skb,
		   const struct xtcp_reply *r)
{
	xtcp_send_ctl_wnd(net, in_skb, r, 0);
}

/* Every segment with ACK carries RCV.NXT and the window: note what we sent. */
void xtcp_ack_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcv_wup = xs->tcb.rcv_nxt;
	if (xs->ack_pending) {
		xs->ack_pending = 0;
		xs->ack_pushed = 0;
		xtcp_timer_idle(xs, XTCP_TIMER_DELACK);
	}
}
