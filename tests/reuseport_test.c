// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP SO_REUSEPORT through real sockets, as TCP's: several listeners on
 * one address and port when each set the option before bind() and one
 * user owns them all; incoming connections spread over them by a hash of
 * the 4-tuple (IPv4 and IPv6); a listener closing leaves the others
 * taking connections; the bind rules' EADDRINUSE otherwise.
 * Needs xtcp.ko loaded; runs as root in a test guest.
 */
#include <poll.h>
#include <sys/utsname.h>
#include <netinet/in.h>

#include "harness.h"
#include "xtcp_util.h"

#define MAXL	4

/*
 * SO_REUSEPORT; before 6.5 setsockopt(SOL_SOCKET) refuses it to a family
 * other than AF_INET/AF_INET6 without asking XTCP: XTCP_REUSEPORT there.
 */
static int set_reuseport(int fd)
{
	int one = 1;

	if (!setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		return 0;
	if (errno != EOPNOTSUPP)
		return -1;
	return setsockopt(fd, SOL_XTCP, XTCP_REUSEPORT, &one, sizeof(one));
}

/* A listener on @ip:@port, with SO_REUSEPORT if @rp; -1 on failure. */
static int rp_listener(const char *ip, unsigned short port, int rp)
{
	int fd = xt_socket();

	if (fd < 0)
		return -1;
	if ((rp && set_reuseport(fd)) || xt_bind(fd, ip, port) ||
	    listen(fd, 128)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * @n connections to @ip:@port, then accept them from listeners @l[0..nl):
 * @got[i] counts listener i's.  Return: how many were accepted in all.
 */
static int spread(const char *ip, unsigned short port, int n, const int *l,
		  int nl, int *got)
{
	int c[64], total = 0, i, k, idle = 0;

	memset(got, 0, sizeof(*got) * nl);
	if (n > 64)
		return -1;
	for (k = 0; k < n; k++) {
		c[k] = xt_socket();
		if (c[k] < 0 || xt_connect(c[k], ip, port))
			return -1;
	}
	while (total < n && idle < 100) {
		struct pollfd p[MAXL];

		for (i = 0; i < nl; i++)
			p[i] = (struct pollfd){ .fd = l[i], .events = POLLIN };
		if (poll(p, nl, 100) <= 0) {
			idle++;
			continue;
		}
		for (i = 0; i < nl; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			k = accept(l[i], NULL, NULL);
			if (k >= 0) {
				got[i]++;
				total++;
				close(k);
			}
		}
	}
	for (k = 0; k < n; k++)
		close(c[k]);
	return total;
}

/* @nl listeners on @ip, 64 connections: every one accepted, each some. */
static void spread_over(const char *ip, int nl)
{
	int l[MAXL], got[MAXL], i;

	for (i = 0; i < nl; i++) {
		l[i] = rp_listener(ip, xt_port(0), 1);
		NEED(l[i] >= 0);
	}
	CHECK(spread(ip, xt_port(0), 64, l, nl, got) == 64);
	for (i = 0; i < nl; i++) {
		fprintf(stderr, "  listener %d: %d\n", i, got[i]);
		CHECK(got[i] >= 1);
	}
	for (i = 0; i < nl; i++)
		close(l[i]);
}

static void two_listeners_v4(void)
{
	spread_over("127.0.0.1", 2);
}

static void four_listeners_v4(void)
{
	spread_over("127.0.0.1", 4);
}

static void two_listeners_v6(void)
{
	spread_over("::1", 2);
}

static void four_listeners_v6_any(void)
{
	int l[MAXL], got[MAXL], i;

	for (i = 0; i < 4; i++) {
		l[i] = rp_listener("::", xt_port(0), 1);
		NEED(l[i] >= 0);
	}
	CHECK(spread("::1", xt_port(0), 64, l, 4, got) == 64);
	for (i = 0; i < 4; i++)
		CHECK(got[i] >= 1);
	for (i = 0; i < 4; i++)
		close(l[i]);
}

/* Without the option on both, the second bind fails, as TCP's. */
static void bind_without_option(void)
{
	int a, b;

	a = rp_listener("127.0.0.1", xt_port(0), 0);
	NEED(a >= 0);
	b = xt_socket();
	CHECK_OK(set_reuseport(b));
	CHECK_ERRNO(xt_bind(b, "127.0.0.1", xt_port(0)), EADDRINUSE);
	close(b);
	close(a);

	a = rp_listener("127.0.0.1", xt_port(1), 1);
	NEED(a >= 0);
	b = xt_socket();
	CHECK_ERRNO(xt_bind(b, "127.0.0.1", xt_port(1)), EADDRINUSE);
	close(b);
	/* and a bound (not listening) one too */
	b = xt_socket();
	NEED_OK(set_reuseport(b));
	NEED_OK(xt_bind(b, "127.0.0.1", xt_port(2)));
	a = xt_socket();
	CHECK_ERRNO(xt_bind(a, "127.0.0.1", xt_port(2)), EADDRINUSE);
	close(a);
	close(b);
}

/* Another user may not join: sk_uid differs (seteuid before socket()). */
static void other_user(void)
{
	int a, b;

	a = rp_listener("127.0.0.1", xt_port(0), 1);
	NEED(a >= 0);
	NEED_OK(seteuid(65534));
	b = xt_socket();
	if (b >= 0) {
		CHECK_OK(set_reuseport(b));
		CHECK_ERRNO(xt_bind(b, "127.0.0.1", xt_port(0)), EADDRINUSE);
		close(b);
	}
	CHECK(b >= 0);
	NEED_OK(seteuid(0));
	/* the same user may */
	b = rp_listener("127.0.0.1", xt_port(0), 1);
	CHECK(b >= 0);
	if (b >= 0)
		close(b);
	close(a);
}

/*
 * Closing a listener, the group's first (the one in the table) or not,
 * leaves the others taking every connection.
 */
static void close_one_listener(void)
{
	int l[3], got[3], i;

	for (i = 0; i < 3; i++) {
		l[i] = rp_listener("127.0.0.1", xt_port(0), 1);
		NEED(l[i] >= 0);
	}
	close(l[0]);
	CHECK(spread("127.0.0.1", xt_port(0), 32, l + 1, 2, got) == 32);
	CHECK(got[0] >= 1 && got[1] >= 1);
	close(l[2]);
	CHECK(spread("127.0.0.1", xt_port(0), 16, l + 1, 1, got) == 16);
	/* a new one joins the group of the survivor */
	l[0] = rp_listener("127.0.0.1", xt_port(0), 1);
	CHECK(l[0] >= 0);
	if (l[0] >= 0) {
		CHECK(spread("127.0.0.1", xt_port(0), 64, l, 2, got) == 64);
		CHECK(got[0] >= 1 && got[1] >= 1);
		close(l[0]);
	}
	close(l[1]);
	/* the group is gone: nothing listens */
	i = xt_socket();
	CHECK_ERRNO(xt_connect(i, "127.0.0.1", xt_port(0)), ECONNREFUSED);
	close(i);
}

/*
 * A server restarting: its connection outlives its listeners, and new
 * listeners with SO_REUSEPORT bind over it (children inherit the option,
 * as TCP's do).
 */
static void restart_over_connection(void)
{
	int l, c, a;

	l = rp_listener("127.0.0.1", xt_port(0), 1);
	NEED(l >= 0);
	c = xt_socket();
	NEED_OK(xt_connect(c, "127.0.0.1", xt_port(0)));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	CHECK(xt_getint(a, SOL_SOCKET, SO_REUSEPORT) == 1);
	close(l);
	l = rp_listener("127.0.0.1", xt_port(0), 1);
	CHECK(l >= 0);
	close(l);
	close(a);
	close(c);
}

/* SO_REUSEPORT itself where the kernel lets XTCP take it (6.5 on). */
static void sol_socket_option(void)
{
	struct utsname u;
	int fd = xt_socket(), one = 1, maj = 0, min = 0;

	NEED(fd >= 0);
	NEED_OK(uname(&u));
	NEED(sscanf(u.release, "%d.%d", &maj, &min) == 2);
	CHECK(xt_getint(fd, SOL_SOCKET, SO_REUSEPORT) == 0);
	if (maj > 6 || (maj == 6 && min >= 5))
		CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
				    sizeof(one)));
	else
		CHECK_OK(setsockopt(fd, SOL_XTCP, XTCP_REUSEPORT, &one,
				    sizeof(one)));
	CHECK(xt_getint(fd, SOL_SOCKET, SO_REUSEPORT) == 1);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_REUSEPORT) == 1);
	/* the other SOL_SOCKET options still reach the socket layer */
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	CHECK(xt_getint(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
	close(fd);
}

/* A group in a namespace that goes away with it (kmemleak checks). */
static void group_in_netns(void)
{
	int l[2], got[2], i;

	NEED_OK(xt_private_netns());
	for (i = 0; i < 2; i++) {
		l[i] = rp_listener("127.0.0.1", xt_port(0), 1);
		NEED(l[i] >= 0);
	}
	CHECK(spread("127.0.0.1", xt_port(0), 16, l, 2, got) == 16);
	/* exit closes them, and the namespace goes */
}

static const struct xt_test tests[] = {
	TEST(two_listeners_v4),
	TEST(four_listeners_v4),
	TEST(two_listeners_v6),
	TEST(four_listeners_v6_any),
	TEST(bind_without_option),
	TEST(other_user),
	TEST(close_one_listener),
	TEST(restart_over_connection),
	TEST(sol_socket_option),
	TEST(group_in_netns),
};

XT_MAIN("reuseport", tests)
