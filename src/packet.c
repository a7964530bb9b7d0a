// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * packet.c - VM TAP ports and netdev ports: an AF_PACKET socket bound to an
 * interface (a TAP tapsw creates for QEMU, or any existing interface).
 *
 * A VM TAP port ("vm") makes a persistent TAP for QEMU to open with
 * -netdev tap,ifname=NAME,script=no,downscript=no and then lets go of it:
 * a single-queue TAP takes one attacher, and that must be QEMU.  The switch
 * sits on the TAP's kernel side instead, like the Linux bridge does: frames
 * QEMU writes arrive there as received frames, and frames we send on it go
 * to QEMU.  Creating uses TUNSETIFF with IFF_TUN_EXCL first, so we know
 * whether the TAP is ours (port->created; only such a TAP is ever deleted,
 * by `port del --destroy`); an existing TAP is adopted, held by QEMU or not
 * (EBUSY from a second TUNSETIFF means QEMU has it).  Since the TAP outlives
 * QEMU and tapswd, a restarted tapswd adopts it again and the VM sees
 * nothing but the frames lost meanwhile.  A netdev port ("netdev") binds
 * the same kind of socket to any existing Ethernet interface (a veth, an
 * uplink NIC; `brctl addif`) and never creates or deletes anything.
 *
 * On a TAP we created the host's own IPv6 is turned off and ARP replies
 * from the host are suppressed (arp_ignore 8): the TAP is a switch port,
 * not a host interface, and otherwise the host would send router and
 * neighbour solicitations and MLD reports to the VM, answer its ARP for
 * the host's addresses on other interfaces, and, worse, configure itself
 * from router advertisements a guest sends.  Interfaces we did not create
 * are left as their owner set them.
 *
 * The socket: SOCK_RAW, ETH_P_ALL, bound to the ifindex, with
 * PACKET_IGNORE_OUTGOING (the frames we send, and those the host stack
 * sends on the interface, are not read back), promiscuous membership on
 * netdev ports (a NIC filters by MAC; a TAP does not), big buffers, and
 * PACKET_VNET_HDR.  QEMU enables vnet_hdr on its TAP by default, so a
 * guest hands over 64 KiB GSO frames with partial checksums; the socket's
 * 10-byte struct virtio_net_hdr says so, and frames we send may be GSO
 * frames too (the kernel segments them where the device cannot take them).
 * Our struct pkt has a 12-byte header before the frame, so I/O uses a
 * two-element iovec ({header, 10}, {frame}) and keeps that layout; the
 * last two bytes (num_buffers) are zero.  The vnet header is on even for
 * no_offload: without it a GSO frame or a partial checksum from a guest
 * would arrive indistinguishable from a plain frame.  With no_offload the
 * port does not pass the header on (port->vnet false): frames read are
 * finished here (checksums, software segmentation) and the switch sends
 * it plain frames, written with an all-zero header.
 *
 * The kernel takes the 802.1Q/802.1ad tag of a received frame out of its
 * data (skb_vlan_untag() in __netif_receive_skb_core(): a TAP's kernel
 * side too, whatever a VM wrote) and reports it in PACKET_AUXDATA; the
 * tag is put back in place with vlan_push() (the virtio-net header's
 * offsets, which count from the untagged frame, follow), so VLANs cross
 * these ports as they cross TAP ports.  The read buffer leaves room for
 * that tag and one more the switch may push.
 *
 * Reading drains at most PACKET_RX_BUDGET frames per wake-up into one
 * static buffer, as tap.c does.  Sending never blocks: EAGAIN and ENOBUFS
 * are counted drops.  The interface going down makes the socket report
 * ENETDOWN once (POLLERR) and sends fail with ENETDOWN (port_down drops);
 * it coming back up re-arms the socket by itself.  The interface deleted
 * underneath unbinds the socket (getsockname() then shows no ifindex) and
 * makes sends fail with ENXIO: the port is marked down (port_fail()).
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <uv.h>

#include "tapsw/daemon.h"
#include "tapsw/log.h"
#include "tapsw/netlink.h"
#include "tapsw/packet.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/port_poll.h"
#include "tapsw/vlan.h"
#include "tapsw/vnet.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23	/* Linux 4.20 */
#endif

