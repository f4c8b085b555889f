/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * XTCP: a connection-oriented, reliable byte-stream transport with its own
 * socket family and IP protocol number.  User programs need only this
 * header and libc:
 *
 *	int fd = socket(AF_XTCP, SOCK_STREAM, 0);
 *	struct sockaddr_xtcp a = { .sxtcp_family = AF_XTCP,
 *				   .sxtcp_port = htons(7000) };
 *	bind(fd, (struct sockaddr *)&a, sizeof(a));
 *
 * The same socket speaks IPv6 when given a struct sockaddr_xtcp6: the
 * length of the address (and, for a v4-mapped one, its contents) chooses.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>
#include <linux/socket.h>

/* Socket family: a slot no in-tree family uses (AF_WANPIPE was never merged). */
#ifndef AF_XTCP
#define AF_XTCP		25
#endif
#ifndef PF_XTCP
#define PF_XTCP		AF_XTCP
#endif

/* IP protocol number: RFC 3692 experimentation and testing. */
#define IPPROTO_XTCP	253
/* Socket option level, equal to the protocol number as SOL_TCP is. */
#define SOL_XTCP	IPPROTO_XTCP

/*
 * Socket address: byte for byte a struct sockaddr_in, with family AF_XTCP.
 * Port and address are in network byte order.
 */
struct sockaddr_xtcp {
	__kernel_sa_family_t	sxtcp_family;	/* AF_XTCP */
	__be16			sxtcp_port;
	__be32			sxtcp_addr;	/* IPv4 address */
	unsigned char		sxtcp_zero[8];	/* pad to sizeof(sockaddr_in) */
};

/*
 * IPv6 socket address: byte for byte a struct sockaddr_in6, with family
 * AF_XTCP.  An IPv4 peer of a dual-stack socket shows as ::ffff:a.b.c.d.
 * A struct sockaddr_in6 with sin6_family = AF_XTCP is the same thing.
 */
struct sockaddr_xtcp6 {
	__kernel_sa_family_t	sxtcp6_family;	/* AF_XTCP */
	__be16			sxtcp6_port;
	__be32			sxtcp6_flowinfo;
	__u8			sxtcp6_addr[16]; /* IPv6 address */
	__u32			sxtcp6_scope_id; /* interface, link-local */
};

/* Socket options at level SOL_XTCP, numbered as TCP's are. */
#define XTCP_NODELAY		1	/* int: disable Nagle */
#define XTCP_MAXSEG		2	/* int: MSS clamp, 0 = route's */
#define XTCP_KEEPIDLE		4	/* int: s idle before keepalive probes */
#define XTCP_KEEPINTVL		5	/* int: s between keepalive probes */
#define XTCP_KEEPCNT		6	/* int: probes before dropping */
#define XTCP_INFO		11	/* struct xtcp_info (read only) */
#define XTCP_USER_TIMEOUT	18	/* int: ms unacked data may wait, 0 = off */
#define XTCP_SYNCNT		7	/* int: SYN retransmissions, 1..127 */
#define XTCP_LINGER2		8	/* int: s in orphaned FIN_WAIT_2, <0 none */
#define XTCP_DEFER_ACCEPT	9	/* int: s to wait for data before accept */
#define XTCP_WINDOW_CLAMP	10	/* int: bound on the advertised window */
#define XTCP_QUICKACK		12	/* int: 1 ACK now and quickly, 0 delay */
/*
 * string: the congestion-control algorithm, "cubic", "newreno" or "reno"
 * (NewReno by Linux's name), as TCP_CONGESTION; ENOENT for another
 */
#define XTCP_CONGESTION		13
#define XTCP_NOTSENT_LOWAT	25	/* int: EPOLLOUT when unsent < this */
/* int: IPv6 only, no v4-mapped peers (as IPV6_V6ONLY, which works too) */
#define XTCP_V6ONLY		64
/*
 * int: SO_REUSEPORT, for kernels whose setsockopt(SOL_SOCKET) refuses it
 * to a family other than AF_INET/AF_INET6 (before 6.5); SO_REUSEPORT
 * itself works from 6.5 on, and getsockopt(SO_REUSEPORT) on every kernel
 */
#define XTCP_REUSEPORT		65
/*
 * int: hold partial segments until uncorked, at most about 200 ms (an RTO,
 * the persist timer), as TCP_CORK; TCP's number
 */
#define XTCP_CORK		3

/*
 * getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len): the connection's state,
 * like TCP_INFO.  Versioned by length: fields are only ever added at the
 * end, and the kernel copies min(len, sizeof(struct xtcp_info)) bytes and
 * sets len to that.  Times are in microseconds, windows in bytes.
 */
struct xtcp_info {
	__u8	xtcpi_state;		/* TCP_* numbering, as tcpi_state */
	__u8	xtcpi_xtcp_state;	/* XTCP's own: 0 CLOSED .. 10 TIME_WAIT */
	__u8	xtcpi_retransmits;	/* timeouts in a row */
	__u8	xtcpi_backoff;		/* RTO doublings in force */
	__u8	xtcpi_snd_wscale;
	__u8	xtcpi_rcv_wscale;
	__u16	xtcpi_pad;

	__u32	xtcpi_rto;
	__u32	xtcpi_ato;		/* delayed-ACK timeout */
	__u32	xtcpi_srtt;
	__u32	xtcpi_rttvar;

	__u32	xtcpi_snd_mss;
	__u32	xtcpi_rcv_mss;

	__u32	xtcpi_snd_una;
	__u32	xtcpi_snd_nxt;
	__u32	xtcpi_rcv_nxt;
	__u32	xtcpi_snd_wnd;
	__u32	xtcpi_rcv_wnd;
	__u32	xtcpi_snd_cwnd;
	__u32	xtcpi_snd_ssthresh;
	__u32	xtcpi_total_retrans;

	__u64	xtcpi_bytes_acked;
	__u64	xtcpi_bytes_received;
	__u32	xtcpi_segs_in;
	__u32	xtcpi_segs_out;

	__u32	xtcpi_options;		/* XTCPI_OPT_*, as tcpi_options */
	__u32	xtcpi_ts_recent;	/* TS.Recent (RFC 7323 §4.3) */

	/* SACK (RFC 2018, RFC 6675), bytes of the flight */
	__u32	xtcpi_sacked;		/* SACKed by the peer */
	__u32	xtcpi_lost;		/* in holes IsLost() */
	__u32	xtcpi_retrans;		/* resent in this recovery, not SACKed */
	__u32	xtcpi_reordering;	/* DupThresh, segments */

	/* congestion control; its name is getsockopt(XTCP_CONGESTION) */
	__u32	xtcpi_min_rtt;		/* least RTT sample, µs; 0: none */
	__u32	xtcpi_snd_cwnd_segs;	/* xtcpi_snd_cwnd / xtcpi_snd_mss */
	__u64	xtcpi_delivery_rate;	/* bytes/s acknowledged, last interval */
};

/* xtcpi_options: what the handshake agreed on (tcpi_options' bits) */
#define XTCPI_OPT_TIMESTAMPS	1
#define XTCPI_OPT_SACK		2
#define XTCPI_OPT_WSCALE	4

#endif /* _UAPI_LINUX_XTCP_H */
