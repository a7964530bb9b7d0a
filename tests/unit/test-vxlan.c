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

#include "tapsw/ctl_codec.h"
#include "tapsw/vxlan.h"
#include "tapsw/vxlan_wire.h"
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

int main(void)
{
	plan_no_plan();
	test_hdr();
	test_vid_hash();
	test_codec();
	return exit_status();
}