enum {
	PACKET_RX_BUDGET = 64,		/* frames per wake-up per port */
	PACKET_BUF_SIZE = 65536 + 256,	/* > largest frame: 64 KiB GSO + L2 */
	PACKET_READ_MAX = VNET_HDR_LEN + PACKET_BUF_SIZE,
	PACKET_RX_HEADROOM = 2 * PKT_HEADROOM,
	PACKET_SOCKBUF = 4 << 20,	/* SO_RCVBUF, SO_SNDBUF */
	PACKET_TXQLEN = 10000,		/* a created TAP's queue toward QEMU */
	PACKET_MTU_DEFAULT = 1500,
	/* struct virtio_net_hdr: what PACKET_VNET_HDR reads and writes */
	PACKET_VNET_LEN = sizeof(struct virtio_net_hdr),
};

struct packet_port {
	struct port port;
	struct nl *nl;		/* the daemon's rtnetlink socket */
	bool vm;		/* a vm port (a TAP we may have made), not netdev */
	struct port_poll pfd;	/* the socket */
};

/*
 * [headroom: a tag put back, one pushed][12-byte virtio-net header]
 * [Ethernet frame up to 64 KiB]
 */
static uint8_t packet_room[PACKET_RX_HEADROOM + PACKET_READ_MAX]
	__attribute__((aligned(16)));
static uint8_t *const packet_buf = packet_room + PACKET_RX_HEADROOM;
/* no_offload ports: the segments of one GSO frame, a header before each */
static uint8_t packet_seg_room[PKT_HEADROOM + PACKET_READ_MAX]
	__attribute__((aligned(16)));
static uint8_t *const packet_seg_buf = packet_seg_room + PKT_HEADROOM;
/* sent in front of plain frames (no_offload ports) */
static const uint8_t packet_zero_hdr[VNET_HDR_LEN];

static struct packet_port *to_pp(struct port *port)
{
	return (struct packet_port *)port;
}

