// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost_user.c - vhost-user ports: tapswd listens on a UNIX socket, one
 * QEMU connects (`-chardev socket,path=PATH,reconnect=1 -netdev
 * vhost-user,chardev=...`), hands over the guest's memory and the rings of
 * one virtio-net queue pair, and frames move between the switch and guest
 * memory with one copy each way.
 *
 * Control: the connection's messages are read on the event loop, exactly
 * the bytes each one still needs with its SCM_RIGHTS fds (vhost_msg.c),
 * and handled by the protocol state (vhost_dev.c), which checks everything
 * QEMU says; a request it refuses drops the connection (a REPLY_ACK NACK
 * first when one was asked for).  QEMU's reconnect=1 then connects again
 * and sets the device up from the start, as it does when tapswd restarts:
 * a restarted tapswd (--state) listens on the same path and the VM's
 * traffic resumes without the VM noticing more than a pause.  A second
 * client while one is connected is refused and counted (peer_refused).
 *
 * Guest to switch (its TX ring, 1): the ring's kick eventfd is watched;
 * each wake-up takes up to VHOST_USER_TX_BUDGET chains, each copied once
 * into a buffer with PKT_HEADROOM in front and handed to port_input(), the
 * chains returned to the guest as they are copied; then the used index is
 * published and the call eventfd written once, if the guest wants it
 * (EVENT_IDX).  Kicks are off while we work and asked for again when the
 * ring is empty (checked once more after asking, so none is missed); a
 * full budget kicks ourselves, so other ports get their turn first.
 *
 * Switch to guest (its RX ring, 0): send() writes the frame into the
 * guest's buffers at once (mergeable buffers, num_buffers); the used index
 * and the call eventfd wait for a uv_check handle after this loop
 * iteration's I/O, so a burst costs one interrupt.  A guest without RX
 * buffers (or whose RX ring is not up) loses the frame, counted tx_error
 * (port_down while its driver has not started), and nobody waits.  The RX
 * ring never asks for kicks: there is nothing to wait for.
 *
 * Offloads: the guest's virtio-net header is the switch's, so frames pass
 * untouched.  What the guest negotiated decides what it is given: without
 * GUEST_TSO4/6 (ECN, USO: never offered) port_output() segments in
 * software, without GUEST_CSUM it finishes checksums (port.tx_no_offloads);
 * port.offloads shows what the guest may send (HOST_*).
 *
 * A guest that breaks a ring (vhost_dev.h, virtq.h: a descriptor outside
 * its memory, a loop, ...) puts the port down with the reason
 * (port_fail()), counted once under guest_error, and its QEMU is told
 * through the ring's error eventfd; nothing of that guest is read again,
 * the daemon and the other ports go on.  The port comes back when it is
 * deleted and added again.
 *
 * The socket file is made and removed as for stream ports (sockfile.h).
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>
#include <linux/virtio_net.h>

#include "tapsw/daemon.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/port_poll.h"
#include "tapsw/sockfile.h"
#include "tapsw/vhost_dev.h"
#include "tapsw/vhost_msg.h"
#include "tapsw/vhost_user.h"
#include "tapsw/virtq.h"
#include "tapsw/vnet.h"

enum {
	/* a GSO frame: 64 KiB of IP, its Ethernet header and tags */
	VHOST_USER_FRAME_MAX = 65536 + 64,
	VHOST_USER_TX_BUDGET = 256,	/* chains taken per wake-up */
	VHOST_USER_MSG_BUDGET = 64,	/* messages per wake-up */
	VHOST_USER_ACCEPT_BUDGET = 16,
	VHOST_USER_BACKLOG = 8,
	VHOST_USER_MTU_DEFAULT = 1500,
	VHOST_USER_MTU_HDR = 18,	/* Ethernet header + one VLAN tag */
};

struct vhost_user_port;

/* a uv handle of ours that outlives nothing: freed in its close callback */
struct vhost_user_handle {
	union {
		uv_poll_t poll;
		uv_check_t check;
	} h;
	struct vhost_user_port *vp;	/* NULL once let go */
	int fd;				/* ours to close, or -1 */
};

