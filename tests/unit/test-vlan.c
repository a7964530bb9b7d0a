// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vlan.c - per-port VLAN modes: the configuration's JSON and text
 * forms, ingress classification, tag push/pop with the virtio-net header,
 * the switch forwarding between access, trunk and transparent ports
 * (frames recorded byte for byte by a test backend), GSO frames included,
 * and the "vlan" param of port.set with what --state saves.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <linux/virtio_net.h>

#include "tapsw/ctl_codec.h"
#include "tapsw/ctl_method.h"
#include "tapsw/ctl_proto.h"
#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/switch.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"
#include "tap.h"

/* --- a backend that keeps the last frame sent to each port */

enum { NPORTS = 6, FRAME_MAX = VNET_HDR_LEN + 8192 };

static struct {
	unsigned int n;			/* frames sent */
	uint8_t last[FRAME_MAX];	/* the last one, as send() got it */
	size_t len;
} rec[NPORTS];

static int vrec_send(struct port *port, const void *buf, size_t len)
{
	rec[port->index].n++;
	rec[port->index].len = MIN(len, (size_t)FRAME_MAX);
	memcpy(rec[port->index].last, buf, rec[port->index].len);
	return 0;
}

static void vrec_close(struct port *port, bool destroy)
{
	(void)destroy;
	free(port);
}

static const struct port_class vrec_class = {
	.name = "tap",
	.send = vrec_send,
	.close = vrec_close,
};

static struct port *vrec_add(struct sw *sw, const char *name, bool vnet,
			     const char *vlan)
{
	struct port *p = calloc(1, sizeof(*p));
	struct vlan_config vc;
	char why[128];
	json_t *j;

	if (!p)
		abort();
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->class = &vrec_class;
	p->mtu = 1500;
	p->vnet = vnet;
	if (port_attach(sw, p))
		abort();
	j = json_loads(vlan, 0, NULL);
	if (!j || vlan_config_from_json(j, &vc, why, sizeof(why))) {
		fprintf(stderr, "bad test vlan %s: %s\n", vlan, why);
		abort();
	}
	json_decref(j);
	port_set_vlan(p, &vc);
	return p;
}

static void rec_clear(void)
{
	unsigned int i;

	for (i = 0; i < NPORTS; i++)
		rec[i].n = 0;
}

/* the Ethernet frame of the last send to @port */
static const uint8_t *sent_eth(const struct port *port, size_t *len)
{
	size_t off = port->vnet ? VNET_HDR_LEN : 0;

	*len = rec[port->index].len - off;
	return rec[port->index].last + off;
}

/* -1: the last frame sent to @port is untagged; else its 802.1Q VID */
static int sent_vid(const struct port *port)
{
	size_t len;
	const uint8_t *f = sent_eth(port, &len);

	if (len < 18 || f[12] != 0x81 || f[13] != 0x00)
		return -1;
	return (f[14] & 0x0f) << 8 | f[15];
}

static const struct virtio_net_hdr *sent_vh(const struct port *port)
{
	return (const struct virtio_net_hdr *)rec[port->index].last;
}

/* --- frames */

static uint8_t room[PKT_HEADROOM + VNET_HDR_LEN + 8192]
	__attribute__((aligned(16)));
static uint8_t *const raw = room + PKT_HEADROOM;
static uint8_t *const buf = room + PKT_HEADROOM + VNET_HDR_LEN;
static struct pkt pkt;

/*
 * frame() - @len bytes from 52:54:00:aa:bb:@src to ..:@dst (0xff:
 * broadcast), IPv4 ethertype; @tpid 0: untagged, else one tag @tpid/@tci.
 * Its payload bytes count up, so a move is seen.  The header is zeroed.
 */
static size_t frame(size_t len, uint8_t dst, uint8_t src, uint16_t tpid,
		    uint16_t tci)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x00 };
	size_t i, off = 12;

	memset(raw, 0, VNET_HDR_LEN);
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)i;
	memcpy(buf, base, 6);
	buf[5] = dst;
	if (dst == 0xff)
		memset(buf, 0xff, 6);
	memcpy(buf + 6, base, 6);
	buf[11] = src;
	if (tpid) {
		buf[off++] = (uint8_t)(tpid >> 8);
		buf[off++] = (uint8_t)tpid;
		buf[off++] = (uint8_t)(tci >> 8);
		buf[off++] = (uint8_t)tci;
	}
	buf[off] = 0x08;
	buf[off + 1] = 0x00;
	return len;
}

