// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket calls: socket(2) for AF_XTCP and the proto_ops behind bind,
 * listen, connect, getsockname/getpeername, poll, ioctl, shutdown and
 * close.  Accept is in listen.c, send and receive in send.c and recv.c,
 * socket options in sockopt.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/ioctl.h>
#include <linux/mm.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>

#include "isn.h"
#include "xtcp.h"

static struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
	/*
	 * As TCP's: a connection's memory goes back to the slab at once and
	 * stays an XTCP socket for readers under RCU (table.c).  Such a slab
	 * is not zeroed by init_on_alloc (Debian's default): sk_alloc() does.
	 */
	.slab_flags	= SLAB_TYPESAFE_BY_RCU,
	.release_cb	= xtcp_release_cb,
	.backlog_rcv	= xtcp_do_rcv,
	.keepalive	= xtcp_keepalive_set,
	.stream_memory_free	= xtcp_stream_memory_free,
	/* memory accounting (memory.c) */
	.enter_memory_pressure	= xtcp_enter_memory_pressure,
	.leave_memory_pressure	= xtcp_leave_memory_pressure,
	.memory_allocated	= &xtcp_memory_allocated,
	.per_cpu_fw_alloc	= &xtcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &xtcp_memory_pressure,
	.sockets_allocated	= &xtcp_sockets_allocated,
	.sysctl_mem		= xtcp_sysctl_mem,
	.sysctl_rmem		= xtcp_prot_rmem,
	.sysctl_wmem		= xtcp_prot_wmem,
};

/*
 * CLOSE (§3.10.4) and shutdown(SHUT_WR): a FIN after the queued data.
 * Return: false if the connection is gone instead (CLOSED, LISTEN,
 * SYN_SENT).
 */
static bool xtcp_close_send(struct sock *sk)
{
	enum xtcp_close_action action = xtcp_tcb_close(&xtcp_sk(sk)->tcb);

	xtcp_sync_state(sk);
	switch (action) {
	case XTCP_CLOSE_DELETE:
		return false;
	case XTCP_CLOSE_SEND_FIN:
		xtcp_send_fin(sk);
		break;
	case XTCP_CLOSE_NOTHING:
		break;
	}
	return true;
}

/*
 * close(2).  LISTEN and SYN_SENT close at once; a connection sends its FIN
 * after the queued data and finishes as an orphan (life.c), or, with
 * unread data or SO_LINGER {1, 0}, is aborted with RST.  SO_LINGER {1, N}
 * waits up to N seconds for the FIN to be acknowledged.
 */
