// SPDX-License-Identifier: GPL-2.0
/*
 * Initial sequence numbers, RFC 6528: ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), where M is a clock ticking every 4 µs
 * and F is SipHash keyed with a random key chosen at module load.
 */
#include <linux/in6.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/siphash.h>

#include "compat_pure.h"
#include "isn.h"

static siphash_key_t xtcp_isn_key __read_mostly;

void xtcp_isn_init(void)
{
	get_random_bytes(&xtcp_isn_key, sizeof(xtcp_isn_key));
}

/**
 * xtcp_isn_at - the ISN for a connection at a given time
 * @key: the secret
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 * @ns: the time, in nanoseconds
 *
 * Return: F(tuple, key) + ns / 4000.
 */
u32 xtcp_isn_at(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		__be16 sport, __be16 dport, u64 ns)
{
	u32 f = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			     (__force u32)sport << 16 | (__force u32)dport, key);

	return f + (u32)div_u64(ns, XTCP_ISN_TICK_NS);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_isn_at);

u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	return xtcp_isn_at(&xtcp_isn_key, saddr, daddr, sport, dport,
			   ktime_get_real_ns());
}

/**
 * xtcp_isn6_at - xtcp_isn_at() for IPv6 addresses
 * @key: the secret
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 * @ns: the time, in nanoseconds
 *
 * RFC 6528's F() over the IPv6 4-tuple, as secure_tcpv6_seq() hashes it.
 *
 * Return: F(tuple, key) + ns / 4000.
 */
u32 xtcp_isn6_at(const siphash_key_t *key, const struct in6_addr *saddr,
		 const struct in6_addr *daddr, __be16 sport, __be16 dport,
		 u64 ns)
{
	const struct {
		struct in6_addr	saddr;
		struct in6_addr	daddr;
		__be16		sport;
		__be16		dport;
	} __aligned(SIPHASH_ALIGNMENT) tuple = {
		.saddr = *saddr, .daddr = *daddr, .sport = sport, .dport = dport,
	};
	u32 f = siphash(&tuple, offsetofend(typeof(tuple), dport), key);

	return f + (u32)div_u64(ns, XTCP_ISN_TICK_NS);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_isn6_at);

u32 xtcp_isn6(const struct in6_addr *saddr, const struct in6_addr *daddr,
	      __be16 sport, __be16 dport)
{
	return xtcp_isn6_at(&xtcp_isn_key, saddr, daddr, sport, dport,
			    ktime_get_real_ns());
}
