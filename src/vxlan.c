// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vxlan.c - the vxlan port backend (kind "vxlan", vxlan.h): Ethernet
 * frames in UDP datagrams to and from remote VTEPs, RFC 7348.
 *
 * Sockets.  One UDP socket bound to local:dstport receives; sending goes
 * through VXLAN_TX_SOCKETS sockets bound to local and source ports in
 * 49152-65535, one chosen per frame by the inner flow's hash
 * (vxlan_flow_hash()), so that a flow keeps its outer source port and
 * different flows spread over the underlay's ECMP paths, as the kernel's
 * udp_flow_src_port() does -- a UDP socket cannot choose its source port
 * per datagram, and a raw socket would lose the kernel's UDP checksum,
 * routing and GSO.  Every send socket has DF set (IP_PMTUDISC_DO,
 * IPV6_DONTFRAG): a datagram above the underlay's MTU is refused
 * (EMSGSIZE) and counted (too_big), never fragmented.  The outer UDP
 * checksum is computed (by the kernel, offloaded where the NIC can), as
 * the kernel's vxlan does by default (udpcsum, Linux 6.x); "udpcsum off"
 * sends zero checksums over IPv4 (SO_NO_CHECK).  Over IPv6 it is
 * mandatory and always computed.
 *
 * Frames.  A TSO frame is cut into its inner segments in software, each
 * built behind its VXLAN header in a train sent with one sendmsg() and
 * UDP_SEGMENT (vxlan_send_gso()).  Any other frame is one datagram: to one
 * remote it is queued, and the turn's datagrams go at the end of the
 * loop's turn in one sendmmsg() per socket (udp_batch.h); to the flood
 * list it goes at once, in one sendmmsg() to every remote (after what is
 * queued, so that order holds).  Datagrams are read with recvmmsg() in
 * batches into one buffer shared by the vxlan ports (VXLAN_RX_BATCH slots
 * with PKT_HEADROOM before each frame), checked (vxlan_hdr_parse(), the
 * VNI, the sender), and the inner frame goes to port_input() in place, or
 * joins the TSO frame being coalesced for the TAPs (vxlan_gro.h).
 *
 * Remotes and the port's table: see vxlan.h.  Only datagrams from a
 * remote -- the flood list, or a static entry's dst -- are taken; the
 * others are counted (vxlan_bad_source) and dropped.  The table is a
 * struct fdb (fdb.c) keyed by (MAC, VLAN id on the wire) whose value is
 * the remote's index; it learns the inner source of every datagram taken,
 * unless the port's "learning" is off (then nothing is learned on the
 * port, in the switch's FDB or here: the kernel's nolearning plus the
 * bridge's learning off, as EVPN set-ups use).  Dead entries are reclaimed
 * a slice per batch read (fdb_age()).
 */
#include "tapsw/tapsw.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "tapsw/daemon.h"
#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/pkt.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/port_poll.h"
#include "tapsw/switch.h"
#include "tapsw/udp_batch.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"
#include "tapsw/vxlan.h"
#include "tapsw/vxlan_gro.h"
#include "tapsw/vxlan_wire.h"

enum {
	VXLAN_TX_SOCKETS = 16,		/* outer source ports per port */
	VXLAN_RX_BATCH = 32,		/* datagrams per recvmmsg() */
	VXLAN_RX_BUDGET = 4,		/* recvmmsg() calls per wake-up */
	VXLAN_AGE_SLICE = 256,		/* table slots swept per batch */
	/* the largest UDP payload or GRO read, and a byte to see one cut */
	VXLAN_DGRAM_MAX = 65536 + 1,
	/* a slot: headroom, vnet header, datagram; 64-byte aligned */
	VXLAN_SLOT = (PKT_HEADROOM + VNET_HDR_LEN + VXLAN_DGRAM_MAX + 63) &
		     ~63,
	VXLAN_SOCKBUF = 4 * 1024 * 1024,
	VXLAN_TABLE_MAX = 65536,	/* entries of a port's table, at most */
	VXLAN_TRAIN_MAX = 65507,	/* bytes of one UDP_SEGMENT send */
	VXLAN_TRAIN_SEGS = 64,		/* datagrams of one (UDP_MAX_SEGMENTS) */
	VXLAN_SEG_BUF = 65536 + 256,	/* one inner segment, any GSO frame */
	/* a train waiting for more of its flow, one more after it, and room
	 * to build a segment past that */
	VXLAN_TRAIN_BUF = 2 * VXLAN_TRAIN_MAX + VXLAN_SEG_BUF,
};

union vxlan_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct vxlan_remote {
	struct vxlan_remote_info info;	/* ip, flood, statics, counters */
	union vxlan_sockaddr addr;	/* ip:dstport */
	bool used;
};

struct vxlan_port {
	struct port port;		/* first: port_poll_close() frees us */
	struct port_poll pfd;		/* the receiving socket */
	struct vxlan_io *io;
	int tx_fd[VXLAN_TX_SOCKETS];
	uint16_t tx_sport[VXLAN_TX_SOCKETS];
	struct vxlan_config cfg;	/* as opened; remotes: see below */
	socklen_t salen;
	uint8_t hdr[VXLAN_HLEN];
	bool gso;			/* takes TSO frames: UDP_SEGMENT trains */
	uint32_t *vid_vni;		/* VLAN -> VNI + 1 (0: not mapped),
					 * NULL without maps */
	struct vxlan_stats st;
	struct fdb *table;		/* (MAC, wire VID) -> remote index */
	unsigned int n_remotes;		/* slots in use up to this one */
	unsigned int last_rx;		/* the remote the last datagram
					 * came from: tried first */
	struct {
		uint8_t mac[ETHER_ADDR_LEN];
		uint16_t vid;
		bool valid;
	} learnt;			/* the source learned last in this
					 * read: a GRO read's 44 datagrams
					 * learn once */
	struct vxlan_remote remotes[VXLAN_REMOTES_MAX];
	struct mmsghdr flood_msg[VXLAN_REMOTES_MAX];
	unsigned int flood_idx[VXLAN_REMOTES_MAX];
};

/*
 * A train: datagrams of one flow, back to back in io->train from @start,
 * all of the first one's size but the last, sent with one sendmsg() and
 * UDP_SEGMENT (the kernel cuts it, or the NIC: USO).  A TSO frame of 46
 * segments (64 KiB at MTU 1450) fills one train of 44 and starts another:
 * that one waits for the next frame of the flow to the same remote, until
 * the end of the loop's turn at the latest (udp_batch_hold()), and the
 * frames whose last datagram it holds are counted sent when it goes.
 */
