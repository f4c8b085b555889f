// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's TIME_WAIT (timewait.c): the decision rules of
 * xtcp_tw_decide() with the exact reply, then the table on init_net:
 * creation, lookup, replacement, expiry, restart, kill, purge, the ports
 * the entries hold against bind(), /proc/net/xtcp rows, and the size of an
 * entry.  The suite's exit purges init_net, so a failed case leaves
 * nothing behind.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "timewait.h"
#include "xtcp.h"

/* Addresses in host order: TEST-NET ones, never routed in the guest. */
#define TW_L1	0xc0000201	/* 192.0.2.1 */
#define TW_L2	0xc0000202	/* 192.0.2.2 */
#define TW_R1	0xc6336401	/* 198.51.100.1 */
#define TW_LO1	0x7f000001	/* 127.0.0.1 */
#define TW_LO2	0x7f000002	/* 127.0.0.2 */
#define TW_LO3	0x7f000003	/* 127.0.0.3 */

/* ---- xtcp_tw_decide ---------------------------------------------------- */

static const struct xtcp_tw_state tw_st = {
	.snd_nxt = 1000, .rcv_nxt = 5001, .rcv_wnd = 100, .rcv_wscale = 0,
};

static struct xtcp_seg tw_seg(u8 flags, u32 seq, u32 ack, u32 len)
{
	struct xtcp_seg s = {
		.seq = seq, .ack = ack, .len = len, .wnd = 512, .flags = flags,
	};

	return s;
}

struct tw_case {
	const char	*what;
	u8		flags;
	u32		seq;
	u32		len;
	bool		rfc1337;
	enum xtcp_tw_action want;
	u8		reply;	/* 0 or XTCP_ACK: <SEQ=SND.NXT><ACK=RCV.NXT> */
	bool		ts;	/* the segment has the timestamps option */
	u32		tsval;	/* ...with this TSval */
	u32		recent;	/* TS.Recent after it (with @ts, if nonzero) */
};

/* The clock xtcp_tw_decide() is given: seconds, as xtcp_ts_clock_s(). */
#define TW_NOW_S	1000

static void tw_check_cases_at(struct kunit *test,
			      const struct xtcp_tw_state *st,
			      const struct tw_case *c, int n, u32 now_s)
{
	struct xtcp_reply r;
	int i;

	for (i = 0; i < n; i++) {
		struct xtcp_seg s = tw_seg(c[i].flags, c[i].seq, st->snd_nxt,
					   c[i].len);
		struct xtcp_tw_state t = *st;
		enum xtcp_tw_action a;

		s.opts.ts_ok = c[i].ts;
		s.opts.tsval = c[i].tsval;
		a = xtcp_tw_decide(&t, &s, c[i].rfc1337, now_s, &r);
		KUNIT_EXPECT_EQ_MSG(test, a, c[i].want, "%s", c[i].what);
		if (c[i].recent) {
			KUNIT_EXPECT_EQ_MSG(test, t.ts_recent, c[i].recent,
					    "%s: TS.Recent", c[i].what);
			KUNIT_EXPECT_EQ_MSG(test, t.ts_stamp,
					    c[i].recent == st->ts_recent ?
					    st->ts_stamp : now_s,
					    "%s: its stamp", c[i].what);
		}
		KUNIT_EXPECT_EQ_MSG(test, t.snd_nxt, st->snd_nxt, "%s", c[i].what);
		KUNIT_EXPECT_EQ_MSG(test, t.rcv_nxt, st->rcv_nxt, "%s", c[i].what);
		KUNIT_EXPECT_EQ_MSG(test, r.flags, c[i].reply, "%s", c[i].what);
		if (c[i].reply) {
			KUNIT_EXPECT_EQ_MSG(test, r.seq, st->snd_nxt, "%s", c[i].what);
			KUNIT_EXPECT_EQ_MSG(test, r.ack, st->rcv_nxt, "%s", c[i].what);
		}
	}
}

static void tw_check_cases(struct kunit *test, const struct xtcp_tw_state *st,
			   const struct tw_case *c, int n)
{
	tw_check_cases_at(test, st, c, n, TW_NOW_S);
}

#define F	XTCP_FIN
#define S	XTCP_SYN
#define R	XTCP_RST
#define A	XTCP_ACK
#define P	XTCP_PSH

/* §3.10.7.4 fifth and eighth, TIME-WAIT: the peer's FIN again. */
static void xtcp_tw_decide_fin(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "FIN,ACK at RCV.NXT-1", F | A, 5000, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "FIN,ACK with its data", F | A | P, 4900, 100, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "FIN without ACK at RCV.NXT-1", F, 5000, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "FIN,ACK, rfc1337 off", F | A, 5000, 0, false,
		  XTCP_TW_ACT_ACK_RESTART, A },
		/* an old FIN without ACK that is not the last one: ACK only */
		{ "FIN below, no ACK", F, 4000, 0, true, XTCP_TW_ACT_ACK, A },
		/* a FIN beyond the one we saw: out of window, ACK only */
		{ "FIN above, no ACK", F, 5001, 0, true, XTCP_TW_ACT_ACK, A },
		{ "FIN,ACK above", F | A, 5001, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
	};

	tw_check_cases(test, &tw_st, c, ARRAY_SIZE(c));
}

/* Linux: an empty segment at RCV.NXT is dropped and 2*MSL restarts. */
static void xtcp_tw_decide_ack(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "bare ACK at RCV.NXT", A, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0 },
		{ "bare ACK at RCV.NXT, rfc1337 off", A, 5001, 0, false,
		  XTCP_TW_ACT_RESTART, 0 },
		{ "no flags at RCV.NXT", 0, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0 },
		/* anything else is ACKed (§3.10.7.4 first) */
		{ "data at RCV.NXT", A | P, 5001, 10, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "ACK below RCV.NXT", A, 4000, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "data below RCV.NXT", A, 4000, 100, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "ACK in window above", A, 5050, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "ACK far out of window", A, 5001 + 1000000, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "data without ACK, out of window", P, 5001 + 1000000, 10, true,
		  XTCP_TW_ACT_ACK, A },
	};

	tw_check_cases(test, &tw_st, c, ARRAY_SIZE(c));
}

/* RFC 1337 on: every RST is ignored.  Off: RFC 5961 §3.2. */
static void xtcp_tw_decide_rst(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "RST exact, 1337", R, 5001, 0, true, XTCP_TW_ACT_DROP, 0 },
		{ "RST,ACK exact, 1337", R | A, 5001, 0, true,
		  XTCP_TW_ACT_DROP, 0 },
		{ "RST in window, 1337", R, 5050, 0, true, XTCP_TW_ACT_DROP, 0 },
		{ "RST out of window, 1337", R, 6000, 0, true,
		  XTCP_TW_ACT_DROP, 0 },
		{ "RST exact", R, 5001, 0, false, XTCP_TW_ACT_KILL, 0 },
		{ "RST,ACK exact", R | A, 5001, 0, false, XTCP_TW_ACT_KILL, 0 },
		{ "RST,SYN exact", R | S, 5001, 0, false, XTCP_TW_ACT_KILL, 0 },
		{ "RST in window", R, 5002, 0, false,
		  XTCP_TW_ACT_CHALLENGE, A },
		{ "RST at the window's last byte", R, 5100, 0, false,
		  XTCP_TW_ACT_CHALLENGE, A },
		{ "RST just past the window", R, 5101, 0, false,
		  XTCP_TW_ACT_DROP, 0 },
		{ "RST below RCV.NXT", R, 5000, 0, false, XTCP_TW_ACT_DROP, 0 },
	};

	tw_check_cases(test, &tw_st, c, ARRAY_SIZE(c));
}

/* RFC 1122 §4.2.2.13 as Linux: a SYN above RCV.NXT may reopen. */
static void xtcp_tw_decide_syn(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "SYN above", S, 5002, 0, true, XTCP_TW_ACT_SYN, A },
		{ "SYN far above", S, 5001u + 0x7fffffffu, 0, true,
		  XTCP_TW_ACT_SYN, A },
		{ "SYN above, rfc1337 off", S, 9000, 0, false,
		  XTCP_TW_ACT_SYN, A },
		/* not newer: an old duplicate, ACK it, no restart */
		{ "SYN at RCV.NXT", S, 5001, 0, true, XTCP_TW_ACT_ACK, A },
		{ "SYN below", S, 100, 0, true, XTCP_TW_ACT_ACK, A },
		/* SYN,ACK is never a new connection */
		{ "SYN,ACK above", S | A, 5002, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
	};

	tw_check_cases(test, &tw_st, c, ARRAY_SIZE(c));
}

