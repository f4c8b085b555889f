/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP internal definitions shared by the module's files and its KUnit tests.
 */
#ifndef _XTCP_H
#define _XTCP_H

#include <linux/hrtimer.h>
#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <linux/types.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <uapi/linux/xtcp.h>

#include "cc.h"
#include "compat.h"
#include "ofo.h"
#include "rtt.h"
#include "rack.h"
#include "sack.h"
#include "state.h"
#include "ts.h"

/* Module parameters (read-only after load), in af_xtcp.c. */
extern int xtcp_ipproto;
extern int xtcp_family;

/* A connection's addresses, in the order the tables hash them. */
struct xtcp_key {
	__be32	laddr;
	__be16	lport;
	__be16	rport;		/* 0 for a listener */
	__be32	raddr;		/* 0 for a listener */
};

/* The same for a connection over IPv6 (ehash6, lhash6, twhash6). */
struct xtcp_key6 {
	struct in6_addr	laddr;
	__be16		lport;
	__be16		rport;		/* 0 for a listener */
	struct in6_addr	raddr;		/* :: for a listener */
};

struct xtcp_bind_bucket;	/* bind.c */

/*
 * What differs between the network layers a connection runs over (addr.c
 * for IPv4, ipv6.c for IPv6), as inet_connection_sock_af_ops does for TCP:
 * chosen per connection, so that a v4-mapped connection on an IPv6 socket
 * runs over IPv4.
 */
struct xtcp_af_ops {
	u16	family;		/* AF_INET or AF_INET6: the segments' IP */
	u16	net_header_len;	/* the IP header in front of ours */
	/* hand a segment with our header at its data to IP */
	int	(*queue_xmit)(struct sock *sk, struct sk_buff *skb);
	/* fill th->check: in full, or the pseudo-header part for the device */
	void	(*send_check)(struct sock *sk, struct sk_buff *skb,
			      struct tcphdr *th, bool partial);
	/* does the route's device checksum our protocol (NETIF_F_HW_CSUM)? */
	bool	(*csum_offload)(struct sock *sk);
	/* is @skb from the peer @sk is connected to now? */
	bool	(*skb_matches)(const struct sock *sk, const struct sk_buff *skb);
	/* the route's path MTU after an ICMP "too big" (icmp.c) */
	struct dst_entry *(*update_pmtu)(struct sock *sk, u32 mtu);
};

extern const struct xtcp_af_ops xtcp_ipv4_ops;
extern const struct xtcp_af_ops xtcp_ipv6_ops;

/*
 * The operations themselves, for INDIRECT_CALL_2() on the data path (as
 * INDIRECT_CALL_INET() spares TCP's): a direct call, not a retpoline
 */
int xtcp_v4_queue_xmit(struct sock *sk, struct sk_buff *skb);
int xtcp_v6_queue_xmit(struct sock *sk, struct sk_buff *skb);
void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb,
			struct tcphdr *th, bool partial);
void xtcp_v6_send_check(struct sock *sk, struct sk_buff *skb,
			struct tcphdr *th, bool partial);
bool xtcp_v4_csum_offload(struct sock *sk);
bool xtcp_v6_csum_offload(struct sock *sk);
bool xtcp_v4_skb_matches(const struct sock *sk, const struct sk_buff *skb);
bool xtcp_v6_skb_matches(const struct sock *sk, const struct sk_buff *skb);

enum xtcp_hashed {
	XTCP_UNHASHED,
	XTCP_HASHED_LISTEN,	/* in xtcp_net.lhash */
	XTCP_HASHED_CONN,	/* in xtcp_net.ehash */
	XTCP_HASHED_LISTEN6,	/* in xtcp_net.lhash6 */
	XTCP_HASHED_CONN6,	/* in xtcp_net.ehash6 */
};

/* xtcp_sock.flags bits */
enum {
	XTCP_ORPHANED,		/* closed by the user, finishing on its own */
	XTCP_SYNFLOOD_WARNED,	/* a listener logged its SYN flood once */
	XTCP_MTU_REDUCED_DEFERRED, /* "fragmentation needed" while user-owned */
	XTCP_ICMP_ERR_DEFERRED,	/* a hard error for SYN_SENT while user-owned */
};

#define XTCP_DELACK_MS	40

/* A socket's timers (timer.c), each an index into xtcp_sock.timer_due. */
enum xtcp_timer_id {
	XTCP_TIMER_RTX,		/* retransmission (RFC 6298) */
	XTCP_TIMER_DELACK,	/* delayed ACK (RFC 9293 §3.8.6.3) */
	XTCP_TIMER_PERSIST,	/* zero-window probes (§3.8.6.1) */
	XTCP_TIMER_KEEPALIVE,	/* keepalive.c (RFC 1122 §4.2.3.6) */
	XTCP_TIMER_FIN_WAIT2,	/* an orphan's FIN_WAIT_2 (fin_timeout_ms) */
	XTCP_TIMER_RACK,	/* TLP's probe or RACK's reordering timeout */
	XTCP_NR_TIMERS
};

/*
 * Per-socket state.  struct inet_sock comes first so that the IPv4 output
 * path (ip_queue_xmit) can treat an XTCP socket as an inet socket; the local
 * address and port live in inet_rcv_saddr/inet_saddr and inet_num/inet_sport.
 */
struct xtcp_net;

struct xtcp_sock {
	struct inet_sock	inet;
	struct xtcp_tcb		tcb;
	const struct xtcp_af_ops *af;		/* the IP it runs over (addr.c) */
	struct xtcp_net		*xn;	/* its namespace's, xtcp_sk_pernet() */
	u8			family;	/* the user's: AF_INET or AF_INET6 */

