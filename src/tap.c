// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap.c - TAP port backend: a queue of a persistent TAP device opened
 * through /dev/net/tun, read with read() or, while busy, io_uring.
 *
 * Attaching: TUNSETIFF with IFF_TUN_EXCL first, so we know whether the
 * device is ours (created now, made persistent, remembered in
 * port->created) or somebody else's (attached without EXCL; never deleted by
 * tapsw).  A second attach to a single-queue TAP fails with EBUSY: the TAP
 * is held by another process (a running tapswd, or QEMU).
 *
 * The fd outlives any move of the netdev: `ip link set NAME netns NS`
 * leaves our queue attached, so the port keeps forwarding and counting.
 * Deleting the device makes the fd report POLLERR and every read/write fail
 * with EBADFD: the port is marked down (port_fail()), once.
 *
 * Offloads: by default the TAP has IFF_VNET_HDR, a 12-byte virtio-net
 * header and TUNSETOFFLOAD(CSUM|TSO4|TSO6|TSO_ECN), falling back step by
 * step if the kernel refuses: the namespace's stack then hands us 64 KiB
 * TCP superframes with partial checksums, and the header goes along to the
 * egress port.  UDP segmentation offload is left off (it cost TCP
 * throughput here).  With no_offload the TAP carries plain frames, as
 * vde_switch's do, and port_output() finishes checksums and segments.
 *
 * I/O, all of it in struct tap_io, the backend's context (one per daemon):
 * - Quiet ports are read with read(), at most TAP_RX_BUDGET frames per
 *   wake-up, into one buffer that is also the write buffer; every frame is
 *   one write().  After a frame that went to exactly one TAP, that TAP is
 *   read next: its answer (a TCP ACK, an echo reply) is queued there when
 *   write() returns (tap_follow_next()).
 * - A port with frames left after a whole budget of small frames is busy
 *   (tap_set_busy()): with io_uring (tap_uring.c) it is read by one
 *   multishot read instead, and while any port is busy, small frames to
 *   every TAP are written in batches.  A tick every TAP_BUSY_TICK_MS puts
 *   ports that went quiet back on read(), since for a frame now and then
 *   read() and write() are the quicker way, and so are ports whose frames
 *   are big (TAP_BUSY_FRAME_MAX on average: TSO frames).
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <uv.h>

#include "tapsw/daemon.h"
#include "tapsw/log.h"
#include "tapsw/netlink.h"
#include "tapsw/netns.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/port_poll.h"
#include "tapsw/tap.h"
#include "tapsw/tap_uring.h"
#include "tapsw/vnet.h"

enum {
	TAP_RX_BUDGET = 64,		/* frames per wake-up per port */
	TAP_BUSY_TICK_MS = 100,		/* how often busy ports are checked */
	TAP_BUSY_FRAMES = 100,		/* fewer per tick (1000/s): quiet */
	/* frames larger than this on average (TSO frames) stay on read():
	 * the syscall is little next to the copy, and read() lands every
	 * frame in the one buffer, warm in the cache, where the multishot
	 * read cycles through 64 buffers of 64 KiB (bench/RESULTS.md) */
	TAP_BUSY_FRAME_MAX = 8192,
	TAP_BUF_SIZE = 65536 + 256,	/* > largest frame: MTU 65535 + headers */
	TAP_READ_MAX = VNET_HDR_LEN + TAP_BUF_SIZE,
	TAP_ROOM = PKT_HEADROOM + TAP_READ_MAX,
	TAP_TXQLEN = 10000,		/* tun tail-drops when its queue is full */
	TAP_MTU_DEFAULT = 1500,
};

struct tap_port;

/* the backend's context: one per daemon (tap_io_init()) */
struct tap_io {
	struct daemon *d;
	struct tap_uring *ring;		/* NULL: read() and write() only */
	uv_timer_t busy_timer;		/* checks the busy ports */
	struct tap_port *busy;		/* the busy ports (tap_set_busy()) */
	/*
	 * the TAP the frame being forwarded was written to, if it went to
	 * exactly one and there by write(): its answer is read next
	 */
	struct tap_port *follow_to;
	unsigned int follow_sent;
	bool warned_unsearched;		/* tap_warn_unsearched() said it */
	/* [headroom][virtio-net header][Ethernet frame up to 64 KiB] */
	uint8_t *room;
};

