// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-demo: what XTCP does today, through the ordinary socket calls and
 * nothing but <linux/xtcp.h> and libc: a server and a client open a
 * connection on loopback, /proc/net/xtcp shows the states, a connect to a
 * closed port is refused, and send/recv are still to come.  Every state
 * transition of the demo's connections is printed as it happens, from the
 * tracepoint xtcp:xtcp_set_state when tracefs is there (scripts/demo.sh
 * mounts it), otherwise from the changes /proc/net/xtcp shows.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xtcp_util.h"
#include "xtcp_tracefs.h"

static const char *const tcp_states[12] = {
	"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
};

#define SRV_PORT	7000
#define CLOSED_PORT	7001

/* Is this one of the demo's connections?  Each has 7000 or 7001 at one end. */
static int demo_port(unsigned int a, unsigned int b)
{
	return a == SRV_PORT || b == SRV_PORT || a == CLOSED_PORT || b == CLOSED_PORT;
}

/* ---- transitions from the tracepoint xtcp:xtcp_set_state -------------- */

static int trace_printed;	/* events shown so far */
static double trace_t0 = -1;	/* the first event's timestamp */

#define EV_ENABLE "events/xtcp/xtcp_set_state/enable"

/* Clear the trace buffer and turn the event on; 0 when that worked. */
static int trace_start(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	unsigned int i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
		if (!tracefs_write("trace", "", O_TRUNC) &&
		    !tracefs_write(EV_ENABLE, "1", 0))
			return 0;
	}
	tracefs[0] = 0;
	return -1;
}

static void trace_stop(void)
{
	if (tracefs[0])
		tracefs_write(EV_ENABLE, "0", 0);
}

/* Print the demo's transitions recorded since the last call. */
static void trace_show(void)
{
	char path[160], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char sa[16], da[16], from[16], to[16], *p = strstr(line, " xtcp_set_state: ");
		unsigned int sp, dp;
		double t;

		if (!p || sscanf(p, " xtcp_set_state: sport=%u dport=%u saddr=%15s daddr=%15s oldstate=%15s newstate=%15s",
				 &sp, &dp, sa, da, from, to) != 6 ||
		    !demo_port(sp, dp))
			continue;
		if (++n <= trace_printed)
			continue;
		/* the timestamp ends just before the event name: "  5.586261:" */
		*p = 0;
		p = strrchr(line, ' ');
		t = p ? atof(p + 1) : 0;
		if (trace_t0 < 0)
			trace_t0 = t;
		printf("  %+9.3f ms  %s:%u > %s:%u  %s -> %s\n",
		       (t - trace_t0) * 1000, sa, sp, da, dp, from, to);
	}
	if (f)
		fclose(f);
	trace_printed = n;
}

/* ---- or from the changes /proc/net/xtcp shows ------------------------- */

static const char *const tcp_states[];

struct proc_entry {
	unsigned int lport, rport, st;
};

#define MAX_ENTRIES 64
static struct proc_entry seen[MAX_ENTRIES];
static int nseen;