static int packet_send(struct port *port, const void *buf, size_t len)
{
	struct packet_port *pp = to_pp(port);
	struct iovec iov[2];
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	if (port->vnet) {
		/* buf: [12-byte header][frame]; the socket takes 10 */
		if (unlikely(len < VNET_HDR_LEN))
			return -EINVAL;
		iov[0].iov_base = (void *)buf;
		iov[0].iov_len = PACKET_VNET_LEN;
		iov[1].iov_base = (uint8_t *)buf + VNET_HDR_LEN;
		iov[1].iov_len = len - VNET_HDR_LEN;
	} else {
		iov[0].iov_base = (void *)packet_zero_hdr;
		iov[0].iov_len = PACKET_VNET_LEN;
		iov[1].iov_base = (void *)buf;
		iov[1].iov_len = len;
	}

	do
		n = sendmsg(pp->pfd.fd, &msg, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (likely(n >= 0))
		return 0;

	switch (errno) {
	case ENXIO:		/* the interface was deleted: we are unbound */
	case ENODEV:
		return -EBADFD;
	default:		/* ENETDOWN, EAGAIN, ENOBUFS, EMSGSIZE: a drop */
		return -errno;
	}
}

static void packet_close(struct port *port, bool destroy)
{
	struct packet_port *pp = to_pp(port);
	int ret;

	if (destroy && pp->vm) {
		if (!port->created) {
			info("port %s: not deleting the TAP: tapsw did not create it",
			     port->name);
		} else {
			/* QEMU may hold it: delete the device, not the persist flag */
			ret = nl_link_del(pp->nl, port->ifindex);
			if (ret && ret != -ENODEV)
				warn("port %s: cannot delete the TAP: %s",
				     port->name, strerror(-ret));
		}
	}
	port_poll_close(&pp->pfd);	/* frees @pp once libuv lets go */
}

static int packet_set_mtu(struct port *port, unsigned int mtu)
{
	int ret;

	if (mtu < 68 || mtu > 65535)
		return -ERANGE;
	ret = nl_link_set_mtu(to_pp(port)->nl, port->ifindex, mtu);
	if (ret)
		return ret;
	port->mtu = mtu;
	return 0;
}

/* is the socket still bound to an interface?  (unbound once it is deleted) */
static bool packet_bound(int fd)
{
	struct sockaddr_ll sll = { 0 };
	socklen_t len = sizeof(sll);

	if (getsockname(fd, (struct sockaddr *)&sll, &len) < 0)
		return false;
	return sll.sll_ifindex > 0;
}

/* no_offload port: one finished frame of a GSO frame (or the frame) */
static int packet_emit_plain(const uint8_t *seg, size_t len, void *arg)
{
	struct port *port = arg;
	struct pkt pkt = {
		.vnet = (uint8_t *)seg - VNET_HDR_LEN,
		.eth = (uint8_t *)seg,
		.len = len,
		.headroom = PKT_HEADROOM,	/* both buffers leave it */
	};

	/* both buffers keep a zeroed header in front of what they emit */
	port_input(port, &pkt);
	return 0;
}

/*
 * a no_offload port passes only plain frames on: finish the checksum or
 * segment here what the guest (or the host stack) left to offloads
 */
static void packet_input_plain(struct port *port, struct pkt *pkt)
{
	struct virtio_net_hdr vh;
	int ret;

	memcpy(&vh, pkt->vnet, sizeof(vh));
	memset(pkt->vnet, 0, VNET_HDR_LEN);
	if (likely(!vnet_hdr_is_gso(&vh) && !vnet_hdr_needs_csum(&vh))) {
		port_input(port, pkt);
		return;
	}
	memset(packet_seg_buf, 0, VNET_HDR_LEN);
	ret = vnet_segment(&vh, pkt->eth, pkt->len,
			   packet_seg_buf + VNET_HDR_LEN,
			   PACKET_READ_MAX - VNET_HDR_LEN,
			   packet_emit_plain, port);
	if (ret < 0) {
		port->stats.rx_packets++;
		port->stats.rx_bytes += pkt->len;
		port_count_drop(port, vnet_hdr_needs_csum(&vh) &&
				      !vnet_hdr_is_gso(&vh) ?
				      DROP_VNET_BAD_CSUM : DROP_VNET_BAD_GSO);
	}
}

/*
 * packet_vlan_restore() - put back the tag the kernel took out of the
 * frame @msg read into @pkt (PACKET_AUXDATA).  Returns 0, or a negative
 * errno if it cannot (a frame too close to 64 KiB).
 */
static int packet_vlan_restore(struct msghdr *msg, struct pkt *pkt)
{
	const struct tpacket_auxdata *aux;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA ||
		    cm->cmsg_len < CMSG_LEN(sizeof(*aux)))
			continue;
		aux = (const struct tpacket_auxdata *)CMSG_DATA(cm);
		if (!(aux->tp_status & TP_STATUS_VLAN_VALID) ||
		    pkt->len < ETHER_HDR_LEN)
			return 0;
		return vlan_push(pkt, aux->tp_status & TP_STATUS_VLAN_TPID_VALID ?
				 aux->tp_vlan_tpid : ETHER_TYPE_8021Q,
				 aux->tp_vlan_tci);
	}
	return 0;
}

