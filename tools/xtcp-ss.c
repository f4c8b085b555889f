// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-ss: list XTCP sockets as ss(8) lists TCP's, from the module's
 * sock_diag handler (SOCK_DIAG_BY_FAMILY with sdiag_family = AF_XTCP,
 * inet_diag's request and answer; module/diag.c).
 *
 *   xtcp-ss [-laneimoH46] [-N NETNS] [state NAME]... [sport = :N] [dport = :N]
 *
 * The kernel filters by state and port; -4/-6 here.  See xtcp-ss(8).
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdint.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>

#include "xtcp_util.h"

/* TCP_* state numbers (include/net/tcp_states.h) and ss's names for them */
static const char *const state_name[] = {
	[1] = "ESTAB", [2] = "SYN-SENT", [3] = "SYN-RECV", [4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2", [6] = "TIME-WAIT", [7] = "UNCONN",
	[8] = "CLOSE-WAIT", [9] = "LAST-ACK", [10] = "LISTEN", [11] = "CLOSING",
};

/* ss's filter names (ss.c's sstate_namel), with the groups */
static const struct {
	const char *name;
	unsigned int mask;
} state_filter[] = {
	{ "established", 1 << 1 }, { "syn-sent", 1 << 2 },
	{ "syn-recv", 1 << 3 }, { "fin-wait-1", 1 << 4 },
	{ "fin-wait-2", 1 << 5 }, { "time-wait", 1 << 6 },
	{ "closed", 1 << 7 }, { "close-wait", 1 << 8 },
	{ "last-ack", 1 << 9 }, { "listening", 1 << 10 },
	{ "closing", 1 << 11 },
	{ "all", 0xffe },
	/* ss's SS_CONN: not listening, closed, TIME-WAIT or SYN-RECV */
	{ "connected", 0xffe & ~(1 << 10 | 1 << 7 | 1 << 6 | 1 << 3) },
	{ "synchronized", 0xffe & ~(1 << 10 | 1 << 7 | 1 << 2 | 1 << 6 | 1 << 3) },
	{ "bucket", 1 << 6 | 1 << 3 },
	{ "big", 0xffe & ~(1 << 6 | 1 << 3) },
};

#define SS_CONN	(0xffe & ~(1 << 10 | 1 << 7 | 1 << 6 | 1 << 3))

/* XTCP's own states (xtcpi_xtcp_state, module/state.h) */
static const char *const xtcp_state_name[] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
	"TIME-WAIT",
};

static int opt_numeric, opt_info, opt_ext, opt_mem, opt_timer, opt_noheader;
static int opt_family;	/* 0, AF_INET or AF_INET6 */

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: xtcp-ss [-l|-a] [-n] [-e] [-i] [-m] [-o] [-H] [-4|-6] [-N NETNS]\n"
		"               [state NAME]... [exclude NAME]... [sport = :N] [dport = :N]\n"
		"  -l listening sockets only, -a all sockets (default: connected ones)\n"
		"  -n no service names, -e uid/inode/cookie, -i XTCP_INFO, -m memory,\n"
		"  -o timers, -H no header, -4/-6 one IP family, -N NAME a netns\n"
		"  states: established syn-sent syn-recv fin-wait-1 fin-wait-2\n"
		"  time-wait closed close-wait last-ack listening closing all\n"
		"  connected synchronized bucket big\n");
	exit(code);
}

static unsigned int parse_state(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(state_filter) / sizeof(state_filter[0]); i++)
		if (!strcmp(s, state_filter[i].name))
			return state_filter[i].mask;
	fprintf(stderr, "xtcp-ss: unknown state \"%s\"\n", s);
	exit(2);
}

/* ":N", "N" or ":name" after "sport =" (the "=" is optional, as "eq") */
static unsigned short parse_port(const char *s)
{
	struct servent *se;
	char *end;
	long v;

	if (*s == ':')
		s++;
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 65535)
		return v;
	se = getservbyname(s, "tcp");
	if (se)
		return ntohs(se->s_port);
	fprintf(stderr, "xtcp-ss: bad port \"%s\"\n", s);
	exit(2);
}

static void fmt_addr(char *buf, size_t len, int family, const __be32 *a,
		     __be16 port)
{
	char ip[INET6_ADDRSTRLEN], svc[32];
	struct servent *se = NULL;

	if (!opt_numeric && port)
		se = getservbyport(port, "tcp");
	if (se)
		snprintf(svc, sizeof(svc), "%s", se->s_name);
	else if (port)
		snprintf(svc, sizeof(svc), "%u", ntohs(port));
	else
		snprintf(svc, sizeof(svc), "*");
	inet_ntop(family, a, ip, sizeof(ip));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", ip, svc);
	else
		snprintf(buf, len, "%s:%s", ip, svc);
}