	/* tables (table.c) */
	struct xtcp_key		key;
	struct xtcp_key6	key6;		/* the key over IPv6 */
	struct list_head	all_node;	/* in xtcp_net.all, for /proc */
	struct list_head	orphan_node;	/* in xtcp_net.orphans, oldest first */
	u32			last_oow_ack;	/* jiffies: xtcp_oow_ratelimited() */
	enum xtcp_hashed	hashed;
	bool			rp_spare;	/* reuseport member, not in lhash */
	struct hlist_node	bind_node;	/* in its port's bind bucket */
	struct xtcp_bind_bucket	*bind_bucket;	/* that bucket, while bound */
	bool			bound;
	bool			connect_bound;	/* by connect(): shareable */

	/* a listener's children (listen.c), under queue_lock */
	spinlock_t		queue_lock;
	struct list_head	syn_queue;	/* children in SYN_RECEIVED */
	struct list_head	accept_queue;	/* established, not accepted */
	u32			syn_qlen;
	bool			queues_closed;	/* closing or turned active */
	unsigned long		synq_overflow_ts; /* jiffies: last cookie sent */

	/* a child of a listener, until accept() */
	struct list_head	child_node;	/* in its parent's queues */
	struct sock		*parent;	/* referenced while queued */

	/* timers (timer.c) */
	struct hrtimer		timer;		/* the earliest deadline's, or earlier */
	ktime_t			timer_due[XTCP_NR_TIMERS]; /* KTIME_MAX: stopped */
	unsigned long		timers_deferred; /* bit per timer: to release_cb */
	unsigned long		timers_ref;	/* bit 0: the hrtimer holds one */
	bool			timer_in_cb;	/* handlers running: arms wait */
	u8			probes_out;	/* unanswered in a row */
	u8			persist_backoff;
	u32			ack_pending;	/* bytes received, not yet ACKed */
	u32			rto_ms;
	u8			retries;
	/* path MTU (icmp.c) */
	u32			mtu_info;	/* the MTU the last ICMP reported */
	u32			pmtu_cookie;	/* the path MTU snd_mss was cut for */
	unsigned long		flags;

	/* the sender (send.c): sk_write_queue holds unacked and unsent data */
	struct sk_buff		*send_head;	/* first unsent, or NULL */
	struct xtcp_rtt		rtt;		/* RFC 6298 estimator (rtt.c) */
	struct xtcp_ts		ts;		/* RFC 7323 timestamps (ts.c) */
	struct xtcp_cc		cc;		/* congestion control (cc.c) */
	const struct xtcp_cc_ops *cc_ops;	/* XTCP_CONGESTION's algorithm */
	u64			lsnd_us;	/* last data segment sent, 0: none */
	/* delivery rate (XTCP_INFO): bytes acknowledged over an interval */
	u64			dr_start_us;	/* the interval's start, 0: none */
	u64			dr_start_acked;	/* bytes_acked then */
	u64			delivery_rate;	/* bytes/s over the last interval */
	bool			sack_ok;	/* SACK: offered, then agreed (RFC 2018) */
	struct xtcp_sack_sb	sack_sb;	/* what the peer SACKed (sack.c) */
	struct xtcp_sack_rcv	sack_rcv;	/* the blocks we report */
	struct xtcp_rack	rack;		/* RACK-TLP (rack.c) */
	bool			rack_reo_timer;	/* XTCP_TIMER_RACK is RACK's, not TLP's */
	u32			rack_lost;	/* bytes RACK marked lost, not acted on */
	bool			rack_sacked;	/* a queued skb has XTCP_RACK_SACKED */
	u32			ack_delivered;	/* bytes the ACK being taken newly
						 * acknowledged or SACKed (PRR)
						 */
	u32			rto_high;	/* SND.NXT at the last timeout */
	u64			rtx_start_us;	/* first timeout of this episode, 0: none */
	bool			rto_recovery;	/* resending holes below rto_high */
	u32			pushed_seq;	/* write_seq at the last PSH mark */
	bool			pushed_set;	/* pushed_seq is one */
	u32			total_retrans;
	u64			bytes_acked;

	/* the receiver (recv.c): sk_receive_queue holds in-order data */
	struct xtcp_ofo		ofo;		/* data after a hole */
	u32			copied_seq;	/* first byte not yet read */
	u32			rcv_wup;	/* RCV.NXT when the window was sent */
	u16			rcv_ratio;	/* payload/truesize, xtcp_rcv_ratio() */
	u16			rcv_mss;	/* largest segment received */
	u8			ack_pushed;	/* XTCP_ACK_PUSHED* since our last ACK */
	unsigned long		lrcvtime;	/* jiffies at the last data received */
	u64			rcv_mstamp_us;	/* xtcp_conn_rcv()'s clock, as TCP's
						 * tcp_mstamp: for its segment's
						 * RACK, RTT, timers and delayed ACK
						 */
	u64			bytes_received;
	/* receive-buffer autotuning (buffer.c) */
	u32			rcvq_space;	/* bytes the reader drained in an RTT */
	u32			rcvq_seq;	/* copied_seq when measured */
	u64			rcvq_time_us;
	u32			rcv_rtt_us;	/* the receiver's RTT estimate */
	u32			rcv_rtt_seq;	/* RCV.NXT that ends the sample */
	u64			rcv_rtt_time_us;
	u32			segs_in;
	u32			segs_out;

