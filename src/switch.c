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
 * A port's bridge controls (port.flags, port.h) bend these as the Linux
 * bridge's do: "learning off" learns nothing from it, "flood off",
 * "mcast_flood off" and "bcast_flood off" keep unknown unicast, multicast
 * and broadcast from being flooded to it, two "isolated" ports never
 * exchange a frame (one to a known destination is dropped, counted
 * "isolated" on its ingress port; a flood skips them), and a "locked" port
 * passes only frames from sources the FDB has on it (a static entry, or one
 * learned before it was locked); the others are dropped, "locked", and
 * never learned, so a host there cannot take another's MAC.
 * VLANs are transparent by default: tagged frames pass untouched and are
 * learned per VLAN id, so the same MAC on two VLANs is two entries.  Ports
 * with a VLAN mode (access, trunk: vlan.h, docs/vlan.md) refuse frames of
 * VLANs they are not in, and a frame goes only to the ports in its VLAN,
 * tagged or untagged as each port's mode says: the tag is pushed or popped
 * in place between two ports, at most once per frame when flooding (the
 * ports that take the frame as it is get it first).  While no port has a
 * VLAN mode (sw->vlan_ports == 0) none of this runs.
 *
 * switch_decide() makes no system call and allocates nothing: it reads the
 * frame and updates the FDB in memory.  switch_input() hands the frame to
 * port_output() for each egress port; a flooded frame is the same buffer
 * written to each port, never copied.  A GSO frame (up to 64 KiB, from a
 * port with TSO) crosses as one frame; its size against an egress MTU is
 * the size of the segments it stands for.
 * Mirrors (mirror.h) get their copies in mirror_input(), before the frame
 * is forwarded (and possibly re-tagged in place); their output ports carry
 * PORT_MIRROR_OUT, which the flag tests above already look at.
 */
#include "tapsw/tapsw.h"

#include <string.h>
#include <linux/virtio_net.h>

#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/sw_stp.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"

#include <endian.h>

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
	sw_stp_stop(sw);
	mirror_fini(sw);
	while (sw->n_ports)
		port_close(sw->active[sw->n_ports - 1], false);
	fdb_free(sw->fdb);
	sw->fdb = NULL;
}

void switch_decide(struct sw *sw, struct port *in, const struct pkt *pkt,
		   struct sw_decision *d)
{
	const struct virtio_net_hdr *vh =
		(const struct virtio_net_hdr *)pkt->vnet;
	struct ether_info eth;
	unsigned int of;
	int out;

	d->reason = ether_classify(pkt->eth, pkt->len, &eth);
	if (likely(d->reason == DROP_NONE) && in->vnet &&
	    (vh->flags || vh->gso_type))
		d->reason = vnet_hdr_check(vh, pkt->eth, pkt->len);
	if (unlikely(sw->vlan_ports) && d->reason == DROP_NONE) {
		d->reason = vlan_ingress(&in->vlan, pkt->eth, &eth);
		/* a tag may be popped: the checksum must start after it */
		if (vnet_hdr_needs_csum(vh) &&
		    le16toh(vh->csum_start) < eth.hdr_len)
			d->reason = DROP_VNET_BAD_CSUM;
	}
	if (unlikely(d->reason != DROP_NONE)) {
		d->action = SW_DROP;
		return;
	}
	d->vid = eth.vid;
	d->tagged = eth.tagged;
	d->hdr_len = eth.hdr_len;
	d->wire_len = vh->gso_type == VIRTIO_NET_HDR_GSO_NONE ? pkt->len :
		      vnet_frame_seg_len(vh, pkt->eth, pkt->len);
	d->out = NULL;
	/*
	 * the flood skips ports with these flags (isolation: both ends;
	 * mirror output ports always; STP: a port that is not forwarding)
	 */
	d->skip = (in->flags & PORT_ISOLATED) | PORT_MIRROR_OUT |
		  PORT_STP_BLOCKED;

	if (unlikely(in->flags & (PORT_LOCKED | PORT_MIRROR_OUT |
				  PORT_STP_BLOCKED))) {
		if (in->flags & PORT_MIRROR_OUT) {
			d->action = SW_DROP;
			d->reason = DROP_MIRROR_PORT;
			return;
		}
		/* STP: a discarding port takes only BPDUs, a learning one learns */
		if (in->flags & PORT_STP_BLOCKED) {
			if (!(in->flags & (PORT_STP_NO_LEARN | PORT_NO_LEARNING |
					   PORT_LOCKED)))
				fdb_learn(sw->fdb, eth.src, eth.vid, in->index,
					  sw->now_ms, NULL);
			d->action = SW_DROP;
			d->reason = DROP_STP_BLOCKED;
			return;
		}
		if ((in->flags & PORT_LOCKED) &&
		    fdb_lookup(sw->fdb, eth.src, eth.vid, sw->now_ms) !=
		    (int)in->index) {
			d->action = SW_DROP;
			d->reason = DROP_LOCKED;
			return;
		}
	}

	if (likely(!(in->flags & PORT_NO_LEARNING)) &&
	    unlikely(fdb_learn(sw->fdb, eth.src, eth.vid, in->index,
			       sw->now_ms, NULL) == FDB_LEARN_LIMITED))
		in->stats.learn_limited++;

