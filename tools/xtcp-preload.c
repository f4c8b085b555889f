// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcp-preload.so: run an unmodified TCP program over XTCP.
 *
 *	LD_PRELOAD=libxtcp-preload.so PROGRAM ARGS...	(or: xtcp-run PROGRAM)
 *
 * socket(AF_INET or AF_INET6, SOCK_STREAM[|flags], 0 or IPPROTO_TCP)
 * becomes socket(AF_XTCP, ...), and for the sockets made so (and those
 * accepted from them) addresses are translated on the way in and out:
 * XTCP's sockaddr_xtcp is a sockaddr_in and its sockaddr_xtcp6 a
 * sockaddr_in6 with another family, so only the family changes, except
 * where the socket's shape and the program's differ (a v4 peer of a
 * dual-stack socket shows as ::ffff:a.b.c.d to an AF_INET6 program).
 * getsockopt SO_DOMAIN and SO_PROTOCOL answer what the program asked for;
 * IPPROTO_TCP options go to SOL_XTCP where XTCP has them, a documented few
 * are accepted and ignored, the rest answer ENOPROTOOPT (tools/xtcp-run.1).
 *
 * Which descriptors are XTCP's: a table set by socket/accept/dup and
 * cleared by close; an entry nobody set (a descriptor inherited across
 * exec, or one closed behind the library's back) is asked of the kernel
 * with SO_DOMAIN, once.  Environment: XTCP_PRELOAD_FAMILY=4 or 6 moves
 * only that family's sockets (default both), XTCP_PRELOAD_DEBUG=1 logs
 * each socket moved to stderr.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/tcp.h>
#include <linux/xtcp.h>

#define EXPORT __attribute__((visibility("default")))

/* Per-descriptor state: unknown (ask the kernel), not XTCP, or XTCP with
 * the family the program believes it has.
 */
enum { FD_UNKNOWN, FD_OTHER, FD_XTCP4, FD_XTCP6 };
#define FD_TABLE 65536
static unsigned char fd_state[FD_TABLE];

static int xfam = AF_XTCP;	/* the module's family= parameter */
static int move4 = 1, move6 = 1, debug;

static int (*r_socket)(int, int, int);
static int (*r_bind)(int, const struct sockaddr *, socklen_t);
static int (*r_connect)(int, const struct sockaddr *, socklen_t);
static int (*r_accept)(int, struct sockaddr *, socklen_t *);
static int (*r_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*r_getsockname)(int, struct sockaddr *, socklen_t *);
static int (*r_getpeername)(int, struct sockaddr *, socklen_t *);
static ssize_t (*r_sendto)(int, const void *, size_t, int,
			   const struct sockaddr *, socklen_t);
static ssize_t (*r_recvfrom)(int, void *, size_t, int, struct sockaddr *,
			     socklen_t *);
static ssize_t (*r_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*r_recvmsg)(int, struct msghdr *, int);
static int (*r_getsockopt)(int, int, int, void *, socklen_t *);
static int (*r_setsockopt)(int, int, int, const void *, socklen_t);
static int (*r_close)(int);
static int (*r_dup)(int);
static int (*r_dup2)(int, int);
static int (*r_dup3)(int, int, int);
static int (*r_fcntl)(int, int, ...);
static int (*r_fcntl64)(int, int, ...);
static int (*r_socketpair)(int, int, int, int *);
static int (*r_close_range)(unsigned int, unsigned int, int);
static void (*r_closefrom)(int);

#define REAL(name) do {							\
		if (!r_##name)						\
			r_##name = dlsym(RTLD_NEXT, #name);		\
	} while (0)

static void __attribute__((constructor)) xtcp_preload_init(void)
{
	const char *fam = getenv("XTCP_PRELOAD_FAMILY");
	const char *dbg = getenv("XTCP_PRELOAD_DEBUG");
	FILE *f = fopen("/sys/module/xtcp/parameters/family", "re");
	int v;

	if (f) {
		if (fscanf(f, "%d", &v) == 1 && v > 0 && v < AF_MAX)
			xfam = v;
		fclose(f);
	}
	if (fam && !strcmp(fam, "4"))
		move6 = 0;
	else if (fam && !strcmp(fam, "6"))
		move4 = 0;
	debug = dbg && *dbg && strcmp(dbg, "0");
}

static void set_state(int fd, int st)
{
	if (fd >= 0 && fd < FD_TABLE)
		__atomic_store_n(&fd_state[fd], st, __ATOMIC_RELAXED);
}

/* What @fd is: FD_XTCP4/6 (the program's family), FD_OTHER, FD_UNKNOWN. */
static int fd_kind(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int);
	int st = FD_UNKNOWN, dom;

	if (fd >= 0 && fd < FD_TABLE)
		st = __atomic_load_n(&fd_state[fd], __ATOMIC_RELAXED);
	if (st != FD_UNKNOWN)
		return st;
	REAL(getsockopt);
	REAL(getsockname);
	if (r_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len)) {
		if (errno == EBADF)
			return FD_UNKNOWN;
		st = FD_OTHER;
	} else if (dom != xfam) {
		st = FD_OTHER;
	} else {
		/* inherited: the shape of its address tells the family */
		len = sizeof(ss);
		st = !r_getsockname(fd, (struct sockaddr *)&ss, &len) &&
		     len >= sizeof(struct sockaddr_in6) - 4 ? FD_XTCP6 : FD_XTCP4;
	}
	set_state(fd, st);
	return st;
}

