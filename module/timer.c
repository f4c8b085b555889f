// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timers: a socket's six (enum xtcp_timer_id) share one soft-mode
 * hrtimer (the callback runs in softirq, where bh_lock_sock() is legal),
 * each with its own deadline, as TCP's icsk_pending and icsk_timeout
 * share icsk_retransmit_timer among four purposes.  The hrtimer is queued
 * no later than the earliest deadline and holds a socket reference; its
 * one callback runs whatever is due and sleeps again until the next.
 * When the socket is owned by a user, the callback defers the running
 * timers to release_cb, a bit per timer (TCP's pattern,
 * tcp_write_timer()).  One hrtimer instead of six: 368 bytes less to
 * zero in every socket, and a connection's life queues and removes it
 * about half as often (Documentation/performance.md).
 *
 * The retransmission timer resends SYN and SYN,ACK (initial RTO
 * rto_init_ms, RFC 6298: 1 s, doubling up to rto_max_ms, at most
 * syn_retries / synack_retries times; then connect() fails with ETIMEDOUT
 * and a passive child is dropped), data and FIN (retries2 times).  The
 * delayed ACK timer sends an ACK held back for a second segment; the
 * persist timer probes a closed window; keepalive.c's probes an idle
 * peer; the FIN_WAIT_2 timer ends an orphan's FIN_WAIT_2 after
 * fin_timeout_ms.
 *
 * A deferred expiry runs from release_cb only if it is still due: an ACK
 * from the backlog may have stopped or restarted the timer meanwhile
 * (tcp_write_timer_handler() checks icsk_timeout the same way).
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
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	if (skb_queue_empty(&sk->sk_write_queue))
		return;
	/* an orphan has only orphan_retries: reset it (tcp_write_timeout()) */
	if (test_bit(XTCP_ORPHANED, &xs->flags) &&
	    xs->retries >= xtcp_orphan_retries(sk, xs->rto_ms <
					       READ_ONCE(xn->rto_max_ms))) {
		xtcp_sk_inc(sk, XTCP_MIB_ORPHAN_TIMEOUTS);
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
	u32 max = READ_ONCE(xtcp_sk_pernet(sk)->rto_max_ms);
	bool alive = xtcp_persist_interval(xs->rto_ms, xs->persist_backoff,
					   max) < max;
	int limit = xtcp_orphan_retries(sk, alive);

	return (!alive && xs->persist_backoff >= limit) ||
	       xs->probes_out >= limit;
}

static void xtcp_rtx_timeout(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_reply r;
	int limit;

	switch (xs->tcb.state) {
	case XTCP_SYN_SENT:
		limit = xs->syncnt ?: READ_ONCE(xn->syn_retries);
		break;
	case XTCP_SYN_RECEIVED:
		/* a deferred child waits its XTCP_DEFER_ACCEPT tries out */
		limit = max_t(int, READ_ONCE(xn->synack_retries),
			      xs->defer_accept);
		break;
	default:
		if (!xtcp_state_sends(xs->tcb.state))
			return;	/* nothing outstanding: a stale expiry */
		/*
		 * data, or our FIN, unacknowledged; closed in SYN_RECEIVED
		 * (FIN_WAIT_1), the SYN,ACK goes again first
		 */
		if (xtcp_tcb_retransmit(&xs->tcb, &r)) {
			xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SEGS);
			xs->total_retrans++;
			xtcp_send(sk, &r);
		}
		xtcp_data_timeout(sk);
		return;
	}
	if (xs->retries >= limit) {
		xtcp_sk_inc(sk, XTCP_MIB_SYN_TIMEOUTS);
		if (xs->parent)
			xtcp_child_drop(sk);
		else
			xtcp_done(sk, xtcp_timeout_errno(sk));
		return;
	}
	xs->retries++;
	xs->rto_ms = min_t(u32, xs->rto_ms * 2, READ_ONCE(xn->rto_max_ms));
	if (xtcp_tcb_retransmit(&xs->tcb, &r)) {
		/* counted as TCP counts them (tcp_retransmit_skb()) */
		xtcp_sk_inc(sk, XTCP_MIB_RETRANS_SEGS);
		xs->total_retrans++;
		xtcp_trace_retransmit(sk, NULL);
		xtcp_send(sk, &r);
	}
	xtcp_rtx_arm(sk);
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
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
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
		xtcp_sk_inc(sk, XTCP_MIB_ORPHAN_TIMEOUTS);
		xtcp_abort(sk, 0);
		return;
	}
	if (xs->probes_out >= READ_ONCE(xn->retries2)) {
		xtcp_done(sk, xtcp_timeout_errno(sk));
		return;
	}
	xtcp_sk_inc(sk, XTCP_MIB_WIN_PROBES);
	xtcp_send_probe(sk);
	xs->probes_out++;
	if (xs->persist_backoff < 16)
		xs->persist_backoff++;
	xtcp_persist_arm(sk);
}

