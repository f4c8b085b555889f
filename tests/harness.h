/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test harness for XTCP's integration tests: each TEST runs in its
 * own child process and prints "ok - prog: name" or "not ok - prog: name".
 * run-guest-tests.sh counts those lines.
 */
#ifndef XTCP_HARNESS_H
#define XTCP_HARNESS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

struct xt_test {
	const char *name;
	void (*fn)(void);
};

static int xt_failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: CHECK(%s) failed (errno %d: %s)\n", \
			__FILE__, __LINE__, #cond, errno, strerror(errno)); \
		xt_failed = 1;						\
	}								\
} while (0)

/* CALL must fail with -1 and errno ERR. */
#define CHECK_ERRNO(call, err) do {					\
	long _r;							\
	errno = 0;							\
	_r = (long)(call);						\
	if (_r != -1 || errno != (err)) {				\
		fprintf(stderr, "  %s:%d: %s: want -1/%s, got %ld/%s\n",	\
			__FILE__, __LINE__, #call, strerror(err), _r,	\
			errno ? strerror(errno) : "no error");		\
		xt_failed = 1;						\
	}								\
} while (0)

/* CALL must succeed (not return -1). */
#define CHECK_OK(call) do {						\
	long _r;							\
	errno = 0;							\
	_r = (long)(call);						\
	if (_r == -1) {							\
		fprintf(stderr, "  %s:%d: %s failed: %s\n",		\
			__FILE__, __LINE__, #call, strerror(errno));	\
		xt_failed = 1;						\
	}								\
} while (0)

#define TEST(fn) { #fn, fn }

/*
 * Run every test whose name, or "PROG: NAME", contains argv[1] (all
 * without it).
 */
static inline int xt_run(const char *prog, const struct xt_test *t, int n,
			 int argc, char **argv)
{
	int i, failed = 0;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid;

		char full[128];

		snprintf(full, sizeof(full), "%s: %s", prog, t[i].name);
		if (argc > 1 && !strstr(full, argv[1]))
			continue;
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			alarm(60);
			t[i].fn();
			fflush(NULL);
			_exit(xt_failed);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("ok - %s: %s\n", prog, t[i].name);
		} else {
			if (WIFSIGNALED(status))
				fprintf(stderr, "  killed by signal %d\n",
					WTERMSIG(status));
			printf("not ok - %s: %s\n", prog, t[i].name);
			failed++;
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}

#define XT_MAIN(prog, tests)						\
int main(int argc, char **argv)						\
{									\
	setvbuf(stdout, NULL, _IOLBF, 0);				\
	return xt_run(prog, tests, sizeof(tests) / sizeof(tests[0]),	\
		      argc, argv);					\
}

#endif /* XTCP_HARNESS_H */
