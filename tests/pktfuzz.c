// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: XTCP's packet fuzzer.  Two network namespaces of its own, A and
 * B, each with a tun device (fz0: 10.97.0.1/24 in A, fz1: 10.97.0.2/24 in
 * B); this program is the wire between them and every other host on it.
 *
 *  - A real connection, A's 10.97.0.1 to B's listener 10.97.0.2:9000,
 *    moves a seeded byte stream each way through the relay; each reader
 *    checks every byte it gets against the generator.
 *  - Fake peers 10.97.0.3-66 answer what A's sockets send them (SYN,ACKs,
 *    ACKs, data, FINs, RSTs, silence), so that A holds listeners and
 *    connections in every state, orphans and TIME_WAIT entries; A's
 *    sockets are driven from here too (connect, accept, send, recv,
 *    shutdown, close, abort).
 *  - Between them, fuzz segments: random and mutated-valid headers (flags,
 *    seq/ack at the window edges and across wraparound, window, options of
 *    odd kinds and lengths, data offsets, checksums right and wrong, IP
 *    fragments and options), at listeners, live flows, TIME_WAIT and
 *    random ports; ICMP errors quoting live flows (the real one too).
 *    Segments aimed at the real connection are made harmless first
 *    (wrong checksum, bad data offset, sequence numbers outside the window
 *    both ways, a cumulative ACK no later than the one the real peer sent):
 *    a correct XTCP must drop them, so its bytes must all arrive intact.
 *
 * Seeded: the seed is printed first, and XTCP_FUZZ_SEED=S (or --seed S)
 * replays the same sequence of choices (kinds, mutations, socket calls;
 * the fake peers draw on a generator of their own).  The kernel's ISNs,
 * its timers and the stream threads' timing vary from run to run, so what
 * a replayed choice lands on can differ: a seed reproduces a run closely,
 * not to the segment.
 *
 *   pktfuzz [--list] [FILTER]      the tests, on tests/harness.h
 *   pktfuzz --run [--seed S] [--segments N] [--seconds T]
 *                                  one run of N segments or T seconds
 *
 * Environment for the harness tests: XTCP_FUZZ_SEED, XTCP_FUZZ_SEGMENTS,
 * XTCP_FUZZ_SECONDS (a time cap, 200 by default).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "harness.h"
#include "xtcp_util.h"
#include "fuzz_util.h"

#define ADDR(x)		(0x0a610000u | (x))	/* 10.97.0.x, host order */
#define A_ADDR		ADDR(1)
#define B_ADDR		ADDR(2)
#define PEER_LO		3
#define NPEERS		64
#define ROUTER		ADDR(254)
#define REAL_PORT	9000
#define LISTEN_PORT	7000
#define NLISTEN		4
#define PEER_PORT	8000			/* fake peers listen on 8000-8015 */
#define NFLOWS		512
#define NSOCKS		160
#define PROTO		(fz_proto)
#define STREAM_PER_SEG	24		/* the real connection, each way */

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10
#define F_URG	0x20

static int fz_proto = IPPROTO_XTCP;

/* ------------------------------------------------------------ wire */

struct ipv4 {
	uint8_t vihl, tos;
	uint16_t len, id, frag;
	uint8_t ttl, proto;
	uint16_t csum;
	uint32_t src, dst;
};

struct thdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff, flags;
	uint16_t win, csum, urp;
};

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The segment checksum over the pseudo-header (addresses in host order). */
static uint16_t seg_csum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	uint8_t ph[12];
	uint32_t s;

	*(uint32_t *)ph = htonl(src);
	*(uint32_t *)(ph + 4) = htonl(dst);
	ph[8] = 0;
	ph[9] = (uint8_t)PROTO;
	*(uint16_t *)(ph + 10) = htons((uint16_t)len);
	s = csum_add(0, ph, 12);
	return csum_fold(csum_add(s, seg, len));
}

/* ------------------------------------------------------------ state */

/* What this program knows of one XTCP flow seen on the wire. */
struct flow {
	int used, ns, real, dead;
	uint32_t kaddr, paddr;		/* kernel side, other side */
	uint16_t kport, pport;
	uint32_t k_nxt;			/* kernel's highest seq + len (+SYN/FIN) */
	uint32_t k_ack;			/* kernel's last ACK: what it got from us */
	uint32_t k_wnd;			/* its last window, scaled as we guess */
	uint8_t k_ws;
	int k_synced, k_fin;
	uint32_t p_isn, p_nxt;		/* ours (fake peers) */
	int p_synced, p_fin;
	/* real flows: the genuine other side, as relayed */
	uint32_t o_nxt, o_ack;
	int o_seen, k_acked;
	uint64_t last;			/* iteration last touched */
};

struct ksock {
	int fd, listener, noread;
};

enum {
	K_RANDOM, K_FLOW, K_LISTEN, K_REAL, K_ICMP, K_REFLECT, K_PEER, K_FRAG,
	K_NKINDS
};

static const char *const kind_names[K_NKINDS] = {
	"random", "flow-mutated", "listener", "real-harmless", "icmp",
	"reflected", "peer-replies", "ip-fragments",
};

struct fuzz {
	struct fz_rng rng;		/* the fuzz's choices */
	struct fz_rng prng;		/* the fake peers' answers */
	uint64_t seed;
	int tun[2], ns[2], ns_orig;
	struct flow flows[NFLOWS];
	struct ksock socks[NSOCKS];
	int nsocks;
	int listeners[NLISTEN];
	uint64_t iter, injected, relayed, kernel_segs, app_ops;
	uint64_t by_kind[K_NKINDS];
	/* the last kernel segments to fake peers, for reflection */
	uint8_t last_pkt[8][1600];
	size_t last_len[8];
	int sock_errors;
};

/* The real connection's two ends. */
struct stream_end {
	int ns;			/* namespace fd to enter */
	int fd;			/* connected socket (set by the thread) */
	int client;
	uint64_t tx_key, rx_key;
	uint64_t tx_limit;	/* 0: until stop */
	atomic_ullong sent, received;
	atomic_int done, failed;
	uint64_t bad_off;
	char err[160];
};

static atomic_int stream_stop;
/* bytes each end may have sent so far: the fuzz sets the pace */
static atomic_ullong stream_allowed;

static int in_ns(int fd)
{
	return setns(fd, CLONE_NEWNET);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

static int read_sysctl_proto(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	int p = IPPROTO_XTCP;

	if (f) {
		if (fscanf(f, "%d", &p) != 1)
			p = IPPROTO_XTCP;
		fclose(f);
	}
	return p;
}

/* A new namespace with tun @name at 10.97.0.@host/24; its fd, -1 on error. */
static int make_ns(const char *name, int host, int *tunfd)
{
	struct ifreq ifr;
	char cmd[256], path[128];
	int nsfd, fd;

	if (unshare(CLONE_NEWNET))
		return -1;
	nsfd = open("/proc/thread-self/ns/net", O_RDONLY);
	if (nsfd < 0)
		return -1;
	if (access("/dev/net/tun", F_OK) && system("modprobe tun"))
		return -1;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	write_file(path, "1\n");
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && ip addr add 10.97.0.%d/24 dev %s && "
		 "ip link set %s txqueuelen 4000 && ip link set %s up", host, name,
		 name, name);
	if (system(cmd))
		return -1;
	*tunfd = fd;
	return nsfd;
}

/* ------------------------------------------------------------ the stream */

