/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - the control socket server: a UNIX stream listener on the libuv
 * loop, line framing per client, replies queued with a bound.
 */
#ifndef TAPSW_CTL_H
#define TAPSW_CTL_H

#include "tapsw.h"

#include <sys/types.h>
#include <uv.h>

struct daemon;
struct sw;
struct ctl_server;
struct events;
struct capture;

struct ctl_server_config {
	const char *path;
	long group;		/* chown the socket to this gid, or -1 */
	const char *state_path;	/* --state FILE, or NULL */
	struct events *events;	/* for events.subscribe, or NULL */
	struct capture *capture;	/* for capture.start, or NULL */
};

/**
 * ctl_server_start() - Start the control socket server.
 * @d: The daemon: loop, switch, backends' state.
 * @cfg: The socket's path and group, the state file, the notifier.
 * @srvp: The server, on success.
 * @why: A message, on failure.
 * @whylen: Size of @why.
 *
 * Create the socket's directory (0750, group @cfg->group) if missing,
 * refuse to start if another tapswd answers on @cfg->path, replace a stale
 * socket, listen (mode 0660, group @cfg->group).
 *
 * Return: 0, or a negative errno with a message in @why.
 */
int ctl_server_start(struct daemon *d, const struct ctl_server_config *cfg,
		     struct ctl_server **srvp, char *why, size_t whylen);
/**
 * ctl_server_stop() - Close the listener and every client, unlink the socket.
 * @srv: The server.
 */
void ctl_server_stop(struct ctl_server *srv);

#endif /* TAPSW_CTL_H */
