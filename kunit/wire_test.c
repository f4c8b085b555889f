// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's sequence arithmetic (seq.h), wire format (wire.c)
 * and initial sequence numbers (isn.c).
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/siphash.h>
#include <linux/string.h>

#include "compat.h"
#include "isn.h"
#include "seq.h"
#include "wire.h"

/* ---- seq.h ------------------------------------------------------------- */

/* One pair of sequence numbers and what every comparison says about it. */
struct xtcp_seq_case {
	u32	a, b;
	bool	before, after, leq, geq;
};

static const struct xtcp_seq_case xtcp_seq_cases[] = {
	{ 1, 2,				true,  false, true,  false },
	{ 2, 1,				false, true,  false, true  },
	{ 7, 7,				false, false, true,  true  },
	/* across the wrap: 0xffffffff comes just before 0 */
	{ 0xffffffff, 0,		true,  false, true,  false },
	{ 0, 0xffffffff,		false, true,  false, true  },
	{ 0xfffffff0, 0x10,		true,  false, true,  false },
	{ 0x10, 0xfffffff0,		false, true,  false, true  },
	{ 0xffffffff, 0xffffffff,	false, false, true,  true  },
	/* 2^31 - 1 apart: still ordered, both ways round */
	{ 0, 0x7fffffff,		true,  false, true,  false },
	{ 0x7fffffff, 0,		false, true,  false, true  },
	{ 0x80000000, 0xffffffff,	true,  false, true,  false },
	{ 0xffffffff, 0x80000000,	false, true,  false, true  },
	{ 0x80000001, 0,		true,  false, true,  false },
	/*
	 * Exactly 2^31 apart the signed distance is S32_MIN whichever way
	 * round: each is "before" and "after" the other, so neither is =< or
	 * >= the other (RFC 9293 §3.4 leaves this undefined; Linux's before()
	 * and after() give the same answers).
	 */
	{ 0, 0x80000000,		true,  true,  false, false },
	{ 0x80000000, 0,		true,  true,  false, false },
	{ 0xffffffff, 0x7fffffff,	true,  true,  false, false },
};

static void xtcp_seq_compare(struct kunit *test)
{
	const struct xtcp_seq_case *c;

	for (c = xtcp_seq_cases; c < xtcp_seq_cases + ARRAY_SIZE(xtcp_seq_cases); c++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_before(c->a, c->b), c->before,
				    "before(%#x, %#x)", c->a, c->b);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_after(c->a, c->b), c->after,
				    "after(%#x, %#x)", c->a, c->b);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_leq(c->a, c->b), c->leq,
				    "leq(%#x, %#x)", c->a, c->b);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_geq(c->a, c->b), c->geq,
				    "geq(%#x, %#x)", c->a, c->b);
	}
}

/* One x against an interval, for both the half-open and the ACK form. */
struct xtcp_seq_range_case {
	u32	x, lo, hi;
	bool	in;		/* lo <= x < hi */
	bool	in_ack;		/* lo < x <= hi */
};

static const struct xtcp_seq_range_case xtcp_seq_range_cases[] = {
	{ 100, 100, 200,			true,  false },
	{ 150, 100, 200,			true,  true  },
	{ 199, 100, 200,			true,  true  },
	{ 200, 100, 200,			false, true  },
	{ 99, 100, 200,				false, false },
	{ 201, 100, 200,			false, false },
	/* an empty interval holds nothing */
	{ 100, 100, 100,			false, false },
	/* an interval straddling 2^32 */
	{ 0xfffffff0, 0xfffffff0, 0x10,		true,  false },
	{ 0xffffffff, 0xfffffff0, 0x10,		true,  true  },
	{ 0, 0xfffffff0, 0x10,			true,  true  },
	{ 0xf, 0xfffffff0, 0x10,		true,  true  },
	{ 0x10, 0xfffffff0, 0x10,		false, true  },
	{ 0x11, 0xfffffff0, 0x10,		false, false },
	{ 0xffffffef, 0xfffffff0, 0x10,		false, false },
	/* the SYN_SENT test: ISS < SEG.ACK =< SND.NXT with ISS = 2^32 - 1 */
	{ 0, 0xffffffff, 0,			false, true  },
	{ 0xffffffff, 0xffffffff, 0,		true,  false },
	{ 1, 0xffffffff, 0,			false, false },
	/* the widest ordered interval: 2^31 - 1 */
	{ 0x7ffffffe, 0, 0x7fffffff,		true,  true  },
	{ 0x7fffffff, 0, 0x7fffffff,		false, true  },
	{ 0x80000000, 0, 0x7fffffff,		false, false },
};

static void xtcp_seq_ranges(struct kunit *test)
{
	const struct xtcp_seq_range_case *c;

	for (c = xtcp_seq_range_cases;
	     c < xtcp_seq_range_cases + ARRAY_SIZE(xtcp_seq_range_cases); c++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_in(c->x, c->lo, c->hi), c->in,
				    "in(%#x, [%#x, %#x))", c->x, c->lo, c->hi);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_seq_in_ack(c->x, c->lo, c->hi), c->in_ack,
				    "in_ack(%#x, (%#x, %#x])", c->x, c->lo, c->hi);
	}
}

