// SPDX-License-Identifier: GPL-2.0
/*
 * sysfuzz: XTCP's system call fuzzer.  Threads share a table of XTCP
 * sockets (fds SLOT_BASE..SLOT_BASE+NSLOTS-1, placed there with dup3 so that
 * no other file ever has those numbers) and call, in random order and with
 * random (also invalid) arguments: socket, bind, listen, connect, accept,
 * send*, recv*, shutdown, close, dup2, setsockopt, getsockopt, poll,
 * epoll_ctl/epoll_wait, ioctl, fcntl, getsockname/getpeername; now and then
 * a thread moves to a new network namespace (unshare) or back to another
 * (setns), drops its hold on one, or closes every socket and tries rmmod,
 * then insmod again.
 *
 * A blocking call is allowed: a watchdog signals (SIGUSR1, no SA_RESTART)
 * any thread whose call has taken 100 ms, so every wait must be
 * interruptible; a call that has not returned 30 s after the first signal
 * is a hung task, and fails the run (with its kernel stack).  Splats and
 * kmemleak are the guest runner's to find (scripts/vm-run.sh); at the end
 * the module must be loaded and carry a new connection.
 *
 *   sysfuzz [--list] [FILTER]       the tests, on tests/harness.h
 *   sysfuzz --run [--seed S] [--ops N] [--seconds T] [--threads N]
 *
 * Environment: XTCP_FUZZ_SEED, XTCP_FUZZ_OPS and XTCP_FUZZ_SECONDS (a time
 * cap, 200 by default) for the harness test, XTCP_BUILD
 * (insmod takes $XTCP_BUILD/xtcp.ko, or XTCP_KO).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "harness.h"
#include "xtcp_util.h"
#include "fuzz_util.h"

#define SLOT_BASE	600
#define NSLOTS		24
#define EPFD		590
#define NS_HOME		649
#define NS_BASE		650
#define NNS		4
#define MAX_THREADS	8
#define PORT_BASE	20000
#define NPORTS		8
#define KICK_MS		100		/* a call this long gets SIGUSR1 */
#define HUNG_MS		30000		/* and this long is a hung task */

enum op {
	OP_SOCKET, OP_BIND, OP_LISTEN, OP_CONNECT, OP_ACCEPT, OP_SEND, OP_RECV,
	OP_SHUTDOWN, OP_CLOSE, OP_DUP, OP_SETSOCKOPT, OP_GETSOCKOPT, OP_POLL,
	OP_EPOLL_CTL, OP_EPOLL_WAIT, OP_EPOLL_NEW, OP_IOCTL, OP_FCNTL, OP_GETNAME,
	OP_LISTENER, OP_UNSHARE, OP_SETNS, OP_DROPNS, OP_RMMOD, OP_INSMOD, OP_NOPS
};

static const struct {
	const char *name;
	int weight;
} ops[OP_NOPS] = {
	[OP_SOCKET]	= { "socket", 800 },
	[OP_BIND]	= { "bind", 600 },
	[OP_LISTEN]	= { "listen", 400 },
	[OP_CONNECT]	= { "connect", 700 },
	[OP_ACCEPT]	= { "accept", 500 },
	[OP_SEND]	= { "send", 900 },
	[OP_RECV]	= { "recv", 900 },
	[OP_SHUTDOWN]	= { "shutdown", 250 },
	[OP_CLOSE]	= { "close", 450 },
	[OP_DUP]	= { "dup2", 80 },
	[OP_SETSOCKOPT]	= { "setsockopt", 800 },
	[OP_GETSOCKOPT]	= { "getsockopt", 600 },
	[OP_POLL]	= { "poll", 400 },
	[OP_EPOLL_CTL]	= { "epoll_ctl", 300 },
	[OP_EPOLL_WAIT]	= { "epoll_wait", 200 },
	[OP_EPOLL_NEW]	= { "epoll_create", 5 },
	[OP_IOCTL]	= { "ioctl", 350 },
	[OP_FCNTL]	= { "fcntl", 150 },
	[OP_GETNAME]	= { "getsockname", 200 },
	[OP_LISTENER]	= { "socket+bind+listen", 120 },
	[OP_UNSHARE]	= { "unshare", 3 },
	[OP_SETNS]	= { "setns", 10 },
	[OP_DROPNS]	= { "drop-netns", 5 },
	[OP_RMMOD]	= { "rmmod", 2 },
	[OP_INSMOD]	= { "insmod", 1 },
};

struct worker {
	pthread_t t;
	int id;
	pid_t tid;
	struct fz_rng rng;
	atomic_long op_start;		/* ms; 0 between calls */
	atomic_int op, finished;
	long kicked;
};