struct tap_port {
	struct port port;
	struct tap_io *io;
	struct port_poll pfd;	/* the TAP's fd */
	int ifindex_there;	/* found in another netns: its ifindex there */
	struct tap_uring_fd ufd;	/* small writes batched through io_uring */
	struct tap_uring_rx rx;		/* a multishot read, while busy */
	bool busy;		/* on io->busy (tap_set_busy()) */
	bool ring_failed;	/* io_uring refused to read it: read() only */
	bool follow_miss;	/* a read after a frame to it found nothing */
	uint64_t busy_mark;	/* rx_packets at the last tick */
	uint64_t busy_mark_bytes;	/* rx_bytes then */
	struct tap_port *busy_next;
};

/* the offloads asked for, best first; the first the kernel takes wins */
static const unsigned int tap_offload_chain[] = {
	TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
	TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
	TUN_F_CSUM,
	0,
};

static struct tap_port *to_tap(struct port *port)
{
	return (struct tap_port *)port;
}

static uint8_t *tap_buf(const struct tap_io *io)
{
	return io->room + PKT_HEADROOM;
}

static int tap_send(struct port *port, const void *buf, size_t len)
{
	struct tap_port *tp = to_tap(port);
	struct tap_io *io = tp->io;
	ssize_t n;

	io->follow_sent++;
	if (io->ring) {
		/* batched while some port is busy (tap_set_busy()); one by
		 * one, with the least latency, when all are quiet */
		if (io->busy && likely(len <= TAP_URING_SLOT_SIZE) &&
		    tap_uring_write(io->ring, &tp->ufd, buf, len) == 0) {
			io->follow_to = NULL;	/* not written yet: no answer */
			return PORT_SEND_QUEUED;
		}
		/* a direct write goes after what is queued before it */
		tap_uring_fd_sync(io->ring, &tp->ufd);
	}
	io->follow_to = tp;
	do
		n = write(tp->pfd.fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

/* the result of a batched write (tap_uring.c) */
static void tap_write_done(struct tap_uring_fd *uf, int res, size_t len)
{
	struct tap_port *tp = (struct tap_port *)((char *)uf -
						  offsetof(struct tap_port, ufd));

	port_send_done(&tp->port, res,
		       len - (tp->port.vnet ? VNET_HDR_LEN : 0));
}

static void tap_busy_unlink(struct tap_port *tp)
{
	struct tap_io *io = tp->io;
	struct tap_port **pp;

	for (pp = &io->busy; *pp; pp = &(*pp)->busy_next) {
		if (*pp == tp) {
			*pp = tp->busy_next;
			break;
		}
	}
	tp->busy = false;
	if (!io->busy && io->ring)
		uv_timer_stop(&io->busy_timer);
}

static void tap_close(struct port *port, bool destroy)
{
	struct tap_port *tp = to_tap(port);
	struct tap_io *io = tp->io;

	tap_busy_unlink(tp);
	if (io->follow_to == tp)
		io->follow_to = NULL;
	if (io->ring) {
		tap_uring_rx_cancel(io->ring, &tp->rx);
		tap_uring_fd_sync(io->ring, &tp->ufd);	/* none left in flight */
	}
	if (destroy && !port->created)
		info("port %s: not deleting the TAP: tapsw did not create it",
		     port->name);
	else if (destroy && ioctl(tp->pfd.fd, TUNSETPERSIST, 0) < 0)
		warn_perror(errno, "port %s: cannot clear persist flag", port->name);
	port_poll_close(&tp->pfd);	/* frees @tp once libuv lets go */
}

/*
 * tap_input() - one frame read into @buf: [VNET_HDR_LEN bytes][frame], @n
 * bytes read at @buf (vnet ports) or at @buf + VNET_HDR_LEN (others), from
 * a buffer of @size bytes there.  PKT_HEADROOM bytes before @buf are ours.
 */
static void tap_input(struct tap_port *tp, uint8_t *buf, size_t n, size_t size)
{
	struct port *port = &tp->port;
	struct pkt pkt = {
		.vnet = buf,
		.eth = buf + VNET_HDR_LEN,
		.headroom = PKT_HEADROOM,
	};

	/* a read that fills the buffer may be truncated */
	if (unlikely(n >= size)) {
		port_count_drop(port, DROP_RX_ERROR);
		return;
	}
	if (port->vnet) {
		if (unlikely(n < VNET_HDR_LEN)) {
			port_count_drop(port, DROP_RX_ERROR);
			return;
		}
		n -= VNET_HDR_LEN;
	} else {
		memset(buf, 0, VNET_HDR_LEN);
	}
	pkt.len = n;
	port_input(port, &pkt);
}

static void tap_set_busy(struct tap_port *tp);

/*
 * tap_follow_next() - the port to read after a frame was forwarded: the one
 * TAP it was written to, if it is read with read() and answered last time.
 *
 * A frame written to a TAP is taken in by that namespace's stack inside
 * write() (tun_get_user() -> netif_receive_skb()), and what the stack
 * answers on the spot is already queued on the TAP when write() returns.
 * Reading it right away saves an epoll_wait() and a read() that finds the
 * port empty per frame.  A read that finds nothing turns this off for that
 * port until epoll reports it readable again, so one-way traffic costs one
 * read, not one per frame.
 */
static struct tap_port *tap_follow_next(const struct tap_io *io)
{
	struct tap_port *to = io->follow_to;

	if (io->follow_sent != 1 || !to || to->follow_miss || to->busy ||
	    !uv_is_active((uv_handle_t *)&to->pfd.handle))
		return NULL;
	return to;
}

/* read one frame from @tp into the context's buffer and forward it */
static int tap_read_one(struct tap_port *tp)
{
	struct tap_io *io = tp->io;
	uint8_t *buf = tap_buf(io);
	bool vnet = tp->port.vnet;
	size_t size = vnet ? TAP_READ_MAX : TAP_READ_MAX - VNET_HDR_LEN;
	ssize_t n;

	do
		n = read(tp->pfd.fd, vnet ? buf : buf + VNET_HDR_LEN, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	io->follow_to = NULL;
	io->follow_sent = 0;
	tap_input(tp, buf, (size_t)n, size);
	return 0;
}

static void tap_on_readable(uv_poll_t *h, int status, int events)
{
	struct tap_port *tp = h->data, *rd = tp, *next;
	struct port *port = &tp->port;
	uint64_t bytes0 = port->stats.rx_bytes;
	unsigned int i, own = 0;
	int err;

	if (status < 0) {
		uv_poll_stop(h);
		port_fail(port, status, "TAP device gone");
		return;
	}

	tp->follow_miss = false;
	for (i = 0; i < TAP_RX_BUDGET; i++) {
		err = tap_read_one(rd);
		if (err && rd != tp) {
			/* the port we followed had no answer (its own
			 * callback deals with errors): back to ours */
			rd->follow_miss = true;
			rd = tp;
			continue;
		}
		if (err == -EAGAIN)
			return;
		if (err == -EBADFD || err == -EBADF) {
			uv_poll_stop(h);
			port_fail(port, err, "TAP device gone");
			return;
		}
		if (err) {
			port_count_drop(port, DROP_RX_ERROR);
			return;
		}
		if (rd == tp)
			own++;
		next = tap_follow_next(tp->io);
		rd = next ? next : tp;
	}
	/* a whole budget of our own small frames, and still more: busy */
	if (own == TAP_RX_BUDGET &&
	    port->stats.rx_bytes - bytes0 < (uint64_t)own * TAP_BUSY_FRAME_MAX)
		tap_set_busy(tp);
}

static struct tap_port *rx_to_tap(struct tap_uring_rx *rx)
{
	return (struct tap_port *)((char *)rx - offsetof(struct tap_port, rx));
}

/* a frame from the multishot read, in one of the port's buffers */
static void tap_rx_input(struct tap_uring_rx *rx, uint8_t *buf, size_t n)
{
	tap_input(rx_to_tap(rx), buf + PKT_HEADROOM, n, rx->buf_len);
}

/* read() again: the port went quiet and its multishot read is over */
static void tap_rx_stopped(struct tap_uring_rx *rx)
{
	struct tap_port *tp = rx_to_tap(rx);

	if (tp->port.state != PORT_STATE_DOWN)
		uv_poll_start(&tp->pfd.handle, UV_READABLE, tap_on_readable);
}

static void tap_rx_fail(struct tap_uring_rx *rx, int err)
{
	struct tap_port *tp = rx_to_tap(rx);

	if (err == -EBADFD || err == -EBADF) {
		port_fail(&tp->port, err, "TAP device gone");
		return;
	}
	warn_perror(-err, "port %s: io_uring read failed, using read()",
		    tp->port.name);
	tp->ring_failed = true;
	uv_poll_start(&tp->pfd.handle, UV_READABLE, tap_on_readable);
}

/* every TAP_BUSY_TICK_MS: busy ports that went quiet are read with read() */
static void tap_busy_tick(uv_timer_t *t)
{
	struct tap_io *io = t->data;
	struct tap_port *tp, *next;

	for (tp = io->busy; tp; tp = next) {
		uint64_t frames = tp->port.stats.rx_packets - tp->busy_mark;
		uint64_t bytes = tp->port.stats.rx_bytes - tp->busy_mark_bytes;

		next = tp->busy_next;
		if (frames >= TAP_BUSY_FRAMES &&
		    bytes < frames * TAP_BUSY_FRAME_MAX) {
			tp->busy_mark = tp->port.stats.rx_packets;
			tp->busy_mark_bytes = tp->port.stats.rx_bytes;
			continue;
		}
		debug("port %s: quiet or big frames, read() again",
		      tp->port.name);
		tap_busy_unlink(tp);
		/* what it read is forwarded first: tap_rx_stopped() */
		tap_uring_rx_stop(io->ring, &tp->rx);
	}
}

/*
 * tap_set_busy() - @tp had frames left after a whole TAP_RX_BUDGET: while
 * some port is busy, small writes are batched through io_uring, and a busy
 * port is read by one multishot read (kernel >= 6.7), until a tick finds
 * it quiet again.
 */
static void tap_set_busy(struct tap_port *tp)
{
	struct tap_io *io = tp->io;

	if (tp->busy || !io->ring)
		return;
	if (!tap_uring_rx_why(io->ring) && !tp->ring_failed) {
		uv_poll_stop(&tp->pfd.handle);
		if (tap_uring_rx_start(io->ring, &tp->rx))
			uv_poll_start(&tp->pfd.handle, UV_READABLE, tap_on_readable);
	}
	debug("port %s: busy, %s", tp->port.name,
	      tap_uring_rx_running(&tp->rx) ?
	      "read by io_uring, writes batched" : "writes batched");
	tp->busy = true;
	tp->busy_mark = tp->port.stats.rx_packets;
	tp->busy_mark_bytes = tp->port.stats.rx_bytes;
	tp->busy_next = io->busy;
	if (!io->busy)
		uv_timer_start(&io->busy_timer, tap_busy_tick,
			       TAP_BUSY_TICK_MS, TAP_BUSY_TICK_MS);
	io->busy = tp;
}

/* ask for vnet headers and the best offloads the kernel takes */
static int tap_set_offloads(int fd, unsigned int *offloads)
{
	int hdr_len = VNET_HDR_LEN;
	unsigned int i;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0)
		return -errno;
	for (i = 0; i < ARRAY_SIZE(tap_offload_chain); i++) {
		if (ioctl(fd, TUNSETOFFLOAD, tap_offload_chain[i]) == 0) {
			*offloads = tap_offload_chain[i];
			return 0;
		}
	}
	return -errno;
}

/* attach to @name; *created tells whether the device was made now */
static int tap_attach(int fd, const char *name, bool vnet, bool *created)
{
	short flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	struct ifreq ifr = {
		.ifr_flags = flags | IFF_TUN_EXCL,
	};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) == 0) {
		*created = true;
		return 0;
	}
	if (errno != EBUSY)
		return -errno;

	ifr.ifr_flags = flags;
	if (ioctl(fd, TUNSETIFF, &ifr) == 0) {
		*created = false;
		return 0;
	}
	return -errno;
}