/* The delayed ACK is due (RFC 9293 §3.8.6.3: within 500 ms; we use 40). */
static void xtcp_delack_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ack_pending && xtcp_state_acks_later(xs->tcb.state)) {
		/* no reply carried it: not interactive after all (TCP's way) */
		xs->pingpong = false;
		xtcp_sk_inc(sk, XTCP_MIB_DELAYED_ACKS);
		xtcp_send_ack(sk);
	}
}

/*
 * An orphan waited fin_timeout_ms in FIN_WAIT_2 for the peer's FIN: reset
 * it (tcp_fin_wait2 timeout, TCP's keepalive timer in that state).
 */
static void xtcp_fin_wait2_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->tcb.state == XTCP_FIN_WAIT_2 &&
	    test_bit(XTCP_ORPHANED, &xs->flags)) {
		xtcp_sk_inc(sk, XTCP_MIB_FIN_WAIT2_TIMEOUTS);
		xtcp_abort(sk, 0);
	}
}

/* What each timer does when due; the socket is ours (BH-locked or owned). */
/* TLP's probe timeout or RACK's reordering timeout (send.c) */
static void xtcp_rack_timeout(struct sock *sk)
{
	if (xtcp_state_sends(xtcp_sk(sk)->tcb.state))
		xtcp_rack_timer(sk);
}

static void (*const xtcp_timeouts[XTCP_NR_TIMERS])(struct sock *sk) = {
	[XTCP_TIMER_RTX]	= xtcp_rtx_timeout,
	[XTCP_TIMER_DELACK]	= xtcp_delack_timeout,
	[XTCP_TIMER_PERSIST]	= xtcp_persist_timeout,
	[XTCP_TIMER_KEEPALIVE]	= xtcp_keepalive_timeout,
	[XTCP_TIMER_FIN_WAIT2]	= xtcp_fin_wait2_timeout,
	[XTCP_TIMER_RACK]	= xtcp_rack_timeout,
};

/* Has the deadline @due (KTIME_MAX: stopped) come by @now? */
static bool xtcp_timer_due_by(ktime_t due, ktime_t now)
{
	return !ktime_before(now, due);
}

/*
 * The earliest deadline of @xs's timers but those in @skip (a mask of
 * timers deferred to release_cb, which queues the hrtimer for them),
 * KTIME_MAX if no other is running.
 */
static ktime_t xtcp_timer_next(const struct xtcp_sock *xs, unsigned long skip)
{
	ktime_t next = KTIME_MAX;
	int id;

	for (id = 0; id < XTCP_NR_TIMERS; id++)
		if (!(skip & BIT(id)) && ktime_before(xs->timer_due[id], next))
			next = xs->timer_due[id];
	return next;
}

