/* SPDX-License-Identifier: GPL-2.0 */
/* tracefs access shared by trace_test and tools/xtcp-demo. */
#ifndef XTCP_TRACEFS_H
#define XTCP_TRACEFS_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char tracefs[64];	/* the tracefs mount; "" when not found */

/* Write @text to @file under tracefs (open with O_WRONLY | @flags). */
static inline int tracefs_write(const char *file, const char *text, int flags)
{
	char path[160];
	int fd, n = strlen(text), r;

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	fd = open(path, O_WRONLY | flags);
	if (fd < 0)
		return -1;
	r = write(fd, text, n) == n ? 0 : -1;
	close(fd);
	return r;
}

#endif
