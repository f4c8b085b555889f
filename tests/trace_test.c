// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint xtcp:xtcp_set_state through tracefs: its format, and the
 * transitions a connection goes through on loopback, each with the right
 * addresses and ports, each leaving the state the one before entered;
 * and the other xtcp:* events (resets, retransmissions, xtcp_probe,
 * xtcp_destroy_sock), each fired by what should fire it.
 * Needs xtcp.ko and tracefs (mounted here if it is not).
 */
#include <linux/filter.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "harness.h"
#include "xtcp_util.h"
#include "xtcp_tracefs.h"

#define EV "events/xtcp/xtcp_set_state/"

static int find_tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	struct stat st;
	unsigned int i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(tracefs, sizeof(tracefs), "%s/events", dirs[i]);
		if (!stat(tracefs, &st)) {
			snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
			return 0;
		}
	}
	snprintf(tracefs, sizeof(tracefs), "/sys/kernel/tracing");
	return mount("tracefs", tracefs, "tracefs", 0, NULL);
}

/* The whole of a tracefs file, NUL-terminated, or NULL. */
static char *tracefs_read(const char *file)
{
	size_t cap = 1 << 16, len = 0;
	char path[160], *buf = malloc(cap);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	f = fopen(path, "r");
	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

struct event {
	unsigned int sport, dport;
	char saddr[16], daddr[16], from[16], to[16];
};

#define MAX_EVENTS 256

/* The xtcp_set_state events in the trace buffer, in order. */
static int read_events(struct event *ev, int max)
{
	char *buf = tracefs_read("trace"), *line, *save = NULL;
	int n = 0;

	if (!buf)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, "xtcp_set_state: ");

		if (!p)
			continue;
		if (sscanf(p, "xtcp_set_state: sport=%u dport=%u saddr=%15s daddr=%15s oldstate=%15s newstate=%15s",
			   &ev[n].sport, &ev[n].dport, ev[n].saddr, ev[n].daddr,
			   ev[n].from, ev[n].to) == 6)
			n++;
		else
			fprintf(stderr, "  unparsed: %s\n", line);
	}
	free(buf);
	return n;
}

/* Index of the first event after @after for these ports and states, or -1. */
static int find(const struct event *ev, int n, int after, unsigned int sport,
		unsigned int dport, const char *from, const char *to)
{
	int i;

	for (i = after + 1; i < n; i++)
		if (ev[i].sport == sport && ev[i].dport == dport &&
		    (!from || !strcmp(ev[i].from, from)) &&
		    (!to || !strcmp(ev[i].to, to)))
			return i;
	return -1;
}

/* Every event for these ports leaves the state the one before entered. */
static int chained(const struct event *ev, int n, unsigned int sport,
		   unsigned int dport)
{
	const char *last = NULL;
	int i, ok = 1;

	for (i = 0; i < n; i++) {
		if (ev[i].sport != sport || ev[i].dport != dport)
			continue;
		if (!strcmp(ev[i].from, ev[i].to) ||
		    (last && strcmp(ev[i].from, last))) {
			fprintf(stderr, "  %u->%u: %s->%s after %s\n", sport, dport,
				ev[i].from, ev[i].to, last ? last : "-");
			ok = 0;
		}
		last = ev[i].to;
	}
	return ok;
}

static void dump(const struct event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "  event %d: %s:%u -> %s:%u %s->%s\n", i,
			ev[i].saddr, ev[i].sport, ev[i].daddr, ev[i].dport,
			ev[i].from, ev[i].to);
}

/* The event exists and its format names every field. */
static void trace_format(void)
{
	static const char *const fields[] = {
		"field:int oldstate;", "field:int newstate;", "field:__u16 sport;",
		"field:__u16 dport;", "field:__u8 saddr[4];", "field:__u8 daddr[4];",
		"SYN_RECEIVED", "TIME_WAIT",
	};
	unsigned int i;
	char *fmt;

	NEED_OK(find_tracefs());
	fmt = tracefs_read(EV "format");
	NEED(fmt != NULL);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strstr(fmt, fields[i])) {
			fprintf(stderr, "  no \"%s\" in the format\n", fields[i]);
			xt_failed = 1;
		}
	free(fmt);
}

/*
 * listen, connect, accept, a refused connect, close: CLOSED->LISTEN,
 * CLOSED->SYN_SENT->ESTABLISHED for the client, LISTEN->SYN_RECEIVED->
 * ESTABLISHED for the child, CLOSED->SYN_SENT->CLOSED for the refused
 * one, LISTEN->CLOSED, and the client leaves ESTABLISHED on close.
 */
