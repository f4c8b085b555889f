// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench: the same workloads over AF_INET/TCP and AF_XTCP, interleaved
 * (TCP, XTCP, TCP, XTCP, ...) in one run, printed as medians with their
 * spread (min-max) and the XTCP/TCP ratio of the medians:
 *   bulk     one-way throughput, 64 KiB writes, for a fixed byte count
 *   rr       1-byte request/response: transactions per second and the
 *            median (p50) and p99 round-trip time
 *   connect  connect + accept + close per second
 * A benchmark, not a test: it asserts nothing but that the data arrived.
 *
 *   xtcp-bench [-r REPS] [-a ADDR] [-w WORKLOADS] [-n RR_N] [-c CONN_N] [-m MIB]
 *
 * ADDR (default 127.0.0.1) is the server's address; with -s NETNS the
 * server side runs in that network namespace (bulk over a veth pair).
 * WORKLOADS is a comma list of bulk, rr, connect (default all three).
 * With -x, only XTCP bulk runs, each printed (a workload for perf record).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "xtcp_util.h"

struct proto {
	const char *name;
	int family, nodelay_level, nodelay_opt;
};

static const char *server_ip = "127.0.0.1";
static const char *server_ns;
static int self_ns = -1;

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

	inet_pton(AF_INET, server_ip, &a.sin_addr);
	return a;
}

static int sock(const struct proto *p)
{
	int fd = socket(p->family, SOCK_STREAM, 0), one = 1;

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	setsockopt(fd, p->nodelay_level, p->nodelay_opt, &one, sizeof(one));
	return fd;
}

static void to_server_ns(void)
{
	if (server_ns && enter_netns(server_ns)) {
		perror(server_ns);
		exit(1);
	}
}

static void to_client_ns(void)
{
	if (server_ns && setns(self_ns, CLONE_NEWNET)) {
		perror("setns");
		exit(1);
	}
}

static int listener(const struct proto *p, unsigned short port)
{
	struct sockaddr_in a = addr(p, port);
	int fd, one = 1;

	to_server_ns();
	fd = sock(p);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128)) {
		perror("listen");
		exit(1);
	}
	to_client_ns();
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
	if (got != bulk_bytes) {
		fprintf(stderr, "%s bulk: %ld of %ld bytes\n", p->name, got, bulk_bytes);
		exit(1);
	}
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct rr_result {
	double tps, p50_us, p99_us;
};

static struct rr_result rr(const struct proto *p, unsigned short port, int n)
{
	int l = listener(p, port), c = dial(p, port), a = accept(l, NULL, NULL), i;
	double *lat = calloc(n, sizeof(*lat)), t0, t1;
	struct rr_result r = { 0, 0, 0 };
	pthread_t t;
	char b = 'x';