static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs;
	bool unread;

	if (!sk)
		return 0;
	xs = xtcp_sk(sk);
	sock_hold(sk);		/* release_sock() may see the orphan die */
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	unread = !skb_queue_empty(&sk->sk_receive_queue);
	xtcp_check_state(sk);
	if (xs->tcb.state == XTCP_LISTEN) {
		xtcp_listener_close(sk);
	} else if (sk->sk_state == TCP_CLOSE) {
		/* nothing on the wire */
	} else if (unread) {
		xtcp_inc(sock_net(sk), XTCP_MIB_ABORT_ON_CLOSE);
		xtcp_abort(sk, 0);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		xtcp_inc(sock_net(sk), XTCP_MIB_ABORT_ON_LINGER);
		xtcp_abort(sk, 0);
	} else if (!xtcp_close_send(sk)) {
		xtcp_done(sk, 0);
	} else if (sock_flag(sk, SOCK_LINGER)) {
		sk_stream_wait_close(sk, sk->sk_lingertime);
	}

	sock_orphan(sk);
	if (sk->sk_state != TCP_CLOSE) {
		/* a FIN to deliver or to wait for: finish on our own */
		xtcp_orphan(sk);
	} else {
		xtcp_trace_sk_event(sk, XTCP_TRACE_DESTROY_SOCK);
		xtcp_unhash(sk);
		xtcp_timers_stop_sync(sk);
		xtcp_send_queue_purge(sk);
		__skb_queue_purge(&sk->sk_receive_queue);
		xtcp_ofo_purge(&xs->ofo);
		xtcp_unbind(sk);
		sock_put(sk);	/* the user's */
	}
	release_sock(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/*
 * shutdown(2), as inet_shutdown() and tcp_shutdown(): SHUT_WR sends a FIN
 * after the queued data and keeps receiving (half-close); SHUT_RD makes
 * recv() return 0; on a listener or a connecting socket SHUT_RD (or
 * SHUT_WR while connecting) stops it.
 */
static int xtcp_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;		/* SHUT_RD/WR/RDWR -> RCV_SHUTDOWN/SEND_SHUTDOWN/both */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	xtcp_check_state(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}
	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		break;
	case TCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		xtcp_listener_close(sk);
		sock->state = SS_UNCONNECTED;
		break;
	case TCP_SYN_SENT:
		xtcp_abort(sk, ECONNRESET);
		sock->state = SS_UNCONNECTED;
		break;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		if ((how & SEND_SHUTDOWN) && !xtcp_close_send(sk))
			xtcp_done(sk, 0);
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
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

/*
 * The same over IPv6 (__inet6_bind()): ::, an address of this host, or
 * with ip_nonlocal_bind (or IPV6_FREEBIND's sysctl) any unicast one; a
 * link-local one needs its interface, from the scope id or the socket.
 */
static int xtcp_check_local_addr6(struct sock *sk,
				  const struct xtcp_sockaddr *a)
{
	struct net *net = sock_net(sk);
	int type = ipv6_addr_type(&a->addr);
	struct net_device *dev = NULL;
	int err = 0;

	if (type == IPV6_ADDR_ANY)
		return 0;
	if (type & IPV6_ADDR_MULTICAST)
		return -EINVAL;
	rcu_read_lock();
	if (__ipv6_addr_needs_scope_id(type)) {
		if (a->scope_id) {
			/* the scope id and a bound device must agree */
			if (sk->sk_bound_dev_if &&
			    sk->sk_bound_dev_if != (int)a->scope_id) {
				err = -EINVAL;
				goto out;
			}
			sk->sk_bound_dev_if = a->scope_id;
		}
		if (!sk->sk_bound_dev_if) {
			err = -EINVAL;
			goto out;
		}
	}
	if (sk->sk_bound_dev_if) {
		dev = dev_get_by_index_rcu(net, sk->sk_bound_dev_if);
		if (!dev) {
			err = -ENODEV;
			goto out;
		}
	}
	if (!ipv6_chk_addr(net, &a->addr, dev, 0) &&
	    !READ_ONCE(net->ipv6.sysctl.ip_nonlocal_bind))
		err = -EADDRNOTAVAIL;
out:
	rcu_read_unlock();
	return err;
}

/*
 * Which IP an address means for @sk: IPv6 unless v4-mapped, which a
 * v6-only socket refuses (EINVAL at bind, ENETUNREACH at connect, as
 * TCP).  A socket already bound keeps its size of address: a v4 one
 * given a sockaddr_xtcp6 answers EAFNOSUPPORT, as inet_bind_sk() given
 * AF_INET6; a v6 one given a sockaddr_xtcp EINVAL, as tcp_v6_connect()
 * given a short address.
 */
static int xtcp_addr_family_ok(struct sock *sk, const struct xtcp_sockaddr *a,
			       int mapped_err)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->bound && xs->family == AF_INET && a->v6)
		return -EAFNOSUPPORT;
	if (xs->bound && xs->family == AF_INET6 && !a->v6)
		return -EINVAL;
	if (a->v6 && ipv6_addr_v4mapped(&a->addr) && sk->sk_ipv6only)
		return mapped_err;
	return 0;
}

static int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	struct xtcp_sockaddr a;
	u16 port;
	int err;

	err = xtcp_parse_sockaddr(uaddr, addr_len, xtcp_family, &a);
	if (err)
		return err;
	if (ipv6_addr_v4mapped(&a.addr))
		err = xtcp_check_local_addr(sk, a.addr.s6_addr32[3]);
	port = ntohs(a.port);
	if (!err && port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		err = -EACCES;
	if (err)
		return err;

	lock_sock(sk);
	if (xtcp_sk(sk)->bound || sk->sk_state != TCP_CLOSE) {
		err = -EINVAL;
		goto out;
	}
	err = xtcp_addr_family_ok(sk, &a, -EINVAL);
	if (!err && !ipv6_addr_v4mapped(&a.addr))
		err = xtcp_check_local_addr6(sk, &a);
	if (err)
		goto out;
	err = xtcp_bind_port6(sk, &a.addr, port);
	if (err)
		goto out;
	xtcp_sk(sk)->family = a.v6 ? AF_INET6 : AF_INET;
	if (!xtcp_addr_wildcard(&a.addr))
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
out:
	release_sock(sk);
	return err;
}

