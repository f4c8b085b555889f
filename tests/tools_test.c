// SPDX-License-Identifier: GPL-2.0
/*
 * The tools a transport's users expect: tools/xtcp-ss over the module's
 * sock_diag handler (module/diag.c), the nstat-format counters
 * (/proc/net/xtcp_snmp), the man pages and `make install`.  Each test
 * works in a network namespace of its own, so it sees its sockets only.
 */
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/wait.h>

#include "harness.h"
#include "xtcp_util.h"

/* The repository's top (this program lives in tests/). */
static const char *top(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (!dir[0]) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return "..";
		exe[n] = 0;
		snprintf(dir, sizeof(dir), "%s", dirname(dirname(exe)));
	}
	return dir;
}

/* Run `xtcp-ss -nH ARGS` and keep its output in @out; its exit status. */
static int ss(char *out, size_t len, const char *args)
{
	char cmd[PATH_MAX + 256];
	size_t n = 0, r;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/tools/xtcp-ss -nH %s", top(), args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	out[n] = 0;
	return pclose(p);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Lines of @out that start with @state and contain @what (NULL: any). */
static int count(const char *out, const char *state, const char *what)
{
	const char *l = out, *e;
	char line[1024];
	int n = 0;

	for (; *l; l = e + 1) {
		e = strchr(l, '\n');
		if (!e)
			break;
		/* a space after the last column too */
		snprintf(line, sizeof(line), "%.*s ", (int)(e - l), l);
		if (!strncmp(line, state, strlen(state)) &&
		    line[strlen(state)] == ' ' && (!what || strstr(line, what)))
			n++;
	}
	return n;
}

/* A TIME_WAIT entry on the client's side of a pair to @port: its port. */
static int make_timewait(const char *ip, unsigned short port)
{
	int c, a, lport;

	if (xt_pair_on(ip, port, &c, &a))
		return -1;
	lport = xt_local_port(c);
	close(c);		/* FIN_WAIT_2 ... */
	usleep(50 * 1000);
	close(a);		/* ... then TIME_WAIT on the peer's FIN */
	return lport;
}

/* Poll xtcp-ss until a TIME-WAIT row for @what shows, 10 s at most. */
static int wait_tw(char *out, size_t len, const char *what)
{
	long end = now_ms() + 10000;

	do {
		if (!ss(out, len, "state time-wait") &&
		    count(out, "TIME-WAIT", what))
			return 0;
		usleep(50 * 1000);
	} while (now_ms() < end);
	printf("# no TIME-WAIT row with \"%s\" in:\n%s", what, out);
	return -1;
}

struct sockset {
	unsigned short lport, eport, tport;	/* listener, pair, TIME_WAIT */
	int l, c, a, tw_local;
	char lst[64], est[64], tw[64];
};

/* A listener, an established pair and a TIME_WAIT entry over @ip. */
static int sockset(struct sockset *s, const char *ip, const char *any)
{
	char buf[8192];
	int v6 = !!strchr(ip, ':');

	s->lport = xt_port(0);
	s->eport = xt_port(1);
	s->tport = xt_port(2);
	s->l = xt_listener(any, s->lport, 8);
	if (s->l < 0 || xt_pair_on(ip, s->eport, &s->c, &s->a)) {
		printf("# no listener on %s or pair to %s\n", any, ip);
		return -1;
	}
	s->tw_local = make_timewait(ip, s->tport);
	if (s->tw_local < 0) {
		printf("# no TIME_WAIT pair to %s\n", ip);
		return -1;
	}
	snprintf(s->lst, sizeof(s->lst), v6 ? "[%s]:%u " : "%s:%u ", any,
		 s->lport);
	snprintf(s->est, sizeof(s->est), ":%u ", s->eport);
	snprintf(s->tw, sizeof(s->tw), v6 ? "[%s]:%u " : "%s:%u ", ip,
		 s->tport);
	return wait_tw(buf, sizeof(buf), s->tw);
}

/* Exactly the listener, both ends of the pair and the TIME_WAIT entry. */
static void ss_lists_each_state(void)
{
	static char out[16384];
	struct sockset s;

	NEED_OK(xt_private_netns());
	NEED_OK(sockset(&s, "127.0.0.1", "0.0.0.0"));
	CHECK(ss(out, sizeof(out), "-a") == 0);
	printf("# xtcp-ss -a:\n%s", out);
	CHECK(lines(out) == 4);
	CHECK(count(out, "LISTEN", s.lst) == 1);
	CHECK(count(out, "ESTAB", s.est) == 2);
	CHECK(count(out, "TIME-WAIT", s.tw) == 1);
	/* the default: connected sockets only, as ss */
	CHECK(ss(out, sizeof(out), "") == 0);
	CHECK(lines(out) == 2 && count(out, "ESTAB", s.est) == 2);
	CHECK(ss(out, sizeof(out), "-l") == 0);
	CHECK(lines(out) == 1 && count(out, "LISTEN", s.lst) == 1);
}

/* The state and port filters, which the kernel applies. */
static void ss_filters(void)
{
	static char out[16384];
	struct sockset s;
	char arg[64];

	NEED_OK(xt_private_netns());
	NEED_OK(sockset(&s, "127.0.0.1", "0.0.0.0"));
	CHECK(ss(out, sizeof(out), "state time-wait") == 0);
	CHECK(lines(out) == 1 && count(out, "TIME-WAIT", s.tw) == 1);
	CHECK(ss(out, sizeof(out), "state established") == 0);
	CHECK(lines(out) == 2 && count(out, "ESTAB", s.est) == 2);
	CHECK(ss(out, sizeof(out), "state listening state time-wait") == 0);
	CHECK(lines(out) == 2 && count(out, "LISTEN", NULL) == 1);
	CHECK(ss(out, sizeof(out), "state all exclude established") == 0);
	CHECK(lines(out) == 2 && !count(out, "ESTAB", NULL));
	/* the accepted end has the listener's port as its own */
	snprintf(arg, sizeof(arg), "-a sport = :%u", s.eport);
	CHECK(ss(out, sizeof(out), arg) == 0);
	CHECK(lines(out) == 1 && count(out, "ESTAB", s.est) == 1);
	snprintf(arg, sizeof(arg), "-a dport = :%u", s.eport);
	CHECK(ss(out, sizeof(out), arg) == 0);
	CHECK(lines(out) == 1 && count(out, "ESTAB", NULL) == 1);
	snprintf(arg, sizeof(arg), "-a dport = :%u", s.tport);
	CHECK(ss(out, sizeof(out), arg) == 0);
	CHECK(lines(out) == 1 && count(out, "TIME-WAIT", s.tw) == 1);
	snprintf(arg, sizeof(arg), "-a sport = :%d", s.tw_local);
	CHECK(ss(out, sizeof(out), arg) == 0);
	CHECK(lines(out) == 1 && count(out, "TIME-WAIT", NULL) == 1);
	snprintf(arg, sizeof(arg), "-a sport :%u", s.lport);
	CHECK(ss(out, sizeof(out), arg) == 0);
	CHECK(lines(out) == 1 && count(out, "LISTEN", s.lst) == 1);
	/* -6: none of these is over IPv6 */
	CHECK(ss(out, sizeof(out), "-a -6") == 0);
	CHECK(lines(out) == 0);
}

/* The same over IPv6, and -4 leaves them out. */
static void ss_ipv6(void)
{
	static char out[16384];
	struct sockset s;

	NEED_OK(xt_private_netns());
	NEED_OK(sockset(&s, "::1", "::"));
	CHECK(ss(out, sizeof(out), "-a -6") == 0);
	printf("# xtcp-ss -a -6:\n%s", out);
	CHECK(lines(out) == 4);
	CHECK(count(out, "LISTEN", s.lst) == 1);
	CHECK(count(out, "ESTAB", "[::1]") == 2);
	CHECK(count(out, "TIME-WAIT", s.tw) == 1);
	CHECK(ss(out, sizeof(out), "-a -4") == 0);
	CHECK(lines(out) == 0);
}

/* Another namespace lists none of them; its own only. */
static void ss_per_netns(void)
{
	static char out[16384];
	struct sockset s;
	int l;

	NEED_OK(xt_private_netns());
	NEED_OK(sockset(&s, "127.0.0.1", "0.0.0.0"));
	CHECK(ss(out, sizeof(out), "-a") == 0);
	CHECK(lines(out) == 4);
	NEED_OK(xt_private_netns());
	CHECK(ss(out, sizeof(out), "-a") == 0);
	CHECK(lines(out) == 0);
	l = xt_listener("0.0.0.0", xt_port(3), 1);
	NEED(l >= 0);
	CHECK(ss(out, sizeof(out), "-a") == 0);
	CHECK(lines(out) == 1 && count(out, "LISTEN", NULL) == 1);
	close(l);
}

/* -i (XTCP_INFO), -m (skmem), -e (uid, inode), -o (timers). */
static void ss_details(void)
{
	static char out[16384], want[64];
	struct sockset s;
	char buf[1000];

	NEED_OK(xt_private_netns());
	NEED_OK(sockset(&s, "127.0.0.1", "0.0.0.0"));
	memset(buf, 'x', sizeof(buf));
	NEED(write(s.c, buf, sizeof(buf)) == sizeof(buf));
	NEED(read(s.a, buf, sizeof(buf)) > 0);
	usleep(100 * 1000);
	CHECK(ss(out, sizeof(out), "-a -i -m -e -o") == 0);
	printf("# xtcp-ss -a -i -m -e -o:\n%s", out);
	CHECK(strstr(out, "xtcp_state:ESTABLISHED") != NULL);
	CHECK(strstr(out, "bytes_acked:1000 ") != NULL);
	CHECK(strstr(out, "bytes_received:1000 ") != NULL);
	CHECK(strstr(out, "rtt:") && strstr(out, "cwnd:"));
	CHECK(strstr(out, "skmem:(r") != NULL);
	snprintf(want, sizeof(want), "uid:%u ino:", getuid());
	CHECK(strstr(out, want) != NULL);
	CHECK(strstr(out, "timer:(timewait,") != NULL);
}

/*
 * /proc/net/xtcp_snmp's value of @prefix@name ("Xtcp" "InSegs"), checking
 * the shape: a names line and a values line per prefix, the same count of
 * each; -1 if absent or misshapen.
 */
static long snmp(const char *prefix, const char *name)
{
	FILE *f = fopen("/proc/net/xtcp_snmp", "r");
	char names[8192], vals[8192], *sn, *sv, *n, *v;
	size_t plen = strlen(prefix);
	long r = -1;

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, prefix, plen) || names[plen] != ':' ||
		    strncmp(vals, names, plen + 1))
			continue;
		n = strtok_r(names + plen + 1, " \n", &sn);
		v = strtok_r(vals + plen + 1, " \n", &sv);
		for (; n && v; n = strtok_r(NULL, " \n", &sn),
		     v = strtok_r(NULL, " \n", &sv))
			if (!strcmp(n, name))
				r = atol(v);
		if (n || v)
			r = -1;	/* names and values differ in number */
	}
	fclose(f);
	return r;
}

