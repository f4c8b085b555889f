// SPDX-License-Identifier: GPL-2.0
/*
 * Window arithmetic: silly window syndrome avoidance on both sides
 * (RFC 9293 §3.8.6.2), Nagle's algorithm (§3.7.4, RFC 896), the rule that
 * the right window edge does not move left (§3.8.6), window scaling
 * (RFC 7323 §2.3) and the persist timer (§3.8.6.1).  Pure: numbers in,
 * numbers out.  See window.h.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/module.h>

#include "compat.h"
#include "window.h"
#include "wire.h"

/* The largest window a header can carry with shift @wscale (RFC 7323 §2.3). */
static u32 xtcp_max_window(u8 wscale)
{
	return (u32)U16_MAX << wscale;
}

/**
 * xtcp_rcv_window() - the receive window to advertise
 * @free_space: RCV.BUFF - RCV.USER: bytes the receive buffer can still take
 * @rcv_buff: RCV.BUFF: the receive buffer's size in bytes
 * @rcv_mss: Eff.snd.MSS of the peer: the largest segment it may send us
 *	(the MSS we advertised)
 * @cur_wnd_left: what remains of the window last advertised, i.e.
 *	last right edge - RCV.NXT (rcv_wup + last_wnd - rcv_nxt); 0 if the
 *	edge has been reached
 * @rcv_wscale: our window shift, 0 without window scaling (at most 14)
 *
 * Receiver SWS avoidance (§3.8.6.2.2): the right edge RCV.NXT + RCV.WND
 * stays where it is until the window can grow by at least
 * min(RCV.BUFF / 2, Eff.snd.MSS); then the window becomes all the free
 * space.  The edge never moves left (§3.8.6), even when the free space is
 * less than @cur_wnd_left.
 *
 * The result is a multiple of 1 << @rcv_wscale, so that the header field
 * (xtcp_window_field()) says it exactly, and at most 65535 << @rcv_wscale.
 * A new window is rounded down (never offer space there is not); a kept
 * edge is rounded up, by less than 1 << @rcv_wscale, as Linux does, since
 * rounding it down would move it left.
 *
 * Return: RCV.WND, in bytes.
 */
u32 xtcp_rcv_window(u32 free_space, u32 rcv_buff, u32 rcv_mss,
		    u32 cur_wnd_left, u8 rcv_wscale)
{
	u8 ws = min_t(u8, rcv_wscale, XTCP_MAX_WSCALE);
	u32 max = xtcp_max_window(ws);
	u32 keep, grown;

	/* the old edge, representable: max is a multiple of 1 << ws */
	keep = round_up(min(cur_wnd_left, max), 1U << ws);
	grown = round_down(min(free_space, max), 1U << ws);
	/* §3.8.6.2.2: RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF, MSS) */
	if (grown > keep && grown - keep >= min(rcv_buff / 2, rcv_mss))
		return grown;
	return keep;
}
EXPORT_SYMBOL_NS_GPL(xtcp_rcv_window, XTCP_NS);

/**
 * xtcp_window_field() - the header's window field for a window
 * @wnd: the window in bytes (from xtcp_rcv_window())
 * @wscale: the shift the peer applies; 0 in a SYN or SYN,ACK, whose window
 *	is never scaled (RFC 7323 §2.2)
 *
 * Return: @wnd >> @wscale, at most 65535.
 */
u16 xtcp_window_field(u32 wnd, u8 wscale)
{
	return min_t(u32, wnd >> min_t(u8, wscale, XTCP_MAX_WSCALE), U16_MAX);
}
EXPORT_SYMBOL_NS_GPL(xtcp_window_field, XTCP_NS);

/**
 * xtcp_snd_usable() - the usable send window U
 * @snd_una: SND.UNA
 * @snd_nxt: SND.NXT
 * @snd_wnd: SND.WND, the peer's window in bytes, from SND.UNA
 * @cwnd: the congestion window in bytes (RFC 5681); U32_MAX for none
 *
 * U = SND.UNA + min(SND.WND, cwnd) - SND.NXT (§3.8.6.2.1, RFC 5681 §3.1):
 * how much new data may be sent now.  A window that shrank below what is
 * in flight gives 0.
 *
 * Return: U in bytes, never negative.
 */
