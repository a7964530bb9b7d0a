/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet.h - the virtio-net header of TAP ports with offloads: check it, and
 * finish in software what an egress port without offloads cannot take.
 *
 * A TAP opened with IFF_VNET_HDR, TUNSETVNETHDRSZ(12) and TUNSETOFFLOAD
 * prefixes every frame with a struct virtio_net_hdr_mrg_rxbuf (VNET_HDR_LEN
 * bytes; its first 10 bytes are the struct virtio_net_hdr these functions
 * take, little-endian).  Between ports with the same offloads the header
 * travels untouched.  Toward a port without them the switch calls:
 *
 *	vnet_hdr_check()	once per frame read, before forwarding;
 *	vnet_frame_seg_len()	for the egress MTU check of a GSO frame;
 *	vnet_csum_finish()	non-GSO frame with NEEDS_CSUM, port without
 *				TUN_F_CSUM: completes the checksum in place;
 *	vnet_segment()		GSO frame, port without TSO/USO: emits plain,
 *				fully checksummed frames from one buffer.
 *
 * Accepted GSO types: TCPV4, TCPV6 (either with the ECN bit) and UDP_L4
 * (USO).  UFO (VIRTIO_NET_HDR_GSO_UDP) is rejected: tapsw never negotiates
 * it, so no TAP hands it over.  L2 may carry up to three VLAN tags (802.1ad
 * or 802.1Q: a QinQ frame with a tag the switch pushed); IPv4 options and
 * the IPv6 hop-by-hop, routing and destination-options headers are walked
 * and copied into every segment; IP fragments and other extension headers
 * are rejected.
 *
 * hdr_len is a hint (virtio 1.x without GUEST_HDRLEN; the kernel's
 * tun_get_user() raises a hdr_len that is too small): it must not exceed
 * the frame, but where the headers end is found by parsing them, never taken
 * from hdr_len.  Nothing here allocates; nothing keeps a pointer.
 */
#ifndef TAPSW_VNET_H
#define TAPSW_VNET_H

#include "tapsw.h"
#include "drop.h"

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

/* kernel 6.1 headers (Debian 12) lack them; the ABI values */
#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6	0x40
#endif

/* ... and this one: 5 */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

enum {
	/* struct virtio_net_hdr_mrg_rxbuf: what TUNSETVNETHDRSZ is set to */
	VNET_HDR_LEN = 12,
};

static inline bool vnet_hdr_is_gso(const struct virtio_net_hdr *vh)
{
	return vh->gso_type != VIRTIO_NET_HDR_GSO_NONE;
}

static inline bool vnet_hdr_needs_csum(const struct virtio_net_hdr *vh)
{
	return vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
}

/**
 * vnet_hdr_offloads() - What a receiver needs to take the frame behind @vh.
 * @vh: The virtio-net header.
 *
 * Return: the TUN_F_* bits a receiver must have to take the frame as it is:
 * CSUM for a partial checksum, TSO4, TSO6 (and TSO_ECN with the ECN bit) or
 * USO4|USO6 for a GSO frame.
 */
static inline unsigned int vnet_hdr_offloads(const struct virtio_net_hdr *vh)
{
	unsigned int need = vnet_hdr_needs_csum(vh) ? TUN_F_CSUM : 0;

	switch (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		need |= TUN_F_TSO4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		need |= TUN_F_TSO6;
		break;
	default:
		need |= TUN_F_USO4 | TUN_F_USO6;
		break;
	}
	if (vh->gso_type & VIRTIO_NET_HDR_GSO_ECN)
		need |= TUN_F_TSO_ECN;
	return need;
}

/**
 * vnet_hdr_check() - Is @vh consistent with the frame that follows it?
 * @vh: The virtio-net header.
 * @frame: The Ethernet frame.
 * @len: Its length.
 *
 * Any frame: hdr_len beyond the frame is DROP_VNET_BAD_GSO; NEEDS_CSUM with
 * csum_start + csum_offset + 2 beyond the frame is DROP_VNET_BAD_CSUM (the
 * checks tun_get_user() makes on write).
 * GSO frame, DROP_VNET_BAD_GSO: unknown gso_type (also UFO, ECN alone, ECN
 * with UDP_L4), gso_size 0, L2/L3/L4 headers truncated or not what gso_type
 * says (TCPV4 needs IPv4+TCP, TCPV6 IPv6+TCP, UDP_L4 either+UDP), an IP
 * fragment, an IP packet above 64 KiB, UDP_L4 without NEEDS_CSUM.
 * GSO frame, DROP_VNET_BAD_CSUM: NEEDS_CSUM with csum_start not at the L4
 * header or csum_offset not 16 (TCP) / 6 (UDP).
 *
 * Return: DROP_NONE, or the reason to drop the frame.
 */