/* getsockname/getpeername: the shape of the address the socket was given. */
static int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_xtcp6 *, sa6, uaddr);
	struct sockaddr_xtcp *sa = (struct sockaddr_xtcp *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct in6_addr addr;
	__be16 port;
	int len;

	lock_sock(sk);
	if (peer) {
		if (!inet->inet_dport ||
		    (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT | TCPF_LISTEN)) {
			release_sock(sk);
			return -ENOTCONN;
		}
		port = inet->inet_dport;
	} else {
		port = inet->inet_sport;
	}
	xtcp_sk_addr6(sk, peer, &addr);
	if (xtcp_sk(sk)->family == AF_INET6) {
		memset(sa6, 0, sizeof(*sa6));
		sa6->sxtcp6_family = xtcp_family;
		sa6->sxtcp6_port = port;
		memcpy(sa6->sxtcp6_addr, &addr, sizeof(addr));
		sa6->sxtcp6_scope_id = ipv6_iface_scope_id(&addr,
							   sk->sk_bound_dev_if);
		len = sizeof(*sa6);
	} else {
		memset(sa, 0, sizeof(*sa));
		sa->sxtcp_family = xtcp_family;
		sa->sxtcp_port = port;
		sa->sxtcp_addr = addr.s6_addr32[3];
		len = sizeof(*sa);
	}
	release_sock(sk);
	return len;
}

/* tcp_poll()'s answer for the states that exist so far. */
static __poll_t xtcp_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	int state;
	u8 shutdown;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return READ_ONCE(sk->sk_ack_backlog) ? EPOLLIN | EPOLLRDNORM : 0;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* recheck after the flag, as tcp_poll() does */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		}
	}
	/* pairs with sk_error_report() after sk_err is set */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

/* listen(2): CLOSED -> LISTEN (RFC 9293 §3.10.1, passive OPEN). */
static int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err = 0;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED) {
		err = -EINVAL;
		goto out;
	}
	backlog = min(max(backlog, 0),
		      READ_ONCE(sock_net(sk)->core.sysctl_somaxconn));
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (xs->tcb.state == XTCP_LISTEN)
		goto out;	/* a new backlog is all */
	if (xs->tcb.state != XTCP_CLOSED) {
		err = -EINVAL;
		goto out;
	}
	if (!xs->bound) {
		/* the wildcard of the socket's family: :: for an IPv6 one */
		err = xs->family == AF_INET6 ?
		      xtcp_bind_port6(sk, &in6addr_any, 0) :
		      xtcp_bind_port(sk, htonl(INADDR_ANY), 0);
		if (err)
			goto out;
	}
	/* SO_REUSEADDR sharers may not both listen (TCP's rule). */
	err = xtcp_bind_recheck(sk);
	if (err)
		goto out;
	xs->queues_closed = false;
	inet_sk(sk)->inet_daddr = 0;	/* left over from a failed connect */
	inet_sk(sk)->inet_dport = 0;
	sk->sk_v6_daddr = in6addr_any;
	if (!xtcp_tcb_listen(&xs->tcb)) {
		err = -EINVAL;	/* not CLOSED: checked above */
		goto out;
	}
	xtcp_sync_state(sk);
	err = xtcp_hash_listener(sk);
	if (err) {
		xtcp_tcb_close(&xs->tcb);
		xtcp_sync_state(sk);
	}
out:
	release_sock(sk);
	return err;
}

/* Wait for @sk to leave SYN_SENT/SYN_RECEIVED; lock held, dropped while asleep. */
static long xtcp_wait_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

/* Route to @daddr and settle the local address; fills inet->cork.fl. */
static int xtcp_connect_route(struct sock *sk, __be32 daddr, __be16 dport)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct rtable *rt;

	flowi4_init_output(fl4, sk->sk_bound_dev_if, sk->sk_mark, 0,
			   RT_SCOPE_UNIVERSE, sk->sk_protocol, 0, daddr,
			   inet->inet_saddr, dport, inet->inet_sport, sk->sk_uid);
	rt = ip_route_output_flow(sock_net(sk), fl4, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr)
		xtcp_bind_set_addr(sk, fl4->saddr);
	/* IPv4's super-segments, should an IPv6 route have set TCPV6's */
	sk->sk_gso_type = XTCP_GSO_TYPE;
	sk_setup_caps(sk, &rt->dst);
	return 0;
}

/*
 * Route, bind and hash a connection to IPv4 address @daddr (a v4 socket's,
 * or a v4-mapped one of an IPv6 socket): the ISN in @isn.
 */
