/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port_class.h - the port backends: what one must provide, and the registry
 * that names them.
 *
 * A backend is one file (tap.c, packet.c, qemu.c) that exports a
 * const struct port_class and has one line in the registry
 * (port_class.c), as Open vSwitch's struct netdev_class.  The lifecycle is
 * port.c's (port_open(), port_close()); a backend only sets up and tears
 * down its own I/O:
 *
 *	init	once at start-up, optional: the backend's own state, passed
 *		back to open as @priv (the tap backend's I/O context)
 *	open	allocate the backend's port (struct port first), set up the
 *		device or socket, fill in port.name, mtu, vnet, offloads,
 *		created, ifindex; not attached, no I/O yet
 *	start	attached (port.index and port.sw are valid): start reading
 *	send	one frame out (port_output() calls it; counted there)
 *	close	detached already: stop I/O, release the device or socket
 *		(@destroy: also delete what tapsw created), free the port,
 *		now or once the event loop has let go of it
 *	fini	at shutdown, after every port is closed, optional
 *
 * Frames read go to port_input(); a peer that comes and goes is reported
 * with port_peer_up() and port_peer_down(); a broken device or socket with
 * port_fail().  Everything a backend needs from the daemon (event loop,
 * rtnetlink socket) is in struct daemon (daemon.h); the clock is set by
 * port_input(), not by the backend.
 */
#ifndef TAPSW_PORT_CLASS_H
#define TAPSW_PORT_CLASS_H

#include "tapsw.h"

struct daemon;
struct port;
struct port_config;

struct port_class {
	const char *name;	/* port.add's "kind": "tap", "vm", ... */
	bool takes_path;	/* port.add's "path" goes with this kind */

	/* optional; 0 or a negative errno with a reason in @why */
	int (*init)(struct daemon *d, void **priv, char *why, size_t whylen);
	/* optional; after every port of the class is closed */
	void (*fini)(struct daemon *d, void *priv);

	/* 0, or a negative errno with a one-line reason in @why */
	int (*open)(struct daemon *d, void *priv, const struct port_config *cfg,
		    struct port **portp, char *why, size_t whylen);
	int (*start)(struct port *port, char *why, size_t whylen);
	/*
	 * send one frame: @len bytes at @buf, starting with the virtio-net
	 * header when port->vnet; 0 or a negative errno (-EIO: down,
	 * -EBADFD: gone), or PORT_SEND_QUEUED when the backend took a copy
	 * and reports the result later with port_send_done()
	 */
	int (*send)(struct port *port, const void *buf, size_t len);
	/* set the MTU (the device's too, where it can); 0 or a negative errno */
	int (*set_mtu)(struct port *port, unsigned int mtu);
	/* optional: the named netns its netdev is in now ("" for ours) */
	int (*locate)(struct port *port, char *ns, size_t nslen);
	void (*close)(struct port *port, bool destroy);
};

/**
 * port_class_find() - The backend called @name.
 * @name: Its name.
 * @id: Its index in the registry (for daemon.class_priv).
 *
 * Return: the backend, or NULL if there is none.
 */
const struct port_class *port_class_find(const char *name, unsigned int *id);

/**
 * port_class_get() - The backend at index @id, or NULL past the last.
 * @id: The index.
 */
const struct port_class *port_class_get(unsigned int id);

/**
 * port_classes_init() - Run every backend's init.
 * @d: The daemon.
 * @why: The backend's reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, or a negative errno with the backend's reason in @why (then
 * nothing is left set up).
 */
int port_classes_init(struct daemon *d, char *why, size_t whylen);

/**
 * port_classes_fini() - Run every backend's fini, once all ports are closed.
 * @d: The daemon.
 */
void port_classes_fini(struct daemon *d);

#endif /* TAPSW_PORT_CLASS_H */