	pthread_create(&t, NULL, echo, &a);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		t1 = now_s();
		if (write(c, &b, 1) != 1 || read(c, &b, 1) != 1)
			break;
		lat[i] = (now_s() - t1) * 1e6;
	}
	t0 = now_s() - t0;
	close(c);
	pthread_join(t, NULL);
	close(a);
	close(l);
	if (i != n) {
		fprintf(stderr, "%s rr: %d of %d transactions\n", p->name, i, n);
		exit(1);
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	r.tps = n / t0;
	r.p50_us = lat[n / 2];
	r.p99_us = lat[n * 99 / 100];
	free(lat);
	return r;
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

#define MAX_REPS 32

struct series {
	double v[MAX_REPS];
	int n;
};

static double median(struct series *s)
{
	double v[MAX_REPS];

	memcpy(v, s->v, sizeof(v));
	qsort(v, s->n, sizeof(double), cmp_double);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

static double smin(const struct series *s)
{
	double m = s->v[0];
	int i;

	for (i = 1; i < s->n; i++)
		m = s->v[i] < m ? s->v[i] : m;
	return m;
}

static double smax(const struct series *s)
{
	double m = s->v[0];
	int i;

	for (i = 1; i < s->n; i++)
		m = s->v[i] > m ? s->v[i] : m;
	return m;
}

/* One row: medians, spreads, and the ratio; higher_better picks its sense. */
static double row(const char *what, const char *unit, struct series *t,
		  struct series *x)
{
	double mt = median(t), mx = median(x);

	printf("%-14s %10.1f (%.1f-%.1f) %s | %10.1f (%.1f-%.1f) %s | %5.2f\n",
	       what, mt, smin(t), smax(t), unit, mx, smin(x), smax(x), unit,
	       mx / mt);
	return mx / mt;
}

static int want(const char *list, const char *w)
{
	return !list || strstr(list, w);
}

int main(int argc, char **argv)
{
	struct proto tcp = { "TCP", AF_INET, IPPROTO_TCP, TCP_NODELAY };
	struct proto xtcp = { "XTCP", xt_family(), SOL_XTCP, XTCP_NODELAY };
	struct series bt = {}, bx = {}, rt = {}, rx = {}, lt = {}, lx = {};
	struct series qt = {}, qx = {}, ct = {}, cx = {};
	int reps = 5, rr_n = 5000, conn_n = 1000, opt, i;
	const char *work = NULL;
	int xtcp_only = 0;
	char summary[256] = "";

	while ((opt = getopt(argc, argv, "r:a:s:w:n:c:m:x")) != -1) {
		switch (opt) {
		case 'r': reps = atoi(optarg); break;
		case 'a': server_ip = optarg; break;
		case 's': server_ns = optarg; break;
		case 'w': work = optarg; break;
		case 'n': rr_n = atoi(optarg); break;
		case 'c': conn_n = atoi(optarg); break;
		case 'm': bulk_bytes = atol(optarg) << 20; break;
		case 'x': xtcp_only = 1; break;
		default:
			fprintf(stderr, "usage: xtcp-bench [-r reps] [-a addr] [-s netns] [-w bulk,rr,connect] [-n rr_n] [-c conn_n] [-m MiB] [-x]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS)
		reps = 5;
	self_ns = open("/proc/self/ns/net", O_RDONLY);
	if (xtcp_only) {
		for (i = 0; i < reps; i++)
			printf("xtcp bulk %.1f MB/s\n", bulk(&xtcp, 43000));
		return 0;
	}
	for (i = 0; i < reps; i++) {
		/* interleaved: each rep runs TCP, then XTCP, on the same ports */
		if (want(work, "bulk")) {
			bt.v[bt.n++] = bulk(&tcp, 43000);
			bx.v[bx.n++] = bulk(&xtcp, 43000);
		}
		if (want(work, "rr")) {
			struct rr_result a = rr(&tcp, 43001, rr_n);
			struct rr_result b = rr(&xtcp, 43001, rr_n);

			rt.v[rt.n++] = a.tps;
			rx.v[rx.n++] = b.tps;
			lt.v[lt.n++] = a.p50_us;
			lx.v[lx.n++] = b.p50_us;
			qt.v[qt.n++] = a.p99_us;
			qx.v[qx.n++] = b.p99_us;
		}
		if (want(work, "connect") && !server_ns) {
			ct.v[ct.n++] = conn(&tcp, 43002, conn_n);
			cx.v[cx.n++] = conn(&xtcp, 43002, conn_n);
		}
	}
	printf("%-14s %-30s | %-30s | %s\n", "workload", "TCP median (min-max)",
	       "XTCP median (min-max)", "XTCP/TCP");
	if (bt.n) {
		double r = row("bulk", "MB/s", &bt, &bx);

		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " bulk %.2f", r);
	}
	if (rt.n) {
		double r = row("rr", "/s", &rt, &rx);

		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " rr %.2f", r);
		r = row("rr p50", "us", &lt, &lx);
		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " rr-p50 %.2f", r);
		row("rr p99", "us", &qt, &qx);
	}
	if (ct.n) {
		double r = row("connect", "/s", &ct, &cx);

		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " connect %.2f", r);
	}
	printf("ratios (XTCP/TCP, medians of %d):%s\n", reps, summary);
	return 0;
}
