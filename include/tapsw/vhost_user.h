/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_user.h - vhost-user ports ("vhost-user"): tapswd is the back-end
 * server on a UNIX socket that one QEMU connects to with
 * `-chardev socket,path=PATH,reconnect=1 -netdev vhost-user,chardev=...`,
 * and frames go straight between the switch and the guest's memory.
 */
#ifndef TAPSW_VHOST_USER_H
#define TAPSW_VHOST_USER_H

#include "port_class.h"

extern const struct port_class vhost_user_port_class;

#endif /* TAPSW_VHOST_USER_H */
