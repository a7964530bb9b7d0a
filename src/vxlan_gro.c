// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vxlan_gro.c - inner TCP segments coalesced into one TSO frame
 * (vxlan_gro.h).
 *
 * The first segment is copied whole into the buffer; each one that joins
 * adds its payload after the last.  A payload's TCP checksum is checked
 * in the same pass as its copy (csum_copy()), and a segment whose
 * checksum fails joins nothing.  vxlan_gro_take() then writes the IP
 * length (and IPv4 header checksum), the pseudo-header sum into the TCP
 * checksum and the virtio-net header: GSO_TCPV4/6, gso_size the first
 * segment's payload, NEEDS_CSUM at the TCP checksum.  Every length and
 * offset comes from the frame and is checked before use.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>

#include "tapsw/csum.h"
#include "tapsw/ether.h"
#include "tapsw/vnet.h"
#include "tapsw/vxlan_gro.h"

enum {
	GRO_FRAME_MAX = 65535 + ETHER_HDR_LEN + ETHER_VLAN_HLEN,
	GRO_OFF = PKT_HEADROOM + VNET_HDR_LEN,	/* the frame in buf */
	TCP_HLEN = 20,
	TCP_ACK = 0x10,
	TCP_PSH = 0x08,
	PROTO_TCP = 6,
};

int vxlan_gro_init(struct vxlan_gro *g)
{
	memset(g, 0, sizeof(*g));
	g->buf = malloc(GRO_OFF + GRO_FRAME_MAX);
	return g->buf ? 0 : -ENOMEM;
}

void vxlan_gro_fini(struct vxlan_gro *g)
{
	free(g->buf);
	g->buf = NULL;
}

/* where a TCP segment's headers are */
struct gro_seg {
	size_t l3, l4, hdrs, payload;
	bool ipv6;
	uint8_t flags;
};

/* @frame as a TCP segment that may join a TSO frame, or false */
static bool gro_parse(const uint8_t *frame, size_t len, struct gro_seg *s)
{
	uint16_t type;
	size_t thl, ip_len;

	if (len < ETHER_HDR_LEN)
		return false;
	s->l3 = ETHER_HDR_LEN;
	type = ether_be16(frame + 12);
	if (type == ETHER_TYPE_8021Q || type == ETHER_TYPE_8021AD) {
		if (len < ETHER_HDR_LEN + ETHER_VLAN_HLEN)
			return false;
		s->l3 += ETHER_VLAN_HLEN;
		type = ether_be16(frame + 16);
	}
	if (type == 0x0800) {
		const uint8_t *ip = frame + s->l3;

		if (len < s->l3 + 20 || ip[0] != 0x45 || ip[9] != PROTO_TCP ||
		    (ether_be16(ip + 6) & 0x3fff))	/* MF or an offset */
			return false;
		ip_len = ether_be16(ip + 2);
		s->l4 = s->l3 + 20;
		s->ipv6 = false;
	} else if (type == 0x86dd) {
		const uint8_t *ip = frame + s->l3;

		if (len < s->l3 + 40 || (ip[0] >> 4) != 6 ||
		    ip[6] != PROTO_TCP)
			return false;
		ip_len = 40 + (size_t)ether_be16(ip + 4);
		s->l4 = s->l3 + 40;
		s->ipv6 = true;
	} else {
		return false;
	}
	/* the IP length must be the frame's: no padding, nothing cut */
	if (s->l3 + ip_len != len || len < s->l4 + TCP_HLEN)
		return false;
	thl = (size_t)(frame[s->l4 + 12] >> 4) * 4;
	if (thl < TCP_HLEN || s->l4 + thl > len)
		return false;
	s->hdrs = s->l4 + thl;
	s->payload = len - s->hdrs;
	s->flags = frame[s->l4 + 13];
	return s->payload && (s->flags & ~TCP_PSH) == TCP_ACK;
}

/* the pseudo-header sum of a segment with @l4_len bytes of TCP */
static uint64_t gro_pseudo(const uint8_t *frame, const struct gro_seg *s,
			   size_t l4_len)
{
	uint64_t sum = htons(PROTO_TCP) + htons((uint16_t)l4_len);

	if (s->ipv6)
		return csum_add(frame + s->l3 + 8, 32, sum);
	return csum_add(frame + s->l3 + 12, 8, sum);
}

/*
 * copy @frame's payload to @dst, checking its TCP checksum in the same
 * pass: does it verify?
 */
static bool gro_copy_ok(uint8_t *dst, const uint8_t *frame, size_t len,
			const struct gro_seg *s)
{
	uint64_t sum = gro_pseudo(frame, s, len - s->l4);

	/* the TCP header is even-sized: the payload's sum adds on */
	sum = csum_add(frame + s->l4, s->hdrs - s->l4, sum);
	return csum_fold(csum_copy(dst, frame + s->hdrs, s->payload,
				   sum)) == 0xffff;
}

