/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vlan.h - per-port VLAN modes: transparent (the default), access and
 * trunk.  The semantics, and how they compare with Open vSwitch and the
 * Linux bridge, are in docs/vlan.md.
 *
 * Inside the switch every frame belongs to one VLAN, its internal VID: the
 * FDB key and the flooding domain.  On a transparent port it is the VID of
 * the frame's outer tag (802.1Q or 802.1ad; 0 when untagged or
 * priority-tagged).  On an access or trunk port only an 802.1Q (0x8100)
 * tag counts, as on the Linux bridge: vlan_ingress() gives the frame its
 * VLAN or refuses it.  On the way out vlan_egress() says whether a port is
 * in the frame's VLAN and whether the frame leaves it tagged; the switch
 * then pushes or pops the tag in place with vlan_push() and vlan_pop(),
 * which move the virtio-net header along and keep its offsets (csum_start,
 * hdr_len) right.
 *
 * The configuration's text form ("access 10", "trunk 10,20-29 native 5")
 * and JSON form ({"mode":"trunk","trunks":[10,20],"native":5}) are the
 * control plane's (ctl_codec.h).  Nothing here allocates or makes a system
 * call.
 */
#ifndef TAPSW_VLAN_H
#define TAPSW_VLAN_H

#include "tapsw.h"
#include "drop.h"
#include "ether.h"

struct pkt;

enum {
	VLAN_VID_MIN = 1,
	VLAN_VID_MAX = 4094,
	VLAN_N_VID = 4096,
	VLAN_VID_MASK = 0x0fff,
};

enum vlan_mode {
	VLAN_MODE_NONE = 0,	/* transparent: tags pass untouched */
	VLAN_MODE_ACCESS,	/* untagged frames, all in VLAN tag */
	VLAN_MODE_TRUNK,	/* tagged frames of the trunks; native untagged */
	VLAN_MODE_MAX
};

struct vlan_config {
	enum vlan_mode mode;
	uint16_t tag;		/* access: the port's VLAN */
	uint16_t native;	/* trunk: the VLAN of untagged frames, 0: none */
	uint64_t trunks[VLAN_N_VID / 64];	/* trunk: VLANs carried tagged */
};

static inline bool vlan_trunk_has(const struct vlan_config *vc, uint16_t vid)
{
	return vc->trunks[vid / 64] >> (vid % 64) & 1;
}

static inline void vlan_trunk_add(struct vlan_config *vc, uint16_t vid)
{
	vc->trunks[vid / 64] |= (uint64_t)1 << (vid % 64);
}

/**
 * vlan_ingress() - The VLAN of a frame that came in on a port configured @vc.
 * @vc: The ingress port's VLAN mode.
 * @frame: The frame.
 * @eth: ether_classify()'s view of @frame.
 *
 * On success @eth's vid is set to the frame's VLAN, its tagged member says
 * whether the frame's outer tag is that VLAN's tag (which vlan_pop() would
 * remove), and its hdr_len no longer counts an 802.1ad tag taken as
 * payload.  Transparent ports keep ether_classify()'s answer.
 *
 * Return: DROP_NONE, or DROP_VLAN_INGRESS when the port does not take the
 * frame's VLAN (access: a tag with a VID other than 0; trunk: a VID not in
 * its trunks and not its native VLAN, or untagged without a native VLAN).
 */
enum drop_reason vlan_ingress(const struct vlan_config *vc,
			      const uint8_t *frame, struct ether_info *eth);

/**
 * vlan_egress() - Is a port in VLAN @vid, and does a frame leave it tagged?
 * @vc: The port's VLAN mode.
 * @vid: The frame's VLAN.
 * @tagged: How the frame stands now; set to how it must leave (VLAN 0
 *          leaves transparent ports as it is).
 *
 * Return: true if the port is in the VLAN.
 */
static inline bool vlan_egress(const struct vlan_config *vc, uint16_t vid,
			       bool *tagged)
{
	switch (vc->mode) {
	case VLAN_MODE_ACCESS:
		*tagged = false;
		return vid == vc->tag;
	case VLAN_MODE_TRUNK:
		if (vc->native && vid == vc->native) {
			*tagged = false;
			return true;
		}
		*tagged = true;
		return vlan_trunk_has(vc, vid);
	case VLAN_MODE_NONE:
	default:
		if (vid)
			*tagged = true;
		return true;
	}
}

/**
 * vlan_push() - Insert a tag after the MAC addresses of @pkt, in place.
 * @pkt: The frame.
 * @tpid: ETHER_TYPE_8021Q, or 802.1ad.
 * @tci: PCP, DEI and VID.
 *
 * The addresses and the virtio-net header move 4 bytes toward the buffer's
 * start (pkt->headroom must allow it), the header's csum_start (with
 * NEEDS_CSUM) and hdr_len (when set) grow by 4.  A GSO frame stays valid
 * (vnet.c walks up to three tags).
 *
 * Return: 0, or -ENOSPC without headroom (nothing changed).
 */
int vlan_push(struct pkt *pkt, uint16_t tpid, uint16_t tci);

/**
 * vlan_pop() - Remove the outer tag of @pkt in place.
 * @pkt: The frame.
 *
 * The inverse of vlan_push().  The caller has checked that the frame has a
 * full tag and, with NEEDS_CSUM, that csum_start lies after it.
 */
void vlan_pop(struct pkt *pkt);

/**
 * vlan_set_vid() - Rewrite the VID of @frame's outer tag (PCP, DEI kept).
 * @frame: The frame.
 * @vid: The new VID.
 */
static inline void vlan_set_vid(uint8_t *frame, uint16_t vid)
{
	uint8_t *tci = frame + 2 * ETHER_ADDR_LEN + 2;

	tci[0] = (uint8_t)((tci[0] & 0xf0) | (vid >> 8));
	tci[1] = (uint8_t)vid;
}

#endif /* TAPSW_VLAN_H */
