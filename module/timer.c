// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timers: the retransmission timer, a soft-mode hrtimer (its callback
 * runs in softirq, where bh_lock_sock() is legal).  Every armed timer holds
 * a socket reference.  When the socket is owned by a user, the callback
 * defers its work to release_cb (TCP's pattern, tcp_write_timer()).
 *
 * The retransmission timer resends SYN and SYN,ACK (initial RTO
 * rto_init_ms, RFC 6298: 1 s, doubling up to rto_max_ms, at most
 * syn_retries / synack_retries times; then connect() fails with ETIMEDOUT
 * and a passive child is dropped), data and FIN (retries2 times), and ends
 * an orphan's FIN_WAIT_2 after fin_timeout_ms.  The delayed
 * ACK timer sends an ACK held back for a second segment.
 *
 * A deferred expiry runs from release_cb only if it is still due: an ACK
 * from the backlog may have stopped or restarted the timer meanwhile
 * (tcp_write_timer_handler() checks icsk_timeout the same way).  The
 * retransmission and persist timers keep their expiry for this; the
 * delayed ACK checks that an ACK is still pending.
 */
#include <linux/hrtimer.h>
#include <net/sock.h>

#include "xtcp.h"

/*
 * Data outstanding (or a closed window to probe): give up with ETIMEDOUT
 * after retries2 expiries in a row, else see xtcp_data_rto().
 */
static void xtcp_data_timeout(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	if (skb_queue_empty(&sk->sk_write_queue))
		return;
	/* an orphan has only orphan_retries: reset it (tcp_write_timeout()) */
	if (test_bit(XTCP_ORPHANED, &xs->flags) &&
	    xs->retries >= xtcp_orphan_retries(sk, xs->rto_ms <
					       READ_ONCE(xn->rto_max_ms))) {
		xtcp_inc(sock_net(sk), XTCP_MIB_ORPHAN_TIMEOUTS);
		xtcp_abort(sk, 0);
		return;
	}
	if (xs->retries >= READ_ONCE(xn->retries2)) {
		xtcp_done(sk, xtcp_timeout_errno(sk));
		return;
	}
	err = xtcp_data_rto(sk);
	if (err)
		xtcp_done(sk, err);
}

/*
 * An orphan probing a closed window: its peer may answer every probe and
 * never open, holding the send buffer for ever.  Give up once the probe
 * interval has backed off to rto_max_ms, or after orphan_retries probes
 * (tcp_probe_timer()).
 */
static bool xtcp_orphan_probes_done(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 max = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_max_ms);
	bool alive = ((u64)xs->rto_ms << xs->persist_backoff) < max;
	int limit = xtcp_orphan_retries(sk, alive);

	return (!alive && xs->persist_backoff >= limit) ||
	       xs->probes_out >= limit;
}

static void xtcp_rtx_timeout(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_reply r;
	int limit;

	switch (xs->tcb.state) {
	case XTCP_SYN_SENT:
		limit = READ_ONCE(xn->syn_retries);
		break;
	case XTCP_SYN_RECEIVED:
		limit = READ_ONCE(xn->synack_retries);
		break;
	case XTCP_FIN_WAIT_2:
		/* an orphan waited fin_timeout_ms for the peer's FIN */
		if (test_bit(XTCP_ORPHANED, &xs->flags)) {
			xtcp_inc(sock_net(sk), XTCP_MIB_FIN_WAIT2_TIMEOUTS);
			xtcp_abort(sk, 0);
		}
		return;
	default:
		if (!xtcp_state_sends(xs->tcb.state))
			return;	/* nothing outstanding: a stale expiry */
		/*
		 * data, or our FIN, unacknowledged; closed in SYN_RECEIVED
		 * (FIN_WAIT_1), the SYN,ACK goes again first
		 */
		if (xtcp_tcb_retransmit(&xs->tcb, &r))
			xtcp_send(sk, &r);
		xtcp_data_timeout(sk);
		return;
	}
	if (xs->retries >= limit) {
		xtcp_inc(sock_net(sk), XTCP_MIB_SYN_TIMEOUTS);
		if (xs->parent)
			xtcp_child_drop(sk);
		else
			xtcp_done(sk, xtcp_timeout_errno(sk));
		return;
	}
	xs->retries++;
	xs->rto_ms = min_t(u32, xs->rto_ms * 2, READ_ONCE(xn->rto_max_ms));
	if (xtcp_tcb_retransmit(&xs->tcb, &r)) {
		xtcp_inc(sock_net(sk), XTCP_MIB_RETRANS_SEGS);
		xtcp_send(sk, &r);
	}
	xtcp_rtx_arm(sk);
}