static int is_xtcp(int fd)
{
	int k = fd_kind(fd);

	return k == FD_XTCP4 || k == FD_XTCP6;
}

/*
 * An address the program gives, as XTCP takes it: in @buf, its length
 * returned; the program's own address (length @len) if it is not IP.
 */
static const struct sockaddr *addr_in(const struct sockaddr *sa, socklen_t *len,
				      struct sockaddr_storage *buf)
{
	if (!sa || *len < sizeof(sa_family_t))
		return sa;
	if (sa->sa_family == AF_INET && *len >= sizeof(struct sockaddr_in)) {
		memcpy(buf, sa, sizeof(struct sockaddr_in));
		*len = sizeof(struct sockaddr_in);
	} else if (sa->sa_family == AF_INET6 &&
		   *len >= sizeof(struct sockaddr_xtcp6)) {
		*len = *len < sizeof(struct sockaddr_in6) ?
		       *len : sizeof(struct sockaddr_in6);
		memcpy(buf, sa, *len);
	} else {
		return sa;
	}
	buf->ss_family = xfam;
	return (const struct sockaddr *)buf;
}

/*
 * An address XTCP gave (@ss, @klen bytes) as the program expects it for a
 * socket of kind @kind, copied into its buffer @sa of *@len bytes; *@len
 * becomes the full length, as the kernel's calls set it.
 */
static void addr_out(int kind, struct sockaddr_storage *ss, socklen_t klen,
		     struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	const void *src = ss;
	socklen_t n = klen;

	if (!sa || !len)
		return;
	if (klen >= sizeof(sa_family_t) && ss->ss_family == xfam) {
		if (klen < sizeof(struct sockaddr_xtcp6)) {
			memcpy(&s4, ss, sizeof(s4));
			s4.sin_family = AF_INET;
			src = &s4;
			n = sizeof(s4);
			if (kind == FD_XTCP6) {
				/* a v4 socket seen by a v6 program: v4-mapped */
				memset(&s6, 0, sizeof(s6));
				s6.sin6_family = AF_INET6;
				s6.sin6_port = s4.sin_port;
				s6.sin6_addr.s6_addr[10] = 0xff;
				s6.sin6_addr.s6_addr[11] = 0xff;
				memcpy(&s6.sin6_addr.s6_addr[12],
				       &s4.sin_addr, 4);
				src = &s6;
				n = sizeof(s6);
			}
		} else {
			memset(&s6, 0, sizeof(s6));
			memcpy(&s6, ss, klen < sizeof(s6) ? klen : sizeof(s6));
			s6.sin6_family = AF_INET6;
			src = &s6;
			n = sizeof(s6);
			if (kind == FD_XTCP4 &&
			    IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr)) {
				memset(&s4, 0, sizeof(s4));
				s4.sin_family = AF_INET;
				s4.sin_port = s6.sin6_port;
				memcpy(&s4.sin_addr,
				       &s6.sin6_addr.s6_addr[12], 4);
				src = &s4;
				n = sizeof(s4);
			}
		}
	}
	memcpy(sa, src, *len < n ? *len : n);
	*len = n;
}

