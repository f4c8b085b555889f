/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP compatibility shims: every difference between the kernels XTCP builds
 * against (Debian 6.1 and 6.12) lives here or in compat_pure.h (what the
 * pure core needs), keyed on features where the kernel gives one to test.
 */
#ifndef _XTCP_COMPAT_H
#define _XTCP_COMPAT_H

#include <linux/version.h>
#include <linux/module.h>

/* What the pure core needs too: exports for KUnit, unaligned access. */
#include "compat_pure.h"

/*
 * The namespace xtcp_test.ko imports (EXPORT_SYMBOL_IF_KUNIT's): symbol
 * namespaces are bare tokens up to 6.12 and string literals from 6.13 on;
 * there is no feature macro to test, so the version decides.
 */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define XTCP_KUNIT_NS "EXPORTED_FOR_KUNIT_TESTING"
#else
#define XTCP_KUNIT_NS EXPORTED_FOR_KUNIT_TESTING
#endif

/*
 * sk_under_memory_pressure() and the other protocol memory helpers moved
 * from <net/sock.h> to <net/proto_memory.h> in 6.10.
 */
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#include <net/proto_memory.h>
#endif

/* hrtimer_setup() replaced hrtimer_init() + setting ->function in 6.13. */
#include <linux/hrtimer.h>
static inline void xtcp_hrtimer_setup(struct hrtimer *t,
				      enum hrtimer_restart (*fn)(struct hrtimer *),
				      clockid_t clock, enum hrtimer_mode mode)
{
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

/* proto_ops.accept takes struct proto_accept_arg from 6.10 on. */
#include <linux/net.h>
#include <net/sock.h>
int xtcp_do_accept(struct socket *sock, struct socket *newsock, int flags,
		   bool kern);
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
static inline int xtcp_accept(struct socket *sock, struct socket *newsock,
			      struct proto_accept_arg *arg)
{
	return xtcp_do_accept(sock, newsock, arg->flags, arg->kern);
}
#else
static inline int xtcp_accept(struct socket *sock, struct socket *newsock,
			      int flags, bool kern)
{
	return xtcp_do_accept(sock, newsock, flags, kern);
}
#endif

/* a proc_handler's table is const from 6.11 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define XTCP_CTL_CONST	const
#else
#define XTCP_CTL_CONST
#endif

/*
 * register_net_sysctl() became a macro over register_net_sysctl_sz() in
 * 6.6; with the size given, the table needs no sentinel entry.
 */
#include <net/net_namespace.h>
static inline struct ctl_table_header *
xtcp_register_net_sysctl(struct net *net, const char *path,
			 struct ctl_table *table, size_t n)
{
#ifdef register_net_sysctl
	return register_net_sysctl_sz(net, path, table, n);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/*
 * SLAB_NO_MERGE (6.5) keeps a cache apart from same-sized ones, so that
 * /proc/slabinfo counts its objects; 6.1 may merge it.
 */
#include <linux/slab.h>
#ifdef SLAB_NO_MERGE
#define XTCP_SLAB_NO_MERGE	SLAB_NO_MERGE
#else
#define XTCP_SLAB_NO_MERGE	0
#endif

/*
 * GSO's declarations (SKB_GSO_CB, gso_make_checksum()) moved from
 * <linux/skbuff.h> to <net/gso.h> in 6.5; no macro tells.
 */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif
#include <net/gro.h>

/* skb_frag_unref() and friends moved to <linux/skbuff_ref.h> in 6.11. */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#include <linux/skbuff_ref.h>
#endif

/*
 * GRO's IPv4 checks for a held packet @p (TTL, TOS, DF, the IP ID
 * sequence): up to 6.9 inet_gro_receive() left them in
 * NAPI_GRO_CB(p)->flush and ->flush_id for the transport to add; from 6.10
 * on the transport calls gro_receive_network_flush().  The control block's
 * fields are no macros to test, so the version decides.  Up to 6.9 the
 * transport also made the choice tcp_gro_receive() makes at the second
 * packet: a DF ("atomic") packet's flush_id is the raw IP ID difference,
 * so 1 there means IDs that increment, and the flow goes on as such
 * (is_atomic cleared, flush_id from then on XORed with the count);
 * without it every DF packet with the next IP ID, what ip_queue_xmit()
 * and GSO give a connected socket, ended the merge.
 */
static inline int xtcp_gro_network_flush(const void *th, const void *th2,
					 struct sk_buff *p)
{
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
	return gro_receive_network_flush(th, th2, p);
#else
	int flush = NAPI_GRO_CB(p)->flush;

	if (NAPI_GRO_CB(p)->flush_id != 1 || NAPI_GRO_CB(p)->count != 1 ||
	    !NAPI_GRO_CB(p)->is_atomic)
		flush |= NAPI_GRO_CB(p)->flush_id;
	else
		NAPI_GRO_CB(p)->is_atomic = false;
	return flush;
#endif
}

/*
 * The IPv6 header of a packet GRO merged, at gro_complete time: up to 6.9
 * ipv6_gro_receive() set the network header (tcp6_gro_complete() reads
 * ipv6_hdr()); from 6.10 on GRO keeps its offset in
 * NAPI_GRO_CB()->network_offsets[] instead.  No macro tells.
 */
#include <linux/ipv6.h>
static inline const struct ipv6hdr *xtcp_gro_ipv6_hdr(const struct sk_buff *skb)
{
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
	return (const struct ipv6hdr *)(skb->data +
		NAPI_GRO_CB(skb)->network_offsets[skb->encapsulation]);
#else
	return ipv6_hdr(skb);
#endif
}

/*
 * inet_sock's flag bits became inet_flags with inet_test_bit() and
 * inet_assign_bit() in 6.6; 6.1 has bitfields.
 */
#include <net/inet_sock.h>
static inline bool xtcp_inet_recverr(const struct sock *sk)
{
#ifdef inet_test_bit
	return inet_test_bit(RECVERR, sk);
#else
	return inet_sk(sk)->recverr;
#endif
}

static inline void xtcp_inet_set_recverr(struct sock *sk, bool on)
{
#ifdef inet_assign_bit
	inet_assign_bit(RECVERR, sk, on);
#else
	inet_sk(sk)->recverr = on;
#endif
}

/*
 * KUnit's static stubs (<kunit/static_stub.h>, 6.3) let a test redirect a
 * function to its own (output.c's xtcp_ip_xmit(), kunit/fixture.c); the
 * header is absent from 6.1, whose stock kernel has no KUnit: a no-op.
 */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#include <kunit/static_stub.h>
#else
#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) ((void)(real_fn_name))
#endif

/*
 * SOL_SOCKET options reach proto_ops->setsockopt only on a socket with
 * SOCK_CUSTOM_SOCKOPT (6.5, sock_use_custom_sol_socket()): XTCP takes
 * SO_REUSEPORT there, which sk_setsockopt() refuses to a non-inet family.
 * 6.1 has neither the flag nor a way around that check: XTCP_REUSEPORT.
 */
#include <linux/net.h>
static inline void xtcp_custom_sockopt(struct socket *sock)
{
#ifdef SOCK_CUSTOM_SOCKOPT
	set_bit(SOCK_CUSTOM_SOCKOPT, &sock->flags);
#endif
}

#endif /* _XTCP_COMPAT_H */
