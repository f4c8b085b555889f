// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP keepalive (RFC 1122 §4.2.3.6; RFC 9293 §3.8.4): with SO_KEEPALIVE,
 * a connection idle for XTCP_KEEPIDLE seconds (sysctl keepalive_time_s)
 * with nothing outstanding sends a probe <SEQ=SND.UNA-1><ACK=RCV.NXT>, a
 * segment the peer has already seen, which any live peer must answer with
 * an ACK (§3.10.7.4: an unacceptable segment draws one).  Probes repeat
 * every XTCP_KEEPINTVL seconds (keepalive_intvl_s); after XTCP_KEEPCNT
 * (keepalive_probes) unanswered ones the connection is reset and fails
 * with ETIMEDOUT.  A peer that lost its state answers with RST
 * <SEQ=RCV.NXT>, which the input path takes as an exact RST: ECONNRESET.
 * Anything from the peer starts the idle time and the count over.
 *
 * The timer follows timer.c's rules: a soft-mode hrtimer, a socket
 * reference while armed, and deferral to release_cb (through
 * XTCP_KEEPALIVE_DEFERRED) when a user owns the socket.
 */
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <net/sock.h>

#include "keepalive.h"
#include "xtcp.h"

/**
 * xtcp_keepalive_next - what the keepalive timer does now, and when next
 * @p: the settings in force
 * @idle_for_ms: time since the last segment from the peer
 * @probes: probes sent since then
 * @busy: data or a FIN is outstanding or queued; the retransmission timer
 *	  watches the peer then, so keepalive only looks again later
 * @next_ms: out: when to run again, for XTCP_KA_WAIT and XTCP_KA_PROBE
 *
 * As tcp_keepalive_timer(): the first probe goes after @p->idle_ms of
 * silence, the next ones @p->intvl_ms apart, and the connection is dead
 * when @p->cnt probes are unanswered, or, with a user timeout (RFC 5482),
 * when the silence has lasted that long and at least one probe went out.
 *
 * Return: XTCP_KA_WAIT, XTCP_KA_PROBE or XTCP_KA_DEAD.
 */
enum xtcp_ka_action xtcp_keepalive_next(const struct xtcp_ka_params *p,
					u64 idle_for_ms, u32 probes, bool busy,
					u32 *next_ms)
{
	if (busy) {
		*next_ms = p->idle_ms;
		return XTCP_KA_WAIT;
	}
	if (idle_for_ms < p->idle_ms) {
		*next_ms = p->idle_ms - idle_for_ms;
		return XTCP_KA_WAIT;
	}
	if (p->user_timeout_ms ? probes && idle_for_ms >= p->user_timeout_ms :
				 probes >= p->cnt)
		return XTCP_KA_DEAD;
	*next_ms = p->intvl_ms;
	/* no later than the user timeout */
	if (p->user_timeout_ms && idle_for_ms < p->user_timeout_ms)
		*next_ms = min_t(u64, *next_ms, p->user_timeout_ms - idle_for_ms);
	return XTCP_KA_PROBE;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_keepalive_next);

static bool xtcp_keepalive_on(struct sock *sk)
{
	return sock_flag(sk, SOCK_KEEPOPEN) &&
	       xtcp_state_keepalive(xtcp_sk(sk)->tcb.state);
}

static void xtcp_keepalive_params(struct sock *sk, struct xtcp_ka_params *p)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);

	p->idle_ms = (xs->keepidle ?: READ_ONCE(xn->keepalive_time_s)) *
		     MSEC_PER_SEC;
	p->intvl_ms = (xs->keepintvl ?: READ_ONCE(xn->keepalive_intvl_s)) *
		      MSEC_PER_SEC;
	p->cnt = xs->keepcnt ?: READ_ONCE(xn->keepalive_probes);
	p->user_timeout_ms = xs->user_timeout;
}

static u64 xtcp_keepalive_idle_for(struct sock *sk)
{
	return jiffies_to_msecs(jiffies - READ_ONCE(xtcp_sk(sk)->ka_rcv));
}

/* Data or a FIN not yet acknowledged, or data not yet sent. */
static bool xtcp_keepalive_busy(struct sock *sk)
{
	const struct xtcp_tcb *tcb = &xtcp_sk(sk)->tcb;

	return tcb->snd_nxt != tcb->snd_una ||
	       !skb_queue_empty(&sk->sk_write_queue);
}

/*
 * (Re)arm for @ms from now.  An armed timer holds a socket reference; a
 * timer cancelled here hands its reference on, and one whose callback is
 * running drops its own, so the new expiry takes a fresh one.
 */
