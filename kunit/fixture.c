// SPDX-License-Identifier: GPL-2.0
/*
 * Socket fixtures for the data path's KUnit tests, in the manner of
 * smoltcp's recv!/send!.  xtcp_kt_open() makes a real socket through the
 * socket layer (sock_create_kern(), the module's own init path) in
 * init_net and connects it, non-blocking, to 127.0.0.1:9; its SYN, and
 * everything it sends after, is captured by a KUnit static stub on
 * xtcp_ip_xmit() (output.c) instead of reaching IPv4.  The test plays the
 * peer: xtcp_kt_feed() builds a segment as xtcp_v4_rcv() leaves it after
 * validation (IPv4 and XTCP headers, the control block) and hands it to
 * xtcp_do_rcv(), the function input.c calls after the lookup, with the
 * socket owned by the test as release_sock() drains the backlog.
 * xtcp_kt_expect() checks the next segment captured: flags, SEQ, ACK,
 * window field and payload length.
 *
 * The test owns the socket (lock_sock()) from xtcp_kt_open() on, except
 * while it writes or reads through the socket calls, which lock it
 * themselves.  A timer that expires meanwhile is deferred to release_cb,
 * as for any user, so that nothing is sent behind the test's back;
 * xtcp_kt_fire() runs a timer the same way, with its deadline moved to the
 * past: its expiry goes through release_cb's deadline check.  While the
 * socket is locked, failures are reported with KUNIT_EXPECT only: an
 * aborting assertion would end the case's thread holding the lock.
 *
 * The fixture closes the socket at the end of the case with SO_LINGER
 * {1, 0} (an abort: RST, CLOSED), then checks that no timer is armed and
 * that no reference but its own is left.  The peer's ISN is chosen so that
 * sequence numbers wrap during a case.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "fixture.h"
#include "window.h"

#define XTCP_KT_PEER_PORT	9
#define XTCP_KT_IRS		((u32)-3000)	/* the peer's ISN: wraps soon */

/* The peer's byte at sequence number @seq. */
static u8 xtcp_kt_byte(u32 seq)
{
	return (u8)(seq ^ (seq >> 8));
}

/* Replaces xtcp_ip_xmit(): a fixture socket's segment is recorded, not sent. */
static int xtcp_kt_ip_xmit(struct sock *sk, struct sk_buff *skb)
{
	struct kunit *test = kunit_get_current_test();
	struct xtcp_kt *f = test ? test->priv : NULL;
	const struct tcphdr *th;
	struct xtcp_kt_seg *s;
	struct xtcp_opts opts;

	if (!f || sk != f->sk)
		return ip_queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
	th = tcp_hdr(skb);
	if (f->nsent == XTCP_KT_MAX_SEGS) {
		f->lost++;
		goto out;
	}
	s = &f->sent[f->nsent++];
	s->flags = xtcp_flags(th);
	s->seq = ntohl(th->seq);
	s->ack = ntohl(th->ack_seq);
	s->win = ntohs(th->window);
	s->len = skb->len - skb_transport_offset(skb) - th->doff * 4;
	memset(&opts, 0, sizeof(opts));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE,
			xtcp_check_header(th, skb->len - skb_transport_offset(skb),
					  &opts));
	s->mss = opts.mss;
out:
	consume_skb(skb);
	return 0;
}

void xtcp_kt_lock(struct xtcp_kt *f)
{
	lock_sock(f->sk);
	f->owner = current;
	f->locked = true;
}

void xtcp_kt_unlock(struct xtcp_kt *f)
{
	f->locked = false;
	release_sock(f->sk);
}

/*
 * End of the case: abort the connection (SO_LINGER {1, 0}), then nothing
 * may be left.  From the case itself (xtcp_kt_end()) the socket may be
 * owned: it is let go only just before close() takes it again.
 */
static void xtcp_kt_close(void *data)
{
	struct xtcp_kt *f = data;
	struct kunit *test = f->test;
	struct sock *sk = f->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int id;

	if (f->locked && f->owner != current) {
		/* the case ended holding it: it cannot be taken from here */
		KUNIT_FAIL(test, "the case ended with the socket locked");
		return;
	}
	sock_hold(sk);
	if (f->locked) {
		sock_set_flag(sk, SOCK_LINGER);
		WRITE_ONCE(sk->sk_lingertime, 0);
		xtcp_kt_unlock(f);
	} else {
		sock_no_linger(sk);
	}
	sock_release(f->sock);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_CLOSED);
	for (id = 0; id < XTCP_NR_TIMERS; id++)
		KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, id));
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&xs->timer));
	/* the armed hrtimer and every deferred expiry hold one */
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), 1);
	KUNIT_EXPECT_EQ(test, f->lost, 0);
	sock_put(sk);
}

