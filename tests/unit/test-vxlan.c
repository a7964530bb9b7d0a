// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vxlan.c - the VXLAN wire format (vxlan_wire.c): the header built
 * and every check on the way in, the VLAN id of an inner frame, and the
 * flow hash (one flow, one value; the ports of a flow change it).  The
 * codec of the port's settings (ctl_codec.c): what port.add takes and
 * refuses.
 */
#include "tapsw/tapsw.h"

#include <string.h>
#include <arpa/inet.h>

#include "tapsw/csum.h"
#include "tapsw/ctl_codec.h"
#include "tapsw/vnet.h"
#include "tapsw/vxlan.h"
#include "tapsw/vxlan_gro.h"
#include "tapsw/vxlan_wire.h"

#include <linux/virtio_net.h>
#include "tap.h"

struct hdr_case {
	const char *what;
	uint8_t bytes[8];
	size_t len;		/* of the datagram: header + inner bytes */
	enum drop_reason want;
};

static const struct hdr_case hdr_cases[] = {
	{ "valid", { 0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0 }, 22, DROP_NONE },
	{ "7 bytes", { 0x08, 0, 0, 0, 0, 0, 1, 0 }, 7, DROP_VXLAN_SHORT },
	{ "empty", { 0 }, 0, DROP_VXLAN_SHORT },
	{ "header alone", { 0x08, 0, 0, 0, 0, 0, 1, 0 }, 8,
	  DROP_VXLAN_TRUNCATED },
	{ "13 inner bytes", { 0x08, 0, 0, 0, 0, 0, 1, 0 }, 21,
	  DROP_VXLAN_TRUNCATED },
	{ "I clear", { 0x00, 0, 0, 0, 0, 0, 1, 0 }, 22, DROP_VXLAN_BAD_FLAGS },
	{ "G bit (GBP) only", { 0x80, 0, 0, 0, 0, 0, 1, 0 }, 22,
	  DROP_VXLAN_BAD_FLAGS },
	{ "I + another flag", { 0x0c, 0, 0, 0, 0, 0, 1, 0 }, 22,
	  DROP_VXLAN_RESERVED },
	{ "I + G (GBP)", { 0x88, 0, 0, 0, 0, 0, 1, 0 }, 22,
	  DROP_VXLAN_RESERVED },
	{ "reserved byte 1", { 0x08, 1, 0, 0, 0, 0, 1, 0 }, 22,
	  DROP_VXLAN_RESERVED },
	{ "reserved byte 3", { 0x08, 0, 0, 0x80, 0, 0, 1, 0 }, 22,
	  DROP_VXLAN_RESERVED },
	{ "reserved byte 7", { 0x08, 0, 0, 0, 0, 0, 1, 1 }, 22,
	  DROP_VXLAN_RESERVED },
	{ "VNI 0", { 0x08, 0, 0, 0, 0, 0, 0, 0 }, 22, DROP_NONE },
	{ "VNI 2^24-1", { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0 }, 22,
	  DROP_NONE },
};

static void test_hdr(void)
{
	uint8_t dg[64], hdr[VXLAN_HLEN];
	unsigned int i;
	uint32_t vni;

	vxlan_hdr_build(hdr, 0x123456);
	ok(!memcmp(hdr, hdr_cases[0].bytes, VXLAN_HLEN),
	   "header for VNI 0x123456: flags 0x08, reserved bits zero");
	for (i = 0; i < ARRAY_SIZE(hdr_cases); i++) {
		const struct hdr_case *c = &hdr_cases[i];
		enum drop_reason r;

		memset(dg, 0, sizeof(dg));
		memcpy(dg, c->bytes, sizeof(c->bytes));
		vni = 0xdeadbeef;
		r = vxlan_hdr_parse(dg, c->len, &vni);
		ok(r == c->want && (r != DROP_NONE ||
				    vni == ((uint32_t)c->bytes[4] << 16 |
					    c->bytes[5] << 8 | c->bytes[6])),
		   "%s: %s (got %s, vni %#x)", c->what,
		   drop_reason_name(c->want), drop_reason_name(r), vni);
	}
}

static void test_vid_hash(void)
{
	uint8_t f[64] = {
		0x52, 0x54, 0, 0, 0, 2, 0x52, 0x54, 0, 0, 0, 1,
		0x81, 0x00, 0x20, 0x0a,			/* prio 1, VID 10 */
		0x08, 0x00,				/* IPv4 */
		0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 6, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0x00, 0x50,			/* ports 12345, 80 */
	};
	uint32_t h1, h2, h3;

	ok(vxlan_frame_vid(f, sizeof(f)) == 10, "VID of a tagged frame: 10");
	ok(vxlan_frame_vid(f, 17) == 0, "VID of a frame cut in its tag: 0");
	h1 = vxlan_flow_hash(f, sizeof(f));
	h2 = vxlan_flow_hash(f, sizeof(f));
	f[41] = 0x51;				/* another destination port */
	h3 = vxlan_flow_hash(f, sizeof(f));
	ok(h1 == h2, "one flow, one hash");
	ok(h1 != h3, "another TCP port, another hash (%#x, %#x)", h1, h3);
	f[24] = 0x20;				/* a fragment: ports unread */
	f[25] = 0x01;
	h2 = vxlan_flow_hash(f, sizeof(f));
	f[41] = 0x50;
	ok(vxlan_flow_hash(f, sizeof(f)) == h2,
	   "a fragment's hash ignores the bytes where ports would be");
	ok(vxlan_flow_hash(f, 3) == vxlan_flow_hash(f, 3) &&
	   vxlan_flow_hash(f, 14) != 0, "short frames hash without reading past");
}

