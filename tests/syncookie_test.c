// SPDX-License-Identifier: GPL-2.0
/*
 * SYN floods and SYN cookies (issue 11 #1).  Each test makes its own
 * namespace: lo, and a tun device nobody reads (fl0) with a route for
 * 198.51.100.0/24, so that whatever answers a spoofed SYN is routed and
 * then vanishes (a blackhole route would fail the route lookup, and a
 * listener would make no child at all: the flood would cost nothing).
 *
 * The flood: raw sockets (IPPROTO_RAW, IP_HDRINCL) send SYNs of protocol
 * 253 to SC_ADDR (on lo) from random sources in 198.51.100.0/24, as fast as
 * they go, one sender on each CPU but the last, which the legitimate
 * clients and the server have to themselves.  A sender's SYNs are
 * processed on its CPU (loopback queues them on the CPU's backlog of
 * netdev_max_backlog packets); a sender on every CPU overflows those
 * backlogs, and what any client sends there is dropped before XTCP sees
 * it, a flood at line rate that no listener can do anything about.  With
 * one CPU, the one sender shares it.  Other tests forge the ACK of a
 * cookie with the same raw sockets and read the answers on a raw socket
 * of protocol 253.
 */
#include <sched.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "harness.h"
#include "xtcp_util.h"

#define SC_PORT		xt_port(15)
/*
 * The listener's address: not 127.0.0.1, from which nothing may be sent
 * to another network (a martian source, ip_route_output_key_hash_rcu()).
 */
#define SC_ADDR		"10.55.0.1"
#define SC_ADDR_N	0x0a370001
#define SC_BACKLOG	128
#define SC_LEGIT	100		/* connections to make during a flood */
#define SC_LEGIT_THREADS 4
#define SC_BATCH	64		/* SYNs per sendmmsg() */

#define SC_FIN	0x01
#define SC_SYN	0x02
#define SC_RST	0x04
#define SC_PSH	0x08
#define SC_ACK	0x10

/* The XTCP header: TCP's, byte for byte. */
struct sc_hdr {
	uint16_t	sport, dport;
	uint32_t	seq, ack;
	uint8_t		doff;		/* data offset << 4 */
	uint8_t		flags;
	uint16_t	wnd, check, urg;
} __attribute__((packed));

struct sc_seg {
	uint32_t	saddr, daddr;	/* network order */
	uint16_t	sport, dport;	/* host order, as the rest */
	uint32_t	seq, ack;
	uint8_t		flags;
	uint16_t	wnd;
	uint16_t	mss;		/* 0: no MSS option */
	const void	*data;
	size_t		len;
};

static uint32_t sc_sum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	while (len > 1) {
		sum += b[0] << 8 | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += b[0] << 8;
	return sum;
}

/* The segment with its IPv4 header into @buf; returns its length. */
static size_t sc_build(uint8_t *buf, const struct sc_seg *s)
{
	struct iphdr *ip = (struct iphdr *)buf;
	struct sc_hdr *h = (struct sc_hdr *)(ip + 1);
	size_t hlen = sizeof(*h) + (s->mss ? 4 : 0), tlen = hlen + s->len;
	uint8_t *opt = (uint8_t *)(h + 1);
	uint32_t sum;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_XTCP;
	ip->saddr = s->saddr;
	ip->daddr = s->daddr;
	ip->tot_len = htons(sizeof(*ip) + tlen);
	memset(h, 0, sizeof(*h));
	h->sport = htons(s->sport);
	h->dport = htons(s->dport);
	h->seq = htonl(s->seq);
	h->ack = htonl(s->ack);
	h->doff = (hlen / 4) << 4;
	h->flags = s->flags;
	h->wnd = htons(s->wnd);
	if (s->mss) {
		opt[0] = 2;
		opt[1] = 4;
		opt[2] = s->mss >> 8;
		opt[3] = s->mss & 0xff;
	}
	if (s->len)
		memcpy(buf + sizeof(*ip) + hlen, s->data, s->len);
	/* the pseudo-header, then the segment */
	sum = sc_sum(&ip->saddr, 8, 0) + IPPROTO_XTCP + tlen;
	sum = sc_sum(h, tlen, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h->check = htons(~sum & 0xffff);
	return sizeof(*ip) + tlen;
}

static int sc_raw_tx(void)
{
	return socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
}

static int sc_send(int fd, const struct sc_seg *s)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = s->daddr };
	uint8_t buf[1600];
	size_t n = sc_build(buf, s);

	return sendto(fd, buf, n, 0, (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)n ? 0 : -1;
}

