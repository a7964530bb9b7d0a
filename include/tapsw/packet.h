/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet.h - VM TAP ports and netdev ports: an AF_PACKET socket bound to an
 * interface (a TAP tapsw creates for QEMU, or any existing interface).
 */
#ifndef TAPSW_PACKET_H
#define TAPSW_PACKET_H

#include "tapsw.h"

struct sw;
struct port;
struct port_config;

/*
 * packet_port_open() - open a vm or netdev port for @cfg and attach it to @sw.
 * On failure returns a negative errno and writes a one-line reason to @why.
 */
int packet_port_open(struct sw *sw, const struct port_config *cfg,
		      struct port **portp, char *why, size_t whylen);

#endif /* TAPSW_PACKET_H */