	if (ether_is_multicast(eth.dst)) {
		d->action = SW_FLOOD;
		d->skip |= ether_is_broadcast(eth.dst) ? PORT_NO_BCAST_FLOOD :
							 PORT_NO_MCAST_FLOOD;
		return;
	}
	out = fdb_lookup(sw->fdb, eth.dst, eth.vid, sw->now_ms);
	if (out < 0 || !sw->ports[out]) {
		d->action = SW_FLOOD;
		d->skip |= PORT_NO_FLOOD;
		return;
	}
	if ((unsigned int)out == in->index) {
		d->action = SW_FILTER;
		return;
	}
	of = sw->ports[out]->flags;
	if (unlikely(of & (PORT_ISOLATED | PORT_MIRROR_OUT | PORT_STP_BLOCKED)) &&
	    ((of & (PORT_MIRROR_OUT | PORT_STP_BLOCKED)) ||
	     (in->flags & PORT_ISOLATED))) {
		d->action = SW_DROP;
		d->reason = of & PORT_MIRROR_OUT ? DROP_MIRROR_PORT :
			    of & PORT_STP_BLOCKED ? DROP_STP_BLOCKED :
			    DROP_ISOLATED;
		return;
	}
	d->action = SW_UNICAST;
	d->out = sw->ports[out];
}

/*
 * switch_output_vlan() - @pkt out of @out, tagged if @tagged: pushes or
 * pops the tag in place when the frame stands otherwise, and @d (tagged,
 * hdr_len, wire_len) follows the frame.
 */
static void switch_output_vlan(struct port *out, struct pkt *pkt,
			       struct sw_decision *d, bool tagged)
{
	if (tagged != d->tagged) {
		if (!tagged) {
			vlan_pop(pkt);
			d->hdr_len -= ETHER_VLAN_HLEN;
			d->wire_len -= ETHER_VLAN_HLEN;
		} else if (vlan_push(pkt, ETHER_TYPE_8021Q, d->vid) == 0) {
			d->hdr_len += ETHER_VLAN_HLEN;
			d->wire_len += ETHER_VLAN_HLEN;
		} else {
			port_count_drop(out, DROP_TX_ERROR);
			return;
		}
		d->tagged = tagged;
	}
	port_output(out, pkt, d->hdr_len, d->wire_len);
}

/* a priority tag (VID 0) on an access or native port: give it its VLAN */
static void switch_tag_vid(struct port *in, struct pkt *pkt,
			   const struct sw_decision *d)
{
	if (d->tagged && in->vlan.mode != VLAN_MODE_NONE)
		vlan_set_vid(pkt->eth, d->vid);
}

/*
 * The VLAN paths move the frame in its buffer (vlan_push(), vlan_pop()) on
 * a copy of @pkt: the backend's own stays as it set it up.
 */
static __attribute__((noinline))
void switch_unicast_vlan(struct port *in, const struct pkt *pkt,
			 struct sw_decision *d)
{
	struct pkt p = *pkt;
	bool tagged = d->tagged;

	/* only a static entry can point out of the frame's VLAN */
	if (!vlan_egress(&d->out->vlan, d->vid, &tagged)) {
		port_count_drop(d->out, DROP_VLAN_EGRESS);
		return;
	}
	switch_tag_vid(in, &p, d);
	switch_output_vlan(d->out, &p, d, tagged);
}

/*
 * switch_flood_vlan() - @pkt to every other port in its VLAN: first those
 * that take it as it stands, then the others, after one push or pop.
 */
static __attribute__((noinline))
void switch_flood_vlan(struct sw *sw, struct port *in, const struct pkt *pkt,
		       struct sw_decision *d)
{
	bool first = d->tagged, tagged;
	struct pkt p = *pkt;
	unsigned int pass, i;

	switch_tag_vid(in, &p, d);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < sw->n_ports; i++) {
			struct port *out = sw->active[i];

			tagged = first;
			if (!switch_floods_to(in, out, d, &tagged) ||
			    (tagged == first) != (pass == 0))
				continue;
			switch_output_vlan(out, &p, d, tagged);
		}
	}
}

void switch_input(struct sw *sw, struct port *in, struct pkt *pkt)
{
	struct sw_decision d;
	unsigned int i;

	in->stats.rx_packets++;
	in->stats.rx_bytes += pkt->len;
	sw->stats.rx_packets++;

	switch_decide(sw, in, pkt, &d);
	if (unlikely(sw->mirrors) && d.action != SW_DROP)
		mirror_input(sw, in, pkt, &d);
	switch (d.action) {
	case SW_DROP:
		/* STP: BPDUs are the protocol's, not link-local drops */
		if (unlikely(d.reason == DROP_LINK_LOCAL) && sw->stp) {
			d.reason = sw_stp_input(sw, in, pkt);
			if (d.reason == DROP_NONE)
				break;
		}
		port_count_drop(in, d.reason);
		sw->stats.dropped++;
		break;
	case SW_FILTER:
		in->stats.filtered++;
		sw->stats.filtered++;
		break;
	case SW_UNICAST:
		sw->stats.unicast++;
		if (unlikely(sw->vlan_ports))
			switch_unicast_vlan(in, pkt, &d);
		else
			port_output(d.out, pkt, d.hdr_len, d.wire_len);
		break;
	case SW_FLOOD:
		in->stats.flooded++;
		sw->stats.flooded++;
		if (unlikely(sw->vlan_ports)) {
			switch_flood_vlan(sw, in, pkt, &d);
			break;
		}
		for (i = 0; i < sw->n_ports; i++) {
			struct port *out = sw->active[i];

			if (out == in || out->state != PORT_STATE_UP ||
			    (out->flags & d.skip))
				continue;
			port_output(out, pkt, d.hdr_len, d.wire_len);
		}
		break;
	}
}
