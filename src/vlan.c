// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vlan.c - per-port VLAN modes: ingress classification, tag push and pop
 * with the virtio-net header carried along, and the configuration's text
 * and JSON forms (docs/vlan.md).
 *
 * A frame travels through the switch with its virtio-net header just
 * before its Ethernet header, and every backend leaves PKT_HEADROOM bytes
 * before that header.  Pushing a tag therefore moves only the header and
 * the two MAC addresses (24 bytes) 4 bytes toward the buffer's start and
 * writes the tag into the gap; popping moves them 4 bytes the other way,
 * over the tag.  The payload never moves, whatever its size.  The
 * virtio-net header's offsets count from the frame's first byte, so
 * csum_start and hdr_len move with the tag; gso_size and the checksums
 * (which never cover the Ethernet header) do not change.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <linux/virtio_net.h>

#include "tapsw/ether.h"
#include "tapsw/pkt.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"

enum {
	/* what a push or pop moves: the virtio-net header and the MACs */
	VLAN_MOVE_LEN = VNET_HDR_LEN + 2 * ETHER_ADDR_LEN,
};

static const char *const mode_names[VLAN_MODE_MAX] = {
	[VLAN_MODE_NONE] = "none",
	[VLAN_MODE_ACCESS] = "access",
	[VLAN_MODE_TRUNK] = "trunk",
};

enum drop_reason vlan_ingress(const struct vlan_config *vc,
			      const uint8_t *frame, struct ether_info *eth)
{
	uint16_t vid = 0;

	if (vc->mode == VLAN_MODE_NONE)
		return DROP_NONE;
	/* here only an 802.1Q tag is a tag: 802.1ad is payload (QinQ) */
	eth->tagged = eth->tagged &&
		      frame[2 * ETHER_ADDR_LEN] == ETHER_TYPE_8021Q >> 8 &&
		      frame[2 * ETHER_ADDR_LEN + 1] == (ETHER_TYPE_8021Q & 0xff);
	if (eth->tagged)
		vid = eth->vid;
	else
		eth->hdr_len = ETHER_HDR_LEN;	/* an 802.1ad tag is payload */

	if (vc->mode == VLAN_MODE_ACCESS) {
		if (vid)
			return DROP_VLAN_INGRESS;
		eth->vid = vc->tag;	/* untagged or priority-tagged */
		return DROP_NONE;
	}
	if (!vid) {
		if (!vc->native)
			return DROP_VLAN_INGRESS;
		eth->vid = vc->native;
		return DROP_NONE;
	}
	if (vid != vc->native && !vlan_trunk_has(vc, vid))
		return DROP_VLAN_INGRESS;
	eth->vid = vid;
	return DROP_NONE;
}

/*
 * vlan_vnet_shift() - @delta bytes went in after the MAC addresses (or
 * came out, < 0): the header's offsets past them move as much
 */
static void vlan_vnet_shift(struct pkt *pkt, int delta)
{
	struct virtio_net_hdr vh;
	int start, hdr_len;

	memcpy(&vh, pkt->vnet, sizeof(vh));
	start = le16toh(vh.csum_start) + delta;
	hdr_len = le16toh(vh.hdr_len) + delta;
	if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		vh.csum_start = htole16((uint16_t)start);
	if (vh.hdr_len)
		vh.hdr_len = htole16((uint16_t)MAX(hdr_len, 0));
	memcpy(pkt->vnet, &vh, sizeof(vh));
}