/* The same rules across the 2^32 wrap of both sequence spaces. */
static void xtcp_tw_decide_wrap(struct kunit *test)
{
	/* the peer's FIN took 0xffffffff; ours took 0xfffffffe */
	static const struct xtcp_tw_state st0 = {
		.snd_nxt = 0xffffffff, .rcv_nxt = 0, .rcv_wnd = 100,
	};
	static const struct tw_case c0[] = {
		{ "FIN at 0xffffffff", F | A, 0xffffffff, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "FIN with data across the wrap", F | A, 0xfffffff6, 10, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
		{ "bare ACK at 0", A, 0, 0, true, XTCP_TW_ACT_RESTART, 0 },
		{ "SYN at 5 (after 0)", S, 5, 0, true, XTCP_TW_ACT_SYN, A },
		{ "SYN at 0xfffffff0 (before 0)", S, 0xfffffff0, 0, true,
		  XTCP_TW_ACT_ACK, A },
		{ "RST exact at 0", R, 0, 0, false, XTCP_TW_ACT_KILL, 0 },
		{ "RST at 99", R, 99, 0, false, XTCP_TW_ACT_CHALLENGE, A },
		{ "RST at 0xffffffff", R, 0xffffffff, 0, false,
		  XTCP_TW_ACT_DROP, 0 },
	};
	/* the window itself wraps: [0xffffff80, 0x80) */
	static const struct xtcp_tw_state st1 = {
		.snd_nxt = 7, .rcv_nxt = 0xffffff80, .rcv_wnd = 1, .rcv_wscale = 8,
	};
	static const struct tw_case c1[] = {
		{ "RST exact", R, 0xffffff80, 0, false, XTCP_TW_ACT_KILL, 0 },
		{ "RST past the wrap, in window", R, 0x50, 0, false,
		  XTCP_TW_ACT_CHALLENGE, A },
		{ "RST at the right edge", R, 0x80, 0, false,
		  XTCP_TW_ACT_DROP, 0 },
		{ "RST past the wrap, 1337", R, 0x50, 0, true,
		  XTCP_TW_ACT_DROP, 0 },
		{ "SYN past the wrap", S, 0x10, 0, true, XTCP_TW_ACT_SYN, A },
		{ "FIN at 0xffffff7f", F | A, 0xffffff7f, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A },
	};

	tw_check_cases(test, &st0, c0, ARRAY_SIZE(c0));
	tw_check_cases(test, &st1, c1, ARRAY_SIZE(c1));
}

/* The window is the field shifted by rcv_wscale. */
static void xtcp_tw_decide_scaled_window(struct kunit *test)
{
	static const struct xtcp_tw_state st = {
		.snd_nxt = 1, .rcv_nxt = 1000, .rcv_wnd = 100, .rcv_wscale = 7,
	};
	static const struct tw_case c[] = {
		{ "RST at the scaled window's last byte", R, 1000 + 12799, 0,
		  false, XTCP_TW_ACT_CHALLENGE, A },
		{ "RST past the scaled window", R, 1000 + 12800, 0, false,
		  XTCP_TW_ACT_DROP, 0 },
	};

	tw_check_cases(test, &st, c, ARRAY_SIZE(c));
}

/* A connection with timestamps: TS.Recent 70000, set 10 s ago. */
static const struct xtcp_tw_state tw_ts_st = {
	.snd_nxt = 1000, .rcv_nxt = 5001, .rcv_wnd = 100, .rcv_wscale = 0,
	.ts_ok = 1, .ts_recent = 70000, .ts_stamp = TW_NOW_S - 10,
	.ts_off = 0x12345678,
};

/*
 * RFC 7323 §5.3 R1 in TIME_WAIT, as tcp_timewait_state_process(): an old
 * TSval is rejected before anything else, and ACKed (with 2*MSL
 * restarted) unless it is a RST.
 */
static void xtcp_tw_decide_paws(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "stale bare ACK at RCV.NXT", A, 5001, 0, true,
		  XTCP_TW_ACT_PAWS, A, true, 69999, 70000 },
		{ "stale data at RCV.NXT", A | P, 5001, 10, true,
		  XTCP_TW_ACT_PAWS, A, true, 60000, 70000 },
		{ "stale FIN again", F | A, 5000, 0, true,
		  XTCP_TW_ACT_PAWS, A, true, 1, 70000 },
		{ "stale across the wrap", A, 5001, 0, true,
		  XTCP_TW_ACT_PAWS, A, true, 70000 + 0x80000000u, 70000 },
		{ "stale SYN above RCV.NXT", S, 9000, 0, true,
		  XTCP_TW_ACT_PAWS, A, true, 69000, 70000 },
		{ "stale RST exact (TS.Recent 10 s old)", R, 5001, 0, false,
		  XTCP_TW_ACT_PAWS, 0, true, 69999, 70000 },
		{ "stale RST in window", R, 5002, 0, false,
		  XTCP_TW_ACT_PAWS, 0, true, 69999, 70000 },
		/* not older: the rules without PAWS */
		{ "equal TSval, bare ACK", A, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0, true, 70000 },
		{ "RST exact, equal TSval", R, 5001, 0, false,
		  XTCP_TW_ACT_KILL, 0, true, 70000, 70000 },
		/* no option on the segment: no PAWS (as Linux) */
		{ "bare ACK without TS", A, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0, false, 0, 70000 },
	};
	/* TS.Recent 24 days and a second old: invalid, nothing is stale */
	static const struct tw_case idle[] = {
		{ "old TSval after 24 days idle", A, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0, true, 69999, 69999 },
	};
	/* a RST's old TSval is let pass once TS.Recent is a minute old */
	static const struct tw_case minute[] = {
		{ "stale RST exact, 59 s", R, 5001, 0, false,
		  XTCP_TW_ACT_PAWS, 0, true, 69999, 70000 },
	};
	static const struct tw_case minute_on[] = {
		{ "stale RST exact, 60 s", R, 5001, 0, false,
		  XTCP_TW_ACT_KILL, 0, true, 69999, 70000 },
		{ "stale bare ACK, 60 s", A, 5001, 0, true,
		  XTCP_TW_ACT_PAWS, A, true, 69999, 70000 },
	};
	/* the connection had no timestamps: a segment's are ignored */
	static const struct tw_case none[] = {
		{ "TSval 0, no TS.Recent", A, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0, true, 0 },
		{ "RST exact, TSval 0", R, 5001, 0, false,
		  XTCP_TW_ACT_KILL, 0, true, 0 },
	};

	tw_check_cases(test, &tw_ts_st, c, ARRAY_SIZE(c));
	tw_check_cases_at(test, &tw_ts_st, idle, ARRAY_SIZE(idle),
			  tw_ts_st.ts_stamp + XTCP_PAWS_IDLE_S + 1);
	tw_check_cases_at(test, &tw_ts_st, minute, ARRAY_SIZE(minute),
			  tw_ts_st.ts_stamp + 59);
	tw_check_cases_at(test, &tw_ts_st, minute_on, ARRAY_SIZE(minute_on),
			  tw_ts_st.ts_stamp + 60);
	tw_check_cases(test, &tw_st, none, ARRAY_SIZE(none));
}

/*
 * TS.Recent advances, as in Linux's TIME_WAIT, only with an acceptable
 * empty segment at RCV.NXT (a bare ACK, or a RST RFC 1337 ignores).
 */
static void xtcp_tw_decide_ts_recent(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "newer bare ACK at RCV.NXT", A, 5001, 0, true,
		  XTCP_TW_ACT_RESTART, 0, true, 70500, 70500 },
		{ "newer RST at RCV.NXT, 1337", R, 5001, 0, true,
		  XTCP_TW_ACT_DROP, 0, true, 70500, 70500 },
		{ "newer FIN again: kept", F | A, 5000, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A, true, 70500, 70000 },
		{ "newer data: kept", A | P, 5001, 10, true,
		  XTCP_TW_ACT_ACK_RESTART, A, true, 70500, 70000 },
		{ "newer ACK below RCV.NXT: kept", A, 4000, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A, true, 70500, 70000 },
	};

	tw_check_cases(test, &tw_ts_st, c, ARRAY_SIZE(c));
}

/*
 * RFC 6191 as Linux: a SYN whose sequence number is not above RCV.NXT
 * may still reopen the 4-tuple when its TSval is newer than TS.Recent.
 */
