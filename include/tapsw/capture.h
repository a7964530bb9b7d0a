/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.h - live captures of a port's frames as a pcapng stream, for
 * control clients (capture.start): the port socket ports have no netdev
 * for tcpdump, and this works for every kind.
 *
 * A capture session belongs to one client and one port, and takes the
 * frames received on it (as read, before the switch looks at them, so
 * dropped ones too), sent out of it (as handed to its backend: a GSO
 * frame whole to a port that takes offloads, its segments to one that
 * does not), or both.  Each becomes one Enhanced Packet Block, with
 * the direction in epb_flags, appended to the session's buffer; the
 * buffer goes to the client once per loop iteration (a uv_prepare_t).
 *
 * Bounds, as events.c's subscribers: a session may have CAPTURE_QUEUE_MAX
 * bytes not yet read by its client (its buffer plus the client's write
 * queue).  A frame that does not fit is dropped and counted on the session
 * (capture.list), never waited for, so a client that does not read costs
 * the switch a compare per frame.  A session ends when its client goes,
 * when it has sent its count of frames, or when its port is deleted; then
 * the client is closed once the last blocks are written.
 *
 * While a port has no session (port->captures == NULL) its frames pay one
 * predictable branch each way (port.c).
 */
#ifndef TAPSW_CAPTURE_H
#define TAPSW_CAPTURE_H

#include "tapsw.h"

struct capture;
struct daemon;
struct port;

enum capture_dir {
	CAPTURE_IN = 1,		/* received on the port */
	CAPTURE_OUT = 2,	/* sent out of it */
	CAPTURE_BOTH = 3,
};

enum {
	CAPTURE_QUEUE_MAX = 4 * 1024 * 1024,	/* unread bytes a session may have */
	CAPTURE_SESSIONS_MAX = 64,
};

/* where a session's stream goes: ctl.c's client, a test's recorder */
struct capture_sink {
	/* bytes written and not yet taken by the peer */
	size_t (*backlog)(void *arg);
	/* take over @data (malloc()ed, @len bytes) */
	void (*write)(void *arg, char *data, size_t len);
	/* the session ended: close once what was written has gone */
	void (*done)(void *arg);
	void *arg;		/* identifies the client */
};

struct capture_info {
	unsigned int id;
	const char *port;
	enum capture_dir dir;
	uint64_t count;		/* frames to send, 0: no end */
	uint64_t frames;	/* sent (queued to the client) */
	uint64_t bytes;		/* their bytes on the wire */
	uint64_t dropped;	/* the client was too slow */
};

struct capture_stats {
	unsigned int sessions;	/* now */
	uint64_t started;
	uint64_t frames;	/* in every session, ended ones included */
	uint64_t dropped;
};

/**
 * capture_new() - The registry of captures.
 * @d: The daemon: its loop flushes the sessions (NULL loop: the caller
 *     calls capture_flush(), as unit tests do).
 *
 * Return: the registry, or NULL without memory.
 */
struct capture *capture_new(struct daemon *d);

/**
 * capture_free() - End every session (without telling the sinks), free.
 * @cap: The registry, or NULL.
 */
void capture_free(struct capture *cap);

/**
 * capture_dir_parse() - "in", "out" or "both".
 * @name: The word.
 *
 * Return: the direction, or 0 if @name is none of them.
 */
enum capture_dir capture_dir_parse(const char *name);

/**
 * capture_dir_name() - The name of a direction.
 * @dir: The direction.
 *
 * Return: "in", "out" or "both".
 */
const char *capture_dir_name(enum capture_dir dir);

/**
 * capture_start() - Start a session: its pcapng header is queued at once.
 * @cap: The registry.
 * @port: The port.
 * @dir: Which frames.
 * @count: End after this many frames; 0: no end.
 * @sink: The client (copied); @sink->arg names it.
 * @info: The session, on success (its id).
 *
 * Return: 0, -EBUSY (the client has a session), -ENOSPC
 * (CAPTURE_SESSIONS_MAX), -ENOMEM.
 */
int capture_start(struct capture *cap, struct port *port,
		  enum capture_dir dir, uint64_t count,
		  const struct capture_sink *sink, struct capture_info *info);

/**
 * capture_stop_client() - The client @arg went: end its session, if any.
 * @cap: The registry.
 * @arg: The client (capture_sink.arg).
 *
 * Its sink is not called any more.
 */
void capture_stop_client(struct capture *cap, void *arg);

/**
 * capture_has_client() - Is @arg a capture's client (a binary stream)?
 * @cap: The registry, or NULL.
 * @arg: The client.
 */
bool capture_has_client(const struct capture *cap, const void *arg);

/**
 * capture_port_gone() - @port is being detached: end its sessions.
 * @port: The port.
 *
 * What they had queued is still written, then their clients are closed.
 */
void capture_port_gone(struct port *port);

/**
 * capture_frame() - A frame crossed @port: add it to its sessions.
 * @port: The port (port->captures is not NULL).
 * @dir: CAPTURE_IN or CAPTURE_OUT.
 * @frame: The Ethernet frame.
 * @len: Its length.
 */
void capture_frame(struct port *port, enum capture_dir dir,
		   const uint8_t *frame, size_t len);

/**
 * capture_flush() - Hand every session's buffered blocks to its sink; end
 * the sessions that are done.
 * @cap: The registry.
 */
void capture_flush(struct capture *cap);

/**
 * capture_foreach() - Call @cb for each session, in the order started.
 * @cap: The registry.
 * @cb: Gets each session; a non-zero return stops the walk and is returned.
 * @arg: For @cb.
 *
 * Return: 0, or what @cb returned.
 */
int capture_foreach(const struct capture *cap,
		    int (*cb)(const struct capture_info *info, void *arg),
		    void *arg);

/**
 * capture_get_stats() - The registry's counters, for switch.show.
 * @cap: The registry.
 * @st: Filled in.
 */
void capture_get_stats(const struct capture *cap, struct capture_stats *st);

#endif /* TAPSW_CAPTURE_H */
