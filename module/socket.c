// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket calls: socket(2) for AF_XTCP and the proto_ops behind bind,
 * getsockname, poll, setsockopt and close.  Calls whose protocol machinery
 * does not exist yet (listen, accept, connect, send, receive, shutdown)
 * return EOPNOTSUPP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "xtcp.h"

static struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
};

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	lock_sock(sk);
	xtcp_unbind(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sock_orphan(sk);
	release_sock(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/* May @sk take local address @addr?  TCP's rule, less non-local binds. */
static int xtcp_check_local_addr(struct sock *sk, __be32 addr)
{
	struct net *net = sock_net(sk);

	if (addr == htonl(INADDR_ANY))
		return 0;
	if (inet_addr_type(net, addr) == RTN_LOCAL)
		return 0;
	if (READ_ONCE(net->ipv4.sysctl_ip_nonlocal_bind) &&
	    !ipv4_is_multicast(addr) && !ipv4_is_lbcast(addr))
		return 0;
	return -EADDRNOTAVAIL;
}

static int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_xtcp *addr = (struct sockaddr_xtcp *)uaddr;
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	u16 port;
	int err;

	err = xtcp_check_sockaddr(uaddr, addr_len, xtcp_family);
	if (err)
		return err;
	err = xtcp_check_local_addr(sk, addr->sxtcp_addr);
	if (err)
		return err;
	port = ntohs(addr->sxtcp_port);
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	if (xtcp_sk(sk)->bound || sk->sk_state != TCP_CLOSE) {
		err = -EINVAL;
		goto out;
	}
	err = xtcp_bind_port(sk, addr->sxtcp_addr, port);
	if (err)
		goto out;
	if (addr->sxtcp_addr != htonl(INADDR_ANY))
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
out:
	release_sock(sk);
	return err;
}

static int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_xtcp *, sa, uaddr);
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);

	memset(sa, 0, sizeof(*sa));
	sa->sxtcp_family = xtcp_family;
	lock_sock(sk);
	if (peer) {
		if (!inet->inet_dport) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sa->sxtcp_port = inet->inet_dport;
		sa->sxtcp_addr = inet->inet_daddr;
	} else {
		sa->sxtcp_port = inet->inet_sport;
		sa->sxtcp_addr = inet->inet_rcv_saddr ?: inet->inet_saddr;
	}
	release_sock(sk);
	return sizeof(*sa);
}

/* The mask tcp_poll() gives for the states that exist so far. */
static __poll_t xtcp_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	u8 shutdown;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || inet_sk_state_load(sk) == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (!(shutdown & SEND_SHUTDOWN))
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

static const struct proto_ops xtcp_stream_ops = {
	/* Informational only: dispatch goes by sk_family, the real family. */
	.family		= PF_XTCP,
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= xtcp_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= xtcp_getname,
	.poll		= xtcp_poll,
	.ioctl		= sock_no_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct sock *sk;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != xtcp_ipproto)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, xtcp_family, GFP_KERNEL, &xtcp_prot, kern);
	if (!sk)
		return -ENOBUFS;
	sock->state = SS_UNCONNECTED;
	sock->ops = &xtcp_stream_ops;
	sock_init_data(sock, sk);
	sk->sk_protocol = xtcp_ipproto;
	INIT_HLIST_NODE(&xtcp_sk(sk)->bind_node);
	return 0;
}

static struct net_proto_family xtcp_family_ops = {
	.family	= PF_XTCP,
	.create	= xtcp_create,
	.owner	= THIS_MODULE,
};

int xtcp_socket_init(void)
{
	int err;

	xtcp_family_ops.family = xtcp_family;

	err = proto_register(&xtcp_prot, 1);
	if (err)
		return err;
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("socket family %d is taken (%d); load with family=<free slot>\n",
		       xtcp_family, err);
		proto_unregister(&xtcp_prot);
	}
	return err;
}

void xtcp_socket_exit(void)
{
	sock_unregister(xtcp_family);
	proto_unregister(&xtcp_prot);
}