/* do @frame's headers match the first segment's, but what changes? */
static bool gro_same_headers(const struct vxlan_gro *g, const uint8_t *frame,
			     const struct gro_seg *s)
{
	const uint8_t *h = g->buf + GRO_OFF;

	if (s->hdrs != g->hdrs || s->ipv6 != g->ipv6 || s->l4 != g->l4)
		return false;
	/* Ethernet and tags */
	if (memcmp(h, frame, g->l3))
		return false;
	if (g->ipv6) {
		/* version, class, flow label; next header, hop limit, addresses */
		if (memcmp(h + g->l3, frame + g->l3, 4) ||
		    memcmp(h + g->l3 + 6, frame + g->l3 + 6, 34))
			return false;
	} else {
		/* version..tos; flags/offset, ttl, protocol; addresses */
		if (memcmp(h + g->l3, frame + g->l3, 2) ||
		    memcmp(h + g->l3 + 6, frame + g->l3 + 6, 4) ||
		    memcmp(h + g->l3 + 12, frame + g->l3 + 12, 8))
			return false;
	}
	/* ports; ack; data offset; options (flags are checked apart;
	 * window and urgent pointer may change, as in tcp_gro_receive()) */
	return !memcmp(h + g->l4, frame + g->l4, 4) &&
	       !memcmp(h + g->l4 + 8, frame + g->l4 + 8, 5) &&
	       !memcmp(h + g->l4 + TCP_HLEN, frame + g->l4 + TCP_HLEN,
		       g->hdrs - g->l4 - TCP_HLEN);
}

bool vxlan_gro_add(struct vxlan_gro *g, const uint8_t *frame, size_t len,
		   int owner)
{
	struct gro_seg s;
	uint8_t *h = g->buf + GRO_OFF;

	if (!gro_parse(frame, len, &s))
		return false;
	if (!g->len) {
		memcpy(h, frame, s.hdrs);
		if (!gro_copy_ok(h + s.hdrs, frame, len, &s))
			return false;
		g->len = len;
		g->l3 = s.l3;
		g->l4 = s.l4;
		g->hdrs = s.hdrs;
		g->ipv6 = s.ipv6;
		g->mss = g->last = s.payload;
		g->next_seq = ether_be32(frame + s.l4 + 4) + (uint32_t)s.payload;
		g->segs = 1;
		g->owner = owner;
		return true;
	}
	if (owner != g->owner || g->last != g->mss || s.payload > g->mss ||
	    (h[g->l4 + 13] & TCP_PSH) ||
	    ether_be32(frame + s.l4 + 4) != g->next_seq ||
	    g->len + s.payload > GRO_FRAME_MAX ||
	    g->len + s.payload - g->l3 > 65535 ||
	    !gro_same_headers(g, frame, &s) ||
	    !gro_copy_ok(h + g->len, frame, len, &s))
		return false;
	g->len += s.payload;
	g->last = s.payload;
	g->next_seq += (uint32_t)s.payload;
	h[g->l4 + 13] |= s.flags & TCP_PSH;
	g->segs++;
	return true;
}

static void gro_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

unsigned int vxlan_gro_take(struct vxlan_gro *g, struct pkt *pkt)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)(g->buf +
							    PKT_HEADROOM);
	uint8_t *h = g->buf + GRO_OFF;
	unsigned int segs = g->segs;
	struct gro_seg s = { .l3 = g->l3, .ipv6 = g->ipv6 };
	uint16_t partial;
	uint64_t sum;

	if (!g->len)
		return 0;
	memset(g->buf + PKT_HEADROOM, 0, VNET_HDR_LEN);
	if (segs > 1) {
		if (g->ipv6) {
			gro_put16(h + g->l3 + 4, (uint16_t)(g->len - g->l4));
		} else {
			gro_put16(h + g->l3 + 2, (uint16_t)(g->len - g->l3));
			gro_put16(h + g->l3 + 10, 0);
			sum = csum_add(h + g->l3, 20, 0);
			partial = (uint16_t)~csum_fold(sum);
			memcpy(h + g->l3 + 10, &partial, 2);
		}
		/* NEEDS_CSUM: the pseudo-header sum, as a TSO sender leaves */
		partial = csum_fold(gro_pseudo(h, &s, g->len - g->l4));
		memcpy(h + g->l4 + 16, &partial, 2);
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->gso_type = g->ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
					 VIRTIO_NET_HDR_GSO_TCPV4;
		vh->hdr_len = htole16((uint16_t)g->hdrs);
		vh->gso_size = htole16((uint16_t)g->mss);
		vh->csum_start = htole16((uint16_t)g->l4);
		vh->csum_offset = htole16(16);
	}
	pkt->vnet = g->buf + PKT_HEADROOM;
	pkt->eth = h;
	pkt->len = g->len;
	pkt->headroom = PKT_HEADROOM;
	g->len = 0;
	g->segs = 0;
	return segs;
}