	/* SOL_XTCP options (sockopt.c) */
	bool			nodelay;
	bool			cork;		/* XTCP_CORK: hold partial segments */
	u16			user_mss;	/* 0: use the route's MSS */
	u32			keepidle;	/* seconds, 0: sysctl default */
	u32			keepintvl;	/* seconds, 0: sysctl default */
	u8			keepcnt;	/* 0: sysctl default */
	u32			user_timeout;	/* ms, 0: off */
	u8			syncnt;		/* SYN tries, 0: syn_retries */
	int			linger2_ms;	/* FIN_WAIT_2, 0: sysctl, <0: none */
	u32			window_clamp;	/* largest window offered, 0: none */
	u32			notsent_lowat;	/* unsent bytes for EPOLLOUT, 0: any */
	u8			defer_accept;	/* SYN,ACK tries a bare ACK waits */
	u8			quickack;	/* segments still ACKed at once */
	/*
	 * interactive: a read leaves the delayed ACK to the reply (TCP's
	 * pingpong mode; XTCP_QUICKACK 0 sets it, 1 clears it)
	 */
	bool			pingpong;

	/* keepalive (keepalive.c) */
	unsigned long		ka_rcv;		/* jiffies at the peer's last segment */
	u8			ka_probes;	/* probes sent since */

	/* the last state xtcp:xtcp_set_state reported (trace.c) */
	enum xtcp_state		traced_state;

	/* IPv6 (ipv6.c): inet_sk(sk)->pinet6 points here */
	struct ipv6_pinfo	inet6;
};

/* A clock read for a whole event (µs of ktime_get()), as tcp_clock_us() */
static inline u64 xtcp_clock_us(void)
{
	return ktime_to_us(ktime_get());
}

/* xtcp_clock_us()'s reading as the ktime the timers take */
static inline ktime_t xtcp_us_ktime(u64 us)
{
	return ns_to_ktime(us * NSEC_PER_USEC);
}

/*
 * The peer's segment size, as RFC 9293 §3.8.6.2.2 and §3.8.6.3 mean "MSS"
 * on the receiving side: the largest segment seen, at most the MSS we
 * advertised; 536 (§3.7.1) until one arrives.  The MSS we advertised may be
 * far larger than what the peer sends (64 KiB on loopback, against a peer
 * with XTCP_MAXSEG), and ACKs and window updates must not wait for that.
 */
static inline u32 xtcp_rcv_mss(const struct xtcp_sock *xs)
{
	return min_t(u32, xs->tcb.mss, xs->rcv_mss ?: XTCP_DEFAULT_MSS);
}

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

static inline struct sock *xtcp_to_sk(struct xtcp_sock *xs)
{
	return &xs->inet.sk;
}

/*
 * A check for debug builds only.  The debug guest's kernel has lockdep but
 * not CONFIG_DEBUG_NET, so DEBUG_NET_WARN_ON_ONCE() alone would test
 * nothing there.
 */
#if IS_ENABLED(CONFIG_DEBUG_NET) || IS_ENABLED(CONFIG_PROVE_LOCKING)
#define XTCP_DEBUG_WARN_ON_ONCE(cond)	((void)WARN_ON_ONCE(cond))
#else
#define XTCP_DEBUG_WARN_ON_ONCE(cond)	BUILD_BUG_ON_INVALID(cond)
#endif

/*
 * sk_state follows tcb.state (xtcp_sync_state() in trace.c): a debug build
 * checks it where a socket call, a segment or a timer takes the socket.
 */
static inline void xtcp_check_state(const struct sock *sk)
{
	XTCP_DEBUG_WARN_ON_ONCE(READ_ONCE(sk->sk_state) !=
				xtcp_state_to_tcp(xtcp_sk(sk)->tcb.state));
}

