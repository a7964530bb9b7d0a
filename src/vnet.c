// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnet.c - virtio-net header checks, checksum completion and software
 * segmentation (GSO) for egress ports without offloads.
 *
 * The segmentation follows the kernel's tcp_gso_segment(),
 * __udp_gso_segment() and inet_gso_segment()/ipv6_gso_segment(): headers
 * copied to every segment, then lengths, IPv4 id, TCP sequence number and
 * flags patched, and the checksums computed over the segment.  The L4
 * pseudo-header sum comes from the partial checksum in the frame, minus the
 * superframe's L4 length, plus each segment's.
 *
 * Checksums are csum.h's.  A segment's payload is copied and summed in one
 * pass (csum_copy()); its headers are summed after they are patched.
 */
#include "tapsw/tapsw.h"

#include <arpa/inet.h>
#include <endian.h>
#include <netinet/in.h>
#include <string.h>

#include "tapsw/csum.h"
#include "tapsw/ether.h"
#include "tapsw/vnet.h"

enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	VNET_MAX_VLAN_TAGS = 3,		/* 802.1ad + 802.1Q, + one pushed */
	VNET_MAX_IPV6_EXT = 8,		/* extension headers walked, at most */
	IPV4_HDR_MIN = 20,
	IPV4_OFF_TOT_LEN = 2,
	IPV4_OFF_ID = 4,
	IPV4_OFF_FRAG = 6,
	IPV4_FRAG_MASK = 0x3fff,	/* MF | fragment offset */
	IPV4_OFF_PROTO = 9,
	IPV4_OFF_CSUM = 10,
	IPV4_OFF_SRC = 12,		/* then dst at 16 */
	IPV6_HDR_LEN = 40,
	IPV6_OFF_PLEN = 4,
	IPV6_OFF_NEXT = 6,
	IPV6_OFF_SRC = 8,		/* then dst at 24 */
	IP_MAX_LEN = 0xffff,
	TCP_HDR_MIN = 20,
	TCP_OFF_SEQ = 4,
	TCP_OFF_DOFF = 12,
	TCP_OFF_FLAGS = 13,
	TCP_OFF_CSUM = 16,
	TCP_FIN = 0x01,
	TCP_PSH = 0x08,
	TCP_CWR = 0x80,
	UDP_HDR_LEN = 8,
	UDP_OFF_LEN = 4,
	UDP_OFF_CSUM = 6,
};

/* Where the headers of a GSO frame are, as parsed (never from hdr_len). */
struct vnet_layout {
	size_t l3_off;		/* after the Ethernet header and tags */
	size_t l4_off;		/* after IPv4 options / IPv6 ext headers */
	size_t hdrs_len;	/* l4_off + TCP/UDP header: payload start */
	size_t csum_off;	/* of the L4 checksum field, from l4_off */
	uint8_t l4_proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	bool ipv6;
};

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* csum_store() - complement the folded @sum and write it at @p */
static void csum_store(uint8_t *p, uint64_t sum)
{
	uint16_t c = (uint16_t)~csum_fold(sum);

	memcpy(p, &c, sizeof(c));
}

/* csum_store_l4() - csum_store(), but a computed 0 goes out as 0xffff:
 * equal in one's complement, and in UDP 0 means "no checksum" (the
 * kernel's CSUM_MANGLED_0) */
static void csum_store_l4(uint8_t *p, uint64_t sum)
{
	uint16_t c = (uint16_t)~csum_fold(sum);

	if (c == 0)
		c = 0xffff;
	memcpy(p, &c, sizeof(c));
}

/* pseudo-header sum without the length: addresses and protocol */
static uint64_t csum_pseudo(const uint8_t *frame,
			    const struct vnet_layout *lo)
{
	const uint8_t *l3 = frame + lo->l3_off;
	uint64_t sum = htons(lo->l4_proto);

	if (lo->ipv6)
		return csum_add(l3 + IPV6_OFF_SRC, 32, sum);
	return csum_add(l3 + IPV4_OFF_SRC, 8, sum);
}

