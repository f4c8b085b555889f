// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for GSO (offload.c, window.c): how much payload a queued skb
 * carries (xtcp_size_goal), where the sender cuts one (xtcp_send_split),
 * and xtcp_gso_segment() on a super-segment built here: the pieces'
 * boundaries, sequence numbers, flags and checksums, computed in software
 * and left to the device.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "window.h"
#include "wire.h"
#include "xtcp.h"

/* ---- the size goal -------------------------------------------------------- */

static void xtcp_offload_size_goal(struct kunit *test)
{
	/* veth: 65536 - 321 = 65215 bytes, 65535 segments: 45 * 1448 */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 65215, 65535, 0), 45 * 1448);
	/* half of a 64 KiB window: 32768 / 1448 = 22.6 -> 22 segments */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 65215, 65535, 65536), 22 * 1448);
	/* the device's segment limit */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 65215, 8, 0), 8 * 1448);
	/* lo: the MSS exceeds the GSO size: one segment */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(65483, 65215, 65535, 0), 65483);
	/* a window smaller than two segments: one */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 65215, 65535, 2000), 1448);
	/* no segment limit given: one segment at least */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1000, 5000, 0, 0), 1000);
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(0, 65215, 65535, 0), 0);
}

/* ---- where the sender cuts ------------------------------------------------ */

struct xtcp_t_split {
	u32	len, usable, mss, goal;
	bool	hold;
	u32	send;
};

static const struct xtcp_t_split xtcp_t_splits[] = {
	/* all fits: all goes, a runt tail with it when Nagle allows */
	{ 10000, 100000, 1000, 45000, false, 10000 },
	{ 10500, 100000, 1000, 45000, false, 10500 },
	/* Nagle holds the runt: the whole segments go */
	{ 10500, 100000, 1000, 45000, true, 10000 },
	/* nothing to hold: a multiple of the MSS */
	{ 10000, 100000, 1000, 45000, true, 10000 },
	/* the window cuts: whole segments within it (3.5 -> 3) */
	{ 10000, 3500, 1000, 45000, false, 3000 },
	{ 10000, 3500, 1000, 45000, true, 3000 },
	/* a window below one segment, used whole (the caller allowed it) */
	{ 10000, 700, 1000, 45000, false, 700 },
	/* a short skb within a small window */
	{ 500, 700, 1000, 45000, true, 500 },
	/* the goal cuts (the MSS or the route changed): whole segments */
	{ 50000, 100000, 1000, 45000, false, 45000 },
	/* no GSO: the goal is one MSS */
	{ 5000, 100000, 1460, 1460, false, 1460 },
	/* a goal below the MSS still lets one segment go */
	{ 5000, 100000, 1460, 0, false, 1460 },
};

static void xtcp_offload_send_split(struct kunit *test)
{
	const struct xtcp_t_split *v;

	for (v = xtcp_t_splits; v < xtcp_t_splits + ARRAY_SIZE(xtcp_t_splits); v++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_send_split(v->len, v->usable, v->mss,
							  v->goal, v->hold),
				    v->send, "split(%u, %u, %u, %u, %d)", v->len,
				    v->usable, v->mss, v->goal, v->hold);
}

/* ---- xtcp_gso_segment() --------------------------------------------------- */

#define XTCP_T_SADDR	htonl(0xc0000201)	/* 192.0.2.1 */
#define XTCP_T_DADDR	htonl(0xc0000202)
#define XTCP_T_SEQ	0xfffff000u		/* wraps inside the skb */
#define XTCP_T_MSS	1000

static u8 xtcp_t_pattern(u32 off)
{
	return (off * 7 + (off >> 8)) & 0xff;
}

/*
 * A super-segment as it reaches gso_segment (inet_gso_segment() has set the
 * network header and pulled it): IPv4 and our header linear, @payload
 * bytes in a page fragment, CHECKSUM_PARTIAL with the pseudo-header sum of
 * the whole, as xtcp_xmit() leaves it.
 */
static struct sk_buff *xtcp_t_super(struct kunit *test, u32 payload, u8 flags)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER + 40, GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL);
	struct tcphdr *th;
	struct iphdr *iph;
	u8 *p;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_LE(test, payload, (u32)PAGE_SIZE);
	skb_reserve(skb, MAX_HEADER);
	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = xtcp_ipproto;
	iph->saddr = XTCP_T_SADDR;
	iph->daddr = XTCP_T_DADDR;
	iph->tot_len = htons(40 + payload);
	skb_set_transport_header(skb, sizeof(*iph));
	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(1234);
	th->dest = htons(80);
	th->seq = htonl(XTCP_T_SEQ);
	th->ack_seq = htonl(77);
	th->doff = 5;
	((u8 *)th)[13] = flags;
	th->window = htons(500);

	p = page_address(page);
	for (i = 0; i < payload; i++)
		p[i] = xtcp_t_pattern(i);
	skb_fill_page_desc(skb, 0, page, 0, payload);
	skb->len += payload;
	skb->data_len += payload;
	skb->truesize += PAGE_SIZE;

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	th->check = ~csum_tcpudp_magic(XTCP_T_SADDR, XTCP_T_DADDR,
				       sizeof(*th) + payload, xtcp_ipproto, 0);
	skb_shinfo(skb)->gso_size = XTCP_T_MSS;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(payload, XTCP_T_MSS);
	skb_shinfo(skb)->gso_type = XTCP_GSO_TYPE;

	/* as __skb_gso_segment() and inet_gso_segment() leave it */
	memset(skb->cb, 0, sizeof(skb->cb));
	SKB_GSO_CB(skb)->mac_offset = skb_headroom(skb);
	__skb_pull(skb, sizeof(*iph));
	return skb;
}