/* the MAC frame() gives host @x (the frame in buf moves when tagged) */
static const uint8_t *mac(uint8_t x)
{
	static uint8_t m[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x00 };

	m[5] = x;
	return m;
}

static void input(struct sw *sw, struct port *in, size_t len)
{
	pkt.vnet = raw;
	pkt.eth = buf;
	pkt.len = len;
	pkt.headroom = PKT_HEADROOM;
	rec_clear();
	switch_input(sw, in, &pkt);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * gso_frame() - a TCP/IPv4 GSO frame from @src to @dst: 3000 payload
 * bytes, gso_size 1000, NEEDS_CSUM at the TCP header, hdr_len set; tagged
 * @vid when @vid >= 0.  Returns its length.
 */
static size_t gso_frame(uint8_t dst, uint8_t src, int vid)
{
	size_t l3 = vid >= 0 ? 18 : 14, len = l3 + 20 + 20 + 3000;
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = htole16((uint16_t)(l3 + 40)),
		.gso_size = htole16(1000),
		.csum_start = htole16((uint16_t)(l3 + 20)),
		.csum_offset = htole16(16),
	};
	uint8_t *ip = buf + l3, *tcp = ip + 20;

	frame(len, dst, src, vid >= 0 ? ETHER_TYPE_8021Q : 0,
	      (uint16_t)(vid >= 0 ? vid : 0));
	memset(ip, 0, 40);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(len - l3));
	ip[8] = 64;
	ip[9] = 6;				/* TCP */
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	tcp[12] = 5 << 4;			/* data offset */
	tcp[13] = 0x18;				/* PSH ACK */
	memcpy(raw, &vh, sizeof(vh));
	return len;
}

/* --- the configuration */

static void test_config(void)
{
	static const struct {
		const char *json;
		bool valid;
		const char *text;
	} cases[] = {
		{ "{\"mode\":\"none\"}", true, "-" },
		{ "{\"mode\":\"access\",\"tag\":10}", true, "access 10" },
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20,21,22,4094],\"native\":5}",
		  true, "trunk 10,20-22,4094 native 5" },
		{ "{\"mode\":\"trunk\",\"trunks\":[7],\"native\":0}", true,
		  "trunk 7" },
		{ "{\"mode\":\"access\"}", false, NULL },
		{ "{\"mode\":\"access\",\"tag\":0}", false, NULL },
		{ "{\"mode\":\"access\",\"tag\":4095}", false, NULL },
		{ "{\"mode\":\"access\",\"tag\":10,\"native\":3}", false, NULL },
		{ "{\"mode\":\"trunk\",\"trunks\":[]}", false, NULL },
		{ "{\"mode\":\"trunk\",\"native\":3}", false, NULL },
		{ "{\"mode\":\"trunk\",\"trunks\":[1,\"2\"]}", false, NULL },
		{ "{\"mode\":\"trunk\",\"trunks\":[0]}", false, NULL },
		{ "{\"mode\":\"none\",\"tag\":1}", false, NULL },
		{ "{\"mode\":\"hybrid\"}", false, NULL },
		{ "{\"tag\":10}", false, NULL },
		{ "10", false, NULL },
	};
	struct vlan_config vc, back;
	char why[128], text[VLAN_TEXT_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL), *o;
		int ret = vlan_config_from_json(j, &vc, why, sizeof(why));

		if (!cases[i].valid) {
			ok(ret == -EINVAL && why[0], "%s refused: %s",
			   cases[i].json, why);
			json_decref(j);
			continue;
		}
		vlan_config_format(&vc, text, sizeof(text));
		o = vlan_config_json(&vc);
		ok(ret == 0 && !strcmp(text, cases[i].text) &&
		   vlan_config_from_json(o, &back, why, sizeof(why)) == 0 &&
		   !memcmp(&vc, &back, sizeof(vc)),
		   "%s: \"%s\", and back from JSON", cases[i].json, text);
		json_decref(o);
		json_decref(j);
	}

	memset(&vc, 0, sizeof(vc));
	ok1(vlan_list_parse("10,20-29,4094", &vc) == 0 &&
	    vlan_trunk_has(&vc, 10) && vlan_trunk_has(&vc, 25) &&
	    !vlan_trunk_has(&vc, 30) && vlan_trunk_has(&vc, 4094));
	ok(vlan_list_parse("", &vc) && vlan_list_parse("0", &vc) &&
	   vlan_list_parse("4095", &vc) && vlan_list_parse("10,", &vc) &&
	   vlan_list_parse("20-10", &vc) && vlan_list_parse("1 2", &vc) &&
	   vlan_list_parse("99999999999", &vc) && vlan_list_parse("-3", &vc),
	   "bad VLAN lists refused");
	memset(&vc, 0, sizeof(vc));
	vlan_list_parse("1-4094", &vc);
	vlan_list_format(&vc, text, sizeof(text));
	ok(!strcmp(text, "1-4094"), "a full range: %s", text);
	memset(&vc, 0, sizeof(vc));
	for (i = 2; i < 400; i += 2)
		vlan_trunk_add(&vc, (uint16_t)i);
	vlan_list_format(&vc, text, 32);
	ok(strlen(text) < 32 && strstr(text, "..."), "a long list is cut: %s",
	   text);
}

