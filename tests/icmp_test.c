// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP and ICMP (issue 11 #8) through a router: three namespaces,
 *
 *   <p>a 10.85.1.1 --veth-- 10.85.1.254 <p>r 10.85.2.254 --veth-- 10.85.2.2 <p>b
 *                                                                 10.85.2.3
 *
 * <p>r forwards, and its routes make the errors: "unreachable" and
 * "prohibit" routes, no route at all, a route with a smaller MTU.  Each
 * test makes its own three (its prefix <p>), so that no path MTU learned
 * by one reaches another, and deletes them at the end.  The packet-level
 * side (quoted sequence numbers, RFC 6069's timing) is hostile_pkt_test.py.
 */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include "harness.h"
#include "xtcp_util.h"

#define IT_PORT		xt_port(0)
#define IT_A		xt_ip("10.85.1.1", "2001:db8:85:1::1")
#define IT_B		xt_ip("10.85.2.2", "2001:db8:85:2::2")
#define IT_B2		xt_ip("10.85.2.3", "2001:db8:85:2::3")

static int sh(const char *fmt, const char *p)
{
	char cmd[1024];
	int rc;

	snprintf(cmd, sizeof(cmd), fmt, p, p, p, p, p, p, p, p, p, p, p, p);
	rc = system(cmd);
	if (rc)
		fprintf(stderr, "  `%s` exited %d\n", cmd, rc);
	return rc;
}

/* Write @val to /proc/sys/@path in namespace @ns (in-process: no ip netns exec). */
static int ns_sysctl(const char *ns, const char *path, const char *val)
{
	char file[128];
	FILE *f;

	if (enter_netns(ns))
		return -1;
	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	f = fopen(file, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n", val);
	return fclose(f);
}

static char it_prefix[8];

static void topo_down(void)
{
	if (sh("ip netns del %sa 2>/dev/null; ip netns del %sr 2>/dev/null; "
	       "ip netns del %sb 2>/dev/null; true", it_prefix))
		perror("system");
}

/* The three namespaces for prefix @p; the caller is left in <p>a. */
static void topo_up(const char *p)
{
	char ns[16];

	snprintf(it_prefix, sizeof(it_prefix), "%s", p);
	topo_down();
	NEED(sh("ip netns add %sa && ip netns add %sr && ip netns add %sb && "
		"ip link add %sa0 netns %sa type veth peer name %sr0 netns %sr && "
		"ip link add %sr1 netns %sr type veth peer name %sb0 netns %sb",
		p) == 0);
	/* and the same over IPv6: 2001:db8:85:1::/64 <r> 2001:db8:85:2::/64 */
	NEED(sh("ip -n %sa addr add 2001:db8:85:1::1/64 dev %sa0 nodad && "
		"ip -n %sr addr add 2001:db8:85:1::fe/64 dev %sr0 nodad && "
		"ip -n %sr addr add 2001:db8:85:2::fe/64 dev %sr1 nodad && "
		"ip -n %sb addr add 2001:db8:85:2::2/64 dev %sb0 nodad && "
		"ip -n %sb addr add 2001:db8:85:2::3/64 dev %sb0 nodad", p) == 0);
	NEED(sh("ip -n %sa addr add 10.85.1.1/24 dev %sa0 && "
		"ip -n %sr addr add 10.85.1.254/24 dev %sr0 && "
		"ip -n %sr addr add 10.85.2.254/24 dev %sr1 && "
		"ip -n %sb addr add 10.85.2.2/24 dev %sb0", p) == 0);
	NEED(sh("ip -n %sb addr add 10.85.2.3/24 dev %sb0 && "
		"ip -n %sa link set %sa0 up && ip -n %sa link set lo up && "
		"ip -n %sr link set %sr0 up && ip -n %sr link set %sr1 up", p) == 0);
	NEED(sh("ip -n %sb link set %sb0 up && ip -n %sb link set lo up && "
		"ip -n %sa route add default via 10.85.1.254 && "
		"ip -n %sb route add default via 10.85.2.254", p) == 0);
	NEED(sh("ip -n %sa -6 route add default via 2001:db8:85:1::fe && "
		"ip -n %sb -6 route add default via 2001:db8:85:2::fe", p) == 0);
	snprintf(ns, sizeof(ns), "%sr", p);
	NEED_OK(ns_sysctl(ns, "net/ipv4/ip_forward", "1"));
	NEED_OK(ns_sysctl(ns, "net/ipv6/conf/all/forwarding", "1"));
	snprintf(ns, sizeof(ns), "%sa", p);
	NEED_OK(enter_netns(ns));
	atexit(topo_down);
}

static void in_ns(const char *suffix)
{
	char ns[16];

	snprintf(ns, sizeof(ns), "%s%s", it_prefix, suffix);
	NEED_OK(enter_netns(ns));
}

static struct xtcp_info it_info(int fd)
{
	struct xtcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len))
		fprintf(stderr, "  XTCP_INFO: %s\n", strerror(errno));
	return info;
}