/* The comparisons agree with each other for every distance around 2^31. */
static void xtcp_seq_consistent(struct kunit *test)
{
	static const u32 bases[] = { 0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };
	static const u32 dists[] = { 1, 2, 0x7ffffffe, 0x7fffffff };
	int i, j;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		for (j = 0; j < ARRAY_SIZE(dists); j++) {
			u32 a = bases[i], b = bases[i] + dists[j];

			KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_before(a, b), "%#x %#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_before(b, a), "%#x %#x", a, b);
			KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_after(b, a), "%#x %#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_after(a, b), "%#x %#x", a, b);
			KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_in(a, a, b), "%#x %#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_in(b, a, b), "%#x %#x", a, b);
			KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_in_ack(b, a, b), "%#x %#x", a, b);
			KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_in_ack(a, a, b), "%#x %#x", a, b);
		}
	}
}

static struct kunit_case xtcp_seq_test_cases[] = {
	KUNIT_CASE(xtcp_seq_compare),
	KUNIT_CASE(xtcp_seq_ranges),
	KUNIT_CASE(xtcp_seq_consistent),
	{}
};

static struct kunit_suite xtcp_seq_suite = {
	.name = "xtcp_seq",
	.test_cases = xtcp_seq_test_cases,
};

/* ---- wire.c: options --------------------------------------------------- */

/* An options area and what xtcp_parse_options() must make of it. */
struct xtcp_opt_case {
	const char	*name;
	u8		opt[40];
	int		len;
	int		ret;
	u16		mss;
	u8		wscale;
	bool		wscale_ok;
};

static const struct xtcp_opt_case xtcp_opt_cases[] = {
	{ "empty", {}, 0, 0, 0, 0, false },
	{ "mss", { 2, 4, 0x05, 0xb4 }, 4, 0, 1460, 0, false },
	{ "mss 0xffff", { 2, 4, 0xff, 0xff }, 4, 0, 65535, 0, false },
	{ "wscale", { 3, 3, 7 }, 3, 0, 0, 7, true },
	{ "wscale 0", { 3, 3, 0 }, 3, 0, 0, 0, true },
	{ "syn options", { 2, 4, 0x02, 0x18, 1, 3, 3, 9 }, 8, 0, 536, 9, true },
	{ "wscale first", { 1, 3, 3, 2, 2, 4, 0x05, 0xb4 }, 8, 0, 1460, 2, true },
	{ "nops", { 1, 1, 1, 1, 2, 4, 0x05, 0xb4 }, 8, 0, 1460, 0, false },
	{ "trailing nop", { 2, 4, 0x05, 0xb4, 1 }, 5, 0, 1460, 0, false },
	/* EOL ends the list: whatever follows is not looked at */
	{ "eol first", { 0, 2, 4, 0x05, 0xb4 }, 5, 0, 0, 0, false },
	{ "eol then junk", { 2, 4, 0x05, 0xb4, 0, 2, 0, 0xff }, 8, 0, 1460, 0, false },
	{ "eol then wscale", { 1, 0, 3, 3, 7, 0, 0, 0 }, 8, 0, 0, 0, false },
	{ "eol padding", { 3, 3, 5, 0 }, 4, 0, 0, 5, true },
	/* unknown options are skipped by their length */
	{ "timestamps skipped",
	  { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 3, 3, 4 }, 16, 0, 0, 4, true },
	{ "sack-ok skipped", { 4, 2, 2, 4, 0x01, 0x00 }, 6, 0, 256, 0, false },
	{ "unknown kind 253", { 253, 6, 2, 4, 3, 3, 2, 4, 0x05, 0xb4 }, 10, 0, 1460, 0, false },
	{ "unknown at end", { 2, 4, 0x05, 0xb4, 99, 2 }, 6, 0, 1460, 0, false },
	/* RFC 7323 §2.3: shifts above 14 are used as 14 */
	{ "wscale 14", { 3, 3, 14 }, 3, 0, 0, 14, true },
	{ "wscale 15", { 3, 3, 15 }, 3, 0, 0, 14, true },
	{ "wscale 255", { 3, 3, 255 }, 3, 0, 0, 14, true },
	/* malformed */
	{ "mss len 0", { 2, 0, 0x05, 0xb4 }, 4, -EINVAL },
	{ "mss len 1", { 2, 1, 0x05, 0xb4 }, 4, -EINVAL },
	{ "unknown len 0", { 99, 0, 1, 1 }, 4, -EINVAL },
	{ "unknown len 1", { 99, 1, 1, 1 }, 4, -EINVAL },
	{ "wscale len 0", { 3, 0, 7, 1 }, 4, -EINVAL },
	{ "mss past area", { 2, 4, 0x05 }, 3, -EINVAL },
	{ "mss past area after nop", { 1, 2, 4, 0x05 }, 4, -EINVAL },
	{ "unknown past area", { 8, 10, 1, 2, 3, 4, 5, 6 }, 8, -EINVAL },
	{ "unknown one past", { 99, 5, 0, 0 }, 4, -EINVAL },
	{ "mss len 3", { 2, 3, 0x05, 1 }, 4, -EINVAL },
	{ "mss len 5", { 2, 5, 0x05, 0xb4, 1 }, 5, -EINVAL },
	{ "mss len 2", { 2, 2, 1, 1 }, 4, -EINVAL },
	{ "wscale len 2", { 3, 2, 1, 1 }, 4, -EINVAL },
	{ "wscale len 4", { 3, 4, 7, 0 }, 4, -EINVAL },
	{ "lone mss kind", { 1, 1, 1, 2 }, 4, -EINVAL },
	{ "lone wscale kind", { 1, 1, 1, 3 }, 4, -EINVAL },
	{ "lone unknown kind", { 2, 4, 0x05, 0xb4, 0x55 }, 5, -EINVAL },
	{ "bad after good", { 2, 4, 0x05, 0xb4, 3, 3, 7, 99, 0 }, 9, -EINVAL },
};

