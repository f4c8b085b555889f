// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for window arithmetic (window.c): the header field, buffer
 * space as window (the payload/truesize ratio), the receive window
 * (scaling, rounding, the right edge never moving left, receiver SWS
 * avoidance), the usable send window, the send decision
 * (sender SWS avoidance and Nagle).  Every vector is worked out by hand in
 * the comment beside it.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "seq.h"
#include "window.h"

/* ---- the header field ------------------------------------------------- */

struct xtcp_t_field {
	u32	wnd;
	u8	ws;
	u16	field;
};

static const struct xtcp_t_field xtcp_t_fields[] = {
	{ 0, 0, 0 },
	{ 65535, 0, 65535 },
	{ 65536, 0, 65535 },			/* too big unscaled: clamped */
	{ 1048576, 7, 8192 },			/* 2^20 / 2^7 */
	{ 1048575, 7, 8191 },			/* truncated: 8191.99 */
	{ 127, 7, 0 },				/* below one unit */
	{ 65535U << 14, 14, 65535 },		/* the largest window */
	{ U32_MAX, 14, 65535 },			/* 262143 clamped */
	{ 1 << 20, 20, 64 },			/* shift clamped to 14: 2^20 / 2^14 */
};

static void xtcp_window_field_vectors(struct kunit *test)
{
	const struct xtcp_t_field *v;

	for (v = xtcp_t_fields; v < xtcp_t_fields + ARRAY_SIZE(xtcp_t_fields); v++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_window_field(v->wnd, v->ws), v->field,
				    "field(%u, %u)", v->wnd, v->ws);
}

/* ---- the receive window -------------------------------------------------- */

struct xtcp_t_rcv {
	u32	free, buff, mss, left;
	u8	ws;
	u32	wnd;
};

/* Scaling, rounding down and clamping of a window that grows. */
static const struct xtcp_t_rcv xtcp_t_rcv_scale[] = {
	/* 100000 / 128 = 781.25: 781 * 128 = 99968 */
	{ 100000, 200000, 1460, 0, 7, 99968 },
	/* unscaled, at most 65535 */
	{ 100000, 200000, 1460, 0, 0, 65535 },
	/* shift 14: at most 65535 << 14 = 1073725440 */
	{ 0x80000000, 0x80000000, 1460, 0, 14, 1073725440 },
	/* shift 2: the largest is 262140 = 65535 * 4, 262143 rounds to it */
	{ 262143, 524288, 1460, 0, 2, 262140 },
	/* shift 7: 1000 rounds down to 896 = 7 * 128, still >= min(500, 1460) */
	{ 1000, 1000, 1460, 0, 7, 896 },
	/* shift above 14 is taken as 14: 2^20 free is 64 units of 2^14 */
	{ 1 << 20, 1 << 21, 1460, 0, 20, 1 << 20 },
};

/* §3.8.6: the right edge does not move left, whatever the free space. */
static const struct xtcp_t_rcv xtcp_t_rcv_edge[] = {
	/* 5000 left, only 1000 free (the buffer filled faster): keep 5000 */
	{ 1000, 65536, 1460, 5000, 0, 5000 },
	/* no space at all: still 5000 */
	{ 0, 65536, 1460, 5000, 0, 5000 },
	/* scaled, 5000 = 39.06 units: up to 40 units, 5120, never 39 (4992) */
	{ 1000, 65536, 1460, 5000, 7, 5120 },
	/* an exact multiple is kept as it is */
	{ 0, 65536, 1460, 128, 7, 128 },
	/* a left-over bigger than any header can say: the largest */
	{ 0, 65536, 1460, 70000, 0, 65535 },
	/* the edge reached: window 0, zero window */
	{ 0, 65536, 1460, 0, 0, 0 },
};

