// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns.c - named network namespaces: enter one, find the one holding an
 * interface, name the one an fd refers to.
 *
 * Names are the files `ip netns add` bind-mounts under /run/netns; two
 * namespace handles are the same namespace when their (st_dev, st_ino)
 * match.  Every function returns to the caller's namespace before it
 * returns, whatever happens.
 */
#include "tapsw/tapsw.h"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tapsw/netns.h"

static bool netns_valid_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') &&
	       strlen(name) < NETNS_NAME_MAX;
}

int netns_enter(const char *name, int *back)
{
	/* sized for any d_name, so the compiler can see nothing is cut */
	char path[sizeof(NETNS_RUN_DIR) + sizeof(((struct dirent *)0)->d_name)];
	int fd, ret;

	if (!netns_valid_name(name))
		return -EINVAL;
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	*back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*back < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto err_back;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(fd);
		goto err_back;
	}
	close(fd);
	return 0;

err_back:
	close(*back);
	*back = -1;
	return ret;
}

int netns_leave(int back)
{
	int ret = 0;

	if (back < 0)
		return 0;
	if (setns(back, CLONE_NEWNET) < 0)
		ret = -errno;
	close(back);
	return ret;
}

/* does namespace @name have an interface @ifname?  1, 0, or -errno when
 * it cannot be entered (-EPERM: setns() needs CAP_SYS_ADMIN) */
static int netns_has_link(const char *name, const char *ifname)
{
	bool found;
	int back, ret;

	ret = netns_enter(name, &back);
	if (ret)
		return ret;
	found = if_nametoindex(ifname) != 0;
	netns_leave(back);
	return found;
}

int netns_find_link(const char *ifname, const char *hint, char *ns,
		    size_t nslen)
{
	struct dirent *de;
	DIR *dir;
	int ret = -ENODEV, has;

	ns[0] = '\0';
	if (if_nametoindex(ifname))
		return 0;
	if (hint && hint[0]) {
		has = netns_has_link(hint, ifname);
		if (has > 0) {
			snprintf(ns, nslen, "%s", hint);
			return 0;
		}
		if (has == -EPERM)
			ret = -EPERM;
	}
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return ret;
	while ((de = readdir(dir))) {
		if (!netns_valid_name(de->d_name))
			continue;
		has = netns_has_link(de->d_name, ifname);
		if (has > 0) {
			snprintf(ns, nslen, "%s", de->d_name);
			ret = 0;
			break;
		}
		if (has == -EPERM)
			ret = -EPERM;
	}
	closedir(dir);
	return ret;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int netns_name_of(int nsfd, char *ns, size_t nslen)
{
	/* sized for any d_name, so the compiler can see nothing is cut */
	char path[sizeof(NETNS_RUN_DIR) + sizeof(((struct dirent *)0)->d_name)];
	struct stat want, st;
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	ns[0] = '\0';
	if (fstat(nsfd, &want) < 0)
		return -errno;
	if (stat("/proc/self/ns/net", &st) == 0 && same_file(&st, &want))
		return 0;
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return -ENOENT;
	while ((de = readdir(dir))) {
		if (!netns_valid_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", de->d_name);
		if (stat(path, &st) == 0 && same_file(&st, &want)) {
			snprintf(ns, nslen, "%s", de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	return ret;
}
