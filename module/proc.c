// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/xtcp, one line per socket in exactly /proc/net/tcp's format and
 * state codes, then one per TIME_WAIT entry (timewait.c), and
 * /proc/net/xtcp_stats, the namespace's counters, one "Name value" a line,
 * and /proc/net/xtcp_snmp, the same counters in /proc/net/snmp's and
 * /proc/net/netstat's shape ("Xtcp:" and "XtcpExt:" lines, names then
 * values), which nstat(8) reads as PROC_NET_NETSTAT.
 */
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "timewait.h"
#include "xtcp.h"

#define XTCP_PROC_WIDTH	149	/* /proc/net/tcp's TMPSZ - 1 */

struct xtcp_seq_iter {
	struct seq_net_private	p;
	struct xtcp_tw_seq	tw;
	bool			in_tw;	/* the current row is a TIME_WAIT entry */
};

static const struct seq_operations xtcp6_seq_ops;

/* /proc/net/xtcp6: the connections over IPv6, as /proc/net/tcp6. */
static bool xtcp_seq_v6(const struct seq_file *seq)
{
	return seq->op == &xtcp6_seq_ops;
}

/* Rows: the header (0), the sockets, then the TIME_WAIT entries. */
static void *xtcp_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(&xn->all_lock) __acquires(RCU)
{
	struct net *net = seq_file_net(seq);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_seq_iter *it = seq->private;
	struct list_head *p;
	loff_t n = 0;
	void *v;

	spin_lock_bh(&xn->all_lock);
	rcu_read_lock();
	it->in_tw = false;
	it->tw.v6 = xtcp_seq_v6(seq);
	v = seq_list_start_head(&xn->all, *pos);
	if (v)
		return v;
	list_for_each(p, &xn->all)
		n++;
	it->in_tw = true;
	return xtcp_tw_seq_start(net, &it->tw, *pos - n - 1);
}

static void *xtcp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct net *net = seq_file_net(seq);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_seq_iter *it = seq->private;

	if (it->in_tw) {
		++*pos;
		return xtcp_tw_seq_next(net, &it->tw);
	}
	v = seq_list_next(v, &xn->all, pos);
	if (v)
		return v;
	it->in_tw = true;
	return xtcp_tw_seq_start(net, &it->tw, 0);
}

static void xtcp_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU) __releases(&xn->all_lock)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_net(seq));

	rcu_read_unlock();
	spin_unlock_bh(&xn->all_lock);
}

static void xtcp_seq_show_sock(struct seq_file *f, struct sock *sk, int sl)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int state = inet_sk_state_load(sk);
	s64 left;
	int tr = xtcp_timer_pending(sk, &left);
	u32 tx, rx;

	if (state == TCP_LISTEN) {
		tx = 0;
		rx = READ_ONCE(sk->sk_ack_backlog);
	} else {
		/* as /proc/net/tcp: queued and not acknowledged, and unread */
		tx = xtcp_tcb_snd_end(&xs->tcb) - READ_ONCE(xs->tcb.snd_una);
		rx = xtcp_inq(sk);
		if (state == TCP_CLOSE || state == TCP_SYN_SENT ||
		    state == TCP_SYN_RECV)
			rx = 0;
		if (state == TCP_CLOSE || state == TCP_SYN_SENT ||
		    state == TCP_SYN_RECV)
			tx = 0;
	}
	if (xs->af->family == AF_INET6) {
		struct in6_addr src, dst;

		xtcp_sk_addr6(sk, false, &src);
		dst = sk->sk_v6_daddr;
		/* as get_tcp6_sock() */
		seq_printf(f, "%4d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X ",
			   sl, src.s6_addr32[0], src.s6_addr32[1],
			   src.s6_addr32[2], src.s6_addr32[3],
			   ntohs(inet->inet_sport), dst.s6_addr32[0],
			   dst.s6_addr32[1], dst.s6_addr32[2], dst.s6_addr32[3],
			   ntohs(inet->inet_dport));
	} else {
		seq_printf(f, "%4d: %08X:%04X %08X:%04X ", sl,
			   inet->inet_rcv_saddr, ntohs(inet->inet_sport),
			   inet->inet_daddr, ntohs(inet->inet_dport));
	}
	seq_printf(f, "%02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK %lu %lu %u %u %d",
		   state, tx, rx, tr, jiffies_delta_to_clock_t(msecs_to_jiffies(left)),
		   xs->retries, from_kuid_munged(seq_user_ns(f), sock_i_uid(sk)),
		   0, sock_i_ino(sk), refcount_read(&sk->sk_refcnt), sk,
		   jiffies_to_clock_t(msecs_to_jiffies(xs->rto_ms)), 0UL, 0U, 0U,
		   state == TCP_LISTEN ? 0 : -1);
}

