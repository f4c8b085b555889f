// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP's TCP-like socket options that programs set on servers and clients:
 * XTCP_SYNCNT, XTCP_LINGER2, XTCP_DEFER_ACCEPT, XTCP_WINDOW_CLAMP,
 * XTCP_NOTSENT_LOWAT and XTCP_QUICKACK, their values and errors as
 * do_tcp_setsockopt()/do_tcp_getsockopt() give them, and what each does.
 * Needs xtcp.ko loaded; runs as root in a test guest.
 */
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>

#include "harness.h"
#include "xtcp_util.h"

static int setint(int fd, int name, int val)
{
	return setsockopt(fd, SOL_XTCP, name, &val, sizeof(val));
}

static int info(int fd, struct xtcp_info *i)
{
	socklen_t len = sizeof(*i);

	return getsockopt(fd, SOL_XTCP, XTCP_INFO, i, &len);
}

/* Values and errors, as TCP's. */
static void values(void)
{
	int fd;

	/* the defaults of a new namespace: another test may have set ours */
	NEED_OK(xt_private_netns());
	fd = xt_socket();
	NEED(fd >= 0);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_SYNCNT) == 6);	/* syn_retries */
	CHECK_ERRNO(setint(fd, XTCP_SYNCNT, 0), EINVAL);
	CHECK_ERRNO(setint(fd, XTCP_SYNCNT, 128), EINVAL);
	CHECK_OK(setint(fd, XTCP_SYNCNT, 3));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_SYNCNT) == 3);

	CHECK(xt_getint(fd, SOL_XTCP, XTCP_LINGER2) == 60);	/* fin_timeout */
	CHECK_OK(setint(fd, XTCP_LINGER2, -5));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_LINGER2) == -1);
	CHECK_OK(setint(fd, XTCP_LINGER2, 500));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_LINGER2) == 120);	/* the most */
	CHECK_OK(setint(fd, XTCP_LINGER2, 0));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_LINGER2) == 60);

	/* seconds, rounded up to SYN,ACK tries: 1 + 2 + 4 covers 5 */
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_DEFER_ACCEPT) == 0);
	CHECK_OK(setint(fd, XTCP_DEFER_ACCEPT, 5));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_DEFER_ACCEPT) == 7);
	CHECK_OK(setint(fd, XTCP_DEFER_ACCEPT, -1));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_DEFER_ACCEPT) == 0);

	CHECK(xt_getint(fd, SOL_XTCP, XTCP_WINDOW_CLAMP) == 0);
	CHECK_ERRNO(setint(fd, XTCP_WINDOW_CLAMP, -1), EINVAL);
	CHECK_OK(setint(fd, XTCP_WINDOW_CLAMP, 100));	/* SOCK_MIN_RCVBUF / 2 */
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_WINDOW_CLAMP) > 1000);
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_WINDOW_CLAMP) < 2048);
	CHECK_OK(setint(fd, XTCP_WINDOW_CLAMP, 0));	/* closed: allowed */

	CHECK(xt_getint(fd, SOL_XTCP, XTCP_NOTSENT_LOWAT) == 0);
	CHECK_OK(setint(fd, XTCP_NOTSENT_LOWAT, 4096));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_NOTSENT_LOWAT) == 4096);

	CHECK(xt_getint(fd, SOL_XTCP, XTCP_QUICKACK) == 1);
	CHECK_OK(setint(fd, XTCP_QUICKACK, 0));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_QUICKACK) == 0);
	CHECK_OK(setint(fd, XTCP_QUICKACK, 1));
	CHECK(xt_getint(fd, SOL_XTCP, XTCP_QUICKACK) == 1);
	close(fd);
}

/* @dev's packets sent, from this namespace's /proc/net/dev; -1 if absent. */
static long tx_packets(const char *dev)
{
	char line[512], name[64];
	long rx[8], tx = -1;
	FILE *f = fopen("/proc/net/dev", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || sscanf(line, " %63[^:]", name) != 1 ||
		    strcmp(name, dev))
			continue;
		if (sscanf(colon + 1, "%ld %ld %ld %ld %ld %ld %ld %ld %*d %ld",
			   &rx[0], &rx[1], &rx[2], &rx[3], &rx[4], &rx[5],
			   &rx[6], &rx[7], &tx) != 9)
			tx = -1;
	}
	fclose(f);
	return tx;
}

