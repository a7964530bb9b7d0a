/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_bpdu.h - the spanning tree BPDU codec: 802.1D configuration and
 * topology change notification BPDUs, 802.1w (802.1D-2004 clause 9) RST
 * BPDUs, in 802.3 frames with an LLC header (42 42 03) to the bridge group
 * address 01:80:c2:00:00:00.
 *
 * stp_bpdu_parse() is strict: a frame that is not a whole BPDU of a known
 * type gets a reason (enum stp_bpdu_error, named by stp_bpdu_error_name())
 * for its caller's counters and is otherwise ignored.  It follows 802.1D
 * 9.3.4 on versions: a type 0 BPDU is a configuration BPDU whatever its
 * version, a type 2 BPDU of version 2 or more is an RST BPDU (an MSTP BPDU,
 * version 3, is read as the RST BPDU it starts with).  Times are in 1/256 s
 * on the wire and in whole seconds here, as the state machines count them.
 * No I/O: the caller reads and writes the frames.
 */
#ifndef TAPSW_STP_BPDU_H
#define TAPSW_STP_BPDU_H

#include "tapsw.h"
#include "ether.h"

enum stp_bpdu_type {
	STP_BPDU_CONFIG = 0x00,
	STP_BPDU_RST = 0x02,
	STP_BPDU_TCN = 0x80,
};

/* the flags octet (802.1D-2004 9.3.3) */
enum {
	STP_FLAG_TC = 0x01,
	STP_FLAG_PROPOSAL = 0x02,
	STP_FLAG_ROLE_SHIFT = 2,	/* 2 bits: enum stp_bpdu_role */
	STP_FLAG_ROLE_MASK = 0x0c,
	STP_FLAG_LEARNING = 0x10,
	STP_FLAG_FORWARDING = 0x20,
	STP_FLAG_AGREEMENT = 0x40,
	STP_FLAG_TCA = 0x80,
};

enum stp_bpdu_role {
	STP_BPDU_ROLE_UNKNOWN = 0,
	STP_BPDU_ROLE_ALT_BACKUP = 1,
	STP_BPDU_ROLE_ROOT = 2,
	STP_BPDU_ROLE_DESIGNATED = 3,
};

enum {
	STP_BPDU_TCN_LEN = 4,		/* protocol id, version, type */
	STP_BPDU_CONFIG_LEN = 35,
	STP_BPDU_RST_LEN = 36,		/* + version 1 length (0) */
	STP_LLC_LEN = 3,
	/* the longest frame stp_bpdu_build() writes: 802.3 + LLC + RST */
	STP_FRAME_MAX = ETHER_HDR_LEN + STP_LLC_LEN + STP_BPDU_RST_LEN,
	STP_FRAME_MIN = 60,		/* padded to Ethernet's minimum */
};

/* one BPDU, decoded; for a TCN only type and version mean anything */
struct stp_bpdu {
	enum stp_bpdu_type type;
	uint8_t version;	/* 0 STP, 2 RSTP, 3 MSTP */
	uint8_t flags;
	uint64_t root_id;	/* priority (16 bits) and MAC (48) */
	uint32_t root_path_cost;
	uint64_t bridge_id;	/* the sender's */
	uint16_t port_id;	/* the sender's port: priority, number */
	uint16_t message_age;	/* whole seconds, rounded down */
	uint16_t max_age;
	uint16_t hello_time;
	uint16_t forward_delay;
};

/* why a frame to the bridge group address is not a BPDU we take */
enum stp_bpdu_error {
	STP_BPDU_OK = 0,
	STP_BPDU_ERR_RUNT,	/* shorter than 802.3 + LLC + 4 bytes */
	STP_BPDU_ERR_NOT_LLC,	/* Ethernet II, or LLC other than 42 42 03 */
	STP_BPDU_ERR_LENGTH,	/* 802.3 length beyond the frame, or short */
	STP_BPDU_ERR_PROTOCOL,	/* protocol identifier not 0 */
	STP_BPDU_ERR_TYPE,	/* unknown BPDU type */
	STP_BPDU_ERR_VERSION,	/* type 2 with a version below 2 */
	STP_BPDU_ERR_TRUNCATED,	/* shorter than its type needs */
	STP_BPDU_ERR_TIMES,	/* max age, hello or forward delay of 0 */
	STP_BPDU_ERR_MAX
};

/**
 * stp_bpdu_error_name() - "runt", "not_llc", ... for counters.
 * @e: The reason.
 *
 * Return: its name, "unknown" out of range.
 */
const char *stp_bpdu_error_name(enum stp_bpdu_error e);

/**
 * stp_bpdu_parse() - Decode the BPDU in an Ethernet frame.
 * @frame: The frame, from its destination MAC (already checked to be the
 *         bridge group address by the caller).
 * @len: Its length.
 * @b: The BPDU, on success.
 *
 * Return: STP_BPDU_OK, or why it is not a BPDU (@b then undefined).
 */
enum stp_bpdu_error stp_bpdu_parse(const uint8_t *frame, size_t len,
				   struct stp_bpdu *b);

/**
 * stp_bpdu_build() - Write @b as a frame from @src to 01:80:c2:00:00:00.
 * @b: The BPDU: its type says which fields are written.
 * @src: The sending port's MAC.
 * @buf: Where to write, at least STP_FRAME_MIN bytes.
 *
 * Return: the frame's length (padded to STP_FRAME_MIN).
 */
size_t stp_bpdu_build(const struct stp_bpdu *b,
		      const uint8_t src[ETHER_ADDR_LEN], uint8_t *buf);

/**
 * stp_is_group_addr() - Is @mac the bridge group address 01:80:c2:00:00:00?
 * @mac: A destination MAC.
 */
bool stp_is_group_addr(const uint8_t *mac);

#endif /* TAPSW_STP_BPDU_H */