enum drop_reason vnet_hdr_check(const struct virtio_net_hdr *vh,
				const uint8_t *frame, size_t len);

/**
 * vnet_frame_seg_len() - Length of the largest frame @frame becomes.
 * @vh: The virtio-net header.
 * @frame: The Ethernet frame.
 * @len: Its length.
 *
 * The largest Ethernet frame (L2 header and tags included) that @frame
 * becomes once segmented: its L2+L3+L4 headers plus gso_size, or plus the
 * whole payload when that is smaller.  For the egress MTU check before
 * vnet_segment().
 *
 * Return: that length for a valid GSO frame; @len for a non-GSO frame or
 * one that vnet_hdr_check() rejects.
 */
size_t vnet_frame_seg_len(const struct virtio_net_hdr *vh,
			  const uint8_t *frame, size_t len);

/**
 * vnet_csum_finish() - Complete a NEEDS_CSUM partial checksum in place.
 * @vh: The virtio-net header.
 * @frame: The Ethernet frame.
 * @len: Its length.
 *
 * The sender left the folded pseudo-header sum at csum_start + csum_offset;
 * sum from csum_start to the end of the frame, fold, complement and store
 * (0 is stored as 0xffff, as the kernel's skb_checksum_help()).  Does
 * nothing without NEEDS_CSUM.  Meant for non-GSO frames: vnet_segment()
 * finishes the checksums of a GSO frame itself.  The caller drops the
 * header afterwards (or clears NEEDS_CSUM in its own copy).
 *
 * Return: 0, or -EINVAL if the checksum fields do not fit in @len.
 */
int vnet_csum_finish(const struct virtio_net_hdr *vh, uint8_t *frame,
		     size_t len);

/**
 * typedef vnet_emit_t - vnet_segment()'s callback: one finished frame.
 * @seg: The frame.
 * @seg_len: Its length.
 * @arg: vnet_segment()'s @arg.
 *
 * Return: 0 (the next segment at the start of the segment buffer), a
 * positive offset into it for the next one, or a negative errno, which
 * stops segmentation.
 */
typedef int (*vnet_emit_t)(const uint8_t *seg, size_t seg_len, void *arg);

/**
 * vnet_segment() - Cut a GSO frame into plain frames.
 * @vh: The virtio-net header.
 * @frame: The Ethernet frame.
 * @len: Its length.
 * @seg_buf: Where each segment is built.
 * @seg_buf_len: Size of @seg_buf.
 * @emit: Called with each segment.
 * @arg: For @emit.
 *
 * Every segment has at most gso_size payload bytes, correct lengths and full
 * checksums:
 *
 *	TCP: seq advanced by gso_size per segment; FIN and PSH only on the
 *	     last, CWR only on the first (tcp_gso_segment());
 *	UDP_L4 (USO): each segment its own datagram (length, checksum);
 *	IPv4: total length, id incremented per segment, header checksum;
 *	IPv6: payload length.
 *
 * L4 checksums: with NEEDS_CSUM the pseudo-header sum is taken from the
 * partial checksum the sender left (so an IPv6 routing header's final
 * destination is right) and adjusted for each length, as the kernel does;
 * without it, it is computed from the IP addresses.
 *
 * Each segment is built in @seg_buf and passed to @emit.  @seg_buf_len must
 * be at least vnet_frame_seg_len(), else -ENOBUFS before anything is
 * emitted.  @emit returns 0 to have the next segment built at the start of
 * @seg_buf again, or a positive offset into @seg_buf to have it built there
 * (the segments of a frame back to back, say: the callback keeps them), a
 * place that must leave room for the largest segment, else -ENOBUFS.  A frame whose payload fits in gso_size yields one segment.
 * A non-GSO frame is emitted once: as it is (@seg points into @frame)
 * without NEEDS_CSUM, else copied to @seg_buf (needs @len bytes) with its
 * checksum finished.
 *
 * Return: the number of segments emitted; -EINVAL if vnet_hdr_check()
 * rejects the frame; -ENOBUFS; or the negative value @emit returned, which
 * stops segmentation at once.
 */
int vnet_segment(const struct virtio_net_hdr *vh, const uint8_t *frame,
		 size_t len, uint8_t *seg_buf, size_t seg_buf_len,
		 vnet_emit_t emit, void *arg);

#endif /* TAPSW_VNET_H */