static int xtcp_seq_show(struct seq_file *seq, void *v)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_net(seq));
	struct xtcp_seq_iter *it = seq->private;
	bool v6 = xtcp_seq_v6(seq), sk6;
	struct xtcp_sock *xs;

	/* /proc/net/tcp6's rows are not padded */
	if (!v6)
		seq_setwidth(seq, XTCP_PROC_WIDTH);
	if (it->in_tw) {
		xtcp_tw_seq_show(seq, v, seq->index - 1);
	} else if (v == &xn->all && v6) {
		seq_puts(seq, "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	} else if (v == &xn->all) {
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	} else {
		xs = list_entry(v, struct xtcp_sock, all_node);
		/* each file has the sockets over its IP (v4-mapped: xtcp) */
		sk6 = xs->af->family == AF_INET6;
		if (sk6 != v6)
			return SEQ_SKIP;
		xtcp_seq_show_sock(seq, xtcp_to_sk(xs), seq->index - 1);
	}
	if (v6)
		seq_putc(seq, '\n');
	else
		seq_pad(seq, '\n');
	return 0;
}

static const struct seq_operations xtcp_seq_ops = {
	.start	= xtcp_seq_start,
	.next	= xtcp_seq_next,
	.stop	= xtcp_seq_stop,
	.show	= xtcp_seq_show,
};

static const struct seq_operations xtcp6_seq_ops = {
	.start	= xtcp_seq_start,
	.next	= xtcp_seq_next,
	.stop	= xtcp_seq_stop,
	.show	= xtcp_seq_show,
};