/* Check each piece of a @payload-byte super-segment sent with @flags. */
static void xtcp_t_check_pieces(struct kunit *test, struct sk_buff *segs,
				u32 payload, u8 flags, bool partial)
{
	u32 off = 0, n = 0;
	struct sk_buff *skb, *next;

	for (skb = segs; skb; skb = next, n++) {
		u32 thoff = skb_transport_offset(skb);
		u32 tlen = skb->len - thoff, plen = tlen - sizeof(struct tcphdr);
		bool last = !skb->next;
		struct tcphdr *th = tcp_hdr(skb);
		u8 want = last ? flags : flags & ~(XTCP_FIN | XTCP_PSH);
		u8 *buf = kunit_kmalloc(test, XTCP_T_MSS, GFP_KERNEL);
		__wsum sum;
		u32 i;

		next = skb->next;
		KUNIT_ASSERT_NOT_NULL(test, buf);
		KUNIT_EXPECT_EQ(test, plen, last ? payload - off : (u32)XTCP_T_MSS);
		KUNIT_EXPECT_EQ(test, ntohl(th->seq), XTCP_T_SEQ + off);
		KUNIT_EXPECT_EQ(test, ntohl(th->ack_seq), 77u);
		KUNIT_EXPECT_EQ(test, xtcp_flags(th), want);
		KUNIT_EXPECT_EQ(test, ntohs(th->window), 500);
		KUNIT_EXPECT_EQ(test, (int)skb->ip_summed,
				partial ? CHECKSUM_PARTIAL : CHECKSUM_NONE);
		if (partial) {
			/* the device's start: this piece's pseudo-header */
			KUNIT_EXPECT_EQ(test, (__force u16)th->check,
					(__force u16)~csum_tcpudp_magic(XTCP_T_SADDR,
						XTCP_T_DADDR, tlen, xtcp_ipproto, 0));
			KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
			th = tcp_hdr(skb);
		}
		/* the checksum over the piece verifies */
		sum = skb_checksum(skb, thoff, tlen, 0);
		KUNIT_EXPECT_EQ(test, (__force u16)csum_tcpudp_magic(XTCP_T_SADDR,
								     XTCP_T_DADDR, tlen,
								     xtcp_ipproto, sum),
				0);
		KUNIT_ASSERT_LE(test, plen, (u32)XTCP_T_MSS);
		KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, thoff + sizeof(*th), buf, plen), 0);
		for (i = 0; i < plen; i++)
			if (buf[i] != xtcp_t_pattern(off + i))
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, plen, "payload differs in piece %u", n);
		off += plen;
		kunit_kfree(test, buf);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, off, payload);
	KUNIT_EXPECT_EQ(test, n, DIV_ROUND_UP(payload, XTCP_T_MSS));
}

struct xtcp_t_gso {
	u32			payload;
	u8			flags;
	netdev_features_t	features;
	bool			partial;	/* the device sums */
};

static const struct xtcp_t_gso xtcp_t_gsos[] = {
	/* 3.5 segments, FIN and PSH on the last; checksums in software */
	{ 3500, XTCP_ACK | XTCP_PSH | XTCP_FIN, 0, false },
	/* exact segments, fragments kept, the device sums */
	{ 4000, XTCP_ACK | XTCP_PSH, NETIF_F_SG | NETIF_F_HW_CSUM, true },
	/* a device with only IP_CSUM cannot sum protocol 253: software */
	{ 2001, XTCP_ACK | XTCP_PSH, NETIF_F_SG | NETIF_F_IP_CSUM, false },
	/* two segments, one byte over */
	{ 1001, XTCP_ACK, NETIF_F_SG | NETIF_F_HW_CSUM, true },
};

static void xtcp_offload_gso_pieces(struct kunit *test)
{
	const struct xtcp_t_gso *v;

	for (v = xtcp_t_gsos; v < xtcp_t_gsos + ARRAY_SIZE(xtcp_t_gsos); v++) {
		struct sk_buff *skb = xtcp_t_super(test, v->payload, v->flags);
		struct sk_buff *segs = xtcp_gso_segment(skb, v->features);

		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(segs),
				       "payload %u", v->payload);
		kfree_skb(skb);
		xtcp_t_check_pieces(test, segs, v->payload, v->flags, v->partial);
	}
}

/* No more than one segment, or no gso_size: nothing to split, an error. */
static void xtcp_offload_gso_rejects(struct kunit *test)
{
	struct sk_buff *skb = xtcp_t_super(test, XTCP_T_MSS, XTCP_ACK);

	KUNIT_EXPECT_TRUE(test, IS_ERR(xtcp_gso_segment(skb, 0)));
	kfree_skb(skb);
	skb = xtcp_t_super(test, 3000, XTCP_ACK);
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
	KUNIT_EXPECT_TRUE(test, IS_ERR(xtcp_gso_segment(skb, 0)));
	kfree_skb(skb);
}

static struct kunit_case xtcp_offload_cases[] = {
	KUNIT_CASE(xtcp_offload_size_goal),
	KUNIT_CASE(xtcp_offload_send_split),
	KUNIT_CASE(xtcp_offload_gso_pieces),
	KUNIT_CASE(xtcp_offload_gso_rejects),
	{}
};

static struct kunit_suite xtcp_offload_suite = {
	.name = "xtcp_offload",
	.test_cases = xtcp_offload_cases,
};

kunit_test_suites(&xtcp_offload_suite);
