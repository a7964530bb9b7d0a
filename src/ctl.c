// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl.c - the control socket: accept clients, cut their bytes into lines,
 * hand each line to ctl_handle_line(), queue the replies.
 *
 * Every client is bounded so none can hurt the switch or the others:
 *  - a request line longer than CTL_LINE_MAX gets an EMSGSIZE error and the
 *    client is closed once the reply is written;
 *  - replies a client does not read pile up in libuv's write queue; once
 *    more than CTL_CLIENT_OUTQ_HIGH are waiting, its requests are no
 *    longer read (they wait in the socket, then in the client) until the
 *    queue is down to CTL_CLIENT_OUTQ_LOW, so a batch of any size is
 *    answered in full; a client whose replies do not move for
 *    CTL_CLIENT_STALL_MS meanwhile is not reading and is dropped (one reply
 *    of any size is fine: fdb show of a big table is legitimate);
 *  - at most CTL_CLIENTS_MAX clients at once.  One more makes room by
 *    closing the client that has sent nothing for the longest time, at
 *    least CTL_IDLE_EVICT_MS, has no reply queued and listens to no
 *    events, so clients left open by a script cannot lock the admin out;
 *    with none such it is accepted and closed at once (libuv itself keeps
 *    a spare fd for EMFILE);
 *  - a client that subscribed to events (events.c) gets them through the
 *    same write queue, under the smaller EVENTS_QUEUE_MAX: past it events
 *    are dropped and counted, the client stays.  It stays after it half-
 *    closes too, until it goes or a write fails.
 *  - a client that started a capture (capture.c) gets the pcapng stream
 *    after the reply, under CAPTURE_QUEUE_MAX: from then on it is a byte
 *    stream, what it sends is ignored, its EOF ends the capture, and it is
 *    closed once the capture ends and its last bytes are written.
 * Nothing here sees a frame: the switch is reached only through the
 * methods in ctl_method.c.
 */
#include "tapsw/tapsw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tapsw/capture.h"
#include "tapsw/ctl.h"
#include "tapsw/ctl_method.h"
#include "tapsw/ctl_proto.h"
#include "tapsw/daemon.h"
#include "tapsw/events.h"
#include "tapsw/log.h"
#include "tapsw/switch.h"

enum {
	CTL_CLIENTS_MAX = 256,
	CTL_IDLE_EVICT_MS = 5 * 1000,		/* may be closed to make room */
	CTL_CLIENT_OUTQ_HIGH = 256 * 1024,	/* stop reading requests */
	CTL_CLIENT_OUTQ_LOW = 64 * 1024,	/* read them again */
	CTL_CLIENT_STALL_MS = 10 * 1000,	/* no reply moved: dropped */
	CTL_STALL_TICK_MS = 1000,
	CTL_READ_CHUNK = 64 * 1024,
};

struct ctl_client {
	uv_pipe_t pipe;			/* first: the handle is the client */
	struct ctl_server *srv;
	struct ctl_linebuf in;
	struct events_sink sink;	/* if it subscribes to events */
	struct capture_sink csink;	/* if it starts a capture */
	struct ctl_client *next;
	unsigned int pending;		/* replies queued, not yet written */
	uint64_t last_read;		/* when it last sent something */
	uint64_t stalled_since;		/* paused: when a reply last moved */
	int read_error;			/* framing error after buffered lines */
	bool paused;			/* too many replies queued: not read */
	bool eof;			/* the client is done sending */
	bool closing;
	bool capturing;			/* a pcapng stream now, not lines */
	bool close_when_written;	/* its capture ended */
	unsigned int id;
};

struct ctl_server {
	uv_pipe_t listener;
	uv_timer_t stall_timer;		/* drops paused clients that stall */
	unsigned int handles;		/* of the two above, not yet closed */
	struct ctl_context ctx;
	char *path;
	struct ctl_client *clients;
	unsigned int next_id;
	struct ctl_stats stats;
	struct log_ratelimit rl;
};

