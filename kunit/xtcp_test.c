// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP internals.  Built as xtcp_test.ko, loaded after
 * xtcp.ko; the suites run when it loads.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/net.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "xtcp.h"

MODULE_IMPORT_NS(XTCP_KUNIT_NS);

/* ---- addr.c ------------------------------------------------------------ */

static struct sockaddr_xtcp xtcp_test_addr(u32 addr, u16 port)
{
	struct sockaddr_xtcp sa = {
		.sxtcp_family = xtcp_family,
		.sxtcp_port = htons(port),
		.sxtcp_addr = htonl(addr),
	};

	return sa;
}

static void xtcp_addr_valid(struct kunit *test)
{
	struct sockaddr_xtcp sa = xtcp_test_addr(INADDR_LOOPBACK, 7000);

	KUNIT_EXPECT_EQ(test, 0, xtcp_check_sockaddr((struct sockaddr *)&sa,
						     sizeof(sa), xtcp_family));
	/* A longer buffer (sockaddr_storage) is fine too. */
	KUNIT_EXPECT_EQ(test, 0, xtcp_check_sockaddr((struct sockaddr *)&sa,
						     sizeof(sa) + 8, xtcp_family));
}

static void xtcp_addr_short(struct kunit *test)
{
	struct sockaddr_xtcp sa = xtcp_test_addr(INADDR_LOOPBACK, 7000);
	struct sockaddr *p = (struct sockaddr *)&sa;

	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_check_sockaddr(p, sizeof(sa) - 1, xtcp_family));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_check_sockaddr(p, 2, xtcp_family));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_check_sockaddr(p, 0, xtcp_family));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_check_sockaddr(p, -1, xtcp_family));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_check_sockaddr(NULL, sizeof(sa), xtcp_family));
}

static void xtcp_addr_family(struct kunit *test)
{
	struct sockaddr_xtcp sa = xtcp_test_addr(INADDR_LOOPBACK, 7000);
	struct sockaddr *p = (struct sockaddr *)&sa;

	sa.sxtcp_family = AF_INET;
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT, xtcp_check_sockaddr(p, sizeof(sa), xtcp_family));
	sa.sxtcp_family = AF_UNSPEC;
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT, xtcp_check_sockaddr(p, sizeof(sa), xtcp_family));
	/* The family is the one the module registered, not a constant. */
	sa.sxtcp_family = 19;
	KUNIT_EXPECT_EQ(test, 0, xtcp_check_sockaddr(p, sizeof(sa), 19));
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT, xtcp_check_sockaddr(p, sizeof(sa), 25));
}

/* The length picks the family: a sockaddr_in6-sized address is IPv6. */
static void xtcp_addr_ipv6(struct kunit *test)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr *p = (struct sockaddr *)&ss;
	struct xtcp_sockaddr a;

	sin6->sin6_family = xtcp_family;
	sin6->sin6_port = htons(7000);
	sin6->sin6_flowinfo = htonl(0x12345);
	sin6->sin6_addr = (struct in6_addr)IN6ADDR_LOOPBACK_INIT;
	sin6->sin6_scope_id = 3;
	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr(p, sizeof(*sin6),
						     xtcp_family, &a));
	KUNIT_EXPECT_TRUE(test, a.v6);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_loopback(&a.addr));
	KUNIT_EXPECT_EQ(test, ntohs(a.port), 7000);
	KUNIT_EXPECT_EQ(test, ntohl(a.flowinfo), 0x12345U);
	KUNIT_EXPECT_EQ(test, a.scope_id, 3U);
	/* RFC 2133's 24 bytes: IPv6 without the scope id, as inet6_bind() */
	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr(p, SIN6_LEN_RFC2133,
						     xtcp_family, &a));
	KUNIT_EXPECT_TRUE(test, a.v6);
	KUNIT_EXPECT_EQ(test, a.scope_id, 0U);
	/* a longer buffer is IPv6 too */
	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr(p, sizeof(ss), xtcp_family,
						     &a));
	KUNIT_EXPECT_TRUE(test, a.v6);
	/* below 24 bytes it is an IPv4 address, read as v4-mapped */
	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr(p, SIN6_LEN_RFC2133 - 1,
						     xtcp_family, &a));
	KUNIT_EXPECT_FALSE(test, a.v6);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_v4mapped(&a.addr));
	/* family AF_INET6 is another family */
	sin6->sin6_family = AF_INET6;
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			xtcp_check_sockaddr(p, sizeof(*sin6), xtcp_family));
}