static void xtcp_wire_parse_options(struct kunit *test)
{
	const struct xtcp_opt_case *c;
	struct xtcp_opts o;
	int ret;

	for (c = xtcp_opt_cases; c < xtcp_opt_cases + ARRAY_SIZE(xtcp_opt_cases); c++) {
		/* the result is cleared first, whatever it held */
		memset(&o, 0xa5, sizeof(o));
		ret = xtcp_parse_options(c->opt, c->len, &o);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->ret, "%s", c->name);
		if (ret || c->ret)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, o.mss, c->mss, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, o.wscale, c->wscale, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, o.wscale_ok, c->wscale_ok, "%s", c->name);
	}
}

/* Each malformed option fails however much valid padding comes before it. */
static void xtcp_wire_parse_after_nops(struct kunit *test)
{
	static const struct {
		u8	b[4];
		int	len;
	} bad[] = {
		{ { 2, 0 }, 2 },		/* length 0 */
		{ { 99, 1 }, 2 },		/* length 1 */
		{ { 2, 3, 0 }, 3 },		/* MSS of length 3 */
		{ { 2, 5, 0, 0 }, 4 },		/* runs one past the area */
		{ { 3, 2 }, 2 },		/* window scale of length 2 */
		{ { 3, 4, 0, 0 }, 4 },		/* window scale of length 4 */
		{ { 3 }, 1 },			/* a lone kind byte */
	};
	struct xtcp_opts o;
	u8 area[12];
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(area, XTCP_OPT_NOP, sizeof(area));
		memcpy(area + 8, bad[i].b, 4);
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    xtcp_parse_options(area, 8 + bad[i].len, &o),
				    "case %d", i);
	}
	/* a last byte that is a kind needing a length; EOL and NOP do not */
	memset(area, XTCP_OPT_NOP, sizeof(area));
	area[11] = XTCP_OPT_MSS;
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_parse_options(area, 12, &o));
	area[11] = 0x55;
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_parse_options(area, 12, &o));
	area[11] = XTCP_OPT_EOL;
	KUNIT_EXPECT_EQ(test, 0, xtcp_parse_options(area, 12, &o));
	area[11] = XTCP_OPT_NOP;
	KUNIT_EXPECT_EQ(test, 0, xtcp_parse_options(area, 12, &o));
	/* the same area, shortened to end before the bad byte, is fine */
	area[11] = XTCP_OPT_MSS;
	KUNIT_EXPECT_EQ(test, 0, xtcp_parse_options(area, 11, &o));
}

/* ---- wire.c: headers --------------------------------------------------- */

union xtcp_test_hdr {
	struct tcphdr	th;
	u8		b[XTCP_MAX_HLEN + 4];
};

static void xtcp_test_hdr_init(union xtcp_test_hdr *h, unsigned int doff)
{
	memset(h, 0, sizeof(*h));
	h->th.source = htons(40000);
	h->th.dest = htons(7000);
	h->th.seq = htonl(1000);
	h->th.doff = doff;
	h->th.syn = 1;
	h->th.window = htons(65535);
	/* the options area, if any, all NOPs */
	memset(h->b + XTCP_HLEN, XTCP_OPT_NOP, sizeof(h->b) - XTCP_HLEN);
}

static void xtcp_wire_check_short(struct kunit *test)
{
	union xtcp_test_hdr h;
	struct xtcp_opts o;

	xtcp_test_hdr_init(&h, 5);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_SHORT, xtcp_check_header(&h.th, 0, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_SHORT, xtcp_check_header(&h.th, 1, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_SHORT, xtcp_check_header(&h.th, 19, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 20, &o));
	/* a short segment is short whatever its data offset claims */
	xtcp_test_hdr_init(&h, 0);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_SHORT, xtcp_check_header(&h.th, 19, &o));
}

static void xtcp_wire_check_doff(struct kunit *test)
{
	union xtcp_test_hdr h;
	struct xtcp_opts o;
	unsigned int doff;

	/* data offset below 5 words */
	for (doff = 0; doff < 5; doff++) {
		xtcp_test_hdr_init(&h, doff);
		KUNIT_EXPECT_EQ_MSG(test, XTCP_DROP_DOFF, xtcp_check_header(&h.th, 20, &o),
				    "doff %u", doff);
		KUNIT_EXPECT_EQ_MSG(test, XTCP_DROP_DOFF, xtcp_check_header(&h.th, 1500, &o),
				    "doff %u", doff);
	}
	/* data offset past the segment */
	xtcp_test_hdr_init(&h, 6);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_DOFF, xtcp_check_header(&h.th, 20, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_DOFF, xtcp_check_header(&h.th, 23, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 24, &o));
	xtcp_test_hdr_init(&h, 15);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_DOFF, xtcp_check_header(&h.th, 59, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 60, &o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 61, &o));
}

