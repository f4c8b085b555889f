// SPDX-License-Identifier: GPL-2.0
/*
 * Window arithmetic: the window buffer space is worth (the payload/truesize
 * ratio), silly window syndrome avoidance on both sides
 * (RFC 9293 §3.8.6.2), Nagle's algorithm (§3.7.4, RFC 896), the rule that
 * the right window edge does not move left (§3.8.6), window scaling
 * (RFC 7323 §2.3).  Pure: numbers in, numbers out.  See window.h.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "compat_pure.h"
#include "seq.h"
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
EXPORT_SYMBOL_IF_KUNIT(xtcp_rcv_window);

/**
 * xtcp_rcv_ratio() - the payload/truesize ratio of the segments received
 * @ratio: the estimate so far, in 1/65536ths; 0 before the first segment
 * @len: the payload of a segment just received
 * @truesize: the memory it takes (skb->truesize), which the receive buffer
 *	is charged
 * @horizon: the memory the estimate averages over: RCV.BUFF in truesize
 *
 * RCV.BUFF is counted in truesize, a window in payload bytes: free buffer
 * space becomes a window at the ratio the peer's segments actually reach
 * (Linux's scaling_ratio).  A 1000-byte segment in a 2 KiB skb reaches
 * less than one half; a window of half the free space would then let the
 * peer send more than the buffer holds.
 *
 * What fills a buffer is a mix (64 KiB writes on loopback arrive as 65495
 * bytes in 128 KiB and 41 bytes in 1280), so the estimate is of total
 * payload over total truesize, each segment weighing as much as the memory
 * it takes: R += (len - R * truesize) / horizon, an exponential average
 * over about @horizon bytes of buffer.  The first sample, and one at least
 * @horizon big, is taken as it is.
 *
 * Return: the new estimate, in [1, 65535] (1/65536 .. just under 1).
 */