static const char *const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_IN_SEGS]		= "InSegs",
	[XTCP_MIB_OUT_SEGS]		= "OutSegs",
	[XTCP_MIB_RETRANS_SEGS]		= "RetransSegs",
	[XTCP_MIB_IN_SHORT]		= "InShort",
	[XTCP_MIB_IN_BAD_DOFF]		= "InBadDataOffset",
	[XTCP_MIB_IN_BAD_OPTS]		= "InBadOptions",
	[XTCP_MIB_IN_CSUM_ERRORS]	= "InCsumErrors",
	[XTCP_MIB_NO_SOCKET]		= "InNoSocket",
	[XTCP_MIB_OUT_RSTS]		= "OutRsts",
	[XTCP_MIB_RST_RATELIMITED]	= "OutRstsRateLimited",
	[XTCP_MIB_ACTIVE_OPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVE_OPENS]	= "PassiveOpens",
	[XTCP_MIB_ATTEMPT_FAILS]	= "AttemptFails",
	[XTCP_MIB_ESTAB_RESETS]		= "EstabResets",
	[XTCP_MIB_LISTEN_OVERFLOWS]	= "ListenOverflows",
	[XTCP_MIB_LISTEN_DROPS]		= "ListenDrops",
	[XTCP_MIB_SYNCOOKIES_SENT]	= "SyncookiesSent",
	[XTCP_MIB_SYNCOOKIES_RECV]	= "SyncookiesRecv",
	[XTCP_MIB_SYNCOOKIES_FAILED]	= "SyncookiesFailed",
	[XTCP_MIB_SYN_TIMEOUTS]		= "SynTimeouts",
	[XTCP_MIB_CHALLENGE_ACKS]	= "ChallengeAcks",
	[XTCP_MIB_CHALLENGE_LIMITED]	= "ChallengeAcksLimited",
	[XTCP_MIB_FIN_WAIT2_TIMEOUTS]	= "FinWait2Timeouts",
	[XTCP_MIB_ABORT_ON_CLOSE]	= "AbortOnClose",
	[XTCP_MIB_ABORT_ON_LINGER]	= "AbortOnLinger",
	[XTCP_MIB_ABORT_ON_DATA]	= "AbortOnData",
	[XTCP_MIB_WIN_PROBES]		= "OutWinProbes",
	[XTCP_MIB_TW_CREATED]		= "TimeWaitCreated",
	[XTCP_MIB_TW_RECYCLED]		= "TimeWaitRecycled",
	[XTCP_MIB_TW_KILLED]		= "TimeWaitKilled",
	[XTCP_MIB_TW_REUSED]		= "TimeWaitReused",
	[XTCP_MIB_TW_ACTIVE]		= "TimeWaitActive",
	[XTCP_MIB_ACK_SKIPPED_SEQ]	= "AckSkippedSeq",
	[XTCP_MIB_ACK_SKIPPED_CHALLENGE] = "AckSkippedChallenge",
	[XTCP_MIB_ACK_SKIPPED_TW]	= "AckSkippedTimeWait",
	[XTCP_MIB_TW_OVERFLOW]		= "TimeWaitOverflow",
	[XTCP_MIB_ORPHAN_OVERFLOW]	= "OrphanOverflow",
	[XTCP_MIB_ORPHAN_TIMEOUTS]	= "OrphanTimeouts",
	[XTCP_MIB_ORPHANS]		= "OrphansActive",
	[XTCP_MIB_MEMORY_PRESSURES]	= "MemoryPressures",
	[XTCP_MIB_RCV_MEM_DROPS]	= "RcvMemDrops",
	[XTCP_MIB_MEMORY_UNRETURNED]	= "MemoryUnreturned",
	[XTCP_MIB_OUT_GSO_SKBS]		= "OutGsoSkbs",
	[XTCP_MIB_GSO_SEGMENTED]	= "GsoSegmented",
	[XTCP_MIB_GRO_MERGED]		= "GroMerged",
	[XTCP_MIB_RETRANS_SPLITS]	= "RetransSplits",
	[XTCP_MIB_OUT_OF_WINDOW_ICMPS]	= "OutOfWindowIcmps",
	[XTCP_MIB_LOCK_DROPPED_ICMPS]	= "LockDroppedIcmps",
	[XTCP_MIB_PAWS_ESTAB]		= "PAWSEstab",
	[XTCP_MIB_PAWS_TW]		= "PAWSTimewait",
	[XTCP_MIB_SACK_RECOVERY]	= "TCPSackRecovery",
	[XTCP_MIB_SACK_RENEGING]	= "TCPSACKReneging",
	[XTCP_MIB_DSACK_RECV]		= "TCPDSACKRecv",
	[XTCP_MIB_DSACK_OLD_SENT]	= "TCPDSACKOldSent",
	[XTCP_MIB_DSACK_OFO_SENT]	= "TCPDSACKOfoSent",
	[XTCP_MIB_SACK_DISCARD]		= "TCPSACKDiscard",
	[XTCP_MIB_TIMEOUTS]		= "TCPTimeouts",
	[XTCP_MIB_FAST_RETRANS]		= "TCPFastRetrans",
	[XTCP_MIB_LOSS_PROBES]		= "TCPLossProbes",
	[XTCP_MIB_LOSS_PROBE_RECOVERY]	= "TCPLossProbeRecovery",
	[XTCP_MIB_LOST_RETRANSMIT]	= "TCPLostRetransmit",
	[XTCP_MIB_HYSTART_DELAY_DETECT]	= "TCPHystartDelayDetect",
	[XTCP_MIB_HYSTART_DELAY_CWND]	= "TCPHystartDelayCwnd",
	[XTCP_MIB_DELAYED_ACKS]		= "DelayedACKs",
	[XTCP_MIB_SPURIOUS_RTX_HOSTQ]	= "TCPSpuriousRtxHostQueues",
	[XTCP_MIB_DSACK_UNDO]		= "TCPDSACKUndo",
};

