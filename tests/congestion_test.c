// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control through real sockets: XTCP_CONGESTION (TCP_CONGESTION's
 * number and semantics: a name, ENOENT for an unknown one, getsockopt gives
 * the name back, settable before and after connect), a listener's children
 * taking its choice, the per-namespace sysctl congestion_control, data
 * under netem loss with CUBIC checked by SHA-256, and XTCP_INFO's
 * congestion-control fields (min RTT, delivery rate, cwnd in segments),
 * and HyStart++ ending CUBIC's slow start on a path whose queue grows.
 * Each test runs over IPv4 and IPv6 (an address with a colon is IPv6 to
 * the helpers whatever the run's family).
 */
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include "ethtool_util.h"
#include "harness.h"
#include "stream.h"
#include "xtcp_util.h"

#ifndef XTCP_CONGESTION
#define XTCP_CONGESTION		13
#endif
#define CC_NAME_MAX		16	/* TCP_CA_NAME_MAX */
#define SYSCTL_CC		"/proc/sys/net/xtcp/congestion_control"
#define SYSCTL_HYSTART		"/proc/sys/net/xtcp/hystart"
#define SYSCTL_RTO_MIN		"/proc/sys/net/xtcp/rto_min_ms"
#define SYSCTL_RECOVERY		"/proc/sys/net/xtcp/recovery"

/* loopback, then the ya <-> yb veth pair (run-guest-tests.sh's netns_up) */
static const char *const lo_ip[2] = { "127.0.0.1", "::1" };
static const char *const yb_ip[2] = { "10.79.0.2", "2001:db8:79::2" };

static int set_cc(int fd, const char *name)
{
	return setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, name, strlen(name));
}

/* The algorithm's name, NUL-padded, as getsockopt(TCP_CONGESTION). */
static const char *get_cc(int fd)
{
	static char name[CC_NAME_MAX + 1];
	socklen_t len = CC_NAME_MAX;

	memset(name, 0, sizeof(name));
	if (getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, name, &len) ||
	    len != CC_NAME_MAX)
		return "(error)";
	return name;
}

