/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec-port.h - a port backend for unit tests that records what the switch
 * sends instead of writing it anywhere (integration tests use real TAPs).
 */
#ifndef TAPSW_TESTS_REC_PORT_H
#define TAPSW_TESTS_REC_PORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/switch.h"

enum { REC_PORTS_MAX = 8 };

static unsigned int rec_sent[REC_PORTS_MAX];	/* frames sent, per index */
/* the daemon rec_port_add()'s ports tell of their coming (port.add events) */
static struct daemon *rec_daemon;
static int rec_send_result[REC_PORTS_MAX];	/* what send() returns */

static inline int rec_send(struct port *port, const void *frame, size_t len)
{
	if (rec_send_result[port->index])
		return rec_send_result[port->index];
	rec_sent[port->index]++;
	return 0;
}

static inline int rec_set_mtu(struct port *port, unsigned int mtu)
{
	port->mtu = mtu;
	return 0;
}

static inline void rec_close(struct port *port, bool destroy)
{
	free(port);
}

static const struct port_class rec_class = {
	.name = "tap",
	.send = rec_send,
	.set_mtu = rec_set_mtu,
	.close = rec_close,
};

static inline struct port *rec_port_add(struct sw *sw, const char *name)
{
	struct port *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->class = &rec_class;
	p->daemon = rec_daemon;
	p->mtu = 1500;
	if (port_attach(sw, p))
		abort();
	port_notify(p, PORT_EV_ADD, NULL);
	return p;
}

static inline void rec_clear(void)
{
	memset(rec_sent, 0, sizeof(rec_sent));
}

#endif /* TAPSW_TESTS_REC_PORT_H */
