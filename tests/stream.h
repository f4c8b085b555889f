/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A checkable byte stream for the transfer tests (stream_test, twovm_test):
 * a deterministic pseudo-random stream any piece of which can be made or
 * checked on its own, and one direction of a transfer that hashes what it
 * moved (SHA-256).
 */
#ifndef XTCP_STREAM_H
#define XTCP_STREAM_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sha256.h"

static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ x >> 30) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ x >> 27) * 0x94d049bb133111ebull;
	return x ^ x >> 31;
}

/*
 * The deterministic pseudo-random stream @seed: byte @off is byte off % 8
 * of mix64(seed * 2^32 + off / 8), so any piece can be made on its own.
 */
static inline void stream_fill(uint64_t seed, uint64_t off, unsigned char *p,
			       size_t n)
{
	while (n) {
		uint64_t v = mix64(seed << 32 ^ off >> 3);
		unsigned int i;

		for (i = off & 7; i < 8 && n; i++, n--, off++)
			*p++ = (unsigned char)(v >> 8 * i);
	}
}

/* Does @p hold bytes [@off, @off + @n) of stream @seed? */
static inline int stream_check(uint64_t seed, uint64_t off,
			       const unsigned char *p, size_t n)
{
	unsigned char want[4096];

	while (n) {
		size_t k = n < sizeof(want) ? n : sizeof(want);

		stream_fill(seed, off, want, k);
		if (memcmp(want, p, k))
			return 0;
		off += k;
		p += k;
		n -= k;
	}
	return 1;
}

static inline uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* One direction of a stream transfer, for threads. */
struct xfer {
	int fd;
	uint64_t seed;
	uint64_t bytes;		/* to move; on return, moved */
	size_t max_chunk;	/* writes of 1..max_chunk bytes */
	char hex[65];		/* SHA-256 of what was moved */
	uint64_t bad;		/* reader: first wrong offset + 1, 0: none */
	int err;		/* errno of a failed call, 0: none */
};

static inline void *xfer_send(void *arg)
{
	struct xfer *x = arg;
	unsigned char *buf = malloc(x->max_chunk);
	uint64_t off = 0, r = x->seed;
	struct sha256 h;

	sha256_init(&h);
	while (buf && off < x->bytes) {
		size_t n = 1 + rnd(&r) % x->max_chunk;
		ssize_t w;

		if (n > x->bytes - off)
			n = x->bytes - off;
		stream_fill(x->seed, off, buf, n);
		w = send(x->fd, buf, n, MSG_NOSIGNAL);
		if (w <= 0) {
			x->err = w ? errno : EPIPE;
			break;
		}
		sha256_update(&h, buf, w);
		off += w;
	}
	free(buf);
	x->bytes = off;
	sha256_final_hex(&h, x->hex);
	return NULL;
}

/* Read x->bytes, hashing them and checking them against the stream. */
static inline void xfer_recv(struct xfer *x)
{
	unsigned char buf[1 << 16];
	uint64_t off = 0;
	struct sha256 h;

	sha256_init(&h);
	while (off < x->bytes) {
		size_t want = x->bytes - off < sizeof(buf) ? x->bytes - off : sizeof(buf);
		ssize_t n = recv(x->fd, buf, want, 0);

		if (n <= 0) {
			x->err = n ? errno : EPIPE;
			break;
		}
		sha256_update(&h, buf, n);
		if (!x->bad && !stream_check(x->seed, off, buf, n))
			x->bad = off + 1;
		off += n;
	}
	x->bytes = off;
	sha256_final_hex(&h, x->hex);
}

#endif /* XTCP_STREAM_H */