/* The nstat-format counters grow as traffic flows, and agree with xtcp_stats. */
static void snmp_counters_grow(void)
{
	long in0, out0, act0, pas0, tw0;
	char buf[4000], cmd[256];
	FILE *p;
	int c, a, found = 0;

	NEED_OK(xt_private_netns());
	in0 = snmp("Xtcp", "InSegs");
	out0 = snmp("Xtcp", "OutSegs");
	act0 = snmp("Xtcp", "ActiveOpens");
	pas0 = snmp("Xtcp", "PassiveOpens");
	tw0 = snmp("XtcpExt", "TimeWaitCreated");
	CHECK(in0 >= 0 && out0 >= 0 && act0 >= 0 && pas0 >= 0 && tw0 >= 0);
	/* the MIB's counters are on the "Xtcp:" line only */
	CHECK(snmp("XtcpExt", "InSegs") == -1);
	CHECK(snmp("Xtcp", "TimeWaitCreated") == -1);
	NEED_OK(xt_pair(xt_port(0), &c, &a));
	memset(buf, 'x', sizeof(buf));
	NEED(write(c, buf, sizeof(buf)) == sizeof(buf));
	NEED(read(a, buf, sizeof(buf)) > 0);
	close(c);
	usleep(50 * 1000);
	close(a);
	usleep(200 * 1000);
	CHECK(snmp("Xtcp", "ActiveOpens") == act0 + 1);
	CHECK(snmp("Xtcp", "PassiveOpens") == pas0 + 1);
	/* SYN, SYN-ACK, ACK, data, its ACK, two FINs and their ACKs */
	CHECK(snmp("Xtcp", "InSegs") >= in0 + 7);
	CHECK(snmp("Xtcp", "OutSegs") >= out0 + 7);
	CHECK(snmp("XtcpExt", "TimeWaitCreated") == tw0 + 1);
	CHECK(snmp("Xtcp", "InSegs") == xt_stat("InSegs"));
	CHECK(snmp("XtcpExt", "TimeWaitCreated") == xt_stat("TimeWaitCreated"));

	/* nstat(8) reads the file as its netstat file (README.md) */
	if (system("command -v nstat >/dev/null 2>&1")) {
		printf("# nstat is not installed: its reading not checked\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "PROC_NET_NETSTAT=/proc/net/xtcp_snmp "
		 "PROC_NET_SNMP=/dev/null PROC_NET_SNMP6=/dev/null "
		 "PROC_NET_SCTP_SNMP=/dev/null NSTAT_HISTORY=/dev/null nstat -asz");
	p = popen(cmd, "r");
	NEED(p);
	while (fgets(buf, sizeof(buf), p)) {
		long v;

		if (sscanf(buf, "XtcpActiveOpens %ld", &v) == 1)
			found += v == act0 + 1;
		if (sscanf(buf, "XtcpExtTimeWaitCreated %ld", &v) == 1)
			found += v == tw0 + 1;
	}
	CHECK(pclose(p) == 0);
	CHECK(found == 2);
}

/* Every frame on @ifname from now on, both ways, as a packet socket sees it. */
static int cap_open(const char *ifname)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0 || bind(fd, (struct sockaddr *)&ll, sizeof(ll)))
		return -1;
	return fd;
}

