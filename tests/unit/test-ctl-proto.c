// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-ctl-proto.c - the JSON-RPC codec and the line framing of the
 * control socket: good and bad requests (table-driven), line bounds and
 * arbitrary cuts of the byte stream, encode/decode round trips of requests
 * and responses, and the errno name table.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/ctl_proto.h"
#include "tap.h"

/* @text without its '\n', for a test description (a static copy) */
static const char *oneline(const char *text)
{
	static char buf[256];

	if (!text)
		return "(null)";
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(text, "\n"), text);
	return buf;
}

/* --- requests that decode */

static const struct {
	const char *line;
	const char *method;
	const char *id;		/* id as compact JSON, NULL: notification */
	size_t n_params;
} good[] = {
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"port.list\"}",
	  "port.list", "1", 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"port.show\","
	  "\"params\":{\"name\":\"tap0\"}}", "port.show", "2", 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"fdb.show\","
	  "\"params\":{}}", "fdb.show", "\"abc\"", 0 },
	{ "{\"method\":\"fdb.flush\",\"params\":{\"port\":\"a\",\"static\":true},"
	  "\"jsonrpc\":\"2.0\"}", "fdb.flush", NULL, 2 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}", "x", "null", 0 },
	{ "  {\"jsonrpc\" : \"2.0\", \"id\" : 9007199254740993,"
	  " \"method\" : \"\\u00e9t\\u00e9\"}  ", "\xc3\xa9t\xc3\xa9",
	  "9007199254740993", 0 },
};

static void test_good(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		struct ctl_request req;
		struct ctl_error err = { 0 };
		json_t *id = NULL;
		char *id_text = NULL;
		int ret;

		ret = ctl_request_decode(good[i].line, strlen(good[i].line),
					 &req, &err, &id);
		if (ret == 0 && req.id)
			id_text = json_dumps(req.id, JSON_ENCODE_ANY);
		ok(ret == 0 && id == NULL &&
		   !strcmp(req.method, good[i].method) &&
		   json_is_object(req.params) &&
		   json_object_size(req.params) == good[i].n_params &&
		   (good[i].id ? id_text && !strcmp(id_text, good[i].id) :
		    req.id == NULL),
		   "good request %u: %s", i, good[i].line);
		if (ret)
			diag("ret %d: %s", ret, err.message);
		free(id_text);
		ctl_request_free(&req);
	}
}

/* --- requests that do not */

