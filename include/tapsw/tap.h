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
struct port_config;

/*
 * tap_port_open() - attach to TAP @cfg->name, creating it persistent if it
 * does not exist, and start forwarding on it.  On failure returns a negative
 * errno and writes a one-line explanation to @why.
 */
int tap_port_open(struct sw *sw, const struct port_config *cfg,
		  struct port **portp, char *why, size_t whylen);

#endif /* TAPSW_TAP_H */
