// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-demo: what an XTCP socket does today, step by step, through the
 * ordinary socket calls and nothing but <linux/xtcp.h> and libc.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xtcp_util.h"

static void show(const char *what, int rc)
{
	printf("  %-46s -> %s\n", what, rc < 0 ? strerror(errno) : "ok");
}

static void show_name(int fd)
{
	struct sockaddr_xtcp a;
	socklen_t len = sizeof(a);
	char ip[INET_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		printf("  %-46s -> %s:%u\n", "getsockname", inet_ntop(AF_INET,
		       &a.sxtcp_addr, ip, sizeof(ip)), ntohs(a.sxtcp_port));
}

int main(void)
{
	struct sockaddr_xtcp peer = xt_addr("127.0.0.1", 7);
	int a, b, c, v = 1;
	struct pollfd p;
	char line[256];
	FILE *f;

	printf("XTCP: family %d, IP protocol %d\n", xt_family(), IPPROTO_XTCP);
	f = fopen("/proc/net/protocols", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "protocol", 8) || !strncmp(line, "XTCP ", 5))
			printf("  /proc/net/protocols: %.60s...\n", line);
	if (f)
		fclose(f);

	printf("\nsockets:\n");
	a = socket(xt_family(), SOCK_STREAM, 0);
	show("socket(AF_XTCP, SOCK_STREAM, 0)", a);
	show("socket(AF_XTCP, SOCK_DGRAM, 0)", socket(xt_family(), SOCK_DGRAM, 0));
	show("socket(AF_XTCP, SOCK_STREAM, IPPROTO_TCP)",
	     socket(xt_family(), SOCK_STREAM, 6));

	printf("\nbind:\n");
	show("bind(a, 127.0.0.1:7000)", xt_bind(a, "127.0.0.1", 7000));
	show_name(a);
	b = xt_socket();
	show("bind(b, 0.0.0.0:7000)", xt_bind(b, "0.0.0.0", 7000));
	show("bind(b, 127.0.0.2:7000)", xt_bind(b, "127.0.0.2", 7000));
	c = xt_socket();
	show("bind(c, 0.0.0.0:0), an ephemeral port", xt_bind(c, "0.0.0.0", 0));
	show_name(c);
	show("bind(c, ...) again", xt_bind(c, "0.0.0.0", 0));

	printf("\noptions and poll:\n");
	show("setsockopt(XTCP_NODELAY, 1)",
	     setsockopt(a, SOL_XTCP, XTCP_NODELAY, &v, sizeof(v)));
	v = 10;
	show("setsockopt(XTCP_KEEPCNT, 10)",
	     setsockopt(a, SOL_XTCP, XTCP_KEEPCNT, &v, sizeof(v)));
	v = 1000;
	show("setsockopt(XTCP_KEEPCNT, 1000)",
	     setsockopt(a, SOL_XTCP, XTCP_KEEPCNT, &v, sizeof(v)));
	p.fd = a;
	p.events = POLLIN | POLLOUT;
	poll(&p, 1, 0);
	printf("  %-46s -> %s%s%s\n", "poll(a)", p.revents & POLLIN ? "IN " : "",
	       p.revents & POLLOUT ? "OUT " : "", p.revents & POLLHUP ? "HUP" : "");

	printf("\nnot built yet (the connection-establishment issue adds them):\n");
	show("listen(a, 8)", listen(a, 8));
	show("connect(c, 127.0.0.1:7)",
	     connect(c, (struct sockaddr *)&peer, sizeof(peer)));
	close(a);
	close(b);
	close(c);
	return 0;
}