/* §3.8.6.2.2: grow only by min(RCV.BUFF / 2, Eff.snd.MSS) or more. */
static const struct xtcp_t_rcv xtcp_t_rcv_sws[] = {
	/* threshold min(32768, 1460) = 1460; 10000 left */
	{ 11459, 65536, 1460, 10000, 0, 10000 },	/* +1459: no */
	{ 11460, 65536, 1460, 10000, 0, 11460 },	/* +1460: yes, all of it */
	/* a zero window stays shut until an MSS fits */
	{ 1459, 65536, 1460, 0, 0, 0 },
	{ 1460, 65536, 1460, 0, 0, 1460 },
	/* a small buffer: threshold min(1000, 1460) = 1000 */
	{ 999, 2000, 1460, 0, 0, 0 },
	{ 1000, 2000, 1460, 0, 0, 1000 },
	/*
	 * Scaled by 128, 10112 (79 units) left; the increase counts after
	 * rounding down: 11500 -> 11392 (+1280), 11600 -> 11520 (+1408),
	 * 11700 -> 11648 (+1536, the first >= 1460).
	 */
	{ 11500, 65536, 1460, 10112, 7, 10112 },
	{ 11600, 65536, 1460, 10112, 7, 10112 },
	{ 11700, 65536, 1460, 10112, 7, 11648 },
	/*
	 * At the unscaled ceiling: 65000 left, plenty free, but 65535 is
	 * only +535; once RCV.NXT has moved 925 on (64075 left), +1460.
	 */
	{ 1000000, 1000000, 1460, 65000, 0, 65000 },
	{ 1000000, 1000000, 1460, 64075, 0, 65535 },
};

static void xtcp_t_rcv_check(struct kunit *test, const char *what,
			     const struct xtcp_t_rcv *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, v++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_rcv_window(v->free, v->buff, v->mss,
							  v->left, v->ws), v->wnd,
				    "%s %zu: rcv_window(free %u, buff %u, mss %u, left %u, ws %u)",
				    what, i, v->free, v->buff, v->mss, v->left, v->ws);
}

static void xtcp_window_rcv_scaling(struct kunit *test)
{
	xtcp_t_rcv_check(test, "scale", xtcp_t_rcv_scale, ARRAY_SIZE(xtcp_t_rcv_scale));
}

static void xtcp_window_rcv_never_shrinks(struct kunit *test)
{
	xtcp_t_rcv_check(test, "edge", xtcp_t_rcv_edge, ARRAY_SIZE(xtcp_t_rcv_edge));
}

static void xtcp_window_rcv_sws(struct kunit *test)
{
	xtcp_t_rcv_check(test, "sws", xtcp_t_rcv_sws, ARRAY_SIZE(xtcp_t_rcv_sws));
}

static u32 xtcp_t_rand(u32 *state)
{
	*state = *state * 1103515245 + 12345;
	return *state >> 8;
}

/*
 * A receiver over many steps, RCV.NXT crossing 2^32: the peer fills some
 * of the window, the application reads some of the buffer, and the window
 * is recomputed as the data path will.  Each time the edge must not move
 * left, the window must be exactly representable, and a grown window must
 * have grown by the SWS threshold and fit the free space.
 */
struct xtcp_t_rcv_run {
	u8	ws;
	u32	buff;
	u32	mss;
};

static const struct xtcp_t_rcv_run xtcp_t_rcv_runs[] = {
	{ 0, 50000, 1460 },
	{ 0, 3000, 1460 },		/* threshold is half the buffer */
	{ 7, 1 << 20, 1460 },
	{ 14, 1 << 22, 9000 },		/* 4 MB in units of 16 KB */
};

