// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-switch.c - the forwarding decision, on ports whose backend records
 * what it is asked to send (the integration tests use real TAPs).
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/fdb.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"
#include "tap.h"
#include "rec-port.h"

enum { NPORTS = 3 };

/* an Ethernet frame of @len bytes from @src to @dst, optionally tagged */
static size_t frame(uint8_t *buf, size_t len, uint8_t dst, uint8_t src,
		    int vid)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x00 };

	memset(buf, 0, len);
	memcpy(buf, base, 6);
	buf[5] = dst;
	memcpy(buf + 6, base, 6);
	buf[11] = src;
	if (dst == 0xff)
		memset(buf, 0xff, 6);
	if (vid >= 0) {
		buf[12] = 0x81;
		buf[13] = 0x00;
		buf[14] = (uint8_t)(vid >> 8);
		buf[15] = (uint8_t)vid;
		buf[16] = 0x08;
	} else {
		buf[12] = 0x08;
	}
	return len;
}

/* frames are built in buf, with room for the virtio-net header before */
static uint8_t raw[VNET_HDR_LEN + 2000];
static uint8_t *const buf = raw + VNET_HDR_LEN;
static struct pkt pkt;

static void pkt_set(size_t len)
{
	memset(raw, 0, VNET_HDR_LEN);
	pkt.vnet = raw;
	pkt.eth = buf;
	pkt.len = len;
}

static void input(struct sw *sw, struct port *in, size_t len)
{
	pkt_set(len);
	switch_input(sw, in, &pkt);
}

/* a broadcast and a multicast frame from @src, into @in */
static void input_bcast_mcast(struct sw *sw, struct port *in, uint8_t src)
{
	size_t len = frame(buf, 60, 0xff, src, -1);

	input(sw, in, len);
	len = frame(buf, 60, 0x0b, src, -1);
	buf[0] = 0x33, buf[1] = 0x33;
	input(sw, in, len);
}

static bool sent_is(unsigned int a, unsigned int b, unsigned int c)
{
	return rec_sent[0] == a && rec_sent[1] == b && rec_sent[2] == c;
}

