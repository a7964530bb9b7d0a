// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink.c - rtnetlink through libmnl: look links up, change their state,
 * MTU, txqueuelen and namespace, and watch link events.
 *
 * Requests (struct nl) are synchronous: each one carries NLM_F_REQUEST |
 * NLM_F_ACK and a fresh sequence number, and we read until the kernel's
 * NLMSG_ERROR for that sequence (an error code, or 0 for the ack).  A GETLINK
 * answer arrives before its ack.  Messages with another sequence number
 * (left over from a request that failed half way) are skipped.  The socket
 * sets NETLINK_EXT_ACK, so a failure carries the kernel's explanation
 * ("MTU greater than device maximum"), kept for nl_strerror(), and
 * NETLINK_CAP_ACK, so the error does not echo our whole request back.
 * Model: ethtool netlink/nlsock.c nlsock_process_ack().
 *
 * The monitor (struct nl_monitor) is a second, non-blocking socket in
 * RTMGRP_LINK.  nl_monitor_read() drains it until EAGAIN.  If the kernel
 * could not queue an event (the socket buffer was full) recv fails with
 * ENOBUFS once; we keep draining and report -ENOBUFS at the end, so the
 * caller knows to re-read the links it cares about.  Only messages sent by
 * the kernel (sender port 0) are believed.
 *
 * A link that moves to another namespace is, seen from here, deleted: the
 * kernel sends RTM_DELLINK with IFLA_NEW_NETNSID (and IFLA_NEW_IFINDEX), and
 * nl_event.moved tells the two apart.  A TAP whose netdev moves keeps its
 * queue fd, so tapswd must not treat such a DELLINK as the port going away.
 * The monitor also sets NETLINK_LISTEN_ALL_NSID: events of the namespaces
 * ours has an id for (the kernel makes one for the namespace a link moves
 * to) come with that id in a control message, so the moved TAP can still be
 * watched (nl_event.nsid, nl_link_get_in() with IFLA_TARGET_NETNSID).  For a
 * namespace reached otherwise (a TAP found there at start), nl_nsid_of()
 * asks its id (RTM_GETNSID) and has the kernel give it one if it has none
 * (RTM_NEWNSID), as `ip netns set NAME auto` does.
 *
 * Every attribute is checked (mnl_attr_type_valid, mnl_attr_validate) before
 * use, as in libmnl examples/rtnl/rtnl-link-event.c; a malformed attribute
 * is ignored as if absent.  libmnl's -1 + errno becomes a negative errno
 * here, at the boundary.
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "tapsw/log.h"
#include "tapsw/netlink.h"

enum {
	/*
	 * >= MNL_SOCKET_BUFFER_SIZE (at most 8 KiB): requests are small, but
	 * a link's answer grows with its attributes, and a message that does
	 * not fit is cut (MSG_TRUNC), so leave room.
	 */
	NL_BUF_SIZE = 32768,
	NL_ERRMSG_SIZE = 256,
	NL_MON_RCVBUF = 1 << 20,	/* 1 MiB of queued events */
	NL_ETH_ALEN = 6,
	/* linux/if.h IFF_LOWER_UP; that header clashes with <net/if.h> */
	NL_IFF_LOWER_UP = 1 << 16,
};

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char errmsg[NL_ERRMSG_SIZE];	/* extack text of the last failure */
	alignas(8) char buf[NL_BUF_SIZE];
};

struct nl_monitor {
	struct mnl_socket *sock;
	bool all_nsid;		/* NETLINK_LISTEN_ALL_NSID took */
	alignas(8) char buf[NL_BUF_SIZE];
};

/* called for each answer (not the ack) to the current request */
typedef int (*nl_reply_cb_t)(const struct nlmsghdr *nlh, void *arg);

/* --- attributes */

/* valid IFLA_* attributes of one link message, by type */
struct nl_link_attrs {
	const struct nlattr *tb[IFLA_MAX + 1];
};

static int nl_link_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_link_attrs *a = data;
	int type = mnl_attr_get_type(attr);
	int ret = 0;

	/* newer kernel, newer attribute: not ours to read */
	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;

	switch (type) {
	case IFLA_IFNAME:
		ret = mnl_attr_validate(attr, MNL_TYPE_NUL_STRING);
		if (ret == 0 && mnl_attr_get_payload_len(attr) > IF_NAMESIZE)
			ret = -1;
		break;
	case IFLA_MTU:
	case IFLA_TXQLEN:
	case IFLA_NEW_NETNSID:		/* s32 */
	case IFLA_NEW_IFINDEX:		/* s32 */
		ret = mnl_attr_validate(attr, MNL_TYPE_U32);
		break;
	case IFLA_ADDRESS:
		/* only Ethernet-sized addresses; tun (L3) has none, ipip 4 */
		ret = mnl_attr_validate2(attr, MNL_TYPE_BINARY, NL_ETH_ALEN);
		break;
	default:
		return MNL_CB_OK;	/* not used: not kept */
	}
	if (ret < 0) {
		debug("%s: ignoring malformed attribute %d (length %u)",
		      __func__, type, mnl_attr_get_payload_len(attr));
		return MNL_CB_OK;
	}
	a->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * nl_link_parse() - fill @link from an RTM_NEWLINK/RTM_DELLINK message
 * @nlh:	the message, whose length the caller has checked (mnl_nlmsg_ok)
 * @link:	filled in; fields the message lacks stay zero
 * @a:		if not NULL, receives the valid attributes
 *
 * Return: 0, or -EPROTO if the message is too short or names no ifindex.
 */
