// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket options at level SOL_XTCP.  Names, numbers and limits follow
 * TCP's (include/uapi/linux/tcp.h, net/ipv4/tcp.c do_tcp_setsockopt).
 */
#include <linux/errno.h>
#include <linux/in6.h>
#include <linux/sockptr.h>
#include <linux/uaccess.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "xtcp.h"

/* TCP's limits: TCP_MIN_MSS, MAX_TCP_WINDOW, MAX_TCP_KEEP{IDLE,INTVL,CNT}. */
#define XTCP_MIN_MSS		88
#define XTCP_MAX_MSS		32767
#define XTCP_MAX_KEEPIDLE	32767
#define XTCP_MAX_KEEPINTVL	32767
#define XTCP_MAX_KEEPCNT	127
/* MAX_TCP_SYNCNT, TCP_FIN_TIMEOUT_MAX (s) */
#define XTCP_MAX_SYNCNT		127
#define XTCP_MAX_LINGER2	120
/* TCP_TIMEOUT_INIT, TCP_RTO_MAX in s; TCP_MAX_QUICKACKS */
#define XTCP_DEFER_RTO_INIT	1
#define XTCP_DEFER_RTO_MAX	120
#define XTCP_MAX_QUICKACKS	16

/* secs_to_retrans(): SYN,ACK tries (RTO 1 s doubling) covering @seconds */
static u8 xtcp_secs_to_retrans(int seconds)
{
	int timeout = XTCP_DEFER_RTO_INIT, period = timeout;
	u8 res = 0;

	if (seconds > 0) {
		res = 1;
		while (seconds > period && res < 255) {
			res++;
			timeout = min(timeout << 1, XTCP_DEFER_RTO_MAX);
			period += timeout;
		}
	}
	return res;
}

/* retrans_to_secs(): the seconds @retrans tries take */
static int xtcp_retrans_to_secs(u8 retrans)
{
	int timeout = XTCP_DEFER_RTO_INIT, period = 0;

	if (retrans > 0) {
		period = timeout;
		while (--retrans) {
			timeout = min(timeout << 1, XTCP_DEFER_RTO_MAX);
			period += timeout;
		}
	}
	return period;
}

/*
 * What getsockopt reports before anything is set: TCP's MSS default; the
 * keepalive settings come from the sysctls (keepalive_time_s, ...).
 */
#define XTCP_MSS_DEFAULT	536

/**
 * xtcp_sockopt_check - may option @optname be set to @val?
 * @optname: an XTCP_* option name
 * @val: the int the caller passed
 *
 * Return: 0, -EINVAL for a value out of range, -ENOPROTOOPT for an option
 * that cannot be set.
 */
