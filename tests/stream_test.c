// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP as a byte stream under load: 100 MB checked by SHA-256, memory
 * given back once the data is acknowledged and read, small receive
 * buffers, a many-connection edge-triggered epoll echo server, ETIMEDOUT
 * when the peer vanishes (RFC 6298 backoff, retries2), and sendfile(2)/
 * splice(2) into a socket.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <linux/sock_diag.h>

#include "harness.h"
#include "sha256.h"
#include "stream.h"
#include "xtcp_util.h"

/* ---- helpers ------------------------------------------------------------ */

static int get_err(int fd)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len))
		return -1;
	return v;
}

/* Segments the receiving socket dropped (sk_drops), from SO_MEMINFO; -1 on error. */
static long get_drops(int fd)
{
	__u32 mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) ||
	    len < (SK_MEMINFO_DROPS + 1) * sizeof(__u32))
		return -1;
	return mem[SK_MEMINFO_DROPS];
}

static int get_info(int fd, struct xtcp_info *i)
{
	socklen_t len = sizeof(*i);

	memset(i, 0, sizeof(*i));
	return getsockopt(fd, SOL_XTCP, XTCP_INFO, i, &len);
}

/*
 * Loopback loses nothing: what the receiver drops (SO_MEMINFO's sk_drops,
 * which counts drops by the socket core and by xtcp_data_rcv()'s memory
 * rule) is data its window promised and its buffer then would not take.
 * Before the window was derived from the payload/truesize ratio, a 1 MB
 * transfer into 8 KiB saw over 100 such drops, one into 16 KiB stalled.
 * The sender's retransmissions are printed, not asserted: on a loaded TCG
 * host a guest may stall longer than the RTO (200 ms), and the sender then
 * retransmits what was not lost.
 */

/* ---- 100 MB, SHA-256 ---------------------------------------------------- */

/* SHA-256 itself: FIPS 180-4's vectors, and sha256sum on a piece of stream. */
static void stream_sha256_known_answers(void)
{
	static const char *const two_blocks =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	const char *file = "/tmp/xtcp-stream-1m";
	unsigned char *buf = malloc(1 << 20);
	char hex[65], cmd[128], out[80] = "";
	struct sha256 h;
	FILE *f;
	int fd, i;

	sha256_init(&h);
	sha256_update(&h, "abc", 3);
	sha256_final_hex(&h, hex);
	CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	sha256_init(&h);
	sha256_update(&h, two_blocks, strlen(two_blocks));
	sha256_final_hex(&h, hex);
	CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	/* a million 'a', fed in uneven pieces */
	sha256_init(&h);
	memset(buf, 'a', 1000000);
	for (i = 0; i < 1000000; i += 777)
		sha256_update(&h, buf + i, 1000000 - i < 777 ? 1000000 - i : 777);
	sha256_final_hex(&h, hex);
	CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	/* the stream the transfers use, against the system's sha256sum */
	stream_fill(7, 0, buf, 1 << 20);
	sha256_init(&h);
	sha256_update(&h, buf, 1 << 20);
	sha256_final_hex(&h, hex);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, buf, 1 << 20) == 1 << 20);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sha256sum %s", file);
	f = popen(cmd, "r");
	CHECK(f && fgets(out, sizeof(out), f));
	if (f)
		pclose(f);
	CHECK(!strncmp(out, hex, 64));
	unlink(file);
	free(buf);
}

/*
 * 100 MB over loopback in writes of random size: the receiver's SHA-256
 * equals the sender's, every byte matches the stream, and both ends count
 * exactly 100 MB (XTCP_INFO bytes_acked and bytes_received).
 */
static void stream_100mb_sha256(void)
{
	const uint64_t total = 100ull << 20;
	struct xfer w = { .seed = 7, .bytes = total, .max_chunk = 1 << 17 };
	struct xfer r = { .seed = 7, .bytes = total };
	struct xtcp_info ci, ai;
	pthread_t t;
	long t0, dt;
	int c, a;

	NEED_OK(xt_pair_opts("127.0.0.1", xt_port(0), 0, 0, &c, &a));
	w.fd = c;
	r.fd = a;
	t0 = now_ms();
	pthread_create(&t, NULL, xfer_send, &w);
	xfer_recv(&r);
	pthread_join(t, NULL);
	dt = now_ms() - t0;
	printf("# 100 MB in %ld ms (%.1f MB/s)\n# sha256 %s\n", dt,
	       dt ? total / 1e3 / dt : 0.0, r.hex);
	CHECK(w.err == 0 && r.err == 0);
	CHECK(w.bytes == total);
	CHECK(r.bytes == total);
	CHECK(r.bad == 0);
	CHECK(!strcmp(w.hex, r.hex));
	usleep(100000);		/* the last ACK may be a delayed one */
	CHECK_OK(get_info(c, &ci));
	CHECK_OK(get_info(a, &ai));
	CHECK(ci.xtcpi_bytes_acked == total);
	CHECK(ai.xtcpi_bytes_received == total);
	CHECK(ci.xtcpi_snd_una == ci.xtcpi_snd_nxt);
	printf("# sender: %u retransmits, %u segments out; receiver: %ld drops\n",
	       ci.xtcpi_total_retrans, ci.xtcpi_segs_out, get_drops(a));
	CHECK(get_drops(a) == 0);
	close(c);
	close(a);
}

