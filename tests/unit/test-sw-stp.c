// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-sw-stp.c - the spanning tree in the switch: BPDUs taken out of the
 * link-local drop (malformed ones counted bpdu_invalid), other link-local
 * frames still dropped, BPDUs sent from each port's own MAC, discarding
 * ports taking and getting nothing (stp_blocked), an alternate port skipped
 * by floods, a topology change flushing, and STP off: BPDUs are link-local
 * drops again and every port forwards.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/fdb.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/stp.h"
#include "tapsw/stp_bpdu.h"
#include "tapsw/sw_stp.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"
#include "tap.h"

enum { NP = 3 };

static struct {
	unsigned int data;		/* frames that are not BPDUs */
	unsigned int bpdus;
	struct stp_bpdu last;
	uint8_t src[ETHER_ADDR_LEN];
} rec[NP];

static int t_send(struct port *port, const void *buf, size_t len)
{
	const uint8_t *f = buf;
	struct stp_bpdu b;

	if (port->vnet) {
		f += VNET_HDR_LEN;
		len -= VNET_HDR_LEN;
	}
	if (stp_is_group_addr(f) && stp_bpdu_parse(f, len, &b) == STP_BPDU_OK) {
		rec[port->index].bpdus++;
		rec[port->index].last = b;
		memcpy(rec[port->index].src, f + 6, ETHER_ADDR_LEN);
	} else {
		rec[port->index].data++;
	}
	return 0;
}

static int t_set_mtu(struct port *port, unsigned int mtu)
{
	port->mtu = mtu;
	return 0;
}

static void t_close(struct port *port, bool destroy)
{
	(void)destroy;
	free(port);
}

static const struct port_class t_class = {
	.name = "tap", .send = t_send, .set_mtu = t_set_mtu, .close = t_close,
};

static struct sw sw;
static struct port *p[NP];
static uint8_t buf[PKT_HEADROOM + VNET_HDR_LEN + 128];

static void input(struct port *in, const uint8_t *frame, size_t len)
{
	struct pkt pkt = {
		.vnet = buf + PKT_HEADROOM,
		.eth = buf + PKT_HEADROOM + VNET_HDR_LEN,
		.len = len, .headroom = PKT_HEADROOM,
	};

	memset(pkt.vnet, 0, VNET_HDR_LEN);
	memcpy(pkt.eth, frame, len);
	switch_input(&sw, in, &pkt);
}

