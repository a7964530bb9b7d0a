// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-bpdu.c - libFuzzer target for the spanning tree: the BPDU parser
 * and the protocol fed what a neighbour can send.
 *
 * Input: a sequence of records, each a one-byte opcode then its bytes:
 *  - op & 3 == 0: a frame, its length the next byte (up to 255), its bytes
 *    after (the destination forced to the bridge group address), received
 *    on port 1 + (op >> 2) % 3;
 *  - 1: time passes, (op >> 2) * 100 ms;
 *  - 2: port 1 + (op >> 2) % 3 goes down or up (bit 4 of op);
 *  - 3: a port's settings change (priority, cost, edge from op's bits).
 * One bridge (RSTP, or 802.1D when the first byte is odd) with three ports;
 * the frames it sends go nowhere but are parsed back.
 *
 * Checks, each an abort():
 *  - a BPDU that parses is written again by stp_bpdu_build() and reads
 *    back the same (type, flags, ids, cost, port, times);
 *  - every frame the bridge sends parses as a BPDU;
 *  - after every record: the state the protocol told its caller is the
 *    state it shows; an alternate, backup or disabled port is not
 *    learning or forwarding; at most one root port, none when the bridge
 *    is the root, and the bridge's root is never worse than itself.
 *
 * Build and run: tests/fuzz/run.sh (see docs/fuzzing.md).
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/stp.h"
#include "tapsw/stp_bpdu.h"

enum { NPORTS = 3 };

static enum stp_state told[NPORTS + 1];

static void f_send(void *arg, unsigned int no, const uint8_t *f, size_t len)
{
	struct stp_bpdu b;

	(void)arg;
	(void)no;
	if (stp_bpdu_parse(f, len, &b) != STP_BPDU_OK) {
		fprintf(stderr, "fuzz-bpdu: sent a BPDU that does not parse\n");
		abort();
	}
}

static void f_state(void *arg, unsigned int no, enum stp_state st)
{
	(void)arg;
	if (no < 1 || no > NPORTS)
		abort();
	told[no] = st;
}

static void f_flush(void *arg, unsigned int no)
{
	(void)arg;
	if (no < 1 || no > NPORTS)
		abort();
}

static const struct stp_ops ops = {
	.send = f_send, .set_state = f_state, .flush = f_flush,
};

static void check_roundtrip(const uint8_t *frame, size_t len)
{
	static const uint8_t src[ETHER_ADDR_LEN] = { 2, 0, 0, 0, 0, 1 };
	struct stp_bpdu a, b;
	uint8_t out[STP_FRAME_MIN];

	if (stp_bpdu_parse(frame, len, &a) != STP_BPDU_OK)
		return;
	if (stp_bpdu_parse(out, stp_bpdu_build(&a, src, out), &b) !=
	    STP_BPDU_OK || a.type != b.type || a.version != b.version) {
		fprintf(stderr, "fuzz-bpdu: a BPDU does not read back\n");
		abort();
	}
	if (a.type != STP_BPDU_TCN &&
	    (a.flags != b.flags || a.root_id != b.root_id ||
	     a.root_path_cost != b.root_path_cost ||
	     a.bridge_id != b.bridge_id || a.port_id != b.port_id ||
	     a.message_age != b.message_age || a.max_age != b.max_age ||
	     a.hello_time != b.hello_time ||
	     a.forward_delay != b.forward_delay)) {
		fprintf(stderr, "fuzz-bpdu: a field changed on the way back\n");
		abort();
	}
}

static void check(const struct stp *stp)
{
	struct stp_port_info pi;
	struct stp_info in;
	unsigned int no, roots = 0;

	stp_get_info(stp, &in);
	for (no = 1; no <= NPORTS; no++) {
		if (stp_port_get_info(stp, no, &pi))
			abort();
		if (pi.state != told[no] || pi.state != stp_port_state(stp, no)) {
			fprintf(stderr, "fuzz-bpdu: port %u: state %s, told %s\n",
				no, stp_state_name(pi.state),
				stp_state_name(told[no]));
			abort();
		}
		if ((pi.role == STP_ROLE_ALTERNATE ||
		     pi.role == STP_ROLE_BACKUP ||
		     pi.role == STP_ROLE_DISABLED) &&
		    (pi.state == STP_STATE_LEARNING ||
		     pi.state == STP_STATE_FORWARDING)) {
			fprintf(stderr, "fuzz-bpdu: port %u: %s but %s\n", no,
				stp_role_name(pi.role), stp_state_name(pi.state));
			abort();
		}
		roots += pi.role == STP_ROLE_ROOT;
	}
	if (roots > 1 || (roots && in.root_id == in.bridge_id) ||
	    (!roots) != !in.root_port || in.root_id > in.bridge_id) {
		fprintf(stderr, "fuzz-bpdu: %u root ports, root port %u, root %llx, bridge %llx\n",
			roots, in.root_port, (unsigned long long)in.root_id,
			(unsigned long long)in.bridge_id);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stp_config cfg;
	uint8_t frame[256];
	uint64_t now = 1000;
	struct stp *stp;
	unsigned int no;
	size_t i = 1, len;

	if (!size)
		return 0;
	stp_config_default(&cfg, data[0] & 1 ? STP_MODE_STP : STP_MODE_RSTP);
	cfg.hello = 1;
	cfg.max_age = 6;
	cfg.fwd_delay = 4;
	cfg.mac[0] = 0x02;
	cfg.mac[5] = 0x42;
	memset(told, 0, sizeof(told));
	stp = stp_new(&cfg, &ops, NULL, now);
	if (!stp)
		return 0;
	for (no = 1; no <= NPORTS; no++) {
		uint8_t mac[ETHER_ADDR_LEN] = { 2, 0, 0, 0, 1, (uint8_t)no };

		stp_port_add(stp, no, mac, NULL);
		stp_port_enable(stp, no, true);
	}
	while (i < size) {
		uint8_t op = data[i++];

		no = 1 + (op >> 2) % NPORTS;
		switch (op & 3) {
		case 0:
			if (i >= size)
				break;
			len = MIN((size_t)data[i], size - i - 1);
			i++;
			memcpy(frame, data + i, len);
			i += len;
			if (len >= ETHER_ADDR_LEN)
				memcpy(frame, (uint8_t[]){ 1, 0x80, 0xc2, 0, 0, 0 },
				       ETHER_ADDR_LEN);
			check_roundtrip(frame, len);
			stp_receive(stp, no, frame, len);
			break;
		case 1:
			now += (uint64_t)(op >> 2) * 100;
			stp_tick(stp, now);
			break;
		case 2:
			stp_port_enable(stp, no, op & 0x10);
			break;
		default: {
			struct stp_port_config pc = {
				.priority = (unsigned int)(op >> 4) * 16,
				.cost = (op & 0x04) ? 2000 : 0,
				.admin_edge = op & 0x08,
				.auto_edge = !(op & 0x08),
			};

			stp_port_set_config(stp, no, &pc);
			break;
		}
		}
		check(stp);
	}
	stp_free(stp);
	return 0;
}
