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
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <string.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/packet.h"
#include "tapsw/qemu.h"
#include "tapsw/switch.h"
#include "tapsw/tap.h"
#include "tapsw/vnet.h"

static const char *const kind_names[PORT_KIND_MAX] = {
	[PORT_KIND_TAP] = "tap",
	[PORT_KIND_VM] = "vm",
	[PORT_KIND_NETDEV] = "netdev",
	[PORT_KIND_STREAM] = "stream",
	[PORT_KIND_DGRAM] = "dgram",
};

/* the backends, by kind */
static int (*const port_backends[PORT_KIND_MAX])(struct sw *,
						 const struct port_config *,
						 struct port **, char *,
						 size_t) = {
	[PORT_KIND_TAP] = tap_port_open,
	[PORT_KIND_VM] = packet_port_open,
	[PORT_KIND_NETDEV] = packet_port_open,
	[PORT_KIND_STREAM] = qemu_port_open,
	[PORT_KIND_DGRAM] = qemu_port_open,
};

int port_open(struct sw *sw, const struct port_config *cfg,
	      struct port **portp, char *why, size_t whylen)
{
	struct port_settings *set;
	int ret;

	if ((unsigned int)cfg->kind >= PORT_KIND_MAX) {
		snprintf(why, whylen, "unknown port kind");
		return -EINVAL;
	}
	ret = port_backends[cfg->kind](sw, cfg, portp, why, whylen);
	if (ret)
		return ret;
	set = &(*portp)->settings;
	set->owner = cfg->owner;
	set->group = cfg->group;
	set->no_offload = cfg->no_offload;
	set->mode = cfg->mode;
	snprintf(set->path, sizeof(set->path), "%s", cfg->path ? cfg->path : "");
	snprintf(set->netns, sizeof(set->netns), "%s",
		 cfg->netns ? cfg->netns : "");
	return 0;
}

void port_notify(struct port *port, enum port_event_type type,
		 const char *reason)
{
	struct port_event ev = {
		.type = type, .port = port, .reason = reason,
	};

	if (port->sw && port->sw->port_notify)
		port->sw->port_notify(&ev, port->sw->port_notify_arg);
}

void port_flush_learned(struct port *port)
{
	fdb_flush(port->sw->fdb, (int)port->index, FDB_FLUSH_LEARNED);
}

const char *port_kind_name(enum port_kind kind)
{
	return (unsigned int)kind < PORT_KIND_MAX ? kind_names[kind] : "unknown";
}

int port_kind_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < PORT_KIND_MAX; i++)
		if (!strcmp(name, kind_names[i]))
			return (int)i;
	return -EINVAL;
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
	port_notify(port, PORT_EV_ADD, NULL);
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

	sw->vlan_ports -= port->vlan.mode != VLAN_MODE_NONE;
	port->vlan.mode = VLAN_MODE_NONE;
	fdb_flush(sw->fdb, (int)port->index, FDB_FLUSH_ALL);
	fdb_set_port_limit(sw->fdb, port->index, 0);
	port_notify(port, PORT_EV_DEL, NULL);
	for (i = 0; i < sw->n_ports; i++) {
		if (sw->active[i] == port) {
			memmove(&sw->active[i], &sw->active[i + 1],
				(sw->n_ports - i - 1) * sizeof(sw->active[0]));
			sw->n_ports--;
			break;
		}
	}
	sw->ports[port->index] = NULL;
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

/* one segment of a GSO frame, to a port without vnet headers */
static int port_emit_segment(const uint8_t *seg, size_t len, void *arg)
{
	struct port *port = arg;

	return port_sent(port, port->ops->send(port, seg, len), len);
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
	if (likely(port->vnet)) {
		port_sent(port, port->ops->send(port, pkt->vnet,
						VNET_HDR_LEN + pkt->len),
			  pkt->len);
		return;
	}

	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		port->stats.tx_segmented++;
		ret = vnet_segment(vh, pkt->eth, pkt->len, port_seg_buf,
				   sizeof(port_seg_buf), port_emit_segment,
				   port);
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
	port_sent(port, port->ops->send(port, pkt->eth, pkt->len), pkt->len);
}