/* xtcp_hdr_len(): the one data-offset check of input, GSO and GRO. */
static void xtcp_wire_hdr_len(struct kunit *test)
{
	union xtcp_test_hdr h;
	unsigned int doff;

	for (doff = 0; doff < 5; doff++) {
		xtcp_test_hdr_init(&h, doff);
		KUNIT_EXPECT_EQ_MSG(test, 0, xtcp_hdr_len(&h.th, 1500),
				    "doff %u", doff);
	}
	for (doff = 5; doff < 16; doff++) {
		xtcp_test_hdr_init(&h, doff);
		KUNIT_EXPECT_EQ(test, doff * 4, xtcp_hdr_len(&h.th, doff * 4));
		KUNIT_EXPECT_EQ(test, doff * 4, xtcp_hdr_len(&h.th, 65535));
		KUNIT_EXPECT_EQ(test, 0, xtcp_hdr_len(&h.th, doff * 4 - 1));
		KUNIT_EXPECT_EQ(test, 0, xtcp_hdr_len(&h.th, 0));
	}
}

static void xtcp_wire_check_opts(struct kunit *test)
{
	static const u8 bad[][4] = {
		{ 2, 0, 0, 0 }, { 2, 1, 0, 0 }, { 2, 3, 0, 0 }, { 3, 4, 7, 0 },
		{ 1, 1, 1, 2 }, { 1, 1, 99, 3 }, { 8, 10, 0, 0 },
	};
	union xtcp_test_hdr h;
	struct xtcp_opts o;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xtcp_test_hdr_init(&h, 6);
		memcpy(h.b + XTCP_HLEN, bad[i], 4);
		KUNIT_EXPECT_EQ_MSG(test, XTCP_DROP_OPTS, xtcp_check_header(&h.th, 24, &o),
				    "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, XTCP_DROP_OPTS, xtcp_check_header(&h.th, 1000, &o),
				    "case %d", i);
	}
	/*
	 * Only the data offset bounds the options: a bad option just past
	 * the header is payload, not an option.
	 */
	xtcp_test_hdr_init(&h, 5);
	memcpy(h.b + XTCP_HLEN, bad[0], 4);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 24, &o));
}

static void xtcp_wire_check_good(struct kunit *test)
{
	static const u8 syn_opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	union xtcp_test_hdr h;
	struct xtcp_opts o;

	/* no options: the parsed set is empty even if it held something */
	xtcp_test_hdr_init(&h, 5);
	memset(&o, 0xa5, sizeof(o));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 20, &o));
	KUNIT_EXPECT_EQ(test, 0, o.mss);
	KUNIT_EXPECT_EQ(test, 0, o.wscale);
	KUNIT_EXPECT_FALSE(test, o.wscale_ok);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 1480, &o));

	/* MSS, NOP, window scale */
	xtcp_test_hdr_init(&h, 7);
	memcpy(h.b + XTCP_HLEN, syn_opts, sizeof(syn_opts));
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 28, &o));
	KUNIT_EXPECT_EQ(test, 1460, o.mss);
	KUNIT_EXPECT_EQ(test, 7, o.wscale);
	KUNIT_EXPECT_TRUE(test, o.wscale_ok);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE, xtcp_check_header(&h.th, 1028, &o));
	KUNIT_EXPECT_EQ(test, 1460, o.mss);
	KUNIT_EXPECT_EQ(test, XTCP_DROP_DOFF, xtcp_check_header(&h.th, 27, &o));

	/* flags are byte 13, as TCP's */
	KUNIT_EXPECT_EQ(test, XTCP_SYN, xtcp_flags(&h.th));
	h.th.ack = 1;
	h.th.fin = 1;
	KUNIT_EXPECT_EQ(test, XTCP_SYN | XTCP_ACK | XTCP_FIN, xtcp_flags(&h.th));
}

