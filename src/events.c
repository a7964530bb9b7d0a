// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events.c - change notifications for control clients: the FDB's and the
 * port table's hooks in, JSON-RPC notification lines out to subscribers,
 * each with a bounded queue.  The policy is in events.h.
 *
 * The hooks run inside the forwarding path (fdb_learn() of a new source),
 * so the work there is small: find the subscribers that want the event and
 * have room, format the line once (snprintf, no allocation), append it to
 * each one's buffer.  When nobody has room, or the rate cap is reached,
 * nothing is formatted: a MAC flood toward a stuck subscriber costs a
 * compare and a counter per frame.  Lines leave once per loop iteration,
 * before it waits for I/O, one write per subscriber.
 * Nothing here reads a frame or touches a socket: the sink does that.
 */
#include "tapsw/tapsw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapsw/ctl_codec.h"
#include "tapsw/ctl_proto.h"
#include "tapsw/daemon.h"
#include "tapsw/ether.h"
#include "tapsw/events.h"
#include "tapsw/fdb.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"

enum {
	EVENTS_BUF_INITIAL = 4096,
};

struct events_sub {
	struct events_sub *next;
	struct events_sink sink;
	uint32_t mask;
	char *buf;		/* lines not yet handed to the sink */
	size_t len, cap;
	uint64_t lost;		/* dropped since the last events.lost */
};

struct events {
	struct daemon *d;	/* its port_notify hook is ours */
	struct sw *sw;
	uv_prepare_t prepare;
	uv_loop_t *loop;	/* NULL in tests */
	struct events_sub *subs;
	uint32_t mask;		/* what any subscriber wants */
	uint32_t tokens;	/* frame-driven events allowed now */
	uint64_t tokens_ms;	/* loop clock at the last refill */
	struct events_stats stats;
};

/* the events a stream of frames causes, and so the rate cap applies to */
#define EVENTS_MASK_FRAMES	(EVENTS_BIT(EVENTS_FDB_LEARN) | \
				 EVENTS_BIT(EVENTS_FDB_MOVE) | \
				 EVENTS_BIT(EVENTS_FDB_AGE) | \
				 EVENTS_BIT(EVENTS_FDB_EVICT) | \
				 EVENTS_BIT(EVENTS_FDB_LIMIT) | \
				 EVENTS_BIT(EVENTS_FDB_REMOTE))

static const char *const type_names[EVENTS_TYPE_MAX] = {
	[EVENTS_PORT_ADD] = "port.add",
	[EVENTS_PORT_DEL] = "port.del",
	[EVENTS_PORT_UP] = "port.up",
	[EVENTS_PORT_DOWN] = "port.down",
	[EVENTS_PORT_STP] = "port.stp",
	[EVENTS_FDB_LEARN] = "fdb.learn",
	[EVENTS_FDB_MOVE] = "fdb.move",
	[EVENTS_FDB_AGE] = "fdb.age",
	[EVENTS_FDB_EVICT] = "fdb.evict",
	[EVENTS_FDB_LIMIT] = "fdb.limit",
	[EVENTS_FDB_ADD] = "fdb.add",
	[EVENTS_FDB_DEL] = "fdb.del",
	[EVENTS_FDB_FLUSH] = "fdb.flush",
	[EVENTS_FDB_REMOTE] = "fdb.remote",
	[EVENTS_LOST] = "events.lost",
};

const char *events_type_name(enum events_type type)
{
	return (unsigned int)type < EVENTS_TYPE_MAX ? type_names[type] : "?";
}

int events_mask_parse(const char *name, uint32_t *mask)
{
	unsigned int t;

	if (!strcmp(name, "all")) {
		*mask = EVENTS_MASK_ALL;
		return 0;
	}
	if (!strcmp(name, "port") || !strcmp(name, "fdb")) {
		*mask = name[0] == 'p' ? EVENTS_MASK_PORT : EVENTS_MASK_FDB;
		return 0;
	}
	for (t = 0; t < EVENTS_LOST; t++) {
		if (!strcmp(name, type_names[t])) {
			*mask = EVENTS_BIT(t);
			return 0;
		}
	}
	return -EINVAL;
}

/* --- formatting: a bounded writer, sticky on overflow */

struct jw {
	char *p;
	size_t left;
	bool full;
};