/* Per-netns counters, shown in /proc/net/xtcp_stats. */
enum xtcp_mib {
	XTCP_MIB_IN_SEGS,
	XTCP_MIB_OUT_SEGS,
	XTCP_MIB_RETRANS_SEGS,
	XTCP_MIB_IN_SHORT,
	XTCP_MIB_IN_BAD_DOFF,
	XTCP_MIB_IN_BAD_OPTS,
	XTCP_MIB_IN_CSUM_ERRORS,
	XTCP_MIB_NO_SOCKET,
	XTCP_MIB_OUT_RSTS,
	XTCP_MIB_RST_RATELIMITED,
	XTCP_MIB_ACTIVE_OPENS,
	XTCP_MIB_PASSIVE_OPENS,
	XTCP_MIB_ATTEMPT_FAILS,
	XTCP_MIB_ESTAB_RESETS,
	XTCP_MIB_LISTEN_OVERFLOWS,	/* accept queue full */
	XTCP_MIB_LISTEN_DROPS,		/* any SYN or handshake ACK dropped */
	XTCP_MIB_SYNCOOKIES_SENT,
	XTCP_MIB_SYNCOOKIES_RECV,
	XTCP_MIB_SYNCOOKIES_FAILED,
	XTCP_MIB_SYN_TIMEOUTS,
	XTCP_MIB_CHALLENGE_ACKS,
	XTCP_MIB_CHALLENGE_LIMITED,
	XTCP_MIB_FIN_WAIT2_TIMEOUTS,
	XTCP_MIB_ABORT_ON_CLOSE,
	XTCP_MIB_ABORT_ON_LINGER,
	XTCP_MIB_ABORT_ON_DATA,
	XTCP_MIB_WIN_PROBES,
	XTCP_MIB_TW_CREATED,
	XTCP_MIB_TW_RECYCLED,
	XTCP_MIB_TW_KILLED,
	XTCP_MIB_TW_REUSED,		/* taken over by connect() (tw_reuse) */
	XTCP_MIB_TW_ACTIVE,		/* a gauge: entries hashed now */
	XTCP_MIB_ACK_SKIPPED_SEQ,	/* out-of-window ACKs rate-limited */
	XTCP_MIB_ACK_SKIPPED_CHALLENGE,	/* challenge ACKs rate-limited */
	XTCP_MIB_ACK_SKIPPED_TW,	/* TIME_WAIT's ACKs rate-limited */
	XTCP_MIB_TW_OVERFLOW,		/* no entry: max_tw_buckets reached */
	XTCP_MIB_ORPHAN_OVERFLOW,	/* oldest orphan reset: max_orphans */
	XTCP_MIB_ORPHAN_TIMEOUTS,	/* orphan gave up: orphan_retries */
	XTCP_MIB_ORPHANS,		/* a gauge: orphans now */
	XTCP_MIB_MEMORY_PRESSURES,	/* the protocol entered memory pressure */
	XTCP_MIB_RCV_MEM_DROPS,		/* segments dropped: no memory (mem) */
	XTCP_MIB_MEMORY_UNRETURNED,	/* a socket ended with memory charged */
	XTCP_MIB_OUT_GSO_SKBS,		/* super-segments sent (send.c) */
	XTCP_MIB_GSO_SEGMENTED,		/* ...split in software at a device */
	XTCP_MIB_GRO_MERGED,		/* segments merged into one by GRO */
	XTCP_MIB_RETRANS_SPLITS,	/* retransmissions cut from a super-segment */
	XTCP_MIB_OUT_OF_WINDOW_ICMPS,	/* quoting a sequence number not in flight */
	XTCP_MIB_LOCK_DROPPED_ICMPS,	/* the socket was user-owned */
	XTCP_MIB_PAWS_ESTAB,		/* dropped by PAWS (RFC 7323 §5) */
	XTCP_MIB_PAWS_TW,		/* ...in TIME_WAIT */
	XTCP_MIB_SACK_RECOVERY,		/* fast recovery with SACK (RFC 6675) */
	XTCP_MIB_SACK_RENEGING,		/* the peer dropped data it SACKed */
	XTCP_MIB_DSACK_RECV,		/* D-SACK blocks received (RFC 2883) */
	XTCP_MIB_DSACK_OLD_SENT,	/* D-SACKs sent for data below RCV.NXT */
	XTCP_MIB_DSACK_OFO_SENT,	/* ...for data already queued out of order */
	XTCP_MIB_SACK_DISCARD,		/* SACK blocks ignored as invalid */
	XTCP_MIB_TIMEOUTS,		/* RTO expiries with data in flight */
	XTCP_MIB_FAST_RETRANS,		/* segments resent by fast recovery or RACK */
	XTCP_MIB_LOSS_PROBES,		/* TLP probes sent (RFC 8985 §7) */
	XTCP_MIB_LOSS_PROBE_RECOVERY,	/* ...that repaired a tail loss */
	XTCP_MIB_LOST_RETRANSMIT,	/* a retransmission found lost by RACK */
	XTCP_MIB_HYSTART_DELAY_DETECT,	/* HyStart++ ended slow start (RFC 9406) */
	XTCP_MIB_HYSTART_DELAY_CWND,	/* ...the sum of cwnd then, in segments */
	XTCP_MIB_DELAYED_ACKS,		/* ACKs the delayed-ACK timer sent */
	XTCP_MIB_SPURIOUS_RTX_HOSTQ,	/* a resend held: the copy is still here */
	XTCP_MIB_DSACK_UNDO,		/* D-SACKs undid a needless recovery */
	XTCP_MIB_MAX
};

/* One CPU's share of a namespace's counters. */
struct xtcp_mib_cpu {
	unsigned long	v[XTCP_MIB_MAX];
};

/*
 * The smallest size of the per-netns hash tables (ehash, twhash,
 * bind_table): below it they do not shrink, so that a
 * namespace whose few connections come and go does not resize its tables
 * back and forth with each one (an rhashtable grows above 75% load and
 * shrinks below 30%).  512 bytes a table.
 */
#define XTCP_HASH_MIN_SIZE	64

/* At most so many events a second (xtcp_ratelimit() in output.c). */
struct xtcp_ratelimit {
	spinlock_t	lock;		/* guards begin and count */
	unsigned long	begin;		/* jiffies: this window's start */
	int		count;		/* events let through in it */
};

/* Per network namespace state (pernet.c). */
struct xtcp_net {
	spinlock_t		bind_lock;	/* guards bind_table's buckets */
	struct rhashtable	bind_table;	/* a bucket per port in use (bind.c):
						 * its sockets, TIME_WAIT's count
						 */

	struct rhashtable	ehash;		/* connections, by 4-tuple */
	struct rhashtable	lhash;		/* listeners, by (addr, port) */
	struct rhashtable	ehash6;		/* the same over IPv6 */
	struct rhashtable	lhash6;
	spinlock_t		lhash_lock;	/* listeners in and out, SO_REUSEPORT */
	spinlock_t		all_lock;	/* guards all */
	struct list_head	all;		/* every hashed socket */
	struct list_head	orphans;	/* under all_lock, oldest first */
	atomic_t		orphan_count;	/* the OrphansActive gauge */
	struct work_struct	orphan_reap;	/* resets the oldest (max_orphans) */
	struct net		*net;

	/* TIME_WAIT entries (timewait.c) */
	struct rhashtable	twhash;		/* by 4-tuple, as ehash */
	struct rhashtable	twhash6;	/* ...and as ehash6 */
	spinlock_t		tw_lock;	/* guards tw_queue, tw_timer's start */
	struct list_head	tw_queue;	/* armed entries, soonest first */
	struct hrtimer		tw_timer;	/* the first's expiry, soft mode */

	struct sock		*ctl_sk;	/* raw socket for RSTs */
	struct sock		*ctl_sk6;	/* ...over IPv6 */
	struct xtcp_ratelimit	rst_limit;	/* RSTs with no connection */