/*
 * The retransmission and delayed-ACK timers are armed lazily, as TCP keeps
 * icsk_retransmit_timer armed: each keeps its deadline (rtx_due,
 * delack_due; KTIME_MAX when stopped), and moving the deadline later
 * touches no hrtimer while one is queued to fire no later.  An expiry
 * before the deadline goes back to sleep until it (never while a user
 * owns the socket, whose process may move the deadline: release_cb
 * decides then); one for a stopped timer does nothing.
 *
 * Called under bh_lock_sock() by @t's callback: returns HRTIMER_RESTART
 * (keeping the armed reference) or HRTIMER_NORESTART (the caller puts it).
 */
static enum hrtimer_restart
xtcp_timer_expired(struct sock *sk, struct hrtimer *t, ktime_t due, int bit,
		   void (*timeout)(struct sock *sk))
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	/* re-armed while we waited for the lock: that expiry has its own ref */
	if (hrtimer_is_queued(t) || due == KTIME_MAX)
		return HRTIMER_NORESTART;
	if (sock_owned_by_user(sk)) {
		if (!test_and_set_bit(bit, &xs->flags))
			sock_hold(sk);
		return HRTIMER_NORESTART;
	}
	if (ktime_before(ktime_get(), due)) {
		hrtimer_set_expires(t, due);
		return HRTIMER_RESTART;
	}
	xtcp_check_state(sk);
	timeout(sk);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xtcp_rtx_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, rtx_timer);
	struct sock *sk = xtcp_to_sk(xs);

	enum hrtimer_restart ret;

	bh_lock_sock(sk);
	ret = xtcp_timer_expired(sk, t, xs->rtx_due, XTCP_RTX_DEFERRED,
				 xtcp_rtx_timeout);
	bh_unlock_sock(sk);
	if (ret == HRTIMER_NORESTART)
		sock_put(sk);	/* the armed timer's reference */
	return ret;
}

/* The delayed ACK is due (RFC 9293 §3.8.6.3: within 500 ms; we use 40). */
static void xtcp_delack_timeout(struct sock *sk)
{
	if (xtcp_sk(sk)->ack_pending &&
	    xtcp_state_receives(xtcp_sk(sk)->tcb.state))
		xtcp_send_ack(sk);
}

static enum hrtimer_restart xtcp_delack_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, delack_timer);
	struct sock *sk = xtcp_to_sk(xs);

	enum hrtimer_restart ret;

	bh_lock_sock(sk);
	ret = xtcp_timer_expired(sk, t, xs->delack_due, XTCP_DELACK_DEFERRED,
				 xtcp_delack_timeout);
	bh_unlock_sock(sk);
	if (ret == HRTIMER_NORESTART)
		sock_put(sk);
	return ret;
}

/*
 * The persist timer (RFC 9293 §3.8.6.1): data waits and nothing is in
 * flight.  A closed window is probed, the interval starting at the RTO and
 * doubling up to rto_max_ms; an open one too small for sender SWS
 * avoidance gets what fits (§3.8.6.2.1 (4), the override timeout).  Any
 * ACK from the peer resets probes_out (input.c), so a live receiver that
 * keeps its window shut is probed for ever, as TCP does, unless the user
 * has closed (xtcp_orphan_probes_done()); retries2 unanswered probes in a
 * row end the connection with ETIMEDOUT.
 */
static void xtcp_persist_timeout(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->send_head || xs->tcb.snd_nxt != xs->tcb.snd_una ||
	    !xtcp_state_sends(xs->tcb.state))
		return;
	if (xs->tcb.snd_wnd) {
		/* open, but too small for SWS avoidance: the override */
		xtcp_push_force(sk);
		return;
	}
	if (test_bit(XTCP_ORPHANED, &xs->flags) &&
	    xtcp_orphan_probes_done(sk)) {
		xtcp_inc(sock_net(sk), XTCP_MIB_ORPHAN_TIMEOUTS);
		xtcp_abort(sk, 0);
		return;
	}
	if (xs->probes_out >= READ_ONCE(xn->retries2)) {
		xtcp_done(sk, xtcp_timeout_errno(sk));
		return;
	}
	xtcp_send_probe(sk);
	xs->probes_out++;
	if (xs->persist_backoff < 16)
		xs->persist_backoff++;
	xtcp_persist_arm(sk);
}