static void xtcp_wire_syn_options(struct kunit *test)
{
	static const u8 want_mss[] = { 2, 4, 0x05, 0xb4, 0xaa, 0xaa, 0xaa, 0xaa };
	static const u8 want_ws[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	static const u8 want_max[] = { 2, 4, 0xff, 0xff, 1, 3, 3, 14 };
	u8 opt[XTCP_SYN_OPTLEN];
	struct xtcp_opts o;

	/* without window scale: MSS only, nothing written after it */
	memset(opt, 0xaa, sizeof(opt));
	KUNIT_EXPECT_EQ(test, XTCP_OPTLEN_MSS, xtcp_write_syn_options(opt, 1460, false, 7));
	KUNIT_EXPECT_MEMEQ(test, opt, want_mss, sizeof(want_mss));
	KUNIT_EXPECT_EQ(test, 0, xtcp_parse_options(opt, XTCP_OPTLEN_MSS, &o));
	KUNIT_EXPECT_EQ(test, 1460, o.mss);
	KUNIT_EXPECT_FALSE(test, o.wscale_ok);

	/* with it: MSS, NOP, window scale */
	memset(opt, 0xaa, sizeof(opt));
	KUNIT_EXPECT_EQ(test, XTCP_SYN_OPTLEN, xtcp_write_syn_options(opt, 1460, true, 7));
	KUNIT_EXPECT_MEMEQ(test, opt, want_ws, sizeof(want_ws));
	KUNIT_EXPECT_EQ(test, 0, xtcp_parse_options(opt, XTCP_SYN_OPTLEN, &o));
	KUNIT_EXPECT_EQ(test, 1460, o.mss);
	KUNIT_EXPECT_EQ(test, 7, o.wscale);
	KUNIT_EXPECT_TRUE(test, o.wscale_ok);

	memset(opt, 0xaa, sizeof(opt));
	KUNIT_EXPECT_EQ(test, XTCP_SYN_OPTLEN, xtcp_write_syn_options(opt, 65535, true, 14));
	KUNIT_EXPECT_MEMEQ(test, opt, want_max, sizeof(want_max));
}

/* Every MSS and shift survives the trip through the wire format. */
static void xtcp_wire_syn_options_round_trip(struct kunit *test)
{
	static const u16 msses[] = { 1, 88, 536, 1024, 1460, 8960, 65495, 65535 };
	union xtcp_test_hdr h;
	struct xtcp_opts o;
	int i, n, ok;
	u8 ws;

	for (i = 0; i < ARRAY_SIZE(msses); i++) {
		for (ok = 0; ok < 2; ok++) {
			for (ws = 0; ws <= XTCP_MAX_WSCALE; ws++) {
				xtcp_test_hdr_init(&h, 5);
				n = xtcp_write_syn_options(h.b + XTCP_HLEN, msses[i], ok, ws);
				KUNIT_ASSERT_EQ(test, 0, n % 4);
				h.th.doff = 5 + n / 4;
				KUNIT_EXPECT_EQ(test, XTCP_DROP_NONE,
						xtcp_check_header(&h.th, XTCP_HLEN + n, &o));
				KUNIT_EXPECT_EQ(test, msses[i], o.mss);
				KUNIT_EXPECT_EQ(test, (bool)ok, o.wscale_ok);
				KUNIT_EXPECT_EQ(test, ok ? ws : 0, o.wscale);
			}
		}
	}
}

/* ---- wire.c: checksum -------------------------------------------------- */

#define XTCP_TEST_SADDR	0xc0a80001	/* 192.168.0.1 */
#define XTCP_TEST_DADDR	0x0a000263	/* 10.0.2.99 */
#define XTCP_TEST_SEGMAX 1500

/*
 * The Internet checksum the slow way (RFC 1071): the one's-complement sum of
 * 16-bit big-endian words over the pseudo-header (source, destination, zero,
 * protocol, length) and the segment, an odd last byte padded with zero.
 */
static u16 xtcp_test_csum(const u8 *seg, unsigned int len, u32 saddr, u32 daddr,
			  u8 proto)
{
	u32 sum = 0;
	unsigned int i;

	sum += saddr >> 16;
	sum += saddr & 0xffff;
	sum += daddr >> 16;
	sum += daddr & 0xffff;
	sum += proto;
	sum += len;
	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)seg[i] << 8 | seg[i + 1];
	if (len & 1)
		sum += (u32)seg[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* A segment: a header and @len - 20 bytes of patterned payload. */
static void xtcp_test_segment(u8 *seg, unsigned int len)
{
	union xtcp_test_hdr h;
	unsigned int i;

	xtcp_test_hdr_init(&h, 5);
	h.th.ack = 1;
	h.th.ack_seq = htonl(0xdeadbeef);
	memcpy(seg, h.b, XTCP_HLEN);
	for (i = XTCP_HLEN; i < len; i++)
		seg[i] = (u8)(i * 7 + 3);
}

/* The checksum field as it goes on the wire, read back as a number. */
static u16 xtcp_test_wire_csum_from(const u8 *seg, unsigned int len, u32 saddr,
				    u8 proto)
{
	__sum16 c = xtcp_checksum(seg, len, htonl(saddr), htonl(XTCP_TEST_DADDR),
				  proto);

	return get_unaligned_be16(&c);
}

static u16 xtcp_test_wire_csum(const u8 *seg, unsigned int len, u8 proto)
{
	return xtcp_test_wire_csum_from(seg, len, XTCP_TEST_SADDR, proto);
}

static void xtcp_wire_checksum(struct kunit *test)
{
	static const unsigned int lens[] = { 20, 21, 26, 27, 64, 65, 536, 1401, 1500 };
	u8 *seg = kunit_kzalloc(test, XTCP_TEST_SEGMAX + 1, GFP_KERNEL);
	unsigned int len;
	__sum16 c;
	u16 want;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, seg);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = lens[i];
		xtcp_test_segment(seg, len);
		want = xtcp_test_csum(seg, len, XTCP_TEST_SADDR, XTCP_TEST_DADDR, 253);
		KUNIT_EXPECT_EQ_MSG(test, want, xtcp_test_wire_csum(seg, len, 253),
				    "len %u", len);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_test_csum(seg, len, XTCP_TEST_SADDR,
							 XTCP_TEST_DADDR, 6),
				    xtcp_test_wire_csum(seg, len, 6), "len %u", len);

		/* carrying its checksum, the segment sums to zero */
		c = xtcp_checksum(seg, len, htonl(XTCP_TEST_SADDR),
				  htonl(XTCP_TEST_DADDR), 253);
		memcpy(seg + 16, &c, sizeof(c));
		KUNIT_EXPECT_EQ_MSG(test, want, get_unaligned_be16(seg + 16),
				    "len %u", len);
		KUNIT_EXPECT_EQ_MSG(test, 0, xtcp_test_wire_csum(seg, len, 253),
				    "len %u", len);
		KUNIT_EXPECT_EQ_MSG(test, 0, xtcp_test_csum(seg, len, XTCP_TEST_SADDR,
							    XTCP_TEST_DADDR, 253),
				    "len %u", len);
		/* ...but not under another protocol number or another address */
		KUNIT_EXPECT_NE_MSG(test, 0, xtcp_test_wire_csum(seg, len, 6),
				    "len %u", len);
		KUNIT_EXPECT_NE_MSG(test, 0,
				    xtcp_test_wire_csum_from(seg, len, XTCP_TEST_SADDR + 1, 253),
				    "len %u", len);
		/* a flipped bit in the payload is seen */
		seg[len - 1] ^= 0x01;
		KUNIT_EXPECT_NE_MSG(test, 0, xtcp_test_wire_csum(seg, len, 253),
				    "len %u", len);
		seg[len - 1] ^= 0x01;
	}
}