	/* sysctls, /proc/sys/net/xtcp/ */
	struct ctl_table_header	*sysctl_hdr;
	int			syn_retries;
	int			synack_retries;
	int			rto_init_ms;
	int			rto_min_ms;
	int			rto_max_ms;
	int			max_syn_backlog;
	int			rst_ratelimit;	/* RSTs per second, 0: none */
	int			retries2;	/* data retransmissions before ETIMEDOUT */
	int			fin_timeout_ms;	/* an orphan's FIN_WAIT_2 */
	int			challenge_ack_limit; /* per second, 0: none */
	unsigned long		challenge_stamp;
	atomic_t		challenge_count;
	int			keepalive_time_s;	/* idle before the first probe */
	int			keepalive_intvl_s;	/* between probes */
	int			keepalive_probes;	/* unanswered, then ETIMEDOUT */
	int			msl_ms;		/* TIME_WAIT lasts 2 * msl_ms */
	int			tw_rfc1337;	/* TIME_WAIT ignores RSTs */
	int			tw_reuse_mode;	/* tw_reuse: 0 no, 1 yes, 2 loopback */
	int			rmem[3];	/* receive buffer min, default, max */
	int			wmem[3];	/* send buffer min, default, max */
	int			min_snd_mss;	/* a peer's MSS is raised to this */
	int			invalid_ratelimit_ms; /* per connection */
	int			max_tw_buckets;	/* TIME_WAIT entries at most */
	int			max_orphans;	/* then the oldest is reset */
	int			orphan_retries;	/* 0: 8, as tcp_orphan_retries */
	int			syncookies;	/* 0 never, 1 on overflow, 2 always */
	int			timestamps;	/* RFC 7323 timestamps: offer, answer */
	int			sack;		/* RFC 2018 SACK: offer, answer */
	int			recovery;	/* bit 0: RACK-TLP (tcp_recovery) */
	int			hystart;	/* HyStart++ for CUBIC (RFC 9406) */
	/* congestion_control: a new socket's algorithm */
	const struct xtcp_cc_ops *cc_default;

	struct xtcp_mib_cpu __percpu *mib;	/* counters, per CPU */
	atomic_long_t		tw_active;	/* the TimeWaitActive gauge */
};

/* A namespace's XTCP state: data, read everywhere; no call into pernet.c. */
extern unsigned int xtcp_net_id;

static inline struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

int xtcp_pernet_init(void);
void xtcp_pernet_exit(void);

/* Count an event: a per-CPU increment, no shared cache line. */
static inline void xtcp_inc(struct net *net, enum xtcp_mib m)
{
	this_cpu_inc(xtcp_pernet(net)->mib->v[m]);
}

static inline void xtcp_add(struct net *net, enum xtcp_mib m, unsigned long n)
{
	this_cpu_add(xtcp_pernet(net)->mib->v[m], n);
}

/*
 * The same for a socket's namespace, from the pointer the socket keeps
 * (xtcp_sock_init()): net_generic() is an RCU read-side section, two calls
 * on a preemptible-RCU kernel, and the data path counted 13 a transaction.
 * The block it points to lives as long as the namespace the socket holds.
 */
static inline struct xtcp_net *xtcp_sk_pernet(const struct sock *sk)
{
	return xtcp_sk(sk)->xn;
}

static inline void xtcp_sk_inc(const struct sock *sk, enum xtcp_mib m)
{
	this_cpu_inc(xtcp_sk_pernet(sk)->mib->v[m]);
}

static inline void xtcp_sk_add(const struct sock *sk, enum xtcp_mib m,
			       unsigned long n)
{
	this_cpu_add(xtcp_sk_pernet(sk)->mib->v[m], n);
}

unsigned long xtcp_mib_get(struct net *net, enum xtcp_mib m);	/* proc.c */

/* socket.c: the socket family and its calls */
int xtcp_socket_init(void);
void xtcp_socket_exit(void);
void xtcp_family_exit(void);
void xtcp_proto_exit(void);

/* addr.c: socket addresses, the address-family operations, the route's MSS,
 * the path MTU
 */
struct xtcp_sockaddr {
	struct in6_addr	addr;		/* IPv4 as v4-mapped */
	__be16		port;
	__be32		flowinfo;
	u32		scope_id;
	bool		v6;		/* given as a sockaddr_xtcp6 */
};

int xtcp_parse_sockaddr(const struct sockaddr *uaddr, int addr_len,
			int family, struct xtcp_sockaddr *a);
int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len, int family);
u16 xtcp_af_mss(const struct xtcp_af_ops *af, u32 mtu, u16 user_mss);
u16 xtcp_mss_for_mtu(u32 mtu, u16 user_mss);
u16 xtcp_route_mss(struct sock *sk);
void xtcp_pmtu_init(struct sock *sk, const struct sock *parent);
void xtcp_sync_mss(struct sock *sk, u32 pmtu);
void xtcp_pmtu_established(struct sock *sk);
void xtcp_ts_conn_init(struct sock *sk, bool ok);
void xtcp_ts_syn_rcvd(struct sock *sk, const struct xtcp_seg *syn);
/* Is @a (IPv4 v4-mapped) a wildcard, 0.0.0.0 or ::? */
static inline bool xtcp_addr_wildcard(const struct in6_addr *a)
{
	return ipv6_addr_any(a) || (ipv6_addr_v4mapped(a) && !a->s6_addr32[3]);
}

bool xtcp_addr_overlap(const struct in6_addr *a, bool a_v6only,
		       const struct in6_addr *b, bool b_v6only);
