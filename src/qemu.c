// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu.c - QEMU socket ports: -netdev stream (4-byte length framing) and
 * -netdev dgram (one datagram per frame) over UNIX sockets.
 *
 * Both carry plain Ethernet frames, no virtio-net header (port->vnet is
 * false), so port_output() segments GSO frames and finishes checksums
 * before they reach us, and a VM only ever receives valid frames of at most
 * its port's MTU + 18 bytes.
 *
 * stream: tapsw listens on a UNIX stream socket; QEMU connects with
 * `-netdev stream,server=off,addr.type=unix,addr.path=PATH`.  Each frame is
 * a 4-byte big-endian length and the frame.  One connection per port: a
 * second client is accepted, logged with its SO_PEERCRED pid/uid, counted
 * (drop reason peer_refused) and closed.  A length of 0 or above QEMU's
 * NET_BUFSIZE (69,632) is a protocol error: counted as rx_error, the
 * connection is dropped, the port keeps listening.  When the peer goes, the
 * MACs learned on the port are flushed and the next connection is taken.
 * QEMU before 8.0 never reconnects a stream netdev: a VM on a stream port
 * must start after tapsw and loses its link when tapsw restarts.
 *
 * Reading: the bytes go into a per-connection buffer with VNET_HDR_LEN
 * bytes of headroom, and complete frames are handed to the switch in place:
 * the 12 bytes before a frame (its length field and the tail of the frame
 * before it, already forwarded) become its all-zero virtio-net header.  A
 * frame whose header would not be 4-byte aligned (struct virtio_net_hdr
 * needs 2) is copied to an aligned buffer first.  A
 * partial frame is moved to the front and completed by later reads, as
 * passt's tap_passt_input() does.  Each wake-up reads at most
 * QEMU_RX_BUDGET times.
 *
 * Writing: frames go straight to the socket with MSG_DONTWAIT.  What the
 * socket does not take (a partial write, or everything while the queue is
 * not empty) goes into a bounded per-connection ring (QEMU_TXQ_MAX bytes),
 * written out when the socket turns writable.  Only whole frames are
 * refused: when one does not fit, it is dropped and counted (tx_error), so
 * a slow or stopped VM costs the switch a copy at most, never a wait.
 *
 * dgram: tapsw binds a UNIX datagram socket; QEMU sends from its own bound
 * socket (`-netdev dgram,local.type=unix,local.path=VMPATH,remote.type=unix,
 * remote.path=PATH`).  The sender address of the datagrams we receive is
 * the peer we answer with sendto(); a new sender address replaces the old
 * peer (and flushes its MACs).  The kernel queues only
 * net.unix.max_dgram_qlen datagrams (10 by default) at the receiver, a
 * per-host sysctl we leave alone: when the VM's queue is full (EAGAIN) the
 * frame is dropped and counted (tx_error), never waited for.  When the VM's
 * socket is gone (ECONNREFUSED, ENOENT) the peer is forgotten until it
 * sends again.  Nothing ties the VM to a tapsw process, so a tapsw restart
 * binds the same path again and traffic resumes.
 *
 * The socket file (sockfile.c): a stale socket at the path is removed, a
 * live one makes the open fail; mode cfg->mode or 0660, chown to
 * owner/group; closing the port removes it if it is still the one we made.
 *
 * Raw fds and uv_poll_t, as in tap.c, rather than uv_pipe_t: we need
 * accept-then-refuse with SO_PEERCRED, MSG_DONTWAIT writes that never queue
 * inside libuv, recvfrom() sender addresses and in-place frame buffers.
 */
#include "tapsw/tapsw.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "tapsw/daemon.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/port_poll.h"
#include "tapsw/qemu.h"
#include "tapsw/sockfile.h"
#include "tapsw/vnet.h"