/* ---- memory held between segments -------------------------------------- */

/* SO_MEMINFO's forward allocation and send queue of @fd; -1 on error. */
static int get_fwd(int fd, long *fwd, long *wqueued)
{
	__u32 mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) ||
	    len < (SK_MEMINFO_WMEM_QUEUED + 1) * sizeof(__u32))
		return -1;
	*fwd = (int)mem[SK_MEMINFO_FWD_ALLOC];
	*wqueued = mem[SK_MEMINFO_WMEM_QUEUED];
	return 0;
}

/*
 * An ACK's freed segments stay in the socket's forward allocation only
 * while the segment is processed (the data it carries is charged from it),
 * then go back to the protocol: once everything sent is acknowledged and
 * read, each end holds less than a page, after 1-byte request/response
 * and after 4 MB one way, as sk_mem_reclaim() leaves TCP's sockets.
 */
static void stream_forward_alloc_returned(void)
{
	const uint64_t total = 4u << 20;
	struct xfer w = { .seed = 21, .bytes = total, .max_chunk = 1 << 16 };
	struct xfer r = { .seed = 21, .bytes = total };
	long page = sysconf(_SC_PAGESIZE), fc = -1, fa = -1, qc = -1, qa = -1;
	long t0;
	char b = 'q';
	pthread_t t;
	int c, a, i;

	NEED_OK(xt_pair_opts("127.0.0.1", xt_port(0), 0, 0, &c, &a));
	for (i = 0; i < 200; i++) {
		CHECK(send(c, &b, 1, 0) == 1);
		CHECK(recv(a, &b, 1, 0) == 1);
		CHECK(send(a, &b, 1, 0) == 1);
		CHECK(recv(c, &b, 1, 0) == 1);
	}
	/* the last response's ACK may be a delayed one */
	t0 = now_ms();
	do {
		CHECK_OK(get_fwd(c, &fc, &qc));
		CHECK_OK(get_fwd(a, &fa, &qa));
	} while ((qc || qa) && now_ms() - t0 < 2000 && !usleep(10000));
	printf("# after 200 exchanges: forward alloc %ld and %ld, queued %ld and %ld\n",
	       fc, fa, qc, qa);
	CHECK(qc == 0 && qa == 0);
	CHECK(fc >= 0 && fc < page);
	CHECK(fa >= 0 && fa < page);

	w.fd = c;
	r.fd = a;
	pthread_create(&t, NULL, xfer_send, &w);
	xfer_recv(&r);
	pthread_join(t, NULL);
	CHECK(w.err == 0 && r.err == 0 && r.bytes == total && r.bad == 0);
	t0 = now_ms();
	do {
		CHECK_OK(get_fwd(c, &fc, &qc));
		CHECK_OK(get_fwd(a, &fa, &qa));
	} while (qc && now_ms() - t0 < 2000 && !usleep(10000));
	printf("# after 4 MB: forward alloc %ld and %ld, queued %ld and %ld\n",
	       fc, fa, qc, qa);
	CHECK(qc == 0 && qa == 0);
	CHECK(fc >= 0 && fc < page);
	CHECK(fa >= 0 && fa < page);
	close(c);
	close(a);
}

/* ---- small receive buffers ---------------------------------------------- */

/*
 * A receive buffer of a few KiB and small segments: the window offered must
 * be one the buffer can hold, so that nothing in it is dropped (see
 * get_drops() above), and the transfer must not stall: SO_RCVTIMEO turns a
 * stall into a failure.  It takes well under a second on the stock guest,
 * a few on the debug one.
 */
