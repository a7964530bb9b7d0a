// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl_codec.c - the JSON and text forms of port settings: VLAN modes
 * (vlan.h) and the port controls' table (port.h's bits by name), for the
 * control methods, the state file and tapswctl (ctl_codec.h).
 *
 * Parsing is strict, as the control protocol is (docs/control-protocol.md):
 * a VLAN list is digits, commas and ranges only; a VLAN object has no
 * member its mode does not take; a control is true or false.  A refusal
 * says why in the caller's buffer (ctl_method.c makes it the error
 * message).
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <arpa/inet.h>

#include "tapsw/ctl_codec.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/vlan.h"
#include "tapsw/vxlan_wire.h"

/* --- VLAN modes as text */

static const char *const mode_names[VLAN_MODE_MAX] = {
	[VLAN_MODE_NONE] = "none",
	[VLAN_MODE_ACCESS] = "access",
	[VLAN_MODE_TRUNK] = "trunk",
};

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

/* --- VLAN modes as JSON */

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

/* --- port controls */

const struct port_flag_info port_flag_info[PORT_FLAG_COUNT] = {
	{ "learning", PORT_NO_LEARNING, false },
	{ "flood", PORT_NO_FLOOD, false },
	{ "mcast_flood", PORT_NO_MCAST_FLOOD, false },
	{ "bcast_flood", PORT_NO_BCAST_FLOOD, false },
	{ "isolated", PORT_ISOLATED, true },
	{ "locked", PORT_LOCKED, true },
};

const struct port_flag_info *port_flag_find(const char *name, size_t len)
{
	const struct port_flag_info *fi;

	for (fi = port_flag_info; fi < port_flag_info + PORT_FLAG_COUNT; fi++)
		if (strlen(fi->name) == len && !memcmp(fi->name, name, len))
			return fi;
	return NULL;
}

void port_flags_json_set(json_t *o, unsigned int flags)
{
	const struct port_flag_info *fi;

	for (fi = port_flag_info; fi < port_flag_info + PORT_FLAG_COUNT; fi++)
		json_object_set_new(o, fi->name,
				    json_boolean(port_flag_on(flags, fi)));
}

int port_flags_from_json(const json_t *o, unsigned int *flags, char *why,
			 size_t whylen)
{
	const struct port_flag_info *fi;
	unsigned int f = *flags;
	int n = 0;

	for (fi = port_flag_info; fi < port_flag_info + PORT_FLAG_COUNT; fi++) {
		const json_t *v = json_object_get(o, fi->name);

		if (!v)
			continue;
		if (!json_is_boolean(v)) {
			snprintf(why, whylen, "'%s' must be true or false",
				 fi->name);
			return -EINVAL;
		}
		if (json_is_true(v) == fi->on_when_set)
			f |= fi->bit;
		else
			f &= ~fi->bit;
		n++;
	}
	*flags = f;
	return n;
}

/* --- mirrors */

static json_t *mirror_names_json(char (*names)[IF_NAMESIZE], unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *mirror_config_json(const struct mirror *m)
{
	json_t *vlans = json_array();
	unsigned int v;

	for (v = VLAN_VID_MIN; vlans && m->n_vlans && v <= VLAN_VID_MAX; v++)
		if (m->vlans[v / 64] >> (v % 64) & 1)
			json_array_append_new(vlans, json_integer(v));
	return json_pack("{s:s, s:o, s:o, s:o, s:s}", "name", m->name,
			 "src", mirror_names_json(m->src, m->n_src),
			 "dst", mirror_names_json(m->dst, m->n_dst),
			 "vlan", vlans, "output", m->output);
}

/* --- vxlan ports */

static const char *const vxlan_keys[] = {
	"vni", "local", "remote", "dstport", "ttl", "tos", "udpcsum", "map",
	NULL,
};

int vxlan_ip_parse(const char *s, struct vxlan_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, &ip->v4) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &ip->v6) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

