// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port_poll.c - a port backend's fd, watched by the event loop (port_poll.h).
 *
 * libuv frees nothing of ours and may still touch the handle until its
 * close callback has run: the fd and the memory of the port that embeds the
 * handle go only then.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tapsw/port_poll.h"

int port_poll_init(struct port_poll *pp, uv_loop_t *loop, int fd,
		   void *owner, char *why, size_t whylen)
{
	int ret = uv_poll_init(loop, &pp->handle, fd);

	if (ret) {
		snprintf(why, whylen, "cannot poll: %s", uv_strerror(ret));
		return ret;
	}
	pp->fd = fd;
	pp->handle.data = owner;
	return 0;
}

int port_poll_start(struct port_poll *pp, uv_poll_cb cb, char *why,
		    size_t whylen)
{
	int ret = uv_poll_start(&pp->handle, UV_READABLE, cb);

	if (ret)
		snprintf(why, whylen, "cannot poll: %s", uv_strerror(ret));
	return ret;
}

static void port_poll_closed(uv_handle_t *h)
{
	struct port_poll *pp = (struct port_poll *)h;

	close(pp->fd);
	free(h->data);
}

void port_poll_close(struct port_poll *pp)
{
	uv_close((uv_handle_t *)&pp->handle, port_poll_closed);
}