enum {
	QEMU_FRAME_MAX = 4096 + 65536,	/* QEMU's NET_BUFSIZE: 69,632 */
	QEMU_LEN_SIZE = 4,		/* stream: big-endian frame length */
	QEMU_RX_BUDGET = 64,		/* reads per wake-up per port */
	/* headroom: a frame's vnet header goes over its length field */
	QEMU_RX_HEAD = PKT_HEADROOM + VNET_HDR_LEN - QEMU_LEN_SIZE,
	QEMU_RX_BUF = 256 * 1024,	/* stream: > QEMU_LEN_SIZE + a frame */
	QEMU_TXQ_MAX = 512 * 1024,	/* stream: bytes queued for a slow VM */
	QEMU_SOCKBUF = 4 * 1024 * 1024,	/* dgram: asked for, capped by the kernel */
	QEMU_STREAM_SOCKBUF = 1024 * 1024,	/* stream: in flight to the VM */
	QEMU_ACCEPT_BUDGET = 16,	/* connections taken per wake-up */
	QEMU_BACKLOG = 8,
	QEMU_MTU_DEFAULT = 1500,
	QEMU_MTU_HDR = 18,		/* Ethernet header + one VLAN tag */
};

struct qemu_port;

/* stream: the connected peer; freed once libuv has let go of the handle */
struct qemu_conn {
	uv_poll_t poll;
	struct qemu_port *qp;	/* NULL once dropped */
	int fd;
	int events;		/* UV_READABLE, | UV_WRITABLE while queueing */
	uint8_t *rx;		/* QEMU_RX_HEAD + QEMU_RX_BUF */
	size_t rx_len;		/* bytes at rx + QEMU_RX_HEAD */
	uint8_t *txq;		/* a ring of QEMU_TXQ_MAX bytes */
	size_t tx_head;
	size_t tx_len;
};

struct qemu_port {
	struct port port;
	struct port_poll pfd;	/* listening (stream) or bound (dgram) */
	struct sockfile file;	/* the socket's path */
	struct qemu_conn *conn;			/* stream */
	struct sockaddr_un peer_addr;		/* dgram: where replies go */
	socklen_t peer_len;			/* 0: no peer */
	struct log_ratelimit rl;
};

/*
 * [virtio-net header][one frame, one byte more to see truncation]: dgram
 * reads here; a stream frame that sits misaligned in its connection's
 * buffer is copied here, aligned as a TAP port's frames are.
 */
static uint8_t qemu_frame_room[PKT_HEADROOM + VNET_HDR_LEN +
			       QEMU_FRAME_MAX + 1] __attribute__((aligned(16)));
static uint8_t *const qemu_frame_buf = qemu_frame_room + PKT_HEADROOM;

static struct qemu_port *to_qemu(struct port *port)
{
	return (struct qemu_port *)port;
}

static bool qemu_ratelimit(struct qemu_port *qp)
{
	return log_ratelimit(&qp->rl, daemon_now_ms(qp->port.daemon));
}

/* ------------------------------------------------------------ stream -- */

/*
 * Raise a socket's buffers to @size as far as we may: the FORCE variants
 * need CAP_NET_ADMIN, the plain ones are capped at net.core.[rw]mem_max.
 */
static void qemu_raise_bufs(int fd, int size)
{
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}


static void qemu_conn_free_cb(uv_handle_t *h)
{
	struct qemu_conn *c = h->data;

	close(c->fd);
	free(c->rx);
	free(c->txq);
	free(c);
}

/* let go of the connection; the fd is closed once libuv is done with it */
static void qemu_conn_release(struct qemu_port *qp)
{
	struct qemu_conn *c = qp->conn;

	qp->conn = NULL;
	c->qp = NULL;
	/* the peer sees EOF now, not after the close callback */
	shutdown(c->fd, SHUT_RDWR);
	uv_close((uv_handle_t *)&c->poll, qemu_conn_free_cb);
}

/* drop the connection (the peer went, or broke the protocol) */
static void qemu_conn_drop(struct qemu_port *qp, int errnum, const char *why)
{
	if (!qp->conn)
		return;
	qemu_conn_release(qp);
	port_peer_down(&qp->port, errnum, why);
}

static int qemu_conn_poll(struct qemu_conn *c, int events);

/* append @len bytes to the ring; the caller made sure they fit */
static void qemu_txq_push(struct qemu_conn *c, const uint8_t *p, size_t len)
{
	size_t tail = (c->tx_head + c->tx_len) % QEMU_TXQ_MAX;
	size_t first = MIN(len, QEMU_TXQ_MAX - tail);

	memcpy(c->txq + tail, p, first);
	memcpy(c->txq, p + first, len - first);
	c->tx_len += len;
}

