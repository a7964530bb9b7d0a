// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-stp-bpdu.c - the BPDU codec: configuration, TCN and RST BPDUs
 * written and read back field by field, a frame as the Linux bridge sends
 * it, and a table of malformed frames, each refused with its reason.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/stp_bpdu.h"
#include "tap.h"

static const uint8_t src[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x01 };

static void test_roundtrip(enum stp_bpdu_type type, uint8_t version)
{
	struct stp_bpdu b = {
		.type = type, .version = version, .flags = 0x7d,
		.root_id = 0x1000020000000001ULL, .root_path_cost = 20004,
		.bridge_id = 0x8000020000000002ULL, .port_id = 0x8003,
		.message_age = 1, .max_age = 20, .hello_time = 2,
		.forward_delay = 15,
	}, r;
	uint8_t frame[STP_FRAME_MIN];
	size_t len = stp_bpdu_build(&b, src, frame);

	ok(len == STP_FRAME_MIN, "type %#x: padded to %zu bytes", type, len);
	ok(stp_is_group_addr(frame) && !memcmp(frame + 6, src, 6),
	   "type %#x: to 01:80:c2:00:00:00 from the port's MAC", type);
	ok(stp_bpdu_parse(frame, len, &r) == STP_BPDU_OK, "type %#x: parses",
	   type);
	ok(r.type == type && r.version == version, "type %#x: type, version",
	   type);
	if (type == STP_BPDU_TCN)
		return;
	ok(r.flags == b.flags && r.root_id == b.root_id &&
	   r.root_path_cost == b.root_path_cost &&
	   r.bridge_id == b.bridge_id && r.port_id == b.port_id &&
	   r.message_age == 1 && r.max_age == 20 && r.hello_time == 2 &&
	   r.forward_delay == 15, "type %#x: every field back", type);
}

/* a configuration BPDU as Linux 6.1's bridge sends it (br_stp_bpdu.c) */
static const uint8_t kernel_config[60] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x26, 0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x00, 0x81, 0x80, 0x00,
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00,
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x80, 0x01, 0x00, 0x00, 0x06, 0x00,
	0x01, 0x00, 0x04, 0x00,
};

static void test_kernel(void)
{
	struct stp_bpdu b;

	ok(stp_bpdu_parse(kernel_config, sizeof(kernel_config), &b) ==
	   STP_BPDU_OK, "a Linux bridge config BPDU parses");
	ok(b.type == STP_BPDU_CONFIG && b.flags == (STP_FLAG_TC | STP_FLAG_TCA) &&
	   b.root_id == 0x8000525400123456ULL && b.root_path_cost == 0 &&
	   b.port_id == 0x8001 && b.message_age == 0 && b.max_age == 6 &&
	   b.hello_time == 1 && b.forward_delay == 4,
	   "its fields: TC+TCA, root 8000.525400123456, port 8001, 6/1/4 s");
}

struct bad {
	const char *what;
	size_t off;		/* byte to change */
	uint8_t val;
	size_t len;		/* frame length, 0: 60 */
	enum stp_bpdu_type type;
	enum stp_bpdu_error want;
};

static const struct bad bad[] = {
	{ "runt (20 bytes)", 0, 0x01, 20, STP_BPDU_CONFIG, STP_BPDU_ERR_RUNT },
	{ "Ethernet II type", 12, 0x88, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_NOT_LLC },
	{ "DSAP not 0x42", 14, 0xaa, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_NOT_LLC },
	{ "control not UI", 16, 0x13, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_NOT_LLC },
	{ "802.3 length past the frame", 13, 0x40, 0, STP_BPDU_CONFIG,
	  STP_BPDU_ERR_LENGTH },
	{ "802.3 length below a TCN", 13, 0x05, 0, STP_BPDU_CONFIG,
	  STP_BPDU_ERR_LENGTH },
	{ "protocol id 1", 18, 0x01, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_PROTOCOL },
	{ "unknown type 0x01", 20, 0x01, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_TYPE },
	{ "RST of version 0", 19, 0x00, 0, STP_BPDU_RST, STP_BPDU_ERR_VERSION },
	{ "config cut to 30 bytes", 13, 33, 0, STP_BPDU_CONFIG,
	  STP_BPDU_ERR_TRUNCATED },
	{ "RST with a config's length", 13, 38, 0, STP_BPDU_RST,
	  STP_BPDU_ERR_TRUNCATED },
	{ "max age 0", 46, 0x00, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_TIMES },
	{ "hello 0", 48, 0x00, 0, STP_BPDU_CONFIG, STP_BPDU_ERR_TIMES },
};

static void test_bad(void)
{
	struct stp_bpdu b = {
		.max_age = 20, .hello_time = 2, .forward_delay = 15,
	}, r;
	uint8_t frame[STP_FRAME_MIN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		enum stp_bpdu_error e;

		b.type = bad[i].type;
		b.version = b.type == STP_BPDU_RST ? 2 : 0;
		stp_bpdu_build(&b, src, frame);
		frame[bad[i].off] = bad[i].val;
		e = stp_bpdu_parse(frame, bad[i].len ? bad[i].len :
				   sizeof(frame), &r);
		ok(e == bad[i].want, "%s: %s (got %s)", bad[i].what,
		   stp_bpdu_error_name(bad[i].want), stp_bpdu_error_name(e));
	}
	/* a TCN is 4 bytes: an 802.3 length of 7 is whole */
	b.type = STP_BPDU_TCN;
	stp_bpdu_build(&b, src, frame);
	ok(frame[13] == 7 && stp_bpdu_parse(frame, 21, &r) == STP_BPDU_OK,
	   "a TCN in 21 bytes (length 7) parses");
	/* an MSTP BPDU (version 3) is read as its RST part */
	b.type = STP_BPDU_RST;
	b.version = 3;
	stp_bpdu_build(&b, src, frame);
	ok(stp_bpdu_parse(frame, sizeof(frame), &r) == STP_BPDU_OK &&
	   r.type == STP_BPDU_RST && r.version == 3,
	   "version 3 (MSTP) is taken as an RST BPDU");
	ok(!strcmp(stp_bpdu_error_name(STP_BPDU_ERR_MAX), "unknown"),
	   "reason out of range: unknown");
}

int main(void)
{
	plan_no_plan();
	test_roundtrip(STP_BPDU_CONFIG, 0);
	test_roundtrip(STP_BPDU_RST, 2);
	test_roundtrip(STP_BPDU_TCN, 0);
	test_kernel();
	test_bad();
	return exit_status();
}