__attribute__((format(printf, 2, 3)))
static void jw_printf(struct jw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->p, w->left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->left) {
		w->full = true;
		return;
	}
	w->p += n;
	w->left -= (size_t)n;
}

static void jw_byte(struct jw *w, char c)
{
	if (w->left < 2) {
		w->full = true;
		return;
	}
	*w->p++ = c;
	*w->p = '\0';
	w->left--;
}

/* ,"key":"value" with JSON escapes; bytes that are not UTF-8 become '?' */
static void jw_str(struct jw *w, const char *key, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), l, i;

	jw_printf(w, ",\"%s\":\"", key);
	while (n && !w->full) {
		l = *u < 0x80 ? 1 : ctl_utf8_seq_len(u, n);
		if (!l) {
			jw_byte(w, '?');
			l = 1;
		} else if (*u == '"' || *u == '\\') {
			jw_byte(w, '\\');
			jw_byte(w, (char)*u);
		} else if (*u < 0x20 || *u == 0x7f) {
			jw_printf(w, "\\u%04x", *u);
		} else {
			for (i = 0; i < l; i++)
				jw_byte(w, (char)u[i]);
		}
		u += l;
		n -= l;
	}
	jw_byte(w, '"');
}

int events_format(const struct events_msg *m, char *buf, size_t size)
{
	struct jw w = { .p = buf, .left = size };
	char mac[ETHER_MAC_STRLEN];

	jw_printf(&w, "{\"jsonrpc\":\"2.0\",\"method\":\"event\",\"params\":"
		  "{\"type\":\"%s\",\"time\":%llu.%03u",
		  events_type_name(m->type),
		  (unsigned long long)(m->time_ms / 1000),
		  (unsigned int)(m->time_ms % 1000));
	if (m->mac)
		jw_str(&w, "mac", ether_mac_format(m->mac, mac));
	if (m->vlan >= 0)
		jw_printf(&w, ",\"vlan\":%d", m->vlan);
	if (m->port)
		jw_str(&w, "port", m->port);
	if (m->old_port)
		jw_str(&w, "old_port", m->old_port);
	if (m->kind)
		jw_str(&w, "kind", m->kind);
	if (m->index >= 0)
		jw_printf(&w, ",\"index\":%d", m->index);
	if (m->is_static >= 0)
		jw_printf(&w, ",\"static\":%s",
			  m->is_static ? "true" : "false");
	if (m->count >= 0)
		jw_printf(&w, ",\"count\":%lld", (long long)m->count);
	if (m->reason)
		jw_str(&w, "reason", m->reason);
	if (m->peer)
		jw_str(&w, "peer", m->peer);
	if (m->dst)
		jw_str(&w, "dst", m->dst);
	if (m->old_dst)
		jw_str(&w, "old_dst", m->old_dst);
	jw_printf(&w, "}}\n");
	return w.full ? -EMSGSIZE : (int)(size - w.left);
}

static uint64_t events_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- queueing */

/* sub_append() - add @len bytes of @line to @sub's buffer; false on ENOMEM */
static bool sub_append(struct events_sub *sub, const char *line, size_t len)
{
	size_t cap;
	char *buf;

	if (sub->len + len > sub->cap) {
		cap = MAX(sub->cap * 2, (size_t)EVENTS_BUF_INITIAL);
		while (cap < sub->len + len)
			cap *= 2;
		buf = realloc(sub->buf, cap);
		if (!buf)
			return false;
		sub->buf = buf;
		sub->cap = cap;
	}
	memcpy(sub->buf + sub->len, line, len);
	sub->len += len;
	return true;
}

/* sub_lost_notice() - queue events.lost with @sub's count; false on ENOMEM */
static bool sub_lost_notice(struct events_sub *sub)
{
	struct events_msg m = {
		.type = EVENTS_LOST, .time_ms = events_now_ms(), .vlan = -1,
		.index = -1, .is_static = -1, .count = (int64_t)sub->lost,
	};
	char line[EVENTS_LINE_MAX];
	int len = events_format(&m, line, sizeof(line));

	if (len < 0 || !sub_append(sub, line, (size_t)len))
		return false;
	sub->lost = 0;
	return true;
}

/*
 * sub_room() - may @sub take one more line?  Below the bound yes, unless it
 * lost events: then only once it has read down to half the bound, and the
 * events.lost line goes first.
 */
