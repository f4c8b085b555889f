// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the XTCP state machine (state.c) against RFC 9293 §3.10,
 * in the style of smoltcp's socket tests: a fixture puts a TCB into a state
 * with known sequence numbers, a segment is fed to it, and the test states
 * the exact reply, the XTCP_EV_* bits, the state reached and the TCB fields.
 *
 * Most cases are parameterised over xtcp_nums[]: the same exchange with
 * plain numbers and with numbers that straddle 2^32 (and 2^31).
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <net/tcp_states.h>

#include "seq.h"
#include "state.h"

/* Our side */
#define XTCP_T_MSS		1460
#define XTCP_T_RCV_WND		(256 * 1024)
#define XTCP_T_RCV_WSCALE	7
/* The peer */
#define XTCP_T_PEER_MSS		1400
#define XTCP_T_PEER_WSCALE	2
/* dropped, answered with a rate-limited ACK (out of window, challenge) */
#define XTCP_T_OOW_DROP		(XTCP_EV_OOW | XTCP_EV_DROP)
#define XTCP_T_CHAL_DROP		(XTCP_EV_CHALLENGE | XTCP_EV_DROP)
#define XTCP_T_PEER_WND		1000	/* the window field it sends */
/* Bytes the ESTABLISHED fixture has sent and not had acknowledged */
#define XTCP_T_SENT		100

/* A whole-TCB check: the segment must leave every field as it was. */
#define XTCP_UNCHANGED		XTCP_NR_STATES

#define XTCP_NO_REPLY		((struct xtcp_reply){ .flags = 0 })
#define XTCP_REPLY(f, s, a)	((struct xtcp_reply){ .flags = (f), .seq = (s), .ack = (a) })

struct xtcp_nums {
	const char	*name;
	u32		iss;	/* ours */
	u32		irs;	/* the peer's */
};

static const struct xtcp_nums xtcp_nums[] = {
	{ "plain", 10000, 500000 },
	/* SND.NXT after the data and RCV.NXT + RCV.WND pass 2^32 */
	{ "wrap", 0xffffffc0, 0xfffffff0 },
	/* SND.NXT is 0 right after the SYN; RCV.NXT is 2^31 */
	{ "edge", 0xffffffff, 0x7fffffff },
};

KUNIT_ARRAY_PARAM_DESC(xtcp_nums, xtcp_nums, name);

/* ---- helpers ----------------------------------------------------------- */

static struct xtcp_seg xtcp_mkseg(u8 flags, u32 seq, u32 ack, u32 len)
{
	struct xtcp_seg s = {
		.seq = seq,
		.ack = ack,
		.len = len,
		.wnd = XTCP_T_PEER_WND,
		.flags = flags,
	};

	return s;
}

/* A SYN or SYN|ACK with the peer's MSS and, if @ws, its window scale. */
static struct xtcp_seg xtcp_mksyn(u8 flags, u32 seq, u32 ack, bool ws)
{
	struct xtcp_seg s = xtcp_mkseg(flags, seq, ack, 0);

	s.opts.mss = XTCP_T_PEER_MSS;
	s.opts.wscale_ok = ws;
	s.opts.wscale = ws ? XTCP_T_PEER_WSCALE : 0;
	return s;
}

static void xtcp_expect_reply_at(struct kunit *test, int line,
				 const struct xtcp_reply *r,
				 struct xtcp_reply want)
{
	KUNIT_EXPECT_EQ_MSG(test, r->flags, want.flags,
			    "line %d: reply flags %#x, want %#x", line, r->flags, want.flags);
	if (!want.flags || r->flags != want.flags)
		return;
	KUNIT_EXPECT_EQ_MSG(test, r->seq, want.seq,
			    "line %d: reply seq %#x, want %#x", line, r->seq, want.seq);
	if (want.flags & XTCP_ACK)
		KUNIT_EXPECT_EQ_MSG(test, r->ack, want.ack,
				    "line %d: reply ack %#x, want %#x", line, r->ack, want.ack);
}

#define xtcp_expect_reply(test, r, want) \
	xtcp_expect_reply_at(test, __LINE__, r, want)

/*
 * Feed @seg to @tcb: the return must be exactly @ev, the reply @want, and
 * the state @state; XTCP_UNCHANGED means the whole TCB must be as it was.
 * Return: the reply, for the tests that pass it on to another TCB.
 */
static struct xtcp_reply xtcp_expect_input_at(struct kunit *test, int line,
					      struct xtcp_tcb *tcb,
					      struct xtcp_seg seg, unsigned int ev,
					      enum xtcp_state state,
					      struct xtcp_reply want)
{
	struct xtcp_tcb before = *tcb;
	struct xtcp_reply r;
	unsigned int got;

	memset(&r, 0xa5, sizeof(r));
	got = xtcp_tcb_input(tcb, &seg, &r);
	KUNIT_EXPECT_EQ_MSG(test, got, ev, "line %d: events %#x, want %#x", line, got, ev);
	if (state == XTCP_UNCHANGED) {
		KUNIT_EXPECT_MEMEQ_MSG(test, tcb, &before, sizeof(before),
				       "line %d: the TCB changed", line);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, tcb->state, state, "line %d: state %s, want %s",
				    line, xtcp_state_name(tcb->state),
				    xtcp_state_name(state));
	}
	xtcp_expect_reply_at(test, line, &r, want);
	return r;
}

#define xtcp_expect_input(test, tcb, seg, ev, state, want) \
	xtcp_expect_input_at(test, __LINE__, tcb, seg, ev, state, want)

/* SND.UNA, SND.NXT and RCV.NXT */
static void xtcp_expect_seqs_at(struct kunit *test, int line,
				const struct xtcp_tcb *tcb, u32 una, u32 nxt,
				u32 rcv_nxt)
{
	KUNIT_EXPECT_EQ_MSG(test, tcb->snd_una, una, "line %d: SND.UNA", line);
	KUNIT_EXPECT_EQ_MSG(test, tcb->snd_nxt, nxt, "line %d: SND.NXT", line);
	KUNIT_EXPECT_EQ_MSG(test, tcb->rcv_nxt, rcv_nxt, "line %d: RCV.NXT", line);
}

#define xtcp_expect_seqs(test, tcb, una, nxt, rcv_nxt) \
	xtcp_expect_seqs_at(test, __LINE__, tcb, una, nxt, rcv_nxt)

/* SND.WND, SND.WL1, SND.WL2 */
static void xtcp_expect_wnd_at(struct kunit *test, int line,
			       const struct xtcp_tcb *tcb, u32 wnd, u32 wl1, u32 wl2)
{
	KUNIT_EXPECT_EQ_MSG(test, tcb->snd_wnd, wnd, "line %d: SND.WND", line);
	KUNIT_EXPECT_EQ_MSG(test, tcb->snd_wl1, wl1, "line %d: SND.WL1", line);
	KUNIT_EXPECT_EQ_MSG(test, tcb->snd_wl2, wl2, "line %d: SND.WL2", line);
}

#define xtcp_expect_wnd(test, tcb, wnd, wl1, wl2) \
	xtcp_expect_wnd_at(test, __LINE__, tcb, wnd, wl1, wl2)

/* ---- fixtures ---------------------------------------------------------- */

static void xtcp_fix_closed(struct xtcp_tcb *tcb)
{
	xtcp_tcb_init(tcb, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
}

static void xtcp_fix_listen(struct xtcp_tcb *tcb)
{
	xtcp_fix_closed(tcb);
	xtcp_tcb_listen(tcb);
}

/* connect(): our SYN <SEQ=ISS> is out */
static void xtcp_fix_syn_sent(struct kunit *test, struct xtcp_tcb *tcb,
			      const struct xtcp_nums *n)
{
	struct xtcp_reply r;

	xtcp_fix_closed(tcb);
	xtcp_tcb_connect(tcb, n->iss, &r);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_SYN_SENT);
}

/* LISTEN got <SEQ=IRS><CTL=SYN>: the child, which sent its SYN|ACK */
static void xtcp_fix_syn_received(struct kunit *test, struct xtcp_tcb *tcb,
				  const struct xtcp_nums *n)
{
	struct xtcp_seg syn = xtcp_mksyn(XTCP_SYN, n->irs, 0, true);
	struct xtcp_reply r;

	xtcp_fix_closed(tcb);
	xtcp_tcb_accept_syn(tcb, &syn, n->iss, &r);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_SYN_RECEIVED);
	KUNIT_ASSERT_TRUE(test, tcb->passive);
}

/* Simultaneous open: SYN_SENT got <SEQ=IRS><CTL=SYN> */
static void xtcp_fix_syn_received_active(struct kunit *test, struct xtcp_tcb *tcb,
					 const struct xtcp_nums *n)
{
	struct xtcp_seg syn = xtcp_mksyn(XTCP_SYN, n->irs, 0, true);
	struct xtcp_reply r;

	xtcp_fix_syn_sent(test, tcb, n);
	xtcp_tcb_input(tcb, &syn, &r);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_SYN_RECEIVED);
	KUNIT_ASSERT_FALSE(test, tcb->passive);
}

/*
 * SYN_SENT got <SEQ=IRS><ACK=ISS+1><CTL=SYN,ACK>, then we sent XTCP_T_SENT
 * bytes (what the send path will do to SND.NXT): SND.UNA = ISS+1,
 * SND.NXT = ISS+1+XTCP_T_SENT, RCV.NXT = IRS+1.
 */
static void xtcp_fix_established(struct kunit *test, struct xtcp_tcb *tcb,
				 const struct xtcp_nums *n)
{
	struct xtcp_seg synack = xtcp_mksyn(XTCP_SYN | XTCP_ACK, n->irs, n->iss + 1, true);
	struct xtcp_reply r;

	xtcp_fix_syn_sent(test, tcb, n);
	xtcp_tcb_input(tcb, &synack, &r);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_ESTABLISHED);
	KUNIT_ASSERT_EQ(test, tcb->write_seq, n->iss + 1);
	/* the send path queued and sent XTCP_T_SENT bytes */
	tcb->write_seq += XTCP_T_SENT;
	tcb->snd_nxt += XTCP_T_SENT;
}

/* ---- names, helpers, the acceptability test ---------------------------- */

static void xtcp_state_names(struct kunit *test)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
		"TIME_WAIT",
	};
	enum xtcp_state s;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(names), XTCP_NR_STATES);
	KUNIT_EXPECT_EQ(test, 11, XTCP_NR_STATES);
	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++)
		KUNIT_EXPECT_STREQ(test, xtcp_state_name(s), names[s]);
	KUNIT_EXPECT_STREQ(test, xtcp_state_name(XTCP_NR_STATES), "?");
	KUNIT_EXPECT_STREQ(test, xtcp_state_name((enum xtcp_state)99), "?");
}

