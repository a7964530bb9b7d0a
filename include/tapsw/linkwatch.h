/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linkwatch.h - follow rtnetlink link events for the ports whose netdev is
 * in tapswd's namespace: deletion, MTU changes, moves away.
 */
#ifndef TAPSW_LINKWATCH_H
#define TAPSW_LINKWATCH_H

#include "tapsw.h"

struct daemon;
struct linkwatch;

/**
 * linkwatch_start() - Subscribe, and follow @d's ports.
 * @d: The daemon: its loop, rtnetlink socket and switch.
 * @lwp: The link watch, on success.
 *
 * Return: 0 or a negative errno.
 */
int linkwatch_start(struct daemon *d, struct linkwatch **lwp);
void linkwatch_stop(struct linkwatch *lw);

#endif /* TAPSW_LINKWATCH_H */