EXPORT int socket(int domain, int type, int protocol)
{
	int fd, base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	REAL(socket);
	if (base == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP) &&
	    ((domain == AF_INET && move4) || (domain == AF_INET6 && move6))) {
		fd = r_socket(xfam, type, 0);
		if (fd >= 0)
			set_state(fd, domain == AF_INET ? FD_XTCP4 : FD_XTCP6);
		if (debug) {
			int e = errno;

			fprintf(stderr, "xtcp-preload: %s(%s) -> XTCP fd %d%s%s\n",
				__func__, domain == AF_INET ? "AF_INET" : "AF_INET6",
				fd, fd < 0 ? ": " : "", fd < 0 ? strerror(e) : "");
			errno = e;
		}
		return fd;
	}
	fd = r_socket(domain, type, protocol);
	set_state(fd, FD_OTHER);
	return fd;
}

EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	int r;

	REAL(socketpair);
	r = r_socketpair(domain, type, protocol, sv);
	if (!r) {
		set_state(sv[0], FD_OTHER);
		set_state(sv[1], FD_OTHER);
	}
	return r;
}

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage buf;

	REAL(bind);
	if (is_xtcp(fd))
		sa = addr_in(sa, &len, &buf);
	return r_bind(fd, sa, len);
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage buf;

	REAL(connect);
	if (is_xtcp(fd))
		sa = addr_in(sa, &len, &buf);
	return r_connect(fd, sa, len);
}

static int do_accept(int fd, struct sockaddr *sa, socklen_t *len, int flags,
		     int four)
{
	struct sockaddr_storage ss;
	socklen_t klen = sizeof(ss);
	int kind = fd_kind(fd), nfd;

	REAL(accept);
	REAL(accept4);
	if (kind != FD_XTCP4 && kind != FD_XTCP6) {
		nfd = four ? r_accept4(fd, sa, len, flags) : r_accept(fd, sa, len);
		set_state(nfd, FD_OTHER);
		return nfd;
	}
	nfd = four ? r_accept4(fd, (struct sockaddr *)&ss, &klen, flags) :
		     r_accept(fd, (struct sockaddr *)&ss, &klen);
	if (nfd < 0)
		return nfd;
	set_state(nfd, kind);
	addr_out(kind, &ss, klen, sa, len);
	return nfd;
}

EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	return do_accept(fd, sa, len, 0, 0);
}

EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	return do_accept(fd, sa, len, flags, 1);
}

static int do_getname(int fd, struct sockaddr *sa, socklen_t *len, int peer)
{
	struct sockaddr_storage ss;
	socklen_t klen = sizeof(ss);
	int kind = fd_kind(fd), r;

	REAL(getsockname);
	REAL(getpeername);
	if (kind != FD_XTCP4 && kind != FD_XTCP6)
		return peer ? r_getpeername(fd, sa, len) :
			      r_getsockname(fd, sa, len);
	if (!len) {
		errno = EFAULT;
		return -1;
	}
	r = peer ? r_getpeername(fd, (struct sockaddr *)&ss, &klen) :
		   r_getsockname(fd, (struct sockaddr *)&ss, &klen);
	if (!r)
		addr_out(kind, &ss, klen, sa, len);
	return r;
}

