// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP and ICMP: the errors IPv4 hands us (inet_protos' err_handler, from
 * icmp_socket_deliver(), softirq under RCU, skb->data at the IP header we
 * sent, at least 8 bytes of our header after it), and ICMPv6's (inet6_protos'
 * err_handler, xtcp_v6_err()), path MTU discovery (RFC 1191, RFC 8201), and
 * the SOL_IP options that steer them.  The rules are tcp_v4_err()'s
 * (net/ipv4/tcp_ipv4.c), for both IPs (xtcp_icmp_apply()):
 *
 * - The quoted segment names the connection (the 4-tuple) and a sequence
 *   number, which must be in flight: SND.UNA <= SEQ <= SND.NXT (RFC 5927
 *   §4.1; ISS for a listener's child in SYN_RECEIVED), else the message is
 *   ignored and counted (OutOfWindowIcmps).  A TIME_WAIT entry ignores it.
 * - SYN_SENT and an active SYN_RECEIVED: an unreachable (any code but
 *   "fragmentation needed"), a parameter problem or a time exceeded ends
 *   the attempt with its errno (icmp_err_convert[]: port unreachable
 *   ECONNREFUSED, protocol ENOPROTOOPT, host EHOSTUNREACH, network
 *   ENETUNREACH, ...).  A listener's child dies quietly of net or host
 *   unreachable, parameter problem and time exceeded (tcp_req_err()).
 * - Synchronized states: RFC 1122 §4.2.3.9 makes these soft errors.  With
 *   IP_RECVERR the error is reported at once (sk_err) and the connection
 *   goes on; without it, it waits in sk_err_soft, which SO_ERROR reads and
 *   a timeout reports instead of ETIMEDOUT (xtcp_timeout_errno()).
 * - RFC 6069: a net or host unreachable for the retransmission of SND.UNA
 *   undoes one backoff of the retransmission timer (xtcp_rtx_revert()).
 * - "Fragmentation needed" (RFC 1191): the route learns the MTU (a
 *   nexthop exception), the send MSS drops to fit it (never below
 *   min_snd_mss), and what was in flight in larger segments goes again at
 *   once, cut to the new size (tcp_v4_mtu_reduced(),
 *   tcp_simple_retransmit()).  Segments carry DF as IP_MTU_DISCOVER says
 *   (ip_dont_fragment(); by default "want", or "don't" with
 *   net.ipv4.ip_no_pmtu_disc).
 *
 * A socket owned by a user: "fragmentation needed" is kept in mtu_info and
 * done in release_cb (XTCP_MTU_REDUCED_DEFERRED, as TCP_MTU_REDUCED_DEFERRED);
 * other errors go to sk_err_soft (LockDroppedIcmps counts them).  One more
 * than TCP: a hard error for a connection attempt also ends it in
 * release_cb (XTCP_ICMP_ERR_DEFERRED), if it is still an attempt then.
 * connect() holds the socket while its SYN goes out, and over a veth the
 * router's answer can arrive in that same softirq run; TCP would wait for
 * the next SYN (1 s) to try again.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/addrconf.h>
#include <net/icmp.h>
#include <net/inet_connection_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/route.h>
#include <net/sock.h>

#include "seq.h"
#include "timewait.h"
#include "xtcp.h"

/**
 * xtcp_mtu_reduced - act on the MTU the last "fragmentation needed" gave
 * @sk: a connection, BH-locked and not user-owned, or owned by us (release_cb)
 */
void xtcp_mtu_reduced(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct dst_entry *dst;
	u32 mtu, dmtu;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	mtu = READ_ONCE(xtcp_sk(sk)->mtu_info);
	/* the route clamps it (min_pmtu) and rebuilds the cached dst */
	dst = xtcp_sk(sk)->af->update_pmtu(sk, mtu);
	if (!dst)
		return;
	dmtu = dst_mtu(dst);
	/* as tcp_v6_mtu_reduced(): IPv6 has no DF bit, PMTUD is always on */
	if (xtcp_sk(sk)->af->family == AF_INET6) {
		if (xtcp_sk(sk)->pmtu_cookie > dmtu) {
			xtcp_sync_mss(sk, dmtu);
			xtcp_mtu_retransmit(sk);
		}
		return;
	}
	/* the route will not go that low: remember, in case this never heals */
	if (mtu < dmtu && ip_dont_fragment(sk, dst))
		WRITE_ONCE(sk->sk_err_soft, EMSGSIZE);
	if (inet->pmtudisc != IP_PMTUDISC_DONT && ip_sk_accept_pmtu(sk) &&
	    xtcp_sk(sk)->pmtu_cookie > dmtu) {
		xtcp_sync_mss(sk, dmtu);
		/* what did not fit was dropped: resend it now, not at the RTO */
		xtcp_mtu_retransmit(sk);
	}
}

/*
 * release_cb: what ICMP left for the owner of @sk (locked, BH off).  A
 * hard error ends an attempt that is still one (not if the backlog
 * brought its SYN,ACK meanwhile), with the error SO_ERROR has not taken.
 */
void xtcp_icmp_release(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	/* tested first: an atomic operation only when set (under our lock) */
	if (test_bit(XTCP_MTU_REDUCED_DEFERRED, &xs->flags) &&
	    test_and_clear_bit(XTCP_MTU_REDUCED_DEFERRED, &xs->flags)) {
		xtcp_mtu_reduced(sk);
		__sock_put(sk);
	}
	if (test_bit(XTCP_ICMP_ERR_DEFERRED, &xs->flags) &&
	    test_and_clear_bit(XTCP_ICMP_ERR_DEFERRED, &xs->flags)) {
		err = READ_ONCE(sk->sk_err_soft);
		if (err && (xs->tcb.state == XTCP_SYN_SENT ||
			    (xs->tcb.state == XTCP_SYN_RECEIVED &&
			     !xs->tcb.passive))) {
			xtcp_inc(sock_net(sk), XTCP_MIB_ATTEMPT_FAILS);
			xtcp_done(sk, err);
		}
		__sock_put(sk);
	}
}

/* An ICMP redirect updates the cached route (TCP's do_redirect()). */
static void xtcp_redirect(struct sk_buff *skb, struct sock *sk)
{
	u32 cookie = xtcp_sk(sk)->af->family == AF_INET6 ?
		     inet6_sk(sk)->dst_cookie : 0;
	struct dst_entry *dst = __sk_dst_check(sk, cookie);

	if (dst)
		dst->ops->redirect(dst, sk, skb);
}

/* RFC 6069 for the retransmission of SND.UNA (tcp_ld_RTO_revert()). */
static void xtcp_icmp_rto_revert(struct sock *sk, u32 seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (sock_owned_by_user(sk) || seq != xs->tcb.snd_una ||
	    !xs->retries || !xs->rtt.backoff || !xtcp_timer_armed(xs, XTCP_TIMER_RTX) ||
	    !xtcp_state_sends(xs->tcb.state) ||
	    skb_queue_empty(&sk->sk_write_queue))
		return;
	xtcp_rtx_revert(sk);
}

/*
 * A listener's child in SYN_RECEIVED: only our SYN,ACK (ISS) can have
 * drawn the message; the child dies of the errors tcp_req_err() takes as
 * fatal, and POSIX wants no network error from accept().
 */
static void xtcp_icmp_child(struct sock *sk, u32 seq, bool fatal)
{
	struct net *net = sock_net(sk);

	if (seq != xtcp_sk(sk)->tcb.iss) {
		xtcp_inc(net, XTCP_MIB_OUT_OF_WINDOW_ICMPS);
		return;
	}
	if (fatal && !sock_owned_by_user(sk) && xtcp_sk(sk)->parent) {
		xtcp_inc(net, XTCP_MIB_ATTEMPT_FAILS);
		xtcp_child_drop(sk);
	}
}

/* No connection has the 4-tuple: a TIME_WAIT entry, or nothing at all. */
static int xtcp_icmp_no_conn(struct net *net, const struct iphdr *iph,
			     const struct tcphdr *th)
{
	struct xtcp_key key = {
		.laddr = iph->saddr, .lport = th->source,
		.raddr = iph->daddr, .rport = th->dest,
	};
	struct xtcp_tw *tw = xtcp_tw_lookup(net, &key);

	if (tw) {
		xtcp_tw_put(tw);	/* TIME_WAIT ignores ICMP */
		return 0;
	}
	__ICMP_INC_STATS(net, ICMP_MIB_INERRORS);
	return -ENOENT;
}

/**
 * xtcp_v4_err - an ICMP error quoting one of our segments
 * @skb: the ICMP message, its data at the quoted IP header
 * @info: the next-hop MTU for "fragmentation needed", else 0
 *
 * Return: 0, or -ENOENT when no connection or TIME_WAIT entry has the
 * quoted 4-tuple.
 */
int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data +
							   (iph->ihl << 2));
	struct net *net = dev_net(skb->dev);
	const int type = icmp_hdr(skb)->type;
	const int code = icmp_hdr(skb)->code;
	struct xtcp_icmp_err e = { .seq = ntohl(th->seq) };
	struct sock *sk;

	/* we sent it: its source is our address and port */
	sk = xtcp_lookup_connection(net, iph->saddr, th->source, iph->daddr,
				    th->dest);
	if (!sk)
		return xtcp_icmp_no_conn(net, iph, th);
	if (inet_sk(sk)->inet_dport != th->dest ||
	    inet_sk(sk)->inet_daddr != iph->daddr)
		goto out;

	e.fatal = type == ICMP_PARAMETERPROB || type == ICMP_TIME_EXCEEDED ||
		  (type == ICMP_DEST_UNREACH &&
		   (code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH));
	switch (type) {
	case ICMP_REDIRECT:
		e.kind = XTCP_ICMP_REDIRECT;
		break;
	case ICMP_PARAMETERPROB:
		e.kind = XTCP_ICMP_ERROR;
		e.err = EPROTO;
		break;
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH)
			break;	/* ignored */
		if (code == ICMP_FRAG_NEEDED) {
			e.kind = XTCP_ICMP_MTU;
			e.mtu = info;
			break;
		}
		e.kind = XTCP_ICMP_ERROR;
		e.err = icmp_err_convert[code].errno;
		e.unreach = code == ICMP_NET_UNREACH ||
			    code == ICMP_HOST_UNREACH;
		break;
	case ICMP_TIME_EXCEEDED:
		e.kind = XTCP_ICMP_ERROR;
		e.err = EHOSTUNREACH;
		break;
	default:
		break;	/* source quench (RFC 6633) and the rest: ignored */
	}
	xtcp_icmp_apply(sk, skb, &e);