static const struct {
	const char *name;
	const char *line;
	size_t len;		/* 0: strlen(line) */
	int ret;
	int code;
	const char *errname;
	const char *id;		/* id echoed in the error, as JSON, or NULL */
} bad[] = {
	{ "not JSON", "hello", 0, -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "empty line", "", 0, -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "truncated", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"port.li", 0,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "trailing garbage", "{\"jsonrpc\":\"2.0\",\"method\":\"a\"} x", 0,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "two objects", "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}{}", 0,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "duplicate key", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"method\":\"b\"}",
	  0, -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "NUL byte inside", "{\"jsonrpc\":\"2.0\",\0\"method\":\"a\"}", 33,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "NUL byte in a string",
	  "{\"jsonrpc\":\"2.0\",\"method\":\"a\0b\"}", 33,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "escaped NUL in a string",
	  "{\"jsonrpc\":\"2.0\",\"method\":\"a\\u0000b\"}", 0,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "invalid UTF-8", "{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}", 0,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "overlong UTF-8", "{\"jsonrpc\":\"2.0\",\"method\":\"\xc0\xaf\"}", 0,
	  -EBADMSG, CTL_ERR_PARSE, "EBADMSG", NULL },
	{ "array", "[{\"jsonrpc\":\"2.0\",\"method\":\"a\"}]", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", NULL },
	{ "bare string", "\"port.list\"", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", NULL },
	{ "wrong version", "{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"a\"}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "3" },
	{ "version as a number", "{\"jsonrpc\":2.0,\"id\":\"x\",\"method\":\"a\"}",
	  0, -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "\"x\"" },
	{ "no version", "{\"id\":4,\"method\":\"a\"}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "4" },
	{ "missing method", "{\"jsonrpc\":\"2.0\",\"id\":5}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "5" },
	{ "method not a string", "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":7}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "6" },
	{ "params an array",
	  "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"a\",\"params\":[1]}", 0,
	  -EINVAL, CTL_ERR_INVALID_PARAMS, "EINVAL", "7" },
	{ "params a string",
	  "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"a\",\"params\":\"x\"}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "8" },
	{ "params null",
	  "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"a\",\"params\":null}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "9" },
	{ "id an object", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"a\"}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", NULL },
	{ "id a bool", "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"a\"}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", NULL },
	{ "unknown member",
	  "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"a\",\"result\":{}}", 0,
	  -EINVAL, CTL_ERR_INVALID_REQUEST, "EINVAL", "10" },
};

static void test_bad(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].line);
		struct ctl_request req;
		struct ctl_error err = { 0 };
		json_t *id = NULL, *resp, *e;
		char *id_text = NULL;
		const char *name;
		int ret;

		ret = ctl_request_decode(bad[i].line, len, &req, &err, &id);
		/* what the daemon would send back */
		resp = ctl_response_error(id, &err);
		e = json_object_get(resp, "error");
		name = json_string_value(json_object_get(
				json_object_get(e, "data"), "errno"));
		id_text = json_dumps(json_object_get(resp, "id"),
				     JSON_ENCODE_ANY);
		ok(ret == bad[i].ret && err.code == bad[i].code &&
		   req.root == NULL && err.message[0] &&
		   name && !strcmp(name, bad[i].errname) &&
		   json_integer_value(json_object_get(e, "code")) ==
		   bad[i].code && id_text &&
		   !strcmp(id_text, bad[i].id ? bad[i].id : "null"),
		   "bad request: %s (%d %s: %s)", bad[i].name, ret,
		   name ? name : "-", err.message);
		free(id_text);
		json_decref(resp);
		json_decref(id);
	}
}

static void test_deep(void)
{
	enum { DEPTH = 100000 };
	struct ctl_request req;
	struct ctl_error err = { 0 };
	json_t *id = NULL;
	char *line = malloc(2 * DEPTH);
	int ret;

	memset(line, '[', DEPTH);
	memset(line + DEPTH, ']', DEPTH);
	ret = ctl_request_decode(line, 2 * DEPTH, &req, &err, &id);
	ok(ret == -EBADMSG && err.code == CTL_ERR_PARSE && !id,
	   "100000 nested arrays: parse error, no crash (%s)", err.message);
	memset(line, '{', DEPTH);
	ret = ctl_request_decode(line, DEPTH, &req, &err, &id);
	ok(ret == -EBADMSG && err.code == CTL_ERR_PARSE,
	   "100000 open braces: parse error");
	free(line);
}

/* --- error messages stay one line of valid UTF-8 */

static void test_messages(void)
{
	struct ctl_error err;
	json_t *resp;
	char *text;
	size_t len;

	/* "%.4s" cuts "é" in two, '\n' would split the line */
	ctl_error_set(&err, CTL_ERR_SERVER, -ENOENT, "port %.4s:\nno",
		      "abc\xc3\xa9");
	ok(err.errnum == ENOENT && !strchr(err.message, '\n') &&
	   !strcmp(err.message, "port abc?: no"),
	   "ctl_error_set: sign ignored, message cleaned: '%s'", err.message);
	resp = ctl_response_error(NULL, &err);
	text = resp ? ctl_dump_line(resp, &len) : NULL;
	ok(text && len == strlen(text) && text[len - 1] == '\n' &&
	   !memchr(text, '\n', len - 1) &&
	   !strcmp(text, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
		   "-32000,\"message\":\"port abc?: no\",\"data\":"
		   "{\"errno\":\"ENOENT\"}}}\n"),
	   "error response: %s", oneline(text));
	free(text);
	json_decref(resp);

	ctl_error_set(&err, CTL_ERR_INTERNAL, 0, "%s", "boom");
	resp = ctl_response_error(NULL, &err);
	ok(resp && !json_object_get(json_object_get(resp, "error"), "data"),
	   "errnum 0: no data member");
	json_decref(resp);
}

/* --- line framing */

static int feed(struct ctl_linebuf *lb, const char *data, size_t len,
		char out[][64], unsigned int *n, unsigned int max_out)
{
	char *line;
	ssize_t l;
	int ret = ctl_linebuf_append(lb, data, len);

	while ((l = ctl_linebuf_next(lb, &line)) >= 0) {
		if (*n < max_out && (size_t)l < 64 && strlen(line) == (size_t)l)
			memcpy(out[*n], line, (size_t)l + 1);
		(*n)++;
	}
	return ret;
}

static void test_linebuf_bounds(void)
{
	enum { MAX = 10000 };
	struct ctl_linebuf lb;
	char *big = malloc(MAX + 2), *line;
	char out[4][64];
	unsigned int n = 0;
	ssize_t l;
	int ret;

	memset(big, 'x', MAX + 1);
	big[MAX] = '\n';
	ok1(ctl_linebuf_init(&lb, MAX) == 0);
	ret = ctl_linebuf_append(&lb, big, MAX + 1);
	l = ctl_linebuf_next(&lb, &line);
	ok(ret == 0 && l == MAX && strlen(line) == MAX,
	   "a line of exactly max bytes passes");
	ok(lb.cap <= MAX + 1 + 1, "buffer stays near max + 1 (cap %zu)",
	   lb.cap);

	/* max bytes pending is fine: the '\n' may come next */
	ret = ctl_linebuf_append(&lb, big, MAX);
	ok(ret == 0 && ctl_linebuf_next(&lb, &line) == -EAGAIN,
	   "max bytes pending without '\\n': not yet an error");
	ret = ctl_linebuf_append(&lb, "y", 1);
	ok(ret == -EMSGSIZE, "max + 1 bytes pending: -EMSGSIZE at once");
	ok(ctl_linebuf_append(&lb, "\n", 1) == -EMSGSIZE &&
	   ctl_linebuf_next(&lb, &line) == -EAGAIN,
	   "the error is sticky; nothing of the overlong line comes out");
	ctl_linebuf_free(&lb);

	/* a complete overlong line, after good ones in the same chunk */
	ok1(ctl_linebuf_init(&lb, MAX) == 0);
	memset(big, 'z', MAX + 1);
	big[MAX + 1] = '\n';
	ret = feed(&lb, "ab\ncd\n", 6, out, &n, 4);
	ok(ret == 0 && n == 2, "two lines in one append");
	n = 0;
	ret = ctl_linebuf_append(&lb, "ef\ngh", 5);
	if (!ret)
		ret = ctl_linebuf_append(&lb, "\n", 1);
	ok1(ret == 0);
	ret = ctl_linebuf_append(&lb, big, MAX + 2);
	ok(ret == -EMSGSIZE, "complete line of max + 1 bytes: -EMSGSIZE");
	ret = feed(&lb, NULL, 0, out, &n, 4);
	ok(n == 2 && !strcmp(out[0], "ef") && !strcmp(out[1], "gh"),
	   "the good lines before it still come out");
	ctl_linebuf_free(&lb);

	/* CRLF, a lone '\r' inside, empty lines */
	ok1(ctl_linebuf_init(&lb, 4) == 0);
	n = 0;
	ret = feed(&lb, "ab\r\n\r\na\rb\n\n", 11, out, &n, 4);
	ok(ret == 0 && n == 4 && !strcmp(out[0], "ab") && !out[1][0] &&
	   !strcmp(out[2], "a\rb") && !out[3][0],
	   "CRLF stripped, inner '\\r' kept, empty lines returned");
	/* the bound counts the '\r': "abcd\r" is 5 bytes */
	ret = ctl_linebuf_append(&lb, "abcd\r\n", 6);
	ok(ret == -EMSGSIZE, "the '\\r' counts toward the bound");
	ctl_linebuf_free(&lb);
	free(big);
}

/* the same stream cut into every chunk size gives the same lines */
static void test_linebuf_split(void)
{
	static const char stream[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"port.list\"}\n"
		"\r\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"fdb.show\"}\r\n"
		"x\n"
		"partial";
	static const char *const want[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"port.list\"}",
		"",
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"fdb.show\"}",
		"x",
	};
	size_t chunk, off, len = sizeof(stream) - 1;
	bool all_good = true;

	for (chunk = 1; chunk <= len; chunk++) {
		struct ctl_linebuf lb;
		char out[8][64];
		unsigned int n = 0, i;
		int ret = ctl_linebuf_init(&lb, 64);

		memset(out, 0, sizeof(out));
		for (off = 0; !ret && off < len; off += chunk)
			ret = feed(&lb, stream + off, MIN(chunk, len - off),
				   out, &n, 8);
		if (ret || n != ARRAY_SIZE(want) ||
		    lb.len - lb.consumed != strlen("partial"))
			all_good = false;
		for (i = 0; all_good && i < ARRAY_SIZE(want); i++)
			if (strcmp(out[i], want[i]))
				all_good = false;
		if (!all_good) {
			diag("chunk %zu: ret %d, %u lines", chunk, ret, n);
			ctl_linebuf_free(&lb);
			break;
		}
		ctl_linebuf_free(&lb);
	}
	ok(all_good, "lines split across appends of every size 1..%zu", len);
}

/* a big line one byte at a time: scanned once, buffer grows to fit */
static void test_linebuf_bytewise(void)
{
	enum { LEN = 1 << 20 };
	struct ctl_linebuf lb;
	char *line;
	ssize_t l = -1;
	size_t i;
	int ret;

	ret = ctl_linebuf_init(&lb, 64u << 20);
	for (i = 0; !ret && i < LEN; i++)
		ret = ctl_linebuf_append(&lb, "a", 1);
	if (!ret)
		ret = ctl_linebuf_append(&lb, "\n", 1);
	if (!ret)
		l = ctl_linebuf_next(&lb, &line);
	ok(ret == 0 && l == LEN && lb.cap < 2 * LEN + 2,
	   "1 MiB line fed bytewise (cap %zu)", lb.cap);
	ctl_linebuf_free(&lb);
}

/* --- round trips */

static void test_request_roundtrip(void)
{
	struct ctl_request req;
	struct ctl_error err = { 0 };
	json_t *msg, *id = NULL;
	char *text;
	size_t len;
	int ret;

	msg = ctl_request_encode(42, "fdb.add",
				 json_pack("{s:s, s:s, s:i}",
					   "mac", "52:54:00:12:34:56",
					   "port", "tap0", "vlan", 10));
	text = msg ? ctl_dump_line(msg, &len) : NULL;
	json_decref(msg);
	ret = text ? ctl_request_decode(text, len - 1, &req, &err, &id) : -1;
	ok(ret == 0 && json_integer_value(req.id) == 42 &&
	   !strcmp(req.method, "fdb.add") &&
	   !strcmp(json_string_value(json_object_get(req.params, "mac")),
		   "52:54:00:12:34:56") &&
	   json_integer_value(json_object_get(req.params, "vlan")) == 10,
	   "request encode -> decode: %s", oneline(text));
	if (!ret)
		ctl_request_free(&req);
	free(text);

	msg = ctl_request_encode(-1, "switch.show", NULL);
	text = msg ? ctl_dump_line(msg, &len) : NULL;
	json_decref(msg);
	ret = text ? ctl_request_decode(text, len, &req, &err, &id) : -1;
	ok(ret == 0, "a '\\n' left on the line is only whitespace");
	if (!ret)
		ctl_request_free(&req);
	ret = text ? ctl_request_decode(text, len - 1, &req, &err, &id) : -1;
	ok(ret == 0 && json_integer_value(req.id) == -1 &&
	   json_object_size(req.params) == 0,
	   "request without params: decoded with empty params");
	if (!ret)
		ctl_request_free(&req);
	free(text);
}

static void test_response_roundtrip(void)
{
	struct ctl_error err = { 0 }, got;
	json_t *id = json_string("q"), *msg, *result = NULL;
	char *text;
	size_t len;
	int ret;

	msg = ctl_response_result(id, json_pack("{s:[{s:s}]}", "ports",
						"name", "tap0"));
	text = msg ? ctl_dump_line(msg, &len) : NULL;
	json_decref(msg);
	ret = text ? ctl_response_decode(text, len - 1, &result, &got) : -1;
	ok(ret == 0 && !strcmp(json_string_value(json_object_get(
		json_array_get(json_object_get(result, "ports"), 0), "name")),
		"tap0"), "result response round trip: %s", oneline(text));
	json_decref(result);
	free(text);

	msg = ctl_response_result(NULL, NULL);
	text = msg ? ctl_dump_line(msg, &len) : NULL;
	json_decref(msg);
	ok(text && !strcmp(text, "{\"jsonrpc\":\"2.0\",\"id\":null,"
			   "\"result\":{}}\n"),
	   "empty result: %s", oneline(text));
	free(text);

	ctl_error_set(&err, CTL_ERR_SERVER, ENOENT, "port tap9: no such port");
	msg = ctl_response_error(id, &err);
	text = msg ? ctl_dump_line(msg, &len) : NULL;
	json_decref(msg);
	ret = text ? ctl_response_decode(text, len - 1, &result, &got) : -1;
	ok(ret == -ENOENT && !result && got.code == CTL_ERR_SERVER &&
	   got.errnum == ENOENT &&
	   !strcmp(got.message, "port tap9: no such port"),
	   "error response round trip: -ENOENT, message kept");
	free(text);

	static const struct {
		const char *line;
		int ret;
	} resp[] = {
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,"
		  "\"message\":\"m\"}}", -EIO },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
		  "\"message\":\"m\",\"data\":{\"errno\":\"EWHAT\"}}}", -EIO },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
		  "\"message\":\"m\",\"data\":{\"errno\":\"EEXIST\"}}}", -EEXIST },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1,2]}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1}", -EPROTO },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
		  -EPROTO },
		{ "{\"jsonrpc\":\"2.0\",\"result\":{}}", -EPROTO },
		{ "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}", -EPROTO },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\","
		  "\"message\":\"m\"}}", -EPROTO },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"boom\"}", -EPROTO },
		{ "[]", -EPROTO },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"res", -EPROTO },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(resp); i++) {
		ret = ctl_response_decode(resp[i].line, strlen(resp[i].line),
					  &result, &got);
		ok(ret == resp[i].ret && (ret == 0) == (result != NULL) &&
		   (ret == 0 || got.message[0]),
		   "response %u -> %d (%s)", i, ret, ret ? got.message : "ok");
		json_decref(result);
	}
	json_decref(id);
}