/* A connection from <p>a to @ip:@port in <p>b: *c the client, *s accepted. */
static void it_pair(const char *ip, unsigned short port, int *c, int *s)
{
	int l;

	in_ns("b");
	l = xt_listener(ip, port, 8);
	NEED(l >= 0);
	in_ns("a");
	*c = xt_socket();
	NEED(*c >= 0);
	NEED_OK(xt_connect(*c, ip, port));
	*s = accept(l, NULL, NULL);
	NEED(*s >= 0);
	close(l);
}

/* connect() from @src to @ip: the errno and how long it took. */
static int connect_errno(const char *src, const char *ip, long *ms)
{
	struct timeval tv = { .tv_sec = 5 };
	long t0;
	int fd = xt_socket(), e;

	*ms = 0;
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (xt_bind(fd, src, 0)) {
		close(fd);
		return -1;
	}
	t0 = now_ms();
	e = xt_connect(fd, ip, IT_PORT) ? errno : 0;
	*ms = now_ms() - t0;
	close(fd);
	return e;
}

/*
 * SYN_SENT ends at the router's first error with its errno, instead of
 * after every SYN retry (~127 s; 5 s of SO_SNDTIMEO on the old module):
 * an "unreachable" route (host unreachable: EHOSTUNREACH), a "prohibit"
 * one (administratively filtered: EHOSTUNREACH), no route at all
 * (network unreachable: ENETUNREACH).  The router limits its errors per
 * destination (ip_error(), icmp_ratelimit: about one a second after a
 * burst of two or three), so each attempt comes from an address of its own.
 */
static void unreachable_connect(void)
{
	static const struct {
		const char *src, *ip;
		int err;
		const char *why;
	} c4[] = {
		{ "10.85.1.1", "10.86.1.1", EHOSTUNREACH, "unreachable route" },
		{ "10.85.1.2", "10.86.2.1", EHOSTUNREACH, "prohibit route" },
		{ "10.85.1.3", "10.87.0.1", ENETUNREACH, "no route" },
	}, c6[] = {
		/*
		 * ICMPv6's codes (RFC 4443 §3.1) as icmpv6_err_convert()
		 * reads them: the router sends "no route" for an
		 * "unreachable" route and for none (ENETUNREACH),
		 * "administratively prohibited" for "prohibit" (EACCES)
		 */
		{ "2001:db8:85:1::1", "2001:db8:86:1::1", ENETUNREACH,
		  "unreachable route" },
		{ "2001:db8:85:1::2", "2001:db8:86:2::1", EACCES,
		  "prohibit route" },
		{ "2001:db8:85:1::3", "2001:db8:87::1", ENETUNREACH, "no route" },
	}, *c;
	long fails, ms = 0;
	unsigned int i;
	int e;

	c = xt_v6() ? c6 : c4;

	topo_up("iu");
	NEED(sh("ip -n %sr route add unreachable 10.86.1.0/24 && "
		"ip -n %sr route add prohibit 10.86.2.0/24 && "
		"ip -n %sa addr add 10.85.1.2/24 dev %sa0 && "
		"ip -n %sa addr add 10.85.1.3/24 dev %sa0", it_prefix) == 0);
	NEED(sh("ip -n %sr -6 route add unreachable 2001:db8:86:1::/64 && "
		"ip -n %sr -6 route add prohibit 2001:db8:86:2::/64 && "
		"ip -n %sa addr add 2001:db8:85:1::2/64 dev %sa0 nodad && "
		"ip -n %sa addr add 2001:db8:85:1::3/64 dev %sa0 nodad",
		it_prefix) == 0);
	fails = xt_stat("AttemptFails");
	for (i = 0; i < sizeof(c4) / sizeof(c4[0]); i++) {
		e = connect_errno(c[i].src, c[i].ip, &ms);
		fprintf(stderr, "  %s (%s): %s after %ld ms\n", c[i].ip, c[i].why,
			strerror(e), ms);
		CHECK(e == c[i].err);
		CHECK_MS(ms, 0, 1000 + XT_LATE_MS);
	}
	CHECK(xt_stat("AttemptFails") - fails == 3);
}

