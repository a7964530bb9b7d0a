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

/**
 * netns_enter() - Switch into namespace @name.
 * @name: The namespace's name under /run/netns.
 * @back: A handle to return with.
 *
 * Return: 0 or a negative errno.
 */
int netns_enter(const char *name, int *back);

/**
 * netns_leave() - Return to where netns_enter() was called, close @back.
 * @back: The handle netns_enter() gave.
 *
 * Return: 0 or a negative errno.
 */
int netns_leave(int back);

/**
 * netns_find_link() - Find the named namespace holding an interface.
 * @ifname: The interface's name.
 * @hint: A namespace to try first.
 * @ns: Its name, on success (empty when it is tapswd's own).
 * @nslen: Size of @ns.
 *
 * Return: 0, -ENODEV when no namespace has it, or -EPERM when none we
 * could enter has it but some could not be entered (setns() needs
 * CAP_SYS_ADMIN, which a tapswd with only CAP_NET_ADMIN lacks).
 */
int netns_find_link(const char *ifname, const char *hint, char *ns,
		    size_t nslen);

/**
 * netns_name_of() - The name under /run/netns of the namespace at @nsfd.
 * @nsfd: An fd open at the namespace.
 * @ns: Its name, on success (empty for tapswd's own).
 * @nslen: Size of @ns.
 *
 * Return: 0, or -ENOENT if it has none.
 */
int netns_name_of(int nsfd, char *ns, size_t nslen);

#endif /* TAPSW_NETNS_H */
