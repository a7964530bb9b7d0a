/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - TAP ports ("tap"): a queue of a persistent TAP device opened
 * through /dev/net/tun, created if it does not exist.
 */
#ifndef TAPSW_TAP_H
#define TAPSW_TAP_H

#include "port_class.h"

extern const struct port_class tap_port_class;

#endif /* TAPSW_TAP_H */
