// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port.c - the port table, port state and counters, and frame output.
 *
 * Port numbers are small integers handed out lowest-free-first, so the FDB
 * can store them in 16 bits; the dense "active" list keeps flooding a tight
 * loop over attached ports.  A port whose backend fails stays in the table,
 * marked down, so its counters and its error stay visible until an operator
 * deletes or re-adds it; while down it is skipped by flooding and frames for
 * it are counted as port_down drops.
 * Captures (capture.h) see a port's frames where they cross it: as read
 * (port_input()) and as handed to its backend (port_xmit()), each behind
 * one test of port->captures.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <string.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "tapsw/capture.h"
#include "tapsw/daemon.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/sw_stp.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"

/* the kinds that take a "path", for the error that says so: "stream, dgram" */
static void port_path_kinds(char *buf, size_t size)
{
	const struct port_class *pc;
	unsigned int id;
	size_t n = 0;

	buf[0] = '\0';
	for (id = 0; (pc = port_class_get(id)) && n < size; id++)
		if (pc->takes_path)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      n ? ", " : "", pc->name);
}

int port_config_check(const struct port_config *cfg, char *why,
		      size_t whylen)
{
	const char *kind = cfg->kind ? cfg->kind : "tap";
	const struct port_class *pc;
	unsigned int id;
	char kinds[64];

	pc = port_class_find(kind, &id);
	if (!pc) {
		snprintf(why, whylen, "kind '%.32s' is not supported", kind);
		return -EOPNOTSUPP;
	}
	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) >= IF_NAMESIZE) {
		snprintf(why, whylen, "invalid port name (1 to %d characters)",
			 IF_NAMESIZE - 1);
		return -EINVAL;
	}
	if (pc->takes_path != (cfg->path != NULL)) {
		port_path_kinds(kinds, sizeof(kinds));
		snprintf(why, whylen, "'path' goes with kinds %s, and only with them",
			 kinds);
		return -EINVAL;
	}
	if (cfg->mtu && (cfg->mtu < 68 || cfg->mtu > 65535)) {
		snprintf(why, whylen, "MTU must be from 68 to 65535");
		return -EINVAL;
	}
	return 0;
}

/* keep how @port was asked for, to save and restore it (--state) */
static void port_keep_settings(struct port *port, const struct port_config *cfg)
{
	struct port_settings *set = &port->settings;

	set->owner = cfg->owner;
	set->group = cfg->group;
	set->no_offload = cfg->no_offload;
	set->mode = cfg->mode;
	snprintf(set->path, sizeof(set->path), "%s", cfg->path ? cfg->path : "");
	snprintf(set->netns, sizeof(set->netns), "%s",
		 cfg->netns ? cfg->netns : "");
}

/* the port whose socket is @path (socket ports), or NULL */
static struct port *port_find_path(const struct sw *sw, const char *path)
{
	unsigned int i;

	for (i = 0; i < sw->n_ports; i++)
		if (!strcmp(sw->active[i]->settings.path, path))
			return sw->active[i];
	return NULL;
}

int port_open(struct daemon *d, const struct port_config *cfg,
	      struct port **portp, char *why, size_t whylen)
{
	const char *kind = cfg->kind ? cfg->kind : "tap";
	const struct port_class *pc;
	struct port *port, *other;
	unsigned int id;
	int ret;

	ret = port_config_check(cfg, why, whylen);
	if (ret)
		return ret;
	if (port_find(d->sw, cfg->name)) {
		snprintf(why, whylen, "port exists");
		return -EEXIST;
	}
	other = cfg->path && cfg->path[0] ? port_find_path(d->sw, cfg->path) :
		NULL;
	if (other) {
		/* ours already: say which port has it (and do not probe it) */
		snprintf(why, whylen, "%s is in use by port %s", cfg->path,
			 other->name);
		return -EADDRINUSE;
	}
	pc = port_class_find(kind, &id);
	ret = pc->open(d, d->class_priv[id], cfg, &port, why, whylen);
	if (ret)
		return ret;
	port->class = pc;
	port->daemon = d;
	port_keep_settings(port, cfg);

	ret = port_attach(d->sw, port);
	if (ret) {
		snprintf(why, whylen, ret == -EEXIST ? "port exists" :
			 "too many ports");
		goto err_close;
	}
	ret = pc->start(port, why, whylen);
	if (ret)
		goto err_detach;
	port_notify(port, PORT_EV_ADD, NULL);
	*portp = port;
	return 0;

err_detach:
	port_detach(d->sw, port);
err_close:
	/* undo what open did: delete only what it created */
	pc->close(port, port->created);
	return ret;
}

void port_close(struct port *port, bool destroy)
{
	port_notify(port, PORT_EV_DEL, NULL);
	port_detach(port->sw, port);
	port->class->close(port, destroy);
}

