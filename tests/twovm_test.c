// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP between two machines: the stock 6.1 guest and the 6.12 debug guest,
 * joined by emulated NICs (scripts/two-vm.sh).  Both guests run this
 * program with the same list of tests; each test has a side in each guest,
 * and its name says which guest connects (and sends): handshake, 100 MB
 * checked by SHA-256, half-close, simultaneous open across the link, RST
 * from a closed port, TIME_WAIT on the side that closed first, a transfer
 * under netem loss, and transfers through a NIC that computes the checksum
 * (e1000: QEMU's model sums at csum_start/csum_offset) with its transmit
 * checksum offload on and off.
 *
 * The environment (tests/twovm-guest.sh sets it):
 *	XT_TWOVM_ROLE	stock | debug: which guest this is
 *	XT_TWOVM_FAMILY	4 (the default) or 6: the tests' family (the sync
 *			points are kernel TCP over IPv4 either way)
 *	XT_TWOVM_DEV	the virtio-net interface (192.0.2.0/24)
 *	XT_TWOVM_CSUM_DEV the e1000 interface (198.51.100.0/24)
 *	XT_TWOVM_BULK_MB the size of bulk_sha256 (default 100)
 *	XT_TWOVM_CSUM_MB the size of each checksum-offload transfer (default
 *			8; at least 3, for the 1000 segments it counts)
 *
 * The two sides meet at sync points over the link itself: kernel TCP on the
 * virtio-net link, the stock guest listening, the debug guest retrying its
 * connect until the stock side is there or the deadline passes.  Each
 * point has a tag; a side that is at another point (its peer failed a test
 * and moved on) is told "no" and both retry until their deadlines.
 *
 *	twovm_test [--list] [FILTER]	the tests, as every harness program
 *	twovm_test --sync TAG SECS	one sync point (the guest script's first
 *					and last: the guests boot at different
 *					speeds)
 */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>

#include "harness.h"
#include "sha256.h"
#include "stream.h"
#include "xtcp_util.h"

#define SYNC_PORT	7999	/* kernel TCP, the stock side listens */
#define SYNC_SECS	90	/* a sync point's deadline inside a test */
#define BULK_MB		100	/* XT_TWOVM_BULK_MB overrides */
#define LOSS_BYTES	(2ull << 20)
#define CSUM_MB		8	/* XT_TWOVM_CSUM_MB overrides */

enum role { STOCK, DEBUG };
/* Who connects (and sends): the first-named guest of the test. */
enum dir { STOCK_TO_DEBUG, DEBUG_TO_STOCK };

static enum role role;
static const char *dev = "eth0", *csum_dev = "eth1";

static int v6;		/* XT_TWOVM_FAMILY=6 */

/*
 * The addresses: [link][role], link 0 the virtio-net one, 1 the e1000 one
 * (twovm-guest.sh configures both families).  An address with a colon
 * makes xtcp_util.h's helpers build a struct sockaddr_xtcp6.
 */
static const char *const addrs4[2][2] = {
	{ "192.0.2.1", "192.0.2.2" },
	{ "198.51.100.1", "198.51.100.2" },
};

static const char *const addrs6[2][2] = {
	{ "2001:db8:2::1", "2001:db8:2::2" },
	{ "2001:db8:3::1", "2001:db8:3::2" },
};

static const char *me(int link)
{
	return v6 ? addrs6[link][role] : addrs4[link][role];
}

static const char *peer(int link)
{
	return v6 ? addrs6[link][!role] : addrs4[link][!role];
}

/* Does this guest connect (and send) in a test of direction @d? */
static int is_client(enum dir d)
{
	return (d == STOCK_TO_DEBUG) == (role == STOCK);
}

/* Each test, direction and family its own XTCP port: nothing one leaves
 * behind (a TIME_WAIT entry) meets the next.
 */
static unsigned short port_of(int test, enum dir d)
{
	return 42000 + v6 * 100 + test * 10 + d;
}

/* ---- sync points over the link ------------------------------------------ */

static int wait_fd(int fd, short ev, long deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	long left = deadline - now_ms();

	if (left <= 0)
		return 0;
	return poll(&p, 1, left) == 1 && (p.revents & ev);
}

/* Read a line of at most @n - 1 bytes into @buf before @deadline. */
static int read_line(int fd, char *buf, size_t n, long deadline)
{
	size_t got = 0;

	while (got + 1 < n) {
		ssize_t r;

		if (!wait_fd(fd, POLLIN, deadline))
			return -1;
		r = read(fd, buf + got, 1);
		if (r <= 0)
			return -1;
		if (buf[got] == '\n') {
			buf[got] = 0;
			return 0;
		}
		got++;
	}
	return -1;
}

