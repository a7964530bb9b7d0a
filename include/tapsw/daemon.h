/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h - what tapswd's parts share besides the switch: the event loop,
 * the rtnetlink socket, the port-change hook and the backends' own state.
 *
 * main.c fills in one struct daemon and hands it to the port backends
 * (through port_open()), the link watch, the notifier and the control
 * server.  The forwarding path (switch.c, fdb.c, vlan.c, vnet.c) never sees
 * it: its clock is sw->now_ms, set by port_input() from daemon_now_ms().
 */
#ifndef TAPSW_DAEMON_H
#define TAPSW_DAEMON_H

#include "tapsw.h"

struct nl;
struct port;
struct sw;
struct uv_loop_s;

/* TAP I/O (tapswd --io), carried out by the tap backend (tap.c) */
enum io_mode {
	IO_AUTO = 0,		/* io_uring if available, else plain */
	IO_PLAIN,		/* read()/write(), one frame per call */
	IO_URING,		/* batched writes through io_uring */
};

/**
 * io_mode_name() - "auto", "plain" or "uring".
 * @mode: The mode.
 */
const char *io_mode_name(enum io_mode mode);

/**
 * io_mode_parse() - The mode named "auto", "plain" or "uring".
 * @name: Its name.
 *
 * Return: the mode, or -EINVAL.
 */
int io_mode_parse(const char *name);

/*
 * Port change notifications, for whoever set daemon.port_notify
 * (events.c); NULL when nobody listens.  ADD once a port forwards, DEL
 * before it is closed, DOWN when the backend fails (port_fail()), a socket
 * port's peer goes or the netdev goes down or loses its carrier
 * (linkwatch.c), UP when a peer connects or the netdev comes back: what a
 * bridge port would call its carrier.  @reason says why (DOWN, UP), else
 * NULL.
 */
enum port_event_type {
	PORT_EV_ADD = 0,
	PORT_EV_DEL,
	PORT_EV_UP,
	PORT_EV_DOWN,
	PORT_EV_STP,		/* spanning tree role or state; @reason */
	PORT_EV_MAX
};

struct port_event {
	enum port_event_type type;
	const struct port *port;
	const char *reason;
};

typedef void (*port_notify_t)(const struct port_event *ev, void *arg);

/*
 * A MAC behind a tunnel port (vxlan) was learned behind a remote, or moved
 * from one remote to another: for whoever set daemon.remote_notify
 * (events.c); NULL when nobody listens.  The addresses are the backend's
 * (struct vxlan_ip, vxlan.h); @old_dst is NULL for a new one.
 */
struct vxlan_ip;

struct remote_event {
	const struct port *port;
	const uint8_t *mac;
	uint16_t vid;			/* as on the tunnel */
	const struct vxlan_ip *dst;
	const struct vxlan_ip *old_dst;
};

typedef void (*remote_notify_t)(const struct remote_event *ev, void *arg);

enum {
	DAEMON_CLASSES_MAX = 16,	/* port backends (port_class.c) */
};

struct daemon {
	struct uv_loop_s *loop;		/* uv_loop_t; NULL in unit tests */
	struct sw *sw;
	struct nl *nl;			/* rtnetlink requests; NULL: none */
	/*
	 * asked for with --io; the tap backend's init replaces it with the
	 * mode it uses (IO_PLAIN or IO_URING), shown by switch.show
	 */
	enum io_mode io;
	port_notify_t port_notify;	/* port changes; NULL: none wanted */
	void *port_notify_arg;
	remote_notify_t remote_notify;	/* remote learn/move; NULL: none */
	void *remote_notify_arg;
	/* each backend's own state (port_class.init), by registry index */
	void *class_priv[DAEMON_CLASSES_MAX];
};

/**
 * daemon_now_ms() - The loop's clock.
 * @d: The daemon.
 *
 * Return: uv_now(): milliseconds, updated once per loop iteration, after
 * the wait for events; 0 without a loop.
 */
uint64_t daemon_now_ms(const struct daemon *d);

#endif /* TAPSW_DAEMON_H */