static int fam, nthreads = 4, weight_total;
static atomic_ullong total_ops, op_count[OP_NOPS], op_ok[OP_NOPS], op_ms[OP_NOPS], op_eintr;
static atomic_int stop_all, hung, rmmods, insmods, netns_made, rmmod_refcnt = -2;
static uint64_t op_target;
static long deadline_ms;
static const char *ko_path;
static unsigned char *bigbuf;		/* 1 MiB for send/recv */
static void *badptr;			/* an unmapped page */
static struct worker workers[MAX_THREADS];
/* held shared around each call; rmmod may take it alone (quiesce) */
static pthread_rwlock_t quiesce;

static char hung_old[32], modprobe_old[256];

static void put_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/* The two kernel settings the run changed, back as they were. */
static void restore_sysctls(void)
{
	if (modprobe_old[0])
		put_file("/proc/sys/kernel/modprobe", modprobe_old);
	if (hung_old[0])
		put_file("/proc/sys/kernel/hung_task_timeout_secs", hung_old);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int slot_fd(struct worker *w)
{
	return SLOT_BASE + fz_below(&w->rng, NSLOTS);
}

/* A pointer to @len bytes: usually good, now and then NULL or unmapped. */
static void *arg_ptr(struct worker *w, void *good)
{
	uint32_t r = fz_below(&w->rng, 100);

	return r < 2 ? NULL : r < 4 ? badptr : good;
}

static int pick_int(struct worker *w)
{
	static const int vals[] = {
		0, 1, -1, 2, 3, 7, 48, 88, 536, 1024, 4096, 65535, 65536,
		0x7fffffff, (int)0x80000000, 1 << 20, 127, 128, 255,
	};

	if (fz_pct(&w->rng, 15))
		return (int)fz_u32(&w->rng);
	return vals[fz_below(&w->rng, sizeof(vals) / sizeof(vals[0]))];
}

static socklen_t pick_len(struct worker *w, socklen_t good)
{
	static const socklen_t lens[] = { 0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 64, 256,
					  (socklen_t)-1 };

	if (fz_pct(&w->rng, 85))
		return good;
	return lens[fz_below(&w->rng, sizeof(lens) / sizeof(lens[0]))];
}

static void fill_addr(struct worker *w, struct sockaddr_xtcp *a, int for_bind)
{
	static const char *const ips[] = {
		"127.0.0.1", "0.0.0.0", "127.0.0.2", "10.1.2.3",
		"255.255.255.255", "224.0.0.1",
	};
	uint32_t r = fz_below(&w->rng, 100);

	memset(a, 0, sizeof(*a));
	a->sxtcp_family = r < 90 ? fam : r < 94 ? AF_INET : r < 97 ? AF_UNSPEC :
			  (int)fz_below(&w->rng, 64);
	r = fz_below(&w->rng, 100);
	if (for_bind && r < 30)
		a->sxtcp_port = 0;
	else if (r < 95)
		a->sxtcp_port = htons(PORT_BASE + fz_below(&w->rng, NPORTS));
	else
		a->sxtcp_port = htons(fz_below(&w->rng, 65536));
	r = fz_below(&w->rng, 100);
	inet_pton(AF_INET, ips[r < 70 ? 0 : r < 85 ? 1 : 2 + fz_below(&w->rng, 4)],
		  &a->sxtcp_addr);
	if (fz_pct(&w->rng, 3))
		fz_bytes(&w->rng, a->sxtcp_zero, sizeof(a->sxtcp_zero));
}

static int msg_flags(struct worker *w, int recv)
{
	static const int snd[] = {
		MSG_OOB, MSG_DONTROUTE, MSG_MORE, MSG_NOSIGNAL, MSG_EOR, MSG_CONFIRM,
		MSG_FASTOPEN, MSG_ZEROCOPY, 0x10 /* MSG_PROBE */,
	};
	static const int rcv[] = {
		MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_OOB, MSG_ERRQUEUE,
		MSG_CMSG_CLOEXEC,
	};
	int f = fz_pct(&w->rng, 60) ? MSG_DONTWAIT : 0;

	if (!recv)
		f |= MSG_NOSIGNAL;
	if (fz_pct(&w->rng, 25))
		f |= recv ? rcv[fz_below(&w->rng, 6)] : snd[fz_below(&w->rng, 9)];
	if (fz_pct(&w->rng, 2))
		f |= (int)fz_u32(&w->rng) & ~0x80000000 /* MSG_CMSG_COMPAT */;
	return f;
}

static size_t pick_size(struct worker *w)
{
	static const size_t sz[] = { 0, 1, 2, 100, 1400, 1460, 4096, 65536, 300000,
				     1 << 20 };

	if (fz_pct(&w->rng, 70))
		return fz_below(&w->rng, 2000);
	return sz[fz_below(&w->rng, sizeof(sz) / sizeof(sz[0]))];
}

/* Put @fd into a random slot (closing what was there) and drop @fd. */
static void to_slot(struct worker *w, int fd)
{
	if (fd < 0)
		return;
	dup3(fd, slot_fd(w), fz_pct(&w->rng, 50) ? O_CLOEXEC : 0);
	close(fd);
}

static int do_socket(struct worker *w)
{
	static const int types[] = { SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW, 0, 99 };
	static const int protos[] = { IPPROTO_XTCP, IPPROTO_TCP, -1, 1000 };
	int type = fz_pct(&w->rng, 92) ? SOCK_STREAM : types[fz_below(&w->rng, 5)];
	int proto = fz_pct(&w->rng, 90) ? 0 : protos[fz_below(&w->rng, 4)];
	int fd;

	if (fz_pct(&w->rng, 75))
		type |= SOCK_NONBLOCK;
	if (fz_pct(&w->rng, 20))
		type |= SOCK_CLOEXEC;
	/* (no other families: an unknown one costs a modprobe, 1 s under TCG) */
	fd = socket(fam, type, proto);
	if (fd < 0)
		return -1;
	if (fz_pct(&w->rng, 50)) {
		/* blocking calls on it end by themselves, mostly */
		struct timeval tv = { 0, 1000 * (1 + fz_below(&w->rng, 50)) };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (fz_pct(&w->rng, 30)) {
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	}
	to_slot(w, fd);
	return 0;
}

/* A listener on one of the ports connect() aims at. */
static int do_listener(struct worker *w)
{
	struct sockaddr_xtcp a;
	int fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	if (fd < 0)
		return -1;
	fill_addr(w, &a, 0);
	a.sxtcp_family = fam;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, 1 + fz_below(&w->rng, 16))) {
		close(fd);
		return -1;
	}
	to_slot(w, fd);
	return 0;
}