static int read_sysctl(char *buf, size_t n)
{
	FILE *f = fopen(SYSCTL_CC, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, n, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Write the sysctl as `echo NAME >`; 0, or -1 with the write's errno. */
static int write_sysctl(const char *name)
{
	char line[32];
	int fd = open(SYSCTL_CC, O_WRONLY), n;
	ssize_t w;

	if (fd < 0)
		return -1;
	n = snprintf(line, sizeof(line), "%s\n", name);
	w = write(fd, line, n);
	if (w != n) {
		int e = errno;

		close(fd);
		errno = w < 0 ? e : EIO;
		return -1;
	}
	return close(fd);
}

static int get_info(int fd, struct xtcp_info *i)
{
	socklen_t len = sizeof(*i);

	memset(i, 0, sizeof(*i));
	if (getsockopt(fd, SOL_XTCP, XTCP_INFO, i, &len))
		return -1;
	return len == sizeof(*i) ? 0 : -1;
}

/*
 * Each name reads back; an unknown one is ENOENT and changes nothing; an
 * empty option EINVAL; before connect, on both ends of a connection, and
 * switched back and forth mid-connection with data flowing.
 */
static void setsockopt_names(void)
{
	static const char *const names[] = { "cubic", "newreno", "reno" };
	char big[40];
	int f;

	for (f = 0; f < 2; f++) {
		int fd = xt_socket(), c, a, l, i;
		char buf[4096];

		NEED_OK(fd);
		for (i = 0; i < 3; i++) {
			CHECK_OK(set_cc(fd, names[i]));
			CHECK(!strcmp(get_cc(fd), names[i]));
		}
		CHECK_ERRNO(set_cc(fd, "bogus"), ENOENT);
		CHECK(!strcmp(get_cc(fd), "reno"));
		CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, "cubic", 0),
			    EINVAL);
		/* the first 15 bytes are the name, as TCP_CA_NAME_MAX - 1 */
		memset(big, 'x', sizeof(big));
		memcpy(big, "cubic", 5);
		CHECK_ERRNO(setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, big,
				       sizeof(big)), ENOENT);
		/* the option's length bounds the name: "cubic" of "cubicxxx" */
		CHECK_OK(setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, big, 5));
		CHECK(!strcmp(get_cc(fd), "cubic"));
		{
			/* a short buffer gets the start of the name */
			char s[3] = { 0 };
			socklen_t len = 3;

			CHECK_OK(getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, s, &len));
			CHECK(len == 3 && !memcmp(s, "cub", 3));
		}

		/* set before connect: the connection has it */
		l = xt_listener(lo_ip[f], 0, 4);
		NEED_OK(l);
		CHECK_OK(xt_connect(fd, lo_ip[f], xt_local_port(l)));
		a = accept(l, NULL, NULL);
		NEED_OK(a);
		c = fd;
		CHECK(!strcmp(get_cc(c), "cubic"));
		/* and after connect, on either end, with data in between */
		for (i = 0; i < 6; i++) {
			int s = i & 1 ? a : c, r = i & 1 ? c : a;

			CHECK_OK(set_cc(s, names[i % 3]));
			CHECK(!strcmp(get_cc(s), names[i % 3]));
			memset(buf, i, sizeof(buf));
			CHECK(send(s, buf, sizeof(buf), 0) == sizeof(buf));
			CHECK(recv(r, buf, sizeof(buf), MSG_WAITALL) == sizeof(buf));
			CHECK(buf[0] == i && buf[sizeof(buf) - 1] == i);
		}
		/* c's last was names[4 % 3] */
		CHECK_ERRNO(set_cc(c, "bbr"), ENOENT);
		CHECK(!strcmp(get_cc(c), "newreno"));
		close(a);
		close(c);
		close(l);
	}
}

/* An accepted connection starts with its listener's algorithm. */
static void children_inherit(void)
{
	static const char *const names[] = { "cubic", "reno", "newreno" };
	int f, i;

	for (f = 0; f < 2; f++) {
		for (i = 0; i < 3; i++) {
			int l = xt_socket(), c = xt_socket(), a;

			NEED_OK(l);
			NEED_OK(c);
			CHECK_OK(xt_bind(l, lo_ip[f], 0));
			CHECK_OK(set_cc(l, names[i]));
			CHECK_OK(listen(l, 4));
			CHECK(!strcmp(get_cc(l), names[i]));
			/* the client the other way: it keeps its own */
			CHECK_OK(set_cc(c, names[(i + 1) % 3]));
			CHECK_OK(xt_connect(c, lo_ip[f], xt_local_port(l)));
			a = accept(l, NULL, NULL);
			NEED_OK(a);
			CHECK(!strcmp(get_cc(a), names[i]));
			CHECK(!strcmp(get_cc(c), names[(i + 1) % 3]));
			close(a);
			close(c);
			close(l);
		}
	}
}

/*
 * The sysctl: "newreno" by default (README), per namespace: a change in
 * a namespace of our own reaches its new sockets and not the initial
 * namespace; an unknown name is ENOENT and changes nothing.
 */