struct vhost_user_port {
	struct port port;
	struct port_poll pfd;		/* the listening socket */
	struct sockfile file;
	struct vhost_user_handle *conn;	/* QEMU's connection */
	struct vhost_user_handle *kick;	/* the TX ring's kick eventfd (a dup) */
	unsigned int kick_gen;		/* the SET_VRING_KICK it watches */
	struct vhost_user_handle *rx_check;	/* RX flush after the I/O */
	bool rx_pending;		/* RX used entries not yet published */
	bool tx_ready;			/* the TX ring was ready last time */
	struct vhost_dev dev;
	struct vhost_msg_reader rd;
	struct vhost_msg reply;
	struct log_ratelimit rl;
};

/* [headroom][virtio-net header][frame]: every TX chain is copied here */
static uint8_t vhost_user_tx_room[PKT_HEADROOM + VNET_HDR_LEN +
				  VHOST_USER_FRAME_MAX]
	__attribute__((aligned(16)));
static uint8_t *const vhost_user_tx_buf = vhost_user_tx_room + PKT_HEADROOM;

static struct vhost_user_port *to_vu(struct port *port)
{
	return (struct vhost_user_port *)port;
}

static bool vhost_user_ratelimit(struct vhost_user_port *vp)
{
	return log_ratelimit(&vp->rl, daemon_now_ms(vp->port.daemon));
}

/* ----------------------------------------------------------- handles -- */

static void vhost_user_handle_free(uv_handle_t *h)
{
	struct vhost_user_handle *vh = h->data;

	if (vh->fd >= 0)
		close(vh->fd);
	free(vh);
}

static struct vhost_user_handle *vhost_user_poll_new(struct vhost_user_port *vp,
						     int fd, uv_poll_cb cb)
{
	struct vhost_user_handle *vh = calloc(1, sizeof(*vh));

	if (!vh)
		return NULL;
	if (uv_poll_init(vp->pfd.handle.loop, &vh->h.poll, fd)) {
		free(vh);
		return NULL;
	}
	vh->h.poll.data = vh;
	vh->vp = vp;
	vh->fd = fd;
	if (uv_poll_start(&vh->h.poll, UV_READABLE, cb)) {
		vh->fd = -1;	/* the caller closes it */
		uv_close((uv_handle_t *)&vh->h.poll, vhost_user_handle_free);
		return NULL;
	}
	return vh;
}

/* let go of *@slot: its fd is closed once libuv is done with it */
static void vhost_user_handle_release(struct vhost_user_handle **slot)
{
	struct vhost_user_handle *vh = *slot;

	if (!vh)
		return;
	*slot = NULL;
	vh->vp = NULL;
	uv_close((uv_handle_t *)&vh->h, vhost_user_handle_free);
}

/* --------------------------------------------------------- the guest -- */

static void vhost_user_signal(int fd)
{
	if (fd >= 0)
		eventfd_write(fd, 1);
}

/* the guest broke ring @i: the port goes down, nothing more is read */
static void vhost_user_guest_error(struct vhost_user_port *vp, unsigned int i)
{
	struct vhost_vring *vr = &vp->dev.vr[i];
	char why[128];

	port_count_drop(&vp->port, DROP_GUEST_ERROR);
	vhost_user_signal(vr->err_fd);
	vhost_user_handle_release(&vp->kick);
	snprintf(why, sizeof(why), "guest error on its %s ring: %s",
		 i == VHOST_DEV_TX ? "TX" : "RX", virtq_err_text(vr->vq.err));
	port_fail(&vp->port, 0, why);
}

/* publish ring @i's used entries and interrupt the guest if it wants */
static void vhost_user_flush(struct vhost_user_port *vp, unsigned int i)
{
	struct vhost_vring *vr = &vp->dev.vr[i];

	virtq_flush(&vr->vq);
	if (virtq_notify_needed(&vr->vq))
		vhost_user_signal(vr->call_fd);
}