const char *vxlan_ip_format(const struct vxlan_ip *ip, char *buf,
			    size_t size)
{
	if (!ip->family || !inet_ntop(ip->family, &ip->v6, buf,
				      (socklen_t)size))
		snprintf(buf, size, "-");
	return buf;
}

static bool vxlan_ip_unicast(const struct vxlan_ip *ip)
{
	if (ip->family == AF_INET) {
		uint32_t a = ntohl(ip->v4.s_addr);

		return a && a != 0xffffffffu && (a >> 28) != 0xe;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&ip->v6) &&
	       !IN6_IS_ADDR_MULTICAST(&ip->v6);
}

/* member @key of @o: absent (@dflt), or an integer from 0 to @max */
static int vxlan_uint(const json_t *o, const char *key, unsigned int max,
		      unsigned int dflt, unsigned int *out, char *why,
		      size_t whylen)
{
	const json_t *v = json_object_get(o, key);

	*out = dflt;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max) {
		snprintf(why, whylen, "'%s' must be a number from 0 to %u",
			 key, max);
		return -EINVAL;
	}
	*out = (unsigned int)json_integer_value(v);
	return 0;
}

static int vxlan_remote_from_json(const json_t *v, struct vxlan_config *vc,
				  char *why, size_t whylen)
{
	struct vxlan_ip ip;
	unsigned int i;

	if (vxlan_ip_parse(json_string_value(v), &ip) ||
	    !vxlan_ip_unicast(&ip)) {
		snprintf(why, whylen, "remote '%.64s': not a unicast IPv4 or "
			 "IPv6 address", json_is_string(v) ?
			 json_string_value(v) : "?");
		return -EINVAL;
	}
	if (ip.family != vc->local.family) {
		snprintf(why, whylen, "remote %.64s: not of the local "
			 "address's family", json_string_value(v));
		return -EINVAL;
	}
	if (!memcmp(&ip, &vc->local, sizeof(ip))) {
		snprintf(why, whylen, "remote %.64s: the local address",
			 json_string_value(v));
		return -EINVAL;
	}
	for (i = 0; i < vc->n_remotes; i++)
		if (!memcmp(&ip, &vc->remotes[i], sizeof(ip)))
			return 0;	/* given twice: once is enough */
	if (vc->n_remotes == VXLAN_REMOTES_MAX) {
		snprintf(why, whylen, "more than %u remotes",
			 VXLAN_REMOTES_MAX);
		return -EINVAL;
	}
	vc->remotes[vc->n_remotes++] = ip;
	return 0;
}

/* "map": ["VID:VNI", ...], each VLAN and VNI once, none the port's VNI */
static int vxlan_maps_from_json(const json_t *m, struct vxlan_config *vc,
				char *why, size_t whylen)
{
	unsigned long vid, vni;
	const char *t;
	char *end;
	size_t i;
	unsigned int k;

	if (!m)
		return 0;
	if (!json_is_array(m) || json_array_size(m) > VXLAN_MAPS_MAX)
		goto bad;
	for (i = 0; i < json_array_size(m); i++) {
		t = json_string_value(json_array_get(m, i));
		if (!t || *t < '0' || *t > '9')
			goto bad;
		vid = strtoul(t, &end, 10);
		if (*end != ':' || end[1] < '0' || end[1] > '9')
			goto bad;
		vni = strtoul(end + 1, &end, 10);
		if (*end || vid < 1 || vid > 4094 || vni > VXLAN_VNI_MAX)
			goto bad;
		if (vni == vc->vni) {
			snprintf(why, whylen, "map %.32s: VNI %lu is the port's "
				 "own", t, vni);
			return -EINVAL;
		}
		for (k = 0; k < vc->n_maps; k++) {
			if (vc->maps[k].vid == vid || vc->maps[k].vni == vni) {
				snprintf(why, whylen, "map %.32s: VLAN or VNI "
					 "mapped twice", t);
				return -EINVAL;
			}
		}
		vc->maps[vc->n_maps].vid = (uint16_t)vid;
		vc->maps[vc->n_maps++].vni = (uint32_t)vni;
	}
	return 0;
bad:
	snprintf(why, whylen, "'map' must be a list of \"VID:VNI\" (VLAN "
		 "1-4094, VNI 0-%u), at most %u", VXLAN_VNI_MAX, VXLAN_MAPS_MAX);
	return -EINVAL;
}