/*
 * The frames @fd captured into a pcap file at @path; with @corrupt, the first XTCP
 * segment's checksum is off by one.  The number of XTCP segments, or -1.
 */
static int cap_write(int fd, const char *path, int corrupt)
{
	struct { unsigned int magic; unsigned short major, minor;
		 int zone; unsigned int sigfigs, snaplen, link; } gh = {
		0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 };	/* LINKTYPE_ETHERNET */
	static unsigned char buf[65536];
	struct sockaddr_ll ll;
	socklen_t sl;
	int n, segs = 0;
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fwrite(&gh, sizeof(gh), 1, f);
	for (;;) {
		struct { unsigned int sec, usec, caplen, len; } ph;
		struct timespec ts;

		sl = sizeof(ll);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&ll, &sl);
		if (n < 0)
			break;
		if (n < 14 + 20)
			continue;
		/* IPv4's protocol at 14 + 9, IPv6's next header at 14 + 6 */
		if ((ll.sll_protocol == htons(ETH_P_IP) && buf[14 + 9] == IPPROTO_XTCP) ||
		    (ll.sll_protocol == htons(ETH_P_IPV6) && buf[14 + 6] == IPPROTO_XTCP)) {
			int hl = ll.sll_protocol == htons(ETH_P_IP) ?
				 (buf[14] & 15) * 4 : 40;

			if (corrupt && !segs)
				buf[14 + hl + 17] ^= 1;
			segs++;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ph.sec = ts.tv_sec;
		ph.usec = ts.tv_nsec / 1000;
		ph.caplen = ph.len = n;
		fwrite(&ph, sizeof(ph), 1, f);
		fwrite(buf, n, 1, f);
	}
	return fclose(f) ? -1 : segs;
}