void xtcp_sk_addr6(const struct sock *sk, bool peer, struct in6_addr *a);
u32 xtcp_skb_isn(const struct sk_buff *skb);

/* Is @skb an IPv6 datagram's (input, ICMP and control answers)? */
static inline bool xtcp_skb_v6(const struct sk_buff *skb)
{
	return skb->protocol == htons(ETH_P_IPV6);
}

/* ipv6.c: XTCP over IPv6 (its input in input.c, its ICMPv6 in icmp.c) */
void xtcp_v6_sock_init(struct sock *sk);
int xtcp_v6_connect_route(struct sock *sk);
int xtcp_ipv6_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			 unsigned int optlen);
int xtcp_ipv6_getsockopt(struct sock *sk, int optname, char __user *optval,
			 int __user *optlen);
bool xtcp_v6_child_init(struct sock *child, struct sock *listener,
			const struct sk_buff *skb);

/* bind.c: the per-netns bind table */
int xtcp_bind_init(struct xtcp_net *xn);
void xtcp_bind_destroy(struct xtcp_net *xn);
unsigned int xtcp_bind_ports(struct net *net);
bool xtcp_bind_conflict(__be32 addr_a, bool reuse_a, bool listen_a,
			__be32 addr_b, bool reuse_b);
u16 xtcp_ephemeral_candidate(u32 lo, u32 hi, u32 offset, u32 i);
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port);
int xtcp_bind_port6(struct sock *sk, const struct in6_addr *addr, u16 port);
int xtcp_bind_connect(struct sock *sk, __be32 saddr, __be32 daddr,
		      __be16 dport, u32 *isn);
int xtcp_bind_connect6(struct sock *sk, __be16 dport, u32 *isn);
int xtcp_tw_take(struct net *net, const struct xtcp_key *key, u32 *isn);
int xtcp_tw_take6(struct net *net, const struct xtcp_key6 *key, u32 *isn);
int xtcp_bind_tw_hold(struct net *net, const struct in6_addr *addr, u16 port);
void xtcp_bind_tw_release(struct net *net, const struct in6_addr *addr,
			  u16 port);
void __xtcp_bind_tw_release(struct net *net, const struct in6_addr *addr,
			    u16 port);
int xtcp_bind_recheck(struct sock *sk);
void xtcp_bind_set_addr(struct sock *sk, __be32 addr);
void xtcp_bind_set_addr6(struct sock *sk, const struct in6_addr *addr);
void xtcp_unbind(struct sock *sk);
bool xtcp_bind_inherit(struct sock *child, struct sock *listener);
bool xtcp_bind_child_v4(struct sock *child, struct sock *listener,
			const struct sk_buff *skb);
void xtcp_put_local(struct sock *sk);

/* table.c: listener and connection tables */
int xtcp_table_init(struct xtcp_net *xn);
void xtcp_table_destroy(struct xtcp_net *xn);
void xtcp_key_set(struct sock *sk);
int xtcp_hash_listener(struct sock *sk);
int xtcp_hash_connection(struct sock *sk);
void xtcp_unhash(struct sock *sk);
struct sock *xtcp_lookup_connection(struct net *net, __be32 laddr, __be16 lport,
				    __be32 raddr, __be16 rport);
struct sock *xtcp_lookup_listener(struct net *net, __be32 laddr, __be16 lport,
				  u32 hash);
u32 xtcp_reuseport_hash(const struct sk_buff *skb);
bool xtcp_conn_hashed(struct net *net, const struct xtcp_key *key);
struct sock *xtcp_lookup_connection6(struct net *net,
				     const struct in6_addr *laddr, __be16 lport,
				     const struct in6_addr *raddr, __be16 rport);
struct sock *xtcp_lookup_listener6(struct net *net,
				   const struct in6_addr *laddr, __be16 lport,
				   u32 hash);
bool xtcp_conn_hashed6(struct net *net, const struct xtcp_key6 *key);

/* life.c: a socket's life, from sock_init to done, and its orphans */
void xtcp_sock_init(struct sock *sk);
void xtcp_done(struct sock *sk, int err);
void xtcp_abort(struct sock *sk, int err);
void xtcp_conn_init(struct sock *sk);
void xtcp_conn_forget(struct sock *sk);
void xtcp_established(struct sock *sk);
void xtcp_close_progress(struct sock *sk, unsigned int ev);
void xtcp_orphan(struct sock *sk);
void xtcp_orphan_reap(struct work_struct *work);
int xtcp_orphan_retries(struct sock *sk, bool alive);
void xtcp_orphans_kill(struct net *net);

/* listen.c: a listener's children and its SYN and accept queues */
void xtcp_new_child(struct sock *listener, struct sk_buff *skb);
struct sock *xtcp_cookie_child(struct sock *listener, struct sk_buff *skb,
			       u16 mss);
void xtcp_child_ready(struct sock *child);
void xtcp_child_drop(struct sock *child);
void xtcp_listener_close(struct sock *sk);
int xtcp_listener_connect(struct sock *sk);

/* memory.c: the protocol's memory accounting (sysctl mem) */
extern atomic_long_t xtcp_memory_allocated;
DECLARE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
extern struct percpu_counter xtcp_sockets_allocated;
extern unsigned long xtcp_memory_pressure;
extern long xtcp_sysctl_mem[3];
extern int xtcp_prot_rmem[3];
extern int xtcp_prot_wmem[3];
void xtcp_enter_memory_pressure(struct sock *sk);
void xtcp_leave_memory_pressure(struct sock *sk);
int xtcp_memory_init(void);
void xtcp_memory_exit(void);
void xtcp_memory_release(struct sock *sk);

/*
 * The error a timeout reports: a soft error an ICMP message left (RFC 1122
 * §4.2.3.9), else ETIMEDOUT, as tcp_write_err() does.
 */