static void xtcp_window_rcv_walk(struct kunit *test)
{
	const struct xtcp_t_rcv_run *run;

	for (run = xtcp_t_rcv_runs; run < xtcp_t_rcv_runs + ARRAY_SIZE(xtcp_t_rcv_runs); run++) {
		u32 rnd = 7, rcv_nxt = 0xfff00000, used = 0, grown = 0, i;
		u32 thresh = min(run->buff / 2, run->mss);
		u32 unit = 1U << run->ws, wnd, edge;

		wnd = xtcp_rcv_window(run->buff, run->buff, run->mss, 0, run->ws);
		KUNIT_EXPECT_GT(test, wnd, 0U);
		edge = rcv_nxt + wnd;
		for (i = 0; i < 5000; i++) {
			u32 left = edge - rcv_nxt, keep;
			u32 in = xtcp_t_rand(&rnd) % (left + 1);

			/* the peer sends @in bytes, within the window... */
			in = min(in, run->buff - used);
			rcv_nxt += in;
			used += in;
			/* ...and the application reads some */
			if (xtcp_t_rand(&rnd) % 3 == 0)
				used -= xtcp_t_rand(&rnd) % (used + 1);

			left = edge - rcv_nxt;
			keep = round_up(left, unit);
			wnd = xtcp_rcv_window(run->buff - used, run->buff, run->mss,
					      left, run->ws);
			KUNIT_ASSERT_TRUE_MSG(test, xtcp_seq_geq(rcv_nxt + wnd, edge),
					      "ws %u step %u: edge %#x -> %#x", run->ws, i,
					      edge, rcv_nxt + wnd);
			KUNIT_ASSERT_EQ(test, wnd % unit, 0U);
			KUNIT_ASSERT_EQ(test, (u32)xtcp_window_field(wnd, run->ws) << run->ws,
					wnd);
			if (wnd != keep) {
				KUNIT_ASSERT_GE(test, wnd, keep + thresh);
				KUNIT_ASSERT_LE(test, wnd, run->buff - used);
				grown++;
			}
			edge = rcv_nxt + wnd;
		}
		/* the walk did open the window again, many times */
		KUNIT_EXPECT_GT(test, grown, 100U);
	}
}

/* ---- buffer space as window: the payload/truesize ratio ---------------------- */

static void xtcp_window_ratio_samples(struct kunit *test)
{
	/* the first sample is taken as it is: 1000 * 65536 / 2304 = 28444.4 */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(0, 1000, 2304, 32768), 28444);
	/*
	 * Later ones move it by (len * 65536 - R * truesize) / horizon:
	 * 536 * 65536 - 28444 * 1280 = 35127296 - 36408320 = -1281024,
	 * / 32768 = -39.09, so 28444 - 39 (the division truncates).
	 */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(28444, 536, 1280, 32768), 28405);
	/* a sample at the estimate: 65536000 - 65534976 = 1024, / 32768 = 0 */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(28444, 1000, 2304, 32768), 28444);
	/* one truesize as big as the horizon replaces it: 65495 / 131328 */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(28444, 65495, 131328, 65536), 32683);
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(0, 65495, 131328, 212992), 32683);
	/*
	 * A small segment weighs as little as its memory: 41 bytes in 1280,
	 * (2686976 - 32683 * 1280) / 212992 = -183.8, not 1/8 of the way to
	 * 2099 (which would be -3823)
	 */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(32683, 41, 1280, 212992), 32500);
	/* nothing to measure: no payload, or no size */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(28444, 0, 2304, 32768), 28444);
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(0, 0, 2304, 32768), 0);
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(28444, 100, 0, 32768), 28444);
	/* payload above truesize (cannot happen; clamped to just under 1) */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(0, 5000, 4000, 1 << 20), 65535);
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(65535, 4000, 4000, 8000), 65535);
	/* 1 byte in 1 MiB is 1/16 of a unit: at least 1, never 0 ("none") */
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(0, 1, 1 << 20, 5), 1);
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(1, 1, 1 << 20, 1 << 21), 1);
}

/*
 * The estimate is of total payload over total truesize.  64 KiB writes on
 * loopback arrive as 65495 bytes in 131328 and 41 in 1280: 65536 bytes in
 * 132608, 32388/65536.  After a while the estimate stays within 0.6% of
 * that (32386 after a small segment, 32569 after a big one); an average
 * per segment would say 16372, half the window the buffer can take.
 */
