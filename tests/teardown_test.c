// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP teardown through real sockets: active and passive close, half-close
 * with data still flowing the other way, simultaneous close through
 * CLOSING, SO_LINGER, close with unread data, an orphan's FIN_WAIT_2
 * timeout, EPOLLRDHUP, shutdown(SHUT_RD).  The close side of RFC 9293
 * §3.10.4 and §3.10.7.4.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/tcp.h>

#include "harness.h"
#include "xtcp_util.h"

/* XTCP's own state numbers (xtcpi_xtcp_state) */
enum { S_CLOSED, S_LISTEN, S_SYN_SENT, S_SYN_RCVD, S_ESTAB, S_FIN_WAIT_1,
       S_FIN_WAIT_2, S_CLOSE_WAIT, S_CLOSING, S_LAST_ACK, S_TIME_WAIT };

static int xstate(int fd)
{
	struct xtcp_info i;
	socklen_t len = sizeof(i);

	if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &i, &len))
		return -1;
	return i.xtcpi_xtcp_state;
}

static int so_error(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err;
}

/* The st column of /proc/net/xtcp (xtcp6) for @lport (and @rport), or -1. */
static int proc_state(int lport, int rport)
{
	return xt_proc_row(lport, rport, NULL);
}

/* Wait up to @ms for @fd's XTCP state to become @want. */
static int wait_state(int fd, int want, int ms)
{
	long end = now_ms() + ms;

	while (xstate(fd) != want && now_ms() < end)
		usleep(2000);
	return xstate(fd) == want ? 0 : -1;
}

/* Wait up to @ms for the /proc/net/xtcp row's state to become @want. */
static int wait_proc_state(int lport, int rport, int want, int ms)
{
	long end = now_ms() + ms;

	while (proc_state(lport, rport) != want && now_ms() < end)
		usleep(2000);
	return proc_state(lport, rport) == want ? 0 : -1;
}

static int wait_proc_gone(int lport, int rport, int ms)
{
	long end = now_ms() + ms;

	while (proc_state(lport, rport) >= 0 && now_ms() < end)
		usleep(5000);
	return proc_state(lport, rport) >= 0 ? -1 : 0;
}

/*
 * Active close: the closer's FIN reaches the peer after the data; the
 * peer reads the data, then end of file, sits in CLOSE_WAIT, and its own
 * close ends both.  The closer finishes as an orphan.
 */
static void active_close(void)
{
	struct pollfd p;
	char buf[8];
	int c, a, cport, n = -1;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	CHECK(send(c, "abc", 3, 0) == 3);
	close(c);
	CHECK(wait_state(a, S_CLOSE_WAIT, 1000) == 0);
	/* the FIN takes a sequence number, not a byte to read */
	CHECK_OK(ioctl(a, FIONREAD, &n));
	CHECK(n == 3);
	CHECK(recv(a, buf, sizeof(buf), MSG_WAITALL) == 3);
	CHECK_OK(ioctl(a, FIONREAD, &n));
	CHECK(n == 0);
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	p.fd = a;
	p.events = POLLIN | POLLRDHUP | POLLOUT;
	CHECK(poll(&p, 1, 0) == 1);
	CHECK((p.revents & (POLLIN | POLLRDHUP)) == (POLLIN | POLLRDHUP));
	CHECK(!(p.revents & POLLHUP));
	CHECK(p.revents & POLLOUT);
	CHECK(xstate(a) == S_CLOSE_WAIT);
	/*
	 * the orphan waits for our FIN in FIN_WAIT_2 (TCP's 05), once our
	 * delayed ACK (40 ms) of its FIN has gone
	 */
	CHECK(wait_proc_state(cport, xt_port(0), 5, 1000) == 0);
	CHECK(proc_state(xt_port(0), cport) == 8);	/* CLOSE_WAIT */
	close(a);
	CHECK(wait_proc_gone(xt_port(0), cport, 2000) == 0);
	CHECK(wait_proc_gone(cport, xt_port(0), 2000) == 0);
}