/* Run tshark with the dissector on @pcap; its -V output in @out. */
static int tshark(char *out, size_t len, const char *pcap)
{
	char cmd[2 * PATH_MAX + 200];
	size_t n = 0, r;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "HOME=/tmp tshark -n -o tcp.check_checksum:FALSE "
		 "-X lua_script:%s/tools/xtcp.lua -r %s -V 2>/dev/null", top(), pcap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	out[n] = 0;
	return pclose(p);
}

static int occurrences(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

/* The checksum lines of tshark's output, for a failure's report. */
static void show_checksums(const char *out)
{
	const char *l = out, *e;

	for (; (e = strchr(l, '\n')); l = e + 1)
		if (strstr(l, "Checksum") < e && strstr(l, "Checksum"))
			printf("# %.*s\n", (int)(e - l), l);
}

/* A handshake, data and a close over @ip, through tshark and xtcp.lua. */
static void dissect(const char *ip)
{
	static char out[1 << 20];
	char pcap[] = "/tmp/xtcp-capXXXXXX", bad[] = "/tmp/xtcp-badXXXXXX";
	char buf[300], want[64], cmd[1024], na[32], nb[32];
	int fd, c, a, l, l2, segs;
	unsigned short port = xt_port(0);

	NEED(system("command -v tshark >/dev/null 2>&1") == 0);
	/*
	 * Two namespaces joined by a veth pair with checksum offload off: on
	 * lo, whose offload cannot be turned off, a capture holds only the
	 * pseudo-header's sum, as tcpdump shows TCP's.
	 */
	snprintf(na, sizeof(na), "xtools%da", getpid());
	snprintf(nb, sizeof(nb), "xtools%db", getpid());
	snprintf(cmd, sizeof(cmd),
		 "ip netns add %s && ip netns add %s && "
		 "ip link add va netns %s type veth peer name vb netns %s && "
		 "ip -n %s addr add 10.123.0.1/24 dev va && "
		 "ip -n %s addr add 10.123.0.2/24 dev vb && "
		 "ip -n %s addr add fd00:7b::1/64 dev va nodad && "
		 "ip -n %s addr add fd00:7b::2/64 dev vb nodad && "
		 "ip -n %s link set va up && ip -n %s link set vb up && "
		 "ip netns exec %s ethtool -K va tx off >/dev/null && "
		 "ip netns exec %s ethtool -K vb tx off >/dev/null",
		 na, nb, na, nb, na, nb, na, nb, na, nb, na, nb);
	NEED_OK(system(cmd));
	NEED_OK(enter_netns(nb));
	l = xt_listener(ip, port, 4);
	l2 = xt_listener(ip, xt_port(1), 4);
	NEED(l >= 0 && l2 >= 0);
	NEED_OK(enter_netns(na));
	snprintf(cmd, sizeof(cmd), "ip netns del %s; ip netns del %s", na, nb);
	fd = cap_open("va");
	NEED(fd >= 0);
	NEED(mkstemp(pcap) >= 0 && mkstemp(bad) >= 0);
	c = xt_socket();
	NEED(c >= 0);
	NEED_OK(xt_connect(c, ip, port));
	a = accept(l, NULL, NULL);
	NEED(a >= 0);
	memset(buf, 'z', sizeof(buf));
	NEED(write(c, buf, sizeof(buf)) == sizeof(buf));
	NEED(read(a, buf, sizeof(buf)) == sizeof(buf));
	close(c);
	usleep(50 * 1000);
	close(a);
	usleep(200 * 1000);
	segs = cap_write(fd, pcap, 0);
	printf("# %d XTCP segments captured\n", segs);
	/* SYN, SYN-ACK, ACK, data, ACK, FIN, ACK, FIN, ACK at least */
	CHECK(segs >= 8);

	CHECK(tshark(out, sizeof(out), pcap) == 0);
	if (occurrences(out, "(checksum good)") != segs)
		show_checksums(out);
	CHECK(occurrences(out, "XTCP, reliable byte stream over IP protocol 253") == segs);
	CHECK(occurrences(out, "(checksum good)") == segs);
	CHECK(occurrences(out, "(checksum bad") == 0);
	CHECK(strstr(out, "Maximum segment size: ") != NULL);
	CHECK(strstr(out, "Window scale: ") != NULL);
	CHECK(strstr(out, "Flags: 0x002 (SYN)") != NULL);
	CHECK(strstr(out, "Flags: 0x012 (SYN, ACK)") != NULL);
	CHECK(strstr(out, "Flags: 0x011 (FIN, ACK)") != NULL);
	CHECK(strstr(out, "Segment Length: 300") != NULL);
	CHECK(strstr(out, "Payload: 7a7a7a") != NULL);
	snprintf(want, sizeof(want), "Destination Port: %u", port);
	CHECK(strstr(out, want) != NULL);
	CHECK(strstr(out, "Sequence Number: ") && strstr(out, "Acknowledgment Number: "));
	/*
	 * a SYN's MSS, NOP window scale, NOP NOP SACK-permitted (sack=1),
	 * NOP NOP timestamps (timestamps=1)
	 */
	CHECK(strstr(out, "Header Length: 44 bytes (11)") != NULL);
	CHECK(strstr(out, "Timestamps: TSval ") != NULL);
	CHECK(strstr(out, "Urgent Pointer: 0") && strstr(out, "Window: "));
	if (strchr(ip, ':'))
		CHECK(strstr(out, "Internet Protocol Version 6") != NULL);

	/* the same capture with one checksum off by one */
	close(fd);
	fd = cap_open("va");
	NEED(fd >= 0);
	c = xt_socket();
	NEED(c >= 0);
	NEED_OK(xt_connect(c, ip, xt_port(1)));
	a = accept(l2, NULL, NULL);
	NEED(a >= 0);
	close(c);
	close(a);
	usleep(200 * 1000);
	segs = cap_write(fd, bad, 1);
	CHECK(segs >= 3);
	CHECK(tshark(out, sizeof(out), bad) == 0);
	CHECK(occurrences(out, "(checksum bad") == 1);
	CHECK(occurrences(out, "(checksum good)") == segs - 1);
	unlink(pcap);
	unlink(bad);
	close(l);
	close(l2);
	if (system(cmd))
		printf("# %s failed\n", cmd);
}

static void tshark_dissects_v4(void)
{
	dissect("10.123.0.2");
}

static void tshark_dissects_v6(void)
{
	dissect("fd00:7b::2");
}

/* A file's text into @out (NUL-terminated); its length or -1. */
static long slurp(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(out, 1, len - 1, f);
	out[n] = 0;
	fclose(f);
	return n;
}

/*
 * The man pages render without a warning from groff, and xtcp(7) names
 * every sysctl the module has and every counter it keeps.
 */
static void man_pages_render(void)
{
	static char page[1 << 17], out[1 << 17];
	const char *pages[] = { "xtcp.7", "xtcp-ss.8" };
	char cmd[PATH_MAX + 200], path[PATH_MAX], name[128], want[160];
	unsigned int i;
	long v;
	FILE *f;

	NEED(system("command -v groff >/dev/null 2>&1") == 0);
	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "
			 "%s/Documentation/man/%s 2>&1 >/dev/null", top(), pages[i]);
		f = popen(cmd, "r");
		NEED(f);
		out[fread(out, 1, sizeof(out) - 1, f)] = 0;
		CHECK(pclose(f) == 0);
		if (out[0])
			printf("# groff on %s:\n%s", pages[i], out);
		CHECK(out[0] == 0);
	}
	if (system("command -v man >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "MANWIDTH=80 LC_ALL=C.UTF-8 man -l "
			 "%s/Documentation/man/xtcp-ss.8 2>&1", top());
		f = popen(cmd, "r");
		NEED(f);
		out[fread(out, 1, sizeof(out) - 1, f)] = 0;
		CHECK(pclose(f) == 0);
		CHECK(strstr(out, "xtcp-ss - list XTCP sockets") != NULL);
	}

	snprintf(path, sizeof(path), "%s/Documentation/man/xtcp.7", top());
	NEED(slurp(path, page, sizeof(page)) > 0);
	/* every sysctl: ".I name" in SYSCTLS */
	f = popen("ls /proc/sys/net/xtcp", "r");
	NEED(f);
	i = 0;
	while (fscanf(f, "%127s", name) == 1) {
		snprintf(want, sizeof(want), "\n.I %s\n", name);
		if (!strstr(page, want))
			printf("# xtcp.7 lacks the sysctl %s\n", name);
		CHECK(strstr(page, want) != NULL);
		i++;
	}
	pclose(f);
	CHECK(i >= 20);
	/* every counter, by name */
	f = fopen("/proc/net/xtcp_stats", "r");
	NEED(f);
	i = 0;
	while (fscanf(f, "%127s %ld", name, &v) == 2) {
		if (!strstr(page, name))
			printf("# xtcp.7 lacks the counter %s\n", name);
		CHECK(strstr(page, name) != NULL);
		i++;
	}
	fclose(f);
	CHECK(i >= 40);
}