static void xtcp_tw_decide_syn_ts(struct kunit *test)
{
	static const struct tw_case c[] = {
		{ "SYN below, newer TSval", S, 100, 0, true,
		  XTCP_TW_ACT_SYN, A, true, 70001, 70000 },
		{ "SYN at RCV.NXT, newer TSval", S, 5001, 0, true,
		  XTCP_TW_ACT_SYN, A, true, 0x7fffffff, 70000 },
		{ "SYN below, newer across the wrap", S, 100, 0, true,
		  XTCP_TW_ACT_SYN, A, true, 70000u + 0x7fffffffu, 70000 },
		{ "SYN below, equal TSval", S, 100, 0, true,
		  XTCP_TW_ACT_ACK, A, true, 70000, 70000 },
		{ "SYN below, older TSval", S, 100, 0, true,
		  XTCP_TW_ACT_PAWS, A, true, 69999, 70000 },
		{ "SYN below, no TS option", S, 100, 0, true,
		  XTCP_TW_ACT_ACK, A, false, 0, 70000 },
		{ "SYN above, equal TSval", S, 9000, 0, true,
		  XTCP_TW_ACT_SYN, A, true, 70000, 70000 },
		{ "SYN,ACK below, newer TSval", S | A, 100, 0, true,
		  XTCP_TW_ACT_ACK_RESTART, A, true, 70001, 70000 },
	};
	/* without timestamps on the connection, only the sequence counts */
	static const struct tw_case none[] = {
		{ "SYN below, a TSval, no TS.Recent", S, 100, 0, true,
		  XTCP_TW_ACT_ACK, A, true, 70001 },
	};

	tw_check_cases(test, &tw_ts_st, c, ARRAY_SIZE(c));
	tw_check_cases(test, &tw_st, none, ARRAY_SIZE(none));
}

/* tcp_twsk_unique()'s rule for connect(): timestamps, an earlier second. */
static void xtcp_tw_reuse_rule(struct kunit *test)
{
	struct xtcp_tw_state st = tw_ts_st;

	KUNIT_EXPECT_TRUE(test, xtcp_tw_reuse_ts_ok(&st, TW_NOW_S));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_reuse_ts_ok(&st, st.ts_stamp + 1));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_reuse_ts_ok(&st, st.ts_stamp));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_reuse_ts_ok(&st, st.ts_stamp - 1));
	st.ts_stamp = 0;		/* never set */
	KUNIT_EXPECT_FALSE(test, xtcp_tw_reuse_ts_ok(&st, TW_NOW_S));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_reuse_ts_ok(&tw_st, TW_NOW_S));
}

/* ---- the table on init_net --------------------------------------------- */

static struct xtcp_key tw_key(u32 laddr, u16 lport, u32 raddr, u16 rport)
{
	struct xtcp_key k = {
		.laddr = htonl(laddr), .lport = htons(lport),
		.raddr = htonl(raddr), .rport = htons(rport),
	};

	return k;
}

static const struct xtcp_tw_init tw_init = {
	.snd_nxt = 1000, .rcv_nxt = 5001, .rcv_wnd = 100, .rcv_wscale = 2,
};

static long tw_mib(enum xtcp_mib m)
{
	return xtcp_mib_get(&init_net, m);
}

static bool tw_present(const struct xtcp_key *k)
{
	struct xtcp_tw *tw = xtcp_tw_lookup(&init_net, k);

	if (tw)
		xtcp_tw_put(tw);
	return tw;
}

/* Kill the entry of @k; true if there was one to kill. */
static bool tw_remove(const struct xtcp_key *k)
{
	struct xtcp_tw *tw = xtcp_tw_lookup(&init_net, k);
	bool killed;

	if (!tw)
		return false;
	killed = xtcp_tw_kill(tw);
	xtcp_tw_put(tw);
	return killed;
}

static s64 tw_left(const struct xtcp_key *k)
{
	struct xtcp_tw *tw = xtcp_tw_lookup(&init_net, k);
	s64 left;

	if (!tw)
		return -1;
	left = xtcp_tw_remaining_ms(tw);
	xtcp_tw_put(tw);
	return left;
}

/* Set msl_ms for the test; the suite's exit puts the default back. */
static void tw_set_msl(int ms)
{
	WRITE_ONCE(xtcp_pernet(&init_net)->msl_ms, ms);
}

static void xtcp_tw_sizes(struct kunit *test)
{
	kunit_info(test, "sizeof(struct xtcp_tw) = %zu, slab object size = %u, rcu_head %zu\n",
		   sizeof(struct xtcp_tw), xtcp_tw_obj_size(),
		   sizeof(struct rcu_head));
	/*
	 * list_head, rcu_head, rhash_head and refcount_t have no debug
	 * fields.  The budget is 128 bytes; with no hrtimer of its
	 * own (the expiry queue's node and deadline instead) an entry is 88.
	 */
	if (IS_ENABLED(CONFIG_64BIT)) {
		KUNIT_EXPECT_LE(test, sizeof(struct xtcp_tw), (size_t)88);
		KUNIT_EXPECT_LE(test, xtcp_tw_obj_size(), 128u);
	}
	KUNIT_EXPECT_GE(test, xtcp_tw_obj_size(), (unsigned int)sizeof(struct xtcp_tw));
	/*
	 * The timestamps (TS.Recent, its stamp, the TSval offset) fit in the
	 * 128 bytes by sharing the state with the RCU head (timewait.h):
	 * what RCU readers or the RCU callback read must lie outside it.
	 */
	KUNIT_EXPECT_GE(test, sizeof(struct xtcp_tw_state), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcp_tw, rcu),
			offsetof(struct xtcp_tw, st));
	KUNIT_EXPECT_GE(test, offsetof(struct xtcp_tw, v6),
			offsetof(struct xtcp_tw, st) +
			sizeof(struct xtcp_tw_state));
	KUNIT_EXPECT_LE(test, offsetof(struct xtcp_tw, refcnt) +
			sizeof(refcount_t), offsetof(struct xtcp_tw, st));
	KUNIT_EXPECT_LE(test, offsetof(struct xtcp_tw, key) +
			sizeof(struct xtcp_key), offsetof(struct xtcp_tw, st));
	/* IPv6 entries: the same plus the 36-byte IPv6 4-tuple */
	kunit_info(test, "sizeof(struct xtcp_tw6) = %zu, slab object size = %u\n",
		   sizeof(struct xtcp_tw6), xtcp_tw6_obj_size());
	if (IS_ENABLED(CONFIG_64BIT))
		KUNIT_EXPECT_LE(test, xtcp_tw6_obj_size(), 128u);
	KUNIT_EXPECT_GE(test, xtcp_tw6_obj_size(),
			(unsigned int)sizeof(struct xtcp_tw6));
}

/* An IPv6 entry: created, found by its IPv6 4-tuple only, killed. */
static void xtcp_tw6_create_lookup(struct kunit *test)
{
	struct xtcp_key6 k = {
		.laddr = IN6ADDR_LOOPBACK_INIT, .lport = htons(40601),
		.raddr = IN6ADDR_LOOPBACK_INIT, .rport = htons(50601),
	};
	struct xtcp_tw_init init = { .snd_nxt = 100, .rcv_nxt = 200 };
	struct xtcp_key k4 = { .lport = htons(40601), .rport = htons(50601) };
	struct xtcp_tw *tw;

	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create6(&init_net, &k, &init));
	tw = xtcp_tw_lookup6(&init_net, &k);
	KUNIT_ASSERT_NOT_NULL(test, tw);
	KUNIT_EXPECT_TRUE(test, tw->v6);
	KUNIT_EXPECT_EQ(test, tw->st.snd_nxt, 100u);
	/* the IPv4 table has no such entry, its ports notwithstanding */
	KUNIT_EXPECT_NULL(test, xtcp_tw_lookup(&init_net, &k4));
	/* it holds its port: on ::1, on any address, not on another one */
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use6(&init_net, &k.laddr, 40601));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(INADDR_ANY),
						    40601));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net,
						     htonl(INADDR_LOOPBACK),
						     40601));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_kill(tw));
	xtcp_tw_put(tw);
	KUNIT_EXPECT_NULL(test, xtcp_tw_lookup6(&init_net, &k));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use6(&init_net, &k.laddr,
						      40601));
}

static void xtcp_tw_create_lookup(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_L1, 40001, TW_R1, 50001);
	long created = tw_mib(XTCP_MIB_TW_CREATED);
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	struct xtcp_key other;
	struct xtcp_tw *tw;

	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	KUNIT_EXPECT_EQ(test, created + 1, tw_mib(XTCP_MIB_TW_CREATED));
	KUNIT_EXPECT_EQ(test, active + 1, tw_mib(XTCP_MIB_TW_ACTIVE));

	tw = xtcp_tw_lookup(&init_net, &k);
	KUNIT_ASSERT_NOT_NULL(test, tw);
	KUNIT_EXPECT_EQ(test, tw->st.snd_nxt, 1000u);
	KUNIT_EXPECT_EQ(test, tw->st.rcv_nxt, 5001u);
	KUNIT_EXPECT_EQ(test, tw->st.rcv_wnd, 100);
	KUNIT_EXPECT_EQ(test, tw->st.rcv_wscale, 2);
	KUNIT_EXPECT_PTR_EQ(test, tw->net, &init_net);
	/* the table's reference and ours */
	KUNIT_EXPECT_EQ(test, refcount_read(&tw->refcnt), 2u);
	/* 2 * msl_ms (30 s by default), give or take the time spent here */
	KUNIT_EXPECT_EQ(test, tw->last_oow_ack, 0u);
	KUNIT_EXPECT_GT(test, xtcp_tw_remaining_ms(tw), 50000);
	KUNIT_EXPECT_LE(test, xtcp_tw_remaining_ms(tw), 60000);
	xtcp_tw_put(tw);

	/* every other 4-tuple misses, the reverse direction too */
	other = tw_key(TW_L2, 40001, TW_R1, 50001);
	KUNIT_EXPECT_FALSE(test, tw_present(&other));
	other = tw_key(TW_L1, 40002, TW_R1, 50001);
	KUNIT_EXPECT_FALSE(test, tw_present(&other));
	other = tw_key(TW_L1, 40001, TW_R1, 50002);
	KUNIT_EXPECT_FALSE(test, tw_present(&other));
	other = tw_key(TW_R1, 50001, TW_L1, 40001);
	KUNIT_EXPECT_FALSE(test, tw_present(&other));
	/* nor is it a connection */
	KUNIT_EXPECT_NULL(test, xtcp_lookup_connection(&init_net, k.laddr, k.lport,
						       k.raddr, k.rport));

	KUNIT_EXPECT_TRUE(test, tw_remove(&k));
	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_EXPECT_FALSE(test, tw_remove(&k));
	KUNIT_EXPECT_EQ(test, active, tw_mib(XTCP_MIB_TW_ACTIVE));
}

