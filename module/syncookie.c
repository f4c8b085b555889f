// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies (RFC 4987 §3.6), as Linux's tcp_syncookies does them
 * (net/ipv4/syncookies.c, tcp_conn_request(), tcp_syn_flood_action()).
 *
 * When a listener's SYN queue is full (sysctl syncookies=1), or always
 * (syncookies=2), a SYN makes no child: the SYN,ACK goes out through the
 * namespace's control socket with an ISN that carries what the child
 * would have kept,
 *
 *	ISN = H(k0; tuple, 0) + SEG.SEQ + (count << 24)
 *	      + ((H(k1; tuple, count) + mssind) mod 2^24)
 *
 * H is SipHash over (saddr, daddr, sport << 16 | dport, count) with two
 * keys chosen at module load, count a minute counter (jiffies / 60 s),
 * and mssind the index of the peer's MSS, rounded down, in a table of
 * four (536, 1300, 1440, 1460: Linux's msstab).  The ACK that comes
 * back is checked while the listener sent a cookie in the last two
 * minutes: SEG.ACK - 1 and SEG.SEQ - 1 give the cookie and the SYN's
 * sequence number back; the count must be this minute's or the last
 * (MAX_SYNCOOKIE_AGE), and the data an index into the table.  The
 * connection is then made from the ACK alone (listen.c,
 * xtcp_cookie_child()), which goes on to the child as the ACK of its
 * SYN,ACK, data and all.  A bad cookie counts SyncookiesFailed and is
 * answered as any ACK to a listener: <SEQ=SEG.ACK><CTL=RST>.
 *
 * Over IPv6 (as net/ipv6/syncookies.c) the same, with each 128-bit
 * address first folded to 32 bits by SipHash under the first key
 * (xtcp_cookie_addrs()): no one who does not know the key can pick two
 * addresses that fold alike, so a cookie still binds its 4-tuple.
 *
 * Options: Linux keeps the window scale (and SACK and ECN) in the low
 * bits of the SYN,ACK's timestamp; without timestamps it keeps nothing
 * but the MSS (tcp_conn_request() clears the options when the SYN has no
 * timestamp).  XTCP has no timestamps, so a cookie SYN,ACK offers no
 * window scale and the connection runs unscaled, as Linux's does with a
 * peer that sends no timestamps.
 */
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "syncookie.h"
#include "window.h"
#include "xtcp.h"

static struct xtcp_cookie_key xtcp_cookie_secret __read_mostly;

/* Sorted: 'An Analysis of TCP Maximum Segment Sizes' (Alcock, Nelson). */
static const u16 xtcp_msstab[XTCP_COOKIE_MSS_NR] = {
	536,
	1300,
	1440,	/* 1440, 1452: PPPoE */
	1460,
};

void xtcp_cookie_init(void)
{
	get_random_bytes(&xtcp_cookie_secret, sizeof(xtcp_cookie_secret));
}

static u32 xtcp_cookie_hash(const siphash_key_t *key, __be32 saddr,
			    __be32 daddr, __be16 sport, __be16 dport, u32 count)
{
	return siphash_4u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    count, key);
}

/**
 * xtcp_cookie_make - secure_tcp_syn_cookie(): the ISN of a cookie SYN,ACK
 * @key: the two secrets
 * @saddr: the SYN's source (the peer)
 * @daddr: the SYN's destination (us)
 * @sport: the SYN's source port
 * @dport: the SYN's destination port
 * @sseq: the SYN's sequence number
 * @count: the minute counter
 * @data: what to keep, below 2^24 (the MSS index)
 *
 * Return: the cookie.
 */
u32 xtcp_cookie_make(const struct xtcp_cookie_key *key, __be32 saddr,
		     __be32 daddr, __be16 sport, __be16 dport, u32 sseq,
		     u32 count, u32 data)
{
	return xtcp_cookie_hash(&key->k[0], saddr, daddr, sport, dport, 0) +
	       sseq + (count << XTCP_COOKIEBITS) +
	       ((xtcp_cookie_hash(&key->k[1], saddr, daddr, sport, dport,
				  count) + data) & XTCP_COOKIEMASK);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_make);

