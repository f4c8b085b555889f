// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP wire format: header validation, option parsing and writing, and the
 * Internet checksum over the TCP-style pseudo-header (RFC 9293 §3.1) with
 * protocol number xtcp_ipproto.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/checksum.h>

#include "compat_pure.h"
#include "wire.h"

u8 xtcp_flags(const struct tcphdr *th)
{
	return ((const u8 *)th)[13];
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_flags);

/**
 * xtcp_parse_options - parse the options area of a header
 * @opt: first option byte
 * @len: bytes of options (data offset * 4 - 20)
 * @out: the options understood; others are skipped by their length
 *
 * Return: 0, or -EINVAL when an option runs past the area or has a bad
 * length.
 */
int xtcp_parse_options(const u8 *opt, int len, struct xtcp_opts *out)
{
	const u8 *base = opt;

	memset(out, 0, sizeof(*out));
	while (len > 0) {
		u8 kind = opt[0], olen;

		if (kind == XTCP_OPT_EOL)
			break;
		if (kind == XTCP_OPT_NOP) {
			opt++;
			len--;
			continue;
		}
		if (len < 2)
			return -EINVAL;
		olen = opt[1];
		if (olen < 2 || olen > len)
			return -EINVAL;
		switch (kind) {
		case XTCP_OPT_MSS:
			if (olen != XTCP_OPTLEN_MSS)
				return -EINVAL;
			out->mss = get_unaligned_be16(opt + 2);
			break;
		case XTCP_OPT_WSCALE:
			if (olen != XTCP_OPTLEN_WSCALE)
				return -EINVAL;
			/* RFC 7323 §2.3: larger shifts are treated as 14 */
			out->wscale = min_t(u8, opt[2], XTCP_MAX_WSCALE);
			out->wscale_ok = true;
			break;
		case XTCP_OPT_TS:
			/* a bad length is ignored, as tcp_parse_options() does */
			if (olen != XTCP_OPTLEN_TS)
				break;
			out->ts_ok = true;
			out->tsval = get_unaligned_be32(opt + 2);
			out->tsecr = get_unaligned_be32(opt + 6);
			break;
		case XTCP_OPT_SACK_PERM:
			/* as tcp_parse_options(): a bad length is ignored */
			if (olen == XTCP_OPTLEN_SACK_PERM)
				out->sack_perm = true;
			break;
		case XTCP_OPT_SACK:
			/* 1 to 4 blocks (RFC 2018 §3); others are ignored */
			if (olen < XTCP_OPTLEN_SACK_BASE + XTCP_SACK_BLOCKLEN ||
			    (olen - XTCP_OPTLEN_SACK_BASE) % XTCP_SACK_BLOCKLEN)
				break;
			out->sack_off = opt - base;
			out->sack_len = olen;
			break;
		default:
			break;
		}
		opt += olen;
		len -= olen;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_parse_options);

/**
 * xtcp_check_header - validate a received header before anything else
 * @th: the header, linear for @len bytes or for the data offset if shorter
 * @len: bytes of the segment (header and payload)
 * @opts: filled with the parsed options
 *
 * Return: XTCP_DROP_NONE, or why the segment must be dropped.
 */
enum xtcp_drop xtcp_check_header(const struct tcphdr *th, unsigned int len,
				 struct xtcp_opts *opts)
{
	unsigned int hlen;

	if (len < XTCP_HLEN)
		return XTCP_DROP_SHORT;
	hlen = xtcp_hdr_len(th, len);
	if (!hlen)
		return XTCP_DROP_DOFF;
	if (xtcp_parse_options((const u8 *)(th + 1), hlen - XTCP_HLEN, opts))
		return XTCP_DROP_OPTS;
	return XTCP_DROP_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_check_header);

/**
 * xtcp_write_syn_options - the options of a SYN or SYN|ACK
 * @opt: where to write, XTCP_SYN_OPTLEN bytes
 * @mss: the MSS to advertise
 * @wscale_ok: add the window scale option
 * @wscale: its shift
 *
 * Return: bytes written, a multiple of 4.
 */
int xtcp_write_syn_options(u8 *opt, u16 mss, bool wscale_ok, u8 wscale)
{
	opt[0] = XTCP_OPT_MSS;
	opt[1] = XTCP_OPTLEN_MSS;
	put_unaligned_be16(mss, opt + 2);
	if (!wscale_ok)
		return XTCP_OPTLEN_MSS;
	opt[4] = XTCP_OPT_NOP;
	opt[5] = XTCP_OPT_WSCALE;
	opt[6] = XTCP_OPTLEN_WSCALE;
	opt[7] = wscale;
	return XTCP_SYN_OPTLEN;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_write_syn_options);

/**
 * xtcp_write_ts_option - the timestamps option, as Linux aligns it
 * @opt: where to write, XTCP_TS_ALIGNED bytes
 * @tsval: TSval
 * @tsecr: TSecr
 *
 * NOP, NOP, kind 8, length 10 (RFC 7323 Appendix A's layout), so that it
 * keeps the header a multiple of 4 after any other option written here.
 *
 * Return: bytes written, XTCP_TS_ALIGNED.
 */
int xtcp_write_ts_option(u8 *opt, u32 tsval, u32 tsecr)
{
	opt[0] = XTCP_OPT_NOP;
	opt[1] = XTCP_OPT_NOP;
	opt[2] = XTCP_OPT_TS;
	opt[3] = XTCP_OPTLEN_TS;
	put_unaligned_be32(tsval, opt + 4);
	put_unaligned_be32(tsecr, opt + 8);
	return XTCP_TS_ALIGNED;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_write_ts_option);

/**
 * xtcp_write_sack_perm - SACK-permitted (RFC 2018 §2), NOP-aligned
 * @opt: where to write, XTCP_SACK_PERM_ALIGNED bytes
 *
 * Return: bytes written.
 */
int xtcp_write_sack_perm(u8 *opt)
{
	opt[0] = XTCP_OPT_NOP;
	opt[1] = XTCP_OPT_NOP;
	opt[2] = XTCP_OPT_SACK_PERM;
	opt[3] = XTCP_OPTLEN_SACK_PERM;
	return XTCP_SACK_PERM_ALIGNED;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_write_sack_perm);

/**
 * xtcp_write_sack_option - a SACK option (RFC 2018 §3), as Linux aligns it
 * @opt: where to write, 4 + 8 * @n bytes
 * @b: the blocks, in the order to send
 * @n: how many, 1 to 4
 *
 * Return: bytes written, a multiple of 4.
 */
int xtcp_write_sack_option(u8 *opt, const struct xtcp_sack_block *b, int n)
{
	int i;

	opt[0] = XTCP_OPT_NOP;
	opt[1] = XTCP_OPT_NOP;
	opt[2] = XTCP_OPT_SACK;
	opt[3] = XTCP_OPTLEN_SACK_BASE + n * XTCP_SACK_BLOCKLEN;
	for (i = 0; i < n; i++) {
		put_unaligned_be32(b[i].start, opt + 4 + i * XTCP_SACK_BLOCKLEN);
		put_unaligned_be32(b[i].end, opt + 8 + i * XTCP_SACK_BLOCKLEN);
	}
	return XTCP_SACK_ALIGNED_BASE + n * XTCP_SACK_BLOCKLEN;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_write_sack_option);

/**
 * xtcp_sack_blocks - the blocks of a SACK option xtcp_parse_options() found
 * @opt: the option's kind byte (sack_off into the options area)
 * @out: at least 4 blocks
 *
 * Return: how many blocks, at most 4 (the 40 bytes hold no more).
 */
int xtcp_sack_blocks(const u8 *opt, struct xtcp_sack_block *out)
{
	int i, n = (opt[1] - XTCP_OPTLEN_SACK_BASE) / XTCP_SACK_BLOCKLEN;

	n = min(n, 4);
	for (i = 0; i < n; i++) {
		out[i].start = get_unaligned_be32(opt + 2 + i * XTCP_SACK_BLOCKLEN);
		out[i].end = get_unaligned_be32(opt + 6 + i * XTCP_SACK_BLOCKLEN);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sack_blocks);

/**
 * xtcp_checksum - the checksum field for a linear segment
 * @seg: header and payload, with the checksum field zero
 * @len: their length
 * @saddr: IPv4 source
 * @daddr: IPv4 destination
 * @proto: the IP protocol number in the pseudo-header
 *
 * Return: the value for the checksum field; recomputing over a segment
 * that carries it gives 0.
 */
__sum16 xtcp_checksum(const void *seg, unsigned int len, __be32 saddr,
		      __be32 daddr, u8 proto)
{
	return csum_tcpudp_magic(saddr, daddr, len, proto,
				 csum_partial(seg, len, 0));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_checksum);
