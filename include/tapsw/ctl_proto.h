/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_proto.h - the control protocol codec, shared by tapswd and tapswctl.
 *
 * JSON-RPC 2.0, one JSON object per line ('\n'), over a UNIX stream socket.
 * See docs/control-protocol.md for the methods.  This file knows the
 * envelope (jsonrpc/id/method/params, result/error), the line framing with
 * its length bound, and the mapping between errno values, their names and
 * JSON-RPC error codes.  It does no I/O.
 *
 * Errors carry a message a person understands and, in error.data.errno, the
 * errno name ("ENOENT"), so scripts can match on it.
 */
#ifndef TAPSW_CTL_PROTO_H
#define TAPSW_CTL_PROTO_H

#include "tapsw.h"

#include <sys/types.h>
#include <jansson.h>

enum {
	CTL_LINE_MAX = 64 * 1024,	/* longest request line, '\n' excluded */
};

/* JSON-RPC 2.0 error codes */
enum ctl_error_code {
	CTL_ERR_PARSE = -32700,		/* not JSON */
	CTL_ERR_INVALID_REQUEST = -32600, /* JSON, but not a request */
	CTL_ERR_METHOD_NOT_FOUND = -32601,
	CTL_ERR_INVALID_PARAMS = -32602,
	CTL_ERR_INTERNAL = -32603,
	CTL_ERR_SERVER = -32000,	/* the method failed; see data.errno */
};

/* a decoded request; every json_t is borrowed from root */
struct ctl_request {
	json_t *root;		/* owned: ctl_request_free() drops it */
	json_t *id;		/* NULL for a notification (no reply); a JSON
				 * null for "id":null, which is answered */
	const char *method;
	json_t *params;		/* always an object (empty when absent) */
};

/* a decoded or to-be-sent error */
struct ctl_error {
	int code;		/* enum ctl_error_code */
	int errnum;		/* positive errno, 0 if none */
	char message[256];
};

/*
 * ctl_request_decode() - parse one request line (no '\n').
 * Returns 0 and fills @req, or a negative errno and fills @err with the
 * JSON-RPC error to send back; *@id_out then holds the request id when one
 * could be read (new reference, or NULL).  On success *@id_out is NULL.
 *
 * A request is one JSON object with "jsonrpc":"2.0", "method" (string),
 * optionally "id" (number, string or null) and "params" (object; absent
 * gives an empty one), and no other member.  Errors, as in
 * docs/control-protocol.md:
 *   -EBADMSG  CTL_ERR_PARSE: not JSON, trailing bytes, a duplicate key, a
 *             NUL byte, invalid UTF-8, nesting deeper than jansson's 2048;
 *   -EINVAL   CTL_ERR_INVALID_REQUEST: JSON but not a request (not an
 *             object, wrong version, bad id/method/params type, unknown
 *             member); CTL_ERR_INVALID_PARAMS when params is an array.
 */
int ctl_request_decode(const char *line, size_t len, struct ctl_request *req,
		       struct ctl_error *err, json_t **id_out);
void ctl_request_free(struct ctl_request *req);

/* ctl_request_encode() - {"jsonrpc":"2.0","id":id,"method":..,"params":..}
 * Steals @params (may be NULL).  Returns a new reference or NULL. */
json_t *ctl_request_encode(json_int_t id, const char *method, json_t *params);

/* ctl_response_result() - success response; steals @result (NULL = {}). */
json_t *ctl_response_result(json_t *id, json_t *result);

/*
 * ctl_response_error() - error response from @err; @id may be NULL (sent as
 * null).  error.data.errno is left out when errnum is 0 or has no name.
 * The message is sent as one line of valid UTF-8 whatever @err holds.
 */
json_t *ctl_response_error(json_t *id, const struct ctl_error *err);

/*
 * ctl_error_set() - fill @err: @code, errno @errnum (sign ignored) and a
 * printf-style message, truncated to fit, with control characters made
 * spaces and bytes that are not UTF-8 (a "%.64s" can cut a character)
 * made '?'.
 */
void ctl_error_set(struct ctl_error *err, int code, int errnum,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * ctl_response_decode() - parse a response line (client side).
 * Returns 0 with *@result (new reference) on success; -EPROTO if the line is
 * not a valid response; or, for an error response, the negative errno from
 * error.data.errno (-EIO if none or unknown) with @err filled.  @err's
 * message is set for -EPROTO too, so a client can always print it.
 */
int ctl_response_decode(const char *line, size_t len, json_t **result,
			struct ctl_error *err);

/*
 * ctl_dump_line() - compact JSON text plus '\n', malloc()ed, or NULL.
 * *@len (if not NULL) receives the length including the '\n'.
 */
char *ctl_dump_line(const json_t *msg, size_t *len);

/*
 * ctl_utf8_seq_len() - length of the valid UTF-8 sequence at @s (at most
 * @n bytes available), or 0 if it is not one.  Overlong forms and
 * surrogates are refused, as jansson does.
 */
size_t ctl_utf8_seq_len(const unsigned char *s, size_t n);

/*
 * errno <-> name ("ENOENT"); unknown names give 0, unknown values NULL.
 * The sign of @errnum is ignored.  Linux aliases (EWOULDBLOCK, ENOTSUP,
 * EDEADLOCK) are understood but never produced.
 */
const char *ctl_errno_name(int errnum);
int ctl_errno_value(const char *name);

/*
 * Line framing.  Bytes are appended as they arrive; complete lines are taken
 * out one by one.  A line longer than the bound is an error (-EMSGSIZE):
 * the server replies with an error and closes that client.
 *
 * The bound counts the bytes before the '\n' (a '\r' included), so a
 * pending line is refused as soon as it holds max + 1 bytes: memory stays
 * at max + 1 plus the complete lines not yet taken out.  Each byte is
 * scanned once, however the stream is cut.  After -EMSGSIZE the complete
 * lines that came before the overlong one can still be taken out; every
 * later append fails again (the stream cannot be resynchronised).
 */
struct ctl_linebuf {
	char *buf;
	size_t len;		/* bytes held */
	size_t cap;		/* bytes allocated */
	size_t max;		/* longest line allowed, '\n' excluded */
	size_t consumed;	/* bytes of buf already returned as lines */
	size_t partial;		/* where the pending line starts */
	int error;		/* sticky -EMSGSIZE once a line was too long */
};

int ctl_linebuf_init(struct ctl_linebuf *lb, size_t max);
void ctl_linebuf_free(struct ctl_linebuf *lb);
/* 0, -ENOMEM, or -EMSGSIZE once the pending partial line exceeds max */
int ctl_linebuf_append(struct ctl_linebuf *lb, const char *data, size_t len);
/*
 * ctl_linebuf_next() - the next complete line, NUL-terminated in place with
 * its '\n' (and a trailing '\r') removed; valid until the next append.
 * Returns its length, or -EAGAIN when no complete line is buffered.
 */
ssize_t ctl_linebuf_next(struct ctl_linebuf *lb, char **line);

#endif /* TAPSW_CTL_PROTO_H */
