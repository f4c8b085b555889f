// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP ephemeral ports through real sockets: connections share a port
 * across remote ends, a connect/close loop outlives the port range
 * (TIME_WAIT entries of the same 4-tuple taken over on loopback, tw_reuse,
 * under tcp_twsk_unique()'s timestamp rule), and with tw_reuse 0 the range
 * does run out, with EADDRNOTAVAIL.  Each
 * test runs in a namespace of its own with a port range of 100 ports.
 * Needs xtcp.ko loaded; runs as root in a test guest.
 */
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>

#include "harness.h"
#include "xtcp_util.h"

#define RANGE_LO	50000
#define RANGE_HI	50099	/* 100 ephemeral ports */

static int set_range(int lo, int hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "w");

	if (!f)
		return -1;
	fprintf(f, "%d %d\n", lo, hi);
	return fclose(f);
}

static int listener(unsigned short port)
{
	int fd = xt_socket(), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    xt_bind(fd, "127.0.0.1", port) || listen(fd, 512))
		return -1;
	return fd;
}

/* One connection to @port through listener @l, the client closing first. */
static int connect_close(int l, unsigned short port)
{
	int c = xt_socket(), a, r;

	if (c < 0)
		return -1;
	r = xt_connect(c, "127.0.0.1", port);
	if (r) {
		int e = errno;

		close(c);
		errno = e;
		return -1;
	}
	a = accept(l, NULL, NULL);
	close(c);		/* the client's side goes to TIME_WAIT */
	if (a >= 0)
		close(a);
	return a < 0 ? -1 : 0;
}

/*
 * 100 connections held open to one server take every port; more to a
 * second server still connect, on ports the first ones use.
 */
static void ports_shared_across_remote_ends(void)
{
	int l1, l2, c1[RANGE_HI - RANGE_LO + 1], c2[50], i, shared = 0;
	const int n = RANGE_HI - RANGE_LO + 1;

	NEED_OK(xt_private_netns());
	NEED_OK(set_range(RANGE_LO, RANGE_HI));
	l1 = listener(xt_port(0));
	l2 = listener(xt_port(1));
	NEED(l1 >= 0 && l2 >= 0);
	for (i = 0; i < n; i++) {
		c1[i] = xt_socket();
		CHECK_OK(xt_connect(c1[i], "127.0.0.1", xt_port(0)));
	}
	/* the range is used up for this remote end */
	i = xt_socket();
	CHECK_ERRNO(xt_connect(i, "127.0.0.1", xt_port(0)), EADDRNOTAVAIL);
	close(i);
	for (i = 0; i < 50; i++) {
		int p, j;

		c2[i] = xt_socket();
		CHECK_OK(xt_connect(c2[i], "127.0.0.1", xt_port(1)));
		p = xt_local_port(c2[i]);
		CHECK(p >= RANGE_LO && p <= RANGE_HI);
		for (j = 0; j < n; j++)
			shared += xt_local_port(c1[j]) == p;
	}
	printf("# 100 connections to one port, 50 to another on %d shared ports\n",
	       shared);
	CHECK(shared == 50);
	/* bind() does not take a port connections share */
	i = xt_socket();
	CHECK_ERRNO(xt_bind(i, "127.0.0.1", xt_local_port(c2[0])), EADDRINUSE);
	close(i);
}

/*
 * Ten times the range of sequential connections, each closed by the
 * client first: its TIME_WAIT entries would hold every port for 2*MSL;
 * on loopback connect() takes them over (tw_reuse = 2).
 */
static void connect_loop_outlives_range(void)
{
	const int n = 10 * (RANGE_HI - RANGE_LO + 1);
	long reused0;
	int l, i, fails = 0, waits = 0;

	NEED_OK(xt_private_netns());
	NEED_OK(set_range(RANGE_LO, RANGE_HI));
	NEED_OK(xt_sysctl_set("msl_ms", 600000));
	l = listener(xt_port(0));
	NEED(l >= 0);
	reused0 = xt_stat("TimeWaitReused");
	NEED(reused0 >= 0);
	for (i = 0; i < n; i++) {
		int r, tries = 0;

		/*
		 * tcp_twsk_unique()'s rule: an entry is taken over only once
		 * the second its TS.Recent was set in is past, so a loop
		 * through 100 ports in less than a second waits, as TCP's would
		 */
		for (;;) {
			r = connect_close(l, xt_port(0));
			if (!r || errno != EADDRNOTAVAIL || ++tries > 30)
				break;
			waits++;
			usleep(100 * 1000);
		}
		if (r && !fails++)
			fprintf(stderr, "  connection %d: %s\n", i, strerror(errno));
	}
	printf("# %d connections through 100 ports: %d failed, %ld TIME_WAIT entries taken over, %d waits of 100 ms for a second to pass\n",
	       n, fails, xt_stat("TimeWaitReused") - reused0, waits);
	CHECK(fails == 0);
	CHECK(xt_stat("TimeWaitReused") - reused0 >= n - 100);
}