/* A raw socket that sees every segment of protocol 253 in the namespace. */
static int sc_raw_rx(void)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_XTCP);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * The next segment from port @sport to port @dport whose flags include
 * @flags, within 2 s; its header in *@h (host order), its MSS option in
 * *@mss (0 if none).  0, or -1 if none came.
 */
static int sc_expect(int rx, uint16_t sport, uint16_t dport, uint8_t flags,
		     struct sc_hdr *h, uint16_t *mss)
{
	long end = now_ms() + 2000;
	uint8_t buf[2048];

	while (now_ms() < end) {
		ssize_t n = recv(rx, buf, sizeof(buf), 0);
		struct iphdr *ip = (struct iphdr *)buf;
		struct sc_hdr *t;
		size_t ihl;

		if (n < (ssize_t)sizeof(*ip))
			continue;
		ihl = ip->ihl * 4;
		if (n < (ssize_t)(ihl + sizeof(*t)))
			continue;
		t = (struct sc_hdr *)(buf + ihl);
		if (ntohs(t->sport) != sport || ntohs(t->dport) != dport ||
		    (t->flags & flags) != flags)
			continue;
		*h = *t;
		h->sport = sport;
		h->dport = dport;
		h->seq = ntohl(t->seq);
		h->ack = ntohl(t->ack);
		h->wnd = ntohs(t->wnd);
		if (mss) {
			uint8_t *o = (uint8_t *)(t + 1);

			*mss = (t->doff >> 4) * 4 >= 24 && o[0] == 2 && o[1] == 4 ?
			       o[2] << 8 | o[3] : 0;
		}
		return 0;
	}
	return -1;
}

/* Our own namespace: lo, and fl0, a tun nobody reads, for the spoofed. */
static int sc_netns(void)
{
	if (xt_private_netns())
		return -1;
	if (access("/dev/net/tun", F_OK) && system("modprobe tun"))
		return -1;
	return system("ip addr add " SC_ADDR "/32 dev lo && "
		      "ip tuntap add dev fl0 mode tun && ip link set fl0 up && "
		      "ip route add 198.51.100.0/24 dev fl0");
}

/* ---- the flood ---------------------------------------------------------- */

struct sc_shared {
	volatile int	stop;
	volatile long	sent[8];
};

static uint32_t sc_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* One sender: spoofed SYNs to SC_ADDR:@port until told to stop. */
static void sc_flooder(struct sc_shared *sh, int id, unsigned short port)
{
	static uint8_t buf[SC_BATCH][64];
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(SC_ADDR_N) };
	struct mmsghdr m[SC_BATCH];
	struct iovec iov[SC_BATCH];
	uint32_t r = 0x9e3779b9u * (id + 1);
	int fd = sc_raw_tx(), i, n;
	cpu_set_t cpus;

	if (fd < 0)
		_exit(1);
	CPU_ZERO(&cpus);
	CPU_SET(id, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	memset(m, 0, sizeof(m));
	while (!sh->stop) {
		for (i = 0; i < SC_BATCH; i++) {
			struct sc_seg s = {
				.saddr = htonl(0xc6336400 | (1 + sc_rand(&r) % 254)),
				.daddr = htonl(SC_ADDR_N),
				.sport = 1024 + sc_rand(&r) % 64000,
				.dport = port,
				.seq = sc_rand(&r),
				.flags = SC_SYN,
				.wnd = 65535,
				.mss = 1460,
			};

			iov[i].iov_base = buf[i];
			iov[i].iov_len = sc_build(buf[i], &s);
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
			m[i].msg_hdr.msg_name = &to;
			m[i].msg_hdr.msg_namelen = sizeof(to);
		}
		n = sendmmsg(fd, m, SC_BATCH, 0);
		if (n > 0)
			sh->sent[id] += n;
	}
	_exit(0);
}

