// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture.c - capture sessions: frames in from port.c's hooks, pcapng
 * blocks (pcapng.c) out to each session's client.  The policy is in
 * capture.h.
 *
 * capture_frame() runs in the forwarding path, so it only formats: it
 * checks the session's room (the client's unread bytes plus its buffer
 * against CAPTURE_QUEUE_MAX), reads the clock once (clock_gettime() is a
 * vDSO call, no system call) and writes one EPB into the session's buffer,
 * which grows by doubling.  The buffer leaves once per loop iteration
 * (capture_flush(), from a uv_prepare_t that runs only while a session
 * exists), handed over whole to the sink: one write per session.
 * A session that ends (its count reached, its port gone) ends its stream
 * with an Interface Statistics Block: the frames it saw and dropped.
 * A sink may close its client from inside write() or done(); the client's
 * close calls capture_stop_client(), so during a flush a session is only
 * marked gone and freed by the flush itself.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "tapsw/capture.h"
#include "tapsw/daemon.h"
#include "tapsw/pcapng.h"
#include "tapsw/port.h"

enum {
	CAPTURE_BUF_INITIAL = 64 * 1024,
};

struct capture_session {
	struct capture_session *next;		/* in the registry */
	struct capture_session *port_next;	/* on its port */
	struct capture *cap;
	struct port *port;			/* NULL once ended */
	struct capture_sink sink;
	enum capture_dir dir;
	uint64_t count;
	uint64_t frames;
	uint64_t bytes;
	uint64_t dropped;
	unsigned int id;
	char port_name[IF_NAMESIZE];
	uint8_t *buf;				/* blocks not yet handed over */
	size_t len, size;
	bool ended;				/* done(): after the last write */
	bool gone;				/* the client went: no sink */
};

struct capture {
	uv_loop_t *loop;			/* NULL in tests */
	uv_prepare_t prepare;
	bool prepare_on;
	bool in_flush;
	struct capture_session *sessions;
	unsigned int next_id;
	struct capture_stats stats;
};

static void capture_on_prepare(uv_prepare_t *h)
{
	capture_flush(h->data);
}

/* the flush runs while a session exists */
static void capture_update(struct capture *cap)
{
	bool want = cap->sessions != NULL;

	if (!cap->loop || want == cap->prepare_on)
		return;
	if (want)
		uv_prepare_start(&cap->prepare, capture_on_prepare);
	else
		uv_prepare_stop(&cap->prepare);
	cap->prepare_on = want;
}

struct capture *capture_new(struct daemon *d)
{
	struct capture *cap = calloc(1, sizeof(*cap));

	if (!cap)
		return NULL;
	cap->loop = d ? d->loop : NULL;
	if (cap->loop) {
		uv_prepare_init(cap->loop, &cap->prepare);
		cap->prepare.data = cap;
	}
	return cap;
}

/* take @s off its port's list: it gets no more frames */
static void session_detach(struct capture_session *s)
{
	struct capture_session **pp;

	if (!s->port)
		return;
	for (pp = &s->port->captures; *pp; pp = &(*pp)->port_next) {
		if (*pp == s) {
			*pp = s->port_next;
			break;
		}
	}
	s->port = NULL;
	s->port_next = NULL;
}