static void xtcp_state_tcp_states(struct kunit *test)
{
	static const int want[] = {
		[XTCP_CLOSED]		= TCP_CLOSE,
		[XTCP_LISTEN]		= TCP_LISTEN,
		[XTCP_SYN_SENT]		= TCP_SYN_SENT,
		[XTCP_SYN_RECEIVED]	= TCP_SYN_RECV,
		[XTCP_ESTABLISHED]	= TCP_ESTABLISHED,
		[XTCP_FIN_WAIT_1]	= TCP_FIN_WAIT1,
		[XTCP_FIN_WAIT_2]	= TCP_FIN_WAIT2,
		[XTCP_CLOSE_WAIT]	= TCP_CLOSE_WAIT,
		[XTCP_CLOSING]		= TCP_CLOSING,
		[XTCP_LAST_ACK]		= TCP_LAST_ACK,
		[XTCP_TIME_WAIT]	= TCP_CLOSE,
	};
	enum xtcp_state s;

	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_state_to_tcp(s), want[s], "%s",
				    xtcp_state_name(s));
		/* a full socket in TCP_TIME_WAIT would be taken for a minisock */
		KUNIT_EXPECT_NE_MSG(test, xtcp_state_to_tcp(s), TCP_TIME_WAIT, "%s",
				    xtcp_state_name(s));
	}
	KUNIT_EXPECT_EQ(test, xtcp_state_to_tcp(XTCP_NR_STATES), TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, xtcp_state_to_tcp((enum xtcp_state)99), TCP_CLOSE);
}

/* SEG.LEN counts SYN and FIN (§3.4). */
static void xtcp_state_seg_len(struct kunit *test)
{
	struct xtcp_seg s = xtcp_mkseg(0, 1, 0, 0);

	KUNIT_EXPECT_EQ(test, 0, xtcp_seg_len(&s));
	s.flags = XTCP_ACK | XTCP_PSH | XTCP_RST | XTCP_URG;
	KUNIT_EXPECT_EQ(test, 0, xtcp_seg_len(&s));
	s.flags = XTCP_SYN;
	KUNIT_EXPECT_EQ(test, 1, xtcp_seg_len(&s));
	s.flags = XTCP_FIN | XTCP_ACK;
	KUNIT_EXPECT_EQ(test, 1, xtcp_seg_len(&s));
	s.flags = XTCP_SYN | XTCP_FIN;
	KUNIT_EXPECT_EQ(test, 2, xtcp_seg_len(&s));
	s.len = 1000;
	KUNIT_EXPECT_EQ(test, 1002, xtcp_seg_len(&s));
	s.flags = XTCP_ACK;
	KUNIT_EXPECT_EQ(test, 1000, xtcp_seg_len(&s));
}

/* §3.10.7.4: the four cases of the acceptability test. */
static void xtcp_state_acceptable(struct kunit *test)
{
	static const struct {
		u32	seq, len, rcv_nxt, rcv_wnd;
		bool	ok;
	} c[] = {
		/* length 0, window 0: SEG.SEQ = RCV.NXT */
		{ 1000, 0, 1000, 0, true },
		{ 1001, 0, 1000, 0, false },
		{ 999, 0, 1000, 0, false },
		{ 0xffffffff, 0, 0xffffffff, 0, true },
		{ 0, 0, 0xffffffff, 0, false },
		/* length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND */
		{ 1000, 0, 1000, 100, true },
		{ 1099, 0, 1000, 100, true },
		{ 1100, 0, 1000, 100, false },
		{ 999, 0, 1000, 100, false },
		{ 0xfffffff0, 0, 0xfffffff0, 0x20, true },
		{ 0xffffffff, 0, 0xfffffff0, 0x20, true },
		{ 0, 0, 0xfffffff0, 0x20, true },
		{ 0xf, 0, 0xfffffff0, 0x20, true },
		{ 0x10, 0, 0xfffffff0, 0x20, false },
		{ 0xffffffef, 0, 0xfffffff0, 0x20, false },
		/* length > 0, window 0: never */
		{ 1000, 1, 1000, 0, false },
		{ 1000, 100, 1000, 0, false },
		{ 0xffffffff, 1, 0xffffffff, 0, false },
		/* length > 0, window > 0: the first or the last octet in the window */
		{ 1000, 10, 1000, 100, true },
		{ 995, 10, 1000, 100, true },	/* last octet 1004 */
		{ 991, 10, 1000, 100, true },	/* last octet 1000 */
		{ 990, 10, 1000, 100, false },	/* last octet 999 */
		{ 1099, 10, 1000, 100, true },
		{ 1100, 10, 1000, 100, false },
		{ 1000, 1, 1000, 1, true },
		{ 1001, 1, 1000, 1, false },
		/* neither end in the window: not acceptable, as the RFC has it */
		{ 990, 200, 1000, 100, false },
		{ 0xfffffff0, 0x20, 0xfffffff0, 0x20, true },
		{ 0xffffffe8, 10, 0xfffffff0, 0x20, true },	/* last 0xfffffff1 */
		{ 0xffffffe6, 10, 0xfffffff0, 0x20, false },	/* last 0xffffffef */
		{ 0xf, 100, 0xfffffff0, 0x20, true },
		{ 0x10, 1, 0xfffffff0, 0x20, false },
		{ 0xfffffffc, 8, 0, 0x10, true },		/* last octet 3 */
		{ 0xfffffff8, 8, 0, 0x10, false },		/* last octet 0xffffffff */
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_acceptable(c[i].seq, c[i].len, c[i].rcv_nxt,
							      c[i].rcv_wnd), c[i].ok,
				    "SEG.SEQ %#x SEG.LEN %u RCV.NXT %#x RCV.WND %u", c[i].seq,
				    c[i].len, c[i].rcv_nxt, c[i].rcv_wnd);
}

/* §3.10.7.1: the RST for a segment that has no connection. */
static void xtcp_state_reset_reply(struct kunit *test)
{
	static const struct {
		u8	flags;
		u32	seq, ack, len;
		u8	rflags;
		u32	rseq, rack;
	} c[] = {
		/* with ACK: <SEQ=SEG.ACK><CTL=RST> */
		{ XTCP_ACK, 5, 1000, 0, XTCP_RST, 1000, 0 },
		{ XTCP_ACK | XTCP_PSH, 5, 0xffffffff, 100, XTCP_RST, 0xffffffff, 0 },
		{ XTCP_SYN | XTCP_ACK, 5, 77, 0, XTCP_RST, 77, 0 },
		{ XTCP_FIN | XTCP_ACK, 5, 0, 0, XTCP_RST, 0, 0 },
		/* without: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		{ 0, 100, 0, 0, XTCP_RST | XTCP_ACK, 0, 100 },
		{ 0, 100, 0, 10, XTCP_RST | XTCP_ACK, 0, 110 },
		{ XTCP_SYN, 100, 0, 0, XTCP_RST | XTCP_ACK, 0, 101 },
		{ XTCP_FIN, 100, 0, 10, XTCP_RST | XTCP_ACK, 0, 111 },
		{ XTCP_SYN | XTCP_FIN, 100, 0, 10, XTCP_RST | XTCP_ACK, 0, 112 },
		{ XTCP_SYN, 0xffffffff, 0, 0, XTCP_RST | XTCP_ACK, 0, 0 },
		{ XTCP_PSH, 0xfffffff0, 0, 0x20, XTCP_RST | XTCP_ACK, 0, 0x10 },
		/* a RST is never answered */
		{ XTCP_RST, 100, 0, 0, 0, 0, 0 },
		{ XTCP_RST | XTCP_ACK, 100, 200, 0, 0, 0, 0 },
		{ XTCP_RST | XTCP_SYN, 100, 0, 0, 0, 0, 0 },
		{ XTCP_RST | XTCP_FIN | XTCP_ACK, 100, 200, 10, 0, 0, 0 },
	};
	struct xtcp_reply r;
	struct xtcp_seg s;
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		s = xtcp_mkseg(c[i].flags, c[i].seq, c[i].ack, c[i].len);
		memset(&r, 0xa5, sizeof(r));
		xtcp_reset_reply(&s, &r);
		KUNIT_EXPECT_EQ_MSG(test, r.flags, c[i].rflags, "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, r.seq, c[i].rseq, "case %d", i);
		if (c[i].rflags & XTCP_ACK)
			KUNIT_EXPECT_EQ_MSG(test, r.ack, c[i].rack, "case %d", i);
	}
}

static void xtcp_state_tcb_init(struct kunit *test)
{
	struct xtcp_tcb tcb;

	memset(&tcb, 0xa5, sizeof(tcb));
	xtcp_tcb_init(&tcb, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
	KUNIT_EXPECT_FALSE(test, tcb.passive);
	KUNIT_EXPECT_EQ(test, tcb.mss, XTCP_T_MSS);
	/* until the peer says otherwise, the default MSS (§3.7.1) */
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_DEFAULT_MSS);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wnd, XTCP_T_RCV_WND);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wscale, XTCP_T_RCV_WSCALE);
	KUNIT_EXPECT_FALSE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, 0);
	KUNIT_EXPECT_EQ(test, tcb.snd_una, 0);
	KUNIT_EXPECT_EQ(test, tcb.rcv_nxt, 0);

	xtcp_tcb_init(&tcb, 200, 1000, 15);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, 200);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wscale, XTCP_MAX_WSCALE);
}

/* The window field we send: SYNs unscaled (RFC 7323 §2.2), all clamped. */
static void xtcp_state_window(struct kunit *test)
{
	struct xtcp_tcb tcb;

	xtcp_tcb_init(&tcb, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_SYN));
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_SYN | XTCP_ACK));
	KUNIT_EXPECT_EQ(test, XTCP_T_RCV_WND >> XTCP_T_RCV_WSCALE,
			xtcp_tcb_window(&tcb, XTCP_ACK));
	KUNIT_EXPECT_EQ(test, XTCP_T_RCV_WND >> XTCP_T_RCV_WSCALE,
			xtcp_tcb_window(&tcb, XTCP_ACK | XTCP_FIN | XTCP_PSH));
	KUNIT_EXPECT_EQ(test, XTCP_T_RCV_WND >> XTCP_T_RCV_WSCALE,
			xtcp_tcb_window(&tcb, XTCP_RST));

	tcb.rcv_wnd = 1000;
	KUNIT_EXPECT_EQ(test, 1000, xtcp_tcb_window(&tcb, XTCP_SYN));
	KUNIT_EXPECT_EQ(test, 1000 >> XTCP_T_RCV_WSCALE, xtcp_tcb_window(&tcb, XTCP_ACK));

	/* without scaling, a large window is clamped */
	tcb.rcv_wscale = 0;
	tcb.rcv_wnd = XTCP_T_RCV_WND;
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wnd = 65535;
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wnd = 65536;
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wnd = 0;
	KUNIT_EXPECT_EQ(test, 0, xtcp_tcb_window(&tcb, XTCP_ACK));

	/* and so is a scaled one that does not fit 16 bits */
	tcb.rcv_wscale = 2;
	tcb.rcv_wnd = 65535 * 4 + 3;
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wnd = 65536 * 4;
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wscale = XTCP_MAX_WSCALE;
	tcb.rcv_wnd = 1U << 30;
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_SYN));
	/* 2^30 >> 14 is 65536, one too many */
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wnd = (1U << 30) - (1U << 14);
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
	tcb.rcv_wnd = 3U << 14;
	KUNIT_EXPECT_EQ(test, 3, xtcp_tcb_window(&tcb, XTCP_ACK));
}

/* ---- OPEN, active and passive ------------------------------------------ */