static int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *link,
			 struct nl_link_attrs *a)
{
	struct nl_link_attrs local;
	const struct ifinfomsg *ifm;

	if (!a)
		a = &local;
	memset(a, 0, sizeof(*a));
	memset(link, 0, sizeof(*link));

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EPROTO;
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_index <= 0)
		return -EPROTO;
	if (mnl_attr_parse(nlh, sizeof(*ifm), nl_link_attr_cb, a) < 0)
		return -EPROTO;

	link->ifindex = ifm->ifi_index;
	link->up = ifm->ifi_flags & IFF_UP;
	link->carrier = ifm->ifi_flags & NL_IFF_LOWER_UP;
	if (a->tb[IFLA_IFNAME])
		/* validated: NUL-terminated and at most IF_NAMESIZE bytes */
		memcpy(link->name, mnl_attr_get_str(a->tb[IFLA_IFNAME]),
		       mnl_attr_get_payload_len(a->tb[IFLA_IFNAME]));
	if (a->tb[IFLA_MTU])
		link->mtu = mnl_attr_get_u32(a->tb[IFLA_MTU]);
	if (a->tb[IFLA_TXQLEN])
		link->txqlen = mnl_attr_get_u32(a->tb[IFLA_TXQLEN]);
	if (a->tb[IFLA_ADDRESS])
		memcpy(link->mac, mnl_attr_get_payload(a->tb[IFLA_ADDRESS]),
		       NL_ETH_ALEN);
	return 0;
}

/* --- requests */

struct nl *nl_open(void)
{
	int one = 1;
	struct nl *nl;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock) {
		ret = -errno;
		goto err_free;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err_close;
	}
	/* both since Linux 4.12 (CAP_ACK 4.3); without them errors are bare */
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one,
				  sizeof(one)) < 0)
		debug("%s: no NETLINK_EXT_ACK: %s", __func__, strerror(errno));
	if (mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one,
				  sizeof(one)) < 0)
		debug("%s: no NETLINK_CAP_ACK: %s", __func__, strerror(errno));
	nl->portid = mnl_socket_get_portid(nl->sock);
	return nl;

err_close:
	mnl_socket_close(nl->sock);
err_free:
	free(nl);
	errno = -ret;
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

const char *nl_strerror(const struct nl *nl)
{
	return nl ? nl->errmsg : "";
}

static int nl_extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;
	if (type == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * nl_ack() - read an NLMSG_ERROR: the request's result and extack text
 *
 * Return: 0 for an ack, the kernel's negative errno, or -EPROTO if the
 * message is malformed.  On error, nl->errmsg holds the kernel's text or "".
 */
static int nl_ack(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	const struct nlmsgerr *e;
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	size_t off;

	if (len < sizeof(*e))
		return -EPROTO;
	e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* TLVs follow our request: its header only if capped */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < sizeof(e->msg))
				return -EPROTO;
			off = sizeof(e->error) + e->msg.nlmsg_len;
		}
		if (off <= len)
			mnl_attr_parse(nlh, off, nl_extack_attr_cb, tb);
	}

	if (e->error > 0)
		return -EPROTO;
	if (e->error == 0) {
		if (tb[NLMSGERR_ATTR_MSG])	/* a warning */
			debug("%s: kernel says: %s", __func__,
			      mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
		return 0;
	}
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	return e->error;
}

/*
 * nl_do() - send the request built in nl->buf and wait for its ack
 * @nl:		request socket; nl->buf holds the message
 * @cb:		called for each answer before the ack, or NULL
 * @arg:	passed to @cb
 *
 * Return: 0, the kernel's negative errno, the first negative value @cb
 * returned (we still read up to the ack), or a socket error.
 */