static int write_str(int fd, const char *s)
{
	size_t n = strlen(s);

	return write(fd, s, n) == (ssize_t)n ? 0 : -1;
}

static struct sockaddr_in sync_addr(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(SYNC_PORT) };

	inet_pton(AF_INET, addrs4[0][STOCK], &a.sin_addr);
	return a;
}

/*
 * The stock side: accept until a peer at @tag comes (answer "ok"), telling
 * any other "no".  With @align, the peer then sends "go" after its own
 * delay; see sync_point().
 */
static int sync_serve(const char *tag, long deadline, int align)
{
	struct sockaddr_in a = sync_addr();
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, rc = -1;
	char line[128], said[128] = "";

	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 8)) {
		fprintf(stderr, "  sync %s: listener: %s\n", tag, strerror(errno));
		goto out;
	}
	while (rc && wait_fd(l, POLLIN, deadline)) {
		int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		long d = now_ms() + 10000;

		if (c < 0)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (read_line(c, line, sizeof(line), d)) {
			close(c);
			continue;
		}
		if (strcmp(line, tag)) {
			if (strcmp(line, said))
				fprintf(stderr, "  sync %s: the peer is at %s\n", tag, line);
			snprintf(said, sizeof(said), "%s", line);
			write_str(c, "no\n");
			close(c);
			continue;
		}
		if (!write_str(c, "ok\n") &&
		    (!align || (!read_line(c, line, sizeof(line), d) &&
				!strcmp(line, "go"))))
			rc = 0;
		close(c);
	}
out:
	if (l >= 0)
		close(l);
	return rc;
}

/* The debug side: connect until the stock side answers "ok" for @tag. */
static int sync_join(const char *tag, long deadline, long *rtt_ms)
{
	struct sockaddr_in a = sync_addr();
	char line[128];
	int one = 1, told = 0;

	while (now_ms() < deadline) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		long t0, d = now_ms() + 3000;

		if (c < 0)
			return -1;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (d > deadline)
			d = deadline;
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
			goto retry;
		if (!wait_fd(c, POLLOUT, d))
			goto retry;
		{
			int err = 0;
			socklen_t len = sizeof(err);

			if (getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) || err)
				goto retry;
		}
		snprintf(line, sizeof(line), "%s\n", tag);
		t0 = now_ms();
		if (write_str(c, line) || read_line(c, line, sizeof(line), now_ms() + 10000))
			goto retry;
		if (!strcmp(line, "ok")) {
			*rtt_ms = now_ms() - t0;
			return c;
		}
		if (!told++)
			fprintf(stderr, "  sync %s: the peer is at another point\n", tag);
retry:
		close(c);
		usleep(50 * 1000);
	}
	return -1;
}

/*
 * Meet the other guest at @tag within @secs.  With @align_ms, both sides
 * return at about the same moment, @align_ms after the meeting: the debug
 * side, having measured the round trip T of its "ok", sends "go" and waits
 * T/2 + align_ms; the stock side waits align_ms after "go" arrives, about
 * T/2 later (as far as the two directions of the link are alike).
 */
static int sync_point_secs(const char *tag, int secs, int align_ms)
{
	long deadline = now_ms() + secs * 1000L, rtt = 0;
	int c;

	if (role == STOCK) {
		if (sync_serve(tag, deadline, align_ms > 0))
			return -1;
		if (align_ms)
			usleep(align_ms * 1000);
		return 0;
	}
	c = sync_join(tag, deadline, &rtt);
	if (c < 0)
		return -1;
	if (align_ms && write_str(c, "go\n")) {
		close(c);
		return -1;
	}
	close(c);
	if (align_ms)
		usleep((rtt / 2 + align_ms) * 1000);
	return 0;
}

static void sync_point(const char *fmt, int n)
{
	char tag[96];

	snprintf(tag, sizeof(tag), fmt, n);
	if (sync_point_secs(tag, SYNC_SECS, 0)) {
		fprintf(stderr, "  no sync with the other guest at %s\n", tag);
		fflush(NULL);
		_exit(1);
	}
}

/* ---- helpers -------------------------------------------------------------- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/*
 * Every test starts from a NIC without netem (a failed test may leave one).
 * Between tests this process holds no XTCP socket, and a closing one has
 * given its module reference back (life.c): a reference left is one the
 * test before leaked, named here so that the rmmod at the end is not the
 * first sign.
 */
