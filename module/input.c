// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP input: the handler IPv4 and IPv6 call for every datagram carrying
 * protocol number xtcp_ipproto (softirq, under RCU).  Validate the header and the
 * checksum before anything else (drop silently and count), find the
 * connection or the listener, and hand the segment to it: at once when no
 * user holds the socket, through its backlog otherwise.  A segment for no
 * socket draws a RST (RFC 9293 §3.10.7.1).
 */
#include <linux/filter.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/xfrm.h>

#include "seq.h"
#include "syncookie.h"
#include "timewait.h"
#include "xtcp.h"

static const enum xtcp_mib xtcp_drop_mib[] = {
	[XTCP_DROP_SHORT]	= XTCP_MIB_IN_SHORT,
	[XTCP_DROP_DOFF]	= XTCP_MIB_IN_BAD_DOFF,
	[XTCP_DROP_OPTS]	= XTCP_MIB_IN_BAD_OPTS,
	[XTCP_DROP_CSUM]	= XTCP_MIB_IN_CSUM_ERRORS,
};

/* Header, options and checksum; on success the segment is in the cb. */
static enum xtcp_drop xtcp_validate(struct sk_buff *skb)
{
	struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	struct xtcp_opts opts;
	struct tcphdr *th;
	enum xtcp_drop why;
	unsigned int hlen;

	if (!pskb_may_pull(skb, XTCP_HLEN))
		return XTCP_DROP_SHORT;
	hlen = xtcp_hdr_len(tcp_hdr(skb), skb->len);
	if (!hlen)
		return XTCP_DROP_DOFF;
	if (!pskb_may_pull(skb, hlen))
		return XTCP_DROP_SHORT;
	th = tcp_hdr(skb);
	why = xtcp_check_header(th, skb->len, &opts);
	if (why)
		return why;
	if (xtcp_skb_v6(skb) ?
	    skb_checksum_init(skb, xtcp_ipproto, ip6_compute_pseudo) :
	    skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo))
		return XTCP_DROP_CSUM;
	if (skb_checksum_complete(skb))
		return XTCP_DROP_CSUM;

	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->len = skb->len - hlen;
	seg->wnd = ntohs(th->window);
	seg->flags = xtcp_flags(th);
	seg->opts = opts;
	return XTCP_DROP_NONE;
}

/* §3.10.7.1: the answer to a segment no connection takes. */
static void xtcp_reset_no_conn(struct net *net, struct sk_buff *skb)
{
	struct xtcp_reply r;

	xtcp_reset_reply(&XTCP_SKB_CB(skb)->seg, &r);
	xtcp_send_ctl(net, skb, &r);
}

static bool xtcp_listen_rcv(struct sock *sk, struct sk_buff *skb);

/*
 * Hand @skb to @sk, whose reference the lookup took: at once when no user
 * holds the socket, else through its backlog.  A listener takes its
 * segments without the socket lock, as TCP's do (tcp_v4_rcv()): what it
 * changes has locks of its own (the queues' queue_lock, the children's
 * socket locks), and a SYN flood must neither wait behind accept() nor
 * fill the socket backlog that a client's SYN or cookie ACK then finds
 * full.  __sk_receive_skb() would
 * also drop whatever arrives while the receive queue and the backlog
 * exceed sk_rcvbuf, and release_sock() counts the backlog it has already
 * processed until it finishes: in-window data, and ACKs, would be dropped
 * again on every retransmission.  As tcp_add_backlog(), the backlog gets
 * room of its own; xtcp_data_rcv() holds data to the receive buffer.
 */
static void xtcp_deliver(struct sock *sk, struct sk_buff *skb)
{
	u64 limit = 2ULL * READ_ONCE(sk->sk_rcvbuf) +
		    (READ_ONCE(sk->sk_sndbuf) >> 1) + SZ_64K;

	/* The filter may trim payload, never the header. */
	if (sk_filter_trim_cap(sk, skb, tcp_hdr(skb)->doff * 4))
		goto drop;
	skb->dev = NULL;
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		if (!xtcp_listen_rcv(sk, skb))
			consume_skb(skb);
		sock_put(sk);
		return;
	}
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		mutex_acquire(&sk->sk_lock.dep_map, 0, 1, _RET_IP_);
		xtcp_do_rcv(sk, skb);
		mutex_release(&sk->sk_lock.dep_map, _RET_IP_);
	} else if (sk_add_backlog(sk, skb, min_t(u64, limit, UINT_MAX))) {
		bh_unlock_sock(sk);
		atomic_inc(&sk->sk_drops);
		goto drop;
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return;
drop:
	sock_put(sk);
	kfree_skb(skb);
}

