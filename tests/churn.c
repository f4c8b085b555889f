// SPDX-License-Identifier: GPL-2.0
/*
 * churn: leave many XTCP connections in the middle of closing, for the
 * module and namespace lifecycle tests (run-guest-tests.sh).
 *
 *   churn N LISTEN_NS CONNECT_NS ADDR PORT [hold]
 *
 * Opens N connections from namespace CONNECT_NS to a listener at ADDR:PORT
 * in LISTEN_NS ("-" for the current namespace), then closes them so they
 * are caught in every closing state: a quarter closed by the client only
 * (FIN_WAIT_1/2 and CLOSE_WAIT), a quarter by the server first and then
 * the client (LAST_ACK, TIME_WAIT), a quarter half-closed
 * (shutdown(SHUT_WR)) and a quarter left established, the rest left to
 * process exit.  Prints "churn: N" and exits at
 * once, leaving the rest to the kernel: orphans, TIME_WAIT entries; with
 * "hold", first waits for end of file on stdin, keeping the open ones.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "xtcp_util.h"

static int in_ns(const char *ns)
{
	return strcmp(ns, "-") ? enter_netns(ns) : 0;
}

int main(int argc, char **argv)
{
	int n, port, l, i, one = 1, *c, *a, done = 0;
	struct sockaddr_xtcp sa;
	long end;

	if (argc != 6 && !(argc == 7 && !strcmp(argv[6], "hold"))) {
		fprintf(stderr, "usage: churn N LISTEN_NS CONNECT_NS ADDR PORT [hold]\n");
		return 2;
	}
	n = atoi(argv[1]);
	{
		/* two descriptors a connection */
		struct rlimit rl = { .rlim_cur = 2 * n + 64, .rlim_max = 2 * n + 64 };

		if (setrlimit(RLIMIT_NOFILE, &rl)) {
			perror("setrlimit");
			return 1;
		}
	}
	port = atoi(argv[5]);
	c = calloc(n, sizeof(*c));
	a = calloc(n, sizeof(*a));
	if (!c || !a || in_ns(argv[2]))
		return 1;
	l = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (xt_bind(l, argv[4], port) || listen(l, 4096)) {
		perror("listener");
		return 1;
	}
	if (in_ns(argv[3]))
		return 1;
	sa = xt_addr(argv[4], port);
	/*
	 * Connect 100 at a time (non-blocking), accepting as they come: the
	 * SYN queue holds max_syn_backlog (256) half-open connections.
	 */
	end = now_ms() + 60000;
	for (i = 0; i < n; i++) {
		c[i] = socket(xt_family(), SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(c[i], (struct sockaddr *)&sa, sizeof(sa)) &&
		    errno != EINPROGRESS) {
			perror("connect");
			return 1;
		}
		if (i % 100 != 99 && i != n - 1)
			continue;
		while (done <= i && now_ms() < end) {
			struct pollfd p = { .fd = l, .events = POLLIN };

			if (poll(&p, 1, 1000) <= 0)
				continue;
			while (done <= i && (a[done] = accept(l, NULL, NULL)) >= 0)
				done++;
		}
	}
	if (done < n) {
		fprintf(stderr, "churn: only %d of %d accepted\n", done, n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		switch (i % 4) {
		case 0:		/* client closes, server lingers in CLOSE_WAIT */
			close(c[i]);
			break;
		case 1:		/* server first, then the client */
			close(a[i]);
			close(c[i]);
			break;
		case 2:		/* half-closed, the rest at exit */
			shutdown(c[i], SHUT_WR);
			break;
		default:	/* established until exit */
			break;
		}
	}
	printf("churn: %d\n", n);
	fflush(stdout);
	if (argc == 7) {
		char buf[64];

		while (read(0, buf, sizeof(buf)) > 0)
			;
	}
	return 0;		/* exit closes what is left */
}
