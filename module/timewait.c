// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP's lightweight TIME_WAIT.  A connection that reaches TIME_WAIT
 * (RFC 9293 §3.3.2) gives its 4-tuple to a 128-byte struct xtcp_tw in the
 * namespace's twhash and its socket is freed at once.  The entry answers
 * the peer by the rules of xtcp_tw_decide() for 2*MSL (msl_ms when it was
 * made), holds its local port against bind(2) without SO_REUSEADDR, and
 * shows in /proc/net/xtcp with state 06.
 *
 * Life and locking:
 *  - Lookups run under RCU and take a reference with
 *    refcount_inc_not_zero().  The table holds one reference while the
 *    entry is hashed; the last put frees it after a grace period.
 *  - An entry has no timer of its own.  While armed it is on its
 *    namespace's expiry queue, tw_queue, soonest first; one soft hrtimer
 *    a namespace, tw_timer, is queued for the first entry's expiry (or
 *    earlier) whenever the queue is not empty.  Its callback takes the
 *    entries that are due off the queue and retires them.  Arming costs
 *    a list insert near the tail, not an rbtree insert among every
 *    entry's hrtimer, and 24 bytes, not 64.
 *  - Exactly one party may retire an entry (unhash it, release its port,
 *    drop the table's reference) or arm it again: the one that took it
 *    off the queue, under tw_lock (list_del_init()).  That is the expiry
 *    callback, or a RST, SYN or connect() that found it still queued;
 *    the creator holds it until it first queues it.  Anyone who finds it
 *    off the queue leaves it alone: its holder is retiring it.  A
 *    restart (a retransmitted FIN) moves a queued entry to its new place
 *    in one hold of the lock, and does nothing to an entry off the queue.
 *  - So a retired entry is never queued again, and the queue never holds
 *    a freed entry.  Only tw_lock's holders start tw_timer; the callback
 *    starts it again itself (HRTIMER_NORESTART then leaves it queued).
 *  - Namespace exit (and so module exit) takes every entry off the
 *    queue and retires it, until TimeWaitActive, which each retire lowers
 *    as its last step, is 0; then cancels tw_timer, waiting for a running
 *    callback.  Module exit waits in rcu_barrier() for the frees before
 *    the cache goes.  No timer fires into freed memory or code.
 *  - An entry's hold on its port is a count in the port's bind bucket,
 *    under bind_lock; a retire from connect()'s port search, which holds
 *    that lock, says so (xtcp_tw_kill_bound()).
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "seq.h"
#include "timewait.h"
#include "ts.h"
#include "xtcp.h"

/* The budget: 128 bytes an entry on 64-bit kernels. */
static_assert(!IS_ENABLED(CONFIG_64BIT) || sizeof(struct xtcp_tw) <= 128);

/* the most entries one expiry of the queue's hrtimer retires */
#define XTCP_TW_EXPIRE_BUDGET	1024
/* how far back from the queue's tail an entry's place is looked for */
#define XTCP_TW_QUEUE_WALK	64

static struct kmem_cache *xtcp_tw_cachep __read_mostly;
static struct kmem_cache *xtcp_tw6_cachep __read_mostly;

static const struct rhashtable_params xtcp_tw_params = {
	.head_offset		= offsetof(struct xtcp_tw, node),
	.key_offset		= offsetof(struct xtcp_tw, key),
	.key_len		= sizeof(struct xtcp_key),
	.automatic_shrinking	= true,
	.min_size		= XTCP_HASH_MIN_SIZE,
};

static const struct rhashtable_params xtcp_tw6_params = {
	.head_offset		= offsetof(struct xtcp_tw6, tw.node),
	.key_offset		= offsetof(struct xtcp_tw6, key6),
	.key_len		= sizeof(struct xtcp_key6),
	.automatic_shrinking	= true,
};

static struct xtcp_tw6 *xtcp_tw6(const struct xtcp_tw *tw)
{
	return container_of(tw, struct xtcp_tw6, tw);
}

/* An entry's local address: IPv6, or IPv4 v4-mapped. */
static void xtcp_tw_laddr(const struct xtcp_tw *tw, struct in6_addr *a)
{
	if (tw->v6)
		*a = xtcp_tw6(tw)->key6.laddr;
	else
		ipv6_addr_set_v4mapped(tw->key.laddr, a);
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
static void xtcp_tw_reply_ack(const struct xtcp_tw_state *tw,
			      struct xtcp_reply *r)
{
	r->flags = XTCP_ACK;
	r->seq = tw->snd_nxt;
	r->ack = tw->rcv_nxt;
}

/* tcp_paws_reject(): a RST's old TSval is let pass after a minute */
#define XTCP_TW_PAWS_RST_S	60

/*
 * PAWS (RFC 7323 §5.3 R1) for a segment to the entry, as
 * tcp_timewait_state_process() applies tcp_paws_reject(): when the
 * connection had timestamps and the segment carries them, a TSval older
 * than TS.Recent marks an old duplicate, unless TS.Recent is 24 days old
 * (xtcp_paws_reject()).  Unlike a synchronized connection's, a RST is
 * rejected too, until TS.Recent is a minute old (the peer may have lost
 * its clock since).
 */
static bool xtcp_tw_paws_reject(const struct xtcp_tw_state *tw,
				const struct xtcp_seg *seg, u32 now_s)
{
	const struct xtcp_ts ts = {
		.ok = tw->ts_ok, .recent = tw->ts_recent,
		.recent_stamp = tw->ts_stamp,
	};

	if (!seg->opts.ts_ok ||
	    !xtcp_paws_reject(&ts, seg->opts.tsval, false, now_s))
		return false;
	return !(seg->flags & XTCP_RST) ||
	       (s32)(now_s - tw->ts_stamp) < XTCP_TW_PAWS_RST_S;
}

/* An acceptable segment at RCV.NXT: its TSval becomes TS.Recent. */
static void xtcp_tw_ts_store(struct xtcp_tw_state *tw,
			     const struct xtcp_seg *seg, u32 now_s)
{
	if (tw->ts_ok && seg->opts.ts_ok) {
		tw->ts_recent = seg->opts.tsval;
		tw->ts_stamp = now_s;
	}
}

/**
 * xtcp_tw_decide - SEGMENT ARRIVES in TIME_WAIT (RFC 9293 §3.10.7.4)
 * @tw: the entry's numbers; ts_recent and ts_stamp are updated when the
 *	segment advances TS.Recent
 * @seg: the segment
 * @rfc1337: ignore RSTs (RFC 1337's fix for TIME-WAIT assassination)
 * @now_s: xtcp_ts_clock_s()
 * @r: filled with the segment to send (flags 0: none)
 *
 * Linux's tcp_timewait_state_process() order, for TIME_WAIT proper:
 *  0. With timestamps, PAWS (xtcp_tw_paws_reject()): an old duplicate is
 *     ACKed and 2*MSL restarts, an old RST dropped; nothing else is done
 *     with either (Linux counts PAWSEstab, XTCP PAWSTimewait).
 *  1. RST: with @rfc1337, ignored.  Without, RFC 5961 §3.2: SEQ = RCV.NXT
 *     deletes the entry, elsewhere in the window draws a challenge ACK,
 *     outside it is dropped.
 *  2. An empty segment at RCV.NXT (a bare ACK, the peer still hears us):
 *     dropped silently and 2*MSL restarts, as Linux does; its TSval
 *     becomes TS.Recent (so does an ignored RST's at RCV.NXT).
 *  3. A SYN without ACK above RCV.NXT, or with a TSval newer than
 *     TS.Recent (RFC 6191): a new incarnation may open on the 4-tuple
 *     (RFC 1122 §4.2.2.13, as Linux); if nothing listens, ACK.
 *  4. Anything else is a retransmission or out of the window: ACK it
 *     (§3.10.7.4 first: "send an acknowledgment ... unless RST").  If it
 *     carries ACK, or it is the peer's FIN again (the FIN occupied
 *     RCV.NXT - 1), restart 2*MSL (§3.10.7.4 fifth and eighth, TIME-WAIT).
 *
 * Return: what to do with the entry.
 */
enum xtcp_tw_action xtcp_tw_decide(struct xtcp_tw_state *tw,
				   const struct xtcp_seg *seg, bool rfc1337,
				   u32 now_s, struct xtcp_reply *r)
{
	u32 len = xtcp_seg_len(seg);
	u32 wnd = (u32)tw->rcv_wnd << tw->rcv_wscale;

	memset(r, 0, sizeof(*r));
	if (xtcp_tw_paws_reject(tw, seg, now_s)) {
		if (!(seg->flags & XTCP_RST))
			xtcp_tw_reply_ack(tw, r);
		return XTCP_TW_ACT_PAWS;
	}
	if (seg->flags & XTCP_RST) {
		if (rfc1337) {
			if (seg->seq == tw->rcv_nxt)
				xtcp_tw_ts_store(tw, seg, now_s);
			return XTCP_TW_ACT_DROP;
		}
		if (seg->seq == tw->rcv_nxt)
			return XTCP_TW_ACT_KILL;
		if (xtcp_seq_in(seg->seq, tw->rcv_nxt, tw->rcv_nxt + wnd)) {
			xtcp_tw_reply_ack(tw, r);
			return XTCP_TW_ACT_CHALLENGE;
		}
		return XTCP_TW_ACT_DROP;
	}
	if (seg->seq == tw->rcv_nxt && !len) {
		xtcp_tw_ts_store(tw, seg, now_s);
		return XTCP_TW_ACT_RESTART;
	}

	xtcp_tw_reply_ack(tw, r);
	if ((seg->flags & (XTCP_SYN | XTCP_ACK)) == XTCP_SYN &&
	    (xtcp_seq_after(seg->seq, tw->rcv_nxt) ||
	     (tw->ts_ok && seg->opts.ts_ok &&
	      (s32)(tw->ts_recent - seg->opts.tsval) < 0)))
		return XTCP_TW_ACT_SYN;
	if ((seg->flags & XTCP_ACK) ||
	    ((seg->flags & XTCP_FIN) && seg->seq + len == tw->rcv_nxt))
		return XTCP_TW_ACT_ACK_RESTART;
	return XTCP_TW_ACT_ACK;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_decide);

/**
 * xtcp_tw_reuse_ts_ok - may connect() take the entry's 4-tuple over?
 * @tw: the entry's numbers
 * @now_s: xtcp_ts_clock_s()
 *
 * tcp_twsk_unique()'s rule, once tw_reuse allows it at all: the old
 * connection had timestamps, so PAWS tells its old duplicates from the new
 * connection's segments at the peer (the TSval clock goes on), and its
 * TS.Recent was set in an earlier second than now.
 *
 * Return: true if it may.
 */
bool xtcp_tw_reuse_ts_ok(const struct xtcp_tw_state *tw, u32 now_s)
{
	u32 stamp = READ_ONCE(tw->ts_stamp);

	return tw->ts_ok && stamp && (s32)(now_s - stamp) > 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_reuse_ts_ok);

/* ---- ports ------------------------------------------------------------- */

/*
 * An entry holds its local port in the port's bind bucket (bind.c), as
 * TCP's timewait sockets stay in theirs: bind(2) and the ephemeral port
 * search see it there, at no allocation of its own.
 */
static int xtcp_tw_port_hold(const struct xtcp_tw *tw)
{
	struct in6_addr addr;

	xtcp_tw_laddr(tw, &addr);
	return xtcp_bind_tw_hold(tw->net, &addr, ntohs(tw->key.lport));
}

/* @bind_locked: the caller holds bind_lock (xtcp_tw_kill_bound()). */
static void xtcp_tw_port_release(const struct xtcp_tw *tw, bool bind_locked)
{
	struct in6_addr addr;

	xtcp_tw_laddr(tw, &addr);
	if (bind_locked)
		__xtcp_bind_tw_release(tw->net, &addr, ntohs(tw->key.lport));
	else
		xtcp_bind_tw_release(tw->net, &addr, ntohs(tw->key.lport));
}

/* ---- entries ----------------------------------------------------------- */

static void xtcp_tw_free(struct xtcp_tw *tw)
{
	if (tw->v6)
		kmem_cache_free(xtcp_tw6_cachep, xtcp_tw6(tw));
	else
		kmem_cache_free(xtcp_tw_cachep, tw);
}

static void xtcp_tw_free_rcu(struct rcu_head *head)
{
	xtcp_tw_free(container_of(head, struct xtcp_tw, rcu));
}

/* Drop a reference from xtcp_tw_lookup(). */
void xtcp_tw_put(struct xtcp_tw *tw)
{
	if (refcount_dec_and_test(&tw->refcnt))
		call_rcu(&tw->rcu, xtcp_tw_free_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_put);

/**
 * xtcp_tw_lookup - the TIME_WAIT entry of a 4-tuple
 * @net: namespace
 * @key: the 4-tuple, as the connection table keys it
 *
 * Return: the entry with a reference held (xtcp_tw_put()), or NULL.
 */
struct xtcp_tw *xtcp_tw_lookup(struct net *net, const struct xtcp_key *key)
{
	struct xtcp_tw *tw;

	rcu_read_lock();
	tw = rhashtable_lookup(&xtcp_pernet(net)->twhash, key, xtcp_tw_params);
	if (tw && !refcount_inc_not_zero(&tw->refcnt))
		tw = NULL;
	rcu_read_unlock();
	return tw;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_lookup);

/* The same for an IPv6 4-tuple. */
struct xtcp_tw *xtcp_tw_lookup6(struct net *net, const struct xtcp_key6 *key)
{
	struct xtcp_tw6 *tw6;
	struct xtcp_tw *tw = NULL;

	rcu_read_lock();
	tw6 = rhashtable_lookup(&xtcp_pernet(net)->twhash6, key,
				xtcp_tw6_params);
	if (tw6 && refcount_inc_not_zero(&tw6->tw.refcnt))
		tw = &tw6->tw;
	rcu_read_unlock();
	return tw;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_lookup6);

/* Does TIME_WAIT hold this IPv6 4-tuple?  (ICMPv6 errors, ipv6.c) */
bool xtcp_tw_exists6(struct net *net, const struct xtcp_key6 *key)
{
	struct xtcp_tw *tw = xtcp_tw_lookup6(net, key);

	if (tw)
		xtcp_tw_put(tw);
	return tw;
}

/*
 * Take @tw out of the table (putting @successor, with the same key, in its
 * place if given) and drop the table's reference.  The caller took it
 * off the expiry queue (see the top of the file).  TimeWaitActive goes
 * down last, after the free is queued: xtcp_tw_purge() waits for it to reach 0, so once it
 * does, no retire still touches the namespace and rcu_barrier() covers
 * every free.
 */
static void xtcp_tw_retire(struct xtcp_tw *tw, struct xtcp_tw *successor,
			   bool bind_locked)
{
	struct xtcp_net *xn = xtcp_pernet(tw->net);

	if (tw->v6 && successor)
		WARN_ON_ONCE(rhashtable_replace_fast(&xn->twhash6, &tw->node,
						     &successor->node,
						     xtcp_tw6_params));
	else if (tw->v6)
		rhashtable_remove_fast(&xn->twhash6, &tw->node, xtcp_tw6_params);
	else if (successor)
		WARN_ON_ONCE(rhashtable_replace_fast(&xn->twhash, &tw->node,
						     &successor->node,
						     xtcp_tw_params));
	else
		rhashtable_remove_fast(&xn->twhash, &tw->node, xtcp_tw_params);
	xtcp_tw_port_release(tw, bind_locked);
	if (!successor && tw->v6)
		xtcp_trace_state6(&xtcp_tw6(tw)->key6, XTCP_TIME_WAIT,
				  XTCP_CLOSED);
	else if (!successor)
		xtcp_trace_state(&tw->key, XTCP_TIME_WAIT, XTCP_CLOSED);
	xtcp_tw_put(tw);
	atomic_long_dec(&xn->tw_active);
}

/**
 * xtcp_tw_slack_ns - how late past 2*MSL a TIME_WAIT entry may expire
 * @ms: its 2*MSL
 *
 * RFC 9293 asks for at least 2*MSL; TCP's timer wheel lets its 60 s run
 * up to an eighth late.  An entry here waits at most a 64th more, and no
 * more than XTCP_TW_SLACK_MAX_MS.
 *
 * Return: the slack, in nanoseconds.
 */
u64 xtcp_tw_slack_ns(u32 ms)
{
	return (u64)min_t(u32, ms / 64, XTCP_TW_SLACK_MAX_MS) * NSEC_PER_MSEC;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_slack_ns);

/* Queue tw_timer for @due, the first entry's expiry, up to the slack later. */
static void xtcp_tw_timer_start(struct xtcp_net *xn, ktime_t due)
{
	u32 ms = 2 * (u32)READ_ONCE(xn->msl_ms);

	hrtimer_start_range_ns(&xn->tw_timer, due, xtcp_tw_slack_ns(ms),
			       HRTIMER_MODE_ABS_SOFT);
}

/*
 * Queue @tw, off the queue and held, for 2*MSL from now, MSL as the
 * namespace has it now (Linux's is a constant).  Under tw_lock.
 *
 * Entries mostly arrive in expiry order, so the place is looked for from
 * the tail, at most XTCP_TW_QUEUE_WALK entries back: only after msl_ms is
 * lowered do new entries belong far in front of old ones, and then they
 * wait behind the last entry looked at (late, never early: the callback
 * takes only due entries from the front).  A new first entry brings
 * tw_timer forward; a timer already queued for an earlier first stays.
 */
static void xtcp_tw_enqueue(struct xtcp_net *xn, struct xtcp_tw *tw)
{
	u32 ms = 2 * (u32)READ_ONCE(xn->msl_ms);
	struct xtcp_tw *pos;
	int n = 0;

	lockdep_assert_held(&xn->tw_lock);
	WRITE_ONCE(tw->expires, ktime_add_ms(ktime_get(), ms));
	list_for_each_entry_reverse(pos, &xn->tw_queue, qnode)
		if (ktime_compare(pos->expires, tw->expires) <= 0 ||
		    ++n >= XTCP_TW_QUEUE_WALK)
			break;
	/* after @pos; the list head itself if the walk went past the front */
	list_add(&tw->qnode, &pos->qnode);
	if (xn->tw_queue.next != &tw->qnode)
		return;
	if (!hrtimer_is_queued(&xn->tw_timer) ||
	    ktime_before(tw->expires, hrtimer_get_softexpires(&xn->tw_timer)))
		xtcp_tw_timer_start(xn, tw->expires);
}

/* Arm a new entry, which its creator holds. */
static void xtcp_tw_arm(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_pernet(tw->net);

	spin_lock_bh(&xn->tw_lock);
	xtcp_tw_enqueue(xn, tw);
	spin_unlock_bh(&xn->tw_lock);
}

/* Take @tw off the queue: true if this call did, and so now holds it. */
static bool xtcp_tw_dequeue(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_pernet(tw->net);
	bool won;

	spin_lock_bh(&xn->tw_lock);
	won = !list_empty(&tw->qnode);
	if (won)
		list_del_init(&tw->qnode);
	spin_unlock_bh(&xn->tw_lock);
	return won;
}

/*
 * Take up to @max entries off the front of the queue into @batch, only
 * those due by @now (KTIME_MAX: all); the caller then holds them.
 */
static int xtcp_tw_dequeue_due(struct xtcp_net *xn, ktime_t now,
			       struct xtcp_tw **batch, int max)
{
	struct xtcp_tw *tw;
	int n = 0;

	spin_lock_bh(&xn->tw_lock);
	while (n < max &&
	       (tw = list_first_entry_or_null(&xn->tw_queue, struct xtcp_tw,
					      qnode)) &&
	       ktime_compare(tw->expires, now) <= 0) {
		list_del_init(&tw->qnode);
		batch[n++] = tw;
	}
	spin_unlock_bh(&xn->tw_lock);
	return n;
}

/*
 * tw_timer: retire the entries that are due, up to XTCP_TW_EXPIRE_BUDGET
 * (a million due at once must not hold the CPU in one softirq), in
 * batches taken off the queue under the lock and retired outside it; then
 * queue the timer for the next entry, or in a millisecond if the budget
 * ran out first.
 */
static enum hrtimer_restart xtcp_tw_expire(struct hrtimer *timer)
{
	struct xtcp_net *xn = container_of(timer, struct xtcp_net, tw_timer);
	struct xtcp_tw *batch[32], *tw;
	ktime_t now = ktime_get();
	int done = 0, n, i;

	do {
		n = xtcp_tw_dequeue_due(xn, now, batch, ARRAY_SIZE(batch));
		for (i = 0; i < n; i++)
			xtcp_tw_retire(batch[i], NULL, false);
		done += n;
	} while (n == ARRAY_SIZE(batch) && done < XTCP_TW_EXPIRE_BUDGET);

	spin_lock(&xn->tw_lock);
	tw = list_first_entry_or_null(&xn->tw_queue, struct xtcp_tw, qnode);
	if (tw && ktime_compare(tw->expires, now) <= 0)
		xtcp_tw_timer_start(xn, ktime_add_ms(now, 1));
	else if (tw)
		xtcp_tw_timer_start(xn, tw->expires);
	spin_unlock(&xn->tw_lock);
	return HRTIMER_NORESTART;
}

/* A new 2*MSL from now, unless the entry is already on its way out. */
static void xtcp_tw_restart(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_pernet(tw->net);

	spin_lock_bh(&xn->tw_lock);
	if (!list_empty(&tw->qnode)) {
		list_del(&tw->qnode);
		xtcp_tw_enqueue(xn, tw);
	}
	spin_unlock_bh(&xn->tw_lock);
}

/**
 * xtcp_tw_kill - delete a TIME_WAIT entry now
 * @tw: an entry the caller holds a reference on
 *
 * Safe against the expiry and against other killers: only the one that
 * takes the entry off the expiry queue retires it.
 *
 * Return: true if this call deleted it.
 */
bool xtcp_tw_kill(struct xtcp_tw *tw)
{
	if (!xtcp_tw_dequeue(tw))
		return false;
	xtcp_tw_retire(tw, NULL, false);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_kill);

/* The same from under bind_lock (connect()'s port search, bind.c). */
bool xtcp_tw_kill_bound(struct xtcp_tw *tw)
{
	if (!xtcp_tw_dequeue(tw))
		return false;
	xtcp_tw_retire(tw, NULL, true);
	return true;
}

static int __xtcp_tw_create(struct net *net, const struct xtcp_key *key,
			    const struct xtcp_key6 *key6,
			    const struct xtcp_tw_init *init)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_tw *tw, *old;
	int err;

	/* max_tw_buckets: past it the connection just closes, as TCP's does */
	if (atomic_long_read(&xn->tw_active) >= READ_ONCE(xn->max_tw_buckets)) {
		xtcp_inc(net, XTCP_MIB_TW_OVERFLOW);
		return -ENOBUFS;
	}
	if (key6) {
		struct xtcp_tw6 *tw6 = kmem_cache_alloc(xtcp_tw6_cachep,
							GFP_ATOMIC);

		if (!tw6)
			return -ENOMEM;
		tw6->key6 = *key6;
		tw = &tw6->tw;
		memset(&tw->key, 0, sizeof(tw->key));
		tw->key.lport = key6->lport;
		tw->key.rport = key6->rport;
	} else {
		tw = kmem_cache_alloc(xtcp_tw_cachep, GFP_ATOMIC);
		if (!tw)
			return -ENOMEM;
		tw->key = *key;
	}
	INIT_LIST_HEAD(&tw->qnode);
	tw->expires = 0;
	tw->net = net;
	refcount_set(&tw->refcnt, 1);		/* the table's */
	tw->st.snd_nxt = init->snd_nxt;
	tw->st.rcv_nxt = init->rcv_nxt;
	tw->st.rcv_wnd = init->rcv_wnd;
	tw->st.rcv_wscale = min_t(u8, init->rcv_wscale, XTCP_MAX_WSCALE);
	tw->st.ts_ok = init->ts_ok;
	tw->st.ts_recent = init->ts_ok ? init->ts_recent : 0;
	tw->st.ts_stamp = init->ts_ok ? init->ts_stamp : 0;
	tw->st.ts_off = init->ts_ok ? init->ts_off : 0;
	tw->v6 = !!key6;
	tw->last_oow_ack = 0;

	err = xtcp_tw_port_hold(tw);
	if (err)
		goto out_free;

	/* No softirq on this CPU between hashing and arming. */
	local_bh_disable();
	old = key6 ? xtcp_tw_lookup6(net, key6) : xtcp_tw_lookup(net, key);
	if (old && xtcp_tw_dequeue(old)) {
		xtcp_tw_retire(old, tw, false);
	} else if (key6) {
		err = rhashtable_insert_fast(&xn->twhash6, &tw->node,
					     xtcp_tw6_params);
	} else {
		/*
		 * A dying duplicate stays until its holder retires it; new
		 * entries go first in their chain, so lookups find this one.
		 */
		err = rhashtable_insert_fast(&xn->twhash, &tw->node,
					     xtcp_tw_params);
	}
	if (!err) {
		atomic_long_inc(&xn->tw_active);
		xtcp_inc(net, XTCP_MIB_TW_CREATED);
		xtcp_tw_arm(tw);
	}
	local_bh_enable();
	if (old)
		xtcp_tw_put(old);
	if (!err)
		return 0;
	xtcp_tw_port_release(tw, false);
out_free:
	/* never hashed: nobody can have seen it */
	xtcp_tw_free(tw);
	return err;
}

/**
 * xtcp_tw_create - put a 4-tuple in TIME_WAIT for 2*MSL
 * @net: namespace
 * @key: the connection's 4-tuple
 * @init: its sequence numbers and window
 *
 * Any context.  It lasts msl_ms * 2 as the sysctl is now; an entry
 * already there for @key is replaced.
 *
 * Return: 0, or -ENOMEM (the caller then just closes, as Linux does when
 * it cannot allocate a timewait socket).
 */
int xtcp_tw_create(struct net *net, const struct xtcp_key *key,
		   const struct xtcp_tw_init *init)
{
	return __xtcp_tw_create(net, key, NULL, init);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_create);

/* The same for an IPv6 connection (a struct xtcp_tw6). */
int xtcp_tw_create6(struct net *net, const struct xtcp_key6 *key,
		    const struct xtcp_tw_init *init)
{
	return __xtcp_tw_create(net, NULL, key, init);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_create6);

/**
 * xtcp_tw_enter - replace a connection in TIME_WAIT by an entry
 * @sk: a socket whose TCB has just reached XTCP_TIME_WAIT; the caller
 *	closes and frees it afterwards
 *
 * Return: as xtcp_tw_create().
 */
int xtcp_tw_enter(struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_tcb *tcb = &xs->tcb;
	struct xtcp_tw_init init = {
		.snd_nxt	= tcb->snd_nxt,
		.rcv_nxt	= tcb->rcv_nxt,
		.rcv_wnd	= xtcp_tcb_window(tcb, XTCP_ACK),
		.rcv_wscale	= tcb->rcv_wscale,
		.ts_ok		= xs->ts.ok,
		.ts_recent	= xs->ts.recent,
		.ts_stamp	= xs->ts.recent_stamp,
		.ts_off		= xs->ts.off,
	};

	if (WARN_ON_ONCE(tcb->state != XTCP_TIME_WAIT))
		return -EINVAL;
	if (xs->af->family == AF_INET6)
		return xtcp_tw_create6(sock_net(sk), &xs->key6, &init);
	return xtcp_tw_create(sock_net(sk), &xs->key, &init);
}

/**
 * xtcp_tw_remaining_ms - time left before an entry expires
 * @tw: the entry
 *
 * Return: milliseconds, 0 if it is expiring.
 */
s64 xtcp_tw_remaining_ms(const struct xtcp_tw *tw)
{
	/* to the earliest it may go, 2*MSL after it began, not the slack's end */
	s64 left = ktime_ms_delta(READ_ONCE(tw->expires), ktime_get());

	return max_t(s64, left, 0);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_remaining_ms);

/*
 * Send TIME_WAIT's answer @r to @skb, with the window the connection last
 * sent and, if it had timestamps, the option as tcp_v4_timewait_ack()
 * sends it: TSval from the connection's clock, TSecr = TS.Recent.
 */
static void xtcp_tw_send(struct net *net, struct sk_buff *skb,
			 const struct xtcp_tw_state *st,
			 const struct xtcp_reply *r)
{
	struct xtcp_ctl_ts ts;

	if (!st->ts_ok) {
		xtcp_send_ctl_wnd(net, skb, r, st->rcv_wnd);
		return;
	}
	ts.tsval = xtcp_ts_clock_ms() + st->ts_off;
	ts.tsecr = st->ts_recent;
	xtcp_send_ctl_ts(net, skb, r, st->rcv_wnd, &ts);
}

/**
 * xtcp_tw_rcv - give a segment to the TIME_WAIT entry of its 4-tuple
 * @net: namespace
 * @skb: a validated segment with XTCP_SKB_CB(skb)->seg filled, that no
 *	 connection took
 *
 * Return: XTCP_TW_NONE if no entry has the 4-tuple; XTCP_TW_DONE when
 * the entry handled the segment (the caller frees @skb); XTCP_TW_SYN when
 * an acceptable SYN removed the entry and a listener is there to take it.
 */
enum xtcp_tw_verdict xtcp_tw_rcv(struct net *net, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_net *xn = xtcp_pernet(net);
	enum xtcp_tw_verdict v = XTCP_TW_DONE;
	struct xtcp_tw_state st;
	enum xtcp_tw_action a;
	struct xtcp_reply r;
	u32 recent, stamp;
	struct xtcp_tw *tw;
	struct sock *l;

	if (xtcp_skb_v6(skb)) {
		struct xtcp_key6 key6 = {
			.laddr = ipv6_hdr(skb)->daddr, .lport = th->dest,
			.raddr = ipv6_hdr(skb)->saddr, .rport = th->source,
		};

		tw = xtcp_tw_lookup6(net, &key6);
	} else {
		struct xtcp_key key = {
			.laddr = ip_hdr(skb)->daddr, .lport = th->dest,
			.raddr = ip_hdr(skb)->saddr, .rport = th->source,
		};

		tw = xtcp_tw_lookup(net, &key);
	}
	if (!tw)
		return XTCP_TW_NONE;
	/* a copy: xtcp_tw_decide() may advance its TS.Recent */
	st = tw->st;
	st.ts_recent = READ_ONCE(tw->st.ts_recent);
	st.ts_stamp = READ_ONCE(tw->st.ts_stamp);
	recent = st.ts_recent;
	stamp = st.ts_stamp;
	a = xtcp_tw_decide(&st, &XTCP_SKB_CB(skb)->seg,
			   READ_ONCE(xn->tw_rfc1337), xtcp_ts_clock_s(), &r);
	if (st.ts_recent != recent || st.ts_stamp != stamp) {
		WRITE_ONCE(tw->st.ts_recent, st.ts_recent);
		WRITE_ONCE(tw->st.ts_stamp, st.ts_stamp);
	}
	switch (a) {
	case XTCP_TW_ACT_DROP:
		break;
	case XTCP_TW_ACT_PAWS:
		xtcp_inc(net, XTCP_MIB_PAWS_TW);
		if (!r.flags)
			break;
		fallthrough;
	case XTCP_TW_ACT_ACK_RESTART:
		xtcp_tw_restart(tw);
		fallthrough;
	case XTCP_TW_ACT_ACK:
		if (xtcp_oow_seg_ratelimited(net, &XTCP_SKB_CB(skb)->seg,
					     &tw->last_oow_ack,
					     XTCP_MIB_ACK_SKIPPED_TW))
			break;
		xtcp_tw_send(net, skb, &st, &r);
		break;
	case XTCP_TW_ACT_RESTART:
		xtcp_tw_restart(tw);
		break;
	case XTCP_TW_ACT_CHALLENGE:
		if (xtcp_challenge_allowed(net, &tw->last_oow_ack))
			xtcp_tw_send(net, skb, &st, &r);
		break;
	case XTCP_TW_ACT_KILL:
		if (xtcp_tw_kill(tw))
			xtcp_inc(net, XTCP_MIB_TW_KILLED);
		break;
	case XTCP_TW_ACT_SYN:
		/* As Linux: without a listener the entry stays and ACKs. */
		l = xtcp_skb_v6(skb) ?
		    xtcp_lookup_listener6(net, &ipv6_hdr(skb)->daddr, th->dest,
					  0) :
		    xtcp_lookup_listener(net, ip_hdr(skb)->daddr, th->dest, 0);
		if (!l) {
			xtcp_tw_send(net, skb, &st, &r);
			break;
		}
		sock_put(l);
		xtcp_tw_kill(tw);
		xtcp_inc(net, XTCP_MIB_TW_RECYCLED);
		v = XTCP_TW_SYN;
		break;
	}
	xtcp_tw_put(tw);
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_rcv);

/**
 * xtcp_tw_purge - delete every TIME_WAIT entry of a namespace
 * @net: the namespace, being dismantled (or a KUnit test's)
 *
 * Process context.  Takes every entry off the expiry queue and retires
 * it; when it returns, no entry is hashed, none is being retired, and
 * tw_timer has nothing to do (xtcp_tw_net_exit() cancels it).  The memory
 * goes after an RCU grace period (module exit waits with rcu_barrier()).
 */
void xtcp_tw_purge(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_tw *batch[32];
	int pass, n, i;

	for (pass = 0; atomic_long_read(&xn->tw_active) > 0; pass++) {
		/* an entry whose holder never lets go would be a bug */
		if (WARN_ON_ONCE(pass == 100))
			break;
		do {
			n = xtcp_tw_dequeue_due(xn, KTIME_MAX, batch,
						ARRAY_SIZE(batch));
			for (i = 0; i < n; i++)
				xtcp_tw_retire(batch[i], NULL, false);
			cond_resched();
		} while (n);
		if (atomic_long_read(&xn->tw_active) > 0)
			usleep_range(1000, 2000); /* a holder is retiring */
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_purge);

/* ---- /proc/net/xtcp ---------------------------------------------------- */

/*
 * The rows follow the sockets.  The table is walked bucket by bucket under
 * RCU, then the table it is growing or shrinking into, if any (entries
 * added during a resize go there), as rhashtable_walk_next() does.  @it
 * remembers where the last row was, so that the next read() resumes there
 * rather than counting from the start.  If the table it was walking has
 * been replaced since, the walk starts over in the new one: rows may
 * repeat, but an entry present all along is never missed.
 */
static struct xtcp_tw *xtcp_tw_seq_find(struct net *net, struct xtcp_tw_seq *it)
{
	struct rhashtable *ht = it->v6 ? &xtcp_pernet(net)->twhash6 :
				  &xtcp_pernet(net)->twhash;
	const struct bucket_table *tbl = rht_dereference_rcu(ht->tbl, ht);
	const struct bucket_table *t;
	struct rhash_head *pos;
	struct xtcp_tw *tw;

	if (it->done)
		return NULL;
	/* it->tbl is only compared, never followed: it may be gone */
	for (t = tbl; t && t != it->tbl; t = rht_dereference_rcu(t->future_tbl, ht))
		;
	if (t) {
		tbl = t;
	} else {
		it->bucket = 0;
		it->offset = 0;
	}
	for (; tbl; tbl = rht_dereference_rcu(tbl->future_tbl, ht)) {
		it->tbl = tbl;
		for (; it->bucket < tbl->size; it->bucket++, it->offset = 0) {
			unsigned int n = 0;

			rht_for_each_entry_rcu(tw, pos, tbl, it->bucket, node)
				if (n++ == it->offset)
					return tw;
		}
		it->bucket = 0;
	}
	it->done = true;
	return NULL;
}

struct xtcp_tw *xtcp_tw_seq_next(struct net *net, struct xtcp_tw_seq *it)
{
	it->offset++;
	it->idx++;
	return xtcp_tw_seq_find(net, it);
}

struct xtcp_tw *xtcp_tw_seq_start(struct net *net, struct xtcp_tw_seq *it,
				  loff_t idx)
{
	struct xtcp_tw *tw;

	bool v6 = it->v6;

	if (idx && idx == it->idx)
		return xtcp_tw_seq_find(net, it);
	memset(it, 0, sizeof(*it));
	it->v6 = v6;
	tw = xtcp_tw_seq_find(net, it);
	while (tw && it->idx < idx)
		tw = xtcp_tw_seq_next(net, it);
	return tw;
}

/* As Linux's get_timewait4_sock(): state 06, timer 3 with the time left. */
void xtcp_tw_seq_show(struct seq_file *f, const struct xtcp_tw *tw, int sl)
{
	unsigned long left = msecs_to_jiffies(xtcp_tw_remaining_ms(tw));

	if (tw->v6) {
		/* as get_timewait6_sock() */
		const struct in6_addr *src = &xtcp_tw6(tw)->key6.laddr;
		const struct in6_addr *dst = &xtcp_tw6(tw)->key6.raddr;

		seq_printf(f, "%4d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %pK",
			   sl, src->s6_addr32[0], src->s6_addr32[1],
			   src->s6_addr32[2], src->s6_addr32[3],
			   ntohs(tw->key.lport), dst->s6_addr32[0],
			   dst->s6_addr32[1], dst->s6_addr32[2],
			   dst->s6_addr32[3], ntohs(tw->key.rport),
			   TCP_TIME_WAIT, 0, 0, 3,
			   jiffies_delta_to_clock_t(left), 0, 0, 0, 0,
			   refcount_read(&tw->refcnt), tw);
		return;
	}
	seq_printf(f, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %pK",
		   sl, tw->key.laddr, ntohs(tw->key.lport), tw->key.raddr,
		   ntohs(tw->key.rport), TCP_TIME_WAIT, 0, 0, 3,
		   jiffies_delta_to_clock_t(left), 0, 0, 0, 0,
		   refcount_read(&tw->refcnt), tw);
}

/* ---- set-up ------------------------------------------------------------ */

int xtcp_tw_net_init(struct xtcp_net *xn)
{
	int err;

	spin_lock_init(&xn->tw_lock);
	INIT_LIST_HEAD(&xn->tw_queue);
	xtcp_hrtimer_setup(&xn->tw_timer, xtcp_tw_expire, CLOCK_MONOTONIC,
			   HRTIMER_MODE_ABS_SOFT);
	err = rhashtable_init(&xn->twhash, &xtcp_tw_params);
	if (err)
		return err;
	err = rhashtable_init(&xn->twhash6, &xtcp_tw6_params);
	if (err)
		rhashtable_destroy(&xn->twhash);
	return err;
}

void xtcp_tw_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	xtcp_tw_purge(net);
	/* the queue is empty and stays so: the callback cannot queue it again */
	hrtimer_cancel(&xn->tw_timer);
	rhashtable_destroy(&xn->twhash6);
	rhashtable_destroy(&xn->twhash);
}

int xtcp_tw_cache_init(void)
{
	xtcp_tw_cachep = kmem_cache_create("xtcp_tw", sizeof(struct xtcp_tw), 0,
					   XTCP_SLAB_NO_MERGE, NULL);
	if (!xtcp_tw_cachep)
		return -ENOMEM;
	xtcp_tw6_cachep = kmem_cache_create("xtcp_tw6", sizeof(struct xtcp_tw6),
					    0, XTCP_SLAB_NO_MERGE, NULL);
	if (!xtcp_tw6_cachep) {
		kmem_cache_destroy(xtcp_tw_cachep);
		return -ENOMEM;
	}
	return 0;
}

/* After rcu_barrier(): the last entries are freed. */
void xtcp_tw_cache_exit(void)
{
	kmem_cache_destroy(xtcp_tw6_cachep);
	kmem_cache_destroy(xtcp_tw_cachep);
}

/* The cache's object size, for the tests. */
unsigned int xtcp_tw_obj_size(void)
{
	return kmem_cache_size(xtcp_tw_cachep);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_obj_size);

/* The same for IPv6 entries. */
unsigned int xtcp_tw6_obj_size(void)
{
	return kmem_cache_size(xtcp_tw6_cachep);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw6_obj_size);
