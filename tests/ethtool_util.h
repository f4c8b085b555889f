/* SPDX-License-Identifier: GPL-2.0 */
/* Netdev features from the tests, as ethtool -K sets them. */
#ifndef XTCP_ETHTOOL_UTIL_H
#define XTCP_ETHTOOL_UTIL_H

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * Turn the netdev feature @name ("rx-gro", "tx-sctp-segmentation") of @dev
 * in the current namespace on or off, as ethtool -K does: its bit from
 * the ETH_SS_FEATURES strings, then ETHTOOL_SFEATURES.  0 or -1.
 */
static inline int set_feature(const char *dev, const char *name, int on)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 n;
	} info = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			    .sset_mask = 1ULL << ETH_SS_FEATURES } };
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_sfeatures *sf = NULL;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), r = -1;
	unsigned int i, blocks;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&info;
	if (fd < 0 || ioctl(fd, SIOCETHTOOL, &ifr) || !info.hdr.sset_mask)
		goto out;
	gs = calloc(1, sizeof(*gs) + info.n * ETH_GSTRING_LEN);
	if (!gs)
		goto out;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = info.n;
	ifr.ifr_data = (void *)gs;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		goto out;
	for (i = 0; i < info.n; i++)
		if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN, name,
			     ETH_GSTRING_LEN))
			break;
	if (i == info.n)
		goto out;
	blocks = (info.n + 31) / 32;
	sf = calloc(1, sizeof(*sf) + blocks * sizeof(sf->features[0]));
	if (!sf)
		goto out;
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = blocks;
	sf->features[i / 32].valid = 1U << (i % 32);
	sf->features[i / 32].requested = on ? 1U << (i % 32) : 0;
	ifr.ifr_data = (void *)sf;
	r = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -1 : 0;
out:
	free(gs);
	free(sf);
	if (fd >= 0)
		close(fd);
	return r;
}

/* The features @names[0..@n) of @dev on or off: 0 or -1. */
static inline int set_features(const char *dev, const char *const *names,
			unsigned int n, int on)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set_feature(dev, names[i], on))
			return -1;
	return 0;
}

#endif /* XTCP_ETHTOOL_UTIL_H */
