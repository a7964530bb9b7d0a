/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan_wire.h - the VXLAN wire format (RFC 7348): the 8-byte header, its
 * checks on the way in, and the outer UDP source port chosen from the
 * inner frame.  No I/O and no allocation: the backend (vxlan.c) and the
 * fuzzer share it.
 *
 * The header is flags (8 bits: only I, 0x08, may be set), 24 reserved
 * bits, the 24-bit VNI and 8 more reserved bits.  The Linux kernel and
 * Open vSwitch drop a datagram with any reserved bit set, and so does
 * tapsw: nothing of such a datagram reaches a port.
 */
#ifndef TAPSW_VXLAN_WIRE_H
#define TAPSW_VXLAN_WIRE_H

#include "tapsw.h"
#include "drop.h"

enum {
	VXLAN_HLEN = 8,
	VXLAN_FLAG_I = 0x08,		/* the VNI is valid: must be set */
	VXLAN_VNI_MAX = 0xffffff,
	VXLAN_DSTPORT_DEFAULT = 4789,	/* IANA; the kernel's is 8472 */
	VXLAN_SPORT_MIN = 49152,	/* outer source ports: RFC 7348 5. */
	VXLAN_SPORT_MAX = 65535,
	/* inner Ethernet header + VXLAN + UDP + outer IP: what the inner
	 * MTU is below the underlay's (the kernel's VXLAN_HEADROOM) */
	VXLAN_OVERHEAD4 = 14 + VXLAN_HLEN + 8 + 20,
	VXLAN_OVERHEAD6 = 14 + VXLAN_HLEN + 8 + 40,
};

/**
 * vxlan_hdr_build() - The header for @vni: flags I, reserved bits zero.
 * @hdr: Where it goes.
 * @vni: The VNI, at most VXLAN_VNI_MAX.
 */
void vxlan_hdr_build(uint8_t hdr[VXLAN_HLEN], uint32_t vni);

/**
 * vxlan_hdr_parse() - Check a received VXLAN datagram (the UDP payload).
 * @dg: The datagram.
 * @len: Its length.
 * @vni: Its VNI, on success.
 *
 * In this order: shorter than the header (DROP_VXLAN_SHORT), I flag clear
 * (DROP_VXLAN_BAD_FLAGS), another flag or a reserved bit set
 * (DROP_VXLAN_RESERVED), an inner frame shorter than an Ethernet header
 * (DROP_VXLAN_TRUNCATED).  The VNI is the caller's to check.
 *
 * Return: DROP_NONE, or the reason to drop it.
 */
enum drop_reason vxlan_hdr_parse(const uint8_t *dg, size_t len,
				 uint32_t *vni);

/**
 * vxlan_frame_vid() - The VLAN id of an Ethernet frame's outer tag.
 * @frame: The frame.
 * @len: Its length.
 *
 * Return: the VID of an 802.1Q or 802.1ad tag, 0 if untagged or short.
 */
uint16_t vxlan_frame_vid(const uint8_t *frame, size_t len);

/**
 * vxlan_flow_hash() - A hash of the inner frame's flow, for the outer
 * source port and the choice of send socket.
 * @frame: The inner Ethernet frame.
 * @len: Its length.
 *
 * Over the MAC addresses and EtherType, and for IPv4 and IPv6 the
 * addresses, the protocol and (TCP, UDP, SCTP; not for fragments) the
 * ports: one flow, one hash, so a flow keeps one outer source port and
 * its order on the underlay's ECMP paths.
 *
 * Return: the hash.
 */
uint32_t vxlan_flow_hash(const uint8_t *frame, size_t len);

#endif /* TAPSW_VXLAN_WIRE_H */