/* A second entry for a 4-tuple replaces the first. */
static void xtcp_tw_replace(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_L1, 40003, TW_R1, 50003);
	struct xtcp_tw_init second = tw_init;
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	struct xtcp_tw *tw, *first;

	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	first = xtcp_tw_lookup(&init_net, &k);
	KUNIT_ASSERT_NOT_NULL(test, first);

	second.snd_nxt = 70000;
	second.rcv_nxt = 80000;
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &second));
	KUNIT_EXPECT_EQ(test, active + 1, tw_mib(XTCP_MIB_TW_ACTIVE));
	tw = xtcp_tw_lookup(&init_net, &k);
	KUNIT_ASSERT_NOT_NULL(test, tw);
	KUNIT_EXPECT_PTR_NE(test, tw, first);
	KUNIT_EXPECT_EQ(test, tw->st.snd_nxt, 70000u);
	KUNIT_EXPECT_EQ(test, tw->st.rcv_nxt, 80000u);
	xtcp_tw_put(tw);
	/* the first is out of the table and off the queue: only our ref */
	KUNIT_EXPECT_EQ(test, refcount_read(&first->refcnt), 1u);
	KUNIT_EXPECT_TRUE(test, list_empty(&first->qnode));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_kill(first));
	xtcp_tw_put(first);

	/* one kill, and nothing is left of either */
	KUNIT_EXPECT_TRUE(test, tw_remove(&k));
	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, k.laddr, 40003));
	KUNIT_EXPECT_EQ(test, active, tw_mib(XTCP_MIB_TW_ACTIVE));
}

static void xtcp_tw_purge_all(struct kunit *test)
{
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	struct xtcp_key k[3] = {
		tw_key(TW_L1, 40010, TW_R1, 50010),
		tw_key(TW_L1, 40010, TW_R1, 50011),
		tw_key(TW_L2, 40011, TW_R1, 50010),
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k[i], &tw_init));
	KUNIT_EXPECT_EQ(test, active + 3, tw_mib(XTCP_MIB_TW_ACTIVE));
	xtcp_tw_purge(&init_net);
	for (i = 0; i < ARRAY_SIZE(k); i++)
		KUNIT_EXPECT_FALSE(test, tw_present(&k[i]));
	KUNIT_EXPECT_EQ(test, 0, tw_mib(XTCP_MIB_TW_ACTIVE));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(INADDR_ANY), 40010));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(INADDR_ANY), 40011));
}

/*
 * 2*MSL at msl_ms = 100: the entry lives 200 ms, never less (an hrtimer
 * does not fire early), and is gone within TW_EXPIRY_SLACK_MS more (the
 * soft hrtimer's latency in the debug guest under TCG: 0-40 ms measured);
 * half or double the lifetime fails.  Its port is free again within 1 s
 * after (the release follows the unhash, perhaps on another CPU).
 */
#define TW_EXPIRY_SLACK_MS	150

static void xtcp_tw_expiry(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_L1, 40020, TW_R1, 50020);
	struct xtcp_key slow = tw_key(TW_L1, 40021, TW_R1, 50021);
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	ktime_t t0;
	s64 lived;

	/* made before the change: keeps its 10 s */
	tw_set_msl(5000);
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &slow, &tw_init));
	tw_set_msl(100);
	t0 = ktime_get();
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	KUNIT_EXPECT_LE(test, tw_left(&k), 200);
	KUNIT_EXPECT_GT(test, tw_left(&k), 100);
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, k.laddr, 40020));
	while (tw_present(&k) && ktime_ms_delta(ktime_get(), t0) < 2000)
		usleep_range(1000, 2000);
	lived = ktime_ms_delta(ktime_get(), t0);
	kunit_info(test, "2MSL 200 ms: gone after %lld ms", lived);
	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_EXPECT_GE(test, lived, 200);
	KUNIT_EXPECT_LE(test, lived, 200 + TW_EXPIRY_SLACK_MS);
	/*
	 * The expiry unhashes the entry, then releases its port and lowers
	 * TimeWaitActive: on another CPU, the test may look in between.
	 * Both must follow within a bounded time.
	 */
	t0 = ktime_get();
	while ((xtcp_tw_port_in_use(&init_net, k.laddr, 40020) ||
		tw_mib(XTCP_MIB_TW_ACTIVE) != active + 1) &&
	       ktime_ms_delta(ktime_get(), t0) < 1000)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, k.laddr, 40020));
	KUNIT_EXPECT_TRUE(test, tw_present(&slow));
	KUNIT_EXPECT_GT(test, tw_left(&slow), 9000);
	KUNIT_EXPECT_EQ(test, active + 1, tw_mib(XTCP_MIB_TW_ACTIVE));
	KUNIT_EXPECT_TRUE(test, tw_remove(&slow));
	KUNIT_EXPECT_EQ(test, active, tw_mib(XTCP_MIB_TW_ACTIVE));
}

/*
 * How late an entry may go: a 64th of 2*MSL, at most 250 ms, so that
 * entries due close together share a timer interrupt (as TCP's wheel,
 * which lets a 60 s TIME_WAIT run an eighth late); never a negative or
 * unbounded slack.
 */
static void xtcp_tw_slack(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0ULL, xtcp_tw_slack_ns(0));
	KUNIT_EXPECT_EQ(test, 0ULL, xtcp_tw_slack_ns(63));
	KUNIT_EXPECT_EQ(test, 1ULL * NSEC_PER_MSEC, xtcp_tw_slack_ns(64));
	KUNIT_EXPECT_EQ(test, 15ULL * NSEC_PER_MSEC, xtcp_tw_slack_ns(1000));
	KUNIT_EXPECT_EQ(test, 250ULL * NSEC_PER_MSEC, xtcp_tw_slack_ns(16000));
	KUNIT_EXPECT_EQ(test, 250ULL * NSEC_PER_MSEC, xtcp_tw_slack_ns(60000));
	KUNIT_EXPECT_EQ(test, (u64)XTCP_TW_SLACK_MAX_MS * NSEC_PER_MSEC,
			xtcp_tw_slack_ns(U32_MAX));
}

/* Many entries expiring at once, while more are being made. */
static void xtcp_tw_mass_expiry(struct kunit *test)
{
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	struct xtcp_key k;
	int i;

	tw_set_msl(1);
	for (i = 0; i < 2000; i++) {
		k = tw_key(TW_L1, 41000 + i % 50, TW_R1, 1024 + i);
		KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	}
	for (i = 0; i < 100 && tw_mib(XTCP_MIB_TW_ACTIVE) > active; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, active, tw_mib(XTCP_MIB_TW_ACTIVE));
	for (i = 0; i < 50; i++)
		KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(INADDR_ANY),
							     41000 + i));
}

/* A segment from @k's remote end, as xtcp_v4_rcv() hands it on. */
static struct sk_buff *tw_skb(struct kunit *test, const struct xtcp_key *k,
			      u8 flags, u32 seq, u32 ack)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER + 64, GFP_KERNEL);
	struct xtcp_seg *seg;
	struct tcphdr *th;
	struct iphdr *iph;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = xtcp_ipproto;
	iph->saddr = k->raddr;
	iph->daddr = k->laddr;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th));
	skb_set_transport_header(skb, sizeof(*iph));
	th = skb_put_zero(skb, sizeof(*th));
	th->source = k->rport;
	th->dest = k->lport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = sizeof(*th) / 4;
	((u8 *)th)[13] = flags;
	skb_pull(skb, sizeof(*iph));
	skb->protocol = htons(ETH_P_IP);
	seg = &XTCP_SKB_CB(skb)->seg;
	memset(seg, 0, sizeof(*seg));
	seg->seq = seq;
	seg->ack = ack;
	seg->flags = flags;
	seg->wnd = 512;
	return skb;
}