static void *stream_thread(void *arg)
{
	struct stream_end *e = arg;
	unsigned char buf[16384], want[16384];
	int fd = e->fd, wr_open = 1, rd_open = 1;

	if (in_ns(e->ns)) {
		snprintf(e->err, sizeof(e->err), "setns: %s", strerror(errno));
		e->failed = 1;
		e->done = 1;
		return NULL;
	}
	while (wr_open || rd_open) {
		struct pollfd p = { fd, 0, 0 };
		uint64_t sent = e->sent;
		ssize_t n;

		if (wr_open && (stream_stop ||
				(e->tx_limit && sent >= e->tx_limit))) {
			if (shutdown(fd, SHUT_WR)) {
				snprintf(e->err, sizeof(e->err), "shutdown: %s",
					 strerror(errno));
				e->failed = 1;
				break;
			}
			wr_open = 0;
		}
		/* paced by the fuzz (STREAM_PER_SEG bytes a segment): the fuzz is the point */
		if (wr_open && (e->tx_limit || sent < stream_allowed))
			p.events |= POLLOUT;
		if (rd_open)
			p.events |= POLLIN;
		if (poll(&p, 1, 20) < 0 && errno != EINTR)
			break;
		if (wr_open && (p.revents & POLLOUT)) {
			size_t len = 1 + fz_stream_byte(e->rx_key, sent) * 16;

			if (e->tx_limit && e->tx_limit - sent < len)
				len = e->tx_limit - sent;
			fz_stream_fill(e->tx_key, sent, buf, len);
			n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0) {
				e->sent += n;
			} else if (n < 0 && errno != EAGAIN) {
				snprintf(e->err, sizeof(e->err), "send at %" PRIu64 ": %s",
					 sent, strerror(errno));
				e->failed = 1;
				break;
			}
		}
		if (rd_open && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			uint64_t off = e->received;
			ssize_t i;

			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0) {
				rd_open = 0;	/* the peer's FIN, after all its data */
				continue;
			}
			if (n < 0) {
				if (errno == EAGAIN)
					continue;
				snprintf(e->err, sizeof(e->err), "recv at %" PRIu64 ": %s",
					 off, strerror(errno));
				e->failed = 1;
				break;
			}
			fz_stream_fill(e->rx_key, off, want, n);
			for (i = 0; i < n; i++) {
				if (buf[i] != want[i]) {
					e->bad_off = off + i;
					snprintf(e->err, sizeof(e->err),
						 "byte %" PRIu64 " is 0x%02x, not 0x%02x",
						 off + i, buf[i], want[i]);
					e->failed = 1;
					goto out;
				}
			}
			e->received += n;
		}
	}
out:
	e->done = 1;
	return NULL;
}

/* ------------------------------------------------------------ flows */

static struct flow *flow_find(struct fuzz *f, int ns, uint32_t kaddr, uint16_t kport,
			      uint32_t paddr, uint16_t pport)
{
	int i;

	for (i = 0; i < NFLOWS; i++) {
		struct flow *fl = &f->flows[i];

		if (fl->used && fl->ns == ns && fl->kport == kport &&
		    fl->pport == pport && fl->kaddr == kaddr && fl->paddr == paddr)
			return fl;
	}
	return NULL;
}

static struct flow *flow_new(struct fuzz *f, int ns, uint32_t kaddr, uint16_t kport,
			     uint32_t paddr, uint16_t pport)
{
	struct flow *victim = NULL;
	int i;

	for (i = 0; i < NFLOWS; i++) {
		struct flow *fl = &f->flows[i];

		if (!fl->used) {
			victim = fl;
			break;
		}
		if (fl->real)
			continue;
		if (!victim || (fl->dead && !victim->dead) ||
		    (fl->dead == victim->dead && fl->last < victim->last))
			victim = fl;
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = 1;
	victim->ns = ns;
	victim->kaddr = kaddr;
	victim->kport = kport;
	victim->paddr = paddr;
	victim->pport = pport;
	victim->k_wnd = 65535;
	victim->last = f->iter;
	return victim;
}

/* A random live flow (real ones only if @real), or NULL. */
static struct flow *flow_pick(struct fuzz *f, int real)
{
	int i, start = fz_below(&f->rng, NFLOWS);

	for (i = 0; i < NFLOWS; i++) {
		struct flow *fl = &f->flows[(start + i) % NFLOWS];

		if (fl->used && fl->real == real &&
		    (real ? fl->o_seen && fl->k_acked : !fl->dead || i & 1))
			return fl;
	}
	return NULL;
}

static int seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* ------------------------------------------------------------ building */

struct seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, urp;
	uint8_t opts[40];
	int optlen;		/* bytes of options written */
	int doff;		/* -1: from optlen */
	int csum;		/* 0 right, 1 wrong, 2 zero */
	int len;
	int ns;			/* which tun: 0 A, 1 B */
	int ip_opts;		/* IP header options (words) */
	int ip_trunc;		/* IP total length shorter by this */
	int frag;		/* send as two IP fragments */
	int bcast;		/* to the subnet broadcast */
	uint8_t data[1600];	/* last: seg_init() leaves it */
};

static void seg_init(struct seg *s, int ns, uint32_t src, uint32_t dst,
		     uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		     uint8_t flags)
{
	memset(s, 0, offsetof(struct seg, data));
	s->ns = ns;
	s->src = src;
	s->dst = dst;
	s->sport = sport;
	s->dport = dport;
	s->seq = seq;
	s->ack = ack;
	s->flags = flags;
	s->win = 65535;
	s->doff = -1;
}

static void syn_opts(struct fuzz *f, struct seg *s)
{
	static const uint16_t mss[] = { 1460, 1400, 536, 1200, 88, 48, 1, 0, 65535 };
	uint16_t m = mss[fz_pct(&f->rng, 70) ? 0 : fz_below(&f->rng, 9)];

	s->opts[0] = 2;
	s->opts[1] = 4;
	s->opts[2] = m >> 8;
	s->opts[3] = m & 0xff;
	s->optlen = 4;
	if (fz_pct(&f->rng, 60)) {
		s->opts[4] = 1;
		s->opts[5] = 3;
		s->opts[6] = 3;
		s->opts[7] = fz_pct(&f->rng, 80) ? fz_below(&f->rng, 15) :
			     fz_below(&f->rng, 256);
		s->optlen = 8;
	}
}

/* Options of odd kinds and lengths: what a header parser must survive. */
static void odd_opts(struct fuzz *f, struct seg *s)
{
	uint8_t *o = s->opts;
	int n = 0, max = 4 * (1 + fz_below(&f->rng, 10));

	if (fz_pct(&f->rng, 15)) {
		fz_bytes(&f->rng, o, max);
		s->optlen = max;
		return;
	}
	while (n < max) {
		int room = max - n, k = fz_below(&f->rng, 12), l;

		switch (k) {
		case 0:
			o[n++] = 0;		/* EOL, maybe with junk after */
			break;
		case 1:
			o[n++] = 1;
			break;
		case 2:				/* MSS, any value, any length */
			l = fz_pct(&f->rng, 70) ? 4 : fz_below(&f->rng, 6);
			if (room < 2)
				goto done;
			o[n] = 2;
			o[n + 1] = l;
			fz_bytes(&f->rng, o + n + 2, room - 2 < 2 ? room - 2 : 2);
			n += l >= 2 && l <= room ? l : 2;
			break;
		case 3:				/* window scale, shift up to 255 */
			if (room < 3)
				goto done;
			o[n] = 3;
			o[n + 1] = fz_pct(&f->rng, 70) ? 3 : fz_below(&f->rng, 5);
			o[n + 2] = fz_below(&f->rng, 256);
			n += 3;
			break;
		case 4:				/* SACK permitted, timestamps, SACK */
		case 5:
		case 6:
			if (room < 2)
				goto done;
			o[n] = k == 4 ? 4 : k == 5 ? 8 : 5;
			l = k == 4 ? 2 : k == 5 ? 10 : 2 + 8 * fz_below(&f->rng, 4);
			if (fz_pct(&f->rng, 20))
				l = fz_below(&f->rng, 41);
			o[n + 1] = l;
			if (l > room)
				l = room;
			if (l > 2)
				fz_bytes(&f->rng, o + n + 2, l - 2);
			n += l < 2 ? 2 : l;
			break;
		case 7:				/* length 0 or 1: loops a bad parser */
			if (room < 2)
				goto done;
			o[n] = 2 + fz_below(&f->rng, 250);
			o[n + 1] = fz_below(&f->rng, 2);
			n += 2;
			break;
		case 8:				/* runs past the header */
			if (room < 2)
				goto done;
			o[n] = fz_below(&f->rng, 256);
			o[n + 1] = room + 1 + fz_below(&f->rng, 200);
			n = max;
			break;
		default:			/* unknown kind, valid length */
			if (room < 2)
				goto done;
			l = 2 + fz_below(&f->rng, room - 1);
			o[n] = 9 + fz_below(&f->rng, 240);
			o[n + 1] = l;
			if (l > 2)
				fz_bytes(&f->rng, o + n + 2, l - 2);
			n += l;
			break;
		}
	}
done:
	if (n > max)
		n = max;
	s->optlen = fz_pct(&f->rng, 80) ? (n + 3) & ~3 : n;	/* odd: doff rounds down */
	if (s->optlen > 40)
		s->optlen = 40;
}