/* --- ingress classification */

static void test_ingress(void)
{
	static const struct {
		const char *vlan;
		uint16_t tpid, tci;
		enum drop_reason reason;
		uint16_t vid;
		bool tagged;
	} cases[] = {
		/* transparent: as ether_classify() */
		{ "{\"mode\":\"none\"}", 0, 0, DROP_NONE, 0, false },
		{ "{\"mode\":\"none\"}", 0x8100, 10, DROP_NONE, 10, true },
		{ "{\"mode\":\"none\"}", 0x88a8, 10, DROP_NONE, 10, true },
		/* access 10 */
		{ "{\"mode\":\"access\",\"tag\":10}", 0, 0, DROP_NONE, 10, false },
		{ "{\"mode\":\"access\",\"tag\":10}", 0x8100, 0xa000, DROP_NONE,
		  10, true },		/* priority-tagged, PCP 5 */
		{ "{\"mode\":\"access\",\"tag\":10}", 0x8100, 10,
		  DROP_VLAN_INGRESS, 0, false },
		{ "{\"mode\":\"access\",\"tag\":10}", 0x8100, 20,
		  DROP_VLAN_INGRESS, 0, false },
		{ "{\"mode\":\"access\",\"tag\":10}", 0x88a8, 20, DROP_NONE, 10,
		  false },		/* 802.1ad: payload, tunnelled */
		/* trunk 10,20 */
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20]}", 0, 0,
		  DROP_VLAN_INGRESS, 0, false },
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20]}", 0x8100, 0,
		  DROP_VLAN_INGRESS, 0, false },
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20]}", 0x8100, 20,
		  DROP_NONE, 20, true },
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20]}", 0x8100, 0x2014,
		  DROP_NONE, 20, true },	/* PCP 1 */
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20]}", 0x8100, 30,
		  DROP_VLAN_INGRESS, 0, false },
		{ "{\"mode\":\"trunk\",\"trunks\":[10,20]}", 0x8100, 4095,
		  DROP_VLAN_INGRESS, 0, false },
		/* trunk 10 native 30 */
		{ "{\"mode\":\"trunk\",\"trunks\":[10],\"native\":30}", 0, 0,
		  DROP_NONE, 30, false },
		{ "{\"mode\":\"trunk\",\"trunks\":[10],\"native\":30}", 0x8100,
		  0, DROP_NONE, 30, true },
		{ "{\"mode\":\"trunk\",\"trunks\":[10],\"native\":30}", 0x8100,
		  30, DROP_NONE, 30, true },
		{ "{\"mode\":\"trunk\",\"trunks\":[10],\"native\":30}", 0x8100,
		  10, DROP_NONE, 10, true },
		{ "{\"mode\":\"trunk\",\"trunks\":[10],\"native\":30}", 0x8100,
		  11, DROP_VLAN_INGRESS, 0, false },
	};
	struct ether_info eth;
	struct vlan_config vc;
	char why[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *j = json_loads(cases[i].vlan, 0, NULL);
		size_t len = frame(64, 0x02, 0x01, cases[i].tpid, cases[i].tci);
		enum drop_reason r;

		vlan_config_from_json(j, &vc, why, sizeof(why));
		json_decref(j);
		r = ether_classify(buf, len, &eth);
		if (r == DROP_NONE)
			r = vlan_ingress(&vc, buf, &eth);
		ok(r == cases[i].reason &&
		   (r != DROP_NONE || (eth.vid == cases[i].vid &&
				       eth.tagged == cases[i].tagged)),
		   "%s, tag %04x/%04x: %s, VLAN %u%s", cases[i].vlan,
		   cases[i].tpid, cases[i].tci, drop_reason_name(r), eth.vid,
		   eth.tagged ? " tagged" : "");
	}
}

