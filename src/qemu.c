// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu.c - QEMU socket ports: -netdev stream (4-byte length framing) and
 * -netdev dgram (one datagram per frame) over UNIX sockets.
 *
 * Not written yet: adding such a port fails with EOPNOTSUPP.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>

#include "tapsw/qemu.h"

int qemu_port_open(struct sw *sw, const struct port_config *cfg,
		    struct port **portp, char *why, size_t whylen)
{
	snprintf(why, whylen, "this port kind is not supported yet");
	return -EOPNOTSUPP;
}