static void packet_on_readable(uv_poll_t *h, int status, int events)
{
	struct packet_port *pp = h->data;
	struct port *port = &pp->port;
	struct iovec iov[2] = {
		{ .iov_base = packet_buf, .iov_len = PACKET_VNET_LEN },
		{ .iov_base = packet_buf + VNET_HDR_LEN,
		  .iov_len = PACKET_READ_MAX - VNET_HDR_LEN },
	};
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} aux;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	struct pkt pkt;
	unsigned int i;
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof(err);

	(void)events;
	if (status < 0) {
		/*
		 * POLLERR: libuv has stopped the handle.  The socket reports
		 * the interface going down (ENETDOWN) and going away; read the
		 * error (that clears it) and go on unless it is gone.
		 */
		getsockopt(pp->pfd.fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (!packet_bound(pp->pfd.fd)) {
			port_fail(port, -ENODEV, "interface gone");
			return;
		}
		debug("%s: port %s: socket error: %s", __func__, port->name,
		      strerror(err));
		if (uv_poll_start(h, UV_READABLE, packet_on_readable) < 0)
			port_fail(port, -EIO, "cannot poll");
		return;
	}

	for (i = 0; i < PACKET_RX_BUDGET; i++) {
		msg.msg_flags = 0;
		msg.msg_control = &aux;
		msg.msg_controllen = sizeof(aux);
		n = recvmsg(pp->pfd.fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			switch (errno) {
			case EAGAIN:
				return;
			case EINTR:
				continue;
			case ENETDOWN:	/* reported once; up again re-arms */
				if (!packet_bound(pp->pfd.fd)) {
					uv_poll_stop(h);
					port_fail(port, -ENODEV, "interface gone");
					return;
				}
				continue;
			default:
				/*
				 * EINVAL: the kernel cannot describe a GSO
				 * frame in a virtio-net header; it is gone
				 */
				port_count_drop(port, DROP_RX_ERROR);
				continue;
			}
		}
		/* n counts the 10-byte header; MSG_TRUNC: the real length */
		if (unlikely((size_t)n < PACKET_VNET_LEN ||
			     (msg.msg_flags & MSG_TRUNC) ||
			     (size_t)n - PACKET_VNET_LEN > iov[1].iov_len)) {
			port_count_drop(port, DROP_RX_ERROR);
			continue;
		}
		packet_buf[PACKET_VNET_LEN] = 0;	/* num_buffers */
		packet_buf[PACKET_VNET_LEN + 1] = 0;
		pkt.vnet = packet_buf;
		pkt.eth = packet_buf + VNET_HDR_LEN;
		pkt.len = (size_t)n - PACKET_VNET_LEN;
		pkt.headroom = PACKET_RX_HEADROOM;
		if (unlikely(packet_vlan_restore(&msg, &pkt))) {
			port_count_drop(port, DROP_RX_ERROR);
			continue;
		}
		if (likely(port->vnet))
			port_input(port, &pkt);
		else
			packet_input_plain(port, &pkt);
		if (unlikely(port->state != PORT_STATE_UP))
			return;
	}
}

/* write @val to /proc/sys/net/@family/conf/@name/@key */
static int packet_sysctl_write(const char *family, const char *name,
			       const char *key, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family,
		 name, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* a created VM TAP is a switch port: keep the host's stack off it */
static void packet_quiet_host(const char *name)
{
	int ret;

	ret = packet_sysctl_write("ipv6", name, "disable_ipv6", "1");
	if (ret && ret != -ENOENT)	/* ENOENT: no IPv6 at all */
		warn("port %s: cannot disable IPv6 on it: %s", name,
		     strerror(-ret));
	ret = packet_sysctl_write("ipv4", name, "arp_ignore", "8");
	if (ret)
		debug("%s: port %s: cannot set arp_ignore: %s", __func__, name,
		      strerror(-ret));
}

/*
 * packet_vm_tap() - create or adopt persistent TAP @cfg->name for QEMU and
 * let go of it.  *@created: made now; *@held: somebody (QEMU) holds it.
 */
static int packet_vm_tap(const struct port_config *cfg, bool *created,
			 bool *held, char *why, size_t whylen)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
					  IFF_TUN_EXCL };
	int fd, ret;

	*created = *held = false;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot open /dev/net/tun: %s",
			 strerror(-ret));
		return ret;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->name);
	if (ioctl(fd, TUNSETIFF, &ifr) == 0) {
		*created = true;
	} else if (errno == EBUSY) {
		/* it exists: attach to it, unless somebody holds it */
		ifr.ifr_flags &= ~IFF_TUN_EXCL;
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			ret = -errno;
			if (ret == -EBUSY) {
				*held = true;	/* QEMU has it: adopt it */
				ret = 0;
			} else if (ret == -EINVAL) {
				snprintf(why, whylen, "exists and is not a single-queue TAP");
			} else {
				snprintf(why, whylen, "cannot attach to the TAP: %s",
					 strerror(-ret));
			}
			goto out_close;
		}
	} else {
		ret = -errno;
		snprintf(why, whylen, "cannot create the TAP: %s%s",
			 strerror(-ret), ret == -EPERM ?
			 " (needs CAP_NET_ADMIN)" : "");
		goto out_close;
	}

	if (*created && ioctl(fd, TUNSETPERSIST, 1) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot make the TAP persistent: %s",
			 strerror(-ret));
		goto out_close;	/* not persistent: it goes with the fd */
	}
	if (cfg->owner >= 0 && ioctl(fd, TUNSETOWNER, cfg->owner) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set owner %ld: %s", cfg->owner,
			 strerror(-ret));
		goto err_unpersist;
	}
	if (cfg->group >= 0 && ioctl(fd, TUNSETGROUP, cfg->group) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set group %ld: %s", cfg->group,
			 strerror(-ret));
		goto err_unpersist;
	}
	/* let go: QEMU is the one attacher a single-queue TAP takes */
	ret = 0;
	goto out_close;