static void begin(void)
{
	FILE *f = fopen("/sys/module/xtcp/refcnt", "r");
	int refs = -1;

	sh("tc qdisc del dev %s root 2>/dev/null", dev);
	if (f) {
		if (fscanf(f, "%d", &refs) != 1)
			refs = -1;
		fclose(f);
	}
	if (refs)
		printf("# xtcp.ko has %d references before this test\n", refs);
}

/* The /proc/net/xtcp state of the row (@lport, @rport), TIME_WAIT rows
 * included; -1 when there is none.
 */
static int proc_state(int lport, int rport)
{
	FILE *f = fopen(v6 ? "/proc/net/xtcp6" : "/proc/net/xtcp", "r");
	unsigned int lp, rp, st;
	char line[256];
	int r = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x",
			   &lp, &rp, &st) == 3 &&
		    (int)lp == lport && (int)rp == rport) {
			r = st;
			break;
		}
	fclose(f);
	return r;
}

/* Wait up to @ms for the row (@lport, @rport) to be in state @st (-1: gone). */
static int await_state(int lport, int rport, int st, long ms)
{
	long end = now_ms() + ms;
	int s;

	while ((s = proc_state(lport, rport)) != st && now_ms() < end)
		usleep(5000);
	if (s != st)
		fprintf(stderr, "  row %d -> %d: state %d, want %d\n", lport, rport, s, st);
	return s == st;
}

static int peer_port(int fd)
{
	union xt_sockaddr a;
	socklen_t len = sizeof(a);

	if (getpeername(fd, &a.sa, &len))
		return -1;
	/* the port sits where sockaddr_in's does in both shapes */
	return ntohs(len == sizeof(a.v6) ? a.v6.sxtcp6_port : a.v4.sxtcp_port);
}

/* Is @fd's address (local, or the peer's with @remote) @ip:@port? */
static int addr_is(int fd, int remote, const char *ip, int port)
{
	union xt_sockaddr a, want;
	socklen_t len = sizeof(a), wlen = xt_sockaddr(ip, port < 0 ? 0 : port, &want);
	int r = remote ? getpeername(fd, &a.sa, &len) : getsockname(fd, &a.sa, &len);

	if (r || len != wlen)
		return 0;
	if (len == sizeof(a.v6))
		return a.v6.sxtcp6_family == want.v6.sxtcp6_family &&
		       !memcmp(a.v6.sxtcp6_addr, want.v6.sxtcp6_addr, 16) &&
		       (port < 0 || a.v6.sxtcp6_port == want.v6.sxtcp6_port);
	return a.v4.sxtcp_family == want.v4.sxtcp_family &&
	       a.v4.sxtcp_addr == want.v4.sxtcp_addr &&
	       (port < 0 || a.v4.sxtcp_port == want.v4.sxtcp_port);
}

static int listen_on(int link, unsigned short port)
{
	int l = xt_socket(), one = 1;

	NEED(l >= 0);
	NEED_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	NEED_OK(xt_bind(l, me(link), port));
	NEED_OK(listen(l, 4));
	return l;
}

static int accept_within(int l, int secs)
{
	NEED(wait_fd(l, POLLIN, now_ms() + secs * 1000L));
	return accept(l, NULL, NULL);
}

static int connect_to(int link, unsigned short port)
{
	int c = xt_socket();

	NEED(c >= 0);
	NEED_OK(xt_connect(c, peer(link), port));
	return c;
}

static int recv_all(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, (char *)buf + got, n - got, 0);

		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static int send_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);

		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

/*
 * What an AF_PACKET socket on the e1000 NIC sees of XTCP's segments in one
 * direction: on the sender, before the NIC (a segment whose checksum the
 * NIC is to compute comes with TP_STATUS_CSUMNOTREADY); on the receiver,
 * as they came off the wire, each checksum checked here against the
 * pseudo-header (RFC 9293 3.1, protocol 253).
 */
struct capture {
	int fd;
	int outgoing;		/* count the segments leaving, else arriving */
	volatile int stop;
	long segs, partial, good, bad;
	pthread_t thread;
};

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t csum_add(uint32_t sum, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return csum_fold(sum);
}

/*
 * Does the XTCP segment in the IP packet @p of @n bytes sum right?  The
 * pseudo-header is RFC 9293 3.1's over IPv4, RFC 8200 8.1's over IPv6
 * (no extension headers: XTCP sends none).
 */