static int do_bind(struct worker *w)
{
	struct sockaddr_xtcp a;

	fill_addr(w, &a, 1);
	return bind(slot_fd(w), arg_ptr(w, &a), pick_len(w, sizeof(a)));
}

static int do_connect(struct worker *w)
{
	struct sockaddr_xtcp a;

	fill_addr(w, &a, 0);
	if (fz_pct(&w->rng, 4))
		a.sxtcp_family = AF_UNSPEC;	/* "disconnect" */
	return connect(slot_fd(w), arg_ptr(w, &a), pick_len(w, sizeof(a)));
}

static int do_accept(struct worker *w)
{
	static const int fl[] = { 0, SOCK_NONBLOCK, SOCK_CLOEXEC, 0x1234, -1 };
	struct sockaddr_xtcp a;
	socklen_t len = pick_len(w, sizeof(a));
	int fd;

	if (fz_pct(&w->rng, 30))
		fd = accept4(slot_fd(w), NULL, NULL, fl[fz_below(&w->rng, 5)]);
	else
		fd = accept4(slot_fd(w), arg_ptr(w, &a), arg_ptr(w, &len),
			     fl[fz_below(&w->rng, 5)]);
	if (fd < 0)
		return -1;
	if (fz_pct(&w->rng, 40))
		close(fd);
	else
		to_slot(w, fd);
	return 0;
}

static int do_send(struct worker *w)
{
	int fd = slot_fd(w), flags = msg_flags(w, 0);
	size_t len = pick_size(w);
	struct sockaddr_xtcp a;

	if (len > (1 << 16) && !(flags & MSG_DONTWAIT) && fz_pct(&w->rng, 80))
		flags |= MSG_DONTWAIT;
	switch (fz_below(&w->rng, 3)) {
	case 0:
		return send(fd, arg_ptr(w, bigbuf), len, flags);
	case 1:
		fill_addr(w, &a, 0);
		return sendto(fd, bigbuf, len, flags, arg_ptr(w, &a),
			      pick_len(w, sizeof(a)));
	default: {
		struct iovec iov[4];
		struct msghdr m;
		char ctl[64];
		int n = 1 + fz_below(&w->rng, 4), i;

		memset(&m, 0, sizeof(m));
		for (i = 0; i < n; i++) {
			iov[i].iov_base = arg_ptr(w, bigbuf + fz_below(&w->rng, 4096));
			iov[i].iov_len = fz_pct(&w->rng, 20) ? 0 : len / n;
		}
		m.msg_iov = iov;
		m.msg_iovlen = n;
		if (fz_pct(&w->rng, 5)) {
			fz_bytes(&w->rng, ctl, sizeof(ctl));
			((struct cmsghdr *)ctl)->cmsg_len = CMSG_LEN(4 + fz_below(&w->rng, 40));
			m.msg_control = ctl;
			m.msg_controllen = sizeof(ctl);
		}
		return sendmsg(fd, &m, flags);
	}
	}
}