static enum hrtimer_restart xtcp_persist_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, persist_timer);
	struct sock *sk = xtcp_to_sk(xs);

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		xtcp_persist_timeout(sk);
	else if (!test_and_set_bit(XTCP_PERSIST_DEFERRED, &xs->flags))
		sock_hold(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

/* Has the expiry @due (KTIME_MAX: the timer was stopped) come? */
static bool xtcp_timer_due(ktime_t due)
{
	return !ktime_before(ktime_get(), due);
}

/* An expiry deferred to release_cb, still due: it runs there. */
bool xtcp_persist_deferred(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return test_bit(XTCP_PERSIST_DEFERRED, &xs->flags) &&
	       xtcp_timer_due(xs->persist_due);
}

static void xtcp_timer_arm_at(struct sock *sk, struct hrtimer *t, ktime_t due);

/*
 * A lazily armed timer's expiry deferred to release_cb: run it if its
 * deadline has come, sleep again until a later one, nothing if stopped.
 */
static void xtcp_deferred_run(struct sock *sk, struct hrtimer *t, ktime_t due,
			      void (*timeout)(struct sock *sk))
{
	if (due == KTIME_MAX)
		return;
	if (xtcp_timer_due(due))
		timeout(sk);
	else if (!hrtimer_is_queued(t))
		xtcp_timer_arm_at(sk, t, due);
}

/* Runs from release_sock() with the socket's spinlock held, BH off. */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_and_clear_bit(XTCP_RTX_DEFERRED, &xs->flags)) {
		xtcp_deferred_run(sk, &xs->rtx_timer, xs->rtx_due,
				  xtcp_rtx_timeout);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_DELACK_DEFERRED, &xs->flags)) {
		xtcp_deferred_run(sk, &xs->delack_timer, xs->delack_due,
				  xtcp_delack_timeout);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_PERSIST_DEFERRED, &xs->flags)) {
		if (xtcp_timer_due(xs->persist_due))
			xtcp_persist_timeout(sk);
		__sock_put(sk);
	}
	xtcp_keepalive_release(sk);
	xtcp_icmp_release(sk);
}

void xtcp_timer_init(struct sock *sk)
{
	xtcp_sk(sk)->rtx_due = KTIME_MAX;
	xtcp_sk(sk)->delack_due = KTIME_MAX;
	xtcp_sk(sk)->persist_due = KTIME_MAX;
	xtcp_hrtimer_setup(&xtcp_sk(sk)->rtx_timer, xtcp_rtx_timer_fn,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xtcp_hrtimer_setup(&xtcp_sk(sk)->delack_timer, xtcp_delack_timer_fn,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xtcp_hrtimer_setup(&xtcp_sk(sk)->persist_timer, xtcp_persist_timer_fn,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xtcp_keepalive_init(sk);
}

/*
 * Every armed timer holds a socket reference.  A queued timer's reference
 * passes to the new expiry; a callback running now puts its own, so the
 * new expiry needs one (testing hrtimer_is_queued() would race with it).
 */
static void xtcp_timer_arm(struct sock *sk, struct hrtimer *t, u32 ms)
{
	if (hrtimer_try_to_cancel(t) != 1)
		sock_hold(sk);
	hrtimer_start(t, ms_to_ktime(ms), HRTIMER_MODE_REL_SOFT);
}

/* The same, at the absolute time @due. */
static void xtcp_timer_arm_at(struct sock *sk, struct hrtimer *t, ktime_t due)
{
	if (hrtimer_try_to_cancel(t) != 1)
		sock_hold(sk);
	hrtimer_start(t, due, HRTIMER_MODE_ABS_SOFT);
}

/*
 * A lazily armed timer (xtcp_timer_expired()): the deadline is @ms from
 * now; the hrtimer is touched only when none is queued to fire by then.
 */
static void xtcp_timer_arm_lazy(struct sock *sk, struct hrtimer *t,
				ktime_t *due, u32 ms)
{
	*due = ktime_add_ms(ktime_get(), ms);
	if (hrtimer_is_queued(t) && !ktime_after(hrtimer_get_softexpires(t), *due))
		return;
	xtcp_timer_arm_at(sk, t, *due);
}

/* An ACK is held back: it goes in XTCP_DELACK_MS unless one goes first. */
void xtcp_delack_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	/* the first held-back byte sets the deadline */
	if (xs->delack_due == KTIME_MAX)
		xtcp_timer_arm_lazy(sk, &xs->delack_timer, &xs->delack_due,
				    XTCP_DELACK_MS);
}

/* An ACK went: nothing is held back (the hrtimer may stay queued). */
void xtcp_delack_idle(struct sock *sk)
{
	xtcp_sk(sk)->delack_due = KTIME_MAX;
}

void xtcp_delack_stop(struct sock *sk)
{
	xtcp_sk(sk)->delack_due = KTIME_MAX;
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->delack_timer) == 1)
		__sock_put(sk);
}

