// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap.c - TAP port backend: /dev/net/tun, TUNSETIFF, a uv_poll_t, and a
 * read loop drained until EAGAIN that follows answers.
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
 * with EBADFD; libuv then calls us with UV_EBADF and stops the handle, and
 * the port is marked down (port_fail()), once, without a busy loop.
 *
 * Offloads: by default the TAP is opened with IFF_VNET_HDR, a 12-byte
 * virtio-net header (TUNSETVNETHDRSZ) and TUNSETOFFLOAD(CSUM|TSO4|TSO6|
 * TSO_ECN), falling back step by step to fewer offloads if the kernel
 * refuses.  The namespace's stack then hands us 64 KiB TCP superframes with
 * partial checksums, and the header goes along to the egress port: one read
 * and one write move up to 64 KiB.  Writing never depends on TUNSETOFFLOAD
 * (it says what we accept when reading): any vnet TAP takes any valid GSO
 * frame.  UDP segmentation offload (USO) is left off: measured here it cost
 * 15 % of TCP throughput.  With no_offload the TAP carries plain frames, as
 * vde_switch's do, and the switch finishes checksums and segments for it.
 *
 * Reading: each wake-up reads at most TAP_RX_BUDGET frames, so one busy
 * port cannot starve the others (libuv calls every ready port once per
 * loop iteration).  After a frame that went to one TAP, the next read is
 * from that TAP, where the answer is often already waiting
 * (tap_follow_next()).  One static buffer holds the frame being
 * forwarded: the read buffer is the write buffer, and nothing is allocated
 * per frame.  A port without vnet headers reads VNET_HDR_LEN bytes into the
 * buffer and gets an all-zero header there, so every frame looks the same
 * to the switch.
 *
 * Busy ports (tap_set_busy()): with io_uring (uring.c), a port that still
 * has frames after a whole budget is read instead by one multishot read
 * into a ring of its own buffers (kernel >= 6.7): the kernel reads frames
 * as they come and the loop forwards a batch of them per wake-up, with no
 * system call per frame.  The frame is forwarded from that buffer, which
 * goes back to the ring once switch_input() returns (small writes are
 * copies; big ones are written before it returns).  A tick puts the port
 * back on read() once it is quiet, since for a frame now and then one
 * read() is the quicker way (ping: 1.6 times faster).
 *
 * Writing: while some port is busy, frames up to URING_SLOT_SIZE are
 * copied into io_uring's write queue and go to the kernel in one batch per
 * loop iteration; larger ones, and every frame while all ports are quiet,
 * are written directly, after the port's queued writes (uring_fd_sync()),
 * so frames never overtake each other.  Without io_uring every frame is
 * one write().
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

#include "tapsw/log.h"
#include "tapsw/netlink.h"
#include "tapsw/netns.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/tap.h"
#include "tapsw/uring.h"
#include "tapsw/vnet.h"

enum {
	TAP_RX_BUDGET = 64,		/* frames per wake-up per port */
	TAP_BUSY_TICK_MS = 100,		/* how often busy ports are checked */
	TAP_BUSY_FRAMES = 100,		/* fewer per tick (1000/s): quiet */
	TAP_BUF_SIZE = 65536 + 256,	/* > largest frame: MTU 65535 + headers */
	TAP_READ_MAX = VNET_HDR_LEN + TAP_BUF_SIZE,
	TAP_TXQLEN = 10000,		/* tun tail-drops when its queue is full */
	TAP_MTU_DEFAULT = 1500,
};

struct tap_port {
	struct port port;
	int fd;
	uv_poll_t poll;
	struct uring_fd ufd;	/* small writes batched through io_uring */
	struct uring_rx rx;	/* a multishot read, when io_uring has it */
	bool busy;		/* on tap_busy.ports (tap_set_busy()) */
	bool ring_failed;	/* io_uring refused to read it: read() only */
	bool follow_miss;	/* a read after a frame to it found nothing */
	uint64_t busy_mark;	/* rx_packets at the last tick */
	struct tap_port *busy_next;
};

/* the busy ports, checked every TAP_BUSY_TICK_MS (tap_set_busy()) */
static struct {
	uv_timer_t timer;
	bool timer_init;
	struct tap_port *ports;
} tap_busy;

/* [headroom][virtio-net header][Ethernet frame up to 64 KiB] */
static uint8_t tap_room[PKT_HEADROOM + VNET_HDR_LEN + TAP_BUF_SIZE]
	__attribute__((aligned(16)));
