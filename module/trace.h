/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP tracepoints.  xtcp:xtcp_set_state fires on every transition of the
 * state machine (RFC 9293 §3.3.2) with the connection's addresses and
 * ports, and prints as sock:inet_sock_set_state prints TCP's.  The state
 * names are xtcp_state_name()'s, spelled out with __print_symbolic() so
 * that trace-cmd and perf can decode the binary records too.  trace.c is
 * the one place that instantiates it (CREATE_TRACE_POINTS).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/tracepoint.h>
#include <net/ipv6.h>

#include "xtcp.h"

/* the enum's values, for decoders of the binary format (trace-cmd, perf) */
TRACE_DEFINE_ENUM(XTCP_CLOSED);
TRACE_DEFINE_ENUM(XTCP_LISTEN);
TRACE_DEFINE_ENUM(XTCP_SYN_SENT);
TRACE_DEFINE_ENUM(XTCP_SYN_RECEIVED);
TRACE_DEFINE_ENUM(XTCP_ESTABLISHED);
TRACE_DEFINE_ENUM(XTCP_FIN_WAIT_1);
TRACE_DEFINE_ENUM(XTCP_FIN_WAIT_2);
TRACE_DEFINE_ENUM(XTCP_CLOSE_WAIT);
TRACE_DEFINE_ENUM(XTCP_CLOSING);
TRACE_DEFINE_ENUM(XTCP_LAST_ACK);
TRACE_DEFINE_ENUM(XTCP_TIME_WAIT);

#ifndef XTCP_TRACE_ADDRS
#define XTCP_TRACE_ADDRS
/*
 * The address fields of TCP's events: the IPv4 pair (0.0.0.0 for an IPv6
 * connection) and the IPv6 one (v4-mapped for IPv4), from IPv6-form
 * addresses as xtcp_sk_addr6() gives them.
 */
static inline void xtcp_trace_addrs(u8 *saddr, u8 *daddr, u8 *saddr_v6,
				    u8 *daddr_v6, u16 family,
				    const struct in6_addr *s,
				    const struct in6_addr *d)
{
	memcpy(saddr, family == AF_INET ? (const void *)&s->s6_addr32[3] :
	       (const void *)&in6addr_any, 4);
	memcpy(daddr, family == AF_INET ? (const void *)&d->s6_addr32[3] :
	       (const void *)&in6addr_any, 4);
	memcpy(saddr_v6, s, 16);
	memcpy(daddr_v6, d, 16);
}

/* @sk's local or peer address and port as a sockaddr_in or _in6 (%pISpc) */
static inline void xtcp_trace_sockaddr(u8 *buf, u16 family,
				       const struct in6_addr *a, __be16 port)
{
	memset(buf, 0, sizeof(struct sockaddr_in6));
	if (family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)buf;

		v4->sin_family = AF_INET;
		v4->sin_port = port;
		v4->sin_addr.s_addr = a->s6_addr32[3];
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)buf;

		v6->sin6_family = AF_INET6;
		v6->sin6_port = port;
		v6->sin6_addr = *a;
	}
}

/* what xtcp:xtcp_probe records, gathered by xtcp_trace_probe() */
struct xtcp_probe_info {
	u16 family;
	const struct in6_addr *saddr, *daddr;
	__be16 sport, dport;
	u32 mark, data_len, snd_nxt, snd_una, snd_cwnd, ssthresh, snd_wnd;
	u32 srtt, rcv_wnd;
};
#endif

#define xtcp_show_state(state)						\
	__print_symbolic(state,						\
			 { XTCP_CLOSED,		"CLOSED" },		\
			 { XTCP_LISTEN,		"LISTEN" },		\
			 { XTCP_SYN_SENT,	"SYN_SENT" },		\
			 { XTCP_SYN_RECEIVED,	"SYN_RECEIVED" },	\
			 { XTCP_ESTABLISHED,	"ESTABLISHED" },	\
			 { XTCP_FIN_WAIT_1,	"FIN_WAIT_1" },		\
			 { XTCP_FIN_WAIT_2,	"FIN_WAIT_2" },		\
			 { XTCP_CLOSE_WAIT,	"CLOSE_WAIT" },		\
			 { XTCP_CLOSING,	"CLOSING" },		\
			 { XTCP_LAST_ACK,	"LAST_ACK" },		\
			 { XTCP_TIME_WAIT,	"TIME_WAIT" })

