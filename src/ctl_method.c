// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl_method.c - the control methods (docs/control-protocol.md): check the
 * params, call the switch's API, describe the result in JSON.
 *
 * The method table at the bottom names each method, its handler and the
 * params it accepts; an unknown param is an error, so a typo never passes
 * silently.  Handlers return 0 with a result object, or a negative errno
 * with a message in the ctl_error; the protocol envelope is ctl_proto.c's.
 */
#include "tapsw/tapsw.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tapsw/capture.h"
#include "tapsw/ctl_codec.h"
#include "tapsw/ctl_method.h"
#include "tapsw/ctl_proto.h"
#include "tapsw/ctl_stp.h"
#include "tapsw/ether.h"
#include "tapsw/events.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/pcapng.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/state.h"
#include "tapsw/switch.h"
#include "tapsw/daemon.h"
#include "tapsw/vlan.h"
#include "tapsw/vxlan.h"

struct ctl_method {
	const char *name;
	int (*fn)(struct ctl_context *ctx, json_t *params, json_t **result,
		  struct ctl_error *err);
	const char *const *params;	/* accepted param names, NULL-terminated */
	bool saves;			/* changes what --state keeps */
	bool port_flags;		/* also takes the port controls by name
					 * (port_flag_info[], ctl_codec.h) */
};

/* --- params */

/*
 * param_check() - is every member of @params one that method @m takes?
 * Return: 0, or -EINVAL with an invalid-params error in @err.
 */
static int param_check(json_t *params, const struct ctl_method *m,
		       struct ctl_error *err)
{
	const char *key;
	json_t *val;

	json_object_foreach(params, key, val) {
		const char *const *a;

		for (a = m->params; *a; a++)
			if (!strcmp(key, *a))
				break;
		if (!*a && m->port_flags && port_flag_find(key, strlen(key)))
			continue;
		if (!*a) {
			ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
				      "unknown parameter '%.64s'", key);
			return -EINVAL;
		}
	}
	return 0;
}

static int param_string(json_t *params, const char *key, bool required,
			const char **out, struct ctl_error *err)
{
	json_t *v = json_object_get(params, key);

	if (!v) {
		if (!required)
			return 0;
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "missing parameter '%s'", key);
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter '%s' must be a string", key);
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 1;
}

static int param_uint(json_t *params, const char *key, uint64_t max,
		      uint64_t *out, struct ctl_error *err)
{
	json_t *v = json_object_get(params, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter '%s' must be an integer from 0 to %llu",
			      key, (unsigned long long)max);
		return -EINVAL;
	}
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

static int param_bool(json_t *params, const char *key, bool *out,
		      struct ctl_error *err)
{
	json_t *v = json_object_get(params, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter '%s' must be true or false", key);
		return -EINVAL;
	}
	*out = json_is_true(v);
	return 1;
}

int ctl_param_uint(json_t *params, const char *key, uint64_t max,
		   uint64_t *out, struct ctl_error *err)
{
	return param_uint(params, key, max, out, err);
}

int ctl_param_bool(json_t *params, const char *key, bool *out,
		   struct ctl_error *err)
{
	return param_bool(params, key, out, err);
}

/* a user or group: a name, or a numeric id */
static int param_id(json_t *params, const char *key, bool user, long *out,
		    struct ctl_error *err)
{
	json_t *v = json_object_get(params, key);
	const char *name;

	*out = -1;
	if (!v)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < 0x7fffffff) {
		*out = (long)json_integer_value(v);
		return 1;
	}
	if (!json_is_string(v)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter '%s' must be a name or an id", key);
		return -EINVAL;
	}
	name = json_string_value(v);
	if (user) {
		struct passwd *pw = getpwnam(name);

		if (pw)
			*out = (long)pw->pw_uid;
	} else {
		struct group *gr = getgrnam(name);

		if (gr)
			*out = (long)gr->gr_gid;
	}
	if (*out < 0) {
		ctl_error_set(err, CTL_ERR_SERVER, ENOENT, "no such %s '%.64s'",
			      user ? "user" : "group", name);
		return -ENOENT;
	}
	return 1;
}

static struct port *find_port(struct ctl_context *ctx, const char *name,
			      struct ctl_error *err)
{
	struct port *port = port_find(ctx->sw, name);

	if (!port)
		ctl_error_set(err, CTL_ERR_SERVER, ENOENT,
			      "port %.64s: no such port", name);
	return port;
}

static int param_port(struct ctl_context *ctx, json_t *params,
		      const char *key, bool required, struct port **port,
		      struct ctl_error *err)
{
	const char *name = NULL;
	int ret = param_string(params, key, required, &name, err);

	if (ret <= 0)
		return ret;
	*port = find_port(ctx, name, err);
	return *port ? 1 : -ENOENT;
}

static int param_mac(json_t *params, uint8_t mac[ETHER_ADDR_LEN],
		     struct ctl_error *err)
{
	const char *s;
	int ret = param_string(params, "mac", true, &s, err);

	if (ret < 0)
		return ret;
	if (ether_mac_parse(s, mac)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "invalid MAC address '%.64s'", s);
		return -EINVAL;
	}
	return 0;
}

static int param_vlan(json_t *params, uint16_t *vid, struct ctl_error *err)
{
	uint64_t v = 0;
	int ret = param_uint(params, "vlan", 4094, &v, err);

	*vid = (uint16_t)v;
	return ret < 0 ? ret : 0;
}

/* "vlan": a port's VLAN mode (vlan.h); 1 if given */
static int param_vlan_mode(json_t *params, struct vlan_config *vc,
			   struct ctl_error *err)
{
	json_t *v = json_object_get(params, "vlan");
	char why[128];

	if (!v)
		return 0;
	if (vlan_config_from_json(v, vc, why, sizeof(why))) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL, "%s", why);
		return -EINVAL;
	}
	return 1;
}

