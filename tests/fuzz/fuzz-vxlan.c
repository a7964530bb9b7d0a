// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-vxlan.c - libFuzzer target for the VXLAN decapsulation: a real
 * vxlan port (src/vxlan.c, its sockets bound on 127.0.0.1 once, at start)
 * takes datagrams from the input through vxlan_port_input(), as its receive
 * loop does, and forwards what passes to two recording ports; the frames
 * they send back out go through vxlan_send() to the remotes (127.0.0.2
 * and 127.0.0.3, where nobody listens).
 *
 * Input: records of [sender][length: 2 bytes][GRO size: 2 bytes][read],
 * big-endian; the read is one VXLAN datagram, or (GRO size > 0) several
 * of that size back to back as UDP_GRO hands them over.  The sender byte's
 * low two bits pick 127.0.0.2, .3 (remotes), .4 (a stranger) or .2 with
 * MSG_TRUNC set, its next bit sends the datagram's first 14 inner bytes
 * back the other way first (a host answering), bit 6 says more reads
 * follow (inner TCP segments may join across them) and the high bit
 * toggles the port's learning.
 *
 * Checks, each an abort():
 *  - a read of one datagram, with nothing held from reads before, that
 *    vxlan_hdr_parse() rejects, of another VNI, from a stranger or cut
 *    short (MSG_TRUNC) makes no frame reach a port and is counted under
 *    one drop reason on the vxlan port; a good one reaches the ports as
 *    its inner frame, or not at all if it is held to be coalesced;
 *  - a frame that reaches a recording port (plain: TSO frames built from
 *    inner segments are cut again for it) is at least an Ethernet header
 *    and at most its MTU + 18;
 *  - with learning on, a valid datagram's unicast inner source is then
 *    behind the sender (vxlan_fdb_dst()).
 * The FDBs are flushed before each input.
 *
 * Build and run: tests/fuzz/run.sh (see docs/fuzzing.md).
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <uv.h>

#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"
#include "tapsw/vxlan.h"
#include "tapsw/vxlan_wire.h"
#include "fuzz-backend.h"

enum {
	FUZZ_VNI = 42,
	FUZZ_HEAD = PKT_HEADROOM + VNET_HDR_LEN - VXLAN_HLEN,
	FUZZ_DGRAM_MAX = 65535,
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sw fuzz_sw;
static struct daemon fuzz_d;
static struct port *fuzz_vx, *fuzz_h[2];
static const uint8_t *fuzz_inner;	/* the frame expected at a port */
static size_t fuzz_inner_len;
static bool fuzz_answering;		/* h1's answer: any frame goes */
static bool fuzz_held;			/* a read may have left a frame held */

static void fuzz_fail(const char *what, size_t len)
{
	fprintf(stderr, "fuzz-vxlan: %s (%zu bytes)\n", what, len);
	abort();
}

static int fuzz_send(struct port *port, const void *buf, size_t len)
{
	if (len < ETHER_HDR_LEN)
		fuzz_fail("frame shorter than an Ethernet header", len);
	if (len > port->mtu + ETHER_HDR_LEN + ETHER_VLAN_HLEN)
		fuzz_fail("frame above the egress MTU", len);
	if (!fuzz_answering && !fuzz_held &&
	    (!fuzz_inner || len != fuzz_inner_len ||
	     memcmp(buf, fuzz_inner, len)))
		fuzz_fail("a frame that is not the datagram's inner one", len);
	return rec_send(port, buf, len);
}

static const struct port_class fuzz_class = {
	.name = "tap",
	.send = fuzz_send,
	.set_mtu = rec_set_mtu,
	.close = rec_close,
};

static void fuzz_addr(struct sockaddr_in *sa, unsigned int host)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(0x7f000000u | host);
	sa->sin_port = htons(55555);
}