/* Write @s into @pkt as an IPv4 datagram; its length. */
static size_t seg_build(struct fuzz *f, const struct seg *s, uint8_t *pkt)
{
	struct ipv4 *ip = (struct ipv4 *)pkt;
	int ihl = 5 + s->ip_opts, hl, doff, seglen;
	uint8_t *th = pkt + ihl * 4;
	uint16_t c;

	hl = 20 + ((s->optlen + 3) & ~3);
	doff = s->doff >= 0 ? s->doff : hl / 4;
	memset(pkt, 0, ihl * 4 + hl);
	*(uint16_t *)(th + 0) = htons(s->sport);
	*(uint16_t *)(th + 2) = htons(s->dport);
	*(uint32_t *)(th + 4) = htonl(s->seq);
	*(uint32_t *)(th + 8) = htonl(s->ack);
	th[12] = doff << 4;
	th[13] = s->flags;
	*(uint16_t *)(th + 14) = htons(s->win);
	*(uint16_t *)(th + 18) = htons(s->urp);
	memcpy(th + 20, s->opts, s->optlen);
	memcpy(th + hl, s->data, s->len);
	seglen = hl + s->len;
	c = seg_csum(s->src, s->dst, th, seglen);
	if (s->csum == 1)
		c ^= 1 + fz_below(&f->rng, 0xfffe);
	else if (s->csum == 2)
		c = 0;
	*(uint16_t *)(th + 16) = htons(c);

	ip->vihl = 0x40 | ihl;
	ip->len = htons(ihl * 4 + seglen - s->ip_trunc);
	ip->id = htons(fz_u32(&f->rng));
	ip->ttl = 64;
	ip->proto = (uint8_t)PROTO;
	ip->src = htonl(s->src);
	ip->dst = htonl(s->bcast ? ADDR(255) : s->dst);
	if (s->ip_opts)
		memset(pkt + 20, 1, s->ip_opts * 4);	/* NOPs */
	ip->csum = htons(csum_fold(csum_add(0, pkt, ihl * 4)));
	return ihl * 4 + seglen;
}

static void tun_write(struct fuzz *f, int ns, const uint8_t *pkt, size_t len)
{
	if (write(f->tun[ns], pkt, len) < 0 && errno != EINVAL && errno != EIO)
		f->sock_errors++;
}

/* Send @s, as two IP fragments if it asks. */
static void seg_send(struct fuzz *f, struct seg *s, int kind)
{
	uint8_t pkt[1800], fr[1800];
	size_t len = seg_build(f, s, pkt);
	struct ipv4 *ip = (struct ipv4 *)pkt;
	size_t hl = (ip->vihl & 0xf) * 4, pay = len - hl;

	f->injected++;
	f->by_kind[kind]++;
	if (!s->frag || pay < 16 || s->ip_trunc) {
		tun_write(f, s->ns, pkt, len);
		return;
	}
	/* two fragments, the first at an 8-byte boundary, in random order */
	{
		size_t cut = 8 * (1 + fz_below(&f->rng, (pay - 1) / 8));
		int order = fz_below(&f->rng, 2), i;

		f->by_kind[K_FRAG]++;
		for (i = 0; i < 2; i++) {
			struct ipv4 *h = (struct ipv4 *)fr;
			int second = i ^ order;
			size_t off = second ? cut : 0;
			size_t n = second ? pay - cut : cut;

			memcpy(fr, pkt, hl);
			memcpy(fr + hl, pkt + hl + off, n);
			h->len = htons(hl + n);
			h->frag = htons((second ? 0 : 0x2000) | (off / 8));
			h->csum = 0;
			h->csum = htons(csum_fold(csum_add(0, fr, hl)));
			tun_write(f, s->ns, fr, hl + n);
		}
	}
}

/* ------------------------------------------------------------ fake peers */

static uint8_t fuzz_flags(struct fuzz *f)
{
	static const uint8_t common[] = {
		F_ACK, F_ACK | F_PSH, F_ACK | F_FIN, F_RST, F_RST | F_ACK, F_SYN,
		F_SYN | F_ACK, F_SYN | F_FIN, 0, F_FIN, F_SYN | F_RST,
		F_ACK | F_URG, 0xff, F_FIN | F_PSH | F_URG,
	};

	if (fz_pct(&f->rng, 15))
		return fz_below(&f->rng, 256);
	return common[fz_below(&f->rng, sizeof(common))];
}

/* A fake peer's answer: valid, from what it knows. */
static void peer_send(struct fuzz *f, struct flow *fl, uint8_t flags, int len)
{
	struct seg s;

	seg_init(&s, fl->ns, fl->paddr, fl->kaddr, fl->pport, fl->kport,
		 fl->p_nxt, fl->k_nxt, flags);
	if (flags & F_SYN)
		syn_opts(f, &s);
	s.win = fz_pct(&f->rng, 8) ? 0 : fz_pct(&f->rng, 10) ?
		fz_below(&f->rng, 2000) : 65535;
	if (len > 0) {
		if (len > 1400)
			len = 1400;
		fz_bytes(&f->rng, s.data, len);
		s.len = len;
	}
	seg_send(f, &s, K_PEER);
	fl->p_nxt += len + !!(flags & F_SYN) + !!(flags & F_FIN);
	if (flags & F_FIN)
		fl->p_fin = 1;
}