int xtcp_sockopt_check(int optname, int val)
{
	switch (optname) {
	case XTCP_NODELAY:
	case XTCP_CORK:
		return 0;
	case XTCP_MAXSEG:
		return val && (val < XTCP_MIN_MSS || val > XTCP_MAX_MSS) ? -EINVAL : 0;
	case XTCP_KEEPIDLE:
		return val < 1 || val > XTCP_MAX_KEEPIDLE ? -EINVAL : 0;
	case XTCP_KEEPINTVL:
		return val < 1 || val > XTCP_MAX_KEEPINTVL ? -EINVAL : 0;
	case XTCP_KEEPCNT:
		return val < 1 || val > XTCP_MAX_KEEPCNT ? -EINVAL : 0;
	case XTCP_USER_TIMEOUT:
		return val < 0 ? -EINVAL : 0;
	case XTCP_SYNCNT:
		return val < 1 || val > XTCP_MAX_SYNCNT ? -EINVAL : 0;
	case XTCP_WINDOW_CLAMP:
		return val < 0 ? -EINVAL : 0;
	case XTCP_LINGER2:
	case XTCP_NOTSENT_LOWAT:
	case XTCP_DEFER_ACCEPT:
	case XTCP_QUICKACK:
	case XTCP_V6ONLY:
	case XTCP_REUSEPORT:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sockopt_check);

/*
 * XTCP_CONGESTION, as TCP_CONGESTION: a name of up to 15 characters, ENOENT
 * for one not known.  A connection changes algorithm at once, keeping its
 * window (as tcp_reinit_congestion_control()).
 */
static int xtcp_set_congestion(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	char name[XTCP_CC_NAME_MAX];
	const struct xtcp_cc_ops *ops;
	long n;

	if (optlen < 1)
		return -EINVAL;
	n = strncpy_from_sockptr(name, optval,
				 min_t(long, XTCP_CC_NAME_MAX - 1, optlen));
	if (n < 0)
		return -EFAULT;
	name[n] = 0;
	ops = xtcp_cc_find(name);
	if (!ops)
		return -ENOENT;
	lock_sock(sk);
	WRITE_ONCE(xs->cc_ops, ops);
	if (xs->cc.ops && xs->cc.ops != ops) {
		xs->cc.ops = ops;
		ops->init(&xs->cc);
	}
	release_sock(sk);
	return 0;
}

int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int val, err;

	/* SOL_SOCKET comes here only with SOCK_CUSTOM_SOCKOPT (compat.h) */
	if (level == SOL_SOCKET && optname == SO_REUSEPORT) {
		level = SOL_XTCP;
		optname = XTCP_REUSEPORT;
	} else if (level == SOL_SOCKET) {
		return sock_setsockopt(sock, level, optname, optval, optlen);
	}
	if (level == SOL_IP)
		return xtcp_ip_setsockopt(sk, optname, optval, optlen);
	/* the traffic class and hop limit inet6_csk_xmit() puts on segments */
	if (level == SOL_IPV6 &&
	    (optname == IPV6_TCLASS || optname == IPV6_UNICAST_HOPS))
		return xtcp_ipv6_setsockopt(sk, optname, optval, optlen);
	/* SOL_IPV6: IPV6_V6ONLY, as TCP takes it; the rest is not ours */
	if (level == SOL_IPV6 && optname == IPV6_V6ONLY) {
		level = SOL_XTCP;
		optname = XTCP_V6ONLY;
	}
	if (level != SOL_XTCP)
		return -ENOPROTOOPT;
	if (optname == XTCP_CONGESTION)
		return xtcp_set_congestion(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	err = xtcp_sockopt_check(optname, val);
	if (err)
		return err;

	lock_sock(sk);
	switch (optname) {
	case XTCP_NODELAY:
		xs->nodelay = !!val;
		/* what Nagle (or a cork) holds goes now (__tcp_sock_set_nodelay()) */
		if (val)
			xtcp_push_now(sk);
		break;
	case XTCP_CORK:
		/* __tcp_sock_set_cork(): uncorking sends what the cork held */
		xs->cork = !!val;
		if (!val && xs->nodelay)
			xtcp_push_now(sk);
		else if (!val)
			xtcp_push(sk);
		break;
	case XTCP_MAXSEG:
		xs->user_mss = val;
		break;
	case XTCP_KEEPIDLE:
		xs->keepidle = val;
		xtcp_keepalive_reset(sk);	/* the new idle time counts now */
		break;
	case XTCP_KEEPINTVL:
		xs->keepintvl = val;
		break;
	case XTCP_KEEPCNT:
		xs->keepcnt = val;
		break;
	case XTCP_USER_TIMEOUT:
		xs->user_timeout = val;
		break;
	case XTCP_V6ONLY:
		/* as do_ipv6_setsockopt(): only before bind() or connect() */
		if (inet_sk(sk)->inet_num) {
			release_sock(sk);
			return -EINVAL;
		}
		sk->sk_ipv6only = !!val;
		break;
	case XTCP_REUSEPORT:
		/* as sk_setsockopt(): bind() and listen() look at it */
		sk->sk_reuseport = !!val;
		break;
	case XTCP_SYNCNT:
		xs->syncnt = val;
		break;
	case XTCP_LINGER2:
		/* do_tcp_setsockopt(): < 0 none, 0 the sysctl, at most 120 s */
		xs->linger2_ms = val < 0 ? -1 :
				 min(val, XTCP_MAX_LINGER2) * MSEC_PER_SEC;
		break;
	case XTCP_WINDOW_CLAMP:
		/* tcp_set_window_clamp(): 0 only while closed */
		if (!val && sk->sk_state != TCP_CLOSE) {
			release_sock(sk);
			return -EINVAL;
		}
		xs->window_clamp = val ? max_t(u32, val, SOCK_MIN_RCVBUF / 2) : 0;
		break;
	case XTCP_NOTSENT_LOWAT:
		xs->notsent_lowat = val;
		sk->sk_write_space(sk);	/* as TCP: a raised mark may wake */
		break;
	case XTCP_DEFER_ACCEPT:
		/* as TCP: seconds, kept as SYN,ACK tries (secs_to_retrans()) */
		xs->defer_accept = xtcp_secs_to_retrans(val);
		break;
	case XTCP_QUICKACK:
		/* __tcp_sock_set_quickack(): 1 ACKs what waits, and quickly */
		if (val & 1) {
			xs->pingpong = false;
			xs->quickack = XTCP_MAX_QUICKACKS;
			xtcp_ack_now(sk);
		} else {
			xs->pingpong = true;
			xs->quickack = 0;
		}
		break;
	}
	release_sock(sk);
	return 0;
}

/* XTCP_INFO, filled under the socket lock (here and diag.c). */
void xtcp_get_info(struct sock *sk, struct xtcp_info *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_tcb *tcb = &xs->tcb;

	memset(info, 0, sizeof(*info));
	info->xtcpi_state = sk->sk_state;
	info->xtcpi_xtcp_state = tcb->state;
	info->xtcpi_retransmits = xs->retries;
	info->xtcpi_snd_wscale = tcb->snd_wscale;
	info->xtcpi_rcv_wscale = tcb->rcv_wscale;
	info->xtcpi_rto = xs->rto_ms * USEC_PER_MSEC;
	info->xtcpi_backoff = xs->rtt.backoff;
	info->xtcpi_srtt = xs->rtt.srtt_us;
	info->xtcpi_rttvar = xs->rtt.rttvar_us;
	info->xtcpi_ato = XTCP_DELACK_MS * USEC_PER_MSEC;
	info->xtcpi_snd_mss = tcb->snd_mss;
	info->xtcpi_rcv_mss = tcb->mss;
	info->xtcpi_snd_una = tcb->snd_una;
	info->xtcpi_snd_nxt = tcb->snd_nxt;
	info->xtcpi_rcv_nxt = tcb->rcv_nxt;
	info->xtcpi_snd_wnd = tcb->snd_wnd;
	info->xtcpi_rcv_wnd = tcb->rcv_wnd;
	info->xtcpi_snd_cwnd = xs->cc.cwnd;
	info->xtcpi_snd_ssthresh = xs->cc.ssthresh;
	info->xtcpi_total_retrans = xs->total_retrans;
	info->xtcpi_bytes_acked = xs->bytes_acked;
	info->xtcpi_bytes_received = xs->bytes_received;
	info->xtcpi_segs_in = xs->segs_in;
	info->xtcpi_segs_out = xs->segs_out;
	if (xs->ts.ok)
		info->xtcpi_options |= XTCPI_OPT_TIMESTAMPS;
	if (tcb->wscale_ok)
		info->xtcpi_options |= XTCPI_OPT_WSCALE;
	info->xtcpi_ts_recent = xs->ts.recent;
	if (xs->sack_ok)
		info->xtcpi_options |= XTCPI_OPT_SACK;
	info->xtcpi_sacked = xs->sack_sb.sacked;
	info->xtcpi_lost = xtcp_sack_lost(&xs->sack_sb, tcb->snd_una,
					  tcb->snd_mss);
	info->xtcpi_retrans = xtcp_sack_retrans(&xs->sack_sb, tcb->snd_una);
	info->xtcpi_reordering = XTCP_SACK_DUPTHRESH;
	info->xtcpi_min_rtt = xs->rtt.min_rtt_us;
	info->xtcpi_snd_cwnd_segs = tcb->snd_mss ? xs->cc.cwnd / tcb->snd_mss : 0;
	info->xtcpi_delivery_rate = xs->delivery_rate;
}

int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	int len, val;

	if (level == SOL_IP)
		return xtcp_ip_getsockopt(sk, optname, optval, optlen);
	if (level == SOL_IPV6 &&
	    (optname == IPV6_TCLASS || optname == IPV6_UNICAST_HOPS))
		return xtcp_ipv6_getsockopt(sk, optname, optval, optlen);
	if (level == SOL_IPV6 && optname == IPV6_V6ONLY) {
		level = SOL_XTCP;
		optname = XTCP_V6ONLY;
	}
	if (level != SOL_XTCP)
		return -EOPNOTSUPP;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (optname == XTCP_CONGESTION) {
		/* as TCP_CONGESTION: the name, NUL-padded, cut to len */
		char name[XTCP_CC_NAME_MAX] = { };

		strscpy(name, READ_ONCE(xs->cc_ops)->name, sizeof(name));
		len = min_t(unsigned int, len, sizeof(name));
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	len = min_t(unsigned int, len, sizeof(int));

	lock_sock(sk);
	switch (optname) {
	case XTCP_NODELAY:
		val = xs->nodelay;
		break;
	case XTCP_CORK:
		val = xs->cork;
		break;
	case XTCP_MAXSEG:
		/*
		 * as TCP_MAXSEG (do_tcp_getsockopt()): the MSS in use, 536
		 * before any; the user's value while closed or listening
		 */
		val = xs->tcb.snd_mss ?: XTCP_MSS_DEFAULT;
		if (xs->user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = xs->user_mss;
		break;
	case XTCP_KEEPIDLE:
		val = xs->keepidle ?: READ_ONCE(xn->keepalive_time_s);
		break;
	case XTCP_KEEPINTVL:
		val = xs->keepintvl ?: READ_ONCE(xn->keepalive_intvl_s);
		break;
	case XTCP_KEEPCNT:
		val = xs->keepcnt ?: READ_ONCE(xn->keepalive_probes);
		break;
	case XTCP_USER_TIMEOUT:
		val = xs->user_timeout;
		break;
	case XTCP_V6ONLY:
		val = sk->sk_ipv6only;
		break;
	case XTCP_REUSEPORT:
		val = sk->sk_reuseport;
		break;
	case XTCP_SYNCNT:
		val = xs->syncnt ?: READ_ONCE(xn->syn_retries);
		break;
	case XTCP_LINGER2:
		val = xs->linger2_ms;
		if (val >= 0)
			val = (val ?: READ_ONCE(xn->fin_timeout_ms)) / MSEC_PER_SEC;
		break;
	case XTCP_WINDOW_CLAMP:
		val = xs->window_clamp;
		break;
	case XTCP_NOTSENT_LOWAT:
		val = xs->notsent_lowat;
		break;
	case XTCP_DEFER_ACCEPT:
		val = xtcp_retrans_to_secs(xs->defer_accept);
		break;
	case XTCP_QUICKACK:
		val = !xs->pingpong;
		break;
	case XTCP_INFO: {
		struct xtcp_info info;

		xtcp_get_info(sk, &info);
		release_sock(sk);
		/* versioned by length, as TCP_INFO: copy what fits */
		if (get_user(len, optlen))
			return -EFAULT;
		len = min_t(unsigned int, max(len, 0), sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	default:
		release_sock(sk);
		return -ENOPROTOOPT;
	}
	release_sock(sk);

	if (put_user(len, optlen))
		return -EFAULT;
	if (copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
