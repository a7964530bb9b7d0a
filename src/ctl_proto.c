// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl_proto.c - the JSON-RPC 2.0 codec of the control socket, linked into
 * both tapswd and tapswctl.
 *
 * Decoding is strict: a request is one JSON object (no duplicate keys, no
 * NUL byte, valid UTF-8, nothing after it) with exactly the members
 * "jsonrpc" ("2.0"), "method" (string), and optionally "id" (number, string
 * or null) and "params" (object).  Anything else gets the error object of
 * docs/control-protocol.md, with the errno name in error.data.errno.
 *
 * The line buffer holds bytes as they arrive and hands out complete lines.
 * It remembers where the pending (unterminated) line starts, so each byte is
 * scanned once however the stream is cut, and refuses a line longer than
 * its bound as soon as the bound is passed, before it is buffered.
 * No I/O here: ctl.c and tapswctl.c own the sockets.
 */
#include "tapsw/tapsw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/ctl_proto.h"

enum {
	LINEBUF_INITIAL = 4096,
};

/* --- errno names */

#define E(x)	{ x, #x }
static const struct {
	int value;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(ENODATA), E(ETIME),
	E(ENOLINK), E(EPROTO), E(EBADMSG), E(EOVERFLOW), E(EBADFD),
	E(EILSEQ), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE),
	E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EOPNOTSUPP),
	E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN),
	E(ENETUNREACH), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS),
	E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
	E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ESTALE), E(EDQUOT), E(ECANCELED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE), E(ERFKILL),
};
#undef E

const char *ctl_errno_name(int errnum)
{
	unsigned int i;

	if (errnum < 0)
		errnum = -errnum;
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].value == errnum)
			return errno_names[i].name;
	return NULL;
}

int ctl_errno_value(const char *name)
{
	unsigned int i;

	if (!name)
		return 0;
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (!strcmp(errno_names[i].name, name))
			return errno_names[i].value;
	/* Linux aliases: same numbers under another name */
	if (!strcmp(name, "EWOULDBLOCK"))
		return EWOULDBLOCK;
	if (!strcmp(name, "ENOTSUP"))
		return ENOTSUP;
	if (!strcmp(name, "EDEADLOCK"))
		return EDEADLOCK;
	return 0;
}

/* --- messages */

size_t ctl_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned int c = s[0], cp, i;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * message_clean() - make @s one line of valid UTF-8, in place: control
 * characters become spaces, bytes that are not UTF-8 (such as a sequence
 * cut by "%.64s" or by truncation) become '?'.  json_string() refuses
 * invalid UTF-8, and an error we could not encode would be no reply at all.
 */
static void message_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), l;

	while (n) {
		l = ctl_utf8_seq_len(p, n);
		if (!l) {
			*p = '?';
			l = 1;
		} else if (l == 1 && (*p < 0x20 || *p == 0x7f)) {
			*p = ' ';
		}
		p += l;
		n -= l;
	}
}

void ctl_error_set(struct ctl_error *err, int code, int errnum,
		   const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->errnum = errnum < 0 ? -errnum : errnum;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	message_clean(err->message);
}

/* --- requests */

/*
 * ctl_request_decode() - see ctl_proto.h.  Error codes and errno names:
 * not JSON (or a NUL byte, or invalid UTF-8): CTL_ERR_PARSE, EBADMSG;
 * JSON but not a request: CTL_ERR_INVALID_REQUEST, EINVAL; params that are
 * an array: CTL_ERR_INVALID_PARAMS, EINVAL (tapsw methods take objects).
 * The return value is minus the errno in @err.
 */
int ctl_request_decode(const char *line, size_t len, struct ctl_request *req,
		       struct ctl_error *err, json_t **id_out)
{
	json_t *root, *v, *id = NULL;
	json_error_t jerr;
	const char *key;
	int ret;

	memset(req, 0, sizeof(*req));
	if (id_out)
		*id_out = NULL;