/* write out what is queued; 0 (maybe some left) or a negative errno */
static int qemu_txq_flush(struct qemu_conn *c)
{
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov };
	size_t first;
	ssize_t n;

	while (c->tx_len) {
		first = MIN(c->tx_len, QEMU_TXQ_MAX - c->tx_head);
		iov[0].iov_base = c->txq + c->tx_head;
		iov[0].iov_len = first;
		iov[1].iov_base = c->txq;
		iov[1].iov_len = c->tx_len - first;
		mh.msg_iovlen = iov[1].iov_len ? 2 : 1;
		n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		c->tx_head = (c->tx_head + (size_t)n) % QEMU_TXQ_MAX;
		c->tx_len -= (size_t)n;
	}
	c->tx_head = 0;
	return qemu_conn_poll(c, UV_READABLE);
}

static int qemu_stream_send(struct port *port, const void *buf, size_t len)
{
	struct qemu_port *qp = to_qemu(port);
	struct qemu_conn *c = qp->conn;
	uint32_t be_len = htonl((uint32_t)len);
	struct iovec iov[2] = {
		{ .iov_base = &be_len, .iov_len = QEMU_LEN_SIZE },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t done;
	ssize_t n;
	int ret;

	if (!c)
		return -ENETDOWN;	/* nobody connected: port_down */
	if (unlikely(!len || len > QEMU_FRAME_MAX))
		return -EMSGSIZE;

	/* frames queued already: keep the order, queue this one too */
	if (c->tx_len) {
		if (QEMU_TXQ_MAX - c->tx_len < QEMU_LEN_SIZE + len)
			return -ENOBUFS;	/* queue full: tx_error */
		qemu_txq_push(c, (const uint8_t *)&be_len, QEMU_LEN_SIZE);
		qemu_txq_push(c, buf, len);
		return 0;
	}

	do
		n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			ret = -errno;
			qemu_conn_drop(qp, ret, "write failed");
			return -ENETDOWN;
		}
		n = 0;
	}
	done = (size_t)n;
	if (likely(done == QEMU_LEN_SIZE + len))
		return 0;

	/* the rest, from where the socket stopped taking it */
	if (done < QEMU_LEN_SIZE) {
		qemu_txq_push(c, (const uint8_t *)&be_len + done,
			      QEMU_LEN_SIZE - done);
		done = QEMU_LEN_SIZE;
	}
	qemu_txq_push(c, (const uint8_t *)buf + (done - QEMU_LEN_SIZE),
		      QEMU_LEN_SIZE + len - done);
	ret = qemu_conn_poll(c, UV_READABLE | UV_WRITABLE);
	if (ret) {
		qemu_conn_drop(qp, ret, "cannot poll");
		return -ENETDOWN;
	}
	return 0;
}

/*
 * Hand every complete frame in the buffer to the switch, keep a partial
 * one.  Returns 0, or a negative errno when the connection was dropped.
 */
static int qemu_stream_parse(struct qemu_port *qp, struct qemu_conn *c)
{
	struct port *port = &qp->port;
	uint8_t *data = c->rx + QEMU_RX_HEAD;
	size_t off = 0, flen;
	struct pkt pkt;
	uint32_t be_len;

	while (c->rx_len - off >= QEMU_LEN_SIZE) {
		memcpy(&be_len, data + off, QEMU_LEN_SIZE);
		flen = ntohl(be_len);
		if (unlikely(!flen || flen > QEMU_FRAME_MAX)) {
			port_count_drop(port, DROP_RX_ERROR);
			if (qemu_ratelimit(qp))
				warn("port %s: protocol error: frame length %zu (1 to %d): dropping %s",
				     port->name, flen, QEMU_FRAME_MAX,
				     port->peer);
			qemu_conn_drop(qp, 0, "protocol error");
			return -EPROTO;
		}
		if (c->rx_len - off - QEMU_LEN_SIZE < flen)
			break;

		pkt.eth = data + off + QEMU_LEN_SIZE;
		pkt.vnet = pkt.eth - VNET_HDR_LEN;
		pkt.len = flen;
		off += QEMU_LEN_SIZE + flen;
		if (unlikely(flen > port->mtu + QEMU_MTU_HDR)) {
			port_count_drop(port, DROP_OVERSIZE);
			continue;
		}
		/* what lies before: frames forwarded, or the headroom */
		pkt.headroom = (size_t)(pkt.vnet - c->rx);
		if (unlikely((uintptr_t)pkt.vnet & 3)) {
			memcpy(qemu_frame_buf + VNET_HDR_LEN, pkt.eth, flen);
			pkt.vnet = qemu_frame_buf;
			pkt.eth = qemu_frame_buf + VNET_HDR_LEN;
			pkt.headroom = PKT_HEADROOM;
		}
		/* over the length field and the frame before: forwarded */
		memset(pkt.vnet, 0, VNET_HDR_LEN);
		port_input(port, &pkt);
		if (unlikely(c->qp != qp))
			return -ECONNRESET;
	}
	if (off) {
		c->rx_len -= off;
		memmove(data, data + off, c->rx_len);
	}
	return 0;
}

