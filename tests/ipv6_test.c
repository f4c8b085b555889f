// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv6: struct sockaddr_xtcp6 (sockaddr_in6's layout, family
 * AF_XTCP) over ::1, dual-stack listeners and v4-mapped peer names,
 * XTCP_V6ONLY and IPV6_V6ONLY, the address rules TCP's errnos follow,
 * /proc/net/xtcp6 rows, TIME_WAIT and RSTs over IPv6.
 */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>

#include "harness.h"
#include "xtcp_util.h"

static struct sockaddr_in6 a6(const char *ip, unsigned short port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = xt_family();
	a.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

static int bind6(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in6 a = a6(ip, port);

	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

static int connect6(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in6 a = a6(ip, port);

	return connect(fd, (struct sockaddr *)&a, sizeof(a));
}

/* The port of a 28-byte name; -1 if the name is not one. */
static int name6(int fd, bool peer, char *ip, size_t iplen)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);
	int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
		       getsockname(fd, (struct sockaddr *)&a, &len);

	if (r || len != sizeof(a) || a.sin6_family != xt_family())
		return -1;
	if (ip)
		inet_ntop(AF_INET6, &a.sin6_addr, ip, iplen);
	return ntohs(a.sin6_port);
}

/* A listener on [@ip]:0 (v6only as given, -1: the default); its port. */
static int listener6(const char *ip, int v6only, int *port)
{
	int fd = xt_socket(), one = 1;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (v6only >= 0 && setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &v6only,
				       sizeof(v6only))) ||
	    bind6(fd, ip, 0) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	*port = name6(fd, false, NULL, 0);
	return fd;
}

/* bind, connect, accept, the names, data both ways, shutdown, close. */
static void loopback_v6_connection(void)
{
	char ip[64], buf[16];
	int l, c, a, port, cport;

	l = listener6("::1", -1, &port);
	NEED(l >= 0 && port > 0);
	c = xt_socket();
	NEED(c >= 0);
	CHECK_OK(connect6(c, "::1", port));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	cport = name6(c, false, ip, sizeof(ip));
	CHECK(cport > 0 && !strcmp(ip, "::1"));
	CHECK(name6(c, true, ip, sizeof(ip)) == port && !strcmp(ip, "::1"));
	CHECK(name6(a, false, ip, sizeof(ip)) == port && !strcmp(ip, "::1"));
	CHECK(name6(a, true, ip, sizeof(ip)) == cport && !strcmp(ip, "::1"));
	CHECK(send(c, "hello", 5, 0) == 5);
	CHECK(recv(a, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "hello", 5));
	CHECK(send(a, "world!", 6, 0) == 6);
	CHECK(recv(c, buf, sizeof(buf), 0) == 6 && !memcmp(buf, "world!", 6));
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	CHECK(send(a, "x", 1, 0) == 1);
	CHECK(recv(c, buf, sizeof(buf), 0) == 1);
	close(a);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	close(c);
	close(l);
}

/* 1 MiB from @c to @a, checked byte for byte; true if it all came. */
static bool transfer(int c, int a)
{
	static char out[1 << 20], in[1 << 20];
	size_t sent = 0, got = 0, i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + i / 251);
	fcntl(c, F_SETFL, O_NONBLOCK);
	while (got < sizeof(in)) {
		ssize_t n;

		if (sent < sizeof(out)) {
			n = send(c, out + sent, sizeof(out) - sent, MSG_DONTWAIT);
			if (n > 0)
				sent += n;
		}
		n = recv(a, in + got, sizeof(in) - got, MSG_DONTWAIT);
		if (n > 0)
			got += n;
		else if (n == 0 || errno != EAGAIN)
			break;
		else
			poll(NULL, 0, 1);
	}
	return got == sizeof(in) && !memcmp(in, out, sizeof(in));
}

/* 1 MiB over ::1. */
static void bulk_v6(void)
{
	int l, c, a, port;

	l = listener6("::1", -1, &port);
	NEED(l >= 0);
	c = xt_socket();
	NEED(c >= 0 && !connect6(c, "::1", port));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	CHECK(transfer(c, a));
	close(a);
	close(c);
	close(l);
}

/*
 * Over a veth pair between two namespaces (ya 2001:db8:79::1, yb ::2,
 * tests/run-guest-tests.sh): neighbour discovery, a real device's
 * checksum path, 1 MiB, and a RST from a closed port.
 */
