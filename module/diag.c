// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag for AF_XTCP: SOCK_DIAG_BY_FAMILY dumps with inet_diag's layout
 * (net/ipv4/inet_diag.c, tcp_diag.c; the own-family registration as
 * net/tipc/diag.c).  Request: struct inet_diag_req_v2 with sdiag_family =
 * AF_XTCP, idiag_states a bitmask of TCPF_* states, idiag_ext the
 * attributes wanted, id.idiag_sport/dport a port to match (0: any).
 * Answer: one struct inet_diag_msg per socket, then per TIME_WAIT entry,
 * of the caller's network namespace; idiag_family is the IP family the
 * connection runs over.  INET_DIAG_INFO carries struct xtcp_info.
 */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "timewait.h"
#include "xtcp.h"

#define XTCP_DIAG_BATCH	16	/* sockets held per pass over the list */

/* cb->args[]: the phase, and the rows done in it */
enum { XTCP_DIAG_SOCKS, XTCP_DIAG_TW4, XTCP_DIAG_TW6, XTCP_DIAG_DONE };

static bool xtcp_diag_ports_ok(const struct inet_diag_req_v2 *r,
			       __be16 sport, __be16 dport)
{
	return (!r->id.idiag_sport || r->id.idiag_sport == sport) &&
	       (!r->id.idiag_dport || r->id.idiag_dport == dport);
}

static struct nlmsghdr *xtcp_diag_put(struct sk_buff *skb,
				      struct netlink_callback *cb,
				      struct inet_diag_msg **m)
{
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			SOCK_DIAG_BY_FAMILY, sizeof(**m), NLM_F_MULTI);
	if (!nlh)
		return NULL;
	*m = nlmsg_data(nlh);
	memset(*m, 0, sizeof(**m));
	return nlh;
}

/* One socket's row, as inet_sk_diag_fill(); the socket is held. */
static int xtcp_diag_fill_sk(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct inet_diag_req_v2 *r, struct sock *sk)
{
	struct user_namespace *uns = sk_user_ns(NETLINK_CB(cb->skb).sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int state = inet_sk_state_load(sk);
	struct inet_diag_msg *m;
	struct nlmsghdr *nlh;
	struct xtcp_info info;
	s64 left;

	nlh = xtcp_diag_put(skb, cb, &m);
	if (!nlh)
		return -EMSGSIZE;
	m->idiag_family = xs->af->family;
	m->idiag_state = state;
	m->id.idiag_sport = inet->inet_sport;
	m->id.idiag_dport = inet->inet_dport;
	m->id.idiag_if = sk->sk_bound_dev_if;
	sock_diag_save_cookie(sk, m->id.idiag_cookie);
	if (xs->af->family == AF_INET6) {
		xtcp_sk_addr6(sk, false, (struct in6_addr *)m->id.idiag_src);
		xtcp_sk_addr6(sk, true, (struct in6_addr *)m->id.idiag_dst);
	} else {
		m->id.idiag_src[0] = inet->inet_rcv_saddr;
		m->id.idiag_dst[0] = inet->inet_daddr;
	}
	m->idiag_timer = xtcp_timer_pending(sk, &left);
	m->idiag_expires = left;
	m->idiag_retrans = xs->retries;
	if (state == TCP_LISTEN) {
		m->idiag_rqueue = READ_ONCE(sk->sk_ack_backlog);
		m->idiag_wqueue = READ_ONCE(sk->sk_max_ack_backlog);
	} else if (state != TCP_SYN_SENT && state != TCP_SYN_RECV &&
		   state != TCP_CLOSE) {
		m->idiag_rqueue = xtcp_inq(sk);
		m->idiag_wqueue = xtcp_tcb_snd_end(&xs->tcb) -
				  READ_ONCE(xs->tcb.snd_una);
	}
	m->idiag_uid = from_kuid_munged(uns, sock_i_uid(sk));
	m->idiag_inode = sock_i_ino(sk);

	if (nla_put_u8(skb, INET_DIAG_SHUTDOWN, sk->sk_shutdown))
		goto cancel;
	if (r->idiag_ext & (1 << (INET_DIAG_MEMINFO - 1))) {
		struct inet_diag_meminfo mi = {
			.idiag_rmem = sk_rmem_alloc_get(sk),
			.idiag_wmem = READ_ONCE(sk->sk_wmem_queued),
			.idiag_fmem = sk_forward_alloc_get(sk),
			.idiag_tmem = sk_wmem_alloc_get(sk),
		};

		if (nla_put(skb, INET_DIAG_MEMINFO, sizeof(mi), &mi))
			goto cancel;
	}
	if ((r->idiag_ext & (1 << (INET_DIAG_SKMEMINFO - 1))) &&
	    sock_diag_put_meminfo(sk, skb, INET_DIAG_SKMEMINFO))
		goto cancel;
	if ((r->idiag_ext & (1 << (INET_DIAG_CONG - 1))) &&
	    nla_put_string(skb, INET_DIAG_CONG, READ_ONCE(xs->cc_ops)->name))
		goto cancel;
	if (r->idiag_ext & (1 << (INET_DIAG_INFO - 1))) {
		lock_sock(sk);
		xtcp_get_info(sk, &info);
		release_sock(sk);
		if (nla_put(skb, INET_DIAG_INFO, sizeof(info), &info))
			goto cancel;
	}
	nlmsg_end(skb, nlh);
	return 0;
cancel:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/* A TIME_WAIT entry's row, as inet_twsk_diag_fill(); under RCU. */
static int xtcp_diag_fill_tw(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct xtcp_tw *tw)
{
	struct inet_diag_msg *m;
	struct nlmsghdr *nlh;

	nlh = xtcp_diag_put(skb, cb, &m);
	if (!nlh)
		return -EMSGSIZE;
	m->idiag_family = tw->v6 ? AF_INET6 : AF_INET;
	m->idiag_state = TCP_TIME_WAIT;
	m->id.idiag_sport = tw->key.lport;
	m->id.idiag_dport = tw->key.rport;
	/* no cookie: an entry's address would leak a kernel pointer */
	m->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	m->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (tw->v6) {
		const struct xtcp_tw6 *tw6 = container_of(tw, struct xtcp_tw6, tw);

		memcpy(m->id.idiag_src, &tw6->key6.laddr, sizeof(struct in6_addr));
		memcpy(m->id.idiag_dst, &tw6->key6.raddr, sizeof(struct in6_addr));
	} else {
		m->id.idiag_src[0] = tw->key.laddr;
		m->id.idiag_dst[0] = tw->key.raddr;
	}
	m->idiag_timer = 3;	/* as /proc/net/tcp: the TIME_WAIT timer */
	m->idiag_expires = xtcp_tw_remaining_ms(tw);
	nlmsg_end(skb, nlh);
	return 0;
}

/*
 * The sockets on xn->all from row @cb->args[1] on, a batch at a time:
 * held under all_lock, filled outside it (INET_DIAG_INFO takes the socket
 * lock).  Return: true when the list is done, false when @skb is full.
 */
static bool xtcp_diag_dump_socks(struct sk_buff *skb, struct netlink_callback *cb,
				 const struct inet_diag_req_v2 *r)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(skb->sk));
	struct sock *batch[XTCP_DIAG_BATCH];
	long rows[XTCP_DIAG_BATCH];
	struct xtcp_sock *xs;
	bool end, full = false;
	int i, n;
	long row;

	do {
		n = 0;
		row = 0;
		end = true;
		spin_lock_bh(&xn->all_lock);
		list_for_each_entry(xs, &xn->all, all_node) {
			struct sock *sk = xtcp_to_sk(xs);

			if (row++ < cb->args[1])
				continue;
			if (n == XTCP_DIAG_BATCH) {
				end = false;
				break;
			}
			cb->args[1] = row;
			if (!(r->idiag_states & (1 << inet_sk_state_load(sk))) ||
			    !xtcp_diag_ports_ok(r, inet_sk(sk)->inet_sport,
						inet_sk(sk)->inet_dport) ||
			    !refcount_inc_not_zero(&sk->sk_refcnt))
				continue;
			rows[n] = row - 1;
			batch[n++] = sk;
		}
		spin_unlock_bh(&xn->all_lock);

		for (i = 0; i < n; i++) {
			if (xtcp_diag_fill_sk(skb, cb, r, batch[i])) {
				/* full: this row comes first in the next part */
				cb->args[1] = rows[i];
				full = true;
				break;
			}
		}
		for (i = 0; i < n; i++)
			sock_put(batch[i]);
	} while (!end && !full);
	return !full;
}

