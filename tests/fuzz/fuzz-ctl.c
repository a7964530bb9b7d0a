// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-ctl.c - libFuzzer target for the control request path: bytes from a
 * client go through the line framing (struct ctl_linebuf, bound
 * CTL_LINE_MAX, as ctl.c uses it), and every complete line through
 * ctl_handle_line() (JSON-RPC decode, method dispatch, reply encode)
 * against a switch with three recording ports and a few FDB entries, so
 * port.list/show/set/del, fdb.* and stats.* run for real.
 *
 * port.add is served by the fake backends of fuzz-backend.h (src/tap.c and
 * the other backends are not linked): the name is checked as tap.c does and
 * a recording port attached, so no /dev/net/tun or socket is opened and no
 * device is created whoever runs the fuzzer (root included).
 *
 * The input is cut into appends of varying size (1 byte to 64 KiB) so the
 * framing sees lines split anywhere.  A second line buffer bounded at
 * FUZZ_SMALL_MAX bytes is fed the same bytes and must agree with the real
 * one up to its bound: the overlong-line path runs without 64 KiB inputs.  Each reply must be exactly one line
 * of JSON that ctl_response_decode() reads as a response; anything else
 * aborts.  Every input starts from a new switch and the switch is torn
 * down afterwards, so runs are independent and LeakSanitizer sees leaks.
 *
 * Build and run: tests/fuzz/run.sh (see docs/fuzzing.md).
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_tun.h>

#include "tapsw/ctl_method.h"
#include "tapsw/ctl_proto.h"
#include "tapsw/ether.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "fuzz-backend.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a switch as tapswd has it after a few port.add and some traffic */
static void fuzz_switch_init(struct sw *sw)
{
	static const uint8_t macs[][ETHER_ADDR_LEN] = {
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
	};
	struct sw_config cfg = {
		.fdb_max = 64, .ageing_ms = 300000, .fdb_seed = 1,
	};
	struct port *p;

	if (sw_init(sw, &cfg))
		abort();
	p = rec_port_add(sw, "tap0");
	p->vnet = true;
	p->offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	rec_port_add(sw, "tap1");
	p = rec_port_add(sw, "vm-2");
	p->mtu = 9000;
	p->stats.rx_packets = 3;
	p->stats.drop[DROP_RUNT] = 1;

	fdb_learn(sw->fdb, macs[0], 0, 0, 0, NULL);
	fdb_learn(sw->fdb, macs[1], 0, 1, 0, NULL);
	fdb_learn(sw->fdb, macs[1], 5, 2, 0, NULL);
	if (fdb_add_static(sw->fdb, macs[2], 0, 1, 0) ||
	    fdb_add_static(sw->fdb, macs[3], 10, 2, 0))
		abort();
}

/* a reply must be one line of JSON that reads as a JSON-RPC response */
static void fuzz_check_reply(const char *reply, size_t len)
{
	struct ctl_error err;
	json_t *result = NULL;

	if (!len || reply[len - 1] != '\n' || memchr(reply, '\n', len - 1) ||
	    strlen(reply) != len) {
		fprintf(stderr, "fuzz-ctl: reply is not one line: %.*s\n",
			(int)len, reply);
		abort();
	}
	if (ctl_response_decode(reply, len - 1, &result, &err) == -EPROTO) {
		fprintf(stderr, "fuzz-ctl: not a response (%s): %s",
			err.message, reply);
		abort();
	}
	json_decref(result);
}

/*
 * A second line buffer with a small bound gets the same bytes: it must
 * hand out the same lines as the real one until its own bound is exceeded,
 * so the overlong-line path runs on every short input too.
 */
enum { FUZZ_SMALL_MAX = 200 };

struct fuzz_shadow {
	struct ctl_linebuf lb;
	bool closed;		/* got -EMSGSIZE */
};

static void fuzz_shadow_append(struct fuzz_shadow *sh, const uint8_t *data,
			       size_t len)
{
	int ret;

	if (sh->closed)
		return;
	ret = ctl_linebuf_append(&sh->lb, (const char *)data, len);
	if (ret == -EMSGSIZE)
		sh->closed = true;
	else if (ret)
		abort();
}

/* the shadow's next line must be @line, or it has none (it hit its bound) */
static void fuzz_shadow_match(struct fuzz_shadow *sh, const char *line,
			      size_t len)
{
	ssize_t n;
	char *l;

	n = ctl_linebuf_next(&sh->lb, &l);
	if (n == -EAGAIN && sh->closed)
		return;
	if (n < 0 || (size_t)n != len || memcmp(l, line, len) ||
	    len > FUZZ_SMALL_MAX) {
		fprintf(stderr, "fuzz-ctl: line buffers disagree: %zd/%zu\n",
			n, len);
		abort();
	}
}

/* take out and run every complete line; false once the client is closed */
static bool fuzz_drain(struct ctl_context *ctx, struct ctl_linebuf *lb,
		       struct fuzz_shadow *sh)
{
	size_t pending, len;
	ssize_t n;
	char *line, *reply;

	while ((n = ctl_linebuf_next(lb, &line)) >= 0) {
		if ((size_t)n > lb->max || line[n] != '\0')
			abort();
		fuzz_shadow_match(sh, line, (size_t)n);
		ctx->now_ms += 1000;
		reply = ctl_handle_line(ctx, line, (size_t)n, &len);
		if (reply)
			fuzz_check_reply(reply, len);
		free(reply);
	}
	/* what is held now is one pending line, within the bound */
	pending = lb->len - lb->partial;
	if (lb->consumed > lb->len || lb->partial > lb->len ||
	    pending > lb->max || lb->len > lb->cap ||
	    (!sh->closed && sh->lb.len - sh->lb.partial != pending)) {
		fprintf(stderr, "fuzz-ctl: linebuf len %zu cap %zu partial "
			"%zu consumed %zu\n", lb->len, lb->cap, lb->partial,
			lb->consumed);
		abort();
	}
	return !lb->error;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LVL_ERR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* append sizes, cycled: lines get cut at every kind of place */
	static const size_t chunks[] = {
		1, 3, 17, 64, 251, 1024, 4093, 16384, CTL_LINE_MAX + 7,
	};
	struct ctl_context ctx = {
		.socket_path = "/run/tapsw/tapswd.sock",
		.start_ms = 0,
		.now_ms = 5000,
	};
	struct fuzz_shadow sh = { 0 };
	struct ctl_linebuf lb;
	size_t off = 0, i = size % ARRAY_SIZE(chunks);
	static struct sw sw;
	static struct daemon d = { .sw = &sw, .io = IO_PLAIN };
	int ret = 0;

	fuzz_switch_init(&sw);
	ctx.daemon = &d;
	ctx.sw = &sw;
	if (ctl_linebuf_init(&lb, CTL_LINE_MAX) ||
	    ctl_linebuf_init(&sh.lb, FUZZ_SMALL_MAX))
		abort();

	while (off < size && !ret) {
		size_t n = chunks[i++ % ARRAY_SIZE(chunks)];

		n = MIN(n, size - off);	/* a macro: no i++ in it */

		fuzz_shadow_append(&sh, data + off, n);
		ret = ctl_linebuf_append(&lb, (const char *)data + off, n);
		if (ret && ret != -EMSGSIZE)
			abort();
		off += n;
		/* ctl.c replies to the lines before an overlong one, then
		 * sends EMSGSIZE and closes the client */
		if (!fuzz_drain(&ctx, &lb, &sh) && !ret)
			abort();
	}

	ctl_linebuf_free(&sh.lb);
	ctl_linebuf_free(&lb);
	sw_fini(&sw);
	return 0;
}
