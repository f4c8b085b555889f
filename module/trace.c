// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP tracepoints (trace.h): the one file that creates them, and the
 * wrappers the rest of the module calls.
 */
#include <net/ipv6.h>
#include <net/sock.h>

#include "xtcp.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/**
 * xtcp_trace_state - fire xtcp:xtcp_set_state
 * @key: the connection's addresses and ports (local first)
 * @old: the state it leaves
 * @new: the state it enters
 *
 * For callers that have no full socket, such as TIME_WAIT entries.
 */
void xtcp_trace_state(const struct xtcp_key *key, enum xtcp_state old,
		      enum xtcp_state new)
{
	struct in6_addr s, d;

	ipv6_addr_set_v4mapped(key->laddr, &s);
	ipv6_addr_set_v4mapped(key->raddr, &d);
	trace_xtcp_set_state(AF_INET, &s, &d, key->lport, key->rport, old, new);
}

/* The same for an IPv6 connection. */
void xtcp_trace_state6(const struct xtcp_key6 *key, enum xtcp_state old,
		       enum xtcp_state new)
{
	trace_xtcp_set_state(AF_INET6, &key->laddr, &key->raddr, key->lport,
			     key->rport, old, new);
}

/*
 * @sk enters @state: fire the tracepoint if that is a change.  The
 * addresses come from the socket itself, since a connection may change
 * state before it is hashed (a listener's child) or after it was unhashed.
 */
void xtcp_trace_sk_state(struct sock *sk, enum xtcp_state state)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	enum xtcp_state old = xs->traced_state;
	const struct inet_sock *inet;
	struct in6_addr saddr, daddr;

	if (old == state)
		return;
	xs->traced_state = state;
	if (!trace_xtcp_set_state_enabled())
		return;
	inet = inet_sk(sk);
	xtcp_sk_addr6(sk, false, &saddr);
	xtcp_sk_addr6(sk, true, &daddr);
	trace_xtcp_set_state(xs->af->family, &saddr, &daddr, inet->inet_sport,
			     inet->inet_dport, old, state);
}

/*
 * xtcp:xtcp_send_reset, xtcp:xtcp_receive_reset, xtcp:xtcp_destroy_sock
 * for @sk: its addresses as xtcp_trace_sk_state() takes them.
 */
void xtcp_trace_sk_event(struct sock *sk, enum xtcp_sk_event what)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct in6_addr saddr, daddr;
	u16 family = xs->af->family;

	if (!trace_xtcp_send_reset_enabled() &&
	    !trace_xtcp_receive_reset_enabled() &&
	    !trace_xtcp_destroy_sock_enabled())
		return;
	xtcp_sk_addr6(sk, false, &saddr);
	xtcp_sk_addr6(sk, true, &daddr);
	switch (what) {
	case XTCP_TRACE_SEND_RESET:
		trace_xtcp_send_reset(sk, family, &saddr, &daddr,
				      inet->inet_sport, inet->inet_dport,
				      xs->tcb.state);
		break;
	case XTCP_TRACE_RECEIVE_RESET:
		trace_xtcp_receive_reset(sk, family, &saddr, &daddr,
					 inet->inet_sport, inet->inet_dport,
					 xs->tcb.state);
		break;
	case XTCP_TRACE_DESTROY_SOCK:
		trace_xtcp_destroy_sock(sk, family, &saddr, &daddr,
					inet->inet_sport, inet->inet_dport,
					xs->tcb.state);
		break;
	}
}

/* xtcp:xtcp_retransmit_skb: @skb, of @sk's write queue, goes again. */
void xtcp_trace_retransmit(struct sock *sk, const struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct in6_addr saddr, daddr;

	if (!trace_xtcp_retransmit_skb_enabled())
		return;
	xtcp_sk_addr6(sk, false, &saddr);
	xtcp_sk_addr6(sk, true, &daddr);
	trace_xtcp_retransmit_skb(skb, sk, xtcp_sk(sk)->af->family, &saddr,
				  &daddr, inet->inet_sport, inet->inet_dport,
				  xtcp_sk(sk)->tcb.state);
}

/* xtcp:xtcp_probe: @skb arrives on established @sk, not yet processed. */
void xtcp_trace_probe(struct sock *sk, const struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = max_t(u32, xs->cc.mss, 1);
	struct in6_addr saddr, daddr;
	struct xtcp_probe_info p;

	if (!trace_xtcp_probe_enabled())
		return;
	xtcp_sk_addr6(sk, false, &saddr);
	xtcp_sk_addr6(sk, true, &daddr);
	p = (struct xtcp_probe_info) {
		.family = xs->af->family,
		.saddr = &saddr,
		.daddr = &daddr,
		.sport = inet->inet_sport,
		.dport = inet->inet_dport,
		.mark = skb->mark,
		.data_len = XTCP_SKB_CB(skb)->seg.len,
		.snd_nxt = xs->tcb.snd_nxt,
		.snd_una = xs->tcb.snd_una,
		.snd_cwnd = xs->cc.cwnd / mss,
		.ssthresh = xs->cc.ssthresh / mss,
		.snd_wnd = xs->tcb.snd_wnd,
		.srtt = xs->rtt.srtt_us,
		.rcv_wnd = xs->tcb.rcv_wnd,
	};
	trace_xtcp_probe(skb, &p);
}

/**
 * xtcp_sync_state - bring the socket along after the state machine moved
 * @sk: the socket, locked (lock_sock() or bh_lock_sock())
 *
 * Only state.c writes tcb.state; whoever calls one of its events calls
 * this next.  sk_state, which core code and lockless readers (poll, the
 * lookup's listener check) see, takes TCP's number for the new state, and
 * xtcp:xtcp_set_state fires if the state changed.
 */
void xtcp_sync_state(struct sock *sk)
{
	enum xtcp_state state = xtcp_sk(sk)->tcb.state;

	lockdep_assert(lockdep_sock_is_held(sk));
	xtcp_trace_sk_state(sk, state);
	/* inet_sk_state_store() without its tracepoint, which is not exported */
	smp_store_release(&sk->sk_state, xtcp_state_to_tcp(state));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sync_state);