const char *port_kind(const struct port *port)
{
	return port->class ? port->class->name : "unknown";
}

void port_notify(struct port *port, enum port_event_type type,
		 const char *reason)
{
	struct port_event ev = {
		.type = type, .port = port, .reason = reason,
	};
	struct daemon *d = port->daemon;

	/* STP: a port that forwards, comes or goes is enabled or not */
	if (port->sw && port->sw->stp && type <= PORT_EV_DOWN &&
	    type != PORT_EV_DEL)
		sw_stp_port_link(port);
	if (d && d->port_notify)
		d->port_notify(&ev, d->port_notify_arg);
}

void port_flush_learned(struct port *port)
{
	fdb_flush(port->sw->fdb, (int)port->index, FDB_FLUSH_LEARNED);
}

void port_input(struct port *port, struct pkt *pkt)
{
	struct sw *sw = port->sw;

	sw->now_ms = daemon_now_ms(port->daemon);
	if (unlikely(port->captures))
		capture_frame(port, CAPTURE_IN, pkt->eth, pkt->len);
	switch_input(sw, port, pkt);
}

void port_peer_up(struct port *port, const char *peer)
{
	snprintf(port->peer, sizeof(port->peer), "%s", peer);
	port->peer_state = PORT_PEER_CONNECTED;
	info("port %s: peer connected: %s", port->name, port->peer);
	port_notify(port, PORT_EV_UP, "peer connected");
}

void port_peer_down(struct port *port, int errnum, const char *why)
{
	char reason[128];

	if (errnum)
		info("port %s: peer %s gone: %s: %s", port->name, port->peer,
		     why, strerror(errnum < 0 ? -errnum : errnum));
	else
		info("port %s: peer %s gone: %s", port->name, port->peer, why);
	port->peer_state = PORT_PEER_WAITING;
	snprintf(reason, sizeof(reason), "peer gone: %s", why);
	port_notify(port, PORT_EV_DOWN, reason);
	port->peer[0] = '\0';
	port_flush_learned(port);
}

const char *port_state_name(enum port_state state)
{
	return state == PORT_STATE_UP ? "up" : "down";
}

struct port *port_find(const struct sw *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < sw->n_ports; i++)
		if (!strcmp(sw->active[i]->name, name))
			return sw->active[i];
	return NULL;
}

int port_attach(struct sw *sw, struct port *port)
{
	unsigned int i;

	if (port_find(sw, port->name))
		return -EEXIST;
	for (i = 0; i < SW_PORT_MAX; i++)
		if (!sw->ports[i])
			break;
	if (i == SW_PORT_MAX)
		return -ENOSPC;

	port->sw = sw;
	port->index = i;
	port->state = PORT_STATE_UP;
	port->error[0] = '\0';
	sw->ports[i] = port;
	sw->active[sw->n_ports++] = port;
	port->stp_cfg = (struct stp_port_config){
		.priority = STP_DEFAULT_PORT_PRIORITY, .auto_edge = true,
	};
	if (sw->stp)
		sw_stp_port_add(port);
	mirror_refresh(sw);
	return 0;
}

void port_set_vlan(struct port *port, const struct vlan_config *vc)
{
	struct sw *sw = port->sw;

	if (!memcmp(&port->vlan, vc, sizeof(*vc)))
		return;
	sw->vlan_ports -= port->vlan.mode != VLAN_MODE_NONE;
	sw->vlan_ports += vc->mode != VLAN_MODE_NONE;
	port->vlan = *vc;
	port_flush_learned(port);
}

void port_detach(struct sw *sw, struct port *port)
{
	unsigned int i;

	if (sw->stp)
		sw_stp_port_del(port);
	sw->vlan_ports -= port->vlan.mode != VLAN_MODE_NONE;
	port->vlan.mode = VLAN_MODE_NONE;
	fdb_flush(sw->fdb, (int)port->index, FDB_FLUSH_ALL);
	fdb_set_port_limit(sw->fdb, port->index, 0);
	for (i = 0; i < sw->n_ports; i++) {
		if (sw->active[i] == port) {
			memmove(&sw->active[i], &sw->active[i + 1],
				(sw->n_ports - i - 1) * sizeof(sw->active[0]));
			sw->n_ports--;
			break;
		}
	}
	sw->ports[port->index] = NULL;
	port->flags &= ~PORT_MIRROR_OUT;
	mirror_refresh(sw);
	if (port->captures)
		capture_port_gone(port);
}