	if (memchr(line, '\0', len)) {
		ctl_error_set(err, CTL_ERR_PARSE, EBADMSG,
			      "parse error: NUL byte at offset %zu",
			      (size_t)((const char *)memchr(line, '\0', len) -
				       line));
		return -EBADMSG;
	}
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			  &jerr);
	if (!root) {
		ctl_error_set(err, CTL_ERR_PARSE, EBADMSG,
			      "parse error at offset %d: %s",
			      jerr.position, jerr.text);
		return -EBADMSG;
	}
	if (!json_is_object(root)) {
		ctl_error_set(err, CTL_ERR_INVALID_REQUEST, EINVAL,
			      "invalid request: not a JSON object");
		ret = -EINVAL;
		goto err_root;
	}

	/* the id first, so that later errors can carry it */
	v = json_object_get(root, "id");
	if (v) {
		if (!json_is_number(v) && !json_is_string(v) &&
		    !json_is_null(v)) {
			ctl_error_set(err, CTL_ERR_INVALID_REQUEST, EINVAL,
				      "invalid request: %s",
				      "id must be a number, a string or null");
			ret = -EINVAL;
			goto err_root;
		}
		id = v;
	}

	v = json_object_get(root, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0")) {
		ctl_error_set(err, CTL_ERR_INVALID_REQUEST, EINVAL,
			      "invalid request: \"jsonrpc\" must be \"2.0\"");
		ret = -EINVAL;
		goto err_id;
	}
	v = json_object_get(root, "method");
	if (!json_is_string(v)) {
		ctl_error_set(err, CTL_ERR_INVALID_REQUEST, EINVAL,
			      "invalid request: \"method\" must be a string");
		ret = -EINVAL;
		goto err_id;
	}
	req->method = json_string_value(v);

	v = json_object_get(root, "params");
	if (!v) {
		v = json_object();
		if (!v || json_object_set_new(root, "params", v)) {
			ctl_error_set(err, CTL_ERR_INTERNAL, ENOMEM,
				      "out of memory");
			ret = -ENOMEM;
			goto err_id;
		}
	} else if (json_is_array(v)) {
		ctl_error_set(err, CTL_ERR_INVALID_PARAMS, EINVAL,
			      "invalid params: %s",
			      "must be an object, not an array");
		ret = -EINVAL;
		goto err_id;
	} else if (!json_is_object(v)) {
		ctl_error_set(err, CTL_ERR_INVALID_REQUEST, EINVAL,
			      "invalid request: \"params\" must be an object");
		ret = -EINVAL;
		goto err_id;
	}
	req->params = v;

	json_object_foreach(root, key, v) {
		if (strcmp(key, "jsonrpc") && strcmp(key, "id") &&
		    strcmp(key, "method") && strcmp(key, "params")) {
			ctl_error_set(err, CTL_ERR_INVALID_REQUEST, EINVAL,
				      "invalid request: unknown member "
				      "\"%.64s\"", key);
			ret = -EINVAL;
			goto err_id;
		}
	}

	req->root = root;
	req->id = id;
	return 0;

err_id:
	if (id_out && id)
		*id_out = json_incref(id);
err_root:
	memset(req, 0, sizeof(*req));
	json_decref(root);
	return ret;
}

void ctl_request_free(struct ctl_request *req)
{
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

json_t *ctl_request_encode(json_int_t id, const char *method, json_t *params)
{
	json_t *msg;

	msg = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", id,
			"method", method);
	if (!msg) {
		json_decref(params);
		return NULL;
	}
	if (params && json_object_set_new(msg, "params", params)) {
		json_decref(msg);
		return NULL;
	}
	return msg;
}

/* --- responses */

static json_t *response_new(json_t *id)
{
	return json_pack("{s:s, s:O}", "jsonrpc", "2.0",
			 "id", id ? id : json_null());
}

json_t *ctl_response_result(json_t *id, json_t *result)
{
	json_t *msg = response_new(id);

	if (!result)
		result = json_object();
	if (!msg || !result) {
		json_decref(result);
		json_decref(msg);
		return NULL;
	}
	if (json_object_set_new(msg, "result", result)) {
		json_decref(msg);
		return NULL;
	}
	return msg;
}

json_t *ctl_response_error(json_t *id, const struct ctl_error *err)
{
	const char *name = ctl_errno_name(err->errnum);
	char message[sizeof(err->message)];
	json_t *msg, *e;

	/* whoever filled @err, send one line of valid UTF-8 */
	snprintf(message, sizeof(message), "%s",
		 err->message[0] ? err->message : "error");
	message_clean(message);

	e = json_pack("{s:i, s:s}", "code", err->code ? err->code :
		      CTL_ERR_INTERNAL, "message", message);
	if (e && err->errnum && name &&
	    json_object_set_new(e, "data", json_pack("{s:s}", "errno", name))) {
		json_decref(e);
		e = NULL;
	}
	msg = response_new(id);
	if (!msg || !e || json_object_set_new(msg, "error", e)) {
		if (msg)
			json_decref(msg);
		else
			json_decref(e);
		return NULL;
	}
	return msg;
}

static int response_invalid(struct ctl_error *err, const char *why)
{
	ctl_error_set(err, CTL_ERR_PARSE, EPROTO,
		      "invalid response from tapswd: %s", why);
	return -EPROTO;
}

int ctl_response_decode(const char *line, size_t len, json_t **result,
			struct ctl_error *err)
{
	json_t *root, *res, *e, *code, *message, *data, *name;
	json_error_t jerr;
	int ret;

