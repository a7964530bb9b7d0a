/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_codec.h - the JSON and text forms of port settings, VLAN modes and
 * port controls, shared by the control methods (ctl_method.c), the state
 * file (state.c) and tapswctl.
 *
 * The forwarding path knows a port's VLAN mode as a struct vlan_config
 * (vlan.h) and its controls as bits (enum port_flag, port.h); their names
 * and their text and JSON forms are control-plane knowledge, kept here so
 * that tapswctl links this file and ctl_proto.c but no frame code.
 *
 * A VLAN mode is "-", "access 10" or "trunk 10,20-29 native 5" as text,
 * and {"mode":"none"}, {"mode":"access","tag":10} or {"mode":"trunk",
 * "trunks":[10,20],"native":5} as JSON (docs/vlan.md).  The port controls
 * are one table, port_flag_info[]: each control's name (a boolean member
 * of port.show's result, of the state file's ports and of the params of
 * port.add and port.set; a keyword of tapswctl), its bit, and which value
 * the bit stands for.  Everything that names the controls reads it.
 *
 * The functions keep the prefix of what they encode (vlan_, port_flag_),
 * as their callers know them.  Nothing here touches a port or a frame.
 */
#ifndef TAPSW_CTL_CODEC_H
#define TAPSW_CTL_CODEC_H

#include "tapsw.h"
#include "vlan.h"
#include "vxlan.h"

#include <jansson.h>

enum {
	VLAN_TEXT_MAX = 128,	/* vlan_config_format(): longer lists are cut */
};

/* --- VLAN modes as text */

/**
 * vlan_mode_name() - "none", "access", "trunk"; "unknown" if out of range.
 * @mode: The mode.
 */
const char *vlan_mode_name(enum vlan_mode mode);

/**
 * vlan_mode_parse() - The VLAN mode named @name.
 * @name: A mode's name; may be NULL.
 *
 * Return: an enum vlan_mode, or -EINVAL.
 */
int vlan_mode_parse(const char *name);

/**
 * vlan_list_parse() - Add the VIDs of a list to a VLAN mode's trunks.
 * @s: The list: "10,20-29,30".
 * @vc: The mode whose trunks get them.
 *
 * Return: 0, or -EINVAL (not a list of VIDs 1 to 4094, or a reversed range).
 */
int vlan_list_parse(const char *s, struct vlan_config *vc);

/**
 * vlan_list_format() - Write @vc's trunks as "10,20-29,30".
 * @vc: The VLAN mode.
 * @buf: Where to write them.
 * @size: Size of @buf: the list is cut to fit (ending "..." when cut).
 */
void vlan_list_format(const struct vlan_config *vc, char *buf, size_t size);

/**
 * vlan_config_format() - Write @vc as text.
 * @vc: The VLAN mode.
 * @buf: Where to write it.
 * @size: Size of @buf (VLAN_TEXT_MAX holds any list, cut).
 *
 * As "-", "access 10" or "trunk 10,20 native 5".
 */
void vlan_config_format(const struct vlan_config *vc, char *buf,
			size_t size);

/* --- VLAN modes as JSON */

/**
 * vlan_trunks_json() - @vc's trunks as a JSON array of VIDs (new ref).
 * @vc: The VLAN mode.
 */
json_t *vlan_trunks_json(const struct vlan_config *vc);

/**
 * vlan_config_json() - A VLAN mode as JSON.
 * @vc: The mode.
 *
 * {"mode":"none"}, {"mode":"access","tag":10} or
 * {"mode":"trunk","trunks":[10,20],"native":5} (native 0: none).
 *
 * Return: a new reference, or NULL without memory.
 */
json_t *vlan_config_json(const struct vlan_config *vc);

/**
 * vlan_config_from_json() - The inverse of vlan_config_json(), checked.
 * @o: The JSON object.
 * @vc: The VLAN mode; cleared first.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * The checks: @o has a known mode; access needs "tag" (1-4094) alone;
 * trunk needs "trunks", a non-empty array of VIDs 1-4094, and may have
 * "native" (0-4094, 0: none); no other members.
 *
 * Return: 0, or -EINVAL with a reason in @why.
 */
int vlan_config_from_json(const json_t *o, struct vlan_config *vc,
			  char *why, size_t whylen);