/* The protocol number is in the pseudo-header: 253 and 6 give different sums. */
static void xtcp_wire_checksum_proto(struct kunit *test)
{
	u8 *seg = kunit_kzalloc(test, XTCP_TEST_SEGMAX, GFP_KERNEL);
	u16 xtcp, tcp;
	u32 sum;

	KUNIT_ASSERT_NOT_NULL(test, seg);
	xtcp_test_segment(seg, 40);
	xtcp = xtcp_test_wire_csum(seg, 40, 253);
	tcp = xtcp_test_wire_csum(seg, 40, 6);
	KUNIT_EXPECT_NE(test, xtcp, tcp);
	/* one's-complement: the sums differ by exactly 253 - 6 */
	sum = (u16)~tcp + 247;
	sum = (sum & 0xffff) + (sum >> 16);
	KUNIT_EXPECT_EQ(test, (u16)~xtcp, (u16)sum);
	KUNIT_EXPECT_EQ(test, xtcp, xtcp_test_csum(seg, 40, XTCP_TEST_SADDR,
						   XTCP_TEST_DADDR, 253));
	KUNIT_EXPECT_EQ(test, tcp, xtcp_test_csum(seg, 40, XTCP_TEST_SADDR,
						  XTCP_TEST_DADDR, 6));
}

/* The sum does not depend on where the segment sits in memory. */
static void xtcp_wire_checksum_unaligned(struct kunit *test)
{
	static const unsigned int lens[] = { 20, 27, 1401 };
	u8 *buf = kunit_kzalloc(test, XTCP_TEST_SEGMAX + 8, GFP_KERNEL);
	unsigned int off, len;
	u16 want;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = lens[i];
		for (off = 0; off < 4; off++) {
			memset(buf, 0xff, XTCP_TEST_SEGMAX + 8);
			xtcp_test_segment(buf + off, len);
			want = xtcp_test_csum(buf + off, len, XTCP_TEST_SADDR,
					      XTCP_TEST_DADDR, 253);
			KUNIT_EXPECT_EQ_MSG(test, want,
					    xtcp_test_wire_csum(buf + off, len, 253),
					    "len %u offset %u", len, off);
		}
	}
}

static struct kunit_case xtcp_wire_test_cases[] = {
	KUNIT_CASE(xtcp_wire_parse_options),
	KUNIT_CASE(xtcp_wire_parse_after_nops),
	KUNIT_CASE(xtcp_wire_check_short),
	KUNIT_CASE(xtcp_wire_check_doff),
	KUNIT_CASE(xtcp_wire_hdr_len),
	KUNIT_CASE(xtcp_wire_check_opts),
	KUNIT_CASE(xtcp_wire_check_good),
	KUNIT_CASE(xtcp_wire_syn_options),
	KUNIT_CASE(xtcp_wire_syn_options_round_trip),
	KUNIT_CASE(xtcp_wire_checksum),
	KUNIT_CASE(xtcp_wire_checksum_proto),
	KUNIT_CASE(xtcp_wire_checksum_unaligned),
	{}
};

static struct kunit_suite xtcp_wire_suite = {
	.name = "xtcp_wire",
	.test_cases = xtcp_wire_test_cases,
};

/* ---- isn.c ------------------------------------------------------------- */

static const siphash_key_t xtcp_test_key1 = {
	{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }
};

static const siphash_key_t xtcp_test_key2 = {
	{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0909ULL }
};

/* A tick boundary in 2025, as ktime_get_real_ns() would give. */
#define XTCP_TEST_T0	1764000000000000000ULL

struct xtcp_tuple {
	__be32	saddr, daddr;
	__be16	sport, dport;
};

