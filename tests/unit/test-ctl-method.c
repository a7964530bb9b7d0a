// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-ctl-method.c - control requests in, replies out, against a switch
 * with recording ports: the methods, their params and their errors.
 * (port.add opens real TAPs: the integration tests cover it.)
 */
#include "tapsw/tapsw.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "tapsw/ctl_method.h"
#include "tapsw/ctl_proto.h"
#include "tapsw/fdb.h"
#include "tapsw/switch.h"
#include "tap.h"
#include "rec-port.h"

static struct ctl_context ctx;

/* send @line, return the decoded reply (new reference) or NULL */
static json_t *call(const char *line)
{
	size_t len;
	char *reply = ctl_handle_line(&ctx, line, strlen(line), &len);
	json_t *j;

	if (!reply)
		return NULL;
	if (len == 0 || reply[len - 1] != '\n' || memchr(reply, '\n', len - 1)) {
		diag("reply is not one line: %s", reply);
		free(reply);
		return NULL;
	}
	j = json_loadb(reply, len, 0, NULL);
	free(reply);
	return j;
}

static json_t *result_of(json_t *reply)
{
	return json_object_get(reply, "result");
}

static bool is_error(json_t *reply, int code, const char *errname)
{
	json_t *e = json_object_get(reply, "error");
	const char *msg, *name;

	if (!e || json_object_get(reply, "result"))
		return false;
	msg = json_string_value(json_object_get(e, "message"));
	name = json_string_value(json_object_get(json_object_get(e, "data"),
						 "errno"));
	diag("error %lld %s: %s", (long long)json_integer_value(
		     json_object_get(e, "code")), name ? name : "-",
	     msg ? msg : "-");
	return json_integer_value(json_object_get(e, "code")) == code &&
	       msg && *msg && name && !strcmp(name, errname);
}

static bool check_error(const char *line, int code, const char *errname)
{
	json_t *r = call(line);
	bool ret = r && is_error(r, code, errname);

	json_decref(r);
	return ret;
}