static int nl_do(struct nl *nl, nl_reply_cb_t cb, void *arg)
{
	struct nlmsghdr *req = (void *)nl->buf;	/* aligned */
	unsigned int seq = ++nl->seq;
	int cb_ret = 0, ret;

	nl->errmsg[0] = '\0';
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req->nlmsg_seq = seq;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;	/* ENOSPC: an answer did not fit */
		}
		len = n;
		for (nlh = (const void *)nl->buf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq ||
			    !mnl_nlmsg_portid_ok(nlh, nl->portid)) {
				debug("%s: skipping stale message seq %u",
				      __func__, nlh->nlmsg_seq);
				continue;
			}
			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:	/* the last one for this request */
				ret = nl_ack(nl, nlh);
				return ret ? ret : cb_ret;
			case NLMSG_NOOP:
			case NLMSG_DONE:	/* only after a dump */
			case NLMSG_OVERRUN:
				break;
			default:
				if (cb && !cb_ret)
					cb_ret = cb(nlh, arg);
				break;
			}
		}
	}
}

static struct nlmsghdr *nl_req_link(struct nl *nl, uint16_t type,
				    uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

static int nl_link_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	return nl_link_parse(nlh, arg, NULL);
}

static int nl_link_get_req(struct nl *nl, struct nlmsghdr *nlh,
			   struct nl_link *link)
{
	int ret;

	/* counters are a third of the answer, and unused */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	link->ifindex = 0;
	ret = nl_do(nl, nl_link_get_cb, link);
	if (ret == 0 && link->ifindex <= 0)
		ret = -ENODEV;		/* acked, but no answer */
	return ret;
}

int nl_link_get(struct nl *nl, const char *name, struct nl_link *link)
{
	struct nlmsghdr *nlh;

	if (!name[0] || strlen(name) >= IF_NAMESIZE)
		return -ENODEV;
	nlh = nl_req_link(nl, RTM_GETLINK, 0, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_link_get_req(nl, nlh, link);
}

int nl_link_get_by_index(struct nl *nl, int ifindex, struct nl_link *link)
{
	return nl_link_get_in(nl, -1, ifindex, link);
}

int nl_link_get_in(struct nl *nl, int nsid, int ifindex, struct nl_link *link)
{
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return -ENODEV;
	nlh = nl_req_link(nl, RTM_GETLINK, 0, ifindex);
	if (nsid >= 0)		/* Linux 4.20 */
		mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (uint32_t)nsid);
	return nl_link_get_req(nl, nlh, link);
}

/* an RTM_NEWNSID answer: its NETNSA_NSID into *arg */
static int nl_nsid_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWNSID)
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			*(int *)arg = (int)mnl_attr_get_u32(attr);
	}
	return 0;
}

/* RTM_GETNSID or (with NETNSA_NSID -1: "pick one") RTM_NEWNSID for @nsfd */
static int nl_nsid_req(struct nl *nl, uint16_t type, int nsfd, int *nsid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct rtgenmsg *rt;

	nlh->nlmsg_type = type;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)nsfd);
	if (type == RTM_NEWNSID)
		mnl_attr_put_u32(nlh, NETNSA_NSID,
				 (uint32_t)NETNSA_NSID_NOT_ASSIGNED);
	*nsid = NETNSA_NSID_NOT_ASSIGNED;
	return nl_do(nl, type == RTM_GETNSID ? nl_nsid_cb : NULL, nsid);
}

int nl_nsid_of(struct nl *nl, int nsfd)
{
	int nsid, ret;

	ret = nl_nsid_req(nl, RTM_GETNSID, nsfd, &nsid);
	if (ret == 0 && nsid < 0) {
		/* none yet: have the kernel pick one (EEXIST: a race, fine) */
		ret = nl_nsid_req(nl, RTM_NEWNSID, nsfd, &nsid);
		if (ret == 0 || ret == -EEXIST)
			ret = nl_nsid_req(nl, RTM_GETNSID, nsfd, &nsid);
	}
	if (ret)
		return ret;
	return nsid >= 0 ? nsid : -ENOENT;
}

/* RTM_NEWLINK on an existing link with one u32 attribute */
static int nl_link_set_u32(struct nl *nl, int ifindex, uint16_t type,
			   uint32_t val)
{
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return -ENODEV;
	nlh = nl_req_link(nl, RTM_NEWLINK, 0, ifindex);
	mnl_attr_put_u32(nlh, type, val);
	return nl_do(nl, NULL, NULL);
}

int nl_link_set_up(struct nl *nl, int ifindex, bool up)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (ifindex <= 0)
		return -ENODEV;
	nlh = nl_req_link(nl, RTM_NEWLINK, 0, ifindex);
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	return nl_do(nl, NULL, NULL);
}

int nl_link_set_mtu(struct nl *nl, int ifindex, unsigned int mtu)
{
	return nl_link_set_u32(nl, ifindex, IFLA_MTU, mtu);
}

int nl_link_set_txqlen(struct nl *nl, int ifindex, unsigned int txqlen)
{
	return nl_link_set_u32(nl, ifindex, IFLA_TXQLEN, txqlen);
}

