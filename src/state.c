// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - save and restore the switch's configuration (--state FILE).
 *
 * The file is JSON, for people and scripts alike:
 *
 *   {"tapsw_state": 1,
 *    "ports": [{"name": "tap0", "kind": "tap", "mtu": 1500, "max_macs": 0,
 *               "offload": true, "owner": -1, "group": -1, "mode": 0,
 *               "path": "", "netns": "h1", "created": true,
 *               "vlan": {"mode": "access", "tag": 10},
 *               "learning": true, "flood": true, ...}, ...],
 *    "fdb": [{"mac": "52:54:00:12:34:56", "vlan": 0, "port": "tap0"}, ...]}
 *
 * "created": tapsw created the device (in this run or an earlier one), so
 * `port del NAME destroy` may delete it after a restart too; without it
 * (older tapswd) a device found at restore is somebody else's.
 * "netns" is where the TAP's netdev was when the file was written (asked
 * of the TAP itself, so a move made with `ip link set ... netns` counts);
 * at restore it is only a hint: the TAP is looked for in tapswd's own
 * namespace, then there, then in every named namespace.  "vlan" is the
 * port's VLAN mode as port.show has it (docs/vlan.md); a file without it
 * (older tapswd) restores transparent ports.  The port controls, one
 * boolean each as port.show has them (port_flag_info[], ctl_codec.h), are
 * restored where given, defaults otherwise.
 * "mirrors" (optional) are mirror.list's objects without their counters,
 * restored after the ports; a mirror whose ports did not come back waits
 * for them (mirror.h).
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "tapsw/ctl_codec.h"
#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/state.h"
#include "tapsw/ctl_stp.h"
#include "tapsw/switch.h"
#include "tapsw/vlan.h"
#include "tapsw/vxlan.h"

/* --- saving */

static json_t *state_port(struct sw *sw, struct port *port)
{
	const struct port_settings *set = &port->settings;
	char ns[sizeof(set->netns)];
	json_t *o;

	snprintf(ns, sizeof(ns), "%s", set->netns);
	if (port->class->locate && port->state == PORT_STATE_UP)
		port->class->locate(port, ns, sizeof(ns));
	o = json_pack("{s:s, s:s, s:I, s:I, s:b, s:I, s:I, s:I, s:s, s:s, "
		      "s:o}",
		      "name", port->name,
		      "kind", port_kind(port),
		      "mtu", (json_int_t)port->mtu,
		      "max_macs", (json_int_t)fdb_get_port_limit(sw->fdb,
								 port->index),
		      "offload", !set->no_offload,
		      "owner", (json_int_t)set->owner,
		      "group", (json_int_t)set->group,
		      "mode", (json_int_t)set->mode,
		      "path", set->path,
		      "netns", ns,
		      "vlan", vlan_config_json(&port->vlan));
	if (o) {
		/* a TAP it created stays its own across restarts: destroy
		 * deletes it then too */
		json_object_set_new(o, "created", json_boolean(port->created));
		port_flags_json_set(o, port->flags);
		json_object_set_new(o, "stp", ctl_stp_port_state_json(port));
	}
	if (o && vxlan_is_port(port)) {
		struct vxlan_config *vc = malloc(sizeof(*vc));

		if (!vc) {
			json_decref(o);
			return NULL;
		}
		vxlan_config_get(port, vc);
		vxlan_config_json_set(o, vc);
		free(vc);
	}
	return o;
}

struct state_fdb_arg {
	struct sw *sw;
	json_t *entries;
};

static int state_fdb_one(const struct fdb_entry *e, void *data)
{
	struct state_fdb_arg *a = data;
	const struct port *port = a->sw->ports[e->port];
	char mac[ETHER_MAC_STRLEN], ip[VXLAN_IP_STRLEN];
	struct vxlan_ip dst;
	bool is_static;
	json_t *o;

	if (!e->is_static || !port)
		return 0;
	o = json_pack("{s:s, s:i, s:s}", "mac", ether_mac_format(e->mac, mac),
		      "vlan", (int)e->vid, "port", port->name);
	if (o && vxlan_is_port(port) &&
	    vxlan_fdb_dst(port, e->mac, e->vid, a->sw->now_ms, &dst,
			  &is_static) && is_static)
		json_object_set_new(o, "dst", json_string(
			vxlan_ip_format(&dst, ip, sizeof(ip))));
	return json_array_append_new(a->entries, o);
}

/* --- mirrors */

static const char *jstr(json_t *o, const char *key);

static json_t *state_mirrors(const struct sw *sw)
{
	json_t *list = json_array();
	const struct mirror *m;
	unsigned int i;

	for (i = 0; (m = mirror_get(sw, i)); i++)
		json_array_append_new(list, mirror_config_json(m));
	return list;
}