/*
 * The armed hrtimer holds a socket reference, and bit 0 of timers_ref
 * says so: one reference however many calls arm it.  A queued one's
 * reference passes to the new expiry.  While the callback runs
 * (hrtimer_try_to_cancel() says -1) nobody can tell whether it will put
 * its reference or keep it for an expiry it queues again (an early one
 * sleeps again with HRTIMER_RESTART): the bit decides.  Counting a new
 * reference there kept one for good each time an early expiry's restart
 * met an arm (a socket that never died, and rmmod refused: the stock
 * guest of the two-machine test over IPv6).
 */
static void xtcp_timer_start(struct sock *sk, ktime_t when)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (hrtimer_try_to_cancel(&xs->timer)) {
	case 1:		/* was queued: its reference is the new expiry's */
		break;
	case 0:		/* idle: the callback is done with the bit */
		set_bit(0, &xs->timers_ref);
		sock_hold(sk);
		break;
	default:	/* running: queue first, then see whose reference */
		hrtimer_start(&xs->timer, when, HRTIMER_MODE_ABS_SOFT);
		if (!test_and_set_bit(0, &xs->timers_ref))
			sock_hold(sk);
		return;
	}
	hrtimer_start(&xs->timer, when, HRTIMER_MODE_ABS_SOFT);
}

/*
 * The callback gives its reference up: unless an arm queued the timer
 * again meanwhile and the bit, cleared first, is still ours to set again
 * (xtcp_timer_start() queues before it tests the bit, so one of the two
 * sees the other).
 */
static void xtcp_timer_put(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	clear_bit(0, &xs->timers_ref);
	/* pairs with the test_and_set_bit() after xtcp_timer_start()'s queueing */
	smp_mb__after_atomic();
	if (hrtimer_is_queued(&xs->timer) && !test_and_set_bit(0, &xs->timers_ref))
		return;
	sock_put(sk);
}

/*
 * Run every timer whose deadline has come by @now, in enum order (a
 * retransmission first: it stops the probe timer).  Each deadline is
 * cleared before its handler runs, so that a handler that does not arm
 * its timer again leaves it stopped.  The socket is ours.
 */
static void xtcp_timers_run(struct sock *sk, ktime_t now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int id;

	for (id = 0; id < XTCP_NR_TIMERS; id++) {
		if (!xtcp_timer_due_by(xs->timer_due[id], now))
			continue;
		xs->timer_due[id] = KTIME_MAX;
		xtcp_check_state(sk);
		xtcp_timeouts[id](sk);
	}
}

/*
 * The one callback.  Timers are armed lazily, as TCP keeps
 * icsk_retransmit_timer armed: moving a deadline later, or stopping one,
 * touches no hrtimer while it is queued to fire no later than the
 * earliest deadline.  So an expiry may come early or for nothing: it runs
 * what is due and sleeps again until the next deadline, if any (never
 * while a user owns the socket, whose process may move the deadlines:
 * release_cb decides then).  When a user owns the socket, every running
 * timer is deferred to release_cb with a bit each, and a reference
 * (tcp_write_timer()).  While the handlers run, their arms only set
 * deadlines (timer_in_cb): the hrtimer is queued once, after them.
 */
static enum hrtimer_restart xtcp_timer_fn(struct hrtimer *hrt)
{
	struct xtcp_sock *xs = container_of(hrt, struct xtcp_sock, timer);
	struct sock *sk = xtcp_to_sk(xs);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	ktime_t next;
	int id;

	bh_lock_sock(sk);
	/* re-armed while we waited for the lock: xtcp_timer_put() sees it */
	if (hrtimer_is_queued(hrt))
		goto out;
	if (sock_owned_by_user(sk)) {
		for (id = 0; id < XTCP_NR_TIMERS; id++)
			if (xs->timer_due[id] != KTIME_MAX &&
			    !test_and_set_bit(id, &xs->timers_deferred))
				sock_hold(sk);
		goto out;
	}
	xs->timer_in_cb = true;
	xtcp_timers_run(sk, ktime_get());
	xs->timer_in_cb = false;
	next = xtcp_timer_next(xs, 0);
	if (next != KTIME_MAX && !hrtimer_is_queued(hrt)) {
		hrtimer_set_expires(hrt, next);
		ret = HRTIMER_RESTART;	/* keeping the armed reference */
	}
out:
	bh_unlock_sock(sk);
	if (ret == HRTIMER_NORESTART)
		xtcp_timer_put(sk);	/* the armed timer's reference */
	return ret;
}