static int do_recv(struct worker *w)
{
	static unsigned char sink[MAX_THREADS][70000];
	unsigned char *buf = sink[w->id];
	int fd = slot_fd(w), flags = msg_flags(w, 1);
	size_t len = pick_size(w);

	if (len > sizeof(sink[0]))
		len = sizeof(sink[0]);
	if (fz_pct(&w->rng, 60))
		return recv(fd, arg_ptr(w, buf), len, flags);
	{
		struct iovec iov[2] = { { buf, len / 2 }, { buf + len / 2, len - len / 2 } };
		struct sockaddr_xtcp a;
		struct msghdr m;
		char ctl[128];

		memset(&m, 0, sizeof(m));
		m.msg_iov = iov;
		m.msg_iovlen = 1 + fz_below(&w->rng, 2);
		m.msg_name = fz_pct(&w->rng, 30) ? &a : NULL;
		m.msg_namelen = sizeof(a);
		if (fz_pct(&w->rng, 20)) {
			m.msg_control = arg_ptr(w, ctl);
			m.msg_controllen = pick_len(w, sizeof(ctl));
		}
		return recvmsg(fd, &m, flags);
	}
}

static int do_sockopt(struct worker *w, int set)
{
	static const int sol[] = {
		SO_DEBUG, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_DONTROUTE, SO_BROADCAST,
		SO_SNDBUF, SO_RCVBUF, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_KEEPALIVE,
		SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY, SO_LINGER, SO_REUSEPORT,
		SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVTIMEO, SO_SNDTIMEO, SO_BINDTODEVICE,
		SO_ATTACH_FILTER, SO_DETACH_FILTER, SO_TIMESTAMP, SO_ACCEPTCONN,
		SO_PEEK_OFF, SO_MARK, SO_RXQ_OVFL, SO_BUSY_POLL, SO_MAX_PACING_RATE,
		SO_INCOMING_CPU, SO_ZEROCOPY, SO_TXTIME, SO_PROTOCOL, SO_DOMAIN,
		SO_PEERNAME, SO_COOKIE, SO_MEMINFO, SO_TIMESTAMPING, SO_LOCK_FILTER,
	};
	union {
		int i;
		struct linger l;
		struct timeval tv;
		struct sock_fprog prog;
		char name[IFNAMSIZ];
		unsigned char raw[256];
	} v;
	struct sock_filter insn[2];
	int level, name, fd = slot_fd(w);
	socklen_t len = sizeof(int);
	uint32_t r = fz_below(&w->rng, 100);

	memset(&v, 0, sizeof(v));
	if (r < 45) {
		level = SOL_SOCKET;
		name = fz_pct(&w->rng, 95) ? sol[fz_below(&w->rng, sizeof(sol) / sizeof(sol[0]))] :
		       (int)fz_below(&w->rng, 80);
	} else if (r < 85) {
		level = SOL_XTCP;
		name = fz_pct(&w->rng, 80) ? (int)fz_below(&w->rng, 20) :
		       (int)fz_below(&w->rng, 50);
	} else if (r < 93) {
		level = fz_pct(&w->rng, 50) ? IPPROTO_IP : IPPROTO_TCP;
		name = fz_below(&w->rng, 70);
	} else {
		level = (int)fz_u32(&w->rng);
		name = (int)fz_u32(&w->rng);
	}
	v.i = pick_int(w);
	if (level == SOL_SOCKET && name == SO_LINGER) {
		v.l.l_onoff = fz_below(&w->rng, 3);
		v.l.l_linger = fz_pct(&w->rng, 70) ? (int)fz_below(&w->rng, 3) : pick_int(w);
		len = sizeof(v.l);
	} else if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		v.tv.tv_sec = fz_pct(&w->rng, 80) ? 0 : pick_int(w);
		v.tv.tv_usec = fz_pct(&w->rng, 90) ? (int)fz_below(&w->rng, 300000) : pick_int(w);
		len = sizeof(v.tv);
	} else if (level == SOL_SOCKET && name == SO_ATTACH_FILTER) {
		/* one "ret #k": 0 drops all, small k trims, ~0 takes all */
		insn[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
			fz_pct(&w->rng, 50) ? 0xffffffffu : fz_below(&w->rng, 100));
		v.prog.len = fz_pct(&w->rng, 90) ? 1 : fz_below(&w->rng, 3);
		v.prog.filter = arg_ptr(w, insn);
		len = sizeof(v.prog);
	} else if (level == SOL_SOCKET && name == SO_BINDTODEVICE) {
		static const char *const devs[] = { "lo", "", "nonexistent0", "lo\xff" };

		snprintf(v.name, sizeof(v.name), "%s", devs[fz_below(&w->rng, 4)]);
		len = strlen(v.name) + fz_below(&w->rng, 2);
	} else if (level == SOL_XTCP && name == XTCP_INFO) {
		len = fz_pct(&w->rng, 50) ? sizeof(struct xtcp_info) :
		      fz_below(&w->rng, 200);
	} else if (fz_pct(&w->rng, 10)) {
		fz_bytes(&w->rng, v.raw, sizeof(v.raw));
	}
	len = pick_len(w, len);
	if (len > sizeof(v) && len != (socklen_t)-1)
		len = sizeof(v);
	if (set)
		return setsockopt(fd, level, name, arg_ptr(w, &v), len);
	return getsockopt(fd, level, name, arg_ptr(w, &v), arg_ptr(w, &len));
}