/* the guest's TX ring: take up to the budget of chains, forward them */
static void vhost_user_tx(struct vhost_user_port *vp)
{
	struct vhost_dev *dev = &vp->dev;
	struct virtq *vq = &dev->vr[VHOST_DEV_TX].vq;
	unsigned int hdr_len = vhost_dev_hdr_len(dev), i;
	size_t off = VNET_HDR_LEN - hdr_len;
	uint8_t *buf = vhost_user_tx_buf;
	struct pkt pkt;
	ssize_t n;

	if (!vhost_dev_ring_ready(dev, VHOST_DEV_TX) ||
	    vp->port.state != PORT_STATE_UP)
		return;
	virtq_kick_disable(vq);
	for (i = 0; i < VHOST_USER_TX_BUDGET; i++) {
		n = virtq_tx_pop(vq, &dev->mem, buf + off,
				 VNET_HDR_LEN + VHOST_USER_FRAME_MAX - off);
		if (n == -EAGAIN) {
			if (virtq_kick_enable(vq))
				continue;	/* one came meanwhile */
			break;
		}
		if (unlikely(n == -EMSGSIZE)) {
			port_count_drop(&vp->port, DROP_RX_ERROR);
			continue;
		}
		if (unlikely(n < 0)) {
			vhost_user_flush(vp, VHOST_DEV_TX);
			vhost_user_guest_error(vp, VHOST_DEV_TX);
			return;
		}
		if (unlikely((size_t)n < hdr_len)) {
			port_count_drop(&vp->port, DROP_RUNT);
			continue;
		}
		/* a legacy 10-byte header: to its place in front of ours */
		if (off)
			memmove(buf, buf + off, hdr_len);
		/* num_buffers means nothing on TX */
		buf[VNET_HDR_LEN - 2] = buf[VNET_HDR_LEN - 1] = 0;
		pkt.vnet = buf;
		pkt.eth = buf + VNET_HDR_LEN;
		pkt.len = (size_t)n - hdr_len;
		pkt.headroom = PKT_HEADROOM;
		if (unlikely(pkt.len > vp->port.mtu + VHOST_USER_MTU_HDR) &&
		    !vnet_hdr_is_gso((struct virtio_net_hdr *)buf)) {
			port_count_drop(&vp->port, DROP_OVERSIZE);
			continue;
		}
		port_input(&vp->port, &pkt);
		if (unlikely(!vhost_dev_ring_ready(dev, VHOST_DEV_TX)))
			return;
	}
	vhost_user_flush(vp, VHOST_DEV_TX);
	/* more to do: after the other ports' turn */
	if (i == VHOST_USER_TX_BUDGET && vp->kick)
		vhost_user_signal(vp->kick->fd);
}

static void vhost_user_kick_on_readable(uv_poll_t *h, int status, int events)
{
	struct vhost_user_handle *k = h->data;
	struct vhost_user_port *vp = k->vp;
	eventfd_t v;

	(void)events;
	if (!vp)
		return;
	if (status < 0) {
		warn("port %s: TX kick eventfd: %s", vp->port.name,
		     uv_strerror(status));
		vhost_user_handle_release(&vp->kick);
		return;
	}
	eventfd_read(k->fd, &v);
	vhost_user_tx(vp);
}

static void vhost_user_rx_check_cb(uv_check_t *h)
{
	struct vhost_user_handle *c = h->data;
	struct vhost_user_port *vp = c->vp;

	uv_check_stop(h);
	if (!vp)
		return;
	vp->rx_pending = false;
	if (!vhost_dev_ring_ready(&vp->dev, VHOST_DEV_RX))
		return;
	virtq_kick_disable(&vp->dev.vr[VHOST_DEV_RX].vq);
	vhost_user_flush(vp, VHOST_DEV_RX);
}

static int vhost_user_send(struct port *port, const void *buf, size_t len)
{
	struct vhost_user_port *vp = to_vu(port);
	struct vhost_dev *dev = &vp->dev;
	uint8_t hdr[VNET_HDR_LEN];
	int ret;

	if (!vp->conn || !vhost_dev_ring_ready(dev, VHOST_DEV_RX))
		return -ENETDOWN;	/* nobody, or its driver is not up */
	if (unlikely(len < VNET_HDR_LEN))
		return -EINVAL;
	memcpy(hdr, buf, VNET_HDR_LEN);
	/* flags mean nothing to a guest without GUEST_CSUM */
	if (!vhost_dev_has(dev, VIRTIO_NET_F_GUEST_CSUM))
		hdr[0] = 0;
	ret = virtq_rx_put(&dev->vr[VHOST_DEV_RX].vq, &dev->mem, hdr,
			   vhost_dev_hdr_len(dev),
			   (const uint8_t *)buf + VNET_HDR_LEN,
			   len - VNET_HDR_LEN,
			   vhost_dev_has(dev, VIRTIO_NET_F_MRG_RXBUF));
	if (likely(!ret)) {
		if (!vp->rx_pending) {
			vp->rx_pending = true;
			uv_check_start(&vp->rx_check->h.check,
				       vhost_user_rx_check_cb);
		}
		return 0;
	}
	if (ret == -EPROTO) {
		vhost_user_guest_error(vp, VHOST_DEV_RX);
		return -ENETDOWN;
	}
	return -ENOBUFS;	/* no (big enough) buffers: tx_error */
}

