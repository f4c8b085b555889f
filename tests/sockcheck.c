// SPDX-License-Identifier: GPL-2.0
/*
 * sockcheck: small probes for the module tests.
 *   sockcheck socket FAMILY   socket(FAMILY, SOCK_STREAM, 0); prints "ok" or
 *                             the error; exit 0 only on success
 *   sockcheck tcp             one byte over a loopback TCP connection
 *   sockcheck unix            one byte over an AF_UNIX socketpair
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int roundtrip(int a, int b)
{
	char c = 'x';

	return write(a, &c, 1) == 1 && read(b, &c, 1) == 1 && c == 'x' ? 0 : -1;
}

static int tcp_loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l, c, s;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &len) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	s = accept(l, NULL, NULL);
	return s < 0 ? -1 : roundtrip(c, s);
}

int main(int argc, char **argv)
{
	int fd, sv[2];

	if (argc == 3 && !strcmp(argv[1], "socket")) {
		fd = socket(atoi(argv[2]), SOCK_STREAM, 0);
	} else if (argc == 2 && !strcmp(argv[1], "tcp")) {
		fd = tcp_loopback();
	} else if (argc == 2 && !strcmp(argv[1], "unix")) {
		fd = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ?: roundtrip(sv[0], sv[1]);
	} else {
		fprintf(stderr, "usage: sockcheck socket FAMILY | tcp | unix\n");
		return 2;
	}
	if (fd < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}
