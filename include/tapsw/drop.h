/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drop.h - why a frame was not forwarded.
 *
 * Every frame the switch drops is counted once, under one reason, on the
 * port where it was dropped: ingress reasons on the port it came from,
 * egress reasons on the port it could not be sent to.  The names are the
 * keys of a port's "drop_reasons" object on the control socket.
 */
#ifndef TAPSW_DROP_H
#define TAPSW_DROP_H

#include "tapsw.h"

enum drop_reason {
	DROP_NONE = 0,
	/* ingress */
	DROP_RUNT,		/* shorter than an Ethernet header */
	DROP_VLAN_TRUNCATED,	/* 802.1Q/802.1ad tag cut short */
	DROP_SRC_MULTICAST,	/* multicast or broadcast source MAC */
	DROP_SRC_ZERO,		/* all-zero source MAC */
	DROP_LINK_LOCAL,	/* 01:80:c2:00:00:00-0f, never forwarded */
	DROP_RX_ERROR,		/* read failed or frame too large to read */
	DROP_VNET_BAD_GSO,	/* vnet header: GSO fields do not fit frame */
	DROP_VNET_BAD_CSUM,	/* vnet header: csum_start/offset do not fit */
	DROP_PEER_REFUSED,	/* a connection, not a frame: a second client
				 * on a taken stream port, refused */
	DROP_VLAN_INGRESS,	/* its VLAN is not allowed on this port */
	DROP_ISOLATED,		/* to a known destination on another
				 * isolated port (port flag "isolated") */
	DROP_LOCKED,		/* on a locked port, from a source the FDB
				 * does not have on that port */
	DROP_GUEST_ERROR,	/* not a frame: a vhost-user guest broke a
				 * ring (a bad descriptor); the port is down */
	DROP_STP_BLOCKED,	/* from or to a port the spanning tree has
				 * discarding or learning */
	DROP_BPDU_INVALID,	/* a malformed BPDU while STP runs (its
				 * reason in the port's stp counters) */
	DROP_MIRROR_PORT,	/* received on a mirror's output port, or to
				 * a known destination behind one (mirror.h) */
	/* a VXLAN port's datagrams (vxlan_wire.h), none reaches a port */
	DROP_VXLAN_SHORT,	/* shorter than the VXLAN header */
	DROP_VXLAN_TRUNCATED,	/* no whole inner Ethernet header */
	DROP_VXLAN_BAD_FLAGS,	/* I flag (VNI valid) clear */
	DROP_VXLAN_RESERVED,	/* another flag or a reserved bit set */
	DROP_VXLAN_BAD_VNI,	/* a VNI this port does not carry */
	DROP_VXLAN_BAD_SOURCE,	/* from an address that is no remote */
	/* egress */
	DROP_OVERSIZE,		/* above the egress port's MTU (or, from a
				 * socket port, its own) */
	DROP_PORT_DOWN,		/* egress port down (TAP down: EIO; or gone) */
	DROP_TX_ERROR,		/* write failed otherwise */
	DROP_VLAN_EGRESS,	/* known destination on a port not in its VLAN */
	DROP_TOO_BIG,		/* the link below refused its size (EMSGSIZE:
				 * a VXLAN underlay's MTU, never fragmented) */
	DROP_REASON_MAX
};

static inline const char *drop_reason_name(enum drop_reason r)
{
	static const char *const names[DROP_REASON_MAX] = {
		[DROP_NONE] = "none",
		[DROP_RUNT] = "runt",
		[DROP_VLAN_TRUNCATED] = "vlan_truncated",
		[DROP_SRC_MULTICAST] = "src_multicast",
		[DROP_SRC_ZERO] = "src_zero",
		[DROP_LINK_LOCAL] = "link_local",
		[DROP_RX_ERROR] = "rx_error",
		[DROP_VNET_BAD_GSO] = "vnet_bad_gso",
		[DROP_VNET_BAD_CSUM] = "vnet_bad_csum",
		[DROP_PEER_REFUSED] = "peer_refused",
		[DROP_VLAN_INGRESS] = "vlan_ingress",
		[DROP_ISOLATED] = "isolated",
		[DROP_LOCKED] = "locked",
		[DROP_GUEST_ERROR] = "guest_error",
		[DROP_STP_BLOCKED] = "stp_blocked",
		[DROP_BPDU_INVALID] = "bpdu_invalid",
		[DROP_MIRROR_PORT] = "mirror_port",
		[DROP_VXLAN_SHORT] = "vxlan_short",
		[DROP_VXLAN_TRUNCATED] = "vxlan_truncated",
		[DROP_VXLAN_BAD_FLAGS] = "vxlan_bad_flags",
		[DROP_VXLAN_RESERVED] = "vxlan_reserved",
		[DROP_VXLAN_BAD_VNI] = "vxlan_bad_vni",
		[DROP_VXLAN_BAD_SOURCE] = "vxlan_bad_source",
		[DROP_OVERSIZE] = "oversize",
		[DROP_PORT_DOWN] = "port_down",
		[DROP_TX_ERROR] = "tx_error",
		[DROP_VLAN_EGRESS] = "vlan_egress",
		[DROP_TOO_BIG] = "too_big",
	};

	return (unsigned int)r < DROP_REASON_MAX ? names[r] : "unknown";
}

#endif /* TAPSW_DROP_H */