/* The connection, else (past TIME_WAIT) the listener, for @skb. */
static struct sock *xtcp_rcv_lookup(struct net *net, struct sk_buff *skb,
				    bool *tw_done)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct sock *sk;

	if (xtcp_skb_v6(skb)) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		sk = xtcp_lookup_connection6(net, &ip6h->daddr, th->dest,
					     &ip6h->saddr, th->source);
		if (sk)
			return sk;
		if (xtcp_tw_rcv(net, skb) == XTCP_TW_DONE) {
			*tw_done = true;
			return NULL;
		}
		return xtcp_lookup_listener6(net, &ip6h->daddr, th->dest,
					      xtcp_reuseport_hash(skb));
	}
	sk = xtcp_lookup_connection(net, ip_hdr(skb)->daddr, th->dest,
				    ip_hdr(skb)->saddr, th->source);
	if (sk)
		return sk;
	if (xtcp_tw_rcv(net, skb) == XTCP_TW_DONE) {
		*tw_done = true;
		return NULL;
	}
	return xtcp_lookup_listener(net, ip_hdr(skb)->daddr, th->dest,
				    xtcp_reuseport_hash(skb));
}

/* Both IPs' handler: @skb's IP decides the lookups. */
static void xtcp_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	bool tw_done = false;
	enum xtcp_drop why;
	struct sock *sk;

	xtcp_inc(net, XTCP_MIB_IN_SEGS);
	if (skb->pkt_type != PACKET_HOST)
		goto discard;
	why = xtcp_validate(skb);
	if (why) {
		xtcp_inc(net, xtcp_drop_mib[why]);
		goto discard;
	}
	sk = xtcp_rcv_lookup(net, skb, &tw_done);
	if (tw_done) {
		consume_skb(skb);
		return;
	}
	if (!sk) {
		xtcp_inc(net, XTCP_MIB_NO_SOCKET);
		xtcp_reset_no_conn(net, skb);
		goto discard;
	}
	if (xtcp_skb_v6(skb) ? !xfrm6_policy_check(sk, XFRM_POLICY_IN, skb) :
	    !xfrm4_policy_check(sk, XFRM_POLICY_IN, skb)) {
		sock_put(sk);
		goto discard;
	}
	nf_reset_ct(skb);
	xtcp_deliver(sk, skb);
	return;

discard:
	kfree_skb(skb);
}

/*
 * IPv4's handler and IPv6's (af_xtcp.c).  The segment is always taken:
 * IPv6 reads a positive return as the next header to parse (and IPv4 a
 * negative one as a protocol to resubmit to), so a drop must not say so
 * here, as tcp_v6_rcv() never does.
 */
int xtcp_v4_rcv(struct sk_buff *skb)
{
	xtcp_rcv(skb);
	return 0;
}

int xtcp_v6_rcv(struct sk_buff *skb)
{
	xtcp_rcv(skb);
	return 0;
}

/*
 * RFC 5681 §2's duplicate ACK: it acknowledges SND.UNA again, with data
 * outstanding, carries no data, SYN or FIN, and leaves the window alone.
 */
static bool xtcp_is_dupack(const struct xtcp_tcb *tcb, const struct xtcp_seg *seg,
			   u32 prior_una, u32 prior_wnd)
{
	return (seg->flags & (XTCP_ACK | XTCP_SYN | XTCP_FIN | XTCP_RST)) ==
	       XTCP_ACK && !seg->len && seg->ack == prior_una &&
	       tcb->snd_nxt != tcb->snd_una && tcb->snd_wnd == prior_wnd;
}

/*
 * RFC 7323 §5.3 R1, as tcp_validate_incoming(): a segment whose TSval is
 * older than TS.Recent (by more than XTCP_PAWS_WINDOW) is an old
 * duplicate, dropped and acknowledged (the ACK rate-limited as any
 * out-of-window one's, data always answered).  Data below RCV.NXT is a
 * duplicate indeed, most often the original of a retransmission that
 * overtook it: the ACK reports it as a D-SACK (RFC 2883, as
 * tcp_send_dupack()), so that the sender learns the retransmission was
 * spurious (its reordering window, RFC 8985 §6.2 step 4).  A RST passes
 * (§5.2); so does a segment without the option, as Linux lets it (§3.2
 * only says SHOULD drop).  Return: true if @seg was dropped.
 */
