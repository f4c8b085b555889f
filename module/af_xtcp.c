// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: a connection-oriented, reliable byte-stream transport with its own
 * socket family (AF_XTCP) and IP protocol number (253, RFC 3692).
 *
 * This file is the module's entry and exit: parameters, and the order in
 * which the protocol registers with the socket layer and with IPv4.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <net/protocol.h>

#include "isn.h"
#include "syncookie.h"
#include "timewait.h"

#include "xtcp.h"

int xtcp_ipproto __read_mostly = IPPROTO_XTCP;
module_param_named(ipproto, xtcp_ipproto, int, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number (default 253, RFC 3692 experimental)");
EXPORT_SYMBOL_IF_KUNIT(xtcp_ipproto);

int xtcp_family __read_mostly = AF_XTCP;
module_param_named(family, xtcp_family, int, 0444);
MODULE_PARM_DESC(family, "socket family number (default 25; 19 is the other free slot)");
EXPORT_SYMBOL_IF_KUNIT(xtcp_family);

static const struct net_protocol xtcp_protocol = {
	.handler			= xtcp_v4_rcv,
	.err_handler			= xtcp_v4_err,
	.no_policy			= 1,
	.icmp_strict_tag_validation	= 1,
};

static const struct inet6_protocol xtcp_v6_protocol = {
	.handler	= xtcp_v6_rcv,
	.err_handler	= xtcp_v6_err,
	.flags		= INET6_PROTO_NOPOLICY | INET6_PROTO_FINAL,
};

static int __init xtcp_init(void)
{
	int err;

	if (xtcp_family <= AF_UNSPEC || xtcp_family >= NPROTO) {
		pr_err("family=%d is not a socket family number (1..%d)\n",
		       xtcp_family, NPROTO - 1);
		return -EINVAL;
	}
	if (xtcp_ipproto <= 0 || xtcp_ipproto >= IPPROTO_RAW) {
		pr_err("ipproto=%d is not an IP protocol number (1..%d)\n",
		       xtcp_ipproto, IPPROTO_RAW - 1);
		return -EINVAL;
	}
	if (rcu_access_pointer(inet_protos[xtcp_ipproto])) {
		pr_err("IP protocol %d is taken; load with ipproto=<free number>\n",
		       xtcp_ipproto);
		return -EBUSY;
	}

	xtcp_isn_init();
	xtcp_cookie_init();
	err = xtcp_tw_cache_init();
	if (err)
		return err;
	err = xtcp_memory_init();
	if (err)
		goto out_cache;
	err = xtcp_pernet_init();
	if (err)
		goto out_memory;
	err = xtcp_socket_init();
	if (err)
		goto out_pernet;
	err = xtcp_diag_init();
	if (err) {
		pr_err("socket family %d has a sock_diag handler already\n",
		       xtcp_family);
		goto out_socket;
	}
	/* GSO and GRO count in the namespaces' counters: after pernet */
	err = xtcp_offload_init();
	if (err) {
		pr_err("IP protocol %d has offloads registered already\n",
		       xtcp_ipproto);
		goto out_diag;
	}
	/* Last: from here on segments arrive. */
	if (inet_add_protocol(&xtcp_protocol, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d was taken while loading\n", xtcp_ipproto);
		err = -EBUSY;
		goto out_offload;
	}
	/* The same number over IPv6 (tcp_ipv6.c registers TCP's alike). */
	if (inet6_add_protocol(&xtcp_v6_protocol, xtcp_ipproto) < 0) {
		pr_err("IPv6 protocol %d is taken; load with ipproto=<free number>\n",
		       xtcp_ipproto);
		err = -EBUSY;
		goto out_v4;
	}
	pr_info("IP protocol %d, socket family %d\n", xtcp_ipproto, xtcp_family);
	return 0;

out_v4:
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	synchronize_net();
out_offload:
	xtcp_offload_exit();
out_diag:
	xtcp_diag_exit();
out_socket:
	xtcp_socket_exit();
out_pernet:
	xtcp_pernet_exit();
out_memory:
	xtcp_memory_exit();
out_cache:
	rcu_barrier();
	xtcp_tw_cache_exit();
	return err;
}

/*
 * No socket pins the module any more, but orphans (life.c) may still be
 * closing: stop input, stop new sockets, kill what is left per namespace,
 * and let the RCU callbacks that free sockets finish before the slab goes.
 */
static void __exit xtcp_exit(void)
{
	inet6_del_protocol(&xtcp_v6_protocol, xtcp_ipproto);
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	synchronize_net();
	/* after input: GRO hands what it merged to the handler */
	xtcp_offload_exit();
	xtcp_diag_exit();
	xtcp_family_exit();
	xtcp_pernet_exit();
	/*
	 * Let RCU callbacks that free sockets and TIME_WAIT entries finish
	 * before their slabs and this code go.
	 */
	rcu_barrier();
	xtcp_tw_cache_exit();
	xtcp_proto_exit();
	xtcp_memory_exit();
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP: reliable byte-stream transport, AF_XTCP over IP protocol 253");
MODULE_ALIAS_NETPROTO(PF_XTCP);