static int segment_sums(const unsigned char *p, size_t n)
{
	const struct iphdr *ip = (const void *)p;
	const struct ip6_hdr *ip6 = (const void *)p;
	size_t hl, len;
	unsigned char ph[4];
	uint32_t sum;

	if (ip->version == 6) {
		hl = sizeof(*ip6);
		len = ntohs(ip6->ip6_plen);
		sum = csum_add(0, (const unsigned char *)&ip6->ip6_src, 32);
	} else {
		hl = ip->ihl * 4;
		len = ntohs(ip->tot_len) - hl;
		sum = csum_add(0, (const unsigned char *)&ip->saddr, 8);
	}
	if (hl + len > n)
		return 0;
	/* the length in 16 bits is IPv4's; IPv6's 32-bit one sums the same */
	ph[0] = 0;
	ph[1] = IPPROTO_XTCP;
	ph[2] = len >> 8;
	ph[3] = len & 0xff;
	sum = csum_add(sum, ph, 4);
	sum = csum_add(sum, p + hl, len);
	return csum_fold(sum) == 0xffff;
}

/* Is the packet @p of @n bytes (of link protocol @proto) an XTCP segment? */
static int is_xtcp(const unsigned char *p, ssize_t n, unsigned short proto)
{
	if (proto == htons(ETH_P_IP))
		return n >= (ssize_t)sizeof(struct iphdr) &&
		       ((const struct iphdr *)p)->protocol == IPPROTO_XTCP;
	if (proto == htons(ETH_P_IPV6))
		return n >= (ssize_t)sizeof(struct ip6_hdr) &&
		       ((const struct ip6_hdr *)p)->ip6_nxt == IPPROTO_XTCP;
	return 0;
}

static void *capture_run(void *arg)
{
	static unsigned char buf[65536];
	struct capture *c = arg;
	char ctl[CMSG_SPACE(sizeof(struct tpacket_auxdata))];

	while (!c->stop) {
		struct sockaddr_ll from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from),
				    .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *cm;
		unsigned int status = 0;
		ssize_t n = recvmsg(c->fd, &m, 0);

		if (!is_xtcp(buf, n, from.sll_protocol) ||
		    (from.sll_pkttype == PACKET_OUTGOING) != c->outgoing)
			continue;
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_PACKET &&
			    cm->cmsg_type == PACKET_AUXDATA)
				status = ((struct tpacket_auxdata *)CMSG_DATA(cm))->tp_status;
		c->segs++;
		if (status & TP_STATUS_CSUMNOTREADY)
			c->partial++;
		else if (segment_sums(buf, n))
			c->good++;
		else
			c->bad++;
	}
	return NULL;
}

static void capture_start(struct capture *c, const char *ifname, int outgoing)
{
	/* ETH_P_ALL: only those taps see what leaves (dev_queue_xmit_nit()) */
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_protocol = htons(ETH_P_ALL) };
	struct timeval tv = { 0, 200 * 1000 };
	int one = 1, big = 8 << 20;

	memset(c, 0, sizeof(*c));
	c->outgoing = outgoing;
	a.sll_ifindex = if_nametoindex(ifname);
	c->fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	NEED(c->fd >= 0 && a.sll_ifindex);
	NEED_OK(bind(c->fd, (struct sockaddr *)&a, sizeof(a)));
	NEED_OK(setsockopt(c->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)));
	NEED_OK(setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	NEED(!pthread_create(&c->thread, NULL, capture_run, c));
}

static void capture_stop(struct capture *c)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	c->stop = 1;
	pthread_join(c->thread, NULL);
	memset(&st, 0, sizeof(st));
	getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	printf("# captured %s: %ld segments: %ld summed by the NIC, %ld right, %ld wrong (%u not captured)\n",
	       c->outgoing ? "leaving" : "arriving", c->segs, c->partial,
	       c->good, c->bad, st.tp_drops);
	close(c->fd);
}

/*
 * One stream transfer of @bytes on @link: the client sends the stream and
 * then its SHA-256 (64 hex digits) and closes; the server reads the stream,
 * checking every byte and hashing it, compares the hashes and waits for the
 * end.  No checksum error may show on the receiver.
 */