static bool xtcp_paws_drop(struct sock *sk, const struct xtcp_seg *seg,
			   u32 now_s)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_reply r = {
		.flags = XTCP_ACK,
		.seq = xs->tcb.snd_nxt,
		.ack = xs->tcb.rcv_nxt,
	};

	if (!seg->opts.ts_ok || xs->tcb.state == XTCP_SYN_SENT ||
	    !xtcp_paws_discard(&xs->ts, seg->opts.tsval, seg->flags & XTCP_RST,
			       now_s))
		return false;
	xtcp_inc(net, XTCP_MIB_PAWS_ESTAB);
	if (seg->len && xtcp_seq_before(seg->seq, r.ack) &&
	    xtcp_state_receives(xs->tcb.state))
		xtcp_dsack_set(sk, seg->seq,
			       xtcp_seq_before(seg->seq + seg->len, r.ack) ?
			       seg->seq + seg->len : r.ack,
			       XTCP_MIB_DSACK_OLD_SENT);
	if (!xtcp_oow_seg_ratelimited(net, seg, &xs->last_oow_ack,
				      XTCP_MIB_ACK_SKIPPED_SEQ))
		xtcp_send(sk, &r);
	return true;
}

/*
 * Timestamps after the state machine took @seg, before its answer goes
 * (which echoes TS.Recent): the SYN or SYN,ACK that answered ours settles
 * them (xtcp_ts_syn_rcvd()); a later segment that reached Last.ACK.sent
 * (@prior_wup) and passed PAWS renews TS.Recent (§4.3), stamped @now_s.
 */
static void xtcp_ts_rcv(struct sock *sk, const struct xtcp_seg *seg,
			enum xtcp_state prior_state, u32 prior_wup, u32 now_s)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (prior_state == XTCP_SYN_SENT) {
		if ((seg->flags & (XTCP_SYN | XTCP_RST)) == XTCP_SYN &&
		    xs->tcb.state != XTCP_SYN_SENT)
			xtcp_ts_syn_rcvd(sk, seg);
		return;
	}
	if (!seg->opts.ts_ok || (seg->flags & XTCP_RST))
		return;
	if (!now_s)	/* timestamps agreed by this segment */
		now_s = xtcp_ts_clock_s();
	if (xtcp_ts_may_update(&xs->ts, seg->opts.tsval, seg->seq,
			       seg->seq + xtcp_seg_len(seg), prior_wup, now_s))
		xtcp_ts_store(&xs->ts, seg->opts.tsval, now_s);
}

/*
 * RFC 7323 §4.1 (RTTM): an ACK of new data echoing one of our TSvals is
 * an RTT sample (xtcp_rtt_on_ack_ts(): unless the timed segment's, finer,
 * is there), before xtcp_clean_acked() takes that and sets the RTO.
 */
static void xtcp_ts_rtt(struct sock *sk, const struct xtcp_seg *seg)
{
	struct xtcp_net *xn = xtcp_sk_pernet(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->ts.ok || !seg->opts.ts_ok)
		return;
	xtcp_rtt_on_ack_ts(&xs->rtt, xs->tcb.snd_una,
			   xtcp_ts_rtt_us(xtcp_ts_at(&xs->ts, xs->rcv_mstamp_us),
					  seg->opts.tsecr),
			   READ_ONCE(xn->rto_min_ms) * USEC_PER_MSEC,
			   READ_ONCE(xn->rto_max_ms) * USEC_PER_MSEC);
}

/* What congestion control reported for the ACK it took: the counters. */
static void xtcp_ack_cc_events(struct sock *sk)
{
	struct xtcp_cc *cc = &xtcp_sk(sk)->cc;

	if (likely(!cc->events))
		return;
	if (cc->events & XTCP_CC_EV_HYSTART_EXIT) {
		xtcp_sk_inc(sk, XTCP_MIB_HYSTART_DELAY_DETECT);
		/* cwnd when it ended, before this ACK's growth */
		xtcp_sk_add(sk, XTCP_MIB_HYSTART_DELAY_CWND,
			    cc->ssthresh / cc->mss);
	}
	cc->events = 0;
}

/*
 * The SACK option of ACK @seg (RFC 2018 §4, RFC 6675 §5), after the state
 * machine moved SND.UNA from @prior_una: a D-SACK block (RFC 2883 §4) is
 * counted and kept out of the scoreboard; an ACK that stops at data the
 * peer had SACKed means it dropped that data (reneging, RFC 2018 §8): the
 * scoreboard is forgotten and the data will be sent again as holes; the
 * other blocks join the scoreboard.
 */