struct sc_flood {
	struct sc_shared *sh;
	pid_t pid[8];
	int n;
	long t0;
	long drops0;
	long cdrops0;	/* of the clients' CPU */
	long dropped;	/* by the input backlogs, once stopped */
};

/*
 * Packets the input backlogs dropped (/proc/net/softnet_stat): of every
 * CPU, or (@cpu >= 0) of that one.
 */
static long sc_softnet_drops(int cpu)
{
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	unsigned int done, drop;
	long sum = 0;
	int i = 0;

	while (f && fscanf(f, "%x %x%*[^\n]", &done, &drop) == 2)
		if (cpu < 0 || i++ == cpu)
			sum += drop;
	if (f)
		fclose(f);
	return sum;
}

/* This process and its threads to come: the last CPU. */
static void sc_pin_last_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t cpus;

	if (n < 2)
		return;
	CPU_ZERO(&cpus);
	CPU_SET(n - 1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

static int sc_flood_start(struct sc_flood *f, unsigned short port)
{
	int i;

	f->n = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	if (f->n < 1)
		f->n = 1;
	if (f->n > 8)
		f->n = 8;
	f->sh = mmap(NULL, sizeof(*f->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f->sh == MAP_FAILED)
		return -1;
	memset((void *)f->sh, 0, sizeof(*f->sh));
	f->drops0 = sc_softnet_drops(-1);
	f->cdrops0 = sc_softnet_drops(f->n);
	f->t0 = now_ms();
	for (i = 0; i < f->n; i++) {
		f->pid[i] = fork();
		if (f->pid[i] == 0)
			sc_flooder(f->sh, i, port);
		if (f->pid[i] < 0)
			return -1;
	}
	return 0;
}

/* Stop the senders; returns the SYNs sent, *@pps their rate. */
static long sc_flood_stop(struct sc_flood *f, long *pps)
{
	long total = 0, ms;
	int i, st;

	f->sh->stop = 1;
	for (i = 0; i < f->n; i++)
		waitpid(f->pid[i], &st, 0);
	ms = now_ms() - f->t0;
	for (i = 0; i < f->n; i++)
		total += f->sh->sent[i];
	*pps = ms > 0 ? total * 1000 / ms : 0;
	f->dropped = sc_softnet_drops(-1) - f->drops0;
	printf("# flood: %ld SYNs in %ld ms from %d senders: %ld per second; %ld dropped by the input backlogs (%ld on the clients' CPU)\n",
	       total, ms, f->n, *pps, f->dropped,
	       sc_softnet_drops(f->n) - f->cdrops0);
	return total;
}

static long sc_slab_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Rows of /proc/net/xtcp in state @st (hex, as /proc/net/tcp) on @lport. */
static int sc_rows(int lport, unsigned int st)
{
	FILE *f = fopen("/proc/net/xtcp", "r");
	unsigned int lp, s;
	char line[256];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x", &lp, &s) == 2 &&
		    (int)lp == lport && s == st)
			n++;
	if (f)
		fclose(f);
	return n;
}

/* ---- legitimate clients ------------------------------------------------- */

static void *sc_echo_server(void *arg)
{
	int l = *(int *)arg;

	for (;;) {
		int a = accept(l, NULL, NULL);
		char b;

		if (a < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		if (recv(a, &b, 1, 0) == 1)
			send(a, &b, 1, MSG_NOSIGNAL);
		close(a);
	}
}

/* The clients give up on new connections after this long. */
#define SC_LEGIT_DEADLINE_MS	60000

static long sc_legit_end;
static long sc_slow_ms = 300;	/* a connection this slow is reported */
static int sc_syn_again;	/* connections whose SYN went more than once */

struct sc_client_arg {
	long	*ms;		/* connect + 1-byte echo, -1: failed */
	int	n;
};

static void *sc_client(void *arg)
{
	struct sc_client_arg *a = arg;
	long *ms = a->ms;
	int i;

	for (i = 0; i < a->n; i++) {
		struct timeval tv = { .tv_sec = 3 };
		long t0 = now_ms();
		int fd;
		char b = 'x';

		ms[i] = -1;
		if (t0 > sc_legit_end)
			continue;
		fd = xt_socket();
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (xt_connect(fd, SC_ADDR, SC_PORT) == 0) {
			long t1 = now_ms();
			struct xtcp_info ci;
			socklen_t cl = sizeof(ci);

			/* SYN and ACK so far, more if the SYN went again */
			if (!getsockopt(fd, SOL_XTCP, XTCP_INFO, &ci, &cl) &&
			    ci.xtcpi_segs_out > 2)
				__atomic_fetch_add(&sc_syn_again, 1, __ATOMIC_RELAXED);

			if (send(fd, &b, 1, MSG_NOSIGNAL) == 1 &&
			    recv(fd, &b, 1, 0) == 1 && b == 'x')
				ms[i] = now_ms() - t0;
			/* a slow one: in which half, and were segments resent? */
			if (ms[i] < 0 || ms[i] > sc_slow_ms) {
				struct xtcp_info info;
				socklen_t len = sizeof(info);

				memset(&info, 0, sizeof(info));
				getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len);
				printf("# slow: connect %ld ms, echo %ld ms, data resent %u\n",
				       t1 - t0, now_ms() - t1,
				       info.xtcpi_total_retrans);
			}
		}
		close(fd);
	}
	return NULL;
}

static int sc_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * @n connections (a multiple of SC_LEGIT_THREADS) from SC_LEGIT_THREADS
 * threads; the times, sorted, in @ms (failed ones as 2^40); returns how
 * many completed.
 */
static int sc_legit_run(long *ms, int n)
{
	struct sc_client_arg a[SC_LEGIT_THREADS];
	pthread_t th[SC_LEGIT_THREADS];
	int i, ok = 0;

	sc_legit_end = now_ms() + SC_LEGIT_DEADLINE_MS;
	for (i = 0; i < SC_LEGIT_THREADS; i++) {
		a[i].ms = ms + i * (n / SC_LEGIT_THREADS);
		a[i].n = n / SC_LEGIT_THREADS;
		pthread_create(&th[i], NULL, sc_client, &a[i]);
	}
	for (i = 0; i < SC_LEGIT_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++) {
		if (ms[i] >= 0)
			ok++;
		else
			ms[i] = 1L << 40;
	}
	qsort(ms, n, sizeof(ms[0]), sc_cmp);
	return ok;
}

/*
 * Wait (at most 60 s) until the flood has filled the SYN queue and drawn
 * @cookies cookies (from @c0 on; 0: none wanted); false if it did not.
 */
static int sc_flood_on(long c0, long cookies)
{
	long end = now_ms() + 60000;

	while (now_ms() < end) {
		if (sc_rows(SC_PORT, 3) >= SC_BACKLOG &&
		    xt_stat("SyncookiesSent") - c0 >= cookies)
			return 1;
		usleep(20000);
	}
	return 0;
}

/*
 * Issue 11 #1: spoofed SYNs at the highest rate the guest's CPUs can send
 * fill a backlog-128 listener's SYN queue in an instant; its SYN,ACKs
 * vanish.  With syncookies=1 (the default) every SYN past the queue gets
 * a cookie and keeps nothing: 100 connections made meanwhile all
 * complete (connect and a 1-byte echo), p99 under 1 s; the SYN queue
 * stays at its limit and Slab does not grow with the flood; the counters
 * say what happened.  Before cookies, the queue stayed full for the
 * children's 63 s of SYN,ACK retries and no client got in.
 */
static void flood_cookies(void)
{
	long ms[SC_LEGIT], base[20], bound, sent, pps, slab0, slab1, c0[4];
	struct sc_flood f;
	pthread_t srv;
	int l, ok, synrecv;

	XT_V4_ONLY("a flood of raw IPv4 SYNs (IPv6 cookies: v6_pkt_test.py, cookie6)");
	NEED(sc_netns() == 0);
	sc_pin_last_cpu();
	CHECK_OK(xt_sysctl_set("syncookies", 1));
	l = xt_listener(SC_ADDR, SC_PORT, SC_BACKLOG);
	NEED(l >= 0);
	NEED(pthread_create(&srv, NULL, sc_echo_server, &l) == 0);
	/*
	 * 1 s (p99), as the issue asks; a guest whose connections are slow
	 * with no flood at all (the debug kernel, KASAN under TCG on a busy
	 * host) gets ten times its own p90.
	 */
	NEED(sc_legit_run(base, 20) == 20);
	bound = base[17] * 10 > 1000 ? base[17] * 10 : 1000;
	sc_slow_ms = bound / 3;
	printf("# without a flood: p50 %ld ms, p90 %ld ms; the bound for p99: %ld ms\n",
	       base[9], base[17], bound);
	c0[0] = xt_stat("SyncookiesSent");
	c0[1] = xt_stat("SyncookiesRecv");
	c0[2] = xt_stat("SyncookiesFailed");
	c0[3] = xt_stat("ListenDrops");
	slab0 = sc_slab_kb();

	NEED_OK(sc_flood_start(&f, SC_PORT));
	/* the queue is full and overflowing twice over: then the clients */
	CHECK(sc_flood_on(c0[0], 2 * SC_BACKLOG));
	sc_syn_again = 0;
	ok = sc_legit_run(ms, SC_LEGIT);
	/* at least 3 s of flood, for the rate and the memory */
	while (now_ms() - f.t0 < 3000)
		usleep(50000);
	synrecv = sc_rows(SC_PORT, 3);
	slab1 = sc_slab_kb();
	sent = sc_flood_stop(&f, &pps);

	printf("# %d of %d connections completed during the flood: p50 %ld ms, p99 %ld ms, max %ld ms\n",
	       ok, SC_LEGIT, ms[SC_LEGIT / 2 - 1], ms[SC_LEGIT * 99 / 100 - 1],
	       ms[SC_LEGIT - 1]);
	printf("# SYN_RECV children: %d; Slab %ld -> %ld kB (%+ld kB)\n",
	       synrecv, slab0, slab1, slab1 - slab0);
	printf("# SyncookiesSent %ld SyncookiesRecv %ld SyncookiesFailed %ld ListenDrops %ld\n",
	       xt_stat("SyncookiesSent") - c0[0], xt_stat("SyncookiesRecv") - c0[1],
	       xt_stat("SyncookiesFailed") - c0[2], xt_stat("ListenDrops") - c0[3]);
	printf("# clients whose SYN went more than once: %d\n", sc_syn_again);
	CHECK(ok == SC_LEGIT);
	/*
	 * The p99 bound, unless no client's SYN had to go twice: then every
	 * SYN was answered at once, and what was slow was the guest (a host
	 * at load 8 once stalled this one 2 s with no segment lost).
	 */
	CHECK(ms[SC_LEGIT * 99 / 100 - 1] < bound || !sc_syn_again);
	CHECK(synrecv <= SC_BACKLOG);
	/*
	 * Bounded: 128 children, and the debug kernel's KASAN quarantine
	 * holds freed objects (up to 1/32 of its memory); a socket per SYN
	 * would be 1.7 kB each.
	 */
	CHECK(slab1 - slab0 < 64 * 1024);
	/* most SYNs reached the listener, all past the queue got cookies */
	CHECK(xt_stat("SyncookiesSent") - c0[0] >= (sent - f.dropped) / 2);
	/* each client's ACK came back to the full queue with its cookie */
	CHECK(xt_stat("SyncookiesRecv") - c0[1] == SC_LEGIT);
	CHECK(xt_stat("SyncookiesFailed") - c0[2] == 0);
	CHECK(xt_stat("ListenDrops") - c0[3] == 0);
	close(l);
}

/*
 * syncookies=0 keeps the old behaviour: with the SYN queue full, SYNs are
 * dropped (ListenDrops), no cookie goes out, and a client's connect()
 * waits past its first SYN retransmission.
 */
static void flood_no_cookies(void)
{
	long sent, pps, drops0, t0;
	struct pollfd p;
	struct sc_flood f;
	int l, c, synrecv;

	XT_V4_ONLY("a flood of raw IPv4 SYNs (IPv6 cookies: v6_pkt_test.py, cookie6)");
	NEED(sc_netns() == 0);
	sc_pin_last_cpu();
	NEED_OK(xt_sysctl_set("syncookies", 0));
	l = xt_listener(SC_ADDR, SC_PORT, SC_BACKLOG);
	NEED(l >= 0);
	drops0 = xt_stat("ListenDrops");
	NEED_OK(sc_flood_start(&f, SC_PORT));
	CHECK(sc_flood_on(0, 0));
	c = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
	NEED(c >= 0);
	t0 = now_ms();
	CHECK(xt_connect(c, SC_ADDR, SC_PORT) == -1 && errno == EINPROGRESS);
	p.fd = c;
	p.events = POLLOUT;
	CHECK(poll(&p, 1, 1500) == 0);
	printf("# connect still pending after %ld ms\n", now_ms() - t0);
	/* its SYN went again at the 1 s RTO: segs_out shows it, as
	 * flood_cookies's clients count
	 */
	{
		struct xtcp_info ci;
		socklen_t cl = sizeof(ci);

		CHECK(!getsockopt(c, SOL_XTCP, XTCP_INFO, &ci, &cl) &&
		      ci.xtcpi_segs_out >= 2);
	}
	synrecv = sc_rows(SC_PORT, 3);
	sent = sc_flood_stop(&f, &pps);
	printf("# SYN_RECV children: %d; ListenDrops %ld; SyncookiesSent %ld\n",
	       synrecv, xt_stat("ListenDrops") - drops0,
	       xt_stat("SyncookiesSent"));
	CHECK(synrecv == SC_BACKLOG);
	CHECK(xt_stat("SyncookiesSent") == 0);
	CHECK(xt_stat("ListenDrops") - drops0 >= (sent - f.dropped) / 2);
	close(c);
	close(l);
}

static int sc_info(int fd, struct xtcp_info *i)
{
	socklen_t len = sizeof(*i);

	memset(i, 0, sizeof(*i));
	return getsockopt(fd, SOL_XTCP, XTCP_INFO, i, &len);
}

struct sc_pump {
	int fd;
	const char *buf;
	size_t len;
};

static void *sc_pump(void *arg)
{
	struct sc_pump *p = arg;
	size_t off = 0;

	while (off < p->len) {
		ssize_t n = send(p->fd, p->buf + off, p->len - off, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		off += n;
	}
	return NULL;
}

static size_t sc_drain(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);

		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/* 256 kB each way between @c and @a, every byte checked. */
static void sc_transfer(int c, int a)
{
	static char out[256 << 10], in[256 << 10];
	struct sc_pump p1 = { c, out, sizeof(out) }, p2 = { a, out, sizeof(out) };
	struct timeval tv = { .tv_sec = 10 };
	pthread_t t;
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = i * 7 + (i >> 9);
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	NEED(pthread_create(&t, NULL, sc_pump, &p1) == 0);
	CHECK(sc_drain(a, in, sizeof(in)) == sizeof(in));
	CHECK(!memcmp(in, out, sizeof(in)));
	pthread_join(t, NULL);
	NEED(pthread_create(&t, NULL, sc_pump, &p2) == 0);
	memset(in, 0, sizeof(in));
	CHECK(sc_drain(c, in, sizeof(in)) == sizeof(in));
	CHECK(!memcmp(in, out, sizeof(in)));
	pthread_join(t, NULL);
}

/*
 * A connection through a cookie (syncookies=2), the client with
 * XTCP_MAXSEG @maxseg if set: the accepted side sends segments of the
 * MSS the cookie kept (@want_mss), neither side scales its window, and
 * data flows both ways.
 */
static void sc_cookie_conn(int l, int maxseg, unsigned int want_mss)
{
	struct xtcp_info ci, ai;
	int c, a;

	c = xt_socket();
	NEED(c >= 0);
	if (maxseg)
		NEED_OK(setsockopt(c, SOL_XTCP, XTCP_MAXSEG, &maxseg, sizeof(maxseg)));
	NEED_OK(xt_connect(c, SC_ADDR, SC_PORT));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	CHECK_OK(sc_info(a, &ai));
	CHECK_OK(sc_info(c, &ci));
	printf("# XTCP_MAXSEG %d: accepted snd_mss %u, wscale %u/%u; client snd_mss %u, wscale %u/%u\n",
	       maxseg, ai.xtcpi_snd_mss, ai.xtcpi_snd_wscale, ai.xtcpi_rcv_wscale,
	       ci.xtcpi_snd_mss, ci.xtcpi_snd_wscale, ci.xtcpi_rcv_wscale);
	CHECK(ai.xtcpi_snd_mss == want_mss);
	/* no timestamps to keep it in: no window scale, as Linux without them */
	CHECK(ai.xtcpi_snd_wscale == 0 && ai.xtcpi_rcv_wscale == 0);
	CHECK(ci.xtcpi_snd_wscale == 0 && ci.xtcpi_rcv_wscale == 0);
	CHECK(ai.xtcpi_state == 1 && ci.xtcpi_state == 1);	/* ESTABLISHED */
	sc_transfer(c, a);
	close(c);
	close(a);
}

/*
 * syncookies=2 sends a cookie for every SYN, with no flood: the
 * connection is made from the returning ACK (SyncookiesSent and
 * SyncookiesRecv count each), no child waits in SYN_RECEIVED, and the MSS
 * is the client's rounded down to Linux's table (65495 on lo -> 1460,
 * XTCP_MAXSEG 1400 -> 1300, 600 -> 536).
 */
static void cookies_always(void)
{
	long s0, r0;
	int l;

	XT_V4_ONLY("a flood of raw IPv4 SYNs (IPv6 cookies: v6_pkt_test.py, cookie6)");
	NEED(sc_netns() == 0);
	NEED_OK(xt_sysctl_set("syncookies", 2));
	l = xt_listener(SC_ADDR, SC_PORT, SC_BACKLOG);
	NEED(l >= 0);
	s0 = xt_stat("SyncookiesSent");
	r0 = xt_stat("SyncookiesRecv");
	sc_cookie_conn(l, 0, 1460);
	sc_cookie_conn(l, 1400, 1300);
	sc_cookie_conn(l, 600, 536);
	CHECK(xt_stat("SyncookiesSent") - s0 == 3);
	CHECK(xt_stat("SyncookiesRecv") - r0 == 3);
	CHECK(xt_stat("SyncookiesFailed") == 0);
	close(l);
}

/* <SEQ=@seq><ACK=@ack><CTL=@flags> from 127.0.0.2:@sport to the listener */
static int sc_send_to_listener(int tx, uint16_t sport, uint32_t seq,
			       uint32_t ack, uint8_t flags, uint16_t mss,
			       const char *data)
{
	struct sc_seg s = {
		.saddr = htonl(0x7f000002),
		.daddr = htonl(SC_ADDR_N),
		.sport = sport,
		.dport = SC_PORT,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.wnd = 65535,
		.mss = mss,
		.data = data,
		.len = data ? strlen(data) : 0,
	};

	return sc_send(tx, &s);
}

/*
 * The ACK of a cookie, by hand: a SYN from 127.0.0.2:40000 draws a
 * SYN,ACK whose sequence number is the cookie (SEG.ACK = SYN + 1, an MSS
 * option and no window scale).  A forged cookie, and the real one from
 * another port, are rejected: SyncookiesFailed, and <SEQ=SEG.ACK><CTL=RST>
 * as for any ACK to a listener; nothing to accept.  The real one, with
 * data on it, makes the connection and the data is read from its first
 * byte.  Before any cookie (syncookies=1, no flood), an ACK to the
 * listener is only an ACK: RST, and no failure counted, as Linux.
 */
static void cookie_ack_forged(void)
{
	const uint32_t syn = 0x11223344;
	struct sc_hdr h;
	uint16_t mss = 0;
	uint32_t cookie;
	char buf[16];
	int l, tx, rx, a;
	long f0;

	XT_V4_ONLY("a flood of raw IPv4 SYNs (IPv6 cookies: v6_pkt_test.py, cookie6)");
	NEED(sc_netns() == 0);
	NEED_OK(xt_sysctl_set("syncookies", 1));
	l = xt_listener(SC_ADDR, SC_PORT, SC_BACKLOG);
	NEED(l >= 0);
	NEED(fcntl(l, F_SETFL, O_NONBLOCK) == 0);
	tx = sc_raw_tx();
	rx = sc_raw_rx();
	NEED(tx >= 0 && rx >= 0);

	/* no cookie sent yet: not checked, not a failure */
	f0 = xt_stat("SyncookiesFailed");
	NEED_OK(sc_send_to_listener(tx, xt_port(0), syn + 1, 0xdeadbeef, SC_ACK, 0, NULL));
	CHECK(sc_expect(rx, SC_PORT, xt_port(0), SC_RST, &h, NULL) == 0 &&
	      h.seq == 0xdeadbeef);
	CHECK(xt_stat("SyncookiesFailed") == f0);

	NEED_OK(xt_sysctl_set("syncookies", 2));
	NEED_OK(sc_send_to_listener(tx, xt_port(0), syn, 0, SC_SYN, 1400, NULL));
	NEED(sc_expect(rx, SC_PORT, xt_port(0), SC_SYN | SC_ACK, &h, &mss) == 0);
	cookie = h.seq;
	printf("# cookie %08x for SYN %08x; SYN,ACK ack %08x, header %u bytes, MSS %u\n",
	       cookie, syn, h.ack, (h.doff >> 4) * 4, mss);
	CHECK(h.ack == syn + 1);
	CHECK((h.doff >> 4) * 4 == 24);		/* MSS only: no window scale */
	CHECK(mss == 65495 || mss == 65496);	/* lo's MTU less the headers */
	CHECK(sc_rows(SC_PORT, 3) == 0);	/* no child kept */

	/* forged: off by more than the MSS table */
	NEED_OK(sc_send_to_listener(tx, xt_port(0), syn + 1, cookie + 1 + 0x10000,
				    SC_ACK, 0, NULL));
	CHECK(sc_expect(rx, SC_PORT, xt_port(0), SC_RST, &h, NULL) == 0 &&
	      h.seq == cookie + 1 + 0x10000);
	CHECK(xt_stat("SyncookiesFailed") == f0 + 1);
	/* the real cookie, from another port: it is bound to the 4-tuple */
	NEED_OK(sc_send_to_listener(tx, xt_port(1), syn + 1, cookie + 1, SC_ACK, 0,
				    NULL));
	CHECK(sc_expect(rx, SC_PORT, xt_port(1), SC_RST, &h, NULL) == 0 &&
	      h.seq == cookie + 1);
	CHECK(xt_stat("SyncookiesFailed") == f0 + 2);
	/* and with another sequence number (not the SYN's) */
	NEED_OK(sc_send_to_listener(tx, xt_port(0), syn + 0x100001, cookie + 1,
				    SC_ACK, 0, NULL));
	CHECK(sc_expect(rx, SC_PORT, xt_port(0), SC_RST, &h, NULL) == 0);
	CHECK(xt_stat("SyncookiesFailed") == f0 + 3);
	CHECK(accept(l, NULL, NULL) == -1 && errno == EAGAIN);
	CHECK(xt_stat("SyncookiesRecv") == 0);

	/* the real one, with data: a connection, its data from byte one */
	NEED_OK(sc_send_to_listener(tx, xt_port(0), syn + 1, cookie + 1,
				    SC_ACK | SC_PSH, 0, "hello"));
	usleep(100000);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK(xt_stat("SyncookiesRecv") == 1);
	CHECK(xt_stat("SyncookiesFailed") == f0 + 3);
	if (a >= 0) {
		memset(buf, 0, sizeof(buf));
		CHECK(recv(a, buf, sizeof(buf), MSG_DONTWAIT) == 5 &&
		      !strcmp(buf, "hello"));
		close(a);
	}
	close(tx);
	close(rx);
	close(l);
}

static const struct xt_test tests[] = {
	TEST_T(flood_cookies, 240),
	TEST_T(flood_no_cookies, 120),
	TEST_T(cookies_always, 120),
	TEST_T(cookie_ack_forged, 120),
};

XT_MAIN("syncookie", tests)