static void sysctl_per_netns(void)
{
	char before[32], v[32];
	int home, fd, f;

	NEED_OK(read_sysctl(before, sizeof(before)));
	home = open("/proc/self/ns/net", O_RDONLY);
	NEED_OK(home);
	NEED_OK(xt_private_netns());
	NEED_OK(read_sysctl(v, sizeof(v)));
	CHECK(!strcmp(v, "newreno"));
	fd = xt_socket();
	CHECK(!strcmp(get_cc(fd), "newreno"));
	close(fd);

	CHECK_OK(write_sysctl("cubic"));
	CHECK_OK(read_sysctl(v, sizeof(v)));
	CHECK(!strcmp(v, "cubic"));
	errno = 0;
	CHECK(write_sysctl("bogus") == -1 && errno == ENOENT);
	CHECK_OK(read_sysctl(v, sizeof(v)));
	CHECK(!strcmp(v, "cubic"));
	/* new sockets, and the children of a listener made before */
	for (f = 0; f < 2; f++) {
		int l, c, a;

		fd = xt_socket();
		CHECK(!strcmp(get_cc(fd), "cubic"));
		close(fd);
		CHECK_OK(write_sysctl("reno"));
		l = xt_listener(lo_ip[f], 0, 4);
		NEED_OK(l);
		CHECK_OK(write_sysctl("cubic"));
		c = xt_socket();
		CHECK_OK(xt_connect(c, lo_ip[f], xt_local_port(l)));
		a = accept(l, NULL, NULL);
		NEED_OK(a);
		CHECK(!strcmp(get_cc(c), "cubic"));
		CHECK(!strcmp(get_cc(a), "reno"));
		close(a);
		close(c);
		close(l);
	}

	/* the initial namespace kept its own */
	NEED_OK(setns(home, CLONE_NEWNET));
	close(home);
	CHECK_OK(read_sysctl(v, sizeof(v)));
	CHECK(!strcmp(v, before));
	fd = xt_socket();
	CHECK(!strcmp(get_cc(fd), before));
	close(fd);
}

/*
 * XTCP_INFO's congestion-control fields after a transfer: min RTT > 0 and
 * no more than SRTT, a delivery rate, cwnd in segments = cwnd / MSS.
 */
static void check_cc_info(int fd, const char *what)
{
	struct xtcp_info i;

	CHECK_OK(get_info(fd, &i));
	printf("# %s: min_rtt %u us, srtt %u us, delivery_rate %llu B/s, cwnd %u (%u segments of %u), ssthresh %u, retrans %u\n",
	       what, i.xtcpi_min_rtt, i.xtcpi_srtt,
	       (unsigned long long)i.xtcpi_delivery_rate, i.xtcpi_snd_cwnd,
	       i.xtcpi_snd_cwnd_segs, i.xtcpi_snd_mss, i.xtcpi_snd_ssthresh,
	       i.xtcpi_total_retrans);
	CHECK(i.xtcpi_min_rtt > 0);
	CHECK(i.xtcpi_min_rtt <= i.xtcpi_srtt);
	CHECK(i.xtcpi_delivery_rate > 0);
	CHECK(i.xtcpi_snd_mss > 0);
	CHECK(i.xtcpi_snd_cwnd_segs == i.xtcpi_snd_cwnd / i.xtcpi_snd_mss);
	CHECK(i.xtcpi_snd_cwnd_segs > 0);
}

/* Move @bytes from @c to @a, checked against stream @seed and by SHA-256. */
static void move(int c, int a, uint64_t bytes, uint64_t seed)
{
	struct xfer w = { .fd = c, .seed = seed, .bytes = bytes,
			  .max_chunk = 65536 };
	struct xfer r = { .fd = a, .seed = seed, .bytes = bytes };
	pthread_t t;

	NEED(pthread_create(&t, NULL, xfer_send, &w) == 0);
	xfer_recv(&r);
	pthread_join(t, NULL);
	CHECK(w.err == 0 && r.err == 0);
	CHECK(w.bytes == bytes);
	CHECK(r.bytes == bytes);
	CHECK(r.bad == 0);
	CHECK(!strcmp(w.hex, r.hex));
	if (r.bad)
		fprintf(stderr, "  first bad byte at %llu\n",
			(unsigned long long)r.bad - 1);
}