static void frame_from(uint8_t *f, const uint8_t *dst, uint8_t src_last)
{
	memset(f, 0, 60);
	memcpy(f, dst, 6);
	memcpy(f + 6, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, src_last }, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void data_reset(void)
{
	unsigned int i;

	for (i = 0; i < NP; i++)
		rec[i].data = 0;
}

static void superior(struct port *in, uint32_t cost, uint8_t flags)
{
	struct stp_bpdu b = {
		.type = STP_BPDU_RST, .version = 2,
		.flags = (uint8_t)(flags | STP_BPDU_ROLE_DESIGNATED << STP_FLAG_ROLE_SHIFT),
		.root_id = 0x0000020000000001ULL, .root_path_cost = cost,
		.bridge_id = 0x0000020000000001ULL + cost, .port_id = 0x8001,
		.max_age = 20, .hello_time = 2, .forward_delay = 15,
	};
	uint8_t f[STP_FRAME_MIN];

	stp_bpdu_build(&b, (uint8_t[]){ 2, 0, 0, 0, 0, 0x77 }, f);
	input(in, f, sizeof(f));
}

static struct stp_port_info info(struct port *port)
{
	struct stp_port_info pi;

	memset(&pi, 0, sizeof(pi));
	stp_port_get_info(sw_stp_get(&sw), port->index + 1, &pi);
	return pi;
}

int main(void)
{
	struct sw_config cfg = { .fdb_max = 1024, .ageing_ms = 300000 };
	struct stp_config sc;
	uint8_t f[60];
	char why[128];
	unsigned int i;

	plan_no_plan();
	sw_init(&sw, &cfg);
	sw.now_ms = 1000;
	stp_config_default(&sc, STP_MODE_RSTP);
	memcpy(sc.mac, (uint8_t[]){ 0x02, 0, 0, 0, 0x10, 0x00 }, 6);
	ok(sw_stp_configure(&sw, NULL, &sc, why, sizeof(why)) == 0 && sw.stp,
	   "STP on");
	for (i = 0; i < NP; i++) {
		p[i] = calloc(1, sizeof(*p[i]));
		snprintf(p[i]->name, sizeof(p[i]->name), "p%u", i);
		p[i]->class = &t_class;
		p[i]->mtu = 1500;
		port_attach(&sw, p[i]);
		port_notify(p[i], PORT_EV_ADD, NULL);
	}
	ok(rec[0].bpdus && rec[1].bpdus && rec[2].bpdus &&
	   rec[0].last.type == STP_BPDU_RST &&
	   (rec[0].last.flags & STP_FLAG_PROPOSAL),
	   "each port proposes at once (an RST BPDU with the proposal flag)");
	ok(!memcmp(rec[0].src, (uint8_t[]){ 2, 0, 0, 0, 0x10, 0x01 }, 6) &&
	   !memcmp(rec[2].src, (uint8_t[]){ 2, 0, 0, 0, 0x10, 0x03 }, 6),
	   "from the bridge address XOR the port number");
	ok(p[0]->flags & PORT_STP_BLOCKED, "a new port is not forwarding");

	frame_from(f, bcast, 1);
	input(p[0], f, 60);
	ok(!rec[1].data && !rec[2].data &&
	   p[0]->stats.drop[DROP_STP_BLOCKED] == 1 &&
	   fdb_port_entries(sw.fdb, 0) == 0,
	   "discarding: a broadcast in is dropped (stp_blocked), not learned");

	for (i = 1; i <= 4; i++)
		sw_stp_tick(&sw, 1000 + i * 1000);
	ok(info(p[0]).state == STP_STATE_FORWARDING && info(p[0]).oper_edge &&
	   !(p[0]->flags & PORT_FLAGS_INTERNAL),
	   "no BPDU for 3 s: edge, forwarding, flags clear");
	input(p[0], f, 60);
	ok(rec[1].data == 1 && rec[2].data == 1, "a broadcast is flooded");

	/* a better root behind p1 and, further away, behind p2 */
	superior(p[1], 0, 0);
	ok(p[1]->stats.drop[DROP_LINK_LOCAL] == 0 &&
	   info(p[1]).stats.rx_rst == 1 && info(p[1]).role == STP_ROLE_ROOT,
	   "an RST BPDU is the protocol's: not a link-local drop; root port");
	superior(p[2], 10000, 0);
	ok(info(p[2]).role == STP_ROLE_ALTERNATE &&
	   (p[2]->flags & PORT_STP_BLOCKED) && (p[2]->flags & PORT_STP_NO_LEARN),
	   "the farther path: alternate, discarding");
	data_reset();
	frame_from(f, bcast, 9);
	input(p[0], f, 60);
	ok(rec[1].data == 1 && rec[2].data == 0,
	   "a flood skips the alternate port");
	data_reset();
	frame_from(f, bcast, 3);
	input(p[2], f, 60);
	ok(rec[0].data == 0 && rec[1].data == 0 &&
	   p[2]->stats.drop[DROP_STP_BLOCKED] == 1,
	   "what comes in on the alternate is dropped");
	frame_from(f, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, 9 }, 7);
	fdb_add_static(sw.fdb, f + 6, 0, p[2]->index, sw.now_ms);
	frame_from(f, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, 7 }, 9);
	input(p[0], f, 60);
	ok(rec[2].data == 0 && p[0]->stats.drop[DROP_STP_BLOCKED] == 2,
	   "a known destination behind the alternate: dropped (stp_blocked)");

	/* a topology change from the root flushes the other ports */
	frame_from(f, bcast, 5);
	input(p[0], f, 60);
	ok(fdb_port_entries(sw.fdb, 0) > 0, "p0 has learned entries");
	superior(p[1], 0, STP_FLAG_TC);
	ok(fdb_lookup(sw.fdb, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, 5 }, 0,
		      sw.now_ms) == 0 && info(p[0]).oper_edge,
	   "a TC from the root: an edge port keeps its entries");
	{
		struct stp_port_config pc = { .priority = 128 };

		sw_stp_port_configure(p[0], &pc);
	}
	ok(!info(p[0]).oper_edge && info(p[0]).state == STP_STATE_FORWARDING,
	   "auto edge off: p0 is no edge port now, still forwarding");
	sw.now_ms += 5000;
	sw_stp_tick(&sw, sw.now_ms);
	superior(p[1], 0, STP_FLAG_TC);
	ok(fdb_lookup(sw.fdb, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, 5 }, 0,
		      sw.now_ms) < 0,
	   "a TC from the root: the other ports' learned entries flushed");

	/* malformed and other link-local frames */
	superior(p[1], 0, 0);
	{
		uint8_t bad[STP_FRAME_MIN];
		struct stp_bpdu b = { .type = STP_BPDU_CONFIG, .max_age = 20,
				      .hello_time = 2, .forward_delay = 15 };

		stp_bpdu_build(&b, (uint8_t[]){ 2, 0, 0, 0, 0, 0x77 }, bad);
		bad[17] = 1;		/* protocol id */
		input(p[1], bad, sizeof(bad));
		ok(p[1]->stats.drop[DROP_BPDU_INVALID] == 1 &&
		   info(p[1]).stats.rx_bad[STP_BPDU_ERR_PROTOCOL] == 1,
		   "a malformed BPDU: bpdu_invalid, by reason bad_protocol");
	}
	frame_from(f, (uint8_t[]){ 0x01, 0x80, 0xc2, 0, 0, 0x0e }, 1);
	input(p[0], f, 60);
	ok(p[0]->stats.drop[DROP_LINK_LOCAL] == 1,
	   "LLDP (01:80:c2:00:00:0e) is still a link-local drop");

	/* port settings reach the protocol */
	{
		struct stp_port_config pc = { .priority = 64, .cost = 1234 };

		ok(sw_stp_port_configure(p[0], &pc) == 0 &&
		   info(p[0]).path_cost == 1234 &&
		   (info(p[0]).port_id >> 12) == 4,
		   "port settings: cost 1234, priority 64");
		pc.priority = 65;
		ok(sw_stp_port_configure(p[0], &pc) == -EINVAL,
		   "priority 65 refused");
	}

	/* off again */
	sc.mode = STP_MODE_OFF;
	ok(sw_stp_configure(&sw, NULL, &sc, why, sizeof(why)) == 0 && !sw.stp,
	   "STP off");
	ok(!(p[2]->flags & PORT_FLAGS_INTERNAL), "every port forwards");
	superior(p[1], 0, 0);
	ok(p[1]->stats.drop[DROP_LINK_LOCAL] == 1,
	   "off: a BPDU is a link-local drop");
	data_reset();
	frame_from(f, bcast, 1);
	input(p[0], f, 60);
	ok(rec[1].data == 1 && rec[2].data == 1, "floods reach every port");
	sc.hello = 0;
	sc.mode = STP_MODE_RSTP;
	ok(sw_stp_configure(&sw, NULL, &sc, why, sizeof(why)) == -EINVAL &&
	   !sw.stp, "a bad hello time is refused: %s", why);
	sw_fini(&sw);
	return exit_status();
}