static void print_info(const struct xtcp_info *i, size_t len,
		       const char *cong)
{
	struct xtcp_info x;

	memset(&x, 0, sizeof(x));
	memcpy(&x, i, len < sizeof(x) ? len : sizeof(x));
	printf("\n\t %s xtcp_state:%s", cong ? cong : "newreno",
	       x.xtcpi_xtcp_state < sizeof(xtcp_state_name) / sizeof(char *) ?
	       xtcp_state_name[x.xtcpi_xtcp_state] : "?");
	if (x.xtcpi_snd_wscale || x.xtcpi_rcv_wscale)
		printf(" wscale:%u,%u", x.xtcpi_snd_wscale, x.xtcpi_rcv_wscale);
	printf(" rto:%g", x.xtcpi_rto / 1000.0);
	if (x.xtcpi_backoff)
		printf(" backoff:%u", x.xtcpi_backoff);
	printf(" rtt:%g/%g ato:%g mss:%u rcvmss:%u cwnd:%u",
	       x.xtcpi_srtt / 1000.0, x.xtcpi_rttvar / 1000.0,
	       x.xtcpi_ato / 1000.0, x.xtcpi_snd_mss, x.xtcpi_rcv_mss,
	       x.xtcpi_snd_cwnd);
	if (x.xtcpi_snd_ssthresh && x.xtcpi_snd_ssthresh < 0x7fffffff)
		printf(" ssthresh:%u", x.xtcpi_snd_ssthresh);
	printf(" bytes_acked:%llu bytes_received:%llu segs_out:%u segs_in:%u",
	       (unsigned long long)x.xtcpi_bytes_acked,
	       (unsigned long long)x.xtcpi_bytes_received,
	       x.xtcpi_segs_out, x.xtcpi_segs_in);
	printf(" snd_wnd:%u rcv_wnd:%u snd_una:%u snd_nxt:%u rcv_nxt:%u",
	       x.xtcpi_snd_wnd, x.xtcpi_rcv_wnd, x.xtcpi_snd_una,
	       x.xtcpi_snd_nxt, x.xtcpi_rcv_nxt);
	if (x.xtcpi_retransmits || x.xtcpi_total_retrans)
		printf(" retrans:%u/%u", x.xtcpi_retransmits,
		       x.xtcpi_total_retrans);
	if (x.xtcpi_delivery_rate)
		printf(" delivery_rate:%llubps",
		       (unsigned long long)x.xtcpi_delivery_rate * 8);
	if (x.xtcpi_min_rtt)
		printf(" minrtt:%g", x.xtcpi_min_rtt / 1000.0);
}

static void print_timer(const struct inet_diag_msg *m)
{
	static const char *const name[] = {
		"off", "on", "keepalive", "timewait", "persist",
	};

	if (m->idiag_timer > 4)
		return;
	printf(" timer:(%s,%.3gsec,%u)", name[m->idiag_timer],
	       m->idiag_expires / 1000.0,
	       m->idiag_timer == 1 ? m->idiag_retrans : 0);
}

static void print_msg(const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	const struct xtcp_info *info = NULL;
	const __u32 *skmem = NULL;
	size_t info_len = 0, skmem_len = 0;
	const char *cong = NULL;
	char local[80], peer[80];

	if (len < 0)
		return;
	if (opt_family && m->idiag_family != opt_family)
		return;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == INET_DIAG_INFO) {
			info = RTA_DATA(a);
			info_len = RTA_PAYLOAD(a);
		} else if (a->rta_type == INET_DIAG_CONG && RTA_PAYLOAD(a) &&
			   memchr(RTA_DATA(a), 0, RTA_PAYLOAD(a))) {
			cong = RTA_DATA(a);
		} else if (a->rta_type == INET_DIAG_SKMEMINFO) {
			skmem = RTA_DATA(a);
			skmem_len = RTA_PAYLOAD(a) / sizeof(__u32);
		}
	}
	fmt_addr(local, sizeof(local), m->idiag_family, m->id.idiag_src,
		 m->id.idiag_sport);
	fmt_addr(peer, sizeof(peer), m->idiag_family, m->id.idiag_dst,
		 m->id.idiag_dport);
	printf("%-10s %6u %6u %25s %25s",
	       m->idiag_state < 12 && state_name[m->idiag_state] ?
	       state_name[m->idiag_state] : "UNKNOWN",
	       m->idiag_rqueue, m->idiag_wqueue, local, peer);
	if (opt_timer && m->idiag_timer)
		print_timer(m);
	if (opt_ext) {
		if (m->idiag_state != 6)
			printf(" uid:%u ino:%u", m->idiag_uid, m->idiag_inode);
		/* INET_DIAG_NOCOOKIE: a TIME_WAIT entry has none */
		if (m->id.idiag_cookie[0] != INET_DIAG_NOCOOKIE ||
		    m->id.idiag_cookie[1] != INET_DIAG_NOCOOKIE)
			printf(" sk:%llx", (unsigned long long)m->id.idiag_cookie[1] << 32 |
			       m->id.idiag_cookie[0]);
	}
	if (opt_mem && skmem && skmem_len >= SK_MEMINFO_DROPS + 1)
		printf(" skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u,bl%u,d%u)",
		       skmem[SK_MEMINFO_RMEM_ALLOC], skmem[SK_MEMINFO_RCVBUF],
		       skmem[SK_MEMINFO_WMEM_ALLOC], skmem[SK_MEMINFO_SNDBUF],
		       skmem[SK_MEMINFO_FWD_ALLOC], skmem[SK_MEMINFO_WMEM_QUEUED],
		       skmem[SK_MEMINFO_OPTMEM], skmem[SK_MEMINFO_BACKLOG],
		       skmem[SK_MEMINFO_DROPS]);
	if (opt_info && info)
		print_info(info, info_len, cong);
	putchar('\n');
}

