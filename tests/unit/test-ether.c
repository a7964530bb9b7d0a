// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-ether.c - frame classification and MAC address text.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/ether.h"
#include "tap.h"

#define UC	0x52, 0x54, 0x00, 0x00, 0x00, 0x01	/* unicast */
#define UC2	0x52, 0x54, 0x00, 0x00, 0x00, 0x02
#define BC	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define MC	0x01, 0x00, 0x5e, 0x00, 0x00, 0x01
#define ZERO	0x00, 0x00, 0x00, 0x00, 0x00, 0x00
#define LL(x)	0x01, 0x80, 0xc2, 0x00, 0x00, (x)
#define IPV4	0x08, 0x00
#define Q(vid)	0x81, 0x00, ((vid) >> 8) & 0x0f, (vid) & 0xff
#define AD(vid)	0x88, 0xa8, ((vid) >> 8) & 0x0f, (vid) & 0xff

struct frame_case {
	const char *what;
	uint8_t bytes[32];
	size_t len;
	enum drop_reason want;
	uint16_t vid;
	size_t hdr_len;
};

static const struct frame_case frames[] = {
	{ "empty frame is a runt", { 0 }, 0, DROP_RUNT, 0, 0 },
	{ "13 bytes is a runt", { UC2, UC, 0x08 }, 13, DROP_RUNT, 0, 0 },
	{ "14-byte header only is valid", { UC2, UC, IPV4 }, 14, DROP_NONE, 0, 14 },
	{ "unicast IPv4", { UC2, UC, IPV4, 0x45 }, 15, DROP_NONE, 0, 14 },
	{ "broadcast destination", { BC, UC, IPV4 }, 14, DROP_NONE, 0, 14 },
	{ "multicast destination", { MC, UC, IPV4 }, 14, DROP_NONE, 0, 14 },
	{ "broadcast source", { UC2, BC, IPV4 }, 14, DROP_SRC_MULTICAST, 0, 14 },
	{ "multicast source", { UC2, MC, IPV4 }, 14, DROP_SRC_MULTICAST, 0, 14 },
	{ "zero source", { UC2, ZERO, IPV4 }, 14, DROP_SRC_ZERO, 0, 14 },
	{ "STP BPDU 01:80:c2:00:00:00", { LL(0x00), UC, 0x00, 0x26 }, 14, DROP_LINK_LOCAL, 0, 14 },
	{ "pause 01:80:c2:00:00:01", { LL(0x01), UC, 0x88, 0x08 }, 14, DROP_LINK_LOCAL, 0, 14 },
	{ "LACP 01:80:c2:00:00:02", { LL(0x02), UC, 0x88, 0x09 }, 14, DROP_LINK_LOCAL, 0, 14 },
	{ "802.1X 01:80:c2:00:00:03", { LL(0x03), UC, 0x88, 0x8e }, 14, DROP_LINK_LOCAL, 0, 14 },
	{ "LLDP 01:80:c2:00:00:0e", { LL(0x0e), UC, 0x88, 0xcc }, 14, DROP_LINK_LOCAL, 0, 14 },
	{ "01:80:c2:00:00:0f", { LL(0x0f), UC, IPV4 }, 14, DROP_LINK_LOCAL, 0, 14 },
	{ "01:80:c2:00:00:10 is forwarded", { LL(0x10), UC, IPV4 }, 14, DROP_NONE, 0, 14 },
	{ "802.1Q tag VID 100", { UC2, UC, Q(100), IPV4 }, 18, DROP_NONE, 100, 18 },
	{ "802.1Q tag VID 4095 bits", { UC2, UC, Q(4095), IPV4 }, 18, DROP_NONE, 4095, 18 },
	{ "802.1Q PCP bits ignored", { UC2, UC, 0x81, 0x00, 0xe0, 0x05, IPV4 }, 18, DROP_NONE, 5, 18 },
	{ "802.1ad outer tag VID 7", { UC2, UC, AD(7), Q(9), IPV4 }, 22, DROP_NONE, 7, 18 },
	{ "truncated 802.1Q tag (15 bytes)", { UC2, UC, Q(100) }, 15, DROP_VLAN_TRUNCATED, 0, 0 },
	{ "truncated 802.1Q tag (17 bytes)", { UC2, UC, Q(100) }, 17, DROP_VLAN_TRUNCATED, 0, 0 },
	{ "truncated 802.1ad tag", { UC2, UC, AD(1) }, 16, DROP_VLAN_TRUNCATED, 0, 0 },
	{ "tagged frame with multicast source", { UC2, MC, Q(3), IPV4 }, 18, DROP_SRC_MULTICAST, 3, 18 },
};