/* The case is over: close the fixture's socket now and check what is left. */
void xtcp_kt_end(struct xtcp_kt *f)
{
	kunit_release_action(f->test, xtcp_kt_close, f);
}

/* A segment from the peer, as xtcp_v4_rcv() hands it on; @mss: an option. */
static struct sk_buff *xtcp_kt_segment(struct kunit *test, struct sock *sk,
				       u8 flags, u32 seq, u32 ack, u16 win,
				       u32 len, u16 mss)
{
	struct inet_sock *inet = inet_sk(sk);
	unsigned int hlen = XTCP_HLEN + (mss ? XTCP_OPTLEN_MSS : 0);
	struct xtcp_seg *seg;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;
	u8 *p;
	u32 i;

	skb = alloc_skb(MAX_HEADER + sizeof(*iph) + hlen + len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = sk->sk_protocol;
	iph->tot_len = htons(sizeof(*iph) + hlen + len);
	iph->saddr = inet->inet_daddr;
	iph->daddr = inet->inet_saddr;
	skb_set_transport_header(skb, skb->len);
	th = skb_put_zero(skb, hlen);
	th->source = inet->inet_dport;
	th->dest = inet->inet_sport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = hlen / 4;
	((u8 *)th)[13] = flags;
	th->window = htons(win);
	if (mss) {
		p = (u8 *)(th + 1);
		p[0] = XTCP_OPT_MSS;
		p[1] = XTCP_OPTLEN_MSS;
		put_unaligned_be16(mss, p + 2);
	}
	p = skb_put(skb, len);
	for (i = 0; i < len; i++)
		p[i] = xtcp_kt_byte(seq + i);
	__skb_pull(skb, sizeof(*iph));

	/* what xtcp_validate() leaves in the control block */
	memset(skb->cb, 0, sizeof(skb->cb));
	seg = &XTCP_SKB_CB(skb)->seg;
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE,
			xtcp_check_header(th, skb->len, &seg->opts));
	seg->seq = seq;
	seg->ack = ack;
	seg->len = len;
	seg->wnd = win;
	seg->flags = xtcp_flags(th);
	return skb;
}

static void __xtcp_kt_feed(struct kunit *test, struct sock *sk, u8 flags,
			   u32 seq, u32 ack, u16 win, u32 len, u16 mss)
{
	struct xtcp_kt *f = test->priv;
	struct sk_buff *skb;

	KUNIT_EXPECT_TRUE_MSG(test, f && f->locked && f->sk == sk,
			      "feed a fixture's socket, owned by the test");
	if (!f || !f->locked)
		return;
	skb = xtcp_kt_segment(test, sk, flags, seq, ack, win, len, mss);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	if (skb)
		xtcp_do_rcv(sk, skb);
}

/**
 * xtcp_kt_feed - the peer sends a segment
 * @test: the case
 * @sk: the fixture's socket, owned by the test
 * @flags: XTCP_ACK, XTCP_FIN, ...
 * @seq: SEG.SEQ
 * @ack: SEG.ACK
 * @win: the window field
 * @len: payload bytes (the peer's bytes, xtcp_kt_byte())
 */
void xtcp_kt_feed(struct kunit *test, struct sock *sk, u8 flags, u32 seq,
		  u32 ack, u16 win, u32 len)
{
	__xtcp_kt_feed(test, sk, flags, seq, ack, win, len, 0);
}

/**
 * xtcp_kt_expect - the next segment the socket sent must be this one
 * @test: the case
 * @flags: its flags, exactly
 * @seq: SEG.SEQ
 * @ack: SEG.ACK
 * @win: the window field, or XTCP_KT_ANY_WIN
 * @len: payload bytes
 *
 * Return: the segment, or NULL if none was sent.
 */
const struct xtcp_kt_seg *xtcp_kt_expect(struct kunit *test, u8 flags, u32 seq,
					 u32 ack, u32 win, u32 len)
{
	struct xtcp_kt *f = test->priv;
	const struct xtcp_kt_seg *s;

	if (f->next >= f->nsent) {
		KUNIT_FAIL(test, "no segment sent; expected flags %#x seq %u ack %u len %u",
			   flags, seq - f->snd, ack - f->rcv, len);
		return NULL;
	}
	s = &f->sent[f->next++];
	/* sequence numbers relative to the ISNs, as in the cases */
	KUNIT_EXPECT_EQ_MSG(test, s->flags, flags, "segment %u", f->next);
	KUNIT_EXPECT_EQ_MSG(test, s->seq - f->snd, seq - f->snd, "segment %u: seq",
			    f->next);
	KUNIT_EXPECT_EQ_MSG(test, s->ack - f->rcv, ack - f->rcv, "segment %u: ack",
			    f->next);
	if (win != XTCP_KT_ANY_WIN)
		KUNIT_EXPECT_EQ_MSG(test, s->win, win, "segment %u: window",
				    f->next);
	KUNIT_EXPECT_EQ_MSG(test, s->len, len, "segment %u: length", f->next);
	return s;
}