static void xtcp_window_ratio_mix(struct kunit *test)
{
	u16 r = 0;
	int i;

	for (i = 0; i < 100; i++) {
		r = xtcp_rcv_ratio(r, 65495, 131328, 212992);
		KUNIT_EXPECT_LE(test, r, 32683);
		r = xtcp_rcv_ratio(r, 41, 1280, 212992);
	}
	KUNIT_EXPECT_EQ(test, r, 32386);
	KUNIT_EXPECT_EQ(test, xtcp_rcv_ratio(r, 65495, 131328, 212992), 32569);
}

/*
 * The estimate follows a change of segment sizes; with truesize a 16th of
 * the horizon, each sample moves it 1/16 of the way, down to within 15
 * units above the new ratio and up to within 15 below it (the division
 * truncates toward the old value).
 */
static void xtcp_window_ratio_converges(struct kunit *test)
{
	u16 r = 65535;
	int i;

	for (i = 0; i < 300; i++)
		r = xtcp_rcv_ratio(r, 1024, 4096, 65536);	/* 16384 */
	KUNIT_EXPECT_EQ(test, r, 16399);
	for (i = 0; i < 300; i++)
		r = xtcp_rcv_ratio(r, 2048, 4096, 65536);	/* 32768 */
	KUNIT_EXPECT_EQ(test, r, 32753);
	/* 16 samples, a horizon's worth: 1 - (15/16)^16 = 64% of the way */
	r = 16384;
	for (i = 0; i < 16; i++)
		r = xtcp_rcv_ratio(r, 2048, 4096, 65536);
	KUNIT_EXPECT_EQ(test, r, 26931);
}

static void xtcp_window_from_space(struct kunit *test)
{
	/* 32768 * 28444 / 65536 = 14222 */
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(32768, 28444), 14222U);
	/* unmeasured: one half */
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(8192, 0), 4096U);
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(8193, 0), 4096U);
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(0, 28444), 0U);
	/* rounded down: 100 * 1000 / 65536 = 1.5 */
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(100, 1000), 1U);
	/* no overflow: (2^32 - 1) * 65535 / 65536 = 4294901759.99 */
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(U32_MAX, 65535), 4294901759U);
	/* the SYN's window: unscaled, so at most 65535 */
	KUNIT_EXPECT_EQ(test, xtcp_syn_window(8192, 0), 4096U);
	KUNIT_EXPECT_EQ(test, xtcp_syn_window(32768, 28444), 14222U);
	KUNIT_EXPECT_EQ(test, xtcp_syn_window(212992, 0), 65535U);	/* 106496 */
	KUNIT_EXPECT_EQ(test, xtcp_syn_window(131070, 0), 65535U);
	KUNIT_EXPECT_EQ(test, xtcp_syn_window(131068, 0), 65534U);
	KUNIT_EXPECT_EQ(test, xtcp_syn_window(0, 0), 0U);
}

/* A skb's truesize for @len bytes of payload, roughly as alloc_skb() makes it. */
static u32 xtcp_t_truesize(u32 len)
{
	return roundup_pow_of_two(len + 256 + 320) + 256;
}

/*
 * What the window is for: once the ratio is measured, a window made from
 * free space S and filled with the peer's segments takes at most S of
 * buffer, plus the one segment the last partial one may cost on top.
 * Half the free space as window, as before the ratio, does not: a
 * 1000-byte segment takes 2304 bytes, so 16 KiB of window wants 37 KiB.
 */
