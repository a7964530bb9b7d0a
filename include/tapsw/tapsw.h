/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tapsw.h - the header every tapsw source file includes first.
 *
 * Pulls in config.h (so feature macros are set before any system header, as
 * nftables' include/nft.h does) and the few helpers every file uses.
 */
#ifndef TAPSW_TAPSW_H
#define TAPSW_TAPSW_H

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#endif

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#endif /* TAPSW_TAPSW_H */