/**
 * xtcp_kt_last - the segments sent since the last expectation
 * @test: the case
 *
 * Each must be a pure ACK (no payload, SYN, FIN or RST).
 *
 * Return: the last of them, or NULL if none was sent.
 */
const struct xtcp_kt_seg *xtcp_kt_last(struct kunit *test)
{
	struct xtcp_kt *f = test->priv;
	const struct xtcp_kt_seg *s = NULL;

	while (f->next < f->nsent) {
		s = &f->sent[f->next++];
		KUNIT_EXPECT_EQ_MSG(test, s->flags, XTCP_ACK, "segment %u", f->next);
		KUNIT_EXPECT_EQ_MSG(test, s->len, 0, "segment %u", f->next);
	}
	return s;
}

/* Nothing more was sent. */
void xtcp_kt_expect_none(struct kunit *test)
{
	struct xtcp_kt *f = test->priv;

	KUNIT_EXPECT_EQ_MSG(test, f->nsent - f->next, 0,
			    "unexpected segment: flags %#x seq %u ack %u len %u",
			    f->next < f->nsent ? f->sent[f->next].flags : 0,
			    f->next < f->nsent ? f->sent[f->next].seq - f->snd : 0,
			    f->next < f->nsent ? f->sent[f->next].ack - f->rcv : 0,
			    f->next < f->nsent ? f->sent[f->next].len : 0);
	f->next = f->nsent;
}

/**
 * xtcp_kt_fire - a timer of the fixture's socket expires
 * @f: the fixture, its socket owned by the test
 * @which: the timer
 *
 * As if its hrtimer had fired while the test owned the socket (the
 * deferral xtcp_timer_fn() makes), with its
 * deadline now past: release_sock() runs the expiry through release_cb's
 * deadline check, in the test's thread.  The socket is owned again on
 * return.
 *
 * Return: false, and nothing done, if the timer is not armed.
 */
bool xtcp_kt_fire(struct xtcp_kt *f, enum xtcp_timer_id which)
{
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	struct sock *sk = f->sk;

	KUNIT_EXPECT_TRUE(f->test, f->locked);
	if (!f->locked || !xtcp_timer_armed(xs, which))
		return false;
	local_bh_disable();
	bh_lock_sock(sk);
	/*
	 * armed: the hrtimer is queued no later than the deadline, or an
	 * expiry is on its way (waiting for our lock to defer it, or
	 * deferred to release_cb already)
	 */
	KUNIT_EXPECT_TRUE(f->test, hrtimer_active(&xs->timer) ||
			  test_bit(which, &xs->timers_deferred));
	if (hrtimer_is_queued(&xs->timer))
		KUNIT_EXPECT_FALSE(f->test,
				   ktime_after(hrtimer_get_softexpires(&xs->timer),
					       xs->timer_due[which]));
	xs->timer_due[which] = ktime_sub_ms(ktime_get(), 1);
	if (!test_and_set_bit(which, &xs->timers_deferred))
		sock_hold(sk);
	bh_unlock_sock(sk);
	local_bh_enable();
	xtcp_kt_unlock(f);
	xtcp_kt_lock(f);
	return true;
}

/* write(2) of @len bytes, MSG_DONTWAIT; the socket stays owned. */
int xtcp_kt_write(struct xtcp_kt *f, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec iov;
	int ret;

	iov.iov_base = kunit_kzalloc(f->test, len, GFP_KERNEL);
	iov.iov_len = len;
	if (!iov.iov_base)
		return -ENOMEM;
	xtcp_kt_unlock(f);
	ret = kernel_sendmsg(f->sock, &msg, &iov, 1, len);
	xtcp_kt_lock(f);
	return ret;
}