/* xtcp_tw_rcv() in softirq-like context; frees the skb as input.c does. */
static enum xtcp_tw_verdict tw_rcv(struct kunit *test, const struct xtcp_key *k,
				   u8 flags, u32 seq)
{
	struct sk_buff *skb = tw_skb(test, k, flags, seq, tw_init.snd_nxt);
	enum xtcp_tw_verdict v;

	local_bh_disable();
	v = xtcp_tw_rcv(&init_net, skb);
	local_bh_enable();
	kfree_skb(skb);
	return v;
}

/* The same with the timestamps option, TSval @tsval. */
static enum xtcp_tw_verdict tw_rcv_ts(struct kunit *test,
				      const struct xtcp_key *k, u8 flags,
				      u32 seq, u32 tsval)
{
	struct sk_buff *skb = tw_skb(test, k, flags, seq, tw_init.snd_nxt);
	enum xtcp_tw_verdict v;

	XTCP_SKB_CB(skb)->seg.opts.ts_ok = true;
	XTCP_SKB_CB(skb)->seg.opts.tsval = tsval;
	local_bh_disable();
	v = xtcp_tw_rcv(&init_net, skb);
	local_bh_enable();
	kfree_skb(skb);
	return v;
}

static u32 tw_ts_recent(const struct xtcp_key *k)
{
	struct xtcp_tw *tw = xtcp_tw_lookup(&init_net, k);
	u32 recent;

	if (!tw)
		return 0;
	recent = READ_ONCE(tw->st.ts_recent);
	xtcp_tw_put(tw);
	return recent;
}

/* Is @a ahead of @b on the expiry queue (both on it)? */
static bool tw_queued_before(struct xtcp_net *xn, const struct xtcp_tw *a,
			     const struct xtcp_tw *b)
{
	const struct xtcp_tw *pos;
	int seen = 0;

	spin_lock_bh(&xn->tw_lock);
	list_for_each_entry(pos, &xn->tw_queue, qnode) {
		if (pos == a && !seen)
			seen = 1;
		else if (pos == b)
			seen = seen == 1 ? 2 : -1;
	}
	spin_unlock_bh(&xn->tw_lock);
	return seen == 2;
}

/*
 * The expiry queue (one hrtimer a namespace, timewait.c): entries in
 * expiry order whatever order they were made in, the hrtimer queued no
 * later than the first; a restart moves an entry to its new place, a
 * kill takes it off, and a second kill finds it gone.
 */
static void xtcp_tw_queue_order(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	const int msl[3] = { 5000, 3000, 4000 };	/* 10 s, 6 s, 8 s */
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	struct xtcp_key k[3];
	struct xtcp_tw *tw[3];
	int i;

	for (i = 0; i < 3; i++) {
		k[i] = tw_key(TW_L1, 40070 + i, TW_R1, 50070);
		tw_set_msl(msl[i]);
		KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k[i], &tw_init));
		tw[i] = xtcp_tw_lookup(&init_net, &k[i]);
		KUNIT_ASSERT_NOT_NULL(test, tw[i]);
	}
	KUNIT_EXPECT_TRUE(test, tw_queued_before(xn, tw[1], tw[2]));
	KUNIT_EXPECT_TRUE(test, tw_queued_before(xn, tw[2], tw[0]));
	KUNIT_EXPECT_FALSE(test, tw_queued_before(xn, tw[0], tw[1]));
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(&xn->tw_timer));
	KUNIT_EXPECT_LE(test, ktime_to_ns(hrtimer_get_softexpires(&xn->tw_timer)),
			ktime_to_ns(READ_ONCE(tw[1]->expires)));
	KUNIT_EXPECT_GT(test, xtcp_tw_remaining_ms(tw[1]), 5000);
	KUNIT_EXPECT_LE(test, xtcp_tw_remaining_ms(tw[1]), 6000);

	/* a bare ACK at RCV.NXT: 2*MSL again, 10 s now, behind the 8 s one */
	tw_set_msl(5000);
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k[1], A, 5001));
	KUNIT_EXPECT_GT(test, xtcp_tw_remaining_ms(tw[1]), 9000);
	KUNIT_EXPECT_TRUE(test, tw_queued_before(xn, tw[2], tw[1]));
	KUNIT_EXPECT_TRUE(test, tw_queued_before(xn, tw[0], tw[1]));

	KUNIT_EXPECT_TRUE(test, xtcp_tw_kill(tw[2]));
	KUNIT_EXPECT_TRUE(test, list_empty(&tw[2]->qnode));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_kill(tw[2]));
	KUNIT_EXPECT_TRUE(test, tw_queued_before(xn, tw[0], tw[1]));
	for (i = 0; i < 3; i++) {
		if (i != 2)
			KUNIT_EXPECT_TRUE(test, xtcp_tw_kill(tw[i]));
		xtcp_tw_put(tw[i]);
	}
	KUNIT_EXPECT_EQ(test, active, tw_mib(XTCP_MIB_TW_ACTIVE));
}

/*
 * An entry of a connection with timestamps keeps them; PAWS drops (and
 * counts PAWSTimewait) in xtcp_tw_rcv(), and TS.Recent advances there.
 */
static void xtcp_tw_rcv_ts(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_key k = tw_key(TW_L1, 40060, TW_R1, 50060);
	struct xtcp_tw_init init = tw_init;
	long paws = tw_mib(XTCP_MIB_PAWS_TW);
	long killed = tw_mib(XTCP_MIB_TW_KILLED);
	struct xtcp_tw *tw;

	init.ts_ok = true;
	init.ts_recent = 70000;
	init.ts_stamp = xtcp_ts_clock_s();
	init.ts_off = 0x12345678;
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &init));
	tw = xtcp_tw_lookup(&init_net, &k);
	KUNIT_ASSERT_NOT_NULL(test, tw);
	KUNIT_EXPECT_EQ(test, tw->st.ts_ok, 1);
	KUNIT_EXPECT_EQ(test, tw->st.ts_recent, 70000u);
	KUNIT_EXPECT_EQ(test, tw->st.ts_stamp, init.ts_stamp);
	KUNIT_EXPECT_EQ(test, tw->st.ts_off, 0x12345678u);
	xtcp_tw_put(tw);

	/* an old duplicate: counted, dropped, TS.Recent kept */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv_ts(test, &k, A, 5001, 69999));
	KUNIT_EXPECT_EQ(test, paws + 1, tw_mib(XTCP_MIB_PAWS_TW));
	KUNIT_EXPECT_EQ(test, tw_ts_recent(&k), 70000u);
	/* even a RST at RCV.NXT, rfc1337 off: the entry stays */
	WRITE_ONCE(xn->tw_rfc1337, 0);
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv_ts(test, &k, R, 5001, 1));
	KUNIT_EXPECT_TRUE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, paws + 2, tw_mib(XTCP_MIB_PAWS_TW));
	KUNIT_EXPECT_EQ(test, killed, tw_mib(XTCP_MIB_TW_KILLED));
	/* a newer bare ACK at RCV.NXT: TS.Recent advances */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv_ts(test, &k, A, 5001, 70100));
	KUNIT_EXPECT_EQ(test, tw_ts_recent(&k), 70100u);
	/* and what was current before is now old */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv_ts(test, &k, A, 5001, 70050));
	KUNIT_EXPECT_EQ(test, paws + 3, tw_mib(XTCP_MIB_PAWS_TW));
	KUNIT_EXPECT_EQ(test, tw_ts_recent(&k), 70100u);
	/* a RST with a current TSval still kills */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv_ts(test, &k, R, 5001, 70100));
	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, killed + 1, tw_mib(XTCP_MIB_TW_KILLED));
}

static void xtcp_tw_rcv_restart(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_L1, 40030, TW_R1, 50030);
	struct xtcp_key none = tw_key(TW_L1, 40030, TW_R1, 50031);
	s64 before, after;

	KUNIT_EXPECT_EQ(test, XTCP_TW_NONE, tw_rcv(test, &none, A, 5001));

	tw_set_msl(5000);
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	msleep(300);
	before = tw_left(&k);
	KUNIT_EXPECT_LE(test, before, 9700);
	/* the peer's FIN again: ACKed, a fresh 10 s */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, F | A, 5000));
	after = tw_left(&k);
	KUNIT_EXPECT_GT(test, after, before + 200);
	KUNIT_EXPECT_LE(test, after, 10000);

	/* a bare ACK at RCV.NXT restarts it too */
	msleep(300);
	before = tw_left(&k);
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, A, 5001));
	KUNIT_EXPECT_GT(test, tw_left(&k), before + 200);

	/* an old SYN without ACK does not */
	msleep(300);
	before = tw_left(&k);
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, S, 100));
	KUNIT_EXPECT_LE(test, tw_left(&k), before);
	KUNIT_EXPECT_TRUE(test, tw_remove(&k));
}