/* Passive close from the client's view: the server closes first. */
static void passive_close(void)
{
	char buf[8];
	int c, a;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	CHECK(send(a, "xyz", 3, 0) == 3);
	close(a);
	CHECK(recv(c, buf, sizeof(buf), MSG_WAITALL) == 3);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(xstate(c) == S_CLOSE_WAIT);
	/* still ours to send in CLOSE_WAIT, but the peer is gone: RST */
	CHECK(send(c, "late", 4, MSG_NOSIGNAL) == 4);
	CHECK(wait_state(c, S_CLOSED, 2000) == 0);
	CHECK(so_error(c) == ECONNRESET);
	close(c);
}

/* Passive close all the way: CLOSE_WAIT -> LAST_ACK -> CLOSED. */
static void last_ack(void)
{
	char buf[8];
	int c, a, cport;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	CHECK_OK(shutdown(a, SHUT_WR));
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(wait_state(a, S_FIN_WAIT_2, 2000) == 0);
	CHECK_OK(shutdown(c, SHUT_WR));	/* CLOSE_WAIT -> LAST_ACK -> CLOSED */
	CHECK(wait_state(c, S_CLOSED, 2000) == 0);
	CHECK(so_error(c) == 0);
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	CHECK(xstate(a) == S_CLOSED);	/* TIME_WAIT is a minisock's */
	close(a);
	close(c);
	CHECK(wait_proc_gone(cport, xt_port(0), 2000) == 0);
}

struct flow {
	int fd;
	unsigned long bytes;
	unsigned long got;
	int bad;
};

static unsigned char pat(unsigned long i)
{
	return (unsigned char)(i * 131 + (i >> 9));
}

static void *reader(void *arg)
{
	struct flow *f = arg;
	unsigned char buf[8192];
	ssize_t n;

	while ((n = recv(f->fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pat(f->got + i))
				f->bad++;
		f->got += n;
	}
	if (n < 0)
		f->bad++;
	return NULL;
}

static int writer(int fd, unsigned long bytes)
{
	unsigned char buf[8192];
	unsigned long off = 0;

	while (off < bytes) {
		size_t n = bytes - off < sizeof(buf) ? bytes - off : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			buf[i] = pat(off + i);
		w = send(fd, buf, n, 0);
		if (w <= 0)
			return -1;
		off += w;
	}
	return 0;
}

/*
 * Half-close: shutdown(SHUT_WR) sends a FIN after the queued data; the
 * socket keeps receiving until the peer's FIN, and sending gives EPIPE.
 */
static void half_close(void)
{
	struct flow r = { 0 };
	pthread_t t;
	char buf[8];
	int c, a;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	CHECK(writer(c, 200000) == 0);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	/* the peer reads everything, then end of file */
	r.fd = a;
	reader(&r);
	CHECK(r.got == 200000 && r.bad == 0);
	CHECK(xstate(a) == S_CLOSE_WAIT);
	CHECK(wait_state(c, S_FIN_WAIT_2, 2000) == 0);
	/* data still flows the other way */
	r = (struct flow){ .fd = c };
	pthread_create(&t, NULL, reader, &r);
	CHECK(writer(a, 1 << 20) == 0);
	close(a);
	pthread_join(t, NULL);
	CHECK(r.got == 1 << 20);
	CHECK(r.bad == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(xstate(c) == S_CLOSED);
	close(c);
}

/*
 * Simultaneous close (RFC 9293 figure 13): both ends send FIN before
 * either arrives (100 ms each way between xa and xb), so both pass
 * through CLOSING to TIME_WAIT.
 */
static void simultaneous_close(void)
{
	const char *xb = xt_ip("10.77.0.2", "2001:db8:77::2");
	int l, c, a, one = 1, seen_c = 0, seen_a = 0;
	long end;
	char buf[4];

	NEED_OK(enter_netns("xb"));
	l = xt_socket();
	CHECK_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK_OK(xt_bind(l, xb, xt_port(0)));
	CHECK_OK(listen(l, 1));
	NEED_OK(enter_netns("xa"));
	c = xt_socket();
	CHECK_OK(xt_connect(c, xb, xt_port(0)));
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	close(l);
	usleep(300000);		/* the handshake's last ACK is in */
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_OK(shutdown(a, SHUT_WR));
	CHECK(xstate(c) == S_FIN_WAIT_1 && xstate(a) == S_FIN_WAIT_1);
	for (end = now_ms() + 1000; now_ms() < end;) {
		seen_c |= xstate(c) == S_CLOSING;
		seen_a |= xstate(a) == S_CLOSING;
		if (xstate(c) == S_CLOSED && xstate(a) == S_CLOSED)
			break;
		usleep(2000);
	}
	CHECK(seen_c && seen_a);
	CHECK(xstate(c) == S_CLOSED && xstate(a) == S_CLOSED);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	close(c);
	close(a);
}

/* SO_LINGER {1, 0}: close() aborts with RST and frees at once. */
static void linger_zero_aborts(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	long before = xt_stat("AbortOnLinger");
	char buf[4];
	int c, a, cport;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(c);
	CHECK(proc_state(cport, xt_port(0)) < 0);	/* gone at once */
	CHECK_ERRNO(recv(a, buf, sizeof(buf), 0), ECONNRESET);
	CHECK(xt_stat("AbortOnLinger") == before + 1);
	close(a);
}

/* close() with received data unread sends RST, as Linux does. */
static void close_unread_resets(void)
{
	long before = xt_stat("AbortOnClose");
	char buf[4];
	int c, a;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	CHECK(send(c, "unread", 6, 0) == 6);
	usleep(50000);
	close(a);
	usleep(50000);
	CHECK_ERRNO(recv(c, buf, sizeof(buf), 0), ECONNRESET);
	CHECK_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(xt_stat("AbortOnClose") == before + 1);
	close(c);
}

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "  `%s` exited %d\n", cmd, rc);
	return rc;
}

