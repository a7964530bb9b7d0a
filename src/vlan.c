// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vlan.c - per-port VLAN modes: ingress classification, and tag push and
 * pop with the virtio-net header carried along (docs/vlan.md).  The
 * configuration's text and JSON forms are ctl_codec.c's.
 *
 * A frame travels through the switch with its virtio-net header just
 * before its Ethernet header, and every backend leaves PKT_HEADROOM bytes
 * before that header.  Pushing a tag therefore moves only the header and
 * the two MAC addresses (24 bytes) 4 bytes toward the buffer's start and
 * writes the tag into the gap; popping moves them 4 bytes the other way,
 * over the tag.  The payload never moves, whatever its size.  The
 * virtio-net header's offsets count from the frame's first byte, so
 * csum_start and hdr_len move with the tag; gso_size and the checksums
 * (which never cover the Ethernet header) do not change.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <string.h>
#include <linux/virtio_net.h>

#include "tapsw/ether.h"
#include "tapsw/pkt.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"

enum {
	/* what a push or pop moves: the virtio-net header and the MACs */
	VLAN_MOVE_LEN = VNET_HDR_LEN + 2 * ETHER_ADDR_LEN,
};

enum drop_reason vlan_ingress(const struct vlan_config *vc,
			      const uint8_t *frame, struct ether_info *eth)
{
	uint16_t vid = 0;

	if (vc->mode == VLAN_MODE_NONE)
		return DROP_NONE;
	/* here only an 802.1Q tag is a tag: 802.1ad is payload (QinQ) */
	eth->tagged = eth->tagged &&
		      frame[2 * ETHER_ADDR_LEN] == ETHER_TYPE_8021Q >> 8 &&
		      frame[2 * ETHER_ADDR_LEN + 1] == (ETHER_TYPE_8021Q & 0xff);
	if (eth->tagged)
		vid = eth->vid;
	else
		eth->hdr_len = ETHER_HDR_LEN;	/* an 802.1ad tag is payload */

	if (vc->mode == VLAN_MODE_ACCESS) {
		if (vid)
			return DROP_VLAN_INGRESS;
		eth->vid = vc->tag;	/* untagged or priority-tagged */
		return DROP_NONE;
	}
	if (!vid) {
		if (!vc->native)
			return DROP_VLAN_INGRESS;
		eth->vid = vc->native;
		return DROP_NONE;
	}
	if (vid != vc->native && !vlan_trunk_has(vc, vid))
		return DROP_VLAN_INGRESS;
	eth->vid = vid;
	return DROP_NONE;
}

/*
 * vlan_vnet_shift() - @delta bytes went in after the MAC addresses (or
 * came out, < 0): the header's offsets past them move as much
 */
static void vlan_vnet_shift(struct pkt *pkt, int delta)
{
	struct virtio_net_hdr vh;
	int start, hdr_len;

	memcpy(&vh, pkt->vnet, sizeof(vh));
	start = le16toh(vh.csum_start) + delta;
	hdr_len = le16toh(vh.hdr_len) + delta;
	if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		vh.csum_start = htole16((uint16_t)start);
	if (vh.hdr_len)
		vh.hdr_len = htole16((uint16_t)MAX(hdr_len, 0));
	memcpy(pkt->vnet, &vh, sizeof(vh));
}

int vlan_push(struct pkt *pkt, uint16_t tpid, uint16_t tci)
{
	struct virtio_net_hdr vh;
	uint8_t *tag;

	if (pkt->headroom < ETHER_VLAN_HLEN)
		return -ENOSPC;
	/* csum_start and hdr_len are 16 bits: a frame near 64 KiB */
	memcpy(&vh, pkt->vnet, sizeof(vh));
	if (le16toh(vh.csum_start) > 0xffff - ETHER_VLAN_HLEN ||
	    le16toh(vh.hdr_len) > 0xffff - ETHER_VLAN_HLEN)
		return -ERANGE;
	memmove(pkt->vnet - ETHER_VLAN_HLEN, pkt->vnet, VLAN_MOVE_LEN);
	pkt->vnet -= ETHER_VLAN_HLEN;
	pkt->eth -= ETHER_VLAN_HLEN;
	pkt->len += ETHER_VLAN_HLEN;
	pkt->headroom -= ETHER_VLAN_HLEN;

	tag = pkt->eth + 2 * ETHER_ADDR_LEN;
	tag[0] = (uint8_t)(tpid >> 8);
	tag[1] = (uint8_t)tpid;
	tag[2] = (uint8_t)(tci >> 8);
	tag[3] = (uint8_t)tci;
	vlan_vnet_shift(pkt, ETHER_VLAN_HLEN);
	return 0;
}

void vlan_pop(struct pkt *pkt)
{
	memmove(pkt->vnet + ETHER_VLAN_HLEN, pkt->vnet, VLAN_MOVE_LEN);
	pkt->vnet += ETHER_VLAN_HLEN;
	pkt->eth += ETHER_VLAN_HLEN;
	pkt->len -= ETHER_VLAN_HLEN;
	pkt->headroom += ETHER_VLAN_HLEN;
	vlan_vnet_shift(pkt, -ETHER_VLAN_HLEN);
}