static void small_buffer_case(unsigned short port, int rcvbuf, int mss,
			      uint64_t bytes, size_t max_chunk, int nodelay)
{
	struct timeval tv = { .tv_sec = 10 };
	struct xfer w = { .seed = port, .bytes = bytes, .max_chunk = max_chunk };
	struct xfer r = { .seed = port, .bytes = bytes };
	struct xtcp_info ci, ai;
	int c, a, one = 1, got = -1;
	socklen_t len = sizeof(got);
	pthread_t t;
	long t0, dt;

	NEED_OK(xt_pair_opts("127.0.0.1", port, rcvbuf, mss, &c, &a));
	CHECK_OK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	if (nodelay)
		CHECK_OK(setsockopt(c, SOL_XTCP, XTCP_NODELAY, &one, sizeof(one)));
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_RCVBUF, &got, &len));
	CHECK(got == 2 * rcvbuf);
	w.fd = c;
	r.fd = a;
	t0 = now_ms();
	pthread_create(&t, NULL, xfer_send, &w);
	xfer_recv(&r);
	if (r.bytes < bytes) {
		/* a stall: say where both ends are */
		get_info(c, &ci);
		get_info(a, &ai);
		fprintf(stderr, "  stalled: sender una %u nxt %u wnd %u cwnd %u retrans %u backoff %u; "
			"receiver rcv_nxt %u rcv_wnd %u drops %ld\n", ci.xtcpi_snd_una,
			ci.xtcpi_snd_nxt, ci.xtcpi_snd_wnd, ci.xtcpi_snd_cwnd,
			ci.xtcpi_total_retrans, ci.xtcpi_backoff, ai.xtcpi_rcv_nxt,
			ai.xtcpi_rcv_wnd, get_drops(a));
		system(xt_v6() ? "cat /proc/net/xtcp6 >&2" : "cat /proc/net/xtcp >&2");
		close(a);	/* a stall: the RST frees the writer */
		a = -1;
	}
	pthread_join(t, NULL);
	dt = now_ms() - t0;
	usleep(100000);
	CHECK_OK(get_info(c, &ci));
	if (a >= 0)
		CHECK_OK(get_info(a, &ai));
	printf("# SO_RCVBUF %d, MSS %d, writes <= %zu%s: %" PRIu64 " bytes in %ld ms, "
	       "%u retransmits, %ld dropped, rcv_wnd %u\n", rcvbuf, mss, max_chunk,
	       nodelay ? " NODELAY" : "", r.bytes, dt, ci.xtcpi_total_retrans,
	       a >= 0 ? get_drops(a) : -1, a >= 0 ? ai.xtcpi_rcv_wnd : 0);
	CHECK(r.err == 0);
	CHECK(r.bytes == bytes);
	CHECK(r.bad == 0);
	CHECK(!strcmp(w.hex, r.hex));
	CHECK(a >= 0 && get_drops(a) == 0);
	CHECK(dt < 30000);
	CHECK(get_err(c) == 0);
	CHECK(ci.xtcpi_snd_mss <= (unsigned int)mss);
	if (a >= 0)
		CHECK(ai.xtcpi_rcv_wnd <= (unsigned int)2 * rcvbuf);
	close(c);
	if (a >= 0)
		close(a);
}

static void stream_rcvbuf_16k_mss1000(void)
{
	small_buffer_case(xt_port(0), 16384, 1000, 1 << 20, 65536, 0);
}

static void stream_rcvbuf_4k_mss536(void)
{
	small_buffer_case(xt_port(0), 4096, 536, 1 << 20, 65536, 0);
}

static void stream_rcvbuf_8k_mss1460(void)
{
	small_buffer_case(xt_port(0), 8192, 1460, 1 << 20, 65536, 0);
}

/* Writes of 1..200 bytes with NODELAY: segments far below the MSS. */
static void stream_rcvbuf_4k_mss536_tiny_writes(void)
{
	small_buffer_case(xt_port(0), 4096, 536, 256 << 10, 200, 1);
}

/* ---- many connections, epoll edge-triggered ---------------------------- */

#define ECHO_CONNS	64
#define ECHO_THREADS	4
#define ECHO_BYTES	(256 << 10)	/* per connection, each way */
#define ECHO_PORT	xt_port(0)
#define ECHO_DEADLINE_MS 240000

static long echo_deadline;

/* Counters the test asserts on: each side met EAGAIN in each direction. */
struct echo_counts {
	unsigned long send_eagain, recv_eagain, accept_eagain, events;
};

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The server's side of one connection: echo what comes, in order. */
struct echo_srv_conn {
	int fd;
	unsigned char buf[16384];
	size_t have, sent;	/* buf holds have bytes, sent of them echoed */
	uint64_t echoed;
};

struct echo_server {
	int l, ep, failed;
	int nconns, ndone;
	struct echo_srv_conn conns[ECHO_CONNS];
	struct echo_counts n;
};

/*
 * Serve one connection until it would block: echo what is pending, then
 * read more, until send() or recv() says EAGAIN (edge-triggered: nothing
 * else will say there is more to do).  Return: -1 on an error.
 */
