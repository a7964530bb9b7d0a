// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-capture.c - the pcapng writer (block layout, field by field, and
 * short buffers; the ISB) and capture sessions on a recording sink: directions,
 * the queue bound and its drops, -c N, the client going, the port going.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/capture.h"
#include "tapsw/pcapng.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"
#include "tap.h"
#include "rec-port.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void test_pcapng(void)
{
	static const uint8_t frame[61] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint8_t buf[512];
	size_t n, shb, e;

	n = pcapng_header(buf, sizeof(buf), "tapsw 1", "tap0");
	shb = get32(buf + 4);
	ok(get32(buf) == PCAPNG_BT_SHB && get32(buf + 8) == 0x1a2b3c4d &&
	   get16(buf + 12) == 1 && get16(buf + 14) == 0,
	   "SHB: type, byte-order magic, version 1.0");
	ok(shb % 4 == 0 && get32(buf + shb - 4) == shb && shb < n,
	   "SHB: lengths equal and aligned (%zu)", shb);
	ok(get16(buf + 24) == 4 && get16(buf + 26) == 7 &&
	   !memcmp(buf + 28, "tapsw 1", 7), "SHB: shb_userappl");
	ok(get32(buf + shb) == PCAPNG_BT_IDB &&
	   get16(buf + shb + 8) == PCAPNG_LINKTYPE_ETHERNET &&
	   get32(buf + shb + 12) == PCAPNG_SNAPLEN,
	   "IDB: Ethernet, snaplen %d", PCAPNG_SNAPLEN);
	ok(get16(buf + shb + 16) == 2 && get16(buf + shb + 18) == 4 &&
	   !memcmp(buf + shb + 20, "tap0", 4), "IDB: if_name");
	ok(get32(buf + n - 4) == n - shb && n <= PCAPNG_HEADER_MAX,
	   "IDB: trailing length; header %zu bytes", n);
	ok(pcapng_header(buf, n - 1, "tapsw 1", "tap0") == 0,
	   "header: a short buffer is refused");

	e = pcapng_epb(buf, sizeof(buf), 0x123456789aULL, PCAPNG_DIR_OUT,
		       frame, sizeof(frame));
	ok(e == pcapng_epb_len(61) && e == 44 + 64 && get32(buf) == 6 &&
	   get32(buf + 4) == e && get32(buf + e - 4) == e,
	   "EPB: type 6, lengths %zu", e);
	ok(get32(buf + 8) == 0 && get32(buf + 12) == 0x12 &&
	   get32(buf + 16) == 0x3456789a, "EPB: interface 0, timestamp");
	ok(get32(buf + 20) == 61 && get32(buf + 24) == 61 &&
	   !memcmp(buf + 28, frame, 61) && !buf[89] && !buf[90] && !buf[91],
	   "EPB: lengths, data, zero padding");
	ok(get16(buf + 92) == 2 && get16(buf + 94) == 4 &&
	   get32(buf + 96) == PCAPNG_DIR_OUT && get32(buf + 100) == 0,
	   "EPB: epb_flags outbound, end of options");
	ok(pcapng_epb(buf, e - 1, 0, PCAPNG_DIR_IN, frame, 61) == 0,
	   "EPB: a short buffer is refused");
	ok(pcapng_isb(buf, PCAPNG_ISB_LEN - 1, 0, 1, 2) == 0 &&
	   pcapng_isb(buf, sizeof(buf), 0x100000002ULL, 7, 2) == PCAPNG_ISB_LEN &&
	   get32(buf) == PCAPNG_BT_ISB && get32(buf + 12) == 1 &&
	   get32(buf + 16) == 2 && get16(buf + 48 - 4) == 0,
	   "ISB: lengths, timestamp, end of options");
}

/* --- a recording sink */

struct rec_client {
	size_t backlog;		/* what it has "not read" */
	bool keep;		/* accumulate, as a client not reading */
	uint8_t *data;
	size_t len;
	unsigned int writes;
	bool done;
};