static void transfer(int test, enum dir d, int link, uint64_t bytes)
{
	unsigned short port = port_of(test, d);
	long t0, ms, csum0 = xt_stat("InCsumErrors");
	struct xfer x = { .seed = 1000 + test * 2 + d, .bytes = bytes,
			  .max_chunk = 65536 };
	char hex[65] = "", c;

	if (is_client(d)) {
		struct xtcp_info i;
		socklen_t len = sizeof(i);

		sync_point("transfer %d listening", test * 2 + d);
		x.fd = connect_to(link, port);
		t0 = now_ms();
		xfer_send(&x);
		CHECK(!x.err && x.bytes == bytes);
		CHECK_OK(send_all(x.fd, x.hex, 64));
		ms = now_ms() - t0;
		memset(&i, 0, sizeof(i));
		getsockopt(x.fd, SOL_XTCP, XTCP_INFO, &i, &len);
		printf("# sent %" PRIu64 " bytes in %ld ms (%.1f MB/s), mss %u, %u retransmitted\n",
		       x.bytes, ms, ms ? x.bytes / 1048.576 / ms : 0.0,
		       i.xtcpi_snd_mss, i.xtcpi_total_retrans);
		close(x.fd);
	} else {
		int l = listen_on(link, port);

		sync_point("transfer %d listening", test * 2 + d);
		x.fd = accept_within(l, 30);
		NEED(x.fd >= 0);
		close(l);
		t0 = now_ms();
		xfer_recv(&x);
		ms = now_ms() - t0;
		CHECK(!x.err && x.bytes == bytes);
		if (x.bad)
			fprintf(stderr, "  wrong byte at offset %" PRIu64 "\n", x.bad - 1);
		CHECK(!x.bad);
		CHECK(!recv_all(x.fd, hex, 64));
		fprintf(stderr, "  sha256 got %s\n  sha256 sent %s\n", x.hex, hex);
		CHECK(!strcmp(hex, x.hex));
		CHECK(recv(x.fd, &c, 1, 0) == 0);
		printf("# received %" PRIu64 " bytes in %ld ms (%.1f MB/s)\n",
		       x.bytes, ms, ms ? x.bytes / 1048.576 / ms : 0.0);
		CHECK(xt_stat("InCsumErrors") == csum0);
		close(x.fd);
	}
	sync_point("transfer %d done", test * 2 + d);
}

/* ---- the tests ------------------------------------------------------------ */

enum { T_HANDSHAKE = 1, T_BULK, T_HALF_CLOSE, T_SIMOPEN, T_RST, T_TIME_WAIT,
       T_LOSS, T_CSUM_ON, T_CSUM_OFF };

/*
 * Three-way handshake across the link: both ends ESTABLISHED, each sees
 * the other's address, a request and an answer, and the counters of an
 * active and a passive open.
 */
static void handshake(enum dir d)
{
	unsigned short port = port_of(T_HANDSHAKE, d);
	long act = xt_stat("ActiveOpens"), pas = xt_stat("PassiveOpens");
	char buf[8] = "";
	int fd;

	begin();
	if (is_client(d)) {
		sync_point("handshake %d", d);
		fd = connect_to(0, port);
		CHECK(addr_is(fd, 0, me(0), -1));
		CHECK(addr_is(fd, 1, peer(0), port));
		CHECK(proc_state(xt_local_port(fd), port) == 0x01);
		CHECK(xt_stat("ActiveOpens") == act + 1);
		CHECK_OK(send_all(fd, "hello", 5));
		CHECK(!recv_all(fd, buf, 5) && !memcmp(buf, "world", 5));
		close(fd);
	} else {
		int l = listen_on(0, port);

		sync_point("handshake %d", d);
		fd = accept_within(l, 30);
		NEED(fd >= 0);
		CHECK(addr_is(fd, 0, me(0), port));
		CHECK(addr_is(fd, 1, peer(0), -1));
		CHECK(proc_state(port, peer_port(fd)) == 0x01);
		CHECK(xt_stat("PassiveOpens") == pas + 1);
		CHECK(!recv_all(fd, buf, 5) && !memcmp(buf, "hello", 5));
		CHECK_OK(send_all(fd, "world", 5));
		CHECK(recv(fd, buf, 1, 0) == 0);
		close(fd);
		close(l);
	}
	sync_point("handshake %d done", d);
}

/*
 * 100 MB (XT_TWOVM_BULK_MB) over virtio-net (no checksum offload there),
 * SHA-256 checked.
 */
static void bulk_sha256(enum dir d)
{
	const char *mb = getenv("XT_TWOVM_BULK_MB");
	uint64_t n = mb ? strtoull(mb, NULL, 10) : BULK_MB;

	begin();
	printf("# %" PRIu64 " MB\n", n);
	transfer(T_BULK, d, 0, n << 20);
}

