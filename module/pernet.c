// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP per network namespace state: each namespace has its own tables.
 */
#include <linux/bug.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "xtcp.h"

static unsigned int xtcp_net_id __read_mostly;

struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int i;

	spin_lock_init(&xn->bind_lock);
	for (i = 0; i < ARRAY_SIZE(xn->bind_hash); i++)
		INIT_HLIST_HEAD(&xn->bind_hash[i]);
	return 0;
}

static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int i;

	/* Every socket holds its namespace, so none can be bound here. */
	for (i = 0; i < ARRAY_SIZE(xn->bind_hash); i++)
		WARN_ON_ONCE(!hlist_empty(&xn->bind_hash[i]));
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
