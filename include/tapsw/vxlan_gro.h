/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan_gro.h - inner TCP segments of one flow, decapsulated back to back,
 * coalesced into one TSO frame (a virtio-net header with GSO_TCPV4/6), so
 * that a TAP port takes in one write what came as 45 datagrams: what the
 * kernel's GRO does for its vxlan device.  No I/O, no allocation after
 * vxlan_gro_init().
 *
 * A segment joins the frame being built when it continues it: the same
 * Ethernet, IP and TCP headers but for the fields that change from segment
 * to segment (IP length, id and checksum; TCP sequence number and
 * checksum), the next sequence number, only ACK (and PSH on the last)
 * among the TCP flags, a payload no longer than the first's (a shorter one
 * ends the frame), IPv4 without options or fragments, IPv6 with TCP right
 * after its header, and a TCP checksum that verifies (checked here: the
 * TSO frame's partial checksum would hide a bad one).  Anything else ends
 * the frame being built and goes on alone.  This is the kernel's
 * tcp_gro_receive() rule set, less its corner cases (it is never less
 * strict).
 */
#ifndef TAPSW_VXLAN_GRO_H
#define TAPSW_VXLAN_GRO_H

#include "tapsw.h"
#include "pkt.h"

struct vxlan_gro {
	uint8_t *buf;		/* headroom, virtio-net header, the frame */
	size_t len;		/* the frame's bytes; 0: nothing held */
	size_t l3, l4, hdrs;	/* its IP and TCP header offsets, all headers */
	size_t mss;		/* the first segment's payload */
	size_t last;		/* the last segment's payload */
	uint32_t next_seq;	/* the sequence number that continues it */
	unsigned int segs;
	bool ipv6;
	int owner;		/* the caller's tag (the remote) */
};

/**
 * vxlan_gro_init() - Allocate the frame buffer.
 * @g: The coalescer.
 *
 * Return: 0 or -ENOMEM.
 */
int vxlan_gro_init(struct vxlan_gro *g);

/**
 * vxlan_gro_fini() - Free it.
 * @g: The coalescer.
 */
void vxlan_gro_fini(struct vxlan_gro *g);

/**
 * vxlan_gro_add() - Take @frame into the frame being built, or start one.
 * @g: The coalescer.
 * @frame: A plain Ethernet frame (complete checksums).
 * @len: Its length.
 * @owner: Whose it is (frames of different owners never join).
 *
 * Return: true if @g took it (the caller forgets it); false if it is no
 * TCP segment that can be coalesced: flush @g (vxlan_gro_take()) first,
 * then forward @frame as it is.  A segment that does not continue the
 * frame being built is false as well, unless @g was empty: so flush, then
 * try again.
 */
bool vxlan_gro_add(struct vxlan_gro *g, const uint8_t *frame, size_t len,
		   int owner);

/**
 * vxlan_gro_take() - The frame built, ready to forward; @g is empty after.
 * @g: The coalescer.
 * @pkt: The frame, in @g's buffer (valid until the next vxlan_gro_add()):
 *       one segment alone with an all-zero virtio-net header, several as a
 *       TSO frame (NEEDS_CSUM, the pseudo-header sum in the TCP checksum).
 *
 * Return: the number of segments in it (0: nothing held, @pkt untouched).
 */
unsigned int vxlan_gro_take(struct vxlan_gro *g, struct pkt *pkt);

#endif /* TAPSW_VXLAN_GRO_H */
