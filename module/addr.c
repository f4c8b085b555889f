// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP addresses and paths: struct sockaddr_xtcp has struct sockaddr_in's
 * layout, with family AF_XTCP (or whatever the family parameter says); the
 * MSS a route allows, and the path MTU a socket starts with and keeps.
 */
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/sock.h>

#include "xtcp.h"

#define XTCP_MIN_MSS		88

static_assert(sizeof(struct sockaddr_xtcp) == sizeof(struct sockaddr_in));
static_assert(offsetof(struct sockaddr_xtcp, sxtcp_port) ==
	      offsetof(struct sockaddr_in, sin_port));
static_assert(offsetof(struct sockaddr_xtcp, sxtcp_addr) ==
	      offsetof(struct sockaddr_in, sin_addr));

/**
 * xtcp_check_sockaddr - validate an address passed to bind or connect
 * @uaddr: the address, already copied into the kernel
 * @addr_len: its length as the caller gave it
 * @family: the family XTCP registered
 *
 * As inet_bind_sk() and tcp_v4_connect(): shorter than a sockaddr_xtcp is
 * EINVAL, another family EAFNOSUPPORT.  XTCP has no IPv6 yet, and once it
 * has, the length will tell the families apart (a sockaddr_in6-sized
 * address with family AF_XTCP): until then such an address is refused
 * rather than its first bytes read as IPv4.
 *
 * Return: 0, -EINVAL or -EAFNOSUPPORT.
 */
int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len, int family)
{
	if (!uaddr || addr_len < (int)sizeof(struct sockaddr_xtcp))
		return -EINVAL;
	if (uaddr->sa_family != family)
		return -EAFNOSUPPORT;
	if (addr_len >= (int)sizeof(struct sockaddr_in6))
		return -EAFNOSUPPORT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_check_sockaddr);

/* The MSS to advertise on a path of MTU @mtu, at most @user_mss if set. */
u16 xtcp_mss_for_mtu(u32 mtu, u16 user_mss)
{
	u32 mss = mtu - sizeof(struct iphdr) - XTCP_HLEN;

	if (user_mss && user_mss < mss)
		mss = user_mss;
	return clamp_t(u32, mss, XTCP_MIN_MSS, U16_MAX);
}

/* The MSS to advertise: the route's MTU less the headers, or XTCP_MAXSEG. */
u16 xtcp_route_mss(struct sock *sk)
{
	struct dst_entry *dst;
	u32 mtu;

	/* a listener's child is not locked by its creator: use RCU */
	rcu_read_lock();
	dst = __sk_dst_get(sk);
	mtu = dst ? dst_mtu(dst) : 576;
	rcu_read_unlock();
	/* what the send MSS is cut for, until ICMP says less (icmp.c) */
	xtcp_sk(sk)->pmtu_cookie = mtu;
	return xtcp_mss_for_mtu(mtu, xtcp_sk(sk)->user_mss);
}

/* DF and ICMP reporting for a new socket: its listener's, or the defaults. */
void xtcp_pmtu_init(struct sock *sk, const struct sock *parent)
{
	struct inet_sock *inet = inet_sk(sk);

	if (parent) {
		inet->pmtudisc = inet_sk(parent)->pmtudisc;
		xtcp_inet_set_recverr(sk, xtcp_inet_recverr(parent));
		return;
	}
	/* as inet_create() */
	inet->pmtudisc = READ_ONCE(sock_net(sk)->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
}

/* The send MSS for path MTU @pmtu (tcp_sync_mss()); it only goes down. */
void xtcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = pmtu - sizeof(struct iphdr) - XTCP_HLEN;

	/* as tcp_mtu_to_mss(): never below tcp_min_snd_mss */
	mss = max_t(u32, mss, xs->tcb.min_snd_mss);
	xs->pmtu_cookie = pmtu;
	if (mss < xs->tcb.snd_mss)
		xs->tcb.snd_mss = mss;
}

/*
 * The handshake set the send MSS from the peer's option: hold it to the
 * path MTU learned meanwhile (tcp_init_transfer() syncs the MSS with
 * icsk_pmtu_cookie the same way).
 */
void xtcp_pmtu_established(struct sock *sk)
{
	if (xtcp_sk(sk)->pmtu_cookie)
		xtcp_sync_mss(sk, xtcp_sk(sk)->pmtu_cookie);
}
