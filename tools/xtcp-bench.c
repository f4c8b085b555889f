// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench: the same workloads over AF_INET/TCP and AF_XTCP, interleaved
 * (TCP, XTCP, TCP, XTCP, ...) in one run, printed as medians with their
 * spread (min-max) and the XTCP/TCP ratio of the medians:
 *   bulk     one-way throughput, 64 KiB writes, for a fixed byte count
 *   rr       1-byte request/response: transactions per second and the
 *            median (p50) and p99 round-trip time
 *   connect  connect + accept + close per second
 * and, asked for by name (-w), the scale workloads, one run each:
 *   churn    connect + accept + close for -d seconds (default 60): the
 *            rate, and every failure counted by errno (EADDRNOTAVAIL...)
 *   many     -N connections (default 100000) held open: slab and free
 *            memory per connection, and 1-byte request/response on
 *            random connections with 1,000 open and with N open
 *   tw       XTCP only: -T (default -N) TIME_WAIT entries at msl_ms -M
 *            (default 30000): memory per
 *            entry, when they expire against when they should, and the
 *            latency of a live request/response loop while they do
 * A benchmark, not a test: it asserts nothing but that the data arrived.
 *
 *   xtcp-bench [-r REPS] [-a ADDR] [-w WORKLOADS] [-n RR_N] [-c CONN_N] [-m MIB]
 *              [-d SECS] [-N COUNT] [-T TW_COUNT] [-M MSL_MS]
 *
 * ADDR (default 127.0.0.1) is the server's address; with -s NETNS the
 * server side runs in that network namespace (bulk over a veth pair).
 * WORKLOADS is a comma list of bulk, rr, connect, churn, many, tw
 * (default bulk,rr,connect).
 * With -x, only XTCP bulk runs, each printed (a workload for perf record);
 * with -w many, only XTCP's many (the million, where TCP's figures come
 * from a smaller N in the same boot).
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
#include <sys/resource.h>

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

/*
 * One address type serves both: sockaddr_xtcp is laid out as sockaddr_in,
 * sockaddr_xtcp6 as sockaddr_in6.  A server address with a colon is IPv6's
 * (TCP then needs an AF_INET6 socket; XTCP's length says it).
 */
struct baddr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	socklen_t len;
};

static int server_v6(void)
{
	return strchr(server_ip, ':') != NULL;
}

static int sock_family(const struct proto *p)
{
	return server_v6() && p->family == AF_INET ? AF_INET6 : p->family;
}

static struct baddr addr(const struct proto *p, unsigned short port)
{
	struct baddr a;

	memset(&a, 0, sizeof(a));
	if (server_v6()) {
		a.u.in6.sin6_family = sock_family(p);
		a.u.in6.sin6_port = htons(port);
		inet_pton(AF_INET6, server_ip, &a.u.in6.sin6_addr);
		a.len = sizeof(a.u.in6);
	} else {
		a.u.in.sin_family = p->family;
		a.u.in.sin_port = htons(port);
		inet_pton(AF_INET, server_ip, &a.u.in.sin_addr);
		a.len = sizeof(a.u.in);
	}
	return a;
}

static int sock(const struct proto *p)
{
	int fd = socket(sock_family(p), SOCK_STREAM, 0), one = 1;

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
	struct baddr a = addr(p, port);
	int fd, one = 1;

	to_server_ns();
	fd = sock(p);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a.u.sa, a.len) || listen(fd, 128)) {
		perror("listen");
		exit(1);
	}
	to_client_ns();
	return fd;
}