/* An IPv4 address is kept v4-mapped: the wire family follows from it. */
static void xtcp_addr_v4_mapped(struct kunit *test)
{
	struct sockaddr_xtcp sa = xtcp_test_addr(0x7f000001, 80);
	struct sockaddr_in6 sin6 = { .sin6_family = xtcp_family };
	struct xtcp_sockaddr a;

	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr((struct sockaddr *)&sa,
						     sizeof(sa), xtcp_family,
						     &a));
	KUNIT_EXPECT_FALSE(test, a.v6);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_v4mapped(&a.addr));
	KUNIT_EXPECT_EQ(test, ntohl(a.addr.s6_addr32[3]), 0x7f000001U);
	KUNIT_EXPECT_EQ(test, ntohs(a.port), 80);
	/* ::ffff:127.0.0.1 given as IPv6: an IPv6 name, IPv4 on the wire */
	ipv6_addr_set_v4mapped(htonl(0x7f000001), &sin6.sin6_addr);
	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr((struct sockaddr *)&sin6,
						     sizeof(sin6), xtcp_family,
						     &a));
	KUNIT_EXPECT_TRUE(test, a.v6);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_v4mapped(&a.addr));
	/* 0.0.0.0 is the IPv4 wildcard, not :: */
	sa.sxtcp_addr = 0;
	KUNIT_ASSERT_EQ(test, 0, xtcp_parse_sockaddr((struct sockaddr *)&sa,
						     sizeof(sa), xtcp_family,
						     &a));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_v4mapped(&a.addr));
	KUNIT_EXPECT_FALSE(test, ipv6_addr_any(&a.addr));
}

static void xtcp_test_in6(struct in6_addr *a, const char *s)
{
	in6_pton(s, -1, a->s6_addr, -1, NULL);
}

/* Which bound addresses share a port's space: TCP's rules, both IPs. */
static void xtcp_addr_overlap_rule(struct kunit *test)
{
	struct in6_addr any6, lo6, other6, any4, lo4, other4;

	xtcp_test_in6(&any6, "::");
	xtcp_test_in6(&lo6, "::1");
	xtcp_test_in6(&other6, "2001:db8::1");
	xtcp_test_in6(&any4, "::ffff:0.0.0.0");
	xtcp_test_in6(&lo4, "::ffff:127.0.0.1");
	xtcp_test_in6(&other4, "::ffff:192.0.2.1");

	KUNIT_EXPECT_TRUE(test, xtcp_addr_overlap(&lo6, false, &lo6, false));
	KUNIT_EXPECT_FALSE(test, xtcp_addr_overlap(&lo6, false, &other6, false));
	KUNIT_EXPECT_TRUE(test, xtcp_addr_overlap(&any6, false, &lo6, false));
	KUNIT_EXPECT_TRUE(test, xtcp_addr_overlap(&lo6, true, &any6, true));
	/* :: covers IPv4 unless v6-only */
	KUNIT_EXPECT_TRUE(test, xtcp_addr_overlap(&any6, false, &lo4, false));
	KUNIT_EXPECT_FALSE(test, xtcp_addr_overlap(&any6, true, &lo4, false));
	KUNIT_EXPECT_TRUE(test, xtcp_addr_overlap(&any4, false, &any6, false));
	KUNIT_EXPECT_FALSE(test, xtcp_addr_overlap(&any4, false, &any6, true));
	/* 0.0.0.0 covers IPv4 only */
	KUNIT_EXPECT_TRUE(test, xtcp_addr_overlap(&any4, false, &lo4, false));
	KUNIT_EXPECT_FALSE(test, xtcp_addr_overlap(&any4, false, &lo6, false));
	KUNIT_EXPECT_FALSE(test, xtcp_addr_overlap(&lo4, false, &other4, false));
	KUNIT_EXPECT_FALSE(test, xtcp_addr_overlap(&lo4, false, &lo6, false));
}

static struct kunit_case xtcp_addr_cases[] = {
	KUNIT_CASE(xtcp_addr_valid),
	KUNIT_CASE(xtcp_addr_short),
	KUNIT_CASE(xtcp_addr_ipv6),
	KUNIT_CASE(xtcp_addr_v4_mapped),
	KUNIT_CASE(xtcp_addr_overlap_rule),
	KUNIT_CASE(xtcp_addr_family),
	{}
};

static struct kunit_suite xtcp_addr_suite = {
	.name = "xtcp_addr",
	.test_cases = xtcp_addr_cases,
};

/* ---- sockopt.c --------------------------------------------------------- */

