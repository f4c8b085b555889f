// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP hardening (issue 11) through real sockets: what a user's calls must
 * not be able to do to the module.  Each test makes its own namespace.
 * The packet-level side (a hostile peer) is hostile_pkt_test.py.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "harness.h"
#include "xtcp_util.h"

#define HT_PORT		xt_port(0)

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

/* /proc/net/protocols' XTCP row: the memory column, in pages; -1 if none. */
static long proto_pages(char *press, size_t n)
{
	FILE *f = fopen("/proc/net/protocols", "r");
	char line[512], name[32], pr[8];
	long size, socks, mem, r = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %ld %ld %ld %7s", name, &size, &socks,
			   &mem, pr) == 5 && !strcmp(name, "XTCP")) {
			r = mem;
			snprintf(press, n, "%s", pr);
		}
	fclose(f);
	return r;
}

/* A /proc/meminfo field, kB; -1 if absent. */
static long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char key[64];
	long v, r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld kB", key, &v) == 2)
		if (!strncmp(key, field, strlen(field)) && key[strlen(field)] == ':')
			r = v;
	fclose(f);
	return r;
}

/* 250 on the debug kernel, where each connection costs 20-100 ms */
#define MB_CONNS	1000
#define MB_MSS		1000

static int mb_conns(void)
{
	return on_debug_kernel() ? 250 : MB_CONNS;
}

/*
 * mb_conns() connections (MSS MB_MSS) whose readers never read, each writer
 * writing until EAGAIN: the protocol's pages, MemFree and Slab used.
 * Closes everything; *leftover is the pages still counted afterwards.
 */
static int stalled_readers(unsigned short port, long *pages, long *used_kb,
			   long *slab_kb, long *leftover)
{
	static int c[MB_CONNS], a[MB_CONNS];
	static char buf[16384];
	long free0 = meminfo_kb("MemFree"), slab0 = meminfo_kb("Slab");
	int l = xt_socket(), i, pass, mss = MB_MSS, rc = -1, n = mb_conns();
	char press[8];

	if (l < 0 || setsockopt(l, SOL_XTCP, XTCP_MAXSEG, &mss, sizeof(mss)) ||
	    xt_bind(l, "127.0.0.1", port) || listen(l, n))
		return -1;
	for (i = 0; i < n; i++) {
		c[i] = xt_socket();
		if (c[i] < 0 ||
		    setsockopt(c[i], SOL_XTCP, XTCP_MAXSEG, &mss, sizeof(mss)) ||
		    xt_connect(c[i], "127.0.0.1", port))
			goto out;
		a[i] = accept(l, NULL, NULL);
		if (a[i] < 0)
			goto out;
	}
	memset(buf, 'm', sizeof(buf));
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < n; i++)
			while (send(c[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		usleep(300 * 1000);
	}
	*pages = proto_pages(press, sizeof(press));
	*used_kb = free0 - meminfo_kb("MemFree");
	*slab_kb = meminfo_kb("Slab") - slab0;
	fprintf(stderr, "  %d stalled readers: %ld pages charged, pressure %s, MemFree -%ld kB, Slab +%ld kB, RcvMemDrops %ld\n",
		n, *pages, press, *used_kb, *slab_kb, xt_stat("RcvMemDrops"));
	rc = 0;
out:
	for (i = 0; i < MB_CONNS; i++) {
		if (c[i] > 0)
			close(c[i]);
		if (a[i] > 0)
			close(a[i]);
		c[i] = a[i] = 0;
	}
	close(l);
	usleep(500 * 1000);
	*leftover = proto_pages(press, sizeof(press));
	return rc;
}

/*
 * Memory under pressure: every queued byte is charged to the protocol
 * (sysctl mem: min, pressure, max pages, as tcp_mem).  1000 connections
 * (250 on the debug kernel) whose readers never read take at most max
 * pages, plus the minimum each
 * socket keeps (one segment each way, as TCP's rmem[0]/wmem[0]
 * guarantee); without the limit the same take many times more.  The
 * pressure flag shows in /proc/net/protocols, MemoryPressures counts it,
 * and every page comes back when the sockets close.
 */
static void memory_bounded(void)
{
	int mem = open("/proc/sys/net/xtcp/mem", O_RDWR), ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long pages, used, slab, left, upages, uused, uslab, uleft, bound;
	char saved[128] = "", press[8];
	ssize_t n;

	struct rlimit rl = { 4 * MB_CONNS, 4 * MB_CONNS };

	NEED_OK(setrlimit(RLIMIT_NOFILE, &rl));
	NEED(mem >= 0);
	n = pread(mem, saved, sizeof(saved) - 1, 0);
	NEED(n > 0);
	fprintf(stderr, "  mem (pages): %s", saved);
	NEED_OK(xt_private_netns());
	NEED(proto_pages(press, sizeof(press)) >= 0);

	/* without a limit (16 GB: the machine's default would bind here) */
	NEED(pwrite(mem, "4194304 4194304 4194304\n", 24, 0) == 24);
	NEED_OK(stalled_readers(HT_PORT + 1, &upages, &uused, &uslab, &uleft));
	/* 1024 pages at most (4 MB) */
	NEED(pwrite(mem, "512 768 1024\n", 13, 0) == 13);
	NEED_OK(stalled_readers(HT_PORT + 2, &pages, &used, &slab, &left));
	NEED(pwrite(mem, saved, strlen(saved), 0) == (ssize_t)strlen(saved));
	close(mem);

	/* max, one segment each way per socket, the per-CPU reserves */
	bound = 1024 + 2L * mb_conns() * 2 + 256L * ncpu;
	fprintf(stderr, "  limited: %ld pages (bound %ld), unlimited: %ld pages\n",
		pages, bound, upages);
	CHECK(pages <= bound);
	CHECK(upages > 3 * pages);
	CHECK(used * 3 < uused);
	CHECK(xt_stat("MemoryPressures") >= 1);
	CHECK(xt_stat("RcvMemDrops") > 0);
	/* every page back (less what per-CPU caches keep) */
	CHECK(left <= 256L * ncpu && uleft <= 256L * ncpu);
	CHECK(xt_stat("MemoryUnreturned") == 0);
}

static const struct xt_test tests[] = {
	TEST(accepted_holds_port),
	TEST_T(rcvbuf_force_max, 90),
	TEST_T(memory_bounded, 300),
};

XT_MAIN("hardening", tests)
