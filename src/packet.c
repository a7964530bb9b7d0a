// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * packet.c - VM TAP ports and netdev ports: an AF_PACKET socket bound to an
 * interface (a TAP tapsw creates for QEMU, or any existing interface).
 *
 * Not written yet: adding such a port fails with EOPNOTSUPP.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>

#include "tapsw/packet.h"

int packet_port_open(struct sw *sw, const struct port_config *cfg,
		    struct port **portp, char *why, size_t whylen)
{
	snprintf(why, whylen, "this port kind is not supported yet");
	return -EOPNOTSUPP;
}