int nl_link_set_netns(struct nl *nl, int ifindex, int netns_fd)
{
	if (netns_fd < 0)
		return -EBADF;
	return nl_link_set_u32(nl, ifindex, IFLA_NET_NS_FD, netns_fd);
}

int nl_link_add(struct nl *nl, const char *name, const char *kind)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (!name[0] || strlen(name) >= IF_NAMESIZE)
		return -EINVAL;
	nlh = nl_req_link(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, nest);
	return nl_do(nl, NULL, NULL);
}

int nl_link_del(struct nl *nl, int ifindex)
{
	if (ifindex <= 0)
		return -ENODEV;
	nl_req_link(nl, RTM_DELLINK, 0, ifindex);
	return nl_do(nl, NULL, NULL);
}

/* --- monitor */

struct nl_monitor *nl_monitor_open(void)
{
	const int size = NL_MON_RCVBUF, one = 1;
	struct nl_monitor *mon;
	int fd, flags, ret;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return NULL;
	mon->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!mon->sock) {
		ret = -errno;
		goto err_free;
	}
	fd = mnl_socket_get_fd(mon->sock);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		ret = -errno;
		goto err_close;
	}
	/* past rmem_max needs CAP_NET_ADMIN; else take what we get */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		debug("%s: SO_RCVBUF: %s", __func__, strerror(errno));
	if (mnl_socket_bind(mon->sock, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err_close;
	}
	/* and from the namespaces ours has ids for (Linux 4.14;
	 * CAP_NET_BROADCAST) */
	mon->all_nsid = setsockopt(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID,
				   &one, sizeof(one)) == 0;
	if (!mon->all_nsid)
		debug("%s: NETLINK_LISTEN_ALL_NSID: %s", __func__,
		      strerror(errno));
	return mon;

err_close:
	mnl_socket_close(mon->sock);
err_free:
	free(mon);
	errno = -ret;
	return NULL;
}

void nl_monitor_close(struct nl_monitor *mon)
{
	if (!mon)
		return;
	mnl_socket_close(mon->sock);
	free(mon);
}

int nl_monitor_fd(const struct nl_monitor *mon)
{
	return mnl_socket_get_fd(mon->sock);
}

bool nl_monitor_all_nsid(const struct nl_monitor *mon)
{
	return mon->all_nsid;
}

static void nl_monitor_msg(const struct nlmsghdr *nlh, int nsid,
			   nl_event_cb_t cb, void *arg)
{
	struct nl_link_attrs a;
	struct nl_event ev = { .nsid = nsid, .new_nsid = -1 };

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		ev.type = NL_EVENT_NEWLINK;
		break;
	case RTM_DELLINK:
		ev.type = NL_EVENT_DELLINK;
		break;
	default:
		return;
	}
	if (nl_link_parse(nlh, &ev.link, &a) < 0) {
		debug("%s: ignoring malformed link message", __func__);
		return;
	}
	ev.moved = ev.type == NL_EVENT_DELLINK && a.tb[IFLA_NEW_NETNSID];
	if (ev.moved && nsid < 0) {
		ev.new_nsid = (int)mnl_attr_get_u32(a.tb[IFLA_NEW_NETNSID]);
		if (a.tb[IFLA_NEW_IFINDEX])
			ev.new_ifindex =
				(int)mnl_attr_get_u32(a.tb[IFLA_NEW_IFINDEX]);
	}
	cb(&ev, arg);
}

int nl_monitor_read(struct nl_monitor *mon, nl_event_cb_t cb, void *arg)
{
	int fd = mnl_socket_get_fd(mon->sock);
	bool lost = false;

	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = {
			.iov_base = mon->buf,
			.iov_len = sizeof(mon->buf),
		};
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct msghdr msg = {
			.msg_name = &sa,
			.msg_namelen = sizeof(sa),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.buf,
			.msg_controllen = sizeof(ctl.buf),
		};
		const struct nlmsghdr *nlh;
		struct cmsghdr *cm;
		int len, nsid = -1;
		ssize_t n;

		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost = true;	/* reported once; go on */
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			lost = true;		/* the rest of it is gone */
			continue;
		}
		if (msg.msg_namelen != sizeof(sa) || sa.nl_pid != 0) {
			debug("%s: ignoring message from port %u", __func__,
			      sa.nl_pid);
			continue;
		}
		/* from another namespace: which (none for our own) */
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_NETLINK &&
			    cm->cmsg_type == NETLINK_LISTEN_ALL_NSID &&
			    cm->cmsg_len == CMSG_LEN(sizeof(int)))
				memcpy(&nsid, CMSG_DATA(cm), sizeof(nsid));
		len = n;
		for (nlh = (const void *)mon->buf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			nl_monitor_msg(nlh, nsid, cb, arg);
	}
	return lost ? -ENOBUFS : 0;
}
