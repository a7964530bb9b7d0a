/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_method.h - the control methods: one request in, one response out,
 * against the switch's API.
 *
 * This is where JSON meets the switch: params are checked and turned into
 * calls to port/fdb/switch functions, results into JSON objects.  No
 * sockets here (ctl.c carries the lines), so the fuzzer and the unit tests
 * drive it directly.
 */
#ifndef TAPSW_CTL_METHOD_H
#define TAPSW_CTL_METHOD_H

#include "tapsw.h"

#include <jansson.h>

struct daemon;
struct sw;
struct events;
struct events_sink;
struct ctl_error;
struct capture;
struct capture_sink;

/* the control server's own counters (ctl.c), for switch.show */
struct ctl_stats {
	unsigned int clients;	/* connected now */
	uint64_t refused;	/* over the limit, none idle to make room */
	uint64_t evicted;	/* idle, closed to make room for a new one */
	uint64_t dropped;	/* not reading their replies; overlong line */
};

struct ctl_context {
	struct daemon *daemon;	/* port.add opens ports with it */
	struct sw *sw;
	const struct ctl_stats *stats;	/* the server's */
	const char *socket_path;
	uint64_t start_ms;	/* the loop clock at start-up, for uptime */
	uint64_t now_ms;	/* the loop clock now: set before each request */
	const char *state_path;	/* --state FILE, saved after each change */
	/* events.subscribe: the notifier (or NULL), the requesting client */
	struct events *events;
	const struct events_sink *sink;
	/* capture.start: the captures (or NULL), the requesting client */
	struct capture *capture;
	const struct capture_sink *csink;
};

/**
 * ctl_handle_line() - Decode one request line, run it, encode the reply.
 * @ctx: The daemon, the switch, the server and the requesting client.
 * @line: The request line.
 * @len: Its length.
 * @out_len: The reply's length, on return.
 *
 * Return: the reply line ('\n'-terminated, malloc()ed), or NULL when there
 * is nothing to send (a notification).
 */
char *ctl_handle_line(struct ctl_context *ctx, const char *line, size_t len,
		      size_t *out_len);

/** ctl_method_names() - The method table's names, NULL-terminated. */
const char *const *ctl_method_names(void);

/**
 * ctl_param_uint() - An optional integer param from 0 to @max.
 * @params: The request's params.
 * @key: Its name.
 * @max: The largest value taken.
 * @out: The value, when given.
 * @err: An invalid-params error, when bad.
 *
 * Return: 1 given, 0 absent, -EINVAL bad.
 */
int ctl_param_uint(json_t *params, const char *key, uint64_t max,
		   uint64_t *out, struct ctl_error *err);

/**
 * ctl_param_bool() - An optional boolean param.
 * @params: The request's params.
 * @key: Its name.
 * @out: The value, when given.
 * @err: An invalid-params error, when bad.
 *
 * Return: 1 given, 0 absent, -EINVAL bad.
 */
int ctl_param_bool(json_t *params, const char *key, bool *out,
		   struct ctl_error *err);

#endif /* TAPSW_CTL_METHOD_H */