/* take @s out of the registry and free it */
static void session_free(struct capture_session *s)
{
	struct capture *cap = s->cap;
	struct capture_session **pp;

	session_detach(s);
	for (pp = &cap->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	cap->stats.sessions--;
	free(s->buf);
	free(s);
	capture_update(cap);
}

static void capture_free_cb(uv_handle_t *h)
{
	free(h->data);
}

void capture_free(struct capture *cap)
{
	if (!cap)
		return;
	while (cap->sessions)
		session_free(cap->sessions);
	if (cap->loop)
		uv_close((uv_handle_t *)&cap->prepare, capture_free_cb);
	else
		free(cap);
}

enum capture_dir capture_dir_parse(const char *name)
{
	if (!strcmp(name, "in"))
		return CAPTURE_IN;
	if (!strcmp(name, "out"))
		return CAPTURE_OUT;
	if (!strcmp(name, "both"))
		return CAPTURE_BOTH;
	return 0;
}

const char *capture_dir_name(enum capture_dir dir)
{
	switch (dir) {
	case CAPTURE_IN:
		return "in";
	case CAPTURE_OUT:
		return "out";
	default:
		return "both";
	}
}

static struct capture_session *session_find(const struct capture *cap,
					    const void *arg)
{
	struct capture_session *s;

	for (s = cap->sessions; s; s = s->next)
		if (s->sink.arg == arg && !s->gone)
			return s;
	return NULL;
}

bool capture_has_client(const struct capture *cap, const void *arg)
{
	return cap && session_find(cap, arg);
}

/* room for @need more bytes in @s->buf, growing it by doubling */
static int session_reserve(struct capture_session *s, size_t need)
{
	size_t size = s->size ? s->size : CAPTURE_BUF_INITIAL;
	uint8_t *buf;

	if (s->len + need <= s->size)
		return 0;
	while (size < s->len + need)
		size *= 2;
	buf = realloc(s->buf, size);
	if (!buf)
		return -ENOMEM;
	s->buf = buf;
	s->size = size;
	return 0;
}

int capture_start(struct capture *cap, struct port *port,
		  enum capture_dir dir, uint64_t count,
		  const struct capture_sink *sink, struct capture_info *info)
{
	struct capture_session *s, **pp;
	char appl[64];

	if (session_find(cap, sink->arg))
		return -EBUSY;
	if (cap->stats.sessions >= CAPTURE_SESSIONS_MAX)
		return -ENOSPC;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cap = cap;
	s->sink = *sink;
	s->dir = dir;
	s->count = count;
	s->id = ++cap->next_id;
	snprintf(s->port_name, sizeof(s->port_name), "%s", port->name);
	if (session_reserve(s, PCAPNG_HEADER_MAX)) {
		free(s);
		return -ENOMEM;
	}
	snprintf(appl, sizeof(appl), "%s %s", PACKAGE_NAME, PACKAGE_VERSION);
	s->len = pcapng_header(s->buf, s->size, appl, port->name);

	for (pp = &cap->sessions; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	s->port = port;
	s->port_next = port->captures;
	port->captures = s;
	cap->stats.sessions++;
	cap->stats.started++;
	capture_update(cap);
	info->id = s->id;
	info->port = s->port_name;
	info->dir = dir;
	info->count = count;
	info->frames = info->bytes = info->dropped = 0;
	return 0;
}

void capture_stop_client(struct capture *cap, void *arg)
{
	struct capture_session *s = session_find(cap, arg);

	if (!s)
		return;
	if (cap->in_flush) {		/* capture_flush() frees it */
		session_detach(s);
		s->gone = true;
		return;
	}
	session_free(s);
}

void capture_port_gone(struct port *port)
{
	struct capture_session *s;

	while ((s = port->captures)) {
		session_detach(s);
		s->ended = true;
	}
}

static uint64_t capture_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void capture_frame(struct port *port, enum capture_dir dir,
		   const uint8_t *frame, size_t len)
{
	struct capture_session *s, *next;
	uint64_t ts = 0;
	size_t need;

	for (s = port->captures; s; s = next) {
		next = s->port_next;
		if (!(s->dir & dir))
			continue;
		need = pcapng_epb_len(MIN(len, (size_t)PCAPNG_SNAPLEN));
		if (s->sink.backlog(s->sink.arg) + s->len + need >
		    CAPTURE_QUEUE_MAX || session_reserve(s, need)) {
			s->dropped++;
			s->cap->stats.dropped++;
			continue;
		}
		if (!ts)
			ts = capture_now_us();
		s->len += pcapng_epb(s->buf + s->len, s->size - s->len, ts,
				     dir == CAPTURE_IN ? PCAPNG_DIR_IN :
				     PCAPNG_DIR_OUT, frame, len);
		s->frames++;
		s->bytes += len;
		s->cap->stats.frames++;
		if (s->count && s->frames >= s->count) {
			session_detach(s);
			s->ended = true;
		}
	}
}

void capture_flush(struct capture *cap)
{
	struct capture_session *s, *next;
	struct capture_sink sink;
	uint8_t *buf;
	size_t len;

	cap->in_flush = true;
	for (s = cap->sessions; s; s = next) {
		next = s->next;
		/* a session that ends says what it saw and dropped */
		if (s->ended && !s->gone && !session_reserve(s, PCAPNG_ISB_LEN))
			s->len += pcapng_isb(s->buf + s->len, s->size - s->len,
					     capture_now_us(),
					     s->frames + s->dropped,
					     s->dropped);
		if (s->len && !s->gone) {
			buf = s->buf;
			len = s->len;
			s->buf = NULL;
			s->len = s->size = 0;
			/* may close the client: then s is marked gone */
			s->sink.write(s->sink.arg, (char *)buf, len);
		}
		if (s->gone) {
			session_free(s);
		} else if (s->ended) {
			sink = s->sink;
			session_free(s);
			sink.done(sink.arg);
		}
	}
	cap->in_flush = false;
}

int capture_foreach(const struct capture *cap,
		    int (*cb)(const struct capture_info *info, void *arg),
		    void *arg)
{
	const struct capture_session *s;
	struct capture_info info;
	int ret;

	for (s = cap->sessions; s; s = s->next) {
		if (s->gone)
			continue;
		info = (struct capture_info){
			.id = s->id, .port = s->port_name, .dir = s->dir,
			.count = s->count, .frames = s->frames,
			.bytes = s->bytes, .dropped = s->dropped,
		};
		ret = cb(&info, arg);
		if (ret)
			return ret;
	}
	return 0;
}

void capture_get_stats(const struct capture *cap, struct capture_stats *st)
{
	*st = cap->stats;
}