struct vxlan_train {
	struct vxlan_port *vp;
	struct vxlan_remote *to;	/* NULL: the flood list */
	int fd;
	size_t start;			/* where it begins in io->train */
	size_t len;			/* bytes in the train */
	size_t base;			/* where this frame's segments began */
	size_t dgram;			/* its datagrams' size */
	unsigned int n;			/* and number */
	unsigned int open_frames;	/* frames whose last datagram it holds */
	size_t open_bytes;		/* and their length */
	int last_ret;			/* the last unicast send's result */
	int err;			/* a flood's first error this frame */
	bool sent;			/* a flood's copy went out this frame */
};

/* what the vxlan ports share: the receive batch, the send train */
struct vxlan_io {
	uint8_t *buf;			/* VXLAN_RX_BATCH slots of VXLAN_SLOT */
	uint8_t *seg;			/* VXLAN_SEG_BUF: one inner segment */
	uint8_t *train;			/* datagrams to send, VXLAN_TRAIN_BUF */
	struct mmsghdr msg[VXLAN_RX_BATCH];
	struct iovec iov[VXLAN_RX_BATCH];
	union vxlan_sockaddr from[VXLAN_RX_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl[VXLAN_RX_BATCH];		/* UDP_GRO's segment size */
	struct vxlan_gro gro;		/* inner TCP coalesced for TAPs */
	struct udp_batch *batch;	/* unicast datagrams of this turn */
	struct vxlan_train pend;	/* the train being built or waiting */
};

static struct vxlan_port *to_vxlan(const struct port *port)
{
	return (struct vxlan_port *)port;
}

bool vxlan_is_port(const struct port *port)
{
	return port && port->class == &vxlan_port_class;
}

bool vxlan_ip_equal(const struct vxlan_ip *a, const struct vxlan_ip *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

static void vxlan_sockaddr_set(union vxlan_sockaddr *sa,
			       const struct vxlan_ip *ip, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	if (ip->family == AF_INET) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_addr = ip->v4;
		sa->in.sin_port = htons(port);
	} else {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_addr = ip->v6;
		sa->in6.sin6_port = htons(port);
	}
}

/* the VLAN id a frame of switch VLAN @vid carries out of (and into) @port */
static uint16_t vxlan_wire_vid(const struct port *port, uint16_t vid)
{
	bool tagged = vid != 0;

	if (!vlan_egress(&port->vlan, vid, &tagged))
		return vid;
	return tagged ? vid : 0;
}

/* ----------------------------------------------------------- remotes -- */

static int vxlan_remote_find(const struct vxlan_port *vp,
			     const struct vxlan_ip *ip)
{
	unsigned int i;

	for (i = 0; i < vp->n_remotes; i++)
		if (vp->remotes[i].used &&
		    vxlan_ip_equal(&vp->remotes[i].info.ip, ip))
			return (int)i;
	return -ENOENT;
}

/* the remote @ip, made if it is not one yet; its index or an errno */
static int vxlan_remote_get(struct vxlan_port *vp, const struct vxlan_ip *ip)
{
	struct vxlan_remote *r;
	int i = vxlan_remote_find(vp, ip);

	if (i >= 0)
		return i;
	if (ip->family != vp->cfg.local.family)
		return -EAFNOSUPPORT;
	if (vxlan_ip_equal(ip, &vp->cfg.local))
		return -EINVAL;
	for (i = 0; i < VXLAN_REMOTES_MAX && vp->remotes[i].used; i++)
		;
	if (i == VXLAN_REMOTES_MAX)
		return -ENOSPC;
	r = &vp->remotes[i];
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->info.ip = *ip;
	vxlan_sockaddr_set(&r->addr, ip, vp->cfg.dstport);
	if ((unsigned int)i >= vp->n_remotes)
		vp->n_remotes = (unsigned int)i + 1;
	return i;
}

/* let go of remote @i if nothing holds it: not flooded, no static entry */
static void vxlan_remote_put(struct vxlan_port *vp, unsigned int i)
{
	struct vxlan_remote *r = &vp->remotes[i];

	if (r->info.flood || r->info.statics)
		return;
	/* queued datagrams name the remote by its index: out with them */
	udp_batch_flush(vp->io->batch);
	fdb_flush(vp->table, (int)i, FDB_FLUSH_ALL);
	r->used = false;
	while (vp->n_remotes && !vp->remotes[vp->n_remotes - 1].used)
		vp->n_remotes--;
}

int vxlan_remote_add(struct port *port, const struct vxlan_ip *ip)
{
	struct vxlan_port *vp = to_vxlan(port);
	int i = vxlan_remote_get(vp, ip);

	if (i < 0)
		return i;
	if (vp->remotes[i].info.flood)
		return -EEXIST;
	vp->remotes[i].info.flood = true;
	return 0;
}

int vxlan_remote_del(struct port *port, const struct vxlan_ip *ip)
{
	struct vxlan_port *vp = to_vxlan(port);
	int i = vxlan_remote_find(vp, ip);

	if (i < 0 || !vp->remotes[i].info.flood)
		return -ENOENT;
	vp->remotes[i].info.flood = false;
	/* what was learned behind it is no longer true */
	fdb_flush(vp->table, i, FDB_FLUSH_LEARNED);
	vxlan_remote_put(vp, (unsigned int)i);
	return 0;
}

int vxlan_remote_foreach(const struct port *port,
			 int (*cb)(const struct vxlan_remote_info *ri,
				   void *arg), void *arg)
{
	const struct vxlan_port *vp = to_vxlan(port);
	unsigned int i;
	int ret;

	for (i = 0; i < vp->n_remotes; i++) {
		if (!vp->remotes[i].used)
			continue;
		ret = cb(&vp->remotes[i].info, arg);
		if (ret)
			return ret;
	}
	return 0;
}

void vxlan_stats_get(const struct port *port, struct vxlan_stats *st)
{
	*st = to_vxlan(port)->st;
}

void vxlan_config_get(const struct port *port, struct vxlan_config *vc)
{
	const struct vxlan_port *vp = to_vxlan(port);
	unsigned int i;

	*vc = vp->cfg;
	vc->n_remotes = 0;
	for (i = 0; i < vp->n_remotes; i++)
		if (vp->remotes[i].used && vp->remotes[i].info.flood)
			vc->remotes[vc->n_remotes++] = vp->remotes[i].info.ip;
}

/* ------------------------------------------------------------- table -- */

/* drop one static reference of the entry @mac/@wvid holds, if static */
static void vxlan_fdb_unref(struct vxlan_port *vp, const uint8_t *mac,
			    uint16_t wvid)
{
	struct fdb_entry e;
	int i = fdb_get(vp->table, mac, wvid, vp->port.sw->now_ms, &e);

	if (i < 0 || !e.is_static || e.port >= VXLAN_REMOTES_MAX)
		return;
	if (vp->remotes[e.port].info.statics)
		vp->remotes[e.port].info.statics--;
}

int vxlan_fdb_add(struct port *port, const uint8_t *mac, uint16_t vid,
		  const struct vxlan_ip *dst, uint64_t now_ms)
{
	struct vxlan_port *vp = to_vxlan(port);
	uint16_t wvid = vxlan_wire_vid(port, vid);
	int i = vxlan_remote_get(vp, dst), ret;

	if (i < 0)
		return i;
	vxlan_fdb_unref(vp, mac, wvid);
	ret = fdb_add_static(vp->table, mac, wvid, (unsigned int)i, now_ms);
	if (ret) {
		vxlan_remote_put(vp, (unsigned int)i);
		return ret;
	}
	vp->remotes[i].info.statics++;
	return 0;
}

bool vxlan_fdb_dst(const struct port *port, const uint8_t *mac,
		   uint16_t vid, uint64_t now_ms, struct vxlan_ip *dst,
		   bool *is_static)
{
	const struct vxlan_port *vp = to_vxlan(port);
	struct fdb_entry e;
	int i;

	i = fdb_lookup(vp->table, mac, vxlan_wire_vid(port, vid), now_ms);
	if (i < 0 || i >= VXLAN_REMOTES_MAX || !vp->remotes[i].used)
		return false;
	*dst = vp->remotes[i].info.ip;
	if (is_static)
		*is_static = fdb_get(vp->table, mac, vxlan_wire_vid(port, vid),
				     now_ms, &e) >= 0 && e.is_static;
	return true;
}

void vxlan_fdb_del(struct port *port, const uint8_t *mac, uint16_t vid)
{
	struct vxlan_port *vp = to_vxlan(port);
	uint16_t wvid = vxlan_wire_vid(port, vid);
	struct fdb_entry e;

	if (fdb_get(vp->table, mac, wvid, vp->port.sw->now_ms, &e) < 0)
		return;
	vxlan_fdb_unref(vp, mac, wvid);
	fdb_del(vp->table, mac, wvid);
	if (e.is_static && e.port < VXLAN_REMOTES_MAX)
		vxlan_remote_put(vp, e.port);
}

void vxlan_fdb_flush(struct port *port, unsigned int flags)
{
	struct vxlan_port *vp = to_vxlan(port);
	unsigned int i;

	fdb_flush(vp->table, -1, flags);
	if (!(flags & FDB_FLUSH_STATIC))
		return;
	for (i = 0; i < vp->n_remotes; i++) {
		if (!vp->remotes[i].used)
			continue;
		vp->remotes[i].info.statics = 0;
		vxlan_remote_put(vp, i);
	}
}

/* -------------------------------------------------------------- send -- */

static int vxlan_sendmsg(int fd, struct msghdr *mh)
{
	ssize_t n;

	do
		n = sendmsg(fd, mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

static void vxlan_count_tx(struct vxlan_remote *r, int ret, size_t len,
			   bool flooded)
{
	if (ret) {
		r->info.tx_errors++;
		return;
	}
	r->info.tx_packets++;
	r->info.tx_bytes += len;
	r->info.tx_flooded += flooded;
}

static unsigned int vxlan_flood_count(const struct vxlan_port *vp)
{
	unsigned int i, n = 0;

	for (i = 0; i < vp->n_remotes; i++)
		n += vp->remotes[i].used && vp->remotes[i].info.flood;
	return n;
}

/* one copy of @iov to each remote of the flood list */
static int vxlan_flood(struct vxlan_port *vp, int fd, struct iovec *iov,
		       size_t iovlen, size_t len)
{
	unsigned int i, n = 0, done = 0, sent = 0;
	int ret, first_err = 0;

	for (i = 0; i < vp->n_remotes; i++) {
		struct vxlan_remote *r = &vp->remotes[i];
		struct msghdr *mh = &vp->flood_msg[n].msg_hdr;

		if (!r->used || !r->info.flood)
			continue;
		*mh = (struct msghdr){
			.msg_name = &r->addr,
			.msg_namelen = vp->salen,
			.msg_iov = iov,
			.msg_iovlen = iovlen,
		};
		vp->flood_idx[n++] = i;
	}
	if (!n)
		return -EDESTADDRREQ;	/* nobody to send it to */
	while (done < n) {
		ret = sendmmsg(fd, vp->flood_msg + done, n - done,
			       MSG_DONTWAIT | MSG_NOSIGNAL);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			/* the one at @done failed: count it, go on */
			ret = -errno;
			if (!first_err)
				first_err = ret;
			vxlan_count_tx(&vp->remotes[vp->flood_idx[done]], ret,
				       len, true);
			done++;
			continue;
		}
		for (i = 0; i < (unsigned int)ret; i++)
			vxlan_count_tx(&vp->remotes[vp->flood_idx[done + i]],
				       0, len, true);
		done += (unsigned int)ret;
		sent += (unsigned int)ret;
	}
	/* the frame went out if one copy did */
	return sent ? 0 : first_err;
}

/* the remote @frame's destination is behind, or NULL: flood it */
static struct vxlan_remote *vxlan_dst(struct vxlan_port *vp,
				      const uint8_t *frame, size_t len)
{
	int i;

	if (len < ETHER_HDR_LEN || ether_is_multicast(frame))
		return NULL;
	i = fdb_lookup(vp->table, frame, vxlan_frame_vid(frame, len),
		       vp->port.sw->now_ms);
	if (i < 0 || i >= VXLAN_REMOTES_MAX || !vp->remotes[i].used)
		return NULL;
	return &vp->remotes[i];
}

/* udp_batch's word on a datagram to remote @ri */
static void vxlan_batch_done(void *owner, unsigned int ri, int ret,
			     size_t len)
{
	struct vxlan_port *vp = owner;

	len -= VXLAN_HLEN;
	if (ri < vp->n_remotes && vp->remotes[ri].used)
		vxlan_count_tx(&vp->remotes[ri], ret, len, false);
	port_send_done(&vp->port, ret, len);
}

/*
 * header + frame (@iov) to @r, or to the flood list: unicast waits for
 * the end of the loop's turn and goes with the others in one sendmmsg()
 * (udp_batch.h); a flood, or a frame too long to queue, goes now, after
 * what waits
 */
static int vxlan_send_iov(struct vxlan_port *vp, int fd, struct iovec *iov,
			  size_t iovlen, size_t len, struct vxlan_remote *r)
{
	struct msghdr mh;
	int ret;

	if (r && !udp_batch_add(vp->io->batch, fd, &r->addr.sa, vp->salen,
				iov, (unsigned int)iovlen, vp,
				(unsigned int)(r - vp->remotes)))
		return PORT_SEND_QUEUED;
	udp_batch_flush(vp->io->batch);
	if (!r)
		return vxlan_flood(vp, fd, iov, iovlen, len);
	mh = (struct msghdr){
		.msg_name = &r->addr,
		.msg_namelen = vp->salen,
		.msg_iov = iov,
		.msg_iovlen = iovlen,
	};
	ret = vxlan_sendmsg(fd, &mh);
	vxlan_count_tx(r, ret, len, false);
	return ret;
}

/*
 * The VNI a frame goes in: a mapped VLAN's tag comes off (the caller
 * skips the 4 bytes after the MAC addresses).  Return: the tag's length
 * to strip, 0 or ETHER_VLAN_HLEN, with the header for the VNI in @hdr.
 */
static size_t vxlan_tx_vni(const struct vxlan_port *vp, const uint8_t *frame,
			   size_t len, uint8_t *hdr)
{
	uint16_t vid;
	uint32_t v;

	if (likely(!vp->vid_vni) || len < ETHER_HDR_LEN + ETHER_VLAN_HLEN ||
	    ether_be16(frame + 12) != ETHER_TYPE_8021Q)
		goto plain;
	vid = ether_be16(frame + 14) & 0xfff;
	v = vp->vid_vni[vid];
	if (!v)
		goto plain;
	vxlan_hdr_build(hdr, v - 1);
	return ETHER_VLAN_HLEN;
plain:
	memcpy(hdr, vp->hdr, VXLAN_HLEN);
	return 0;
}

static void vxlan_train_flush(struct vxlan_train *t)
{
	struct vxlan_port *vp = t->vp;
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = vp->io->train + t->start,
			     .iov_len = t->len };
	struct vxlan_remote *r, *end = vp->remotes + vp->n_remotes;
	struct cmsghdr *cm;
	struct msghdr mh = {
		.msg_namelen = vp->salen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	int ret;

	if (!t->n)
		return;
	if (t->n > 1) {
		vp->st.tx_trains++;
		vp->st.tx_train_dgrams += t->n;
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		*(uint16_t *)(void *)CMSG_DATA(cm) = (uint16_t)t->dgram;
	}
	for (r = t->to ? t->to : vp->remotes; r < end; r++) {
		if (!t->to && (!r->used || !r->info.flood))
			continue;
		mh.msg_name = &r->addr;
		ret = vxlan_sendmsg(t->fd, &mh);
		if (t->to)
			t->last_ret = ret;
		if (ret) {
			r->info.tx_errors++;
			if (!t->err)
				t->err = ret;
		} else {
			r->info.tx_packets += t->n;
			r->info.tx_bytes += t->len - (size_t)t->n * VXLAN_HLEN;
			r->info.tx_flooded += t->to ? 0 : t->n;
			t->sent = true;
		}
		if (t->to)
			break;
	}
	/* frames held open by this train: their result is its */
	for (; t->open_frames; t->open_frames--) {
		port_send_done(&vp->port, t->last_ret,
			       t->open_frames == 1 ? t->open_bytes : 0);
	}
	t->open_bytes = 0;
	t->len = 0;
	t->n = 0;
}

/* udp_batch_hold()'s call: the waiting train goes */
static void vxlan_pend_flush(void *arg)
{
	struct vxlan_io *io = arg;

	vxlan_train_flush(&io->pend);
	io->pend.start = 0;
}

/* vnet_segment()'s callback: one inner segment onto the train */
static int vxlan_train_add(const uint8_t *seg, size_t seg_len, void *arg)
{
	struct vxlan_train *t = arg;
	uint8_t hdr[VXLAN_HLEN];
	size_t strip = vxlan_tx_vni(t->vp, seg, seg_len, hdr);
	size_t d = VXLAN_HLEN + seg_len - strip;
	uint8_t *p;

	if (t->n && (t->len + d > VXLAN_TRAIN_MAX ||
		     t->n == VXLAN_TRAIN_SEGS || d > t->dgram))
		vxlan_train_flush(t);
	if (d > VXLAN_TRAIN_MAX)
		return -EMSGSIZE;
	p = t->vp->io->train + t->start + t->len;
	memcpy(p, hdr, VXLAN_HLEN);
	if (unlikely(strip)) {
		/* the MAC addresses, then what follows the tag */
		memcpy(p + VXLAN_HLEN, seg, 12);
		memcpy(p + VXLAN_HLEN + 12, seg + 12 + strip,
		       seg_len - 12 - strip);
	} else {
		memcpy(p + VXLAN_HLEN, seg, seg_len);
	}
	if (!t->n)
		t->dgram = d;
	t->len += d;
	t->n++;
	if (d < t->dgram)		/* a shorter one is the last */
		vxlan_train_flush(t);
	return 0;
}

/*
 * vnet_segment()'s callback when the segments are built in the train
 * itself, each right after the VXLAN header written before it: no copy.
 * All segments of a GSO frame have the first one's size but the last;
 * a train waiting from the frame before may have datagrams of another.
 * Return: where the next segment goes, from this frame's first (@base).
 */
static int vxlan_train_put(const uint8_t *seg, size_t seg_len, void *arg)
{
	struct vxlan_train *t = arg;
	size_t d = VXLAN_HLEN + seg_len;

	memcpy((uint8_t *)seg - VXLAN_HLEN, t->vp->hdr, VXLAN_HLEN);
	if (t->n && d > t->dgram) {
		/* larger than the waiting train's: that one goes first, and
		 * this one, where it lies, begins the next */
		size_t at = t->start + t->len;

		vxlan_train_flush(t);
		t->start = at;
	}
	if (!t->n)
		t->dgram = d;
	t->len += d;
	t->n++;
	if (d < t->dgram || t->n == VXLAN_TRAIN_SEGS ||
	    t->len + t->dgram > VXLAN_TRAIN_MAX) {
		vxlan_train_flush(t);
		t->start = t->base;	/* the next one where this frame began */
		return 0;
	}
	return (int)(t->start + t->len - t->base);	/* right after it */
}

/*
 * a GSO frame: segmented in software, sent in trains; the last one, if
 * full-sized, waits for the flow's next frame (struct vxlan_train)
 */
static int vxlan_send_gso(struct vxlan_port *vp, int fd,
			  const struct virtio_net_hdr *vh, const uint8_t *frame,
			  size_t len)
{
	struct vxlan_io *io = vp->io;
	struct vxlan_train *t = &io->pend;
	struct vxlan_remote *to = vxlan_dst(vp, frame, len);
	uint8_t hdr[VXLAN_HLEN];
	bool strip;
	int ret;

	if (!to && !vxlan_flood_count(vp))
		return -EDESTADDRREQ;
	strip = vxlan_tx_vni(vp, frame, len, hdr);
	/*
	 * What waits goes first (in order), unless this frame continues it:
	 * the same port, remote and socket, nothing queued since, and room.
	 * Segments are built after what waits, and after a train goes the
	 * next starts where this frame began: a waiting train creeps up the
	 * buffer.  Past VXLAN_TRAIN_MAX a short one moves back to the start
	 * (a few datagrams copied once every few frames), a long one goes.
	 */
	if (t->n && t->start + t->len > VXLAN_TRAIN_MAX &&
	    t->len <= VXLAN_TRAIN_MAX / 4) {
		memmove(io->train, io->train + t->start, t->len);
		t->start = 0;
	}
	if (!t->n || !to || t->to != to || t->vp != vp || t->fd != fd ||
	    strip || udp_batch_pending(io->batch) ||
	    t->start + t->len > VXLAN_TRAIN_MAX)
		udp_batch_flush(io->batch);
	if (!t->n)
		*t = (struct vxlan_train){ .vp = vp, .to = to, .fd = fd };
	t->base = t->start + t->len;
	t->err = 0;
	t->sent = false;
	vp->port.stats.tx_segmented++;
	if (likely(!strip))
		/* built in the train, behind room for the VXLAN header */
		ret = vnet_segment(vh, frame, len,
				   io->train + t->base + VXLAN_HLEN,
				   VXLAN_TRAIN_BUF - t->base - VXLAN_HLEN,
				   vxlan_train_put, t);
	else		/* a mapped VLAN: its tag comes off on the way */
		ret = vnet_segment(vh, frame, len, io->seg, VXLAN_SEG_BUF,
				   vxlan_train_add, t);
	if (ret >= 0 && t->n && to && !strip) {
		/* its last datagrams wait: it is counted when they go */
		t->open_frames++;
		t->open_bytes += len;
		udp_batch_hold(io->batch, vxlan_pend_flush, io);
		return PORT_SEND_QUEUED;
	}
	vxlan_pend_flush(io);
	if (ret < 0)
		return ret;
	return to ? t->last_ret : t->sent ? 0 : t->err;
}

static int vxlan_send(struct port *port, const void *buf, size_t len)
{
	struct vxlan_port *vp = to_vxlan(port);
	struct virtio_net_hdr *vh = NULL;
	const uint8_t *frame = buf;
	uint8_t hdr[VXLAN_HLEN];
	struct iovec iov[3];
	size_t strip;
	int fd;

	if (vp->gso) {
		vh = (struct virtio_net_hdr *)buf;
		frame += VNET_HDR_LEN;
		len -= VNET_HDR_LEN;
	}
	fd = vp->tx_fd[vxlan_flow_hash(frame, len) % VXLAN_TX_SOCKETS];
	if (vh && vnet_hdr_is_gso(vh))
		return vxlan_send_gso(vp, fd, vh, frame, len);
	if (vh && vnet_hdr_needs_csum(vh)) {
		/* in place, and said so: a flood's next ports take it too */
		if (vnet_csum_finish(vh, (uint8_t *)frame, len))
			return -EINVAL;
		vh->flags = VIRTIO_NET_HDR_F_DATA_VALID;
		port->stats.tx_csum_done++;
	}
	iov[0] = (struct iovec){ .iov_base = vp->hdr, .iov_len = VXLAN_HLEN };
	iov[1] = (struct iovec){ .iov_base = (void *)frame, .iov_len = len };
	if (unlikely(vp->vid_vni) &&
	    (strip = vxlan_tx_vni(vp, frame, len, hdr))) {
		/* a mapped VLAN: its VNI, untagged */
		iov[0].iov_base = hdr;
		iov[1].iov_len = 12;
		iov[2] = (struct iovec){ .iov_base = (void *)(frame + 12 + strip),
					 .iov_len = len - 12 - strip };
		return vxlan_send_iov(vp, fd, iov, 3, len - strip,
				      vxlan_dst(vp, frame, len));
	}
	return vxlan_send_iov(vp, fd, iov, 2, len, vxlan_dst(vp, frame, len));
}

/* ----------------------------------------------------------- receive -- */

static int vxlan_remote_from(struct vxlan_port *vp,
			     const union vxlan_sockaddr *from)
{
	struct vxlan_ip ip = { .family = from->sa.sa_family };
	const struct vxlan_remote *r = &vp->remotes[vp->last_rx];
	int i;

	if (ip.family == AF_INET)
		ip.v4 = from->in.sin_addr;
	else if (ip.family == AF_INET6)
		ip.v6 = from->in6.sin6_addr;
	else
		return -ENOENT;
	if (likely(r->used && vxlan_ip_equal(&r->info.ip, &ip)))
		return (int)vp->last_rx;
	i = vxlan_remote_find(vp, &ip);
	if (i >= 0)
		vp->last_rx = (unsigned int)i;
	return i;
}

/* @mac on @vid is behind remote @ri; say so if it is news and asked for */
static void vxlan_learn(struct vxlan_port *vp, const uint8_t *mac,
			uint16_t vid, int ri)
{
	struct daemon *d = vp->port.daemon;
	enum fdb_learn_result r;
	unsigned int old = 0;

	r = fdb_learn(vp->table, mac, vid, (unsigned int)ri,
		      daemon_now_ms(d), &old);
	if (likely(r == FDB_LEARN_HIT) || !d || !d->remote_notify ||
	    (r != FDB_LEARN_NEW && r != FDB_LEARN_MOVED))
		return;
	d->remote_notify(&(struct remote_event){
		.port = &vp->port, .mac = mac, .vid = vid,
		.dst = &vp->remotes[ri].info.ip,
		.old_dst = r == FDB_LEARN_MOVED && old < VXLAN_REMOTES_MAX &&
			   vp->remotes[old].used ?
			   &vp->remotes[old].info.ip : NULL,
	}, d->remote_notify_arg);
}

/* the VLAN a mapped VNI comes in as, 0 if @vni is not mapped */
static uint16_t vxlan_rx_vid(const struct vxlan_port *vp, uint32_t vni)
{
	unsigned int i;

	for (i = 0; i < vp->cfg.n_maps; i++)
		if (vp->cfg.maps[i].vni == vni)
			return vp->cfg.maps[i].vid;
	return 0;
}

/* forward the frame @io->gro has built, if any */
static void vxlan_gro_flush(struct vxlan_port *vp)
{
	struct pkt pkt;
	unsigned int segs = vxlan_gro_take(&vp->io->gro, &pkt);

	if (!segs)
		return;
	if (segs > 1) {
		vp->st.rx_coalesced++;
		vp->st.rx_coalesced_segs += segs;
	}
	port_input(&vp->port, &pkt);
}

/* one VXLAN datagram of @n bytes at @dg from remote @ri */
static void vxlan_dgram(struct vxlan_port *vp, int ri, uint8_t *dg, size_t n)
{
	struct port *port = &vp->port;
	struct vxlan_gro *gro = &vp->io->gro;
	enum drop_reason reason;
	struct vxlan_remote *r;
	struct pkt pkt;
	uint16_t vid = 0;
	uint32_t vni;
	size_t len;

	reason = vxlan_hdr_parse(dg, n, &vni);
	if (likely(reason == DROP_NONE) && unlikely(vni != vp->cfg.vni) &&
	    !(vid = vxlan_rx_vid(vp, vni)))
		reason = DROP_VXLAN_BAD_VNI;
	len = n - VXLAN_HLEN;
	if (likely(reason == DROP_NONE) &&
	    unlikely(len > port->mtu + ETHER_HDR_LEN + ETHER_VLAN_HLEN))
		reason = DROP_OVERSIZE;
	if (unlikely(reason != DROP_NONE)) {
		port_count_drop(port, reason);
		return;
	}
	r = &vp->remotes[ri];
	r->info.rx_packets++;
	r->info.rx_bytes += len;

	pkt.eth = dg + VXLAN_HLEN;
	if (unlikely(vid)) {
		/* a mapped VNI: the frame comes in tagged with its VLAN, the
		 * tag written over the VXLAN header */
		memmove(pkt.eth - ETHER_VLAN_HLEN, pkt.eth, 12);
		pkt.eth -= ETHER_VLAN_HLEN;
		pkt.eth[12] = ETHER_TYPE_8021Q >> 8;
		pkt.eth[13] = ETHER_TYPE_8021Q & 0xff;
		pkt.eth[14] = (uint8_t)(vid >> 8);
		pkt.eth[15] = (uint8_t)vid;
		len += ETHER_VLAN_HLEN;
	}
	pkt.vnet = pkt.eth - VNET_HDR_LEN;
	pkt.len = len;
	pkt.headroom = PKT_HEADROOM;
	if (likely(!(port->flags & PORT_NO_LEARNING)) &&
	    !ether_is_multicast(pkt.eth + 6) && !ether_is_zero(pkt.eth + 6)) {
		uint16_t fvid = vxlan_frame_vid(pkt.eth, len);

		if (!vp->learnt.valid || fvid != vp->learnt.vid ||
		    memcmp(vp->learnt.mac, pkt.eth + 6, ETHER_ADDR_LEN)) {
			vxlan_learn(vp, pkt.eth + 6, fvid, ri);
			memcpy(vp->learnt.mac, pkt.eth + 6, ETHER_ADDR_LEN);
			vp->learnt.vid = fvid;
			vp->learnt.valid = true;
		}
	}
	if (vp->gso) {
		/* a TCP segment continuing the one before joins it */
		if (vxlan_gro_add(gro, pkt.eth, len, ri))
			return;
		vxlan_gro_flush(vp);
		if (vxlan_gro_add(gro, pkt.eth, len, ri))
			return;
	}
	if (unlikely((uintptr_t)pkt.vnet & 1)) {
		/* a GRO read's datagrams of odd size: align the vnet header */
		memmove(pkt.eth - 1, pkt.eth, len);
		pkt.eth--;
		pkt.vnet--;
	}
	memset(pkt.vnet, 0, VNET_HDR_LEN);	/* over the VXLAN header */
	port_input(port, &pkt);
}

void vxlan_port_input(struct port *port, uint8_t *buf, size_t n, size_t seg,
		      int flags, const struct sockaddr *sa, bool more)
{
	const union vxlan_sockaddr *from = (const union vxlan_sockaddr *)sa;
	struct vxlan_port *vp = to_vxlan(port);
	size_t off, d;
	int ri;

	vp->learnt.valid = false;	/* one read: one sender, one moment */
	ri = vxlan_remote_from(vp, from);
	if (unlikely(ri < 0)) {
		port_count_drop(port, DROP_VXLAN_BAD_SOURCE);
	} else if (unlikely(flags & MSG_TRUNC)) {
		port_count_drop(port, DROP_OVERSIZE);
	} else {
		/* GRO: datagrams of @seg bytes back to back, the last shorter */
		if (!seg || seg > n)
			seg = n;
		if (seg < n) {
			vp->st.rx_gro_reads++;
			vp->st.rx_gro_dgrams += (n + seg - 1) / seg;
		}
		for (off = 0; off < n || !n; off += d) {
			d = MIN(seg, n - off);
			vxlan_dgram(vp, ri, buf + off, d);
			if (!d)
				break;
		}
	}
	if (!more)
		vxlan_gro_flush(vp);
}

/* the UDP_GRO segment size the kernel gave a read, or 0 */
static size_t vxlan_gro_size(struct msghdr *mh)
{
	struct cmsghdr *cm;
	int size;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&size, CMSG_DATA(cm), sizeof(size));
			return size > 0 ? (size_t)size : 0;
		}
	}
	return 0;
}

