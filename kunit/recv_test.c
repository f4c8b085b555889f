// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the receiver (recv.c) on a real socket: the peer's
 * segments go in through xtcp_do_rcv(), the ACKs and window updates the
 * socket sends are checked one by one (fixture.c).  Sequence numbers are
 * relative to the ISNs; the peer's wrap past 2^32 during each case.
 * Default fixture: MSS 1000, a 64 KiB receive buffer, whose window (the
 * SYN's, f->win) is half of it, 32768.
 */
#include <kunit/test.h>
#include <net/sock.h>

#include "fixture.h"

/*
 * In order (RFC 9293 §3.8.6.3, RFC 5681 §4.2): every second full segment
 * is ACKed at once, a first one or a short one is held back; the window's
 * right edge stays where it was (§3.8.6), the segments' buffer space being
 * worth less than the window promised.
 */
static void xtcp_recv_in_order(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd, w = f->win;

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 20000, 1000);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, XTCP_TIMER_DELACK));
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r + 1000, s, 20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r + 2000, w - 2000, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_DELACK));

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r + 2000, s, 20000, 1000);
	xtcp_kt_expect_none(test);
	xtcp_kt_feed(test, f->sk, XTCP_ACK | XTCP_PSH, r + 3000, s, 20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r + 4000, w - 4000, 0);

	/* less than two segments' worth: held back */
	xtcp_kt_feed(test, f->sk, XTCP_ACK | XTCP_PSH, r + 4000, s, 20000, 500);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.rcv_nxt, r + 4500);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rcvq_bytes(f), 4500);
	KUNIT_EXPECT_EQ(test, xs->ack_pending, 500);
	xtcp_kt_end(f);
}

/*
 * After a hole (RFC 5681 §4.2, RFC 9293 §3.10.7.4 seventh): the segment is
 * kept and a duplicate ACK goes at once, the window unchanged; the one
 * that fills the hole is ACKed at once, for everything now in order.
 */
static void xtcp_recv_out_of_order(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd, w = f->win;

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r + 1000, s, 20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r, w, 0);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r + 2000, s, 20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r, w, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.rcv_nxt, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rcvq_bytes(f), 0);

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r + 3000, w - 3000, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_empty(&xs->ofo));

	/* all of it readable, in order (xtcp_kt_read() checks the bytes) */
	KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 4000), 3000);
	xtcp_kt_expect_none(test);
	xtcp_kt_end(f);
}

/*
 * A read sends a window update only when what the peer may still send is
 * at most half of what the buffer holds, and the window offered now is at
 * least twice that (__tcp_cleanup_rbuf()).  Reading 2000 of a 32768-byte
 * window sends nothing; nor does reading 1000 when 12768 are left (less
 * than half), the window being unable to double.
 */
static void xtcp_recv_window_no_update(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	u32 r = f->rcv, s = f->snd, w = f->win, seq;
	const struct xtcp_kt_seg *a = NULL;

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 20000, 1000);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r + 1000, s, 20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r + 2000, w - 2000, 0);
	KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 2000), 2000);
	xtcp_kt_expect_none(test);

	/* 18 segments more: 12768 of the window left, its edge kept */
	for (seq = r + 2000; seq != r + 20000; seq += 1000) {
		xtcp_kt_feed(test, f->sk, XTCP_ACK, seq, s, 20000, 1000);
		a = xtcp_kt_last(test) ?: a;
	}
	KUNIT_EXPECT_FALSE(test, xtcp_kt_fire(f, XTCP_TIMER_DELACK));
	KUNIT_EXPECT_NOT_NULL(test, a);
	if (a) {
		KUNIT_EXPECT_EQ(test, a->ack - r, 20000);
		KUNIT_EXPECT_EQ(test, a->win, w - 20000);
	}
	KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 1000), 1000);
	xtcp_kt_expect_none(test);
	xtcp_kt_end(f);
}

/*
 * A full window (8 KiB buffer, a 4096-byte window): every ACK keeps the
 * right edge or moves it right (§3.8.6), the last says 0.  Reads send no
 * update while the window could open by less than an MSS (receiver SWS
 * avoidance, §3.8.6.2.2); the first update opens it by at least that,
 * before the reader has taken everything.
 */
static void xtcp_recv_window_update(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	const struct xtcp_kt_seg *a;
	struct xtcp_kt *f;
	u32 r, s, seq, edge, got;
	int i;

	cfg.rcvbuf = 8192;
	f = xtcp_kt_open(test, &cfg);
	r = f->rcv;
	s = f->snd;
	KUNIT_EXPECT_EQ(test, f->win, 4096);
	seq = r;
	edge = r + f->win;
	for (i = 0; i < 20 && seq != edge; i++) {
		u32 n = min_t(u32, edge - seq, cfg.mss);

		xtcp_kt_feed(test, f->sk, XTCP_ACK, seq, s, 20000, n);
		seq += n;
		a = xtcp_kt_last(test);
		if (!a)
			continue;
		KUNIT_EXPECT_EQ(test, a->ack - r, seq - r);
		KUNIT_EXPECT_GE(test, a->ack + a->win - r, edge - r);
		edge = a->ack + a->win;
	}
	/* the last ACK may be held back: let it go */
	if (xtcp_kt_fire(f, XTCP_TIMER_DELACK)) {
		a = xtcp_kt_last(test);
		KUNIT_EXPECT_NOT_NULL(test, a);
		if (a)
			edge = a->ack + a->win;
	}
	KUNIT_EXPECT_EQ(test, seq - r, edge - r);
	KUNIT_EXPECT_EQ(test, xtcp_sk(f->sk)->tcb.rcv_nxt, seq);
	got = seq - r;

	/* the window stays shut while it cannot open by an MSS */
	KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 500), 500);
	xtcp_kt_expect_none(test);
	for (i = 500; i < got && f->next == f->nsent; i += 250)
		KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 250), min_t(u32, 250, got - i));
	KUNIT_EXPECT_LT(test, i, got);
	a = xtcp_kt_expect(test, XTCP_ACK, s, seq, XTCP_KT_ANY_WIN, 0);
	if (a)
		KUNIT_EXPECT_GE(test, a->win, cfg.mss);
	xtcp_kt_expect_none(test);
	xtcp_kt_end(f);
}