static void qemu_stream_read(struct qemu_port *qp, struct qemu_conn *c)
{
	unsigned int i;
	size_t room;
	ssize_t n;

	for (i = 0; i < QEMU_RX_BUDGET; i++) {
		/* the parser leaves less than one frame: always room */
		room = QEMU_RX_BUF - c->rx_len;
		n = read(c->fd, c->rx + QEMU_RX_HEAD + c->rx_len, room);
		if (n == 0) {
			qemu_conn_drop(qp, 0, "connection closed");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno != ECONNRESET)
				port_count_drop(&qp->port, DROP_RX_ERROR);
			qemu_conn_drop(qp, -errno, "read failed");
			return;
		}
		c->rx_len += (size_t)n;
		if (qemu_stream_parse(qp, c))
			return;
		/* a short read: the socket is empty, save the EAGAIN */
		if ((size_t)n < room)
			return;
	}
}

static void qemu_conn_on_io(uv_poll_t *h, int status, int events)
{
	struct qemu_conn *c = h->data;
	struct qemu_port *qp = c->qp;
	int ret;

	if (!qp)
		return;
	if (status < 0) {
		qemu_conn_drop(qp, status, "socket error");
		return;
	}
	if (events & UV_WRITABLE) {
		ret = qemu_txq_flush(c);
		if (ret) {
			qemu_conn_drop(qp, ret, "write failed");
			return;
		}
	}
	if (events & UV_READABLE)
		qemu_stream_read(qp, c);
}

static int qemu_conn_poll(struct qemu_conn *c, int events)
{
	int ret;

	if (c->events == events)
		return 0;
	ret = uv_poll_start(&c->poll, events, qemu_conn_on_io);
	if (!ret)
		c->events = events;
	return ret;
}

/* take @fd as the port's peer; 0 or a negative errno (@fd closed then) */
static int qemu_conn_new(struct qemu_port *qp, int fd,
			 const struct ucred *cred)
{
	char peer[sizeof(qp->port.peer)];
	struct qemu_conn *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		goto err_close;
	c->rx = malloc(QEMU_RX_HEAD + QEMU_RX_BUF);
	c->txq = malloc(QEMU_TXQ_MAX);
	if (!c->rx || !c->txq)
		goto err_free;
	c->fd = fd;
	c->qp = qp;
	qemu_raise_bufs(fd, QEMU_STREAM_SOCKBUF);
	ret = uv_poll_init(qp->pfd.handle.loop, &c->poll, fd);
	if (ret)
		goto err_free_ret;
	c->poll.data = c;
	qp->conn = c;
	ret = qemu_conn_poll(c, UV_READABLE);
	if (ret) {
		qemu_conn_release(qp);	/* closes @fd */
		return ret;
	}
	if (cred)
		snprintf(peer, sizeof(peer), "pid %d uid %u", (int)cred->pid,
			 (unsigned int)cred->uid);
	else
		snprintf(peer, sizeof(peer), "pid ? uid ?");
	port_peer_up(&qp->port, peer);
	return 0;

err_free:
	ret = -ENOMEM;
err_free_ret:
	free(c->rx);
	free(c->txq);
	free(c);
	close(fd);
	return ret;
err_close:
	close(fd);
	return -ENOMEM;
}