/*
 * SO_LINGER {1, N}: close() waits for the FIN's ACK, one round trip;
 * without it, close() returns at once.  The round trip is netem's delay
 * on a veth pair of our own (xla <-> xlb, 1000 ms each way): the window
 * must reject half and twice the round trip, and lingering for the whole
 * 5 s, with room for the guests' lateness (XT_LATE_MS); the rig's 200 ms
 * is far too short for that.  rto_init_ms 5000 keeps the SYNs from being
 * resent across the 2 s path.
 */
#define LINGER_DELAY_MS	1000
#define LINGER_RTT_MS	(2 * LINGER_DELAY_MS)

static void linger_waits_for_ack(void)
{
	/*
	 * v4-mapped in a v6 run: over 2001:db8:82::/64 this test passed in
	 * the stock guest (2209 ms) but hung past its 60 s in the debug
	 * guest (2026-12-06, not yet understood)
	 */
	const char *lb = "10.82.0.2";
	struct linger lg = { .l_onoff = 1, .l_linger = 5 };
	int l, c, a, c2, a2, one = 1;
	long t0, quick, waited;

	/* none left from an earlier run, normally: quietly */
	if (system("ip netns del xla 2>/dev/null; ip netns del xlb 2>/dev/null") < 0)
		perror("system");
	NEED(sh("ip netns add xla && ip netns add xlb && "
		"ip link add vla netns xla type veth peer name vlb netns xlb && "
		"ip -n xla addr add 10.82.0.1/24 dev vla && "
		"ip -n xlb addr add 10.82.0.2/24 dev vlb && "
		"ip -n xla link set vla up && ip -n xlb link set vlb up && "
		"ip netns exec xla tc qdisc add dev vla root netem delay 1000ms && "
		"ip netns exec xlb tc qdisc add dev vlb root netem delay 1000ms") == 0);
	NEED_OK(enter_netns("xlb"));
	NEED_OK(xt_sysctl_set("rto_init_ms", 5000));
	l = xt_socket();
	CHECK_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	NEED_OK(xt_bind(l, lb, xt_port(0)));
	NEED_OK(listen(l, 2));
	NEED_OK(enter_netns("xla"));
	NEED_OK(xt_sysctl_set("rto_init_ms", 5000));
	c = xt_socket();
	c2 = xt_socket();
	NEED_OK(xt_connect(c, lb, xt_port(0)));
	NEED_OK(xt_connect(c2, lb, xt_port(0)));
	/* both handshakes complete: the last ACKs have arrived */
	a = accept(l, NULL, NULL);
	a2 = accept(l, NULL, NULL);
	NEED(a >= 0 && a2 >= 0);
	t0 = now_ms();
	close(c2);
	quick = now_ms() - t0;
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	t0 = now_ms();
	close(c);
	waited = now_ms() - t0;
	printf("# close: %ld ms without SO_LINGER, %ld ms with {1, 5} (round trip %d ms)\n",
	       quick, waited, LINGER_RTT_MS);
	CHECK(quick < 100);
	/*
	 * One round trip through netem (never less), plus the guest's
	 * lateness.  Measured: stock 2002..2029 ms (4 runs), debug
	 * 2015..2116 (4 runs); a stall of the debug guest once made it one
	 * round trip late (2025 ms for a 1000 ms round trip), hence 2 s.
	 */
	CHECK_MS(waited, LINGER_RTT_MS - 1, LINGER_RTT_MS + XT_LATE_MS);
	close(a);
	close(a2);
	close(l);
	sh("ip netns del xla; ip netns del xlb");
}

