/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pkt.h - a frame on its way through the switch (struct pkt), and the
 * headroom every backend leaves before it.
 *
 * Every frame carries a virtio-net header (VNET_HDR_LEN bytes, just before
 * the Ethernet header in the same buffer): the one read from a port with
 * vnet headers, or an all-zero one ("plain frame, checksum complete")
 * written by the backend for ports without.  The header travels with the
 * frame untouched to every port that takes vnet headers; port_output()
 * finishes checksums and segments GSO frames for ports that do not.
 * Backends leave PKT_HEADROOM writable bytes before the header, so that
 * the switch can push a VLAN tag in place (vlan_push()); pkt.headroom says
 * how many there are.
 */
#ifndef TAPSW_PKT_H
#define TAPSW_PKT_H

#include "tapsw.h"
#include "ether.h"

struct pkt {
	uint8_t *vnet;		/* == eth - VNET_HDR_LEN */
	uint8_t *eth;		/* the Ethernet frame */
	size_t len;		/* its length */
	size_t headroom;	/* writable bytes before vnet */
};

enum {
	PKT_HEADROOM = ETHER_VLAN_HLEN,	/* what backends leave: one tag */
};

#endif /* TAPSW_PKT_H */