static void xtcp_state_connect(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	/* OPEN from CLOSED: <SEQ=ISS><CTL=SYN>, SND.NXT = ISS+1 */
	xtcp_fix_closed(&tcb);
	memset(&r, 0xa5, sizeof(r));
	xtcp_tcb_connect(&tcb, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_SYN_SENT);
	KUNIT_EXPECT_FALSE(test, tcb.passive);
	KUNIT_EXPECT_EQ(test, tcb.iss, n->iss);
	xtcp_expect_seqs(test, &tcb, n->iss, n->iss + 1, 0);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN, n->iss, 0));
	/* a SYN carries no ACK */
	KUNIT_EXPECT_EQ(test, r.flags & XTCP_ACK, 0);

	/* SEND in LISTEN (§3.10.2) does the same */
	xtcp_fix_listen(&tcb);
	xtcp_tcb_connect(&tcb, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_SYN_SENT);
	KUNIT_EXPECT_FALSE(test, tcb.passive);
	xtcp_expect_seqs(test, &tcb, n->iss, n->iss + 1, 0);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN, n->iss, 0));
}

/* LISTEN + SYN, the child's side (§3.10.7.2 third). */
static void xtcp_state_accept_syn(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_seg syn = xtcp_mksyn(XTCP_SYN, n->irs, 0, true);
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	syn.wnd = 5000;
	xtcp_fix_closed(&tcb);
	memset(&r, 0xa5, sizeof(r));
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, n->iss, n->irs + 1));
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_SYN_RECEIVED);
	KUNIT_EXPECT_TRUE(test, tcb.passive);
	KUNIT_EXPECT_EQ(test, tcb.iss, n->iss);
	KUNIT_EXPECT_EQ(test, tcb.irs, n->irs);
	xtcp_expect_seqs(test, &tcb, n->iss, n->iss + 1, n->irs + 1);
	/* the SYN's window is never scaled */
	KUNIT_EXPECT_EQ(test, tcb.snd_wnd, 5000);
	KUNIT_EXPECT_EQ(test, tcb.snd_wl1, n->irs);
	/* MSS: the smaller of the two */
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_T_PEER_MSS);
	/* both offered window scaling */
	KUNIT_EXPECT_TRUE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, XTCP_T_PEER_WSCALE);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wscale, XTCP_T_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, XTCP_T_RCV_WND >> XTCP_T_RCV_WSCALE,
			xtcp_tcb_window(&tcb, XTCP_ACK));
}

static void xtcp_state_accept_syn_options(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_seg syn;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	/* no window scale offered: neither side scales (RFC 7323 §1.3) */
	syn = xtcp_mksyn(XTCP_SYN, n->irs, 0, false);
	syn.wnd = 65535;
	xtcp_fix_closed(&tcb);
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, n->iss, n->irs + 1));
	KUNIT_EXPECT_FALSE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, 0);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wscale, 0);
	KUNIT_EXPECT_EQ(test, tcb.snd_wnd, 65535);
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));

	/* no MSS option: the default 536 (§3.7.1) */
	syn = xtcp_mksyn(XTCP_SYN, n->irs, 0, true);
	syn.opts.mss = 0;
	xtcp_fix_closed(&tcb);
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_DEFAULT_MSS);

	/* a larger MSS than ours: ours */
	syn.opts.mss = 9000;
	xtcp_fix_closed(&tcb);
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_T_MSS);

	/* an MSS below min_snd_mss is raised to it (CVE-2019-11479) */
	syn.opts.mss = 1;
	xtcp_fix_closed(&tcb);
	tcb.min_snd_mss = XTCP_MIN_SND_MSS;
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_MIN_SND_MSS);
	/* ...but never above ours */
	xtcp_fix_closed(&tcb);
	tcb.min_snd_mss = U16_MAX;
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_T_MSS);
	syn.opts.mss = 9000;

	/* a shift above 14 is used as 14 (RFC 7323 §2.3) */
	syn.opts.wscale = 15;
	xtcp_fix_closed(&tcb);
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, XTCP_MAX_WSCALE);

	/* our own scale of 0 is still "window scaling on", with shift 0 */
	syn.opts.wscale = 0;
	xtcp_tcb_init(&tcb, XTCP_T_MSS, XTCP_T_RCV_WND, 0);
	xtcp_tcb_accept_syn(&tcb, &syn, n->iss, &r);
	KUNIT_EXPECT_TRUE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, 0);
}

/* ---- CLOSED ------------------------------------------------------------ */

/* §3.10.7.1: everything but a RST draws a RST, per xtcp_reset_reply(). */
static void xtcp_state_closed(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	xtcp_fix_closed(&tcb);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs, iss, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, iss, 0));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_PSH, irs, iss + 7, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, iss + 7, 0));
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, iss + 1, true),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, iss + 1, 0));
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs, 0, true),
			  XTCP_EV_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_RST | XTCP_ACK, 0, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_SYN | XTCP_FIN, irs, 0, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_RST | XTCP_ACK, 0, irs + 12));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_FIN, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_RST | XTCP_ACK, 0, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(0, irs, 0, 20),
			  XTCP_EV_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_RST | XTCP_ACK, 0, irs + 20));
	/* a RST is never answered */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs, iss, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

/* TIME_WAIT lives in its own table: a TCB there takes nothing. */
static void xtcp_state_time_wait(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb;

	xtcp_fix_established(test, &tcb, n);
	tcb.state = XTCP_TIME_WAIT;
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, n->irs + 1, n->iss + 1, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, n->irs + 1, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

/* ---- LISTEN (§3.10.7.2) ------------------------------------------------ */

static void xtcp_state_listen_rst(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* first: a RST is ignored, whatever else it carries */
	xtcp_fix_listen(&tcb);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs, iss, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_SYN, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

static void xtcp_state_listen_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST> */
	xtcp_fix_listen(&tcb);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs, iss, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, iss, 0));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_PSH, irs, iss + 9, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, iss + 9, 0));
	/* a SYN with an ACK too: the ACK is looked at first */
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, iss + 1, true),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, iss + 1, 0));
}

static void xtcp_state_listen_syn(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb;

	/* third: a SYN makes a child; the listener itself does not change */
	xtcp_fix_listen(&tcb);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, n->irs, 0, true),
			  XTCP_EV_NEW_CHILD | XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, n->irs + 1, 0, false),
			  XTCP_EV_NEW_CHILD | XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	/* with data and FIN too */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_SYN | XTCP_FIN, n->irs, 0, 10),
			  XTCP_EV_NEW_CHILD | XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

static void xtcp_state_listen_other(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb;

	/* fourth: anything else is dropped without a word */
	xtcp_fix_listen(&tcb);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(0, n->irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_PSH, n->irs, 0, 100),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_FIN, n->irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

/* ---- SYN_SENT (§3.10.7.3) ---------------------------------------------- */

static void xtcp_state_syn_sent_synack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* our SYN acknowledged: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	xtcp_fix_syn_sent(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, iss + 1, true),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			  XTCP_ESTABLISHED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	KUNIT_EXPECT_EQ(test, tcb.irs, irs);
	KUNIT_EXPECT_EQ(test, tcb.iss, iss);
	xtcp_expect_seqs(test, &tcb, iss + 1, iss + 1, irs + 1);
	/* the window of a SYN|ACK is not scaled */
	xtcp_expect_wnd(test, &tcb, XTCP_T_PEER_WND, irs, iss + 1);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_T_PEER_MSS);
	KUNIT_EXPECT_TRUE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, XTCP_T_PEER_WSCALE);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wscale, XTCP_T_RCV_WSCALE);
	KUNIT_EXPECT_FALSE(test, tcb.passive);
}

static void xtcp_state_syn_sent_synack_no_wscale(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_seg synack = xtcp_mksyn(XTCP_SYN | XTCP_ACK, n->irs, n->iss + 1, false);
	struct xtcp_tcb tcb;

	/* the peer did not take up our window scale: neither side scales */
	synack.opts.mss = 0;
	synack.wnd = 65535;
	xtcp_fix_syn_sent(test, &tcb, n);
	xtcp_expect_input(test, &tcb, synack,
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			  XTCP_ESTABLISHED, XTCP_REPLY(XTCP_ACK, n->iss + 1, n->irs + 1));
	KUNIT_EXPECT_FALSE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, 0);
	KUNIT_EXPECT_EQ(test, tcb.rcv_wscale, 0);
	KUNIT_EXPECT_EQ(test, tcb.snd_wnd, 65535);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_DEFAULT_MSS);
	KUNIT_EXPECT_EQ(test, 65535, xtcp_tcb_window(&tcb, XTCP_ACK));
}

static void xtcp_state_syn_sent_bad_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	const u32 bad[] = { iss, iss - 1, iss + 2, iss + 1000, iss + 0x7fffffff, iss - 0x7fffffff };
	struct xtcp_tcb tcb;
	int i;

	/* SEG.ACK =< ISS or SEG.ACK > SND.NXT: <SEQ=SEG.ACK><CTL=RST> */
	xtcp_fix_syn_sent(test, &tcb, n);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, bad[i], true),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, bad[i], 0));
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs, bad[i], 0),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, bad[i], 0));
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs, bad[i], 5),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, bad[i], 0));
	}
}

static void xtcp_state_syn_sent_rst(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* RST with an acceptable ACK: refused */
	xtcp_fix_syn_sent(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, 0, iss + 1, 0),
			  XTCP_EV_REFUSED | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);

	/* a RST|SYN|ACK too: RST is looked at before SYN */
	xtcp_fix_syn_sent(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_SYN | XTCP_ACK, irs, iss + 1, 0),
			  XTCP_EV_REFUSED | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
}

static void xtcp_state_syn_sent_rst_bad_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* an unacceptable ACK on a RST: dropped, and no RST for a RST */
	xtcp_fix_syn_sent(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs, iss, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs, iss + 2, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs, iss - 1, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);

	/* a RST without ACK: dropped (it cannot be tied to our SYN) */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, 0, iss + 1, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_SYN, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_SYN_SENT);
}

/* A SYN without ACK: simultaneous open. */
static void xtcp_state_syn_sent_syn(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	xtcp_fix_syn_sent(test, &tcb, n);
	/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>: the SAME ISS as our SYN */
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs, 0, true),
			  XTCP_EV_SYN_RECEIVED | XTCP_EV_DROP, XTCP_SYN_RECEIVED,
			  XTCP_REPLY(XTCP_SYN | XTCP_ACK, iss, irs + 1));
	KUNIT_EXPECT_FALSE(test, tcb.passive);
	KUNIT_EXPECT_EQ(test, tcb.iss, iss);
	KUNIT_EXPECT_EQ(test, tcb.irs, irs);
	/* our SYN is not acknowledged yet */
	xtcp_expect_seqs(test, &tcb, iss, iss + 1, irs + 1);
	KUNIT_EXPECT_EQ(test, tcb.snd_wnd, XTCP_T_PEER_WND);
	KUNIT_EXPECT_EQ(test, tcb.snd_wl1, irs);
	KUNIT_EXPECT_EQ(test, tcb.snd_mss, XTCP_T_PEER_MSS);
	KUNIT_EXPECT_TRUE(test, tcb.wscale_ok);
	KUNIT_EXPECT_EQ(test, tcb.snd_wscale, XTCP_T_PEER_WSCALE);

	/* the retransmission timer now resends the SYN|ACK, not the SYN */
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_retransmit(&tcb, &r));
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, iss, irs + 1));
}