static bool sub_room(struct events_sub *sub)
{
	size_t used = sub->sink.backlog(sub->sink.arg) + sub->len;

	if (!sub->lost)
		return used + EVENTS_LINE_MAX <= EVENTS_QUEUE_MAX;
	if (used + EVENTS_LINE_MAX > EVENTS_QUEUE_MAX / 2)
		return false;
	return sub_lost_notice(sub);
}

/*
 * events_rate_ok() - may one more frame-driven event go out?  A token
 * bucket of EVENTS_RATE_MAX a second (the burst too), refilled from the
 * loop's clock (uv_now(): no system call; the switch's in tests).
 */
static bool events_rate_ok(struct events *ev)
{
	uint64_t now = ev->loop ? uv_now(ev->loop) : ev->sw->now_ms, add;

	if (now != ev->tokens_ms) {
		add = (now - ev->tokens_ms) * EVENTS_RATE_MAX / 1000;
		ev->tokens = (uint32_t)MIN(ev->tokens + add,
					   (uint64_t)EVENTS_RATE_MAX);
		ev->tokens_ms = now;
	}
	if (!ev->tokens)
		return false;
	ev->tokens--;
	return true;
}

/* events_send() - queue @m to every subscriber of its type that has room */
static void events_send(struct events *ev, struct events_msg *m)
{
	char line[EVENTS_LINE_MAX];
	struct events_sub *sub;
	bool capped;
	int len = 0;

	capped = (EVENTS_BIT(m->type) & EVENTS_MASK_FRAMES) &&
		 !events_rate_ok(ev);
	for (sub = ev->subs; sub; sub = sub->next) {
		if (!(sub->mask & EVENTS_BIT(m->type)))
			continue;
		if (capped || !sub_room(sub)) {
			sub->lost++;
			ev->stats.lost++;
			continue;
		}
		if (!len) {	/* formatted once, for the first taker */
			m->time_ms = events_now_ms();
			len = events_format(m, line, sizeof(line));
		}
		if (len < 0 || !sub_append(sub, line, (size_t)len)) {
			sub->lost++;
			ev->stats.lost++;
			continue;
		}
		ev->stats.sent++;
	}
}

static const char *port_name(const struct sw *sw, int index)
{
	if (index < 0)
		return NULL;
	if (index < SW_PORT_MAX && sw->ports[index])
		return sw->ports[index]->name;
	return "?";
}

static void events_fdb_cb(const struct fdb_event *fe, void *arg)
{
	struct events *ev = arg;
	struct events_msg m = {
		.type = (enum events_type)(EVENTS_FDB_FIRST + fe->type),
		.mac = fe->mac,
		.vlan = fe->vid,
		.port = port_name(ev->sw, fe->port),
		.old_port = port_name(ev->sw, fe->old_port),
		.index = -1,
		.is_static = -1,
		.count = -1,
	};

	if (!(ev->mask & EVENTS_BIT(m.type)))
		return;
	switch (fe->type) {
	case FDB_EV_ADD:
	case FDB_EV_DEL:
		m.is_static = fe->is_static;
		break;
	case FDB_EV_FLUSH:
		m.mac = NULL;
		m.vlan = -1;
		m.count = fe->count;
		m.is_static = !!(fe->flags & FDB_FLUSH_STATIC);
		break;
	default:
		break;
	}
	events_send(ev, &m);
}

static void events_port_cb(const struct port_event *pe, void *arg)
{
	struct events *ev = arg;
	const struct port *port = pe->port;
	struct events_msg m = {
		.type = (enum events_type)(EVENTS_PORT_FIRST + pe->type),
		.vlan = -1,
		.port = port->name,
		.index = -1,
		.is_static = -1,
		.count = -1,
		.reason = pe->reason,
		.peer = port->peer[0] ? port->peer : NULL,
	};

	if (!(ev->mask & EVENTS_BIT(m.type)))
		return;
	if (pe->type == PORT_EV_ADD || pe->type == PORT_EV_DEL) {
		m.kind = port_kind(port);
		m.index = (int)port->index;
	}
	events_send(ev, &m);
}