/**
 * xtcp_cookie_data - check_tcp_syn_cookie(): what a cookie kept
 * @key: the two secrets
 * @cookie: SEG.ACK - 1 of the returning ACK
 * @saddr: the ACK's source
 * @daddr: the ACK's destination
 * @sport: the ACK's source port
 * @dport: the ACK's destination port
 * @sseq: SEG.SEQ - 1 of the ACK (the SYN's)
 * @count: the minute counter now
 *
 * Return: the data, or XTCP_COOKIE_BAD when the cookie's count is not
 * this minute's or the last.  A forged cookie gives data the caller must
 * reject (out of its range).
 */
u32 xtcp_cookie_data(const struct xtcp_cookie_key *key, u32 cookie,
		     __be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		     u32 sseq, u32 count)
{
	u32 diff;

	cookie -= xtcp_cookie_hash(&key->k[0], saddr, daddr, sport, dport, 0) +
		  sseq;
	/* the top 8 bits are the count, modulo 2^8 */
	diff = (count - (cookie >> XTCP_COOKIEBITS)) &
	       ((u32)-1 >> XTCP_COOKIEBITS);
	if (diff >= XTCP_MAX_SYNCOOKIE_AGE)
		return XTCP_COOKIE_BAD;
	return (cookie - xtcp_cookie_hash(&key->k[1], saddr, daddr, sport,
					  dport, count - diff)) &
	       XTCP_COOKIEMASK;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_data);

/* The largest table entry not above @mss; the smallest for any less. */
u32 xtcp_cookie_mss_index(u16 mss)
{
	u32 i;

	for (i = XTCP_COOKIE_MSS_NR - 1; i; i--)
		if (mss >= xtcp_msstab[i])
			break;
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_mss_index);

/* The MSS an index stands for; 0 for a bad index. */
u16 xtcp_cookie_mss(u32 index)
{
	return index < XTCP_COOKIE_MSS_NR ? xtcp_msstab[index] : 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_mss);

/*
 * The SYN's (or its ACK's) source and destination as the hash takes them:
 * IPv4's addresses, or IPv6's folded by SipHash under the first key.
 */
static void xtcp_cookie_addrs(const struct sk_buff *skb, __be32 *saddr,
			      __be32 *daddr)
{
	const siphash_key_t *k = &xtcp_cookie_secret.k[0];

	if (xtcp_skb_v6(skb)) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		*saddr = (__force __be32)(u32)siphash(&ip6h->saddr,
						      sizeof(ip6h->saddr), k);
		*daddr = (__force __be32)(u32)siphash(&ip6h->daddr,
						      sizeof(ip6h->daddr), k);
	} else {
		*saddr = ip_hdr(skb)->saddr;
		*daddr = ip_hdr(skb)->daddr;
	}
}

/* tcp_cookie_time(): the minute counter */
static u32 xtcp_cookie_time(void)
{
	return (u32)div_u64(get_jiffies_64(), XTCP_SYNCOOKIE_PERIOD);
}

/* tcp_synq_overflow(): when the last cookie went; once a second will do. */
static void xtcp_synq_overflow(struct sock *listener)
{
	struct xtcp_sock *xs = xtcp_sk(listener);
	unsigned long last = READ_ONCE(xs->synq_overflow_ts);
	unsigned long now = jiffies;

	if (!time_in_range(now, last, last + HZ))
		WRITE_ONCE(xs->synq_overflow_ts, now);
}

/* !tcp_synq_no_recent_overflow(): a cookie may be on its way back. */
static bool xtcp_synq_recent_overflow(const struct sock *listener)
{
	unsigned long last = READ_ONCE(xtcp_sk(listener)->synq_overflow_ts);

	return time_in_range(jiffies, last - HZ, last + XTCP_SYNCOOKIE_VALID);
}

/**
 * xtcp_syn_flood_action - tcp_syn_flood_action(): the SYN queue is full
 * (or syncookies=2)
 * @listener: the listener (not locked: input.c)
 *
 * Logs the flood once per listener (not with syncookies=2).
 *
 * Return: true to answer with a cookie, false to drop the SYN.
 */