static u32 xtcp_test_isn(const siphash_key_t *key, const struct xtcp_tuple *t, u64 ns)
{
	return xtcp_isn_at(key, t->saddr, t->daddr, t->sport, t->dport, ns);
}

static const struct xtcp_tuple xtcp_test_tuple = {
	.saddr = htonl(0x0a000001), .daddr = htonl(0x0a000002),
	.sport = htons(40000), .dport = htons(7000),
};

/* The IPv6 ISN (isn.c): the same clock, F() over the IPv6 4-tuple. */
static void xtcp_isn6_tuple(struct kunit *test)
{
	struct in6_addr a = IN6ADDR_LOOPBACK_INIT, b = IN6ADDR_LOOPBACK_INIT;
	__be16 sp = htons(40000), dp = htons(7000);
	u32 isn;

	b.s6_addr[0] = 0x20;
	isn = xtcp_isn6_at(&xtcp_test_key1, &a, &b, sp, dp, XTCP_TEST_T0);
	KUNIT_EXPECT_EQ(test, isn, xtcp_isn6_at(&xtcp_test_key1, &a, &b, sp,
						dp, XTCP_TEST_T0));
	/* M ticks every 4 us */
	KUNIT_EXPECT_EQ(test, isn + 250, xtcp_isn6_at(&xtcp_test_key1, &a, &b,
						      sp, dp,
						      XTCP_TEST_T0 + 1000000));
	/* every part of the tuple, and the key, moves it */
	KUNIT_EXPECT_NE(test, isn, xtcp_isn6_at(&xtcp_test_key1, &b, &a, sp,
						dp, XTCP_TEST_T0));
	KUNIT_EXPECT_NE(test, isn, xtcp_isn6_at(&xtcp_test_key1, &a, &b, dp,
						sp, XTCP_TEST_T0));
	KUNIT_EXPECT_NE(test, isn, xtcp_isn6_at(&xtcp_test_key2, &a, &b, sp,
						dp, XTCP_TEST_T0));
	b.s6_addr[15] ^= 1;	/* the last byte counts */
	KUNIT_EXPECT_NE(test, isn, xtcp_isn6_at(&xtcp_test_key1, &a, &b, sp,
						dp, XTCP_TEST_T0));
}

static void xtcp_isn_repeatable(struct kunit *test)
{
	const struct xtcp_tuple *t = &xtcp_test_tuple;
	u32 isn = xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0);
	siphash_key_t k = xtcp_test_key1;

	KUNIT_EXPECT_EQ(test, isn, xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0));
	KUNIT_EXPECT_EQ(test, isn, xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0));
	/* a copy of the key is the same key */
	KUNIT_EXPECT_EQ(test, isn, xtcp_test_isn(&k, t, XTCP_TEST_T0));
}

/*
 * A known answer, computed apart from the kernel (a SipHash-2-4 written
 * from the paper, checked against its reference vector): the key is
 * 00 01 .. 0f, and siphash_3u32() hashes the 12 bytes of the three words
 * as they lie in memory on a little-endian machine: 0a 00 00 01,
 * 0a 00 00 02, 1b 58 9c 40 (ports 7000 and 40000 in network order).
 * SipHash gives 0x....f63047d8; XTCP_TEST_T0 / 4000 ticks are added.
 */
static void xtcp_isn_known_answer(struct kunit *test)
{
	const struct xtcp_tuple *t = &xtcp_test_tuple;

	if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))
		kunit_skip(test, "the answer is for little-endian words");
	KUNIT_EXPECT_EQ(test, xtcp_test_isn(&xtcp_test_key1, t, 0), 0xf63047d8u);
	KUNIT_EXPECT_EQ(test, xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0),
			0x4688d7d8u);
}

static void xtcp_isn_tuple(struct kunit *test)
{
	const struct xtcp_tuple base = xtcp_test_tuple;
	u32 isn = xtcp_test_isn(&xtcp_test_key1, &base, XTCP_TEST_T0);
	struct xtcp_tuple t;

	t = base;
	t.saddr = htonl(0x0a000003);
	KUNIT_EXPECT_NE(test, isn, xtcp_test_isn(&xtcp_test_key1, &t, XTCP_TEST_T0));
	t = base;
	t.daddr = htonl(0x0a000003);
	KUNIT_EXPECT_NE(test, isn, xtcp_test_isn(&xtcp_test_key1, &t, XTCP_TEST_T0));
	t = base;
	t.sport = htons(40001);
	KUNIT_EXPECT_NE(test, isn, xtcp_test_isn(&xtcp_test_key1, &t, XTCP_TEST_T0));
	t = base;
	t.dport = htons(7001);
	KUNIT_EXPECT_NE(test, isn, xtcp_test_isn(&xtcp_test_key1, &t, XTCP_TEST_T0));
	/* the reverse direction of a connection is another tuple */
	t.saddr = base.daddr;
	t.daddr = base.saddr;
	t.sport = base.dport;
	t.dport = base.sport;
	KUNIT_EXPECT_NE(test, isn, xtcp_test_isn(&xtcp_test_key1, &t, XTCP_TEST_T0));
	/* ports swapped, addresses kept */
	t = base;
	t.sport = base.dport;
	t.dport = base.sport;
	KUNIT_EXPECT_NE(test, isn, xtcp_test_isn(&xtcp_test_key1, &t, XTCP_TEST_T0));
}

