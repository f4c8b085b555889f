/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by XTCP's user-space tests and tools. */
#ifndef XTCP_UTIL_H
#define XTCP_UTIL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/xtcp.h>

/*
 * The most a jiffies-based timeout (SO_RCVTIMEO, SO_SNDTIMEO) may end
 * before its time as now_ms() sees it: one tick (HZ >= 100) and the
 * truncation to milliseconds.  Timeouts on hrtimers are never early, but
 * now_ms() truncates: allow them 1 ms.
 */
#define XT_TICK_MS	11

/*
 * How late a timer may be seen in the guests, for the upper bounds of
 * timing checks.  Measured over ten timing checks, both guests, on a
 * host shared with other guests and a kernel build: usually late by
 * 1..150 ms (stock at most 182, debug 282), but a TCG guest stalls now
 * and then: the debug guest's clocksource watchdog reported a 1.1 s gap,
 * and a linger wait came 1025 ms late.  Timers checked with it are 2 s or
 * longer (1.4 s for syn_timeout), so that the window still rejects twice
 * the time.
 */
#define XT_LATE_MS	1200

/*
 * The 6.12 debug guest (KASAN, lockdep, kmemleak under TCG): a connection
 * costs it ~20-30 ms, so the tests that make thousands make fewer there.
 */
static inline int on_debug_kernel(void)
{
	const char *k = getenv("XTCP_KERNEL");

	return k && !strcmp(k, "debug");
}

static inline long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Switch to the network namespace /run/netns/NAME; -1 if it is absent. */
static inline int enter_netns(const char *name)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	r = setns(fd, CLONE_NEWNET);
	close(fd);
	return r;
}

/* The family the loaded module registered (its family= parameter). */
static inline int xt_family(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/family", "r");
	int fam = AF_XTCP;

	if (f) {
		if (fscanf(f, "%d", &fam) != 1)
			fam = AF_XTCP;
		fclose(f);
	}
	return fam;
}

static inline struct sockaddr_xtcp xt_addr(const char *ip, unsigned short port)
{
	struct sockaddr_xtcp a;

	memset(&a, 0, sizeof(a));
	a.sxtcp_family = xt_family();
	a.sxtcp_port = htons(port);
	inet_pton(AF_INET, ip, &a.sxtcp_addr);
	return a;
}

/*
 * XT_FAMILY=6 (or XTCP_TEST_FAMILY=6, as the packet tests take it) makes
 * the helpers below speak IPv6 (struct sockaddr_xtcp6): 127.0.0.1 becomes
 * ::1, 0.0.0.0 ::, and any other IPv4 address its v4-mapped form; an
 * address with a colon is IPv6 either way.  The harness then reports the
 * program's group as "PROG6".
 */
static inline int xt_v6(void)
{
	static int v6 = -1;

	if (v6 < 0) {
		const char *e = getenv("XT_FAMILY");

		if (!e || !*e)
			e = getenv("XTCP_TEST_FAMILY");
		v6 = e && !strcmp(e, "6");
	}
	return v6;
}

/* @v4 or @v6, by the helpers' family: a test's own addresses. */
static inline const char *xt_ip(const char *v4, const char *v6)
{
	return xt_v6() ? v6 : v4;
}

/* The loopback address in the helpers' family. */
static inline const char *xt_loopback(void)
{
	return xt_ip("127.0.0.1", "::1");
}

/* /proc/net/xtcp, or /proc/net/xtcp6 in a v6 run. */
static inline const char *xt_proc_path(void)
{
	return xt_v6() ? "/proc/net/xtcp6" : "/proc/net/xtcp";
}

union xt_sockaddr {
	struct sockaddr		sa;
	struct sockaddr_xtcp	v4;
	struct sockaddr_xtcp6	v6;
};

/* @ip:@port in the helpers' family; its length. */
static inline socklen_t xt_sockaddr(const char *ip, unsigned short port,
				    union xt_sockaddr *u)
{
	char mapped[64];

	memset(u, 0, sizeof(*u));
	if (!xt_v6() && !strchr(ip, ':')) {
		u->v4 = xt_addr(ip, port);
		return sizeof(u->v4);
	}
	u->v6.sxtcp6_family = xt_family();
	u->v6.sxtcp6_port = htons(port);
	if (!strcmp(ip, "127.0.0.1"))
		ip = "::1";
	else if (!strcmp(ip, "0.0.0.0"))
		ip = "::";
	else if (!strchr(ip, ':')) {
		snprintf(mapped, sizeof(mapped), "::ffff:%s", ip);
		ip = mapped;
	}
	inet_pton(AF_INET6, ip, u->v6.sxtcp6_addr);
	return sizeof(u->v6);
}

static inline int xt_socket(void)
{
	return socket(xt_family(), SOCK_STREAM, 0);
}

static inline int xt_bind(int fd, const char *ip, unsigned short port)
{
	union xt_sockaddr u;
	socklen_t len = xt_sockaddr(ip, port, &u);

	return bind(fd, &u.sa, len);
}

/* The local port of @fd (either shape of name), or -1. */
static inline int xt_local_port(int fd)
{
	union xt_sockaddr u;
	socklen_t len = sizeof(u);

	if (getsockname(fd, &u.sa, &len))
		return -1;
	if (len == sizeof(u.v4))
		return ntohs(u.v4.sxtcp_port);
	if (len == sizeof(u.v6))
		return ntohs(u.v6.sxtcp6_port);
	return -1;
}

static inline int xt_connect(int fd, const char *ip, unsigned short port)
{
	union xt_sockaddr u;
	socklen_t len = xt_sockaddr(ip, port, &u);

	return connect(fd, &u.sa, len);
}