/* the port controls (ctl_codec.h): applied to *@flags; how many given */
static int param_port_flags(json_t *params, unsigned int *flags,
			    struct ctl_error *err)
{
	char why[128];
	int ret = port_flags_from_json(params, flags, why, sizeof(why));

	if (ret < 0)
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL, "%s", why);
	return ret;
}

/* "dst": a VXLAN remote (fdb.add); 1 if given */
static int param_dst(json_t *params, struct vxlan_ip *ip,
		     struct ctl_error *err)
{
	const char *s = NULL;
	int ret = param_string(params, "dst", false, &s, err);

	if (ret <= 0)
		return ret;
	if (vxlan_ip_parse(s, ip)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "invalid dst '%.64s': an IPv4 or IPv6 address",
			      s);
		return -EINVAL;
	}
	return 1;
}

/* the reason for a vxlan_remote_*() or vxlan_fdb_add() error */
static const char *vxlan_errstr(int ret);

/* "port P: WHAT IP: reason" for @ret, an error about address @ip */
static int vxlan_error(struct ctl_error *err, const struct port *port,
		       const char *what, const struct vxlan_ip *ip, int ret)
{
	char text[VXLAN_IP_STRLEN];

	ctl_error_set(err, CTL_ERR_SERVER, -ret, "port %s: %s %s: %s",
		      port->name, what, vxlan_ip_format(ip, text, sizeof(text)),
		      vxlan_errstr(ret));
	return ret;
}

static const char *vxlan_errstr(int ret)
{
	switch (ret) {
	case -EEXIST:
		return "already a remote";
	case -ENOENT:
		return "not a remote";
	case -EAFNOSUPPORT:
		return "not of the local address's family";
	case -EINVAL:
		return "the local address";
	case -ENOSPC:
		return "too many remotes (or a full table)";
	default:
		return strerror(-ret);
	}
}

/*
 * "remote_add", "remote_del" (port.set): an address or an array of them,
 * each added to or taken out of @port's flood list; 1 if any was given
 */
static int param_remotes(json_t *params, struct port *port, const char *key,
			 bool add, struct ctl_error *err)
{
	json_t *v = json_object_get(params, key), *item;
	struct vxlan_ip ip;
	size_t i, n;
	int ret;

	if (!v)
		return 0;
	if (!vxlan_is_port(port)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "port %s: '%s' is for vxlan ports", port->name,
			      key);
		return -EINVAL;
	}
	n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; i < n; i++) {
		item = json_is_array(v) ? json_array_get(v, i) : v;
		if (vxlan_ip_parse(json_string_value(item), &ip)) {
			ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
				      "'%s': not an IPv4 or IPv6 address", key);
			return -EINVAL;
		}
		ret = add ? vxlan_remote_add(port, &ip) :
			    vxlan_remote_del(port, &ip);
		if (ret)
			return vxlan_error(err, port, "remote", &ip, ret);
	}
	return 1;
}

/* --- results */

/* a mirror's output port says so: "mirror_output": ["m1", ...] */
static void port_mirror_json_set(struct ctl_context *ctx,
				 const struct port *port, json_t *o)
{
	const struct mirror *m;
	json_t *names;
	unsigned int i;

	if (!(port->flags & PORT_MIRROR_OUT))
		return;
	names = json_array();
	for (i = 0; (m = mirror_get(ctx->sw, i)); i++)
		if (m->out == port)
			json_array_append_new(names, json_string(m->name));
	json_object_set_new(o, "mirror_output", names);
}

static int vxlan_remote_json(const struct vxlan_remote_info *ri, void *arg)
{
	char ip[VXLAN_IP_STRLEN];

	return json_array_append_new(arg, json_pack(
		"{s:s, s:b, s:i, s:I, s:I, s:I, s:I, s:I, s:I}",
		"ip", vxlan_ip_format(&ri->ip, ip, sizeof(ip)),
		"flood", ri->flood,
		"statics", (int)ri->statics,
		"rx_packets", (json_int_t)ri->rx_packets,
		"rx_bytes", (json_int_t)ri->rx_bytes,
		"tx_packets", (json_int_t)ri->tx_packets,
		"tx_bytes", (json_int_t)ri->tx_bytes,
		"tx_errors", (json_int_t)ri->tx_errors,
		"tx_flooded", (json_int_t)ri->tx_flooded));
}

/* a vxlan port's settings and its remotes with their counters */
static json_t *vxlan_json(const struct port *port)
{
	struct vxlan_config *vc = malloc(sizeof(*vc));
	json_t *o = json_object(), *remotes = json_array();
	struct vxlan_stats st;

	if (vc) {
		vxlan_config_get(port, vc);
		vxlan_config_json_set(o, vc);
		free(vc);
	}
	vxlan_remote_foreach(port, vxlan_remote_json, remotes);
	json_object_set_new(o, "remotes", remotes);
	vxlan_stats_get(port, &st);
	json_object_set_new(o, "offload", json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I}",
		"tx_trains", (json_int_t)st.tx_trains,
		"tx_train_dgrams", (json_int_t)st.tx_train_dgrams,
		"rx_gro_reads", (json_int_t)st.rx_gro_reads,
		"rx_gro_dgrams", (json_int_t)st.rx_gro_dgrams,
		"rx_coalesced", (json_int_t)st.rx_coalesced,
		"rx_coalesced_segs", (json_int_t)st.rx_coalesced_segs));
	return o;
}