static bool xtcp_sack_ack(struct sock *sk, struct sk_buff *skb,
			  const struct xtcp_seg *seg)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sack_sb *sb = &xs->sack_sb;
	struct xtcp_sack_block b[XTCP_SACK_MAX_BLOCKS];
	struct net *net = sock_net(sk);
	u32 una = xs->tcb.snd_una;
	bool dsack;
	int i, n;

	if (sb->n && xtcp_sack_sb_sacked(sb, una)) {
		xtcp_inc(net, XTCP_MIB_SACK_RENEGING);
		xtcp_sack_sb_reset(sb);
	}
	xtcp_sack_sb_advance(sb, una);
	if (!seg->opts.sack_len)
		return false;
	n = xtcp_sack_blocks((const u8 *)(tcp_hdr(skb) + 1) +
			     seg->opts.sack_off, b);
	/* a D-SACK block is the first; the others follow it */
	dsack = xtcp_sack_is_dsack(b, n, seg->ack);
	if (dsack) {
		xtcp_inc(net, XTCP_MIB_DSACK_RECV);
		/* every retransmission of the last recovery needless: undo */
		if (xtcp_cc_dsack(&xs->cc, b[0].end,
				  DIV_ROUND_UP(b[0].end - b[0].start,
					       xs->tcb.snd_mss)))
			xtcp_inc(net, XTCP_MIB_DSACK_UNDO);
	}
	for (i = dsack; i < n; i++)
		if (!xtcp_sack_block_ok(&b[i], una, xs->tcb.snd_nxt))
			xtcp_inc(net, XTCP_MIB_SACK_DISCARD);
	xtcp_sack_sb_update(sb, b + dsack, n - dsack, una, xs->tcb.snd_nxt);
	return dsack;
}