static const char *tap_attach_why(int ret)
{
	switch (ret) {
	case -EBUSY:
		return "TAP is already attached to another process (another tapswd, or QEMU)";
	case -EINVAL:
		return "exists and is not a single-queue TAP device";
	case -EPERM:
		return "not permitted (needs CAP_NET_ADMIN, or to be the TAP's owner)";
	case -ENOENT:
	case -ENODEV:
		return "cannot open /dev/net/tun (is the tun module loaded?)";
	default:
		return "cannot attach";
	}
}

/*
 * tap_open_tun() - open /dev/net/tun in namespace @ns ("" for ours): a TAP
 * is then found by name in that namespace.  Reads the TAP's MTU and ifindex
 * there into *@mtu and *@ifindex when it exists (else leaves TAP_MTU_DEFAULT
 * and 0).  Returns the fd or a negative errno.
 */
static int tap_open_tun(const char *ns, const char *name, unsigned int *mtu,
			int *ifindex)
{
	struct ifreq ifr = { 0 };
	int fd, sock, back = -1, ret;

	*mtu = TAP_MTU_DEFAULT;
	*ifindex = 0;
	if (ns[0]) {
		ret = netns_enter(ns, &back);
		if (ret)
			return ret;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ret = fd < 0 ? -errno : fd;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock >= 0) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		if (ioctl(sock, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
			*mtu = (unsigned int)ifr.ifr_mtu;
		if (ioctl(sock, SIOCGIFINDEX, &ifr) == 0)
			*ifindex = ifr.ifr_ifindex;
		close(sock);
	}
	if (netns_leave(back) < 0) {
		/* cannot get back home: nothing else would work either */
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	return ret;
}

/* tap_move() - move interface @ifindex (in our namespace) into @ns */
static int tap_move(struct nl *nl, int ifindex, const char *ns)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 1];
	int fd, ret;

	if (!nl)
		return -ENOTCONN;
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = nl_link_set_netns(nl, ifindex, fd);
	close(fd);
	return ret;
}