/* A segment the kernel sent to a fake peer: learn from it and answer. */
static void peer_rcv_one(struct fuzz *f, int ns, const uint8_t *pkt, size_t len)
{
	const struct ipv4 *ip = (const void *)pkt;
	size_t ihl = (ip->vihl & 0xf) * 4, hl;
	const uint8_t *th = pkt + ihl;
	uint32_t src = ntohl(ip->src), dst = ntohl(ip->dst), seq, ack;
	uint16_t sport, dport, win;
	uint8_t flags;
	struct flow *fl;
	int dlen, i;

	if (len < ihl + 20)
		return;
	hl = (th[12] >> 4) * 4;
	if (hl < 20 || len < ihl + hl)
		return;
	f->kernel_segs++;
	i = f->kernel_segs % 8;
	memcpy(f->last_pkt[i], pkt, len > 1600 ? 1600 : len);
	f->last_len[i] = len > 1600 ? 1600 : len;

	sport = ntohs(*(uint16_t *)th);
	dport = ntohs(*(uint16_t *)(th + 2));
	seq = ntohl(*(uint32_t *)(th + 4));
	ack = ntohl(*(uint32_t *)(th + 8));
	flags = th[13];
	win = ntohs(*(uint16_t *)(th + 14));
	dlen = len - ihl - hl;

	fl = flow_find(f, ns, src, sport, dst, dport);
	if (!fl) {
		if ((flags & (F_SYN | F_ACK | F_RST)) != F_SYN)
			return;		/* a reset or an answer to noise */
		fl = flow_new(f, ns, src, sport, dst, dport);
	}
	fl->last = f->iter;
	if (flags & F_SYN) {
		const uint8_t *o = th + 20;
		size_t j;

		for (j = 0; j + 1 < hl - 20; ) {
			if (o[j] == 0)
				break;
			if (o[j] == 1) {
				j++;
				continue;
			}
			if (o[j] == 3 && o[j + 1] == 3 && j + 2 < hl - 20)
				fl->k_ws = o[j + 2] > 14 ? 14 : o[j + 2];
			if (o[j + 1] < 2)
				break;
			j += o[j + 1];
		}
		fl->k_synced = 1;
		fl->k_nxt = seq + 1;
	}
	if (seq_after(seq + dlen + !!(flags & F_SYN) + !!(flags & F_FIN), fl->k_nxt) ||
	    !fl->k_synced)
		fl->k_nxt = seq + dlen + !!(flags & F_SYN) + !!(flags & F_FIN);
	fl->k_wnd = (uint32_t)win << ((flags & F_SYN) ? 0 : fl->k_ws);
	if (flags & F_ACK) {
		fl->k_ack = ack;
		/* our fuzz data taken: go on from there */
		if (fl->p_synced && seq_after(ack, fl->p_nxt) &&
		    ack - fl->p_nxt < (1u << 20))
			fl->p_nxt = ack;
	}
	if (flags & F_FIN)
		fl->k_fin = 1;
	if (flags & F_RST) {
		fl->dead = 1;
		return;
	}

	if ((flags & (F_SYN | F_ACK)) == F_SYN) {
		/* A connect() from A: the peer's script. */
		uint32_t r = fz_below(&f->rng, 100);

		fl->p_isn = fz_u32(&f->rng);
		fl->p_nxt = fl->p_isn;
		fl->p_synced = 1;
		if (r < 60) {
			peer_send(f, fl, F_SYN | F_ACK, 0);
		} else if (r < 70) {
			peer_send(f, fl, F_SYN, 0);	/* simultaneous open */
		} else if (r < 80) {
			fl->p_nxt = 0;
			peer_send(f, fl, F_RST | F_ACK, 0);
			fl->dead = 1;
		}
		return;
	}
	if ((flags & (F_SYN | F_ACK)) == (F_SYN | F_ACK)) {
		if (fz_pct(&f->rng, 75))
			peer_send(f, fl, F_ACK, fz_pct(&f->rng, 20) ?
				  1 + fz_below(&f->rng, 1400) : 0);
		return;
	}
	if (dlen || (flags & F_FIN)) {
		if (fz_pct(&f->rng, 75))
			peer_send(f, fl, F_ACK, 0);
		if ((flags & F_FIN) && !fl->p_fin && fz_pct(&f->rng, 50))
			peer_send(f, fl, F_ACK | F_FIN, 0);
	}
	if (!fl->p_fin && fz_pct(&f->rng, 15))
		peer_send(f, fl, F_ACK | F_PSH, 1 + fz_below(&f->rng, 1400));
	if (!fl->p_fin && fz_pct(&f->rng, 3))
		peer_send(f, fl, F_ACK | F_FIN, 0);
	if (fz_pct(&f->rng, 1)) {
		peer_send(f, fl, F_RST, 0);
		fl->dead = 1;
	}
}

/*
 * The answers draw on a generator of their own: how many segments the
 * kernel sent (its timers) then leaves the fuzz's own choices alone.
 */
static void peer_rcv(struct fuzz *f, int ns, const uint8_t *pkt, size_t len)
{
	struct fz_rng saved = f->rng;

	f->rng = f->prng;
	peer_rcv_one(f, ns, pkt, len);
	f->prng = f->rng;
	f->rng = saved;
}

/* Relay a genuine segment between A and B, learning the real flow from it. */
static void real_rcv(struct fuzz *f, int from, const uint8_t *pkt, size_t len)
{
	const struct ipv4 *ip = (const void *)pkt;
	size_t ihl = (ip->vihl & 0xf) * 4;
	const uint8_t *th = pkt + ihl;

	tun_write(f, !from, pkt, len);
	f->relayed++;
	if (ip->proto != (uint8_t)PROTO || len < ihl + 20)
		return;
	{
		uint32_t src = ntohl(ip->src), dst = ntohl(ip->dst);
		uint16_t sport = ntohs(*(uint16_t *)th), dport = ntohs(*(uint16_t *)(th + 2));
		uint32_t seq = ntohl(*(uint32_t *)(th + 4)), ack = ntohl(*(uint32_t *)(th + 8));
		uint8_t flags = th[13];
		size_t hl = (th[12] >> 4) * 4;
		uint32_t end = seq + (len - ihl - hl) + !!(flags & F_SYN) + !!(flags & F_FIN);
		struct flow *mine, *other;

		if (flags & F_RST)
			return;
		/* each side is a flow of its own namespace: the sender's view */
		mine = flow_find(f, from, src, sport, dst, dport);
		if (!mine) {
			if (!(flags & F_SYN))
				return;
			mine = flow_new(f, from, src, sport, dst, dport);
			mine->real = 1;
		}
		other = flow_find(f, !from, dst, dport, src, sport);
		if (!other && (flags & F_SYN)) {
			other = flow_new(f, !from, dst, dport, src, sport);
			other->real = 1;
		}
		mine->last = f->iter;
		if (!mine->k_synced || seq_after(end, mine->k_nxt))
			mine->k_nxt = end;
		mine->k_synced = 1;
		if (flags & F_ACK) {
			mine->k_ack = ack;
			if (!(flags & F_SYN))
				mine->k_acked = 1;
		}
		if (other) {
			/* the other end's view of what its peer sent and acked */
			other->o_nxt = mine->k_nxt;
			if (flags & F_ACK)
				other->o_ack = ack;
			other->o_seen = other->o_seen || ((flags & F_ACK) && !(flags & F_SYN));
		}
	}
}

static void pump(struct fuzz *f)
{
	uint8_t pkt[2048];
	int ns, n;

	for (n = 0; n < 256; n++) {
		int got = 0;

		for (ns = 0; ns < 2; ns++) {
			ssize_t len = read(f->tun[ns], pkt, sizeof(pkt));
			const struct ipv4 *ip = (const void *)pkt;
			uint32_t dst;

			if (len < 20 || (pkt[0] >> 4) != 4)
				continue;
			got = 1;
			dst = ntohl(ip->dst);
			if (dst == (ns ? A_ADDR : B_ADDR))
				real_rcv(f, ns, pkt, len);
			else if (ip->proto == (uint8_t)PROTO)
				peer_rcv(f, ns, pkt, len);
		}
		if (!got)
			break;
	}
}

/* ------------------------------------------------------------ fuzz segments */

static uint32_t near(struct fuzz *f, uint32_t base, uint32_t wnd)
{
	switch (fz_below(&f->rng, 12)) {
	case 0: return base;
	case 1: return base - 1;
	case 2: return base + 1;
	case 3: return base + wnd;
	case 4: return base + wnd - 1;
	case 5: return base + wnd + 1;
	case 6: return base + 0x80000000u;
	case 7: return base + 0x7fffffffu;
	case 8: return base - fz_below(&f->rng, 70000);
	case 9: return base + fz_below(&f->rng, 70000);
	case 10: return fz_u32(&f->rng);
	default: return base;
	}
}

