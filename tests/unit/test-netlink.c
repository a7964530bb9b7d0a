// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-netlink.c - rtnetlink requests and link events against the real
 * kernel, inside a network namespace of our own.
 *
 * The test unshare()s into a fresh network namespace first, so it only ever
 * sees and changes its own "lo" and the links it creates there; the host's
 * links are out of reach.  Without the privilege to do that (not root, or a
 * container that forbids it) the whole test is skipped ("1..0 # SKIP",
 * which tap-driver.sh counts as a skip; an exit status of 77 would be an
 * error under that driver).
 *
 * Links to change and delete are "dummy" ones, or "veth" where the dummy
 * module is missing; with neither, the state changes are tried on "lo"
 * (restored afterwards) and the create/delete/move checks are skipped.
 * The move goes to a second namespace, also our own.
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tapsw/netlink.h"
#include "tap.h"

enum {
	EVENT_WAIT_MS = 1000,
	MAX_EVENTS = 64,
	N_TESTS = 35,
	N_LINK_TESTS = 12,	/* skipped without dummy or veth */
};

struct events {
	struct nl_event ev[MAX_EVENTS];
	unsigned int n;
};

static void events_cb(const struct nl_event *ev, void *arg)
{
	struct events *e = arg;

	if (e->n < MAX_EVENTS)
		e->ev[e->n++] = *ev;
}

/*
 * wait_event() - read events until one for @ifindex of @type arrives whose
 * up flag is @up (-1: any), or EVENT_WAIT_MS pass.  Returns it, or NULL.
 */
static const struct nl_event *wait_event(struct nl_monitor *mon,
					 struct events *e, int ifindex,
					 enum nl_event_type type, int up)
{
	struct pollfd p = { .fd = nl_monitor_fd(mon), .events = POLLIN };
	unsigned int i = 0;

	for (;;) {
		for (; i < e->n; i++) {
			const struct nl_event *ev = &e->ev[i];

			if (ev->link.ifindex == ifindex && ev->type == type &&
			    (up < 0 || ev->link.up == (up > 0)))
				return ev;
		}
		if (poll(&p, 1, EVENT_WAIT_MS) <= 0)
			return NULL;
		if (nl_monitor_read(mon, events_cb, e) < 0)
			return NULL;
	}
}

/* the first kind of link this kernel can create, or NULL */
static const char *add_link(struct nl *nl, const char *name)
{
	static const char *const kinds[] = { "dummy", "veth" };
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		ret = nl_link_add(nl, name, kinds[i]);
		if (ret == 0)
			return kinds[i];
		diag("cannot add a %s link: %s (%s)", kinds[i],
		     strerror(-ret), nl_strerror(nl));
	}
	return NULL;
}

static void test_lookup(struct nl *nl)
{
	struct nl_link link;
	int ret;

	ret = nl_link_get(nl, "lo", &link);
	ok(ret == 0, "nl_link_get(lo) succeeds (%d)", ret);
	ok(link.ifindex == 1, "lo has ifindex 1 (%d)", link.ifindex);
	ok(link.mtu == 65536, "lo has MTU 65536 (%u)", link.mtu);
	ok(!strcmp(link.name, "lo"), "name is read back (%s)", link.name);
	ok(!link.up, "lo starts down in a new namespace");

	memset(&link, 0xaa, sizeof(link));
	ret = nl_link_get_by_index(nl, 1, &link);
	ok(ret == 0 && !strcmp(link.name, "lo"),
	   "nl_link_get_by_index(1) is lo (%d)", ret);

	ret = nl_link_get(nl, "tswnone0", &link);
	ok(ret == -ENODEV, "missing name is -ENODEV (%d)", ret);
	ret = nl_link_get_by_index(nl, 99999, &link);
	ok(ret == -ENODEV, "missing ifindex is -ENODEV (%d)", ret);
	ret = nl_link_get(nl, "a-name-longer-than-ifnamsiz", &link);
	ok(ret == -ENODEV, "over-long name is -ENODEV (%d)", ret);
}

/* MTU, txqlen and up/down on @ifindex, each seen by a read and the monitor */
static void test_set(struct nl *nl, struct nl_monitor *mon, int ifindex)
{
	struct events e = { .n = 0 };
	const struct nl_event *ev;
	struct nl_link link;
	int ret;

	ret = nl_link_set_mtu(nl, ifindex, 1400);
	ok(ret == 0, "set MTU 1400 (%d)", ret);
	/* lo and dummy have no maximum; 2^31 is a negative int to the kernel */
	ret = nl_link_set_mtu(nl, ifindex, 1u << 31);
	ok(ret == -EINVAL, "MTU 2^31 is -EINVAL (%d)", ret);
	ok(nl_strerror(nl)[0], "the kernel's reason is kept: \"%s\"",
	   nl_strerror(nl));

	ret = nl_link_set_txqlen(nl, ifindex, 4321);
	ok(ret == 0, "set txqlen 4321 (%d)", ret);
	ok(!nl_strerror(nl)[0], "success clears the reason");

	ret = nl_link_set_up(nl, ifindex, true);
	ok(ret == 0, "set up (%d)", ret);
	ret = nl_link_get_by_index(nl, ifindex, &link);
	ok(ret == 0 && link.mtu == 1400 && link.txqlen == 4321 && link.up,
	   "read back: mtu %u txqlen %u up %d", link.mtu, link.txqlen,
	   link.up);

	ev = wait_event(mon, &e, ifindex, NL_EVENT_NEWLINK, 1);
	ok(ev, "monitor: NEWLINK with the link up");
	ok(ev && ev->link.mtu == 1400 && ev->link.txqlen == 4321,
	   "monitor: the event carries MTU and txqlen");

	/* all before the up event is read: what comes next is newer */
	e.n = 0;
	ret = nl_link_set_up(nl, ifindex, false);
	ok(ret == 0, "set down (%d)", ret);
	ev = wait_event(mon, &e, ifindex, NL_EVENT_NEWLINK, 0);
	ok(ev, "monitor: NEWLINK with the link down");
	ok(ev && !ev->moved, "monitor: NEWLINK is not a move");
}