static void xtcp_window_from_space_fits(struct kunit *test)
{
	static const u32 lens[] = { 1, 88, 200, 536, 1000, 1460, 9000, 65483 };
	static const u32 spaces[] = { 4608, 8192, 32768, 212992, 6291456 };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		u32 t = xtcp_t_truesize(lens[i]);
		u16 r = xtcp_rcv_ratio(0, lens[i], t, 1 << 20);

		for (j = 0; j < ARRAY_SIZE(spaces); j++) {
			u32 w = xtcp_win_from_space(spaces[j], r);
			u64 segs = DIV_ROUND_UP(w, lens[i]);

			KUNIT_EXPECT_LE_MSG(test, segs * t, (u64)spaces[j] + t,
					    "len %u truesize %u space %u: window %u",
					    lens[i], t, spaces[j], w);
			/* and not much less: within 1% and a segment */
			KUNIT_EXPECT_GE_MSG(test, segs * t + t + spaces[j] / 100,
					    (u64)spaces[j], "len %u space %u: window %u",
					    lens[i], spaces[j], w);
		}
	}
	/* the old rule: free/2 of 32768 at 1000 in 2304 overshoots the buffer */
	KUNIT_EXPECT_GT(test, DIV_ROUND_UP(32768 / 2, 1000) * 2304, 32768);
}

/* ---- the sender ------------------------------------------------------------ */

static void xtcp_window_snd_usable(struct kunit *test)
{
	/* 500 in flight of a 2000 window: 1500 */
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(1000, 1500, 2000, U32_MAX), 1500U);
	/* cwnd 800 is the smaller: 800 - 500 */
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(1000, 1500, 2000, 800), 300U);
	/* exactly full */
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(1000, 1500, 500, U32_MAX), 0U);
	/* the window shrank below what is in flight: 0, not 2^32 - 100 */
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(1000, 1500, 400, U32_MAX), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(1000, 1500, 2000, 0), 0U);
	/* zero window */
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(1000, 1000, 0, U32_MAX), 0U);
	/* across 2^32: 0x100 - 0xfffffe00 = 0x300 = 768 in flight, 1000 - 768 */
	KUNIT_EXPECT_EQ(test, xtcp_snd_usable(0xfffffe00, 0x100, 1000, U32_MAX), 232U);
}

struct xtcp_t_snd {
	u32	avail, usable, max_wnd;
	bool	nodelay, outstanding, push;
	bool	send;
};

/* MSS 1000 throughout. */
static const struct xtcp_t_snd xtcp_t_snd_table[] = {
	/* nothing to send, or no window (the persist timer's case) */
	{ 0, 5000, 10000, true, false, true, false },
	{ 500, 0, 10000, true, false, true, false },
	/* (1) a full segment: whatever Nagle, push or outstanding data say */
	{ 1000, 5000, 10000, false, true, false, true },
	{ 3000, 1000, 10000, false, true, false, true },
	/* (1) fails by a byte: U = 999, and Nagle holds the rest back */
	{ 3000, 999, 10000, false, true, true, false },
	/* (2) a pushed small segment: Nagle waits while data is outstanding */
	{ 999, 5000, 10000, false, true, true, false },
	{ 999, 5000, 10000, true, true, true, true },	/* NODELAY */
	{ 999, 5000, 10000, false, false, true, true },	/* all acknowledged */
	/* (2) needs the push: corked or MSG_MORE, wait (and (3): 1998 < 10000) */
	{ 999, 5000, 10000, true, false, false, false },
	/* (2) needs all of it to fit: D 600 > U 500; D = U = 500 does */
	{ 600, 500, 10000, true, false, true, false },
	{ 500, 500, 10000, true, false, true, true },
	/*
	 * (3) a peer whose largest window is 1600, less than two segments:
	 * half of it, 800, may go with nothing outstanding; 799 may not.
	 */
	{ 3000, 800, 1600, false, false, false, true },
	{ 3000, 799, 1600, false, false, false, false },
	/* (3) carries Nagle's bracket too: outstanding data holds it back... */
	{ 3000, 800, 1600, false, true, false, false },
	/* ...unless NODELAY */
	{ 3000, 800, 1600, true, true, false, true },
};