static void vxlan_on_readable(uv_poll_t *h, int status, int events)
{
	struct vxlan_port *vp = h->data;
	struct vxlan_io *io = vp->io;
	unsigned int b, i;
	int n;

	(void)events;
	if (status < 0) {
		uv_poll_stop(h);
		port_fail(&vp->port, status, "socket failed");
		return;
	}
	for (b = 0; b < VXLAN_RX_BUDGET; b++) {
		for (i = 0; i < VXLAN_RX_BATCH; i++) {
			io->msg[i].msg_hdr.msg_namelen = sizeof(io->from[i]);
			io->msg[i].msg_hdr.msg_control = io->ctl[i].buf;
			io->msg[i].msg_hdr.msg_controllen = sizeof(io->ctl[i].buf);
			io->msg[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(vp->pfd.fd, io->msg, VXLAN_RX_BATCH,
			     MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				port_count_drop(&vp->port, DROP_RX_ERROR);
			break;
		}
		for (i = 0; i < (unsigned int)n; i++)
			vxlan_port_input(&vp->port, io->iov[i].iov_base,
					 io->msg[i].msg_len,
					 vxlan_gro_size(&io->msg[i].msg_hdr),
					 io->msg[i].msg_hdr.msg_flags,
					 &io->from[i].sa, true);
		if (n < VXLAN_RX_BATCH)
			break;
	}
	/* segments join across reads: what this wake-up took, as one */
	vxlan_gro_flush(vp);
	fdb_age(vp->table, daemon_now_ms(vp->port.daemon), VXLAN_AGE_SLICE);
}

/* ------------------------------------------------------------- ports -- */

static void vxlan_raise_bufs(int fd)
{
	int size = VXLAN_SOCKBUF;

	/* best effort: the kernel caps it at net.core.[rw]mem_max */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* a UDP socket of @vp's family bound to local:@port */
static int vxlan_socket(const struct vxlan_port *vp, uint16_t port, int *fdp)
{
	union vxlan_sockaddr sa;
	int fd, one = 1, ret;

	fd = socket(vp->cfg.local.family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (vp->cfg.local.family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto err_errno;
	vxlan_sockaddr_set(&sa, &vp->cfg.local, port);
	if (bind(fd, &sa.sa, vp->salen) < 0)
		goto err_errno;
	vxlan_raise_bufs(fd);
	*fdp = fd;
	return 0;

err_errno:
	ret = -errno;
	close(fd);
	return ret;
}

/* the options of a send socket: DF, checksum, TTL, TOS */
static int vxlan_tx_options(const struct vxlan_port *vp, int fd)
{
	int pmtu = IP_PMTUDISC_DO, one = 1, ttl = (int)vp->cfg.ttl,
	    tos = (int)vp->cfg.tos;

	if (vp->cfg.local.family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
			       sizeof(pmtu)) < 0 ||
		    (vp->cfg.no_udpcsum &&
		     setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one,
				sizeof(one)) < 0) ||
		    (ttl && setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				       sizeof(ttl)) < 0) ||
		    (tos && setsockopt(fd, IPPROTO_IP, IP_TOS, &tos,
				       sizeof(tos)) < 0))
			return -errno;
		return 0;
	}
	pmtu = IPV6_PMTUDISC_DO;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
		       sizeof(pmtu)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &one,
		       sizeof(one)) < 0 ||
	    (ttl && setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
			       sizeof(ttl)) < 0) ||
	    (tos && setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
			       sizeof(tos)) < 0))
		return -errno;
	return 0;
}