EXPORT int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	return do_getname(fd, sa, len, 0);
}

EXPORT int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	return do_getname(fd, sa, len, 1);
}

EXPORT ssize_t sendto(int fd, const void *b, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage buf;

	REAL(sendto);
	if (sa && is_xtcp(fd))
		sa = addr_in(sa, &len, &buf);
	return r_sendto(fd, b, n, flags, sa, len);
}

EXPORT ssize_t recvfrom(int fd, void *b, size_t n, int flags,
			struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t klen = sizeof(ss);
	int kind;
	ssize_t r;

	REAL(recvfrom);
	if (!sa || !len)
		return r_recvfrom(fd, b, n, flags, sa, len);
	kind = fd_kind(fd);
	if (kind != FD_XTCP4 && kind != FD_XTCP6)
		return r_recvfrom(fd, b, n, flags, sa, len);
	r = r_recvfrom(fd, b, n, flags, (struct sockaddr *)&ss, &klen);
	if (r >= 0)
		addr_out(kind, &ss, klen, sa, len);
	return r;
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sockaddr_storage buf;
	struct msghdr m;

	REAL(sendmsg);
	if (!msg || !msg->msg_name || !is_xtcp(fd))
		return r_sendmsg(fd, msg, flags);
	m = *msg;
	m.msg_name = (void *)addr_in(msg->msg_name, &m.msg_namelen, &buf);
	return r_sendmsg(fd, &m, flags);
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_storage ss;
	void *name;
	socklen_t cap;
	int kind;
	ssize_t r;

	REAL(recvmsg);
	if (!msg || !msg->msg_name)
		return r_recvmsg(fd, msg, flags);
	kind = fd_kind(fd);
	if (kind != FD_XTCP4 && kind != FD_XTCP6)
		return r_recvmsg(fd, msg, flags);
	name = msg->msg_name;
	cap = msg->msg_namelen;
	msg->msg_name = &ss;
	msg->msg_namelen = sizeof(ss);
	r = r_recvmsg(fd, msg, flags);
	msg->msg_name = name;
	if (r >= 0) {
		socklen_t klen = msg->msg_namelen;

		msg->msg_namelen = cap;
		if (klen)
			addr_out(kind, &ss, klen, name, &msg->msg_namelen);
		else
			msg->msg_namelen = 0;
	} else {
		msg->msg_namelen = cap;
	}
	return r;
}

/* int options accepted and ignored: XTCP has no such mechanism, and a
 * program runs as well without it.
 */
static int tcp_noop(int opt)
{
	switch (opt) {
	case TCP_FASTOPEN:
	case TCP_FASTOPEN_CONNECT:
	case TCP_FASTOPEN_NO_COOKIE:
	case TCP_THIN_LINEAR_TIMEOUTS:
	case TCP_THIN_DUPACK:
		return 1;
	default:
		return 0;
	}
}

/* The SOL_XTCP option for IPPROTO_TCP option @opt, or -1 if none. */
static int tcp_mapped(int opt)
{
	switch (opt) {
	case TCP_NODELAY:
		return XTCP_NODELAY;
	case TCP_MAXSEG:
		return XTCP_MAXSEG;
	case TCP_KEEPIDLE:
		return XTCP_KEEPIDLE;
	case TCP_KEEPINTVL:
		return XTCP_KEEPINTVL;
	case TCP_KEEPCNT:
		return XTCP_KEEPCNT;
	case TCP_USER_TIMEOUT:
		return XTCP_USER_TIMEOUT;
#ifdef XTCP_CORK
	case TCP_CORK:
		return XTCP_CORK;
#endif
#ifdef XTCP_SYNCNT
	case TCP_SYNCNT:
		return XTCP_SYNCNT;
	case TCP_LINGER2:
		return XTCP_LINGER2;
	case TCP_DEFER_ACCEPT:
		return XTCP_DEFER_ACCEPT;
	case TCP_WINDOW_CLAMP:
		return XTCP_WINDOW_CLAMP;
	case TCP_QUICKACK:
		return XTCP_QUICKACK;
	case TCP_NOTSENT_LOWAT:
		return XTCP_NOTSENT_LOWAT;
#endif
	default:
		return -1;
	}
}