	*result = NULL;
	memset(err, 0, sizeof(*err));
	if (memchr(line, '\0', len))
		return response_invalid(err, "NUL byte");
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			  &jerr);
	if (!root)
		return response_invalid(err, jerr.text);
	if (!json_is_object(root)) {
		ret = response_invalid(err, "not a JSON object");
		goto out;
	}
	if (!json_is_string(json_object_get(root, "jsonrpc")) ||
	    strcmp(json_string_value(json_object_get(root, "jsonrpc")),
		   "2.0")) {
		ret = response_invalid(err, "\"jsonrpc\" is not \"2.0\"");
		goto out;
	}
	if (!json_object_get(root, "id")) {
		ret = response_invalid(err, "no \"id\"");
		goto out;
	}
	res = json_object_get(root, "result");
	e = json_object_get(root, "error");
	if (!res == !e) {
		ret = response_invalid(err,
				       "needs one of \"result\" and \"error\"");
		goto out;
	}
	if (res) {
		*result = json_incref(res);
		ret = 0;
		goto out;
	}

	code = json_object_get(e, "code");
	message = json_object_get(e, "message");
	data = json_object_get(e, "data");
	if (!json_is_object(e) || !json_is_integer(code) ||
	    !json_is_string(message) || (data && !json_is_object(data) &&
					 !json_is_null(data))) {
		ret = response_invalid(err, "malformed \"error\"");
		goto out;
	}
	name = json_object_get(data, "errno");
	ctl_error_set(err, (int)json_integer_value(code),
		      ctl_errno_value(json_string_value(name)), "%s",
		      json_string_value(message));
	ret = err->errnum ? -err->errnum : -EIO;
out:
	json_decref(root);
	return ret;
}

char *ctl_dump_line(const json_t *msg, size_t *len)
{
	char *text, *line;
	size_t n;

	text = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return NULL;
	/* compact output escapes control characters: no '\n' inside */
	n = strlen(text);
	line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	if (len)
		*len = n + 1;
	return line;
}

/* --- line framing */

int ctl_linebuf_init(struct ctl_linebuf *lb, size_t max)
{
	memset(lb, 0, sizeof(*lb));
	lb->max = max;
	lb->cap = max < LINEBUF_INITIAL ? max + 1 : LINEBUF_INITIAL;
	lb->buf = malloc(lb->cap);
	if (!lb->buf) {
		lb->cap = 0;
		return -ENOMEM;
	}
	return 0;
}

void ctl_linebuf_free(struct ctl_linebuf *lb)
{
	free(lb->buf);
	memset(lb, 0, sizeof(*lb));
}

static int linebuf_reserve(struct ctl_linebuf *lb, size_t need)
{
	size_t cap = lb->cap ? lb->cap : LINEBUF_INITIAL;
	char *buf;

	if (need <= lb->cap)
		return 0;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* while no complete line is held, max + 1 bytes always suffice */
	if (cap > lb->max + 1 && need <= lb->max + 1)
		cap = lb->max + 1;
	buf = realloc(lb->buf, cap);
	if (!buf)
		return -ENOMEM;
	lb->buf = buf;
	lb->cap = cap;
	return 0;
}

/*
 * ctl_linebuf_append() - see ctl_proto.h.  Every line (complete or pending)
 * is held to max bytes before its '\n' (a '\r' counts).  On -EMSGSIZE the
 * complete lines before the overlong one stay available to
 * ctl_linebuf_next(), the overlong one is dropped, and every later append
 * fails the same way: the stream cannot be resynchronised.
 */
int ctl_linebuf_append(struct ctl_linebuf *lb, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl, *last = NULL;
	size_t pending, keep = len;
	int ret;

	if (lb->error)
		return lb->error;

	/* drop the lines already handed out */
	if (lb->consumed) {
		memmove(lb->buf, lb->buf + lb->consumed,
			lb->len - lb->consumed);
		lb->len -= lb->consumed;
		lb->partial -= lb->consumed;
		lb->consumed = 0;
	}

	/* check every line the new bytes complete or extend */
	pending = lb->len - lb->partial;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (pending + (size_t)((nl ? nl : end) - p) > lb->max) {
			lb->error = -EMSGSIZE;
			keep = (size_t)(p - data); /* to the last '\n' */
			if (!keep)	/* the overlong line was pending */
				lb->len = lb->partial;
			break;
		}
		if (!nl)
			break;
		p = last = nl + 1;
		pending = 0;
	}

	ret = linebuf_reserve(lb, lb->len + keep);
	if (ret)
		return ret;
	if (keep)
		memcpy(lb->buf + lb->len, data, keep);
	lb->len += keep;
	if (last)
		lb->partial = lb->len - (size_t)(data + keep - last);
	return lb->error;
}

ssize_t ctl_linebuf_next(struct ctl_linebuf *lb, char **line)
{
	char *start = lb->buf + lb->consumed, *nl;
	size_t n;

	/* complete lines all lie before the pending one */
	if (lb->consumed >= lb->partial)
		return -EAGAIN;
	nl = memchr(start, '\n', lb->partial - lb->consumed);
	if (!nl)
		return -EAGAIN;	/* cannot happen: partial follows a '\n' */
	n = (size_t)(nl - start);
	lb->consumed += n + 1;
	*nl = '\0';
	if (n && start[n - 1] == '\r')
		start[--n] = '\0';
	*line = start;
	return (ssize_t)n;
}