TRACE_EVENT(xtcp_set_state,
	    /* addresses as IPv6, IPv4 v4-mapped (as inet_sock_set_state) */
	    TP_PROTO(u16 family, const struct in6_addr *saddr,
		     const struct in6_addr *daddr, __be16 sport, __be16 dport,
		     int oldstate, int newstate),
	    TP_ARGS(family, saddr, daddr, sport, dport, oldstate, newstate),
	    TP_STRUCT__entry(__field(int, oldstate)
			     __field(int, newstate)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, family)
			     __array(__u8, saddr_v6, 16)
			     __array(__u8, daddr_v6, 16)),
	    TP_fast_assign(__entry->oldstate = oldstate;
			   __entry->newstate = newstate;
			   __entry->sport = ntohs(sport);
			   __entry->dport = ntohs(dport);
			   __entry->family = family;
			   xtcp_trace_addrs(__entry->saddr, __entry->daddr,
					    __entry->saddr_v6,
					    __entry->daddr_v6, family, saddr,
					    daddr);),
	    TP_printk("sport=%u dport=%u saddr=%pI4 daddr=%pI4 oldstate=%s newstate=%s family=%s saddrv6=%pI6c daddrv6=%pI6c",
		      __entry->sport, __entry->dport, __entry->saddr,
		      __entry->daddr, xtcp_show_state(__entry->oldstate),
		      xtcp_show_state(__entry->newstate),
		      __entry->family == AF_INET6 ? "AF_INET6" : "AF_INET",
		      __entry->saddr_v6, __entry->daddr_v6)
);

/*
 * A connection's event, with the fields and print format of TCP's
 * tcp_event_sk class (tcp_receive_reset; tcp_send_reset
 * prints the same for a socket), the socket cookie left out.
 */
DECLARE_EVENT_CLASS(xtcp_event_sk,
		    TP_PROTO(const void *skaddr, u16 family, const struct in6_addr *saddr,
			     const struct in6_addr *daddr, __be16 sport, __be16 dport,
			     int state),
		    TP_ARGS(skaddr, family, saddr, daddr, sport, dport, state),
		    TP_STRUCT__entry(__field(const void *, skaddr)
				     __field(__u16, sport)
				     __field(__u16, dport)
				     __field(__u16, family)
				     __field(int, state)
				     __array(__u8, saddr, 4)
				     __array(__u8, daddr, 4)
				     __array(__u8, saddr_v6, 16)
				     __array(__u8, daddr_v6, 16)),
		    TP_fast_assign(__entry->skaddr = skaddr;
				   __entry->sport = ntohs(sport);
				   __entry->dport = ntohs(dport);
				   __entry->family = family;
				   __entry->state = state;
				   xtcp_trace_addrs(__entry->saddr,
						    __entry->daddr,
						    __entry->saddr_v6,
						    __entry->daddr_v6, family,
						    saddr, daddr);),
		    TP_printk("family=%s sport=%u dport=%u saddr=%pI4 daddr=%pI4 saddrv6=%pI6c daddrv6=%pI6c state=%s",
			      __entry->family == AF_INET6 ? "AF_INET6" : "AF_INET",
			      __entry->sport, __entry->dport, __entry->saddr,
			      __entry->daddr, __entry->saddr_v6, __entry->daddr_v6,
			      xtcp_show_state(__entry->state))
);

/* an RST the connection sends (tcp_send_reset, tcp_send_active_reset) */
DEFINE_EVENT(xtcp_event_sk, xtcp_send_reset,
	     TP_PROTO(const void *skaddr, u16 family, const struct in6_addr *saddr,
		      const struct in6_addr *daddr, __be16 sport, __be16 dport,
		      int state),
	     TP_ARGS(skaddr, family, saddr, daddr, sport, dport, state));

/* an RST that ended the connection (tcp_receive_reset, in tcp_reset()) */
DEFINE_EVENT(xtcp_event_sk, xtcp_receive_reset,
	     TP_PROTO(const void *skaddr, u16 family, const struct in6_addr *saddr,
		      const struct in6_addr *daddr, __be16 sport, __be16 dport,
		      int state),
	     TP_ARGS(skaddr, family, saddr, daddr, sport, dport, state));

/*
 * The connection's socket is done with for good: closed by its user after
 * it reached CLOSED (or never left it), an orphan that finished, a child
 * never accepted (tcp_destroy_sock, from tcp_v4_destroy_sock()).
 */
DEFINE_EVENT(xtcp_event_sk, xtcp_destroy_sock,
	     TP_PROTO(const void *skaddr, u16 family, const struct in6_addr *saddr,
		      const struct in6_addr *daddr, __be16 sport, __be16 dport,
		      int state),
	     TP_ARGS(skaddr, family, saddr, daddr, sport, dport, state));

