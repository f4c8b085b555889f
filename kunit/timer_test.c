// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's timers on a real socket: an expiry that finds the
 * socket owned by a user is deferred to release_cb, and runs there only
 * if it is still due (an ACK from the backlog may have stopped or
 * restarted the timer meanwhile).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "xtcp.h"

KUNIT_DEFINE_ACTION_WRAPPER(xtcp_tmt_sock_release, sock_release, struct socket *);

/* Arm the retransmission timer for 1 ms and let it fire while we own @sk. */
static void xtcp_tmt_fire_owned(struct kunit *test, struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int i;

	xs->rto_ms = 1;
	xtcp_rtx_arm(sk);
	for (i = 0; i < 100 && !test_bit(XTCP_RTX_DEFERRED, &xs->flags); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, test_bit(XTCP_RTX_DEFERRED, &xs->flags));
}

static void xtcp_timer_deferred_due(struct kunit *test)
{
	struct xtcp_seg syn = { .seq = 1000, .flags = XTCP_SYN };
	struct xtcp_reply r;
	struct socket *sock;
	struct xtcp_sock *xs;
	struct sock *sk;
	int err;

	err = sock_create_kern(&init_net, xtcp_family, SOCK_STREAM, 0, &sock);
	KUNIT_ASSERT_EQ(test, 0, err);
	err = kunit_add_action_or_reset(test, xtcp_tmt_sock_release, sock);
	KUNIT_ASSERT_EQ(test, 0, err);
	sk = sock->sk;
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

static struct kunit_case xtcp_timer_cases[] = {
	KUNIT_CASE(xtcp_timer_deferred_due),
	{}
};

static struct kunit_suite xtcp_timer_suite = {
	.name = "xtcp_timer",
	.test_cases = xtcp_timer_cases,
};

kunit_test_suites(&xtcp_timer_suite);