static void mutate_body(struct fuzz *f, struct seg *s)
{
	if (fz_pct(&f->rng, 20))
		odd_opts(f, s);
	else if (fz_pct(&f->rng, 10))
		syn_opts(f, s);
	if (fz_pct(&f->rng, 30)) {
		s->len = fz_pct(&f->rng, 70) ? 1 + fz_below(&f->rng, 200) :
			 fz_below(&f->rng, 1500);
		fz_bytes(&f->rng, s->data, s->len);
	}
	if (fz_pct(&f->rng, 10))
		s->win = fz_pct(&f->rng, 50) ? 0 : fz_below(&f->rng, 65536);
	if (fz_pct(&f->rng, 5))
		s->urp = fz_below(&f->rng, 65536);
	if (fz_pct(&f->rng, 6))
		s->doff = fz_below(&f->rng, 16);
	if (fz_pct(&f->rng, 12))
		s->csum = fz_pct(&f->rng, 80) ? 1 : 2;
	if (fz_pct(&f->rng, 3))
		s->ip_opts = 1 + fz_below(&f->rng, 3);
	if (fz_pct(&f->rng, 3))
		s->ip_trunc = 1 + fz_below(&f->rng, 24);
	if (fz_pct(&f->rng, 3))
		s->frag = 1;
	if (fz_pct(&f->rng, 1))
		s->bcast = 1;
}

static uint32_t peer_addr(struct fuzz *f)
{
	return ADDR(PEER_LO + fz_below(&f->rng, NPEERS));
}

static void fuzz_random(struct fuzz *f)
{
	static const uint32_t odd_src[] = {
		0, 0xffffffffu, 0x7f000001u, A_ADDR, ADDR(255), 0xe0000001u,
	};
	struct seg s;
	uint16_t dport;

	switch (fz_below(&f->rng, 4)) {
	case 0: dport = LISTEN_PORT + fz_below(&f->rng, NLISTEN); break;
	case 1: dport = REAL_PORT + 1; break;
	case 2: dport = fz_below(&f->rng, 65536); break;
	default: dport = 32768 + fz_below(&f->rng, 32768); break;
	}
	seg_init(&s, 0, peer_addr(f), A_ADDR,
		 fz_pct(&f->rng, 50) ? PEER_PORT + fz_below(&f->rng, 16) :
		 fz_below(&f->rng, 65536), dport, fz_u32(&f->rng),
		 fz_u32(&f->rng), fuzz_flags(f));
	if (fz_pct(&f->rng, 3))
		s.src = odd_src[fz_below(&f->rng, 6)];
	if (s.src == A_ADDR && s.sport != 0)
		s.sport |= 1;		/* never the real flow's tuple */
	mutate_body(f, &s);
	seg_send(f, &s, K_RANDOM);
}

/* A tracked fake flow: its next valid segment, then mutated. */
static void fuzz_flow(struct fuzz *f)
{
	struct flow *fl = flow_pick(f, 0);
	struct seg s;

	if (!fl) {
		fuzz_random(f);
		return;
	}
	seg_init(&s, fl->ns, fl->paddr, fl->kaddr, fl->pport, fl->kport,
		 near(f, fl->p_nxt, fl->k_wnd), near(f, fl->k_nxt, 65535),
		 fz_pct(&f->rng, 40) ? F_ACK : fuzz_flags(f));
	mutate_body(f, &s);
	seg_send(f, &s, K_FLOW);
	fl->last = f->iter;
}

/* A new fake peer at a listener: usually a plain SYN, so flows start. */
static void fuzz_listener(struct fuzz *f)
{
	int ns = fz_pct(&f->rng, 10);
	uint16_t port = ns ? REAL_PORT : LISTEN_PORT + fz_below(&f->rng, NLISTEN);
	struct flow *fl;
	struct seg s;
	uint32_t isn = fz_u32(&f->rng);
	uint32_t src = peer_addr(f);
	uint16_t sport = 1024 + fz_below(&f->rng, 60000);

	seg_init(&s, ns, src, ns ? B_ADDR : A_ADDR, sport, port, isn, 0, F_SYN);
	if (fz_pct(&f->rng, 75)) {
		syn_opts(f, &s);
		if (fz_pct(&f->rng, 10)) {
			s.len = 1 + fz_below(&f->rng, 100);	/* data on the SYN */
			fz_bytes(&f->rng, s.data, s.len);
		}
		fl = flow_find(f, ns, s.dst, port, src, sport);
		if (!fl)
			fl = flow_new(f, ns, s.dst, port, src, sport);
		fl->p_isn = isn;
		fl->p_nxt = isn + 1 + s.len;
		fl->p_synced = 1;
		seg_send(f, &s, K_LISTEN);
		return;
	}
	s.flags = fuzz_flags(f);
	s.ack = fz_u32(&f->rng);
	mutate_body(f, &s);
	seg_send(f, &s, K_LISTEN);
}

/*
 * At the real connection, from one end to the other: anything, made
 * harmless.  o_ack is the latest ACK the genuine sender sent (no later
 * than what it got), o_nxt its highest sequence number; the receiver's
 * RCV.NXT lies in [its own last ACK, o_nxt], and its window is < 2^30.
 */
static void fuzz_real(struct fuzz *f)
{
	struct flow *fl = flow_pick(f, 1);
	struct seg s;
	uint32_t seq;
	int how;

	if (!fl) {
		fuzz_random(f);
		return;
	}
	seg_init(&s, fl->ns, fl->paddr, fl->kaddr, fl->pport, fl->kport, 0,
		 fl->o_ack - fz_below(&f->rng, 3000), fuzz_flags(f));
	mutate_body(f, &s);
	s.bcast = 0;
	how = fz_below(&f->rng, 5);
	switch (how) {
	case 0:		/* wrong checksum, anywhere in the window */
		s.seq = near(f, fl->k_ack, fl->k_wnd);
		s.csum = 1;
		break;
	case 1:		/* a data offset below 5 or past the end */
		s.seq = near(f, fl->k_ack, fl->k_wnd);
		s.doff = fz_pct(&f->rng, 50) ? fz_below(&f->rng, 5) : 15;
		if (s.doff == 15)
			s.len = fz_below(&f->rng, 40);
		s.csum = 0;
		s.frag = 0;
		s.optlen = 0;
		break;
	case 2:		/* beyond the right edge: >= 2^30 past o_nxt */
		s.seq = fl->o_nxt + 0x40000000u + fz_below(&f->rng, 0x30000000);
		break;
	case 3:		/* wholly old: ends 2+ before the receiver's last ACK */
		/* (a data offset too small turns up to 40 option bytes into data) */
		seq = fl->k_ack - 2 - s.len - 40 - fz_below(&f->rng, 60000);
		s.seq = seq;
		break;
	default:	/* cut short in the IP header: less than a header */
		s.seq = near(f, fl->k_ack, fl->k_wnd);
		s.len = 0;
		s.optlen = 0;
		s.doff = -1;
		s.frag = 0;
		s.ip_trunc = 1 + fz_below(&f->rng, 19);
		break;
	}
	/*
	 * A cut segment (IP total length short) might match its checksum by
	 * chance, once in 65536, and be taken in window: only the cut below
	 * a header is allowed here.
	 */
	if (how != 4)
		s.ip_trunc = 0;
	seg_send(f, &s, K_REAL);
}