static size_t rc_backlog(void *arg)
{
	return ((struct rec_client *)arg)->backlog;
}

static void rc_write(void *arg, char *data, size_t len)
{
	struct rec_client *c = arg;

	c->data = realloc(c->data, c->len + len);
	memcpy(c->data + c->len, data, len);
	c->len += len;
	c->writes++;
	if (c->keep)
		c->backlog += len;
	free(data);
}

static void rc_done(void *arg)
{
	((struct rec_client *)arg)->done = true;
}

static struct capture_sink rc_sink(struct rec_client *c)
{
	return (struct capture_sink){ rc_backlog, rc_write, rc_done, c };
}

/* EPBs in @c's stream with direction @dir (0: any) */
static unsigned int rc_epbs(const struct rec_client *c, uint32_t dir)
{
	unsigned int n = 0;
	size_t off = 0, blen;

	while (off + 12 <= c->len) {
		blen = get32(c->data + off + 4);
		if (blen < 12 || off + blen > c->len)
			return ~0u;
		if (get32(c->data + off) == PCAPNG_BT_EPB &&
		    (!dir || get32(c->data + off + blen - 12) == dir))
			n++;
		off += blen;
	}
	return n;
}

/* does @c's stream end with an ISB of @recv frames seen, @drop dropped? */
static bool isb_last(const struct rec_client *c, uint64_t recv, uint64_t drop)
{
	const uint8_t *b = c->data + c->len - PCAPNG_ISB_LEN;
	uint64_t r, d;

	if (c->len < PCAPNG_ISB_LEN || get32(b) != PCAPNG_BT_ISB ||
	    get32(b + 4) != PCAPNG_ISB_LEN ||
	    get32(b + PCAPNG_ISB_LEN - 4) != PCAPNG_ISB_LEN ||
	    get16(b + 20) != 4 || get16(b + 32) != 5)
		return false;
	memcpy(&r, b + 24, 8);
	memcpy(&d, b + 36, 8);
	if (r != recv || d != drop)
		diag("ISB: recv %llu drop %llu", (unsigned long long)r,
		     (unsigned long long)d);
	return r == recv && d == drop;
}

static uint8_t raw[VNET_HDR_LEN + 2000];

static void frame_in(struct sw *sw, struct port *in, uint8_t dst,
		     uint8_t src)
{
	uint8_t *eth = raw + VNET_HDR_LEN;
	struct pkt pkt = { .vnet = raw, .eth = eth, .len = 60 };

	memset(raw, 0, sizeof(raw));
	memcpy(eth, "\x52\x54\x00\0\0", 5);
	eth[5] = dst;
	if (dst == 0xff)
		memset(eth, 0xff, 6);
	memcpy(eth + 6, "\x52\x54\x00\0\0", 5);
	eth[11] = src;
	eth[12] = 0x08;
	port_input(in, &pkt);
}