static void events_remote_cb(const struct remote_event *re, void *arg)
{
	struct events *ev = arg;
	char dst[VXLAN_IP_STRLEN], old[VXLAN_IP_STRLEN];
	struct events_msg m = {
		.type = EVENTS_FDB_REMOTE,
		.mac = re->mac,
		.vlan = re->vid,
		.port = re->port->name,
		.index = -1,
		.is_static = -1,
		.count = -1,
		.dst = vxlan_ip_format(re->dst, dst, sizeof(dst)),
		.old_dst = re->old_dst ? vxlan_ip_format(re->old_dst, old,
							 sizeof(old)) : NULL,
	};

	if (ev->mask & EVENTS_BIT(m.type))
		events_send(ev, &m);
}

static void events_prepare_cb(uv_prepare_t *h)
{
	events_flush(h->data);
}

/* hook into the FDB and the port table only for what somebody wants */
static void events_update(struct events *ev)
{
	struct events_sub *sub;

	ev->mask = 0;
	ev->stats.subscribers = 0;
	for (sub = ev->subs; sub; sub = sub->next) {
		ev->mask |= sub->mask;
		ev->stats.subscribers++;
	}
	if (ev->mask & EVENTS_MASK_FDB)
		fdb_set_notify(ev->sw->fdb, events_fdb_cb, ev);
	else
		fdb_set_notify(ev->sw->fdb, NULL, NULL);
	ev->d->port_notify = ev->mask & EVENTS_MASK_PORT ?
			     events_port_cb : NULL;
	ev->d->port_notify_arg = ev->mask & EVENTS_MASK_PORT ? ev : NULL;
	ev->d->remote_notify = ev->mask & EVENTS_BIT(EVENTS_FDB_REMOTE) ?
			       events_remote_cb : NULL;
	ev->d->remote_notify_arg = ev->d->remote_notify ? ev : NULL;
	if (ev->loop && ev->subs)
		uv_prepare_start(&ev->prepare, events_prepare_cb);
	else if (ev->loop)
		uv_prepare_stop(&ev->prepare);
}

static struct events_sub **sub_find(struct events *ev, void *arg)
{
	struct events_sub **pp;

	for (pp = &ev->subs; *pp; pp = &(*pp)->next)
		if ((*pp)->sink.arg == arg)
			return pp;
	return pp;
}

int events_subscribe(struct events *ev, const struct events_sink *sink,
		     uint32_t mask)
{
	struct events_sub **pp = sub_find(ev, sink->arg);

	if (!(mask & EVENTS_MASK_ALL)) {
		events_unsubscribe(ev, sink->arg);
		return 0;
	}
	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			return -ENOMEM;
		(*pp)->sink = *sink;
	}
	(*pp)->mask = mask & EVENTS_MASK_ALL;
	events_update(ev);
	return 0;
}

void events_unsubscribe(struct events *ev, void *arg)
{
	struct events_sub **pp = sub_find(ev, arg), *sub = *pp;

	if (!sub)
		return;
	*pp = sub->next;
	free(sub->buf);
	free(sub);
	events_update(ev);
}

bool events_is_subscribed(const struct events *ev, void *arg)
{
	return *sub_find((struct events *)ev, arg) != NULL;
}

void events_flush(struct events *ev)
{
	struct events_sub *sub, *next;
	char *buf;
	size_t len;

	for (sub = ev->subs; sub; sub = next) {
		next = sub->next;
		/* a lost count that no later event carried goes out here */
		if (sub->lost)
			sub_room(sub);
		if (!sub->len)
			continue;
		buf = sub->buf;
		len = sub->len;
		sub->buf = NULL;
		sub->len = sub->cap = 0;
		/* may close the client, and so free sub */
		sub->sink.write(sub->sink.arg, buf, len);
	}
}

void events_get_stats(const struct events *ev, struct events_stats *st)
{
	*st = ev->stats;
}

struct events *events_new(struct daemon *d)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->d = d;
	ev->sw = d->sw;
	ev->loop = d->loop;
	ev->tokens = EVENTS_RATE_MAX;
	ev->tokens_ms = ev->loop ? uv_now(ev->loop) : ev->sw->now_ms;
	if (ev->loop) {
		uv_prepare_init(ev->loop, &ev->prepare);
		ev->prepare.data = ev;
	}
	return ev;
}

static void events_free_cb(uv_handle_t *h)
{
	free(h->data);
}

void events_free(struct events *ev)
{
	while (ev->subs)
		events_unsubscribe(ev, ev->subs->sink.arg);
	if (ev->loop)
		uv_close((uv_handle_t *)&ev->prepare, events_free_cb);
	else
		free(ev);
}
