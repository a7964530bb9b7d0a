// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-switch.c - CPU time of switch_input() per frame, on three ports
 * whose backend only counts (rec-port.h: no system call), for the forwarding path's
 * own cost: transparent unicast and flood (the fast path), the same with a
 * mirror of the ingress port (one copy more per frame), and with VLAN modes (an access port to a trunk: a tag pushed on every frame).
 *
 *	make tests/unit/bench-switch && tests/unit/bench-switch [FRAMES]
 *
 * Each case runs FRAMES (default 20,000,000) 60-byte frames and prints
 * nanoseconds per frame (CLOCK_THREAD_CPUTIME_ID).  The frame and its
 * header are rewritten before every call (a push moves them), in every
 * case alike.  Not a test: nothing is checked but that frames were sent.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapsw/fdb.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"
#include "rec-port.h"

/* a port of rec-port.h's recording backend, with vnet headers */
static struct port *bench_port(struct sw *sw, const char *name)
{
	struct port *p = rec_port_add(sw, name);

	p->vnet = true;
	return p;
}

/* frames sent to any port */
static unsigned long bench_sent(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < REC_PORTS_MAX; i++)
		n += rec_sent[i];
	return n;
}

static double cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* one case: FRAMES frames from @in, to @dst (0xff: broadcast) */
static void bench_case(const char *what, struct sw *sw, struct port *in,
		       uint8_t dst, long frames)
{
	static uint8_t room[PKT_HEADROOM + VNET_HDR_LEN + 64]
		__attribute__((aligned(16)));
	uint8_t frame[VNET_HDR_LEN + 60] = { 0 };
	uint8_t *const raw = room + PKT_HEADROOM;
	unsigned long sent0 = bench_sent();
	double t0, t1;
	long i;

	memcpy(frame + VNET_HDR_LEN,
	       "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	frame[VNET_HDR_LEN + 5] = dst;
	if (dst == 0xff)
		memset(frame + VNET_HDR_LEN, 0xff, 6);
	t0 = cpu_ns();
	for (i = 0; i < frames; i++) {
		struct pkt pkt = {
			.vnet = raw,
			.eth = raw + VNET_HDR_LEN,
			.len = 60,
			.headroom = PKT_HEADROOM,
		};

		memcpy(raw, frame, sizeof(frame));
		switch_input(sw, in, &pkt);
	}
	t1 = cpu_ns();
	printf("%-44s %6.1f ns/frame (%lu frames out)\n", what,
	       (t1 - t0) / (double)frames, bench_sent() - sent0);
}

int main(int argc, char **argv)
{
	struct sw_config cfg = {
		.fdb_max = 1024, .ageing_ms = 300000, .fdb_seed = 1,
	};
	struct vlan_config access = { .mode = VLAN_MODE_ACCESS, .tag = 10 };
	struct vlan_config trunk = { .mode = VLAN_MODE_TRUNK };
	long frames = argc > 1 ? atol(argv[1]) : 20000000;
	static struct sw sw;
	struct port *a, *b, *c;

	if (frames <= 0 || sw_init(&sw, &cfg))
		return 2;
	a = bench_port(&sw, "a");
	b = bench_port(&sw, "b");
	c = bench_port(&sw, "c");
	sw.now_ms = 1;
	fdb_learn(sw.fdb, (const uint8_t *)"\x02\0\0\0\0\x02", 0, b->index,
		  sw.now_ms, NULL);
	bench_case("transparent, known unicast", &sw, a, 0x02, frames);
	bench_case("transparent, broadcast to 2 ports", &sw, a, 0xff, frames);
	{
		const char *src[] = { "a" };
		struct mirror_config mc = {
			.name = "m", .src = src, .n_src = 1, .output = "c",
		};
		char why[128];

		if (mirror_add(&sw, &mc, why, sizeof(why)))
			return 2;
		bench_case("transparent, unicast, a mirror of src a to c", &sw,
			   a, 0x02, frames);
		bench_case("transparent, broadcast, the same mirror", &sw, a,
			   0xff, frames);
		mirror_del(&sw, "m");
	}

	vlan_trunk_add(&trunk, 10);
	port_set_vlan(a, &access);
	port_set_vlan(b, &trunk);
	port_set_vlan(c, &access);
	fdb_learn(sw.fdb, (const uint8_t *)"\x02\0\0\0\0\x02", 10, b->index,
		  sw.now_ms, NULL);
	bench_case("access 10 -> trunk 10, unicast (push)", &sw, a, 0x02,
		   frames);
	bench_case("access 10, broadcast (as is, then push)", &sw, a, 0xff,
		   frames);
	sw_fini(&sw);
	return 0;
}