/* M ticks every 4 µs: the ISN advances by floor(t / 4000) and nothing else. */
static void xtcp_isn_clock(struct kunit *test)
{
	static const struct {
		u64	from;		/* offset from XTCP_TEST_T0, ns */
		u64	dt;		/* ns */
		u32	ticks;
	} steps[] = {
		{ 0, 0, 0 },
		{ 0, 1, 0 },
		{ 0, 3999, 0 },
		{ 0, 4000, 1 },
		{ 0, 4001, 1 },
		{ 0, 7999, 1 },
		{ 0, 8000, 2 },
		{ 0, 4000000, 1000 },		/* 4 ms */
		{ 0, 1000000000, 250000 },	/* 1 s */
		{ 3999, 1, 1 },			/* across a boundary by 1 ns */
		{ 1, 3999, 1 },
		{ 1, 3998, 0 },
		{ 2000, 4000, 1 },
		/* 2^32 ticks (about 4.8 hours) is a full turn of the u32 */
		{ 0, 4000ULL << 32, 0 },
		{ 0, (4000ULL << 32) + 4000, 1 },
		{ 0, (4000ULL << 31), 0x80000000 },
	};
	const struct xtcp_tuple *t = &xtcp_test_tuple;
	u32 a, b;
	int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		a = xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0 + steps[i].from);
		b = xtcp_test_isn(&xtcp_test_key1, t,
				  XTCP_TEST_T0 + steps[i].from + steps[i].dt);
		KUNIT_EXPECT_EQ_MSG(test, b - a, steps[i].ticks, "+%llu ns from +%llu",
				    steps[i].dt, steps[i].from);
	}
	/* from time zero, the ISN is F itself plus the tick count */
	a = xtcp_test_isn(&xtcp_test_key1, t, 0);
	KUNIT_EXPECT_EQ(test, a, xtcp_test_isn(&xtcp_test_key1, t, 3999));
	KUNIT_EXPECT_EQ(test, a + 1, xtcp_test_isn(&xtcp_test_key1, t, 4000));
	KUNIT_EXPECT_EQ(test, a + lower_32_bits(XTCP_TEST_T0 / 4000),
			xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0));
	/* the clock wraps modulo 2^32: the last tick before it, then zero */
	KUNIT_EXPECT_EQ(test, a - 1,
			xtcp_test_isn(&xtcp_test_key1, t, 4000ULL * 0xffffffffULL));
	KUNIT_EXPECT_EQ(test, a, xtcp_test_isn(&xtcp_test_key1, t, 4000ULL << 32));
}

/* The clock part is the same for every tuple: only F depends on it. */
static void xtcp_isn_clock_per_tuple(struct kunit *test)
{
	struct xtcp_tuple t = xtcp_test_tuple;
	u32 a, b;

	t.sport = htons(55555);
	a = xtcp_test_isn(&xtcp_test_key2, &t, XTCP_TEST_T0);
	b = xtcp_test_isn(&xtcp_test_key2, &t, XTCP_TEST_T0 + 4000000);
	KUNIT_EXPECT_EQ(test, 1000, b - a);
	KUNIT_EXPECT_EQ(test, a - xtcp_test_isn(&xtcp_test_key2, &t, 0),
			xtcp_test_isn(&xtcp_test_key1, &xtcp_test_tuple, XTCP_TEST_T0) -
			xtcp_test_isn(&xtcp_test_key1, &xtcp_test_tuple, 0));
}

static void xtcp_isn_key(struct kunit *test)
{
	const struct xtcp_tuple *t = &xtcp_test_tuple;
	siphash_key_t k = xtcp_test_key1;

	KUNIT_EXPECT_NE(test, xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0),
			xtcp_test_isn(&xtcp_test_key2, t, XTCP_TEST_T0));
	k.key[0] ^= 1ULL << 63;
	KUNIT_EXPECT_NE(test, xtcp_test_isn(&xtcp_test_key1, t, XTCP_TEST_T0),
			xtcp_test_isn(&k, t, XTCP_TEST_T0));
	/* and the key changes F, not the clock */
	KUNIT_EXPECT_EQ(test, 1, xtcp_test_isn(&k, t, XTCP_TEST_T0 + 4000) -
			xtcp_test_isn(&k, t, XTCP_TEST_T0));
}

static struct kunit_case xtcp_isn_test_cases[] = {
	KUNIT_CASE(xtcp_isn_repeatable),
	KUNIT_CASE(xtcp_isn6_tuple),
	KUNIT_CASE(xtcp_isn_known_answer),
	KUNIT_CASE(xtcp_isn_tuple),
	KUNIT_CASE(xtcp_isn_clock),
	KUNIT_CASE(xtcp_isn_clock_per_tuple),
	KUNIT_CASE(xtcp_isn_key),
	{}
};

static struct kunit_suite xtcp_isn_suite = {
	.name = "xtcp_isn",
	.test_cases = xtcp_isn_test_cases,
};

kunit_test_suites(&xtcp_seq_suite, &xtcp_wire_suite, &xtcp_isn_suite);