/*
 * vnet_parse() - find the L3 and L4 headers of a GSO frame and check that
 * they are what @gso (gso_type without the ECN bit) says.  Only reads what
 * it has checked is within @len.  Returns false if inconsistent.
 */
static bool vnet_parse(uint8_t gso, const uint8_t *frame, size_t len,
		       struct vnet_layout *lo)
{
	size_t off = ETHER_HDR_LEN, l4_hlen;
	uint16_t type;
	uint8_t proto;
	int i;

	if (len < ETHER_HDR_LEN)
		return false;
	type = get_be16(frame + 2 * ETHER_ADDR_LEN);
	for (i = 0; i < VNET_MAX_VLAN_TAGS &&
		    (type == ETHER_TYPE_8021Q || type == ETHER_TYPE_8021AD);
	     i++) {
		if (len < off + ETHER_VLAN_HLEN)
			return false;
		type = get_be16(frame + off + 2);
		off += ETHER_VLAN_HLEN;
	}
	lo->l3_off = off;

	if (type == ETHERTYPE_IPV4) {
		size_t ihl;

		if (gso == VIRTIO_NET_HDR_GSO_TCPV6)
			return false;
		if (len < off + IPV4_HDR_MIN || frame[off] >> 4 != 4)
			return false;
		ihl = (size_t)(frame[off] & 0x0f) * 4;
		if (ihl < IPV4_HDR_MIN || len < off + ihl)
			return false;
		if (get_be16(frame + off + IPV4_OFF_FRAG) & IPV4_FRAG_MASK)
			return false;
		/* every segment's total length must fit */
		if (len - off > IP_MAX_LEN)
			return false;
		proto = frame[off + IPV4_OFF_PROTO];
		lo->ipv6 = false;
		off += ihl;
	} else if (type == ETHERTYPE_IPV6) {
		if (gso == VIRTIO_NET_HDR_GSO_TCPV4)
			return false;
		if (len < off + IPV6_HDR_LEN || frame[off] >> 4 != 6)
			return false;
		if (len - off - IPV6_HDR_LEN > IP_MAX_LEN)
			return false;
		proto = frame[off + IPV6_OFF_NEXT];
		lo->ipv6 = true;
		off += IPV6_HDR_LEN;
		for (i = 0; proto != IPPROTO_TCP && proto != IPPROTO_UDP; i++) {
			size_t ext_len;

			if (i == VNET_MAX_IPV6_EXT)
				return false;
			if (proto != IPPROTO_HOPOPTS &&
			    proto != IPPROTO_ROUTING &&
			    proto != IPPROTO_DSTOPTS)
				return false;	/* fragment, AH, ESP, ... */
			if (len < off + 8)
				return false;
			ext_len = ((size_t)frame[off + 1] + 1) * 8;
			if (len < off + ext_len)
				return false;
			proto = frame[off];
			off += ext_len;
		}
	} else {
		return false;
	}
	lo->l4_off = off;
	lo->l4_proto = proto;

	if (gso == VIRTIO_NET_HDR_GSO_UDP_L4) {
		if (proto != IPPROTO_UDP || len < off + UDP_HDR_LEN)
			return false;
		l4_hlen = UDP_HDR_LEN;
		lo->csum_off = UDP_OFF_CSUM;
	} else {
		if (proto != IPPROTO_TCP || len < off + TCP_HDR_MIN)
			return false;
		l4_hlen = (size_t)(frame[off + TCP_OFF_DOFF] >> 4) * 4;
		if (l4_hlen < TCP_HDR_MIN || len < off + l4_hlen)
			return false;
		lo->csum_off = TCP_OFF_CSUM;
	}
	lo->hdrs_len = off + l4_hlen;
	return true;
}