/*
 * The send sockets, on source ports from a random start in 49152-65535,
 * skipping those in use.
 */
static int vxlan_tx_open(struct vxlan_port *vp, char *why, size_t whylen)
{
	const unsigned int range = VXLAN_SPORT_MAX - VXLAN_SPORT_MIN + 1;
	unsigned int start = 0, k, n = 0;
	uint16_t port;
	int ret;

	if (getrandom(&start, sizeof(start), GRND_NONBLOCK) < 0)
		start = (unsigned int)getpid() * 2654435761u;
	for (k = 0; k < range && n < VXLAN_TX_SOCKETS; k++) {
		port = (uint16_t)(VXLAN_SPORT_MIN + (start + k * 1021) % range);
		if (port == vp->cfg.dstport)
			continue;
		ret = vxlan_socket(vp, port, &vp->tx_fd[n]);
		if (ret == -EADDRINUSE)
			continue;
		if (!ret) {
			ret = vxlan_tx_options(vp, vp->tx_fd[n]);
			if (ret)
				close(vp->tx_fd[n]);
		}
		if (ret) {
			snprintf(why, whylen, "send socket: %s",
				 strerror(-ret));
			return ret;
		}
		vp->tx_sport[n++] = port;
	}
	if (n < VXLAN_TX_SOCKETS) {
		snprintf(why, whylen, "no free UDP source ports in %u-%u",
			 VXLAN_SPORT_MIN, VXLAN_SPORT_MAX);
		return -EADDRINUSE;
	}
	return 0;
}

