/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the two fuzzers: a seeded generator and small helpers. */
#ifndef XTCP_FUZZ_UTIL_H
#define XTCP_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* xoshiro256** seeded through splitmix64: fast, and the same on every host. */
struct fz_rng {
	uint64_t s[4];
};

static inline uint64_t fz_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void fz_seed(struct fz_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = fz_splitmix(&seed);
}

static inline uint64_t fz_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t fz_next(struct fz_rng *r)
{
	uint64_t *s = r->s, res = fz_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = fz_rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n); n > 0. */
static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)(((fz_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability pct percent. */
static inline int fz_pct(struct fz_rng *r, uint32_t pct)
{
	return fz_below(r, 100) < pct;
}

static inline uint32_t fz_u32(struct fz_rng *r)
{
	return (uint32_t)(fz_next(r) >> 32);
}

static inline void fz_bytes(struct fz_rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		uint64_t v = fz_next(r);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

/* A seed from the command line or the environment, else a fresh one. */
static inline uint64_t fz_pick_seed(const char *s)
{
	uint64_t x;

	if (s && *s)
		return strtoull(s, NULL, 0);
	x = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid() << 16;
	return fz_splitmix(&x);
}

/*
 * Byte @off of the data stream @key: 8 bytes per 64-bit block, so that a
 * reader checks any offset without replaying the stream.
 */
static inline unsigned char fz_stream_byte(uint64_t key, uint64_t off)
{
	uint64_t x = key ^ ((off >> 3) * 0xd1342543de82ef95ULL);

	return (unsigned char)(fz_splitmix(&x) >> ((off & 7) * 8));
}

static inline void fz_stream_fill(uint64_t key, uint64_t off, unsigned char *buf,
				  size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = fz_stream_byte(key, off + i);
}

#endif /* XTCP_FUZZ_UTIL_H */
