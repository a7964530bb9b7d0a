// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-mirror.c - mirror selection (src, dst, VLAN, all), the output
 * port's exclusion from normal forwarding, counters, and the table kept by
 * port names, on ports whose backend counts what it is asked to send.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/fdb.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"
#include "tap.h"
#include "rec-port.h"

/* ports a, b, c carry traffic; m is the mirror output port */
enum { A, B, C, M };

static uint8_t raw[VNET_HDR_LEN + 2000];
static uint8_t *const buf = raw + VNET_HDR_LEN;

/* a 60-byte frame from MAC ..:src to ..:dst (0xff: broadcast), VLAN vid */
static void send_frame(struct sw *sw, struct port *in, uint8_t dst,
		       uint8_t src, int vid)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x00 };
	struct pkt pkt = { .vnet = raw, .eth = buf, .len = 60 };

	memset(raw, 0, sizeof(raw));
	memcpy(buf, base, 6);
	buf[5] = dst;
	if (dst == 0xff)
		memset(buf, 0xff, 6);
	memcpy(buf + 6, base, 6);
	buf[11] = src;
	if (vid >= 0) {
		buf[12] = 0x81;
		buf[14] = (uint8_t)(vid >> 8);
		buf[15] = (uint8_t)vid;
		buf[16] = 0x08;
	} else {
		buf[12] = 0x08;
	}
	switch_input(sw, in, &pkt);
}

static int add(struct sw *sw, const char *name, const char *src,
	       const char *dst, int vid, const char *out)
{
	const char *srcs[1] = { src }, *dsts[1] = { dst };
	uint16_t vids[1] = { (uint16_t)vid };
	struct mirror_config cfg = {
		.name = name, .output = out,
		.src = srcs, .n_src = src ? 1 : 0,
		.dst = dsts, .n_dst = dst ? 1 : 0,
		.vlans = vids, .n_vlans = vid > 0 ? 1 : 0,
	};
	char why[200] = "";
	int ret = mirror_add(sw, &cfg, why, sizeof(why));

	if (ret)
		diag("mirror_add %s: %s", name, why);
	return ret;
}

static bool sent(unsigned int a, unsigned int b, unsigned int c,
		 unsigned int m)
{
	bool ret = rec_sent[A] == a && rec_sent[B] == b && rec_sent[C] == c &&
		   rec_sent[M] == m;

	if (!ret)
		diag("sent a %u b %u c %u m %u", rec_sent[A], rec_sent[B],
		     rec_sent[C], rec_sent[M]);
	rec_clear();
	return ret;
}

