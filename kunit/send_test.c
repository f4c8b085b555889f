// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the sender (send.c) on a real socket: write(2) through
 * the socket layer, the peer's ACKs fed to xtcp_do_rcv(), every segment
 * sent checked (fixture.c).  Sequence numbers are relative to the ISNs.
 * Default fixture: MSS 1000, the peer's window 20000, an RTO of 10 s
 * until a sample; our window field is f->win throughout (nothing is
 * received).
 */
#include <kunit/test.h>
#include <net/sock.h>

#include "fixture.h"

/*
 * A write becomes segments of one MSS, the runt at its end with them:
 * only full segments are in flight (Nagle as Minshall's variant,
 * tcp_minshall_check()).  A second runt waits while the first is
 * unacknowledged (RFC 9293 §3.7.4), also past a partial ACK, and goes
 * when the first is acknowledged.
 */
static void xtcp_send_mss_segments(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd, w = f->win;

	/* PSH on the last segment of the write only (tcp_mark_push()) */
	KUNIT_EXPECT_EQ(test, xtcp_kt_write(f, 3100), 3100);
	xtcp_kt_expect(test, XTCP_ACK, s, r, w, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s + 1000, r, w, 1000);
	xtcp_kt_expect(test, XTCP_ACK, s + 2000, r, w, 1000);
	xtcp_kt_expect(test, XTCP_ACK | XTCP_PSH, s + 3000, r, w, 100);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_nxt, s + 3100);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_sml, s + 3100);
	KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));

	/* the first runt in flight: the second waits, past a partial ACK */
	KUNIT_EXPECT_EQ(test, xtcp_kt_write(f, 100), 100);
	xtcp_kt_expect_none(test);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s + 3000, 20000, 0);
	xtcp_kt_expect_none(test);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s + 3100, 20000, 0);
	xtcp_kt_expect(test, XTCP_ACK | XTCP_PSH, s + 3100, r, w, 100);
	xtcp_kt_expect_none(test);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s + 3200, 20000, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_una, s + 3200);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&f->sk->sk_write_queue));
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));
	xtcp_kt_end(f);
}

/*
 * A zero window (RFC 9293 §3.8.6.1): nothing goes, the persist timer
 * probes with <SEQ=SND.UNA-1><ACK=RCV.NXT>, backing off; the window
 * opening lets the data go and stops the timer.
 */
static void xtcp_send_persist(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd, w = f->win;
	s64 left;

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 0, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->tcb.snd_wnd, 0);
	KUNIT_EXPECT_EQ(test, xtcp_kt_write(f, 1000), 1000);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));

	KUNIT_EXPECT_TRUE(test, xtcp_kt_fire(f, XTCP_TIMER_PERSIST));
	xtcp_kt_expect(test, XTCP_ACK, s - 1, r, w, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_TRUE(test, xtcp_kt_fire(f, XTCP_TIMER_PERSIST));
	xtcp_kt_expect(test, XTCP_ACK, s - 1, r, w, 0);
	xtcp_kt_expect_none(test);
	/* the interval doubles each time: the RTO times 4 now */
	KUNIT_EXPECT_EQ(test, xs->persist_backoff, 2);
	left = ktime_ms_delta(xs->timer_due[XTCP_TIMER_PERSIST], ktime_get());
	KUNIT_EXPECT_GT(test, left, 3 * cfg.rto_ms);
	KUNIT_EXPECT_LE(test, left, 4 * cfg.rto_ms);

	/* the peer answers: still shut; then it opens */
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 0, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->probes_out, 0);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s, 20000, 0);
	xtcp_kt_expect(test, XTCP_ACK | XTCP_PSH, s, r, w, 1000);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_PERSIST));
	/* data in flight: the retransmission timer has the hrtimer now */
	KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(&xs->timer));
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s + 1000, 20000, 0);
	xtcp_kt_expect_none(test);
	xtcp_kt_end(f);
}

/*
 * The retransmission timer (RFC 6298 5.4-5.6, RFC 5681 (4)): its expiry
 * resends the oldest segment only, cwnd falls to one segment and the RTO
 * doubles; the ACK for it reveals the next hole, resent at once.
 */