static char ctl_read_buf[CTL_READ_CHUNK];

static void client_free_cb(uv_handle_t *h)
{
	struct ctl_client *c = h->data;

	ctl_linebuf_free(&c->in);
	free(c);
}

static void client_close(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;
	struct ctl_client **pp;

	if (c->closing)
		return;
	c->closing = true;
	for (pp = &srv->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->stats.clients--;
	if (srv->ctx.events)
		events_unsubscribe(srv->ctx.events, c);
	if (srv->ctx.capture)
		capture_stop_client(srv->ctx.capture, c);
	uv_close((uv_handle_t *)&c->pipe, client_free_cb);
}

/* the client half-closed, has every reply, and listens to no events */
static bool client_done(struct ctl_client *c)
{
	struct events *ev = c->srv->ctx.events;

	return c->eof && !c->pending && !(ev && events_is_subscribed(ev, c));
}

static size_t client_backlog(void *arg);
static void client_process(struct ctl_client *c);
static void client_resume(struct ctl_client *c);

struct ctl_write {
	uv_write_t req;
	char *text;
	bool close_after;
};

static void client_write_cb(uv_write_t *req, int status)
{
	struct ctl_write *w = (struct ctl_write *)req;
	struct ctl_client *c = req->handle->data;

	c->pending--;
	free(w->text);
	if (status == UV_ECANCELED) {
		free(w);
		return;
	}
	if (status < 0 || w->close_after ||
	    (c->close_when_written && !c->pending)) {
		client_close(c);
	} else if (c->paused) {
		c->stalled_since = uv_now(req->handle->loop);
		if (client_backlog(c) <= CTL_CLIENT_OUTQ_LOW)
			client_resume(c);
	} else if (client_done(c)) {
		/* a client that half-closed gets every reply before we close */
		client_close(c);
	}
	free(w);
}

/* queue @text (malloc()ed, taken over) to @c */
static void client_send(struct ctl_client *c, char *text, size_t len,
			bool close_after)
{
	struct ctl_write *w;
	uv_buf_t buf;

	if (c->closing) {
		free(text);
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		free(text);
		client_close(c);
		return;
	}
	w->text = text;
	w->close_after = close_after;
	buf = uv_buf_init(text, (unsigned int)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1,
		     client_write_cb)) {
		free(text);
		free(w);
		client_close(c);
		return;
	}
	c->pending++;
}

static void client_send_error(struct ctl_client *c, int code, int errnum,
			      const char *msg, bool close_after)
{
	struct ctl_error err = { 0 };
	json_t *resp;
	char *text;
	size_t len;

	ctl_error_set(&err, code, errnum, "%s", msg);
	resp = ctl_response_error(NULL, &err);
	text = resp ? ctl_dump_line(resp, &len) : NULL;
	json_decref(resp);
	if (text)
		client_send(c, text, len, close_after);
	else if (close_after)
		client_close(c);
}

static void client_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	/* consumed synchronously in client_read_cb: one buffer serves all */
	*buf = uv_buf_init(ctl_read_buf, sizeof(ctl_read_buf));
}

static void client_read_cb(uv_stream_t *stream, ssize_t nread,
			   const uv_buf_t *buf)
{
	struct ctl_client *c = stream->data;

	if (nread == 0)
		return;
	if (c->capturing) {
		/* a capture's client: its EOF (or error) ends it */
		if (nread < 0)
			client_close(c);
		return;
	}
	if (nread == UV_EOF) {
		c->eof = true;
		uv_read_stop(stream);
		if (client_done(c))
			client_close(c);
		return;
	}
	if (nread < 0) {
		debug("control client %u: %s", c->id, uv_strerror((int)nread));
		client_close(c);
		return;
	}

	c->last_read = uv_now(stream->loop);
	/* the complete lines are answered before any framing error */
	c->read_error = ctl_linebuf_append(&c->in, buf->base, (size_t)nread);
	client_process(c);
}

