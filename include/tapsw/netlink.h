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

/* nl_link_down() - what a port's "link" calls down: set down, or no carrier */
static inline bool nl_link_down(const struct nl_link *link)
{
	return !link->up || !link->carrier;
}

/* nl_open() - a request socket.  NULL with errno set on failure. */
struct nl *nl_open(void);
void nl_close(struct nl *nl);
/* the kernel's extack message for the last failed request, or "" */
const char *nl_strerror(const struct nl *nl);

/* nl_link_get() - look @name up in the caller's namespace.  -ENODEV if absent. */
int nl_link_get(struct nl *nl, const char *name, struct nl_link *link);
int nl_link_get_by_index(struct nl *nl, int ifindex, struct nl_link *link);
/*
 * nl_link_get_in() - link @ifindex of the namespace our namespace calls
 * @nsid (an id from a link event, struct nl_event), or of ours if @nsid < 0.
 */
int nl_link_get_in(struct nl *nl, int nsid, int ifindex, struct nl_link *link);
int nl_link_set_up(struct nl *nl, int ifindex, bool up);
int nl_link_set_mtu(struct nl *nl, int ifindex, unsigned int mtu);
int nl_link_set_txqlen(struct nl *nl, int ifindex, unsigned int txqlen);
/*
 * nl_nsid_of() - the id our namespace knows the namespace open at @nsfd by
 * (what nl_event.nsid and nl_link_get_in() use), giving it one if it has
 * none yet; or a negative errno.
 */
int nl_nsid_of(struct nl *nl, int nsfd);

/* nl_link_set_netns() - move @ifindex into the namespace open at @netns_fd */
int nl_link_set_netns(struct nl *nl, int ifindex, int netns_fd);
/*
 * nl_link_add() - create link @name of type @kind ("dummy", "veth": a veth
 * gets a peer named by the kernel) with no further options.  -EEXIST if the
 * name is taken, -EOPNOTSUPP if the kind's module is not there.
 */
int nl_link_add(struct nl *nl, const char *name, const char *kind);
/* nl_link_del() - delete link @ifindex (for a veth, both ends) */
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

/*
 * Called once per link message.  A NEWLINK comes for every change, not only
 * the interesting ones (each of up, carrier, MTU, rename, and some for
 * nothing visible), so compare with what you knew.  The link fields are
 * those the message carried; a malformed attribute reads as absent (zero).
 * A link deleted while up gives NEWLINK (down) then DELLINK; a link moved
 * out gives DELLINK with @moved set, and its ifindex here is gone for good.
 *
 * Events also come from other namespaces that ours has an id for
 * (NETLINK_LISTEN_ALL_NSID): the kernel gives one to the namespace a link
 * is moved into from ours, so a TAP moved into a host's namespace can still
 * be watched there, by (@nsid, ifindex).  Their @new_nsid would be in the
 * other namespace's numbering: it is left -1.
 */
typedef void (*nl_event_cb_t)(const struct nl_event *ev, void *arg);

struct nl_monitor;

struct nl_monitor *nl_monitor_open(void);
void nl_monitor_close(struct nl_monitor *mon);
/* the fd to poll for readability (non-blocking) */
int nl_monitor_fd(const struct nl_monitor *mon);
/* whether events of other namespaces come too (needs CAP_NET_BROADCAST) */
bool nl_monitor_all_nsid(const struct nl_monitor *mon);
/*
 * nl_monitor_read() - read every pending message and call @cb for each link
 * event.  Returns 0 when drained, -ENOBUFS when the kernel dropped events
 * (the caller should re-check its links), or another negative errno.
 */
int nl_monitor_read(struct nl_monitor *mon, nl_event_cb_t cb, void *arg);

#endif /* TAPSW_NETLINK_H */