static json_t *port_json(struct ctl_context *ctx, const struct port *port)
{
	const struct port_stats *st = &port->stats;
	const struct {
		const char *key;
		uint64_t val;
	} counters[] = {
		{ "ifindex", (uint64_t)port->ifindex },
		{ "fdb_entries", fdb_port_entries(ctx->sw->fdb, port->index) },
		{ "max_macs", fdb_get_port_limit(ctx->sw->fdb, port->index) },
		{ "rx_packets", st->rx_packets },
		{ "rx_bytes", st->rx_bytes },
		{ "tx_packets", st->tx_packets },
		{ "tx_bytes", st->tx_bytes },
		{ "drops", port_drops(port) },
		{ "filtered", st->filtered },
		{ "flooded", st->flooded },
		{ "tx_segmented", st->tx_segmented },
		{ "tx_csum_done", st->tx_csum_done },
		{ "learn_limited", st->learn_limited },
	};
	json_t *reasons = json_object();
	json_t *offloads = json_array();
	unsigned int i, bit;
	json_t *o;

	for (i = DROP_NONE + 1; i < DROP_REASON_MAX; i++)
		json_object_set_new(reasons, drop_reason_name(i),
				    json_integer((json_int_t)st->drop[i]));
	for (bit = 1; bit && bit <= port->offloads; bit <<= 1)
		if ((port->offloads & bit) && port_offload_name(bit))
			json_array_append_new(offloads,
					      json_string(port_offload_name(bit)));
	o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:b, s:b, s:o, s:o}",
		      "name", port->name,
		      "kind", port_kind(port),
		      "index", (json_int_t)port->index,
		      "state", port_state_name(port->state),
		      "mtu", (json_int_t)port->mtu,
		      "created", port->created,
		      "vnet_hdr", port->vnet,
		      "offloads", offloads,
		      "vlan", vlan_config_json(&port->vlan));
	if (!o) {
		json_decref(reasons);
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		json_object_set_new(o, counters[i].key,
				    json_integer((json_int_t)counters[i].val));
	port_flags_json_set(o, port->flags);
	json_object_set_new(o, "drop_reasons", reasons);
	json_object_set_new(o, "link", json_string(port->link_down ?
						       "down" : "up"));
	if (!port->ifindex && port->link_ifindex)
		json_object_set_new(o, "link_netnsid",
				    json_integer(port->link_nsid));
	if (port->state != PORT_STATE_UP)
		json_object_set_new(o, "error", json_string(port->error));
	if (port->peer_state != PORT_PEER_NONE)
		json_object_set_new(o, "peer", json_string(
			port->peer_state == PORT_PEER_CONNECTED ?
			port->peer : "waiting"));
	port_mirror_json_set(ctx, port, o);
	if (vxlan_is_port(port))
		json_object_set_new(o, "vxlan", vxlan_json(port));
	/* spanning tree (ctl_stp.c): only while it runs */
	if (ctx->sw->stp)
		json_object_set_new(o, "stp", ctl_stp_port_json(ctx->sw, port));
	return o;
}

static json_t *fdb_stats_json(const struct fdb *fdb)
{
	struct fdb_stats s;

	fdb_get_stats(fdb, &s);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I}",
			 "entries", (json_int_t)s.entries,
			 "static_entries", (json_int_t)s.static_entries,
			 "learned", (json_int_t)s.learned,
			 "moves", (json_int_t)s.moves,
			 "aged", (json_int_t)s.aged,
			 "evicted", (json_int_t)s.evicted,
			 "refused", (json_int_t)s.refused,
			 "flushed", (json_int_t)s.flushed,
			 "limited", (json_int_t)s.limited,
			 "capacity", (json_int_t)s.capacity,
			 "max_entries", (json_int_t)s.max_entries,
			 "memory_bytes", (json_int_t)s.memory_bytes);
}

static json_t *fdb_entry_json(struct ctl_context *ctx,
			      const struct fdb_entry *e)
{
	const struct port *port = e->port < SW_PORT_MAX ?
				  ctx->sw->ports[e->port] : NULL;
	char mac[ETHER_MAC_STRLEN];
	uint64_t age = 0;

	struct vxlan_ip dst;
	char ip[VXLAN_IP_STRLEN];
	json_t *o;

	if (!e->is_static && ctx->now_ms > e->last_seen_ms)
		age = (ctx->now_ms - e->last_seen_ms) / 1000;
	o = json_pack("{s:s, s:i, s:s, s:b, s:I}",
		      "mac", ether_mac_format(e->mac, mac),
		      "vlan", (int)e->vid,
		      "port", port ? port->name : "?",
		      "static", e->is_static,
		      "age", (json_int_t)age);
	if (o && vxlan_is_port(port) &&
	    vxlan_fdb_dst(port, e->mac, e->vid, ctx->now_ms, &dst, NULL))
		json_object_set_new(o, "dst", json_string(
			vxlan_ip_format(&dst, ip, sizeof(ip))));
	return o;
}

/* --- switch.* */

static int m_switch_show(struct ctl_context *ctx, json_t *params,
			 json_t **result, struct ctl_error *err)
{
	struct sw *sw = ctx->sw;

	*result = json_pack("{s:s, s:i, s:s, s:I, s:I, s:I, s:I, s:s, s:o}",
			    "version", PACKAGE_VERSION,
			    "pid", (int)getpid(),
			    "socket", ctx->socket_path ? ctx->socket_path : "",
			    "uptime",
			    (json_int_t)((ctx->now_ms - ctx->start_ms) / 1000),
			    "ageing",
			    (json_int_t)(fdb_get_ageing(sw->fdb) / 1000),
			    "fdb_max", (json_int_t)sw->cfg.fdb_max,
			    "ports", (json_int_t)sw->n_ports,
			    "io", io_mode_name(ctx->daemon ?
						ctx->daemon->io : IO_PLAIN),
			    "fdb", fdb_stats_json(sw->fdb));
	if (*result && ctx->stats)
		json_object_set_new(*result, "control", json_pack(
			"{s:i, s:I, s:I, s:I}",
			"clients", (int)ctx->stats->clients,
			"refused", (json_int_t)ctx->stats->refused,
			"evicted", (json_int_t)ctx->stats->evicted,
			"dropped", (json_int_t)ctx->stats->dropped));
	if (*result && ctx->events) {
		struct events_stats es;

		events_get_stats(ctx->events, &es);
		json_object_set_new(*result, "events", json_pack(
			"{s:i, s:I, s:I}", "subscribers", (int)es.subscribers,
			"sent", (json_int_t)es.sent,
			"lost", (json_int_t)es.lost));
	}
	if (*result && ctx->capture) {
		struct capture_stats cs;

		capture_get_stats(ctx->capture, &cs);
		json_object_set_new(*result, "capture", json_pack(
			"{s:i, s:I, s:I, s:I}", "sessions", (int)cs.sessions,
			"started", (json_int_t)cs.started,
			"frames", (json_int_t)cs.frames,
			"dropped", (json_int_t)cs.dropped));
	}
	if (*result)
		json_object_set_new(*result, "mirrors",
				    json_integer(ctx->sw->mirrors));
	return 0;
}