static int echo_srv_service(struct echo_server *s, struct echo_srv_conn *c)
{
	for (;;) {
		ssize_t n;

		while (c->sent < c->have) {
			n = send(c->fd, c->buf + c->sent, c->have - c->sent, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno != EAGAIN)
					return -1;
				s->n.send_eagain++;
				return 0;	/* EPOLLOUT will come */
			}
			c->sent += n;
			c->echoed += n;
		}
		if (c->echoed == ECHO_BYTES)
			return 1;
		n = recv(c->fd, c->buf, sizeof(c->buf), 0);
		if (n < 0) {
			if (errno != EAGAIN)
				return -1;
			s->n.recv_eagain++;
			return 0;	/* EPOLLIN will come */
		}
		if (n == 0)
			return -1;	/* the clients never close first */
		c->have = n;
		c->sent = 0;
	}
}

static void *echo_server_run(void *arg)
{
	struct echo_server *s = arg;
	struct epoll_event ev[32];

	while (s->ndone < ECHO_CONNS && !s->failed && now_ms() < echo_deadline) {
		int n = epoll_wait(s->ep, ev, 32, 200), i;

		for (i = 0; i < n; i++) {
			struct echo_srv_conn *c = ev[i].data.ptr;
			int r;

			s->n.events++;
			if (!c) {
				/* the listener: accept until EAGAIN */
				for (;;) {
					int fd = accept4(s->l, NULL, NULL, SOCK_NONBLOCK);
					struct epoll_event e = { .events = EPOLLIN | EPOLLOUT |
								 EPOLLET | EPOLLRDHUP };

					if (fd < 0) {
						if (errno == EAGAIN)
							s->n.accept_eagain++;
						else
							s->failed = 1;
						break;
					}
					if (s->nconns == ECHO_CONNS) {
						s->failed = 1;
						close(fd);
						break;
					}
					c = &s->conns[s->nconns++];
					c->fd = fd;
					e.data.ptr = c;
					if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e))
						s->failed = 1;
				}
				continue;
			}
			if (ev[i].events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
				fprintf(stderr, "  server: events %#x on a connection\n",
					ev[i].events);
				s->failed = 1;
				break;
			}
			if (c->echoed == ECHO_BYTES)
				continue;
			r = echo_srv_service(s, c);
			if (r < 0) {
				fprintf(stderr, "  server: %s\n", strerror(errno));
				s->failed = 1;
			}
			if (r > 0)
				s->ndone++;
		}
	}
	return NULL;
}

struct echo_cli_conn {
	int fd;
	uint64_t seed, rnd;
	uint64_t sent, checked;
};

struct echo_client {
	int id, failed;
	struct echo_cli_conn conns[ECHO_CONNS / ECHO_THREADS];
	struct echo_counts n;
};

/* Send and check until both would block; 1 when all is sent and back. */
static int echo_cli_service(struct echo_client *cl, struct echo_cli_conn *c)
{
	unsigned char buf[16384];
	int blocked_send = 0;

	for (;;) {
		ssize_t n;

		if (c->sent < ECHO_BYTES && !blocked_send) {
			size_t len = 1 + rnd(&c->rnd) % sizeof(buf);

			if (len > ECHO_BYTES - c->sent)
				len = ECHO_BYTES - c->sent;
			stream_fill(c->seed, c->sent, buf, len);
			n = send(c->fd, buf, len, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno != EAGAIN)
					return -1;
				cl->n.send_eagain++;
				blocked_send = 1;
			} else {
				c->sent += n;
			}
			continue;
		}
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno != EAGAIN)
				return -1;
			cl->n.recv_eagain++;
			if (c->sent == ECHO_BYTES || blocked_send)
				return c->checked == ECHO_BYTES;
			continue;
		}
		if (n == 0 || c->checked + n > c->sent ||
		    !stream_check(c->seed, c->checked, buf, n)) {
			fprintf(stderr, "  client: bad echo at %" PRIu64 " (%zd bytes, %" PRIu64
				" sent)\n", c->checked, n, c->sent);
			errno = EBADMSG;
			return -1;
		}
		c->checked += n;
		if (c->checked == ECHO_BYTES)
			return 1;
		/* having read, the server may take more: try to send again */
		blocked_send = 0;
	}
}

static void *echo_client_run(void *arg)
{
	struct echo_client *cl = arg;
	const int n = ECHO_CONNS / ECHO_THREADS;
	struct epoll_event ev[16];
	int ep = epoll_create1(0), i, done = 0, rcvbuf = 32768;

	for (i = 0; i < n; i++) {
		struct echo_cli_conn *c = &cl->conns[i];
		struct epoll_event e = { .events = EPOLLIN | EPOLLOUT | EPOLLET,
					 .data.ptr = c };

		c->seed = 1000 + cl->id * n + i;
		c->rnd = c->seed;
		c->fd = xt_socket();
		/*
		 * small buffers, fixed (not autotuned): both ends run into
		 * EAGAIN often
		 */
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof(rcvbuf));
		if (c->fd < 0 || xt_connect(c->fd, "127.0.0.1", ECHO_PORT) ||
		    set_nonblock(c->fd) || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e)) {
			fprintf(stderr, "  client %d: connection %d: %s\n", cl->id, i,
				strerror(errno));
			cl->failed = 1;
			return NULL;
		}
	}
	while (done < n && !cl->failed && now_ms() < echo_deadline) {
		int k = epoll_wait(ep, ev, 16, 200);

		for (i = 0; i < k; i++) {
			struct echo_cli_conn *c = ev[i].data.ptr;
			int r;

			cl->n.events++;
			if (c->checked == ECHO_BYTES)
				continue;
			r = echo_cli_service(cl, c);
			if (r < 0) {
				fprintf(stderr, "  client %d: %s\n", cl->id, strerror(errno));
				cl->failed = 1;
			}
			done += r > 0;
		}
	}
	close(ep);
	return NULL;
}

