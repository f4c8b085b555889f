// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP per network namespace state: each namespace has its own tables,
 * control socket, sysctls, counters and /proc files.
 */
#include <linux/bug.h>
#include <linux/percpu.h>
#include <net/inet_common.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "timewait.h"
#include "xtcp.h"

/* xtcp_pernet() (xtcp.h) is inline: every counter increment reads it */
unsigned int xtcp_net_id __read_mostly;
EXPORT_SYMBOL_IF_KUNIT(xtcp_net_id);

static void xtcp_net_defaults(struct xtcp_net *xn)
{
	xn->syn_retries = 6;		/* 127 s, as TCP */
	xn->synack_retries = 5;
	xn->rto_init_ms = 1000;		/* RFC 6298 (2.1) */
	xn->rto_min_ms = 200;
	xn->rto_max_ms = 120000;
	xn->max_syn_backlog = 256;
	xn->rst_ratelimit = 1000;
	xn->retries2 = 15;		/* as tcp_retries2 */
	xn->fin_timeout_ms = 60000;	/* as tcp_fin_timeout */
	xn->keepalive_time_s = 7200;	/* as tcp_keepalive_time, ... */
	xn->keepalive_intvl_s = 75;	/* ..._intvl */
	xn->keepalive_probes = 9;	/* ..._probes */
	xn->msl_ms = 30000;		/* 2MSL = 60 s, as TCP_TIMEWAIT_LEN */
	xn->tw_rfc1337 = 1;
	xn->tw_reuse_mode = 2;		/* as tcp_tw_reuse */
	/* as tcp_rmem and tcp_wmem */
	xn->rmem[0] = 4096;
	xn->rmem[1] = 131072;
	xn->rmem[2] = 6291456;
	xn->wmem[0] = 4096;
	xn->wmem[1] = 16384;
	xn->wmem[2] = 4194304;
	xn->min_snd_mss = XTCP_MIN_SND_MSS;
	xn->invalid_ratelimit_ms = 500;	/* as tcp_invalid_ratelimit */
	xn->challenge_ack_limit = 0;	/* none, as Linux 6.x (INT_MAX) */
	xn->max_tw_buckets = 262144;	/* as tcp_max_tw_buckets */
	xn->max_orphans = 65536;
	xn->orphan_retries = 0;		/* as tcp_orphan_retries */
	xn->syncookies = 1;		/* as tcp_syncookies */
	xn->timestamps = 1;		/* as tcp_timestamps */
	xn->sack = 1;			/* as tcp_sack */
	xn->recovery = 1;		/* RACK-TLP, as tcp_recovery's bit 0 */
	xn->hystart = 1;		/* as tcp_cubic's hystart parameter */
	/*
	 * congestion_control: NewReno, not Linux's cubic, while the packet
	 * tests pin NewReno's numbers (README, "Congestion control")
	 */
	xn->cc_default = &xtcp_newreno_ops;
}

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int err;

	xtcp_net_defaults(xn);
	spin_lock_init(&xn->rst_limit.lock);
	xn->challenge_stamp = ULONG_MAX;	/* no second yet */
	xn->net = net;
	INIT_LIST_HEAD(&xn->orphans);
	atomic_set(&xn->orphan_count, 0);
	INIT_WORK(&xn->orphan_reap, xtcp_orphan_reap);

	xn->mib = alloc_percpu(struct xtcp_mib_cpu);
	if (!xn->mib)
		return -ENOMEM;
	atomic_long_set(&xn->tw_active, 0);
	err = xtcp_bind_init(xn);
	if (err)
		goto out_mib;
	err = xtcp_table_init(xn);
	if (err)
		goto out_bind;
	err = xtcp_tw_net_init(xn);
	if (err)
		goto out_table;
	/* A raw socket of the built-in raw_prot: it does not pin the module. */
	err = inet_ctl_sock_create(&xn->ctl_sk, PF_INET, SOCK_RAW, xtcp_ipproto,
				   net);
	if (err)
		goto out_tw;
	err = inet_ctl_sock_create(&xn->ctl_sk6, PF_INET6, SOCK_RAW,
				   xtcp_ipproto, net);
	if (err)
		goto out_ctl;
	err = xtcp_sysctl_register(net);
	if (err)
		goto out_ctl6;
	err = xtcp_proc_init(net);
	if (err)
		goto out_sysctl;
	return 0;

out_sysctl:
	xtcp_sysctl_unregister(net);
out_ctl6:
	inet_ctl_sock_destroy(xn->ctl_sk6);
out_ctl:
	inet_ctl_sock_destroy(xn->ctl_sk);
out_tw:
	xtcp_tw_net_exit(net);
out_table:
	xtcp_table_destroy(xn);
out_bind:
	xtcp_bind_destroy(xn);
out_mib:
	free_percpu(xn->mib);
	return err;
}

static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	xtcp_proc_exit(net);
	xtcp_sysctl_unregister(net);
	/*
	 * User sockets hold their namespace, and so do orphans; orphans can
	 * be here only when the module goes away.
	 */
	cancel_work_sync(&xn->orphan_reap);
	xtcp_orphans_kill(net);
	/* TIME_WAIT entries hold no reference: cancel and free them. */
	xtcp_tw_net_exit(net);
	inet_ctl_sock_destroy(xn->ctl_sk6);
	inet_ctl_sock_destroy(xn->ctl_sk);
	xtcp_table_destroy(xn);
	xtcp_bind_destroy(xn);
	free_percpu(xn->mib);
}

static struct pernet_operations xtcp_net_ops = {
	.init = xtcp_net_init,
	.exit = xtcp_net_exit,
	.id = &xtcp_net_id,
	.size = sizeof(struct xtcp_net),
};

int xtcp_pernet_init(void)
{
	return register_pernet_subsys(&xtcp_net_ops);
}

void xtcp_pernet_exit(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}