static int xtcp_connect_v4(struct sock *sk, __be32 daddr, __be16 dport,
			   u32 *isn)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool hashed;
	int err;

	const struct xtcp_af_ops *af = xs->af;

	/* an IPv6 socket bound to :: connects over IPv4 (TCP's "mapped") */
	xs->af = &xtcp_ipv4_ops;
	err = xtcp_connect_route(sk, daddr, dport);
	if (err) {
		xs->af = af;
		return err;
	}
	xtcp_conn_forget(sk);
	/* the route's destination: connecting to 0.0.0.0 reaches this host */
	daddr = inet->cork.fl.u.ip4.daddr;
	hashed = !xs->bound;
	if (hashed) {
		err = xtcp_bind_connect(sk, inet->inet_saddr, daddr, dport, isn);
	} else {
		struct xtcp_key key = {
			.laddr = inet->inet_saddr, .lport = inet->inet_sport,
			.raddr = daddr, .rport = dport,
		};

		/* a bound port: its 4-tuple may still be in TIME_WAIT */
		err = xtcp_tw_take(sock_net(sk), &key, isn);
		inet->inet_daddr = daddr;
		inet->inet_dport = dport;
	}
	if (err < 0) {
		inet->inet_daddr = 0;
		inet->inet_dport = 0;
		sk_dst_reset(sk);
		if (!xs->bound)
			xtcp_bind_set_addr6(sk, NULL);
		return err;
	}
	if (!err)
		*isn = xtcp_isn(inet->inet_saddr, inet->inet_daddr,
				inet->inet_sport, inet->inet_dport);
	/* xtcp_bind_connect() hashed it with its port */
	err = hashed ? 0 : xtcp_hash_connection(sk);
	if (err) {
		inet->inet_daddr = 0;
		inet->inet_dport = 0;
		sk_dst_reset(sk);
		xtcp_put_local(sk);
	}
	return err;
}

/* The same over IPv6 (tcp_v6_connect()). */
static int xtcp_connect_v6(struct sock *sk, const struct xtcp_sockaddr *a,
			   u32 *isn)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct in6_addr daddr = a->addr;
	int type = ipv6_addr_type(&daddr);
	bool hashed;
	int err;

	/* a socket bound to an IPv4 address reaches no IPv6 peer */
	if (xs->bound && xs->af->family == AF_INET &&
	    (inet->inet_rcv_saddr || xs->family == AF_INET))
		return -ENETUNREACH;
	if (type & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;
	/* connect() to :: means the loopback (BSD'ism, as TCP) */
	if (ipv6_addr_any(&daddr))
		daddr = in6addr_loopback;
	if (__ipv6_addr_needs_scope_id(type)) {
		if (a->scope_id) {
			if (sk->sk_bound_dev_if &&
			    sk->sk_bound_dev_if != (int)a->scope_id)
				return -EINVAL;
			sk->sk_bound_dev_if = a->scope_id;
		}
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}
	xs->af = &xtcp_ipv6_ops;
	sk->sk_v6_daddr = daddr;
	inet->inet_dport = a->port;
	err = xtcp_v6_connect_route(sk);
	if (err)
		goto fail;
	xtcp_conn_forget(sk);
	hashed = !xs->bound;
	if (hashed) {
		err = xtcp_bind_connect6(sk, a->port, isn);
	} else {
		struct xtcp_key6 key = {
			.laddr = sk->sk_v6_rcv_saddr, .lport = inet->inet_sport,
			.raddr = daddr, .rport = a->port,
		};

		err = xtcp_tw_take6(sock_net(sk), &key, isn);
	}
	if (err < 0) {
		sk_dst_reset(sk);
		if (!xs->bound)
			xtcp_bind_set_addr6(sk, NULL);
		goto fail;
	}
	if (!err)
		*isn = xtcp_isn6(&sk->sk_v6_rcv_saddr, &sk->sk_v6_daddr,
				 inet->inet_sport, inet->inet_dport);
	err = hashed ? 0 : xtcp_hash_connection(sk);
	if (err) {
		sk_dst_reset(sk);
		xtcp_put_local(sk);
		goto fail;
	}
	return 0;
fail:
	sk->sk_v6_daddr = in6addr_any;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	return err;
}

