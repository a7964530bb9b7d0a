/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sw_stp.h - the switch's side of the spanning tree: the protocol (stp.h)
 * wired to the ports.
 *
 * When STP runs (sw.stp set), every attached port is a port of the
 * protocol, numbered index + 1, with a MAC of its own derived from the
 * bridge address (sw_stp_port_mac()).  BPDUs the switch receives are handed
 * in by switch_input() (sw_stp_input()) before the link-local drop; BPDUs
 * go out through port_output().  A port's state becomes two bits of its
 * flags, so the forwarding decision pays one flag test: PORT_STP_BLOCKED
 * (discarding or learning: nothing forwarded from or to it) and
 * PORT_STP_NO_LEARN (discarding: nothing learned either).  A topology
 * change flushes the learned FDB entries of the ports the protocol says.
 * A uv_timer ticks the protocol once a second.  Off, none of this exists:
 * sw.stp is NULL and the flags are clear.
 */
#ifndef TAPSW_SW_STP_H
#define TAPSW_SW_STP_H

#include "tapsw.h"
#include "drop.h"
#include "pkt.h"
#include "stp.h"

struct daemon;
struct port;
struct sw;
struct sw_stp;

/**
 * sw_stp_configure() - Start, stop or reconfigure STP on the switch.
 * @sw: The switch; its stp_cfg becomes @cfg.
 * @d: The daemon (its loop for the timer; NULL loop: no timer).
 * @cfg: The configuration; mode STP_MODE_OFF stops it.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, -EINVAL (bad configuration) or -ENOMEM, with @why.
 */
int sw_stp_configure(struct sw *sw, struct daemon *d,
		     const struct stp_config *cfg, char *why, size_t whylen);

/**
 * sw_stp_stop() - Stop STP (at shutdown): every port forwards again.
 * @sw: The switch.
 */
void sw_stp_stop(struct sw *sw);

/**
 * sw_stp_tick() - Let the protocol's time pass (the timer does this once a
 *                 second; unit tests by hand).
 * @sw: The switch, with STP running.
 * @now_ms: The clock now.
 */
void sw_stp_tick(struct sw *sw, uint64_t now_ms);

/**
 * sw_stp_get() - The protocol, for show methods, or NULL when off.
 * @sw: The switch.
 */
const struct stp *sw_stp_get(const struct sw *sw);

/**
 * sw_stp_port_add() - @port was attached: make it a port of the protocol.
 * @port: The port (discarding until it is enabled).
 */
void sw_stp_port_add(struct port *port);

/**
 * sw_stp_port_del() - @port is being detached.
 * @port: The port.
 */
void sw_stp_port_del(struct port *port);

/**
 * sw_stp_port_link() - @port's link may have changed: enable or disable it.
 * @port: The port; enabled when up, its link up and its peer (if it has
 *        one) connected.
 */
void sw_stp_port_link(struct port *port);

/**
 * sw_stp_port_configure() - Set @port's STP priority, cost and edge.
 * @port: The port; its stp_cfg becomes @cfg (kept while STP is off).
 * @cfg: The settings.
 *
 * Return: 0 or -EINVAL (out of range).
 */
int sw_stp_port_configure(struct port *port,
			  const struct stp_port_config *cfg);

/**
 * sw_stp_port_mac() - The MAC @port's BPDUs come from: the bridge address
 *                     with its last 16 bits XORed with the port's number.
 * @sw: The switch.
 * @port: The port.
 * @mac: Filled in.
 */
void sw_stp_port_mac(const struct sw *sw, const struct port *port,
		     uint8_t mac[ETHER_ADDR_LEN]);

/**
 * sw_stp_input() - A link-local frame came in on @in while STP runs.
 * @sw: The switch.
 * @in: The port.
 * @pkt: The frame.
 *
 * Return: DROP_NONE (a BPDU, taken), DROP_BPDU_INVALID (to the bridge
 * group address but malformed: counted by reason by the protocol) or
 * DROP_LINK_LOCAL (another link-local address).
 */
enum drop_reason sw_stp_input(struct sw *sw, struct port *in,
			      const struct pkt *pkt);

#endif /* TAPSW_SW_STP_H */