/* --- port controls */

/*
 * One control: its name, its bit in port.flags (enum port_flag), and
 * whether the bit being set means "on" (isolated, locked) or "off"
 * (learning, flood, ...: the bits say what differs from the defaults).
 */
struct port_flag_info {
	const char *name;
	unsigned int bit;
	bool on_when_set;
};

enum { PORT_FLAG_COUNT = 6 };

/* the controls, in the order port show lists them */
extern const struct port_flag_info port_flag_info[PORT_FLAG_COUNT];

/**
 * port_flag_on() - The value of a control, as a user sees it.
 * @flags: Port flags (port.flags).
 * @fi: The control.
 *
 * Return: true if the control is on (learning, by default).
 */
static inline bool port_flag_on(unsigned int flags,
				const struct port_flag_info *fi)
{
	return !!(flags & fi->bit) == fi->on_when_set;
}

/**
 * port_flag_find() - The control of a name.
 * @name: The name; not NUL-terminated there.
 * @len: Its length in bytes.
 *
 * Return: its entry in port_flag_info[], or NULL.
 */
const struct port_flag_info *port_flag_find(const char *name, size_t len);

/**
 * port_flags_json_set() - Set one boolean for each control into an object.
 * @o: The JSON object: gets "learning": true, ...
 * @flags: Port flags, as the booleans have them.
 */
void port_flags_json_set(json_t *o, unsigned int flags);

/**
 * port_flags_from_json() - Apply the controls given in an object.
 * @o: The JSON object: "learning": false, ...; other keys are not looked at.
 * @flags: The port flags they apply to.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: how many controls there were, or -EINVAL with a reason in @why
 * for a value not true or false (*@flags is then unchanged).
 */
int port_flags_from_json(const json_t *o, unsigned int *flags,
			 char *why, size_t whylen);

/* --- mirrors (mirror.h) as JSON */

struct mirror;

/**
 * mirror_config_json() - A mirror's configuration as JSON.
 * @m: The mirror.
 *
 * {"name":"m1","src":["tap1"],"dst":[],"vlan":[10,20],"output":"tap9"}:
 * what mirror.list shows (before its counters) and the state file keeps.
 *
 * Return: a new reference, or NULL without memory.
 */
json_t *mirror_config_json(const struct mirror *m);

/* --- vxlan ports */

/**
 * vxlan_ip_parse() - An IPv4 or IPv6 address in text form.
 * @s: The text ("10.1.0.1", "fd00::1").
 * @ip: The address, on success.
 *
 * Return: 0, or -EINVAL.
 */
int vxlan_ip_parse(const char *s, struct vxlan_ip *ip);

/**
 * vxlan_ip_format() - The text form of @ip.
 * @ip: The address.
 * @buf: Where it goes, VXLAN_IP_STRLEN bytes.
 * @size: Size of @buf.
 *
 * Return: @buf.
 */
const char *vxlan_ip_format(const struct vxlan_ip *ip, char *buf,
			    size_t size);

/**
 * vxlan_config_from_json() - A vxlan port's settings from @o's members.
 * @o: port.add's params, or a port of the state file.
 * @vc: The settings; cleared first.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * "vni" (0-16777215) and "local" (an address) are needed; "remote" (an
 * address or an array of them, of the local address's family, unicast,
 * not the local one), "dstport" (1-65535, default 4789), "ttl" and "tos"
 * (0-255), "udpcsum" (false: zero outer UDP checksums over IPv4; IPv6
 * always has them), "map" (["VID:VNI", ...]: VLAN <-> VNI pairs) may be
 * given.
 *
 * Return: 0, or -EINVAL with a reason in @why.
 */
int vxlan_config_from_json(const json_t *o, struct vxlan_config *vc,
			   char *why, size_t whylen);

/**
 * vxlan_config_json_set() - Set @vc's members in @o, as above.
 * @o: The object.
 * @vc: The settings.
 */
void vxlan_config_json_set(json_t *o, const struct vxlan_config *vc);

/**
 * vxlan_has_params() - Does @o have a member only vxlan ports take?
 * @o: port.add's params.
 *
 * Return: the first such member's name, or NULL.
 */
const char *vxlan_has_params(const json_t *o);

#endif /* TAPSW_CTL_CODEC_H */
