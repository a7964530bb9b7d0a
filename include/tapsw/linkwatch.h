/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linkwatch.h - follow rtnetlink link events for the ports whose netdev is
 * in tapswd's namespace: deletion, MTU changes, moves away.
 */
#ifndef TAPSW_LINKWATCH_H
#define TAPSW_LINKWATCH_H

#include "tapsw.h"

#include <uv.h>

struct sw;
struct linkwatch;

/* linkwatch_start() - subscribe and poll on @loop.  0 or a negative errno. */
int linkwatch_start(uv_loop_t *loop, struct sw *sw, struct linkwatch **lwp);
void linkwatch_stop(struct linkwatch *lw);

#endif /* TAPSW_LINKWATCH_H */