/*
 * Half-close (RFC 9293 3.6): the client sends a request and shuts down its
 * sending side (FIN_WAIT_2 once acknowledged); the server reads to the
 * end (CLOSE_WAIT), still sends 1 MB, then closes; the client reads it all.
 */
static void half_close(enum dir d)
{
	unsigned short port = port_of(T_HALF_CLOSE, d);
	struct xfer x = { .seed = 77 + d, .bytes = 1 << 20, .max_chunk = 16384 };
	char buf[16];

	begin();
	if (is_client(d)) {
		int lport;

		sync_point("half_close %d", d);
		x.fd = connect_to(0, port);
		lport = xt_local_port(x.fd);
		CHECK_OK(send_all(x.fd, "request", 7));
		CHECK_OK(shutdown(x.fd, SHUT_WR));
		CHECK(await_state(lport, port, 0x05, 10000));	/* FIN_WAIT_2 */
		xfer_recv(&x);
		CHECK(!x.err && x.bytes == 1 << 20 && !x.bad);
		CHECK(recv(x.fd, buf, 1, 0) == 0);
		close(x.fd);
	} else {
		int l = listen_on(0, port), rport;

		sync_point("half_close %d", d);
		x.fd = accept_within(l, 30);
		NEED(x.fd >= 0);
		close(l);
		rport = peer_port(x.fd);
		CHECK(!recv_all(x.fd, buf, 7) && !memcmp(buf, "request", 7));
		CHECK(recv(x.fd, buf, 1, 0) == 0);
		CHECK(proc_state(port, rport) == 0x08);		/* CLOSE_WAIT */
		xfer_send(&x);
		CHECK(!x.err && x.bytes == 1 << 20);
		close(x.fd);
	}
	sync_point("half_close %d done", d);
}

/*
 * Simultaneous open (RFC 9293 figure 8) across the link: each guest binds
 * its port and connects to the other's at the same moment.  Netem delays
 * each NIC's output by 300 ms, so both SYNs are in flight together and
 * each side passes SYN_RECEIVED (watched in /proc/net/xtcp) on its way to
 * ESTABLISHED.  Should the start miss (a SYN meets a port that is not yet
 * connecting: both get ECONNREFUSED), try again, at most four times.
 */
static void simultaneous_open(enum dir d)
{
	unsigned short mine = port_of(T_SIMOPEN, STOCK_TO_DEBUG) + (role == DEBUG);
	unsigned short theirs = port_of(T_SIMOPEN, STOCK_TO_DEBUG) + (role == STOCK);
	int attempt, ok = 0, saw_synrecv = 0, s = -1;
	char tag[64], c = 'x';

	begin();
	NEED(!sh("tc qdisc add dev %s root netem delay 300ms", dev));
	/* two directions, one port pair: the first test's pair is TIME_WAIT */
	mine += 2 * d;
	theirs += 2 * d;
	for (attempt = 0; attempt < 4 && !ok; attempt++) {
		int one = 1, st, r;
		struct pollfd p;

		s = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
		NEED(s >= 0);
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		NEED_OK(xt_bind(s, me(0), mine));
		snprintf(tag, sizeof(tag), "simopen %d.%d", d, attempt);
		if (sync_point_secs(tag, SYNC_SECS, 100)) {
			fprintf(stderr, "  no sync at %s\n", tag);
			_exit(1);
		}
		r = xt_connect(s, peer(0), theirs);
		CHECK(r == -1 && errno == EINPROGRESS);
		saw_synrecv = 0;
		for (st = proc_state(mine, theirs); st == 0x02 || st == 0x03;
		     st = proc_state(mine, theirs)) {
			saw_synrecv |= st == 0x03;
			usleep(2000);
		}
		p.fd = s;
		p.events = POLLOUT;
		ok = poll(&p, 1, 5000) == 1 &&
		     !getsockopt(s, SOL_SOCKET, SO_ERROR, &r, &(socklen_t){ sizeof(r) }) &&
		     r == 0;
		printf("# attempt %d: %s, SYN_RECEIVED %s\n", attempt + 1,
		       ok ? "connected" : strerror(r), saw_synrecv ? "seen" : "not seen");
		if (!ok) {
			close(s);
			mine += 100;
			theirs += 100;
		}
	}
	CHECK(ok);
	CHECK(saw_synrecv);
	if (ok) {
		int fl = fcntl(s, F_GETFL);

		CHECK(proc_state(mine, theirs) == 0x01);
		CHECK(addr_is(s, 1, peer(0), theirs));
		fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
		CHECK_OK(send_all(s, &c, 1));
		CHECK(!recv_all(s, &c, 1) && c == 'x');
	}
	/* both close at once: each row ends in TIME_WAIT or is gone, before
	 * the next tests count TIME_WAIT entries
	 */
	sh("tc qdisc del dev %s root", dev);
	close(s);
	if (ok) {
		long end = now_ms() + 10000;
		int st;

		while ((st = proc_state(mine, theirs)) != 0x06 && st != -1 &&
		       now_ms() < end)
			usleep(5000);
		CHECK(st == 0x06 || st == -1);
	}
	sync_point("simopen %d done", d);
}