/* a framing error: answer it, then close */
static void client_read_failed(struct ctl_client *c, int err)
{
	struct ctl_server *srv = c->srv;

	srv->stats.dropped++;
	if (log_ratelimit(&srv->rl, uv_now(c->pipe.loop)))
		warn("control client %u: %s, closing", c->id,
		     err == -EMSGSIZE ? "request line too long" : strerror(-err));
	uv_read_stop((uv_stream_t *)&c->pipe);
	client_send_error(c, CTL_ERR_INVALID_REQUEST, -err,
			  err == -EMSGSIZE ?
			  "request line longer than 65536 bytes" :
			  "out of memory", true);
}

/*
 * client_process() - answer the complete lines @c has sent, until its
 * unread replies pass CTL_CLIENT_OUTQ_HIGH: then stop reading from it
 * (client_resume() goes on once they are down to CTL_CLIENT_OUTQ_LOW).
 */
static void client_process(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;
	char *line, *reply;
	size_t reply_len;
	ssize_t len;

	srv->ctx.now_ms = uv_now(c->pipe.loop);
	srv->ctx.sink = &c->sink;
	srv->ctx.csink = &c->csink;
	while (!c->closing && !c->capturing) {
		if (client_backlog(c) > CTL_CLIENT_OUTQ_HIGH) {
			if (!c->paused) {
				c->paused = true;
				c->stalled_since = srv->ctx.now_ms;
				uv_read_stop((uv_stream_t *)&c->pipe);
			}
			break;
		}
		len = ctl_linebuf_next(&c->in, &line);
		if (len < 0)
			break;
		reply = ctl_handle_line(&srv->ctx, line, (size_t)len,
					&reply_len);
		if (reply)
			client_send(c, reply, reply_len, false);
		/* the rest of the connection is the capture's */
		if (capture_has_client(srv->ctx.capture, c))
			c->capturing = true;
	}
	srv->ctx.sink = NULL;
	srv->ctx.csink = NULL;
	if (c->read_error && !c->paused && !c->closing)
		client_read_failed(c, c->read_error);
}

/* @c reads its replies again: answer what it sent meanwhile, read more */
static void client_resume(struct ctl_client *c)
{
	c->paused = false;
	client_process(c);
	if (!c->paused && !c->closing && !c->read_error && !c->eof &&
	    uv_read_start((uv_stream_t *)&c->pipe, client_alloc_cb,
			  client_read_cb))
		client_close(c);
}

/* every second: drop the paused clients whose replies do not move */
static void ctl_on_stall_tick(uv_timer_t *t)
{
	struct ctl_server *srv = t->data;
	uint64_t now = uv_now(t->loop);
	struct ctl_client *c, *next;

	for (c = srv->clients; c; c = next) {
		next = c->next;
		if (!c->paused || now - c->stalled_since < CTL_CLIENT_STALL_MS)
			continue;
		srv->stats.dropped++;
		if (log_ratelimit(&srv->rl, now))
			warn("control client %u: not reading its replies (%zu bytes unread for %d s), dropped",
			     c->id, client_backlog(c), CTL_CLIENT_STALL_MS / 1000);
		client_close(c);
	}
}

/* the events sink of a client: its libuv write queue */
static size_t client_backlog(void *arg)
{
	struct ctl_client *c = arg;

	return uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe);
}

static void client_write_events(void *arg, char *text, size_t len)
{
	client_send(arg, text, len, false);
}

/* the capture ended: close the client once its stream is written */
static void client_capture_done(void *arg)
{
	struct ctl_client *c = arg;

	if (!c->pending)
		client_close(c);
	else
		c->close_when_written = true;
}

