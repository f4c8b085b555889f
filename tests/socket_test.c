// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket-call tests through real sockets: socket(2), bind(2) and its
 * errors, getsockname, SOL_XTCP options, poll, and the calls that are not
 * built yet.  Needs xtcp.ko loaded; runs as root in a test guest.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "harness.h"
#include "xtcp_util.h"

static void create_stream(void)
{
	int fd;

	fd = socket(xt_family(), SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	fd = socket(xt_family(), SOCK_STREAM, IPPROTO_XTCP);
	CHECK(fd >= 0);
	close(fd);
	fd = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void create_bad_type(void)
{
	CHECK_ERRNO(socket(xt_family(), SOCK_DGRAM, 0), ESOCKTNOSUPPORT);
	CHECK_ERRNO(socket(xt_family(), SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
	CHECK_ERRNO(socket(xt_family(), SOCK_RAW, 0), ESOCKTNOSUPPORT);
	CHECK_ERRNO(socket(xt_family(), SOCK_RDM, 0), ESOCKTNOSUPPORT);
}

static void create_bad_protocol(void)
{
	CHECK_ERRNO(socket(xt_family(), SOCK_STREAM, IPPROTO_TCP), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(xt_family(), SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(xt_family(), SOCK_STREAM, 254), EPROTONOSUPPORT);
}

static void socket_identity(void)
{
	int fd = xt_socket();

	CHECK(fd >= 0);
	CHECK(xt_getint(fd, SOL_SOCKET, SO_DOMAIN) == xt_family());
	CHECK(xt_getint(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM);
	CHECK(xt_getint(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_XTCP);
	CHECK(xt_getint(fd, SOL_SOCKET, SO_ACCEPTCONN) == 0);
	CHECK(xt_getint(fd, SOL_SOCKET, SO_ERROR) == 0);
	close(fd);
}

static void bind_getsockname(void)
{
	struct sockaddr_xtcp want = xt_addr("127.0.0.1", xt_port(0)), got;
	socklen_t len = sizeof(got);
	int fd = xt_socket();

	CHECK_OK(bind(fd, (struct sockaddr *)&want, sizeof(want)));
	memset(&got, 0xa5, sizeof(got));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &len));
	CHECK(len == sizeof(got));
	CHECK(got.sxtcp_family == xt_family());
	CHECK(got.sxtcp_port == htons(xt_port(0)));
	CHECK(got.sxtcp_addr == htonl(INADDR_LOOPBACK));
	CHECK(memcmp(got.sxtcp_zero, "\0\0\0\0\0\0\0\0", 8) == 0);
	/* an unbound socket reports 0.0.0.0:0 */
	close(fd);
	fd = xt_socket();
	len = sizeof(got);
	CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &len));
	CHECK(got.sxtcp_port == 0 && got.sxtcp_addr == 0);
	close(fd);
}

static void bind_in_use(void)
{
	int a = xt_socket(), b = xt_socket(), c = xt_socket();

	CHECK_OK(xt_bind(a, "127.0.0.1", xt_port(0)));
	CHECK_ERRNO(xt_bind(b, "127.0.0.1", xt_port(0)), EADDRINUSE);
	CHECK_ERRNO(xt_bind(b, "0.0.0.0", xt_port(0)), EADDRINUSE);
	/* another loopback address on the same port is disjoint */
	CHECK_OK(xt_bind(b, "127.0.0.2", xt_port(0)));
	/* and a wildcard holder blocks every address */
	CHECK_OK(xt_bind(c, "0.0.0.0", xt_port(1)));
	close(a);
	a = xt_socket();
	CHECK_ERRNO(xt_bind(a, "127.0.0.1", xt_port(1)), EADDRINUSE);
	close(a);
	close(b);
	close(c);
}

static void bind_bad_address(void)
{
	struct sockaddr_xtcp a = xt_addr("127.0.0.1", xt_port(0));
	int fd = xt_socket();

	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, 2), EINVAL);
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, 0), EINVAL);
	/* another family: __inet_bind()'s errno */
	a.sxtcp_family = AF_INET;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
	a.sxtcp_family = AF_UNSPEC;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
	/* not an address of this host (TEST-NET-1), multicast, broadcast */
	CHECK_ERRNO(xt_bind(fd, "192.0.2.1", xt_port(0)), EADDRNOTAVAIL);
	CHECK_ERRNO(xt_bind(fd, "224.0.0.1", xt_port(0)), EADDRNOTAVAIL);
	CHECK_ERRNO(xt_bind(fd, "255.255.255.255", xt_port(0)), EADDRNOTAVAIL);
	/* after all that, the socket can still bind */
	CHECK_OK(xt_bind(fd, "127.0.0.1", xt_port(0)));
	CHECK(xt_local_port(fd) == xt_port(0));
	close(fd);
}