/* An ICMP error quoting a live flow (or a real one): checked by seq. */
static void fuzz_icmp(struct fuzz *f)
{
	static const uint16_t mtus[] = {
		0, 1, 67, 68, 296, 552, 576, 1000, 1280, 1400, 1499, 1500, 9000, 65535,
	};
	struct flow *fl = flow_pick(f, fz_pct(&f->rng, 20));
	uint8_t pkt[256], *ic, *in;
	struct ipv4 *ip = (struct ipv4 *)pkt, *iip;
	uint32_t seq;
	int quote, type, code;
	size_t len;

	if (!fl)
		fl = flow_pick(f, 0);
	if (!fl) {
		fuzz_random(f);
		return;
	}
	memset(pkt, 0, sizeof(pkt));
	switch (fz_below(&f->rng, 10)) {
	case 0: type = 11; code = fz_below(&f->rng, 2); break;
	case 1: type = 12; code = 0; break;
	case 2: type = 4; code = 0; break;
	case 3: type = fz_below(&f->rng, 256); code = fz_below(&f->rng, 256); break;
	case 4:
	case 5: type = 3; code = 4; break;
	default: type = 3; code = fz_below(&f->rng, 16); break;
	}
	seq = near(f, fl->k_nxt, 1000);
	if (fz_pct(&f->rng, 30))
		seq = fl->k_nxt - fz_below(&f->rng, 3000);
	quote = fz_pct(&f->rng, 70) ? 8 : fz_pct(&f->rng, 50) ? 20 : fz_below(&f->rng, 28);

	ip->vihl = 0x45;
	ip->ttl = 64;
	ip->proto = IPPROTO_ICMP;
	ip->src = htonl(fz_pct(&f->rng, 60) ? fl->paddr : ROUTER);
	ip->dst = htonl(fl->kaddr);
	ic = pkt + 20;
	ic[0] = type;
	ic[1] = code;
	if (type == 3 && code == 4) {
		uint16_t mtu = fz_pct(&f->rng, 80) ? mtus[fz_below(&f->rng, 14)] :
			       fz_below(&f->rng, 65536);

		*(uint16_t *)(ic + 6) = htons(mtu);
	} else if (fz_pct(&f->rng, 10)) {
		fz_bytes(&f->rng, ic + 4, 4);
	}
	iip = (struct ipv4 *)(ic + 8);
	iip->vihl = fz_pct(&f->rng, 95) ? 0x45 : fz_below(&f->rng, 256);
	iip->len = htons(fz_pct(&f->rng, 90) ? 20 + 20 + fz_below(&f->rng, 1400) :
			 fz_below(&f->rng, 65536));
	iip->ttl = 1 + fz_below(&f->rng, 64);
	iip->proto = fz_pct(&f->rng, 95) ? (uint8_t)PROTO : fz_below(&f->rng, 256);
	iip->src = htonl(fl->kaddr);
	iip->dst = htonl(fl->paddr);
	iip->csum = htons(csum_fold(csum_add(0, iip, 20)));
	in = ic + 8 + 20;
	*(uint16_t *)(in + 0) = htons(fl->kport);
	*(uint16_t *)(in + 2) = htons(fl->pport);
	*(uint32_t *)(in + 4) = htonl(seq);
	*(uint32_t *)(in + 8) = htonl(fl->k_ack);
	in[12] = 0x50;
	in[13] = F_ACK;
	*(uint16_t *)(in + 14) = htons(65535);
	len = 20 + 8 + 20 + quote;
	*(uint16_t *)(ic + 2) = htons(csum_fold(csum_add(0, ic, len - 20)));
	if (fz_pct(&f->rng, 5))
		ic[2] ^= 0x5a;
	ip->len = htons(len);
	ip->id = htons(fz_u32(&f->rng));
	ip->csum = htons(csum_fold(csum_add(0, pkt, 20)));
	f->injected++;
	f->by_kind[K_ICMP]++;
	tun_write(f, fl->ns, pkt, len);
}

/* One of the kernel's own recent segments, sent back mutated. */
static void fuzz_reflect(struct fuzz *f)
{
	int i = fz_below(&f->rng, 8);
	uint8_t pkt[1700];
	struct ipv4 *ip = (struct ipv4 *)pkt;
	size_t len = f->last_len[i], ihl, seglen;
	uint32_t src, dst;
	uint8_t *th;
	int n, k;

	if (len < 40) {
		fuzz_flow(f);
		return;
	}
	memcpy(pkt, f->last_pkt[i], len);
	ihl = (ip->vihl & 0xf) * 4;
	if (ihl < 20 || len < ihl + 20) {
		fuzz_flow(f);
		return;
	}
	th = pkt + ihl;
	src = ntohl(ip->dst);
	dst = ntohl(ip->src);
	ip->src = htonl(src);
	ip->dst = htonl(dst);
	{	/* swap the ports and seq/ack: the peer's view */
		uint16_t p = *(uint16_t *)th;
		uint32_t q = *(uint32_t *)(th + 4);

		*(uint16_t *)th = *(uint16_t *)(th + 2);
		*(uint16_t *)(th + 2) = p;
		*(uint32_t *)(th + 4) = *(uint32_t *)(th + 8);
		*(uint32_t *)(th + 8) = htonl(ntohl(q) + fz_below(&f->rng, 3));
	}
	seglen = len - ihl;
	n = 1 + fz_below(&f->rng, 4);
	for (k = 0; k < n; k++) {
		size_t at = fz_below(&f->rng, seglen);

		if (at == 16 || at == 17)
			continue;
		th[at] ^= 1u << fz_below(&f->rng, 8);
	}
	*(uint16_t *)(th + 16) = 0;
	*(uint16_t *)(th + 16) = htons(seg_csum(src, dst, th, seglen) ^
				       (fz_pct(&f->rng, 10) ? 0x55 : 0));
	ip->csum = 0;
	ip->csum = htons(csum_fold(csum_add(0, pkt, ihl)));
	f->injected++;
	f->by_kind[K_REFLECT]++;
	tun_write(f, 0, pkt, len);
}

/* ------------------------------------------------------------ A's sockets */

static void sock_add(struct fuzz *f, int fd, int listener)
{
	int i;

	if (f->nsocks == NSOCKS) {
		i = fz_below(&f->rng, NSOCKS);
		if (f->socks[i].listener) {
			close(fd);
			return;
		}
		close(f->socks[i].fd);
		f->socks[i] = f->socks[--f->nsocks];
	}
	f->socks[f->nsocks].fd = fd;
	f->socks[f->nsocks].listener = listener;
	f->socks[f->nsocks].noread = fz_pct(&f->rng, 25);
	f->nsocks++;
}

static void sock_del(struct fuzz *f, int i)
{
	close(f->socks[i].fd);
	f->socks[i] = f->socks[--f->nsocks];
}

static int new_listener(struct fuzz *f, int port)
{
	struct sockaddr_xtcp a = xt_addr("0.0.0.0", port);
	int fd = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, fz_pct(&f->rng, 30) ? 128 : 1 + fz_below(&f->rng, 8))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void sock_opts(struct fuzz *f, int fd)
{
	int v;

	if (fz_pct(&f->rng, 15)) {
		v = 1024 + fz_below(&f->rng, 8192);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
	if (fz_pct(&f->rng, 10)) {
		v = 1024 + fz_below(&f->rng, 8192);
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	if (fz_pct(&f->rng, 20)) {
		v = 1;
		setsockopt(fd, SOL_XTCP, XTCP_NODELAY, &v, sizeof(v));
	}
	if (fz_pct(&f->rng, 10)) {
		v = 88 + fz_below(&f->rng, 1400);
		setsockopt(fd, SOL_XTCP, XTCP_MAXSEG, &v, sizeof(v));
	}
	if (fz_pct(&f->rng, 10)) {
		v = 1;
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v));
		setsockopt(fd, SOL_XTCP, XTCP_KEEPIDLE, &v, sizeof(v));
		setsockopt(fd, SOL_XTCP, XTCP_KEEPINTVL, &v, sizeof(v));
	}
	if (fz_pct(&f->rng, 5)) {
		v = 500 + fz_below(&f->rng, 3000);
		setsockopt(fd, SOL_XTCP, XTCP_USER_TIMEOUT, &v, sizeof(v));
	}
}