/* An int socket option of @fd; -12345 if getsockopt() fails. */
static inline int xt_getint(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -12345;

	if (getsockopt(fd, level, name, &v, &len) || len != sizeof(int))
		return -12345;
	return v;
}

/* A listener on @ip:@port (0: an ephemeral port), or -1. */
static inline int xt_listener(const char *ip, unsigned short port, int backlog)
{
	int fd = xt_socket();

	if (fd < 0)
		return -1;
	if (xt_bind(fd, ip, port) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A connected pair to @ip:@port (0: an ephemeral port): *c the client, *a
 * the accepted side, the listener closed.  The listener has SO_REUSEADDR,
 * so that a port an earlier test's connection left in TIME_WAIT serves
 * again, as a TCP server's does; @rcvbuf (SO_RCVBUF on the listener, so
 * on *a) and @mss (XTCP_MAXSEG on the client, which the server then may
 * not exceed) unless 0.  0, or -1 with nothing left open.
 */
static inline int xt_pair_opts(const char *ip, unsigned short port, int rcvbuf,
			       int mss, int *c, int *a)
{
	int one = 1, l = xt_socket();

	*c = xt_socket();
	*a = -1;
	if (l < 0 || *c < 0)
		goto fail;
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (rcvbuf && setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				  sizeof(rcvbuf))) ||
	    (mss && setsockopt(*c, SOL_XTCP, XTCP_MAXSEG, &mss, sizeof(mss))))
		goto fail;
	if (xt_bind(l, ip, port) || listen(l, 4))
		goto fail;
	port = xt_local_port(l);
	if (xt_connect(*c, ip, port))
		goto fail;
	*a = accept(l, NULL, NULL);
	if (*a < 0)
		goto fail;
	close(l);
	return 0;
fail:
	if (l >= 0)
		close(l);
	if (*c >= 0)
		close(*c);
	*c = -1;
	return -1;
}

/*
 * Ports for the tests, instead of hand-picked numbers: test i of program
 * XT_PROG_INDEX (its place among tests/Makefile's TESTS) owns
 * XT_PORTS_PER_TEST ports of its own, xt_port(0) .. xt_port(15), from
 * XT_PORT_BASE on, so that no two tests, forked one after the other or
 * in different programs, meet on a port (a TIME_WAIT entry left behind
 * holds its port).  All below the ephemeral ranges: the runner's (50000
 * up) and a new namespace's (32768 up).  Where a test needs no fixed
 * port, port 0 (an ephemeral one) and getsockname() do as well.
 */
#ifdef XTCP_HARNESS_H		/* a program on the harness */
#ifndef XT_PROG_INDEX
#define XT_PROG_INDEX		0
#endif
#define XT_PORT_BASE		20000
#define XT_PORTS_PER_TEST	16
#define XT_TESTS_PER_PROG	32
/* Linux's default ip_local_port_range starts here (a new namespace's) */
#define XT_PORT_END		32768

static inline unsigned short xt_port(int k)
{
	if (k < 0 || k >= XT_PORTS_PER_TEST ||
	    xt_test_index >= XT_TESTS_PER_PROG ||
	    XT_PROG_INDEX >= (XT_PORT_END - XT_PORT_BASE) /
			     (XT_PORTS_PER_TEST * XT_TESTS_PER_PROG)) {
		fprintf(stderr, "  xt_port(%d): out of ports (test %d)\n", k,
			xt_test_index);
		abort();
	}
	return XT_PORT_BASE +
	       (XT_PROG_INDEX * XT_TESTS_PER_PROG + xt_test_index) *
	       XT_PORTS_PER_TEST + k;
}

/* End the test as skipped in a v6 run: it is about IPv4 (@why). */
#define XT_V4_ONLY(why) do {						\
	if (xt_v6())							\
		SKIP("IPv4 only: " why);				\
} while (0)
#endif

static inline int xt_pair_on(const char *ip, unsigned short port, int *c,
			     int *a)
{
	return xt_pair_opts(ip, port, 0, 0, c, a);
}

/* A connected pair over loopback. */
static inline int xt_pair(unsigned short port, int *c, int *a)
{
	return xt_pair_opts("127.0.0.1", port, 0, 0, c, a);
}

/* Write /proc/sys/net/xtcp/@name (this namespace's); 0 or -1. */
static inline int xt_sysctl_set(const char *name, long val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", val);
	return fclose(f);
}

/* A namespace of our own with lo up: its sysctls, counters and entries. */
static inline int xt_private_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return system("ip link set lo up");
}

/* A counter from /proc/net/xtcp_stats, -1 if absent. */
static inline long xt_stat(const char *name)
{
	FILE *f = fopen("/proc/net/xtcp_stats", "r");
	char key[64];
	long v, r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			r = v;
	fclose(f);
	return r;
}

/*
 * The st and tr columns of /proc/net/xtcp's (xtcp6's) first socket row for local
 * port @lport and remote port @rport (TIME_WAIT rows excluded); -1 if none.
 */
static inline int xt_proc_row(int lport, int rport, unsigned int *tr)
{
	FILE *f = fopen(xt_proc_path(), "r");
	unsigned int lp, rp, st, t;
	char line[512];
	int r = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* /proc/net/xtcp6's addresses are 32 hex digits */
		if (sscanf(line, " %*d: %*x:%x %*x:%x %x %*x:%*x %x", &lp, &rp,
			   &st, &t) != 4)
			continue;
		if ((int)lp == lport && (int)rp == rport && st != 6) {
			r = st;
			if (tr)
				*tr = t;
			break;
		}
	}
	fclose(f);
	return r;
}

#endif /* XTCP_UTIL_H */