static void trace_connection_states(void)
{
	struct sockaddr_xtcp srv = xt_addr("127.0.0.1", xt_port(0));
	struct sockaddr_xtcp closed = xt_addr("127.0.0.1", xt_port(1));
	static struct event ev[MAX_EVENTS];
	int l = xt_socket(), c = xt_socket(), r = xt_socket(), a, n, i, j;

	NEED_OK(find_tracefs());
	CHECK_OK(tracefs_write(EV "enable", "1", 0));
	CHECK_OK(tracefs_write("trace", "", O_TRUNC));

	CHECK_OK(xt_bind(l, "127.0.0.1", xt_port(0)));
	CHECK_OK(listen(l, 4));
	CHECK_OK(xt_bind(c, "127.0.0.1", xt_port(2)));
	CHECK_OK(connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK_OK(xt_bind(r, "127.0.0.1", xt_port(3)));
	CHECK_ERRNO(connect(r, (struct sockaddr *)&closed, sizeof(closed)),
		    ECONNREFUSED);
	close(c);
	close(a);
	close(l);
	close(r);
	usleep(100 * 1000);
	CHECK_OK(tracefs_write(EV "enable", "0", 0));

	n = read_events(ev, MAX_EVENTS);
	CHECK(n > 0);
	/* the listener */
	i = find(ev, n, -1, xt_port(0), 0, "CLOSED", "LISTEN");
	CHECK(i >= 0);
	CHECK(i >= 0 && !strcmp(ev[i].saddr, "127.0.0.1") &&
	      !strcmp(ev[i].daddr, "0.0.0.0"));
	CHECK(find(ev, n, i, xt_port(0), 0, "LISTEN", "CLOSED") > i);
	/* the client */
	i = find(ev, n, -1, xt_port(2), xt_port(0), "CLOSED", "SYN_SENT");
	CHECK(i >= 0);
	CHECK(i >= 0 && !strcmp(ev[i].saddr, "127.0.0.1") &&
	      !strcmp(ev[i].daddr, "127.0.0.1"));
	j = find(ev, n, i, xt_port(2), xt_port(0), "SYN_SENT", "ESTABLISHED");
	CHECK(j > i);
	CHECK(find(ev, n, j, xt_port(2), xt_port(0), "ESTABLISHED", NULL) > j);
	/* the listener's child */
	i = find(ev, n, -1, xt_port(0), xt_port(2), "LISTEN", "SYN_RECEIVED");
	CHECK(i >= 0);
	CHECK(i >= 0 && !strcmp(ev[i].saddr, "127.0.0.1") &&
	      !strcmp(ev[i].daddr, "127.0.0.1"));
	CHECK(find(ev, n, i, xt_port(0), xt_port(2), "SYN_RECEIVED", "ESTABLISHED") > i);
	/* the refused connect */
	i = find(ev, n, -1, xt_port(3), xt_port(1), "CLOSED", "SYN_SENT");
	CHECK(i >= 0);
	CHECK(find(ev, n, i, xt_port(3), xt_port(1), "SYN_SENT", "CLOSED") > i);
	/* no skipped or repeated state, for any of them */
	CHECK(chained(ev, n, xt_port(0), 0));
	CHECK(chained(ev, n, xt_port(2), xt_port(0)));
	CHECK(chained(ev, n, xt_port(0), xt_port(2)));
	CHECK(chained(ev, n, xt_port(3), xt_port(1)));
	if (xt_failed)
		dump(ev, n);
}

/* Disabled, it records nothing. */
static void trace_disabled_silent(void)
{
	static struct event ev[MAX_EVENTS];
	int l = xt_socket();

	NEED_OK(find_tracefs());
	CHECK_OK(tracefs_write(EV "enable", "0", 0));
	CHECK_OK(tracefs_write("trace", "", O_TRUNC));
	CHECK_OK(xt_bind(l, "127.0.0.1", xt_port(0)));
	CHECK_OK(listen(l, 4));
	close(l);
	CHECK(read_events(ev, MAX_EVENTS) == 0);
}

/* Is there an "EVENT: ... sport=SPORT dport=DPORT" line in @buf? */
static int has_event(const char *buf, const char *event, unsigned int sport,
		     unsigned int dport)
{
	char want[96];
	const char *p = buf;

	snprintf(want, sizeof(want), " sport=%u dport=%u ", sport, dport);
	while ((p = strstr(p, event))) {
		const char *eol = strchr(p, '\n');
		const char *q = strstr(p, want);

		if (q && (!eol || q < eol))
			return 1;
		p += strlen(event);
	}
	return 0;
}

/*
 * xtcp_send_reset, xtcp_receive_reset (TCP's tcp_event_sk fields): an
 * abortive close (SO_LINGER {1, 0}) sends an RST the other end receives.
 */
static void trace_resets(void)
{
	static const char *const evs[] = {
		"xtcp_send_reset", "xtcp_receive_reset",
	};
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	unsigned int i, cport;
	char path[96], *buf, *fmt;
	int c, a;

	NEED_OK(find_tracefs());
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "events/xtcp/%s/format", evs[i]);
		fmt = tracefs_read(path);
		CHECK(fmt && strstr(fmt, "field:__u16 sport;") &&
		      strstr(fmt, "field:__u8 saddr_v6[16];"));
		free(fmt);
		snprintf(path, sizeof(path), "events/xtcp/%s/enable", evs[i]);
		CHECK_OK(tracefs_write(path, "1", 0));
	}
	CHECK_OK(tracefs_write("trace", "", O_TRUNC));
	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	NEED_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(c);
	usleep(100 * 1000);
	close(a);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "events/xtcp/%s/enable", evs[i]);
		CHECK_OK(tracefs_write(path, "0", 0));
	}
	buf = tracefs_read("trace");
	NEED(buf != NULL);
	CHECK(has_event(buf, "xtcp_send_reset:", cport, xt_port(0)));
	CHECK(has_event(buf, "xtcp_receive_reset:", xt_port(0), cport));
	if (xt_failed)
		fprintf(stderr, "%s\n", buf);
	free(buf);
}

