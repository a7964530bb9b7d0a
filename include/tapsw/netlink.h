/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h - rtnetlink through libmnl: read and change links (ifindex,
 * state, MTU, MAC, txqueuelen) and watch link events.
 *
 * Requests are synchronous on a NETLINK_ROUTE socket with NLM_F_ACK; the
 * kernel's extended ack text, when it sends one, is kept for the caller's
 * error message (nl_strerror()).  The event monitor is a second socket
 * subscribed to RTNLGRP_LINK; the daemon polls its fd and calls
 * nl_monitor_read() when it is readable.
 *
 * All functions return 0 or a negative errno.
 */
#ifndef TAPSW_NETLINK_H
#define TAPSW_NETLINK_H

#include "tapsw.h"

#include <net/if.h>

struct nl;

struct nl_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned int mtu;
	unsigned int txqlen;
	uint8_t mac[6];
	bool up;		/* IFF_UP */
	bool carrier;		/* IFF_LOWER_UP */
};

/**
 * nl_link_down() - Is @link down, as a port's "link" calls it?
 * @link: The link.
 *
 * Return: true if it is set down, or has no carrier.
 */
static inline bool nl_link_down(const struct nl_link *link)
{
	return !link->up || !link->carrier;
}

/**
 * nl_open() - Open a request socket.
 *
 * Return: the socket, or NULL with errno set on failure.
 */
struct nl *nl_open(void);
void nl_close(struct nl *nl);

/**
 * nl_strerror() - The kernel's extack message for the last failed request.
 * @nl: The socket.
 *
 * Return: the message, or "".
 */
const char *nl_strerror(const struct nl *nl);

/**
 * nl_link_get() - Look @name up in the caller's namespace.
 * @nl: The socket.
 * @name: The link's name.
 * @link: What the kernel says of it.
 *
 * Return: 0, -ENODEV if absent, or another negative errno.
 */
int nl_link_get(struct nl *nl, const char *name, struct nl_link *link);
int nl_link_get_by_index(struct nl *nl, int ifindex, struct nl_link *link);
/**
 * nl_link_get_in() - Look up link @ifindex of namespace @nsid.
 * @nl: The socket.
 * @nsid: The id our namespace calls it by (an id from a link event, struct
 *        nl_event); < 0: ours.
 * @ifindex: The link's ifindex there.
 * @link: What the kernel says of it.
 *
 * Return: 0 or a negative errno.
 */
int nl_link_get_in(struct nl *nl, int nsid, int ifindex, struct nl_link *link);
int nl_link_set_up(struct nl *nl, int ifindex, bool up);
int nl_link_set_mtu(struct nl *nl, int ifindex, unsigned int mtu);
int nl_link_set_txqlen(struct nl *nl, int ifindex, unsigned int txqlen);
/**
 * nl_nsid_of() - The id our namespace knows the namespace at @nsfd by.
 * @nl: The socket.
 * @nsfd: An fd open at the namespace.
 *
 * That is what nl_event.nsid and nl_link_get_in() use; the namespace is
 * given one if it has none yet.
 *
 * Return: the id, or a negative errno.
 */
int nl_nsid_of(struct nl *nl, int nsfd);

/**
 * nl_link_set_netns() - Move @ifindex into the namespace open at @netns_fd.
 * @nl: The socket.
 * @ifindex: The link.
 * @netns_fd: An fd open at the namespace.
 *
 * Return: 0 or a negative errno.
 */
int nl_link_set_netns(struct nl *nl, int ifindex, int netns_fd);
/**
 * nl_link_add() - Create link @name of type @kind, with no further options.
 * @nl: The socket.
 * @name: Its name.
 * @kind: "dummy", "veth" (a veth gets a peer named by the kernel).
 *
 * Return: 0, -EEXIST if the name is taken, -EOPNOTSUPP if the kind's module
 * is not there, or another negative errno.
 */
int nl_link_add(struct nl *nl, const char *name, const char *kind);
/**
 * nl_link_del() - Delete link @ifindex (for a veth, both ends).
 * @nl: The socket.
 * @ifindex: The link.
 *
 * Return: 0 or a negative errno.
 */
int nl_link_del(struct nl *nl, int ifindex);

/* link events */
enum nl_event_type {
	NL_EVENT_NEWLINK,	/* appeared or changed (state, MTU, name) */
	NL_EVENT_DELLINK,	/* deleted, or moved out of this namespace */
};

struct nl_event {
	enum nl_event_type type;
	struct nl_link link;
	int nsid;		/* the link's namespace, by the id ours gives
				 * it; -1: ours */
	bool moved;		/* DELLINK because it moved to another netns
				 * (IFLA_NEW_NETNSID present) */
	int new_nsid;		/* moved: where to, and its ifindex there */
	int new_ifindex;	/* (0 if the kernel did not say) */
};

/**
 * typedef nl_event_cb_t - Called once per link message.
 * @ev: The event.
 * @arg: The caller's, from nl_monitor_read().
 *
 * A NEWLINK comes for every change, not only the interesting ones (each of
 * up, carrier, MTU, rename, and some for nothing visible), so compare with
 * what you knew.  The link fields are those the message carried; a
 * malformed attribute reads as absent (zero).  A link deleted while up
 * gives NEWLINK (down) then DELLINK; a link moved out gives DELLINK with
 * @ev->moved set, and its ifindex here is gone for good.
 *
 * Events also come from other namespaces that ours has an id for
 * (NETLINK_LISTEN_ALL_NSID): the kernel gives one to the namespace a link
 * is moved into from ours, so a TAP moved into a host's namespace can still
 * be watched there, by (@ev->nsid, ifindex).  Their @ev->new_nsid would be
 * in the other namespace's numbering: it is left -1.
 */
typedef void (*nl_event_cb_t)(const struct nl_event *ev, void *arg);

struct nl_monitor;

struct nl_monitor *nl_monitor_open(void);
void nl_monitor_close(struct nl_monitor *mon);
/**
 * nl_monitor_fd() - The fd to poll for readability (non-blocking).
 * @mon: The monitor.
 */
int nl_monitor_fd(const struct nl_monitor *mon);

/**
 * nl_monitor_all_nsid() - Do events of other namespaces come too?
 * @mon: The monitor.
 *
 * That needs CAP_NET_BROADCAST.
 *
 * Return: true if they do.
 */
bool nl_monitor_all_nsid(const struct nl_monitor *mon);
/**
 * nl_monitor_read() - Read every pending message, call @cb for each event.
 * @mon: The monitor.
 * @cb: Called for each link event.
 * @arg: For @cb.
 *
 * Return: 0 when drained, -ENOBUFS when the kernel dropped events (the
 * caller should re-check its links), or another negative errno.
 */
int nl_monitor_read(struct nl_monitor *mon, nl_event_cb_t cb, void *arg);

#endif /* TAPSW_NETLINK_H */