/*
 * A SYN to a port nobody has: the peer answers RST (RFC 9293 3.10.7.1) and
 * connect() fails with ECONNREFUSED at once, not after retries.
 */
static void rst_closed_port(enum dir d)
{
	unsigned short port = port_of(T_RST, d);
	long rsts = xt_stat("OutRsts"), fails = xt_stat("AttemptFails"), t0;

	begin();
	sync_point("rst %d", d);
	if (is_client(d)) {
		int c = xt_socket();

		t0 = now_ms();
		CHECK_ERRNO(xt_connect(c, peer(0), port), ECONNREFUSED);
		printf("# refused in %ld ms\n", now_ms() - t0);
		CHECK(now_ms() - t0 < 5000);
		CHECK(xt_stat("AttemptFails") == fails + 1);
		close(c);
	}
	sync_point("rst %d done", d);
	if (!is_client(d)) {
		printf("# OutRsts %ld -> %ld\n", rsts, xt_stat("OutRsts"));
		CHECK(xt_stat("OutRsts") >= rsts + 1);
	}
}

/*
 * TIME_WAIT on the side that closed first (RFC 9293 3.6): the client
 * closes, the server reads the end and closes; the client's row goes to
 * TIME_WAIT (06) and TimeWaitCreated counts it; the server's goes through
 * LAST_ACK and is gone, with no TIME_WAIT of its own.
 */
static void time_wait_on_closer(enum dir d)
{
	unsigned short port = port_of(T_TIME_WAIT, d);
	long tw = xt_stat("TimeWaitCreated");
	char c = 'q';
	int fd;

	begin();
	if (is_client(d)) {
		int lport;

		sync_point("time_wait %d", d);
		fd = connect_to(0, port);
		lport = xt_local_port(fd);
		CHECK(!recv_all(fd, &c, 1) && c == 'r');
		close(fd);
		CHECK(await_state(lport, port, 0x06, 10000));
		CHECK(xt_stat("TimeWaitCreated") == tw + 1);
		CHECK(xt_stat("TimeWaitActive") >= 1);
		sync_point("time_wait %d closed", d);
	} else {
		int l = listen_on(0, port), rport;

		sync_point("time_wait %d", d);
		fd = accept_within(l, 30);
		NEED(fd >= 0);
		close(l);
		rport = peer_port(fd);
		CHECK_OK(send_all(fd, "r", 1));
		CHECK(recv(fd, &c, 1, 0) == 0);
		close(fd);
		CHECK(await_state(port, rport, -1, 10000));
		sync_point("time_wait %d closed", d);
		CHECK(xt_stat("TimeWaitCreated") == tw);
		CHECK(proc_state(port, rport) == -1);
	}
}

/* 2 MB with netem dropping 5% of what the sender's NIC sends. */
static void netem_loss(enum dir d)
{
	long re = xt_stat("RetransSegs");

	begin();
	if (is_client(d))
		NEED(!sh("tc qdisc add dev %s root netem loss 5%%", dev));
	transfer(T_LOSS, d, 0, LOSS_BYTES);
	if (is_client(d)) {
		sh("tc -s qdisc show dev %s | sed 's/^/# /'", dev);
		printf("# RetransSegs %ld -> %ld\n", re, xt_stat("RetransSegs"));
		/* 5% of ~1500 segments: none lost is 1 in 10^33 */
		CHECK(xt_stat("RetransSegs") > re);
		sh("tc qdisc del dev %s root", dev);
	}
}

/*
 * Through the e1000 NIC, with the sender's transmit checksum offload on
 * (XTCP leaves the pseudo-header sum, the NIC sums at csum_start/
 * csum_offset) or off (XTCP sums in software).  The receiver's NIC does not
 * know protocol 253 and checks nothing: XTCP does, so a wrong sum either
 * way would be an InCsumErrors and a stalled transfer.  A packet socket
 * on each side shows it happened so: the sender's segments go to the NIC
 * unsummed with offload on and summed without, and the receiver finds
 * every segment's checksum right as it came off the wire.
 */
