/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Window arithmetic, pure and in bytes (u32): how much window buffer space
 * is worth, the window the receiver offers (RFC 9293 §3.8.6, §3.8.6.2.2),
 * and whether the sender may send now (§3.8.6.2.1 and Nagle, §3.7.4).
 * window.c implements it; the data path supplies the numbers.
 */
#ifndef _XTCP_WINDOW_H
#define _XTCP_WINDOW_H

#include <linux/bits.h>
#include <linux/types.h>

/* what came since our last ACK, for the delayed ACK (xtcp_ack_pushed()) */
#define XTCP_ACK_PUSHED		BIT(0)	/* a short segment, or PSH */
#define XTCP_ACK_PUSHED2	BIT(1)	/* a second short segment */

/* xtcp_rcv_ratio() is in 1/65536ths; this one half stands in before a sample */
#define XTCP_RATIO_DEFAULT	BIT(15)

u16 xtcp_rcv_ratio(u16 ratio, u32 len, u32 truesize, u32 horizon);
u32 xtcp_win_from_space(u32 space, u16 ratio);
u32 xtcp_syn_window(u32 rcv_buff, u16 ratio);
u32 xtcp_rcv_window(u32 free_space, u32 rcv_buff, u32 rcv_mss,
		    u32 cur_wnd_left, u8 rcv_wscale);
u16 xtcp_window_field(u32 wnd, u8 wscale);
u32 xtcp_snd_usable(u32 snd_una, u32 snd_nxt, u32 snd_wnd, u32 cwnd);
u32 xtcp_size_goal(u32 mss, u32 gso_max_size, u32 gso_max_segs, u32 max_wnd);
u32 xtcp_send_split(u32 len, u32 usable, u32 mss, u32 goal, bool hold_runt);
bool xtcp_snd_should_send(u32 avail, u32 usable_wnd, u32 mss, u32 max_sndwnd,
			  bool nodelay, bool data_outstanding, bool push);
u32 xtcp_minshall_update(u32 snd_sml, u32 end_seq, u32 len, u32 mss);
bool xtcp_small_outstanding(u32 snd_sml, u32 snd_una, u32 snd_nxt);
u8 xtcp_ack_pushed(u8 pushed, u32 len, u32 rcv_mss, bool psh);
bool xtcp_ack_after_read(u32 unacked, u32 rcv_mss, u8 pushed, bool pingpong,
			 bool drained);

#endif /* _XTCP_WINDOW_H */