/* vnet_validate() - vnet_hdr_check(), and the layout of a GSO frame */
static enum drop_reason vnet_validate(const struct virtio_net_hdr *vh,
				      const uint8_t *frame, size_t len,
				      struct vnet_layout *lo)
{
	size_t csum_start = le16toh(vh->csum_start);
	size_t csum_offset = le16toh(vh->csum_offset);
	bool needs_csum = vnet_hdr_needs_csum(vh);
	uint8_t gso = vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	switch (vh->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN:
	case VIRTIO_NET_HDR_GSO_TCPV6:
	case VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN:
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		break;
	default:
		return DROP_VNET_BAD_GSO;
	}
	if (le16toh(vh->hdr_len) > len)
		return DROP_VNET_BAD_GSO;
	if (needs_csum && csum_start + csum_offset + 2 > len)
		return DROP_VNET_BAD_CSUM;
	if (gso == VIRTIO_NET_HDR_GSO_NONE)
		return DROP_NONE;

	if (!vh->gso_size)
		return DROP_VNET_BAD_GSO;
	if (!vnet_parse(gso, frame, len, lo))
		return DROP_VNET_BAD_GSO;
	if (gso == VIRTIO_NET_HDR_GSO_UDP_L4 && !needs_csum)
		return DROP_VNET_BAD_GSO;	/* as virtio_net_hdr_to_skb() */
	if (needs_csum &&
	    (csum_start != lo->l4_off || csum_offset != lo->csum_off))
		return DROP_VNET_BAD_CSUM;
	return DROP_NONE;
}

enum drop_reason vnet_hdr_check(const struct virtio_net_hdr *vh,
				const uint8_t *frame, size_t len)
{
	struct vnet_layout lo;

	return vnet_validate(vh, frame, len, &lo);
}

static size_t vnet_max_seg(const struct virtio_net_hdr *vh, size_t len,
			   const struct vnet_layout *lo)
{
	return lo->hdrs_len + MIN((size_t)le16toh(vh->gso_size),
				  len - lo->hdrs_len);
}

size_t vnet_frame_seg_len(const struct virtio_net_hdr *vh,
			  const uint8_t *frame, size_t len)
{
	struct vnet_layout lo;

	if (!vnet_hdr_is_gso(vh) ||
	    vnet_validate(vh, frame, len, &lo) != DROP_NONE)
		return len;
	return vnet_max_seg(vh, len, &lo);
}

int vnet_csum_finish(const struct virtio_net_hdr *vh, uint8_t *frame,
		     size_t len)
{
	size_t start = le16toh(vh->csum_start);
	size_t off = le16toh(vh->csum_offset);

	if (!vnet_hdr_needs_csum(vh))
		return 0;
	if (start + off + 2 > len)
		return -EINVAL;
	/* the field holds the pseudo-header sum: it is summed, then replaced */
	csum_store_l4(frame + start + off,
		      csum_add(frame + start, len - start, 0));
	return 0;
}

/* vnet_segment() for a non-GSO frame: one frame out */
static int vnet_emit_one(const struct virtio_net_hdr *vh,
			 const uint8_t *frame, size_t len,
			 uint8_t *seg_buf, size_t seg_buf_len,
			 vnet_emit_t emit, void *arg)
{
	int ret;

	if (!vnet_hdr_needs_csum(vh)) {
		ret = emit(frame, len, arg);
		return ret < 0 ? ret : 1;
	}
	if (seg_buf_len < len)
		return -ENOBUFS;
	memcpy(seg_buf, frame, len);
	ret = vnet_csum_finish(vh, seg_buf, len);
	if (ret < 0)
		return ret;
	ret = emit(seg_buf, len, arg);
	return ret < 0 ? ret : 1;
}