out:
	sock_put(sk);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_err);

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

/**
 * xtcp_icmp_apply - act on an ICMP or ICMPv6 error for connection @sk
 * @sk: the connection the quoted segment is from (a reference held)
 * @skb: the message
 * @e: what its handler read from it
 *
 * The same rules for both IPs: a listener's child dies of the fatal
 * errors, the quoted segment must be one in flight (RFC 5927 §4.1), the
 * path MTU goes down, redirects update the route, and errors are hard
 * while connecting and soft after (RFC 1122 §4.2.3.9).
 */
void xtcp_icmp_apply(struct sock *sk, struct sk_buff *skb,
		     const struct xtcp_icmp_err *e)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	bool owned;

	bh_lock_sock(sk);
	owned = sock_owned_by_user(sk);
	/* local "fragmentation needed" may come while we send: deferred below */
	if (owned && e->kind != XTCP_ICMP_MTU)
		xtcp_inc(net, XTCP_MIB_LOCK_DROPPED_ICMPS);
	if (xs->tcb.state == XTCP_CLOSED || xs->tcb.state == XTCP_LISTEN)
		goto out;

	if (xs->tcb.state == XTCP_SYN_RECEIVED && xs->tcb.passive) {
		xtcp_icmp_child(sk, e->seq, e->fatal);
		goto out;
	}
	/* RFC 5927 §4.1: the quoted segment must be one in flight */
	if (!xtcp_seq_leq(xs->tcb.snd_una, e->seq) ||
	    !xtcp_seq_leq(e->seq, xs->tcb.snd_nxt)) {
		xtcp_inc(net, XTCP_MIB_OUT_OF_WINDOW_ICMPS);
		goto out;
	}

	switch (e->kind) {
	case XTCP_ICMP_IGNORE:
		goto out;
	case XTCP_ICMP_REDIRECT:
		if (!owned)
			xtcp_redirect(skb, sk);
		goto out;
	case XTCP_ICMP_MTU:
		WRITE_ONCE(xs->mtu_info, e->mtu);
		if (!owned)
			xtcp_mtu_reduced(sk);
		else if (!test_and_set_bit(XTCP_MTU_REDUCED_DEFERRED,
					   &xs->flags))
			sock_hold(sk);	/* release_cb puts it */
		goto out;
	case XTCP_ICMP_ERROR:
		break;
	}
	if (e->unreach)
		xtcp_icmp_rto_revert(sk, e->seq);

	if (xs->tcb.state == XTCP_SYN_SENT ||
	    xs->tcb.state == XTCP_SYN_RECEIVED) {
		if (!owned) {
			xtcp_inc(net, XTCP_MIB_ATTEMPT_FAILS);
			xtcp_done(sk, e->err);
		} else {
			WRITE_ONCE(sk->sk_err_soft, e->err);
			if (!test_and_set_bit(XTCP_ICMP_ERR_DEFERRED, &xs->flags))
				sock_hold(sk);	/* release_cb puts it */
		}
		goto out;
	}
	/* RFC 1122 §4.2.3.9: soft errors in a synchronized state */
	if (!owned && xtcp_inet_recverr(sk)) {
		WRITE_ONCE(sk->sk_err, e->err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, e->err);
	}
out:
	bh_unlock_sock(sk);
}

/*
 * SOL_IP: IP_RECVERR and IP_MTU_DISCOVER go to ip_setsockopt(), and IP_TOS
 * and IP_TTL, which ip_queue_xmit() puts on every segment; the other
 * IPv4 options are TCP's business that XTCP does not take (multicast
 * memberships, for one, would outlive a socket that inet_release() never
 * sees).
 */
int xtcp_ip_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen)
{
	switch (optname) {
	case IP_RECVERR:
	case IP_MTU_DISCOVER:
	case IP_TOS:
	case IP_TTL:
		return ip_setsockopt(sk, SOL_IP, optname, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

/* The same, and IP_MTU: the path MTU of the cached route. */
int xtcp_ip_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen)
{
	switch (optname) {
	case IP_RECVERR:
	case IP_MTU_DISCOVER:
	case IP_MTU:
	case IP_TOS:
	case IP_TTL:
		return ip_getsockopt(sk, SOL_IP, optname, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}