/* Start an active open: route, bind, hash, send SYN (RFC 9293 §3.10.1). */
static int xtcp_connect_start(struct sock *sk, const struct xtcp_sockaddr *a)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_reply r;
	u32 isn = 0;
	int err;

	if (xs->tcb.state == XTCP_LISTEN) {
		err = xtcp_listener_connect(sk);
		if (err)
			return err;
	}

	if (!xs->bound)
		xs->family = a->v6 ? AF_INET6 : AF_INET;
	if (ipv6_addr_v4mapped(&a->addr)) {
		/* only an unbound socket or one bound to :: or IPv4 */
		if (xs->bound && xs->af->family == AF_INET6 &&
		    !ipv6_addr_any(&sk->sk_v6_rcv_saddr))
			return -ENETUNREACH;
		err = xtcp_connect_v4(sk, a->addr.s6_addr32[3], a->port, &isn);
	} else {
		err = xtcp_connect_v6(sk, a, &isn);
	}
	if (err)
		return err;

	xs->tcb.mss = xtcp_route_mss(sk);
	xs->tcb.min_snd_mss = READ_ONCE(xn->min_snd_mss);
	xtcp_ts_conn_init(sk, READ_ONCE(xn->timestamps));
	xtcp_sack_conn_init(xs, READ_ONCE(xn->sack));
	xtcp_rcv_window_init(sk);
	xtcp_tcb_connect(&xs->tcb, isn, &r);
	xtcp_sync_state(sk);
	WRITE_ONCE(sk->sk_err, 0);
	WRITE_ONCE(sk->sk_shutdown, 0);
	xtcp_conn_init(sk);
	xtcp_inc(sock_net(sk), XTCP_MIB_ACTIVE_OPENS);
	xtcp_send(sk, &r);
	xtcp_rtx_arm(sk);
	return 0;
}

/* connect(2), with TCP's errnos and its blocking/non-blocking behaviour. */
static int xtcp_connect(struct socket *sock, struct sockaddr *uaddr,
			int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct xtcp_sockaddr a;
	long timeo;
	int err;

	err = xtcp_parse_sockaddr(uaddr, addr_len, xtcp_family, &a);
	if (err)
		return err;

	lock_sock(sk);
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		if (sk->sk_state == TCP_ESTABLISHED) {
			/* a non-blocking connect that has completed */
			sock->state = SS_CONNECTED;
			err = 0;
			goto out;
		}
		if (sk->sk_state == TCP_CLOSE)
			goto sock_error;
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		/* a connection still in the tables (LISTEN may turn active) */
		err = -EISCONN;
		if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
			goto out;
		err = xtcp_addr_family_ok(sk, &a, -ENETUNREACH) ?:
		      xtcp_connect_start(sk, &a);
		if (err)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	default:
		/*
		 * SS_DISCONNECTING: shut down while connecting, its connection
		 * maybe still in the tables; inet_stream_connect()'s answer.
		 */
		err = -EINVAL;
		goto out;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		if (!timeo)
			goto out;	/* -EINPROGRESS or -EALREADY */
		timeo = xtcp_wait_connect(sk, timeo);
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
			err = signal_pending(current) ? sock_intr_errno(timeo) :
			      -EINPROGRESS;
			goto out;
		}
	}
	if (sk->sk_state == TCP_CLOSE)
		goto sock_error;
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;

sock_error:
	err = sock_error(sk) ? : -ECONNABORTED;
	sock->state = SS_UNCONNECTED;
	goto out;
}

/* FIONREAD/SIOCINQ, SIOCOUTQ, SIOCOUTQNSD: TCP's answers. */
static int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	if (sk->sk_state == TCP_LISTEN)
		return -EINVAL;
	lock_sock(sk);
	if (cmd == SIOCINQ)
		answ = xtcp_inq(sk);				/* unread */
	else if (cmd == SIOCOUTQ)
		answ = xtcp_tcb_snd_end(&xs->tcb) - xs->tcb.snd_una; /* not acked */
	else
		answ = xtcp_tcb_snd_end(&xs->tcb) - xs->tcb.snd_nxt; /* not sent */
	if (sk->sk_state == TCP_CLOSE && cmd != SIOCINQ)
		answ = 0;
	release_sock(sk);
	return put_user(answ, (int __user *)arg);
}

static const struct proto_ops xtcp_stream_ops = {
	/* Informational only: dispatch goes by sk_family, the real family. */
	.family		= PF_XTCP,
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= xtcp_bind,
	.connect	= xtcp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= xtcp_accept,
	.getname	= xtcp_getname,
	.poll		= xtcp_poll,
	.ioctl		= xtcp_ioctl,
	.listen		= xtcp_listen,
	.shutdown	= xtcp_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= xtcp_sendmsg,
	.recvmsg	= xtcp_recvmsg,
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
	xtcp_custom_sockopt(sock);	/* SO_REUSEPORT: xtcp_setsockopt() */
	sock_init_data(sock, sk);
	xtcp_sock_init(sk);
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

/* Module exit, in two steps: no new sockets, then (orphans gone) no proto. */
void xtcp_family_exit(void)
{
	sock_unregister(xtcp_family);
}

void xtcp_proto_exit(void)
{
	proto_unregister(&xtcp_prot);
}

void xtcp_socket_exit(void)
{
	xtcp_family_exit();
	xtcp_proto_exit();
}