/* --- port.* */

/* a file mode given as "0660" (octal text) or as a number */
static int param_mode(json_t *params, unsigned int *mode,
		      struct ctl_error *err)
{
	json_t *v = json_object_get(params, "mode");
	unsigned long m;
	char *end;

	if (!v)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= 07777) {
		*mode = (unsigned int)json_integer_value(v);
		return 1;
	}
	if (json_is_string(v)) {
		errno = 0;
		m = strtoul(json_string_value(v), &end, 8);
		if (!errno && *json_string_value(v) && !*end && m <= 07777) {
			*mode = (unsigned int)m;
			return 1;
		}
	}
	ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
		      "parameter 'mode' must be an octal file mode like \"0660\"");
	return -EINVAL;
}

static int m_port_add(struct ctl_context *ctx, json_t *params,
		      json_t **result, struct ctl_error *err)
{
	struct port_config cfg = { .owner = -1, .group = -1 };
	struct vxlan_config *vxlan = NULL;
	struct vlan_config vlan;
	struct port *port, *old;
	bool offload = true;
	char why[200] = "";
	uint64_t mtu = 0;
	unsigned int flags = 0;
	int ret, has_vlan;

	if ((ret = param_string(params, "name", true, &cfg.name, err)) < 0 ||
	    (ret = param_string(params, "kind", false, &cfg.kind, err)) < 0 ||
	    (ret = param_uint(params, "mtu", 65535, &mtu, err)) < 0 ||
	    (ret = param_id(params, "owner", true, &cfg.owner, err)) < 0 ||
	    (ret = param_id(params, "group", false, &cfg.group, err)) < 0 ||
	    (ret = param_bool(params, "offload", &offload, err)) < 0 ||
	    (ret = param_string(params, "path", false, &cfg.path, err)) < 0 ||
	    (ret = param_string(params, "netns", false, &cfg.netns, err)) < 0 ||
	    (ret = param_mode(params, &cfg.mode, err)) < 0 ||
	    (has_vlan = ret = param_vlan_mode(params, &vlan, err)) < 0 ||
	    (ret = param_port_flags(params, &flags, err)) < 0)
		return ret;
	cfg.mtu = (unsigned int)mtu;
	cfg.no_offload = !offload;
	if (cfg.kind && !strcmp(cfg.kind, "vxlan")) {
		vxlan = malloc(sizeof(*vxlan));
		if (!vxlan) {
			ctl_error_set(err, CTL_ERR_INTERNAL, ENOMEM,
				      "out of memory");
			return -ENOMEM;
		}
		ret = vxlan_config_from_json(params, vxlan, why, sizeof(why));
		if (ret) {
			ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
				      "port %.64s: %s", cfg.name, why);
			goto out;
		}
		cfg.vxlan = vxlan;
	} else if (vxlan_has_params(params)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "port %.64s: '%s' is for vxlan ports", cfg.name,
			      vxlan_has_params(params));
		return -EINVAL;
	}

	ret = port_config_check(&cfg, why, sizeof(why));
	if (ret) {
		/* a kind tapsw has not is the server's; the rest, the params' */
		ctl_error_set(err, ret == -EOPNOTSUPP ? CTL_ERR_SERVER :
			      CTL_ERR_INVALID_PARAMS, -ret, "port %.64s: %s",
			      cfg.name, why);
		goto out;
	}

	old = port_find(ctx->sw, cfg.name);
	if (old && old->state == PORT_STATE_UP) {
		ctl_error_set(err, CTL_ERR_SERVER, EEXIST,
			      "port %.64s: exists", cfg.name);
		ret = -EEXIST;
		goto out;
	}
	if (old)
		port_close(old, false);	/* re-adding a port that went down */

	ret = port_open(ctx->daemon, &cfg, &port, why, sizeof(why));
	if (ret) {
		ctl_error_set(err, CTL_ERR_SERVER, -ret, "port %.64s: %s",
			      cfg.name, why);
		goto out;
	}
	if (has_vlan)
		port_set_vlan(port, &vlan);
	port_set_controls(port, flags);
	*result = port_json(ctx, port);
out:
	free(vxlan);
	return ret;
}

static int m_port_del(struct ctl_context *ctx, json_t *params,
		      json_t **result, struct ctl_error *err)
{
	struct port *port = NULL;
	bool destroy = false;
	int ret;

	if ((ret = param_port(ctx, params, "name", true, &port, err)) < 0 ||
	    (ret = param_bool(params, "destroy", &destroy, err)) < 0)
		return ret;
	port_close(port, destroy);
	*result = json_object();
	return 0;
}

static int m_port_list(struct ctl_context *ctx, json_t *params,
		       json_t **result, struct ctl_error *err)
{
	json_t *ports = json_array();
	unsigned int i;

	for (i = 0; i < ctx->sw->n_ports; i++)
		json_array_append_new(ports, port_json(ctx, ctx->sw->active[i]));
	*result = json_pack("{s:o}", "ports", ports);
	return 0;
}

