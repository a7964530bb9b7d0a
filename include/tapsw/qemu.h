/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu.h - QEMU socket ports: -netdev stream ("stream", 4-byte length
 * framing) and -netdev dgram ("dgram", one datagram per frame) over UNIX
 * sockets.
 */
#ifndef TAPSW_QEMU_H
#define TAPSW_QEMU_H

#include "port_class.h"

extern const struct port_class stream_port_class;
extern const struct port_class dgram_port_class;

#endif /* TAPSW_QEMU_H */