/* a vxlan port on 127.0.0.1 and a free UDP port: once, for every input */
static void fuzz_open_vx(void)
{
	struct vxlan_config vc = { .vni = FUZZ_VNI, .n_remotes = 2 };
	const struct port_class *pc = &vxlan_port_class;
	struct port_config cfg = { .name = "vx", .kind = "vxlan", .vxlan = &vc };
	char why[200];
	unsigned int p;
	void *priv;

	if (pc->init(&fuzz_d, &priv, why, sizeof(why)))
		fuzz_fail(why, 0);
	vc.local.family = AF_INET;
	vc.local.v4.s_addr = htonl(0x7f000001u);
	vc.remotes[0].family = vc.remotes[1].family = AF_INET;
	vc.remotes[0].v4.s_addr = htonl(0x7f000002u);
	vc.remotes[1].v4.s_addr = htonl(0x7f000003u);
	for (p = 40000; p < 40100; p++) {
		vc.dstport = (uint16_t)p;
		if (!pc->open(&fuzz_d, priv, &cfg, &fuzz_vx, why, sizeof(why)))
			break;
	}
	if (!fuzz_vx)
		fuzz_fail(why, 0);
	fuzz_vx->class = pc;
	fuzz_vx->daemon = &fuzz_d;
	if (port_attach(&fuzz_sw, fuzz_vx) ||
	    pc->start(fuzz_vx, why, sizeof(why)))
		fuzz_fail("cannot attach the vxlan port", 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sw_config cfg = {
		.fdb_max = 1024, .ageing_ms = 300000, .fdb_seed = 1,
	};
	unsigned int i;

	(void)argc;
	(void)argv;
	log_set_level(LOG_LVL_ERR);
	if (sw_init(&fuzz_sw, &cfg))
		fuzz_fail("sw_init", 0);
	fuzz_d.loop = uv_default_loop();
	fuzz_d.sw = &fuzz_sw;
	rec_daemon = &fuzz_d;
	fuzz_open_vx();
	for (i = 0; i < 2; i++) {
		fuzz_h[i] = rec_port_add(&fuzz_sw, i ? "h2" : "h1");
		fuzz_h[i]->class = &fuzz_class;
	}
	return 0;
}

static uint64_t fuzz_sent(void)
{
	return rec_sent[fuzz_h[0]->index] + rec_sent[fuzz_h[1]->index];
}

/* one record: its read into the vxlan port, with the checks */
static void fuzz_one(uint8_t sel, size_t seg, const uint8_t *dg, size_t n)
{
	static uint8_t buf[FUZZ_HEAD + FUZZ_DGRAM_MAX + 64]
		__attribute__((aligned(64)));
	uint8_t *p = buf + FUZZ_HEAD;
	uint64_t drops0 = port_drops(fuzz_vx), sent0 = fuzz_sent();
	struct sockaddr_in from;
	enum drop_reason r;
	struct vxlan_ip dst;
	uint32_t vni = 0;
	unsigned int who = sel & 3;
	int flags = who == 3 ? MSG_TRUNC : 0;
	bool bad, more = sel & 0x40, one = !seg || seg >= n;

	memcpy(p, dg, n);
	fuzz_addr(&from, who == 3 ? 2 : who + 2);
	if (sel & 0x80)
		fuzz_vx->flags ^= PORT_NO_LEARNING;
	r = vxlan_hdr_parse(p, n, &vni);
	bad = r != DROP_NONE || vni != FUZZ_VNI || who == 2 || flags ||
	      n - VXLAN_HLEN > fuzz_vx->mtu + ETHER_HDR_LEN + ETHER_VLAN_HLEN;

	/* a host behind h1 answers first: that frame goes out of vx */
	if ((sel & 4) && n >= VXLAN_HLEN + ETHER_HDR_LEN && !bad) {
		static uint8_t back[VNET_HDR_LEN + ETHER_HDR_LEN + 64];
		struct pkt pkt = {
			.vnet = back + PKT_HEADROOM, .len = ETHER_HDR_LEN + 46,
			.eth = back + PKT_HEADROOM + VNET_HDR_LEN,
			.headroom = PKT_HEADROOM,
		};

		memset(back, 0, sizeof(back));
		memcpy(pkt.eth, p + VXLAN_HLEN + 6, 6);
		memcpy(pkt.eth + 6, p + VXLAN_HLEN, 6);
		pkt.eth[6] &= 0xfe;		/* a unicast source */
		pkt.eth[7] |= 0x01;		/* not all-zero */
		fuzz_answering = true;
		port_input(fuzz_h[0], &pkt);
		fuzz_answering = false;
	}

	fuzz_inner = one ? p + VXLAN_HLEN : NULL;
	fuzz_inner_len = one && n >= VXLAN_HLEN ? n - VXLAN_HLEN : 0;
	fuzz_held |= !one;
	vxlan_port_input(fuzz_vx, p, n, seg, flags, (struct sockaddr *)&from,
			 more);
	if (one && !fuzz_held && bad && fuzz_sent() != sent0)
		fuzz_fail("a bad datagram reached a port", n);
	if (one && bad && port_drops(fuzz_vx) != drops0 + 1)
		fuzz_fail("a bad datagram not counted once", n);
	if (one && !bad && !(fuzz_vx->flags & PORT_NO_LEARNING) &&
	    !ether_is_multicast(p + VXLAN_HLEN + 6) &&
	    !ether_is_zero(p + VXLAN_HLEN + 6) &&
	    (!vxlan_fdb_dst(fuzz_vx, p + VXLAN_HLEN + 6,
			    vxlan_frame_vid(p + VXLAN_HLEN, n - VXLAN_HLEN),
			    daemon_now_ms(&fuzz_d), &dst, NULL) ||
	     dst.v4.s_addr != from.sin_addr.s_addr))
		fuzz_fail("a valid datagram's source not learned behind "
			  "its sender", n);
	fuzz_inner = NULL;
	/* what was held went out at the end of this read, unless "more" */
	fuzz_held = more;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, n;

	fdb_flush(fuzz_sw.fdb, -1, FDB_FLUSH_ALL);
	vxlan_fdb_flush(fuzz_vx, FDB_FLUSH_ALL);
	fuzz_vx->flags = 0;
	fuzz_held = false;
	while (off + 5 <= size) {
		n = (size_t)data[off + 1] << 8 | data[off + 2];
		n = MIN(n, size - off - 5);
		fuzz_one(data[off], (size_t)data[off + 3] << 8 | data[off + 4],
			 data + off + 5, n);
		off += 5 + n;
	}
	/* nothing stays held for the next input */
	vxlan_port_input(fuzz_vx, NULL, 0, 0, MSG_TRUNC,
			 (struct sockaddr *)&(struct sockaddr_in){
				 .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000002u) },
			 false);
	/* the turn's end: the unicast datagrams queued go (udp_batch.h) */
	uv_run(fuzz_d.loop, UV_RUN_NOWAIT);
	return 0;
}
