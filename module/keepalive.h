/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keepalive arithmetic (RFC 1122 §4.2.3.6, as Linux's tcp_keepalive_timer()
 * does it): pure, so that KUnit can check every case.  keepalive.c passes
 * the clock and the settings and carries the answer out.
 */
#ifndef _XTCP_KEEPALIVE_H
#define _XTCP_KEEPALIVE_H

#include <linux/types.h>

/* The settings in force, in milliseconds. */
struct xtcp_ka_params {
	u32	idle_ms;	/* XTCP_KEEPIDLE or keepalive_time_s */
	u32	intvl_ms;	/* XTCP_KEEPINTVL or keepalive_intvl_s */
	u32	cnt;		/* XTCP_KEEPCNT or keepalive_probes */
	u32	user_timeout_ms; /* XTCP_USER_TIMEOUT, 0: off */
};

enum xtcp_ka_action {
	XTCP_KA_WAIT,		/* nothing to send: look again in *next_ms */
	XTCP_KA_PROBE,		/* send a probe, then look again in *next_ms */
	XTCP_KA_DEAD,		/* the peer is gone: ETIMEDOUT */
};

enum xtcp_ka_action xtcp_keepalive_next(const struct xtcp_ka_params *p,
					u64 idle_for_ms, u32 probes, bool busy,
					u32 *next_ms);

#endif /* _XTCP_KEEPALIVE_H */
