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

/**
 * ctl_request_decode() - Parse one request line.
 * @line: The line, without its '\n'.
 * @len: Its length.
 * @req: The request, on success.
 * @err: On failure, the JSON-RPC error to send back.
 * @id_out: On failure, the request id when one could be read (new
 *          reference, or NULL); on success NULL.
 *
 * A request is one JSON object with "jsonrpc":"2.0", "method" (string),
 * optionally "id" (number, string or null) and "params" (object; absent
 * gives an empty one), and no other member.
 *
 * Return: 0, or a negative errno, as in docs/control-protocol.md:
 *   -EBADMSG  CTL_ERR_PARSE: not JSON, trailing bytes, a duplicate key, a
 *             NUL byte, invalid UTF-8, nesting deeper than jansson's 2048;
 *   -EINVAL   CTL_ERR_INVALID_REQUEST: JSON but not a request (not an
 *             object, wrong version, bad id/method/params type, unknown
 *             member); CTL_ERR_INVALID_PARAMS when params is an array.
 */
int ctl_request_decode(const char *line, size_t len, struct ctl_request *req,
		       struct ctl_error *err, json_t **id_out);
void ctl_request_free(struct ctl_request *req);

/**
 * ctl_request_encode() - Build a request.
 * @id: Its "id".
 * @method: Its "method".
 * @params: Its "params": stolen; may be NULL.
 *
 * {"jsonrpc":"2.0","id":id,"method":..,"params":..}
 *
 * Return: a new reference, or NULL.
 */
json_t *ctl_request_encode(json_int_t id, const char *method, json_t *params);

/**
 * ctl_response_result() - A success response.
 * @id: The request's id.
 * @result: Its result: stolen (NULL = {}).
 *
 * Return: a new reference, or NULL.
 */
json_t *ctl_response_result(json_t *id, json_t *result);

/**
 * ctl_response_error() - An error response.
 * @id: The request's id; may be NULL (sent as null).
 * @err: The error.
 *
 * error.data.errno is left out when errnum is 0 or has no name.  The
 * message is sent as one line of valid UTF-8 whatever @err holds.
 *
 * Return: a new reference, or NULL.
 */
json_t *ctl_response_error(json_t *id, const struct ctl_error *err);

/**
 * ctl_error_set() - Fill in an error.
 * @err: The error.
 * @code: Its JSON-RPC code.
 * @errnum: Its errno; the sign is ignored.
 * @fmt: A printf-style format for its message.
 * @...: Its arguments.
 *
 * The message is truncated to fit, with control characters made spaces and
 * bytes that are not UTF-8 (a "%.64s" can cut a character) made '?'.
 */
void ctl_error_set(struct ctl_error *err, int code, int errnum,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * ctl_response_decode() - Parse a response line (client side).
 * @line: The line.
 * @len: Its length.
 * @result: The result (new reference), on success.
 * @err: The error, on failure.
 *
 * @err's message is set for -EPROTO too, so a client can always print it.
 *
 * Return: 0; -EPROTO if the line is not a valid response; or, for an error
 * response, the negative errno from error.data.errno (-EIO if none or
 * unknown) with @err filled.
 */
int ctl_response_decode(const char *line, size_t len, json_t **result,
			struct ctl_error *err);

/**
 * ctl_dump_line() - A message as one line.
 * @msg: The message.
 * @len: If not NULL, receives the length including the '\n'.
 *
 * Return: compact JSON text plus '\n', malloc()ed, or NULL.
 */
char *ctl_dump_line(const json_t *msg, size_t *len);

/**
 * ctl_utf8_seq_len() - Length of the valid UTF-8 sequence at @s.
 * @s: The bytes.
 * @n: How many are available.
 *
 * Overlong forms and surrogates are refused, as jansson does.
 *
 * Return: the sequence's length, or 0 if it is not one.
 */
size_t ctl_utf8_seq_len(const unsigned char *s, size_t n);

/**
 * ctl_errno_name() - The name of an errno value ("ENOENT").
 * @errnum: The value; its sign is ignored.
 *
 * Linux aliases (EWOULDBLOCK, ENOTSUP, EDEADLOCK) are never produced.
 *
 * Return: the name, or NULL for an unknown value.
 */
const char *ctl_errno_name(int errnum);

/**
 * ctl_errno_value() - The errno value of a name ("ENOENT").
 * @name: The name; Linux aliases (EWOULDBLOCK, ENOTSUP, EDEADLOCK) are
 *        understood.
 *
 * Return: the value, or 0 for an unknown name.
 */
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
/**
 * ctl_linebuf_append() - Append bytes as they arrive.
 * @lb: The line buffer.
 * @data: The bytes.
 * @len: How many.
 *
 * Return: 0, -ENOMEM, or -EMSGSIZE once the pending partial line exceeds max.
 */
int ctl_linebuf_append(struct ctl_linebuf *lb, const char *data, size_t len);
/**
 * ctl_linebuf_next() - Take out the next complete line.
 * @lb: The line buffer.
 * @line: The line, NUL-terminated in place with its '\n' (and a trailing
 *        '\r') removed; valid until the next append.
 *
 * Return: its length, or -EAGAIN when no complete line is buffered.
 */
ssize_t ctl_linebuf_next(struct ctl_linebuf *lb, char **line);

#endif /* TAPSW_CTL_PROTO_H */