/*
 * 64 connections from 4 client threads to a single-threaded server, all
 * non-blocking and edge-triggered: every client writes 256 KiB in writes
 * of random size and checks the echo byte for byte.  Both sides must meet
 * EAGAIN on send and on recv, and a lost wakeup leaves a connection
 * waiting for an edge that never comes: the deadline then fails the test.
 */
static void stream_epoll_echo_64(void)
{
	static struct echo_server s;
	static struct echo_client cl[ECHO_THREADS];
	struct echo_counts tc = { 0 };
	pthread_t st, ct[ECHO_THREADS];
	struct epoll_event e = { .events = EPOLLIN | EPOLLET };
	int i, j, sndbuf = 16384, stuck = 0;
	long t0 = now_ms();

	echo_deadline = t0 + ECHO_DEADLINE_MS;
	s.l = xt_socket();
	s.ep = epoll_create1(0);
	CHECK(s.l >= 0 && s.ep >= 0);
	/* inherited by the accepted sockets: the echo fills it quickly */
	CHECK_OK(setsockopt(s.l, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)));
	CHECK_OK(xt_bind(s.l, "127.0.0.1", ECHO_PORT));
	CHECK_OK(listen(s.l, ECHO_CONNS));
	CHECK_OK(set_nonblock(s.l));
	CHECK_OK(epoll_ctl(s.ep, EPOLL_CTL_ADD, s.l, &e));
	pthread_create(&st, NULL, echo_server_run, &s);
	for (i = 0; i < ECHO_THREADS; i++) {
		cl[i].id = i;
		pthread_create(&ct[i], NULL, echo_client_run, &cl[i]);
	}
	for (i = 0; i < ECHO_THREADS; i++)
		pthread_join(ct[i], NULL);
	pthread_join(st, NULL);
	for (i = 0; i < ECHO_THREADS; i++) {
		CHECK(!cl[i].failed);
		tc.send_eagain += cl[i].n.send_eagain;
		tc.recv_eagain += cl[i].n.recv_eagain;
		tc.events += cl[i].n.events;
		for (j = 0; j < ECHO_CONNS / ECHO_THREADS; j++) {
			struct echo_cli_conn *c = &cl[i].conns[j];

			if (c->checked != ECHO_BYTES) {
				if (stuck++ < 8)
					fprintf(stderr, "  connection %d/%d: sent %" PRIu64
						", echo checked %" PRIu64 "\n", i, j,
						c->sent, c->checked);
			}
			close(c->fd);
		}
	}
	printf("# %d connections x %d KiB each way in %ld ms; server: %lu events, "
	       "EAGAIN send %lu recv %lu accept %lu; clients: %lu events, EAGAIN send "
	       "%lu recv %lu\n", ECHO_CONNS, ECHO_BYTES >> 10, now_ms() - t0, s.n.events,
	       s.n.send_eagain, s.n.recv_eagain, s.n.accept_eagain, tc.events,
	       tc.send_eagain, tc.recv_eagain);
	CHECK(!s.failed);
	CHECK(stuck == 0);
	CHECK(s.nconns == ECHO_CONNS);
	CHECK(s.ndone == ECHO_CONNS);
	for (i = 0; i < s.nconns; i++) {
		CHECK(s.conns[i].echoed == ECHO_BYTES);
		close(s.conns[i].fd);
	}
	CHECK(s.n.send_eagain > 0 && s.n.recv_eagain > 0 && s.n.accept_eagain > 0);
	CHECK(tc.send_eagain > 0 && tc.recv_eagain > 0);
	close(s.ep);
	close(s.l);
}

/* ---- the peer vanishes: ETIMEDOUT ----------------------------------------- */

/*
 * The sysctls the vanishing-peer test sets in its namespace, none of them
 * a default (retries2 15, rto_min_ms 200, rto_max_ms 120000): rto_max is
 * reached by the second backoff, so each sysctl shows in the total.
 */
#define VANISH_RETRIES2		3
#define VANISH_RTO_MIN_MS	800
#define VANISH_RTO_MAX_MS	1600