int vxlan_config_from_json(const json_t *o, struct vxlan_config *vc,
			   char *why, size_t whylen)
{
	const json_t *v;
	unsigned int port;
	size_t i;
	int ret;

	memset(vc, 0, sizeof(*vc));
	if (!json_object_get(o, "vni")) {
		snprintf(why, whylen, "a vxlan port needs a 'vni'");
		return -EINVAL;
	}
	if ((ret = vxlan_uint(o, "vni", VXLAN_VNI_MAX, 0, &vc->vni, why,
			      whylen)) ||
	    (ret = vxlan_uint(o, "dstport", 65535, VXLAN_DSTPORT_DEFAULT,
			      &port, why, whylen)) ||
	    (ret = vxlan_uint(o, "ttl", 255, 0, &vc->ttl, why, whylen)) ||
	    (ret = vxlan_uint(o, "tos", 255, 0, &vc->tos, why, whylen)))
		return ret;
	if (!port) {
		snprintf(why, whylen, "'dstport' must be from 1 to 65535");
		return -EINVAL;
	}
	vc->dstport = (uint16_t)port;
	v = json_object_get(o, "udpcsum");
	if (v && !json_is_boolean(v)) {
		snprintf(why, whylen, "'udpcsum' must be true or false");
		return -EINVAL;
	}
	vc->no_udpcsum = json_is_false(v);
	v = json_object_get(o, "local");
	if (vxlan_ip_parse(json_string_value(v), &vc->local) ||
	    !vxlan_ip_unicast(&vc->local)) {
		snprintf(why, whylen, "a vxlan port needs a 'local' unicast "
			 "IPv4 or IPv6 address of this host");
		return -EINVAL;
	}
	ret = vxlan_maps_from_json(json_object_get(o, "map"), vc, why, whylen);
	if (ret)
		return ret;
	v = json_object_get(o, "remote");
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			ret = vxlan_remote_from_json(json_array_get(v, i), vc,
						     why, whylen);
			if (ret)
				return ret;
		}
	} else if (v) {
		return vxlan_remote_from_json(v, vc, why, whylen);
	}
	return 0;
}

void vxlan_config_json_set(json_t *o, const struct vxlan_config *vc)
{
	char buf[VXLAN_IP_STRLEN];
	json_t *remotes = json_array();
	unsigned int i;

	for (i = 0; i < vc->n_remotes; i++)
		json_array_append_new(remotes, json_string(vxlan_ip_format(
			&vc->remotes[i], buf, sizeof(buf))));
	json_object_set_new(o, "vni", json_integer(vc->vni));
	json_object_set_new(o, "local", json_string(vxlan_ip_format(
		&vc->local, buf, sizeof(buf))));
	json_object_set_new(o, "remote", remotes);
	json_object_set_new(o, "dstport", json_integer(vc->dstport));
	json_object_set_new(o, "ttl", json_integer(vc->ttl));
	json_object_set_new(o, "tos", json_integer(vc->tos));
	json_object_set_new(o, "udpcsum", json_boolean(!vc->no_udpcsum));
	if (vc->n_maps) {
		json_t *maps = json_array();

		for (i = 0; i < vc->n_maps; i++) {
			snprintf(buf, sizeof(buf), "%u:%u", vc->maps[i].vid,
				 vc->maps[i].vni);
			json_array_append_new(maps, json_string(buf));
		}
		json_object_set_new(o, "map", maps);
	}
}

const char *vxlan_has_params(const json_t *o)
{
	const char *const *k;

	for (k = vxlan_keys; *k; k++)
		if (json_object_get(o, *k))
			return *k;
	return NULL;
}
