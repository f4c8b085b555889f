// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's timers: the arithmetic (the persist interval, the
 * timer /proc shows), and on a real socket, that the six timers share one
 * hrtimer queued at the earliest deadline, that an expiry runs only what
 * is due and sleeps again until the next deadline, and that an expiry
 * that finds the socket owned by a user is deferred to release_cb and
 * runs there only if it is still due (an ACK from the backlog may have
 * stopped or restarted the timer meanwhile).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "xtcp.h"

KUNIT_DEFINE_ACTION_WRAPPER(xtcp_tmt_sock_release, sock_release, struct socket *);

/* An unconnected XTCP socket, released when the case ends. */
static struct sock *xtcp_tmt_sock(struct kunit *test)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, xtcp_family, SOCK_STREAM, 0, &sock);
	KUNIT_ASSERT_EQ(test, 0, err);
	err = kunit_add_action_or_reset(test, xtcp_tmt_sock_release, sock);
	KUNIT_ASSERT_EQ(test, 0, err);
	return sock->sk;
}

/* Arm the retransmission timer for 1 ms and let it fire while we own @sk. */
static void xtcp_tmt_fire_owned(struct kunit *test, struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int i;

	xs->rto_ms = 1;
	xtcp_rtx_arm(sk);
	for (i = 0; i < 100 && !test_bit(XTCP_TIMER_RTX, &xs->timers_deferred); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, test_bit(XTCP_TIMER_RTX, &xs->timers_deferred));
}

static void xtcp_timer_deferred_due(struct kunit *test)
{
	struct xtcp_seg syn = { .seq = 1000, .flags = XTCP_SYN };
	struct xtcp_reply r;
	struct xtcp_sock *xs;
	struct sock *sk;

	sk = xtcp_tmt_sock(test);
	xs = xtcp_sk(sk);

	/*
	 * SYN_RECEIVED with its SYN,ACK retries used up: the next expiry
	 * ends the connection with ETIMEDOUT, without a segment.
	 */
	lock_sock(sk);
	/* simultaneous open: our SYN, then the peer's (state.c's events) */
	xtcp_tcb_connect(&xs->tcb, 1, &r);
	xtcp_tcb_input(&xs->tcb, &syn, &r);
	xtcp_sync_state(sk);
	KUNIT_ASSERT_EQ(test, xs->tcb.state, XTCP_SYN_RECEIVED);
	xs->retries = U8_MAX;
	xtcp_tmt_fire_owned(test, sk);
	/* what the ACK of our SYN,ACK does, from the backlog */
	xtcp_rtx_stop(sk);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_err, 0);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_SYN_RECEIVED);

	/* restarted from the backlog: the old expiry is not due either */
	lock_sock(sk);
	xtcp_tmt_fire_owned(test, sk);
	xs->rto_ms = 60000;
	xtcp_rtx_arm(sk);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_err, 0);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_SYN_RECEIVED);
	lock_sock(sk);
	xtcp_rtx_stop(sk);
	release_sock(sk);

	/* a deferred expiry still due runs in release_sock() */
	lock_sock(sk);
	xtcp_tmt_fire_owned(test, sk);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_err, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_CLOSED);

	/* nothing may send at close */
	lock_sock(sk);
	if (xs->tcb.state != XTCP_CLOSED) {
		xtcp_tcb_delete(&xs->tcb);
		xtcp_sync_state(sk);
	}
	release_sock(sk);
}

/* RTO doubled per probe, capped at rto_max_ms (tcp_probe0_when()). */
static void xtcp_timer_persist_interval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 200, xtcp_persist_interval(200, 0, 120000));
	KUNIT_EXPECT_EQ(test, 400, xtcp_persist_interval(200, 1, 120000));
	KUNIT_EXPECT_EQ(test, 102400, xtcp_persist_interval(200, 9, 120000));
	KUNIT_EXPECT_EQ(test, 120000, xtcp_persist_interval(200, 10, 120000));
	KUNIT_EXPECT_EQ(test, 120000, xtcp_persist_interval(200, 16, 120000));
	/* no overflow of the shift, whatever the backoff */
	KUNIT_EXPECT_EQ(test, 5000, xtcp_persist_interval(U32_MAX, 0, 5000));
	KUNIT_EXPECT_EQ(test, 5000, xtcp_persist_interval(1, 31, 5000));
	KUNIT_EXPECT_EQ(test, 5000, xtcp_persist_interval(1, 32, 5000));
	KUNIT_EXPECT_EQ(test, 5000, xtcp_persist_interval(1, 255, 5000));
	KUNIT_EXPECT_EQ(test, 3000, xtcp_persist_interval(3000, 0, 5000));
}