int main(void)
{
	struct sw_config cfg = {
		.fdb_max = 128, .ageing_ms = 300000, .fdb_seed = 7,
	};
	static struct sw sw;
	json_t *r, *res, *e;
	const char *const *names;

	plan_tests(42);
	ok1(sw_init(&sw, &cfg) == 0);
	rec_port_add(&sw, "tap0");
	rec_port_add(&sw, "tap1");
	ctx.sw = &sw;
	ctx.socket_path = "/tmp/test.sock";
	ctx.start_ms = 1000;
	ctx.now_ms = 61000;

	r = call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"switch.show\"}");
	res = result_of(r);
	ok(res && json_integer_value(json_object_get(res, "uptime")) == 60 &&
	   json_integer_value(json_object_get(res, "ports")) == 2 &&
	   json_integer_value(json_object_get(res, "ageing")) == 300 &&
	   json_integer_value(json_object_get(r, "id")) == 1,
	   "switch.show: uptime, ports, ageing, id echoed");
	json_decref(r);

	r = call("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"port.list\",\"params\":{}}");
	res = json_object_get(result_of(r), "ports");
	ok(json_array_size(res) == 2 &&
	   !strcmp(json_string_value(json_object_get(json_array_get(res, 1), "name")), "tap1") &&
	   !strcmp(json_string_value(json_object_get(r, "id")), "a"),
	   "port.list lists both ports in order, string id echoed");
	e = json_array_get(res, 0);
	ok(e && json_object_get(e, "rx_packets") && json_object_get(e, "tx_bytes") &&
	   json_object_get(e, "drops") && json_object_get(e, "mtu") &&
	   json_is_object(json_object_get(e, "drop_reasons")) &&
	   !strcmp(json_string_value(json_object_get(e, "kind")), "tap") &&
	   !strcmp(json_string_value(json_object_get(e, "state")), "up"),
	   "a port has the documented keys");
	json_decref(r);

	/* fdb.add / show / del */
	r = call("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"fdb.add\",\"params\":"
		 "{\"mac\":\"52:54:00:AA:00:01\",\"port\":\"tap1\",\"vlan\":10}}");
	res = result_of(r);
	ok(res && !strcmp(json_string_value(json_object_get(res, "mac")), "52:54:00:aa:00:01") &&
	   json_is_true(json_object_get(res, "static")) &&
	   json_integer_value(json_object_get(res, "vlan")) == 10,
	   "fdb.add returns the static entry");
	json_decref(r);
	{
		const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01 };

		fdb_learn(sw.fdb, (const uint8_t *)"\x52\x54\x00\xaa\x00\x02",
			  0, 0, 1000, NULL);
		ok(fdb_lookup(sw.fdb, mac, 10, 1000) == 1, "static entry in the FDB");
	}
	r = call("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"fdb.show\"}");
	res = json_object_get(result_of(r), "entries");
	ok(json_array_size(res) == 2, "fdb.show: two entries");
	json_decref(r);
	r = call("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"fdb.show\",\"params\":{\"port\":\"tap0\"}}");
	res = json_object_get(result_of(r), "entries");
	e = json_array_get(res, 0);
	ok(json_array_size(res) == 1 &&
	   !strcmp(json_string_value(json_object_get(e, "port")), "tap0") &&
	   json_is_false(json_object_get(e, "static")) &&
	   json_integer_value(json_object_get(e, "age")) == 60 &&
	   json_integer_value(json_object_get(e, "vlan")) == 0,
	   "fdb.show port tap0: the learned entry, age 60 s");
	json_decref(r);
	r = call("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"fdb.show\",\"params\":{\"vlan\":10}}");
	ok(json_array_size(json_object_get(result_of(r), "entries")) == 1,
	   "fdb.show vlan 10: the static entry");
	json_decref(r);

	r = call("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"fdb.flush\"}");
	ok(json_integer_value(json_object_get(result_of(r), "flushed")) == 1,
	   "fdb.flush removes learned entries only");
	json_decref(r);
	r = call("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"fdb.del\",\"params\":"
		 "{\"mac\":\"52:54:00:aa:00:01\",\"vlan\":10}}");
	ok(json_is_object(result_of(r)), "fdb.del removes the static entry");
	json_decref(r);
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"fdb.del\",\"params\":"
		       "{\"mac\":\"52:54:00:aa:00:01\",\"vlan\":10}}",
		       CTL_ERR_SERVER, "ENOENT"), "fdb.del again: ENOENT");

	/* param errors */
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fdb.add\",\"params\":"
		       "{\"mac\":\"52:54:00:aa:00:01\",\"port\":\"tap9\"}}",
		       CTL_ERR_SERVER, "ENOENT"), "fdb.add to a missing port: ENOENT");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fdb.add\",\"params\":"
		       "{\"mac\":\"52:54:00:aa:00\",\"port\":\"tap0\"}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "fdb.add with a bad MAC");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fdb.add\",\"params\":"
		       "{\"mac\":\"01:00:5e:00:00:01\",\"port\":\"tap0\"}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "fdb.add of a multicast MAC");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fdb.add\",\"params\":"
		       "{\"mac\":\"52:54:00:aa:00:01\",\"port\":\"tap0\",\"vlan\":4095}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "fdb.add with VLAN 4095");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fdb.add\",\"params\":"
		       "{\"mac\":\"52:54:00:aa:00:01\",\"port\":1}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "fdb.add with a non-string port");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fdb.add\",\"params\":"
		       "{\"port\":\"tap0\"}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "fdb.add without mac");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"port.show\",\"params\":"
		       "{\"name\":\"tap0\",\"bogus\":1}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "unknown param refused");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"port.show\",\"params\":"
		       "{\"name\":\"tap9\"}}",
		       CTL_ERR_SERVER, "ENOENT"), "port.show of a missing port");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"port.add\",\"params\":"
		       "{\"name\":\"tap0\"}}",
		       CTL_ERR_SERVER, "EEXIST"), "port.add of an existing port");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"port.add\",\"params\":"
		       "{\"name\":\"x\",\"kind\":\"nosuch\"}}",
		       CTL_ERR_SERVER, "EOPNOTSUPP"), "port.add of an unknown kind");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"port.set\",\"params\":"
		       "{\"name\":\"tap0\",\"mtu\":70000}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "port.set MTU above 65535");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"nope\"}",
		       CTL_ERR_METHOD_NOT_FOUND, "EOPNOTSUPP"), "unknown method");
	ok(check_error("garbage", CTL_ERR_PARSE, "EBADMSG"), "garbage: parse error");
	ok(check_error("{\"jsonrpc\":\"1.0\",\"id\":6,\"method\":\"port.list\"}",
		       CTL_ERR_INVALID_REQUEST, "EINVAL"), "wrong version");

	/* port.set, stats, port.del */
	r = call("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"port.set\",\"params\":"
		 "{\"name\":\"tap0\",\"mtu\":9000}}");
	ok(json_integer_value(json_object_get(result_of(r), "mtu")) == 9000,
	   "port.set mtu 9000");
	json_decref(r);
	sw.active[0]->stats.rx_packets = 5;
	r = call("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"stats.show\"}");
	res = result_of(r);
	ok(json_is_object(json_object_get(res, "switch")) &&
	   json_is_object(json_object_get(res, "fdb")) &&
	   json_integer_value(json_object_get(json_array_get(json_object_get(res, "ports"), 0),
					      "rx_packets")) == 5,
	   "stats.show: switch, fdb, ports");
	json_decref(r);
	r = call("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"stats.clear\"}");
	json_decref(r);
	ok(sw.active[0]->stats.rx_packets == 0, "stats.clear zeroes counters");
	ok(call("{\"jsonrpc\":\"2.0\",\"method\":\"port.del\",\"params\":{\"name\":\"tap1\"}}") == NULL,
	   "a notification gets no reply");
	ok(sw.n_ports == 1, "... but it ran: port.del removed tap1");

	names = ctl_method_names();
	{
		unsigned int n = 0;

		while (names[n])
			n++;
		ok(n >= 12, "method table has %u methods", n);
	}
	r = call("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"fdb.flush\",\"params\":{\"static\":\"yes\"}}");
	ok(r && is_error(r, CTL_ERR_INVALID_PARAMS, "EINVAL"), "bool param type checked");
	json_decref(r);

	/* mirror.*: tap1 is gone; tap0 and a new tap2 */
	rec_port_add(&sw, "tap2");
	r = call("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"mirror.add\",\"params\":"
		 "{\"name\":\"m1\",\"src\":[\"tap0\"],\"vlan\":[20,10],\"output\":\"tap2\"}}");
	res = result_of(r);
	ok(res && !strcmp(json_string_value(json_object_get(res, "output")), "tap2") &&
	   json_is_true(json_object_get(res, "active")) &&
	   json_array_size(json_object_get(res, "src")) == 1 &&
	   json_array_size(json_object_get(res, "dst")) == 0 &&
	   json_integer_value(json_array_get(json_object_get(res, "vlan"), 0)) == 10 &&
	   json_integer_value(json_object_get(res, "frames")) == 0,
	   "mirror.add: the mirror, VLANs in order");
	json_decref(r);
	r = call("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"port.show\",\"params\":{\"name\":\"tap2\"}}");
	e = json_object_get(result_of(r), "mirror_output");
	ok(json_array_size(e) == 1 && !strcmp(json_string_value(json_array_get(e, 0)), "m1"),
	   "port.show of the output port: mirror_output [m1]");
	json_decref(r);
	r = call("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"mirror.list\"}");
	ok(json_array_size(json_object_get(result_of(r), "mirrors")) == 1, "mirror.list: one");
	json_decref(r);
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"mirror.add\",\"params\":"
		       "{\"name\":\"m1\",\"output\":\"tap2\"}}", CTL_ERR_SERVER, "EEXIST"),
	   "mirror.add: a taken name");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"mirror.add\",\"params\":"
		       "{\"name\":\"m2\",\"dst\":[\"tap9\"],\"output\":\"tap2\"}}",
		       CTL_ERR_SERVER, "ENOENT"), "mirror.add: no such port");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"mirror.add\",\"params\":"
		       "{\"name\":\"m2\",\"vlan\":[0],\"output\":\"tap2\"}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "mirror.add: VLAN 0");
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"mirror.add\",\"params\":"
		       "{\"name\":\"m2\",\"src\":\"tap0\",\"output\":\"tap2\"}}",
		       CTL_ERR_INVALID_PARAMS, "EINVAL"), "mirror.add: src not an array");
	r = call("{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"mirror.del\",\"params\":{\"name\":\"m1\"}}");
	ok(json_is_object(result_of(r)) && !sw.mirrors, "mirror.del");
	json_decref(r);
	/* no connection here: a capture cannot start */
	ok(check_error("{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"capture.start\",\"params\":"
		       "{\"port\":\"tap0\"}}", CTL_ERR_SERVER, "EOPNOTSUPP"),
	   "capture.start without a connection");

	sw_fini(&sw);
	return exit_status();
}
