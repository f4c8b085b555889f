/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XTCP segment on the wire: RFC 9293 §3.1's TCP header, byte for byte,
 * carried in IPv4 under protocol number xtcp_ipproto.
 */
#ifndef _XTCP_WIRE_H
#define _XTCP_WIRE_H

#include <linux/types.h>
#include <uapi/linux/tcp.h>

/* The header is struct tcphdr; its flag bits are TCP's. */
#define XTCP_FIN	0x01
#define XTCP_SYN	0x02
#define XTCP_RST	0x04
#define XTCP_PSH	0x08
#define XTCP_ACK	0x10
#define XTCP_URG	0x20

#define XTCP_HLEN		20	/* header without options */
#define XTCP_MAX_HLEN		60
#define XTCP_OPT_EOL		0
#define XTCP_OPT_NOP		1
#define XTCP_OPT_MSS		2
#define XTCP_OPT_WSCALE		3
#define XTCP_OPTLEN_MSS		4
#define XTCP_OPTLEN_WSCALE	3
#define XTCP_OPT_TS		8	/* RFC 7323 §3 */
#define XTCP_OPTLEN_TS		10
#define XTCP_TS_ALIGNED		12	/* NOP, NOP, the option: every segment */
#define XTCP_OPT_SACK_PERM	4	/* RFC 2018 §2 */
#define XTCP_OPTLEN_SACK_PERM	2
#define XTCP_SACK_PERM_ALIGNED	4	/* NOP, NOP, SACK-permitted */
#define XTCP_OPT_SACK		5	/* RFC 2018 §3 */
#define XTCP_OPTLEN_SACK_BASE	2	/* kind, length; then 8 bytes a block */
#define XTCP_SACK_BLOCKLEN	8
#define XTCP_SACK_ALIGNED_BASE	4	/* NOP, NOP, kind, length */
#define XTCP_MAX_WSCALE		14	/* RFC 7323 §2.3 */
#define XTCP_DEFAULT_MSS	536	/* RFC 9293 §3.7.1, without the option */
#define XTCP_MIN_SND_MSS	48	/* min_snd_mss: Linux's TCP_MIN_SND_MSS */
#define XTCP_SYN_OPTLEN		8	/* MSS + NOP + window scale */
/* the most options XTCP sends: 40 bytes (a SYN's with timestamps and
 * SACK-permitted take 24; an ACK's timestamps and three SACK blocks 40)
 */
#define XTCP_MAX_OPTLEN		40

/* A SACK block (RFC 2018 §3): [start, end) */
struct xtcp_sack_block {
	u32	start;
	u32	end;
};

/* The options XTCP understands, as parsed from one header. */
struct xtcp_opts {
	u16	mss;		/* 0: no MSS option */
	u8	wscale;
	bool	wscale_ok;	/* the window scale option was present */
	bool	ts_ok;		/* the timestamps option was present */
	u32	tsval;		/* ...its TSval */
	u32	tsecr;		/* ...and TSecr */
	bool	sack_perm;	/* SACK-permitted was present (RFC 2018 §2) */
	u8	sack_off;	/* a SACK option's offset in the options area */
	u8	sack_len;	/* ...and its length; 0: none */
};

/* Why a segment was dropped before reaching a socket (per-netns counters). */
enum xtcp_drop {
	XTCP_DROP_NONE,
	XTCP_DROP_SHORT,	/* shorter than the header */
	XTCP_DROP_DOFF,		/* data offset < 5 or past the packet */
	XTCP_DROP_OPTS,		/* an option runs past the header or has a bad length */
	XTCP_DROP_CSUM,		/* bad checksum */
};

/*
 * The header's length from its data offset, if the offset is valid: at
 * least the fixed header and within the @len bytes of the segment
 * (RFC 9293 §3.1); 0 if not.  Every reader of a received header asks this.
 */
static inline unsigned int xtcp_hdr_len(const struct tcphdr *th,
					unsigned int len)
{
	unsigned int hlen = th->doff * 4;

	return hlen >= XTCP_HLEN && hlen <= len ? hlen : 0;
}

int xtcp_parse_options(const u8 *opt, int len, struct xtcp_opts *out);
enum xtcp_drop xtcp_check_header(const struct tcphdr *th, unsigned int len,
				 struct xtcp_opts *opts);
int xtcp_write_syn_options(u8 *opt, u16 mss, bool wscale_ok, u8 wscale);
int xtcp_write_ts_option(u8 *opt, u32 tsval, u32 tsecr);
int xtcp_write_sack_perm(u8 *opt);
int xtcp_write_sack_option(u8 *opt, const struct xtcp_sack_block *b, int n);
int xtcp_sack_blocks(const u8 *opt, struct xtcp_sack_block *out);
__sum16 xtcp_checksum(const void *seg, unsigned int len, __be32 saddr,
		      __be32 daddr, u8 proto);
u8 xtcp_flags(const struct tcphdr *th);

#endif /* _XTCP_WIRE_H */