/* Over loopback with each algorithm: the XTCP_INFO fields, the length rule. */
static void info_fields(void)
{
	static const char *const names[] = { "cubic", "newreno" };
	int f, i;

	for (f = 0; f < 2; f++) {
		for (i = 0; i < 2; i++) {
			struct xtcp_info info;
			socklen_t len;
			int c, a;

			NEED_OK(xt_pair_on(lo_ip[f], 0, &c, &a));
			CHECK_OK(set_cc(c, names[i]));
			move(c, a, 4 << 20, 11 + i);
			usleep(100000);	/* the last ACK may be a delayed one */
			check_cc_info(c, names[i]);
			/* the struct before these fields: that much, no more */
			len = offsetof(struct xtcp_info, xtcpi_min_rtt);
			memset(&info, 0xa5, sizeof(info));
			CHECK_OK(getsockopt(c, SOL_XTCP, XTCP_INFO, &info, &len));
			CHECK(len == offsetof(struct xtcp_info, xtcpi_min_rtt));
			CHECK(info.xtcpi_min_rtt == 0xa5a5a5a5);
			close(c);
			close(a);
		}
	}
}

/*
 * CUBIC under netem loss (5%, both directions, 5 ms each way) across the
 * veth pair ya <-> yb: every byte arrives (SHA-256 and the stream), and
 * the fields are plausible.  netem drops whole super-segments (GSO), a
 * few dozen per MB, so a transfer may lose no data: 1 MB again, up to 5
 * times, until one had to retransmit (and so cut ssthresh).
 */
static void cubic_under_loss(void)
{
	int f, rc;

	rc = system("ip netns exec ya tc qdisc replace dev vya root netem loss 5% delay 5ms && "
		    "ip netns exec yb tc qdisc replace dev vyb root netem loss 5% delay 5ms");
	NEED(rc == 0);
	for (f = 0; f < 2; f++) {
		struct xtcp_info ci;
		int round = 0;

		do {
			int l, c, a;
			long t0;

			NEED_OK(enter_netns("yb"));
			l = xt_socket();
			NEED_OK(l);
			CHECK_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
					    sizeof(int)));
			CHECK_OK(set_cc(l, "cubic"));
			CHECK_OK(xt_bind(l, yb_ip[f], xt_port(f)));
			CHECK_OK(listen(l, 4));
			NEED_OK(enter_netns("ya"));
			c = xt_socket();
			NEED_OK(c);
			CHECK_OK(set_cc(c, "cubic"));
			CHECK_OK(xt_connect(c, yb_ip[f], xt_port(f)));
			a = accept(l, NULL, NULL);
			NEED_OK(a);
			CHECK(!strcmp(get_cc(a), "cubic"));
			t0 = now_ms();
			move(c, a, 1 << 20, 21 + f * 8 + round);
			printf("# %s: 1 MB in %ld ms\n", yb_ip[f], now_ms() - t0);
			usleep(200000);
			CHECK_OK(get_info(c, &ci));
			check_cc_info(c, yb_ip[f]);
			CHECK(!strcmp(get_cc(c), "cubic"));
			close(c);
			close(a);
			close(l);
		/* until a loss was taken as one: a tail loss probe alone
		 * resends without touching ssthresh
		 */
		} while (++round < 5 && ci.xtcpi_snd_ssthresh >= 0x7fffffff);
		CHECK(ci.xtcpi_total_retrans > 0);
		CHECK(ci.xtcpi_snd_ssthresh < 0x7fffffff);
	}
	rc = system("ip netns exec ya tc qdisc replace dev vya root netem loss 0% && "
		    "ip netns exec yb tc qdisc replace dev vyb root netem loss 0%");
	CHECK(rc == 0);
}

/* vya's segmentation offloads: off, veth cannot pass a super-segment whole */
static int vya_tso(int on)
{
	static const char *const names[] = {
		"tx-tcp-segmentation", "tx-tcp-ecn-segmentation",
		"tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation",
		"tx-sctp-segmentation",
	};

	return set_features("vya", names, sizeof(names) / sizeof(names[0]), on);
}

/* An integer sysctl of the current namespace: write @v, 0 or -1. */
static int set_int(const char *path, int v)
{
	char line[16];
	int fd = open(path, O_WRONLY), n, ok;

	if (fd < 0)
		return -1;
	n = snprintf(line, sizeof(line), "%d\n", v);
	ok = write(fd, line, n) == n;
	return close(fd) || !ok ? -1 : 0;
}