/*
 * Options a module older than this library may not know: set, they are
 * ignored there (a program runs as well without them), read, 0.
 */
static int tcp_optional(int opt)
{
	switch (opt) {
	case TCP_CORK:
	case TCP_SYNCNT:
	case TCP_LINGER2:
	case TCP_DEFER_ACCEPT:
	case TCP_WINDOW_CLAMP:
	case TCP_QUICKACK:
	case TCP_NOTSENT_LOWAT:
		return 1;
	default:
		return 0;
	}
}

/*
 * TCP_CONGESTION is XTCP_CONGESTION; NewReno, which a module before
 * XTCP_CONGESTION only has, goes by Linux's name, "reno".
 */
static int get_congestion(int fd, void *val, socklen_t *len)
{
	char name[16];
	socklen_t n = sizeof(name) - 1;

	if ((int)*len < 0) {
		errno = EINVAL;
		return -1;
	}
	memset(name, 0, sizeof(name));
#ifdef XTCP_CONGESTION
	if (r_getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, name, &n)) {
		if (errno != ENOPROTOOPT)
			return -1;
		memset(name, 0, sizeof(name));
	}
#endif
	if (!name[0] || !strcmp(name, "newreno")) {
		memset(name, 0, sizeof(name));
		strcpy(name, "reno");
	}
	if (*len > sizeof(name))
		*len = sizeof(name);
	memcpy(val, name, *len);
	return 0;
}