static void xtcp_state_syn_sent_other(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* neither SYN nor RST: dropped, even with a good ACK */
	xtcp_fix_syn_sent(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs, iss + 1, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_PSH, irs + 1, iss + 1, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_FIN | XTCP_ACK, irs, iss + 1, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(0, irs, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_FIN, irs, 0, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

/* ---- SYN_RECEIVED (§3.10.7.4) ------------------------------------------ */

static void xtcp_state_syn_received_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED, and nothing to send */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 0),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED, XTCP_ESTABLISHED,
			  XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, iss + 1, iss + 1, irs + 1);
	/* from now on the peer's window field is scaled */
	xtcp_expect_wnd(test, &tcb, XTCP_T_PEER_WND << XTCP_T_PEER_WSCALE, irs + 1, iss + 1);
	KUNIT_EXPECT_TRUE(test, tcb.passive);

	/* with data: the receive path gets it */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_PSH, irs + 1, iss + 1, 10),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_TEXT,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, iss + 1, iss + 1, irs + 1);

	/* and a FIN */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, iss + 1, 0),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_TEXT,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
}

static void xtcp_state_syn_received_ack_active(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 0),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED, XTCP_ESTABLISHED,
			  XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, iss + 1, iss + 1, irs + 1);
	xtcp_expect_wnd(test, &tcb, XTCP_T_PEER_WND << XTCP_T_PEER_WSCALE, irs + 1, iss + 1);
	KUNIT_EXPECT_FALSE(test, tcb.passive);
}

static void xtcp_state_syn_received_bad_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	const u32 bad[] = { iss, iss - 1, iss + 2, iss + 0x10000 };
	struct xtcp_tcb tcb;
	int i;

	/* not SND.UNA < SEG.ACK =< SND.NXT: <SEQ=SEG.ACK><CTL=RST> */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xtcp_fix_syn_received(test, &tcb, n);
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, bad[i], 0),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, bad[i], 0));
		xtcp_fix_syn_received_active(test, &tcb, n);
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_PSH, irs + 1, bad[i], 10),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_RST, bad[i], 0));
	}
}

static void xtcp_state_syn_received_rst(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* passive: back to LISTEN, which for the child means gone */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs + 1, 0, 0),
			  XTCP_EV_CHILD_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs + 1, iss + 1, 0),
			  XTCP_EV_CHILD_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);

	/* active: the connection was refused */
	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs + 1, 0, 0),
			  XTCP_EV_REFUSED | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs + 1, iss + 1, 0),
			  XTCP_EV_REFUSED | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
}

static void xtcp_state_syn_received_rst_inexact(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	const u32 in_wnd[] = { irs + 2, irs + 1000, irs + XTCP_T_RCV_WND };
	const u32 out_wnd[] = { irs, irs - 1000, irs + 1 + XTCP_T_RCV_WND, irs + 0x40000000 };
	struct xtcp_tcb tcb;
	int i;

	/* in the window but not RCV.NXT: a challenge ACK (RFC 5961 §3.2) */
	for (i = 0; i < ARRAY_SIZE(in_wnd); i++) {
		xtcp_fix_syn_received(test, &tcb, n);
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, in_wnd[i], 0, 0),
				  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
				  XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
		xtcp_fix_syn_received_active(test, &tcb, n);
		xtcp_expect_input(test, &tcb,
				  xtcp_mkseg(XTCP_RST | XTCP_ACK, in_wnd[i], iss + 1, 0),
				  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
				  XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	}
	/* outside the window: dropped silently */
	for (i = 0; i < ARRAY_SIZE(out_wnd); i++) {
		xtcp_fix_syn_received(test, &tcb, n);
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, out_wnd[i], 0, 0),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
		xtcp_fix_syn_received_active(test, &tcb, n);
		xtcp_expect_input(test, &tcb,
				  xtcp_mkseg(XTCP_RST | XTCP_ACK, out_wnd[i], iss + 1, 0),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	}
}

static void xtcp_state_syn_received_syn(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* the peer's SYN again (our SYN|ACK was lost): the SYN|ACK again */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs, 0, true),
			  XTCP_EV_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_SYN | XTCP_ACK, iss, irs + 1));
	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs, 0, true),
			  XTCP_EV_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_SYN | XTCP_ACK, iss, irs + 1));

	/* passive, another SYN in the window: back to LISTEN (§3.10.7.4 fourth) */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs + 10, 0, true),
			  XTCP_EV_CHILD_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_SYN | XTCP_ACK, irs + 1, iss + 1, 0),
			  XTCP_EV_CHILD_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);

	/* active, another SYN in the window: a challenge ACK (RFC 5961 §4.2) */
	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs + 10, 0, true),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));

	/* a SYN outside the window fails the sequence test first: an ACK */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs - 10, 0, true),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
}

/*
 * Simultaneous open, the peer's SYN|ACK <SEQ=IRS><ACK=ISS+1> reaching our
 * SYN_RECEIVED: it acknowledges our SYN, so the connection is ESTABLISHED
 * with no further segment (RFC 9293 figure 8, line 6; Linux's special case
 * in tcp_validate_incoming()).  A SYN|ACK that does not ack ISS+1 is
 * answered as an old segment.
 */
static void xtcp_state_syn_received_synack_active(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, iss + 1, true),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, tcb.snd_una, iss + 1);

	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, iss + 2, true),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
}

static void xtcp_state_syn_received_no_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 irs = n->irs;
	struct xtcp_tcb tcb;

	/* fifth: without ACK, dropped */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(0, irs + 1, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_PSH, irs + 1, 0, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_FIN, irs + 1, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_PSH, irs + 1, 0, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

static void xtcp_state_syn_received_out_of_window(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* first: unacceptable, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, even with a good ACK */
	xtcp_fix_syn_received(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1 + XTCP_T_RCV_WND, iss + 1, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs, iss + 1, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs - 9, iss + 1, 10),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(0, irs - 9, 0, 10),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
}

/* ---- ESTABLISHED (§3.10.7.4) ------------------------------------------- */

static void xtcp_state_established_out_of_window(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	xtcp_fix_established(test, &tcb, n);
	/* past the window */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1 + XTCP_T_RCV_WND, iss + 1, 10),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1 + XTCP_T_RCV_WND, iss + 1, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	/* an old duplicate, all before RCV.NXT: its ACK is not looked at */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs - 9, iss + 51, 10),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs, iss + 51, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs, iss + 1, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	/* ...but one whose last octet is RCV.NXT is acceptable */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs - 8, iss + 1, 10),
			  XTCP_EV_TEXT, XTCP_ESTABLISHED, XTCP_NO_REPLY);
}

static void xtcp_state_established_rst(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb tcb;

	/* SEG.SEQ = RCV.NXT: reset */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs + 1, 0, 0),
			  XTCP_EV_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs + 1, iss + 1, 0),
			  XTCP_EV_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
	/* the ACK on it is not looked at */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST | XTCP_ACK, irs + 1, iss - 5, 0),
			  XTCP_EV_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
}

static void xtcp_state_established_rst_inexact(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	const u32 in_wnd[] = { irs + 2, irs + XTCP_T_RCV_WND / 2, irs + XTCP_T_RCV_WND };
	const u32 out_wnd[] = { irs, irs - 1, irs + 1 + XTCP_T_RCV_WND, irs + 0x80000000 };
	struct xtcp_tcb tcb;
	int i;

	xtcp_fix_established(test, &tcb, n);
	for (i = 0; i < ARRAY_SIZE(in_wnd); i++)
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, in_wnd[i], 0, 0),
				  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
				  XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	for (i = 0; i < ARRAY_SIZE(out_wnd); i++)
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, out_wnd[i], 0, 0),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

static void xtcp_state_established_syn(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	/* a SYN in the window: challenge ACK (RFC 5961 §4.2), nothing else */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs + 1, 0, true),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN, irs + 5000, 0, true),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs + 1, iss + 51, true),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
}

/* The peer's SYN|ACK again (our ACK was lost): ACK it again. */
static void xtcp_state_established_synack_again(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mksyn(XTCP_SYN | XTCP_ACK, irs, iss + 1, true),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
}

static void xtcp_state_established_ack_beyond(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	/* SEG.ACK > SND.NXT: send an ACK, drop the segment */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt + 1, 0),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt + 100000, 10),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	/* SEG.ACK = SND.NXT is fine */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 0),
			  XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, nxt, nxt, irs + 1);
}

static void xtcp_state_established_dup_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	/* SEG.ACK = SND.UNA: no event; the window may be updated */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 0),
			  0, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, iss + 1, nxt, irs + 1);
	xtcp_expect_wnd(test, &tcb, XTCP_T_PEER_WND << XTCP_T_PEER_WSCALE, irs + 1, iss + 1);
	/* the same again changes nothing at all */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 0),
			  0, XTCP_UNCHANGED, XTCP_NO_REPLY);
	/* once SND.UNA has moved, an older ACK (SEG.ACK < SND.UNA) neither */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 51, 0),
			  XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 0),
			  0, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 50, 0),
			  0, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

static void xtcp_state_established_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	/* SND.UNA < SEG.ACK =< SND.NXT: SND.UNA advances */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 51, 0),
			  XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, iss + 51, nxt, irs + 1);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 0),
			  XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, nxt, nxt, irs + 1);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 0),
			  0, XTCP_UNCHANGED, XTCP_NO_REPLY);
}

static void xtcp_state_established_data(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	/* text and FIN go to the receive path, which sends the ACK */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_PSH, irs + 1, iss + 1, 10),
			  XTCP_EV_TEXT, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, iss + 1, 0),
			  XTCP_EV_TEXT, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	/* in the window, not at RCV.NXT: still text (out of order) */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1001, iss + 1, 100),
			  XTCP_EV_TEXT, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	/* data carrying a new ACK */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 10),
			  XTCP_EV_ACKED | XTCP_EV_TEXT, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, nxt, nxt, irs + 1);
	/* RCV.NXT is the receive path's to advance */
	KUNIT_EXPECT_EQ(test, tcb.rcv_nxt, irs + 1);
	/* data without ACK: dropped (fifth) */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_PSH, irs + 1, 0, 10),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	/* a data segment whose ACK is beyond SND.NXT: challenge ACK (§5.2) */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt + 1, 10),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
}