/* One dump: 0, or -1 with errno set */
static int dump(unsigned int states, unsigned short sport, unsigned short dport)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	static char buf[65536];
	int fd, n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.r.sdiag_family = xt_family();
	req.r.sdiag_protocol = IPPROTO_XTCP;
	req.r.idiag_states = states;
	req.r.id.idiag_sport = htons(sport);
	req.r.id.idiag_dport = htons(dport);
	if (opt_info)
		req.r.idiag_ext |= 1 << (INET_DIAG_INFO - 1) |
				   1 << (INET_DIAG_CONG - 1);
	if (opt_mem)
		req.r.idiag_ext |= 1 << (INET_DIAG_SKMEMINFO - 1);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
		   sizeof(nl)) < 0)
		goto fail;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				errno = -e->error;
				goto fail;
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				print_msg(h);
		}
	}
fail:
	n = errno;
	close(fd);
	errno = n;
	return -1;
}

int main(int argc, char **argv)
{
	unsigned int states = 0, exclude = 0;
	unsigned short sport = 0, dport = 0;
	int c, listening = 0, all = 0;

	while ((c = getopt(argc, argv, "laneimoH46N:h")) != -1) {
		switch (c) {
		case 'l': listening = 1; break;
		case 'a': all = 1; break;
		case 'n': opt_numeric = 1; break;
		case 'e': opt_ext = 1; break;
		case 'i': opt_info = 1; break;
		case 'm': opt_mem = 1; break;
		case 'o': opt_timer = 1; break;
		case 'H': opt_noheader = 1; break;
		case '4': opt_family = AF_INET; break;
		case '6': opt_family = AF_INET6; break;
		case 'N':
			if (enter_netns(optarg)) {
				fprintf(stderr, "xtcp-ss: netns %s: %s\n",
					optarg, strerror(errno));
				return 1;
			}
			break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	/* the filter: state NAME, exclude NAME, sport = :N, dport = :N */
	while (optind < argc) {
		const char *w = argv[optind++];
		unsigned short *port = NULL;

		if (!strcmp(w, "state") || !strcmp(w, "exclude") ||
		    !strcmp(w, "excl")) {
			if (optind >= argc)
				usage(2);
			if (w[0] == 's')
				states |= parse_state(argv[optind++]);
			else
				exclude |= parse_state(argv[optind++]);
			continue;
		}
		if (!strcmp(w, "sport") || !strcmp(w, "src"))
			port = &sport;
		else if (!strcmp(w, "dport") || !strcmp(w, "dst"))
			port = &dport;
		else
			usage(2);
		if (optind < argc && (!strcmp(argv[optind], "=") ||
				      !strcmp(argv[optind], "==") ||
				      !strcmp(argv[optind], "eq")))
			optind++;
		if (optind >= argc)
			usage(2);
		*port = parse_port(argv[optind++]);
	}
	if (!states)
		states = all ? 0xffe : listening ? 1 << 10 : SS_CONN;
	else if (listening)
		states &= 1 << 10;
	states &= ~exclude;

	if (!opt_noheader)
		printf("%-10s %6s %6s %25s %25s\n", "State", "Recv-Q", "Send-Q",
		       "Local Address:Port", "Peer Address:Port");
	fflush(stdout);
	if (dump(states, sport, dport)) {
		fprintf(stderr, "xtcp-ss: SOCK_DIAG_BY_FAMILY for family %d: %s%s\n",
			xt_family(), strerror(errno),
			errno == ENOENT ? " (is xtcp.ko loaded?)" : "");
		return 1;
	}
	return 0;
}