/* An expiry of @id deferred to release_cb, still due: it runs there. */
bool xtcp_timer_deferred(struct sock *sk, enum xtcp_timer_id id)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return test_bit(id, &xs->timers_deferred) &&
	       xtcp_timer_due_by(xs->timer_due[id], ktime_get());
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_deferred);

/*
 * Runs from release_sock() with the socket's spinlock held, BH off.  The
 * deferred timers whose deadline has come run (an ACK from the backlog
 * may have stopped or moved one meanwhile: tcp_write_timer_handler()
 * checks icsk_timeout the same way); the hrtimer sleeps again until the
 * earliest deadline left.
 */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long deferred;
	ktime_t next;
	int id;

	/*
	 * an atomic operation only when a bit is set (tcp_release_cb()):
	 * they are set under the spinlock held here
	 */
	if (READ_ONCE(xs->timers_deferred)) {
		deferred = xchg(&xs->timers_deferred, 0);
		xtcp_timers_run(sk, ktime_get());
		next = xtcp_timer_next(xs, 0);
		if (next != KTIME_MAX && !hrtimer_is_queued(&xs->timer))
			xtcp_timer_start(sk, next);
		/* the deferrals' references */
		for_each_set_bit(id, &deferred, XTCP_NR_TIMERS)
			__sock_put(sk);
	}
	xtcp_icmp_release(sk);
}

void xtcp_timer_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int id;

	for (id = 0; id < XTCP_NR_TIMERS; id++)
		xs->timer_due[id] = KTIME_MAX;
	xtcp_hrtimer_setup(&xs->timer, xtcp_timer_fn, CLOCK_MONOTONIC,
			   HRTIMER_MODE_ABS_SOFT);
	xs->timers_deferred = 0;
	xs->timers_ref = 0;
	xs->timer_in_cb = false;
	xtcp_keepalive_init(sk);
}

/**
 * xtcp_timer_arm - (re)arm a timer
 * @sk: the socket, locked or BH-locked
 * @id: the timer
 * @ms: its deadline, from now
 *
 * The hrtimer is touched only when none is queued to fire by the new
 * deadline (see xtcp_timer_fn()).
 */
void xtcp_timer_arm(struct sock *sk, enum xtcp_timer_id id, u32 ms)
{
	xtcp_timer_arm_at(sk, id, ktime_add_ms(ktime_get(), ms));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_arm);

/*
 * The same for a deadline the caller has: one clock read serves the
 * whole event (a push, an ACK), as TCP's tcp_mstamp does.
 */
void xtcp_timer_arm_at(struct sock *sk, enum xtcp_timer_id id, ktime_t due)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	ktime_t next;

	xs->timer_due[id] = due;
	if (xs->timer_in_cb)
		return;		/* xtcp_timer_fn() queues it after the handlers */
	if (hrtimer_is_queued(&xs->timer)) {
		/* queued no later than every other deadline: only @due may be earlier */
		if (!ktime_after(hrtimer_get_softexpires(&xs->timer), due))
			return;
		xtcp_timer_start(sk, due);
		return;
	}
	/*
	 * Not queued: deferred expiries wait for release_cb, which queues the
	 * hrtimer for what is left; the rest need it now.
	 */
	next = xtcp_timer_next(xs, READ_ONCE(xs->timers_deferred));
	if (next != KTIME_MAX)
		xtcp_timer_start(sk, next);
}

