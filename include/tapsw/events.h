/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * events.h - change notifications for control clients (events.subscribe):
 * port add/del/up/down, FDB learn/move/age/evict/limit/add/del/flush and
 * remote (a MAC behind a vxlan port learned behind or moved to a remote),
 * as JSON-RPC 2.0 notifications, one line each:
 *
 *	{"jsonrpc":"2.0","method":"event","params":{"type":"fdb.learn",
 *	 "time":1763905234.123,"mac":"52:54:00:12:34:56","vlan":0,
 *	 "port":"tap1"}}
 *
 * The forwarding path knows nothing of this: the FDB and the port table
 * each have one hook (fdb_set_notify(), sw->port_notify), set only while
 * somebody subscribed to events of that kind, so with no subscriber the
 * cost is one untaken branch where an entry changes and none per frame
 * forwarded to a known address.
 *
 * Each subscriber is a sink (ctl.c's client: its write queue), with a
 * bound, EVENTS_QUEUE_MAX, on the bytes handed to it and not yet read
 * plus those waiting here.  An event that would pass the bound is dropped
 * and counted, not formatted; once the subscriber has read down to half
 * the bound, it gets one "events.lost" notification with the count, then
 * events again.  A subscriber that stops reading thus costs a few
 * compares per event and bounded memory, and is never disconnected for it
 * (the kernel's netlink does the same with ENOBUFS, less politely).
 * The events a flood of frames can cause (fdb.learn, move, age, evict,
 * limit) are also capped at EVENTS_RATE_MAX a second for all subscribers
 * together (a token bucket on the loop clock): past it they are dropped
 * and counted the same way, so a reader fast enough to take a MAC flood's
 * millions of events cannot make tapswd spend its time formatting them.
 * Port events and the FDB changes made through the control socket (add,
 * del, flush) are never rate-limited.
 * Text is batched: events wait in a per-subscriber buffer until the loop
 * is about to wait for I/O again (a uv_prepare: after the frames it read,
 * and after the ageing timer), then go out in one write.
 */
#ifndef TAPSW_EVENTS_H
#define TAPSW_EVENTS_H

#include "tapsw.h"

#include <uv.h>

struct daemon;
struct sw;
struct events;

enum {
	EVENTS_QUEUE_MAX = 256 * 1024,	/* a subscriber's unread bytes */
	EVENTS_RATE_MAX = 100000,	/* frame-driven events a second */
	EVENTS_LINE_MAX = 2048,		/* longest notification line */
};

/* every type, by name: "port.add" ... "events.lost" (see events.c) */
enum events_type {
	EVENTS_PORT_ADD = 0,	/* = PORT_EV_* + EVENTS_PORT_FIRST */
	EVENTS_PORT_DEL,
	EVENTS_PORT_UP,
	EVENTS_PORT_DOWN,
	EVENTS_PORT_STP,
	EVENTS_FDB_LEARN,	/* = FDB_EV_* + EVENTS_FDB_FIRST */
	EVENTS_FDB_MOVE,
	EVENTS_FDB_AGE,
	EVENTS_FDB_EVICT,
	EVENTS_FDB_LIMIT,
	EVENTS_FDB_ADD,
	EVENTS_FDB_DEL,
	EVENTS_FDB_FLUSH,
	EVENTS_FDB_REMOTE,	/* a tunnel port's MAC learned behind, or
				 * moved to, a remote (vxlan) */
	EVENTS_LOST,		/* always sent; cannot be subscribed to */
	EVENTS_TYPE_MAX,
	EVENTS_PORT_FIRST = EVENTS_PORT_ADD,
	EVENTS_FDB_FIRST = EVENTS_FDB_LEARN,
};

#define EVENTS_BIT(t)		(UINT32_C(1) << (t))
#define EVENTS_MASK_PORT	(EVENTS_BIT(EVENTS_FDB_FIRST) - 1)
#define EVENTS_MASK_FDB		(EVENTS_BIT(EVENTS_LOST) - \
				 EVENTS_BIT(EVENTS_FDB_FIRST))
#define EVENTS_MASK_ALL		(EVENTS_MASK_PORT | EVENTS_MASK_FDB)

/* one event, as a formatter input: absent members are NULL or -1 */
struct events_msg {
	enum events_type type;
	uint64_t time_ms;	/* wall clock, ms since the epoch */
	const uint8_t *mac;
	int vlan;
	const char *port;
	const char *old_port;	/* fdb.move, fdb.limit: where it was */
	const char *kind;	/* port.add, port.del */
	int index;		/* port.add, port.del: the port number */
	int is_static;		/* 0 or 1 */
	int64_t count;		/* fdb.flush: removed; events.lost */
	const char *reason;
	const char *peer;
	const char *dst;	/* fdb.remote: the remote */
	const char *old_dst;	/* fdb.remote: the one before, if moved */
};

/**
 * events_format() - Format an event as one notification line.
 * @m: The event.
 * @buf: The line, '\n'-terminated.
 * @size: Size of @buf.
 *
 * Strings are escaped; bytes that are not UTF-8 become '?'.
 *
 * Return: its length, or -EMSGSIZE when it does not fit in @size.
 */
int events_format(const struct events_msg *m, char *buf, size_t size);

const char *events_type_name(enum events_type type);

/**
 * events_mask_parse() - The event bits of a name.
 * @name: "all", "port", "fdb" or one type's name ("fdb.age").
 * @mask: Its bits.
 *
 * Return: 0, or -EINVAL for another name.
 */
int events_mask_parse(const char *name, uint32_t *mask);

/* where a subscriber's text goes: ctl.c's client, a test's recorder */
struct events_sink {
	/* bytes written and not yet taken by the peer */
	size_t (*backlog)(void *arg);
	/* take over @text (malloc()ed, whole lines, @len bytes) */
	void (*write)(void *arg, char *text, size_t len);
	void *arg;		/* identifies the subscriber */
};

/**
 * events_new() - Create the notifier of @d's switch.
 * @d: The daemon; its port_notify hook is set.
 *
 * With a loop (d->loop), queued text is written before the loop waits for
 * I/O; without one (tests), call events_flush().
 *
 * Return: the notifier, or NULL on ENOMEM.
 */
struct events *events_new(struct daemon *d);

/**
 * events_free() - Drop every subscriber, unhook, free.
 * @ev: The notifier.
 *
 * The memory goes after the loop has run once more, when it had a loop.
 */
void events_free(struct events *ev);

/**
 * events_subscribe() - Send @sink the events of @mask from now on.
 * @ev: The notifier.
 * @sink: The subscriber; one already subscribed (same arg) gets @mask
 *        instead.
 * @mask: EVENTS_MASK_* bits; empty: unsubscribe.
 *
 * Return: 0 or -ENOMEM.
 */
int events_subscribe(struct events *ev, const struct events_sink *sink,
		     uint32_t mask);

/**
 * events_unsubscribe() - Forget the sink of @arg (a no-op if unknown).
 * @ev: The notifier.
 * @arg: The sink's arg.
 *
 * Events still waiting for it are dropped.
 */
void events_unsubscribe(struct events *ev, void *arg);
bool events_is_subscribed(const struct events *ev, void *arg);

/**
 * events_flush() - Hand each subscriber its queued text.
 * @ev: The notifier.
 */
void events_flush(struct events *ev);

struct events_stats {
	unsigned int subscribers;
	uint64_t sent;		/* notifications queued to a subscriber */
	uint64_t lost;		/* dropped: a queue was full */
};
void events_get_stats(const struct events *ev, struct events_stats *st);

#endif /* TAPSW_EVENTS_H */