static void qemu_listen_on_readable(uv_poll_t *h, int status, int events)
{
	struct qemu_port *qp = h->data;
	struct port *port = &qp->port;
	struct ucred cred;
	socklen_t clen;
	unsigned int i;
	bool have_cred;
	int fd, ret;

	(void)events;
	if (status < 0) {
		uv_poll_stop(h);
		port_fail(port, status, "listening socket failed");
		return;
	}

	for (i = 0; i < QEMU_ACCEPT_BUDGET; i++) {
		fd = accept4(qp->pfd.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    qemu_ratelimit(qp))
				warn_perror(errno, "port %s: accept", port->name);
			return;
		}
		clen = sizeof(cred);
		have_cred = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
				       &clen) == 0 && clen == sizeof(cred);
		if (qp->conn) {
			port_count_drop(port, DROP_PEER_REFUSED);
			if (qemu_ratelimit(qp))
				warn("port %s: refused a second client (pid %d uid %d): %s is connected",
				     port->name, have_cred ? (int)cred.pid : -1,
				     have_cred ? (int)cred.uid : -1,
				     port->peer);
			close(fd);
			continue;
		}
		ret = qemu_conn_new(qp, fd, have_cred ? &cred : NULL);
		if (ret)
			warn_perror(-ret, "port %s: cannot take a connection",
				    port->name);
	}
}

/* ------------------------------------------------------------- dgram -- */

/* a sender address for people: its path, or @name for an abstract one */
static void qemu_addr_text(const struct sockaddr_un *sa, socklen_t len,
			   char *buf, size_t size)
{
	size_t plen = len - offsetof(struct sockaddr_un, sun_path);

	if (sa->sun_path[0])
		snprintf(buf, size, "%.*s", (int)strnlen(sa->sun_path, plen),
			 sa->sun_path);
	else
		snprintf(buf, size, "@%.*s", (int)(plen - 1), sa->sun_path + 1);
}

/* a datagram came from @sa: that is where frames for the port go now */
static void qemu_dgram_learn_peer(struct qemu_port *qp,
				  const struct sockaddr_un *sa, socklen_t len)
{
	char text[sizeof(qp->port.peer)];

	if (likely(len == qp->peer_len && !memcmp(sa, &qp->peer_addr, len)))
		return;
	if (len <= offsetof(struct sockaddr_un, sun_path) ||
	    len > sizeof(*sa)) {
		/* an unbound sender: there is no answering it */
		if (qemu_ratelimit(qp))
			warn("port %s: frames from an unbound socket: cannot answer (QEMU needs local.type=unix,local.path=...)",
			     qp->port.name);
		return;
	}
	if (qp->peer_len)
		port_peer_down(&qp->port, 0, "replaced by a new sender");
	memcpy(&qp->peer_addr, sa, len);
	qp->peer_len = len;
	qemu_addr_text(sa, len, text, sizeof(text));
	port_peer_up(&qp->port, text);
}

static int qemu_dgram_send(struct port *port, const void *buf, size_t len)
{
	struct qemu_port *qp = to_qemu(port);
	ssize_t n;
	int ret;

	if (!qp->peer_len)
		return -ENETDOWN;	/* nobody sent us anything yet */

	do
		n = sendto(qp->pfd.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&qp->peer_addr,
			   qp->peer_len);
	while (n < 0 && errno == EINTR);
	if (likely(n >= 0))
		return 0;

	ret = -errno;
	switch (ret) {
	case -EAGAIN:		/* the VM's queue is full: drop, never wait */
		return -ENOBUFS;
	case -ECONNREFUSED:	/* its socket is closed */
	case -ENOENT:		/* or gone */
		qp->peer_len = 0;
		port_peer_down(&qp->port, ret, "cannot send");
		return -ENETDOWN;
	default:
		return ret;
	}
}

static void qemu_dgram_on_readable(uv_poll_t *h, int status, int events)
{
	struct qemu_port *qp = h->data;
	struct port *port = &qp->port;
	struct sockaddr_un from;
	socklen_t flen;
	struct pkt pkt;
	unsigned int i;
	ssize_t n;

	(void)events;
	if (status < 0) {
		uv_poll_stop(h);
		port_fail(port, status, "socket failed");
		return;
	}

	pkt.vnet = qemu_frame_buf;
	pkt.eth = qemu_frame_buf + VNET_HDR_LEN;
	pkt.headroom = PKT_HEADROOM;
	for (i = 0; i < QEMU_RX_BUDGET; i++) {
		flen = sizeof(from);
		n = recvfrom(qp->pfd.fd, pkt.eth, QEMU_FRAME_MAX + 1,
			     MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				port_count_drop(port, DROP_RX_ERROR);
			return;
		}
		qemu_dgram_learn_peer(qp, &from, flen);
		/* MSG_TRUNC: n is the datagram's length, even if cut */
		if (unlikely((size_t)n > QEMU_FRAME_MAX)) {
			port_count_drop(port, DROP_RX_ERROR);
			continue;
		}
		if (unlikely((size_t)n > port->mtu + QEMU_MTU_HDR)) {
			port_count_drop(port, DROP_OVERSIZE);
			continue;
		}
		memset(qemu_frame_buf, 0, VNET_HDR_LEN);
		pkt.len = (size_t)n;
		port_input(port, &pkt);
	}
}

