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

/*
 * port_poll_init() - watch @fd on @loop for @owner (the backend's struct,
 * allocated with malloc(): port_poll_close() frees it).  0, or a negative
 * errno with a reason in @why; @fd is the caller's to close then.
 */
int port_poll_init(struct port_poll *pp, uv_loop_t *loop, int fd,
		   void *owner, char *why, size_t whylen);

/* port_poll_start() - call @cb when the fd is readable.  0 or as above. */
int port_poll_start(struct port_poll *pp, uv_poll_cb cb, char *why,
		    size_t whylen);

/*
 * port_poll_close() - stop watching; once libuv has let go of the handle,
 * close the fd and free the owner.
 */
void port_poll_close(struct port_poll *pp);

#endif /* TAPSW_PORT_POLL_H */