static void xtcp_sockopt_ranges(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_NODELAY, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_NODELAY, 42));

	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_MAXSEG, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_MAXSEG, 87));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_MAXSEG, 88));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_MAXSEG, 32767));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_MAXSEG, 32768));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_MAXSEG, -1));

	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_KEEPIDLE, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_KEEPIDLE, 1));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_KEEPIDLE, 32767));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_KEEPIDLE, 32768));

	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_KEEPINTVL, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_KEEPINTVL, 75));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_KEEPINTVL, 32768));

	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_KEEPCNT, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_KEEPCNT, 127));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_KEEPCNT, 128));

	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_USER_TIMEOUT, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_USER_TIMEOUT, 30000));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_USER_TIMEOUT, -1));
	/* TCP's ranges (do_tcp_setsockopt()) */
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_SYNCNT, 0));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_SYNCNT, 127));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_SYNCNT, 128));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_LINGER2, -1));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_DEFER_ACCEPT, -1));
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_sockopt_check(XTCP_WINDOW_CLAMP, -1));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_QUICKACK, 2));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_NOTSENT_LOWAT, 1));
	KUNIT_EXPECT_EQ(test, 0, xtcp_sockopt_check(XTCP_REUSEPORT, 1));
}

static void xtcp_sockopt_unknown(struct kunit *test)
{
	/* XTCP_INFO is read-only; 19 (TCP_REPAIR) and 99 are not XTCP's. */
	KUNIT_EXPECT_EQ(test, -ENOPROTOOPT, xtcp_sockopt_check(XTCP_INFO, 0));
	KUNIT_EXPECT_EQ(test, -ENOPROTOOPT, xtcp_sockopt_check(19, 0));
	KUNIT_EXPECT_EQ(test, -ENOPROTOOPT, xtcp_sockopt_check(99, 1));
}

static struct kunit_case xtcp_sockopt_cases[] = {
	KUNIT_CASE(xtcp_sockopt_ranges),
	KUNIT_CASE(xtcp_sockopt_unknown),
	{}
};

static struct kunit_suite xtcp_sockopt_suite = {
	.name = "xtcp_sockopt",
	.test_cases = xtcp_sockopt_cases,
};

/* ---- bind.c ------------------------------------------------------------ */

#define ANY	htonl(INADDR_ANY)
#define A1	htonl(0x7f000001)
#define A2	htonl(0x7f000002)

static void xtcp_bind_conflict_rule(struct kunit *test)
{
	/* Two distinct specific addresses never conflict. */
	KUNIT_EXPECT_FALSE(test, xtcp_bind_conflict(A1, false, false, A2, false));
	KUNIT_EXPECT_FALSE(test, xtcp_bind_conflict(A1, false, true, A2, false));
	/* Same address, or a wildcard on either side: they do... */
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(A1, false, false, A1, false));
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(ANY, false, false, A1, false));
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(A1, false, false, ANY, false));
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(ANY, false, false, ANY, false));
	/* ...unless both set SO_REUSEADDR and the holder is not listening. */
	KUNIT_EXPECT_FALSE(test, xtcp_bind_conflict(A1, true, false, A1, true));
	KUNIT_EXPECT_FALSE(test, xtcp_bind_conflict(ANY, true, false, A1, true));
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(A1, true, true, A1, true));
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(A1, true, false, A1, false));
	KUNIT_EXPECT_TRUE(test, xtcp_bind_conflict(A1, false, false, A1, true));
}

static void xtcp_bind_ephemeral_covers_range(struct kunit *test)
{
	static const u32 offsets[] = { 0, 1, 12345, 0xffffffff };
	const u32 lo = 32768, hi = 32768 + 99;
	DECLARE_BITMAP(seen, 100);
	int k;
	u32 i;

	for (k = 0; k < ARRAY_SIZE(offsets); k++) {
		bitmap_zero(seen, 100);
		for (i = 0; i <= hi - lo; i++) {
			u16 p = xtcp_ephemeral_candidate(lo, hi, offsets[k], i);

			KUNIT_ASSERT_GE(test, p, lo);
			KUNIT_ASSERT_LE(test, p, hi);
			KUNIT_EXPECT_FALSE(test, test_and_set_bit(p - lo, seen));
		}
		KUNIT_EXPECT_EQ(test, 100u, bitmap_weight(seen, 100));
	}
	/* A one-port range always yields that port. */
	KUNIT_EXPECT_EQ(test, 40000, xtcp_ephemeral_candidate(40000, 40000, 777, 0));
	/* The full range, with an offset that would overflow in 32 bits:
	 * 0xffffffff = 65535 * 65537, so attempt 0 is the lowest port.
	 */
	KUNIT_EXPECT_EQ(test, 1, xtcp_ephemeral_candidate(1, 65535, 0xffffffff, 0));
	KUNIT_EXPECT_EQ(test, 65535, xtcp_ephemeral_candidate(1, 65535, 0xffffffff, 65534));
}