static void test_sessions(void)
{
	struct sw_config cfg = {
		.fdb_max = 1024, .ageing_ms = 300000, .fdb_seed = 1,
	};
	struct rec_client c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
	struct capture_sink s1 = rc_sink(&c1), s2 = rc_sink(&c2),
			    s3 = rc_sink(&c3);
	struct capture_stats st;
	struct capture_info ci;
	static struct daemon d;
	static struct sw sw;
	struct capture *cap;
	struct port *a, *b;
	int i;

	if (sw_init(&sw, &cfg))
		abort();
	d.sw = &sw;
	rec_daemon = &d;
	a = rec_port_add(&sw, "a");
	b = rec_port_add(&sw, "b");
	cap = capture_new(&d);
	ok(cap != NULL, "capture_new without a loop");

	ok(capture_start(cap, a, CAPTURE_IN, 0, &s1, &ci) == 0 && ci.id == 1,
	   "session 1: a, in");
	ok(capture_start(cap, a, CAPTURE_BOTH, 3, &s2, &ci) == 0,
	   "session 2: a, both, 3 frames");
	ok(capture_start(cap, b, CAPTURE_OUT, 0, &s2, &ci) == -EBUSY,
	   "one session per client");
	ok(capture_has_client(cap, &c1) && !capture_has_client(cap, &c3),
	   "capture_has_client");
	capture_flush(cap);
	ok(c1.len > 0 && rc_epbs(&c1, 0) == 0 && get32(c1.data) == PCAPNG_BT_SHB,
	   "the header goes first, alone");

	frame_in(&sw, a, 0xff, 0x0a);	/* a in, flooded to b */
	frame_in(&sw, b, 0x0a, 0x0b);	/* b in, unicast out of a */
	capture_flush(cap);
	ok(rc_epbs(&c1, PCAPNG_DIR_IN) == 1 && rc_epbs(&c1, 0) == 1,
	   "in: the frame received on a, flagged in");
	ok(rc_epbs(&c2, PCAPNG_DIR_IN) == 1 && rc_epbs(&c2, PCAPNG_DIR_OUT) == 1,
	   "both: one in, one out");
	ok(!c2.done, "session 2 goes on after 2 of 3 frames");
	frame_in(&sw, a, 0xff, 0x0a);
	frame_in(&sw, a, 0xff, 0x0a);
	capture_flush(cap);
	ok(rc_epbs(&c2, 0) == 3 && c2.done && !capture_has_client(cap, &c2),
	   "-c 3: three frames, then done and gone");
	ok(isb_last(&c2, 3, 0), "-c 3: the stream ends with an ISB: 3 seen, 0 dropped");
	ok(rc_epbs(&c1, 0) == 3, "session 1 has the 3 frames a received");

	/* a client that does not read: past the bound, frames are dropped */
	c3.keep = true;
	ok(capture_start(cap, b, CAPTURE_OUT, 0, &s3, &ci) == 0,
	   "session 3: b, out, a client that never reads");
	for (i = 0; i < 100000; i++) {
		frame_in(&sw, a, 0xff, 0x0a);
		if (i % 64 == 0)
			capture_flush(cap);
	}
	capture_flush(cap);
	capture_get_stats(cap, &st);
	ok(c3.backlog <= CAPTURE_QUEUE_MAX && c3.backlog > CAPTURE_QUEUE_MAX - 200,
	   "its unread bytes stop at the bound (%zu)", c3.backlog);
	ok(st.dropped > 0 && st.dropped == 100000 - (uint64_t)rc_epbs(&c3, 0),
	   "every frame past the bound is counted: %llu dropped",
	   (unsigned long long)st.dropped);
	ok(rec_sent[b->index] >= 100000, "and b still got every frame");
	ok(rc_epbs(&c1, 0) == 100003, "session 1 (a reader) missed none");

	/* the client goes; the port goes */
	capture_stop_client(cap, &c3);
	ok(!capture_has_client(cap, &c3) && !b->captures,
	   "client gone: session gone, the port has none");
	c1.done = false;
	port_close(a, false);
	capture_flush(cap);
	ok(c1.done && !capture_has_client(cap, &c1),
	   "port gone: the session ends, done() called");
	ok(isb_last(&c1, 100003, 0), "port gone: an ISB ends the stream");
	capture_get_stats(cap, &st);
	ok(st.sessions == 0 && st.started == 3, "no session left, 3 started");

	ok(capture_dir_parse("in") == CAPTURE_IN &&
	   capture_dir_parse("both") == CAPTURE_BOTH &&
	   !capture_dir_parse("up") &&
	   !strcmp(capture_dir_name(CAPTURE_OUT), "out"), "direction names");

	capture_free(cap);
	sw_fini(&sw);
	free(c1.data);
	free(c2.data);
	free(c3.data);
}

int main(void)
{
	plan_no_plan();
	test_pcapng();
	test_sessions();
	return exit_status();
}