/*
 * When the connection ends, from the sysctls alone, as rtt.c and timer.c
 * do it: RTO = max(SRTT + max(G, 4 RTTVAR), rto_min), at most rto_max; on
 * a veth without delay SRTT + 4 RTTVAR is a few ms, so RTO is rto_min.
 * The first expiry comes one RTO after the send; each expiry with
 * retries < retries2 resends and doubles the RTO (RFC 6298 5.5), capped
 * at rto_max; the expiry with retries == retries2 ends the connection:
 * the sum of min(rto_min << k, rto_max) for k = 0 .. retries2.
 */
static long vanish_expect_ms(int rto_min, int rto_max, int retries2)
{
	long sum = 0, rto = rto_min < rto_max ? rto_min : rto_max;
	int k;

	for (k = 0; k <= retries2; k++) {
		sum += rto;
		rto = rto * 2 < rto_max ? rto * 2 : rto_max;
	}
	return sum;
}

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "  `%s` exited %d\n", cmd, rc);
	return rc;
}

/* /proc/sys/net/xtcp/NAME of this namespace, or -1. */
static int sysctl_get(const char *name)
{
	char path[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct vanish {
	int c, a;
	int rto_ms;		/* xtcpi_rto before the path went */
	long t0, dt;		/* the first send, and how long until the error */
	ssize_t first;		/* the blocking send's count */
	int err1, err2;		/* errnos of the calls that reported */
	int so_error;
	int mode;
};

enum { VANISH_POLL, VANISH_RECV, VANISH_SEND };

static void *vanish_run(void *arg)
{
	struct vanish *v = arg;
	static char big[1 << 20];
	struct pollfd p = { .fd = v->c, .events = POLLIN };
	char buf[16];

	v->t0 = now_ms();
	switch (v->mode) {
	case VANISH_POLL:
		/* poll sees POLLERR; SO_ERROR says why; then EPIPE, and EOF */
		if (send(v->c, "lost", 4, 0) != 4)
			v->err1 = errno;
		if (poll(&p, 1, 30000) != 1 || !(p.revents & POLLERR))
			v->err1 = -1;
		v->dt = now_ms() - v->t0;
		v->so_error = get_err(v->c);
		errno = 0;
		if (send(v->c, "x", 1, MSG_NOSIGNAL) == -1)
			v->err2 = errno;
		v->first = recv(v->c, buf, sizeof(buf), 0);
		break;
	case VANISH_RECV:
		/* a blocked recv() returns the error itself */
		if (send(v->c, "lost", 4, 0) != 4)
			v->err1 = -1;
		errno = 0;
		if (recv(v->c, buf, sizeof(buf), 0) == -1)
			v->err1 = errno;
		v->dt = now_ms() - v->t0;
		v->so_error = get_err(v->c);
		break;
	case VANISH_SEND:
		/*
		 * A send() blocked on a full send buffer returns what it
		 * queued; the next call reports the error, and SO_ERROR
		 * is clear after it.
		 */
		v->first = send(v->c, big, sizeof(big), MSG_NOSIGNAL);
		v->dt = now_ms() - v->t0;
		errno = 0;
		if (send(v->c, big, 1, MSG_NOSIGNAL) == -1)
			v->err1 = errno;
		v->so_error = get_err(v->c);
		break;
	}
	return NULL;
}

/*
 * Three connections across a veth pair (namespaces made here), data flowing,
 * then netem drops everything the client's side sends.  With retries2 3,
 * rto_min_ms 800 and rto_max_ms 1600 the timer (timer.c, send.c
 * xtcp_data_rto) fires at 800 ms, then 1600 (doubled), 1600 and 1600 ms
 * (doubling capped): three retransmissions, and the fourth expiry ends the
 * connection 800 + 3 * 1600 = 5600 ms after the send.  rto_min ignored
 * (200) would give 3000 ms, rto_max ignored 12000, one retry more or less
 * 7200 or 4000, half or twice 2800 or 11200.  Timers never fire early;
 * the guests' may be late (XT_LATE_MS).
 */
static void stream_peer_vanishes_etimedout(void)
{
	static const char *const names[] = {
		"retries2", "rto_min_ms", "rto_max_ms", "rto_init_ms",
	};
	const int want[] = {
		VANISH_RETRIES2, VANISH_RTO_MIN_MS, VANISH_RTO_MAX_MS,
		VANISH_RTO_MIN_MS,
	};
	const long expect = vanish_expect_ms(VANISH_RTO_MIN_MS, VANISH_RTO_MAX_MS,
					     VANISH_RETRIES2);
	struct vanish v[3];
	int i, l, rc;
	pthread_t t[3];

	/* none left from an earlier run, normally: quietly */
	if (system("ip netns del xsa 2>/dev/null; ip netns del xsb 2>/dev/null") < 0)
		perror("system");
	rc = sh("ip netns add xsa && ip netns add xsb && "
		"ip link add vsa netns xsa type veth peer name vsb netns xsb && "
		"ip -n xsa addr add 10.80.0.1/24 dev vsa && "
		"ip -n xsb addr add 10.80.0.2/24 dev vsb && "
		"ip -n xsa addr add 2001:db8:80::1/64 dev vsa nodad && "
		"ip -n xsb addr add 2001:db8:80::2/64 dev vsb nodad && "
		"ip -n xsa link set vsa up && ip -n xsb link set vsb up && "
		"ip netns exec xsa tc qdisc add dev vsa root netem loss 0%");
	NEED(rc == 0);
	/* in-process: "ip netns exec" takes seconds on the debug guest */
	NEED_OK(enter_netns("xsa"));
	for (i = 0; i < 4; i++) {
		NEED_OK(xt_sysctl_set(names[i], want[i]));
		NEED(sysctl_get(names[i]) == want[i]);
	}
	NEED_OK(enter_netns("xsb"));
	l = xt_socket();
	CHECK_OK(xt_bind(l, xt_ip("10.80.0.2", "2001:db8:80::2"), xt_port(0)));
	CHECK_OK(listen(l, 4));
	NEED_OK(enter_netns("xsa"));
	for (i = 0; i < 3; i++) {
		int sndbuf = 8192, k;
		struct xtcp_info ci;
		char buf[4];

		memset(&v[i], 0, sizeof(v[i]));
		v[i].mode = i;
		v[i].c = xt_socket();
		CHECK_OK(setsockopt(v[i].c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)));
		CHECK_OK(xt_connect(v[i].c, xt_ip("10.80.0.2", "2001:db8:80::2"),
				    xt_port(0)));
		v[i].a = accept(l, NULL, NULL);
		CHECK(v[i].a >= 0);
		/* a few round trips: RTT samples, so RTO is rto_min */
		for (k = 0; k < 4; k++) {
			CHECK(send(v[i].c, "ping", 4, 0) == 4);
			CHECK(recv(v[i].a, buf, 4, MSG_WAITALL) == 4);
			CHECK(send(v[i].a, "pong", 4, 0) == 4);
			CHECK(recv(v[i].c, buf, 4, MSG_WAITALL) == 4);
		}
		CHECK_OK(get_info(v[i].c, &ci));
		v[i].rto_ms = ci.xtcpi_rto / 1000;
		/* rto_min, not the estimate of a path of a few ms, nor 200 */
		CHECK(v[i].rto_ms == VANISH_RTO_MIN_MS);
	}
	NEED(sh("ip netns exec xsa tc qdisc change dev vsa root netem loss 100%") == 0);
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, vanish_run, &v[i]);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++) {
		printf("# %s: ETIMEDOUT after %ld ms, expected %ld ms (RTO %d ms reported; "
		       "rto_min %d, rto_max %d, retries2 %d)\n",
		       i == VANISH_POLL ? "poll" : i == VANISH_RECV ? "recv" : "send",
		       v[i].dt, expect, v[i].rto_ms, VANISH_RTO_MIN_MS,
		       VANISH_RTO_MAX_MS, VANISH_RETRIES2);
		/*
		 * four hrtimer expiries in a row, each maybe late; measured
		 * (3 calls a run): stock 5605..5802 ms (2 runs), debug
		 * 5622..5762 (4 runs)
		 */
		CHECK_MS(v[i].dt, expect - 1, expect + XT_LATE_MS);
	}
	/* poll: POLLERR, SO_ERROR ETIMEDOUT (and cleared), then EPIPE and EOF */
	CHECK(v[VANISH_POLL].err1 == 0);
	CHECK(v[VANISH_POLL].so_error == ETIMEDOUT);
	CHECK(v[VANISH_POLL].err2 == EPIPE);
	CHECK(v[VANISH_POLL].first == 0);
	/* recv: the call itself fails with ETIMEDOUT, which it consumed */
	CHECK(v[VANISH_RECV].err1 == ETIMEDOUT);
	CHECK(v[VANISH_RECV].so_error == 0);
	/* send: a short count, then ETIMEDOUT from the next call */
	CHECK(v[VANISH_SEND].first > 0 && v[VANISH_SEND].first < 1 << 20);
	CHECK(v[VANISH_SEND].err1 == ETIMEDOUT);
	CHECK(v[VANISH_SEND].so_error == 0);
	for (i = 0; i < 3; i++) {
		close(v[i].c);
		close(v[i].a);
	}
	close(l);
	/* the namespaces, and their sysctls, go */
	sh("ip netns del xsa; ip netns del xsb");
}