/* /proc/net/xtcp's tr: /proc/net/tcp's numbers and order. */
static void xtcp_timer_proc_tr(struct kunit *test)
{
	ktime_t due[XTCP_NR_TIMERS];
	enum xtcp_timer_id id;
	int i;

	for (i = 0; i < XTCP_NR_TIMERS; i++)
		due[i] = KTIME_MAX;
	KUNIT_EXPECT_EQ(test, 0, xtcp_timer_proc(due, &id));
	/* the delayed ACK is not shown */
	due[XTCP_TIMER_DELACK] = 10;
	KUNIT_EXPECT_EQ(test, 0, xtcp_timer_proc(due, &id));
	/* an orphan's FIN_WAIT_2 is TCP's keepalive timer: 2 */
	due[XTCP_TIMER_FIN_WAIT2] = 500;
	KUNIT_EXPECT_EQ(test, 2, xtcp_timer_proc(due, &id));
	KUNIT_EXPECT_EQ(test, XTCP_TIMER_FIN_WAIT2, id);
	/* with keepalive too, the earlier of the two */
	due[XTCP_TIMER_KEEPALIVE] = 700;
	KUNIT_EXPECT_EQ(test, 2, xtcp_timer_proc(due, &id));
	KUNIT_EXPECT_EQ(test, XTCP_TIMER_FIN_WAIT2, id);
	due[XTCP_TIMER_KEEPALIVE] = 300;
	KUNIT_EXPECT_EQ(test, 2, xtcp_timer_proc(due, &id));
	KUNIT_EXPECT_EQ(test, XTCP_TIMER_KEEPALIVE, id);
	/* a zero-window probe before them, the retransmission first */
	due[XTCP_TIMER_PERSIST] = 900;
	KUNIT_EXPECT_EQ(test, 4, xtcp_timer_proc(due, &id));
	KUNIT_EXPECT_EQ(test, XTCP_TIMER_PERSIST, id);
	due[XTCP_TIMER_RTX] = 1000;
	KUNIT_EXPECT_EQ(test, 1, xtcp_timer_proc(due, &id));
	KUNIT_EXPECT_EQ(test, XTCP_TIMER_RTX, id);
}

/*
 * Every timer, armed for 1 ms while we own the socket, is deferred with a
 * bit and a reference of its own; stopped before release_sock(), none
 * runs, and every reference comes back.
 */
static void xtcp_timer_each_defers(struct kunit *test)
{
	unsigned long all = GENMASK(XTCP_NR_TIMERS - 1, 0);
	struct hrtimer *hrt;
	struct xtcp_sock *xs;
	struct sock *sk;
	int id, i, refs;

	sk = xtcp_tmt_sock(test);
	xs = xtcp_sk(sk);
	hrt = &xs->timer;
	refs = refcount_read(&sk->sk_refcnt);

	lock_sock(sk);
	for (id = 0; id < XTCP_NR_TIMERS; id++) {
		xtcp_timer_arm(sk, id, 1);
		KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, id));
	}
	for (i = 0; i < 100 && READ_ONCE(xs->timers_deferred) != all; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, READ_ONCE(xs->timers_deferred), all);
	/* one expiry deferred them all: the later ones' deadlines come too */
	msleep(20);
	for (id = 0; id < XTCP_NR_TIMERS; id++)
		KUNIT_EXPECT_TRUE(test, xtcp_timer_deferred(sk, id));
	/* deferred, not queued: a reference each for the deferral */
	KUNIT_EXPECT_FALSE(test, hrtimer_active(hrt));
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt),
			refs + XTCP_NR_TIMERS);
	/*
	 * an arm meanwhile leaves the hrtimer to release_cb: queued for the
	 * deferred deadlines, long past, it would only fire to defer again
	 */
	xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 60000);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(hrt));
	xtcp_timers_stop(sk);
	for (id = 0; id < XTCP_NR_TIMERS; id++) {
		KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, id));
		KUNIT_EXPECT_FALSE(test, xtcp_timer_deferred(sk, id));
	}
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, READ_ONCE(xs->timers_deferred), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs);
	KUNIT_EXPECT_EQ(test, xs->tcb.state, XTCP_CLOSED);

	/*
	 * Re-armed later than a queued expiry: the early one sleeps again.
	 * Should the 1 ms expiry come between the two calls (a loaded
	 * host), it is deferred with a reference of its own, the hrtimer's
	 * goes, and release_cb queues the hrtimer again: one reference
	 * either way.
	 */
	lock_sock(sk);
	xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 1);
	xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 60000);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs + 1);
	release_sock(sk);
	msleep(50);
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(hrt));
	KUNIT_EXPECT_GT(test, hrtimer_get_softexpires(hrt),
			ktime_add_ms(ktime_get(), 50000));
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs + 1);
	lock_sock(sk);
	xtcp_timer_stop(sk, XTCP_TIMER_DELACK);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs);
}