static void xtcp_window_snd_should_send(struct kunit *test)
{
	const struct xtcp_t_snd *v = xtcp_t_snd_table;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xtcp_t_snd_table); i++, v++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_snd_should_send(v->avail, v->usable, 1000,
							       v->max_wnd, v->nodelay,
							       v->outstanding, v->push),
				    v->send,
				    "row %zu: D %u U %u max %u nodelay %d outstanding %d push %d",
				    i, v->avail, v->usable, v->max_wnd, v->nodelay,
				    v->outstanding, v->push);
}

/*
 * Nagle end to end: a user writes 100 bytes at a time, MSS 1000, window
 * 10000, no ACK coming back.  The first write goes at once (nothing
 * outstanding); the next nine wait and pile up to 900 (never a small
 * segment while one is in flight); the eleventh makes 1000, a full
 * segment, which goes.
 */
static void xtcp_window_snd_nagle_writes(struct kunit *test)
{
	u32 una = 0, nxt = 0, queued = 0, sent_segs = 0, i;

	for (i = 0; i < 11; i++) {
		u32 u;

		queued += 100;
		u = xtcp_snd_usable(una, nxt, 10000, U32_MAX);
		if (xtcp_snd_should_send(queued, u, 1000, 10000, false, nxt != una, true)) {
			nxt += min3(queued, u, 1000U);
			queued -= min3(queued, u, 1000U);
			sent_segs++;
		}
		if (i == 0) {
			KUNIT_EXPECT_EQ(test, nxt, 100U);
			KUNIT_EXPECT_EQ(test, sent_segs, 1U);
		} else if (i < 10) {
			KUNIT_EXPECT_EQ(test, nxt, 100U);
			KUNIT_EXPECT_EQ(test, queued, i * 100);
		}
	}
	KUNIT_EXPECT_EQ(test, sent_segs, 2U);
	KUNIT_EXPECT_EQ(test, nxt, 1100U);
	KUNIT_EXPECT_EQ(test, queued, 0U);
}

/*
 * Minshall's Nagle (tcp_minshall_update(), tcp_minshall_check()): only a
 * send that is not whole segments moves SND.SML; a short segment is
 * outstanding while SND.UNA < SND.SML <= SND.NXT, across the wrap.
 */
static void xtcp_window_minshall(struct kunit *test)
{
	const u32 base = 0xfffffc00;	/* 1024 before the wrap */
	u32 sml = base;

	/* nothing sent yet: SND.SML = SND.UNA = SND.NXT */
	KUNIT_EXPECT_FALSE(test, xtcp_small_outstanding(sml, base, base));
	/* two full segments do not count */
	sml = xtcp_minshall_update(sml, base + 2000, 2000, 1000);
	KUNIT_EXPECT_EQ(test, sml, base);
	KUNIT_EXPECT_FALSE(test, xtcp_small_outstanding(sml, base, base + 2000));
	/* a 2 MSS + 100 super-segment ends short: it counts, past the wrap */
	sml = xtcp_minshall_update(sml, base + 4100, 2100, 1000);
	KUNIT_EXPECT_EQ(test, sml, base + 4100);
	KUNIT_EXPECT_TRUE(test, xtcp_small_outstanding(sml, base, base + 4100));
	/* acknowledged up to its start, it is still out; up to its end, not */
	KUNIT_EXPECT_TRUE(test, xtcp_small_outstanding(sml, base + 4000,
						       base + 4100));
	KUNIT_EXPECT_FALSE(test, xtcp_small_outstanding(sml, base + 4100,
							base + 4100));
	/* full segments after it leave it as it was */
	KUNIT_EXPECT_EQ(test, xtcp_minshall_update(sml, base + 5100, 1000, 1000),
			base + 4100);
	KUNIT_EXPECT_FALSE(test, xtcp_small_outstanding(sml, base + 4100,
							base + 5100));
	/* a FIN alone (no payload) is no short segment */
	KUNIT_EXPECT_EQ(test, xtcp_minshall_update(sml, base + 5101, 0, 1000),
			base + 4100);
	/* SND.NXT moved back (a timeout resends from SND.UNA): not out */
	KUNIT_EXPECT_FALSE(test, xtcp_small_outstanding(sml, base + 1000,
							base + 2000));
}