struct mac_case {
	const char *text;
	int ret;
	uint8_t mac[6];
	const char *formatted;
};

static const struct mac_case macs[] = {
	{ "52:54:00:12:34:56", 0, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, "52:54:00:12:34:56" },
	{ "52-54-00-AB-cd-EF", 0, { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef }, "52:54:00:ab:cd:ef" },
	{ "ff:ff:ff:ff:ff:ff", 0, { BC }, "ff:ff:ff:ff:ff:ff" },
	{ "", -EINVAL, { 0 }, NULL },
	{ "5", -EINVAL, { 0 }, NULL },
	{ "52:54:00:12:34", -EINVAL, { 0 }, NULL },
	{ "52:54:00:12:34:5", -EINVAL, { 0 }, NULL },
	{ "52:54:00:12:34:567", -EINVAL, { 0 }, NULL },
	{ "52:54:00:12:34:56:", -EINVAL, { 0 }, NULL },
	{ "52:54-00:12:34:56", -EINVAL, { 0 }, NULL },
	{ "52.54.00.12.34.56", -EINVAL, { 0 }, NULL },
	{ "g2:54:00:12:34:56", -EINVAL, { 0 }, NULL },
	{ "525400123456", -EINVAL, { 0 }, NULL },
};

int main(void)
{
	unsigned int i;

	plan_tests(ARRAY_SIZE(frames) * 2 + ARRAY_SIZE(macs) * 2 + 4);

	for (i = 0; i < ARRAY_SIZE(frames); i++) {
		const struct frame_case *c = &frames[i];
		struct ether_info info = { 0 };
		enum drop_reason got;

		got = ether_classify(c->bytes, c->len, &info);
		ok(got == c->want, "%s: %s (want %s)", c->what,
		   drop_reason_name(got), drop_reason_name(c->want));
		if (c->hdr_len)
			ok(info.vid == c->vid && info.hdr_len == c->hdr_len,
			   "%s: vid %u hdr_len %zu", c->what, info.vid,
			   info.hdr_len);
		else
			ok(1, "%s: no header to check", c->what);
	}

	for (i = 0; i < ARRAY_SIZE(macs); i++) {
		const struct mac_case *c = &macs[i];
		uint8_t mac[6] = { 0 };
		char buf[ETHER_MAC_STRLEN];
		int ret = ether_mac_parse(c->text, mac);

		ok(ret == c->ret, "parse '%s' returns %d", c->text, ret);
		if (c->formatted)
			ok(!memcmp(mac, c->mac, 6) &&
			   !strcmp(ether_mac_format(mac, buf), c->formatted),
			   "'%s' formats as %s", c->text, c->formatted);
		else
			ok(1, "'%s' rejected", c->text);
	}

	{
		const uint8_t bc[6] = { BC }, mc[6] = { MC }, z[6] = { ZERO },
			      ll[6] = { LL(0x0e) };

		ok1(ether_is_broadcast(bc) && ether_is_multicast(bc));
		ok1(ether_is_multicast(mc) && !ether_is_broadcast(mc));
		ok1(ether_is_zero(z) && !ether_is_multicast(z));
		ok1(ether_is_link_local(ll) && !ether_is_link_local(mc));
	}
	return exit_status();
}