/*
 * The window between an early expiry's decision to sleep again (it
 * returns HRTIMER_RESTART, keeping the armed reference) and the hrtimer
 * core queueing it again: a socket that arms the same timer there (the
 * callback is still running, so hrtimer_try_to_cancel() says -1) must not
 * count a second reference for the one expiry that gets queued.  Each
 * such reference kept a closed socket, and the module, forever (the
 * stock guest of the two-machine test over IPv6).  The callback is
 * wrapped to arm in that window, every time.
 */
static struct {
	enum hrtimer_restart (*fn)(struct hrtimer *hrt);
	void (*act)(struct sock *sk);	/* what the window meets */
	struct sock *sk;
	int raced;
} xtcp_tmt_race;

static enum hrtimer_restart xtcp_tmt_race_fn(struct hrtimer *hrt)
{
	enum hrtimer_restart ret = xtcp_tmt_race.fn(hrt);
	struct sock *sk = xtcp_tmt_race.sk;

	if (ret == HRTIMER_RESTART && !xtcp_tmt_race.raced) {
		bh_lock_sock(sk);
		xtcp_tmt_race.act(sk);
		bh_unlock_sock(sk);
		WRITE_ONCE(xtcp_tmt_race.raced, 1);
	}
	return ret;
}

/* Wrap @sk's callback (not armed: safe to change) to run @act in the window. */
static void xtcp_tmt_race_wrap(struct sock *sk, void (*act)(struct sock *sk))
{
	struct hrtimer *hrt = &xtcp_sk(sk)->timer;

	xtcp_tmt_race.fn = hrt->function;
	xtcp_tmt_race.act = act;
	xtcp_tmt_race.sk = sk;
	xtcp_tmt_race.raced = 0;
	hrt->function = xtcp_tmt_race_fn;
}

static void xtcp_tmt_arm_delack(struct sock *sk)
{
	xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 60000);
}

static void xtcp_timer_restart_race(struct kunit *test)
{
	struct xtcp_sock *xs;
	struct hrtimer *hrt;
	struct sock *sk;
	int i, try, refs;

	sk = xtcp_tmt_sock(test);
	xs = xtcp_sk(sk);
	hrt = &xs->timer;
	refs = refcount_read(&sk->sk_refcnt);
	xtcp_tmt_race_wrap(sk, xtcp_tmt_arm_delack);

	/*
	 * Queued for 1 ms, then moved to 300 ms (lazily: the 1 ms expiry
	 * sleeps again).  A loaded host may run the 1 ms expiry before the
	 * second call: then try again.
	 */
	for (try = 0; try < 10 && !READ_ONCE(xtcp_tmt_race.raced); try++) {
		local_bh_disable();
		bh_lock_sock(sk);
		xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 1);
		xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 300);
		bh_unlock_sock(sk);
		local_bh_enable();
		for (i = 0; i < 50 && !READ_ONCE(xtcp_tmt_race.raced); i++)
			msleep(20);
	}
	KUNIT_ASSERT_TRUE(test, READ_ONCE(xtcp_tmt_race.raced));
	/* the 60 s deadline won, with one reference */
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(hrt));
	KUNIT_EXPECT_GT(test, hrtimer_get_softexpires(hrt),
			ktime_add_ms(ktime_get(), 50000));
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs + 1);
	lock_sock(sk);
	xtcp_timer_stop(sk, XTCP_TIMER_DELACK);
	release_sock(sk);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(hrt));
	hrt->function = xtcp_tmt_race.fn;
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs);
}

/*
 * The timers share one hrtimer, queued at the earliest deadline with one
 * reference.  A later deadline leaves it; stopping the earliest leaves
 * it too (it comes early, for nothing, and sleeps again); an expiry runs
 * what is due, clearing its deadline first, and sleeps again until the
 * next; stopping the last running timer cancels it.
 */
