/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netns.h - named network namespaces (the ones `ip netns add` makes, bind
 * mounted under /run/netns): find which one holds an interface, and run a
 * step inside one.
 *
 * A TAP is found by name only in the namespace /dev/net/tun was opened in,
 * so re-attaching a TAP that a test moved into namespace h1 means opening
 * /dev/net/tun from inside h1.  tapswd is single-threaded: switching its
 * one thread into a namespace and back is safe.
 */
#ifndef TAPSW_NETNS_H
#define TAPSW_NETNS_H

#include "tapsw.h"

enum { NETNS_NAME_MAX = 64 };

#define NETNS_RUN_DIR	"/run/netns"

/* netns_enter() - switch into namespace @name; *@back is a handle to return */
int netns_enter(const char *name, int *back);
/* netns_leave() - return to where netns_enter() was called, close @back */
int netns_leave(int back);

/*
 * netns_find_link() - the named namespace holding an interface called
 * @ifname: 0 with its name in @ns (empty when it is tapswd's own), -ENODEV
 * when no namespace has it, or -EPERM when none we could enter has it but
 * some could not be entered (setns() needs CAP_SYS_ADMIN, which a tapswd
 * with only CAP_NET_ADMIN lacks).  @hint is tried first.
 */
int netns_find_link(const char *ifname, const char *hint, char *ns,
		    size_t nslen);

/*
 * netns_name_of() - the name under /run/netns of the namespace open at
 * @nsfd: 0 and @ns (empty for tapswd's own), or -ENOENT if it has none.
 */
int netns_name_of(int nsfd, char *ns, size_t nslen);

#endif /* TAPSW_NETNS_H */
