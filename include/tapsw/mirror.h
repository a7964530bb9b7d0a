/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mirror.h - port mirroring, as Open vSwitch's Mirror table: copies of the
 * frames received on some ports (src), sent out of some ports (dst), or
 * both, optionally only those of some VLANs, sent out of one output port.
 *
 * A mirror is kept by port names, so it outlives its ports: a port that is
 * deleted and added again (or restored from --state) is selected again,
 * and a mirror whose output port is missing is inactive until it comes
 * back.  mirror_refresh() turns the names into port indices whenever the
 * port table changes (port_attach(), port_detach()), so the data path only
 * tests bits.
 *
 * The output port takes no normal traffic while it is one (PORT_MIRROR_OUT,
 * port.h): it is skipped by floods, a frame to a known destination behind
 * it is dropped, what it receives is dropped, both counted "mirror_port",
 * and what it had learned is forgotten.
 *
 * What the output port gets: each selected frame once per mirror (even if
 * both its ingress and an egress port are selected), as it entered the
 * switch (its tag as it came, whatever the egress ports' VLAN modes), sent
 * through port_output() like any frame: a GSO frame goes whole to an output
 * port that takes offloads and is segmented for one that does not.  Frames
 * dropped at ingress (malformed, VLAN, locked, ...) are not mirrored;
 * filtered ones (destination behind the ingress port) are, as received.
 * With no src and no dst, every frame the switch forwards is selected
 * (OVS's select_all).  With no VLAN list, every VLAN.
 *
 * While no mirror is active (sw->mirrors == 0) the data path pays one
 * predictable branch (switch_input()); the output port's flag costs
 * nothing: it rides in the flag tests the switch makes anyway.
 */
#ifndef TAPSW_MIRROR_H
#define TAPSW_MIRROR_H

#include "tapsw.h"
#include "fdb.h"
#include "pkt.h"
#include "vlan.h"

#include <net/if.h>

struct port;
struct sw;
struct sw_decision;

enum {
	MIRROR_MAX = 32,		/* mirrors per switch (as OVS) */
	MIRROR_NAME_MAX = 32,		/* with its NUL */
};

struct mirror_stats {
	uint64_t frames;	/* copies handed to the output port */
	uint64_t bytes;		/* their bytes (a GSO frame: all of it) */
	uint64_t drops;		/* selected, not sent: port down, MTU, error */
};

/* what mirror.add asks for; ports by name */
struct mirror_config {
	const char *name;
	const char *const *src;	/* frames received on these */
	unsigned int n_src;
	const char *const *dst;	/* frames sent out of these */
	unsigned int n_dst;
	const uint16_t *vlans;	/* only these VLANs (1-4094); none: all */
	unsigned int n_vlans;
	const char *output;
	bool allow_missing;	/* --state: ports may be missing for now */
};

struct mirror {
	char name[MIRROR_NAME_MAX];
	char output[IF_NAMESIZE];
	char (*src)[IF_NAMESIZE];
	unsigned int n_src;
	char (*dst)[IF_NAMESIZE];
	unsigned int n_dst;
	unsigned int n_vlans;			/* 0: every VLAN */
	uint64_t vlans[VLAN_N_VID / 64];
	/* resolved by mirror_refresh() */
	struct port *out;			/* NULL: output port missing */
	uint64_t src_ports[FDB_PORT_MAX / 64];
	uint64_t dst_ports[FDB_PORT_MAX / 64];
	bool any_dst;				/* a dst port is present */
	struct mirror_stats stats;
};

/**
 * mirror_add() - Add a mirror.
 * @sw: The switch.
 * @cfg: Its name, selection and output port.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, -EEXIST (the name is taken), -ENOSPC (MIRROR_MAX mirrors),
 * -ENOENT (a port does not exist, unless @cfg->allow_missing), -EINVAL (a
 * bad name or VLAN, the output port selected too), -ENOMEM.
 */
int mirror_add(struct sw *sw, const struct mirror_config *cfg, char *why,
	       size_t whylen);

/**
 * mirror_del() - Remove mirror @name; its output port forwards again.
 * @sw: The switch.
 * @name: The mirror.
 *
 * Return: 0 or -ENOENT.
 */
int mirror_del(struct sw *sw, const char *name);

/**
 * mirror_get() - The @i-th mirror, in the order they were added.
 * @sw: The switch.
 * @i: From 0.
 *
 * Return: the mirror, or NULL past the last.
 */
const struct mirror *mirror_get(const struct sw *sw, unsigned int i);

/**
 * mirror_refresh() - Resolve the mirrors' port names against the port table.
 * @sw: The switch.
 *
 * Sets each mirror's output port and selections, PORT_MIRROR_OUT on the
 * output ports (forgetting what a new one had learned) and sw->mirrors.
 * Called by port_attach() and port_detach().
 */
void mirror_refresh(struct sw *sw);

/**
 * mirror_input() - Send the copies a frame's mirrors want, before it goes on.
 * @sw: The switch.
 * @in: Its ingress port.
 * @pkt: The frame, as it came in.
 * @d: switch_decide()'s decision (not SW_DROP).
 */
void mirror_input(struct sw *sw, struct port *in, const struct pkt *pkt,
		  const struct sw_decision *d);

/**
 * mirror_clear_stats() - Zero every mirror's counters.
 * @sw: The switch.
 */
void mirror_clear_stats(struct sw *sw);

/**
 * mirror_fini() - Remove every mirror (sw_fini()).
 * @sw: The switch.
 */
void mirror_fini(struct sw *sw);

#endif /* TAPSW_MIRROR_H */