int vlan_push(struct pkt *pkt, uint16_t tpid, uint16_t tci)
{
	struct virtio_net_hdr vh;
	uint8_t *tag;

	if (pkt->headroom < ETHER_VLAN_HLEN)
		return -ENOSPC;
	/* csum_start and hdr_len are 16 bits: a frame near 64 KiB */
	memcpy(&vh, pkt->vnet, sizeof(vh));
	if (le16toh(vh.csum_start) > 0xffff - ETHER_VLAN_HLEN ||
	    le16toh(vh.hdr_len) > 0xffff - ETHER_VLAN_HLEN)
		return -ERANGE;
	memmove(pkt->vnet - ETHER_VLAN_HLEN, pkt->vnet, VLAN_MOVE_LEN);
	pkt->vnet -= ETHER_VLAN_HLEN;
	pkt->eth -= ETHER_VLAN_HLEN;
	pkt->len += ETHER_VLAN_HLEN;
	pkt->headroom -= ETHER_VLAN_HLEN;

	tag = pkt->eth + 2 * ETHER_ADDR_LEN;
	tag[0] = (uint8_t)(tpid >> 8);
	tag[1] = (uint8_t)tpid;
	tag[2] = (uint8_t)(tci >> 8);
	tag[3] = (uint8_t)tci;
	vlan_vnet_shift(pkt, ETHER_VLAN_HLEN);
	return 0;
}

void vlan_pop(struct pkt *pkt)
{
	memmove(pkt->vnet + ETHER_VLAN_HLEN, pkt->vnet, VLAN_MOVE_LEN);
	pkt->vnet += ETHER_VLAN_HLEN;
	pkt->eth += ETHER_VLAN_HLEN;
	pkt->len -= ETHER_VLAN_HLEN;
	pkt->headroom += ETHER_VLAN_HLEN;
	vlan_vnet_shift(pkt, -ETHER_VLAN_HLEN);
}

/* --- text */

const char *vlan_mode_name(enum vlan_mode mode)
{
	return (unsigned int)mode < VLAN_MODE_MAX ? mode_names[mode] :
	       "unknown";
}

int vlan_mode_parse(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < VLAN_MODE_MAX; i++)
		if (!strcmp(name, mode_names[i]))
			return (int)i;
	return -EINVAL;
}

/* one VID at *@s: digits only, 1 to 4094; advances *@s */
static int vid_parse(const char **s, unsigned int *vid)
{
	unsigned int v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9' && v <= VLAN_VID_MAX)
		v = v * 10 + (unsigned int)(*p++ - '0');
	if (v < VLAN_VID_MIN || v > VLAN_VID_MAX)
		return -EINVAL;
	*vid = v;
	*s = p;
	return 0;
}

