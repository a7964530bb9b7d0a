/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port.h - a switch port: its name, kind, MTU, state and counters, and the
 * backend behind it (struct port_ops).
 *
 * The switch keeps its ports in a table indexed by port number (the value
 * stored in the FDB) and in a dense list of attached ports for flooding.
 * Backends (tap.c; later VM, netdev and socket ports) embed a struct port,
 * fill in ops, and call port_attach(); frames they read go to
 * switch_input(); frames the switch sends go through port_output(), which
 * enforces the MTU and keeps the counters.
 */
#ifndef TAPSW_PORT_H
#define TAPSW_PORT_H

#include "tapsw.h"
#include "drop.h"
#include "pkt.h"
#include "vlan.h"

#include <net/if.h>

struct sw;
struct port;

enum port_kind {
	PORT_KIND_TAP = 0,	/* a queue of a persistent TAP (tap.c) */
	PORT_KIND_VM,		/* AF_PACKET on a TAP made for a VM (packet.c) */
	PORT_KIND_NETDEV,	/* AF_PACKET on any interface (packet.c) */
	PORT_KIND_STREAM,	/* QEMU -netdev stream, UNIX socket (qemu.c) */
	PORT_KIND_DGRAM,	/* QEMU -netdev dgram, UNIX socket (qemu.c) */
	PORT_KIND_MAX
};

/* what port_open() is asked for; unused members are zero / -1 */
struct port_config {
	const char *name;
	enum port_kind kind;
	unsigned int mtu;	/* 0: the device's (or 1500) */
	long owner;		/* uid (TAP owner, socket owner), or -1 */
	long group;		/* gid, or -1 */
	bool no_offload;	/* plain frames: no vnet header, no TSO/csum */
	const char *path;	/* stream, dgram: the socket's path */
	unsigned int mode;	/* stream, dgram: socket file mode, 0: 0660 */
	const char *netns;	/* tap: put the TAP in this named netns */
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

struct port_ops {
	enum port_kind kind;
	/*
	 * send one frame: @len bytes at @buf, starting with the virtio-net
	 * header when port->vnet; 0 or a negative errno (-EIO: down, -EBADFD:
	 * gone), or PORT_SEND_QUEUED when the backend copied the frame and
	 * reports the result later with port_send_done()
	 */
	int (*send)(struct port *port, const void *buf, size_t len);
	/* set the MTU (the device's too, where it can); 0 or a negative errno */
	int (*set_mtu)(struct port *port, unsigned int mtu);
	/* optional: the named netns its netdev is in now ("" for ours) */
	int (*locate)(struct port *port, char *ns, size_t nslen);
	/* release the backend; @destroy also deletes what it created; frees @port */
	void (*close)(struct port *port, bool destroy);
};

struct port {
	struct sw *sw;
	const struct port_ops *ops;
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
	enum port_state state;
	char error[96];			/* why it is down */
	bool link_down;			/* netdev down, or no carrier */
	enum port_peer_state peer_state;
	char peer[128];			/* who is connected, for people */
	struct port_settings settings;
	struct vlan_config vlan;	/* its VLAN mode (vlan.h) */
	unsigned int flags;		/* PORT_NO_LEARNING, ... (bridge controls) */
	struct port_stats stats;
};

/*
 * port_open() - open a port of @cfg->kind with its backend and attach it.
 * On failure returns a negative errno and writes a one-line reason to @why.
 */
int port_open(struct sw *sw, const struct port_config *cfg,
	      struct port **portp, char *why, size_t whylen);

/*
 * Port change notifications, for whoever set sw->port_notify (events.c);
 * NULL when nobody listens.  ADD once attached, DEL before it is detached,
 * DOWN when the backend fails (port_fail()), a socket port's peer goes or
 * the netdev goes down or loses its carrier (linkwatch.c), UP when a peer
 * connects or the netdev comes back: what a bridge port would call its
 * carrier.  @reason says why (DOWN, UP), else NULL.
 */
enum port_event_type {
	PORT_EV_ADD = 0,
	PORT_EV_DEL,
	PORT_EV_UP,
	PORT_EV_DOWN,
	PORT_EV_MAX
};

struct port_event {
	enum port_event_type type;
	const struct port *port;
	const char *reason;
};

typedef void (*port_notify_t)(const struct port_event *ev, void *arg);

/* port_notify() - report @type on @port to sw->port_notify, if set */
void port_notify(struct port *port, enum port_event_type type,
		 const char *reason);

/* port_flush_learned() - forget the MACs learned on @port (its peer went) */
void port_flush_learned(struct port *port);

const char *port_kind_name(enum port_kind kind);
int port_kind_parse(const char *name);	/* enum port_kind or -EINVAL */
const char *port_state_name(enum port_state state);

/*
 * port_attach() - give @port a free index and make it forward.
 * Returns 0, -EEXIST (name taken) or -ENOSPC (no free index).
 */
int port_attach(struct sw *sw, struct port *port);

/*
 * port_detach() - stop forwarding to and from @port and forget its learned
 * FDB entries (static ones too: they would point at nothing).  Does not
 * close the backend: call port->ops->close() afterwards.
 */
void port_detach(struct sw *sw, struct port *port);

struct port *port_find(const struct sw *sw, const char *name);

/*
 * port_set_vlan() - give @port VLAN mode @vc (checked by the caller, see
 * vlan_config_from_json()).  A change forgets the MACs learned on the port:
 * they were learned in the VLANs of the old mode.
 */
void port_set_vlan(struct port *port, const struct vlan_config *vc);

/*
 * port_fail() - the backend is broken (device deleted, fd error): mark the
 * port down with @why, forget its learned FDB entries, log once.  The port
 * stays in the table (shown as down) until it is deleted or re-added.
 */
void port_fail(struct port *port, int errnum, const char *why);

/*
 * port_output() - send @pkt out of @port.  @wire_len is the largest frame it
 * puts on the wire (after segmentation, for a GSO frame), checked against
 * the port's MTU + @hdr_len (the Ethernet header, with its VLAN tag).
 */
void port_output(struct port *port, struct pkt *pkt, size_t hdr_len,
		 size_t wire_len);

/*
 * port_send_done() - count the result of one send of a frame of @len bytes
 * (without the virtio-net header) on @port: 0 or a negative errno, as
 * port_ops.send returns it.  For backends that queue (PORT_SEND_QUEUED).
 */
void port_send_done(struct port *port, int ret, size_t len);

/* port_offload_name() - "csum", "tso4", ... for one TUN_F_* bit, or NULL */
const char *port_offload_name(unsigned int bit);

static inline void port_count_drop(struct port *port, enum drop_reason r)
{
	port->stats.drop[r]++;
}

uint64_t port_drops(const struct port *port);

#endif /* TAPSW_PORT_H */
