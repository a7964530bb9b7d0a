// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-port-output.c - port_output() toward a port with vnet headers that
 * does not take every offload (port.tx_no_offloads, as a vhost-user guest
 * without GUEST_TSO4 or GUEST_CSUM): a TCPv4 GSO frame goes whole to a port
 * that takes TSO4, and as segments, each behind an all-zero virtio-net
 * header, to one that does not; a partial checksum goes as it is to a port
 * with CSUM and finished (DATA_VALID) to one without.  A capturing backend
 * keeps what each send() got.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"
#include "tap.h"

enum { CAP_MAX = 8, FRAME = 14 + 20 + 20 + 3000 };

static struct {
	size_t len;
	uint8_t data[VNET_HDR_LEN + 1600];
} cap[CAP_MAX];
static unsigned int ncap;
static size_t cap_big;		/* a send larger than a capture slot */

static int cap_send(struct port *port, const void *buf, size_t len)
{
	(void)port;
	if (len > sizeof(cap[0].data)) {
		cap_big = len;
		return 0;
	}
	if (ncap < CAP_MAX) {
		cap[ncap].len = len;
		memcpy(cap[ncap].data, buf, len);
	}
	ncap++;
	return 0;
}

static const struct port_class cap_class = {
	.name = "tap",
	.send = cap_send,
};

static void cap_clear(void)
{
	ncap = 0;
	cap_big = 0;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* a TCPv4 frame of @payload bytes behind a vnet header in @buf */
static size_t frame_make(uint8_t *buf, size_t payload, uint16_t gso_size)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;
	uint8_t *f = buf + VNET_HDR_LEN, *ip = f + 14, *tcp = ip + 20;
	size_t i;

	memset(buf, 0, VNET_HDR_LEN + 54);
	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(20 + 20 + payload));
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\0\0\x01\x0a\0\0\x02", 8);
	wr16(tcp, 5001);
	wr16(tcp + 2, 40000);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;
	for (i = 0; i < payload; i++)
		tcp[20 + i] = (uint8_t)i;
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->csum_start = htole16(34);
	vh->csum_offset = htole16(16);
	if (gso_size) {
		vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		vh->gso_size = htole16(gso_size);
		vh->hdr_len = htole16(54);
	}
	return 54 + payload;
}

static void output(struct port *port, uint8_t *buf, size_t len)
{
	struct pkt pkt = {
		.vnet = buf, .eth = buf + VNET_HDR_LEN, .len = len,
	};
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;

	port_output(port, &pkt, 14, vnet_hdr_is_gso(vh) ?
		    vnet_frame_seg_len(vh, pkt.eth, len) : len);
}

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

int main(void)
{
	static uint8_t buf[VNET_HDR_LEN + FRAME];
	struct port port = {
		.class = &cap_class, .mtu = 1500, .vnet = true,
	};
	size_t len;
	unsigned int i;
	bool segs_ok = true;

	plan_tests(6);

	len = frame_make(buf, 3000, 1000);
	output(&port, buf, len);
	ok(ncap == 0 && cap_big == VNET_HDR_LEN + len &&
	   port.stats.tx_segmented == 0,
	   "TSO4 taken: the GSO frame goes whole (%zu bytes)", cap_big);

	cap_clear();
	port.tx_no_offloads = TUN_F_TSO4 | TUN_F_TSO6;
	len = frame_make(buf, 3000, 1000);
	output(&port, buf, len);
	for (i = 0; i < ncap && i < CAP_MAX; i++)
		segs_ok &= cap[i].len == VNET_HDR_LEN + 54 + 1000 &&
			   zero(cap[i].data, VNET_HDR_LEN);
	ok(ncap == 3 && segs_ok && port.stats.tx_segmented == 1,
	   "no TSO4: three segments of 1000 bytes, each behind a zero header");
	ok(ncap == 3 && cap[2].data[VNET_HDR_LEN + 14 + 20 + 13] == 0x18 &&
	   cap[0].data[VNET_HDR_LEN + 14 + 20 + 13] == 0x10,
	   "no TSO4: PSH on the last segment only");

	cap_clear();
	port.tx_no_offloads = TUN_F_TSO4;
	len = frame_make(buf, 200, 0);
	output(&port, buf, len);
	ok(ncap == 1 && cap[0].len == VNET_HDR_LEN + len &&
	   cap[0].data[0] == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	   port.stats.tx_csum_done == 0,
	   "CSUM taken: a partial checksum goes as it is");

	cap_clear();
	port.tx_no_offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	len = frame_make(buf, 200, 0);
	output(&port, buf, len);
	ok(ncap == 1 && cap[0].len == VNET_HDR_LEN + len &&
	   cap[0].data[0] == VIRTIO_NET_HDR_F_DATA_VALID &&
	   port.stats.tx_csum_done == 1 &&
	   (cap[0].data[VNET_HDR_LEN + 50] | cap[0].data[VNET_HDR_LEN + 51]),
	   "no CSUM: finished in software, DATA_VALID, a checksum written");

	cap_clear();
	port.vnet = false;
	port.tx_no_offloads = 0;
	len = frame_make(buf, 3000, 1000);
	output(&port, buf, len);
	ok(ncap == 3 && cap[0].len == 54 + 1000,
	   "a plain port: three segments without headers, as before");
	return exit_status();
}
