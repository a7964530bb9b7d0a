// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl_stp.c - the spanning tree's JSON: stp.show, stp.set, a port's "stp"
 * member and stp_* settings, and the --state entries.
 *
 * Ids are written as the kernel bridge writes them ("8000.02aabbccddee"),
 * times in seconds.  The port settings are kept on the port whether STP
 * runs or not, so they can be set before it is turned on and survive a
 * restart.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/ctl_stp.h"
#include "tapsw/daemon.h"
#include "tapsw/ether.h"
#include "tapsw/port.h"
#include "tapsw/stp.h"
#include "tapsw/sw_stp.h"
#include "tapsw/switch.h"

static json_t *id_json(uint64_t id)
{
	char buf[18];

	return json_string(stp_id_format(id, buf));
}

json_t *ctl_stp_port_json(const struct sw *sw, const struct port *port)
{
	const struct stp *stp = sw_stp_get(sw);
	struct stp_port_info pi;
	json_t *o, *bad;
	unsigned int r;
	char pid[8];

	if (!stp || stp_port_get_info(stp, port->index + 1, &pi))
		return NULL;
	snprintf(pid, sizeof(pid), "%x.%03x", pi.port_id >> 12,
		 pi.port_id & 0xfff);
	bad = json_object();
	for (r = STP_BPDU_OK + 1; r < STP_BPDU_ERR_MAX; r++)
		json_object_set_new(bad, stp_bpdu_error_name(r),
				    json_integer((json_int_t)pi.stats.rx_bad[r]));
	o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:I, s:i, "
		      "s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		      "role", stp_role_name(pi.role),
		      "state", stp_state_name(pi.state),
		      "edge", pi.oper_edge,
		      "admin_edge", pi.cfg.admin_edge,
		      "auto_edge", pi.cfg.auto_edge,
		      "protocol", pi.send_rstp ? "rstp" : "stp",
		      "port_id", pid,
		      "cost", (json_int_t)pi.path_cost,
		      "priority", (int)pi.cfg.priority,
		      "designated_root", id_json(pi.designated_root),
		      "designated_bridge", id_json(pi.designated_bridge),
		      "designated_port", (json_int_t)pi.designated_port,
		      "designated_cost", (json_int_t)pi.designated_cost,
		      "rx_bpdu", (json_int_t)pi.stats.rx_bpdu,
		      "tx_bpdu", (json_int_t)pi.stats.tx_bpdu,
		      "rx_config", (json_int_t)pi.stats.rx_config,
		      "rx_rst", (json_int_t)pi.stats.rx_rst,
		      "rx_tcn", (json_int_t)pi.stats.rx_tcn,
		      "rx_bad_bpdu", (json_int_t)pi.stats.rx_bad_total,
		      "bad_bpdu_reasons", bad);
	return o;
}

int ctl_stp_show(struct ctl_context *ctx, json_t *params, json_t **result,
		 struct ctl_error *err)
{
	const struct stp *stp = sw_stp_get(ctx->sw);
	const struct stp_config *cfg = &ctx->sw->stp_cfg;
	struct stp_info in;
	json_t *o, *ports;
	unsigned int i;
	char mac[ETHER_MAC_STRLEN];

	(void)params;
	(void)err;
	o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:s}",
		      "mode", stp_mode_name(cfg->mode),
		      "priority", (int)cfg->priority,
		      "hello", (int)cfg->hello,
		      "max_age", (int)cfg->max_age,
		      "forward_delay", (int)cfg->fwd_delay,
		      "mac", ether_mac_format(cfg->mac, mac));
	if (!o || !stp) {
		*result = o;
		return 0;
	}
	stp_get_info(stp, &in);
	json_object_set_new(o, "bridge_id", id_json(in.bridge_id));
	json_object_set_new(o, "root_id", id_json(in.root_id));
	json_object_set_new(o, "root", json_boolean(in.root_id ==
						    in.bridge_id));
	json_object_set_new(o, "root_path_cost",
			    json_integer((json_int_t)in.root_path_cost));
	json_object_set_new(o, "root_port", in.root_port &&
			    ctx->sw->ports[in.root_port - 1] ?
			    json_string(ctx->sw->ports[in.root_port - 1]->name) :
			    json_null());
	json_object_set_new(o, "root_max_age", json_integer(in.max_age));
	json_object_set_new(o, "root_hello", json_integer(in.hello));
	json_object_set_new(o, "root_forward_delay",
			    json_integer(in.fwd_delay));
	json_object_set_new(o, "topology_changes",
			    json_integer((json_int_t)in.tc_count));
	json_object_set_new(o, "topology_change", json_boolean(in.tc_active));
	json_object_set_new(o, "time_since_topology_change", in.tc_last_ms ?
			    json_real((double)(ctx->now_ms - MIN(ctx->now_ms,
						in.tc_last_ms)) / 1000.0) :
			    json_null());
	ports = json_array();
	for (i = 0; i < ctx->sw->n_ports; i++) {
		const struct port *port = ctx->sw->active[i];
		json_t *p = ctl_stp_port_json(ctx->sw, port);

		if (!p)
			continue;
		json_object_set_new(p, "name", json_string(port->name));
		json_array_append_new(ports, p);
	}
	json_object_set_new(o, "ports", ports);
	*result = o;
	return 0;
}

