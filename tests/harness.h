/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test harness for XTCP's integration tests: each TEST runs in its
 * own child process (its own process group) and prints one line:
 *
 *	ok - prog: name
 *	not ok - prog: name
 *	ok - prog: name # SKIP
 *
 * XT_EXCLUDE=TEXT in the environment leaves out the tests whose name
 * contains TEXT (the runner runs one of them apart, right before an rmmod).
 * XT_FAMILY=6 (or XTCP_TEST_FAMILY=6) runs the program over IPv6
 * (xtcp_util.h) and reports its group as "prog6".
 *
 * "prog --list [FILTER]" prints the names it would run ("prog: name", one a
 * line) without running them: the runner counts the results it is owed from
 * that list, so a test that never reports is a failure, not a smaller total.
 *
 * The parent enforces each test's time limit (TEST: XT_DEFAULT_TIMEOUT s,
 * TEST_T: its own, at most XT_MAX_TIMEOUT s, below the guest's own limit)
 * and kills the whole process group when it runs out.
 *
 * Checks: CHECK* record a failure and go on; NEED* are preconditions and
 * end the test as failed at once (a missing namespace or module is a
 * failure, never a pass); SKIP() ends it as skipped, for a reason that is
 * not the rig's job (the summary counts skips apart).
 */
#ifndef XTCP_HARNESS_H
#define XTCP_HARNESS_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#define XT_DEFAULT_TIMEOUT	60
#define XT_MAX_TIMEOUT		420
#define XT_SKIP_STATUS		77

struct xt_test {
	const char *name;
	void (*fn)(void);
	int timeout;		/* seconds; 0: XT_DEFAULT_TIMEOUT */
};

static int xt_failed;
/* the running test's place in its program's list (xt_port()) */
static int xt_test_index;

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

/* MS must lie in [LO, HI] (milliseconds); prints all three either way. */
#define CHECK_MS(ms, lo, hi) do {					\
	long _m = (long)(ms), _lo = (long)(lo), _hi = (long)(hi);	\
	fprintf(stderr, "  %s:%d: %s = %ld ms (want %ld..%ld)\n",	\
		__FILE__, __LINE__, #ms, _m, _lo, _hi);			\
	if (_m < _lo || _m > _hi)					\
		xt_failed = 1;						\
} while (0)

/* A precondition: without it the test cannot mean anything, so it fails now. */
#define NEED(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: precondition %s failed (errno %d: %s)\n", \
			__FILE__, __LINE__, #cond, errno, strerror(errno)); \
		fflush(NULL);						\
		_exit(1);						\
	}								\
} while (0)

/* A precondition call that must not return -1. */
#define NEED_OK(call) do {						\
	errno = 0;							\
	if ((long)(call) == -1) {					\
		fprintf(stderr, "  %s:%d: precondition %s failed: %s\n",	\
			__FILE__, __LINE__, #call, strerror(errno));	\
		fflush(NULL);						\
		_exit(1);						\
	}								\
} while (0)

/* End the test as skipped (counted apart), saying why. */
#define SKIP(why) do {							\
	fprintf(stderr, "  skipped: %s\n", (why));			\
	fflush(NULL);							\
	_exit(XT_SKIP_STATUS);						\
} while (0)

#define TEST(fn) { #fn, fn, 0 }
/* A test with its own time limit in seconds (at most XT_MAX_TIMEOUT). */
#define TEST_T(fn, secs) { #fn, fn, (secs) }

/* a test taking this long gets a "# slow: PROG: NAME N s" line */
#define XT_SLOW_MS		5000

static inline long xt_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait for PID for at most SECS; kill its process group past that. */
static inline int xt_wait(pid_t pid, int secs, int *status, int *timed_out)
{
	long end = xt_mono_ms() + secs * 1000L;
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	pid_t r;

	*timed_out = 0;
	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (xt_mono_ms() > end) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			return waitpid(pid, status, 0) == pid ? 0 : -1;
		}
		nanosleep(&nap, NULL);
	}
}

/*
 * Run every test whose "PROG: NAME" contains FILTER (all without it), or
 * with --list only name them.  Exits 1 if any test failed.
 */
/* Does the comma-separated XT_EXCLUDE list have a part of @name? */
static inline int xt_excluded(const char *list, const char *name)
{
	char buf[512], *part, *save = NULL;

	if (!list || !*list)
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (part = strtok_r(buf, ",", &save); part;
	     part = strtok_r(NULL, ",", &save))
		if (*part && strstr(name, part))
			return 1;
	return 0;
}

static inline int xt_run(const char *prog, const struct xt_test *t, int n,
			 int argc, char **argv)
{
	const char *filter = NULL, *exclude = getenv("XT_EXCLUDE");
	const char *family = getenv("XT_FAMILY");
	int i, failed = 0, list = 0;
	char name6[64];

	/* run again over IPv6 (xtcp_util.h), as "PROG6: NAME" */
	if (!family || !*family)
		family = getenv("XTCP_TEST_FAMILY");
	if (family && !strcmp(family, "6")) {
		snprintf(name6, sizeof(name6), "%s6", prog);
		prog = name6;
	}

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		list = 1;
		argc--;
		argv++;
	}
	if (argc > 1)
		filter = argv[1];
	for (i = 0; i < n; i++) {
		int status = 0, timed_out = 0;
		long t0;
		int secs = t[i].timeout ? t[i].timeout : XT_DEFAULT_TIMEOUT;
		char full[128];
		pid_t pid;

		snprintf(full, sizeof(full), "%s: %s", prog, t[i].name);
		if (filter && !strstr(full, filter))
			continue;
		if (xt_excluded(exclude, t[i].name))
			continue;
		if (list) {
			printf("%s\n", full);
			continue;
		}
		if (secs > XT_MAX_TIMEOUT)
			secs = XT_MAX_TIMEOUT;
		fflush(NULL);
		t0 = xt_mono_ms();
		pid = fork();
		if (pid == 0) {
			setpgid(0, 0);
			xt_test_index = i;
			t[i].fn();
			fflush(NULL);
			_exit(xt_failed);
		}
		if (pid < 0) {
			fprintf(stderr, "  fork: %s\n", strerror(errno));
			printf("not ok - %s\n", full);
			failed++;
			continue;
		}
		setpgid(pid, pid);
		if (xt_wait(pid, secs, &status, &timed_out)) {
			fprintf(stderr, "  waitpid: %s\n", strerror(errno));
			status = -1;
		}
		if (timed_out)
			fprintf(stderr, "  timed out after %d s\n", secs);
		if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("ok - %s\n", full);
		} else if (!timed_out && WIFEXITED(status) &&
			   WEXITSTATUS(status) == XT_SKIP_STATUS) {
			printf("ok - %s # SKIP\n", full);
		} else {
			if (!timed_out && WIFSIGNALED(status))
				fprintf(stderr, "  killed by signal %d\n",
					WTERMSIG(status));
			printf("not ok - %s\n", full);
			failed++;
		}
		/* a test's leftovers (threads it forked) go with it */
		kill(-pid, SIGKILL);
		/* where the suite's time goes (not a result) */
		if (xt_mono_ms() - t0 >= XT_SLOW_MS)
			printf("# slow: %s %ld s\n", full,
			       (xt_mono_ms() - t0 + 500) / 1000);
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