/* tap_locate() - the named netns the TAP's netdev is in now ("": ours) */
static int tap_locate(struct port *port, char *ns, size_t nslen)
{
	int nsfd, ret;

	nsfd = ioctl(to_tap(port)->pfd.fd, TUNGETDEVNETNS);
	if (nsfd < 0)
		return -errno;
	ret = netns_name_of(nsfd, ns, nslen);
	close(nsfd);
	return ret;
}

/*
 * tap_watch_there() - a TAP found in another namespace, as netdev @ifindex
 * there: ask the id our namespace knows that one by (giving it one if need
 * be), so that linkwatch.c follows the link there as it follows a TAP moved
 * out after it was added.  Without it the port works, unwatched.
 */
static void tap_watch_there(struct nl *nl, struct tap_port *tp, int ifindex)
{
	struct nl_link link;
	int nsfd, nsid;

	if (!nl || ifindex <= 0)
		return;
	nsfd = ioctl(tp->pfd.fd, TUNGETDEVNETNS);
	if (nsfd < 0)
		return;
	nsid = nl_nsid_of(nl, nsfd);
	close(nsfd);
	if (nsid < 0) {
		debug("port %s: no id for its namespace (%s): link not watched",
		      tp->port.name, strerror(-nsid));
		return;
	}
	tp->port.link_nsid = nsid;
	tp->port.link_ifindex = ifindex;
	if (nl_link_get_in(nl, nsid, ifindex, &link) == 0)
		tp->port.link_down = nl_link_down(&link);
}

