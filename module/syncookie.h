/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SYN cookies (RFC 4987 §3.6), as Linux's tcp_syncookies: syncookie.c.
 * The encoding is pure (a key, a tuple and a minute count in, a cookie
 * out) for KUnit; the socket side decides when to send and check them.
 */
#ifndef _XTCP_SYNCOOKIE_H
#define _XTCP_SYNCOOKIE_H

#include <linux/siphash.h>
#include <linux/types.h>

struct sk_buff;
struct sock;

#define XTCP_COOKIEBITS		24	/* the low bits: hash + data */
#define XTCP_COOKIEMASK		((1U << XTCP_COOKIEBITS) - 1)
#define XTCP_MAX_SYNCOOKIE_AGE	2	/* minutes: the count now or the last */
#define XTCP_SYNCOOKIE_PERIOD	(60 * HZ)
#define XTCP_SYNCOOKIE_VALID	(XTCP_MAX_SYNCOOKIE_AGE * XTCP_SYNCOOKIE_PERIOD)
#define XTCP_COOKIE_BAD		((u32)-1)
#define XTCP_COOKIE_MSS_NR	4

/* The two keys, as Linux's syncookie_secret[2]. */
struct xtcp_cookie_key {
	siphash_key_t	k[2];
};

/* pure */
u32 xtcp_cookie_make(const struct xtcp_cookie_key *key, __be32 saddr,
		     __be32 daddr, __be16 sport, __be16 dport, u32 sseq,
		     u32 count, u32 data);
u32 xtcp_cookie_data(const struct xtcp_cookie_key *key, u32 cookie,
		     __be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		     u32 sseq, u32 count);
u32 xtcp_cookie_mss_index(u16 mss);
u16 xtcp_cookie_mss(u32 index);

/* the module's */
void xtcp_cookie_init(void);
bool xtcp_syn_flood_action(struct sock *listener);
void xtcp_cookie_synack(struct sock *listener, struct sk_buff *skb);
u16 xtcp_cookie_check(struct sock *listener, struct sk_buff *skb);

#endif /* _XTCP_SYNCOOKIE_H */