/* ------------------------------------------------------------- ports -- */

static int qemu_set_mtu(struct port *port, unsigned int mtu)
{
	if (mtu < 68 || mtu > 65535)
		return -ERANGE;
	port->mtu = mtu;
	return 0;
}

static void qemu_close(struct port *port, bool destroy)
{
	struct qemu_port *qp = to_qemu(port);

	/* the port is detached already: no FDB flush, just let go */
	(void)destroy;		/* the socket goes either way */
	if (qp->conn)
		qemu_conn_release(qp);
	sockfile_unlink(&qp->file, port->name);
	port_poll_close(&qp->pfd);	/* frees @qp once libuv lets go */
}

static int qemu_open(struct daemon *d, bool stream,
		     const struct port_config *cfg, struct port **portp,
		     char *why, size_t whylen)
{
	unsigned int mode = cfg->mode ? cfg->mode : 0660;
	struct qemu_port *qp;
	int ret;

	qp = calloc(1, sizeof(*qp));
	if (!qp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	qp->pfd.fd = socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) |
			SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (qp->pfd.fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "socket: %s", strerror(-ret));
		goto err_free;
	}
	ret = sockfile_bind(&qp->file, qp->pfd.fd, cfg->name, cfg->path, mode,
			    cfg->owner, cfg->group, why, whylen);
	if (ret)
		goto err_close;
	if (stream) {
		if (listen(qp->pfd.fd, QEMU_BACKLOG) < 0) {
			ret = -errno;
			snprintf(why, whylen, "listen: %s", strerror(-ret));
			goto err_unlink;
		}
	} else {
		qemu_raise_bufs(qp->pfd.fd, QEMU_SOCKBUF);
	}
	ret = port_poll_init(&qp->pfd, d->loop, qp->pfd.fd, qp, why, whylen);
	if (ret)
		goto err_unlink;

	snprintf(qp->port.name, sizeof(qp->port.name), "%s", cfg->name);
	qp->port.created = true;
	qp->port.vnet = false;
	qp->port.mtu = cfg->mtu ? cfg->mtu : QEMU_MTU_DEFAULT;
	qp->port.peer_state = PORT_PEER_WAITING;
	info("port %s: QEMU %s socket %s, mode %04o, mtu %u", cfg->name,
	     stream ? "stream" : "dgram", cfg->path, mode, qp->port.mtu);
	*portp = &qp->port;
	return 0;

err_unlink:
	sockfile_unlink(&qp->file, cfg->name);
err_close:
	close(qp->pfd.fd);
err_free:
	free(qp);
	return ret;
}

static int qemu_stream_open(struct daemon *d, void *priv,
			    const struct port_config *cfg,
			    struct port **portp, char *why, size_t whylen)
{
	return qemu_open(d, true, cfg, portp, why, whylen);
}

static int qemu_dgram_open(struct daemon *d, void *priv,
			   const struct port_config *cfg,
			   struct port **portp, char *why, size_t whylen)
{
	return qemu_open(d, false, cfg, portp, why, whylen);
}

static int qemu_start(struct port *port, char *why, size_t whylen)
{
	return port_poll_start(&to_qemu(port)->pfd,
			       port->class == &stream_port_class ?
			       qemu_listen_on_readable : qemu_dgram_on_readable,
			       why, whylen);
}

const struct port_class stream_port_class = {
	.name = "stream",
	.takes_path = true,
	.open = qemu_stream_open,
	.start = qemu_start,
	.send = qemu_stream_send,
	.set_mtu = qemu_set_mtu,
	.close = qemu_close,
};

const struct port_class dgram_port_class = {
	.name = "dgram",
	.takes_path = true,
	.open = qemu_dgram_open,
	.start = qemu_start,
	.send = qemu_dgram_send,
	.set_mtu = qemu_set_mtu,
	.close = qemu_close,
};