/* ----------------------------------------------------- the front-end -- */

/* the offloads the guest negotiated, as TUN_F_* bits */
static unsigned int vhost_user_offloads(const struct vhost_dev *dev,
					unsigned int csum, unsigned int tso4,
					unsigned int tso6, unsigned int ecn)
{
	unsigned int f = 0;

	if (vhost_dev_has(dev, csum))
		f |= TUN_F_CSUM;
	if (vhost_dev_has(dev, tso4))
		f |= TUN_F_TSO4;
	if (vhost_dev_has(dev, tso6))
		f |= TUN_F_TSO6;
	if (vhost_dev_has(dev, ecn))
		f |= TUN_F_TSO_ECN;
	return f;
}

/* bring the port's watchers and offloads in line with the device state */
static void vhost_user_sync(struct vhost_user_port *vp)
{
	struct vhost_dev *dev = &vp->dev;
	struct vhost_vring *tx = &dev->vr[VHOST_DEV_TX];
	bool ready = vhost_dev_ring_ready(dev, VHOST_DEV_TX);
	int fd;

	vp->port.offloads = vhost_user_offloads(dev, VIRTIO_NET_F_CSUM,
						VIRTIO_NET_F_HOST_TSO4,
						VIRTIO_NET_F_HOST_TSO6,
						VIRTIO_NET_F_HOST_ECN);
	vp->port.tx_no_offloads =
		(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN |
		 TUN_F_USO4 | TUN_F_USO6) &
		~vhost_user_offloads(dev, VIRTIO_NET_F_GUEST_CSUM,
				     VIRTIO_NET_F_GUEST_TSO4,
				     VIRTIO_NET_F_GUEST_TSO6,
				     VIRTIO_NET_F_GUEST_ECN);

	if (vp->kick && (!tx->started || vp->kick_gen != tx->kick_gen))
		vhost_user_handle_release(&vp->kick);
	if (!vp->kick && tx->started && tx->kick_fd >= 0) {
		fd = fcntl(tx->kick_fd, F_DUPFD_CLOEXEC, 0);
		/* QEMU's are non-blocking; never wait on one that is not */
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (fd >= 0)
			vp->kick = vhost_user_poll_new(vp, fd,
						       vhost_user_kick_on_readable);
		if (!vp->kick) {
			if (fd >= 0)
				close(fd);
			warn("port %s: cannot watch the TX kick eventfd",
			     vp->port.name);
		}
		vp->kick_gen = tx->kick_gen;
	}
	if (vhost_dev_ring_ready(dev, VHOST_DEV_RX))
		virtq_kick_disable(&dev->vr[VHOST_DEV_RX].vq);
	/* chains the guest queued before the ring was up: take them now */
	if (ready && !vp->tx_ready)
		vhost_user_tx(vp);
	vp->tx_ready = ready;
}

/* the connection goes (closed, refused, broken): forget the device */
static void vhost_user_conn_drop(struct vhost_user_port *vp, int errnum,
				 const char *why)
{
	if (!vp->conn)
		return;
	vhost_user_handle_release(&vp->kick);
	/* the peer sees EOF now, not after the close callback */
	shutdown(vp->conn->fd, SHUT_RDWR);
	vhost_user_handle_release(&vp->conn);
	vhost_msg_close_fds(&vp->rd.msg);
	vhost_msg_reader_init(&vp->rd);
	vhost_dev_reset(&vp->dev);
	vp->tx_ready = false;
	vp->port.offloads = 0;
	port_peer_down(&vp->port, errnum, why);
}

static int vhost_user_reply(struct vhost_user_port *vp)
{
	struct iovec iov[2] = {
		{ &vp->reply.hdr, VHOST_MSG_HDR_LEN },
		{ vp->reply.payload.raw, le32toh(vp->reply.hdr.size) },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	do
		n = sendmsg(vp->conn->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* QEMU waits for each reply: a short one means it stopped reading */
	return (size_t)n == iov[0].iov_len + iov[1].iov_len ? 0 : -EAGAIN;
}

/* the fds in @mh's SCM_RIGHTS into @fds (room for @max); how many */
static unsigned int vhost_user_take_fds(struct msghdr *mh, int *fds,
					unsigned int max, bool *too_many)
{
	struct cmsghdr *cm;
	unsigned int n = 0;

	*too_many = false;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t k, nfd;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < nfd; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(fd));
			if (n < max) {
				fds[n++] = fd;
			} else {
				close(fd);
				*too_many = true;
			}
		}
	}
	return n;
}

