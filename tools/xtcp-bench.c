// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench: the same three workloads over AF_INET/TCP and AF_XTCP on
 * loopback, in one run, printed with the XTCP/TCP ratio:
 *   bulk     one-way throughput, 64 KiB writes, for a fixed byte count
 *   rr       1-byte request/response round trips per second
 *   connect  connect + accept + close per second
 * A benchmark, not a test: it asserts nothing but that the data arrived.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "xtcp_util.h"

struct proto {
	const char *name;
	int family, nodelay_level, nodelay_opt;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* One address type serves both: sockaddr_xtcp is laid out as sockaddr_in. */
static struct sockaddr_in addr(const struct proto *p, unsigned short port)
{
	struct sockaddr_in a = { .sin_family = p->family, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int sock(const struct proto *p)
{
	int fd = socket(p->family, SOCK_STREAM, 0), one = 1;

	if (fd >= 0)
		setsockopt(fd, p->nodelay_level, p->nodelay_opt, &one, sizeof(one));
	return fd;
}

static int listener(const struct proto *p, unsigned short port)
{
	struct sockaddr_in a = addr(p, port);
	int fd = sock(p), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128)) {
		perror("listen");
		exit(1);
	}
	return fd;
}

static int dial(const struct proto *p, unsigned short port)
{
	struct sockaddr_in a = addr(p, port);
	int fd = sock(p);

	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static long bulk_bytes = 64L << 20;

static void *bulk_writer(void *arg)
{
	static char buf[65536];
	int fd = *(int *)arg;
	long left = bulk_bytes;

	while (left > 0) {
		ssize_t n = write(fd, buf, left < (long)sizeof(buf) ? left : (long)sizeof(buf));

		if (n <= 0)
			break;
		left -= n;
	}
	return NULL;
}

/* MB/s */
static double bulk(const struct proto *p, unsigned short port)
{
	static char buf[65536];
	int l = listener(p, port), c = dial(p, port), a = accept(l, NULL, NULL);
	long got = 0;
	pthread_t t;
	double t0 = now_s();

	pthread_create(&t, NULL, bulk_writer, &c);
	while (got < bulk_bytes) {
		ssize_t n = read(a, buf, sizeof(buf));

		if (n <= 0)
			break;
		got += n;
	}
	pthread_join(t, NULL);
	t0 = now_s() - t0;
	close(c);
	close(a);
	close(l);
	if (got != bulk_bytes)
		fprintf(stderr, "%s bulk: %ld of %ld bytes\n", p->name, got, bulk_bytes);
	return got / 1e6 / t0;
}

static void *echo(void *arg)
{
	int fd = *(int *)arg;
	char b;

	while (read(fd, &b, 1) == 1 && write(fd, &b, 1) == 1)
		;
	return NULL;
}

/* round trips per second */
static double rr(const struct proto *p, unsigned short port, int n)
{
	int l = listener(p, port), c = dial(p, port), a = accept(l, NULL, NULL), i;
	pthread_t t;
	double t0;
	char b = 'x';

	pthread_create(&t, NULL, echo, &a);
	t0 = now_s();
	for (i = 0; i < n; i++)
		if (write(c, &b, 1) != 1 || read(c, &b, 1) != 1)
			break;
	t0 = now_s() - t0;
	close(c);
	pthread_join(t, NULL);
	close(a);
	close(l);
	return i / t0;
}

/* connections per second */
static double conn(const struct proto *p, unsigned short port, int n)
{
	int l = listener(p, port), i;
	double t0 = now_s();

	for (i = 0; i < n; i++) {
		int c = dial(p, port), a = accept(l, NULL, NULL);

		close(c);
		close(a);
	}
	t0 = now_s() - t0;
	close(l);
	return n / t0;
}

int main(int argc, char **argv)
{
	struct proto tcp = { "TCP", AF_INET, IPPROTO_TCP, TCP_NODELAY };
	struct proto xtcp = { "XTCP", xt_family(), SOL_XTCP, XTCP_NODELAY };
	int rr_n = argc > 1 ? atoi(argv[1]) : 5000;
	int conn_n = argc > 2 ? atoi(argv[2]) : 1000;
	double t, x;

	if (argc > 3)
		bulk_bytes = atol(argv[3]) << 20;
	printf("%-10s %14s %14s %8s\n", "workload", "TCP", "XTCP", "XTCP/TCP");
	t = bulk(&tcp, 43000);
	x = bulk(&xtcp, 43000);
	printf("%-10s %9.1f MB/s %9.1f MB/s %8.2f\n", "bulk", t, x, x / t);
	t = rr(&tcp, 43001, rr_n);
	x = rr(&xtcp, 43001, rr_n);
	printf("%-10s %11.0f /s %11.0f /s %8.2f\n", "rr", t, x, x / t);
	t = conn(&tcp, 43002, conn_n);
	x = conn(&xtcp, 43002, conn_n);
	printf("%-10s %11.0f /s %11.0f /s %8.2f\n", "connect", t, x, x / t);
	return 0;
}
