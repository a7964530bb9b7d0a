// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port.c - the port table, port state and counters, and frame output.
 *
 * Port numbers are small integers handed out lowest-free-first, so the FDB
 * can store them in 16 bits; the dense "active" list keeps flooding a tight
 * loop over attached ports.  A port whose backend fails stays in the table,
 * marked down, so its counters and its error stay visible until an operator
 * deletes or re-adds it; while down it is skipped by flooding and frames for
 * it are counted as port_down drops.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <string.h>

#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"

static const char *const kind_names[PORT_KIND_MAX] = {
	[PORT_KIND_TAP] = "tap",
};

const char *port_kind_name(enum port_kind kind)
{
	return (unsigned int)kind < PORT_KIND_MAX ? kind_names[kind] : "unknown";
}

int port_kind_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < PORT_KIND_MAX; i++)
		if (!strcmp(name, kind_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *port_state_name(enum port_state state)
{
	return state == PORT_STATE_UP ? "up" : "down";
}

struct port *port_find(const struct sw *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < sw->n_ports; i++)
		if (!strcmp(sw->active[i]->name, name))
			return sw->active[i];
	return NULL;
}

int port_attach(struct sw *sw, struct port *port)
{
	unsigned int i;

	if (port_find(sw, port->name))
		return -EEXIST;
	for (i = 0; i < SW_PORT_MAX; i++)
		if (!sw->ports[i])
			break;
	if (i == SW_PORT_MAX)
		return -ENOSPC;

	port->sw = sw;
	port->index = i;
	port->state = PORT_STATE_UP;
	port->error[0] = '\0';
	sw->ports[i] = port;
	sw->active[sw->n_ports++] = port;
	return 0;
}

void port_detach(struct sw *sw, struct port *port)
{
	unsigned int i;

	fdb_flush(sw->fdb, (int)port->index, FDB_FLUSH_ALL);
	for (i = 0; i < sw->n_ports; i++) {
		if (sw->active[i] == port) {
			memmove(&sw->active[i], &sw->active[i + 1],
				(sw->n_ports - i - 1) * sizeof(sw->active[0]));
			sw->n_ports--;
			break;
		}
	}
	sw->ports[port->index] = NULL;
}

void port_fail(struct port *port, int errnum, const char *why)
{
	if (port->state == PORT_STATE_DOWN)
		return;
	port->state = PORT_STATE_DOWN;
	snprintf(port->error, sizeof(port->error), "%s%s%s", why,
		 errnum ? ": " : "", errnum ? strerror(errnum < 0 ? -errnum : errnum) : "");
	fdb_flush(port->sw->fdb, (int)port->index, FDB_FLUSH_LEARNED);
	warn("port %s: down: %s", port->name, port->error);
}

uint64_t port_drops(const struct port *port)
{
	uint64_t sum = 0;
	unsigned int r;

	for (r = DROP_NONE + 1; r < DROP_REASON_MAX; r++)
		sum += port->stats.drop[r];
	return sum;
}

void port_output(struct port *port, const uint8_t *frame, size_t len,
		 size_t hdr_len)
{
	int ret;

	if (unlikely(port->state != PORT_STATE_UP)) {
		port_count_drop(port, DROP_PORT_DOWN);
		return;
	}
	if (unlikely(len > port->mtu + hdr_len)) {
		port_count_drop(port, DROP_OVERSIZE);
		return;
	}

	ret = port->ops->send(port, frame, len);
	if (likely(!ret)) {
		port->stats.tx_packets++;
		port->stats.tx_bytes += len;
		return;
	}

	switch (ret) {
	case -EIO:		/* TAP administratively down: no carrier */
	case -ENETDOWN:
		port_count_drop(port, DROP_PORT_DOWN);
		break;
	case -EBADFD:		/* TAP deleted underneath */
	case -EBADF:
		port_count_drop(port, DROP_PORT_DOWN);
		port_fail(port, ret, "device gone");
		break;
	default:
		port_count_drop(port, DROP_TX_ERROR);
		break;
	}
}