static void log_peer(struct ctl_client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	if (log_get_level() < LOG_LVL_DEBUG)
		return;
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		debug("control client %u: pid %d uid %u gid %u", c->id,
		      (int)cred.pid, (unsigned int)cred.uid,
		      (unsigned int)cred.gid);
}

/*
 * client_evict_idle() - the server is full: close the client that has been
 * silent longest, if that is at least CTL_IDLE_EVICT_MS and it waits for
 * nothing (no reply queued, no events).  Returns whether one went.
 */
static bool client_evict_idle(struct ctl_server *srv, struct ctl_client *new)
{
	struct events *ev = srv->ctx.events;
	uint64_t now = uv_now(new->pipe.loop);
	struct ctl_client *c, *victim = NULL;

	for (c = srv->clients; c; c = c->next) {
		if (c == new || c->closing || c->pending || c->paused ||
		    c->capturing ||
		    (ev && events_is_subscribed(ev, c)) ||
		    now - c->last_read < CTL_IDLE_EVICT_MS)
			continue;
		if (!victim || c->last_read < victim->last_read)
			victim = c;
	}
	if (!victim)
		return false;
	srv->stats.evicted++;
	if (log_ratelimit(&srv->rl, now))
		info("control socket: %d clients: closing client %u, silent "
		     "for %" PRIu64 " s, to make room", CTL_CLIENTS_MAX,
		     victim->id, (now - victim->last_read) / 1000);
	client_send_error(victim, CTL_ERR_SERVER, ETIMEDOUT,
			  "closed: idle while the server is full", true);
	return true;
}

static void ctl_on_connection(uv_stream_t *listener, int status)
{
	struct ctl_server *srv = listener->data;
	struct ctl_client *c;

	if (status < 0) {
		if (log_ratelimit(&srv->rl, uv_now(listener->loop)))
			warn("control socket: accept: %s", uv_strerror(status));
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || ctl_linebuf_init(&c->in, CTL_LINE_MAX)) {
		free(c);
		return;		/* the connection stays in the backlog */
	}
	uv_pipe_init(listener->loop, &c->pipe, 0);
	c->pipe.data = c;
	c->srv = srv;
	c->id = ++srv->next_id;
	c->sink.backlog = client_backlog;
	c->sink.write = client_write_events;
	c->sink.arg = c;
	c->csink.backlog = client_backlog;
	c->csink.write = client_write_events;
	c->csink.done = client_capture_done;
	c->csink.arg = c;
	if (uv_accept(listener, (uv_stream_t *)&c->pipe)) {
		uv_close((uv_handle_t *)&c->pipe, client_free_cb);
		return;
	}
	c->next = srv->clients;
	srv->clients = c;
	srv->stats.clients++;
	c->last_read = uv_now(listener->loop);
	log_peer(c);

	if (srv->stats.clients > CTL_CLIENTS_MAX &&
	    !client_evict_idle(srv, c)) {
		srv->stats.refused++;
		if (log_ratelimit(&srv->rl, uv_now(listener->loop)))
			warn("control socket: more than %d clients, refusing",
			     CTL_CLIENTS_MAX);
		client_send_error(c, CTL_ERR_SERVER, EMFILE,
				  "too many control clients", true);
		return;
	}
	if (uv_read_start((uv_stream_t *)&c->pipe, client_alloc_cb,
			  client_read_cb))
		client_close(c);
}

/* is somebody answering on @path?  1 yes, 0 no (stale or absent) */
static int socket_in_use(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ret;
}

/* the listener and the timer are closed: the last one frees */
static void server_free_cb(uv_handle_t *h)
{
	struct ctl_server *srv = h->data;

	if (--srv->handles)
		return;
	free(srv->path);
	free(srv);
}

/*
 * make_parent_dir() - create the socket's directory, mode 0750, owned by
 * @group when one is given (else members of the group could not reach the
 * socket); an existing directory is left as it is, with a warning when it
 * keeps @group out.
 */