/* Is tracefs's enable file for xtcp:@ev "1"? */
static int event_on(const char *ev)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[160], v[4] = "";
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/xtcp/%s/enable",
			 dirs[i], ev);
		if (slurp(path, v, sizeof(v)) > 0)
			return v[0] == '1';
	}
	return 0;
}

/*
 * tools/xtcp-trace follows a connection as it lives: both ends' states,
 * the segments arriving (-a: xtcp_probe), each socket's end; and stops
 * cleanly, its events off, when told to.
 */
static void trace_tool_follows(void)
{
	char tool[PATH_MAX], path[64], portarg[8], buf[8], want[96];
	static char out[1 << 16];
	unsigned int cport;
	int c, a, status, i;
	pid_t pid;

	NEED_OK(xt_private_netns());
	snprintf(tool, sizeof(tool), "%s/tools/xtcp-trace", top());
	snprintf(path, sizeof(path), "/tmp/xtcp-trace.%d", getpid());
	snprintf(portarg, sizeof(portarg), "%u", xt_port(0));
	NEED(!event_on("xtcp_probe"));
	pid = fork();
	NEED(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execl(tool, "xtcp-trace", "-a", "-p", portarg, (char *)NULL);
		_exit(127);
	}
	/* -a's xtcp_probe is the last event it turns on */
	for (i = 0; i < 500 && !event_on("xtcp_probe"); i++)
		usleep(20 * 1000);
	CHECK(event_on("xtcp_probe"));
	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	CHECK(send(c, "hello", 5, 0) == 5);
	CHECK(recv(a, buf, sizeof(buf), 0) == 5);
	close(c);
	close(a);
	/* until it printed the last of them (seconds in the debug guest) */
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  socket destroyed",
		 xt_port(0), cport);
	for (i = 0; i < 300; i++) {
		out[0] = 0;
		if (slurp(path, out, sizeof(out)) > 0 && strstr(out, want) &&
		    strstr(strstr(out, want), "\n"))
			break;
		usleep(50 * 1000);
	}
	CHECK_OK(kill(pid, SIGTERM));
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!event_on("xtcp_probe") && !event_on("xtcp_set_state"));
	CHECK(slurp(path, out, sizeof(out)) > 0);
	unlink(path);
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  CLOSED -> SYN_SENT",
		 cport, xt_port(0));
	CHECK(strstr(out, want) != NULL);
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  SYN_RECEIVED -> ESTABLISHED",
		 xt_port(0), cport);
	CHECK(strstr(out, want) != NULL);
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  segment len 5:",
		 xt_port(0), cport);
	CHECK(strstr(out, want) != NULL);
	/* the close, to its end */
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  ESTABLISHED -> CLOSE_WAIT",
		 xt_port(0), cport);
	CHECK(strstr(out, want) != NULL);
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  LAST_ACK -> CLOSED",
		 xt_port(0), cport);
	CHECK(strstr(out, want) != NULL);
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  socket destroyed",
		 cport, xt_port(0));
	CHECK(strstr(out, want) != NULL);
	snprintf(want, sizeof(want), "127.0.0.1:%u > 127.0.0.1:%u  socket destroyed",
		 xt_port(0), cport);
	CHECK(strstr(out, want) != NULL);
	if (xt_failed)
		printf("# xtcp-trace printed:\n%s\n", out);
}

static const struct xt_test tests[] = {
	TEST(ss_lists_each_state),
	TEST(ss_filters),
	TEST(ss_ipv6),
	TEST(ss_per_netns),
	TEST(ss_details),
	TEST(snmp_counters_grow),
	TEST_T(tshark_dissects_v4, 120),
	TEST_T(tshark_dissects_v6, 120),
	TEST(man_pages_render),
	TEST(trace_tool_follows),
};

XT_MAIN("tools", tests)
