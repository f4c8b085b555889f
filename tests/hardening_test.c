// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP hardening (issue 11) through real sockets: what a user's calls must
 * not be able to do to the module.  Each test makes its own namespace.
 * The packet-level side (a hostile peer) is hostile_test.py.
 */
#include <limits.h>
#include <pthread.h>
#include <sys/socket.h>

#include "harness.h"
#include "xtcp_util.h"

#define HT_PORT		7100

static int ht_listener(unsigned short port, int reuse)
{
	int fd = xt_socket();

	if (fd < 0)
		return -1;
	if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse,
				sizeof(reuse)))
		goto fail;
	if (xt_bind(fd, "127.0.0.1", port) || listen(fd, 16))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* bind(2) of a fresh socket to 127.0.0.1:@port, SO_REUSEADDR if @reuse. */
static int try_bind(unsigned short port, int reuse, int *fdp)
{
	int fd = xt_socket(), r, e;

	if (fd < 0)
		return -1;
	if (reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	r = xt_bind(fd, "127.0.0.1", port);
	e = errno;
	if (r || !fdp)
		close(fd);
	else
		*fdp = fd;
	errno = e;
	return r;
}

/*
 * Issue 11 #11: an accepted connection holds its listener's port, as on
 * TCP: once the listener is closed, bind() to the port without
 * SO_REUSEADDR fails with EADDRINUSE while the connection lives; with
 * SO_REUSEADDR on both the listener and the new socket, bind() and listen()
 * succeed (the connection does not listen); when the connection is gone
 * the port is free.
 */
static void accepted_holds_port(void)
{
	int l, c, a, fd = -1, i, r = -1;
	char b;

	NEED_OK(xt_private_netns());
	l = ht_listener(HT_PORT, 0);
	NEED(l >= 0);
	c = xt_socket();
	NEED(c >= 0);
	NEED_OK(xt_connect(c, "127.0.0.1", HT_PORT));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	close(l);

	CHECK_ERRNO(try_bind(HT_PORT, 0, NULL), EADDRINUSE);
	CHECK_ERRNO(try_bind(HT_PORT, 1, NULL), EADDRINUSE);

	/* the client closes first (its TIME_WAIT), the accepted side follows */
	close(c);
	CHECK(recv(a, &b, 1, 0) == 0);
	close(a);
	for (i = 0; i < 100 && r; i++) {
		r = try_bind(HT_PORT, 0, &fd);
		if (r)
			usleep(20000);
	}
	CHECK(r == 0);
	if (fd >= 0) {
		CHECK_OK(listen(fd, 1));
		close(fd);
	}

	/* SO_REUSEADDR on both: the port may be shared with the connection */
	l = ht_listener(HT_PORT + 1, 1);
	NEED(l >= 0);
	c = xt_socket();
	NEED(c >= 0);
	NEED_OK(xt_connect(c, "127.0.0.1", HT_PORT + 1));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	close(l);
	CHECK_ERRNO(try_bind(HT_PORT + 1, 0, NULL), EADDRINUSE);
	fd = -1;
	CHECK_OK(try_bind(HT_PORT + 1, 1, &fd));
	if (fd >= 0) {
		CHECK_OK(listen(fd, 1));
		close(fd);
	}
	close(c);
	close(a);
}

struct ht_sender {
	int fd;
	size_t len;
};

static void *ht_send_all(void *arg)
{
	struct ht_sender *s = arg;
	static char buf[65536];
	size_t sent = 0;

	memset(buf, 'x', sizeof(buf));
	while (sent < s->len) {
		ssize_t n = send(s->fd, buf, sizeof(buf) < s->len - sent ?
				 sizeof(buf) : s->len - sent, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		sent += n;
	}
	return NULL;
}

/*
 * Issue 11 #12: SO_RCVBUFFORCE to the largest value the core allows
 * (INT_MAX / 2 doubled): twice the receive buffer must not overflow into a
 * negative limit that drops every segment.  4 MB must arrive.
 */
static void rcvbuf_force_max(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int l, c, a, big = INT_MAX;
	size_t want = 4 << 20, got = 0;
	struct ht_sender s;
	pthread_t th;
	char buf[65536];
	socklen_t len = sizeof(big);

	NEED_OK(xt_private_netns());
	l = ht_listener(HT_PORT, 0);
	NEED(l >= 0);
	NEED_OK(setsockopt(l, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)));
	NEED_OK(getsockopt(l, SOL_SOCKET, SO_RCVBUF, &big, &len));
	fprintf(stderr, "  SO_RCVBUF after SO_RCVBUFFORCE INT_MAX: %d\n", big);
	c = xt_socket();
	NEED(c >= 0);
	NEED_OK(xt_connect(c, "127.0.0.1", HT_PORT));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	NEED_OK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	s.fd = c;
	s.len = want;
	NEED(pthread_create(&th, NULL, ht_send_all, &s) == 0);
	while (got < want) {
		ssize_t n = recv(a, buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		got += n;
	}
	fprintf(stderr, "  received %zu of %zu bytes\n", got, want);
	CHECK(got == want);
	shutdown(c, SHUT_RDWR);
	close(a);
	pthread_join(th, NULL);
	close(c);
	close(l);
}

static const struct xt_test tests[] = {
	TEST(accepted_holds_port),
	TEST_T(rcvbuf_force_max, 90),
};

XT_MAIN("hardening", tests)