/* §3.10.7.4 fifth: SND.WND, SND.WL1 and SND.WL2. */
static void xtcp_state_established_window(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_seg s;
	struct xtcp_tcb tcb;

	xtcp_fix_established(test, &tcb, n);
	/* the SYN|ACK's window, unscaled */
	xtcp_expect_wnd(test, &tcb, XTCP_T_PEER_WND, irs, iss + 1);

	s = xtcp_mkseg(XTCP_ACK, irs + 1, iss + 51, 0);
	s.wnd = 500;
	xtcp_expect_input(test, &tcb, s, XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_wnd(test, &tcb, 500 << XTCP_T_PEER_WSCALE, irs + 1, iss + 51);

	/* SEG.ACK < SND.UNA: no update */
	s = xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 0);
	s.wnd = 100;
	xtcp_expect_input(test, &tcb, s, 0, XTCP_UNCHANGED, XTCP_NO_REPLY);

	/* SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK: update, even to smaller */
	s = xtcp_mkseg(XTCP_ACK, irs + 1, iss + 51, 0);
	s.wnd = 100;
	xtcp_expect_input(test, &tcb, s, 0, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_wnd(test, &tcb, 100 << XTCP_T_PEER_WSCALE, irs + 1, iss + 51);

	/* SND.WL1 < SEG.SEQ: update */
	s = xtcp_mkseg(XTCP_ACK, irs + 11, iss + 51, 0);
	s.wnd = 50;
	xtcp_expect_input(test, &tcb, s, 0, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_wnd(test, &tcb, 50 << XTCP_T_PEER_WSCALE, irs + 11, iss + 51);

	/* SND.WL1 > SEG.SEQ: an older segment, the ACK counts, the window not */
	s = xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 0);
	s.wnd = 1;
	xtcp_expect_input(test, &tcb, s, XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, nxt, nxt, irs + 1);
	xtcp_expect_wnd(test, &tcb, 50 << XTCP_T_PEER_WSCALE, irs + 11, iss + 51);

	/* a zero window is a window */
	s = xtcp_mkseg(XTCP_ACK, irs + 11, nxt, 0);
	s.wnd = 0;
	xtcp_expect_input(test, &tcb, s, 0, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_wnd(test, &tcb, 0, irs + 11, nxt);

	/* the largest: 65535 << 14 */
	tcb.snd_wscale = XTCP_MAX_WSCALE;
	s = xtcp_mkseg(XTCP_ACK, irs + 11, nxt, 0);
	s.wnd = 65535;
	xtcp_expect_input(test, &tcb, s, 0, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_wnd(test, &tcb, 65535U << 14, irs + 11, nxt);
}

/* Our window closed: only a zero-length segment at RCV.NXT is acceptable. */
static void xtcp_state_established_zero_window(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	xtcp_fix_established(test, &tcb, n);
	tcb.rcv_wnd = 0;
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 1, 10),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, iss + 51, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, nxt, irs + 1));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs + 2, 0, 0),
			  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, iss + 51, 0),
			  XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_seqs(test, &tcb, iss + 51, nxt, irs + 1);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, irs + 1, 0, 0),
			  XTCP_EV_RESET | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
}

/* ---- the retransmission timer and ABORT -------------------------------- */

static void xtcp_state_retransmit(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	xtcp_fix_syn_sent(test, &tcb, n);
	memset(&r, 0xa5, sizeof(r));
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_retransmit(&tcb, &r));
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN, n->iss, 0));

	xtcp_fix_syn_received(test, &tcb, n);
	memset(&r, 0xa5, sizeof(r));
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_retransmit(&tcb, &r));
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, n->iss, n->irs + 1));

	xtcp_fix_syn_received_active(test, &tcb, n);
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_retransmit(&tcb, &r));
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, n->iss, n->irs + 1));

	/* closed in SYN_RECEIVED: our SYN is unacknowledged, SYN|ACK again */
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_SEND_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_FIN_WAIT_1);
	memset(&r, 0xa5, sizeof(r));
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_retransmit(&tcb, &r));
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, n->iss, n->irs + 1));

	/* nothing in the other states (data and FIN are the send path's) */
	xtcp_fix_established(test, &tcb, n);
	memset(&r, 0xa5, sizeof(r));
	KUNIT_EXPECT_FALSE(test, xtcp_tcb_retransmit(&tcb, &r));
	KUNIT_EXPECT_EQ(test, r.flags, 0);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_SEND_FIN);
	memset(&r, 0xa5, sizeof(r));
	KUNIT_EXPECT_FALSE(test, xtcp_tcb_retransmit(&tcb, &r));
	KUNIT_EXPECT_EQ(test, r.flags, 0);
	xtcp_fix_listen(&tcb);
	KUNIT_EXPECT_FALSE(test, xtcp_tcb_retransmit(&tcb, &r));
	KUNIT_EXPECT_EQ(test, r.flags, 0);
	xtcp_fix_closed(&tcb);
	KUNIT_EXPECT_FALSE(test, xtcp_tcb_retransmit(&tcb, &r));
	KUNIT_EXPECT_EQ(test, r.flags, 0);
}

static void xtcp_state_abort(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	static const enum xtcp_state rst_states[] = {
		XTCP_ESTABLISHED, XTCP_FIN_WAIT_1, XTCP_FIN_WAIT_2, XTCP_CLOSE_WAIT,
	};
	static const enum xtcp_state quiet_states[] = {
		XTCP_CLOSING, XTCP_LAST_ACK, XTCP_TIME_WAIT,
	};
	struct xtcp_reply r;
	struct xtcp_tcb tcb;
	int i;

	/* SYN_RECEIVED and the synchronized states: <SEQ=SND.NXT><CTL=RST> */
	xtcp_fix_syn_received(test, &tcb, n);
	memset(&r, 0xa5, sizeof(r));
	xtcp_tcb_abort(&tcb, &r);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_RST, n->iss + 1, 0));
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);

	xtcp_fix_syn_received_active(test, &tcb, n);
	xtcp_tcb_abort(&tcb, &r);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_RST, n->iss + 1, 0));
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);

	for (i = 0; i < ARRAY_SIZE(rst_states); i++) {
		xtcp_fix_established(test, &tcb, n);
		tcb.state = rst_states[i];
		xtcp_tcb_abort(&tcb, &r);
		xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_RST, n->iss + 1 + XTCP_T_SENT, 0));
		KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
	}

	/* LISTEN, SYN_SENT (and CLOSING, LAST_ACK, TIME_WAIT): just close */
	xtcp_fix_listen(&tcb);
	memset(&r, 0xa5, sizeof(r));
	xtcp_tcb_abort(&tcb, &r);
	KUNIT_EXPECT_EQ(test, r.flags, 0);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);

	xtcp_fix_syn_sent(test, &tcb, n);
	memset(&r, 0xa5, sizeof(r));
	xtcp_tcb_abort(&tcb, &r);
	KUNIT_EXPECT_EQ(test, r.flags, 0);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);

	for (i = 0; i < ARRAY_SIZE(quiet_states); i++) {
		xtcp_fix_established(test, &tcb, n);
		tcb.state = quiet_states[i];
		memset(&r, 0xa5, sizeof(r));
		xtcp_tcb_abort(&tcb, &r);
		KUNIT_EXPECT_EQ(test, r.flags, 0);
		KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
	}

	xtcp_fix_closed(&tcb);
	xtcp_tcb_abort(&tcb, &r);
	KUNIT_EXPECT_EQ(test, r.flags, 0);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
}

/* ---- two TCBs talking -------------------------------------------------- */

/*
 * The segment the peer receives when @from sends @r: what the output path
 * builds, with the window from xtcp_tcb_window() and, on a SYN, the options
 * (window scale offered in a SYN, echoed in a SYN|ACK only if agreed).
 */
static struct xtcp_seg xtcp_transmit(const struct xtcp_tcb *from,
				     const struct xtcp_reply *r, u32 len)
{
	struct xtcp_seg s = {
		.seq = r->seq,
		.ack = r->flags & XTCP_ACK ? r->ack : 0,
		.len = len,
		.wnd = xtcp_tcb_window(from, r->flags),
		.flags = r->flags,
	};

	if (r->flags & XTCP_SYN) {
		s.opts.mss = from->mss;
		s.opts.wscale_ok = !(r->flags & XTCP_ACK) || from->wscale_ok;
		s.opts.wscale = from->rcv_wscale;
	}
	return s;
}

/* Both ends agree on where each direction stands. */
static void xtcp_expect_pair_at(struct kunit *test, int line,
				const struct xtcp_tcb *a, const struct xtcp_tcb *b)
{
	KUNIT_EXPECT_EQ_MSG(test, a->state, XTCP_ESTABLISHED, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, b->state, XTCP_ESTABLISHED, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, a->snd_nxt, b->rcv_nxt, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, b->snd_nxt, a->rcv_nxt, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, a->snd_una, a->snd_nxt, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, b->snd_una, b->snd_nxt, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, a->iss, b->irs, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, b->iss, a->irs, "line %d", line);
	KUNIT_EXPECT_TRUE_MSG(test, a->wscale_ok && b->wscale_ok, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, a->snd_wscale, b->rcv_wscale, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, b->snd_wscale, a->rcv_wscale, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, a->snd_mss, min(a->mss, b->mss), "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, b->snd_mss, min(a->mss, b->mss), "line %d", line);
}

#define xtcp_expect_pair(test, a, b) xtcp_expect_pair_at(test, __LINE__, a, b)

/* connect() to a listener: SYN, SYN|ACK, ACK; then data one way. */
static void xtcp_state_handshake(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb a, l, b;
	struct xtcp_reply r;
	struct xtcp_seg s;

	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_tcb_init(&l, 1200, 100000, 3);
	xtcp_tcb_listen(&l);
	xtcp_tcb_init(&b, 1200, 100000, 3);

	xtcp_tcb_connect(&a, iss, &r);
	s = xtcp_transmit(&a, &r, 0);
	xtcp_expect_input(test, &l, s, XTCP_EV_NEW_CHILD | XTCP_EV_DROP,
			  XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_tcb_accept_syn(&b, &s, irs, &r);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_SYN | XTCP_ACK, irs, iss + 1));
	r = xtcp_expect_input(test, &a, xtcp_transmit(&b, &r, 0),
			      XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			      XTCP_ESTABLISHED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 0),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED, XTCP_ESTABLISHED,
			  XTCP_NO_REPLY);
	xtcp_expect_pair(test, &a, &b);
	/* b has a's scaled window exactly; a has the SYN|ACK's, clamped */
	KUNIT_EXPECT_EQ(test, b.snd_wnd, a.rcv_wnd);
	KUNIT_EXPECT_EQ(test, a.snd_wnd, 65535);

	/* a sends 1000 bytes; b takes them (its receive path moves RCV.NXT) */
	r = XTCP_REPLY(XTCP_ACK | XTCP_PSH, a.snd_nxt, a.rcv_nxt);
	a.snd_nxt += 1000;
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 1000), XTCP_EV_TEXT,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	b.rcv_nxt += 1000;
	r = XTCP_REPLY(XTCP_ACK, b.snd_nxt, b.rcv_nxt);
	xtcp_expect_input(test, &a, xtcp_transmit(&b, &r, 0), XTCP_EV_ACKED,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_pair(test, &a, &b);
	KUNIT_EXPECT_EQ(test, a.snd_una, iss + 1001);
	/* and now a has b's window, scaled */
	KUNIT_EXPECT_EQ(test, a.snd_wnd, b.rcv_wnd);
}