static void bind_twice(void)
{
	int fd = xt_socket();

	CHECK_OK(xt_bind(fd, "127.0.0.1", xt_port(0)));
	CHECK_ERRNO(xt_bind(fd, "127.0.0.1", xt_port(1)), EINVAL);
	CHECK_ERRNO(xt_bind(fd, "127.0.0.1", xt_port(0)), EINVAL);
	CHECK(xt_local_port(fd) == xt_port(0));
	close(fd);
}

static void read_range(int *lo, int *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	*lo = *hi = -1;
	if (f) {
		if (fscanf(f, "%d %d", lo, hi) != 2)
			*lo = *hi = -1;
		fclose(f);
	}
}

static void bind_ephemeral(void)
{
	int fd[64], i, j, lo, hi;

	read_range(&lo, &hi);
	CHECK(lo > 0 && hi >= lo);
	for (i = 0; i < 64; i++) {
		fd[i] = xt_socket();
		CHECK_OK(xt_bind(fd[i], "0.0.0.0", 0));
		CHECK(xt_local_port(fd[i]) >= lo && xt_local_port(fd[i]) <= hi);
		for (j = 0; j < i; j++)
			CHECK(xt_local_port(fd[i]) != xt_local_port(fd[j]));
	}
	for (i = 0; i < 64; i++)
		close(fd[i]);
}

/* In a fresh namespace, ip_local_port_range of two ports gives exactly those. */
static void bind_ephemeral_range_exhausted(void)
{
	int a, b, c, lo, hi;
	FILE *f;

	NEED_OK(unshare(CLONE_NEWNET));
	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "w");
	NEED(f);
	fprintf(f, "50000 50001\n");
	CHECK(fclose(f) == 0);
	read_range(&lo, &hi);
	CHECK(lo == 50000 && hi == 50001);
	a = xt_socket();
	b = xt_socket();
	c = xt_socket();
	CHECK_OK(xt_bind(a, "0.0.0.0", 0));
	CHECK_OK(xt_bind(b, "0.0.0.0", 0));
	CHECK(xt_local_port(a) + xt_local_port(b) == 100001);
	/* TCP's answer when bind(port 0) finds no free port */
	CHECK_ERRNO(xt_bind(c, "0.0.0.0", 0), EADDRINUSE);
	close(a);
	CHECK_OK(xt_bind(c, "0.0.0.0", 0));
	close(b);
	close(c);
}

static void bind_reuseaddr(void)
{
	int a = xt_socket(), b = xt_socket(), c = xt_socket(), one = 1;

	CHECK_OK(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK_OK(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK(xt_getint(a, SOL_SOCKET, SO_REUSEADDR) == 1);
	CHECK_OK(xt_bind(a, "0.0.0.0", xt_port(0)));
	CHECK_OK(xt_bind(b, "127.0.0.1", xt_port(0)));
	CHECK_ERRNO(xt_bind(c, "127.0.0.1", xt_port(0)), EADDRINUSE);
	close(a);
	close(b);
	close(c);
}

static void bind_close_releases(void)
{
	int i;

	for (i = 0; i < 200; i++) {
		int fd = xt_socket();

		CHECK_OK(xt_bind(fd, "127.0.0.1", xt_port(0)));
		close(fd);
	}
}

/*
 * A fresh namespace has its own port space, and its loopback is down: its
 * only device has no address yet, so 127.0.0.1 is no address of it and
 * bind() says EADDRNOTAVAIL, until lo comes up.
 */
static void bind_per_netns(void)
{
	int a = xt_socket(), b, c, d;

	NEED(a >= 0);
	CHECK_OK(xt_bind(a, "0.0.0.0", xt_port(0)));
	NEED_OK(unshare(CLONE_NEWNET));
	/* a socket of the new namespace has its own port space */
	b = xt_socket();
	NEED(b >= 0);
	CHECK_OK(xt_bind(b, "0.0.0.0", xt_port(0)));
	c = xt_socket();
	CHECK_ERRNO(xt_bind(c, "127.0.0.1", xt_port(1)), EADDRNOTAVAIL);
	NEED(system("ip link set lo up") == 0);
	d = xt_socket();
	CHECK_OK(xt_bind(d, "127.0.0.1", xt_port(1)));
	close(d);
	close(c);
	close(b);
	close(a);
}

static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	d[cap / 32].permitted &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &h, d);
}