/*
 * read from the connection into the message being read; 1: a whole
 * message, 0: wait for more, negative: dropped (@why says why)
 */
static int vhost_user_recv(struct vhost_user_port *vp, const char **why)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_MSG_FDS_MAX)];
		struct cmsghdr align;
	} cbuf;
	int fds[VHOST_MSG_FDS_MAX];
	struct iovec iov;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	unsigned int nfds;
	bool too_many;
	ssize_t n;
	int ret;

	iov.iov_base = vhost_msg_want(&vp->rd, &iov.iov_len);
	do
		n = recvmsg(vp->conn->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		*why = "read failed";
		return -errno;
	}
	nfds = vhost_user_take_fds(&mh, fds, VHOST_MSG_FDS_MAX, &too_many);
	if (n == 0) {
		while (nfds)
			close(fds[--nfds]);
		*why = "connection closed";
		return -ECONNRESET;
	}
	if (too_many || (mh.msg_flags & MSG_CTRUNC)) {
		while (nfds)
			close(fds[--nfds]);
		*why = "protocol error: too many file descriptors";
		return -EPROTO;
	}
	ret = vhost_msg_got(&vp->rd, (size_t)n, fds, nfds);
	if (ret < 0)
		*why = ret == -EPROTO ? "protocol error: bad header" :
			"protocol error: message too large";
	return ret;
}

static void vhost_user_conn_on_readable(uv_poll_t *h, int status, int events)
{
	struct vhost_user_handle *c = h->data;
	struct vhost_user_port *vp = c->vp;
	const char *why = NULL;
	unsigned int i;
	uint32_t req;
	bool send;
	int ret;

	(void)events;
	if (!vp)
		return;
	if (status < 0) {
		vhost_user_conn_drop(vp, status, "socket error");
		return;
	}
	for (i = 0; i < VHOST_USER_MSG_BUDGET; i++) {
		ret = vhost_user_recv(vp, &why);
		if (ret < 0) {
			if (ret != -ECONNRESET && vhost_user_ratelimit(vp))
				warn("port %s: vhost-user: %s", vp->port.name,
				     why);
			vhost_user_conn_drop(vp, ret == -ECONNRESET ? 0 : ret,
					     why);
			return;
		}
		if (!ret)
			return;
		req = vp->rd.msg.hdr.request;
		memset(&vp->reply.hdr, 0, sizeof(vp->reply.hdr));
		ret = vhost_dev_handle(&vp->dev, &vp->rd.msg, &vp->reply,
				       &send);
		vhost_msg_reader_init(&vp->rd);
		debug("port %s: vhost-user %s%s%s", vp->port.name,
		      vhost_msg_name(req), ret ? ": refused: " : "",
		      ret ? vp->dev.why : "");
		if (send && vhost_user_reply(vp) < 0 && !ret) {
			vhost_user_conn_drop(vp, 0, "cannot send a reply");
			return;
		}
		if (ret) {
			warn("port %s: vhost-user: %s", vp->port.name,
			     vp->dev.why);
			vhost_user_conn_drop(vp, 0, "request refused");
			return;
		}
		vhost_user_sync(vp);
		if (!vp->conn)
			return;
	}
}

static void vhost_user_accept(struct vhost_user_port *vp, int fd)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	char peer[sizeof(vp->port.peer)];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 &&
	    clen == sizeof(cred))
		snprintf(peer, sizeof(peer), "pid %d uid %u", (int)cred.pid,
			 (unsigned int)cred.uid);
	else
		snprintf(peer, sizeof(peer), "pid ? uid ?");
	if (vp->conn) {
		port_count_drop(&vp->port, DROP_PEER_REFUSED);
		if (vhost_user_ratelimit(vp))
			warn("port %s: refused a second client (%s): %s is connected",
			     vp->port.name, peer, vp->port.peer);
		close(fd);
		return;
	}
	vp->conn = vhost_user_poll_new(vp, fd, vhost_user_conn_on_readable);
	if (!vp->conn) {
		warn("port %s: cannot take a connection", vp->port.name);
		close(fd);
		return;
	}
	vhost_dev_init(&vp->dev, vp->dev.offered);
	vhost_msg_reader_init(&vp->rd);
	port_peer_up(&vp->port, peer);
}

