// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp_bpdu.c - decode and encode spanning tree BPDUs (802.1D-2004 clause 9).
 *
 * The frame: destination 01:80:c2:00:00:00, the port's MAC, an 802.3
 * length (not an EtherType), LLC DSAP 0x42 SSAP 0x42 control 0x03 (UI),
 * then the BPDU.  The 802.3 length bounds the BPDU: padding after it (to
 * Ethernet's 60 bytes) is not read.  Each check has its own reason so a
 * malformed BPDU is counted as what it is (see stp_bpdu.h).
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/stp_bpdu.h"

static const uint8_t stp_group_addr[ETHER_ADDR_LEN] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00,
};

bool stp_is_group_addr(const uint8_t *mac)
{
	return !memcmp(mac, stp_group_addr, ETHER_ADDR_LEN);
}

const char *stp_bpdu_error_name(enum stp_bpdu_error e)
{
	static const char *const names[STP_BPDU_ERR_MAX] = {
		[STP_BPDU_OK] = "ok",
		[STP_BPDU_ERR_RUNT] = "runt",
		[STP_BPDU_ERR_NOT_LLC] = "not_llc",
		[STP_BPDU_ERR_LENGTH] = "bad_length",
		[STP_BPDU_ERR_PROTOCOL] = "bad_protocol",
		[STP_BPDU_ERR_TYPE] = "bad_type",
		[STP_BPDU_ERR_VERSION] = "bad_version",
		[STP_BPDU_ERR_TRUNCATED] = "truncated",
		[STP_BPDU_ERR_TIMES] = "bad_times",
	};

	return (unsigned int)e < STP_BPDU_ERR_MAX ? names[e] : "unknown";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

enum stp_bpdu_error stp_bpdu_parse(const uint8_t *frame, size_t len,
				   struct stp_bpdu *b)
{
	const uint8_t *p = frame + ETHER_HDR_LEN + STP_LLC_LEN;
	size_t blen;
	uint16_t l;

	if (len < ETHER_HDR_LEN + STP_LLC_LEN + STP_BPDU_TCN_LEN)
		return STP_BPDU_ERR_RUNT;
	l = get16(frame + 2 * ETHER_ADDR_LEN);
	if (l >= 0x600 || frame[14] != 0x42 || frame[15] != 0x42 ||
	    frame[16] != 0x03)
		return STP_BPDU_ERR_NOT_LLC;
	if (l > len - ETHER_HDR_LEN || l < STP_LLC_LEN + STP_BPDU_TCN_LEN)
		return STP_BPDU_ERR_LENGTH;
	blen = l - STP_LLC_LEN;
	if (get16(p))
		return STP_BPDU_ERR_PROTOCOL;
	memset(b, 0, sizeof(*b));
	b->version = p[2];
	switch (p[3]) {
	case STP_BPDU_TCN:
		b->type = STP_BPDU_TCN;
		return STP_BPDU_OK;
	case STP_BPDU_CONFIG:
		b->type = STP_BPDU_CONFIG;
		if (blen < STP_BPDU_CONFIG_LEN)
			return STP_BPDU_ERR_TRUNCATED;
		break;
	case STP_BPDU_RST:
		b->type = STP_BPDU_RST;
		if (b->version < 2)
			return STP_BPDU_ERR_VERSION;
		if (blen < STP_BPDU_RST_LEN)
			return STP_BPDU_ERR_TRUNCATED;
		break;
	default:
		return STP_BPDU_ERR_TYPE;
	}
	b->flags = p[4];
	b->root_id = get64(p + 5);
	b->root_path_cost = get32(p + 13);
	b->bridge_id = get64(p + 17);
	b->port_id = get16(p + 25);
	b->message_age = get16(p + 27) >> 8;
	b->max_age = get16(p + 29) >> 8;
	b->hello_time = get16(p + 31) >> 8;
	b->forward_delay = get16(p + 33) >> 8;
	if (!b->max_age || !b->hello_time || !b->forward_delay)
		return STP_BPDU_ERR_TIMES;
	return STP_BPDU_OK;
}

size_t stp_bpdu_build(const struct stp_bpdu *b,
		      const uint8_t src[ETHER_ADDR_LEN], uint8_t *buf)
{
	uint8_t *p = buf + ETHER_HDR_LEN + STP_LLC_LEN;
	size_t blen;

	memset(buf, 0, STP_FRAME_MIN);
	memcpy(buf, stp_group_addr, ETHER_ADDR_LEN);
	memcpy(buf + ETHER_ADDR_LEN, src, ETHER_ADDR_LEN);
	buf[14] = 0x42;
	buf[15] = 0x42;
	buf[16] = 0x03;
	p[2] = b->version;
	p[3] = (uint8_t)b->type;
	switch (b->type) {
	case STP_BPDU_TCN:
		blen = STP_BPDU_TCN_LEN;
		break;
	case STP_BPDU_RST:
		blen = STP_BPDU_RST_LEN;
		p[35] = 0;	/* version 1 length */
		break;
	default:
		blen = STP_BPDU_CONFIG_LEN;
		break;
	}
	if (b->type != STP_BPDU_TCN) {
		p[4] = b->flags;
		put64(p + 5, b->root_id);
		put32(p + 13, b->root_path_cost);
		put64(p + 17, b->bridge_id);
		put16(p + 25, b->port_id);
		put16(p + 27, (uint16_t)(b->message_age << 8));
		put16(p + 29, (uint16_t)(b->max_age << 8));
		put16(p + 31, (uint16_t)(b->hello_time << 8));
		put16(p + 33, (uint16_t)(b->forward_delay << 8));
	}
	put16(buf + 2 * ETHER_ADDR_LEN, (uint16_t)(STP_LLC_LEN + blen));
	return STP_FRAME_MIN;
}