/* tw_reuse 0: the 101st connection finds every port in TIME_WAIT. */
static void tw_reuse_off_runs_out(void)
{
	int l, i, ok = 0;

	NEED_OK(xt_private_netns());
	NEED_OK(set_range(RANGE_LO, RANGE_HI));
	NEED_OK(xt_sysctl_set("msl_ms", 600000));
	NEED_OK(xt_sysctl_set("tw_reuse", 0));
	l = listener(xt_port(0));
	NEED(l >= 0);
	for (i = 0; i < 100; i++)
		ok += connect_close(l, xt_port(0)) == 0;
	CHECK(ok == 100);
	i = xt_socket();
	CHECK_ERRNO(xt_connect(i, "127.0.0.1", xt_port(0)), EADDRNOTAVAIL);
	close(i);
	/* another remote end still has every port */
	l = listener(xt_port(1));
	NEED(l >= 0);
	CHECK(connect_close(l, xt_port(1)) == 0);
}

/*
 * A socket bound to a port by hand, connecting to the 4-tuple a TIME_WAIT
 * entry holds: EADDRNOTAVAIL with tw_reuse 0 (it used to shadow the
 * entry), taken over on loopback with tw_reuse 2.
 */
static void bound_connect_meets_time_wait(void)
{
	int l, c, one = 1;
	unsigned short p;

	NEED_OK(xt_private_netns());
	NEED_OK(xt_sysctl_set("msl_ms", 600000));
	NEED_OK(xt_sysctl_set("tw_reuse", 0));
	l = listener(xt_port(0));
	NEED(l >= 0);
	c = xt_socket();
	NEED_OK(xt_connect(c, "127.0.0.1", xt_port(0)));
	p = xt_local_port(c);
	close(c);
	close(accept(l, NULL, NULL));
	NEED(xt_proc_row(p, xt_port(0), NULL) == -1);	/* only TIME_WAIT is left */
	c = xt_socket();
	NEED_OK(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	NEED_OK(xt_bind(c, "127.0.0.1", p));
	CHECK_ERRNO(xt_connect(c, "127.0.0.1", xt_port(0)), EADDRNOTAVAIL);
	close(c);
	CHECK_OK(xt_sysctl_set("tw_reuse", 2));
	/* tcp_twsk_unique(): once the second of its TS.Recent is past */
	usleep(1100 * 1000);
	c = xt_socket();
	NEED_OK(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	NEED_OK(xt_bind(c, "127.0.0.1", p));
	CHECK_OK(xt_connect(c, "127.0.0.1", xt_port(0)));
	CHECK(accept(l, NULL, NULL) >= 0);
}

/*
 * tcp_twsk_unique()'s rule: without timestamps PAWS cannot tell the old
 * connection's duplicates from the new one's segments, so tw_reuse does
 * not take such an entry over, however old.
 */
static void tw_reuse_needs_timestamps(void)
{
	int l, c, one = 1;
	unsigned short p;

	NEED_OK(xt_private_netns());
	NEED_OK(xt_sysctl_set("msl_ms", 600000));
	NEED_OK(xt_sysctl_set("tw_reuse", 2));
	NEED_OK(xt_sysctl_set("timestamps", 0));
	l = listener(xt_port(0));
	NEED(l >= 0);
	c = xt_socket();
	NEED_OK(xt_connect(c, "127.0.0.1", xt_port(0)));
	p = xt_local_port(c);
	close(c);
	close(accept(l, NULL, NULL));
	NEED(xt_proc_row(p, xt_port(0), NULL) == -1);	/* only TIME_WAIT is left */
	usleep(1100 * 1000);
	c = xt_socket();
	NEED_OK(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	NEED_OK(xt_bind(c, "127.0.0.1", p));
	CHECK_ERRNO(xt_connect(c, "127.0.0.1", xt_port(0)), EADDRNOTAVAIL);
	close(c);
}

static const struct xt_test tests[] = {
	TEST(ports_shared_across_remote_ends),
	TEST_T(connect_loop_outlives_range, 240),
	TEST(tw_reuse_off_runs_out),
	TEST(bound_connect_meets_time_wait),
	TEST(tw_reuse_needs_timestamps),
};

XT_MAIN("ports", tests)
