// SPDX-License-Identifier: GPL-2.0
/*
 * holdsock: open an XTCP socket, bind it to an ephemeral port, print
 * "ready PORT", and keep it until stdin closes or a signal ends the process.
 * The module tests use it to hold a reference on xtcp.ko.
 */
#include <unistd.h>

#include "xtcp_util.h"

int main(void)
{
	char c;
	int fd = xt_socket();

	if (fd < 0 || xt_bind(fd, "127.0.0.1", 0)) {
		perror("holdsock");
		return 1;
	}
	printf("ready %d\n", xt_local_port(fd));
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