bool xtcp_syn_flood_action(struct sock *listener)
{
	int syncookies = READ_ONCE(xtcp_pernet(sock_net(listener))->syncookies);
	const char *what = syncookies ? "Sending cookies" : "Dropping request";
	struct xtcp_sock *xs = xtcp_sk(listener);

	if (syncookies == 2 || test_bit(XTCP_SYNFLOOD_WARNED, &xs->flags) ||
	    test_and_set_bit(XTCP_SYNFLOOD_WARNED, &xs->flags))
		return syncookies;
	if (listener->sk_family == AF_INET6)
		net_info_ratelimited("xtcp: Possible SYN flooding on port [%pI6c]:%u. %s.\n",
				     &listener->sk_v6_rcv_saddr,
				     inet_sk(listener)->inet_num, what);
	else
		net_info_ratelimited("xtcp: Possible SYN flooding on port %pI4:%u. %s.\n",
				     &inet_sk(listener)->inet_rcv_saddr,
				     inet_sk(listener)->inet_num, what);
	return syncookies;
}

/**
 * xtcp_cookie_synack - answer the SYN in @skb with a cookie, keep nothing
 * @listener: the listener (not locked: input.c)
 * @skb: the SYN, validated (its segment in the cb)
 */
void xtcp_cookie_synack(struct sock *listener, struct sk_buff *skb)
{
	const struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_sock *lxs = xtcp_sk(listener);
	struct net *net = sock_net(listener);
	u16 user = READ_ONCE(lxs->user_mss);
	u16 mss = seg->opts.mss ?: XTCP_DEFAULT_MSS;
	struct xtcp_reply r;
	__be32 saddr, daddr;
	u32 wnd;

	/* tcp_parse_options(): the peer's MSS, clamped to XTCP_MAXSEG */
	if (user && user < mss)
		mss = user;
	xtcp_cookie_addrs(skb, &saddr, &daddr);
	r.flags = XTCP_SYN | XTCP_ACK;
	r.seq = xtcp_cookie_make(&xtcp_cookie_secret, saddr, daddr,
				 th->source, th->dest, seg->seq,
				 xtcp_cookie_time(),
				 xtcp_cookie_mss_index(mss));
	r.ack = seg->seq + 1;
	xtcp_synq_overflow(listener);
	xtcp_inc(net, XTCP_MIB_SYNCOOKIES_SENT);
	/* the window the child will have (xtcp_rcv_window_init()), unscaled */
	wnd = xtcp_syn_window(READ_ONCE(listener->sk_rcvbuf), lxs->rcv_ratio);
	xtcp_send_ctl_synack(net, skb, &r, min_t(u32, wnd, U16_MAX), user);
}

/**
 * xtcp_cookie_check - cookie_v4_check(): is @skb the ACK of a cookie?
 * @listener: the listener (not locked: input.c)
 * @skb: a segment for it, validated
 *
 * Only a segment with ACK and neither SYN nor RST is looked at, and only
 * while cookies are on and the listener sent one in the last two minutes
 * (otherwise it is an ordinary ACK to a listener, and no failure).
 *
 * Return: the MSS the cookie kept, or 0 (not a valid cookie).
 */
u16 xtcp_cookie_check(struct sock *listener, struct sk_buff *skb)
{
	const struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	const struct tcphdr *th = tcp_hdr(skb);
	struct net *net = sock_net(listener);
	__be32 saddr, daddr;
	u16 mss;

	if (!READ_ONCE(xtcp_pernet(net)->syncookies) ||
	    (seg->flags & (XTCP_SYN | XTCP_RST | XTCP_ACK)) != XTCP_ACK ||
	    !xtcp_synq_recent_overflow(listener))
		return 0;
	xtcp_cookie_addrs(skb, &saddr, &daddr);
	mss = xtcp_cookie_mss(xtcp_cookie_data(&xtcp_cookie_secret,
					       seg->ack - 1, saddr,
					       daddr, th->source,
					       th->dest, seg->seq - 1,
					       xtcp_cookie_time()));
	xtcp_inc(net, mss ? XTCP_MIB_SYNCOOKIES_RECV :
			    XTCP_MIB_SYNCOOKIES_FAILED);
	return mss;
}
