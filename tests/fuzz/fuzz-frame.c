// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-frame.c - libFuzzer target for the forwarding path: frame
 * classification, the virtio-net header checks, software checksums and
 * software segmentation (GSO).
 *
 * Input: the 12-byte virtio-net header (struct virtio_net_hdr_mrg_rxbuf,
 * little-endian), then the Ethernet frame, as a TAP with IFF_VNET_HDR hands
 * them over.  The header's num_buffers field, which the switch ignores,
 * picks the set-up: its low byte the ingress port (two bits) and port
 * controls (port.h: the other six on one port, the last of them, locked,
 * also isolating the ingress port), its high byte the MTU of one plain
 * port, whether one port is down, what one port's send()
 * returns and the ports' VLAN modes (all transparent, or access, trunk
 * with and without a native VLAN, mixed).  A bit of the frame the switch
 * does not look at, the universal/local bit of the source MAC (its first
 * byte's 0x02), adds a mirror; the other bits of that byte choose its
 * output port (any, the ingress port too) and its selection (all, src the
 * ingress port, dst a port, VLAN 5).  Four recording ports: two with vnet headers (the frame and its
 * header go out as one), two plain (port_output() finishes checksums and
 * segments GSO frames for them).  A plain ingress port gets the all-zero
 * header, as tap.c writes it.
 *
 * Checks, each an abort():
 *  - every frame sent to a plain port is at least an Ethernet header and at
 *    most its MTU + 18 (Ethernet header + one VLAN tag); every GSO frame sent
 *    to a vnet port stands for segments within that bound;
 *  - vnet_segment() called directly, with a segment buffer of exactly
 *    vnet_frame_seg_len() bytes, emits segments that fit it, and with one
 *    byte less fails with -ENOBUFS before emitting anything; on a frame that
 *    vnet_hdr_check() rejects it fails with -EINVAL;
 *  - the segments of a valid GSO frame have correct IP lengths, IPv4 header
 *    checksums and TCP/UDP checksums, checked here independently (big-endian
 *    RFC 1071 sums): without NEEDS_CSUM as given, with NEEDS_CSUM after the
 *    fuzzer writes the right pseudo-header sum into the frame (IPv6 with
 *    extension headers: lengths only).
 *  - with a mirror, its output port gets nothing but the one copy of the
 *    frame (or its segments), and the copy is counted once.
 * Every input gets a new switch, torn down afterwards.
 *
 * Build and run: tests/fuzz/run.sh (see docs/fuzzing.md).
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"
#include "fuzz-backend.h"

enum {
	FUZZ_PORTS = 4,
	FUZZ_L2_MAX = ETHER_HDR_LEN + ETHER_VLAN_HLEN,	/* the "+ 18" */
	FUZZ_FRAME_MAX = 65536 + 256,	/* tap.c's TAP_BUF_SIZE */
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const struct port *port, size_t len)
{
	fprintf(stderr, "fuzz-frame: %s: port %s (mtu %u, %s), %zu bytes\n",
		what, port ? port->name : "-", port ? port->mtu : 0,
		port && port->vnet ? "vnet" : "plain", len);
	abort();
}

/* the recording backend's send(), with the egress bound checked */
static int fuzz_send(struct port *port, const void *buf, size_t len)
{
	static uint8_t sink[VNET_HDR_LEN + FUZZ_FRAME_MAX];
	const struct virtio_net_hdr *vh = buf;

	if (len > sizeof(sink))
		fuzz_fail("frame larger than any read buffer", port, len);
	memcpy(sink, buf, len);		/* ASan: every byte is readable */
	if (port->vnet) {
		if (len < VNET_HDR_LEN + ETHER_HDR_LEN)
			fuzz_fail("vnet frame shorter than its headers",
				  port, len);
		len = vnet_frame_seg_len(vh, sink + VNET_HDR_LEN,
					 len - VNET_HDR_LEN);
	}
	if (len < ETHER_HDR_LEN)
		fuzz_fail("frame shorter than an Ethernet header", port, len);
	if (len > port->mtu + FUZZ_L2_MAX)
		fuzz_fail("frame above the egress MTU", port, len);
	return rec_send(port, buf, len);
}

static const struct port_class fuzz_class = {
	.name = "tap",
	.send = fuzz_send,
	.set_mtu = rec_set_mtu,
	.close = rec_close,
};

static struct port *fuzz_port_add(struct sw *sw, const char *name, bool vnet,
				  unsigned int mtu)
{
	struct port *p = rec_port_add(sw, name);

	p->class = &fuzz_class;
	p->vnet = vnet;
	p->mtu = mtu;
	if (vnet)
		p->offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			      TUN_F_TSO_ECN;
	return p;
}

/* --- an independent checker for the segments vnet_segment() emits */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t sum_be(const uint8_t *p, size_t len, uint64_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += (uint64_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold_be(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

struct fuzz_l3 {
	size_t l3;		/* IP header offset */
	size_t l4;		/* TCP/UDP offset; 0 if not found */
	uint8_t proto;
	bool ipv6;
};

/* Ethernet, up to three tags (as vnet.c: 802.1ad + 802.1Q + one pushed),
 * IPv4 or IPv6 without extension headers */
static bool fuzz_parse(const uint8_t *f, size_t len, struct fuzz_l3 *o)
{
	size_t off = ETHER_HDR_LEN;
	uint16_t type;
	int tags;

	if (len < ETHER_HDR_LEN)
		return false;
	type = be16(f + 12);
	for (tags = 0; tags < 3 && (type == ETHER_TYPE_8021Q ||
				    type == ETHER_TYPE_8021AD); tags++) {
		if (len < off + ETHER_VLAN_HLEN)
			return false;
		type = be16(f + off + 2);
		off += ETHER_VLAN_HLEN;
	}
	o->l3 = off;
	o->l4 = 0;
	if (type == 0x0800 && len >= off + 20) {
		o->ipv6 = false;
		o->proto = f[off + 9];
		o->l4 = off + (size_t)(f[off] & 0x0f) * 4;
	} else if (type == 0x86dd && len >= off + 40) {
		o->ipv6 = true;
		o->proto = f[off + 6];
		if (o->proto == IPPROTO_TCP || o->proto == IPPROTO_UDP)
			o->l4 = off + 40;
	} else {
		return false;
	}
	return true;
}

/* pseudo-header sum of @f, for an L4 length of @l4_len */
static uint64_t fuzz_pseudo(const uint8_t *f, const struct fuzz_l3 *o,
			    size_t l4_len)
{
	uint64_t sum = o->proto + (uint64_t)l4_len;

	if (o->ipv6)
		return sum_be(f + o->l3 + 8, 32, sum);
	return sum_be(f + o->l3 + 12, 8, sum);
}

struct fuzz_seg {
	size_t buf_len;		/* what vnet_segment() was given */
	unsigned int n;		/* segments seen */
	bool verify;		/* check lengths and checksums */
	bool verify_l4;		/* check the L4 checksum too */
};

static int fuzz_emit(const uint8_t *seg, size_t len, void *arg)
{
	struct fuzz_seg *s = arg;
	struct fuzz_l3 o;

	s->n++;
	if (len > s->buf_len)
		fuzz_fail("segment larger than vnet_frame_seg_len()", NULL,
			  len);
	if (!s->verify)
		return 0;
	if (!fuzz_parse(seg, len, &o))
		fuzz_fail("segment lost its IP header", NULL, len);
	if (o.ipv6) {
		if (be16(seg + o.l3 + 4) != len - o.l3 - 40)
			fuzz_fail("segment: wrong IPv6 payload length", NULL,
				  len);
	} else {
		size_t ihl = (size_t)(seg[o.l3] & 0x0f) * 4;

		if (be16(seg + o.l3 + 2) != len - o.l3)
			fuzz_fail("segment: wrong IPv4 total length", NULL,
				  len);
		if (fold_be(sum_be(seg + o.l3, ihl, 0)) != 0xffff)
			fuzz_fail("segment: bad IPv4 header checksum", NULL,
				  len);
	}
	if (!s->verify_l4 || !o.l4)
		return 0;
	if (o.proto == IPPROTO_UDP && be16(seg + o.l4 + 4) != len - o.l4)
		fuzz_fail("segment: wrong UDP length", NULL, len);
	if (fold_be(sum_be(seg + o.l4, len - o.l4,
			   fuzz_pseudo(seg, &o, len - o.l4))) != 0xffff)
		fuzz_fail("segment: bad L4 checksum", NULL, len);
	return 0;
}

/*
 * vnet_hdr_check(), vnet_frame_seg_len() and vnet_segment() on the input
 * as it is (any ingress port), with the contract of vnet.h checked.
 */
static void fuzz_vnet(const uint8_t *hdr, const uint8_t *data, size_t len)
{
	struct virtio_net_hdr vh;
	struct fuzz_seg s = { 0 };
	uint8_t *frame, *seg;
	struct fuzz_l3 o = { 0 };
	size_t seg_len;
	int ret;

	memcpy(&vh, hdr, sizeof(vh));
	frame = malloc(len ? len : 1);	/* exact size: ASan sees overreads */
	if (!frame)
		abort();
	memcpy(frame, data, len);

	seg_len = vnet_frame_seg_len(&vh, frame, len);
	if (vnet_hdr_check(&vh, frame, len) != DROP_NONE) {
		if (seg_len != len)
			fuzz_fail("seg_len of a rejected frame", NULL, len);
		ret = vnet_segment(&vh, frame, len, NULL, 0, fuzz_emit, &s);
		if (ret != -EINVAL || s.n)
			fuzz_fail("rejected frame not -EINVAL", NULL, len);
		free(frame);
		return;
	}

	if (vnet_hdr_is_gso(&vh) && fuzz_parse(frame, len, &o) && o.l4) {
		s.verify = true;
		s.verify_l4 = true;
		if (vnet_hdr_needs_csum(&vh)) {
			/* the partial sum a correct sender leaves */
			uint16_t p = fold_be(fuzz_pseudo(frame, &o,
							 len - o.l4));
			size_t at = o.l4 + (o.proto == IPPROTO_TCP ? 16 : 6);

			frame[at] = p >> 8;
			frame[at + 1] = p & 0xff;
		}
	} else if (vnet_hdr_is_gso(&vh)) {
		s.verify = true;	/* IPv6 extension headers */
	}

	seg = malloc(seg_len ? seg_len : 1);
	if (!seg)
		abort();
	if (vnet_hdr_is_gso(&vh) || vnet_hdr_needs_csum(&vh)) {
		s.buf_len = seg_len - 1;
		ret = vnet_segment(&vh, frame, len, seg, seg_len - 1,
				   fuzz_emit, &s);
		if (ret != -ENOBUFS || s.n)
			fuzz_fail("short segment buffer not -ENOBUFS", NULL,
				  len);
	}
	s.buf_len = seg_len;
	ret = vnet_segment(&vh, frame, len, seg, seg_len, fuzz_emit, &s);
	if (ret < 1 || (unsigned int)ret != s.n)
		fuzz_fail("valid frame not segmented", NULL, len);
	if (s.verify_l4) {
		/* one segment per gso_size bytes of payload, at least one */
		size_t hdrs = o.l4 + (o.proto == IPPROTO_TCP ?
				      (size_t)(frame[o.l4 + 12] >> 4) * 4 : 8);
		size_t gso = le16toh(vh.gso_size);
		size_t want = len > hdrs ? (len - hdrs + gso - 1) / gso : 1;

		if ((size_t)ret != want)
			fuzz_fail("wrong number of segments", NULL, len);
	}
	free(seg);
	free(frame);
}

/* VLAN modes, by @set: 0 all transparent, else a mix of the modes */
static void fuzz_vlan_modes(struct sw *sw, unsigned int set)
{
	struct vlan_config access = { .mode = VLAN_MODE_ACCESS, .tag = 5 };
	struct vlan_config trunk = { .mode = VLAN_MODE_TRUNK, .native = 7 };
	struct vlan_config tagged = { .mode = VLAN_MODE_TRUNK };

	if (!set)
		return;
	vlan_trunk_add(&trunk, 5);
	vlan_trunk_add(&tagged, 5);
	vlan_trunk_add(&tagged, 7);
	port_set_vlan(sw->ports[0], set & 1 ? &access : &trunk);
	port_set_vlan(sw->ports[1], &tagged);
	port_set_vlan(sw->ports[set == 3 ? 3 : 2], &access);
}

static void fuzz_switch_init(struct sw *sw, uint8_t setup)
{
	static const unsigned int mtus[] = {
		1500, 9000, 576, 68, 65535, 1280, 9216, 100,
	};
	static const uint8_t macs[FUZZ_PORTS][ETHER_ADDR_LEN] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 },
	};
	struct sw_config cfg = {
		.fdb_max = 64, .ageing_ms = 300000, .fdb_seed = 1,
	};
	static const int results[] = { 0, -EIO, -EBADFD, -ENOBUFS };
	unsigned int i;

	if (sw_init(sw, &cfg))
		abort();
	fuzz_port_add(sw, "vnet0", true, 1500);
	fuzz_port_add(sw, "plain1", false, 1500);
	fuzz_port_add(sw, "plain2", false, mtus[setup & 7]);
	fuzz_port_add(sw, "vnet3", true, 9000);
	if (setup & 0x08)
		sw->ports[1]->state = PORT_STATE_DOWN;
	fuzz_vlan_modes(sw, setup >> 6);
	/* what plain2's send() returns */
	rec_send_result[2] = results[(setup >> 4) & 3];
	for (i = 0; i < FUZZ_PORTS; i++) {
		fdb_learn(sw->fdb, macs[i], 0, i, 0, NULL);
		fdb_learn(sw->fdb, macs[i], 5, i, 0, NULL);
	}
	sw->now_ms = 1000;
}

/*
 * fuzz_mirror() - if @sel has 0x02 (a source MAC's U/L bit), a mirror to
 * port (@sel >> 2) & 3 of all frames, of those from @in, of those to port
 * 1, or of VLAN 5 (@sel >> 4); returns it, or NULL
 */
static const struct mirror *fuzz_mirror(struct sw *sw, const struct port *in,
					uint8_t sel)
{
	const char *src[1] = { in->name }, *dst[1] = { sw->ports[1]->name };
	static const uint16_t vlan5[1] = { 5 };
	struct mirror_config mc = {
		.name = "fuzz", .src = src, .dst = dst, .vlans = vlan5,
		.output = sw->ports[(sel >> 2) & 3]->name,
	};
	char why[128];

	if (!(sel & 0x02))
		return NULL;
	switch ((sel >> 4) & 3) {
	case 1:
		mc.n_src = strcmp(src[0], mc.output) ? 1 : 0;
		break;
	case 2:
		mc.n_dst = strcmp(dst[0], mc.output) ? 1 : 0;
		break;
	case 3:
		mc.n_vlans = 1;
		break;
	}
	if (mirror_add(sw, &mc, why, sizeof(why)))
		fuzz_fail(why, NULL, 0);
	return mirror_get(sw, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LVL_ERR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw sw;
	const struct mirror *m = NULL;
	struct port *in;
	struct pkt pkt;
	uint8_t *buf;
	size_t len;

	if (size < VNET_HDR_LEN || size - VNET_HDR_LEN >= FUZZ_FRAME_MAX)
		return -1;	/* tap.c counts these as rx_error */
	len = size - VNET_HDR_LEN;

	fuzz_vnet(data, data + VNET_HDR_LEN, len);

	fuzz_switch_init(&sw, data[11]);
	in = sw.ports[data[10] % FUZZ_PORTS];
	sw.ports[3]->flags = (data[10] >> 2) & 0x3f;
	if (data[10] & 0x80)
		in->flags |= PORT_ISOLATED;
	if (len > ETHER_ADDR_LEN)
		m = fuzz_mirror(&sw, in, data[VNET_HDR_LEN + ETHER_ADDR_LEN]);
	rec_clear();
	/* the backends' layout: headroom, header, frame */
	buf = malloc(PKT_HEADROOM + size);
	if (!buf)
		abort();
	memcpy(buf + PKT_HEADROOM, data, size);
	if (!in->vnet)
		memset(buf + PKT_HEADROOM, 0, VNET_HDR_LEN);
	pkt.vnet = buf + PKT_HEADROOM;
	pkt.eth = pkt.vnet + VNET_HDR_LEN;
	pkt.len = len;
	pkt.headroom = PKT_HEADROOM;
	switch_input(&sw, in, &pkt);
	if (m && m->stats.frames + m->stats.drops > 1)
		fuzz_fail("a frame mirrored more than once", m->out, len);
	if (m && rec_sent[m->out->index] && !m->stats.frames)
		fuzz_fail("a mirror output port got normal traffic", m->out,
			  len);

	free(buf);
	memset(rec_send_result, 0, sizeof(rec_send_result));
	sw_fini(&sw);
	return 0;
}
