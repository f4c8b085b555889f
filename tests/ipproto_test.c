// SPDX-License-Identifier: GPL-2.0
/*
 * Is IP protocol xtcp_ipproto taken?  A datagram with a protocol nobody
 * handles draws ICMP protocol-unreachable from IPv4; one XTCP handles does
 * not.  The expectation follows whether xtcp.ko is loaded, so the runner
 * calls this both with the module loaded and after rmmod.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>

#include "harness.h"
#include "xtcp_util.h"

static int module_ipproto(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	int p = -1;

	if (f) {
		if (fscanf(f, "%d", &p) != 1)
			p = -1;
		fclose(f);
	}
	return p;
}

/* Send one IPv4 datagram of protocol @proto to 127.0.0.1; return 1 if ICMP
 * protocol-unreachable for it comes back within 500 ms, 0 if not, -1 on error.
 */
static int draws_unreachable(int proto)
{
	unsigned char pkt[sizeof(struct iphdr) + 20], buf[1500];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct iphdr *ip = (struct iphdr *)pkt;
	int tx, rx, one = 1, id = getpid() & 0xffff, found = 0;
	struct timespec t0, t;

	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tx = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	rx = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (tx < 0 || rx < 0)
		return -1;
	setsockopt(tx, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	memset(pkt, 0, sizeof(pkt));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->id = htons(id);
	ip->tot_len = htons(sizeof(pkt));
	ip->saddr = ip->daddr = htonl(INADDR_LOOPBACK);
	if (sendto(tx, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		return -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = rx, .events = POLLIN };
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= 500 || poll(&p, 1, 500 - ms) <= 0)
			break;
		ssize_t n = recv(rx, buf, sizeof(buf), 0);
		struct iphdr *outer = (struct iphdr *)buf;
		size_t off = outer->ihl * 4;
		struct icmphdr *ic = (struct icmphdr *)(buf + off);
		struct iphdr *inner = (struct iphdr *)(ic + 1);

		if (n < (ssize_t)(off + sizeof(*ic) + sizeof(*inner)))
			continue;
		if (ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_PROT_UNREACH &&
		    inner->protocol == proto && inner->id == htons(id)) {
			found = 1;
			break;
		}
	}
	close(tx);
	close(rx);
	return found;
}

static void unregistered_protocol_is_answered(void)
{
	/* The detector works: 252 has no handler (unless XTCP has it). */
	int proto = module_ipproto() == 252 ? 251 : 252;

	CHECK(draws_unreachable(proto) == 1);
}

static void xtcp_protocol_follows_module(void)
{
	struct stat st;
	int loaded = stat("/sys/module/xtcp", &st) == 0;
	int proto = loaded ? module_ipproto() : IPPROTO_XTCP;

	CHECK(proto > 0);
	CHECK(draws_unreachable(proto) == !loaded);
}

static const struct xt_test tests[] = {
	TEST(unregistered_protocol_is_answered),
	TEST(xtcp_protocol_follows_module),
};

XT_MAIN("ipproto", tests)
