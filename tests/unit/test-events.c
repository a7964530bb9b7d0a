// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-events.c - change notifications: the FDB's hook (one event per
 * change, none per hit), the events module's lines (JSON-RPC
 * notifications, escaped), its per-subscriber bound (drop, count, one
 * events.lost once there is room), and events.subscribe through
 * ctl_handle_line() with a recording sink in place of a socket.
 */
#include "tapsw/tapsw.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "tapsw/ctl_method.h"
#include "tapsw/daemon.h"
#include "tapsw/events.h"
#include "tapsw/fdb.h"
#include "tapsw/switch.h"
#include "tap.h"
#include "rec-port.h"

/* --- the FDB hook, recorded */

static struct fdb_event rec_ev[64];
static unsigned int n_ev;

static void rec_fdb(const struct fdb_event *ev, void *arg)
{
	(*(unsigned int *)arg)++;
	if (n_ev < ARRAY_SIZE(rec_ev))
		rec_ev[n_ev++] = *ev;
}

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0, 0, 0xb };

static uint8_t *mac_n(unsigned int n)
{
	static uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };

	m[3] = (uint8_t)(n >> 16);
	m[4] = (uint8_t)(n >> 8);
	m[5] = (uint8_t)n;
	return m;
}

/* the last event recorded is @type on @port (and @old_port) */
static bool last_is(enum fdb_event_type type, int port, int old_port)
{
	const struct fdb_event *e = &rec_ev[n_ev - 1];

	return n_ev && e->type == type && e->port == port &&
	       e->old_port == old_port;
}

static void test_fdb_hook(void)
{
	struct fdb_config cfg = { .max_entries = 4, .ageing_ms = 10000,
				  .seed = 3 };
	struct fdb *fdb = fdb_new(&cfg);
	unsigned int calls = 0, i;

	fdb_learn(fdb, mac_a, 0, 1, 0, NULL);
	ok(n_ev == 0, "no hook: nothing reported");

	fdb_set_notify(fdb, rec_fdb, &calls);
	fdb_learn(fdb, mac_a, 5, 1, 0, NULL);
	ok(n_ev == 1 && last_is(FDB_EV_LEARN, 1, -1) && rec_ev[0].vid == 5 &&
	   !memcmp(rec_ev[0].mac, mac_a, 6) && calls == 1,
	   "a new MAC: one LEARN with mac, vlan, port");
	fdb_learn(fdb, mac_a, 5, 1, 500, NULL);
	fdb_learn(fdb, mac_a, 0, 1, 500, NULL);
	ok(n_ev == 1, "hits report nothing");
	fdb_learn(fdb, mac_a, 5, 2, 600, NULL);
	ok(n_ev == 2 && last_is(FDB_EV_MOVE, 2, 1), "a move: MOVE, old port");

	n_ev = 0;
	fdb_age(fdb, 10500, 64);
	ok(n_ev == 1 && last_is(FDB_EV_AGE, 1, -1) && rec_ev[0].vid == 0,
	   "the sweep: AGE for the entry it reclaims");
	fdb_learn(fdb, mac_a, 5, 2, 20600, NULL);
	ok(n_ev == 3 && rec_ev[1].type == FDB_EV_AGE &&
	   last_is(FDB_EV_LEARN, 2, -1),
	   "a dead entry seen again: AGE, then LEARN");

	n_ev = 0;
	for (i = 0; i < 4; i++)
		fdb_learn(fdb, mac_n(i), 0, 3, 20600, NULL);
	ok(n_ev == 5 && rec_ev[3].type == FDB_EV_EVICT &&
	   last_is(FDB_EV_LEARN, 3, -1),
	   "at the cap: EVICT, then LEARN (%u events)", n_ev);

	n_ev = 0;
	ok(fdb_flush(fdb, 3, FDB_FLUSH_LEARNED) == 3 && n_ev == 1 &&
	   last_is(FDB_EV_FLUSH, 3, -1) && rec_ev[0].count == 3 &&
	   rec_ev[0].flags == FDB_FLUSH_LEARNED,
	   "flush: one FLUSH with the count, not one per entry");
	ok(fdb_flush(fdb, 3, FDB_FLUSH_ALL) == 0 && n_ev == 1,
	   "a flush that removes nothing reports nothing");

	n_ev = 0;
	fdb_add_static(fdb, mac_b, 7, 1, 20600);
	ok(n_ev == 1 && last_is(FDB_EV_ADD, 1, -1) && rec_ev[0].is_static &&
	   rec_ev[0].vid == 7, "fdb_add_static: ADD, static");
	fdb_del(fdb, mac_b, 7);
	ok(n_ev == 2 && last_is(FDB_EV_DEL, 1, -1) && rec_ev[1].is_static,
	   "fdb_del: DEL, static");
	n_ev = 0;
	fdb_flush(fdb, -1, FDB_FLUSH_ALL);
	ok(n_ev == 1 && last_is(FDB_EV_FLUSH, -1, -1),
	   "flush of every port: port -1");

	n_ev = 0;
	fdb_set_port_limit(fdb, 3, 1);
	fdb_learn(fdb, mac_n(1), 0, 3, 20700, NULL);
	fdb_learn(fdb, mac_n(2), 0, 1, 20700, NULL);
	fdb_learn(fdb, mac_n(2), 0, 3, 20700, NULL);
	ok(n_ev == 3 && last_is(FDB_EV_LIMIT, 3, 1),
	   "a move onto a port at max-macs: LIMIT, from the old port");

	fdb_set_notify(fdb, NULL, NULL);
	n_ev = 0;
	fdb_learn(fdb, mac_n(9), 0, 1, 20700, NULL);
	fdb_flush(fdb, -1, FDB_FLUSH_ALL);
	ok(n_ev == 0, "unhooked: nothing reported");
	fdb_free(fdb);
}