static void xtcp_tw_rcv_rst(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_key k = tw_key(TW_L1, 40040, TW_R1, 50040);
	long killed = tw_mib(XTCP_MIB_TW_KILLED);
	long challenges = tw_mib(XTCP_MIB_CHALLENGE_ACKS);

	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	/* RFC 1337 (the default): the RST changes nothing */
	KUNIT_EXPECT_EQ(test, 1, READ_ONCE(xn->tw_rfc1337));
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, R, 5001));
	KUNIT_EXPECT_TRUE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, killed, tw_mib(XTCP_MIB_TW_KILLED));

	WRITE_ONCE(xn->tw_rfc1337, 0);
	/* in the window but not exact: a challenge ACK, the entry stays */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, R, 5002));
	KUNIT_EXPECT_TRUE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, challenges + 1, tw_mib(XTCP_MIB_CHALLENGE_ACKS));
	/* exact: gone */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, R, 5001));
	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, killed + 1, tw_mib(XTCP_MIB_TW_KILLED));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, k.laddr, 40040));
	/* and the next segment finds nothing */
	KUNIT_EXPECT_EQ(test, XTCP_TW_NONE, tw_rcv(test, &k, R, 5001));
}

static void tw_sock_release(void *sock)
{
	sock_release(sock);
}

static void xtcp_tw_rcv_syn(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_L1, 40050, TW_R1, 50050);
	long recycled = tw_mib(XTCP_MIB_TW_RECYCLED);
	struct socket *sock;
	struct sock *sk;

	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	/* nobody listens: the SYN is ACKed and the entry stays */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, S, 9000));
	KUNIT_EXPECT_TRUE(test, tw_present(&k));

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, xtcp_family,
						  SOCK_STREAM, 0, &sock));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, tw_sock_release,
							   sock));
	sk = sock->sk;
	lock_sock(sk);
	inet_sk(sk)->inet_rcv_saddr = htonl(TW_L1);
	inet_sk(sk)->inet_sport = htons(40050);
	KUNIT_EXPECT_EQ(test, 0, xtcp_hash_listener(sk));
	release_sock(sk);

	/* an old SYN is still just ACKed */
	KUNIT_EXPECT_EQ(test, XTCP_TW_DONE, tw_rcv(test, &k, S, 5001));
	KUNIT_EXPECT_TRUE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, recycled, tw_mib(XTCP_MIB_TW_RECYCLED));
	/* a newer one goes to the listener, and the entry is gone */
	KUNIT_EXPECT_EQ(test, XTCP_TW_SYN, tw_rcv(test, &k, S, 9000));
	KUNIT_EXPECT_FALSE(test, tw_present(&k));
	KUNIT_EXPECT_EQ(test, recycled + 1, tw_mib(XTCP_MIB_TW_RECYCLED));
	KUNIT_EXPECT_EQ(test, XTCP_TW_NONE, tw_rcv(test, &k, S, 9000));

	lock_sock(sk);
	xtcp_unhash(sk);
	release_sock(sk);
}

/* Restarts and kills racing the timers of short-lived entries. */
static void xtcp_tw_rcv_races(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	long active = tw_mib(XTCP_MIB_TW_ACTIVE);
	struct xtcp_key k;
	int i;

	tw_set_msl(1);
	WRITE_ONCE(xn->tw_rfc1337, 0);
	for (i = 0; i < 1000; i++) {
		k = tw_key(TW_L1, 42000, TW_R1, 1024 + i % 64);
		KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
		tw_rcv(test, &k, i & 1 ? A : F | A, i & 1 ? 5001 : 5000);
		if (i % 3 == 0)
			tw_rcv(test, &k, R, 5001);
		if (i % 7 == 0)
			usleep_range(400, 600);
	}
	for (i = 0; i < 100 && tw_mib(XTCP_MIB_TW_ACTIVE) > active; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, active, tw_mib(XTCP_MIB_TW_ACTIVE));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_L1), 42000));
}

/* ---- ports against bind() ---------------------------------------------- */

static struct socket *tw_socket(struct kunit *test)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, xtcp_family,
						  SOCK_STREAM, 0, &sock));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, tw_sock_release,
							   sock));
	return sock;
}

static int tw_bind(struct socket *sock, u32 addr, u16 port)
{
	struct sockaddr_xtcp sa = {
		.sxtcp_family = xtcp_family,
		.sxtcp_port = htons(port),
		.sxtcp_addr = htonl(addr),
	};

	return kernel_bind(sock, (struct sockaddr *)&sa, sizeof(sa));
}

static u16 tw_port(struct socket *sock)
{
	struct sockaddr_xtcp sa;

	if (kernel_getsockname(sock, (struct sockaddr *)&sa) != sizeof(sa))
		return 0;
	return ntohs(sa.sxtcp_port);
}

static void xtcp_tw_port_rules(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_LO1, 47100, TW_R1, 50100);
	struct xtcp_key k2 = tw_key(TW_LO1, 47100, TW_R1, 50101);
	__be32 any = htonl(INADDR_ANY);

	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any, 47100));
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k2, &tw_init));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, any, 47100));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO1), 47100));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO2), 47100));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any, 47101));
	/* neighbours, and the old fixed table's colliding port, do not match */
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any, 47100 + 256));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO1),
						     47100 + 256));
	/* counted: the port stays held until the last entry goes */
	KUNIT_EXPECT_TRUE(test, tw_remove(&k));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, any, 47100));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k2));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any, 47100));
}

/*
 * One port held by entries on three local addresses (the bucket keeps the
 * first address's count in itself, the others' in a list): each address
 * is held while its own entries last, whichever goes first, and the
 * wildcard while any does; the last entry takes the bucket with it.
 */
static void xtcp_tw_port_addrs(struct kunit *test)
{
	static const u32 laddr[] = { TW_LO1, TW_LO2, TW_LO3 };
	struct xtcp_key k[ARRAY_SIZE(laddr)][2];
	unsigned int base = xtcp_bind_ports(&init_net);
	__be32 any = htonl(INADDR_ANY);
	int i, j;

	for (i = 0; i < ARRAY_SIZE(laddr); i++)
		for (j = 0; j < 2; j++) {
			k[i][j] = tw_key(laddr[i], 47120, TW_R1, 50120 + j);
			KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net,
								&k[i][j],
								&tw_init));
		}
	KUNIT_EXPECT_EQ(test, base + 1, xtcp_bind_ports(&init_net));
	for (i = 0; i < ARRAY_SIZE(laddr); i++)
		KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net,
							    htonl(laddr[i]),
							    47120));
	/* the first address goes: the others stay held, it does not */
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[0][0]));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO1),
						    47120));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[0][1]));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO1),
						     47120));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO2),
						    47120));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO3),
						    47120));
	/* it comes back into the free slot, counted once */
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k[0][0], &tw_init));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO1),
						    47120));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[1][0]));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[1][1]));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO2),
						     47120));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[2][0]));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, any, 47120));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[2][1]));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO3),
						     47120));
	KUNIT_EXPECT_TRUE(test, xtcp_tw_port_in_use(&init_net, htonl(TW_LO1),
						    47120));
	KUNIT_EXPECT_EQ(test, base + 1, xtcp_bind_ports(&init_net));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k[0][0]));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any, 47120));
	KUNIT_EXPECT_EQ(test, base, xtcp_bind_ports(&init_net));
}

#define TW_MANY_PORTS	1000
#define TW_MANY_BASE	20000

/*
 * Entries on 1,000 ports, alternately on two addresses: they count in the
 * ports' bind buckets (one a port, made for them), each port answers for
 * its own address only, and the buckets go when the entries do.
 */
static void xtcp_tw_port_many(struct kunit *test)
{
	__be32 any = htonl(INADDR_ANY);
	unsigned int base = xtcp_bind_ports(&init_net);
	int i, wrong = 0;

	for (i = 0; i < TW_MANY_PORTS; i++) {
		struct xtcp_key k = tw_key(i & 1 ? TW_LO2 : TW_LO1,
					   TW_MANY_BASE + i, TW_R1, 50300);

		KUNIT_ASSERT_EQ_MSG(test, 0, xtcp_tw_create(&init_net, &k, &tw_init),
				    "entry %d", i);
	}
	KUNIT_EXPECT_EQ(test, base + TW_MANY_PORTS, xtcp_bind_ports(&init_net));
	for (i = 0; i < TW_MANY_PORTS && wrong < 10; i++) {
		u16 port = TW_MANY_BASE + i;
		u32 mine = i & 1 ? TW_LO2 : TW_LO1;
		u32 other = i & 1 ? TW_LO1 : TW_LO2;

		if (!xtcp_tw_port_in_use(&init_net, htonl(mine), port) ||
		    !xtcp_tw_port_in_use(&init_net, any, port) ||
		    xtcp_tw_port_in_use(&init_net, htonl(other), port)) {
			KUNIT_FAIL(test, "port %u: wrong holders", port);
			wrong++;
		}
	}
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any,
						     TW_MANY_BASE - 1));
	KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any,
						     TW_MANY_BASE + TW_MANY_PORTS));
	for (i = 0; i < TW_MANY_PORTS; i++) {
		struct xtcp_key k = tw_key(i & 1 ? TW_LO2 : TW_LO1,
					   TW_MANY_BASE + i, TW_R1, 50300);

		KUNIT_EXPECT_TRUE(test, tw_remove(&k));
	}
	KUNIT_EXPECT_EQ(test, base, xtcp_bind_ports(&init_net));
	for (i = 0; i < TW_MANY_PORTS; i += 97)
		KUNIT_EXPECT_FALSE(test, xtcp_tw_port_in_use(&init_net, any,
							     TW_MANY_BASE + i));
}