static inline int xtcp_timeout_errno(const struct sock *sk)
{
	return READ_ONCE(sk->sk_err_soft) ?: ETIMEDOUT;
}

/* buffer.c: buffer sizes and their autotuning */
void xtcp_buffers_init(struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);
void xtcp_rcv_space_init(struct sock *sk);
void xtcp_rcv_rtt_measure(struct sock *sk);
void xtcp_rcv_space_adjust(struct sock *sk);

/*
 * offload.c: GSO and GRO.  The gso_type of an XTCP super-segment: TCPV4
 * (TCPV6 over IPv6) for the header's layout, SCTP so that no NIC segments
 * it (offload.c).
 */
#define XTCP_GSO_TYPE	(SKB_GSO_TCPV4 | SKB_GSO_SCTP)
#define XTCP_GSO_TYPE6	(SKB_GSO_TCPV6 | SKB_GSO_SCTP)

int xtcp_offload_init(void);
void xtcp_offload_exit(void);
struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
				 netdev_features_t features);
struct sk_buff *xtcp6_gso_segment(struct sk_buff *skb,
				  netdev_features_t features);

/* output.c */
/* Headroom for the link layer, IP (v4 or v6) and our header. */
#define XTCP_MAX_HEADER	(MAX_HEADER + sizeof(struct ipv6hdr) + XTCP_MAX_HLEN)

struct sk_buff *xtcp_alloc_segment(unsigned int hlen, gfp_t gfp);
void xtcp_fill_header(struct tcphdr *th, unsigned int hlen, __be16 sport,
		      __be16 dport, const struct xtcp_reply *r, u16 wnd);

int xtcp_ip_xmit(struct sock *sk, struct sk_buff *skb);
int xtcp_xmit(struct sock *sk, u8 flags, u32 seq, u32 ack,
	      struct sk_buff *data, u64 now_us);
int xtcp_send(struct sock *sk, const struct xtcp_reply *r);
void xtcp_ack_sent(struct sock *sk);
bool xtcp_ratelimit(struct xtcp_ratelimit *rl, unsigned long now, int limit);
bool xtcp_oow_ratelimited(struct net *net, u32 *last, enum xtcp_mib mib);
bool xtcp_oow_seg_ratelimited(struct net *net, const struct xtcp_seg *seg,
			      u32 *last, enum xtcp_mib mib);
bool xtcp_challenge_allowed(struct net *net, u32 *last);
void xtcp_send_ctl(struct net *net, struct sk_buff *in_skb,
		   const struct xtcp_reply *r);
void xtcp_send_ctl_wnd(struct net *net, struct sk_buff *in_skb,
		       const struct xtcp_reply *r, u16 wnd);
void xtcp_send_ctl_synack(struct net *net, struct sk_buff *in_skb,
			  const struct xtcp_reply *r, u16 wnd, u16 user_mss);

/* The timestamps option of an answer from no socket (TIME_WAIT's). */
struct xtcp_ctl_ts {
	u32	tsval;
	u32	tsecr;
};

void xtcp_send_ctl_ts(struct net *net, struct sk_buff *in_skb,
		      const struct xtcp_reply *r, u16 wnd,
		      const struct xtcp_ctl_ts *ts);

/* send.c: the sender */
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size);
void xtcp_push(struct sock *sk);
void xtcp_push_force(struct sock *sk);
void xtcp_push_now(struct sock *sk);
bool xtcp_snd_segment_ok(u32 avail, u32 usable, u32 mss, u32 max_wnd,
			 bool small_out, unsigned int nagle);
/* xtcp_snd_segment_ok()'s @nagle: what may hold a partial segment back */
#define XTCP_NAGLE_OFF	BIT(0)	/* XTCP_NODELAY, or an skb before the tail */
#define XTCP_NAGLE_CORK	BIT(1)	/* XTCP_CORK or MSG_MORE: hold partials */
#define XTCP_NAGLE_PUSH	BIT(2)	/* setting XTCP_NODELAY: neither holds */
void xtcp_clean_acked(struct sock *sk, u32 prior_una);
void xtcp_dupack(struct sock *sk);
void xtcp_rack_ack(struct sock *sk, u32 prior_una, bool dsack, bool dupack);
void xtcp_rack_timer(struct sock *sk);
int xtcp_data_rto(struct sock *sk);
bool xtcp_retransmit_head(struct sock *sk);
void xtcp_send_probe(struct sock *sk);
void xtcp_send_queue_purge(struct sock *sk);
void xtcp_send_fin(struct sock *sk);
void xtcp_mtu_retransmit(struct sock *sk);
void xtcp_write_space(struct sock *sk);

/* recv.c: the receiver */
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags);
bool xtcp_data_rcv(struct sock *sk, struct sk_buff *skb,
		   unsigned int *fin_ev);
void xtcp_rcv_window_update(struct sock *sk);
void xtcp_rcv_window_init(struct sock *sk);
void xtcp_send_ack(struct sock *sk);
void xtcp_dsack_set(struct sock *sk, u32 start, u32 end, enum xtcp_mib mib);
u32 xtcp_inq(struct sock *sk);

