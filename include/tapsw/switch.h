/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * switch.h - the switch: its ports, its FDB and the forwarding decision.
 *
 * switch_decide() is the whole 802.1D forwarding rule for one frame, with
 * no system call: check its virtio-net header, classify it, learn its
 * source, look up its destination.
 * switch_input() carries the decision out through port_output().
 */
#ifndef TAPSW_SWITCH_H
#define TAPSW_SWITCH_H

#include "tapsw.h"
#include "drop.h"
#include "fdb.h"
#include "port.h"
#include "stp.h"
#include "vlan.h"

enum {
	SW_PORT_MAX = FDB_PORT_MAX,
};

struct sw_config {
	uint32_t fdb_max;
	uint64_t ageing_ms;	/* 0: no learning (hub) */
	uint64_t fdb_seed;	/* 0: random */
};

struct sw_stats {
	uint64_t rx_packets;	/* frames in, from all ports */
	uint64_t unicast;	/* forwarded to their one known port */
	uint64_t flooded;	/* broadcast, multicast, unknown unicast */
	uint64_t filtered;	/* known destination behind the ingress port */
	uint64_t dropped;	/* dropped at ingress (see the ports' reasons) */
};

struct mirror_table;

struct sw {
	struct fdb *fdb;
	struct port *ports[SW_PORT_MAX];	/* by index, NULL if free */
	struct port *active[SW_PORT_MAX];	/* dense, in attach order */
	unsigned int n_ports;
	unsigned int vlan_ports;	/* with a VLAN mode; 0: all transparent */
	unsigned int mirrors;		/* active mirrors; 0: none (mirror.h) */
	struct mirror_table *mirror;	/* NULL until the first mirror */
	uint64_t now_ms;	/* the clock: set by port_input() (port.c) */
	struct sw_stats stats;
	struct sw_config cfg;
	/* spanning tree (sw_stp.h): NULL when off; its settings, kept off */
	struct sw_stp *stp;
	struct stp_config stp_cfg;
	bool stp_cmdline;	/* given to tapswd: --state does not override */
};

enum sw_action {
	SW_DROP,		/* see decision.reason */
	SW_FILTER,		/* destination is behind the ingress port */
	SW_UNICAST,		/* to decision.out */
	SW_FLOOD,		/* to every other port */
};

struct sw_decision {
	enum sw_action action;
	enum drop_reason reason;
	struct port *out;
	uint16_t vid;		/* its VLAN inside the switch */
	bool tagged;		/* its outer tag is that VLAN's (vlan.h) */
	size_t hdr_len;		/* Ethernet header, with its VLAN tag */
	size_t wire_len;	/* largest frame on the wire once segmented */
	unsigned int skip;	/* SW_FLOOD: not to ports with these flags */
};

/**
 * switch_floods_to() - Does a flood of decision @d from @in go out of @out?
 * @in: The ingress port.
 * @out: A port.
 * @d: The decision (SW_FLOOD).
 * @tagged: How the frame stands; set to how it leaves @out (vlan_egress()).
 *
 * Return: true if @out takes the flood.
 */
static inline bool switch_floods_to(const struct port *in,
				    const struct port *out,
				    const struct sw_decision *d, bool *tagged)
{
	return out != in && out->state == PORT_STATE_UP &&
	       !(out->flags & d->skip) &&
	       vlan_egress(&out->vlan, d->vid, tagged);
}

int sw_init(struct sw *sw, const struct sw_config *cfg);
/**
 * sw_fini() - Stop STP, close every port (leaving persistent devices), free
 *             the FDB.
 * @sw: The switch.
 */
void sw_fini(struct sw *sw);

void switch_decide(struct sw *sw, struct port *in, const struct pkt *pkt,
		   struct sw_decision *d);
void switch_input(struct sw *sw, struct port *in, struct pkt *pkt);

#endif /* TAPSW_SWITCH_H */