err_unpersist:
	if (*created)
		ioctl(fd, TUNSETPERSIST, 0);
	*created = false;
out_close:
	close(fd);
	return ret;
}

/* what the driver says the interface is: "tun"+"tap" for a TAP */
static int packet_drvinfo(int fd, const char *name,
			  struct ethtool_drvinfo *info)
{
	struct ifreq ifr = { .ifr_data = (void *)info };

	memset(info, 0, sizeof(*info));
	info->cmd = ETHTOOL_GDRVINFO;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	return 0;
}

/* the socket, bound to @ifindex and set up; returns the fd or -errno */
static int packet_socket(bool vm, int ifindex, char *why, size_t whylen)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	struct packet_mreq mr = {
		.mr_ifindex = ifindex,
		.mr_type = PACKET_MR_PROMISC,
	};
	int one = 1, size = PACKET_SOCKBUF, fd, ret;

	/* protocol 0: nothing is queued before it is bound to the interface */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot open a packet socket: %s%s",
			 strerror(-ret), ret == -EPERM ?
			 " (needs CAP_NET_RAW)" : "");
		return ret;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0) {
		ret = -errno;
		snprintf(why, whylen, "PACKET_VNET_HDR: %s", strerror(-ret));
		goto err_close;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0) {
		ret = -errno;
		snprintf(why, whylen, "PACKET_AUXDATA: %s", strerror(-ret));
		goto err_close;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) < 0) {
		ret = -errno;
		snprintf(why, whylen, "PACKET_IGNORE_OUTGOING (Linux >= 4.20): %s",
			 strerror(-ret));
		goto err_close;
	}
	/* FORCE goes past net.core.[rw]mem_max with CAP_NET_ADMIN */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot bind to the interface: %s",
			 strerror(-ret));
		goto err_close;
	}
	/* a NIC filters by destination MAC; dropped when the socket closes */
	if (!vm &&
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot make it promiscuous: %s",
			 strerror(-ret));
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return ret;
}

/* an Ethernet interface; for a vm port, a TAP */
static int packet_check_kind(int fd, bool vm, const struct port_config *cfg,
			     char *why, size_t whylen)
{
	struct ethtool_drvinfo info;
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(why, whylen, "cannot read its hardware address: %s",
			 strerror(errno));
		return -errno;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		snprintf(why, whylen, "not an Ethernet interface (type %u)",
			 ifr.ifr_hwaddr.sa_family);
		return -EINVAL;
	}
	if (!vm)
		return 0;
	if (packet_drvinfo(fd, cfg->name, &info) < 0 ||
	    strcmp(info.driver, "tun") || strcmp(info.bus_info, "tap")) {
		snprintf(why, whylen, "exists and is not a TAP");
		return -EINVAL;
	}
	return 0;
}

/*
 * packet_open() - a vm port (@vm: create or adopt the TAP QEMU opens) or a
 * netdev port (any existing Ethernet interface) for @cfg.
 */
static int packet_open(struct daemon *d, bool vm, const struct port_config *cfg,
		       struct port **portp, char *why, size_t whylen)
{
	struct nl_link link = { 0 };
	struct packet_port *pp;
	bool created = false, held = false;
	int ret;

	if (cfg->netns && cfg->netns[0]) {
		/* the socket sees tapswd's namespace only */
		snprintf(why, whylen, "netns goes with tap ports only");
		return -EINVAL;
	}
	if (!d->nl) {
		snprintf(why, whylen, "no rtnetlink socket");
		return -ENOTSUP;
	}