/*
 * Without CAP_SYS_ADMIN tapswd cannot enter other namespaces to look for a
 * TAP moved there, and creates a new one in its own: say so, once.
 */
static void tap_warn_unsearched(struct tap_io *io, const char *name)
{
	if (io->warned_unsearched)
		return;
	io->warned_unsearched = true;
	warn("port %s: cannot look for existing TAPs in other network namespaces (entering one needs CAP_SYS_ADMIN): a TAP moved into one is not found again, port add creates a new one here (said once)",
	     name);
}

/*
 * tap_set_mtu() - set the device's MTU while it is in tapswd's namespace
 * (once moved, only the host that owns it can), and the port's egress limit.
 */
static int tap_set_mtu(struct port *port, unsigned int mtu)
{
	struct tap_port *tp = to_tap(port);
	struct nl *nl = tp->io->d->nl;
	struct nl_link link;
	struct ifreq ifr = { 0 };
	int ret;

	if (mtu < 68 || mtu > 65535)
		return -ERANGE;

	/* the device's name now, and whether it is still in our namespace */
	if (ioctl(tp->pfd.fd, TUNGETIFF, &ifr) == 0 && nl &&
	    nl_link_get(nl, ifr.ifr_name, &link) == 0 &&
	    (!port->ifindex || link.ifindex == port->ifindex)) {
		ret = nl_link_set_mtu(nl, link.ifindex, mtu);
		if (ret)
			return ret;
	}
	port->mtu = mtu;
	return 0;
}