/*
 * XTCP_SYNCNT 1 against a peer that never answers (a veth pair whose
 * far end has no address drops what it gets): the SYN and one retransmission, then ETIMEDOUT
 * (3 s), not syn_retries' 6 (127 s).
 */
static void syncnt_limits_syn_retries(void)
{
	struct pollfd p;
	int fd, err = 0;
	socklen_t len = sizeof(err);
	long before;

	NEED_OK(xt_private_netns());
	/* the other end of a veth pair, no address there: it drops them */
	NEED(system("sysctl -qw net.ipv6.conf.default.disable_ipv6=1 && "
		    "ip link add xtd0 type veth peer name xtd1 && "
		    "ip addr add 10.77.0.1/24 dev xtd0 && "
		    "ip link set xtd0 up && ip link set xtd1 up && "
		    "ip neigh add 10.77.0.2 lladdr 02:00:00:00:77:02 "
		    "nud permanent dev xtd0") == 0);
	before = tx_packets("xtd0");
	NEED(before >= 0);
	fd = xt_socket();
	NEED(fd >= 0);
	NEED_OK(setint(fd, XTCP_SYNCNT, 1));
	NEED_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	CHECK_ERRNO(xt_connect(fd, "10.77.0.2", 80), EINPROGRESS);
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	CHECK(poll(&p, 1, 30000) == 1);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK(err == ETIMEDOUT);
	fprintf(stderr, "  segments out: %ld\n", tx_packets("xtd0") - before);
	CHECK(tx_packets("xtd0") - before == 2);
	close(fd);
}

/*
 * XTCP_LINGER2 1: an orphan in FIN_WAIT_2 (the peer never closes) ends
 * after 1 s instead of fin_timeout's 60.
 */
static void linger2_shortens_fin_wait2(void)
{
	int c, a, lport, i, st = -1;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	NEED_OK(setint(c, XTCP_LINGER2, 1));
	lport = xt_local_port(c);
	close(c);
	for (i = 0; i < 50; i++) {
		st = xt_proc_row(lport, xt_port(0), NULL);
		if (st == -1)
			break;
		usleep(200000);
	}
	fprintf(stderr, "  after %d ms: state %d\n", i * 200, st);
	CHECK(st == -1);
	close(a);
}

/*
 * XTCP_DEFER_ACCEPT: the handshake's bare ACK does not make the
 * connection acceptable; its first data does.
 */
static void defer_accept_waits_for_data(void)
{
	struct pollfd p;
	int l, c, a;
	char b = 0;

	l = xt_socket();
	NEED(l >= 0);
	NEED_OK(setint(l, XTCP_DEFER_ACCEPT, 5));
	NEED_OK(xt_bind(l, "127.0.0.1", xt_port(0)));
	NEED_OK(listen(l, 4));
	c = xt_socket();
	NEED_OK(xt_connect(c, "127.0.0.1", xt_port(0)));
	p = (struct pollfd){ .fd = l, .events = POLLIN };
	CHECK(poll(&p, 1, 1500) == 0);	/* the SYN,ACK went once meanwhile */
	CHECK(write(c, "x", 1) == 1);
	CHECK(poll(&p, 1, 5000) == 1);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	if (a >= 0) {
		CHECK(read(a, &b, 1) == 1 && b == 'x');
		close(a);
	}
	close(c);
	close(l);
}

/*
 * XTCP_WINDOW_CLAMP 8192 on the listener (its children inherit it): the
 * client sees no larger window, before and after data.
 */