static int codec(const char *text, struct vxlan_config *vc, char *why)
{
	json_error_t e;
	json_t *o = json_loads(text, 0, &e);
	int ret;

	if (!o)
		return -999;
	ret = vxlan_config_from_json(o, vc, why, 200);
	json_decref(o);
	return ret;
}

static void test_codec(void)
{
	static const char *const bad[] = {
		"{\"local\":\"10.1.0.1\"}",			/* no vni */
		"{\"vni\":16777216,\"local\":\"10.1.0.1\"}",
		"{\"vni\":1}",					/* no local */
		"{\"vni\":1,\"local\":\"224.0.0.1\"}",
		"{\"vni\":1,\"local\":\"10.1.0.1\",\"remote\":\"fd01::2\"}",
		"{\"vni\":1,\"local\":\"10.1.0.1\",\"remote\":[\"10.1.0.1\"]}",
		"{\"vni\":1,\"local\":\"10.1.0.1\",\"remote\":[\"x\"]}",
		"{\"vni\":1,\"local\":\"10.1.0.1\",\"dstport\":0}",
		"{\"vni\":1,\"local\":\"10.1.0.1\",\"ttl\":256}",
		"{\"vni\":1,\"local\":\"fd01::1\",\"remote\":\"ff02::1\"}",
	};
	struct vxlan_config vc;
	char why[200], buf[VXLAN_IP_STRLEN];
	json_t *o;
	unsigned int i;

	ok(!codec("{\"vni\":42,\"local\":\"10.1.0.1\",\"remote\":"
		  "[\"10.1.0.2\",\"10.1.0.3\",\"10.1.0.2\"],\"ttl\":9}", &vc,
		  why) && vc.vni == 42 && vc.n_remotes == 2 &&
	   vc.dstport == VXLAN_DSTPORT_DEFAULT && vc.ttl == 9 &&
	   !strcmp(vxlan_ip_format(&vc.remotes[1], buf, sizeof(buf)),
		   "10.1.0.3"),
	   "settings: vni 42, two remotes (one given twice), dstport 4789");
	o = json_object();
	vxlan_config_json_set(o, &vc);
	ok(!vxlan_config_from_json(o, &vc, why, sizeof(why)) &&
	   vc.n_remotes == 2 && vc.ttl == 9,
	   "its JSON form reads back the same");
	json_decref(o);
	ok(!codec("{\"vni\":0,\"local\":\"fd01::1\",\"remote\":\"fd01::2\","
		  "\"dstport\":8472}", &vc, why) &&
	   vc.local.family == AF_INET6 && vc.dstport == 8472,
	   "IPv6 underlay, the kernel's old port 8472");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok(codec(bad[i], &vc, why) == -EINVAL, "refused: %s (%s)",
		   bad[i], why);
}