	pp = calloc(1, sizeof(*pp));
	if (!pp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	pp->pfd.fd = -1;
	pp->nl = d->nl;
	pp->vm = vm;

	if (vm) {
		ret = packet_vm_tap(cfg, &created, &held, why, whylen);
		if (ret)
			goto err_free;
		if (held && (cfg->owner >= 0 || cfg->group >= 0))
			info("port %s: the TAP is in use (QEMU?): owner and group left as they are",
			     cfg->name);
	}

	ret = nl_link_get(d->nl, cfg->name, &link);
	if (ret) {
		if (ret == -ENODEV)
			snprintf(why, whylen, "no such interface");
		else
			snprintf(why, whylen, "cannot look the interface up: %s",
				 strerror(-ret));
		goto err_destroy;
	}

	if (created)
		packet_quiet_host(cfg->name);	/* before up: no IPv6 address */
	/* up before bound: a socket bound to a down interface says ENETDOWN */
	if (vm && !link.up) {
		ret = nl_link_set_up(d->nl, link.ifindex, true);
		if (ret) {
			snprintf(why, whylen, "cannot bring it up: %s",
				 strerror(-ret));
			goto err_destroy;
		}
	}

	ret = packet_socket(vm, link.ifindex, why, whylen);
	if (ret < 0)
		goto err_destroy;
	pp->pfd.fd = ret;
	ret = packet_check_kind(pp->pfd.fd, vm, cfg, why, whylen);
	if (ret)
		goto err_destroy;

	snprintf(pp->port.name, sizeof(pp->port.name), "%s", cfg->name);
	pp->port.ifindex = link.ifindex;
	pp->port.created = created;
	pp->port.mtu = link.mtu ? link.mtu : PACKET_MTU_DEFAULT;
	if (!cfg->no_offload) {
		/* what virtio_net_hdr_from_skb() may describe to us */
		pp->port.vnet = true;
		pp->port.offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
				    TUN_F_TSO_ECN;
	}

	/* tun never pushes back: a long queue instead of drops */
	if (created)
		nl_link_set_txqlen(d->nl, link.ifindex, PACKET_TXQLEN);
	if (cfg->mtu) {
		ret = packet_set_mtu(&pp->port, cfg->mtu);
		if (ret) {
			snprintf(why, whylen, "cannot set MTU %u: %s", cfg->mtu,
				 *nl_strerror(d->nl) ? nl_strerror(d->nl) :
				 strerror(-ret));
			goto err_destroy;
		}
	}
	ret = port_poll_init(&pp->pfd, d->loop, pp->pfd.fd, pp, why, whylen);
	if (ret)
		goto err_destroy;

	info("port %s: %s %s, ifindex %d, mtu %u, %s", cfg->name,
	     !vm ? "attached to interface" :
	     created ? "created VM TAP" : held ? "adopted VM TAP (in use)" :
	     "adopted VM TAP", cfg->name, link.ifindex, pp->port.mtu,
	     pp->port.vnet ? "vnet header" : "plain frames");
	*portp = &pp->port;
	return 0;

err_destroy:
	if (pp->pfd.fd >= 0)
		close(pp->pfd.fd);
	if (created && nl_link_get(d->nl, cfg->name, &link) == 0)
		nl_link_del(d->nl, link.ifindex);
err_free:
	free(pp);
	return ret;
}

static int packet_vm_open(struct daemon *d, void *priv,
			  const struct port_config *cfg, struct port **portp,
			  char *why, size_t whylen)
{
	return packet_open(d, true, cfg, portp, why, whylen);
}

static int packet_netdev_open(struct daemon *d, void *priv,
			      const struct port_config *cfg,
			      struct port **portp, char *why, size_t whylen)
{
	return packet_open(d, false, cfg, portp, why, whylen);
}

static int packet_start(struct port *port, char *why, size_t whylen)
{
	return port_poll_start(&to_pp(port)->pfd, packet_on_readable, why,
			       whylen);
}

const struct port_class vm_port_class = {
	.name = "vm",
	.open = packet_vm_open,
	.start = packet_start,
	.send = packet_send,
	.set_mtu = packet_set_mtu,
	.close = packet_close,
};

const struct port_class netdev_port_class = {
	.name = "netdev",
	.open = packet_netdev_open,
	.start = packet_start,
	.send = packet_send,
	.set_mtu = packet_set_mtu,
	.close = packet_close,
};