static void veth_v6(void)
{
	int l, c, a, port;

	if (enter_netns("yb"))
		SKIP("no namespace yb (run-guest-tests.sh makes it)");
	l = listener6("2001:db8:79::2", -1, &port);
	NEED(l >= 0);
	NEED_OK(enter_netns("ya"));
	c = xt_socket();
	NEED(c >= 0);
	CHECK_OK(connect6(c, "2001:db8:79::2", port));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	CHECK(transfer(c, a));
	close(a);
	close(c);
	close(l);
	c = xt_socket();
	NEED(c >= 0);
	CHECK_ERRNO(connect6(c, "2001:db8:79::2", port), ECONNREFUSED);
	close(c);
}

/* A dual-stack listener on :: takes an IPv4 client: ::ffff:127.0.0.1. */
static void dual_stack_accepts_v4(void)
{
	struct sockaddr_in6 peer;
	socklen_t len = sizeof(peer);
	char ip[64];
	int l, c, a, port;

	l = listener6("::", 0, &port);
	NEED(l >= 0);
	c = xt_socket();
	NEED(c >= 0);
	CHECK_OK(xt_connect(c, "127.0.0.1", port));
	a = accept(l, (struct sockaddr *)&peer, &len);
	NEED(a >= 0);
	CHECK(len == sizeof(peer));
	inet_ntop(AF_INET6, &peer.sin6_addr, ip, sizeof(ip));
	CHECK(!strcmp(ip, "::ffff:127.0.0.1"));
	CHECK(ntohs(peer.sin6_port) == xt_local_port(c));
	CHECK(name6(a, false, ip, sizeof(ip)) == port &&
	      !strcmp(ip, "::ffff:127.0.0.1"));
	CHECK(send(c, "v4", 2, 0) == 2);
	CHECK(recv(a, ip, sizeof(ip), 0) == 2);
	/* the v4 client itself still sees 16-byte names */
	CHECK(xt_local_port(c) > 0);
	close(a);
	close(c);
	close(l);
}