/*
 * Every deadline is gone: the hrtimer goes too, without waiting.  Should
 * its callback be running, hrtimer_try_to_cancel() cannot stop it, and it
 * may queue the hrtimer again for a deadline it read before ours went (an
 * early expiry sleeping until the next one, FIN_WAIT_2's 60 s say),
 * keeping the socket, and a dead orphan's module reference, until then.
 * So it is queued for now instead: that expiry comes at once, finds
 * nothing and drops its reference.  From the callback's own handlers
 * nothing is needed: it looks at the deadlines after them.
 */
static void xtcp_timer_cancel(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (hrtimer_try_to_cancel(&xs->timer)) {
	case 1:
		clear_bit(0, &xs->timers_ref);
		__sock_put(sk);
		break;
	case -1:
		if (!xs->timer_in_cb)
			xtcp_timer_start(sk, ktime_get());
		break;
	}
}

/*
 * Stop without waiting: the socket locked or BH-locked.  The hrtimer is
 * cancelled when no other timer runs; otherwise it is left to expire
 * early, for nothing.  An expiry deferred to release_cb is no longer due.
 */
void xtcp_timer_stop(struct sock *sk, enum xtcp_timer_id id)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->timer_due[id] = KTIME_MAX;
	if (xtcp_timer_next(xs, 0) == KTIME_MAX)
		xtcp_timer_cancel(sk);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_stop);

/* All of them, without waiting (the connection is over: xtcp_done()). */
void xtcp_timers_stop(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int id;

	for (id = 0; id < XTCP_NR_TIMERS; id++)
		xs->timer_due[id] = KTIME_MAX;
	xtcp_timer_cancel(sk);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timers_stop);

/*
 * All of them, waiting for a running callback: process context, never
 * under the socket's spinlock (a callback spinning on it would never
 * finish).  Under lock_sock() it is safe: the callback sees the owner and
 * defers (the deferrals' references go in release_cb, which finds the
 * timers stopped).  The socket's teardown calls this: nothing is armed
 * after close, nor after rmmod (xtcp_orphans_kill()).
 */
void xtcp_timers_stop_sync(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int id;

	for (id = 0; id < XTCP_NR_TIMERS; id++)
		xs->timer_due[id] = KTIME_MAX;
	if (hrtimer_cancel(&xs->timer)) {
		clear_bit(0, &xs->timers_ref);
		__sock_put(sk);
	}
}

/* (Re)arm for rto_ms from now; the socket is locked (or BH-locked). */
void xtcp_rtx_arm(struct sock *sk)
{
	xtcp_timer_arm(sk, XTCP_TIMER_RTX, xtcp_sk(sk)->rto_ms);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_arm);

/* The same from @now, a clock the caller read for this event. */
void xtcp_rtx_arm_at(struct sock *sk, ktime_t now)
{
	xtcp_timer_arm_at(sk, XTCP_TIMER_RTX,
			  ktime_add_ms(now, xtcp_sk(sk)->rto_ms));
}

void xtcp_rtx_stop(struct sock *sk)
{
	xtcp_timer_stop(sk, XTCP_TIMER_RTX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_stop);

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
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	ktime_t sent = ktime_sub_ms(xs->timer_due[XTCP_TIMER_RTX], xs->rto_ms);
	u32 us;
	s64 left;

	xs->rtt.backoff--;
	us = xtcp_rtt_timeout_us(&xs->rtt,
				 READ_ONCE(xn->rto_max_ms) * USEC_PER_MSEC);
	xs->rto_ms = max_t(u32, DIV_ROUND_UP(us, USEC_PER_MSEC), 1);
	left = ktime_ms_delta(ktime_add_ms(sent, xs->rto_ms), ktime_get());
	if (left > 0)
		xtcp_timer_arm(sk, XTCP_TIMER_RTX, left);
	else
		xtcp_rtx_timeout(sk);
}

/*
 * An ACK is held back: it goes in XTCP_DELACK_MS unless one goes first.
 * Only the input holds one back: its deadline runs from the segment's
 * clock (xtcp_conn_rcv()).
 */
