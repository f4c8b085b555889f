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
			   /* the IPv4 fields: 0.0.0.0 for an IPv6 connection */
			   memcpy(__entry->saddr, family == AF_INET ?
				  (const void *)&saddr->s6_addr32[3] :
				  (const void *)&in6addr_any, 4);
			   memcpy(__entry->daddr, family == AF_INET ?
				  (const void *)&daddr->s6_addr32[3] :
				  (const void *)&in6addr_any, 4);
			   memcpy(__entry->saddr_v6, saddr, 16);
			   memcpy(__entry->daddr_v6, daddr, 16);),
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
				   memcpy(__entry->saddr, family == AF_INET ?
					  (const void *)&saddr->s6_addr32[3] :
					  (const void *)&in6addr_any, 4);
				   memcpy(__entry->daddr, family == AF_INET ?
					  (const void *)&daddr->s6_addr32[3] :
					  (const void *)&in6addr_any, 4);
				   memcpy(__entry->saddr_v6, saddr, 16);
				   memcpy(__entry->daddr_v6, daddr, 16);),
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

#endif /* _XTCP_TRACE_H */

/* found through the -I$(src)/module that Kbuild gives trace.o */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
