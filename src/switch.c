// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * switch.c - one frame in: learn its source, look up its destination,
 * forward it to one port or flood it.
 *
 * The rules are the Linux bridge's (802.1D):
 *  - a frame that fails ether_classify() is dropped on its ingress port,
 *    counted under its reason, and its source is not learned;
 *  - the source (MAC, VLAN) is learned on the ingress port;
 *  - a known unicast destination goes to its one port, unless that is the
 *    ingress port (filtered: the destination already got it on that wire);
 *  - broadcast, multicast and unknown unicast go to every other port that
 *    is up; never back out of the ingress port.
 * VLANs are transparent: tagged frames pass untouched and are learned per
 * VLAN id, so the same MAC on two VLANs is two entries.
 *
 * switch_decide() makes no system call and allocates nothing: it reads the
 * frame and updates the FDB in memory.  switch_input() hands the frame to
 * port_output() for each egress port; a flooded frame is the same buffer
 * written to each port, never copied.  A GSO frame (up to 64 KiB, from a
 * port with TSO) crosses as one frame; its size against an egress MTU is
 * the size of the segments it stands for.
 */
#include "tapsw/tapsw.h"

#include <string.h>
#include <linux/virtio_net.h>

#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"

int sw_init(struct sw *sw, const struct sw_config *cfg)
{
	struct fdb_config fc = {
		.max_entries = cfg->fdb_max,
		.ageing_ms = cfg->ageing_ms,
		.seed = cfg->fdb_seed,
	};

	memset(sw, 0, sizeof(*sw));
	sw->cfg = *cfg;
	sw->fdb = fdb_new(&fc);
	if (!sw->fdb)
		return -errno;
	return 0;
}

void sw_fini(struct sw *sw)
{
	while (sw->n_ports) {
		struct port *port = sw->active[sw->n_ports - 1];

		port_detach(sw, port);
		port->ops->close(port, false);
	}
	fdb_free(sw->fdb);
	sw->fdb = NULL;
}

void switch_decide(struct sw *sw, struct port *in, const struct pkt *pkt,
		   struct sw_decision *d)
{
	const struct virtio_net_hdr *vh =
		(const struct virtio_net_hdr *)pkt->vnet;
	struct ether_info eth;
	int out;

	d->reason = ether_classify(pkt->eth, pkt->len, &eth);
	if (likely(d->reason == DROP_NONE) && in->vnet &&
	    (vh->flags || vh->gso_type))
		d->reason = vnet_hdr_check(vh, pkt->eth, pkt->len);
	if (unlikely(d->reason != DROP_NONE)) {
		d->action = SW_DROP;
		return;
	}
	d->vid = eth.vid;
	d->hdr_len = eth.hdr_len;
	d->wire_len = vh->gso_type == VIRTIO_NET_HDR_GSO_NONE ? pkt->len :
		      vnet_frame_seg_len(vh, pkt->eth, pkt->len);
	d->out = NULL;

	if (unlikely(fdb_learn(sw->fdb, eth.src, eth.vid, in->index,
			       sw->now_ms, NULL) == FDB_LEARN_LIMITED))
		in->stats.learn_limited++;

	if (ether_is_multicast(eth.dst)) {
		d->action = SW_FLOOD;
		return;
	}
	out = fdb_lookup(sw->fdb, eth.dst, eth.vid, sw->now_ms);
	if (out < 0 || !sw->ports[out]) {
		d->action = SW_FLOOD;
		return;
	}
	if ((unsigned int)out == in->index) {
		d->action = SW_FILTER;
		return;
	}
	d->action = SW_UNICAST;
	d->out = sw->ports[out];
}

void switch_input(struct sw *sw, struct port *in, struct pkt *pkt)
{
	struct sw_decision d;
	unsigned int i;

	in->stats.rx_packets++;
	in->stats.rx_bytes += pkt->len;
	sw->stats.rx_packets++;

	switch_decide(sw, in, pkt, &d);
	switch (d.action) {
	case SW_DROP:
		port_count_drop(in, d.reason);
		sw->stats.dropped++;
		break;
	case SW_FILTER:
		in->stats.filtered++;
		sw->stats.filtered++;
		break;
	case SW_UNICAST:
		sw->stats.unicast++;
		port_output(d.out, pkt, d.hdr_len, d.wire_len);
		break;
	case SW_FLOOD:
		in->stats.flooded++;
		sw->stats.flooded++;
		for (i = 0; i < sw->n_ports; i++) {
			struct port *out = sw->active[i];

			if (out == in || out->state != PORT_STATE_UP)
				continue;
			port_output(out, pkt, d.hdr_len, d.wire_len);
		}
		break;
	}
}
