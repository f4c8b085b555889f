/* SPDX-License-Identifier: GPL-2.0 */
/* Initial sequence numbers (RFC 6528), isn.c. */
#ifndef _XTCP_ISN_H
#define _XTCP_ISN_H

#include <linux/siphash.h>
#include <linux/types.h>

struct in6_addr;

#define XTCP_ISN_TICK_NS	4000	/* M ticks every 4 µs */

void xtcp_isn_init(void);
u32 xtcp_isn_at(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		__be16 sport, __be16 dport, u64 ns);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 xtcp_isn6_at(const siphash_key_t *key, const struct in6_addr *saddr,
		 const struct in6_addr *daddr, __be16 sport, __be16 dport,
		 u64 ns);
u32 xtcp_isn6(const struct in6_addr *saddr, const struct in6_addr *daddr,
	      __be16 sport, __be16 dport);

#endif /* _XTCP_ISN_H */
