// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket addresses: struct sockaddr_xtcp has struct sockaddr_in's
 * layout, with family AF_XTCP (or whatever the family parameter says).
 */
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>

#include "xtcp.h"

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
EXPORT_SYMBOL_NS_GPL(xtcp_check_sockaddr, XTCP_NS);