/* The next probe: the RTO, doubled persist_backoff times, capped. */
void xtcp_persist_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 max = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_max_ms);
	u64 ms = (u64)xs->rto_ms << xs->persist_backoff;

	ms = min_t(u64, ms, max);
	xs->persist_due = ktime_add_ms(ktime_get(), ms);
	xtcp_timer_arm(sk, &xs->persist_timer, ms);
}

void xtcp_persist_stop(struct sock *sk)
{
	xtcp_sk(sk)->persist_due = KTIME_MAX;
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->persist_timer) == 1)
		__sock_put(sk);
}

/* (Re)arm for rto_ms from now; the socket is locked (or BH-locked). */
void xtcp_rtx_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_timer_arm_lazy(sk, &xs->rtx_timer, &xs->rtx_due, xs->rto_ms);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_arm);

/* Nothing outstanding: stopped, the hrtimer left to expire harmlessly. */
void xtcp_rtx_idle(struct sock *sk)
{
	xtcp_sk(sk)->rtx_due = KTIME_MAX;
}

/*
 * RFC 6069 (tcp_ld_RTO_revert()): an ICMP net or host unreachable for the
 * retransmission of SND.UNA says the path is down, not congested: undo
 * one backoff, so that the timer runs from that retransmission with the
 * RTO before it, and retransmit now if that time has passed.  The caller
 * checked that a backed-off retransmission is pending; @sk is BH-locked,
 * not user-owned.
 */
void xtcp_rtx_revert(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	ktime_t sent = ktime_sub_ms(xs->rtx_due, xs->rto_ms);
	u32 us;
	s64 left;

	xs->rtt.backoff--;
	us = xtcp_rtt_timeout_us(&xs->rtt,
				 READ_ONCE(xn->rto_max_ms) * USEC_PER_MSEC);
	xs->rto_ms = max_t(u32, DIV_ROUND_UP(us, USEC_PER_MSEC), 1);
	left = ktime_ms_delta(ktime_add_ms(sent, xs->rto_ms), ktime_get());
	if (left > 0)
		xtcp_timer_arm_lazy(sk, &xs->rtx_timer, &xs->rtx_due, left);
	else
		xtcp_rtx_timeout(sk);
}

/*
 * Stop without waiting: any context.  A running callback drops its own ref;
 * an expiry deferred to release_cb is no longer due.
 */
void xtcp_rtx_stop(struct sock *sk)
{
	xtcp_sk(sk)->rtx_due = KTIME_MAX;
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->rtx_timer) == 1)
		__sock_put(sk);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_stop);

/*
 * Stop and wait for a running callback: process context, never under the
 * socket's spinlock (a callback spinning on it would never finish).  Under
 * lock_sock() it is safe: the callback sees the owner and defers.
 */
void xtcp_timers_stop_sync(struct sock *sk)
{
	xtcp_sk(sk)->rtx_due = KTIME_MAX;
	xtcp_sk(sk)->delack_due = KTIME_MAX;
	xtcp_sk(sk)->persist_due = KTIME_MAX;
	if (hrtimer_cancel(&xtcp_sk(sk)->rtx_timer))
		__sock_put(sk);
	if (hrtimer_cancel(&xtcp_sk(sk)->delack_timer))
		__sock_put(sk);
	if (hrtimer_cancel(&xtcp_sk(sk)->persist_timer))
		__sock_put(sk);
	xtcp_keepalive_stop_sync(sk);
}

/*
 * The pending timer for /proc/net/xtcp's tr column, as /proc/net/tcp
 * numbers them (1 retransmission, 4 zero-window probe; 0 none), and the
 * time left on it.
 */
int xtcp_timer_pending(struct sock *sk, s64 *left_ms)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	ktime_t due = READ_ONCE(xs->rtx_due);
	int tr = 1;

	if (due == KTIME_MAX) {
		due = READ_ONCE(xs->persist_due);
		tr = 4;
	}
	if (due == KTIME_MAX) {
		*left_ms = 0;
		return 0;
	}
	*left_ms = max_t(s64, ktime_ms_delta(due, ktime_get()), 0);
	return tr;
}