/* delete one link and move another out: both DELLINK, one marked moved */
static void test_del_move(struct nl *nl, struct nl_monitor *mon,
			  int del_ifindex, int move_ifindex)
{
	struct events e = { .n = 0 };
	const struct nl_event *ev;
	struct nl_link link;
	struct nl *nl2;
	int ret, nsfd, nsfd3, id, id3;

	ret = nl_link_del(nl, del_ifindex);
	ok(ret == 0, "delete a link (%d)", ret);
	ev = wait_event(mon, &e, del_ifindex, NL_EVENT_DELLINK, -1);
	ok(ev && !ev->moved, "monitor: DELLINK, not moved");
	ret = nl_link_get_by_index(nl, del_ifindex, &link);
	ok(ret == -ENODEV, "deleted link is -ENODEV (%d)", ret);

	/* a second namespace; our sockets stay in the first */
	nsfd = -1;
	if (unshare(CLONE_NEWNET) == 0)
		nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ret = nl_link_set_netns(nl, move_ifindex, nsfd);
	ok(ret == 0, "move a link to another namespace (%d)", ret);
	ev = wait_event(mon, &e, move_ifindex, NL_EVENT_DELLINK, -1);
	ok(ev && ev->moved, "monitor: DELLINK marked moved");
	ret = nl_link_get_by_index(nl, move_ifindex, &link);
	ok(ret == -ENODEV, "moved link is gone here (%d)", ret);

	nl2 = nl_open();	/* in the second namespace */
	ret = nl2 ? nl_link_get(nl2, "tsw0", &link) : -errno;
	ok(ret == 0, "moved link is there (%d)", ret);
	nl_close(nl2);

	/* the id ours knows it by: the one the move announced */
	id = nsfd >= 0 ? nl_nsid_of(nl, nsfd) : -EBADF;
	ok(ev && id >= 0 && id == ev->new_nsid,
	   "nl_nsid_of() is the id the move announced (%d, %d)", id,
	   ev ? ev->new_nsid : -1);
	/* a third namespace, which ours has no id for yet */
	nsfd3 = -1;
	if (unshare(CLONE_NEWNET) == 0)
		nsfd3 = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	id3 = nsfd3 >= 0 ? nl_nsid_of(nl, nsfd3) : -EBADF;
	ok(id3 >= 0 && id3 != id, "a namespace without an id gets one (%d)",
	   id3);
	ret = nsfd3 >= 0 ? nl_nsid_of(nl, nsfd3) : -EBADF;
	ok(ret == id3, "asked again, the same id (%d)", ret);
	if (nsfd >= 0)
		close(nsfd);
	if (nsfd3 >= 0)
		close(nsfd3);
}

int main(void)
{
	struct events e = { .n = 0 };
	struct nl_monitor *mon;
	struct nl_link l0, l1;
	const char *kind;
	struct nl *nl;
	int ret;

	if (unshare(CLONE_NEWNET) < 0) {
		printf("1..0 # SKIP cannot unshare(CLONE_NEWNET): %s%s\n",
		       strerror(errno), geteuid() ? " (not root)" : "");
		return 0;
	}

	plan_tests(N_TESTS);

	nl = nl_open();
	mon = nl_monitor_open();
	if (!ok(nl && mon, "open request and monitor sockets")) {
		skip(N_TESTS - 1, "no rtnetlink socket");
		return exit_status();
	}
	ret = nl_monitor_read(mon, events_cb, &e);
	ok(ret == 0 && e.n == 0, "monitor: nothing pending reads 0 (%d)",
	   ret);

	test_lookup(nl);

	kind = add_link(nl, "tsw0");
	if (kind && add_link(nl, "tsw1") == kind &&
	    nl_link_get(nl, "tsw0", &l0) == 0 &&
	    nl_link_get(nl, "tsw1", &l1) == 0) {
		diag("testing on %s links", kind);
		ok(wait_event(mon, &e, l0.ifindex, NL_EVENT_NEWLINK, -1),
		   "monitor: NEWLINK for a new link");
		ret = nl_link_add(nl, "tsw0", kind);
		ok(ret == -EEXIST, "adding it again is -EEXIST (%d)", ret);
		test_set(nl, mon, l0.ifindex);
		test_del_move(nl, mon, l1.ifindex, l0.ifindex);
	} else {
		diag("no dummy or veth: testing on lo");
		test_set(nl, mon, 1);
		nl_link_set_mtu(nl, 1, 65536);
		nl_link_set_txqlen(nl, 1, 1000);
		skip(N_LINK_TESTS, "cannot create links");
	}

	nl_monitor_close(mon);
	nl_close(nl);
	return exit_status();
}