static int do_poll(struct worker *w)
{
	struct pollfd p[6];
	int n = 1 + fz_below(&w->rng, 6), i;

	for (i = 0; i < n; i++) {
		p[i].fd = fz_pct(&w->rng, 5) ? -1 : slot_fd(w);
		p[i].events = fz_pct(&w->rng, 80) ? POLLIN | POLLOUT | POLLRDHUP :
			      (short)fz_u32(&w->rng);
		p[i].revents = 0;
	}
	return poll(p, n, fz_below(&w->rng, 3) * 5);
}

static int do_epoll_ctl(struct worker *w)
{
	static const int eops[] = { EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL, 99 };
	struct epoll_event ev;
	uint32_t bits = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLERR |
			EPOLLHUP;

	if (fz_pct(&w->rng, 20))
		bits |= EPOLLET;
	if (fz_pct(&w->rng, 10))
		bits |= EPOLLONESHOT;
	if (fz_pct(&w->rng, 5))
		bits |= EPOLLEXCLUSIVE;
	if (fz_pct(&w->rng, 5))
		bits = fz_u32(&w->rng);
	ev.events = bits;
	ev.data.u64 = fz_next(&w->rng);
	return epoll_ctl(EPFD, eops[fz_pct(&w->rng, 97) ? fz_below(&w->rng, 3) : 3],
			 slot_fd(w), arg_ptr(w, &ev));
}

static int do_epoll_wait(struct worker *w)
{
	struct epoll_event ev[16];

	return epoll_wait(EPFD, ev, 1 + fz_below(&w->rng, 16), fz_below(&w->rng, 2) * 5);
}

/* A new epoll instance replaces the shared one: the old one's entries go. */
static int do_epoll_new(struct worker *w)
{
	int ep = epoll_create1(0);

	if (ep < 0)
		return -1;
	dup3(ep, EPFD, fz_pct(&w->rng, 50) ? O_CLOEXEC : 0);
	close(ep);
	return 0;
}

static int do_ioctl(struct worker *w)
{
	static const unsigned long cmds[] = {
		SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK, FIONBIO, FIOASYNC,
		0x8906 /* SIOCGSTAMP_OLD */, SIOCGIFFLAGS, SIOCGIFINDEX, FIOCLEX, FIONCLEX,
		SIOCSPGRP, SIOCGPGRP,
	};
	int v = fz_below(&w->rng, 2);
	unsigned char buf[64];
	unsigned long cmd = fz_pct(&w->rng, 90) ? cmds[fz_below(&w->rng, 13)] :
			    (unsigned long)fz_u32(&w->rng);

	if (cmd == SIOCGIFFLAGS || cmd == SIOCGIFINDEX) {
		memset(buf, 0, sizeof(buf));
		strcpy((char *)buf, "lo");
		return ioctl(slot_fd(w), cmd, arg_ptr(w, buf));
	}
	return ioctl(slot_fd(w), cmd, arg_ptr(w, &v));
}

static int do_fcntl(struct worker *w)
{
	int fd = slot_fd(w), fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	switch (fz_below(&w->rng, 4)) {
	case 0:
		return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	case 1:
		return fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	case 2:
		return fcntl(fd, F_SETFL, fl | O_ASYNC);
	default:
		return fcntl(fd, F_SETOWN, getpid());
	}
}

static int do_getname(struct worker *w)
{
	struct sockaddr_xtcp a;
	socklen_t len = pick_len(w, sizeof(a));

	if (fz_pct(&w->rng, 50))
		return getsockname(slot_fd(w), arg_ptr(w, &a), arg_ptr(w, &len));
	return getpeername(slot_fd(w), arg_ptr(w, &a), arg_ptr(w, &len));
}

static void lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/* This thread to a new namespace, held at NS_BASE+i; old holds may go. */
static int do_unshare(struct worker *w)
{
	int fd;

	if (unshare(CLONE_NEWNET))
		return -1;
	atomic_fetch_add(&netns_made, 1);
	if (fz_pct(&w->rng, 80))
		lo_up();
	fd = open("/proc/thread-self/ns/net", O_RDONLY);
	if (fd < 0)
		return -1;
	dup3(fd, NS_BASE + fz_below(&w->rng, NNS), O_CLOEXEC);
	close(fd);
	return 0;
}

