// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP and ICMP: the errors IPv4 hands us (inet_protos' err_handler, from
 * icmp_socket_deliver(), softirq under RCU, skb->data at the IP header we
 * sent, at least 8 bytes of our header after it), path MTU discovery
 * (RFC 1191), and the SOL_IP options that steer them.  The rules are
 * tcp_v4_err()'s (net/ipv4/tcp_ipv4.c):
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
#include <net/icmp.h>
#include <net/inet_connection_sock.h>
#include <net/ip.h>
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
	dst = inet_csk_update_pmtu(sk, mtu);
	if (!dst)
		return;
	dmtu = dst_mtu(dst);
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

	if (test_and_clear_bit(XTCP_MTU_REDUCED_DEFERRED, &xs->flags)) {
		xtcp_mtu_reduced(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_ICMP_ERR_DEFERRED, &xs->flags)) {
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
	struct dst_entry *dst = __sk_dst_check(sk, 0);

	if (dst)
		dst->ops->redirect(dst, sk, skb);
}

/* RFC 6069 for the retransmission of SND.UNA (tcp_ld_RTO_revert()). */
static void xtcp_icmp_rto_revert(struct sock *sk, u32 seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (sock_owned_by_user(sk) || seq != xs->tcb.snd_una ||
	    !xs->retries || !xs->rtt.backoff || xs->rtx_due == KTIME_MAX ||
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
	struct xtcp_sock *xs;
	struct sock *sk;
	bool owned;
	u32 seq;
	int err;

	/* we sent it: its source is our address and port */
	sk = xtcp_lookup_connection(net, iph->saddr, th->source, iph->daddr,
				    th->dest);
	if (!sk)
		return xtcp_icmp_no_conn(net, iph, th);
	xs = xtcp_sk(sk);
	seq = ntohl(th->seq);

	bh_lock_sock(sk);
	owned = sock_owned_by_user(sk);
	/* local "fragmentation needed" may come while we send: deferred below */
	if (owned && !(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED))
		xtcp_inc(net, XTCP_MIB_LOCK_DROPPED_ICMPS);
	if (xs->tcb.state == XTCP_CLOSED || xs->tcb.state == XTCP_LISTEN ||
	    inet_sk(sk)->inet_dport != th->dest ||
	    inet_sk(sk)->inet_daddr != iph->daddr)
		goto out;

	if (xs->tcb.state == XTCP_SYN_RECEIVED && xs->tcb.passive) {
		xtcp_icmp_child(sk, seq, type == ICMP_PARAMETERPROB ||
				type == ICMP_TIME_EXCEEDED ||
				(type == ICMP_DEST_UNREACH &&
				 (code == ICMP_NET_UNREACH ||
				  code == ICMP_HOST_UNREACH)));
		goto out;
	}
	/* RFC 5927 §4.1: the quoted segment must be one in flight */
	if (!xtcp_seq_leq(xs->tcb.snd_una, seq) ||
	    !xtcp_seq_leq(seq, xs->tcb.snd_nxt)) {
		xtcp_inc(net, XTCP_MIB_OUT_OF_WINDOW_ICMPS);
		goto out;
	}

	switch (type) {
	case ICMP_REDIRECT:
		if (!owned)
			xtcp_redirect(skb, sk);
		goto out;
	case ICMP_SOURCE_QUENCH:
		goto out;	/* RFC 6633: ignored */
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		break;
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH)
			goto out;
		if (code == ICMP_FRAG_NEEDED) {
			WRITE_ONCE(xs->mtu_info, info);
			if (!owned)
				xtcp_mtu_reduced(sk);
			else if (!test_and_set_bit(XTCP_MTU_REDUCED_DEFERRED,
						   &xs->flags))
				sock_hold(sk);	/* release_cb puts it */
			goto out;
		}
		err = icmp_err_convert[code].errno;
		if (code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH)
			xtcp_icmp_rto_revert(sk, seq);
		break;
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	default:
		goto out;
	}

	if (xs->tcb.state == XTCP_SYN_SENT ||
	    xs->tcb.state == XTCP_SYN_RECEIVED) {
		if (!owned) {
			xtcp_inc(net, XTCP_MIB_ATTEMPT_FAILS);
			xtcp_done(sk, err);
		} else {
			WRITE_ONCE(sk->sk_err_soft, err);
			if (!test_and_set_bit(XTCP_ICMP_ERR_DEFERRED, &xs->flags))
				sock_hold(sk);	/* release_cb puts it */
		}
		goto out;
	}
	/* RFC 1122 §4.2.3.9: soft errors in a synchronized state */
	if (!owned && xtcp_inet_recverr(sk)) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_err);

/*
 * SOL_IP: IP_RECVERR and IP_MTU_DISCOVER go to ip_setsockopt(); the other
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
		return ip_setsockopt(sk, SOL_IP, optname, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

/* The same two, and IP_MTU: the path MTU of the cached route. */
int xtcp_ip_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen)
{
	switch (optname) {
	case IP_RECVERR:
	case IP_MTU_DISCOVER:
	case IP_MTU:
		return ip_getsockopt(sk, SOL_IP, optname, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}
