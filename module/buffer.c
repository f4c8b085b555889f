// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP buffer sizing, as TCP's: sockets start at the `wmem` and `rmem`
 * defaults; the send buffer grows with the congestion window
 * (tcp_sndbuf_expand()), and the receive buffer with what the reader
 * drains in a round trip (dynamic right-sizing, tcp_rcv_space_adjust()),
 * each up to its sysctl's maximum and never when the user set the size
 * (SO_SNDBUF, SO_RCVBUF lock it).
 */
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "seq.h"
#include "window.h"
#include "xtcp.h"

/* Segments the send buffer holds at least twice over: TCP_INIT_CWND. */
#define XTCP_SNDBUF_MIN_SEGS	10

/* A new socket's buffers: the sysctls' defaults. */
void xtcp_buffers_init(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);

	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(xn->wmem[1]));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(xn->rmem[1]));
}

/*
 * The send buffer for the congestion window: two windows' worth of
 * segments at their true size (one in flight, one being filled), at
 * least the initial window's, as tcp_sndbuf_expand().  A segment counts
 * as at least 536 bytes of payload: a tiny MSS makes many skbs whose
 * overhead is most of their truesize.
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = max_t(u32, xs->tcb.snd_mss, XTCP_DEFAULT_MSS);
	u32 segs = max_t(u32, xtcp_cc_window(&xs->cc) / mss, XTCP_SNDBUF_MIN_SEGS);
	u64 per_mss, sndmem;
	int max;

	/* not while the protocol is short of memory (tcp_should_expand_sndbuf()) */
	if ((sk->sk_userlocks & SOCK_SNDBUF_LOCK) || sk_under_memory_pressure(sk))
		return;
	per_mss = roundup_pow_of_two(SKB_TRUESIZE(mss + XTCP_MAX_HEADER));
	sndmem = 2 * per_mss * segs;
	max = READ_ONCE(xtcp_sk_pernet(sk)->wmem[2]);
	if (sndmem > max)
		sndmem = max;
	if (sndmem > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, sndmem);
}

/* At ESTABLISHED: measure the reader from here, against the first window. */
void xtcp_rcv_space_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcvq_space = max_t(u32, xs->tcb.rcv_wnd, 1);
	xs->rcvq_seq = xs->copied_seq;
	xs->rcvq_time_us = ktime_to_us(ktime_get());
	xs->rcv_rtt_us = 0;
	xs->rcv_rtt_seq = xs->tcb.rcv_nxt;
	xs->rcv_rtt_time_us = 0;
}

/*
 * The receiver's own round-trip estimate, for a side that only receives
 * (tcp_rcv_rtt_measure()): the time RCV.NXT takes to cross a window
 * offered, an upper bound of the RTT, smoothed, at the clock the input
 * read for the segment (xtcp_conn_rcv()).
 */
void xtcp_rcv_rtt_measure(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tcb *tcb = &xs->tcb;
	u64 now;

	if (xtcp_seq_before(tcb->rcv_nxt, xs->rcv_rtt_seq))
		return;
	now = xs->rcv_mstamp_us;
	if (xs->rcv_rtt_time_us) {
		u32 sample = min_t(u64, now - xs->rcv_rtt_time_us, U32_MAX);

		xs->rcv_rtt_us = xs->rcv_rtt_us ?
				 min(sample, xs->rcv_rtt_us - (xs->rcv_rtt_us >> 3) +
				     (sample >> 3)) : sample;
	}
	xs->rcv_rtt_seq = tcb->rcv_nxt + max_t(u32, tcb->rcv_wnd, 1);
	xs->rcv_rtt_time_us = now;
}

/*
 * After the reader copied (tcp_rcv_space_adjust()): once a round trip
 * has passed, a reader that drained more than the last measure gets a
 * buffer for twice what it drained plus 16 segments, at the truesize
 * ratio the segments arrive with, so that the sender is limited by the
 * reader and not by our window.
 */
void xtcp_rcv_space_adjust(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rtt = xs->rtt.srtt_us ?: xs->rcv_rtt_us;
	u64 now = ktime_to_us(ktime_get());
	u32 copied;

	if (!rtt || now - xs->rcvq_time_us < rtt)
		return;
	copied = xs->copied_seq - xs->rcvq_seq;
	if (copied > xs->rcvq_space) {
		if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
			u64 win = 2ULL * copied + 16ULL * xtcp_rcv_mss(xs);
			u16 ratio = xs->rcv_ratio ?: XTCP_RATIO_DEFAULT;
			u64 space = div_u64(win << 16, ratio);
			int max = READ_ONCE(xtcp_sk_pernet(sk)->rmem[2]);

			if (space > max)
				space = max;
			if (space > READ_ONCE(sk->sk_rcvbuf))
				WRITE_ONCE(sk->sk_rcvbuf, space);
		}
		xs->rcvq_space = copied;
	}
	xs->rcvq_seq = xs->copied_seq;
	xs->rcvq_time_us = now;
}