/*
 * /proc/net/xtcp's (or xtcp6's) tr, tm->when (ms) and rto (ms) columns of
 * the row (@lport, @rport), as /proc/net/tcp (clock_t, USER_HZ 100); -1 if none.
 */
static int proc_timer(int lport, int rport, unsigned int *tr, long *when_ms,
		      long *rto_ms)
{
	FILE *f = fopen(xt_proc_path(), "r");
	unsigned int lp, rp, st, t;
	unsigned long when, rto;
	char line[512];
	int r = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %*x:%x %*x:%x %x %*x:%*x %x:%lx %*x %*u %*d %*u %*d %*s %lu",
			   &lp, &rp, &st, &t, &when, &rto) != 6)
			continue;
		if ((int)lp == lport && (int)rp == rport && st != 6) {
			r = st;
			*tr = t;
			*when_ms = when * 10;
			*rto_ms = rto * 10;
			break;
		}
	}
	fclose(f);
	return r;
}

static unsigned int rto_ms(int fd)
{
	struct xtcp_info i = { 0 };
	socklen_t len = sizeof(i);

	getsockopt(fd, SOL_XTCP, XTCP_INFO, &i, &len);
	return i.xtcpi_rto / 1000;
}

/*
 * An orphan's FIN_WAIT_2 runs a timer of its own, which /proc/net/xtcp
 * shows as TCP's (tr 2, the keepalive timer, for fin_timeout_ms); the RTO
 * stays the connection's.  A half-closed socket (not an orphan) waits
 * without one.  Ended by the peer's FIN: quick.
 */
static void fin_wait2_proc(void)
{
	long when, rto, fin = 60000;
	int c, a, cport;
	unsigned int tr, rto0;

	NEED(xt_private_netns() == 0);
	NEED_OK(xt_sysctl_set("fin_timeout_ms", fin));
	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK(wait_state(c, S_FIN_WAIT_2, 1000) == 0);
	rto0 = rto_ms(c);
	CHECK(rto0 > 0 && rto0 < fin);
	CHECK(proc_timer(cport, xt_port(0), &tr, &when, &rto) == 5);
	CHECK(tr == 0);
	CHECK(labs(rto - (long)rto0) <= 10);
	close(c);
	CHECK(proc_timer(cport, xt_port(0), &tr, &when, &rto) == 5);
	printf("# orphan FIN_WAIT_2: tr %u when %ld ms rto %ld ms (was %u)\n",
	       tr, when, rto, rto0);
	CHECK(tr == 2);
	CHECK(when > fin - 10000 && when <= fin);
	CHECK(labs(rto - (long)rto0) <= 10);
	/* the peer's FIN ends it: TIME_WAIT, no timer left on a socket */
	close(a);
	CHECK(wait_proc_gone(cport, xt_port(0), 2000) == 0);
}

/*
 * An orphan in FIN_WAIT_2 gives up after fin_timeout_ms with a RST.  The
 * timer starts when our FIN is acknowledged, on loopback by the peer's
 * delayed ACK (40 ms: it does not close); it is an hrtimer (never early).
 * 2000 ms, in a namespace of our own: the window must reject 1000 and
 * 4000 ms with room for the guests' lateness.
 */
#define FIN_TIMEOUT_MS	2000