static int m_port_show(struct ctl_context *ctx, json_t *params,
		       json_t **result, struct ctl_error *err)
{
	struct port *port = NULL;
	int ret = param_port(ctx, params, "name", true, &port, err);

	if (ret < 0)
		return ret;
	*result = port_json(ctx, port);
	return 0;
}

static int m_port_set(struct ctl_context *ctx, json_t *params,
		      json_t **result, struct ctl_error *err)
{
	struct port *port = NULL;
	struct vlan_config vlan;
	uint64_t mtu, max_macs;
	int has_mtu, has_max, has_vlan;
	unsigned int flags;
	int ret;

	if ((ret = param_port(ctx, params, "name", true, &port, err)) < 0)
		return ret;
	flags = port->flags;
	if ((has_mtu = ret = param_uint(params, "mtu", 65535, &mtu, err)) < 0 ||
	    (has_max = ret = param_uint(params, "max_macs", FDB_PORT_LIMIT_MAX,
					&max_macs, err)) < 0 ||
	    (has_vlan = ret = param_vlan_mode(params, &vlan, err)) < 0 ||
	    (ret = param_port_flags(params, &flags, err)) < 0 ||
	    (ret = ctl_stp_port_set(port, params, err)) < 0)
		return ret;
	if ((ret = param_remotes(params, port, "remote_add", true, err)) < 0 ||
	    (ret = param_remotes(params, port, "remote_del", false, err)) < 0)
		return ret;
	if (has_mtu && mtu < 68) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "port %s: MTU must be from 68 to 65535",
			      port->name);
		return -EINVAL;
	}
	if (has_mtu) {
		ret = port->class->set_mtu(port, (unsigned int)mtu);
		if (ret) {
			ctl_error_set(err, CTL_ERR_SERVER, -ret,
				      "port %s: cannot set MTU %u: %s",
				      port->name, (unsigned int)mtu,
				      strerror(-ret));
			return ret;
		}
	}
	if (has_max)
		fdb_set_port_limit(ctx->sw->fdb, port->index,
				   (uint32_t)max_macs);
	if (has_vlan)
		port_set_vlan(port, &vlan);
	port_set_controls(port, flags);
	*result = port_json(ctx, port);
	return 0;
}

/* --- fdb.* */

struct fdb_show_arg {
	struct ctl_context *ctx;
	json_t *entries;
	int port;		/* -1: any */
	int vid;		/* -1: any */
};

static int fdb_show_one(const struct fdb_entry *e, void *data)
{
	struct fdb_show_arg *a = data;

	if (a->port >= 0 && e->port != a->port)
		return 0;
	if (a->vid >= 0 && e->vid != a->vid)
		return 0;
	return json_array_append_new(a->entries, fdb_entry_json(a->ctx, e));
}

static int m_fdb_show(struct ctl_context *ctx, json_t *params,
		      json_t **result, struct ctl_error *err)
{
	struct fdb_show_arg a = { .ctx = ctx, .port = -1, .vid = -1 };
	struct port *port = NULL;
	uint64_t vid;
	int ret;

	if ((ret = param_port(ctx, params, "port", false, &port, err)) < 0)
		return ret;
	if (port)
		a.port = (int)port->index;
	if ((ret = param_uint(params, "vlan", 4095, &vid, err)) < 0)
		return ret;
	if (ret > 0)
		a.vid = (int)vid;

	a.entries = json_array();
	if (fdb_foreach(ctx->sw->fdb, ctx->now_ms, fdb_show_one, &a)) {
		json_decref(a.entries);
		ctl_error_set(err, CTL_ERR_INTERNAL, ENOMEM, "out of memory");
		return -ENOMEM;
	}
	*result = json_pack("{s:o}", "entries", a.entries);
	return 0;
}

static int m_fdb_add(struct ctl_context *ctx, json_t *params,
		     json_t **result, struct ctl_error *err)
{
	uint8_t mac[ETHER_ADDR_LEN];
	struct fdb_entry e = { 0 };
	struct port *port = NULL;
	struct vxlan_ip dst;
	int ret, has_dst, old;
	uint16_t vid;

	if ((ret = param_mac(params, mac, err)) < 0 ||
	    (ret = param_port(ctx, params, "port", true, &port, err)) < 0 ||
	    (ret = param_vlan(params, &vid, err)) < 0 ||
	    (has_dst = ret = param_dst(params, &dst, err)) < 0)
		return ret;
	if (has_dst && !vxlan_is_port(port)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "port %s: 'dst' is for vxlan ports", port->name);
		return -EINVAL;
	}
	if (ether_is_multicast(mac) || ether_is_zero(mac)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "%s MAC address cannot be an FDB entry",
			      ether_is_zero(mac) ? "an all-zero" : "a multicast");
		return -EINVAL;
	}
	if (has_dst) {
		ret = vxlan_fdb_add(port, mac, vid, &dst, ctx->now_ms);
		if (ret)
			return vxlan_error(err, port, "dst", &dst, ret);
	}
	/* the entry may have been on a vxlan port with a dst */
	old = fdb_lookup(ctx->sw->fdb, mac, vid, ctx->now_ms);
	if (old >= 0 && old != (int)port->index &&
	    vxlan_is_port(ctx->sw->ports[old]))
		vxlan_fdb_del(ctx->sw->ports[old], mac, vid);
	ret = fdb_add_static(ctx->sw->fdb, mac, vid, port->index, ctx->now_ms);
	if (ret) {
		if (has_dst)
			vxlan_fdb_del(port, mac, vid);
		ctl_error_set(err, CTL_ERR_SERVER, -ret,
			      "FDB full of static entries (%u)",
			      (unsigned int)ctx->sw->cfg.fdb_max);
		return ret;
	}
	if (!has_dst && vxlan_is_port(port))
		vxlan_fdb_del(port, mac, vid);	/* no dst: flooded to all */
	memcpy(e.mac, mac, sizeof(mac));
	e.vid = vid;
	e.port = (uint16_t)port->index;
	e.is_static = true;
	*result = fdb_entry_json(ctx, &e);
	return 0;
}