/* read(2) of up to @len bytes, MSG_DONTWAIT, checking the peer's bytes. */
int xtcp_kt_read(struct xtcp_kt *f, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	u32 seq = xtcp_sk(f->sk)->copied_seq;
	struct kvec iov;
	u8 *buf;
	int ret, i;

	buf = kunit_kzalloc(f->test, len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	iov.iov_base = buf;
	iov.iov_len = len;
	xtcp_kt_unlock(f);
	ret = kernel_recvmsg(f->sock, &msg, &iov, 1, len, MSG_DONTWAIT);
	xtcp_kt_lock(f);
	for (i = 0; i < ret; i++) {
		if (buf[i] != xtcp_kt_byte(seq + i)) {
			KUNIT_FAIL(f->test, "byte %u read wrong", seq + i - f->rcv);
			break;
		}
	}
	kunit_kfree(f->test, buf);
	return ret;
}

/* The bytes on the receive queue, not yet read. */
u32 xtcp_kt_rcvq_bytes(struct xtcp_kt *f)
{
	struct sk_buff_head *q = &f->sk->sk_receive_queue;
	struct sk_buff *skb;
	u32 n = 0;

	skb_queue_walk(q, skb)
		n += skb->len;
	/* the first skb may be partly read */
	skb = skb_peek(q);
	if (skb)
		n -= xtcp_sk(f->sk)->copied_seq - XTCP_SKB_CB(skb)->seg.seq;
	return n;
}

static int xtcp_kt_setopt(struct socket *sock, int opt, int val)
{
	return sock->ops->setsockopt(sock, SOL_XTCP, opt, KERNEL_SOCKPTR(&val),
				     sizeof(val));
}

/**
 * xtcp_kt_open - a socket ESTABLISHED with the test as its peer
 * @test: the case; its priv becomes the fixture
 * @cfg: MSS, buffers, the peer's window, RTO, Nagle
 *
 * The handshake is checked on the way: our SYN (with the MSS option and
 * the window the receive buffer is worth), the peer's SYN,ACK (the MSS
 * option, no window scaling, so that window fields are bytes), our ACK.
 * Capture stays on until the case ends; GSO is off, so that each segment
 * is one MSS at most.
 *
 * Return: the fixture, its socket owned by the test.
 */
struct xtcp_kt *xtcp_kt_open(struct kunit *test, const struct xtcp_kt_cfg *cfg)
{
	struct sockaddr_xtcp sa = {
		.sxtcp_family = xtcp_family,
		.sxtcp_port = htons(XTCP_KT_PEER_PORT),
		.sxtcp_addr = htonl(INADDR_LOOPBACK),
	};
	struct xtcp_sock *xs;
	struct xtcp_kt *f;
	struct sock *sk;
	u32 iss;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	test->priv = f;
	kunit_activate_static_stub(test, xtcp_ip_xmit, xtcp_kt_ip_xmit);
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, xtcp_family,
						  SOCK_STREAM, 0, &f->sock));
	sk = f->sock->sk;
	f->sk = sk;
	xs = xtcp_sk(sk);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, xtcp_kt_close, f));

	lock_sock(sk);
	WRITE_ONCE(sk->sk_rcvbuf, cfg->rcvbuf);
	WRITE_ONCE(sk->sk_sndbuf, cfg->sndbuf);
	sk->sk_userlocks |= SOCK_RCVBUF_LOCK | SOCK_SNDBUF_LOCK;
	release_sock(sk);
	KUNIT_ASSERT_EQ(test, 0, xtcp_kt_setopt(f->sock, XTCP_MAXSEG, cfg->mss));
	KUNIT_ASSERT_EQ(test, 0, xtcp_kt_setopt(f->sock, XTCP_NODELAY,
						cfg->nodelay));
	KUNIT_ASSERT_EQ(test, -EINPROGRESS,
			kernel_connect(f->sock, (struct sockaddr *)&sa, sizeof(sa),
				       O_NONBLOCK));

	xtcp_kt_lock(f);
	/* one MSS a segment: no super-segments (send.c, xtcp_goal()) */
	sk->sk_route_caps &= ~NETIF_F_GSO_MASK;
	iss = xs->tcb.iss;
	f->snd = iss + 1;
	f->rcv = XTCP_KT_IRS + 1;
	f->win = min_t(u32, xtcp_win_from_space(cfg->rcvbuf, 0), U16_MAX);
	if (xtcp_kt_expect(test, XTCP_SYN, iss, 0, f->win, 0))
		KUNIT_EXPECT_EQ(test, f->sent[0].mss, cfg->mss);
	__xtcp_kt_feed(test, sk, XTCP_SYN | XTCP_ACK, XTCP_KT_IRS, f->snd,
		       cfg->peer_wnd, 0, cfg->mss);
	xtcp_kt_expect(test, XTCP_ACK, f->snd, f->rcv, f->win, 0);
	xtcp_kt_expect_none(test);
	if (xs->tcb.state != XTCP_ESTABLISHED) {
		xtcp_kt_unlock(f);
		KUNIT_FAIL_AND_ABORT(test, "not ESTABLISHED: %s",
				     xtcp_state_name(xs->tcb.state));
	}
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_mss, cfg->mss);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_wnd, cfg->peer_wnd);
	xs->rto_ms = cfg->rto_ms;
	xtcp_rtt_init(&xs->rtt, cfg->rto_ms * USEC_PER_MSEC);
	return f;
}
