/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu.h - QEMU socket ports: -netdev stream (4-byte length framing) and
 * -netdev dgram (one datagram per frame) over UNIX sockets.
 */
#ifndef TAPSW_QEMU_H
#define TAPSW_QEMU_H

#include "tapsw.h"

struct sw;
struct port;
struct port_config;

/*
 * qemu_port_open() - open a stream or dgram port for @cfg and attach it to @sw.
 * On failure returns a negative errno and writes a one-line reason to @why.
 */
int qemu_port_open(struct sw *sw, const struct port_config *cfg,
		    struct port **portp, char *why, size_t whylen);

#endif /* TAPSW_QEMU_H */