/* bind(2): EADDRINUSE over TIME_WAIT, unless SO_REUSEADDR. */
static void xtcp_tw_port_bind(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_LO1, 47110, TW_R1, 50110);
	struct socket *a = tw_socket(test);
	struct socket *b = tw_socket(test);
	struct socket *c = tw_socket(test);

	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	KUNIT_EXPECT_EQ(test, -EADDRINUSE, tw_bind(a, TW_LO1, 47110));
	KUNIT_EXPECT_EQ(test, -EADDRINUSE, tw_bind(a, INADDR_ANY, 47110));
	/* another specific address does not overlap */
	KUNIT_EXPECT_EQ(test, 0, tw_bind(b, TW_LO2, 47110));
	kunit_release_action(test, tw_sock_release, b);
	/* SO_REUSEADDR: allowed, on the address and on the wildcard */
	sock_set_reuseaddr(a->sk);
	KUNIT_EXPECT_EQ(test, 0, tw_bind(a, TW_LO1, 47110));
	sock_set_reuseaddr(c->sk);
	KUNIT_EXPECT_EQ(test, 0, tw_bind(c, INADDR_ANY, 47110));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k));
}

static int tw_write_file(const char *path, const char *text)
{
	struct file *f = filp_open(path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, text, strlen(text), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

static void tw_port_range_restore(void *range)
{
	tw_write_file("/proc/sys/net/ipv4/ip_local_port_range", range);
}

/* Ephemeral ports skip ports with TIME_WAIT entries on any address. */
static void xtcp_tw_port_ephemeral(struct kunit *test)
{
	static char saved[32];
	struct xtcp_key k1 = tw_key(TW_LO1, 40100, TW_R1, 50200);
	struct xtcp_key k2 = tw_key(TW_LO3, 40101, TW_R1, 50201);
	struct socket *s;
	int lo, hi, i;

	inet_get_local_port_range(&init_net, &lo, &hi);
	snprintf(saved, sizeof(saved), "%d %d", lo, hi);
	KUNIT_ASSERT_EQ(test, 0, tw_write_file("/proc/sys/net/ipv4/ip_local_port_range",
					       "40100 40101"));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, tw_port_range_restore,
							   saved));
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k1, &tw_init));
	for (i = 0; i < 8; i++) {
		s = tw_socket(test);
		KUNIT_EXPECT_EQ(test, 0, tw_bind(s, INADDR_ANY, 0));
		KUNIT_EXPECT_EQ(test, 40101, tw_port(s));
		kunit_release_action(test, tw_sock_release, s);
	}
	/* both held (one on another address): none is free */
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k2, &tw_init));
	s = tw_socket(test);
	KUNIT_EXPECT_EQ(test, -EADDRINUSE, tw_bind(s, INADDR_ANY, 0));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k1));
	KUNIT_EXPECT_EQ(test, 0, tw_bind(s, INADDR_ANY, 0));
	KUNIT_EXPECT_EQ(test, 40100, tw_port(s));
	KUNIT_EXPECT_TRUE(test, tw_remove(&k2));
}

/* ---- /proc/net/xtcp ---------------------------------------------------- */

#define TW_PROC_BUF	(2 << 20)

KUNIT_DEFINE_ACTION_WRAPPER(tw_kvfree, kvfree, const void *);

/*
 * read(2) on a /proc/net file from the kernel: its proc_ops have no
 * read_iter, so kernel_read() refuses; seq_read_iter() is what seq_read()
 * runs, on the seq_file the open made.
 */
static ssize_t tw_seq_read(struct file *f, char *buf, size_t len, loff_t *pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	n = seq_read_iter(&kiocb, &iter);
	*pos = kiocb.ki_pos;
	return n;
}

static char *tw_read_proc_file(struct kunit *test, const char *path,
			       size_t chunk, size_t *len)
{
	char *buf = kvzalloc(TW_PROC_BUF, GFP_KERNEL);
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, tw_kvfree, buf));
	f = filp_open(path, O_RDONLY, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	*len = 0;
	do {
		n = tw_seq_read(f, buf + *len, min(chunk, TW_PROC_BUF - 1 - *len),
				&pos);
		if (n > 0)
			*len += n;
	} while (n > 0 && *len < TW_PROC_BUF - 1);
	filp_close(f, NULL);
	KUNIT_EXPECT_GE(test, n, 0);
	return buf;
}

/* All of /proc/net/xtcp, read @chunk bytes at a time. */
static char *tw_read_proc(struct kunit *test, size_t chunk, size_t *len)
{
	return tw_read_proc_file(test, "/proc/net/xtcp", chunk, len);
}

/* One row per entry, in /proc/net/tcp's TIME_WAIT format and width. */
static void xtcp_tw_proc_rows(struct kunit *test)
{
	struct xtcp_key k = tw_key(TW_L1, 40200, TW_R1, 50200);
	char want[64], *buf, *line, *next;
	size_t len;
	int rows = 0, mine = 0;

	tw_set_msl(5000);
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	buf = tw_read_proc(test, 4096, &len);
	/* 192.0.2.1:40200 -> 198.51.100.1:50200, as Linux prints __be32 */
	snprintf(want, sizeof(want), "%08X:%04X %08X:%04X 06 00000000:00000000 03:",
		 htonl(TW_L1), 40200, htonl(TW_R1), 50200);
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		KUNIT_ASSERT_NOT_NULL(test, next);
		*next++ = '\0';
		/* 149 columns, as /proc/net/tcp */
		KUNIT_EXPECT_EQ_MSG(test, strlen(line), 149, "%s", line);
		rows++;
		if (strstr(line, want)) {
			unsigned long when;
			char *p = strstr(line, " 03:") + 4;

			mine++;
			/* 10 s left, in clock ticks */
			KUNIT_EXPECT_EQ(test, 0, kstrtoul(strim(strsep(&p, " ")), 16,
							  &when));
			KUNIT_EXPECT_GT(test, when, 9UL * USER_HZ);
			KUNIT_EXPECT_LE(test, when, 10UL * USER_HZ);
		}
	}
	KUNIT_EXPECT_GE(test, rows, 2);
	KUNIT_EXPECT_EQ(test, mine, 1);
	KUNIT_EXPECT_TRUE(test, tw_remove(&k));
	buf = tw_read_proc(test, 4096, &len);
	KUNIT_EXPECT_NULL(test, strstr(buf, want));
}

/* Is the table between two sizes (entries in a future table)? */
static bool tw_resizing(void)
{
	struct rhashtable *ht = &xtcp_pernet(&init_net)->twhash;
	bool busy;

	rcu_read_lock();
	busy = rcu_access_pointer(rht_dereference_rcu(ht->tbl, ht)->future_tbl);
	rcu_read_unlock();
	return busy;
}

/*
 * The TIME_WAIT rows of /proc/net/xtcp read @chunk bytes at a time: count
 * them and mark their remote ports (10000 + i) in @seen.
 */
static int tw_proc_ports(struct kunit *test, size_t chunk, unsigned long *seen,
			 int n, int *dups)
{
	char *buf, *p;
	size_t len;
	int rows = 0;

	bitmap_zero(seen, n);
	*dups = 0;
	buf = tw_read_proc(test, chunk, &len);
	for (p = buf; (p = strstr(p, " 06 ")); p++) {
		char hex[5] = { };
		unsigned int port;

		/* the remote port: the four digits before " 06 " */
		KUNIT_ASSERT_GE(test, p - buf, 4);
		memcpy(hex, p - 4, 4);
		KUNIT_ASSERT_EQ(test, 0, kstrtouint(hex, 16, &port));
		KUNIT_ASSERT_GE(test, port, 10000u);
		KUNIT_ASSERT_LT(test, port, 10000u + n);
		*dups += test_and_set_bit(port - 10000, seen);
		rows++;
	}
	return rows;
}