static int dial(const struct proto *p, unsigned short port)
{
	struct baddr a = addr(p, port);
	int fd = sock(p);

	if (connect(fd, &a.u.sa, a.len)) {
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

/* ---- scale: churn, many, tw ------------------------------------------- */

/* A /proc/meminfo field, kB. */
static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t n = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = atol(line + n + 1);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* A counter of /proc/net/xtcp_stats, -1 if absent. */
static long xtcp_stat(const char *key)
{
	FILE *f = fopen("/proc/net/xtcp_stats", "r");
	char name[64];
	long v, found = -1;

	while (f && fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, key)) {
			found = v;
			break;
		}
	if (f)
		fclose(f);
	return found;
}

/*
 * Segments sent in this namespace (both ends of a loopback run): TCP's
 * OutSegs from /proc/net/snmp, XTCP's from /proc/net/xtcp_stats.
 */
static long out_segs(const struct proto *p)
{
	char hdr[2048], val[2048], *hs, *vs, *h, *v;
	FILE *f;

	if (p->nodelay_level == SOL_XTCP)
		return xtcp_stat("OutSegs");
	f = fopen("/proc/net/snmp", "r");
	while (f && fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
		if (strncmp(hdr, "Tcp:", 4))
			continue;
		h = strtok_r(hdr, " \n", &hs);
		v = strtok_r(val, " \n", &vs);
		while (h && v) {
			if (!strcmp(h, "OutSegs")) {
				fclose(f);
				return atol(v);
			}
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
	}
	if (f)
		fclose(f);
	return -1;
}

/* An XTCP sysctl's value (/proc/sys/net/xtcp/NAME), exits if absent. */
static long xtcp_sysctl(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &v) != 1) {
		perror(path);
		exit(1);
	}
	fclose(f);
	return v;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Memory the kernel has given back: RCU-freed sockets, emptied slabs. */
static void settle(void)
{
	sleep(2);
	write_file("/proc/sys/vm/drop_caches", "3");
	sleep(1);
}

static void nofile(long n)
{
	struct rlimit r = { n, n };

	if (setrlimit(RLIMIT_NOFILE, &r)) {
		perror("setrlimit(RLIMIT_NOFILE): raise fs.nr_open");
		exit(1);
	}
}

/* A listener on @port with a deep backlog. */
static int listener_q(const struct proto *p, unsigned short port, int backlog)
{
	struct baddr a = addr(p, port);
	int fd = sock(p), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a.u.sa, a.len) || listen(fd, backlog)) {
		perror("listen");
		exit(1);
	}
	return fd;
}

/* connect(2) that reports failure: the errno, or 0. */
static int try_dial(const struct proto *p, unsigned short port, int *fd)
{
	struct baddr a = addr(p, port);
	int err = 0;

	*fd = sock(p);
	if (connect(*fd, &a.u.sa, a.len)) {
		err = errno;
		close(*fd);
		*fd = -1;
	}
	return err;
}