/* A counter's value: the sum of every CPU's share; the gauge as it is. */
unsigned long xtcp_mib_get(struct net *net, enum xtcp_mib m)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	unsigned long sum = 0;
	int cpu;

	if (m == XTCP_MIB_TW_ACTIVE)
		return atomic_long_read(&xn->tw_active);
	if (m == XTCP_MIB_ORPHANS)
		return atomic_read(&xn->orphan_count);
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(xn->mib, cpu)->v[m];
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_mib_get);

static int xtcp_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	int i;

	for (i = 0; i < XTCP_MIB_MAX; i++)
		seq_printf(seq, "%s %lu\n", xtcp_mib_names[i],
			   xtcp_mib_get(net, i));
	return 0;
}

/* The "Xtcp:" line: RFC 4022's TCP-MIB counters; the rest are "XtcpExt:". */
static const u8 xtcp_snmp_mib[] = {
	XTCP_MIB_ACTIVE_OPENS, XTCP_MIB_PASSIVE_OPENS, XTCP_MIB_ATTEMPT_FAILS,
	XTCP_MIB_ESTAB_RESETS, XTCP_MIB_IN_SEGS, XTCP_MIB_OUT_SEGS,
	XTCP_MIB_RETRANS_SEGS, XTCP_MIB_OUT_RSTS, XTCP_MIB_IN_CSUM_ERRORS,
};

static bool xtcp_snmp_is_mib(int m)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(xtcp_snmp_mib); i++)
		if (xtcp_snmp_mib[i] == m)
			return true;
	return false;
}

/* One pair of lines: @prefix and the names, @prefix and the values. */
static void xtcp_snmp_show_pair(struct seq_file *seq, const char *prefix,
				const unsigned long *val, bool mib)
{
	int i, pass;

	for (pass = 0; pass < 2; pass++) {
		seq_puts(seq, prefix);
		for (i = 0; i < XTCP_MIB_MAX; i++) {
			if (xtcp_snmp_is_mib(i) != mib)
				continue;
			if (pass)
				seq_printf(seq, " %lu", val[i]);
			else
				seq_printf(seq, " %s", xtcp_mib_names[i]);
		}
		seq_putc(seq, '\n');
	}
}

static int xtcp_snmp_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	unsigned long *val;
	int i;

	val = kcalloc(XTCP_MIB_MAX, sizeof(*val), GFP_KERNEL);
	if (!val)
		return -ENOMEM;
	for (i = 0; i < XTCP_MIB_MAX; i++)
		val[i] = xtcp_mib_get(net, i);
	xtcp_snmp_show_pair(seq, "Xtcp:", val, true);
	xtcp_snmp_show_pair(seq, "XtcpExt:", val, false);
	kfree(val);
	return 0;
}

int xtcp_proc_init(struct net *net)
{
	if (!proc_create_net("xtcp", 0444, net->proc_net, &xtcp_seq_ops,
			     sizeof(struct xtcp_seq_iter)))
		return -ENOMEM;
	if (!proc_create_net("xtcp6", 0444, net->proc_net, &xtcp6_seq_ops,
			     sizeof(struct xtcp_seq_iter)))
		goto out_xtcp;
	if (!proc_create_net_single("xtcp_stats", 0444, net->proc_net,
				    xtcp_stats_show, NULL))
		goto out_xtcp6;
	if (!proc_create_net_single("xtcp_snmp", 0444, net->proc_net,
				    xtcp_snmp_show, NULL))
		goto out_stats;
	return 0;
out_stats:
	remove_proc_entry("xtcp_stats", net->proc_net);
out_xtcp6:
	remove_proc_entry("xtcp6", net->proc_net);
out_xtcp:
	remove_proc_entry("xtcp", net->proc_net);
	return -ENOMEM;
}

void xtcp_proc_exit(struct net *net)
{
	remove_proc_entry("xtcp_snmp", net->proc_net);
	remove_proc_entry("xtcp6", net->proc_net);
	remove_proc_entry("xtcp_stats", net->proc_net);
	remove_proc_entry("xtcp", net->proc_net);
}
