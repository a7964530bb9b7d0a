/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_poll.h - a port backend's fd, watched by the event loop: set up,
 * started, and closed with the backend's memory once libuv lets go.
 */
#ifndef TAPSW_PORT_POLL_H
#define TAPSW_PORT_POLL_H

#include "tapsw.h"

#include <uv.h>

struct port_poll {
	uv_poll_t handle;	/* handle.data: the backend's port */
	int fd;
};

/**
 * port_poll_init() - Watch @fd on @loop for @owner.
 * @pp: The watch.
 * @loop: The loop.
 * @fd: The fd.
 * @owner: The backend's struct, allocated with malloc(): port_poll_close()
 *         frees it.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, or a negative errno with a reason in @why; @fd is the caller's
 * to close then.
 */
int port_poll_init(struct port_poll *pp, uv_loop_t *loop, int fd,
		   void *owner, char *why, size_t whylen);

/**
 * port_poll_start() - Call @cb when the fd is readable.
 * @pp: The watch.
 * @cb: The callback.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, or a negative errno with a reason in @why.
 */
int port_poll_start(struct port_poll *pp, uv_poll_cb cb, char *why,
		    size_t whylen);

/**
 * port_poll_close() - Stop watching.
 * @pp: The watch.
 *
 * Once libuv has let go of the handle, the fd is closed and the owner
 * freed.
 */
void port_poll_close(struct port_poll *pp);

#endif /* TAPSW_PORT_POLL_H */