/* Return: true if the receive path took @skb. */
static bool xtcp_conn_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_seg *seg = &XTCP_SKB_CB(skb)->seg;
	u32 prior_una = xs->tcb.snd_una, prior_wnd = xs->tcb.snd_wnd;
	u32 prior_wup = xs->rcv_wup, prior_sacked = xs->sack_sb.sacked;
	enum xtcp_state prior_state = xs->tcb.state;
	struct net *net = sock_net(sk);
	struct xtcp_reply r;
	unsigned int ev;
	u32 now_s = 0;
	bool taken, dupack, acks_sent, dsack = false;

	/* A full accept queue: drop the ACK, the child retransmits SYN,ACK. */
	if (xs->parent && xs->tcb.state == XTCP_SYN_RECEIVED &&
	    sk_acceptq_is_full(xs->parent)) {
		xtcp_inc(net, XTCP_MIB_LISTEN_OVERFLOWS);
		xtcp_inc(net, XTCP_MIB_LISTEN_DROPS);
		return false;
	}
	/*
	 * One clock read for the segment (tcp_rcv_established()'s
	 * tcp_mstamp_refresh()): its ACK's RACK, RTT samples and timers, its
	 * data's delayed ACK and receiver RTT
	 */
	xs->rcv_mstamp_us = xtcp_clock_us();

	/*
	 * XTCP_DEFER_ACCEPT (tcp_check_req()): a bare ACK does not make the
	 * child acceptable until the SYN,ACK went defer_accept more times;
	 * data does.
	 */
	if (xs->parent && xs->tcb.state == XTCP_SYN_RECEIVED &&
	    seg->flags == XTCP_ACK && !seg->len &&
	    xs->retries < xs->defer_accept)
		return false;

	if (xs->tcb.state == XTCP_ESTABLISHED)
		xtcp_trace_probe(sk, skb);
	/* one clock read for PAWS and TS.Recent's stamp */
	if (xs->ts.ok) {
		now_s = xtcp_ts_clock_s();
		if (xtcp_paws_drop(sk, seg, now_s))
			return false;
	}
	xtcp_keepalive_rcv(sk);
	ev = xtcp_tcb_input(&xs->tcb, &XTCP_SKB_CB(skb)->seg, &r);
	xtcp_sync_state(sk);
	if (xs->ts.ok)
		xtcp_ts_rcv(sk, seg, prior_state, prior_wup, now_s);
	/* RFC 2018 §2: SACK only if the SYN,ACK (or SYN) permitted it too */
	if (prior_state == XTCP_SYN_SENT && (seg->flags & XTCP_SYN) &&
	    xs->tcb.state != XTCP_SYN_SENT && !seg->opts.sack_perm)
		xs->sack_ok = false;
	/* RFC 2883 §4: a duplicate below RCV.NXT, reported in that ACK */
	if ((ev & XTCP_EV_OOW) && xs->sack_ok && seg->len &&
	    !(seg->flags & (XTCP_SYN | XTCP_RST)) &&
	    xtcp_state_receives(xs->tcb.state) &&
	    xtcp_seq_leq(seg->seq + seg->len, xs->tcb.rcv_nxt))
		xtcp_dsack_set(sk, seg->seq, seg->seq + seg->len,
			       XTCP_MIB_DSACK_OLD_SENT);
	/* RFC 5961 §7 and ACK loops: rate-limited per connection */
	if ((ev & XTCP_EV_CHALLENGE) &&
	    !xtcp_challenge_allowed(net, &xs->last_oow_ack))
		r.flags = 0;
	if ((ev & XTCP_EV_OOW) &&
	    xtcp_oow_seg_ratelimited(net, seg, &xs->last_oow_ack,
				     XTCP_MIB_ACK_SKIPPED_SEQ))
		r.flags = 0;
	if (r.flags)
		xtcp_send(sk, &r);
	/* the peer is alive: zero-window probes are answered */
	if (!(ev & XTCP_EV_DROP) && (seg->flags & XTCP_ACK))
		xs->probes_out = 0;
	if (ev & XTCP_EV_SYN_RECEIVED) {
		/* simultaneous open: the timer now resends SYN,ACK */
		xs->retries = 0;
		xs->rto_ms = READ_ONCE(xtcp_pernet(net)->rto_init_ms);
		xtcp_rtx_arm(sk);
	}
	if (ev & XTCP_EV_ESTABLISHED) {
		xtcp_established(sk);
		if (xs->parent)
			xtcp_child_ready(sk);
	}
	if (ev & (XTCP_EV_REFUSED | XTCP_EV_RESET))
		xtcp_trace_sk_event(sk, XTCP_TRACE_RECEIVE_RESET);
	if (ev & XTCP_EV_REFUSED) {
		xtcp_inc(net, XTCP_MIB_ATTEMPT_FAILS);
		xtcp_done(sk, ECONNREFUSED);
	}
	if (ev & XTCP_EV_RESET) {
		xtcp_inc(net, XTCP_MIB_ESTAB_RESETS);
		xtcp_done(sk, ECONNRESET);
	}
	if (ev & XTCP_EV_CHILD_RESET) {
		xtcp_inc(net, XTCP_MIB_ATTEMPT_FAILS);
		xtcp_child_drop(sk);
	}
	/* the ACK is for a send path that was running before it (§3.10.7.4) */
	acks_sent = xtcp_state_sends(prior_state) &&
		    !(ev & XTCP_EV_ESTABLISHED);
	if (xs->sack_ok && acks_sent && (seg->flags & XTCP_ACK) &&
	    !(ev & XTCP_EV_DROP))
		dsack = xtcp_sack_ack(sk, skb, seg);
	/*
	 * RFC 6937's DeliveredData: SND.UNA's advance plus the change in
	 * bytes SACKed (what SND.UNA passed was counted in both); less than
	 * nothing after reneging
	 */
	xs->ack_delivered = max_t(s64, 0, (s64)(xs->tcb.snd_una - prior_una) +
					  xs->sack_sb.sacked - prior_sacked);
	dupack = !ev && acks_sent &&
		 xtcp_is_dupack(&xs->tcb, seg, prior_una, prior_wnd);
	/* RACK-TLP (RFC 8985): before the ACKed segments are freed */
	if (xs->sack_ok && acks_sent && (ev & XTCP_EV_ACKED || !ev))
		xtcp_rack_ack(sk, prior_una, dsack, dupack);
	if (ev & XTCP_EV_ACKED && acks_sent) {
		xtcp_ts_rtt(sk, seg);
		xtcp_clean_acked(sk, prior_una);
		xtcp_ack_cc_events(sk);
	} else if (dupack) {
		xtcp_dupack(sk);
	}
	/* our FIN acknowledged: FIN_WAIT_2, TIME_WAIT (CLOSING) or CLOSED */
	if (ev & (XTCP_EV_FIN_ACKED | XTCP_EV_TIME_WAIT | XTCP_EV_CLOSED)) {
		xtcp_close_progress(sk, ev);
		if (sk->sk_state == TCP_CLOSE)
			return false;
	}
	/* freed window, grown cwnd or a window update: queued data may go */
	if (!(ev & XTCP_EV_DROP) && xs->send_head)
		xtcp_push(sk);
	if (!(ev & XTCP_EV_TEXT))
		return false;
	/*
	 * New data after the user closed or shut reading in FIN_WAIT_1/2
	 * (text is taken, our FIN queued) has nowhere to go: reset, as
	 * tcp_rcv_state_process() does.
	 */
	if ((sk->sk_shutdown & RCV_SHUTDOWN) && seg->len &&
	    xtcp_state_receives(xs->tcb.state) && xs->tcb.fin_queued &&
	    xtcp_seq_after(seg->seq + seg->len, xs->tcb.rcv_nxt)) {
		xtcp_inc(net, XTCP_MIB_ABORT_ON_DATA);
		xtcp_abort(sk, 0);
		return false;
	}
	ev = 0;
	taken = xtcp_data_rcv(sk, skb, &ev);
	/* the peer's FIN came with it or after it: CLOSE_WAIT, CLOSING... */
	if (ev)
		xtcp_close_progress(sk, ev);
	return taken;
}