/* ...and read it: the value, or -1. */
static int get_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int set_hystart(int on)
{
	return set_int(SYSCTL_HYSTART, on);
}

/*
 * One CUBIC connection ya -> yb over family @f, with sysctl hystart
 * @on in ya (the sender's namespace), moving @bytes: the sender's
 * XTCP_INFO after it into @ci, and how much ya's TCPHystartDelayDetect
 * and TCPHystartDelayCwnd grew.
 */
static void hystart_run(int f, int on, uint64_t bytes, struct xtcp_info *ci,
			long *exits, long *cwnd)
{
	/* what a retransmission came from, printed */
	static const char *const why[] = {
		"TCPTimeouts", "TCPLossProbes", "TCPSackRecovery",
		"TCPDSACKRecv",
	};
	long e0, w0, t0, n0[4];
	unsigned int i;
	int l, c, a;

	NEED_OK(enter_netns("ya"));
	NEED_OK(set_hystart(on));
	e0 = xt_stat("TCPHystartDelayDetect");
	w0 = xt_stat("TCPHystartDelayCwnd");
	NEED(e0 >= 0 && w0 >= 0);
	for (i = 0; i < 4; i++)
		n0[i] = xt_stat(why[i]);
	NEED_OK(enter_netns("yb"));
	l = xt_socket();
	NEED_OK(l);
	CHECK_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
			    sizeof(int)));
	CHECK_OK(setsockopt(l, SOL_SOCKET, SO_RCVBUF, &(int){ 2 << 20 },
			    sizeof(int)));
	CHECK_OK(xt_bind(l, yb_ip[f], xt_port(f * 2 + on)));
	CHECK_OK(listen(l, 4));
	NEED_OK(enter_netns("ya"));
	c = xt_socket();
	NEED_OK(c);
	CHECK_OK(set_cc(c, "cubic"));
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &(int){ 2 << 20 },
			    sizeof(int)));
	CHECK_OK(xt_connect(c, yb_ip[f], xt_port(f * 2 + on)));
	a = accept(l, NULL, NULL);
	NEED_OK(a);
	t0 = now_ms();
	move(c, a, bytes, 41 + f * 2 + on);
	usleep(200000);		/* the last ACK may be a delayed one */
	CHECK_OK(get_info(c, ci));
	*exits = xt_stat("TCPHystartDelayDetect") - e0;
	*cwnd = xt_stat("TCPHystartDelayCwnd") - w0;
	printf("# %s hystart=%d: %llu bytes in %ld ms, exits +%ld (cwnd +%ld segments), cwnd %u, ssthresh %u, min_rtt %u us, srtt %u us, retrans %u\n",
	       yb_ip[f], on, (unsigned long long)bytes, now_ms() - t0, *exits,
	       *cwnd, ci->xtcpi_snd_cwnd, ci->xtcpi_snd_ssthresh,
	       ci->xtcpi_min_rtt, ci->xtcpi_srtt, ci->xtcpi_total_retrans);
	for (i = 0; i < 4; i++)
		printf("#   %s +%ld\n", why[i], xt_stat(why[i]) - n0[i]);
	close(c);
	close(a);
	close(l);
}