/* Is there an @event line in @buf that also holds @what? */
static int has_line(const char *buf, const char *event, const char *what)
{
	const char *p = buf;

	while ((p = strstr(p, event))) {
		const char *eol = strchr(p, '\n');
		const char *q = strstr(p, what);

		if (q && (!eol || q < eol))
			return 1;
		p += strlen(event);
	}
	return 0;
}

static int set_events(const char *const *evs, int n, const char *on)
{
	char path[96];
	int i, r = 0;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "events/xtcp/%s/enable", evs[i]);
		r |= tracefs_write(path, on, 0);
	}
	return r;
}

/*
 * xtcp_retransmit_skb, xtcp_probe and xtcp_destroy_sock, with TCP's
 * fields: data that a socket filter on the receiver drops goes again (the
 * RTO), the sender's xtcp_probe records the ACKs that come back, and each
 * side's socket is destroyed once closed and done with.
 */
static void trace_retransmit_probe_destroy(void)
{
	static const char *const evs[] = {
		"xtcp_retransmit_skb", "xtcp_probe", "xtcp_destroy_sock",
	};
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	struct timeval tv = { .tv_sec = 10 };
	char buf[2000], want[96], *tr, *fmt;
	unsigned int i, cport;
	int c, a, zero = 0;

	NEED_OK(find_tracefs());
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "events/xtcp/%s/format", evs[i]);
		fmt = tracefs_read(want);
		CHECK(fmt && strstr(fmt, "field:__u16 sport;"));
		if (fmt && i == 0)
			CHECK(strstr(fmt, "field:const void * skbaddr;") &&
			      strstr(fmt, "field:__u8 saddr_v6[16];"));
		if (fmt && i == 1)
			CHECK(strstr(fmt, "field:__u32 snd_cwnd;") &&
			      strstr(fmt, "field:__u32 srtt;") &&
			      strstr(fmt, "field:__u8 saddr[28];"));
		free(fmt);
	}
	CHECK_OK(set_events(evs, 3, "1"));
	CHECK_OK(tracefs_write("trace", "", O_TRUNC));
	NEED_OK(xt_pair(xt_port(0), &c, &a));
	cport = xt_local_port(c);
	memset(buf, 'x', sizeof(buf));
	NEED_OK(setsockopt(a, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			   sizeof(prog)));
	CHECK(send(c, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf));
	/* the first transmission is filtered out; the RTO (>= 200 ms) resends */
	usleep(1500 * 1000);
	NEED_OK(setsockopt(a, SOL_SOCKET, SO_DETACH_FILTER, &zero,
			   sizeof(zero)));
	NEED_OK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK(recv(a, buf, sizeof(buf), MSG_WAITALL) == (ssize_t)sizeof(buf));
	/* an answer, which c's xtcp_probe records (ESTABLISHED) */
	CHECK(send(a, "!", 1, 0) == 1);
	NEED_OK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK(recv(c, buf, 1, 0) == 1);
	close(c);
	close(a);
	usleep(200 * 1000);
	CHECK_OK(set_events(evs, 3, "0"));
	tr = tracefs_read("trace");
	NEED(tr != NULL);
	CHECK(has_event(tr, "xtcp_retransmit_skb:", cport, xt_port(0)));
	CHECK(has_line(tr, "xtcp_retransmit_skb:", "state=ESTABLISHED"));
	snprintf(want, sizeof(want), "src=127.0.0.1:%u dest=127.0.0.1:%u ",
		 cport, xt_port(0));
	CHECK(has_line(tr, "xtcp_probe:", want));
	CHECK(has_line(tr, "xtcp_probe:", "data_len=1 "));
	CHECK(has_line(tr, "xtcp_probe:", "data_len=2000 "));
	CHECK(!has_line(tr, "xtcp_probe:", "snd_cwnd=0 "));
	CHECK(has_event(tr, "xtcp_destroy_sock:", cport, xt_port(0)));
	CHECK(has_event(tr, "xtcp_destroy_sock:", xt_port(0), cport));
	if (xt_failed)
		fprintf(stderr, "%s\n", tr);
	free(tr);
}

static const struct xt_test tests[] = {
	TEST(trace_format),
	TEST(trace_resets),
	TEST(trace_connection_states),
	TEST(trace_disabled_silent),
	TEST(trace_retransmit_probe_destroy),
};

XT_MAIN("trace", tests)
