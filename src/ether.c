// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ether.c - Ethernet header checks and MAC address text.
 *
 * What a frame must be to be forwarded (802.1D, as the Linux bridge):
 * at least a full Ethernet header, and a full tag when it says it carries
 * one; a unicast, non-zero source (a multicast or zero source can never be
 * learned, and a frame claiming one is bogus); a destination outside the
 * 802.1D reserved block 01:80:c2:00:00:00-0f.  The Linux bridge forwards STP
 * BPDUs (…:00) when it does not run STP itself; tapsw, like Open vSwitch
 * without forward-bpdu, forwards none of the block.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>

#include "tapsw/ether.h"

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum drop_reason ether_classify(const uint8_t *frame, size_t len,
				struct ether_info *info)
{
	uint16_t type;

	if (len < ETHER_HDR_LEN)
		return DROP_RUNT;

	info->dst = frame;
	info->src = frame + ETHER_ADDR_LEN;
	info->vid = 0;
	info->tagged = false;
	info->hdr_len = ETHER_HDR_LEN;

	type = get_be16(frame + 2 * ETHER_ADDR_LEN);
	if (type == ETHER_TYPE_8021Q || type == ETHER_TYPE_8021AD) {
		if (len < ETHER_HDR_LEN + ETHER_VLAN_HLEN)
			return DROP_VLAN_TRUNCATED;
		info->vid = get_be16(frame + ETHER_HDR_LEN) & 0x0fff;
		info->tagged = true;
		info->hdr_len += ETHER_VLAN_HLEN;
		type = get_be16(frame + ETHER_HDR_LEN + 2);
	}
	info->ethertype = type;

	if (ether_is_multicast(info->src))
		return DROP_SRC_MULTICAST;
	if (ether_is_zero(info->src))
		return DROP_SRC_ZERO;
	if (ether_is_link_local(info->dst))
		return DROP_LINK_LOCAL;
	return DROP_NONE;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ether_mac_parse(const char *s, uint8_t mac[ETHER_ADDR_LEN])
{
	char sep = 0;
	int i;

	for (i = 0; i < ETHER_ADDR_LEN; i++) {
		int hi = hexval(s[0]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = hexval(s[1]);
		if (lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i == ETHER_ADDR_LEN - 1)
			break;
		if (*s != ':' && *s != '-')
			return -EINVAL;
		if (sep && *s != sep)
			return -EINVAL;
		sep = *s++;
	}
	return *s ? -EINVAL : 0;
}

char *ether_mac_format(const uint8_t mac[ETHER_ADDR_LEN],
		       char buf[ETHER_MAC_STRLEN])
{
	snprintf(buf, ETHER_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