static int proc_snapshot(struct proc_entry *e)
{
	FILE *f = fopen("/proc/net/xtcp", "r");
	char line[256];
	int n = 0;

	while (f && fgets(line, sizeof(line), f) && n < MAX_ENTRIES) {
		unsigned int sl, la, ra;

		if (sscanf(line, "%u: %x:%x %x:%x %x", &sl, &la, &e[n].lport,
			   &ra, &e[n].rport, &e[n].st) == 6 &&
		    demo_port(e[n].lport, e[n].rport))
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

static const char *proc_state_name(int st)
{
	return st >= 0 && st <= 11 ? tcp_states[st] : "?";
}

/* Print what changed since the last snapshot. */
static void proc_show(void)
{
	struct proc_entry now[MAX_ENTRIES];
	int n = proc_snapshot(now), i, j;

	for (i = 0; i < n; i++) {
		const char *from = "CLOSE";

		for (j = 0; j < nseen; j++)
			if (seen[j].lport == now[i].lport && seen[j].rport == now[i].rport)
				break;
		if (j < nseen && seen[j].st == now[i].st)
			continue;
		if (j < nseen)
			from = proc_state_name(seen[j].st);
		printf("  :%u > :%u  %s -> %s\n", now[i].lport, now[i].rport, from,
		       proc_state_name(now[i].st));
	}
	for (j = 0; j < nseen; j++) {
		for (i = 0; i < n; i++)
			if (seen[j].lport == now[i].lport && seen[j].rport == now[i].rport)
				break;
		if (i == n)
			printf("  :%u > :%u  %s -> CLOSE (gone)\n", seen[j].lport,
			       seen[j].rport, proc_state_name(seen[j].st));
	}
	memcpy(seen, now, sizeof(now));
	nseen = n;
}

static void transitions(void)
{
	if (tracefs[0])
		trace_show();
	else
		proc_show();
}

static void show_transitions(const char *when)
{
	printf("\nstate transitions %s (%s):\n", when,
	       tracefs[0] ? "tracepoint xtcp:xtcp_set_state" :
	       "/proc/net/xtcp; no tracefs");
	transitions();
}

static void show(const char *what, int rc)
{
	printf("  %-44s -> %s\n", what, rc < 0 ? strerror(errno) : "ok");
}

/* /proc/net/xtcp, with the state column spelled out. */
static void show_proc(const char *when)
{
	FILE *f = fopen("/proc/net/xtcp", "r");
	char line[256];

	printf("\n/proc/net/xtcp %s:\n", when);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned int sl, la, lp, ra, rp, st;

		if (sscanf(line, "%u: %x:%x %x:%x %x", &sl, &la, &lp, &ra, &rp, &st) == 6)
			printf("  %.62s  %s\n", line,
			       st < sizeof(tcp_states) / sizeof(tcp_states[0]) ?
			       tcp_states[st] : "?");
		else
			printf("  %.62s\n", line);
	}
	if (f)
		fclose(f);
}

/* /proc/sys/net/xtcp/msl_ms: how long TIME_WAIT lasts (2 x msl_ms). */
static void set_msl(int ms)
{
	FILE *f = fopen("/proc/sys/net/xtcp/msl_ms", "w");

	if (f) {
		fprintf(f, "%d\n", ms);
		fclose(f);
	}
}

int main(void)
{
	struct sockaddr_xtcp srv = xt_addr("127.0.0.1", SRV_PORT), peer;
	struct sockaddr_xtcp closed = xt_addr("127.0.0.1", CLOSED_PORT);
	socklen_t len = sizeof(peer);
	struct pollfd p;
	int l, c, a, r;
	char ip[16];

	trace_start();
	printf("XTCP: family %d, IP protocol %d\n\nserver and client:\n",
	       xt_family(), IPPROTO_XTCP);
	l = xt_socket();
	show("server: socket(AF_XTCP, SOCK_STREAM, 0)", l);
	show("server: bind(127.0.0.1:7000)", xt_bind(l, "127.0.0.1", 7000));
	show("server: listen(8)", listen(l, 8));
	show_proc("with the server listening");
	show_transitions("so far");

	c = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (struct sockaddr *)&srv, sizeof(srv));
	show("client: connect(127.0.0.1:7000), non-blocking", r);
	p.fd = c;
	p.events = POLLOUT;
	poll(&p, 1, 5000);
	printf("  %-44s -> %s\n", "client: poll(POLLOUT)",
	       p.revents & POLLOUT ? "writable: connected" : "not connected");
	a = accept(l, (struct sockaddr *)&peer, &len);
	show("server: accept()", a);
	if (a >= 0)
		printf("  %-44s -> %s:%u\n", "server: the peer",
		       inet_ntop(AF_INET, &peer.sxtcp_addr, ip, sizeof(ip)),
		       ntohs(peer.sxtcp_port));
	show_proc("after the three-way handshake");
	show_transitions("in the handshake");

	printf("\nerrors as TCP gives them:\n");
	show("client: connect() again: the result",
	     connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	show("client: and once more",
	     connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	{
		int x = xt_socket();

		show("connect(127.0.0.1:7001), no listener",
		     connect(x, (struct sockaddr *)&closed, sizeof(closed)));
		close(x);
	}
	fcntl(c, F_SETFL, 0);
	fcntl(a, F_SETFL, 0);

	printf("\ndata, then a half-close (msl_ms = 500: TIME_WAIT lasts 1 s):\n");
	set_msl(500);
	show("client: send(\"hello\")", send(c, "hello", 5, 0));
	show("server: recv()", recv(a, ip, sizeof(ip), 0));
	show("client: shutdown(SHUT_WR): its FIN", shutdown(c, SHUT_WR));
	show("server: recv(): end of file", recv(a, ip, sizeof(ip), 0));
	show("server: send(\"bye\") after the client's FIN", send(a, "bye", 3, 0));
	show("client: recv() still works", recv(c, ip, sizeof(ip), 0));
	show_proc("half-closed");
	show("server: close(): its FIN", close(a));
	show("client: recv(): end of file", recv(c, ip, sizeof(ip), 0));
	usleep(50 * 1000);
	show_proc("the client's side in TIME_WAIT (st 06)");
	show("client: close()", close(c));
	close(l);
	usleep(1200 * 1000);	/* 2 x msl_ms, and a margin */
	show_proc("2MSL later");
	show_transitions("since the handshake");
	set_msl(30000);
	trace_stop();
	return 0;
}