void port_fail(struct port *port, int errnum, const char *why)
{
	if (port->state == PORT_STATE_DOWN)
		return;
	port->state = PORT_STATE_DOWN;
	snprintf(port->error, sizeof(port->error), "%s%s%s", why,
		 errnum ? ": " : "", errnum ? strerror(errnum < 0 ? -errnum : errnum) : "");
	port_notify(port, PORT_EV_DOWN, port->error);
	port_flush_learned(port);
	warn("port %s: down: %s", port->name, port->error);
}

uint64_t port_drops(const struct port *port)
{
	uint64_t sum = 0;
	unsigned int r;

	for (r = DROP_NONE + 1; r < DROP_REASON_MAX; r++)
		sum += port->stats.drop[r];
	return sum;
}

const char *port_offload_name(unsigned int bit)
{
	switch (bit) {
	case TUN_F_CSUM:
		return "csum";
	case TUN_F_TSO4:
		return "tso4";
	case TUN_F_TSO6:
		return "tso6";
	case TUN_F_TSO_ECN:
		return "tso_ecn";
	case TUN_F_UFO:
		return "ufo";
	default:
		return NULL;
	}
}

void port_send_done(struct port *port, int ret, size_t len)
{
	if (likely(!ret)) {
		port->stats.tx_packets++;
		port->stats.tx_bytes += len;
		return;
	}

	switch (ret) {
	case -EIO:		/* TAP administratively down: no carrier */
	case -ENETDOWN:
		port_count_drop(port, DROP_PORT_DOWN);
		break;
	case -EBADFD:		/* TAP deleted underneath */
	case -EBADF:
		port_count_drop(port, DROP_PORT_DOWN);
		port_fail(port, ret, "device gone");
		break;
	case -EMSGSIZE:		/* above the link's MTU, never fragmented */
		port_count_drop(port, DROP_TOO_BIG);
		break;
	default:
		port_count_drop(port, DROP_TX_ERROR);
		break;
	}
}

/* count the result of one send on @port, unless it comes later */
static int port_sent(struct port *port, int ret, size_t len)
{
	if (ret == PORT_SEND_QUEUED)
		return 0;
	port_send_done(port, ret, len);
	return ret;
}

/*
 * port_xmit() - hand the frame at @eth (@len bytes; on a vnet port its
 * header is right before it) to @port's backend, and to its captures
 */
static inline int port_xmit(struct port *port, uint8_t *eth, size_t len)
{
	if (unlikely(port->captures))
		capture_frame(port, CAPTURE_OUT, eth, len);
	if (port->vnet)
		return port_sent(port, port->class->send(port,
							 eth - VNET_HDR_LEN,
							 VNET_HDR_LEN + len),
				 len);
	return port_sent(port, port->class->send(port, eth, len), len);
}

/*
 * one segment of a GSO frame, to a port without vnet headers, or with an
 * all-zero one in front (port_seg_buf has room for it before the segment)
 */
static int port_emit_segment(const uint8_t *seg, size_t len, void *arg)
{
	struct port *port = arg;
	uint8_t *eth = (uint8_t *)seg;

	if (port->vnet)
		memset(eth - VNET_HDR_LEN, 0, VNET_HDR_LEN);
	return port_xmit(port, eth, len);
}

/* scratch for software segmentation: one segment at a time */
static uint8_t port_seg_buf[VNET_HDR_LEN + 65536 + 64];

void port_output(struct port *port, struct pkt *pkt, size_t hdr_len,
		 size_t wire_len)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)pkt->vnet;
	int ret;

	if (unlikely(port->state != PORT_STATE_UP)) {
		port_count_drop(port, DROP_PORT_DOWN);
		return;
	}
	if (unlikely(wire_len > port->mtu + hdr_len)) {
		port_count_drop(port, DROP_OVERSIZE);
		return;
	}

	/* the fast path: the header travels with the frame, one write */
	if (likely(port->vnet) &&
	    likely(!(vnet_hdr_offloads(vh) & port->tx_no_offloads))) {
		port_xmit(port, pkt->eth, pkt->len);
		return;
	}

	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		port->stats.tx_segmented++;
		/* segments built after room for a header */
		ret = vnet_segment(vh, pkt->eth, pkt->len,
				   port_seg_buf + VNET_HDR_LEN,
				   sizeof(port_seg_buf) - VNET_HDR_LEN,
				   port_emit_segment, port);
		if (ret == -EINVAL)
			port_count_drop(port, DROP_TX_ERROR);
		return;
	}
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/*
		 * Finish it in place and say so in the header, so ports
		 * after this one in a flood get a complete checksum too.
		 */
		if (vnet_csum_finish(vh, pkt->eth, pkt->len)) {
			port_count_drop(port, DROP_TX_ERROR);
			return;
		}
		vh->flags = VIRTIO_NET_HDR_F_DATA_VALID;
		port->stats.tx_csum_done++;
	}
	port_xmit(port, pkt->eth, pkt->len);
}