static void vhost_user_listen_on_readable(uv_poll_t *h, int status,
					  int events)
{
	struct vhost_user_port *vp = h->data;
	unsigned int i;
	int fd;

	(void)events;
	if (status < 0) {
		uv_poll_stop(h);
		port_fail(&vp->port, status, "listening socket failed");
		return;
	}
	for (i = 0; i < VHOST_USER_ACCEPT_BUDGET; i++) {
		fd = accept4(vp->pfd.fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    vhost_user_ratelimit(vp))
				warn_perror(errno, "port %s: accept",
					    vp->port.name);
			return;
		}
		vhost_user_accept(vp, fd);
	}
}

/* ------------------------------------------------------------- ports -- */

static int vhost_user_set_mtu(struct port *port, unsigned int mtu)
{
	if (mtu < 68 || mtu > 65535)
		return -ERANGE;
	port->mtu = mtu;
	return 0;
}

static void vhost_user_close(struct port *port, bool destroy)
{
	struct vhost_user_port *vp = to_vu(port);

	/* the port is detached already: no FDB flush, just let go */
	(void)destroy;		/* the socket goes either way */
	vhost_user_handle_release(&vp->kick);
	if (vp->conn) {
		shutdown(vp->conn->fd, SHUT_RDWR);
		vhost_user_handle_release(&vp->conn);
	}
	vhost_user_handle_release(&vp->rx_check);
	vhost_msg_close_fds(&vp->rd.msg);
	vhost_dev_reset(&vp->dev);
	sockfile_unlink(&vp->file, port->name);
	port_poll_close(&vp->pfd);	/* frees @vp once libuv lets go */
}

static int vhost_user_open(struct daemon *d, void *priv,
			   const struct port_config *cfg,
			   struct port **portp, char *why, size_t whylen)
{
	unsigned int mode = cfg->mode ? cfg->mode : 0660;
	struct vhost_user_port *vp;
	int fd, ret;

	(void)priv;
	vp = calloc(1, sizeof(*vp));
	if (!vp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	vhost_dev_init(&vp->dev, vhost_dev_features(!cfg->no_offload));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "socket: %s", strerror(-ret));
		goto err_free;
	}
	ret = sockfile_bind(&vp->file, fd, cfg->name, cfg->path, mode,
			    cfg->owner, cfg->group, why, whylen);
	if (ret)
		goto err_close;
	if (listen(fd, VHOST_USER_BACKLOG) < 0) {
		ret = -errno;
		snprintf(why, whylen, "listen: %s", strerror(-ret));
		goto err_unlink;
	}
	ret = port_poll_init(&vp->pfd, d->loop, fd, vp, why, whylen);
	if (ret)
		goto err_unlink;
	vp->rx_check = calloc(1, sizeof(*vp->rx_check));
	if (!vp->rx_check) {
		/* the poll handle owns @vp and @fd now */
		sockfile_unlink(&vp->file, cfg->name);
		port_poll_close(&vp->pfd);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	uv_check_init(d->loop, &vp->rx_check->h.check);
	vp->rx_check->h.check.data = vp->rx_check;
	vp->rx_check->vp = vp;
	vp->rx_check->fd = -1;

	snprintf(vp->port.name, sizeof(vp->port.name), "%s", cfg->name);
	vp->port.created = true;
	vp->port.vnet = true;
	vp->port.mtu = cfg->mtu ? cfg->mtu : VHOST_USER_MTU_DEFAULT;
	vp->port.peer_state = PORT_PEER_WAITING;
	vp->port.tx_no_offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
				  TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6;
	info("port %s: vhost-user socket %s, mode %04o, mtu %u%s", cfg->name,
	     cfg->path, mode, vp->port.mtu,
	     cfg->no_offload ? ", no offloads" : "");
	*portp = &vp->port;
	return 0;

err_unlink:
	sockfile_unlink(&vp->file, cfg->name);
err_close:
	close(fd);
err_free:
	free(vp);
	return ret;
}

static int vhost_user_start(struct port *port, char *why, size_t whylen)
{
	return port_poll_start(&to_vu(port)->pfd,
			       vhost_user_listen_on_readable, why, whylen);
}

const struct port_class vhost_user_port_class = {
	.name = "vhost-user",
	.takes_path = true,
	.open = vhost_user_open,
	.start = vhost_user_start,
	.send = vhost_user_send,
	.set_mtu = vhost_user_set_mtu,
	.close = vhost_user_close,
};
