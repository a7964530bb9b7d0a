/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sockfile.h - the socket file of a socket port: claimed, bound, given its
 * mode and owner, and removed when the port goes, if it is still ours.
 */
#ifndef TAPSW_SOCKFILE_H
#define TAPSW_SOCKFILE_H

#include "tapsw.h"

#include <sys/types.h>
#include <sys/un.h>

struct sockfile {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;		/* the file we made */
	ino_t ino;
};

/**
 * sockfile_bind() - Bind AF_UNIX socket @fd of port @name to @path.
 * @sf: The socket file, on success.
 * @fd: The socket.
 * @name: The port's name.
 * @path: The path; a stale socket there is removed first.
 * @mode: The file's mode.
 * @owner: Its owner (-1: as it is).
 * @group: Its group (-1: as it is).
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * Call before listen(), so nobody gets in under the umask's mode.
 *
 * Return: 0, or a negative errno (-EADDRINUSE: something answers there;
 * -EEXIST: not a socket) with a one-line reason in @why.
 */
int sockfile_bind(struct sockfile *sf, int fd, const char *name,
		  const char *path, unsigned int mode, long owner, long group,
		  char *why, size_t whylen);

/**
 * sockfile_unlink() - Remove the socket file, if it is still the one made.
 * @sf: The socket file.
 * @name: The port's name.
 */
void sockfile_unlink(const struct sockfile *sf, const char *name);

#endif /* TAPSW_SOCKFILE_H */