/* Real sockets in init_net, made through the socket layer like a user's. */
static struct socket *xtcp_test_socket(struct kunit *test)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, xtcp_family, SOCK_STREAM, 0, &sock);
	KUNIT_ASSERT_EQ(test, 0, err);
	return sock;
}

static int xtcp_test_bind(struct socket *sock, u32 addr, u16 port)
{
	struct sockaddr_xtcp sa = xtcp_test_addr(addr, port);

	return kernel_bind(sock, (struct sockaddr *)&sa, sizeof(sa));
}

static u16 xtcp_test_port(struct socket *sock)
{
	struct sockaddr_xtcp sa;

	if (kernel_getsockname(sock, (struct sockaddr *)&sa) != sizeof(sa))
		return 0;
	return ntohs(sa.sxtcp_port);
}

static void xtcp_bind_sockets(struct kunit *test)
{
	struct socket *a = xtcp_test_socket(test);
	struct socket *b = xtcp_test_socket(test);
	struct socket *c = xtcp_test_socket(test);

	KUNIT_EXPECT_EQ(test, 0, xtcp_test_bind(a, INADDR_LOOPBACK, 47001));
	KUNIT_EXPECT_EQ(test, 47001, xtcp_test_port(a));
	/* bind twice: EINVAL, as TCP */
	KUNIT_EXPECT_EQ(test, -EINVAL, xtcp_test_bind(a, INADDR_LOOPBACK, 47002));
	/* the wildcard overlaps 127.0.0.1 */
	KUNIT_EXPECT_EQ(test, -EADDRINUSE, xtcp_test_bind(b, INADDR_ANY, 47001));
	KUNIT_EXPECT_EQ(test, -EADDRINUSE, xtcp_test_bind(b, INADDR_LOOPBACK, 47001));
	/* a failed bind leaves the socket unbound */
	KUNIT_EXPECT_EQ(test, 0, xtcp_test_port(b));
	KUNIT_EXPECT_EQ(test, 0, xtcp_test_bind(b, INADDR_LOOPBACK, 47002));
	/* a non-local address */
	KUNIT_EXPECT_EQ(test, -EADDRNOTAVAIL, xtcp_test_bind(c, 0xc0000201, 47003));

	/* closing releases the port */
	sock_release(a);
	KUNIT_EXPECT_EQ(test, 0, xtcp_test_bind(c, INADDR_ANY, 47001));
	sock_release(b);
	sock_release(c);
}

static void xtcp_bind_ephemeral_sockets(struct kunit *test)
{
	struct socket *s[8];
	int lo, hi, i, j;

	inet_get_local_port_range(&init_net, &lo, &hi);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = xtcp_test_socket(test);
		KUNIT_EXPECT_EQ(test, 0, xtcp_test_bind(s[i], INADDR_ANY, 0));
		KUNIT_EXPECT_GE(test, xtcp_test_port(s[i]), lo);
		KUNIT_EXPECT_LE(test, xtcp_test_port(s[i]), hi);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, xtcp_test_port(s[i]), xtcp_test_port(s[j]));
	}
	for (i = 0; i < ARRAY_SIZE(s); i++)
		sock_release(s[i]);
}

static void xtcp_bind_reuseaddr(struct kunit *test)
{
	struct socket *a = xtcp_test_socket(test);
	struct socket *b = xtcp_test_socket(test);
	struct socket *c = xtcp_test_socket(test);

	sock_set_reuseaddr(a->sk);
	sock_set_reuseaddr(b->sk);
	KUNIT_EXPECT_EQ(test, 0, xtcp_test_bind(a, INADDR_ANY, 47010));
	KUNIT_EXPECT_EQ(test, 0, xtcp_test_bind(b, INADDR_ANY, 47010));
	/* without the option, still refused */
	KUNIT_EXPECT_EQ(test, -EADDRINUSE, xtcp_test_bind(c, INADDR_ANY, 47010));
	sock_release(a);
	sock_release(b);
	sock_release(c);
}

static struct kunit_case xtcp_bind_cases[] = {
	KUNIT_CASE(xtcp_bind_conflict_rule),
	KUNIT_CASE(xtcp_bind_ephemeral_covers_range),
	KUNIT_CASE(xtcp_bind_sockets),
	KUNIT_CASE(xtcp_bind_ephemeral_sockets),
	KUNIT_CASE(xtcp_bind_reuseaddr),
	{}
};

static struct kunit_suite xtcp_bind_suite = {
	.name = "xtcp_bind",
	.test_cases = xtcp_bind_cases,
};

kunit_test_suites(&xtcp_addr_suite, &xtcp_sockopt_suite, &xtcp_bind_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for XTCP");