static void xtcp_timer_shared(struct kunit *test)
{
	struct xtcp_sock *xs;
	struct hrtimer *hrt;
	struct sock *sk;
	ktime_t due;
	int i, refs;

	sk = xtcp_tmt_sock(test);
	xs = xtcp_sk(sk);
	hrt = &xs->timer;
	refs = refcount_read(&sk->sk_refcnt);

	lock_sock(sk);
	xtcp_timer_arm(sk, XTCP_TIMER_KEEPALIVE, 90000);
	xtcp_timer_arm(sk, XTCP_TIMER_RTX, 60000);
	due = xs->timer_due[XTCP_TIMER_RTX];
	xtcp_timer_arm(sk, XTCP_TIMER_FIN_WAIT2, 120000);
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(hrt));
	KUNIT_EXPECT_EQ(test, hrtimer_get_softexpires(hrt), due);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs + 1);
	/* the earliest goes: the hrtimer stays, early */
	xtcp_timer_stop(sk, XTCP_TIMER_RTX);
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_RTX));
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(hrt));
	KUNIT_EXPECT_EQ(test, hrtimer_get_softexpires(hrt), due);
	/* the delayed ACK for 1 ms: it runs, the rest sleeps until 90 s */
	xtcp_timer_arm(sk, XTCP_TIMER_DELACK, 1);
	KUNIT_EXPECT_EQ(test, hrtimer_get_softexpires(hrt),
			xs->timer_due[XTCP_TIMER_DELACK]);
	release_sock(sk);
	for (i = 0; i < 100 && xtcp_timer_armed(xs, XTCP_TIMER_DELACK); i++)
		msleep(20);
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_DELACK));
	lock_sock(sk);
	KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, XTCP_TIMER_KEEPALIVE));
	KUNIT_EXPECT_TRUE(test, xtcp_timer_armed(xs, XTCP_TIMER_FIN_WAIT2));
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(hrt));
	KUNIT_EXPECT_EQ(test, hrtimer_get_softexpires(hrt),
			xs->timer_due[XTCP_TIMER_KEEPALIVE]);
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs + 1);
	xtcp_timer_stop(sk, XTCP_TIMER_KEEPALIVE);
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(hrt));
	xtcp_timer_stop(sk, XTCP_TIMER_FIN_WAIT2);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(hrt));
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs);
	release_sock(sk);
}

/*
 * xtcp_timer_restart_race's window met by the connection's end: an
 * early expiry (the retransmission deadline gone) decides to sleep until
 * FIN_WAIT_2's 60 s, and xtcp_done() stops every timer before the
 * hrtimer core queues it again (hrtimer_try_to_cancel() says -1).  The hrtimer must not stay
 * queued for 60 s with the socket's reference (a dead orphan's module
 * reference with it: rmmod refused in the stock guest's
 * rmmod_with_timers_armed): it comes at once and drops it.
 */
static void xtcp_timer_stop_race(struct kunit *test)
{
	struct xtcp_sock *xs;
	struct hrtimer *hrt;
	struct sock *sk;
	int i, refs;

	sk = xtcp_tmt_sock(test);
	xs = xtcp_sk(sk);
	hrt = &xs->timer;
	refs = refcount_read(&sk->sk_refcnt);
	xtcp_tmt_race_wrap(sk, xtcp_timers_stop);

	local_bh_disable();
	bh_lock_sock(sk);
	xtcp_timer_arm(sk, XTCP_TIMER_FIN_WAIT2, 60000);
	xtcp_timer_arm(sk, XTCP_TIMER_RTX, 1);
	xtcp_timer_idle(xs, XTCP_TIMER_RTX);
	bh_unlock_sock(sk);
	local_bh_enable();
	for (i = 0; i < 50 && !READ_ONCE(xtcp_tmt_race.raced); i++)
		msleep(20);
	KUNIT_ASSERT_TRUE(test, READ_ONCE(xtcp_tmt_race.raced));
	for (i = 0; i < 50 && hrtimer_active(hrt); i++)
		msleep(20);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(hrt));
	KUNIT_EXPECT_FALSE(test, xtcp_timer_armed(xs, XTCP_TIMER_FIN_WAIT2));
	KUNIT_EXPECT_EQ(test, refcount_read(&sk->sk_refcnt), refs);
	/* still queued (a failure): the wrapper stays, until close stops it */
	if (!hrtimer_active(hrt))
		hrt->function = xtcp_tmt_race.fn;
}

static struct kunit_case xtcp_timer_cases[] = {
	KUNIT_CASE(xtcp_timer_persist_interval),
	KUNIT_CASE(xtcp_timer_proc_tr),
	KUNIT_CASE(xtcp_timer_each_defers),
	KUNIT_CASE(xtcp_timer_shared),
	KUNIT_CASE(xtcp_timer_deferred_due),
	KUNIT_CASE(xtcp_timer_restart_race),
	KUNIT_CASE(xtcp_timer_stop_race),
	{}
};

static struct kunit_suite xtcp_timer_suite = {
	.name = "xtcp_timer",
	.test_cases = xtcp_timer_cases,
};

kunit_test_suites(&xtcp_timer_suite);