int vlan_list_parse(const char *s, struct vlan_config *vc)
{
	unsigned int lo, hi, v;

	for (;;) {
		if (vid_parse(&s, &lo))
			return -EINVAL;
		hi = lo;
		if (*s == '-') {
			s++;
			if (vid_parse(&s, &hi) || hi < lo)
				return -EINVAL;
		}
		for (v = lo; v <= hi; v++)
			vlan_trunk_add(vc, (uint16_t)v);
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

void vlan_list_format(const struct vlan_config *vc, char *buf, size_t size)
{
	unsigned int lo, hi;
	size_t off = 0;
	int n;

	buf[0] = '\0';
	for (lo = VLAN_VID_MIN; lo <= VLAN_VID_MAX; lo++) {
		if (!vlan_trunk_has(vc, (uint16_t)lo))
			continue;
		for (hi = lo; hi < VLAN_VID_MAX &&
			      vlan_trunk_has(vc, (uint16_t)(hi + 1)); hi++)
			;
		n = hi == lo ?
		    snprintf(buf + off, size - off, "%s%u", off ? "," : "", lo) :
		    snprintf(buf + off, size - off, "%s%u-%u", off ? "," : "",
			     lo, hi);
		if (n < 0 || (size_t)n >= size - off) {
			/* cut: end with "..." where it fits */
			if (size > 4)
				snprintf(buf + MIN(off, size - 4), 4, "...");
			return;
		}
		off += (size_t)n;
		lo = hi;
	}
}

void vlan_config_format(const struct vlan_config *vc, char *buf,
			size_t size)
{
	char list[VLAN_TEXT_MAX];

	switch (vc->mode) {
	case VLAN_MODE_ACCESS:
		snprintf(buf, size, "access %u", vc->tag);
		break;
	case VLAN_MODE_TRUNK:
		vlan_list_format(vc, list, sizeof(list));
		if (vc->native)
			snprintf(buf, size, "trunk %s native %u", list,
				 vc->native);
		else
			snprintf(buf, size, "trunk %s", list);
		break;
	case VLAN_MODE_NONE:
	default:
		snprintf(buf, size, "-");
		break;
	}
}

/* --- JSON */

json_t *vlan_trunks_json(const struct vlan_config *vc)
{
	json_t *a = json_array();
	unsigned int v;

	for (v = VLAN_VID_MIN; a && v <= VLAN_VID_MAX; v++)
		if (vlan_trunk_has(vc, (uint16_t)v))
			json_array_append_new(a, json_integer(v));
	return a;
}

json_t *vlan_config_json(const struct vlan_config *vc)
{
	switch (vc->mode) {
	case VLAN_MODE_ACCESS:
		return json_pack("{s:s, s:i}", "mode", "access",
				 "tag", (int)vc->tag);
	case VLAN_MODE_TRUNK:
		return json_pack("{s:s, s:o, s:i}", "mode", "trunk",
				 "trunks", vlan_trunks_json(vc),
				 "native", (int)vc->native);
	case VLAN_MODE_NONE:
	default:
		return json_pack("{s:s}", "mode", "none");
	}
}

/* a VID from @min to 4094 in @v */
static bool vid_get(const json_t *v, int min, uint16_t *vid)
{
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > VLAN_VID_MAX)
		return false;
	*vid = (uint16_t)json_integer_value(v);
	return true;
}

int vlan_config_from_json(const json_t *o, struct vlan_config *vc,
			  char *why, size_t whylen)
{
	/* the members each mode takes, besides "mode" */
	static const char *const members[VLAN_MODE_MAX][3] = {
		[VLAN_MODE_ACCESS] = { "tag" },
		[VLAN_MODE_TRUNK] = { "trunks", "native" },
	};
	const json_t *trunks, *v;
	const char *key;
	size_t i;
	int mode;

	memset(vc, 0, sizeof(*vc));
	if (!json_is_object(o)) {
		snprintf(why, whylen, "'vlan' must be an object like "
			 "{\"mode\":\"access\",\"tag\":10}");
		return -EINVAL;
	}
	v = json_object_get(o, "mode");
	mode = vlan_mode_parse(json_string_value(v));
	if (mode < 0) {
		snprintf(why, whylen, "vlan 'mode' %s none, access or trunk%s",
			 v ? "must be" : "missing:",
			 json_object_get(o, "native") ? " ('native' goes with "
			 "trunk)" : "");
		return -EINVAL;
	}
	vc->mode = (enum vlan_mode)mode;
	json_object_foreach((json_t *)o, key, v) {
		const char *const *m = members[mode];

		while (*m && strcmp(key, *m))
			m++;
		if (strcmp(key, "mode") && !*m) {
			snprintf(why, whylen, "vlan '%.32s' does not go with "
				 "mode %s", key, mode_names[mode]);
			return -EINVAL;
		}
	}

	if (vc->mode == VLAN_MODE_ACCESS &&
	    !vid_get(json_object_get(o, "tag"), VLAN_VID_MIN, &vc->tag)) {
		snprintf(why, whylen, "vlan mode access needs a 'tag' from "
			 "1 to 4094");
		return -EINVAL;
	}
	if (vc->mode != VLAN_MODE_TRUNK)
		return 0;

	v = json_object_get(o, "native");
	if (v && !vid_get(v, 0, &vc->native)) {
		snprintf(why, whylen, "vlan 'native' must be from 0 (none) to "
			 "4094");
		return -EINVAL;
	}
	trunks = json_object_get(o, "trunks");
	json_array_foreach(trunks, i, v) {
		uint16_t vid;

		if (!vid_get(v, VLAN_VID_MIN, &vid))
			break;
		vlan_trunk_add(vc, vid);
	}
	if (!json_array_size(trunks) || i < json_array_size(trunks)) {
		snprintf(why, whylen, "vlan mode trunk needs 'trunks', a list "
			 "of VLAN ids from 1 to 4094");
		return -EINVAL;
	}
	return 0;
}