/* --- the events module, with recording sinks */

struct rec_sink {
	struct events_sink sink;
	size_t backlog;
	char text[64 * 1024];
	size_t len;
	unsigned int writes;
};

static size_t rec_backlog(void *arg)
{
	return ((struct rec_sink *)arg)->backlog;
}

static void rec_write(void *arg, char *text, size_t len)
{
	struct rec_sink *r = arg;

	if (r->len + len < sizeof(r->text)) {
		memcpy(r->text + r->len, text, len);
		r->len += len;
		r->text[r->len] = '\0';
	}
	r->writes++;
	free(text);
}

static void rec_sink_init(struct rec_sink *r)
{
	memset(r, 0, sizeof(*r));
	r->sink.backlog = rec_backlog;
	r->sink.write = rec_write;
	r->sink.arg = r;
}

static unsigned int count_lines(const struct rec_sink *r)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < r->len; i++)
		n += r->text[i] == '\n';
	return n;
}

/* line @n (from 0) of @r's text, decoded; its params (borrowed) in *@params */
static json_t *line_json(const struct rec_sink *r, unsigned int n,
			 json_t **params)
{
	const char *p = r->text, *nl;
	json_t *j;

	while (n-- && (p = strchr(p, '\n')))
		p++;
	if (!p || !(nl = strchr(p, '\n')))
		return NULL;
	j = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES, NULL);
	*params = json_object_get(j, "params");
	return j;
}

static bool str_is(json_t *o, const char *key, const char *want)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && !strcmp(s, want);
}