static uint8_t *const tap_buf = tap_room + PKT_HEADROOM;

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

/*
 * The TAP port the frame being forwarded was written to, if it went to
 * exactly one and there by write() (tap_on_readable(): following the
 * answer).
 */
static struct {
	struct tap_port *to;
	unsigned int sent;
} tap_follow;

static int tap_send(struct port *port, const void *buf, size_t len)
{
	struct tap_port *tp = to_tap(port);
	ssize_t n;

	tap_follow.sent++;
	if (uring_active()) {
		/* batched while some port is busy (tap_set_busy()); one by
		 * one, with the least latency, when all are quiet */
		if (tap_busy.ports && likely(len <= URING_SLOT_SIZE)) {
			tap_follow.to = NULL;	/* not written yet: no answer */
			return uring_write(&tp->ufd, buf, len);
		}
		/* a direct write goes after what is queued before it */
		uring_fd_sync(&tp->ufd);
	}
	tap_follow.to = tp;
	do
		n = write(tp->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

static void tap_busy_unlink(struct tap_port *tp)
{
	struct tap_port **pp;

	for (pp = &tap_busy.ports; *pp; pp = &(*pp)->busy_next) {
		if (*pp == tp) {
			*pp = tp->busy_next;
			break;
		}
	}
	tp->busy = false;
	if (!tap_busy.ports && tap_busy.timer_init)
		uv_timer_stop(&tap_busy.timer);
}

static void tap_free_cb(uv_handle_t *h)
{
	struct tap_port *tp = h->data;

	close(tp->fd);
	free(tp);
}

static void tap_close(struct port *port, bool destroy)
{
	struct tap_port *tp = to_tap(port);

	tap_busy_unlink(tp);
	if (tap_follow.to == tp)
		tap_follow.to = NULL;
	uring_rx_stop(&tp->rx, false);
	uring_fd_sync(&tp->ufd);	/* no write of ours left in flight */
	if (destroy && ioctl(tp->fd, TUNSETPERSIST, 0) < 0)
		warn_perror(errno, "port %s: cannot clear persist flag", port->name);
	/* the fd is closed once libuv has let go of the handle */
	uv_close((uv_handle_t *)&tp->poll, tap_free_cb);
}

static int tap_set_mtu(struct port *port, unsigned int mtu);
static int tap_locate(struct port *port, char *ns, size_t nslen);

static const struct port_ops tap_ops = {
	.kind = PORT_KIND_TAP,
	.send = tap_send,
	.set_mtu = tap_set_mtu,
	.locate = tap_locate,
	.close = tap_close,
};

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
	switch_input(port->sw, port, &pkt);
}

static void tap_set_busy(struct tap_port *tp);

/*
 * tap_follow_next() - the port to read after a frame was forwarded: the one
 * TAP it was written to, if it is read with read() and answered last time.
 *
 * A frame written to a TAP is taken in by that namespace's stack inside
 * write() (tun_get_user() -> netif_receive_skb()), and what the stack
 * answers on the spot -- a TCP ACK, an echo reply, and in turn the sender's
 * next segments once the ACK opens its window -- is already queued on the
 * TAP when write() returns.  Reading it right away, instead of going back
 * to epoll to be told so, saves an epoll_wait() and a read() that finds the
 * port empty per frame, and forwards the answer sooner.  A read that finds
 * nothing turns this off for that port until epoll reports it readable
 * again, so one-way traffic costs one read, not one per frame.
 */
static struct tap_port *tap_follow_next(void)
{
	struct tap_port *to = tap_follow.to;

	if (tap_follow.sent != 1 || !to || to->follow_miss || to->busy ||
	    !uv_is_active((uv_handle_t *)&to->poll))
		return NULL;
	return to;
}

/* read one frame from @tp into tap_buf and forward it; -errno if none */
static int tap_read_one(struct tap_port *tp)
{
	bool vnet = tp->port.vnet;
	size_t size = vnet ? TAP_READ_MAX : TAP_READ_MAX - VNET_HDR_LEN;
	ssize_t n;

	do
		n = read(tp->fd, vnet ? tap_buf : tap_buf + VNET_HDR_LEN, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	tap_follow.to = NULL;
	tap_follow.sent = 0;
	tap_input(tp, tap_buf, (size_t)n, size);
	return 0;
}

static void tap_on_readable(uv_poll_t *h, int status, int events)
{
	struct tap_port *tp = h->data, *rd = tp, *next;
	struct port *port = &tp->port;
	unsigned int i, own = 0;
	int err;

	if (status < 0) {
		uv_poll_stop(h);
		port_fail(port, status, "TAP device gone");
		return;
	}

	port->sw->now_ms = uv_now(h->loop);
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
		next = tap_follow_next();
		rd = next ? next : tp;
	}
	/* a whole budget of our own frames, and still more: a busy port */
	if (own == TAP_RX_BUDGET)
		tap_set_busy(tp);
}

/* a frame from the multishot read (uring.c), in one of the port's buffers */
static void tap_rx_input(struct uring_rx *rx, uint8_t *buf, size_t n)
{
	struct tap_port *tp = to_tap(rx->port);

	tp->port.sw->now_ms = uv_now(tp->poll.loop);
	tap_input(tp, buf + PKT_HEADROOM, n, rx->buf_len);
}

static void tap_rx_fail(struct uring_rx *rx, int err)
{
	struct tap_port *tp = to_tap(rx->port);

	if (err == -EBADFD || err == -EBADF) {
		port_fail(&tp->port, err, "TAP device gone");
		return;
	}
	/* the ring refused this fd: read it the plain way (the buffers go
	 * when the port closes) */
	warn_perror(-err, "port %s: io_uring read failed, using read()",
		    tp->port.name);
	tp->ring_failed = true;
	uv_poll_start(&tp->poll, UV_READABLE, tap_on_readable);
}

/* every TAP_BUSY_TICK_MS: busy ports that went quiet are read with read() */
static void tap_busy_tick(uv_timer_t *t)
{
	struct tap_port *tp, *next;

	for (tp = tap_busy.ports; tp; tp = next) {
		next = tp->busy_next;
		if (!tp->busy)
			continue;	/* unlinked while another port was read */
		if (tp->port.stats.rx_packets - tp->busy_mark >= TAP_BUSY_FRAMES) {
			tp->busy_mark = tp->port.stats.rx_packets;
			continue;
		}
		debug("port %s: quiet, read() again", tp->port.name);
		tap_busy_unlink(tp);
		uring_rx_stop(&tp->rx, true);	/* forwards what it read */
		if (!uv_is_active((uv_handle_t *)&tp->poll) &&
		    tp->port.state != PORT_STATE_DOWN)
			uv_poll_start(&tp->poll, UV_READABLE, tap_on_readable);
	}
}

/*
 * tap_set_busy() - @tp had frames left after a whole TAP_RX_BUDGET.
 *
 * A port starts quiet: poll + one read() per frame, and writes to TAPs go
 * out one write() each.  That costs least latency for a frame now and then
 * (with a multishot read and batched writes a ping took 1.6 times as long:
 * a task-work round, an eventfd and a deferred submit per wake-up).  While
 * some port is busy, writes of small frames are batched through io_uring,
 * and a busy port is read by one multishot read (kernel >= 6.7), with no
 * system call per frame either way, until a tick finds it quiet again.
 */
static void tap_set_busy(struct tap_port *tp)
{
	struct uring_rx *rx = &tp->rx;

	if (tp->busy || !uring_active())
		return;
	if (!tap_busy.timer_init) {
		uv_timer_init(tp->poll.loop, &tap_busy.timer);
		uv_unref((uv_handle_t *)&tap_busy.timer);
		tap_busy.timer_init = true;
	}
	if (uring_rx_available() && !tp->ring_failed) {
		uv_poll_stop(&tp->poll);
		if (uring_rx_start(rx, (uint16_t)tp->port.index))
			uv_poll_start(&tp->poll, UV_READABLE, tap_on_readable);
	}
	debug("port %s: busy, %s", tp->port.name,
	      uv_is_active((uv_handle_t *)&tp->poll) ?
	      "writes batched" : "read by io_uring, writes batched");
	tp->busy = true;
	tp->busy_mark = tp->port.stats.rx_packets;
	tp->busy_next = tap_busy.ports;
	if (!tap_busy.ports)
		uv_timer_start(&tap_busy.timer, tap_busy_tick,
			       TAP_BUSY_TICK_MS, TAP_BUSY_TICK_MS);
	tap_busy.ports = tp;
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
static int tap_move(struct sw *sw, int ifindex, const char *ns)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 1];
	int fd, ret;

	if (!sw->nl)
		return -ENOTCONN;
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = nl_link_set_netns(sw->nl, ifindex, fd);
	close(fd);
	return ret;
}