/* One thing an application on A does. */
static void app_op(struct fuzz *f)
{
	static unsigned char junk[20000];
	int r = fz_below(&f->rng, 100), i, fd;

	f->app_ops++;
	if (r < 15) {			/* accept */
		i = fz_below(&f->rng, NLISTEN);
		if (f->listeners[i] < 0)
			return;
		fd = accept4(f->listeners[i], NULL, NULL, SOCK_NONBLOCK);
		if (fd >= 0) {
			sock_opts(f, fd);
			sock_add(f, fd, 0);
		}
		return;
	}
	if (r < 30) {			/* connect to a fake peer */
		struct sockaddr_xtcp a;

		fd = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return;
		sock_opts(f, fd);
		memset(&a, 0, sizeof(a));
		a.sxtcp_family = xt_family();
		a.sxtcp_addr = htonl(peer_addr(f));
		a.sxtcp_port = htons(PEER_PORT + fz_below(&f->rng, 16));
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS) {
			close(fd);
			return;
		}
		sock_add(f, fd, 0);
		return;
	}
	if (r < 32) {			/* a listener goes and comes back */
		i = fz_below(&f->rng, NLISTEN);
		if (f->listeners[i] >= 0)
			close(f->listeners[i]);
		f->listeners[i] = new_listener(f, LISTEN_PORT + i);
		return;
	}
	if (!f->nsocks)
		return;
	i = fz_below(&f->rng, f->nsocks);
	fd = f->socks[i].fd;
	if (r < 55) {			/* send */
		size_t n = 1 + fz_below(&f->rng, sizeof(junk));

		send(fd, junk, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	} else if (r < 80) {		/* read what there is */
		if (!f->socks[i].noread)
			while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
				;
	} else if (r < 86) {
		shutdown(fd, fz_below(&f->rng, 3));
	} else if (r < 88) {
		struct xtcp_info info;
		socklen_t len = sizeof(info);
		int q;

		getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len);
		ioctl(fd, FIONREAD, &q);
	} else if (r < 90) {		/* connect again, in whatever state */
		struct sockaddr_xtcp a;

		memset(&a, 0, sizeof(a));
		a.sxtcp_family = fz_pct(&f->rng, 90) ? xt_family() : AF_UNSPEC;
		a.sxtcp_addr = htonl(peer_addr(f));
		a.sxtcp_port = htons(PEER_PORT + fz_below(&f->rng, 16));
		connect(fd, (struct sockaddr *)&a, sizeof(a));
	} else if (r < 96) {		/* close: an orphan, if anything is left */
		sock_del(f, i);
	} else {			/* abort */
		struct linger l = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		sock_del(f, i);
	}
}

/* ------------------------------------------------------------ the run */

static void set_sysctls(void)
{
	/* short timers so that states come and go within the run */
	xt_sysctl_set("msl_ms", 500);
	xt_sysctl_set("fin_timeout_ms", 1500);
	xt_sysctl_set("syn_retries", 5);
	xt_sysctl_set("synack_retries", 3);
	xt_sysctl_set("rto_max_ms", 4000);
	xt_sysctl_set("keepalive_time_s", 1);
	xt_sysctl_set("keepalive_intvl_s", 1);
}

static int stream_connect(struct fuzz *f, int listener, int *cfd, int *sfd)
{
	struct sockaddr_xtcp a;
	long end = now_ms() + 60000;
	int c, s = -1, cport;

	if (in_ns(f->ns[0]))
		return -1;
	c = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sxtcp_family = xt_family();
	a.sxtcp_addr = htonl(B_ADDR);
	a.sxtcp_port = htons(REAL_PORT);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS) {
		close(c);
		return -1;
	}
	cport = xt_local_port(c);
	if (in_ns(f->ns[1]))
		return -1;
	/* fake peers' connections may be queued too: ours is the one from A */
	while (now_ms() < end) {
		struct sockaddr_xtcp p;
		socklen_t plen = sizeof(p);

		pump(f);
		s = accept4(listener, (struct sockaddr *)&p, &plen, SOCK_NONBLOCK);
		if (s >= 0 && p.sxtcp_addr == htonl(A_ADDR) &&
		    ntohs(p.sxtcp_port) == cport)
			break;
		if (s >= 0) {
			close(s);
			s = -1;
			continue;
		}
		usleep(1000);
	}
	if (in_ns(f->ns[0]))
		return -1;
	if (s < 0) {
		close(c);
		return -1;
	}
	/* the client's end completes on the next ACK from B */
	while (now_ms() < end) {
		struct pollfd p = { c, POLLOUT, 0 };

		pump(f);
		if (poll(&p, 1, 1) == 1)
			break;
	}
	*cfd = c;
	*sfd = s;
	return 0;
}

static int stream_run(struct fuzz *f, struct stream_end *e, pthread_t *t, int c,
		      int s, uint64_t key, uint64_t limit)
{
	memset(e, 0, 2 * sizeof(*e));
	e[0].ns = f->ns[0];
	e[0].fd = c;
	e[0].client = 1;
	e[0].tx_key = key;
	e[0].rx_key = key ^ 0x5555;
	e[0].tx_limit = limit;
	e[1].ns = f->ns[1];
	e[1].fd = s;
	e[1].tx_key = key ^ 0x5555;
	e[1].rx_key = key;
	e[1].tx_limit = limit;
	if (pthread_create(&t[0], NULL, stream_thread, &e[0]) ||
	    pthread_create(&t[1], NULL, stream_thread, &e[1]))
		return -1;
	return 0;
}

/* Relay until both ends are done or @ms pass; 0 if done. */
static int stream_wait(struct fuzz *f, struct stream_end *e, long ms)
{
	long end = now_ms() + ms;

	while (now_ms() < end) {
		struct pollfd p[2] = { { f->tun[0], POLLIN, 0 }, { f->tun[1], POLLIN, 0 } };

		if (e[0].done && e[1].done)
			return 0;
		poll(p, 2, 5);
		pump(f);
	}
	return -1;
}

static int stream_check(struct stream_end *e, const char *what)
{
	int ok = 1, i;

	for (i = 0; i < 2; i++) {
		fprintf(stderr, "  %s %s: sent %llu, received %llu and checked%s%s\n",
			what, e[i].client ? "A (client)" : "B (server)",
			(unsigned long long)e[i].sent,
			(unsigned long long)e[i].received,
			e[i].err[0] ? "; error: " : "", e[i].err);
		if (e[i].failed || !e[i].done)
			ok = 0;
	}
	if (e[0].received != e[1].sent || e[1].received != e[0].sent) {
		fprintf(stderr, "  %s: bytes lost or invented\n", what);
		ok = 0;
	}
	return ok;
}

/* This namespace's non-zero counters, on one line. */
static void print_stats(const char *ns)
{
	FILE *f = fopen("/proc/net/xtcp_stats", "r");
	char key[64];
	long v;

	fprintf(stderr, "  counters in %s:", ns);
	while (f && fscanf(f, "%63s %ld", key, &v) == 2)
		if (v)
			fprintf(stderr, " %s %ld", key, v);
	fprintf(stderr, "\n");
	if (f)
		fclose(f);
}

/* Both namespaces' /proc/net/xtcp, for a failure's report. */
static void dump_conns(struct fuzz *f)
{
	char line[256];
	int i;

	for (i = 0; i < 2; i++) {
		FILE *p;

		in_ns(f->ns[i]);
		p = fopen("/proc/net/xtcp", "r");
		fprintf(stderr, "  /proc/net/xtcp in %c:\n", 'A' + i);
		while (p && fgets(line, sizeof(line), p))
			fprintf(stderr, "  | %s", line);
		if (p)
			fclose(p);
	}
	in_ns(f->ns[0]);
}