static void test_events(void)
{
	struct sw_config cfg = { .fdb_max = 1024, .ageing_ms = 300000,
				 .fdb_seed = 7 };
	static struct rec_sink a, b;
	static struct sw sw;
	struct daemon d = { .sw = &sw };
	struct events_stats st;
	struct events *ev;
	json_t *j, *p;
	unsigned int i;
	uint64_t sent;

	sw_init(&sw, &cfg);
	rec_daemon = &d;
	rec_port_add(&sw, "tap0");
	ev = events_new(&d);
	rec_sink_init(&a);
	rec_sink_init(&b);

	ok(events_subscribe(ev, &a.sink, EVENTS_MASK_FDB) == 0 &&
	   !d.port_notify, "subscribed to fdb only: the port hook stays NULL");
	rec_port_add(&sw, "tap1");
	fdb_learn(sw.fdb, mac_a, 12, 1, 0, NULL);
	events_flush(ev);
	j = line_json(&a, 0, &p);
	ok(count_lines(&a) == 1 && a.writes == 1 && j &&
	   str_is(j, "jsonrpc", "2.0") && str_is(j, "method", "event") &&
	   !json_object_get(j, "id") && str_is(p, "type", "fdb.learn") &&
	   str_is(p, "mac", "52:54:00:00:00:0a") && str_is(p, "port", "tap1") &&
	   json_integer_value(json_object_get(p, "vlan")) == 12 &&
	   json_is_real(json_object_get(p, "time")),
	   "fdb.learn: a notification with type, time, mac, vlan, port: %s",
	   a.text);
	json_decref(j);

	events_subscribe(ev, &b.sink, EVENTS_MASK_ALL);
	a.len = 0;
	rec_port_add(&sw, "tap2");
	fdb_learn(sw.fdb, mac_a, 12, 2, 0, NULL);
	events_flush(ev);
	j = line_json(&b, 0, &p);
	ok(j && str_is(p, "type", "port.add") && str_is(p, "port", "tap2") &&
	   str_is(p, "kind", "tap") &&
	   json_integer_value(json_object_get(p, "index")) == 2,
	   "port.add: port, kind, index");
	json_decref(j);
	j = line_json(&b, 1, &p);
	ok(j && str_is(p, "type", "fdb.move") && str_is(p, "port", "tap2") &&
	   str_is(p, "old_port", "tap1"), "fdb.move: port and old_port");
	json_decref(j);
	ok(count_lines(&a) == 1, "the fdb subscriber did not get port.add");

	/* a stuck subscriber: dropped and counted, then one events.lost */
	a.len = b.len = 0;
	a.backlog = EVENTS_QUEUE_MAX;
	for (i = 0; i < 100; i++)
		fdb_learn(sw.fdb, mac_n(i), 0, 0, 0, NULL);
	events_flush(ev);
	events_get_stats(ev, &st);
	ok(a.len == 0 && count_lines(&b) == 100 && st.lost == 100 &&
	   st.subscribers == 2,
	   "full queue: 100 events dropped for it, the other gets them all");
	a.backlog = EVENTS_QUEUE_MAX / 2;
	fdb_learn(sw.fdb, mac_n(200), 0, 0, 0, NULL);
	events_flush(ev);
	ok(a.len == 0, "still above half the bound: nothing yet");
	a.backlog = 0;
	events_flush(ev);
	j = line_json(&a, 0, &p);
	ok(count_lines(&a) == 1 && j && str_is(p, "type", "events.lost") &&
	   json_integer_value(json_object_get(p, "count")) == 101,
	   "read down: one events.lost with the count: %s", a.text);
	json_decref(j);
	fdb_learn(sw.fdb, mac_n(300), 0, 0, 0, NULL);
	events_flush(ev);
	j = line_json(&a, 1, &p);
	ok(j && str_is(p, "type", "fdb.learn"), "then events again");
	json_decref(j);

	events_unsubscribe(ev, &a);
	events_unsubscribe(ev, &b);
	events_get_stats(ev, &st);
	sent = st.sent;
	fdb_learn(sw.fdb, mac_n(400), 0, 0, 0, NULL);
	rec_port_add(&sw, "tap3");
	events_get_stats(ev, &st);
	ok(!d.port_notify && st.subscribers == 0 && st.sent == sent,
	   "no subscriber: hooks off, nothing queued");
	events_free(ev);
	sw_fini(&sw);
	rec_daemon = NULL;
}

/* --- the rate cap on frame-driven events */

static void test_rate(void)
{
	struct sw_config cfg = { .fdb_max = 200000, .ageing_ms = 300000,
				 .fdb_seed = 9 };
	static struct rec_sink a;
	static struct sw sw;
	struct daemon d = { .sw = &sw };
	struct events_stats st;
	struct events *ev;
	unsigned int i;

	sw_init(&sw, &cfg);
	rec_daemon = &d;
	rec_port_add(&sw, "tap0");
	sw.now_ms = 5000;
	ev = events_new(&d);
	rec_sink_init(&a);
	events_subscribe(ev, &a.sink, EVENTS_MASK_ALL);
	for (i = 0; i < EVENTS_RATE_MAX + 100; i++) {
		fdb_learn(sw.fdb, mac_n(i), 0, 0, sw.now_ms, NULL);
		if (i % 1000 == 0)
			events_flush(ev);
	}
	events_flush(ev);
	events_get_stats(ev, &st);
	ok(st.sent == EVENTS_RATE_MAX && st.lost == 100,
	   "%u new MACs in one instant: %d sent, the rest lost (%llu/%llu)",
	   i, EVENTS_RATE_MAX, (unsigned long long)st.sent,
	   (unsigned long long)st.lost);
	fdb_add_static(sw.fdb, mac_a, 0, 0, sw.now_ms);
	rec_port_add(&sw, "tap1");
	events_get_stats(ev, &st);
	ok(st.sent == EVENTS_RATE_MAX + 2,
	   "fdb.add and port.add are not rate-limited");
	a.len = 0;
	sw.now_ms += 1;		/* 1 ms: EVENTS_RATE_MAX / 1000 tokens */
	for (i = 0; i < 150; i++)
		fdb_learn(sw.fdb, mac_n(200000 + i), 0, 0, sw.now_ms, NULL);
	events_flush(ev);
	events_get_stats(ev, &st);
	ok(st.sent == EVENTS_RATE_MAX + 2 + EVENTS_RATE_MAX / 1000 &&
	   strstr(a.text, "\"events.lost\""),
	   "1 ms later: %d more; the subscriber was told of the loss",
	   EVENTS_RATE_MAX / 1000);
	events_free(ev);
	sw_fini(&sw);
	rec_daemon = NULL;
}