int main(void)
{
	struct sw_config cfg = {
		.fdb_max = 1024, .ageing_ms = 300000, .fdb_seed = 1,
	};
	static struct sw sw;
	struct port *p[4];
	const struct mirror *m;
	char why[200];

	plan_no_plan();
	if (sw_init(&sw, &cfg))
		return 1;
	sw.now_ms = 1000;
	p[A] = rec_port_add(&sw, "a");
	p[B] = rec_port_add(&sw, "b");
	p[C] = rec_port_add(&sw, "c");
	p[M] = rec_port_add(&sw, "m");

	/* learn a (..:0a), b (..:0b), c (..:0c), m (..:0d) */
	send_frame(&sw, p[A], 0xff, 0x0a, -1);
	send_frame(&sw, p[B], 0xff, 0x0b, -1);
	send_frame(&sw, p[C], 0xff, 0x0c, -1);
	send_frame(&sw, p[M], 0xff, 0x0d, -1);
	ok(sent(3, 3, 3, 3), "no mirror: four floods reach the three others");
	ok(sw.mirrors == 0 && !sw.mirror, "no mirror: no table, nothing active");

	/* --- src a */
	ok(add(&sw, "m1", "a", NULL, 0, "m") == 0, "mirror_add src a to m");
	ok(sw.mirrors == 1 && (p[M]->flags & PORT_MIRROR_OUT),
	   "the output port is flagged, one mirror active");
	ok(fdb_lookup(sw.fdb, (const uint8_t *)"\x52\x54\x00\xaa\xbb\x0d", 0,
		      sw.now_ms) < 0, "the output port forgot what it learned");
	send_frame(&sw, p[A], 0x0b, 0x0a, -1);
	ok(sent(0, 1, 0, 1), "src a: a -> b unicast, one copy to m");
	send_frame(&sw, p[B], 0x0a, 0x0b, -1);
	ok(sent(1, 0, 0, 0), "src a: b -> a is not copied");
	send_frame(&sw, p[A], 0xff, 0x0a, -1);
	ok(sent(0, 1, 1, 1), "src a: a's broadcast floods b and c, one copy");
	send_frame(&sw, p[C], 0xff, 0x0c, -1);
	ok(sent(1, 1, 0, 0), "the flood from c skips the output port");
	send_frame(&sw, p[A], 0x0a, 0x0a, -1);
	ok(sent(0, 0, 0, 1), "src a: a filtered frame is copied as received");

	/* the output port takes no normal traffic */
	send_frame(&sw, p[M], 0x0a, 0x0d, -1);
	ok(sent(0, 0, 0, 0) && p[M]->stats.drop[DROP_MIRROR_PORT] == 1,
	   "a frame from the output port is dropped, counted mirror_port");
	ok(fdb_add_static(sw.fdb, (const uint8_t *)"\x52\x54\x00\xaa\xbb\x0e",
			  0, p[M]->index, sw.now_ms) == 0, "a static entry on m");
	send_frame(&sw, p[B], 0x0e, 0x0b, -1);
	ok(sent(0, 0, 0, 0) && p[B]->stats.drop[DROP_MIRROR_PORT] == 1,
	   "a frame to a static entry behind m is dropped, mirror_port");
	m = mirror_get(&sw, 0);
	ok(m && m->stats.frames == 3 && m->stats.bytes == 180 &&
	   m->stats.drops == 0, "m1 counted 3 frames, 180 bytes");

	/* a broken output port: selected but not sent, counted as drops */
	p[M]->state = PORT_STATE_DOWN;
	send_frame(&sw, p[A], 0x0b, 0x0a, -1);
	ok(sent(0, 1, 0, 0) && m->stats.drops == 1,
	   "output port down: the copy is a drop of the mirror");
	p[M]->state = PORT_STATE_UP;

	/* --- errors */
	ok(add(&sw, "m1", "b", NULL, 0, "m") == -EEXIST, "a taken name");
	ok(add(&sw, "m2", "nosuch", NULL, 0, "m") == -ENOENT, "no such src");
	ok(add(&sw, "m2", NULL, NULL, 0, "nosuch") == -ENOENT,
	   "no such output");
	ok(add(&sw, "m2", "m", NULL, 0, "m") == -EINVAL,
	   "the output port as a source");
	ok(add(&sw, "m2", NULL, NULL, 4095, "m") == -EINVAL, "VLAN 4095");
	ok(add(&sw, "", NULL, NULL, 0, "m") == -EINVAL, "an empty name");
	ok(mirror_del(&sw, "m2") == -ENOENT, "mirror_del of no mirror");

	/* --- dst b */
	ok(mirror_del(&sw, "m1") == 0 && sw.mirrors == 0 &&
	   !(p[M]->flags & PORT_MIRROR_OUT), "mirror_del: m is a port again");
	send_frame(&sw, p[M], 0xff, 0x0d, -1);
	ok(sent(1, 1, 1, 0), "m floods again");
	ok(add(&sw, "m2", NULL, "b", 0, "m") == 0, "mirror_add dst b to m");
	send_frame(&sw, p[A], 0x0b, 0x0a, -1);
	ok(sent(0, 1, 0, 1), "dst b: a -> b copied");
	send_frame(&sw, p[A], 0x0c, 0x0a, -1);
	ok(sent(0, 0, 1, 0), "dst b: a -> c not copied");
	send_frame(&sw, p[C], 0xff, 0x0c, -1);
	ok(sent(1, 1, 0, 1), "dst b: a flood that reaches b is copied once");
	send_frame(&sw, p[B], 0xff, 0x0b, -1);
	ok(sent(1, 0, 1, 0), "dst b: b's own flood does not leave by b");
	p[B]->flags |= PORT_NO_BCAST_FLOOD;
	send_frame(&sw, p[C], 0xff, 0x0c, -1);
	ok(sent(1, 0, 0, 0), "dst b: a flood that skips b is not copied");
	p[B]->flags &= ~PORT_NO_BCAST_FLOOD;

	/* --- vlan 10, all ports */
	ok(mirror_del(&sw, "m2") == 0, "mirror_del m2");
	ok(add(&sw, "m3", NULL, NULL, 10, "m") == 0, "mirror_add vlan 10");
	send_frame(&sw, p[A], 0xff, 0x0a, 10);
	ok(sent(0, 1, 1, 1), "vlan 10: a tagged flood, one copy");
	send_frame(&sw, p[A], 0xff, 0x0a, 20);
	ok(sent(0, 1, 1, 0), "vlan 10: VLAN 20 is not copied");
	send_frame(&sw, p[A], 0xff, 0x0a, -1);
	ok(sent(0, 1, 1, 0), "vlan 10: untagged is not copied");

	/* --- kept by name: ports go and come back */
	ok(mirror_del(&sw, "m3") == 0 && add(&sw, "m4", "c", NULL, 0, "m") == 0,
	   "mirror_add src c to m");
	port_close(p[C], false);
	ok(sw.mirrors == 1, "src port gone: the mirror stays active");
	p[C] = rec_port_add(&sw, "c");
	send_frame(&sw, p[C], 0xff, 0x0c, -1);
	ok(sent(1, 1, 0, 1), "src port added again: mirrored again");
	port_close(p[M], false);
	ok(sw.mirrors == 0 && mirror_get(&sw, 0) &&
	   !mirror_get(&sw, 0)->out, "output port gone: inactive");
	send_frame(&sw, p[C], 0xff, 0x0c, -1);
	ok(sent(1, 1, 0, 0), "no copy while inactive");
	p[M] = rec_port_add(&sw, "m");
	ok(sw.mirrors == 1 && (p[M]->flags & PORT_MIRROR_OUT),
	   "output port added again: active, flagged");
	port_set_controls(p[M], PORT_NO_LEARNING);
	ok(p[M]->flags == (PORT_NO_LEARNING | PORT_MIRROR_OUT),
	   "port_set_controls keeps the mirror flag");
	port_set_controls(p[M], 0);

	/* --- too many */
	{
		char name[16];
		int i, ret = 0;

		for (i = 1; i < MIRROR_MAX && !ret; i++) {
			snprintf(name, sizeof(name), "x%d", i);
			ret = add(&sw, name, NULL, NULL, 0, "m");
		}
		ok(!ret && add(&sw, "one-more", NULL, NULL, 0, "m") == -ENOSPC,
		   "%d mirrors, not one more", MIRROR_MAX);
	}
	mirror_clear_stats(&sw);
	ok(mirror_get(&sw, 0)->stats.frames == 0, "mirror_clear_stats");
	(void)why;
	sw_fini(&sw);
	ok(!sw.mirror && sw.mirrors == 0, "sw_fini frees the mirrors");
	return exit_status();
}
