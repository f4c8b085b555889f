// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP input: the handler IPv4 calls for every datagram carrying protocol
 * number xtcp_ipproto.
 *
 * Segment processing (header validation, lookup, the state machine) is not
 * built yet: every segment is consumed and dropped.  Consuming it, rather
 * than leaving the protocol slot empty, is what keeps IPv4 from answering
 * with ICMP protocol-unreachable while the module is loaded.
 */
#include <linux/skbuff.h>

#include "xtcp.h"

int xtcp_v4_rcv(struct sk_buff *skb)
{
	kfree_skb(skb);
	return 0;
}

int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	return 0;
}