/* One fuzz run; 0 if the real connection and the module came through. */
static int fuzz_run(uint64_t seed, uint64_t segments, long seconds)
{
	struct fuzz *f = calloc(1, sizeof(*f));
	struct stream_end e[2], e2[2];
	pthread_t t[2], t2[2];
	int blisten, c, s, i, ok = 1;
	long t0, t_end, dt;
	uint64_t report = 20000;

	if (!f)
		return 1;
	fz_proto = read_sysctl_proto();
	f->seed = seed;
	fz_seed(&f->rng, seed);
	fz_seed(&f->prng, seed ^ 0x70656572ULL);
	printf("pktfuzz: seed 0x%016" PRIx64 " (replay: XTCP_FUZZ_SEED=0x%" PRIx64
	       " or pktfuzz --run --seed 0x%" PRIx64 ")\n", seed, seed, seed);
	fflush(stdout);
	fprintf(stderr, "  seed 0x%016" PRIx64 ", %" PRIu64 " segments%s\n", seed,
		segments, seconds ? " or the time limit" : "");

	f->ns_orig = open("/proc/thread-self/ns/net", O_RDONLY);
	f->ns[1] = make_ns("fz1", 2, &f->tun[1]);
	NEED(f->ns[1] >= 0);
	set_sysctls();
	{
		struct sockaddr_xtcp a = xt_addr("10.97.0.2", REAL_PORT);
		int one = 1;

		blisten = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
		NEED(blisten >= 0);
		setsockopt(blisten, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		NEED_OK(bind(blisten, (struct sockaddr *)&a, sizeof(a)));
		NEED_OK(listen(blisten, 64));
	}
	f->ns[0] = make_ns("fz0", 1, &f->tun[0]);
	NEED(f->ns[0] >= 0);
	set_sysctls();
	for (i = 0; i < NLISTEN; i++)
		f->listeners[i] = new_listener(f, LISTEN_PORT + i);

	NEED(!stream_connect(f, blisten, &c, &s));
	NEED(!stream_run(f, e, t, c, s, seed ^ 0xa5a5a5a5ULL, 0));

	t0 = now_ms();
	t_end = seconds ? t0 + seconds * 1000 : 0;
	while (f->injected < segments && (!t_end || now_ms() < t_end)) {
		uint32_t r;

		f->iter++;
		stream_allowed = 65536 + f->injected * STREAM_PER_SEG;
		pump(f);
		if (e[0].failed || e[1].failed)
			break;
		r = fz_below(&f->rng, 100);
		if (r < 5) {
			app_op(f);
			continue;
		}
		if (r < 20)
			fuzz_random(f);
		else if (r < 45)
			fuzz_flow(f);
		else if (r < 60)
			fuzz_listener(f);
		else if (r < 75)
			fuzz_real(f);
		else if (r < 88)
			fuzz_icmp(f);
		else
			fuzz_reflect(f);
		if (f->injected >= report) {
			fprintf(stderr, "  %" PRIu64 " segments, %.1f s, real stream %llu/%llu bytes\n",
				f->injected, (now_ms() - t0) / 1000.0,
				(unsigned long long)e[0].received,
				(unsigned long long)e[1].received);
			report += 20000;
		}
		/* accept on B's listener, so fuzzed SYNs there do not fill it */
		if (!(f->iter & 255)) {
			in_ns(f->ns[1]);
			while ((i = accept4(blisten, NULL, NULL, 0)) >= 0)
				close(i);
			in_ns(f->ns[0]);
		}
	}
	dt = now_ms() - t0;
	if (f->injected < segments)
		fprintf(stderr, "  the time limit (%ld s) came first: %" PRIu64 " of %" PRIu64
			" segments\n", seconds, f->injected, segments);
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "  cpu: user %.1f s, system %.1f s (this process)\n",
			ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
			ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	}
	fprintf(stderr, "  %" PRIu64 " segments injected in %.1f s (%.0f/s), %" PRIu64
		" relayed, %" PRIu64 " from A to fake peers, %" PRIu64 " socket ops on A\n",
		f->injected, dt / 1000.0, f->injected * 1000.0 / (dt ? dt : 1),
		f->relayed, f->kernel_segs, f->app_ops);
	fprintf(stderr, "  by kind:");
	for (i = 0; i < K_NKINDS; i++)
		fprintf(stderr, " %s %" PRIu64, kind_names[i], f->by_kind[i]);
	fprintf(stderr, "\n");
	print_stats("A");

	/* the real connection: finish and compare every byte */
	stream_stop = 1;
	if (stream_wait(f, e, 60000))
		fprintf(stderr, "  the real connection did not finish in 60 s\n");
	for (i = 0; i < 2; i++)
		if (e[i].done)
			pthread_join(t[i], NULL);
	if (!stream_check(e, "real connection"))
		ok = 0;
	if (!e[0].received || !e[1].received) {
		fprintf(stderr, "  no data moved on the real connection\n");
		ok = 0;
	}

	/* A's sockets go (orphans stay behind), then a new connection */
	for (i = 0; i < NLISTEN; i++)
		if (f->listeners[i] >= 0)
			close(f->listeners[i]);
	while (f->nsocks)
		sock_del(f, 0);
	stream_stop = 0;
	in_ns(f->ns[1]);
	while ((i = accept4(blisten, NULL, NULL, 0)) >= 0)
		close(i);
	if (stream_connect(f, blisten, &c, &s)) {
		fprintf(stderr, "  a new connection to B's listener failed: %s\n",
			strerror(errno));
		ok = 0;
	} else if (stream_run(f, e2, t2, c, s, seed ^ 0x1234ULL, 100000) ||
		   stream_wait(f, e2, 60000)) {
		fprintf(stderr, "  the new connection did not finish in 60 s\n");
		stream_check(e2, "new connection");
		dump_conns(f);
		ok = 0;
	} else {
		for (i = 0; i < 2; i++)
			pthread_join(t2[i], NULL);
		if (!stream_check(e2, "new connection"))
			ok = 0;
	}
	print_stats("A, after");
	if (f->sock_errors)
		fprintf(stderr, "  %d tun writes failed\n", f->sock_errors);
	/* the namespaces go with their last reference: the run's end */
	if (f->ns_orig >= 0)
		in_ns(f->ns_orig);
	printf("pktfuzz: %" PRIu64 " segments, seed 0x%016" PRIx64 ": %s\n", f->injected,
	       seed, ok ? "ok" : "FAILED");
	fflush(stdout);
	return ok ? 0 : 1;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/*
 * make check: 200,000 segments, a fresh seed each run unless one is given;
 * at most XTCP_FUZZ_SECONDS (200) of fuzzing, so that a host so loaded
 * that the guest crawls still gets a verdict within the test's limit.
 */
static void packets(void)
{
	uint64_t seed = fz_pick_seed(getenv("XTCP_FUZZ_SEED"));

	if (fuzz_run(seed, env_u64("XTCP_FUZZ_SEGMENTS", 200000),
		     env_u64("XTCP_FUZZ_SECONDS", 200)))
		xt_failed = 1;
}

/*
 * A seed that found a bug replays as a test of its own, next to the fix:
 * FUZZ_SEED_TEST(0x..., segments) here and TEST_T(seed_0x..., 400) below.
 */
#define FUZZ_SEED_TEST(seed, n)						\
static void seed_##seed(void)						\
{									\
	if (fuzz_run(seed, n, 0))					\
		xt_failed = 1;						\
}

static const struct xt_test tests[] = {
	TEST_T(packets, 400),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--run")) {
		const char *seed = NULL;
		uint64_t segs = 10000000;
		long secs = 0;
		int i;

		for (i = 2; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--seed"))
				seed = argv[i + 1];
			else if (!strcmp(argv[i], "--segments"))
				segs = strtoull(argv[i + 1], NULL, 0);
			else if (!strcmp(argv[i], "--seconds"))
				secs = strtol(argv[i + 1], NULL, 0);
		}
		return fuzz_run(fz_pick_seed(seed), segs, secs);
	}
	return xt_run("pktfuzz", tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