/* the TAP's settings, once attached: offloads, persistence, owner, group */
static int tap_setup(struct tap_port *tp, const struct port_config *cfg,
		     char *why, size_t whylen)
{
	int ret;

	if (!cfg->no_offload) {
		ret = tap_set_offloads(tp->pfd.fd, &tp->port.offloads);
		if (ret) {
			snprintf(why, whylen, "cannot set up vnet headers: %s",
				 strerror(-ret));
			return ret;
		}
		tp->port.vnet = true;
	}
	if (tp->port.created && ioctl(tp->pfd.fd, TUNSETPERSIST, 1) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot make the TAP persistent: %s",
			 strerror(-ret));
		return ret;
	}
	if (cfg->owner >= 0 && ioctl(tp->pfd.fd, TUNSETOWNER, cfg->owner) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set owner %ld: %s", cfg->owner,
			 strerror(-ret));
		return ret;
	}
	if (cfg->group >= 0 && ioctl(tp->pfd.fd, TUNSETGROUP, cfg->group) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set group %ld: %s", cfg->group,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * tap_place() - the netdev's ifindex, MTU and queue in our namespace (or
 * link watching in the one it was found in), the MTU asked for, and the
 * move to cfg->netns.  @where is the namespace it was found in ("": ours),
 * and becomes the one it is in.
 */
static int tap_place(struct tap_port *tp, const struct port_config *cfg,
		     char *where, size_t wherelen, char *why, size_t whylen)
{
	struct nl *nl = tp->io->d->nl;
	struct nl_link link = { 0 };
	int ret;

	if (where[0])
		tap_watch_there(nl, tp, tp->ifindex_there);
	else if (nl && nl_link_get(nl, cfg->name, &link) == 0) {
		tp->port.ifindex = link.ifindex;
		tp->port.mtu = link.mtu;
		if (tp->port.created) {
			/* tun never pushes back: a long queue instead of drops */
			nl_link_set_txqlen(nl, link.ifindex, TAP_TXQLEN);
			nl_link_set_up(nl, link.ifindex, true);
		}
	}
	if (cfg->mtu) {
		ret = tap_set_mtu(&tp->port, cfg->mtu);
		if (ret) {
			snprintf(why, whylen, "cannot set MTU %u: %s", cfg->mtu,
				 nl && *nl_strerror(nl) ? nl_strerror(nl) :
				 strerror(-ret));
			return ret;
		}
	}
	if (!where[0] && cfg->netns && cfg->netns[0] && link.ifindex) {
		ret = tap_move(nl, link.ifindex, cfg->netns);
		if (ret) {
			snprintf(why, whylen, "cannot move it to netns %s: %s",
				 cfg->netns, nl && nl_strerror(nl)[0] ?
				 nl_strerror(nl) : strerror(-ret));
			return ret;
		}
		snprintf(where, wherelen, "%s", cfg->netns);
	}
	return 0;
}

static int tap_open(struct daemon *d, void *priv, const struct port_config *cfg,
		    struct port **portp, char *why, size_t whylen)
{
	char where[NETNS_NAME_MAX];
	struct tap_io *io = priv;
	struct tap_port *tp;
	bool created = false;
	int ret;