static void xtcp_keepalive_arm(struct sock *sk, u32 ms)
{
	struct hrtimer *t = &xtcp_sk(sk)->ka_timer;

	if (hrtimer_try_to_cancel(t) != 1)
		sock_hold(sk);
	hrtimer_start(t, ms_to_ktime(ms), HRTIMER_MODE_REL_SOFT);
}

/* The probe: <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK>, no data. */
static void xtcp_keepalive_probe(struct sock *sk)
{
	const struct xtcp_tcb *tcb = &xtcp_sk(sk)->tcb;

	xtcp_xmit(sk, XTCP_ACK, tcb->snd_una - 1, tcb->rcv_nxt, NULL);
}

/* The timer is due; the socket is ours (BH-locked, or from release_cb). */
static void xtcp_keepalive_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_ka_params p;
	u32 next;

	if (!xtcp_keepalive_on(sk))
		return;
	xtcp_keepalive_params(sk, &p);
	switch (xtcp_keepalive_next(&p, xtcp_keepalive_idle_for(sk),
				    xs->ka_probes, xtcp_keepalive_busy(sk),
				    &next)) {
	case XTCP_KA_DEAD:
		/* as Linux: tell the peer, in case it can still hear (§3.10.5) */
		xtcp_abort(sk, xtcp_timeout_errno(sk));
		return;
	case XTCP_KA_PROBE:
		xtcp_keepalive_probe(sk);
		xs->ka_probes++;
		break;
	case XTCP_KA_WAIT:
		break;
	}
	xtcp_keepalive_arm(sk, next);
}

static enum hrtimer_restart xtcp_keepalive_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, ka_timer);
	struct sock *sk = xtcp_to_sk(xs);

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		xtcp_keepalive_timeout(sk);
	else if (!test_and_set_bit(XTCP_KEEPALIVE_DEFERRED, &xs->flags))
		sock_hold(sk);
	bh_unlock_sock(sk);
	sock_put(sk);		/* the armed timer's reference */
	return HRTIMER_NORESTART;
}

/* From xtcp_release_cb(): run an expiry that found the socket owned. */
void xtcp_keepalive_release(struct sock *sk)
{
	if (test_and_clear_bit(XTCP_KEEPALIVE_DEFERRED, &xtcp_sk(sk)->flags)) {
		xtcp_keepalive_timeout(sk);
		__sock_put(sk);
	}
}

void xtcp_keepalive_init(struct sock *sk)
{
	xtcp_hrtimer_setup(&xtcp_sk(sk)->ka_timer, xtcp_keepalive_timer_fn,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xtcp_sk(sk)->ka_rcv = jiffies;
}

/*
 * A segment from the peer arrived: the connection is alive.  Every
 * segment, keepalive on or not (it may be turned on later): a jiffies
 * store, no clock read, as TCP's rcv_tstamp.
 */
void xtcp_keepalive_rcv(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	WRITE_ONCE(xs->ka_rcv, jiffies);
	if (xs->ka_probes)
		xs->ka_probes = 0;
}

/*
 * The connection was established or the idle time changed: with keepalive
 * on, arm for what is left of the idle time (now, if it has run out), as
 * Linux's keepalive_time_set() does.
 */
void xtcp_keepalive_reset(struct sock *sk)
{
	struct xtcp_ka_params p;
	u64 idle_for;

	if (!xtcp_keepalive_on(sk))
		return;
	xtcp_keepalive_params(sk, &p);
	idle_for = xtcp_keepalive_idle_for(sk);
	xtcp_keepalive_arm(sk, idle_for < p.idle_ms ? p.idle_ms - idle_for : 0);
}

/*
 * struct proto's keepalive: SO_KEEPALIVE, with the socket locked, before
 * core code sets or clears SOCK_KEEPOPEN (6.1 and 6.12 alike).  Turning it
 * on arms the timer for a full idle time, as tcp_set_keepalive() does; a
 * connection not yet established is armed when it gets there.
 */
void xtcp_keepalive_set(struct sock *sk, int val)
{
	struct xtcp_ka_params p;

	if (!xtcp_state_keepalive(xtcp_sk(sk)->tcb.state))
		return;
	if (val && !sock_flag(sk, SOCK_KEEPOPEN)) {
		xtcp_keepalive_params(sk, &p);
		xtcp_keepalive_arm(sk, p.idle_ms);
	} else if (!val) {
		xtcp_keepalive_stop(sk);
	}
}

/* Stop without waiting: any context.  A running callback drops its own ref. */
void xtcp_keepalive_stop(struct sock *sk)
{
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->ka_timer) == 1)
		__sock_put(sk);
}

/* Stop and wait, under lock_sock() only (see xtcp_timers_stop_sync()). */
void xtcp_keepalive_stop_sync(struct sock *sk)
{
	if (hrtimer_cancel(&xtcp_sk(sk)->ka_timer))
		__sock_put(sk);
}
