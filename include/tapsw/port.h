/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port.h - a switch port: its name, backend, MTU, state and counters, and
 * its lifecycle.
 *
 * The switch keeps its ports in a table indexed by port number (the value
 * stored in the FDB) and in a dense list of attached ports for flooding.
 * port_open() has a backend (struct port_class, port_class.h) open a port
 * and attaches it; port_close() detaches it and has the backend close it.
 * Frames the backend reads go to port_input(); frames the switch sends go
 * through port_output(), which enforces the MTU, finishes what a port
 * without vnet headers cannot take and keeps the counters.
 */
#ifndef TAPSW_PORT_H
#define TAPSW_PORT_H

#include "tapsw.h"
#include "daemon.h"
#include "drop.h"
#include "pkt.h"
#include "stp.h"
#include "vlan.h"

#include <net/if.h>

struct capture_session;
struct port;
struct port_class;
struct sw;
struct vxlan_config;

/* what port_open() is asked for; unused members are zero / -1 */
struct port_config {
	const char *name;
	const char *kind;	/* the backend (port_class.name); NULL: "tap" */
	unsigned int mtu;	/* 0: the device's (or 1500) */
	long owner;		/* uid (TAP owner, socket owner), or -1 */
	long group;		/* gid, or -1 */
	bool no_offload;	/* plain frames: no vnet header, no TSO/csum */
	const char *path;	/* stream, dgram: the socket's path */
	unsigned int mode;	/* stream, dgram: socket file mode, 0: 0660 */
	const char *netns;	/* tap: put the TAP in this named netns */
	const struct vxlan_config *vxlan; /* vxlan: VNI, addresses (vxlan.h) */
};

/* how a port was asked for, kept to save and restore it (--state) */
struct port_settings {
	long owner;
	long group;
	bool no_offload;
	unsigned int mode;
	char path[108];
	char netns[64];
};

/* is somebody on the other end? (socket ports; TAP ports always NONE) */
enum port_peer_state {
	PORT_PEER_NONE = 0,	/* not a notion for this kind */
	PORT_PEER_WAITING,	/* nobody connected yet / any more */
	PORT_PEER_CONNECTED,	/* see port.peer */
};

enum port_state {
	PORT_STATE_UP = 0,
	PORT_STATE_DOWN,	/* the backend failed; see port.error */
};

/*
 * A port's bridge controls (port.flags), as the Linux bridge's `bridge link
 * set dev X learning|flood|mcast_flood|bcast_flood|isolated|locked on|off`.
 * The bits say what differs from a bridge port's defaults, so a port
 * starts with none: it learns, takes every kind of flooded frame, is not
 * isolated and not locked.  They steer the forwarding decision (switch.c),
 * never a frame to a known destination, except between isolated ports.
 * Their names are the control plane's (port_flag_info[], ctl_codec.h).
 */
enum port_flag {
	PORT_NO_LEARNING = 1u << 0,	/* its sources are not learned */
	PORT_NO_FLOOD = 1u << 1,	/* no unknown unicast flooded to it */
	PORT_NO_MCAST_FLOOD = 1u << 2,	/* no multicast flooded to it */
	PORT_NO_BCAST_FLOOD = 1u << 3,	/* no broadcast flooded to it */
	PORT_ISOLATED = 1u << 4,	/* nothing to or from other isolated ports */
	PORT_LOCKED = 1u << 5,		/* only sources the FDB has on it pass */
	/* not a control: set by mirror_refresh() on a mirror's output port */
	PORT_MIRROR_OUT = 1u << 16,
	/* the spanning tree's port state (sw_stp.c), not controls either */
	PORT_STP_BLOCKED = 1u << 17,	/* discarding/learning: no forwarding */
	PORT_STP_NO_LEARN = 1u << 18,	/* discarding: no learning either */
	PORT_FLAGS_INTERNAL = PORT_MIRROR_OUT | PORT_STP_BLOCKED |
			      PORT_STP_NO_LEARN,
};

