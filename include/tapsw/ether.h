/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ether.h - Ethernet frames and MAC addresses: parse, format, classify.
 *
 * ether_classify() is the first look at every frame the switch reads: it
 * checks the lengths, finds the VLAN id (802.1Q or 802.1ad outer tag, 0 when
 * untagged) and rejects what a switch must never learn or forward.  It only
 * reads the frame.
 */
#ifndef TAPSW_ETHER_H
#define TAPSW_ETHER_H

#include "tapsw.h"
#include "drop.h"

#include <string.h>

enum {
	ETHER_ADDR_LEN = 6,
	ETHER_HDR_LEN = 14,
	ETHER_VLAN_HLEN = 4,
	ETHER_TYPE_8021Q = 0x8100,
	ETHER_TYPE_8021AD = 0x88a8,
	ETHER_MAC_STRLEN = 18,		/* "xx:xx:xx:xx:xx:xx" + NUL */
};

struct ether_info {
	const uint8_t *dst;
	const uint8_t *src;
	uint16_t vid;		/* VLAN id of the outer tag, 0 if untagged */
	bool tagged;
	uint16_t ethertype;	/* after the outer tag */
	size_t hdr_len;		/* 14, or 18 with a tag */
};

/* a big-endian 16- or 32-bit field of a frame, at any alignment */
static inline uint16_t ether_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ether_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline bool ether_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1;	/* broadcast included */
}

static inline bool ether_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

static inline bool ether_is_zero(const uint8_t *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/**
 * ether_is_link_local() - Is @mac in 01:80:c2:00:00:00-0f?
 * @mac: The MAC.
 *
 * 802.1D reserved, link-local (STP, pause, LACP, 802.1X).
 *
 * Return: true if it is.
 */
static inline bool ether_is_link_local(const uint8_t *mac)
{
	return mac[0] == 0x01 && mac[1] == 0x80 && mac[2] == 0xc2 &&
	       mac[3] == 0x00 && mac[4] == 0x00 && (mac[5] & 0xf0) == 0x00;
}

/**
 * ether_classify() - Parse the header of @frame into @info.
 * @frame: The frame.
 * @len: Its length.
 * @info: Its addresses, VLAN, EtherType and header length.
 *
 * Return: DROP_NONE if the frame may be learned and forwarded, else the
 * reason to drop it.
 */
enum drop_reason ether_classify(const uint8_t *frame, size_t len,
				struct ether_info *info);

/**
 * ether_mac_parse() - Parse a MAC address.
 * @s: "52:54:00:12:34:56" (or '-' separated).
 * @mac: The address.
 *
 * Return: 0 or -EINVAL.
 */
int ether_mac_parse(const char *s, uint8_t mac[ETHER_ADDR_LEN]);

/**
 * ether_mac_format() - Format a MAC address: lower-case, colon separated.
 * @mac: The address.
 * @buf: Where to write it.
 *
 * Return: @buf.
 */
char *ether_mac_format(const uint8_t mac[ETHER_ADDR_LEN],
		       char buf[ETHER_MAC_STRLEN]);

#endif /* TAPSW_ETHER_H */