/*
 * HyStart++ (RFC 9406) through real sockets: CUBIC from ya to yb, where
 * vya's netem holds the data to 2 Mbit/s (250 kB/s) after 20 ms, with a
 * queue of 10000 packets that 1 MB does not fill: no loss, but once cwnd
 * passes the path's 5 kB (20 ms at 250 kB/s; IW is 14.6 kB) every round
 * adds to the queue, so the least RTT of a round grows by the round's
 * growth / 250 kB/s, 20 ms and more for 3 segments or more, over
 * RttThresh (4 ms to 16 ms).  The ACKs come every second segment (vya's
 * segmentation offloads are off, so the receiver gets segments, not
 * super-segments): from the third round on, at least 8 RTT samples a
 * round.  With hystart on, slow start must end without a loss: ya's
 * TCPHystartDelayDetect grows (TCPHystartDelayCwnd by at least IW's 10
 * segments per exit, cwnd having only grown), ssthresh is finite, nothing
 * was retransmitted.  With it off (256 kB), the counters stay, and
 * ssthresh stays infinite if no loss (a spurious timeout on a queue
 * that slow start doubles each round) set it.  Both families.  The test
 * and its threads run on CPU 0 alone: the segments a super-segment is cut
 * into enter the receiver's backlog on the CPU that sends them, so
 * sending from both CPUs can reorder them, and RACK then resends what
 * was only late (unpinned, one debug run resent 40 and 50 segments of
 * 1 MB through this queue that drops nothing).  And in ya, for the test,
 * rto_min_ms 2000 and recovery 0 (no RACK-TLP): a debug guest stalled
 * longer than the RTO once, after the exit, and resent 23 segments the
 * peer D-SACKed; with a queue that drops nothing only such stalls can
 * time out or call for a probe.  The exit itself is counted only while
 * ssthresh is still the initial one, so no loss response came before it.
 */
static void hystart_exit(void)
{
	cpu_set_t all, one;
	int f, rc, rto_min, recovery;

	/* a new qdisc: replace keeps some of an earlier netem's settings */
	rc = system("ip netns exec yb tc qdisc del dev vyb root 2>/dev/null; "
		    "ip netns exec ya tc qdisc del dev vya root 2>/dev/null; "
		    "ip netns exec ya tc qdisc add dev vya root netem "
		    "delay 20ms rate 2mbit limit 10000");
	NEED(rc == 0);
	NEED_OK(sched_getaffinity(0, sizeof(all), &all));
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	NEED_OK(sched_setaffinity(0, sizeof(one), &one));
	NEED_OK(enter_netns("ya"));
	NEED_OK(vya_tso(0));
	rto_min = get_int(SYSCTL_RTO_MIN);
	recovery = get_int(SYSCTL_RECOVERY);
	NEED(rto_min > 0 && recovery >= 0);
	NEED_OK(set_int(SYSCTL_RTO_MIN, 2000));
	NEED_OK(set_int(SYSCTL_RECOVERY, 0));
	for (f = 0; f < 2; f++) {
		struct xtcp_info ci;
		long exits, cwnd;

		hystart_run(f, 1, 1 << 20, &ci, &exits, &cwnd);
		CHECK(exits >= 1);
		CHECK(cwnd >= 10 * exits);
		CHECK(ci.xtcpi_snd_ssthresh < 0x7fffffff);
		CHECK(ci.xtcpi_total_retrans == 0);

		hystart_run(f, 0, 256 << 10, &ci, &exits, &cwnd);
		CHECK(exits == 0);
		CHECK(cwnd == 0);
		if (!ci.xtcpi_total_retrans)
			CHECK(ci.xtcpi_snd_ssthresh == 0xffffffff);
	}
	NEED_OK(enter_netns("ya"));
	CHECK_OK(set_hystart(1));
	CHECK_OK(set_int(SYSCTL_RTO_MIN, rto_min));
	CHECK_OK(set_int(SYSCTL_RECOVERY, recovery));
	CHECK_OK(vya_tso(1));
	rc = system("ip netns exec ya tc qdisc del dev vya root");
	CHECK(rc == 0);
	CHECK_OK(sched_setaffinity(0, sizeof(all), &all));
}

static const struct xt_test tests[] = {
	TEST(setsockopt_names),
	TEST(children_inherit),
	TEST(sysctl_per_netns),
	TEST_T(info_fields, 120),
	TEST_T(cubic_under_loss, 300),
	TEST_T(hystart_exit, 300),
};

XT_MAIN("congestion", tests)