int main(void)
{
	struct sw_config cfg = {
		.fdb_max = 1024,
		.ageing_ms = 300000,
		.fdb_seed = 1,
	};
	static struct sw sw;
	struct port *p[NPORTS];
	struct sw_decision d;
	size_t len;
	unsigned int i;

	plan_tests(44);

	ok1(sw_init(&sw, &cfg) == 0);
	p[0] = rec_port_add(&sw, "p0");
	p[1] = rec_port_add(&sw, "p1");
	p[2] = rec_port_add(&sw, "p2");
	ok(p[0]->index == 0 && p[1]->index == 1 && p[2]->index == 2,
	   "ports get indices 0, 1, 2");
	ok(port_attach(&sw, p[1]) == -EEXIST, "a second port p1 is refused");
	sw.now_ms = 1000;

	/* broadcast from A on p0: flooded to p1 and p2, A learned on p0 */
	rec_clear();
	len = frame(buf, 60, 0xff, 0x0a, -1);
	input(&sw, p[0], len);
	ok(sent_is(0, 1, 1), "broadcast flooded to the other ports only");
	ok(fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) == 0, "source learned on p0");

	/* B on p1 to A: unicast to p0 only */
	rec_clear();
	len = frame(buf, 60, 0x0a, 0x0b, -1);
	input(&sw, p[1], len);
	ok(sent_is(1, 0, 0), "known unicast goes to one port");

	/* C on p2 to unknown D: flooded */
	rec_clear();
	len = frame(buf, 60, 0x0d, 0x0c, -1);
	input(&sw, p[2], len);
	ok(sent_is(1, 1, 0), "unknown unicast flooded, not back to ingress");

	/* multicast destination */
	rec_clear();
	len = frame(buf, 60, 0x0b, 0x0a, -1);
	buf[0] = 0x33, buf[1] = 0x33;
	input(&sw, p[0], len);
	ok(sent_is(0, 1, 1), "multicast flooded");

	/* A on p0 to B... and to a MAC known on p0 itself: filtered */
	rec_clear();
	len = frame(buf, 60, 0x0a, 0x0e, -1);
	pkt_set(len);
	switch_decide(&sw, p[0], &pkt, &d);
	ok(d.action == SW_FILTER, "destination behind the ingress port: filtered");
	input(&sw, p[0], len);
	ok(sent_is(0, 0, 0) && p[0]->stats.filtered == 1,
	   "filtered frame sent nowhere, counted");

	/* bad frames: dropped on ingress, never learned */
	rec_clear();
	len = frame(buf, 60, 0x0a, 0x0f, -1);
	buf[6] = 0x01;		/* multicast source */
	input(&sw, p[2], len);
	ok(sent_is(0, 0, 0) && p[2]->stats.drop[DROP_SRC_MULTICAST] == 1,
	   "multicast source dropped and counted");
	ok(fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) < 0, "and not learned");
	memset(buf + 6, 0, 6);
	input(&sw, p[2], len);
	ok(p[2]->stats.drop[DROP_SRC_ZERO] == 1, "zero source dropped and counted");
	input(&sw, p[2], 10);
	ok(p[2]->stats.drop[DROP_RUNT] == 1, "runt dropped and counted");
	len = frame(buf, 60, 0x00, 0x0c, -1);
	memcpy(buf, "\x01\x80\xc2\x00\x00\x02", 6);
	input(&sw, p[2], len);
	ok(sent_is(0, 0, 0) && p[2]->stats.drop[DROP_LINK_LOCAL] == 1,
	   "link-local destination dropped and counted");
	ok(port_drops(p[2]) == 4, "p2 drops sum the reasons (%llu)",
	   (unsigned long long)port_drops(p[2]));

	/*
	 * a bad virtio-net header on a vnet port (the kernel refuses these
	 * at a TAP's write(), so only here do they reach the switch):
	 * dropped under its reason, not forwarded, source not learned
	 */
	p[2]->vnet = true;
	rec_clear();
	len = frame(buf, 60, 0xff, 0x0d, -1);
	pkt_set(len);
	((struct virtio_net_hdr *)raw)->gso_type = 7;	/* no such type */
	switch_input(&sw, p[2], &pkt);
	ok(sent_is(0, 0, 0) && p[2]->stats.drop[DROP_VNET_BAD_GSO] == 1 &&
	   fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) < 0,
	   "vnet gso_type 7: dropped as vnet_bad_gso, not flooded, not learned");
	pkt_set(len);
	((struct virtio_net_hdr *)raw)->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	((struct virtio_net_hdr *)raw)->csum_start = htole16(58);
	((struct virtio_net_hdr *)raw)->csum_offset = htole16(6);
	switch_input(&sw, p[2], &pkt);
	ok(sent_is(0, 0, 0) && p[2]->stats.drop[DROP_VNET_BAD_CSUM] == 1 &&
	   fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) < 0,
	   "vnet csum past the end: dropped as vnet_bad_csum, not flooded, not learned");
	p[2]->vnet = false;

	/* egress MTU: a 1515-byte untagged frame is over MTU 1500 */
	rec_clear();
	len = frame(buf, 1514, 0x0a, 0x0b, -1);
	input(&sw, p[1], len);
	ok(sent_is(1, 0, 0), "1514-byte frame fits MTU 1500");
	len = frame(buf, 1515, 0x0a, 0x0b, -1);
	input(&sw, p[1], len);
	ok(sent_is(1, 0, 0) && p[0]->stats.drop[DROP_OVERSIZE] == 1,
	   "1515-byte frame dropped as oversize on the egress port");
	len = frame(buf, 1518, 0x0a, 0x0b, 0);
	input(&sw, p[1], len);
	ok(rec_sent[0] == 2, "an 1518-byte tagged frame fits MTU 1500 + tag");

	/* VLANs are separate: A on VLAN 5 behind p2 */
	rec_clear();
	len = frame(buf, 64, 0xff, 0x0a, 5);
	input(&sw, p[2], len);
	ok(fdb_lookup(sw.fdb, buf + 6, 5, sw.now_ms) == 2 &&
	   fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) == 0,
	   "same MAC learned per VLAN");
	rec_clear();
	len = frame(buf, 64, 0x0a, 0x0b, 5);
	input(&sw, p[1], len);
	ok(sent_is(0, 0, 1), "VLAN 5 unicast goes to the VLAN 5 entry");

	/* a MAC that moves */
	rec_clear();
	len = frame(buf, 60, 0xff, 0x0a, -1);
	input(&sw, p[1], len);
	rec_clear();
	len = frame(buf, 60, 0x0a, 0x0c, -1);
	input(&sw, p[2], len);
	ok(sent_is(0, 1, 0), "after a move, unicast follows the MAC");

	/* egress errors */
	rec_clear();
	rec_send_result[1] = -EIO;
	input(&sw, p[2], len);
	ok(p[1]->stats.drop[DROP_PORT_DOWN] == 1 && p[1]->state == PORT_STATE_UP,
	   "EIO (TAP down) counted as port_down, port stays");
	rec_send_result[1] = -EBADFD;
	input(&sw, p[2], len);
	ok(p[1]->state == PORT_STATE_DOWN && p[1]->error[0],
	   "EBADFD (TAP deleted) marks the port down: %s", p[1]->error);
	ok(fdb_lookup(sw.fdb, buf, 0, sw.now_ms) < 0,
	   "the failed port's learned entries are gone");
	rec_send_result[1] = 0;
	rec_clear();
	len = frame(buf, 60, 0xff, 0x0c, -1);
	input(&sw, p[2], len);
	ok(sent_is(1, 0, 0), "a down port is skipped by flooding");

	/* detach: entries gone, index reusable */
	port_close(p[1], false);
	ok(sw.n_ports == 2 && !sw.ports[1], "port detached");
	p[1] = rec_port_add(&sw, "p1b");
	ok(p[1]->index == 1, "lowest free index reused");

	/* bridge controls (port.flags): A is on p0, C will be on p2 */
	fdb_flush(sw.fdb, -1, FDB_FLUSH_ALL);
	p[2]->flags = PORT_NO_LEARNING;
	len = frame(buf, 60, 0xff, 0x0c, -1);
	input(&sw, p[2], len);
	ok(fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) < 0,
	   "learning off: the source is not learned");
	p[2]->flags = PORT_NO_FLOOD;
	rec_clear();
	len = frame(buf, 60, 0x0d, 0x0a, -1);
	input(&sw, p[0], len);
	ok(sent_is(0, 1, 0), "flood off: no unknown unicast to it");
	rec_clear();
	input_bcast_mcast(&sw, p[0], 0x0a);
	ok(sent_is(0, 2, 2), "flood off: broadcast and multicast still go");
	p[2]->flags = PORT_NO_MCAST_FLOOD | PORT_NO_BCAST_FLOOD;
	rec_clear();
	input_bcast_mcast(&sw, p[0], 0x0a);
	len = frame(buf, 60, 0x0d, 0x0a, -1);
	input(&sw, p[0], len);
	ok(sent_is(0, 3, 1),
	   "mcast_flood and bcast_flood off: only unknown unicast to it");
	p[2]->flags = 0;
	len = frame(buf, 60, 0xff, 0x0c, -1);
	input(&sw, p[2], len);
	p[2]->flags = PORT_NO_FLOOD | PORT_NO_MCAST_FLOOD |
		      PORT_NO_BCAST_FLOOD | PORT_NO_LEARNING;
	rec_clear();
	len = frame(buf, 60, 0x0c, 0x0a, -1);
	input(&sw, p[0], len);
	ok(sent_is(0, 0, 1), "a known destination is reached with flooding off");
	p[0]->flags = p[2]->flags = PORT_ISOLATED;
	rec_clear();
	input(&sw, p[0], len);
	ok(sent_is(0, 0, 0) && p[0]->stats.drop[DROP_ISOLATED] == 1,
	   "isolated to isolated: dropped, counted on ingress");
	rec_clear();
	len = frame(buf, 60, 0xff, 0x0a, -1);
	input(&sw, p[0], len);
	ok(sent_is(0, 1, 0), "an isolated port's flood skips isolated ports");
	rec_clear();
	len = frame(buf, 60, 0x0c, 0x0b, -1);
	input(&sw, p[1], len);
	len = frame(buf, 60, 0xff, 0x0b, -1);
	input(&sw, p[1], len);
	ok(sent_is(1, 0, 2), "other ports reach isolated ones");
	p[0]->flags = p[2]->flags = 0;

	/* locked: only sources the FDB has on the port pass (B is on p1) */
	p[1]->flags = PORT_LOCKED;
	fdb_flush(sw.fdb, 1, FDB_FLUSH_ALL);
	rec_clear();
	len = frame(buf, 60, 0x0a, 0x0b, -1);
	input(&sw, p[1], len);
	ok(sent_is(0, 0, 0) && p[1]->stats.drop[DROP_LOCKED] == 1 &&
	   fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) < 0,
	   "locked: an unknown source is dropped, counted, not learned");
	ok(fdb_add_static(sw.fdb, buf + 6, 0, 1, sw.now_ms) == 0,
	   "a static entry for it");
	input(&sw, p[1], len);
	ok(sent_is(1, 0, 0), "locked: a source with an entry there passes");
	len = frame(buf, 60, 0x0c, 0x0a, -1);
	input(&sw, p[1], len);
	ok(sent_is(1, 0, 0) && p[1]->stats.drop[DROP_LOCKED] == 2 &&
	   fdb_lookup(sw.fdb, buf + 6, 0, sw.now_ms) == 0,
	   "locked: A's MAC from p1 is dropped, A stays on p0");
	p[1]->flags = 0;

	/* hub mode: ageing 0 learns nothing, floods everything */
	fdb_set_ageing(sw.fdb, 0);
	fdb_flush(sw.fdb, -1, FDB_FLUSH_ALL);
	rec_clear();
	len = frame(buf, 60, 0x0b, 0x0a, -1);
	input(&sw, p[0], len);
	len = frame(buf, 60, 0x0a, 0x0b, -1);
	input(&sw, p[1], len);
	ok(sent_is(1, 1, 2), "ageing 0: a hub, every frame flooded");

	for (i = 0; i < NPORTS; i++)
		diag("%s: rx %llu tx %llu drops %llu", p[i]->name,
		     (unsigned long long)p[i]->stats.rx_packets,
		     (unsigned long long)p[i]->stats.tx_packets,
		     (unsigned long long)port_drops(p[i]));
	ok(sw.stats.rx_packets > 0 && sw.stats.unicast > 0 &&
	   sw.stats.flooded > 0 && sw.stats.dropped == 9,
	   "switch counters move (dropped %llu)",
	   (unsigned long long)sw.stats.dropped);
	sw_fini(&sw);
	return exit_status();
}
