// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's ICMP handling (icmp.c) on a real connection over
 * loopback, with the ICMP messages built here and handed to
 * xtcp_v4_err() as icmp_socket_deliver() would, while the test owns the
 * socket or not: "fragmentation needed" for a user-owned socket is done
 * in release_cb, other errors are then soft.  The connection goes to
 * 127.0.0.88 so that the path MTU it learns is no other test's.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "xtcp.h"

#define XTCP_IT_ADDR	0x7f000058	/* 127.0.0.88 */
#define XTCP_IT_PORT	7400

KUNIT_DEFINE_ACTION_WRAPPER(xtcp_it_sock_release, sock_release, struct socket *);

static struct socket *xtcp_it_socket(struct kunit *test)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, xtcp_family,
						  SOCK_STREAM, 0, &sock));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, xtcp_it_sock_release, sock));
	return sock;
}

/* An ICMP error quoting <SEQ=@seq> of @sk's connection, as IPv4 delivers it. */
static struct sk_buff *xtcp_it_icmp(struct kunit *test, struct sock *sk,
				    u8 type, u8 code, u32 seq, u16 mtu)
{
	struct inet_sock *inet = inet_sk(sk);
	struct icmphdr *icmph;
	struct iphdr *iph;
	struct tcphdr *th;
	struct sk_buff *skb;

	skb = alloc_skb(256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->protocol = IPPROTO_ICMP;
	skb_set_transport_header(skb, skb->len);
	icmph = skb_put_zero(skb, sizeof(*icmph));
	icmph->type = type;
	icmph->code = code;
	icmph->un.frag.mtu = htons(mtu);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->protocol = xtcp_ipproto;
	iph->saddr = inet->inet_saddr;
	iph->daddr = inet->inet_daddr;
	th = skb_put_zero(skb, sizeof(*th));
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(seq);
	skb_pull(skb, sizeof(*iph) + sizeof(*icmph));
	skb->dev = init_net.loopback_dev;
	return skb;
}

static void xtcp_it_deliver(struct kunit *test, struct sock *sk, u8 type,
			    u8 code, u32 seq, u16 mtu)
{
	struct sk_buff *skb = xtcp_it_icmp(test, sk, type, code, seq, mtu);

	/* softirq context, as icmp_rcv() */
	local_bh_disable();
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, 0, xtcp_v4_err(skb, mtu));
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);
}

/* A connection over loopback: the client's socket (the accepted one is kept). */
static struct sock *xtcp_it_connect(struct kunit *test, u16 port)
{
	struct sockaddr_xtcp sa = {
		.sxtcp_family = xtcp_family,
		.sxtcp_port = htons(port),
		.sxtcp_addr = htonl(XTCP_IT_ADDR),
	};
	struct socket *l = xtcp_it_socket(test), *c = xtcp_it_socket(test);
	struct socket *a;

	KUNIT_ASSERT_EQ(test, 0, kernel_bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	KUNIT_ASSERT_EQ(test, 0, kernel_listen(l, 4));
	KUNIT_ASSERT_EQ(test, 0, kernel_connect(c, (struct sockaddr *)&sa,
						sizeof(sa), 0));
	KUNIT_ASSERT_EQ(test, 0, kernel_accept(l, &a, 0));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, xtcp_it_sock_release, a));
	return c->sk;
}

/*
 * "Fragmentation needed" while the user owns the socket: nothing changes
 * until release_sock(), whose release_cb lowers the MSS to the new path
 * MTU (1200 - 40, less the 12 bytes of the timestamps option when the
 * connection has it) and drops the reference the deferral took.
 */
static void xtcp_icmp_frag_needed_owned(struct kunit *test)
{
	struct sock *sk = xtcp_it_connect(test, XTCP_IT_PORT);
	struct xtcp_sock *xs = xtcp_sk(sk);
	int ref;
	u16 mss, ts;

	KUNIT_ASSERT_EQ(test, xs->tcb.state, XTCP_ESTABLISHED);
	/* the sysctl's default: both ends offered timestamps */
	KUNIT_EXPECT_TRUE(test, xs->ts.ok);
	ts = xs->ts.ok ? 12 : 0;
	mss = xs->tcb.snd_mss;
	KUNIT_ASSERT_GT(test, mss, 1160);
	lock_sock(sk);
	ref = refcount_read(&sk->sk_refcnt);
	xtcp_it_deliver(test, sk, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			xs->tcb.snd_una, 1200);
	KUNIT_EXPECT_TRUE(test, test_bit(XTCP_MTU_REDUCED_DEFERRED, &xs->flags));
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_mss, mss);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), ref + 1);
	release_sock(sk);
	KUNIT_EXPECT_FALSE(test, test_bit(XTCP_MTU_REDUCED_DEFERRED, &xs->flags));
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_mss, 1160 - ts);
	KUNIT_EXPECT_EQ(test, xs->pmtu_cookie, 1200);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), ref);

	/* not owned: at once; a larger MTU changes nothing */
	xtcp_it_deliver(test, sk, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			xs->tcb.snd_una, 1400);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_mss, 1160 - ts);
	xtcp_it_deliver(test, sk, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			xs->tcb.snd_una, 1000);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_mss, 960 - ts);
}

/*
 * Host unreachable in ESTABLISHED with IP_RECVERR: reported at once
 * (sk_err) when the socket is not owned; while it is, kept soft and
 * counted (LockDroppedIcmps).  Out of SND.UNA..SND.NXT: ignored, counted.
 */
static void xtcp_icmp_unreach_owned(struct kunit *test)
{
	struct sock *sk = xtcp_it_connect(test, XTCP_IT_PORT + 1);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	unsigned long dropped, oow;

	xtcp_inet_set_recverr(sk, true);
	dropped = xtcp_mib_get(net, XTCP_MIB_LOCK_DROPPED_ICMPS);
	oow = xtcp_mib_get(net, XTCP_MIB_OUT_OF_WINDOW_ICMPS);

	lock_sock(sk);
	xtcp_it_deliver(test, sk, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH,
			xs->tcb.snd_una, 0);
	KUNIT_EXPECT_EQ(test, sk->sk_err, 0);
	KUNIT_EXPECT_EQ(test, sk->sk_err_soft, EHOSTUNREACH);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_err, 0);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, xtcp_mib_get(net, XTCP_MIB_LOCK_DROPPED_ICMPS),
			dropped + 1);

	xtcp_it_deliver(test, sk, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
			xs->tcb.snd_nxt + 1, 0);
	KUNIT_EXPECT_EQ(test, sk->sk_err, 0);
	KUNIT_EXPECT_EQ(test, xtcp_mib_get(net, XTCP_MIB_OUT_OF_WINDOW_ICMPS),
			oow + 1);

	xtcp_it_deliver(test, sk, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
			xs->tcb.snd_una, 0);
	KUNIT_EXPECT_EQ(test, sk->sk_err, ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_ESTABLISHED);
}

static struct kunit_case xtcp_icmp_cases[] = {
	KUNIT_CASE(xtcp_icmp_frag_needed_owned),
	KUNIT_CASE(xtcp_icmp_unreach_owned),
	{}
};

static struct kunit_suite xtcp_icmp_suite = {
	.name = "xtcp_icmp",
	.test_cases = xtcp_icmp_cases,
};

kunit_test_suites(&xtcp_icmp_suite);
