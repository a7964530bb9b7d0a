// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcapng.c - writes the pcapng blocks of pcapng.h into a caller's buffer.
 *
 * Every block is: type, total length, body, options padded to 32 bits,
 * opt_endofopt, total length again.  Lengths are checked against the room
 * before anything is written, so a short buffer leaves it untouched.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/pcapng.h"

enum {
	OPT_ENDOFOPT = 0,
	OPT_SHB_USERAPPL = 4,
	OPT_IF_NAME = 2,
	OPT_EPB_FLAGS = 2,
	OPT_ISB_IFRECV = 4,
	OPT_ISB_IFDROP = 5,
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return p + 4;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
	return p + 2;
}

/* a string option (cut to 128 bytes), padded; NULL or "": none */
static size_t opt_str_len(const char *s)
{
	return s && *s ? 4 + pad4(MIN(strlen(s), 128)) : 0;
}

static uint8_t *put_opt_str(uint8_t *p, uint16_t code, const char *s)
{
	size_t n;

	if (!s || !*s)
		return p;
	n = MIN(strlen(s), 128);
	p = put16(p, code);
	p = put16(p, (uint16_t)n);
	memset(p, 0, pad4(n));
	memcpy(p, s, n);
	return p + pad4(n);
}

size_t pcapng_header(uint8_t *buf, size_t size, const char *appl,
		     const char *ifname)
{
	/* type, length, magic, version, section length, options, length */
	size_t shb = 4 + 4 + 4 + 4 + 8 + opt_str_len(appl) + 4 + 4;
	/* type, length, linktype + reserved, snaplen, options, length */
	size_t idb = 4 + 4 + 4 + 4 + opt_str_len(ifname) + 4 + 4;
	uint64_t section_len = UINT64_MAX;	/* -1: not given */
	uint8_t *p = buf;

	if (shb + idb > size)
		return 0;
	p = put32(p, PCAPNG_BT_SHB);
	p = put32(p, (uint32_t)shb);
	p = put32(p, PCAPNG_BYTE_ORDER_MAGIC);
	p = put16(p, 1);
	p = put16(p, 0);
	memcpy(p, &section_len, 8);
	p += 8;
	p = put_opt_str(p, OPT_SHB_USERAPPL, appl);
	p = put32(p, OPT_ENDOFOPT);
	p = put32(p, (uint32_t)shb);

	p = put32(p, PCAPNG_BT_IDB);
	p = put32(p, (uint32_t)idb);
	p = put16(p, PCAPNG_LINKTYPE_ETHERNET);
	p = put16(p, 0);
	p = put32(p, PCAPNG_SNAPLEN);
	p = put_opt_str(p, OPT_IF_NAME, ifname);
	p = put32(p, OPT_ENDOFOPT);
	p = put32(p, (uint32_t)idb);
	return (size_t)(p - buf);
}

size_t pcapng_epb(uint8_t *buf, size_t size, uint64_t ts_us,
		  enum pcapng_dir dir, const uint8_t *frame, size_t len)
{
	size_t caplen = MIN(len, (size_t)PCAPNG_SNAPLEN);
	size_t total = pcapng_epb_len(caplen);
	uint8_t *p = buf;

	if (total > size)
		return 0;
	p = put32(p, PCAPNG_BT_EPB);
	p = put32(p, (uint32_t)total);
	p = put32(p, 0);			/* interface 0 */
	p = put32(p, (uint32_t)(ts_us >> 32));
	p = put32(p, (uint32_t)ts_us);
	p = put32(p, (uint32_t)caplen);
	p = put32(p, (uint32_t)MIN(len, (size_t)UINT32_MAX));
	memcpy(p, frame, caplen);
	memset(p + caplen, 0, pad4(caplen) - caplen);
	p += pad4(caplen);
	p = put16(p, OPT_EPB_FLAGS);
	p = put16(p, 4);
	p = put32(p, (uint32_t)dir);
	p = put32(p, OPT_ENDOFOPT);
	p = put32(p, (uint32_t)total);
	return (size_t)(p - buf);
}

/* a 64-bit option */
static uint8_t *put_opt64(uint8_t *p, uint16_t code, uint64_t v)
{
	p = put16(p, code);
	p = put16(p, 8);
	memcpy(p, &v, 8);
	return p + 8;
}

size_t pcapng_isb(uint8_t *buf, size_t size, uint64_t ts_us, uint64_t recv,
		  uint64_t drop)
{
	uint8_t *p = buf;

	if (size < PCAPNG_ISB_LEN)
		return 0;
	p = put32(p, PCAPNG_BT_ISB);
	p = put32(p, PCAPNG_ISB_LEN);
	p = put32(p, 0);			/* interface 0 */
	p = put32(p, (uint32_t)(ts_us >> 32));
	p = put32(p, (uint32_t)ts_us);
	p = put_opt64(p, OPT_ISB_IFRECV, recv);
	p = put_opt64(p, OPT_ISB_IFDROP, drop);
	p = put32(p, OPT_ENDOFOPT);
	p = put32(p, PCAPNG_ISB_LEN);
	return (size_t)(p - buf);
}