static int m_fdb_del(struct ctl_context *ctx, json_t *params,
		     json_t **result, struct ctl_error *err)
{
	uint8_t mac[ETHER_ADDR_LEN];
	char text[ETHER_MAC_STRLEN];
	uint16_t vid;
	int ret, port;

	if ((ret = param_mac(params, mac, err)) < 0 ||
	    (ret = param_vlan(params, &vid, err)) < 0)
		return ret;
	port = fdb_lookup(ctx->sw->fdb, mac, vid, ctx->now_ms);
	if (port >= 0 && vxlan_is_port(ctx->sw->ports[port]))
		vxlan_fdb_del(ctx->sw->ports[port], mac, vid);
	ret = fdb_del(ctx->sw->fdb, mac, vid);
	if (ret) {
		ctl_error_set(err, CTL_ERR_SERVER, -ret,
			      "fdb %s vlan %u: no such entry",
			      ether_mac_format(mac, text), vid);
		return ret;
	}
	*result = json_object();
	return 0;
}

static int m_fdb_flush(struct ctl_context *ctx, json_t *params,
		       json_t **result, struct ctl_error *err)
{
	struct port *port = NULL;
	bool with_static = false;
	unsigned int n, i;
	int ret;

	if ((ret = param_port(ctx, params, "port", false, &port, err)) < 0 ||
	    (ret = param_bool(params, "static", &with_static, err)) < 0)
		return ret;
	n = fdb_flush(ctx->sw->fdb, port ? (int)port->index : -1,
		      with_static ? FDB_FLUSH_ALL : FDB_FLUSH_LEARNED);
	for (i = 0; i < ctx->sw->n_ports; i++) {
		struct port *p = ctx->sw->active[i];

		if ((!port || p == port) && vxlan_is_port(p))
			vxlan_fdb_flush(p, with_static ? FDB_FLUSH_ALL :
					FDB_FLUSH_LEARNED);
	}
	*result = json_pack("{s:I}", "flushed", (json_int_t)n);
	return 0;
}

/* --- stats.* */

static int m_stats_show(struct ctl_context *ctx, json_t *params,
			json_t **result, struct ctl_error *err)
{
	const struct sw_stats *s = &ctx->sw->stats;
	json_t *ports;
	int ret;

	ret = m_port_list(ctx, params, &ports, err);
	if (ret)
		return ret;
	*result = json_pack("{s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:O}",
			    "switch",
			    "rx_packets", (json_int_t)s->rx_packets,
			    "unicast", (json_int_t)s->unicast,
			    "flooded", (json_int_t)s->flooded,
			    "filtered", (json_int_t)s->filtered,
			    "drops", (json_int_t)s->dropped,
			    "fdb", fdb_stats_json(ctx->sw->fdb),
			    "ports", json_object_get(ports, "ports"));
	json_decref(ports);
	return 0;
}

static int m_stats_clear(struct ctl_context *ctx, json_t *params,
			 json_t **result, struct ctl_error *err)
{
	struct port *port = NULL;
	unsigned int i;
	int ret;

	if ((ret = param_port(ctx, params, "port", false, &port, err)) < 0)
		return ret;
	if (port) {
		memset(&port->stats, 0, sizeof(port->stats));
	} else {
		for (i = 0; i < ctx->sw->n_ports; i++)
			memset(&ctx->sw->active[i]->stats, 0,
			       sizeof(ctx->sw->active[i]->stats));
		memset(&ctx->sw->stats, 0, sizeof(ctx->sw->stats));
		fdb_clear_stats(ctx->sw->fdb);
		mirror_clear_stats(ctx->sw);
	}
	*result = json_object();
	return 0;
}

/* --- events.* */

/* params.events: names for events_mask_parse(); absent: all */
static int m_events_subscribe(struct ctl_context *ctx, json_t *params,
			      json_t **result, struct ctl_error *err)
{
	json_t *names = json_object_get(params, "events"), *v, *out;
	uint32_t mask = names ? 0 : EVENTS_MASK_ALL, m;
	size_t i;
	int ret;

	if (names && !json_is_array(names)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter 'events' must be an array of names");
		return -EINVAL;
	}
	json_array_foreach(names, i, v) {
		if (!json_is_string(v) ||
		    events_mask_parse(json_string_value(v), &m)) {
			ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
				      "unknown event '%.64s' (all, port, fdb, "
				      "or a type such as fdb.learn)",
				      json_is_string(v) ?
				      json_string_value(v) : "?");
			return -EINVAL;
		}
		mask |= m;
	}
	if (!ctx->events || !ctx->sink) {
		ctl_error_set(err, CTL_ERR_SERVER, EOPNOTSUPP,
			      "events need a control socket connection");
		return -EOPNOTSUPP;
	}
	ret = events_subscribe(ctx->events, ctx->sink, mask);
	if (ret)
		return ret;
	out = json_array();
	for (i = 0; i < EVENTS_TYPE_MAX; i++)
		if (mask & EVENTS_BIT(i))
			json_array_append_new(out, json_string(
				events_type_name((enum events_type)i)));
	*result = json_pack("{s:o}", "events", out);
	return 0;
}

/* --- mirror.* */

/* "src", "dst": arrays of port names, pointers into @params */
static int param_names(json_t *params, const char *key,
		       const char **names, unsigned int max, unsigned int *n,
		       struct ctl_error *err)
{
	json_t *v = json_object_get(params, key), *item;
	size_t i;