static int wait_pollerr(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLERR);
}

/*
 * Errors in a synchronized state are soft (RFC 1122 §4.2.3.9).  With
 * IP_RECVERR the router's host unreachable is reported at once (POLLERR,
 * then recv() fails with EHOSTUNREACH) and the connection goes on: once
 * the route is back, the data arrives.  Without it, nothing is reported
 * while the connection retries; when it times out (retries2 3), the error
 * is EHOSTUNREACH, not ETIMEDOUT (over IPv6: ENETUNREACH, ICMPv6's "no
 * route" that an unreachable route answers).
 */
static void recverr_soft(void)
{
	/* ICMPv6's "no route" for an unreachable route (icmpv6_err_convert()) */
	const int unreach = xt_v6() ? ENETUNREACH : EHOSTUNREACH;
	struct timeval tv = { .tv_sec = 20 };
	int c1, s1, c2, s2, on = 1, v = 0;
	socklen_t len = sizeof(v);
	char buf[64];
	long t0;
	ssize_t n;

	topo_up("ie");
	it_pair(IT_B, IT_PORT, &c1, &s1);
	it_pair(IT_B, IT_PORT + 1, &c2, &s2);
	NEED_OK(setsockopt(c2, SOL_IP, IP_RECVERR, &on, sizeof(on)));
	NEED_OK(getsockopt(c2, SOL_IP, IP_RECVERR, &v, &len));
	CHECK(v == 1);
	NEED(sh(xt_v6() ? "ip -n %sr -6 route add unreachable 2001:db8:85:2::2/128" :
		"ip -n %sr route add unreachable 10.85.2.2/32", it_prefix) == 0);

	/* IP_RECVERR: at once, and the connection survives */
	NEED(send(c2, "0123456789", 10, 0) == 10);
	CHECK(wait_pollerr(c2, 3000));
	CHECK_ERRNO(recv(c2, buf, sizeof(buf), MSG_DONTWAIT), unreach);
	CHECK(it_info(c2).xtcpi_xtcp_state == 4);	/* ESTABLISHED */
	NEED(sh(xt_v6() ? "ip -n %sr -6 route del unreachable 2001:db8:85:2::2/128" :
		"ip -n %sr route del unreachable 10.85.2.2/32", it_prefix) == 0);
	NEED_OK(setsockopt(s2, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	n = recv(s2, buf, sizeof(buf), MSG_WAITALL);
	CHECK(n == 10 && !memcmp(buf, "0123456789", 10));
	close(c2);
	close(s2);

	/*
	 * without it: soft, then the timeout's error (retries2 only now: with
	 * an RTO of 200 ms, three retransmissions end the first connection
	 * before a slow guest has its route back)
	 */
	NEED_OK(xt_sysctl_set("retries2", 3));
	NEED(sh(xt_v6() ? "ip -n %sr -6 route add unreachable 2001:db8:85:2::2/128" :
		"ip -n %sr route add unreachable 10.85.2.2/32", it_prefix) == 0);
	t0 = now_ms();
	NEED(send(c1, "abc", 3, 0) == 3);
	CHECK(!wait_pollerr(c1, 300));
	CHECK(it_info(c1).xtcpi_xtcp_state == 4);
	NEED_OK(setsockopt(c1, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_ERRNO(recv(c1, buf, sizeof(buf), 0), unreach);
	fprintf(stderr, "  ended %ld ms after the send\n", now_ms() - t0);
	CHECK(it_info(c1).xtcpi_xtcp_state == 0);	/* CLOSED */
	close(c1);
	close(s1);
}

struct it_bulk {
	int fd;
	size_t len;
	size_t done;
};

static unsigned char it_byte(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 11));
}

static void *it_send(void *arg)
{
	struct it_bulk *b = arg;
	unsigned char buf[16384];

	while (b->done < b->len) {
		size_t k, chunk = b->len - b->done < sizeof(buf) ?
				  b->len - b->done : sizeof(buf);
		ssize_t n;

		for (k = 0; k < chunk; k++)
			buf[k] = it_byte(b->done + k);
		n = send(b->fd, buf, chunk, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		b->done += n;
	}
	return NULL;
}

/* Send @len bytes on @c, receive them on @s: the bytes that came right. */
static size_t it_transfer(int c, int s, size_t len)
{
	struct timeval tv = { .tv_sec = 20 };
	struct it_bulk b = { .fd = c, .len = len };
	unsigned char buf[16384];
	size_t got = 0, bad = 0;
	pthread_t th;

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (pthread_create(&th, NULL, it_send, &b))
		return 0;
	while (got < len) {
		ssize_t n = recv(s, buf, sizeof(buf), 0), k;

		if (n <= 0)
			break;
		for (k = 0; k < n; k++)
			if (buf[k] != it_byte(got + k))
				bad++;
		got += n;
	}
	pthread_join(th, NULL);
	fprintf(stderr, "  %zu of %zu bytes received, %zu wrong\n", got, len, bad);
	return bad ? 0 : got;
}

/*
 * Path MTU discovery: the router's route to <p>b has MTU 1200, both ends
 * say MSS 1460.  Our segments carry DF (IP_PMTUDISC_WANT by default), the
 * router answers "fragmentation needed", and the sender's MSS drops to
 * 1160: 2 MB arrive, every byte right, IP_MTU says 1200.  With
 * IP_PMTUDISC_DONT (to the second address, with its own MTU-1200 route)
 * the router fragments instead: the MSS stays 1460, the bytes still right.
 */
static void pmtu_bulk(void)
{
	/*
	 * IPv6 (RFC 8201): the router's route has MTU 1280 (IPv6's least),
	 * it answers "packet too big", and the MSS drops from 1500 - 60 to
	 * 1280 - 60; routers never fragment IPv6, so IP_PMTUDISC_DONT's
	 * half is IPv4's alone
	 */
	const unsigned int mtu = xt_v6() ? 1280 : 1200, hdrs = xt_v6() ? 60 : 40;
	size_t len = 2 << 20;
	int c, s, v, dont = IP_PMTUDISC_DONT;
	socklen_t vl = sizeof(v);
	struct xtcp_info ci;

	topo_up("ip");
	NEED(sh("ip -n %sr route add 10.85.2.2/32 dev %sr1 mtu 1200 && "
		"ip -n %sr route add 10.85.2.3/32 dev %sr1 mtu 1200", it_prefix) == 0);
	NEED(sh("ip -n %sr -6 route add 2001:db8:85:2::2/128 dev %sr1 mtu 1280",
		it_prefix) == 0);
	it_pair(IT_B, IT_PORT, &c, &s);
	ci = it_info(c);
	fprintf(stderr, "  MSS before: %u\n", ci.xtcpi_snd_mss);
	/* less the timestamps option's 12 bytes, on by default (RFC 7323) */
	NEED(ci.xtcpi_snd_mss == 1500 - hdrs - 12);
	NEED_OK(getsockopt(c, SOL_IP, IP_MTU_DISCOVER, &v, &vl));
	CHECK(v == IP_PMTUDISC_WANT);
	CHECK(it_transfer(c, s, len) == len);
	ci = it_info(c);
	fprintf(stderr, "  MSS after: %u, %u retransmitted\n", ci.xtcpi_snd_mss,
		ci.xtcpi_total_retrans);
	CHECK(ci.xtcpi_snd_mss == mtu - hdrs - 12);
	vl = sizeof(v);
	CHECK_OK(getsockopt(c, SOL_IP, IP_MTU, &v, &vl));
	fprintf(stderr, "  IP_MTU: %d\n", v);
	CHECK(v == (int)mtu);
	close(c);
	close(s);
	if (xt_v6())
		return;

	in_ns("b");
	v = xt_listener(IT_B2, IT_PORT, 8);
	NEED(v >= 0);
	in_ns("a");
	c = xt_socket();
	NEED(c >= 0);
	NEED_OK(setsockopt(c, SOL_IP, IP_MTU_DISCOVER, &dont, sizeof(dont)));
	NEED_OK(xt_connect(c, IT_B2, IT_PORT));
	s = accept(v, NULL, NULL);
	NEED(s >= 0);
	close(v);
	CHECK(it_transfer(c, s, len / 8) == len / 8);
	ci = it_info(c);
	fprintf(stderr, "  IP_PMTUDISC_DONT: MSS %u\n", ci.xtcpi_snd_mss);
	CHECK(ci.xtcpi_snd_mss == 1460 - 12);
	close(c);
	close(s);
}

/*
 * IP_MTU_DISCOVER starts as inet_create() sets it: "want" (DF), or
 * "don't" when net.ipv4.ip_no_pmtu_disc is set; it takes what TCP's
 * takes; other SOL_IP options are not ours.
 */
static void pmtudisc_default(void)
{
	int fd, v = -1, bad = 9;
	socklen_t len = sizeof(v);
	FILE *f;

	XT_V4_ONLY("IP_MTU_DISCOVER's default follows net.ipv4.ip_no_pmtu_disc");
	NEED_OK(xt_private_netns());
	fd = xt_socket();
	NEED(fd >= 0);
	CHECK_OK(getsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &v, &len));
	CHECK(v == IP_PMTUDISC_WANT);
	CHECK_ERRNO(setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &bad, sizeof(bad)),
		    EINVAL);
	v = IP_PMTUDISC_DO;
	CHECK_OK(setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &v, sizeof(v)));
	len = sizeof(v);
	CHECK_OK(getsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &v, &len));
	CHECK(v == IP_PMTUDISC_DO);
	/* not connected: no route, no MTU */
	CHECK_ERRNO(getsockopt(fd, SOL_IP, IP_MTU, &v, &len), ENOTCONN);
	CHECK_ERRNO(setsockopt(fd, SOL_IP, IP_MULTICAST_TTL, &v, sizeof(v)),
		    ENOPROTOOPT);
	close(fd);

	f = fopen("/proc/sys/net/ipv4/ip_no_pmtu_disc", "w");
	NEED(f);
	fprintf(f, "1\n");
	NEED(fclose(f) == 0);
	fd = xt_socket();
	NEED(fd >= 0);
	len = sizeof(v);
	CHECK_OK(getsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &v, &len));
	CHECK(v == IP_PMTUDISC_DONT);
	close(fd);
}

static const struct xt_test tests[] = {
	TEST(pmtudisc_default),
	TEST_T(unreachable_connect, 60),
	TEST_T(recverr_soft, 180),
	TEST_T(pmtu_bulk, 120),
};

XT_MAIN("icmp", tests)
