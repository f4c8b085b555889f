/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP's lightweight TIME_WAIT (RFC 9293 §3.3.2, §3.10.7.4): when a
 * connection reaches TIME_WAIT, its socket is freed and a small entry keyed
 * by the 4-tuple answers for it until 2*MSL has passed.  timewait.c.
 */
#ifndef _XTCP_TIMEWAIT_H
#define _XTCP_TIMEWAIT_H

#include <linux/hrtimer.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include "state.h"
#include "xtcp.h"

struct seq_file;

/*
 * What TIME_WAIT keeps of the connection: enough to answer the peer, and
 * its timestamps (RFC 7323) when it had them, as tcp_timewait_sock's
 * tw_ts_recent, tw_ts_recent_stamp and tw_ts_offset: PAWS goes on in
 * TIME_WAIT, its ACKs carry the option, and a SYN with a newer TSval may
 * reopen the 4-tuple (RFC 6191).  Only the ts_recent pair changes once
 * hashed (READ_ONCE/WRITE_ONCE: several CPUs may answer one entry, as
 * Linux's are updated unlocked); the rest is read-only.
 */
struct xtcp_tw_state {
	u32	snd_nxt;	/* after our FIN */
	u32	rcv_nxt;	/* after the peer's FIN */
	u32	ts_recent;	/* TS.Recent */
	u32	ts_stamp;	/* xtcp_ts_clock_s() when it was set */
	u32	ts_off;		/* our TSval = xtcp_ts_clock_ms() + ts_off */
	u16	rcv_wnd;	/* the window field as we last sent it (scaled) */
	u8	rcv_wscale;	/* its shift: the window is rcv_wnd << rcv_wscale */
	u8	ts_ok;		/* the connection had timestamps */
};

/* The numbers xtcp_tw_create() takes from the connection. */
struct xtcp_tw_init {
	u32	snd_nxt;
	u32	rcv_nxt;
	u16	rcv_wnd;	/* window field, already scaled */
	u8	rcv_wscale;
	bool	ts_ok;		/* timestamps: the connection's struct xtcp_ts */
	u32	ts_recent;
	u32	ts_stamp;
	u32	ts_off;
};

/*
 * A TIME_WAIT entry: 88 bytes on x86_64 (kunit/timewait_test.c checks;
 * the budget is 128).  It holds no reference on its namespace;
 * namespace exit purges the table.  Its 2*MSL is a place on the namespace's expiry
 * queue (xtcp_net.tw_queue), not a timer of its own: one hrtimer a
 * namespace serves them all (timewait.c).
 *
 * @st shares its first 16 bytes with @rcu: @st is read only by holders of
 * a reference (xtcp_tw_lookup()), and @rcu is written only when the last
 * one is dropped.  What a reader without a reference may touch under RCU
 * (the table's @node and @key; /proc's and diag's @expires, @refcnt, @v6)
 * is outside the union, and so is @v6, which the RCU callback reads.
 */
struct xtcp_tw {
	struct list_head	qnode;		/* in tw_queue: armed; else empty */
	ktime_t			expires;	/* 2*MSL ends (under tw_lock) */
	struct rhash_head	node;		/* in xtcp_net.twhash */
	struct net		*net;
	struct xtcp_key		key;		/* as in ehash */
	refcount_t		refcnt;
	union {
		struct xtcp_tw_state	st;
		struct rcu_head		rcu;	/* after the last put */
	};
	u32			last_oow_ack;	/* jiffies: xtcp_oow_ratelimited() */
	u8			v6;		/* an IPv6 connection's: xtcp_tw6 */
};

/*
 * An IPv6 connection's entry: its key does not fit in 128 bytes, so it
 * lives in a cache and a table of its own (twhash6); @tw.key holds the
 * ports only.
 */
struct xtcp_tw6 {
	struct xtcp_tw		tw;
	struct xtcp_key6	key6;		/* as in ehash6 */
};

/* the most an entry's expiry waits past 2*MSL (xtcp_tw_slack_ns()) */
#define XTCP_TW_SLACK_MAX_MS	250

