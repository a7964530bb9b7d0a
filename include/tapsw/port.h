/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port.h - a switch port: its name, kind, MTU, state and counters, and the
 * backend behind it (struct port_ops).
 *
 * The switch keeps its ports in a table indexed by port number (the value
 * stored in the FDB) and in a dense list of attached ports for flooding.
 * Backends (tap.c; later VM, netdev and socket ports) embed a struct port,
 * fill in ops, and call port_attach(); frames they read go to
 * switch_input(); frames the switch sends go through port_output(), which
 * enforces the MTU and keeps the counters.
 */
#ifndef TAPSW_PORT_H
#define TAPSW_PORT_H

#include "tapsw.h"
#include "drop.h"

#include <net/if.h>

struct sw;
struct port;

enum port_kind {
	PORT_KIND_TAP = 0,
	PORT_KIND_MAX
};

enum port_state {
	PORT_STATE_UP = 0,
	PORT_STATE_DOWN,	/* the backend failed; see port.error */
};

struct port_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t filtered;	/* destination behind the ingress port */
	uint64_t flooded;	/* frames from this port that were flooded */
	uint64_t drop[DROP_REASON_MAX];
};

struct port_ops {
	enum port_kind kind;
	/* send one frame; 0 or a negative errno (-EIO: down, -EBADFD: gone) */
	int (*send)(struct port *port, const void *frame, size_t len);
	/* set the MTU (the device's too, where it can); 0 or a negative errno */
	int (*set_mtu)(struct port *port, unsigned int mtu);
	/* release the backend; @destroy also deletes what it created; frees @port */
	void (*close)(struct port *port, bool destroy);
};

struct port {
	struct sw *sw;
	const struct port_ops *ops;
	unsigned int index;		/* FDB value, < SW_PORT_MAX */
	char name[IF_NAMESIZE];
	unsigned int mtu;		/* largest payload sent to this port */
	int ifindex;			/* when added, in tapswd's netns */
	bool created;			/* tapsw created the device */
	enum port_state state;
	char error[96];			/* why it is down */
	struct port_stats stats;
};

const char *port_kind_name(enum port_kind kind);
int port_kind_parse(const char *name);	/* enum port_kind or -EINVAL */
const char *port_state_name(enum port_state state);

/*
 * port_attach() - give @port a free index and make it forward.
 * Returns 0, -EEXIST (name taken) or -ENOSPC (no free index).
 */
int port_attach(struct sw *sw, struct port *port);

/*
 * port_detach() - stop forwarding to and from @port and forget its learned
 * FDB entries (static ones too: they would point at nothing).  Does not
 * close the backend: call port->ops->close() afterwards.
 */
void port_detach(struct sw *sw, struct port *port);

struct port *port_find(const struct sw *sw, const char *name);

/*
 * port_fail() - the backend is broken (device deleted, fd error): mark the
 * port down with @why, forget its learned FDB entries, log once.  The port
 * stays in the table (shown as down) until it is deleted or re-added.
 */
void port_fail(struct port *port, int errnum, const char *why);

/* port_output() - send one frame out of @port, enforcing its MTU. */
void port_output(struct port *port, const uint8_t *frame, size_t len,
		 size_t hdr_len);

static inline void port_count_drop(struct port *port, enum drop_reason r)
{
	port->stats.drop[r]++;
}

uint64_t port_drops(const struct port *port);

#endif /* TAPSW_PORT_H */