static void bind_privileged_port(void)
{
	int fd = xt_socket();

	CHECK_OK(xt_bind(fd, "127.0.0.1", 80));
	close(fd);
	CHECK_OK(drop_cap(CAP_NET_BIND_SERVICE));
	fd = xt_socket();
	CHECK_ERRNO(xt_bind(fd, "127.0.0.1", 80), EACCES);
	CHECK_OK(xt_bind(fd, "127.0.0.1", 1024));
	close(fd);
}

static void unconnected_calls(void)
{
	struct sockaddr_xtcp a;
	socklen_t len = sizeof(a);
	int fd = xt_socket();
	char buf[4] = "abc";

	CHECK_OK(xt_bind(fd, "127.0.0.1", xt_port(0)));
	/* what TCP says on a socket that is not connected */
	CHECK_ERRNO(send(fd, buf, 3, MSG_NOSIGNAL), EPIPE);
	CHECK_ERRNO(recv(fd, buf, 3, MSG_DONTWAIT), ENOTCONN);
	CHECK_ERRNO(shutdown(fd, SHUT_WR), ENOTCONN);
	CHECK_ERRNO(shutdown(fd, 3), EINVAL);
	CHECK_ERRNO(shutdown(fd, -1), EINVAL);
	CHECK_ERRNO(getpeername(fd, (struct sockaddr *)&a, &len), ENOTCONN);
	close(fd);
}

/*
 * The address's length picks the family: a sockaddr_in6-sized one with
 * family AF_XTCP is IPv6 (ipv6_test.c has the rest); family AF_INET6
 * is another family, refused as TCP refuses AF_INET6 on an IPv4 socket.
 */
static void address_length_picks_family(void)
{
	struct sockaddr_xtcp v4 = xt_addr("127.0.0.1", 0);
	struct sockaddr_in6 a6, got;
	socklen_t len = sizeof(got);
	int l = xt_socket(), fd = xt_socket(), port;
	char buf[4] = "abc";

	NEED(l >= 0 && fd >= 0);
	NEED_OK(xt_bind(l, "0.0.0.0", 0));
	NEED_OK(listen(l, 4));
	port = xt_local_port(l);
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	a6.sin6_addr = in6addr_loopback;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	CHECK_ERRNO(connect(fd, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	/* none of it touched the socket: unbound, unconnected */
	CHECK(xt_local_port(fd) == 0);
	/* AF_XTCP and 28 bytes: [::1], a name of 28 bytes */
	a6.sin6_family = xt_family();
	CHECK_OK(bind(fd, (struct sockaddr *)&a6, sizeof(a6)));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &len));
	CHECK(len == sizeof(got) &&
	      !memcmp(&got.sin6_addr, &in6addr_loopback, 16));
	close(fd);
	/* 16 bytes: IPv4, as before */
	fd = xt_socket();
	NEED(fd >= 0);
	CHECK_OK(xt_connect(fd, "127.0.0.1", port));
	/* sendto's address: ignored as TCP ignores it, unless another family */
	a6.sin6_family = AF_INET6;
	CHECK_ERRNO(sendto(fd, buf, 3, MSG_NOSIGNAL, (struct sockaddr *)&a6,
			   sizeof(a6)), EAFNOSUPPORT);
	CHECK(sendto(fd, buf, 3, MSG_NOSIGNAL, (struct sockaddr *)&v4,
		     sizeof(v4)) == 3);
	close(fd);
	close(l);
}

/* A fresh socket polls as a fresh TCP socket does. */
static void poll_fresh_like_tcp(void)
{
	struct pollfd p[2];

	p[0].fd = xt_socket();
	p[1].fd = socket(AF_INET, SOCK_STREAM, 0);
	p[0].events = p[1].events = POLLIN | POLLOUT | POLLRDHUP;
	CHECK(poll(p, 2, 0) == 2);
	CHECK(p[0].revents == p[1].revents);
	CHECK(p[0].revents & POLLHUP);
	close(p[0].fd);
	close(p[1].fd);
}