/* Both connect() at once (RFC 9293 figure 8). */
static void xtcp_state_simultaneous_open(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_seg syn_a, syn_b, synack_a, synack_b;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb a, b;
	struct xtcp_reply r;

	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_tcb_init(&b, 1200, 100000, 3);
	xtcp_tcb_connect(&a, iss, &r);
	syn_a = xtcp_transmit(&a, &r, 0);
	xtcp_tcb_connect(&b, irs, &r);
	syn_b = xtcp_transmit(&b, &r, 0);

	/* the SYNs cross: each answers SYN|ACK with its own ISS */
	r = xtcp_expect_input(test, &a, syn_b, XTCP_EV_SYN_RECEIVED | XTCP_EV_DROP,
			      XTCP_SYN_RECEIVED,
			      XTCP_REPLY(XTCP_SYN | XTCP_ACK, iss, irs + 1));
	synack_a = xtcp_transmit(&a, &r, 0);
	r = xtcp_expect_input(test, &b, syn_a, XTCP_EV_SYN_RECEIVED | XTCP_EV_DROP,
			      XTCP_SYN_RECEIVED,
			      XTCP_REPLY(XTCP_SYN | XTCP_ACK, irs, iss + 1));
	synack_b = xtcp_transmit(&b, &r, 0);

	/* the SYN|ACKs cross and each completes its side: four segments in all */
	xtcp_expect_input(test, &a, synack_b,
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &b, synack_a,
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	xtcp_expect_pair(test, &a, &b);
	KUNIT_EXPECT_FALSE(test, a.passive);
	KUNIT_EXPECT_FALSE(test, b.passive);
	/* the windows came on SYN|ACKs, which are never scaled (RFC 7323) */
	KUNIT_EXPECT_EQ(test, b.snd_wnd, min_t(u32, a.rcv_wnd, U16_MAX));
	KUNIT_EXPECT_EQ(test, a.snd_wnd, min_t(u32, b.rcv_wnd, U16_MAX));
}

/* The SYN|ACK is lost: the SYN is retransmitted and answered again. */
static void xtcp_state_lost_synack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb a, b;
	struct xtcp_reply r;
	struct xtcp_seg s;

	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_tcb_init(&b, 1200, 100000, 3);
	xtcp_tcb_connect(&a, iss, &r);
	s = xtcp_transmit(&a, &r, 0);
	xtcp_tcb_accept_syn(&b, &s, irs, &r);		/* the SYN|ACK is lost */

	KUNIT_ASSERT_TRUE(test, xtcp_tcb_retransmit(&a, &r));
	r = xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 0), XTCP_EV_DROP,
			      XTCP_UNCHANGED,
			      XTCP_REPLY(XTCP_SYN | XTCP_ACK, irs, iss + 1));
	r = xtcp_expect_input(test, &a, xtcp_transmit(&b, &r, 0),
			      XTCP_EV_ESTABLISHED | XTCP_EV_ACKED | XTCP_EV_DROP,
			      XTCP_ESTABLISHED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 0),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED, XTCP_ESTABLISHED,
			  XTCP_NO_REPLY);
	xtcp_expect_pair(test, &a, &b);
}

/* The final ACK is lost: the SYN|ACK is retransmitted and ACKed again. */
static void xtcp_state_lost_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb a, b;
	struct xtcp_reply r;
	struct xtcp_seg s;

	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_tcb_init(&b, 1200, 100000, 3);
	xtcp_tcb_connect(&a, iss, &r);
	s = xtcp_transmit(&a, &r, 0);
	xtcp_tcb_accept_syn(&b, &s, irs, &r);
	s = xtcp_transmit(&b, &r, 0);
	xtcp_tcb_input(&a, &s, &r);			/* the ACK is lost */
	KUNIT_ASSERT_EQ(test, a.state, XTCP_ESTABLISHED);

	KUNIT_ASSERT_TRUE(test, xtcp_tcb_retransmit(&b, &r));
	r = xtcp_expect_input(test, &a, xtcp_transmit(&b, &r, 0), XTCP_T_OOW_DROP,
			      XTCP_UNCHANGED, XTCP_REPLY(XTCP_ACK, iss + 1, irs + 1));
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 0),
			  XTCP_EV_ESTABLISHED | XTCP_EV_ACKED, XTCP_ESTABLISHED,
			  XTCP_NO_REPLY);
	xtcp_expect_pair(test, &a, &b);
}

/* A SYN to a closed port: RST|ACK, and connect() is refused. */
static void xtcp_state_refused(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb a, c;
	struct xtcp_reply r;

	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_fix_closed(&c);
	xtcp_tcb_connect(&a, n->iss, &r);
	r = xtcp_expect_input(test, &c, xtcp_transmit(&a, &r, 0), XTCP_EV_DROP,
			      XTCP_UNCHANGED,
			      XTCP_REPLY(XTCP_RST | XTCP_ACK, 0, n->iss + 1));
	xtcp_expect_input(test, &a, xtcp_transmit(&c, &r, 0),
			  XTCP_EV_REFUSED | XTCP_EV_DROP, XTCP_CLOSED, XTCP_NO_REPLY);
}

static struct kunit_case xtcp_state_test_cases[] = {
	KUNIT_CASE(xtcp_state_names),
	KUNIT_CASE(xtcp_state_tcp_states),
	KUNIT_CASE(xtcp_state_seg_len),
	KUNIT_CASE(xtcp_state_acceptable),
	KUNIT_CASE(xtcp_state_reset_reply),
	KUNIT_CASE(xtcp_state_tcb_init),
	KUNIT_CASE(xtcp_state_window),
	KUNIT_CASE_PARAM(xtcp_state_connect, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_accept_syn, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_accept_syn_options, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_closed, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_time_wait, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_listen_rst, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_listen_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_listen_syn, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_listen_other, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_synack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_synack_no_wscale, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_bad_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_rst, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_rst_bad_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_syn, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_sent_other, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_ack_active, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_bad_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_rst, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_rst_inexact, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_syn, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_synack_active, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_no_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_syn_received_out_of_window, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_out_of_window, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_rst, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_rst_inexact, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_syn, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_synack_again, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_ack_beyond, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_dup_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_data, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_window, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_established_zero_window, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_retransmit, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_abort, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_handshake, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_simultaneous_open, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_lost_synack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_lost_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_state_refused, xtcp_nums_gen_params),
	{}
};

static struct kunit_suite xtcp_state_suite = {
	.name = "xtcp_state",
	.test_cases = xtcp_state_test_cases,
};

/* ---- the close side (§3.10.4, §3.10.7.4) ------------------------------- */

/*
 * ESTABLISHED, then CLOSE: FIN_WAIT_1 with the FIN sent after the
 * XTCP_T_SENT bytes, so FIN takes ISS+1+SENT and SND.NXT = ISS+2+SENT.
 */
static void xtcp_fix_fin_wait_1(struct kunit *test, struct xtcp_tcb *tcb,
				const struct xtcp_nums *n)
{
	xtcp_fix_established(test, tcb, n);
	KUNIT_ASSERT_EQ(test, xtcp_tcb_close(tcb), XTCP_CLOSE_SEND_FIN);
	tcb->snd_nxt++;		/* the send path sent the FIN */
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_FIN_WAIT_1);
}

/* FIN_WAIT_1 + ACK of everything, FIN included */
static void xtcp_fix_fin_wait_2(struct kunit *test, struct xtcp_tcb *tcb,
				const struct xtcp_nums *n)
{
	struct xtcp_seg s;
	struct xtcp_reply r;

	xtcp_fix_fin_wait_1(test, tcb, n);
	s = xtcp_mkseg(XTCP_ACK, n->irs + 1, tcb->snd_nxt, 0);
	xtcp_tcb_input(tcb, &s, &r);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_FIN_WAIT_2);
}

/* ESTABLISHED + the peer's FIN at IRS+1: CLOSE_WAIT, RCV.NXT = IRS+2 */
static void xtcp_fix_close_wait(struct kunit *test, struct xtcp_tcb *tcb,
				const struct xtcp_nums *n)
{
	struct xtcp_reply r;

	xtcp_fix_established(test, tcb, n);
	KUNIT_ASSERT_EQ(test, xtcp_tcb_fin(tcb, &r), XTCP_EV_PEER_FIN);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_CLOSE_WAIT);
}

/* CLOSE_WAIT, then CLOSE: LAST_ACK with our FIN sent */
static void xtcp_fix_last_ack(struct kunit *test, struct xtcp_tcb *tcb,
			      const struct xtcp_nums *n)
{
	xtcp_fix_close_wait(test, tcb, n);
	KUNIT_ASSERT_EQ(test, xtcp_tcb_close(tcb), XTCP_CLOSE_SEND_FIN);
	tcb->snd_nxt++;
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_LAST_ACK);
}

/* FIN_WAIT_1 + the peer's FIN before it acknowledged ours: CLOSING */
static void xtcp_fix_closing(struct kunit *test, struct xtcp_tcb *tcb,
			     const struct xtcp_nums *n)
{
	struct xtcp_reply r;

	xtcp_fix_fin_wait_1(test, tcb, n);
	KUNIT_ASSERT_EQ(test, xtcp_tcb_fin(tcb, &r), XTCP_EV_PEER_FIN);
	KUNIT_ASSERT_EQ(test, tcb->state, XTCP_CLOSING);
}

/* CLOSE in every state (§3.10.4). */
static void xtcp_close_call(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 nxt = n->iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb, before;

	xtcp_fix_closed(&tcb);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_DELETE);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
	KUNIT_EXPECT_FALSE(test, tcb.fin_queued);
	xtcp_fix_listen(&tcb);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_DELETE);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
	xtcp_fix_syn_sent(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_DELETE);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSED);
	KUNIT_EXPECT_FALSE(test, tcb.fin_queued);

	/* SYN_RECEIVED: "form a FIN segment and send it, enter FIN-WAIT-1" */
	xtcp_fix_syn_received_active(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_SEND_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_FIN_WAIT_1);
	KUNIT_EXPECT_TRUE(test, tcb.fin_queued);
	/* the FIN takes SEQ write_seq, right after the SYN */
	KUNIT_EXPECT_EQ(test, tcb.write_seq, n->iss + 1);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_snd_end(&tcb), n->iss + 2);

	xtcp_fix_established(test, &tcb, n);
	tcb.write_seq += 5;	/* five bytes queued, not yet sent */
	KUNIT_EXPECT_EQ(test, xtcp_tcb_snd_end(&tcb), nxt + 5);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_SEND_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_FIN_WAIT_1);
	KUNIT_EXPECT_EQ(test, tcb.write_seq, nxt + 5);	/* after queued data */
	KUNIT_EXPECT_EQ(test, xtcp_tcb_snd_end(&tcb), nxt + 6);

	xtcp_fix_close_wait(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_SEND_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_LAST_ACK);
	KUNIT_EXPECT_EQ(test, tcb.write_seq, nxt);

	/* a FIN is already on its way: nothing changes */
	xtcp_fix_fin_wait_1(test, &tcb, n);
	before = tcb;
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_NOTHING);
	KUNIT_EXPECT_MEMEQ(test, &tcb, &before, sizeof(tcb));
	xtcp_fix_fin_wait_2(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_NOTHING);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_FIN_WAIT_2);
	xtcp_fix_closing(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_NOTHING);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSING);
	xtcp_fix_last_ack(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_close(&tcb), XTCP_CLOSE_NOTHING);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_LAST_ACK);
	KUNIT_EXPECT_EQ(test, tcb.write_seq, nxt);
}