/* V6ONLY (either level) makes the same listener refuse IPv4: RST. */
static void v6only_refuses_v4(void)
{
	int l, c, port, one = 1;

	l = xt_socket();
	NEED(l >= 0);
	CHECK_OK(setsockopt(l, SOL_XTCP, XTCP_V6ONLY, &one, sizeof(one)));
	CHECK(xt_getint(l, SOL_IPV6, IPV6_V6ONLY) == 1);
	CHECK(xt_getint(l, SOL_XTCP, XTCP_V6ONLY) == 1);
	NEED_OK(bind6(l, "::", 0));
	NEED_OK(listen(l, 4));
	port = name6(l, false, NULL, 0);
	/* too late once bound, as IPV6_V6ONLY is on TCP */
	CHECK_ERRNO(setsockopt(l, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)),
		    EINVAL);
	c = xt_socket();
	NEED(c >= 0);
	CHECK_ERRNO(xt_connect(c, "127.0.0.1", port), ECONNREFUSED);
	close(c);
	/* a v6-only socket may not bind or connect v4-mapped */
	c = xt_socket();
	NEED(c >= 0);
	CHECK_OK(setsockopt(c, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	CHECK_ERRNO(bind6(c, "::ffff:127.0.0.1", 0), EINVAL);
	CHECK_ERRNO(connect6(c, "::ffff:127.0.0.1", port), ENETUNREACH);
	close(c);
	/* and v6 still gets in */
	c = xt_socket();
	NEED(c >= 0);
	CHECK_OK(connect6(c, "::1", port));
	close(c);
	close(l);
}

/* A v4-mapped address on an IPv6 socket runs over IPv4, 28-byte names. */
static void v4_mapped_connect(void)
{
	char ip[64];
	int l, c, a, port;

	l = xt_listener("127.0.0.1", 0, 4);
	NEED(l >= 0);
	port = xt_local_port(l);
	c = xt_socket();
	NEED(c >= 0);
	CHECK_OK(connect6(c, "::ffff:127.0.0.1", port));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	CHECK(name6(c, true, ip, sizeof(ip)) == port &&
	      !strcmp(ip, "::ffff:127.0.0.1"));
	CHECK(name6(c, false, ip, sizeof(ip)) > 0 &&
	      !strcmp(ip, "::ffff:127.0.0.1"));
	/* the IPv4 side sees an IPv4 peer */
	CHECK(xt_local_port(a) == port);
	close(a);
	close(c);
	close(l);
}

/* The length and family rules, with the errnos TCP gives. */
static void address_rules(void)
{
	struct sockaddr_in6 v6 = a6("::1", 0);
	struct sockaddr_xtcp v4 = xt_addr("127.0.0.1", 0);
	char buf[4] = "abc";
	int fd = xt_socket(), l, port;

	NEED(fd >= 0);
	/* shorter than a sockaddr_xtcp: EINVAL; another family: EAFNOSUPPORT */
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&v6, 12), EINVAL);
	v6.sin6_family = AF_INET6;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&v6, sizeof(v6)), EAFNOSUPPORT);
	CHECK_ERRNO(connect(fd, (struct sockaddr *)&v6, sizeof(v6)),
		    EAFNOSUPPORT);
	v6.sin6_family = xt_family();
	/* a multicast address is no local one */
	CHECK_ERRNO(bind6(fd, "ff02::1", 0), EINVAL);
	/* an address this host does not have */
	CHECK_ERRNO(bind6(fd, "2001:db8::1", 0), EADDRNOTAVAIL);
	/* link-local needs an interface */
	CHECK_ERRNO(bind6(fd, "fe80::1", 0), EINVAL);
	/* RFC 2133's 24 bytes, without the scope id, are IPv6 too */
	CHECK_OK(bind(fd, (struct sockaddr *)&v6, 24));
	CHECK(name6(fd, false, NULL, 0) > 0);
	/* bound over IPv6: an IPv4-sized address is EINVAL (tcp_v6_connect) */
	CHECK_ERRNO(connect(fd, (struct sockaddr *)&v4, sizeof(v4)), EINVAL);
	close(fd);
	/* bound over IPv4: an IPv6 one is EAFNOSUPPORT, as TCP's v4 socket */
	fd = xt_socket();
	NEED(fd >= 0);
	NEED_OK(xt_bind(fd, "127.0.0.1", 0));
	CHECK_ERRNO(connect6(fd, "::1", 9), EAFNOSUPPORT);
	close(fd);
	/* connect to a multicast group: ENETUNREACH */
	fd = xt_socket();
	NEED(fd >= 0);
	CHECK_ERRNO(connect6(fd, "ff02::1", 9), ENETUNREACH);
	close(fd);
	/* sendto's address is ignored, as TCP ignores it, unless not ours */
	l = listener6("::1", -1, &port);
	NEED(l >= 0);
	fd = xt_socket();
	NEED(fd >= 0 && !connect6(fd, "::1", port));
	v6 = a6("::1", port);
	CHECK(sendto(fd, buf, 3, MSG_NOSIGNAL, (struct sockaddr *)&v6,
		     sizeof(v6)) == 3);
	v6.sin6_family = AF_INET6;
	CHECK_ERRNO(sendto(fd, buf, 3, MSG_NOSIGNAL, (struct sockaddr *)&v6,
			   sizeof(v6)), EAFNOSUPPORT);
	close(fd);
	close(l);
}

/* connect() to a closed port: the RST comes back over IPv6. */
static void rst_on_closed_v6_port(void)
{
	int fd = xt_socket(), l, port;

	NEED(fd >= 0);
	/* a port surely closed: one just let go */
	l = listener6("::1", -1, &port);
	NEED(l >= 0);
	close(l);
	CHECK_ERRNO(connect6(fd, "::1", port), ECONNREFUSED);
	close(fd);
}

/* Two v6 binds of one port conflict as TCP's; :: dual-stack takes v4's. */
static void bind_conflicts(void)
{
	int a = xt_socket(), b = xt_socket(), c = xt_socket(), port, one = 1;

	NEED(a >= 0 && b >= 0 && c >= 0);
	NEED_OK(bind6(a, "::", 0));
	port = name6(a, false, NULL, 0);
	CHECK_ERRNO(bind6(b, "::1", port), EADDRINUSE);
	/* :: without V6ONLY holds the IPv4 port too */
	CHECK_ERRNO(xt_bind(c, "127.0.0.1", port), EADDRINUSE);
	close(a);
	close(b);
	close(c);
	a = xt_socket();
	b = xt_socket();
	NEED(a >= 0 && b >= 0);
	NEED_OK(setsockopt(a, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	NEED_OK(bind6(a, "::", 0));
	port = name6(a, false, NULL, 0);
	/* a v6-only :: leaves IPv4 free */
	CHECK_OK(xt_bind(b, "0.0.0.0", port));
	close(a);
	close(b);
}

/* Is there a /proc/net/xtcp6 row with ports @lp, @rp in state @st? */
static bool proc6_row(int lp, int rp, unsigned int st, char *laddr)
{
	FILE *f = fopen("/proc/net/xtcp6", "r");
	unsigned int l, r, s;
	char line[512], la[40];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %32[0-9A-F]:%x %*32[0-9A-F]:%x %x", la,
			   &l, &r, &s) == 4 && (int)l == lp && (int)r == rp &&
		    s == st) {
			found = true;
			if (laddr)
				strcpy(laddr, la);
		}
	fclose(f);
	return found;
}