/* --- formatting */

static void test_format(void)
{
	struct events_msg m = {
		.type = EVENTS_PORT_DOWN, .time_ms = 1234567,
		.port = "q\"b\\s\x01\xff\xc3\xa9", .reason = "",
		.vlan = -1, .index = -1, .is_static = -1, .count = -1,
	};
	char buf[EVENTS_LINE_MAX];
	uint32_t mask;
	json_t *j;
	int len;

	len = events_format(&m, buf, sizeof(buf));
	j = len > 0 ? json_loadb(buf, (size_t)len, 0, NULL) : NULL;
	ok(j && buf[len - 1] == '\n' &&
	   str_is(json_object_get(j, "params"), "port",
		  "q\"b\\s\x01?\xc3\xa9") &&
	   json_real_value(json_object_get(json_object_get(j, "params"),
					   "time")) == 1234.567,
	   "escaped: quote, backslash, control, bad byte, UTF-8: %s", buf);
	json_decref(j);
	ok(events_format(&m, buf, 40) == -EMSGSIZE, "too small: -EMSGSIZE");

	ok(!events_mask_parse("fdb.age", &mask) &&
	   mask == EVENTS_BIT(EVENTS_FDB_AGE) &&
	   !events_mask_parse("port", &mask) && mask == EVENTS_MASK_PORT &&
	   !events_mask_parse("all", &mask) && mask == EVENTS_MASK_ALL &&
	   events_mask_parse("events.lost", &mask) == -EINVAL &&
	   events_mask_parse("fdb.", &mask) == -EINVAL,
	   "names: a type, a kind, all; events.lost and others refused");
}

/* --- events.subscribe through the method table */

static json_t *call(struct ctl_context *ctx, const char *line)
{
	size_t len;
	char *reply = ctl_handle_line(ctx, line, strlen(line), &len);
	json_t *j = reply ? json_loadb(reply, len, 0, NULL) : NULL;

	free(reply);
	return j;
}

static const char *errno_of(json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(
		json_object_get(reply, "error"), "data"), "errno"));
}

static void test_method(void)
{
	struct sw_config cfg = { .fdb_max = 64, .ageing_ms = 300000,
				 .fdb_seed = 7 };
	struct ctl_context ctx = { 0 };
	static struct rec_sink a;
	static struct sw sw;
	struct daemon d = { .sw = &sw };
	json_t *r, *list;
	const char *e;

	sw_init(&sw, &cfg);
	rec_port_add(&sw, "tap0");
	ctx.sw = &sw;
	r = call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\"}");
	e = errno_of(r);
	ok(e && !strcmp(e, "EOPNOTSUPP"), "no connection: EOPNOTSUPP");
	json_decref(r);

	ctx.events = events_new(&d);
	rec_sink_init(&a);
	ctx.sink = &a.sink;
	r = call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
		 "\"params\":{\"events\":[\"fdb\",\"nope\"]}}");
	e = errno_of(r);
	ok(e && !strcmp(e, "EINVAL") && !events_is_subscribed(ctx.events, &a),
	   "an unknown name: EINVAL, not subscribed");
	json_decref(r);
	r = call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
		 "\"params\":{\"events\":\"fdb\"}}");
	e = errno_of(r);
	ok(e && !strcmp(e, "EINVAL"), "events not an array: EINVAL");
	json_decref(r);
	r = call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"events.subscribe\","
		 "\"params\":{\"events\":[\"port.down\",\"fdb.flush\"]}}");
	list = json_object_get(json_object_get(r, "result"), "events");
	ok(json_array_size(list) == 2 &&
	   !strcmp(json_string_value(json_array_get(list, 0)), "port.down") &&
	   events_is_subscribed(ctx.events, &a),
	   "two types: subscribed, the result lists them");
	json_decref(r);
	r = call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"events.subscribe\"}");
	list = json_object_get(json_object_get(r, "result"), "events");
	ok(json_array_size(list) == EVENTS_LOST, "no params: every type");
	json_decref(r);
	r = call(&ctx, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"fdb.add\",\"params\":"
		 "{\"mac\":\"52:54:00:00:00:01\",\"port\":\"tap0\"}}");
	json_decref(r);
	events_flush(ctx.events);
	ok(strstr(a.text, "\"type\":\"fdb.add\"") && count_lines(&a) == 1,
	   "fdb.add through the method: one fdb.add event");
	events_free(ctx.events);
	sw_fini(&sw);
}

int main(void)
{
	plan_tests(36);
	test_fdb_hook();
	test_events();
	test_rate();
	test_format();
	test_method();
	return exit_status();
}
