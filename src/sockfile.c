// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sockfile.c - the socket file of a socket port (stream, dgram): claim the
 * path, bind, set mode and owner; remove it when the port goes.
 *
 * A stale socket at the path (nobody answers) is removed; a live one, or
 * anything that is not a socket, makes the bind fail.  Only the socket
 * itself is created, never a directory, and it is removed only if it is
 * still the one we made (its device and inode).
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tapsw/log.h"
#include "tapsw/sockfile.h"

/*
 * Is somebody answering on @sa?  0: nobody (stale), -EADDRINUSE: yes, or
 * another negative errno when we cannot tell.  Tries a stream and a
 * datagram connect, as the socket may be of either type.
 */
static int sockfile_probe(const struct sockaddr_un *sa)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	unsigned int i;
	int fd, ret, e;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		fd = socket(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
		e = errno;
		close(fd);
		if (!ret)
			return -EADDRINUSE;
		switch (e) {
		case EAGAIN:		/* a full backlog: a live listener */
		case EINPROGRESS:
		case EPERM:		/* dgram connected to someone else */
			return -EADDRINUSE;
		case ECONNREFUSED:
		case ENOENT:
			return 0;
		case EPROTOTYPE:	/* the other type */
			continue;
		default:
			return -e;
		}
	}
	return 0;
}

/*
 * Make @sa's path free for bind(): remove a stale socket there; refuse a
 * live one or anything that is not a socket.
 */
static int sockfile_claim(const char *name, const struct sockaddr_un *sa,
			  char *why, size_t whylen)
{
	struct stat st;
	int ret;

	if (lstat(sa->sun_path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		snprintf(why, whylen, "%s: %s", sa->sun_path, strerror(-ret));
		return ret;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(why, whylen, "%s exists and is not a socket",
			 sa->sun_path);
		return -EEXIST;
	}
	ret = sockfile_probe(sa);
	if (ret == -EADDRINUSE) {
		snprintf(why, whylen, "%s is in use (something answers on it)",
			 sa->sun_path);
		return ret;
	}
	if (ret) {
		snprintf(why, whylen, "cannot probe %s: %s", sa->sun_path,
			 strerror(-ret));
		return ret;
	}
	if (unlink(sa->sun_path) < 0 && errno != ENOENT) {
		ret = -errno;
		snprintf(why, whylen, "cannot remove stale socket %s: %s",
			 sa->sun_path, strerror(-ret));
		return ret;
	}
	info("port %s: removed stale socket %s", name, sa->sun_path);
	return 0;
}

int sockfile_bind(struct sockfile *sf, int fd, const char *name,
		  const char *path, unsigned int mode, long owner, long group,
		  char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int ret;

	if (!path || !path[0] || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, whylen, "socket path must be 1 to %zu characters",
			 sizeof(sa.sun_path) - 1);
		return -EINVAL;
	}
	if (mode & ~07777U) {
		snprintf(why, whylen, "invalid mode %o", mode);
		return -EINVAL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ret = sockfile_claim(name, &sa, why, whylen);
	if (ret)
		return ret;
	if (bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot bind %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	if (lstat(path, &st) < 0) {
		ret = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	snprintf(sf->path, sizeof(sf->path), "%s", path);
	sf->dev = st.st_dev;
	sf->ino = st.st_ino;
	/* before listen(): nobody gets in under the umask's mode */
	if (chmod(path, mode) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set mode %o on %s: %s", mode,
			 path, strerror(-ret));
		goto err_unlink;
	}
	if ((owner >= 0 || group >= 0) &&
	    lchown(path, (uid_t)owner, (gid_t)group) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set owner %ld group %ld on %s: %s",
			 owner, group, path, strerror(-ret));
		goto err_unlink;
	}
	return 0;

err_unlink:
	unlink(path);
	return ret;
}

void sockfile_unlink(const struct sockfile *sf, const char *name)
{
	struct stat st;

	if (lstat(sf->path, &st) == 0 && st.st_dev == sf->dev &&
	    st.st_ino == sf->ino && unlink(sf->path) < 0)
		warn_perror(errno, "port %s: cannot remove %s", name, sf->path);
}