int vnet_segment(const struct virtio_net_hdr *vh, const uint8_t *frame,
		 size_t len, uint8_t *seg_buf, size_t seg_buf_len,
		 vnet_emit_t emit, void *arg)
{
	size_t gso_size = le16toh(vh->gso_size), payload, done, hdrs, max_seg;
	size_t off = 0;
	uint8_t *sb, *l3, *l4, flags = 0;
	uint64_t pseudo, pay_sum;
	struct vnet_layout lo;
	uint32_t seq = 0;
	uint16_t id = 0;
	int n, ret;

	if (vnet_validate(vh, frame, len, &lo) != DROP_NONE)
		return -EINVAL;
	if (!vnet_hdr_is_gso(vh))
		return vnet_emit_one(vh, frame, len, seg_buf, seg_buf_len,
				     emit, arg);
	max_seg = vnet_max_seg(vh, len, &lo);
	if (seg_buf_len < max_seg)
		return -ENOBUFS;

	hdrs = lo.hdrs_len;
	payload = len - hdrs;

	if (vnet_hdr_needs_csum(vh)) {
		uint16_t partial;

		/* the sender's pseudo-header sum, less its L4 length */
		memcpy(&partial, frame + lo.l4_off + lo.csum_off,
		       sizeof(partial));
		pseudo = partial +
			 (uint16_t)~htons((uint16_t)(len - lo.l4_off));
	} else {
		pseudo = csum_pseudo(frame, &lo);
	}
	if (!lo.ipv6)
		id = get_be16(frame + lo.l3_off + IPV4_OFF_ID);
	if (lo.l4_proto == IPPROTO_TCP) {
		seq = get_be32(frame + lo.l4_off + TCP_OFF_SEQ);
		flags = frame[lo.l4_off + TCP_OFF_FLAGS];
	}

	done = 0;
	n = 0;
	do {
		size_t seg_pay = MIN(gso_size, payload - done);
		size_t seg_len = hdrs + seg_pay;
		size_t l4_len = seg_len - lo.l4_off;
		bool last = done + seg_pay == payload;

		sb = seg_buf + off;
		l3 = sb + lo.l3_off;
		l4 = sb + lo.l4_off;
		memcpy(sb, frame, hdrs);
		/* the L4 header is even-sized: the payload's sum adds on */
		pay_sum = csum_copy(sb + hdrs, frame + hdrs + done, seg_pay,
				    0);

		if (lo.ipv6) {
			put_be16(l3 + IPV6_OFF_PLEN, (uint16_t)(seg_len -
				 lo.l3_off - IPV6_HDR_LEN));
		} else {
			size_t ihl = (size_t)(l3[0] & 0x0f) * 4;

			put_be16(l3 + IPV4_OFF_TOT_LEN,
				 (uint16_t)(seg_len - lo.l3_off));
			put_be16(l3 + IPV4_OFF_ID, (uint16_t)(id + n));
			put_be16(l3 + IPV4_OFF_CSUM, 0);
			csum_store(l3 + IPV4_OFF_CSUM,
				   csum_add(l3, ihl, 0));
		}

		if (lo.l4_proto == IPPROTO_TCP) {
			uint8_t f = flags;

			if (!last)
				f &= ~(TCP_FIN | TCP_PSH);
			if (n)
				f &= ~TCP_CWR;
			put_be32(l4 + TCP_OFF_SEQ, seq);
			l4[TCP_OFF_FLAGS] = f;
			seq += (uint32_t)seg_pay;
		} else {
			put_be16(l4 + UDP_OFF_LEN, (uint16_t)l4_len);
		}
		put_be16(l4 + lo.csum_off, 0);
		csum_store_l4(l4 + lo.csum_off,
			      csum_add(l4, hdrs - lo.l4_off,
				       pseudo + htons((uint16_t)l4_len) +
				       pay_sum));

		ret = emit(sb, seg_len, arg);
		if (ret < 0)
			return ret;
		/* where the next one goes: the callback says (0: the start) */
		off = (size_t)ret;
		if (off > seg_buf_len || seg_buf_len - off < max_seg)
			return -ENOBUFS;
		done += seg_pay;
		n++;
	} while (done < payload);
	return n;
}