/*
 * What a read does with a delayed ACK (__tcp_cleanup_rbuf()): the bits a
 * segment sets (tcp_measure_rcv_mss()), then the decision.
 */
static void xtcp_window_ack_after_read(struct kunit *test)
{
	const u8 P = XTCP_ACK_PUSHED, P2 = XTCP_ACK_PUSHED2;
	u8 bits;

	/* a full segment without PSH pushes nothing; with PSH, once */
	KUNIT_EXPECT_EQ(test, xtcp_ack_pushed(0, 1000, 1000, false), 0);
	KUNIT_EXPECT_EQ(test, xtcp_ack_pushed(0, 1000, 1000, true), P);
	KUNIT_EXPECT_EQ(test, xtcp_ack_pushed(P, 1000, 1000, true), P);
	/* a short one pushes, PSH or not; a second short one twice */
	bits = xtcp_ack_pushed(0, 40, 1000, false);
	KUNIT_EXPECT_EQ(test, bits, P);
	KUNIT_EXPECT_EQ(test, xtcp_ack_pushed(bits, 1, 1000, true), P | P2);
	KUNIT_EXPECT_EQ(test, xtcp_ack_pushed(P | P2, 1000, 1000, false),
			P | P2);

	/* nothing waits: nothing goes, whatever else holds */
	KUNIT_EXPECT_FALSE(test, xtcp_ack_after_read(0, 1000, P | P2, false,
						     true));
	/* more than one full segment waits: it goes, drained or not */
	KUNIT_EXPECT_TRUE(test, xtcp_ack_after_read(1001, 1000, 0, true,
						    false));
	KUNIT_EXPECT_FALSE(test, xtcp_ack_after_read(1000, 1000, 0, false,
						     true));
	/* a write's end (a full segment and a runt), drained: it goes */
	KUNIT_EXPECT_TRUE(test, xtcp_ack_after_read(40, 1000, P, false, true));
	/* not drained: the rest of the queue is read first */
	KUNIT_EXPECT_FALSE(test, xtcp_ack_after_read(40, 1000, P, false,
						     false));
	/* interactive: the reply carries it, unless two pushes wait */
	KUNIT_EXPECT_FALSE(test, xtcp_ack_after_read(40, 1000, P, true, true));
	KUNIT_EXPECT_TRUE(test, xtcp_ack_after_read(41, 1000, P | P2, true,
						    true));
}

static struct kunit_case xtcp_window_cases[] = {
	KUNIT_CASE(xtcp_window_field_vectors),
	KUNIT_CASE(xtcp_window_rcv_scaling),
	KUNIT_CASE(xtcp_window_rcv_never_shrinks),
	KUNIT_CASE(xtcp_window_rcv_sws),
	KUNIT_CASE(xtcp_window_rcv_walk),
	KUNIT_CASE(xtcp_window_ratio_samples),
	KUNIT_CASE(xtcp_window_ratio_mix),
	KUNIT_CASE(xtcp_window_ratio_converges),
	KUNIT_CASE(xtcp_window_from_space),
	KUNIT_CASE(xtcp_window_from_space_fits),
	KUNIT_CASE(xtcp_window_snd_usable),
	KUNIT_CASE(xtcp_window_snd_should_send),
	KUNIT_CASE(xtcp_window_snd_nagle_writes),
	KUNIT_CASE(xtcp_window_minshall),
	KUNIT_CASE(xtcp_window_ack_after_read),
	{}
};

static struct kunit_suite xtcp_window_suite = {
	.name = "xtcp_window",
	.test_cases = xtcp_window_cases,
};

kunit_test_suites(&xtcp_window_suite);