/* --- push and pop */

static void test_push_pop(void)
{
	struct virtio_net_hdr vh;
	static uint8_t copy[VNET_HDR_LEN + 4096];
	size_t len = gso_frame(0x02, 0x01, -1);

	memcpy(copy, raw, VNET_HDR_LEN + len);
	pkt.vnet = raw;
	pkt.eth = buf;
	pkt.len = len;
	pkt.headroom = PKT_HEADROOM;
	ok1(vlan_push(&pkt, ETHER_TYPE_8021Q, 0x123) == 0);
	memcpy(&vh, pkt.vnet, sizeof(vh));
	ok(pkt.vnet == room && pkt.eth == room + VNET_HDR_LEN &&
	   pkt.len == len + 4 && pkt.headroom == 0,
	   "push: frame and header 4 bytes earlier, into the headroom");
	ok(!memcmp(pkt.eth, copy + VNET_HDR_LEN, 12) &&
	   !memcmp(pkt.eth + 12, "\x81\x00\x01\x23", 4) &&
	   !memcmp(pkt.eth + 16, copy + VNET_HDR_LEN + 12, len - 12),
	   "push: MACs, tag 8100/0123, then the rest unchanged");
	ok(le16toh(vh.csum_start) == 38 && le16toh(vh.hdr_len) == 58 &&
	   le16toh(vh.csum_offset) == 16 && le16toh(vh.gso_size) == 1000 &&
	   vh.gso_type == VIRTIO_NET_HDR_GSO_TCPV4,
	   "push: csum_start 34 -> %u, hdr_len 54 -> %u, the rest kept",
	   le16toh(vh.csum_start), le16toh(vh.hdr_len));
	ok(vnet_hdr_check(&vh, pkt.eth, pkt.len) == DROP_NONE,
	   "the tagged GSO frame passes vnet_hdr_check()");
	ok1(vlan_push(&pkt, ETHER_TYPE_8021Q, 5) == -ENOSPC && pkt.len == len + 4);

	vlan_pop(&pkt);
	ok(pkt.vnet == raw && pkt.len == len && pkt.headroom == PKT_HEADROOM &&
	   !memcmp(raw, copy, VNET_HDR_LEN + len),
	   "pop undoes push, header included, byte for byte");

	/* no NEEDS_CSUM, no hdr_len: nothing to move in the header */
	len = frame(60, 0x02, 0x01, 0, 0);
	pkt.vnet = raw;
	pkt.eth = buf;
	pkt.len = len;
	pkt.headroom = PKT_HEADROOM;
	raw[6] = 0x77;		/* csum_start without NEEDS_CSUM: left alone */
	vlan_push(&pkt, ETHER_TYPE_8021AD, 7);
	memcpy(&vh, pkt.vnet, sizeof(vh));
	ok(vh.flags == 0 && vh.hdr_len == 0 && le16toh(vh.csum_start) == 0x77 &&
	   !memcmp(pkt.eth + 12, "\x88\xa8\x00\x07\x08\x00", 6),
	   "an 802.1ad push; a header without offsets is only moved");

	/* offsets that would not fit 16 bits any more: refused, unchanged */
	frame(60, 0x02, 0x01, 0, 0);
	pkt.vnet = raw;
	pkt.eth = buf;
	pkt.len = 60;
	pkt.headroom = PKT_HEADROOM;
	raw[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	raw[6] = 0xfe;
	raw[7] = 0xff;
	ok(vlan_push(&pkt, ETHER_TYPE_8021Q, 1) == -ERANGE && pkt.vnet == raw &&
	   pkt.len == 60 && buf[12] == 0x08,
	   "csum_start 0xfffe cannot move 4 bytes: -ERANGE, frame untouched");
}

/* --- the switch */

static uint32_t ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void test_switch(void)
{
	struct sw_config cfg = {
		.fdb_max = 1024, .ageing_ms = 300000, .fdb_seed = 1,
	};
	static const struct vlan_config none;
	static struct sw sw;
	struct port *p[NPORTS];
	const struct virtio_net_hdr *vh;
	const uint8_t *f;
	size_t len, flen;
	unsigned int i;
	bool all;

	ok1(sw_init(&sw, &cfg) == 0);
	sw.now_ms = 1000;
	p[0] = vrec_add(&sw, "a10", true, "{\"mode\":\"access\",\"tag\":10}");
	p[1] = vrec_add(&sw, "b10", true, "{\"mode\":\"access\",\"tag\":10}");
	p[2] = vrec_add(&sw, "c20", true, "{\"mode\":\"access\",\"tag\":20}");
	p[3] = vrec_add(&sw, "trunk", true, "{\"mode\":\"trunk\","
			"\"trunks\":[10,20],\"native\":30}");
	p[4] = vrec_add(&sw, "transp", true, "{\"mode\":\"none\"}");
	p[5] = vrec_add(&sw, "plain", false,
			"{\"mode\":\"trunk\",\"trunks\":[10]}");
	ok(sw.vlan_ports == 5, "5 ports with a VLAN mode (%u)", sw.vlan_ports);

	/* broadcast from access 10 */
	input(&sw, p[0], frame(60, 0xff, 0x0a, 0, 0));
	ok(!rec[0].n && rec[1].n == 1 && !rec[2].n && rec[3].n == 1 &&
	   rec[4].n == 1 && rec[5].n == 1,
	   "broadcast in VLAN 10 reaches only VLAN 10's ports");
	ok(sent_vid(p[1]) == -1 && rec[1].len == VNET_HDR_LEN + 60,
	   "untagged to the other access port");
	ok(sent_vid(p[3]) == 10 && sent_vid(p[4]) == 10 && sent_vid(p[5]) == 10 &&
	   rec[3].len == VNET_HDR_LEN + 64 && rec[5].len == 64,
	   "tagged 10 to the trunks and the transparent port");
	f = sent_eth(p[3], &flen);
	ok(!memcmp(f + 16, buf + 12, 60 - 12), "payload intact after the tag");
	ok(fdb_lookup(sw.fdb, mac(0x0a), 10, sw.now_ms) == 0 &&
	   fdb_lookup(sw.fdb, mac(0x0a), 0, sw.now_ms) < 0,
	   "the source is learned in VLAN 10, not 0");

	/* tagged 20 from the trunk */
	input(&sw, p[3], frame(64, 0xff, 0x0b, ETHER_TYPE_8021Q, 0x6014));
	ok(!rec[0].n && !rec[1].n && rec[2].n == 1 && rec[4].n == 1 &&
	   !rec[5].n && sent_vid(p[2]) == -1 && sent_vid(p[4]) == 20 &&
	   rec[2].len == VNET_HDR_LEN + 60,
	   "trunk VLAN 20: popped to access 20, tagged to transparent");
	f = sent_eth(p[4], &flen);
	ok(f[14] == 0x60, "the PCP bits survive (%02x)", f[14]);

	/* untagged from the trunk: native 30 */
	input(&sw, p[3], frame(60, 0xff, 0x0c, 0, 0));
	ok(rec[4].n == 1 && sent_vid(p[4]) == 30 && !rec[0].n && !rec[1].n &&
	   !rec[2].n && !rec[5].n, "untagged on the trunk is native VLAN 30");

	/* ingress filtering */
	input(&sw, p[3], frame(64, 0xff, 0x0d, ETHER_TYPE_8021Q, 99));
	input(&sw, p[0], frame(64, 0xff, 0x0d, ETHER_TYPE_8021Q, 20));
	input(&sw, p[5], frame(60, 0xff, 0x0d, 0, 0));
	ok(p[3]->stats.drop[DROP_VLAN_INGRESS] == 1 &&
	   p[0]->stats.drop[DROP_VLAN_INGRESS] == 1 &&
	   p[5]->stats.drop[DROP_VLAN_INGRESS] == 1 && !rec[4].n,
	   "VLAN 99 on the trunk, a tag on an access port, untagged on a "
	   "trunk without native: dropped, counted vlan_ingress");
	ok(fdb_lookup(sw.fdb, mac(0x0d), 99, sw.now_ms) < 0 &&
	   fdb_lookup(sw.fdb, mac(0x0d), 20, sw.now_ms) < 0 &&
	   fdb_lookup(sw.fdb, mac(0x0d), 0, sw.now_ms) < 0,
	   "and never learned");

	/* priority-tagged on access 10: in VLAN 10, PCP kept */
	input(&sw, p[1], frame(64, 0xff, 0x0e, ETHER_TYPE_8021Q, 0xa000));
	f = sent_eth(p[3], &flen);
	ok(rec[0].n == 1 && sent_vid(p[0]) == -1 && sent_vid(p[3]) == 10 &&
	   f[14] == 0xa0, "priority tag: popped to access, VID 10 on the "
	   "trunk with PCP 5 (%02x)", f[14]);

	/* transparent port: VLAN 0 stays among transparent ports */
	input(&sw, p[4], frame(60, 0xff, 0x0f, 0, 0));
	for (all = true, i = 0; i < NPORTS; i++)
		all = all && !rec[i].n;
	ok(all, "untagged from a transparent port: VLAN 0, no VLAN port");
	input(&sw, p[4], frame(64, 0xff, 0x0f, ETHER_TYPE_8021Q, 10));
	ok(rec[0].n == 1 && rec[1].n == 1 && rec[3].n == 1 && rec[5].n == 1 &&
	   !rec[2].n && sent_vid(p[0]) == -1 && sent_vid(p[3]) == 10,
	   "tagged 10 from a transparent port joins VLAN 10");

	/* known unicast: trunk -> access, popped */
	input(&sw, p[3], frame(64, 0x0a, 0x0b, ETHER_TYPE_8021Q, 10));
	ok(rec[0].n == 1 && rec[1].n + rec[2].n + rec[4].n + rec[5].n == 0 &&
	   sent_vid(p[0]) == -1, "known unicast in VLAN 10 to its access port");
	input(&sw, p[2], frame(60, 0x0a, 0x0b, 0, 0));
	ok(!rec[0].n, "the same MAC from VLAN 20 is unknown there: not to "
	   "VLAN 10's port");

	/* a static entry out of the VLAN */
	fdb_add_static(sw.fdb, mac(0x55), 10, p[2]->index, sw.now_ms);
	input(&sw, p[0], frame(60, 0x55, 0x0a, 0, 0));
	ok(!rec[2].n && p[2]->stats.drop[DROP_VLAN_EGRESS] == 1,
	   "a static entry on a port outside the VLAN: vlan_egress");

	/* GSO: access (untagged) -> trunk with vnet: tag pushed, header */
	input(&sw, p[0], gso_frame(0x0b, 0x0a, -1));
	vh = sent_vh(p[3]);
	f = sent_eth(p[3], &flen);
	ok(rec[3].n == 1 && sent_vid(p[3]) == 10 &&
	   le16toh(vh->csum_start) == 38 && le16toh(vh->hdr_len) == 58 &&
	   le16toh(vh->gso_size) == 1000 &&
	   vnet_hdr_check(vh, f, flen) == DROP_NONE,
	   "GSO to a trunk: tagged, csum_start %u, hdr_len %u, valid",
	   le16toh(vh->csum_start), le16toh(vh->hdr_len));

	/* GSO flooded: the plain trunk gets tagged segments */
	input(&sw, p[0], gso_frame(0x77, 0x0a, -1));
	f = sent_eth(p[5], &flen);
	ok(rec[5].n == 3 && p[5]->stats.tx_segmented == 1 &&
	   sent_vid(p[5]) == 10 && flen == 18 + 40 + 1000 &&
	   ip_csum(f + 18, 20) == 0xffff,
	   "GSO to a plain trunk: 3 tagged segments of %zu bytes, IPv4 "
	   "checksum right", flen);
	ok(rec[1].n == 1 && sent_vid(p[1]) == -1 &&
	   le16toh(sent_vh(p[1])->csum_start) == 34 && rec[3].n == 1 &&
	   le16toh(sent_vh(p[3])->csum_start) == 38,
	   "the same flood: untagged to access (csum_start 34), tagged to "
	   "the trunk (38)");

	/* QinQ GSO into access 10: the S-tag is payload; a third tag pushed */
	len = gso_frame(0x78, 0x0a, -1);
	memmove(buf + 20, buf + 12, len - 12);
	memcpy(buf + 12, "\x88\xa8\x00\x64\x81\x00\x00\x05", 8);
	len += 8;
	((struct virtio_net_hdr *)raw)->csum_start = htole16(34 + 8);
	((struct virtio_net_hdr *)raw)->hdr_len = htole16(54 + 8);
	input(&sw, p[0], len);
	vh = sent_vh(p[3]);
	f = sent_eth(p[5], &flen);
	ok(rec[1].n == 1 && rec[1].len == VNET_HDR_LEN + len &&
	   sent_vid(p[3]) == 10 && le16toh(vh->csum_start) == 46 &&
	   rec[5].n == 3 && sent_vid(p[5]) == 10 && flen == 26 + 40 + 1000 &&
	   !memcmp(f + 16, "\x88\xa8\x00\x64\x81\x00\x00\x05", 8) &&
	   ip_csum(f + 26, 20) == 0xffff,
	   "802.1ad GSO frame into an access port: as is to access, 8100/10 "
	   "pushed to the trunks, 3 tags segmented for the plain one");

	/* GSO: trunk (tagged) -> access: tag popped, header back */
	input(&sw, p[3], gso_frame(0x0a, 0x0b, 10));
	vh = sent_vh(p[0]);
	f = sent_eth(p[0], &flen);
	ok(rec[0].n == 1 && sent_vid(p[0]) == -1 &&
	   le16toh(vh->csum_start) == 34 && le16toh(vh->hdr_len) == 54 &&
	   flen == 14 + 40 + 3000 && vnet_hdr_check(vh, f, flen) == DROP_NONE,
	   "GSO from a trunk to access: popped, csum_start %u, hdr_len %u",
	   le16toh(vh->csum_start), le16toh(vh->hdr_len));

	/* a checksum starting inside the tag cannot be popped */
	len = gso_frame(0x0a, 0x0b, 10);
	((struct virtio_net_hdr *)raw)->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	((struct virtio_net_hdr *)raw)->csum_start = htole16(14);
	input(&sw, p[3], len);
	ok(!rec[0].n && p[3]->stats.drop[DROP_VNET_BAD_CSUM] == 1,
	   "csum_start inside the VLAN tag: vnet_bad_csum");

	/* no headroom for the tag: counted, never written out of bounds */
	frame(60, 0x0b, 0x0a, 0, 0);
	pkt.vnet = raw;
	pkt.eth = buf;
	pkt.len = 60;
	pkt.headroom = 0;
	rec_clear();
	switch_input(&sw, p[0], &pkt);
	ok(!rec[3].n && p[3]->stats.drop[DROP_TX_ERROR] == 1,
	   "a frame without headroom cannot be tagged: tx_error");

	/* a mode change forgets the port's learned MACs */
	ok1(fdb_lookup(sw.fdb, mac(0x0a), 10, sw.now_ms) == 0);
	port_set_vlan(p[0], &p[2]->vlan);
	ok(fdb_lookup(sw.fdb, mac(0x0a), 10, sw.now_ms) < 0 &&
	   sw.vlan_ports == 5, "access 10 -> access 20: its MACs forgotten");

	for (i = 0; i < NPORTS; i++)
		port_set_vlan(p[i], &none);
	ok(sw.vlan_ports == 0, "all transparent again: vlan_ports 0");
	input(&sw, p[0], frame(64, 0xff, 0x0a, ETHER_TYPE_8021Q, 10));
	for (all = true, i = 1; i < NPORTS; i++)
		all = all && rec[i].n == 1 && sent_vid(p[i]) == 10;
	ok(all, "and tagged frames pass untouched to every port");
	sw_fini(&sw);
}

/* --- the control method and the state file */

static json_t *ctl_call(struct ctl_context *ctx, const char *line)
{
	size_t len;
	char *reply = ctl_handle_line(ctx, line, strlen(line), &len);
	json_t *j = reply ? json_loadb(reply, len, 0, NULL) : NULL;

	free(reply);
	return j;
}

static void test_ctl(void)
{
	struct sw_config cfg = {
		.fdb_max = 64, .ageing_ms = 300000, .fdb_seed = 1,
	};
	static struct sw sw;
	struct ctl_context ctx = { .sw = &sw };
	char path[] = "/tmp/test-vlan-state.XXXXXX";
	json_t *r, *want, *st, *e;
	int fd;

	if (sw_init(&sw, &cfg))
		abort();
	vrec_add(&sw, "p0", true, "{\"mode\":\"none\"}");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	ctx.state_path = path;
	want = json_loads("{\"mode\":\"trunk\",\"trunks\":[10,30],"
			  "\"native\":7}", 0, NULL);

	r = ctl_call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
		     "\"port.set\",\"params\":{\"name\":\"p0\",\"vlan\":"
		     "{\"mode\":\"trunk\",\"trunks\":[30,10],\"native\":7}}}");
	ok(json_equal(json_object_get(json_object_get(r, "result"), "vlan"),
		      want) && sw.vlan_ports == 1,
	   "port.set vlan trunk: the port shows it, sorted");
	json_decref(r);
	st = json_load_file(path, 0, NULL);
	ok(json_equal(json_object_get(json_array_get(json_object_get(st, "ports"),
						     0), "vlan"), want),
	   "and the state file keeps it");
	json_decref(st);

	r = ctl_call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
		     "\"port.set\",\"params\":{\"name\":\"p0\",\"mtu\":1400,"
		     "\"vlan\":{\"mode\":\"access\",\"tag\":5,\"trunks\":[1]}}}");
	e = json_object_get(r, "error");
	ok(json_integer_value(json_object_get(e, "code")) ==
	   CTL_ERR_INVALID_PARAMS && sw.active[0]->mtu == 1500 &&
	   sw.active[0]->vlan.mode == VLAN_MODE_TRUNK,
	   "a bad vlan object is an invalid-params error, nothing changed: %s",
	   json_string_value(json_object_get(e, "message")));
	json_decref(r);

	r = ctl_call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
		     "\"port.set\",\"params\":{\"name\":\"p0\",\"vlan\":"
		     "{\"mode\":\"none\"}}}");
	json_decref(r);
	r = ctl_call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":"
		     "\"port.list\"}");
	e = json_array_get(json_object_get(json_object_get(r, "result"),
					   "ports"), 0);
	ok(sw.vlan_ports == 0 && !strcmp(json_string_value(json_object_get(
		json_object_get(e, "vlan"), "mode")), "none"),
	   "vlan none: transparent again, port.list says so");
	json_decref(r);

	json_decref(want);
	unlink(path);
	sw_fini(&sw);
}

int main(void)
{
	plan_no_plan();
	test_config();
	test_ingress();
	test_push_pop();
	test_switch();
	test_ctl();
	return exit_status();
}
