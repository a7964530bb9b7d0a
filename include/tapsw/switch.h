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

struct sw {
	struct fdb *fdb;
	struct port *ports[SW_PORT_MAX];	/* by index, NULL if free */
	struct port *active[SW_PORT_MAX];	/* dense, in attach order */
	unsigned int n_ports;
	unsigned int vlan_ports;	/* with a VLAN mode; 0: all transparent */
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