/* close(2) with SO_LINGER {1, 0}: a RST, nothing left in TIME_WAIT. */
static void close_abort(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static int churn_secs = 60;

struct churn_result {
	double rate;
	long done, errors, eaddrnotavail;
	int first_errno;
};

/* connect + accept + close for churn_secs; failures counted, not fatal. */
static struct churn_result churn(const struct proto *p, unsigned short port)
{
	int l = listener_q(p, port, 128);
	struct churn_result r = { 0 };
	double t0 = now_s(), end = t0 + churn_secs, t;

	while ((t = now_s()) < end) {
		int c, a, err;

		err = try_dial(p, port, &c);
		if (err) {
			r.errors++;
			r.eaddrnotavail += err == EADDRNOTAVAIL;
			if (!r.first_errno)
				r.first_errno = err;
			continue;
		}
		a = accept(l, NULL, NULL);
		if (a < 0) {
			r.errors++;
			close(c);
			continue;
		}
		close(c);
		close(a);
		r.done++;
	}
	r.rate = r.done / (t - t0);
	close(l);
	return r;
}

static long many_n = 100000;
#define MANY_PORTS_MAX	128
#define MANY_BASE_PORT	44000
#define MANY_LOW	1000

/*
 * The scale workloads take ephemeral ports from 10000-42999, below the
 * fixed ports of the others (43000-43003) and their own listeners
 * (44000-44128); the range is put back afterwards.
 */
static char saved_range[64];

static void scale_range(int on)
{
	const char *path = "/proc/sys/net/ipv4/ip_local_port_range";
	FILE *f;

	if (on) {
		f = fopen(path, "r");
		if (!f || !fgets(saved_range, sizeof(saved_range), f)) {
			perror(path);
			exit(1);
		}
		fclose(f);
		write_file(path, "10000 42999");
	} else {
		write_file(path, saved_range);
	}
}

/*
 * Listener ports for @n connections from one address: each remote end
 * gets at most 45% of the ephemeral range.  Linux's connect() tries one
 * parity of the range first (__inet_hash_connect()), and once that half
 * is taken for a remote end each TCP connect() walks all of it: at 90%
 * TCP slowed to a few connections a second past half the range.
 */
static int many_ports(long n)
{
	int lo, hi, np;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	if (!f || fscanf(f, "%d %d", &lo, &hi) != 2) {
		perror("ip_local_port_range");
		exit(1);
	}
	fclose(f);
	/* a margin: the search need not find the very last free port */
	np = n / ((hi - lo + 1) * 45 / 100) + 1;
	if (np > MANY_PORTS_MAX) {
		fprintf(stderr, "many: %ld connections need more than %d ports\n",
			n, MANY_PORTS_MAX);
		exit(1);
	}
	return np;
}

/* RR over random connections among the first @upto; median and p99 in us. */
static struct rr_result rr_random(int *c, int *a, long upto, int n)
{
	double *lat = calloc(n, sizeof(*lat)), t0, t1;
	struct rr_result r = { 0, 0, 0 };
	unsigned int seed = 12345;
	char b = 'x';
	int i;

	t0 = now_s();
	for (i = 0; i < n; i++) {
		long k = ((long)rand_r(&seed) << 15 ^ rand_r(&seed)) % upto;

		t1 = now_s();
		if (write(c[k], &b, 1) != 1 || read(a[k], &b, 1) != 1 ||
		    write(a[k], &b, 1) != 1 || read(c[k], &b, 1) != 1) {
			perror("rr_random");
			exit(1);
		}
		lat[i] = (now_s() - t1) * 1e6;
	}
	t0 = now_s() - t0;
	qsort(lat, n, sizeof(*lat), cmp_double);
	r.tps = n / t0;
	r.p50_us = lat[n / 2];
	r.p99_us = lat[n * 99 / 100];
	free(lat);
	return r;
}

struct many_result {
	long n;
	double secs;			/* to open them */
	double slab_b, free_b;		/* bytes per connection (both ends) */
	struct rr_result low, full;	/* with MANY_LOW open, with n open */
	struct rr_result full_low;	/* n open, over the first MANY_LOW */
};

/*
 * many_n connections over loopback, client and server in this process:
 * memory per connection (both ends: two sockets, two files) and RR on
 * random ones with MANY_LOW open, then with all open; then all closed
 * with a RST, so that nothing is left for the next protocol.
 */
static struct many_result many(const struct proto *p, int rr_n)
{
	int np, ls[MANY_PORTS_MAX], i;
	int *c = calloc(many_n, sizeof(int)), *a = calloc(many_n, sizeof(int));
	struct many_result r = { .n = many_n };
	long slab0, free0, k;
	double t0;

	if (!c || !a) {
		perror("calloc");
		exit(1);
	}
	scale_range(1);
	np = many_ports(many_n);
	for (i = 0; i < np; i++)
		ls[i] = listener_q(p, MANY_BASE_PORT + i, 4096);
	settle();
	slab0 = meminfo("Slab");
	free0 = meminfo("MemFree");
	t0 = now_s();
	for (k = 0; k < many_n; k++) {
		int port = k % np, err;

		err = try_dial(p, MANY_BASE_PORT + port, &c[k]);
		if (err) {
			fprintf(stderr, "%s many: connection %ld: %s\n", p->name, k,
				strerror(err));
			exit(1);
		}
		a[k] = accept(ls[port], NULL, NULL);
		if (a[k] < 0) {
			perror("accept");
			exit(1);
		}
		if (k + 1 == MANY_LOW) {
			sleep(1);
			r.low = rr_random(c, a, MANY_LOW, rr_n);
		}
		if ((k + 1) % (many_n / 10 ? many_n / 10 : 1) == 0)
			fprintf(stderr, "%s many: %ld open, %.0f s\n", p->name,
				k + 1, now_s() - t0);
	}
	r.secs = now_s() - t0;
	settle();
	r.slab_b = (meminfo("Slab") - slab0) * 1024.0 / many_n;
	r.free_b = (free0 - meminfo("MemFree")) * 1024.0 / many_n;
	r.full = rr_random(c, a, many_n, rr_n);
	r.full_low = rr_random(c, a, MANY_LOW, rr_n);
	for (k = 0; k < many_n; k++) {
		close_abort(c[k]);
		close(a[k]);
	}
	for (i = 0; i < np; i++)
		close(ls[i]);
	free(c);
	free(a);
	scale_range(0);
	settle();
	return r;
}

static void many_print(const struct proto *p, const struct many_result *r)
{
	printf("%-5s many %ld: opened in %.1f s (%.0f /s); slab %.0f B and "
	       "MemFree %.0f B per connection (both ends)\n",
	       p->name, r->n, r->secs, r->n / r->secs, r->slab_b, r->free_b);
	printf("%-5s many rr, random connections: %d open: %.0f /s p50 %.1f us "
	       "p99 %.1f us | %ld open: %.0f /s p50 %.1f us p99 %.1f us "
	       "| %ld open, over %d of them: %.0f /s p50 %.1f us\n",
	       p->name, MANY_LOW, r->low.tps, r->low.p50_us, r->low.p99_us,
	       r->n, r->full.tps, r->full.p50_us, r->full.p99_us,
	       r->n, MANY_LOW, r->full_low.tps, r->full_low.p50_us);
	printf("%-5s many rr, %ld open against %d: %.2f (/s), %.2f (p50)\n",
	       p->name, r->n, MANY_LOW, r->full.tps / r->low.tps,
	       r->full.p50_us / r->low.p50_us);
}

static int tw_msl_ms = 30000;
static long tw_n;		/* -T, default -N */

struct tw_sample {
	double t;
	long active;
};

struct tw_rr {
	int c, a;
	volatile int stop;
	double *t, *lat;
	long n, cap;
};

static void *tw_rr_loop(void *arg)
{
	struct tw_rr *r = arg;
	char b = 'x';

	while (!r->stop && r->n < r->cap) {
		double t1 = now_s();

		if (write(r->c, &b, 1) != 1 || read(r->a, &b, 1) != 1 ||
		    write(r->a, &b, 1) != 1 || read(r->c, &b, 1) != 1)
			break;
		r->t[r->n] = t1;
		r->lat[r->n++] = (now_s() - t1) * 1e6;
		usleep(1000);
	}
	return NULL;
}

/* p50, p99 and max of the latencies of RR samples in [from, to). */
static void tw_rr_window(const char *what, struct tw_rr *r, double from,
			 double to)
{
	double *v = calloc(r->n + 1, sizeof(double));
	long i, n = 0;

	for (i = 0; i < r->n; i++)
		if (r->t[i] >= from && r->t[i] < to)
			v[n++] = r->lat[i];
	if (!n) {
		printf("XTCP  tw rr %-16s no samples\n", what);
		free(v);
		return;
	}
	qsort(v, n, sizeof(double), cmp_double);
	printf("XTCP  tw rr %-16s %6ld samples: p50 %7.1f us  p99 %7.1f us  max %8.1f us\n",
	       what, n, v[n / 2], v[n * 99 / 100], v[n - 1]);
	free(v);
}

/*
 * many_n XTCP connections closed client first, so that each leaves a
 * TIME_WAIT entry (tw_reuse off: none is taken over), at msl_ms
 * tw_msl_ms; memory per entry; then, while a live connection does RR a
 * thousand times a second, the entries expire: when the gauge fell to
 * each tenth against when those entries were due (created + 2*MSL).
 */
static void tw_bench(const struct proto *p)
{
	long n = tw_n ? tw_n : many_n;
	int np, ls[MANY_PORTS_MAX], i, l;
	double t0, *made, lifetime = 2 * tw_msl_ms / 1000.0, end;
	struct tw_sample *smp;
	long slab0, k, nsmp = 0, peak = 0, base, tenth = n / 10, saved_max_tw;
	struct tw_rr r = { .cap = 2000000 };
	char msl[32];
	pthread_t th;

	if (tenth < 1) {
		fprintf(stderr, "tw: -N 10 or more\n");
		exit(1);
	}
	scale_range(1);
	np = many_ports(n);
	snprintf(msl, sizeof(msl), "%d", tw_msl_ms);
	write_file("/proc/sys/net/xtcp/msl_ms", msl);
	/* the cap (TCP's tcp_max_tw_buckets, 262144) above the N asked for */
	saved_max_tw = xtcp_sysctl("max_tw_buckets");
	snprintf(msl, sizeof(msl), "%ld", n + 1000 > saved_max_tw ? n + 1000 : saved_max_tw);
	write_file("/proc/sys/net/xtcp/max_tw_buckets", msl);
	write_file("/proc/sys/net/xtcp/tw_reuse", "0");
	made = calloc(11, sizeof(double));
	smp = calloc(1000000, sizeof(*smp));
	r.t = calloc(r.cap, sizeof(double));
	r.lat = calloc(r.cap, sizeof(double));
	for (i = 0; i < np; i++)
		ls[i] = listener_q(p, MANY_BASE_PORT + i, 4096);
	/* the live connection, before the churn */
	l = listener_q(p, MANY_BASE_PORT + MANY_PORTS_MAX, 8);
	r.c = dial(p, MANY_BASE_PORT + MANY_PORTS_MAX);
	r.a = accept(l, NULL, NULL);
	base = xtcp_stat("TimeWaitActive");
	settle();
	slab0 = meminfo("Slab");
	t0 = now_s();
	for (k = 0; k < n; k++) {
		int port = k % np, c, a, err;

		err = try_dial(p, MANY_BASE_PORT + port, &c);
		if (err) {
			fprintf(stderr, "tw: connection %ld: %s\n", k, strerror(err));
			exit(1);
		}
		a = accept(ls[port], NULL, NULL);
		close(c);		/* the client closes first: its TIME_WAIT */
		close(a);
		if ((k + 1) % tenth == 0 && (k + 1) / tenth <= 10) {
			made[(k + 1) / tenth] = now_s();
			fprintf(stderr, "XTCP  tw: %ld made, %.0f s\n", k + 1,
				made[(k + 1) / tenth] - t0);
		}
	}
	made[0] = t0;
	end = now_s();
	/* let the last closes finish (the server's LAST_ACK), then count */
	usleep(200000);
	peak = xtcp_stat("TimeWaitActive") - base;
	printf("XTCP  tw counters: TimeWaitCreated %ld, TimeWaitOverflow %ld (the cap %ld)\n",
	       xtcp_stat("TimeWaitCreated"), xtcp_stat("TimeWaitOverflow"),
	       xtcp_sysctl("max_tw_buckets"));
	printf("XTCP  tw %ld entries made in %.1f s (%.0f /s), %ld active at the end "
	       "(2*MSL %.0f s)\n", n, end - t0, n / (end - t0), peak,
	       lifetime);
	if (end - t0 + 2 > lifetime)
		printf("XTCP  tw WARNING: 2*MSL is shorter than the time to make them; raise -M\n");
	printf("XTCP  tw slab %.0f B per entry (slab delta / entries active)\n",
	       (meminfo("Slab") - slab0) * 1024.0 / (peak ? peak : 1));
	/* RR runs until every entry has gone */
	pthread_create(&th, NULL, tw_rr_loop, &r);
	while (nsmp < 1000000) {
		long act = xtcp_stat("TimeWaitActive") - base;

		smp[nsmp].t = now_s();
		smp[nsmp++].active = act;
		if (act <= 0)
			break;
		/* a minute past the last one's due time: say what is left */
		if (smp[nsmp - 1].t > end + lifetime + 60) {
			printf("XTCP  tw %ld entries still active 60 s after the last was due\n",
			       act);
			break;
		}
		usleep(20000);
	}
	sleep(2);
	r.stop = 1;
	pthread_join(th, NULL);
	/* each tenth: due at made[i] + 2*MSL, gone when the gauge fell to it */
	for (i = 1; i <= 10; i++) {
		long left = n - tenth * i;
		long j;

		for (j = 0; j < nsmp && smp[j].active > left; j++)
			;
		if (j < nsmp)
			printf("XTCP  tw %3d%% expired %+7.3f s after due (due %.1f s after the first was made)\n",
			       i * 10, smp[j].t - (made[i] + lifetime),
			       made[i] + lifetime - t0);
	}
	tw_rr_window("before expiry", &r, t0, t0 + lifetime - 0.5);
	tw_rr_window("while expiring", &r, t0 + lifetime, end + lifetime + 0.5);
	tw_rr_window("after", &r, end + lifetime + 0.5, 1e18);
	close(r.c);
	close(r.a);
	close(l);
	for (i = 0; i < np; i++)
		close(ls[i]);
	write_file("/proc/sys/net/xtcp/msl_ms", "30000");
	write_file("/proc/sys/net/xtcp/tw_reuse", "2");
	snprintf(msl, sizeof(msl), "%ld", saved_max_tw);
	write_file("/proc/sys/net/xtcp/max_tw_buckets", msl);
	scale_range(0);
	free(made);
	free(smp);
	free(r.t);
	free(r.lat);
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
	return strstr(list ? list : "bulk,rr,connect", w) != NULL;
}

int main(int argc, char **argv)
{
	struct proto tcp = { "TCP", AF_INET, IPPROTO_TCP, TCP_NODELAY };
	struct proto xtcp = { "XTCP", xt_family(), SOL_XTCP, XTCP_NODELAY };
	struct series bt = {}, bx = {}, rt = {}, rx = {}, lt = {}, lx = {};
	struct series qt = {}, qx = {}, ct = {}, cx = {};
	int reps = 5, rr_n = 5000, conn_n = 1000, opt, i;
	const char *work = NULL;
	int xtcp_only = 0, reps_set = 0;
	const struct proto *only = NULL;	/* -p: one protocol's connect loop */
	long segs[4] = { 0 };	/* bulk TCP, XTCP; rr TCP, XTCP */
	char summary[256] = "";

	/* progress of the long scale runs shows as it happens */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "r:a:s:w:n:c:m:d:N:M:T:xp:")) != -1) {
		switch (opt) {
		case 'r': reps = atoi(optarg); reps_set = 1; break;
		case 'a': server_ip = optarg; break;
		case 's': server_ns = optarg; break;
		case 'w': work = optarg; break;
		case 'n': rr_n = atoi(optarg); break;
		case 'c': conn_n = atoi(optarg); break;
		case 'm': bulk_bytes = atol(optarg) << 20; break;
		case 'x': xtcp_only = 1; break;
		case 'p': only = strcmp(optarg, "tcp") ? &xtcp : &tcp; break;
		case 'd': churn_secs = atoi(optarg); break;
		case 'N': many_n = atol(optarg); break;
		case 'M': tw_msl_ms = atoi(optarg); break;
		case 'T': tw_n = atol(optarg); break;
		default:
			fprintf(stderr, "usage: xtcp-bench [-r reps] [-a addr] [-s netns] [-w bulk,rr,connect,churn,many,tw] [-n rr_n] [-c conn_n] [-m MiB] [-d churn_secs] [-N count] [-T tw_count] [-M msl_ms] [-x: XTCP only (bulk, or many)] [-p tcp|xtcp: one protocol, one run of -w connect (-c), rr (-n) or bulk (-m), for counting]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS)
		reps = 5;
	self_ns = open("/proc/self/ns/net", O_RDONLY);
	if (only) {
		/* bench.sh --count: what one protocol does per unit of work */
		if (want(work, "rr")) {
			struct rr_result r = rr(only, 43001, rr_n);

			printf("%s rr %.0f /s, p50 %.1f us (%d transactions)\n",
			       only->name, r.tps, r.p50_us, rr_n);
		} else if (want(work, "bulk")) {
			printf("%s bulk %.1f MB/s (%ld MiB)\n", only->name,
			       bulk(only, 43000), bulk_bytes >> 20);
		} else {
			printf("%s connect %.0f /s (%d connections)\n", only->name,
			       conn(only, 43002, conn_n), conn_n);
		}
		return 0;
	}
	if (xtcp_only && !want(work, "many")) {
		for (i = 0; i < reps; i++)
			printf("xtcp bulk %.1f MB/s\n", bulk(&xtcp, 43000));
		return 0;
	}
	if (want(work, "many") || want(work, "tw"))
		nofile(2 * (many_n > tw_n ? many_n : tw_n) + 1000);
	/* the scale workloads: one run each, TCP then XTCP */
	if (want(work, "churn")) {
		struct series cht = { .n = 0 }, chx = { .n = 0 };
		int rc = reps_set ? reps : 1;

		/*
		 * Interleaved, the order alternating: TCP, XTCP, XTCP, TCP,
		 * TCP ...  A run's 2*MSL of TIME_WAIT entries (60 s both)
		 * expire during the next run, which pays for their timers;
		 * so each stack follows itself as often as the other.
		 */
		for (i = 0; i < rc; i++) {
			struct churn_result a, b;

			if (i & 1) {
				b = churn(&xtcp, 43003);
				a = churn(&tcp, 43003);
			} else {
				a = churn(&tcp, 43003);
				b = churn(&xtcp, 43003);
			}

			printf("churn %d s: TCP %.0f /s (%ld done, %ld failed, %ld EADDRNOTAVAIL%s%s) | "
			       "XTCP %.0f /s (%ld done, %ld failed, %ld EADDRNOTAVAIL%s%s) | %.2f\n",
			       churn_secs, a.rate, a.done, a.errors, a.eaddrnotavail,
			       a.first_errno ? ", first: " : "", a.first_errno ? strerror(a.first_errno) : "",
			       b.rate, b.done, b.errors, b.eaddrnotavail,
			       b.first_errno ? ", first: " : "", b.first_errno ? strerror(b.first_errno) : "",
			       b.rate / a.rate);
			fflush(stdout);
			cht.v[cht.n++] = a.rate;
			chx.v[chx.n++] = b.rate;
		}
		if (rc > 1)
			printf("churn %d s, medians of %d: TCP %.0f (%.0f-%.0f) /s | XTCP %.0f (%.0f-%.0f) /s | %.2f\n",
			       churn_secs, rc, median(&cht), smin(&cht), smax(&cht),
			       median(&chx), smin(&chx), smax(&chx), median(&chx) / median(&cht));
		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " churn %.2f", median(&chx) / median(&cht));
	}
	if (want(work, "many") && xtcp_only) {
		struct many_result b = many(&xtcp, rr_n);

		many_print(&xtcp, &b);
		fflush(stdout);
	} else if (want(work, "many")) {
		struct many_result a = many(&tcp, rr_n);
		struct many_result b;

		many_print(&tcp, &a);
		fflush(stdout);
		b = many(&xtcp, rr_n);
		many_print(&xtcp, &b);
		fflush(stdout);
		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " many-slab %.2f many-rr-flat %.2f/%.2f",
			 b.slab_b / a.slab_b, b.full.tps / b.low.tps,
			 a.full.tps / a.low.tps);
	}
	if (want(work, "tw"))
		tw_bench(&xtcp);
	if (!want(work, "bulk") && !want(work, "rr") && !want(work, "connect")) {
		printf("ratios (XTCP/TCP):%s\n", summary);
		return 0;
	}
	for (i = 0; i < reps; i++) {
		/* interleaved: each rep runs TCP, then XTCP, on the same ports */
		if (want(work, "bulk")) {
			long s0 = out_segs(&tcp), s1;

			bt.v[bt.n++] = bulk(&tcp, 43000);
			s1 = out_segs(&xtcp);
			segs[0] += out_segs(&tcp) - s0;
			bx.v[bx.n++] = bulk(&xtcp, 43000);
			segs[1] += out_segs(&xtcp) - s1;
		}
		if (want(work, "rr")) {
			long s0 = out_segs(&tcp), s1;
			struct rr_result a = rr(&tcp, 43001, rr_n);
			struct rr_result b;

			segs[2] += out_segs(&tcp) - s0;
			s1 = out_segs(&xtcp);
			b = rr(&xtcp, 43001, rr_n);
			segs[3] += out_segs(&xtcp) - s1;

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
	/* both ends' segments in this namespace: data, ACKs, handshakes */
	if (!server_ns && bt.n)
		printf("segments sent per MiB of bulk (both ends): TCP %.1f | XTCP %.1f\n",
		       segs[0] / (double)(bt.n * (bulk_bytes >> 20)),
		       segs[1] / (double)(bx.n * (bulk_bytes >> 20)));
	if (!server_ns && rt.n)
		printf("segments sent per rr transaction (both ends): TCP %.2f | XTCP %.2f\n",
		       segs[2] / (double)(rt.n * rr_n), segs[3] / (double)(rx.n * rr_n));
	printf("ratios (XTCP/TCP, medians of %d):%s\n", reps, summary);
	return 0;
}