void xtcp_delack_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	/* the first held-back byte sets the deadline */
	if (!xtcp_timer_armed(xs, XTCP_TIMER_DELACK))
		xtcp_timer_arm_at(sk, XTCP_TIMER_DELACK,
				  ktime_add_ms(xtcp_us_ktime(xs->rcv_mstamp_us),
					       XTCP_DELACK_MS));
}

/**
 * xtcp_persist_interval - the time to the next zero-window probe
 * @rto_ms: the retransmission timeout
 * @backoff: probes sent without the window opening
 * @max_ms: rto_max_ms
 *
 * Return: @rto_ms doubled @backoff times, at most @max_ms (tcp_probe0_when()).
 */
u32 xtcp_persist_interval(u32 rto_ms, u8 backoff, u32 max_ms)
{
	if (backoff >= 32)
		return max_ms;
	return min_t(u64, (u64)rto_ms << backoff, max_ms);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_persist_interval);

/* The next probe. */
void xtcp_persist_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 max = READ_ONCE(xtcp_sk_pernet(sk)->rto_max_ms);

	xtcp_timer_arm(sk, XTCP_TIMER_PERSIST,
		       xtcp_persist_interval(xs->rto_ms, xs->persist_backoff,
					     max));
}

/*
 * An orphan in FIN_WAIT_2 waits fin_timeout_ms for the peer's FIN, on a
 * timer of its own: the RTO stays what it was.
 */
void xtcp_fin_wait2_arm(struct sock *sk)
{
	int linger2 = xtcp_sk(sk)->linger2_ms;

	/* XTCP_LINGER2 (tp->linger2): its own time; < 0 resets at once */
	if (!linger2)
		linger2 = READ_ONCE(xtcp_sk_pernet(sk)->fin_timeout_ms);
	xtcp_timer_arm(sk, XTCP_TIMER_FIN_WAIT2, max(linger2, 0));
}

/**
 * xtcp_timer_proc - the timer /proc/net/xtcp's tr column shows
 * @due: each timer's deadline (KTIME_MAX: stopped)
 * @id: out: the timer shown
 *
 * As /proc/net/tcp numbers them (get_tcp4_sock()): 1 retransmission, 4
 * zero-window probe, 2 the keepalive timer, which TCP also runs for an
 * orphan's FIN_WAIT2 (the earlier of the two is shown); 0 none.  The
 * delayed ACK is not shown, as in TCP.
 *
 * Return: the tr value.
 */
int xtcp_timer_proc(const ktime_t due[XTCP_NR_TIMERS], enum xtcp_timer_id *id)
{
	if (due[XTCP_TIMER_RTX] != KTIME_MAX) {
		*id = XTCP_TIMER_RTX;
		return 1;
	}
	if (due[XTCP_TIMER_PERSIST] != KTIME_MAX) {
		*id = XTCP_TIMER_PERSIST;
		return 4;
	}
	if (due[XTCP_TIMER_KEEPALIVE] != KTIME_MAX ||
	    due[XTCP_TIMER_FIN_WAIT2] != KTIME_MAX) {
		*id = ktime_before(due[XTCP_TIMER_FIN_WAIT2],
				   due[XTCP_TIMER_KEEPALIVE]) ?
		      XTCP_TIMER_FIN_WAIT2 : XTCP_TIMER_KEEPALIVE;
		return 2;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_proc);

/* The pending timer for /proc/net/xtcp's tr column, and the time left on it. */
int xtcp_timer_pending(struct sock *sk, s64 *left_ms)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	ktime_t due[XTCP_NR_TIMERS];
	enum xtcp_timer_id id;
	int tr;

	for (id = 0; id < XTCP_NR_TIMERS; id++)
		due[id] = READ_ONCE(xs->timer_due[id]);
	tr = xtcp_timer_proc(due, &id);
	*left_ms = tr ? max_t(s64, ktime_ms_delta(due[id], ktime_get()), 0) : 0;
	return tr;
}
