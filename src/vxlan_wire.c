// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vxlan_wire.c - the VXLAN header (RFC 7348) built and checked, and the
 * inner flow hash behind the outer UDP source port (vxlan_wire.h).
 *
 * Every length comes from the wire and is checked before use.  The hash
 * reads at most the inner Ethernet, VLAN, IP and L4 port fields, each only
 * when the frame holds it.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/ether.h"
#include "tapsw/vxlan_wire.h"

void vxlan_hdr_build(uint8_t hdr[VXLAN_HLEN], uint32_t vni)
{
	memset(hdr, 0, VXLAN_HLEN);
	hdr[0] = VXLAN_FLAG_I;
	hdr[4] = (uint8_t)(vni >> 16);
	hdr[5] = (uint8_t)(vni >> 8);
	hdr[6] = (uint8_t)vni;
}

enum drop_reason vxlan_hdr_parse(const uint8_t *dg, size_t len,
				 uint32_t *vni)
{
	if (unlikely(len < VXLAN_HLEN))
		return DROP_VXLAN_SHORT;
	if (unlikely(!(dg[0] & VXLAN_FLAG_I)))
		return DROP_VXLAN_BAD_FLAGS;
	if (unlikely((dg[0] & ~VXLAN_FLAG_I) | dg[1] | dg[2] | dg[3] | dg[7]))
		return DROP_VXLAN_RESERVED;
	if (unlikely(len < VXLAN_HLEN + ETHER_HDR_LEN))
		return DROP_VXLAN_TRUNCATED;
	*vni = (uint32_t)dg[4] << 16 | (uint32_t)dg[5] << 8 | dg[6];
	return DROP_NONE;
}

uint16_t vxlan_frame_vid(const uint8_t *frame, size_t len)
{
	uint16_t type;

	if (len < ETHER_HDR_LEN + ETHER_VLAN_HLEN)
		return 0;
	type = ether_be16(frame + 12);
	if (type != ETHER_TYPE_8021Q && type != ETHER_TYPE_8021AD)
		return 0;
	return ether_be16(frame + 14) & 0xfff;
}

/* murmur3's finaliser: each input bit moves every output bit */
static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v * 0xcc9e2d51u;
	h = (h << 13 | h >> 19) * 5 + 0xe6546b64u;
	return h;
}

static uint32_t fmix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

enum {
	IPPROTO_TCP_ = 6,
	IPPROTO_UDP_ = 17,
	IPPROTO_SCTP_ = 132,
	ETHER_TYPE_IPV4 = 0x0800,
	ETHER_TYPE_IPV6 = 0x86dd,
};

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ ||
	       proto == IPPROTO_SCTP_;
}

uint32_t vxlan_flow_hash(const uint8_t *frame, size_t len)
{
	size_t off = 12, l4 = 0;
	uint32_t h = 0x9747b28cu;
	uint16_t type;
	uint8_t proto = 0;
	unsigned int i;

	if (len < ETHER_HDR_LEN)
		return fmix(h ^ (uint32_t)len);
	for (i = 0; i < 12; i += 4)
		h = mix(h, ether_be32(frame + i));
	type = ether_be16(frame + off);
	if ((type == ETHER_TYPE_8021Q || type == ETHER_TYPE_8021AD) &&
	    len >= off + 6) {
		h = mix(h, ether_be16(frame + off + 2) & 0xfff);
		off += ETHER_VLAN_HLEN;
		type = ether_be16(frame + off);
	}
	off += 2;
	h = mix(h, type);
	if (type == ETHER_TYPE_IPV4 && len >= off + 20) {
		const uint8_t *ip = frame + off;
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

		proto = ip[9];
		h = mix(h, ether_be32(ip + 12));
		h = mix(h, ether_be32(ip + 16));
		/* not a fragment: ports are in this one */
		if (ihl >= 20 && !(ether_be16(ip + 6) & 0x3fff))
			l4 = off + ihl;
	} else if (type == ETHER_TYPE_IPV6 && len >= off + 40) {
		const uint8_t *ip = frame + off;

		proto = ip[6];
		for (i = 8; i < 40; i += 4)
			h = mix(h, ether_be32(ip + i));
		l4 = off + 40;
	}
	h = mix(h, proto);
	if (l4 && has_ports(proto) && len >= l4 + 4)
		h = mix(h, ether_be32(frame + l4));
	return fmix(h);
}