static void sockopt_defaults(void)
{
	int fd = xt_socket();

	CHECK(xt_getint(fd, SOL_XTCP, XTCP_NODELAY) == 0);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_MAXSEG) == 536);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_KEEPIDLE) == 7200);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_KEEPINTVL) == 75);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_KEEPCNT) == 9);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_USER_TIMEOUT) == 0);
	close(fd);
}

static void sockopt_roundtrip(void)
{
	static const struct { int name, val, want; } o[] = {
		{ XTCP_NODELAY, 5, 1 }, { XTCP_MAXSEG, 1200, 1200 },
		{ XTCP_KEEPIDLE, 30, 30 }, { XTCP_KEEPINTVL, 3, 3 },
		{ XTCP_KEEPCNT, 4, 4 }, { XTCP_USER_TIMEOUT, 2500, 2500 },
		{ XTCP_NODELAY, 0, 0 },
	};
	int fd = xt_socket();
	unsigned int i;

	for (i = 0; i < sizeof(o) / sizeof(o[0]); i++) {
		CHECK_OK(setsockopt(fd, SOL_XTCP, o[i].name, &o[i].val, sizeof(int)));
		CHECK(xt_getint(fd, SOL_XTCP, o[i].name) == o[i].want);
	}
	close(fd);
}

static void sockopt_invalid(void)
{
	int fd = xt_socket(), v;
	socklen_t len = sizeof(v);
	short s = 1;

	v = 87;
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_MAXSEG, &v, sizeof(v)), EINVAL);
	v = 0;
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_KEEPIDLE, &v, sizeof(v)), EINVAL);
	v = 128;
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_KEEPCNT, &v, sizeof(v)), EINVAL);
	v = -1;
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_USER_TIMEOUT, &v, sizeof(v)), EINVAL);
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_NODELAY, &s, sizeof(s)), EINVAL);
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_NODELAY, (void *)8, sizeof(int)), EFAULT);
	v = 1;
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, 99, &v, sizeof(v)), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_INFO, &v, sizeof(v)), ENOPROTOOPT);
	CHECK_ERRNO(getsockopt(fd, SOL_XTCP, 99, &v, &len), ENOPROTOOPT);
	{
		struct xtcp_info info;
		socklen_t ilen = sizeof(info);

		/* XTCP_INFO is versioned by length, as TCP_INFO */
		memset(&info, 0xff, sizeof(info));
		CHECK_OK(getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &ilen));
		CHECK(ilen == sizeof(info));
		CHECK(info.xtcpi_state == 7 && info.xtcpi_xtcp_state == 0);
		ilen = 2;
		CHECK_OK(getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &ilen));
		CHECK(ilen == 2);
	}
	/* rejected values left the defaults alone */
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_MAXSEG) == 536);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_KEEPCNT) == 9);
	close(fd);
}

static void many_sockets(void)
{
	enum { N = 1000 };
	static int fd[N];
	int i;

	for (i = 0; i < N; i++) {
		fd[i] = xt_socket();
		CHECK(fd[i] >= 0);
		CHECK_OK(xt_bind(fd[i], "127.0.0.1", 0));
	}
	for (i = 0; i < N; i++)
		close(fd[i]);
}

static const struct xt_test tests[] = {
	TEST(create_stream),
	TEST(create_bad_type),
	TEST(create_bad_protocol),
	TEST(socket_identity),
	TEST(bind_getsockname),
	TEST(bind_in_use),
	TEST(bind_bad_address),
	TEST(bind_twice),
	TEST(bind_ephemeral),
	TEST(bind_ephemeral_range_exhausted),
	TEST(bind_reuseaddr),
	TEST(bind_close_releases),
	TEST(bind_per_netns),
	TEST(bind_privileged_port),
	TEST(unconnected_calls),
	TEST(address_length_picks_family),
	TEST(poll_fresh_like_tcp),
	TEST(sockopt_defaults),
	TEST(sockopt_roundtrip),
	TEST(sockopt_invalid),
	TEST(many_sockets),
};

XT_MAIN("socket", tests)
