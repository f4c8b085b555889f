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
 * The timer is one of timer.c's (XTCP_TIMER_KEEPALIVE), which calls
 * xtcp_keepalive_timeout() when it is due.
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
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
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

static void xtcp_keepalive_arm(struct sock *sk, u32 ms)
{
	xtcp_timer_arm(sk, XTCP_TIMER_KEEPALIVE, ms);
}

/* The timer is due; the socket is ours (BH-locked, or from release_cb). */
void xtcp_keepalive_timeout(struct sock *sk)
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
		xtcp_send_probe(sk);
		xs->ka_probes++;
		break;
	case XTCP_KA_WAIT:
		break;
	}
	xtcp_keepalive_arm(sk, next);
}

void xtcp_keepalive_init(struct sock *sk)
{
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
		xtcp_timer_stop(sk, XTCP_TIMER_KEEPALIVE);
	}
}
