/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - TAP ports: a queue of a persistent TAP device opened through
 * /dev/net/tun.
 */
#ifndef TAPSW_TAP_H
#define TAPSW_TAP_H

#include "tapsw.h"

struct sw;
struct port;

struct tap_config {
	const char *name;
	unsigned int mtu;	/* 0: keep the device's MTU */
	long owner;		/* uid for TUNSETOWNER, or -1 */
	long group;		/* gid for TUNSETGROUP, or -1 */
	bool no_offload;	/* plain frames: no vnet header, no TSO/csum */
};

/*
 * tap_port_open() - attach to TAP @cfg->name, creating it persistent if it
 * does not exist, and start forwarding on it.  On failure returns a negative
 * errno and writes a one-line explanation to @why.
 */
int tap_port_open(struct sw *sw, const struct tap_config *cfg,
		  struct port **portp, char *why, size_t whylen);

#endif /* TAPSW_TAP_H */