u32 xtcp_snd_usable(u32 snd_una, u32 snd_nxt, u32 snd_wnd, u32 cwnd)
{
	u32 wnd = min(snd_wnd, cwnd), flight = snd_nxt - snd_una;

	return wnd > flight ? wnd - flight : 0;
}
EXPORT_SYMBOL_NS_GPL(xtcp_snd_usable, XTCP_NS);

/**
 * xtcp_snd_should_send() - may the sender send a segment now?
 * @avail: D: bytes queued by the user and not yet sent (from SND.NXT on)
 * @usable_wnd: U: the usable window, xtcp_snd_usable()
 * @mss: Eff.snd.MSS: the largest payload one segment may carry
 * @max_sndwnd: Max(SND.WND): the largest window the peer has offered
 * @nodelay: XTCP_NODELAY is set: Nagle's algorithm is off
 * @data_outstanding: SND.NXT != SND.UNA: sent data is not yet acknowledged
 * @push: the queued data ends at a push point: the user sent it without
 *	MSG_MORE and the socket is not corked, so no more is coming soon
 *
 * Sender SWS avoidance (§3.8.6.2.1), with the conditions in brackets
 * there being Nagle's (§3.7.4, RFC 896) and so waived by @nodelay.  Send
 *
 * (1) if a full segment can be sent: min(D, U) >= Eff.snd.MSS;
 * (2) or if [nothing is outstanding and] the data is pushed and all of it
 *     can be sent: D <= U;
 * (3) or if [nothing is outstanding and] at least Fs = 1/2 of the largest
 *     window can be sent: min(D, U) >= Max(SND.WND) / 2.
 *
 * (4) of §3.8.6.2.1, the override timeout, is the persist timer's
 * (xtcp_need_persist()).  The segment to send carries min(D, U, @mss)
 * bytes; call again for the next one.
 *
 * Return: true to send a segment now.
 */
bool xtcp_snd_should_send(u32 avail, u32 usable_wnd, u32 mss, u32 max_sndwnd,
			  bool nodelay, bool data_outstanding, bool push)
{
	u32 sendable = min(avail, usable_wnd);
	bool nagle_ok = nodelay || !data_outstanding;

	if (!sendable)
		return false;
	if (sendable >= mss)					/* (1) */
		return true;
	if (!nagle_ok)
		return false;
	if (push && avail <= usable_wnd)			/* (2) */
		return true;
	return 2 * (u64)sendable >= max_sndwnd;			/* (3) */
}
EXPORT_SYMBOL_NS_GPL(xtcp_snd_should_send, XTCP_NS);

/**
 * xtcp_need_persist() - must the persist timer run?
 * @snd_wnd: SND.WND, the peer's window in bytes
 * @unsent: sequence numbers queued and not yet sent (data bytes, plus one
 *	for a FIN waiting to go), after the sender has sent all that
 *	xtcp_snd_should_send() allowed
 * @rtx_armed: the retransmission timer runs: something is in flight, and
 *	its ACK (or its retransmission) will bring the window news
 *
 * With data waiting and nothing in flight no ACK will come to reopen the
 * window, so a timer must: when the window is zero, to send probes, with
 * backoff, until it opens (§3.8.6.1: "the sending TCP peer must regularly
 * transmit at least one octet of new data ... even if the send window is
 * zero"); when it is open but too small for xtcp_snd_should_send(), as the
 * override timeout of §3.8.6.2.1 (4), after which the caller sends
 * min(D, U, MSS) regardless.  Either stops once the window lets data go
 * and the retransmission timer takes over.
 *
 * Return: XTCP_PERSIST_NONE (0) when no timer is needed, else its purpose.
 */
enum xtcp_persist xtcp_need_persist(u32 snd_wnd, u32 unsent, bool rtx_armed)
{
	if (!unsent || rtx_armed)
		return XTCP_PERSIST_NONE;
	return snd_wnd ? XTCP_PERSIST_OVERRIDE : XTCP_PERSIST_PROBE;
}
EXPORT_SYMBOL_NS_GPL(xtcp_need_persist, XTCP_NS);