static void xtcp_send_rto(struct kunit *test)
{
	struct xtcp_kt_cfg cfg = XTCP_KT_CFG_DEFAULT;
	struct xtcp_kt *f = xtcp_kt_open(test, &cfg);
	struct xtcp_sock *xs = xtcp_sk(f->sk);
	u32 r = f->rcv, s = f->snd, w = f->win;

	KUNIT_EXPECT_EQ(test, xtcp_kt_write(f, 2000), 2000);
	xtcp_kt_expect(test, XTCP_ACK, s, r, w, 1000);
	xtcp_kt_expect(test, XTCP_ACK | XTCP_PSH, s + 1000, r, w, 1000);
	xtcp_kt_expect_none(test);

	KUNIT_EXPECT_TRUE(test, xtcp_kt_fire(f, XTCP_TIMER_RTX));
	xtcp_kt_expect(test, XTCP_ACK, s, r, w, 1000);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_EQ(test, xs->total_retrans, 1);
	KUNIT_EXPECT_EQ(test, xs->cc.cwnd, cfg.mss);
	KUNIT_EXPECT_EQ(test, xs->rto_ms, 2 * cfg.rto_ms);
	KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));

	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s + 1000, 20000, 0);
	xtcp_kt_expect(test, XTCP_ACK | XTCP_PSH, s + 1000, r, w, 1000);
	xtcp_kt_expect_none(test);
	xtcp_kt_feed(test, f->sk, XTCP_ACK, r, s + 2000, 20000, 0);
	xtcp_kt_expect_none(test);
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));
	KUNIT_EXPECT_EQ(test, xs->total_retrans, 2);
	xtcp_kt_end(f);
}

/*
 * The pure decision: Nagle holds a runt while a short segment is in
 * flight (xtcp_small_outstanding()), not
 * before the tail (an EOR ends that skb) nor with XTCP_NODELAY; a cork
 * holds it even with nothing in flight, and nodelay does not undo a cork
 * (tcp_nagle_check()); XTCP_NAGLE_PUSH (setting XTCP_NODELAY) undoes both.
 * A full segment goes whatever the cork.
 */
static void xtcp_send_segment_ok(struct kunit *test)
{
	const u32 mss = 1000, wnd = 20000;

	KUNIT_EXPECT_TRUE(test, xtcp_snd_segment_ok(100, wnd, mss, wnd, false, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_snd_segment_ok(100, wnd, mss, wnd, true, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_snd_segment_ok(100, wnd, mss, wnd, true,
						    XTCP_NAGLE_OFF));
	KUNIT_EXPECT_FALSE(test, xtcp_snd_segment_ok(100, wnd, mss, wnd, false,
						     XTCP_NAGLE_CORK));
	KUNIT_EXPECT_FALSE(test, xtcp_snd_segment_ok(100, wnd, mss, wnd, false,
						     XTCP_NAGLE_CORK |
						     XTCP_NAGLE_OFF));
	KUNIT_EXPECT_TRUE(test, xtcp_snd_segment_ok(100, wnd, mss, wnd, true,
						    XTCP_NAGLE_CORK |
						    XTCP_NAGLE_PUSH));
	KUNIT_EXPECT_TRUE(test, xtcp_snd_segment_ok(1500, wnd, mss, wnd, true,
						    XTCP_NAGLE_CORK));
	/* the window still rules: nothing usable, nothing goes */
	KUNIT_EXPECT_FALSE(test, xtcp_snd_segment_ok(100, 0, mss, wnd, false,
						     XTCP_NAGLE_PUSH));
}

static struct kunit_case xtcp_send_cases[] = {
	KUNIT_CASE(xtcp_send_segment_ok),
	KUNIT_CASE(xtcp_send_mss_segments),
	KUNIT_CASE(xtcp_send_persist),
	KUNIT_CASE(xtcp_send_rto),
	{}
};

static struct kunit_suite xtcp_send_suite = {
	.name = "xtcp_send",
	.test_cases = xtcp_send_cases,
};

kunit_test_suites(&xtcp_send_suite);
