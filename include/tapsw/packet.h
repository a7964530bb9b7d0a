/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet.h - VM TAP ports ("vm") and netdev ports ("netdev"): an AF_PACKET
 * socket bound to an interface (a TAP tapsw creates for QEMU, or any
 * existing interface).
 */
#ifndef TAPSW_PACKET_H
#define TAPSW_PACKET_H

#include "port_class.h"

extern const struct port_class vm_port_class;
extern const struct port_class netdev_port_class;

#endif /* TAPSW_PACKET_H */
