/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan.h - VXLAN ports (kind "vxlan"): one L2 segment across hosts over
 * a UDP underlay (RFC 7348), interoperable with the Linux kernel's vxlan
 * device and Open vSwitch.
 *
 * A vxlan port is one switch port for the whole overlay: every remote
 * (VTEP) is behind it, so the switch's own rule -- never back out of the
 * ingress port -- is the split horizon: a frame from one remote is never
 * flooded to another.  Which remote a MAC is behind is the port's own
 * table, as the kernel's vxlan device has its FDB beside the bridge's:
 * the switch's FDB says "behind the vxlan port", the port's (a struct fdb
 * whose "port" is the remote's index) says "behind 10.1.0.2".  Both learn
 * from the same datagram and age with the same ageing time; the control
 * plane adds, deletes and flushes them together (fdb add ... dst IP).  A
 * frame for a MAC the port's table does not have goes to every remote in
 * the flood list (head-end replication, the kernel's
 * `bridge fdb append 00:00:00:00:00:00 dev vx dst IP`).
 *
 * The configuration (struct vxlan_config) has a JSON form in ctl_codec.c,
 * shared by port.add and the state file; the rest of this API is the
 * control plane's view of a running port.
 */
#ifndef TAPSW_VXLAN_H
#define TAPSW_VXLAN_H

#include "tapsw.h"

#include <netinet/in.h>
#include <sys/socket.h>

struct port;
struct port_class;

enum {
	VXLAN_REMOTES_MAX = 256,	/* remotes per port, flood list or not */
	VXLAN_MAPS_MAX = 64,		/* VLAN <-> VNI pairs per port */
	VXLAN_IP_STRLEN = INET6_ADDRSTRLEN,
};

/* an underlay address */
struct vxlan_ip {
	sa_family_t family;		/* AF_INET, AF_INET6; 0: none */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct vxlan_config {
	uint32_t vni;			/* 0 .. VXLAN_VNI_MAX */
	struct vxlan_ip local;		/* bound to; its family is the port's */
	uint16_t dstport;		/* 0: VXLAN_DSTPORT_DEFAULT (4789) */
	unsigned int ttl;		/* 0: the system's (64) */
	unsigned int tos;		/* outer TOS / traffic class */
	bool no_udpcsum;		/* IPv4: zero outer UDP checksums */
	unsigned int n_remotes;		/* the flood list */
	struct vxlan_ip remotes[VXLAN_REMOTES_MAX];
	/*
	 * VLAN <-> VNI: a frame of VLAN vid leaves untagged in VNI vni, and
	 * one of VNI vni comes in tagged vid; other frames go in @vni as
	 * they are
	 */
	unsigned int n_maps;
	struct {
		uint16_t vid;		/* 1-4094 */
		uint32_t vni;		/* not @vni, each once */
	} maps[VXLAN_MAPS_MAX];
};

/* one remote as the control plane sees it */
struct vxlan_remote_info {
	struct vxlan_ip ip;
	bool flood;			/* in the flood list */
	unsigned int statics;		/* static entries with this dst */
	uint64_t rx_packets;		/* datagrams taken from it */
	uint64_t rx_bytes;		/* their inner frames' bytes */
	uint64_t tx_packets;		/* datagrams sent to it */
	uint64_t tx_bytes;
	uint64_t tx_errors;		/* sends to it that failed */
	uint64_t tx_flooded;		/* of tx_packets, head-end copies */
};

/* the fast path's counters of one port */
struct vxlan_stats {
	uint64_t tx_trains;		/* UDP_SEGMENT sends of >1 datagram */
	uint64_t tx_train_dgrams;	/* the datagrams in them */
	uint64_t rx_gro_reads;		/* reads of >1 datagram (UDP_GRO) */
	uint64_t rx_gro_dgrams;		/* the datagrams in them */
	uint64_t rx_coalesced;		/* TSO frames built from segments */
	uint64_t rx_coalesced_segs;	/* the segments in them */
};

extern const struct port_class vxlan_port_class;

/**
 * vxlan_port_input() - One read on @port's socket.
 * @port: A vxlan port.
 * @buf: The UDP payload: a VXLAN datagram, or with UDP_GRO several of
 *       @seg bytes back to back (the last may be shorter), with
 *       PKT_HEADROOM + VNET_HDR_LEN - VXLAN_HLEN writable bytes before it
 *       (an inner frame is forwarded in place, a virtio-net header written
 *       over its VXLAN header and what is before it).
 * @n: Its length, as recvmsg() returned it.
 * @seg: The UDP_GRO segment size, 0 if none came.
 * @flags: recvmsg()'s msg_flags (MSG_TRUNC).
 * @from: The sender.
 * @more: More reads follow now: inner TCP segments may still join.
 *
 * Checks the sender, each datagram's header and inner frame's size, drops
 * and counts what fails; learns the inner sources behind the sender;
 * coalesces inner TCP segments (vxlan_gro.h) and hands the frames to
 * port_input().  The receive loop's, and the fuzzer's.
 */
void vxlan_port_input(struct port *port, uint8_t *buf, size_t n, size_t seg,
		      int flags, const struct sockaddr *from, bool more);

/**
 * vxlan_ip_equal() - Are @a and @b the same address?
 * @a: One.
 * @b: The other.
 */
bool vxlan_ip_equal(const struct vxlan_ip *a, const struct vxlan_ip *b);

/**
 * vxlan_is_port() - Is @port a vxlan port?
 * @port: The port.
 */
bool vxlan_is_port(const struct port *port);

/**
 * vxlan_config_get() - @port's configuration, with its flood list now.
 * @port: A vxlan port.
 * @vc: Filled in.
 */
void vxlan_config_get(const struct port *port, struct vxlan_config *vc);

/**
 * vxlan_stats_get() - @port's fast-path counters.
 * @port: A vxlan port.
 * @st: Filled in.
 */
void vxlan_stats_get(const struct port *port, struct vxlan_stats *st);

/**
 * vxlan_remote_add() - Put @ip in @port's flood list (and let it in).
 * @port: A vxlan port.
 * @ip: The remote.
 *
 * Return: 0, -EEXIST (already in it), -EAFNOSUPPORT (not the local
 * address's family), -EINVAL (the local address itself) or -ENOSPC.
 */
int vxlan_remote_add(struct port *port, const struct vxlan_ip *ip);

/**
 * vxlan_remote_del() - Take @ip out of @port's flood list.
 * @port: A vxlan port.
 * @ip: The remote.
 *
 * The MACs learned behind it are forgotten; static entries with it as dst
 * keep it (as a remote that gets no flooded frames).
 *
 * Return: 0 or -ENOENT.
 */
int vxlan_remote_del(struct port *port, const struct vxlan_ip *ip);

/**
 * vxlan_remote_foreach() - Call @cb for each remote of @port.
 * @port: A vxlan port.
 * @cb: Called with each remote and @arg.
 * @arg: For @cb.
 *
 * Return: the first non-zero value of @cb, else 0.
 */
int vxlan_remote_foreach(const struct port *port,
			 int (*cb)(const struct vxlan_remote_info *ri,
				   void *arg), void *arg);

/**
 * vxlan_fdb_add() - A static entry: @mac on VLAN @vid is behind @dst.
 * @port: A vxlan port.
 * @mac: The MAC.
 * @vid: Its VLAN in the switch (as in the switch's FDB).
 * @dst: The remote; made one if it is not (not in the flood list).
 * @now_ms: The clock.
 *
 * The switch's FDB entry (MAC -> @port) is the caller's.
 *
 * Return: 0, -EAFNOSUPPORT, -EINVAL (the local address), -ENOSPC.
 */
int vxlan_fdb_add(struct port *port, const uint8_t *mac, uint16_t vid,
		  const struct vxlan_ip *dst, uint64_t now_ms);

/**
 * vxlan_fdb_dst() - The remote @mac on @vid is behind, if known.
 * @port: A vxlan port.
 * @mac: The MAC.
 * @vid: Its VLAN in the switch.
 * @now_ms: The clock.
 * @dst: The remote, when known.
 * @is_static: Whether that is a static entry; may be NULL.
 *
 * Return: true if known.
 */
bool vxlan_fdb_dst(const struct port *port, const uint8_t *mac,
		   uint16_t vid, uint64_t now_ms, struct vxlan_ip *dst,
		   bool *is_static);

/**
 * vxlan_fdb_del() - Forget @mac on @vid (learned or static).
 * @port: A vxlan port.
 * @mac: The MAC.
 * @vid: Its VLAN in the switch.
 */
void vxlan_fdb_del(struct port *port, const uint8_t *mac, uint16_t vid);

/**
 * vxlan_fdb_flush() - Forget the entries of @port's table matching @flags.
 * @port: A vxlan port.
 * @flags: enum fdb_flush_flags.
 */
void vxlan_fdb_flush(struct port *port, unsigned int flags);

#endif /* TAPSW_VXLAN_H */