/* /proc/net/xtcp6 rows, as /proc/net/tcp6's; TIME_WAIT over IPv6. */
static void proc_rows_and_time_wait(void)
{
	char la[40];
	int l, c, a, port, cport;

	l = listener6("::1", -1, &port);
	NEED(l >= 0);
	CHECK(proc6_row(port, 0, 0x0A, la));
	CHECK(!strcmp(la, "00000000000000000000000001000000"));
	c = xt_socket();
	NEED(c >= 0 && !connect6(c, "::1", port));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	cport = name6(c, false, NULL, 0);
	CHECK(proc6_row(cport, port, 0x01, NULL));
	CHECK(proc6_row(port, cport, 0x01, NULL));
	/* not in the IPv4 file */
	CHECK(xt_proc_row(cport, port, NULL) < 0);
	/* the client closes first: its side goes to TIME_WAIT (06) */
	close(c);
	CHECK(poll(NULL, 0, 200) == 0);
	close(a);
	CHECK(poll(NULL, 0, 200) == 0);
	CHECK(proc6_row(cport, port, 0x06, NULL));
	/* TIME_WAIT holds the 4-tuple: a bind of its port needs SO_REUSEADDR */
	c = xt_socket();
	NEED(c >= 0);
	CHECK_ERRNO(bind6(c, "::1", cport), EADDRINUSE);
	close(c);
	close(l);
}

/* A counter of /proc/net/snmp6 ("Ip6InUnknownProtos"); -1 if absent. */
static long snmp6(const char *name)
{
	FILE *f = fopen("/proc/net/snmp6", "r");
	char key[64];
	long v = -1, n;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &n) == 2)
		if (!strcmp(key, name))
			v = n;
	fclose(f);
	return v;
}

/*
 * A segment the listener's socket filter drops: IPv6 takes a positive
 * return from a protocol handler as the next header to parse
 * (ip6_protocol_deliver_rcu()), so a handler that said "dropped" (1) had
 * the freed segment parsed again as ICMP: an unknown protocol, answered
 * with a parameter problem that ended the connect() in EPROTO.  Dropped
 * SYNs are just lost; once the filter goes, the retransmission connects.
 */
static void filter_drop_is_a_drop(void)
{
	struct sock_filter drop_all = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop_all };
	long unknown = snmp6("Ip6InUnknownProtos");
	int l, port, fd = xt_socket(), err = -1, zero = 0;
	socklen_t len = sizeof(err);
	struct pollfd p;

	NEED(fd >= 0 && unknown >= 0);
	l = listener6("::1", -1, &port);
	NEED(l >= 0);
	NEED_OK(setsockopt(l, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)));
	NEED_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	CHECK_ERRNO(connect6(fd, "::1", port), EINPROGRESS);
	/* the SYN and (RTO 1 s) its first retransmission are filtered out */
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	CHECK(poll(&p, 1, 1500) == 0);
	CHECK(!getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && err == 0);
	CHECK(snmp6("Ip6InUnknownProtos") == unknown);
	NEED_OK(setsockopt(l, SOL_SOCKET, SO_DETACH_FILTER, &zero, sizeof(zero)));
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	CHECK(poll(&p, 1, 10000) == 1 && p.revents == POLLOUT);
	CHECK(!getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && err == 0);
	close(fd);
	close(l);
}

static const struct xt_test tests[] = {
	TEST(loopback_v6_connection),
	TEST(bulk_v6),
	TEST(veth_v6),
	TEST(dual_stack_accepts_v4),
	TEST(v6only_refuses_v4),
	TEST(v4_mapped_connect),
	TEST(address_rules),
	TEST(rst_on_closed_v6_port),
	TEST(bind_conflicts),
	TEST(proc_rows_and_time_wait),
	TEST_T(filter_drop_is_a_drop, 30),
};

XT_MAIN("ipv6", tests)