	*n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > max) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter '%s' must be an array of at most %u port names",
			      key, max);
		return -EINVAL;
	}
	json_array_foreach(v, i, item) {
		if (!json_is_string(item)) {
			ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
				      "parameter '%s' must be an array of port names",
				      key);
			return -EINVAL;
		}
		names[(*n)++] = json_string_value(item);
	}
	return 1;
}

/* "vlan": an array of VLAN ids 1-4094 */
static int param_vids(json_t *params, uint16_t *vids, unsigned int max,
		      unsigned int *n, struct ctl_error *err)
{
	json_t *v = json_object_get(params, "vlan"), *item;
	size_t i;

	*n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > max)
		goto bad;
	json_array_foreach(v, i, item) {
		if (!json_is_integer(item) ||
		    json_integer_value(item) < VLAN_VID_MIN ||
		    json_integer_value(item) > VLAN_VID_MAX)
			goto bad;
		vids[(*n)++] = (uint16_t)json_integer_value(item);
	}
	return 1;
bad:
	ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
		      "parameter 'vlan' must be an array of VLAN ids 1-%d",
		      VLAN_VID_MAX);
	return -EINVAL;
}

static json_t *mirror_json(const struct mirror *m)
{
	json_t *o = mirror_config_json(m);

	if (o && json_object_update_missing_new(o, json_pack(
		"{s:b, s:I, s:I, s:I}", "active", m->out != NULL,
		"frames", (json_int_t)m->stats.frames,
		"bytes", (json_int_t)m->stats.bytes,
		"drops", (json_int_t)m->stats.drops))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int m_mirror_add(struct ctl_context *ctx, json_t *params,
			json_t **result, struct ctl_error *err)
{
	static const char *src[SW_PORT_MAX], *dst[SW_PORT_MAX];
	static uint16_t vids[VLAN_N_VID];
	struct mirror_config cfg = { .src = src, .dst = dst, .vlans = vids };
	const struct mirror *m;
	char why[200];
	unsigned int i;
	int ret;

	if ((ret = param_string(params, "name", true, &cfg.name, err)) < 0 ||
	    (ret = param_string(params, "output", true, &cfg.output,
				err)) < 0 ||
	    (ret = param_names(params, "src", src, SW_PORT_MAX, &cfg.n_src,
			       err)) < 0 ||
	    (ret = param_names(params, "dst", dst, SW_PORT_MAX, &cfg.n_dst,
			       err)) < 0 ||
	    (ret = param_vids(params, vids, VLAN_N_VID, &cfg.n_vlans,
			      err)) < 0)
		return ret;
	ret = mirror_add(ctx->sw, &cfg, why, sizeof(why));
	if (ret) {
		ctl_error_set(err, ret == -EINVAL ? CTL_ERR_INVALID_PARAMS :
			      CTL_ERR_SERVER, -ret, "mirror %.32s: %s",
			      cfg.name, why);
		return ret;
	}
	for (i = 0; (m = mirror_get(ctx->sw, i)); i++)
		if (!strcmp(m->name, cfg.name))
			*result = mirror_json(m);
	return 0;
}

static int m_mirror_del(struct ctl_context *ctx, json_t *params,
			json_t **result, struct ctl_error *err)
{
	const char *name;
	int ret;

	if ((ret = param_string(params, "name", true, &name, err)) < 0)
		return ret;
	if (mirror_del(ctx->sw, name)) {
		ctl_error_set(err, CTL_ERR_SERVER, ENOENT,
			      "mirror %.32s: no such mirror", name);
		return -ENOENT;
	}
	*result = json_object();
	return 0;
}

static int m_mirror_list(struct ctl_context *ctx, json_t *params,
			 json_t **result, struct ctl_error *err)
{
	json_t *list = json_array();
	const struct mirror *m;
	unsigned int i;

	for (i = 0; (m = mirror_get(ctx->sw, i)); i++)
		json_array_append_new(list, mirror_json(m));
	*result = json_pack("{s:o}", "mirrors", list);
	return 0;
}

/* --- capture.* */

static json_t *capture_json(const struct capture_info *ci)
{
	return json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:I}",
			 "id", (int)ci->id, "port", ci->port,
			 "direction", capture_dir_name(ci->dir),
			 "count", (json_int_t)ci->count,
			 "frames", (json_int_t)ci->frames,
			 "bytes", (json_int_t)ci->bytes,
			 "dropped", (json_int_t)ci->dropped);
}

/*
 * capture.start: the reply, then the connection carries the pcapng stream
 * (ctl.c) until the capture ends
 */
static int m_capture_start(struct ctl_context *ctx, json_t *params,
			   json_t **result, struct ctl_error *err)
{
	const char *dir_name = "both";
	struct capture_info ci;
	struct port *port = NULL;
	enum capture_dir dir;
	uint64_t count = 0;
	int ret;

	if ((ret = param_port(ctx, params, "port", true, &port, err)) < 0 ||
	    (ret = param_string(params, "direction", false, &dir_name,
				err)) < 0 ||
	    (ret = param_uint(params, "count", UINT32_MAX, &count, err)) < 0)
		return ret;
	dir = capture_dir_parse(dir_name);
	if (!dir) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "direction '%.16s': in, out or both", dir_name);
		return -EINVAL;
	}
	if (!ctx->capture || !ctx->csink) {
		ctl_error_set(err, CTL_ERR_SERVER, EOPNOTSUPP,
			      "a capture needs a control socket connection");
		return -EOPNOTSUPP;
	}
	/* its notifications would land in the middle of the pcapng stream */
	if (ctx->events && events_is_subscribed(ctx->events, ctx->csink->arg)) {
		ctl_error_set(err, CTL_ERR_SERVER, EBUSY,
			      "capture %s: this connection receives events; "
			      "use another one", port->name);
		return -EBUSY;
	}
	ret = capture_start(ctx->capture, port, dir, count, ctx->csink, &ci);
	if (ret) {
		ctl_error_set(err, CTL_ERR_SERVER, -ret, "capture %s: %s",
			      port->name, ret == -EBUSY ?
			      "this connection has a capture already" :
			      ret == -ENOSPC ? "too many captures" :
			      strerror(-ret));
		return ret;
	}
	*result = capture_json(&ci);
	if (*result) {
		json_object_set_new(*result, "format", json_string("pcapng"));
		json_object_set_new(*result, "linktype",
				    json_integer(PCAPNG_LINKTYPE_ETHERNET));
	}
	return 0;
}