static void vxlan_tx_close(struct vxlan_port *vp)
{
	unsigned int i;

	udp_batch_flush(vp->io->batch);		/* they may wait on these */
	for (i = 0; i < VXLAN_TX_SOCKETS; i++)
		if (vp->tx_fd[i] >= 0)
			close(vp->tx_fd[i]);
}

static int vxlan_set_mtu(struct port *port, unsigned int mtu)
{
	unsigned int overhead = to_vxlan(port)->cfg.local.family == AF_INET ?
				VXLAN_OVERHEAD4 : VXLAN_OVERHEAD6;

	if (mtu < 68 || mtu > 65535 - overhead)
		return -ERANGE;
	port->mtu = mtu;
	return 0;
}

static int vxlan_open(struct daemon *d, void *priv,
		      const struct port_config *cfg, struct port **portp,
		      char *why, size_t whylen)
{
	const struct vxlan_config *vc = cfg->vxlan;
	struct fdb_config fc = { 0 };
	char addr[VXLAN_IP_STRLEN];
	struct vxlan_port *vp;
	unsigned int i;
	int ret;

	if (!vc || (vc->local.family != AF_INET &&
		    vc->local.family != AF_INET6) || vc->vni > VXLAN_VNI_MAX) {
		snprintf(why, whylen, "a vxlan port needs a vni (0-%u) and a "
			 "local address", VXLAN_VNI_MAX);
		return -EINVAL;
	}
	vp = calloc(1, sizeof(*vp));
	if (!vp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	vp->io = priv;
	vp->cfg = *vc;
	vp->cfg.n_remotes = 0;
	if (!vp->cfg.dstport)
		vp->cfg.dstport = VXLAN_DSTPORT_DEFAULT;
	vp->salen = vc->local.family == AF_INET ? sizeof(struct sockaddr_in) :
						   sizeof(struct sockaddr_in6);
	for (i = 0; i < VXLAN_TX_SOCKETS; i++)
		vp->tx_fd[i] = -1;
	vxlan_hdr_build(vp->hdr, vc->vni);
	if (vc->n_maps) {
		vp->vid_vni = calloc(4096, sizeof(*vp->vid_vni));
		if (!vp->vid_vni) {
			snprintf(why, whylen, "out of memory");
			ret = -ENOMEM;
			goto err_free;
		}
		for (i = 0; i < vc->n_maps && i < VXLAN_MAPS_MAX; i++)
			vp->vid_vni[vc->maps[i].vid & 0xfff] =
				vc->maps[i].vni + 1;
	}
	snprintf(vp->port.name, sizeof(vp->port.name), "%s", cfg->name);
	/*
	 * TSO frames whole, for trains: needs UDP checksums (the kernel
	 * refuses UDP_SEGMENT without), and "offload off" asks for plain
	 * frames
	 */
	vp->gso = !cfg->no_offload &&
		  !(vc->local.family == AF_INET && vc->no_udpcsum);
	vp->port.vnet = vp->gso;
	if (vp->gso) {
		vp->port.offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
				    TUN_F_TSO_ECN;
		vp->port.tx_no_offloads = TUN_F_USO4 | TUN_F_USO6;
	}
	vp->port.created = true;
	/* the kernel's default below a 1500-byte underlay */
	vp->port.mtu = 1500 - (vc->local.family == AF_INET ?
			       VXLAN_OVERHEAD4 : VXLAN_OVERHEAD6);
	if (cfg->mtu && vxlan_set_mtu(&vp->port, cfg->mtu)) {
		snprintf(why, whylen, "MTU %u: above 65535 less the VXLAN "
			 "overhead", cfg->mtu);
		ret = -ERANGE;
		goto err_free;
	}
	for (i = 0; i < vc->n_remotes; i++) {
		ret = vxlan_remote_add(&vp->port, &vc->remotes[i]);
		if (ret && ret != -EEXIST) {
			snprintf(why, whylen, "remote %s: %s",
				 inet_ntop(vc->remotes[i].family,
					   &vc->remotes[i].v6, addr,
					   sizeof(addr)) ? addr : "?",
				 ret == -EAFNOSUPPORT ?
				 "not the local address's family" :
				 ret == -EINVAL ? "the local address" :
				 "too many remotes");
			goto err_free;
		}
	}
	fc.max_entries = MIN(d->sw->cfg.fdb_max, VXLAN_TABLE_MAX);
	fc.ageing_ms = fdb_get_ageing(d->sw->fdb);
	vp->table = fdb_new(&fc);
	if (!vp->table) {
		ret = -errno;
		snprintf(why, whylen, "table: %s", strerror(-ret));
		goto err_free;
	}

	inet_ntop(vc->local.family, &vc->local.v6, addr, sizeof(addr));
	ret = vxlan_socket(vp, vp->cfg.dstport, &vp->pfd.fd);
	if (!ret) {
		int one = 1;

		/* trains arrive whole (best effort: kernels before 5.0) */
		setsockopt(vp->pfd.fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	}
	if (ret) {
		snprintf(why, whylen, "cannot bind %s port %u: %s%s", addr,
			 vp->cfg.dstport, strerror(-ret),
			 ret == -EADDRINUSE ? " (one vxlan port per local "
			 "address and port: another one, or the kernel's "
			 "vxlan, has it)" : ret == -EADDRNOTAVAIL ?
			 " (not an address of this host)" : "");
		goto err_table;
	}
	ret = vxlan_tx_open(vp, why, whylen);
	if (ret)
		goto err_rx;
	ret = port_poll_init(&vp->pfd, d->loop, vp->pfd.fd, vp, why, whylen);
	if (ret)
		goto err_tx;
	info("port %s: vxlan vni %u local %s dstport %u, mtu %u, "
	     "%u remote%s", cfg->name, vc->vni, addr, vp->cfg.dstport,
	     vp->port.mtu, vc->n_remotes, vc->n_remotes == 1 ? "" : "s");
	*portp = &vp->port;
	return 0;

err_tx:
	vxlan_tx_close(vp);
err_rx:
	close(vp->pfd.fd);
err_table:
	fdb_free(vp->table);
err_free:
	free(vp->vid_vni);
	free(vp);
	return ret;
}

static int vxlan_start(struct port *port, char *why, size_t whylen)
{
	return port_poll_start(&to_vxlan(port)->pfd, vxlan_on_readable, why,
			       whylen);
}

static void vxlan_close(struct port *port, bool destroy)
{
	struct vxlan_port *vp = to_vxlan(port);

	(void)destroy;		/* sockets only: they go either way */
	vxlan_tx_close(vp);
	free(vp->vid_vni);
	vp->vid_vni = NULL;
	fdb_free(vp->table);
	vp->table = NULL;
	port_poll_close(&vp->pfd);	/* frees @vp once libuv lets go */
}

/* the backend's buffers; also what vxlan_init() undoes */
static void vxlan_fini(struct daemon *d, void *priv)
{
	struct vxlan_io *io = priv;

	(void)d;
	if (io) {
		free(io->buf);
		free(io->seg);
		free(io->train);
		vxlan_gro_fini(&io->gro);
		udp_batch_free(io->batch);	/* every port is closed */
	}
	free(io);
}

static int vxlan_init(struct daemon *d, void **priv, char *why,
		      size_t whylen)
{
	struct vxlan_io *io = calloc(1, sizeof(*io));
	unsigned int i;

	if (io) {
		io->batch = udp_batch_new(d->loop, vxlan_batch_done);
		io->buf = malloc((size_t)VXLAN_RX_BATCH * VXLAN_SLOT);
		io->seg = malloc(VXLAN_SEG_BUF);
		/* a train, and room to build one more segment after it */
		io->train = malloc(VXLAN_TRAIN_BUF);
	}
	if (!io || !io->batch || !io->buf || !io->seg || !io->train ||
	    vxlan_gro_init(&io->gro)) {
		vxlan_fini(d, io);
		snprintf(why, whylen, "vxlan: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < VXLAN_RX_BATCH; i++) {
		/* the inner frame lands after the headroom and a vnet header */
		io->iov[i].iov_base = io->buf + (size_t)i * VXLAN_SLOT +
				      PKT_HEADROOM + VNET_HDR_LEN - VXLAN_HLEN;
		io->iov[i].iov_len = VXLAN_DGRAM_MAX;
		io->msg[i].msg_hdr.msg_iov = &io->iov[i];
		io->msg[i].msg_hdr.msg_iovlen = 1;
		io->msg[i].msg_hdr.msg_name = &io->from[i];
	}
	*priv = io;
	return 0;
}

const struct port_class vxlan_port_class = {
	.name = "vxlan",
	.init = vxlan_init,
	.fini = vxlan_fini,
	.open = vxlan_open,
	.start = vxlan_start,
	.send = vxlan_send,
	.set_mtu = vxlan_set_mtu,
	.close = vxlan_close,
};
