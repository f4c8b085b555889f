// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sysctls, per network namespace, under /proc/sys/net/xtcp/.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "xtcp.h"

static int xtcp_one = 1;
static int xtcp_max_retries = 255;
static int xtcp_max_ms = 3600 * 1000;
static int xtcp_max_backlog = 65535;
static int xtcp_int_max = INT_MAX;
static int xtcp_max_keep_s = 32767;	/* XTCP_KEEPIDLE's and XTCP_KEEPINTVL's */
static int xtcp_max_keepcnt = 127;	/* XTCP_KEEPCNT's */
static int xtcp_min_snd_mss_min = XTCP_MIN_SND_MSS;
static int xtcp_min_snd_mss_max = 65535;

#define XTCP_SYSCTL(name, min, max) XTCP_SYSCTL_AS(#name, name, min, max)

/* @field of struct xtcp_net, shown as @procname */
#define XTCP_SYSCTL_AS(procname_, field, min, max) {			\
	.procname	= procname_,					\
	.data		= (void *)offsetof(struct xtcp_net, field),	\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= min,						\
	.extra2		= max,						\
}

/* min, default, max: three ints, as tcp_rmem and tcp_wmem */
#define XTCP_SYSCTL_MEM(name) {						\
	.procname	= #name,					\
	.data		= (void *)offsetof(struct xtcp_net, name),	\
	.maxlen		= sizeof(int[3]),				\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= &xtcp_one,					\
	.extra2		= &xtcp_int_max,				\
}

/*
 * congestion_control: the algorithm a new socket starts with, by name, as
 * tcp_congestion_control; ENOENT for a name not known.
 */
static int xtcp_proc_congestion(XTCP_CTL_CONST struct ctl_table *table,
				int write, void *buffer, size_t *lenp,
				loff_t *ppos)
{
	const struct xtcp_cc_ops **def = table->data;
	char name[XTCP_CC_NAME_MAX];
	struct ctl_table t = { .data = name, .maxlen = sizeof(name) };
	const struct xtcp_cc_ops *ops;
	int ret;

	strscpy(name, READ_ONCE(*def)->name, sizeof(name));
	ret = proc_dostring(&t, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;
	ops = xtcp_cc_find(name);
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(*def, ops);
	return 0;
}

static struct ctl_table xtcp_sysctl_template[] = {
	XTCP_SYSCTL(syn_retries, &xtcp_one, &xtcp_max_retries),
	XTCP_SYSCTL(synack_retries, &xtcp_one, &xtcp_max_retries),
	XTCP_SYSCTL(rto_init_ms, &xtcp_one, &xtcp_max_ms),
	XTCP_SYSCTL(rto_min_ms, &xtcp_one, &xtcp_max_ms),
	XTCP_SYSCTL(rto_max_ms, &xtcp_one, &xtcp_max_ms),
	XTCP_SYSCTL(max_syn_backlog, &xtcp_one, &xtcp_max_backlog),
	XTCP_SYSCTL(rst_ratelimit, SYSCTL_ZERO, &xtcp_int_max),
	XTCP_SYSCTL(retries2, &xtcp_one, &xtcp_max_retries),
	XTCP_SYSCTL(fin_timeout_ms, &xtcp_one, &xtcp_max_ms),
	XTCP_SYSCTL(challenge_ack_limit, SYSCTL_ZERO, &xtcp_int_max),
	XTCP_SYSCTL(keepalive_time_s, &xtcp_one, &xtcp_max_keep_s),
	XTCP_SYSCTL(keepalive_intvl_s, &xtcp_one, &xtcp_max_keep_s),
	XTCP_SYSCTL(keepalive_probes, &xtcp_one, &xtcp_max_keepcnt),
	XTCP_SYSCTL(msl_ms, &xtcp_one, &xtcp_max_ms),
	XTCP_SYSCTL(tw_rfc1337, SYSCTL_ZERO, SYSCTL_ONE),
	/* not "tw_reuse": inet_timewait_sock.h defines that name */
	XTCP_SYSCTL_AS("tw_reuse", tw_reuse_mode, SYSCTL_ZERO, SYSCTL_TWO),
	XTCP_SYSCTL_MEM(rmem),
	XTCP_SYSCTL_MEM(wmem),
	XTCP_SYSCTL(min_snd_mss, &xtcp_min_snd_mss_min, &xtcp_min_snd_mss_max),
	XTCP_SYSCTL(invalid_ratelimit_ms, SYSCTL_ZERO, &xtcp_max_ms),
	XTCP_SYSCTL(max_tw_buckets, SYSCTL_ZERO, &xtcp_int_max),
	XTCP_SYSCTL(max_orphans, SYSCTL_ZERO, &xtcp_int_max),
	XTCP_SYSCTL(orphan_retries, SYSCTL_ZERO, &xtcp_max_retries),
	XTCP_SYSCTL(syncookies, SYSCTL_ZERO, SYSCTL_TWO),
	XTCP_SYSCTL(timestamps, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL(sack, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL(recovery, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL(hystart, SYSCTL_ZERO, SYSCTL_ONE),
	{
		.procname	= "congestion_control",
		.data		= (void *)offsetof(struct xtcp_net, cc_default),
		.maxlen		= XTCP_CC_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= xtcp_proc_congestion,
	},
	{ }
};

int xtcp_sysctl_register(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct ctl_table *t;
	int i;

	t = kmemdup(xtcp_sysctl_template, sizeof(xtcp_sysctl_template),
		    GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	/* the template holds offsets into struct xtcp_net */
	for (i = 0; i < ARRAY_SIZE(xtcp_sysctl_template) - 1; i++)
		t[i].data = (char *)xn + (uintptr_t)t[i].data;
	xn->sysctl_hdr = xtcp_register_net_sysctl(net, "net/xtcp", t,
						  ARRAY_SIZE(xtcp_sysctl_template) - 1);
	if (!xn->sysctl_hdr) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

void xtcp_sysctl_unregister(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct ctl_table *t = xn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(xn->sysctl_hdr);
	kfree(t);
}
