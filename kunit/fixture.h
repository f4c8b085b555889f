/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket fixtures for the data path's KUnit tests (fixture.c), in the
 * manner of smoltcp's recv!/send!: a real XTCP socket, ESTABLISHED with a
 * peer that exists only in the test, segments fed to the receive path and
 * what the socket sends captured instead of transmitted.
 */
#ifndef _XTCP_KUNIT_FIXTURE_H
#define _XTCP_KUNIT_FIXTURE_H

#include <kunit/test.h>
#include <linux/hrtimer.h>

#include "xtcp.h"

/* xtcp_kt_expect(): any window field */
#define XTCP_KT_ANY_WIN		U32_MAX

#define XTCP_KT_MAX_SEGS	64

/* What the fixture's connection is made with. */
struct xtcp_kt_cfg {
	u16	mss;		/* ours (XTCP_MAXSEG) and the peer's option */
	int	rcvbuf;		/* sk_rcvbuf and sk_sndbuf, locked */
	int	sndbuf;
	u16	peer_wnd;	/* the window of the peer's SYN,ACK */
	u32	rto_ms;		/* the RTO until an RTT sample */
	bool	nodelay;	/* XTCP_NODELAY */
};

/* 1000-byte MSS, 64 KiB buffers, the peer's window 20000, RTO 10 s */
#define XTCP_KT_CFG_DEFAULT {						\
	.mss = 1000, .rcvbuf = 65536, .sndbuf = 65536,			\
	.peer_wnd = 20000, .rto_ms = 10000,				\
}

/* One segment the socket sent, as its header says. */
struct xtcp_kt_seg {
	u8	flags;
	u32	seq;
	u32	ack;
	u16	win;
	u32	len;		/* payload bytes */
	u16	mss;		/* the MSS option, 0: none */
};

struct xtcp_kt {
	struct kunit	*test;
	struct socket	*sock;
	struct sock	*sk;
	u32		snd;	/* our first data byte: ISS + 1 */
	u32		rcv;	/* the peer's: IRS + 1 */
	u32		win;	/* the window our SYN offered */
	bool		locked;	/* the test owns the socket (lock_sock()) */
	struct task_struct *owner;	/* ...in this thread */
	/* captured segments, sent[next] is the next to expect */
	unsigned int	nsent, next;
	unsigned int	lost;	/* captured past XTCP_KT_MAX_SEGS */
	struct xtcp_kt_seg sent[XTCP_KT_MAX_SEGS];
};

struct xtcp_kt *xtcp_kt_open(struct kunit *test, const struct xtcp_kt_cfg *cfg);
void xtcp_kt_lock(struct xtcp_kt *f);
void xtcp_kt_unlock(struct xtcp_kt *f);
void xtcp_kt_feed(struct kunit *test, struct sock *sk, u8 flags, u32 seq,
		  u32 ack, u16 win, u32 len);
const struct xtcp_kt_seg *xtcp_kt_expect(struct kunit *test, u8 flags, u32 seq,
					 u32 ack, u32 win, u32 len);
const struct xtcp_kt_seg *xtcp_kt_last(struct kunit *test);
void xtcp_kt_expect_none(struct kunit *test);
void xtcp_kt_end(struct xtcp_kt *f);
bool xtcp_kt_fire(struct xtcp_kt *f, enum xtcp_timer_id which);
int xtcp_kt_write(struct xtcp_kt *f, size_t len);
int xtcp_kt_read(struct xtcp_kt *f, size_t len);
u32 xtcp_kt_rcvq_bytes(struct xtcp_kt *f);

#endif /* _XTCP_KUNIT_FIXTURE_H */
