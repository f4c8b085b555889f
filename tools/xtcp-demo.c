// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-demo: what XTCP does today, through the ordinary socket calls and
 * nothing but <linux/xtcp.h> and libc: a server and a client open a
 * connection on loopback, /proc/net/xtcp shows the states, a connect to a
 * closed port is refused, and send/recv are still to come.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xtcp_util.h"

static const char *const tcp_states[] = {
	"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
};

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

int main(void)
{
	struct sockaddr_xtcp srv = xt_addr("127.0.0.1", 7000), peer;
	struct sockaddr_xtcp closed = xt_addr("127.0.0.1", 7001);
	socklen_t len = sizeof(peer);
	struct pollfd p;
	int l, c, a, r;
	char ip[16];

	printf("XTCP: family %d, IP protocol %d\n\nserver and client:\n",
	       xt_family(), IPPROTO_XTCP);
	l = xt_socket();
	show("server: socket(AF_XTCP, SOCK_STREAM, 0)", l);
	show("server: bind(127.0.0.1:7000)", xt_bind(l, "127.0.0.1", 7000));
	show("server: listen(8)", listen(l, 8));
	show_proc("with the server listening");

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

	printf("\nerrors as TCP gives them:\n");
	show("client: connect() again: the result",
	     connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	show("client: and once more",
	     connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	close(c);
	c = xt_socket();
	show("connect(127.0.0.1:7001), no listener",
	     connect(c, (struct sockaddr *)&closed, sizeof(closed)));
	show("send() (the data path comes next)", send(a, "hi", 2, MSG_NOSIGNAL));
	close(c);
	close(a);
	close(l);
	show_proc("after close");
	return 0;
}
