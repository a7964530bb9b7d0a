/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_stp.h - the spanning tree on the control plane: the stp.show and
 * stp.set methods, the "stp" member of a port's JSON, the stp_* params of
 * port.set, and what --state keeps of it (the bridge's settings, each
 * port's cost, priority and edge).
 */
#ifndef TAPSW_CTL_STP_H
#define TAPSW_CTL_STP_H

#include <jansson.h>

#include "tapsw.h"
#include "ctl_method.h"
#include "ctl_proto.h"

struct daemon;
struct port;
struct sw;

/**
 * ctl_stp_show() - stp.show: the bridge, the root, the topology changes
 *                  and each port's role and state.
 * @ctx: The request's context.
 * @params: None.
 * @result: The result.
 * @err: Unused.
 *
 * Return: 0.
 */
int ctl_stp_show(struct ctl_context *ctx, json_t *params, json_t **result,
		 struct ctl_error *err);

/**
 * ctl_stp_set() - stp.set: mode, priority, hello, max_age, forward_delay.
 * @ctx: The request's context.
 * @params: What changes.
 * @result: stp.show's result after the change.
 * @err: Why not.
 *
 * Return: 0, or a negative errno with @err.
 */
int ctl_stp_set(struct ctl_context *ctx, json_t *params, json_t **result,
		struct ctl_error *err);

/**
 * ctl_stp_port_json() - A port's "stp" member: its role, state, settings
 *                       and BPDU counters; NULL when STP is off.
 * @sw: The switch.
 * @port: The port.
 */
json_t *ctl_stp_port_json(const struct sw *sw, const struct port *port);

/**
 * ctl_stp_port_set() - port.set's stp_cost, stp_priority, stp_edge and
 *                      stp_auto_edge, checked and applied together.
 * @port: The port.
 * @params: The request's params.
 * @err: Why not.
 *
 * Return: 0, or -EINVAL with @err.
 */
int ctl_stp_port_set(struct port *port, json_t *params, struct ctl_error *err);

/**
 * ctl_stp_state_json() - What --state keeps of the bridge's settings.
 * @sw: The switch.
 */
json_t *ctl_stp_state_json(const struct sw *sw);

/**
 * ctl_stp_state_restore() - Apply saved bridge settings, unless given on
 *                           the command line (sw.stp_cmdline).
 * @d: The daemon.
 * @o: The saved object (NULL: nothing saved).
 *
 * Return: 0, or -EINVAL (malformed or invalid).
 */
int ctl_stp_state_restore(struct daemon *d, json_t *o);

/**
 * ctl_stp_port_state_json() - A port's saved STP settings.
 * @port: The port.
 */
json_t *ctl_stp_port_state_json(const struct port *port);

/**
 * ctl_stp_port_state_restore() - Apply a port's saved STP settings.
 * @port: The port.
 * @o: The saved object (NULL: the defaults).
 *
 * Return: 0 or -EINVAL.
 */
int ctl_stp_port_state_restore(struct port *port, json_t *o);

#endif /* TAPSW_CTL_STP_H */