/* The TIME_WAIT entries of one table from row @cb->args[1] on. */
static bool xtcp_diag_dump_tw(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct inet_diag_req_v2 *r, bool v6)
{
	struct net *net = sock_net(skb->sk);
	struct xtcp_tw_seq it = { .v6 = v6 };
	struct xtcp_tw *tw;
	bool done = true;

	rcu_read_lock();
	for (tw = xtcp_tw_seq_start(net, &it, cb->args[1]); tw;
	     tw = xtcp_tw_seq_next(net, &it)) {
		if (xtcp_diag_ports_ok(r, tw->key.lport, tw->key.rport) &&
		    xtcp_diag_fill_tw(skb, cb, tw)) {
			done = false;
			break;
		}
		cb->args[1]++;
	}
	rcu_read_unlock();
	return done;
}

static int xtcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct inet_diag_req_v2 *r = nlmsg_data(cb->nlh);

	while (cb->args[0] != XTCP_DIAG_DONE) {
		bool done;

		switch (cb->args[0]) {
		case XTCP_DIAG_SOCKS:
			done = xtcp_diag_dump_socks(skb, cb, r);
			break;
		default:
			done = !(r->idiag_states & TCPF_TIME_WAIT) ||
			       xtcp_diag_dump_tw(skb, cb, r,
						 cb->args[0] == XTCP_DIAG_TW6);
			break;
		}
		if (!done)
			break;
		cb->args[0]++;
		cb->args[1] = 0;
	}
	return skb->len;
}

static int xtcp_diag_handler_dump(struct sk_buff *skb, struct nlmsghdr *h)
{
	struct net *net = sock_net(skb->sk);
	struct netlink_dump_control c = {
		.dump = xtcp_diag_dump,
	};

	if (nlmsg_len(h) < sizeof(struct inet_diag_req_v2))
		return -EINVAL;
	/* one socket by its id (inet_diag_cmd_exact()): not offered */
	if (!(h->nlmsg_flags & NLM_F_DUMP))
		return -EOPNOTSUPP;
	return netlink_dump_start(net->diag_nlsk, skb, h, &c);
}

static struct sock_diag_handler xtcp_diag_handler = {
	.owner	= THIS_MODULE,
	.dump	= xtcp_diag_handler_dump,
};

/* After the family: a dump may come as soon as this returns. */
int xtcp_diag_init(void)
{
	xtcp_diag_handler.family = xtcp_family;
	return sock_diag_register(&xtcp_diag_handler);
}

void xtcp_diag_exit(void)
{
	sock_diag_unregister(&xtcp_diag_handler);
}