static int capture_list_one(const struct capture_info *ci, void *arg)
{
	return json_array_append_new(arg, capture_json(ci));
}

static int m_capture_list(struct ctl_context *ctx, json_t *params,
			  json_t **result, struct ctl_error *err)
{
	json_t *list = json_array();

	if (ctx->capture)
		capture_foreach(ctx->capture, capture_list_one, list);
	*result = json_pack("{s:o}", "captures", list);
	return 0;
}

/* --- the table */

#define PARAMS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define NO_PARAMS	((const char *const[]){ NULL })

static const struct ctl_method methods[] = {
	{ "switch.show", m_switch_show, NO_PARAMS, false },
	{ "port.add", m_port_add, PARAMS("name", "kind", "mtu", "owner", "group",
					     "offload", "path", "mode", "netns",
					     "vlan", "vni", "local", "remote",
					     "dstport", "ttl", "tos", "udpcsum",
					     "map"),
	  true, .port_flags = true },
	{ "port.del", m_port_del, PARAMS("name", "destroy"), true },
	{ "port.list", m_port_list, NO_PARAMS, false },
	{ "port.show", m_port_show, PARAMS("name"), false },
	{ "port.set", m_port_set, PARAMS("name", "mtu", "max_macs", "vlan",
					     "remote_add", "remote_del",
					     "stp_cost", "stp_priority",
					     "stp_edge", "stp_auto_edge"),
	  true, .port_flags = true },
	{ "fdb.show", m_fdb_show, PARAMS("port", "vlan"), false },
	{ "fdb.add", m_fdb_add, PARAMS("mac", "port", "vlan", "dst"), true },
	{ "fdb.del", m_fdb_del, PARAMS("mac", "vlan"), true },
	{ "fdb.flush", m_fdb_flush, PARAMS("port", "static"), true },
	{ "stats.show", m_stats_show, NO_PARAMS, false },
	{ "stats.clear", m_stats_clear, PARAMS("port"), false },
	{ "events.subscribe", m_events_subscribe, PARAMS("events"), false },
	{ "mirror.add", m_mirror_add, PARAMS("name", "src", "dst", "vlan",
					     "output"), true },
	{ "mirror.del", m_mirror_del, PARAMS("name"), true },
	{ "mirror.list", m_mirror_list, NO_PARAMS, false },
	{ "capture.start", m_capture_start, PARAMS("port", "direction",
						   "count"), false },
	{ "capture.list", m_capture_list, NO_PARAMS, false },
	/* spanning tree (ctl_stp.c) */
	{ "stp.show", ctl_stp_show, NO_PARAMS, false },
	{ "stp.set", ctl_stp_set, PARAMS("mode", "priority", "hello",
					 "max_age", "forward_delay"), true },
};

const char *const *ctl_method_names(void)
{
	static const char *names[ARRAY_SIZE(methods) + 1];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(methods); i++)
		names[i] = methods[i].name;
	return names;
}

static json_t *ctl_dispatch(struct ctl_context *ctx,
			    const struct ctl_request *req)
{
	const struct ctl_method *m = NULL;
	struct ctl_error err = { 0 };
	json_t *result = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(methods); i++)
		if (!strcmp(req->method, methods[i].name))
			m = &methods[i];
	if (!m) {
		ctl_error_set(&err, CTL_ERR_METHOD_NOT_FOUND, EOPNOTSUPP,
			      "unknown method '%.64s'", req->method);
		return ctl_response_error(req->id, &err);
	}

	ret = param_check(req->params, m, &err);
	if (!ret)
		ret = m->fn(ctx, req->params, &result, &err);
	if (!ret && !result) {
		ctl_error_set(&err, CTL_ERR_INTERNAL, ENOMEM, "out of memory");
		ret = -ENOMEM;
	}
	if (ret) {
		json_decref(result);
		if (!err.code)
			ctl_error_set(&err, CTL_ERR_SERVER, -ret, "%s: %s",
				      req->method, strerror(-ret));
		return ctl_response_error(req->id, &err);
	}
	if (m->saves && ctx->state_path) {
		char why[256];

		if (state_save(ctx->sw, ctx->state_path, why, sizeof(why)))
			log_msg(LOG_LVL_ERR, "state not saved: %s", why);
	}
	return ctl_response_result(req->id, result);
}

char *ctl_handle_line(struct ctl_context *ctx, const char *line, size_t len,
		      size_t *out_len)
{
	struct ctl_request req = { 0 };
	struct ctl_error err = { 0 };
	json_t *id = NULL, *resp;
	char *text;

	if (ctl_request_decode(line, len, &req, &err, &id)) {
		resp = ctl_response_error(id, &err);
		json_decref(id);
	} else {
		resp = ctl_dispatch(ctx, &req);
		if (!req.id) {		/* a notification: run, no reply */
			json_decref(resp);
			ctl_request_free(&req);
			return NULL;
		}
		ctl_request_free(&req);
	}
	if (!resp)
		return NULL;
	text = ctl_dump_line(resp, out_len);
	json_decref(resp);
	return text;
}