/*
 * A valid SYN cookie came back: the child it stands for takes @skb as the
 * ACK of its SYN,ACK (and its data, if any), as tcp_child_process() does.
 * The child is new, held by no user.
 */
static void xtcp_cookie_rcv(struct sock *listener, struct sk_buff *skb,
			    u16 mss)
{
	struct sock *child = xtcp_cookie_child(listener, skb, mss);

	if (!child) {
		kfree_skb(skb);
		return;
	}
	local_bh_disable();
	bh_lock_sock_nested(child);
	if (sock_owned_by_user(child)) {
		/* a closing listener is resetting its children */
		kfree_skb(skb);
	} else {
		mutex_acquire(&child->sk_lock.dep_map, 0, 1, _RET_IP_);
		xtcp_do_rcv(child, skb);
		mutex_release(&child->sk_lock.dep_map, _RET_IP_);
	}
	/* not established by it (a RST since, a racing copy): no timer would end it */
	if (xtcp_sk(child)->tcb.state == XTCP_SYN_RECEIVED)
		xtcp_child_drop(child);
	bh_unlock_sock(child);
	local_bh_enable();
	sock_put(child);
}

/*
 * A segment for a listener: from xtcp_deliver() without the socket lock,
 * or from the backlog of a socket that became a listener meanwhile.
 * Return: true if @skb was taken (by a child made from a SYN cookie).
 */
static bool xtcp_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_tcb listen = { .state = XTCP_LISTEN };
	struct xtcp_reply r;
	unsigned int ev;
	u16 mss;

	mss = xtcp_cookie_check(sk, skb);
	if (mss) {
		xtcp_cookie_rcv(sk, skb, mss);
		return true;
	}
	/*
	 * anything else, a forged or stale cookie too, as RFC 9293 says; on
	 * a TCB of its own, as the socket's may be turning active meanwhile
	 */
	ev = xtcp_tcb_input(&listen, &XTCP_SKB_CB(skb)->seg, &r);
	xtcp_send_ctl(sock_net(sk), skb, &r);
	if (ev & XTCP_EV_NEW_CHILD)
		xtcp_new_child(sk, skb);
	return false;
}

/*
 * sk_backlog_rcv: the socket is ours (BH-locked, or owned and draining its
 * backlog in process context).
 */
int xtcp_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	bool taken = false;

	xtcp_check_state(sk);
	switch (xtcp_sk(sk)->tcb.state) {
	case XTCP_LISTEN:
		taken = xtcp_listen_rcv(sk, skb);
		break;
	case XTCP_CLOSED:
		/* closed since the lookup: answer as for no socket */
		xtcp_reset_no_conn(sock_net(sk), skb);
		break;
	default:
		/* the socket may have changed connection since the lookup */
		if (INDIRECT_CALL_2(xtcp_sk(sk)->af->skb_matches,
				    xtcp_v4_skb_matches, xtcp_v6_skb_matches,
				    sk, skb))
			taken = xtcp_conn_rcv(sk, skb);
		else
			xtcp_reset_no_conn(sock_net(sk), skb);
		break;
	}
	if (!taken)
		consume_skb(skb);
	/* what the ACK freed and the data did not take (xtcp_free_acked()) */
	sk_mem_reclaim(sk);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_do_rcv);