static int put_int(void *val, socklen_t *len, int v)
{
	socklen_t n = *len < sizeof(int) ? *len : sizeof(int);

	if ((int)*len < 0) {
		errno = EINVAL;
		return -1;
	}
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

/* TCP_INFO from XTCP_INFO: what XTCP knows, in struct tcp_info's units
 * (windows in segments, times in microseconds); the rest zero.
 */
static int get_tcp_info(int fd, void *val, socklen_t *len)
{
	struct xtcp_info x;
	struct tcp_info t;
	socklen_t xl = sizeof(x);
	unsigned int mss;

	memset(&x, 0, sizeof(x));
	if (r_getsockopt(fd, SOL_XTCP, XTCP_INFO, &x, &xl))
		return -1;
	if ((int)*len < 0) {
		errno = EINVAL;
		return -1;
	}
	memset(&t, 0, sizeof(t));
	mss = x.xtcpi_snd_mss ? x.xtcpi_snd_mss : 536;
	t.tcpi_state = x.xtcpi_state;
	t.tcpi_retransmits = x.xtcpi_retransmits;
	t.tcpi_backoff = x.xtcpi_backoff;
	if (x.xtcpi_snd_wscale || x.xtcpi_rcv_wscale)
		t.tcpi_options |= TCPI_OPT_WSCALE;
	t.tcpi_snd_wscale = x.xtcpi_snd_wscale;
	t.tcpi_rcv_wscale = x.xtcpi_rcv_wscale;
	t.tcpi_rto = x.xtcpi_rto;
	t.tcpi_ato = x.xtcpi_ato;
	t.tcpi_snd_mss = x.xtcpi_snd_mss;
	t.tcpi_rcv_mss = x.xtcpi_rcv_mss;
	t.tcpi_unacked = (x.xtcpi_snd_nxt - x.xtcpi_snd_una + mss - 1) / mss;
	t.tcpi_rtt = x.xtcpi_srtt;
	t.tcpi_rttvar = x.xtcpi_rttvar;
	t.tcpi_snd_ssthresh = x.xtcpi_snd_ssthresh / mss;
	/* XTCP's own count where the module has it (XTCP_INFO grew) */
	if (xl >= offsetof(struct xtcp_info, xtcpi_snd_cwnd_segs) +
		  sizeof(x.xtcpi_snd_cwnd_segs))
		t.tcpi_snd_cwnd = x.xtcpi_snd_cwnd_segs;
	else
		t.tcpi_snd_cwnd = x.xtcpi_snd_cwnd / mss;
	t.tcpi_min_rtt = x.xtcpi_min_rtt;
	t.tcpi_delivery_rate = x.xtcpi_delivery_rate;
	t.tcpi_advmss = x.xtcpi_rcv_mss;
	t.tcpi_rcv_space = x.xtcpi_rcv_wnd;
	t.tcpi_total_retrans = x.xtcpi_total_retrans;
	t.tcpi_bytes_acked = x.xtcpi_bytes_acked;
	t.tcpi_bytes_received = x.xtcpi_bytes_received;
	t.tcpi_segs_in = x.xtcpi_segs_in;
	t.tcpi_segs_out = x.xtcpi_segs_out;
	t.tcpi_snd_wnd = x.xtcpi_snd_wnd;
	if (*len > sizeof(t))
		*len = sizeof(t);
	memcpy(val, &t, *len);
	return 0;
}

EXPORT int getsockopt(int fd, int level, int opt, void *val, socklen_t *len)
{
	int kind;

	REAL(getsockopt);
	kind = fd_kind(fd);
	if (kind != FD_XTCP4 && kind != FD_XTCP6)
		return r_getsockopt(fd, level, opt, val, len);
	if (!len || !val) {
		errno = EFAULT;
		return -1;
	}
	if (level == SOL_SOCKET && opt == SO_DOMAIN)
		return put_int(val, len, kind == FD_XTCP4 ? AF_INET : AF_INET6);
	if (level == SOL_SOCKET && opt == SO_PROTOCOL)
		return put_int(val, len, IPPROTO_TCP);
	if (level != IPPROTO_TCP)
		return r_getsockopt(fd, level, opt, val, len);
	if (tcp_mapped(opt) >= 0) {
		if (!r_getsockopt(fd, SOL_XTCP, tcp_mapped(opt), val, len))
			return 0;
		if (!tcp_optional(opt) || errno != ENOPROTOOPT)
			return -1;
		return put_int(val, len, 0);
	}
	if (opt == TCP_INFO)
		return get_tcp_info(fd, val, len);
	if (opt == TCP_CONGESTION)
		return get_congestion(fd, val, len);
	if (opt == TCP_CORK || tcp_noop(opt))
		return put_int(val, len, 0);
	errno = ENOPROTOOPT;
	return -1;
}

EXPORT int setsockopt(int fd, int level, int opt, const void *val,
		      socklen_t len)
{
	char name[17];

	REAL(setsockopt);
	if (!is_xtcp(fd))
		return r_setsockopt(fd, level, opt, val, len);
	/* the traffic class: a module before IP_TOS took it ignores it */
	if ((level == IPPROTO_IP && opt == IP_TOS) ||
	    (level == IPPROTO_IPV6 && opt == IPV6_TCLASS)) {
		int r = r_setsockopt(fd, level, opt, val, len);

		return r && errno == ENOPROTOOPT ? 0 : r;
	}
#ifdef XTCP_REUSEPORT
	/* kernels before 6.5 refuse SO_REUSEPORT to AF_XTCP: XTCP's own */
	if (level == SOL_SOCKET && opt == SO_REUSEPORT) {
		int r = r_setsockopt(fd, level, opt, val, len);

		if (!r || errno != EOPNOTSUPP)
			return r;
		return r_setsockopt(fd, SOL_XTCP, XTCP_REUSEPORT, val, len);
	}
#endif
	if (level != IPPROTO_TCP)
		return r_setsockopt(fd, level, opt, val, len);
	if (tcp_mapped(opt) >= 0) {
		if (!r_setsockopt(fd, SOL_XTCP, tcp_mapped(opt), val, len))
			return 0;
		/* a module without XTCP_CORK: send as soon as may be */
		return tcp_optional(opt) && errno == ENOPROTOOPT ? 0 : -1;
	}
	if (opt == TCP_CONGESTION) {
		size_t n = len < sizeof(name) - 1 ? len : sizeof(name) - 1;

		if (!val) {
			errno = EFAULT;
			return -1;
		}
#ifdef XTCP_CONGESTION
		{
			int r = r_setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, val,
					     len);

			if (!r || errno != ENOPROTOOPT)
				return r;
		}
#endif
		/* a module before XTCP_CONGESTION: NewReno only */
		memcpy(name, val, n);
		name[n] = 0;
		if (!strcmp(name, "reno") || !strcmp(name, "newreno"))
			return 0;
		errno = ENOENT;	/* as tcp_set_congestion_control() */
		return -1;
	}
	if (opt == TCP_CORK || tcp_noop(opt)) {
		if (len < sizeof(int)) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	errno = ENOPROTOOPT;
	return -1;
}

EXPORT int close(int fd)
{
	REAL(close);
	set_state(fd, FD_UNKNOWN);
	return r_close(fd);
}

/* The copy @nfd of @fd is what @fd is. */
static int copied(int fd, int nfd)
{
	int kind;

	if (nfd < 0)
		return nfd;
	kind = fd_kind(fd);
	set_state(nfd, kind);
	return nfd;
}

EXPORT int dup(int fd)
{
	REAL(dup);
	return copied(fd, r_dup(fd));
}

EXPORT int dup2(int fd, int nfd)
{
	REAL(dup2);
	if (fd != nfd)
		set_state(nfd, FD_UNKNOWN);
	return copied(fd, r_dup2(fd, nfd));
}

EXPORT int dup3(int fd, int nfd, int flags)
{
	REAL(dup3);
	set_state(nfd, FD_UNKNOWN);
	return copied(fd, r_dup3(fd, nfd, flags));
}

static int do_fcntl(int (*f)(int, int, ...), int fd, int cmd, va_list ap)
{
	void *arg = va_arg(ap, void *);
	int r = f(fd, cmd, arg);

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return copied(fd, r);
	return r;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int r;

	REAL(fcntl);
	va_start(ap, cmd);
	r = do_fcntl(r_fcntl, fd, cmd, ap);
	va_end(ap);
	return r;
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	int r;

	REAL(fcntl64);
	if (!r_fcntl64)
		r_fcntl64 = r_fcntl ? r_fcntl : dlsym(RTLD_NEXT, "fcntl");
	va_start(ap, cmd);
	r = do_fcntl(r_fcntl64, fd, cmd, ap);
	va_end(ap);
	return r;
}

static void forget_range(unsigned int lo, unsigned int hi)
{
	unsigned int i;

	for (i = lo; i <= hi && i < FD_TABLE; i++)
		set_state(i, FD_UNKNOWN);
}

EXPORT int close_range(unsigned int lo, unsigned int hi, int flags)
{
	REAL(close_range);
	if (!r_close_range) {
		errno = ENOSYS;
		return -1;
	}
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		forget_range(lo, hi);
	return r_close_range(lo, hi, flags);
}

EXPORT void closefrom(int lo)
{
	long i, max = sysconf(_SC_OPEN_MAX);

	REAL(closefrom);
	if (lo < 0)
		lo = 0;
	forget_range(lo, ~0u);
	if (r_closefrom) {
		r_closefrom(lo);
		return;
	}
	REAL(close);
	for (i = lo; i < max; i++)
		r_close(i);
}