struct port_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t filtered;	/* destination behind the ingress port */
	uint64_t flooded;	/* frames from this port that were flooded */
	uint64_t tx_segmented;	/* GSO frames segmented in software for it */
	uint64_t tx_csum_done;	/* partial checksums finished in software */
	uint64_t learn_limited;	/* sources not learned: port at max-macs */
	uint64_t drop[DROP_REASON_MAX];
};

enum {
	PORT_SEND_QUEUED = 1,	/* send(): taken; its result comes later */
};

struct port {
	struct sw *sw;			/* set by port_attach() */
	const struct port_class *class;	/* its backend */
	struct daemon *daemon;		/* NULL for ports of unit tests */
	unsigned int index;		/* FDB value, < SW_PORT_MAX */
	char name[IF_NAMESIZE];
	unsigned int mtu;		/* largest payload sent to this port */
	int ifindex;			/* when added, in tapswd's netns */
	int link_nsid;			/* moved to another netns: its id */
	int link_ifindex;		/* and ifindex there; 0: not known */
	bool link_moved;		/* not seen up there yet */
	bool created;			/* tapsw created the device */
	bool vnet;			/* frames carry a virtio-net header */
	unsigned int offloads;		/* TUN_F_* the kernel may hand us */
	/*
	 * vnet ports: the TUN_F_* offloads the other end does not take
	 * (0: all, as a TAP); port_output() segments or finishes in
	 * software the frames that need one of them (vhost-user guests
	 * without GUEST_TSO4, ...)
	 */
	unsigned int tx_no_offloads;
	enum port_state state;
	char error[96];			/* why it is down */
	bool link_down;			/* netdev down, or no carrier */
	enum port_peer_state peer_state;
	char peer[128];			/* who is connected, for people */
	struct port_settings settings;
	struct vlan_config vlan;	/* its VLAN mode (vlan.h) */
	unsigned int flags;		/* PORT_NO_LEARNING, ... (bridge controls) */
	struct port_stats stats;
	struct stp_port_config stp_cfg;	/* spanning tree settings */
	struct capture_session *captures;	/* NULL: none (capture.h) */
};

/**
 * port_open() - Open, attach and start a port of the kind @cfg asks for.
 * @d: The daemon: loop, rtnetlink socket, backends' state.
 * @cfg: What is asked for; backend @cfg->kind opens it.
 * @portp: The port, on success.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * The port forwards when this returns 0.  On failure nothing is left
 * behind.
 *
 * Return: 0, or a negative errno (-EOPNOTSUPP: no such kind, -EEXIST: the
 * name is taken) with a one-line reason in @why.
 */
int port_open(struct daemon *d, const struct port_config *cfg,
	      struct port **portp, char *why, size_t whylen);

/**
 * port_config_check() - The checks every kind shares.
 * @cfg: What is asked for, before its backend sees it.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * A known kind (else -EOPNOTSUPP), a name, "path" given to the kinds that
 * take one only, an MTU from 68 to 65535 (else -EINVAL).
 *
 * Return: 0 or that errno, with a one-line reason in @why.
 */
int port_config_check(const struct port_config *cfg, char *why,
		      size_t whylen);

/**
 * port_close() - Say DEL, detach @port and have its backend close it.
 * @port: The port; detached with port_detach().
 * @destroy: Also delete the device or socket tapsw created.
 */
void port_close(struct port *port, bool destroy);

/**
 * port_kind() - The name of @port's backend: "tap", "vm", ...
 * @port: The port.
 */
const char *port_kind(const struct port *port);

/**
 * port_notify() - Report @type on @port to daemon.port_notify, if set.
 * @port: The port.
 * @type: What happened.
 * @reason: Why (DOWN, UP), else NULL.
 */
void port_notify(struct port *port, enum port_event_type type,
		 const char *reason);

/**
 * port_flush_learned() - Forget the MACs learned on @port (its peer went).
 * @port: The port.
 */
