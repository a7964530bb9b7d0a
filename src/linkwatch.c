// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * linkwatch.c - rtnetlink link events applied to the ports.
 *
 * The fd of a TAP already tells when its device is deleted (POLLERR,
 * EBADFD); rtnetlink tells it too, and more, for the netdevs in tapswd's
 * own namespace:
 *  - RTM_DELLINK for a port's ifindex: the device is gone → port down
 *    (unless the kernel says it moved to another namespace: then the port
 *    keeps working and simply has no ifindex here any more);
 *  - RTM_NEWLINK with another MTU: the port's egress limit follows, as a
 *    Linux bridge port's does;
 *  - RTM_NEWLINK where the device went down or lost its carrier (a VM's
 *    TAP when QEMU exits), or came back: reported as port.down/port.up
 *    (events.c).  The state is read again from the kernel, not taken from
 *    the message, so the burst of messages while a TAP is created and set
 *    up reports nothing; a port counts as up until told otherwise.
 * Netdevs moved into other namespaces are out of sight here; their ports
 * rely on the fd.  Lost events (ENOBUFS) are logged; the fds still report
 * deletions.
 */
#include "tapsw/tapsw.h"

#include <stdlib.h>

#include "tapsw/linkwatch.h"
#include "tapsw/log.h"
#include "tapsw/netlink.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"

struct linkwatch {
	uv_poll_t poll;
	struct nl_monitor *mon;
	struct sw *sw;
};

static struct port *port_by_ifindex(struct sw *sw, int ifindex)
{
	unsigned int i;

	for (i = 0; i < sw->n_ports; i++)
		if (sw->active[i]->ifindex == ifindex)
			return sw->active[i];
	return NULL;
}

/* linkwatch_carrier() - report a change of @port's link state */
static void linkwatch_carrier(struct linkwatch *lw, struct port *port)
{
	struct nl_link link;
	bool down;

	if (port->state != PORT_STATE_UP ||
	    nl_link_get_by_index(lw->sw->nl, port->ifindex, &link))
		return;
	down = !link.up || !link.carrier;
	if (down == port->link_down)
		return;
	port->link_down = down;
	debug("port %s: link %s", port->name, down ? "down" : "up");
	port_notify(port, down ? PORT_EV_DOWN : PORT_EV_UP,
		    !down ? "link up" : !link.up ? "link down" : "no carrier");
}

static void linkwatch_event(const struct nl_event *ev, void *arg)
{
	struct linkwatch *lw = arg;
	struct port *port = port_by_ifindex(lw->sw, ev->link.ifindex);

	if (!port || ev->link.ifindex <= 0)
		return;
	if (ev->type == NL_EVENT_DELLINK) {
		if (ev->moved) {
			debug("port %s: netdev moved to another namespace",
			      port->name);
			port->ifindex = 0;
			return;
		}
		port->ifindex = 0;
		port_fail(port, 0, "netdev deleted (RTM_DELLINK)");
		return;
	}
	if (ev->link.mtu && ev->link.mtu != port->mtu &&
	    port->state == PORT_STATE_UP) {
		info("port %s: MTU %u -> %u (netdev changed)", port->name,
		     port->mtu, ev->link.mtu);
		port->mtu = ev->link.mtu;
	}
	linkwatch_carrier(lw, port);
}

static void linkwatch_readable(uv_poll_t *h, int status, int events)
{
	struct linkwatch *lw = h->data;
	int ret;

	if (status < 0) {
		warn("link events: %s; no longer watching", uv_strerror(status));
		uv_poll_stop(h);
		return;
	}
	ret = nl_monitor_read(lw->mon, linkwatch_event, lw);
	if (ret == -ENOBUFS)
		warn("link events: the kernel dropped some (busy system)");
	else if (ret && ret != -EAGAIN)
		warn_perror(ret, "link events");
}

static void linkwatch_free_cb(uv_handle_t *h)
{
	struct linkwatch *lw = h->data;

	nl_monitor_close(lw->mon);
	free(lw);
}

void linkwatch_stop(struct linkwatch *lw)
{
	uv_close((uv_handle_t *)&lw->poll, linkwatch_free_cb);
}

int linkwatch_start(uv_loop_t *loop, struct sw *sw, struct linkwatch **lwp)
{
	struct linkwatch *lw = calloc(1, sizeof(*lw));
	int ret;

	if (!lw)
		return -ENOMEM;
	lw->sw = sw;
	lw->mon = nl_monitor_open();
	if (!lw->mon) {
		ret = -errno;
		goto err_free;
	}
	ret = uv_poll_init(loop, &lw->poll, nl_monitor_fd(lw->mon));
	if (ret)
		goto err_close;
	lw->poll.data = lw;
	ret = uv_poll_start(&lw->poll, UV_READABLE, linkwatch_readable);
	if (ret) {
		linkwatch_stop(lw);	/* frees it once libuv lets go */
		return ret;
	}
	*lwp = lw;
	return 0;

err_close:
	nl_monitor_close(lw->mon);
err_free:
	free(lw);
	return ret;
}