static int make_parent_dir(const char *path, long group)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0750) == 0) {
		if (group >= 0 && chown(dir, (uid_t)-1, (gid_t)group) < 0)
			return -errno;
		return 0;
	}
	if (errno != EEXIST)
		return -errno;
	if (group >= 0 && stat(dir, &st) == 0 && !(st.st_mode & S_IXOTH) &&
	    (st.st_gid != (gid_t)group || !(st.st_mode & S_IXGRP)))
		warn("control socket: group %ld cannot reach it: %s is mode %04o, group %u",
		     group, dir, (unsigned int)(st.st_mode & 07777),
		     (unsigned int)st.st_gid);
	return 0;
}

int ctl_server_start(struct daemon *d, const struct ctl_server_config *cfg,
		     struct ctl_server **srvp, char *why, size_t whylen)
{
	uv_loop_t *loop = d->loop;
	struct ctl_server *srv;
	int ret;

	if (strlen(cfg->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(why, whylen, "socket path too long: %s", cfg->path);
		return -ENAMETOOLONG;
	}
	ret = make_parent_dir(cfg->path, cfg->group);
	if (ret) {
		snprintf(why, whylen, "cannot create the directory of %s: %s",
			 cfg->path, strerror(-ret));
		return ret;
	}
	if (socket_in_use(cfg->path)) {
		snprintf(why, whylen,
			 "%s: another tapswd is running on this socket",
			 cfg->path);
		return -EADDRINUSE;
	}
	unlink(cfg->path);	/* stale socket of a previous run */

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->path = strdup(cfg->path);
	srv->ctx.daemon = d;
	srv->ctx.sw = d->sw;
	srv->ctx.stats = &srv->stats;
	srv->ctx.socket_path = srv->path;
	srv->ctx.state_path = cfg->state_path;
	srv->ctx.events = cfg->events;
	srv->ctx.capture = cfg->capture;
	srv->ctx.start_ms = uv_now(loop);
	srv->ctx.now_ms = srv->ctx.start_ms;

	uv_pipe_init(loop, &srv->listener, 0);
	srv->listener.data = srv;
	uv_timer_init(loop, &srv->stall_timer);
	srv->stall_timer.data = srv;
	srv->handles = 2;
	ret = uv_pipe_bind(&srv->listener, cfg->path);
	if (ret) {
		snprintf(why, whylen, "cannot bind %s: %s", cfg->path,
			 uv_strerror(ret));
		goto err_close;
	}
	if (chmod(cfg->path, 0660) < 0 ||
	    (cfg->group >= 0 && chown(cfg->path, (uid_t)-1,
				      (gid_t)cfg->group) < 0)) {
		ret = -errno;
		snprintf(why, whylen, "cannot set the mode/group of %s: %s",
			 cfg->path, strerror(-ret));
		goto err_unlink;
	}
	ret = uv_listen((uv_stream_t *)&srv->listener, 64, ctl_on_connection);
	if (ret) {
		snprintf(why, whylen, "cannot listen on %s: %s", cfg->path,
			 uv_strerror(ret));
		goto err_unlink;
	}
	uv_timer_start(&srv->stall_timer, ctl_on_stall_tick, CTL_STALL_TICK_MS,
		       CTL_STALL_TICK_MS);
	uv_unref((uv_handle_t *)&srv->stall_timer);
	*srvp = srv;
	return 0;

err_unlink:
	unlink(cfg->path);
err_close:
	uv_close((uv_handle_t *)&srv->stall_timer, server_free_cb);
	uv_close((uv_handle_t *)&srv->listener, server_free_cb);
	return ret;
}

void ctl_server_stop(struct ctl_server *srv)
{
	while (srv->clients)
		client_close(srv->clients);
	unlink(srv->path);
	uv_close((uv_handle_t *)&srv->stall_timer, server_free_cb);
	uv_close((uv_handle_t *)&srv->listener, server_free_cb);
}