static int do_setns(struct worker *w)
{
	int fd = fz_pct(&w->rng, 30) ? NS_HOME : NS_BASE + fz_below(&w->rng, NNS);

	return setns(fd, CLONE_NEWNET);
}

/* A namespace nobody holds goes once its last socket does. */
static int do_dropns(struct worker *w)
{
	return close(NS_BASE + fz_below(&w->rng, NNS));
}

static int module_refcnt(void)
{
	FILE *f = fopen("/sys/module/xtcp/refcnt", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* insmod, if the module seems to be away (a loaded one costs a whole load) */
static int insmod(void)
{
	int fd, r;

	if (!access("/sys/module/xtcp", F_OK)) {
		errno = EEXIST;
		return -1;
	}
	fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (!r)
		atomic_fetch_add(&insmods, 1);
	return r;
}

/*
 * rmmod: either at once, racing the other threads' calls (it fails while
 * a socket is open), or with the others held off between calls and every
 * socket closed, so that it succeeds and they then meet a module that is
 * gone (or back).  Orphans and TIME_WAIT entries do not hold the module.
 */
static int do_rmmod(struct worker *w)
{
	int i, r, alone = fz_pct(&w->rng, 50);

	if (alone) {
		pthread_rwlock_unlock(&quiesce);
		pthread_rwlock_wrlock(&quiesce);
	}
	if (alone || fz_pct(&w->rng, 30))
		for (i = 0; i < NSLOTS; i++)
			close(SLOT_BASE + i);
	r = syscall(SYS_delete_module, "xtcp", O_NONBLOCK);
	/* closed sockets go after an RCU grace period */
	for (i = 0; alone && r && errno != ENOENT && i < 20; i++) {
		usleep(50000);
		r = syscall(SYS_delete_module, "xtcp", O_NONBLOCK);
	}
	if (alone && r)
		rmmod_refcnt = module_refcnt();
	if (!r) {
		atomic_fetch_add(&rmmods, 1);
		if (fz_pct(&w->rng, 50))
			insmod();
	}
	if (alone) {
		pthread_rwlock_unlock(&quiesce);
		pthread_rwlock_rdlock(&quiesce);
	}
	return r;
}

static int do_op(struct worker *w, enum op op)
{
	switch (op) {
	case OP_SOCKET: return do_socket(w);
	case OP_BIND: return do_bind(w);
	case OP_LISTEN: return listen(slot_fd(w), pick_int(w) % 300);
	case OP_CONNECT: return do_connect(w);
	case OP_ACCEPT: return do_accept(w);
	case OP_SEND: return do_send(w);
	case OP_RECV: return do_recv(w);
	case OP_SHUTDOWN: return shutdown(slot_fd(w), fz_pct(&w->rng, 90) ?
					  (int)fz_below(&w->rng, 3) : pick_int(w));
	case OP_CLOSE: return close(slot_fd(w));
	case OP_DUP: return dup2(slot_fd(w), slot_fd(w));
	case OP_SETSOCKOPT: return do_sockopt(w, 1);
	case OP_GETSOCKOPT: return do_sockopt(w, 0);
	case OP_POLL: return do_poll(w);
	case OP_EPOLL_CTL: return do_epoll_ctl(w);
	case OP_EPOLL_WAIT: return do_epoll_wait(w);
	case OP_EPOLL_NEW: return do_epoll_new(w);
	case OP_IOCTL: return do_ioctl(w);
	case OP_FCNTL: return do_fcntl(w);
	case OP_GETNAME: return do_getname(w);
	case OP_LISTENER: return do_listener(w);
	case OP_UNSHARE: return do_unshare(w);
	case OP_SETNS: return do_setns(w);
	case OP_DROPNS: return do_dropns(w);
	case OP_RMMOD: return do_rmmod(w);
	case OP_INSMOD: return insmod();
	default: return -1;
	}
}

static enum op pick_op(struct worker *w)
{
	int r = fz_below(&w->rng, weight_total), i;

	for (i = 0; i < OP_NOPS; i++) {
		r -= ops[i].weight;
		if (r < 0)
			return i;
	}
	return OP_SOCKET;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->tid = syscall(SYS_gettid);
	while (!stop_all) {
		enum op op;
		int r;

		if (atomic_fetch_add(&total_ops, 1) >= op_target ||
		    (deadline_ms && now_ms() > deadline_ms))
			break;
		op = pick_op(w);
		pthread_rwlock_rdlock(&quiesce);
		w->op = op;
		w->op_start = now_ms();
		r = do_op(w, op);
		atomic_fetch_add(&op_ms[op], now_ms() - w->op_start);
		if (r < 0 && errno == EINTR)
			atomic_fetch_add(&op_eintr, 1);
		w->op_start = 0;
		pthread_rwlock_unlock(&quiesce);
		atomic_fetch_add(&op_count[op], 1);
		if (r >= 0)
			atomic_fetch_add(&op_ok[op], 1);
		/* the module away: bring it back now and then */
		if (op == OP_SOCKET && r < 0 && errno == EAFNOSUPPORT &&
		    fz_pct(&w->rng, 30))
			insmod();
	}
	w->finished = 1;
	return NULL;
}

static void show_stack(struct worker *w)
{
	char path[96], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", w->tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "    %s", line);
	if (f)
		fclose(f);
}

/* Signal long calls; a call that outlives HUNG_MS is a hung task. */
static void watchdog(void)
{
	int i, live;

	do {
		usleep(50000);
		live = 0;
		for (i = 0; i < nthreads; i++) {
			struct worker *w = &workers[i];
			long t = w->op_start, age = t ? now_ms() - t : 0;

			if (w->finished)
				continue;
			live++;
			if (age > KICK_MS && now_ms() - w->kicked > KICK_MS) {
				pthread_kill(w->t, SIGUSR1);
				w->kicked = now_ms();
			}
			if (age > HUNG_MS && !hung) {
				hung = 1;
				stop_all = 1;
				fprintf(stderr, "  HUNG: thread %d in %s for %ld ms despite signals:\n",
					i, ops[w->op].name, age);
				show_stack(w);
			}
		}
	} while (live && !hung);
}

static int loopback_works(void)
{
	int l, c, s = -1, ok = 0;
	char buf[6] = "";

	if (unshare(CLONE_NEWNET))
		return 0;
	lo_up();
	l = xt_socket();
	c = xt_socket();
	if (l >= 0 && c >= 0 && !xt_bind(l, "127.0.0.1", 30000) && !listen(l, 4) &&
	    !xt_connect(c, "127.0.0.1", 30000)) {
		s = accept(l, NULL, NULL);
		ok = s >= 0 && send(c, "hello", 5, 0) == 5 &&
		     recv(s, buf, 5, MSG_WAITALL) == 5 && !memcmp(buf, "hello", 5);
	}
	if (!ok)
		fprintf(stderr, "  a loopback connection after the run failed: %s\n",
			strerror(errno));
	close(s);
	close(c);
	close(l);
	return ok;
}

static int fuzz_run(uint64_t seed, uint64_t nops, long seconds, int threads)
{
	struct sigaction sa;
	long t0, dt;
	int i, ok = 1, fd;
	FILE *h;

	printf("sysfuzz: seed 0x%016" PRIx64 " (replay: XTCP_FUZZ_SEED=0x%" PRIx64
	       " or sysfuzz --run --seed 0x%" PRIx64 " --threads 1)\n", seed, seed, seed);
	fflush(stdout);
	nthreads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
	op_target = nops;
	fam = xt_family();
	for (i = 0; i < OP_NOPS; i++)
		weight_total += ops[i].weight;
	if (!ko_path) {
		static char p[512];
		const char *b = getenv("XTCP_BUILD");

		snprintf(p, sizeof(p), "%s/xtcp.ko", b ? b : ".");
		ko_path = getenv("XTCP_KO") ? getenv("XTCP_KO") : p;
	}
	bigbuf = malloc(1 << 20);
	NEED(bigbuf);
	fz_stream_fill(seed, 0, bigbuf, 1 << 16);
	badptr = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	NEED(badptr != MAP_FAILED);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	NEED_OK(sigaction(SIGUSR1, &sa, NULL));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGIO, SIG_IGN);
	signal(SIGURG, SIG_IGN);

	/* a namespace of our own, held at NS_HOME */
	NEED_OK(unshare(CLONE_NEWNET));
	lo_up();
	fd = open("/proc/thread-self/ns/net", O_RDONLY);
	NEED(fd >= 0);
	NEED(dup3(fd, NS_HOME, O_CLOEXEC) == NS_HOME);
	close(fd);
	fd = epoll_create1(0);
	NEED(fd >= 0);
	NEED(dup3(fd, EPFD, 0) == EPFD);
	close(fd);

	/*
	 * While rmmod has the module away, socket(AF_XTCP) asks modprobe for
	 * it: a second under TCG.  Without a modprobe it fails at once
	 * (request_module(): -ENOENT); autoload has a test of its own.
	 */
	h = fopen("/proc/sys/kernel/modprobe", "r");
	if (h) {
		if (!fgets(modprobe_old, sizeof(modprobe_old), h))
			modprobe_old[0] = 0;
		fclose(h);
		put_file("/proc/sys/kernel/modprobe", "\n");
	}
	/* a task blocked for 30 s is reported (and fails the guest run) */
	h = fopen("/proc/sys/kernel/hung_task_timeout_secs", "r");
	if (h) {
		if (!fgets(hung_old, sizeof(hung_old), h))
			hung_old[0] = 0;
		fclose(h);
		put_file("/proc/sys/kernel/hung_task_timeout_secs", "30\n");
	}

	{
		pthread_rwlockattr_t a;

		pthread_rwlockattr_init(&a);
		pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&quiesce, &a);
	}
	t0 = now_ms();
	deadline_ms = seconds ? t0 + seconds * 1000 : 0;
	for (i = 0; i < nthreads; i++) {
		workers[i].id = i;
		fz_seed(&workers[i].rng, seed + i);
		NEED(!pthread_create(&workers[i].t, NULL, worker_main, &workers[i]));
	}
	watchdog();
	if (hung) {
		ok = 0;
	} else {
		for (i = 0; i < nthreads; i++)
			pthread_join(workers[i].t, NULL);
	}
	dt = now_ms() - t0;
	if (total_ops > op_target)
		total_ops = op_target;
	if (total_ops < op_target && !hung)
		fprintf(stderr, "  the time limit (%ld s) came first: %llu of %llu calls\n",
			seconds, (unsigned long long)total_ops,
			(unsigned long long)op_target);
	fprintf(stderr, "  %llu operations in %.1f s (%.0f/s), %d threads; %d namespaces made, "
		"%d rmmods, %d insmods (refcnt when a quiet rmmod last failed: %d)\n",
		(unsigned long long)total_ops, dt / 1000.0,
		total_ops * 1000.0 / (dt ? dt : 1), nthreads, netns_made, rmmods, insmods,
		rmmod_refcnt);
	fprintf(stderr, "  calls (succeeded, ms spent), %llu interrupted:",
		(unsigned long long)op_eintr);
	for (i = 0; i < OP_NOPS; i++)
		fprintf(stderr, " %s %llu (%llu, %llu)", ops[i].name,
			(unsigned long long)op_count[i], (unsigned long long)op_ok[i],
			(unsigned long long)op_ms[i]);
	fprintf(stderr, "\n");
	if (hung) {
		restore_sysctls();
		printf("sysfuzz: seed 0x%016" PRIx64 ": HUNG\n", seed);
		return 1;
	}

	/* everything goes; the module stays loaded and works */
	for (i = 0; i < NSLOTS; i++)
		close(SLOT_BASE + i);
	for (i = 0; i < NNS; i++)
		close(NS_BASE + i);
	close(EPFD);
	setns(NS_HOME, CLONE_NEWNET);
	close(NS_HOME);
	if (access("/sys/module/xtcp", F_OK) && insmod()) {
		fprintf(stderr, "  insmod %s after the run: %s\n", ko_path, strerror(errno));
		ok = 0;
	}
	if (ok && !loopback_works())
		ok = 0;
	restore_sysctls();
	printf("sysfuzz: %llu operations, seed 0x%016" PRIx64 ": %s\n",
	       (unsigned long long)total_ops, seed, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

static void syscalls(void)
{
	const char *s = getenv("XTCP_FUZZ_OPS");

	const char *t = getenv("XTCP_FUZZ_SECONDS");

	/* at most 200 s (XTCP_FUZZ_SECONDS) of calls: a verdict on a crawling host */
	if (fuzz_run(fz_pick_seed(getenv("XTCP_FUZZ_SEED")),
		     s && *s ? strtoull(s, NULL, 0) : 100000,
		     t && *t ? strtol(t, NULL, 0) : 200, 4))
		xt_failed = 1;
}

/*
 * A seed that found a bug replays as a test of its own, next to the fix:
 * FUZZ_SEED_TEST(0x..., operations, threads) here and
 * TEST_T(seed_0x..., 400) below.
 */
#define FUZZ_SEED_TEST(seed, n, threads)					\
static void seed_##seed(void)						\
{									\
	if (fuzz_run(seed, n, 0, threads))				\
		xt_failed = 1;						\
}

static const struct xt_test tests[] = {
	TEST_T(syscalls, 400),
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--run")) {
		const char *seed = NULL;
		uint64_t n = 100000000;
		long secs = 0;
		int i, threads = 4;

		for (i = 2; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--seed"))
				seed = argv[i + 1];
			else if (!strcmp(argv[i], "--ops"))
				n = strtoull(argv[i + 1], NULL, 0);
			else if (!strcmp(argv[i], "--seconds"))
				secs = strtol(argv[i + 1], NULL, 0);
			else if (!strcmp(argv[i], "--threads"))
				threads = atoi(argv[i + 1]);
		}
		return fuzz_run(fz_pick_seed(seed), n, secs, threads);
	}
	return xt_run("sysfuzz", tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