/* FIN_WAIT_1: ACKs short of the FIN, of the FIN, and a FIN (§3.10.7.4). */
static void xtcp_close_fin_wait_1(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, fin = iss + 1 + XTCP_T_SENT;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	xtcp_fix_fin_wait_1(test, &tcb, n);
	KUNIT_EXPECT_FALSE(test, xtcp_tcb_fin_acked(&tcb));
	/* the data, not the FIN: still FIN_WAIT_1 */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, fin, 0),
			  XTCP_EV_ACKED, XTCP_FIN_WAIT_1, XTCP_NO_REPLY);
	KUNIT_EXPECT_FALSE(test, xtcp_tcb_fin_acked(&tcb));
	/* text still arrives (half-close) */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, fin, 10),
			  XTCP_EV_TEXT, XTCP_FIN_WAIT_1, XTCP_NO_REPLY);
	/* the FIN acknowledged: FIN_WAIT_2 */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, fin + 1, 0),
			  XTCP_EV_ACKED | XTCP_EV_FIN_ACKED, XTCP_FIN_WAIT_2,
			  XTCP_NO_REPLY);
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_fin_acked(&tcb));
	xtcp_expect_seqs(test, &tcb, fin + 1, fin + 1, irs + 1);

	/* the peer's FIN first: CLOSING, and our ACK of it */
	xtcp_fix_fin_wait_1(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, fin, 0),
			  XTCP_EV_ACKED | XTCP_EV_TEXT, XTCP_FIN_WAIT_1, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&tcb, &r), XTCP_EV_PEER_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSING);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_ACK, fin + 1, irs + 2));
	xtcp_expect_seqs(test, &tcb, fin, fin + 1, irs + 2);

	/* FIN|ACK acknowledging our FIN: FIN_WAIT_2, then TIME_WAIT */
	xtcp_fix_fin_wait_1(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, fin + 1, 0),
			  XTCP_EV_ACKED | XTCP_EV_FIN_ACKED | XTCP_EV_TEXT,
			  XTCP_FIN_WAIT_2, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&tcb, &r),
			XTCP_EV_PEER_FIN | XTCP_EV_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_TIME_WAIT);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_ACK, fin + 1, irs + 2));
}

/* FIN_WAIT_2: text goes on arriving; the FIN makes it TIME_WAIT. */
static void xtcp_close_fin_wait_2(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = iss + 2 + XTCP_T_SENT;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	xtcp_fix_fin_wait_2(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 100),
			  XTCP_EV_TEXT, XTCP_FIN_WAIT_2, XTCP_NO_REPLY);
	/* a duplicate ACK: nothing */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt, 0),
			  0, XTCP_UNCHANGED, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, nxt, 0),
			  XTCP_EV_TEXT, XTCP_FIN_WAIT_2, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&tcb, &r),
			XTCP_EV_PEER_FIN | XTCP_EV_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_TIME_WAIT);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_ACK, nxt, irs + 2));
}

/* CLOSING: only the ACK of our FIN matters; it leads to TIME_WAIT. */
static void xtcp_close_closing(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, fin = iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	xtcp_fix_closing(test, &tcb, n);
	/* text after the peer's FIN is ignored */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, iss + 1, 10),
			  0, XTCP_CLOSING, XTCP_NO_REPLY);
	/* the peer's FIN again: old, so an ACK */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, iss + 1, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, fin + 1, irs + 2));
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, fin, 0),
			  XTCP_EV_ACKED, XTCP_CLOSING, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, fin + 1, 0),
			  XTCP_EV_ACKED | XTCP_EV_TIME_WAIT | XTCP_EV_DROP,
			  XTCP_TIME_WAIT, XTCP_NO_REPLY);
}

/* CLOSE_WAIT: no more text; ACKs as usual. */
static void xtcp_close_close_wait(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = iss + 1 + XTCP_T_SENT;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;

	/* ESTABLISHED + FIN: CLOSE_WAIT, FIN acknowledged at once */
	xtcp_fix_established(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, iss + 1, 0),
			  XTCP_EV_TEXT, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&tcb, &r), XTCP_EV_PEER_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSE_WAIT);
	xtcp_expect_reply(test, &r, XTCP_REPLY(XTCP_ACK, nxt, irs + 2));

	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, iss + 1, 10),
			  0, XTCP_CLOSE_WAIT, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, nxt, 0),
			  XTCP_EV_ACKED, XTCP_CLOSE_WAIT, XTCP_NO_REPLY);
	/* a retransmitted FIN is old: ACK it again */
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK | XTCP_FIN, irs + 1, nxt, 0),
			  XTCP_T_OOW_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, nxt, irs + 2));
	/* and a second FIN in sequence (a confused peer) changes nothing */
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&tcb, &r), XTCP_EV_PEER_FIN);
	KUNIT_EXPECT_EQ(test, tcb.state, XTCP_CLOSE_WAIT);
}

/* LAST_ACK: the ACK of our FIN deletes the TCB. */
static void xtcp_close_last_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, fin = iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	xtcp_fix_last_ack(test, &tcb, n);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, fin, 0),
			  XTCP_EV_ACKED, XTCP_LAST_ACK, XTCP_NO_REPLY);
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 2, fin + 1, 0),
			  XTCP_EV_ACKED | XTCP_EV_CLOSED | XTCP_EV_DROP,
			  XTCP_CLOSED, XTCP_NO_REPLY);
}

/* RST and SYN in the closing states (§3.10.7.4 second and fourth). */
static void xtcp_close_rst_syn(struct kunit *test)
{
	static void (*const fix[])(struct kunit *, struct xtcp_tcb *,
				   const struct xtcp_nums *) = {
		xtcp_fix_fin_wait_1, xtcp_fix_fin_wait_2, xtcp_fix_close_wait,
		xtcp_fix_closing, xtcp_fix_last_ack,
	};
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb;
	int i;

	for (i = 0; i < ARRAY_SIZE(fix); i++) {
		u32 rn, sn;

		fix[i](test, &tcb, n);
		rn = tcb.rcv_nxt;
		sn = tcb.snd_nxt;
		/* in the window, not exact: challenge ACK */
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, rn + 5, 0, 0),
				  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
				  XTCP_REPLY(XTCP_ACK, sn, rn));
		/* out of the window: dropped */
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, rn - 1, 0, 0),
				  XTCP_EV_DROP, XTCP_UNCHANGED, XTCP_NO_REPLY);
		/* a SYN: challenge ACK */
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_SYN, rn + 5, 0, 0),
				  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
				  XTCP_REPLY(XTCP_ACK, sn, rn));
		/* exact: reset */
		xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_RST, rn, 0, 0),
				  XTCP_EV_RESET | XTCP_EV_DROP, XTCP_CLOSED,
				  XTCP_NO_REPLY);
	}
}

/* The send path works from ESTABLISHED until our FIN's ACK. */
static void xtcp_close_state_sends(struct kunit *test)
{
	static const bool want[XTCP_NR_STATES] = {
		[XTCP_ESTABLISHED] = true, [XTCP_CLOSE_WAIT] = true,
		[XTCP_FIN_WAIT_1] = true, [XTCP_CLOSING] = true,
		[XTCP_LAST_ACK] = true,
	};
	enum xtcp_state s;

	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_state_sends(s), want[s], "%s",
				    xtcp_state_name(s));
	KUNIT_EXPECT_FALSE(test, xtcp_state_sends(XTCP_NR_STATES));
}

/* RFC 5961 §5.2: an ACK older than SND.UNA - MAX.SND.WND is challenged. */
static void xtcp_close_old_ack(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs, nxt = iss + 1 + XTCP_T_SENT;
	struct xtcp_tcb tcb;

	xtcp_fix_established(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, tcb.max_wnd, XTCP_T_PEER_WND);
	/* move SND.UNA a long way on: 3000 more bytes sent and ACKed */
	tcb.snd_nxt += 3000;
	xtcp_expect_input(test, &tcb, xtcp_mkseg(XTCP_ACK, irs + 1, nxt + 3000, 0),
			  XTCP_EV_ACKED, XTCP_ESTABLISHED, XTCP_NO_REPLY);
	/* window updates raise MAX.SND.WND: 1000 << 2 */
	KUNIT_EXPECT_EQ(test, tcb.max_wnd, XTCP_T_PEER_WND << XTCP_T_PEER_WSCALE);
	/* SND.UNA - MAX.SND.WND is still acceptable (a duplicate) */
	xtcp_expect_input(test, &tcb,
			  xtcp_mkseg(XTCP_ACK, irs + 1, nxt + 3000 - 4000, 0),
			  0, XTCP_UNCHANGED, XTCP_NO_REPLY);
	/* one older is not: challenge ACK, and the text is dropped too */
	xtcp_expect_input(test, &tcb,
			  xtcp_mkseg(XTCP_ACK, irs + 1, nxt + 3000 - 4001, 10),
			  XTCP_T_CHAL_DROP, XTCP_UNCHANGED,
			  XTCP_REPLY(XTCP_ACK, nxt + 3000, irs + 1));
}

/* Two TCBs close: a four-way close, and a simultaneous close. */
static void xtcp_close_exchange(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	u32 iss = n->iss, irs = n->irs;
	struct xtcp_tcb a, b;
	struct xtcp_reply r, fa, fb;

	/* a handshake (see xtcp_state_handshake) */
	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_tcb_init(&b, 1200, 100000, 3);
	xtcp_tcb_connect(&a, iss, &r);
	{
		struct xtcp_seg s = xtcp_transmit(&a, &r, 0);

		xtcp_tcb_accept_syn(&b, &s, irs, &r);
		s = xtcp_transmit(&b, &r, 0);
		xtcp_tcb_input(&a, &s, &r);
		s = xtcp_transmit(&a, &r, 0);
		xtcp_tcb_input(&b, &s, &r);
	}
	xtcp_expect_pair(test, &a, &b);

	/* a: CLOSE; its FIN <SEQ=ISS+1><ACK=IRS+1> */
	KUNIT_ASSERT_EQ(test, xtcp_tcb_close(&a), XTCP_CLOSE_SEND_FIN);
	fa = XTCP_REPLY(XTCP_FIN | XTCP_ACK, a.snd_nxt, a.rcv_nxt);
	a.snd_nxt++;
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &fa, 0), XTCP_EV_TEXT,
			  XTCP_ESTABLISHED, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&b, &r), XTCP_EV_PEER_FIN);
	KUNIT_EXPECT_EQ(test, b.state, XTCP_CLOSE_WAIT);
	xtcp_expect_input(test, &a, xtcp_transmit(&b, &r, 0),
			  XTCP_EV_ACKED | XTCP_EV_FIN_ACKED, XTCP_FIN_WAIT_2,
			  XTCP_NO_REPLY);
	/* b: CLOSE; its FIN; a's ACK of it; a in TIME_WAIT, b CLOSED */
	KUNIT_ASSERT_EQ(test, xtcp_tcb_close(&b), XTCP_CLOSE_SEND_FIN);
	KUNIT_EXPECT_EQ(test, b.state, XTCP_LAST_ACK);
	fb = XTCP_REPLY(XTCP_FIN | XTCP_ACK, b.snd_nxt, b.rcv_nxt);
	b.snd_nxt++;
	xtcp_expect_input(test, &a, xtcp_transmit(&b, &fb, 0), XTCP_EV_TEXT,
			  XTCP_FIN_WAIT_2, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&a, &r),
			XTCP_EV_PEER_FIN | XTCP_EV_TIME_WAIT);
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 0),
			  XTCP_EV_ACKED | XTCP_EV_CLOSED | XTCP_EV_DROP,
			  XTCP_CLOSED, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, a.state, XTCP_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, a.rcv_nxt, b.snd_nxt);
	KUNIT_EXPECT_EQ(test, b.snd_una, b.snd_nxt);

	/* simultaneous close (figure 13): both FINs cross */
	xtcp_tcb_init(&a, XTCP_T_MSS, XTCP_T_RCV_WND, XTCP_T_RCV_WSCALE);
	xtcp_tcb_init(&b, 1200, 100000, 3);
	xtcp_tcb_connect(&a, iss, &r);
	{
		struct xtcp_seg s = xtcp_transmit(&a, &r, 0);

		xtcp_tcb_accept_syn(&b, &s, irs, &r);
		s = xtcp_transmit(&b, &r, 0);
		xtcp_tcb_input(&a, &s, &r);
		s = xtcp_transmit(&a, &r, 0);
		xtcp_tcb_input(&b, &s, &r);
	}
	xtcp_tcb_close(&a);
	fa = XTCP_REPLY(XTCP_FIN | XTCP_ACK, a.snd_nxt, a.rcv_nxt);
	a.snd_nxt++;
	xtcp_tcb_close(&b);
	fb = XTCP_REPLY(XTCP_FIN | XTCP_ACK, b.snd_nxt, b.rcv_nxt);
	b.snd_nxt++;
	KUNIT_EXPECT_EQ(test, a.state, XTCP_FIN_WAIT_1);
	KUNIT_EXPECT_EQ(test, b.state, XTCP_FIN_WAIT_1);
	xtcp_expect_input(test, &a, xtcp_transmit(&b, &fb, 0), XTCP_EV_TEXT,
			  XTCP_FIN_WAIT_1, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&a, &fa), XTCP_EV_PEER_FIN);
	KUNIT_EXPECT_EQ(test, a.state, XTCP_CLOSING);
	r = XTCP_REPLY(XTCP_FIN | XTCP_ACK, iss + 1, irs + 1);	/* a's FIN */
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &r, 0), XTCP_EV_TEXT,
			  XTCP_FIN_WAIT_1, XTCP_NO_REPLY);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_fin(&b, &fb), XTCP_EV_PEER_FIN);
	KUNIT_EXPECT_EQ(test, b.state, XTCP_CLOSING);
	/* each ACK of a FIN: TIME_WAIT on both sides */
	xtcp_expect_input(test, &a, xtcp_transmit(&b, &fb, 0),
			  XTCP_EV_ACKED | XTCP_EV_TIME_WAIT | XTCP_EV_DROP,
			  XTCP_TIME_WAIT, XTCP_NO_REPLY);
	xtcp_expect_input(test, &b, xtcp_transmit(&a, &fa, 0),
			  XTCP_EV_ACKED | XTCP_EV_TIME_WAIT | XTCP_EV_DROP,
			  XTCP_TIME_WAIT, XTCP_NO_REPLY);
}