static void fin_wait2_timeout(void)
{
	int c, a, cport;
	long before, t0, dt;
	unsigned int tr = 0;

	NEED(xt_private_netns() == 0);
	NEED_OK(xt_sysctl_set("fin_timeout_ms", FIN_TIMEOUT_MS));
	before = xt_stat("FinWait2Timeouts");
	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	t0 = now_ms();
	close(c);
	CHECK(wait_state(a, S_CLOSE_WAIT, 1000) == 0);
	CHECK(wait_proc_state(cport, xt_port(0), 5, 1000) == 0);
	/* its own timer (tr 2), not the retransmission timer's (tr 1) */
	CHECK(xt_proc_row(cport, xt_port(0), &tr) == 5 && tr == 2);
	CHECK(wait_proc_gone(cport, xt_port(0), 3 * FIN_TIMEOUT_MS) == 0);
	dt = now_ms() - t0;
	printf("# orphan FIN_WAIT_2 gone after %ld ms (fin_timeout_ms %d)\n",
	       dt, FIN_TIMEOUT_MS);
	/*
	 * the poll above looks every 5 ms; measured: stock 2004..2043 ms
	 * (4 runs), debug 2035..2277 (4 runs)
	 */
	CHECK_MS(dt, FIN_TIMEOUT_MS - 1, FIN_TIMEOUT_MS + XT_LATE_MS);
	CHECK(xt_stat("FinWait2Timeouts") == before + 1);
	/* its RST ended our CLOSE_WAIT */
	CHECK(wait_state(a, S_CLOSED, 1000) == 0);
	CHECK(so_error(a) == ECONNRESET);
	close(a);
}

/* Edge-triggered epoll sees the peer's FIN as EPOLLIN | EPOLLRDHUP. */
static void epoll_rdhup(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET };
	int c, a, ep = epoll_create1(0);

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev));
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK(epoll_wait(ep, &ev, 1, 2000) == 1);
	CHECK((ev.events & (EPOLLIN | EPOLLRDHUP)) == (EPOLLIN | EPOLLRDHUP));
	CHECK(!(ev.events & EPOLLHUP));
	close(c);
	close(a);
	close(ep);
}

/* shutdown(SHUT_RD): recv() returns 0; SHUT_RDWR also sends a FIN. */
static void shutdown_rd(void)
{
	struct pollfd p;
	char buf[4];
	int c, a;

	NEED_OK(xt_pair(xt_port(0), &c, &a));
	CHECK_OK(shutdown(a, SHUT_RD));
	CHECK(recv(a, buf, sizeof(buf), 0) == 0);
	CHECK(xstate(a) == S_ESTAB);
	p.fd = a;
	p.events = POLLIN | POLLRDHUP;
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLRDHUP));
	CHECK_OK(shutdown(c, SHUT_RDWR));
	CHECK(xstate(c) == S_FIN_WAIT_1 || xstate(c) == S_FIN_WAIT_2);
	CHECK(wait_state(a, S_CLOSE_WAIT, 1000) == 0);
	p.fd = c;
	p.events = POLLIN | POLLOUT;
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));
	close(c);
	close(a);
}

/* A listener's shutdown(SHUT_RD) stops it; connects are then refused. */
static void shutdown_listener(void)
{
	int l = xt_socket(), c = xt_socket();

	CHECK_OK(xt_bind(l, "127.0.0.1", xt_port(0)));
	CHECK_OK(listen(l, 4));
	CHECK_OK(shutdown(l, SHUT_RD));
	CHECK(xstate(l) == S_CLOSED);
	CHECK_ERRNO(xt_connect(c, "127.0.0.1", xt_port(0)), ECONNREFUSED);
	CHECK_ERRNO(accept(l, NULL, NULL), EINVAL);
	close(c);
	close(l);
}

static const struct xt_test tests[] = {
	TEST(active_close),
	TEST(passive_close),
	TEST(last_ack),
	TEST(half_close),
	TEST(simultaneous_close),
	TEST(linger_zero_aborts),
	TEST(close_unread_resets),
	TEST(linger_waits_for_ack),
	TEST(fin_wait2_proc),
	TEST(fin_wait2_timeout),
	TEST(epoll_rdhup),
	TEST(shutdown_rd),
	TEST(shutdown_listener),
};

XT_MAIN("teardown", tests)