/*
 * The delayed-ACK timer (RFC 9293 §3.8.6.3): armed by a lone segment for
 * XTCP_DELACK_MS, its expiry sends the ACK; with nothing held back it is
 * not armed.
 */
static void xtcp_recv_delack_timer(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd, w = f->win;

	xtcp_kt_feed(test, f->sk, XTCP_ACK | XTCP_PSH, r, s, 20000, 500);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&xs->timer));
	KUNIT_EXPECT_LE(test, ktime_ms_delta(xs->timer_due[XTCP_TIMER_DELACK],
					     ktime_get()), XTCP_DELACK_MS);
	KUNIT_EXPECT_TRUE(test, xtcp_kt_fire(f, XTCP_TIMER_DELACK));
	xtcp_kt_expect(test, XTCP_ACK, s, r + 500, w - 500, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->ack_pending, 0);
	KUNIT_EXPECT_FALSE(test, xtcp_kt_fire(f, XTCP_TIMER_DELACK));
	xtcp_kt_end(f);
}

/*
 * The peer's FIN with its last data (§3.10.7.4 eighth): CLOSE_WAIT; the
 * reader gets the data, then end of file.  Too little data to ACK at
 * once: the ACK of both waits as a delayed ACK (as tcp_fin()'s), for our
 * FIN to carry it; the delayed-ACK timer sends it if no FIN comes.
 */
static void xtcp_recv_fin(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd;

	xtcp_kt_feed(test, f->sk, XTCP_ACK | XTCP_PSH | XTCP_FIN, r, s, 20000,
		     1000);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_CLOSE_WAIT);
	KUNIT_EXPECT_EQ(test, f->sk->sk_state, TCP_CLOSE_WAIT);
	KUNIT_EXPECT_TRUE(test, f->sk->sk_shutdown & RCV_SHUTDOWN);
	KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 2000), 1000);
	KUNIT_EXPECT_EQ(test, xtcp_kt_read(f, 2000), 0);
	KUNIT_EXPECT_TRUE(test, xtcp_kt_fire(f, XTCP_TIMER_DELACK));
	xtcp_kt_expect(test, XTCP_ACK, s, r + 1001, XTCP_KT_ANY_WIN, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->ack_pending, 0);
	xtcp_kt_end(f);
}

/* A FIN alone in ESTABLISHED: the same wait. */
static void xtcp_recv_fin_alone(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	u32 r = f->rcv, s = f->snd;

	xtcp_kt_feed(test, f->sk, XTCP_ACK | XTCP_FIN, r, s, 20000, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xtcp_sk(f->sk)->tcb.state, XTCP_CLOSE_WAIT);
	KUNIT_EXPECT_TRUE(test, xtcp_kt_fire(f, XTCP_TIMER_DELACK));
	xtcp_kt_expect(test, XTCP_ACK, s, r + 1, XTCP_KT_ANY_WIN, 0);
	xtcp_kt_expect_none(test);
	xtcp_kt_end(f);
}

/*
 * A FIN with the second full segment: that is ACKed at once (every second
 * full segment), so the FIN's ACK goes with it at once.
 */
static void xtcp_recv_fin_ack_now(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd;

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 20000, 1000);
	xtcp_kt_expect_none(test);
	xtcp_kt_feed(test, f->sk, XTCP_ACK | XTCP_PSH | XTCP_FIN, r + 1000, s,
		     20000, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s, r + 2001, XTCP_KT_ANY_WIN, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_CLOSE_WAIT);
	KUNIT_EXPECT_EQ(test, xs->ack_pending, 0);
	xtcp_kt_end(f);
}

static struct kunit_case xtcp_recv_cases[] = {
	KUNIT_CASE(xtcp_recv_in_order),
	KUNIT_CASE(xtcp_recv_out_of_order),
	KUNIT_CASE(xtcp_recv_window_no_update),
	KUNIT_CASE(xtcp_recv_window_update),
	KUNIT_CASE(xtcp_recv_delack_timer),
	KUNIT_CASE(xtcp_recv_fin),
	KUNIT_CASE(xtcp_recv_fin_alone),
	KUNIT_CASE(xtcp_recv_fin_ack_now),
	{}
};

static struct kunit_suite xtcp_recv_suite = {
	.name = "xtcp_recv",
	.test_cases = xtcp_recv_cases,
};

kunit_test_suites(&xtcp_recv_suite);