/* an integer param @key within [@min, @max]: 1 given, 0 absent, <0 bad */
static int param_range(json_t *params, const char *key, unsigned int min,
		       unsigned int max, unsigned int *out,
		       struct ctl_error *err)
{
	uint64_t v;
	int ret = ctl_param_uint(params, key, max, &v, err);

	if (ret == 1 && v < min) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "parameter '%s' must be an integer from %u to %u",
			      key, min, max);
		return -EINVAL;
	}
	if (ret == 1)
		*out = (unsigned int)v;
	return ret;
}

int ctl_stp_set(struct ctl_context *ctx, json_t *params, json_t **result,
		struct ctl_error *err)
{
	struct stp_config cfg = ctx->sw->stp_cfg;
	json_t *mode = json_object_get(params, "mode");
	char why[160];
	int ret;

	if (mode) {
		ret = json_is_string(mode) ?
		      stp_mode_parse(json_string_value(mode)) : -EINVAL;
		if (ret < 0) {
			ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
				      "'mode' must be rstp, stp or off");
			return -EINVAL;
		}
		cfg.mode = (enum stp_mode)ret;
	}
	if (param_range(params, "priority", 0, 61440, &cfg.priority, err) < 0 ||
	    param_range(params, "hello", 1, 10, &cfg.hello, err) < 0 ||
	    param_range(params, "max_age", 6, 40, &cfg.max_age, err) < 0 ||
	    param_range(params, "forward_delay", 2, 30, &cfg.fwd_delay,
			err) < 0)
		return -EINVAL;
	/* timers are checked even while off: they are kept for later */
	ret = stp_config_check(&cfg, why, sizeof(why));
	if (!ret)
		ret = sw_stp_configure(ctx->sw, ctx->daemon, &cfg, why,
				       sizeof(why));
	if (ret) {
		ctl_error_set(err, ret == -EINVAL ? CTL_ERR_INVALID_PARAMS :
			      CTL_ERR_SERVER, -ret, "stp: %s", why);
		return ret;
	}
	return ctl_stp_show(ctx, NULL, result, err);
}

int ctl_stp_port_set(struct port *port, json_t *params, struct ctl_error *err)
{
	struct stp_port_config pc = port->stp_cfg;
	unsigned int cost = pc.cost;
	int any = 0, ret;

	if ((ret = param_range(params, "stp_cost", 0, STP_PATH_COST_MAX, &cost,
			       err)) < 0)
		return ret;
	any |= ret;
	if ((ret = param_range(params, "stp_priority", 0, 240, &pc.priority,
			       err)) < 0)
		return ret;
	any |= ret;
	if ((ret = ctl_param_bool(params, "stp_edge", &pc.admin_edge, err)) < 0)
		return ret;
	any |= ret;
	if ((ret = ctl_param_bool(params, "stp_auto_edge", &pc.auto_edge,
			       err)) < 0)
		return ret;
	any |= ret;
	if (!any)
		return 0;
	if (pc.priority % 16) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "port %s: 'stp_priority' must be a multiple of 16 from 0 to 240",
			      port->name);
		return -EINVAL;
	}
	pc.cost = cost;
	ret = sw_stp_port_configure(port, &pc);
	if (ret)
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, -ret,
			      "port %s: invalid STP settings", port->name);
	return ret;
}

json_t *ctl_stp_state_json(const struct sw *sw)
{
	const struct stp_config *cfg = &sw->stp_cfg;

	return json_pack("{s:s, s:i, s:i, s:i, s:i}",
			 "mode", stp_mode_name(cfg->mode),
			 "priority", (int)cfg->priority,
			 "hello", (int)cfg->hello,
			 "max_age", (int)cfg->max_age,
			 "forward_delay", (int)cfg->fwd_delay);
}

int ctl_stp_state_restore(struct daemon *d, json_t *o)
{
	struct sw *sw = d->sw;
	struct ctl_error err = { 0 };
	json_t *res = NULL;
	struct ctl_context ctx = {
		.daemon = d, .sw = sw, .now_ms = daemon_now_ms(d),
	};
	int ret;

	if (!o || sw->stp_cmdline)
		return 0;
	if (!json_is_object(o))
		return -EINVAL;
	ret = ctl_stp_set(&ctx, o, &res, &err);
	json_decref(res);
	return ret;
}

json_t *ctl_stp_port_state_json(const struct port *port)
{
	const struct stp_port_config *pc = &port->stp_cfg;

	return json_pack("{s:I, s:i, s:b, s:b}",
			 "cost", (json_int_t)pc->cost,
			 "priority", (int)pc->priority,
			 "edge", pc->admin_edge,
			 "auto_edge", pc->auto_edge);
}

int ctl_stp_port_state_restore(struct port *port, json_t *o)
{
	struct ctl_error err = { 0 };
	json_t *p;
	int ret;

	if (!o)
		return 0;
	if (!json_is_object(o))
		return -EINVAL;
	p = json_pack("{s:O?, s:O?, s:O?, s:O?}",
		      "stp_cost", json_object_get(o, "cost"),
		      "stp_priority", json_object_get(o, "priority"),
		      "stp_edge", json_object_get(o, "edge"),
		      "stp_auto_edge", json_object_get(o, "auto_edge"));
	if (!p)
		return -ENOMEM;
	ret = ctl_stp_port_set(port, p, &err);
	json_decref(p);
	return ret;
}