static void window_clamp_caps_window(void)
{
	struct xtcp_info i;
	char buf[4096] = { 0 };
	int l, c, a;

	l = xt_socket();
	NEED(l >= 0);
	NEED_OK(setint(l, XTCP_WINDOW_CLAMP, 8192));
	NEED_OK(xt_bind(l, "127.0.0.1", xt_port(0)));
	NEED_OK(listen(l, 4));
	c = xt_socket();
	NEED_OK(xt_connect(c, "127.0.0.1", xt_port(0)));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	CHECK(xt_getint(a, SOL_XTCP, XTCP_WINDOW_CLAMP) == 8192);
	NEED_OK(info(c, &i));
	fprintf(stderr, "  window %u\n", i.xtcpi_snd_wnd);
	CHECK(i.xtcpi_snd_wnd > 0 && i.xtcpi_snd_wnd <= 8192);
	CHECK(write(c, buf, sizeof(buf)) == sizeof(buf));
	CHECK(read(a, buf, sizeof(buf)) > 0);
	CHECK(write(c, buf, 100) == 100);
	CHECK(read(a, buf, sizeof(buf)) > 0);
	NEED_OK(info(c, &i));
	fprintf(stderr, "  window %u\n", i.xtcpi_snd_wnd);
	/* with window scaling, up to one unit over (a kept edge) */
	CHECK(i.xtcpi_snd_wnd <= 8192 + (1u << i.xtcpi_rcv_wscale));
	CHECK_ERRNO(setint(a, XTCP_WINDOW_CLAMP, 0), EINVAL);
	close(a);
	close(c);
	close(l);
}

/*
 * XTCP_NOTSENT_LOWAT 16 KiB: with 64 KiB queued behind a small window,
 * the socket is not writable though its buffer has room; it is again
 * once the reader drained the data.
 */
static void notsent_lowat_gates_pollout(void)
{
	static char buf[65536];
	int c, a, big = 1 << 20, n, got = 0;
	struct pollfd p;

	NEED_OK(xt_pair_opts("127.0.0.1", xt_port(0), 4096, 0, &c, &a));
	NEED_OK(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)));
	NEED_OK(fcntl(c, F_SETFL, O_NONBLOCK));
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	CHECK(poll(&p, 1, 0) == 1);
	NEED_OK(setint(c, XTCP_NOTSENT_LOWAT, 16384));
	n = write(c, buf, sizeof(buf));
	CHECK(n > 16384 + 8192);
	usleep(200000);	/* what the window lets through is out */
	CHECK(poll(&p, 1, 0) == 0);
	/* without the mark the buffer's room makes it writable */
	NEED_OK(setint(c, XTCP_NOTSENT_LOWAT, 0));
	CHECK(poll(&p, 1, 0) == 1);
	NEED_OK(setint(c, XTCP_NOTSENT_LOWAT, 16384));
	CHECK(poll(&p, 1, 0) == 0);
	while (got < n) {
		int r = read(a, buf, sizeof(buf));

		if (r <= 0)
			break;
		got += r;
	}
	CHECK(got == n);
	CHECK(poll(&p, 1, 5000) == 1);
	close(a);
	close(c);
}

/*
 * XTCP_QUICKACK 1 on the receiver: a small segment is ACKed at once (the
 * ACK is out when the reader wakes: the receive path held the socket),
 * not after the delayed-ACK timer.
 */
static void quickack_acks_at_once(void)
{
	struct xtcp_info before, after;
	struct pollfd p;
	int c, a, k, quick = 0;
	char b[16];

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	NEED_OK(setint(c, XTCP_NODELAY, 1));
	for (k = 0; k < 4; k++) {
		NEED_OK(setint(a, XTCP_QUICKACK, 1));
		NEED_OK(info(a, &before));
		NEED(write(c, "abc", 3) == 3);
		p = (struct pollfd){ .fd = a, .events = POLLIN };
		NEED(poll(&p, 1, 5000) == 1);
		NEED_OK(info(a, &after));
		quick += after.xtcpi_segs_out == before.xtcpi_segs_out + 1;
		NEED(read(a, b, sizeof(b)) == 3);
		usleep(100000);		/* any delayed ACK is out */
	}
	fprintf(stderr, "  ACKed at once: %d of 4\n", quick);
	CHECK(quick == 4);
	close(a);
	close(c);
}

static const struct xt_test tests[] = {
	TEST(values),
	TEST(syncnt_limits_syn_retries),
	TEST(linger2_shortens_fin_wait2),
	TEST(defer_accept_waits_for_data),
	TEST(window_clamp_caps_window),
	TEST(notsent_lowat_gates_pollout),
	TEST(quickack_acks_at_once),
};

XT_MAIN("sockopt2", tests)