u16 xtcp_rcv_ratio(u16 ratio, u32 len, u32 truesize, u32 horizon)
{
	s64 delta;
	u32 sample;

	if (!len || !truesize)
		return ratio;
	sample = clamp_t(u64, ((u64)len << 16) / truesize, 1, U16_MAX);
	if (!ratio || truesize >= horizon)
		return sample;
	delta = ((s64)len << 16) - (s64)ratio * truesize;
	return clamp_t(s64, ratio + div_s64(delta, horizon), 1, U16_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rcv_ratio);

/**
 * xtcp_win_from_space() - the window that buffer space is worth
 * @space: free receive buffer, counted as truesize is
 * @ratio: xtcp_rcv_ratio(); 0, nothing measured yet, counts as one half
 *
 * Return: the payload @space holds at @ratio: @space * @ratio / 65536,
 * rounded down.
 */
u32 xtcp_win_from_space(u32 space, u16 ratio)
{
	return ((u64)space * (ratio ?: XTCP_RATIO_DEFAULT)) >> 16;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_win_from_space);

/**
 * xtcp_syn_window() - the window a SYN or SYN,ACK offers
 * @rcv_buff: RCV.BUFF, the receive buffer in bytes (as truesize counts)
 * @ratio: xtcp_rcv_ratio(), normally 0 this early (one half)
 *
 * What the buffer can hold (xtcp_win_from_space()), at most 65535: the
 * window of a SYN is never scaled (RFC 7323 §2.2).  Offering more than the
 * buffer holds would be a promise (§3.8.6: the edge does not move left)
 * that only dropping data could take back.
 *
 * Return: RCV.WND for the SYN, in bytes.
 */
u32 xtcp_syn_window(u32 rcv_buff, u16 ratio)
{
	return min_t(u32, xtcp_win_from_space(rcv_buff, ratio), U16_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_syn_window);

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
EXPORT_SYMBOL_IF_KUNIT(xtcp_window_field);

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
EXPORT_SYMBOL_IF_KUNIT(xtcp_snd_usable);

/**
 * xtcp_size_goal() - how much payload one queued skb may carry
 * @mss: Eff.snd.MSS
 * @gso_max_size: the route's GSO limit in bytes (sk_gso_max_size); 0: no GSO
 * @gso_max_segs: ...and in segments (sk_gso_max_segs)
 * @max_wnd: the largest window the peer has offered, 0 before any
 *
 * As tcp_xmit_size_goal(): as many whole segments as the device takes in
 * one GSO skb, and no more than half the peer's largest window
 * (tcp_bound_to_half_wnd()), so that a super-segment is not split by the
 * window every time; at least one segment.
 *
 * Return: a multiple of @mss (@mss itself without GSO).
 */
u32 xtcp_size_goal(u32 mss, u32 gso_max_size, u32 gso_max_segs, u32 max_wnd)
{
	u32 bytes = gso_max_size, segs;

	if (!mss)
		return 0;
	if (max_wnd)
		bytes = min(bytes, max_wnd / 2);
	segs = clamp_t(u32, bytes / mss, 1, max_t(u32, gso_max_segs, 1));
	return segs * mss;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_size_goal);

/**
 * xtcp_send_split() - how much of a queued skb to send now
 * @len: its payload
 * @usable: the usable window U (xtcp_snd_usable())
 * @mss: Eff.snd.MSS
 * @goal: the most one skb may carry (xtcp_size_goal())
 * @hold_runt: Nagle would hold a sub-MSS segment at the end (the skb is
 *	the last queued, data is in flight and XTCP_NODELAY is off)
 *
 * The caller has decided that something may be sent
 * (xtcp_snd_should_send()).  As tcp_mss_split_point(): whole segments
 * when the window or @goal cuts the skb, everything when it all fits,
 * except a sub-MSS tail that Nagle holds; a window smaller than one
 * segment is used whole (the decision allowed a small segment).
 *
 * Return: bytes to send from the skb's start, 1..@len for @len > 0.
 */
u32 xtcp_send_split(u32 len, u32 usable, u32 mss, u32 goal, bool hold_runt)
{
	u32 n = min3(len, usable, max(goal, mss));

	if (!mss || n < mss)
		return n;
	if (n < len || (hold_runt && len % mss))
		return rounddown(n, mss);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_send_split);

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
 * (timer.c, xtcp_push_force()).  The segment to send carries min(D, U, @mss)
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
EXPORT_SYMBOL_IF_KUNIT(xtcp_snd_should_send);

/**
 * xtcp_minshall_update() - SND.SML after sending a segment
 * @snd_sml: the end of the last short segment sent so far
 * @end_seq: the end of the segment (or super-segment) just sent
 * @len: its payload
 * @mss: Eff.snd.MSS
 *
 * A send of @len bytes that is not whole segments of @mss ends in a short
 * one: it becomes the short segment Nagle waits for (tcp_minshall_update()).
 *
 * Return: the new SND.SML.
 */
u32 xtcp_minshall_update(u32 snd_sml, u32 end_seq, u32 len, u32 mss)
{
	return len && mss && len % mss ? end_seq : snd_sml;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_minshall_update);

/**
 * xtcp_small_outstanding() - is a short segment sent and not acknowledged?
 * @snd_sml: the end of the last short segment sent (xtcp_minshall_update())
 * @snd_una: SND.UNA
 * @snd_nxt: SND.NXT
 *
 * Nagle as Minshall refined it (draft-minshall-nagle, tcp_minshall_check()),
 * which is what XTCP passes to xtcp_snd_should_send() as outstanding data:
 * a partial segment waits only while an earlier partial one is
 * unacknowledged, not behind full-sized segments.  RFC 896's rule held a
 * response's tail behind its own full segments until the peer's delayed
 * ACK (40 ms a response for nginx with keep-alive); §3.7.4's purpose, at
 * most one small segment in flight, is kept.
 *
 * Return: true while a short segment is in flight.
 */
bool xtcp_small_outstanding(u32 snd_sml, u32 snd_una, u32 snd_nxt)
{
	return xtcp_seq_after(snd_sml, snd_una) &&
	       xtcp_seq_leq(snd_sml, snd_nxt);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_small_outstanding);

/**
 * xtcp_ack_pushed() - note a segment of in-order data for the delayed ACK
 * @pushed: the XTCP_ACK_PUSHED* bits since our last ACK
 * @len: the segment's payload length
 * @rcv_mss: the peer's segment size (xtcp_rcv_mss())
 * @psh: the segment carried PSH
 *
 * A segment shorter than the peer's MSS ends what the peer had to send for
 * now, as does a full one with PSH (the end of a write): the peer may be
 * waiting for our ACK to send more (tcp_measure_rcv_mss()'s
 * ICSK_ACK_PUSHED; a second short one sets ICSK_ACK_PUSHED2).
 *
 * Return: the new bits.
 */
u8 xtcp_ack_pushed(u8 pushed, u32 len, u32 rcv_mss, bool psh)
{
	if (len >= rcv_mss)
		return psh ? pushed | XTCP_ACK_PUSHED : pushed;
	if (pushed & XTCP_ACK_PUSHED)
		pushed |= XTCP_ACK_PUSHED2;
	return pushed | XTCP_ACK_PUSHED;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ack_pushed);

/**
 * xtcp_ack_after_read() - does a read that took data send the delayed ACK?
 * @unacked: bytes received since our last ACK (0: no ACK is waiting)
 * @rcv_mss: the peer's segment size (xtcp_rcv_mss())
 * @pushed: the XTCP_ACK_PUSHED* bits since our last ACK
 * @pingpong: the connection is interactive: our reply will carry the ACK
 * @drained: the read emptied the receive buffer
 *
 * As __tcp_cleanup_rbuf(): yes when more than one full segment waits (the
 * ACK RFC 9293 §3.8.6.3 owes every second segment was not sent because
 * the second was short), or when the reader drained what a push brought
 * and no reply is expected to carry the ACK (two pushes: even then).
 * Without it a sender whose writes end in a short segment waits for the
 * delayed-ACK timer, or for its next write, to free what it queued.
 */
bool xtcp_ack_after_read(u32 unacked, u32 rcv_mss, u8 pushed, bool pingpong,
			 bool drained)
{
	if (!unacked)
		return false;
	if (unacked > rcv_mss)
		return true;
	return drained && ((pushed & XTCP_ACK_PUSHED2) ||
			   ((pushed & XTCP_ACK_PUSHED) && !pingpong));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ack_after_read);