/* @key of @o: an array of at most @max strings (or absent) into @out */
static int state_strings(json_t *o, const char *key, const char **out,
			 unsigned int max, unsigned int *n)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	*n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > max)
		return -EINVAL;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return -EINVAL;
		out[(*n)++] = json_string_value(v);
	}
	return 0;
}

static int state_restore_mirror(struct sw *sw, json_t *o)
{
	static const char *src[SW_PORT_MAX], *dst[SW_PORT_MAX];
	static uint16_t vids[VLAN_N_VID];
	struct mirror_config cfg = {
		.src = src, .dst = dst, .vlans = vids, .allow_missing = true,
		.name = jstr(o, "name"), .output = jstr(o, "output"),
	};
	json_t *a = json_object_get(o, "vlan"), *v;
	char why[200];
	size_t i;

	if (state_strings(o, "src", src, SW_PORT_MAX, &cfg.n_src) ||
	    state_strings(o, "dst", dst, SW_PORT_MAX, &cfg.n_dst) ||
	    (a && (!json_is_array(a) || json_array_size(a) > VLAN_N_VID)))
		return -EINVAL;
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > VLAN_VID_MAX)
			return -EINVAL;
		vids[cfg.n_vlans++] = (uint16_t)json_integer_value(v);
	}
	if (mirror_add(sw, &cfg, why, sizeof(why))) {
		err("state: mirror %s: %s", cfg.name, why);
		return -EINVAL;
	}
	return 0;
}

static json_t *state_capture(struct sw *sw)
{
	struct state_fdb_arg a = { .sw = sw, .entries = json_array() };
	json_t *ports = json_array();
	unsigned int i;

	for (i = 0; i < sw->n_ports; i++)
		json_array_append_new(ports, state_port(sw, sw->active[i]));
	fdb_foreach(sw->fdb, sw->now_ms, state_fdb_one, &a);
	return json_pack("{s:i, s:o, s:o, s:o, s:o}", "tapsw_state", STATE_VERSION,
			 "ports", ports, "fdb", a.entries,
			 "stp", ctl_stp_state_json(sw),
			 "mirrors", state_mirrors(sw));
}

/* write all of @buf to @fd */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char dir[4096];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int state_save(struct sw *sw, const char *path, char *why, size_t whylen)
{
	char tmp[4096 + 32];
	json_t *state;
	char *text;
	int fd, ret;

	state = state_capture(sw);
	text = state ? json_dumps(state, JSON_INDENT(1)) : NULL;
	json_decref(state);
	if (!text) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot create %s: %s", tmp,
			 strerror(-ret));
		goto err_free;
	}
	ret = write_all(fd, text, strlen(text));
	if (!ret)
		ret = write_all(fd, "\n", 1);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		snprintf(why, whylen, "cannot write %s: %s", path,
			 strerror(-ret));
		unlink(tmp);
		goto err_free;
	}
	fsync_dir_of(path);
	free(text);
	return 0;

err_free:
	free(text);
	return ret;
}