void port_flush_learned(struct port *port);

/**
 * port_input() - Forward a frame a backend read.
 * @port: The port it was read on.
 * @pkt: The frame.
 *
 * Sets the switch's clock and forwards @pkt (switch_input()).
 */
void port_input(struct port *port, struct pkt *pkt);

/**
 * port_peer_up() - A socket port's peer connected: log it and say UP.
 * @port: The port.
 * @peer: The peer, for people ("pid 123", a socket address).
 */
void port_peer_up(struct port *port, const char *peer);

/**
 * port_peer_down() - The peer went: log it, say DOWN, forget its MACs.
 * @port: The port.
 * @errnum: How it went: an errno (either sign), or 0.
 * @why: How it went, for people.
 *
 * The MACs forgotten are those learned behind the peer.
 */
void port_peer_down(struct port *port, int errnum, const char *why);

const char *port_state_name(enum port_state state);

/**
 * port_attach() - Give @port a free index and make it forward.
 * @sw: The switch.
 * @port: The port.
 *
 * port_open() does this for backends; unit tests attach ports of their own.
 *
 * Return: 0, -EEXIST (name taken) or -ENOSPC (no free index).
 */
int port_attach(struct sw *sw, struct port *port);

/**
 * port_detach() - Stop forwarding to and from @port, forget its entries.
 * @sw: The switch.
 * @port: The port.
 *
 * Its learned FDB entries are forgotten, static ones too: they would point
 * at nothing.  Does not close the backend (port_close() does both).
 */
void port_detach(struct sw *sw, struct port *port);

struct port *port_find(const struct sw *sw, const char *name);

/**
 * port_set_vlan() - Give @port VLAN mode @vc.
 * @port: The port.
 * @vc: The mode, checked by the caller (see vlan_config_from_json()).
 *
 * A change forgets the MACs learned on the port: they were learned in the
 * VLANs of the old mode.
 */
void port_set_vlan(struct port *port, const struct vlan_config *vc);

/**
 * port_fail() - The backend is broken (device deleted, fd error).
 * @port: The port.
 * @errnum: An errno (either sign), or 0.
 * @why: What broke, for people.
 *
 * Marks the port down with @why, forgets its learned FDB entries, logs
 * once.  The port stays in the table (shown as down) until it is deleted
 * or re-added.
 */
void port_fail(struct port *port, int errnum, const char *why);

/**
 * port_output() - Send @pkt out of @port.
 * @port: The egress port.
 * @pkt: The frame.
 * @hdr_len: Its Ethernet header's length, with its VLAN tag.
 * @wire_len: The largest frame it puts on the wire (after segmentation,
 *            for a GSO frame), checked against the port's MTU + @hdr_len.
 */
void port_output(struct port *port, struct pkt *pkt, size_t hdr_len,
		 size_t wire_len);

/**
 * port_send_done() - Count the result of one send.
 * @port: The port.
 * @ret: The result: 0 or a negative errno, as port_class.send returns it.
 * @len: The frame's bytes, without the virtio-net header.
 *
 * For backends that queue (PORT_SEND_QUEUED).
 */
void port_send_done(struct port *port, int ret, size_t len);

/**
 * port_offload_name() - "csum", "tso4", ... for one TUN_F_* bit, or NULL.
 * @bit: The bit.
 */
const char *port_offload_name(unsigned int bit);

/**
 * port_set_controls() - Set @port's bridge controls, keep its internal flags.
 * @port: The port.
 * @controls: PORT_NO_LEARNING, ... (the others are ignored).
 */
static inline void port_set_controls(struct port *port, unsigned int controls)
{
	port->flags = (port->flags & PORT_FLAGS_INTERNAL) |
		      (controls & ~PORT_FLAGS_INTERNAL);
}

static inline void port_count_drop(struct port *port, enum drop_reason r)
{
	port->stats.drop[r]++;
}

uint64_t port_drops(const struct port *port);

#endif /* TAPSW_PORT_H */
