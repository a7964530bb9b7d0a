/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - the switch's configuration on disk (tapswd --state FILE):
 * ports and their settings, per-port MAC limits and static FDB entries.
 *
 * Saved after every change, atomically: a temporary file in the same
 * directory, fsync, rename, fsync of the directory.  A crash at any point
 * leaves the old file or the new one, never half of one.  Restored at
 * start-up; a file that cannot be read or parsed is an error that stops
 * tapswd, never a silently empty switch.
 */
#ifndef TAPSW_STATE_H
#define TAPSW_STATE_H

#include "tapsw.h"

struct daemon;
struct sw;

enum { STATE_VERSION = 1 };

/**
 * state_save() - Write @sw's configuration to @path.
 * @sw: The switch.
 * @path: The state file.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, or a negative errno with a reason in @why.
 */
int state_save(struct sw *sw, const char *path, char *why, size_t whylen);

/**
 * state_restore() - Read @path and apply it to @d's switch.
 * @d: The daemon.
 * @path: The state file; a missing file is an empty state.
 * @failed: How many ports could not be opened.
 * @why: A reason, on failure.
 * @whylen: Size of @why.
 *
 * Open its ports, set their limits, add the static entries.  A port that
 * cannot be opened now is logged and left out (it is gone from the next
 * save).
 *
 * Return: 0, or a negative errno with @why when the file cannot be read or
 * is not a tapsw state file.
 */
int state_restore(struct daemon *d, const char *path, unsigned int *failed,
		  char *why, size_t whylen);

#endif /* TAPSW_STATE_H */