static void csum_transfer(enum dir d, int on)
{
	const char *mb = getenv("XT_TWOVM_CSUM_MB");
	uint64_t csum_mb = mb ? strtoull(mb, NULL, 10) : CSUM_MB;
	int test = on ? T_CSUM_ON : T_CSUM_OFF;
	struct capture cap;

	begin();
	NEED(csum_mb >= 3);	/* the > 1000 segments counted below */
	/* the receiver's GRO would merge what arrives before the capture */
	NEED(!sh("ethtool -K %s gro off", csum_dev));
	if (is_client(d)) {
		NEED(!sh("ethtool -K %s tx %s >/dev/null", csum_dev, on ? "on" : "off"));
		NEED(!sh("ethtool -k %s | grep -Eq '^\\s*tx-checksum-ip-generic: %s( |$)'",
			 csum_dev, on ? "on" : "off"));
	}
	capture_start(&cap, csum_dev, is_client(d));
	transfer(test, d, 1, csum_mb << 20);
	capture_stop(&cap);
	if (is_client(d)) {
		sh("ethtool -K %s tx on >/dev/null", csum_dev);
		/* on: the data segments leave for the NIC to sum; off: none */
		CHECK(on ? cap.partial > 1000 : cap.partial == 0);
		CHECK(on || cap.good > 1000);
	} else {
		/* 3 MB is ~2200 segments; the capture may miss a few */
		CHECK(cap.good > 1000 && cap.partial == 0);
	}
	sh("ethtool -K %s gro on", csum_dev);
	CHECK(cap.bad == 0);
}

static void csum_offload_on(enum dir d)
{
	csum_transfer(d, 1);
}

static void csum_offload_off(enum dir d)
{
	csum_transfer(d, 0);
}

#define BOTH(fn)							\
static void fn##_stock_to_debug(void) { fn(STOCK_TO_DEBUG); }	\
static void fn##_debug_to_stock(void) { fn(DEBUG_TO_STOCK); }

BOTH(handshake)
BOTH(bulk_sha256)
BOTH(half_close)
BOTH(simultaneous_open)
BOTH(rst_closed_port)
BOTH(time_wait_on_closer)
BOTH(netem_loss)
BOTH(csum_offload_on)
BOTH(csum_offload_off)

#define TESTS(fn, secs) \
	TEST_T(fn##_stock_to_debug, secs), TEST_T(fn##_debug_to_stock, secs)

static const struct xt_test tests[] = {
	TESTS(handshake, 200),
	TESTS(bulk_sha256, 420),
	TESTS(half_close, 200),
	TESTS(simultaneous_open, 300),
	TESTS(rst_closed_port, 200),
	TESTS(time_wait_on_closer, 200),
	TESTS(netem_loss, 300),
	TESTS(csum_offload_on, 300),
	TESTS(csum_offload_off, 300),
};

int main(int argc, char **argv)
{
	const char *r = getenv("XT_TWOVM_ROLE"), *fam = getenv("XT_TWOVM_FAMILY");
	int list = argc > 1 && !strcmp(argv[1], "--list");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fam && strcmp(fam, "4") && strcmp(fam, "6")) {
		fprintf(stderr, "twovm_test: XT_TWOVM_FAMILY must be 4 or 6\n");
		return 2;
	}
	v6 = fam && !strcmp(fam, "6");
	if (!list) {
		if (!r || (strcmp(r, "stock") && strcmp(r, "debug"))) {
			fprintf(stderr, "twovm_test: XT_TWOVM_ROLE must be stock or debug\n");
			return 2;
		}
		role = strcmp(r, "stock") ? DEBUG : STOCK;
		if (getenv("XT_TWOVM_DEV"))
			dev = getenv("XT_TWOVM_DEV");
		if (getenv("XT_TWOVM_CSUM_DEV"))
			csum_dev = getenv("XT_TWOVM_CSUM_DEV");
	}
	if (argc == 4 && !strcmp(argv[1], "--sync")) {
		if (sync_point_secs(argv[2], atoi(argv[3]), 0)) {
			fprintf(stderr, "twovm_test: no sync at %s within %s s\n",
				argv[2], argv[3]);
			return 1;
		}
		return 0;
	}
	return xt_run(v6 ? "twovm6" : "twovm4", tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
