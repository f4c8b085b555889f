// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP hardening (issue 11) through real sockets: what a user's calls must
 * not be able to do to the module.  Each test makes its own namespace.
 * The packet-level side (a hostile peer) is hostile_test.py.
 */
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

static const struct xt_test tests[] = {
	TEST(accepted_holds_port),
};

XT_MAIN("hardening", tests)