/* ---- sendfile(2) and splice(2) --------------------------------------------- */

#define SPLICE_BYTES	(5 << 20)

struct reader {
	struct xfer x;
	long dt;
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	long t0 = now_ms();

	xfer_recv(&r->x);
	r->dt = now_ms() - t0;
	return NULL;
}

/* 5 MB from a file in /tmp by sendfile(2): byte-identical at the receiver. */
static void stream_sendfile(void)
{
	const char *path = "/tmp/xtcp-sendfile.dat";
	struct reader r = { .x = { .seed = 11, .bytes = SPLICE_BYTES } };
	static unsigned char buf[SPLICE_BYTES];
	off_t off = 0;
	ssize_t n = 0;
	pthread_t t;
	int c, a, fd, calls = 0;
	struct stat st;

	stream_fill(11, 0, buf, SPLICE_BYTES);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, buf, SPLICE_BYTES) == SPLICE_BYTES);
	CHECK(fstat(fd, &st) == 0 && st.st_size == SPLICE_BYTES);
	NEED_OK(xt_pair_opts("127.0.0.1", xt_port(0), 0, 0, &c, &a));
	r.x.fd = a;
	pthread_create(&t, NULL, reader_run, &r);
	while (off < SPLICE_BYTES) {
		n = sendfile(c, fd, &off, SPLICE_BYTES - off);
		calls++;
		if (n <= 0)
			break;
	}
	CHECK(n > 0);
	CHECK(off == SPLICE_BYTES);
	pthread_join(t, NULL);
	printf("# sendfile: %ld bytes in %d calls, received in %ld ms\n",
	       (long)off, calls, r.dt);
	CHECK(r.x.err == 0);
	CHECK(r.x.bytes == SPLICE_BYTES);
	CHECK(r.x.bad == 0);
	/* sendfile from an offset in the middle, a piece of it */
	{
		off_t from = 1000001;
		unsigned char got[4096];

		CHECK(sendfile(c, fd, &from, sizeof(got)) == sizeof(got));
		CHECK(from == 1000001 + (off_t)sizeof(got));
		CHECK(recv(a, got, sizeof(got), MSG_WAITALL) == sizeof(got));
		CHECK(stream_check(11, 1000001, got, sizeof(got)));
	}
	close(fd);
	unlink(path);
	close(c);
	close(a);
}