/* --- restoring */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_int_t jint(json_t *o, const char *key, json_int_t dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static int state_restore_port(struct daemon *d, json_t *p,
			      unsigned int *failed)
{
	struct sw *sw = d->sw;
	struct port_config cfg = { 0 };
	struct vxlan_config *vxlan = NULL;
	struct vlan_config vlan = { 0 };
	json_int_t mtu, max_macs;
	json_t *vj = json_object_get(p, "vlan");
	unsigned int flags = 0;
	struct port *port;
	unsigned int id;
	char why[200];
	int ret;

	cfg.name = jstr(p, "name");
	cfg.kind = jstr(p, "kind");
	mtu = jint(p, "mtu", 0);
	max_macs = jint(p, "max_macs", 0);
	if (!cfg.name[0] || !port_class_find(cfg.kind, &id) || mtu < 0 || mtu > 65535 ||
	    max_macs < 0 || max_macs > FDB_PORT_LIMIT_MAX ||
	    (vj && vlan_config_from_json(vj, &vlan, why, sizeof(why))) ||
	    port_flags_from_json(p, &flags, why, sizeof(why)) < 0)
		return -EINVAL;
	cfg.mtu = (unsigned int)mtu;
	cfg.owner = (long)jint(p, "owner", -1);
	cfg.group = (long)jint(p, "group", -1);
	cfg.mode = (unsigned int)jint(p, "mode", 0);
	cfg.no_offload = json_is_false(json_object_get(p, "offload"));
	cfg.path = jstr(p, "path")[0] ? jstr(p, "path") : NULL;
	cfg.netns = jstr(p, "netns")[0] ? jstr(p, "netns") : NULL;
	if (!strcmp(cfg.kind, "vxlan")) {
		vxlan = malloc(sizeof(*vxlan));
		if (!vxlan)
			return -ENOMEM;
		if (vxlan_config_from_json(p, vxlan, why, sizeof(why))) {
			err("state: port %s: %s", cfg.name, why);
			free(vxlan);
			return -EINVAL;
		}
		cfg.vxlan = vxlan;
	}

	ret = port_open(d, &cfg, &port, why, sizeof(why));
	free(vxlan);
	if (ret) {
		err("state: port %s: %s", cfg.name, why);
		(*failed)++;
		return 0;
	}
	/* created by an earlier run: found now, but still tapsw's own */
	port->created |= json_is_true(json_object_get(p, "created"));
	fdb_set_port_limit(sw->fdb, port->index, (uint32_t)max_macs);
	port_set_vlan(port, &vlan);
	port_set_controls(port, flags);
	if (ctl_stp_port_state_restore(port, json_object_get(p, "stp")))
		warn("state: port %s: invalid STP settings, defaults used",
		     port->name);
	return 0;
}

static int state_restore_fdb(struct sw *sw, json_t *e)
{
	uint8_t mac[ETHER_ADDR_LEN];
	json_int_t vid = jint(e, "vlan", 0);
	struct port *port;

	if (ether_mac_parse(jstr(e, "mac"), mac) || vid < 0 || vid > 4094)
		return -EINVAL;
	port = port_find(sw, jstr(e, "port"));
	if (!port) {
		warn("state: static entry %s: port %s is gone", jstr(e, "mac"),
		     jstr(e, "port"));
		return 0;
	}
	if (json_object_get(e, "dst")) {
		struct vxlan_ip dst;

		if (!vxlan_is_port(port) || vxlan_ip_parse(jstr(e, "dst"), &dst))
			return -EINVAL;
		if (vxlan_fdb_add(port, mac, (uint16_t)vid, &dst, sw->now_ms))
			return -ENOSPC;
	}
	return fdb_add_static(sw->fdb, mac, (uint16_t)vid, port->index,
			      sw->now_ms) == 0 ? 0 : -ENOSPC;
}

int state_restore(struct daemon *d, const char *path, unsigned int *failed,
		  char *why, size_t whylen)
{
	struct sw *sw = d->sw;
	json_error_t jerr;
	json_t *state, *ports, *fdb, *mirrors, *item;
	size_t i;
	int ret = 0;

	*failed = 0;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;	/* first start: nothing to restore */
	state = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!state) {
		snprintf(why, whylen, "%s: not valid JSON (line %d: %s); "
			 "fix or remove it", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	ports = json_object_get(state, "ports");
	fdb = json_object_get(state, "fdb");
	if (jint(state, "tapsw_state", 0) != STATE_VERSION ||
	    !json_is_array(ports) || !json_is_array(fdb)) {
		snprintf(why, whylen, "%s: not a tapsw state file (version %d)",
			 path, STATE_VERSION);
		ret = -EINVAL;
		goto out;
	}
	if (ctl_stp_state_restore(d, json_object_get(state, "stp"))) {
		snprintf(why, whylen, "%s: invalid STP settings", path);
		ret = -EINVAL;
		goto out;
	}
	json_array_foreach(ports, i, item) {
		if (!json_is_object(item) ||
		    state_restore_port(d, item, failed)) {
			snprintf(why, whylen, "%s: port %zu is malformed", path,
				 i);
			ret = -EINVAL;
			goto out;
		}
	}
	json_array_foreach(fdb, i, item) {
		ret = json_is_object(item) ? state_restore_fdb(sw, item) :
		      -EINVAL;
		if (ret) {
			snprintf(why, whylen, "%s: fdb entry %zu: %s", path, i,
				 ret == -ENOSPC ? "FDB full" : "malformed");
			goto out;
		}
	}
	mirrors = json_object_get(state, "mirrors");
	if (mirrors && !json_is_array(mirrors)) {
		snprintf(why, whylen, "%s: mirrors: not an array", path);
		ret = -EINVAL;
		goto out;
	}
	json_array_foreach(mirrors, i, item) {
		if (!json_is_object(item) || state_restore_mirror(sw, item)) {
			snprintf(why, whylen, "%s: mirror %zu is malformed",
				 path, i);
			ret = -EINVAL;
			goto out;
		}
	}
	info("state: restored %u ports, %zu static entries and %zu mirrors from %s",
	     sw->n_ports, json_array_size(fdb), json_array_size(mirrors),
	     path);
out:
	json_decref(state);
	return ret;
}