	tp = calloc(1, sizeof(*tp));
	if (!tp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	tp->io = io;
	/* where is it?  here, in its --netns, or moved to any named netns */
	ret = netns_find_link(cfg->name, cfg->netns, where, sizeof(where));
	if (ret == -EPERM)
		tap_warn_unsearched(io, cfg->name);
	if (ret)
		where[0] = '\0';	/* nowhere: it is created here */
	tp->pfd.fd = tap_open_tun(where, cfg->name, &tp->port.mtu,
			      &tp->ifindex_there);
	if (tp->pfd.fd < 0) {
		ret = tp->pfd.fd;
		snprintf(why, whylen, "cannot open /dev/net/tun%s%s: %s%s",
			 where[0] ? " in netns " : "", where, strerror(-ret),
			 ret == -EACCES ? " (tapswd's user needs read and write access to it; udev's default is mode 0666)" :
			 ret == -EPERM && where[0] ? " (entering a network namespace needs CAP_SYS_ADMIN)" : "");
		goto err_free;
	}
	ret = tap_attach(tp->pfd.fd, cfg->name, !cfg->no_offload, &created);
	if (ret) {
		snprintf(why, whylen, "%s", tap_attach_why(ret));
		goto err_close;
	}
	snprintf(tp->port.name, sizeof(tp->port.name), "%s", cfg->name);
	tp->port.created = created;
	ret = tap_setup(tp, cfg, why, whylen);
	if (ret)
		goto err_destroy;
	ret = tap_place(tp, cfg, where, sizeof(where), why, whylen);
	if (ret)
		goto err_destroy;
	ret = port_poll_init(&tp->pfd, d->loop, tp->pfd.fd, tp, why, whylen);
	if (ret)
		goto err_destroy;

	tp->ufd.fd = tp->pfd.fd;
	tp->ufd.done = tap_write_done;
	/* the multishot read of a busy port: room for a VLAN tag, then
	 * [vnet header][frame] as read() leaves them */
	tp->rx.fd = tp->pfd.fd;
	tp->rx.headroom = PKT_HEADROOM + (tp->port.vnet ? 0 : VNET_HDR_LEN);
	tp->rx.buf_len = tp->port.vnet ? TAP_READ_MAX : TAP_READ_MAX - VNET_HDR_LEN;
	tp->rx.input = tap_rx_input;
	tp->rx.fail = tap_rx_fail;
	tp->rx.stopped = tap_rx_stopped;

	info("port %s: %s TAP%s%s, mtu %u, %s", cfg->name,
	     created ? "created" : "attached to", where[0] ? " in netns " : "",
	     where, tp->port.mtu,
	     tp->port.vnet ? "vnet header" : "plain frames");
	*portp = &tp->port;
	return 0;

err_destroy:
	if (created)
		ioctl(tp->pfd.fd, TUNSETPERSIST, 0);
err_close:
	close(tp->pfd.fd);
err_free:
	free(tp);
	return ret;
}

/* read() until the port is busy (tap_set_busy()) */
static int tap_start(struct port *port, char *why, size_t whylen)
{
	return port_poll_start(&to_tap(port)->pfd, tap_on_readable, why,
			       whylen);
}

/* the context's memory: with no busy timer, or once libuv let go of it */
static void tap_io_free(struct tap_io *io)
{
	free(io->room);
	free(io);
}

/*
 * tap_io_init() - the backend's context: the read buffer, the busy tick and
 * io_uring as --io asks (IO_AUTO: when the kernel allows it), one info line
 * saying which.
 */
static int tap_io_init(struct daemon *d, void **priv, char *why, size_t whylen)
{
	const char *rx_why;
	struct tap_io *io;
	int ret;

	io = calloc(1, sizeof(*io));
	if (!io || !(io->room = aligned_alloc(16, (TAP_ROOM + 15) & ~15))) {
		free(io);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	io->d = d;
	if (d->io == IO_PLAIN) {
		info("I/O: plain read()/write() (--io plain)");
	} else if ((ret = tap_uring_open(d->loop, &io->ring, why, whylen))) {
		if (d->io == IO_URING) {
			tap_io_free(io);
			return ret;
		}
		info("I/O: plain read()/write(): %s", why);
	} else if (!(rx_why = tap_uring_rx_why(io->ring))) {
		info("I/O: io_uring: one multishot read per busy TAP, frames up to %d bytes written in batches",
		     TAP_URING_SLOT_SIZE);
	} else {
		info("I/O: io_uring: frames up to %d bytes written in batches; reads with read(): %s",
		     TAP_URING_SLOT_SIZE, rx_why);
	}
	d->io = io->ring ? IO_URING : IO_PLAIN;
	if (io->ring) {
		uv_timer_init(d->loop, &io->busy_timer);
		io->busy_timer.data = io;
		uv_unref((uv_handle_t *)&io->busy_timer);
	}
	*priv = io;
	return 0;
}

static void tap_io_free_cb(uv_handle_t *h)
{
	tap_io_free(h->data);
}

static void tap_io_fini(struct daemon *d, void *priv)
{
	struct tap_io *io = priv;

	if (!io->ring) {
		tap_io_free(io);
		return;
	}
	tap_uring_close(io->ring);
	uv_close((uv_handle_t *)&io->busy_timer, tap_io_free_cb);
}

const struct port_class tap_port_class = {
	.name = "tap",
	.init = tap_io_init,
	.fini = tap_io_fini,
	.open = tap_open,
	.start = tap_start,
	.send = tap_send,
	.set_mtu = tap_set_mtu,
	.locate = tap_locate,
	.close = tap_close,
};
