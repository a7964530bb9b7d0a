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
 * A port's netdev moved out of our namespace (RTM_DELLINK with its new
 * namespace's id and ifindex) stays in sight there: the monitor hears the
 * namespaces ours has ids for, the one a link moves to included, so a TAP
 * set down in a host's namespace gives port.down all the same.  One moved
 * on from there again, or found in another namespace at start, is out of
 * sight; its port relies on the fd.  Lost events (ENOBUFS) are logged; the
 * fds still report deletions.
 */
#include "tapsw/tapsw.h"

#include <stdlib.h>
#include <uv.h>

#include "tapsw/daemon.h"
#include "tapsw/linkwatch.h"
#include "tapsw/log.h"
#include "tapsw/netlink.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"

struct linkwatch {
	uv_poll_t poll;
	struct nl_monitor *mon;
	struct nl *nl;		/* the daemon's request socket */
	struct sw *sw;
};

/* the port whose netdev is @ifindex in namespace @nsid (-1: ours) */
static struct port *port_by_ifindex(struct sw *sw, int nsid, int ifindex)
{
	struct port *port;
	unsigned int i;

	for (i = 0; i < sw->n_ports; i++) {
		port = sw->active[i];
		if (nsid < 0 ? port->ifindex == ifindex :
		    port->link_ifindex == ifindex && port->link_nsid == nsid)
			return port;
	}
	return NULL;
}

/* linkwatch_carrier() - report a change of @port's link state */
static void linkwatch_carrier(struct linkwatch *lw, struct port *port)
{
	struct nl_link link;
	bool down;
	int ret;

	if (port->state != PORT_STATE_UP)
		return;
	ret = port->ifindex ?
		nl_link_get_by_index(lw->nl, port->ifindex, &link) :
		nl_link_get_in(lw->nl, port->link_nsid,
			       port->link_ifindex, &link);
	if (ret)
		return;
	down = nl_link_down(&link);
	/* a move leaves the netdev down until someone sets it up there:
	 * that is setting up, not the link going down */
	if (port->link_moved) {
		if (down)
			return;
		port->link_moved = false;
	}
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
	struct port *port;

	if (ev->link.ifindex <= 0)
		return;
	port = port_by_ifindex(lw->sw, ev->nsid, ev->link.ifindex);
	if (!port)
		return;
	if (ev->type == NL_EVENT_DELLINK) {
		port->ifindex = 0;
		port->link_ifindex = 0;
		if (ev->moved) {
			/* watched there if the kernel says where to */
			if (ev->new_nsid >= 0 && ev->new_ifindex > 0) {
				port->link_nsid = ev->new_nsid;
				port->link_ifindex = ev->new_ifindex;
				port->link_moved = true;
			}
			debug("port %s: netdev moved to another namespace "
			      "(id %d, ifindex %d)", port->name,
			      port->link_ifindex ? port->link_nsid : -1,
			      port->link_ifindex);
			return;
		}
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

int linkwatch_start(struct daemon *d, struct linkwatch **lwp)
{
	struct linkwatch *lw = calloc(1, sizeof(*lw));
	int ret;

	if (!lw)
		return -ENOMEM;
	lw->nl = d->nl;
	lw->sw = d->sw;
	lw->mon = nl_monitor_open();
	if (!lw->mon) {
		ret = -errno;
		goto err_free;
	}
	if (!nl_monitor_all_nsid(lw->mon))
		warn("link events: only from tapswd's own namespace (listening "
		     "to the others needs CAP_NET_BROADCAST): a TAP moved into "
		     "another one and set down there is not reported");
	ret = uv_poll_init(d->loop, &lw->poll, nl_monitor_fd(lw->mon));
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