/* Many rows, read in small pieces: each exactly once (the resume). */
static void xtcp_tw_proc_many(struct kunit *test)
{
	const int n = 1000;
	unsigned long *seen;
	int i, dups;

	seen = kunit_kzalloc(test, BITS_TO_LONGS(n) * sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < n; i++) {
		struct xtcp_key k = tw_key(TW_L2, 40300, TW_R1, 10000 + i);

		KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &k, &tw_init));
	}
	/*
	 * Straight away, the table may still be growing, with most entries
	 * in its future table: every one shows, some maybe twice.
	 */
	kunit_info(test, "resizing: %d\n", tw_resizing());
	tw_proc_ports(test, 1000, seen, n, &dups);
	KUNIT_EXPECT_EQ(test, (int)bitmap_weight(seen, n), n);
	/* exactly once while the table keeps its size */
	for (i = 0; i < 100 && tw_resizing(); i++)
		msleep(50);
	KUNIT_ASSERT_FALSE(test, tw_resizing());
	KUNIT_EXPECT_EQ(test, n, tw_proc_ports(test, 1000, seen, n, &dups));
	KUNIT_EXPECT_EQ(test, 0, dups);
	KUNIT_EXPECT_EQ(test, (int)bitmap_weight(seen, n), n);
	/* and in one big read */
	KUNIT_EXPECT_EQ(test, n, tw_proc_ports(test, 1 << 20, seen, n, &dups));
	KUNIT_EXPECT_EQ(test, 0, dups);
	xtcp_tw_purge(&init_net);
}

static void xtcp_tw_stats_names(struct kunit *test)
{
	static const char *const names[] = {
		"TimeWaitCreated ", "TimeWaitRecycled ", "TimeWaitKilled ",
		"TimeWaitActive ", "TimeWaitOverflow ", "AckSkippedTimeWait ",
	};
	size_t len;
	char *buf = tw_read_proc_file(test, "/proc/net/xtcp_stats", 4096, &len);
	int i;

	KUNIT_ASSERT_GT(test, len, (size_t)0);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, names[i]), "%s", names[i]);
}

/* max_tw_buckets: at the cap no entry is made, and it is counted. */
static void xtcp_tw_overflow(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_key a = tw_key(TW_L1, 40101, TW_R1, 50101);
	struct xtcp_key b = tw_key(TW_L1, 40102, TW_R1, 50102);
	long over = tw_mib(XTCP_MIB_TW_OVERFLOW);

	WRITE_ONCE(xn->max_tw_buckets, tw_mib(XTCP_MIB_TW_ACTIVE) + 1);
	KUNIT_ASSERT_EQ(test, 0, xtcp_tw_create(&init_net, &a, &tw_init));
	KUNIT_EXPECT_EQ(test, -ENOBUFS, xtcp_tw_create(&init_net, &b, &tw_init));
	KUNIT_EXPECT_FALSE(test, tw_present(&b));
	KUNIT_EXPECT_EQ(test, over + 1, tw_mib(XTCP_MIB_TW_OVERFLOW));
	WRITE_ONCE(xn->max_tw_buckets, 0);
	KUNIT_EXPECT_EQ(test, -ENOBUFS, xtcp_tw_create(&init_net, &b, &tw_init));
	KUNIT_EXPECT_EQ(test, over + 2, tw_mib(XTCP_MIB_TW_OVERFLOW));
}

/*
 * invalid_ratelimit_ms: one ACK per interval per stamp, another stamp
 * (connection) unaffected; 0 turns it off.
 */
static void xtcp_tw_oow_ratelimit(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	long skipped = tw_mib(XTCP_MIB_ACK_SKIPPED_TW);
	struct xtcp_seg empty = { .flags = XTCP_ACK };
	struct xtcp_seg data = { .flags = XTCP_ACK, .len = 10 };
	struct xtcp_seg syn = { .flags = XTCP_SYN, .len = 0 };
	u32 a = 0, b = 0;

	WRITE_ONCE(xn->invalid_ratelimit_ms, 100000);
	KUNIT_EXPECT_FALSE(test, xtcp_oow_seg_ratelimited(&init_net, &empty, &a,
							  XTCP_MIB_ACK_SKIPPED_TW));
	KUNIT_EXPECT_TRUE(test, xtcp_oow_seg_ratelimited(&init_net, &empty, &a,
							 XTCP_MIB_ACK_SKIPPED_TW));
	KUNIT_EXPECT_TRUE(test, xtcp_oow_seg_ratelimited(&init_net, &syn, &a,
							 XTCP_MIB_ACK_SKIPPED_TW));
	/* data is always answered: the peer may have lost our ACK */
	KUNIT_EXPECT_FALSE(test, xtcp_oow_seg_ratelimited(&init_net, &data, &a,
							  XTCP_MIB_ACK_SKIPPED_TW));
	KUNIT_EXPECT_FALSE(test, xtcp_oow_seg_ratelimited(&init_net, &empty, &b,
							  XTCP_MIB_ACK_SKIPPED_TW));
	KUNIT_EXPECT_EQ(test, skipped + 2, tw_mib(XTCP_MIB_ACK_SKIPPED_TW));
	/* an interval later the next one goes */
	WRITE_ONCE(xn->invalid_ratelimit_ms, 20);
	a = (u32)jiffies - msecs_to_jiffies(20);
	KUNIT_EXPECT_FALSE(test, xtcp_oow_seg_ratelimited(&init_net, &empty, &a,
							  XTCP_MIB_ACK_SKIPPED_TW));
	WRITE_ONCE(xn->invalid_ratelimit_ms, 0);
	KUNIT_EXPECT_FALSE(test, xtcp_oow_seg_ratelimited(&init_net, &empty, &a,
							  XTCP_MIB_ACK_SKIPPED_TW));
	KUNIT_EXPECT_FALSE(test, xtcp_oow_seg_ratelimited(&init_net, &empty, &a,
							  XTCP_MIB_ACK_SKIPPED_TW));
	KUNIT_EXPECT_EQ(test, skipped + 2, tw_mib(XTCP_MIB_ACK_SKIPPED_TW));
}

/* Every case leaves init_net as it found it. */
static void xtcp_tw_test_exit(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);

	xtcp_tw_purge(&init_net);
	WRITE_ONCE(xn->msl_ms, 30000);
	WRITE_ONCE(xn->tw_rfc1337, 1);
	WRITE_ONCE(xn->max_tw_buckets, 262144);
	WRITE_ONCE(xn->invalid_ratelimit_ms, 500);
}

static struct kunit_case xtcp_tw_cases[] = {
	KUNIT_CASE(xtcp_tw_decide_fin),
	KUNIT_CASE(xtcp_tw_decide_ack),
	KUNIT_CASE(xtcp_tw_decide_rst),
	KUNIT_CASE(xtcp_tw_decide_syn),
	KUNIT_CASE(xtcp_tw_decide_wrap),
	KUNIT_CASE(xtcp_tw_decide_scaled_window),
	KUNIT_CASE(xtcp_tw_decide_paws),
	KUNIT_CASE(xtcp_tw_decide_ts_recent),
	KUNIT_CASE(xtcp_tw_decide_syn_ts),
	KUNIT_CASE(xtcp_tw_reuse_rule),
	KUNIT_CASE(xtcp_tw_sizes),
	KUNIT_CASE(xtcp_tw6_create_lookup),
	KUNIT_CASE(xtcp_tw_create_lookup),
	KUNIT_CASE(xtcp_tw_replace),
	KUNIT_CASE(xtcp_tw_queue_order),
	KUNIT_CASE(xtcp_tw_purge_all),
	KUNIT_CASE(xtcp_tw_expiry),
	KUNIT_CASE(xtcp_tw_slack),
	KUNIT_CASE(xtcp_tw_mass_expiry),
	KUNIT_CASE(xtcp_tw_rcv_restart),
	KUNIT_CASE(xtcp_tw_rcv_rst),
	KUNIT_CASE(xtcp_tw_rcv_syn),
	KUNIT_CASE(xtcp_tw_rcv_ts),
	KUNIT_CASE(xtcp_tw_rcv_races),
	KUNIT_CASE(xtcp_tw_port_rules),
	KUNIT_CASE(xtcp_tw_port_addrs),
	KUNIT_CASE_SLOW(xtcp_tw_port_many),
	KUNIT_CASE(xtcp_tw_port_bind),
	KUNIT_CASE(xtcp_tw_port_ephemeral),
	KUNIT_CASE(xtcp_tw_proc_rows),
	KUNIT_CASE(xtcp_tw_proc_many),
	KUNIT_CASE(xtcp_tw_stats_names),
	KUNIT_CASE(xtcp_tw_overflow),
	KUNIT_CASE(xtcp_tw_oow_ratelimit),
	{}
};

static struct kunit_suite xtcp_timewait_suite = {
	.name = "xtcp_timewait",
	.exit = xtcp_tw_test_exit,
	.test_cases = xtcp_tw_cases,
};

kunit_test_suites(&xtcp_timewait_suite);