/* --- errno names */

static void test_errno_names(void)
{
	static const int must[] = {
		EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, EBADF, EAGAIN,
		ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, ENODEV, ENOTDIR, EISDIR,
		EINVAL, ENFILE, EMFILE, ENOTTY, EFBIG, ENOSPC, EROFS, EMLINK,
		EPIPE, ERANGE, ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, ENODATA,
		ETIME, EPROTO, EBADMSG, EOVERFLOW, EBADFD, ENOTSOCK, EMSGSIZE,
		EPROTONOSUPPORT, EOPNOTSUPP, EADDRINUSE, EADDRNOTAVAIL,
		ENETDOWN, ENOBUFS, EISCONN, ENOTCONN, ETIMEDOUT, ECONNREFUSED,
		EHOSTUNREACH, EALREADY, EINPROGRESS, ECANCELED,
	};
	unsigned int i, bad_round = 0;
	const char *name;

	for (i = 0; i < ARRAY_SIZE(must); i++) {
		name = ctl_errno_name(must[i]);
		if (!name || ctl_errno_value(name) != must[i]) {
			diag("errno %d: %s", must[i], name ? name : "no name");
			bad_round++;
		}
	}
	ok(bad_round == 0, "%zu errno names round trip", ARRAY_SIZE(must));
	ok(!strcmp(ctl_errno_name(ENOENT), "ENOENT") &&
	   !strcmp(ctl_errno_name(-EEXIST), "EEXIST"),
	   "names for ENOENT and -EEXIST");
	ok(ctl_errno_name(0) == NULL && ctl_errno_name(4000) == NULL &&
	   ctl_errno_value("EWHAT") == 0 && ctl_errno_value(NULL) == 0 &&
	   ctl_errno_value("") == 0,
	   "unknown values give NULL, unknown names 0");
	ok(ctl_errno_value("EWOULDBLOCK") == EAGAIN &&
	   ctl_errno_value("ENOTSUP") == EOPNOTSUPP,
	   "aliases map to their numbers");
}

int main(void)
{
	/* tables, then deep, messages, bounds, split, bytewise,
	 * request and response round trips, errno names */
	plan_tests(ARRAY_SIZE(good) + ARRAY_SIZE(bad) + 2 + 3 + 14 + 1 + 1 +
		   3 + 3 + 12 + 4);
	test_good();
	test_bad();
	test_deep();
	test_messages();
	test_linebuf_bounds();
	test_linebuf_split();
	test_linebuf_bytewise();
	test_request_roundtrip();
	test_response_roundtrip();
	test_errno_names();
	return exit_status();
}
