/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcapng.h - the few pcapng blocks a capture needs, written into memory:
 * a Section Header Block, one Interface Description Block (Ethernet), an
 * Enhanced Packet Block per frame with its direction in epb_flags, and an
 * Interface Statistics Block at the end with the frames seen and dropped
 * (draft-ietf-opsawg-pcapng; what tcpdump -r and Wireshark read; tcpdump
 * skips the statistics, Wireshark shows them).
 *
 * Blocks are in host byte order (the SHB's byte-order magic says which),
 * timestamps in microseconds since the epoch (the default if_tsresol).
 * Nothing here allocates or makes a system call: the caller gives the
 * buffer and the time.
 */
#ifndef TAPSW_PCAPNG_H
#define TAPSW_PCAPNG_H

#include "tapsw.h"

enum {
	PCAPNG_BT_SHB = 0x0a0d0d0a,
	PCAPNG_BT_IDB = 0x00000001,
	PCAPNG_BT_ISB = 0x00000005,
	PCAPNG_BT_EPB = 0x00000006,
	PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d,
	PCAPNG_LINKTYPE_ETHERNET = 1,
	PCAPNG_SNAPLEN = 262144,	/* libpcap's largest for Ethernet */
	PCAPNG_HEADER_MAX = 256,	/* SHB + IDB, with their options */
	PCAPNG_EPB_OVERHEAD = 44,	/* an EPB around its padded data */
	PCAPNG_ISB_LEN = 52,		/* an ISB with isb_ifrecv, isb_ifdrop */
};

/* epb_flags bits 0-1: the frame's direction, as seen from the port */
enum pcapng_dir {
	PCAPNG_DIR_UNKNOWN = 0,
	PCAPNG_DIR_IN = 1,		/* received on the port */
	PCAPNG_DIR_OUT = 2,		/* sent out of it */
};

/**
 * pcapng_header() - Write an SHB and one Ethernet IDB.
 * @buf: Where.
 * @size: Room in @buf (PCAPNG_HEADER_MAX is always enough).
 * @appl: shb_userappl, e.g. "tapsw 1.0", or NULL.
 * @ifname: if_name of the interface (the port), or NULL.
 *
 * Return: the bytes written, or 0 if they do not fit.
 */
size_t pcapng_header(uint8_t *buf, size_t size, const char *appl,
		     const char *ifname);

/**
 * pcapng_epb_len() - The size of the EPB for @caplen captured bytes.
 * @caplen: Bytes of the frame kept.
 */
static inline size_t pcapng_epb_len(size_t caplen)
{
	return PCAPNG_EPB_OVERHEAD + ((caplen + 3) & ~(size_t)3);
}

/**
 * pcapng_epb() - Write an EPB for one frame on interface 0.
 * @buf: Where.
 * @size: Room in @buf.
 * @ts_us: Its time, microseconds since the epoch.
 * @dir: Its direction.
 * @frame: The frame.
 * @len: Its length; more than PCAPNG_SNAPLEN is cut to that.
 *
 * Return: the bytes written (pcapng_epb_len()), or 0 if they do not fit.
 */
size_t pcapng_epb(uint8_t *buf, size_t size, uint64_t ts_us,
		  enum pcapng_dir dir, const uint8_t *frame, size_t len);

/**
 * pcapng_isb() - Write an ISB for interface 0.
 * @buf: Where.
 * @size: Room in @buf (PCAPNG_ISB_LEN).
 * @ts_us: When, microseconds since the epoch.
 * @recv: isb_ifrecv: frames seen since the capture started.
 * @drop: isb_ifdrop: of those, frames dropped (not in the capture).
 *
 * Return: PCAPNG_ISB_LEN, or 0 if it does not fit.
 */
size_t pcapng_isb(uint8_t *buf, size_t size, uint64_t ts_us, uint64_t recv,
		  uint64_t drop);

#endif /* TAPSW_PCAPNG_H */