/* tap_locate() - the named netns the TAP's netdev is in now ("": ours) */
static int tap_locate(struct port *port, char *ns, size_t nslen)
{
	int nsfd, ret;

	nsfd = ioctl(to_tap(port)->fd, TUNGETDEVNETNS);
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
static void tap_watch_there(struct sw *sw, struct tap_port *tp, int ifindex)
{
	struct nl_link link;
	int nsfd, nsid;

	if (!sw->nl || ifindex <= 0)
		return;
	nsfd = ioctl(tp->fd, TUNGETDEVNETNS);
	if (nsfd < 0)
		return;
	nsid = nl_nsid_of(sw->nl, nsfd);
	close(nsfd);
	if (nsid < 0) {
		debug("port %s: no id for its namespace (%s): link not watched",
		      tp->port.name, strerror(-nsid));
		return;
	}
	tp->port.link_nsid = nsid;
	tp->port.link_ifindex = ifindex;
	if (nl_link_get_in(sw->nl, nsid, ifindex, &link) == 0)
		tp->port.link_down = nl_link_down(&link);
}

/*
 * Without CAP_SYS_ADMIN tapswd cannot enter other namespaces to look for a
 * TAP moved there, and creates a new one in its own: say so, once.
 */
static void tap_warn_unsearched(const char *name)
{
	static bool warned;

	if (warned)
		return;
	warned = true;
	warn("port %s: cannot look for existing TAPs in other network namespaces (entering one needs CAP_SYS_ADMIN): a TAP moved into one is not found again, port add creates a new one here (said once)",
	     name);
}

int tap_port_open(struct sw *sw, const struct port_config *cfg,
		  struct port **portp, char *why, size_t whylen)
{
	struct nl_link link = { 0 };
	char where[NETNS_NAME_MAX];
	struct tap_port *tp;
	bool created = false;
	int ret, ifindex_there;

	if (!cfg->name[0] || strlen(cfg->name) >= IF_NAMESIZE) {
		snprintf(why, whylen, "invalid TAP name (1 to %d characters)",
			 IF_NAMESIZE - 1);
		return -EINVAL;
	}

	tp = calloc(1, sizeof(*tp));
	if (!tp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	/* where is it?  here, in its --netns, or moved to any named netns */
	ret = netns_find_link(cfg->name, cfg->netns, where, sizeof(where));
	if (ret == -EPERM)
		tap_warn_unsearched(cfg->name);
	if (ret)
		where[0] = '\0';	/* nowhere: it is created here */
	tp->fd = tap_open_tun(where, cfg->name, &tp->port.mtu, &ifindex_there);
	if (tp->fd < 0) {
		ret = tp->fd;
		snprintf(why, whylen, "cannot open /dev/net/tun%s%s: %s%s",
			 where[0] ? " in netns " : "", where, strerror(-ret),
			 ret == -EACCES ? " (tapswd's user needs read and write access to it; udev's default is mode 0666)" :
			 ret == -EPERM && where[0] ? " (entering a network namespace needs CAP_SYS_ADMIN)" : "");
		goto err_free;
	}

	ret = tap_attach(tp->fd, cfg->name, !cfg->no_offload, &created);
	if (ret) {
		snprintf(why, whylen, "%s", tap_attach_why(ret));
		goto err_close;
	}
	if (!cfg->no_offload) {
		ret = tap_set_offloads(tp->fd, &tp->port.offloads);
		if (ret) {
			snprintf(why, whylen, "cannot set up vnet headers: %s",
				 strerror(-ret));
			goto err_destroy;
		}
		tp->port.vnet = true;
	}
	if (created && ioctl(tp->fd, TUNSETPERSIST, 1) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot make the TAP persistent: %s",
			 strerror(-ret));
		goto err_close;
	}
	if (cfg->owner >= 0 && ioctl(tp->fd, TUNSETOWNER, cfg->owner) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set owner %ld: %s", cfg->owner,
			 strerror(-ret));
		goto err_destroy;
	}
	if (cfg->group >= 0 && ioctl(tp->fd, TUNSETGROUP, cfg->group) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot set group %ld: %s", cfg->group,
			 strerror(-ret));
		goto err_destroy;
	}

	snprintf(tp->port.name, sizeof(tp->port.name), "%s", cfg->name);
	tp->ufd.port = &tp->port;
	tp->ufd.fd = tp->fd;
	/* the multishot read of a busy port: room for a VLAN tag, then
	 * [vnet header][frame] as read() leaves them */
	tp->rx.port = &tp->port;
	tp->rx.fd = tp->fd;
	tp->rx.headroom = PKT_HEADROOM + (tp->port.vnet ? 0 : VNET_HDR_LEN);
	tp->rx.buf_len = tp->port.vnet ? TAP_READ_MAX : TAP_READ_MAX - VNET_HDR_LEN;
	tp->rx.input = tap_rx_input;
	tp->rx.fail = tap_rx_fail;
	tp->port.sw = sw;
	tp->port.ops = &tap_ops;
	tp->port.created = created;

	if (where[0])
		tap_watch_there(sw, tp, ifindex_there);
	else if (sw->nl && nl_link_get(sw->nl, cfg->name, &link) == 0) {
		tp->port.ifindex = link.ifindex;
		tp->port.mtu = link.mtu;
		if (created) {
			/* tun never pushes back: a long queue instead of drops */
			nl_link_set_txqlen(sw->nl, link.ifindex, TAP_TXQLEN);
			nl_link_set_up(sw->nl, link.ifindex, true);
		}
	}
	if (cfg->mtu) {
		ret = tap_set_mtu(&tp->port, cfg->mtu);
		if (ret) {
			snprintf(why, whylen, "cannot set MTU %u: %s", cfg->mtu,
				 sw->nl && *nl_strerror(sw->nl) ?
				 nl_strerror(sw->nl) : strerror(-ret));
			goto err_destroy;
		}
	}

	if (!where[0] && cfg->netns && cfg->netns[0] && link.ifindex) {
		ret = tap_move(sw, link.ifindex, cfg->netns);
		if (ret) {
			snprintf(why, whylen, "cannot move it to netns %s: %s",
				 cfg->netns, nl_strerror(sw->nl)[0] ?
				 nl_strerror(sw->nl) : strerror(-ret));
			goto err_destroy;
		}
		snprintf(where, sizeof(where), "%s", cfg->netns);
	}

	ret = port_attach(sw, &tp->port);
	if (ret) {
		snprintf(why, whylen, ret == -EEXIST ? "port exists" :
			 "too many ports");
		goto err_destroy;
	}
	ret = uv_poll_init(sw->loop, &tp->poll, tp->fd);
	if (ret) {
		snprintf(why, whylen, "cannot poll: %s", uv_strerror(ret));
		port_detach(sw, &tp->port);
		goto err_destroy;
	}
	tp->poll.data = tp;
	/* read() until the port is busy (tap_set_busy()) */
	ret = uv_poll_start(&tp->poll, UV_READABLE, tap_on_readable);
	if (ret) {
		snprintf(why, whylen, "cannot poll: %s", uv_strerror(ret));
		port_detach(sw, &tp->port);
		tap_close(&tp->port, created);
		return ret;
	}

	info("port %s: %s TAP%s%s, mtu %u, %s", cfg->name,
	     created ? "created" : "attached to", where[0] ? " in netns " : "",
	     where, tp->port.mtu,
	     tp->port.vnet ? "vnet header" : "plain frames");
	*portp = &tp->port;
	return 0;

err_destroy:
	if (created)
		ioctl(tp->fd, TUNSETPERSIST, 0);
err_close:
	close(tp->fd);
err_free:
	free(tp);
	return ret;
}

/*
 * tap_set_mtu() - set the device's MTU while it is in tapswd's namespace
 * (once moved, only the host that owns it can), and the port's egress limit.
 */
static int tap_set_mtu(struct port *port, unsigned int mtu)
{
	struct sw *sw = port->sw;
	struct tap_port *tp = to_tap(port);
	struct nl_link link;
	struct ifreq ifr = { 0 };
	int ret;

	if (mtu < 68 || mtu > 65535)
		return -ERANGE;

	/* the device's name now, and whether it is still in our namespace */
	if (ioctl(tp->fd, TUNGETIFF, &ifr) == 0 && sw->nl &&
	    nl_link_get(sw->nl, ifr.ifr_name, &link) == 0 &&
	    (!port->ifindex || link.ifindex == port->ifindex)) {
		ret = nl_link_set_mtu(sw->nl, link.ifindex, mtu);
		if (ret)
			return ret;
	}
	port->mtu = mtu;
	return 0;
}