/* ---- the events the socket side calls, in every state ------------------ */

/*
 * Bring @tcb into @state along the paths the fixtures take (TIME_WAIT:
 * CLOSING and the ACK of our FIN).
 */
static void xtcp_fix_state(struct kunit *test, struct xtcp_tcb *tcb,
			   const struct xtcp_nums *n, enum xtcp_state state)
{
	struct xtcp_reply r;
	struct xtcp_seg s;

	switch (state) {
	case XTCP_CLOSED:
		xtcp_fix_closed(tcb);
		break;
	case XTCP_LISTEN:
		xtcp_fix_listen(tcb);
		break;
	case XTCP_SYN_SENT:
		xtcp_fix_syn_sent(test, tcb, n);
		break;
	case XTCP_SYN_RECEIVED:
		xtcp_fix_syn_received(test, tcb, n);
		break;
	case XTCP_ESTABLISHED:
		xtcp_fix_established(test, tcb, n);
		break;
	case XTCP_FIN_WAIT_1:
		xtcp_fix_fin_wait_1(test, tcb, n);
		break;
	case XTCP_FIN_WAIT_2:
		xtcp_fix_fin_wait_2(test, tcb, n);
		break;
	case XTCP_CLOSE_WAIT:
		xtcp_fix_close_wait(test, tcb, n);
		break;
	case XTCP_CLOSING:
		xtcp_fix_closing(test, tcb, n);
		break;
	case XTCP_LAST_ACK:
		xtcp_fix_last_ack(test, tcb, n);
		break;
	case XTCP_TIME_WAIT:
		xtcp_fix_closing(test, tcb, n);
		s = xtcp_mkseg(XTCP_ACK, tcb->rcv_nxt, tcb->snd_nxt, 0);
		xtcp_tcb_input(tcb, &s, &r);
		break;
	default:
		KUNIT_FAIL(test, "no fixture for state %d", state);
		return;
	}
	KUNIT_ASSERT_EQ_MSG(test, tcb->state, state, "fixture for %s",
			    xtcp_state_name(state));
}

/* OPEN, passive (§3.10.1): from CLOSED only; elsewhere nothing changes. */
static void xtcp_events_listen(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb, before;
	enum xtcp_state s;

	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++) {
		xtcp_fix_state(test, &tcb, n, s);
		before = tcb;
		KUNIT_EXPECT_EQ_MSG(test, xtcp_tcb_listen(&tcb), s == XTCP_CLOSED,
				    "%s", xtcp_state_name(s));
		if (s == XTCP_CLOSED) {
			KUNIT_EXPECT_EQ(test, tcb.state, XTCP_LISTEN);
			before.state = XTCP_LISTEN;
		}
		KUNIT_EXPECT_MEMEQ_MSG(test, &tcb, &before, sizeof(tcb), "%s",
				       xtcp_state_name(s));
	}
}

/*
 * Delete the TCB (a timeout, a child that never completed, TIME_WAIT
 * handed over): CLOSED from every state, nothing sent, nothing else
 * touched.
 */
static void xtcp_events_delete(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb, before;
	enum xtcp_state s;

	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++) {
		xtcp_fix_state(test, &tcb, n, s);
		before = tcb;
		before.state = XTCP_CLOSED;
		xtcp_tcb_delete(&tcb);
		KUNIT_EXPECT_MEMEQ_MSG(test, &tcb, &before, sizeof(tcb), "%s",
				       xtcp_state_name(s));
	}
}

/* ABORT (§3.10.5) and CLOSE (§3.10.4) end in CLOSED where they say so. */
static void xtcp_events_abort_close(struct kunit *test)
{
	static const enum xtcp_state close_to[XTCP_NR_STATES] = {
		[XTCP_CLOSED] = XTCP_CLOSED, [XTCP_LISTEN] = XTCP_CLOSED,
		[XTCP_SYN_SENT] = XTCP_CLOSED,
		[XTCP_SYN_RECEIVED] = XTCP_FIN_WAIT_1,
		[XTCP_ESTABLISHED] = XTCP_FIN_WAIT_1,
		[XTCP_FIN_WAIT_1] = XTCP_FIN_WAIT_1,
		[XTCP_FIN_WAIT_2] = XTCP_FIN_WAIT_2,
		[XTCP_CLOSE_WAIT] = XTCP_LAST_ACK, [XTCP_CLOSING] = XTCP_CLOSING,
		[XTCP_LAST_ACK] = XTCP_LAST_ACK, [XTCP_TIME_WAIT] = XTCP_TIME_WAIT,
	};
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_reply r;
	struct xtcp_tcb tcb;
	enum xtcp_state s;

	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++) {
		xtcp_fix_state(test, &tcb, n, s);
		xtcp_tcb_abort(&tcb, &r);
		KUNIT_EXPECT_EQ_MSG(test, tcb.state, XTCP_CLOSED, "abort in %s",
				    xtcp_state_name(s));
		xtcp_fix_state(test, &tcb, n, s);
		xtcp_tcb_close(&tcb);
		KUNIT_EXPECT_EQ_MSG(test, tcb.state, close_to[s], "close in %s",
				    xtcp_state_name(s));
	}
}

/* Where data and FIN sequence numbers start: right after our SYN. */
static void xtcp_events_write_seq(struct kunit *test)
{
	const struct xtcp_nums *n = test->param_value;
	struct xtcp_tcb tcb;

	xtcp_fix_syn_sent(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, tcb.write_seq, n->iss + 1);
	KUNIT_EXPECT_EQ(test, xtcp_tcb_snd_end(&tcb), n->iss + 1);
	xtcp_fix_syn_received(test, &tcb, n);
	KUNIT_EXPECT_EQ(test, tcb.write_seq, n->iss + 1);
	KUNIT_EXPECT_FALSE(test, tcb.fin_queued);
	/* our FIN acknowledged: SND.UNA is one past write_seq */
	xtcp_fix_fin_wait_2(test, &tcb, n);
	KUNIT_EXPECT_TRUE(test, xtcp_tcb_fin_acked(&tcb));
	KUNIT_EXPECT_EQ(test, tcb.snd_una, tcb.write_seq + 1);
	KUNIT_EXPECT_EQ(test, tcb.snd_una, xtcp_tcb_snd_end(&tcb));
}

/* The lists of states, each kept once in state.c. */
static void xtcp_events_predicates(struct kunit *test)
{
	static const bool receives[XTCP_NR_STATES] = {
		[XTCP_ESTABLISHED] = true, [XTCP_FIN_WAIT_1] = true,
		[XTCP_FIN_WAIT_2] = true,
	};
	static const bool keepalive[XTCP_NR_STATES] = {
		[XTCP_ESTABLISHED] = true, [XTCP_FIN_WAIT_1] = true,
		[XTCP_FIN_WAIT_2] = true, [XTCP_CLOSE_WAIT] = true,
		[XTCP_CLOSING] = true, [XTCP_LAST_ACK] = true,
	};
	static const bool acks_later[XTCP_NR_STATES] = {
		[XTCP_ESTABLISHED] = true, [XTCP_FIN_WAIT_1] = true,
		[XTCP_FIN_WAIT_2] = true, [XTCP_CLOSE_WAIT] = true,
	};
	enum xtcp_state s;

	for (s = XTCP_CLOSED; s < XTCP_NR_STATES; s++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_state_receives(s), receives[s],
				    "%s", xtcp_state_name(s));
		KUNIT_EXPECT_EQ_MSG(test, xtcp_state_keepalive(s), keepalive[s],
				    "%s", xtcp_state_name(s));
		KUNIT_EXPECT_EQ_MSG(test, xtcp_state_acks_later(s), acks_later[s],
				    "%s", xtcp_state_name(s));
	}
	KUNIT_EXPECT_FALSE(test, xtcp_state_receives(XTCP_NR_STATES));
	KUNIT_EXPECT_FALSE(test, xtcp_state_keepalive(XTCP_NR_STATES));
	KUNIT_EXPECT_FALSE(test, xtcp_state_acks_later(XTCP_NR_STATES));
}

static struct kunit_case xtcp_events_test_cases[] = {
	KUNIT_CASE_PARAM(xtcp_events_listen, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_events_delete, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_events_abort_close, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_events_write_seq, xtcp_nums_gen_params),
	KUNIT_CASE(xtcp_events_predicates),
	{}
};

static struct kunit_suite xtcp_state_events_suite = {
	.name = "xtcp_state_events",
	.test_cases = xtcp_events_test_cases,
};

static struct kunit_case xtcp_close_test_cases[] = {
	KUNIT_CASE_PARAM(xtcp_close_call, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_fin_wait_1, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_fin_wait_2, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_closing, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_close_wait, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_last_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_rst_syn, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_old_ack, xtcp_nums_gen_params),
	KUNIT_CASE_PARAM(xtcp_close_exchange, xtcp_nums_gen_params),
	KUNIT_CASE(xtcp_close_state_sends),
	{}
};

static struct kunit_suite xtcp_close_suite = {
	.name = "xtcp_close",
	.test_cases = xtcp_close_test_cases,
};

kunit_test_suites(&xtcp_state_suite, &xtcp_close_suite,
		  &xtcp_state_events_suite);