/* an IPv4 TCP segment h1 -> h2, ACK, @pay bytes of payload from @seq */
static size_t tcp_seg(uint8_t *f, uint32_t seq, size_t pay, uint8_t flags)
{
	static const uint8_t l2[14] = {
		0x52, 0x54, 0, 0, 0, 2, 0x52, 0x54, 0, 0, 0, 1, 0x08, 0x00,
	};
	size_t len = 14 + 20 + 32 + pay, i;
	uint16_t c;

	memset(f, 0, len);
	memcpy(f, l2, 14);
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[18] = (uint8_t)(seq >> 3);		/* ids differ */
	f[20] = 0x40;				/* DF */
	f[22] = 64;
	f[23] = 6;
	memcpy(f + 26, (uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
	c = (uint16_t)~csum_fold(csum_add(f + 14, 20, 0));
	memcpy(f + 24, &c, 2);
	f[34] = 0x9c; f[35] = 0x40; f[36] = 0; f[37] = 80;
	f[38] = (uint8_t)(seq >> 24); f[39] = (uint8_t)(seq >> 16);
	f[40] = (uint8_t)(seq >> 8); f[41] = (uint8_t)seq;
	f[45] = 7;				/* ack */
	f[46] = 0x80;				/* 32-byte header */
	f[47] = flags;
	f[48] = 0x01; f[49] = 0xf5;		/* window */
	/* options: NOP NOP timestamps */
	memcpy(f + 54, (uint8_t[]){ 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 3 },
	       12);
	for (i = 0; i < pay; i++)
		f[66 + i] = (uint8_t)(seq + i);
	c = (uint16_t)~csum_fold(csum_add(f + 34, len - 34,
		csum_add(f + 26, 8, htons(6) + htons((uint16_t)(len - 34)))));
	memcpy(f + 50, &c, 2);
	return len;
}

static unsigned int gro_segs;
static size_t gro_bytes;

static int gro_emit(const uint8_t *seg, size_t len, void *arg)
{
	uint8_t *want = arg;
	uint8_t ref[1600];
	size_t rlen = tcp_seg(ref, 1000 + (uint32_t)gro_bytes,
			      len - 66, seg[47]);

	/* the segment as sent, but for the IP id (and its checksum) */
	if (rlen != len || memcmp(ref + 34, seg + 34, len - 34))
		*want = 0;
	gro_segs++;
	gro_bytes += len - 66;
	return 0;
}

static void test_gro(void)
{
	static uint8_t seg_buf[70000];
	struct vxlan_gro g;
	uint8_t f[1600], ok_all = 1;
	struct pkt pkt;
	const struct virtio_net_hdr *vh;
	unsigned int i;
	size_t len;

	if (vxlan_gro_init(&g)) {
		ok(0, "vxlan_gro_init");
		return;
	}
	for (i = 0; i < 3; i++) {
		len = tcp_seg(f, 1000 + i * 1000, 1000, 0x10);
		ok(vxlan_gro_add(&g, f, len, 1), "segment %u joins", i);
	}
	len = tcp_seg(f, 4000, 500, 0x18);	/* PSH, shorter: the last */
	ok(vxlan_gro_add(&g, f, len, 1), "a shorter last segment with PSH joins");
	len = tcp_seg(f, 4500, 1000, 0x10);
	ok(!vxlan_gro_add(&g, f, len, 1), "nothing joins after the last");
	ok(vxlan_gro_take(&g, &pkt) == 4, "four segments taken as one frame");
	vh = (const struct virtio_net_hdr *)pkt.vnet;
	ok(pkt.len == 66 + 3500 && vh->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 &&
	   le16toh(vh->gso_size) == 1000 && le16toh(vh->hdr_len) == 66 &&
	   (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	   le16toh(vh->csum_start) == 34 && le16toh(vh->csum_offset) == 16,
	   "TSO frame: 3566 bytes, gso_size 1000, NEEDS_CSUM at the TCP "
	   "checksum");
	ok(vnet_hdr_check(vh, pkt.eth, pkt.len) == DROP_NONE &&
	   (pkt.eth[47] & 0x08), "vnet_hdr_check() takes it; PSH kept");
	ok(vnet_segment(vh, pkt.eth, pkt.len, seg_buf, sizeof(seg_buf),
			gro_emit, &ok_all) == 4 && ok_all && gro_bytes == 3500,
	   "cut again, it gives back the segments as sent");

	len = tcp_seg(f, 1000, 1000, 0x10);
	ok(vxlan_gro_add(&g, f, len, 1), "a new frame starts");
	len = tcp_seg(f, 2500, 1000, 0x10);
	ok(!vxlan_gro_add(&g, f, len, 1), "a gap in the sequence does not join");
	len = tcp_seg(f, 2000, 1000, 0x10);
	ok(!vxlan_gro_add(&g, f, len, 2), "another owner's segment does not join");
	f[70] ^= 1;
	ok(!vxlan_gro_add(&g, f, len, 1), "a segment with a bad checksum does not join");
	f[70] ^= 1;
	len = tcp_seg(f, 2000, 1000, 0x10);
	ok(vxlan_gro_add(&g, f, len, 1), "the next one joins");
	ok(vxlan_gro_take(&g, &pkt) == 2 && vxlan_gro_take(&g, &pkt) == 0,
	   "taken once");
	len = tcp_seg(f, 1000, 1000, 0x11);	/* FIN */
	ok(!vxlan_gro_add(&g, f, len, 1), "a FIN is no segment to coalesce");
	len = tcp_seg(f, 1000, 0, 0x10);
	ok(!vxlan_gro_add(&g, f, len, 1), "nor a bare ACK");
	len = tcp_seg(f, 1000, 100, 0x10);
	ok(vxlan_gro_add(&g, f, len, 1) && vxlan_gro_take(&g, &pkt) == 1 &&
	   !((const struct virtio_net_hdr *)pkt.vnet)->gso_type &&
	   pkt.len == len && !memcmp(pkt.eth, f, len),
	   "one segment alone goes out as it came, no GSO");
	vxlan_gro_fini(&g);
}

int main(void)
{
	plan_no_plan();
	test_hdr();
	test_vid_hash();
	test_codec();
	test_gro();
	return exit_status();
}