/* What the TIME_WAIT rules say about a segment (xtcp_tw_decide()). */
enum xtcp_tw_action {
	XTCP_TW_ACT_DROP,	/* nothing to do */
	XTCP_TW_ACT_RESTART,	/* restart the 2*MSL timer, send nothing */
	XTCP_TW_ACT_ACK,	/* send the reply */
	XTCP_TW_ACT_ACK_RESTART, /* send the reply and restart the timer */
	XTCP_TW_ACT_CHALLENGE,	/* send the reply, a challenge ACK (RFC 5961) */
	XTCP_TW_ACT_KILL,	/* delete the entry */
	XTCP_TW_ACT_SYN,	/* a new connection may take the 4-tuple; else
				 * send the reply
				 */
	XTCP_TW_ACT_PAWS,	/* PAWS rejected it (RFC 7323 §5): count it;
				 * with a reply, send it and restart the timer
				 */
};

/* What xtcp_v4_rcv() does next (xtcp_tw_rcv()). */
enum xtcp_tw_verdict {
	XTCP_TW_NONE,		/* no entry: go on */
	XTCP_TW_DONE,		/* handled: free the skb */
	XTCP_TW_SYN,		/* entry gone: give the SYN to the listener */
};

enum xtcp_tw_action xtcp_tw_decide(struct xtcp_tw_state *tw,
				   const struct xtcp_seg *seg, bool rfc1337,
				   u32 now_s, struct xtcp_reply *r);
bool xtcp_tw_reuse_ts_ok(const struct xtcp_tw_state *tw, u32 now_s);

int xtcp_tw_create(struct net *net, const struct xtcp_key *key,
		   const struct xtcp_tw_init *init);
int xtcp_tw_create6(struct net *net, const struct xtcp_key6 *key,
		    const struct xtcp_tw_init *init);
struct xtcp_tw *xtcp_tw_lookup6(struct net *net, const struct xtcp_key6 *key);
bool xtcp_tw_port_in_use6(struct net *net, const struct in6_addr *addr,
			  u16 port);
int xtcp_tw_enter(struct sock *sk);
enum xtcp_tw_verdict xtcp_tw_rcv(struct net *net, struct sk_buff *skb);
struct xtcp_tw *xtcp_tw_lookup(struct net *net, const struct xtcp_key *key);
void xtcp_tw_put(struct xtcp_tw *tw);
bool xtcp_tw_kill(struct xtcp_tw *tw);
bool xtcp_tw_kill_bound(struct xtcp_tw *tw);
s64 xtcp_tw_remaining_ms(const struct xtcp_tw *tw);
u64 xtcp_tw_slack_ns(u32 ms);
bool xtcp_tw_port_in_use(struct net *net, __be32 addr, u16 port);
void xtcp_tw_purge(struct net *net);

/* per namespace (pernet.c) and module (af_xtcp.c) set-up */
int xtcp_tw_net_init(struct xtcp_net *xn);
void xtcp_tw_net_exit(struct net *net);
int xtcp_tw_cache_init(void);
void xtcp_tw_cache_exit(void);
unsigned int xtcp_tw_obj_size(void);
unsigned int xtcp_tw6_obj_size(void);

/* /proc/net/xtcp rows after the sockets (proc.c), under RCU */
struct xtcp_tw_seq {
	const void	*tbl;		/* the bucket table of the current row */
	unsigned int	bucket;		/* ...its bucket */
	unsigned int	offset;		/* ...its place in the bucket */
	loff_t		idx;		/* its index among TIME_WAIT rows */
	bool		done;		/* past the last row */
	bool		v6;		/* walking twhash6 (/proc/net/xtcp6) */
};

struct xtcp_tw *xtcp_tw_seq_start(struct net *net, struct xtcp_tw_seq *it,
				  loff_t idx);
struct xtcp_tw *xtcp_tw_seq_next(struct net *net, struct xtcp_tw_seq *it);
void xtcp_tw_seq_show(struct seq_file *f, const struct xtcp_tw *tw, int sl);

#endif /* _XTCP_TIMEWAIT_H */