static void *pipe_writer(void *arg)
{
	int fd = *(int *)arg;
	unsigned char buf[65536];
	uint64_t off = 0, r = 5;

	while (off < SPLICE_BYTES) {
		size_t len = 1 + rnd(&r) % sizeof(buf);
		ssize_t n;

		if (len > SPLICE_BYTES - off)
			len = SPLICE_BYTES - off;
		stream_fill(12, off, buf, len);
		n = write(fd, buf, len);
		if (n <= 0)
			break;
		off += n;
	}
	close(fd);
	return NULL;
}

/* 5 MB written into a pipe, spliced from it into the socket. */
static void stream_splice(void)
{
	struct reader r = { .x = { .seed = 12, .bytes = SPLICE_BYTES } };
	pthread_t tw, tr;
	uint64_t moved = 0;
	int c, a, p[2], calls = 0;
	ssize_t n = 0;

	CHECK_OK(pipe(p));
	NEED_OK(xt_pair_opts("127.0.0.1", xt_port(0), 0, 0, &c, &a));
	r.x.fd = a;
	pthread_create(&tr, NULL, reader_run, &r);
	pthread_create(&tw, NULL, pipe_writer, &p[1]);
	while (moved < SPLICE_BYTES) {
		n = splice(p[0], NULL, c, NULL, 1 << 16, SPLICE_F_MOVE | SPLICE_F_MORE);
		calls++;
		if (n <= 0)
			break;
		moved += n;
	}
	CHECK(n > 0);
	CHECK(moved == SPLICE_BYTES);
	pthread_join(tw, NULL);
	pthread_join(tr, NULL);
	printf("# splice: %" PRIu64 " bytes in %d calls, received in %ld ms\n",
	       moved, calls, r.dt);
	CHECK(r.x.err == 0);
	CHECK(r.x.bytes == SPLICE_BYTES);
	CHECK(r.x.bad == 0);
	close(p[0]);
	close(c);
	close(a);
}

static const struct xt_test tests[] = {
	TEST(stream_sha256_known_answers),
	TEST_T(stream_100mb_sha256, 420),
	TEST(stream_forward_alloc_returned),
	TEST(stream_rcvbuf_16k_mss1000),
	TEST(stream_rcvbuf_4k_mss536),
	TEST(stream_rcvbuf_8k_mss1460),
	TEST(stream_rcvbuf_4k_mss536_tiny_writes),
	TEST_T(stream_epoll_echo_64, ECHO_DEADLINE_MS / 1000 + 60),
	TEST_T(stream_peer_vanishes_etimedout, 120),
	TEST_T(stream_sendfile, 300),
	TEST_T(stream_splice, 300),
};

XT_MAIN("stream", tests)