/* A segment of data sent again (tcp_retransmit_skb: its fields and format) */
TRACE_EVENT(xtcp_retransmit_skb,
	    TP_PROTO(const void *skbaddr, const void *skaddr, u16 family,
		     const struct in6_addr *saddr, const struct in6_addr *daddr,
		     __be16 sport, __be16 dport, int state),
	    TP_ARGS(skbaddr, skaddr, family, saddr, daddr, sport, dport, state),
	    TP_STRUCT__entry(__field(const void *, skbaddr)
			     __field(const void *, skaddr)
			     __field(int, state)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u16, family)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __array(__u8, saddr_v6, 16)
			     __array(__u8, daddr_v6, 16)),
	    TP_fast_assign(__entry->skbaddr = skbaddr;
			   __entry->skaddr = skaddr;
			   __entry->state = state;
			   __entry->sport = ntohs(sport);
			   __entry->dport = ntohs(dport);
			   __entry->family = family;
			   xtcp_trace_addrs(__entry->saddr, __entry->daddr,
					    __entry->saddr_v6,
					    __entry->daddr_v6, family, saddr,
					    daddr);),
	    TP_printk("skbaddr=%p skaddr=%p family=%s sport=%u dport=%u saddr=%pI4 daddr=%pI4 saddrv6=%pI6c daddrv6=%pI6c state=%s",
		      __entry->skbaddr, __entry->skaddr,
		      __entry->family == AF_INET6 ? "AF_INET6" : "AF_INET",
		      __entry->sport, __entry->dport, __entry->saddr,
		      __entry->daddr, __entry->saddr_v6, __entry->daddr_v6,
		      xtcp_show_state(__entry->state))
);

/*
 * A segment arriving on an established connection, with the sender's
 * state before it is processed (tcp_probe, from tcp_rcv_established():
 * its fields and format, less the socket cookie).  snd_cwnd and ssthresh
 * in segments as TCP's, srtt in microseconds.
 */
TRACE_EVENT(xtcp_probe,
	    TP_PROTO(const void *skbaddr, const struct xtcp_probe_info *p),
	    TP_ARGS(skbaddr, p),
	    TP_STRUCT__entry(__array(__u8, saddr, sizeof(struct sockaddr_in6))
			     __array(__u8, daddr, sizeof(struct sockaddr_in6))
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u16, family)
			     __field(__u32, mark)
			     __field(__u16, data_len)
			     __field(__u32, snd_nxt)
			     __field(__u32, snd_una)
			     __field(__u32, snd_cwnd)
			     __field(__u32, ssthresh)
			     __field(__u32, snd_wnd)
			     __field(__u32, srtt)
			     __field(__u32, rcv_wnd)
			     __field(const void *, skbaddr)),
	    TP_fast_assign(xtcp_trace_sockaddr(__entry->saddr, p->family,
					       p->saddr, p->sport);
			   xtcp_trace_sockaddr(__entry->daddr, p->family,
					       p->daddr, p->dport);
			   __entry->sport = ntohs(p->sport);
			   __entry->dport = ntohs(p->dport);
			   __entry->family = p->family;
			   __entry->mark = p->mark;
			   __entry->data_len = p->data_len;
			   __entry->snd_nxt = p->snd_nxt;
			   __entry->snd_una = p->snd_una;
			   __entry->snd_cwnd = p->snd_cwnd;
			   __entry->ssthresh = p->ssthresh;
			   __entry->snd_wnd = p->snd_wnd;
			   __entry->srtt = p->srtt;
			   __entry->rcv_wnd = p->rcv_wnd;
			   __entry->skbaddr = skbaddr;),
	    TP_printk("family=%s src=%pISpc dest=%pISpc mark=%#x data_len=%d snd_nxt=%#x snd_una=%#x snd_cwnd=%u ssthresh=%u snd_wnd=%u srtt=%u rcv_wnd=%u skbaddr=%p",
		      __entry->family == AF_INET6 ? "AF_INET6" : "AF_INET",
		      __entry->saddr, __entry->daddr, __entry->mark,
		      __entry->data_len, __entry->snd_nxt, __entry->snd_una,
		      __entry->snd_cwnd, __entry->ssthresh, __entry->snd_wnd,
		      __entry->srtt, __entry->rcv_wnd, __entry->skbaddr)
);

#endif /* _XTCP_TRACE_H */

/* found through the -I$(src)/module that Kbuild gives trace.o */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