/* timer.c: one mechanism for all of a socket's timers */
void xtcp_timer_init(struct sock *sk);
void xtcp_timer_arm(struct sock *sk, enum xtcp_timer_id id, u32 ms);
void xtcp_timer_arm_at(struct sock *sk, enum xtcp_timer_id id, ktime_t due);
void xtcp_timer_stop(struct sock *sk, enum xtcp_timer_id id);
void xtcp_timers_stop(struct sock *sk);
void xtcp_timers_stop_sync(struct sock *sk);
bool xtcp_timer_deferred(struct sock *sk, enum xtcp_timer_id id);
void xtcp_rtx_arm(struct sock *sk);
void xtcp_rtx_arm_at(struct sock *sk, ktime_t now);
void xtcp_rtx_stop(struct sock *sk);
void xtcp_rtx_revert(struct sock *sk);
void xtcp_delack_arm(struct sock *sk);
bool xtcp_stream_memory_free(const struct sock *sk, int wake);
void xtcp_ack_now(struct sock *sk);
void xtcp_persist_arm(struct sock *sk);
void xtcp_fin_wait2_arm(struct sock *sk);
u32 xtcp_persist_interval(u32 rto_ms, u8 backoff, u32 max_ms);
int xtcp_timer_proc(const ktime_t due[XTCP_NR_TIMERS], enum xtcp_timer_id *id);
int xtcp_timer_pending(struct sock *sk, s64 *left_ms);
void xtcp_release_cb(struct sock *sk);

/*
 * SACK for a connection (RFC 2018 §2): @ok, offered (an active open,
 * before its SYN) or agreed (a listener's child); nothing reported or
 * SACKed yet.
 */
static inline void xtcp_sack_conn_init(struct xtcp_sock *xs, bool ok)
{
	xs->sack_ok = ok;
	xtcp_sack_rcv_reset(&xs->sack_rcv);
	xtcp_sack_sb_reset(&xs->sack_sb);
	xtcp_rack_init(&xs->rack);
	xs->rack_reo_timer = false;
	xs->rack_lost = 0;
	xs->rack_sacked = false;
}

/* Is @id running (its deadline set; the hrtimer may be queued earlier)? */
static inline bool xtcp_timer_armed(const struct xtcp_sock *xs,
				    enum xtcp_timer_id id)
{
	return xs->timer_due[id] != KTIME_MAX;
}

/*
 * Stopped lazily, for the hot paths (every ACK): the deadline goes, the
 * hrtimer is left to expire harmlessly (it holds its reference until then).
 */
static inline void xtcp_timer_idle(struct xtcp_sock *xs, enum xtcp_timer_id id)
{
	xs->timer_due[id] = KTIME_MAX;
}

/* keepalive.c */
void xtcp_keepalive_init(struct sock *sk);
void xtcp_keepalive_set(struct sock *sk, int val);
void xtcp_keepalive_reset(struct sock *sk);
void xtcp_keepalive_rcv(struct sock *sk);
void xtcp_keepalive_timeout(struct sock *sk);

/* trace.c: the xtcp:* tracepoints, and sk_state following the TCB */
void xtcp_sync_state(struct sock *sk);
void xtcp_trace_state(const struct xtcp_key *key, enum xtcp_state old,
		      enum xtcp_state new);
void xtcp_trace_state6(const struct xtcp_key6 *key, enum xtcp_state old,
		       enum xtcp_state new);
void xtcp_trace_sk_state(struct sock *sk, enum xtcp_state state);
enum xtcp_sk_event {
	XTCP_TRACE_SEND_RESET,
	XTCP_TRACE_RECEIVE_RESET,
	XTCP_TRACE_DESTROY_SOCK,
};

void xtcp_trace_sk_event(struct sock *sk, enum xtcp_sk_event what);
void xtcp_trace_retransmit(struct sock *sk, const struct sk_buff *skb);
void xtcp_trace_probe(struct sock *sk, const struct sk_buff *skb);

/* sockopt.c: SOL_XTCP options */
int xtcp_sockopt_check(int optname, int val);
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);
struct xtcp_info;
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);

/* diag.c: sock_diag (SOCK_DIAG_BY_FAMILY) for AF_XTCP */
int xtcp_diag_init(void);
void xtcp_diag_exit(void);

/* input.c: the IP protocol handler */
int xtcp_v4_rcv(struct sk_buff *skb);
int xtcp_v6_rcv(struct sk_buff *skb);
int xtcp_do_rcv(struct sock *sk, struct sk_buff *skb);

/* icmp.c: ICMP errors, path MTU discovery, the SOL_IP options we take */
int xtcp_v4_err(struct sk_buff *skb, u32 info);
int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt, u8 type,
		u8 code, int offset, __be32 info);

/* An ICMP or ICMPv6 error, as its handler read it, for xtcp_icmp_apply(). */
enum xtcp_icmp_kind {
	XTCP_ICMP_IGNORE,	/* no action (source quench, unknown codes) */
	XTCP_ICMP_MTU,		/* the path MTU is @mtu */
	XTCP_ICMP_REDIRECT,	/* a better first hop */
	XTCP_ICMP_ERROR,	/* @err, hard while connecting, soft after */
};

struct xtcp_icmp_err {
	enum xtcp_icmp_kind	kind;
	u32			seq;	/* the quoted segment's */
	u32			mtu;
	int			err;
	bool			fatal;	/* kills a listener's child (tcp_req_err) */
	bool			unreach; /* net/host unreachable: RFC 6069 */
};

void xtcp_icmp_apply(struct sock *sk, struct sk_buff *skb,
		     const struct xtcp_icmp_err *e);
void xtcp_mtu_reduced(struct sock *sk);
void xtcp_icmp_release(struct sock *sk);
int xtcp_ip_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen);
int xtcp_ip_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen);

/* sysctl.c, proc.c */
int xtcp_sysctl_register(struct net *net);
void xtcp_sysctl_unregister(struct net *net);
int xtcp_proc_init(struct net *net);
bool xtcp_tw_exists6(struct net *net, const struct xtcp_key6 *key);
void xtcp_proc_exit(struct net *net);

#endif /* _XTCP_H */
